"""Read and write gettext .po/.pot files exactly as GNU gettext 0.21's msgcat writes them."""

from __future__ import annotations

import base64
import bisect
import codecs
import itertools
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from locpipe.errors import CatalogError

__all__ = ["PoEntry", "PoFile", "encode_po", "format_po", "parse_po"]


# --------------------------------------------------------------------------- model


@dataclass(slots=True)
class PoEntry:
    """One message of a catalog, with its comments; ``msgid == ""`` is the header."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        """True if the entry carries the ``fuzzy`` flag."""
        return "fuzzy" in self.flags

    def translated(self) -> bool:
        """polib's definition: live, not fuzzy, and every msgstr non-empty."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgstr:
            return True
        if self.msgstr_plural:
            return all(self.msgstr_plural.values())
        return False


@dataclass(slots=True)
class PoFile:
    """A whole catalog: the header entry and the other entries in file order."""

    header: PoEntry
    entries: list[PoEntry]

    def header_fields(self) -> list[tuple[str, str]]:
        """The ``Key: value`` lines of the header's msgstr, in order."""
        fields = []
        for text in self.header.msgstr.split("\n"):
            key, sep, value = text.partition(":")
            if sep and key.strip():
                fields.append((key.strip(), value.strip()))
        return fields

    def set_header_field(self, key: str, value: str) -> None:
        """Replace the first ``key:`` line of the header in place, or append one."""
        lines = self.header.msgstr.split("\n")
        for index, text in enumerate(lines):
            name, sep, _ = text.partition(":")
            if sep and name.strip() == key:
                lines[index] = f"{key}: {value}"
                self.header.msgstr = "\n".join(lines)
                return
        text = self.header.msgstr
        if text and not text.endswith("\n"):
            text += "\n"
        self.header.msgstr = f"{text}{key}: {value}\n"

    @property
    def charset(self) -> str:
        """The header's ``charset=``; UTF-8 if absent or the template's ``CHARSET``."""
        return _declared_charset(self.header.msgstr) or "UTF-8"


# ------------------------------------------------------------------------- reading


def parse_po(data: bytes, *, path: str) -> PoFile:
    """Parse a .po/.pot file, decoding it in the charset its header declares."""
    if data.startswith(codecs.BOM_UTF8):
        # msgcat itself rejects a BOM, but editors on Windows write one.
        data = data[len(codecs.BOM_UTF8) :]
    charset = _sniff_charset(data, path)
    text = _decode(data, charset, path).replace("\r\n", "\n")
    # Obsolete entries and previous strings are for the token parser: scan for them only once.
    plain = "#~" not in text and "#|" not in text
    entries = _plain_entries(text) if plain else None
    if entries is None:
        entries = _Parser(_tokenize(text, path, charset), path).parse()
    if not entries:
        raise CatalogError("empty catalog: no header entry and no messages", path=path, line=1)
    header = PoEntry(msgid="")
    if entries[0].msgctxt is None and entries[0].msgid == "" and not entries[0].obsolete:
        header = entries.pop(0)
    _check_duplicates(header, entries, path)
    return PoFile(header=header, entries=entries)


_CHARSET_RE = re.compile(r"charset=([^ \t\n]*)")


def _declared_charset(header_msgstr: str) -> str | None:
    # GNU looks for "charset=" anywhere in the header and stops at blanks.
    match = _CHARSET_RE.search(header_msgstr)
    if match is None or match.group(1) in ("", "CHARSET"):
        return None
    return match.group(1)


def _sniff_charset(data: bytes, path: str) -> str:
    """The charset of the header entry, read before the real decoding."""
    # Every charset GNU supports is ASCII-compatible, so the header keywords and
    # escapes read the same in Latin-1; the header's own text is ASCII by convention.
    text = data.decode("latin-1")
    try:
        entries = _Parser(_tokenize(text, path, "latin-1", stop_after_first=True), path).parse()
    except CatalogError:
        return "UTF-8"  # the real pass reports the error with the right text
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None:
        return "UTF-8"
    charset = _declared_charset(entries[0].msgstr)
    if charset is None:
        return "UTF-8"
    line = _line_of(data, b"charset=")
    try:
        info = codecs.lookup(charset)
        # Only text encodings: "hex", "rot13", "zlib" and the like are codecs, not charsets,
        # and the *_escape codecs would read escapes GNU never writes.
        if not info._is_text_encoding or info.name.endswith("escape"):  # type: ignore[attr-defined]
            raise LookupError(charset)
        compatible = 'msgid "a"\n'.encode(info.name, "replace") == b'msgid "a"\n'
    except (LookupError, ValueError, UnicodeError) as exc:
        raise CatalogError(f"unknown charset {charset!r}", path=path, line=line) from exc
    if not compatible:
        raise CatalogError(f"charset {charset!r} is not ASCII-compatible", path=path, line=line)
    return info.name


def _line_of(data: bytes, needle: bytes) -> int:
    position = data.find(needle)
    return 1 if position < 0 else data.count(b"\n", 0, position) + 1


def _decode(data: bytes, charset: str, path: str) -> str:
    try:
        return data.decode(charset)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"byte 0x{data[exc.start]:02x} is invalid in the declared charset {charset}"
        raise CatalogError(message, path=path, line=line) from exc


class _Token(NamedTuple):
    kind: str  # "comment", "keyword" or "string"
    value: str  # comment text after "#", keyword name, or decoded string
    line: int
    obsolete: bool  # after "#~"
    previous: bool  # after "#|"
    index: int | None = None  # N of msgstr[N]


