"""Fuzzing: whatever lands in p2p.yaml or an event file, loading gives a model or the project's
own InputErrors, each naming the file and a line, never another exception and never a hang;
whatever text the files or GitHub carry, the calendar, the knowledge base and the README stay
well-formed.

(tests/test_render.py and tests/test_markdown.py already prove, by property, that the `md`
filters escape everything and that arbitrary text keeps one line per entry in the README
regions; these tests cover what they do not: the loaders, events.ics, the name and intro of
TAKEAWAYS.md, and the README page as a whole.)
"""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from p2p.errors import InputError, InputErrors
from p2p.files.load import load_event, load_settings
from p2p.files.reader import MAX_ERRORS
from p2p.models import Event, Roundtable, Settings
from p2p.pages import render
from p2p.pages.markdown import one_line
from tests.limits import HANG

# Each example must finish well within this; a loader that hangs fails the test.
DEADLINE = HANG  # a guard against a hang; the bench measures speed
LOADERS = settings(max_examples=80, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
PAGES = settings(max_examples=40, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])

EVENT_NAME = "2026-01-14.yaml"
EVENT_KEYS = sorted(k for k in Event.model_fields if k != "id")
SETTINGS_KEYS = sorted(Settings.model_fields)
INNER_KEYS = ["github", "name", "registered", "cancelled", "title", "description", "text", "issue", "comment",
              "votes", "affiliation"]  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (hypothesis runs many examples per test call)."""
    return tmp_path_factory.mktemp("fuzz")


def outcome(loader: Any, path: Path) -> object:
    """The loader's model, or its InputErrors after checking each names the file and a line."""
    lines = path.read_bytes().count(b"\n") + 1
    try:
        return loader(path)
    except InputErrors as failure:
        assert failure.errors, "InputErrors without an error"
        for error in failure.errors:
            assert isinstance(error, InputError)
            assert error.path == str(path)
            assert 0 <= error.line <= lines + 1, (error.line, lines, error.message)
            where = f"{path}:{error.line}: " if error.line else f"{path}: "
            assert error.message.startswith(where), error.message
            assert error.reason.strip()
        assert failure.message == "\n".join(e.message for e in failure.errors)
        return failure


# --- bytes ---------------------------------------------------------------------------------

YAMLISH = st.sampled_from(
    [
        b"date: 2026-01-14\n",
        b"title: Lean coffee\n",
        b"start: 17:00\n",
        b'start: "17:00"\n',
        b"participants:\n",
        b"  - github: alice\n",
        b"    registered: 2026-01-01T10:00:00-07:00\n",
        b"    cancelled: yes\n",
        b"capacity: 0x10\n",
        b"capacity: 1_000\n",
        b"name: &a [*a]\n",
        b"<<: *a\n",
        b"? [a, b]\n: c\n",
        b"!!python/object:os.system echo\n",
        b"tags: !!binary aGk=\n",
        b"%YAML 1.1\n---\n",
        b"...\n",
        b"---\n",
        b"\t- tab\n",
        b"key: |\n  block\n",
        b"\xef\xbb\xbf",
        b"\r\n",
        b"\x00",
        b"\xff\xfe",
        b"\xc3\x28",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
        b"{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}}\n",
        b"organizers: [octocat, octocat]\n",
        b"title: x\ntitle: y\n",
        b"timezone: Mars/Olympus\n",
        b"repository: a/b\n",
        b"\xe2\x80\xa8",
        b"description: >-\n  folded\n",
        b"agenda:\n  - {issue: 1, title: t, votes: -1}\n",
    ]
)
BYTES = st.one_of(
    st.binary(max_size=300), st.lists(st.one_of(YAMLISH, st.binary(max_size=8)), max_size=12).map(b"".join)
)


@LOADERS
@given(raw=BYTES)
def test_any_bytes_as_settings_give_settings_or_errors_at_a_line(folder: Path, raw: bytes) -> None:
    path = folder / "p2p.yaml"
    path.write_bytes(raw)
    outcome(load_settings, path)


