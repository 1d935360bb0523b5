"""`p2p meeting`: the pure core (every key in every state, the clock, undo, quit and resume) and
the facilitator's screen."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from p2p.models import AgendaItem, Event, Roundtable, Settings
from p2p.pages import render
from p2p.pages.meeting import countdown, meeting_view
from p2p.rules.board import STATUS_OPTIONS
from p2p.rules.meeting import (
    DISCUSSED,
    DISCUSSING,
    TO_DISCUSS,
    Effect,
    Log,
    Meeting,
    Move,
    TopicProgress,
    agenda_entries,
    not_reached,
    open_meeting,
    outcome,
    step,
)

AGENDA = (
    TopicProgress(issue=12, title="Flaky tests", votes=7),
    TopicProgress(issue=14, title="Pairing with product", votes=5),
    TopicProgress(issue=9, title="On-call handover", votes=2),
)
TIMEBOX = 8  # minutes: 480 seconds, an extension 240
ONE_VOTE = (TopicProgress(issue=5, title="Hiring", votes=1),)


def opened(agenda: Sequence[TopicProgress] = AGENDA) -> Meeting:
    return open_meeting(agenda, timebox_minutes=TIMEBOX)


def play(meeting: Meeting, *presses: tuple[float, str]) -> tuple[Meeting, list[Effect]]:
    """The meeting after each (time, key) in turn, and every effect on the way."""
    effects: list[Effect] = []
    for now, key in presses:
        meeting, out = step(meeting, key, now)
        effects.extend(out)
    return meeting, effects


def board_moves(effects: Sequence[Effect]) -> list[Move]:
    return [e for e in effects if isinstance(e, Move)]


def last_log(effects: Sequence[Effect]) -> str:
    logs = [e.text for e in effects if isinstance(e, Log)]
    assert len(logs) == 1, logs  # one line a key
    return logs[0]


# The states a meeting can be in, each reached by keys pressed a minute apart from t=0: its keys
# and its phase.
STATES = {
    "ready": ("", "ready"),
    "running": ("s", "running"),
    "paused": ("ss", "paused"),
    "extended twice": ("see", "running"),
    "after done": ("sd", "ready"),
    "over": ("ddd", "over"),
    "stopped": ("q", "stopped"),
}
# A later run, opened from what a quit while #12 was under way wrote: 2 minutes, 1 extension.
RESUMED = (TopicProgress(issue=12, title="Flaky tests", votes=7, discussed=2, extended=1, ongoing=True),)
NOW = 300.0  # when the key under test is pressed


def in_state(name: str) -> Meeting:
    if name == "resumed":
        meeting = opened(RESUMED + AGENDA[1:])
        assert meeting.phase == "paused"
        return meeting
    keys, phase = STATES[name]
    meeting, _ = play(opened(), *((60.0 * i, key) for i, key in enumerate(keys)))
    assert meeting.phase == phase
    return meeting


def test_the_status_columns_are_the_boards() -> None:
    assert (TO_DISCUSS, DISCUSSING, DISCUSSED) == STATUS_OPTIONS


@pytest.mark.parametrize(
    ("state", "key", "phase", "current", "moves", "log"),
    [
        # not started: the first topic is current, its clock at zero
        ("ready", "s", "running", 12, [Move(12, DISCUSSING)], "started #12 Flaky tests"),
        ("ready", "e", "ready", 12, [], "extended #12 Flaky tests by 04:00 (1 extension)"),
        ("ready", "d", "ready", 14, [Move(12, DISCUSSED)], "done #12 Flaky tests after 00:00; next #14"),
        ("ready", "n", "ready", 14, [Move(12, TO_DISCUSS)], "skipped #12 Flaky tests; next #14"),
        ("ready", "u", "ready", 12, [], "nothing to undo"),
        ("ready", "q", "stopped", 12, [], "stopped: 0 of 3 topics reached"),
        ("ready", "x", "ready", 12, [], "ignored 'x': the keys are s e d n u q"),
        # running since t=0
        ("running", "s", "paused", 12, [], "paused #12 Flaky tests at 05:00"),
        ("running", "e", "running", 12, [], "extended #12 Flaky tests by 04:00 (1 extension)"),
        ("running", "d", "ready", 14, [Move(12, DISCUSSED)], "done #12 Flaky tests after 05:00; next #14"),
        ("running", "n", "ready", 14, [Move(12, TO_DISCUSS)], "skipped #12 Flaky tests; next #14"),
        ("running", "u", "ready", 12, [Move(12, TO_DISCUSS)], "undid: started #12 Flaky tests"),
        ("running", "q", "stopped", 12, [], "stopped: 0 of 3 topics reached"),
        ("running", "x", "running", 12, [], "ignored 'x'"),
        # paused at t=60 after a minute
        ("paused", "s", "running", 12, [], "resumed #12 Flaky tests at 01:00"),
        ("paused", "e", "paused", 12, [], "extended #12 Flaky tests by 04:00 (1 extension)"),
        ("paused", "d", "ready", 14, [Move(12, DISCUSSED)], "done #12 Flaky tests after 01:00; next #14"),
        ("paused", "n", "ready", 14, [Move(12, TO_DISCUSS)], "skipped #12 Flaky tests; next #14"),
        ("paused", "u", "running", 12, [], "undid: paused #12 Flaky tests at 01:00"),
        ("paused", "q", "stopped", 12, [], "stopped: 0 of 3 topics reached"),
        ("paused", "", "paused", 12, [], "ignored ''"),
        # running since t=0, extended at t=60 and t=120
        ("extended twice", "s", "paused", 12, [], "paused #12 Flaky tests at 05:00"),
        ("extended twice", "e", "running", 12, [], "extended #12 Flaky tests by 04:00 (3 extensions)"),
        ("extended twice", "d", "ready", 14, [Move(12, DISCUSSED)], "done #12 Flaky tests after 05:00"),
        ("extended twice", "n", "ready", 14, [Move(12, TO_DISCUSS)], "skipped #12 Flaky tests; next #14"),
        ("extended twice", "u", "running", 12, [], "undid: extended #12 Flaky tests by 04:00 (2 extensions)"),
        ("extended twice", "q", "stopped", 12, [], "stopped: 0 of 3 topics reached"),
        ("extended twice", "?", "running", 12, [], "ignored '?'"),
        # #12 done after a minute; #14 current, not started
        ("after done", "s", "running", 14, [Move(14, DISCUSSING)], "started #14 Pairing with product"),
        ("after done", "e", "ready", 14, [], "extended #14 Pairing with product by 04:00 (1 extension)"),
        ("after done", "d", "ready", 9, [Move(14, DISCUSSED)], "done #14 Pairing with product after 00:00"),
        ("after done", "n", "ready", 9, [Move(14, TO_DISCUSS)], "skipped #14 Pairing with product; next #9"),
        ("after done", "u", "running", 12, [Move(12, DISCUSSING)], "undid: done #12 Flaky tests after 01:00"),
        ("after done", "q", "stopped", 14, [], "stopped: 1 of 3 topics reached"),
        ("after done", "x", "ready", 14, [], "ignored 'x'"),
        # every topic done
        ("over", "s", "over", None, [], "ignored 's': every topic has been reached"),
        ("over", "e", "over", None, [], "ignored 'e': every topic has been reached"),
        ("over", "d", "over", None, [], "ignored 'd': every topic has been reached"),
        ("over", "n", "over", None, [], "ignored 'n': every topic has been reached"),
        ("over", "u", "ready", 9, [Move(9, TO_DISCUSS)], "undid: done #9 On-call handover after 00:00"),
        ("over", "q", "stopped", None, [], "stopped: 3 of 3 topics reached"),
        ("over", "S", "over", None, [], "ignored 'S'"),
        # quit: finished for now, every key ignored (a later run resumes)
        *(
            ("stopped", key, "stopped", 12, [], f"ignored {key!r}: the meeting has stopped")
            for key in ("s", "e", "d", "n", "u", "q", "x")
        ),
        # a later run, #12 under way at the last quit: paused at 02:00, its card in Discussing
        ("resumed", "s", "running", 12, [], "resumed #12 Flaky tests at 02:00"),
        ("resumed", "e", "paused", 12, [], "extended #12 Flaky tests by 04:00 (2 extensions)"),
        ("resumed", "d", "ready", 14, [Move(12, DISCUSSED)], "done #12 Flaky tests after 02:00; next #14"),
        ("resumed", "n", "ready", 14, [Move(12, TO_DISCUSS)], "skipped #12 Flaky tests; next #14"),
        ("resumed", "u", "paused", 12, [], "nothing to undo"),
        ("resumed", "q", "stopped", 12, [], "stopped: 0 of 3 topics reached"),
        ("resumed", "x", "paused", 12, [], "ignored 'x'"),
    ],
)
def test_every_key_in_every_state(
    state: str, key: str, phase: str, current: int | None, moves: list[Move], log: str
) -> None:
    meeting, effects = play(in_state(state), (NOW, key))
    assert meeting.phase == phase
    assert (meeting.topic.issue if meeting.topic else None) == current
    assert board_moves(effects) == moves
    assert last_log(effects).startswith(log)


def test_the_clock_runs_only_while_the_topic_is_running() -> None:
    meeting, _ = play(opened(), (0, "s"), (60, "s"), (200, "s"))
    assert meeting.elapsed(260) == 120
    assert meeting.remaining(260) == 480 - 120
    paused, _ = play(meeting, (260, "s"))
    assert paused.elapsed(1000) == paused.elapsed(260) == 120


def test_a_clock_read_out_of_order_never_counts_backwards() -> None:
    meeting, _ = play(opened(), (100, "s"))
    assert meeting.elapsed(90) == 0


def test_extend_twice_adds_half_a_timebox_each_time() -> None:
    meeting, effects = play(opened(), (0, "s"), (480, "e"), (700, "e"))
    assert meeting.topic is not None and meeting.topic.extended == 2
    assert meeting.remaining(900) == 480 + 2 * 240 - 900
    assert last_log(effects[-1:]) == "extended #12 Flaky tests by 04:00 (2 extensions)"
    assert board_moves(effects) == [Move(12, DISCUSSING)]
    once, _ = play(meeting, (710, "u"))
    assert once.topic is not None and once.topic.extended == 1


def test_half_a_timebox_of_an_odd_timebox_keeps_its_seconds() -> None:
    meeting, effects = play(open_meeting(AGENDA, timebox_minutes=5), (0, "e"))
    assert meeting.remaining(0) == 300 + 150
    assert "by 02:30" in last_log(effects)


@pytest.mark.parametrize(
    ("now", "remaining", "shown"),
    [
        (0, 480, "08:00"),
        (0.5, 479.5, "08:00"),  # counted up to the whole second: 08:00 for the first second
        (1, 479, "07:59"),
        (480, 0, "00:00"),
        (480.5, -0.5, "00:00"),
        (481, -1, "-00:01"),
        (545, -65, "-01:05"),  # overtime
        (4200, -3720, "-62:00"),
    ],
)
def test_overtime_counts_on_below_zero(now: float, remaining: float, shown: str) -> None:
    meeting, _ = play(opened(), (0, "s"))
    assert meeting.remaining(now) == remaining
    assert countdown(meeting, now) == shown


def test_skip_sends_the_topic_back_and_takes_up_the_next() -> None:
    meeting, effects = play(opened(), (0, "s"), (90, "n"), (100, "s"))
    assert board_moves(effects) == [Move(12, DISCUSSING), Move(12, TO_DISCUSS), Move(14, DISCUSSING)]
    skipped = meeting.topics[0]
    assert skipped.skipped and skipped.status == TO_DISCUSS and skipped.elapsed == 90
    assert meeting.topic is not None and meeting.topic.issue == 14
    assert meeting.elapsed(160) == 60  # the next topic's clock starts from zero


def test_done_on_the_last_topic_ends_the_agenda() -> None:
    meeting, effects = play(opened(), (0, "n"), (10, "n"), (20, "s"), (80, "d"))
    assert meeting.phase == "over" and meeting.topic is None
    assert last_log(effects[-2:]) == "done #9 On-call handover after 01:00; every topic reached"


def test_undo_after_done_brings_the_topic_back_with_its_clock() -> None:
    meeting, effects = play(opened(), (0, "s"), (300, "d"), (310, "u"))
    assert board_moves(effects) == [Move(12, DISCUSSING), Move(12, DISCUSSED), Move(12, DISCUSSING)]
    assert meeting.phase == "running"  # as it was: the seconds since count
    assert meeting.topic is not None and meeting.topic.issue == 12
    assert meeting.elapsed(310) == 310


def test_undo_after_done_undoes_the_next_topics_start_first() -> None:
    meeting, effects = play(opened(), (0, "s"), (300, "d"), (310, "s"), (320, "u"), (330, "u"))
    assert board_moves(effects)[-2:] == [Move(14, TO_DISCUSS), Move(12, DISCUSSING)]
    assert meeting.topic is not None and meeting.topic.issue == 12


def test_undo_all_the_way_back_to_the_opening() -> None:
    start = opened()
    meeting, effects = play(start, (0, "s"), (10, "e"), (20, "n"), (30, "u"), (40, "u"), (50, "u"))
    assert meeting == start
    started, skipped, unskipped, unstarted = board_moves(effects)
    assert (started, skipped) == (Move(12, DISCUSSING), Move(12, TO_DISCUSS))
    assert (unskipped, unstarted) == (Move(12, DISCUSSING), Move(12, TO_DISCUSS))
    again, more = play(meeting, (60, "u"))
    assert again == start and last_log(more) == "nothing to undo"


def test_a_title_cannot_reach_the_terminal_raw() -> None:
    _, effects = play(opened([TopicProgress(issue=1, title="a\x1b[2Jb", votes=1)]), (0, "s"))
    assert "\x1b" not in last_log(effects)


# --- what the event file records, and resuming from it -------------------------------------


def test_quit_records_what_happened_and_a_later_run_resumes() -> None:
    meeting, _ = play(
        opened(),
        (0, "s"),
        (480, "e"),
        (630, "d"),  # 10:30 with one extension
        (640, "n"),
        (650, "s"),
        (680, "e"),
        (750, "q"),  # #9 under way at the quit, for 01:40 with one extension
    )
    assert meeting.phase == "stopped"
    entries = agenda_entries(meeting)
    assert entries == (
        TopicProgress(issue=12, title="Flaky tests", votes=7, discussed=11, extended=1),
        TopicProgress(issue=14, title="Pairing with product", votes=5, discussed=0),
        TopicProgress(issue=9, title="On-call handover", votes=2, discussed=2, extended=1, ongoing=True),
    )
    assert [t.issue for t in not_reached(meeting)] == [9]

    resumed = opened(entries)
    assert resumed.phase == "paused"  # the topic under way is continued, its clock stopped
    assert resumed.topic is not None and resumed.topic.issue == 9
    assert resumed.elapsed(0) == 120 and resumed.remaining(0) == 480 + 240 - 120
    assert agenda_entries(resumed) == entries
    assert resumed.topics[0].elapsed == 660 and resumed.topics[0].extended == 1

    later, effects = play(resumed, (0, "u"), (5, "s"), (65, "d"))
    assert last_log(effects[:1]) == "nothing to undo"  # the undo history is this run's
    assert last_log(effects[1:2]) == "resumed #9 On-call handover at 02:00"
    assert board_moves(effects) == [Move(9, DISCUSSED)]  # its card is in Discussing already
    assert later.phase == "over" and not not_reached(later)
    assert agenda_entries(later)[2] == TopicProgress(
        issue=9, title="On-call handover", votes=2, discussed=3, extended=1
    )


def test_a_topic_left_under_way_is_continued_first_even_if_a_tally_moved_it_down() -> None:
    # Votes came in after the quit: #9, under way, is now below #14, not yet reached.
    reordered = (
        TopicProgress(issue=12, title="Flaky tests", votes=7, discussed=8),
        TopicProgress(issue=14, title="Pairing with product", votes=5),
        TopicProgress(issue=9, title="On-call handover", votes=6, discussed=3, ongoing=True),
    )
    resumed = opened(reordered)
    assert resumed.phase == "paused" and resumed.topic is not None and resumed.topic.issue == 9
    meeting, effects = play(resumed, (0, "s"), (60, "d"), (70, "s"), (130, "d"))
    assert board_moves(effects) == [Move(9, DISCUSSED), Move(14, DISCUSSING), Move(14, DISCUSSED)]
    assert meeting.phase == "over"
    assert [e.discussed for e in agenda_entries(meeting)] == [8, 1, 4]


def test_a_quit_before_the_current_topic_started_records_nothing_of_it() -> None:
    meeting, _ = play(opened(), (0, "s"), (60, "d"), (70, "q"))
    assert agenda_entries(meeting)[1:] == AGENDA[1:]
    undone, _ = play(opened(), (0, "s"), (10, "u"), (20, "q"))  # started, then undone
    assert agenda_entries(undone) == AGENDA


def test_a_quit_seconds_into_a_topic_keeps_it_under_way() -> None:
    meeting, _ = play(opened(), (0, "s"), (20, "q"))
    assert agenda_entries(meeting)[0] == TopicProgress(
        issue=12, title="Flaky tests", votes=7, discussed=0, ongoing=True
    )
    resumed = opened(agenda_entries(meeting))
    assert resumed.phase == "paused" and not resumed.topics[0].skipped


def test_skipping_a_resumed_topic_moves_its_card_from_where_the_last_run_left_it() -> None:
    resumed = opened(AGENDA)  # #12's card may be in Discussing: a quit while it was under way
    _, effects = play(resumed, (0, "n"))
    assert board_moves(effects) == [Move(12, TO_DISCUSS)]


def test_a_meeting_resumed_after_every_topic_is_over() -> None:
    entries = [TopicProgress(issue=12, title="Flaky tests", votes=7, discussed=8)]
    assert opened(entries).phase == "over"
    assert opened(()).phase == "over"


@pytest.mark.parametrize(
    ("seconds", "discussed"),
    [(0, 1), (29, 1), (89, 1), (90, 2), (150, 3), (151, 3), (600, 10), (629, 10), (630, 11)],
)
def test_minutes_discussed_to_the_nearest_at_least_one(seconds: float, discussed: int) -> None:
    meeting, _ = play(opened(), (0, "s"), (seconds, "d"))
    assert agenda_entries(meeting)[0].discussed == discussed
    assert agenda_entries(meeting)[0].extended is None


# --- the screen ---------------------------------------------------------------------------


def screen(meeting: Meeting, now: float, *, failed: Sequence[str] = (), waiting: int = 0) -> str:
    console = Console(record=True, width=80)
    console.print(meeting_view(meeting, now, title="Roundtable, May", failed=failed, waiting=waiting))
    return console.export_text()


def test_the_screen_shows_the_current_topic_and_its_countdown() -> None:
    meeting, _ = play(opened(), (0, "s"), (100, "e"), (200, "s"))
    text = screen(meeting, 400)
    assert "Roundtable, May" in text
    assert "#12 Flaky tests   7 votes" in text
    assert "08:40 left" in text  # 480 + 240 - 200
    assert "paused" in text
    assert "1 extension of 04:00" in text
    assert "▶" in text and "Pairing with product" in text and "On-call handover" in text
    assert "Board writes that failed" not in text


def test_the_screen_marks_done_and_skipped_topics_and_the_overtime() -> None:
    meeting, _ = play(opened(), (0, "s"), (540, "d"), (550, "n"), (560, "s"))
    text = screen(meeting, 560 + 500)
    assert "-00:20 overtime" in text
    assert "#9 On-call handover   2 votes" in text
    assert "✓" in text and "09:00" in text
    assert "↷" in text and "skipped" in text


def test_the_screen_lists_the_board_writes_that_failed() -> None:
    text = screen(opened(), 0, failed=["#12 → Discussing: 502 Bad Gateway, retrying"])
    assert "Board writes that failed" in text
    assert "#12 → Discussing: 502 Bad Gateway, retrying" in text
    assert "08:00 left" in text and "not started" in text


@pytest.mark.parametrize(
    ("state", "shown"),
    [("over", "Every topic has been reached"), ("stopped", "Stopped. Run `p2p meeting` again")],
)
def test_the_screen_once_the_topics_run_out_or_the_meeting_stops(state: str, shown: str) -> None:
    assert shown in screen(in_state(state), NOW)


# --- the pages: how each topic went --------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        ({}, "not reached"),
        ({"discussed": 0}, "skipped"),
        ({"discussed": 1}, "discussed 1 minute"),
        ({"discussed": 11, "extended": 1}, "discussed 11 minutes, extended once"),
        ({"discussed": 14, "extended": 2}, "discussed 14 minutes, extended twice"),
        ({"discussed": 20, "extended": 3}, "discussed 20 minutes, extended 3 times"),
        ({"discussed": 3, "ongoing": True}, "discussed 3 minutes, unfinished"),
        ({"discussed": 0, "ongoing": True}, "discussed 0 minutes, unfinished"),
        ({"discussed": 9, "extended": 1, "ongoing": True}, "discussed 9 minutes, extended once, unfinished"),
    ],
)
def test_what_the_pages_say_of_a_topic(recorded: dict[str, int | bool], said: str) -> None:
    assert outcome(AgendaItem(issue=1, title="T", votes=1, **recorded)) == said


def past_event(agenda: list[dict[str, object]], **fields: object) -> Roundtable:
    event = Event(id="2024-03-01", date=date(2024, 3, 1), title="Lean coffee", agenda=agenda, **fields)
    return Roundtable(settings=Settings(repository="acme/rt", organizers=("orga",)), events=(event,))


MET = [
    {"issue": 12, "title": "Flaky tests", "votes": 7, "discussed": 11, "extended": 1},
    {"issue": 14, "title": "Pairing with product", "votes": 5, "discussed": 4, "ongoing": True},
    {"issue": 9, "title": "On-call handover", "votes": 2},
]
LATER = datetime(2024, 4, 1, tzinfo=UTC)


def test_the_readme_says_how_long_each_topic_was_discussed_and_which_were_not_reached() -> None:
    body = render.readme_regions(
        past_event(MET), LATER, repository="acme/rt", env=render.environment(), names=("previous-events",)
    )["previous-events"]
    issues = "https://github.com/acme/rt/issues"
    assert f"1. [Flaky tests]({issues}/12) (7 votes): discussed 11 minutes, extended once\n" in body
    assert f"2. [Pairing with product]({issues}/14) (5 votes): discussed 4 minutes, unfinished\n" in body
    assert f"3. [On-call handover]({issues}/9) (2 votes): not reached\n" in body


def test_an_agenda_the_meeting_never_ran_says_nothing_of_how_it_went() -> None:
    agenda: list[dict[str, object]] = [{"issue": 12, "title": "Flaky tests", "votes": 7}]
    rt = past_event(agenda)
    body = render.readme_regions(
        rt, LATER, repository="acme/rt", env=render.environment(), names=("previous-events",)
    )["previous-events"]
    assert "1. [Flaky tests](https://github.com/acme/rt/issues/12) (7 votes)\n" in body
    assert "not reached" not in body
    assert "Lean coffee" not in render.takeaways_page(rt, repository="acme/rt", env=render.environment())


def test_takeaways_show_a_meeting_without_takeaways_too() -> None:
    page = render.takeaways_page(past_event(MET), repository="acme/rt", env=render.environment())
    assert (
        '<a name="2024-03-01"></a>\n\n## March 1, 2024: Lean coffee\n\nHow the agenda went:\n\n1. [Flaky'
        in page
    )
    assert "(2 votes): not reached\n" in page and not page.endswith("\n\n")
    tokens = [t.type for t in MarkdownIt().parse(page)]
    assert tokens.count("ordered_list_open") == 1 and tokens.count("list_item_open") == 3
    assert "No takeaways yet." not in page


def test_the_screen_says_one_vote() -> None:
    assert re.search(r"#5 Hiring   1 vote +│", screen(opened(ONE_VOTE), 0))


@pytest.mark.parametrize(
    ("waiting", "shown"),
    [(0, None), (1, "Board: 1 move waiting to be written"), (3, "Board: 3 moves waiting to be written")],
)
def test_the_screen_shows_the_board_moves_still_waiting(waiting: int, shown: str | None) -> None:
    text = screen(opened(), 0, waiting=waiting)
    if shown is None:
        assert "waiting to be written" not in text
    else:
        assert shown in text


def test_quitting_a_one_topic_agenda_says_topic_in_the_singular() -> None:
    _, effects = play(opened(ONE_VOTE), (0, "q"))
    assert last_log(effects) == "stopped: 0 of 1 topic reached"
