"""Write gettext catalogs exactly as GNU gettext 0.21's msgcat lays them out: the same
comments, flags, escapes and line breaks (where :mod:`locpipe.linebreak` allows them)."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import NamedTuple

from locpipe.errors import CatalogError
from locpipe.linebreak import PROHIBITED, UNDEFINED, fit_breaks, fits, possible_breaks
from locpipe.model import PoEntry, PoFile

__all__ = ["encode_po", "format_po", "normalize_reference"]

_REFERENCE_RE = re.compile(r"(.+):([0-9]+)")


def normalize_reference(item: str) -> str:
    # GNU stores the line as a number, so "a.md:007" comes back as "a.md:7".
    match = _REFERENCE_RE.fullmatch(item)
    if match is None:
        return item
    return f"{match.group(1)}:{int(match.group(2))}"


def format_po(po: PoFile, *, width: int = 79) -> str:
    """The catalog as text, byte for byte what GNU ``msgcat`` would write for it."""
    cjk = _canonical(po.charset) in _CJK_ENCODINGS
    style = _Style(width=width, cjk=cjk, charset=po.charset)
    blocks: list[str] = []
    # An absent header (line 0, nothing in it) stays absent, as msgcat keeps it.
    if po.header.line or po.header != PoEntry(msgid=""):
        blocks.append(_format_entry(po.header, style))
    live = [entry for entry in po.entries if not entry.obsolete]
    # GNU writes obsolete entries last, and drops those without a translation.
    dead = [entry for entry in po.entries if entry.obsolete and _first_msgstr(entry)]
    blocks.extend(_format_entry(entry, style) for entry in live + dead)
    return "\n".join(blocks)


def encode_po(po: PoFile) -> bytes:
    """:func:`format_po` encoded in the catalog's charset."""
    text = format_po(po)
    try:
        return text.encode(po.charset)
    except (LookupError, UnicodeEncodeError) as exc:
        raise CatalogError(f"cannot encode the catalog in {po.charset}: {exc}") from exc


class _Style(NamedTuple):
    width: int
    cjk: bool  # legacy CJK charsets count ambiguous-width characters as 2 columns
    charset: str
    wrap: bool = True  # False for a "no-wrap" entry
    language: str | None = None  # the format language whose directives stay whole


# libunistring's is_cjk_encoding(): the charsets whose ambiguous characters are wide.
_CJK_ENCODINGS = frozenset({"EUCJP", "GB2312", "GBK", "EUCTW", "BIG5", "EUCKR", "CP949", "JOHAB"})


