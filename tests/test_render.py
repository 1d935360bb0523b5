"""The generated pages: golden files, region markers, escaping of every untrusted field, determinism.

Golden files live in tests/golden/; after an intended change of the output, regenerate them
with `P2P_UPDATE_GOLDEN=1 pytest tests/test_render.py` and read the diff before committing.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from p2p.errors import InputError
from p2p.models import Event, Presenter, Roundtable, Settings
from p2p.pages import render

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("P2P_UPDATE_GOLDEN") == "1"
REPOSITORY = "profiq/peer-to-peer"
NOW = datetime(2024, 5, 10, 15, 0, tzinfo=UTC)  # between the two 2024 events below

PAGE = """\
# A roundtable

Intro text, kept as is.

<!-- p2p:begin next-event -->
old text
<!-- p2p:end next-event -->

## History
<!-- p2p:begin previous-events -->
<!-- p2p:end previous-events -->
Tail without a final newline"""


def registration(login: str, minute: int, **extra: Any) -> dict[str, Any]:
    return {"github": login, "registered": f"2024-05-01T10:{minute:02d}:00-06:00", **extra}


def roundtable(*events: Event, **settings_: Any) -> Roundtable:
    base: dict[str, Any] = {"repository": REPOSITORY, "organizers": ("octocat",)}
    return Roundtable(
        settings=Settings(**(base | settings_)), events=tuple(sorted(events, key=lambda e: e.date))
    )


def event(day: str, title: str, **fields: Any) -> Event:
    return Event(id=fields.pop("id", day), date=date.fromisoformat(day), title=title, **fields)


FIXED = roundtable(
    event(
        "2023-10-11",
        "How to use AI to power QA, Software Development, and Faster Releases",
        start="17:00",
        duration=90,
        location="Zoom",
        description="Discussion about what's really working right now and what is not.",
        agenda=[
            # as `p2p meeting` left it: done, skipped, under way at the quit, not reached
            {"issue": 12, "title": "Flaky tests eat our week", "votes": 7, "discussed": 11, "extended": 1},
            {"issue": 9, "title": "AI-written test cases: [worth it]?", "votes": 1, "discussed": 0},
            {"issue": 16, "title": "Release trains", "votes": 1, "discussed": 6, "ongoing": True},
            {"issue": 17, "title": "Test data", "votes": 0},
        ],
        takeaways=[
            "Pair QA with product early.",
            {"text": "Budget for flaky-test triage.", "issue": 12, "comment": 1987654321},
        ],
        recording="https://zoom.us/rec/share/abc?pwd=1",
    ),
    event(
        "2024-02-21",
        "Observability",
        format="presentation",
        presenters=[{"name": "Rob Pinna", "affiliation": "VP Product and Engineering, Serenity App"}],
        notes="Drinks will be Vodka Tonics",
        takeaways=[{"text": "Trace before you log.", "issue": 31}],
    ),
    event("2024-03-14", "Happy hour", format="social", location="Sanitas Brewery, Boulder"),
    event(
        "2024-05-15",
        "Hiring, retaining, scaling back",
        start="17:00",
        duration=90,
        location="Zoom",
        description="Bring *one* question.\n\n- what worked\n- what did not",
        presenters=[{"name": "Kathy Keating", "affiliation": "CTO, TextUs", "github": "kkeating"}],
        capacity=2,
        topics=["Re-negotiating vendor contracts", {"title": "Managing expectations", "description": "x"}],
        participants=[registration("alice", 1), registration("bob", 2), registration("carol", 3)],
    ),
    event("2024-07-10", "Platform teams", start="08:30"),
)


ENV = render.environment()  # one environment: templates compile once


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


def regions(rt: Roundtable = FIXED, now: datetime = NOW, root: Path | None = None) -> dict[str, str]:
    return render.readme_regions(
        rt, now, repository=REPOSITORY, env=render.environment(root) if root else ENV
    )


# --- golden files ----------------------------------------------------------------------------


def test_next_event_region_golden() -> None:
    golden("next-event.md", regions()["next-event"])


def test_previous_events_region_golden() -> None:
    golden("previous-events.md", regions()["previous-events"])


def test_takeaways_golden() -> None:
    golden("TAKEAWAYS.md", render.takeaways_page(FIXED, repository=REPOSITORY, env=render.environment()))


def test_calendar_golden() -> None:
    golden("events.ics", render.calendar(FIXED, repository=REPOSITORY))


def test_readme_golden() -> None:
    page = render.readme(PAGE, FIXED, NOW, repository=REPOSITORY, env=render.environment())
    golden("README.md", page)


# --- what the regions say ----------------------------------------------------------------------


def test_no_event_scheduled() -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    body = regions(now=later)["next-event"]
    assert body.startswith("**No event is scheduled yet.**")
    assert "2024-07-10" not in body and "Platform teams" not in body
    assert "### July 10, 2024: Platform teams" in regions(now=later)["previous-events"]


def test_no_past_events() -> None:
    assert regions(now=datetime(2020, 1, 1, tzinfo=UTC))["previous-events"].strip() == "No past events yet."


def test_next_event_shows_seats_waitlist_time_presenter_and_how_to_take_part() -> None:
    body = regions()["next-event"]
    assert "### Wednesday, May 15, 2024: Hiring, retaining, scaling back" in body
    assert "17:00–18:30 MDT (America/Denver)" in body
    assert "**Seats:** 0 of 2 left, 1 on the waitlist" in body
    assert "[Kathy Keating](https://github.com/kkeating), CTO, TextUs" in body
    assert f"https://github.com/{REPOSITORY}/issues/new?template=topic.yml" in body
    assert "you have 3 votes" in body
    assert "- Re-negotiating vendor contracts" in body
    assert "- Tuesday, July 10, 2024: Platform teams" not in body  # July 10, 2024 is a Wednesday
    assert "- Wednesday, July 10, 2024: Platform teams" in body


def test_agenda_replaces_seeded_topics_once_tallied() -> None:
    rt = roundtable(FIXED.events[0])
    body = regions(rt, now=datetime(2023, 10, 1, tzinfo=UTC))["next-event"]
    assert "| 1 | [Flaky tests eat our week](https://github.com/profiq/peer-to-peer/issues/12) | 7 |" in body
    assert (
        r"| 2 | [AI-written test cases: \[worth it\]?](https://github.com/profiq/peer-to-peer/issues/9) | 1 |"
        in body
    )


def test_without_a_repository_no_links_are_made() -> None:
    body = render.readme_regions(FIXED, NOW, repository=None, env=render.environment())
    assert "https://github.com/" + REPOSITORY not in "".join(body.values())
    assert 'the "Topic" form' in body["next-event"]


@pytest.mark.parametrize(
    ("now", "next_id"),
    [
        (datetime(2024, 5, 15, 5, 59, tzinfo=UTC), "2024-05-15"),  # the evening before, in Denver
        (datetime(2024, 5, 16, 5, 59, tzinfo=UTC), "2024-05-15"),  # 23:59 in Denver: still today
        (datetime(2024, 5, 16, 6, 0, tzinfo=UTC), "2024-07-10"),  # midnight in Denver: ended
    ],
)
def test_an_event_today_is_still_next_in_the_roundtable_zone(now: datetime, next_id: str) -> None:
    assert FIXED.next_event(now) is not None
    wanted = FIXED.event(next_id)
    assert wanted is not None
    assert f": {wanted.title}" in regions(now=now)["next-event"].split("\n")[0]


def test_now_matters_only_through_which_events_are_past() -> None:
    morning = regions(now=datetime(2024, 5, 11, 6, 0, tzinfo=UTC))
    evening = regions(now=datetime(2024, 5, 15, 5, 0, tzinfo=UTC))
    assert morning == evening


def test_a_presenter_link_stays_one_link_whatever_the_login_holds() -> None:
    # Built without validation: the link must not depend on the login's check elsewhere.
    presenter = Presenter.model_construct(name="Kathy", affiliation=None, github="kk\n) [x](y")
    body = regions(roundtable(event("2024-05-15", "A", presenters=[presenter])))["next-event"]
    assert "- **Presenter:** [Kathy](https://github.com/kk%0A%29%20%5Bx%5D%28y)\n" in body


def test_recording_link_only_for_web_addresses() -> None:
    good = roundtable(event("2023-01-04", "A", recording="https://x.example/a b"))
    bad = roundtable(event("2023-01-04", "A", recording="javascript:alert(1)"))
    assert "[Recording](https://x.example/a%20b)" in regions(good)["previous-events"]
    assert "Recording" not in regions(bad)["previous-events"]


# --- markers -----------------------------------------------------------------------------------

BODIES = {"next-event": "NEW", "previous-events": "OLD"}


def test_text_outside_the_markers_is_kept_byte_for_byte() -> None:
    result = render.replace_regions(PAGE, BODIES)
    assert result == PAGE.replace("old text\n", "\nNEW\n\n").replace(
        "<!-- p2p:begin previous-events -->\n", "<!-- p2p:begin previous-events -->\n\nOLD\n\n"
    )
    assert render.replace_regions(result, BODIES) == result


def test_crlf_pages_stay_crlf() -> None:
    page = PAGE.replace("\n", "\r\n") + "\r\n"
    result = render.replace_regions(page, BODIES)
    assert "\n" not in result.replace("\r\n", "")
    assert result.startswith(
        "# A roundtable\r\n\r\nIntro text, kept as is.\r\n\r\n<!-- p2p:begin next-event -->\r\n"
    )
    assert "\r\n\r\nNEW\r\n\r\n<!-- p2p:end next-event -->\r\n" in result
    assert result.endswith("Tail without a final newline\r\n")


def test_mixed_line_endings_outside_are_untouched() -> None:
    page = "a\r\nb\n<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\r\nc\rd"
    assert render.replace_regions(page, {"next-event": "X"}) == (
        "a\r\nb\n<!-- p2p:begin next-event -->\n\nX\n\n<!-- p2p:end next-event -->\r\nc\rd"
    )


def test_markers_inside_code_fences_are_text() -> None:
    page = (
        "```markdown\n<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n```\n"
        "~~~~\n<!-- p2p:end stray -->\n~~~\n~~~~\n"
        "<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n"
    )
    assert [r.name for r in render.find_regions(page)] == ["next-event"]
    assert render.replace_regions(page, {"next-event": "X"}).startswith(
        page[: page.index("~~~~\n<!-- p2p:begin")]
    )


MARKER_ERRORS = [
    (
        "begin without end",
        "x\n<!-- p2p:begin next-event -->\ntext\n",
        2,
        "region 'next-event' never ends: add `<!-- p2p:end next-event -->` after it",
    ),
    (
        "end without begin",
        "x\n\n<!-- p2p:end next-event -->\n",
        3,
        "`<!-- p2p:end next-event -->` has no `<!-- p2p:begin next-event -->` before it",
    ),
    (
        "nested",
        "<!-- p2p:begin next-event -->\n<!-- p2p:begin previous-events -->\n",
        2,
        "region 'previous-events' begins inside region 'next-event' (line 1): "
        "add `<!-- p2p:end next-event -->` before this line",
    ),
    (
        "names differ",
        "<!-- p2p:begin next-event -->\n<!-- p2p:end previous-events -->\n",
        2,
        "region 'next-event' (line 1) ends with `p2p:end previous-events`: "
        "write `<!-- p2p:end next-event -->`",
    ),
    (
        "twice",
        "<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n"
        "<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n",
        3,
        "region 'next-event' appears twice (first at line 1)",
    ),
    (
        "not alone",
        "see <!-- p2p:begin x --> here\n<!-- p2p:begin next-event --> trailing\n",
        2,
        "a region marker stands alone on its line: `<!-- p2p:begin NAME -->` or `<!-- p2p:end NAME -->`",
    ),
    (
        "bad name",
        "<!-- p2p:begin Next_Event -->\n",
        1,
        "'Next_Event' is no region name (lowercase letters, digits, hyphens)",
    ),
]


@pytest.mark.parametrize(
    ("page", "line", "message"), [c[1:] for c in MARKER_ERRORS], ids=[c[0] for c in MARKER_ERRORS]
)
def test_marker_errors_name_the_line(page: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        render.find_regions(page)
    assert (caught.value.line, caught.value.reason) == (line, message)
    assert str(caught.value).startswith(f"README.md:{line}: ")


def test_a_required_region_missing_is_an_error() -> None:
    page = "<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n"
    with pytest.raises(InputError) as caught:
        render.readme(page, FIXED, NOW, repository=REPOSITORY, env=render.environment())
    assert str(caught.value) == (
        "README.md: no region 'previous-events': add the lines `<!-- p2p:begin previous-events -->` "
        "and `<!-- p2p:end previous-events -->` where it belongs"
    )


def test_a_region_without_a_template_is_an_error() -> None:
    page = PAGE + "\n\n<!-- p2p:begin sponsors -->\n<!-- p2p:end sponsors -->\n"
    with pytest.raises(InputError) as caught:
        render.readme(page, FIXED, NOW, repository=REPOSITORY, env=render.environment())
    assert (
        str(caught.value) == "README.md:14: no template for region 'sponsors': add templates/sponsors.md.j2"
    )


# --- templates: the roundtable's own first, strict, errors with their line ---------------------


def test_a_roundtable_template_overrides_the_default_and_adds_regions(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "next-event.md.j2").write_text("Next: {{ next.event.title|md }}\n")
    (tmp_path / "templates" / "sponsors.md.j2").write_text("Thanks to {{ settings.name|md }}.\n")
    page = PAGE + "\n<!-- p2p:begin sponsors -->\n<!-- p2p:end sponsors -->\n"
    result = render.readme(page, FIXED, NOW, repository=REPOSITORY, env=render.environment(tmp_path))
    assert "\nNext: Hiring, retaining, scaling back\n" in result
    assert "\nThanks to Peer\\-to\\-peer.\n" not in result and "\nThanks to Peer-to-peer.\n" in result
    assert "### March 14, 2024: Happy hour" in result  # previous-events still from the package


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        ("line one\n{% if %}\n", 2, "Expected an expression, got 'end of statement block'"),
        ("a\nb\n{{ nothing_here }}\n", 3, "'nothing_here' is undefined"),
        ("{{ next.event.no_such_field }}\n", 1, "'p2p.models.Event object' has no attribute 'no_such_field'"),
        ("a\n{{ next.capacity // 0 }}\n", 2, "ZeroDivisionError: integer division or modulo by zero"),
        ("{{ next.event.title + 1 }}\n", 1, 'TypeError: can only concatenate str (not "int") to str'),
        ("{{ next.event.date.replace(month=13) }}\n", 1, "ValueError: month must be in 1..12"),
        ('\n\n{% include "sponsors.md.j2" %}\n', 3, "no such template: sponsors.md.j2"),
    ],
)
def test_template_errors_name_the_template_and_line(
    tmp_path: Path, template: str, line: int, message: str
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "next-event.md.j2").write_text(template)
    with pytest.raises(InputError) as caught:
        regions(root=tmp_path)
    assert (caught.value.path, caught.value.line, caught.value.reason) == (
        "templates/next-event.md.j2",
        line,
        message,
    )


# --- untrusted text: every field goes through the escaping ----------------------------------------

CANARY = "<b>x</b> @octocat #12 [a](https://evil.example) | ![i](j) *k*\n# heading"
# Descriptions are the organizers' Markdown: links, images and emphasis stay, the rest does not.
DESCRIPTION = "<b>x</b> @octocat #12\n# heading"


def test_every_text_field_is_escaped_where_it_is_rendered() -> None:
    """Fill every string of the models with hostile text: none of it shows up raw."""
    hostile = roundtable(
        event(
            "2024-05-15",
            CANARY,
            location=CANARY,
            description=DESCRIPTION,
            presenters=[{"name": CANARY, "affiliation": CANARY}],
            topics=[CANARY, {"title": CANARY, "description": CANARY}],
            participants=[registration("alice", 1, name=CANARY)],
            agenda=[{"issue": 3, "title": CANARY, "votes": 1}],
            takeaways=[CANARY, {"text": CANARY, "issue": 4}],
            notes=CANARY,
        ),
        event(
            "2024-01-10",
            CANARY,
            location=CANARY,
            description=DESCRIPTION,
            presenters=[{"name": CANARY, "affiliation": CANARY}],
            topics=[CANARY],
            takeaways=[CANARY],
            notes=CANARY,
        ),
        event("2024-01-11", CANARY, topics=[CANARY], agenda=[{"issue": 5, "title": CANARY, "votes": 2}]),
        name=CANARY,
    )
    env = render.environment()
    pages = [
        *render.readme_regions(hostile, NOW, repository=REPOSITORY, env=env).values(),
        *render.readme_regions(
            hostile, datetime(2025, 1, 1, tzinfo=UTC), repository=REPOSITORY, env=env
        ).values(),
        render.takeaways_page(hostile, repository=REPOSITORY, env=env),
    ]
    for page in pages:
        assert "<b>" not in page
        assert "@octocat" not in page
        assert "#12" not in page
        assert "](https://evil.example)" not in page
        assert "![i](j)" not in page
        assert not re.search(r"(?m)^#+ heading", page)
        assert "| ![" not in page


# The property: arbitrary text in titles, names and takeaways never changes the page's structure:
# the same tokens (no extra link, image, HTML, emphasis, heading, list or row) as with tame text.

TEXT = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")


def _unescaped(text: str, sequence: str) -> int:
    count = 0
    for match in re.finditer(re.escape(sequence), text):
        before = text[: match.start()]
        count += (len(before) - len(before.rstrip("\\"))) % 2 == 0
    return count


# A CommonMark parser with GFM tables (markdown-it-py, which the command line's Rich brings).
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _structure(page: str) -> tuple[Counter[str], int, int, int]:
    """The page as a parser sees it: how many of each token, and list items, rows, headings by line."""
    tokens: Counter[str] = Counter()
    pending = PARSER.parse(page)
    while pending:
        token = pending.pop()
        tokens[token.type] += 1
        pending.extend(token.children or [])
    tokens.pop("text", None)  # escaped punctuation may split text into several tokens
    lines = page.split("\n")
    items = sum(1 for line in lines if re.match(r"(- |\d+\. )", line))
    rows = sum(1 for line in lines if line.startswith("| "))
    headings = sum(1 for line in lines if line.startswith("#"))
    return tokens, items, rows, headings


def _hostile(titles: list[str], names: list[str], takeaways: list[str], title: str) -> Roundtable:
    return roundtable(
        event(
            "2024-05-15",
            title,
            presenters=[{"name": n, "affiliation": n} for n in names],
            agenda=[{"issue": i + 1, "title": t, "votes": 1} for i, t in enumerate(titles)],
            takeaways=takeaways,
        ),
        event(
            "2024-01-10",
            title,
            presenters=[{"name": n} for n in names],
            topics=titles,
            takeaways=[{"text": t, "issue": 7} for t in takeaways],
        ),
        event(
            "2024-01-11",
            title,
            agenda=[{"issue": i + 1, "title": t, "votes": 2} for i, t in enumerate(titles)],
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(TEXT, min_size=1, max_size=4),
    names=st.lists(TEXT, min_size=1, max_size=3),
    takeaways=st.lists(TEXT, min_size=1, max_size=4),
    title=TEXT,
)
def test_arbitrary_text_keeps_one_line_per_entry(
    titles: list[str], names: list[str], takeaways: list[str], title: str
) -> None:
    hostile = _hostile(titles, names, takeaways, title)
    tame = _hostile(
        [f"t{i}" for i in range(len(titles))], [f"n{i}" for i in range(len(names))],
        [f"k{i}" for i in range(len(takeaways))], "title",
    )  # fmt: skip
    env = ENV
    for now in (NOW, datetime(2025, 1, 1, tzinfo=UTC)):
        got = render.readme_regions(hostile, now, repository=REPOSITORY, env=env)
        want = render.readme_regions(tame, now, repository=REPOSITORY, env=env)
        for name in got:
            assert _structure(got[name]) == _structure(want[name])
            assert "<" not in got[name]
            assert _unescaped(got[name], "](") == _unescaped(want[name], "](")
            assert not re.search(r"@\w", got[name])
    page = render.takeaways_page(hostile, repository=REPOSITORY, env=env)
    plain = render.takeaways_page(tame, repository=REPOSITORY, env=env)
    assert _structure(page) == _structure(plain)
    assert page.count("<") == plain.count("<")  # only the anchors the template writes
    assert not re.search(r"@\w", page)


# --- the calendar ----------------------------------------------------------------------------------


def test_calendar_is_rfc5545() -> None:
    text = render.calendar(FIXED, repository=REPOSITORY)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    feed = icalendar.Calendar.from_ical(text)
    zones = list(feed.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["America/Denver"]
    entries = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert sorted(entries) == [f"{e.id}@profiq.peer-to-peer" for e in FIXED.events]
    timed = entries["2024-05-15@profiq.peer-to-peer"]
    assert "DTSTART;TZID=America/Denver:20240515T170000" in text
    assert timed.decoded("DURATION").total_seconds() == 90 * 60
    assert str(timed["LOCATION"]) == "Zoom"
    all_day = entries["2024-03-14@profiq.peer-to-peer"]
    assert all_day.decoded("DTSTART") == date(2024, 3, 14)
    assert "DTSTART;VALUE=DATE:20240314" in text
    assert "DURATION" not in all_day
    assert all_day.decoded("DTSTAMP") == datetime(2024, 3, 14, tzinfo=UTC)


def test_calendar_text_is_escaped_in_every_property() -> None:
    """`,` `;` `\\` are escaped, line breaks within a value are `\\n` (RFC 5545, 3.3.11 TEXT)."""
    name = "Peers, Inc.; Denver \\n"
    hostile = roundtable(
        event("2024-03-14", name, location=name, description=f"{name}\nnext", notes=name), name=name
    )
    text = render.calendar(hostile, repository=REPOSITORY)
    escaped = r"Peers\, Inc.\; Denver \\n"
    unfolded = text.replace("\r\n ", "")
    for line in (f"X-WR-CALNAME:{escaped}", f"SUMMARY:{escaped}", f"LOCATION:{escaped}"):
        assert line + "\r\n" in unfolded
    assert f"DESCRIPTION:{escaped}\\nnext\\n\\n" in unfolded
    assert str(icalendar.Calendar.from_ical(text)["X-WR-CALNAME"]) == escaped  # icalendar keeps X- raw


def test_calendar_without_timed_events_has_no_time_zone() -> None:
    text = render.calendar(roundtable(event("2024-03-14", "Happy hour")), repository=None)
    assert "VTIMEZONE" not in text
    assert "UID:2024-03-14@peer-to-peer" in text


def test_calendar_uids_survive_edits() -> None:
    before = render.calendar(roundtable(event("2024-03-14", "A")), repository=REPOSITORY)
    after = render.calendar(roundtable(event("2024-03-14", "B", start="18:00")), repository=REPOSITORY)
    uid = "UID:2024-03-14@profiq.peer-to-peer"
    assert uid in before and uid in after


# --- determinism ----------------------------------------------------------------------------------


@pytest.fixture
def time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def everything(now: datetime = NOW) -> list[str]:
    env = render.environment()
    return [
        render.readme(PAGE, FIXED, now, repository=REPOSITORY, env=env),
        render.takeaways_page(FIXED, repository=REPOSITORY, env=env),
        render.calendar(FIXED, repository=REPOSITORY),
    ]


def test_same_bytes_whatever_the_machine_time_zone(time_zone: None) -> None:
    assert time.strftime("%Z") in {"+0545", "NPT"}
    assert everything() == [
        (GOLDEN / "README.md").read_bytes().decode("utf-8"),
        (GOLDEN / "TAKEAWAYS.md").read_bytes().decode("utf-8"),
        (GOLDEN / "events.ics").read_bytes().decode("utf-8"),
    ]


def test_same_bytes_for_the_same_now_in_any_offset() -> None:
    from zoneinfo import ZoneInfo

    assert everything(NOW) == everything(NOW.astimezone(ZoneInfo("Pacific/Kiritimati")))
