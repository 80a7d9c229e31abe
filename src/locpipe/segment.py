"""Markdown → messages, and messages → localized Markdown, without ever re-rendering the document.

A document is parsed once (:func:`parse_document`). Each translatable unit -- the inline content of
a paragraph, an ATX or setext heading, or a table cell -- becomes a :class:`~locpipe.model.Message`
and remembers the exact span of source text it came from. Localizing replaces those spans with
escaped translations and copies every other byte of the source unchanged.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.token import Token

from locpipe import escape
from locpipe.errors import SourceError
from locpipe.gcpause import without_gc
from locpipe.model import Flavor, Message
from locpipe.parser import (
    make_block_parser,
    make_newline_parser,
    make_parser,
    newlines_may_be_held,
    parse_inline,
)

Translate = Callable[[Message], "str | None"]

_BOM = "\ufeff"
# markdown-it-py silently skips the content of blocks at its maxNesting (20): a block quote or
# list item opened at this level would have its content dropped.
_MAX_LEVEL = 19


@dataclass(frozen=True, slots=True)
class Unit:
    """A message and the span of the (normalized) source it was extracted from."""

    message: Message
    start: int
    """Offset of the unit's first character in the normalized source."""
    end: int
    """Offset just past the unit's last character."""
    kind: escape.Kind
    """How a translation must be written back (see :mod:`locpipe.escape`)."""
    line_start: int
    """Offset of the start of the unit's first line: what precedes the unit there is its
    container prefix, from which lines a translation adds (hard breaks) get theirs."""
    newline: str
    """The source's line ending at this unit."""
    delimiter_row: str = ""
    """The line after the unit when it looks like a table delimiter row (under an ATX heading, or
    a setext heading's ``---``): a ``|`` in the unit's last line could make it a table header."""
    token_index: int = -1
    """Index of the unit's ``inline`` token in :attr:`Document.tokens`."""
    indent: int = 0
    """Columns the unit's first line is indented past its container's content: a paragraph keeps
    that much of the prefix of each line it continues on (see :mod:`locpipe.parser`)."""


