"""`p2p doctor`: what was observed of the setup (files, token, repository, permissions, board,
limits) turned into checks, each passed or failed with the fix. Pure: the probes observe, this
decides, the command prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from p2p.models import Board
from p2p.port import INVITATION_LIMIT, INVITATION_WINDOW
from p2p.rules.board import CreateField, SetOptions, board_findings, plan_board_setup
from p2p.rules.plan import counted, printable

TokenKind = Literal[
    "fine-grained", "classic", "oauth", "app-user", "installation", "workflow", "unknown", "sandbox"
]

# The prefixes GitHub gives its tokens ("About authentication to GitHub", GitHub Docs, "GitHub's
# token formats"): the workflow's GITHUB_TOKEN is an App installation token too, ghs_.
PREFIXES: tuple[tuple[str, TokenKind], ...] = (
    ("github_pat_", "fine-grained"),
    ("ghp_", "classic"),
    ("gho_", "oauth"),
    ("ghu_", "app-user"),
    ("ghs_", "installation"),
)
KIND_NAMES: dict[TokenKind, str] = {
    "fine-grained": "a fine-grained personal access token",
    "classic": "a classic personal access token",
    "oauth": "an OAuth token (as `gh auth login` makes)",
    "app-user": "a GitHub App user access token",
    "installation": "a GitHub App installation token",
    "workflow": "the workflow's built-in GITHUB_TOKEN",
    "unknown": "a token without any prefix GitHub gives its tokens (an old-format token, or no GitHub token)",
    "sandbox": "none needed: the sandbox stands in for GitHub",
}
# The built-in token of a workflow acts as this App's bot.
ACTIONS_BOT = "github-actions"
# Fewer requests left than a sync of a large roundtable takes (some dozens): a warning.
LOW_RATE = 100
ROLES = ("pull", "triage", "push", "maintain", "admin")


def token_kind(token: str) -> TokenKind:
    """A token's kind by its prefix (never shown: only the kind leaves this function)."""
    return next((kind for prefix, kind in PREFIXES if token.startswith(prefix)), "unknown")


def refined_kind(kind: TokenKind, viewer: str | None) -> TokenKind:
    """An installation token that acts as github-actions[bot] is the workflow's GITHUB_TOKEN."""
    if kind == "installation" and viewer is not None and viewer.removesuffix("[bot]") == ACTIONS_BOT:
        return "workflow"
    return kind


# --- what was observed --------------------------------------------------------------------


@dataclass(frozen=True)
class Files:
    errors: tuple[str, ...] = ()  # `file:line: message` each
    files_in_error: int = 0
    event_files: int = 0


@dataclass(frozen=True)
class Token:
    """Where the token came from and its kind; never the token itself."""

    kind: TokenKind
    source: str = ""  # "$GITHUB_TOKEN", "$GH_TOKEN", "`gh auth token`"


@dataclass(frozen=True)
class Answer:
    """How GitHub answered one read: its status (0: not reached) and, on a refusal, its message
    and the fine-grained permission its X-Accepted-GitHub-Permissions header names."""

    status: int
    message: str = ""
    accepted: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class RepositoryFacts:
    answer: Answer
    owner_type: str | None = None  # "Organization" | "User"
    private: bool = False
    has_issues: bool = True
    roles: frozenset[str] | None = None  # the viewer's `permissions` of GET /repos: push, admin...
    scopes: tuple[str, ...] | None = None  # X-OAuth-Scopes: only classic and OAuth tokens have it


@dataclass(frozen=True)
class RateFacts:
    core_remaining: int
    core_limit: int
    graphql_remaining: int
    graphql_limit: int
    reset: datetime


@dataclass(frozen=True)
class Observed:
    """What the probes saw of GitHub; the reads past the repository's are None when not made."""

    repository: RepositoryFacts
    viewer: str | None = None
    invitations: Answer | None = None  # GET /repos/{r}/invitations: Administration
    sent: tuple[datetime, ...] = ()  # when each listed invitation was sent
    issues: Answer | None = None  # GET /repos/{r}/issues: Issues
    board: Answer | None = None  # the board read: 200, 404 (NOT_FOUND), 403 (FORBIDDEN...)
    found_board: Board | None = None
    board_writable: bool | None = None  # the board's viewerCanUpdate: the token may change it
    rate: RateFacts | None = None


