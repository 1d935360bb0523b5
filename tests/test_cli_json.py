"""`--json`: one JSON document on standard output in every state, messages on standard error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from p2p.cli.app import app

HEAD = "# yaml-language-server: $schema=schema.json\n"
TODAY = datetime.now(UTC).date()
PAST = (TODAY - timedelta(days=30)).isoformat()
LATER = (TODAY + timedelta(days=30)).isoformat()
REGISTERED = "2020-01-01T10:00:00+00:00"


def json_commands(group: Any = None, prefix: str = "") -> Iterator[str]:
    """Every command that takes --json, found in the app itself so a new one cannot be missed."""
    group = typer.main.get_command(app) if group is None else group
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            yield from json_commands(command, path)
        elif any("--json" in param.opts for param in command.params):
            yield path


def write(root: Path, *dates: str) -> Path:
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text("name: T\nrepository: acme/roundtable\ncapacity: 1\n", encoding="utf-8")
    for day in dates:
        (root / "events" / f"{day}.yaml").write_text(
            HEAD + f"date: {day}\ntitle: Event {day}\nparticipants:\n"
            f"  - github: alice\n    registered: '{REGISTERED}'\n"
            f"  - github: bob\n    registered: '{REGISTERED}'\n",
            encoding="utf-8",
        )
    return root


STATES = {
    "no event": ((), [], None),
    "no event, sandbox": ((), ["--sandbox"], None),
    "only past events, sandbox": ((PAST,), ["--sandbox"], None),
    "last, none ended, sandbox": ((LATER,), ["--sandbox", "--event", "last"], None),
    "event, sandbox": ((PAST, LATER), ["--sandbox"], LATER),
    "event, sandbox, dry run": ((LATER,), ["--sandbox", "--dry-run"], LATER),
    "last event, sandbox": ((PAST, LATER), ["--sandbox", "--event", "last"], PAST),
    "event, no token": ((LATER,), [], LATER),
}


def test_the_commands_with_json_are_found() -> None:
    assert list(json_commands()) == ["doctor", "participants status", "sandbox show", "votes tally"]


RUNS = [
    (command, state)
    for command in json_commands()
    for state in STATES
    # Status changes nothing: it has no --dry-run.
    if not (command == "participants status" and "--dry-run" in STATES[state][1])
    # The doctor is about the setup, not one event: it takes neither --event nor --dry-run; the
    # sandbox's own commands are about the sandbox only, and take none of these options.
    and not (command == "doctor" and set(STATES[state][1]) - {"--sandbox"})
    and not (command == "sandbox show" and STATES[state][1])
]


@pytest.mark.parametrize(("command", "state"), RUNS, ids=[f"{c}: {s}" for c, s in RUNS])
def test_json_is_one_document_on_stdout(tmp_path: Path, command: str, state: str) -> None:
    dates, options, expected = STATES[state]
    root = write(tmp_path / "roundtable", *dates)
    env = {"GITHUB_TOKEN": "", "GH_TOKEN": "", "PATH": ""}
    result = CliRunner().invoke(app, ["--repo-dir", str(root), *command.split(), "--json", *options], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception

    if command == "doctor":
        # Not about one event: its report, a failed check included (exit 1), is still one document.
        report = json.loads(result.stdout)
        assert set(report) == {"ok", "checks"} and result.exit_code == (0 if report["ok"] else 1)
        return
    if command == "sandbox show":
        assert result.exit_code == 0, result.output
        assert isinstance(json.loads(result.stdout), dict)  # the sandbox's GitHub, one document
        return
    if result.exit_code != 0:
        # A failure (here: GitHub without a token) is a message on stderr, nothing on stdout.
        assert (command, state) == ("votes tally", "event, no token")
        assert result.stdout == "" and result.stderr.startswith("error: ")
        return
    document = json.loads(result.stdout)  # one document, nothing else around it
    assert isinstance(document, dict)
    assert document["event"] == expected
    if expected is None:
        assert "nothing to do" in result.stderr
    for line in result.stderr.splitlines():
        assert not line.lstrip().startswith(("{", "[", '"')), line


def test_no_event_is_null_with_the_same_keys(tmp_path: Path) -> None:
    empty, full = write(tmp_path / "empty"), write(tmp_path / "full", LATER)
    for command in json_commands():
        if command in ("doctor", "sandbox show"):
            continue  # not about one event

        def keys(root: Path, command: str = command) -> set[str]:
            args = ["--repo-dir", str(root), *command.split(), "--json", "--sandbox"]
            return set(json.loads(CliRunner().invoke(app, args).stdout))

        assert keys(empty) == keys(full), command
