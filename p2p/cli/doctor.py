"""`p2p doctor`: check the setup against GitHub without changing anything, one line per check."""

from __future__ import annotations

import json

from p2p.cli.workspace import SANDBOX_FILE, Workspace
from p2p.errors import InputErrors, P2PError
from p2p.files import SETTINGS_FILE
from p2p.files.load import check as check_files
from p2p.files.load import event_files, load_settings
from p2p.models import Settings
from p2p.port import RequestCount
from p2p.rules.doctor import Check, Files, Observed, Setup, Token, diagnose, failed, token_kind
from p2p.rules.plan import counted


def doctor(ws: Workspace, *, as_json: bool) -> int:
    """Every check, printed one a line (or as one JSON document); 1 when any failed."""
    setup, requests = _observe(ws)
    checks = diagnose(setup, ws.now)
    bad = failed(checks)
    if as_json:
        report = {"ok": not bad, "checks": [_shown(c) for c in checks]}
        ws.out(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for check in checks:
            ws.out(check.line())
        ws.out(
            f"{counted(len(bad), 'problem')} found: fix the ✗ lines, then run `p2p doctor` again"
            if bad
            else "all checks passed"
        )
    if ws.verbose and requests is not None:
        ws.err(
            f"GitHub: {counted(requests.total, 'HTTP request')} "
            f"({counted(requests.reads, 'read')}, {counted(requests.writes, 'write')})"
        )
    return 1 if bad else 0


def _shown(check: Check) -> dict[str, object]:
    return {"name": check.name, "ok": check.ok, "detail": check.detail, "fix": check.fix or None}


def _observe(ws: Workspace) -> tuple[Setup, RequestCount | None]:
    """The files, the token and what GitHub (or the sandbox) shows of the setup."""
    errors = check_files(ws.root)
    files = Files(
        errors=tuple(error.message for error in errors),
        files_in_error=len({error.path for error in errors}),
        event_files=len(event_files(ws.root)),
    )
    try:
        settings: Settings | None = load_settings(ws.settings_path, shown=SETTINGS_FILE)
    except InputErrors:
        settings = None  # the files check says why; nothing else can be checked without it
    if settings is None:
        return Setup(files=files, repository=None, project=None, token=None, settings_read=False), None
    repository = settings.repository or ws.env.get("GITHUB_REPOSITORY") or None
    project = settings.project
    if ws.sandbox:
        token = Token(kind="sandbox")
        observed = None
        requests = None
        if repository is not None:
            from p2p.sandbox.probes import observe as observe_sandbox
            from p2p.sandbox.store import Sandbox

            # Opened, never closed: the doctor writes nothing, not even a new sandbox's file.
            sandbox = Sandbox.open(ws.root / SANDBOX_FILE, repository=repository, now=ws.now)
            observed = observe_sandbox(sandbox, project)
            requests = sandbox.requests
        setup = Setup(files, repository, project, token, observed, github="the sandbox")
        return setup, requests
    found = _token(ws)
    if found is None or repository is None:
        return Setup(files, repository, project, None if found is None else found[0]), None
    token, secret = found
    return _github(files, repository, project, token, secret, ws)


def _github(
    files: Files, repository: str, project: int | None, token: Token, secret: str, ws: Workspace
) -> tuple[Setup, RequestCount | None]:
    from p2p.github.probes import observe

    try:
        observed, requests = observe(repository, env=ws.env, token=secret, project=project)
    except P2PError as error:  # GitHub unreachable, or no answer it could be read from
        from p2p.rules.doctor import Answer, RepositoryFacts

        observed, requests = Observed(RepositoryFacts(Answer(0, error.message))), None
    return Setup(files, repository, project, token, observed), requests


def _token(ws: Workspace) -> tuple[Token, str] | None:
    """The token the commands would use, with where it came from (it is shown nowhere)."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = ws.env.get(name, "").strip()
        if value:
            return Token(kind=token_kind(value), source=f"${name}"), value
    from p2p.github.credentials import api_url, find_token

    try:
        value = find_token(ws.env, api_url(ws.env))
    except P2PError:
        return None
    return Token(kind=token_kind(value), source="`gh auth token`"), value
