"""The seat-request operations of the port, one contract for the sandbox and the real adapter
(against the fake GitHub): who asked, who labelled or closed it, the comments, the replies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from p2p.errors import GitHubError
from p2p.port import Port
from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body
from tests.test_contract import NOW, Sides, _sides

BODY = form_body("2024-03-20", "Scaling teams", "Ada Lovelace")


@pytest.fixture(params=["sandbox", "github"])
def sides(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    yield from _sides(request.param, tmp_path)


@pytest.fixture(params=["sandbox", "github"])
def person_token(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    yield from _sides(request.param, tmp_path, viewer="olga")


def test_seat_requests_are_read_with_author_body_and_state(sides: Sides) -> None:
    port, world = sides
    first = world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="ada")
    world.add_issue("A topic", labels=["topic"], author="bob")
    world.add_user("helper[bot]", type="Bot")
    bot = world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="helper[bot]")
    closed = world.add_issue(
        "Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="carol", state="closed"
    )

    requests = port.read_seat_requests()

    assert [r.number for r in requests] == [first, bot, closed]
    ada, helper, carol = requests
    assert (ada.author, ada.author_is_bot, ada.body, ada.state) == ("ada", False, BODY, "open")
    assert ada.created_at == NOW
    assert SEAT_REQUEST_LABEL in ada.labels
    assert helper.author_is_bot
    assert (carol.state, carol.state_reason) == ("closed", "completed")


def test_the_timeline_shows_who_labelled_closed_and_reopened(sides: Sides) -> None:
    port, world = sides
    number = world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="ada")
    world.advance(timedelta(minutes=1))
    world.label_issue(number, "approved", by="mallory")
    world.advance(timedelta(minutes=1))
    world.close_issue(number, "not_planned", by="octocat")
    world.advance(timedelta(minutes=1))
    world.reopen_issue(number)

    (request,) = port.read_seat_requests()

    seen = [(e.event, e.actor, e.label, e.state_reason) for e in request.events]
    assert seen == [
        ("labeled", "mallory", "approved", None),
        ("closed", "octocat", None, "not_planned"),
        ("reopened", "ada", None, None),
    ]
    assert [e.created_at for e in request.events] == [NOW + timedelta(minutes=m) for m in (1, 2, 3)]


def test_a_reply_is_posted_found_as_the_viewers_and_updated(sides: Sides) -> None:
    port, world = sides
    number = world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="ada")
    world.add_comment(number, "ada", "/cancel")

    posted = port.post_comment(number, "<!-- p2p:seat 2024-03-20 -->\nseat 1 of 12")

    assert posted.id > 2**31  # comment ids passed 2^31 in 2024
    (request,) = port.read_seat_requests()
    assert [(c.author, c.body, c.mine) for c in request.comments] == [
        ("ada", "/cancel", False),
        ("p2p-bot", "<!-- p2p:seat 2024-03-20 -->\nseat 1 of 12", True),
    ]
    world.advance(timedelta(minutes=5))
    port.update_comment(posted.id, "<!-- p2p:seat 2024-03-20 -->\nwaitlist #1")

    (request,) = port.read_seat_requests()
    reply = request.comments[1]
    assert (reply.id, reply.body) == (posted.id, "<!-- p2p:seat 2024-03-20 -->\nwaitlist #1")
    assert reply.updated_at == NOW + timedelta(minutes=5)


def test_a_persons_token_finds_its_own_comments(person_token: Sides) -> None:
    port, world = person_token
    number = world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author="ada")
    port.post_comment(number, "hello")
    world.add_comment(number, "Olga", "by hand")
    (request,) = port.read_seat_requests()
    assert [(c.author, c.mine) for c in request.comments] == [("olga", True), ("olga", True)]


def test_updating_a_comment_that_is_gone_is_an_error(port_only: Port) -> None:
    with pytest.raises(GitHubError):
        port_only.update_comment(2**40, "text")


@pytest.fixture
def port_only(sides: Sides) -> Port:
    return sides[0]


def test_many_seat_requests_and_comments_are_all_read(sides: Sides) -> None:
    port, world = sides
    numbers = [
        world.add_issue("Seat request", body=BODY, labels=[SEAT_REQUEST_LABEL], author=f"person{n}")
        for n in range(105)
    ]
    for n in range(103):
        world.add_comment(numbers[0], "person0", f"comment {n}")
    before = port.requests.reads

    requests = port.read_seat_requests()

    assert len(requests) == 105
    assert len(requests[0].comments) == 103
    assert port.requests.reads - before == 3  # two pages of requests, one more of comments