# --- the checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        return f"{mark} {self.name}: {self.detail}" + (f" — fix: {self.fix}" if self.fix else "")


@dataclass(frozen=True)
class Setup:
    """Everything `diagnose` reads: the files, the settings that matter, the token, GitHub."""

    files: Files
    repository: str | None
    project: int | None
    token: Token | None
    observed: Observed | None = None
    settings_read: bool = True
    github: str = "GitHub"  # how GitHub is named: "GitHub", "the sandbox"


def diagnose(setup: Setup, now: datetime) -> list[Check]:
    """The checks, in order: files, token, repository, the permissions the features need, the
    board's fields, invitations left, the rate limit."""
    checks = [_files(setup.files)]
    if not setup.settings_read:
        return checks
    token = setup.token
    observed = setup.observed
    kind = refined_kind(token.kind, observed.viewer if observed else None) if token else None
    checks.append(_token(token, kind, observed))
    if token is None:
        return checks
    if setup.repository is None:
        checks.append(
            Check(
                "repository",
                False,
                "p2p.yaml sets no `repository:` and $GITHUB_REPOSITORY is empty",
                "add `repository: owner/name` to p2p.yaml",
            )
        )
        return checks
    if observed is None:
        return checks
    repository = setup.repository
    checks.append(_repository(repository, observed.repository, setup.github))
    if not observed.repository.answer.ok or kind is None:
        return checks
    checks.append(_administration(repository, observed, kind))
    checks.append(_issues(repository, observed, kind))
    owner = repository.split("/", 1)[0]
    checks.append(_projects(owner, setup.project, observed, kind))
    if observed.found_board is not None:
        checks.append(_board(observed.found_board))
    if observed.invitations is not None and observed.invitations.ok:
        checks.append(_invitations(observed.sent, now))
    if observed.rate is not None:
        checks.append(_rate(observed.rate))
    return checks


def failed(checks: Sequence[Check]) -> list[Check]:
    return [check for check in checks if not check.ok]


def _files(files: Files) -> Check:
    if not files.errors:
        return Check("files", True, f"p2p.yaml and {counted(files.event_files, 'event file')} are valid")
    first = files.errors[0]
    more = f" (and {counted(len(files.errors) - 1, 'more error')})" if len(files.errors) > 1 else ""
    return Check(
        "files",
        False,
        f"{counted(len(files.errors), 'error')} in {counted(files.files_in_error, 'file')}: {first}{more}",
        "run `p2p check` for every error with its file:line, and correct them",
    )


def _token(token: Token | None, kind: TokenKind | None, observed: Observed | None) -> Check:
    if token is None or kind is None:
        return Check(
            "token",
            False,
            "no GitHub token: $GITHUB_TOKEN and $GH_TOKEN are empty and `gh` is not logged in; "
            "GitHub not checked",
            "create a token (the guide's section on the P2P_TOKEN secret says which permissions), "
            "set GITHUB_TOKEN to it and run `p2p doctor` again; or log in with `gh auth login`",
        )
    if kind == "sandbox":
        return Check("token", True, KIND_NAMES[kind])
    shown = f"{KIND_NAMES[kind]}, from {token.source} (not shown)"
    if observed is not None and observed.repository.answer.status == 401:
        return Check(
            "token",
            False,
            f"GitHub rejected {shown} (401 {observed.repository.answer.message or 'Bad credentials'}): "
            "expired, revoked or mistyped",
            f"create a new token and set {token.source.removeprefix('$')} to it"
            if token.source.startswith("$")
            else "log in again with `gh auth login`",
        )
    if kind == "installation" and observed is not None and observed.viewer:
        shown += f", acting as the App's bot {printable(observed.viewer)}"
    return Check("token", True, shown)