@LOADERS
@given(raw=BYTES)
def test_any_bytes_as_an_event_give_an_event_or_errors_at_a_line(folder: Path, raw: bytes) -> None:
    path = folder / EVENT_NAME
    path.write_bytes(raw)
    result = outcome(load_event, path)
    if isinstance(result, Event):
        assert result.id == "2026-01-14"
        assert result.date == date(2026, 1, 14)


# --- YAML documents ---------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["17:00", "2026-01-14", "yes", "off", "0o17", "1e3", ".inf", "~", "@alice", "#12"]),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(UTC))),
)
KEYS = st.one_of(st.sampled_from(EVENT_KEYS + SETTINGS_KEYS + INNER_KEYS), st.text(max_size=8))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=30,
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value nine times in ten, anything else the tenth: validation gets exercised, and
    both outcomes (a model, errors) are common."""
    return st.integers(0, 9).flatmap(lambda n: valid if n else st.one_of(SCALARS, DOCUMENTS))


# Not NEL: YAML reads it as a line break, and ruamel's dumper writes it raw inside a quoted
# scalar, where a line break folds to a space; the document on disk would not say what the test
# meant, whatever the loader does.
TEXT_VALUE = st.text(st.characters(exclude_characters="\x85"), min_size=1, max_size=20)
LOGINS = st.from_regex(r"\A[a-z][a-z0-9]{0,10}\Z")
REGISTRATIONS = st.fixed_dictionaries(
    {"github": mostly(LOGINS), "registered": mostly(st.datetimes(timezones=st.just(UTC)))},
    optional={"name": mostly(st.text(max_size=10)), "cancelled": mostly(st.booleans())},
)
# Close to a real event file, so that validation itself is reached and exercised.
EVENTS = st.fixed_dictionaries(
    {"date": mostly(st.just(date(2026, 1, 14))), "title": mostly(TEXT_VALUE)},
    optional={
        "format": mostly(st.sampled_from(["lean-coffee", "presentation", "social"])),
        "start": mostly(st.from_regex(r"\A([01][0-9]|2[0-3]):[0-5][0-9]\Z")),
        "duration": mostly(st.integers(1, 1440)),
        "capacity": mostly(st.integers(1, 1000)),
        "location": mostly(st.text(max_size=10)),
        "topics": mostly(st.lists(mostly(TEXT_VALUE), max_size=3)),
        "participants": mostly(st.lists(REGISTRATIONS, max_size=4)),
        "takeaways": mostly(st.lists(mostly(TEXT_VALUE), max_size=3)),
        "agenda": mostly(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "issue": mostly(st.integers(1, 999)),
                        "title": mostly(st.text(max_size=10)),
                        "votes": mostly(st.integers(0, 99)),
                    }
                ),
                max_size=3,
            )
        ),
        "presenters": mostly(st.lists(st.fixed_dictionaries({"name": mostly(TEXT_VALUE)}), max_size=2)),
    },
)
SETTINGS_DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "name": mostly(TEXT_VALUE),
        "repository": mostly(st.from_regex(r"\A[a-z][a-z0-9]{0,8}/[a-z0-9._-]{1,10}\Z")),
        "project": mostly(st.integers(1, 99)),
        "timezone": mostly(st.sampled_from(["America/Denver", "Europe/Prague", "UTC"])),
        "capacity": mostly(st.integers(1, 1000)),
        "votes_per_participant": mostly(st.integers(1, 100)),
        "timebox_minutes": mostly(st.integers(1, 480)),
        "permission": mostly(st.sampled_from(["pull", "triage", "push"])),
        "after_event": mostly(st.sampled_from(["keep", "revoke"])),
        "organizers": mostly(st.lists(LOGINS, max_size=3, unique=True)),
    },
)


def dump(document: object) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(document, stream)
    return stream.getvalue()


def assert_lines_named(result: object) -> None:
    """Errors in a text document always point at a line of it."""
    if isinstance(result, InputErrors):
        for error in result.errors:
            assert error.line >= 1, error.message


@LOADERS
@given(document=st.one_of(EVENTS, DOCUMENTS))
def test_any_yaml_document_as_an_event_gives_an_event_or_errors_at_a_line(
    folder: Path, document: object
) -> None:
    path = folder / EVENT_NAME
    path.write_text(dump(document), encoding="utf-8")
    result = outcome(load_event, path)
    assert_lines_named(result)
    if isinstance(result, Event):
        assert isinstance(document, dict)
        assert result.title == document["title"]
        assert len(result.participants) == len(document.get("participants") or [])


@LOADERS
@given(document=st.one_of(SETTINGS_DOCUMENTS, DOCUMENTS))
def test_any_yaml_document_as_settings_gives_settings_or_errors_at_a_line(
    folder: Path, document: object
) -> None:
    path = folder / "p2p.yaml"
    path.write_text(dump(document), encoding="utf-8")
    result = outcome(load_settings, path)
    assert_lines_named(result)
    if isinstance(result, Settings):
        assert document is None or isinstance(document, dict)


# --- the generated pages --------------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "\x0b",
        "\x00",
        "\x1b[31m",
        "\u202e",
        "\ufeff",
        "# Heading",
        "\n## H2",
        "<script>alert(1)</script>",
        "<!-- p2p:end next-event -->",
        "<!-- p2p:begin previous-events -->",
        "@octocat",
        "#12",
        "GH-3",
        "[link](javascript:alert(1))",
        "![img](https://x/y.png)",
        "| cell |",
        "```",
        "~~~",
        "---",
        "===",
        "- item",
        "1. item",
        "> quote",
        "\\",
        "$x$",
        "&amp;",
        "www.example.com",
        "BEGIN:VEVENT",
        "END:VCALENDAR",
        "SUMMARY:x",
        ";",
        ",",
        ":",
        "\t",
        "é",
        "👍",
        "𝒳" * 30,
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=15), NASTY), max_size=6).map("".join)
TITLE = TEXT.map(lambda text: text or "x")
PAGE = """\
# The roundtable
Intro, kept byte for byte.

