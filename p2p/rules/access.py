"""SPEC 4.2 as a pure planner: who should hold access to the repository, and the steps to get there.

Desired = organizers, accepted participants of every event that has not ended and, under
`after_event: keep`, accepted participants of past events. Only *managed* people (those in
some event's participants, organizers aside) are ever uninvited or removed. `keep` keeps what
people hold after their event; it invites nobody for an event that is over.

The removal guard counts the people a run would take access from: collaborators removed and
live invitations withdrawn (SPEC 4.2 measures against the managed people who hold either),
except routine ones, whose event has ended under `after_event: revoke`. Expired invitations
withdraw nothing and are only tidied away.

Seats per event: a person counts against an event's capacity when they are on its roster and
hold access or a live invitation that nothing else explains (an organizer, or an accepted seat
at another event that grants access). Cancelling and removing come before inviting, so that
count never exceeds the capacity at any step of a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from p2p.models import AccessState, Event, Invitation, Roundtable, login_key
from p2p.port import Port
from p2p.rules.seats import Seat, seats

AccessKind = Literal["collaborator", "invited", "invite-expired", "none"]

# The removal guard (SPEC 4.2): more than this many withdrawals ...
GUARD_MIN_REMOVALS = 2
# ... and more than this share of the managed people who hold access or a live invitation.
GUARD_SHARE = 0.25


# --- observed access of one person -------------------------------------------------------


def invitations_of(login: str, access: AccessState) -> tuple[Invitation, ...]:
    key = login_key(login)
    return tuple(i for i in access.invitations if login_key(i.login) == key)


def invitation_of(login: str, access: AccessState) -> Invitation | None:
    """The person's invitation that matters: the newest live one, else the newest expired one."""
    found = sorted(invitations_of(login, access), key=lambda i: (not i.expired, i.created_at))
    return found[-1] if found else None


def is_collaborator(login: str, access: AccessState) -> bool:
    key = login_key(login)
    return any(login_key(c.login) == key for c in access.collaborators)


def access_of(login: str, access: AccessState) -> AccessKind:
    """collaborator, invited (a live invitation), invite-expired, or none."""
    if is_collaborator(login, access):
        return "collaborator"
    invitation = invitation_of(login, access)
    if invitation is None:
        return "none"
    return "invite-expired" if invitation.expired else "invited"


def invited_since(login: str, access: AccessState) -> datetime | None:
    """When the live invitation of a person who is not yet a collaborator was sent; else None."""
    if access_of(login, access) != "invited":
        return None
    invitation = invitation_of(login, access)
    return invitation.created_at if invitation is not None else None


def holds_access(login: str, access: AccessState) -> bool:
    """A collaborator, or the holder of a live invitation."""
    return access_of(login, access) in ("collaborator", "invited")


# --- actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    """Invite a desired person who neither has access nor a live invitation."""

    login: str
    permission: str
    reason: str
    # The event whose registration asks for it (None: an organizer), to point at its line.
    event_id: str | None = field(default=None, compare=False)

    @property
    def verb(self) -> str:
        return "invite"

    @property
    def subject(self) -> str:
        return self.login

    def apply(self, port: Port) -> None:
        port.invite(self.login, self.permission)


@dataclass(frozen=True)
class Reinvite:
    """Delete a desired person's expired invitation(s), then invite them again.

    Interrupted between the two, the next run finds no invitation and simply invites.
    """

    login: str
    permission: str
    expired: tuple[int, ...]
    reason: str
    # The event whose registration asks for it (None: an organizer), to point at its line.
    event_id: str | None = field(default=None, compare=False)

    @property
    def verb(self) -> str:
        return "reinvite"

    @property
    def subject(self) -> str:
        return self.login

    def apply(self, port: Port) -> None:
        for invitation_id in self.expired:
            port.cancel_invitation(invitation_id)
        port.invite(self.login, self.permission)


@dataclass(frozen=True)
class CancelInvitation:
    """Delete the invitation of a managed person who is no longer desired."""

    login: str
    invitation_id: int
    reason: str
    live: bool = True  # an expired invitation withdraws nothing: tidying only
    routine: bool = False

    @property
    def verb(self) -> str:
        return "cancel invitation"

    @property
    def subject(self) -> str:
        return self.login

    def apply(self, port: Port) -> None:
        port.cancel_invitation(self.invitation_id)


@dataclass(frozen=True)
class RemoveCollaborator:
    """Remove a managed collaborator who is no longer desired."""

    login: str
    reason: str
    routine: bool = False  # their event has ended under `after_event: revoke`

    @property
    def verb(self) -> str:
        return "remove"

    @property
    def subject(self) -> str:
        return self.login

    def apply(self, port: Port) -> None:
        port.remove_collaborator(self.login)


AccessAction = Invite | Reinvite | CancelInvitation | RemoveCollaborator


