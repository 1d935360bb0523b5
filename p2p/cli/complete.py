"""Shell completion of EVENT and LOGIN arguments, read straight from the files.

The shell runs the command line on every Tab: what it prints must come at once, so this module
reads names with a regular expression and imports neither the models (pydantic), the YAML
library nor the templates; a file it cannot read is skipped, never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from p2p.files import EVENTS_DIR, SETTINGS_FILE

# The event file names `p2p.files.load` accepts: YYYY-MM-DD[-slug].yaml.
_EVENT_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?\.yaml$")
# A registration's `github:` key, as `- github: alice` or on its own line of the entry; quoted
# or not. A comment after it is not part of the login.
_GITHUB = re.compile(r"""^\s+(?:-\s+)?github:\s*["']?([A-Za-z0-9][A-Za-z0-9-]*)["']?\s*(?:#.*)?$""")
# A top-level key: registrations are the `github:` entries under `participants:` (a presenter
# has a `github:` too, and is not registered).
_TOP_KEY = re.compile(r"^([A-Za-z_]+)\s*:")
# The words EVENT takes besides an event id.
EVENT_WORDS = ("next", "last")


def roundtable_root(ctx: Any) -> Path | None:
    """The --repo-dir given so far on the line being completed, else the nearest folder upward
    that holds p2p.yaml, as the command itself would find it."""
    while ctx is not None:
        given = ctx.params.get("repo_dir")
        if given:
            return Path(given)
        ctx = ctx.parent
    here = Path.cwd()
    return next((folder for folder in (here, *here.parents) if (folder / SETTINGS_FILE).is_file()), None)


def event_ids(root: Path | None) -> list[str]:
    """The ids of the event files, newest first (the one a person most often means)."""
    if root is None:
        return []
    try:
        names = [p.name for p in (root / EVENTS_DIR).iterdir() if _EVENT_FILE.match(p.name)]
    except OSError:
        return []
    return sorted((name.removesuffix(".yaml") for name in names), reverse=True)


def registered_logins(root: Path | None) -> list[str]:
    """Every login registered in an event file, newest event first, each once."""
    seen: dict[str, str] = {}
    for event_id in event_ids(root):
        assert root is not None  # noqa: S101 - event_ids found files under it
        for login in _logins_in(root / EVENTS_DIR / f"{event_id}.yaml"):
            seen.setdefault(login.lower(), login)  # GitHub logins are case-insensitive
    return list(seen.values())


def _logins_in(path: Path) -> Iterable[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    logins, section = [], None
    for line in text.splitlines():
        top = _TOP_KEY.match(line)
        if top:
            section = top.group(1)
        elif section == "participants" and (found := _GITHUB.match(line)):
            logins.append(found.group(1))
    return logins


def complete_event(ctx: Any, incomplete: str) -> list[str]:
    """EVENT: `next`, `last` and the event ids that start with what is typed."""
    choices = [*EVENT_WORDS, *event_ids(roundtable_root(ctx))]
    return [choice for choice in choices if choice.startswith(incomplete)]


def complete_login(ctx: Any, incomplete: str) -> list[str]:
    """LOGIN: the registered logins that start with what is typed."""
    return [login for login in registered_logins(roundtable_root(ctx)) if login.startswith(incomplete)]
