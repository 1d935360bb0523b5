"""Round-trip edits of event files that change only the lines they mean to, and new event files."""

from __future__ import annotations

import codecs
import difflib
import io
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from p2p.errors import InputError, InputErrors, P2PError
from p2p.files.atomic import cannot_write, file_lock, write_text_atomic
from p2p.files.load import event_from_text
from p2p.files.reader import CORE_TAG, Problems, parse_yaml, read_text
from p2p.models import Event

SCHEMA_COMMENT = "# yaml-language-server: $schema=schema.json"

# Items of these lists are written one per line in flow style: `- {issue: 12, title: "...", votes: 7}`.
FLOW_ITEM_LISTS = frozenset({"agenda", "takeaways"})
# Items of these lists that hold only this key are written as a plain string.
STRING_ITEM_LISTS = {"takeaways": "text", "topics": "title"}

T = TypeVar("T")


class _Timestamp(str):
    """A time written as a plain YAML timestamp, e.g. 2024-05-01T10:00:00-06:00."""

    __slots__ = ()


def _represent_timestamp(representer: RoundTripRepresenter, data: _Timestamp) -> Any:
    return representer.represent_scalar(CORE_TAG + "timestamp", str(data))


def _round_trip(*, mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.representer.add_representer(_Timestamp, _represent_timestamp)
    return yaml


_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (4, 8, 4), (4, 6, 2), (2, 3, 1), (3, 5, 2))


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _yaml_styles(text: str, data: Any) -> list[YAML]:
    """Round-trip YAMLs with the indentations an author may have used, closest to `text` first."""
    ranked: list[tuple[float, int, YAML]] = []
    for rank, (mapping, sequence, offset) in enumerate(_INDENTS):
        yaml = _round_trip(mapping=mapping, sequence=sequence, offset=offset)
        yaml.explicit_start = text.lstrip().startswith("---") or None
        dumped = _dump(yaml, data)
        ratio = difflib.SequenceMatcher(None, dumped.splitlines(), text.splitlines(), autojunk=False).ratio()
        ranked.append((-ratio, rank, yaml))
    return [yaml for _, _, yaml in sorted(ranked, key=lambda r: (r[0], r[1]))]


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    return pairs


