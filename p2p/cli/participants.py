"""`p2p participants status`, `add`, `cancel` and `sync`: registrations, seats and repository access
(SPEC 4.1, 4.2)."""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from p2p.cli.event import check_one_line
from p2p.cli.workspace import Workspace
from p2p.errors import (
    GuardError,
    InputErrors,
    InvitationLimitError,
    NothingToDo,
    P2PError,
    UnknownLoginError,
    UsageError,
)
from p2p.files import EVENTS_DIR, SETTINGS_FILE
from p2p.files.edit import EventDocument, edit_event
from p2p.files.load import load_event, relative_path
from p2p.files.reader import Problems, parse_yaml
from p2p.models import AccessState, Event, Roundtable, check_login, login_key
from p2p.port import INVITATION_LIMIT, INVITATION_WINDOW
from p2p.rules.access import (
    AccessKind,
    AccessPlan,
    Invite,
    Reinvite,
    access_of,
    invitation_of,
    invited_since,
    plan_access,
)
from p2p.rules.plan import apply_plan, counted, format_plan, printable, table
from p2p.rules.seats import Seat, find_registration, register, seats

# --- status ----------------------------------------------------------------------------------


def status(ws: Workspace, *, event: str | None, as_json: bool) -> int:
    """Each registration of one event: its seat and, when GitHub can be read, its access."""
    roundtable = ws.roundtable()
    try:
        chosen = ws.event(event)
    except NothingToDo as nothing:
        if not as_json:
            raise
        ws.err(nothing.message)  # the message on standard error, the document on standard output
        ws.out(json.dumps({"event": None, "capacity": None, "registrations": []}, indent=2))
        return 0
    access = _observe(ws)
    lineup = _lineup(seats(chosen.participants, roundtable.capacity(chosen)))
    if as_json:
        ws.out(json.dumps(_as_json(roundtable, chosen, lineup, access), indent=2, ensure_ascii=False))
        return 0
    ws.out(_as_text(roundtable, chosen, lineup, access))
    if access is not None:
        plan = plan_access(roundtable, access, ws.now)
        if plan.actions:
            count = len(plan.actions)
            ws.out(
                f"repository access differs from the event files: `p2p participants sync` would make "
                f"{counted(count, 'change')} (see it with --dry-run)"
            )
        else:
            ws.out("repository access matches the event files")
    return 0


def _observe(ws: Workspace) -> AccessState | None:
    """GitHub's access state when a token (or the sandbox) is at hand; else None, with a note.

    The workspace finds the token as for every command ($GITHUB_TOKEN, $GH_TOKEN, else the login
    of the `gh` CLI) before it imports the GitHub adapter, so without one PyGithub is not loaded.
    """
    try:
        port = ws.port()
    except P2PError as error:  # no repository named, no token, or a bad setting
        ws.err(f"note: access is not shown (seats only): {error.message}")
        return None
    return port.read_access()


def _lineup(all_seats: tuple[Seat, ...]) -> list[Seat]:
    """Accepted in seat order, then the waitlist in order, then cancellations as in the file."""
    order = {"accepted": 0, "waitlisted": 1, "cancelled": 2}
    return sorted(all_seats, key=lambda s: (order[s.kind], s.position or 0))


def _access(seat: Seat, access: AccessState | None) -> AccessKind | None:
    return None if access is None else access_of(seat.login, access)


def _as_json(
    roundtable: Roundtable, event: Event, lineup: list[Seat], access: AccessState | None
) -> dict[str, Any]:
    return {
        "event": event.id,
        "capacity": roundtable.capacity(event),
        "registrations": [
            {
                "github": seat.login,
                "name": seat.registration.name,
                "registered": seat.registration.registered.isoformat(),
                "seat": seat.kind,
                "position": seat.position,
                "access": _access(seat, access),
                # Only when they did not agree to the meeting being recorded (4.6).
                **({"recording": False} if seat.registration.recording is False else {}),
            }
            for seat in lineup
        ],
    }


