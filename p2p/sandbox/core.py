"""The sandbox's inside, shared by its port and its world: the state, the clock, the lookups, and
the records shown as the adapter's models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from p2p.errors import GitHubError
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
    Reaction,
    login_key,
)
from p2p.port import RequestCount, graphql_refused, invitation_expired, not_found, refused
from p2p.sandbox.records import (
    BOARD_NUMBER,
    OWNER_ID,
    REPOSITORY_ID,
    _Board,
    _Collaborator,
    _Comment,
    _Field,
    _find_label,
    _Invitation,
    _Issue,
    _Item,
    _node_id,
    _Option,
    _OrganizationAccess,
    _second,
    _shown,
    _State,
    _User,
)
from p2p.sandbox.world import UserType

_ROLES = ("read", "triage", "write", "maintain", "admin")


def _rank(role: str) -> int:
    return _ROLES.index(role) if role in _ROLES else 0


class SandboxCore:
    """The state of a sandbox and what both of its sides use: its clock, its identity, lookups."""

    def __init__(self, state: _State, *, path: Path | None = None, now: datetime | None = None) -> None:
        self._state = state
        self._path = path
        self._saved: str | None = None
        self._now: datetime | None = None
        self._requests = RequestCount()
        # Issues whose node ids the adapter has seen in this run: it reads their comments in
        # one request per 100 issues, and looks up any other issue with a request of its own.
        self._known: set[int] = set()
        # Logins (in login_key form) with an account besides the file's users: the people of the
        # roundtable's files, given each time the sandbox is opened (see `Sandbox.open`).
        self.people: frozenset[str] = frozenset()
        if now is not None:
            self.now = now

    @property
    def path(self) -> Path | None:
        return self._path

    # --- the clock -----------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The sandbox's clock: the time it was set to (tests and `p2p demo` move it), else now."""
        return _second(self._now if self._now is not None else datetime.now(UTC))

    @now.setter
    def now(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime (with a UTC offset)")
        self._now = value.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock (invitation expiry, the 24-hour invitation window, reaction times)."""
        self.now = self.now + delta

    # --- who and where ---------------------------------------------------------------------

    @property
    def repository(self) -> str:
        return self._state.repository

    @property
    def requests(self) -> RequestCount:
        return self._requests

    @property
    def viewer(self) -> str:
        """The token's user, as the adapter shows it."""
        return _shown(self._state.viewer)

    def add_label(self, name: str) -> None:
        if _find_label(self._state.labels, name) is None:
            self._state.labels.append(name)

    # --- inspection (no requests counted) --------------------------------------------------

    @property
    def collaborators(self) -> tuple[Collaborator, ...]:
        """Everyone GitHub lists as a collaborator: direct ones, then those whose access comes only
        from the organization (`direct` False), each with their highest role."""
        found = []
        for c in self._state.collaborators:
            roles = [c.role, *(g.role for g in self._organization_access(c.login))]
            found.append(Collaborator(login=c.login, permission=max(roles, key=_rank)))
        listed = {login_key(c.login) for c in self._state.collaborators}
        for grant in self._state.organization_access:
            key = login_key(grant.login)
            if key in listed:
                continue
            listed.add(key)
            roles = [g.role for g in self._organization_access(grant.login)]
            found.append(Collaborator(login=grant.login, permission=max(roles, key=_rank), direct=False))
        return tuple(found)

    def _organization_access(self, login: str) -> list[_OrganizationAccess]:
        return [g for g in self._state.organization_access if login_key(g.login) == login_key(login)]

    @property
    def invitations(self) -> tuple[Invitation, ...]:
        return tuple(self._invitation(i) for i in self._state.invitations)

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every issue, oldest first, with its 👍 reactions."""
        return tuple(self._issue(i) for i in self._state.issues)

    @property
    def comments(self) -> tuple[Comment, ...]:
        return tuple(self._comment(c) for c in self._state.comments)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._state.labels)

    @property
    def board(self) -> Board | None:
        """The owner's board 1, as read_board(1) shows it."""
        stored = self._board_numbered(BOARD_NUMBER)
        return None if stored is None else self._board(stored)

    # --- inside ----------------------------------------------------------------------------

    def _next_id(self) -> int:
        value = self._state.next_id
        self._state.next_id += 1
        return value

    def _user(self, login: str, type: UserType = "User") -> _User:
        """The account behind a login: GitHub spells it one way, whatever case it is given in."""
        user = next((u for u in self._state.users if login_key(u.login) == login_key(login)), None)
        if user is None:
            user = _User(login=login, type=type)
            self._state.users.append(user)
        elif type != "User":
            user.type = type
        return user

    def knows(self, login: str) -> bool:
        """Whether the sandbox's GitHub has an account of this login: one made known, or seen
        doing something (an issue, a reaction, access); any other login is unknown, as GitHub
        does not know a misspelt, renamed or deleted login."""
        key = login_key(login)
        return key in self.people or any(login_key(u.login) == key for u in self._state.users)

    def _is_bot(self, login: str | None) -> bool:
        return login is not None and self._user(login).type == "Bot"

    def _expired(self, invitation: _Invitation) -> bool:
        return invitation.expired or invitation_expired(invitation.created_at, self.now)

    def _invitation(self, invitation: _Invitation) -> Invitation:
        return Invitation(
            id=invitation.id,
            login=invitation.login,
            created_at=invitation.created_at,
            expired=self._expired(invitation),
            permission=invitation.role,
        )

    def _invitation_of(self, login: str) -> _Invitation | None:
        return next((i for i in self._state.invitations if login_key(i.login) == login_key(login)), None)

    def _collaborator(self, login: str) -> _Collaborator | None:
        return next((c for c in self._state.collaborators if login_key(c.login) == login_key(login)), None)

    # The adapter's words for GitHub's refusals, so a sandbox run reads like a real one.

    def _not_found(self, action: str) -> GitHubError:
        return not_found(action, self.repository)

    def _refused(self, action: str, why: str) -> GitHubError:
        return refused(action, self.repository, "Validation Failed", details=why)

    def _graphql_refused(self, action: str, said: str) -> GitHubError:
        return graphql_refused(action, said)

    def _open_issue(
        self, title: str, *, body: str, labels: Sequence[str], author: str, created_at: datetime | None = None
    ) -> _Issue:
        number = self._state.next_number
        self._state.next_number += 1
        issue = _Issue(
            number=number,
            node_id=_node_id("I", REPOSITORY_ID, self._next_id()),
            title=title,
            body=body,
            author=self._user(author, "Bot" if author.endswith("[bot]") else "User").login,
            created_at=created_at or self.now,
        )
        self._label(issue, labels)
        self._state.issues.append(issue)
        return issue

    def _label(self, issue: _Issue, labels: Iterable[str]) -> None:
        """Add labels to an issue; GitHub creates those the repository does not have yet."""
        for name in labels:
            self.add_label(name)
            label = _find_label(self._state.labels, name) or name
            if _find_label(issue.labels, label) is None:
                issue.labels.append(label)

    def _issue_numbered(self, number: int, *, action: str) -> _Issue:
        issue = next((i for i in self._state.issues if i.number == number), None)
        if issue is None:
            raise self._not_found(action)
        return issue

    def _comment_record(self, comment_id: int) -> _Comment:
        comment = next((c for c in self._state.comments if c.id == comment_id), None)
        if comment is None:
            raise self._not_found(f"find comment {comment_id}")
        return comment

    def _issue(self, issue: _Issue, *, reactions: bool = True) -> Issue:
        """An issue as the adapter shows it: REST answers carry no reactions."""
        thumbs = sorted((r for r in issue.reactions if r.content == "+1"), key=lambda r: r.created_at)
        return Issue(
            number=issue.number,
            node_id=issue.node_id,
            title=issue.title,
            body=issue.body,
            state=issue.state,
            state_reason=issue.state_reason,
            author=_shown(issue.author),
            author_is_bot=self._is_bot(issue.author),
            labels=tuple(issue.labels),
            reactions=tuple(
                Reaction(login=_shown(r.login), is_bot=self._is_bot(r.login), created_at=r.created_at)
                for r in thumbs
            )
            if reactions
            else (),
            url=f"https://github.com/{self.repository}/issues/{issue.number}",
        )

    def _comment(self, comment: _Comment) -> Comment:
        return Comment(
            id=comment.id,
            issue=comment.issue,
            author=None if comment.author is None else _shown(comment.author),
            body=comment.body,
            is_bot=self._is_bot(comment.author),
        )

    # --- inside: the board -----------------------------------------------------------------

    def _new_field(self, board: _Board, name: str, type: FieldType, options: Sequence[str] = ()) -> _Field:
        prefix = "PVTSSF" if type == "single_select" else "PVTF"
        return _Field(
            id=_node_id(prefix, OWNER_ID, board.number, self._next_id()),
            name=name,
            type=type,
            options=[self._option(option) for option in options],
        )

    def _item_id(self, board: _Board) -> str:
        return _node_id("PVTI", OWNER_ID, board.number, self._next_id())

    def _option(self, name: str) -> _Option:
        return _Option(id=f"{self._next_id():08x}", name=name)

    def _board_numbered(self, number: int) -> _Board | None:
        return next((b for b in self._state.boards if b.number == number), None)

    def _board_record(self, board_id: str, action: str) -> _Board:
        board = next((b for b in self._state.boards if b.id == board_id), None)
        if board is None:
            raise self._not_found(action)
        return board

    def _item_record(self, board: _Board, item_id: str, action: str) -> _Item:
        item = next((i for i in board.items if i.id == item_id), None)
        if item is None:
            raise self._not_found(action)
        return item

    def _field_record(self, board: _Board, field_id: str, action: str) -> _Field:
        field = next((f for f in board.fields if f.id == field_id), None)
        if field is None:
            raise self._not_found(action)
        return field

    def _field(self, field: _Field) -> BoardField:
        return BoardField(
            id=field.id,
            name=field.name,
            type=field.type,
            options=tuple(FieldOption(id=o.id, name=o.name) for o in field.options),
        )

    def _item(self, board: _Board, item: _Item) -> BoardItem:
        values: dict[str, str | float] = {}
        for field in board.fields:
            value = item.values.get(field.id)
            if value is None:
                continue
            if field.type == "single_select":
                option = next((o for o in field.options if o.id == value), None)
                if option is not None:
                    values[field.name] = option.name
            else:
                values[field.name] = value
        return BoardItem(id=item.id, issue=item.issue, values=values)

    def _board(self, board: _Board) -> Board:
        return Board(
            id=board.id,
            number=board.number,
            title=board.title,
            fields=tuple(self._field(f) for f in board.fields),
            items=tuple(self._item(board, i) for i in board.items),
        )
