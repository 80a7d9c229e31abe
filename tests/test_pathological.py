"""Pathological documents: extract finishes and gives the right messages, or a clear SourceError.

Very deep nesting, a large document, a line of a million characters, a hundred thousand caveats.
No timing is asserted here (``benchmarks/pathological.py`` measures how each one grows); what is
checked is that nothing recurses too deep or crashes, and that every message is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.errors import SourceError
from locpipe.model import Message
from locpipe.parser import make_renderer
from locpipe.segment import extract, localize, parse_document

MB = 1024 * 1024
MILLION = 1_000_000

# --- deep nesting --------------------------------------------------------------------------------

NESTINGS = {
    "block quotes": ("> " * 10_000 + "deep\n", "deep"),
    "block quotes, 100 lines": (
        "".join(">" * 10_000 + f" line {n}\n" for n in range(100)),
        " ".join(f"line {n}" for n in range(100)),
    ),
    "bullet lists": ("- " * 10_000 + "deep\n", "deep"),
    "ordered lists": ("1. " * 10_000 + "deep\n", "deep"),
    "quotes in lists": ("- > " * 5_000 + "deep\n", "deep"),
}


@pytest.mark.parametrize("shape", NESTINGS, ids=list(NESTINGS))
def test_10000_levels_of_nesting_neither_recurse_too_deep_nor_crash(shape: str) -> None:
    markdown, _ = NESTINGS[shape]
    try:
        messages = extract(markdown, path="deep.md")
    except SourceError as error:
        assert error.path == "deep.md"
        return
    assert len(messages) <= 1


@pytest.mark.parametrize("shape", NESTINGS, ids=list(NESTINGS))
def test_text_nested_10000_deep_is_a_message_or_a_source_error(shape: str) -> None:
    # markdown-it drops what is nested deeper than its maxNesting (20): never silently.
    markdown, msgid = NESTINGS[shape]
    try:
        messages = extract(markdown, path="deep.md")
    except SourceError as error:
        assert error.line == 1
        assert "nested" in error.message
        return
    assert [m.msgid for m in messages] == [msgid]


def test_a_caveat_nested_too_deep_is_kept_or_refused() -> None:
    quote = "> " * 25
    markdown = f"{quote}<!-- caveat: keep-away -->\n{quote}Keep away from children.\n\nAfter.\n"
    try:
        messages = extract(markdown, path="deep.md")
    except SourceError:
        return
    assert messages, "the caveat and its paragraph vanished"
    assert (messages[0].msgid, messages[0].caveat) == ("Keep away from children.", "keep-away")


def _in_quotes(depth: int, lines: list[str]) -> str:
    return "".join("> " * depth + line + "\n" for line in lines)


@pytest.mark.parametrize(
    ("depth", "block", "msgids"),
    [
        (1, ["<!-- caveat: keep-away -->", "Keep away."], ["Keep away."]),
        (18, ["<!-- caveat: keep-away -->", "Keep away."], ["Keep away."]),
        pytest.param(19, ["<!-- caveat: keep-away -->", "Keep away."], ["Keep away."]),
        pytest.param(19, ["# Heading"], ["Heading"]),
        (15, ["| a | b |", "|---|---|", "| c | d |"], ["a", "b", "c", "d"]),
        pytest.param(16, ["| a | b |", "|---|---|", "| c | d |"], ["a", "b", "c", "d"]),
        (16, ["- item"], ["item"]),
        pytest.param(17, ["- item"], ["item"]),
    ],
    ids=[
        "paragraph in 1",
        "paragraph in 18",
        "paragraph in 19",
        "heading in 19",
        "table in 15",
        "table in 16",
        "list item in 16",
        "list item in 17",
    ],
)
def test_blocks_markdown_it_renders_keep_their_text(
    depth: int, block: list[str], msgids: list[str]
) -> None:
    markdown = _in_quotes(depth, block)
    rendered = make_renderer("gfm").render(markdown)
    assert all(msgid in rendered for msgid in msgids)  # markdown-it keeps this text
    messages = extract(markdown)
    assert [m.msgid for m in messages] == msgids
    if "caveat" in markdown:
        assert messages[0].caveat == "keep-away"


@pytest.mark.parametrize(
    ("depth", "block"),
    [(20, ["Dropped."]), (18, ["- dropped"]), (20, ["<!-- caveat: keep-away -->", "Dropped."])],
    ids=["paragraph in 20", "list item in 18", "caveat in 20"],
)
def test_blocks_markdown_it_drops_are_a_source_error(depth: int, block: list[str]) -> None:
    markdown = _in_quotes(depth, block)
    assert "ropped" not in make_renderer("gfm").render(markdown)
    with pytest.raises(SourceError, match="nested") as raised:
        extract(markdown, path="deep.md")
    assert raised.value.line is not None and raised.value.line >= 1


# --- a large document ----------------------------------------------------------------------------

#: One block of a large document: nine messages, every construct that makes one.
BLOCK = (Path(__file__).parent / "fixtures" / "markdown" / "large-document-block.md").read_text(
    encoding="utf-8"
)
BLOCK_MESSAGES = 9


def test_a_5_mb_document_gives_every_message() -> None:
    count = 5 * MB // len(BLOCK.format(n=10_000))
    markdown = "".join(BLOCK.format(n=n) for n in range(count))
    assert len(markdown) >= 5 * MB * 0.95
    messages = extract(markdown, path="big.md")
    assert len(messages) == count * BLOCK_MESSAGES
    last = messages[-BLOCK_MESSAGES:]
    assert last[0].msgid == f"Section {count - 1}"
    assert (last[2].caveat, last[2].line) == (f"caveat-{count - 1}", last[0].line + 6)
    assert sum(m.caveat is not None for m in messages) == count


# --- a line of a million characters --------------------------------------------------------------
# (A million "[" or "*a* " take markdown-it itself 10 s and 3 s: the benchmark has those.)

LONG_LINES = {
    "paragraph of words": ("word " * (MILLION // 5)).strip() + "\n",
    "paragraph without a space": "x" * MILLION + "\n",
    "heading": "# " + "word " * (MILLION // 5) + "\n",
    "table cells": "| a | b |\n|---|---|\n| "
    + "c" * (MILLION // 2)
    + " | "
    + "d" * (MILLION // 2)
    + " |\n",
    "unclosed emphasis": "*" * MILLION + "x\n",
    "backslash escapes": "\\*" * (MILLION // 2) + "\n",
    "entities": "&amp;" * (MILLION // 5) + "\n",
    "in a block quote": "> " + "word " * (MILLION // 5) + "\n",
    "in a code block": "```\n" + "x" * MILLION + "\n```\n",
}
LONG_LINE_MESSAGES = {"table cells": 4, "in a code block": 0}


@pytest.mark.parametrize("shape", LONG_LINES, ids=list(LONG_LINES))
def test_a_line_of_a_million_characters(shape: str) -> None:
    markdown = LONG_LINES[shape]
    document = parse_document(markdown, path="long.md")
    messages = document.messages
    assert len(messages) == LONG_LINE_MESSAGES.get(shape, 1)
    if len(messages) == 1:
        assert len(messages[0].msgid) >= MILLION // 2
    # A translation as long as the line is written back, too.
    localized = document.localize(lambda message: message.msgid.upper())
    assert len(localized) >= len(markdown) - 2


# --- a hundred thousand caveats ------------------------------------------------------------------


def caveats(count: int) -> str:
    return "".join(f"<!-- caveat: c-{n} -->\nParagraph {n}.\n\n" for n in range(count))


def test_100000_caveat_directives_each_govern_their_paragraph() -> None:
    messages = extract(caveats(100_000), path="caveats.md")
    assert len(messages) == 100_000
    assert all(
        (m.msgid, m.caveat, m.line) == (f"Paragraph {n}.", f"c-{n}", 3 * n + 2)
        for n, m in enumerate(messages)
    )


def test_a_duplicate_among_10000_caveats_is_a_source_error_naming_its_line() -> None:
    markdown = caveats(10_000) + "<!-- caveat: c-1234 -->\nAgain.\n"
    with pytest.raises(SourceError) as raised:
        extract(markdown, path="caveats.md")
    assert raised.value.line == 30_001
    assert "duplicate caveat id 'c-1234' (first used on line 3703)" in str(raised.value)


def test_10000_caveats_localize_into_10000_translations() -> None:
    markdown = caveats(10_000)

    def translate(message: Message) -> str:
        return message.msgid.replace("Paragraph", "Absatz")

    localized = localize(markdown, translate, path="caveats.md")
    assert localized == markdown.replace("Paragraph", "Absatz")
