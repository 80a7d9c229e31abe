"""Bytes on disk: legacy charsets, BOMs, CRLF, missing final newlines, and invalid bytes.

A catalog is decoded in the charset its header declares and written back in that same charset
(as ``msgcat`` does); its framing (a BOM, CRLF line ends, no final newline) is accepted and
written back in GNU's canonical form: no BOM, LF, a final newline. A source document may come
with a BOM, CRLF or CR line ends and no final newline: it gives exactly the messages (and the
template) of the same text in plain LF UTF-8. Bytes invalid in the declared charset (or, for a
source document, in UTF-8) are one ``path:line: error:`` line, exit status 2, and no file written.
"""

from __future__ import annotations

import codecs
import gettext
import json
from collections.abc import Callable

import pytest

from locpipe.pofile import encode_po, parse_po
from locpipe.segment import extract, localize
from tests.conftest import Project
from tests.test_lifecycle_cli import one_error_line

CATALOG = "locales/fr/LC_MESSAGES/doc.po"
SOURCE = "source/doc.md"


def doc_stats(project: Project) -> dict:
    """The ``stats --format json`` row of the French catalog of ``doc``."""
    rows = json.loads(project.ok("stats", "--format", "json").out)
    (row,) = [row for row in rows if row["document"] == "doc" and row["locale"] == "fr"]
    return row


def start(project: Project, markdown: str) -> Project:
    """``project`` with one document, ``source/doc.md``, and its (empty) French catalog."""
    (project.path("source") / "article.md").unlink()
    project.write(SOURCE, markdown)
    project.ok("init", "fr")
    return project


def write_catalog(project: Project, translations: dict[str, str], charset: str = "UTF-8") -> bytes:
    """Give the French catalog these translations, in ``charset``; return its bytes."""
    path = project.catalog_path("fr", "doc")
    po = parse_po(path.read_bytes(), path=CATALOG)
    po.set_header_field("Content-Type", f"text/plain; charset={charset}")
    for entry in po.entries:
        entry.msgstr = translations.get(entry.msgid, "")
    data = encode_po(po)
    path.write_bytes(data)
    return data


# --- legacy charsets -----------------------------------------------------------------------------

ASCII_SOURCE = "# Coffee\n\nA sentence.\n\nNot translated yet.\n"


