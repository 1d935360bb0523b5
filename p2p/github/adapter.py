"""The GitHub adapter: `p2p.port.Port` over GitHub's REST and GraphQL APIs.

Each operation asks `p2p.github.client` for the requests it takes and `p2p.github.mapping` for
the models of the answers: nothing past this module sees a PyGithub object or raw JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from p2p.errors import GitHubError, UnknownLoginError
from p2p.github import batch, mapping
from p2p.github.client import GitHubClient, already_exists
from p2p.github.mapping import NEW_OPTION
from p2p.models import (
    EVENT_PREFIX,
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Collaborator,
    Comment,
    FieldType,
    Invitation,
    Issue,
    SeatRequest,
    Snapshot,
    TopicState,
    event_id_of,
    login_key,
)
from p2p.port import (
    PAGE_SIZE,
    FieldValue,
    RequestCount,
    check_batch,
    check_creatable,
    check_mutations,
    item_name,
    not_found,
    values_name,
)


class GitHubRepository:
    """One repository on GitHub and its owner's Projects boards: the real port."""

    def __init__(self, client: GitHubClient) -> None:
        self._client = client
        self._repository = client.repository
        self.owner, self.name = client.owner, client.name
        self._node_ids: dict[int, str] = {}  # issue number -> node id, from what was read
        self._options: dict[str, dict[str, str]] = {}  # option id -> colour and description
        self._label_ids: dict[str, str] = {}  # label name, casefolded -> node id, from what was read
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
        return cls(GitHubClient.from_environment(repository, env=env, token=token, sleep=sleep))

    # --- the port: identity ----------------------------------------------------------------

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def requests(self) -> RequestCount:
        return self._client.requests

    def close(self) -> None:
        self._client.close()

    # --- the port: reads -------------------------------------------------------------------

    def read_snapshot(self, event_id: str | None, board: int | None, *, seat_requests: bool) -> Snapshot:
        wanted = event_id is not None
        variables: dict[str, Any] = {
            "owner": self.owner,
            "name": self.name,
            "eventLabel": f"{EVENT_PREFIX}{event_id}" if wanted else "",
            "number": board or 0,
            "withCollaborators": True,
            "withEvent": wanted,
            "withProposals": wanted,
            "withLabels": wanted,
            "withSeatRequests": seat_requests,
            "withBoard": board is not None,
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
        variables: dict[str, Any] = {"owner": self.owner, "name": self.name, "after": None}
        while True:
            if first is not None:
                repository, first = first, None
            else:
                data = self._client.graphql(
                    "collaborators",
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
            variables["after"] = info.get("endCursor")
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

    # --- the port: writes ------------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        # 201 with the invitation, or 204 when the person already has access; 404 for a login
        # GitHub has no account of ("Add a repository collaborator", GitHub Docs; the recording
        # octokit-fixtures/add-and-remove-repository-collaborator shows the 201).
        try:
            _, data = self._client.send(
                "PUT",
                f"{self._base}/collaborators/{quote(login, safe='')}",
                action=f"invite {login}",
                need="administration",
                body={"permission": permission},
            )
        except GitHubError as error:
            if error.status == 404 and not isinstance(error, UnknownLoginError):
                # The repository was just read (a plan reads access first): the login is what
                # GitHub does not know.
                raise self._client.error(UnknownLoginError(login)) from None
            raise
        if not isinstance(data, dict) or not data.get("invitee"):
            return None
        # The 201 body has no `expired` (SPEC 8): it is the invitation just sent or the one still
        # pending, live either way, whatever this machine's clock says of its date.
        return mapping.invitation(data, self._client.now()).model_copy(update={"expired": False})

    def cancel_invitation(self, invitation_id: int) -> None:
        self._client.send(
            "DELETE",
            f"{self._base}/invitations/{invitation_id}",
            action=f"cancel invitation {invitation_id}",
            need="administration",
        )

    def remove_collaborator(self, login: str) -> None:
        self._client.send(
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
        _, data = self._client.send(
            "POST",
            f"{self._base}/issues",
            action=f"open issue {title!r}",
            need="issues",
            body={"title": title, "body": body, "labels": list(labels)},
        )
        issue = mapping.rest_issue(data)
        self._node_ids[issue.number] = issue.node_id
        self._remember_labels(data.get("labels") or [], key="node_id")
        if _missing(labels, issue.labels):
            held = self._label(issue.number, _missing(labels, issue.labels))
            issue = issue.model_copy(update={"labels": held})
            if _missing(labels, held):
                raise self._client.error(
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
        _, data = self._client.send(
            "POST",
            f"{self._base}/labels",
            action=f"create label {name!r}",
            need="issues",
            body={"name": name, "color": color, "description": description},
            done_if=already_exists,
        )
        if isinstance(data, dict):
            self._remember_labels([data], key="node_id")

    def _label(self, number: int, labels: Sequence[str]) -> tuple[str, ...]:
        """Add labels to an issue; GitHub answers with every label the issue now has."""
        _, data = self._client.send(
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
        data = self._client.graphql(
            "add_item",
            {"projectId": board.id, "contentId": issue.node_id},
            action=f"put issue #{issue.number} on board #{board.number}",
            need="projects",
            mutation=True,
        )
        node = (data.get("addProjectV2ItemById") or {}).get("item")
        if not node:
            raise self._client.error(
                GitHubError(f"GitHub did not put issue #{issue.number} on board #{board.number}")
            )
        return self._item(node, {f.id: f for f in board.fields})

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        self._client.graphql(
            "set_field",
            {
                "projectId": board.id,
                "itemId": item.id,
                "fieldId": field.id,
                "value": mapping.value_input(board, field, value),
            },
            action=f"set {field.name} of {item_name(item)} on board #{board.number}",
            need="projects",
            mutation=True,
        )

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        check_batch(values)
        changes = [
            batch.Change(
                "set_fields",
                {
                    "projectId": board.id,
                    "itemId": v.item.id,
                    "fieldId": v.field.id,
                    "value": mapping.value_input(board, v.field, v.value),
                },
                f"set {v.field.name} of {item_name(v.item)}",
            )
            for v in values
        ]
        # One document with one aliased mutation per value: GitHub makes each one in turn, and one
        # that fails comes back as an error of its own while the others are made.
        batch.run(
            self._client,
            changes,
            action=f"set {values_name(values)} on board #{board.number}",
            need="projects",
        )

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self._client.graphql(
            "move_item",
            {"projectId": board.id, "itemId": item.id, "afterId": after.id if after else None},
            action=f"move {item_name(item)} on board #{board.number}",
            need="projects",
            mutation=True,
        )

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        check_creatable(board, name, type)
        kinds = {"number": "NUMBER", "text": "TEXT", "single_select": "SINGLE_SELECT"}
        data = self._client.graphql(
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
        data = self._client.graphql(
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

    # --- the port: seat requests (SPEC 4.6) ---------------------------------------------

    def read_seat_requests(self) -> tuple[SeatRequest, ...]:
        return self._seat_requests()

    def _seat_requests(self, *, first: Mapping[str, Any] | None = None) -> tuple[SeatRequest, ...]:
        variables: dict[str, Any] = {"owner": self.owner, "name": self.name, "after": None}
        action = "read the seat requests"
        nodes: list[Mapping[str, Any]] = []
        while True:
            if first is not None:
                page, first = first.get("seatRequests") or {}, None
            else:
                data = self._client.graphql("seat_requests", variables, action=action, need="issues")
                page = (data.get("repository") or {}).get("issues") or {}
            nodes += [n for n in page.get("nodes") or [] if n]
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            variables["after"] = info.get("endCursor")
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

    def post_comment(self, number: int, body: str) -> Comment:
        # "Create an issue comment" (REST API endpoints for issue comments, GitHub Docs): 201 with
        # the comment; its `id` is the 64-bit database id.
        _, data = self._client.send(
            "POST",
            f"{self._base}/issues/{number}/comments",
            action=f"comment on issue #{number}",
            need="issues",
            body={"body": body},
        )
        return mapping.rest_comment(number, data)

    def update_comment(self, comment_id: int, body: str) -> None:
        # "Update an issue comment": PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}.
        self._client.send(
            "PATCH",
            f"{self._base}/issues/comments/{comment_id}",
            action=f"update comment {comment_id}",
            need="issues",
            body={"body": body},
        )

    # --- the port: writes in batches (aliased GraphQL mutations, `p2p.github.batch`) ---------

    def add_items(self, board: Board, issues: Sequence[Issue]) -> tuple[BoardItem, ...]:
        check_mutations(len(issues), "cards")
        changes = [
            batch.Change(
                "add_items",
                {"projectId": board.id, "contentId": issue.node_id},
                f"put issue #{issue.number} on board #{board.number}",
            )
            for issue in issues
        ]
        answers = batch.run(
            self._client,
            changes,
            action=f"put {_issues_name(issues)} on board #{board.number}",
            need="projects",
        )
        fields = {f.id: f for f in board.fields}
        items = []
        for issue, answer in zip(issues, answers, strict=True):
            node = answer.get("item")
            if not node:
                raise self._client.error(
                    GitHubError(f"GitHub did not put issue #{issue.number} on board #{board.number}")
                )
            items.append(self._item(node, fields))
        return tuple(items)

    def move_items(self, board: Board, moves: Sequence[tuple[BoardItem, BoardItem | None]]) -> None:
        check_mutations(len(moves), "moves")
        changes = [
            batch.Change(
                "move_items",
                {"projectId": board.id, "itemId": item.id, "afterId": after.id if after else None},
                f"move {item_name(item)}",
            )
            for item, after in moves
        ]
        batch.run(
            self._client,
            changes,
            action=f"move {_count(len(moves), 'item')} on board #{board.number}",
            need="projects",
        )

    def add_labels_many(self, labels: Sequence[tuple[int, Sequence[str]]]) -> None:
        check_mutations(len(labels), "issues")
        if not labels:
            return
        # addLabelsToLabelable takes node ids: an issue this run has not read is labelled by number.
        unread = [(number, names) for number, names in labels if number not in self._node_ids]
        for number, names in unread:
            self._label(number, names)
        labels = [(number, names) for number, names in labels if number in self._node_ids]
        if not labels:
            return
        ids = self._label_ids_of([name for _, names in labels for name in names])
        changes = [
            batch.Change(
                "add_labels",
                {
                    "labelableId": self._node_ids[number],
                    "labelIds": list(dict.fromkeys(ids[n.casefold()] for n in names)),
                },
                f"label issue #{number} {', '.join(names)}",
            )
            for number, names in labels
        ]
        numbers = [number for number, _ in labels]
        batch.run(
            self._client,
            changes,
            action=f"label {_issues_name(numbers)} in {self._repository}",
            need="issues",
        )

    def _label_ids_of(self, names: Sequence[str]) -> dict[str, str]:
        """The node ids of labels by casefolded name. A label the run has not read is created (its
        REST answer carries its id) or, when it exists after all, looked up: one request each."""
        for name in dict.fromkeys(names):
            if name.casefold() in self._label_ids:
                continue
            # GitHub's default colour for a label made by labelling an issue with a new name.
            self.create_label(name, "ededed", "")
            if name.casefold() in self._label_ids:
                continue
            data = self._client.graphql(
                "label",
                {"owner": self.owner, "name": self.name, "label": name},
                action=f"read label {name!r}",
                need="issues",
            )
            found = (data.get("repository") or {}).get("label")
            if not found:
                raise self._client.error(GitHubError(f"GitHub has no label {name!r} in {self._repository}"))
            self._remember_labels([found])
        return {name.casefold(): self._label_ids[name.casefold()] for name in names}

    def _remember_labels(self, nodes: Sequence[Mapping[str, Any]], *, key: str = "id") -> None:
        for node in nodes:
            if isinstance(node, Mapping) and node.get("name") and node.get(key):
                self._label_ids[str(node["name"]).casefold()] = str(node[key])


def _missing(wanted: Sequence[str], held: Sequence[str]) -> list[str]:
    """The wanted labels an issue does not hold (label names compare whatever their case)."""
    have = {name.casefold() for name in held}
    return [name for name in wanted if name.casefold() not in have]


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _issues_name(issues: Sequence[Issue] | Sequence[int]) -> str:
    """The issues of a batch in words: "issue #5", or "50 issues"."""
    if len(issues) == 1:
        only = issues[0]
        return f"issue #{only if isinstance(only, int) else only.number}"
    return _count(len(issues), "issue")
