"""`p2p init DIR`: scaffold a new roundtable repository that passes `check`, `render --check`
and `zizmor` as created.

The files come from the package (`p2p/scaffold/`), so an installed p2p scaffolds what its
source tree holds: the workflows and actions are this project's own (a test keeps the copies
identical), except the two that differ by nature: a roundtable installs the toolkit pinned in
its requirements.txt rather than from its own checkout, and its CI has no toolkit to lint or
test. Names in the tree: `github/` becomes `.github/`, `gitignore` becomes `.gitignore`,
`NAME.j2` is a Jinja2 template of NAME, and `events/event.yaml.j2` the example event.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import jinja2

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError, UsageError
from p2p.files import EVENTS_DIR, SETTINGS_FILE
from p2p.models import REPOSITORY_PATTERN, Settings
from p2p.pages.markdown import inline
from p2p.rules.plan import table

SCAFFOLD = "scaffold"
RENAMED = {"github": ".github", "gitignore": ".gitignore"}
EXAMPLE_EVENT = f"{EVENTS_DIR}/event.yaml.j2"
# The example event is two weeks out: soon enough to try everything, late enough to edit it.
EXAMPLE_LEAD_TIME = timedelta(days=14)
# The distribution's name: "p2p" on PyPI is an unrelated project, so never `pip install p2p`.
DISTRIBUTION = "p2p-roundtable"
# The linters the roundtable's CI runs on its workflows and issue forms.
LINTERS = ("zizmor", "check-jsonschema")
# Names a folder may hold and still count as empty: a fresh `git init` or clone.
IGNORED = frozenset({".git"})
_REPOSITORY = re.compile(REPOSITORY_PATTERN)
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")

WHAT = {
    SETTINGS_FILE: "the roundtable's settings, each key explained",
    "README.md": "the roundtable's page: hand-written text and generated regions",
    "requirements.txt": "the p2p the workflows install, pinned",
    ".gitignore": "leaves out .p2p/, the offline sandbox",
    "templates/README.md": "how to override the generated text",
    ".github/ISSUE_TEMPLATE/topic.yml": "the issue form participants propose topics with",
    ".github/ISSUE_TEMPLATE/config.yml": "the topic and seat-request forms are the only ways in",
    ".github/workflows/ci.yml": "validates the files and the workflows on every push",
    ".github/workflows/participants.yml": "invites participants with a seat, withdraws access",
    ".github/workflows/topics.yml": "topics, votes, takeaways, hourly and on topic issues",
    ".github/workflows/render.yml": "regenerates the page when the files change",
    ".github/actions/install-p2p/action.yml": "installs p2p for the workflows",
    ".github/actions/commit-generated/action.yml": "commits generated files when bytes changed",
    ".github/actions/commit-generated/commit.sh": "its script: never loses a change pushed meanwhile",
}
# The order the files are listed in: what an organizer edits first.
LISTED = (
    SETTINGS_FILE,
    f"{EVENTS_DIR}/",
    "README.md",
    "templates/",
    "requirements.txt",
    ".gitignore",
    ".github/",
)


def _listing_order(path: str) -> tuple[int, str]:
    return next((i for i, prefix in enumerate(LISTED) if path.startswith(prefix)), len(LISTED)), path


# --- where the workflows get p2p ------------------------------------------------------------


@dataclass(frozen=True)
class Toolkit:
    """The p2p the new roundtable's workflows install: a pip requirement pinned to a commit,
    and the address of its repository; both unknown when this p2p was not installed from Git."""

    requirement: str | None = None
    url: str | None = None
    linters: tuple[str, ...] = LINTERS


def installed_toolkit() -> Toolkit:
    """This p2p, as pip recorded where it came from (PEP 610's direct_url.json)."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Toolkit()
    linters = _linters(distribution.requires or [])
    try:
        recorded = json.loads(distribution.read_text("direct_url.json") or "{}")
    except ValueError:
        recorded = {}
    return toolkit_from(recorded, linters=linters)


def toolkit_from(recorded: dict[str, object], *, linters: tuple[str, ...] = LINTERS) -> Toolkit:
    """The requirement and address from a direct_url.json: only a Git install over HTTPS with a
    resolved commit names a source the workflows can install again."""
    vcs = recorded.get("vcs_info")
    url = recorded.get("url")
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or not isinstance(url, str):
        return Toolkit(linters=linters)
    commit = vcs.get("commit_id")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or not isinstance(commit, str):
        return Toolkit(linters=linters)
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        return Toolkit(linters=linters)
    # Never copy credentials from an address into a file that gets pushed.
    clean = urlunsplit(
        (parts.scheme, parts.hostname + (f":{parts.port}" if parts.port else ""), parts.path, "", "")
    )
    home = clean.removesuffix(".git")
    return Toolkit(requirement=f"{DISTRIBUTION} @ git+{clean}@{commit}", url=home, linters=linters)


def _linters(requires: list[str]) -> tuple[str, ...]:
    """The linters' requirements as p2p's own `test` extra states them (their lowest versions
    know GitHub's newest workflow syntax)."""
    found = {}
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        match = _REQUIREMENT_NAME.match(spec)
        if match and match[1].lower() in LINTERS and "test" in marker:
            found[match[1].lower()] = spec.strip()
    return tuple(found.get(name, name) for name in LINTERS)


# --- the files -------------------------------------------------------------------------------


def example_event_date(now: datetime, timezone: str) -> date:
    """The example event's date: two weeks after today in the roundtable's time zone."""
    return now.astimezone(ZoneInfo(timezone)).date() + EXAMPLE_LEAD_TIME


def _yaml_string(value: object) -> str:
    """A YAML scalar that reads back as exactly this text (JSON strings are YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("p2p", SCAFFOLD),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - YAML and Markdown: values go through `yaml` or `md`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = _yaml_string
    env.filters["md"] = inline
    return env


def _walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "__")):
            continue
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, f"{name}/")
        else:
            yield name, entry


def _target(name: str, event_file: str) -> str:
    if name == EXAMPLE_EVENT:
        return event_file
    first, _, rest = name.partition("/")
    first = RENAMED.get(first, first)
    return f"{first}/{rest}".removesuffix(".j2") if rest else first.removesuffix(".j2")


def scaffold_files(
    *, name: str, repository: str | None, event_date: date, toolkit: Toolkit
) -> dict[str, str]:
    """Every file of a new roundtable, by path relative to its folder, with its text (the
    generated files aside: `p2p render` writes those)."""
    env = _environment()
    context = {
        "name": name,
        "repository": repository,
        "date": event_date.isoformat(),
        "toolkit": toolkit.requirement,
        "toolkit_url": toolkit.url,
        "linters": toolkit.linters,
    }
    event_file = f"{EVENTS_DIR}/{event_date.isoformat()}.yaml"
    files = {}
    for source, entry in _walk(resources.files("p2p") / SCAFFOLD):
        text = (
            env.get_template(source).render(context) if source.endswith(".j2") else entry.read_text("utf-8")
        )
        files[_target(source, event_file)] = text
    return files


def default_name(directory: Path) -> str:
    """A roundtable's name from its folder's: `peer-roundtable` gives `Peer roundtable`."""
    words = re.sub(r"[-_.\s]+", " ", directory.resolve().name).strip()
    return words[:1].upper() + words[1:] if words else "Roundtable"


# --- the command -----------------------------------------------------------------------------


def _occupants(directory: Path) -> list[str]:
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise P2PError(f"{directory} is a file, not a folder: choose a folder for the new roundtable")
    return sorted(p.name + ("/" if p.is_dir() else "") for p in directory.iterdir() if p.name not in IGNORED)


def _listed(names: list[str], *, limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _check_options(name: str | None, repository: str | None) -> None:
    if name is not None and (not name.strip() or any(not c.isprintable() for c in name)):
        raise UsageError("--name must be a non-empty name on one line, like 'Denver engineering leaders'")
    if repository is not None and not _REPOSITORY.fullmatch(repository):
        raise UsageError(f"--repository {repository!r} is not owner/name, like acme/roundtable")


def init(ws: Workspace, *, directory: Path, name: str | None, repository: str | None, force: bool) -> int:
    """`p2p init DIR`: write a new roundtable, render its generated files, say what comes next."""
    _check_options(name, repository)
    occupants = _occupants(directory)
    if occupants and not force:
        raise P2PError(
            f"{directory} is not empty: it holds {_listed(occupants)}. Nothing was written: choose "
            "an empty folder, or pass --force to write the roundtable's files into this one "
            "(files of the same names are replaced)"
        )
    title = name.strip() if name is not None else default_name(directory)
    toolkit = installed_toolkit()
    event_date = example_event_date(ws.now, Settings().timezone)
    files = scaffold_files(name=title, repository=repository, event_date=event_date, toolkit=toolkit)
    replaced = write_scaffold(directory, files)

    rendered: list[str] = []
    generated = Workspace(root=directory, now=ws.now, out=rendered.append, err=ws.err, env={})
    _render(generated)
    _verify(directory)

    ws.out(f"created a roundtable, {title!r}, in {directory}:")
    rows = [(path, WHAT.get(path, "an example event: edit it, or replace it")) for path in files]
    ws.out(table(("file", "what it is"), sorted(rows, key=lambda row: _listing_order(row[0]))))
    ws.out("generated by `p2p render`: " + ", ".join(line.removeprefix("wrote ") for line in rendered))
    if replaced:
        ws.out(f"replaced (--force): {_listed(replaced)}")
    ws.out("")
    ws.out(next_steps(directory, repository, toolkit))
    return 0


def write_scaffold(directory: Path, files: dict[str, str]) -> list[str]:
    """Write the files; return those that existed and were replaced."""
    from p2p.files.atomic import write_text_atomic

    replaced = []
    for relative, text in files.items():
        path = directory / relative
        if path.exists():
            replaced.append(relative)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise P2PError(f"{directory}: cannot create the folder: {error.strerror or error}") from None
        write_text_atomic(path, text)
    return replaced


def _render(ws: Workspace) -> None:
    from p2p.cli.render import render_files

    render_files(ws, check=False)


def _verify(directory: Path) -> None:
    """What was written must pass `p2p check`: a failure here is a bug in the scaffold."""
    from p2p.files.load import check

    errors = check(directory)
    if errors:
        raise P2PError(
            "the new roundtable does not pass `p2p check` (a bug in p2p, please report it):\n"
            + "\n".join(error.message for error in errors)
        )


def next_steps(directory: Path, repository: str | None, toolkit: Toolkit) -> str:
    """What to do before the first push, then the three steps to a roundtable running on GitHub."""
    where = repository or "OWNER/NAME"
    folder = shlex.quote(str(directory))
    before = ["add your GitHub login to `organizers:` in p2p.yaml"]
    if repository is None:
        before.append(
            "set `repository: owner/name` in p2p.yaml, then run `p2p render` (the page links to\n"
            "    its issues)"
        )
    if toolkit.requirement is None:
        before.append(
            "name the p2p the workflows install in requirements.txt, pinned to a commit\n"
            "    (this p2p was not installed from Git: where it comes from is unknown here)"
        )
    lines = ["Before the first push:", *(f"  - {item}" for item in before), "", "Next steps:"]
    lines += [
        f"  1. Create the token: a fine-grained personal access token for {where} with the repository",
        "     permissions Administration (read and write: collaborators), Issues (read and write) and",
        "     Contents (read), and the organization permission Projects (read and write) for the board.",
        "     Store it as the secret P2P_TOKEN of the environment roundtable, which only the default branch",
        "     may use (Settings → Environments → New environment `roundtable`; Deployment branches and",
        f"     tags: Selected, the default branch): gh secret set P2P_TOKEN --env roundtable --repo {where}",
        f"  2. Push: cd {folder} && git init -b main && git add . && git commit -m 'A new roundtable'",
        f"     && git remote add origin https://github.com/{where}.git && git push -u origin main",
        "  3. Check the token, in the folder: GITHUB_TOKEN=<the token> p2p doctor lists, changing nothing,",
        "     every permission it lacks and the fix for each.",
        "  4. Run the first sync: GITHUB_TOKEN=<the token> p2p sync --dry-run shows the plan;",
        "     p2p sync applies it. From then on the workflows keep GitHub in step with the event files.",
    ]
    return "\n".join(lines)
