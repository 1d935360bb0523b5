"""GitHub's JSON to the project's frozen models, and the few values sent back: pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from p2p.models import (
    Board,
    BoardField,
    BoardItem,
    Collaborator,
    Comment,
    FieldOption,
    FieldType,
    Invitation,
    Issue,
    IssueEvent,
    Reaction,
    RequestComment,
    SeatRequest,
)
from p2p.port import invitation_expired, sent_value

FIELD_TYPES: dict[str, FieldType] = {"TEXT": "text", "NUMBER": "number", "SINGLE_SELECT": "single_select"}
NEW_OPTION = {"color": "GRAY", "description": ""}

# The GraphQL input field of each kind of value (ProjectV2FieldValue: exactly one of them).
_VALUE_KEYS = {"number": "number", "text": "text", "single_select": "singleSelectOptionId"}


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def login(actor: Mapping[str, Any] | None) -> str | None:
    """An actor's login in one form for every answer: a GitHub App's bot without "[bot]".

    GraphQL names a Bot "name" where REST says "name[bot]", and the viewer of an App's token
    is "name[bot]": without the suffix, the toolkit's own issues compare equal to the viewer
    (a human login cannot hold brackets).
    """
    if not actor or not actor.get("login"):
        return None
    return str(actor["login"]).removesuffix("[bot]")


def is_bot(actor: Mapping[str, Any] | None) -> bool:
    """Whether an actor is a GitHub App's bot, which `login` shows without "[bot]".

    GraphQL says so in `__typename` ("Bot") and REST in `type`; the viewer is typed `User` in
    GitHub's GraphQL schema whatever the token, and an App's token shows as "name[bot]" there: a
    person's login cannot hold brackets.
    """
    if not actor:
        return False
    name = str(actor.get("login") or "")
    return actor.get("__typename") == "Bot" or actor.get("type") == "Bot" or name.endswith("[bot]")


def label_names(connection: Mapping[str, Any] | None) -> list[str]:
    """The names of a GraphQL connection of labels."""
    return [str(n["name"]) for n in (connection or {}).get("nodes") or [] if n]


def thumbs_up(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The connection of an issue's 👍 reactors, if GraphQL sent one."""
    for group in node.get("reactionGroups") or []:
        if group and group.get("content") == "THUMBS_UP":
            reactors: Mapping[str, Any] | None = group.get("reactors")
            return reactors
    return None


def collaborator(row: Mapping[str, Any]) -> Collaborator:
    return Collaborator(login=row["login"], permission=row.get("role_name"))


def graphql_collaborator(edge: Mapping[str, Any]) -> Collaborator:
    """A collaborator of GraphQL's `collaborators` connection, with where their access comes from.

    A source that is a Repository (the repository itself) is direct access; sources that are the
    Organization (base permission, ownership) or a Team are not, and cannot be taken away on the
    repository. GitHub sends no sources for some accounts (the schema allows null): those count
    as direct, managed as before.
    """
    sources = [s for s in edge.get("permissionSources") or [] if s]
    kinds = {str((s.get("source") or {}).get("__typename") or "") for s in sources}
    permission = edge.get("permission")
    return Collaborator(
        login=str((edge.get("node") or {}).get("login") or ""),
        permission=str(permission).lower() if permission else None,
        direct=not sources or "Repository" in kinds,
    )


def invitation(row: Mapping[str, Any], now: datetime) -> Invitation:
    created = moment(str(row["created_at"]))
    expired = row.get("expired")
    if not isinstance(expired, bool):
        # `expired` is not among the required fields of a repository invitation (the "Repository
        # Invitation" schema of the REST reference): without it, GitHub's 7 days decide.
        expired = invitation_expired(created, now)
    return Invitation(
        id=int(row["id"]),
        login=str((row.get("invitee") or {}).get("login") or ""),
        created_at=created,
        expired=expired,
        permission=row.get("permissions"),
    )


def comment(number: int, node: Mapping[str, Any]) -> Comment:
    """A comment of a GraphQL answer; a deleted account's (`author: null`) has no author.

    Its id is `fullDatabaseId`, a BigInt that GitHub's GraphQL schema encodes as a string
    ("the value may exceed the size of a 32-bit integer"): comment ids passed 2^31 in 2024.
    """
    author = node.get("author")
    return Comment(
        id=int(node["fullDatabaseId"]),
        issue=number,
        author=login(author),
        body=str(node.get("body") or ""),
        is_bot=(author or {}).get("__typename") == "Bot",
    )


def rest_issue(data: Mapping[str, Any]) -> Issue:
    reason = data.get("state_reason")
    return Issue(
        number=int(data["number"]),
        node_id=str(data["node_id"]),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        state="closed" if data.get("state") == "closed" else "open",
        state_reason=reason,
        author=login(data.get("user")),
        author_is_bot=is_bot(data.get("user")),
        labels=tuple(str(label["name"]) for label in data.get("labels") or []),
        url=str(data.get("html_url") or ""),
    )


