"""The sandbox is a rehearsal: a `--sandbox` run never changes a tracked file, it writes a working
copy under `.p2p/sandbox/` that later sandbox runs read, and the real files win when they change.
It works in a folder fresh from `p2p init`, and a whole cycle plays from the command line."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.workspace import PLACEHOLDER_REPOSITORY
from p2p.files.load import load_event, load_roundtable
from tests.pasting import paste, shell_block

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


def test_a_file_command_refuses_the_sandbox_and_changes_nothing(tmp_path: Path) -> None:
    # Only the commands that talk to GitHub rehearse: a file command given --sandbox says so.
    new_roundtable(tmp_path)
    committed(tmp_path)
    refused = p2p(tmp_path, "--sandbox", "participants", "add", "dana")
    assert refused.code == 2 and "drop --sandbox" in refused.stderr
    assert git(tmp_path, "status", "--porcelain") == ""


def opened(result: Result) -> int:
    found = re.search(r" opened #(\d+) ", result.stdout)
    assert found is not None, result.stdout
    return int(found[1])


def test_a_whole_cycle_plays_from_the_command_line(tmp_path: Path) -> None:
    root = tmp_path
    assert CliRunner().invoke(app, ["init", str(root), "--repository", "acme/roundtable"]).exit_code == 0
    # The organizers' one edit by hand: the board, themselves, two seats.
    settings = root / "p2p.yaml"
    text = settings.read_text(encoding="utf-8").replace("# project: 1", "project: 1")
    text = text.replace("capacity: 12", "capacity: 2").replace("organizers: []", "organizers: [orga]")
    settings.write_text(text, encoding="utf-8")
    day = (date.today() + timedelta(days=7)).isoformat()
    ok(root, "event", "new", day, "--title", "Rehearsal night", "--start", "17:00")
    for login in ("alice", "bob", "carol"):  # carol waits
        ok(root, "participants", "add", login)
    committed(root)

    ok(root, "--sandbox", "board", "setup")
    first = ok(root, "--sandbox", "sync")
    assert first.stdout.count("done: invite ") == 3  # orga, alice, bob
    accepted = ok(root, "sandbox", "accept", "--all")
    assert accepted.stdout.count(" accepted the invitation") == 3
    on_call = opened(ok(root, "sandbox", "propose", "On-call that lasts", "--as", "alice"))
    hiring = opened(ok(root, "sandbox", "propose", "Hiring in 2027", "--as", "bob", "--body", "How?"))
    vendors = opened(ok(root, "sandbox", "propose", "Vendor contracts", "--as", "alice"))
    ok(root, "sandbox", "vote", str(hiring), str(vendors), "--as", "alice")
    ok(root, "sandbox", "vote", str(hiring), "--as", "bob")
    ok(root, "sandbox", "vote", str(vendors), str(hiring), "--as", "orga")
    ok(root, "sandbox", "vote", str(on_call), "--as", "carol")  # waitlisted: not counted
    ok(root, "sandbox", "vote", str(on_call), "--as", "zed")  # not registered: not counted
    ok(root, "sandbox", "comment", str(hiring), "Takeaway: Hire for slope, not intercept.", "--as", "bob")
    ok(root, "sandbox", "comment", str(hiring), "Takeaway: Buy my course.", "--as", "zed")

    again = ok(root, "--sandbox", "sync")
    assert re.search(rf"^\s*carol\s+#{on_call}\s+.*waitlisted$", again.stdout, re.MULTILINE)
    ok(root, "--sandbox", "takeaways", "collect")
    ok(root, "--sandbox", "sync")

    copy = root / ".p2p" / "sandbox"
    event = load_event(copy / "events" / f"{day}.yaml")
    assert [(a.issue, a.votes) for a in event.agenda] == [(hiring, 3), (vendors, 2), (on_call, 0)]
    assert [t.text for t in event.takeaways] == ["Hire for slope, not intercept."]
    shown = json.loads(ok(root, "sandbox", "show", "--json").stdout)
    assert [item["issue"] for item in shown["board"]["items"]] == [hiring, vendors, on_call]
    assert [item["values"]["Votes"] for item in shown["board"]["items"]] == [3, 2, 0]
    takeaways = (copy / "TAKEAWAYS.md").read_text(encoding="utf-8")
    assert "Hire for slope, not intercept." in takeaways and "Buy my course" not in takeaways
    assert "Hire for slope" not in (root / "TAKEAWAYS.md").read_text(encoding="utf-8")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""

    difference = ok(root, "sandbox", "diff").stdout
    assert f"--- events/{day}.yaml\n+++ .p2p/sandbox/events/{day}.yaml\n" in difference
    assert "+agenda:\n" in difference
    assert f'+  - {{issue: {hiring}, title: "Hiring in 2027", votes: 3}}\n' in difference
    assert f'+  - {{text: "Hire for slope, not intercept.", issue: {hiring}, comment: ' in difference
    assert "--- TAKEAWAYS.md\n+++ .p2p/sandbox/TAKEAWAYS.md\n" in difference
    assert "--- README.md\n+++ .p2p/sandbox/README.md\n" in difference
    assert "p2p.yaml" not in difference  # unchanged files are not shown

    ok(root, "sandbox", "reset")
    assert not (root / ".p2p" / "sandbox").exists() and not (root / ".p2p" / "sandbox.json").exists()
    assert "no differences" in ok(root, "sandbox", "diff").stdout


DOCS = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("page", "after"),
    [
        ("README.md", "before it has a repository on GitHub:"),
        ("docs/guide.md", "A whole rehearsal, start to end, in a new folder:"),
    ],
)
def test_the_rehearsal_in_the_docs_runs_as_written(tmp_path: Path, page: str, after: str) -> None:
    commands = shell_block((DOCS / page).read_text(encoding="utf-8"), after)
    assert len(commands) > 8

    done = paste(commands, tmp_path)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    # `p2p sandbox diff` showed the rehearsal's agenda and takeaway; the real files have neither.
    assert "\n+agenda:\n+  - {issue: 3, " in done.stdout and "\n+takeaways:\n" in done.stdout
    (event,) = load_roundtable(tmp_path / "my-roundtable").events
    assert event.agenda == () and event.takeaways == ()
