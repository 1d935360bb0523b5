"""Markdown escaping: untrusted text renders as plain text, whatever it holds."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from p2p.pages.markdown import ZERO_WIDTH_SPACE, block, inline, link_target, one_line

ZW = ZERO_WIDTH_SPACE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain words, stay plain.", "Plain words, stay plain."),
        ("a | b", r"a \| b"),
        ("# Heading", r"\# Heading"),
        ("Ask me anything #", r"Ask me anything \#"),
        ("Q&A ##", r"Q&amp;A \##"),
        ("C# at scale", "C# at scale"),
        ("## Heading", r"\## Heading"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("1. item", r"1\. item"),
        ("2) item", r"2\) item"),
        ("=== setext", r"\=== setext"),
        ("> quote", "&gt; quote"),
        ("*bold* _it_ ~~gone~~ `code`", r"\*bold\* \_it\_ \~\~gone\~\~ \`code\`"),
        ("[link](https://evil.example)", rf"\[link\](https:{ZW}//evil.example)"),
        ("![img](x.png)", r"!\[img\](x.png)"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<!-- p2p:end next-event -->", "&lt;!-- p2p:end next-event --&gt;"),
        ("thanks @octocat", f"thanks @{ZW}octocat"),
        ("mail me: a@b.example", f"mail me: a@{ZW}b.example"),
        ("fixes #12 and GH-3", f"fixes #{ZW}12 and GH-{ZW}3"),
        ("not a ref: #hashtag", "not a ref: #hashtag"),
        ("see www.example.com", f"see www{ZW}.example.com"),
        ("costs $5 or $x$", "costs &#36;5 or &#36;x&#36;"),
        ("&lt; stays text", "&amp;lt; stays text"),
        ("back\\slash", "back\\\\slash"),
        ("line\nbreak", "line break"),
        ("cr\rlf\r\nend", "cr lf end"),
        ("u2028\u2028u2029\u2029nel\x85fs\x1cgs\x1drs\x1e.", "u2028 u2029 nel fs gs rs ."),
        ("tab\tand   spaces  ", "tab and spaces"),
        ("bell\x07 null\x00", "bell null"),
        ("rtl\u202eevil", "rtl evil"),
        ("    indented code", "indented code"),
        ("Café – “quotes” 👍", "Café – “quotes” 👍"),
        ("\x1b\u2028 \t", "(blank)"),
        ("", "(blank)"),
    ],
)
def test_inline(text: str, expected: str) -> None:
    assert inline(text) == expected


def test_inline_never_matches_inside_its_own_entities() -> None:
    # `&#36;` and `&#8203;` hold "#3" and "#8": the reference rule must not touch them.
    assert inline("$ @") == f"&#36; @{ZW}"


def test_one_line_folds_every_line_separator() -> None:
    separators = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    assert one_line(separators.join("abcdefghijk")) == " ".join("abcdefghijk")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some *emphasis* and a [link](https://example.com/#12).", None),
        ("- a\n- b\n\n1. one", None),
        ("# Injected heading", r"\# Injected heading"),
        ("   ### indented heading", r"   \### indented heading"),
        ("Title\n===", "Title\n\\==="),
        ("Title\n---", "Title\n\\---"),
        ("> # quoted heading", r"> \# quoted heading"),
        (">## no space", r">\## no space"),
        ("- ## listed heading", r"- \## listed heading"),
        ("1) # numbered", r"1) \# numbered"),
        ("- a\n\n    # deeper in the item", "- a\n\n    \\# deeper in the item"),
        ("> Title\n> ===", "> Title\n> \\==="),
        ("[home]: https://evil.example", r"[home\]: https://evil.example"),
        ("> [^1]: a footnote", r"> [^1\]: a footnote"),
        ("[a\\]: b, escaped already", None),
        ("[a\\\\]: b", "[a\\\\\\]: b"),
        ("<script>x</script> & <b>", "&lt;script>x&lt;/script> & &lt;b>"),
        ("<!-- p2p:end next-event -->", "&lt;!-- p2p:end next-event -->"),
        ("ping @octocat, mail a@b.example", f"ping @{ZW}octocat, mail a@b.example"),
        ("thanks.@octocat -@hubot +@monalisa", f"thanks.@{ZW}octocat -@{ZW}hubot +@{ZW}monalisa"),
        ("[me](https://medium.com/@octocat)", None),
        ("see #12, (#13) and GH-14; a/#15 stays", f"see #{ZW}12, (#{ZW}13) and GH-{ZW}14; a/#15 stays"),
        ("\n\nwindows\r\nline\rends\u2028here\n\n", "windows\nline\nends\nhere"),
        ("trailing   \nspaces", "trailing\nspaces"),
        ("tab\tkept\x07bell", "tab\tkept bell"),
        ("```\nunclosed fence", "```\nunclosed fence\n```"),
        ("~~~~\ncode\n~~~~\nafter", None),
    ],
)
def test_block(text: str, expected: str | None) -> None:
    assert block(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://zoom.us/rec/share/abc?pwd=1", "https://zoom.us/rec/share/abc?pwd=1"),
        ("https://x.example/a b(c)<d>", "https://x.example/a%20b%28c%29%3Cd%3E"),
        ("HTTP://x.example", "HTTP://x.example"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("zoom meeting", None),
    ],
)
def test_link_target(url: str, expected: str | None) -> None:
    assert link_target(url) == expected


def _unescaped(text: str, sequence: str) -> int:
    """How often `sequence` occurs not preceded by an odd number of backslashes."""
    count = 0
    for match in re.finditer(re.escape(sequence), text):
        backslashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        count += backslashes % 2 == 0
    return count


@given(st.text())
def test_inline_is_always_plain_text(text: str) -> None:
    escaped = inline(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert "<" not in escaped and ">" not in escaped
    assert _unescaped(escaped, "](") == 0
    assert _unescaped(escaped, "|") == 0
    assert not re.search(r"@\w", escaped)
    assert not re.search(r"(?<!&)#\d", escaped)  # `&#8203;` and `&#36;` are entities, not references
    assert escaped and escaped == escaped.strip()
    assert not re.match(r"[#>+=-]|\d+[.)]", escaped)
    assert not [c for c in escaped if unicodedata.category(c) in {"Cc", "Cs", "Zl", "Zp"}]


# A CommonMark parser (markdown-it-py), to see a page's structure as GitHub would.
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.mark.parametrize("title", ["Ask me anything #", "Why not C# ##", "#", "# #"])
def test_a_title_in_a_heading_keeps_its_hashes(title: str) -> None:
    tokens = PARSER.parse(f"### May 2, 2023: {inline(title)}\n")
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert tokens[1].children is not None
    assert "".join(t.content for t in tokens[1].children) == f"May 2, 2023: {title}"


# Markdown's own pieces, so that the examples nest quotes, lists, headings and definitions.
MARKDOWN = st.lists(
    st.sampled_from(["#", "# ", "## h", ">", "> ", "- ", "*\t", "1. ", "2) ", "  ", "    ", "\t", "\n",
                     "\n\n", "===", "---", "x", "[a]", "]:", " /u", "`", "```", "~~~", "<b>", "\\"]),
    max_size=16,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), MARKDOWN))
def test_block_never_makes_a_heading_html_or_a_link_definition(text: str) -> None:
    """Parsed as CommonMark: no heading (in a quote or a list item either), no HTML, and no
    link reference definition, which would hold for the whole page around the region."""
    env: dict[str, object] = {}
    pending = PARSER.parse(block(text), env)
    kinds = set()
    while pending:
        token = pending.pop()
        kinds.add(token.type)
        pending.extend(token.children or [])
    assert not kinds & {"heading_open", "html_block", "html_inline"}
    assert not env.get("references")


@given(st.text())
def test_block_never_carries_html_headings_or_mentions(text: str) -> None:
    escaped = block(text)
    assert "<" not in escaped
    assert not re.search(r"(?m)^ {0,3}#{1,6}([ \t]|$)", escaped)
    assert not re.search(r"(?<![\w/])@[A-Za-z0-9]", escaped)
    assert "\r" not in escaped and "\u2028" not in escaped
