"""Write a translation back into its block without changing the document's block structure.

A msgstr is inline Markdown. Put back at the start of a line, or inside a table row, some of its
characters would start or end a block instead of showing as text; each such hazard is escaped
here, and each escape renders as the character the translator wrote.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from markdown_it.rules_block.html_block import HTML_SEQUENCES

from locpipe.model import Flavor
from locpipe.parser import classify_newlines, make_parser

Kind = Literal["paragraph", "preformatted", "heading", "cell", "row-start cell"]
"""How a unit is written back.

``paragraph``: paragraphs and setext headings; ``\\n`` (a hard break) becomes a new line under the
container prefix. ``preformatted``: a paragraph or setext heading inside a ``<pre>`` (or
``<textarea>``) that raw HTML opened, where every line break is shown: its msgid is its text
as written, line by line, and each ``\\n`` is written back as the plain new line it was. ``heading``: an ATX heading's one line. ``cell``: a table cell; ``row-start
cell``: a cell that begins its row (no leading pipe), so its start is also a line start.
"""

# A line that starts with one of these would open a block instead of continuing the paragraph.
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r"[-+*](?:[ \t]|$)")
_ORDERED = re.compile(r"([0-9]{1,9})([.)])(?:[ \t]|$)")
_THEMATIC_BREAK = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
# A line of only = or - under paragraph text turns that text into a setext heading.
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*")
# After a list marker of the same character ("* " or "- - "), even one or two make a
# thematic break: "* **" is a rule, not a list item.
_MARKER_RUN = re.compile(r"(?:\*[ \t]*)+|(?:-[ \t]*)+")
_FENCE = re.compile(r"`{3,}|~{3,}")
# Under a line containing a pipe, a delimiter row turns both into a table (GFM).
_DELIMITER_ROW = re.compile(r"[|:-][|:\- \t]*")
# "[label]:" at the start of a paragraph may make it a link reference definition.
_REFERENCE_START = re.compile(r"\[(?:[^\\\[\]]|\\.)*\]:")
# The closing sequence of an ATX heading: trailing #s after a space (or alone).
_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)$")
_TRAILING_BACKSLASHES = re.compile(r"\\+$")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def continuation_prefix(first_line_prefix: str) -> str:
    """The prefix that continues, on a new line, the block whose first line has this prefix.

    Block-quote markers stay; list markers become spaces of the same width, so columns (and tabs)
    line up exactly as in the source: ``"> 1. "`` → ``">    "``; a marker without its space
    gets one: ``">>- "`` → ``"> >   "``.
    """
    pieces = []
    for index, char in enumerate(first_line_prefix):
        if char == ">":
            # A block-quote marker takes the one space after it, if there is one: give it its
            # own, or it would take the next column's (a list's indentation, or the line's).
            following = first_line_prefix[index + 1 : index + 2]
            pieces.append(">" if following in (" ", "\t") else "> ")
        else:
            pieces.append(char if char in " \t" else " ")
    return "".join(pieces)


def looks_like_delimiter_row(line: str) -> bool:
    """Whether ``line`` could be a GFM table's delimiter row."""
    return "-" in line and _DELIMITER_ROW.fullmatch(line) is not None


def write_back(
    translation: str,
    kind: Kind,
    prefix: str,
    newline: str,
    *,
    delimiter_row: str = "",
    flavor: Flavor = "gfm",
    env: dict[str, Any] | None = None,
    escaped: list[str] | None = None,
) -> str:
    """``translation`` as source text for a unit of ``kind``, ready to replace the unit's span.

    ``escaped``: if given, receives a description of each block construct that had to be
    escaped to show as text (see :func:`escaped_constructs`).
    """
    # A blank line would end the block: drop blank lines (and CRs, which are line ends too).
    if "\n" in translation or "\r" in translation:
        text = translation.replace("\r\n", "\n").replace("\r", "\n")
        text = _BLANK_LINES.sub("\n", text).strip(" \t\n")
    else:
        text = translation.strip(" \t")
    if kind == "preformatted":
        return _preformatted(text, escaped)
    if kind == "paragraph":
        return _paragraph(
            text, prefix, newline, flavor, delimiter_row=delimiter_row, env=env, escaped=escaped
        )
    # Headings and table cells are one line: a line break there can only be a space.
    text = _protect_trailing_backslash(" ".join(line.strip(" \t") for line in text.split("\n")))
    if kind == "heading":
        text = _escape_closing_hashes(text, escaped)
        return _no_table_header(text, delimiter_row, flavor) if delimiter_row else text
    if kind == "row-start cell":
        text = _escape_line_start(text, first=False, escaped=escaped)
    text = _escape_pipes(text)
    # The table rule takes any "\|" for an escaped pipe, even when that backslash is itself
    # escaped: keep a trailing backslash away from the cell's closing pipe.
    return text + " " if text.endswith("\\") else text


