"""The caveat gate: every way a caveat can be lost fails `check` and keeps `build` from publishing."""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from locpipe.cli import main
from locpipe.gate import _ASCII_DIGITS, _NOT_ALPHANUMERIC
from locpipe.pofile import encode_po, parse_po
from tests.conftest import ARTICLE_CAVEATS, es_catalog_path
from tests.markdown_html import FIXTURES

ROOT = Path(__file__).parent.parent
PROJECT = FIXTURES / "project"


@pytest.fixture
def project(es_article_project: Path) -> Path:
    """The article with a Spanish catalog whose caveats pass (see conftest)."""
    return es_article_project


catalog_path = es_catalog_path


def edit_caveat(project: Path, caveat: str, change) -> None:
    path = catalog_path(project)
    po = parse_po(path.read_bytes(), path="article.po")
    for entry in po.entries:
        if f"caveat: {caveat}" in entry.extracted_comments:
            change(po, entry)
    path.write_bytes(encode_po(po))


def check(project: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["-C", str(project), "check", *extra])
    return code, capsys.readouterr().out


def test_a_complete_translation_passes(project, capsys):
    code, out = check(project, capsys)
    assert (code, out) == (0, "es: ok: all 5 caveat(s) pass\n")


def _set(attribute, value):
    return lambda po, entry: setattr(entry, attribute, value)


def _replace(old, new):
    return lambda po, entry: setattr(entry, "msgstr", entry.msgstr.replace(old, new))


MUTATIONS = {
    "fuzzy": (
        "multiple-sessions",
        lambda po, e: e.flags.append("fuzzy"),
        "C003",
        "translation is fuzzy",
    ),
    "untranslated": ("multiple-sessions", _set("msgstr", ""), "C004", "untranslated"),
    "deleted": ("multiple-sessions", lambda po, e: po.entries.remove(e), "C001", "missing"),
    "obsolete": ("multiple-sessions", _set("obsolete", True), "C002", "obsolete"),
    "copied-english": (
        "multiple-sessions",
        lambda po, e: setattr(e, "msgstr", e.msgid),
        "C006",
        "English text copied",
    ),
    "term-removed": (
        "experimental-stage",
        _replace("experimental", "en pruebas"),
        "C007",
        "'experimental'",
    ),
    "link-added": (
        "consult-professional",
        _replace("profesional", "[profesional](https://x.example)"),
        "C008",
        "added link 'https://x.example'",
    ),
    "html-added": (
        "consult-professional",
        _replace("Los pacientes", "<b>Los</b> pacientes"),
        "C008",
        "added html",
    ),
    "number-added": (
        "multiple-sessions",
        _replace("varios tratamientos", "varios tratamientos (2)"),
        "C009",
        "numbers differ",
    ),
    "unclosed-emphasis": (
        "multiple-sessions",
        _replace("**Varias sesiones:**", "**Varias sesiones:"),
        "C011",
        "unbalanced markup",
    ),
    "hidden-text": (
        "consult-professional",
        _replace("Los pacientes", '<span style="display:none">Los pacientes</span>'),
        "C010",
        "not visible on the built page",
    ),
    "commented-out": (
        "conclusion-experimental",
        _replace(
            "todavía se encuentra en fases experimentales",
            "<!-- todavía se encuentra en fases experimentales -->",
        ),
        "C008",
        "added html '<!--",
    ),
}


@pytest.mark.parametrize(
    ("caveat", "change", "code", "message"), MUTATIONS.values(), ids=MUTATIONS.keys()
)
def test_a_lost_caveat_fails_the_check_with_its_rule(
    project, capsys, caveat, change, code, message
):
    edit_caveat(project, caveat, change)
    status, out = check(project, capsys)
    assert status == 1
    lines = [line for line in out.splitlines() if f" {code} es {caveat}: " in line]
    assert lines, out
    assert message in lines[0]
    assert re.match(
        r"^(locales/es/LC_MESSAGES/article\.po|source/article\.md|build/es/article\.html):\d+: ",
        lines[0],
    )
    assert out.splitlines()[-1].startswith("es: FAILED: ")


def test_a_changed_english_caveat_is_stale_until_updated(project, capsys):
    article = project / "source" / "article.md"
    article.write_text(
        article.read_text().replace("to achieve optimal\n  results", "to see results")
    )
    status, out = check(project, capsys)
    assert status == 1
    assert "C005 es multiple-sessions: stale" in out
    assert main(["-C", str(project), "update", "-q"]) == 0
    status, out = check(project, capsys)
    assert status == 1
    assert "C003 es multiple-sessions: translation is fuzzy" in out


