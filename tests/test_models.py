"""Small rules the models carry themselves."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from p2p.models import Event, Issue, IssueState, Presenter, Settings, StateReason


@pytest.mark.parametrize(
    ("state", "reason", "withdrawn"),
    [
        ("open", None, False),
        ("open", "reopened", False),
        ("closed", "completed", False),  # discussed: its takeaways still count
        ("closed", None, False),
        ("closed", "not_planned", True),
        ("closed", "duplicate", True),  # GitHub's newer reason, split off from "not planned"
    ],
)
def test_which_closed_topics_are_withdrawn(
    state: IssueState, reason: StateReason | None, withdrawn: bool
) -> None:
    issue = Issue(number=1, node_id="I_1", title="Hiring", state=state, state_reason=reason)
    assert issue.withdrawn is withdrawn


@pytest.mark.parametrize(
    "login", ["octocat\n", "octocat ", " octocat", "-octocat", "octo--cat", "a" * 40, ""]
)
def test_a_login_is_exactly_a_github_login(login: str) -> None:
    with pytest.raises(ValidationError, match="not a valid GitHub login"):
        Presenter(name="Nora", github=login)


@pytest.mark.parametrize("login", ["octocat", "NO", "a", "a-b-c", "x" * 39, "0day"])
def test_valid_logins_pass_as_written(login: str) -> None:
    assert Presenter(name="Nora", github=login).github == login


def test_patterns_match_the_whole_value() -> None:
    with pytest.raises(ValidationError):
        Settings(repository="acme/roundtable\n")
    with pytest.raises(ValidationError):
        Event.model_validate({"date": "2026-01-01", "title": "x", "start": "17:00\n"})
