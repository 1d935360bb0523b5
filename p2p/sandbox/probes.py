"""`p2p --sandbox doctor`: the facts the doctor's probes read from GitHub, read from the sandbox,
with the answers GitHub gives a token that lacks a permission the sandbox was told to revoke."""

from __future__ import annotations

from datetime import timedelta

from p2p.rules.doctor import Answer, Observed, RateFacts, RepositoryFacts
from p2p.sandbox.core import SandboxCore
from p2p.sandbox.records import _pages

# GitHub's refusal of an App's token without the permission ("Permissions required for GitHub
# Apps", GitHub Docs), which names what is needed in X-Accepted-GitHub-Permissions.
REFUSED = "Resource not accessible by integration"
ACCEPTED = {"administration": "administration=read", "issues": "issues=read"}
# A GitHub App installation's hourly REST limit at the least; GraphQL's is the same number of points
# ("Rate limits for the REST API", GitHub Docs).
RATE_LIMIT = 5000


def observe(sandbox: SandboxCore, project: int | None) -> Observed:
    """What the doctor's probes would see of the sandbox's repository, invitations, issues, board
    `project` and rate limit, counted as the requests GitHub would take."""
    state = sandbox._state
    revoked = set(state.revoked)

    def answer(permission: str) -> Answer:
        if permission in revoked:
            return Answer(403, REFUSED, ACCEPTED[permission])
        return Answer(200)

    invitations = answer("administration")
    # GET /repos, GET /invitations (a page per 100), GET /issues, one GraphQL query, GET /rate_limit.
    sandbox._requests.reads += 4 + (_pages(len(state.invitations)) if invitations.ok else 1)
    board_answer: Answer | None = None
    found = None
    if project is not None:
        stored = sandbox._board_numbered(project)
        if stored is None or "projects" in revoked:
            # A token without Projects access sees the board as missing, as for no board at all.
            board_answer = Answer(404, f"Could not resolve to a ProjectV2 with the number {project}.")
        else:
            board_answer = Answer(200)
            found = sandbox._board(stored).model_copy(update={"items": ()})
    return Observed(
        repository=RepositoryFacts(answer=Answer(200), owner_type=state.owner_type),
        viewer=sandbox.viewer,
        invitations=invitations,
        sent=tuple(state.invitations_sent) if invitations.ok else (),
        issues=answer("issues"),
        board=board_answer,
        found_board=found,
        board_writable=True if found is not None else None,
        rate=RateFacts(
            core_remaining=RATE_LIMIT,
            core_limit=RATE_LIMIT,
            graphql_remaining=RATE_LIMIT,
            graphql_limit=RATE_LIMIT,
            reset=sandbox.now + timedelta(hours=1),
        ),
    )
