"""Loading p2p.yaml, one event file or the whole roundtable strictly, and `p2p check`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from p2p.errors import InputError, InputErrors
from p2p.files import EVENTS_DIR, SETTINGS_FILE
from p2p.files.reader import Problems, parse_yaml, read_text
from p2p.files.validation import validate
from p2p.models import Event, Roundtable, Settings, login_key

EVENT_FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*))?\.yaml$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _report_twice(logins: Iterable[tuple[Any, int]], twice: str, problems: Problems) -> None:
    """Each login (with its line) written a second time, in any case."""
    first: dict[str, int] = {}
    for login, line in logins:
        if not isinstance(login, str):
            continue
        if login_key(login) in first:
            problems.add(
                line,
                f"{login} {twice} (also at line {first[login_key(login)]}): "
                "GitHub logins are case-insensitive; keep one entry",
            )
        else:
            first[login_key(login)] = line


def _settings_from_text(text: str, problems: Problems) -> Settings | None:
    parsed = parse_yaml(text, problems)
    if parsed is None:
        return None
    data, lines = parsed.data, parsed.lines
    if data is None:
        data = {}  # a p2p.yaml with comments only: every setting has its default
    if not isinstance(data, dict):
        problems.add(lines.get((), 1), "p2p.yaml must be a mapping of settings such as `name:`")
        return None
    organizers = data.get("organizers")
    if isinstance(organizers, list):
        logins = ((login, lines.get(("organizers", index), 1)) for index, login in enumerate(organizers))
        _report_twice(logins, "is an organizer twice", problems)
    if problems.errors:
        return None
    return validate(Settings, data, parsed, problems)


def load_settings(path: Path, *, shown: str | None = None) -> Settings:
    """p2p.yaml, strictly (raises InputErrors naming the file as `shown`, by default its path)."""
    problems = Problems(str(path) if shown is None else shown)
    if not path.exists():
        problems.add(
            0,
            f"not found: this folder has no {SETTINGS_FILE}, so it is not a roundtable repository "
            "(create it, run `p2p init`, or point --repo-dir at the repository)",
        )
        problems.raise_if_any()
    text = read_text(path, problems)
    settings = _settings_from_text(text, problems) if text is not None else None
    problems.raise_if_any()
    assert settings is not None  # noqa: S101 - no errors means a model
    return settings


def event_from_text(text: str, name: str, problems: Problems) -> Event | None:
    """An event from its file's text; `name` is the file name, which gives the id."""
    match = EVENT_FILE_NAME.match(name)
    if match is None:
        problems.add(
            0,
            "an event file is named YYYY-MM-DD.yaml or YYYY-MM-DD-slug.yaml "
            "(slug: lowercase letters, digits and hyphens), like 2024-05-15.yaml",
        )
    parsed = parse_yaml(text, problems)
    if parsed is None:
        return None
    data, lines = parsed.data, parsed.lines
    if data is None:
        problems.add(1, "the file is empty: an event needs at least `date:` and `title:`")
        return None
    if not isinstance(data, dict):
        problems.add(lines.get((), 1), "an event file must be a mapping of keys such as `date:` and `title:`")
        return None
    if "id" in data:
        problems.add(
            lines[("id",)],
            f"`id` is not allowed: an event's id is its file name ({name.removesuffix('.yaml')})",
        )
        data = {k: v for k, v in data.items() if k != "id"}
    participants = data.get("participants")
    if isinstance(participants, list):
        logins = (
            (entry.get("github"), lines.get(("participants", index, "github"), 1))
            for index, entry in enumerate(participants)
            if isinstance(entry, dict)
        )
        _report_twice(logins, "is registered twice", problems)
    if match is not None:
        try:
            named: date | None = date.fromisoformat(match["date"])
        except ValueError:
            named = None
            problems.add(0, f"the file name's date {match['date']} is not a real date")
        written = data.get("date")
        if (
            named is not None
            and isinstance(written, date)
            and not isinstance(written, datetime)
            and named != written
        ):
            problems.add(
                lines.get(("date",), 1),
                f"the file name says {named.isoformat()} but `date` is {written.isoformat()}: "
                "rename the file or fix the date",
            )
    event = validate(Event, data, parsed, problems)
    if event is None or problems.errors:
        return None
    return event.model_copy(update={"id": name.removesuffix(".yaml")})


def load_event(path: Path, *, shown: str | None = None) -> Event:
    """One event file, strictly; its id is the file name without .yaml (raises InputErrors naming
    the file as `shown`, by default its path)."""
    problems = Problems(str(path) if shown is None else shown)
    text = read_text(path, problems)
    event = event_from_text(text, path.name, problems) if text is not None else None
    problems.raise_if_any()
    assert event is not None  # noqa: S101 - no errors means a model
    return event


def relative_path(path: Path, root: Path) -> str:
    """How a file is named in messages: relative to the roundtable's folder when inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def event_files(root: Path) -> list[Path]:
    """The event files of a roundtable: events/*.yaml, sorted by name."""
    folder = root / EVENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".yaml" and not p.name.startswith("."))


def _collect(root: Path) -> tuple[Settings | None, list[Event], list[InputError]]:
    errors: list[InputError] = []
    settings: Settings | None = None
    try:
        settings = load_settings(root / SETTINGS_FILE, shown=SETTINGS_FILE)
    except InputErrors as failure:
        errors.extend(failure.errors)
    events: list[Event] = []
    folder = root / EVENTS_DIR
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix == ".yml" and not path.name.startswith("."):
                errors.append(
                    InputError(
                        relative_path(path, root),
                        0,
                        f"event files end in .yaml: rename it to {path.stem}.yaml",
                    )
                )
    for path in event_files(root):
        try:
            events.append(load_event(path, shown=relative_path(path, root)))
        except InputErrors as failure:
            errors.extend(failure.errors)
    events.sort(key=lambda e: (e.date, e.id))
    return settings, events, errors


def load_roundtable(root: Path) -> Roundtable:
    """p2p.yaml and every events/*.yaml, oldest first; raises InputErrors holding every error."""
    settings, events, errors = _collect(root)
    if errors or settings is None:
        raise InputErrors(errors)
    return Roundtable(settings=settings, events=tuple(events))


def check(root: Path) -> list[InputError]:
    """Every error of p2p.yaml and the event files; empty when all are valid."""
    return _collect(root)[2]
