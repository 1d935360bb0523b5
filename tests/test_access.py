"""SPEC 4.2, repository access: the pure planner, rule by rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p2p.models import (
    AccessState,
    AfterEvent,
    Collaborator,
    Event,
    Invitation,
    Registration,
    Roundtable,
    Settings,
    login_key,
)
from p2p.port import Port
from p2p.rules.access import (
    AccessAction,
    CancelInvitation,
    Invite,
    Reinvite,
    RemoveCollaborator,
    access_of,
    invited_since,
    plan_access,
    seats_taken,
)

# 2026-12-01 05:00 in America/Denver: events on 2026-12-01 have not ended yet.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PAST, TODAY, NEXT, LATER = "2026-11-20", "2026-12-01", "2026-12-10", "2027-01-20"


def reg(login: str, at: str = "2026-11-01T10:00:00+00:00", *, cancelled: bool = False) -> Registration:
    return Registration(github=login, registered=datetime.fromisoformat(at), cancelled=cancelled)


def early(n: int) -> str:
    """The n-th registration time of a line: minutes after 10:00 UTC on 2026-11-01."""
    return (datetime(2026, 11, 1, 10, tzinfo=UTC) + timedelta(minutes=n)).isoformat()


def line(*logins: str) -> tuple[Registration, ...]:
    """Registrations that arrived in the order given."""
    return tuple(reg(login, early(n)) for n, login in enumerate(logins))


def event(day: str, *registrations: Registration, capacity: int | None = None) -> Event:
    return Event(
        id=day,
        date=date.fromisoformat(day),
        title=f"Event {day}",
        capacity=capacity,
        participants=registrations,
    )


def table(
    *events: Event,
    organizers: tuple[str, ...] = ("olga",),
    capacity: int = 3,
    after_event: AfterEvent = "keep",
) -> Roundtable:
    settings = Settings(
        repository="acme/roundtable", organizers=organizers, capacity=capacity, after_event=after_event
    )
    return Roundtable(settings=settings, events=events)


def invitation(login: str, *, id: int = 0, expired: bool = False, day: str = "2026-11-28") -> Invitation:
    created = datetime.fromisoformat(f"{day}T09:00:00+00:00")
    return Invitation(id=id or 1000 + sum(map(ord, login)), login=login, created_at=created, expired=expired)


def state(
    collaborators: tuple[str, ...] = ("olga",),
    invitations: tuple[Invitation, ...] = (),
    *,
    organization: bool = True,
) -> AccessState:
    return AccessState(
        owner_is_organization=organization,
        collaborators=tuple(Collaborator(login=login) for login in collaborators),
        invitations=invitations,
    )


def steps(actions: tuple[AccessAction, ...]) -> list[tuple[str, str]]:
    return [(a.verb, a.subject) for a in actions]


@dataclass(frozen=True)
class Case:
    roundtable: Roundtable
    access: AccessState
    expected: list[tuple[str, str]]


CASES = {
    "first run: organizer, then the next event's accepted people in seat order": Case(
        table(event(NEXT, *line("carol", "alice", "bob"))),
        state(collaborators=()),
        [("invite", "olga"), ("invite", "carol"), ("invite", "alice"), ("invite", "bob")],
    ),
    "steady state: nothing to do": Case(
        table(event(NEXT, *line("alice", "bob"))),
        state(("olga", "alice"), (invitation("bob"),)),
        [],
    ),
    "registrations out of time order, with different UTC offsets, compare as instants": Case(
        table(
            event(
                NEXT,
                reg("dora", "2026-11-01T10:00:00-06:00"),  # 16:00 UTC: third, waitlisted
                reg("erin", "2026-11-01T17:00:00+02:00"),  # 15:00 UTC: first
                reg("fay", "2026-11-01T15:30:00Z"),  # 15:30 UTC: second
            ),
            capacity=2,
        ),
        state(),
        [("invite", "erin"), ("invite", "fay")],
    ),
    "a tie keeps the order of the file": Case(
        table(
            event(
                NEXT,
                reg("gus", "2026-11-01T09:00:00-01:00"),
                reg("hal", "2026-11-01T10:00:00+00:00"),  # the same instant as gus
                reg("ida", "2026-11-01T08:00:00+00:00"),
            ),
            capacity=2,
        ),
        state(),
        [("invite", "ida"), ("invite", "gus")],
    ),
    "a cancellation moves the waitlist up: remove first, then invite": Case(
        table(
            event(NEXT, reg("alice", early(1)), reg("bob", early(2), cancelled=True), reg("carol", early(3))),
            capacity=2,
        ),
        state(("olga", "alice", "bob")),
        [("remove", "bob"), ("invite", "carol")],
    ),
    "an expired invitation is deleted and sent again": Case(
        table(event(NEXT, *line("alice"))),
        state(invitations=(invitation("alice", expired=True),)),
        [("reinvite", "alice")],
    ),
    "a pending invitation of a waitlisted person is cancelled": Case(
        table(event(NEXT, *line("alice", "bob")), capacity=1),
        state(("olga", "alice"), (invitation("bob"),)),
        [("cancel invitation", "bob")],
    ),
    "an expired invitation of a waitlisted person is cleared too": Case(
        table(event(NEXT, *line("alice", "bob")), capacity=1),
        state(("olga", "alice"), (invitation("bob", expired=True),)),
        [("cancel invitation", "bob")],
    ),
    "an organizer who registered takes a seat and is never removed, waitlisted or cancelled": Case(
        table(
            event(NEXT, *line("olga", "alice", "bob")),
            event(LATER, reg("alice", early(1)), reg("olga", early(2), cancelled=True)),
            capacity=2,
        ),
        state(("olga", "alice", "bob")),
        [("remove", "bob")],
    ),
    "an organizer without access is invited first": Case(
        table(event(NEXT, *line("alice")), organizers=("olga", "oscar")),
        state(("olga", "alice")),
        [("invite", "oscar")],
    ),
    "a collaborator the toolkit never managed is left alone, and so is their invitation": Case(
        table(event(NEXT, *line("alice"))),
        state(("olga", "alice", "maintainer"), (invitation("friend"), invitation("old", expired=True))),
        [],
    ),
    "logins compare case-insensitively and show as written": Case(
        table(event(NEXT, *line("Alice", "BOB", "Carol", "dave")), organizers=("Olga",), capacity=3),
        state(("OLGA", "alice", "Dave"), (invitation("bob"), invitation("CAROL", expired=True))),
        [("remove", "Dave"), ("reinvite", "Carol")],
    ),
    "after_event keep: past participants keep what they hold, nobody is invited for an ended event": Case(
        table(event(PAST, *line("pat", "quinn", "rita", "alice")), event(NEXT, *line("alice", "bob"))),
        state(("olga", "pat"), (invitation("quinn"), invitation("rita", expired=True))),
        [("invite", "alice"), ("invite", "bob")],
    ),
    "after_event revoke: an ended event's participants lose access, today's event is not over": Case(
        table(
            event(PAST, *line("pat", "alice", "quinn")),
            event(TODAY, *line("tom")),
            event(NEXT, *line("alice")),
            after_event="revoke",
        ),
        state(("olga", "pat", "alice", "tom"), (invitation("quinn"),)),
        [("cancel invitation", "quinn"), ("remove", "pat")],
    ),
    "capacity of the event overrides the roundtable's": Case(
        table(event(NEXT, *line("alice", "bob", "carol"), capacity=1)),
        state(),
        [("invite", "alice")],
    ),
    "accepted at one event and waitlisted at another: keeps access": Case(
        table(event(NEXT, *line("alice", "bob")), event(LATER, *line("carol", "bob")), capacity=1),
        state(("olga", "bob")),
        [("remove", "bob"), ("invite", "alice"), ("invite", "carol")],
    ),
    "waitlisted at the next event but accepted at a later one: keeps access": Case(
        table(event(NEXT, *line("alice", "bob")), event(LATER, *line("bob", "carol")), capacity=1),
        state(("olga", "bob")),
        [("invite", "alice")],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_plan(case: Case) -> None:
    plan = plan_access(case.roundtable, case.access, NOW)
    assert steps(plan.actions) == case.expected
    assert not plan.guard_tripped


REASONS = {
    "not invited": (
        table(event(NEXT, *line("alice", "bob"))),
        state(("olga", "alice")),
        "accepted #2 for 2026-12-10, not yet invited",
    ),
    "expired": (
        table(event(NEXT, *line("alice"))),
        state(invitations=(invitation("alice", expired=True, day="2026-11-10"),)),
        "accepted #1 for 2026-12-10, invitation of 2026-11-10 expired",
    ),
    "cancelled": (
        table(event(NEXT, reg("alice", cancelled=True))),
        state(("olga", "alice")),
        "cancelled for 2026-12-10",
    ),
    "waitlisted": (
        table(event(NEXT, *line("alice", "bob")), capacity=1),
        state(("olga", "alice"), (invitation("bob"),)),
        "waitlisted #1 for 2026-12-10; invitation pending",
    ),
    "revoked": (
        table(event(PAST, *line("pat")), after_event="revoke"),
        state(("olga", "pat")),
        "2026-11-20 has ended (after_event: revoke)",
    ),
    "organizer": (
        table(event(NEXT)),
        state(()),
        "organizer, not yet invited",
    ),
}


@pytest.mark.parametrize(("roundtable", "access", "reason"), REASONS.values(), ids=REASONS.keys())
def test_every_action_says_why(roundtable: Roundtable, access: AccessState, reason: str) -> None:
    (action,) = plan_access(roundtable, access, NOW).actions
    assert action.reason == reason


def test_reinvite_deletes_every_expired_invitation_then_invites_with_the_permission() -> None:
    roundtable = table(event(NEXT, *line("alice")))
    access = state(
        invitations=(invitation("alice", id=7, expired=True), invitation("Alice", id=9, expired=True))
    )
    (action,) = plan_access(roundtable, access, NOW).actions
    assert action == Reinvite("alice", "triage", (7, 9), action.reason)


def test_invitations_use_the_configured_permission() -> None:
    roundtable = Roundtable(
        settings=Settings(permission="push", organizers=()), events=(event(NEXT, *line("alice")),)
    )
    assert plan_access(roundtable, state(()), NOW).actions == (
        Invite("alice", "push", "accepted #1 for 2026-12-10, not yet invited"),
    )


def test_cancelled_invitation_names_its_id() -> None:
    roundtable = table(event(NEXT, reg("alice", cancelled=True)))
    (action,) = plan_access(roundtable, state(invitations=(invitation("alice", id=42),)), NOW).actions
    assert isinstance(action, CancelInvitation)
    assert (action.invitation_id, action.live) == (42, True)


# --- the removal guard ----------------------------------------------------------------------


def crowd(n: int, prefix: str = "p") -> tuple[str, ...]:
    return tuple(f"{prefix}{i:02}" for i in range(n))


def guard_case(holders: int, cancelled: int, *, pending: bool = False) -> tuple[Roundtable, AccessState]:
    """`holders` managed people hold access (or a live invitation); `cancelled` of them cancel."""
    people = crowd(holders)
    registrations = [reg(login, early(n), cancelled=n < cancelled) for n, login in enumerate(people)]
    roundtable = table(event(NEXT, *registrations), capacity=holders)
    if pending:
        return roundtable, state(("olga",), tuple(invitation(login) for login in people))
    return roundtable, state(("olga", *people))


GUARD = {
    # (holders, withdrawals, pending invitations rather than access) -> tripped
    "2 of 2: not more than two": (2, 2, False, False),
    "3 of 12: exactly a quarter": (12, 3, False, False),
    "3 of 11: more than two and more than a quarter": (11, 3, False, True),
    "4 of 12": (12, 4, False, True),
    "12 of 12": (12, 12, False, True),
    "3 of 40": (40, 3, False, False),
    "11 of 40": (40, 11, False, True),
    "pending invitations count as access: 4 of 12": (12, 4, True, True),
    "pending invitations: 3 of 12": (12, 3, True, False),
}


@pytest.mark.parametrize(("holders", "cancelled", "pending", "tripped"), GUARD.values(), ids=GUARD.keys())
def test_removal_guard(holders: int, cancelled: int, pending: bool, tripped: bool) -> None:
    roundtable, access = guard_case(holders, cancelled, pending=pending)
    plan = plan_access(roundtable, access, NOW)
    assert len(plan.withdrawals) == cancelled
    assert plan.guard_tripped is tripped
    assert plan.holders == holders
    if tripped:
        assert f"from {cancelled} of the {holders} managed people" in plan.guard_reason
        assert "p00" in plan.guard_reason


def test_guard_counts_neither_organizers_nor_unmanaged_collaborators_nor_expired_invitations() -> None:
    people = crowd(4)
    roundtable = table(
        event(NEXT, *(reg(p, early(n), cancelled=True) for n, p in enumerate(people))),
        organizers=("olga", "oscar"),
    )
    access = state(
        ("olga", "oscar", "maintainer", "bot1", "bot2", people[0], people[1], people[2]),
        (invitation(people[3], expired=True),),
    )
    plan = plan_access(roundtable, access, NOW)
    assert plan.holders == 3
    assert plan.withdrawn == people[:3]
    assert plan.guard_tripped  # 3 > 2 and 3 > 3/4


def test_guard_exempts_routine_revocation_after_an_event() -> None:
    people = crowd(10)
    roundtable = table(
        event(PAST, *line(*people)), event(NEXT, *line("alice")), after_event="revoke", capacity=12
    )
    plan = plan_access(roundtable, state(("olga", "alice", *people)), NOW)
    assert len(plan.withdrawals) == 10
    assert all(isinstance(a, RemoveCollaborator) and a.routine for a in plan.withdrawals)
    assert plan.withdrawn == ()
    assert not plan.guard_tripped


def test_guard_counts_the_other_removals_of_a_revoke_run() -> None:
    """Routine removals are exempt; cancellations at the next event still count."""
    past, upcoming = crowd(6, "old"), crowd(4, "new")
    registrations = (reg(p, early(n), cancelled=n < 3) for n, p in enumerate(upcoming))
    roundtable = table(
        event(PAST, *line(*past)), event(NEXT, *registrations), after_event="revoke", capacity=12
    )
    plan = plan_access(roundtable, state(("olga", *past, *upcoming)), NOW)
    assert len(plan.withdrawals) == 9
    assert plan.withdrawn == upcoming[:3]
    assert plan.holders == 10
    assert plan.guard_tripped  # 3 > 2 and 3 > 10/4


def test_under_revoke_cancelling_a_later_seat_is_no_routine_removal() -> None:
    """Past participants who cancel for the next event lose access through the cancellation."""
    past = crowd(4, "old")
    registrations = (reg(p, early(n), cancelled=True) for n, p in enumerate(past))
    roundtable = table(
        event(PAST, *line(*past)), event(NEXT, *registrations), after_event="revoke", capacity=4
    )
    plan = plan_access(roundtable, state(("olga", *past)), NOW)
    assert plan.withdrawn == past
    assert plan.guard_tripped
    assert all(
        a.reason == f"cancelled for {NEXT}; {PAST} has ended (after_event: revoke)" for a in plan.actions
    )


def test_under_revoke_a_past_participant_waitlisted_next_time_goes_routinely() -> None:
    past = crowd(4, "old")
    roundtable = table(
        event(PAST, *line(*past), capacity=4),
        event(NEXT, *line("alice", *past)),
        after_event="revoke",
        capacity=1,
    )
    plan = plan_access(roundtable, state(("olga", "alice", *past)), NOW)
    assert steps(plan.actions) == [("remove", p) for p in past]
    assert plan.withdrawn == ()
    assert not plan.guard_tripped


def test_under_keep_an_event_ending_removes_nobody() -> None:
    people = crowd(12)
    roundtable = table(event(PAST, *line(*people)), capacity=12)
    assert plan_access(roundtable, state(("olga", *people)), NOW).actions == ()


# --- notes ------------------------------------------------------------------------------------


def test_personal_account_note_once_when_inviting() -> None:
    roundtable = table(event(NEXT, *line("alice", "bob")))
    plan = plan_access(roundtable, state(organization=False), NOW)
    assert len(plan.invitations) == 2
    (note,) = plan.notes
    assert "personal account" in note
    assert "permission: triage" in note
    assert plan_access(roundtable, state(), NOW).notes == ()
    assert plan_access(roundtable, state(("olga", "alice", "bob"), organization=False), NOW).notes == ()


# --- observed access of one person ------------------------------------------------------------


ACCESS = {
    "collaborator": ("Alice", state(("alice",)), "collaborator", None),
    "collaborator with a stale invitation": (
        "alice",
        state(("ALICE",), (invitation("alice"),)),
        "collaborator",
        None,
    ),
    "invited": ("alice", state((), (invitation("ALICE", day="2026-11-30"),)), "invited", "2026-11-30"),
    "expired": ("alice", state((), (invitation("alice", expired=True),)), "invite-expired", None),
    "live beats expired": (
        "alice",
        state((), (invitation("alice", id=1, day="2026-11-29"), invitation("alice", id=2, expired=True))),
        "invited",
        "2026-11-29",
    ),
    "none": ("alice", state(("bob",), (invitation("carol"),)), "none", None),
}


@pytest.mark.parametrize(("login", "access", "kind", "since"), ACCESS.values(), ids=ACCESS.keys())
def test_access_of(login: str, access: AccessState, kind: str, since: str | None) -> None:
    assert access_of(login, access) == kind
    when = invited_since(login, access)
    assert (when.date().isoformat() if when else None) == since


# --- capacity at every step, and convergence ---------------------------------------------------


def after(access: AccessState, action: AccessAction, n: int) -> AccessState:
    """What GitHub holds once one action is applied (a pure stand-in for the port)."""
    collaborators = access.collaborators
    invitations = access.invitations
    match action:
        case RemoveCollaborator(login=login):
            collaborators = tuple(c for c in collaborators if login_key(c.login) != login_key(login))
        case CancelInvitation(invitation_id=gone):
            invitations = tuple(i for i in invitations if i.id != gone)
        case Reinvite(login=login, expired=gone):
            invitations = tuple(i for i in invitations if i.id not in gone)
            invitations += (Invitation(id=90000 + n, login=login, created_at=NOW),)
        case Invite(login=login):
            invitations += (Invitation(id=90000 + n, login=login, created_at=NOW),)
    return access.model_copy(update={"collaborators": collaborators, "invitations": invitations})


def run(roundtable: Roundtable, access: AccessState) -> list[AccessState]:
    """Every state a run passes through, first to last."""
    states = [access]
    for n, action in enumerate(plan_access(roundtable, access, NOW).actions):
        states.append(after(states[-1], action, n))
    return states


def assert_capacity_never_exceeded(roundtable: Roundtable, states: list[AccessState]) -> None:
    """No step takes an event above its capacity, or further above it if it started there."""
    for ev in roundtable.events:
        capacity = roundtable.capacity(ev)
        taken = [seats_taken(roundtable, s, ev, NOW) for s in states]
        for before, now in pairwise(taken):
            assert now <= max(before, capacity), (ev.id, taken)


def test_cancellation_never_puts_the_event_over_capacity_even_for_a_moment() -> None:
    roundtable = table(
        event(NEXT, reg("alice", early(1)), reg("bob", early(2), cancelled=True), reg("carol", early(3))),
        capacity=2,
    )
    states = run(roundtable, state(("olga", "alice", "bob")))
    assert [seats_taken(roundtable, s, roundtable.events[0], NOW) for s in states] == [2, 1, 2]


def test_capacity_cut_withdraws_before_the_moved_up_are_invited() -> None:
    """Two events share people; the next event's capacity drops from 4 to 2."""
    roundtable = table(
        event(NEXT, *line("a", "b", "c", "d", "e"), capacity=2),
        event(LATER, *line("e", "d", "f")),
    )
    access = state(("olga", "a", "b", "c"), (invitation("d"),))
    states = run(roundtable, access)
    assert steps(plan_access(roundtable, access, NOW).actions) == [
        ("remove", "c"),
        ("invite", "e"),
        ("invite", "f"),
    ]  # d keeps the invitation: accepted at the later event
    assert_capacity_never_exceeded(roundtable, states)
    assert plan_access(roundtable, states[-1], NOW).actions == ()


