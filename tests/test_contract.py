"""One contract, two implementations: the offline sandbox and the real adapter (against the fake
GitHub) must show the same observable behaviour for the same calls, so the sandbox never drifts.

Each test seeds state through a small `World` facade over either implementation, calls port
operations and asserts what any caller could observe.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

import pytest

from p2p.errors import GitHubError, InvitationLimitError, P2PError
from p2p.github.adapter import GitHubRepository
from p2p.models import Board, Invitation, Issue, IssueState, StateReason
from p2p.port import VALUES_PER_REQUEST, FieldValue, Port
from p2p.sandbox.store import Sandbox
from tests.fake import FakeGitHub
from tests.fake.records import LEAN_COFFEE_STATUS

REPOSITORY = "acme/roundtable"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
EVENT = "2024-03-20"
OTHER_EVENT = "2024-05-08"


class GitHubWorld(Protocol):
    """Everyone else on GitHub, and the clock: the seeding names the sandbox and the fake share."""

    def add_collaborator(self, login: str, permission: str = "triage") -> None: ...
    def accept_invitation(self, login: str) -> None: ...
    def add_invitation(
        self, login: str, *, created_at: datetime | None = None, expired: bool = False
    ) -> int | Invitation: ...
    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: IssueState = "open",
        state_reason: StateReason | None = None,
    ) -> int: ...
    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: Literal["User", "Bot"] = "User",
        created_at: datetime | None = None,
    ) -> None: ...
    def add_comment(
        self, number: int, author: str, body: str, *, user_type: Literal["User", "Bot"] = "User"
    ) -> int: ...
    def edit_comment(self, comment_id: int, body: str) -> None: ...
    def delete_comment(self, comment_id: int) -> None: ...
    def close_issue(self, number: int, reason: StateReason = "completed") -> None: ...
    def advance(self, delta: timedelta) -> None: ...


@dataclass
class World:
    """What a contract test works with: the port under test, and the world around it."""

    port: Port
    github: GitHubWorld

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        self.github.add_collaborator(login, permission)

    def accept_invitation(self, login: str) -> None:
        self.github.accept_invitation(login)

    def add_invitation(self, login: str, *, created_at: datetime | None = None, expired: bool = False) -> int:
        sent = self.github.add_invitation(login, created_at=created_at, expired=expired)
        return sent if isinstance(sent, int) else sent.id  # the fake answers the id

    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: IssueState = "open",
        state_reason: StateReason | None = None,
    ) -> int:
        return self.github.add_issue(
            title, body=body, labels=labels, author=author, state=state, state_reason=state_reason
        )

    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: Literal["User", "Bot"] = "User",
        created_at: datetime | None = None,
    ) -> None:
        self.github.add_reaction(number, login, content=content, user_type=user_type, created_at=created_at)

    def add_comment(
        self, number: int, author: str, body: str, *, user_type: Literal["User", "Bot"] = "User"
    ) -> int:
        return self.github.add_comment(number, author, body, user_type=user_type)

    def edit_comment(self, comment_id: int, body: str) -> None:
        self.github.edit_comment(comment_id, body)

    def delete_comment(self, comment_id: int) -> None:
        self.github.delete_comment(comment_id)

    def close_issue(self, number: int, reason: StateReason) -> None:
        self.github.close_issue(number, reason)

    def advance(self, delta: timedelta) -> None:
        self.github.advance(delta)


def _worlds(
    kind: str, folder: Path, *, organization: bool = True, viewer: str = "p2p-bot[bot]"
) -> Iterator[World]:
    """The token is a GitHub App's, unless `viewer` names a person."""
    if kind == "sandbox":
        sandbox = Sandbox.open(
            folder / ".p2p" / "sandbox.json",
            repository=REPOSITORY,
            now=NOW,
            organization=organization,
            viewer=viewer,
        )
        yield World(port=sandbox, github=sandbox)
        sandbox.close()
        return
    # The real adapter, over HTTP, against the fake GitHub with the board a sandbox starts with.
    with FakeGitHub(REPOSITORY, now=NOW, owner_is_organization=organization, viewer=viewer) as fake:
        fake.add_project(1, fields={"Status": LEAN_COFFEE_STATUS})
        port = GitHubRepository.from_environment(
            REPOSITORY, env={"GITHUB_TOKEN": "ghp_contract0123456789", "P2P_WRITE_DELAY": "0"}
        )
        yield World(port=port, github=fake)
        assert fake.unhandled == []


