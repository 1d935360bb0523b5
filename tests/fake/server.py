"""A stateful fake GitHub at the HTTP boundary: REST and GraphQL over one shared state.

Built on `responses`: every request the code under test sends is answered from the fake's
state the way GitHub answers it (status codes, JSON shapes, Link pagination honouring
per_page/page, GraphQL executed against a faithful subset of GitHub's schema, errors in a
200). Anything the fake does not know is a loud 404 and an `unhandled` entry, never the
network. While active, the adapter's pauses (`p2p.github.client.pause`: rate-limit waits, write
spacing) are instant and recorded in `waits`.

    with FakeGitHub("profiq/peer-to-peer") as gh:      # or the `fake_github` fixture
        gh.add_collaborator("alice")
        gh.add_issue("Hiring", labels=["topic", "event:2026-01-14"])
        ...                                          # run the code under test
        assert gh.writes == 0

Seeding (the calls of `p2p.sandbox.world.World`, which the sandbox implements too, and more):
add_user, add_collaborator, remove_collaborator, add_invitation, accept_invitation, add_label,
delete_label, add_issue, delete_issue, close_issue, reopen_issue, add_reaction, remove_reaction,
add_comment (author None: a deleted account; comment_id: where the ids count from), edit_comment,
delete_comment, delete_account (what the person wrote stays, shown as GitHub shows a deleted
account's), add_project, add_board_item,
add_foreign_item, advance (the clock, `now`), invitation_limit (50), rename (the repository;
its old name redirects), viewer_can_push (False: labels sent with a new issue are dropped, as
GitHub drops them), invitations_say_expired (False: invitations leave out the optional `expired`).
Inspection: collaborators (login -> role; the token's own user is listed, as an admin, as
GitHub lists it; a "[bot]" viewer is not), invitations, invitation_for, issues, labels,
comments, project(number) (a BoardView), requests [(method, path)], operations (GraphQL
operation names), reads, writes (GraphQL mutations count as writes), graphql_requests,
unhandled, waits, reset_counts().
Faults: fail_next (by default after applying the change), reset_next (ConnectionError),
rate_limit_next ("secondary" | "primary"), deny ("administration" | "projects" | "issues"),
token_invalid.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from unittest import mock
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import graphql
import pytest
import requests
import responses

from tests.fake.graphql import GraphQLAPI
from tests.fake.records import (
    ACCEPTED_PERMISSIONS,
    DEFAULT_API,
    DOCS,
    JSON,
    MESSAGES,
    HTTPError,
    Permission,
    Reply,
)
from tests.fake.rest import RestAPI


def _origin(scheme: str, netloc: str) -> str:
    """scheme://host, without the port when it is the scheme's default (PyGithub sends :443)."""
    default = {"https": ":443", "http": ":80"}.get(scheme, "")
    return f"{scheme}://{netloc.removesuffix(default) if default else netloc}"


@dataclass
class _Fault:
    kind: Literal["status", "reset", "rate"]
    method: str
    path: re.Pattern[str]
    operation: str | None
    status: int
    after_apply: bool
    times: int
    rate: str = "secondary"
    retry_after: int | None = 60
    message: str | None = None  # GitHub's words for a secondary limit, when not the usual ones
    skip: int = 0  # matching requests let through first

    def matches(self, method: str, path: str, operations: Sequence[str]) -> bool:
        if self.times <= 0:
            return False
        if self.method not in ("*", method):
            return False
        if not self.path.search(path):
            return False
        return self.operation is None or self.operation in operations