_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr"})
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLURAL_INDEX_RE = re.compile(r"[ \t]*\[[ \t]*([0-9]+)[ \t]*\]")
_BLANKS = " \t\r\f\v"
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "b": "\b",
    "r": "\r",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "\\": "\\",
    '"': '"',
}
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"


def _tokenize(text: str, path: str, charset: str, stop_after_first: bool = False) -> list[_Token]:
    """Split the file into tokens; "#~" and "#|" mark the rest of their line."""
    text = text.replace("\r\n", "\n")
    if not stop_after_first:
        fast = _tokenize_plain(text)
        if fast is not None:
            return fast
    tokens: list[_Token] = []
    for line, starts, first in _logical_lines(text):
        if stop_after_first and _first_entry_done(tokens, line):
            break
        tokens.extend(_tokenize_line(line, _LineNumbers(starts, first), path, charset))
    return tokens


# One token of a file as GNU tools write it, after the blanks and newlines before it: no
# backslash-newline splicing, no octal or hex escapes, nothing an error would be reported for.
_PLAIN_TOKEN = re.compile(
    r"""(?P<lead>[ \t\r\f\v\n]*)
    (?:"(?P<string>[^"\\\n]*(?:\\[ntbrfva\\"][^"\\\n]*)*)"
    |(?P<keyword>msgctxt|msgid_plural|msgid|msgstr)(?![A-Za-z0-9_])
        (?:(?<=msgstr)[ \t]*\[[ \t]*(?P<index>[0-9]+)[ \t]*\])?
    |(?P<marks>\#~\|?|\#\|)
    |\#(?P<comment>[^\n]*)
    |(?P<end>\Z))""",
    re.VERBOSE,
)
_ESCAPE_RE = re.compile(r"\\(.)")


def _plain_scan(text: str) -> Iterator[tuple[str, re.Match[str] | None, int, bool]]:
    """(kind, match, line number, whether a newline came first) of each token of ``text``, in
    one pass of :data:`_PLAIN_TOKEN`, ending with kind ``"end"``; or kind ``"gap"`` (and no
    match) where the file has anything else: splicing, byte escapes, an error. The readers then
    decline it."""
    if "\\\n" in text:
        yield "gap", None, 0, False
        return
    number, position = 1, 0
    for match in _PLAIN_TOKEN.finditer(text):
        if match.start() != position:
            break
        position = match.end()
        lead = match.group("lead")
        newline = "\n" in lead
        if newline:
            number += lead.count("\n")
        kind = match.lastgroup or ""
        yield ("keyword" if kind == "index" else kind), match, number, newline  # msgstr[N]
        if kind == "end":
            return
    yield "gap", None, number, False


def _plain_string(match: re.Match[str]) -> str:
    value = match.group("string")
    if "\\" in value:
        value = _ESCAPE_RE.sub(lambda escape: _SIMPLE_ESCAPES[escape.group(1)], value)
    return value


def _tokenize_plain(text: str) -> list[_Token] | None:
    """The tokens of ``text`` read by :func:`_plain_scan`, or None when it declines the file:
    :func:`_tokenize` then reads it line by line, and reports any error at its line."""
    tokens: list[_Token] = []
    obsolete = previous = False
    for kind, match, number, newline in _plain_scan(text):
        if match is None:
            return None
        if newline:
            obsolete = previous = False
        if kind == "string":
            tokens.append(_Token("string", _plain_string(match), number, obsolete, previous))
        elif kind == "keyword":
            word, index = match.group("keyword", "index")
            plural = None if index is None else int(index)
            tokens.append(_Token("keyword", word, number, obsolete, previous, plural))
        elif kind == "comment":
            tokens.append(_Token("comment", match.group("comment"), number, obsolete, previous))
        elif kind == "marks":
            marks = match.group("marks")
            obsolete = obsolete or marks.startswith("#~")
            previous = previous or marks.endswith("|")
    return tokens


def _plain_entries(text: str) -> list[PoEntry] | None:
    """The entries of ``text`` read by :func:`_plain_scan`, when every entry is live and
    without previous strings; None for anything else (``#~``, ``#|``, a file the scan
    declines, an error), which :class:`_Parser` reads from the tokens."""
    entries: list[PoEntry] = []
    comments: list[str] = []
    entry: PoEntry | None = None
    stage, index, parts = "", None, None  # the keyword whose strings are being read
    for kind, match, number, _ in _plain_scan(text):
        if match is None or kind == "marks":
            return None
        if kind == "string":
            if parts is None:
                return None
            parts.append(_plain_string(match))
            continue
        if parts is not None:  # the keyword's strings end here
            if not parts or entry is None:
                return None
            _set_string(entry, stage, index, "".join(parts))
            parts = None
        if kind == "keyword":
            word, found = match.group("keyword", "index")
            index = None if found is None else int(found)
            if word == "msgctxt" or (word == "msgid" and stage != "msgctxt"):
                if entry is not None:
                    if stage not in ("msgstr", "msgstr[]"):
                        return None
                    entries.append(entry)
                entry = PoEntry(msgid="", line=number)
                for comment in comments:
                    _add_comment(entry, comment)
                comments = []
            elif entry is None or not _follows(word, index, stage, entry):
                return None
            stage, parts = (word if index is None else "msgstr[]"), []
        elif kind == "comment":
            if entry is not None:
                if stage not in ("msgstr", "msgstr[]"):
                    return None
                entries.append(entry)
                entry, stage = None, ""
            comments.append(match.group("comment"))
    if entry is not None:
        if stage not in ("msgstr", "msgstr[]"):
            return None
        entries.append(entry)
    return entries


