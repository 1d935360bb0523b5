"""Markdown escaping: the one place untrusted text is made safe for the generated pages.

Every template writes text through one of two Jinja2 filters:

- `md` (`inline`) for one-line text from anywhere: event and issue titles, names,
  takeaways. The result is plain text on GitHub: it cannot end a table cell or a list item,
  start a heading, a quote or a list, make a link, an image, raw HTML, math, an @-mention
  or an issue reference, and it holds no control characters or line breaks.
- `md_block` (`block`) for the organizers' own Markdown (an event's description): emphasis,
  lists and links keep working, but raw HTML, headings, @-mentions and issue references do
  not, so a description cannot break the page around it or the markers of its region.

@-mentions and references are neutralised with a zero-width space written as the entity
`&#8203;` right after `@` (and after `#` before a digit): GitHub links a mention only when a
login character follows `@` directly (GitHub Docs, "Basic writing and formatting syntax":
mentioning people), and renders the entity as an invisible character, so
readers see `@name` as plain text and nobody is notified. Dependabot and Renovate quote
release notes into pull requests the same way. The entity, unlike a raw U+200B, stays
visible in the Markdown source and in diffs.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ZERO_WIDTH_SPACE = "&#8203;"

# Characters that are never text: C0 and C1 controls (among them \r, \n, \v, \f, U+001C-U+001E
# and U+0085, which str.splitlines() treats as line breaks), the Unicode line and paragraph
# separators, and the bidirectional overrides that can make text read differently from how
# it is stored. Each becomes one space.
# Lone surrogates (which only broken JSON can carry) could not even be written as UTF-8.
_OTHER = "\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_NOT_TEXT = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_OTHER}]")
_NOT_TEXT_BUT_NEWLINE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_OTHER}]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t]+")

# Inline Markdown syntax, escaped with a backslash wherever it appears (CommonMark spec, 2.4
# Backslash escapes: any ASCII punctuation; GFM spec, 4.10 Tables: `\|` inside a cell).
_INLINE_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
# Constructs that only count at the start of a line: headings, quotes, lists, setext lines.
_LINE_START = re.compile(r"^(?:([#+=-])|(\d{1,9})([.)]))")
# `#`s at the end, after a space, would be a heading's closing sequence and vanish from a title
# written in a heading (CommonMark spec, 4.2 ATX headings).
_CLOSING_SEQUENCE = re.compile(r"(?<= )#+$")
# GitHub's own autolinks, which it finds in the rendered text whatever the Markdown says
# (GitHub Docs: "Autolinked references and URLs"; GFM spec, 6.9 Autolinks (extension)).
_ANY_AT = re.compile(r"@")
_ANY_REFERENCE = re.compile(r"(#|\bGH-)(?=\d)", re.IGNORECASE)
_URL_SCHEME = re.compile(r"(:)(?=//)")
_WWW = re.compile(r"\b(www)(?=\.)", re.IGNORECASE)
# In the organizers' Markdown only what GitHub would take for a mention or a reference:
# after anything but a letter, digit or `/`, so e-mail addresses and link destinations
# (`https://medium.com/@name`) stay whole. GitHub takes `@name` after any other mark for a
# mention (html-pipeline's MentionFilter: "beginning of string or non-word char").
_MENTION = re.compile(r"(?<![\w/])@(?=[A-Za-z0-9])")
_REFERENCE = re.compile(r"(?<![\w/&#-])(#|GH-)(?=\d)", re.IGNORECASE)


def one_line(text: str) -> str:
    """Control characters and line breaks of every kind folded to single spaces, trimmed."""
    return _SPACES.sub(" ", _NOT_TEXT.sub(" ", unicodedata.normalize("NFC", text))).strip()


BLANK = "(blank)"


def inline(text: object) -> str:
    """Untrusted text as one line of plain Markdown text (the `md` filter).

    Text with nothing printable in it shows as "(blank)": an empty list item or table cell
    could turn the line above it into a heading.
    """
    value = one_line(str(text)) or BLANK
    value = _INLINE_PUNCTUATION.sub(r"\\\1", value)
    value = _LINE_START.sub(_escape_line_start, value)
    value = _CLOSING_SEQUENCE.sub(r"\\\g<0>", value)
    # The zero-width spaces go in as NUL (gone from the text by now) until the entities are
    # written, so that no pattern matches inside an entity this function writes.
    value = _ANY_AT.sub("@\0", value)
    value = _ANY_REFERENCE.sub("\\1\0", value)
    value = _URL_SCHEME.sub(":\0", value)
    value = _WWW.sub("\\1\0", value)
    # `&`, `<`, `>` and `$` as entities: no raw HTML, no entity tricks, no math (GitHub Docs,
    # "Writing mathematical expressions": `$` delimits math, and a backslash does not always escape it).
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")
    return value.replace("\0", ZERO_WIDTH_SPACE)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


# What may stand before a heading on its line: indentation, and the markers of the blockquotes and
# list items it sits in (CommonMark spec, 5 Container blocks: a heading inside `> ` or `- ` is
# still a heading). Matching more than CommonMark would only escape a `#` inside code.
_CONTAINERS = r"((?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*)"
_HEADING = re.compile(rf"^{_CONTAINERS}(#{{1,6}})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


def fence_after(line: str, fence: str) -> str:
    """The code fence open after `line`, given the one open before it ("" for none).

    A fence of three or more backticks or tildes opens a code block; only a fence of the same
    character, at least as long and with nothing after it, closes it (CommonMark spec, 4.5
    Fenced code blocks).
    """
    found = _FENCE.match(line)
    if found is None:
        return fence
    if not fence:
        return found["fence"]
    if found["fence"][0] == fence[0] and len(found["fence"]) >= len(fence):
        return "" if not line.strip().strip(fence[0]) else fence
    return fence


_SETEXT = re.compile(rf"^{_CONTAINERS}(=+|-+)[ \t]*$")
# A link reference definition (`[name]: address`) holds for the whole page, whichever region it
# is written in (CommonMark spec, 4.7), so it could redirect the page's own links: its label
# cannot end in `]:` once the `]` is escaped.
_DEFINITION_END = re.compile(r"(?<!\\)((?:\\\\)*)\]:")


def block(text: object) -> str:
    """The organizers' Markdown (the `md_block` filter): formatting kept, structure guarded.

    Lines keep their Markdown (emphasis, lists, links), but a line cannot become a heading
    (ATX or setext, in a quote or a list item too) that would break the page's outline, nor a
    link reference definition that would redirect the page's links, no raw HTML gets through (which
    also keeps `<!-- p2p:... -->` markers out), nobody is @-mentioned or referenced, a code
    fence left open is closed so it cannot swallow the rest of the page, and control
    characters become spaces. Trailing spaces go (editors strip them, which would make the
    committed page differ from a fresh render), and so do surrounding blank lines.
    """
    value = _LINE_BREAK.sub("\n", unicodedata.normalize("NFC", str(text)))
    value = _NOT_TEXT_BUT_NEWLINE.sub(" ", value)
    lines = []
    fence = ""
    for raw in value.split("\n"):
        line = raw.rstrip()
        fence = fence_after(line, fence)
        line = _HEADING.sub(r"\1\\\2", line)
        line = _SETEXT.sub(r"\1\\\2", line)
        line = _DEFINITION_END.sub(r"\1\\]:", line)
        line = line.replace("<", "&lt;")
        line = _MENTION.sub("@" + ZERO_WIDTH_SPACE, line)
        lines.append(_REFERENCE.sub(r"\1" + ZERO_WIDTH_SPACE, line))
    result = "\n".join(lines).strip("\n")
    return f"{result}\n{fence}" if fence else result


def link_target(url: str) -> str | None:
    """A web address as a Markdown link destination, or none when it is no http(s) address.

    Characters that could end the destination early (spaces, parentheses, angle brackets)
    are percent-encoded; everything else of the address stays as written.
    """
    address = one_line(url)
    if urlsplit(address).scheme.lower() not in {"http", "https"}:
        return None
    return quote(address, safe="!#$%&'*+,/:;=?@[]~")