@pytest.fixture(params=["sandbox", "github"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    yield from _worlds(request.param, tmp_path)


@pytest.fixture(params=["sandbox", "github"])
def person_token(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The token of a person (an admin of the repository), not of a GitHub App."""
    yield from _worlds(request.param, tmp_path, viewer="olga")


@pytest.fixture(params=["sandbox", "github"])
def personal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A repository of a personal account, not of an organization."""
    yield from _worlds(request.param, tmp_path, organization=False)


def _board(world: World) -> Board:
    board = world.port.read_board(1)
    assert board is not None
    return board


def _topic(world: World, number: int, event: str = EVENT) -> Issue:
    return next(i for i in world.port.read_topics(event).issues if i.number == number)


# --- access ------------------------------------------------------------------------------


def test_read_access_shows_collaborators_and_invitations_with_expiry(world: World) -> None:
    world.add_collaborator("alice", "triage")
    world.add_invitation("bob", created_at=NOW - timedelta(days=2))
    world.add_invitation("carol", expired=True)

    access = world.port.read_access()

    assert access.owner_is_organization
    assert [(c.login, c.permission) for c in access.collaborators] == [("alice", "triage")]
    assert {i.login: i.expired for i in access.invitations} == {"bob": False, "carol": True}
    assert all(i.id > 0 for i in access.invitations)


def test_an_invitation_expires_after_seven_days(world: World) -> None:
    world.add_invitation("bob", created_at=NOW - timedelta(days=6, hours=23))
    assert [i.expired for i in world.port.read_access().invitations] == [False]

    world.advance(timedelta(hours=2))

    assert [i.expired for i in world.port.read_access().invitations] == [True]


def test_invite_sends_an_invitation(world: World) -> None:
    invitation = world.port.invite("dave", "triage")

    assert invitation is not None
    assert (invitation.login, invitation.expired, invitation.permission) == ("dave", False, "triage")
    assert invitation.created_at == NOW
    assert [(i.id, i.login) for i in world.port.read_access().invitations] == [(invitation.id, "dave")]


def test_invite_again_gives_back_the_pending_invitation(world: World) -> None:
    first = world.port.invite("dave", "triage")
    again = world.port.invite("Dave", "push")

    assert first is not None and again is not None
    assert again.id == first.id
    assert again.permission == "write"
    assert len(world.port.read_access().invitations) == 1


def test_invite_after_expiry_sends_a_new_invitation(world: World) -> None:
    old = world.add_invitation("dave", created_at=NOW - timedelta(days=8))

    new = world.port.invite("dave", "triage")

    assert new is not None and new.id != old and not new.expired
    assert [i.id for i in world.port.read_access().invitations] == [new.id]


def test_invite_with_an_unknown_role_is_refused(world: World) -> None:
    with pytest.raises(GitHubError) as refused:
        world.port.invite("dave", "owner")
    assert refused.value.status == 422


def test_invite_of_a_collaborator_sends_nothing(world: World) -> None:
    world.add_collaborator("alice")

    assert world.port.invite("alice", "triage") is None
    assert world.port.invite("ALICE", "push") is None  # logins are case-insensitive
    assert world.port.read_access().invitations == ()
    assert ("alice", "write") in {(c.login, c.permission) for c in world.port.read_access().collaborators}


def test_an_accepted_invitation_makes_a_collaborator(world: World) -> None:
    world.port.invite("dave", "triage")

    world.accept_invitation("dave")

    access = world.port.read_access()
    assert ("dave", "triage") in {(c.login, c.permission) for c in access.collaborators}
    assert access.invitations == ()


def test_cancel_invitation(world: World) -> None:
    invitation = world.port.invite("dave", "triage")
    assert invitation is not None

    world.port.cancel_invitation(invitation.id)

    assert world.port.read_access().invitations == ()
    with pytest.raises(GitHubError) as refused:
        world.port.cancel_invitation(invitation.id)
    assert refused.value.status == 404


def test_remove_collaborator(world: World) -> None:
    world.add_collaborator("alice")
    world.add_collaborator("erin")

    world.port.remove_collaborator("alice")

    assert [c.login for c in world.port.read_access().collaborators] == ["erin"]


def test_remove_collaborator_also_cancels_their_invitation(world: World) -> None:
    world.port.invite("dave", "triage")

    world.port.remove_collaborator("dave")

    assert world.port.read_access().invitations == ()


def test_remove_of_someone_without_access_is_refused(world: World) -> None:
    with pytest.raises(GitHubError) as refused:
        world.port.remove_collaborator("nobody")
    assert refused.value.status == 404


def test_fifty_invitations_a_day_then_the_limit(world: World) -> None:
    for n in range(50):
        assert world.port.invite(f"person{n}", "triage") is not None

    with pytest.raises(InvitationLimitError) as refused:
        world.port.invite("person50", "triage")

    assert "50" in refused.value.message
    assert len(world.port.read_access().invitations) == 50
    world.advance(timedelta(hours=24, minutes=1))
    assert world.port.invite("person50", "triage") is not None


def test_cancelled_invitations_still_count_toward_the_daily_limit(world: World) -> None:
    for n in range(50):
        invitation = world.port.invite(f"person{n}", "triage")
        assert invitation is not None
        world.port.cancel_invitation(invitation.id)
    world.advance(timedelta(hours=23))

    with pytest.raises(InvitationLimitError):
        world.port.invite("late", "triage")


# --- topics ------------------------------------------------------------------------------


def test_read_topics_returns_the_events_issues_and_new_proposals(world: World) -> None:
    seeded = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="p2p-bot")
    done = world.add_issue(
        "Vendors", labels=["topic", f"event:{EVENT}"], state="closed", state_reason="completed"
    )
    withdrawn = world.add_issue(
        "Layoffs", labels=["topic", f"event:{EVENT}"], state="closed", state_reason="not_planned"
    )
    proposal = world.add_issue("On-call", labels=["topic"], author="alice")
    world.add_issue("Old proposal", labels=["topic"], state="closed", state_reason="completed")
    world.add_issue("Next time", labels=["topic", f"event:{OTHER_EVENT}"])
    world.add_issue("A bug", labels=["bug"])
    no_topic = world.add_issue("Agenda notes", labels=[f"event:{EVENT}"])

    topics = world.port.read_topics(EVENT)

    assert topics.event_id == EVENT
    assert topics.viewer == "p2p-bot"
    by_number = {i.number: i for i in topics.issues}
    assert sorted(by_number) == sorted([seeded, done, withdrawn, proposal, no_topic])
    assert (by_number[done].state, by_number[done].state_reason) == ("closed", "completed")
    assert by_number[withdrawn].withdrawn
    assert by_number[seeded].state == "open"
    assert by_number[seeded].author == "p2p-bot"
    assert by_number[proposal].labels == ("topic",)
    assert by_number[proposal].title == "On-call"
    assert not by_number[no_topic].is_topic
    assert all(REPOSITORY in i.url and i.url.endswith(f"/{i.number}") for i in topics.issues)
    assert topics.labels == ("topic", f"event:{EVENT}", f"event:{OTHER_EVENT}", "bug")


def test_a_duplicate_reads_as_a_duplicate(world: World) -> None:
    # Without enableDuplicate GitHub reports a duplicate under another reason, one its reference
    # does not name; the topics query asks for it.
    number = world.add_issue(
        "Hiring", labels=["topic", f"event:{EVENT}"], state="closed", state_reason="duplicate"
    )

    topic = _topic(world, number)
    assert (topic.state, topic.state_reason, topic.withdrawn) == ("closed", "duplicate", True)


def test_labels_are_one_whatever_their_case(world: World) -> None:
    number = world.add_issue("Hiring", labels=["Topic"])

    world.port.add_labels(number, ["topic", f"event:{EVENT}"])

    assert _topic(world, number).labels == ("Topic", f"event:{EVENT}")


def test_read_topics_counts_thumbs_up_only_and_flags_bots(world: World) -> None:
    number = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    world.add_reaction(number, "alice", created_at=NOW - timedelta(hours=3))
    world.add_reaction(number, "bob", content="heart", created_at=NOW - timedelta(hours=2))
    world.add_reaction(number, "bob", content="-1", created_at=NOW - timedelta(hours=2))
    world.add_reaction(number, "helper[bot]", user_type="Bot", created_at=NOW - timedelta(hours=1))
    world.add_reaction(number, "carol", created_at=NOW - timedelta(minutes=5))

    reactions = _topic(world, number).reactions

    # A bot shows without "[bot]", as GraphQL names it, and flagged.
    assert [(r.login, r.is_bot) for r in reactions] == [("alice", False), ("helper", True), ("carol", False)]
    assert [r.created_at for r in reactions] == [
        NOW - timedelta(hours=3),
        NOW - timedelta(hours=1),
        NOW - timedelta(minutes=5),
    ]


def test_create_issue_is_authored_by_the_viewer_and_creates_its_labels(world: World) -> None:
    before = world.add_issue("Earlier", labels=["bug"])

    issue = world.port.create_issue(
        "Hiring", "What worked?\n<!-- p2p:topic x 1 -->", ["topic", f"event:{EVENT}"]
    )

    assert issue.number > before
    assert issue.author == "p2p-bot"
    assert issue.state == "open"
    assert set(issue.labels) == {"topic", f"event:{EVENT}"}
    assert issue.node_id
    seen = _topic(world, issue.number)
    assert (seen.title, seen.body, seen.node_id) == ("Hiring", issue.body, issue.node_id)
    assert {"bug", "topic", f"event:{EVENT}"} <= set(world.port.read_topics(EVENT).labels)


def test_the_toolkits_issues_are_told_from_a_person_named_like_its_bot(world: World) -> None:
    # The token is the App's: its bot is "p2p-bot[bot]", shown as "p2p-bot", the login a person
    # may hold.
    impostor = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="p2p-bot")
    own = world.port.create_issue("Vendors", "", ["topic", f"event:{EVENT}"])

    topics = world.port.read_topics(EVENT)

    assert (topics.viewer, topics.viewer_is_bot) == ("p2p-bot", True)
    assert (own.author, own.author_is_bot) == ("p2p-bot", True)
    by_number = {i.number: i for i in topics.issues}
    assert (by_number[own.number].author, by_number[own.number].author_is_bot) == ("p2p-bot", True)
    assert (by_number[impostor].author, by_number[impostor].author_is_bot) == ("p2p-bot", False)


def test_a_persons_issues_are_told_from_an_apps_bot_of_the_same_login(person_token: World) -> None:
    bot = person_token.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="olga[bot]")
    own = person_token.port.create_issue("Vendors", "", ["topic", f"event:{EVENT}"])

    topics = person_token.port.read_topics(EVENT)

    assert (topics.viewer, topics.viewer_is_bot) == ("olga", False)
    by_number = {i.number: i for i in topics.issues}
    assert (own.author_is_bot, by_number[own.number].author_is_bot) == (False, False)
    assert (by_number[bot].author, by_number[bot].author_is_bot) == ("olga", True)