def test_a_caveat_added_to_the_english_fails_until_translated(project, capsys):
    article = project / "source" / "article.md"
    article.write_text(
        article.read_text() + "\n<!-- caveat: new-warning -->\nDo not stop other treatments.\n"
    )
    registry = project / "source" / "caveats.toml"
    registry.write_text(
        registry.read_text()
        + '\n[new-warning]\ndescription = "x"\n[new-warning.terms]\nes = ["tratamientos"]\n'
    )
    status, out = check(project, capsys)
    assert status == 1
    assert re.search(r"^source/article\.md:\d+: error: C001 es new-warning: ", out, re.MULTILINE)


def test_a_locale_without_a_catalog_fails_every_caveat(project, capsys):
    (project / "pyproject.toml").write_text('[tool.locpipe]\ntarget-locales = ["es", "fr"]\n')
    registry = project / "source" / "caveats.toml"
    text = registry.read_text()
    for caveat in ARTICLE_CAVEATS:
        text = text.replace(f"[{caveat}.terms]\n", f'[{caveat}.terms]\nfr = ["x"]\n')
    registry.write_text(text)
    status, out = check(project, capsys)
    assert status == 1
    assert sorted(re.findall(r"C001 fr (\S+):", out)) == sorted(ARTICLE_CAVEATS)