def _follows(keyword: str, index: int | None, stage: str, entry: PoEntry) -> bool:
    """Whether ``keyword`` (``msgstr[index]``) may come after the strings of ``stage``."""
    if keyword == "msgid":
        return stage == "msgctxt"
    if keyword == "msgid_plural" or (keyword == "msgstr" and index is None):
        return stage == "msgid"
    return stage in ("msgid_plural", "msgstr[]") and index == len(entry.msgstr_plural)


def _set_string(entry: PoEntry, keyword: str, index: int | None, value: str) -> None:
    if keyword == "msgstr":
        entry.msgstr = value
    elif keyword == "msgid":
        entry.msgid = value
    elif keyword == "msgctxt":
        entry.msgctxt = value
    elif keyword == "msgid_plural":
        entry.msgid_plural = value
    else:
        entry.msgstr_plural[index] = value  # type: ignore[index]


def _logical_lines(text: str) -> Iterator[tuple[str, list[int], int]]:
    """Lines with GNU's backslash-newline splicing, which po-lex applies everywhere.

    Yields the spliced line, the offsets where each physical line starts in it,
    and the number of its first physical line.
    """
    physical = text.split("\n")
    number = 0
    while number < len(physical):
        first, parts, starts, length = number + 1, [], [], 0
        while True:
            part = physical[number]
            number += 1
            spliced = part.endswith("\\") and number < len(physical)
            part = part[:-1] if spliced else part
            parts.append(part)
            starts.append(length)
            length += len(part)
            if not spliced:
                break
        yield "".join(parts), starts, first


class _LineNumbers(NamedTuple):
    starts: list[int]
    first: int

    def at(self, offset: int) -> int:
        """The physical line number of an offset in the spliced line."""
        return self.first + bisect.bisect_right(self.starts, offset) - 1


def _first_entry_done(tokens: list[_Token], raw: str) -> bool:
    # The header ends at the first line after its msgstr that is not a string.
    seen_msgstr = any(t.kind == "keyword" and t.value == "msgstr" for t in tokens)
    return seen_msgstr and not raw.lstrip(_BLANKS).startswith('"')


def _tokenize_line(line: str, lines: _LineNumbers, path: str, charset: str) -> Iterator[_Token]:
    obsolete = previous = False
    i, end = 0, len(line)
    while i < end:
        char = line[i]
        number = lines.at(i)
        if char in _BLANKS:
            i += 1
        elif char == "#" and line.startswith("#~", i):
            obsolete, i = True, i + 2
            if line.startswith("|", i):
                previous, i = True, i + 1
        elif char == "#" and line.startswith("#|", i):
            previous, i = True, i + 2
        elif char == "#":
            yield _Token("comment", line[i + 1 :], number, obsolete, previous)
            return
        elif char == '"':
            value, i = _read_string(line, i + 1, lines, path, charset)
            yield _Token("string", value, number, obsolete, previous)
        else:
            match = _WORD_RE.match(line, i)
            if match is None:
                raise CatalogError(f"unexpected {char!r} outside a string", path=path, line=number)
            word, i = match.group(), match.end()
            yield _keyword_token(word, line, i, number, path, obsolete, previous)
            if word == "msgstr" and (index := _PLURAL_INDEX_RE.match(line, i)) is not None:
                i = index.end()


def _keyword_token(
    word: str, line: str, i: int, number: int, path: str, obsolete: bool, previous: bool
) -> _Token:
    if word not in _KEYWORDS:
        if word == "domain":
            raise CatalogError("'domain' directives are not supported", path=path, line=number)
        raise CatalogError(f"unknown keyword {word!r}", path=path, line=number)
    index = None
    if word == "msgstr" and (match := _PLURAL_INDEX_RE.match(line, i)) is not None:
        index = int(match.group(1))
    return _Token("keyword", word, number, obsolete, previous, index)


def _read_string(
    line: str, i: int, lines: _LineNumbers, path: str, charset: str
) -> tuple[str, int]:
    """Decode the string whose opening quote is just before ``i``; return it and the end."""
    parts: list[str] = []
    raw = bytearray()  # octal/hex escapes give bytes in the file's charset
    number = lines.at(i)
    while True:
        close = _next_special(line, i)
        if close < 0:
            message = "unterminated string (end of line inside a string)"
            raise CatalogError(message, path=path, line=number)
        parts.append(line[i:close])
        if line[close] == '"':
            i = close + 1
            break
        char, i = _read_escape(line, close + 1, lines.at(close), path)
        if isinstance(char, int):
            raw += "".join(parts).encode(charset) + bytes([char])
            parts = []
        else:
            parts.append(char)
    if not raw:
        return "".join(parts), i
    raw += "".join(parts).encode(charset)
    if 0 in raw:
        # GNU silently cuts the string at a NUL; refuse instead of losing text.
        raise CatalogError("string contains a NUL character (\\0)", path=path, line=number)
    try:
        return raw.decode(charset), i
    except UnicodeDecodeError as exc:
        message = f"octal/hex escapes in the string make bytes invalid in {charset}"
        raise CatalogError(message, path=path, line=number) from exc


def _next_special(line: str, i: int) -> int:
    """Index of the next unescaped quote or backslash from ``i``, or -1."""
    quote, backslash = line.find('"', i), line.find("\\", i)
    if quote < 0:
        return backslash
    if backslash < 0:
        return quote
    return min(quote, backslash)