def test_issue_numbers_only_grow(world: World) -> None:
    first = world.port.create_issue("One", "", []).number
    second = world.add_issue("Two")
    third = world.port.create_issue("Three", "", []).number

    assert first < second < third


def test_add_labels_moves_a_proposal_to_an_event(world: World) -> None:
    proposal = world.add_issue("On-call", labels=["topic"], author="alice")
    assert proposal in [i.number for i in world.port.read_topics(OTHER_EVENT).issues]

    world.port.add_labels(proposal, [f"event:{EVENT}"])

    assert set(_topic(world, proposal).labels) == {"topic", f"event:{EVENT}"}
    assert proposal not in [i.number for i in world.port.read_topics(OTHER_EVENT).issues]


def test_add_labels_to_a_missing_issue_is_refused(world: World) -> None:
    with pytest.raises(GitHubError) as refused:
        world.port.add_labels(999, ["topic"])
    assert refused.value.status == 404


def test_create_label_creates_it_once(world: World) -> None:
    writes = world.port.requests.writes

    world.port.create_label("topic", "0e8a16", "A lean-coffee topic")
    world.port.create_label("Topic", "0e8a16", "A lean-coffee topic")  # GitHub: 422 already_exists

    assert world.port.requests.writes - writes == 2
    assert world.port.read_topics(EVENT).labels == ("topic",)


