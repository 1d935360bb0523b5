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

Seeding: add_user, add_collaborator, remove_collaborator, add_invitation, accept_invitation,
add_label, delete_label, add_issue, delete_issue, close_issue, reopen_issue, add_reaction,
remove_reaction, add_comment, edit_comment, delete_comment, add_project, add_board_item,
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
allow, token_invalid.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal
from unittest import mock
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import graphql
import pytest
import requests
import responses

JSON = Any
Reply = tuple[int, dict[str, str], JSON]
Permission = Literal["administration", "projects", "issues"]

DEFAULT_API = "https://api.github.com"
EPOCH = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# GitHub expires a repository invitation after 7 days (what GitHub Support answers in community
# discussions; the REST reference only reports `expired`, and "Inviting collaborators to a personal
# repository" gives no figure).
INVITATION_LIFETIME = timedelta(days=7)
# "You are limited to sending 50 invitations to a repository per 24 hour period" ("Add a
# repository collaborator", REST API endpoints for collaborators, GitHub Docs).
INVITATION_LIMIT = 50

# "You can use up to 50 fields in a project, including built-in metadata and custom fields"
# ("About Projects", GitHub Docs).
FIELD_LIMIT = 50
LEAN_COFFEE_STATUS = ("To Discuss", "Discussing", "Discussed")
DEFAULT_STATUS = ("Todo", "In Progress", "Done")
# Fields every Projects (v2) board has; they hold no custom values.
BUILT_IN_FIELDS = (
    ("Title", "TITLE"),
    ("Assignees", "ASSIGNEES"),
    ("Labels", "LABELS"),
    ("Linked pull requests", "LINKED_PULL_REQUESTS"),
    ("Milestone", "MILESTONE"),
    ("Repository", "REPOSITORY"),
    ("Reviewers", "REVIEWERS"),
)

REACTIONS = {  # REST content -> GraphQL ReactionContent
    "+1": "THUMBS_UP",
    "-1": "THUMBS_DOWN",
    "laugh": "LAUGH",
    "hooray": "HOORAY",
    "confused": "CONFUSED",
    "heart": "HEART",
    "rocket": "ROCKET",
    "eyes": "EYES",
}
# PUT /collaborators takes pull/triage/push/maintain/admin; an invitation reports read/write.
INVITATION_PERMISSION = {
    "pull": "read",
    "push": "write",
    "triage": "triage",
    "maintain": "maintain",
    "admin": "admin",
}
ROLE_RANK = ("pull", "triage", "push", "maintain", "admin")

MESSAGES = {
    401: "Bad credentials",
    404: "Not Found",
    "forbidden": "Resource not accessible by personal access token",
    "secondary": (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        "If you reach out to GitHub Support for help, please include the request ID 0000:FAKE."
    ),
    "primary": "API rate limit exceeded for user ID 1.",
    "invitations": "You have exceeded the limit of 50 invitations per repository per 24 hours.",
}
DOCS = {
    "rest": "https://docs.github.com/rest",
    "secondary": (
        "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
        "#about-secondary-rate-limits"
    ),
    "primary": ("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-rate-limit"),
    "collaborators": "https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator",
}
# The fine-grained permission each kind of endpoint needs, as GitHub reports it in the
# X-Accepted-GitHub-Permissions header ("Permissions required for fine-grained personal access
# tokens", GitHub Docs).
ACCEPTED_PERMISSIONS = {
    "administration": "administration=read",
    "issues": "issues=read",
    "projects": "organization_projects=read",
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError):
        raise _GraphQLFailure(
            f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS"
        ) from None


def _origin(scheme: str, netloc: str) -> str:
    """scheme://host, without the port when it is the scheme's default (PyGithub sends :443)."""
    default = {"https": ":443", "http": ":80"}.get(scheme, "")
    return f"{scheme}://{netloc.removesuffix(default) if default else netloc}"


def _bot_graphql_login(login: str) -> str:
    # GraphQL names a Bot without the "[bot]" suffix that REST shows ("dependabot" vs "dependabot[bot]").
    return login.removesuffix("[bot]")


# --- state ---------------------------------------------------------------------------------


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User | Bot | Organization

    @property
    def node_id(self) -> str:
        prefix = {"User": "U_kgDO", "Bot": "BOT_kgDO", "Organization": "O_kgDO"}[self.type]
        return f"{prefix}{self.id:08d}"


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None

    @property
    def node_id(self) -> str:
        return f"LA_kwDO{self.id:08d}"


@dataclass
class Reaction:
    id: int
    login: str
    user_type: str
    content: str  # REST form: "+1", "-1", ...
    created_at: datetime


@dataclass
class Comment:
    id: int
    issue: int
    author: str
    body: str
    created_at: datetime
    updated_at: datetime

    @property
    def node_id(self) -> str:
        return f"IC_kwDO{self.id:010d}"


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str
    author: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    created_at: datetime = EPOCH
    updated_at: datetime = EPOCH
    closed_at: datetime | None = None

    @property
    def node_id(self) -> str:
        return f"I_kwDO{self.id:08d}"


@dataclass
class Invitation:
    id: int
    login: str
    permission: str  # as GitHub reports it: read | triage | write | maintain | admin
    created_at: datetime
    expired_flag: bool = False
    now: Callable[[], datetime] = field(default=lambda: EPOCH, repr=False, compare=False)

    @property
    def expired(self) -> bool:
        return self.expired_flag or self.now() - self.created_at >= INVITATION_LIFETIME

    @property
    def node_id(self) -> str:
        return f"RI_kwDO{self.id:08d}"


@dataclass
class Option:
    id: str
    name: str
    color: str = "GRAY"
    description: str = ""


