"""Small rules the models carry themselves."""

from __future__ import annotations

import pytest

from p2p.models import Issue, IssueState, StateReason


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