def test_create_label_leaves_a_label_of_that_name_as_it_is(world: World) -> None:
    world.add_issue("On-call", labels=["Topic"], author="alice")

    world.port.create_label("topic", "0e8a16", "A lean-coffee topic")

    assert world.port.read_topics(EVENT).labels == ("Topic",)


def test_create_label_without_a_name_is_refused(world: World) -> None:
    with pytest.raises(GitHubError) as refused:
        world.port.create_label("", "0e8a16", "")
    assert refused.value.status == 422


# --- comments ----------------------------------------------------------------------------


def test_read_comments_oldest_first_for_the_given_issues(world: World) -> None:
    hiring = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    vendors = world.add_issue("Vendors", labels=["topic", f"event:{EVENT}"])
    elsewhere = world.add_issue("Elsewhere", labels=["topic"])
    first = world.add_comment(hiring, "alice", "Takeaway: pair early")
    world.advance(timedelta(minutes=1))
    second = world.add_comment(vendors, "bob", "I agree")
    world.advance(timedelta(minutes=1))
    third = world.add_comment(hiring, "carol", "Takeaway: budget for triage")
    world.advance(timedelta(minutes=1))
    world.add_comment(elsewhere, "dave", "not asked for")
    gone = world.add_comment(hiring, "erin", "oops")
    world.edit_comment(first, "Takeaway: pair QA with product early")
    world.delete_comment(gone)

    comments = world.port.read_comments([hiring, vendors])

    assert [(c.id, c.issue, c.author, c.body) for c in comments] == [
        (first, hiring, "alice", "Takeaway: pair QA with product early"),
        (second, vendors, "bob", "I agree"),
        (third, hiring, "carol", "Takeaway: budget for triage"),
    ]
    assert not any(c.is_bot for c in comments)


