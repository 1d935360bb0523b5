"""A deleted account does not break a read: GraphQL shows it as `author: null`, REST as the user
`ghost` (SPEC 8). The adapter is served such answers as GitHub sends them, at the HTTP boundary
with `responses`, for every read: topics, reactions, comments, takeaways, collaborators."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from unittest.mock import patch

import pytest
import responses

from p2p.github.adapter import GitHubRepository
from p2p.models import Event, Registration, Roundtable, Settings, TopicState
from p2p.rules.takeaways import AddTakeaway, plan_takeaways

REPOSITORY = "acme/roundtable"
# PyGithub names the port in the URLs it requests: https://api.github.com:443/...
API = r"https://api\.github\.com(?::443)?"
E = "2026-02-11"
# REST's stand-in for a deleted account ("Deleting your personal account", GitHub Docs: what the
# account wrote is kept and attributed to the ghost user).
GHOST = {"login": "ghost", "id": 10137, "node_id": "MDQ6VXNlcjEwMTM3", "type": "User", "site_admin": False}


def page(nodes: list[Any]) -> dict[str, Any]:
    return {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}


def issue_node(
    number: int, author: dict[str, Any] | None, reactors: list[dict[str, Any] | None]
) -> dict[str, Any]:
    return {
        "id": f"I_kwDOAAAB{number:04d}",
        "number": number,
        "title": f"Topic {number}",
        "body": "",
        "url": f"https://github.com/{REPOSITORY}/issues/{number}",
        "state": "OPEN",
        "stateReason": None,
        "author": author,
        "labels": page([{"name": "topic"}, {"name": f"event:{E}"}]),
        "reactionGroups": [
            {
                "content": "THUMBS_UP",
                "reactors": {
                    "pageInfo": {"hasNextPage": False, "endCursor": None},
                    "edges": [{"node": node, "reactedAt": "2026-01-02T10:00:00Z"} for node in reactors],
                },
            }
        ],
    }


def graphql_answers(answers: dict[str, dict[str, Any]]) -> Any:
    """A callback answering each GraphQL operation (by its name) with its data."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        query = json.loads(request.body)["query"]
        name = next(n for n in answers if f"query {n}(" in query)
        return 200, {"Content-Type": "application/json"}, json.dumps({"data": answers[name]})

    return answer


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    # Any retry would wait for nothing: the answers are all there.
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
        patch("p2p.github.client.pause"),
    ):
        yield mock


@pytest.fixture
def port() -> GitHubRepository:
    return GitHubRepository.from_environment(
        REPOSITORY, env={"GITHUB_TOKEN": "ghp_deleted0123456789", "P2P_WRITE_DELAY": "0"}
    )


def test_topics_reactions_comments_and_takeaways_of_deleted_accounts_are_read(
    http: responses.RequestsMock, port: GitHubRepository
) -> None:
    alice = {"__typename": "User", "login": "alice"}
    topics = {
        "viewer": {"__typename": "User", "login": "p2p-bot[bot]"},
        "repository": {
            "owner": {"__typename": "Organization", "login": "acme"},
            "labels": page([{"name": "topic"}, {"name": f"event:{E}"}]),
            # A deleted author is null; a deleted reactor is GitHub's ghost (ReactorEdge.node is
            # non-null), or, defensively, a null node.
            "event": page([issue_node(1, None, [alice, {"__typename": "User", "login": "ghost"}, None])]),
            "proposals": page([]),
        },
    }
    comments = {
        "nodes": [
            {
                "id": "I_kwDOAAAB0001",
                "number": 1,
                "comments": page(
                    [
                        {"fullDatabaseId": "2700000001", "body": "Takeaway: by someone gone", "author": None},
                        {"fullDatabaseId": "2700000002", "body": "Takeaway: keep it short", "author": alice},
                    ]
                ),
            }
        ]
    }
    http.add_callback(
        "POST",
        re.compile(f"{API}/graphql"),
        callback=graphql_answers({"Topics": topics, "Comments": comments}),
    )

    state = port.read_topics(E)
    read = port.read_comments([1])

    (issue,) = state.issues
    assert (issue.author, issue.author_is_bot) == (None, False)
    assert [r.login for r in issue.reactions] == ["alice", "ghost"]
    assert [(c.id, c.author) for c in read] == [(2700000001, None), (2700000002, "alice")]
    # The takeaways: a deleted account's comment states none, alice's does.
    roundtable = Roundtable(
        settings=Settings(repository=REPOSITORY, organizers=("orga",)),
        events=(
            Event(
                id=E,
                date=datetime.fromisoformat(E).date(),
                title="Lean coffee",
                participants=(Registration(github="alice", registered=datetime(2026, 1, 1, tzinfo=UTC)),),
            ),
        ),
    )
    event = roundtable.events[0]
    changes = plan_takeaways(
        roundtable, event, TopicState(viewer="p2p-bot", event_id=E, issues=(issue,)), read
    )
    assert [(c.takeaway.text, c.author) for c in changes if isinstance(c, AddTakeaway)] == [
        ("keep it short", "alice")
    ]
    assert len(changes) == 1


def test_collaborators_and_invitations_of_deleted_accounts_are_read(
    http: responses.RequestsMock, port: GitHubRepository
) -> None:
    collaborators = {
        "repository": {
            "owner": {"__typename": "Organization", "login": "acme"},
            "collaborators": {
                "edges": [
                    {
                        "permission": "TRIAGE",
                        "permissionSources": [
                            {
                                "permission": "READ",
                                "source": {"__typename": "Repository", "nameWithOwner": REPOSITORY},
                            }
                        ],
                        "node": {"login": "alice", "__typename": "User"},
                    },
                    {"permission": "READ", "permissionSources": None, "node": None},
                ],
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            },
        }
    }
    http.add_callback(
        "POST", re.compile(f"{API}/graphql"), callback=graphql_answers({"Snapshot": collaborators})
    )
    invitation = {
        "id": 2_500_000_123,
        "node_id": "MDIwOlJlcG9zaXRvcnlJbnZpdGF0aW9uMQ==",
        "created_at": "2026-01-01T10:00:00Z",
        "permissions": "triage",
        "repository": {"owner": {"type": "Organization", "login": "acme"}},
        "inviter": GHOST,  # the organizer who sent it deleted their account
    }
    http.add(
        "GET",
        re.compile(f"{API}/repos/{REPOSITORY}/invitations"),
        json=[{**invitation, "invitee": GHOST}, {**invitation, "id": 2_500_000_124, "invitee": None}],
    )

    access = port.read_access()

    assert [(c.login, c.permission, c.direct) for c in access.collaborators] == [("alice", "triage", True)]
    assert [(i.id, i.login) for i in access.invitations] == [(2_500_000_123, "ghost")]
