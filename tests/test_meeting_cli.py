"""`p2p meeting` end to end, against the sandbox and the fake GitHub: one board write a move, the
agenda written back into the event file (its lines only), and a later run resuming; and
`votes tally` keeping what the meeting wrote."""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.meeting import meeting
from p2p.cli.votes import carried_over
from p2p.cli.workspace import Workspace
from p2p.files.load import check
from p2p.models import AgendaItem
from tests import test_topics_cli
from tests.fake import FakeGitHub
from tests.test_topics_cli import (
    EVENT,
    REPOSITORY,
    SETTINGS,
    T0,
    E,
    FakeWorld,
    Roundtable,
    SandboxWorld,
    vote,
)

GRAPHQL = r"/graphql$"

# The same two roundtables as the other command tests: the sandbox's and the fake GitHub's.
roundtable = test_topics_cli.roundtable


def tallied(roundtable: Roundtable) -> dict[str, int]:
    assert roundtable.run("board", "setup").code == 0
    n = vote(roundtable.world)
    assert roundtable.run("topics", "sync").code == 0
    assert roundtable.run("votes", "tally").code == 0
    return n


def run(
    roundtable: Roundtable,
    keys: str,
    *,
    stdin: str | None = None,
    sleep: Callable[[float], None] = lambda seconds: None,
) -> tuple[int, list[str], int]:
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
        sleep=sleep,
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
    # the topic under way at the quit: its minute so far, continued by the next run
    assert f'  - {{issue: {second}, title: "On-call", votes: 1, discussed: 1, ongoing: true}}\n' in after
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed and all(a.startswith("  - {issue:") for a, _ in changed)
    assert check(roundtable.root) == []
    # `p2p check` of the files as the meeting left them (in the sandbox: the rehearsal's copy)
    files = roundtable.event_file.parent.parent
    checked = CliRunner().invoke(app, ["--repo-dir", str(files), "check"])
    assert checked.exit_code == 0, checked.output

    code, lines, writes = run(roundtable, "", stdin="s\nn\nq\n")  # resumes at the second topic
    assert code == 0, lines
    assert lines[0] == f"resumed #{second} On-call at 01:00"  # its card in Discussing: no write
    assert lines[1].startswith(f"skipped #{second} On-call; next #")
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
        AgendaItem(issue=6, title="Under way", votes=2, discussed=3, ongoing=True),
    )
    fresh = (
        AgendaItem(issue=7, title="New", votes=5),
        AgendaItem(issue=3, title="Old!", votes=4),
        AgendaItem(issue=6, title="Under way", votes=2),
    )
    assert carried_over(fresh, before) == (
        AgendaItem(issue=7, title="New", votes=5),
        AgendaItem(issue=3, title="Old!", votes=4, discussed=9, extended=1),
        AgendaItem(issue=6, title="Under way", votes=2, discussed=3, ongoing=True),
    )


@contextlib.contextmanager
def world(kind: str, root: Path) -> Iterator[Roundtable]:
    """A roundtable of the command tests against one world, as their fixture makes it."""
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text(SETTINGS, encoding="utf-8")
    (root / "events" / f"{E}.yaml").write_text(EVENT, encoding="utf-8")
    if kind == "sandbox":
        yield Roundtable(root, SandboxWorld(root))
        return
    with FakeGitHub(REPOSITORY, now=T0) as fake:
        yield Roundtable(root, FakeWorld(fake))
        assert fake.unhandled == []


def columns(roundtable: Roundtable, titles: dict[int, str]) -> dict[str, str | float | None]:
    return {titles[issue]: status for issue, status in statuses(roundtable).items() if issue in titles}


def test_the_sandbox_board_shows_the_columns_the_fake_github_shows(tmp_path: Path) -> None:
    seen = []
    for kind in ("sandbox", "fake"):
        with world(kind, tmp_path / kind) as roundtable:
            n = tallied(roundtable)
            code, lines, writes = run(roundtable, "s d s e d s q")
            assert code == 0, lines
            assert writes == 5
            seen.append(columns(roundtable, {number: name for name, number in n.items()}))
    sandbox, fake = seen
    assert sandbox == fake == {"vendors": "Discussed", "on-call": "Discussed", "hiring": "Discussing"}