def test_read_comments_flags_bots(world: World) -> None:
    number = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    world.add_comment(number, "helper[bot]", "Takeaway: automate", user_type="Bot")

    comments = world.port.read_comments([number])

    assert [(c.author, c.is_bot) for c in comments] == [("helper", True)]
    assert world.port.read_comments([]) == ()


# --- board -------------------------------------------------------------------------------


def test_the_board_starts_with_lean_coffee_status_only(world: World) -> None:
    board = _board(world)

    status = board.field("Status")
    assert status is not None
    assert status.type == "single_select"
    assert [o.name for o in status.options] == ["To Discuss", "Discussing", "Discussed"]
    assert board.field("Votes") is None
    assert board.field("Event") is None
    assert board.items == ()
    assert world.port.read_board(99) is None
    assert [(f.name, f.type) for f in board.fields] == [
        ("Title", "other"),
        ("Assignees", "other"),
        ("Labels", "other"),
        ("Linked pull requests", "other"),
        ("Milestone", "other"),
        ("Repository", "other"),
        ("Reviewers", "other"),
        ("Status", "single_select"),
    ]


def test_add_item_is_idempotent(world: World) -> None:
    issue = world.port.create_issue("Hiring", "", ["topic"])
    board = _board(world)
    status = board.field("Status")
    assert status is not None

    item = world.port.add_item(board, issue)
    world.port.set_field(board, item, status, "To Discuss")
    again = world.port.add_item(_board(world), issue)

    assert (item.issue, item.values) == (issue.number, {})
    # Already on the board: GitHub answers with the existing item, values and all.
    assert (again.id, again.issue, again.values) == (item.id, issue.number, {"Status": "To Discuss"})
    assert [i.issue for i in _board(world).items] == [issue.number]


