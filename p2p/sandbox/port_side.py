"""The sandbox's side of `p2p.port.Port`: the reads and writes the adapter makes, with GitHub's
answers, refusals and request counts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from p2p.errors import GitHubError, UnknownLoginError
from p2p.models import (
    EVENT_PREFIX,
    TOPIC_LABEL,
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Comment,
    FieldType,
    Invitation,
    Issue,
    IssueEvent,
    RequestComment,
    SeatRequest,
    Snapshot,
    TopicState,
    event_id_of,
)
from p2p.port import (
    INVITATION_LIMIT,
    INVITATION_WINDOW,
    PAGE_SIZE,
    FieldValue,
    check_batch,
    check_creatable,
    check_mutations,
    invitation_limit,
    item_name,
    sent_value,
    values_name,
)
from p2p.rules.seat_requests import SEAT_REQUEST_LABEL
from p2p.sandbox.core import SandboxCore
from p2p.sandbox.records import (
    FIELD_LIMIT,
    ROLE_NAMES,
    _Board,
    _Collaborator,
    _Comment,
    _find_label,
    _Invitation,
    _Issue,
    _Item,
    _pages,
    _shown,
)

_T = TypeVar("_T")
_R = TypeVar("_R")


class PortSide(SandboxCore):
    """The port's reads and writes over the sandbox's state."""

    # --- the port: reads -----------------------------------------------------------------

    def read_snapshot(self, event_id: str | None, board: int | None, *, seat_requests: bool) -> Snapshot:
        # The first page of every part comes in one GraphQL request: each part's own read counts
        # its first page, all but one of which that request saves.
        snapshot = Snapshot(
            access=self.read_access(),
            topics=self.read_topics(event_id) if event_id is not None else None,
            board=self.read_board(board) if board is not None else None,
            seat_requests=self.read_seat_requests() if seat_requests else None,
        )
        parts = 1 + (event_id is not None) + (board is not None) + seat_requests
        self._requests.reads -= parts - 1
        return snapshot

    def read_access(self) -> AccessState:
        # One GraphQL query per 100 collaborators (with where their access comes from), one REST
        # request per 100 invitations.
        collaborators = self.collaborators
        self._requests.reads += _pages(len(collaborators)) + _pages(len(self._state.invitations))
        return AccessState(
            owner_is_organization=self._state.owner_type == "Organization",
            collaborators=collaborators,
            invitations=self.invitations,
        )

    def read_topics(self, event_id: str) -> TopicState:
        label = f"{EVENT_PREFIX}{event_id}"
        tagged = [i for i in self._state.issues if _find_label(i.labels, label)]
        open_topics = [
            i for i in self._state.issues if i.state == "open" and _find_label(i.labels, TOPIC_LABEL)
        ]
        chosen = {i.number: i for i in tagged}
        for issue in open_topics:
            if issue.number not in chosen and not any(event_id_of(name) is not None for name in issue.labels):
                chosen[issue.number] = issue
        # One query reads the event's issues, the open topics and the labels, 100 of each; it
        # is sent again for whichever list runs longer, and once more for an issue with over
        # 100 labels or 👍 reactions.
        self._requests.reads += max(
            _pages(len(tagged)), _pages(len(open_topics)), _pages(len(self._state.labels))
        )
        for issue in chosen.values():
            thumbs = sum(1 for r in issue.reactions if r.content == "+1")
            self._requests.reads += max(_pages(len(issue.labels)), _pages(thumbs)) - 1
        self._known.update(chosen)
        return TopicState(
            viewer=self.viewer,
            # GitHub's GraphQL viewer of an App's token is a User named "name[bot]" (the adapter
            # goes by the suffix, as here).
            viewer_is_bot=self._state.viewer.endswith("[bot]"),
            event_id=event_id,
            issues=tuple(self._issue(chosen[number]) for number in sorted(chosen)),
            labels=tuple(self._state.labels),
        )

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        wanted = list(dict.fromkeys(issues))
        known = [n for n in wanted if n in self._known]
        existing = {i.number for i in self._state.issues}
        on = {n: [c for c in self._state.comments if c.issue == n] for n in wanted}
        # Known issues: one request per 100 of them, then one per further 100 comments of an
        # issue; any other issue is looked up on its own, page by page.
        self._requests.reads += math.ceil(len(known) / PAGE_SIZE)
        self._requests.reads += sum(_pages(len(on[n])) - 1 for n in known)
        self._requests.reads += sum(_pages(len(on[n])) for n in wanted if n not in self._known)
        self._known.update(n for n in wanted if n in existing)
        # Oldest first: GitHub numbers comments in the order they were made.
        found = sorted((c for n in wanted for c in on[n]), key=lambda c: c.id)
        return tuple(self._comment(c) for c in found)

    def read_board(self, number: int) -> Board | None:
        board = self._board_numbered(number)
        self._requests.reads += _pages(len(board.items)) if board is not None else 1
        return None if board is None else self._board(board)

    # --- the port: writes ----------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        self._requests.writes += 1
        if permission not in ("pull", "triage", "push", "maintain", "admin"):
            raise self._refused(f"invite {login}", f"{permission!r} is not a repository role")
        if not self.knows(login):
            # GitHub answers 404 for a login it has no account of ("Add a repository
            # collaborator", GitHub Docs): misspelt, renamed or deleted.
            raise UnknownLoginError(login)
        # On a personal account's repository every collaborator gets write access.
        role = ROLE_NAMES[permission] if self._state.owner_type == "Organization" else "write"
        collaborator = self._collaborator(login)
        if collaborator is not None:
            # 204: an existing collaborator's role changes, and no invitation is sent.
            collaborator.role = role
            return None
        if self._organization_access(login):
            # 204: an organization member becomes a direct collaborator, with no invitation.
            self._state.collaborators.append(_Collaborator(login=self._user(login).login, role=role))
            return None
        pending = self._invitation_of(login)
        if pending is not None and not self._expired(pending):
            pending.role = role  # 201 with the pending invitation, not a second one
            return self._invitation(pending)
        now = self.now
        if (
            sum(1 for sent in self._state.invitations_sent if now - sent < INVITATION_WINDOW)
            >= INVITATION_LIMIT
        ):
            raise invitation_limit(
                self.repository,
                f"You have exceeded the limit of {INVITATION_LIMIT} invitations per repository per 24 hours.",
                status=422,
            )
        if pending is not None:
            self._state.invitations.remove(pending)  # an expired invitation is replaced
        invitation = _Invitation(id=self._next_id(), login=self._user(login).login, role=role, created_at=now)
        self._state.invitations.append(invitation)
        self._state.invitations_sent.append(now)
        return self._invitation(invitation)

    def cancel_invitation(self, invitation_id: int) -> None:
        self._requests.writes += 1
        invitation = next((i for i in self._state.invitations if i.id == invitation_id), None)
        if invitation is None:
            raise self._not_found(f"cancel invitation {invitation_id}")
        self._state.invitations.remove(invitation)

    def remove_collaborator(self, login: str) -> None:
        self._requests.writes += 1
        # "Remove a repository collaborator" (GitHub Docs) also cancels outstanding invitations.
        pending = self._invitation_of(login)
        collaborator = self._collaborator(login)
        if pending is not None:
            self._state.invitations.remove(pending)
        elif collaborator is None and not self._organization_access(login):
            raise self._not_found(f"remove collaborator {login}")
        if collaborator is not None:  # what the organization gives stays (GitHub answers 204)
            self._state.collaborators.remove(collaborator)

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        self._requests.writes += 1
        if not title:
            raise self._refused(f"open issue {title!r}", '"title" wasn\'t supplied')
        issue = self._open_issue(title, body=body, labels=labels, author=self._state.viewer)
        self._known.add(issue.number)
        return self._issue(issue, reactions=False)

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        self._requests.writes += 1
        issue = self._issue_numbered(number, action=f"label issue #{number}")
        self._label(issue, labels)

    def create_label(self, name: str, color: str, description: str) -> None:
        self._requests.writes += 1
        if not name:
            raise self._refused("create label ''", "name is missing")
        # Only the name is kept: colour and description show nowhere the toolkit reads.
        self.add_label(name)  # a name the repository has, whatever its case: GitHub's 422 already_exists

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        self._requests.writes += 1
        action = f"put issue #{issue.number} on board #{board.number}"
        stored = self._board_record(board.id, action)
        record = next((i for i in self._state.issues if i.node_id == issue.node_id), None)
        if record is None:
            raise self._not_found(action)
        # "Already on the board": GitHub answers with the existing item.
        item = next((i for i in stored.items if i.issue == record.number), None)
        if item is None:
            item = _Item(id=self._item_id(stored), issue=record.number)
            stored.items.append(item)  # a new item joins the bottom of the board
        return self._item(stored, item)

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        sent = sent_value(board, field, value)
        self._requests.writes += 1
        action = f"set {field.name} of {item_name(item)} on board #{board.number}"
        self._write_value(self._board_record(board.id, action), item, field, sent, action)

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        check_batch(values)
        sent = [sent_value(board, v.field, v.value) for v in values]
        if not values:
            return
        self._requests.writes += 1  # one document, one aliased mutation per value
        action = f"set {values_name(values)} on board #{board.number}"
        stored = self._board_record(board.id, action)
        # GitHub makes the mutations one after the other; one that fails is an error of its own
        # and the others are made all the same.
        refused: list[GitHubError] = []
        for value, one in zip(values, sent, strict=True):
            try:
                self._write_value(stored, value.item, value.field, one, action)
            except GitHubError as error:
                refused.append(error)
        if refused:
            raise refused[0]

    def _write_value(
        self, stored: _Board, item: BoardItem, field: BoardField, sent: str | float, action: str
    ) -> None:
        target = self._item_record(stored, item.id, action)
        current = self._field_record(stored, field.id, action)
        if current.type != field.type:
            raise self._graphql_refused(action, f"The field of type {current.type} requires another value.")
        if current.type == "single_select" and not any(o.id == sent for o in current.options):
            raise self._graphql_refused(action, "The single select option Id does not belong to the field")
        target.values[current.id] = sent

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self._requests.writes += 1
        action = f"move {item_name(item)} on board #{board.number}"
        stored = self._board_record(board.id, action)
        moving = self._item_record(stored, item.id, action)
        anchor = None if after is None else self._item_record(stored, after.id, action)
        if anchor is moving:
            return
        stored.items.remove(moving)
        # No `after`: the item goes to the top ("updateProjectV2ItemPosition", GitHub Docs).
        position = 0 if anchor is None else stored.items.index(anchor) + 1
        stored.items.insert(position, moving)

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        check_creatable(board, name, type)
        self._requests.writes += 1
        action = f"create field {name!r} on board #{board.number}"
        stored = self._board_record(board.id, action)
        if any(f.name == name for f in stored.fields):
            raise self._graphql_refused(action, "Name has already been taken")
        if len(stored.fields) >= FIELD_LIMIT:
            raise self._graphql_refused(action, f"Projects can have at most {FIELD_LIMIT} fields")
        if type == "single_select" and not options:
            raise self._graphql_refused(action, "At least one value is required for single select fields")
        field = self._new_field(stored, name, type, options if type == "single_select" else ())
        stored.fields.append(field)
        return self._field(field)

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        self._requests.writes += 1
        action = f"set the options of {field.name} on board #{board.number}"
        stored = next((b for b in self._state.boards if any(f.id == field.id for f in b.fields)), None)
        if stored is None:
            raise self._not_found(action)
        current = self._field_record(stored, field.id, action)
        if options:
            # The options sent replace the field's options, each with a new id (the input has no
            # id to keep): items lose the values they held ("updateProjectV2Field", GitHub Docs).
            current.options = [self._option(name) for name in options]
            for item in stored.items:
                item.values.pop(current.id, None)
        return self._field(current)

    # --- the port: seat requests (SPEC 4.6) -----------------------------------------------

    def read_seat_requests(self) -> tuple[SeatRequest, ...]:
        chosen = [i for i in self._state.issues if _find_label(i.labels, SEAT_REQUEST_LABEL)]
        # One query reads 100 requests with their first 100 labels, timeline events and
        # comments; a longer list, or a request with more, costs a request more per 100.
        self._requests.reads += _pages(len(chosen))
        requests = []
        for issue in chosen:
            comments = [c for c in self._state.comments if c.issue == issue.number]
            self._requests.reads += max(_pages(len(comments)), _pages(len(issue.events))) - 1
            requests.append(self._seat_request(issue, comments))
        return tuple(sorted(requests, key=lambda r: r.number))

    def _seat_request(self, issue: _Issue, comments: list[_Comment]) -> SeatRequest:
        return SeatRequest(
            number=issue.number,
            author=_shown(issue.author),
            author_is_bot=self._is_bot(issue.author),
            created_at=issue.created_at,
            state=issue.state,
            state_reason=issue.state_reason,
            body=issue.body,
            labels=tuple(issue.labels),
            events=tuple(
                IssueEvent(
                    event=e.event,
                    actor=None if e.actor is None else _shown(e.actor),
                    actor_is_bot=self._is_bot(e.actor),
                    label=e.label,
                    state_reason=e.state_reason,
                    created_at=e.created_at,
                )
                for e in issue.events
            ),
            comments=tuple(
                RequestComment(
                    id=c.id,
                    author=None if c.author is None else _shown(c.author),
                    author_is_bot=self._is_bot(c.author),
                    body=c.body,
                    created_at=c.created_at,
                    updated_at=c.updated_at or c.created_at,
                    mine=c.author is not None and c.author.casefold() == self._state.viewer.casefold(),
                )
                for c in sorted(comments, key=lambda c: c.id)
            ),
        )

    def post_comment(self, number: int, body: str) -> Comment:
        self._requests.writes += 1
        self._issue_numbered(number, action=f"comment on issue #{number}")
        if not body.strip():
            raise self._refused(f"comment on issue #{number}", "Body cannot be blank")
        comment = _Comment(
            id=self._next_id(), issue=number, author=self._state.viewer, body=body, created_at=self.now
        )
        self._state.comments.append(comment)
        return self._comment(comment)

    def update_comment(self, comment_id: int, body: str) -> None:
        self._requests.writes += 1
        action = f"update comment {comment_id}"
        comment = next((c for c in self._state.comments if c.id == comment_id), None)
        if comment is None:
            raise self._not_found(action)
        if comment.author is None or comment.author.casefold() != self._state.viewer.casefold():
            # Only the author (or a maintainer, which the toolkit's user need not be) edits a comment.
            raise self._not_found(action)
        comment.body, comment.updated_at = body, self.now

    # --- the port: writes in batches (one request each, as GitHub takes aliased mutations) ---

    def add_items(self, board: Board, issues: Sequence[Issue]) -> tuple[BoardItem, ...]:
        check_mutations(len(issues), "cards")
        return tuple(self._batched(issues, lambda issue: self.add_item(board, issue)))

    def move_items(self, board: Board, moves: Sequence[tuple[BoardItem, BoardItem | None]]) -> None:
        check_mutations(len(moves), "moves")
        self._batched(moves, lambda move: self.move_item(board, *move))

    def add_labels_many(self, labels: Sequence[tuple[int, Sequence[str]]]) -> None:
        check_mutations(len(labels), "issues")
        if not labels:
            return
        # The adapter creates each label the repository lacks with a request of its own first.
        for name in dict.fromkeys(n for _, names in labels for n in names):
            if _find_label(self._state.labels, name) is None:
                self.create_label(name, "ededed", "")

        def label(one: tuple[int, Sequence[str]]) -> None:
            number, names = one
            self._label(self._issue_numbered(number, action=f"label issue #{number}"), names)

        self._batched(labels, label)

    def _batched(self, changes: Sequence[_T], make: Callable[[_T], _R]) -> list[_R]:
        """Make each change in turn, as one request (none when there is nothing to make), whatever
        the single writes count. One refused is an error of its own and the others are made all
        the same (GitHub's aliased mutations); the first refusal is raised at the end."""
        if not changes:
            return []
        writes = self._requests.writes
        made: list[_R] = []
        refused: list[GitHubError] = []
        for change in changes:
            try:
                made.append(make(change))
            except GitHubError as error:
                refused.append(error)
        self._requests.writes = writes + 1
        if refused:
            raise refused[0]
        return made
