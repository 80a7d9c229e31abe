"""The templates' own strings are untrusted too: a hostile ``ui.po`` fails the gate, and never
reaches a page, even when the gate is bypassed.

Each payload goes into every string of the Spanish ``ui`` catalog (the shipped translation, so
everything else about the catalog is right) of the hostile project of ``test_hostile.py``.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from locpipe import gate
from locpipe.cli import main
from locpipe.pofile import PoFile, encode_po, parse_po
from tests.conftest import ROOT, spanish_project
from tests.markdown_html import FIXTURES
from tests.test_hostile import markup

HOSTILE = FIXTURES / "hostile"
UI = "locales/es/LC_MESSAGES/ui.po"

#: name → (what is appended to every translation, the rules that must catch it)
UI_PAYLOADS: dict[str, tuple[str, str]] = {
    "script": ("<script>alert(1)</script>", "C016"),
    "attribute-breakout": ('Idioma" onmouseover="alert(1)', "C016"),
    "single-quote-breakout": ("' autofocus onfocus='alert(1)", "C016"),
    "tag-end-breakout": ('">Idioma<img src=x>', "C016"),
    "entity-tag": ("&lt;img src=x onerror=alert(1)&gt;", "C016"),
    "numeric-entity-tag": ("&#60;svg onload=alert(1)&#62;", "C016"),
    "fullwidth-tag": ("＜script＞alert(1)＜/script＞", "C016"),
    "javascript-link": ('<a href="javascript:alert(1)">x</a>', "C016 C017"),
    "javascript-text": ("javascript:alert(1)", "C017"),
    "mixed-case-scheme": ("JaVaScRiPt:alert(1)", "C017"),
    "tab-in-scheme": ("jav&#x09;ascript:alert(1)", "C017"),
    "entity-scheme": ("&#106;avascript:alert(1)", "C017"),
    "percent-scheme": ("%6Aavascript:alert(1)", "C017"),
    "fullwidth-scheme": ("ｊａｖａｓｃｒｉｐｔ：alert(1)", "C017"),
    "data-url": ("data:text/html;base64,PHNjcmlwdD4=", "C017"),
    "vbscript-url": ("vbscript:msgbox(1)", "C017"),
    "meta-refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "C016 C017",
    ),
    "base": ('<base href="https://evil.example/">', "C016 C017"),
    "style": ("<style>[data-caveat]{display:none}</style>", "C016"),
    "style-attribute": ('x" style="display:none', "C016"),
    "foreign-link": ("https://evil.example/", "C017"),
    "bare-domain": ("evil.example", "C017"),
    "protocol-relative": ("//evil.example/x", "C017"),
    "homograph-domain": ("еvil.example", "C017"),  # a Cyrillic е
    "jinja-expression": ('{{ "pwn" ~ "ed" }}', "C018"),
    "jinja-statement": ("{% include 'page.html' %}", "C018"),
    "jinja-comment": ("{# hidden #}", "C018"),
}

payloads = pytest.mark.parametrize(
    ("payload", "codes"), UI_PAYLOADS.values(), ids=list(UI_PAYLOADS)
)


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    """The hostile article's project, with the shipped Spanish ui catalog merged in."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    project = spanish_project(
        tmp_path,
        article=HOSTILE / "article.md",
        caveats=HOSTILE / "caveats.toml",
        catalog=HOSTILE / "article-es.po",
    )
    shutil.copy(ROOT / "locales" / "es" / "LC_MESSAGES" / "ui.po", project / UI)
    assert main(["-C", str(project), "update", "-q"]) == 0
    return project


def read_ui(project: Path) -> PoFile:
    return parse_po((project / UI).read_bytes(), path=UI)


