"""The GitHub adapter's reads: what `p2p.port.Port` observes of GitHub, each read in as few
requests as GitHub allows, and `read_snapshot`, every read of a sync in one.

A part of `p2p.github.adapter.GitHubRepository`, which holds the state the reads and the writes
share (the client, the node ids and label ids learnt from what was read).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from p2p.errors import GitHubError
from p2p.github import mapping
from p2p.github.client import GitHubClient
from p2p.models import (
    EVENT_PREFIX,
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Collaborator,
    Comment,
    Issue,
    SeatRequest,
    Snapshot,
    TopicState,
    event_id_of,
    login_key,
)
from p2p.port import PAGE_SIZE, not_found

# The parts of snapshot.graphql, each with the flag that includes it.
SNAPSHOT_PARTS = {
    "collaborators": "withCollaborators",
    "event": "withEvent",
    "proposals": "withProposals",
    "labels": "withLabels",
    "seatRequests": "withSeatRequests",
    "board": "withBoard",
}


class GitHubReads:
    """The port's reads over GitHub's GraphQL and REST APIs."""

    _client: GitHubClient
    _repository: str
    _base: str
    owner: str
    name: str
    _node_ids: dict[int, str]  # issue number -> node id, from what was read
    _options: dict[str, dict[str, str]]  # option id -> colour and description
    _label_ids: dict[str, str]  # label name, casefolded -> node id, from what was read

    # --- the port: reads -------------------------------------------------------------------

    def _parts(self, *parts: str) -> dict[str, Any]:
        """The snapshot document's variables that read only `parts` (of SNAPSHOT_PARTS)."""
        return {"owner": self.owner, "name": self.name} | {
            flag: part in parts for part, flag in SNAPSHOT_PARTS.items()
        }

    def read_snapshot(self, event_id: str | None, board: int | None, *, seat_requests: bool) -> Snapshot:
        wanted = ["collaborators"]
        wanted += ["event", "proposals", "labels"] if event_id is not None else []
        wanted += ["board"] if board is not None else []
        wanted += ["seatRequests"] if seat_requests else []
        variables = self._parts(*wanted) | {
            "eventLabel": f"{EVENT_PREFIX}{event_id}" if event_id is not None else "",
            "number": board or 0,
        }
        data = self._client.graphql(
            "snapshot",
            variables,
            action="read the roundtable's state",
            need="administration",
            missing_ok=("projectV2",),
        )
        repository = data.get("repository")
        if repository is None:
            raise self._client.error(not_found("read the roundtable's state", self._repository))
        return Snapshot(
            access=self._access(first=repository),
            topics=self._topics(event_id, first=data) if event_id is not None else None,
            board=self._board(board, first=data) if board is not None else None,
            seat_requests=self._seat_requests(first=repository) if seat_requests else None,
        )

    def read_access(self) -> AccessState:
        return self._access()

    def _access(self, *, first: Mapping[str, Any] | None = None) -> AccessState:
        """Who has access: the first page of collaborators given (a snapshot's) or read, the rest
        read page by page, and the invitations from REST.

        One GraphQL query, page after page, tells who has access and where it comes from (REST's
        list does not say); the invitations come from REST (GraphQL has no repository's)."""
        collaborators: list[Collaborator] = []
        owner_types: set[str] = set()
        variables = self._parts("collaborators")
        while True:
            if first is not None:
                repository, first = first, None
            else:
                data = self._client.graphql(
                    "snapshot",
                    variables,
                    action="list collaborators",
                    need="administration",
                    missing_ok=("repository",),
                )
                repository = data.get("repository")
                if repository is None:
                    raise self._client.error(not_found("list collaborators", self._repository))
            owner_type = (repository.get("owner") or {}).get("__typename")
            if owner_type:
                owner_types.add(str(owner_type))
            page = repository.get("collaborators") or {}
            collaborators += [
                mapping.graphql_collaborator(edge)
                for edge in page.get("edges") or []
                if edge and (edge.get("node") or {}).get("login")
            ]
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            variables["collaboratorsAfter"] = info.get("endCursor")
        invitations = []
        for row in self._client.pages(
            f"{self._base}/invitations", action="list invitations", need="administration"
        ):
            owner_type = ((row.get("repository") or {}).get("owner") or {}).get("type")
            if owner_type:
                owner_types.add(owner_type)
            invitee = row.get("invitee")
            if not invitee:  # an invitation by email: no login to match
                continue
            invitations.append(mapping.invitation(row, self._client.now()))
        if owner_types:
            organization = "Organization" in owner_types
        else:
            # The owner of a personal repository is listed among its collaborators; an
            # organization never is.
            organization = not any(login_key(c.login) == login_key(self.owner) for c in collaborators)
        return AccessState(
            owner_is_organization=organization,
            collaborators=tuple(collaborators),
            invitations=tuple(invitations),
        )

    def read_topics(self, event_id: str) -> TopicState:
        return self._topics(event_id)

    def _topics(self, event_id: str, *, first: Mapping[str, Any] | None = None) -> TopicState:
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
            if first is not None:
                data, first = first, None
            else:
                flags = {flag: part in pending for flag, part in parts.items()}
                data = self._client.graphql("topics", {**variables, **flags}, action=action, need="issues")
            if not viewer:
                found = data.get("viewer")
                viewer, viewer_is_bot = mapping.login(found) or "", mapping.is_bot(found)
            repository = data.get("repository") or {}
            for part in list(pending):
                page = repository.get(part) or {}
                nodes = [n for n in page.get("nodes") or [] if n]
                if part == "labels":
                    labels += [str(n["name"]) for n in nodes]
                    self._remember_labels(nodes)
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
            names = mapping.label_names(node.get("labels"))
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
        labels = mapping.label_names(node.get("labels"))
        reactors = mapping.thumbs_up(node)
        labels_info = (node.get("labels") or {}).get("pageInfo") or {}
        reactors_info = (reactors or {}).get("pageInfo") or {}
        edges = list((reactors or {}).get("edges") or [])
        labels_after = labels_info.get("endCursor") if labels_info.get("hasNextPage") else None
        reactors_after = reactors_info.get("endCursor") if reactors_info.get("hasNextPage") else None
        while labels_after or reactors_after:
            data = self._client.graphql(
                "issue_details",
                {"id": node["id"], "labelsAfter": labels_after, "reactorsAfter": reactors_after},
                action=action,
                need="issues",
            )
            detail = data.get("node") or {}
            if labels_after:
                page = detail.get("labels") or {}
                labels += mapping.label_names(page)
                info = page.get("pageInfo") or {}
                labels_after = info.get("endCursor") if info.get("hasNextPage") else None
            if reactors_after:
                page = mapping.thumbs_up(detail) or {}
                edges += page.get("edges") or []
                info = page.get("pageInfo") or {}
                reactors_after = info.get("endCursor") if info.get("hasNextPage") else None
        return mapping.graphql_issue(node, labels=labels, reactors=edges)

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        wanted = list(dict.fromkeys(issues))
        known = [n for n in wanted if n in self._node_ids]
        unknown = [n for n in wanted if n not in self._node_ids]
        found: dict[int, list[Comment]] = {}
        follow: dict[int, str] = {}
        for start in range(0, len(known), PAGE_SIZE):
            ids = [self._node_ids[n] for n in known[start : start + PAGE_SIZE]]
            # An issue deleted since it was read is a null and a NOT_FOUND error at its index.
            data = self._client.graphql(
                "comments", {"ids": ids}, action="read comments", need="issues", missing_ok=("nodes",)
            )
            for node in data.get("nodes") or []:
                if not node:
                    continue
                number = int(node["number"])
                page = node.get("comments") or {}
                found.setdefault(number, []).extend(
                    mapping.comment(number, c) for c in page.get("nodes") or [] if c
                )
                info = page.get("pageInfo") or {}
                if info.get("hasNextPage"):
                    follow[number] = str(info.get("endCursor"))
        for number in unknown:
            follow[number] = ""
        for number, cursor in follow.items():
            after: str | None = cursor or None
            while True:
                data = self._client.graphql(
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
                found.setdefault(number, []).extend(
                    mapping.comment(number, c) for c in page.get("nodes") or [] if c
                )
                info = page.get("pageInfo") or {}
                if not info.get("hasNextPage"):
                    break
                after = str(info.get("endCursor"))
        # Oldest first: GitHub numbers comments in the order they were made.
        return tuple(sorted((c for number in wanted for c in found.get(number, [])), key=lambda c: c.id))

    def read_board(self, number: int) -> Board | None:
        return self._board(number)

    def _board(self, number: int, *, first: Mapping[str, Any] | None = None) -> Board | None:
        variables: dict[str, Any] = {"owner": self.owner, "number": number, "withFields": True}
        action = f"read board #{number} of {self.owner}"
        project: Mapping[str, Any] | None = None
        fields: list[BoardField] = []
        items: list[BoardItem] = []
        while True:
            if first is not None:
                data, first = first, None
            else:
                data = self._client.graphql(
                    "board", variables, action=action, need="projects", missing_ok=("projectV2",)
                )
            owner = data.get("repositoryOwner")
            if owner is None:
                raise self._client.error(
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
        return mapping.board(project, fields, items)

    def _field(self, node: Mapping[str, Any]) -> BoardField:
        self._options.update(mapping.option_styles(node))
        return mapping.board_field(node)

    def _item(self, node: Mapping[str, Any], fields: Mapping[str, BoardField]) -> BoardItem:
        return mapping.board_item(node, fields, repository=self._repository)

    # --- the port: seat requests (SPEC 4.6) ---------------------------------------------

    def read_seat_requests(self) -> tuple[SeatRequest, ...]:
        return self._seat_requests()

    def _seat_requests(self, *, first: Mapping[str, Any] | None = None) -> tuple[SeatRequest, ...]:
        variables = self._parts("seatRequests")
        action = "read the seat requests"
        nodes: list[Mapping[str, Any]] = []
        while True:
            if first is None:
                first = (
                    self._client.graphql("snapshot", variables, action=action, need="issues").get(
                        "repository"
                    )
                    or {}
                )
            page, first = first.get("seatRequests") or {}, None
            nodes += [n for n in page.get("nodes") or [] if n]
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            variables["seatRequestsAfter"] = info.get("endCursor")
        return tuple(sorted((self._seat_request(n) for n in nodes), key=lambda r: r.number))

    def _seat_request(self, node: Mapping[str, Any]) -> SeatRequest:
        number = int(node["number"])
        parts = {"timelineItems": "events", "comments": "comments"}
        found: dict[str, list[Mapping[str, Any]]] = {}
        after: dict[str, str | None] = {}
        for key, part in parts.items():
            page = node.get(key) or {}
            found[part] = [n for n in page.get("nodes") or [] if n]
            info = page.get("pageInfo") or {}
            after[part] = info.get("endCursor") if info.get("hasNextPage") else None
        while any(after.values()):
            data = self._client.graphql(
                "seat_request_details",
                {
                    "owner": self.owner,
                    "name": self.name,
                    "number": number,
                    "withEvents": after["events"] is not None,
                    "eventsAfter": after["events"],
                    "withComments": after["comments"] is not None,
                    "commentsAfter": after["comments"],
                },
                action=f"read seat request #{number}",
                need="issues",
            )
            issue = (data.get("repository") or {}).get("issue") or {}
            for key, part in parts.items():
                if after[part] is None:
                    continue
                page = issue.get(key) or {}
                found[part] += [n for n in page.get("nodes") or [] if n]
                info = page.get("pageInfo") or {}
                after[part] = info.get("endCursor") if info.get("hasNextPage") else None
        return mapping.seat_request(node, events=found["events"], comments=found["comments"])

    def _remember_labels(self, nodes: Sequence[Mapping[str, Any]], *, key: str = "id") -> None:
        for node in nodes:
            if isinstance(node, Mapping) and node.get("name") and node.get(key):
                self._label_ids[str(node["name"]).casefold()] = str(node[key])