def _read_escape(line: str, i: int, number: int, path: str) -> tuple[str | int, int]:
    """The escape after a backslash: a character, or a byte value for \\ooo and \\xHH."""
    char = line[i : i + 1]
    if char in _SIMPLE_ESCAPES and char:
        return _SIMPLE_ESCAPES[char], i + 1
    if char and char in _OCTAL:
        end = i
        while end < i + 3 and end < len(line) and line[end] in _OCTAL:
            end += 1
        return int(line[i:end], 8) & 0xFF, end
    if char == "x" and line[i + 1 : i + 2] and line[i + 1] in _HEX:
        end = i + 1
        while end < len(line) and line[end] in _HEX:
            end += 1
        # GNU accumulates any number of hex digits into a char: keep the low byte.
        return int(line[i + 1 : end], 16) & 0xFF, end
    shown = "end of line" if not char else repr("\\" + char)
    raise CatalogError(f"invalid escape sequence {shown} in string", path=path, line=number)


class _Parser:
    """The grammar of an entry: comments, #| previous strings, msgctxt, msgid, msgstr."""

    def __init__(self, tokens: list[_Token], path: str):
        self.tokens = tokens
        self.path = path
        self.pos = 0

    def parse(self) -> list[PoEntry]:
        entries: list[PoEntry] = []
        comments: list[_Token] = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if token.kind == "comment":
                comments.append(token)
                self.pos += 1
            elif token.kind == "string":
                self._fail(token, "string outside an entry (no keyword before it)")
            else:
                entries.append(self._entry(comments))
                comments = []
        # Like GNU, comments after the last entry belong to nothing and are dropped.
        return entries

    def _fail(self, token: _Token, message: str) -> None:
        raise CatalogError(message, path=self.path, line=token.line)

    def _peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _entry(self, comments: list[_Token]) -> PoEntry:
        first = self.tokens[self.pos]
        entry = PoEntry(msgid="", obsolete=first.obsolete)
        for comment in comments:
            _add_comment(entry, comment.value)
        self._previous_strings(entry)
        if (token := self._peek()) is not None and self._is_keyword(token, "msgctxt"):
            self._check_obsolete(token, entry)
            entry.line = token.line
            entry.msgctxt = self._strings_after_keyword()
        token = self._peek()
        if token is None:
            self._fail(self.tokens[-1], "entry has no 'msgid'")
        if token.kind == "comment":
            self._fail(token, "comment in the middle of an entry (before its 'msgid')")
        if not self._is_keyword(token, "msgid"):
            self._fail(token, f"'{self._name(token)}' without a preceding 'msgid'")
        entry.line = entry.line or token.line
        self._check_obsolete(token, entry)
        entry.msgid = self._strings_after_keyword()
        self._translations(entry, token)
        return entry

    def _previous_strings(self, entry: PoEntry) -> None:
        first = self.tokens[self.pos]
        for name in ("msgctxt", "msgid", "msgid_plural"):
            token = self._peek()
            if token is None or token.kind != "keyword" or not token.previous:
                continue
            if token.value != name:
                continue
            self._check_obsolete(token, entry)
            setattr(entry, f"previous_{name}", self._strings_after_keyword())
        token = self._peek()
        if token is not None and token.previous:
            self._fail(token, f"'#| {self._name(token)}' out of place")
        if entry.previous_msgid is None and first.previous:
            # GNU's grammar has no previous msgctxt or msgid_plural without a previous msgid.
            self._fail(first, "'#|' strings without a '#| msgid'")

    def _translations(self, entry: PoEntry, msgid: _Token) -> None:
        token = self._peek()
        if token is not None and token.kind == "keyword" and token.value == "msgid_plural":
            self._check_obsolete(token, entry)
            entry.msgid_plural = self._strings_after_keyword()
            self._plural_forms(entry, token)
            return
        if token is None:
            self._fail(msgid, "missing 'msgstr' after 'msgid'")
        if token.kind == "comment":
            self._fail(token, "comment inside an entry: missing 'msgstr' after 'msgid'")
        if token.kind != "keyword" or token.value != "msgstr" or token.index is not None:
            self._fail(token, f"expected 'msgstr', found '{self._name(token)}'")
        self._check_obsolete(token, entry)
        entry.msgstr = self._strings_after_keyword()

    def _plural_forms(self, entry: PoEntry, plural: _Token) -> None:
        while (token := self._peek()) is not None and self._is_keyword(token, "msgstr"):
            if token.index is None:
                self._fail(token, "'msgstr' after 'msgid_plural' needs an index: msgstr[0]")
            if token.index != len(entry.msgstr_plural):
                expected = len(entry.msgstr_plural)
                self._fail(token, f"plural form msgstr[{token.index}] should be msgstr[{expected}]")
            self._check_obsolete(token, entry)
            entry.msgstr_plural[token.index] = self._strings_after_keyword()
        if not entry.msgstr_plural:
            self._fail(token or plural, "missing 'msgstr[0]' after 'msgid_plural'")

    def _is_keyword(self, token: _Token, name: str) -> bool:
        return token.kind == "keyword" and token.value == name and not token.previous

    def _check_obsolete(self, token: _Token, entry: PoEntry) -> None:
        if token.obsolete != entry.obsolete:
            self._fail(token, "inconsistent use of #~ within one entry")

    def _strings_after_keyword(self) -> str:
        keyword = self.tokens[self.pos]
        self.pos += 1
        parts = []
        while (token := self._peek()) is not None and token.kind == "string":
            if token.previous != keyword.previous:
                self._fail(token, "string continues a '#|' keyword without '#|' (or the reverse)")
            if token.obsolete != keyword.obsolete:
                self._fail(token, "inconsistent use of #~ within one entry")
            parts.append(token.value)
            self.pos += 1
        if not parts:
            self._fail(keyword, f"'{self._name(keyword)}' is not followed by a string")
        return "".join(parts)

    @staticmethod
    def _name(token: _Token) -> str:
        if token.kind != "keyword":
            return "a string" if token.kind == "string" else "a comment"
        return token.value if token.index is None else f"{token.value}[{token.index}]"