def _repository(repository: str, facts: RepositoryFacts, github: str) -> Check:
    answer = facts.answer
    owner = repository.split("/", 1)[0]
    if answer.ok:
        if facts.owner_type == "User":
            whose = (
                f"its owner, {owner}, is a personal account (GitHub gives every collaborator write "
                "access there, whatever `permission:` says)"
            )
        else:
            whose = f"its owner, {owner}, is an organization"
        return Check("repository", True, f"{repository} is reachable; {whose}")
    if answer.status == 401:
        return Check("repository", False, f"not read: {github} rejected the token", "see the token check")
    if answer.status == 404:
        return Check(
            "repository",
            False,
            f"{github} shows no repository {repository} (404 Not Found): either the name is misspelt, "
            "or the token cannot see it (GitHub answers both alike)",
            "check `repository:` in p2p.yaml; if it is right, give the token access to it (a "
            "fine-grained token lists it under Repository access and has its owner as resource owner; "
            "a classic token needs the `repo` scope for a private repository)",
        )
    if answer.status == 0:
        return Check(
            "repository",
            False,
            answer.message or f"could not reach {github}",
            "check the network, and $GITHUB_API_URL if set",
        )
    return Check(
        "repository",
        False,
        f"{github} answered {answer.status}: {printable(answer.message, width=200)}",
        "run `p2p doctor` again in a few minutes (https://www.githubstatus.com says whether GitHub is down)",
    )


def _has_scope(scopes: tuple[str, ...], *wanted: str) -> bool:
    return any(scope in scopes for scope in wanted)


def _repository_scopes(facts: RepositoryFacts) -> tuple[str, ...]:
    """The classic scopes that reach the repository: `repo`, or for a public one `public_repo`
    too ("Scopes for OAuth apps", GitHub Docs)."""
    return ("repo",) if facts.private else ("repo", "public_repo")


def _grant(kind: TokenKind, permission: str, where: str) -> str:
    """How to give a token of this kind a fine-grained permission."""
    if kind == "fine-grained":
        return f"edit the token on GitHub: {where} permissions → {permission}: Read and write"
    if kind == "installation":
        return (
            f"give the GitHub App the {where} permission {permission}: Read and write, then approve "
            "the new permission on its installation"
        )
    if kind == "workflow":
        return (
            f"the workflow's built-in GITHUB_TOKEN can never have {permission} for this: store a "
            "fine-grained token with it as the secret P2P_TOKEN (see the guide)"
        )
    return f"use a token with the {where} permission {permission}: Read and write"


def _refusal(answer: Answer, what: str) -> str:
    said = f"{answer.status} {printable(answer.message, width=200)}".strip()
    expects = f"; GitHub expects: {answer.accepted}" if answer.accepted else ""
    return f"GitHub refused to {what} ({said}{expects})"


def _person_roles(facts: RepositoryFacts, kind: TokenKind) -> frozenset[str] | None:
    """The role GET /repos reports for a person's token. An App's installation token acts for no
    person: what it may do shows in the probes' answers, not in a role."""
    return None if kind in ("installation", "workflow") else facts.roles


def _role(roles: frozenset[str]) -> str:
    best = max((r for r in roles if r in ROLES), key=ROLES.index, default="no")
    return {"pull": "read", "push": "write"}.get(best, best)


def _administration(repository: str, observed: Observed, kind: TokenKind) -> Check:
    # Managing collaborators takes Administration: Read and write ("Permissions required for
    # fine-grained personal access tokens", GitHub Docs: PUT and DELETE /collaborators, GET
    # /invitations), or for a classic token the `repo` scope; `public_repo` covers the
    # collaborators of a public repository ("Scopes for OAuth apps", GitHub Docs).
    name = "administration"
    facts = observed.repository
    wanted = _repository_scopes(facts)
    if facts.scopes is not None and not _has_scope(facts.scopes, *wanted):
        return Check(
            name,
            False,
            f"the token's scopes ({', '.join(facts.scopes) or 'none'}) lack `{wanted[-1]}`, which "
            "managing collaborators needs",
            f"add the `{wanted[-1]}` scope to the token",
        )
    answer = observed.invitations
    if answer is not None and not answer.ok:
        if kind in ("classic", "oauth"):
            fix = f"the token's account must be an admin of {repository}"
        else:
            fix = _grant(kind, "Administration", "repository")
        return Check(name, False, _refusal(answer, f"list the invitations of {repository}"), fix)
    roles = _person_roles(facts, kind)
    if roles is not None and "admin" not in roles:
        return Check(
            name,
            False,
            f"the token's account has {_role(roles)} access to {repository}; managing its "
            "collaborators takes admin",
            f"make the token's account an admin of {repository}",
        )
    if kind in ("classic", "oauth", "sandbox"):
        return Check(name, True, f"the token may manage the collaborators of {repository}")
    return Check(
        name,
        True,
        f"the token reads the invitations of {repository}; GitHub shows write access only on a change "
        "(a read-only grant shows as a refused first invitation)",
    )


