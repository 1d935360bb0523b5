"""Importing a hand-written page: the roundtable's real page, and the edge cases real pages have."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from p2p.files.load import load_event
from p2p.files.readme_event import ImportedEvent
from p2p.files.readme_import import PageImport, event_data, event_file_text, parse_page
from p2p.files.readme_page import clean_title, find_presenter, fix_mojibake, parse_date
from p2p.models import Event

ROOT = Path(__file__).resolve().parent.parent
LEGACY = Path(__file__).resolve().parent / "golden" / "legacy" / "README.md"  # the real page, as it stands
TODAY = date(2026, 11, 25)


def page(text: str) -> PageImport:
    return parse_page(text, today=TODAY)


def by_id(result: PageImport) -> dict[str, ImportedEvent]:
    return {e.id: e for e in result.events}


def guesses(event: ImportedEvent) -> list[tuple[int, str]]:
    return [(g.line, g.text) for g in event.guesses]


@pytest.fixture(scope="module")
def real() -> PageImport:
    return page(LEGACY.read_text(encoding="utf-8"))


# --- the real page ----------------------------------------------------------------------------


def test_real_page_events(real: PageImport) -> None:
    summary = [(e.id, e.data["title"], e.data["format"], e.line) for e in real.events]
    assert summary == [
        ("2019-11-10", "Development Velocity", "lean-coffee", 56),
        ("2020-03-02", "Career framework for software engineers", "presentation", 52),
        ("2020-05-12", "Software Engineering metrics", "presentation", 48),
        ("2021-09-29", "The Value Between The Lines", "presentation", 45),
        ("2021-11-03", "Attracting, Hiring, and Retaining Engineering Talent", "lean-coffee", 42),
        (
            "2022-02-02",
            "Optimizing Sychronous and Asynchronous Communications With Remote Teams",
            "lean-coffee",
            39,
        ),
        ("2022-04-12", "How to Insure and Develop with Quality", "lean-coffee", 35),
        ("2022-09-14", "Happy hour at Sanitas Brewery in Boulder", "social", 32),
        ("2022-11-16", "All about Integrations", "lean-coffee", 25),
        ("2023-02-21", "Observability", "presentation", 21),
        ("2023-05-02", "CTO Leadership during economic downturns", "lean-coffee", 14),
        (
            "2023-10-11",
            "How to use AI to power QA,Software Development, and Faster Releases",
            "lean-coffee",
            8,
        ),
    ]


def test_real_page_details(real: PageImport) -> None:
    events = by_id(real)
    assert events["2023-05-02"].data["topics"] == [
        "Hiring - retaining - scaling back",
        "Re-negotiating vendor contracts",
        "Scaling back",
        "Managing shifting expectations",
    ]
    assert (
        events["2023-10-11"].data["description"]
        == "Discussion about what's really working right now and what is not."
    )
    assert events["2023-02-21"].data["presenters"] == [{"name": "Rob Pinna"}]
    assert events["2023-02-21"].data["notes"] == "Drinks will be Vodka Tonics"
    assert events["2022-09-14"].data["location"] == "Sanitas Brewery in Boulder"
    assert events["2021-09-29"].data["presenters"] == [
        {"name": "Rob Pinna", "affiliation": "VP Product and Engineering, Serenity App"}
    ]
    assert events["2020-05-12"].data["presenters"] == [
        {"name": "Dan Lines", "affiliation": "Co-founder and COO, Linear B"}
    ]
    assert events["2020-03-02"].data["presenters"] == [
        {"name": "Kathy Keating", "affiliation": "CTO, TextUs"}
    ]
    velocity = events["2019-11-10"].data["description"]
    assert velocity.startswith(
        "The people, process and technologies that impact **development velocity**.\n\n"
    )
    assert velocity.split("\n\n")[1].startswith("Submit topic proposals as GitHub issues")
    assert events["2022-02-02"].data["description"].startswith("Remote is how most teams are working now")
    assert events["2022-04-12"].data["topics"] == [
        "How are you developing today? Are you using developers or QA for functional testing?",
        "How do you keep up the pace of development with quality?",
    ]


def test_real_page_guesses(real: PageImport) -> None:
    events = by_id(real)
    assert guesses(events["2023-02-21"]) == [
        (
            21,
            "February 21, 2022 is out of order between May 2, 2023 (line 14) and "
            "November 16, 2022 (line 25): took it as February 21, 2023",
        ),
        (22, "no title given: took 'Observability', what Rob Pinna presents about"),
        (22, "read as a presentation, since someone presents"),
        (
            22,
            "took Rob Pinna as a presenter, from "
            "'Rob Pinna will present and launch the discussion about Observability.'",
        ),
        (23, "read as a note: 'Drinks will be Vodka Tonics'"),
    ]
    assert guesses(events["2021-11-03"]) == [
        (
            42,
            "November 3rd has no year: took November 3, 2021, "
            "as the page lists it below February 2, 2022 (line 39)",
        )
    ]
    assert guesses(events["2021-09-29"])[:2] == [
        (
            45,
            "September 29th has no year: took September 29, 2021, "
            "as the page lists it below November 3, 2021 (line 42)",
        ),
        (45, "repaired mis-decoded text 'â€˜' as '‘'"),
    ]
    assert guesses(events["2022-09-14"]) == [
        (33, "read as a social event (in person), not a virtual one"),
        (33, "took the venue 'Sanitas Brewery in Boulder' as the location"),
    ]
    assert (16, "read lines 16-19 as the event's topics, one per line") in guesses(events["2023-05-02"])
    assert guesses(events["2023-10-11"]) == [] and guesses(events["2022-02-02"]) == []
    assert [g.line for g in real.guesses] == sorted(g.line for g in real.guesses)
    assert len(real.guesses) == 19


def test_real_page_reports_what_is_no_event(real: PageImport) -> None:
    assert [(n.line, n.text) for n in real.skipped] == [
        (1, "the page's title 'peer-to-peer' and introduction (lines 1-5) is no event: not imported"),
        (12, "the section 'Previous topics' (line 12) is no event: not imported"),
        (62, "the section 'Meeting Logistics' (lines 62-70) is no event: not imported"),
    ]


def _accounted(result: PageImport) -> set[int]:
    used = {n for e in result.events for n in e.lines}
    for note in result.skipped:
        first, _, last = note.text.partition("(line")[2].strip("s ").partition(")")[0].partition("-")
        used.update(range(int(first), int(last or first) + 1))
    return used


def test_nothing_on_the_real_page_is_silently_dropped(real: PageImport) -> None:
    lines = LEGACY.read_text(encoding="utf-8").split("\n")
    content = {number for number, line in enumerate(lines, start=1) if line.strip()}
    assert content <= _accounted(real)


def test_every_imported_event_is_valid_and_its_file_says_where_it_came_from(real: PageImport) -> None:
    for event in real.events:
        Event.model_validate(event_data(event))
        text = event_file_text(event, source="README.md")
        lines = text.split("\n")
        assert lines[0] == "# yaml-language-server: $schema=schema.json"
        assert lines[1] == f"# Imported from README.md, line {event.line}, by `p2p import-readme`."
        for guess in event.guesses:
            assert f"# - {guess}" in lines


# What the hand review of the project's own events/ changed from the importer's output; each
# change is explained in its file's "Reviewed by hand" comment.
REVIEWED = {
    ("2019-11-10", "description"),  # the call for proposals, in the past tense
    ("2022-02-02", "title"),  # "Sychronous"
    ("2022-04-12", "title"),  # "Insure"
    ("2023-10-11", "title"),  # "QA,Software"
}


def test_the_project_history_is_the_real_page_imported_then_reviewed(real: PageImport) -> None:
    """events/ holds every event of the real page, as imported, but for the reviewed fields."""
    ours = {path.stem: path for path in sorted((ROOT / "events").glob("*.yaml"))}
    assert sorted(ours) == [e.id for e in real.events]
    changed = set()
    for imported in real.events:
        event = load_event(ours[imported.id]).model_dump(exclude_defaults=True)
        expected = Event.model_validate(event_data(imported)).model_dump(exclude_defaults=True)
        assert event.keys() == expected.keys(), imported.id
        changed |= {(imported.id, key) for key in event if event[key] != expected[key]}
    assert changed == REVIEWED
    for event_id in {event_id for event_id, _ in REVIEWED}:
        assert "\n# Reviewed by hand:\n" in ours[event_id].read_text(encoding="utf-8")


# --- edge cases -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 11, 2023", (10, 11, 2023, "")),
        ("May 12 2020: Software", (5, 12, 2020, ": Software")),
        ("March 2nd 2020: Career", (3, 2, 2020, ": Career")),
        ("November 3rd Theme: Hiring", (11, 3, None, " Theme: Hiring")),
        ("September 29th", (9, 29, None, "")),
        ("Sept. 1st, 2021 - Kickoff", (9, 1, 2021, " - Kickoff")),
        ("Wednesday, October 11, 2023", (10, 11, 2023, "")),
        ("11 October 2023 Title", (10, 11, 2023, " Title")),
        ("21st of February", (2, 21, None, "")),
        ("2023-10-11 ISO", (10, 11, 2023, " ISO")),
        ("dec 1", (12, 1, None, "")),
        ("May 2023 was busy", None),
        ("Mayday 3", None),
        ("Previous topics", None),
        ("Next event:", None),
    ],
)
def test_parse_date(text: str, expected: tuple[int, int, int | None, str] | None) -> None:
    found = parse_date(text)
    assert (None if found is None else (found.month, found.day, found.year, found.rest)) == expected


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("â€˜The Value.'", "‘The Value.'"),
        ("donâ€™t", "don’t"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("cafÃ© crÃ¨me", "café crème"),
        ("dash â€” here", "dash — here"),
        ("plain café, naïve, “fine”", "plain café, naïve, “fine”"),
    ],
)
def test_fix_mojibake(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken)[0] == fixed


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rob Pinna will present and launch the discussion.", ("Rob Pinna", None)),
        (
            "Dan Lines, Co-founder and COO of Linear B share his work.",
            ("Dan Lines", "Co-founder and COO, Linear B"),
        ),
        ("Kathy Keating, CTO of TextUs, kicked off the discussion.", ("Kathy Keating", "CTO, TextUs")),
        (
            "Rob Pinna, VP Product and Engineering at Serenity App, will guide our discussion.",
            ("Rob Pinna", "VP Product and Engineering, Serenity App"),
        ),
        ("Mary Ann O'Neil presented her findings.", ("Mary Ann O'Neil", None)),
        ("A small group of us will discuss how to optimize.", None),
        ("The Team will present later.", None),
        ("Every quarter, a different tech leader is highlighted.", None),
    ],
)
def test_find_presenter(sentence: str, expected: tuple[str, str | None] | None) -> None:
    found = find_presenter(sentence, 1)
    assert (None if found is None else (found.name, found.affiliation)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("‘The Value Between The Lines.'", "The Value Between The Lines"),
        ("**Bold theme.**", "Bold theme"),
        ("Wait for it...", "Wait for it..."),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_clean_title(text: str, expected: str) -> None:
    assert clean_title(text) == expected


def test_theme_on_the_next_line_and_bullet_topics() -> None:
    result = page("## March 8, 2024\nTheme: Platform teams\n- Golden paths\n* Paved roads\n1. Team APIs\n")
    (event,) = result.events
    assert event.data["title"] == "Platform teams"
    assert event.data["topics"] == ["Golden paths", "Paved roads", "Team APIs"]
    assert guesses(event) == [] and result.skipped == ()


def test_takeaways_under_their_own_label() -> None:
    text = "### 2024-03-08: Platforms\nTopics:\n- One\n#### Key takeaways\n- Start small.\n- Measure.\n"
    (event,) = page(text).events
    assert event.data["topics"] == ["One"]
    assert event.data["takeaways"] == ["Start small", "Measure"]


def test_next_event_block_with_the_date_on_its_own_line() -> None:
    text = "# Page\n\n## Next event:\nJune 5, 2024\nScaling teams\n\n## Previous\n### May 1, 2024: Hiring\n"
    result = page(text)
    assert [(e.id, e.data["title"], e.lines[:2]) for e in result.events] == [
        ("2024-05-01", "Hiring", [8]),
        ("2024-06-05", "Scaling teams", [3, 4]),
    ]


def test_next_event_date_on_the_heading() -> None:
    (event,) = page("### Next event: October 11, 2023 - AI for QA\n").events
    assert (event.id, event.data["title"]) == ("2023-10-11", "AI for QA")


def test_missing_years_from_neighbours_in_an_ascending_page() -> None:
    text = "### December 1, 2021\nA\n### January 5th\nB\n### March 3\nC\n### June 1, 2022\nD\n"
    result = page(text)
    assert [e.id for e in result.events] == ["2021-12-01", "2022-01-05", "2022-03-03", "2022-06-01"]
    assert guesses(by_id(result)["2022-01-05"]) == [
        (
            3,
            "January 5th has no year: took January 5, 2022, "
            "as the page lists it below December 1, 2021 (line 1)",
        )
    ]


def test_missing_year_from_the_entry_below_when_none_above() -> None:
    result = page("### March 3rd\nA\n### November 10th 2019\nB\n")
    assert [e.id for e in result.events] == ["2019-11-10", "2020-03-03"]
    assert guesses(by_id(result)["2020-03-03"])[0] == (
        1,
        "March 3rd has no year: took March 3, 2020, as the page lists it above November 10, 2019 (line 3)",
    )


def test_no_year_anywhere_takes_this_year() -> None:
    (event,) = page("### May 5th: Lone\n").events
    assert event.id == "2026-05-05"
    assert guesses(event) == [
        (1, "May 5th has no year: took May 5, 2026, as no entry near it gives a year, so this year")
    ]


def test_an_out_of_order_year_that_no_year_fixes_is_kept_and_reported() -> None:
    result = page("### May 2, 2023\nA\n### May 1, 2023\nB\n### June 1, 2023\nC\n### April 1, 2023\nD\n")
    event = by_id(result)["2023-06-01"]
    assert event.guesses[0].line == 5
    assert event.guesses[0].text.endswith(": kept as written")


def test_a_date_that_does_not_exist_is_reported_not_imported() -> None:
    result = page("### February 30, 2023\nText\n### March 1, 2023\nReal\n")
    assert [e.id for e in result.events] == ["2023-03-01"]
    assert [(n.line, n.text) for n in result.skipped] == [
        (1, "February 30, 2023 is no real date: not imported"),
        (1, "the section 'February 30, 2023' (lines 1-2) is no event: not imported"),
    ]


def test_two_events_on_one_day_get_their_own_files() -> None:
    result = page("### May 2, 2023: Lean coffee\n### May 2, 2023: Happy hour at the pub\n")
    assert sorted(e.id for e in result.events) == ["2023-05-02", "2023-05-02-happy-hour-at-the"]


def test_a_long_first_paragraph_is_a_description_and_the_title_is_derived() -> None:
    sentence = "We will talk about " + "many things " * 15
    (event,) = page(f"### May 2, 2023\n{sentence}. And more.\n").events
    assert event.data["description"].startswith("We will talk")
    assert str(event.data["title"]).endswith("…") and len(str(event.data["title"])) <= 80


def test_a_page_with_crlf_and_a_live_venue() -> None:
    text = "### September 14, 2022\r\nDinner at The Kitchen - In person\r\n"
    (event,) = page(text).events
    data: dict[str, Any] = event.data
    assert (data["format"], data["title"], data["location"]) == (
        "social",
        "Dinner at The Kitchen",
        "The Kitchen",
    )


def test_nothing_is_silently_dropped_from_an_untidy_page() -> None:
    text = (
        "Intro line\n\n# Title\nstuff\n## Next event:\n### July 4th\nIndependence\nNote: bring a flag\n"
        "## Old ones\n### 3 March 2020 Theme: X\n  indented text\n\n\nmore text\n## Logistics\n- a\n- b\n"
    )
    result = page(text)
    content = {n for n, line in enumerate(text.split("\n"), start=1) if line.strip()}
    assert content <= _accounted(result)
    assert [e.id for e in result.events] == ["2020-03-03", "2020-07-04"]