@dataclass
class Field:
    id: str
    database_id: int
    name: str
    data_type: str  # TEXT | NUMBER | SINGLE_SELECT | DATE | TITLE | ...
    options: list[Option] = field(default_factory=list)

    def option_named(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


@dataclass
class Item:
    id: str
    content: str  # node id of the issue (or of something else)
    issue: int | None  # number, when the content is an issue of the fake's repository
    values: dict[str, str | float] = field(default_factory=dict)  # field id -> text | number | option id


@dataclass
class Project:
    id: str
    number: int
    title: str
    fields: list[Field] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_by_id(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class BoardRow:
    """One item of a board as tests read it: issue number and custom field values by name."""

    id: str
    issue: int | None
    values: dict[str, str | float]


@dataclass(frozen=True)
class BoardView:
    """A project as tests read it: fields by name (type and option names) and items in order."""

    id: str
    number: int
    title: str
    fields: dict[str, tuple[str, tuple[str, ...]]]
    items: tuple[BoardRow, ...]

    @property
    def issues(self) -> list[int | None]:
        return [row.issue for row in self.items]

    def item_for(self, issue: int) -> BoardRow | None:
        return next((row for row in self.items if row.issue == issue), None)


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

    def matches(self, method: str, path: str, operations: Sequence[str]) -> bool:
        if self.times <= 0:
            return False
        if self.method not in ("*", method):
            return False
        if not self.path.search(path):
            return False
        return self.operation is None or self.operation in operations


class _GraphQLFailure(Exception):
    """An error GitHub reports inside a GraphQL response, with its `type`."""

    def __init__(self, message: str, type: str) -> None:
        super().__init__(message)
        self.message = message
        self.type = type


class _HTTPError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[JSON] | None = None,
        headers: Mapping[str, str] | None = None,
        docs: str = DOCS["rest"],
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = dict(headers or {})
        self.docs = docs

    def reply(self) -> Reply:
        body: dict[str, JSON] = {"message": self.message, "documentation_url": self.docs}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return self.status, self.headers, body


# --- the fake ------------------------------------------------------------------------------


class FakeGitHub:
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
        self.owner, self.name = repository.split("/")
        self.viewer = viewer
        self.owner_is_organization = owner_is_organization
        self.now: datetime = now or EPOCH
        self.api_url = api_url.rstrip("/")
        parts = urlsplit(self.api_url)
        self._host = f"{parts.scheme}://{parts.netloc}"
        self._prefix = parts.path.rstrip("/")
        graphql_prefix = self._prefix.removesuffix("/v3") if self._prefix.endswith("/v3") else self._prefix
        self.graphql_path = f"{graphql_prefix}/graphql"
        self.repo_id = 1296269
        self.invitation_limit = INVITATION_LIMIT
        # "Only users with push access can set labels for new issues. Labels are silently
        # dropped otherwise." ("Create an issue", REST API endpoints for issues, GitHub Docs)
        self.viewer_can_push = True
        # False: invitations leave out `expired`, which the "Repository Invitation" schema does not
        # require (REST API endpoints for repository invitations, GitHub Docs).
        self.invitations_say_expired = True
        self._former: set[tuple[str, str]] = set()  # old (owner, name) keys of the repository

        self._ids = iter(range(1001, 10**9))
        self._users: dict[str, User] = {}
        self._collaborators: dict[str, tuple[str, str]] = {}  # key -> (login, role)
        self._invitations: dict[int, Invitation] = {}
        self._sent: list[datetime] = []  # when each invitation was sent (the 24 h limit)
        self._labels: dict[str, Label] = {}
        self._issues: dict[int, Issue] = {}
        self._comments: dict[int, Comment] = {}
        self._projects: dict[int, Project] = {}
        self._next_number = 1
        self._next_comment = 1987654321
        self._faults: list[_Fault] = []
        self._denied: set[str] = set()
        self._token_invalid = False
        self._mock: responses.RequestsMock | None = None

        self.requests: list[tuple[str, str]] = []
        self.operations: list[str] = []  # GraphQL operation names, in order
        self.unhandled: list[tuple[str, str]] = []
        self.reads = 0
        self.writes = 0

        self.waits: list[float] = []  # the adapter's pauses while the fake is active, made instant
        self._patches: list[Any] = []

        owner_user = self._user(self.owner, "Organization" if owner_is_organization else "User")
        if not owner_is_organization:
            # The owner of a personal repository is listed among its collaborators, as an admin.
            self._collaborators[self.owner.casefold()] = (owner_user.login, "admin")
        viewer_user = self._user(viewer, "Bot" if viewer.endswith("[bot]") else "User")
        if viewer_user.type == "User":
            self._collaborators[viewer.casefold()] = (viewer, "admin")

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

    # --- seeding -------------------------------------------------------------------------

    def _user(self, login: str, type: str = "User") -> User:
        key = login.casefold()
        if key not in self._users:
            self._users[key] = User(login, next(self._ids), type)
        elif type != "User":
            self._users[key].type = type
        return self._users[key]

    def add_user(self, login: str, *, type: str = "User") -> None:
        """Make a user (or a Bot) known; every login is known as a User on first use anyway."""
        self._user(login, type)

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        self._user(login)
        self._collaborators[login.casefold()] = (login, permission)

    def add_invitation(
        self,
        login: str,
        *,
        created_at: datetime | None = None,
        expired: bool = False,
        permission: str = "triage",
    ) -> int:
        self._user(login)
        invitation = Invitation(
            next(self._ids),
            login,
            INVITATION_PERMISSION.get(permission, permission),
            created_at or self.now,
            expired,
            now=lambda: self.now,
        )
        self._invitations[invitation.id] = invitation
        self._sent.append(invitation.created_at)
        return invitation.id

    def remove_collaborator(self, login: str) -> None:
        """Someone's access ends outside the toolkit (they left, an admin removed them)."""
        self._collaborators.pop(login.casefold(), None)

    def accept_invitation(self, login: str) -> None:
        """The invitee accepts: the pending invitation becomes a collaborator."""
        for invitation in list(self._invitations.values()):
            if invitation.login.casefold() == login.casefold():
                del self._invitations[invitation.id]
                role = {"read": "pull", "write": "push"}.get(invitation.permission, invitation.permission)
                self._collaborators[login.casefold()] = (invitation.login, role)

    def add_label(self, name: str, *, color: str = "ededed", description: str | None = None) -> Label:
        key = name.casefold()
        if key not in self._labels:
            self._labels[key] = Label(next(self._ids), name, color, description)
        return self._labels[key]

    def delete_label(self, name: str) -> None:
        """An admin deletes a label: it goes from every issue that had it ("Deleting a label",
        Managing labels, GitHub Docs)."""
        label = self._labels.pop(name.casefold())
        for issue in self._issues.values():
            issue.labels = [n for n in issue.labels if n != label.name]

    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: str = "open",
        state_reason: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        self._user(author, "Bot" if author.endswith("[bot]") else "User")
        number = self._next_number
        self._next_number += 1
        moment = created_at or self.now
        issue = Issue(number, next(self._ids), title, body, author, created_at=moment, updated_at=moment)
        for name in labels:
            issue.labels.append(self.add_label(name).name)
        self._issues[number] = issue
        if state == "closed":
            self.close_issue(number, state_reason or "completed")
        return number

    def delete_issue(self, number: int) -> None:
        """An admin deletes the issue, its comments with it ("Deleting an issue", GitHub Docs)."""
        del self._issues[number]
        for comment_id in [c.id for c in self._comments.values() if c.issue == number]:
            del self._comments[comment_id]

    def close_issue(self, number: int, reason: str = "completed") -> None:
        issue = self._issues[number]
        issue.state, issue.state_reason, issue.closed_at = "closed", reason, self.now

    def reopen_issue(self, number: int) -> None:
        issue = self._issues[number]
        issue.state, issue.state_reason, issue.closed_at = "open", "reopened", None

    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: str = "User",
        created_at: datetime | None = None,
    ) -> None:
        if content not in REACTIONS:
            raise ValueError(f"unknown reaction {content!r}; one of {sorted(REACTIONS)}")
        self._user(login, user_type)
        issue = self._issues[number]
        if any(r.login.casefold() == login.casefold() and r.content == content for r in issue.reactions):
            return  # GitHub keeps one reaction of each kind per person
        issue.reactions.append(Reaction(next(self._ids), login, user_type, content, created_at or self.now))

    def remove_reaction(self, number: int, login: str, *, content: str = "+1") -> None:
        issue = self._issues[number]
        issue.reactions = [
            r
            for r in issue.reactions
            if not (r.login.casefold() == login.casefold() and r.content == content)
        ]

    def add_comment(self, number: int, author: str, body: str, *, user_type: str = "User") -> int:
        self._user(author, user_type)
        if number not in self._issues:
            raise KeyError(f"no issue #{number}")
        comment_id = self._next_comment
        self._next_comment += 1
        self._comments[comment_id] = Comment(comment_id, number, author, body, self.now, self.now)
        return comment_id

    def edit_comment(self, comment_id: int, body: str) -> None:
        comment = self._comments[comment_id]
        comment.body, comment.updated_at = body, self.now

    def delete_comment(self, comment_id: int) -> None:
        del self._comments[comment_id]

    def add_project(
        self,
        number: int = 1,
        *,
        fields: Sequence[str] | Mapping[str, str | Sequence[str]] = ("Status", "Votes", "Event"),
        title: str = "Lean coffee",
    ) -> str:
        """A Projects (v2) board of the repository's owner; returns its node id.

        `fields` lists custom fields by name, with the lean-coffee meaning of the names the toolkit
        uses: "Status" single-select To Discuss / Discussing / Discussed, "Votes" number, "Event"
        text, any other name text. Or a mapping name -> "TEXT" | "NUMBER" | "DATE" | a sequence of
        option names (a single-select), e.g. {"Status": ("Todo", "In Progress", "Done")}, which is
        what a board GitHub has just created holds.
        """
        project = Project(f"PVT_kwDO{number:06d}{next(self._ids)}", number, title)
        for name, data_type in BUILT_IN_FIELDS:
            project.fields.append(self._new_field(name, data_type))
        spec: Mapping[str, str | Sequence[str]]
        if isinstance(fields, Mapping):
            spec = fields
        else:
            defaults: dict[str, str | Sequence[str]] = {
                "Status": LEAN_COFFEE_STATUS,
                "Votes": "NUMBER",
                "Event": "TEXT",
            }
            spec = {name: defaults.get(name, "TEXT") for name in fields}
        for name, kind in spec.items():
            if isinstance(kind, str):
                project.fields.append(self._new_field(name, kind.upper()))
            else:
                project.fields.append(self._new_field(name, "SINGLE_SELECT", list(kind)))
        self._projects[number] = project
        return project.id

    def _new_field(self, name: str, data_type: str, options: Sequence[str] = ()) -> Field:
        database_id = next(self._ids)
        prefix = "PVTSSF" if data_type == "SINGLE_SELECT" else "PVTF"
        made = Field(f"{prefix}_lADO{database_id:08d}", database_id, name, data_type)
        made.options = [self._new_option(option) for option in options]
        return made

    def _new_option(self, name: str, color: str = "GRAY", description: str = "") -> Option:
        return Option(f"{next(self._ids):08x}", name, color, description)

    def add_board_item(self, number: int, issue: int, **values: str | float) -> str:
        """Put issue #`issue` on board `number` with custom field values by field name."""
        project = self._projects[number]
        item = self._add_item(project, self._issues[issue].node_id)
        for name, value in values.items():
            target = project.field_named(name)
            if target is None:
                raise KeyError(f"board {number} has no field {name!r}")
            if target.data_type == "SINGLE_SELECT":
                option = target.option_named(str(value))
                if option is None:
                    raise KeyError(f"field {name!r} has no option {value!r}")
                item.values[target.id] = option.id
            elif target.data_type == "NUMBER":
                item.values[target.id] = float(value)
            else:
                item.values[target.id] = str(value)
        return item.id

    def add_foreign_item(self, number: int, *, title: str = "Draft") -> str:
        """A card that is no issue of this repository (a draft, another repository's issue)."""
        project = self._projects[number]
        item = Item(f"PVTI_lADO{next(self._ids):010d}", f"DI_lADO{next(self._ids):08d}", None)
        project.items.append(item)
        return item.id

    def advance(self, delta: timedelta) -> None:
        """Move the fake's clock (invitation expiry, the 24 h invitation window)."""
        self.now = self.now + delta

    def rename(self, name: str) -> None:
        """The repository is renamed: requests under its old name are redirected to it."""
        self._former.add((self.owner.casefold(), self.name.casefold()))
        self.name = name

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
    ) -> None:
        """Answer the next matching request(s) with `status`; by default AFTER applying the change,
        as GitHub sometimes does. `operation` narrows a GraphQL request to an operation name or a
        top-level field (e.g. "addProjectV2ItemById")."""
        self._faults.append(
            _Fault("status", method.upper(), re.compile(path_regex), operation, status, after_apply, times)
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
    ) -> None:
        """Refuse the next matching request(s) with a rate limit (nothing is applied): 403 or 429,
        or, for a GraphQL request, an error in a 200 answer (a primary limit always is one)."""
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
            )
        )

    def deny(self, permission: Permission) -> None:
        """The token lacks this permission: GitHub answers 403 (REST) or FORBIDDEN (GraphQL)."""
        self._denied.add(permission)

    def token_invalid(self, invalid: bool = True) -> None:
        """Every request is answered 401 Bad credentials."""
        self._token_invalid = invalid

    # --- inspection ----------------------------------------------------------------------

    @property
    def collaborators(self) -> dict[str, str]:
        """login -> role, including the token's own user (an admin, as GitHub lists it)."""
        return dict(self._collaborators.values())

    @property
    def invitations(self) -> list[Invitation]:
        return list(self._invitations.values())

    def invitation_for(self, login: str) -> Invitation | None:
        return next((i for i in self._invitations.values() if i.login.casefold() == login.casefold()), None)

    @property
    def issues(self) -> dict[int, Issue]:
        return dict(self._issues)

    @property
    def labels(self) -> list[str]:
        return [label.name for label in self._labels.values()]

    @property
    def comments(self) -> dict[int, Comment]:
        return dict(self._comments)

    def project(self, number: int = 1) -> BoardView:
        project = self._projects[number]
        fields = {f.name: (f.data_type, tuple(o.name for o in f.options)) for f in project.fields}
        rows = []
        for item in project.items:
            values: dict[str, str | float] = {}
            for field_id, value in item.values.items():
                target = project.field_by_id(field_id)
                if target is None:
                    continue
                if target.data_type == "SINGLE_SELECT":
                    option = next((o for o in target.options if o.id == value), None)
                    if option is not None:
                        values[target.name] = option.name
                else:
                    values[target.name] = value
            rows.append(BoardRow(item.id, item.issue, values))
        return BoardView(project.id, project.number, project.title, fields, tuple(rows))

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
            return self._encode(*_HTTPError(401, MESSAGES[401]).reply())
        if not request.headers.get("Authorization"):
            return self._encode(*_HTTPError(401, "Requires authentication").reply())

        fault = next((f for f in self._faults if f.matches(method, path, operations)), None)
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
            return _HTTPError(status, MESSAGES["primary"], headers=headers, docs=DOCS["primary"]).reply()
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        if graphql and fault.status == 200:
            # "If you exceed a secondary rate limit, the response status will be 200 or 403"
            # ("Rate limits and query limits for the GraphQL API", GitHub Docs).
            return (
                200,
                {**headers, "X-RateLimit-Resource": "graphql"},
                {"errors": [{"message": MESSAGES["secondary"]}]},
            )
        status = 403 if fault.status == 200 else fault.status
        return _HTTPError(status, MESSAGES["secondary"], headers=headers, docs=DOCS["secondary"]).reply()

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
                return _HTTPError(404, MESSAGES[404], docs=DOCS["rest"]).reply()
            if category in self._denied:
                return _HTTPError(
                    403,
                    MESSAGES["forbidden"],
                    headers={"X-Accepted-GitHub-Permissions": ACCEPTED_PERMISSIONS[category]},
                ).reply()
            try:
                return handler(match, query, body)
            except _HTTPError as error:
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

    @cache  # noqa: B019 - one table per fake
    def _routes(
        self,
    ) -> list[
        tuple[str, re.Pattern[str], Callable[[re.Match[str], dict[str, str], JSON], Reply], str | None]
    ]:
        repo = r"(?:/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)|/repositories/(?P<repo_id>\d+))"
        table: list[tuple[str, str, Callable[[re.Match[str], dict[str, str], JSON], Reply], str | None]] = [
            ("GET", r"/user", self._get_viewer, None),
            ("GET", r"/users/(?P<login>[^/]+)", self._get_user, None),
            ("GET", r"/rate_limit", self._get_rate_limit, None),
            ("GET", repo, self._get_repository, None),
            ("GET", repo + r"/collaborators", self._list_collaborators, "administration"),
            ("GET", repo + r"/collaborators/(?P<login>[^/]+)", self._check_collaborator, None),
            ("GET", repo + r"/collaborators/(?P<login>[^/]+)/permission", self._get_permission, None),
            ("PUT", repo + r"/collaborators/(?P<login>[^/]+)", self._put_collaborator, "administration"),
            (
                "DELETE",
                repo + r"/collaborators/(?P<login>[^/]+)",
                self._delete_collaborator,
                "administration",
            ),
            ("GET", repo + r"/invitations", self._list_invitations, "administration"),
            ("PATCH", repo + r"/invitations/(?P<id>\d+)", self._patch_invitation, "administration"),
            ("DELETE", repo + r"/invitations/(?P<id>\d+)", self._delete_invitation, "administration"),
            ("GET", repo + r"/issues", self._list_issues, "issues"),
            ("POST", repo + r"/issues", self._create_issue, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)", self._get_issue, "issues"),
            ("PATCH", repo + r"/issues/(?P<number>\d+)", self._patch_issue, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)/labels", self._list_issue_labels, "issues"),
            ("POST", repo + r"/issues/(?P<number>\d+)/labels", self._add_issue_labels, "issues"),
            ("PUT", repo + r"/issues/(?P<number>\d+)/labels", self._set_issue_labels, "issues"),
            (
                "DELETE",
                repo + r"/issues/(?P<number>\d+)/labels/(?P<label>[^/]+)",
                self._remove_issue_label,
                "issues",
            ),
            ("GET", repo + r"/issues/(?P<number>\d+)/reactions", self._list_reactions, "issues"),
            ("GET", repo + r"/issues/(?P<number>\d+)/comments", self._list_comments, "issues"),
            ("POST", repo + r"/issues/(?P<number>\d+)/comments", self._create_comment, "issues"),
            ("GET", repo + r"/issues/comments/(?P<id>\d+)", self._get_comment, "issues"),
            ("GET", repo + r"/labels", self._list_labels, "issues"),
            ("POST", repo + r"/labels", self._create_label, "issues"),
            ("GET", repo + r"/labels/(?P<label>[^/]+)", self._get_label, "issues"),
        ]
        return [(m, re.compile(p), h, c) for m, p, h, c in table]

    # --- REST JSON shapes ----------------------------------------------------------------

    def _user_json(self, login: str) -> JSON:
        user = self._user(login)
        return {
            "login": user.login,
            "id": user.id,
            "node_id": user.node_id,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": f"{self.api_url}/users/{user.login}",
            "html_url": f"https://github.com/{user.login}",
            "type": user.type,
            "site_admin": False,
        }

    def _repository_json(self) -> JSON:
        return {
            "id": self.repo_id,
            "node_id": "R_kgDOAAAAAQ",
            "name": self.name,
            "full_name": f"{self.owner}/{self.name}",
            "private": False,
            "owner": self._user_json(self.owner),
            "html_url": f"https://github.com/{self.owner}/{self.name}",
            "url": f"{self.api_url}/repos/{self.owner}/{self.name}",
            "has_issues": True,
            "has_projects": True,
            "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
        }

    def _label_json(self, name: str) -> JSON:
        label = self.add_label(name)
        return {
            "id": label.id,
            "node_id": label.node_id,
            "url": f"{self.api_url}/repos/{self.owner}/{self.name}/labels/{label.name}",
            "name": label.name,
            "color": label.color,
            "default": False,
            "description": label.description,
        }

    def _issue_json(self, issue: Issue) -> JSON:
        base = f"{self.api_url}/repos/{self.owner}/{self.name}"
        counts = {content: sum(1 for r in issue.reactions if r.content == content) for content in REACTIONS}
        return {
            "id": issue.id,
            "node_id": issue.node_id,
            "url": f"{base}/issues/{issue.number}",
            "repository_url": base,
            "html_url": f"https://github.com/{self.owner}/{self.name}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": self._user_json(issue.author),
            "labels": [self._label_json(name) for name in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": sum(1 for c in self._comments.values() if c.issue == issue.number),
            "created_at": _iso(issue.created_at),
            "updated_at": _iso(issue.updated_at),
            "closed_at": _iso(issue.closed_at) if issue.closed_at else None,
            "author_association": "OWNER" if issue.author == self.viewer else "COLLABORATOR",
            "reactions": {
                "url": f"{base}/issues/{issue.number}/reactions",
                "total_count": len(issue.reactions),
                **counts,
            },
        }

    def _invitation_json(self, invitation: Invitation) -> JSON:
        return {
            "id": invitation.id,
            "node_id": invitation.node_id,
            "repository": self._repository_json(),
            "invitee": self._user_json(invitation.login),
            "inviter": self._user_json(self.viewer),
            "permissions": invitation.permission,
            "created_at": _iso(invitation.created_at),
            **({"expired": invitation.expired} if self.invitations_say_expired else {}),
            "url": f"{self.api_url}/user/repository_invitations/{invitation.id}",
            "html_url": f"https://github.com/{self.owner}/{self.name}/invitations",
        }

    def _comment_json(self, comment: Comment) -> JSON:
        return {
            "id": comment.id,
            "node_id": comment.node_id,
            "url": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/comments/{comment.id}",
            "html_url": f"https://github.com/{self.owner}/{self.name}/issues/{comment.issue}#issuecomment-{comment.id}",
            "issue_url": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/{comment.issue}",
            "body": comment.body,
            "user": self._user_json(comment.author),
            "created_at": _iso(comment.created_at),
            "updated_at": _iso(comment.updated_at),
            "author_association": "COLLABORATOR",
        }

    def _page(self, path: str, query: dict[str, str], items: Sequence[JSON]) -> Reply:
        """One page of a list, with GitHub's Link header ("Using pagination in the REST API")."""
        try:
            per_page = min(int(query.get("per_page", 30)), 100)
            page = max(int(query.get("page", 1)), 1)
        except ValueError:
            raise _HTTPError(422, "Invalid request.") from None
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = list(items[(page - 1) * per_page : page * per_page])
        links = []
        # GitHub's Link URLs address the repository by id: /repositories/1296269/...
        local = re.sub(r"^/repos/[^/]+/[^/]+", f"/repositories/{self.repo_id}", path)

        def link(number: int, rel: str) -> str:
            params = {**query, "per_page": str(per_page), "page": str(number)}
            return f'<{self.api_url}{local}?{urlencode(params)}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, ({"Link": ", ".join(links)} if links else {}), chunk

    def _issue(self, match: re.Match[str]) -> Issue:
        issue = self._issues.get(int(match["number"]))
        if issue is None:
            raise _HTTPError(404, MESSAGES[404])
        return issue

    @staticmethod
    def _path(match: re.Match[str]) -> str:
        return match.string

    # --- REST handlers -------------------------------------------------------------------

    def _get_viewer(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._user_json(self.viewer)

    def _get_user(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._user_json(match["login"])

    def _get_rate_limit(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        core = {"limit": 5000, "remaining": 4999, "reset": int(time.time()) + 3600, "used": 1}
        return 200, {}, {"resources": {"core": core, "graphql": core}, "rate": core}

    def _get_repository(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._repository_json()

    def _list_collaborators(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        rows = []
        for login, role in self._collaborators.values():
            rank = ROLE_RANK.index(role) if role in ROLE_RANK else 0
            rows.append(
                {
                    **self._user_json(login),
                    "permissions": {
                        name: ROLE_RANK.index(name) <= rank
                        for name in ("pull", "triage", "push", "maintain", "admin")
                    },
                    "role_name": {"pull": "read", "push": "write"}.get(role, role),
                }
            )
        return self._page(self._path(match), query, rows)

    def _check_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if match["login"].casefold() in self._collaborators:
            return 204, {}, None
        raise _HTTPError(404, MESSAGES[404])

    def _get_permission(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        entry = self._collaborators.get(match["login"].casefold())
        role = entry[1] if entry else "none"
        permission = {"pull": "read", "triage": "read", "push": "write", "maintain": "write"}.get(role, role)
        return 200, {}, {"permission": permission, "role_name": role, "user": self._user_json(match["login"])}

    def _put_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        login = match["login"]
        key = login.casefold()
        requested = (body or {}).get("permission", "push")
        if requested not in ROLE_RANK:
            raise _HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Repository", "code": "invalid", "field": "permission"}],
                docs=DOCS["collaborators"],
            )
        # On a personal account's repository every collaborator gets write access.
        role = requested if self.owner_is_organization else "push"
        if key in self._collaborators:
            # 204: "an existing collaborator is added as a collaborator" or their permission changes
            # ("Add a repository collaborator", GitHub Docs).
            self._collaborators[key] = (self._collaborators[key][0], role)
            return 204, {}, None
        pending = self.invitation_for(login)
        if pending is not None and not pending.expired:
            pending.permission = INVITATION_PERMISSION[role]
            return 201, {}, self._invitation_json(pending)
        window_start = self.now - timedelta(hours=24)
        if sum(1 for sent in self._sent if sent > window_start) >= self.invitation_limit:
            # 50 invitations per repository per 24 hours ("Add a repository collaborator", GitHub Docs).
            raise _HTTPError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "invitee",
                        "message": MESSAGES["invitations"],
                    }
                ],
                docs=DOCS["collaborators"],
            )
        if pending is not None:
            del self._invitations[pending.id]
        self._user(login)
        invitation = Invitation(
            next(self._ids),
            self._user(login).login,
            INVITATION_PERMISSION[role],
            self.now,
            now=lambda: self.now,
        )
        self._invitations[invitation.id] = invitation
        self._sent.append(self.now)
        return 201, {}, self._invitation_json(invitation)

    def _delete_collaborator(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        # Removing a collaborator also cancels their outstanding invitations ("Remove a
        # repository collaborator", GitHub Docs).
        login = match["login"]
        pending = self.invitation_for(login)
        if pending is not None:
            del self._invitations[pending.id]
        elif login.casefold() not in self._collaborators:
            raise _HTTPError(404, MESSAGES[404])
        self._collaborators.pop(login.casefold(), None)
        return 204, {}, None

    def _list_invitations(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return self._page(
            self._path(match), query, [self._invitation_json(i) for i in self._invitations.values()]
        )

    def _patch_invitation(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        invitation = self._invitations.get(int(match["id"]))
        if invitation is None:
            raise _HTTPError(404, MESSAGES[404])
        if "permissions" in (body or {}):
            invitation.permission = body["permissions"]
        return 200, {}, self._invitation_json(invitation)

    def _delete_invitation(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if self._invitations.pop(int(match["id"]), None) is None:
            raise _HTTPError(404, MESSAGES[404])
        return 204, {}, None

    def _list_issues(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        state = query.get("state", "open")
        wanted = [name.casefold() for name in query.get("labels", "").split(",") if name]
        issues = [
            issue
            for issue in self._issues.values()
            if (state == "all" or issue.state == state)
            and all(any(label.casefold() == w for label in issue.labels) for w in wanted)
            and ("creator" not in query or issue.author.casefold() == query["creator"].casefold())
        ]
        # Default order: newest first (sort=created, direction=desc).
        reverse = query.get("direction", "desc") == "desc"
        issues.sort(key=lambda i: i.number, reverse=reverse)
        return self._page(self._path(match), query, [self._issue_json(i) for i in issues])

    def _create_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if not isinstance(body, dict) or not body.get("title"):
            raise _HTTPError(422, 'Invalid request.\n\n"title" wasn\'t supplied.')
        number = self.add_issue(str(body["title"]), body=str(body.get("body") or ""), author=self.viewer)
        issue = self._issues[number]
        # Labels that do not exist yet are created with the default colour when applied: GitHub's
        # behaviour, though the REST reference ("Create an issue", "Add labels to an issue") only
        # says labels are silently dropped for users without push access.
        if self.viewer_can_push:
            issue.labels = [self.add_label(str(name)).name for name in body.get("labels") or []]
        return (
            201,
            {"Location": f"{self.api_url}/repos/{self.owner}/{self.name}/issues/{number}"},
            self._issue_json(issue),
        )

    def _get_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return 200, {}, self._issue_json(self._issue(match))

    def _patch_issue(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        body = body or {}
        if "title" in body:
            issue.title = body["title"]
        if "body" in body:
            issue.body = body["body"] or ""
        if "labels" in body:
            issue.labels = [self.add_label(str(name)).name for name in body["labels"]]
        if body.get("state") == "closed" and issue.state != "closed":
            self.close_issue(issue.number, body.get("state_reason") or "completed")
        elif body.get("state") == "open" and issue.state != "open":
            self.reopen_issue(issue.number)
        issue.updated_at = self.now
        return 200, {}, self._issue_json(issue)

    def _list_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        return self._page(self._path(match), query, [self._label_json(name) for name in issue.labels])

    @staticmethod
    def _label_names(body: JSON) -> list[str]:
        names = body.get("labels") if isinstance(body, dict) else body
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list):
            raise _HTTPError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
        return [str(n["name"]) if isinstance(n, dict) else str(n) for n in names]

    def _add_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        for name in self._label_names(body):
            label = self.add_label(name)  # created when missing, as GitHub does
            if label.name.casefold() not in {n.casefold() for n in issue.labels}:
                issue.labels.append(label.name)
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _set_issue_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        issue.labels = [self.add_label(name).name for name in self._label_names(body)]
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _remove_issue_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        kept = [n for n in issue.labels if n.casefold() != match["label"].casefold()]
        if len(kept) == len(issue.labels):
            raise _HTTPError(404, "Label does not exist")
        issue.labels = kept
        return 200, {}, [self._label_json(name) for name in issue.labels]

    def _list_reactions(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        content = query.get("content")
        rows = [
            {
                "id": r.id,
                "node_id": f"REA_lADO{r.id:08d}",
                "user": {**self._user_json(r.login), "type": r.user_type},
                "content": r.content,
                "created_at": _iso(r.created_at),
            }
            for r in issue.reactions
            if content is None or r.content == content
        ]
        return self._page(self._path(match), query, rows)

    def _list_comments(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        rows = [self._comment_json(c) for c in self._comments.values() if c.issue == issue.number]
        return self._page(self._path(match), query, rows)

    def _create_comment(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        issue = self._issue(match)
        comment_id = self.add_comment(issue.number, self.viewer, str((body or {}).get("body", "")))
        return 201, {}, self._comment_json(self._comments[comment_id])

    def _get_comment(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        comment = self._comments.get(int(match["id"]))
        if comment is None:
            raise _HTTPError(404, MESSAGES[404])
        return 200, {}, self._comment_json(comment)

    def _list_labels(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        return self._page(
            self._path(match), query, [self._label_json(label.name) for label in self._labels.values()]
        )

    def _create_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        name = str((body or {}).get("name", ""))
        if not name:
            raise _HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "missing_field", "field": "name"}],
            )
        if name.casefold() in self._labels:
            raise _HTTPError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        self.add_label(name, color=str(body.get("color") or "ededed"), description=body.get("description"))
        return 201, {}, self._label_json(name)

    def _get_label(self, match: re.Match[str], query: dict[str, str], body: JSON) -> Reply:
        if match["label"].casefold() not in self._labels:
            raise _HTTPError(404, MESSAGES[404])
        return 200, {}, self._label_json(match["label"])

    # --- GraphQL -------------------------------------------------------------------------

    def _inspect_graphql(self, body: JSON) -> tuple[graphql.DocumentNode | None, list[str], bool]:
        """The parsed document, its operation name and top-level fields, and whether it mutates."""
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return None, [], False
        try:
            document = graphql.parse(body["query"])
        except graphql.GraphQLError:
            return None, [], False
        wanted = body.get("operationName")
        for definition in document.definitions:
            if isinstance(definition, graphql.OperationDefinitionNode) and (
                wanted is None or (definition.name and definition.name.value == wanted)
            ):
                names = [definition.name.value] if definition.name else ["anonymous"]
                names += [
                    s.name.value
                    for s in definition.selection_set.selections
                    if isinstance(s, graphql.FieldNode)
                ]
                return document, names, definition.operation == graphql.OperationType.MUTATION
        return document, [], False

    def _graphql(self, body: JSON, document: graphql.DocumentNode | None) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return (
                400,
                {},
                {
                    "message": "A query attribute must be specified and must be a string.",
                    "documentation_url": "https://docs.github.com/graphql",
                },
            )
        if document is None:
            try:
                graphql.parse(body["query"])
            except graphql.GraphQLError as error:
                return 200, {}, {"errors": [self._format_error(error)]}
        assert document is not None
        schema = _schema()
        problems = graphql.validate(schema, document)
        if problems:
            return 200, {}, {"errors": [self._format_error(e) for e in problems]}
        result = graphql.execute_sync(
            schema,
            document,
            root_value=self._root(),
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName"),
        )
        reply: dict[str, JSON] = {"data": result.data}
        if result.errors:
            reply["errors"] = [self._format_error(e) for e in result.errors]
        return 200, {"X-RateLimit-Resource": "graphql"}, reply

    @staticmethod
    def _format_error(error: graphql.GraphQLError) -> JSON:
        original = error.original_error
        formatted: dict[str, JSON] = {}
        if isinstance(original, _GraphQLFailure):
            formatted["type"] = original.type
        if error.path:
            formatted["path"] = list(error.path)
        if error.locations:
            formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
        formatted["message"] = error.message
        return formatted

    def _connection(
        self,
        name: str,
        nodes: Sequence[JSON],
        args: Mapping[str, Any],
        *,
        edge: Callable[[int], Mapping[str, JSON]] | None = None,
    ) -> JSON:
        first, last = args.get("first"), args.get("last")
        if first is None and last is None:
            raise _GraphQLFailure(
                f"You must provide a `first` or `last` value to properly paginate the `{name}` connection.",
                "MISSING_PAGINATION_BOUNDARIES",
            )
        for bound, value in (("first", first), ("last", last)):
            if value is not None and value > 100:
                raise _GraphQLFailure(
                    f"Requesting {value} records on the `{name}` connection exceeds the `{bound}` limit of "
                    "100 records.",
                    "EXCESSIVE_PAGINATION",
                )
        start = _uncursor(args["after"]) + 1 if args.get("after") else 0
        stop = _uncursor(args["before"]) if args.get("before") else len(nodes)
        window = list(range(start, min(stop, len(nodes))))
        page = window[:first] if first is not None else window
        if last is not None:
            page = page[-last:] if last else []
        edges = [{"cursor": _cursor(i), "node": nodes[i], **(edge(i) if edge else {})} for i in page]
        return {
            "edges": edges,
            "nodes": [nodes[i] for i in page],
            "totalCount": len(nodes),
            "pageInfo": {
                "hasNextPage": bool(page) and page[-1] < window[-1],
                "hasPreviousPage": start > 0 or (bool(page) and page[0] > start),
                "startCursor": _cursor(page[0]) if page else None,
                "endCursor": _cursor(page[-1]) if page else None,
            },
        }

    def _check(self, permission: Permission, what: str) -> None:
        if permission in self._denied:
            raise _GraphQLFailure(f"{MESSAGES['forbidden']} ({what})", "FORBIDDEN")

    def _root(self) -> JSON:
        return {
            "viewer": lambda info: self._gql_actor(self.viewer, viewer=True),
            "repository": lambda info, owner, name, followRenames=True: self._gql_repository(owner, name),
            "repositoryOwner": lambda info, login: self._gql_owner(login),
            "organization": lambda info, login: self._gql_owner(login, "Organization"),
            "user": lambda info, login: self._gql_owner(login, "User"),
            "node": lambda info, id: self._gql_node(id),
            "nodes": lambda info, ids: [self._gql_node_or_failure(i) for i in ids],
            "rateLimit": lambda info, dryRun=False: {
                "cost": 1,
                "limit": 5000,
                "remaining": 4999,
                "used": 1,
                "nodeCount": 0,
                "resetAt": _iso(datetime.now(UTC) + timedelta(hours=1)),
            },
            "addProjectV2ItemById": lambda info, input: self._m_add_item(input),
            "updateProjectV2ItemFieldValue": lambda info, input: self._m_set_value(input),
            "clearProjectV2ItemFieldValue": lambda info, input: self._m_clear_value(input),
            "updateProjectV2ItemPosition": lambda info, input: self._m_move(input),
            "createProjectV2Field": lambda info, input: self._m_create_field(input),
            "updateProjectV2Field": lambda info, input: self._m_update_field(input),
            "deleteProjectV2Item": lambda info, input: self._m_delete_item(input),
        }

    def _gql_actor(self, login: str, *, viewer: bool = False) -> JSON:
        user = self._user(login)
        typename = "User" if viewer else user.type
        shown = _bot_graphql_login(user.login) if typename == "Bot" else user.login
        actor: dict[str, JSON] = {
            "__typename": typename,
            "id": user.node_id,
            "databaseId": user.id,
            "login": shown,
            "name": None,
            "url": f"https://github.com/{shown}",
            "resourcePath": f"/{shown}",
            "avatarUrl": lambda info, size=None: f"https://avatars.githubusercontent.com/u/{user.id}",
        }
        if typename in ("User", "Organization"):
            actor["projectV2"] = lambda info, number: self._gql_project(login, number)
            actor["repository"] = lambda info, name, followRenames=True: self._gql_repository(login, name)
        return actor

    def _gql_owner(self, login: str, typename: str | None = None) -> JSON:
        user = self._users.get(login.casefold())
        if user is None or user.type == "Bot" or (typename is not None and user.type != typename):
            raise _GraphQLFailure(
                f"Could not resolve to a {typename or 'User'} with the login of '{login}'.", "NOT_FOUND"
            )
        return self._gql_actor(user.login)

    def _gql_repository(self, owner: str, name: str) -> JSON:
        # followRenames defaults to true: an old name still finds the repository.
        former = (owner.casefold(), name.casefold()) in self._former
        if not former and (
            owner.casefold() != self.owner.casefold() or name.casefold() != self.name.casefold()
        ):
            raise _GraphQLFailure(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
            )
        return {
            "__typename": "Repository",
            "id": "R_kgDOAAAAAQ",
            "databaseId": self.repo_id,
            "name": self.name,
            "nameWithOwner": f"{self.owner}/{self.name}",
            "url": f"https://github.com/{self.owner}/{self.name}",
            "owner": lambda info: self._gql_actor(self.owner),
            "issues": lambda info, **args: self._gql_issues(args),
            "issue": lambda info, number: self._gql_issue_by_number(number),
            "labels": lambda info, **args: self._connection(
                "labels",
                [
                    self._gql_label(label.name)
                    for label in self._labels.values()
                    if not args.get("query") or args["query"].casefold() in label.name.casefold()
                ],
                args,
            ),
            "label": lambda info, name: self._gql_label(name) if name.casefold() in self._labels else None,
        }

    def _gql_issues(self, args: Mapping[str, Any]) -> JSON:
        self._check("issues", "issues")
        filters = args.get("filterBy") or {}
        labels = args.get("labels") or filters.get("labels")
        states = args.get("states") or filters.get("states")
        created_by = filters.get("createdBy")
        wanted = {name.casefold() for name in labels} if labels else None
        chosen = [
            issue
            for issue in sorted(self._issues.values(), key=lambda i: i.number)
            # GraphQL's `labels` argument matches issues with ANY of the labels.
            if (wanted is None or any(label.casefold() in wanted for label in issue.labels))
            and (not states or issue.state.upper() in states)
            and (created_by is None or issue.author.casefold() == created_by.casefold())
        ]
        order = args.get("orderBy")
        if order and order.get("direction") == "DESC":
            chosen.reverse()
        return self._connection("issues", [self._gql_issue(issue) for issue in chosen], args)

    def _gql_issue_by_number(self, number: int) -> JSON:
        self._check("issues", "issue")
        issue = self._issues.get(number)
        if issue is None:
            raise _GraphQLFailure(f"Could not resolve to an Issue with the number of {number}.", "NOT_FOUND")
        return self._gql_issue(issue)

    def _gql_label(self, name: str) -> JSON:
        label = self.add_label(name)
        return {
            "__typename": "Label",
            "id": label.node_id,
            "name": label.name,
            "color": label.color,
            "description": label.description,
        }

    def _gql_issue(self, issue: Issue) -> JSON:
        def reaction_groups(info: Any) -> list[JSON]:
            groups = []
            for content, enum in REACTIONS.items():
                reactions = sorted(
                    (r for r in issue.reactions if r.content == content), key=lambda r: r.created_at
                )
                groups.append(
                    {
                        "content": enum,
                        "createdAt": _iso(reactions[0].created_at) if reactions else None,
                        "viewerHasReacted": any(
                            r.login.casefold() == self.viewer.casefold() for r in reactions
                        ),
                        "reactors": self._reactors(reactions),
                    }
                )
            return groups

        def reactions(info: Any, content: str | None = None, **args: Any) -> JSON:
            chosen = sorted(
                (r for r in issue.reactions if content is None or REACTIONS[r.content] == content),
                key=lambda r: r.created_at,
            )
            nodes = [
                {
                    "__typename": "Reaction",
                    "id": f"REA_lADO{r.id:08d}",
                    "databaseId": r.id,
                    "content": REACTIONS[r.content],
                    "createdAt": _iso(r.created_at),
                    # Reaction.user is a User: a Bot's reaction has none.
                    "user": self._gql_actor(r.login) if r.user_type == "User" else None,
                }
                for r in chosen
            ]
            return self._connection("reactions", nodes, args)

        def comments(info: Any, **args: Any) -> JSON:
            chosen = [c for c in self._comments.values() if c.issue == issue.number]
            return self._connection("comments", [self._gql_comment(c) for c in chosen], args)

        state_reason = issue.state_reason.upper() if issue.state_reason else None
        return {
            "__typename": "Issue",
            "id": issue.node_id,
            "databaseId": issue.id,
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state.upper(),
            # Which reason GitHub shows for a duplicate without enableDuplicate, its reference does
            # not say (the toolkit always asks for it): a guess.
            "stateReason": lambda info, enableDuplicate=False: (
                "COMPLETED" if state_reason == "DUPLICATE" and not enableDuplicate else state_reason
            ),
            "author": self._gql_actor(issue.author),
            "url": f"https://github.com/{self.owner}/{self.name}/issues/{issue.number}",
            "createdAt": _iso(issue.created_at),
            "updatedAt": _iso(issue.updated_at),
            "closedAt": _iso(issue.closed_at) if issue.closed_at else None,
            "labels": lambda info, **args: self._connection(
                "labels", [self._gql_label(n) for n in issue.labels], args
            ),
            "reactionGroups": reaction_groups,
            "reactions": reactions,
            "comments": comments,
            "repository": lambda info: self._gql_repository(self.owner, self.name),
        }

    def _reactors(self, reactions: list[Reaction]) -> Callable[..., JSON]:
        def reactors(info: Any, **args: Any) -> JSON:
            return self._connection(
                "reactors",
                [self._gql_actor(r.login) for r in reactions],
                args,
                edge=lambda i: {"reactedAt": _iso(reactions[i].created_at)},
            )

        return reactors

    def _gql_comment(self, comment: Comment) -> JSON:
        return {
            "__typename": "IssueComment",
            "id": comment.node_id,
            "databaseId": comment.id,
            "body": comment.body,
            "author": self._gql_actor(comment.author),
            "createdAt": _iso(comment.created_at),
            "updatedAt": _iso(comment.updated_at),
            "url": f"https://github.com/{self.owner}/{self.name}/issues/{comment.issue}#issuecomment-{comment.id}",
            "issue": lambda info: self._gql_issue(self._issues[comment.issue]),
        }

    def _gql_node_or_failure(self, node_id: str) -> JSON:
        """One of `nodes(ids:)`: an id that resolves to nothing is a null in the list and a
        NOT_FOUND error at its index, as `node(id:)` reports it."""
        try:
            return self._gql_node(node_id)
        except _GraphQLFailure as failure:
            return failure

    def _gql_node(self, node_id: str, *, strict: bool = True) -> JSON:
        for issue in self._issues.values():
            if issue.node_id == node_id:
                self._check("issues", "node")
                return self._gql_issue(issue)
        for comment in self._comments.values():
            if comment.node_id == node_id:
                return self._gql_comment(comment)
        for project in self._projects.values():
            if project.id == node_id:
                self._check("projects", "node")
                return self._gql_project_node(project)
            for item in project.items:
                if item.id == node_id:
                    self._check("projects", "node")
                    return self._gql_item(project, item)
        if not strict:
            return None
        raise _GraphQLFailure(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND")

    # --- GraphQL: Projects (v2) ----------------------------------------------------------

    def _gql_project(self, owner: str, number: int) -> JSON:
        self._check("projects", "projectV2")
        project = self._projects.get(number) if owner.casefold() == self.owner.casefold() else None
        if project is None:
            raise _GraphQLFailure(f"Could not resolve to a ProjectV2 with the number {number}.", "NOT_FOUND")
        return self._gql_project_node(project)

    def _gql_project_node(self, project: Project) -> JSON:
        return {
            "__typename": "ProjectV2",
            "id": project.id,
            "number": project.number,
            "title": project.title,
            "closed": False,
            "url": f"https://github.com/orgs/{self.owner}/projects/{project.number}",
            "owner": lambda info: self._gql_actor(self.owner),
            "fields": lambda info, **args: self._connection(
                "fields", [self._gql_field(project, f) for f in project.fields], args
            ),
            "field": lambda info, name: next(
                (self._gql_field(project, f) for f in project.fields if f.name == name), None
            ),
            "items": lambda info, **args: self._connection(
                "items", [self._gql_item(project, item) for item in project.items], args
            ),
        }

    def _gql_field(self, project: Project, target: Field) -> JSON:
        typename = (
            "ProjectV2SingleSelectField"
            if target.data_type == "SINGLE_SELECT"
            else ("ProjectV2IterationField" if target.data_type == "ITERATION" else "ProjectV2Field")
        )
        made: dict[str, JSON] = {
            "__typename": typename,
            "id": target.id,
            "databaseId": target.database_id,
            "name": target.name,
            "dataType": target.data_type,
            "createdAt": _iso(EPOCH),
            "updatedAt": _iso(EPOCH),
            "project": lambda info: self._gql_project_node(project),
        }
        if target.data_type == "SINGLE_SELECT":
            made["options"] = lambda info, names=None: [
                {
                    "id": o.id,
                    "name": o.name,
                    "nameHTML": o.name,
                    "color": o.color,
                    "description": o.description,
                    "descriptionHTML": o.description,
                }
                for o in target.options
                if names is None or o.name in names
            ]
        return made

    def _gql_item(self, project: Project, item: Item) -> JSON:
        def values(info: Any, **args: Any) -> JSON:
            nodes: list[JSON] = []
            for target in project.fields:
                value = self._gql_value(project, item, target)
                if value is not None:
                    nodes.append(value)
            return self._connection("fieldValues", nodes, args)

        def by_name(info: Any, name: str) -> JSON:
            target = project.field_named(name)
            return None if target is None else self._gql_value(project, item, target)

        content: JSON
        if item.issue is not None and item.issue in self._issues:
            content = self._gql_issue(self._issues[item.issue])
        else:
            content = {"__typename": "DraftIssue", "id": item.content, "title": "Draft", "body": ""}
        return {
            "__typename": "ProjectV2Item",
            "id": item.id,
            "isArchived": False,
            "type": "ISSUE" if item.issue is not None else "DRAFT_ISSUE",
            "content": content,
            "fieldValues": values,
            "fieldValueByName": by_name,
            "project": lambda info: self._gql_project_node(project),
        }

    def _gql_value(self, project: Project, item: Item, target: Field) -> JSON:
        common = {
            "id": f"PVTFV_{item.id}_{target.database_id}",
            "field": self._gql_field(project, target),
            "createdAt": _iso(EPOCH),
            "updatedAt": _iso(EPOCH),
            "databaseId": target.database_id,
            "creator": None,
            "item": lambda info: self._gql_item(project, item),
        }
        issue = self._issues.get(item.issue) if item.issue is not None else None
        if target.data_type == "TITLE":
            title = issue.title if issue is not None else "Draft"
            return {"__typename": "ProjectV2ItemFieldTextValue", "text": title, **common}
        if target.data_type == "LABELS":
            if issue is None or not issue.labels:
                return None
            return {
                "__typename": "ProjectV2ItemFieldLabelValue",
                "field": common["field"],
                "labels": lambda info, **args: self._connection(
                    "labels", [self._gql_label(n) for n in issue.labels], args
                ),
            }
        if target.data_type == "REPOSITORY":
            if issue is None:
                return None
            return {
                "__typename": "ProjectV2ItemFieldRepositoryValue",
                "field": common["field"],
                "repository": lambda info: self._gql_repository(self.owner, self.name),
            }
        if target.id not in item.values:
            return None
        value = item.values[target.id]
        if target.data_type == "TEXT":
            return {"__typename": "ProjectV2ItemFieldTextValue", "text": value, **common}
        if target.data_type == "NUMBER":
            return {"__typename": "ProjectV2ItemFieldNumberValue", "number": float(value), **common}
        if target.data_type == "DATE":
            return {"__typename": "ProjectV2ItemFieldDateValue", "date": value, **common}
        if target.data_type == "SINGLE_SELECT":
            option = next((o for o in target.options if o.id == value), None)
            if option is None:
                return None
            return {
                "__typename": "ProjectV2ItemFieldSingleSelectValue",
                "name": option.name,
                "nameHTML": option.name,
                "optionId": option.id,
                "color": option.color,
                "description": option.description,
                "descriptionHTML": option.description,
                **common,
            }
        return None

    def _project_by_id(self, project_id: str) -> Project:
        self._check("projects", "mutation")
        project = next((p for p in self._projects.values() if p.id == project_id), None)
        if project is None:
            raise _GraphQLFailure(
                f"Could not resolve to a node with the global id of '{project_id}'", "NOT_FOUND"
            )
        return project

    @staticmethod
    def _item_by_id(project: Project, item_id: str) -> Item:
        item = next((i for i in project.items if i.id == item_id), None)
        if item is None:
            raise _GraphQLFailure(
                f"Could not resolve to a node with the global id of '{item_id}'", "NOT_FOUND"
            )
        return item

    def _add_item(self, project: Project, content_id: str) -> Item:
        existing = next((i for i in project.items if i.content == content_id), None)
        if existing is not None:
            # Adding content that is already on the board returns the existing item ("Using the API
            # to manage Projects", GitHub Docs).
            return existing
        issue = next((i for i in self._issues.values() if i.node_id == content_id), None)
        if issue is None:
            raise _GraphQLFailure(
                f"Could not resolve to a node with the global id of '{content_id}'", "NOT_FOUND"
            )
        item = Item(f"PVTI_lADO{next(self._ids):010d}", content_id, issue.number)
        project.items.append(item)
        return item

    def _m_add_item(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._add_item(project, data["contentId"])
        return {"clientMutationId": data.get("clientMutationId"), "item": self._gql_item(project, item)}

    def _m_set_value(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        target = project.field_by_id(data["fieldId"])
        if target is None:
            raise _GraphQLFailure(
                f"Could not resolve to a node with the global id of '{data['fieldId']}'", "NOT_FOUND"
            )
        value = {k: v for k, v in data["value"].items() if v is not None}
        expected = {
            "TEXT": "text",
            "NUMBER": "number",
            "DATE": "date",
            "SINGLE_SELECT": "singleSelectOptionId",
            "ITERATION": "iterationId",
        }.get(target.data_type)
        if expected is None:
            raise _GraphQLFailure(
                f"The field {target.name} cannot be updated with this mutation.", "UNPROCESSABLE"
            )
        if set(value) != {expected}:
            raise _GraphQLFailure(
                f"The field of type {target.data_type.lower()} requires a {expected} value.", "UNPROCESSABLE"
            )
        if expected == "singleSelectOptionId" and not any(o.id == value[expected] for o in target.options):
            raise _GraphQLFailure("The single select option Id does not belong to the field", "UNPROCESSABLE")
        item.values[target.id] = value[expected]
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": self._gql_item(project, item),
        }

    def _m_clear_value(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        item.values.pop(data["fieldId"], None)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": self._gql_item(project, item),
        }

    def _m_move(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        after_id = data.get("afterId")
        if after_id is not None:
            self._item_by_id(project, after_id)
        if after_id == item.id:  # after itself (GitHub does not say): it stays, as in the sandbox
            after_id = project.items[project.items.index(item) - 1].id if project.items.index(item) else None
        project.items.remove(item)
        # No afterId: the item goes to the top ("updateProjectV2ItemPosition", GraphQL mutations docs).
        index = (
            0 if after_id is None else next(i for i, it in enumerate(project.items) if it.id == after_id) + 1
        )
        project.items.insert(index, item)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "items": lambda info, **args: self._connection(
                "items", [self._gql_item(project, it) for it in project.items], args
            ),
        }

    def _m_create_field(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        name, data_type = data["name"], data["dataType"].upper()
        if project.field_named(name) is not None:
            raise _GraphQLFailure("Name has already been taken", "UNPROCESSABLE")
        if len(project.fields) >= FIELD_LIMIT:
            raise _GraphQLFailure(f"Projects can have at most {FIELD_LIMIT} fields", "UNPROCESSABLE")
        options = data.get("singleSelectOptions") or []
        if data_type == "SINGLE_SELECT" and not options:
            raise _GraphQLFailure("At least one value is required for single select fields", "UNPROCESSABLE")
        made = self._new_field(name, data_type)
        made.options = [self._new_option(o["name"], o["color"], o["description"]) for o in options]
        project.fields.append(made)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Field": self._gql_field(project, made),
        }

    def _m_update_field(self, data: Mapping[str, Any]) -> JSON:
        self._check("projects", "mutation")
        for project in self._projects.values():
            target = project.field_by_id(data["fieldId"])
            if target is None:
                continue
            if data.get("name"):
                target.name = data["name"]
            options = data.get("singleSelectOptions")
            if options:
                # The options given replace the field's options and every option gets a new id,
                # so items lose their values (UpdateProjectV2FieldInput, GitHub's GraphQL
                # reference; reported in langwatch/langwatch#3330).
                target.options = [self._new_option(o["name"], o["color"], o["description"]) for o in options]
                for item in project.items:
                    item.values.pop(target.id, None)
            return {
                "clientMutationId": data.get("clientMutationId"),
                "projectV2Field": self._gql_field(project, target),
            }
        raise _GraphQLFailure(
            f"Could not resolve to a node with the global id of '{data['fieldId']}'", "NOT_FOUND"
        )

    def _m_delete_item(self, data: Mapping[str, Any]) -> JSON:
        project = self._project_by_id(data["projectId"])
        item = self._item_by_id(project, data["itemId"])
        project.items.remove(item)
        return {"clientMutationId": data.get("clientMutationId"), "deletedItemId": item.id}


# --- the GraphQL schema the fake serves: a faithful subset of GitHub's ---------------------

_SDL = """
scalar DateTime
scalar Date
scalar URI

enum IssueState { OPEN CLOSED }
enum IssueStateReason { COMPLETED DUPLICATE NOT_PLANNED REOPENED }
enum ReactionContent { THUMBS_UP THUMBS_DOWN LAUGH HOORAY CONFUSED HEART ROCKET EYES }
enum OrderDirection { ASC DESC }
enum IssueOrderField { COMMENTS CREATED_AT UPDATED_AT }
enum LabelOrderField { CREATED_AT NAME }
enum ReactionOrderField { CREATED_AT }
enum IssueCommentOrderField { UPDATED_AT }
enum ProjectV2FieldOrderField { CREATED_AT NAME POSITION }
enum ProjectV2ItemOrderField { POSITION }
enum ProjectV2ItemFieldValueOrderField { POSITION }
enum ProjectV2ItemType { DRAFT_ISSUE ISSUE PULL_REQUEST REDACTED }
enum ProjectV2FieldType {
  ASSIGNEES DATE ISSUE_TYPE ITERATION LABELS LINKED_PULL_REQUESTS MILESTONE NUMBER PARENT_ISSUE
  REPOSITORY REVIEWERS SINGLE_SELECT SUB_ISSUES_PROGRESS TEXT TITLE TRACKED_BY TRACKS
}
enum ProjectV2CustomFieldType { DATE ITERATION NUMBER SINGLE_SELECT TEXT }
enum ProjectV2SingleSelectFieldOptionColor { BLUE GRAY GREEN ORANGE PINK PURPLE RED YELLOW }

input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
input LabelOrder { field: LabelOrderField! direction: OrderDirection! }
input ReactionOrder { field: ReactionOrderField! direction: OrderDirection! }
input IssueCommentOrder { field: IssueCommentOrderField! direction: OrderDirection! }
input ProjectV2FieldOrder { field: ProjectV2FieldOrderField! direction: OrderDirection! }
input ProjectV2ItemOrder { field: ProjectV2ItemOrderField! direction: OrderDirection! }
input ProjectV2ItemFieldValueOrder { field: ProjectV2ItemFieldValueOrderField! direction: OrderDirection! }
input IssueFilters {
  assignee: String createdBy: String labels: [String!] mentioned: String milestone: String
  milestoneNumber: String since: DateTime states: [IssueState!] viewerSubscribed: Boolean
}

type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }

interface Node { id: ID! }
interface Actor { avatarUrl(size: Int): URI! login: String! resourcePath: URI! url: URI! }
interface RepositoryOwner {
  avatarUrl(size: Int): URI! id: ID! login: String! resourcePath: URI! url: URI!
  repository(followRenames: Boolean = true, name: String!): Repository
}
interface ProjectV2Owner { id: ID! projectV2(number: Int!): ProjectV2 }

type User implements Actor & Node & ProjectV2Owner & RepositoryOwner {
  avatarUrl(size: Int): URI! databaseId: Int id: ID! login: String! name: String resourcePath: URI! url: URI!
  projectV2(number: Int!): ProjectV2
  repository(followRenames: Boolean = true, name: String!): Repository
}
type Organization implements Actor & Node & ProjectV2Owner & RepositoryOwner {
  avatarUrl(size: Int): URI! databaseId: Int id: ID! login: String! name: String resourcePath: URI! url: URI!
  projectV2(number: Int!): ProjectV2
  repository(followRenames: Boolean = true, name: String!): Repository
}
type Bot implements Actor & Node {
  avatarUrl(size: Int): URI! databaseId: Int id: ID! login: String! resourcePath: URI! url: URI!
}
type Mannequin implements Actor & Node {
  avatarUrl(size: Int): URI! databaseId: Int id: ID! login: String! resourcePath: URI! url: URI!
}
union Reactor = Bot | Mannequin | Organization | User

type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }

type Query {
  viewer: User!
  repository(followRenames: Boolean = true, name: String!, owner: String!): Repository
  repositoryOwner(login: String!): RepositoryOwner
  organization(login: String!): Organization
  user(login: String!): User
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  rateLimit(dryRun: Boolean = false): RateLimit
}

type Repository implements Node {
  databaseId: Int id: ID! name: String! nameWithOwner: String! owner: RepositoryOwner! url: URI!
  issue(number: Int!): Issue
  issues(after: String, before: String, filterBy: IssueFilters, first: Int, labels: [String!], last: Int,
         orderBy: IssueOrder, states: [IssueState!]): IssueConnection!
  label(name: String!): Label
  labels(after: String, before: String, first: Int, last: Int,
         orderBy: LabelOrder = {field: CREATED_AT, direction: ASC}, query: String): LabelConnection
}

type Label implements Node { color: String! description: String id: ID! name: String! }
type LabelEdge { cursor: String! node: Label }
type LabelConnection { edges: [LabelEdge] nodes: [Label] pageInfo: PageInfo! totalCount: Int! }

type Issue implements Node {
  author: Actor body: String! closedAt: DateTime createdAt: DateTime! databaseId: Int id: ID! number: Int!
  repository: Repository! state: IssueState! stateReason(enableDuplicate: Boolean = false): IssueStateReason
  title: String! updatedAt: DateTime! url: URI!
  comments(after: String, before: String, first: Int, last: Int,
           orderBy: IssueCommentOrder): IssueCommentConnection!
  labels(after: String, before: String, first: Int, last: Int,
         orderBy: LabelOrder = {field: CREATED_AT, direction: ASC}): LabelConnection
  reactionGroups: [ReactionGroup!]
  reactions(after: String, before: String, content: ReactionContent, first: Int, last: Int,
            orderBy: ReactionOrder): ReactionConnection!
}
type IssueEdge { cursor: String! node: Issue }
type IssueConnection { edges: [IssueEdge] nodes: [Issue] pageInfo: PageInfo! totalCount: Int! }

type IssueComment implements Node {
  author: Actor body: String! createdAt: DateTime! databaseId: Int id: ID! issue: Issue! updatedAt: DateTime!
  url: URI!
}
type IssueCommentEdge { cursor: String! node: IssueComment }
type IssueCommentConnection {
  edges: [IssueCommentEdge] nodes: [IssueComment] pageInfo: PageInfo! totalCount: Int!
}

type ReactionGroup {
  content: ReactionContent! createdAt: DateTime viewerHasReacted: Boolean!
  reactors(after: String, before: String, first: Int, last: Int): ReactorConnection!
}
type ReactorEdge { cursor: String! node: Reactor! reactedAt: DateTime! }
type ReactorConnection { edges: [ReactorEdge] nodes: [Reactor] pageInfo: PageInfo! totalCount: Int! }
type Reaction implements Node {
  content: ReactionContent! createdAt: DateTime! databaseId: Int id: ID! user: User
}
type ReactionEdge { cursor: String! node: Reaction }
type ReactionConnection { edges: [ReactionEdge] nodes: [Reaction] pageInfo: PageInfo! totalCount: Int! }

type DraftIssue implements Node { body: String! id: ID! title: String! }
type PullRequest implements Node { id: ID! number: Int! repository: Repository! title: String! }
union ProjectV2ItemContent = DraftIssue | Issue | PullRequest

type ProjectV2 implements Node {
  closed: Boolean! id: ID! number: Int! owner: ProjectV2Owner! title: String! url: URI!
  field(name: String!): ProjectV2FieldConfiguration
  fields(after: String, before: String, first: Int, last: Int,
         orderBy: ProjectV2FieldOrder = {field: POSITION, direction: ASC}):
    ProjectV2FieldConfigurationConnection!
  items(after: String, before: String, first: Int, last: Int,
        orderBy: ProjectV2ItemOrder = {field: POSITION, direction: ASC}): ProjectV2ItemConnection!
}

interface ProjectV2FieldCommon {
  createdAt: DateTime! dataType: ProjectV2FieldType! databaseId: Int id: ID! name: String! project: ProjectV2!
  updatedAt: DateTime!
}
type ProjectV2Field implements Node & ProjectV2FieldCommon {
  createdAt: DateTime! dataType: ProjectV2FieldType! databaseId: Int id: ID! name: String! project: ProjectV2!
  updatedAt: DateTime!
}
type ProjectV2SingleSelectFieldOption {
  color: ProjectV2SingleSelectFieldOptionColor! description: String! descriptionHTML: String! id: String!
  name: String! nameHTML: String!
}
type ProjectV2SingleSelectField implements Node & ProjectV2FieldCommon {
  createdAt: DateTime! dataType: ProjectV2FieldType! databaseId: Int id: ID! name: String! project: ProjectV2!
  updatedAt: DateTime!
  options(names: [String!]): [ProjectV2SingleSelectFieldOption!]!
}
type ProjectV2IterationField implements Node & ProjectV2FieldCommon {
  createdAt: DateTime! dataType: ProjectV2FieldType! databaseId: Int id: ID! name: String! project: ProjectV2!
  updatedAt: DateTime!
}
union ProjectV2FieldConfiguration = ProjectV2Field | ProjectV2IterationField | ProjectV2SingleSelectField
type ProjectV2FieldConfigurationEdge { cursor: String! node: ProjectV2FieldConfiguration }
type ProjectV2FieldConfigurationConnection {
  edges: [ProjectV2FieldConfigurationEdge] nodes: [ProjectV2FieldConfiguration] pageInfo: PageInfo!
  totalCount: Int!
}

type ProjectV2Item implements Node {
  content: ProjectV2ItemContent id: ID! isArchived: Boolean! project: ProjectV2! type: ProjectV2ItemType!
  fieldValueByName(name: String!): ProjectV2ItemFieldValue
  fieldValues(after: String, before: String, first: Int, last: Int,
              orderBy: ProjectV2ItemFieldValueOrder = {field: POSITION, direction: ASC}):
    ProjectV2ItemFieldValueConnection!
}
type ProjectV2ItemEdge { cursor: String! node: ProjectV2Item }
type ProjectV2ItemConnection {
  edges: [ProjectV2ItemEdge] nodes: [ProjectV2Item] pageInfo: PageInfo! totalCount: Int!
}

interface ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime!
}
type ProjectV2ItemFieldTextValue implements Node & ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime! text: String
}
type ProjectV2ItemFieldNumberValue implements Node & ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime! number: Float
}
type ProjectV2ItemFieldDateValue implements Node & ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime! date: Date
}
type ProjectV2ItemFieldSingleSelectValue implements Node & ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime! color: ProjectV2SingleSelectFieldOptionColor! description: String
  descriptionHTML: String name: String nameHTML: String optionId: String
}
type ProjectV2ItemFieldIterationValue implements Node & ProjectV2ItemFieldValueCommon {
  createdAt: DateTime! creator: Actor databaseId: Int field: ProjectV2FieldConfiguration! id: ID!
  item: ProjectV2Item! updatedAt: DateTime! title: String!
}
type ProjectV2ItemFieldLabelValue {
  field: ProjectV2FieldConfiguration!
  labels(after: String, before: String, first: Int, last: Int): LabelConnection
}
type ProjectV2ItemFieldRepositoryValue { field: ProjectV2FieldConfiguration! repository: Repository }
type ProjectV2ItemFieldUserValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldMilestoneValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldPullRequestValue { field: ProjectV2FieldConfiguration! }
type ProjectV2ItemFieldReviewerValue { field: ProjectV2FieldConfiguration! }
union ProjectV2ItemFieldValue = ProjectV2ItemFieldDateValue | ProjectV2ItemFieldIterationValue
  | ProjectV2ItemFieldLabelValue | ProjectV2ItemFieldMilestoneValue | ProjectV2ItemFieldNumberValue
  | ProjectV2ItemFieldPullRequestValue | ProjectV2ItemFieldRepositoryValue | ProjectV2ItemFieldReviewerValue
  | ProjectV2ItemFieldSingleSelectValue | ProjectV2ItemFieldTextValue | ProjectV2ItemFieldUserValue
type ProjectV2ItemFieldValueEdge { cursor: String! node: ProjectV2ItemFieldValue }
type ProjectV2ItemFieldValueConnection {
  edges: [ProjectV2ItemFieldValueEdge] nodes: [ProjectV2ItemFieldValue] pageInfo: PageInfo! totalCount: Int!
}

input AddProjectV2ItemByIdInput { clientMutationId: String contentId: ID! projectId: ID! }
type AddProjectV2ItemByIdPayload { clientMutationId: String item: ProjectV2Item }
input ProjectV2FieldValue {
  date: Date iterationId: String number: Float singleSelectOptionId: String text: String
}
input UpdateProjectV2ItemFieldValueInput {
  clientMutationId: String fieldId: ID! itemId: ID! projectId: ID! value: ProjectV2FieldValue!
}
type UpdateProjectV2ItemFieldValuePayload { clientMutationId: String projectV2Item: ProjectV2Item }
input ClearProjectV2ItemFieldValueInput { clientMutationId: String fieldId: ID! itemId: ID! projectId: ID! }
type ClearProjectV2ItemFieldValuePayload { clientMutationId: String projectV2Item: ProjectV2Item }
input UpdateProjectV2ItemPositionInput { afterId: ID clientMutationId: String itemId: ID! projectId: ID! }
type UpdateProjectV2ItemPositionPayload {
  clientMutationId: String
  items(after: String, before: String, first: Int, last: Int): ProjectV2ItemConnection
}
input ProjectV2SingleSelectFieldOptionInput {
  color: ProjectV2SingleSelectFieldOptionColor! description: String! name: String!
}
input CreateProjectV2FieldInput {
  clientMutationId: String dataType: ProjectV2CustomFieldType! name: String! projectId: ID!
  singleSelectOptions: [ProjectV2SingleSelectFieldOptionInput!]
}
type CreateProjectV2FieldPayload { clientMutationId: String projectV2Field: ProjectV2FieldConfiguration }
input UpdateProjectV2FieldInput {
  clientMutationId: String fieldId: ID! name: String
  singleSelectOptions: [ProjectV2SingleSelectFieldOptionInput!]
}
type UpdateProjectV2FieldPayload { clientMutationId: String projectV2Field: ProjectV2FieldConfiguration }
input DeleteProjectV2ItemInput { clientMutationId: String itemId: ID! projectId: ID! }
type DeleteProjectV2ItemPayload { clientMutationId: String deletedItemId: ID }

type Mutation {
  addProjectV2ItemById(input: AddProjectV2ItemByIdInput!): AddProjectV2ItemByIdPayload
  clearProjectV2ItemFieldValue(input: ClearProjectV2ItemFieldValueInput!): ClearProjectV2ItemFieldValuePayload
  createProjectV2Field(input: CreateProjectV2FieldInput!): CreateProjectV2FieldPayload
  deleteProjectV2Item(input: DeleteProjectV2ItemInput!): DeleteProjectV2ItemPayload
  updateProjectV2Field(input: UpdateProjectV2FieldInput!): UpdateProjectV2FieldPayload
  updateProjectV2ItemFieldValue(input: UpdateProjectV2ItemFieldValueInput!):
    UpdateProjectV2ItemFieldValuePayload
  updateProjectV2ItemPosition(input: UpdateProjectV2ItemPositionInput!): UpdateProjectV2ItemPositionPayload
}
"""


@cache
def _schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(_SDL)


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A FakeGitHub for profiq/peer-to-peer, active for the test."""
    with FakeGitHub() as fake:
        yield fake
