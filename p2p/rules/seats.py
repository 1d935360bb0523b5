"""SPEC 4.1, first come, first served: who holds a seat, and where registering puts someone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from p2p.models import Registration, login_key

SeatKind = Literal["accepted", "waitlisted", "cancelled"]


@dataclass(frozen=True)
class Seat:
    """A registration's place: accepted #n, waitlisted #n, or cancelled (no position)."""

    registration: Registration
    kind: SeatKind
    position: int | None

    @property
    def login(self) -> str:
        return self.registration.github

    def describe(self) -> str:
        return self.kind if self.position is None else f"{self.kind} #{self.position}"


def seats(registrations: Sequence[Registration], capacity: int) -> tuple[Seat, ...]:
    """Every registration's seat, in the order of the file.

    Cancelled registrations drop out; the rest line up by `registered` (compared as
    instants, whatever UTC offset each was written with; ties keep the file's order);
    the first `capacity` are accepted and the rest wait in that order, so when an accepted
    person cancels, the first on the waitlist moves up.
    """
    line = sorted(
        (r for r in registrations if not r.cancelled),
        key=lambda r: r.registered,  # sorted() is stable: ties keep the order in the file
    )
    place = {id(r): n for n, r in enumerate(line, start=1)}
    result = []
    for registration in registrations:
        if registration.cancelled:
            result.append(Seat(registration, "cancelled", None))
            continue
        n = place[id(registration)]
        if n <= capacity:
            result.append(Seat(registration, "accepted", n))
        else:
            result.append(Seat(registration, "waitlisted", n - capacity))
    return tuple(result)


def accepted(registrations: Sequence[Registration], capacity: int) -> tuple[Registration, ...]:
    """Accepted registrations, in seat order."""
    taken = [s for s in seats(registrations, capacity) if s.kind == "accepted"]
    return tuple(s.registration for s in sorted(taken, key=lambda s: s.position or 0))


def accepted_logins(registrations: Sequence[Registration], capacity: int) -> frozenset[str]:
    """Accepted people as login keys (GitHub logins compare case-insensitively)."""
    return frozenset(login_key(r.github) for r in accepted(registrations, capacity))


def find_registration(registrations: Sequence[Registration], login: str) -> int | None:
    """The index of LOGIN's registration (logins compare case-insensitively), or None."""
    key = login_key(login)
    return next((n for n, r in enumerate(registrations) if login_key(r.github) == key), None)


@dataclass(frozen=True)
class Registering:
    """What registering a login at a given moment does to an event's registrations.

    `new`: a registration is appended, at `index`, the end of the list. `already`: the one at
    `index` is not cancelled, nothing changes. `renewed`: the cancelled one at `index` counts
    again, from the new moment, in its place in the file. `moved`: the same, but it moves to the
    end of the list, because someone after it in the file registered in that same second or
    later and ties go by the order in the file.
    """

    how: Literal["new", "already", "renewed", "moved"]
    index: int


def register(registrations: Sequence[Registration], login: str, at: datetime) -> Registering:
    """Registering LOGIN at `at`: at the back of the line, a cancelled registration included."""
    index = find_registration(registrations, login)
    if index is None:
        return Registering("new", len(registrations))
    if not registrations[index].cancelled:
        return Registering("already", index)
    # The new moment orders the seat (4.1): it stays put in the file unless a tie would put it
    # ahead of someone who registered after it.
    tied = any(not r.cancelled and r.registered >= at for r in registrations[index + 1 :])
    return Registering("moved" if tied else "renewed", index)
