"""Fuzzing: random and mutated input never makes locpipe crash.

Whatever bytes a catalog holds and whatever text a document or a translation holds, the reader,
the engine and the command line either work or fail with one of locpipe's own errors
(:class:`~locpipe.errors.LocpipeError`, which the command line turns into one ``error:`` line and
exit status 2). A bare ``IndexError`` or ``LookupError`` escaping is a bug: a traceback instead
of a message naming the file and line.

Every test is bounded (``max_examples``) so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from locpipe.cli import main
from locpipe.errors import LocpipeError, SourceError
from locpipe.model import Message
from locpipe.pofile import encode_po, parse_po
from locpipe.segment import parse_document

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGS = sorted((FIXTURES / "po").glob("*.po"))
VALID = {path.name: path.read_bytes() for path in CATALOGS}

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- .po files -----------------------------------------------------------------------------------

#: Lines that mean something to a .po reader, to insert among a catalog's lines.
_PO_LINES = [
    b'msgid ""',
    b'msgstr ""',
    b'msgid "x"',
    b'msgstr "y"',
    b'msgctxt "c"',
    b'msgid_plural "xs"',
    b'msgstr[0] "a"',
    b'msgstr[1] "b"',
    b'msgstr[7] "z"',
    b'msgstr [ 1 ] "b"',
    b'"continued \\n"',
    b'"\\',
    b'"\\x"',
    b'"\\xff\\xfe"',
    b'"\\377\\0"',
    b'"\\303\\251"',
    b'"Content-Type: text/plain; charset=ISO-8859-1\\n"',
    b'"Content-Type: text/plain; charset=UTF-8\\n"',
    b'"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
    b"#, fuzzy",
    b"#, c-format, no-wrap, range: 1..9",
    b"#: a.md:1 b.md :2 c.md: 3",
    b"#. caveat: keep-away",
    b'#| msgid "old"',
    b'#~ msgid "gone"',
    b'#~ msgstr "parti"',
    b'#~| msgid "older"',
    b"# \\",
    b'domain "d"',
    b"\xef\xbb\xbf",
    b"\r",
    b"",
]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _po_escape(text: str) -> str:
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One random edit: delete, insert or duplicate a line, flip a byte, truncate, splice."""
    kind = draw(
        st.sampled_from(
            ["delete", "insert", "duplicate", "flip", "truncate", "splice", "swap", "retranslate"]
        )
    )
    lines = _lines(data)
    msgstrs = [i for i, line in enumerate(lines) if line.startswith((b"msgstr ", b"msgstr["))]
    if kind == "retranslate" and msgstrs:
        # A well-formed entry with any translation at all: the catalog stays valid.
        index = draw(st.sampled_from(msgstrs))
        keyword = lines[index].split(b'"', 1)[0]
        text = draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
        lines[index] = keyword + b'"' + _po_escape(text).encode("utf-8") + b'"'
    if kind == "delete" and len(lines) > 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "insert":
        line = draw(st.one_of(st.sampled_from(_PO_LINES), st.binary(max_size=40)))
        lines.insert(draw(st.integers(0, len(lines))), line)
    elif kind == "duplicate":
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[index])
    elif kind == "swap" and len(lines) > 1:
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "flip" and data:
        position = draw(st.integers(0, len(data) - 1))
        flipped = bytearray(data)
        flipped[position] ^= draw(st.integers(1, 255))
        return bytes(flipped)
    elif kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    elif kind == "splice":
        position = draw(st.integers(0, len(data)))
        insert = draw(st.sampled_from([b'"', b"\\", b"#", b"~", b"|", b"\r", b"\x00", b"\xff"]))
        return data[:position] + insert + data[position:]
    return b"\n".join(lines)


@st.composite
def mutated_catalogs(draw: st.DrawFn, sources: dict[str, bytes] = VALID) -> bytes:
    """A valid catalog after one to four random mutations."""
    data = sources[draw(st.sampled_from(sorted(sources)))]
    for _ in range(draw(st.integers(1, 4))):
        data = draw(_mutation(data))
    return data


def _parses_or_fails_cleanly(data: bytes) -> None:
    try:
        po = parse_po(data, path="fuzz.po")
    except LocpipeError as error:
        event("refused")
        assert error.path == "fuzz.po"
        assert error.line is None or error.line >= 1
        return
    # What was read can be written back, or refused with a CatalogError: never a crash.
    with contextlib.suppress(LocpipeError):
        encode_po(po)


