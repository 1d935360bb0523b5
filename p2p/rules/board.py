"""SPEC 4.5, the lean-coffee board: the fields it needs, and the small actions that change it."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from p2p.models import Board, BoardField, BoardItem, FieldOption, FieldType
from p2p.port import VALUES_PER_REQUEST, FieldValue, Port, item_name
from p2p.rules.plan import Batchable, counted, printable

VOTES = "Votes"
EVENT = "Event"
STATUS = "Status"
TO_DISCUSS = "To Discuss"
STATUS_OPTIONS = (TO_DISCUSS, "Discussing", "Discussed")

# The fields a lean-coffee board needs: name, type, and for the single-select its options.
REQUIRED: tuple[tuple[str, FieldType, tuple[str, ...]], ...] = (
    (VOTES, "number", ()),
    (EVENT, "text", ()),
    (STATUS, "single_select", STATUS_OPTIONS),
)
_PURPOSE = {
    VOTES: "the counted 👍 of each topic",
    EVENT: "the event each topic belongs to",
    STATUS: "the lean-coffee columns",
}


def find_option(field: BoardField, name: str) -> FieldOption | None:
    return next((o for o in field.options if o.name.casefold() == name.casefold()), None)


def same_value(current: str | float | None, wanted: str | float) -> bool:
    """Whether a field already holds the value (numbers compare as numbers, 3 == 3.0)."""
    if current is None:
        return False
    if isinstance(wanted, int | float) and not isinstance(current, str):
        return float(current) == float(wanted)
    return current == wanted


def show(value: str | float) -> str:
    """A field's value for the terminal: whole numbers without ".0", text made printable."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return printable(str(value))


# --- actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateField:
    board: Board
    name: str
    type: FieldType
    options: tuple[str, ...] = ()

    verb = "create field"

    @property
    def subject(self) -> str:
        return f"board #{self.board.number} {self.name}"

    @property
    def reason(self) -> str:
        kind = self.type.replace("_", "-")
        extra = f" ({', '.join(self.options)})" if self.options else ""
        return f"missing: a {kind} field for {_PURPOSE.get(self.name, self.name)}{extra}"

    def apply(self, port: Port) -> None:
        port.create_field(self.board, self.name, self.type, self.options)


@dataclass(frozen=True)
class SetOptions:
    """Add missing options to a single-select field, keeping every option it has."""

    board: Board
    field: BoardField
    options: tuple[str, ...]
    added: tuple[str, ...]

    verb = "set options"

    @property
    def subject(self) -> str:
        return f"board #{self.board.number} {printable(self.field.name)}"

    @property
    def reason(self) -> str:
        kept = [o.name for o in self.field.options]
        used = sum(1 for item in self.board.items if item.values.get(self.field.name) in kept)
        text = f"add {', '.join(self.added)}"
        if kept:
            text += f"; keep {', '.join(printable(o) for o in kept)}"
        if used:
            keeps = "keeps its" if used == 1 else "keep their"
            text += f" ({counted(used, 'item')} {keeps} {printable(self.field.name)})"
        return text

    def apply(self, port: Port) -> None:
        updated = port.set_options(self.board, self.field, self.options)
        # GitHub's updateProjectV2Field replaces every option ("If values are present, they will
        # overwrite the existing options", GraphQL reference, UpdateProjectV2FieldInput), which
        # can orphan the values of items. Where an option came back with a new id, set the
        # value of each item that held it again, VALUES_PER_REQUEST to a request.
        lost = []
        for item in self.board.items:
            value = item.values.get(self.field.name)
            if not isinstance(value, str):
                continue
            before, after = self.field.option(value), updated.option(value)
            if before is not None and after is not None and before.id != after.id:
                lost.append(FieldValue(item, updated, value))
        write_values(port, self.board, lost)


def write_values(port: Port, board: Board, values: Sequence[FieldValue]) -> None:
    """Set values VALUES_PER_REQUEST to a request; a lone value with the one-value mutation."""
    if len(values) == 1:
        [only] = values
        port.set_field(board, only.item, only.field, only.value)
        return
    for start in range(0, len(values), VALUES_PER_REQUEST):
        port.set_fields(board, values[start : start + VALUES_PER_REQUEST])


def values_of(actions: Sequence[Batchable]) -> list[FieldValue]:
    """The values a batch of SetValue (and SetValues) actions writes, in order."""
    values: list[FieldValue] = []
    for action in actions:
        for one in getattr(action, "values", (action,)):
            if isinstance(one, SetValue):
                values.append(FieldValue(one.item, one.field, one.value))
    return values


@dataclass(frozen=True)
class SetValue:
    board: Board
    item: BoardItem
    field: BoardField
    value: str | float
    why: str

    verb = "set field"

    @property
    def subject(self) -> str:
        return f"{item_name(self.item, short=True)} {printable(self.field.name)}"

    @property
    def reason(self) -> str:
        before = self.item.values.get(self.field.name)
        was = "empty" if before is None else show(before)
        return f"{was} -> {show(self.value)}: {self.why}"

    def apply(self, port: Port) -> None:
        port.set_field(self.board, self.item, self.field, self.value)

    @property
    def batch(self) -> Hashable:
        return ("values", self.board.id)

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        write_values(port, self.board, values_of(actions))