@dataclass(slots=True)
class Document:
    """A parsed Markdown document: its units, ready to be localized any number of times."""

    source: str
    """The document exactly as given."""
    path: str
    flavor: Flavor = "gfm"
    units: list[Unit] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)
    """markdown-it's environment after the parse: the link reference definitions."""
    _tokens: list[Token] = field(default_factory=list)
    _inline_pending: bool = False
    """Some ``inline`` tokens have not had their inline content parsed yet."""
    _text: str = ""
    """The text offsets refer to: ``source`` without a BOM, line endings normalized."""
    _offset: Callable[[int], int] = int

    @property
    def tokens(self) -> list[Token]:
        """markdown-it-py's tokens for the document, for rendering it without parsing again.

        Messages need only the block structure (and the inline parse of a few units), so the
        rest of the inline content is parsed here, the first time the tokens are asked for.
        """
        if self._inline_pending:
            pending = [token for token in self._tokens if token.type == "inline"]
            without_gc(lambda: parse_inline(_unparsed(pending), self.env, self.flavor))
            self._inline_pending = False
        return self._tokens

    def _children(self, token: Token) -> list[Token]:
        """``token``'s children, or (not parsed yet) what tells its newlines apart: its content
        parsed by :func:`~locpipe.parser.make_newline_parser`, not kept."""
        if token.children or not token.content:
            return token.children or []
        return (
            make_newline_parser(self.flavor).parseInline(token.content, self.env)[0].children or []
        )

    @property
    def messages(self) -> list[Message]:
        """The translatable messages, in document order."""
        return [unit.message for unit in self.units]

    def prefix(self, unit: Unit) -> str:
        """What precedes ``unit`` on its first line: its containers' markers and indentation."""
        return self._text[unit.line_start : unit.start]

    def escaped_beyond_source(self, unit: Unit, constructs: list[str]) -> tuple[str, ...]:
        """Which of ``constructs`` (escaped in a translation of ``unit``) the unit's own msgid
        does not show as text at a line start: markup the English lacks, shown as text. (The
        msgid holds what its source escaped, ``1986\\.``: it is written back without it.)"""
        own: list[str] = []
        escape.write_back(
            escape.unescaped_line_starts(unit.message.msgid),
            unit.kind,
            "",
            "\n",
            delimiter_row=unit.delimiter_row,
            flavor=self.flavor,
            env=self.env,
            escaped=own,
        )
        return tuple((Counter(constructs) - Counter(own)).elements())

    def localize(self, translate: Translate) -> str:
        """The document with each unit replaced by ``translate(message)`` (None keeps the source)."""
        return self.localize_units(translate)[0]

    def localize_units(
        self, translate: Translate, escaped: dict[int, tuple[str, ...]] | None = None
    ) -> tuple[str, dict[int, str]]:
        """:meth:`localize`, and what was written in place of each translated unit, by its
        index in :attr:`units`, as it would read without container prefixes (every line of it
        as if at the left margin, line endings ``\n``): the unit's inline text on its own.

        ``escaped``: if given, receives, by unit index, the block constructs that had to be
        escaped in a translation and not in its msgid (see :func:`escaped_beyond_source`).
        """
        pieces: list[str] = []
        written: dict[int, str] = {}
        copied = 0
        source, offset = self.source, self._offset
        for index, unit in enumerate(self.units):
            translation = translate(unit.message)
            if translation is None or not translation.strip():
                continue
            start, end = offset(unit.start), offset(unit.end)
            pieces.append(source[copied:start])
            constructs: list[str] = []
            text = escape.write_back(
                translation,
                unit.kind,
                "",
                "\n",
                delimiter_row=unit.delimiter_row,
                flavor=self.flavor,
                env=self.env,
                escaped=constructs,
            )
            if constructs and escaped is not None:
                beyond = self.escaped_beyond_source(unit, constructs)
                if beyond:
                    escaped[index] = beyond
            written[index] = text
            if "\n" in text and (unit.newline != "\n" or unit.line_start != unit.start):
                # Lines it adds continue the unit's container: they take its prefix.
                prefix = escape.continuation_prefix(self.prefix(unit))
                text = text.replace("\n", unit.newline + prefix)
            pieces.append(text)
            copied = end
        if not pieces:
            return source, written
        pieces.append(source[copied:])
        return "".join(pieces), written


def extract(markdown: str, *, path: str = "<string>", flavor: Flavor = "gfm") -> list[Message]:
    """The translatable messages of ``markdown``, in document order.

    >>> [m.msgid for m in extract("# Hello\\n\\nSome *text*\\nhere.\\n")]
    ['Hello', 'Some *text* here.']
    """
    return parse_document(markdown, path=path, flavor=flavor).messages


def localize(
    markdown: str, translate: Translate, *, path: str = "<string>", flavor: Flavor = "gfm"
) -> str:
    """``markdown`` with every message replaced by ``translate(message)``, or kept where it returns None.

    >>> localize("# Hello\\n", lambda m: {"Hello": "Bonjour"}.get(m.msgid))
    '# Bonjour\\n'
    """
    return parse_document(markdown, path=path, flavor=flavor).localize(translate)


def parse_document(
    markdown: str, *, path: str = "<string>", flavor: Flavor = "gfm", inline: bool = False
) -> Document:
    """Parse ``markdown`` once into a :class:`Document`.

    ``inline``: parse every unit's inline content now (for a document that will be rendered);
    by default only the block structure is, and :attr:`Document.tokens` parses the rest when
    first asked for.

    :raises SourceError: for a malformed, duplicated or dangling directive.
    """
    if not isinstance(markdown, str):
        raise TypeError(f"markdown must be a str, not {type(markdown).__name__}")
    bom = len(_BOM) if markdown.startswith(_BOM) else 0
    body = markdown[bom:]
    text = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
    if "\0" in text:
        text = text.replace("\0", "\ufffd")  # as markdown-it does; one character for one
    env: dict[str, Any] = {}
    # By default the block structure only: messages need little of the inline content.
    parser = make_parser(flavor) if inline else make_block_parser(flavor)
    tokens = _parse_without_gc(parser, text, path, env)
    document = Document(
        source=markdown,
        path=path,
        flavor=flavor,
        env=env,
        _tokens=tokens,
        _inline_pending=not inline,
        _text=text,
        _offset=_offset_map(body, text, bom),
    )
    document.units = list(_units(tokens, text, path, _newline_style(body), document._children))
    return document