@pytest.mark.parametrize(
    ("registry_change", "message"),
    [
        (
            lambda t: t.replace("[multiple-sessions]", "[other-id]").replace(
                "[multiple-sessions.terms]", "[other-id.terms]"
            ),
            "caveat 'multiple-sessions' has no entry in source/caveats.toml",
        ),
        (
            lambda t: t + '\n[unused]\ndescription = "x"\n',
            "registered caveat 'unused' is not marked",
        ),
    ],
    ids=["caveat-not-registered", "registered-not-in-source"],
)
def test_registry_and_sources_must_agree(project, capsys, registry_change, message):
    registry = project / "source" / "caveats.toml"
    registry.write_text(registry_change(registry.read_text()))
    assert main(["-C", str(project), "check"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert re.match(r"^source/(article\.md|caveats\.toml):\d+: error: ", err)


def test_a_locale_without_registered_terms_fails_alone_naming_every_caveat(project, capsys):
    # French is added (a complete copy of the Spanish catalog) but the registry has no French
    # terms: French fails with one finding per caveat, in one run; Spanish still passes.
    french = project / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    french.parent.mkdir(parents=True)
    shutil.copy(catalog_path(project), french)
    status, out = check(project, capsys)
    assert status == 1
    unregistered = re.findall(r"^source/caveats\.toml:\d+: error: C055 fr ([\w-]+): ", out, re.M)
    assert unregistered == ARTICLE_CAVEATS
    assert "es: ok: all 5 caveat(s) pass" in out
    assert main(["-C", str(project), "check", "--locale", "es"]) == 0
    assert main(["-C", str(project), "build", "-q"]) == 1
    assert (project / "build" / "es" / "article.html").is_file()
    assert not (project / "build" / "fr").exists()


def test_report_formats(project, capsys):
    edit_caveat(project, "multiple-sessions", lambda po, e: e.flags.append("fuzzy"))
    status, out = check(project, capsys, "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["passed"] is False
    assert data["findings"][0]["code"] == "C003"
    assert data["locales"]["es"]["caveats"] == ARTICLE_CAVEATS
    status, out = check(project, capsys, "--format", "junit")
    suite = ET.fromstring(out)
    cases = suite.findall(".//testcase")
    assert len(cases) == 6  # one per caveat, and one for untrusted markup
    assert [c.get("name") for c in cases if c.find("failure") is not None] == [
        "es multiple-sessions"
    ]
    status, out = check(project, capsys, "--format", "github")
    assert out.startswith("::error file=locales/es/LC_MESSAGES/article.po,line=")
    assert "title=C003 es multiple-sessions::translation is fuzzy" in out


def test_build_publishes_passing_locales_and_withholds_failing_ones(project, capsys):
    assert main(["-C", str(project), "build", "-q"]) == 0
    assert (project / "build" / "es" / "article.html").is_file()
    html = (project / "build" / "es" / "article.html").read_text()
    assert '<html lang="es" dir="ltr">' in html
    assert html.count('role="note"') == 5
    edit_caveat(project, "consult-professional", _set("msgstr", ""))
    assert main(["-C", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert "error: es not published: caveat(s) failing: consult-professional" in err
    assert not (project / "build" / "es").exists()  # nothing left from the earlier build
    assert (project / "build" / "en" / "article.html").is_file()
    assert (
        "es"
        not in (project / "build" / "en" / "article.html").read_text().split("hreflang=")[1][:5]
    )


def test_a_failed_build_leaves_the_previous_build_as_it_was(project, monkeypatch):
    assert main(["-C", str(project), "build", "-q"]) == 0
    before = {p: p.read_bytes() for p in (project / "build").rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("locpipe.build._write_index", broken)
    # A real change, so the build has something to write (an unchanged build writes nothing).
    edit_caveat(project, "multiple-sessions", lambda po, e: e.translator_comments.append("ok"))
    assert main(["-C", str(project), "build", "-q"]) == 2
    after = {p: p.read_bytes() for p in (project / "build").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith(".build-")]


def test_non_caveat_fallbacks_are_marked_english_and_reported(project):
    assert main(["-C", str(project), "build", "-q"]) == 0
    html = (project / "build" / "es" / "article.html").read_text()
    # (the page keeps the hyphenated abbreviation on one line: a span of class "term")
    assert '<span lang="en">What Are <span class="term">UC-MSCs</span>?</span>' in html
    missing = json.loads((project / "build" / "es" / "missing.json").read_text())
    assert "source/article.md:16" in missing["article"]


def test_a_caveat_with_a_reference_link_is_seen_on_the_page(project, capsys):
    article = project / "source" / "article.md"
    text = article.read_text(encoding="utf-8").replace(
        "with a qualified medical\nprofessional", "with a [qualified medical\nprofessional][nhs]"
    )
    article.write_text(text + "\n[nhs]: https://www.example.org/doctors\n", encoding="utf-8")
    assert main(["-C", str(project), "update", "-q"]) == 0
    edit_caveat(
        project,
        "consult-professional",
        lambda po, e: (
            setattr(
                e,
                "msgstr",
                e.msgstr.replace(
                    "un profesional médico cualificado", "un [profesional médico cualificado][nhs]"
                ),
            ),
            e.flags.remove("fuzzy") if "fuzzy" in e.flags else None,
            # A PO editor drops the #| lines with the fuzzy flag (else: C040, stale).
            setattr(e, "previous_msgid", None),
        ),
    )
    code, out = check(project, capsys)
    assert "C010" not in out, out
    assert code == 0, out


def test_digits_and_letters_of_every_character_are_read_as_python_defines_them():
    """The gate's fast tables agree with ``str.isdigit``/``unicodedata.digit`` (C009) and
    ``str.isalnum`` (C006) on every code point."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        digit = str(unicodedata.digit(char)) if char.isdigit() else char
        assert char.translate(_ASCII_DIGITS) == digit, hex(code)
        assert (_NOT_ALPHANUMERIC.sub("", char) == char) == char.isalnum(), hex(code)


def test_raw_html_that_hides_the_whole_page_fails_every_caveat(project, capsys):
    """An "<html hidden>" anywhere gives the page's root element that attribute (as a browser
    builds the page): no caveat is visible, and the gate says so for each, without a crash."""
    article = project / "source" / "article.md"
    article.write_text(article.read_text() + "\n<html hidden>\n")
    status, out = check(project, capsys)
    assert status == 1
    hidden = [line for line in out.splitlines() if " C010 es " in line]
    assert len(hidden) == len(ARTICLE_CAVEATS), out


@pytest.mark.parametrize("style", ["json", "junit", "github", "text"])
def test_a_broken_catalog_is_reported_in_every_format_with_exit_2(project, capsys, style):
    path = catalog_path(project)
    path.write_bytes(path.read_bytes().replace(b'msgid "', b'msgid "\\q', 1))
    assert main(["-C", str(project), "check", "--format", style]) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert re.match(r"^locales/es/LC_MESSAGES/article\.po:\d+: error: ", error), error
    line = int(error.split(":")[1])
    if style == "json":
        data = json.loads(captured.out)
        assert data["passed"] is False
        assert data["error"]["path"] == "locales/es/LC_MESSAGES/article.po"
        assert data["error"]["line"] == line
    elif style == "junit":
        suite = ET.fromstring(captured.out)
        assert suite.get("errors") == "1"
        failure = suite.find("./testsuite/testcase/error")
        assert failure is not None and f"article.po:{line}: error:" in (failure.text or "")
    elif style == "github":
        assert captured.out.startswith(
            f"::error file=locales/es/LC_MESSAGES/article.po,line={line}::"
        )
    else:
        assert captured.out == ""


def test_github_annotations_escape_what_would_end_a_property(project, capsys):
    from locpipe.gate import Finding, Report
    from locpipe.reports import format_report

    report = Report(
        {"es": ["x"]}, [Finding("C004", "es", "x", "a,b:c.po", 3, "caveat\nuntranslated")]
    )
    out = format_report(report, "github")
    assert out == "::error file=a%2Cb%3Ac.po,line=3,title=C004 es x::caveat%0Auntranslated\n"