def _add_comment(entry: PoEntry, text: str) -> None:
    """File one ``#`` line (text after the ``#``) under its kind, as GNU's reader does."""
    kind = text[:1]
    if kind == ".":
        entry.extracted_comments.append(_strip_one_space(text[1:]))
    elif kind == ":":
        # GNU keeps one copy of each location, in first-seen order.
        for item in _parse_references(text[1:]):
            if item not in entry.references:
                entry.references.append(item)
    elif kind in (",", "!"):
        entry.flags.extend(_parse_flags(text[1:]))
    else:
        entry.translator_comments.append(_strip_one_space(text))


def _strip_one_space(text: str) -> str:
    # GNU drops exactly one space after the marker: "#  x" keeps " x".
    return text[1:] if text.startswith(" ") else text


_FLAG_SPLIT_RE = re.compile(r"[\s,]+")


def _parse_flags(text: str) -> list[str]:
    # GNU splits "#," on commas *and* blanks; only "range: a..b" spans a blank.
    words = [word for word in _FLAG_SPLIT_RE.split(text) if word]
    flags: list[str] = []
    for word in words:
        if flags and flags[-1] == "range:":
            flags[-1] = f"range: {word}"
        else:
            flags.append(word)
    return flags


def _parse_references(text: str) -> list[str]:
    """The ``file:line`` items of a ``#:`` line, normalized as GNU normalizes them."""
    words = text.split()
    items: list[str] = []
    i = 0
    while i < len(words):
        name, i = words[i], i + 1
        line: str | None = None
        # GNU also accepts "file :12", "file : 12" and "file: 12".
        if i < len(words) and words[i].startswith(":") and words[i][1:].isdecimal():
            line, i = words[i][1:], i + 1
        elif i + 1 < len(words) and words[i] == ":" and _is_digits(words[i + 1]):
            line, i = words[i + 1], i + 2
        elif name.endswith(":") and len(name) > 1 and i < len(words) and _is_digits(words[i]):
            name, line, i = name[:-1], words[i], i + 1
        items.append(name if line is None else f"{name}:{int(line)}")
    return [_normalize_reference(item) for item in items]


def _is_digits(text: str) -> bool:
    return bool(text) and all("0" <= char <= "9" for char in text)


_REFERENCE_RE = re.compile(r"(.+):([0-9]+)")


def _normalize_reference(item: str) -> str:
    # GNU stores the line as a number, so "a.md:007" comes back as "a.md:7".
    match = _REFERENCE_RE.fullmatch(item)
    if match is None:
        return item
    return f"{match.group(1)}:{int(match.group(2))}"


def _check_duplicates(header: PoEntry, entries: list[PoEntry], path: str) -> None:
    # msgfmt and msgcat reject a second definition even when one of them is obsolete.
    seen: dict[tuple[str | None, str], int] = {}
    if header.line:
        seen[(None, "")] = header.line
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            first = seen[key]
            message = f"duplicate message definition (first defined at line {first})"
            raise CatalogError(message, path=path, line=entry.line)
        seen[key] = entry.line
        if key == (None, "") and not entry.obsolete:
            message = 'header entry (msgid "") must be the first entry'
            raise CatalogError(message, path=path, line=entry.line)


# ------------------------------------------------------------------------- writing


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
    unique = dict.fromkeys(_normalize_reference(reference) for reference in references)
    for reference in unique:
        item = _normalize_reference(_strip_dot_slash(reference))
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
        marks = None if _fits(text, width - start) else _possible_breaks(text, style.cjk)
        breaks = _fit_breaks(text, width, start, overrides, style.cjk, marks)
        # A string that will not fit on the keyword's line starts with "" there.
        if first_line and text and (more_follows or start > width or any(breaks)):
            lines.append(f'{prefix}{name} ""')
            first_line = False
            breaks = _fit_breaks(text, width, 0, overrides, style.cjk, marks)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        cuts = [0, *(index for index, brk in enumerate(breaks) if brk), len(text)]
        pieces = [text[begin:end] for begin, end in itertools.pairwise(cuts)]
        lines.append(f'{head}"{pieces[0]}"')
        lines.extend(f'{prefix}"{piece}"' for piece in pieces[1:])
    return tuple(lines)


def _fits(text: str, width: int) -> bool:
    """Whether ``text`` fits ``width`` columns whatever its characters (none is wider than 2)."""
    return (len(text) if text.isascii() else 2 * len(text)) <= width


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
        overrides = [_UNDEFINED] * len(portion)
        return portion, overrides
    chars: list[str] = []
    overrides: list[int] = []
    for index, char in enumerate(portion, start=offset):
        escaped = _ESCAPES.get(char, char)
        chars.append(escaped)
        overrides.append(_PROHIBITED if index in inside else _UNDEFINED)
        # Never break inside an escape sequence.
        overrides.extend([_PROHIBITED] * (len(escaped) - 1))
    if portion.endswith("\n"):
        # Never break just before the "\n" that ends a portion.
        overrides[-2] = _PROHIBITED
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


# ----------------------------------------------------- line breaking (UAX #14)
#
# GNU msgcat breaks strings where libunistring 1.0's ulc_width_linebreaks()
# allows: Unicode line breaking (UAX #14, Unicode 14.0), so it breaks after
# spaces and hyphens and between CJK ideographs, never before punctuation, and
# it counts East Asian wide characters as two columns.  The two tables below are
# libunistring 1.0's own data (its line breaking classes and uc_width()), one
# byte per code point, zlib-compressed; the tests check them against the
# installed libunistring.