logins = st.sampled_from(["ann", "Ann", "bo", "cy", "di", "ed", "fi", "gil", "olga"])


@st.composite
def roundtables(draw: st.DrawFn) -> Roundtable:
    days = draw(
        st.lists(
            st.sampled_from([PAST, "2026-10-01", TODAY, NEXT, LATER]), min_size=1, max_size=3, unique=True
        )
    )
    events = []
    for day in sorted(days):
        people = draw(st.lists(logins, max_size=7, unique_by=login_key))
        registrations = [
            reg(p, early(draw(st.integers(0, 5))), cancelled=draw(st.booleans())) for p in people
        ]
        events.append(event(day, *registrations, capacity=draw(st.none() | st.integers(1, 4))))
    return table(
        *events, capacity=draw(st.integers(1, 4)), after_event=draw(st.sampled_from(["keep", "revoke"]))
    )


@st.composite
def observed(draw: st.DrawFn) -> AccessState:
    holders = draw(st.lists(logins, unique_by=login_key))
    invited = draw(st.lists(st.tuples(logins, st.booleans()), max_size=4))
    invitations = tuple(
        Invitation(id=n + 1, login=login, created_at=NOW - timedelta(days=n), expired=expired)
        for n, (login, expired) in enumerate(invited)
        if login_key(login) not in {login_key(h) for h in holders}
    )
    return state(tuple(holders), invitations, organization=draw(st.booleans()))


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(roundtables(), observed())
def test_any_run_respects_capacity_converges_and_touches_only_managed_people(
    roundtable: Roundtable, access: AccessState
) -> None:
    states = run(roundtable, access)
    assert_capacity_never_exceeded(roundtable, states)
    final = states[-1]
    # converged: a second run plans nothing
    assert plan_access(roundtable, final, NOW).actions == ()
    # nobody outside the event files was touched; organizers hold access
    managed = {login_key(r.github) for e in roundtable.events for r in e.participants}
    for person in {login_key(c.login) for c in access.collaborators} - managed:
        assert access_of(person, final) == "collaborator"
    for organizer in roundtable.settings.organizers:
        assert access_of(organizer, final) in ("collaborator", "invited")


