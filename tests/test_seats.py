"""SPEC 4.1 seats and SPEC 5's registration rule: someone registering goes to the back of the line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from p2p.models import Registration
from p2p.rules.seats import Registering, find_registration, register, seats

NOW = datetime(2030, 4, 1, 10, 0, tzinfo=UTC)


def entry(login: str, minutes: int = -60, *, cancelled: bool = False) -> Registration:
    """A registration made `minutes` after NOW (before it when negative)."""
    return Registration(github=login, registered=NOW + timedelta(minutes=minutes), cancelled=cancelled)


@pytest.mark.parametrize(
    ("registrations", "login", "expected"),
    [
        pytest.param([], "alice", Registering("new", 0), id="the first"),
        pytest.param([entry("bob")], "alice", Registering("new", 1), id="new: appended at the end"),
        pytest.param([entry("alice")], "alice", Registering("already", 0), id="already registered"),
        pytest.param([entry("bob"), entry("Alice")], "aLICE", Registering("already", 1), id="any case"),
        pytest.param(
            [entry("alice", cancelled=True)], "alice", Registering("renewed", 0), id="cancelled: renewed"
        ),
        pytest.param(
            [entry("alice", -90, cancelled=True), entry("bob", -30)],
            "alice",
            Registering("renewed", 0),
            id="renewed in place: its new moment orders it after bob",
        ),
        pytest.param(
            [entry("alice", -90, cancelled=True), entry("bob", 0)],
            "alice",
            Registering("moved", 0),
            id="bob registered that same second: moved behind him",
        ),
        pytest.param(
            [entry("alice", -90, cancelled=True), entry("bob", 5)],
            "alice",
            Registering("moved", 0),
            id="bob registered later: moved behind him",
        ),
        pytest.param(
            [entry("alice", -90, cancelled=True), entry("bob", 0, cancelled=True)],
            "alice",
            Registering("renewed", 0),
            id="a cancelled tie does not count",
        ),
        pytest.param(
            [entry("bob", 0), entry("alice", -90, cancelled=True)],
            "alice",
            Registering("renewed", 1),
            id="a tie before it in the file stays ahead",
        ),
    ],
)
def test_register(registrations: list[Registration], login: str, expected: Registering) -> None:
    assert register(registrations, login, NOW) == expected


def test_find_registration_compares_logins_case_insensitively() -> None:
    line = [entry("alice"), entry("Bob")]
    assert [find_registration(line, login) for login in ("ALICE", "bob", "carol")] == [0, 1, None]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param([entry("alice", -90, cancelled=True), entry("bob", -30)], id="renewed"),
        pytest.param([entry("alice", -90, cancelled=True), entry("bob", 0), entry("carol", -30)], id="moved"),
    ],
)
def test_registering_again_puts_someone_at_the_back_of_the_line(line: list[Registration]) -> None:
    # The edit the rule asks for, made on the list as the file edit makes it.
    registering = register(line, "alice", NOW)
    again = entry("alice", 0)
    if registering.how == "moved":
        line = [*line[: registering.index], *line[registering.index + 1 :], again]
    else:
        line[registering.index] = again
    in_line = sorted((s for s in seats(line, capacity=2) if s.position), key=lambda s: (s.kind, s.position))
    assert in_line[-1].login == "alice"
    assert in_line[-1].describe() == ("waitlisted #1" if len(line) == 3 else "accepted #2")