def graphql_issue(
    node: Mapping[str, Any], *, labels: Sequence[str], reactors: Sequence[Mapping[str, Any]]
) -> Issue:
    """An issue of a GraphQL answer, with all its labels and 👍 reactor edges (every page)."""
    reason = node.get("stateReason")
    return Issue(
        number=int(node["number"]),
        node_id=str(node["id"]),
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        state="closed" if node.get("state") == "CLOSED" else "open",
        state_reason=str(reason).lower() if reason else None,
        author=login(node.get("author")),
        author_is_bot=is_bot(node.get("author")),
        labels=tuple(labels),
        reactions=tuple(
            Reaction(
                login=login(edge["node"]) or "ghost",
                is_bot=(edge["node"] or {}).get("__typename") == "Bot",
                created_at=moment(edge["reactedAt"]),
            )
            for edge in reactors
            if edge and edge.get("node")
        ),
        url=str(node.get("url") or ""),
    )


def board(project: Mapping[str, Any], fields: Sequence[BoardField], items: Sequence[BoardItem]) -> Board:
    return Board(
        id=str(project["id"]),
        number=int(project["number"]),
        title=str(project.get("title") or ""),
        fields=tuple(fields),
        items=tuple(items),
    )


def board_field(node: Mapping[str, Any]) -> BoardField:
    return BoardField(
        id=str(node["id"]),
        name=str(node["name"]),
        type=FIELD_TYPES.get(str(node.get("dataType")), "other"),
        options=tuple(FieldOption(id=str(o["id"]), name=str(o["name"])) for o in node.get("options") or []),
    )


def option_styles(node: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The colour and description of each option of a field, by option id: what the models leave
    out, and what must be sent again when the options change."""
    return {
        str(option["id"]): {
            "color": str(option.get("color") or NEW_OPTION["color"]),
            "description": str(option.get("description") or ""),
        }
        for option in node.get("options") or []
    }


def board_item(node: Mapping[str, Any], fields: Mapping[str, BoardField], *, repository: str) -> BoardItem:
    """An item of a board; `issue` only for an issue of `repository`, `fields` by id."""
    content = node.get("content") or {}
    issue: int | None = None
    if content.get("__typename") == "Issue":
        home = str((content.get("repository") or {}).get("nameWithOwner") or "")
        if home.casefold() == repository.casefold():
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


def value_input(board: Board, field: BoardField, value: str | float) -> dict[str, Any]:
    """The ProjectV2FieldValue of one value, checked before anything is sent."""
    sent = sent_value(board, field, value)  # refuses a field of another type first
    return {_VALUE_KEYS[field.type]: sent}


# The timeline items a seat request reads, by GraphQL type (IssueTimelineItems in GitHub's schema).
_TIMELINE_EVENTS = {
    "LabeledEvent": "labeled",
    "UnlabeledEvent": "unlabeled",
    "ClosedEvent": "closed",
    "ReopenedEvent": "reopened",
}


def issue_event(node: Mapping[str, Any]) -> IssueEvent | None:
    """A timeline item of a seat request; None for a kind the toolkit does not read."""
    kind = _TIMELINE_EVENTS.get(str(node.get("__typename")))
    if kind is None:
        return None
    reason = node.get("stateReason")
    actor = node.get("actor")
    return IssueEvent.model_validate(
        {
            "event": kind,
            "actor": login(actor),
            "actor_is_bot": is_bot(actor),
            "label": (node.get("label") or {}).get("name"),
            "state_reason": str(reason).lower() if reason and kind == "closed" else None,
            "created_at": moment(str(node["createdAt"])),
        }
    )


def request_comment(node: Mapping[str, Any]) -> RequestComment:
    """A comment on a seat request; its id is `fullDatabaseId` (see `comment`)."""
    author = node.get("author")
    return RequestComment(
        id=int(node["fullDatabaseId"]),
        author=login(author),
        author_is_bot=is_bot(author),
        body=str(node.get("body") or ""),
        created_at=moment(str(node["createdAt"])),
        updated_at=moment(str(node.get("updatedAt") or node["createdAt"])),
        mine=bool(node.get("viewerDidAuthor")),
    )


def seat_request(
    node: Mapping[str, Any], *, events: Sequence[Mapping[str, Any]], comments: Sequence[Mapping[str, Any]]
) -> SeatRequest:
    """A seat request of a GraphQL answer, with every page of its timeline events and comments."""
    reason = node.get("stateReason")
    author = node.get("author")
    found = [issue_event(n) for n in events if n]
    return SeatRequest(
        number=int(node["number"]),
        author=login(author),
        author_is_bot=is_bot(author),
        created_at=moment(str(node["createdAt"])),
        state="closed" if node.get("state") == "CLOSED" else "open",
        state_reason=str(reason).lower() if reason else None,
        body=str(node.get("body") or ""),
        labels=tuple(label_names(node.get("labels"))),
        events=tuple(e for e in found if e is not None),
        comments=tuple(request_comment(c) for c in comments if c),
    )


def rest_comment(number: int, data: Mapping[str, Any]) -> Comment:
    """A comment of a REST answer (REST names a GitHub App's bot "name[bot]", of type Bot)."""
    return Comment(
        id=int(data["id"]),
        issue=number,
        author=login(data.get("user")),
        body=str(data.get("body") or ""),
        is_bot=is_bot(data.get("user")),
    )
