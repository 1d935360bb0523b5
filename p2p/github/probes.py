"""`p2p doctor`'s reads of GitHub: requests that change nothing (GETs and one GraphQL query), each
answer, refusals included, turned into the facts `p2p.rules.doctor` decides on.

Every request goes through `GitHubClient.send`, which counts it and waits out rate limits; a
refusal is kept as an answer instead of ending the run, so every check gets its say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from p2p.errors import GitHubError
from p2p.github import mapping
from p2p.github.client import GitHubClient, Need, document
from p2p.port import PAGE_SIZE, RequestCount
from p2p.rules.doctor import Answer, Observed, RateFacts, RepositoryFacts

# Refusals a probe reports as an answer; anything else (a rate limit, a 5xx) is the client's to
# retry or to end the run with.
KEPT = (401, 403, 404, 410)
# The words of GitHub's secondary rate limits, which may come as a 403 without any header that
# says so ("Rate limits for the REST API", GitHub Docs): the client waits those out.
LIMITED = ("rate limit", "abuse", "temporarily blocked")


def observe(
    repository: str,
    *,
    env: Mapping[str, str],
    token: str,
    project: int | None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[Observed, RequestCount]:
    """What GitHub shows this token of the repository, its invitations and issues, the owner's
    board `project` and the rate limit; and the requests that took (reads only)."""
    client = GitHubClient.from_environment(repository, env=env, token=token, sleep=sleep)
    try:
        return Probes(client).observe(project), client.requests
    finally:
        client.close()


class Probes:
    """The doctor's reads through one client."""

    def __init__(self, client: GitHubClient) -> None:
        self._client = client
        owner, name = client.owner, client.name
        self._base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"

    def observe(self, project: int | None) -> Observed:
        repository = self.repository()
        if not repository.answer.ok:
            return Observed(repository=repository)
        invitations, sent = self.invitations()
        issues, _, _ = self._get(
            f"{self._base}/issues",
            {"per_page": 1, "state": "all"},
            action="list issues",
            need="issues",
        )
        try:
            viewer, board_answer, board, writable = self.viewer_and_board(project)
        except GitHubError as error:  # a GraphQL answer that did not come, after the client's retries
            failure = Answer(error.status or 0, error.message)
            viewer, board_answer, board, writable = None, failure if project is not None else None, None, None
        return Observed(
            repository=repository,
            viewer=viewer,
            invitations=invitations,
            sent=sent,
            issues=issues,
            board=board_answer,
            found_board=board,
            board_writable=writable,
            rate=self.rate(),
        )

    # --- the reads ---------------------------------------------------------------------------

    def repository(self) -> RepositoryFacts:
        """GET /repos/{owner}/{repo}: reachable or not, the owner's kind, the viewer's role
        (`permissions`), and a classic or OAuth token's scopes: GitHub sends `X-OAuth-Scopes` with
        every answer to such a token ("Scopes for OAuth apps", GitHub Docs), and none to others."""
        answer, headers, data = self._get(self._base, None, action="read the repository", need="issues")
        if not answer.ok or not isinstance(data, dict):
            return RepositoryFacts(answer=answer)
        header = {k.lower(): str(v) for k, v in headers.items()}
        scopes = (
            tuple(s.strip() for s in header["x-oauth-scopes"].split(",") if s.strip())
            if "x-oauth-scopes" in header
            else None
        )
        permissions = data.get("permissions")
        roles = (
            frozenset(name for name, granted in permissions.items() if granted)
            if isinstance(permissions, dict)
            else None
        )
        return RepositoryFacts(
            answer=answer,
            owner_type=str((data.get("owner") or {}).get("type") or "") or None,
            private=bool(data.get("private")),
            has_issues=data.get("has_issues") is not False,
            roles=roles,
            scopes=scopes,
        )

    def invitations(self) -> tuple[Answer, tuple[datetime, ...]]:
        """GET /repos/{owner}/{repo}/invitations, every page: it takes Administration (read), so
        a token without it is refused with the permission named in X-Accepted-GitHub-Permissions
        ("Permissions required for fine-grained personal access tokens", GitHub Docs); and when
        each pending invitation was sent, for GitHub's 50 a day."""
        sent: list[datetime] = []
        url: str | None = f"{self._base}/invitations"
        params: Mapping[str, Any] | None = {"per_page": PAGE_SIZE}
        while url is not None:
            answer, headers, data = self._get(url, params, action="list invitations", need="administration")
            if not answer.ok:
                return answer, ()
            sent += [mapping.moment(str(row["created_at"])) for row in data or [] if row.get("created_at")]
            url, params = _next_link(headers), None
        return Answer(200), tuple(sent)

    def viewer_and_board(self, project: int | None) -> tuple[str | None, Answer | None, Any, bool | None]:
        """One GraphQL query (a read): the token's user, and the owner's board `project` with its
        fields. `projectV2: null` with NOT_FOUND is a board that is missing or that the token may
        not see; FORBIDDEN or INSUFFICIENT_SCOPES a token without Projects access. Last, whether
        the token may change the board (its viewerCanUpdate), when it was read."""
        variables = {"owner": self._client.owner, "number": project or 1, "withBoard": project is not None}
        _, reply = self._client.send(
            "POST",
            # The requester's GraphQL address: /graphql, or /api/graphql on GitHub Enterprise Server.
            self._client._requester.graphql_url,
            action="read the token's user and the board",
            need="projects",
            body={"query": document("doctor"), "variables": variables},
            write=False,
        )
        reply = reply if isinstance(reply, dict) else {}
        data = reply.get("data") or {}
        viewer = mapping.login(data.get("viewer"))
        if project is None:
            return viewer, None, None, None
        errors = [e for e in reply.get("errors") or [] if isinstance(e, dict)]
        owner = data.get("repositoryOwner") or {}
        node = owner.get("projectV2")
        if node:
            fields = [mapping.board_field(f) for f in (node.get("fields") or {}).get("nodes") or [] if f]
            writable = node.get("viewerCanUpdate")
            board = mapping.board(node, fields, [])
            return viewer, Answer(200), board, writable if isinstance(writable, bool) else None
        types = {str(e.get("type") or "") for e in errors}
        said = "; ".join(str(e.get("message") or "") for e in errors)
        if types & {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
            return viewer, Answer(403, said), None, None
        if "NOT_FOUND" in types or not errors:
            return viewer, Answer(404, said or f"no board #{project}"), None, None
        return viewer, Answer(422, said), None, None

    def rate(self) -> RateFacts | None:
        """GET /rate_limit, which counts against no limit ("Rate limit", REST API, GitHub Docs)."""
        answer, _, data = self._get("/rate_limit", None, action="read the rate limit", need="issues")
        if not answer.ok or not isinstance(data, dict):
            return None
        resources = data.get("resources") or {}
        core = resources.get("core") or data.get("rate") or {}
        graphql = resources.get("graphql") or core
        return RateFacts(
            core_remaining=int(core.get("remaining", 0)),
            core_limit=int(core.get("limit", 0)),
            graphql_remaining=int(graphql.get("remaining", 0)),
            graphql_limit=int(graphql.get("limit", 0)),
            reset=datetime.fromtimestamp(int(core.get("reset", 0)), UTC),
        )

    # --- one GET, its refusal kept -------------------------------------------------------------

    def _get(
        self, url: str, params: Mapping[str, Any] | None, *, action: str, need: Need
    ) -> tuple[Answer, Mapping[str, Any], Any]:
        refused: list[Any] = []  # PyGithub's exceptions, read by their status, data and headers

        def keep(error: Any) -> bool:
            if error.status not in KEPT or _limited(error):
                return False
            refused.append(error)
            return True

        try:
            headers, data = self._client.send(
                "GET", url, action=action, need=need, params=params, done_if=keep
            )
        except GitHubError as error:
            return Answer(error.status or 0, error.message), {}, None
        if refused:
            kept = refused[-1]
            body = kept.data if isinstance(kept.data, dict) else {}
            header = {k.lower(): str(v) for k, v in (kept.headers or {}).items()}
            message = self._client.error(GitHubError(str(body.get("message") or ""))).message
            return Answer(kept.status, message, header.get("x-accepted-github-permissions", "")), {}, None
        return Answer(200), headers, data


def _limited(error: Any) -> bool:
    header = {k.lower(): str(v) for k, v in (error.headers or {}).items()}
    body = error.data if isinstance(error.data, dict) else {}
    message = str(body.get("message") or "").lower()
    return (
        "retry-after" in header
        or header.get("x-ratelimit-remaining") == "0"
        or any(word in message for word in LIMITED)
    )


def _next_link(headers: Mapping[str, Any]) -> str | None:
    link = next((str(v) for k, v in headers.items() if k.lower() == "link"), "")
    match = re.search(r'<([^>]+)>\s*;\s*rel="next"', link)
    return match.group(1) if match else None