def _issues(repository: str, observed: Observed, kind: TokenKind) -> Check:
    # Topic issues and labels take Issues: Read and write ("Permissions required for fine-grained
    # personal access tokens": POST /issues, POST /labels), and write access to the repository.
    name = "issues"
    facts = observed.repository
    if not facts.has_issues:
        return Check(
            name,
            False,
            f"Issues are turned off for {repository}",
            "turn them on: the repository's Settings → General → Features → Issues",
        )
    wanted = _repository_scopes(facts)
    if facts.scopes is not None and not _has_scope(facts.scopes, *wanted):
        return Check(
            name,
            False,
            f"the token's scopes ({', '.join(facts.scopes) or 'none'}) lack `{wanted[-1]}`, which opening "
            "issues and creating labels needs",
            f"add the `{wanted[-1]}` scope to the token",
        )
    answer = observed.issues
    if answer is not None and not answer.ok:
        fix = (
            _grant(kind, "Issues", "repository")
            if kind != "workflow"
            else "give the job `permissions: issues: write`, or use the P2P_TOKEN secret"
        )
        return Check(name, False, _refusal(answer, f"list the issues of {repository}"), fix)
    roles = _person_roles(facts, kind)
    if roles is not None and not roles & {"push", "maintain", "admin"}:
        return Check(
            name,
            False,
            f"the token's account has {_role(roles)} access to {repository}; opening topic issues "
            "and creating labels takes write",
            f"give the token's account write access to {repository}",
        )
    if kind in ("classic", "oauth", "sandbox"):
        return Check(name, True, f"the token may open issues and labels in {repository}")
    return Check(
        name,
        True,
        f"the token reads the issues of {repository}; GitHub shows write access only on a change",
    )


def _projects(owner: str, project: int | None, observed: Observed, kind: TokenKind) -> Check:
    # The board takes Projects: Read and write, an organization permission of a fine-grained
    # token ("Permissions required for fine-grained personal access tokens") or the `project`
    # scope of a classic one (`read:project` only reads: "Scopes for OAuth apps", GitHub Docs).
    name = "projects"
    if project is None:
        return Check(name, True, "not needed: p2p.yaml sets no `project:` (no board)")
    facts = observed.repository
    answer = observed.board
    user_owned = facts.owner_type == "User"
    if answer is not None and answer.ok:
        if facts.scopes is not None and not _has_scope(facts.scopes, "project"):
            return Check(
                name,
                False,
                f"the token reads board #{project} of {owner}, but its scopes lack `project` (write)",
                "add the `project` scope to the token (`read:project` only reads)",
            )
        if observed.board_writable is False:
            return Check(
                name,
                False,
                f"the token reads board #{project} of {owner} but may not change it (read-only access)",
                _grant(kind, "Projects", "organization" if not user_owned else "account"),
            )
        if observed.board_writable:
            return Check(name, True, f"the token reads and may change board #{project} of {owner}")
        caveat = (
            "" if kind in ("classic", "oauth", "sandbox") else "; GitHub shows write access only on a change"
        )
        return Check(name, True, f"the token reads board #{project} of {owner}{caveat}")
    if user_owned and kind in ("fine-grained", "installation", "workflow"):
        return Check(
            name,
            False,
            f"{KIND_NAMES[kind]} cannot reach a board owned by a personal account ({owner})",
            "use a classic token with the `repo` and `project` scopes",
        )
    if facts.scopes is not None and not _has_scope(facts.scopes, "project"):
        return Check(
            name,
            False,
            f"the token's scopes ({', '.join(facts.scopes) or 'none'}) lack `project`, which the board needs",
            "add the `project` scope to the token",
        )
    grant = _grant(kind, "Projects", "organization" if not user_owned else "account")
    if answer is None:
        return Check(name, False, f"board #{project} of {owner} was not read", grant)
    if answer.status == 404:
        if facts.scopes is not None:
            # A classic token with the `project` scope sees every board its account can: none is there.
            return Check(
                name,
                False,
                f"{owner} has no Projects board #{project}",
                "create the board, or fix `project:` in p2p.yaml (the board's number is in its address)",
            )
        # "A token without Projects access sees a board as missing": GitHub answers projectV2: null
        # with NOT_FOUND, as for a board that does not exist (SPEC §8, the recorded
        # getInstance-project-not-found).
        return Check(
            name,
            False,
            f"GitHub shows no board #{project} of {owner}: either there is none, or the token lacks "
            "Projects access (GitHub answers both alike)",
            f"if the board exists, {grant}; if not, create it or fix `project:` in p2p.yaml",
        )
    if answer.status in (401, 403):
        return Check(name, False, _refusal(answer, f"read board #{project} of {owner}"), grant)
    said = printable(answer.message, width=200)
    return Check(
        name,
        False,
        said or f"GitHub answered {answer.status} reading board #{project} of {owner}",
        "run `p2p doctor` again in a few minutes"
        if answer.status == 0 or answer.status >= 500
        else "check `project:` in p2p.yaml, then run `p2p doctor` again",
    )


