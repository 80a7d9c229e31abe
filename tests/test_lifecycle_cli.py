"""The catalog lifecycle through the command line: extract, init, update, compile, stats.

Every test builds its own project under ``tmp_path`` (see the ``project`` fixture) and runs
``locpipe.cli.main`` in-process, except a few that run a real ``python -m locpipe.cli`` to prove
what a user's terminal shows. GNU gettext 0.21 is the reference: a test that needs one of its
tools fails (never skips) when the tool is missing.
"""

from __future__ import annotations

import gettext as pygettext
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from locpipe import __version__, extract
from locpipe.plurals import default_plural_forms
from locpipe.pofile import PoEntry, PoFile, parse_po
from tests.conftest import EPOCH, Gettext, Project

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
EPOCH_DATE = "2023-11-14 22:13+0000"
#: ``path:line: error: message``; ``path: error:`` for a whole file; ``error:`` for an argument.
ERROR_LINE = re.compile(r"^(?:(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?: )?error: (?P<message>.+)$")
TITLE = "UC-MSC Stem Cell Therapy for Scalp Psoriasis"


def one_error_line(err: str) -> re.Match[str]:
    """The single ``path[:line]: error: message`` line a failed command must print."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    match = ERROR_LINE.match(lines[0])
    assert match is not None, err
    return match


def state(entry: PoEntry) -> str:
    if entry.obsolete:
        return "obsolete"
    if entry.fuzzy and entry.msgstr:
        return "fuzzy"
    return "translated" if entry.msgstr else "untranslated"


def states(po: PoFile) -> dict[tuple[str | None, str, bool], str]:
    return {(e.msgctxt, e.msgid, e.obsolete): state(e) for e in po.entries}


def leaflet_project(project: Project, locale: str = "fr") -> Project:
    """The leaflet (fixtures/catalog/leaflet-v1.md), translated but for one sentence."""
    (project.path("source") / "article.md").unlink()
    shutil.copyfile(FIXTURES / "leaflet-v1.md", project.path("source/leaflet.md"))
    project.ok("init", locale)

    def translate(catalog: PoFile) -> None:
        for entry in catalog.entries:
            if not entry.msgid.startswith("A sentence nobody"):
                entry.msgstr = f"FR {entry.msgid}"
        catalog.entries[1].translator_comments.append("Reviewed by the pharmacist.")

    project.edit_catalog(locale, translate, "leaflet")
    return project


def small_project(project: Project, markdown: str, locale: str = "fr") -> Project:
    """``project`` with one document, ``source/doc.md``, and a catalog for ``locale``."""
    (project.path("source") / "article.md").unlink()
    project.write("source/doc.md", markdown)
    project.ok("init", locale)
    return project


# --- the command line ----------------------------------------------------------------------------


def test_version(project: Project) -> None:
    result = project.run("--version")
    assert (result.code, result.out.strip()) == (0, f"locpipe {__version__}")


@pytest.mark.parametrize("command", ["extract", "init", "update", "compile", "stats"])
def test_every_command_has_help(project: Project, command: str) -> None:
    result = project.run(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: locpipe {command}")
    assert sorted(project.files()) == ["source/article.md"]


def test_no_command_shows_the_commands_and_fails(project: Project) -> None:
    result = project.run()
    assert result.code == 2
    for command in ("extract", "init", "update", "compile", "stats"):
        assert command in result.err


# --- configuration -------------------------------------------------------------------------------


def test_defaults_need_no_configuration(project: Project) -> None:
    assert not project.path("pyproject.toml").exists()
    project.ok("extract")
    project.ok("init", "fr")
    assert project.template_path().is_file()
    assert project.catalog_path("fr").is_file()


def test_every_configuration_key_is_honoured(project: Project) -> None:
    project.write(
        "pyproject.toml",
        '[tool.locpipe]\nsource = "docs"\nlocales = "l10n"\nbuild = "site"\n'
        'source-locale = "en"\ntarget-locales = ["fr", "pt-br"]\nflavor = "commonmark"\n',
    )
    project.write("docs/guide.md", "# Guide\n\n| not | a table in CommonMark |\n|---|---|\n")
    project.ok("update")
    assert sorted(p.relative_to(project.root).as_posix() for p in project.root.rglob("*.po*")) == [
        "l10n/fr/LC_MESSAGES/guide.po",
        "l10n/fr/LC_MESSAGES/ui.po",
        "l10n/guide.pot",
        "l10n/pt_BR/LC_MESSAGES/guide.po",
        "l10n/pt_BR/LC_MESSAGES/ui.po",
        "l10n/ui.pot",
    ]
    template = parse_po(project.path("l10n/guide.pot").read_bytes(), path="guide.pot")
    # CommonMark has no tables: the "table" is one paragraph.
    assert [e.extracted_comments[0] for e in template.entries] == ["heading level 1", "paragraph"]


def test_an_unknown_configuration_key_is_an_error_naming_it(project: Project) -> None:
    project.write("pyproject.toml", '[tool.locpipe]\nsources = "docs"\n')
    before = project.files()
    result = project.run("extract")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == "pyproject.toml"
    assert "unknown key(s) in [tool.locpipe]: sources" in error["message"]
    assert project.files() == before


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ('flavor = "rst"', "flavor must be 'gfm' or 'commonmark'"),
        ('source = "../elsewhere"', "is outside the project"),
        ('locales = ""', "locales must be a folder name"),
        ('target-locales = "fr"', "target-locales must be a list"),
        ('target-locales = ["xx_YY"]', "unknown locale code 'xx_YY'"),
        ('source-locale = "../en"', "invalid locale code '../en'"),
    ],
)
def test_a_bad_configuration_value_is_an_error(
    project: Project, setting: str, complaint: str
) -> None:
    project.write("pyproject.toml", f"[tool.locpipe]\n{setting}\n")
    before = project.files()
    result = project.run("update")
    assert result.code == 2
    assert complaint in one_error_line(result.err)["message"]
    assert project.files() == before


def test_a_pyproject_without_a_tool_table_is_no_configuration(project: Project) -> None:
    project.write("pyproject.toml", 'tool = "not a table"\n[project]\nname = "x"\n')
    project.ok("extract")


# --- extract -------------------------------------------------------------------------------------


def test_extract_writes_one_template_per_document_and_nothing_else(project: Project) -> None:
    project.write("source/guide/intro.md", "# Intro\n")
    result = project.ok("extract")
    # One per document, and ui.pot: the page templates' own strings.
    assert sorted(project.files()) == [
        "locales/article.pot",
        "locales/guide/intro.pot",
        "locales/ui.pot",
        "source/article.md",
        "source/guide/intro.md",
    ]
    assert "locales/article.pot: written" in result.err


def test_a_template_holds_every_message_in_source_order(project: Project) -> None:
    project.ok("extract")
    messages = extract(project.path("source/article.md").read_text(), path="source/article.md")
    template = project.template()
    assert [e.msgid for e in template.entries] == list(dict.fromkeys(m.msgid for m in messages))
    assert [e.references for e in template.entries[:2]] == [
        ["source/article.md:5"],
        ["source/article.md:7"],
    ]
    assert all(e.msgstr == "" for e in template.entries)


def test_a_template_says_what_kind_of_block_each_message_is(project: Project) -> None:
    project.ok("extract")
    kinds = {e.msgid: e.extracted_comments[0] for e in project.template().entries}
    assert kinds[TITLE] == "heading level 1"
    assert kinds["What Are UC-MSCs?"] == "heading level 2"
    assert kinds["**Immune System Regulation:**"] == "list item"
    assert kinds[next(k for k in kinds if k.startswith("Scalp psoriasis is a chronic"))] == (
        "paragraph"
    )


def test_a_caveat_carries_its_id_the_translator_note_and_the_publishing_rule(
    project: Project,
) -> None:
    project.ok("extract")
    text = project.template_path().read_text(encoding="utf-8")
    assert (
        "#. list item\n"
        "#. Safety caveat. Keep both facts at full strength: the therapy is still experimental, "
        "and it is not widely available.\n"
        "#. caveat: experimental-stage\n"
        "#. Required safety caveat: translate its full meaning, never soften it. locpipe checks "
        "this translation before any page is published.\n"
        "#: source/article.md:59\n"
    ) in text
    caveat_ids = [
        c.removeprefix("caveat: ")
        for e in project.template().entries
        for c in e.extracted_comments
        if c.startswith("caveat: ")
    ]
    assert caveat_ids == [
        "experimental-stage",
        "multiple-sessions",
        "availability-regulatory",
        "conclusion-experimental",
        "consult-professional",
    ]


def test_a_template_has_msgctxt_where_the_source_sets_a_context(project: Project) -> None:
    project.write("source/doc.md", "Dose\n\n<!-- l10n: context table header -->\nDose\n")
    project.ok("extract")
    assert 'msgctxt "table header"\nmsgid "Dose"\n' in project.template_path("doc").read_text()
    assert [(e.msgctxt, e.msgid) for e in project.template("doc").entries] == [
        (None, "Dose"),
        ("table header", "Dose"),
    ]


def test_a_template_header_is_complete(project: Project) -> None:
    project.ok("extract")
    head = project.template_path().read_text(encoding="utf-8").split("\n\n")[0]
    assert head == (
        "# Translation template for article.\n"
        "# Generated by locpipe from the source document; run `locpipe extract` to refresh it.\n"
        "#, fuzzy\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: article\\n"\n'
        '"Report-Msgid-Bugs-To: \\n"\n'
        f'"POT-Creation-Date: {EPOCH_DATE}\\n"\n'
        '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n'
        '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n'
        '"Language-Team: LANGUAGE <LL@li.org>\\n"\n'
        '"Language: \\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"X-Generator: locpipe {__version__}\\n"'
    )


def with_one_plural_form(text: str) -> str:
    """``text``, a French catalog, with a Plural-Forms header (one line or wrapped) saying one form."""
    changed, count = re.subn(
        r'"Plural-Forms: .*?\\n"\n',
        r'"Plural-Forms: nplurals=1; plural=0;\\n"\n',
        text,
        count=1,
        flags=re.S,
    )
    assert count == 1
    return changed


# --- init ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "folder", "nplurals", "team"),
    [
        ("ar", "ar", {6}, "Arabic"),
        ("ja", "ja", {1}, "Japanese"),
        ("fr", "fr", {2, 3}, "French"),
        ("pt-br", "pt_BR", {2, 3}, "Portuguese (Brazil)"),
        ("PT_br", "pt_BR", {2, 3}, "Portuguese (Brazil)"),
        ("zh-hans", "zh_Hans", {1}, "Chinese (Simplified)"),
        ("sr-Latn", "sr_Latn", {3}, "Serbian (Latin)"),
        ("es-419", "es_419", {2, 3}, "Spanish (Latin America)"),
    ],
)
def test_init_creates_a_catalog_with_a_complete_header_for_the_locale(
    project: Project, gettext: Gettext, code: str, folder: str, nplurals: set[int], team: str
) -> None:
    result = project.ok("init", code)
    assert f"locales/{folder}/LC_MESSAGES/article.po: created" in result.err
    catalog = project.catalog(folder)
    fields = dict(catalog.header_fields())
    plural = default_plural_forms(folder)  # locpipe's table, whatever Babel is installed
    assert (fields["Language"], fields["Language-Team"]) == (folder, team)
    assert plural.count in nplurals
    assert fields["Plural-Forms"] == plural.header
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["PO-Revision-Date"] == fields["POT-Creation-Date"] == EPOCH_DATE
    assert not catalog.header.fuzzy
    project.ok("extract")
    assert [(e.msgid, e.msgstr) for e in catalog.entries] == [
        (e.msgid, "") for e in project.template().entries
    ]
    checked = gettext.check(project.catalog_path(folder))
    assert checked.returncode == 0, checked.stderr
    # Only the reminder GNU gives for its own placeholder: the translator fills it in.
    warnings = [line for line in checked.stderr.splitlines() if "warning" in line]
    assert all("'Last-Translator' still has the initial default value" in w for w in warnings)


@pytest.mark.parametrize(
    ("code", "complaint"),
    [
        ("xx_YY", "unknown locale code 'xx_YY'"),
        ("xx", "unknown locale code 'xx'"),
        ("fr_Abcd", "unknown locale code 'fr_Abcd'"),  # Babel silently drops the script
        ("en_ZZ", "unknown locale code 'en_ZZ'"),  # ... and replaces the territory
        ("und_FR", "unknown locale code 'und_FR'"),
        ("../fr", "invalid locale code '../fr'"),
        ("fr/../../x", "invalid locale code 'fr/../../x'"),
        ("fr/", "invalid locale code 'fr/'"),
        ("", "invalid locale code ''"),
        ("ｆｒ", "invalid locale code 'ｆｒ'"),  # fullwidth letters are alphanumeric, not ASCII
        ("de_DE.UTF-8", "invalid locale code 'de_DE.UTF-8'"),
    ],
)
def test_init_refuses_an_unknown_or_unsafe_locale_and_writes_nothing(
    project: Project, code: str, complaint: str
) -> None:
    before = project.files()
    result = project.run("init", code)
    assert result.code == 2
    assert one_error_line(result.err)["message"] == complaint
    assert project.files() == before
    assert not project.path("locales").exists()
    assert not (project.root.parent / "x").exists()


def test_init_never_overwrites_an_existing_catalog(project: Project) -> None:
    project.ok("init", "fr")
    project.translate("fr", {TITLE: "Thérapie par cellules souches UC-MSC"})
    before = project.files()
    result = project.ok("init", "fr")
    assert "locales/fr/LC_MESSAGES/article.po: exists, left as it is" in result.err
    assert project.files() == before


def test_init_adds_only_the_catalogs_that_are_missing(project: Project) -> None:
    project.ok("init", "fr")
    existing = project.catalog_path("fr").read_bytes()
    project.write("source/faq.md", "# FAQ\n")
    result = project.ok("init", "fr")
    assert "locales/fr/LC_MESSAGES/faq.po: created" in result.err
    assert project.catalog_path("fr").read_bytes() == existing


def test_init_writes_no_catalog_when_one_document_is_broken(project: Project) -> None:
    # Regression: init wrote the catalogs of the documents before the broken one.
    project.write("source/zz.md", "<!-- l10n: bogus -->\nText.\n")
    before = project.files()
    result = project.run("init", "fr")
    assert result.code == 2
    error = one_error_line(result.err)
    assert (error["path"], error["line"]) == ("source/zz.md", "1")
    assert project.files() == before


# --- update --------------------------------------------------------------------------------------


def test_update_keeps_marks_fuzzy_and_obsoletes_as_a_translator_expects(
    project: Project,
) -> None:
    leaflet_project(project)
    shutil.copyfile(FIXTURES / "leaflet-v2.md", project.path("source/leaflet.md"))
    project.ok("update")
    catalog = project.catalog("fr", "leaflet")
    assert states(catalog) == {
        (None, "Patient leaflet", False): "translated",
        (None, "How to store this medicine", False): "translated",
        (None, "Store the medicine in a cool, dry place away from direct sunlight.", False): (
            "fuzzy"
        ),
        (
            None,
            "Keep this leaflet with the medicine, because you may need to read it again later.",
            False,
        ): "translated",
        (None, "Contact the manufacturer for a printed copy in large type.", False): (
            "untranslated"
        ),
        (None, "Keep this medicine out of the sight and reach of all children.", False): "fuzzy",
        (None, "Side effects can be reported to your national medicines agency.", False): (
            "untranslated"
        ),
        (None, "Ask your pharmacist how to throw away medicines you no longer use.", True): (
            "obsolete"
        ),
        (None, "Our customer service team answers questions on weekdays.", True): "obsolete",
    }
    by_id = {e.msgid: e for e in catalog.entries}
    stored = by_id["Store the medicine in a cool, dry place away from direct sunlight."]
    assert stored.msgstr == "FR Store the medicine in a cool, dry place away from sunlight."
    assert stored.previous_msgid == "Store the medicine in a cool, dry place away from sunlight."
    assert by_id["How to store this medicine"].translator_comments == [
        "Reviewed by the pharmacist."
    ]
    text = project.catalog_path("fr", "leaflet").read_text(encoding="utf-8")
    assert (
        '#~ msgid "Our customer service team answers questions on weekdays."\n'
        '#~ msgstr "FR Our customer service team answers questions on weekdays."\n'
    ) in text


def test_update_loses_nothing_a_translator_wrote(project: Project) -> None:
    project.ok("init", "fr")

    def translate_everything(catalog: PoFile) -> None:
        for number, entry in enumerate(catalog.entries):
            entry.msgstr = f"traduction {number}"
            entry.translator_comments = [f"note {number}"]

    project.edit_catalog("fr", translate_everything)
    written = {(e.msgstr, c) for e in project.catalog("fr").entries for c in e.translator_comments}
    # Rewrite the article heavily: drop every other paragraph, edit the rest.
    article = project.path("source/article.md")
    blocks = article.read_text(encoding="utf-8").split("\n\n")
    kept = [b.replace("psoriasis", "plaque psoriasis") for i, b in enumerate(blocks) if i % 2 == 0]
    kept.append("A paragraph nobody has translated yet.\n")
    article.write_text("\n\n".join(kept), encoding="utf-8")
    project.ok("update")
    after = project.catalog("fr")
    survived = {(e.msgstr, c) for e in after.entries for c in e.translator_comments}
    assert written == survived
    assert {state(e) for e in after.entries} == {"translated", "fuzzy", "obsolete", "untranslated"}


def test_update_agrees_with_gnu_msgmerge_on_what_is_kept_fuzzy_and_obsolete(
    project: Project, gettext: Gettext
) -> None:
    leaflet_project(project)
    old = project.catalog_path("fr", "leaflet").read_bytes()
    shutil.copyfile(FIXTURES / "leaflet-v2.md", project.path("source/leaflet.md"))
    project.ok("extract")
    (project.root / "old.po").write_bytes(old)
    merged = gettext.run(
        "msgmerge",
        "--previous",
        "--quiet",
        "-o",
        project.root / "gnu.po",
        project.root / "old.po",
        project.template_path("leaflet"),
    )
    assert merged.returncode == 0, merged.stderr
    project.ok("update")
    gnu = parse_po((project.root / "gnu.po").read_bytes(), path="gnu.po")
    ours = project.catalog("fr", "leaflet")
    assert states(ours) == states(gnu)
    assert {e.msgid: (e.msgstr, e.previous_msgid) for e in ours.entries} == {
        e.msgid: (e.msgstr, e.previous_msgid) for e in gnu.entries
    }
    assert set(states(ours).values()) == {"translated", "fuzzy", "untranslated", "obsolete"}


@pytest.mark.parametrize("was_fuzzy", [False, True])
def test_a_string_that_comes_back_revives_its_obsolete_translation_as_msgmerge_does(
    project: Project, gettext: Gettext, was_fuzzy: bool
) -> None:
    small_project(project, "# Storage\n\nShake the bottle well before each use.\n")

    def translate(catalog: PoFile) -> None:
        catalog.entries[1].msgstr = "Bien agiter le flacon avant chaque emploi."
        catalog.entries[1].flags = ["fuzzy"] if was_fuzzy else []

    project.edit_catalog("fr", translate, "doc")
    project.write("source/doc.md", "# Storage\n")
    project.ok("update")
    gone = states(project.catalog("fr", "doc"))
    assert gone[(None, "Shake the bottle well before each use.", True)] == "obsolete"
    old = project.catalog_path("fr", "doc").read_bytes()
    project.write("source/doc.md", "# Storage\n\nShake the bottle well before each use.\n")
    project.ok("extract")
    (project.root / "old.po").write_bytes(old)
    merged = gettext.run(
        "msgmerge", "--previous", "-q", project.root / "old.po", project.template_path("doc")
    )
    project.ok("update")
    revived = states(project.catalog("fr", "doc"))
    assert revived == states(parse_po(merged.stdout.encode(), path="gnu.po"))
    expected = "fuzzy" if was_fuzzy else "translated"
    assert revived[(None, "Shake the bottle well before each use.", False)] == expected


def test_update_creates_the_catalogs_of_new_documents_and_configured_locales(
    project: Project,
) -> None:
    project.ok("init", "fr")
    project.write("pyproject.toml", '[tool.locpipe]\ntarget-locales = ["fr", "de"]\n')
    project.write("source/faq.md", "# FAQ\n")
    result = project.ok("update")
    for path in (
        "locales/faq.pot",
        "locales/fr/LC_MESSAGES/faq.po",
        "locales/de/LC_MESSAGES/article.po",
        "locales/de/LC_MESSAGES/faq.po",
    ):
        assert f"{path}: written" in result.err
    assert dict(project.catalog("de", "faq").header_fields())["Language"] == "de"


def test_update_only_touches_the_locales_asked_for(project: Project) -> None:
    project.ok("init", "fr")
    project.ok("init", "de")
    german = project.files()["locales/de/LC_MESSAGES/article.po"]
    project.write("source/article.md", "# New title\n")
    project.ok("update", "--locale", "FR")
    assert project.catalog("fr").entries[0].msgid == "New title"
    assert project.files()["locales/de/LC_MESSAGES/article.po"] == german


def test_a_locale_folder_spelled_otherwise_is_an_error_not_a_second_catalog(
    project: Project,
) -> None:
    # Regression: locales/pt-br was read as pt_BR, whose catalog did not exist, so `update`
    # created locales/pt_BR beside the translator's folder and ignored their work.
    project.ok("init", "pt_BR")
    project.catalog_path("pt_BR").parent.parent.rename(project.path("locales/pt-br"))
    before = project.files()
    result = project.run("update")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == "locales/pt-br"
    assert error["message"] == "locale folder 'pt-br' must be named 'pt_BR'"
    assert project.files() == before


# --- safety: no unsafe fuzzy matches in medical text ---------------------------------------------


def msgmerge_and_update(
    project: Project, gettext: Gettext, new_markdown: str
) -> tuple[PoFile, PoFile]:
    """(msgmerge's result, locpipe's result) of merging the same old .po and new .pot."""
    old = project.catalog_path("fr", "doc").read_bytes()
    project.write("source/doc.md", new_markdown)
    project.ok("extract")
    (project.root / "old.po").write_bytes(old)
    merged = gettext.run(
        "msgmerge", "--previous", "-q", project.root / "old.po", project.template_path("doc")
    )
    assert merged.returncode == 0, merged.stderr
    project.ok("update")
    return parse_po(merged.stdout.encode(), path="gnu.po"), project.catalog("fr", "doc")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Take 10 mg daily.", "Take 100 mg daily."),
        ("Take one tablet every 8 hours with food.", "Take one tablet every 6 hours with food."),
        ("Do not take more than 4 g in 24 hours.", "Do not take more than 3 g in 24 hours."),
        ("Apply a 0.5% cream twice a day.", "Apply a 0.05% cream twice a day."),
    ],
)
def test_a_translation_is_never_offered_for_text_whose_numbers_differ(
    project: Project, gettext: Gettext, before: str, after: str
) -> None:
    small_project(project, f"{before}\n")
    project.translate("fr", {before: "TRADUCTION " + before}, "doc")
    gnu, ours = msgmerge_and_update(project, gettext, f"{after}\n")
    assert states(gnu) == {(None, after, False): "fuzzy"}  # msgmerge offers the wrong dose
    assert states(ours) == {(None, after, False): "untranslated", (None, before, True): "obsolete"}


def test_a_translation_is_never_offered_across_msgctxt(project: Project, gettext: Gettext) -> None:
    text = "Store in a cool, dry place."
    small_project(project, f"<!-- l10n: context storage -->\n{text}\n")
    project.translate("fr", {text: "Conserver au frais et au sec."}, "doc")
    gnu, ours = msgmerge_and_update(project, gettext, f"<!-- l10n: context transport -->\n{text}\n")
    assert states(gnu) == {("transport", text, False): "fuzzy"}
    assert gnu.entries[0].previous_msgctxt == "storage"
    assert states(ours) == {
        ("transport", text, False): "untranslated",
        ("storage", text, True): "obsolete",
    }


def test_a_caveat_is_never_prefilled_from_another_caveat(
    project: Project, gettext: Gettext
) -> None:
    before, after = (
        "Do not drive after taking this medicine.",
        "Do not drink after taking this medicine.",
    )
    small_project(project, f"<!-- caveat: no-driving -->\n{before}\n")
    project.translate("fr", {before: "Ne conduisez pas après avoir pris ce médicament."}, "doc")
    gnu, ours = msgmerge_and_update(project, gettext, f"<!-- caveat: no-alcohol -->\n{after}\n")
    # msgmerge offers the driving caveat's translation for the alcohol caveat.
    assert states(gnu) == {(None, after, False): "fuzzy"}
    assert states(ours) == {(None, after, False): "untranslated", (None, before, True): "obsolete"}


def test_a_changed_caveat_keeps_its_old_translation_only_as_fuzzy_with_its_history(
    project: Project, gettext: Gettext
) -> None:
    small_project(project, (FIXTURES / "leaflet-v1.md").read_text(encoding="utf-8"))
    before = "Keep this medicine out of the sight and reach of children."
    after = "Keep this medicine out of the sight and reach of all children."
    project.translate("fr", {before: "Tenir hors de la vue et de la portée des enfants."}, "doc")
    new_markdown = (FIXTURES / "leaflet-v1.md").read_text(encoding="utf-8").replace(before, after)
    gnu, ours = msgmerge_and_update(project, gettext, new_markdown)
    assert states(gnu)[(None, after, False)] == "fuzzy"  # here both tools agree
    (changed,) = [e for e in ours.entries if e.msgid == after]
    assert (state(changed), changed.previous_msgid, changed.msgstr) == (
        "fuzzy",
        before,
        "Tenir hors de la vue et de la portée des enfants.",
    )
    assert "caveat: out-of-reach" in changed.extracted_comments
    project.ok("compile")
    with project.catalog_path("fr", "doc").with_suffix(".mo").open("rb") as stream:
        assert pygettext.GNUTranslations(stream).gettext(after) == after  # not published
    stats = json.loads(project.ok("stats", "--format", "json").out)
    assert (stats[0]["caveats"], stats[0]["caveats_translated"], stats[0]["fuzzy"]) == (1, 0, 1)


# --- compile -------------------------------------------------------------------------------------


def test_compile_writes_mo_files_with_the_translated_strings_only(
    project: Project, gettext: Gettext
) -> None:
    small_project(
        project,
        "# Dosage\n\nShake the bottle well before each use.\n\n"
        "<!-- l10n: context table -->\nDose\n\nStore in a cool place.\n",
    )

    def translate(catalog: PoFile) -> None:
        for entry, (msgstr, fuzzy) in zip(
            catalog.entries,
            [("Posologie", False), ("Bien agiter.", True), ("Dose (tableau)", False), ("", False)],
            strict=True,
        ):
            entry.msgstr, entry.flags = msgstr, (["fuzzy"] if fuzzy else [])

    project.edit_catalog("fr", translate, "doc")
    result = project.ok("compile")
    mo = project.catalog_path("fr", "doc").with_suffix(".mo")
    assert "locales/fr/LC_MESSAGES/doc.mo: compiled" in result.err
    with mo.open("rb") as stream:
        ours = pygettext.GNUTranslations(stream)
    assert ours.gettext("Dosage") == "Posologie"
    assert ours.pgettext("table", "Dose") == "Dose (tableau)"
    assert ours.gettext("Dose") == "Dose"  # the context is part of the key
    assert ours.gettext("Shake the bottle well before each use.") == (
        "Shake the bottle well before each use."  # fuzzy: absent
    )
    assert ours.info()["language"] == "fr"
    # The same lookups as in msgfmt's own .mo of the same catalog.
    reference = project.root / "reference.mo"
    compiled = gettext.run("msgfmt", "-o", reference, project.catalog_path("fr", "doc"))
    assert compiled.returncode == 0, compiled.stderr
    with reference.open("rb") as stream:
        theirs = pygettext.GNUTranslations(stream)
    for entry in project.catalog("fr", "doc").entries:
        if entry.msgctxt is None:
            assert ours.gettext(entry.msgid) == theirs.gettext(entry.msgid)
        else:
            assert ours.pgettext(entry.msgctxt, entry.msgid) == (
                theirs.pgettext(entry.msgctxt, entry.msgid)
            )


def test_compile_twice_changes_no_byte(project: Project) -> None:
    project.ok("init", "fr")
    project.translate("fr", {TITLE: "Thérapie"})
    project.ok("compile")
    before = project.files()
    assert project.ok("compile").err == "2 file(s) unchanged\n"  # article.mo and ui.mo
    assert project.files() == before


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (lambda text: text + '\nmsgid "Broken\nmsgstr ""\n', "unterminated string"),
        (
            lambda text: text.replace('msgstr "Thérapie"', 'msgstr "Thérapie\\n"'),
            "msgid and msgstr do not both end with a newline",
        ),
        (
            # msgfmt cannot know how many forms French has; Babel's plural rules do.
            with_one_plural_form,
            "contradicts locale fr",
        ),
    ],
    ids=["syntax error", "newline added", "wrong plural forms"],
)
def test_compile_refuses_a_catalog_with_errors_and_writes_no_mo(
    project: Project, gettext: Gettext, damage, complaint: str
) -> None:
    project.ok("init", "de")
    project.ok("init", "fr")
    project.translate("fr", {TITLE: "Thérapie"})
    path = project.catalog_path("fr")
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    if "contradicts" not in complaint:
        assert gettext.check(path).returncode != 0  # msgfmt refuses it too
    before = project.files()
    result = project.run("compile")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == "locales/fr/LC_MESSAGES/article.po"
    assert complaint in error["message"]
    assert project.files() == before
    assert not list(project.root.rglob("*.mo"))


# --- stats ---------------------------------------------------------------------------------------


def translate_some(project: Project, locale: str) -> None:
    """Translate a third of the entries, mark a third fuzzy, and leave an obsolete one."""

    def change(catalog: PoFile) -> None:
        for number, entry in enumerate(catalog.entries):
            if number % 3 == 0:
                entry.msgstr = f"{locale} {number}"
            elif number % 3 == 1 and number > 10:
                entry.msgstr, entry.flags = f"{locale} {number}", ["fuzzy"]
        catalog.entries.append(PoEntry(msgid="Gone.", msgstr="Parti.", obsolete=True))

    project.edit_catalog(locale, change)


def msgfmt_statistics(gettext: Gettext, path: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) as ``msgfmt --statistics`` reports them on stderr."""
    result = gettext.run("msgfmt", "--statistics", "-o", "/dev/null", path)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]

    def count(pattern: str) -> int:
        match = re.search(rf"(\d+) {pattern}", line)
        return int(match.group(1)) if match else 0

    return (
        count(r"translated messages?"),
        count(r"fuzzy translations?"),
        count(r"untranslated messages?"),
    )


