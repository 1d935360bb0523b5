"""SPEC 4.5: the board's fields, created where missing, nothing right changed, no option lost."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

import pytest

from p2p.models import Board, BoardField, BoardItem, FieldOption
from p2p.port import FieldValue, Port
from p2p.rules.board import (
    CreateField,
    SetOptions,
    SetValue,
    board_findings,
    missing_fields,
    plan_board_setup,
)
from p2p.rules.plan import format_plan
from p2p.sandbox.store import Sandbox


def options(*names: str, prefix: str = "o") -> tuple[FieldOption, ...]:
    return tuple(FieldOption(id=f"{prefix}{i}", name=n) for i, n in enumerate(names))


VOTES = BoardField(id="F_votes", name="Votes", type="number")
EVENT = BoardField(id="F_event", name="Event", type="text")
LEAN = BoardField(
    id="F_status",
    name="Status",
    type="single_select",
    options=options("To Discuss", "Discussing", "Discussed"),
)
# A new Projects board's own Status field.
DEFAULT = BoardField(
    id="F_status", name="Status", type="single_select", options=options("Todo", "In Progress", "Done")
)
TITLE = BoardField(id="F_title", name="Title", type="other")


def board(*fields: BoardField, items: tuple[BoardItem, ...] = ()) -> Board:
    return Board(id="B", number=1, fields=(TITLE, *fields), items=items)


def summary(current: Board) -> list[tuple[str, str, tuple[str, ...]]]:
    result = []
    for action in plan_board_setup(current):
        if isinstance(action, CreateField):
            result.append(("create", action.name, action.options))
        else:
            result.append(("options", action.field.name, action.options))
    return result


CASES = [
    pytest.param(
        board(),
        [
            ("create", "Votes", ()),
            ("create", "Event", ()),
            ("create", "Status", ("To Discuss", "Discussing", "Discussed")),
        ],
        id="an empty board gets every field",
    ),
    pytest.param(board(VOTES, EVENT, LEAN), [], id="a board that is right is left alone"),
    pytest.param(board(LEAN), [("create", "Votes", ()), ("create", "Event", ())], id="only what is missing"),
    pytest.param(
        board(VOTES, EVENT, DEFAULT),
        [("options", "Status", ("To Discuss", "Discussing", "Discussed", "Todo", "In Progress", "Done"))],
        id="GitHub's default Status gains the columns and keeps its own",
    ),
    pytest.param(
        board(
            VOTES, EVENT, LEAN.model_copy(update={"options": options("Discussed", "Parked", "To Discuss")})
        ),
        [("options", "Status", ("To Discuss", "Discussing", "Discussed", "Parked"))],
        id="one option missing",
    ),
    pytest.param(
        board(
            VOTES.model_copy(update={"name": "votes"}),
            EVENT.model_copy(update={"name": "EVENT"}),
            LEAN.model_copy(update={"options": options("to discuss", "DISCUSSING", "Discussed")}),
        ),
        [],
        id="names compare regardless of case, as on GitHub",
    ),
    pytest.param(
        board(VOTES.model_copy(update={"type": "text"}), EVENT, LEAN),
        [],
        id="a field of the wrong type is reported, not touched",
    ),
]


@pytest.mark.parametrize(("current", "expected"), CASES)
def test_plan_board_setup(current: Board, expected: list[tuple[str, str, tuple[str, ...]]]) -> None:
    assert summary(current) == expected


def test_the_plan_says_which_options_items_keep() -> None:
    items = (BoardItem(id="i1", issue=1, values={"Status": "Todo"}), BoardItem(id="i2", issue=2))
    (action,) = plan_board_setup(board(VOTES, EVENT, DEFAULT, items=items))
    assert isinstance(action, SetOptions)
    assert action.reason == (
        "add To Discuss, Discussing, Discussed; keep Todo, In Progress, Done (1 item keeps its Status)"
    )
    assert "set options" in format_plan([action])


def test_findings_report_extra_options_and_wrong_types() -> None:
    items = (BoardItem(id="i1", issue=1, values={"Status": "Todo"}),)
    wrong = VOTES.model_copy(update={"type": "text"})
    findings = board_findings(board(wrong, EVENT, DEFAULT, items=items))
    assert [(f.problem, f.text) for f in findings] == [
        (
            True,
            'board #1: field "Votes" is a text field, not a number field; GitHub cannot change a '
            "field's type: rename or delete it on the board, then run `p2p board setup` again",
        ),
        (False, "board #1: Status keeps its other options: Todo (1 item), In Progress, Done"),
    ]
    assert board_findings(board(VOTES, EVENT, LEAN)) == []


def test_missing_fields_hint() -> None:
    assert missing_fields(board(VOTES, EVENT, LEAN)) == []
    assert missing_fields(board(DEFAULT)) == [
        "field Votes",
        "field Event",
        "Status option To Discuss",
        "Status option Discussing",
        "Status option Discussed",
    ]


class Replacing:
    """A port whose set_options gives every option a new id, as GitHub's updateProjectV2Field
    may, and records the values set afterwards."""

    def __init__(self) -> None:
        self.set: list[tuple[str, str, str | float]] = []
        self.requests: list[int] = []  # values per set_fields request

    def set_options(self, board: Board, field: BoardField, names: Sequence[str]) -> BoardField:
        return field.model_copy(update={"options": options(*names, prefix="new")})

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        assert field.option(str(value)) is not None
        self.set.append((item.id, field.name, value))

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        self.requests.append(len(values))
        for value in values:
            self.set_field(board, value.item, value.field, value.value)


def test_values_orphaned_by_new_option_ids_are_set_again() -> None:
    items = (
        BoardItem(id="i1", issue=1, values={"Status": "Todo"}),
        BoardItem(id="i2", issue=2),
        BoardItem(id="i3", issue=3, values={"Status": "Done"}),
    )
    (action,) = plan_board_setup(board(VOTES, EVENT, DEFAULT, items=items))
    port = Replacing()
    action.apply(cast(Port, port))
    assert port.set == [("i1", "Status", "Todo"), ("i3", "Status", "Done")]
    assert port.requests == [2]  # both in one request


def test_setup_through_the_sandbox_keeps_items_values_and_converges() -> None:
    sandbox = Sandbox.new("acme/roundtable", now=datetime(2030, 1, 1, tzinfo=UTC))
    current = sandbox.board
    assert current is not None
    status = current.field("Status")
    assert status is not None
    sandbox.set_options(current, status, ["Todo", "Done"])
    number = sandbox.add_issue("Q", labels=("topic",))
    current = sandbox.board
    assert current is not None
    status = current.field("Status")
    assert status is not None
    item = sandbox.add_item(current, sandbox.issues[0])
    sandbox.set_field(current, item, status, "Done")
    current = sandbox.board
    assert current is not None

    for action in plan_board_setup(current):
        action.apply(sandbox)
    after = sandbox.board
    assert after is not None
    assert plan_board_setup(after) == []
    assert [(i.issue, i.values) for i in after.items] == [(number, {"Status": "Done"})]
    status = after.field("Status")
    assert status is not None
    assert [o.name for o in status.options] == [
        "To Discuss",
        "Discussing",
        "Discussed",
        "Todo",
        "Done",
    ]


def test_text_read_from_the_board_is_printable() -> None:
    # Cells, field names and option names come from the board, which others edit: control
    # characters must not reach the terminal.
    item = BoardItem(id="i1", issue=1, values={"Event": "\x1b[2Jold"})
    change = SetValue(board(VOTES, EVENT, LEAN), item, EVENT, "2030-05-01", "topic of 2030-05-01")
    assert change.reason == "\\u001b[2Jold -> 2030-05-01: topic of 2030-05-01"
    odd = DEFAULT.model_copy(update={"options": options("Todo\x1b]8;;x\x07", "Done")})
    used = (BoardItem(id="i2", issue=2, values={"Status": "Todo\x1b]8;;x\x07"}),)
    (action,) = plan_board_setup(board(VOTES, EVENT, odd, items=used))
    texts = [action.reason, *(f.text for f in board_findings(board(VOTES, EVENT, odd, items=used)))]
    assert all("\x1b" not in text and "\x07" not in text for text in texts), texts
    assert "keep Todo\\u001b]8;;x\\u0007, Done" in action.reason
