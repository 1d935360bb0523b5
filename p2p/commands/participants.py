"""`p2p participants status` and `p2p participants sync`: seats and repository access (SPEC 4.1, 4.2)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from p2p.errors import GuardError, InvitationLimitError, P2PError
from p2p.models import AccessState, Event, Roundtable
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
from p2p.rules.plan import apply_plan, format_plan, printable, table
from p2p.rules.seats import Seat, seats
from p2p.workspace import Workspace

# --- status ----------------------------------------------------------------------------------


def status(ws: Workspace, *, event: str | None, as_json: bool) -> int:
    """Each registration of one event: its seat and, when GitHub can be read, its access."""
    roundtable = ws.roundtable()
    chosen = ws.event(event)
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
                f"{count} change{'s' if count != 1 else ''} (see it with --dry-run)"
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
        f"{event.id}: {printable(event.title, width=None)} ({capacity} seats): "
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
    return f"{heading}\n{table(headers, rows)}"


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
    outcome = apply_plan(plan.actions, ws.port(), report=ws.out, progress=ws.progress)
    done = len(outcome.done)
    if outcome.error is None:
        ws.out(f"repository access: {_changes(done)} made")
        return 0
    if isinstance(outcome.error, InvitationLimitError):
        left = sum(1 for a in plan.actions[done:] if isinstance(a, Invite | Reinvite))
        again = (ws.now + INVITATION_WINDOW).astimezone(roundtable.settings.zone)
        kept = "none could be sent this run"
        if done:
            kept = f"the {_changes(done)} made {'stay' if done != 1 else 'stays'} made"
        raise P2PError(
            f"GitHub accepts at most {INVITATION_LIMIT} invitations per repository per 24 hours "
            "and refuses more for now: "
            f"{left} invitation{'s' if left != 1 else ''} left to send; {kept}. "
            f"Run `p2p participants sync` again after {_when(again)}: it sends the rest."
        )
    failed = outcome.failed
    what = f"{failed.verb} {failed.subject}" if failed is not None else "a change"
    raise P2PError(
        f"{what} failed ({done} of {count} changes made before it stay made): {outcome.error.message}"
    )


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