@pytest.mark.parametrize(
    ("charset", "coffee", "sentence"),
    [
        ("ISO-8859-1", "Café crème", "Une phrase « déjà vue », garçon."),
        ("ISO-8859-15", "Café à 2 €", "Œuvre complète."),
        ("windows-1252", "“Café”", "Une phrase… déjà vue — enfin."),
        ("KOI8-R", "Кофе", "Одно предложение."),
        ("ISO-8859-7", "Καφές", "Μια πρόταση."),
        ("EUC-JP", "コーヒー", "一つの文。"),
        ("Shift_JIS", "コーヒー", "一つの文。"),
        ("GB2312", "咖啡", "一句话。"),
        ("BIG5", "咖啡", "一句話。"),
    ],
)
def test_a_legacy_charset_catalog_is_read_and_kept_in_its_charset(
    project: Project, charset: str, coffee: str, sentence: str
) -> None:
    start(project, ASCII_SOURCE)
    data = write_catalog(project, {"Coffee": coffee, "A sentence.": sentence}, charset)
    assert sentence.encode(charset) in data  # the test really wrote legacy bytes
    assert sentence.encode("utf-8") not in data

    row = doc_stats(project)
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == (2, 0, 1)

    project.ok("update")
    after = project.catalog_path("fr", "doc").read_bytes()
    assert f"charset={charset}".encode() in after
    assert sentence.encode(charset) in after
    po = parse_po(after, path=CATALOG)
    assert po.charset == charset
    assert {e.msgid: e.msgstr for e in po.entries} == {
        "Coffee": coffee,
        "A sentence.": sentence,
        "Not translated yet.": "",
    }
    assert project.ok("update").err.count("unchanged") == 1  # a fixed point: nothing rewritten
    assert project.catalog_path("fr", "doc").read_bytes() == after

    project.ok("compile")
    with project.catalog_path("fr", "doc").with_suffix(".mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("A sentence.") == sentence


LATIN1_SOURCE = "# Café au lait\n\nUne phrase accentuée : déjà vu.\n\nPas encore traduit.\n"


def test_a_latin1_catalog_of_an_accented_source_matches_its_msgids(project: Project) -> None:
    # The msgids are accented too: decoded wrongly, they would not match the template, and
    # update would make every translation obsolete.
    start(project, LATIN1_SOURCE)
    data = write_catalog(
        project,
        {"Café au lait": "Milchkaffee", "Une phrase accentuée : déjà vu.": "Schon gesehen: äöü ß."},
        "ISO-8859-1",
    )
    assert "accentuée".encode("latin-1") in data
    assert doc_stats(project)["translated"] == 2
    project.ok("update")
    po = project.catalog("fr", "doc")
    assert [(e.msgid, e.msgstr, e.obsolete) for e in po.entries] == [
        ("Café au lait", "Milchkaffee", False),
        ("Une phrase accentuée : déjà vu.", "Schon gesehen: äöü ß.", False),
        ("Pas encore traduit.", "", False),
    ]
    assert project.catalog_path("fr", "doc").read_bytes() == data


@pytest.mark.parametrize(
    ("charset", "new_text"),
    [("ISO-8859-1", "Prix : 5 €."), ("KOI8-R", "Déjà vu."), ("ISO-8859-15", "Ĉu vi?")],
)
def test_a_new_source_text_the_catalogs_charset_cannot_hold_is_an_error(
    project: Project, charset: str, new_text: str
) -> None:
    start(project, ASCII_SOURCE)
    write_catalog(project, {"Coffee": "Kaffee"}, charset)
    project.write(SOURCE, ASCII_SOURCE + f"\n{new_text}\n")
    before = project.files()
    result = project.run("update")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == CATALOG
    assert charset in error["message"]
    assert "msgconv --to-code=UTF-8" in error["message"]
    assert project.files() == before


# --- BOM, line ends and final newlines in a catalog ----------------------------------------------

Framing = Callable[[bytes], bytes]
FRAMINGS: dict[str, Framing] = {
    "plain": lambda data: data,
    "bom": lambda data: codecs.BOM_UTF8 + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "no-final-newline": lambda data: data.rstrip(b"\n"),
    "crlf-no-final-newline": lambda data: data.rstrip(b"\n").replace(b"\n", b"\r\n"),
    "bom-crlf-no-final-newline": lambda data: (
        codecs.BOM_UTF8 + data.rstrip(b"\n").replace(b"\n", b"\r\n")
    ),
    "trailing-blank-lines": lambda data: data + b"\n\n\n",
}
FRENCH = {"Café au lait": "Café crème", "Une phrase accentuée : déjà vu.": "Déjà\n« vu »."}


@pytest.mark.parametrize("framing", FRAMINGS, ids=list(FRAMINGS))
def test_a_catalogs_bom_line_ends_and_final_newline_are_accepted(
    project: Project, framing: str
) -> None:
    start(project, LATIN1_SOURCE)
    canonical = write_catalog(project, FRENCH)
    framed = FRAMINGS[framing](canonical)
    project.catalog_path("fr", "doc").write_bytes(framed)

    row = doc_stats(project)
    assert (row["translated"], row["untranslated"]) == (2, 1)
    project.ok("compile")
    with project.catalog_path("fr", "doc").with_suffix(".mo").open("rb") as mo:
        assert gettext.GNUTranslations(mo).gettext("Café au lait") == "Café crème"

    # update writes GNU's form: no BOM, LF only, one final newline; translations untouched.
    project.ok("update")
    assert project.catalog_path("fr", "doc").read_bytes() == canonical
    assert {e.msgid: e.msgstr for e in project.catalog("fr", "doc").entries if e.msgstr} == FRENCH


def test_crlf_inside_a_catalog_string_is_a_cr_the_translator_wrote(project: Project) -> None:
    # Only the file's own line ends are normalized: an escaped \r in a string is content.
    start(project, LATIN1_SOURCE)
    data = write_catalog(project, {"Café au lait": "Café\r\ncrème"})
    assert b'"Caf\xc3\xa9\\r\\n"' in data
    project.catalog_path("fr", "doc").write_bytes(data.replace(b"\n", b"\r\n"))
    assert project.catalog("fr", "doc").entries[0].msgstr == "Café\r\ncrème"


# --- BOM, line ends and final newlines in a source document --------------------------------------

ARTICLE = (
    "---\ntitle: Café\n---\n\n"
    "# Café au lait\n\n"
    "A paragraph on\ntwo lines, with a hard  \nbreak.\n\n"
    "<!-- caveat: hot-drink -->\nThe drink is hot.\n\n"
    "| Size | Price |\n|------|-------|\n| small | 2 € |\n\n"
    "> A quote\n> that goes on.\n\n"
    "- one\n- two\n\n"
    "```\ncode\n```\n\n"
    "Last line"
)
MD_FRAMINGS: dict[str, Callable[[str], str]] = {
    "lf": lambda text: text,
    "lf-final-newline": lambda text: text + "\n",
    "bom": lambda text: "\ufeff" + text + "\n",
    "crlf": lambda text: text.replace("\n", "\r\n") + "\r\n",
    "crlf-no-final-newline": lambda text: text.replace("\n", "\r\n"),
    "cr": lambda text: text.replace("\n", "\r") + "\r",
    "bom-crlf-no-final-newline": lambda text: "\ufeff" + text.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("framing", MD_FRAMINGS, ids=list(MD_FRAMINGS))
def test_a_sources_bom_line_ends_and_final_newline_do_not_change_its_messages(
    framing: str,
) -> None:
    expected = [(m.msgid, m.line, m.caveat) for m in extract(ARTICLE, path=SOURCE)]
    assert len(expected) == 11
    framed = MD_FRAMINGS[framing](ARTICLE)
    messages = extract(framed, path=SOURCE)
    assert [(m.msgid, m.line, m.caveat) for m in messages] == expected
    assert not any("\r" in m.msgid or "\ufeff" in m.msgid for m in messages)


@pytest.mark.parametrize("framing", MD_FRAMINGS, ids=list(MD_FRAMINGS))
def test_a_localized_source_keeps_its_bom_and_line_ends(framing: str) -> None:
    framed = MD_FRAMINGS[framing](ARTICLE)
    localized = localize(framed, lambda m: m.msgid.upper().replace("PARAGRAPH", "PARA\nGRAPH"))
    assert localized.startswith("\ufeff") == framed.startswith("\ufeff")
    newline = "\r\n" if "\r\n" in framed else "\r" if "\r" in framed else "\n"
    # Every line end, the added hard break's too, is the source's kind; no other is left.
    assert "PARA\\" + newline + "GRAPH" in localized
    rest = localized.replace(newline, "")
    assert "\r" not in rest and "\n" not in rest
    assert localized.endswith(newline) == framed.endswith(newline)
    assert "THE DRINK IS HOT." in localized
    assert localized.count("```" + newline + "code" + newline + "```") == 1


@pytest.mark.parametrize("framing", MD_FRAMINGS, ids=list(MD_FRAMINGS))
def test_a_sources_framing_does_not_change_its_template(project: Project, framing: str) -> None:
    (project.path("source") / "article.md").unlink()
    project.write("source/caveats.toml", '[hot-drink]\ndescription = "The drink is hot."\n')
    project.path(SOURCE).write_bytes(ARTICLE.encode())
    project.ok("extract")
    expected = project.template_path("doc").read_bytes()
    project.path(SOURCE).write_bytes(MD_FRAMINGS[framing](ARTICLE).encode())
    result = project.ok("extract", "-v")
    assert "locales/doc.pot: unchanged" in result.err
    assert project.template_path("doc").read_bytes() == expected
    project.ok("init", "fr")
    assert doc_stats(project)["total"] == 11


# --- invalid bytes -------------------------------------------------------------------------------

CATALOG_TEXT = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: fr\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset={charset}\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
    "\n"
    "#. heading level 1\n"
    "#: source/doc.md:1\n"
    'msgid "Coffee"\n'
    'msgstr "Caf{bad}"\n'  # line 12
    "\n"
    "#. paragraph\n"
    "#: source/doc.md:3\n"
    'msgid "A sentence."\n'
    'msgstr ""\n'
)


@pytest.mark.parametrize(
    ("charset", "bad", "byte"),
    [
        ("UTF-8", b"\xe9", "0xe9"),  # Latin-1 text in a UTF-8 catalog
        ("UTF-8", b"\xff", "0xff"),
        ("UTF-8", b"\xc3", "0xc3"),  # a sequence cut short
        ("UTF-8", b"\xc0\xa9", "0xc0"),  # overlong
        ("UTF-8", b"\xed\xa0\x80", "0xed"),  # a surrogate
        ("UTF-8", b"\xf4\x90\x80\x80", "0xf4"),  # beyond U+10FFFF
        ("ASCII", b"\xe9", "0xe9"),
        ("Shift_JIS", b"\x81\x7f", "0x81"),
    ],
)
@pytest.mark.parametrize("command", ["stats", "update", "compile", "check"])
def test_invalid_bytes_in_a_catalog_are_an_error_naming_file_and_line(
    project: Project, charset: str, bad: bytes, byte: str, command: str
) -> None:
    start(project, ASCII_SOURCE.replace("\n\nNot translated yet.", ""))
    text = CATALOG_TEXT.replace("{charset}", charset).encode("ascii")
    project.catalog_path("fr", "doc").write_bytes(text.replace(b"{bad}", bad))
    before = project.files()
    result = project.run(command)
    assert result.code == 2
    error = one_error_line(result.err)
    assert (error["path"], error["line"]) == (CATALOG, "12")
    assert byte in error["message"]
    assert project.files() == before


def test_a_utf16_catalog_is_an_error_naming_the_file(project: Project) -> None:
    start(project, ASCII_SOURCE)
    data = project.catalog_path("fr", "doc").read_bytes().decode("utf-8")
    project.catalog_path("fr", "doc").write_bytes(codecs.BOM_UTF16_LE + data.encode("utf-16-le"))
    before = project.files()
    result = project.run("stats")
    assert result.code == 2
    assert one_error_line(result.err)["path"] == CATALOG
    assert project.files() == before


SOURCE_BYTES = b"# Coffee\n\nA sentence\nwith an accent: caf%s.\n\nMore.\n"  # the bad byte: line 4


@pytest.mark.parametrize(
    ("bad", "byte"),
    [
        (b"\xe9", "0xe9"),  # Latin-1
        (b"\xff", "0xff"),
        (b"\xc3", "0xc3"),
        (b"\xed\xb2\x80", "0xed"),  # a surrogate (CESU-8 / Java "modified UTF-8")
        (b"\xc3\xa9\x80", "0x80"),  # a valid é, then a stray continuation byte
    ],
)
@pytest.mark.parametrize(("command", "args"), [("extract", ()), ("update", ()), ("init", ("de",))])
def test_invalid_bytes_in_a_source_are_an_error_naming_file_and_line(
    project: Project, bad: bytes, byte: str, command: str, args: tuple[str, ...]
) -> None:
    start(project, ASCII_SOURCE)
    project.path(SOURCE).write_bytes(SOURCE_BYTES % bad)
    before = project.files()
    result = project.run(command, *args)
    assert result.code == 2
    error = one_error_line(result.err)
    assert (error["path"], error["line"]) == (SOURCE, "4")
    assert f"invalid UTF-8 byte {byte}" in error["message"]
    assert project.files() == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_utf16_source_is_an_error_naming_the_file(project: Project, encoding: str) -> None:
    start(project, ASCII_SOURCE)
    project.path(SOURCE).write_bytes(("\ufeff" + ASCII_SOURCE).encode(encoding))
    before = project.files()
    result = project.run("extract")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == SOURCE
    assert "invalid UTF-8" in error["message"]
    assert project.files() == before
