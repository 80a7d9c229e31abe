"""The .po reader and writer against GNU gettext: msgcat's output is the oracle."""

from __future__ import annotations

import codecs
import ctypes
import ctypes.util
import io
import random
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import pofile
from locpipe.errors import CatalogError
from locpipe.pofile import PoEntry, PoFile, encode_po, format_po, parse_po

FIXTURES = Path(__file__).parent / "fixtures" / "po"
GOOD = sorted(FIXTURES.glob("*.po"))
HEADER = (
    "Project-Id-Version: locpipe 1.0\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\n"
)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"GNU gettext's {name} is not installed: it is the oracle of these tests")
    return found


def _msgcat(data: bytes) -> bytes:
    """What plain ``msgcat`` writes for a file (read from stdin, so no path in errors)."""
    result = subprocess.run([_tool("msgcat"), "-"], input=data, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def _msgfmt_check(data: bytes, *, header: str) -> None:
    # --check = --check-format --check-header --check-domain; a file with no
    # header entry can only have its format directives checked.
    checks = {"full": ["--check"], "partial": ["--check-format", "--check-header"]}
    checks = checks.get(header, ["--check-format"])
    command = [_tool("msgfmt"), *checks, "-o", "/dev/null", "-"]
    result = subprocess.run(command, input=data, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")


def _as_gnu_reads(data: bytes) -> bytes:
    # msgcat rejects a BOM and keeps the CR of CRLF in comments; we accept and drop both.
    return data.removeprefix(codecs.BOM_UTF8).replace(b"\r\n", b"\n")


# ----------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", GOOD, ids=[path.name for path in GOOD])
def test_fixture_is_written_as_msgcat_writes_it(path: Path) -> None:
    data = path.read_bytes()
    ours = encode_po(parse_po(data, path=str(path)))
    assert ours.decode("latin-1") == _msgcat(_as_gnu_reads(data)).decode("latin-1")


@pytest.mark.parametrize("path", GOOD, ids=[path.name for path in GOOD])
def test_fixture_output_passes_msgfmt_check(path: Path) -> None:
    po = parse_po(path.read_bytes(), path=str(path))
    fields = dict(po.header_fields())
    header = "full" if "Plural-Forms" in fields else "partial" if fields else "none"
    _msgfmt_check(encode_po(po), header=header)


@pytest.mark.parametrize("path", GOOD, ids=[path.name for path in GOOD])
def test_fixture_output_is_a_fixed_point(path: Path) -> None:
    po = parse_po(path.read_bytes(), path=str(path))
    text = format_po(po)
    assert format_po(parse_po(encode_po(po), path="again.po")) == text


BAD = [
    ("unterminated-string.po", 4, "unterminated string"),
    ("bad-escape.po", 5, "invalid escape sequence '\\\\q'"),
    ("keyword-out-of-place.po", 5, "expected 'msgstr', found 'msgctxt'"),
    ("msgstr-without-msgid.po", 7, "'msgstr' without a preceding 'msgid'"),
    ("missing-msgstr.po", 7, "missing 'msgstr'"),
    ("comment-inside-entry.po", 5, "comment inside an entry"),
    ("text-outside-strings.po", 5, "unexpected '=' outside a string"),
    ("unknown-keyword.po", 5, "unknown keyword 'stray'"),
    ("unescaped-quote.po", 7, "unescaped '\"' inside a string"),
    ("unescaped-quote-symbol.po", 7, "unescaped '\"' inside a string"),
    ("duplicate.po", 10, "duplicate message definition (first defined at line 4)"),
    ("duplicate-obsolete.po", 7, "duplicate message definition (first defined at line 4)"),
    ("empty.po", 1, "empty catalog"),
    ("comments-only.po", 1, "empty catalog"),
    ("unknown-charset.po", 4, "unknown charset 'KLINGON-8'"),
    ("invalid-bytes.po", 7, "byte 0xe9 is invalid in the declared charset"),
    ("inconsistent-obsolete.po", 5, "inconsistent use of #~"),
    ("plural-index.po", 7, "msgstr[2] should be msgstr[1]"),
    ("nul-escape.po", 5, "NUL character"),
]


def test_every_bad_fixture_is_in_the_table() -> None:
    assert sorted(path.name for path in (FIXTURES / "bad").glob("*.po")) == sorted(
        name for name, _, _ in BAD
    )


@pytest.mark.parametrize(("name", "line", "message"), BAD, ids=[name for name, _, _ in BAD])
def test_bad_fixture_raises_catalog_error(name: str, line: int, message: str) -> None:
    path = f"bad/{name}"
    with pytest.raises(CatalogError) as info:
        parse_po((FIXTURES / "bad" / name).read_bytes(), path=path)
    assert str(info.value).startswith(f"{path}:{line}: error: ")
    assert message in info.value.message


# ----------------------------------------------------------------- the model


def test_reader_fills_the_model() -> None:
    po = parse_po((FIXTURES / "previous-msgid.po").read_bytes(), path="p.po")
    assert po.charset == "UTF-8"
    assert ("Language", "fr") in po.header_fields()
    plural = po.entries[2]
    assert plural.line == 31
    assert plural.msgid_plural == "%d documents"
    assert plural.msgstr_plural == {0: "Un document", 1: "%d documents"}
    assert plural.previous_msgid == "One file"
    assert plural.previous_msgid_plural == "%d files"
    assert plural.fuzzy and not plural.translated()
    context = po.entries[1]
    assert (context.previous_msgctxt, context.previous_msgid) == ("old context", "Oldcontinued")


def test_latin1_is_decoded_and_encoded_back() -> None:
    data = (FIXTURES / "latin1.po").read_bytes()
    po = parse_po(data, path="latin1.po")
    assert po.charset == "ISO-8859-1"
    assert "élève" in po.entries[0].msgstr
    assert po.entries[0].references == ["références/été.md:12"]
    assert encode_po(po).decode("latin-1") == format_po(po)


def test_obsolete_entries_keep_file_order_and_are_written_last() -> None:
    po = parse_po((FIXTURES / "obsolete.po").read_bytes(), path="o.po")
    assert [entry.obsolete for entry in po.entries] == [False, True, True, True, True, False]
    text = format_po(po)
    assert text.index("after the obsolete") < text.index("#~ msgid")
    assert "empty msgstr" not in text  # GNU drops untranslated obsolete entries


def test_set_header_field_replaces_in_place_or_appends() -> None:
    po = PoFile(header=PoEntry(msgid="", msgstr=HEADER, line=1), entries=[])
    po.set_header_field("MIME-Version", "2.0")
    po.set_header_field("Language", "de")
    fields = po.header_fields()
    assert fields[1] == ("MIME-Version", "2.0")
    assert fields[-1] == ("Language", "de")


def test_translated_follows_polib() -> None:
    assert PoEntry(msgid="a", msgstr="b").translated()
    assert not PoEntry(msgid="a", msgstr="b", flags=["fuzzy"]).translated()
    assert not PoEntry(msgid="a", msgstr="b", obsolete=True).translated()
    assert not PoEntry(msgid="a", msgid_plural="as", msgstr_plural={0: "x", 1: ""}).translated()
    assert PoEntry(msgid="a", msgid_plural="as", msgstr_plural={0: "x", 1: "y"}).translated()


def test_absent_header_stays_absent() -> None:
    po = parse_po(b'msgid "a"\nmsgstr "b"\n', path="n.po")
    assert po.header == PoEntry(msgid="")
    assert format_po(po) == 'msgid "a"\nmsgstr "b"\n'


def test_comment_ending_in_backslash_is_refused() -> None:
    # GNU would splice the next line into the comment when reading it back.
    po = PoFile(PoEntry(msgid=""), [PoEntry(msgid="a", translator_comments=["C:\\"])])
    with pytest.raises(CatalogError, match="backslash"):
        format_po(po)


# ------------------------------------------------------- property: msgcat fixed point

_TEXT_ALPHABET = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuvwxyz",
        *"      ",
        *'\n\t"\\%-/.,;:!?()[]{}0123456789',
        *"中文字符测试。，、「」日本語한국어",
        *"مرحبا بالعالم",
        *"éßàçœ«»…—",
        *("\u00a0", "\u200b", "\u0301", "\u3000", "ｱ"),
        *("😀", "👍🏽", "🇫🇷", "x" * 40, "supercalifragilistic" * 3),
    ]
)
_TEXT = st.lists(_TEXT_ALPHABET, max_size=40).map("".join)
_LINE = _TEXT.map(lambda text: text.replace("\n", " ").replace("\\", "/").strip())
_REFERENCE = st.builds(
    "{}/{}.md:{}".format,
    st.sampled_from(["docs", "a/b/c", "section-with-a-long-name"]),
    st.text("abcxyz-_", min_size=1, max_size=20),
    st.integers(1, 99999),
)
_FORMATS = st.lists(st.sampled_from(["c-format", "python-format", "no-c-format"]), max_size=1)


