"""The straightforward way, for comparison: a PyGithub script written the way most are.

It does what `participants sync` and `votes tally` do at their core, one object at a time:
list the collaborators, check each registrant with `has_in_collaborators` and invite those
who are not; list the open `topic` issues, then fetch each issue's reactions and count the
👍 of the accepted participants and organizers. PyGithub's defaults are kept (30 items per
page) except its pauses between requests, which are made instant like the toolkit's
(`P2P_WRITE_DELAY=0`) so that wall times compare the work, not the waiting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from github import Auth, Github
from github.Repository import Repository


def connect(*, api_url: str, token: str, repository: str) -> Repository:
    """The repository object (one request: GET /repos/{owner}/{repo})."""
    client = Github(
        auth=Auth.Token(token),
        base_url=api_url,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    return client.get_repo(repository)


def access(repo: Repository, registrants: Iterable[str], *, permission: str = "triage") -> list[str]:
    """Invite every registrant who is not a collaborator yet; returns who was invited."""
    registered = list(registrants)
    collaborators = {user.login.casefold() for user in repo.get_collaborators()}
    strangers = [login for login in collaborators if login not in {r.casefold() for r in registered}]
    del strangers  # a real script would review these for removal; the benchmark removes nobody
    invited = []
    for login in registered:
        if not repo.has_in_collaborators(login):
            repo.add_to_collaborators(login, permission=permission)
            invited.append(login)
    return invited


def tally(repo: Repository, voters: Iterable[str]) -> list[tuple[int, int]]:
    """(issue number, 👍 count) of every open topic, most votes first, ties by number."""
    allowed = {login.casefold() for login in voters}
    votes: Counter[int] = Counter()
    for issue in repo.get_issues(state="open", labels=["topic"]):
        votes[issue.number] += 0
        for reaction in issue.get_reactions():
            if reaction.content == "+1" and reaction.user.login.casefold() in allowed:
                votes[issue.number] += 1
    return sorted(votes.items(), key=lambda pair: (-pair[1], pair[0]))