@dataclass(frozen=True)
class MoveItem:
    board: Board
    item: BoardItem
    after: BoardItem | None
    why: str

    verb = "move item"

    @property
    def subject(self) -> str:
        return item_name(self.item, short=True)

    @property
    def reason(self) -> str:
        where = "to the top" if self.after is None else f"after {item_name(self.after, short=True)}"
        return f"{where}: {self.why}"

    def apply(self, port: Port) -> None:
        port.move_item(self.board, self.item, self.after)

    @property
    def batch(self) -> Hashable:
        return ("moves", self.board.id)

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        moves = [(a.item, a.after) for a in actions if isinstance(a, MoveItem)]
        if len(moves) == 1:
            self.apply(port)
        else:
            port.move_items(self.board, moves)  # made in order: each after one already placed


# --- the planner -----------------------------------------------------------------------


def plan_board_setup(board: Board) -> list[CreateField | SetOptions]:
    """Create the fields and Status options that are missing; change nothing that is right.

    Options the Status field has beyond the three lean-coffee columns stay (items may use
    them); `board_findings` reports them. Names compare regardless of case, as GitHub's do.
    """
    actions: list[CreateField | SetOptions] = []
    for name, type_, options in REQUIRED:
        field = board.field(name)
        if field is None:
            actions.append(CreateField(board, name, type_, options))
            continue
        if field.type != type_:
            continue  # a field cannot change type: board_findings says what to do
        missing = tuple(o for o in options if find_option(field, o) is None)
        if missing:
            present = {o.casefold(): o for o in options}
            for option in field.options:
                present[option.name.casefold()] = option.name  # keep an existing name's spelling
            wanted = (
                *(present[o.casefold()] for o in options),
                *(o.name for o in field.options if o.name.casefold() not in _folded(options)),
            )
            actions.append(SetOptions(board, field, wanted, missing))
    return actions


def _folded(names: Sequence[str]) -> set[str]:
    return {n.casefold() for n in names}


@dataclass(frozen=True)
class Finding:
    """Something about the board an organizer should know; a problem stops the command."""

    text: str
    problem: bool = False


def board_findings(board: Board) -> list[Finding]:
    findings = []
    for name, type_, options in REQUIRED:
        field = board.field(name)
        if field is None:
            continue
        if field.type != type_:
            kind, want = field.type.replace("_", "-"), type_.replace("_", "-")
            shown = printable(field.name)
            findings.append(
                Finding(
                    f'board #{board.number}: field "{shown}" is a {kind} field, not a {want} field; '
                    "GitHub cannot change a field's type: rename or delete it on the board, "
                    "then run `p2p board setup` again",
                    problem=True,
                )
            )
            continue
        extra = [o.name for o in field.options if o.name.casefold() not in _folded(options)]
        if extra:
            used = {o: sum(1 for item in board.items if item.values.get(field.name) == o) for o in extra}
            listed = ", ".join(
                printable(o) + (f" ({counted(used[o], 'item')})" if used[o] else "") for o in extra
            )
            shown = printable(field.name)
            findings.append(Finding(f"board #{board.number}: {shown} keeps its other options: {listed}"))
    return findings


def missing_fields(board: Board) -> list[str]:
    """What the board lacks for lean coffee, for a hint to run `p2p board setup`."""
    missing = []
    for name, type_, options in REQUIRED:
        field = board.field(name)
        if field is None or field.type != type_:
            missing.append(f"field {name}")
        else:
            missing.extend(f"{name} option {o}" for o in options if find_option(field, o) is None)
    return missing


def usable(board: Board, name: str) -> BoardField | None:
    """The required field `name`, when the board has it with the right type (and, for
    Status, with the To Discuss option)."""
    field = board.field(name)
    wanted = {n: t for n, t, _ in REQUIRED}[name]
    if field is None or field.type != wanted:
        return None
    if name == STATUS and find_option(field, TO_DISCUSS) is None:
        return None
    return field


def to_discuss(status: BoardField) -> str:
    """The name of the Status option new topics get, as the board spells it."""
    option = find_option(status, TO_DISCUSS)
    return option.name if option is not None else TO_DISCUSS


def order_moves(board: Board, ranked: Sequence[int], *, why: dict[int, str] | None = None) -> list[MoveItem]:
    """The fewest moves that put the board items of the `ranked` issues in that order.

    Items of other issues stay where they are. The items already in order along a longest
    increasing run stay too; every other item moves right after its predecessor in the
    ranking (the first one before the first item that stays).
    """
    items = {item.issue: item for item in board.items if item.issue in set(ranked)}
    wanted = [n for n in ranked if n in items]
    if len(wanted) < 2:
        return []
    position = {n: i for i, n in enumerate(wanted)}
    current = [position[item.issue] for item in board.items if item.issue in position]
    stay = {wanted[i] for i in _longest_increasing(current)}
    if len(stay) == len(wanted):
        return []
    order = list(board.items)  # simulated board order while moving
    moves = []
    for i, number in enumerate(wanted):
        if number in stay:
            continue
        item = items[number]
        order.remove(item)
        if i > 0:
            after: BoardItem | None = items[wanted[i - 1]]
        else:
            first_staying = items[next(n for n in wanted if n in stay)]
            index = order.index(first_staying)
            after = order[index - 1] if index > 0 else None
        order.insert(0 if after is None else order.index(after) + 1, item)
        moves.append(MoveItem(board, item, after, (why or {}).get(number, f"rank {i + 1}")))
    return moves


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []  # index into values of the smallest tail of each length
    parent: list[int | None] = [None] * len(values)
    for i, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        parent[i] = tails[low - 1] if low > 0 else None
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    result = []
    cursor: int | None = tails[-1] if tails else None
    while cursor is not None:
        result.append(values[cursor])
        cursor = parent[cursor]
    return result[::-1]