@st.composite
def _entries(draw: st.DrawFn, number: int) -> PoEntry:
    obsolete = draw(st.booleans()) and draw(st.booleans())
    entry = PoEntry(msgid=f"{number} {draw(_TEXT)}", obsolete=obsolete)
    entry.msgctxt = draw(st.none() | _TEXT)
    if draw(st.booleans()):
        entry.msgid_plural = draw(_TEXT)
        forms = draw(st.lists(_TEXT, min_size=1, max_size=3))
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = draw(_TEXT)
    if obsolete and entry.msgid_plural is not None:
        # GNU drops obsolete entries without a translation when it writes.
        entry.msgstr_plural[0] = entry.msgstr_plural[0] or "x"
    elif obsolete:
        entry.msgstr = entry.msgstr or "x"
    entry.translator_comments = draw(st.lists(_LINE, max_size=2))
    entry.extracted_comments = draw(st.lists(_LINE, max_size=2))
    entry.references = list(dict.fromkeys(draw(st.lists(_REFERENCE, max_size=8))))
    translated = entry.msgstr or entry.msgstr_plural.get(0)
    fuzzy = ["fuzzy"] if translated and draw(st.booleans()) else []
    entry.flags = fuzzy + draw(_FORMATS) + draw(st.sampled_from([[], ["no-wrap"]]))
    if draw(st.booleans()):
        entry.previous_msgid = draw(_TEXT)
        entry.previous_msgctxt = draw(st.none() | _TEXT)
        if entry.msgid_plural is not None:
            entry.previous_msgid_plural = draw(st.none() | _TEXT)
    return entry


