"""Round-trip edits of event files: comments, order and quoting survive; writes are atomic and locked."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from p2p.cli.participants import add as participants_add
from p2p.cli.participants import cancel as participants_cancel
from p2p.cli.workspace import Workspace
from p2p.errors import InputErrors, P2PError
from p2p.files import atomic
from p2p.files.atomic import file_lock, write_text_atomic
from p2p.files.edit import EventDocument, create_event_file, edit_event, merge_lines
from p2p.files.load import load_event
from p2p.models import AgendaItem, SeededTopic, Takeaway

DENVER = timezone(timedelta(hours=-6))

COMMENTED = """\
# yaml-language-server: $schema=schema.json
# The May roundtable: keep this comment.
date: 2030-05-15   # a Wednesday
title: 'Hiring: what works'   # quoted on purpose
format: lean-coffee
start: "17:00"
duration: 90 # minutes

description: |
  What is really working right now,
  and what is not.

# Seeded by the organizers
topics:
  - Hiring - retaining - scaling back    # from the last event
  - title: Re-negotiating vendor contracts
    description: What worked?

participants:   # first come, first served
  # the early birds
  - github: alice      # Alice Example
    name: Alice Example
    registered: 2030-04-01T10:00:00-06:00

  - github: Bob
    registered: 2030-04-02T09:30:00-06:00   # by email
  # people who asked at the last event
notes: Drinks will be Vodka Tonics   # last line
"""


def roundtable(root: Path, event_text: str = COMMENTED, name: str = "2030-05-15.yaml") -> Path:
    (root / "events").mkdir(parents=True, exist_ok=True)
    (root / "p2p.yaml").write_text("repository: profiq/peer-to-peer\ntimezone: America/Denver\ncapacity: 2\n")
    path = root / "events" / name
    path.write_text(event_text)
    return path


def workspace(root: Path, now: datetime, lines: list[str]) -> Workspace:
    return Workspace(root=root, now=now, out=lines.append, err=lines.append)


# --- the acceptance test: add then cancel keeps every comment and unrelated line ---------


def test_add_then_cancel_keeps_every_comment_and_unrelated_line(tmp_path: Path) -> None:
    path = roundtable(tmp_path)
    out: list[str] = []
    now = datetime(2030, 4, 3, 16, 0, 5, 123456, tzinfo=UTC)
    assert participants_add(workspace(tmp_path, now, out), login="carol", event=None, name=None) == 0
    assert participants_cancel(workspace(tmp_path, now, out), login="ALICE", event=None) == 0
    expected = COMMENTED.replace(
        "    registered: 2030-04-01T10:00:00-06:00\n",
        "    registered: 2030-04-01T10:00:00-06:00\n    cancelled: true\n",
    ).replace(
        "  # people who asked at the last event\n",
        "  # people who asked at the last event\n"
        "  - github: carol\n    registered: 2030-04-03T10:00:05-06:00\n",
    )
    assert path.read_text() == expected
    assert out == [
        "registered carol for 2030-05-15 (events/2030-05-15.yaml): waitlisted #1 (all 2 seats are taken)",
        "cancelled alice for 2030-05-15 (events/2030-05-15.yaml)",
        "carol moves up from the waitlist: accepted (seat 2 of 2)",
    ]


def test_registering_again_after_cancelling_goes_to_the_back_of_the_line(tmp_path: Path) -> None:
    path = roundtable(tmp_path)
    out: list[str] = []
    now = datetime(2030, 4, 3, 16, 0, tzinfo=UTC)
    participants_cancel(workspace(tmp_path, now, out), login="alice", event=None)
    participants_add(workspace(tmp_path, now, out), login="carol", event=None, name="Carol C")
    later = now + timedelta(hours=1)
    participants_add(workspace(tmp_path, later, out), login="Alice", event="2030-05-15", name=None)
    event = load_event(path)
    alice = event.participants[0]
    assert (alice.github, alice.cancelled, alice.registered) == ("alice", False, later)
    assert "    registered: 2030-04-03T11:00:00-06:00\n    cancelled: false\n" in path.read_text()
    assert out[-1] == (
        "registered alice again for 2030-05-15 (events/2030-05-15.yaml): "
        "waitlisted #1 (all 2 seats are taken)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # sequences flush with their key
        "date: 2030-05-15\ntitle: x\nparticipants:\n- github: alice\n  registered: 2030-04-01T10:00:00Z\n"
        "notes: n\n",
        # four-space mappings
        "date: 2030-05-15\ntitle: x\nparticipants:\n    - github: alice\n"
        "      registered: 2030-04-01T10:00:00Z\n",
        # four spaces after the dash too
        "date: 2030-05-15\ntitle: x\nparticipants:\n    -   github: alice\n"
        "        registered: 2030-04-01T10:00:00Z\n",
        # one list flush, the other indented, odd spacing after colons, a spaced timestamp
        'date:    2030-05-15\ntitle:   "x"     # t\ntopics:\n- a\n- b\nparticipants:\n  - github: alice\n'
        "    registered: 2030-04-01 10:00:00 -6\n\n  - github: bob\n    registered: 2030-04-02T10:00:00Z\n",
        # an explicit document start and an empty participants list
        "---\n# c\ndate: 2030-05-15\ntitle: x\nparticipants: []\nnotes: n\n",
        # no participants yet
        "date: 2030-05-15\ntitle: x  # t\n\n# end\n",
    ],
    ids=["flush", "four spaces", "wide dash", "mixed", "explicit start", "no participants"],
)
def test_edits_only_add_lines_whatever_the_style(tmp_path: Path, text: str) -> None:
    path = roundtable(tmp_path, text)
    now = datetime(2030, 4, 3, 16, 0, tzinfo=UTC)
    out: list[str] = []
    participants_add(workspace(tmp_path, now, out), login="carol", event=None, name=None)
    added = path.read_text()
    participants_cancel(workspace(tmp_path, now, out), login="carol", event=None)
    cancelled = path.read_text()
    if "participants: []" in text:  # the one line the edit must change
        text = text.replace("participants: []\n", "")
    assert _removed_lines(text, added) == []
    assert _removed_lines(added, cancelled) == []
    event = load_event(path)
    assert [(p.github, p.cancelled) for p in event.participants][-1] == ("carol", True)


def _removed_lines(before: str, after: str) -> list[str]:
    """Lines of `before` that `after` lost or changed (insertions are allowed)."""
    import difflib

    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    lost: list[str] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            lost.extend(before.splitlines()[i1:i2])
    return lost


# --- EventDocument ------------------------------------------------------------------------

SMALL = """\
# yaml-language-server: $schema=schema.json
date: 2030-05-15
title: Hiring   # title
agenda:
  - {issue: 3, title: "Old", votes: 1}
