"""`p2p event new`: create an event file."""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Any, get_args

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError, UsageError
from p2p.files import SETTINGS_FILE
from p2p.files.atomic import write_text_atomic
from p2p.files.edit import create_event_file
from p2p.files.load import SLUG, event_files, load_event, load_settings, relative_path
from p2p.files.schema import EVENT_SCHEMA_FILE, event_schema_text
from p2p.models import START_PATTERN, Format

MAX_SLUG = 60  # a file name has room for 255 bytes; a slug is a word or two
MAX_DURATION = 1440  # minutes: the event file's own limit, a day
_START = re.compile(START_PATTERN)
# What an organizer's next event takes over from the latest one when not given: most
# roundtables meet at the same hour, for as long, in the same place.
COPIED = ("format", "start", "duration", "location")


def new(
    ws: Workspace,
    *,
    date: str,
    title: str,
    format: str | None = None,
    start: str | None = None,
    duration: int | None = None,
    location: str | None = None,
    description: str | None = None,
    slug: str | None = None,
    past: bool = False,
) -> int:
    """Create events/DATE[-SLUG].yaml with the schema line, date, title, format, start, duration,
    location and description; what is not given and the latest event has is copied from it, and
    a comment in the file says so."""
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15") from None
    if len(date) != 10:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15")
    formats = get_args(Format)
    if format is not None and format not in formats:
        raise UsageError(f"unknown format {format!r}; allowed: {', '.join(formats)}")
    if not title.strip():
        raise UsageError("--title is empty: give the event a title")
    check_one_line("--title", title)
    if start is not None and not _START.match(start):
        raise UsageError(f"--start {start!r} is not a time written HH:MM (24-hour), like 17:00")
    if duration is not None and not 1 <= duration <= MAX_DURATION:
        raise UsageError(f"--duration {duration} is out of range: minutes from 1 to {MAX_DURATION}, like 90")
    if location is not None:
        check_one_line("--location", location)
    if slug is not None and not SLUG.match(slug):
        raise UsageError(f"--slug {slug!r}: use lowercase letters, digits and single hyphens, like evening")
    if slug is not None and len(slug) > MAX_SLUG:
        raise UsageError(f"--slug {slug!r} is too long: at most {MAX_SLUG} characters, like evening")
    if not ws.settings_path.exists():
        raise P2PError(
            f"no {SETTINGS_FILE} in {ws.root}: it is not a roundtable repository "
            "(run `p2p init`, or point --repo-dir at the repository)"
        )
    today = ws.now.astimezone(load_settings(ws.settings_path, shown=SETTINGS_FILE).zone).date()
    if day < today and not past:
        raise UsageError(
            f"{day.isoformat()} has passed (today is {today.isoformat()}): "
            "give --past to add an event that has happened, or check the year"
        )
    name = f"{day.isoformat()}-{slug}.yaml" if slug else f"{day.isoformat()}.yaml"
    path = ws.events_dir / name
    same_day = [p for p in event_files(ws.files) if p.name[:10] == day.isoformat()]
    if same_day and slug is None:
        raise P2PError(
            f"{relative_path(same_day[0], ws.root)} already holds an event on {day.isoformat()}: "
            "give --slug S for a second event that day (events/DATE-S.yaml)"
        )
    if path.exists():
        raise P2PError(f"{relative_path(path, ws.root)} already exists")
    given = {"format": format, "start": start, "duration": duration, "location": clean(location)}
    copied, source = _copied_from_latest(ws, given)
    data: dict[str, Any] = {
        "date": day,
        "title": title.strip(),
        **{key: given[key] if given[key] is not None else copied.get(key) for key in COPIED},
        "description": clean(description),
    }
    if data["format"] is None:
        data["format"] = "lean-coffee"
    comment = f"{_listed(list(copied))} copied from {source}" if copied else None
    create_event_file(path, data, comment=comment)
    schema = ws.files / EVENT_SCHEMA_FILE
    if not schema.exists():  # the file's first line points editors at it
        write_text_atomic(schema, event_schema_text())
    ws.out(f"created {relative_path(path, ws.root)}" + (f" ({comment})" if comment else ""))
    return 0


def clean(text: str | None) -> str | None:
    """An option's text without the blanks around it; none when nothing is left."""
    return (text.strip() or None) if text is not None else None


def _copied_from_latest(ws: Workspace, given: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The values not given that the latest event file has, and that file's name."""
    files = event_files(ws.root)
    if not files:
        return {}, ""
    shown = relative_path(files[-1], ws.root)
    latest = load_event(files[-1], shown=shown)
    values = {key: getattr(latest, key) for key in COPIED if given[key] is None}
    return {key: value for key, value in values.items() if value is not None}, shown


def _listed(names: list[str]) -> str:
    """start, duration and location."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def check_one_line(option: str, value: str) -> None:
    """A title or a name is one line of text: a line break would turn it into a block of text."""
    if any(not c.isprintable() for c in value):
        raise UsageError(f"{option} {value!r} holds a line break or control character: write it on one line")