def _board(board: Board) -> Check:
    name = "board"
    title = f" ({printable(board.title)})" if board.title else ""
    problems = [finding.text for finding in board_findings(board) if finding.problem]
    actions = plan_board_setup(board)
    would = []
    for action in actions:
        if isinstance(action, CreateField):
            would.append(f"create field {action.name} ({action.type.replace('_', '-')})")
        elif isinstance(action, SetOptions):
            would.append(f"add {', '.join(action.added)} to {printable(action.field.name)}")
    if not would and not problems:
        return Check(name, True, f"board #{board.number}{title} has the Votes, Event and Status fields")
    found = ["`p2p board setup` would " + "; ".join(would)] if would else []
    found += [problem.removeprefix(f"board #{board.number}: ") for problem in problems]
    fix = (
        "rename or delete the field of the wrong type on the board, then run `p2p board setup`"
        if problems
        else "run `p2p board setup`"
    )
    return Check(
        name, False, f"board #{board.number}{title} is not ready for lean coffee: " + "; ".join(found), fix
    )


def _invitations(sent: Sequence[datetime], now: datetime) -> Check:
    window = [moment for moment in sent if now - moment < INVITATION_WINDOW]
    left = max(INVITATION_LIMIT - len(window), 0)
    hours = INVITATION_WINDOW // timedelta(hours=1)
    # GET /invitations lists pending invitations only: accepted or withdrawn ones sent in the
    # window count against GitHub's limit too ("Add a repository collaborator", GitHub Docs).
    detail = (
        f"at most {left} of {INVITATION_LIMIT} left for the next {hours} h "
        f"({counted(len(window), 'pending invitation')} sent in the last {hours} h; accepted or "
        "withdrawn ones count too)"
    )
    if left:
        return Check("invitations", True, detail)
    free = min(window) + INVITATION_WINDOW
    return Check(
        "invitations",
        False,
        detail,
        f"wait until {free:%Y-%m-%d %H:%M} UTC; `p2p participants sync` sends the rest then",
    )


def _rate(rate: RateFacts) -> Check:
    detail = (
        f"REST {rate.core_remaining} of {rate.core_limit} requests left, GraphQL "
        f"{rate.graphql_remaining} of {rate.graphql_limit} points, until {rate.reset:%H:%M} UTC"
    )
    if min(rate.core_remaining, rate.graphql_remaining) >= LOW_RATE:
        return Check("rate limit", True, detail)
    return Check("rate limit", False, detail, f"wait until {rate.reset:%H:%M} UTC before the next run")
