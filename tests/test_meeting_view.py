"""`p2p meeting` in a terminal of its own: the real full-screen view, run as a command in a
pseudo-terminal, its screen read back through a terminal emulator (pyte). The meeting's clock
is a file the test writes (P2P_MEETING_CLOCK), so the countdown on the screen is exact."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyte
import pytest

from tests.test_meeting_cli import columns, tallied, world
from tests.test_topics_cli import Roundtable

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

ROWS, COLS = 30, 100
PATIENCE = 30.0  # seconds a screen may take to show what the test waits for (a loaded machine)


@dataclass
class Terminal:
    """The command in a pseudo-terminal of ROWS x COLS, and the screen it draws."""

    process: subprocess.Popen[bytes]
    master: int
    clock: Path
    screen: pyte.Screen = field(default_factory=lambda: pyte.Screen(COLS, ROWS))
    output: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self._stream = pyte.ByteStream(self.screen)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the command ended: its side of the terminal is closed
            return False
        if not chunk:
            return False
        self.output.extend(chunk)
        self._stream.feed(chunk)
        return True

    def wait_for(self, *wanted: str) -> str:
        """The screen once it shows every one of `wanted`."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if all(w in self.text for w in wanted):
                return self.text
            if not self._read(0.1):
                break
        missing = [w for w in wanted if w not in self.text]
        raise AssertionError(f"the screen never showed {missing}:\n{self.text}")

    def settle(self, seconds: float = 1.0) -> None:
        """Read the screen for a while: the view redraws four times a second."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(0.05):
            pass

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def at(self, seconds: float) -> None:
        """The meeting's clock set to `seconds`, written whole (the command may read it any time)."""
        part = self.clock.with_suffix(".tmp")
        part.write_text(f"{seconds}\n", encoding="utf-8")
        part.replace(self.clock)

    def finish(self) -> int:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and self._read(0.1):
            if self.process.poll() is not None:
                while self._read(0.1) and select.select([self.master], [], [], 0)[0]:
                    pass
                break
        return self.process.wait(timeout=PATIENCE)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[Roundtable], Terminal]]:
    import fcntl
    import pty
    import struct
    import termios

    started: list[Terminal] = []

    def start(roundtable: Roundtable) -> Terminal:
        clock = tmp_path / "clock"
        clock.write_text("0\n", encoding="utf-8")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        env |= {"TERM": "xterm-256color", "P2P_MEETING_CLOCK": str(clock), "GITHUB_TOKEN": "test-token"}
        process = subprocess.Popen(
            [sys.executable, "-m", "p2p", "--repo-dir", str(roundtable.root), "--sandbox", "meeting"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,  # the terminal is its controlling terminal, as a shell's would be
        )
        os.close(slave)
        started.append(Terminal(process, master, clock))
        return started[-1]

    yield start
    for term in started:
        if term.process.poll() is None:
            term.process.kill()
            term.process.wait()
        os.close(term.master)


def test_the_view_counts_down_the_current_topic_and_moves_on(
    tmp_path: Path, terminal: Callable[[Roundtable], Terminal]
) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        n = tallied(roundtable)
        first, second = n["vendors"], n["on-call"]
        term = terminal(roundtable)

        screen = term.wait_for(f"#{first} Vendors", "08:00 left", "not started", "s start/pause")
        assert re.search(rf"▶ +│ +{first} │ Vendors", screen), screen  # the agenda marks the current topic

        # Each key is read at the clock's time then: the screen shows it was before the clock moves.
        term.press("s")
        term.wait_for("running")
        term.at(90)
        term.wait_for("06:30 left", "running", "discussed 01:30")

        term.press("e")  # the Roman vote said go on: half a timebox more
        term.wait_for("10:30 left", "1 extension of 04:00")

        term.at(200)
        term.press("s")  # paused at 03:20
        term.wait_for("08:40 left", "paused")
        term.at(500)  # paused: the countdown stands still
        term.settle()
        term.wait_for("08:40 left", "paused")  # (the done below also says 03:20 were discussed)

        term.press("d")
        screen = term.wait_for(f"#{second} On-call", "08:00 left", "not started")
        done_row = rf"✓ +│ +{first} │ Vendors .*│ +03:20 \+1"
        deadline = time.monotonic() + PATIENCE
        while not re.search(done_row, screen) and time.monotonic() < deadline:
            term.settle(0.2)  # a loaded machine may show the screen half redrawn: read on
            screen = term.text
        assert re.search(done_row, screen), screen

        term.press("s")
        term.wait_for("running")
        term.at(1000)  # overtime: the countdown goes on below zero
        term.wait_for("-00:20 overtime", "discussed 08:20")

        term.press("q")
        assert term.finish() == 0, bytes(term.output).decode(errors="replace")
        assert b"agenda written: 1 of 5 topics reached" in term.output

        text = roundtable.event_file.read_text(encoding="utf-8")
        assert f'  - {{issue: {first}, title: "Vendors", votes: 2, discussed: 3, extended: 1}}\n' in text
        assert f'  - {{issue: {second}, title: "On-call", votes: 1, discussed: 8, ongoing: true}}\n' in text
        assert columns(roundtable, {first: "vendors", second: "on-call"}) == {
            "vendors": "Discussed",
            "on-call": "Discussing",
        }


def test_the_view_shows_the_board_writes_that_failed(
    tmp_path: Path, terminal: Callable[[Roundtable], Terminal]
) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        n = tallied(roundtable)
        settings = roundtable.root / "p2p.yaml"
        settings.write_text(
            settings.read_text(encoding="utf-8").replace("project: 1\n", ""), encoding="utf-8"
        )
        term = terminal(roundtable)
        term.wait_for(f"#{n['vendors']} Vendors", "08:00 left")
        term.press("s")
        term.wait_for("Board writes that failed", "p2p.yaml sets no `project:`", "running")
        term.press("q")
        assert term.finish() == 1
        assert b"board write failed: p2p.yaml sets no `project:`: no card is moved" in term.output


def test_a_clock_file_that_is_not_a_number_is_an_error(tmp_path: Path) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        tallied(roundtable)
        clock = tmp_path / "clock"
        clock.write_text("soon\n", encoding="utf-8")
        env = os.environ | {"P2P_MEETING_CLOCK": str(clock)}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "p2p",
                "--repo-dir",
                str(roundtable.root),
                "--sandbox",
                "meeting",
                "--keys",
                "q",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=PATIENCE,
        )
        assert result.returncode == 1
        assert (
            result.stderr.strip()
            .splitlines()[-1]
            .startswith(f"error: P2P_MEETING_CLOCK: {clock}: not a number")
        )
        assert "Traceback" not in result.stderr