def _describe_access(seat: Seat, roundtable: Roundtable, access: AccessState) -> str:
    kind = access_of(seat.login, access)
    if kind == "invited":
        since = invited_since(seat.login, access)
        return f"invited since {roundtable.today(since)}" if since else "invited"
    if kind == "invite-expired":
        invitation = invitation_of(seat.login, access)
        return f"invite expired (sent {roundtable.today(invitation.created_at)})" if invitation else kind
    return kind


def _as_text(roundtable: Roundtable, event: Event, lineup: list[Seat], access: AccessState | None) -> str:
    capacity = roundtable.capacity(event)
    counts = {
        kind: sum(1 for s in lineup if s.kind == kind) for kind in ("accepted", "waitlisted", "cancelled")
    }
    heading = (
        f"{event.id}: {printable(event.title, width=None)} ({counted(capacity, 'seat')}): "
        f"{counts['accepted']} accepted, {counts['waitlisted']} waitlisted, {counts['cancelled']} cancelled"
    )
    if not lineup:
        return f"{heading}\nno registrations yet: add one with `p2p participants add LOGIN`"
    zone = roundtable.settings.zone
    headers = ["github", "name", f"registered ({roundtable.settings.timezone})", "seat"]
    if access is not None:
        headers.append("access")
    rows = []
    for seat in lineup:
        registered = seat.registration.registered.astimezone(zone)
        row = [
            seat.login,
            printable(seat.registration.name or "", width=None),
            f"{registered:%Y-%m-%d %H:%M}",
            seat.describe(),
        ]
        if access is not None:
            row.append(_describe_access(seat, roundtable, access))
        rows.append(row)
    text = f"{heading}\n{table(headers, rows)}"
    unrecorded = [s.login for s in lineup if s.registration.recording is False and s.kind != "cancelled"]
    if unrecorded:
        text += f"\nnot agreed to be recorded: {', '.join(unrecorded)}"
    return text


# --- add and cancel --------------------------------------------------------------------------


def _check_login(login: str) -> None:
    try:
        check_login(login)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _seats(ws: Workspace, event: Event) -> tuple[Seat, ...]:
    return seats(event.participants, _capacity(ws, event))


def _seat_of(all_seats: tuple[Seat, ...], login: str) -> Seat:
    return next(s for s in all_seats if login_key(s.login) == login_key(login))


def _describe(seat: Seat, capacity: int) -> str:
    if seat.kind == "accepted":
        return f"accepted (seat {seat.position} of {capacity})"
    if seat.kind == "waitlisted":
        taken = "the only seat is taken" if capacity == 1 else f"all {capacity} seats are taken"
        return f"waitlisted #{seat.position} ({taken})"
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


def add(ws: Workspace, *, login: str, event: str | None, name: str | None) -> int:
    """Register LOGIN now, at the back of the line; un-cancel a cancelled registration."""
    _check_login(login)
    if name is not None:
        check_one_line("--name", name)
    target = _target(ws, event)
    path = ws.event_path(target)
    registered = ws.now.astimezone(ws.roundtable().settings.zone).replace(microsecond=0)

    def change(document: EventDocument) -> bool:
        """Register LOGIN; True when a cancelled registration is made again."""
        registrations = document.event.participants
        registering = register(registrations, login, registered)
        if registering.how == "new":
            entry: dict[str, Any] = {"github": login}
            if name:
                entry["name"] = name
            entry["registered"] = registered
            document.append("participants", entry)
            return False
        index = registering.index
        current = registrations[index]
        if registering.how == "already":
            since = current.registered.astimezone(ws.roundtable().settings.zone)
            raise P2PError(
                f"{current.github} is already registered for {target.id} "
                f"(since {_when(since)}); nothing changed"
            )
        if registering.how == "moved":
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


def cancel(ws: Workspace, *, login: str, event: str | None) -> int:
    """Cancel LOGIN's registration (the entry stays, marked cancelled); report who moves up."""
    _check_login(login)
    target = _target(ws, event)
    path = ws.event_path(target)
    before = _seats(ws, target)

    def change(document: EventDocument) -> bool:
        index = find_registration(document.event.participants, login)
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


# --- sync ------------------------------------------------------------------------------------