@st.composite
def _catalogs(draw: st.DrawFn) -> PoFile:
    count = draw(st.integers(1, 8))
    entries = [draw(_entries(number)) for number in range(count)]
    header = PoEntry(msgid="", msgstr=HEADER, translator_comments=draw(st.lists(_LINE)), line=1)
    return PoFile(header=header, entries=entries)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_catalogs())
def test_random_catalog_is_a_msgcat_fixed_point(po: PoFile) -> None:
    data = encode_po(po)
    assert _msgcat(data).decode() == data.decode()
    again = parse_po(data, path="random.po")
    live = [entry for entry in po.entries if not entry.obsolete]
    dead = [entry for entry in po.entries if entry.obsolete]
    for entry in again.entries:
        entry.line = 0
    assert again.entries == live + dead
    assert again.header.msgstr == po.header.msgstr


# ------------------------------------------ property: the one-pass reader reads as GNU's lexer

ALL_PO = sorted(FIXTURES.rglob("*.po"))


def _line_by_line(text: str) -> list:
    """The tokens of the line-by-line lexer (GNU's po-lex, with splicing), or its error."""
    tokens: list = []
    for line, starts, first in pofile._logical_lines(text.replace("\r\n", "\n")):
        tokens += pofile._tokenize_line(line, pofile._LineNumbers(starts, first), "t.po", "utf-8")
    return tokens