<!-- p2p:begin next-event -->
<!-- p2p:end next-event -->

## History
<!-- p2p:begin previous-events -->
stale text
<!-- p2p:end previous-events -->
Tail without a final newline"""
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ENV = render.environment()


@st.composite
def roundtables(draw: st.DrawFn) -> Roundtable:
    """Two past events and two upcoming ones, every text field drawn from hostile text."""
    events = []
    for day, start in (
        ("2025-11-05", "17:00"),
        ("2026-01-14", None),
        ("2026-03-11", "08:30"),
        ("2026-05-06", None),
    ):
        takeaways: list[dict[str, Any]] = draw(
            st.lists(st.builds(dict, text=TITLE, issue=st.one_of(st.none(), st.integers(1, 999))), max_size=3)
        )
        events.append(
            Event(
                id=day,
                date=date.fromisoformat(day),
                title=draw(TITLE),
                start=start,
                duration=draw(st.one_of(st.none(), st.integers(1, 1440))),
                location=draw(st.one_of(st.none(), TEXT)),
                description=draw(st.one_of(st.none(), TEXT)),
                notes=draw(st.one_of(st.none(), TEXT)),
                presenters=[{"name": draw(TITLE), "affiliation": draw(st.one_of(st.none(), TEXT))}],
                topics=draw(st.lists(TITLE, max_size=2)),
                agenda=[
                    {"issue": n, "title": t, "votes": 9 - n}
                    for n, t in enumerate(draw(st.lists(TEXT, max_size=2)), 1)
                ],
                takeaways=takeaways,
                recording=draw(st.one_of(st.none(), TEXT)),
            )
        )
    name = draw(TITLE)
    repository = draw(st.one_of(st.none(), st.just("acme/roundtable")))
    return Roundtable(
        settings=Settings(name=name, repository=repository, timezone="Europe/Prague"), events=tuple(events)
    )


def unfold(text: str) -> list[str]:
    """RFC 5545 content lines, folding undone."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


