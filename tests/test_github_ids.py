"""GitHub's ids above 2^31 and deleted accounts, through the fake GitHub: the adapter reads both,
and the command line records and counts them as the rules say."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.github.adapter import GitHubRepository
from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
E = (date.today() + timedelta(days=30)).isoformat()  # the next event, whatever day the tests run
LABEL = f"event:{E}"
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
# Comment ids passed 2^31 in 2024; GraphQL's `databaseId` is a 32-bit Int and fails for them.
BIG = 2**31 + 5

SETTINGS = f"""\
name: Test roundtable
repository: {REPOSITORY}
project: 1
votes_per_participant: 2
organizers: [orga]
"""
EVENT = f"""\
date: {E}
title: Lean coffee
start: "17:00"
duration: 20
capacity: 3
participants:
  - github: alice
    registered: 2026-01-01T10:00:00Z
  - github: bob
    registered: 2026-01-01T11:00:00Z
  - github: dave
    registered: 2026-01-01T12:00:00Z
"""


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(REPOSITORY, now=T0) as fake:
        yield fake
        assert fake.unhandled == []


@pytest.fixture
def port(gh: FakeGitHub) -> GitHubRepository:
    return GitHubRepository.from_environment(
        REPOSITORY, env={"GITHUB_TOKEN": "ghp_ids0123456789", "P2P_WRITE_DELAY": "0"}
    )


@pytest.fixture
def root(tmp_path: Path, gh: FakeGitHub) -> Path:
    (tmp_path / "events").mkdir()
    (tmp_path / "p2p.yaml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "events" / f"{E}.yaml").write_text(EVENT, encoding="utf-8")
    gh.add_project(1, fields={"Status": ("Todo", "In Progress", "Done")})
    return tmp_path


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--repo-dir", str(root), *args], env={"GITHUB_TOKEN": "test-token"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- ids above 2^31 ------------------------------------------------------------------------


def test_the_fake_numbers_comments_above_2_31_like_github(gh: FakeGitHub) -> None:
    number = gh.add_issue("Hiring", labels=["topic", LABEL])
    assert gh.add_comment(number, "alice", "Takeaway: pair early") > 2**31


def test_a_comment_id_above_2_31_is_read_in_both_comment_queries(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    read = gh.add_issue("Hiring", labels=["topic", LABEL])
    unread = gh.add_issue("Not read yet")
    gh.add_comment(read, "alice", "Takeaway: pair early", comment_id=BIG)
    gh.add_comment(unread, "bob", "Takeaway: hello")
    port.read_topics(E)

    comments = port.read_comments([read, unread])  # Comments, then IssueComments for the unread one

    assert [(c.id, c.issue) for c in comments] == [(BIG, read), (BIG + 1, unread)]
    assert gh.operations[-2:] == ["Comments", "IssueComments"]


def test_takeaways_collect_records_a_comment_id_above_2_31(gh: FakeGitHub, root: Path) -> None:
    topic = gh.add_issue("On-call", labels=["topic", LABEL], author="alice")
    gh.add_comment(topic, "alice", "Takeaway: Pair QA with product early.", comment_id=BIG)

    run(root, "takeaways", "collect")

    text = (root / "events" / f"{E}.yaml").read_text(encoding="utf-8")
    assert f'  - {{text: "Pair QA with product early.", issue: {topic}, comment: 2147483653}}\n' in text


# --- deleted accounts ----------------------------------------------------------------------


def test_a_deleted_accounts_issue_comment_and_reaction_are_read(
    gh: FakeGitHub, port: GitHubRepository
) -> None:
    theirs = gh.add_issue("Legacy", labels=["topic", LABEL], author="dave")
    gh.add_reaction(theirs, "alice", created_at=T0)
    gh.add_reaction(theirs, "dave", created_at=T0 + timedelta(minutes=1))
    gh.add_comment(theirs, "dave", "Takeaway: mine")
    gh.delete_account("dave")

    topics = port.read_topics(E)
    comments = port.read_comments([theirs])

    (issue,) = topics.issues
    assert (issue.author, issue.author_is_bot) == (None, False)
    # A reactor cannot be null (ReactorEdge.node is a non-null Reactor): GitHub's "ghost" stands in.
    assert [(r.login, r.is_bot) for r in issue.reactions] == [("alice", False), ("ghost", False)]
    assert [(c.author, c.is_bot, c.body) for c in comments] == [(None, False, "Takeaway: mine")]


def test_rest_shows_a_deleted_account_as_the_ghost(gh: FakeGitHub) -> None:
    number = gh.add_issue("Legacy", labels=["topic"], author="dave")
    gh.add_reaction(number, "dave")
    gh.add_comment(number, "dave", "Takeaway: mine")
    gh.delete_account("dave")
    base = f"https://api.github.com/repos/{REPOSITORY}/issues/{number}"
    headers = {"Authorization": "Bearer ghp_ids0123456789"}

    issue = requests.get(base, headers=headers, timeout=5).json()
    comments = requests.get(f"{base}/comments", headers=headers, timeout=5).json()
    reactions = requests.get(f"{base}/reactions", headers=headers, timeout=5).json()

    assert [issue["user"]["login"]] + [c["user"]["login"] for c in comments + reactions] == ["ghost"] * 3


def test_a_deleted_participant_neither_votes_nor_states_a_takeaway(gh: FakeGitHub, root: Path) -> None:
    topic = gh.add_issue("On-call", labels=["topic", LABEL], author="alice")
    theirs = gh.add_issue("Legacy", labels=["topic", LABEL], author="dave")
    gh.add_reaction(topic, "bob", created_at=T0)
    gh.add_reaction(topic, "dave", created_at=T0 + timedelta(minutes=1))
    gh.add_reaction(theirs, "dave", created_at=T0 + timedelta(minutes=2))
    gh.add_comment(topic, "bob", "Takeaway: keep runbooks short.")
    gh.add_comment(topic, "dave", "Takeaway: from a deleted account")
    gh.add_comment(theirs, "dave", "Takeaway: on their own topic")
    gh.delete_account("dave")  # a registered participant, gone since

    report = json.loads(run(root, "votes", "tally", "--dry-run", "--json"))
    run(root, "takeaways", "collect")

    votes = {a["issue"]: a["votes"] for a in report["agenda"]}
    assert (votes[topic], votes.get(theirs, 0)) == (1, 0)
    assert {(i["login"], i["why"]) for i in report["ignored"]} == {("ghost", "not a participant")}
    text = (root / "events" / f"{E}.yaml").read_text(encoding="utf-8")
    assert f'  - {{text: "keep runbooks short.", issue: {topic},' in text
    assert "deleted account" not in text and "their own topic" not in text
