"""Commands that need no GitHub start fast: they never import PyGithub, requests, urllib3,
graphql-core or the project's GitHub adapter; `p2p --help` and `--version` not even the models,
the YAML library or the templates. The commands run one after another in a fresh interpreter,
which lists the modules imported after each of them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.world import Size, write_roundtable

# What only talking to GitHub needs: PyGithub, its HTTP stack, GraphQL, and the modules that
# import PyGithub, the client and the adapter over it (the light token lookup beside them,
# p2p.github.credentials, imports none of them).
GITHUB_ONLY = ("github", "requests", "urllib3", "graphql", "p2p.github.client", "p2p.github.adapter")
# What only running a command needs: the models (pydantic), the files (ruamel.yaml), the pages
# (Jinja2) and GitHub (SPEC 7: `p2p --help` and `--version` import none of the four).
HEAVY = ("pydantic", "ruamel", "jinja2", "github")
COMMAND_ONLY = (*HEAVY, "p2p.github.client", "p2p.github.adapter")
# Shell completion asks the command line through the environment, as Click reads it: the app
# answers it (the toolkit offers no completion script) before any command is loaded.
COMPLETION = {"_P2P_COMPLETE": "bash_complete", "COMP_WORDS": "p2p par", "COMP_CWORD": "1"}

PROBE = """\
import json, sys
from p2p.cli.app import app
runs = []
for args in json.loads(sys.argv[2]):
    try:
        app(args, prog_name="p2p")
    except SystemExit as done:
        code = done.code or 0
    else:
        code = 0
    runs.append({"args": args, "code": code, "modules": sorted(sys.modules)})
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(runs, out)
"""

LATER = (datetime.now(UTC).date() + timedelta(days=400)).isoformat()
NO_GITHUB = [
    ["--help"],
    ["--version"],
    ["participants", "--help"],
    ["check"],
    ["render"],
    ["render", "--check"],
    ["event", "new", LATER, "--title", "Budgets"],
    ["participants", "add", "newcomer"],
    ["participants", "cancel", "leader-001"],
]


def probe(
    root: Path, commands: list[list[str]], *, env: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """Run `p2p --repo-dir ROOT ARGS` for each ARGS in one fresh interpreter; each run's exit
    status and the modules imported so far."""
    report = root.parent / "modules.json"
    subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(report),
            json.dumps([["--repo-dir", str(root), *c] for c in commands]),
        ],
        check=True,
        capture_output=True,
        timeout=60,
        cwd=root,
        env={"PATH": "", "GITHUB_TOKEN": "not-needed-here", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )
    runs: list[dict[str, object]] = json.loads(report.read_text(encoding="utf-8"))
    return runs


def among(modules: object, packages: tuple[str, ...]) -> list[str]:
    """The modules that are, or belong to, one of the packages."""
    assert isinstance(modules, list)
    return [m for m in modules if any(m == top or m.startswith(f"{top}.") for top in packages)]


def github_modules(modules: object) -> list[str]:
    return among(modules, GITHUB_ONLY)


def roundtable(tmp_path: Path) -> Path:
    root = tmp_path / "roundtable"
    root.mkdir()
    write_roundtable(root, Size(topics=3, participants=3, events=3), datetime.now(UTC).date())
    return root


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_models_yaml_templates_or_github(tmp_path: Path, args: list[str]) -> None:
    [run] = probe(roundtable(tmp_path), [args])

    assert run["code"] == 0
    assert among(run["modules"], COMMAND_ONLY) == []


def test_a_completion_request_imports_no_models_yaml_templates_or_github(tmp_path: Path) -> None:
    [run] = probe(roundtable(tmp_path), [[]], env=COMPLETION)

    assert "p2p.cli.app" in run["modules"]  # type: ignore[operator]
    assert among(run["modules"], COMMAND_ONLY) == []


def test_the_probe_sees_the_models_when_a_command_runs(tmp_path: Path) -> None:
    [run] = probe(roundtable(tmp_path), [["check"]])

    assert run["code"] == 0
    assert {"pydantic", "ruamel.yaml"} <= set(among(run["modules"], COMMAND_ONLY))


def test_the_probe_sees_each_of_the_four_when_a_command_needs_it(tmp_path: Path) -> None:
    # The counter-check of the start-up test: `render` loads the templates, `sync` GitHub, both
    # the models and the YAML library; each of the four would be caught.
    runs = probe(roundtable(tmp_path), [["render"], ["sync", "--dry-run"]], env={"GITHUB_API_URL": "nowhere"})

    seen = {module.split(".")[0] for run in runs for module in among(run["modules"], HEAVY)}
    assert seen == set(HEAVY)


def test_commands_that_need_no_github_never_import_it(tmp_path: Path) -> None:
    runs = probe(roundtable(tmp_path), NO_GITHUB)

    assert [run["args"][2:] for run in runs] == NO_GITHUB  # type: ignore[index]
    for run in runs:
        assert run["code"] == 0, run["args"]
        assert "p2p.cli" in run["modules"]  # type: ignore[operator]
        assert github_modules(run["modules"]) == [], run["args"]


@pytest.mark.parametrize("command", [["participants", "sync", "--dry-run"], ["sync", "--dry-run"]])
def test_the_probe_sees_the_adapter_when_a_command_needs_github(tmp_path: Path, command: list[str]) -> None:
    # The counter-check: a command that reaches GitHub does import the adapter. An API address
    # that is no http(s) URL stops it right there, before any request could reach the network.
    [run] = probe(roundtable(tmp_path), [command], env={"GITHUB_API_URL": "nowhere"})

    assert run["code"] == 1
    assert {"p2p.github.client", "p2p.github.adapter"} <= set(github_modules(run["modules"]))


def test_status_without_a_token_shows_seats_without_loading_github(tmp_path: Path) -> None:
    # The token is looked for before the adapter is imported: with none, PyGithub never loads.
    [run] = probe(roundtable(tmp_path), [["participants", "status"]], env={"GITHUB_TOKEN": ""})

    assert run["code"] == 0
    assert github_modules(run["modules"]) == []
