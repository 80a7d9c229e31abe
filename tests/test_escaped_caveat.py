"""C050: a caveat whose translation had to be escaped to show as text fails the gate.

The write-back escapes whatever at the start of a line would open a block (an HTML comment
meant to hide the caveat, a heading, a list, a fence): the page keeps the caveat visible,
but shows the markup as text, which no faithful caveat does. Other strings are escaped and
published as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from locpipe.build import parse_source
from locpipe.cli import main
from locpipe.config import load_config
from locpipe.pofile import encode_po, parse_po
from locpipe.render import localize_with, render_body, translations_of
from locpipe.segment import parse_document
from tests.conftest import es_catalog_path
from tests.markdown_html import FIXTURES

ROOT = Path(__file__).parent.parent
PROJECT = FIXTURES / "project"
CAVEAT = "consult-professional"


@pytest.fixture
def project(es_article_project: Path) -> Path:
    """The article with a Spanish catalog whose caveats pass (see conftest)."""
    return es_article_project


def retranslate(project: Path, change, *, caveat: str | None = CAVEAT, msgid: str = "") -> int:
    """Change the msgstr of the caveat's entry (or of the entry ``msgid``); its line."""
    path = es_catalog_path(project)
    po = parse_po(path.read_bytes(), path="article.po")
    lines = []
    for entry in po.entries:
        if (caveat and f"caveat: {caveat}" in entry.extracted_comments) or entry.msgid == msgid:
            entry.msgstr = change(entry.msgstr)
            lines.append(entry.line)
    path.write_bytes(encode_po(po))
    assert len(lines) == 1
    return lines[0]


def check(project: Path, capsys) -> tuple[int, str]:
    code = main(["-C", str(project), "check", "--locale", "es"])
    return code, capsys.readouterr().out


#: What a translator put before (or into) the caveat, and the construct the message names.
ESCAPED = {
    "html-comment": (lambda t: "<!--" + t, "'<!--' (an HTML block)"),
    "html-comment-closed": (lambda t: "<!-- " + t + " -->", "'<!--' (an HTML block)"),
    "html-div": (lambda t: '<div hidden="">' + t, "'<div' (an HTML block)"),
    "html-comment-after-a-break": (
        lambda t: "Nota:\n<!--" + t,
        "'<!--' (an HTML block)",
    ),
    "heading": (lambda t: "# " + t, "'#' (a heading)"),
    "bullet": (lambda t: "- " + t, "'-' (a list item)"),
    "numbered": (lambda t: "1. " + t, "'1.' (a numbered list item)"),
    "block-quote": (lambda t: "> " + t, "'>' (a block quote)"),
    "fence": (lambda t: "```\n" + t, "'```' (a code fence)"),
    "reference-definition": (lambda t: "[nota]: " + t, "'[nota]:' (a link reference definition)"),
    "thematic-break-after-a-break": (lambda t: t + "\n***", "'***' (a thematic break)"),
}


@pytest.mark.parametrize(("change", "construct"), ESCAPED.values(), ids=ESCAPED.keys())
def test_a_caveat_whose_page_shows_escaped_markup_fails_check_at_its_entry(
    project, capsys, change, construct
):
    line = retranslate(project, change)
    status, out = check(project, capsys)
    assert status == 1
    expected = (
        f"locales/es/LC_MESSAGES/article.po:{line}: error: C050 es {CAVEAT}: markup the "
        f"English lacks had to be escaped, so the page shows it as text: {construct}"
    )
    assert expected in out.splitlines(), out


def test_a_caveat_whose_page_shows_escaped_markup_is_not_published(project, capsys):
    retranslate(project, lambda t: "<!--" + t)
    assert main(["-C", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert f"error: es not published: caveat(s) failing: {CAVEAT}" in err
    assert not (project / "build" / "es").exists()


def test_escaping_still_keeps_the_caveat_visible_on_the_page_it_refuses(project, capsys):
    """The gate refuses the page; the escaping that made it is unchanged (and shows the text)."""
    retranslate(project, lambda t: "<!--" + t)
    config = load_config(project)
    source = parse_source(config, "article")
    catalog = parse_po(es_catalog_path(project).read_bytes(), path="article.po")
    localized = localize_with(source, translations_of(catalog))
    assert "\n\\<!--Los pacientes" in localized.markdown
    assert "&lt;!--Los pacientes" in render_body(localized)
    (index,) = localized.escaped
    assert localized.source.units[index].message.caveat == CAVEAT


def test_a_non_caveat_string_is_escaped_and_published_without_a_finding(project, capsys):
    retranslate(
        project,
        lambda t: "<!--¿Qué son las UC-MSC?",
        caveat=None,
        msgid="What Are UC-MSCs?",
    )
    status, out = check(project, capsys)
    assert (status, out) == (0, "es: ok: all 5 caveat(s) pass\n")
    assert main(["-C", str(project), "build", "-q"]) == 0
    page = (project / "build" / "es" / "article.md").read_text(encoding="utf-8")
    assert "## <!--¿Qué son las UC-MSC?" in page  # a heading's text opens no block: as written


def test_a_faithful_caveat_with_a_line_break_passes(project, capsys):
    retranslate(project, lambda t: t.replace(" deben ", " deben\n", 1))
    assert check(project, capsys) == (0, "es: ok: all 5 caveat(s) pass\n")


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("1986\\. A great year.\n", "1986. Un gran año."),
        ("1986\\. A great year.\n", "1986\\. Un gran año."),
        ("\\# not a heading\n", "# no es un encabezado"),
        ("\\<!-- shown -->\n", "<!-- mostrado -->"),
        ("\\`\\`\\` not a fence\n", "``` no es un bloque"),
        ("Line one\\\n\\- not a list\n", "Línea uno\n- no es una lista"),
    ],
)
def test_markup_the_english_also_shows_as_text_is_no_finding(source, translation):
    """The English shows the marker as text too (its source escaped it): no debris it lacks."""
    document = parse_document(source)
    escaped: dict[int, tuple[str, ...]] = {}
    document.localize_units(lambda message: translation, escaped)
    assert escaped == {}
    document.localize_units(lambda message: "Texto.\n<div>", escaped)
    assert escaped == {0: ("'<div' (an HTML block)",)}