def _paragraph(
    text: str,
    prefix: str,
    newline: str,
    flavor: Flavor,
    *,
    delimiter_row: str = "",
    env: dict[str, Any] | None = None,
    escaped: list[str] | None = None,
) -> str:
    """A paragraph's text, each line break written as a backslash hard break.

    ``delimiter_row``: the line that follows (a setext heading's ``---``) looks like a table's
    delimiter row; the last line must not become a table header above it.
    """
    if "\n" not in text:
        if delimiter_row:
            text = _no_table_header(text, delimiter_row, flavor)
        return _escape_line_start(_protect_trailing_backslash(text), first=True, escaped=escaped)
    # A newline inside raw HTML is no line break: it stays a plain newline (its next line still
    # must not open a block). One inside a code span or link title renders as a space: make it one.
    breaks, raw_html = classify_newlines(text, flavor, env)
    pieces: list[str] = []
    line_start = 0
    after_break = True
    while True:
        end = text.find("\n", line_start)
        line = text[line_start : end if end >= 0 else len(text)]
        if after_break:
            line = line.lstrip(" \t")
        if line_start == 0 or line_start - 1 in breaks or line_start - 1 in raw_html:
            # Up to three spaces may come before what opens a block: look past them (a line
            # after a break has none; one that continues raw HTML keeps its own).
            indent = len(line) - len(line.lstrip(" \t"))
            line = line[:indent] + _escape_line_start(
                line[indent:], first=line_start == 0, escaped=escaped
            )
        if end < 0:
            pieces.append(_protect_trailing_backslash(line.rstrip(" \t")))
            written = "".join(pieces)
            if not delimiter_row:
                return written
            head, _, last = written.rpartition("\n")
            return head + _ + _no_table_header(last, delimiter_row, flavor)
        after_break = end in breaks
        if after_break:
            pieces.append(_protect_trailing_backslash(line.rstrip(" \t")) + "\\")
            pieces.append(newline + prefix)
        elif end in raw_html:
            pieces.append(line)
            pieces.append(newline + prefix)
        else:
            pieces.append(line + " ")
        line_start = end + 1


def _preformatted(text: str, escaped: list[str] | None) -> str:
    """A paragraph inside raw ``<pre>``: its lines kept as lines (the source's soft breaks are
    new lines on the page there), each line's start escaped as a paragraph's would be."""
    lines = text.split("\n")
    written = [_escape_line_start(lines[0], first=True, escaped=escaped)]
    for line in lines[1:]:
        # The paragraph rule drops a continuation line's indentation: so does the write-back.
        written.append(_escape_line_start(line.lstrip(" \t"), first=False, escaped=escaped))
    written[-1] = _protect_trailing_backslash(written[-1])
    return "\n".join(written)


# A code span: a run of backticks, then anything up to a run of the same length.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
# A pipe, and the backslashes before it (an odd number escape it).
_PIPE = re.compile(r"(\\*)\|")


def _no_table_header(line: str, delimiter_row: str, flavor: Flavor) -> str:
    """``line`` written so that above ``delimiter_row`` it is no table header: without a ``|``.

    Escaping is no help (the table rule counts ``\\|`` as a pipe too, and one column under a
    one-column row is a table): each pipe becomes the reference ``&#124;``, except in code spans,
    where a reference would show as written; only if the pipes left there still make a table
    do those become references too.
    """
    if flavor != "gfm" or "|" not in line:
        return line
    pieces: list[str] = []
    copied = 0
    for span in _CODE_SPAN.finditer(line):
        pieces += [_pipes_as_references(line[copied : span.start()]), span.group()]
        copied = span.end()
    guarded = "".join(pieces) + _pipes_as_references(line[copied:])
    if "|" in guarded and _is_table(guarded, delimiter_row):
        guarded = _pipes_as_references(line)
    return guarded


