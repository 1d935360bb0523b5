"""Two `p2p` processes editing the same event file at once: both edits land, or one command
fails cleanly and changes nothing; the file is never corrupt and always loads."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2p.files.atomic import file_lock
from p2p.files.load import load_event

TODAY = datetime.now(UTC).date()
DAY = (TODAY + timedelta(days=30)).isoformat()
EVENT = f"""\
# The next roundtable: organizers edit this by hand.
date: {DAY}
title: Lean coffee   # keep this comment
capacity: 2
participants:
  - github: first-comer
    registered: 2026-01-05T09:00:00-07:00
"""


@dataclass(frozen=True)
class Finished:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "p2p.yaml").write_text("name: Test\nrepository: acme/roundtable\n", encoding="utf-8")
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / f"{DAY}.yaml").write_text(EVENT, encoding="utf-8")
    return tmp_path


def at_once(root: Path, *commands: Sequence[str], hold: float = 0.0) -> list[Finished]:
    """Start every command at the same moment, each its own `python -m p2p` process; with
    `hold`, the test keeps the file's lock that long first, so they all queue up on it."""
    path = root / "events" / f"{DAY}.yaml"
    env = {"PATH": "", "PYTHONDONTWRITEBYTECODE": "1"}

    def start() -> list[subprocess.Popen[str]]:
        return [
            subprocess.Popen(
                [sys.executable, "-m", "p2p", "--repo-dir", str(root), *command],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for command in commands
        ]

    if hold:
        with file_lock(path):
            processes = start()
            time.sleep(hold)
    else:
        processes = start()
    finished = []
    for command, process in zip(commands, processes, strict=True):
        stdout, stderr = process.communicate(timeout=60)
        finished.append(Finished(tuple(command), process.returncode, stdout, stderr))
    return finished


def registered(root: Path) -> list[tuple[str, bool]]:
    """(login, cancelled) of every registration, in file order: the file must load."""
    event = load_event(root / "events" / f"{DAY}.yaml")
    return [(r.github, r.cancelled) for r in event.participants]


def assert_intact(root: Path) -> None:
    folder = root / "events"
    text = (folder / f"{DAY}.yaml").read_text(encoding="utf-8")
    assert text.startswith(EVENT.split("participants:")[0])  # the organizers' lines untouched
    assert "# keep this comment" in text
    assert sorted(p.name for p in folder.iterdir()) == [f"{DAY}.yaml"]  # no temporary or lock file left
    logins = [login.casefold() for login, _ in registered(root)]
    assert len(logins) == len(set(logins))


def assert_clean(run: Finished) -> None:
    """A command either did its work or failed with one clear message, never a traceback."""
    assert run.code in (0, 1), run
    assert "Traceback" not in run.stderr
    if run.code == 1:
        assert run.stderr.startswith("error: ")
        assert len(run.stderr.strip().splitlines()) == 1


def test_two_registrations_at_once_both_land_or_one_fails_cleanly(root: Path) -> None:
    expected = ["first-comer"]
    for round in range(3):
        runs = at_once(
            root,
            ("participants", "add", f"alice-{round}"),
            ("participants", "add", f"bob-{round}", "--name", "Bob"),
        )
        for run in runs:
            assert_clean(run)
            if run.code == 0:
                expected.append(run.args[2])
        assert_intact(root)
        assert sorted(login for login, _ in registered(root)) == sorted(expected)


def test_commands_queued_on_the_lock_all_land_one_after_the_other(root: Path) -> None:
    runs = at_once(
        root,
        ("participants", "add", "alice"),
        ("participants", "add", "bob"),
        ("participants", "cancel", "first-comer"),
        hold=1.0,
    )

    for run in runs:
        assert run.code == 0, run
    assert_intact(root)
    assert sorted(registered(root)) == [("alice", False), ("bob", False), ("first-comer", True)]


def test_the_same_person_twice_at_once_is_registered_once(root: Path) -> None:
    runs = at_once(root, ("participants", "add", "carol"), ("participants", "add", "Carol"))

    for run in runs:
        assert_clean(run)
    assert sorted(run.code for run in runs) == [0, 1]
    [refused] = [run for run in runs if run.code == 1]
    assert "already registered" in refused.stderr or "being edited" in refused.stderr
    assert_intact(root)
    assert [login.casefold() for login, _ in registered(root)] == ["first-comer", "carol"]


def _count_up(path: str, times: int) -> None:
    counter = Path(path)
    for _ in range(times):
        with file_lock(counter):
            value = int(counter.read_text(encoding="utf-8"))
            time.sleep(0.0005)  # widen the window between reading and writing
            counter.write_text(str(value + 1), encoding="utf-8")


def test_one_holder_at_a_time_while_the_lock_file_comes_and_goes(tmp_path: Path) -> None:
    """Each holder removes the lock file: a process still waiting on the removed one must not
    get in beside the holder of the next one."""
    counter = tmp_path / "counter"
    counter.write_text("0", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_count_up, args=(str(counter), 100)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert counter.read_text(encoding="utf-8") == "400"
    assert [p.name for p in tmp_path.iterdir()] == ["counter"]