@PAGES
@given(roundtable=roundtables())
def test_the_calendar_stays_rfc_5545_whatever_the_text(roundtable: Roundtable) -> None:
    repository = roundtable.settings.repository
    text = render.calendar(roundtable, repository=repository)

    assert (
        text.endswith("\r\n")
        and "\n" not in text.replace("\r\n", "")
        and "\r" not in text.replace("\r\n", "")
    )
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", text.replace("\r\n", ""))
    lines = unfold(text)
    assert lines.count("BEGIN:VCALENDAR") == lines.count("END:VCALENDAR") == 1
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(roundtable.events)
    feed = icalendar.Calendar.from_ical(text)
    entries = list(feed.walk("VEVENT"))
    assert [str(e["UID"]).split("@")[0] for e in entries] == [e.id for e in roundtable.events]
    for entry, event in zip(entries, roundtable.events, strict=True):
        assert str(entry["SUMMARY"]) == one_line(event.title)
        assert "\r" not in str(entry["DESCRIPTION"])
        if event.location:
            assert str(entry["LOCATION"]) == one_line(event.location)
    # icalendar leaves an X- property's TEXT escaped (\\ \; \, \n): undo it as RFC 5545 3.3.11 says.
    calname = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(feed["X-WR-CALNAME"]))
    assert calname == one_line(roundtable.settings.name)
    assert render.calendar(roundtable, repository=repository) == text  # the same bytes every time


HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")


@PAGES
@given(roundtable=roundtables())
def test_the_knowledge_base_keeps_its_outline_whatever_the_text(roundtable: Roundtable) -> None:
    page = render.takeaways_page(roundtable, repository=roundtable.settings.repository, env=ENV)
    lines = page.split("\n")
    with_takeaways = [e for e in roundtable.events if e.takeaways]

    headings = [line for line in lines if HEADING.match(line)]
    assert headings[0] == "# Key takeaways"
    assert len(headings) == 1 + len(with_takeaways)
    assert all(h.startswith("## ") for h in headings[1:])
    assert sum(1 for line in lines if line.startswith("- ")) == sum(len(e.takeaways) for e in with_takeaways)
    assert page.count("<") == 2 * len(with_takeaways)  # only the anchors the template writes: <a ...></a>
    assert not re.search(r"@\w", page)
    # Every line is the template's: the intro, an anchor, a heading or one list item.
    intro = [line for line in lines if line and not line.startswith(("#", "<a name=", "- "))]
    assert len(intro) == (3 if with_takeaways else 4), intro


@PAGES
@given(roundtable=roundtables())
def test_the_readme_keeps_its_regions_and_the_text_around_them_whatever_the_text(
    roundtable: Roundtable,
) -> None:
    repository = roundtable.settings.repository
    page = render.readme(PAGE, roundtable, NOW, repository=repository, env=ENV)

    regions = render.find_regions(page)
    assert [r.name for r in regions] == ["next-event", "previous-events"]
    lines = page.split("\n")
    assert lines[: regions[0].begin + 1] == PAGE.split("\n")[:4]
    assert lines[regions[0].end : regions[1].begin + 1] == [
        "<!-- p2p:end next-event -->",
        "",
        "## History",
        "<!-- p2p:begin previous-events -->",
    ]
    assert lines[regions[1].end :] == ["<!-- p2p:end previous-events -->", "Tail without a final newline"]
    inside = "\n".join(
        lines[regions[0].begin + 1 : regions[0].end] + lines[regions[1].begin + 1 : regions[1].end]
    )
    assert "<!--" not in inside  # no comment can open, so no marker can be faked or hidden
    # Rendering the rendered page again changes nothing: a scheduled run commits nothing.
    assert render.readme(page, roundtable, NOW, repository=repository, env=ENV) == page


def test_a_file_of_thousands_of_mistakes_gets_a_bounded_report(folder: Path) -> None:
    """Loading stays bounded even for a file that is all mistakes: at most MAX_ERRORS messages
    (the cap the reader applies to syntax problems holds for validation problems too)."""
    path = folder / EVENT_NAME
    path.write_text(
        "date: 2026-01-14\ntitle: x\n" + "".join(f"k{n}: 1\n" for n in range(5000)), encoding="utf-8"
    )

    started = time.perf_counter()
    with pytest.raises(InputErrors) as failure:
        load_event(path)

    assert len(failure.value.errors) <= MAX_ERRORS
    assert time.perf_counter() - started < DEADLINE.total_seconds()