def test_the_mutation_sources_are_valid() -> None:
    assert len(VALID) >= 10
    for name, data in VALID.items():
        parse_po(data, path=name)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused_with_a_catalog_error(data: bytes) -> None:
    _parses_or_fails_cleanly(data)


@FUZZ
@given(st.lists(st.sampled_from(_PO_LINES), max_size=30).map(b"\n".join))
def test_random_po_lines_are_read_or_refused_with_a_catalog_error(data: bytes) -> None:
    _parses_or_fails_cleanly(data)


@FUZZ
@given(mutated_catalogs())
def test_mutated_catalogs_are_read_or_refused_with_a_catalog_error(data: bytes) -> None:
    _parses_or_fails_cleanly(data)


def _with_charset(charset: str) -> bytes:
    return (
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset='
        + charset.encode("utf-8", "surrogatepass")
        + b'\\n"\n\nmsgid "a"\nmsgstr "b \\303\\251"\n'
    )


@pytest.mark.parametrize(
    "charset",
    [
        pytest.param("UTF\x00-8", id="NUL in the name (ValueError)"),
        pytest.param("hex", id="bytes-to-bytes codec (LookupError)"),
        pytest.param("rot13", id="str-to-str codec (LookupError)"),
        pytest.param("idna", id="codec refusing 'replace' (UnicodeError)"),
        pytest.param("undefined", id="codec that always fails (UnicodeError)"),
    ],
)
def test_a_charset_python_cannot_use_for_text_is_a_catalog_error(charset: str) -> None:
    with pytest.raises(LocpipeError, match="charset"):
        parse_po(_with_charset(charset), path="fuzz.po")


@settings(FUZZ, report_multiple_bugs=False)
@given(st.text(max_size=12) | st.sampled_from(["hex", "rot13", "idna", "zlib", "undefined"]))
@example("UTF\x00-8")
def test_any_declared_charset_is_read_or_refused_with_a_catalog_error(charset: str) -> None:
    _parses_or_fails_cleanly(_with_charset(charset))


# --- the engine: Markdown -> messages -> Markdown ------------------------------------------------

#: Pieces of Markdown, locpipe directives and hostile characters a document is assembled from.
_MARKDOWN_ATOMS = [
    *"abc xyz*_`#>-+=|:[]()!<>\\&;~.)1\"'",
    "\n",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\ufeff",
    "\x0b",
    "\x0c",
    "\u0085",
    "\u2028",
    "    ",
    "  \n",
    "\\\n",
    "> ",
    "- ",
    "* ",
    "1. ",
    "1) ",
    "# ",
    "### ",
    "---\n",
    "===\n",
    "```\n",
    "~~~",
    "| a | b |\n|---|---|\n",
    "|",
    ":-:",
    "<div>\n",
    "</div>",
    "<span>",
    "</span>",
    "<span\nclass=x>",
    "<!--",
    "-->",
    "<!-- caveat: x -->\n",
    "<!-- caveat: y-2 -->\n",
    "<!-- caveat: Bad Id -->\n",
    "<!-- l10n: skip -->\n",
    "<!-- l10n: context ctx -->\n",
    "<!-- l10n: note a note -->\n",
    "<!-- l10n: bogus -->\n",
    "&amp;",
    "&#0;",
    "[x]: /u\n",
    "[x]",
    "![a](b)",
    "<https://e.org>",
    "é",
    "中",
    "\u200f",
    "\u0301",
    "\U0001f600",
]

markdown_documents = st.lists(st.sampled_from(_MARKDOWN_ATOMS), max_size=60).map("".join)
#: Any text but lone surrogates (which no file can hold), with line ends and NUL favoured.
translations = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(_MARKDOWN_ATOMS), max_size=12).map("".join),
)


@FUZZ
@given(markdown_documents)
def test_extract_raises_only_source_errors(markdown: str) -> None:
    try:
        document = parse_document(markdown, path="fuzz.md")
    except SourceError as error:
        assert error.path == "fuzz.md"
        assert error.line is not None and error.line >= 1
        return
    for unit in document.units:
        assert unit.message.path == "fuzz.md"
        assert 0 <= unit.start <= unit.end


@FUZZ
@given(markdown_documents, st.lists(translations, min_size=1, max_size=8))
def test_localize_never_raises_on_a_document_extract_accepts(
    markdown: str, msgstrs: list[str | None]
) -> None:
    try:
        document = parse_document(markdown, path="fuzz.md")
    except SourceError:
        assume(False)
        return
    assume(document.units)
    given_out = itertools.cycle(msgstrs)

    def translate(message: Message) -> str | None:
        return next(given_out)

    localized = document.localize(translate)
    assert isinstance(localized, str)