def sync(ws: Workspace, *, dry_run: bool, force: bool) -> int:
    """`p2p participants sync`: read GitHub's access once, then plan and apply."""
    ws.roundtable()  # invalid event files stop the run before GitHub is reached
    return sync_with(ws, ws.port().read_access(), dry_run=dry_run, force=force)


def sync_with(ws: Workspace, access: AccessState, *, dry_run: bool, force: bool) -> int:
    """Everything after the read: plan, print, check the guard, apply one write at a time."""
    roundtable = ws.roundtable()
    plan = plan_access(roundtable, access, ws.now)
    ws.out(format_plan(plan.actions, empty="repository access: nothing to change"))
    for note in plan.notes:
        ws.out(f"note: {note}")
    _check_guard(ws, plan, dry_run=dry_run, force=force)
    count = len(plan.actions)
    if dry_run:
        if count:
            ws.out(f"dry run: {_changes(count)} planned, none made")
        return 0
    if not count:
        return 0
    # A login GitHub does not know fails its own invitation only (SPEC 4.2): the others go on.
    outcome = apply_plan(
        plan.actions, ws.port(), report=ws.out, progress=ws.progress, go_on=(UnknownLoginError,)
    )
    done = len(outcome.done)
    unknown = [f"{_registered_at(ws, action)}: {error.message}" for action, error in outcome.skipped]
    if outcome.error is None:
        ws.out(f"repository access: {_changes(done)} made")
        if unknown:
            raise P2PError("\n".join(unknown))
        return 0
    for line in unknown:
        ws.err(line)
    if isinstance(outcome.error, InvitationLimitError):
        left = sum(1 for a in plan.actions[done:] if isinstance(a, Invite | Reinvite))
        again = (ws.now + INVITATION_WINDOW).astimezone(roundtable.settings.zone)
        kept = "none could be sent this run"
        if done:
            kept = f"the {_changes(done)} made {'stay' if done != 1 else 'stays'} made"
        raise P2PError(
            f"GitHub accepts at most {INVITATION_LIMIT} invitations per repository per 24 hours "
            "and refuses more for now: "
            f"{counted(left, 'invitation')} left to send; {kept}. "
            f"Run `p2p participants sync` again after {_when(again)}: it sends the rest."
        )
    failed = outcome.failed
    what = f"{failed.verb} {failed.subject}" if failed is not None else "a change"
    raise P2PError(
        f"{what} failed ({done} of {count} changes made before it stay made): {outcome.error.message}"
    )


def _registered_at(ws: Workspace, action: object) -> str:
    """`file:line` of the registration that asked for an invitation: the login in the event's
    participants, or among the organizers of p2p.yaml."""
    login = str(getattr(action, "login", ""))
    event_id = getattr(action, "event_id", None)
    event = ws.roundtable().event(event_id) if isinstance(event_id, str) else None
    path = ws.event_path(event) if event is not None else ws.root / SETTINGS_FILE
    where = relative_path(path, ws.root)
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"), Problems(where))
    except OSError:
        return where
    if parsed is None or not isinstance(parsed.data, dict):
        return where
    key = "participants" if event is not None else "organizers"
    entries = parsed.data.get(key) or []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        written = entry.get("github") if isinstance(entry, dict) else entry
        if isinstance(written, str) and login_key(written) == login_key(login):
            loc: tuple[str | int, ...] = (key, index, "github") if event is not None else (key, index)
            return f"{where}:{parsed.lines.get(loc, parsed.lines.get((key, index), 1))}"
    return where


def _check_guard(ws: Workspace, plan: AccessPlan, *, dry_run: bool, force: bool) -> None:
    if not plan.guard_tripped:
        return
    if force:
        ws.err(f"warning: removal guard overridden by --force: {plan.guard_reason}")
        return
    outcome = "a real run would change nothing" if dry_run else "nothing was changed"
    raise GuardError(
        f"removal guard: {plan.guard_reason}; {outcome}. Check the event files; if they are right, "
        "run `p2p participants sync --force`"
    )


def _changes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname() or ''}".rstrip()