_UNDEFINED, _PROHIBITED, _POSSIBLE, _MANDATORY, _CR_BEFORE_LF = 0, 1, 2, 3, 5

# libunistring's class numbers: 0..32 index its pair table, the others are
# resolved by the algorithm (SA and XX are stored as AL in the table below).
_WJ, _AL, _ID, _HL, _RI, _ZWJ, _HY, _BA = 0, 20, 23, 28, 29, 30, 5, 3
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI = 33, 34, 35, 36, 37, 38, 39, 40
_HL_BA = 101  # a Hebrew letter followed by a hyphen or BA (rule LB21a)
_PAIR_DIRECT, _PAIR_INDIRECT = 1, 2


@cache
def _tables() -> tuple[bytes, bytes, bytes]:
    classes = zlib.decompress(base64.b85decode("".join(_LINE_BREAK_CLASSES)))
    widths = zlib.decompress(base64.b85decode("".join(_CHAR_WIDTHS)))
    pairs = zlib.decompress(base64.b85decode("".join(_PAIR_TABLE)))
    return classes, widths, pairs


def _possible_breaks(text: str, cjk: bool) -> list[int]:
    """UAX #14 break opportunities before each character, as libunistring computes them."""
    classes, _, pairs = _tables()
    result: list[int] = []
    append = result.append
    prohibited, possible, mandatory = _PROHIBITED, _POSSIBLE, _MANDATORY
    hard, space_class, zw, ri, zwj, hl_ba = (_BK, _CR, _LF), _SP, _ZW, _RI, _ZWJ, _HL_BA
    prev = last = _BK  # class of the previous character / of the last non-space one
    seen_space = False
    regional = 0  # regional indicators just before this point (flags come in pairs)
    for char in text:
        prop = classes[ord(char)]
        if prop in hard:
            append(mandatory)
            if prev == _CR and prop == _LF:
                result[-2] = _CR_BEFORE_LF
            prev, last, seen_space = prop, _BK, False
            regional = 0
            continue
        if prop == _AI:
            prop = _ID if cjk else _AL
        elif prop == _CB:
            prop = _ID
        if prop == space_class:
            append(prohibited)
            seen_space = True
        elif prop == zw:
            append(prohibited)
            last, seen_space = zw, False
        elif prop in (_CM, zwj):
            # A combining mark belongs to the character before it (LB9, LB10).
            if last in (_BK, zw) or seen_space:
                append(prohibited if last == _BK else possible)
                last, seen_space = _AL, False
            else:
                append(prohibited)
        else:
            # The pair table, and the rules it cannot say (libunistring's order).
            if last == _BK:
                append(prohibited)
            elif last == zw:
                append(possible)
            elif prev in (zwj, hl_ba):
                append(prohibited)
            elif last == ri and prop == ri:
                append(possible if seen_space or regional % 2 == 0 else prohibited)
            else:
                kind = pairs[last * 33 + prop]
                direct = kind == _PAIR_DIRECT or (kind == _PAIR_INDIRECT and seen_space)
                append(possible if direct else prohibited)
            last, seen_space = prop, False
        prev = hl_ba if prev == _HL and (prop in (_HY, _BA)) else prop
        regional = regional + 1 if prop == ri else 0
    return result


def _char_width(char: str, cjk: bool) -> int:
    code = ord(char)
    width = _tables()[1][code] - 1
    if cjk and width == 1 and 0xA1 <= code < 0xFF61 and code != 0x20A9:
        return 2
    return width


def _fit_breaks(
    text: str,
    width: int,
    start: int,
    overrides: list[int],
    cjk: bool,
    marks: list[int] | None = None,
) -> list[bool]:
    """Where to break ``text`` so lines fit ``width`` columns (u8_width_linebreaks).

    ``marks``: :func:`_possible_breaks` of ``text``, if already known; None to compute them
    (nothing is computed when the text fits whatever its breaks).
    """
    if marks is None:
        if _fits(text, width - start):
            return [False] * len(text)
        marks = _possible_breaks(text, cjk)
    widths = _tables()[1]
    result = [False] * len(text)
    last_break: int | None = None  # the latest opportunity, taken only when needed
    column, piece = start, 0
    possible = _POSSIBLE
    for index, char in enumerate(text):
        mark = overrides[index] or marks[index]  # an override, where one is defined
        if mark >= possible:  # _POSSIBLE, _MANDATORY or _CR_BEFORE_LF: a piece ends here
            if last_break is not None and column + piece > width:
                result[last_break] = True
                column = 0
            if mark != possible:
                last_break, column, piece = None, 0, 0
                continue
            last_break, column, piece = index, column + piece, 0
        if cjk:
            piece += max(_char_width(char, cjk), 0)
        else:
            char_width = widths[ord(char)] - 1
            if char_width > 0:
                piece += char_width
    if last_break is not None and column + piece > width:
        result[last_break] = True
    return result