def test_actions_apply_through_the_port() -> None:
    calls: list[tuple[str, object]] = []

    class Recorder:
        def invite(self, login: str, permission: str) -> None:
            calls.append(("invite", (login, permission)))

        def cancel_invitation(self, invitation_id: int) -> None:
            calls.append(("cancel", invitation_id))

        def remove_collaborator(self, login: str) -> None:
            calls.append(("remove", login))

    port: Port = Recorder()  # type: ignore[assignment]  # only the access writes are needed
    Reinvite("alice", "triage", (3, 4), "").apply(port)
    Invite("bob", "pull", "").apply(port)
    CancelInvitation("carol", 5, "").apply(port)
    RemoveCollaborator("dave", "").apply(port)
    assert calls == [
        ("cancel", 3),
        ("cancel", 4),
        ("invite", ("alice", "triage")),
        ("invite", ("bob", "pull")),
        ("cancel", 5),
        ("remove", "dave"),
    ]


# --- access through the organization (SPEC 4.2: direct access only) -----------------------


def through_organization(*logins: str) -> tuple[Collaborator, ...]:
    """Collaborators whose access comes only from the organization (base permission, a team)."""
    return tuple(Collaborator(login=login, permission="read", direct=False) for login in logins)


def test_access_through_the_organization_is_never_removed_nor_counted_by_the_guard() -> None:
    people = crowd(4)
    roundtable = table(event(NEXT, *(reg(p, early(n), cancelled=True) for n, p in enumerate(people))))
    direct = state(("olga", people[0]))
    access = direct.model_copy(
        update={"collaborators": direct.collaborators + through_organization(*people[1:])}
    )

    plan = plan_access(roundtable, access, NOW)

    assert steps(plan.actions) == [("remove", people[0])]
    assert plan.withdrawn == (people[0],)
    assert plan.holders == 1
    assert not plan.guard_tripped  # 4 removals would trip it: 3 of them cannot be made
    notes = [n for n in plan.notes if "has access through the organization" in n]
    assert notes == [
        f"{p} has access through the organization: p2p leaves it alone "
        "(an organization owner can take it away)"
        for p in people[1:]
    ]


def test_a_desired_participant_with_access_only_through_the_organization_is_invited() -> None:
    # PUT /collaborators answers 204 for an organization member, who becomes a direct
    # collaborator: their seat's access is then the toolkit's to take away later.
    roundtable = table(event(NEXT, *line("alice")), organizers=("olga",))
    access = state(()).model_copy(update={"collaborators": through_organization("alice", "olga")})

    plan = plan_access(roundtable, access, NOW)

    assert steps(plan.actions) == [("invite", "alice")]  # the organizer's access is left as it is
    assert not [n for n in plan.notes if "organization" in n and "alice" in n]


def test_direct_access_besides_the_organizations_is_managed_as_before() -> None:
    roundtable = table(event(NEXT, reg("alice", cancelled=True)))
    access = state(("olga",)).model_copy(
        update={
            "collaborators": (
                Collaborator(login="olga"),
                Collaborator(login="alice", permission="write", direct=True),
            )
        }
    )
    plan = plan_access(roundtable, access, NOW)
    assert steps(plan.actions) == [("remove", "alice")]
    assert not any("organization" in n for n in plan.notes)
