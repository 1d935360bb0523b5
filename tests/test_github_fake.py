"""The fake GitHub itself behaves like GitHub where the toolkit relies on it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.fake import FakeGitHub
from tests.fake.records import EPOCH, node_id
from tests.fake.server import fake_github

__all__ = ["fake_github"]  # the fixture, used below

API = "https://api.github.com"
REPO = f"{API}/repos/profiq/peer-to-peer"
AUTH = {"Authorization": "token test"}


def graphql(query: str, **variables: Any) -> Any:
    reply = requests.post(
        f"{API}/graphql", json={"query": query, "variables": variables}, headers=AUTH, timeout=5
    )
    assert reply.status_code == 200
    return reply.json()


def test_put_collaborator_answers_201_with_an_invitation_then_204_for_a_collaborator(
    fake_github: FakeGitHub,
) -> None:
    fake_github.add_collaborator("bob")
    fake_github.add_users("alice")

    invited = requests.put(
        f"{REPO}/collaborators/alice", json={"permission": "push"}, headers=AUTH, timeout=5
    )
    again = requests.put(f"{REPO}/collaborators/alice", json={"permission": "push"}, headers=AUTH, timeout=5)
    member = requests.put(f"{REPO}/collaborators/bob", json={"permission": "triage"}, headers=AUTH, timeout=5)

    assert invited.status_code == 201
    body = invited.json()
    assert (body["invitee"]["login"], body["permissions"]) == ("alice", "write")
    assert "expired" not in body  # only GET /invitations says it (SPEC 8)
    assert again.status_code == 201 and again.json()["id"] == body["id"]  # the pending one, not a second
    assert (member.status_code, member.text) == (204, "")
    assert fake_github.writes == 3 and len(fake_github.invitations) == 1


def test_invitations_expire_after_seven_days(fake_github: FakeGitHub) -> None:
    fake_github.add_invitation("alice", created_at=EPOCH)

    fake_github.advance(timedelta(days=6, hours=23))
    assert not fake_github.invitations[0].expired
    fake_github.advance(timedelta(hours=1))
    listed = requests.get(f"{REPO}/invitations", headers=AUTH, timeout=5).json()

    assert [(i["invitee"]["login"], i["expired"]) for i in listed] == [("alice", True)]


def test_lists_are_paginated_with_a_link_header(fake_github: FakeGitHub) -> None:
    for n in range(64):
        fake_github.add_collaborator(f"user{n}")  # and the token's own user: 65

    first = requests.get(f"{REPO}/collaborators", headers=AUTH, timeout=5)
    second = requests.get(first.links["next"]["url"], params={"per_page": 30}, headers=AUTH, timeout=5)
    last = requests.get(first.links["last"]["url"], headers=AUTH, timeout=5)

    assert len(first.json()) == 30  # GitHub's default page
    assert "/repositories/1296269/collaborators" in first.links["next"]["url"]
    assert len(second.json()) == 30
    assert len(last.json()) == 5 and "next" not in last.links


def test_labels_are_created_when_added_to_an_issue(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue("Hiring")

    reply = requests.post(
        f"{REPO}/issues/{number}/labels", json={"labels": ["event:x"]}, headers=AUTH, timeout=5
    )

    assert reply.status_code == 200 and [label["name"] for label in reply.json()] == ["event:x"]
    assert fake_github.labels == ["event:x"]


def test_an_unknown_request_is_a_loud_404_never_the_network(fake_github: FakeGitHub) -> None:
    unknown = requests.get(f"{REPO}/pulls", headers=AUTH, timeout=5)
    elsewhere = requests.get("https://example.com/", timeout=5)

    assert (unknown.status_code, elsewhere.status_code) == (404, 404)
    assert [method for method, _ in fake_github.unhandled] == ["GET", "GET"]


def test_graphql_errors_come_in_a_200_answer(fake_github: FakeGitHub) -> None:
    unknown_field = graphql("query { viewer { nickname } }")
    unbounded = graphql(
        'query { repository(owner: "profiq", name: "peer-to-peer") { issues { totalCount } } }'
    )
    missing = graphql('query { repository(owner: "profiq", name: "nope") { id } }')

    assert "nickname" in unknown_field["errors"][0]["message"]
    assert unbounded["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    assert (missing["errors"][0]["type"], missing["data"]) == ("NOT_FOUND", {"repository": None})
    assert fake_github.reads == 3 and fake_github.writes == 0


def test_adding_an_issue_twice_to_a_board_returns_the_existing_item(fake_github: FakeGitHub) -> None:
    project = fake_github.add_project(1)
    number = fake_github.add_issue("Hiring")
    issue = fake_github.issues[number].node_id
    mutation = """mutation($p: ID!, $c: ID!) {
      addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } }
    }"""

    first = graphql(mutation, p=project, c=issue)["data"]["addProjectV2ItemById"]["item"]["id"]
    second = graphql(mutation, p=project, c=issue)["data"]["addProjectV2ItemById"]["item"]["id"]

    assert first == second and len(fake_github.project(1).items) == 1
    assert fake_github.writes == 2  # mutations are writes


def test_a_project_holds_at_most_50_fields(fake_github: FakeGitHub) -> None:
    project = fake_github.add_project(1, fields=[f"Note {n}" for n in range(43)])  # and 7 built in
    mutation = """mutation($p: ID!) {
      createProjectV2Field(input: {projectId: $p, name: "One more", dataType: TEXT}) {
        projectV2Field { __typename }
      }
    }"""

    refused = graphql(mutation, p=project)

    assert len(fake_github.project(1).fields) == 50
    assert refused["errors"][0]["type"] == "UNPROCESSABLE"


def test_a_denied_permission_is_a_403_naming_it(fake_github: FakeGitHub) -> None:
    fake_github.deny("administration")

    reply = requests.get(f"{REPO}/collaborators", headers=AUTH, timeout=5)

    assert reply.status_code == 403
    assert reply.headers["X-Accepted-GitHub-Permissions"] == "administration=read"


def test_a_fault_after_apply_changes_the_state_and_still_fails(fake_github: FakeGitHub) -> None:
    fake_github.fail_next("POST", r"/issues$", 502)
    fake_github.reset_next("POST", r"/issues$", after_apply=False)

    failed = requests.post(f"{REPO}/issues", json={"title": "Hiring"}, headers=AUTH, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{REPO}/issues", json={"title": "Again"}, headers=AUTH, timeout=5)

    assert failed.status_code == 502
    assert [i.title for i in fake_github.issues.values()] == ["Hiring"]


def test_a_deleted_accounts_comment_shows_the_ghost_in_rest_and_no_author_in_graphql(
    fake_github: FakeGitHub,
) -> None:
    number = fake_github.add_issue("Hiring")
    fake_github.add_comment(number, None, "Takeaway: from a ghost")

    listed = requests.get(f"{REPO}/issues/{number}/comments", headers=AUTH, timeout=5).json()
    read = graphql(
        """query($n: Int!) { repository(owner: "profiq", name: "peer-to-peer") {
          issue(number: $n) { comments(first: 10) { nodes { author { login } body } } } } }""",
        n=number,
    )

    assert [(c["user"]["login"], c["user"]["type"]) for c in listed] == [("ghost", "User")]
    nodes = read["data"]["repository"]["issue"]["comments"]["nodes"]
    assert nodes == [{"author": None, "body": "Takeaway: from a ghost"}]


def test_ids_are_githubs_since_2024(fake_github: FakeGitHub) -> None:
    number = fake_github.add_issue("Hiring")
    fake_github.add_reaction(number, "alice")
    fake_github.add_comment(number, "bob", "Takeaway: pair early")
    fake_github.add_project(1)
    item = fake_github.add_board_item(1, number)

    issue = requests.get(f"{REPO}/issues/{number}", headers=AUTH, timeout=5).json()
    reaction = requests.get(f"{REPO}/issues/{number}/reactions", headers=AUTH, timeout=5).json()[0]
    comment = requests.get(f"{REPO}/issues/{number}/comments", headers=AUTH, timeout=5).json()[0]
    read = graphql(
        """query($n: Int!) { repository(owner: "profiq", name: "peer-to-peer") {
          issue(number: $n) { databaseId fullDatabaseId } } }""",
        n=number,
    )

    assert issue["id"] > 2**31 and reaction["id"] > 2**31
    assert issue["node_id"].startswith("I_kwDO") and comment["node_id"].startswith("IC_kwDO")
    assert reaction["node_id"].startswith("REA_") and item.startswith("PVTI_lADO")
    assert issue["user"]["node_id"].startswith("U_kgDO")
    # GraphQL's databaseId is a 32-bit Int: GitHub fails it for such ids, fullDatabaseId holds them.
    assert read["data"]["repository"]["issue"] == {"databaseId": None, "fullDatabaseId": str(issue["id"])}
    assert "32-bit" in read["errors"][0]["message"]


def test_node_ids_are_packed_as_github_packs_them() -> None:
    # As recorded from GitHub: an issue and a label of repository 515435563.
    assert node_id("I", 515435563, 1308967529) == "I_kwDOHrjsK85OBUJp"
    assert node_id("LA", 515435563, 4341276760) == "LA_kwDOHrjsK88AAAABAsKgWA"