def test_set_field_number_text_and_single_select(world: World) -> None:
    issue = world.port.create_issue("Hiring", "", ["topic"])
    board = _board(world)
    item = world.port.add_item(board, issue)
    votes = world.port.create_field(board, "Votes", "number")
    event = world.port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None

    world.port.set_field(board, item, votes, 7)
    world.port.set_field(board, item, event, EVENT)
    world.port.set_field(board, item, status, "Discussing")

    values = _board(world).items[0].values
    assert values["Votes"] == 7
    assert values["Event"] == EVENT
    assert values["Status"] == "Discussing"

    world.port.set_field(board, item, votes, 3)
    assert _board(world).items[0].values["Votes"] == 3


def test_set_fields_sets_values_of_one_item_or_several_in_one_request(world: World) -> None:
    board = _board(world)
    first = world.port.add_item(board, world.port.create_issue("Hiring", "", ["topic"]))
    second = world.port.add_item(board, world.port.create_issue("Vendors", "", ["topic"]))
    votes = world.port.create_field(board, "Votes", "number")
    event = world.port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None
    writes = world.port.requests.writes

    world.port.set_fields(
        board,
        [
            FieldValue(first, status, "To Discuss"),
            FieldValue(first, event, EVENT),
            FieldValue(second, votes, 3),
        ],
    )

    assert world.port.requests.writes - writes == 1
    assert [(i.issue, i.values) for i in _board(world).items] == [
        (first.issue, {"Status": "To Discuss", "Event": EVENT}),
        (second.issue, {"Votes": 3}),
    ]


def test_set_fields_takes_up_to_20_values_a_request(world: World) -> None:
    board = _board(world)
    votes = world.port.create_field(board, "Votes", "number")
    items = [world.port.add_item(board, world.port.create_issue(f"Topic {n}", "", [])) for n in range(21)]
    writes = world.port.requests.writes

    world.port.set_fields(board, [])
    with pytest.raises(ValueError, match="at most 20"):
        world.port.set_fields(board, [FieldValue(item, votes, n) for n, item in enumerate(items)])
    assert world.port.requests.writes == writes
    world.port.set_fields(
        board, [FieldValue(item, votes, n) for n, item in enumerate(items[:VALUES_PER_REQUEST])]
    )

    assert world.port.requests.writes - writes == 1
    assert [i.values.get("Votes") for i in _board(world).items] == [*range(20), None]


def test_set_fields_checks_every_value_before_asking(world: World) -> None:
    board = _board(world)
    item = world.port.add_item(board, world.port.create_issue("Hiring", "", ["topic"]))
    event = world.port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None
    writes = world.port.requests.writes

    with pytest.raises(P2PError, match="no option 'Done'"):
        world.port.set_fields(board, [FieldValue(item, event, EVENT), FieldValue(item, status, "Done")])

    assert world.port.requests.writes == writes
    assert _board(world).items[0].values == {}


def test_set_fields_with_one_value_refused_makes_the_others(world: World) -> None:
    # GitHub runs the mutations of one request one after the other; one that fails is an error of
    # its own. The run stops on it, and the next run finds the others made.
    board = _board(world)
    first = world.port.add_item(board, world.port.create_issue("Hiring", "", ["topic"]))
    second = world.port.add_item(board, world.port.create_issue("Vendors", "", ["topic"]))
    stranger = first.model_copy(update={"id": "PVTI_lADO0000000000"})
    votes = world.port.create_field(board, "Votes", "number")
    writes = world.port.requests.writes

    with pytest.raises(GitHubError):
        world.port.set_fields(
            board, [FieldValue(first, votes, 1), FieldValue(stranger, votes, 2), FieldValue(second, votes, 3)]
        )

    assert world.port.requests.writes - writes == 1
    assert [i.values for i in _board(world).items] == [{"Votes": 1}, {"Votes": 3}]


