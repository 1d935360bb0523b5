"""The docs cannot drift from the CLI: the organizers' guide documents every command and option,
each has help; the README keeps the quick start CI runs and links to the docs, whose links hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from p2p.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE_FILE = ROOT / "docs" / "guide.md"
ARCHITECTURE_FILE = ROOT / "docs" / "architecture.md"
GUIDE = GUIDE_FILE.read_text(encoding="utf-8")


# Typer builds on its own copy of click: its objects are looked at by shape, not by class.
Command = Any


def commands(group: Command, prefix: str = "") -> Iterator[tuple[str, Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            yield from commands(command, path)
        else:
            yield path, command


def is_option(param: Command) -> bool:
    return bool(param.param_type_name == "option")


ROOT_GROUP: Command = typer.main.get_command(app)
ALL = list(commands(ROOT_GROUP))


def test_the_cli_has_every_command_of_the_spec() -> None:
    names = {path for path, _ in ALL}
    assert names == {
        "board setup",
        "check",
        "demo",
        "doctor",
        "event new",
        "import-readme",
        "init",
        "meeting",
        "participants add",
        "participants cancel",
        "participants collect",
        "participants status",
        "participants sync",
        "render",
        "sandbox accept",
        "sandbox close",
        "sandbox comment",
        "sandbox diff",
        "sandbox label",
        "sandbox propose",
        "sandbox reopen",
        "sandbox request-seat",
        "sandbox reset",
        "sandbox show",
        "sandbox vote",
        "sync",
        "takeaways collect",
        "topics sync",
        "votes tally",
    }


@pytest.mark.parametrize(("path", "command"), ALL, ids=[path for path, _ in ALL])
def test_every_command_is_in_the_guide_with_help(path: str, command: Command) -> None:
    assert command.help, f"`p2p {path}` has no help text"
    assert re.search(rf"`p2p {re.escape(path)}\b", GUIDE), f"docs/guide.md does not document `p2p {path}`"


OPTIONS = [
    (path, opt, param)
    for path, command in ALL
    for param in command.params
    if is_option(param)
    for opt in param.opts
    if opt.startswith("--") and opt != "--help"
]


@pytest.mark.parametrize(
    ("path", "option", "param"), OPTIONS, ids=[f"{path} {opt}" for path, opt, _ in OPTIONS]
)
def test_every_option_is_in_the_guide_with_help(path: str, option: str, param: Command) -> None:
    assert param.help, f"`p2p {path} {option}` has no help text"
    assert option in GUIDE, f"docs/guide.md does not mention {option} of `p2p {path}`"


def test_global_options_are_documented() -> None:
    for param in ROOT_GROUP.params:
        if is_option(param) and "--help" not in param.opts:
            assert param.help
            assert param.opts[0] in GUIDE or param.opts[-1] in GUIDE


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.strip().startswith("pip install")]


def test_the_quick_start_is_two_commands_each_installing_what_it_needs() -> None:
    first, second = quick_start()
    assert first == "pip install -e . && p2p sync --sandbox"
    assert second.startswith('pip install -e ".[test]" && ') and "pytest" in second


def test_ci_runs_the_quick_start_copied_from_the_readme() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # CI reads the commands from the README text itself rather than repeating them, and runs
    # both in a new virtual environment.
    assert 'split("## Quick start", 1)' in ci
    assert "python3 -m venv .venv" in ci
    assert 'bash -c "${quickstart[0]}"' in ci
    assert 'bash -c "${quickstart[1]}"' in ci


def test_the_readme_links_to_the_guide_and_the_architecture() -> None:
    organizers = README.split("# For organizers", 1)[1]
    assert "](docs/guide.md)" in organizers
    assert "](docs/architecture.md)" in organizers


# A link in Markdown text: [text](target), outside code.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _prose(text: str) -> str:
    """The text without fenced code, indented code and code spans."""
    text = FENCE.sub("", text)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("    "))
    return CODE_SPAN.sub("", text)


def _anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a page: lower case, spaces as hyphens, no
    punctuation but hyphens and underscores."""
    headings = [
        line.lstrip("#").strip() for line in FENCE.sub("", text).splitlines() if re.match(r"#{1,6} ", line)
    ]
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


DOCS = [ROOT / "README.md", GUIDE_FILE, ARCHITECTURE_FILE, ROOT / "templates" / "README.md"]


@pytest.mark.parametrize("page", DOCS, ids=[str(page.relative_to(ROOT)) for page in DOCS])
def test_every_relative_link_of_the_docs_leads_somewhere(page: Path) -> None:
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"
        if anchor and linked.suffix == ".md":
            anchors = _anchors(linked.read_text(encoding="utf-8"))
            assert anchor in anchors, f"{page.relative_to(ROOT)} links to {target}: no such heading"