def test_stats_prints_a_table_per_locale_and_document(project: Project) -> None:
    project.write("source/faq.md", "# FAQ\n\n<!-- caveat: see-doctor -->\nSee a doctor.\n")
    project.ok("init", "fr")
    project.ok("init", "ja")
    project.translate("fr", {"FAQ": "FAQ", "See a doctor.": "Consultez un médecin."}, "faq")
    lines = project.ok("stats").out.splitlines()
    assert re.split(r"\s+", lines[0]) == [
        "locale",
        "document",
        "total",
        "translated",
        "fuzzy",
        "untranslated",
        "obsolete",
        "%",
        "caveats",
    ]
    rows = [re.split(r"\s+", line) for line in lines[1:] if " ui " not in line]
    total = len(project.catalog("fr").entries)
    assert rows == [
        ["fr", "article", str(total), "0", "0", str(total), "0", "0", "0/5"],
        ["fr", "faq", "2", "2", "0", "0", "0", "100", "1/1"],
        ["ja", "article", str(total), "0", "0", str(total), "0", "0", "0/5"],
        ["ja", "faq", "2", "0", "0", "2", "0", "0", "0/1"],
    ]


def test_stats_as_json(project: Project) -> None:
    project.ok("init", "fr")
    translate_some(project, "fr")
    (row,) = [
        r for r in json.loads(project.ok("stats", "--format", "json").out) if r["document"] != "ui"
    ]
    assert (row["locale"], row["document"]) == ("fr", "article")
    assert set(row) == {
        "locale",
        "document",
        "total",
        "translated",
        "fuzzy",
        "untranslated",
        "obsolete",
        "percent",
        "caveats",
        "caveats_translated",
        "publishable",
    }
    assert row["translated"] + row["fuzzy"] + row["untranslated"] == row["total"]
    assert row["obsolete"] == 1
    # Rounded down, so a catalog with one string left never reads 100%.
    assert row["percent"] == math.floor(1000 * row["translated"] / row["total"]) / 10


