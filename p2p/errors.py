"""Domain errors: every expected failure is a P2PError, caught only in p2p.cli.app."""

from __future__ import annotations

from pathlib import Path


class P2PError(Exception):
    """A failure the toolkit reports in one clear message and exit status 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(P2PError):
    """Invalid input in one file, at one line (1-based; 0 when no line applies)."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class InputErrors(P2PError):
    """Several InputErrors found in one pass (`p2p check` reports them all)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(error.message for error in errors))


class UsageError(P2PError):
    """A command used in a way that cannot work (unknown event, bad date): exit status 2."""

    exit_code = 2


class NothingToDo(P2PError):
    """Not a failure: there is nothing for the command to work on (no upcoming event)."""

    exit_code = 0


class GitHubError(P2PError):
    """GitHub refused or failed a request; the message says what to do about it."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class InvitationLimitError(GitHubError):
    """GitHub refuses more invitations: 50 per repository per 24 hours."""


class UnknownLoginError(GitHubError):
    """GitHub has no account of a login it was asked to invite (404): misspelt, renamed or deleted.

    Only that person's invitation fails: the others of a plan go on.
    """

    def __init__(self, login: str, *, status: int | None = 404) -> None:
        super().__init__(
            f"GitHub knows no account {login!r} (404 Not Found): the login is misspelt, or the account "
            "was renamed or deleted; correct the registration",
            status=status,
        )
        self.login = login


class GuardError(P2PError):
    """A plan tripped a safety guard (mass removal) and nothing was applied."""


class StaleError(P2PError):
    """Generated files differ from what their sources give (`p2p render --check`)."""