def _parse_without_gc(parser: MarkdownIt, text: str, path: str, env: dict[str, Any]) -> list[Token]:
    try:
        return without_gc(lambda: parser.parse(text, env))
    except IndexError as error:
        # markdown-it-py 4.x can index past the end of the text on some unterminated HTML
        # inside containers ("> - <!--" then ">"): report it, never a traceback.
        raise SourceError(
            f"the Markdown parser failed on this document ({error})", path=path
        ) from error


def _unparsed(tokens: list[Token]) -> list[Token]:
    """The inline tokens whose content has not been parsed (a parse gives content children)."""
    return [token for token in tokens if token.content and not token.children]


# --- offsets -------------------------------------------------------------------------------------


def _offset_map(body: str, text: str, bom: int) -> Callable[[int], int]:
    """Map an offset in the normalized text to the same place in the source as given."""
    if "\r" not in body:
        return (lambda pos: pos + bom) if bom else int
    # Only line endings differ: the same line and column in both.
    text_starts = _line_starts(text)
    body_starts = [0]
    for match in re.finditer(r"\r\n?|\n", body):
        body_starts.append(match.end())

    def offset(pos: int) -> int:
        line = bisect.bisect_right(text_starts, pos) - 1
        return body_starts[line] + (pos - text_starts[line]) + bom

    return offset


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def _newline_style(body: str) -> str:
    match = re.search(r"\r\n?|\n", body)
    return match.group() if match else "\n"


# --- units ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Governance:
    """What the directives before a block say about the units inside it."""

    end: int
    skip: bool = False
    context: str | None = None
    notes: tuple[str, ...] = ()
    caveat: str | None = None
    caveat_line: int = 0
    used: bool = False


def _units(
    tokens: list[Token],
    text: str,
    path: str,
    newline: str,
    children_of: Callable[[Token], list[Token]] = lambda token: token.children or [],
) -> Iterator[Unit]:
    """The units of a parsed document; ``children_of`` gives an inline token's children (parsing
    them if need be: most units never need theirs)."""
    closes: dict[int, int] | None = None  # computed when a directive first needs them
    pending: dict[int, list[tuple[Token, _Directive]]] = {}
    active: list[_Governance] = []
    caveat_lines: dict[str, int] = {}
    row_cells: list[tuple[int, int]] | None = None
    cell_index = 0
    containers: list[str] = []
    raw_pre = 0  # <pre> and <textarea> elements that raw HTML opened and has not closed

    for index, token in enumerate(tokens):
        while active and active[-1].end < index:
            _check_used(active.pop(), path)
        level, nesting, kind = token.level, token.nesting, token.type
        if nesting == -1:
            containers.pop()
            if pending:
                _fail_dangling(pending, above=level, path=path)
        elif kind == "html_block":
            raw_pre = max(0, raw_pre + _preformatting(token.content))
            directive = _directive_of(token, path)
            if directive is not None:
                pending.setdefault(level, []).append((token, directive))
                continue
        if pending and nesting >= 0 and kind != "inline" and pending.get(level):
            if closes is None:
                closes = _matching_closes(tokens)
            active.append(_govern(pending.pop(level), closes.get(index, index), caveat_lines, path))
        if nesting == 1:
            containers.append(kind)
            if level >= _MAX_LEVEL and kind in ("blockquote_open", "list_item_open"):
                raise SourceError(
                    f"blocks nested more than {_MAX_LEVEL} levels deep: the parser drops what "
                    "is deeper, so it could never be translated or checked",
                    path=path,
                    line=token.map[0] + 1 if token.map else 0,
                )
        if kind == "tr_open":
            row_cells = None
            cell_index = 0
        elif kind == "inline":
            if "<!--" in token.content:
                _reject_inline_directives(token, children_of(token), path)
            parent = tokens[index - 1]
            if row_cells is None and parent.type in ("th_open", "td_open"):
                row_cells = _cell_spans(text, *token.meta["lines"][0])
            unit = _unit(
                token,
                parent,
                text,
                path,
                newline,
                row_cells,
                cell_index,
                containers,
                index,
                children_of,
                preformatted=raw_pre > 0,
            )
            if "<" in token.content:
                raw_pre = max(0, raw_pre + _preformatting(token.content))
            if parent.type in ("th_open", "td_open"):
                cell_index += 1
            if unit is None:
                continue
            unit = _governed(unit, active)
            if unit is not None:
                yield unit
    _fail_dangling(pending, above=-1, path=path)
    for governance in active:
        _check_used(governance, path)


