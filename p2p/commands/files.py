"""File commands: `p2p check`, `p2p event new`, `p2p participants add` and `cancel`."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date as Date
from pathlib import Path
from typing import Any, get_args

from p2p.errors import InputErrors, NothingToDo, P2PError, UsageError
from p2p.files.atomic import write_text_atomic
from p2p.files.edit import EventDocument, create_event_file, edit_event
from p2p.files.load import EVENTS_DIR, SETTINGS_FILE, SLUG, event_files, load_event, relative_path
from p2p.files.load import check as check_files
from p2p.files.schema import EVENT_SCHEMA_FILE, event_schema_text
from p2p.models import START_PATTERN, Event, Format, check_login, login_key
from p2p.rules.seats import Seat, seats
from p2p.workspace import Workspace

MAX_SLUG = 60  # a file name has room for 255 bytes; a slug is a word or two
_START = re.compile(START_PATTERN)


def check(ws: Workspace) -> int:
    """Validate p2p.yaml and every event file; print every error as file:line: message."""
    errors = check_files(ws.root)
    for error in errors:
        ws.out(error.message)
    if errors:
        files = len({error.path for error in errors})
        ws.err(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        )
        return 1
    count = len(event_files(ws.root))
    ws.out(f"{SETTINGS_FILE} and {count} event file{'s' if count != 1 else ''} are valid")
    return 0


def event_new(
    ws: Workspace, *, date: str, title: str, format: str, start: str | None, slug: str | None
) -> int:
    """Create events/DATE[-SLUG].yaml with the schema line, date, title, format and start."""
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15") from None
    if len(date) != 10:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15")
    formats = get_args(Format)
    if format not in formats:
        raise UsageError(f"unknown format {format!r}; allowed: {', '.join(formats)}")
    if not title.strip():
        raise UsageError("--title is empty: give the event a title")
    _check_one_line("--title", title)
    if start is not None and not _START.match(start):
        raise UsageError(f"--start {start!r} is not a time written HH:MM (24-hour), like 17:00")
    if slug is not None and not SLUG.match(slug):
        raise UsageError(f"--slug {slug!r}: use lowercase letters, digits and single hyphens, like evening")
    if slug is not None and len(slug) > MAX_SLUG:
        raise UsageError(f"--slug {slug!r} is too long: at most {MAX_SLUG} characters, like evening")
    if not ws.settings_path.exists():
        raise P2PError(
            f"no {SETTINGS_FILE} in {ws.root}: this is no roundtable repository "
            "(run `p2p init`, or point --repo-dir at the repository)"
        )
    name = f"{day.isoformat()}-{slug}.yaml" if slug else f"{day.isoformat()}.yaml"
    path = ws.events_dir / name
    same_day = [p for p in event_files(ws.root) if p.name[:10] == day.isoformat()]
    if same_day and slug is None:
        raise P2PError(
            f"{relative_path(same_day[0], ws.root)} already holds an event on {day.isoformat()}: "
            "give --slug S for a second event that day (events/DATE-S.yaml)"
        )
    if path.exists():
        raise P2PError(f"{relative_path(path, ws.root)} already exists")
    data: dict[str, Any] = {"date": day, "title": title.strip(), "format": format, "start": start}
    create_event_file(path, data)
    schema = ws.root / EVENT_SCHEMA_FILE
    if not schema.exists():  # the file's first line points editors at it
        write_text_atomic(schema, event_schema_text())
    ws.out(f"created {relative_path(path, ws.root)}")
    return 0


def _check_one_line(option: str, value: str) -> None:
    """A title or a name is one line of text: a line break would turn it into a block of text."""
    if any(not c.isprintable() for c in value):
        raise UsageError(f"{option} {value!r} holds a line break or control character: write it on one line")


def _check_login(login: str) -> None:
    try:
        check_login(login)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _find(document: EventDocument, login: str) -> int | None:
    """The index of LOGIN's registration in the file as it is now (under the edit lock)."""
    for index, registration in enumerate(document.event.participants):
        if login_key(registration.github) == login_key(login):
            return index
    return None


def _seats(ws: Workspace, event: Event) -> tuple[Seat, ...]:
    return seats(event.participants, _capacity(ws, event))


def _seat_of(all_seats: tuple[Seat, ...], login: str) -> Seat:
    return next(s for s in all_seats if login_key(s.login) == login_key(login))


