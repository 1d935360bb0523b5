"""`p2p demo`: the whole cycle through the command line, each step's effect checked in its
output, in under ten seconds, writing nothing outside its own temporary folder; its printed
commands, pasted in order into an empty folder, play the same cycle."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.demo import BOT, CANCELS, MOVES_UP, OUTSIDER, PEOPLE, REPOSITORY, WAITLISTED
from p2p.cli.workspace import SANDBOX_FILE
from p2p.files.load import load_roundtable
from p2p.files.working_copy import WORKING_COPY
from p2p.sandbox.store import Sandbox
from tests.pasting import paste

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
        # The demo's own work, in this process: on a machine busy with other work the wall clock
        # runs on while the demo waits for a processor, which is no slowness of the demo's.
        start, clock = time.time_ns(), time.process_time()
        result = CliRunner().invoke(app, ["demo"])
        seconds, end = time.process_time() - clock, time.time_ns()
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


def pasted(output: str) -> list[str]:
    """The commands the demo printed, as a person copies them."""
    return [line[2:] for line in output.splitlines() if line.startswith("$ ")]


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


def test_every_step_is_a_command_to_paste(run: Run) -> None:
    commands = pasted(run.output)
    for expected in (
        "p2p init .",
        "echo 'project: 1' >> p2p.yaml",
        "p2p participants add",
        "p2p participants status",
        "p2p --sandbox participants sync",
        "p2p sandbox accept --all",
        "p2p participants cancel",
        "p2p --sandbox board setup",
        "p2p --sandbox topics sync",
        "p2p sandbox propose",
        "p2p sandbox vote",
        "p2p --sandbox votes tally",
        "p2p --sandbox sync",
        "p2p sandbox comment",
        "p2p --sandbox takeaways collect",
        "p2p sandbox diff",
    ):
        assert any(c.startswith(expected) for c in commands), expected
    # Nothing is played behind the reader's back: every line of a step is a command or its output.
    assert "(on GitHub)" not in run.output


def test_fifteen_register_and_twelve_are_invited(run: Run) -> None:
    registrations = section(run.output, 2)
    assert registrations.count("$ p2p participants add ") == len(PEOPLE) == 15
    assert registrations.count(": accepted (seat ") == 12
    assert registrations.count(": waitlisted #") == 3
    assert "12 accepted, 3 waitlisted, 0 cancelled" in registrations
    invitations = section(run.output, 3)
    assert invitations.count("done: invite ") == 12
    assert "repository access: 12 changes made" in invitations
    assert invitations.count(" accepted the invitation: triage access") == 12


def test_a_cancellation_moves_the_waitlist_up(run: Run) -> None:
    cancellation = section(run.output, 4)
    assert f"cancelled {CANCELS}" in cancellation
    assert f"{MOVES_UP} moves up from the waitlist: accepted (seat 12 of 12)" in cancellation
    assert f"done: invite {MOVES_UP}" in cancellation
    assert f"done: remove {CANCELS}" in cancellation
    assert f"{MOVES_UP} accepted the invitation" in cancellation


def test_the_board_gets_its_fields(run: Run) -> None:
    board = section(run.output, 5)
    assert "done: create field board #1 Votes" in board
    assert "done: create field board #1 Event" in board


def test_seeded_topics_are_opened_and_proposals_labelled(run: Run) -> None:
    topics = section(run.output, 6)
    assert topics.count("done: open issue topic ") == 2
    assert topics.count(" with the topic form (labels: topic)") == 6
    assert topics.count("done: add label #") == 6
    assert topics.count("done: add to board #") == 6  # an issue opened here joins the board at once


def test_the_tally_reports_every_vote_it_did_not_count_and_the_timeboxed_agenda(run: Run) -> None:
    votes = section(run.output, 7)
    assert "over budget (3 votes each, later 👍 not counted): alice-ng" in votes
    assert re.search(rf"^\s*{re.escape(OUTSIDER)}\s+#\d+\s+.*not a participant$", votes, flags=re.MULTILINE)
    # GraphQL shows a GitHub App's bot without the "[bot]" of its REST login.
    bot = re.escape(BOT.removesuffix("[bot]"))
    assert re.search(rf"^\s*{bot}(\[bot\])?\s+#\d+\s+.*bot$", votes, flags=re.MULTILINE)
    assert re.search(rf"^\s*{WAITLISTED}\s+#\d+\s+.*waitlisted$", votes, flags=re.MULTILINE)
    tally = votes.split("$ p2p --sandbox sync", 1)[0]  # the sync after it prints the agenda again
    slots = re.findall(
        r"^\s*(\d+)\s+(\d+)\s+#\d+\s+(\d\d:\d\d-\d\d:\d\d|reserve)\s", tally, flags=re.MULTILINE
    )
    assert [s[2] for s in slots[:2]] == ["17:00-17:08", "17:08-17:16"]
    assert slots[-1][2] == "reserve"  # eight topics, seven timeboxes in an hour
    assert [int(s[0]) for s in slots] == list(range(1, 9))
    assert "done: write agenda .p2p/sandbox/events/" in votes


def test_the_rehearsals_readme_region_is_shown_with_the_agenda(run: Run) -> None:
    votes = section(run.output, 7)
    assert "----- .p2p/sandbox/README.md, region next-event" in votes
    region = votes.split("----- .p2p/sandbox/README.md, region next-event", 1)[1]
    assert "**Agenda**, by votes:" in region
    assert f"https://github.com/{REPOSITORY}/issues/" in region


def test_a_takeaway_is_collected_from_a_participant_not_from_an_outsider(run: Run) -> None:
    after = section(run.output, 8)
    assert re.search(r"add takeaway\s+#\d+ comment \d+\s+by bo-chen: Write the decision down", after)
    assert "by hana-sato: Protect one no-meeting day a week." in after
    assert f"by {OUTSIDER}" not in after
    assert "wrote .p2p/sandbox/TAKEAWAYS.md" in after
    assert "----- .p2p/sandbox/TAKEAWAYS.md" in after
    diff = section(run.output, 9)
    assert "$ p2p sandbox diff" in diff
    assert ".p2p/sandbox/README.md, .p2p/sandbox/TAKEAWAYS.md, .p2p/sandbox/events/" in diff


def test_the_rehearsal_leaves_the_real_files_alone(run: Run) -> None:
    (real,) = load_roundtable(run.folder).events
    assert real.agenda == () and real.takeaways == ()
    assert len(real.participants) == 15  # registrations are the organizers' own edits, made for real
    assert "**Agenda**" not in (run.folder / "README.md").read_text(encoding="utf-8")


def result(folder: Path) -> dict[str, Any]:
    """What a cycle leaves: the registrations, the rehearsal's agenda, takeaways and pages, and
    the sandbox's GitHub, without the times and ids that differ from run to run."""
    (real,) = load_roundtable(folder).events
    (copy,) = load_roundtable(folder / WORKING_COPY).events
    github = Sandbox.open(folder / SANDBOX_FILE, repository=REPOSITORY).describe()
    return {
        "registrations": [(p.github, p.name, p.cancelled) for p in real.participants],
        "agenda": [(a.issue, a.title, a.votes) for a in copy.agenda],
        "takeaways": [(t.text, t.issue) for t in copy.takeaways],
        "pages": {
            name: (folder / WORKING_COPY / name).read_text(encoding="utf-8")
            for name in ("README.md", "TAKEAWAYS.md")
        },
        "collaborators": sorted(c["login"] for c in github["collaborators"]),
        "invitations": sorted(i["login"] for i in github["invitations"]),
        "issues": [
            (
                i["number"],
                i["title"],
                i["author"],
                i["labels"],
                i["state"],
                sorted((r["login"], r["content"]) for r in i["reactions"]),
                [(c["author"], c["body"]) for c in i["comments"]],
            )
            for i in github["issues"]
        ],
        "board": [(item["issue"], item["values"]) for item in github["board"]["items"]],
    }


def test_its_commands_pasted_in_order_into_an_empty_folder_play_the_same_cycle(
    run: Run, tmp_path: Path
) -> None:
    commands = pasted(run.output)
    assert len(commands) > 40
    folder = tmp_path / "pasted"
    folder.mkdir()

    done = paste(commands, folder)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert result(folder) == result(run.folder)
