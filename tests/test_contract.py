"""One contract, two implementations: the offline sandbox and the real adapter (against the fake
GitHub) must show the same observable behaviour for the same calls, so the sandbox never drifts.

Each test seeds state through the `World` both implement (`p2p.sandbox.world`), calls port
operations and asserts what any caller could observe.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2p.errors import GitHubError, InvitationLimitError, P2PError, UnknownLoginError
from p2p.github.adapter import GitHubRepository
from p2p.models import Board, Issue
from p2p.port import VALUES_PER_REQUEST, FieldValue, Port
from p2p.sandbox.store import Sandbox
from p2p.sandbox.world import World
from tests.fake import FakeGitHub
from tests.fake.records import LEAN_COFFEE_STATUS

REPOSITORY = "acme/roundtable"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
EVENT = "2024-03-20"
OTHER_EVENT = "2024-05-08"

Sides = tuple[Port, World]  # the port under test, and GitHub's side around it
# The people the tests invite have GitHub accounts; any other login is unknown (404).
INVITED = ("dave", "late", *(f"person{n}" for n in range(51)))


def _sides(
    kind: str, folder: Path, *, organization: bool = True, viewer: str = "p2p-bot[bot]"
) -> Iterator[Sides]:
    """The port under test and the world around it. The token is a GitHub App's, unless `viewer`
    names a person."""
    if kind == "sandbox":
        sandbox = Sandbox.open(
            folder / ".p2p" / "sandbox.json",
            repository=REPOSITORY,
            now=NOW,
            organization=organization,
            viewer=viewer,
        )
        sandbox.add_users(*INVITED)
        yield sandbox, sandbox
        sandbox.close()
        return
    # The real adapter, over HTTP, against the fake GitHub with the board a sandbox starts with.
    with FakeGitHub(REPOSITORY, now=NOW, owner_is_organization=organization, viewer=viewer) as fake:
        fake.add_project(1, fields={"Status": LEAN_COFFEE_STATUS})
        fake.add_users(*INVITED)
        port = GitHubRepository.from_environment(
            REPOSITORY, env={"GITHUB_TOKEN": "ghp_contract0123456789", "P2P_WRITE_DELAY": "0"}
        )
        yield port, fake
        assert fake.unhandled == []


@pytest.fixture(params=["sandbox", "github"])
def sides(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    yield from _sides(request.param, tmp_path)


@pytest.fixture
def port(sides: Sides) -> Port:
    return sides[0]


@pytest.fixture
def world(sides: Sides) -> World:
    return sides[1]


@pytest.fixture(params=["sandbox", "github"])
def person_token(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    """The token of a person (an admin of the repository), not of a GitHub App."""
    yield from _sides(request.param, tmp_path, viewer="olga")


@pytest.fixture(params=["sandbox", "github"])
def personal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    """A repository of a personal account, not of an organization."""
    yield from _sides(request.param, tmp_path, organization=False)


def _board(port: Port) -> Board:
    board = port.read_board(1)
    assert board is not None
    return board


def _topic(port: Port, number: int, event: str = EVENT) -> Issue:
    return next(i for i in port.read_topics(event).issues if i.number == number)


# --- access ------------------------------------------------------------------------------


def test_read_access_shows_collaborators_and_invitations_with_expiry(port: Port, world: World) -> None:
    world.add_collaborator("alice", "triage")
    world.add_invitation("bob", created_at=NOW - timedelta(days=2))
    world.add_invitation("carol", expired=True)

    access = port.read_access()

    assert access.owner_is_organization
    assert [(c.login, c.permission) for c in access.collaborators] == [("alice", "triage")]
    assert {i.login: i.expired for i in access.invitations} == {"bob": False, "carol": True}
    assert all(i.id > 0 for i in access.invitations)


def test_access_through_the_organization_is_listed_as_not_direct(port: Port, world: World) -> None:
    # GitHub's collaborator list holds people whose access comes from the organization (SPEC 8).
    world.add_collaborator("alice", "triage")
    world.add_organization_access("alice", "write")  # a team gives more: the highest role shows
    world.add_organization_access("erin", "read")  # the organization's base permission
    world.add_organization_access("fay", "maintain", team="leads")

    access = port.read_access()

    assert {(c.login, c.permission, c.direct) for c in access.collaborators} == {
        ("alice", "write", True),
        ("erin", "read", False),
        ("fay", "maintain", False),
    }
    port.remove_collaborator("erin")  # GitHub answers 204 and leaves the organization's access
    assert ("erin", False) in {(c.login, c.direct) for c in port.read_access().collaborators}
    assert port.invite("erin", "triage") is None  # a member becomes a direct collaborator
    assert ("erin", True) in {(c.login, c.direct) for c in port.read_access().collaborators}


def test_an_invitation_expires_after_seven_days(port: Port, world: World) -> None:
    world.add_invitation("bob", created_at=NOW - timedelta(days=6, hours=23))
    assert [i.expired for i in port.read_access().invitations] == [False]

    world.advance(timedelta(hours=2))

    assert [i.expired for i in port.read_access().invitations] == [True]


def test_invite_sends_an_invitation(port: Port) -> None:
    invitation = port.invite("dave", "triage")

    assert invitation is not None
    assert (invitation.login, invitation.expired, invitation.permission) == ("dave", False, "triage")
    assert invitation.created_at == NOW
    assert [(i.id, i.login) for i in port.read_access().invitations] == [(invitation.id, "dave")]


def test_an_invitation_to_a_login_github_does_not_know_is_refused_as_unknown(
    port: Port, world: World
) -> None:
    # "Add a repository collaborator" (GitHub Docs): 404 for a login without an account.
    with pytest.raises(UnknownLoginError) as raised:
        port.invite("nobody-here", "triage")

    assert raised.value.login == "nobody-here"
    assert "GitHub knows no account 'nobody-here'" in raised.value.message
    assert port.read_access().invitations == ()
    world.add_user("nobody-here")  # the account is created: the invitation goes through
    assert port.invite("nobody-here", "triage") is not None


def test_invite_again_gives_back_the_pending_invitation(port: Port) -> None:
    first = port.invite("dave", "triage")
    again = port.invite("Dave", "push")

    assert first is not None and again is not None
    assert again.id == first.id
    assert again.permission == "write"
    assert len(port.read_access().invitations) == 1


def test_invite_after_expiry_sends_a_new_invitation(port: Port, world: World) -> None:
    old = world.add_invitation("dave", created_at=NOW - timedelta(days=8))

    new = port.invite("dave", "triage")

    assert new is not None and new.id != old and not new.expired
    assert [i.id for i in port.read_access().invitations] == [new.id]


def test_invite_with_an_unknown_role_is_refused(port: Port) -> None:
    with pytest.raises(GitHubError) as refused:
        port.invite("dave", "owner")
    assert refused.value.status == 422


def test_invite_of_a_collaborator_sends_nothing(port: Port, world: World) -> None:
    world.add_collaborator("alice")

    assert port.invite("alice", "triage") is None
    assert port.invite("ALICE", "push") is None  # logins are case-insensitive
    assert port.read_access().invitations == ()
    assert ("alice", "write") in {(c.login, c.permission) for c in port.read_access().collaborators}


def test_an_accepted_invitation_makes_a_collaborator(port: Port, world: World) -> None:
    port.invite("dave", "triage")

    world.accept_invitation("dave")

    access = port.read_access()
    assert ("dave", "triage") in {(c.login, c.permission) for c in access.collaborators}
    assert access.invitations == ()


def test_cancel_invitation(port: Port) -> None:
    invitation = port.invite("dave", "triage")
    assert invitation is not None

    port.cancel_invitation(invitation.id)

    assert port.read_access().invitations == ()
    with pytest.raises(GitHubError) as refused:
        port.cancel_invitation(invitation.id)
    assert refused.value.status == 404


def test_remove_collaborator(port: Port, world: World) -> None:
    world.add_collaborator("alice")
    world.add_collaborator("erin")

    port.remove_collaborator("alice")

    assert [c.login for c in port.read_access().collaborators] == ["erin"]


def test_remove_collaborator_also_cancels_their_invitation(port: Port) -> None:
    port.invite("dave", "triage")

    port.remove_collaborator("dave")

    assert port.read_access().invitations == ()


def test_remove_of_someone_without_access_is_refused(port: Port) -> None:
    with pytest.raises(GitHubError) as refused:
        port.remove_collaborator("nobody")
    assert refused.value.status == 404


def test_fifty_invitations_a_day_then_the_limit(port: Port, world: World) -> None:
    for n in range(50):
        assert port.invite(f"person{n}", "triage") is not None

    with pytest.raises(InvitationLimitError) as refused:
        port.invite("person50", "triage")

    assert "50" in refused.value.message
    assert len(port.read_access().invitations) == 50
    world.advance(timedelta(hours=24, minutes=1))
    assert port.invite("person50", "triage") is not None


def test_cancelled_invitations_still_count_toward_the_daily_limit(port: Port, world: World) -> None:
    for n in range(50):
        invitation = port.invite(f"person{n}", "triage")
        assert invitation is not None
        port.cancel_invitation(invitation.id)
    world.advance(timedelta(hours=23))

    with pytest.raises(InvitationLimitError):
        port.invite("late", "triage")


# --- topics ------------------------------------------------------------------------------


def test_read_topics_returns_the_events_issues_and_new_proposals(port: Port, world: World) -> None:
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

    topics = port.read_topics(EVENT)

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


def test_a_duplicate_reads_as_a_duplicate(port: Port, world: World) -> None:
    # Without enableDuplicate GitHub reports a duplicate under another reason, one its reference
    # does not name; the topics query asks for it.
    number = world.add_issue(
        "Hiring", labels=["topic", f"event:{EVENT}"], state="closed", state_reason="duplicate"
    )

    topic = _topic(port, number)
    assert (topic.state, topic.state_reason, topic.withdrawn) == ("closed", "duplicate", True)


def test_labels_are_one_whatever_their_case(port: Port, world: World) -> None:
    number = world.add_issue("Hiring", labels=["Topic"])

    port.add_labels(number, ["topic", f"event:{EVENT}"])

    assert _topic(port, number).labels == ("Topic", f"event:{EVENT}")


def test_read_topics_counts_thumbs_up_only_and_flags_bots(port: Port, world: World) -> None:
    number = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    world.add_reaction(number, "alice", created_at=NOW - timedelta(hours=3))
    world.add_reaction(number, "bob", content="heart", created_at=NOW - timedelta(hours=2))
    world.add_reaction(number, "bob", content="-1", created_at=NOW - timedelta(hours=2))
    world.add_reaction(number, "helper[bot]", user_type="Bot", created_at=NOW - timedelta(hours=1))
    world.add_reaction(number, "carol", created_at=NOW - timedelta(minutes=5))

    reactions = _topic(port, number).reactions

    # A bot shows without "[bot]", as GraphQL names it, and flagged.
    assert [(r.login, r.is_bot) for r in reactions] == [("alice", False), ("helper", True), ("carol", False)]
    assert [r.created_at for r in reactions] == [
        NOW - timedelta(hours=3),
        NOW - timedelta(hours=1),
        NOW - timedelta(minutes=5),
    ]


def test_create_issue_is_authored_by_the_viewer_and_creates_its_labels(port: Port, world: World) -> None:
    before = world.add_issue("Earlier", labels=["bug"])

    issue = port.create_issue("Hiring", "What worked?\n<!-- p2p:topic x 1 -->", ["topic", f"event:{EVENT}"])

    assert issue.number > before
    assert issue.author == "p2p-bot"
    assert issue.state == "open"
    assert set(issue.labels) == {"topic", f"event:{EVENT}"}
    assert issue.node_id
    seen = _topic(port, issue.number)
    assert (seen.title, seen.body, seen.node_id) == ("Hiring", issue.body, issue.node_id)
    assert {"bug", "topic", f"event:{EVENT}"} <= set(port.read_topics(EVENT).labels)


def test_the_toolkits_issues_are_told_from_a_person_named_like_its_bot(port: Port, world: World) -> None:
    # The token is the App's: its bot is "p2p-bot[bot]", shown as "p2p-bot", the login a person
    # may hold.
    impostor = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="p2p-bot")
    own = port.create_issue("Vendors", "", ["topic", f"event:{EVENT}"])

    topics = port.read_topics(EVENT)

    assert (topics.viewer, topics.viewer_is_bot) == ("p2p-bot", True)
    assert (own.author, own.author_is_bot) == ("p2p-bot", True)
    by_number = {i.number: i for i in topics.issues}
    assert (by_number[own.number].author, by_number[own.number].author_is_bot) == ("p2p-bot", True)
    assert (by_number[impostor].author, by_number[impostor].author_is_bot) == ("p2p-bot", False)


def test_a_persons_issues_are_told_from_an_apps_bot_of_the_same_login(
    person_token: Sides,
) -> None:
    port, world = person_token
    bot = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="olga[bot]")
    own = port.create_issue("Vendors", "", ["topic", f"event:{EVENT}"])

    topics = port.read_topics(EVENT)

    assert (topics.viewer, topics.viewer_is_bot) == ("olga", False)
    by_number = {i.number: i for i in topics.issues}
    assert (own.author_is_bot, by_number[own.number].author_is_bot) == (False, False)
    assert (by_number[bot].author, by_number[bot].author_is_bot) == ("olga", True)


def test_issue_numbers_only_grow(port: Port, world: World) -> None:
    first = port.create_issue("One", "", []).number
    second = world.add_issue("Two")
    third = port.create_issue("Three", "", []).number

    assert first < second < third


def test_add_labels_moves_a_proposal_to_an_event(port: Port, world: World) -> None:
    proposal = world.add_issue("On-call", labels=["topic"], author="alice")
    assert proposal in [i.number for i in port.read_topics(OTHER_EVENT).issues]

    port.add_labels(proposal, [f"event:{EVENT}"])

    assert set(_topic(port, proposal).labels) == {"topic", f"event:{EVENT}"}
    assert proposal not in [i.number for i in port.read_topics(OTHER_EVENT).issues]


def test_add_labels_to_a_missing_issue_is_refused(port: Port) -> None:
    with pytest.raises(GitHubError) as refused:
        port.add_labels(999, ["topic"])
    assert refused.value.status == 404


def test_create_label_creates_it_once(port: Port) -> None:
    writes = port.requests.writes

    port.create_label("topic", "0e8a16", "A lean-coffee topic")
    port.create_label("Topic", "0e8a16", "A lean-coffee topic")  # GitHub: 422 already_exists

    assert port.requests.writes - writes == 2
    assert port.read_topics(EVENT).labels == ("topic",)


def test_create_label_leaves_a_label_of_that_name_as_it_is(port: Port, world: World) -> None:
    world.add_issue("On-call", labels=["Topic"], author="alice")

    port.create_label("topic", "0e8a16", "A lean-coffee topic")

    assert port.read_topics(EVENT).labels == ("Topic",)


def test_create_label_without_a_name_is_refused(port: Port) -> None:
    with pytest.raises(GitHubError) as refused:
        port.create_label("", "0e8a16", "")
    assert refused.value.status == 422


# --- comments ----------------------------------------------------------------------------


def test_read_comments_oldest_first_for_the_given_issues(port: Port, world: World) -> None:
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

    comments = port.read_comments([hiring, vendors])

    assert [(c.id, c.issue, c.author, c.body) for c in comments] == [
        (first, hiring, "alice", "Takeaway: pair QA with product early"),
        (second, vendors, "bob", "I agree"),
        (third, hiring, "carol", "Takeaway: budget for triage"),
    ]
    assert not any(c.is_bot for c in comments)


def test_read_comments_flags_bots(port: Port, world: World) -> None:
    number = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    world.add_comment(number, "helper[bot]", "Takeaway: automate", user_type="Bot")

    comments = port.read_comments([number])

    assert [(c.author, c.is_bot) for c in comments] == [("helper", True)]
    assert port.read_comments([]) == ()


def test_a_comment_of_a_deleted_account_has_no_author(port: Port, world: World) -> None:
    number = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"])
    world.add_comment(number, None, "Takeaway: from a ghost")

    comments = port.read_comments([number])

    assert [(c.author, c.is_bot, c.body) for c in comments] == [(None, False, "Takeaway: from a ghost")]


# --- board -------------------------------------------------------------------------------


def test_the_board_starts_with_lean_coffee_status_only(port: Port) -> None:
    board = _board(port)

    status = board.field("Status")
    assert status is not None
    assert status.type == "single_select"
    assert [o.name for o in status.options] == ["To Discuss", "Discussing", "Discussed"]
    assert board.field("Votes") is None
    assert board.field("Event") is None
    assert board.items == ()
    assert port.read_board(99) is None
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


def test_add_item_is_idempotent(port: Port) -> None:
    issue = port.create_issue("Hiring", "", ["topic"])
    board = _board(port)
    status = board.field("Status")
    assert status is not None

    item = port.add_item(board, issue)
    port.set_field(board, item, status, "To Discuss")
    again = port.add_item(_board(port), issue)

    assert (item.issue, item.values) == (issue.number, {})
    # Already on the board: GitHub answers with the existing item, values and all.
    assert (again.id, again.issue, again.values) == (item.id, issue.number, {"Status": "To Discuss"})
    assert [i.issue for i in _board(port).items] == [issue.number]


def test_set_field_number_text_and_single_select(port: Port) -> None:
    issue = port.create_issue("Hiring", "", ["topic"])
    board = _board(port)
    item = port.add_item(board, issue)
    votes = port.create_field(board, "Votes", "number")
    event = port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None

    port.set_field(board, item, votes, 7)
    port.set_field(board, item, event, EVENT)
    port.set_field(board, item, status, "Discussing")

    values = _board(port).items[0].values
    assert values["Votes"] == 7
    assert values["Event"] == EVENT
    assert values["Status"] == "Discussing"

    port.set_field(board, item, votes, 3)
    assert _board(port).items[0].values["Votes"] == 3


def test_set_fields_sets_values_of_one_item_or_several_in_one_request(port: Port) -> None:
    board = _board(port)
    first = port.add_item(board, port.create_issue("Hiring", "", ["topic"]))
    second = port.add_item(board, port.create_issue("Vendors", "", ["topic"]))
    votes = port.create_field(board, "Votes", "number")
    event = port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None
    writes = port.requests.writes

    port.set_fields(
        board,
        [
            FieldValue(first, status, "To Discuss"),
            FieldValue(first, event, EVENT),
            FieldValue(second, votes, 3),
        ],
    )

    assert port.requests.writes - writes == 1
    assert [(i.issue, i.values) for i in _board(port).items] == [
        (first.issue, {"Status": "To Discuss", "Event": EVENT}),
        (second.issue, {"Votes": 3}),
    ]


def test_set_fields_takes_up_to_50_values_a_request(port: Port) -> None:
    board = _board(port)
    votes = port.create_field(board, "Votes", "number")
    items = port.add_items(board, [port.create_issue(f"Topic {n}", "", []) for n in range(50)])
    items += (port.add_item(board, port.create_issue("Topic 50", "", [])),)
    writes = port.requests.writes

    port.set_fields(board, [])
    with pytest.raises(ValueError, match="at most 50"):
        port.set_fields(board, [FieldValue(item, votes, n) for n, item in enumerate(items)])
    assert port.requests.writes == writes
    port.set_fields(board, [FieldValue(item, votes, n) for n, item in enumerate(items[:VALUES_PER_REQUEST])])

    assert port.requests.writes - writes == 1
    assert [i.values.get("Votes") for i in _board(port).items] == [*range(50), None]


def test_set_fields_checks_every_value_before_asking(port: Port) -> None:
    board = _board(port)
    item = port.add_item(board, port.create_issue("Hiring", "", ["topic"]))
    event = port.create_field(board, "Event", "text")
    status = board.field("Status")
    assert status is not None
    writes = port.requests.writes

    with pytest.raises(P2PError, match="no option 'Done'"):
        port.set_fields(board, [FieldValue(item, event, EVENT), FieldValue(item, status, "Done")])

    assert port.requests.writes == writes
    assert _board(port).items[0].values == {}


def test_set_fields_with_one_value_refused_makes_the_others(port: Port) -> None:
    # GitHub runs the mutations of one request one after the other; one that fails is an error of
    # its own. The run stops on it, and the next run finds the others made.
    board = _board(port)
    first = port.add_item(board, port.create_issue("Hiring", "", ["topic"]))
    second = port.add_item(board, port.create_issue("Vendors", "", ["topic"]))
    stranger = first.model_copy(update={"id": "PVTI_lADO0000000000"})
    votes = port.create_field(board, "Votes", "number")
    writes = port.requests.writes

    with pytest.raises(GitHubError):
        port.set_fields(
            board, [FieldValue(first, votes, 1), FieldValue(stranger, votes, 2), FieldValue(second, votes, 3)]
        )

    assert port.requests.writes - writes == 1
    assert [i.values for i in _board(port).items] == [{"Votes": 1}, {"Votes": 3}]


def test_move_item_orders_the_board(port: Port) -> None:
    board = _board(port)
    items = [port.add_item(board, port.create_issue(f"Topic {n}", "", ["topic"])) for n in range(4)]
    numbers = [i.issue for i in items]
    assert [i.issue for i in _board(port).items] == numbers

    port.move_item(board, items[3], None)
    port.move_item(board, items[0], items[2])

    assert [i.issue for i in _board(port).items] == [numbers[3], numbers[1], numbers[2], numbers[0]]


def test_move_item_after_itself_changes_nothing(port: Port) -> None:
    board = _board(port)
    items = [port.add_item(board, port.create_issue(f"Topic {n}", "", [])) for n in range(2)]

    port.move_item(board, items[1], items[1])

    assert [i.id for i in _board(port).items] == [i.id for i in items]


def test_create_field_then_set_options_replaces_them(port: Port) -> None:
    issue = port.create_issue("Hiring", "", ["topic"])
    board = _board(port)
    item = port.add_item(board, issue)
    size = port.create_field(board, "Size", "single_select", ["S", "M"])
    assert (size.name, size.type, [o.name for o in size.options]) == ("Size", "single_select", ["S", "M"])
    port.set_field(board, item, size, "M")
    status = board.field("Status")
    assert status is not None
    port.set_field(board, item, status, "Discussed")

    changed = port.set_options(board, size, ["M", "L"])

    assert [o.name for o in changed.options] == ["M", "L"]
    fresh = _board(port)
    assert fresh.field("Size") == changed
    # GitHub gives every option sent a new id: the item's value of that field is gone, others stay.
    assert fresh.items[0].values == {"Status": "Discussed"}
    port.set_field(fresh, fresh.items[0], changed, "M")
    assert _board(port).items[0].values == {"Status": "Discussed", "Size": "M"}


def test_set_field_refuses_an_unknown_option_before_asking(port: Port) -> None:
    issue = port.create_issue("Hiring", "", ["topic"])
    board = _board(port)
    item = port.add_item(board, issue)
    status = board.field("Status")
    title = board.field("Title")
    assert status is not None and title is not None
    writes = port.requests.writes

    with pytest.raises(P2PError, match="no option 'Done'"):
        port.set_field(board, item, status, "Done")
    with pytest.raises(P2PError):
        port.set_field(board, item, title, "New title")
    votes = port.create_field(board, "Votes", "number")
    writes = port.requests.writes
    with pytest.raises(P2PError, match="takes a number"):
        port.set_field(board, item, votes, "many")

    assert port.requests.writes == writes


def test_board_writes_to_a_missing_item_are_refused(port: Port) -> None:
    issue = port.create_issue("Hiring", "", ["topic"])
    board = _board(port)
    item = port.add_item(board, issue)
    stranger = item.model_copy(update={"id": "PVTI_lADO0000000000"})
    votes = port.create_field(board, "Votes", "number")

    with pytest.raises(GitHubError):
        port.set_field(board, stranger, votes, 1)
    with pytest.raises(GitHubError):
        port.move_item(board, stranger, None)
    with pytest.raises(GitHubError):
        port.move_item(board, item, stranger)


def test_a_board_holds_at_most_50_fields(port: Port) -> None:
    board = _board(port)
    for n in range(50 - len(board.fields)):
        port.create_field(board, f"Note {n}", "text")

    with pytest.raises(GitHubError, match="at most 50 fields"):
        port.create_field(board, "One more", "text")
    assert len(_board(port).fields) == 50


def test_create_field_twice_is_refused(port: Port) -> None:
    board = _board(port)
    port.create_field(board, "Votes", "number")

    with pytest.raises(GitHubError):
        port.create_field(_board(port), "Votes", "number")


# --- requests ----------------------------------------------------------------------------


def test_frugal_reads(port: Port, world: World) -> None:
    for n in range(100):
        number = world.add_issue(f"Topic {n}", labels=["topic", f"event:{EVENT}"])
        world.add_reaction(number, f"voter{n % 7}")
    world.add_collaborator("alice")
    world.add_invitation("bob")
    requests = port.requests
    start = requests.reads

    port.read_access()
    assert requests.reads - start == 2

    topics = port.read_topics(EVENT)
    assert len(topics.issues) == 100
    assert requests.reads - start == 3

    port.read_board(1)
    assert requests.reads - start == 4

    port.read_comments([i.number for i in topics.issues])
    assert requests.reads - start == 5
    assert requests.writes == 0


def test_each_write_is_one_request(port: Port) -> None:
    requests = port.requests
    before = requests.writes
    issue = port.create_issue("Hiring", "", ["topic"])
    port.add_labels(issue.number, [f"event:{EVENT}"])
    board = _board(port)
    item = port.add_item(board, issue)
    votes = port.create_field(board, "Votes", "number")
    port.set_field(board, item, votes, 1)
    status = board.field("Status")
    assert status is not None
    port.set_fields(board, [FieldValue(item, votes, 2), FieldValue(item, status, "Discussed")])
    port.move_item(board, item, None)
    port.create_label("topic", "0e8a16", "")
    invitation = port.invite("dave", "triage")
    assert invitation is not None
    port.cancel_invitation(invitation.id)

    assert requests.writes - before == 10


def test_long_lists_cost_one_request_per_100(port: Port, world: World) -> None:
    for n in range(150):
        world.add_collaborator(f"member{n}")
        world.add_issue(f"Topic {n}", labels=["topic", f"event:{EVENT}"])
    busy = world.add_issue("Busy", labels=["topic", f"event:{EVENT}"])
    for n in range(120):
        world.add_comment(busy, f"member{n}", f"comment {n}")
    quiet = world.add_issue("Not read yet", labels=["bug"])
    world.add_comment(quiet, "alice", "hello")
    requests = port.requests

    assert len(port.read_access().collaborators) == 150
    assert requests.reads == 3  # collaborators: 2 pages; invitations: 1

    topics = port.read_topics(EVENT)
    assert len(topics.issues) == 151
    assert requests.reads == 5  # the event's issues and the open topics: 2 pages each, side by side

    comments = port.read_comments([i.number for i in topics.issues])
    assert len(comments) == 120
    assert requests.reads == 8  # 151 known issues: 2 requests; the busy one's second page: 1

    assert [c.body for c in port.read_comments([quiet])] == ["hello"]
    assert requests.reads == 9  # an issue not read before is looked up on its own
    assert requests.writes == 0


def test_labels_past_100_are_all_read(port: Port, world: World) -> None:
    tags = [f"tag{n:03}" for n in range(120)]
    crowded = world.add_issue("Crowded", labels=["topic", f"event:{EVENT}", *tags])
    requests = port.requests

    topics = port.read_topics(EVENT)

    assert set(topics.labels) == {"topic", f"event:{EVENT}", *tags}
    assert set(next(i for i in topics.issues if i.number == crowded).labels) == {
        "topic",
        f"event:{EVENT}",
        *tags,
    }
    # the repository's labels: 2 pages side by side with the issues; the issue's own labels past
    # the first 100: 1 more
    assert requests.reads == 3


def test_a_personal_repository(personal: Sides) -> None:
    port, _ = personal
    access = port.read_access()
    assert not access.owner_is_organization
    assert ("acme", "admin") in {(c.login, c.permission) for c in access.collaborators}

    invitation = port.invite("dave", "triage")

    # On a personal account's repository every collaborator gets write access.
    assert invitation is not None and invitation.permission == "write"
    assert not port.read_access().owner_is_organization


def test_a_persons_token(person_token: Sides) -> None:
    port, _ = person_token
    access = port.read_access()
    # GitHub lists the token's own user, an admin, among the collaborators.
    assert [(c.login, c.permission) for c in access.collaborators] == [("olga", "admin")]
    assert port.read_topics(EVENT).viewer == "olga"
    assert port.create_issue("Hiring", "", []).author == "olga"


# --- the snapshot: every read of a sync in one request ------------------------------------


def test_read_snapshot_holds_what_each_read_returns_in_two_requests(port: Port, world: World) -> None:
    from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body

    world.add_collaborator("alice")
    world.add_user("bob")
    port.invite("bob", "triage")
    topic = world.add_issue("Hiring", labels=["topic", f"event:{EVENT}"], author="alice")
    world.add_reaction(topic, "alice", created_at=NOW - timedelta(hours=1))
    world.add_issue("On-call", labels=["topic"], author="alice")
    world.add_issue(
        "Seat request",
        body=form_body(EVENT, "Lean coffee", "Carol", recording=True),
        labels=[SEAT_REQUEST_LABEL],
        author="carol",
    )
    before = port.requests.total

    snapshot = port.read_snapshot(EVENT, 1, seat_requests=True)

    assert port.requests.total - before == 2  # one GraphQL request, and the invitations' REST one
    assert snapshot.access == port.read_access()
    assert snapshot.topics == port.read_topics(EVENT)
    assert snapshot.board == port.read_board(1)
    assert snapshot.seat_requests == port.read_seat_requests()
    assert snapshot.seat_requests and snapshot.seat_requests[0].author == "carol"


def test_read_snapshot_leaves_out_the_parts_not_asked_for(port: Port) -> None:
    before = port.requests.total

    snapshot = port.read_snapshot(None, None, seat_requests=False)

    assert port.requests.total - before == 2
    assert snapshot.access is not None
    assert (snapshot.topics, snapshot.board, snapshot.seat_requests) == (None, None, None)