def _describe(seat: Seat, capacity: int) -> str:
    if seat.kind == "accepted":
        return f"accepted (seat {seat.position} of {capacity})"
    if seat.kind == "waitlisted":
        return f"waitlisted #{seat.position} (all {capacity} seats are taken)"
    return "cancelled"


def _capacity(ws: Workspace, event: Event) -> int:
    return ws.roundtable().capacity(event)


def _target(ws: Workspace, event: str | None) -> Event:
    """The named event, or the next one; having none to edit is a failure, not nothing to do."""
    try:
        return ws.event(event)
    except NothingToDo:
        if event == "last":
            raise P2PError(
                f"no event in {EVENTS_DIR}/ has ended yet: name the event with --event, "
                "or leave it out for the next one"
            ) from None
        raise P2PError(
            f"no upcoming event in {EVENTS_DIR}/: create one with `p2p event new DATE --title T` "
            "or name an event with --event"
        ) from None


def participants_add(ws: Workspace, *, login: str, event: str | None, name: str | None) -> int:
    """Register LOGIN now, at the back of the line; un-cancel a cancelled registration."""
    _check_login(login)
    if name is not None:
        _check_one_line("--name", name)
    target = _target(ws, event)
    path = ws.event_path(target)
    registered = ws.now.astimezone(ws.roundtable().settings.zone).replace(microsecond=0)

    def change(document: EventDocument) -> bool:
        """Register LOGIN; True when a cancelled registration is made again."""
        index = _find(document, login)
        if index is None:
            entry: dict[str, Any] = {"github": login}
            if name:
                entry["name"] = name
            entry["registered"] = registered
            document.append("participants", entry)
            return False
        registrations = document.event.participants
        current = registrations[index]
        if not current.cancelled:
            raise P2PError(
                f"{current.github} is already registered for {target.id} "
                f"(since {current.registered.isoformat()}); nothing changed"
            )
        # Back of the line: the new time orders the seat, and the entry keeps its place in the
        # file, unless someone registered in the same second after it: ties go by file order.
        later = [r for r in registrations[index + 1 :] if not r.cancelled and r.registered >= registered]
        if later:
            renewed: dict[str, Any] = {"github": current.github}
            if name or current.name:
                renewed["name"] = name or current.name
            renewed["registered"] = registered
            document.remove("participants", index)
            document.append("participants", renewed)
            return True
        document.set_item_field("participants", index, "registered", registered)
        document.set_item_field("participants", index, "cancelled", False)
        if name:
            document.set_item_field("participants", index, "name", name)
        return True

    again = edit_event(path, change)
    updated = _reload(ws, path)
    seat = _seat_of(_seats(ws, updated), login)
    described = _describe(seat, _capacity(ws, updated))
    registered_as = f"{seat.login} again" if again else seat.login
    ws.out(f"registered {registered_as} for {updated.id} ({relative_path(path, ws.root)}): {described}")
    return 0


def participants_cancel(ws: Workspace, *, login: str, event: str | None) -> int:
    """Cancel LOGIN's registration (the entry stays, marked cancelled); report who moves up."""
    _check_login(login)
    target = _target(ws, event)
    path = ws.event_path(target)
    before = _seats(ws, target)

    def change(document: EventDocument) -> bool:
        index = _find(document, login)
        if index is None:
            raise P2PError(f"{login} is not registered for {target.id}; nothing changed")
        if document.event.participants[index].cancelled:
            return False
        document.set_item_field("participants", index, "cancelled", True)
        return True

    changed = edit_event(path, change)
    updated = _reload(ws, path)
    after = _seats(ws, updated)
    seat = _seat_of(after, login)
    if not changed:
        ws.out(f"{seat.login}'s registration for {updated.id} was already cancelled; nothing changed")
        return 0
    ws.out(f"cancelled {seat.login} for {updated.id} ({relative_path(path, ws.root)})")
    was = {login_key(s.login): s for s in before}
    for moved in after:
        earlier = was.get(login_key(moved.login))
        if moved.kind == "accepted" and earlier is not None and earlier.kind == "waitlisted":
            ws.out(f"{moved.login} moves up from the waitlist: {_describe(moved, _capacity(ws, updated))}")
    return 0


def _reload(ws: Workspace, path: Path) -> Event:
    """The event as the file now says, and the workspace's roundtable refreshed."""
    with suppress(InputErrors):  # another file may be invalid; this one was validated on write
        ws.roundtable(reload=True)
    return load_event(path)
