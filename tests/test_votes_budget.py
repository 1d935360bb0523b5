"""SPEC 7's request budget: a tally of 100 topics reads them (with every 👍) in one GraphQL
request and the board in one more, and writes only the values that changed, 50 to a request; a
first topics sync labels, adds and sets the values of 100 topics in batches of 50."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.sandbox.store import Sandbox
from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
E = (date.today() + timedelta(days=30)).isoformat()
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
TOPICS = 100
PEOPLE = [f"person{i}" for i in range(12)]
REQUESTS = re.compile(r"GitHub: (\d+) HTTP requests? \((\d+) reads?, (\d+) writes?\)")


def write_roundtable(root: Path) -> None:
    (root / "events").mkdir()
    (root / "p2p.yaml").write_text(
        f"repository: {REPOSITORY}\nproject: 1\norganizers: [orga]\nvotes_per_participant: 3\n",
        encoding="utf-8",
    )
    registrations = "".join(
        f"  - github: {login}\n    registered: 2026-01-01T10:{i:02d}:00-07:00\n"
        for i, login in enumerate(PEOPLE)
    )
    (root / "events" / f"{E}.yaml").write_text(
        f"date: {E}\ntitle: Lean coffee\nparticipants:\n{registrations}", encoding="utf-8"
    )


def votes_of(topic: int) -> list[str]:
    """Who votes for topic n (1-based): each of the 12 people votes 3 times, on topics
    3i+1..3i+3, so 36 topics get one vote each and the rest none."""
    return [login for i, login in enumerate(PEOPLE) if 3 * i < topic <= 3 * i + 3]


@pytest.fixture(params=["fake", "sandbox"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, FakeGitHub | Sandbox]]:
    write_roundtable(tmp_path)
    if request.param == "fake":
        pytest.importorskip("p2p.github.adapter")
        with FakeGitHub(REPOSITORY, now=T0) as fake:
            fake.add_project(1)
            for topic in range(1, TOPICS + 1):
                number = fake.add_issue(f"Topic {topic}", labels=["topic", f"event:{E}"], author="person0")
                for k, login in enumerate(votes_of(topic)):
                    fake.add_reaction(number, login, created_at=T0 + timedelta(minutes=k))
                fake.add_board_item(1, number, Status="To Discuss", Event=E)
            yield tmp_path, fake
        return
    sandbox = Sandbox.new(REPOSITORY, now=T0, path=tmp_path / ".p2p" / "sandbox.json")
    board = sandbox.board
    assert board is not None
    sandbox.create_field(board, "Votes", "number")
    for topic in range(1, TOPICS + 1):
        number = sandbox.add_issue(f"Topic {topic}", labels=("topic", f"event:{E}"), author="person0")
        for k, login in enumerate(votes_of(topic)):
            sandbox.add_reaction(number, login, created_at=T0 + timedelta(minutes=k))
        sandbox.add_item(board, sandbox.issues[-1])
    sandbox.close()
    yield tmp_path, sandbox


def tally(root: Path, sandbox: bool) -> tuple[int, int, str]:
    flags = ["--sandbox"] if sandbox else []
    result = CliRunner().invoke(
        app, ["--repo-dir", str(root), *flags, "-v", "votes", "tally"], env={"GITHUB_TOKEN": "test-token"}
    )
    assert result.exit_code == 0, result.stderr
    found = REQUESTS.search(result.stderr)
    assert found is not None, result.stderr
    return int(found[2]), int(found[3]), result.stdout


def test_a_tally_of_100_topics_reads_twice_and_writes_only_what_changed(
    world: tuple[Path, FakeGitHub | Sandbox],
) -> None:
    root, github = world
    is_sandbox = isinstance(github, Sandbox)

    reads, writes, out = tally(root, is_sandbox)
    assert reads == 2  # the topics with their 👍, then the board
    # Every Votes value is new, 50 to a request; the board is already in rank order.
    assert writes == TOPICS // 50
    assert len(re.findall(r"^set field +#\d+ Votes +empty -> [01]: rank \d+$", out, re.MULTILINE)) == TOPICS
    assert out.count("done: set field #") == TOPICS  # each value reported once its request is made
    if isinstance(github, FakeGitHub):
        assert github.graphql_requests == 2 + writes
        assert github.operations[2:] == ["SetFields"] * 2
        assert [row.values["Votes"] for row in github.project(1).items] == [
            len(votes_of(topic)) for topic in range(1, TOPICS + 1)
        ]

    # Steady state: the same two reads and nothing written.
    if isinstance(github, FakeGitHub):
        github.reset_counts()
    reads, writes, out = tally(root, is_sandbox)
    assert (reads, writes) == (2, 0)
    assert out.rstrip().endswith("nothing to change")
    if isinstance(github, FakeGitHub):
        assert github.requests == [("POST", "/graphql")] * 2

    # One more 👍 from the organizer on topic 1, already first: one value changes, nothing moves.
    if isinstance(github, FakeGitHub):
        github.add_reaction(1, "orga", created_at=T0 + timedelta(hours=1))
        github.reset_counts()
    else:
        sandbox = Sandbox.open(root / ".p2p" / "sandbox.json", repository=REPOSITORY, now=T0)
        sandbox.add_reaction(1, "orga", created_at=T0 + timedelta(hours=1))
        sandbox.close()
    reads, writes, out = tally(root, is_sandbox)
    assert (reads, writes) == (2, 1)
    assert re.search(r"^set field +#1 Votes +1 -> 2: rank 1$", out, re.MULTILINE)
    if isinstance(github, FakeGitHub):
        assert github.project(1).items[0].values["Votes"] == 2


@pytest.mark.parametrize("kind", ["fake", "sandbox"])
def test_a_first_topics_sync_of_100_proposals_takes_nine_writes(kind: str, tmp_path: Path) -> None:
    # The event's label created, then 50 to a request: the proposals labelled (2 requests), their
    # cards (2), the cards' Status and Event (200 values, 4).
    write_roundtable(tmp_path)
    flags: list[str] = []
    env = {"GITHUB_TOKEN": "test-token"}
    with contextlib.ExitStack() as stack:
        if kind == "fake":
            fake = stack.enter_context(FakeGitHub(REPOSITORY, now=T0))
            fake.add_project(1)
            for topic in range(1, TOPICS + 1):
                fake.add_issue(f"Topic {topic}", labels=["topic"], author=PEOPLE[topic % len(PEOPLE)])
        else:
            flags = ["--sandbox"]
            sandbox = Sandbox.new(REPOSITORY, now=T0, path=tmp_path / ".p2p" / "sandbox.json")
            board = sandbox.board
            assert board is not None
            sandbox.create_field(board, "Event", "text")
            for topic in range(1, TOPICS + 1):
                sandbox.add_issue(f"Topic {topic}", labels=("topic",), author=PEOPLE[topic % len(PEOPLE)])
            sandbox.close()
        result = CliRunner().invoke(
            app, ["--repo-dir", str(tmp_path), *flags, "-v", "topics", "sync"], env=env
        )
        assert result.exit_code == 0, result.stderr
        found = REQUESTS.search(result.stderr)
        assert found is not None, result.stderr
        assert (int(found[2]), int(found[3])) == (2, 1 + 2 + 2 + 4)  # the topics and the board; the writes
        assert result.stdout.count("done: add to board #") == TOPICS
