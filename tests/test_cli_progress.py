"""The progress bar of a long plan, on a real terminal: shown while the plan is applied, gone
once it is, leaving the `done:` lines. The command runs in a pseudo-terminal and its screen is
read back through a terminal emulator (pyte)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyte
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

COLS, ROWS = 120, 60
SEEDED = [f"Topic number {n}" for n in range(1, 8)]  # a plan long enough for the bar


def roundtable(root: Path) -> None:
    day = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text("name: T\nrepository: acme/roundtable\n", encoding="utf-8")
    topics = "".join(f"  - {title}\n" for title in SEEDED)
    (root / "events" / f"{day}.yaml").write_text(
        f"date: {day}\ntitle: T\ntopics:\n{topics}", encoding="utf-8"
    )


def in_a_terminal(root: Path, *args: str) -> tuple[int, bytes, list[str]]:
    """Run p2p with a pseudo-terminal as standard output and error: its exit status, the bytes
    written, and the screen they leave."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "CI")}
    env |= {"TERM": "xterm-256color", "GITHUB_TOKEN": "", "P2P_WRITE_DELAY": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "p2p", "--repo-dir", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    written = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: Linux says EIO
            break
        if not chunk:
            break
        written += chunk
    code = process.wait(timeout=60)
    os.close(master)
    screen = pyte.Screen(COLS, ROWS)
    pyte.ByteStream(screen).feed(bytes(written))
    return code, bytes(written), [line.rstrip() for line in screen.display]


def test_the_progress_line_is_cleared_when_the_plan_finishes(tmp_path: Path) -> None:
    roundtable(tmp_path)
    code, written, screen = in_a_terminal(tmp_path, "--sandbox", "topics", "sync")

    assert code == 0, b"\n".join([written])
    assert b"applying" in written  # the bar was there while the plan ran
    assert not [line for line in screen if "applying" in line]  # and it is gone
    done = [line for line in screen if line.startswith("done: ")]
    assert [line for line in done if line.startswith("done: open issue")] == [
        f"done: open issue topic {n}: {title}" for n, title in enumerate(SEEDED, start=1)
    ]
    last = max(i for i, line in enumerate(screen) if line)
    assert screen[last].startswith("done: ")  # nothing of the bar below the last line either
