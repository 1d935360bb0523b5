"""The fake GitHub's world in memory: the repository, its people, issues and boards, seeded by tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from p2p.files.load import load_roundtable
from tests.fake.records import (
    ACCOUNT_IDS,
    BUILT_IN_FIELDS,
    COMMENT_IDS,
    CONTENT_IDS,
    DEFAULT_API,
    EPOCH,
    INVITATION_LIMIT,
    INVITATION_PERMISSION,
    LEAN_COFFEE_STATUS,
    REACTIONS,
    REPOSITORY_ID,
    ROLE_RANK,
    BoardRow,
    BoardView,
    Comment,
    Field,
    GraphQLFailure,
    Invitation,
    Issue,
    Item,
    Label,
    Option,
    Project,
    Reaction,
    TimelineEvent,
    User,
    node_id,
)


class GitHubState:
    """One repository, its owner and the owner's Projects boards, as GitHub holds them."""

    def __init__(
        self,
        repository: str = "profiq/peer-to-peer",
        *,
        viewer: str = "p2p-bot",
        owner_is_organization: bool = True,
        now: datetime | None = None,
        api_url: str = DEFAULT_API,
    ) -> None:
        self.owner, self.name = repository.split("/")
        self.viewer = viewer
        self.owner_is_organization = owner_is_organization
        self.now: datetime = now or EPOCH
        self.api_url = api_url.rstrip("/")
        self.repo_id = REPOSITORY_ID
        self.invitation_limit = INVITATION_LIMIT
        # "Only users with push access can set labels for new issues. Labels are silently
        # dropped otherwise." ("Create an issue", REST API endpoints for issues, GitHub Docs)
        self.viewer_can_push = True
        # False: invitations leave out `expired`, which the "Repository Invitation" schema does not
        # require (REST API endpoints for repository invitations, GitHub Docs).
        self.invitations_say_expired = True
        self._former: set[tuple[str, str]] = set()  # old (owner, name) keys of the repository
        self.description: str | None = None

        self._ids = iter(range(ACCOUNT_IDS, 2**31))
        self._content_ids = iter(range(CONTENT_IDS, 2**63))
        self._users: dict[str, User] = {}
        self._collaborators: dict[str, tuple[str, str]] = {}  # key -> (login, role): direct access
        # key -> (login, role, team slug or None): access through the organization (its base
        # permission or ownership, or a team), which no request on the repository takes away.
        self._org_access: dict[str, list[tuple[str, str, str | None]]] = {}
        self._invitations: dict[int, Invitation] = {}
        self._sent: list[datetime] = []  # when each invitation was sent (the 24 h limit)
        self._labels: dict[str, Label] = {}
        self._issues: dict[int, Issue] = {}
        self._comments: dict[int, Comment] = {}
        self._projects: dict[int, Project] = {}
        self._next_number = 1
        # Above 2^31 like GitHub's since 2024 (COMMENT_IDS): a comment read through GraphQL's
        # 32-bit `databaseId` fails, as on github.com; `fullDatabaseId` holds it.
        self._next_comment = COMMENT_IDS
        self._deleted: set[str] = set()  # keys of accounts deleted since (see `delete_account`)
        self._denied: set[str] = set()  # what the token may not do (see `deny`)
        self._projects_hidden = False  # the token sees no board (see `hide_projects`)
        self._projects_read_only = False  # the token reads the board, may not change it

        owner_user = self._user(self.owner, "Organization" if owner_is_organization else "User")
        if not owner_is_organization:
            # The owner of a personal repository is listed among its collaborators, as an admin.
            self._collaborators[self.owner.casefold()] = (owner_user.login, "admin")
        viewer_user = self._user(viewer, "Bot" if viewer.endswith("[bot]") else "User")
        if viewer_user.type == "User":
            self._collaborators[viewer.casefold()] = (viewer, "admin")

    # --- seeding -------------------------------------------------------------------------

    def _user(self, login: str, type: str = "User") -> User:
        key = login.casefold()
        if key not in self._users:
            self._users[key] = User(login, next(self._ids), type)
        elif type != "User":
            self._users[key].type = type
        return self._users[key]

    def add_user(self, login: str, *, type: str = "User") -> None:
        """Make an account known (a Bot, say). Seeding someone's doings (an issue, a reaction, a
        collaborator) makes their account known too; only an invitation to a login nobody made
        known is answered 404, as GitHub answers a misspelt, renamed or deleted login."""
        self._user(login, type)

    def add_users(self, *logins: str) -> None:
        """Make the accounts of these logins known: people a test means to invite."""
        for login in logins:
            self._user(login)

    def add_users_of(self, root: Path) -> None:
        """Make known the account of every login the roundtable in `root` names (organizers,
        participants, presenters), as the sandbox knows them when the command line opens it."""
        roundtable = load_roundtable(root)
        self.add_users(*roundtable.settings.organizers)
        for event in roundtable.events:
            self.add_users(*(r.github for r in event.participants))
            self.add_users(*(p.github for p in event.presenters if p.github))

    def knows(self, login: str) -> bool:
        """Whether GitHub has an account of this login (deleted accounts are gone)."""
        return login.casefold() in self._users and login.casefold() not in self._deleted

    def delete_account(self, login: str) -> None:
        """The person deletes their account: what they wrote and their reactions stay, shown as
        GitHub's placeholder user "ghost" in REST and with a null author in GraphQL."""
        self._user(login)
        self._deleted.add(login.casefold())
        self._collaborators.pop(login.casefold(), None)
        self._org_access.pop(login.casefold(), None)

    def is_deleted(self, login: str | None) -> bool:
        """Whether an account is gone (None: a comment seeded as a deleted account's)."""
        return login is None or login.casefold() in self._deleted

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        self._user(login)
        self._collaborators[login.casefold()] = (login, permission)

    def add_organization_access(
        self, login: str, permission: str = "read", *, team: str | None = None
    ) -> None:
        """`login` has access through the organization: its base permission (or ownership, with
        "admin"), or a team's (`team`, a slug). GitHub lists them among the collaborators."""
        user = self._user(login)
        role = {"read": "pull", "write": "push"}.get(permission, permission)
        self._org_access.setdefault(login.casefold(), []).append((user.login, role, team))

    def access_of(self, login: str) -> tuple[str, str | None, list[tuple[str, str | None]]] | None:
        """Everyone with access, as GitHub's collaborator list shows them: their highest role,
        their direct role (None: through the organization only) and their organization grants."""
        key = login.casefold()
        direct = self._collaborators.get(key)
        grants = [(role, team) for _, role, team in self._org_access.get(key, [])]
        if direct is None and not grants:
            return None
        roles = [role for role, _ in grants] + ([direct[1]] if direct else [])
        best = max(roles, key=lambda r: ROLE_RANK.index(r) if r in ROLE_RANK else 0)
        return best, direct[1] if direct else None, grants

    @property
    def everyone_with_access(self) -> list[str]:
        """Logins of every collaborator GitHub lists (affiliation all): direct ones first."""
        found = [login for login, _ in self._collaborators.values()]
        keys = {login.casefold() for login in found}
        for grants in self._org_access.values():
            if grants[0][0].casefold() not in keys:
                found.append(grants[0][0])
                keys.add(grants[0][0].casefold())
        return found

    def add_invitation(
        self,
        login: str,
        *,
        created_at: datetime | None = None,
        expired: bool = False,
        permission: str = "triage",
    ) -> int:
        self._user(login)
        invitation = Invitation(
            next(self._ids),
            login,
            INVITATION_PERMISSION.get(permission, permission),
            created_at or self.now,
            expired,
            now=lambda: self.now,
        )
        self._invitations[invitation.id] = invitation
        self._sent.append(invitation.created_at)
        return invitation.id

    def remove_collaborator(self, login: str) -> None:
        """Someone's access ends outside the toolkit (they left, an admin removed them)."""
        self._collaborators.pop(login.casefold(), None)

    def accept_invitation(self, login: str) -> None:
        """The invitee accepts: the pending invitation becomes a collaborator."""
        for invitation in list(self._invitations.values()):
            if invitation.login.casefold() == login.casefold():
                del self._invitations[invitation.id]
                role = {"read": "pull", "write": "push"}.get(invitation.permission, invitation.permission)
                self._collaborators[login.casefold()] = (invitation.login, role)

    def add_label(self, name: str, *, color: str = "ededed", description: str | None = None) -> Label:
        key = name.casefold()
        if key not in self._labels:
            self._labels[key] = Label(next(self._ids), name, color, description)
        return self._labels[key]

    def delete_label(self, name: str) -> None:
        """An admin deletes a label: it goes from every issue that had it ("Deleting a label",
        Managing labels, GitHub Docs)."""
        label = self._labels.pop(name.casefold())
        for issue in self._issues.values():
            issue.labels = [n for n in issue.labels if n != label.name]

    def add_issue(
        self,
        title: str,
        *,
        body: str = "",
        labels: Sequence[str] = (),
        author: str = "someone",
        state: str = "open",
        state_reason: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        self._user(author, "Bot" if author.endswith("[bot]") else "User")
        number = self._next_number
        self._next_number += 1
        moment = created_at or self.now
        issue = Issue(
            number, next(self._content_ids), title, body, author, created_at=moment, updated_at=moment
        )
        for name in labels:
            issue.labels.append(self.add_label(name).name)
        self._issues[number] = issue
        if state == "closed":
            self.close_issue(number, state_reason or "completed")
        return number

    def delete_issue(self, number: int) -> None:
        """An admin deletes the issue, its comments with it ("Deleting an issue", GitHub Docs)."""
        del self._issues[number]
        for comment_id in [c.id for c in self._comments.values() if c.issue == number]:
            del self._comments[comment_id]

    def close_issue(self, number: int, reason: str = "completed", *, by: str | None = None) -> None:
        """Close an issue; `by` (default: its author) is the actor its timeline shows."""
        issue = self._issues[number]
        issue.state, issue.state_reason, issue.closed_at = "closed", reason, self.now
        self._event(issue, "closed", by, state_reason=reason)

    def reopen_issue(self, number: int, *, by: str | None = None) -> None:
        """Reopen an issue; `by` (default: its author) is the actor its timeline shows."""
        issue = self._issues[number]
        issue.state, issue.state_reason, issue.closed_at = "open", "reopened", None
        self._event(issue, "reopened", by)

    def label_issue(self, number: int, label: str, *, by: str) -> None:
        """`by` applies a label (triage access allows it): its timeline shows who did."""
        issue = self._issues[number]
        if label.casefold() in {n.casefold() for n in issue.labels}:
            return  # GitHub records no event for a label the issue has
        name = self.add_label(label).name
        issue.labels.append(name)
        self._event(issue, "labeled", by, label=name)

    def _event(
        self,
        issue: Issue,
        kind: str,
        by: str | None,
        *,
        label: str | None = None,
        state_reason: str | None = None,
    ) -> None:
        actor = (
            issue.author if by is None else self._user(by, "Bot" if by.endswith("[bot]") else "User").login
        )
        issue.events.append(
            TimelineEvent(
                next(self._content_ids), kind, actor, self.now, label=label, state_reason=state_reason
            )
        )

    def add_reaction(
        self,
        number: int,
        login: str,
        *,
        content: str = "+1",
        user_type: str = "User",
        created_at: datetime | None = None,
    ) -> None:
        if content not in REACTIONS:
            raise ValueError(f"unknown reaction {content!r}; one of {sorted(REACTIONS)}")
        self._user(login, user_type)
        issue = self._issues[number]
        if any(r.login.casefold() == login.casefold() and r.content == content for r in issue.reactions):
            return  # GitHub keeps one reaction of each kind per person
        issue.reactions.append(
            Reaction(next(self._content_ids), login, user_type, content, created_at or self.now)
        )

    def remove_reaction(self, number: int, login: str, *, content: str = "+1") -> None:
        issue = self._issues[number]
        issue.reactions = [
            r
            for r in issue.reactions
            if not (r.login.casefold() == login.casefold() and r.content == content)
        ]

    def add_comment(
        self,
        number: int,
        author: str | None,
        body: str,
        *,
        user_type: str = "User",
        comment_id: int | None = None,
    ) -> int:
        """`author` comments on an issue (None: an account since deleted); returns the comment's id,
        `comment_id` if given (later comments count on from it)."""
        if author is not None:
            self._user(author, user_type)
        if number not in self._issues:
            raise KeyError(f"no issue #{number}")
        if comment_id is not None:
            self._next_comment = comment_id
        comment_id = self._next_comment
        self._next_comment += 1
        self._comments[comment_id] = Comment(comment_id, number, author, body, self.now, self.now)
        return comment_id

    def edit_comment(self, comment_id: int, body: str) -> None:
        comment = self._comments[comment_id]
        comment.body, comment.updated_at = body, self.now

    def delete_comment(self, comment_id: int) -> None:
        del self._comments[comment_id]

    def add_project(
        self,
        number: int = 1,
        *,
        fields: Sequence[str] | Mapping[str, str | Sequence[str]] = ("Status", "Votes", "Event"),
        title: str = "Lean coffee",
    ) -> str:
        """A Projects (v2) board of the repository's owner; returns its node id.

        `fields` lists custom fields by name, with the lean-coffee meaning of the names the toolkit
        uses: "Status" single-select To Discuss / Discussing / Discussed, "Votes" number, "Event"
        text, any other name text. Or a mapping name -> "TEXT" | "NUMBER" | "DATE" | a sequence of
        option names (a single-select), e.g. {"Status": ("Todo", "In Progress", "Done")}, which is
        what a board GitHub has just created holds.
        """
        database_id = next(self._ids)
        project = Project(node_id("PVT", self._owner_id, database_id), number, database_id, title)
        for name, data_type in BUILT_IN_FIELDS:
            project.fields.append(self._new_field(project, name, data_type))
        spec: Mapping[str, str | Sequence[str]]
        if isinstance(fields, Mapping):
            spec = fields
        else:
            defaults: dict[str, str | Sequence[str]] = {
                "Status": LEAN_COFFEE_STATUS,
                "Votes": "NUMBER",
                "Event": "TEXT",
            }
            spec = {name: defaults.get(name, "TEXT") for name in fields}
        for name, kind in spec.items():
            if isinstance(kind, str):
                project.fields.append(self._new_field(project, name, kind.upper()))
            else:
                project.fields.append(self._new_field(project, name, "SINGLE_SELECT", list(kind)))
        self._projects[number] = project
        return project.id

    def _new_field(self, project: Project, name: str, data_type: str, options: Sequence[str] = ()) -> Field:
        database_id = next(self._ids)
        kind = "PVTSSF" if data_type == "SINGLE_SELECT" else "PVTF"
        made = Field(
            node_id(kind, self._owner_id, project.database_id, database_id), database_id, name, data_type
        )
        made.options = [self._new_option(option) for option in options]
        return made

    def _new_option(self, name: str, color: str = "GRAY", description: str = "") -> Option:
        return Option(f"{next(self._ids):08x}", name, color, description)

    def add_board_item(self, number: int, issue: int, **values: str | float) -> str:
        """Put issue #`issue` on board `number` with custom field values by field name."""
        project = self._projects[number]
        item = self._add_item(project, self._issues[issue].node_id)
        for name, value in values.items():
            target = project.field_named(name)
            if target is None:
                raise KeyError(f"board {number} has no field {name!r}")
            if target.data_type == "SINGLE_SELECT":
                option = target.option_named(str(value))
                if option is None:
                    raise KeyError(f"field {name!r} has no option {value!r}")
                item.values[target.id] = option.id
            elif target.data_type == "NUMBER":
                item.values[target.id] = float(value)
            else:
                item.values[target.id] = str(value)
        return item.id

    def add_foreign_item(self, number: int, *, title: str = "Draft") -> str:
        """A card that is no issue of this repository (a draft, another repository's issue)."""
        project = self._projects[number]
        item = Item(
            self._item_id(project), node_id("DI", self._owner_id, project.database_id, next(self._ids)), None
        )
        project.items.append(item)
        return item.id

    def _add_item(self, project: Project, content_id: str) -> Item:
        existing = next((i for i in project.items if i.content == content_id), None)
        if existing is not None:
            # Adding content that is already on the board returns the existing item ("Using the API
            # to manage Projects", GitHub Docs).
            return existing
        issue = next((i for i in self._issues.values() if i.node_id == content_id), None)
        if issue is None:
            raise GraphQLFailure(
                f"Could not resolve to a node with the global id of '{content_id}'", "NOT_FOUND"
            )
        item = Item(self._item_id(project), content_id, issue.number)
        project.items.append(item)
        return item

    def _item_id(self, project: Project) -> str:
        return node_id("PVTI", self._owner_id, project.database_id, next(self._ids))

    @property
    def _owner_id(self) -> int:
        return self._users[self.owner.casefold()].id

    def advance(self, delta: timedelta) -> None:
        """Move the fake's clock (invitation expiry, the 24 h invitation window)."""
        self.now = self.now + delta

    def rename(self, name: str) -> None:
        """The repository is renamed: requests under its old name are redirected to it."""
        self._former.add((self.owner.casefold(), self.name.casefold()))
        self.name = name

    # --- inspection ----------------------------------------------------------------------

    @property
    def collaborators(self) -> dict[str, str]:
        """login -> role, including the token's own user (an admin, as GitHub lists it)."""
        return dict(self._collaborators.values())

    @property
    def invitations(self) -> list[Invitation]:
        return list(self._invitations.values())

    def invitation_for(self, login: str) -> Invitation | None:
        return next((i for i in self._invitations.values() if i.login.casefold() == login.casefold()), None)

    @property
    def issues(self) -> dict[int, Issue]:
        return dict(self._issues)

    @property
    def labels(self) -> list[str]:
        return [label.name for label in self._labels.values()]

    @property
    def comments(self) -> dict[int, Comment]:
        return dict(self._comments)

    def project(self, number: int = 1) -> BoardView:
        project = self._projects[number]
        fields = {f.name: (f.data_type, tuple(o.name for o in f.options)) for f in project.fields}
        rows = []
        for item in project.items:
            values: dict[str, str | float] = {}
            for field_id, value in item.values.items():
                target = project.field_by_id(field_id)
                if target is None:
                    continue
                if target.data_type == "SINGLE_SELECT":
                    option = next((o for o in target.options if o.id == value), None)
                    if option is not None:
                        values[target.name] = option.name
                else:
                    values[target.name] = value
            rows.append(BoardRow(item.id, item.issue, values))
        return BoardView(project.id, project.number, project.title, fields, tuple(rows))