def merge_lines(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """Three-way merge of lines: apply the change base -> theirs to ours.

    `base` is the file as the YAML library writes it back unchanged, `ours` the file as its
    author wrote it, `theirs` the library's text after the edit: the result keeps every line
    the author wrote except where the edit itself lands. Where both changed the same lines, it
    decides (the rules below) where a merge library such as merge3 would report a conflict.
    """
    to_ours = _matches(base, ours)
    to_theirs = _matches(base, theirs)
    result: list[str] = []
    i = o = t = 0
    while True:
        k = i
        while k < len(base) and not (
            k in to_ours and k in to_theirs and to_ours[k] >= o and to_theirs[k] >= t
        ):
            k += 1
        o_end = to_ours[k] if k < len(base) else len(ours)
        t_end = to_theirs[k] if k < len(base) else len(theirs)
        b_chunk, o_chunk, t_chunk = base[i:k], ours[o:o_end], theirs[t:t_end]
        if o_chunk in (b_chunk, t_chunk):
            result.extend(t_chunk)
        elif t_chunk == b_chunk:
            result.extend(o_chunk)
        elif b_chunk and t_chunk[: len(b_chunk)] == b_chunk:  # the edit adds lines after the author's
            result.extend(o_chunk + t_chunk[len(b_chunk) :])
        elif b_chunk and t_chunk[len(t_chunk) - len(b_chunk) :] == b_chunk:  # or before them
            result.extend(t_chunk[: len(t_chunk) - len(b_chunk)] + o_chunk)
        elif len(b_chunk) == len(o_chunk) == len(t_chunk):  # line for line: each line merges alone
            result.extend(
                t if o == b else o if t == b else t for b, o, t in zip(b_chunk, o_chunk, t_chunk, strict=True)
            )
        else:  # both differ: the edit wins in this region
            result.extend(t_chunk)
        if k >= len(base):
            return result
        result.append(ours[o_end])
        i, o, t = k + 1, o_end + 1, t_end + 1


def _to_yaml(value: Any, *, flow: bool = False, key: str | None = None) -> Any:
    """Plain Python data as round-trip YAML nodes in the style the event format uses."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, Mapping):
        result = CommentedMap()
        for k, v in value.items():
            result[str(k)] = _to_yaml(v, flow=flow, key=str(k))
        if flow:
            result.fa.set_flow_style()
        else:
            result.fa.set_block_style()
        return result
    if isinstance(value, list | tuple):
        seq = CommentedSeq([_to_yaml(item, flow=key in FLOW_ITEM_LISTS, key=None) for item in value])
        seq.fa.set_block_style()
        return seq
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a time written to an event file needs a UTC offset")
        return _Timestamp(value.isoformat())
    if isinstance(value, str):
        if flow or key == "start":
            return DoubleQuotedScalarString(value)
        if "\n" in value:
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


def _set_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set a key; a new key goes last, before the blank lines and comments that closed the mapping."""
    last = next(reversed(mapping), None) if len(mapping) else None
    new = key not in mapping
    mapping[key] = value
    if not new or last is None:
        return
    tokens = mapping.ca.items.get(last)
    if not tokens or len(tokens) < 3 or tokens[2] is None:
        return
    token = tokens[2]
    end_of_line, _, rest = str(token.value).partition("\n")
    if not rest:
        return
    if end_of_line:
        token.value = end_of_line + "\n"
    else:
        tokens[2] = None
    mapping.ca.items[key] = [None, None, CommentToken("\n" + rest, CommentMark(0), None), None]


def _closing_slot(node: Any) -> tuple[dict[Any, list[Any]], Any, int] | None:
    """Where the YAML library keeps the blank lines and comments after a block list's or
    mapping's last line: the comment slot of its deepest last key or item."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) and not node.fa.flow_style():
        last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        value = node[last]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            node = value
            continue
        return node.ca.items, last, 2 if isinstance(node, CommentedMap) else 0
    return None


def _append_item(items: CommentedSeq, item: Any) -> None:
    """Append to a block list, before the blank lines and comments that close it: from the first
    blank line, or the first comment left of the entries, they belong to what follows the list."""
    before = _closing_slot(items)
    items.append(item)
    after = _closing_slot(items)
    if before is None or after is None:
        return
    comments, last, position = before
    token = (comments.get(last) or [None] * 4)[position]
    if token is None:
        return
    end_of_line, _, rest = str(token.value).partition("\n")
    lines = rest.splitlines(keepends=True)
    column = items.lc.col or 0
    split = next(
        (i for i, line in enumerate(lines) if not line.strip() or len(line) - len(line.lstrip()) < column),
        len(lines),
    )
    if split == len(lines):
        return
    kept = "".join(lines[:split])
    comments[last][position] = (
        CommentToken(f"{end_of_line}\n{kept}", token.start_mark, None) if (end_of_line or kept) else None
    )
    moved = CommentToken("\n" + "".join(lines[split:]), CommentMark(0), None)
    new_comments, new_last, new_position = after
    new_comments.setdefault(new_last, [None] * 4)[new_position] = moved


class EventDocument:
    """An event file loaded for editing: changes keep comments, key order and quoting.

    `event` is the file as validated when the lock was taken (typed values, e.g. `registered`
    as an aware datetime); `get` returns the live YAML value; the methods below change the
    document in the file's style.
    """

    def __init__(self, data: CommentedMap, event: Event) -> None:
        self.data = data
        self.event = event

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def set(self, key: str, value: Any) -> None:
        """Replace a top-level key's value in place, or append the key at the end."""
        if isinstance(value, list | tuple):
            items = CommentedSeq([self._item(key, item) for item in value])
            items.fa.set_block_style()
            self.data[key] = items
        else:
            self.data[key] = _to_yaml(value, key=key)

    def delete(self, key: str) -> None:
        """Remove a top-level key, if present."""
        if key in self.data:
            del self.data[key]

    def _list(self, key: str, *, create: bool) -> CommentedSeq:
        value = self.data.get(key)
        if value is None or (isinstance(value, CommentedSeq) and not value and value.fa.flow_style()):
            if not create:
                raise P2PError(f"the event has no `{key}` entries")
            value = CommentedSeq()
            value.fa.set_block_style()
            self.data[key] = value
        if not isinstance(value, CommentedSeq):
            raise P2PError(f"`{key}` is not a list in the event file")
        return value

    def _item(self, key: str, item: Any) -> Any:
        if isinstance(item, BaseModel):
            item = item.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        # A takeaway or a seeded topic that is only its text is written as a plain string.
        if isinstance(item, Mapping) and key in STRING_ITEM_LISTS and list(item) == [STRING_ITEM_LISTS[key]]:
            item = item[STRING_ITEM_LISTS[key]]
        return _to_yaml(item, flow=key in FLOW_ITEM_LISTS and isinstance(item, Mapping))

    def append(self, key: str, item: Any) -> None:
        """Append an item to a top-level list, creating the list if missing."""
        _append_item(self._list(key, create=True), self._item(key, item))

    def replace(self, key: str, index: int, item: Any) -> None:
        self._list(key, create=False)[index] = self._item(key, item)

    def remove(self, key: str, index: int) -> None:
        del self._list(key, create=False)[index]

    def set_item_field(self, key: str, index: int, field: str, value: Any) -> None:
        """Set one key of a list item in place, e.g. participant 3's `cancelled`."""
        entry = self._list(key, create=False)[index]
        if not isinstance(entry, CommentedMap):
            raise P2PError(f"entry {index + 1} of `{key}` is not a mapping")
        _set_key(entry, field, _to_yaml(value, key=field))


def _check_event_text(text: str, path: Path) -> Event:
    problems = Problems(str(path))
    event = event_from_text(text, path.name, problems)
    problems.raise_if_any()
    assert event is not None  # noqa: S101
    return event


def _meaning(text: str) -> tuple[bool, Any]:
    """What a text means as plain data (False when it does not parse)."""
    parsed = parse_yaml(text, Problems(""))
    return (False, None) if parsed is None else (True, parsed.data)


def _edited_text(
    original: str, data: CommentedMap, event: Event, change: Callable[[EventDocument], T]
) -> tuple[str, T]:
    """Apply `change` and return the new text, keeping every line of `original` the edit does not touch.

    The YAML library writes a whole document back in one style; a three-way merge of its
    output before and after the change onto the original keeps what the author wrote. Files
    mixing indentation styles are merged in the style closest to the part that changes.
    """
    styles = _yaml_styles(original, data)
    bases = [_dump(yaml, data) for yaml in styles]
    result = change(EventDocument(data, event))
    fallback: str | None = None
    for yaml, base in zip(styles, bases, strict=True):
        edited = _dump(yaml, data)
        if base == original:
            return edited, result
        fallback = fallback or edited
        merged = "\n".join(merge_lines(base.split("\n"), original.split("\n"), edited.split("\n")))
        if merged == original or _meaning(merged) == (True, _meaning(edited)[1]):
            return merged, result
    assert fallback is not None  # noqa: S101
    return fallback, result


def edit_event(path: Path, change: Callable[[EventDocument], T]) -> T:
    """Edit an event file in place under a lock, keeping the organizers' text.

    `change` edits the document (and may raise to refuse); the result must be a valid event
    file, else nothing is written. The file is written atomically, and only when it changed.
    """
    with file_lock(path):
        problems = Problems(str(path))
        original = read_text(path, problems)
        problems.raise_if_any()
        assert original is not None  # noqa: S101
        event = _check_event_text(original, path)
        data = _round_trip().load(original)
        text, result = _edited_text(original, data, event, change)
        try:
            _check_event_text(text, path)
        except InputErrors as failure:
            raise InputErrors(
                [
                    InputError(e.path, e.line, f"the change would make the file invalid: {e.reason}")
                    for e in failure.errors
                ]
            ) from None
        if text != original:
            # Write back in the file's own line endings and byte-order mark.
            raw = path.read_bytes()
            newline = "\r\n" if b"\r\n" in raw else "\n"
            mark = "\ufeff" if raw.startswith(codecs.BOM_UTF8) else ""
            write_text_atomic(path, mark + text.replace("\n", newline))
        return result


def event_text(data: Mapping[str, Any], *, comment: str | None = None) -> str:
    """A new event file's text: the schema line, a `# comment` line when given, then the keys in
    the order given."""
    yaml = _round_trip()
    document = _to_yaml({k: v for k, v in data.items() if v is not None})
    note = f"# {one_line_comment(comment)}\n" if comment else ""
    return f"{SCHEMA_COMMENT}\n{note}{_dump(yaml, document)}"


def one_line_comment(text: str) -> str:
    """A YAML comment's text: one line, whatever it quotes."""
    return " ".join(text.split())


def create_event_file(
    path: Path, data: Mapping[str, Any], *, overwrite: bool = False, comment: str | None = None
) -> Event:
    """Write a new event file from plain data (validated first); refuses to overwrite unless told."""
    text = event_text(data, comment=comment)
    event = _check_event_text(text, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot_write(path, error) from None
    with file_lock(path):
        if path.exists() and not overwrite:
            raise P2PError(f"{path} already exists")
        write_text_atomic(path, text)
    return event
