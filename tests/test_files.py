"""Strict loading of p2p.yaml and event files: every rule, its message and its line."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2p.errors import InputError, InputErrors
from p2p.files.load import check, load_event, load_roundtable, load_settings
from p2p.files.reader import MAX_BYTES
from p2p.files.schema import EVENT_SCHEMA_FILE, SETTINGS_SCHEMA_FILE, event_schema_text, schema_files
from p2p.models import Event
from tests.limits import HANG

REPO = Path(__file__).resolve().parent.parent
HEAD = "# yaml-language-server: $schema=schema.json\n"
BASE = HEAD + "date: 2024-05-15\ntitle: Hiring\n"
ONE = "participants:\n  - github: alice\n    registered: 2024-05-01T10:00:00-06:00\n"


def write_event(folder: Path, text: str | bytes, name: str = "2024-05-15.yaml") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(InputErrors) as caught:
        load_event(path)
    return [(error.line, error.reason) for error in caught.value.errors]


# --- every validation rule: (file name, text) -> (line, message) ---------------------------

CASES: list[tuple[str, str, str, list[tuple[int, str]]]] = [
    (
        "duplicate key",
        "2024-05-15.yaml",
        BASE + "title: Other\n",
        [(4, "duplicate key `title` (first at line 3)")],
    ),
    (
        "duplicate key in a participant",
        "2024-05-15.yaml",
        BASE + ONE + "    github: bob\n",
        [(7, "duplicate key `github` (first at line 5)")],
    ),
    (
        "alias",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\ntitle: &t Hiring\nlocation: *t\n",
        [(3, "anchors and aliases (&name, *name) are not allowed: write the value out in full")],
    ),
    (
        "anchor alone",
        "2024-05-15.yaml",
        BASE + "location: &place Zoom\n",
        [(4, "anchors and aliases (&name, *name) are not allowed: write the value out in full")],
    ),
    (
        "merge key",
        "2024-05-15.yaml",
        BASE + "base: &b {location: Zoom}\n<<: *b\n",
        [(4, "anchors and aliases (&name, *name) are not allowed: write the value out in full")],
    ),
    (
        "unknown key with a hint",
        "2024-05-15.yaml",
        BASE + "locaton: Zoom\n",
        [(4, "unknown key `locaton`: did you mean `location`?")],
    ),
    (
        "unknown key in another case",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\nTitle: Hiring\n",
        [(3, "unknown key `Title`: did you mean `title`?")],
    ),
    (
        "unknown key without a hint",
        "2024-05-15.yaml",
        BASE + "venue: Zoom\n",
        [
            (
                4,
                "unknown key `venue`: allowed here: date, title, format, start, duration, location, "
                "description, presenters, capacity, topics, participants, agenda, takeaways, "
                "recording, notes",
            )
        ],
    ),
    (
        "unknown key in a participant",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: alice\n    registred: 2024-05-01T10:00:00-06:00\n",
        [(6, "unknown key `registred`: did you mean `registered`?")],
    ),
    (
        "unknown key in a presenter",
        "2024-05-15.yaml",
        BASE + "presenters:\n  - name: Rob\n    company: Serenity\n",
        [(6, "unknown key `company`: allowed here: name, affiliation, github")],
    ),
    (
        "file name date differs from date",
        "2024-05-16.yaml",
        BASE,
        [(2, "the file name says 2024-05-16 but `date` is 2024-05-15: rename the file or fix the date")],
    ),
    (
        "slugged file name date differs",
        "2024-05-16-evening.yaml",
        BASE,
        [(2, "the file name says 2024-05-16 but `date` is 2024-05-15: rename the file or fix the date")],
    ),
    *(
        (
            f"file name {name}",
            name,
            BASE,
            [
                (
                    0,
                    "an event file is named YYYY-MM-DD.yaml or YYYY-MM-DD-slug.yaml "
                    "(slug: lowercase letters, digits and hyphens), like 2024-05-15.yaml",
                )
            ],
        )
        for name in (
            "2024-5-15.yaml",
            "hiring.yaml",
            "2024-05-15_x.yaml",
            "2024-05-15-Big.yaml",
            "2024-05-15-.yaml",
        )
    ),
    (
        "file name date is no real date",
        "2024-02-30.yaml",
        HEAD + "date: 2024-02-29\ntitle: Leap\n",
        [(0, "the file name's date 2024-02-30 is not a real date")],
    ),
    (
        "date is no real date",
        "2024-05-15.yaml",
        HEAD + "date: 2024-02-30\ntitle: x\n",
        [(2, "2024-02-30 is not a real date or time")],
    ),
    (
        "date is no date",
        "2024-05-15.yaml",
        HEAD + "date: May 15\ntitle: x\n",
        [(2, "`date` must be a date written YYYY-MM-DD, like 2024-05-15 (got 'May 15')")],
    ),
    (
        "invalid login",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: bad--login\n    registered: 2024-05-01T10:00:00-06:00\n",
        [
            (
                5,
                "`github` of participants entry 1: 'bad--login' is not a valid GitHub login (letters, "
                "digits and single hyphens, at most 39 characters, no hyphen at either end)",
            )
        ],
    ),
    (
        "login too long",
        "2024-05-15.yaml",
        BASE + f"participants:\n  - github: {'a' * 40}\n    registered: 2024-05-01T10:00:00-06:00\n",
        [
            (
                5,
                f"`github` of participants entry 1: '{'a' * 40}' is not a valid GitHub login (letters, "
                "digits and single hyphens, at most 39 characters, no hyphen at either end)",
            )
        ],
    ),
    (
        "invalid presenter login",
        "2024-05-15.yaml",
        BASE + "presenters:\n  - name: Rob\n    github: -rob\n",
        [
            (
                6,
                "`github` of presenters entry 1: '-rob' is not a valid GitHub login (letters, "
                "digits and single hyphens, at most 39 characters, no hyphen at either end)",
            )
        ],
    ),
    (
        "duplicate login in another case",
        "2024-05-15.yaml",
        BASE + ONE + "  - github: Alice\n    registered: 2024-05-02T10:00:00-06:00\n",
        [
            (
                7,
                "Alice is registered twice (also at line 5): "
                "GitHub logins are case-insensitive; keep one entry",
            )
        ],
    ),
    (
        "registered without offset",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: alice\n    registered: 2024-05-01T10:00:00\n",
        [
            (
                6,
                "`registered` of participants entry 1: the time 2024-05-01 10:00:00 has no UTC offset: "
                "write it like 2023-09-01T10:00:00-06:00",
            )
        ],
    ),
    (
        "registered quoted without offset",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: alice\n    registered: '2024-05-01 10:00'\n",
        [
            (
                6,
                "`registered` of participants entry 1: the time '2024-05-01 10:00' has no UTC offset: "
                "write it like 2023-09-01T10:00:00-06:00",
            )
        ],
    ),
    (
        "registered is no time",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: alice\n    registered: yesterday\n",
        [
            (
                6,
                "`registered` of participants entry 1 must be a date and time with a UTC offset, "
                "like 2023-09-01T10:00:00-06:00",
            )
        ],
    ),
    (
        "registered missing",
        "2024-05-15.yaml",
        BASE + "participants:\n  - github: alice\n",
        [(5, "`registered` of participants entry 1 is missing (it is required)")],
    ),
    (
        "participant without login",
        "2024-05-15.yaml",
        BASE + "participants:\n  - name: Alice\n    registered: 2024-05-01T10:00:00-06:00\n",
        [(5, "`github` of participants entry 1 is missing (it is required)")],
    ),
    (
        "participant as a string",
        "2024-05-15.yaml",
        BASE + "participants:\n  - alice\n",
        [(5, "participants entry 1 must be a mapping of keys (got 'alice')")],
    ),
    (
        "participants not a list",
        "2024-05-15.yaml",
        BASE + "participants: alice\n",
        [(4, "`participants` must be a list (got 'alice')")],
    ),
    (
        "cancelled neither true nor false",
        "2024-05-15.yaml",
        BASE + ONE + "    cancelled: maybe\n",
        [(7, "`cancelled` of participants entry 1 must be true or false (got 'maybe')")],
    ),
    (
        "capacity zero",
        "2024-05-15.yaml",
        BASE + "capacity: 0\n",
        [(4, "`capacity` is out of range: it must be at least 1 (got 0)")],
    ),
    (
        "capacity too large",
        "2024-05-15.yaml",
        BASE + "capacity: 5000\n",
        [(4, "`capacity` is out of range: it must be at most 1000 (got 5000)")],
    ),
    (
        "capacity not a number",
        "2024-05-15.yaml",
        BASE + "capacity: twelve\n",
        [(4, "`capacity` must be a whole number (got 'twelve')")],
    ),
    (
        "duration zero",
        "2024-05-15.yaml",
        BASE + "duration: 0\n",
        [(4, "`duration` is out of range: it must be at least 1 (got 0)")],
    ),
    (
        "duration over a day",
        "2024-05-15.yaml",
        BASE + "duration: 1441\n",
        [(4, "`duration` is out of range: it must be at most 1440 (got 1441)")],
    ),
    (
        "unknown format",
        "2024-05-15.yaml",
        BASE + "format: talk\n",
        [(4, "`format`: unknown value 'talk'; allowed: lean-coffee, presentation, social")],
    ),
    (
        "a format written as words",
        "2024-05-15.yaml",
        BASE + "format: Lean Coffee\n",
        [
            (
                4,
                "`format`: unknown value 'Lean Coffee': did you mean `lean-coffee`? "
                "(allowed: lean-coffee, presentation, social)",
            )
        ],
    ),
    (
        "an endless duration",
        "2024-05-15.yaml",
        BASE + "duration: .inf\n",
        [(4, "`duration` must be a whole number (got inf)")],
    ),
    (
        "missing title",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\n",
        [(2, "`title` is missing (it is required)")],
    ),
    ("empty title", "2024-05-15.yaml", HEAD + "date: 2024-05-15\ntitle: ''\n", [(3, "`title` is empty")]),
    (
        "title without value",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\ntitle:\n",
        [(3, "`title` has no value")],
    ),
    (
        "title a number",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\ntitle: 2024\n",
        [(3, "`title` must be text (got 2024; put it in quotes)")],
    ),
    (
        "missing date",
        "2024-05-15.yaml",
        HEAD + "title: Hiring\n",
        [(2, "`date` is missing (it is required)")],
    ),
    (
        "start as a number",
        "2024-05-15.yaml",
        BASE + "start: 1020\n",
        [(4, '`start` must be a time written HH:MM in quotes, like "17:00" (got 1020)')],
    ),
    (
        "start out of the day",
        "2024-05-15.yaml",
        BASE + "start: '25:00'\n",
        [(4, "`start` must be a time written HH:MM in quotes, like \"17:00\" (got '25:00')")],
    ),
    (
        "empty seeded topic and misspelt key",
        "2024-05-15.yaml",
        BASE + "topics:\n  - ''\n  - {titel: Vendors}\n",
        [(5, "`title` of topics entry 1 is empty"), (6, "unknown key `titel`: did you mean `title`?")],
    ),
    (
        "id key",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\nid: may\ntitle: Hiring\n",
        [(3, "`id` is not allowed: an event's id is its file name (2024-05-15)")],
    ),
    (
        "python tag",
        "2024-05-15.yaml",
        HEAD + "date: 2024-05-15\ntitle: !!python/object/apply:os.system [ls]\n",
        [(3, "YAML tags such as !!python/object/apply:os.system are not allowed: write a plain value")],
    ),
    (
        "local tag",
        "2024-05-15.yaml",
        BASE + "notes: !secret x\n",
        [(4, "YAML tags such as !secret are not allowed: write a plain value")],
    ),
    (
        "two documents",
        "2024-05-15.yaml",
        BASE + "---\ndate: 2024-05-15\n",
        [(4, "a second YAML document (---) in one file: keep one document per file")],
    ),
    (
        "a list, not a mapping",
        "2024-05-15.yaml",
        HEAD + "- date: 2024-05-15\n",
        [(2, "an event file must be a mapping of keys such as `date:` and `title:`")],
    ),
    (
        "a key that is a list",
        "2024-05-15.yaml",
        BASE + "? [a]\n: 1\n",
        [(4, "a key must be a plain word such as `title`")],
    ),
    (
        "empty file",
        "2024-05-15.yaml",
        "",
        [(1, "the file is empty: an event needs at least `date:` and `title:`")],
    ),
    (
        "comments only",
        "2024-05-15.yaml",
        HEAD + "# nothing yet\n",
        [(1, "the file is empty: an event needs at least `date:` and `title:`")],
    ),
    (
        "nested too deep",
        "2024-05-15.yaml",
        BASE + "notes: " + "[" * 40 + "]" * 40 + "\n",
        [(4, "nested more than 32 levels deep")],
    ),
    (
        "control character",
        "2024-05-15.yaml",
        BASE + "notes: a\x07b\n",
        [(4, "the file contains a control character (U+0007): is it a binary file?")],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_names_its_line_and_says_what_is_wrong(
    tmp_path: Path, name: str, text: str, expected: list[tuple[int, str]]
) -> None:
    assert errors_of(write_event(tmp_path, text, name)) == expected


# --- YAML syntax errors, in an organizer's words: (text after the header) -> (line, message) ---

SYNTAX: list[tuple[str, str, int, str]] = [
    (
        "a colon in a value",
        "date: 2024-05-15\ntitle: Hiring: what works\n",
        3,
        'a value containing `: ` must be in quotes, like title: "Hiring: what works"; '
        "if this line holds a key, indent it like the keys above it",
    ),
    (
        "a key indented too far",
        "date: 2024-05-15\n  title: Hiring\n",
        3,
        'a value containing `: ` must be in quotes, like title: "Hiring: what works"; '
        "if this line holds a key, indent it like the keys above it",
    ),
    (
        "text after a quoted value",
        'date: 2024-05-15\ntitle: "Hiring" now\n',
        3,
        "text after the end of a value: a value that starts with a quote, [ or { must be quoted "
        'as a whole, like title: "[draft] Hiring"',
    ),
    (
        "a value starting with a bracket",
        "date: 2024-05-15\ntitle: [draft] Hiring\n",
        3,
        "text after the end of a value: a value that starts with a quote, [ or { must be quoted "
        'as a whole, like title: "[draft] Hiring"',
    ),
    (
        "a list entry indented less",
        "date: 2024-05-15\ntitle: x\ntopics:\n  - a\n - b\n",
        6,
        "this line is indented differently from the lines above it: "
        "line up list entries (- ...) and keys under each other",
    ),
    (
        "a key indented in a list entry",
        "date: 2024-05-15\ntitle: x\ntopics:\n  - title: a\n   description: b\n",
        6,
        "this line is indented differently from the lines above it: "
        "line up list entries (- ...) and keys under each other",
    ),
    (
        "a value starting with @",
        "date: 2024-05-15\ntitle: @alice on hiring\n",
        3,
        'a value cannot start with @: put the whole value in quotes, like "@..."',
    ),
    (
        "a key without its colon",
        "date: 2024-05-15\ntitle\nformat: social\n",
        3,
        "expected `key: value` here: add the missing `:`, or indent the lines of a | text block "
        "under their key",
    ),
    (
        "a text block not indented",
        "date: 2024-05-15\ntitle: x\ndescription: |\nnot indented\n",
        5,
        "expected `key: value` here: add the missing `:`, or indent the lines of a | text block "
        "under their key",
    ),
    (
        "an unclosed list",
        "date: 2024-05-15\ntitle: x\nlocation: [Zoom\nformat: social\n",
        5,
        "a list written [ ... ] that opens at line 4 does not read: close it with ], and put "
        "entries holding `: ` or `,` in quotes",
    ),
    (
        "a colon in a flow mapping",
        "date: 2024-05-15\ntitle: x\nagenda:\n  - {issue: 1, title: Who: me, votes: 2}\n",
        5,
        "a mapping written { ... } that opens at line 5 does not read: close it with }, and put "
        "values holding `: ` or `,` in quotes",
    ),
    (
        "an unclosed quote",
        'date: 2024-05-15\ntitle: "Hiring\n',
        4,
        "a quoted value is never closed: its quote opens at line 3",
    ),
    (
        "tab indentation",
        "date: 2024-05-15\n\ttitle: x\n",
        3,
        "a tab character: indent and separate with spaces, not tabs",
    ),
    (
        "a list entry as a value",
        "date: 2024-05-15\ntitle: - x\n",
        3,
        "a list entry (- ...) where a value was expected: start the list on the next line, "
        "indented, or put the value in quotes",
    ),
    (
        "anything else: the parser's words",
        "date: 2024-05-15\ntitle: x\ndescription: |x\n  a\n",
        4,
        "expected chomping or indentation indicators, but found 'x' (while scanning a block scalar)",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), [c[1:] for c in SYNTAX], ids=[c[0] for c in SYNTAX])
def test_yaml_syntax_errors_say_what_to_do(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write_event(tmp_path, HEAD + text)
    assert errors_of(path) == [(line, f"YAML syntax error: {message}")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b"date: 2024-05-15\x00\x01\x02",
            (0, "this is a binary file, not YAML text (it contains NUL bytes)"),
        ),
        (b"date: 2024-05-15\ntitle: \xff\xfe\n", (2, "the file is not UTF-8 text (save it as UTF-8)")),
        (b"\x89PNG\r\n\x1a\n\x00\x00", (0, "this is a binary file, not YAML text (it contains NUL bytes)")),
    ],
    ids=["nul bytes", "not utf-8", "an image"],
)
def test_binary_files_are_refused(tmp_path: Path, raw: bytes, expected: tuple[int, str]) -> None:
    assert errors_of(write_event(tmp_path, raw)) == [expected]


def test_an_absurdly_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_event(tmp_path, BASE + "notes: " + "x" * MAX_BYTES + "\n")
    started = time.perf_counter()
    assert errors_of(path) == [
        (
            0,
            f"the file is too large ({path.stat().st_size:,} bytes; at most {MAX_BYTES:,}): "
            "is it the right file?",
        )
    ]
    assert time.perf_counter() - started < HANG.total_seconds()


def test_an_alias_bomb_is_rejected_without_expanding_it(tmp_path: Path) -> None:
    lol = ",".join(["lol"] * 9)
    bomb = f"a: &a [{lol}]\n" + "".join(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefg", "bcdefgh", strict=True)
    )
    assert len(bomb) <= 300  # 9**8 = 43 million "lol"s once expanded
    started = time.perf_counter()
    assert errors_of(write_event(tmp_path, bomb)) == [
        (1, "anchors and aliases (&name, *name) are not allowed: write the value out in full")
    ]
    assert time.perf_counter() - started < HANG.total_seconds()


def test_too_many_errors_stop_reading(tmp_path: Path) -> None:
    errors = errors_of(write_event(tmp_path, BASE + "notes: x\n" * 200))
    assert len(errors) == 50  # MAX_ERRORS, the last of them saying where reading stopped
    assert errors[-1] == (53, "too many errors: stopped reading here; fix the ones above first")


def test_too_many_validation_errors_are_counted_not_listed(tmp_path: Path) -> None:
    errors = errors_of(write_event(tmp_path, BASE + "".join(f"k{n}: 1\n" for n in range(60))))
    assert len(errors) == 50
    assert errors[-1][1] == "and 11 more errors: fix these first"


# --- YAML 1.2 meanings --------------------------------------------------------------------


def test_yaml_1_2_keeps_times_and_no_as_strings(tmp_path: Path) -> None:
    text = BASE + "start: 17:00\npresenters:\n  - name: Nora\n    github: NO\n" + ONE.replace("alice", "yes")
    event = load_event(write_event(tmp_path, text))
    assert event.start == "17:00"
    assert event.presenters[0].github == "NO"
    assert event.participants[0].github == "yes"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-05-01T10:00:00-06:00", datetime(2024, 5, 1, 10, tzinfo=timezone(timedelta(hours=-6)))),
        ("2024-05-01T16:00:00Z", datetime(2024, 5, 1, 16, tzinfo=timezone.utc)),  # noqa: UP017
        ("2024-05-01 10:00:00 -6", datetime(2024, 5, 1, 10, tzinfo=timezone(timedelta(hours=-6)))),
        (
            "2024-05-01T10:00:00.5+05:30",
            datetime(2024, 5, 1, 10, 0, 0, 500000, timezone(timedelta(hours=5.5))),
        ),
        ("'2024-05-01T10:00:00-06:00'", datetime(2024, 5, 1, 10, tzinfo=timezone(timedelta(hours=-6)))),
    ],
)
def test_registered_keeps_its_utc_offset(tmp_path: Path, written: str, expected: datetime) -> None:
    text = BASE + f"participants:\n  - github: alice\n    registered: {written}\n"
    registered = load_event(write_event(tmp_path, text)).participants[0].registered
    assert registered == expected
    assert registered.utcoffset() == expected.utcoffset()
    assert type(registered) is datetime


def test_a_full_event_loads(tmp_path: Path) -> None:
    text = HEAD + (
        "date: 2023-10-11\n"
        "title: How to use AI to power QA\n"
        "format: presentation\n"
        'start: "17:00"\n'
        "duration: 90\n"
        "location: Zoom\n"
        "description: |\n  Discussion.\n"
        "presenters:\n  - name: Rob Pinna\n    affiliation: VP, Serenity\n    github: robpinna\n"
        "capacity: 10\n"
        "topics:\n  - Hiring\n  - title: Vendors\n    description: What worked?\n"
        + ONE
        + "    cancelled: true\n"
        'agenda:\n  - {issue: 12, title: "Flaky tests", votes: 7}\n'
        'takeaways:\n  - Pair QA with product early.\n  - {text: "Budget triage.", issue: 12, comment: 198}\n'
        "recording: https://example.com/r\n"
        "notes: Drinks\n"
    )
    event = load_event(write_event(tmp_path, text, "2023-10-11-ai.yaml"))
    assert event.id == "2023-10-11-ai"
    assert event.date == date(2023, 10, 11)
    assert event.format == "presentation"
    assert event.description == "Discussion.\n"
    assert [t.title for t in event.topics] == ["Hiring", "Vendors"]
    assert event.participants[0].cancelled is True
    assert event.agenda[0].votes == 7
    assert [t.text for t in event.takeaways] == ["Pair QA with product early.", "Budget triage."]
    assert event.takeaways[1].comment == 198


# --- fuzz: every input ends in a model or in InputErrors, never a traceback ------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_a_model_or_input_errors(tmp_path: Path, raw: bytes) -> None:
    path = write_event(tmp_path, raw)
    try:
        assert isinstance(load_event(path), Event)
    except InputErrors as errors:
        assert errors.errors
        assert all(isinstance(e, InputError) and e.path == str(path) for e in errors.errors)


YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!|>#'\"\n ?%@`\t0179.TZ")), max_size=120)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(YAMLISH)
def test_arbitrary_yaml_like_text_gives_a_model_or_input_errors(tmp_path: Path, text: str) -> None:
    path = write_event(tmp_path, BASE + text)
    try:
        assert isinstance(load_event(path), Event)
    except InputErrors as errors:
        assert errors.errors


# --- p2p.yaml ----------------------------------------------------------------------------


SETTINGS_CASES = [
    ("unknown key", "name: P2P\nrepo: a/b\n", [(2, "unknown key `repo`: did you mean `repository`?")]),
    (
        "bad time zone",
        "timezone: Mountain\n",
        [(1, "`timezone`: 'Mountain' is not an IANA time zone such as America/Denver")],
    ),
    (
        "bad organizer",
        "organizers: [octocat, 'not a login']\n",
        [
            (
                1,
                "organizers entry 2: 'not a login' is not a valid GitHub login (letters, digits and "
                "single hyphens, at most 39 characters, no hyphen at either end)",
            )
        ],
    ),
    (
        "bad permission",
        "permission: admin\n",
        [(1, "`permission`: unknown value 'admin'; allowed: pull, triage, push")],
    ),
    (
        "bad repository",
        "repository: peer-to-peer\n",
        [(1, "`repository` must be owner/name, like acme/roundtable (got 'peer-to-peer')")],
    ),
    (
        "an organizer twice",
        "organizers:\n  - octocat\n  - OctoCat\n",
        [
            (
                3,
                "OctoCat is an organizer twice (also at line 2): GitHub logins are case-insensitive; "
                "keep one entry",
            )
        ],
    ),
    ("project zero", "project: 0\n", [(1, "`project` is out of range: it must be at least 1 (got 0)")]),
    ("a list", "- name\n", [(1, "p2p.yaml must be a mapping of settings such as `name:`")]),
    ("duplicate", "name: a\nname: b\n", [(2, "duplicate key `name` (first at line 1)")]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES]
)
def test_settings_rules(tmp_path: Path, text: str, expected: list[tuple[int, str]]) -> None:
    path = tmp_path / "p2p.yaml"
    path.write_text(text)
    with pytest.raises(InputErrors) as caught:
        load_settings(path)
    assert [(e.line, e.reason) for e in caught.value.errors] == expected


def test_settings_defaults_and_comments_only(tmp_path: Path) -> None:
    path = tmp_path / "p2p.yaml"
    path.write_text("# all defaults\n")
    assert load_settings(path).capacity == 12
    path.write_text("repository: profiq/peer-to-peer\norganizers: [NO]\n")
    assert load_settings(path).organizers == ("NO",)


# --- the whole roundtable ----------------------------------------------------------------


def make_roundtable(root: Path) -> Path:
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text("repository: profiq/peer-to-peer\norganizers: [octocat]\n")
    return root / "events"


def test_load_roundtable_sorts_by_date_then_id_and_ignores_other_files(tmp_path: Path) -> None:
    events = make_roundtable(tmp_path)
    for name, day in [
        ("2024-05-15-b.yaml", "2024-05-15"),
        ("2024-05-15.yaml", "2024-05-15"),
        ("2023-01-02.yaml", "2023-01-02"),
        ("2024-05-15-a.yaml", "2024-05-15"),
    ]:
        write_event(events, HEAD + f"date: {day}\ntitle: t\n", name)
    (events / "schema.json").write_text("{}")
    (events / "README.md").write_text("# not an event")
    (events / ".2024-05-15.yaml.lock").write_text("")
    roundtable = load_roundtable(tmp_path)
    assert [e.id for e in roundtable.events] == ["2023-01-02", "2024-05-15", "2024-05-15-a", "2024-05-15-b"]
    assert roundtable.settings.repository == "profiq/peer-to-peer"


def test_load_roundtable_reports_every_error_of_every_file(tmp_path: Path) -> None:
    events = make_roundtable(tmp_path)
    (tmp_path / "p2p.yaml").write_text("capacity: 0\n")
    write_event(events, HEAD + "date: 2024-05-15\ntitle: ''\nformat: talk\n")
    write_event(events, HEAD + "date: 2024-06-01\ntitle: ok\n", "2024-06-02.yaml")
    write_event(events, HEAD + "date: 2024-07-01\ntitle: ok\n", "2024-07-01.yml")
    with pytest.raises(InputErrors) as caught:
        load_roundtable(tmp_path)
    assert [e.message for e in caught.value.errors] == [
        "p2p.yaml:1: `capacity` is out of range: it must be at least 1 (got 0)",
        "events/2024-07-01.yml: event files end in .yaml: rename it to 2024-07-01.yaml",
        "events/2024-05-15.yaml:3: `title` is empty",
        "events/2024-05-15.yaml:4: `format`: unknown value 'talk'; "
        "allowed: lean-coffee, presentation, social",
        "events/2024-06-02.yaml:2: the file name says 2024-06-02 but `date` is 2024-06-01: "
        "rename the file or fix the date",
    ]
    assert [e.message for e in check(tmp_path)] == [e.message for e in caught.value.errors]


def test_a_missing_p2p_yaml_is_one_clear_error(tmp_path: Path) -> None:
    assert [e.message for e in check(tmp_path)] == [
        "p2p.yaml: not found: this folder has no p2p.yaml, so it is not a roundtable repository "
        "(create it, run `p2p init`, or point --repo-dir at the repository)"
    ]


# --- the repository's own files ----------------------------------------------------------


def test_the_schema_files_are_up_to_date() -> None:
    for name, text in schema_files().items():
        assert (REPO / name).read_text(encoding="utf-8") == text, f"{name} is stale: run `p2p render`"


def test_the_event_schema_describes_the_format() -> None:
    schema = json.loads(event_schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "p2p event file"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["date", "title"]
    assert "id" not in schema["properties"]
    assert {"type": "string", "minLength": 1} in schema["properties"]["topics"]["items"]["anyOf"]
    assert event_schema_text() == event_schema_text()
    assert EVENT_SCHEMA_FILE == "events/schema.json"
    assert SETTINGS_SCHEMA_FILE == "p2p.schema.json"


def test_the_roundtable_files_are_valid_and_point_at_the_schema() -> None:
    assert check(REPO) == []
    for path in sorted((REPO / "events").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith(HEAD), path.name
