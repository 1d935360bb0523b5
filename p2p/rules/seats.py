"""SPEC 4.1, first come, first served: who of an event's registrations holds a seat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