def poison(project: Path, payload: str) -> PoFile:
    """``payload`` appended to every translation of the ui catalog; the catalog, as read back."""
    catalog = read_ui(project)
    for entry in catalog.entries:
        if entry.msgid_plural is None:
            entry.msgstr += f" {payload}"
        else:
            entry.msgstr_plural = {
                n: f"{form} {payload}" for n, form in entry.msgstr_plural.items()
            }
    (project / UI).write_bytes(encode_po(catalog))
    return read_ui(project)


def build_files(project: Path) -> dict[str, str]:
    return {
        path.relative_to(project / "build").as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((project / "build").rglob("*"))
        if path.is_file()
    }


def test_the_shipped_ui_translation_passes_and_is_shown(hostile, capsys):
    assert main(["-C", str(hostile), "check"]) == 0
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    page = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    assert "<span>Leer esta página en:</span>" in page


@payloads
def test_check_refuses_the_payload_in_every_ui_string(hostile, capsys, payload, codes):
    catalog = poison(hostile, payload)
    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out
    live = [entry for entry in catalog.entries if not entry.obsolete]  # #~ entries never ship
    for entry in live:
        for code in codes.split():
            assert f"{UI}:{entry.line}: error: {code} es -: " in out, (entry.msgid, code, out)
    assert out.splitlines()[-1] == f"es: FAILED: untrusted markup in {len(live)} translation(s)"


@payloads
def test_build_publishes_nothing_of_a_hostile_ui_catalog(hostile, capsys, payload, codes):
    poison(hostile, payload)
    assert main(["-C", str(hostile), "build"]) == 1
    err = capsys.readouterr().err
    assert f"{UI}:" in err
    assert "error: es not published: caveat(s) failing: untrusted-markup" in err
    assert not (hostile / "build" / "es").exists()
    for name, text in build_files(hostile).items():
        assert payload not in text, name
        assert "Idioma" not in text and "alert(1)" not in text, name


def _shape(page: str) -> tuple[Counter[str], set[tuple[str, str]], int]:
    """What a page is made of, apart from text: its tags (counted), its (tag, attribute) pairs,
    and how many comments it has."""
    found = markup(page)
    tags = Counter(re.findall(r"<\s*([a-zA-Z][^\s/>]*)", page))
    return tags, {(tag, name) for tag, name, _ in found.attributes}, len(found.comments)


@payloads
def test_without_the_gate_a_ui_translation_is_only_text(hostile, monkeypatch, payload, codes):
    """The gate bypassed, the page has the clean page's tags, attributes and comments exactly:
    no script, handler, stylesheet, base, refresh, foreign URL or template output."""
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    clean = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    poison(hostile, payload)
    monkeypatch.setattr(gate, "check_ui", lambda *args: [])
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    page = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    assert page != clean  # the translation is there, as text
    assert _shape(page) == _shape(clean)
    urls = [
        value
        for _, name, value in markup(page).attributes
        if name in ("href", "src", "action", "content")
    ]
    assert urls == [
        v for _, n, v in markup(clean).attributes if n in ("href", "src", "action", "content")
    ]
    assert "pwned" not in page  # a template expression in a translation is never evaluated
    assert page.count("<style") == clean.count("<style")