def _matching_closes(tokens: list[Token]) -> dict[int, int]:
    closes: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(index)
        elif token.nesting == -1 and stack:
            closes[stack.pop()] = index
    return closes


def _unit(
    token: Token,
    parent: Token,
    text: str,
    path: str,
    newline: str,
    row_cells: list[tuple[int, int]] | None,
    cell_index: int,
    containers: list[str],
    token_index: int,
    children_of: Callable[[Token], list[Token]],
    *,
    preformatted: bool = False,
) -> Unit | None:
    """The unit of the inline ``token`` under ``parent``; None where there is nothing to
    translate. ``preformatted``: raw HTML opened a ``<pre>`` around it (see
    :data:`~locpipe.escape.Kind`)."""
    content = token.content
    lines = token.meta.get("lines")
    if not content or not lines:
        return None
    kind: escape.Kind
    delimiter_row = ""
    if parent.type == "paragraph_open":
        kind = "paragraph"
        label = _paragraph_label(containers)
        start, end = _block_span(text, lines)
    elif parent.type == "heading_open" and parent.markup.startswith("#"):
        kind = "heading"
        label = f"heading level {len(parent.markup)}"
        line_start, line_end = lines[0]
        start = text.index(content, line_start + len(parent.markup), line_end)
        end = start + len(content)
        delimiter_row = _delimiter_row_after(text, line_end)
    elif parent.type == "heading_open":
        kind = "paragraph"  # a setext heading's content is written back like a paragraph's
        label = f"heading level {1 if parent.markup == '=' else 2}"
        start, end = _block_span(text, lines)
        # A "---" underline is also a delimiter row: a "|" in the last line could make a table.
        delimiter_row = _delimiter_row_after(text, lines[-1][1])
    elif parent.type in ("th_open", "td_open"):
        if row_cells is None or cell_index >= len(row_cells):
            return None  # a cell the table rule made up for a short row
        start, end = row_cells[cell_index]
        row_start = lines[0][0]
        kind = "row-start cell" if not text[row_start:start].strip(MD_TRIM_CHARS) else "cell"
        label = "table header cell" if parent.type == "th_open" else "table cell"
    else:  # pragma: no cover - markdown-it has no other inline containers
        raise AssertionError(f"unexpected inline token under {parent.type}")
    line_begin = text.rfind("\n", 0, start) + 1
    if preformatted and kind == "paragraph":
        # Inside <pre> a soft break is a new line on the page, not a space: the msgid keeps
        # the text as written, and the write-back its lines.
        kind = "preformatted"
        msgid = content
    else:
        msgid = _msgid(content, token, children_of)
    message = Message(
        msgid=msgid,
        line=token.map[0] + 1 if token.map else 0,
        comments=(label,),
        path=path,
    )
    return Unit(
        message=message,
        start=start,
        end=end,
        kind=kind,
        line_start=line_begin,
        newline=newline,
        delimiter_row=delimiter_row,
        token_index=token_index,
        indent=token.meta.get("indent", 0) if kind in ("paragraph", "preformatted") else 0,
    )