@pytest.mark.parametrize("progress", ["fresh", "partly translated", "after an update"])
def test_stats_agree_with_msgfmt_statistics(
    project: Project, gettext: Gettext, progress: str
) -> None:
    project.ok("init", "fr")
    if progress != "fresh":
        translate_some(project, "fr")
    if progress == "after an update":
        article = project.path("source/article.md")
        article.write_text(article.read_text().replace("psoriasis", "plaque psoriasis"))
        project.ok("update")
    (row,) = [
        r for r in json.loads(project.ok("stats", "--format", "json").out) if r["document"] != "ui"
    ]
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == msgfmt_statistics(
        gettext, project.catalog_path("fr")
    )


def test_stats_never_shows_100_percent_while_a_string_is_untranslated(project: Project) -> None:
    small_project(project, "\n\n".join(f"Sentence number {n}." for n in range(200)) + "\n")
    project.translate("fr", {f"Sentence number {n}.": f"Phrase {n}." for n in range(199)}, "doc")
    row = re.split(r"\s+", project.ok("stats").out.splitlines()[1])
    assert row[3:6] == ["199", "0", "1"]
    assert row[7] == "99"


def test_babel_counts_fuzzy_as_translated_and_locpipe_does_not(project: Project) -> None:
    project.ok("init", "fr")
    translate_some(project, "fr")
    with project.catalog_path("fr").open("rb") as stream:
        catalog = read_po(stream)
    # What `pybabel compile --statistics` counts: every message with a string, fuzzy or not.
    babel_translated = sum(1 for message in list(catalog)[1:] if message.string)
    (row,) = [
        r for r in json.loads(project.ok("stats", "--format", "json").out) if r["document"] != "ui"
    ]
    assert row["fuzzy"] > 0
    assert babel_translated == row["translated"] + row["fuzzy"]
    assert babel_translated > row["translated"]