def _pipes_as_references(text: str) -> str:
    # An escaped pipe ("\|") is a pipe shown as itself: the reference replaces both.
    return _PIPE.sub(lambda m: m.group(1)[: len(m.group(1)) // 2 * 2] + "&#124;", text)


def _is_table(header: str, delimiter_row: str) -> bool:
    tokens = make_parser("gfm").parse(f"{header}\n{delimiter_row}\n")
    return any(token.type == "table_open" for token in tokens)


def _protect_trailing_backslash(line: str) -> str:
    # An odd backslash at the end of a line would escape what we write after it (the hard
    # break's own backslash, or a cell's closing pipe): double it, so it shows as itself.
    if not line.endswith("\\"):
        return line
    match = _TRAILING_BACKSLASHES.search(line)
    if match and len(match.group()) % 2:
        return line + "\\"
    return line


def _escape_line_start(line: str, *, first: bool, escaped: list[str] | None = None) -> str:
    """``line`` with whatever at its start would open a block escaped.

    ``first``: the line opens the unit (where an HTML block of any kind, or a link reference
    definition, could start); otherwise it continues a paragraph (only the kinds of HTML block
    that can interrupt a paragraph matter there). ``escaped`` receives what was escaped.
    """
    found = _block_start(line, first=first)
    if found is None:
        return line
    construct, written = found
    if escaped is not None:
        escaped.append(construct)
    return written


def _block_start(line: str, *, first: bool) -> tuple[str, str] | None:
    """What block ``line`` would open at the start of a line, described for a reader (its
    marker and the construct's name), and ``line`` escaped; None if it only continues text."""
    if not line:
        return None
    char = line[0]
    if char in "#>+*-_=|:":
        if char == "#" and _ATX_HEADING.match(line):
            construct = f"{line.split(maxsplit=1)[0]!r} (a heading)"
        elif char == ">":
            construct = "'>' (a block quote)"
        elif _BULLET.match(line):
            construct = f"{char!r} (a list item)"
        elif _THEMATIC_BREAK.fullmatch(line) or (first and _MARKER_RUN.fullmatch(line)):
            construct = f"{line.strip()!r} (a thematic break)"
        elif _SETEXT_UNDERLINE.fullmatch(line):
            construct = f"{line.strip()!r} (a setext heading underline)"
        elif looks_like_delimiter_row(line):
            construct = f"{line.strip()!r} (a table delimiter row)"
        else:
            return None
        return construct, "\\" + line
    if char.isdigit():
        ordered = _ORDERED.match(line)
        if ordered is None:
            return None
        number = ordered.group(1)
        construct = f"{number + ordered.group(2)!r} (a numbered list item)"
        return construct, number + "\\" + line[len(number) :]
    if char in "`~":
        fence = _FENCE.match(line)
        # A backtick fence's info string cannot contain a backtick: "``` ```" is a code span.
        if fence is None or (char == "`" and "`" in line[fence.end() :]):
            return None
        # Escape every marker: "\```" would leave "``", which can open a code span.
        written = "".join("\\" + c for c in fence.group()) + line[fence.end() :]
        return f"{fence.group()!r} (a code fence)", written
    if char == "<" and _starts_html_block(line, first=first):
        opening = _HTML_OPENING.match(line)
        return f"{opening.group() if opening else '<'!r} (an HTML block)", "\\" + line
    if char == "[" and first:
        reference = _REFERENCE_START.match(line)
        if reference is not None:
            # Escape the colon, not the bracket: "[label]" stays a link if the label is defined.
            colon = reference.end() - 1
            written = line[:colon] + "\\" + line[colon:]
            return f"{reference.group()!r} (a link reference definition)", written
    return None


# How an HTML block's opening is named in a message: "<!--", "<div", "</p", "<?", "<![CDATA[".
_HTML_OPENING = re.compile(r"<(?:!--|!\[CDATA\[|[!?/]?[A-Za-z][A-Za-z0-9-]*)")


# A line start escaped in the source: a backslash before the marker (after an ordered list's
# number), or before each character of a fence.
_ESCAPED_LINE_START = re.compile(r"^(?:((?:\\[`~]){3,})|(\d{0,9})\\(?=[!-/:-@\[-`{-~]))", re.M)


def unescaped_line_starts(text: str) -> str:
    r"""``text`` with the backslashes that keep its lines from opening blocks removed: what the
    source wrote to show, at a line start, a marker as text (``\#``, ``1986\.``, ``\<!--``).

    >>> unescaped_line_starts("1986\\. A year\n\\`\\`\\` and \\# \\*")
    '1986. A year\n``` and \\# \\*'
    """
    if "\\" not in text:
        return text
    return _ESCAPED_LINE_START.sub(
        lambda m: m.group(2) if m.group(1) is None else m.group(1).replace("\\", ""), text
    )


def _starts_html_block(line: str, *, first: bool) -> bool:
    return any(
        opening.search(line) and (first or can_interrupt)
        for opening, _closing, can_interrupt in HTML_SEQUENCES
    )


def _escape_closing_hashes(text: str, escaped: list[str] | None = None) -> str:
    # "Title #" would lose its "#": the parser takes it for a closing sequence.
    match = _CLOSING_HASHES.search(text)
    if match is None:
        return text
    if escaped is not None:
        escaped.append(f"{match.group(2)!r} (a heading's closing sequence)")
    start = match.start(2)
    return text[:start] + "\\" + text[start:]


def _escape_pipes(text: str) -> str:
    # In a table row every "|" splits cells, and the table rule removes one backslash before an
    # escaped pipe; a backslash before every pipe is exactly what that removal gives back.
    return text.replace("|", "\\|")
