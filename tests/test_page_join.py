"""The page tells a participant how to join: the seat form or the organizers, a calendar to
subscribe to, and where and until when the meeting runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from p2p.models import Event, Roundtable, Settings
from p2p.pages import render

NOW = datetime(2024, 5, 1, tzinfo=UTC)
REPOSITORY = "profiq/peer-to-peer"
ENV = render.environment()


def page(*, repository: str | None = REPOSITORY, event: dict[str, Any] | None = None, **settings: Any) -> str:
    fields = {"date": date(2024, 5, 15), "title": "Hiring"} | (event or {})
    roundtable = Roundtable(
        settings=Settings(repository=repository, **settings), events=(Event(id="2024-05-15", **fields),)
    )
    regions = render.readme_regions(roundtable, NOW, repository=repository, env=ENV, names=("next-event",))
    return regions["next-event"]


def line(text: str, start: str) -> str:
    [found] = [line for line in text.splitlines() if line.startswith(start)]
    return found


SEAT_FORM = f"https://github.com/{REPOSITORY}/issues/new?template=seat.yml"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "approval",
            f"- **Join:** [Request a seat]({SEAT_FORM}) "
            "(an organizer approves it; seats go first come, first served)",
        ),
        ("open", f"- **Join:** [Request a seat]({SEAT_FORM}) (seats go first come, first served)"),
    ],
)
def test_join_links_to_the_seat_form(mode: str, expected: str) -> None:
    assert line(page(seat_requests=mode), "- **Join:**") == expected


def test_without_seat_requests_the_organizers_are_named() -> None:
    text = page(seat_requests="off", organizers=["octocat", "hubot", "Mona-Lisa"])
    assert line(text, "- **Join:**") == (
        "- **Join:** ask one of the organizers, [octocat](https://github.com/octocat), "
        "[hubot](https://github.com/hubot) or [Mona-Lisa](https://github.com/Mona-Lisa), for a seat"
    )
    assert "seat.yml" not in text
    one = page(seat_requests="off", organizers=["octocat"])
    assert (
        line(one, "- **Join:**")
        == "- **Join:** ask the organizer, [octocat](https://github.com/octocat), for a seat"
    )
    assert line(page(seat_requests="off"), "- **Join:**") == "- **Join:** ask the organizers for a seat"


def test_without_a_repository_the_form_is_named() -> None:
    text = page(repository=None)
    assert (
        line(text, "- **Join:**")
        == '- **Join:** request a seat with this repository\'s "Request a seat" issue form'
    )
    assert line(text, "- **Calendar:**") == "- **Calendar:** subscribe to the [calendar](events.ics)"


def test_the_calendar_is_subscribable() -> None:
    raw = f"https://raw.githubusercontent.com/{REPOSITORY}/HEAD/events.ics"
    assert line(page(), "- **Calendar:**") == (
        f"- **Calendar:** subscribe to the [calendar]({raw.replace('https://', 'webcal://')}) "
        f"(or add [its address]({raw}) to your calendar app)"
    )
    nothing = render.readme_regions(
        Roundtable(settings=Settings(repository=REPOSITORY)),
        NOW,
        repository=REPOSITORY,
        env=ENV,
        names=("next-event",),
    )["next-event"]
    assert f"({raw})" in nothing and "(webcal://" in nothing
    assert "/blob/" not in page() + nothing and "](events.ics)" not in page() + nothing


def test_place_and_end_time_are_shown_where_known() -> None:
    text = page(event={"start": "17:00", "duration": 90, "location": "Denver Central Library"})
    assert (
        line(text, "- **When:**") == "- **When:** Wednesday, May 15, 2024, 17:00–18:30 MDT (America/Denver)"
    )
    assert line(text, "- **Where:**") == "- **Where:** Denver Central Library"
    unknown = page(event={"start": "17:00"})
    assert line(unknown, "- **When:**") == "- **When:** Wednesday, May 15, 2024, 17:00 MDT (America/Denver)"
    assert "**Where:**" not in unknown
