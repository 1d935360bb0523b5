"""Fault tolerance through the command line, against the stateful fake GitHub.

For every kind of write the toolkit makes, GitHub applies it and then answers 502: the run
stops with a clear message, the next run finishes the work without duplicating anything, and
the state ends up exactly where a run without the fault leaves it. Also: a connection dropped
mid-run, secondary and primary rate limits during a burst of writes (waited out, the waits
made instant, and retried), and a token without a permission the command needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bench.world import ORGANIZER, REPOSITORY, Size, accept_invitations, logins, seed_github, write_roundtable
from p2p.cli.app import app
from p2p.port import Port
from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body, marker
from tests.fake import FakeGitHub
from tests.fake.records import DEFAULT_STATUS

TOKEN = "ghp_faultTestToken0123456789"
SIZE = Size(topics=6, participants=4, events=2)
GRAPHQL = r"/graphql$"


@dataclass
class World:
    root: Path
    fake: FakeGitHub
    event: str

    def p2p(self, *args: str) -> Result:
        """One command through the real command line; any unexpected exception fails the test."""
        self.fake.reset_counts()
        return CliRunner().invoke(
            app, ["--repo-dir", str(self.root), *args], env={"GITHUB_TOKEN": TOKEN}, catch_exceptions=False
        )

    def converge(self, *args: str) -> Result:
        """Run until a run writes nothing (at most three runs): the last run's result."""
        for _ in range(3):
            result = self.p2p(*args)
            assert result.exit_code == 0, result.output
            if self.fake.writes == 0:
                return result
        raise AssertionError(f"`p2p {' '.join(args)}` still writes after three runs:\n{result.output}")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    now = datetime.now(UTC).replace(microsecond=0)
    event = write_roundtable(tmp_path, SIZE, now.date())
    with FakeGitHub(REPOSITORY, now=now) as fake:
        seed_github(fake, SIZE)
        yield World(tmp_path, fake, event)


def make_world(root: Path) -> Iterator[World]:
    """A second, independent world (for the run without a fault)."""
    root.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    event = write_roundtable(root, SIZE, now.date())
    with FakeGitHub(REPOSITORY, now=now) as fake:
        seed_github(fake, SIZE)
        yield World(root, fake, event)


def state(fake: FakeGitHub, *, ordered: bool) -> dict[str, object]:
    """What GitHub holds, free of ids: what must be the same with or without a fault. The
    board's order counts once votes are tallied (`ordered`); before, it is nobody's concern."""
    board = fake.project(1)
    titles = {issue.number: issue.title for issue in fake.issues.values()}
    return {
        "collaborators": fake.collaborators,
        "invitations": sorted((i.login, i.permission) for i in fake.invitations),
        "issues": sorted(
            (i.title, i.author, i.state, sorted(label.casefold() for label in i.labels))
            for i in fake.issues.values()
        ),
        "labels": sorted(name.casefold() for name in fake.labels),
        "fields": sorted(board.fields.items()),
        "items": (list if ordered else sorted)(
            (titles.get(row.issue or 0, ""), sorted(row.values.items())) for row in board.items
        ),
    }


def assert_no_duplicates(fake: FakeGitHub) -> None:
    invited = Counter(i.login.casefold() for i in fake.invitations)
    assert all(n == 1 for n in invited.values()), invited
    titles = Counter(i.title for i in fake.issues.values())
    assert all(n == 1 for n in titles.values()), titles
    for issue in fake.issues.values():
        assert len({label.casefold() for label in issue.labels}) == len(issue.labels), issue.labels
    board = fake.project(1)
    on_board = Counter(row.issue for row in board.items)
    assert all(n == 1 for n in on_board.values()), on_board
    assert len(fake.labels) == len({name.casefold() for name in fake.labels})