# --- determinism ---------------------------------------------------------------------------------


def test_extract_twice_changes_no_byte_even_a_day_later(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.ok("extract")
    before = project.files()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    result = project.ok("extract")
    assert result.err == "2 file(s) unchanged\n"  # article.pot and ui.pot
    assert project.files() == before


def test_a_document_whose_name_has_a_space_is_not_redated_either(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: "#: source/my doc.md:1" reads back as two references, so the template on
    # disk never matched the one built from the source.
    project.write("source/my doc.md", "# Title\n")
    project.ok("extract")
    before = project.files()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    project.ok("extract")
    assert project.files() == before


def test_update_twice_changes_no_byte_even_a_day_later(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: a template read back from disk never equalled the freshly built one (parsed
    # entries remember their line), so every run wrote a new POT-Creation-Date.
    leaflet_project(project)
    shutil.copyfile(FIXTURES / "leaflet-v2.md", project.path("source/leaflet.md"))
    project.ok("update")
    before = project.files()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    project.ok("update")
    project.ok("extract")
    assert project.files() == before


def test_a_content_change_dates_the_template_but_not_the_translators_revision(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.ok("init", "fr")
    project.ok("extract")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    project.write("source/article.md", "# A new title\n")
    project.ok("update")
    template, catalog = (
        dict(project.template().header_fields()),
        dict(project.catalog("fr").header_fields()),
    )
    assert template["POT-Creation-Date"] == catalog["POT-Creation-Date"] == "2023-11-15 22:13+0000"
    assert catalog["PO-Revision-Date"] == EPOCH_DATE


@pytest.mark.parametrize(
    ("epoch", "date"), [("0", "1970-01-01 00:00+0000"), ("1234567890", "2009-02-13 23:31+0000")]
)
def test_dates_honour_source_date_epoch(
    project: Project, monkeypatch: pytest.MonkeyPatch, epoch: str, date: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    project.ok("extract")
    project.ok("init", "fr")
    assert dict(project.template().header_fields())["POT-Creation-Date"] == date
    fields = dict(project.catalog("fr").header_fields())
    assert fields["POT-Creation-Date"] == fields["PO-Revision-Date"] == date


def test_update_gives_the_same_bytes_whatever_the_hash_seed(project: Project) -> None:
    # Regression: fuzzy candidates were ranked in set order, which PYTHONHASHSEED changes. Ten
    # old sentences, each with one rare word; the new sentence has all ten, so which old
    # translation it is offered depended on the order of a set of words.
    rare = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
    ]
    frame = "The patient should take the {} tablet with water after the meal."
    small_project(project, "\n\n".join(frame.format(word) for word in rare) + "\n")
    project.translate("fr", {frame.format(w): f"traduction {i}" for i, w in enumerate(rare)}, "doc")
    old = project.catalog_path("fr", "doc").read_bytes()
    project.write("source/doc.md", frame.format(" ".join(rare)) + "\n")
    results = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        project.catalog_path("fr", "doc").write_bytes(old)
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": str(EPOCH)}
        subprocess.run(
            [sys.executable, "-m", "locpipe.cli", "-C", str(project.root), "update", "-q"],
            env=env,
            check=True,
        )
        results.add(project.catalog_path("fr", "doc").read_bytes())
    assert len(results) == 1
    assert [state(e) for e in project.catalog("fr", "doc").entries if not e.obsolete] == ["fuzzy"]


# --- known traps of our dependencies -------------------------------------------------------------

LONG_CAVEAT_V1 = (
    "Patients interested in UC-MSC stem cell therapy should consult with a qualified medical "
    "professional to understand its benefits, risks, and suitability for their specific case."
)
LONG_CAVEAT_V2 = LONG_CAVEAT_V1.replace("specific case", "own specific case")


def test_trap_babel_update_previous_breaks_a_long_previous_msgid_and_ours_does_not(
    project: Project, gettext: Gettext
) -> None:
    small_project(project, f"{LONG_CAVEAT_V1}\n")
    project.translate("fr", {LONG_CAVEAT_V1: "Les patients doivent consulter un médecin."}, "doc")
    old_path = project.root / "old.po"
    old_path.write_bytes(project.catalog_path("fr", "doc").read_bytes())
    project.write("source/doc.md", f"{LONG_CAVEAT_V2}\n")
    project.ok("update")
    # Babel: read both, Catalog.update, write_po(include_previous=True) -- `pybabel update
    # --previous`.
    with old_path.open("rb") as stream:
        babel_catalog = read_po(stream)
    with project.template_path("doc").open("rb") as stream:
        babel_catalog.update(read_po(stream))
    babel_path = project.root / "babel.po"
    with babel_path.open("wb") as stream:
        write_po(stream, babel_catalog, include_previous=True)
    babel_text = babel_path.read_text(encoding="utf-8")
    assert '#| msgid "" "Patients interested' in babel_text  # the string, cut into comments
    assert gettext.check(babel_path).returncode != 0
    assert gettext.run("msgcat", babel_path).returncode != 0
    with pytest.raises(OSError, match="Syntax error"):
        polib.pofile(str(babel_path))
    # Ours: the same previous msgid as proper #| strings.
    ours = project.catalog_path("fr", "doc")
    checked = gettext.check(ours)
    assert checked.returncode == 0, checked.stderr
    assert gettext.msgcat(ours) == ours.read_bytes()
    (entry,) = polib.pofile(str(ours))
    assert (entry.previous_msgid, entry.fuzzy) == (LONG_CAVEAT_V1, True)


PERCENT_PROSE = {
    "Reduce the dose by 10% daily.": "Réduire la dose de 10 % par jour.",
    "Up to 50% of patients respond to the treatment.": "Jusqu’à 50 % des patients répondent.",
}


def test_trap_babel_flags_prose_with_percent_signs_as_python_format_and_ours_never_does(
    project: Project, gettext: Gettext
) -> None:
    small_project(project, "\n\n".join(PERCENT_PROSE) + "\n")
    project.translate("fr", PERCENT_PROSE, "doc")
    ours = project.catalog_path("fr", "doc")
    # Babel's read_po -> write_po round trip adds `#, python-format`...
    with ours.open("rb") as stream:
        babel_catalog = read_po(stream)
    babel_path = project.root / "babel.po"
    with babel_path.open("wb") as stream:
        write_po(stream, babel_catalog)
    assert babel_path.read_text(encoding="utf-8").count("#, python-format") == 2
    babel_check = gettext.check(babel_path)
    assert babel_check.returncode != 0
    assert "is not a valid Python format string" in babel_check.stderr
    # ... locpipe never flags prose, and its catalogs pass and compile.
    project.ok("update")
    for path in (project.template_path("doc"), ours):
        assert "-format" not in path.read_text(encoding="utf-8")
        checked = gettext.check(path)
        assert checked.returncode == 0, checked.stderr
    assert all(not e.flags for e in project.catalog("fr", "doc").entries)
    project.ok("compile")


WRAPPED = (
    "Patients interested in UC-MSC stem cell therapy should consult with a doctor to understand "
    "its benefits, risks, and suitability for their specific case."
)


def test_trap_only_ours_wraps_a_long_msgid_as_msgcat_does(
    project: Project, gettext: Gettext
) -> None:
    small_project(project, f"{WRAPPED}\n")
    project.ok("extract")
    ours = project.template_path("doc")
    gnu = gettext.msgcat(ours)
    assert ours.read_bytes() == gnu
    gnu_lines = [
        '"Patients interested in UC-MSC stem cell therapy should consult with a doctor "',
        '"to understand its benefits, risks, and suitability for their specific case."',
    ]
    assert "\n".join(gnu_lines) in gnu.decode()  # GNU: 79 columns, the space ends the line
    polib_po = polib.pofile(str(ours))  # polib: 78 columns, the space starts the next line
    assert polib_po.wrapwidth == 78
    assert str(polib_po).encode() != gnu
    assert '" to understand its benefits' in str(polib_po)
    babel_catalog = Catalog()  # Babel: 76 columns
    babel_catalog.add(WRAPPED)
    babel_out = io.BytesIO()
    write_po(babel_out, babel_catalog, omit_header=True)
    assert "\n".join(gnu_lines) not in babel_out.getvalue().decode()
    assert '"Patients interested in UC-MSC stem cell therapy should consult with a "' in (
        babel_out.getvalue().decode()
    )


# --- interoperability ----------------------------------------------------------------------------


def full_lifecycle(project: Project) -> list[Path]:
    """Extract, init three locales, translate in three scripts, edit the source, update."""
    project.ok("extract")
    for locale in ("fr", "ar", "ja"):
        project.ok("init", locale)
    samples = {
        "fr": "Thérapie par cellules souches UC-MSC contre le psoriasis du cuir chevelu",
        "ar": "العلاج بالخلايا الجذعية UC-MSC لصدفية فروة الرأس",
        "ja": "頭皮乾癬に対するUC-MSC幹細胞療法。" * 4,
    }
    for locale, sample in samples.items():

        def change(catalog: PoFile, sample: str = sample) -> None:
            for number, entry in enumerate(catalog.entries):
                if number % 2 == 0:
                    entry.msgstr = f"{sample} ({number})"
                    entry.translator_comments = [f"Checked, entry {number}."]

        project.edit_catalog(locale, change)
    article = project.path("source/article.md")
    article.write_text(
        article.read_text(encoding="utf-8").replace("scalp psoriasis", "psoriasis of the scalp"),
        encoding="utf-8",
    )
    project.ok("update")
    paths = sorted(project.path("locales").rglob("*.po*"))
    assert len(paths) == 8  # article and ui: two templates, and two catalogs in each of 3 locales
    return paths


def test_every_file_the_cli_writes_passes_msgfmt_check(project: Project, gettext: Gettext) -> None:
    for path in full_lifecycle(project):
        checked = gettext.check(path)
        assert checked.returncode == 0, checked.stderr


def test_every_file_the_cli_writes_comes_back_byte_identical_from_msgcat(
    project: Project, gettext: Gettext
) -> None:
    for path in full_lifecycle(project):
        assert gettext.msgcat(path) == path.read_bytes(), path


def test_every_file_the_cli_writes_reads_back_through_babel_with_the_same_entries(
    project: Project,
) -> None:
    for path in full_lifecycle(project):
        ours = parse_po(path.read_bytes(), path=str(path))
        with path.open("rb") as stream:
            theirs = read_po(stream)
        # Babel 2.18's read_po takes `#| msgid ...` lines for translator comments ("| msgid"):
        # they are set apart here, and only their presence is compared.
        assert [
            (
                m.context,
                m.id,
                m.string,
                m.fuzzy,
                [c for c in m.user_comments if not c.startswith("| ")],
                any(c.startswith("| msgid ") for c in m.user_comments),
                m.auto_comments,
                [f"{file}:{line}" for file, line in m.locations],
            )
            for m in list(theirs)[1:]
        ] == [
            (
                e.msgctxt,
                # Babel holds a plural entry's ids and strings as tuples.
                (e.msgid, e.msgid_plural) if e.msgid_plural is not None else e.msgid,
                tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
                if e.msgid_plural is not None
                else e.msgstr,
                e.fuzzy,
                e.translator_comments,
                e.previous_msgid is not None,
                e.extracted_comments,
                e.references,
            )
            for e in ours.entries
            if not e.obsolete
        ]
        assert sorted(theirs.obsolete) == sorted(e.msgid for e in ours.entries if e.obsolete)


def test_every_file_the_cli_writes_reads_back_through_polib_with_the_same_entries(
    project: Project,
) -> None:
    for path in full_lifecycle(project):
        ours = parse_po(path.read_bytes(), path=str(path))
        theirs = polib.pofile(str(path))
        assert [
            (
                e.msgctxt,
                e.msgid,
                e.msgstr,
                e.fuzzy,
                e.obsolete,
                e.previous_msgid,
                e.tcomment or None,
                e.comment,
                [f"{file}:{line}" for file, line in e.occurrences],
            )
            for e in theirs
        ] == [
            (
                e.msgctxt,
                e.msgid,
                e.msgstr,
                e.fuzzy,
                e.obsolete,
                e.previous_msgid,
                "\n".join(e.translator_comments) or None,
                "\n".join(e.extracted_comments),
                e.references,
            )
            for e in ours.entries
        ]
        assert theirs.metadata == dict(ours.header_fields())


# --- bad input -----------------------------------------------------------------------------------


def broken_catalog(project: Project, damage: str) -> tuple[str, int, str]:
    """Break the fr catalog; return the (path, line, message) the error must show."""
    path = project.catalog_path("fr")
    shown = "locales/fr/LC_MESSAGES/article.po"
    data = path.read_bytes()
    lines = data.count(b"\n")
    if damage == "syntax error":
        path.write_bytes(data + b'\nmsgid "Broken\nmsgstr ""\n')
        return shown, lines + 2, "unterminated string (end of line inside a string)"
    if damage == "unknown charset":
        line = data[: data.index(b"charset=UTF-8")].count(b"\n") + 1
        path.write_bytes(data.replace(b"charset=UTF-8", b"charset=KLINGON-8"))
        return shown, line, "unknown charset 'KLINGON-8'"
    if damage == "duplicate entry":
        first = data[: data.index(f'msgid "{TITLE}"'.encode())].count(b"\n") + 1
        path.write_bytes(data + f'\nmsgid "{TITLE}"\nmsgstr "x"\n'.encode())
        return shown, lines + 2, f"duplicate message definition (first defined at line {first})"
    if damage == "plural forms":
        path.write_bytes(with_one_plural_form(data.decode()).encode())
        return (
            shown,
            2,
            "Plural-Forms header 'nplurals=1; plural=0;' contradicts locale fr "
            "(expected nplurals=2 or nplurals=3)",
        )
    if damage == "not UTF-8":
        path.write_bytes(data + b'\nmsgid "Bad"\nmsgstr "caf\xe9"\n')
        return shown, lines + 3, "byte 0xe9 is invalid in the declared charset utf-8"
    raise AssertionError(damage)


@pytest.mark.parametrize("command", ["update", "compile", "stats"])
@pytest.mark.parametrize(
    "damage", ["syntax error", "unknown charset", "duplicate entry", "plural forms", "not UTF-8"]
)
def test_a_broken_catalog_is_one_error_line_and_no_file_is_rewritten(
    project: Project, command: str, damage: str
) -> None:
    project.ok("init", "de")
    project.ok("init", "fr")
    project.translate("fr", {TITLE: "Thérapie"})
    project.write("source/article.md", "# A changed title\n")  # update would rewrite everything
    path, line, message = broken_catalog(project, damage)
    before = project.files()
    result = project.run(command)
    assert result.code == 2
    error = one_error_line(result.err)
    assert (error["path"], error["line"], error["message"]) == (path, str(line), message)
    if command == "stats":  # the other catalogs are still counted
        assert {row.split()[0] for row in result.out.splitlines()[1:]} == {"de", "fr"}
    else:
        assert result.out == ""
    assert project.files() == before


@pytest.mark.parametrize("command", ["extract", "update", "compile", "stats", "init"])
def test_a_missing_source_folder_is_one_error_line(project: Project, command: str) -> None:
    project.ok("init", "fr")
    shutil.rmtree(project.path("source"))
    before = project.files()
    result = project.run(command, *(["de"] if command == "init" else []))
    assert result.code == 2
    assert one_error_line(result.err).group() == "source: error: source folder does not exist"
    assert project.files() == before


def test_a_catalog_missing_for_a_new_document_is_one_error_line(project: Project) -> None:
    project.ok("init", "fr")
    project.write("source/faq.md", "# FAQ\n")
    result = project.run("stats")
    assert result.code == 2
    assert one_error_line(result.err).group() == (
        "locales/fr/LC_MESSAGES/faq.po: error: catalog not found; run `locpipe update` to create it"
    )


@pytest.mark.parametrize("command", ["extract", "update", "init"])
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (b"# Title\n\nText \xff here.\n", 3, "invalid UTF-8 byte 0xff"),
        (b"# Title\n\n<!-- l10n: bogus -->\nText.\n", 3, "unknown directive 'l10n: bogus'"),
    ],
    ids=["not UTF-8", "bad directive"],
)
def test_a_broken_source_document_is_one_error_line_and_nothing_is_written(
    project: Project, command: str, text: bytes, line: int, message: str
) -> None:
    project.ok("init", "fr")
    project.path("source/article.md").write_bytes(text)
    before = project.files()
    result = project.run(command, *(["de"] if command == "init" else []))
    assert result.code == 2
    error = one_error_line(result.err)
    assert (error["path"], error["line"]) == ("source/article.md", str(line))
    assert error["message"].startswith(message)
    assert project.files() == before


def latin1_catalog(project: Project) -> None:
    """The fr catalog of a one-heading document, converted to ISO-8859-1 as msgconv would."""
    small_project(project, "# Café\n")

    def convert(catalog: PoFile) -> None:
        catalog.set_header_field("Content-Type", "text/plain; charset=ISO-8859-1")
        catalog.entries[0].msgstr = "Café"

    project.edit_catalog("fr", convert, "doc")


def test_a_catalog_in_a_legacy_charset_stays_in_it(project: Project, gettext: Gettext) -> None:
    latin1_catalog(project)
    project.write("source/doc.md", "# Café\n\nCrème brûlée.\n")
    project.ok("update")
    data = project.catalog_path("fr", "doc").read_bytes()
    assert b'msgid "Cr\xe8me br\xfbl\xe9e."' in data
    assert gettext.msgcat(project.catalog_path("fr", "doc")) == data


def test_source_text_a_legacy_charset_cannot_hold_is_one_error_line(project: Project) -> None:
    latin1_catalog(project)
    project.write("source/doc.md", "# Café\n\nThe scalp’s barrier.\n")
    before = project.files()
    result = project.run("update")
    assert result.code == 2
    error = one_error_line(result.err)
    assert error["path"] == "locales/fr/LC_MESSAGES/doc.po"
    assert error["message"].startswith("cannot encode the catalog in ISO-8859-1")
    assert error["message"].endswith("convert the catalog to UTF-8 (msgconv --to-code=UTF-8)")
    assert project.files() == before


# --- atomic writes -------------------------------------------------------------------------------


def fail_on_call(number: int, error: BaseException):
    """A stand-in for os.replace / os.fsync that works until its ``number``-th call."""
    real = {"replace": os.replace, "fsync": os.fsync}
    calls = {"count": 0}

    def make(name: str):
        def fake(*args):
            calls["count"] += 1
            if calls["count"] == number:
                raise error
            return real[name](*args)

        return fake

    return make


@pytest.mark.parametrize("function", ["replace", "fsync"])
@pytest.mark.parametrize(
    ("failing_call", "failing_path"),
    [(1, "locales/article.pot"), (2, "locales/fr/LC_MESSAGES/article.po")],
)
def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file(
    project: Project,
    monkeypatch: pytest.MonkeyPatch,
    function: str,
    failing_call: int,
    failing_path: str,
) -> None:
    project.ok("init", "fr")
    project.ok("extract")
    project.translate("fr", {TITLE: "Thérapie"})
    project.write("source/article.md", f"# {TITLE}\n\nA new paragraph.\n")
    before = project.files()
    make = fail_on_call(failing_call, OSError(28, "No space left on device"))
    monkeypatch.setattr(os, function, make(function))
    result = project.run("update")
    monkeypatch.undo()
    assert result.code == 2
    assert one_error_line(result.err).group() == (
        f"{failing_path}: error: cannot write: No space left on device"
    )
    after = project.files()
    assert sorted(after) == sorted(before)  # no .article.po.*.tmp left behind
    assert after[failing_path] == before[failing_path]
    assert after["locales/fr/LC_MESSAGES/article.po"] == before["locales/fr/LC_MESSAGES/article.po"]


def test_an_interrupt_during_a_write_leaves_the_old_file_and_no_temporary_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.ok("init", "fr")
    project.write("source/article.md", "# A new title\n")
    before = project.files()
    monkeypatch.setattr(os, "replace", fail_on_call(1, KeyboardInterrupt())("replace"))
    result = project.run("update")
    monkeypatch.undo()
    assert result.code == 130
    assert result.err == "error: interrupted; no file was left half-written\n"
    assert project.files() == before


def test_a_rewritten_catalog_keeps_its_permissions(project: Project) -> None:
    project.ok("init", "fr")
    project.catalog_path("fr").chmod(0o640)
    project.write("source/article.md", "# A new title\n")
    project.ok("update")
    assert project.catalog_path("fr").stat().st_mode & 0o777 == 0o640


# --- what the user's terminal shows --------------------------------------------------------------


def locpipe(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "locpipe.cli", "-C", str(project.root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)},
        check=False,
    )


def test_a_real_process_reports_a_broken_catalog_in_one_line_without_a_traceback(
    project: Project,
) -> None:
    project.ok("init", "fr")
    path, line, message = broken_catalog(project, "not UTF-8")
    for command in ("update", "compile", "stats"):
        result = locpipe(project, command)
        assert result.returncode == 2
        assert result.stderr == f"{path}:{line}: error: {message}\n"


def test_a_real_process_runs_the_whole_lifecycle(project: Project) -> None:
    for args in (["extract"], ["init", "pt-br"], ["update"], ["compile"]):
        result = locpipe(project, *args)
        assert (result.returncode, "Traceback" in result.stderr) == (0, False), result.stderr
    stats = json.loads(locpipe(project, "stats", "--format", "json").stdout)
    assert [(row["locale"], row["document"], row["translated"]) for row in stats] == [
        ("pt_BR", "article", 0),
        ("pt_BR", "ui", 0),
    ]
    assert project.path("locales/pt_BR/LC_MESSAGES/article.mo").is_file()


def test_a_missing_gettext_tool_fails_the_test_instead_of_skipping(
    gettext: Gettext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="msgmerge is required"):
        gettext.tool("msgmerge")


def test_init_refuses_the_source_locale(project: Project) -> None:
    project.ok("extract")
    result = project.run("init", "en")
    assert result.code == 2
    assert result.err.startswith("error: en is the source locale")
    assert len(result.err.splitlines()) == 1
    assert not project.path("locales/en").exists()


def test_init_says_what_to_do_next(project: Project) -> None:
    project.ok("extract")
    result = project.ok("init", "it")
    assert "next: translate locales/it/LC_MESSAGES/*.po" in result.err
    assert "[<caveat>.terms] it = [...]" in result.err
    assert "locpipe check --locale it" in result.err
