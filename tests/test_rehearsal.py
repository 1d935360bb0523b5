"""The sandbox is a rehearsal: a `--sandbox` run never changes a tracked file, it writes a working
copy under `.p2p/sandbox/` that later sandbox runs read, and the real files win when they change.
It works in a folder fresh from `p2p init`, and a whole cycle plays from the command line."""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.workspace import PLACEHOLDER_REPOSITORY
from p2p.files.load import load_event, load_roundtable

GIT = ("git", "-c", "user.name=Organizer", "-c", "user.email=organizer@example.com")

# Every command that talks to GitHub, run with --sandbox; a command that needs more than its
# name to run gets its arguments here (one line for each command added later).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "meeting": ("--keys", "q"),
}
# The commands the rehearsal must cover, whatever else the command line offers.
REQUIRED = {
    "participants sync",
    "topics sync",
    "votes tally",
    "takeaways collect",
    "sync",
    "board setup",
}


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def p2p(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, ["--repo-dir", str(root), *args], env={"GITHUB_TOKEN": ""})
    return Result(result.exit_code, result.stdout, result.stderr)


def ok(root: Path, *args: str) -> Result:
    result = p2p(root, *args)
    assert result.code == 0, f"p2p {shlex.join(args)}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def git(root: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def sandbox_commands() -> list[str]:
    """Every command that offers --sandbox after its name: those that talk to GitHub."""
    found = []

    def walk(group: object, prefix: str) -> None:
        for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
            path = f"{prefix} {name}".strip()
            if hasattr(command, "commands"):
                walk(command, path)
            elif any("--sandbox" in p.opts for p in command.params):
                found.append(path)

    walk(typer.main.get_command(app), "")
    return found


def new_roundtable(root: Path, *, repository: str | None = "acme/roundtable") -> str:
    """`p2p init` with a board and an organizer, two registrations; returns the event's id."""
    given = ["--repository", repository] if repository else []
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Rehearsal", *given])
    assert result.exit_code == 0, result.output
    settings = root / "p2p.yaml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("# project: 1", "project: 1").replace("organizers: []", "organizers: [orga]")
    settings.write_text(text, encoding="utf-8")
    ok(root, "participants", "add", "alice", "--name", "Alice")
    ok(root, "participants", "add", "bob")
    (event,) = load_roundtable(root).events
    return event.id


def committed(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A new roundtable")


def test_the_scaffold_and_this_repository_ignore_the_sandbox() -> None:
    here = Path(__file__).resolve().parent.parent
    for ignore in (here / ".gitignore", here / "p2p" / "scaffold" / "gitignore"):
        assert ".p2p/" in ignore.read_text(encoding="utf-8").splitlines(), ignore


def test_every_github_command_rehearses_without_changing_a_tracked_file(tmp_path: Path) -> None:
    event = new_roundtable(tmp_path)
    committed(tmp_path)
    commands = sandbox_commands()
    assert set(commands) >= REQUIRED

    for command in ["board setup", "sync", *commands]:
        ok(tmp_path, *command.split(), "--sandbox", *ARGUMENTS.get(command, ()))

    assert git(tmp_path, "status", "--porcelain", "--untracked-files=all") == ""
    copy = tmp_path / ".p2p" / "sandbox"
    agenda = load_event(copy / "events" / f"{event}.yaml").agenda
    assert [item.title for item in agenda] == [
        "What are you hiring for this year, and how?",
        "Engineering metrics the board understands",
    ]
    assert load_event(tmp_path / "events" / f"{event}.yaml").agenda == ()
    readme = (copy / "README.md").read_text(encoding="utf-8")
    assert "**Agenda**" in readme and "**Agenda**" not in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_a_run_names_what_it_wrote_and_the_next_run_reads_it(tmp_path: Path) -> None:
    event = new_roundtable(tmp_path)
    ok(tmp_path, "topics", "sync", "--sandbox")

    first = ok(tmp_path, "votes", "tally", "--sandbox")
    assert f"done: write agenda .p2p/sandbox/events/{event}.yaml" in first.stdout
    assert (
        f"sandbox: wrote .p2p/sandbox/events/{event}.yaml (the real files are unchanged; "
        "`p2p sandbox diff` shows the difference)" in first.stderr
    )

    again = ok(tmp_path, "votes", "tally", "--sandbox")  # the agenda is in the working copy already
    assert again.stdout.rstrip().endswith("nothing to change")
    assert "sandbox: wrote" not in again.stderr
    assert "afresh" not in again.stderr


def test_a_real_file_changed_since_its_copy_is_taken_afresh_and_said(tmp_path: Path) -> None:
    event = new_roundtable(tmp_path)
    ok(tmp_path, "sync", "--sandbox")
    copy = tmp_path / ".p2p" / "sandbox" / "events" / f"{event}.yaml"
    assert "agenda:" in copy.read_text(encoding="utf-8")

    ok(tmp_path, "participants", "add", "carol")  # a real edit, after the copy was made
    status = ok(tmp_path, "participants", "status", "--sandbox", "--json")

    assert (
        f"sandbox: events/{event}.yaml changed in the real tree since the sandbox copied it: "
        f".p2p/sandbox/events/{event}.yaml is taken afresh from it (the real file wins)" in status.stderr
    )
    assert '"github": "carol"' in status.stdout
    assert copy.read_bytes() == (tmp_path / "events" / f"{event}.yaml").read_bytes()
    # Taken once: the next run keeps the copy, and the rehearsal writes the agenda into it again.
    tally = ok(tmp_path, "votes", "tally", "--sandbox")
    assert "afresh" not in tally.stderr
    assert "agenda:" in copy.read_text(encoding="utf-8")


def test_a_real_file_deleted_takes_its_copy_with_it(tmp_path: Path) -> None:
    event = new_roundtable(tmp_path)
    ok(tmp_path, "sync", "--sandbox")
    (tmp_path / "events" / f"{event}.yaml").unlink()

    result = p2p(tmp_path, "sync", "--sandbox")

    assert f"sandbox: events/{event}.yaml is gone from the real tree: so is its sandbox copy" in result.stderr
    assert not (tmp_path / ".p2p" / "sandbox" / "events" / f"{event}.yaml").exists()


def test_a_folder_fresh_from_init_rehearses_with_a_placeholder_said_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "repository:" not in re.sub(r"#.*", "", (tmp_path / "p2p.yaml").read_text(encoding="utf-8"))

    first = ok(tmp_path, "sync", "--sandbox")
    second = ok(tmp_path, "sync", "--sandbox")

    said = f"the sandbox plays {PLACEHOLDER_REPOSITORY}"
    assert said in first.stderr and first.stderr.count(said) == 1
    assert said not in second.stderr
    assert f"({PLACEHOLDER_REPOSITORY})" in first.stdout
    assert "sync: done" in first.stdout


def test_without_the_sandbox_a_missing_repository_is_still_an_error(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["init", str(tmp_path)])
    result = p2p(tmp_path, "participants", "sync")
    assert result.code == 1
    assert "no `repository:` set" in result.stderr


@pytest.mark.parametrize("command", ["render", "participants add dana", "participants cancel alice"])
def test_a_file_command_given_the_sandbox_works_on_the_working_copy(tmp_path: Path, command: str) -> None:
    new_roundtable(tmp_path)
    committed(tmp_path)
    ok(tmp_path, "--sandbox", *command.split())
    assert git(tmp_path, "status", "--porcelain") == ""