def _general(text: str) -> list:
    return pofile._Parser(_line_by_line(text), "t.po").parse()


def _agree(fast, general, text: str) -> None:
    """A one-pass reader reads ``text`` as the general one does, or declines it (None); it never
    takes a file the general one rejects."""
    found = fast(text.replace("\r\n", "\n"))
    try:
        expected = general(text)
    except CatalogError:
        assert found is None, "the one-pass reader took a file with an error"
        return
    assert found is None or found == expected


def _same_entries(text: str) -> None:
    _agree(pofile._plain_entries, _general, text)


def _same_tokens(text: str) -> None:
    _agree(pofile._tokenize_plain, _line_by_line, text)


@pytest.mark.parametrize("path", ALL_PO, ids=[str(p.relative_to(FIXTURES)) for p in ALL_PO])
def test_one_pass_reader_reads_every_fixture_as_the_lexer(path: Path) -> None:
    text = path.read_bytes().decode("latin-1")
    _same_tokens(text)
    _same_entries(text)


def test_one_pass_reader_reads_plain_files() -> None:
    # ... and does read them (or the build would be as slow as before).
    for name in ("plurals.po", "msgctxt.po", "comments.po", "flags.po"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert pofile._tokenize_plain(text) == _line_by_line(text)
        assert pofile._plain_entries(text) == _general(text)


@pytest.mark.parametrize(
    "strings",
    [
        '"a" "b"',  # two strings on one line: GNU reads "ab"
        '"a" ""',
        '"a\\"\n"n"',  # the backslash escapes the closing quote: an error
        '"a"b"',  # an unescaped quote inside: an error
        '"\\q"',  # an escape GNU does not know: an error
        '"a\\101"',  # an octal escape: GNU reads "aA"
        '"a"\n"b" "c"',  # on the second line
        '"a"\n"b\\"',
    ],
)
@pytest.mark.parametrize("keyword", ["msgctxt", "msgid", "msgstr", "msgid_plural", "msgstr[1]"])
def test_one_pass_reader_leaves_strings_it_would_not_write_to_the_line_reader(
    keyword: str, strings: str
) -> None:
    # Its pattern takes a keyword's strings as whole lines between quotes; a line with a quote
    # or a backslash inside that is not as GNU writes it is not its to read.
    entry = {
        "msgctxt": ["msgctxt {}", 'msgid "a"', 'msgstr "b"'],
        "msgid": ["msgid {}", 'msgstr "b"'],
        "msgstr": ['msgid "a"', "msgstr {}"],
        "msgid_plural": ['msgid "a"', "msgid_plural {}", 'msgstr[0] "b"', 'msgstr[1] "c"'],
        "msgstr[1]": ['msgid "a"', 'msgid_plural "p"', 'msgstr[0] "b"', "msgstr[1] {}"],
    }[keyword]
    text = 'msgid ""\nmsgstr ""\n\n' + "\n".join(entry).format(strings) + "\n"
    assert pofile._plain_entries(text) is None
    _same_entries(text)


def test_a_header_of_two_strings_on_a_line_still_names_the_charset() -> None:
    data = (
        'msgid ""\nmsgstr "" "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
        'msgid "caf\xe9"\nmsgstr "Caf\xe9"\n'
    ).encode("latin-1")
    assert parse_po(data, path="t.po").entries[0].msgstr == "Caf\u00e9"


_PO_PIECES = st.sampled_from(
    [
        *("msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]", "msgstr [ 12 ]", "msgstr[x]"),
        *("msgid[0]", "msgidx", "msgstr2", "domain", "#~", "#|", "#~|", "#, fuzzy", "#: a.md:1"),
        *('"', '""', '"a b"', '"\\n"', '"\\"', '"\\\\"', '"\\x41"', '"\\101"', '"\\q"'),
        *(" ", "\t", "\n", "\r\n", "\r", "\\\n", "\f", "\u00a0", "é", "[", "]", "#"),
        *('msgid "a"\n', 'msgstr "b"\n', 'msgctxt "c"\n', 'msgid_plural "p"\n', "#. x\n"),
        *('msgstr[0] "y"\n', 'msgstr[1] "z"\n', '"more"\n', "\n", '#~ msgid "o"\n', "#: a.md:1\n"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PO_PIECES, max_size=30).map("".join))
def test_one_pass_reader_agrees_with_the_lexer_on_any_text(text: str) -> None:
    _same_tokens(text)
    _same_entries(text)


def _read_as_text(data: bytes, charset: str) -> list | CatalogError:
    """What the general reader makes of ``data`` decoded, line ends normalized: the entries
    :func:`parse_po` must give, or the error it must raise."""
    try:
        return _general(data.decode(charset).replace("\r\n", "\n"))
    except CatalogError as error:
        return error


@pytest.mark.parametrize("charset", ["UTF-8", "ISO-8859-1", "UTF8"])
@settings(max_examples=150, deadline=None)
@given(st.lists(_PO_PIECES, max_size=30).map("".join))
def test_a_whole_file_reads_as_its_text_does_in_every_charset(charset: str, text: str) -> None:
    # The whole of parse_po (the charset sniffed, the text decoded, CRLF and "#~"/"#|" looked
    # for in the bytes of a UTF-8 file and in the text of others) against the general reader.
    header = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
    data = (header + text).encode(charset, "replace")
    expected = _read_as_text(data, "utf-8" if charset.startswith("UTF") else charset)
    if isinstance(expected, CatalogError):
        with pytest.raises(CatalogError):
            parse_po(data, path="t.po")
        return
    try:
        found = parse_po(data, path="t.po")
    except CatalogError as error:  # duplicates and an empty file are the whole file's errors
        assert "duplicate" in str(error) or "header" in str(error)
        return
    assert [found.header, *found.entries] == expected


_MUTATION = st.tuples(st.sampled_from(["delete", "repeat", "swap", "cut"]), st.integers(0, 10**6))


def _mutated(text: str, mutations: list[tuple[str, int]]) -> str:
    """``text`` with some of its lines deleted, repeated, swapped or cut short."""
    lines = text.split("\n")
    for operation, seed in mutations:
        k = seed % len(lines)
        if operation == "delete" and len(lines) > 1:
            del lines[k]
        elif operation == "repeat":
            lines.insert(k, lines[seed // 7 % len(lines)])
        elif operation == "swap":
            j = seed // 7 % len(lines)
            lines[k], lines[j] = lines[j], lines[k]
        else:
            lines[k] = lines[k][: seed // 7 % (len(lines[k]) + 1)]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(GOOD), st.lists(_MUTATION, max_size=3))
def test_one_pass_reader_agrees_on_damaged_fixtures(path: Path, mutations) -> None:
    _same_entries(_mutated(path.read_bytes().decode("latin-1"), mutations))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_catalogs())
def test_one_pass_reader_reads_what_we_write(po: PoFile) -> None:
    text = format_po(po)
    assert pofile._tokenize_plain(text) == _line_by_line(text)
    _same_entries(text)
    if not any(entry.obsolete or entry.previous_msgid is not None for entry in po.entries):
        assert pofile._plain_entries(text) is not None


# ----------------------------------------------------- other readers agree


# polib and Babel know no \a, \b, \f, \v escapes, so escapes.po is left out.
_OTHER_READERS_FIXTURES = [
    "long-lines.po",
    "newlines-in-strings.po",
    "msgctxt.po",
    "plurals.po",
    "flags.po",
    "comments.po",
    "previous-msgid.po",
    "cjk-wrapping.po",
    "arabic.po",
    "emoji.po",
]
# Babel adds these flags itself when a msgid looks like a Python format string.
_BABEL_GUESSES = {"python-format", "python-brace-format"}


def _our_view() -> tuple[bytes, list[tuple[str | None, str, str, list[str]]]]:
    """One catalog joined from several fixtures: our bytes, and what we read back."""
    catalogs = [
        parse_po((FIXTURES / name).read_bytes(), path=name) for name in _OTHER_READERS_FIXTURES
    ]
    entries = [entry for po in catalogs for entry in po.entries if not entry.obsolete]
    data = encode_po(PoFile(header=catalogs[0].header, entries=entries))
    again = parse_po(data, path="joined.po").entries
    return data, [(e.msgctxt, e.msgid, e.msgstr, sorted(e.flags)) for e in again]


def test_polib_reads_our_output_the_same() -> None:
    data, ours = _our_view()
    theirs = polib.pofile(data.decode())
    assert [(e.msgctxt, e.msgid, e.msgstr, sorted(e.flags)) for e in theirs] == ours


def test_babel_reads_our_output_the_same() -> None:
    data, ours = _our_view()
    theirs = []
    for message, (_, _, _, flags) in zip(list(read_po(io.BytesIO(data)))[1:], ours, strict=True):
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        msgstr = "" if isinstance(message.string, tuple) else message.string
        guessed = _BABEL_GUESSES - set(flags)
        theirs.append((message.context, msgid, msgstr, sorted(set(message.flags) - guessed)))
    assert theirs == ours


# ------------------------------------- the Unicode tables agree with libunistring


def _libunistring() -> ctypes.CDLL:
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.fail("libunistring (GNU gettext's line breaker, installed with gettext) is missing")
    return ctypes.CDLL(name)


def test_line_breaks_match_libunistring() -> None:
    from locpipe.linebreak import fit_breaks as _fit_breaks

    lib = _libunistring()
    breaker = lib.u8_width_linebreaks_v2
    breaker.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int]
    breaker.argtypes += [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    rng = random.Random(14)
    alphabet = [chr(code) for code in rng.sample(range(0x20, 0x30000), 3000)]
    alphabet = [char for char in alphabet if not 0xD800 <= ord(char) < 0xE000] + list(" -/a(")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        width, start = rng.randrange(1, 40), rng.randrange(0, 20)
        raw = text.encode()
        out = ctypes.create_string_buffer(len(raw))
        breaker(raw, len(raw), width, start, 0, None, b"UTF-8", out)
        starts = [len(text[:index].encode()) for index in range(len(text))]
        expected = [out.raw[offset] == 2 for offset in starts]  # UC_BREAK_POSSIBLE
        assert _fit_breaks(text, width, start, [0] * len(text), False) == expected, text


def test_char_widths_match_libunistring() -> None:
    from locpipe.linebreak import char_width as _char_width

    uc_width = _libunistring().uc_width
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    uc_width.restype = ctypes.c_int
    for encoding, cjk in ((b"UTF-8", False), (b"EUC-JP", True)):
        for code in range(0, 0x110000, 7):
            if not 0xD800 <= code < 0xE000:
                assert _char_width(chr(code), cjk) == uc_width(code, encoding), hex(code)


@pytest.mark.parametrize("needle", ["#~", "#|", "\r\n"])
@given(st.lists(st.sampled_from(["#", "~", "|", "\r", "\n", "a", "é", "ж", " "]), max_size=40))
def test_a_needle_is_found_in_the_bytes_exactly_where_the_text_holds_it(needle, pieces) -> None:
    text = "".join(pieces)
    for charset in ("utf-8", "iso8859-1"):
        data = text.encode(charset, "replace")
        decoded = data.decode(charset)
        assert pofile._holds(decoded, data, charset, needle) == (needle in decoded)