def test_move_item_orders_the_board(world: World) -> None:
    board = _board(world)
    items = [
        world.port.add_item(board, world.port.create_issue(f"Topic {n}", "", ["topic"])) for n in range(4)
    ]
    numbers = [i.issue for i in items]
    assert [i.issue for i in _board(world).items] == numbers

    world.port.move_item(board, items[3], None)
    world.port.move_item(board, items[0], items[2])

    assert [i.issue for i in _board(world).items] == [numbers[3], numbers[1], numbers[2], numbers[0]]


def test_move_item_after_itself_changes_nothing(world: World) -> None:
    board = _board(world)
    items = [world.port.add_item(board, world.port.create_issue(f"Topic {n}", "", [])) for n in range(2)]

    world.port.move_item(board, items[1], items[1])

    assert [i.id for i in _board(world).items] == [i.id for i in items]


def test_create_field_then_set_options_replaces_them(world: World) -> None:
    issue = world.port.create_issue("Hiring", "", ["topic"])
    board = _board(world)
    item = world.port.add_item(board, issue)
    size = world.port.create_field(board, "Size", "single_select", ["S", "M"])
    assert (size.name, size.type, [o.name for o in size.options]) == ("Size", "single_select", ["S", "M"])
    world.port.set_field(board, item, size, "M")
    status = board.field("Status")
    assert status is not None
    world.port.set_field(board, item, status, "Discussed")

    changed = world.port.set_options(board, size, ["M", "L"])

    assert [o.name for o in changed.options] == ["M", "L"]
    fresh = _board(world)
    assert fresh.field("Size") == changed
    # GitHub gives every option sent a new id: the item's value of that field is gone, others stay.
    assert fresh.items[0].values == {"Status": "Discussed"}
    world.port.set_field(fresh, fresh.items[0], changed, "M")
    assert _board(world).items[0].values == {"Status": "Discussed", "Size": "M"}


def test_set_field_refuses_an_unknown_option_before_asking(world: World) -> None:
    issue = world.port.create_issue("Hiring", "", ["topic"])
    board = _board(world)
    item = world.port.add_item(board, issue)
    status = board.field("Status")
    title = board.field("Title")
    assert status is not None and title is not None
    writes = world.port.requests.writes

    with pytest.raises(P2PError, match="no option 'Done'"):
        world.port.set_field(board, item, status, "Done")
    with pytest.raises(P2PError):
        world.port.set_field(board, item, title, "New title")
    votes = world.port.create_field(board, "Votes", "number")
    writes = world.port.requests.writes
    with pytest.raises(P2PError, match="takes a number"):
        world.port.set_field(board, item, votes, "many")

    assert world.port.requests.writes == writes


def test_board_writes_to_a_missing_item_are_refused(world: World) -> None:
    issue = world.port.create_issue("Hiring", "", ["topic"])
    board = _board(world)
    item = world.port.add_item(board, issue)
    stranger = item.model_copy(update={"id": "PVTI_lADO0000000000"})
    votes = world.port.create_field(board, "Votes", "number")

    with pytest.raises(GitHubError):
        world.port.set_field(board, stranger, votes, 1)
    with pytest.raises(GitHubError):
        world.port.move_item(board, stranger, None)
    with pytest.raises(GitHubError):
        world.port.move_item(board, item, stranger)


def test_a_board_holds_at_most_50_fields(world: World) -> None:
    board = _board(world)
    for n in range(50 - len(board.fields)):
        world.port.create_field(board, f"Note {n}", "text")

    with pytest.raises(GitHubError, match="at most 50 fields"):
        world.port.create_field(board, "One more", "text")
    assert len(_board(world).fields) == 50


def test_create_field_twice_is_refused(world: World) -> None:
    board = _board(world)
    world.port.create_field(board, "Votes", "number")

    with pytest.raises(GitHubError):
        world.port.create_field(_board(world), "Votes", "number")


# --- requests ----------------------------------------------------------------------------


