"""The offline sandbox: the port over a JSON file, keeping GitHub's semantics (`--sandbox`).

The file, `<repo-dir>/.p2p/sandbox.json`, is created on first use with the repository, its
owner (an organization), the token's user and a Projects board, so every command runs end to
end without a token. The sandbox answers every call as the GitHub adapter would, down to the
number of HTTP requests it would take (the contract tests hold the two together). Besides the
port, it is a `p2p.sandbox.world.World`: tests and `p2p demo` play everyone else on GitHub
through it (accept an invitation, propose a topic, vote, comment).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from p2p.errors import GitHubError, P2PError
from p2p.files.atomic import replace_file
from p2p.models import (
    EVENT_PREFIX,
    TOPIC_LABEL,
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
    event_id_of,
    login_key,
)
from p2p.port import (
    INVITATION_LIMIT,
    INVITATION_WINDOW,
    PAGE_SIZE,
    FieldValue,
    RequestCount,
    check_batch,
    check_creatable,
    graphql_refused,
    invitation_expired,
    invitation_limit,
    item_name,
    not_found,
    refused,
    sent_value,
    values_name,
)
from p2p.rules.board import STATUS_OPTIONS
from p2p.sandbox.world import UserType, World

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


# --- the sandbox -------------------------------------------------------------------------


class Sandbox:
    """The port over a JSON file, plus world methods to play everyone else on GitHub."""

    def __init__(self, state: _State, *, path: Path | None = None, now: datetime | None = None) -> None:
        self._state = state
        self._path = path
        self._saved: str | None = None
        self._now: datetime | None = None
        self._requests = RequestCount()
        # Issues whose node ids the adapter has seen in this run: it reads their comments in
        # one request per 100 issues, and looks up any other issue with a request of its own.
        self._known: set[int] = set()
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
        """A fresh sandbox: the repository, its owner, the token's user and board 1 of the
        owner, whose Status field has lean coffee's columns (To Discuss / Discussing /
        Discussed) but which has no Votes or Event field yet. A `viewer` without "[bot]" is a
        person's token: an admin of the repository, listed among its collaborators."""
        owner = repository.split("/", 1)[0]
        state = _State(
            repository=repository, viewer=viewer, owner_type="Organization" if organization else "User"
        )
        sandbox = cls(state, path=path, now=now)
        if not organization:
            # The owner of a personal repository is listed among its collaborators, as an admin.
            sandbox.add_collaborator(owner, "admin")
        if viewer.endswith("[bot]"):
            sandbox.add_user(viewer, type="Bot")  # a GitHub App: access through its installation
        elif login_key(viewer) != login_key(owner):
            sandbox.add_collaborator(viewer, "admin")
        sandbox.add_project(BOARD_NUMBER)
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
        """The sandbox kept in `path`, or a new one (written by `close()`) when there is none."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls.new(repository, now=now, viewer=viewer, organization=organization, path=path)
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise P2PError(
                f"{path}: cannot read the sandbox ({reason}); delete it to start a fresh sandbox"
            ) from None
        try:
            state = _State.model_validate_json(text)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise P2PError(
                f"{path}: not a sandbox p2p can read ({where + ': ' if where else ''}{problem['msg']}); "
                "delete it to start a fresh sandbox"
            ) from None
        if login_key(state.repository) != login_key(repository):
            raise P2PError(
                f"{path}: this sandbox holds {state.repository}, not {repository}; "
                "delete it to start a fresh sandbox"
            )
        sandbox = cls(state, path=path, now=now)
        sandbox._saved = text
        return sandbox

    def close(self) -> None:
        """Write the file if anything changed: a temporary file, then a rename, so a crash
        leaves the old sandbox or the new one, never half of one."""
        if self._path is None:
            return
        text = self._state.model_dump_json(indent=1) + "\n"
        if text == self._saved:
            return
        path = self._path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ignore = path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# the offline GitHub sandbox of `p2p --sandbox`\n*\n", encoding="utf-8")
            replace_file(path, text.encode("utf-8"))
        except OSError as error:
            raise P2PError(f"{path}: cannot write the sandbox: {error.strerror or error}") from None
        self._saved = text

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

    # --- the port: reads -----------------------------------------------------------------

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

    def read_access(self) -> AccessState:
        self._requests.reads += _pages(len(self._state.collaborators)) + _pages(len(self._state.invitations))
        return AccessState(
            owner_is_organization=self._state.owner_type == "Organization",
            collaborators=self.collaborators,
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
        # On a personal account's repository every collaborator gets write access.
        role = ROLE_NAMES[permission] if self._state.owner_type == "Organization" else "write"
        collaborator = self._collaborator(login)
        if collaborator is not None:
            # 204: an existing collaborator's role changes, and no invitation is sent.
            collaborator.role = role
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
        elif collaborator is None:
            raise self._not_found(f"remove collaborator {login}")
        if collaborator is not None:
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

    def add_label(self, name: str) -> None:
        if _find_label(self._state.labels, name) is None:
            self._state.labels.append(name)

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

    def close_issue(self, number: int, reason: StateReason = "completed") -> None:
        """Close an issue: "completed", "not_planned" (a withdrawn topic) or "duplicate"."""
        if reason == "reopened":
            raise ValueError("an issue closes as completed, not_planned or duplicate")
        issue = self._issue_numbered(number, action=f"close issue #{number}")
        issue.state, issue.state_reason = "closed", reason

    def reopen_issue(self, number: int) -> None:
        issue = self._issue_numbered(number, action=f"reopen issue #{number}")
        issue.state, issue.state_reason = "open", "reopened"

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

    # --- inspection (no requests counted) --------------------------------------------------

    @property
    def collaborators(self) -> tuple[Collaborator, ...]:
        return tuple(Collaborator(login=c.login, permission=c.role) for c in self._state.collaborators)

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


if TYPE_CHECKING:  # the sandbox plays GitHub's side through the world's protocol, checked by mypy
    _: World = Sandbox.new("owner/name")