@FUZZ
@given(markdown_documents)
def test_localizing_with_no_translation_gives_back_the_source(markdown: str) -> None:
    try:
        document = parse_document(markdown, path="fuzz.md")
    except SourceError:
        assume(False)
        return
    assert document.localize(lambda message: None) == markdown


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("> - <!--\n>", id="bullet"),
        pytest.param("> 1. <!--\n>", id="ordered"),
        pytest.param("> 1. <!--:>+\n>", id="found-by-fuzzing"),
    ],
)
def test_a_parser_crash_is_a_source_error(markdown: str) -> None:
    with contextlib.suppress(SourceError):
        parse_document(markdown, path="fuzz.md")


# --- the command line on a damaged catalog -------------------------------------------------------

#: A small document with a caveat, a note, a table and a list, so every stage has work to do.
DOCUMENT = """\
# Patient leaflet

Store the medicine in a *cool*, dry place.

<!-- caveat: out-of-reach -->
<!-- l10n: note Keep it an instruction. -->
Keep this medicine out of the reach of children.

| Dose | When |
|------|------|
| 1 tablet | morning |

- Ask your pharmacist.
- Read it again later.
"""
COMMANDS = [
    ("stats",),
    ("stats", "--format", "json"),
    ("update",),
    ("update", "--locale", "fr"),
    ("compile",),
    ("check",),
]


CAVEATS = """\
[out-of-reach]
description = "Children must not reach the medicine."

[out-of-reach.terms]
fr = ["enfants"]
"""
FRENCH = {
    "Patient leaflet": "Notice",
    "Keep this medicine out of the reach of children.": "Tenir hors de portée des enfants.",
    "Dose": "Dose",
    "1 tablet": "1 comprimé",
    "Ask your pharmacist.": "Demandez à votre pharmacien.",
}


class _CliProject:
    """One project for every example: a French catalog, its caveat translated, one entry fuzzy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "source").mkdir(parents=True)
        (root / "source" / "doc.md").write_text(DOCUMENT, encoding="utf-8")
        (root / "source" / "caveats.toml").write_text(CAVEATS, encoding="utf-8")
        # The automatic rules are under test here; tests/test_review.py covers human review.
        (root / "pyproject.toml").write_text("[tool.locpipe]\nrequire-review = false\n")
        code, _, err = self.run("init", "fr")
        assert code == 0, err
        self.catalog = root / "locales" / "fr" / "LC_MESSAGES" / "doc.po"
        po = parse_po(self.catalog.read_bytes(), path="doc.po")
        for entry in po.entries:
            entry.msgstr = FRENCH.get(entry.msgid, "")
            if entry.msgid == "Dose":
                entry.flags.append("fuzzy")
        self.pristine = {path: path.read_bytes() for path in self._files()}
        self.translated = encode_po(po)
        self.catalog.write_bytes(self.translated)
        code, _, err = self.run("check")
        assert code == 0, err

    def _files(self) -> list[Path]:
        return sorted(path for path in self.root.rglob("*") if path.is_file())

    def reset(self, catalog: bytes) -> None:
        """Every file back as it was, the catalog replaced by ``catalog``."""
        for path in self._files():
            if path not in self.pristine:
                path.unlink()
        for path, data in self.pristine.items():
            path.write_bytes(data)
        self.catalog.write_bytes(catalog)

    def run(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["-C", str(self.root), *args])
        return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_CliProject]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        root = tmp_path_factory.mktemp("fuzz") / "project"
        project = _CliProject(root)
        yield project
    shutil.rmtree(root, ignore_errors=True)


@settings(FUZZ, suppress_health_check=list(HealthCheck))
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_the_command_line_on_a_mutated_catalog_exits_0_1_or_2(
    cli_project: _CliProject, data: st.DataObject, command: tuple[str, ...]
) -> None:
    catalog = data.draw(mutated_catalogs({"doc.po": cli_project.translated}), label="catalog")
    cli_project.reset(catalog)
    code, _, err = cli_project.run(*command)
    event(f"{command[0]}: exit {code}")
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err
    if code == 2:
        assert "error:" in err
        if command[0] == "update":
            # Every catalog is read and merged before anything is written.
            assert cli_project.catalog.read_bytes() == catalog
