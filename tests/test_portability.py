"""Where `fcntl` does not exist, as on Windows, every module of the package imports and the
command line starts and edits an event file. Each check runs in a fresh interpreter in which
`import fcntl` fails before anything else is imported."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import p2p
from p2p.files.load import load_event

WITHOUT_FCNTL = "import sys\nsys.modules['fcntl'] = None  # `import fcntl` now raises ImportError\n"

IMPORT_EVERY_MODULE = (
    WITHOUT_FCNTL
    + """\
import importlib, json, pkgutil, traceback
import p2p

failures = {}

def failed(name):
    failures[name] = traceback.format_exc(limit=-3)

names = []
for module in pkgutil.walk_packages(p2p.__path__, "p2p.", onerror=failed):
    if module.name.rpartition(".")[2] == "__main__":
        continue  # running it is running the command line: see the test below
    names.append(module.name)
    try:
        importlib.import_module(module.name)
    except Exception:
        failed(module.name)
print(json.dumps({"names": names, "failures": failures}))
"""
)

RUN_P2P = WITHOUT_FCNTL + "import runpy\nrunpy.run_module('p2p', run_name='__main__', alter_sys=True)\n"

ENV = {"PATH": "", "PYTHONDONTWRITEBYTECODE": "1"}


def p2p_modules() -> list[str]:
    return [
        m.name for m in pkgutil.walk_packages(p2p.__path__, "p2p.") if m.name.rpartition(".")[2] != "__main__"
    ]


def run_p2p(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", RUN_P2P, *args]
    return subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=60, check=False)


def test_every_module_imports_without_fcntl() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["failures"] == {}, "\n".join(report["failures"].values())
    assert report["names"] == p2p_modules()  # a package that failed to import hides no module
    assert "p2p.files.atomic" in report["names"]


def test_the_command_line_starts_without_fcntl() -> None:
    done = run_p2p("--help")
    assert done.returncode == 0, done.stderr
    assert "participants" in done.stdout


def test_an_event_file_is_edited_under_the_lock_without_fcntl(tmp_path: Path) -> None:
    (tmp_path / "p2p.yaml").write_text("name: Test\nrepository: acme/roundtable\n", encoding="utf-8")
    (tmp_path / "events").mkdir()
    event = tmp_path / "events" / "2099-05-15.yaml"
    event.write_text("date: 2099-05-15\ntitle: Lean coffee\n", encoding="utf-8")

    done = run_p2p("--repo-dir", str(tmp_path), "participants", "add", "alice")

    assert done.returncode == 0, done.stderr
    assert [r.github for r in load_event(event).participants] == ["alice"]
    assert sorted(p.name for p in event.parent.iterdir()) == [event.name]  # no lock file left
