"""The GitHub adapter against the fake GitHub: every port operation, pagination, retries,
refusals, request counts and the token's secrecy."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest

from p2p.errors import GitHubError, InvitationLimitError, P2PError
from p2p.github.adapter import GitHubRepository
from p2p.github.client import document, repeated
from p2p.github.credentials import find_token
from p2p.models import FieldOption
from p2p.port import FieldValue
from tests.fake import FakeGitHub
from tests.fake.records import EPOCH, SECONDARY_MESSAGES

REPOSITORY = "profiq/peer-to-peer"
TOKEN = "ghp_TopSecret0123456789abcdefghijklmnopqrs"
EVENT = "2026-02-11"
LABEL = f"event:{EVENT}"
# The people the tests invite have GitHub accounts; any other login is unknown (404).
INVITED = ("alice", "bob", "carol", "one-too-many")


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(REPOSITORY) as fake:
        fake.add_users(*INVITED)
        yield fake


def adapter(**env: str) -> GitHubRepository:
    return GitHubRepository.from_environment(REPOSITORY, env={"GITHUB_TOKEN": TOKEN, **env})


@pytest.fixture
def port(gh: FakeGitHub) -> GitHubRepository:
    return adapter(P2P_WRITE_DELAY="0")


# --- reads ----------------------------------------------------------------------------------


def test_read_access_takes_one_request_for_collaborators_and_one_for_invitations(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.add_collaborator("alice", "triage")
    gh.add_collaborator("olga", "admin")
    fresh = gh.add_invitation("bob", created_at=EPOCH - timedelta(days=1))
    stale = gh.add_invitation("carol", created_at=EPOCH - timedelta(days=8))

    access = port.read_access()

    assert {(c.login, c.permission) for c in access.collaborators} == {
        ("alice", "triage"),
        ("olga", "admin"),
        ("p2p-bot", "admin"),
    }
    assert [(i.id, i.login, i.expired, i.permission) for i in access.invitations] == [
        (fresh, "bob", False, "triage"),
        (stale, "carol", True, "triage"),
    ]
    assert access.invitations[0].created_at == EPOCH - timedelta(days=1)
    assert access.owner_is_organization is True
    # Who has access and from where in one GraphQL query (SPEC 4.2), the invitations from REST.
    assert gh.requests == [("POST", "/graphql"), ("GET", "/repos/profiq/peer-to-peer/invitations")]
    assert gh.operations == ["Snapshot"]
    assert (port.requests.reads, port.requests.writes) == (2, 0)


def test_an_invitation_without_expired_expires_seven_days_after_it_was_sent(gh: FakeGitHub) -> None:
    # `expired` is not a required field of a repository invitation: without it, an invitation
    # older than GitHub's 7 days is expired, and the person is invited again.
    gh.invitations_say_expired = False
    now = datetime.now(UTC)
    gh.add_invitation("bob", created_at=now - timedelta(days=6, hours=23))
    gh.add_invitation("carol", created_at=now - timedelta(days=7, hours=1))

    access = adapter().read_access()

    assert {i.login: i.expired for i in access.invitations} == {"bob": False, "carol": True}


def test_read_access_follows_pagination_past_100(gh: FakeGitHub, port: GitHubRepository) -> None:
    for n in range(250):
        gh.add_collaborator(f"member{n}")
    for n in range(130):
        gh.add_invitation(f"guest{n}")

    access = port.read_access()

    assert len(access.collaborators) == 251  # and the token's own user
    assert len({i.login for i in access.invitations}) == 130
    assert port.requests.reads == 3 + 2


def test_a_personal_repository_is_recognised_without_an_extra_request() -> None:
    with FakeGitHub("octocat/roundtable", owner_is_organization=False) as gh:
        access = GitHubRepository.from_environment(
            "octocat/roundtable", env={"GITHUB_TOKEN": TOKEN}
        ).read_access()
    assert access.owner_is_organization is False
    assert len(gh.requests) == 2


def test_read_topics_reads_issues_labels_state_and_thumbs_up_in_one_request(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    hiring = gh.add_issue("Hiring", labels=["topic", LABEL], author="alice", body="What works?")
    gh.add_reaction(hiring, "bob", created_at=EPOCH + timedelta(minutes=3))
    gh.add_reaction(hiring, "dependabot[bot]", user_type="Bot", created_at=EPOCH + timedelta(minutes=1))
    gh.add_reaction(hiring, "carol", content="-1")
    gh.add_reaction(hiring, "dave", content="heart")
    withdrawn = gh.add_issue("Gone", labels=["topic", LABEL], state="closed", state_reason="not_planned")
    proposal = gh.add_issue("New idea", labels=["topic"], author="erin")
    gh.add_reaction(proposal, "alice")
    gh.add_issue("Other event", labels=["topic", "event:2026-04-01"])
    gh.add_issue("Closed proposal", labels=["topic"], state="closed")
    gh.add_issue("Not a topic", labels=["bug"])

    topics = port.read_topics(EVENT)

    assert topics.viewer == "p2p-bot"
    assert topics.event_id == EVENT
    assert [i.number for i in topics.issues] == [hiring, withdrawn, proposal]
    first = topics.issues[0]
    assert (first.title, first.body, first.author, first.labels) == (
        "Hiring",
        "What works?",
        "alice",
        ("topic", LABEL),
    )
    assert first.node_id == gh.issues[hiring].node_id
    assert first.url.endswith(f"/issues/{hiring}")
    assert [(r.login, r.is_bot, r.created_at) for r in first.reactions] == [
        ("dependabot", True, EPOCH + timedelta(minutes=1)),
        ("bob", False, EPOCH + timedelta(minutes=3)),
    ]
    assert (topics.issues[1].state, topics.issues[1].state_reason, topics.issues[1].withdrawn) == (
        "closed",
        "not_planned",
        True,
    )
    assert [r.login for r in topics.issues[2].reactions] == ["alice"]
    assert set(topics.labels) >= {"topic", LABEL, "bug", "event:2026-04-01"}
    assert gh.requests == [("POST", "/graphql")]


def test_the_issues_of_an_app_token_are_authored_by_the_viewer() -> None:
    # GraphQL says "p2p-app" where REST and the viewer say "p2p-app[bot]": one form for all.
    with FakeGitHub(REPOSITORY, viewer="p2p-app[bot]"):
        port = adapter()
        created = port.create_issue("Hiring", "", ["topic", LABEL])
        topics = port.read_topics(EVENT)
    assert created.author == topics.viewer == topics.issues[0].author == "p2p-app"
    # GraphQL types the viewer a User even for an App's token; its "[bot]" tells.
    assert created.author_is_bot and topics.viewer_is_bot and topics.issues[0].author_is_bot


def test_reading_100_topics_with_their_votes_takes_one_graphql_request(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    for n in range(100):
        number = gh.add_issue(f"Topic {n}", labels=["topic", LABEL])
        for voter in range(n % 7):
            gh.add_reaction(number, f"voter{voter}", created_at=EPOCH + timedelta(seconds=n))

    topics = port.read_topics(EVENT)

    assert len(topics.issues) == 100
    assert sum(len(i.reactions) for i in topics.issues) == sum(n % 7 for n in range(100))
    assert (gh.graphql_requests, len(gh.requests), gh.writes) == (1, 1, 0)
    assert port.requests.total == 1


def test_read_topics_pages_past_100_issues_and_100_reactors(gh: FakeGitHub, port: GitHubRepository) -> None:
    numbers = [gh.add_issue(f"Topic {n}", labels=["topic", LABEL]) for n in range(230)]
    for n in range(120):
        gh.add_issue(f"Proposal {n}", labels=["topic"])
    for voter in range(150):
        gh.add_reaction(numbers[5], f"voter{voter}", created_at=EPOCH + timedelta(seconds=voter))

    topics = port.read_topics(EVENT)

    assert len(topics.issues) == 350
    popular = next(i for i in topics.issues if i.number == numbers[5])
    assert [r.login for r in popular.reactions] == [f"voter{v}" for v in range(150)]
    # pages: 4 of open `topic` issues (the 3 pages of the event's ride along), then 1 for the
    # reactors past 100, read once although the issue is in both lists
    assert gh.graphql_requests == 4 + 1


def test_read_comments_reads_up_to_100_issues_in_one_request(gh: FakeGitHub, port: GitHubRepository) -> None:
    numbers = [gh.add_issue(f"Topic {n}", labels=["topic", LABEL]) for n in range(100)]
    ids = {n: gh.add_comment(n, "alice", f"Takeaway: lesson {n}") for n in numbers}
    bot = gh.add_comment(numbers[0], "github-actions[bot]", "Automated", user_type="Bot")
    gh.edit_comment(ids[numbers[1]], "Takeaway: edited")
    gh.delete_comment(ids[numbers[2]])
    port.read_topics(EVENT)
    gh.reset_counts()

    comments = port.read_comments(numbers)

    assert gh.requests == [("POST", "/graphql")]
    assert len(comments) == 100
    assert [c.id for c in comments] == sorted(c.id for c in comments)  # oldest first
    assert (comments[0].id, comments[0].issue) == (ids[numbers[0]], numbers[0])
    assert (comments[-1].id, comments[-1].author, comments[-1].is_bot) == (bot, "github-actions", True)
    assert next(c for c in comments if c.issue == numbers[1]).body == "Takeaway: edited"
    assert all(c.issue != numbers[2] for c in comments)


def test_read_comments_pages_past_100_comments_and_finds_unread_issues(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    busy = gh.add_issue("Busy", labels=["topic", LABEL])
    for n in range(130):
        gh.add_comment(busy, f"user{n}", f"comment {n}")
    unread = gh.add_issue("Not read yet")
    gh.add_comment(unread, "bob", "Takeaway: hello")
    port.read_topics(EVENT)
    gh.reset_counts()

    comments = port.read_comments([busy, unread, 999])

    assert [c.body for c in comments if c.issue == busy] == [f"comment {n}" for n in range(130)]
    assert [(c.issue, c.author) for c in comments if c.issue != busy] == [(unread, "bob")]
    # the batch, the second page of the busy issue, then each issue not read before
    assert gh.graphql_requests == 1 + 1 + 2


def test_an_issue_deleted_since_it_was_read_has_no_comments(gh: FakeGitHub, port: GitHubRepository) -> None:
    # nodes(ids:) answers an id that resolves to nothing with a null and a NOT_FOUND error.
    kept = gh.add_issue("Hiring", labels=["topic", LABEL])
    gone = gh.add_issue("Spam", labels=["topic", LABEL])
    gh.add_comment(kept, "alice", "Takeaway: pair early")
    gh.add_comment(gone, "bob", "Buy now")
    port.read_topics(EVENT)
    gh.delete_issue(gone)

    comments = port.read_comments([kept, gone])

    assert [(c.issue, c.author) for c in comments] == [(kept, "alice")]


def test_read_board_reads_fields_options_and_items_in_board_order(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    first = gh.add_issue("First", labels=["topic", LABEL])
    second = gh.add_issue("Second", labels=["topic", LABEL])
    gh.add_project(1)
    gh.add_board_item(1, second, Status="Discussing", Votes=4, Event=EVENT)
    gh.add_foreign_item(1)
    gh.add_board_item(1, first, Status="To Discuss")

    board = port.read_board(1)

    assert board is not None
    assert (board.number, board.title) == (1, "Lean coffee")
    status = board.field("Status")
    assert status is not None and status.type == "single_select"
    assert [o.name for o in status.options] == ["To Discuss", "Discussing", "Discussed"]
    assert (board.field("Votes"), board.field("Event")) != (None, None)
    assert {f.name: f.type for f in board.fields}["Votes"] == "number"
    assert {f.name: f.type for f in board.fields}["Title"] == "other"
    assert [(i.issue, i.values) for i in board.items] == [
        (second, {"Status": "Discussing", "Votes": 4.0, "Event": EVENT}),
        (None, {}),
        (first, {"Status": "To Discuss"}),
    ]
    assert gh.requests == [("POST", "/graphql")]


def test_read_board_pages_past_100_items_and_reports_a_missing_board(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.add_project(1)
    for n in range(150):
        gh.add_board_item(1, gh.add_issue(f"Topic {n}"), Votes=n)

    board = port.read_board(1)

    assert board is not None
    assert [i.values["Votes"] for i in board.items] == [float(n) for n in range(150)]
    assert gh.graphql_requests == 2
    assert port.read_board(2) is None


def test_a_board_of_100_items_takes_one_request(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    for n in range(100):
        gh.add_board_item(1, gh.add_issue(f"Topic {n}"), Status="To Discuss", Votes=n, Event=EVENT)

    board = port.read_board(1)

    assert board is not None and len(board.items) == 100
    assert len(gh.requests) == 1


# --- writes ---------------------------------------------------------------------------------


def test_invite_returns_the_invitation_on_201_and_none_on_204(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_collaborator("bob")

    invitation = port.invite("alice", "triage")
    already = port.invite("bob", "triage")

    assert invitation is not None
    assert (invitation.login, invitation.permission, invitation.expired) == ("alice", "triage", False)
    assert [i.login for i in gh.invitations] == ["alice"]
    assert already is None
    assert (port.requests.writes, gh.writes) == (2, 2)


def test_the_51st_invitation_in_24_hours_is_refused_with_the_limit_error(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    for n in range(50):
        gh.add_invitation(f"guest{n}", created_at=EPOCH - timedelta(hours=23))

    with pytest.raises(InvitationLimitError, match="50 per repository per 24 hours"):
        port.invite("one-too-many", "triage")
    assert gh.invitation_for("one-too-many") is None
    assert len(gh.requests) == 1  # refused, not retried

    gh.advance(timedelta(hours=2))
    assert port.invite("one-too-many", "triage") is not None


def test_cancel_invitation_and_remove_collaborator(gh: FakeGitHub, port: GitHubRepository) -> None:
    invitation = gh.add_invitation("alice")
    gh.add_collaborator("bob")

    port.cancel_invitation(invitation)
    port.remove_collaborator("bob")

    assert gh.invitations == []
    assert "bob" not in gh.collaborators
    with pytest.raises(GitHubError) as gone:
        port.cancel_invitation(invitation)
    assert gone.value.status == 404


def test_create_issue_and_add_labels_create_missing_labels(gh: FakeGitHub, port: GitHubRepository) -> None:
    issue = port.create_issue("Hiring", "What works? <!-- p2p:topic 2026-02-11 1 -->", ["topic", LABEL])
    proposal = gh.add_issue("Idea", labels=["topic"], author="erin")
    port.add_labels(proposal, ["event:2026-04-01"])

    assert (issue.title, issue.author, issue.labels, issue.state) == (
        "Hiring",
        "p2p-bot",
        ("topic", LABEL),
        "open",
    )
    assert gh.issues[issue.number].body.endswith("<!-- p2p:topic 2026-02-11 1 -->")
    assert gh.issues[proposal].labels == ["topic", "event:2026-04-01"]
    assert {"topic", LABEL, "event:2026-04-01"} <= set(gh.labels)


def test_create_label_sends_its_colour_and_description_and_takes_an_existing_one_as_done(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    port.create_label("topic", "0e8a16", "A lean-coffee topic")
    port.create_label("TOPIC", "ffffff", "another")

    assert gh.requests == [("POST", "/repos/profiq/peer-to-peer/labels")] * 2
    label = gh.add_label("topic")  # the fake's existing label
    assert (label.name, label.color, label.description) == ("topic", "0e8a16", "A lean-coffee topic")
    assert (port.requests.reads, port.requests.writes) == (0, 2)


def test_a_renamed_repository_is_reached_through_githubs_redirects(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    # Under the old name GitHub answers 301 to a GET and 307 to a write: the write is to be
    # repeated verbatim at the new address, it was not made ("HTTP redirects", GitHub Docs).
    gh.add_collaborator("bob")
    gh.rename("roundtable")

    access = port.read_access()
    invitation = port.invite("alice", "triage")
    issue = port.create_issue("Hiring", "", ["topic"])
    port.add_labels(issue.number, [LABEL])
    port.remove_collaborator("bob")

    assert "bob" in {c.login for c in access.collaborators}
    assert invitation is not None and invitation.login == "alice"
    assert gh.invitation_for("alice") is not None
    assert gh.issues[issue.number].labels == ["topic", LABEL]
    assert "bob" not in gh.collaborators
    assert port.requests.writes == 2 * 4  # each write: the redirect, then the request repeated
    assert [i.title for i in gh.issues.values()] == ["Hiring"]


def test_labels_github_drops_from_a_new_issue_are_added_after_it(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    # Without push access GitHub silently drops the labels of a new issue ("Create an issue",
    # GitHub Docs); unlabelled, the topic would be invisible to the next run, which would open it
    # again. Adding labels needs triage only.
    gh.viewer_can_push = False

    issue = port.create_issue("Hiring", "<!-- p2p:topic 2026-02-11 1 -->", ["topic", LABEL])

    assert issue.labels == ("topic", LABEL)
    assert gh.issues[issue.number].labels == ["topic", LABEL]
    assert [method for method, _ in gh.requests] == ["POST", "POST"]
    assert [i.number for i in port.read_topics(EVENT).issues] == [issue.number]


def test_board_writes_add_set_move_and_create(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1, fields={"Status": ("Todo", "In Progress", "Done")})
    first = port.create_issue("First", "", ["topic"])
    second = port.create_issue("Second", "", ["topic"])
    board = port.read_board(1)
    assert board is not None

    item = port.add_item(board, first)
    again = port.add_item(board, first)
    other = port.add_item(board, second)
    votes = port.create_field(board, "Votes", "number")
    event = port.create_field(board, "Event", "text")
    board = port.read_board(1)
    assert board is not None
    status = board.field("Status")
    assert status is not None
    port.set_field(board, item, votes, 3)
    port.set_field(board, item, event, EVENT)
    port.set_field(board, other, status, "Todo")
    port.move_item(board, other, None)

    assert again.id == item.id
    assert (votes.type, event.type) == ("number", "text")
    view = gh.project(1)
    assert view.issues == [second.number, first.number]
    assert view.item_for(first.number) is not None
    assert view.item_for(first.number).values == {"Votes": 3.0, "Event": EVENT}  # type: ignore[union-attr]
    assert view.item_for(second.number).values == {"Status": "Todo"}  # type: ignore[union-attr]

    port.move_item(board, other, item)
    assert gh.project(1).issues == [first.number, second.number]


def test_set_fields_sends_one_document_of_aliased_mutations(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    board = port.read_board(1)
    assert board is not None
    first = port.add_item(board, port.create_issue("First", "", []))
    second = port.add_item(board, port.create_issue("Second", "", []))
    status, votes, event = (board.field(name) for name in ("Status", "Votes", "Event"))
    assert status is not None and votes is not None and event is not None
    gh.reset_counts()

    port.set_fields(
        board,
        [
            FieldValue(first, status, "To Discuss"),
            FieldValue(first, event, EVENT),
            FieldValue(second, votes, 4),
        ],
    )

    assert gh.requests == [("POST", "/graphql")]
    assert gh.operations == ["SetFields"]
    assert (gh.writes, port.requests.writes) == (1, 5)  # two issues and two items before
    assert [row.values for row in gh.project(1).items] == [
        {"Status": "To Discuss", "Event": EVENT},
        {"Votes": 4.0},
    ]


def test_a_502_after_github_made_the_values_is_not_retried(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    board = port.read_board(1)
    assert board is not None
    item = port.add_item(board, port.create_issue("First", "", []))
    status, event = board.field("Status"), board.field("Event")
    assert status is not None and event is not None
    gh.fail_next("POST", "/graphql", 502, operation="SetFields")

    with pytest.raises(GitHubError, match="may or may not have been made"):
        port.set_fields(board, [FieldValue(item, status, "Discussing"), FieldValue(item, event, EVENT)])

    assert gh.operations.count("SetFields") == 1
    assert [row.values for row in gh.project(1).items] == [{"Status": "Discussing", "Event": EVENT}]


def test_set_options_replaces_the_options_and_keeps_their_colours(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.add_project(1, fields={"Status": ("Todo", "Done")})
    board = port.read_board(1)
    assert board is not None
    status = board.field("Status")
    assert status is not None

    updated = port.set_options(board, status, ["Todo", "To Discuss", "Discussing", "Discussed"])

    assert [o.name for o in updated.options] == ["Todo", "To Discuss", "Discussing", "Discussed"]
    assert gh.project(1).fields["Status"] == (
        "SINGLE_SELECT",
        ("Todo", "To Discuss", "Discussing", "Discussed"),
    )
    # GitHub gives every option a new id: the caller sets the items' values again
    assert updated.option("Todo") != status.option("Todo")


def test_a_single_select_value_must_be_an_option(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    board = port.read_board(1)
    assert board is not None
    item = port.add_item(board, port.create_issue("First", "", []))
    status = board.field("Status")
    assert status is not None

    with pytest.raises(P2PError, match="has no option 'Parked'"):
        port.set_field(board, item, status, "Parked")


def test_a_graphql_error_in_a_200_answer_is_a_clear_error(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    board = port.read_board(1)
    assert board is not None
    item = port.add_item(board, port.create_issue("First", "", []))
    status = board.field("Status")
    assert status is not None
    stale = status.model_copy(update={"options": (FieldOption(id="deadbeef", name="Gone"),)})

    with pytest.raises(GitHubError) as raised:
        port.set_field(board, item, stale, "Gone")

    assert "GraphQL" in raised.value.message
    assert "set Status of issue #1 on board #1" in raised.value.message
    assert "single select option Id does not belong to the field" in raised.value.message


# --- retries: only what GitHub did not apply, or what changes nothing -------------------------


def test_a_secondary_rate_limit_is_waited_out_and_retried(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.rate_limit_next("secondary", retry_after=42)

    access = port.read_access()

    assert access.collaborators
    assert gh.waits == [42.0]
    assert port.requests.reads == 3


def test_a_secondary_rate_limit_on_a_write_is_retried_once_applied(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.rate_limit_next("secondary", method="POST", path_regex="/issues$", retry_after=None)

    port.create_issue("Hiring", "", ["topic"])

    assert [i.title for i in gh.issues.values()] == ["Hiring"]
    assert gh.waits == [60.0]  # no retry-after: at least a minute
    assert port.requests.writes == 2


def test_a_429_rate_limit_is_waited_out_like_a_403(gh: FakeGitHub, port: GitHubRepository) -> None:
    # Past either limit "you will receive a 403 or 429 response" ("Rate limits for the REST API").
    gh.rate_limit_next("secondary", retry_after=30, status=429)
    gh.rate_limit_next("primary", method="PUT", status=429)

    port.read_access()
    port.invite("alice", "triage")

    assert gh.waits[0] == 30.0 and 55 <= gh.waits[1] <= 62
    assert gh.invitation_for("alice") is not None
    assert (port.requests.reads, port.requests.writes) == (3, 2)


@pytest.mark.parametrize("message", SECONDARY_MESSAGES)
@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_limit_worded_without_rate_limit_and_no_retry_after_is_waited_out(
    gh: FakeGitHub, port: GitHubRepository, message: str, status: Literal[403, 429]
) -> None:
    # Not a missing permission: at least a minute, then twice as long ("Best practices for using
    # the REST API", GitHub Docs), and the label is made once it goes through.
    gh.rate_limit_next("secondary", 2, method="POST", retry_after=None, status=status, message=message)

    port.create_label("topic", "0e8a16", "")

    assert gh.waits == [60.0, 120.0]
    assert gh.labels == ["topic"]
    assert port.requests.writes == 3


def test_a_secondary_limit_with_retry_after_waits_that_long(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.rate_limit_next("secondary", retry_after=7, message=SECONDARY_MESSAGES[0])

    port.read_access()

    assert gh.waits == [7.0]


def test_a_secondary_limit_that_does_not_lift_ends_the_run_after_a_bounded_number_of_tries(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.rate_limit_next("secondary", 10, method="POST", retry_after=None, message=SECONDARY_MESSAGES[1])

    with pytest.raises(
        GitHubError, match="rate limit stopped the run while trying to create label"
    ) as raised:
        port.create_label("topic", "0e8a16", "")

    assert "lacks" not in raised.value.message  # not taken for a missing permission
    assert gh.waits == [60.0, 120.0, 240.0]
    assert port.requests.writes == 4


def test_a_graphql_secondary_limit_worded_otherwise_is_waited_out(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.add_project(1)
    gh.rate_limit_next(
        "secondary", path_regex="graphql", retry_after=None, status=200, message=SECONDARY_MESSAGES[0]
    )

    assert port.read_board(1) is not None
    assert gh.waits == [60.0]


def test_a_secondary_rate_limit_in_a_200_graphql_answer_is_waited_out(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.add_project(1)
    gh.rate_limit_next("secondary", path_regex="graphql", retry_after=None, status=200)

    board = port.read_board(1)

    assert board is not None and gh.waits == [60.0] and gh.graphql_requests == 2


def test_a_primary_rate_limit_waits_until_the_reset(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.rate_limit_next("primary")

    port.read_access()

    assert len(gh.waits) == 1 and 55 <= gh.waits[0] <= 62


def test_a_graphql_rate_limit_in_a_200_answer_is_waited_out(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_issue("Hiring", labels=["topic", LABEL])
    gh.rate_limit_next("primary", path_regex="graphql")

    topics = port.read_topics(EVENT)

    assert [i.title for i in topics.issues] == ["Hiring"]
    assert len(gh.waits) == 1 and gh.graphql_requests == 2


def test_a_rate_limit_that_does_not_lift_ends_the_run_with_advice(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    gh.rate_limit_next("secondary", times=10, retry_after=5)

    with pytest.raises(GitHubError, match="rate limit stopped the run while trying to list collaborators"):
        port.read_access()
    assert len(gh.requests) == 4


def test_a_502_on_a_post_is_not_retried(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.fail_next("POST", r"/issues$", 502)  # GitHub created the issue, then answered 502

    with pytest.raises(GitHubError, match="may or may not have been made: run again"):
        port.create_issue("Hiring", "", ["topic"])

    assert gh.requests == [("POST", "/repos/profiq/peer-to-peer/issues")]
    assert [i.title for i in gh.issues.values()] == ["Hiring"]  # exactly one, never two


def test_a_502_on_a_mutation_is_not_retried(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.add_project(1)
    board = port.read_board(1)
    assert board is not None
    issue = port.create_issue("Hiring", "", [])
    gh.fail_next("POST", "graphql", 502, operation="addProjectV2ItemById")

    with pytest.raises(GitHubError):
        port.add_item(board, issue)

    assert gh.operations[-1] == "AddItems" and gh.operations.count("AddItems") == 1
    assert gh.project(1).issues == [issue.number]


def test_reads_are_retried_on_5xx_and_dropped_connections(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.fail_next("POST", "graphql", 502, after_apply=False, operation="Snapshot")
    gh.reset_next("GET", "/invitations")
    gh.fail_next("POST", "graphql", 503, after_apply=False, operation="Topics")

    port.read_access()
    port.read_topics(EVENT)

    assert port.requests.reads == 6
    assert len(gh.waits) == 3


def test_a_dropped_connection_on_a_write_is_not_retried(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.reset_next("PUT", "/collaborators/alice", after_apply=True)

    with pytest.raises(GitHubError, match=r"could not reach GitHub .* to invite alice.*may or may not"):
        port.invite("alice", "triage")

    assert [method for method, _ in gh.requests] == ["PUT"]
    assert [i.login for i in gh.invitations] == ["alice"]


def test_writes_are_spaced_by_the_write_delay(gh: FakeGitHub) -> None:
    port = adapter(P2P_WRITE_DELAY="1.5")

    port.read_access()
    port.invite("alice", "triage")
    port.invite("bob", "triage")
    port.invite("carol", "triage")

    assert len(gh.waits) == 2 and all(1.4 < wait <= 1.5 for wait in gh.waits)


def test_a_bad_write_delay_is_a_clear_error(gh: FakeGitHub) -> None:
    with pytest.raises(P2PError, match="P2P_WRITE_DELAY must be a number of seconds"):
        adapter(P2P_WRITE_DELAY="soon")


# --- refusals -------------------------------------------------------------------------------


def test_a_bad_token_says_so(gh: FakeGitHub, port: GitHubRepository) -> None:
    gh.token_invalid()

    with pytest.raises(
        GitHubError, match=r"rejected the token \(401 Bad credentials\).*GITHUB_TOKEN"
    ) as raised:
        port.read_access()
    assert raised.value.status == 401


@pytest.mark.parametrize(
    ("permission", "call", "named"),
    [
        ("administration", lambda port: port.read_access(), "Administration permission"),
        ("administration", lambda port: port.invite("alice", "triage"), "Administration permission"),
        ("issues", lambda port: port.create_issue("Hiring", "", []), "Issues permission"),
        ("issues", lambda port: port.read_topics(EVENT), "Issues permission"),
        ("projects", lambda port: port.read_board(1), r"Projects permission \(read and write\) on profiq"),
    ],
)
def test_a_missing_permission_is_named(
    gh: FakeGitHub, port: GitHubRepository, permission: str, call: object, named: str
) -> None:
    gh.add_project(1)
    gh.deny(permission)  # type: ignore[arg-type]

    with pytest.raises(GitHubError, match=named) as raised:
        call(port)  # type: ignore[operator]
    assert "profiq" in raised.value.message


def test_read_access_pages_collaborators_in_graphql_past_100(gh: FakeGitHub, port: GitHubRepository) -> None:
    for n in range(150):
        gh.add_organization_access(f"member{n:03d}", "read")
    gh.add_collaborator("alice", "triage")

    access = port.read_access()

    by_login = {c.login: c for c in access.collaborators}
    assert len(by_login) == 152  # with the token's user
    assert by_login["alice"].direct and by_login["alice"].permission == "triage"
    assert not by_login["member149"].direct and by_login["member149"].permission == "read"
    assert gh.operations == ["Snapshot", "Snapshot"]
    assert port.requests.reads == 3  # two pages of collaborators, one of invitations


def test_a_missing_repository_is_named() -> None:
    with FakeGitHub("profiq/other"):
        port = adapter()
        with pytest.raises(GitHubError, match=r"profiq/peer-to-peer \(404 Not Found\).*repository:"):
            port.read_access()
        with pytest.raises(GitHubError, match="peer-to-peer"):
            port.read_topics(EVENT)


def test_a_422_names_the_repository_and_what_github_said(gh: FakeGitHub, port: GitHubRepository) -> None:
    with pytest.raises(GitHubError, match=r"invite alice in profiq/peer-to-peer \(422 Validation Failed"):
        port.invite("alice", "superuser")


def test_the_token_appears_in_no_output_and_no_log(
    gh: FakeGitHub, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="github")
    port = adapter(P2P_WRITE_DELAY="0")
    gh.add_project(1)
    messages: list[str] = []
    port.read_access()
    port.read_topics(EVENT)
    port.read_board(1)
    port.invite("alice", "triage")
    gh.token_invalid()
    with pytest.raises(GitHubError) as bad_token:
        port.read_board(1)
    gh.token_invalid(False)
    gh.deny("projects")
    with pytest.raises(GitHubError) as forbidden:
        port.read_board(1)
    messages += [bad_token.value.message, forbidden.value.message]
    gh.fail_next("PUT", "/collaborators/", 502)
    try:
        port.invite("bob", "triage")
    except GitHubError as error:
        messages.append(str(error))

    assert len(messages) == 3
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "api.github.com" in logged  # PyGithub's debug log was on
    printed = capsys.readouterr()
    for text in (*messages, logged, printed.out, printed.err):
        assert TOKEN not in text


# --- setup ----------------------------------------------------------------------------------


def test_the_token_comes_from_github_token_then_gh_token() -> None:
    assert find_token({"GITHUB_TOKEN": "one", "GH_TOKEN": "two"}, "https://api.github.com") == "one"
    assert find_token({"GH_TOKEN": "two"}, "https://api.github.com") == "two"


def test_the_token_comes_from_the_gh_cli_when_it_is_logged_in(tmp_path: Path) -> None:
    script = tmp_path / "gh"
    script.write_text('#!/bin/sh\n[ "$1 $2 $4" = "auth token github.com" ] && echo from-gh\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)

    assert find_token({"PATH": str(tmp_path)}, "https://api.github.com") == "from-gh"


def test_without_any_token_the_error_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(P2PError, match=r"set GITHUB_TOKEN .* or log in with `gh auth login`"):
        GitHubRepository.from_environment(REPOSITORY, env={"PATH": str(tmp_path)})


def test_github_enterprise_server_is_reached_at_its_api_and_graphql_urls() -> None:
    with FakeGitHub(REPOSITORY, api_url="https://ghe.example.com/api/v3") as gh:
        gh.add_collaborator("alice")
        port = adapter(GITHUB_API_URL="https://ghe.example.com/api/v3/")
        access = port.read_access()
        topics = port.read_topics(EVENT)
    assert "alice" in {c.login for c in access.collaborators}
    assert topics.viewer == "p2p-bot"
    assert gh.requests[-1] == ("POST", "/api/graphql")
    assert not gh.unhandled


def test_an_api_url_github_redirects_elsewhere_is_a_clear_error(gh: FakeGitHub) -> None:
    port = adapter(GITHUB_API_URL="http://api.github.com")

    with pytest.raises(GitHubError, match=r"redirected the request to list collaborators.*GITHUB_API_URL"):
        port.read_access()


def test_a_secret_in_the_api_url_stays_out_of_messages() -> None:
    with FakeGitHub(REPOSITORY, api_url="https://ghe.example.com/api/v3") as gh:
        gh.add_users("alice")
        port = adapter(GITHUB_API_URL="https://x-access-token:Sekrit0123456789@ghe.example.com/api/v3")
        gh.reset_next("PUT", "/collaborators/alice")
        with pytest.raises(GitHubError) as raised:
            port.invite("alice", "triage")
    assert "could not reach GitHub (ghe.example.com)" in raised.value.message
    assert "Sekrit0123456789" not in raised.value.message
    with pytest.raises(P2PError) as misplaced:
        adapter(GITHUB_API_URL="ghp_Sekrit0123456789")
    assert "Sekrit0123456789" not in misplaced.value.message


def test_every_graphql_document_loads_from_the_package() -> None:
    folder = Path(__file__).resolve().parent.parent / "p2p" / "github" / "graphql"
    names = sorted(p.stem for p in folder.glob("*.graphql"))
    assert names
    for name in names:
        text = document(name)
        assert text.lstrip().startswith("#"), f"{name}.graphql: start with a comment saying what it is for"
        assert ("query " in text) != ("mutation " in text)


def test_the_graphql_documents_are_valid_against_githubs_schema() -> None:
    import graphql

    schema_file = Path(__file__).resolve().parents[2] / "shared" / "github" / "schema.graphql"
    if not schema_file.exists():
        pytest.skip("GitHub's schema is not beside the project (CI runs graphql-check where it is)")
    schema = graphql.build_schema(schema_file.read_text(), assume_valid_sdl=True, assume_valid=True)
    for path in sorted(
        (Path(__file__).resolve().parent.parent / "p2p" / "github" / "graphql").glob("*.graphql")
    ):
        assert graphql.validate(schema, graphql.parse(path.read_text())) == [], path.name
    for count in (1, 2, 20):
        assert graphql.validate(schema, graphql.parse(repeated("set_fields", count))) == [], count
