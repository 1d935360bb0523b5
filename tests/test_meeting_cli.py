"""`p2p meeting` end to end, against the sandbox and the fake GitHub: one board write a move, the
agenda written back into the event file (its lines only), and a later run resuming; and
`votes tally` keeping what the meeting wrote."""

from __future__ import annotations

import io
import itertools

from p2p.cli.meeting import meeting
from p2p.cli.votes import carried_over
from p2p.cli.workspace import Workspace
from p2p.files.load import check
from p2p.models import AgendaItem
from tests import test_topics_cli
from tests.test_topics_cli import (
    T0,
    E,
    Roundtable,
    SandboxWorld,
    vote,
)

# The same two roundtables as the other command tests: the sandbox's and the fake GitHub's.
roundtable = test_topics_cli.roundtable


def tallied(roundtable: Roundtable) -> dict[str, int]:
    assert roundtable.run("board", "setup").code == 0
    n = vote(roundtable.world)
    assert roundtable.run("topics", "sync").code == 0
    assert roundtable.run("votes", "tally").code == 0
    return n


def run(roundtable: Roundtable, keys: str, *, stdin: str | None = None) -> tuple[int, list[str], int]:
    """The meeting with keys pressed a minute apart: exit code, output lines, board writes."""
    lines: list[str] = []
    ws = Workspace(
        roundtable.root,
        sandbox=isinstance(roundtable.world, SandboxWorld),
        now=T0,
        out=lines.append,
        err=lines.append,
        env={"GITHUB_TOKEN": "test-token"},
    )
    minutes = itertools.count(step=60.0)
    code = meeting(
        ws,
        event=E,
        keys=None if stdin is not None else keys,
        clock=lambda: next(minutes),
        stdin=io.StringIO(stdin or ""),
    )
    writes = ws.port().requests.writes
    ws.close()
    return code, lines, writes


def statuses(roundtable: Roundtable) -> dict[int | None, str | float | None]:
    return {issue: values.get("Status") for issue, values in roundtable.world.board()}


def test_a_meeting_moves_cards_writes_the_agenda_and_resumes(roundtable: Roundtable) -> None:
    n = tallied(roundtable)
    before = roundtable.event_file.read_text(encoding="utf-8")
    first, second = n["vendors"], n["on-call"]

    code, lines, writes = run(roundtable, "s e d s q")  # done after 2 minutes, the next started
    assert code == 0, lines
    assert writes == 3  # Discussing, Discussed, Discussing: one write a move
    assert f"started #{first} Vendors" in lines
    assert any(line.startswith("stopped: 1 of") for line in lines)
    assert statuses(roundtable)[first] == "Discussed"
    assert statuses(roundtable)[second] == "Discussing"

    after = roundtable.event_file.read_text(encoding="utf-8")
    assert f'  - {{issue: {first}, title: "Vendors", votes: 2, discussed: 2, extended: 1}}\n' in after
    assert f'  - {{issue: {second}, title: "On-call", votes: 1}}\n' in after
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed and all(a.startswith("  - {issue:") for a, _ in changed)
    assert check(roundtable.root) == []

    code, lines, writes = run(roundtable, "", stdin="n\nq\n")  # resumes at the second topic
    assert code == 0, lines
    assert lines[0].startswith(f"skipped #{second} On-call; next #")
    assert writes == 1
    assert statuses(roundtable)[second] == "To Discuss"
    assert f'  - {{issue: {second}, title: "On-call", votes: 1, discussed: 0}}\n' in (
        roundtable.event_file.read_text(encoding="utf-8")
    )

    # the tally runs again on meeting day: what the meeting wrote stays
    assert roundtable.run("votes", "tally").code == 0
    text = roundtable.event_file.read_text(encoding="utf-8")
    assert "discussed: 2, extended: 1}" in text and "discussed: 0}" in text
    assert check(roundtable.root) == []


def test_keys_that_move_nothing_write_nothing(roundtable: Roundtable) -> None:
    tallied(roundtable)
    before = roundtable.event_file.read_text(encoding="utf-8")
    code, lines, writes = run(roundtable, "e x q")
    assert code == 0, lines
    assert writes == 0
    assert any(line.startswith("ignored 'x'") for line in lines)
    assert roundtable.event_file.read_text(encoding="utf-8") == before


def test_no_agenda_says_to_tally_first(roundtable: Roundtable) -> None:
    code, lines, writes = run(roundtable, "s")
    assert code == 1
    assert lines == [f"{E} has no agenda yet: run `p2p votes tally {E}` first"]
    assert writes == 0


def test_the_tally_keeps_the_meetings_record_by_issue() -> None:
    before = (
        AgendaItem(issue=3, title="Old", votes=4, discussed=9, extended=1),
        AgendaItem(issue=5, title="Gone", votes=1, discussed=0),
    )
    fresh = (AgendaItem(issue=7, title="New", votes=5), AgendaItem(issue=3, title="Old!", votes=4))
    assert carried_over(fresh, before) == (
        AgendaItem(issue=7, title="New", votes=5),
        AgendaItem(issue=3, title="Old!", votes=4, discussed=9, extended=1),
    )
