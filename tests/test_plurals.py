"""Plural forms: a catalog's declared rule is the truth for it; a new catalog's rule is ours.

Whatever Babel is installed (CLDR 42 gave French, Spanish, Italian and Portuguese a third form
for exact millions), the shipped catalogs compile, their pages use the forms their translators
wrote, and ``init`` writes the same header.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locpipe import plurals
from locpipe.cli import main
from locpipe.errors import CatalogError
from locpipe.plurals import (
    GETTEXT_PLURAL_FORMS,
    PluralForms,
    catalog_plural_forms,
    default_plural_forms,
    parse_plural_forms,
)
from locpipe.pofile import parse_po
from tests.conftest import ROOT

SHIPPED = sorted(  # not the pseudo-locale `nox -s browser` writes (git ignores it)
    path
    for path in (ROOT / "locales").glob("*/LC_MESSAGES/*.po")
    if path.parent.parent.name != "en_XA"
)


@pytest.mark.parametrize("language", sorted(GETTEXT_PLURAL_FORMS))
def test_every_rule_of_the_table_is_a_valid_gettext_rule(language: str) -> None:
    rule = parse_plural_forms(GETTEXT_PLURAL_FORMS[language])
    assert rule is not None
    assert rule.header == GETTEXT_PLURAL_FORMS[language]
    assert {rule.index()(n) for n in range(200)} == set(range(rule.count))  # every form is used


@pytest.mark.parametrize(
    "header",
    [
        "nplurals=2; plural=n+5;",  # a form out of range
        "nplurals=2; plural=(n > 1)",  # fine without the final ";" ...
        "nplurals=0; plural=0;",
        "nplurals=2; plural=__import__('os').system('true');",
        "nplurals=2; plural=n / 0;",
        "nplurals=two; plural=(n != 1);",
        "plural=(n != 1);",
        "",
    ],
)
def test_a_rule_that_gettext_could_not_use_is_refused(header: str) -> None:
    if header == "nplurals=2; plural=(n > 1)":
        assert parse_plural_forms(header) == PluralForms(2, "(n > 1)")
    else:
        assert parse_plural_forms(header) is None


@pytest.mark.parametrize(
    ("count", "form"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5), (111, 4)],
)
def test_arabic_counts_take_the_form_the_shipped_catalogs_wrote_for_them(
    count: int, form: int
) -> None:
    # msgstr[4] of the Arabic catalogs is the accusative singular (11-99), msgstr[5] the
    # genitive (100, 101, 102...): CLDR's "many" and "other".
    assert default_plural_forms("ar").index()(count) == form


@pytest.mark.parametrize(
    ("locale", "header"),
    [
        ("es", "nplurals=2; plural=(n != 1);"),
        ("it", "nplurals=2; plural=(n != 1);"),
        ("fr", "nplurals=2; plural=(n > 1);"),
        ("pt_BR", "nplurals=2; plural=(n > 1);"),
        ("pt", "nplurals=2; plural=(n != 1);"),
        ("de", "nplurals=2; plural=(n != 1);"),
        ("zh_Hans", "nplurals=1; plural=0;"),
        ("ja", "nplurals=1; plural=0;"),
        ("en_XA", "nplurals=2; plural=(n != 1);"),
    ],
)
def test_init_writes_the_tables_rule_whatever_babel_says(
    project, monkeypatch: pytest.MonkeyPatch, locale: str, header: str
) -> None:
    class Millions:  # what Babel 2.19 says for es/fr/it/pt: a third, "many" form
        num_plurals = 3
        plural_expr = "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)"

    monkeypatch.setattr(plurals, "get_plural", lambda language: Millions)
    project.write("source/article.md", "# Title\n\nText.\n")
    project.ok("extract")
    project.ok("init", locale.replace("_", "-"))
    text = project.catalog_path(locale).read_text(encoding="utf-8")
    assert f'"Plural-Forms: {header}\\n"' in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_shipped_catalog_declares_a_rule_its_plural_entries_follow(path: Path) -> None:
    catalog = parse_po(path.read_bytes(), path=path.name)
    rule = catalog_plural_forms(catalog, path.parent.parent.name, path=path.name)
    for entry in catalog.entries:
        if entry.msgid_plural is not None and not entry.obsolete:
            assert sorted(entry.msgstr_plural) == list(range(rule.count))


def test_the_shipped_catalogs_compile(repository: Path, capsys) -> None:
    assert main(["-C", str(repository), "compile", "-q"]) == 0, capsys.readouterr().err
    assert len(list(repository.glob("locales/*/LC_MESSAGES/*.mo"))) == len(SHIPPED)


def _english_fragments(msgid: str) -> list[str]:
    """The literal pieces of a ui msgid a page would show if it fell back to English."""
    return [piece.strip() for piece in re.split(r"%\(\w+\)s", msgid) if len(piece.strip()) > 6]


def test_no_localized_page_shows_an_english_ui_string_its_catalog_translates(
    repository: Path, capsys
) -> None:
    assert main(["-C", str(repository), "build", "-q"]) == 0, capsys.readouterr().err
    checked = 0
    for ui in sorted(repository.glob("locales/*/LC_MESSAGES/ui.po")):
        locale = ui.parent.parent.name
        page = (repository / "build" / locale / "article.html").read_text(encoding="utf-8")
        for entry in parse_po(ui.read_bytes(), path="ui.po").entries:
            if not entry.translated():
                continue
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                for fragment in _english_fragments(msgid):
                    assert fragment not in page, (locale, fragment)
                    checked += 1
    assert checked > 50


def test_a_declared_rule_that_contradicts_the_language_names_the_header_line() -> None:
    catalog = parse_po(
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        b'"Plural-Forms: nplurals=1; plural=0;\\n"\n',
        path="ui.po",
    )
    with pytest.raises(CatalogError, match=r"^ui\.po:1: error: Plural-Forms header .* contradicts"):
        catalog_plural_forms(catalog, "fr", path="ui.po")
