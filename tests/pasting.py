"""Commands as a person pastes them into a shell, run in a folder: `p2p` in one Python process
(started once, so fifty commands take seconds), `cd` followed, anything else through the shell."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Generous: pasted commands take seconds; this only stops a hang.
TIMEOUT = 180

SCRIPT = r"""
import json, os, re, shlex, subprocess, sys
from p2p.cli.app import app
for line in json.loads(sys.stdin.read()):
    line = re.sub(r"\s+#\s.*$", "", line).strip()
    for part in line.split(" && "):
        print(f"$ {part}", flush=True)
        words = shlex.split(part)
        if words[0] == "cd":
            os.chdir(words[1])
            continue
        if words[0] == "p2p":
            code = app(words[1:], prog_name="p2p", standalone_mode=False)
        else:
            code = subprocess.run(part, shell=True, check=False).returncode
        if code:
            sys.exit(f"exit {code}: {part}")
"""


def paste(commands: Sequence[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """Run the commands in turn in `folder`, stopping at the first that fails."""
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        input=json.dumps(list(commands)),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def shell_block(text: str, after: str) -> list[str]:
    """The lines of the first ```sh block following `after` in a Markdown text."""
    block = text.split(after, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]
