"""The file commands through the command line: output, files and exit codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.files.load import load_event
from p2p.files.schema import event_schema_text

HEAD = "# yaml-language-server: $schema=schema.json\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "events").mkdir()
    (tmp_path / "p2p.yaml").write_text(
        "name: Peer-to-peer\nrepository: profiq/peer-to-peer\ntimezone: America/Denver\n"
        "capacity: 1\norganizers: [octocat]\n"
    )
    return tmp_path


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--repo-dir", str(repo), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_check_says_all_is_valid(repo: Path) -> None:
    (repo / "events" / "2099-01-01.yaml").write_text(HEAD + "date: 2099-01-01\ntitle: t\n")
    assert run(repo, "check") == (0, "p2p.yaml and 1 event file are valid\n", "")


def test_check_lists_every_error_and_exits_1(repo: Path) -> None:
    (repo / "p2p.yaml").write_text("capacity: 0\nrepo: a/b\n")
    (repo / "events" / "2099-01-01.yaml").write_text(HEAD + "date: 2099-01-02\ntitle: t\nstart: 17:00\n")
    (repo / "events" / "2099-02-01.yaml").write_text(HEAD + "date: 2099-02-01\ntitle: &a t\n")
    code, out, err = run(repo, "check")
    assert code == 1
    assert out.splitlines() == [
        "p2p.yaml:1: `capacity` is out of range: it must be at least 1 (got 0)",
        "p2p.yaml:2: unknown key `repo`: did you mean `repository`?",
        "events/2099-01-01.yaml:2: the file name says 2099-01-01 but `date` is 2099-01-02: "
        "rename the file or fix the date",
        "events/2099-02-01.yaml:3: anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
    ]
    assert err == "4 errors in 3 files\n"


def test_check_without_p2p_yaml(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "check")
    assert code == 1
    assert out.startswith("p2p.yaml: not found: this folder has no p2p.yaml")


def test_event_new_creates_a_valid_file(repo: Path) -> None:
    code, out, _ = run(
        repo, "event", "new", "2099-05-15", "--title", "Hiring: what works", "--start", "17:00"
    )
    assert (code, out) == (0, "created events/2099-05-15.yaml\n")
    assert (repo / "events" / "2099-05-15.yaml").read_text() == (
        HEAD + "date: 2099-05-15\ntitle: 'Hiring: what works'\nformat: lean-coffee\nstart: \"17:00\"\n"
    )
    assert (repo / "events" / "schema.json").read_text() == event_schema_text()
    assert run(repo, "check")[0] == 0


def test_event_new_refuses_a_taken_date_unless_a_slug_is_given(repo: Path) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", "One")[0] == 0
    assert run(repo, "event", "new", "2099-05-15", "--title", "Two") == (
        1,
        "",
        "error: events/2099-05-15.yaml already holds an event on 2099-05-15: give --slug S for a second "
        "event that day (events/DATE-S.yaml)\n",
    )
    code, out, _ = run(
        repo, "event", "new", "2099-05-15", "--title", "Two", "--slug", "evening", "--format", "social"
    )
    assert (code, out) == (0, "created events/2099-05-15-evening.yaml\n")
    assert load_event(repo / "events" / "2099-05-15-evening.yaml").format == "social"
    assert run(repo, "event", "new", "2099-05-15", "--title", "Again", "--slug", "evening") == (
        1,
        "",
        "error: events/2099-05-15-evening.yaml already exists\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2099-5-15"], "'2099-5-15' is not a date written YYYY-MM-DD, like 2024-05-15"),
        (["2099-02-30"], "'2099-02-30' is not a date written YYYY-MM-DD, like 2024-05-15"),
        (
            ["2099-05-15", "--format", "talk"],
            "unknown format 'talk'; allowed: lean-coffee, presentation, social",
        ),
        (["2099-05-15", "--start", "5pm"], "--start '5pm' is not a time written HH:MM (24-hour), like 17:00"),
        (
            ["2099-05-15", "--slug", "Big Night"],
            "--slug 'Big Night': use lowercase letters, digits and single hyphens, like evening",
        ),
        (
            ["2099-05-15", "--slug", "a" * 61],
            f"--slug {'a' * 61!r} is too long: at most 60 characters, like evening",
        ),
        (
            ["2099-05-15", "--title", "Hiring\nin 2030"],
            "--title 'Hiring\\nin 2030' holds a line break or control character: write it on one line",
        ),
    ],
)
def test_event_new_misuse_exits_2(repo: Path, args: list[str], message: str) -> None:
    if "--title" not in args:
        args = [*args, "--title", "T"]
    assert run(repo, "event", "new", *args) == (2, "", f"error: {message}\n")
    assert list((repo / "events").iterdir()) == []


def test_event_new_with_an_empty_title(repo: Path) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", " ") == (
        2,
        "",
        "error: --title is empty: give the event a title\n",
    )


STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[67]:00"


def test_participants_add_and_cancel(repo: Path) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", "T")[0] == 0
    code, out, _ = run(repo, "participants", "add", "alice", "--name", "Alice Example")
    assert code == 0
    assert out == "registered alice for 2099-05-15 (events/2099-05-15.yaml): accepted (seat 1 of 1)\n"
    code, out, _ = run(repo, "participants", "add", "Bob", "--event", "2099-05-15")
    assert (
        out
        == "registered Bob for 2099-05-15 (events/2099-05-15.yaml): waitlisted #1 (the only seat is taken)\n"
    )
    text = (repo / "events" / "2099-05-15.yaml").read_text()
    assert re.fullmatch(
        re.escape(HEAD + "date: 2099-05-15\ntitle: T\nformat: lean-coffee\nparticipants:\n")
        + rf"  - github: alice\n    name: Alice Example\n    registered: {STAMP}\n"
        + rf"  - github: Bob\n    registered: {STAMP}\n",
        text,
    ), text

    code, out, err = run(repo, "participants", "add", "ALICE")
    assert code == 1
    assert re.fullmatch(
        r"error: alice is already registered for 2099-05-15 \(since \d{4}-\d\d-\d\d \d\d:\d\d M[DS]T\); "
        r"nothing changed\n",
        err,
    )

    assert run(repo, "participants", "cancel", "Alice") == (
        0,
        "cancelled alice for 2099-05-15 (events/2099-05-15.yaml)\n"
        "Bob moves up from the waitlist: accepted (seat 1 of 1)\n",
        "",
    )
    assert run(repo, "participants", "cancel", "alice") == (
        0,
        "alice's registration for 2099-05-15 was already cancelled; nothing changed\n",
        "",
    )
    assert run(repo, "participants", "cancel", "carol") == (
        1,
        "",
        "error: carol is not registered for 2099-05-15; nothing changed\n",
    )
    assert run(repo, "participants", "add", "alice")[1] == (
        "registered alice again for 2099-05-15 (events/2099-05-15.yaml): "
        "waitlisted #1 (the only seat is taken)\n"
    )
    assert run(repo, "check")[0] == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["participants", "add", "not a login"],
            2,
            "error: 'not a login' is not a valid GitHub login (letters, digits and single hyphens, "
            "at most 39 characters, no hyphen at either end)\n",
        ),
        (
            ["participants", "add", "alice\n"],
            2,
            "error: 'alice\\n' is not a valid GitHub login (letters, digits and single hyphens, "
            "at most 39 characters, no hyphen at either end)\n",
        ),
        (
            ["participants", "add", "alice", "--event", "2099-06-01"],
            2,
            "error: no event '2099-06-01' in events/ (latest: 2099-05-15)\n",
        ),
        (
            ["participants", "add", "alice", "--name", "Alice\tExample"],
            2,
            "error: --name 'Alice\\tExample' holds a line break or control character: write it on one line\n",
        ),
        (
            ["participants", "cancel", "alice", "--event", "nope"],
            2,
            "error: no event 'nope' in events/ (latest: 2099-05-15)\n",
        ),
    ],
)
def test_participants_misuse(repo: Path, args: list[str], code: int, message: str) -> None:
    run(repo, "event", "new", "2099-05-15", "--title", "T")
    assert run(repo, *args) == (code, "", message)


def test_participants_add_without_an_upcoming_event(repo: Path) -> None:
    (repo / "events" / "2000-01-01.yaml").write_text(HEAD + "date: 2000-01-01\ntitle: t\n")
    assert run(repo, "participants", "add", "alice") == (
        1,
        "",
        "error: no upcoming event in events/: create one with `p2p event new DATE --title T` "
        "or name an event with --event\n",
    )


def test_participants_add_to_the_last_event_when_none_has_ended(repo: Path) -> None:
    (repo / "events" / "2099-01-01.yaml").write_text(HEAD + "date: 2099-01-01\ntitle: t\n")
    for command in ("add", "cancel"):
        assert run(repo, "participants", command, "alice", "--event", "last") == (
            1,
            "",
            "error: no event in events/ has ended yet: name the event with --event, "
            "or leave it out for the next one\n",
        )


def test_participants_add_refuses_to_edit_an_invalid_roundtable(repo: Path) -> None:
    (repo / "events" / "2099-05-15.yaml").write_text(HEAD + "date: 2099-05-15\ntitle: t\nlocaton: x\n")
    code, out, err = run(repo, "participants", "add", "alice")
    assert (code, out) == (1, "")
    assert err == "error: events/2099-05-15.yaml:4: unknown key `locaton`: did you mean `location`?\n"


def test_event_new_outside_a_roundtable(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, "event", "new", "2099-05-15", "--title", "T")
    assert (code, out) == (1, "")
    assert err == (
        f"error: no p2p.yaml in {tmp_path}: it is not a roundtable repository "
        "(run `p2p init`, or point --repo-dir at the repository)\n"
    )
    assert not (tmp_path / "events").exists()


# --- the global options: before the command's name or after it ----------------------------


def p2p(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"GITHUB_TOKEN": "", "GH_TOKEN": "", "PATH": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_global_options_go_before_the_command_or_after_it(repo: Path, tmp_path: Path) -> None:
    (repo / "events" / "2099-01-01.yaml").write_text(HEAD + "date: 2099-01-01\ntitle: t\n")
    valid = (0, "p2p.yaml and 1 event file are valid\n", "")
    assert p2p("--repo-dir", str(repo), "check") == valid
    assert p2p("check", "--repo-dir", str(repo)) == valid
    # Given on both sides, the --repo-dir after the command's name wins.
    assert p2p("--repo-dir", str(tmp_path / "elsewhere"), "check", "--repo-dir", str(repo)) == valid

    assert p2p("participants", "add", "alice", "--repo-dir", str(repo))[0] == 0
    seats_only = p2p("participants", "status", "--repo-dir", str(repo))
    assert seats_only[0] == 0 and "note: access is not shown" in seats_only[2]
    for args in (
        ["--sandbox", "-v", "participants", "status"],
        ["participants", "status", "--sandbox", "-v"],
    ):
        code, out, err = p2p("--repo-dir", str(repo), *args)
        assert code == 0
        assert out.splitlines()[1].split()[-1] == "access"
        assert err.startswith("GitHub: ")  # the request count, with --verbose


GITHUB_COMMANDS = {
    "participants status",
    "participants collect",
    "participants sync",
    "topics sync",
    "votes tally",
    "board setup",
    "takeaways collect",
    "doctor",
    "meeting",
    "sync",
}


def test_every_command_but_init_and_demo_takes_the_global_options() -> None:
    def leaves(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
        found = []
        for name, command in group.commands.items():
            path = f"{prefix} {name}".strip()
            found += leaves(command, path) if hasattr(command, "commands") else [(path, command)]
        return found

    for path, command in leaves(typer.main.get_command(app)):
        options = {name for param in command.params for name in param.opts}
        assert ({"--repo-dir", "--verbose", "-v"} <= options) == (path not in ("init", "demo")), path
        # Only a command that talks to GitHub has a use for the offline sandbox.
        assert ("--sandbox" in options) == (path in GITHUB_COMMANDS), path


def test_sandbox_is_refused_after_a_command_that_does_not_talk_to_github(repo: Path) -> None:
    code, out, err = p2p("check", "--repo-dir", str(repo), "--sandbox")
    assert (code, out) == (2, "")
    assert "No such option: --sandbox" in err and "Traceback" not in err
    # Before the command's name it is the global option, as in `p2p --sandbox sync`; an offline
    # command refuses it there too, rather than take it and ignore it.
    code, out, err = p2p("--sandbox", "--repo-dir", str(repo), "check")
    assert (code, out) == (2, "")
    assert (
        err
        == "error: --sandbox: `p2p check` works on the files only and never talks to GitHub; drop --sandbox\n"
    )
    for args in (["participants", "add", "alice"], ["render"], ["init", str(repo / "new")], ["demo"]):
        assert p2p("--sandbox", "--repo-dir", str(repo), *args)[0] == 2, args
    assert not (repo / "new").exists()
    code, out, err = p2p("--sandbox", "--repo-dir", str(repo), "-v", "sync", "--dry-run")
    assert "against the offline sandbox" in out
    assert "GitHub: " in err  # the sandbox's request count


def test_usage_lines_name_arguments_plainly() -> None:
    def leaves(group: Any, prefix: str = "") -> list[str]:
        found = []
        for name, command in group.commands.items():
            path = f"{prefix} {name}".strip()
            found += leaves(command, path) if hasattr(command, "commands") else [path]
        return found

    for path in leaves(typer.main.get_command(app)):
        usage = CliRunner().invoke(app, [*path.split(), "--help"]).stdout.splitlines()[0]
        assert usage.startswith(f"Usage: p2p {path} [OPTIONS]"), usage
        assert "{" not in usage and "}" not in usage, usage
    assert CliRunner().invoke(app, ["init", "--help"]).stdout.startswith("Usage: p2p init [OPTIONS] DIR\n")
    missing = CliRunner().invoke(app, ["init"])
    assert missing.exit_code == 2 and "Usage: p2p init [OPTIONS] DIR\n" in missing.stderr
