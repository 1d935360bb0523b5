"""`p2p demo`: the whole cycle through the command line, each step's effect checked in its
output, in under ten seconds, writing nothing outside its own temporary folder."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.demo import BOT, CANCELS, ORGANIZER, OUTSIDER, PEOPLE, REPOSITORY, SLOW
from p2p.cli.workspace import SANDBOX_FILE
from p2p.files.load import load_roundtable
from p2p.sandbox.store import Sandbox

ROOT = Path(__file__).resolve().parent.parent
# Written by tools while tests run, never by p2p.
SOURCES = {"p2p", "tests", "bench", ".ci", "p2p.egg-info"}
CACHES = {".git", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "__pycache__", ".benchmarks"}


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    seconds: float
    folder: Path
    temporary: Path
    cwd: Path
    written_in_the_repository: list[str]


def written(root: Path, start: int, end: int) -> list[str]:
    """The roundtable files under root (what p2p's commands write: settings, events, generated
    files, templates, workflows, the sandbox) created or changed between two wall-clock times (ns).

    The toolkit's own sources are left out: people edit them while tests run.
    """
    found = []
    for path in [root, *root.rglob("*")]:
        relative = path.relative_to(root)
        if CACHES & set(relative.parts) or (relative.parts and relative.parts[0] in SOURCES):
            continue
        if start <= path.lstat().st_mtime_ns <= end:
            found.append(str(relative))
    return sorted(found)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("demo")
    temporary, cwd = base / "tmp", base / "cwd"
    temporary.mkdir()
    cwd.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(temporary))
        patch.chdir(cwd)
        start, clock = time.time_ns(), time.monotonic()
        result = CliRunner().invoke(app, ["demo"])
        seconds, end = time.monotonic() - clock, time.time_ns()
    folders = list(temporary.iterdir())
    assert len(folders) == 1, folders
    return Run(
        result.exit_code, result.output, seconds, folders[0], temporary, cwd, written(ROOT, start, end)
    )


def section(output: str, number: int) -> str:
    """The output of step `number`, up to the next step."""
    parts = re.split(r"^== (\d+)\. ", output, flags=re.MULTILINE)
    steps = {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}
    return steps[number]


def test_the_demo_exits_0_in_under_ten_seconds(run: Run) -> None:
    assert run.code == 0, run.output
    assert run.seconds < 10, f"the demo took {run.seconds:.1f} s"
    assert "Traceback" not in run.output
    assert "error:" not in run.output


def test_it_names_its_folder_first_and_last(run: Run) -> None:
    lines = run.output.strip().splitlines()
    assert str(run.folder) in lines[0]
    assert str(run.folder) in "\n".join(lines[-6:])
    assert (run.folder / "p2p.yaml").is_file()
    assert (run.folder / SANDBOX_FILE).is_file()


def test_it_writes_nothing_outside_its_folder(run: Run) -> None:
    assert list(run.cwd.iterdir()) == []
    assert [p.name for p in run.temporary.iterdir()] == [run.folder.name]
    assert run.written_in_the_repository == []


def test_every_step_shows_the_command_an_organizer_types(run: Run) -> None:
    commands = re.findall(r"^\$ p2p (\S+(?: \S+)?)", run.output, flags=re.MULTILINE)
    for expected in (
        "init",
        "participants add",
        "participants status",
        "participants sync",
        "participants cancel",
        "board setup",
        "topics sync",
        "votes tally",
        "takeaways collect",
        "render",
    ):
        assert any(c.startswith(expected) for c in commands), expected


def test_fifteen_register_and_twelve_are_invited(run: Run) -> None:
    registrations = section(run.output, 2)
    assert registrations.count("$ p2p participants add ") == len(PEOPLE) == 15
    assert registrations.count(": accepted (seat ") == 12
    assert registrations.count(": waitlisted #") == 3
    assert "12 accepted, 3 waitlisted, 0 cancelled" in registrations
    invitations = section(run.output, 3)
    assert invitations.count("done: invite ") == 12
    assert "repository access: 12 changes made" in invitations


def test_a_cancellation_moves_the_waitlist_up(run: Run) -> None:
    waitlisted = PEOPLE[12][0]
    cancellation = section(run.output, 4)
    assert f"cancelled {CANCELS}" in cancellation
    assert f"{waitlisted} moves up from the waitlist: accepted (seat 12 of 12)" in cancellation
    assert f"done: invite {waitlisted}" in cancellation
    assert f"done: remove {CANCELS}" in cancellation


def test_the_board_gets_its_fields(run: Run) -> None:
    board = section(run.output, 5)
    assert "done: create field board #1 Votes" in board
    assert "done: create field board #1 Event" in board


def test_seeded_topics_are_opened_and_proposals_labelled(run: Run) -> None:
    topics = section(run.output, 6)
    assert topics.count("done: open issue topic ") == 2
    assert topics.count("done: add label #") == 6
    assert topics.count("done: add to board #") == 6  # an issue opened here joins the board at once


def test_the_tally_reports_every_vote_it_did_not_count_and_the_timeboxed_agenda(run: Run) -> None:
    votes = section(run.output, 7)
    assert "over budget (3 votes each, later 👍 not counted): alice-ng" in votes
    assert re.search(rf"^\s*{re.escape(OUTSIDER)}\s+#\d+\s+.*not a participant$", votes, flags=re.MULTILINE)
    # GraphQL shows a GitHub App's bot without the "[bot]" of its REST login.
    bot = re.escape(BOT.removesuffix("[bot]"))
    assert re.search(rf"^\s*{bot}(\[bot\])?\s+#\d+\s+.*bot$", votes, flags=re.MULTILINE)
    assert re.search(r"^\s*nora-berg\s+#\d+\s+.*waitlisted$", votes, flags=re.MULTILINE)
    slots = re.findall(
        r"^\s*(\d+)\s+(\d+)\s+#\d+\s+(\d\d:\d\d-\d\d:\d\d|reserve)\s", votes, flags=re.MULTILINE
    )
    assert [s[2] for s in slots[:2]] == ["17:00-17:08", "17:08-17:16"]
    assert slots[-1][2] == "reserve"  # eight topics, seven timeboxes in an hour
    assert [int(s[0]) for s in slots] == list(range(1, 9))
    assert "done: write agenda events/" in votes


def test_the_readme_region_is_shown_with_the_agenda(run: Run) -> None:
    votes = section(run.output, 7)
    assert "----- README.md, region next-event" in votes
    region = votes.split("----- README.md, region next-event", 1)[1]
    assert "**Agenda**, by votes:" in region
    assert f"https://github.com/{REPOSITORY}/issues/" in region


def test_a_takeaway_is_collected_from_a_participant_not_from_an_outsider(run: Run) -> None:
    after = section(run.output, 8)
    assert re.search(r"add takeaway\s+#\d+ comment \d+\s+by bo-chen: Write the decision down", after)
    assert f"by {ORGANIZER}: Protect one no-meeting day a week." in after
    assert f"by {OUTSIDER}" not in after
    assert "wrote TAKEAWAYS.md" in after
    assert "----- README.md, region previous-events" in after
    assert "[2 key takeaways](TAKEAWAYS.md#" in after


def test_the_folder_holds_the_whole_cycle(run: Run) -> None:
    roundtable = load_roundtable(run.folder)
    (event,) = roundtable.events
    assert len(event.participants) == 15
    assert [p.github for p in event.participants if p.cancelled] == [CANCELS]
    assert len(event.agenda) == 8
    assert [t.text for t in event.takeaways] == [
        "Write the decision down before choosing a tool.",
        "Protect one no-meeting day a week.",
    ]
    github = Sandbox.open(run.folder / SANDBOX_FILE, repository=REPOSITORY)
    collaborators = {c.login for c in github.collaborators}
    assert CANCELS not in collaborators
    assert {ORGANIZER, PEOPLE[12][0]} <= collaborators
    assert {i.login for i in github.invitations} == set(SLOW)
    board = github.board
    assert board is not None
    assert sorted(item.values["Votes"] for item in board.items) == sorted(a.votes for a in event.agenda)
    assert [item.issue for item in board.items] == [a.issue for a in event.agenda]
    assert (
        "p2p.yaml and 1 event file are valid"
        in CliRunner().invoke(app, ["--repo-dir", str(run.folder), "check"]).output
    )


def test_it_says_why_the_page_is_stale_when_explored_today(run: Run) -> None:
    # The demo's clock ends the day after its event; today the event is still ahead.
    stale = CliRunner().invoke(app, ["--repo-dir", str(run.folder), "render", "--check"])
    assert stale.exit_code == 1
    assert "README.md is out of date" in stale.output
    closing = "\n".join(run.output.strip().splitlines()[-8:])
    assert "the demo's clock ended the day after the event" in closing
    assert "`p2p render` shows it as\nupcoming again" in closing
