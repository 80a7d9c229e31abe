"""The shipped translations: every published language passes the gate, and losing any one
caveat translation in any one of them fails the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from locpipe.catalog import caveat_of
from locpipe.cli import main
from locpipe.pofile import encode_po, parse_po
from tests.conftest import ARTICLE_CAVEATS

ROOT = Path(__file__).parent.parent
LOCALES = ["es", "fr", "de", "pt_BR", "zh_Hans", "ar", "ja", "ru", "hi", "he"]


def test_every_shipped_language_is_complete_and_passes_the_gate(repository, capsys):
    assert main(["-C", str(repository), "check"]) == 0
    out = capsys.readouterr().out
    for locale in LOCALES:
        assert f"{locale}: ok: all 5 caveat(s) pass" in out
    assert main(["-C", str(repository), "stats", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["locale"], r["document"]) for r in rows} == {
        (locale, doc) for locale in LOCALES for doc in ("article", "ui")
    }
    assert all(r["translated"] == r["total"] and r["fuzzy"] == 0 for r in rows)


def test_headers_are_complete(repository):
    for locale in LOCALES:
        for domain in ("article", "ui"):
            path = repository / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"
            fields = dict(parse_po(path.read_bytes(), path=str(path)).header_fields())
            assert fields["Language"] == locale
            assert fields["Last-Translator"] == "locpipe contributors"
            assert fields["Language-Team"]
            assert fields["Plural-Forms"].startswith("nplurals=")
            assert "charset=UTF-8" in fields["Content-Type"]


@pytest.mark.parametrize("caveat", ARTICLE_CAVEATS)
@pytest.mark.parametrize("locale", LOCALES)
def test_removing_one_caveat_translation_fails_the_build(repository, locale, caveat, capsys):
    path = repository / "locales" / locale / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path=str(path))
    (entry,) = [e for e in catalog.entries if caveat_of(e) == caveat]
    entry.msgstr = ""
    path.write_bytes(encode_po(catalog))
    assert main(["-C", str(repository), "build", "-q"]) == 1
    err = capsys.readouterr().err
    assert f"C004 {locale} {caveat}: caveat is untranslated" in err
    assert f"error: {locale} not published" in err
    assert not (repository / "build" / locale).exists()
    others = [other for other in LOCALES if other != locale]
    assert all((repository / "build" / other / "article.html").is_file() for other in others)


def test_arabic_pages_are_right_to_left_with_isolated_latin_runs(repository):
    assert main(["-C", str(repository), "build", "-q"]) == 0
    html = (repository / "build" / "ar" / "article.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<bdi dir="ltr" class="term">UC-MSC</bdi>' in html  # isolated, and kept whole
    assert "اقرأ هذه الصفحة بـ:" in html  # the ui domain, in Arabic
    assert "Read this page in:" not in html
    assert "٢٠٢٦" in html or "2026" in html  # the date, formatted by Babel for ar
