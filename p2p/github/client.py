"""GitHub's HTTP policy: one PyGithub requester, and every request through `GitHubClient.send`.

`send` counts each request, spaces writes, retries only what is safe to retry, follows the
redirects PyGithub leaves alone, waits out rate limits and turns GitHub's refusals into
GitHubErrors of one clear sentence. GraphQL documents live in `p2p/github/graphql/`. The only
module that imports PyGithub.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import urlsplit

from github import Auth, Github, GithubException
from requests.exceptions import RequestException

from p2p.errors import GitHubError, P2PError
from p2p.github import credentials
from p2p.github.credentials import find_token
from p2p.port import PAGE_SIZE, RequestCount, graphql_refused, invitation_limit, not_found, refused

# GitHub's advice against secondary rate limits: requests that create content one at a time,
# at least a second apart ("Best practices for using the REST API", GitHub Docs).
DEFAULT_WRITE_DELAY = 1.0
ATTEMPTS = 4  # one request and up to three retries
# "wait for at least one minute before retrying", then longer ("Rate limits for the REST API").
SECONDARY_WAIT = 60.0
LONGEST_WAIT = 15 * 60.0  # a longer wait ends the run: it says when to run again
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


class GitHubClient:
    """The HTTP exchanges with GitHub's REST and GraphQL APIs about one repository."""

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
        self.repository = repository
        self.owner, self.name = repository.split("/", 1)
        self._requester = github.requester
        self._token = token
        self._write_delay = max(write_delay, 0.0)
        self._sleep = sleep
        self._clock = clock
        self._wall = wall
        self._last_write: float | None = None
        self.requests = RequestCount()

    @classmethod
    def from_environment(
        cls,
        repository: str,
        *,
        env: Mapping[str, str],
        token: str | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> GitHubClient:
        """The client for `repository` with the API URL of the environment, and its token unless
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
            per_page=PAGE_SIZE,
            # PyGithub's retry cannot tell a GraphQL query from a mutation (both POST) and would
            # re-send a POST on a 5xx: `send` retries instead, and only what is safe to retry.
            retry=None,
            # Writes are spaced by `send`, with the pause the tests can make instant.
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,
        )
        return cls(repository, github=github, token=token, write_delay=delay, sleep=sleep)

    def close(self) -> None:
        self._requester.close()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), UTC)

    # --- one request -----------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        (self._sleep or pause)(seconds)

    def _space_writes(self) -> None:
        if self._last_write is None or self._write_delay <= 0:
            return
        remaining = self._last_write + self._write_delay - self._clock()
        if remaining > 0:
            self._wait(remaining)

    def send(
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
                self.requests.writes += 1
            else:
                self.requests.reads += 1
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
                raise self.error(self._unreachable(error, action=action, write=is_write)) from None
            finally:
                if is_write:
                    self._last_write = self._clock()
            if moved is not None:
                # GitHub made nothing of a redirected request: it asks for it again, verbatim, at
                # the new address (a renamed or transferred repository).
                hops += 1
                if hops > REDIRECTS:
                    raise self.error(
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
                raise self.error(self._rate_limit_error(action, headers, 200))
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
            raise self.error(self._elsewhere(action)) from None
        data = _decode(output)
        if status >= 400:
            raise self._requester.createException(status, headers, data)
        location = str(headers.get("location") or "")
        if status not in REPEAT_AT or not location:
            return headers, data, None
        base = urlsplit(self._requester.base_url)
        there = urlsplit(location)
        if (there.scheme, there.hostname, there.port) != (base.scheme, base.hostname, base.port):
            raise self.error(self._elsewhere(action))  # the token goes to GitHub's API only
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

    # --- refusals --------------------------------------------------------------------------

    def error(self, error: GitHubError) -> GitHubError:
        """The error with the token scrubbed from its message, whatever GitHub echoed."""
        if len(self._token) >= 8 and self._token in error.message:
            cleaned = copy.copy(error)  # the same kind of error (and its attributes), scrubbed
            cleaned.message = error.message.replace(self._token, "***")
            cleaned.args = (cleaned.message,)
            return cleaned
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
        where = self.repository
        if status == 401:
            made = GitHubError(
                f"GitHub rejected the token (401 {said or 'Bad credentials'}): set GITHUB_TOKEN or GH_TOKEN "
                "to a valid token, or log in with `gh auth login`",
                status=401,
            )
        elif _invitation_limit(error, action):
            made = invitation_limit(where, details or said, status=status)
        elif _rate_limited(error):
            made = self._rate_limit_error(action, headers, status)
        elif status == 403:
            made = self._forbidden(
                action, need, said or "Forbidden", headers.get("x-accepted-github-permissions")
            )
        elif status == 404:
            made = not_found(action, where)
        elif status == 422:
            made = refused(action, where, said, details=details)
        elif status >= 500 and write:
            made = GitHubError(
                f"GitHub answered {status} while trying to {action} in {where}; {MAYBE_APPLIED}",
                status=status,
            )
        else:
            made = GitHubError(
                f"GitHub answered {status} while trying to {action} in {where}: {said}", status=status
            )
        return self.error(made)

    def _forbidden(self, action: str, need: Need, said: str, accepted: str | None) -> GitHubError:
        name, purpose = PERMISSIONS[need]
        scope = f"on {self.owner}" if need == "projects" else f"on {self.repository}"
        text = (
            f"GitHub refused to {action} (403 {said}): the token lacks the {name} permission (read and "
            f"write) {scope}, needed {purpose}"
        )
        if accepted:
            text += f" (GitHub expects: {accepted})"
        return GitHubError(text, status=403)

    # --- lists and GraphQL -----------------------------------------------------------------

    def pages(
        self, path: str, *, action: str, need: Need, params: Mapping[str, Any] | None = None
    ) -> Iterator[Any]:
        """Every item of a REST list, following GitHub's Link header page by page, 100 a page (the
        most per_page takes: "Using pagination in the REST API", GitHub Docs)."""
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": PAGE_SIZE, **(params or {})}
        while url is not None:
            headers, data = self.send("GET", url, action=action, need=need, params=query)
            yield from data or []
            url, query = _next_link(headers), None

    def graphql(
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
        _, reply = self.send(
            "POST",
            self._requester.graphql_url,
            action=action,
            need=need,
            body={"query": document(name) if text is None else text, "variables": dict(variables)},
            write=mutation,
        )
        if not isinstance(reply, dict):
            raise self.error(GitHubError(f"GitHub sent no GraphQL answer while trying to {action}"))
        errors = [e for e in reply.get("errors") or [] if isinstance(e, dict)]
        unexpected = [e for e in errors if not (e.get("type") == "NOT_FOUND" and _at(e) in missing_ok)]
        if unexpected:
            raise self._graphql_error(unexpected, action=action, need=need)
        return reply.get("data") or {}

    def graphql_reply(
        self, text: str, variables: Mapping[str, Any], *, action: str, need: Need, mutation: bool
    ) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
        """Run one document and hand back its data and its GraphQL errors as they came: a batch of
        aliased mutations is checked alias by alias by its caller (`p2p.github.batch`)."""
        _, reply = self.send(
            "POST",
            self._requester.graphql_url,
            action=action,
            need=need,
            body={"query": text, "variables": dict(variables)},
            write=mutation,
        )
        if not isinstance(reply, dict):
            raise self.error(GitHubError(f"GitHub sent no GraphQL answer while trying to {action}"))
        errors: list[Mapping[str, Any]] = [e for e in reply.get("errors") or [] if isinstance(e, dict)]
        data: Mapping[str, Any] = reply.get("data") or {}
        return data, errors

    def graphql_error(self, errors: Sequence[Mapping[str, Any]], *, action: str, need: Need) -> GitHubError:
        """GraphQL errors as one GitHubError: a missing permission, a missing node, or GitHub's words."""
        return self._graphql_error(errors, action=action, need=need)

    def _graphql_error(self, errors: Sequence[Mapping[str, Any]], *, action: str, need: Need) -> GitHubError:
        types = {str(e.get("type") or "") for e in errors}
        said = "; ".join(str(e.get("message") or "") for e in errors)
        if types & {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
            return self.error(self._forbidden(action, need, said, None))
        if "NOT_FOUND" in types:
            return self.error(
                GitHubError(
                    f"GitHub found nothing while trying to {action} ({said}): check `repository:` and "
                    "`project:` in p2p.yaml, and that the token can see them",
                    status=404,
                )
            )
        return self.error(graphql_refused(action, said))


# --- reading answers and refusals ------------------------------------------------------------


def already_exists(error: GithubException) -> bool:
    """A 422 that says another resource has the same unique value (a label's name)."""
    data = error.data if isinstance(error.data, dict) else {}
    return error.status == 422 and any(
        isinstance(e, dict) and e.get("code") == "already_exists" for e in data.get("errors") or []
    )


def _host(url: str) -> str:
    """The host (and port) of a URL, without any user or password it carries."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _at(error: Mapping[str, Any]) -> str:
    """The field a GraphQL error is about: the last name in its path."""
    names = [part for part in error.get("path") or [] if isinstance(part, str)]
    return names[-1] if names else ""


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


# How GitHub words a secondary rate limit. "Rate limits for the REST API" (GitHub Docs): a
# secondary limit answers 403 or 429, with a retry-after header or without, and the message says
# so; older and content-creation limits say it otherwise ("You have exceeded a secondary rate
# limit", "You have triggered an abuse detection mechanism", "You have been temporarily blocked
# from content creation"). "Best practices for using the REST API" (GitHub Docs): without
# retry-after, "wait for at least one minute before retrying", and longer after repeated failures.
SECONDARY_TEXTS = ("rate limit", "abuse detection", "temporarily blocked from content creation")


def _says_rate_limit(text: str) -> bool:
    lowered = text.lower()
    return any(words in lowered for words in SECONDARY_TEXTS)


def _rate_limited(error: GithubException) -> bool:
    """A primary or secondary rate-limit refusal: GitHub applied nothing."""
    if error.status not in (403, 429):
        return False
    data = error.data if isinstance(error.data, dict) else {}
    message = str(data.get("message") or "")
    header = _lowered(error.headers or {})
    return _says_rate_limit(message) or header.get("x-ratelimit-remaining") == "0" or "retry-after" in header


def _invitation_limit(error: GithubException, action: str) -> bool:
    """GitHub's refusal of a 51st invitation in 24 hours ("Add a repository collaborator": 50 a
    day; a 422 "validation failed, or the endpoint has been spammed"). GitHub does not document
    the message, hence the loose match."""
    if not action.startswith("invite") or error.status not in (403, 422, 429):
        return False
    data = error.data if isinstance(error.data, dict) else {}
    text = json.dumps(data).lower()
    return "invitation" in text and ("24" in text or "limit" in text)


def _graphql_rate_limited(reply: Mapping[str, Any]) -> bool:
    # The GraphQL API may answer a rate limit, primary or secondary, with HTTP 200 and an error
    # ("Rate limits and query limits for the GraphQL API", GitHub Docs).
    return any(
        isinstance(e, dict) and (e.get("type") == "RATE_LIMITED" or _says_rate_limit(str(e.get("message"))))
        for e in reply.get("errors") or []
    )