# Raw HTML that opens or closes an element in which white space is shown as written.
_PRE_OPEN = re.compile(r"<(?:pre|textarea)(?=[\s/>]|$)", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</(?:pre|textarea)\s*>", re.IGNORECASE)


def _preformatting(html: str) -> int:
    """How many ``<pre>`` (or ``<textarea>``) elements ``html`` leaves open (negative: closes)."""
    if "<" not in html:
        return 0
    return len(_PRE_OPEN.findall(html)) - len(_PRE_CLOSE.findall(html))


def _paragraph_label(containers: list[str]) -> str:
    # containers ends with "paragraph_open"; what holds the paragraph is just before it.
    holder = containers[-2] if len(containers) > 1 else ""
    return {"list_item_open": "list item", "blockquote_open": "block quote"}.get(
        holder, "paragraph"
    )


def _block_span(text: str, lines: list[tuple[int, int]]) -> tuple[int, int]:
    """Where a paragraph's (or setext heading's) text starts and ends, as markdown-it trims it."""
    start, first_end = lines[0]
    start += len(text[start:first_end]) - len(text[start:first_end].lstrip(MD_TRIM_CHARS))
    last_start, end = lines[-1]
    last_start = max(last_start, start)
    end = last_start + len(text[last_start:end].rstrip(MD_TRIM_CHARS))
    return start, end


def _delimiter_row_after(text: str, line_end: int) -> str:
    """The next line, without container markers, if it looks like a delimiter row; else ""."""
    next_end = text.find("\n", line_end + 1)
    next_line = text[line_end + 1 : next_end if next_end >= 0 else len(text)].strip(" \t>")
    return next_line if escape.looks_like_delimiter_row(next_line) else ""


def _cell_spans(text: str, row_start: int, row_end: int) -> list[tuple[int, int]]:
    """Source spans of a table row's cells, split as markdown-it's ``escapedSplit`` splits them.

    ``row_start`` is where the table rule read the row (after container markers and indentation).
    """
    row_text = text[row_start:row_end]
    stripped = row_text.strip(MD_TRIM_CHARS)
    base = row_start + (len(row_text) - len(row_text.lstrip(MD_TRIM_CHARS)))
    columns: list[tuple[int, int]] = []
    column_start = 0
    escaped = False
    for position, char in enumerate(stripped):
        if char == "|" and not escaped:
            columns.append((column_start, position))
            column_start = position + 1
        escaped = char == "\\"
    columns.append((column_start, len(stripped)))
    if columns and columns[0][0] == columns[0][1]:
        columns.pop(0)
    if columns and columns[-1][0] == columns[-1][1]:
        columns.pop()
    spans = []
    for column_begin, column_end in columns:
        cell = stripped[column_begin:column_end]
        lead = len(cell) - len(cell.lstrip(MD_TRIM_CHARS))
        trail = len(cell.rstrip(MD_TRIM_CHARS))
        spans.append((base + column_begin + lead, base + column_begin + max(trail, lead)))
    return spans


# --- messages ------------------------------------------------------------------------------------


def _msgid(content: str, token: Token, children_of: Callable[[Token], list[Token]]) -> str:
    """The unit's text as translators see it: soft breaks become spaces, hard breaks ``\\n``.

    A newline inside raw HTML stays a newline (as a space it could turn ``<foo\\nbar>`` into a
    link destination); one inside a code span or a link title becomes a space, which renders the
    same. :func:`locpipe.escape.write_back` tells the two kinds of ``\\n`` apart again by parsing.
    """
    if "\n" not in content:
        return content
    breaks: dict[int, str] = {}
    raw_html: list[tuple[int, int]] = []
    if not token.children and not newlines_may_be_held(content):
        # Nothing holds a newline: each is a break, told from the end of its line.
        return _joined_lines(content, _breaks_of_plain_text(content), raw_html)
    for child in children_of(token):
        position = child.meta.get("pos") if child.meta else None
        if position is None:
            continue
        if child.type == "softbreak":
            breaks[position] = "soft"
        elif child.type == "html_inline":
            raw_html.append((position, position + len(child.content)))
        elif content[position] == "\\":
            breaks[position + 1] = "backslash"
        else:
            breaks[position] = "hard"
    return _joined_lines(content, breaks, raw_html)


def _breaks_of_plain_text(content: str) -> dict[int, str]:
    """What each newline of ``content`` is, when no code span, raw HTML or link can hold one: a
    backslash break after an odd run of backslashes, a hard break after two spaces, else soft."""
    breaks: dict[int, str] = {}
    line_start = 0
    newline = content.find("\n")
    while newline >= 0:
        line = content[line_start:newline]
        backslashes = len(line) - len(line.rstrip("\\"))
        if backslashes % 2:
            breaks[newline] = "backslash"
        elif line.endswith("  "):
            breaks[newline] = "hard"
        else:
            breaks[newline] = "soft"
        line_start = newline + 1
        newline = content.find("\n", line_start)
    return breaks


def _joined_lines(content: str, breaks: dict[int, str], raw_html: list[tuple[int, int]]) -> str:
    html_starts = [start for start, _ in raw_html]
    pieces: list[str] = []
    pos = 0
    length = len(content)
    while True:
        newline = content.find("\n", pos)
        if newline < 0:
            pieces.append(content[pos:])
            return "".join(pieces)
        kind = breaks.get(newline)
        if kind is None:
            pieces.append(content[pos:newline])
            # raw_html is in source order: the last span starting before the newline decides.
            index = bisect.bisect_left(html_starts, newline) - 1
            inside_html = index >= 0 and newline < raw_html[index][1]
            pieces.append("\n" if inside_html else " ")
            pos = newline + 1
            continue
        line = content[pos:newline]
        if kind == "backslash":
            pieces.append(line[:-1])
            pieces.append("\n")
        else:
            # The parser drops the spaces before a break (one for a soft break, all for a hard
            # one); keep the msgid free of them too.
            pieces.append(line.rstrip(" "))
            pieces.append(" " if kind == "soft" else "\n")
        pos = newline + 1
        while pos < length and content[pos] in " \t":
            pos += 1


# --- directives ----------------------------------------------------------------------------------

# Anything that starts like a directive is held to the directive grammar: a caveat directive
# with a typo ("<!-- caveat experimental -->") must fail loudly, not silently drop the check.
_DIRECTIVE_LIKE = re.compile(r"<!--\s*(?:l10n|caveat)(?![\w-])", re.IGNORECASE)
_DIRECTIVE = re.compile(r"<!--[ \t]*(l10n|caveat):[ \t]*(.*?)[ \t]*-->")
_CAVEAT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class _Directive:
    verb: str
    """``skip``, ``context``, ``note`` or ``caveat``."""
    argument: str
    line: int


def _directive_of(token: Token, path: str) -> _Directive | None:
    """The directive an HTML block states, None for other HTML, or an error for a malformed one."""
    content = token.content
    if "<!--" not in content or not _DIRECTIVE_LIKE.search(content):
        return None
    line = token.map[0] + 1 if token.map else 0
    stripped = content.strip()
    if content.count("\n") > 1 or not (stripped.startswith("<!--") and stripped.endswith("-->")):
        raise SourceError(
            f"a locpipe directive must stand alone on its own line: {_first_line(content)!r}",
            path=path,
            line=line + _line_of_directive(content),
        )
    match = _DIRECTIVE.fullmatch(stripped)
    if match is None:
        raise SourceError(
            f"malformed directive {stripped!r}: expected '<!-- caveat: ID -->', "
            "'<!-- l10n: skip -->', '<!-- l10n: context TEXT -->' or '<!-- l10n: note TEXT -->'",
            path=path,
            line=line,
        )
    keyword, argument = match.groups()
    if keyword == "caveat":
        if not _CAVEAT_ID.fullmatch(argument):
            raise SourceError(
                f"malformed caveat id {argument!r}: use a lower-case slug such as 'experimental-stage'",
                path=path,
                line=line,
            )
        return _Directive("caveat", argument, line)
    verb, _, text = argument.partition(" ")
    text = text.strip()
    if verb == "skip" and not text:
        return _Directive("skip", "", line)
    if verb in ("context", "note"):
        if not text:
            raise SourceError(f"'l10n: {verb}' needs a text after it", path=path, line=line)
        return _Directive(verb, text, line)
    raise SourceError(
        f"unknown directive 'l10n: {argument}': expected 'skip', 'context TEXT' or 'note TEXT'",
        path=path,
        line=line,
    )


def is_directive_block(token: Token) -> bool:
    """Whether ``token`` is an HTML block holding one locpipe directive (already validated)."""
    return token.type == "html_block" and _DIRECTIVE.fullmatch(token.content.strip()) is not None


def _first_line(content: str) -> str:
    match = _DIRECTIVE_LIKE.search(content)
    start = match.start() if match else 0
    end = content.find("\n", start)
    return content[start : end if end >= 0 else len(content)].strip()


def _line_of_directive(content: str) -> int:
    match = _DIRECTIVE_LIKE.search(content)
    return content.count("\n", 0, match.start()) if match else 0


def _reject_inline_directives(token: Token, children: list[Token], path: str) -> None:
    for child in children:
        if child.type == "html_inline" and _DIRECTIVE_LIKE.search(child.content):
            offset = child.meta.get("pos", 0)
            raise SourceError(
                "a locpipe directive must stand alone on its own line before the block it "
                f"governs, not inside text: {child.content.strip()!r}",
                path=path,
                line=(token.map[0] + 1 if token.map else 1) + token.content.count("\n", 0, offset),
            )


def _fail_dangling(
    pending: dict[int, list[tuple[Token, _Directive]]], *, above: int, path: str
) -> None:
    """A directive whose container ends (or the document) before any block follows it."""
    for level in [level for level in pending if level > above]:
        directives = pending.pop(level)
        if directives:
            first = directives[0][1]
            raise SourceError(
                f"directive '{_spelled(first)}' has no block after it", path=path, line=first.line
            )


def _spelled(directive: _Directive) -> str:
    if directive.verb == "caveat":
        return f"caveat: {directive.argument}"
    return f"l10n: {directive.verb} {directive.argument}".rstrip()


def _govern(
    directives: list[tuple[Token, _Directive]],
    end: int,
    caveat_lines: dict[str, int],
    path: str,
) -> _Governance:
    governance = _Governance(end=end)
    for _, directive in directives:
        if directive.verb == "skip":
            governance.skip = True
        elif directive.verb == "context":
            governance.context = directive.argument
        elif directive.verb == "note":
            governance.notes += (directive.argument,)
        else:
            first = caveat_lines.setdefault(directive.argument, directive.line)
            if first != directive.line:
                raise SourceError(
                    f"duplicate caveat id {directive.argument!r} (first used on line {first})",
                    path=path,
                    line=directive.line,
                )
            if governance.caveat is not None:
                raise SourceError(
                    f"two caveat directives for one block: {governance.caveat!r} "
                    f"and {directive.argument!r}",
                    path=path,
                    line=directive.line,
                )
            governance.caveat = directive.argument
            governance.caveat_line = directive.line
    return governance


def _check_used(governance: _Governance, path: str) -> None:
    if governance.caveat is not None and not governance.used and not governance.skip:
        raise SourceError(
            f"caveat {governance.caveat!r} governs a block with no translatable text",
            path=path,
            line=governance.caveat_line,
        )
    if governance.caveat is not None and governance.skip:
        raise SourceError(
            f"caveat {governance.caveat!r} is also marked 'l10n: skip': a caveat must be translated",
            path=path,
            line=governance.caveat_line,
        )


def _governed(unit: Unit, active: list[_Governance]) -> Unit | None:
    """``unit`` with what the enclosing directives say applied (None when skipped)."""
    if not active:
        return unit
    context: str | None = None
    caveat: str | None = None
    notes: tuple[str, ...] = ()
    for governance in active:
        if governance.skip:
            governance.used = True
            return None
        context = governance.context or context
        caveat = governance.caveat or caveat
        notes += governance.notes
        governance.used = True
    message = dataclasses.replace(
        unit.message, msgctxt=context, comments=unit.message.comments + notes, caveat=caveat
    )
    return dataclasses.replace(unit, message=message)
