"""GitHub's side of a roundtable, played offline: the calls that stand in for everyone but the toolkit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol

from p2p.models import IssueState, StateReason

UserType = Literal["User", "Bot"]


class World(Protocol):
    """Everyone else on GitHub, and the clock: participants open issues, react, comment and
    accept invitations; organizers give access by hand and put cards on the board.

    The sandbox implements it for rehearsals and `p2p demo`, the tests' fake GitHub for the
    real adapter: the contract tests seed either through it alone.
    """

    @property
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> None:
        """Move the clock (invitation expiry, the 24-hour invitation window, reaction times)."""

    def add_user(self, login: str, *, type: UserType = "User") -> None:
        """Make an account known (a Bot, say); every login is known as a User on first use."""

    def add_collaborator(self, login: str, permission: str = "triage") -> None:
        """Give `login` access directly (an organization member, someone who accepted)."""

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

    def accept_invitation(self, login: str) -> None:
        """The invitee accepts: the invitation goes, the person becomes a collaborator."""

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

    def close_issue(self, number: int, reason: StateReason = "completed", *, by: str | None = None) -> None:
        """`by` (None: the toolkit's token, or nobody known) closes the issue."""

    def reopen_issue(self, number: int, *, by: str | None = None) -> None: ...

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

    def remove_reaction(self, number: int, login: str, *, content: str = "+1") -> None: ...

    def add_comment(self, number: int, author: str | None, body: str, *, user_type: UserType = "User") -> int:
        """`author` comments on an issue (None: an account since deleted); returns the comment's id."""

    def edit_comment(self, comment_id: int, body: str) -> None: ...

    def delete_comment(self, comment_id: int) -> None: ...

    def add_board_item(self, number: int, issue: int, **values: str | float) -> str:
        """Put issue #`issue` on board `number`, with field values by field name (an option's
        name for a single-select field); returns the item's id."""

    def label_issue(self, number: int, label: str, *, by: str) -> None:
        """`by` adds a label to an issue (GitHub creates a label the repository lacks)."""