def test_frugal_reads(world: World) -> None:
    for n in range(100):
        number = world.add_issue(f"Topic {n}", labels=["topic", f"event:{EVENT}"])
        world.add_reaction(number, f"voter{n % 7}")
    world.add_collaborator("alice")
    world.add_invitation("bob")
    requests = world.port.requests
    start = requests.reads

    world.port.read_access()
    assert requests.reads - start == 2

    topics = world.port.read_topics(EVENT)
    assert len(topics.issues) == 100
    assert requests.reads - start == 3

    world.port.read_board(1)
    assert requests.reads - start == 4

    world.port.read_comments([i.number for i in topics.issues])
    assert requests.reads - start == 5
    assert requests.writes == 0


def test_each_write_is_one_request(world: World) -> None:
    requests = world.port.requests
    before = requests.writes
    issue = world.port.create_issue("Hiring", "", ["topic"])
    world.port.add_labels(issue.number, [f"event:{EVENT}"])
    board = _board(world)
    item = world.port.add_item(board, issue)
    votes = world.port.create_field(board, "Votes", "number")
    world.port.set_field(board, item, votes, 1)
    status = board.field("Status")
    assert status is not None
    world.port.set_fields(board, [FieldValue(item, votes, 2), FieldValue(item, status, "Discussed")])
    world.port.move_item(board, item, None)
    world.port.create_label("topic", "0e8a16", "")
    invitation = world.port.invite("dave", "triage")
    assert invitation is not None
    world.port.cancel_invitation(invitation.id)

    assert requests.writes - before == 10


def test_long_lists_cost_one_request_per_100(world: World) -> None:
    for n in range(150):
        world.add_collaborator(f"member{n}")
        world.add_issue(f"Topic {n}", labels=["topic", f"event:{EVENT}"])
    busy = world.add_issue("Busy", labels=["topic", f"event:{EVENT}"])
    for n in range(120):
        world.add_comment(busy, f"member{n}", f"comment {n}")
    quiet = world.add_issue("Not read yet", labels=["bug"])
    world.add_comment(quiet, "alice", "hello")
    requests = world.port.requests

    assert len(world.port.read_access().collaborators) == 150
    assert requests.reads == 3  # collaborators: 2 pages; invitations: 1

    topics = world.port.read_topics(EVENT)
    assert len(topics.issues) == 151
    assert requests.reads == 5  # the event's issues and the open topics: 2 pages each, side by side

    comments = world.port.read_comments([i.number for i in topics.issues])
    assert len(comments) == 120
    assert requests.reads == 8  # 151 known issues: 2 requests; the busy one's second page: 1

    assert [c.body for c in world.port.read_comments([quiet])] == ["hello"]
    assert requests.reads == 9  # an issue not read before is looked up on its own
    assert requests.writes == 0


def test_labels_past_100_are_all_read(world: World) -> None:
    tags = [f"tag{n:03}" for n in range(120)]
    crowded = world.add_issue("Crowded", labels=["topic", f"event:{EVENT}", *tags])
    requests = world.port.requests

    topics = world.port.read_topics(EVENT)

    assert set(topics.labels) == {"topic", f"event:{EVENT}", *tags}
    assert set(next(i for i in topics.issues if i.number == crowded).labels) == {
        "topic",
        f"event:{EVENT}",
        *tags,
    }
    # the repository's labels: 2 pages side by side with the issues; the issue's own labels past
    # the first 100: 1 more
    assert requests.reads == 3


def test_a_personal_repository(personal: World) -> None:
    access = personal.port.read_access()
    assert not access.owner_is_organization
    assert ("acme", "admin") in {(c.login, c.permission) for c in access.collaborators}

    invitation = personal.port.invite("dave", "triage")

    # On a personal account's repository every collaborator gets write access.
    assert invitation is not None and invitation.permission == "write"
    assert not personal.port.read_access().owner_is_organization


def test_a_persons_token(person_token: World) -> None:
    access = person_token.port.read_access()
    # GitHub lists the token's own user, an admin, among the collaborators.
    assert [(c.login, c.permission) for c in access.collaborators] == [("olga", "admin")]
    assert person_token.port.read_topics(EVENT).viewer == "olga"
    assert person_token.port.create_issue("Hiring", "", []).author == "olga"
