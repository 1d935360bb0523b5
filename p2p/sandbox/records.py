"""The sandbox's file: the records `sandbox.json` holds, its constants, and GitHub's ids and times."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from p2p.models import FieldType, IssueState, StateReason
from p2p.port import PAGE_SIZE
from p2p.sandbox.world import UserType

FORMAT: Literal[1] = 1
# The token's user: a GitHub App's bot (the adapter shows it as "p2p-bot"), which holds its
# access through the App's installation and so is no collaborator of the repository.
VIEWER = "p2p-bot[bot]"
BOARD_NUMBER = 1
# Fields every Projects (v2) board has; they hold no values the toolkit reads or writes.
BUILT_IN_FIELDS = (
    "Title",
    "Assignees",
    "Labels",
    "Linked pull requests",
    "Milestone",
    "Repository",
    "Reviewers",
)
# "You can use up to 50 fields in a project, including built-in metadata and custom fields"
# ("About Projects", GitHub Docs).
FIELD_LIMIT = 50
# PUT /collaborators takes pull/triage/push/maintain/admin; GitHub reports read/triage/write/...
ROLE_NAMES = {
    "pull": "read",
    "read": "read",
    "triage": "triage",
    "push": "write",
    "write": "write",
    "maintain": "maintain",
    "admin": "admin",
}
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
# Database ids of comments (and issues, reactions) are above 2^31 since 2024; a new sandbox's start
# there.
FIRST_ID = 2_500_000_001
# Node ids pack the ids of the repository or its owner, which the sandbox does not keep: any will do.
REPOSITORY_ID = 1296269
OWNER_ID = 583231


# --- what the file holds -----------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _User(_Record):
    login: str  # as the account spells it
    type: UserType = "User"


class _Collaborator(_Record):
    login: str
    role: str  # read | triage | write | maintain | admin


class _Invitation(_Record):
    id: int
    login: str
    role: str
    created_at: AwareDatetime
    expired: bool = False  # forced expiry; otherwise computed from created_at and the clock


class _Reaction(_Record):
    login: str
    content: str = "+1"
    created_at: AwareDatetime


class _IssueEvent(_Record):
    """A timeline event of an issue: who labelled, closed or reopened it, and when (GitHub's
    "issue events", GET /repos/{owner}/{repo}/issues/{number}/events: `event`, `actor`,
    `label`, `created_at`)."""

    event: Literal["labeled", "unlabeled", "closed", "reopened"]
    actor: str | None  # None: an account since deleted (REST says `ghost`)
    label: str | None = None
    created_at: AwareDatetime


class _Issue(_Record):
    number: int
    node_id: str
    title: str
    body: str = ""
    state: IssueState = "open"
    state_reason: StateReason | None = None
    author: str
    labels: list[str] = []
    reactions: list[_Reaction] = []
    created_at: AwareDatetime
    events: list[_IssueEvent] = []


class _Comment(_Record):
    id: int
    issue: int
    author: str | None  # None: a deleted account
    body: str
    created_at: AwareDatetime


class _Option(_Record):
    id: str
    name: str


class _Field(_Record):
    id: str
    name: str
    type: FieldType
    options: list[_Option] = []


class _Item(_Record):
    id: str
    issue: int
    values: dict[str, str | float] = {}  # field id -> text, number, or option id


class _Board(_Record):
    id: str
    number: int
    title: str
    fields: list[_Field] = []
    items: list[_Item] = []


class _State(_Record):
    format: Literal[1] = FORMAT
    repository: str
    owner_type: Literal["Organization", "User"] = "Organization"
    viewer: str
    users: list[_User] = []
    collaborators: list[_Collaborator] = []
    invitations: list[_Invitation] = []
    invitations_sent: list[AwareDatetime] = []  # when each invitation went out: the daily limit
    labels: list[str] = []
    issues: list[_Issue] = []
    comments: list[_Comment] = []
    boards: list[_Board] = []
    next_number: int = 1
    next_id: int = FIRST_ID


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


def _find_label(labels: Iterable[str], name: str) -> str | None:
    # Label names are unique whatever their case: "Topic" and "topic" are one label.
    return next((label for label in labels if label.casefold() == name.casefold()), None)


def _shown(login: str) -> str:
    # GraphQL names a GitHub App's bot "name" where REST says "name[bot]"; the adapter shows
    # one form everywhere, without the suffix (a human login cannot hold brackets).
    return login.removesuffix("[bot]")


def _node_id(kind: str, *ids: int) -> str:
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


def _second(moment: datetime) -> datetime:
    """GitHub keeps times to the second."""
    return moment.astimezone(UTC).replace(microsecond=0)
