"""The GitHub adapter: the port over GitHub's REST and GraphQL APIs, on PyGithub's requester.

Every HTTP request goes through one method, `_send`, which counts it, spaces writes, retries
only what is safe to retry and turns GitHub's refusals into clear GitHubErrors. GraphQL
documents live in `p2p/github/graphql/`. Nothing past this module sees a PyGithub object or raw JSON.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from github import Auth, Github, GithubException
from requests.exceptions import RequestException

from p2p.errors import GitHubError, InvitationLimitError, P2PError
from p2p.github import credentials
from p2p.github.credentials import find_token
from p2p.models import (
    EVENT_PREFIX,
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Collaborator,
    Comment,
    FieldOption,
    FieldType,
    Invitation,
    Issue,
    Reaction,
    TopicState,
    event_id_of,
    login_key,
)
from p2p.port import (
    INVITATION_LIFETIME,
    VALUES_PER_REQUEST,
    FieldValue,
    RequestCount,
    item_name,
    sent_value,
    values_name,
)

# GitHub's advice against secondary rate limits: requests that create content one at a time,
# at least a second apart ("Best practices for using the REST API", GitHub Docs).
DEFAULT_WRITE_DELAY = 1.0
ATTEMPTS = 4  # one request and up to three retries
# "wait for at least one minute before retrying", then longer ("Rate limits for the REST API").
SECONDARY_WAIT = 60.0
LONGEST_WAIT = 15 * 60.0  # a longer wait ends the run: it says when to run again
PAGE = 100
REDIRECTS = 3  # redirects followed for one request
REPEAT_AT = (302, 307, 308)  # redirects whose request is repeated as it was, at the new address
MAYBE_APPLIED = (
    "the change may or may not have been made: run again, it finishes the work without doing it twice"
)

Need = Literal["administration", "issues", "projects"]

# The fine-grained permission each kind of request needs, and what it is for.
PERMISSIONS: dict[Need, tuple[str, str]] = {
    "administration": ("Administration", "to manage the repository's collaborators and invitations"),
    "issues": ("Issues", "to read and write issues and labels"),
    "projects": ("Projects", "to read and change the Projects board"),
}

FIELD_TYPES: dict[str, FieldType] = {"TEXT": "text", "NUMBER": "number", "SINGLE_SELECT": "single_select"}
NEW_OPTION = {"color": "GRAY", "description": ""}


def pause(seconds: float) -> None:
    """Wait. The one place the adapter sleeps (tests make it instant)."""
    time.sleep(seconds)


@cache
def document(name: str) -> str:
    """A GraphQL document of the package, `p2p/github/graphql/<name>.graphql`."""
    return resources.files("p2p.github").joinpath("graphql", f"{name}.graphql").read_text(encoding="utf-8")


@cache
def repeated(name: str, count: int) -> str:
    """Document `name`, whose one aliased mutation `set0` takes the variable `$set0`, with that
    mutation and its variable repeated `count` times (set0 ... set<count-1>), for one request."""
    text = "\n".join(line for line in document(name).splitlines() if not line.lstrip().startswith("#"))
    found = re.fullmatch(r"(?s)(\s*mutation \w+\()(.*?)(\)\s*\{)(.*)(\}\s*)", text)
    if found is None or "set0" not in found[2] or "set0" not in found[4]:
        raise ValueError(f"{name}.graphql: not one mutation aliased set0 with a variable $set0")
    head, variable, middle, part, tail = found.groups()
    variables = ", ".join(variable.strip().replace("set0", f"set{n}") for n in range(count))
    parts = "".join(part.replace("set0", f"set{n}") for n in range(count))
    return f"{head}{variables}{middle}{parts}{tail}"


class GitHubRepository:
    """One repository on GitHub and its owner's Projects boards: the real port."""

    def __init__(
        self,
        repository: str,
        *,
        github: Github,
        token: str = "",
        write_delay: float = DEFAULT_WRITE_DELAY,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._repository = repository
        self.owner, self.name = repository.split("/", 1)
        self._requester = github.requester
        self._token = token
        self._write_delay = max(write_delay, 0.0)
        self._sleep = sleep
        self._clock = clock
        self._wall = wall
        self._last_write: float | None = None
        self._count = RequestCount()
        self._node_ids: dict[int, str] = {}  # issue number -> node id, from what was read
        self._options: dict[str, dict[str, str]] = {}  # option id -> colour and description
        self._base = f"/repos/{quote(self.owner, safe='')}/{quote(self.name, safe='')}"

    @classmethod
    def from_environment(
        cls,
        repository: str,
        *,
        env: Mapping[str, str],
        token: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> GitHubRepository:
        """The adapter for `repository` with the API URL of the environment, and its token unless
        one was found already."""
        api_url = credentials.api_url(env)
        if not api_url.startswith(("https://", "http://")):
            # Not echoed: a token pasted into the wrong variable must not be printed.
            raise P2PError("GITHUB_API_URL must be an http(s) URL, such as https://api.github.com")
        raw_delay = env.get("P2P_WRITE_DELAY", "").strip()
        try:
            delay = float(raw_delay) if raw_delay else DEFAULT_WRITE_DELAY
        except ValueError:
            raise P2PError(f"P2P_WRITE_DELAY must be a number of seconds, not {raw_delay!r}") from None
        if delay < 0:
            raise P2PError(f"P2P_WRITE_DELAY must not be negative, not {raw_delay!r}")
        token = token or find_token(env, api_url)
        github = Github(
            auth=Auth.Token(token),
            base_url=api_url,
            per_page=PAGE,
            # PyGithub's retry cannot tell a GraphQL query from a mutation (both POST) and would
            # re-send a POST on a 5xx: `_send` retries instead, and only what is safe to retry.
            retry=None,
            # Writes are spaced by `_send`, with the pause the tests can make instant.
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,
        )
        return cls(repository, github=github, token=token, write_delay=delay, sleep=sleep)

    # --- the port: identity ----------------------------------------------------------------

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def requests(self) -> RequestCount:
        return self._count

    def close(self) -> None:
        self._requester.close()

    # --- HTTP ------------------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        (self._sleep or pause)(seconds)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), UTC)

    def _space_writes(self) -> None:
        if self._last_write is None or self._write_delay <= 0:
            return
        remaining = self._last_write + self._write_delay - self._clock()
        if remaining > 0:
            self._wait(remaining)

    def _send(
        self,
        verb: str,
        url: str,
        *,
        action: str,
        need: Need,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        write: bool | None = None,
        done_if: Callable[[GithubException], bool] | None = None,
    ) -> tuple[Mapping[str, Any], Any]:
        """One request, counted; retried only where GitHub applied nothing or nothing changes.

        A rate-limit refusal is retried for every request (GitHub did not apply it). A 5xx or a
        dropped connection is retried only for reads: a write may have been applied, and sending
        it again could duplicate an issue or an invitation. The run fails instead, and the next
        run observes what happened and finishes the work. A refusal `done_if` accepts means what
        was asked for is there already: no error, and no answer.
        """
        is_write = verb != "GET" if write is None else write
        attempt, hops = 1, 0
        while True:
            if is_write:
                self._space_writes()
                self._count.writes += 1
            else:
                self._count.reads += 1
            try:
                headers, data, moved = self._exchange(verb, url, params, body, action=action)
            except GithubException as error:
                if done_if is not None and done_if(error):
                    return error.headers or {}, None
                limited = _rate_limited(error) and not _invitation_limit(error, action)
                wait = self._rate_limit_wait(error.headers or {}, attempt) if limited else None
                if wait is not None and wait <= LONGEST_WAIT and attempt < ATTEMPTS:
                    self._wait(wait)
                    attempt += 1
                    continue
                if not is_write and error.status >= 500 and attempt < ATTEMPTS:
                    self._wait(2.0**attempt)
                    attempt += 1
                    continue
                raise self._refusal(error, action=action, need=need, write=is_write) from None
            except RequestException as error:
                if not is_write and attempt < ATTEMPTS:
                    self._wait(2.0**attempt)
                    attempt += 1
                    continue
                raise self._error(self._unreachable(error, action=action, write=is_write)) from None
            finally:
                if is_write:
                    self._last_write = self._clock()
            if moved is not None:
                # GitHub made nothing of a redirected request: it asks for it again, verbatim, at
                # the new address (a renamed or transferred repository).
                hops += 1
                if hops > REDIRECTS:
                    raise self._error(
                        GitHubError(f"GitHub redirected the request to {action} too many times ({moved})")
                    )
                url, params = moved, None
                continue
            if isinstance(data, dict) and _graphql_rate_limited(data):
                wait = self._rate_limit_wait(headers, attempt)
                if attempt < ATTEMPTS and wait <= LONGEST_WAIT:
                    self._wait(wait)
                    attempt += 1
                    continue
                raise self._error(self._rate_limit_error(action, headers, 200))
            return headers, data

    def _exchange(
        self, verb: str, url: str, params: Mapping[str, Any] | None, body: Any, *, action: str
    ) -> tuple[Mapping[str, Any], Any, str | None]:
        """One HTTP exchange: the answer's headers and JSON, and the address GitHub asks the request
        to be repeated at, if it answered with a redirect that PyGithub does not follow.

        "HTTP redirects" (Getting started with the REST API, GitHub Docs): 301 is permanent, "302,
        307: the request should be repeated verbatim to the URI specified in the Location header".
        Under a renamed repository's old name GitHub answers 301 to a GET (PyGithub follows it)
        and 307 to any other method ("Preview repository redirects", GitHub, 2015-04-17), which
        PyGithub would hand back as a success.
        """
        try:
            status, headers, output = self._requester.requestJson(
                verb, url, parameters=dict(params) if params else None, input=body
            )
        except RuntimeError:  # PyGithub refuses a redirect to another scheme or host
            raise self._error(self._elsewhere(action)) from None
        data = _decode(output)
        if status >= 400:
            raise self._requester.createException(status, headers, data)
        location = str(headers.get("location") or "")
        if status not in REPEAT_AT or not location:
            return headers, data, None
        base = urlsplit(self._requester.base_url)
        there = urlsplit(location)
        if (there.scheme, there.hostname, there.port) != (base.scheme, base.hostname, base.port):
            raise self._error(self._elsewhere(action))  # the token goes to GitHub's API only
        return headers, data, location

    def _elsewhere(self, action: str) -> GitHubError:
        host = _host(self._requester.base_url)
        return GitHubError(
            f"GitHub ({host}) redirected the request to {action} to another address: set "
            "GITHUB_API_URL to GitHub's API (https://api.github.com, or https://HOST/api/v3 for "
            "GitHub Enterprise Server)"
        )

    def _rate_limit_wait(self, headers: Mapping[str, Any], attempt: int) -> float:
        """Seconds to wait before retrying a rate-limit refusal.

        "Rate limits for the REST API" and "Rate limits and query limits for the GraphQL API"
        (GitHub Docs): honour retry-after; else, with x-ratelimit-remaining 0, wait until
        x-ratelimit-reset; else at least a minute, growing exponentially.
        """
        header = _lowered(headers)
        if header.get("retry-after", "").isdigit():
            return float(header["retry-after"])
        if header.get("x-ratelimit-remaining") == "0":
            return self._reset_wait(header)
        return float(SECONDARY_WAIT * 2 ** (attempt - 1))

    def _reset_wait(self, headers: Mapping[str, Any]) -> float:
        header = _lowered(headers)
        reset = header.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(int(reset) - self._wall(), 0.0) + 1.0
        return SECONDARY_WAIT

    def _rate_limit_error(self, action: str, headers: Mapping[str, Any], status: int) -> GitHubError:
        return GitHubError(
            f"GitHub's rate limit stopped the run while trying to {action}: {self._when(headers)}",
            status=status,
        )

    @staticmethod
    def _when(headers: Mapping[str, Any]) -> str:
        header = _lowered(headers)
        reset = header.get("x-ratelimit-reset", "")
        if reset.isdigit():
            moment = datetime.fromtimestamp(int(reset), UTC).strftime("%H:%M UTC")
            return f"run again after {moment}"
        return "run again in a few minutes"

    def _error(self, error: GitHubError) -> GitHubError:
        """The error with the token scrubbed from its message, whatever GitHub echoed."""
        if len(self._token) >= 8 and self._token in error.message:
            cleaned = error.message.replace(self._token, "***")
            return type(error)(cleaned, status=error.status)
        return error

    def _unreachable(self, error: RequestException, *, action: str, write: bool) -> GitHubError:
        host = _host(self._requester.base_url)
        text = f"could not reach GitHub ({host}) to {action}: {type(error).__name__}"
        if write:
            text += f"; {MAYBE_APPLIED}"
        return GitHubError(text)

    def _refusal(self, error: GithubException, *, action: str, need: Need, write: bool) -> GitHubError:
        status = error.status
        data = error.data if isinstance(error.data, dict) else {}
        said = str(data.get("message") or "").strip()
        details = "; ".join(
            str(e.get("message") or e.get("code") or "")
            for e in data.get("errors") or []
            if isinstance(e, dict)
        )
        headers = _lowered(error.headers or {})
        where = self._repository
        if status == 401:
            made = GitHubError(
                f"GitHub rejected the token (401 {said or 'Bad credentials'}): set GITHUB_TOKEN or GH_TOKEN "
                "to a valid token, or log in with `gh auth login`",
                status=401,
            )
        elif _invitation_limit(error, action):
            made = InvitationLimitError(
                f"GitHub refuses more invitations to {where} (at most 50 per repository per 24 hours): "
                f"{details or said}",
                status=status,
            )
        elif _rate_limited(error):
            made = self._rate_limit_error(action, headers, status)
        elif status == 403:
            made = self._forbidden(
                action, need, said or "Forbidden", headers.get("x-accepted-github-permissions")
            )
        elif status == 404:
            made = GitHubError(
                f"GitHub found nothing while trying to {action} in {where} (404 Not Found): check "
                "`repository:` in p2p.yaml, and that the token can see that repository",
                status=404,
            )
        elif status == 422:
            made = GitHubError(
                f"GitHub refused to {action} in {where} (422 {said or 'Unprocessable Entity'}"
                f"{': ' + details if details else ''})",
                status=422,
            )
        elif status >= 500 and write:
            made = GitHubError(
                f"GitHub answered {status} while trying to {action} in {where}; {MAYBE_APPLIED}",
                status=status,
            )
        else:
            made = GitHubError(
                f"GitHub answered {status} while trying to {action} in {where}: {said}", status=status
            )
        return self._error(made)

    def _forbidden(self, action: str, need: Need, said: str, accepted: str | None) -> GitHubError:
        name, purpose = PERMISSIONS[need]
        scope = f"on {self.owner}" if need == "projects" else f"on {self._repository}"
        text = (
            f"GitHub refused to {action} (403 {said}): the token lacks the {name} permission (read and "
            f"write) {scope}, needed {purpose}"
        )
        if accepted:
            text += f" (GitHub expects: {accepted})"
        return GitHubError(text, status=403)

    def _pages(
        self, path: str, *, action: str, need: Need, params: Mapping[str, Any] | None = None
    ) -> Iterator[Any]:
        """Every item of a REST list, following GitHub's Link header page by page, 100 a page (the
        most per_page takes: "Using pagination in the REST API", GitHub Docs)."""
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": PAGE, **(params or {})}
        while url is not None:
            headers, data = self._send("GET", url, action=action, need=need, params=query)
            yield from data or []
            url, query = _next_link(headers), None

    def _graphql(
        self,
        name: str,
        variables: Mapping[str, Any],
        *,
        action: str,
        need: Need,
        mutation: bool = False,
        missing_ok: Sequence[str] = (),
        text: str | None = None,
    ) -> Any:
        """Run one document (`text`, else `p2p/github/graphql/<name>.graphql`); GraphQL errors that arrive
        with HTTP 200 become GitHubErrors.

        An error of type NOT_FOUND at a field named in `missing_ok` (the last name of its path: the
        item of a list counts as the list) leaves that part null.
        """
        _, reply = self._send(
            "POST",
            self._requester.graphql_url,
            action=action,
            need=need,
            body={"query": document(name) if text is None else text, "variables": dict(variables)},
            write=mutation,
        )
        if not isinstance(reply, dict):
            raise self._error(GitHubError(f"GitHub sent no GraphQL answer while trying to {action}"))
        errors = [e for e in reply.get("errors") or [] if isinstance(e, dict)]
        unexpected = [e for e in errors if not (e.get("type") == "NOT_FOUND" and _at(e) in missing_ok)]
        if unexpected:
            raise self._graphql_error(unexpected, action=action, need=need)
        return reply.get("data") or {}

    def _graphql_error(self, errors: Sequence[Mapping[str, Any]], *, action: str, need: Need) -> GitHubError:
        types = {str(e.get("type") or "") for e in errors}
        said = "; ".join(str(e.get("message") or "") for e in errors)
        if types & {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
            return self._error(self._forbidden(action, need, said, None))
        if "NOT_FOUND" in types:
            return self._error(
                GitHubError(
                    f"GitHub found nothing while trying to {action} ({said}): check `repository:` and "
                    "`project:` in p2p.yaml, and that the token can see them",
                    status=404,
                )
            )
        return self._error(GitHubError(f"GitHub's GraphQL API refused to {action}: {said}"))

    # --- the port: reads -------------------------------------------------------------------

    def read_access(self) -> AccessState:
        collaborators = tuple(
            Collaborator(login=row["login"], permission=row.get("role_name"))
            for row in self._pages(
                f"{self._base}/collaborators", action="list collaborators", need="administration"
            )
        )
        owner_types: set[str] = set()
        invitations = []
        for row in self._pages(f"{self._base}/invitations", action="list invitations", need="administration"):
            owner_type = ((row.get("repository") or {}).get("owner") or {}).get("type")
            if owner_type:
                owner_types.add(owner_type)
            invitee = row.get("invitee")
            if not invitee:  # an invitation by email: no login to match
                continue
            invitations.append(_invitation(row, self._now()))
        if owner_types:
            organization = "Organization" in owner_types
        else:
            # The owner of a personal repository is listed among its collaborators; an
            # organization never is.
            organization = not any(login_key(c.login) == login_key(self.owner) for c in collaborators)
        return AccessState(
            owner_is_organization=organization, collaborators=collaborators, invitations=tuple(invitations)
        )

    def read_topics(self, event_id: str) -> TopicState:
        label = f"{EVENT_PREFIX}{event_id}"
        variables: dict[str, Any] = {"owner": self.owner, "name": self.name, "eventLabel": label}
        action = f"read the topics of {event_id}"
        viewer, viewer_is_bot = "", False
        labels: list[str] = []
        event: list[Mapping[str, Any]] = []
        proposals: list[Mapping[str, Any]] = []
        parts = {"withEvent": "event", "withProposals": "proposals", "withLabels": "labels"}
        cursors = {"event": "eventAfter", "proposals": "proposalsAfter", "labels": "labelsAfter"}
        pending = set(parts.values())
        while pending:
            flags = {flag: part in pending for flag, part in parts.items()}
            data = self._graphql("topics", {**variables, **flags}, action=action, need="issues")
            if not viewer:
                viewer, viewer_is_bot = _login(data.get("viewer")) or "", _is_bot(data.get("viewer"))
            repository = data.get("repository") or {}
            for part in list(pending):
                page = repository.get(part) or {}
                nodes = [n for n in page.get("nodes") or [] if n]
                if part == "labels":
                    labels += [str(n["name"]) for n in nodes]
                else:
                    (event if part == "event" else proposals).extend(nodes)
                info = page.get("pageInfo") or {}
                if info.get("hasNextPage"):
                    variables[cursors[part]] = info.get("endCursor")
                else:
                    pending.discard(part)
        chosen: dict[int, Issue] = {}
        for node in event:
            chosen[int(node["number"])] = self._issue(node, action=action)
        for node in proposals:
            names = [str(n["name"]) for n in (node.get("labels") or {}).get("nodes") or [] if n]
            if int(node["number"]) in chosen or any(event_id_of(name) is not None for name in names):
                continue  # an event's topic, not a new proposal
            issue = self._issue(node, action=action)
            if not issue.event_ids():
                chosen[issue.number] = issue
        return TopicState(
            viewer=viewer,
            viewer_is_bot=viewer_is_bot,
            event_id=event_id,
            issues=tuple(chosen[number] for number in sorted(chosen)),
            labels=tuple(labels),
        )

    def _issue(self, node: Mapping[str, Any], *, action: str) -> Issue:
        number = int(node["number"])
        self._node_ids[number] = str(node["id"])
        labels = [str(n["name"]) for n in (node.get("labels") or {}).get("nodes") or [] if n]
        reactors = _thumbs_up(node)
        labels_info = (node.get("labels") or {}).get("pageInfo") or {}
        reactors_info = (reactors or {}).get("pageInfo") or {}
        edges = list((reactors or {}).get("edges") or [])
        labels_after = labels_info.get("endCursor") if labels_info.get("hasNextPage") else None
        reactors_after = reactors_info.get("endCursor") if reactors_info.get("hasNextPage") else None
        while labels_after or reactors_after:
            data = self._graphql(
                "issue_details",
                {"id": node["id"], "labelsAfter": labels_after, "reactorsAfter": reactors_after},
                action=action,
                need="issues",
            )
            detail = data.get("node") or {}
            if labels_after:
                page = detail.get("labels") or {}
                labels += [str(n["name"]) for n in page.get("nodes") or [] if n]
                info = page.get("pageInfo") or {}
                labels_after = info.get("endCursor") if info.get("hasNextPage") else None
            if reactors_after:
                page = _thumbs_up(detail) or {}
                edges += page.get("edges") or []
                info = page.get("pageInfo") or {}
                reactors_after = info.get("endCursor") if info.get("hasNextPage") else None
        reason = node.get("stateReason")
        return Issue(
            number=number,
            node_id=str(node["id"]),
            title=str(node.get("title") or ""),
            body=str(node.get("body") or ""),
            state="closed" if node.get("state") == "CLOSED" else "open",
            state_reason=str(reason).lower() if reason else None,
            author=_login(node.get("author")),
            author_is_bot=_is_bot(node.get("author")),
            labels=tuple(labels),
            reactions=tuple(
                Reaction(
                    login=_login(edge["node"]) or "ghost",
                    is_bot=(edge["node"] or {}).get("__typename") == "Bot",
                    created_at=_time(edge["reactedAt"]),
                )
                for edge in edges
                if edge and edge.get("node")
            ),
            url=str(node.get("url") or ""),
        )

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        wanted = list(dict.fromkeys(issues))
        known = [n for n in wanted if n in self._node_ids]
        unknown = [n for n in wanted if n not in self._node_ids]
        found: dict[int, list[Comment]] = {}
        follow: dict[int, str] = {}
        for start in range(0, len(known), PAGE):
            ids = [self._node_ids[n] for n in known[start : start + PAGE]]
            # An issue deleted since it was read is a null and a NOT_FOUND error at its index.
            data = self._graphql(
                "comments", {"ids": ids}, action="read comments", need="issues", missing_ok=("nodes",)
            )
            for node in data.get("nodes") or []:
                if not node:
                    continue
                number = int(node["number"])
                page = node.get("comments") or {}
                found.setdefault(number, []).extend(_comment(number, c) for c in page.get("nodes") or [] if c)
                info = page.get("pageInfo") or {}
                if info.get("hasNextPage"):
                    follow[number] = str(info.get("endCursor"))
        for number in unknown:
            follow[number] = ""
        for number, cursor in follow.items():
            after: str | None = cursor or None
            while True:
                data = self._graphql(
                    "issue_comments",
                    {"owner": self.owner, "name": self.name, "number": number, "after": after},
                    action=f"read the comments of issue #{number}",
                    need="issues",
                    missing_ok=("issue",),
                )
                issue = (data.get("repository") or {}).get("issue")
                if not issue:
                    break
                self._node_ids[number] = str(issue["id"])
                page = issue.get("comments") or {}
                found.setdefault(number, []).extend(_comment(number, c) for c in page.get("nodes") or [] if c)
                info = page.get("pageInfo") or {}
                if not info.get("hasNextPage"):
                    break
                after = str(info.get("endCursor"))
        # Oldest first: GitHub numbers comments in the order they were made.
        return tuple(sorted((c for number in wanted for c in found.get(number, [])), key=lambda c: c.id))

    def read_board(self, number: int) -> Board | None:
        variables: dict[str, Any] = {"owner": self.owner, "number": number, "withFields": True}
        action = f"read board #{number} of {self.owner}"
        project: Mapping[str, Any] | None = None
        fields: list[BoardField] = []
        items: list[BoardItem] = []
        while True:
            data = self._graphql(
                "board", variables, action=action, need="projects", missing_ok=("projectV2",)
            )
            owner = data.get("repositoryOwner")
            if owner is None:
                raise self._error(
                    GitHubError(f"GitHub knows no account {self.owner!r} (the repository's owner)")
                )
            page_project = owner.get("projectV2")
            if page_project is None:
                return None
            if project is None:
                project = page_project
                fields = [
                    self._field(node)
                    for node in (page_project.get("fields") or {}).get("nodes") or []
                    if node
                ]
            by_id = {f.id: f for f in fields}
            page = page_project.get("items") or {}
            items += [self._item(node, by_id) for node in page.get("nodes") or [] if node]
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            variables.update(withFields=False, itemsAfter=info.get("endCursor"))
        return Board(
            id=str(project["id"]),
            number=int(project["number"]),
            title=str(project.get("title") or ""),
            fields=tuple(fields),
            items=tuple(items),
        )

    def _field(self, node: Mapping[str, Any]) -> BoardField:
        options = []
        for option in node.get("options") or []:
            self._options[str(option["id"])] = {
                "color": str(option.get("color") or NEW_OPTION["color"]),
                "description": str(option.get("description") or ""),
            }
            options.append(FieldOption(id=str(option["id"]), name=str(option["name"])))
        return BoardField(
            id=str(node["id"]),
            name=str(node["name"]),
            type=FIELD_TYPES.get(str(node.get("dataType")), "other"),
            options=tuple(options),
        )

    def _item(self, node: Mapping[str, Any], fields: Mapping[str, BoardField]) -> BoardItem:
        content = node.get("content") or {}
        issue: int | None = None
        if content.get("__typename") == "Issue":
            home = str((content.get("repository") or {}).get("nameWithOwner") or "")
            if home.casefold() == self._repository.casefold():
                issue = int(content["number"])
        values: dict[str, str | float] = {}
        for value in (node.get("fieldValues") or {}).get("nodes") or []:
            target = fields.get(str(((value or {}).get("field") or {}).get("id")))
            if target is None or target.type == "other":
                continue
            if target.type == "number" and value.get("number") is not None:
                values[target.name] = float(value["number"])
            elif target.type == "text" and value.get("text") is not None:
                values[target.name] = str(value["text"])
            elif target.type == "single_select" and value.get("name") is not None:
                values[target.name] = str(value["name"])
        return BoardItem(id=str(node["id"]), issue=issue, values=values)

    # --- the port: writes ------------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        # 201 with the invitation, or 204 when the person already has access ("Add a repository
        # collaborator", GitHub Docs).
        _, data = self._send(
            "PUT",
            f"{self._base}/collaborators/{quote(login, safe='')}",
            action=f"invite {login}",
            need="administration",
            body={"permission": permission},
        )
        return _invitation(data, self._now()) if isinstance(data, dict) and data.get("invitee") else None

    def cancel_invitation(self, invitation_id: int) -> None:
        self._send(
            "DELETE",
            f"{self._base}/invitations/{invitation_id}",
            action=f"cancel invitation {invitation_id}",
            need="administration",
        )

    def remove_collaborator(self, login: str) -> None:
        self._send(
            "DELETE",
            f"{self._base}/collaborators/{quote(login, safe='')}",
            action=f"remove collaborator {login}",
            need="administration",
        )

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        # GitHub creates the labels the repository lacks as it applies them (the reference does
        # not say so). Without push access it "silently drops" the labels of a new issue ("Create
        # an issue", GitHub Docs), and the next run, blind to an unlabelled topic, would open it
        # again: the dropped labels are added on their own, which triage access allows.
        _, data = self._send(
            "POST",
            f"{self._base}/issues",
            action=f"open issue {title!r}",
            need="issues",
            body={"title": title, "body": body, "labels": list(labels)},
        )
        issue = _rest_issue(data)
        self._node_ids[issue.number] = issue.node_id
        if _missing(labels, issue.labels):
            held = self._label(issue.number, _missing(labels, issue.labels))
            issue = issue.model_copy(update={"labels": held})
            if _missing(labels, held):
                raise self._error(
                    GitHubError(
                        f"GitHub opened issue #{issue.number} in {self._repository} but did not label it "
                        f"{', '.join(_missing(labels, held))}: the token's user needs triage access or more"
                    )
                )
        return issue

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        self._label(number, labels)

    def create_label(self, name: str, color: str, description: str) -> None:
        # "Create a label" (REST API endpoints for labels, GitHub Docs): 201. A name the repository
        # has, whatever its case, is refused with 422 and the error code already_exists ("Client
        # errors", Getting started with the REST API): the label is there, which is all we want.
        self._send(
            "POST",
            f"{self._base}/labels",
            action=f"create label {name!r}",
            need="issues",
            body={"name": name, "color": color, "description": description},
            done_if=_already_exists,
        )

    def _label(self, number: int, labels: Sequence[str]) -> tuple[str, ...]:
        """Add labels to an issue; GitHub answers with every label the issue now has."""
        _, data = self._send(
            "POST",
            f"{self._base}/issues/{number}/labels",
            action=f"label issue #{number}",
            need="issues",
            body={"labels": list(labels)},
        )
        rows = data if isinstance(data, list) else []
        return tuple(str(row["name"]) for row in rows if isinstance(row, dict) and row.get("name"))

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        # "If you try to add an item that already exists, the existing item ID is returned
        # instead" ("Using the API to manage Projects", GitHub Docs).
        data = self._graphql(
            "add_item",
            {"projectId": board.id, "contentId": issue.node_id},
            action=f"put issue #{issue.number} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        node = (data.get("addProjectV2ItemById") or {}).get("item")
        if not node:
            raise self._error(
                GitHubError(f"GitHub did not put issue #{issue.number} on board #{board.number}")
            )
        return self._item(node, {f.id: f for f in board.fields})

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        self._graphql(
            "set_field",
            {
                "projectId": board.id,
                "itemId": item.id,
                "fieldId": field.id,
                "value": _value_input(board, field, value),
            },
            action=f"set {field.name} of {item_name(item)} on board #{board.number}",
            need="projects",
            mutation=True,
        )

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        if len(values) > VALUES_PER_REQUEST:
            raise ValueError(f"at most {VALUES_PER_REQUEST} values in one request, not {len(values)}")
        inputs = {
            f"set{n}": {
                "projectId": board.id,
                "itemId": v.item.id,
                "fieldId": v.field.id,
                "value": _value_input(board, v.field, v.value),
            }
            for n, v in enumerate(values)
        }
        if not inputs:
            return
        # One document with one aliased mutation per value: GitHub makes each one in turn, and one
        # that fails comes back as an error of its own while the others are made.
        self._graphql(
            "set_fields",
            inputs,
            action=f"set {values_name(values)} on board #{board.number}",
            need="projects",
            mutation=True,
            text=repeated("set_fields", len(values)),
        )

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self._graphql(
            "move_item",
            {"projectId": board.id, "itemId": item.id, "afterId": after.id if after else None},
            action=f"move {item_name(item)} on board #{board.number}",
            need="projects",
            mutation=True,
        )

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        kinds = {"number": "NUMBER", "text": "TEXT", "single_select": "SINGLE_SELECT"}
        if type not in kinds:
            raise P2PError(f"board #{board.number}: cannot create field {name!r} of type {type!r}")
        data = self._graphql(
            "create_field",
            {
                "projectId": board.id,
                "name": name,
                "dataType": kinds[type],
                "options": [{"name": o, **NEW_OPTION} for o in options] if type == "single_select" else None,
            },
            action=f"create field {name!r} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        return self._field((data.get("createProjectV2Field") or {}).get("projectV2Field") or {})

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        # The options sent replace the field's options and GitHub gives every option a new id
        # (UpdateProjectV2FieldInput in GitHub's GraphQL reference; langwatch/langwatch#3330):
        # items lose the values they held, which the caller sets again. Colours are kept.
        kept = {o.name: self._options.get(o.id, NEW_OPTION) for o in field.options}
        data = self._graphql(
            "set_options",
            {
                "fieldId": field.id,
                "options": [{"name": name, **kept.get(name, NEW_OPTION)} for name in options],
            },
            action=f"set the options of {field.name} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        return self._field((data.get("updateProjectV2Field") or {}).get("projectV2Field") or {})


# --- JSON to models -------------------------------------------------------------------------


def _host(url: str) -> str:
    """The host (and port) of a URL, without any user or password it carries."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _at(error: Mapping[str, Any]) -> str:
    """The field a GraphQL error is about: the last name in its path."""
    names = [part for part in error.get("path") or [] if isinstance(part, str)]
    return names[-1] if names else ""


def _missing(wanted: Sequence[str], held: Sequence[str]) -> list[str]:
    """The wanted labels an issue does not hold (label names compare whatever their case)."""
    have = {name.casefold() for name in held}
    return [name for name in wanted if name.casefold() not in have]


def _decode(output: str) -> Any:
    """The JSON of an answer, as PyGithub reads it: None when empty, text that is no JSON kept."""
    if not output:
        return None
    try:
        return json.loads(output)
    except ValueError:
        return {"data": output}


def _lowered(headers: Mapping[str, Any]) -> dict[str, str]:
    """Response headers by lowercase name: HTTP header names are case-insensitive."""
    return {k.lower(): str(v) for k, v in headers.items()}


def _next_link(headers: Mapping[str, Any]) -> str | None:
    link = _lowered(headers).get("link", "")
    match = re.search(r'<([^>]+)>\s*;\s*rel="next"', link)
    return match.group(1) if match else None


def _rate_limited(error: GithubException) -> bool:
    """A primary or secondary rate-limit refusal: GitHub applied nothing."""
    if error.status not in (403, 429):
        return False
    data = error.data if isinstance(error.data, dict) else {}
    message = str(data.get("message") or "").lower()
    header = _lowered(error.headers or {})
    return "rate limit" in message or header.get("x-ratelimit-remaining") == "0" or "retry-after" in header


def _invitation_limit(error: GithubException, action: str) -> bool:
    """GitHub's refusal of a 51st invitation in 24 hours ("Add a repository collaborator": 50 a
    day; a 422 "validation failed, or the endpoint has been spammed"). GitHub does not document
    the message, hence the loose match."""
    if not action.startswith("invite") or error.status not in (403, 422, 429):
        return False
    data = error.data if isinstance(error.data, dict) else {}
    text = json.dumps(data).lower()
    return "invitation" in text and ("24" in text or "limit" in text)


def _already_exists(error: GithubException) -> bool:
    """A 422 that says another resource has the same unique value (a label's name)."""
    data = error.data if isinstance(error.data, dict) else {}
    return error.status == 422 and any(
        isinstance(e, dict) and e.get("code") == "already_exists" for e in data.get("errors") or []
    )


def _graphql_rate_limited(reply: Mapping[str, Any]) -> bool:
    # The GraphQL API may answer a rate limit, primary or secondary, with HTTP 200 and an error
    # ("Rate limits and query limits for the GraphQL API", GitHub Docs).
    return any(
        isinstance(e, dict)
        and (e.get("type") == "RATE_LIMITED" or "rate limit" in str(e.get("message")).lower())
        for e in reply.get("errors") or []
    )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _login(actor: Mapping[str, Any] | None) -> str | None:
    """An actor's login in one form for every answer: a GitHub App's bot without "[bot]".

    GraphQL names a Bot "name" where REST says "name[bot]", and the viewer of an App's token
    is "name[bot]": without the suffix, the toolkit's own issues compare equal to the viewer
    (a human login cannot hold brackets).
    """
    if not actor or not actor.get("login"):
        return None
    return str(actor["login"]).removesuffix("[bot]")


def _is_bot(actor: Mapping[str, Any] | None) -> bool:
    """Whether an actor is a GitHub App's bot, which `_login` shows without "[bot]".

    GraphQL says so in `__typename` ("Bot") and REST in `type`; the viewer is typed `User` in
    GitHub's GraphQL schema whatever the token, and an App's token shows as "name[bot]" there: a
    person's login cannot hold brackets.
    """
    if not actor:
        return False
    login = str(actor.get("login") or "")
    return actor.get("__typename") == "Bot" or actor.get("type") == "Bot" or login.endswith("[bot]")


def _thumbs_up(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for group in node.get("reactionGroups") or []:
        if group and group.get("content") == "THUMBS_UP":
            reactors: Mapping[str, Any] | None = group.get("reactors")
            return reactors
    return None


def _invitation(row: Mapping[str, Any], now: datetime) -> Invitation:
    created = _time(str(row["created_at"]))
    expired = row.get("expired")
    if not isinstance(expired, bool):
        # `expired` is not among the required fields of a repository invitation (the "Repository
        # Invitation" schema of the REST reference): without it, GitHub's 7 days decide.
        expired = now - created >= INVITATION_LIFETIME
    return Invitation(
        id=int(row["id"]),
        login=str((row.get("invitee") or {}).get("login") or ""),
        created_at=created,
        expired=expired,
        permission=row.get("permissions"),
    )


def _comment(number: int, node: Mapping[str, Any]) -> Comment:
    author = node.get("author")
    return Comment(
        id=int(node["databaseId"]),
        issue=number,
        author=_login(author),
        body=str(node.get("body") or ""),
        is_bot=(author or {}).get("__typename") == "Bot",
    )


def _rest_issue(data: Mapping[str, Any]) -> Issue:
    reason = data.get("state_reason")
    return Issue(
        number=int(data["number"]),
        node_id=str(data["node_id"]),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        state="closed" if data.get("state") == "closed" else "open",
        state_reason=reason,
        author=_login(data.get("user")),
        author_is_bot=_is_bot(data.get("user")),
        labels=tuple(str(label["name"]) for label in data.get("labels") or []),
        url=str(data.get("html_url") or ""),
    )


# The GraphQL input field of each kind of value (ProjectV2FieldValue: exactly one of them).
_VALUE_KEYS = {"number": "number", "text": "text", "single_select": "singleSelectOptionId"}


def _value_input(board: Board, field: BoardField, value: str | float) -> dict[str, Any]:
    """The ProjectV2FieldValue of one value, checked before anything is sent."""
    sent = sent_value(board, field, value)  # refuses a field of another type first
    return {_VALUE_KEYS[field.type]: sent}
