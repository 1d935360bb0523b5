"""Writes in batches (SPEC 7): up to 50 aliased mutations a request, each answer checked alias by
alias; the port's batch writes alike in the sandbox and the adapter; a first `p2p sync` of 100
proposals within 40 requests; a 502 in the middle of it, then a run that finishes the work
without a duplicate label, card or value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import graphql
import pytest
from typer.testing import CliRunner, Result

from bench.world import REPOSITORY, Size, accept_invitations, seed_github, write_roundtable
from p2p.cli.app import app
from p2p.errors import GitHubError
from p2p.github.adapter import GitHubRepository
from p2p.github.batch import compose
from p2p.github.client import DEFAULT_WRITE_DELAY
from p2p.models import Issue
from p2p.port import MUTATIONS_PER_REQUEST, VALUES_PER_REQUEST, FieldValue
from tests.fake import FakeGitHub
from tests.test_contract import Sides, _board, _sides

GRAPHQL = r"/graphql$"
TOKEN = "ghp_batchTestToken0123456789"
FIRST_RUN = Size(topics=103, participants=12, events=1)  # 100 proposals and 3 seeded topics
BUDGET = 40  # SPEC 7: the first run of a cycle at 100 proposals and 12 participants


# --- the documents --------------------------------------------------------------------------


def _githubs_schema() -> graphql.GraphQLSchema | None:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "github" / "schema.graphql"
        if candidate.exists():
            return graphql.build_schema(candidate.read_text(), assume_valid_sdl=True, assume_valid=True)
    return None


def _fakes_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema((Path(__file__).parent / "fake" / "schema.graphql").read_text())


BATCHES = [
    ("add_items",) * MUTATIONS_PER_REQUEST,
    ("move_items",) * 2,
    ("add_labels",) * 3,
    ("set_fields",) * VALUES_PER_REQUEST,
    ("set_fields", "move_items", "add_labels"),  # kinds may share a request
]


@pytest.mark.parametrize("templates", BATCHES, ids=lambda t: f"{t[0]}x{len(t)}")
def test_a_composed_batch_is_one_valid_document_of_aliased_mutations(templates: tuple[str, ...]) -> None:
    text = compose(templates)
    document = graphql.parse(text)

    [operation] = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert operation.operation == graphql.OperationType.MUTATION
    fields = [s for s in operation.selection_set.selections if isinstance(s, graphql.FieldNode)]
    assert [f.alias.value if f.alias else None for f in fields] == [f"m{n}" for n in range(len(templates))]
    assert [v.variable.name.value for v in operation.variable_definitions or ()] == [
        f"m{n}" for n in range(len(templates))
    ]
    fragments = [d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)]
    assert len(fragments) == len({f.name.value for f in fragments})  # each fragment written once
    assert graphql.validate(_fakes_schema(), document) == []
    schema = _githubs_schema()
    if schema is not None:
        assert graphql.validate(schema, document) == []


def test_a_batch_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no mutations"):
        compose(())


# --- the port's batch writes, alike in the sandbox and the adapter ---------------------------


@pytest.fixture(params=["sandbox", "github"])
def sides(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sides]:
    yield from _sides(request.param, tmp_path)


def test_add_items_puts_many_issues_on_the_board_in_one_request(sides: Sides) -> None:
    port, _ = sides
    board = _board(port)
    issues = [port.create_issue(f"Topic {n}", "", ["topic"]) for n in range(MUTATIONS_PER_REQUEST)]
    first = port.add_item(board, issues[0])
    writes = port.requests.writes

    items = port.add_items(board, issues)

    assert port.requests.writes - writes == 1
    assert [i.issue for i in items] == [i.number for i in issues]
    assert items[0] == first  # already there: the same item, not a second card
    after = _board(port)
    assert [i.issue for i in after.items] == [i.number for i in issues]
    assert port.add_items(board, []) == ()
    assert port.requests.writes - writes == 1
    with pytest.raises(ValueError, match=f"at most {MUTATIONS_PER_REQUEST} cards"):
        port.add_items(board, [*issues, issues[0]])


def test_move_items_makes_the_moves_in_order_in_one_request(sides: Sides) -> None:
    port, _ = sides
    board = _board(port)
    a, b, c = port.add_items(board, [port.create_issue(t, "", ["topic"]) for t in ("A", "B", "C")])
    writes = port.requests.writes

    # C to the top, then B right after C: the second move places B after one moved before it.
    port.move_items(board, [(c, None), (b, c)])

    assert port.requests.writes - writes == 1
    assert [i.id for i in _board(port).items] == [c.id, b.id, a.id]


def test_add_labels_many_labels_many_issues_in_one_request_and_creates_what_is_missing(
    sides: Sides,
) -> None:
    port, world = sides
    numbers = [world.add_issue(f"Proposal {n}", labels=("topic",)) for n in range(3)]
    port.read_topics("2030-01-01")  # the run reads the proposals, and the repository's labels
    writes = port.requests.writes

    port.add_labels_many([(n, ["event:2030-01-01"]) for n in numbers])

    # The event's label created (one request), then every issue labelled (one more).
    assert port.requests.writes - writes == 2
    topics = port.read_topics("2030-01-01")
    assert [i.number for i in topics.issues if i.has_label("event:2030-01-01")] == numbers
    again = port.requests.writes
    port.add_labels_many([(n, ["topic", "EVENT:2030-01-01"]) for n in numbers])  # held already
    assert port.requests.writes - again == 1
    issues = port.read_topics("2030-01-01").issues
    assert all(sorted(i.labels) == ["event:2030-01-01", "topic"] for i in issues)


def test_add_labels_many_labels_issues_the_run_has_not_read(sides: Sides) -> None:
    port, world = sides
    numbers = [world.add_issue(f"Proposal {n}", labels=("topic",)) for n in range(2)]

    port.add_labels_many([(n, ["event:2030-01-01"]) for n in numbers])

    topics = port.read_topics("2030-01-01")
    assert [i.number for i in topics.issues if i.has_label("event:2030-01-01")] == numbers


def _gone(issue: Issue) -> Issue:
    """The issue as the run read it, deleted since: GitHub knows its node id no more."""
    return issue.model_copy(update={"node_id": f"I_kwDOgone{issue.number}"})


def test_a_change_refused_in_a_batch_is_reported_and_the_others_are_made(sides: Sides) -> None:
    port, _ = sides
    board = _board(port)
    issues = [port.create_issue(f"Topic {n}", "", ["topic"]) for n in range(3)]

    with pytest.raises(GitHubError, match=f"issue #{issues[1].number}"):
        port.add_items(board, [issues[0], _gone(issues[1]), issues[2]])

    assert [i.issue for i in _board(port).items] == [issues[0].number, issues[2].number]
    # The next run adds what is missing; what was made stays once.
    port.add_items(board, issues)
    assert [i.issue for i in _board(port).items] == [issues[0].number, issues[2].number, issues[1].number]


def test_the_adapter_says_which_changes_github_did_not_make(tmp_path: Path) -> None:
    sides = _sides("github", tmp_path)
    port, _ = next(sides)  # the adapter, the fake GitHub active until the generator closes
    board = _board(port)
    issues = [port.create_issue(f"Topic {n}", "", ["topic"]) for n in range(5)]

    with pytest.raises(GitHubError) as failure:
        port.add_items(board, [issues[0], *(_gone(i) for i in issues[1:])])
    next(sides, None)

    said = failure.value.message
    assert said.startswith("GitHub made 1 of 5 changes while trying to put 5 issues on board #1")
    assert f"put issue #{issues[1].number} on board #1 (Could not resolve" in said
    assert "and 1 more" in said
    assert "run again" in said
    assert "\n" not in said


def test_values_set_in_batches_of_50(sides: Sides) -> None:
    port, _ = sides
    board = _board(port)
    votes = port.create_field(board, "Votes", "number")
    items = port.add_items(board, [port.create_issue(f"T{n}", "", []) for n in range(VALUES_PER_REQUEST)])
    writes = port.requests.writes

    port.set_fields(board, [FieldValue(item, votes, n) for n, item in enumerate(items)])

    assert port.requests.writes - writes == 1
    assert [i.values.get("Votes") for i in _board(port).items] == list(range(VALUES_PER_REQUEST))


# --- SPEC 7: the first run of a cycle --------------------------------------------------------


class FirstRun:
    """A roundtable at the start of a cycle, against the fake GitHub."""

    def __init__(self, root: Path, fake: FakeGitHub, event: str) -> None:
        self.root, self.fake, self.event = root, fake, event

    def sync(self, *, delay: str | None = "0") -> Result:
        self.fake.reset_counts()
        env = {"GITHUB_TOKEN": TOKEN}
        if delay is not None:
            env["P2P_WRITE_DELAY"] = delay
        return CliRunner().invoke(
            app, ["--repo-dir", str(self.root), "sync"], env=env, catch_exceptions=False
        )

    def state(self) -> dict[str, object]:
        board = self.fake.project(1)
        return {
            "labels": sorted((i.number, sorted(i.labels)) for i in self.fake.issues.values()),
            "cards": [(row.issue, sorted(row.values.items())) for row in board.items],
        }


@pytest.fixture
def first_run(tmp_path: Path) -> Iterator[FirstRun]:
    now = datetime.now(UTC).replace(microsecond=0)
    event = write_roundtable(tmp_path, FIRST_RUN, now.date())
    with FakeGitHub(REPOSITORY, now=now) as fake:
        seed_github(fake, FIRST_RUN)
        yield FirstRun(tmp_path, fake, event)


def assert_no_duplicates(fake: FakeGitHub) -> None:
    for issue in fake.issues.values():
        assert len({label.casefold() for label in issue.labels}) == len(issue.labels), issue.labels
    cards = Counter(row.issue for row in fake.project(1).items)
    assert all(n == 1 for n in cards.values()), cards
    assert Counter(i.title for i in fake.issues.values()).most_common(1)[0][1] == 1
    assert len(fake.labels) == len({name.casefold() for name in fake.labels})


def test_a_first_sync_of_100_proposals_takes_at_most_40_requests(first_run: FirstRun) -> None:
    fake = first_run.fake
    assert FIRST_RUN.proposals == 100

    result = first_run.sync()

    assert result.exit_code == 0, result.output
    # 6 reads (one snapshot of access, topics, seat requests and board, the invitations, a second
    # page of topics past 100, then topics and board again for the tally) and 31 writes: the seat
    # form's two labels, 12 invitations and 3 seeded issues (one REST request each), the 100
    # proposals' label (2 requests), 103 cards (3), their 206 values (5), the tally's 103 Votes (3)
    # and its moves (1). It was 359 requests before writes were batched.
    assert len(fake.requests) == 37
    assert fake.writes == 31
    assert len(fake.requests) <= BUDGET
    operations = Counter(fake.operations)
    assert operations["AddLabels"] == 2
    assert operations["AddItems"] == 3
    assert "AddItem" not in operations and "SetField" not in operations and "MoveItem" not in operations
    assert len(fake.project(1).items) == FIRST_RUN.topics
    assert all(
        row.values.keys() == {"Status", "Event", "Votes"} and row.values["Event"] == first_run.event
        for row in fake.project(1).items
    )
    assert_no_duplicates(fake)

    accept_invitations(fake)
    again = first_run.sync()
    assert again.exit_code == 0, again.output
    assert fake.writes == 0


def test_the_paced_first_run_spends_a_pause_per_write(
    first_run: FirstRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writes are spaced by P2P_WRITE_DELAY, a second by default (GitHub's advice against
    # secondary rate limits): the first run waits about a second a write, no more.
    monkeypatch.delenv("P2P_WRITE_DELAY")
    result = first_run.sync(delay=None)

    assert result.exit_code == 0, result.output
    waited = sum(first_run.fake.waits)
    assert waited <= first_run.fake.writes * DEFAULT_WRITE_DELAY
    assert waited > (first_run.fake.writes - 1) * DEFAULT_WRITE_DELAY * 0.5


@pytest.mark.parametrize(
    ("operation", "skip"),
    # Each kind of batch fails after apply in test_faults.py; here, in the middle of the first run
    # at full size, with batches done before and after it.
    [("AddItems", 1), ("SetFields", 2)],
    ids=["second cards batch", "third values batch"],
)
def test_a_502_in_the_middle_of_a_batched_first_run_then_a_rerun_converges_without_duplicates(
    first_run: FirstRun, tmp_path: Path, operation: str, skip: int
) -> None:
    fake = first_run.fake
    # GitHub makes every change of the batch, then answers 502: the run cannot know what it did.
    fake.fail_next("POST", GRAPHQL, 502, after_apply=True, operation=operation, skip=skip)

    failed = first_run.sync()

    assert failed.exit_code == 1, failed.output
    assert "502" in failed.stderr and "may or may not have been made" in failed.stderr
    assert "Traceback" not in failed.output
    assert_no_duplicates(fake)

    for _ in range(2):
        rerun = first_run.sync()
        assert rerun.exit_code == 0, rerun.output
    assert fake.writes == 0  # converged: the second rerun had nothing left to do
    assert_no_duplicates(fake)

    reference_root = tmp_path / "reference"
    reference_root.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    event = write_roundtable(reference_root, FIRST_RUN, now.date())
    with FakeGitHub(REPOSITORY, now=now) as reference:
        seed_github(reference, FIRST_RUN)
        clean = FirstRun(reference_root, reference, event)
        assert clean.sync().exit_code == 0
        assert first_run.state() == clean.state()


def test_the_adapter_reads_label_ids_with_the_topics_and_creates_only_what_is_missing(
    tmp_path: Path,
) -> None:
    with FakeGitHub(REPOSITORY) as fake:
        numbers = [fake.add_issue(f"Proposal {n}", labels=["topic"]) for n in range(4)]
        fake.add_label("event:2030-01-01")
        port = GitHubRepository.from_environment(
            REPOSITORY, env={"GITHUB_TOKEN": TOKEN, "P2P_WRITE_DELAY": "0"}
        )
        port.read_topics("2030-01-01")
        fake.reset_counts()

        port.add_labels_many([(n, ["event:2030-01-01"]) for n in numbers])

        assert fake.requests == [("POST", fake.graphql_path)]  # no label created, none looked up
        assert fake.operations == ["AddLabels"]
        assert all("event:2030-01-01" in fake.issues[n].labels for n in numbers)
