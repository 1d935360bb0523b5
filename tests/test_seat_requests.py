"""SPEC 4.6, seat requests: the form, each rule of the plan (table-driven), and the reply's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from p2p.models import (
    Event,
    IssueEvent,
    Registration,
    RequestComment,
    Roundtable,
    SeatRequest,
    Settings,
)
from p2p.pages.markdown import inline
from p2p.pages.render import environment, seat_reply
from p2p.rules.seat_requests import (
    PostReply,
    ReplyState,
    UpdateReply,
    apply_changes,
    form_body,
    marker,
    parse_form,
    plan_seat_requests,
)

NOW = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)
EVENT = "2027-01-14"
PAST = "2026-11-10"
ORGANIZER = "octocat"
_ids = iter(range(3_000_000_001, 2**63))


def roundtable(
    *, mode: str = "open", capacity: int = 12, participants: tuple[Registration, ...] = ()
) -> Roundtable:
    settings = Settings(organizers=(ORGANIZER,), seat_requests=mode, capacity=capacity, timezone="UTC")
    return Roundtable(
        settings=settings,
        events=(
            Event(id=PAST, date=datetime(2026, 11, 10).date(), title="Earlier"),
            Event(
                id=EVENT, date=datetime(2027, 1, 14).date(), title="Scaling teams", participants=participants
            ),
        ),
    )


def at(minutes: int) -> datetime:
    return NOW - timedelta(days=1) + timedelta(minutes=minutes)


def request(
    number: int,
    author: str | None,
    *,
    minute: int | None = None,
    event: str = EVENT,
    name: str = "Ada Lovelace",
    recording: bool = True,
    bot: bool = False,
    events: tuple[IssueEvent, ...] = (),
    comments: tuple[RequestComment, ...] = (),
    body: str | None = None,
) -> SeatRequest:
    return SeatRequest(
        number=number,
        author=author,
        author_is_bot=bot,
        created_at=at(number if minute is None else minute),
        body=form_body(event, "Scaling teams", name, recording=recording) if body is None else body,
        labels=("seat-request",),
        events=events,
        comments=comments,
    )


def comment(author: str, body: str, minute: int, *, mine: bool = False) -> RequestComment:
    return RequestComment(
        id=next(_ids), author=author, body=body, created_at=at(minute), updated_at=at(minute), mine=mine
    )


def event(kind: str, actor: str, minute: int, **more: Any) -> IssueEvent:
    return IssueEvent(event=kind, actor=actor, created_at=at(minute), **more)


def render(state: ReplyState) -> str:
    return f"{state.kind} {state.position or ''}".strip()


def plan(rt: Roundtable, *requests: SeatRequest, **kwargs: Any) -> Any:
    return plan_seat_requests(rt, requests, NOW, render=render, **kwargs)


def replies(p: Any) -> dict[int, str]:
    return {r.number: r.body.split("\n", 1)[1].strip() for r in p.replies}


# --- the form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "event", "name", "affiliation", "recording"),
    [
        (form_body(EVENT, "Scaling teams", "Ada Lovelace"), EVENT, "Ada Lovelace", None, True),
        (form_body(EVENT, "T", "Ada", affiliation="Acme", recording=False), EVENT, "Ada", "Acme", False),
        ("### Event\r\n\r\n2027-01-14 — T\r\n\r\n### Name\r\n\r\nBob\r\n", EVENT, "Bob", None, False),
        ("### Event\n\n_No response_\n\n### Name\n\nBob\n", None, "Bob", None, False),
        ("no form at all", None, None, None, False),
        (
            "### Event\n\n2027-01-14\n\n### Name\n\nA\u202eB\n\n### Recording\n\n- [x] yes",
            EVENT,
            "A B",
            None,
            True,
        ),
    ],
)
def test_the_form_body_parses(
    body: str, event: str | None, name: str | None, affiliation: str | None, recording: bool
) -> None:
    form = parse_form(body)
    assert (form.event, form.name, form.affiliation, form.recording) == (event, name, affiliation, recording)


def test_form_body_is_what_github_writes() -> None:
    assert form_body(EVENT, "Scaling teams", "Ada Lovelace") == (
        "### Event\n\n2027-01-14 — Scaling teams\n\n### Name\n\nAda Lovelace\n\n"
        "### Affiliation\n\n_No response_\n\n### Recording\n\n- [X] I agree to the meeting being recorded."
    )


# --- the rules ---------------------------------------------------------------------------------


def test_open_mode_seats_by_request_time_and_waitlists_the_rest() -> None:
    rt = roundtable(capacity=2)
    p = plan(rt, request(3, "carol", minute=1), request(1, "alice", minute=5), request(2, "bob", minute=3))
    assert [(c.how, c.registration.github, c.registration.request) for c in p.changes] == [
        ("new", "carol", 3),
        ("new", "bob", 2),
        ("new", "alice", 1),
    ]
    assert replies(p) == {1: "waitlisted 1", 2: "accepted 2", 3: "accepted 1"}
    assert p.changes[0].registration.registered == at(1)


@pytest.mark.parametrize(
    ("events", "comments", "expected"),
    [
        ((), (), "waiting"),
        ((event("labeled", ORGANIZER, 30, label="approved"),), (), "accepted 1"),
        ((event("labeled", "mallory", 30, label="approved"),), (), "waiting"),  # a participant's label
        ((), (comment(ORGANIZER, "/approve", 40),), "accepted 1"),
        ((), (comment("mallory", "/approve", 40),), "waiting"),  # a stranger's /approve
        ((), (comment(ORGANIZER, "I /approve of this", 40),), "waiting"),  # not a command
        ((), (comment(ORGANIZER, "/APPROVE  \nthanks", 40),), "accepted 1"),
    ],
)
def test_under_approval_only_an_organizer_approves(
    events: tuple[IssueEvent, ...], comments: tuple[RequestComment, ...], expected: str
) -> None:
    p = plan(roundtable(mode="approval"), request(1, "alice", events=events, comments=comments))
    assert replies(p) == {1: expected}
    if expected.startswith("accepted"):
        (change,) = p.changes
        assert change.registration.registered == (events[0].created_at if events else comments[0].created_at)
    else:
        assert p.changes == ()


@pytest.mark.parametrize(
    ("events", "comments", "expected", "cancelled"),
    [
        ((event("closed", "alice", 30),), (), "cancelled", True),
        ((), (comment("alice", "/cancel", 30),), "cancelled", True),
        ((event("closed", "mallory", 30),), (), "accepted 1", False),  # someone else closing it
        ((), (comment("mallory", "/cancel", 30),), "accepted 1", False),
        ((event("closed", ORGANIZER, 30, state_reason="not_planned"),), (), "declined", True),
        ((event("closed", ORGANIZER, 30, state_reason="completed"),), (), "accepted 1", False),
    ],
)
def test_the_author_cancels_and_an_organizer_declines(
    events: tuple[IssueEvent, ...], comments: tuple[RequestComment, ...], expected: str, cancelled: bool
) -> None:
    registered = Registration(github="alice", registered=at(1), request=1)
    p = plan(roundtable(participants=(registered,)), request(1, "alice", events=events, comments=comments))
    assert replies(p) == {1: expected}
    assert [c.how for c in p.changes] == (["cancel"] if cancelled else [])


@pytest.mark.parametrize(
    ("events", "comments"),
    [
        ((event("closed", "alice", 30), event("reopened", "alice", 50)), ()),
        ((), (comment("alice", "/cancel", 30), comment("alice", "/uncancel", 50))),
    ],
)
def test_reopening_registers_again_at_the_back(
    events: tuple[IssueEvent, ...], comments: tuple[RequestComment, ...]
) -> None:
    rt = roundtable(
        capacity=1,
        participants=(
            Registration(github="alice", registered=at(1), request=1, cancelled=True),
            Registration(github="bob", registered=at(2), request=2),
        ),
    )
    p = plan(rt, request(1, "alice", events=events, comments=comments), request(2, "bob"))
    (change,) = p.changes
    assert change.how == "renewed"
    assert change.registration.registered == at(50)
    assert replies(p) == {1: "waitlisted 1", 2: "accepted 1"}


def test_a_cancellation_by_hand_is_not_undone() -> None:
    rt = roundtable(participants=(Registration(github="alice", registered=at(1), request=1, cancelled=True),))
    p = plan(rt, request(1, "alice"))
    assert p.changes == ()
    assert replies(p) == {1: "cancelled"}


@pytest.mark.parametrize(
    ("seat_request", "expected"),
    [
        (request(1, "dependabot", bot=True), {}),
        (request(1, "renovate[bot]"), {}),
        (request(1, None), {}),  # a deleted account
        (request(1, "alice", event=PAST), {1: "over"}),
        (request(1, "alice", event="2099-01-01"), {1: "unknown"}),
        (request(1, "alice", body="### Name\n\nAda"), {1: "unknown"}),
    ],
)
def test_bots_are_ignored_and_ended_or_unknown_events_answered(
    seat_request: SeatRequest, expected: dict[int, str]
) -> None:
    p = plan(roundtable(), seat_request)
    assert p.changes == ()
    assert replies(p) == expected


def test_the_author_is_who_github_says_not_a_login_in_the_body() -> None:
    body = form_body(EVENT, "Scaling teams", "@octocat") + "\n\ngithub: octocat\n### Login\n\noctocat"
    p = plan(roundtable(), request(1, "alice", body=body))
    (change,) = p.changes
    assert change.registration.github == "alice"
    assert change.registration.name == "@octocat"


def test_one_registration_per_person_and_event_whatever_the_case() -> None:
    p = plan(roundtable(), request(1, "Alice"), request(2, "alice"))
    assert [c.registration.github for c in p.changes] == ["Alice"]
    assert replies(p) == {1: "accepted 1", 2: "duplicate"}


def test_a_person_registered_by_hand_is_answered_with_their_seat() -> None:
    rt = roundtable(participants=(Registration(github="alice", registered=at(0)),))
    p = plan(rt, request(1, "ALICE"))
    assert p.changes == ()
    assert replies(p) == {1: "accepted 1"}


def test_unticked_recording_is_recorded() -> None:
    p = plan(roundtable(), request(1, "alice", recording=False), request(2, "bob"))
    assert [c.registration.recording for c in p.changes] == [False, None]


def test_off_plans_nothing() -> None:
    p = plan(roundtable(mode="off"), request(1, "alice"))
    assert p.empty and p.notes


def test_one_event_only_when_named() -> None:
    p = plan(roundtable(), request(1, "alice"), request(2, "bob", event=PAST), event_id=EVENT)
    assert set(replies(p)) == {1}


def test_the_reply_is_edited_only_when_its_text_changes() -> None:
    rt = roundtable(participants=(Registration(github="alice", registered=at(1), request=1),))
    same = comment("p2p-bot", f"{marker(EVENT)}\naccepted 1\n", 2, mine=True)
    assert plan(rt, request(1, "alice", comments=(same,))).replies == ()
    old = comment("p2p-bot", f"{marker(EVENT)}\nwaiting\n", 2, mine=True)
    (reply,) = plan(rt, request(1, "alice", comments=(old,))).replies
    assert isinstance(reply, UpdateReply) and reply.comment_id == old.id
    # A marked comment by someone else is not the toolkit's reply.
    forged = comment("mallory", f"{marker(EVENT)}\nwaiting\n", 2)
    (reply,) = plan(rt, request(1, "alice", comments=(forged,))).replies
    assert isinstance(reply, PostReply)


def test_an_organizers_own_token_approves_by_hand() -> None:
    # The token's user is the organizer: their hand-written `/approve` is theirs too ("mine"),
    # and counts; only the marked reply is the toolkit's.
    approve = comment(ORGANIZER, "/approve", 30, mine=True)
    p = plan(roundtable(mode="approval"), request(1, "alice", comments=(approve,)))
    assert [c.registration.registered for c in p.changes] == [at(30)]


def test_a_reply_github_stored_without_its_last_line_break_is_unchanged() -> None:
    rt = roundtable(participants=(Registration(github="alice", registered=at(1), request=1),))
    stored = comment("p2p-bot", f"{marker(EVENT)}\r\naccepted 1", 2, mine=True)
    assert plan(rt, request(1, "alice", comments=(stored,))).replies == ()


class _Lines:
    def __init__(self, registrations: list[Registration]) -> None:
        self.lines = list(registrations)

    def set(self, index: int, key: str, value: object) -> None:
        self.lines[index] = self.lines[index].model_copy(update={key: value})

    def remove(self, index: int) -> None:
        del self.lines[index]

    def append(self, registration: Registration) -> None:
        self.lines.append(registration)


def test_applying_the_changes_gives_the_lineup_the_plan_saw() -> None:
    participants = (
        Registration(github="alice", registered=at(1), request=1, cancelled=True),
        Registration(github="bob", registered=at(60), request=2),
        Registration(github="carol", registered=at(3), request=3),
    )
    rt = roundtable(participants=participants)
    p = plan(
        rt,
        request(1, "alice", events=(event("closed", "alice", 10), event("reopened", "alice", 50))),
        request(2, "bob"),
        request(3, "carol", events=(event("closed", "carol", 30),)),
        request(4, "dave", minute=20),
    )
    target = _Lines(list(participants))
    apply_changes(target, p.changes)
    assert tuple(target.lines) == p.events[EVENT].participants
    # Alice renewed at minute 50, after Dave asked (minute 20): she moves behind him.
    assert [(r.github, r.cancelled) for r in target.lines] == [
        ("bob", False),
        ("carol", True),
        ("dave", False),
        ("alice", False),
    ]


# --- the reply's text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "position", "words"),
    [
        ("waiting", None, "waiting for an\norganizer's approval"),
        ("accepted", 3, "seat 3 of 12"),
        ("waitlisted", 2, "number 2 on the waitlist"),
        ("cancelled", None, "is cancelled"),
        ("declined", None, "could not offer you a seat"),
        ("over", None, "has already taken place"),
        ("unknown", None, "names no event"),
    ],
)
def test_the_reply_says_the_state_and_mentions_nobody(kind: str, position: int | None, words: str) -> None:
    rt = roundtable()
    chosen = None if kind == "unknown" else rt.event(EVENT)
    state = ReplyState(kind, chosen, "**Ada** @octocat [x](http://e.vil)", position=position, capacity=12)  # type: ignore[arg-type]
    text = seat_reply(state, roundtable=rt, repository="acme/rt", env=environment())
    assert words in text
    if kind != "cancelled":
        assert inline(state.name or "") in text  # the name, escaped: no emphasis, no link, no mention
    assert "@octocat" not in text
    assert "**Ada**" not in text
