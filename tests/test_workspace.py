"""Which event a command works on: a named one, the next one (the default), or the last that ended."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.cli.workspace import Workspace
from p2p.errors import NothingToDo, UsageError

# 2026-03-10 05:00 UTC is still March 9 in Denver: an event that day has not ended there.
NOW = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


def roundtable(root: Path, *dates: str) -> Path:
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text("repository: acme/roundtable\n", encoding="utf-8")
    for day in dates:
        (root / "events" / f"{day}.yaml").write_text(
            f"date: {day}\ntitle: Event of {day}\n", encoding="utf-8"
        )
    return root


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        (None, "2026-03-09"),  # today in the roundtable's zone is still next
        ("next", "2026-03-09"),
        ("last", "2026-02-01"),
        ("2026-04-20", "2026-04-20"),
        ("2026-01-05", "2026-01-05"),
    ],
)
def test_event_chosen(tmp_path: Path, asked: str | None, expected: str) -> None:
    ws = Workspace(roundtable(tmp_path, "2026-01-05", "2026-02-01", "2026-03-09", "2026-04-20"), now=NOW)
    assert ws.event(asked).id == expected


def test_an_unknown_event_is_misuse(tmp_path: Path) -> None:
    ws = Workspace(roundtable(tmp_path, "2026-01-05"), now=NOW)
    with pytest.raises(UsageError, match=r"no event '2026-01-06'.*latest: 2026-01-05"):
        ws.event("2026-01-06")


@pytest.mark.parametrize(
    ("asked", "message"), [(None, "no upcoming event"), ("last", "no event .* has ended")]
)
def test_nothing_to_work_on_is_nothing_to_do(tmp_path: Path, asked: str | None, message: str) -> None:
    ws = Workspace(
        roundtable(tmp_path, "2026-01-05") if asked is None else roundtable(tmp_path, "2027-01-05")
    )
    with pytest.raises(NothingToDo, match=message):
        ws.event(asked)


def test_nothing_to_do_exits_0_with_a_note(tmp_path: Path) -> None:
    root = roundtable(tmp_path, "2999-01-05")
    result = CliRunner().invoke(app, ["--repo-dir", str(root), "--sandbox", "takeaways", "collect", "last"])
    assert result.exit_code == 0, result.output
    assert "has ended yet, nothing to do" in result.output


def test_an_unforeseen_os_error_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import p2p.cli.check

    def check(ws: Workspace) -> int:
        raise PermissionError(13, "Permission denied", str(tmp_path / "events"))

    monkeypatch.setattr(p2p.cli.check, "check", check)
    result = CliRunner().invoke(app, ["--repo-dir", str(roundtable(tmp_path)), "check"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'events'}: Permission denied\n"
    assert "Traceback" not in result.output


def test_a_bug_is_one_line_unless_verbose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import p2p.cli.check

    def check(ws: Workspace) -> int:
        raise KeyError("oops")

    monkeypatch.setattr(p2p.cli.check, "check", check)
    root = str(roundtable(tmp_path))
    result = CliRunner().invoke(app, ["--repo-dir", root, "check"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unexpected KeyError: 'oops' (this is a bug in p2p; run again with --verbose to see where)\n"
    )
    verbose = CliRunner().invoke(app, ["--repo-dir", root, "check", "--verbose"])
    assert isinstance(verbose.exception, KeyError)


# --- which folder: --repo-dir, else the nearest one upward that holds p2p.yaml ----------------


def test_the_repository_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = roundtable(tmp_path / "roundtable", "2999-01-05")
    (root / "events" / "deeper").mkdir()
    monkeypatch.chdir(root / "events" / "deeper")
    result = CliRunner().invoke(app, ["check"])
    assert (result.exit_code, result.stdout) == (0, "p2p.yaml and 1 event file are valid\n")
    added = CliRunner().invoke(app, ["participants", "add", "alice"])
    assert added.exit_code == 0, added.output
    assert "github: alice" in (root / "events" / "2999-01-05.yaml").read_text(encoding="utf-8")


def test_the_nearest_repository_upward_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roundtable(tmp_path, "2999-01-05")
    inner = roundtable(tmp_path / "inner", "2999-02-05", "2999-03-05")
    monkeypatch.chdir(inner / "events")
    result = CliRunner().invoke(app, ["check"])
    assert (result.exit_code, result.stdout) == (0, "p2p.yaml and 2 event files are valid\n")


def test_with_no_repository_upward_the_current_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["event", "new", "2999-05-15", "--title", "T"])
    assert result.exit_code == 1
    assert "it is not a roundtable repository" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_repo_dir_that_does_not_exist_is_misuse(tmp_path: Path, where: str) -> None:
    missing = str(tmp_path / "nowhere")
    args = ["--repo-dir", missing, "check"] if where == "before" else ["check", "--repo-dir", missing]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.count(missing) == 1
    assert f"--repo-dir: {missing} does not exist" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.mark.parametrize(
    "command", [["participants", "status"], ["topics", "sync"], ["votes", "tally"], ["takeaways", "collect"]]
)
def test_an_event_given_twice_differently_is_misuse(tmp_path: Path, command: list[str]) -> None:
    root = str(roundtable(tmp_path, "2999-01-05", "2999-02-05"))
    args = ["--repo-dir", root, "--sandbox", *command, "2999-01-05", "--event", "2999-02-05"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert (
        result.stderr == "error: EVENT '2999-01-05' and --event '2999-02-05' disagree: give the event once\n"
    )
    assert result.stdout == ""


def test_an_event_given_twice_alike_is_fine(tmp_path: Path) -> None:
    root = str(roundtable(tmp_path, "2999-01-05", "2999-02-05"))
    args = ["--repo-dir", root, "participants", "status", "2999-02-05", "--event", "2999-02-05"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2999-02-05" in result.stdout