def _canonical(charset: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", charset.upper())


def _first_msgstr(entry: PoEntry) -> str:
    if entry.msgid_plural is None:
        return entry.msgstr
    return entry.msgstr_plural.get(min(entry.msgstr_plural, default=0), "")


def _format_entry(entry: PoEntry, style: _Style) -> str:
    lines: list[str] = []
    for comment in entry.translator_comments:
        lines.extend(_comment("#", part) for part in comment.split("\n"))
    lines.extend(_comment("#.", text) for text in entry.extracted_comments)
    lines.extend(_reference_lines(entry.references, style))
    if any(line.endswith("\\") for line in lines):
        # GNU's reader splices a line ending in a backslash with the next one,
        # so such a comment would swallow the line after it.
        raise CatalogError(f"a comment of entry {entry.msgid!r} ends with a backslash")
    flags, wrap, language = _gnu_flags(entry)
    if flags:
        lines.append("#, " + ", ".join(flags))
    style = style._replace(wrap=wrap, language=language)
    keyword_prefix = "#~ " if entry.obsolete else ""
    previous_prefix = "#~| " if entry.obsolete else "#| "
    for name in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{name}")
        if value is not None:
            lines.extend(_wrap(previous_prefix, name, value, style))
    if entry.msgctxt is not None:
        lines.extend(_wrap(keyword_prefix, "msgctxt", entry.msgctxt, style))
    lines.extend(_wrap(keyword_prefix, "msgid", entry.msgid, style))
    if entry.msgid_plural is None:
        lines.extend(_wrap(keyword_prefix, "msgstr", entry.msgstr, style))
    else:
        lines.extend(_wrap(keyword_prefix, "msgid_plural", entry.msgid_plural, style))
        for index, text in sorted((entry.msgstr_plural or {0: ""}).items()):
            lines.extend(_wrap(keyword_prefix, f"msgstr[{index}]", text, style))
    return "".join(line + "\n" for line in lines)


def _comment(marker: str, text: str) -> str:
    return f"{marker} {text}" if text else marker


def _reference_lines(references: list[str], style: _Style) -> list[str]:
    """``#:`` lines, filled up to the page width counted in bytes (as GNU does)."""
    if not references:
        return []
    lines, current, column = [], "#:", 2
    unique = dict.fromkeys(normalize_reference(reference) for reference in references)
    for reference in unique:
        item = normalize_reference(_strip_dot_slash(reference))
        length = len(item.encode(style.charset, "replace")) + 1
        if column > 2 and column + length > style.width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + item
        column += length
    lines.append(current)
    return lines


def _strip_dot_slash(item: str) -> str:
    while item.startswith("./"):
        item = item[2:]
    return item


# The format languages of gettext 0.21, in the order it writes their flags.
_FORMAT_LANGUAGES = [
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "object-pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
]
_FORMAT_FLAG_RE = re.compile(r"(no-|possible-|impossible-)?([a-z0-9+-]+?)-format")
_RANGE_RE = re.compile(r"range: ([0-9]+)\.\.([0-9]+)")
_MAYBE = ("", "possible-")  # "c-format" and "possible-c-format" are both written "c-format"


def _gnu_flags(entry: PoEntry) -> tuple[list[str], bool, str | None]:
    """The ``#,`` flags GNU keeps, in its order; whether to wrap; the format language."""
    formats: dict[str, str] = {}
    span: tuple[int, int] | None = None
    wrap = True
    for flag in entry.flags:
        if flag in ("wrap", "no-wrap"):
            wrap = flag == "wrap"
        elif (match := _RANGE_RE.fullmatch(flag)) is not None:
            low, high = int(match.group(1)), int(match.group(2))
            span = (low, high) if low <= high else span
        elif (match := _FORMAT_FLAG_RE.fullmatch(flag)) and match[2] in _FORMAT_LANGUAGES:
            formats[match[2]] = match[1] or ""
    flags = ["fuzzy"] if entry.fuzzy and _first_msgstr(entry) else []
    # GNU keeps the directives of the first language the strings may be in whole.
    language = next((name for name in _FORMAT_LANGUAGES if formats.get(name) in _MAYBE), None)
    for language_name in _FORMAT_LANGUAGES:
        kind = formats.get(language_name)
        if kind in _MAYBE:
            flags.append(f"{language_name}-format")
        elif kind == "no-":
            flags.append(f"no-{language_name}-format")
    if span is not None:
        flags.append(f"range: {span[0]}..{span[1]}")
    if not wrap:
        flags.append("no-wrap")
    return flags, wrap, language


# GNU writes these controls as C escapes; every other character goes out raw.
_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
_NO_WRAP_WIDTH = 2**31 - 1
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


@lru_cache(maxsize=16384)
def _wrap(prefix: str, name: str, value: str, style: _Style) -> tuple[str, ...]:
    """The lines of ``name "value"`` as write-po.c's wrap() lays them out.

    Cached: a msgid is written the same in the template and in every locale's catalog.
    """
    # Columns are counted from after the prefix and opening quote; one column is
    # kept for the closing quote, so no line is wider than the page width.
    indent = len(prefix) + 1
    width = (style.width if style.wrap else _NO_WRAP_WIDTH) - 1 - indent
    inside = _directive_interiors(value, style.language)
    lines: list[str] = []
    first_line = True
    offset = 0
    portions = _portions(value)
    for number, portion in enumerate(portions):
        text, overrides = _escape(portion, offset, inside)
        offset += len(portion)
        more_follows = number < len(portions) - 1
        start = len(name) + 1 if first_line else 0
        # Computed once for both layouts below; not at all when the text fits either way.
        marks = None if fits(text, width - start) else possible_breaks(text, style.cjk)
        breaks = fit_breaks(text, width, start, overrides, style.cjk, marks)
        # A string that will not fit on the keyword's line starts with "" there.
        if first_line and text and (more_follows or start > width or any(breaks)):
            lines.append(f'{prefix}{name} ""')
            first_line = False
            breaks = fit_breaks(text, width, 0, overrides, style.cjk, marks)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        cuts = [0, *(index for index, brk in enumerate(breaks) if brk), len(text)]
        pieces = [text[begin:end] for begin, end in itertools.pairwise(cuts)]
        lines.append(f'{head}"{pieces[0]}"')
        lines.extend(f'{prefix}"{piece}"' for piece in pieces[1:])
    return tuple(lines)


def _portions(value: str) -> list[str]:
    """The value cut after each newline; "" stays one empty portion."""
    portions = value.split("\n")
    result = [part + "\n" for part in portions[:-1]]
    if portions[-1] or not result:
        result.append(portions[-1])
    return result


def _escape(portion: str, offset: int, inside: set[int]) -> tuple[str, list[int]]:
    """The escaped text and, per character of it, the line-break override."""
    if not inside and not _NEEDS_ESCAPE.search(portion):
        return portion, [UNDEFINED] * len(portion)
    chars: list[str] = []
    overrides: list[int] = []
    for index, char in enumerate(portion, start=offset):
        escaped = _ESCAPES.get(char, char)
        chars.append(escaped)
        overrides.append(PROHIBITED if index in inside else UNDEFINED)
        # Never break inside an escape sequence.
        overrides.extend([PROHIBITED] * (len(escaped) - 1))
    if portion.endswith("\n"):
        # Never break just before the "\n" that ends a portion.
        overrides[-2] = PROHIBITED
    return "".join(chars), overrides


# A directive starts with "%"; GNU never breaks a line after that "%" inside it.
_DIRECTIVE_RES = {
    "c": re.compile(
        r"%(?:[0-9]+\$)?[-+ #0'I]*(?:\*(?:[0-9]+\$)?|[0-9]+)?(?:\.(?:\*(?:[0-9]+\$)?|[0-9]*))?"
        r"(?:hh|h|ll|l|L|q|j|z|Z|t)?[diouxXeEfFgGaAcsCSpn%]"
    ),
    "python": re.compile(
        r"%(?:\([^)]*\))?[-+ #0]*(?:\*|[0-9]+)?(?:\.(?:\*|[0-9]*))?[hlL]*[diouxXeEfFgGcrsa%]"
    ),
}


def _directive_interiors(value: str, language: str | None) -> set[int]:
    """Indices of the characters after the "%" of each format directive."""
    pattern = _DIRECTIVE_RES.get(language or "")
    inside: set[int] = set()
    if pattern is None:
        return inside
    start = value.find("%")
    while start >= 0:
        match = pattern.match(value, start)
        if match is None:
            break  # GNU's format parsers stop at the first invalid directive
        inside.update(range(start + 1, match.end()))
        start = value.find("%", match.end())
    return inside
