"""The layers hold: the rules stay pure, Typer stays in the command line's app, and PyGithub,
requests and graphql stay in the GitHub package. Checked on the source with `ast`, every import
counted, those made inside a function or under TYPE_CHECKING too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "p2p"

# What a pure rule may not reach: the files, GitHub, the sandbox, the pages, the command line,
# and the libraries they stand on.
IMPURE = (
    "p2p.files",
    "p2p.github",
    "p2p.sandbox",
    "p2p.pages",
    "p2p.cli",
    "typer",
    "github",
    "jinja2",
    "ruamel",
)
TYPER = ("typer", "click")
GITHUB_LIBRARIES = ("github", "requests", "graphql")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, source: str, *, package: bool = False) -> set[str]:
    """Every module the source imports, by absolute name (relative imports resolved)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if package else 0)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            names.add(name)
            names.update(f"{name}.{alias.name}" for alias in node.names)
    return names


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == top or name.startswith(f"{top}.") for top in packages)


def violations(module: str, source: str, *, package: bool = False) -> list[str]:
    """Each import of the module that breaks a layer, said as `module imports name: why`."""
    found = []
    for name in sorted(imported(module, source, package=package)):
        if within(module, ("p2p.rules",)) and within(name, IMPURE):
            found.append(f"{module} imports {name}: a rule is pure, it reaches no file, GitHub or CLI")
        if within(name, TYPER) and not within(module, ("p2p.cli.app",)):
            found.append(f"{module} imports {name}: only p2p.cli.app (and its modules) imports Typer")
        if within(name, GITHUB_LIBRARIES) and not within(module, ("p2p.github",)):
            found.append(f"{module} imports {name}: only p2p.github talks to GitHub")
    return found


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_checker_sees_the_whole_package() -> None:
    modules = {module_name(path) for path in sources()}
    assert {"p2p.cli.app", "p2p.rules.seats", "p2p.github.adapter", "p2p.sandbox.store"} <= modules


@pytest.mark.parametrize("path", sources(), ids=lambda path: module_name(path))
def test_every_module_keeps_to_its_layer(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(module_name(path), source, package=path.name == "__init__.py") == []


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        pytest.param(
            "p2p.rules.votes",
            "from p2p.github.adapter import GitHubRepository\n",
            "p2p.rules.votes imports p2p.github.adapter: a rule is pure",
            id="a rule imports the adapter",
        ),
        pytest.param(
            "p2p.rules.topics",
            "def later():\n    import p2p.files.load\n",
            "p2p.rules.topics imports p2p.files.load: a rule is pure",
            id="a rule imports the files inside a function",
        ),
        pytest.param(
            "p2p.rules.board",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..sandbox import store\n",
            "p2p.rules.board imports p2p.sandbox: a rule is pure",
            id="a rule imports the sandbox, relatively, for its types",
        ),
        pytest.param(
            "p2p.rules.plan",
            "from jinja2 import Environment\n",
            "p2p.rules.plan imports jinja2: a rule is pure",
            id="a rule imports Jinja2",
        ),
        pytest.param(
            "p2p.cli.participants",
            "import typer\n",
            "p2p.cli.participants imports typer: only p2p.cli.app (and its modules) imports Typer",
            id="a command's module imports Typer",
        ),
        pytest.param(
            "p2p.sandbox.store",
            "from github import Github\n",
            "p2p.sandbox.store imports github: only p2p.github talks to GitHub",
            id="the sandbox imports PyGithub",
        ),
        pytest.param(
            "p2p.cli.workspace",
            "import requests\n",
            "p2p.cli.workspace imports requests: only p2p.github talks to GitHub",
            id="the workspace imports requests",
        ),
        pytest.param(
            "p2p.files.load",
            "from graphql import parse\n",
            "p2p.files.load imports graphql: only p2p.github talks to GitHub",
            id="the files import graphql",
        ),
    ],
)
def test_the_checker_finds_a_broken_layer(module: str, source: str, broken: str) -> None:
    found = violations(module, source)
    assert any(v.startswith(broken) for v in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        pytest.param(
            "p2p.rules.votes", "from p2p.models import Event\nfrom p2p.port import Port\n", id="rule"
        ),
        pytest.param("p2p.rules.seats", "from . import plan\n", id="a rule imports a rule, relatively"),
        pytest.param("p2p.cli.app", "import typer\n", id="the app imports Typer"),
        pytest.param("p2p.cli.app.sandbox", "import typer\n", id="a module of the app imports Typer"),
        pytest.param("p2p.github.adapter", "from github import Github\nimport requests\n", id="adapter"),
        pytest.param("p2p.cli.workspace", "from p2p.github.credentials import find_token\n", id="p2p.github"),
    ],
)
def test_the_checker_lets_the_layers_be(module: str, source: str) -> None:
    assert violations(module, source) == []