def test_keys_that_come_together_are_each_taken(
    tmp_path: Path, terminal: Callable[[Roundtable], Terminal]
) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        n = tallied(roundtable)
        term = terminal(roundtable)
        term.wait_for(f"#{n['vendors']} Vendors", "08:00 left")
        term.press("nn")  # two skips in one read, as a fast typist or a paste sends them
        term.wait_for(f"#{n['hiring']} Hiring | <b>managers</b>", "not started")
        term.press("q")
        assert term.finish() == 0


def test_ctrl_c_stops_the_meeting_as_q_does(
    tmp_path: Path, terminal: Callable[[Roundtable], Terminal]
) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        n = tallied(roundtable)
        term = terminal(roundtable)
        term.wait_for(f"#{n['vendors']} Vendors", "08:00 left")
        term.press("s")
        term.wait_for("running")
        term.at(120)
        term.wait_for("06:00 left")
        term.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert term.finish() == 0
        assert b"interrupted: stopped as with q" in term.output
        assert b"agenda written: 0 of 5 topics reached" in term.output
        text = roundtable.event_file.read_text(encoding="utf-8")
        assert (
            f'  - {{issue: {n["vendors"]}, title: "Vendors", votes: 2, discussed: 2, ongoing: true}}\n'
            in text
        )


def test_a_terminal_closed_mid_meeting_keeps_the_topics_already_done(
    tmp_path: Path, terminal: Callable[[Roundtable], Terminal]
) -> None:
    with world("sandbox", tmp_path / "rt") as roundtable:
        n = tallied(roundtable)
        term = terminal(roundtable)
        term.wait_for(f"#{n['vendors']} Vendors", "08:00 left")
        term.press("s")
        term.wait_for("running")
        term.at(300)
        term.press("d")
        term.wait_for(f"#{n['on-call']} On-call")
        term.press("n")
        term.wait_for(f"#{n['hiring']} Hiring")
        term.process.kill()  # no q, no Ctrl-C: the window is gone
        term.process.wait(timeout=PATIENCE)
        text = roundtable.event_file.read_text(encoding="utf-8")
        assert f'  - {{issue: {n["vendors"]}, title: "Vendors", votes: 2, discussed: 5}}\n' in text
        assert f'  - {{issue: {n["on-call"]}, title: "On-call", votes: 1, discussed: 0}}\n' in text
        assert f'  - {{issue: {n["hiring"]}, title: "Hiring | <b>managers</b>", votes: 1}}\n' in text