takeaways:
  - Pair QA with product early.   # ours
notes: n
"""


def edited(tmp_path: Path, change: Any, text: str = SMALL) -> str:
    path = roundtable(tmp_path, text)
    edit_event(path, change)
    return path.read_text()


def test_get_returns_the_live_values(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def change(doc: EventDocument) -> None:
        seen["title"] = doc.get("title")
        seen["agenda"] = [dict(item) for item in doc.get("agenda")]
        seen["missing"] = doc.get("recording")

    assert edited(tmp_path, change) == SMALL
    assert seen == {"title": "Hiring", "agenda": [{"issue": 3, "title": "Old", "votes": 1}], "missing": None}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.set("title", "Hiring: what works"),
            SMALL.replace("title: Hiring   # title", "title: 'Hiring: what works' # title"),
        ),
        (lambda d: d.set("recording", "https://example.com/r"), SMALL + "recording: https://example.com/r\n"),
        (lambda d: d.set("start", "17:00"), SMALL + 'start: "17:00"\n'),
        (lambda d: d.set("description", "Two\nlines"), SMALL + "description: |\n  Two\n  lines\n"),
        (
            lambda d: d.set("agenda", [{"issue": 12, "title": "Flaky tests: who owns them?", "votes": 7}]),
            SMALL.replace(
                '  - {issue: 3, title: "Old", votes: 1}',
                '  - {issue: 12, title: "Flaky tests: who owns them?", votes: 7}',
            ),
        ),
        (
            lambda d: d.append("agenda", {"issue": 14, "title": 'Say "no"', "votes": 2}),
            SMALL.replace(
                '  - {issue: 3, title: "Old", votes: 1}\n',
                '  - {issue: 3, title: "Old", votes: 1}\n  - {issue: 14, title: "Say \\"no\\"", votes: 2}\n',
            ),
        ),
        (
            lambda d: d.append("takeaways", {"text": "Budget for triage.", "issue": 14, "comment": 19}),
            SMALL.replace(
                "  - Pair QA with product early.   # ours\n",
                "  - Pair QA with product early.   # ours\n"
                '  - {text: "Budget for triage.", issue: 14, comment: 19}\n',
            ),
        ),
        (
            lambda d: d.append("topics", "Vendors"),
            SMALL + "topics:\n  - Vendors\n",
        ),
        (
            lambda d: d.append(
                "participants", {"github": "alice", "registered": datetime(2030, 4, 1, 10, tzinfo=DENVER)}
            ),
            SMALL + "participants:\n  - github: alice\n    registered: 2030-04-01T10:00:00-06:00\n",
        ),
        (
            lambda d: d.replace("takeaways", 0, {"text": "Pair early.", "issue": 3, "comment": 5}),
            SMALL.replace(
                "  - Pair QA with product early.   # ours\n",
                '  - {text: "Pair early.", issue: 3, comment: 5} # ours\n',
            ),
        ),
        (
            lambda d: d.remove("agenda", 0),
            SMALL.replace('agenda:\n  - {issue: 3, title: "Old", votes: 1}\n', "agenda: []\n"),
        ),
        (lambda d: d.delete("notes"), SMALL.replace("notes: n\n", "")),
        (
            lambda d: d.append("takeaways", Takeaway(text="Plain: text")),
            SMALL.replace(
                "  - Pair QA with product early.   # ours\n",
                "  - Pair QA with product early.   # ours\n  - 'Plain: text'\n",
            ),
        ),
        (
            lambda d: d.set(
                "topics", [SeededTopic(title="Vendors"), {"title": "Hiring", "description": "How?"}]
            ),
            SMALL + "topics:\n  - Vendors\n  - title: Hiring\n    description: How?\n",
        ),
        (
            lambda d: d.set("agenda", [AgendaItem(issue=5, title="Ünïcode ✓", votes=0)]),
            SMALL.replace('{issue: 3, title: "Old", votes: 1}', '{issue: 5, title: "Ünïcode ✓", votes: 0}'),
        ),
    ],
    ids=[
        "set replaces in place",
        "set appends a new key",
        "start is quoted",
        "text with lines is a block",
        "set a whole agenda",
        "append agenda item in flow style",
        "append takeaway in flow style",
        "append creates a list",
        "participants in block style",
        "replace an item",
        "remove the last item",
        "delete a key",
        "a takeaway that is only text is a string",
        "topics from models",
        "agenda from models",
    ],
)
def test_event_document_methods(tmp_path: Path, change: Any, expected: str) -> None:
    assert edited(tmp_path, change) == expected


def test_set_item_field_keeps_the_blank_line_between_entries(tmp_path: Path) -> None:
    text = SMALL + (
        "participants:\n  - github: a\n    registered: 2030-04-01T10:00:00Z\n\n"
        "  - github: b\n    registered: 2030-04-01T10:00:00Z\n"
    )
    path = roundtable(tmp_path, text)
    edit_event(path, lambda d: d.set_item_field("participants", 0, "cancelled", True))
    assert path.read_text() == text.replace("10:00:00Z\n\n", "10:00:00Z\n    cancelled: true\n\n", 1)


ALICE = "  - github: alice\n    registered: 2030-04-01T10:00:00Z   # first\n"
BOB = "  - github: bob\n    registered: 2030-04-02T10:00:00+00:00\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the comment after a blank line heads the next key: the new entry goes above both
        (
            f"participants:\n{ALICE}\n# Organizers' notes\nnotes: n\n",
            f"participants:\n{ALICE}{BOB}\n# Organizers' notes\nnotes: n\n",
        ),
        # a comment left of the entries belongs to what follows the list
        (
            f"participants:\n{ALICE}# Organizers' notes\nnotes: n\n",
            f"participants:\n{ALICE}{BOB}# Organizers' notes\nnotes: n\n",
        ),
        # the blank lines and comments that close the file stay last
        (
            f"participants:\n{ALICE}\n# the end\n\n",
            f"participants:\n{ALICE}{BOB}\n# the end\n\n",
        ),
        # the line above keeps the author's spelling of a time
        (
            "participants:\n  - github: alice\n    registered: 2030-04-01 10:00:00 -06:00\n\n# the end\n",
            "participants:\n  - github: alice\n    registered: 2030-04-01 10:00:00 -06:00\n"
            f"{BOB}\n# the end\n",
        ),
        # a comment in line with the entries, right after them, is the list's own: the entry follows it
        (
            f"participants:\n{ALICE}  # more to come\nnotes: n\n",
            f"participants:\n{ALICE}  # more to come\n{BOB}notes: n\n",
        ),
        # a topic written as a plain string
        (
            "topics:\n  - Hiring   # first\n\n# Organizers' notes\nnotes: n\n",
            "topics:\n  - Hiring   # first\n  - Vendors\n\n# Organizers' notes\nnotes: n\n",
        ),
    ],
    ids=[
        "blank line, comment",
        "comment left of the entries",
        "end of file",
        "a spaced time",
        "the list's comment",
        "strings",
    ],
)
def test_append_goes_before_the_comments_that_close_the_list(
    tmp_path: Path, text: str, expected: str
) -> None:
    head = "date: 2030-05-15\ntitle: x\n"
    if text.startswith("topics"):
        change: Any = lambda d: d.append("topics", "Vendors")  # noqa: E731
    else:
        bob = {"github": "bob", "registered": datetime(2030, 4, 2, 10, tzinfo=UTC)}
        change = lambda d: d.append("participants", bob)  # noqa: E731
    assert edited(tmp_path, change, head + text) == head + expected


def test_a_change_is_returned_and_an_unchanged_file_is_not_written(tmp_path: Path) -> None:
    path = roundtable(tmp_path, SMALL)
    before = path.stat()
    assert edit_event(path, lambda d: d.get("title")) == "Hiring"
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_an_edit_that_would_make_the_file_invalid_is_refused(tmp_path: Path) -> None:
    path = roundtable(tmp_path, SMALL)
    with pytest.raises(InputErrors) as caught:
        edit_event(path, lambda d: d.set("capacity", 0))
    assert [e.message for e in caught.value.errors] == [
        f"{path}:9: the change would make the file invalid: "
        "`capacity` is out of range: it must be at least 1 (got 0)"
    ]
    assert path.read_text() == SMALL


def test_an_invalid_file_is_not_edited(tmp_path: Path) -> None:
    path = roundtable(tmp_path, SMALL + "locaton: Zoom\n")
    with pytest.raises(InputErrors, match="did you mean `location`"):
        edit_event(path, lambda d: d.set("notes", "x"))
    assert path.read_text() == SMALL + "locaton: Zoom\n"


def test_a_change_that_refuses_leaves_the_file_and_no_lock(tmp_path: Path) -> None:
    path = roundtable(tmp_path, SMALL)

    def refuse(doc: EventDocument) -> None:
        doc.set("notes", "changed")
        raise P2PError("no")

    with pytest.raises(P2PError, match="no"):
        edit_event(path, refuse)
    assert path.read_text() == SMALL
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# --- new files -----------------------------------------------------------------------------


def test_create_event_file_writes_the_schema_line_and_the_style(tmp_path: Path) -> None:
    path = tmp_path / "events" / "2030-05-15-evening.yaml"
    event = create_event_file(
        path,
        {
            "date": datetime(2030, 5, 15).date(),
            "title": "Hiring: what works",
            "start": "17:00",
            "location": None,
            "topics": ["Vendors", {"title": "Hiring", "description": "What worked?"}],
            "agenda": [{"issue": 3, "title": "Flaky", "votes": 2}],
        },
    )
    assert event.id == "2030-05-15-evening"
    assert path.read_text() == (
        "# yaml-language-server: $schema=schema.json\n"
        "date: 2030-05-15\n"
        "title: 'Hiring: what works'\n"
        'start: "17:00"\n'
        "topics:\n"
        "  - Vendors\n"
        "  - title: Hiring\n"
        "    description: What worked?\n"
        "agenda:\n"
        '  - {issue: 3, title: "Flaky", votes: 2}\n'
    )
    with pytest.raises(P2PError, match="already exists"):
        create_event_file(path, {"date": event.date, "title": "again"})
    (tmp_path / "other").write_text("", encoding="utf-8")  # a file where the folder should be
    with pytest.raises(P2PError) as refused:
        create_event_file(tmp_path / "other" / "2030-05-15.yaml", {"date": event.date, "title": "t"})
    assert refused.value.message == f"{tmp_path}/other/2030-05-15.yaml: cannot write the file: File exists"
    with pytest.raises(InputErrors, match="`format`: unknown value 'talk'"):
        create_event_file(
            tmp_path / "events" / "2030-05-16.yaml", {"date": event.date, "title": "t", "format": "talk"}
        )
    assert not (tmp_path / "events" / "2030-05-16.yaml").exists()


# --- the three-way merge -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [
        ("a b c", "a b c", "a b x c", "a b x c"),
        ("a b c", "A b c", "a b c d", "A b c d"),
        ("a b c", "A b c", "a B c", "A B c"),
        ("a b c", "a B c", "a X c", "a X c"),  # both changed one line: the edit wins
        ("a b c", "a b c", "a c", "a c"),
        ("a b c d", "a b2 c d", "a b c d e", "a b2 c d e"),
        ("", "", "a", "a"),
        ("a b c", "a B c", "a b x c", "a B x c"),  # lines added after a line the author wrote otherwise
        ("a b c", "a B c", "a x b c", "a x B c"),  # and before it
    ],
)
def test_merge_lines(base: str, ours: str, theirs: str, expected: str) -> None:
    assert merge_lines(base.split(), ours.split(), theirs.split()) == expected.split()


# --- atomic writes ---------------------------------------------------------------------------


def test_write_text_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("old\n")
    path.chmod(0o640)
    write_text_atomic(path, "new ✓\n")
    assert path.read_text(encoding="utf-8") == "new ✓\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = roundtable(tmp_path, SMALL)

    def boom(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(P2PError) as refused:
        edit_event(path, lambda d: d.set("notes", "changed"))
    assert refused.value.message == f"{path}: cannot write the file: No space left on device"
    assert path.read_text() == SMALL
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# --- two commands at once ------------------------------------------------------------------


def _add_in_another_process(path: str, login: str, start: float) -> None:
    while time.time() < start:  # line the processes up, then race
        time.sleep(0.001)

    def change(doc: EventDocument) -> None:
        participants = doc.get("participants") or []
        time.sleep(0.05)  # widen the window between reading and writing
        registered = datetime(2030, 4, 3, 10, len(participants), tzinfo=UTC)
        doc.append("participants", {"github": login, "registered": registered})

    edit_event(Path(path), change)


def test_two_processes_adding_at_once_both_land(tmp_path: Path) -> None:
    path = roundtable(tmp_path, SMALL)
    context = multiprocessing.get_context("spawn")
    start = time.time() + 1.0
    workers = [
        context.Process(target=_add_in_another_process, args=(str(path), login, start))
        for login in ("alice", "bob", "carol")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
        assert worker.exitcode == 0
    event = load_event(path)
    assert sorted(p.github for p in event.participants) == ["alice", "bob", "carol"]
    assert sorted(p.registered.minute for p in event.participants) == [0, 1, 2]
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_folder_where_no_lock_can_be_made_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "events").write_text("", encoding="utf-8")  # a file where the folder should be
    path = tmp_path / "events" / "2030-05-15.yaml"
    with pytest.raises(P2PError) as refused, file_lock(path):
        pass
    assert refused.value.message == f"{path}: cannot write the file: Not a directory"


def test_a_held_lock_makes_a_second_edit_fail_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = roundtable(tmp_path, SMALL)
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.1)
    with file_lock(path), pytest.raises(P2PError, match="being edited by another p2p command"):
        edit_event(path, lambda d: d.set("notes", "x"))
    assert path.read_text() == SMALL


def test_line_endings_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = roundtable(tmp_path, "")
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.replace("\n", "\r\n").encode())
    edit_event(path, lambda d: d.set("notes", "changed"))
    assert path.read_bytes() == b"\xef\xbb\xbf" + SMALL.replace("notes: n", "notes: changed").replace(
        "\n", "\r\n"
    ).encode("utf-8")