class FakeGitHub(RestAPI, GraphQLAPI):
    """One repository, its owner and the owner's Projects boards, as GitHub's API shows them."""

    def __init__(
        self,
        repository: str = "profiq/peer-to-peer",
        *,
        viewer: str = "p2p-bot",
        owner_is_organization: bool = True,
        now: datetime | None = None,
        api_url: str = DEFAULT_API,
    ) -> None:
        super().__init__(
            repository, viewer=viewer, owner_is_organization=owner_is_organization, now=now, api_url=api_url
        )
        parts = urlsplit(self.api_url)
        self._host = f"{parts.scheme}://{parts.netloc}"
        self._prefix = parts.path.rstrip("/")
        graphql_prefix = self._prefix.removesuffix("/v3") if self._prefix.endswith("/v3") else self._prefix
        self.graphql_path = f"{graphql_prefix}/graphql"
        self._faults: list[_Fault] = []
        self._token_invalid = False
        self._mock: responses.RequestsMock | None = None

        self.requests: list[tuple[str, str]] = []
        self.operations: list[str] = []  # GraphQL operation names, in order
        self.unhandled: list[tuple[str, str]] = []
        self.reads = 0
        self.writes = 0

        self.waits: list[float] = []  # the adapter's pauses while the fake is active, made instant
        self._patches: list[Any] = []

    # --- activation ----------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Answer every HTTP request from now on; the adapter's pauses become instant."""
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._mock.start()
        every_url = re.compile(r".*")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
            self._mock.add_callback(method, every_url, callback=self._respond)
        # Rate-limit waits and write spacing go through p2p.github.client.pause: record them, sleep never.
        patch = mock.patch("p2p.github.client.pause", side_effect=self.waits.append)
        patch.start()
        self._patches.append(patch)

    def stop(self) -> None:
        while self._patches:
            self._patches.pop().stop()
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    # --- faults --------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 502,
        *,
        after_apply: bool = True,
        times: int = 1,
        operation: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next matching request(s) with `status`; by default AFTER applying the change,
        as GitHub sometimes does. `operation` narrows a GraphQL request to an operation name or a
        top-level field (e.g. "addProjectV2ItemById"); `skip` lets that many matching requests
        through first (the second batch of a run, say)."""
        self._faults.append(
            _Fault(
                "status",
                method.upper(),
                re.compile(path_regex),
                operation,
                status,
                after_apply,
                times,
                skip=skip,
            )
        )

    def reset_next(
        self,
        method: str = "*",
        path_regex: str = "",
        *,
        after_apply: bool = False,
        times: int = 1,
        operation: str | None = None,
    ) -> None:
        """Drop the connection on the next matching request(s): requests raises ConnectionError."""
        self._faults.append(
            _Fault("reset", method.upper(), re.compile(path_regex), operation, 0, after_apply, times)
        )

    def rate_limit_next(
        self,
        kind: Literal["secondary", "primary"] = "secondary",
        times: int = 1,
        *,
        method: str = "*",
        path_regex: str = "",
        operation: str | None = None,
        retry_after: int | None = 60,
        status: Literal[403, 429, 200] = 403,
        message: str | None = None,
    ) -> None:
        """Refuse the next matching request(s) with a rate limit (nothing is applied): 403 or 429,
        or, for a GraphQL request, an error in a 200 answer (a primary limit always is one).
        `message`: a secondary limit's other wordings (see SECONDARY_MESSAGES)."""
        self._faults.append(
            _Fault(
                "rate",
                method.upper(),
                re.compile(path_regex),
                operation,
                status,
                False,
                times,
                kind,
                retry_after,
                message,
            )
        )

    def deny(self, permission: Permission) -> None:
        """The token lacks this permission: GitHub answers 403 (REST) or FORBIDDEN (GraphQL), as
        it answers a classic token without the scope."""
        self._denied.add(permission)

    def hide_projects(self) -> None:
        """The token has no access to the owner's Projects (a fine-grained token or an App without
        the Projects permission): GitHub answers as for a board that does not exist, `projectV2:
        null` with a NOT_FOUND error (SPEC 8; recording github-project getInstance-project-not-found)."""
        self._projects_hidden = True

    def read_only_projects(self) -> None:
        """The token holds Projects: Read-only: the board reads, its viewerCanUpdate is false (the
        fake refuses none of its writes: a test of the doctor reads, it does not write)."""
        self._projects_read_only = True

    def token_invalid(self, invalid: bool = True) -> None:
        """Every request is answered 401 Bad credentials."""
        self._token_invalid = invalid

    # --- inspection ----------------------------------------------------------------------

    @property
    def graphql_requests(self) -> int:
        return sum(1 for _, path in self.requests if path == self.graphql_path)

    def reset_counts(self) -> None:
        """Forget the requests seen so far (e.g. after seeding through the API)."""
        self.requests.clear()
        self.operations.clear()
        self.reads = self.writes = 0

    # --- HTTP ----------------------------------------------------------------------------

    def _respond(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str] | Exception:
        url = request.url or ""
        method = (request.method or "GET").upper()
        parts = urlsplit(url)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append((method, path))
        home = urlsplit(self._host)
        if (parts.scheme, parts.hostname) == ("http", home.hostname) and home.scheme == "https":
            # GitHub answers plain HTTP with a permanent redirect to HTTPS.
            secure = urlunsplit(("https", home.netloc, parts.path, parts.query, ""))
            return self._encode(301, {"Location": secure}, {"message": "Moved Permanently", "url": secure})
        if _origin(parts.scheme, parts.netloc) != _origin(*home[:2]):
            return self._unhandled(method, url)

        body: JSON = None
        if request.body:
            raw = request.body.decode() if isinstance(request.body, bytes) else request.body
            try:
                body = json.loads(raw)
            except ValueError:
                self.reads += method == "GET"
                self.writes += method != "GET"
                return self._encode(
                    400, {}, {"message": "Problems parsing JSON", "documentation_url": DOCS["rest"]}
                )

        is_graphql = method == "POST" and path == self.graphql_path
        operations: list[str] = []
        document: graphql.DocumentNode | None = None
        mutation = False
        if is_graphql:
            document, operations, mutation = self._inspect_graphql(body)
            self.operations.extend(operations[:1])
        if (is_graphql and not mutation) or method in ("GET", "HEAD"):
            self.reads += 1
        else:
            self.writes += 1

        if self._token_invalid:
            return self._encode(*HTTPError(401, MESSAGES[401]).reply())
        if not request.headers.get("Authorization"):
            return self._encode(*HTTPError(401, "Requires authentication").reply())

        fault = next((f for f in self._faults if f.matches(method, path, operations)), None)
        if fault is not None and fault.skip > 0:
            fault.skip -= 1
            fault = None
        if fault is not None:
            fault.times -= 1
            if fault.kind == "rate":
                return self._encode(*self._rate_limited(fault, graphql=is_graphql))
            if fault.after_apply:
                self._handle(method, path, query, body, is_graphql, document)
            if fault.kind == "reset":
                return requests.exceptions.ConnectionError(
                    f"Connection aborted: RemoteDisconnected during {method} {path}"
                )
            return self._encode(
                fault.status,
                {},
                {"message": "Server Error"}
                if fault.status >= 500
                else {"message": MESSAGES.get(fault.status, "Error"), "documentation_url": DOCS["rest"]},
            )
        return self._encode(*self._handle(method, path, query, body, is_graphql, document))

    def _unhandled(self, method: str, url: str) -> tuple[int, dict[str, str], str]:
        self.unhandled.append((method, url))
        return self._encode(
            404,
            {},
            {
                "message": f"Not Found (the fake GitHub has no route for {method} {url})",
                "documentation_url": DOCS["rest"],
            },
        )

    def _encode(self, status: int, headers: Mapping[str, str], body: JSON) -> tuple[int, dict[str, str], str]:
        out = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": "4999",
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Used": "1",
            "X-RateLimit-Resource": "core",
            "X-GitHub-Media-Type": "github.v3; format=json",
            **headers,
        }
        if body is None:
            out.pop("Content-Type")
            return status, out, ""
        return status, out, json.dumps(body)

    def _rate_limited(self, fault: _Fault, *, graphql: bool) -> Reply:
        # "Rate limits for the REST API" (GitHub Docs): primary -> 403/429 with
        # x-ratelimit-remaining 0 and x-ratelimit-reset; secondary -> 403/429 with a message
        # naming the secondary rate limit and, sometimes, retry-after.
        if fault.rate == "primary":
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 60)}
            if graphql:
                # The GraphQL API answers 200 with an error, and x-ratelimit-remaining 0 ("Rate
                # limits and query limits for the GraphQL API", GitHub Docs).
                error = {"type": "RATE_LIMITED", "message": "API rate limit already exceeded for user ID 1."}
                return 200, {**headers, "X-RateLimit-Resource": "graphql"}, {"errors": [error]}
            status = 403 if fault.status == 200 else fault.status
            return HTTPError(status, MESSAGES["primary"], headers=headers, docs=DOCS["primary"]).reply()
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        if graphql and fault.status == 200:
            # "If you exceed a secondary rate limit, the response status will be 200 or 403"
            # ("Rate limits and query limits for the GraphQL API", GitHub Docs).
            return (
                200,
                {**headers, "X-RateLimit-Resource": "graphql"},
                {"errors": [{"message": fault.message or MESSAGES["secondary"]}]},
            )
        status = 403 if fault.status == 200 else fault.status
        said = fault.message or MESSAGES["secondary"]
        return HTTPError(status, said, headers=headers, docs=DOCS["secondary"]).reply()

    def _handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: JSON,
        is_graphql: bool,
        document: graphql.DocumentNode | None,
    ) -> Reply:
        if is_graphql:
            return self._graphql(body, document)
        local = path[len(self._prefix) :] if path.startswith(self._prefix) else None
        moved = self._moved(method, local or "", query)
        if moved is not None:
            return moved
        if local is None:
            self.unhandled.append((method, path))
            return (
                404,
                {},
                {
                    "message": f"Not Found (the fake GitHub has no route for {method} {path})",
                    "documentation_url": DOCS["rest"],
                },
            )
        for route_method, pattern, handler, category in self._routes():
            if route_method != method:
                continue
            match = pattern.fullmatch(local)
            if match is None:
                continue
            if not self._is_this_repository(match.groupdict()):
                return HTTPError(404, MESSAGES[404], docs=DOCS["rest"]).reply()
            if category in self._denied:
                return HTTPError(
                    403,
                    MESSAGES["forbidden"],
                    headers={"X-Accepted-GitHub-Permissions": ACCEPTED_PERMISSIONS[category]},
                ).reply()
            try:
                return handler(match, query, body)
            except HTTPError as error:
                return error.reply()
        self.unhandled.append((method, path))
        return (
            404,
            {},
            {
                "message": f"Not Found (the fake GitHub has no route for {method} {path})",
                "documentation_url": DOCS["rest"],
            },
        )

    def _moved(self, method: str, local: str, query: dict[str, str]) -> Reply | None:
        """GitHub's answer to a request under a renamed repository's old name: 301 for a GET, 307
        for the other methods, to the repository by id ("Preview repository redirects", GitHub
        developer changes, 2015-04-17; "HTTP redirects", Getting started with the REST API)."""
        match = re.fullmatch(r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>/.*)?", local)
        if match is None or (match["owner"].casefold(), match["name"].casefold()) not in self._former:
            return None
        location = f"{self.api_url}/repositories/{self.repo_id}{match['rest'] or ''}"
        if query:
            location += f"?{urlencode(query)}"
        permanent = method in ("GET", "HEAD")
        body = {
            "message": "Moved Permanently" if permanent else "Temporary Redirect",
            "url": location,
            "documentation_url": "https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects",
        }
        return 301 if permanent else 307, {"Location": location}, body

    def _is_this_repository(self, groups: Mapping[str, str | None]) -> bool:
        if groups.get("repo_id") is not None:
            return groups["repo_id"] == str(self.repo_id)
        owner, name = groups.get("owner"), groups.get("name")
        if owner is None:
            return True
        return owner.casefold() == self.owner.casefold() and (name or "").casefold() == self.name.casefold()


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A FakeGitHub for profiq/peer-to-peer, active for the test."""
    with FakeGitHub() as fake:
        yield fake


if TYPE_CHECKING:  # the fake plays GitHub's side through the same protocol as the sandbox
    from p2p.sandbox.world import World

    _: World = FakeGitHub()
