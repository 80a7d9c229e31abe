"""Read gettext .po/.pot files as GNU gettext 0.21 reads them; write them as its msgcat does.

There are two readers of one grammar, and both must give the same entries:

- the **fast path** (:func:`_plain_entries`): one regular-expression pass over a file shaped as
  GNU tools write it (no obsolete entries, no previous strings), which is what almost every
  catalog is, so a build reads its catalogs in a fraction of the time;
- the **line reader** (:func:`_tokenize` and :class:`_Parser`): a tokenizer and parser that
  accept everything GNU's reader accepts, for any other file, and that say ``path:line: error:``
  about everything it refuses. The fast path gives up (returns None) on anything unusual, so
  every error is reported by the line reader. ``tests/test_pofile.py`` holds the two to the
  same output on generated files.

Writing lives in :mod:`locpipe.powriter` (and the line-breaking tables in
:mod:`locpipe.linebreak`); this module re-exports :func:`format_po` and :func:`encode_po`.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator
from typing import NamedTuple, NoReturn

from locpipe.errors import CatalogError
from locpipe.model import PoEntry, PoFile, declared_charset
from locpipe.powriter import encode_po, format_po, normalize_reference

__all__ = ["PoEntry", "PoFile", "encode_po", "format_po", "parse_po"]


# ------------------------------------------------------------------------- reading


def parse_po(data: bytes, *, path: str) -> PoFile:
    """Parse a .po/.pot file, decoding it in the charset its header declares."""
    if data.startswith(codecs.BOM_UTF8):
        # msgcat itself rejects a BOM, but editors on Windows write one.
        data = data[len(codecs.BOM_UTF8) :]
    charset = _sniff_charset(data, path)
    text = _decode(data, charset, path)
    if _holds(text, data, charset, "\r\n"):
        text = text.replace("\r\n", "\n")
    # Obsolete entries and previous strings are for the token parser: scan for them only once.
    plain = not _holds(text, data, charset, "#~") and not _holds(text, data, charset, "#|")
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


def _holds(text: str, data: bytes, charset: str, ascii_needle: str) -> bool:
    """Whether ``text``, which is ``data`` decoded from ``charset``, holds ``ascii_needle``.

    In UTF-8 an ASCII character is its own byte and never part of another character's, so the
    bytes hold it exactly where the text does; searching them is several times quicker than
    searching text that has a character beyond Latin-1 (two or four bytes per character).
    Each byte of the needle is looked for alone first: a one-byte search is a ``memchr``, and
    the bytes these needles end with ("~", "|", "\r") are rare in a catalog, while a two-byte
    search of a 14 KB catalog stops at every "#" (0.3 against 12 us each).
    """
    if charset in _UTF_8:
        needle = ascii_needle.encode("ascii")
        return all(needle[at : at + 1] in data for at in range(len(needle))) and needle in data
    return ascii_needle in text


_UTF_8 = frozenset({"utf-8", "UTF-8"})  # codecs.lookup's name, and the default's


def _sniff_charset(data: bytes, path: str) -> str:
    """The charset of the header entry, read before the real decoding."""
    # Every charset GNU supports is ASCII-compatible, so the header keywords and
    # escapes read the same in Latin-1; the header's own text is ASCII by convention.
    text = data.decode("latin-1")
    header = _PLAIN_ENTRY.match(text)  # a header as GNU writes it: no need for the line reader
    entries = _plain_header(header) if header is not None else None
    if entries is None:
        try:
            tokens = _tokenize(text, path, "latin-1", stop_after_first=True)
            entries = _Parser(tokens, path).parse()
        except CatalogError:
            return "UTF-8"  # the real pass reports the error with the right text
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None:
        return "UTF-8"
    charset = declared_charset(entries[0].msgstr)
    if charset is None:
        return "UTF-8"
    line = _line_of(data, b"charset=")
    try:
        info = codecs.lookup(charset)
        # Only text encodings: "hex", "rot13", "zlib" and the like are codecs, not charsets,
        # and the *_escape codecs would read escapes GNU never writes.
        if not info._is_text_encoding or info.name.endswith("escape"):
            raise LookupError(charset)
        compatible = 'msgid "a"\n'.encode(info.name, "replace") == b'msgid "a"\n'
    except (LookupError, ValueError, UnicodeError) as exc:
        raise CatalogError(f"unknown charset {charset!r}", path=path, line=line) from exc
    if not compatible:
        raise CatalogError(f"charset {charset!r} is not ASCII-compatible", path=path, line=line)
    return info.name


def _plain_header(header: re.Match[str]) -> list[PoEntry] | None:
    """The first entry, from its match of :data:`_PLAIN_ENTRY`; None if its strings are not
    as GNU writes them (or it is not a whole entry)."""
    if header["msgstr"] is None:
        return None
    try:
        entry = PoEntry(msgid=_strings(header["msgid"]), msgstr=_strings(header["msgstr"]))
        if header["msgctxt"] is not None:
            entry.msgctxt = _strings(header["msgctxt"])
    except _Declined:
        return None
    return [entry]


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
    plural_index: int | None = None  # N of msgstr[N]


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


# One entry exactly as GNU tools write it: its comment lines, then each keyword at the start of a
# line followed by one space and its strings, one per line. Blank lines before it are counted
# for its line number. Anything else (blanks before a keyword, two strings on one line, a
# comment between keywords, splicing, octal escapes) is not read: the line reader reads it.
#
# The entry's pattern takes each string as a whole line between quotes (_LINE_STRINGS): a
# search for the end of the line, twice as quick as testing each character against a set as
# _STRINGS does. _strings then declines the rare line that has a quote or backslash inside,
# unless _STRINGS matches it: a line such as '"a" "b"' is two strings, not one.
_STRING_BODY = r'[^"\\\n]*(?:\\[ntbrfva\\"][^"\\\n]*)*'  # unrolled: no alternation per character
_STRINGS = rf'"{_STRING_BODY}"(?:\n"{_STRING_BODY}")*'
_PLAIN_STRINGS = re.compile(_STRINGS)
_LINE_STRINGS = r'"[^\n]*"(?:\n"[^\n]*")*'
_PLAIN_ENTRY = re.compile(
    rf"""(?P<blank>\n*)
    (?P<comments>(?:\#(?![~|])[^\n]*\n)*)  # not #~ (obsolete) or #| (previous)
    (?:msgctxt\ (?P<msgctxt>{_LINE_STRINGS})\n)?
    msgid\ (?P<msgid>{_LINE_STRINGS})\n
    (?:msgstr\ (?P<msgstr>{_LINE_STRINGS})
      |msgid_plural\ (?P<msgid_plural>{_LINE_STRINGS})
       (?P<plurals>(?:\nmsgstr\[[0-9]+\]\ {_LINE_STRINGS})+))
    (?:\n|\Z)""",
    re.VERBOSE,
)
_PLURAL_FORM = re.compile(rf"\nmsgstr\[([0-9]+)\] ({_LINE_STRINGS})")


def _plain_entries(text: str) -> list[PoEntry] | None:
    """The entries of ``text`` read one whole entry per match of :data:`_PLAIN_ENTRY`, when
    every entry is live, without previous strings and laid out as GNU tools write it; None for
    anything else (``#~``, ``#|``, another layout, an error), which :class:`_Parser` reads from
    the tokens."""
    try:
        return _plain_read(text)
    except _Declined:
        return None


class _Declined(Exception):
    """A string that is not as GNU writes it: the one-pass reader leaves the file to the line
    reader."""


def _plain_read(text: str) -> list[PoEntry] | None:
    entries: list[PoEntry] = []
    position, number, end = 0, 1, len(text)
    while position < end:
        match = _PLAIN_ENTRY.match(text, position)
        if match is None:
            if text[position:].strip("\n"):
                return None
            break  # blank lines at the end
        blank, comments, msgctxt, msgid, msgstr, msgid_plural, plurals = match.groups()
        number += len(blank) + comments.count("\n")
        entry = PoEntry(msgid=_strings(msgid), line=number)
        for comment in comments.split("\n")[:-1]:
            _add_comment(entry, comment[1:])
        if msgctxt is not None:
            entry.msgctxt = _strings(msgctxt)
        if msgid_plural is None:
            entry.msgstr = _strings(msgstr)
        else:
            entry.msgid_plural = _strings(msgid_plural)
            for index, (form, strings) in enumerate(_PLURAL_FORM.findall(plurals)):
                if int(form) != index:
                    return None  # msgstr[N] out of order: the line reader says so
                entry.msgstr_plural[index] = _strings(strings)
        position = match.end()
        number += text.count("\n", match.end("comments"), position)
        entries.append(entry)
    return entries


def _strings(strings: str) -> str:
    """The value of a keyword's strings (each a line between quotes, as :data:`_LINE_STRINGS`
    matched them), escapes decoded.

    :raises _Declined: a line has a quote or a backslash inside that is not an escape GNU
        writes (:data:`_STRINGS` does not match).
    """
    value = strings[1:-1]
    if "\n" in value:  # only ever where '"\n"' ends one string and begins the next
        value = "".join(value.split('"\n"'))
    if ('"' in value or "\\" in value) and _PLAIN_STRINGS.fullmatch(strings) is None:
        raise _Declined
    if "\\" in value:
        value = _ESCAPE_RE.sub(lambda escape: _SIMPLE_ESCAPES[escape.group(1)], value)
    return value


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
    obsolete = previous = after_string = False
    i, end = 0, len(line)
    while i < end:
        char = line[i]
        number = lines.at(i)
        if char in _BLANKS:
            i += 1
            after_string = False  # only text right after a closing quote was meant inside it
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
            after_string = True
        else:
            match = _WORD_RE.match(line, i)
            if after_string and (match is None or match.group() not in _KEYWORDS):
                # 'msgstr "la "finale" b"': the string ended at a quote meant as text.
                raise CatalogError(
                    "unescaped '\"' inside a string (write \\\" for a quotation mark)",
                    path=path,
                    line=number,
                )
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

    def _fail(self, token: _Token, message: str) -> NoReturn:
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
        if token.kind != "keyword" or token.value != "msgstr" or token.plural_index is not None:
            self._fail(token, f"expected 'msgstr', found '{self._name(token)}'")
        self._check_obsolete(token, entry)
        entry.msgstr = self._strings_after_keyword()

    def _plural_forms(self, entry: PoEntry, plural: _Token) -> None:
        while (token := self._peek()) is not None and self._is_keyword(token, "msgstr"):
            if token.plural_index is None:
                self._fail(token, "'msgstr' after 'msgid_plural' needs an index: msgstr[0]")
            if token.plural_index != len(entry.msgstr_plural):
                expected = len(entry.msgstr_plural)
                self._fail(
                    token, f"plural form msgstr[{token.plural_index}] should be msgstr[{expected}]"
                )
            self._check_obsolete(token, entry)
            entry.msgstr_plural[token.plural_index] = self._strings_after_keyword()
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
        return token.value if token.plural_index is None else f"{token.value}[{token.plural_index}]"


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


# A "#:" line as GNU writes it: "file:line" items, each line number without leading zeros.
_PLAIN_REFERENCES = re.compile(r"(?:[ \t]+[^\s:]\S*:[1-9][0-9]*)+[ \t]*")


def _parse_references(text: str) -> list[str]:
    """The ``file:line`` items of a ``#:`` line, normalized as GNU normalizes them."""
    words = text.split()
    if _PLAIN_REFERENCES.fullmatch(text):
        return words  # already as GNU normalizes them
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
    return [normalize_reference(item) for item in items]


def _is_digits(text: str) -> bool:
    return bool(text) and all("0" <= char <= "9" for char in text)


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
