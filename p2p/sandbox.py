"""The offline sandbox: the port over a JSON file, keeping GitHub's semantics (`--sandbox`).

The file, `<repo-dir>/.p2p/sandbox.json`, is created on first use with the repository, its
owner (an organization), the token's user and a Projects board, so every command runs end to
end without a token. Besides the port, "world" methods let tests and `p2p demo` play the
participants: accept an invitation, propose a topic, vote, comment.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from p2p.errors import GitHubError, InvitationLimitError, P2PError
from p2p.models import (
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Collaborator,
    Comment,
    FieldOption,
    FieldType,
    Invitation,
    Issue,
    IssueState,
    Reaction,
    StateReason,
    TopicState,
    login_key,
)
from p2p.port import RequestCount

FORMAT: Literal[1] = 1
VIEWER = "p2p-bot"
BOARD_NUMBER = 1
STATUS_OPTIONS = ("To Discuss", "Discussing", "Discussed")
# Fields every new Projects (v2) board has; the sandbox's Status already has lean coffee's columns.
DEFAULT_FIELDS = ("Title", "Assignees", "Status", "Labels", "Linked pull requests", "Milestone", "Repository")
# GitHub pages lists at 100 items at most, so longer lists cost one more request per 100.
PAGE_SIZE = 100
# "Inviting collaborators to a personal repository": an invitation expires after 7 days.
INVITATION_LIFETIME = timedelta(days=7)
# REST "Add a repository collaborator": at most 50 invitations to a repository per 24 hours.
INVITATION_LIMIT = 50
INVITATION_WINDOW = timedelta(hours=24)
# The REST API reports roles by these names; `permission` input uses the older pull/push.
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
UserType = Literal["User", "Bot", "Organization"]


# --- what the file holds -----------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Collaborator(_Record):
    login: str
    permission: str


class _Invitation(_Record):
    id: int
    login: str
    permission: str
    created_at: AwareDatetime
    expired: bool = False  # forced expiry; otherwise computed from created_at and the clock


class _Reaction(_Record):
    login: str
    content: str = "+1"
    user_type: UserType = "User"
    created_at: AwareDatetime


class _Issue(_Record):
    number: int
    node_id: str
    title: str
    body: str = ""
    state: IssueState = "open"
    state_reason: StateReason | None = None
    author: str | None = None
    labels: list[str] = []
    reactions: list[_Reaction] = []
    created_at: AwareDatetime


class _Comment(_Record):
    id: int
    issue: int
    author: str | None
    user_type: UserType = "User"
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
    issue: int | None
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
    collaborators: list[_Collaborator] = []
    invitations: list[_Invitation] = []
    invitations_sent: list[AwareDatetime] = []  # every invitation's time: GitHub's daily limit
    labels: list[str] = []
    issues: list[_Issue] = []
    comments: list[_Comment] = []
    boards: list[_Board] = []
    next_number: int = 1
    next_id: int = 1


def _pages(count: int) -> int:
    return max(1, math.ceil(count / PAGE_SIZE))


def _find_label(labels: Iterable[str], name: str) -> str | None:
    # Label names are unique regardless of case: "Topic" and "topic" are one label.
    return next((label for label in labels if label.casefold() == name.casefold()), None)


# --- the sandbox -------------------------------------------------------------------------


class Sandbox:
    """The port over a JSON file, plus world methods to play everyone else on GitHub."""

    def __init__(self, state: _State, *, path: Path | None = None, now: datetime | None = None) -> None:
        self._state = state
        self._path = path
        self._saved: str | None = None
        self._now: datetime | None = None
        self._requests = RequestCount()
        if now is not None:
            self.now = now

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def new(
        cls,
        repository: str,
        *,
        now: datetime | None = None,
        viewer: str = VIEWER,
        organization: bool = True,
        path: Path | None = None,
    ) -> Sandbox:
        """A fresh sandbox: the repository, its owner, the token's user and board 1 of the owner,
        with a Status field (To Discuss / Discussing / Discussed) but no Votes or Event field."""
        state = _State(
            repository=repository, viewer=viewer, owner_type="Organization" if organization else "User"
        )
        sandbox = cls(state, path=path, now=now)
        sandbox._create_board(BOARD_NUMBER, "Lean coffee")
        return sandbox

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        repository: str,
        now: datetime | None = None,
        viewer: str = VIEWER,
        organization: bool = True,
    ) -> Sandbox:
        """The sandbox kept in `path`, created (in memory, written by `close()`) if missing."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls.new(repository, now=now, viewer=viewer, organization=organization, path=path)
        except OSError as error:
            raise P2PError(f"{path}: cannot read the sandbox: {error.strerror or error}") from None
        try:
            state = _State.model_validate_json(text)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "the file"
            raise P2PError(
                f"{path}: not a sandbox file p2p can read ({where}: {problem['msg']}); "
                "delete it to start a fresh sandbox"
            ) from None
        if state.repository.casefold() != repository.casefold():
            raise P2PError(
                f"{path}: this sandbox holds {state.repository}, not {repository}; "
                "delete it to start a fresh sandbox"
            )
        sandbox = cls(state, path=path, now=now)
        sandbox._saved = text
        return sandbox

    def close(self) -> None:
        """Write the file (atomically: a temporary file, then a rename) if anything changed."""
        if self._path is None:
            return
        text = self._state.model_dump_json(indent=2) + "\n"
        if text == self._saved:
            return
        path = self._path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ignore = path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# the offline GitHub sandbox of `p2p --sandbox`\n*\n", encoding="utf-8")
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporary = Path(name)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                    stream.flush()
                    os.fsync(stream.fileno())
                temporary.replace(path)
            except BaseException:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise
        except OSError as error:
            raise P2PError(f"{path}: cannot write the sandbox: {error.strerror or error}") from None
        self._saved = text

    @property
    def path(self) -> Path | None:
        return self._path

    # --- the clock -----------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The sandbox's clock: the time it was given (tests and `p2p demo` move it), else now."""
        return self._now if self._now is not None else datetime.now(UTC)

    @now.setter
    def now(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime (with a UTC offset)")
        self._now = value.astimezone(UTC)

    # --- the port: reads -----------------------------------------------------------------

    @property
    def repository(self) -> str:
        return self._state.repository

    @property
    def requests(self) -> RequestCount:
        return self._requests

    @property
    def viewer(self) -> str:
        return self._state.viewer

    def read_access(self) -> AccessState:
        self._requests.reads += _pages(len(self._state.collaborators)) + _pages(len(self._state.invitations))
        return AccessState(
            owner_is_organization=self._state.owner_type == "Organization",
            collaborators=self.collaborators,
            invitations=self.invitations,
        )

    def read_topics(self, event_id: str) -> TopicState:
        label = f"event:{event_id}"
        tagged = [i for i in self._state.issues if _find_label(i.labels, label)]
        candidates = [i for i in self._state.issues if i.state == "open" and _find_label(i.labels, "topic")]
        # One query asks for both lists; each one longer than a page costs one more request per page.
        self._requests.reads += 1 + (_pages(len(tagged)) - 1) + (_pages(len(candidates)) - 1)
        proposals = [
            i for i in candidates if not any(name.casefold().startswith("event:") for name in i.labels)
        ]
        chosen = {i.number: i for i in [*tagged, *proposals]}
        return TopicState(
            viewer=self._state.viewer,
            event_id=event_id,
            issues=tuple(self._issue(chosen[number]) for number in sorted(chosen)),
            labels=tuple(self._state.labels),
        )

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        wanted = set(issues)
        found = sorted(
            (c for c in self._state.comments if c.issue in wanted), key=lambda c: (c.created_at, c.id)
        )
        self._requests.reads += _pages(len(found))
        return tuple(
            Comment(id=c.id, issue=c.issue, author=c.author, body=c.body, is_bot=c.user_type == "Bot")
            for c in found
        )

    def read_board(self, number: int) -> Board | None:
        board = next((b for b in self._state.boards if b.number == number), None)
        self._requests.reads += _pages(len(board.items)) if board is not None else 1
        return None if board is None else self._board(board)

    # --- the port: writes ----------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        self._requests.writes += 1
        role = ROLE_NAMES.get(permission)
        if role is None:
            raise GitHubError(
                f"GitHub refused to invite {login} to {self.repository}: "
                f"{permission!r} is not a repository role (422 Unprocessable Entity)",
                status=422,
            )
        collaborator = self._collaborator(login)
        if collaborator is not None:
            # 204: an existing collaborator's role is updated and no invitation is sent.
            collaborator.permission = role
            return None
        pending = self._invitation_of(login)
        if pending is not None and not self._expired(pending):
            pending.permission = role
            return self._invitation(pending)
        now = self.now
        recent = [sent for sent in self._state.invitations_sent if now - sent < INVITATION_WINDOW]
        if len(recent) >= INVITATION_LIMIT:
            again = min(recent) + INVITATION_WINDOW
            raise InvitationLimitError(
                f"GitHub refused to invite {login} to {self.repository}: a repository may send at most "
                f"{INVITATION_LIMIT} invitations per 24 hours (422); the next one is possible after "
                f"{again:%Y-%m-%d %H:%M} UTC",
                status=422,
            )
        if pending is not None:
            self._state.invitations.remove(pending)  # an expired invitation is replaced, not revived
        invitation = _Invitation(id=self._next_id(), login=login, permission=role, created_at=now)
        self._state.invitations.append(invitation)
        self._state.invitations_sent.append(now)
        return self._invitation(invitation)

    def cancel_invitation(self, invitation_id: int) -> None:
        self._requests.writes += 1
        invitation = next((i for i in self._state.invitations if i.id == invitation_id), None)
        if invitation is None:
            raise self._not_found(f"invitation {invitation_id}")
        self._state.invitations.remove(invitation)

    def remove_collaborator(self, login: str) -> None:
        self._requests.writes += 1
        collaborator = self._collaborator(login)
        if collaborator is None:
            raise self._not_found(f"collaborator {login}")
        self._state.collaborators.remove(collaborator)

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        self._requests.writes += 1
        issue = self._open_issue(title, body=body, labels=labels, author=self._state.viewer)
        return self._issue(issue)

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        self._requests.writes += 1
        issue = self._issue_record(number)
        self._label(issue, labels)

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        self._requests.writes += 1
        stored = self._board_record(board.id)
        record = next((i for i in self._state.issues if i.node_id == issue.node_id), None)
        if record is None:
            raise self._not_found(f"issue #{issue.number}")
        # addProjectV2ItemById: an issue already on the board gives back its existing item.
        item = next((i for i in stored.items if i.issue == record.number), None)
        if item is None:
            item = _Item(id=f"PVTI_sandbox{self._next_id()}", issue=record.number)
            stored.items.append(item)  # new items join the bottom of the board
        return self._item(stored, item)

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        self._requests.writes += 1
        stored = self._board_record(board.id)
        target = self._item_record(stored, item.id)
        current = self._field_record(stored, field.id)
        if current.type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self._invalid(f"field {current.name!r} takes a number, not {value!r}")
            target.values[current.id] = float(value)
        elif current.type == "text":
            if not isinstance(value, str):
                raise self._invalid(f"field {current.name!r} takes text, not {value!r}")
            target.values[current.id] = value
        elif current.type == "single_select":
            option = next((o for o in current.options if o.name == value), None)
            if option is None:
                names = ", ".join(o.name for o in current.options) or "none"
                raise self._invalid(f"field {current.name!r} has no option {value!r} (options: {names})")
            target.values[current.id] = option.id
        else:
            raise self._invalid(f"field {current.name!r} cannot be set through the API")

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self._requests.writes += 1
        stored = self._board_record(board.id)
        moving = self._item_record(stored, item.id)
        anchor = None if after is None else self._item_record(stored, after.id)
        if anchor is moving:
            return
        stored.items.remove(moving)
        position = 0 if anchor is None else stored.items.index(anchor) + 1
        stored.items.insert(position, moving)

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        self._requests.writes += 1
        stored = self._board_record(board.id)
        if any(f.name.casefold() == name.casefold() for f in stored.fields):
            raise self._invalid(f"the board already has a field named {name!r} (Name has already been taken)")
        if type == "other":
            raise self._invalid(f"cannot create field {name!r}: choose number, text or single_select")
        if type == "single_select" and not options:
            raise self._invalid(f"single-select field {name!r} needs at least one option")
        prefix = "PVTSSF" if type == "single_select" else "PVTF"
        field = _Field(id=f"{prefix}_sandbox{self._next_id()}", name=name, type=type)
        if type == "single_select":
            field.options = [self._option(option) for option in options]
        stored.fields.append(field)
        return self._field(field)

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        self._requests.writes += 1
        stored = self._board_record(board.id)
        current = self._field_record(stored, field.id)
        if current.type != "single_select":
            raise self._invalid(f"field {current.name!r} is not a single-select field")
        if not options:
            raise self._invalid(f"single-select field {current.name!r} needs at least one option")
        kept = {o.name: o for o in current.options}
        current.options = [kept.get(name) or self._option(name) for name in options]
        valid = {o.id for o in current.options}
        for item in stored.items:  # a value whose option went is cleared, as on GitHub
            if current.id in item.values and item.values[current.id] not in valid:
                del item.values[current.id]
        return self._field(current)

    # --- the world: everyone else on GitHub ----------------------------------------------

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        """Give `login` access directly (an organization member, or someone who accepted)."""
        role = ROLE_NAMES.get(permission, permission)
        collaborator = self._collaborator(login)
        if collaborator is not None:
            collaborator.permission = role
        else:
            self._state.collaborators.append(_Collaborator(login=login, permission=role))

    def accept_invitation(self, login: str) -> None:
        """The invitee accepts: the invitation goes, the person becomes a collaborator."""
        invitation = self._invitation_of(login)
        if invitation is None:
            raise self._not_found(f"invitation for {login}")
        if self._expired(invitation):
            raise self._invalid(f"the invitation of {login} has expired")
        self._state.invitations.remove(invitation)
        self.add_collaborator(invitation.login, invitation.permission)

    def add_invitation(
        self,
        login: str,
        *,
        created_at: datetime | None = None,
        expired: bool = False,
        permission: str = "triage",
    ) -> Invitation:
        """An invitation sent earlier (by hand, or by an earlier run); `expired` forces expiry."""
        now = self.now
        when = created_at or (now - INVITATION_LIFETIME - timedelta(days=1) if expired else now)
        invitation = _Invitation(
            id=self._next_id(),
            login=login,
            permission=ROLE_NAMES.get(permission, permission),
            created_at=when,
            expired=expired,
        )
        self._state.invitations.append(invitation)
        self._state.invitations_sent.append(when)
        return self._invitation(invitation)

    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: IssueState = "open",
        state_reason: StateReason | None = None,
    ) -> int:
        """An issue someone opened (a topic proposal, say); returns its number."""
        issue = self._open_issue(title, body=body, labels=labels, author=author)
        if state == "closed":
            self.close_issue(issue.number, state_reason or "completed")
        else:
            issue.state_reason = state_reason
        return issue.number

    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: UserType = "User",
        created_at: datetime | None = None,
    ) -> None:
        """`login` reacts to an issue; reacting twice with the same content changes nothing."""
        if content not in REACTIONS:
            raise ValueError(f"{content!r} is not a GitHub reaction ({', '.join(REACTIONS)})")
        issue = self._issue_record(number)
        if any(login_key(r.login) == login_key(login) and r.content == content for r in issue.reactions):
            return
        issue.reactions.append(
            _Reaction(login=login, content=content, user_type=user_type, created_at=created_at or self.now)
        )

    def remove_reaction(self, number: int, login: str, *, content: str = "+1") -> None:
        """`login` takes a reaction back."""
        issue = self._issue_record(number)
        issue.reactions = [
            r
            for r in issue.reactions
            if not (login_key(r.login) == login_key(login) and r.content == content)
        ]

    def add_comment(
        self,
        number: int,
        author: str | None,
        body: str,
        *,
        user_type: UserType = "User",
        created_at: datetime | None = None,
    ) -> int:
        """`author` comments on an issue (None: a deleted account); returns the comment's id."""
        self._issue_record(number)
        comment = _Comment(
            id=self._next_id(),
            issue=number,
            author=author,
            user_type=user_type,
            body=body,
            created_at=created_at or self.now,
        )
        self._state.comments.append(comment)
        return comment.id

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._comment_record(comment_id).body = body

    def delete_comment(self, comment_id: int) -> None:
        self._state.comments.remove(self._comment_record(comment_id))

    def close_issue(self, number: int, reason: StateReason = "completed") -> None:
        """Close an issue: "completed", or "not_planned" (a withdrawn topic), or "duplicate"."""
        if reason == "reopened":
            raise ValueError("an issue is closed as completed, not_planned or duplicate")
        issue = self._issue_record(number)
        issue.state, issue.state_reason = "closed", reason

    def reopen_issue(self, number: int) -> None:
        issue = self._issue_record(number)
        issue.state, issue.state_reason = "open", "reopened"

    def remove_label(self, number: int, label: str) -> None:
        issue = self._issue_record(number)
        issue.labels = [name for name in issue.labels if name.casefold() != label.casefold()]

    # --- inspection (no requests counted) --------------------------------------------------

    @property
    def collaborators(self) -> tuple[Collaborator, ...]:
        return tuple(Collaborator(login=c.login, permission=c.permission) for c in self._state.collaborators)

    @property
    def invitations(self) -> tuple[Invitation, ...]:
        return tuple(self._invitation(i) for i in self._state.invitations)

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every issue, oldest first, with its 👍 reactions."""
        return tuple(self._issue(i) for i in self._state.issues)

    @property
    def comments(self) -> tuple[Comment, ...]:
        return tuple(
            Comment(id=c.id, issue=c.issue, author=c.author, body=c.body, is_bot=c.user_type == "Bot")
            for c in self._state.comments
        )

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._state.labels)

    @property
    def board(self) -> Board | None:
        """The owner's board 1, as `read_board(1)` would show it."""
        stored = next((b for b in self._state.boards if b.number == BOARD_NUMBER), None)
        return None if stored is None else self._board(stored)

    # --- inside ----------------------------------------------------------------------------

    def _next_id(self) -> int:
        value = self._state.next_id
        self._state.next_id += 1
        return value

    def _expired(self, invitation: _Invitation) -> bool:
        return invitation.expired or self.now - invitation.created_at >= INVITATION_LIFETIME

    def _invitation(self, invitation: _Invitation) -> Invitation:
        return Invitation(
            id=invitation.id,
            login=invitation.login,
            created_at=invitation.created_at,
            expired=self._expired(invitation),
            permission=invitation.permission,
        )

    def _invitation_of(self, login: str) -> _Invitation | None:
        return next((i for i in self._state.invitations if login_key(i.login) == login_key(login)), None)

    def _collaborator(self, login: str) -> _Collaborator | None:
        return next((c for c in self._state.collaborators if login_key(c.login) == login_key(login)), None)

    def _not_found(self, what: str) -> GitHubError:
        return GitHubError(f"GitHub: no {what} in {self.repository} (404 Not Found)", status=404)

    def _invalid(self, why: str) -> GitHubError:
        return GitHubError(f"GitHub refused a change to {self.repository}: {why} (422)", status=422)

    def _open_issue(self, title: str, *, body: str, labels: Sequence[str], author: str) -> _Issue:
        number = self._state.next_number
        self._state.next_number += 1
        issue = _Issue(
            number=number,
            node_id=f"I_sandbox{number}",
            title=title,
            body=body,
            author=author,
            created_at=self.now,
        )
        self._label(issue, labels)
        self._state.issues.append(issue)
        return issue

    def _label(self, issue: _Issue, labels: Iterable[str]) -> None:
        """Add labels to an issue, creating those the repository does not have yet."""
        for name in labels:
            label = _find_label(self._state.labels, name)
            if label is None:
                label = name
                self._state.labels.append(label)
            if _find_label(issue.labels, label) is None:
                issue.labels.append(label)

    def _issue_record(self, number: int) -> _Issue:
        issue = next((i for i in self._state.issues if i.number == number), None)
        if issue is None:
            raise self._not_found(f"issue #{number}")
        return issue

    def _comment_record(self, comment_id: int) -> _Comment:
        comment = next((c for c in self._state.comments if c.id == comment_id), None)
        if comment is None:
            raise self._not_found(f"comment {comment_id}")
        return comment

    def _issue(self, issue: _Issue) -> Issue:
        thumbs = sorted((r for r in issue.reactions if r.content == "+1"), key=lambda r: r.created_at)
        return Issue(
            number=issue.number,
            node_id=issue.node_id,
            title=issue.title,
            body=issue.body,
            state=issue.state,
            state_reason=issue.state_reason,
            author=issue.author,
            labels=tuple(issue.labels),
            reactions=tuple(
                Reaction(login=r.login, is_bot=r.user_type == "Bot", created_at=r.created_at) for r in thumbs
            ),
            url=f"https://github.com/{self.repository}/issues/{issue.number}",
        )

    # --- inside: the board -----------------------------------------------------------------

    def _create_board(self, number: int, title: str) -> None:
        board = _Board(id=f"PVT_sandbox{self._next_id()}", number=number, title=title)
        for name in DEFAULT_FIELDS:
            if name == "Status":
                board.fields.append(
                    _Field(
                        id=f"PVTSSF_sandbox{self._next_id()}",
                        name=name,
                        type="single_select",
                        options=[self._option(option) for option in STATUS_OPTIONS],
                    )
                )
            else:
                board.fields.append(_Field(id=f"PVTF_sandbox{self._next_id()}", name=name, type="other"))
        self._state.boards.append(board)

    def _option(self, name: str) -> _Option:
        return _Option(id=f"{self._next_id():08x}", name=name)

    def _board_record(self, board_id: str) -> _Board:
        board = next((b for b in self._state.boards if b.id == board_id), None)
        if board is None:
            raise self._not_found(f"project {board_id}")
        return board

    def _item_record(self, board: _Board, item_id: str) -> _Item:
        item = next((i for i in board.items if i.id == item_id), None)
        if item is None:
            raise self._not_found(f"item {item_id} on project {board.number}")
        return item

    def _field_record(self, board: _Board, field_id: str) -> _Field:
        field = next((f for f in board.fields if f.id == field_id), None)
        if field is None:
            raise self._not_found(f"field {field_id} on project {board.number}")
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
            if field.id not in item.values:
                continue
            value = item.values[field.id]
            if field.type == "single_select":
                option = next((o for o in field.options if o.id == value), None)
                if option is None:
                    continue
                value = option.name
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