# fmt: off
_LINE_BREAK_CLASSES = (
    "c-rmViJGF=8354KV4RQEs%i}hH8Y)<PDsN0KVeuE5L6VGD$l8Q{Smk;7qlTsD#5>h{`^<6=fB}wv|dGT%U`4Q`=8(c@_"
    "p<5J&K|*8n#^j8Xd9>=25wjpUI$?<!ZfNM`;?RZ&46Mt96>rvX_~+?6w@3cN!gbEY9bW&a%odOLqmESCH(*?AQmBX}z>"
    "wlv)$Cm;SEgwngydx$qw3_v>*LGDx!Nvwz_>_kIkk!~M%&tyX!D-k5oqgkd<o9NTu=i`Dn<`9wF!%5Ybuc8^i{WVb#;s"
    "W`j8xPBAqS<2D$^vtBFZh6Tj*_L&1(#G`LSL0TBiWFa1{aWdmw&40_z2BQ<tu#1LN*Cl)(yZt0IklGGt|hBg+1|6hCQ7"
    "DQe!Y<LY46;2%io)3iu7-5Xn#4i(!Xxkm#gG|r~D7M(&W-s(x{6=GwoUax;=->(%)Hrl0-++KWipocKhYGd%ANoe`xs!"
    "+h4uCou;4c)T4TRI{jyJ`IBy_*26752<|bA8nHdBYGNk4dzsCGmoWEI?9}$<TrDUvcsXCr&&bQ}0Is^<+svOb{EO;5P8"
    "!Jx%I5U)a^w7-ro2a&--Uj=vfn52$CcRqyza0)3LbkE1Es`c*1zR^;zgadg*rAO%(vIU;bGyiVdJ&)G+1Q$8mv#-o`zw"
    "N4H?4Xpvg;e>+SE!S#qc2gWcl<ea8*L@GiM_&GFN%j>zuSw`1!+^`V?|K6PlRt?_Ws>T>oc&!R~(=78h5<$GBs4P<nlx"
    "?pVib$hC747mntMzZZnzRdRxmwsVo1oFgYRU;09m+bbR<R974CVTcvnnrJL%eVZNJ&nG7`xg8xzoUOyRk8`v#iE?e`*O"
    "ahpVy<hqU+0Uf9llI{8hRe;icslwZkL6b!oM3SygwdZeV>zg<lmbwA#K-TZgrFYj^T*2C9z~-$thmWvuzC`Jwu=1M!ok"
    "qki0wmTQ|<U!7+!^Iu!ktDlzd*U6~nyh}@a_0yhgN_VqK+n;Dpv6mO=e%|!1{y5);cQ)$ESI;tzTNAv_zeJOd<4(G+EP"
    "ZT~uHVV&J&-?9)Sh6siu>)Q`7CWT*!>b1ZZAcBs9S$Ew>VDIIFD=&)Rn3p9qVn%^^elHc(ONfd{R$(s4~~`WELx(7SD?"
    "`<PUM3vbfB~a^gH~)$=kT*&CVZs(p5QD`b0zan--<{!XqQr#X70WVd94o`=(}8WR=NDYH-;uDQ{Z4Uf6ITpzT{cTmEcf"
    "Bg~M_^9Tw-J!RZYHu*xb6W=a1}wkT9a8>&7!`YU#hicnrQF3^?mkq8!f^YM)5fFy4umdr+VVfM)AGBhkMnsPFXH%hUjO"
    "Z$FJALtt*kHQ)8c-y$mg+$>%Sq3BP-kZbp5c%EAAqbFXS5YFYmL*v6bM;6(+iNZCG?nwLbOOH3k3x00000&NjvGK>+{&"
    "000000000000000000000JyP*EC6oo{PWSCdo|v`C6Sxiv41_}?^}~yj<|76;^UJ~e?8==yjU@fOHe0=u0_2qspbT$3z"
    "j&Wh2bS7ynhwzU3>1<*Wqci^~l1f)$jVVgY{-$2~qUhA$5beB>8p1gVWmU+3h(QOk&b3%hvoKtDWsiFiD=Of!CFHuY59"
    "p{o61xF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF)=YQF|qNn=8t)Q@0W-E7|Z{C0000000000z5*v*e"
    "fm?*4*QY(*ouBMMb&-uqx!cE@I>az&%E~eIb6GEM}42q-`~UVb^fiKrW-FB&Fj4Vm%mfBr+GY&7K<>9>qyni;`J(iz%2"
    "Mv6vp|g6$!}Jy?GM+{4Dt4fv)4VHF<yhb)IFye38wpHtt0Hi&M{--TRoA@j824ulG})mF53ZE%>QV1)WIZo!08q(>{-`"
    "oL{XrPkjD);0Bvj>G&)g$l`(=+pW@=kM(U{gUW-Yv9o^PCK))oj>wY?lN;^Ac;t@75Ik}XIq{N42W!`Ty8jDPeDK0J-B"
    "y#duf8%m@$H<>d*E@O@3}tE_~bU`Qfvdpr6I{LJaj?+?_Y^0TZN#yvQ{H~v#AembP7CA_@j@+_O4mfcYUbyM-|&Sm$#("
    "vutOE97L?q#xldmanzb;i5zUryjiWC~a_EX)Uw-@CsBo285ENHa3)(uv-s|Omr;F+4|Ey`kMc=Euo6CE);s1eV_pqj}A"
    "63%pCK%;UoAu!C{ZF@t$c6#QX@xp=2}SQy^gGQ(oLxcoJC-2tJ?vsXVi&M`(m4uptp3l!bGGoUi^kr4hp8ILH3xtbY>&"
    "1bOX7IL%?{^$ZL7>R_NoBRIgH~=6952!FJ-x0&gb(}rpzZ=&X@CN%b@wEOz}(U>52;g007`II4lDI000000000?r+xmi"
    "=}-MK_WWq&sRhqpUgPA1TfqhE1MK;%=ZH!MPG5OcqkEZjh4M=dzO?$UcH9+U0RR910O0Fz{2zAhfajzl0000000000@R"
    "|7q*t9<pTPzlR?=9rF-~Isra72;>lb;X`0001hr!w{|{fAHA4?~q~u(EC6KR%NOO`H-2xU=u0$umQfGcQ+l_C>Cu&VV7"
    "wulKco#jo-s2HF7E?Ej+!d!=<$W<~qE>PAvG&HanZu2WuXc?$3~x6ij;W_$axTq+Tm#;Upj(-`yrr9U#a_<z|S4SS*P8"
    "%JIrTSD5DMbd+!C_P)5+36)(IWxxJ2X(Uh<Lvsd{rpGI{5~GmL!5|UGjx7}_+X&C-)uI;9E!&={+XL#<;!K)2Bz6lCp&"
    "+-``D(N7g6!I&7>%v_!Jrg-Qa;v^75XvOzmd4DvT}3k=J$`-}4_$(55cr)3!QqZ*SE(QO;={&04k@n6S5Tci+lh-(#EG"
    "?0>GdQSa&Bir1a~ue)BCrm6eR`JeBfYU*uCbMBi)6>4{9o1UKRj2`!BkAHdxvf1>^qv}hKbjDXd2hQ;JwR-*0d2AHwu>"
    "nU<6VKAwx4ic2I$mYWb=%(q>waJL0X!+^qXPf{000000000000000000000000000000000000000000000000000000"
    "000000000000000000000AQwgQ000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000001hIF0}S0000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000008W=2318XWlmBE?cmMz"
    "Z0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000007{a{{zZW1z!"
)
_CHAR_WIDTHS = (  # uc_width() + 1, so that -1 (control) fits a byte
    "c-rmViFTqe6adh^@c;ij9jk!I5=dCodr!|y-N-`n5-5`RnV0tU^Rp)XNKjQAOpQ<N0u`~oLH<U>`1>hKZZ!F|8_jC(ac"
    "CvB#k>Ey{K2IRp3}9fr1H9nn0ssQ{q3W5scp;TU=Qve$+uSLU-k935@XS9A%T(|+U}~kZOx@0i`mOa|MBl%Mj~VXM#`?"
    "9tnx?d>OZ^u+k)J%_D1VJ))cTTZbadxq96y+cJg?RuWQO5mC8Pu(tP?Q&9A)w)f^C`7kGCZi(+)bcHHzf#s;$2c})3;y"
    "Ab*}cbdTjt{1-2%L}<9*Flr#{*)@_$BwphjBaCM42t6?i_OmB;v8`8+h0@yd{U>4oFkllW}Mv?2GKjlPZ7l0f}a$xa*~"
    "ZxTf=Lmes*lX&F)Gj>Ae$_!=r<KLyZmlqv~{K%ZJ)o`?`iXn#twV`zJ6<_Q%r!d(ojwjTp9Pe;ql(dOAN8>B=Rj+8@mS"
    "sWkp?kFSxAYi}AnwayI9J$%FB+)B{geqg#yZ)xiNbDnEHw)k8#ldJnv-7C%HM!RQ!-`%9=p3p3py2&cceM3!QADgMeW_"
    "`ARYSA$xpy`!YK0R=${G5F}bcJat@8ExHd3iGJn4BtqBl<G{000000F?9hcK`qY000000000000000000000053)iQ}u"
    "UzZ@xl_2K&K6JKoo=Zh>s9rJ5Z-zzOH+o;y8f4yb>?Zx&wxuW(`u-dQ$cig*Cep`-8J@=95bHcGTnb_1?`$hjBOt!R>_"
    "_{7W)x*sg0000000000005w_`Rm!+i_T*$-+cf800000002ILt4my4GtDJ3e74~=VZ;8h^m^U?c6{+q4lqZJZ=*Y2>;L"
    "x7uZSl`UF{EmQ-`ANZu<Fy(&IZPZ&F74nWEX6TF{FZ=JOlBRCjXgisBNlD!^d%nC%r7Ba52ErgG#Tu+{nEWRy4Rk$S(^"
    "$^o;5)J_<#Km12pSiGrVXGUb#K$nA0Ir8r+HD(rJiv5zlcmDXg$z9igmI}X9&GdHtp_LzxmCx3#`c)k5+Q@GT)*E<KM;"
    "n8#86h$c(EIE9t%|=-6W17fwO~f6d0jgIr2Xz7GIg(#UduSMadb1e)EyDjivf>KYiZwj9svLV007`TZXON*000000000"
    "00002M9!kHv=G$+;RCuTmo~mZ(wua-=<JZ>#00000fY0FkKk(VnE${E6D?b7N000000001|xn1h=xa6h#l^Pcl{nhVyo"
    "%ep{4R<U60Q-wbZng*j002OVSY`74Dw2g}HreDd7nQkcGt>G3;IrqyPxIYvpSpc=kcXM9B@=CcJ>!3xKGpHK3P<Se*B7"
    "VMe(}CjhXBTBa{>UqS)(Y|$^OA#Pj?r96*md!o~*R(6-nmhboul5PExCO-uezA#ntfAl~Vq_CYrfUc|=gV#62}?rh0GJ"
    "-A!1Y^V2@~rW=5~1PIfeT5T~kwa0@mxCc%<2KE2%Wn(F`!>kWW@e&ip*Spl%0b?Ej000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000Ki=W000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000077p3oq~N^x}UR4ITgh000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000013@(*&u!eI"
)
_PAIR_TABLE = (  # 33 x 33: 1 direct break, 2 indirect (after spaces), 3 prohibited
    "c-p0r3ktv>3`0qJ|2t3Xm#r+F3kVgTv8Ki<D{4hwOQr!MI)G9DsB5Y01R$TdIq>N)0rMyPP7E{$x{IqGJpk!|mmW@m|J"
    "stQSp>t%CrPTH`e6bXg6M&tduYQN4rCnl1Rw#V0EU2<R1POi=5k0*(;En9k^APZ3p<Jj-2"
)
# fmt: on