@dataclass(frozen=True)
class AccessPlan:
    """What `participants sync` would do, in order, and whether the removal guard stops it."""

    actions: tuple[AccessAction, ...] = ()
    guard_reason: str = ""  # why the removal guard stops the plan; empty when it does not
    notes: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()  # counted by the guard
    holders: int = 0  # managed people holding access or a live invitation

    @property
    def guard_tripped(self) -> bool:
        return bool(self.guard_reason)

    @property
    def invitations(self) -> tuple[Invite | Reinvite, ...]:
        return tuple(a for a in self.actions if isinstance(a, Invite | Reinvite))

    @property
    def withdrawals(self) -> tuple[CancelInvitation | RemoveCollaborator, ...]:
        return tuple(a for a in self.actions if isinstance(a, CancelInvitation | RemoveCollaborator))


# --- who should hold access ----------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """Why one person should hold access; `rank` orders invitations (most urgent first)."""

    login: str
    why: str
    rank: tuple[int, int, int]
    event_id: str | None = None  # the registration's event; None for an organizer
    # Kept after an event: whoever holds access keeps it, but nobody is invited, or invited again,
    # for an event that is over (an old roster would otherwise invite people years later, and
    # re-send an unaccepted invitation every seven days forever).
    invite: bool = True


@dataclass(frozen=True)
class Standing:
    """One registration of a managed person, and what it says about their access."""

    login: str
    event: Event
    seat: Seat
    ended: bool


@dataclass(frozen=True)
class Roster:
    """Desired people (with the claim that puts them there) and managed people's standings."""

    desired: dict[str, Claim]
    standings: dict[str, list[Standing]]
    organizers: frozenset[str]

    @property
    def managed(self) -> frozenset[str]:
        return frozenset(self.standings) - self.organizers


def _events(roundtable: Roundtable) -> list[Event]:
    return sorted(roundtable.events, key=lambda e: (e.date, e.id))


def roster(roundtable: Roundtable, now: datetime) -> Roster:
    """Who should hold access and why, and every managed person's registrations."""
    settings = roundtable.settings
    keep = settings.after_event == "keep"
    desired: dict[str, Claim] = {}
    standings: dict[str, list[Standing]] = {}
    for n, organizer in enumerate(settings.organizers):
        desired.setdefault(login_key(organizer), Claim(organizer, "organizer", (0, 0, n)))
    events = _events(roundtable)
    for index, event in enumerate(events):
        ended = roundtable.has_ended(event, now)
        for seat in seats(event.participants, roundtable.capacity(event)):
            key = login_key(seat.login)
            standings.setdefault(key, []).append(Standing(seat.login, event, seat, ended))
            if seat.kind != "accepted" or (ended and not keep):
                continue
            position = seat.position or 0
            if ended:
                # Past events after the upcoming ones, newest first.
                claim = Claim(
                    seat.login,
                    f"{seat.describe()} for {event.id} (kept after the event)",
                    (2, len(events) - index, position),
                    event.id,
                    invite=False,
                )
            else:
                claim = Claim(seat.login, f"{seat.describe()} for {event.id}", (1, index, position), event.id)
            if key not in desired or claim.rank < desired[key].rank:
                desired[key] = claim
    organizers = frozenset(login_key(o) for o in settings.organizers)
    return Roster(desired, standings, organizers)


def _is_routine(standings: Sequence[Standing], after_event: str) -> bool:
    """Losing access because one's event has ended, under `after_event: revoke`.

    Someone who also cancelled for an event still ahead loses access through that
    cancellation, which the guard counts (a mass cancellation is what it is there for).
    """
    return (
        after_event == "revoke"
        and any(s.ended and s.seat.kind == "accepted" for s in standings)
        and not any(not s.ended and s.seat.kind == "cancelled" for s in standings)
    )


def _why_not(standings: list[Standing]) -> str:
    """Why a managed person is no longer desired, from their latest registrations."""
    parts = []
    for standing in sorted(standings, key=lambda s: (s.event.date, s.event.id), reverse=True)[:2]:
        event_id = standing.event.id
        if standing.seat.kind == "cancelled":
            parts.append(f"cancelled for {event_id}")
        elif standing.seat.kind == "waitlisted":
            parts.append(f"{standing.seat.describe()} for {event_id}")
        else:  # accepted at an event that has ended, under after_event: revoke
            parts.append(f"{event_id} has ended (after_event: revoke)")
    return "; ".join(parts)


# --- the plan ------------------------------------------------------------------------------