# --- the rules, one pair of strings at a time ----------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgstr", "codes"),
    [
        ("Read this page in:", "Leer esta página en:", ""),
        ("Language", "Idioma", ""),
        ("Last updated:", "Dernière mise à jour :", ""),
        ("Languages", "Sprachen, z.B. Deutsch, d.h. „Sprache“", ""),
        ("Languages", 'Idiomas, p.ej. «español», l\'anglais, "inglés"', ""),
        ("%(translated)s of %(count)s", "%(translated)s de %(count)s (100 %%)", ""),
        ("Not published", "Sin publicar: 1.5 versión 2.0", ""),
        ("Languages", "語言：中文", ""),
        ("See example.org", "Vea example.org", ""),
        ("Languages", "Idiomas <b>", "C016"),
        ("Languages", "Idiomas <!-- x -->", "C016"),
        ("Languages", 'Idiomas"/>', "C016"),
        ("Languages", "Idiomas &amp;lt;b&amp;gt;", "C016"),
        ("Languages", "Idiomas onclick=alert(1)", "C016"),
        ("Languages", "Idiomas https://evil.example", "C017"),
        ("Languages", "Idiomas www.evil.example", "C017"),
        ("Languages", "Idiomas evil.example", "C017"),
        ("See example.org", "Vea example.org y evil.example", "C017"),
        ("Languages", "Idiomas mailto:x@evil.example", "C017"),
        ("Languages", "Idiomas {{ x }}", "C018"),
        ("Languages", "Idiomas &#123;&#123; x }}", "C018"),
        ("Languages", "Idiomas {%", "C018"),
    ],
)
def test_ui_rules(msgid, msgstr, codes):
    """Exactly the rules named fail: obfuscations are seen through, ordinary prose is not."""
    failed = [code for code, rule in gate.UI_RULES if rule("es", msgid, msgstr, None) is not None]
    assert failed == codes.split()


def test_every_ui_rule_has_a_title_and_counts_as_untrusted():
    for code, _ in gate.UI_RULES:
        assert re.fullmatch(r"[a-z][^\n]+", gate.RULES[code]), code
        assert code in gate.UNTRUSTED_CODES
    assert gate.EXTRA_PLURAL_FORMS in gate.UNTRUSTED_CODES


# --- counts, plural forms, charsets --------------------------------------------------------------


def test_one_trusted_tag_does_not_allow_ten_thousand():
    msgid = "First line<br>second line"
    assert gate.added_html("es", msgid, "Primera línea<br>segunda línea", None) is None
    flood = "Primera línea" + "<br>" * 10_000 + "segunda línea"
    assert gate.added_html("es", msgid, flood, None) == "raw HTML not in the English: '<br>'"
    assert gate.added_html("es", msgid, "Primera<br>línea<br>segunda", None) is not None


def test_a_repeated_source_tag_fails_the_check(hostile, capsys):
    def change(catalog: PoFile) -> None:
        (entry,) = [e for e in catalog.entries if e.msgid.startswith("The <abbr")]
        entry.msgstr = entry.msgstr.replace("</abbr>", "</abbr>" * 10_000)

    path = hostile / "locales" / "es" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path="article.po")
    change(catalog)
    path.write_bytes(encode_po(catalog))
    assert main(["-C", str(hostile), "check"]) == 1
    assert " C012 es -: raw HTML not in the English: '</abbr>'" in capsys.readouterr().out


def test_a_plural_form_beyond_the_declared_nplurals_is_refused(hostile, capsys):
    catalog = read_ui(hostile)
    declared = dict(catalog.header_fields())["Plural-Forms"]
    assert re.match(r"nplurals=2;", declared)
    entry = next(e for e in catalog.entries if e.msgid_plural is not None)
    entry.msgstr_plural = {n: entry.msgstr_plural[min(n, 1)] for n in range(6)}  # msgstr[0..5]
    (hostile / UI).write_bytes(encode_po(catalog))
    line = read_ui(hostile).entries[catalog.entries.index(entry)].line
    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out
    forms = "msgstr[2], msgstr[3], msgstr[4], msgstr[5]"
    assert f"{UI}:{line}: error: C019 es -: {forms} beyond the catalog's nplurals=2\n" in out
    assert main(["-C", str(hostile), "build", "-q"]) == 1
    assert not (hostile / "build" / "es").exists()


def test_a_charset_that_does_not_decode_the_catalog_is_an_error(hostile, capsys):
    text = (hostile / UI).read_bytes()
    assert b"charset=UTF-8" in text and "á".encode() in text
    (hostile / UI).write_bytes(text.replace(b"charset=UTF-8", b"charset=ASCII"))
    assert main(["-C", str(hostile), "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.fullmatch(
        rf"{UI}:\d+: error: byte 0xc3 is invalid in the declared charset ascii", err
    )
