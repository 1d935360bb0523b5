"""The sandbox's side of `p2p.sandbox.world.World`: everyone else on GitHub (accepting an
invitation, proposing a topic, voting, commenting), played by tests and `p2p demo`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from p2p.models import IssueState, StateReason, login_key
from p2p.rules.board import STATUS_OPTIONS
from p2p.sandbox.core import SandboxCore
from p2p.sandbox.records import (
    BOARD_NUMBER,
    BUILT_IN_FIELDS,
    OWNER_ID,
    REACTIONS,
    ROLE_NAMES,
    _Board,
    _Collaborator,
    _Comment,
    _find_label,
    _Invitation,
    _Issue,
    _IssueEvent,
    _Item,
    _node_id,
    _Reaction,
    _second,
)
from p2p.sandbox.world import UserType


class WorldSide(SandboxCore):
    """The world's methods over the sandbox's state: what other people do on GitHub."""

    # --- the world: everyone else on GitHub ----------------------------------------------

    def add_user(self, login: str, *, type: UserType = "User") -> None:
        """Make an account known (a Bot, say); every login is known as a User on first use."""
        self._user(login, type)

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        """Give `login` access directly (an organization member, someone who accepted)."""
        role = ROLE_NAMES.get(permission, permission)
        collaborator = self._collaborator(login)
        if collaborator is not None:
            collaborator.role = role
        else:
            self._state.collaborators.append(_Collaborator(login=self._user(login).login, role=role))

    def accept_invitation(self, login: str) -> None:
        """The invitee accepts: the invitation goes, the person becomes a collaborator."""
        invitation = self._invitation_of(login)
        if invitation is None:
            raise self._not_found(f"accept an invitation for {login}")
        if self._expired(invitation):
            raise self._refused(f"accept the invitation of {login}", "the invitation has expired")
        self._state.invitations.remove(invitation)
        self.add_collaborator(invitation.login, invitation.role)

    def add_invitation(
        self,
        login: str,
        *,
        created_at: datetime | None = None,
        expired: bool = False,
        permission: str = "triage",
    ) -> int:
        """An invitation sent earlier (by hand, or by an earlier run); returns its id. `expired`
        forces expiry whatever `created_at` says."""
        when = _second(created_at) if created_at is not None else self.now
        invitation = _Invitation(
            id=self._next_id(),
            login=self._user(login).login,
            role=ROLE_NAMES.get(permission, permission),
            created_at=when,
            expired=expired,
        )
        self._state.invitations.append(invitation)
        self._state.invitations_sent.append(when)
        return invitation.id

    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: IssueState = "open",
        state_reason: StateReason | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """An issue someone opened (a topic proposal, say); returns its number."""
        when = _second(created_at) if created_at is not None else None
        issue = self._open_issue(title, body=body, labels=labels, author=author, created_at=when)
        if state == "closed":
            self.close_issue(issue.number, state_reason or "completed")
        return issue.number

    def close_issue(self, number: int, reason: StateReason = "completed", *, by: str | None = None) -> None:
        """Close an issue: "completed", "not_planned" (a withdrawn topic) or "duplicate"; `by`
        is who closed it, recorded in the issue's timeline."""
        if reason == "reopened":
            raise ValueError("an issue closes as completed, not_planned or duplicate")
        issue = self._issue_numbered(number, action=f"close issue #{number}")
        issue.state, issue.state_reason = "closed", reason
        self._event(issue, "closed", by)

    def reopen_issue(self, number: int, *, by: str | None = None) -> None:
        issue = self._issue_numbered(number, action=f"reopen issue #{number}")
        issue.state, issue.state_reason = "open", "reopened"
        self._event(issue, "reopened", by)

    def label_issue(self, number: int, label: str, *, by: str) -> None:
        """`by` adds a label to an issue; a label it has already is no new timeline event."""
        issue = self._issue_numbered(number, action=f"label issue #{number}")
        if _find_label(issue.labels, label) is not None:
            return
        self._label(issue, [label])
        self._event(issue, "labeled", by, label=_find_label(issue.labels, label))

    def _event(
        self,
        issue: _Issue,
        kind: Literal["labeled", "closed", "reopened"],
        by: str | None,
        **more: str | None,
    ) -> None:
        actor = None if by is None else self._user(by).login
        issue.events.append(_IssueEvent(event=kind, actor=actor, created_at=self.now, **more))

    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: UserType = "User",
        created_at: datetime | None = None,
    ) -> None:
        """`login` reacts to an issue; GitHub keeps one reaction of each kind per person."""
        if content not in REACTIONS:
            raise ValueError(f"{content!r} is not a GitHub reaction ({', '.join(REACTIONS)})")
        issue = self._issue_numbered(number, action=f"react to issue #{number}")
        user = self._user(login, user_type)
        if any(login_key(r.login) == login_key(login) and r.content == content for r in issue.reactions):
            return
        when = _second(created_at) if created_at is not None else self.now
        issue.reactions.append(_Reaction(login=user.login, content=content, created_at=when))

    def remove_reaction(self, number: int, login: str, *, content: str = "+1") -> None:
        """`login` takes a reaction back."""
        issue = self._issue_numbered(number, action=f"react to issue #{number}")
        issue.reactions = [
            r
            for r in issue.reactions
            if not (login_key(r.login) == login_key(login) and r.content == content)
        ]

    def add_comment(self, number: int, author: str | None, body: str, *, user_type: UserType = "User") -> int:
        """`author` comments on an issue (None: an account since deleted); returns the comment's id."""
        self._issue_numbered(number, action=f"comment on issue #{number}")
        login = None if author is None else self._user(author, user_type).login
        comment = _Comment(id=self._next_id(), issue=number, author=login, body=body, created_at=self.now)
        self._state.comments.append(comment)
        return comment.id

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._comment_record(comment_id).body = body

    def delete_comment(self, comment_id: int) -> None:
        self._state.comments.remove(self._comment_record(comment_id))

    def add_project(
        self,
        number: int = BOARD_NUMBER,
        *,
        title: str = "Lean coffee",
        status: Sequence[str] = STATUS_OPTIONS,
    ) -> str:
        """A Projects (v2) board of the owner, with GitHub's built-in fields and a Status field;
        returns its id. A new sandbox has board 1 already."""
        if self._board_numbered(number) is not None:
            raise ValueError(f"the owner has a board #{number} already")
        board = _Board(id=_node_id("PVT", OWNER_ID, self._next_id()), number=number, title=title)
        board.fields = [self._new_field(board, name, "other") for name in BUILT_IN_FIELDS]
        board.fields.append(self._new_field(board, "Status", "single_select", status))
        self._state.boards.append(board)
        return board.id

    def add_board_item(self, number: int, issue: int, **values: str | float) -> str:
        """Put issue #`issue` on board `number`, with field values by field name (an option's
        name for a single-select field); returns the item's id."""
        board = self._board_numbered(number)
        if board is None:
            raise ValueError(f"the owner has no board #{number}")
        self._issue_numbered(issue, action=f"put issue #{issue} on board #{number}")
        item = next((i for i in board.items if i.issue == issue), None)
        if item is None:
            item = _Item(id=self._item_id(board), issue=issue)
            board.items.append(item)
        for name, value in values.items():
            field = next((f for f in board.fields if f.name == name), None)
            if field is None or field.type == "other":
                raise ValueError(f"board #{number} has no field {name!r} that takes a value")
            if field.type == "single_select":
                option = next((o for o in field.options if o.name == value), None)
                if option is None:
                    raise ValueError(f"field {name!r} has no option {value!r}")
                item.values[field.id] = option.id
            else:
                item.values[field.id] = float(value) if field.type == "number" else str(value)
        return item.id
