"""The port: the operations on GitHub the rules need, in the project's own models.

Two adapters implement it: `p2p.github.adapter.GitHubRepository` (the real API) and
`p2p.sandbox.store.Sandbox` (an offline JSON file). Both pass the same contract tests, and both
take from here what they must say alike: GitHub's limits, the checks of a call, and the
sentences of GitHub's refusals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from p2p.errors import GitHubError, InvitationLimitError, P2PError
from p2p.models import (
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Comment,
    FieldType,
    Invitation,
    Issue,
    SeatRequest,
    Snapshot,
    TopicState,
)

# How many mutations one GraphQL request carries: field values, cards, labels, moves (SPEC 7: "up to
# 50 a request"). GitHub documents no cap on the mutations of one request; its secondary rate limit
# charges a request with mutations 5 points whatever it holds, 2,000 points a minute for GraphQL
# ("Rate limits for the REST API", "Rate limits and query limits for the GraphQL API", GitHub
# Docs): fifty to a request costs what one does, and keeps a request small and quick.
MUTATIONS_PER_REQUEST = 50
VALUES_PER_REQUEST = MUTATIONS_PER_REQUEST
# GitHub pages REST lists and GraphQL connections at 100 items at most ("Using pagination in the
# REST API", GitHub Docs; GraphQL's `first` takes 1 to 100): each further 100 cost a request.
PAGE_SIZE = 100

# A repository invitation expires after 7 days (GitHub Support in community discussions; the REST
# reference only reports `expired`).
INVITATION_LIFETIME = timedelta(days=7)
# "Add a repository collaborator" (GitHub Docs): at most 50 invitations to a repository per 24 hours.
INVITATION_LIMIT = 50
INVITATION_WINDOW = timedelta(hours=24)


def invitation_expired(created_at: datetime, now: datetime) -> bool:
    """Whether an invitation sent at `created_at` has expired by `now` (GitHub's 7 days)."""
    return now - created_at >= INVITATION_LIFETIME


@dataclass(frozen=True)
class FieldValue:
    """One value to write: a text, number or single-select (by option name) field of one item."""

    item: BoardItem
    field: BoardField
    value: str | float


def item_name(item: BoardItem, *, short: bool = False) -> str:
    """A board item as messages name it: "issue #5" ("#5" when `short`, as a plan's subjects
    show it), or "item <id>" for a draft."""
    if item.issue is None:
        return f"item {item.id}"
    return f"#{item.issue}" if short else f"issue #{item.issue}"


def values_name(values: Sequence[FieldValue]) -> str:
    """What a set of values is about: "Status, Event of issue #5", "Votes of 20 items"."""
    fields = ", ".join(dict.fromkeys(v.field.name for v in values))
    items = list(dict.fromkeys(v.item.id for v in values))
    return f"{fields} of {item_name(values[0].item) if len(items) == 1 else f'{len(items)} items'}"


def sent_value(board: Board, field: BoardField, value: str | float) -> str | float:
    """What an adapter sends for one value, checked before anything is sent: a number, a text, or a
    single-select option's id (not its name: "Using the API to manage Projects", GitHub Docs)."""
    if field.type == "number":
        try:
            return float(value)
        except ValueError:
            raise P2PError(
                f"board #{board.number}: field {field.name!r} takes a number, not {value!r}"
            ) from None
    if field.type == "text":
        return str(value)
    if field.type == "single_select":
        option = field.option(str(value))
        if option is None:
            known = ", ".join(o.name for o in field.options) or "none"
            raise P2PError(f"board #{board.number}: field {field.name!r} has no option {value!r} ({known})")
        return option.id
    raise P2PError(f"board #{board.number}: field {field.name!r} cannot be set by the toolkit")


def check_batch(values: Sequence[FieldValue]) -> None:
    """Refuse more values than one request sets."""
    if len(values) > VALUES_PER_REQUEST:
        raise ValueError(f"at most {VALUES_PER_REQUEST} values in one request, not {len(values)}")


def check_mutations(count: int, what: str) -> None:
    """Refuse more changes than one request carries (`what`: "cards", "moves", "issues")."""
    if count > MUTATIONS_PER_REQUEST:
        raise ValueError(f"at most {MUTATIONS_PER_REQUEST} {what} in one request, not {count}")


CREATABLE_FIELD_TYPES: tuple[FieldType, ...] = ("number", "text", "single_select")


def check_creatable(board: Board, name: str, type: FieldType) -> None:
    """Refuse a field of a type the toolkit cannot create."""
    if type not in CREATABLE_FIELD_TYPES:
        raise P2PError(f"board #{board.number}: cannot create field {name!r} of type {type!r}")


# --- GitHub's refusals, in the words both adapters use -------------------------------------


def not_found(action: str, repository: str) -> GitHubError:
    """A REST 404: nothing there, or nothing the token can see."""
    return GitHubError(
        f"GitHub found nothing while trying to {action} in {repository} (404 Not Found): check "
        "`repository:` in p2p.yaml, and that the token can see that repository",
        status=404,
    )


def refused(action: str, repository: str, said: str, *, details: str = "") -> GitHubError:
    """A REST 422, with GitHub's message (`said`) and the details of its errors."""
    return GitHubError(
        f"GitHub refused to {action} in {repository} (422 {said or 'Unprocessable Entity'}"
        f"{': ' + details if details else ''})",
        status=422,
    )


def graphql_refused(action: str, said: str) -> GitHubError:
    """GraphQL errors of no kind the toolkit knows, with what GitHub said."""
    return GitHubError(f"GitHub's GraphQL API refused to {action}: {said}")


def invitation_limit(repository: str, said: str, *, status: int) -> InvitationLimitError:
    """GitHub's refusal of an invitation past INVITATION_LIMIT in INVITATION_WINDOW."""
    hours = INVITATION_WINDOW // timedelta(hours=1)
    return InvitationLimitError(
        f"GitHub refuses more invitations to {repository} (at most {INVITATION_LIMIT} per repository "
        f"per {hours} hours): {said}",
        status=status,
    )


@dataclass
class RequestCount:
    """HTTP requests one run made (the sandbox counts the requests GitHub would have taken)."""

    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        return self.reads + self.writes


class Port(Protocol):
    """One GitHub repository (and its owner's Projects board), as the toolkit sees it."""

    @property
    def repository(self) -> str:
        """owner/name."""
        ...

    @property
    def requests(self) -> RequestCount: ...

    # --- reads: each one request where GitHub allows, paginated past 100 -----------------

    def read_snapshot(self, event_id: str | None, board: int | None, *, seat_requests: bool) -> Snapshot:
        """What `p2p sync` observes, in ONE GraphQL request and the invitations' REST one (SPEC 7's
        floor of 2): access (as read_access), the topics of `event_id` (as read_topics; none when
        None), the board `board` (as read_board) and, when `seat_requests`, the seat requests (as
        read_seat_requests). Follow-up requests only for a part that runs past a page."""
        ...

    def read_access(self) -> AccessState:
        """Collaborators (one request) and pending invitations (one request)."""
        ...

    def read_topics(self, event_id: str) -> TopicState:
        """One GraphQL request: the viewer's login, every issue labelled `event:<event_id>`
        (open or closed) with its 👍 reactions, and every open issue labelled `topic` that
        has no `event:` label yet (new proposals)."""
        ...

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        """Every comment on the given issues, oldest first."""
        ...

    def read_board(self, number: int) -> Board | None:
        """The Projects (v2) board `number` of the repository's owner, fields and items in
        board order; None when there is no such board."""
        ...

    # --- writes: one at a time ------------------------------------------------------------

    def invite(self, login: str, permission: str) -> Invitation | None:
        """Invite `login` as a collaborator. Returns the invitation (GitHub: 201), or None
        when the person already has access (GitHub: 204). Raises InvitationLimitError when
        GitHub refuses more invitations (50 per repository per 24 hours)."""
        ...

    def cancel_invitation(self, invitation_id: int) -> None: ...

    def remove_collaborator(self, login: str) -> None: ...

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        """Open an issue authored by the token's user; missing labels are created."""
        ...

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        """Add labels to an issue; labels that do not exist yet are created."""
        ...

    def create_label(self, name: str, color: str, description: str) -> None:
        """Create a label in the repository (`color`: six hex digits, no "#"). A label of that
        name, whatever its case, that exists already is left as it is."""
        ...

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        """Put the issue on the board; if it is already there, that item is returned."""
        ...

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        """Set a text, number or single-select (by option name) field of one item."""
        ...

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        """Set up to VALUES_PER_REQUEST values, of one item or of several, in ONE request (none
        when there is nothing to set); every value is checked before anything is sent.

        GitHub runs the mutations of one request one after the other ("Mutation", GraphQL
        specification §6.2.2), and one that fails is an error of its own: the others are made.
        The adapter reports the failure; the next run sees what is missing and sets it."""
        ...

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        """Move the item right after `after`, or to the top when None."""
        ...

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField: ...

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        """Give a single-select field exactly these options.

        GitHub replaces the options on `updateProjectV2Field` and gives every option a new id,
        so items lose their values: the caller sets them again."""
        ...

    # --- seat requests (SPEC 4.6) ---------------------------------------------------------

    def read_seat_requests(self) -> tuple[SeatRequest, ...]:
        """One GraphQL request (one more per further 100): every issue labelled `seat-request`,
        open or closed, with its author, body, labels, timeline (labelled, unlabelled, closed,
        reopened, each with its actor) and comments, oldest first."""
        ...

    def post_comment(self, number: int, body: str) -> Comment:
        """Comment on an issue as the token's user."""
        ...

    def update_comment(self, comment_id: int, body: str) -> None:
        """Change the text of one of the token's user's comments."""
        ...

    # --- writes: up to MUTATIONS_PER_REQUEST in one request (aliased GraphQL mutations) -------
    #
    # GitHub runs the mutations of one request one after the other, and one that fails is an error
    # of its own while the others are made ("Mutation", GraphQL specification §6.2.2). The adapter
    # checks the answer alias by alias and reports what failed; every one of these writes is
    # idempotent, so the next run observes what is missing and finishes it without doing anything
    # twice.

    def add_items(self, board: Board, issues: Sequence[Issue]) -> tuple[BoardItem, ...]:
        """Put up to MUTATIONS_PER_REQUEST issues on the board in ONE request (none when there are
        none); the items, in the order of `issues`, those already there as they are."""
        ...

    def move_items(self, board: Board, moves: Sequence[tuple[BoardItem, BoardItem | None]]) -> None:
        """Up to MUTATIONS_PER_REQUEST moves, made in order, in ONE request: each item right after
        its `after`, or to the top when None."""
        ...

    def add_labels_many(self, labels: Sequence[tuple[int, Sequence[str]]]) -> None:
        """Add labels to up to MUTATIONS_PER_REQUEST issues (by number) in ONE request; labels the
        repository lacks are created first, one request each."""
        ...
