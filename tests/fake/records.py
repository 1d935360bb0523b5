"""What the fake GitHub holds, record by record, with the limits and the words GitHub answers with."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

JSON = Any
Reply = tuple[int, dict[str, str], JSON]
Permission = Literal["administration", "projects", "issues"]

DEFAULT_API = "https://api.github.com"
EPOCH = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REPOSITORY_ID = 1296269  # octocat/Hello-World's, the repository GitHub's docs show
# Database ids of issues, reactions and comments are above 2^31 since 2024, past what GraphQL's
# `databaseId` holds: GitHub's GraphQL schema types it a 32-bit Int, deprecated because "it does
# not support 64-bit signed integer identifiers", and `fullDatabaseId` a BigInt sent as a string.
CONTENT_IDS = 2_500_000_001  # issues and reactions
COMMENT_IDS = 2_700_000_001
ACCOUNT_IDS = 100_000_001  # accounts, labels, invitations, boards and their fields and items

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
# Other ways GitHub words a secondary rate limit, without "rate limit" in them (SPEC 8; the
# abuse-detection wording is the older one of "Rate limits for the REST API", GitHub Docs).
SECONDARY_MESSAGES = (
    "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
    "You have been temporarily blocked from content creation. Please retry your request again later.",
)
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


def node_id(kind: str, *ids: int) -> str:
    """A node id as GitHub makes it: the type's prefix, then the MessagePack array [0, *ids] in
    URL-safe base64 (I_kwDOHrjsK85OBUJp is the issue [0, repository id, issue id])."""
    packed = bytearray([0x90 | (len(ids) + 1), 0])
    for value in ids:
        if value < 0x80:
            packed.append(value)  # a positive fixint
        else:
            size = next(size for size in (1, 2, 4, 8) if value < 1 << 8 * size)
            packed += bytes([{1: 0xCC, 2: 0xCD, 4: 0xCE, 8: 0xCF}[size]]) + value.to_bytes(size, "big")
    return f"{kind}_{base64.urlsafe_b64encode(bytes(packed)).decode().rstrip('=')}"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User | Bot | Organization

    @property
    def node_id(self) -> str:
        return node_id({"User": "U", "Bot": "BOT", "Organization": "O"}[self.type], self.id)


# A deleted account: REST shows GitHub's placeholder user "ghost" in its place, GraphQL a null author.
GHOST = User("ghost", 10137)


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None

    @property
    def node_id(self) -> str:
        return node_id("LA", REPOSITORY_ID, self.id)


@dataclass
class Reaction:
    id: int
    login: str
    user_type: str
    content: str  # REST form: "+1", "-1", ...
    created_at: datetime

    @property
    def node_id(self) -> str:
        return node_id("REA", REPOSITORY_ID, self.id)


@dataclass
class Comment:
    id: int
    issue: int
    author: str | None  # None: an account since deleted
    body: str
    created_at: datetime
    updated_at: datetime

    @property
    def node_id(self) -> str:
        return node_id("IC", REPOSITORY_ID, self.id)


@dataclass
class TimelineEvent:
    """One event of an issue's timeline: LABELED_EVENT, UNLABELED_EVENT, CLOSED_EVENT, REOPENED_EVENT."""

    id: int
    kind: str  # labeled | unlabeled | closed | reopened
    actor: str | None  # None: an account since deleted
    created_at: datetime
    label: str | None = None
    state_reason: str | None = None

    @property
    def node_id(self) -> str:
        prefix = {"labeled": "LE", "unlabeled": "UNLE", "closed": "CE", "reopened": "REE"}[self.kind]
        return node_id(prefix, REPOSITORY_ID, self.id)


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
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def node_id(self) -> str:
        return node_id("I", REPOSITORY_ID, self.id)


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
        return node_id("RI", REPOSITORY_ID, self.id)


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
    database_id: int
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


class GraphQLFailure(Exception):
    """An error GitHub reports inside a GraphQL response, with its `type`."""

    def __init__(self, message: str, type: str) -> None:
        super().__init__(message)
        self.message = message
        self.type = type


class HTTPError(Exception):
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
