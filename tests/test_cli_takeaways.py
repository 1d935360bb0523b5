"""`p2p takeaways collect` explains every `Takeaway:` comment it leaves out, as `votes tally`
explains every 👍 it does not count."""

from __future__ import annotations

import pytest

from p2p.models import Comment
from p2p.rules.takeaways import LeftOut, left_out, plan_takeaways
from tests import test_takeaways, test_topics_cli
from tests.test_takeaways import TOPICS, comment
from tests.test_topics_cli import E, Roundtable

# The same two roundtables as the other command tests: the sandbox's and the fake GitHub's.
roundtable = test_topics_cli.roundtable
rules_roundtable = test_takeaways.roundtable

# TOPICS: #1 and #2 topics of the event, #3 withdrawn, #4 labelled for the event but no topic;
# alice is accepted, carol waitlisted, dave cancelled, orga an organizer.


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (comment(10, "Takeaway: x", author="eve"), "not a participant"),
        (comment(10, "Takeaway: x", author="carol"), "waitlisted"),
        (comment(10, "Takeaway: x", author="dave"), "cancelled"),
        (comment(10, "Takeaway: x", bot=True), "bot"),
        (comment(10, "Takeaway: x", author=None), "deleted account"),
        (comment(10, "Takeaway: x", issue=3), "withdrawn topic"),
        (comment(10, "Takeaway: x", issue=4), "not a topic"),
        (comment(10, "Takeaway: x", issue=99), "other event"),
    ],
)
def test_each_comment_left_out_has_its_reason(given: Comment, why: str) -> None:
    rt, event = rules_roundtable()
    assert plan_takeaways(rt, event, TOPICS, [given]) == []
    assert left_out(rt, event, TOPICS, [given]) == (LeftOut(10, given.issue, given.author, "x", why),)  # type: ignore[arg-type]


def test_collected_comments_and_plain_ones_are_not_listed() -> None:
    rt, event = rules_roundtable()
    comments = [
        comment(10, "Takeaway: counted"),
        comment(11, "Takeaway: the organizer's", author="orga"),
        comment(12, "Just a remark", author="eve"),
        comment(13, "Takeaway: outsider", author="eve"),
    ]
    assert len(plan_takeaways(rt, event, TOPICS, comments)) == 2
    assert [c.comment for c in left_out(rt, event, TOPICS, comments)] == [13]


def test_collect_lists_what_it_left_out(roundtable: Roundtable) -> None:
    world = roundtable.world
    topic = world.add_issue("On-call", labels=["topic", f"event:{E}"], author="alice")
    withdrawn = world.add_issue("Gone", labels=["topic", f"event:{E}"], author="alice")
    world.close_issue(withdrawn, "not_planned")
    proposal = world.add_issue("Later", labels=["topic"], author="alice")
    world.add_comment(topic, "alice", "Takeaway: Pair QA with product early.")
    outsider = world.add_comment(topic, "eve", "Takeaway: buy my product")
    world.add_comment(topic, "bob", "No takeaway here")
    gone = world.add_comment(withdrawn, "alice", "Takeaway: from a withdrawn topic")
    early = world.add_comment(proposal, "alice", "Takeaway: too early")

    run = roundtable.run("takeaways", "collect", "--dry-run")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    start = lines.index("not collected:")
    assert lines[start + 1].split() == ["who", "issue", "comment", "why", "takeaway"]
    rows = sorted(lines[start + 3 : start + 6])  # after the headers and their rule
    assert [row.split()[:3] for row in rows] == sorted(
        [
            ["eve", f"#{topic}", str(outsider)],
            ["alice", f"#{withdrawn}", str(gone)],
            ["alice", f"#{proposal}", str(early)],
        ]
    )
    text = "\n".join(rows)
    assert "not a participant" in text and "withdrawn topic" in text and "other event" in text
    assert "add takeaway" in run.stdout and "Pair QA" in run.stdout