def fake_fails_set_fields(roundtable: Roundtable, times: int) -> None:
    assert isinstance(roundtable.world, FakeWorld)
    roundtable.world.fake.fail_next(
        "POST", GRAPHQL, 502, after_apply=False, times=times, operation="SetFields"
    )


@pytest.fixture
def on_fake(tmp_path: Path) -> Iterator[Roundtable]:
    with world("fake", tmp_path) as roundtable:
        yield roundtable


def test_a_board_write_that_failed_once_is_tried_again(on_fake: Roundtable) -> None:
    n = tallied(on_fake)
    fake_fails_set_fields(on_fake, times=1)
    waits: list[float] = []
    code, lines, writes = run(on_fake, "s d q", sleep=waits.append)
    assert code == 0, lines
    assert writes == 3  # Discussing twice (the first answered 502), Discussed once
    assert waits == [2.0]
    assert not any("failed" in line for line in lines)
    assert statuses(on_fake)[n["vendors"]] == "Discussed"


def test_a_board_write_that_keeps_failing_ends_the_meeting_in_exit_1(on_fake: Roundtable) -> None:
    n = tallied(on_fake)
    fake_fails_set_fields(on_fake, times=3)
    waits: list[float] = []
    code, lines, writes = run(on_fake, "s d s q", sleep=waits.append)
    assert code == 1
    assert writes == 3 + 1 + 1  # three tries of the first move, then one each
    assert waits == [2.0, 8.0]
    failed = [line for line in lines if line.startswith("board write failed: ")]
    assert failed == [
        f"board write failed: #{n['vendors']} to Discussing: GitHub answered 502 while trying to set "
        f"Status of issue #{n['vendors']} on board #1 in {REPOSITORY}; the change may or may not have "
        "been made: run again, it finishes the work without doing it twice"
    ]
    assert lines[-1] == "the board may not show what the meeting did: move those cards by hand"
    assert "agenda written: 1 of 5 topics reached" in lines  # the meeting's record is kept all the same
    assert statuses(on_fake)[n["vendors"]] == "Discussed"


def test_a_refused_board_write_is_not_tried_again(on_fake: Roundtable) -> None:
    tallied(on_fake)
    assert isinstance(on_fake.world, FakeWorld)
    on_fake.world.fake.fail_next("POST", GRAPHQL, 403, after_apply=False, operation="SetFields")
    waits: list[float] = []
    code, lines, writes = run(on_fake, "s q", sleep=waits.append)
    assert code == 1
    assert writes == 1 and waits == []
    assert any(line.startswith("board write failed: #") and "403" in line for line in lines)


def test_without_a_board_every_move_fails_and_the_agenda_is_written(roundtable: Roundtable) -> None:
    n = tallied(roundtable)
    settings = roundtable.root / "p2p.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("project: 1\n", ""), encoding="utf-8")
    code, lines, writes = run(roundtable, "s d q")
    assert code == 1
    assert writes == 0
    assert [line for line in lines if "failed" in line] == [
        "board write failed: p2p.yaml sets no `project:`: no card is moved"
    ]
    assert f'issue: {n["vendors"]}, title: "Vendors", votes: 2, discussed: 1}}' in (
        roundtable.event_file.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("keys", "writes"),
    [
        ("", 0),  # nothing pressed: nothing moved
        ("e e s s s s q", 1),  # extended twice, started and paused: one move, to Discussing
        ("s u", 2),  # started, then undone: the card goes back
        ("s d u", 3),  # done, then undone: back to Discussing
        ("n", 1),  # skipped without a start: back to To Discuss, where an earlier run may not have left it
        ("s d s d s d s d s d", 10),  # every topic discussed: two moves each
        # one discussed; four done without a start (one move each); an ignored key; three undone
        ("s d d d d d x u u u", 2 + 4 + 3),
    ],
)
def test_one_board_write_a_move(roundtable: Roundtable, keys: str, writes: int) -> None:
    tallied(roundtable)
    code, lines, counted = run(roundtable, keys)
    assert code == 0, lines
    assert counted == writes
