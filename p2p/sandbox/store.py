"""The offline sandbox: the port over a JSON file, keeping GitHub's semantics (`--sandbox`).

The file, `<repo-dir>/.p2p/sandbox.json`, is created on first use with the repository, its
owner (an organization), the token's user and a Projects board, so every command runs end to
end without a token. The sandbox answers every call as the GitHub adapter would, down to the
number of HTTP requests it would take (the contract tests hold the two together). Besides the
port, it is a `p2p.sandbox.world.World`: tests and `p2p demo` play everyone else on GitHub
through it (accept an invitation, propose a topic, vote, comment).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from p2p.errors import P2PError
from p2p.files.atomic import replace_file
from p2p.models import login_key
from p2p.sandbox.port_side import PortSide
from p2p.sandbox.records import BOARD_NUMBER, BUILT_IN_FIELDS, VIEWER, _shown, _State
from p2p.sandbox.world import World
from p2p.sandbox.world_side import WorldSide


class Sandbox(PortSide, WorldSide):
    """The port over a JSON file, plus world methods to play everyone else on GitHub."""

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
        people: Iterable[str] = (),
    ) -> Sandbox:
        """A fresh sandbox: the repository, its owner, the token's user and board 1 of the
        owner, whose Status field has lean coffee's columns (To Discuss / Discussing /
        Discussed) but which has no Votes or Event field yet. A `viewer` without "[bot]" is a
        person's token: an admin of the repository, listed among its collaborators. `people`
        are logins with an account (see `open`)."""
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
        sandbox.people = frozenset(login_key(login) for login in people)
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
        people: Iterable[str] = (),
    ) -> Sandbox:
        """The sandbox kept in `path`, or a new one (written by `close()`) when there is none.

        `people` are logins that have a GitHub account: the command line passes every login of
        the roundtable's files (organizers and registrations) each time it opens the sandbox, so
        a rehearsal invites whoever the files name, as GitHub would for logins spelt right. Any
        other login is unknown to the sandbox, which answers an invitation to it with GitHub's
        404 (a misspelt, renamed or deleted account). They are not written to the file: a
        dry run leaves it as it was.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls.new(
                repository, now=now, viewer=viewer, organization=organization, path=path, people=people
            )
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise P2PError(
                f"{path}: cannot read the sandbox ({reason}); `p2p sandbox reset` starts a fresh one"
            ) from None
        try:
            state = _State.model_validate_json(text)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise P2PError(
                f"{path}: not a sandbox p2p can read ({where + ': ' if where else ''}{problem['msg']}); "
                "`p2p sandbox reset` starts a fresh one"
            ) from None
        if login_key(state.repository) != login_key(repository):
            raise P2PError(
                f"{path}: this sandbox holds {state.repository}, not {repository}; "
                "`p2p sandbox reset` starts a fresh one"
            )
        sandbox = cls(state, path=path, now=now)
        sandbox._saved = text
        sandbox.people = frozenset(login_key(login) for login in people)
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
            replace_file(path, text.encode("utf-8"), durable=False)
        except OSError as error:
            raise P2PError(f"{path}: cannot write the sandbox: {error.strerror or error}") from None
        self._saved = text

    # --- what `p2p sandbox` shows and checks ----------------------------------------------

    def role_of(self, login: str) -> str | None:
        """The repository role `login` holds directly (read, triage, write, maintain, admin), or
        None for someone who is no collaborator."""
        collaborator = self._collaborator(login)
        return None if collaborator is None else collaborator.role

    def issue_record(self, number: int) -> dict[str, Any] | None:
        """Issue #`number` as `describe()` shows it, or None when there is none."""
        return next((issue for issue in self.describe()["issues"] if issue["number"] == number), None)

    def describe(self) -> dict[str, Any]:
        """The sandbox's GitHub as plain data: who has access, the invitations, every issue with
        its labels, reactions (of every kind, with their times), comments and timeline, and the
        board's fields and cards in board order."""
        state = self._state
        board = self._board_numbered(BOARD_NUMBER)
        shown_board = None if board is None else self._board(board)
        return {
            "repository": state.repository,
            "owner_type": state.owner_type,
            "viewer": self.viewer,
            "collaborators": [{"login": c.login, "permission": c.role} for c in state.collaborators],
            "invitations": [
                {
                    "login": i.login,
                    "permission": i.role,
                    "created_at": i.created_at.isoformat(),
                    "expired": self._expired(i),
                }
                for i in state.invitations
            ],
            "issues": [
                {
                    "number": issue.number,
                    "title": issue.title,
                    "author": _shown(issue.author),
                    "state": issue.state,
                    "state_reason": issue.state_reason,
                    "labels": list(issue.labels),
                    "reactions": [
                        {"login": r.login, "content": r.content, "created_at": r.created_at.isoformat()}
                        for r in sorted(issue.reactions, key=lambda r: r.created_at)
                    ],
                    "comments": [
                        {
                            "id": c.id,
                            "author": c.author,
                            "body": c.body,
                            "created_at": c.created_at.isoformat(),
                        }
                        for c in state.comments
                        if c.issue == issue.number
                    ],
                    "events": [
                        {
                            "event": e.event,
                            "actor": e.actor,
                            "label": e.label,
                            "created_at": e.created_at.isoformat(),
                        }
                        for e in issue.events
                    ],
                }
                for issue in state.issues
            ],
            "board": None
            if shown_board is None
            else {
                "number": shown_board.number,
                "title": shown_board.title,
                "fields": [
                    {"name": f.name, "type": f.type, "options": [o.name for o in f.options]}
                    for f in shown_board.fields
                    if f.name not in BUILT_IN_FIELDS
                ],
                "items": [{"issue": i.issue, "values": dict(i.values)} for i in shown_board.items],
            },
        }


if TYPE_CHECKING:  # the sandbox plays GitHub's side through the world's protocol, checked by mypy
    _: World = Sandbox.new("owner/name")