def plan_access(roundtable: Roundtable, access: AccessState, now: datetime) -> AccessPlan:
    """SPEC 4.2: the ordered actions that make GitHub's access match the event files.

    Withdrawals (cancelled invitations, then removals) come first, then invitations, the most
    urgent first: organizers, the next event by seat, later events, past events kept.
    """
    settings = roundtable.settings
    who = roster(roundtable, now)
    permission = settings.permission
    invitations_by_key: dict[str, list[Invitation]] = {}
    for invitation in sorted(access.invitations, key=lambda i: (i.created_at, i.id)):
        invitations_by_key.setdefault(login_key(invitation.login), []).append(invitation)
    # Direct access only is managed (SPEC 4.2): access through the organization (its base
    # permission, a team, ownership) is listed by GitHub but no request on the repository takes
    # it away, so it is neither removed nor counted by the guard; a desired person who holds only
    # such access is invited, which makes them a direct collaborator (GitHub answers 204).
    collaborators = {login_key(c.login): c.login for c in access.collaborators if c.direct}
    through_organization = {login_key(c.login): c.login for c in access.collaborators if not c.direct}
    kept: list[str] = []  # managed people no longer desired whose access the organization gives

    withdrawals: list[CancelInvitation | RemoveCollaborator] = []
    invitations: list[tuple[Claim, Invite | Reinvite]] = []
    withdrawn: list[str] = []  # people losing access or a live invitation, routine ones aside
    for key in sorted({*who.desired, *collaborators, *invitations_by_key, *through_organization}):
        held = invitations_by_key.get(key, [])
        live = [i for i in held if not i.expired]
        claim = who.desired.get(key)
        if claim is not None:
            if key in collaborators or live or not claim.invite:
                continue
            if key in through_organization and key in who.organizers:
                continue  # an organizer's access through the organization is theirs to keep as is
            if held:  # expired only: GitHub expires invitations after 7 days
                sent = roundtable.today(held[-1].created_at)
                why = f"{claim.why}, invitation of {sent} expired"
                expired = tuple(i.id for i in held)
                invitations.append((claim, Reinvite(claim.login, permission, expired, why, claim.event_id)))
            else:
                why = f"{claim.why}, not yet invited"
                invitations.append((claim, Invite(claim.login, permission, why, claim.event_id)))
        elif key in who.managed:  # never touch anyone the event files do not manage
            standings = who.standings[key]
            why = _why_not(standings)
            routine = _is_routine(standings, settings.after_event)
            for invitation in held:
                state = "expired" if invitation.expired else "pending"
                withdrawals.append(
                    CancelInvitation(
                        invitation.login,
                        invitation.id,
                        f"{why}; invitation {state}",
                        live=not invitation.expired,
                        routine=routine,
                    )
                )
            if key in collaborators:
                withdrawals.append(RemoveCollaborator(collaborators[key], why, routine=routine))
            elif key in through_organization:
                kept.append(through_organization[key])
            if (key in collaborators or live) and not routine:
                withdrawn.append(collaborators.get(key) or live[0].login)

    holders = sum(
        1
        for key in who.managed
        if key in collaborators or any(not i.expired for i in invitations_by_key.get(key, []))
    )
    guard_reason = ""
    if len(withdrawn) > GUARD_MIN_REMOVALS and len(withdrawn) > GUARD_SHARE * holders:
        guard_reason = (
            f"this run would withdraw access from {len(withdrawn)} of the {holders} managed people "
            f"who hold access or an invitation (more than {GUARD_MIN_REMOVALS} and more than a quarter): "
            + ", ".join(withdrawn)
        )
    withdrawals.sort(key=lambda a: (isinstance(a, RemoveCollaborator), login_key(a.login)))
    invitations.sort(key=lambda pair: pair[0].rank)
    actions = (*withdrawals, *(action for _, action in invitations))
    return AccessPlan(
        actions,
        guard_reason,
        _notes(settings.permission, access, invitations != [])
        + tuple(
            f"{login} has access through the organization: p2p leaves it alone (an organization "
            "owner can take it away)"
            for login in kept
        ),
        tuple(withdrawn),
        holders,
    )


def _notes(permission: str, access: AccessState, inviting: bool) -> tuple[str, ...]:
    if inviting and not access.owner_is_organization and permission != "push":
        # GitHub docs, "Permission levels for a personal account repository": collaborators
        # on a repository owned by a personal account all get read and write access.
        return (
            "the repository belongs to a personal account: GitHub gives every collaborator write "
            f"access there, whatever `permission: {permission}` in p2p.yaml says",
        )
    return ()


# --- seats held, for the capacity rule -------------------------------------------------------


def seats_taken(roundtable: Roundtable, access: AccessState, event: Event, now: datetime) -> int:
    """People on the event's roster who hold access or a live invitation because of it.

    Organizers, and people without an accepted seat here who are desired through another
    event, are not counted: their access does not come from this event's seats.
    """
    who = roster(roundtable, now)
    taken = 0
    for key, registration in {login_key(r.github): r for r in event.participants}.items():
        if key in who.organizers or not holds_access(registration.github, access):
            continue
        accepted_here = any(
            s.event.id == event.id and s.seat.kind == "accepted" for s in who.standings.get(key, [])
        )
        if accepted_here or key not in who.desired:
            taken += 1
    return taken