def assert_clean_failure(result: Result, *, says: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert says in result.stderr, result.stderr
    assert TOKEN not in result.output


# --- setting the scene for each kind of write ------------------------------------------------


def nothing(world: World) -> None:
    return None


def newcomer_invited(world: World) -> None:
    """A seat freed and taken by a newcomer (in no past event), who is invited."""
    assert world.p2p("participants", "cancel", logins(SIZE.participants)[0]).exit_code == 0
    world.fake.add_users("newcomer")  # someone with a GitHub account registers
    assert world.p2p("participants", "add", "newcomer").exit_code == 0
    world.converge("participants", "sync")
    assert world.fake.invitation_for("newcomer") is not None


def invited_then_one_cancels(world: World) -> None:
    """The newcomer cancels while invited: their invitation must go."""
    newcomer_invited(world)
    assert world.p2p("participants", "cancel", "newcomer").exit_code == 0


def collaborators_then_one_cancels(world: World) -> None:
    """The newcomer accepts, then cancels: their access must go."""
    newcomer_invited(world)
    accept_invitations(world.fake)
    assert world.p2p("participants", "cancel", "newcomer").exit_code == 0


def topics_synced(world: World) -> None:
    world.converge("topics", "sync")


def a_card_out_of_place(world: World) -> None:
    """After a tally, the organizer gives the last card a 👍: that one card moves up."""
    topics_synced(world)
    world.converge("votes", "tally")
    world.fake.add_reaction(world.fake.project(1).items[-1].issue or 0, ORGANIZER)


def a_card_of_another_event(world: World) -> None:
    """After a sync, one card says another event: topics sync sets that one value again."""
    topics_synced(world)
    world.fake.add_board_item(1, world.fake.project(1).items[0].issue or 0, Event="2000-01-01")


def a_new_proposal(world: World) -> None:
    """After a sync, one participant proposes one more topic: labelled and carded on its own."""
    topics_synced(world)
    world.fake.add_issue("A late proposal", labels=["topic"], author=logins(SIZE.participants)[0])


def topic_label_deleted(world: World) -> None:
    """Someone deleted the `topic` label (and so took it off every proposal)."""
    world.fake.delete_label("topic")


def board_as_github_makes_it(world: World) -> None:
    """A new board: Status with GitHub's default options, no Votes, no Event."""
    world.fake.add_project(1, fields={"Status": DEFAULT_STATUS}, title="Lean coffee")


def a_seat_request(world: World) -> None:
    """Someone asks for a seat: the toolkit answers (SPEC 4.6)."""
    world.fake.add_issue(
        "Seat request",
        body=form_body(world.event, "Lean coffee", "Ada Lovelace"),
        labels=[SEAT_REQUEST_LABEL],
        author="newcomer",
    )


def a_seat_request_answered_long_ago(world: World) -> None:
    """A seat request with the toolkit's reply, whose text is out of date."""
    a_seat_request(world)
    number = max(world.fake.issues)
    world.fake.add_comment(number, world.fake.viewer, f"{marker(world.event)}\nAn older answer.")


@dataclass(frozen=True)
class Write:
    """One kind of write: the scene, the command that makes it, and the request to fail."""

    scene: Callable[[World], None]
    command: tuple[str, ...]
    method: str
    path: str
    operation: str | None = None


WRITES = {
    "invite": Write(nothing, ("participants", "sync"), "PUT", r"/collaborators/[^/]+$"),
    "cancel invitation": Write(
        invited_then_one_cancels, ("participants", "sync"), "DELETE", r"/invitations/\d+$"
    ),
    "remove collaborator": Write(
        collaborators_then_one_cancels, ("participants", "sync"), "DELETE", r"/collaborators/[^/]+$"
    ),
    "create issue": Write(nothing, ("topics", "sync"), "POST", r"/issues$"),
    "add label": Write(a_new_proposal, ("topics", "sync"), "POST", r"/issues/\d+/labels$"),
    # The proposals' event label, 50 issues to a request.
    "add labels": Write(nothing, ("topics", "sync"), "POST", GRAPHQL, "AddLabels"),
    "create label": Write(topic_label_deleted, ("topics", "sync"), "POST", r"/labels$"),
    "add board item": Write(a_new_proposal, ("topics", "sync"), "POST", GRAPHQL, "AddItems"),
    "add board items": Write(nothing, ("topics", "sync"), "POST", GRAPHQL, "AddItems"),
    "set field": Write(a_card_of_another_event, ("topics", "sync"), "POST", GRAPHQL, "SetFields"),
    # The new cards' Status and Event, and the first tally's Votes, 50 to a request.
    "set fields": Write(nothing, ("topics", "sync"), "POST", GRAPHQL, "SetFields"),
    "set votes": Write(topics_synced, ("votes", "tally"), "POST", GRAPHQL, "SetFields"),
    "move item": Write(a_card_out_of_place, ("votes", "tally"), "POST", GRAPHQL, "MoveItems"),
    "move items": Write(topics_synced, ("votes", "tally"), "POST", GRAPHQL, "MoveItems"),
    "create field": Write(
        board_as_github_makes_it, ("board", "setup"), "POST", GRAPHQL, "createProjectV2Field"
    ),
    "set options": Write(
        board_as_github_makes_it, ("board", "setup"), "POST", GRAPHQL, "updateProjectV2Field"
    ),
    "post comment": Write(a_seat_request, ("participants", "collect"), "POST", r"/issues/\d+/comments$"),
    "update comment": Write(
        a_seat_request_answered_long_ago, ("participants", "collect"), "PATCH", r"/issues/comments/\d+$"
    ),
}
PORT_WRITES = {
    "invite": "invite",
    "cancel_invitation": "cancel invitation",
    "remove_collaborator": "remove collaborator",
    "create_issue": "create issue",
    "add_labels": "add label",
    "create_label": "create label",
    "add_item": "add board item",
    "add_items": "add board items",
    "move_items": "move items",
    "add_labels_many": "add labels",
    "set_field": "set field",
    "set_fields": "set fields",
    "move_item": "move item",
    "create_field": "create field",
    "set_options": "set options",
    "post_comment": "post comment",
    "update_comment": "update comment",
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_a_502_after_github_applied_a_write_then_the_next_run_converges_without_duplicates(
    world: World, tmp_path: Path, kind: str
) -> None:
    write = WRITES[kind]
    write.scene(world)
    world.fake.fail_next(write.method, write.path, 502, after_apply=True, operation=write.operation)

    failed = world.p2p(*write.command)

    assert_clean_failure(failed, says="502")
    assert "may or may not have been made" in failed.stderr
    assert "again" in failed.stderr
    assert world.fake.writes >= 1  # the write was sent (and applied) before the failure
    assert_no_duplicates(world.fake)

    world.converge(*write.command)

    assert_no_duplicates(world.fake)
    # Exactly where the same runs without the fault end up.
    for reference in make_world(tmp_path / "reference"):
        write.scene(reference)
        reference.converge(*write.command)
        ordered = write.command == ("votes", "tally")
        assert state(world.fake, ordered=ordered) == state(reference.fake, ordered=ordered)


def test_a_502_after_github_set_the_new_cards_values_keeps_them_and_none_is_set_twice(world: World) -> None:
    # The new cards' Status and Event go in one request; GitHub makes them all, then answers 502.
    world.fake.fail_next("POST", GRAPHQL, 502, after_apply=True, operation="SetFields")

    failed = world.p2p("topics", "sync")

    assert_clean_failure(failed, says="may or may not have been made")
    expected = {"Status": "To Discuss", "Event": world.event}
    cards = world.fake.project(1).items
    assert len(cards) == SIZE.topics
    assert all(row.values == expected for row in cards)

    second = world.p2p("topics", "sync")

    assert second.exit_code == 0, second.output
    # What the failed run did not reach (the proposals' labels) is done; no card or value again.
    operations = world.fake.operations
    assert not {"AddItem", "AddItems", "SetField", "SetFields"} & set(operations)
    assert world.fake.project(1).items == cards
    assert_no_duplicates(world.fake)


def test_every_kind_of_write_of_the_port_is_covered() -> None:
    writes = {
        name
        for name, member in vars(Port).items()
        if callable(member) and not name.startswith(("_", "read_"))
    }
    assert writes == set(PORT_WRITES)
    assert set(PORT_WRITES.values()) <= set(WRITES)


# --- a dropped connection ---------------------------------------------------------------------


def test_a_connection_reset_on_a_write_stops_the_run_and_the_next_run_finishes(world: World) -> None:
    world.fake.reset_next("POST", GRAPHQL, after_apply=True, operation="AddLabels")

    failed = world.p2p("topics", "sync")

    assert_clean_failure(failed, says="could not reach GitHub")
    assert "may or may not have been made" in failed.stderr
    world.converge("topics", "sync")
    assert_no_duplicates(world.fake)
    labelled = [i for i in world.fake.issues.values() if f"event:{world.event}" in i.labels]
    assert len(labelled) == SIZE.topics


def test_a_connection_reset_or_a_5xx_on_a_read_is_retried(world: World) -> None:
    world.fake.reset_next("GET", r"/invitations$")
    world.fake.reset_next("POST", GRAPHQL, operation="Topics")
    world.fake.fail_next("POST", GRAPHQL, 502, after_apply=False, times=2, operation="Board")

    first = world.p2p("participants", "sync")
    second = world.p2p("topics", "sync")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    # Back-offs of 2 s, then 4 s for a second failure of the same read, made instant by the fake.
    assert world.fake.waits == [2.0, 2.0, 2.0, 4.0]
    assert_no_duplicates(world.fake)
    assert len(world.fake.project(1).items) == SIZE.topics


# --- rate limits --------------------------------------------------------------------------------


def test_a_secondary_rate_limit_in_a_burst_of_writes_is_waited_out_and_retried(world: World) -> None:
    # The labels of the burst, then a board write: refused twice each, applied never.
    world.fake.rate_limit_next("secondary", 2, operation="AddLabels")
    world.fake.rate_limit_next("secondary", 2, operation="updateProjectV2ItemFieldValue", retry_after=None)

    result = world.p2p("topics", "sync")

    assert result.exit_code == 0, result.output
    # Retry-After: 60 honoured; without it, a minute, then two ("Rate limits for the REST API").
    assert sorted(world.fake.waits) == [60.0, 60.0, 60.0, 120.0]
    assert_no_duplicates(world.fake)
    assert world.p2p("topics", "sync").exit_code == 0
    assert world.fake.writes == 0


def test_a_secondary_rate_limit_on_invitations_is_no_invitation_limit(world: World) -> None:
    # Both are refusals of PUT /collaborators; only the 50-a-day limit stops the run.
    world.fake.rate_limit_next("secondary", 1, method="PUT", path_regex=r"/collaborators/leader-002$")

    result = world.p2p("participants", "sync")

    assert result.exit_code == 0, result.output
    assert world.fake.waits == [60.0]
    assert sorted(i.login for i in world.fake.invitations) == logins(SIZE.participants)


def test_a_primary_rate_limit_waits_until_the_reset(world: World) -> None:
    world.fake.rate_limit_next("primary", 1, method="PUT", path_regex=r"/collaborators/")

    result = world.p2p("participants", "sync")

    assert result.exit_code == 0, result.output
    [wait] = world.fake.waits
    assert 55.0 <= wait <= 62.0  # until x-ratelimit-reset, a minute ahead, and a second more
    assert len(world.fake.invitations) == SIZE.participants


def test_a_rate_limit_that_will_not_lift_stops_the_run_clearly_and_the_next_run_finishes(
    world: World,
) -> None:
    world.fake.rate_limit_next("secondary", 4, operation="AddLabels")

    failed = world.p2p("topics", "sync")

    assert_clean_failure(failed, says="rate limit")
    assert "run again" in failed.stderr
    assert world.fake.waits == [60.0, 60.0, 60.0]  # three retries, then it gives up
    world.converge("topics", "sync")
    assert_no_duplicates(world.fake)


# --- a token without the permission -------------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "command", "named"),
    [
        ("administration", ("participants", "sync"), "Administration"),
        ("issues", ("topics", "sync"), "Issues"),
        ("projects", ("topics", "sync"), "Projects"),
        ("projects", ("board", "setup"), "Projects"),
        ("issues", ("votes", "tally"), "Issues"),
    ],
)
def test_a_token_without_the_permission_gets_a_clear_message_and_changes_nothing(
    world: World, permission: str, command: tuple[str, ...], named: str
) -> None:
    world.fake.deny(permission)  # type: ignore[arg-type]

    result = world.p2p(*command)

    assert_clean_failure(result, says=f"lacks the {named} permission")
    assert world.fake.writes == 0


def test_a_permission_missing_half_way_hides_nothing_done_before(world: World) -> None:
    """`p2p sync`: the invitations go out, the board is refused; the output says both."""
    world.fake.deny("projects")

    result = world.p2p("sync")

    assert_clean_failure(result, says="lacks the Projects permission")
    invited = sorted(i.login for i in world.fake.invitations)
    assert invited == logins(SIZE.participants)
    for login in invited:
        assert f"invite {login}" in result.stdout
    assert "failed" in result.stderr


def test_a_502_in_the_middle_of_p2p_sync_keeps_the_other_steps_and_the_next_sync_converges(
    world: World, tmp_path: Path
) -> None:
    world.fake.fail_next("POST", GRAPHQL, 502, after_apply=True, operation="addProjectV2ItemById")

    failed = world.p2p("sync")

    assert_clean_failure(failed, says="may or may not have been made")
    assert len(world.fake.invitations) == SIZE.participants  # the step before went through
    assert (world.root / "README.md").read_text(encoding="utf-8") != ""
    assert "== render" in failed.stdout  # the step after still ran
    world.converge("sync")
    assert_no_duplicates(world.fake)
    for reference in make_world(tmp_path / "reference"):
        reference.converge("sync")
        assert state(world.fake, ordered=True) == state(reference.fake, ordered=True)
        # The same agenda in the event file, and the same generated pages.
        for name in (f"events/{world.event}.yaml", "README.md", "TAKEAWAYS.md", "events.ics"):
            assert (world.root / name).read_bytes() == (reference.root / name).read_bytes(), name
