"""Shell completion: the shell's own protocol run in a subprocess, `--show-completion` sourced
into a real bash, `--install-completion`; EVENT ids and logins read from the files without the
project's models, the YAML library, the templates or GitHub.

(pydantic itself does load: Typer converts the option values it parses with it, on every run.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from p2p.cli.complete import event_ids, registered_logins
from tests.test_startup import among

# What reading the files for real needs, and completion must not: the models, the strict
# loaders, the YAML library, the templates, GitHub.
HEAVY = ("p2p.models", "p2p.files.load", "p2p.files.reader", "ruamel", "jinja2", "github", "p2p.github")

HEAD = "# yaml-language-server: $schema=schema.json\n"
P2P = Path(sys.executable).with_name("p2p")
ENV = {"PATH": os.defpath, "PYTHONDONTWRITEBYTECODE": "1", "GITHUB_TOKEN": ""}

# Completion as the bash script Typer installs runs it: the words so far and the cursor's word.
COMPLETE = """\
import json, sys
from p2p.cli.app import app
try:
    app(prog_name="p2p")
except SystemExit:
    pass
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(sys.modules), out)
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "roundtable"
    (root / "events").mkdir(parents=True)
    (root / "p2p.yaml").write_text("name: T\n", encoding="utf-8")
    (root / "events" / "2099-01-14.yaml").write_text(
        HEAD + "date: 2099-01-14\ntitle: t\npresenters:\n  - name: P\n    github: presenter\n"
        "participants:\n  - github: alice\n    registered: 2099-01-01T10:00:00Z\n"
        "  - github: 'Bob-2'  # a comment\n    registered: 2099-01-01T10:00:00Z\n",
        encoding="utf-8",
    )
    (root / "events" / "2099-02-11-evening.yaml").write_text(
        HEAD + "date: 2099-02-11\ntitle: t\nparticipants:\n  - registered: 2099-01-01T10:00:00Z\n"
        "    github: carol\n  - {github: ALICE, registered: 2099-01-01T10:00:00Z}\n",
        encoding="utf-8",
    )
    (root / "events" / "notes.yaml").write_text("not an event\n", encoding="utf-8")
    return root


def bash_complete(cwd: Path, line: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """What the command line offers for the last word of `line`, and the modules it imported."""
    words = line.split(" ")
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", COMPLETE, str(report)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=ENV | {"_P2P_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)},
        check=True,
    )
    modules: list[str] = json.loads(report.read_text(encoding="utf-8"))
    return done.stdout.split(), modules


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("p2p votes tally ", ["next", "last", "2099-02-11-evening", "2099-01-14"]),
        ("p2p topics sync 2099-0", ["2099-02-11-evening", "2099-01-14"]),
        ("p2p participants status --event l", ["last"]),
        ("p2p participants cancel ", ["carol", "alice", "Bob-2"]),
        ("p2p participants add B", ["Bob-2"]),
    ],
)
def test_event_and_login_arguments_complete_from_the_files(
    root: Path, tmp_path: Path, line: str, offered: list[str]
) -> None:
    (root / "events" / "deeper").mkdir()
    found, modules = bash_complete(root / "events" / "deeper", line, tmp_path)  # found upward
    assert found == offered
    assert among(modules, HEAVY) == []


def test_completion_follows_repo_dir(root: Path, tmp_path: Path) -> None:
    found, _ = bash_complete(tmp_path, f"p2p --repo-dir {root} participants cancel c", tmp_path)
    assert found == ["carol"]
    assert bash_complete(tmp_path, "p2p participants cancel ", tmp_path)[0] == []  # no roundtable here


def test_the_light_reader() -> None:
    assert event_ids(None) == registered_logins(None) == []
    assert event_ids(Path("/nonexistent")) == []


@pytest.mark.skipif(shutil.which("bash") is None or not P2P.exists(), reason="needs bash and the p2p script")
def test_show_completion_works_in_bash(root: Path) -> None:
    # The script --show-completion prints, sourced into bash; then Tab pressed after the words.
    script = (
        'eval "$(p2p --show-completion bash)"\n'
        'COMP_WORDS=(p2p participants cancel ""); COMP_CWORD=3\n'
        "_p2p_completion p2p\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = ENV | {"PATH": f"{P2P.parent}{os.pathsep}{os.defpath}", "HOME": str(root)}
    done = subprocess.run(
        ["bash", "--norc", "-c", script],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["carol", "alice", "Bob-2"]


@pytest.mark.skipif(not P2P.exists(), reason="needs the p2p script")
def test_install_completion_writes_the_shell_setup(tmp_path: Path) -> None:
    # Typer finds the shell from the process tree, which a test runner's workers make anything but
    # bash; with detection off, --install-completion takes the shell by name instead.
    env = ENV | {
        "HOME": str(tmp_path),
        "SHELL": "/bin/bash",
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
    }
    done = subprocess.run(
        [str(P2P), "--install-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "completion installed" in done.stdout
    assert "_P2P_COMPLETE" in "".join(
        p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_missing_repo_dir_is_one_line(tmp_path: Path, where: str) -> None:
    from typer.testing import CliRunner

    from p2p.cli.app import app

    missing = str(tmp_path / "nowhere")
    args = ["--repo-dir", missing, "check"] if where == "before" else ["check", "--repo-dir", missing]
    result = CliRunner().invoke(app, args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: --repo-dir: {missing} does not exist\n"
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["--repo-dir", str(tmp_path / "file"), "check"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --repo-dir: {tmp_path / 'file'} is a file, not the repository's folder\n",
    )
