"""catalog.py on values: templates, new catalogs, the safe merge, the checks and the counts.

The command-line lifecycle on real files is in test_lifecycle_cli.py; here each rule of
:mod:`locpipe.catalog` is shown on the smallest catalogs that exhibit it.
"""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from locpipe import catalog as catalogs
from locpipe.errors import CatalogError
from locpipe.plurals import (
    accepted_plural_counts,
    catalog_plural_forms,
    default_plural_forms,
)
from locpipe.pofile import PoEntry, PoFile, format_po, parse_po
from locpipe.segment import extract

DATE = "2023-11-14 22:13+0000"


def template_of(markdown: str) -> PoFile:
    messages = extract(markdown, path="source/doc.md")
    return catalogs.build_template(messages, domain="doc", creation_date=DATE)


def caveat(caveat_id: str) -> list[str]:
    return ["paragraph", catalogs.CAVEAT_COMMENT + caveat_id, catalogs.CAVEAT_EXPLANATION]


def entry(
    msgid: str,
    msgstr: str = "",
    *,
    msgctxt: str | None = None,
    caveat_id: str | None = None,
    fuzzy: bool = False,
    obsolete: bool = False,
    comments: tuple[str, ...] = (),
    previous: str | None = None,
) -> PoEntry:
    return PoEntry(
        msgid=msgid,
        msgstr=msgstr,
        msgctxt=msgctxt,
        extracted_comments=caveat(caveat_id) if caveat_id else ["paragraph"],
        translator_comments=list(comments),
        flags=["fuzzy"] if fuzzy else [],
        previous_msgid=previous,
        obsolete=obsolete,
    )


def catalog_of(*entries: PoEntry) -> PoFile:
    header = PoEntry(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n")
    return PoFile(header=header, entries=list(entries))


def template_from(*entries: PoEntry) -> PoFile:
    return catalog_of(*(PoEntry(**{**_fields(e), "msgstr": ""}) for e in entries))


def _fields(e: PoEntry) -> dict:
    return {
        "msgid": e.msgid,
        "msgctxt": e.msgctxt,
        "extracted_comments": list(e.extracted_comments),
    }


def state(e: PoEntry) -> str:
    if e.obsolete:
        return "obsolete"
    if e.fuzzy and e.msgstr:
        return "fuzzy"
    return "translated" if e.msgstr else "untranslated"


def states(po: PoFile) -> dict[tuple[str | None, str, bool], str]:
    return {(e.msgctxt, e.msgid, e.obsolete): state(e) for e in po.entries}


# --- templates -----------------------------------------------------------------------------------


def test_a_template_lists_messages_in_source_order_with_references_and_kinds() -> None:
    template = template_of("# Dosage\n\nTake one tablet.\n\n- Drink water.\n")
    assert [(e.msgid, e.references, e.extracted_comments) for e in template.entries] == [
        ("Dosage", ["source/doc.md:1"], ["heading level 1"]),
        ("Take one tablet.", ["source/doc.md:3"], ["paragraph"]),
        ("Drink water.", ["source/doc.md:5"], ["list item"]),
    ]


def test_a_repeated_string_is_one_entry_with_every_reference() -> None:
    template = template_of("Shake well.\n\nText between.\n\nShake well.\n")
    assert [(e.msgid, e.references) for e in template.entries] == [
        ("Shake well.", ["source/doc.md:1", "source/doc.md:5"]),
        ("Text between.", ["source/doc.md:3"]),
    ]


def test_the_same_string_in_another_context_is_another_entry() -> None:
    template = template_of("Dose\n\n<!-- l10n: context table header -->\nDose\n")
    assert [(e.msgctxt, e.msgid) for e in template.entries] == [
        (None, "Dose"),
        ("table header", "Dose"),
    ]


def test_a_caveat_entry_says_its_id_and_that_it_is_checked_before_publishing() -> None:
    template = template_of(
        "<!-- caveat: no-driving -->\n<!-- l10n: note Keep it a prohibition. -->\n"
        "Do not drive after taking this medicine.\n"
    )
    (caveat_entry,) = template.entries
    assert caveat_entry.extracted_comments[:3] == [
        "paragraph",
        "Keep it a prohibition.",
        "caveat: no-driving",
    ]
    explanation = caveat_entry.extracted_comments[3]
    assert "required safety caveat" in explanation.lower()
    assert "before any page is published" in explanation
    assert catalogs.caveat_of(caveat_entry) == "no-driving"


def test_a_template_header_has_every_field_xgettext_writes() -> None:
    fields = dict(template_of("Text.\n").header_fields())
    assert fields == {
        "Project-Id-Version": "doc",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": DATE,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": "locpipe 0.1.0",
    }


def test_templates_that_differ_only_in_date_and_line_positions_are_the_same() -> None:
    built = template_of("# Dosage\n\nTake one tablet.\n")
    on_disk = parse_po(format_po(built).encode(), path="doc.pot")  # entries now know their line
    on_disk.set_header_field("POT-Creation-Date", "2001-01-01 00:00+0000")
    assert catalogs.same_template(on_disk, built)
    on_disk.entries[0].msgid = "Posology"
    assert not catalogs.same_template(on_disk, built)


# --- new catalogs --------------------------------------------------------------------------------

#: Babel before 2.19 (and GNU gettext) give French and Portuguese two plural forms; Babel 2.19
#: adds CLDR's "many" for exact millions. ``init`` writes what the installed Babel says.
ROMANCE = {2, 3}


@pytest.mark.parametrize(
    ("locale", "nplurals", "team"),
    [
        ("ar", {6}, "Arabic"),
        ("ja", {1}, "Japanese"),
        ("fr", ROMANCE, "French"),
        ("pt_BR", ROMANCE, "Portuguese (Brazil)"),
        ("zh_Hans", {1}, "Chinese (Simplified)"),
        ("ru", {3}, "Russian"),
    ],
)
def test_a_new_catalog_header_is_complete_for_its_locale(
    locale: str, nplurals: set[int], team: str
) -> None:
    new = catalogs.new_catalog(template_of("Text.\n"), locale, revision_date=DATE, domain="doc")
    fields = dict(new.header_fields())
    plural = default_plural_forms(locale)  # locpipe's table, not the installed Babel's
    assert fields["Language"] == locale
    assert fields["Language-Team"] == team
    assert fields["Plural-Forms"] == plural.header
    assert plural.count in nplurals
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["PO-Revision-Date"] == fields["POT-Creation-Date"] == DATE
    assert not new.header.fuzzy
    assert [(e.msgid, e.msgstr) for e in new.entries] == [("Text.", "")]


@pytest.mark.parametrize(
    ("locale", "declared", "contradicts"),
    [
        ("fr", "nplurals=2; plural=(n > 1);", False),
        # CLDR 42's "many" for exact millions, as Babel 2.19 and Poedit write it
        ("fr", "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n % 1000000 == 0 ? 1 : 2;", False),
        ("fr", "nplurals=4; plural=(n%10==1 ? 0 : 1);", True),
        ("fr", "nplurals=1; plural=0;", True),
        ("fr", "plural=(n > 1);", True),
        ("ru", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 ? 1 : 2);", False),
        ("ru", "nplurals=2; plural=(n != 1);", True),
        ("ja", "nplurals=2; plural=(n != 1);", True),
        ("en_XA", "nplurals=2; plural=(n != 1);", False),
    ],
)
def test_a_plural_forms_header_that_contradicts_the_locale_is_an_error(
    locale: str, declared: str, contradicts: bool
) -> None:
    po = catalog_of()
    po.set_header_field("Plural-Forms", declared)
    po.header.line = 2
    if not contradicts:
        catalog_plural_forms(po, locale, path="x.po")
        return
    expected = " or ".join(f"nplurals={count}" for count in sorted(accepted_plural_counts(locale)))
    problem = rf"contradicts locale {locale} \(expected {expected}\)$"
    if "nplurals" not in declared:
        problem = r"is not a valid rule \(nplurals=N; plural=EXPRESSION;"
    with pytest.raises(CatalogError, match=problem) as info:
        catalog_plural_forms(po, locale, path="x.po")
    assert str(info.value).startswith("x.po:2: error: ")


@pytest.mark.parametrize(
    ("locale", "counts"),
    [
        ("fr", {2, 3}),
        ("es", {2, 3}),
        ("pt_BR", {2, 3}),
        ("it", {2, 3}),
        ("ca", {2, 3}),
        ("de", {2}),
        ("ru", {3}),
        ("ar", {6}),
        ("ja", {1}),
        ("en_XA", {2}),
    ],
)
def test_accepted_plural_counts_are_babels_and_gettexts(locale: str, counts: set[int]) -> None:
    assert accepted_plural_counts(locale) == counts
    assert default_plural_forms(locale).count in counts


# --- merging -------------------------------------------------------------------------------------


def test_an_unchanged_string_keeps_its_translation_and_translator_comments() -> None:
    old = catalog_of(entry("Shake well.", "Bien agiter.", comments=("Checked by Marie.",)))
    (merged,) = catalogs.merge(old, template_from(entry("Shake well."))).entries
    assert (merged.msgstr, merged.translator_comments, merged.fuzzy) == (
        "Bien agiter.",
        ["Checked by Marie."],
        False,
    )


def test_a_changed_string_gets_the_old_translation_as_fuzzy_with_the_old_msgid() -> None:
    old = catalog_of(
        entry("Store the medicine in a cool, dry place.", "Conserver au frais et au sec.")
    )
    new = template_from(entry("Store the medicine in a cool and dry place."))
    merged = catalogs.merge(old, new)
    assert [(state(e), e.msgstr, e.previous_msgid) for e in merged.entries] == [
        ("fuzzy", "Conserver au frais et au sec.", "Store the medicine in a cool, dry place.")
    ]


def test_a_vanished_translated_string_becomes_obsolete_with_its_comments() -> None:
    old = catalog_of(entry("Old sentence.", "Ancienne phrase.", comments=("keep me",)))
    merged = catalogs.merge(old, template_from(entry("Something else entirely, really.")))
    assert states(merged) == {
        (None, "Something else entirely, really.", False): "untranslated",
        (None, "Old sentence.", True): "obsolete",
    }
    assert merged.entries[1].translator_comments == ["keep me"]


def test_an_obsolete_string_that_comes_back_is_translated_again() -> None:
    old = catalog_of(entry("Shake well.", "Bien agiter.", obsolete=True))
    (merged,) = catalogs.merge(old, template_from(entry("Shake well."))).entries
    assert (state(merged), merged.msgstr) == ("translated", "Bien agiter.")


def test_an_obsolete_fuzzy_string_that_comes_back_stays_fuzzy() -> None:
    # Regression: reviving an obsolete entry dropped its fuzzy flag, publishing a translation
    # nobody had reviewed.
    old = catalog_of(
        entry("Shake well.", "Bien agiter.", fuzzy=True, obsolete=True, previous="Shake.")
    )
    (merged,) = catalogs.merge(old, template_from(entry("Shake well."))).entries
    assert (state(merged), merged.previous_msgid) == ("fuzzy", "Shake.")


def test_a_fuzzy_string_that_changes_again_keeps_the_msgid_it_was_translated_from() -> None:
    # Regression: the #| line showed the last fuzzy msgid, not the text the translation is for.
    old = catalog_of(
        entry(
            "The quick brown fox jumps over the lazy dog.",
            "Le renard.",
            fuzzy=True,
            previous="The quick brown fox jumps over the lazy cat.",
        )
    )
    new = template_from(entry("The quick brown fox jumps over the lazy dogs."))
    (merged,) = catalogs.merge(old, new).entries
    assert (state(merged), merged.previous_msgid) == (
        "fuzzy",
        "The quick brown fox jumps over the lazy cat.",
    )


def test_the_old_entry_behind_a_fuzzy_match_is_not_also_kept_as_obsolete() -> None:
    old = catalog_of(entry("Shake the bottle well before use.", "Bien agiter avant emploi."))
    merged = catalogs.merge(old, template_from(entry("Shake the bottle well before each use.")))
    assert states(merged) == {(None, "Shake the bottle well before each use.", False): "fuzzy"}


def test_an_untranslated_string_that_vanishes_leaves_nothing_behind() -> None:
    old = catalog_of(entry("Never translated."))
    merged = catalogs.merge(old, template_from(entry("A new sentence about storage.")))
    assert states(merged) == {(None, "A new sentence about storage.", False): "untranslated"}


def test_a_template_s_comments_and_references_replace_the_old_ones() -> None:
    old = catalog_of(PoEntry(msgid="Text.", msgstr="Texte.", extracted_comments=["old"]))
    new = catalog_of(
        PoEntry(msgid="Text.", extracted_comments=["list item"], references=["source/a.md:9"])
    )
    (merged,) = catalogs.merge(old, new).entries
    assert (merged.extracted_comments, merged.references) == (["list item"], ["source/a.md:9"])


def test_merging_updates_pot_creation_date_but_never_po_revision_date() -> None:
    old = catalog_of(entry("Text.", "Texte."))
    old.set_header_field("POT-Creation-Date", "2001-01-01 00:00+0000")
    old.set_header_field("PO-Revision-Date", "2002-02-02 00:00+0000")
    merged = catalogs.merge(old, template_of("Text.\n"))
    fields = dict(merged.header_fields())
    assert fields["POT-Creation-Date"] == DATE
    assert fields["PO-Revision-Date"] == "2002-02-02 00:00+0000"


# --- safe fuzzy matching -------------------------------------------------------------------------

SAFETY_CASES = [
    # (why, old entry, new entry, offered as fuzzy?)
    (
        "similar prose",
        entry("Shake the bottle well before use.", "x"),
        entry("Shake the bottle well before each use."),
        True,
    ),
    (
        "a dose changed",
        entry("Take 10 mg daily.", "x"),
        entry("Take 100 mg daily."),
        False,
    ),
    (
        "an interval changed",
        entry("Take one tablet every 8 hours with food.", "x"),
        entry("Take one tablet every 6 hours with food."),
        False,
    ),
    (
        "a decimal changed",
        entry("Apply a 0.5% cream to the scalp twice a day.", "x"),
        entry("Apply a 0.05% cream to the scalp twice a day."),
        False,
    ),
    (
        "the same numbers, other words",
        entry("Take 10 mg daily with water.", "x"),
        entry("Take 10 mg daily with a glass of water."),
        True,
    ),
    (
        "another msgctxt",
        entry("Store in a cool, dry place.", "x", msgctxt="storage"),
        entry("Store in a cool, dry place.", msgctxt="transport"),
        False,
    ),
    (
        "the same msgctxt",
        entry("Store in a cool, dry place.", "x", msgctxt="storage"),
        entry("Store in a cool and dry place.", msgctxt="storage"),
        True,
    ),
    (
        "another caveat",
        entry("Do not drive after taking this medicine.", "x", caveat_id="no-driving"),
        entry("Do not drink after taking this medicine.", caveat_id="no-alcohol"),
        False,
    ),
    (
        "the same caveat, reworded",
        entry("Do not drive after taking this medicine.", "x", caveat_id="no-driving"),
        entry("Do not drive or cycle after taking this medicine.", caveat_id="no-driving"),
        True,
    ),
    (
        "prose into a caveat",
        entry("Do not drive after taking this medicine.", "x"),
        entry("Never drive after taking this medicine.", caveat_id="no-driving"),
        False,
    ),
    (
        "a caveat into prose",
        entry("Do not drive after taking this medicine.", "x", caveat_id="no-driving"),
        entry("Never drive after taking this medicine."),
        False,
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "offered"),
    [case[1:] for case in SAFETY_CASES],
    ids=[case[0] for case in SAFETY_CASES],
)
def test_a_fuzzy_match_is_offered_only_when_it_is_safe(
    old: PoEntry, new: PoEntry, offered: bool
) -> None:
    (merged, *_) = catalogs.merge(catalog_of(old), template_from(new)).entries
    assert state(merged) == ("fuzzy" if offered else "untranslated")


def test_babel_offers_the_unsafe_matches_locpipe_refuses() -> None:
    """Babel's Catalog.update pre-fills across numbers and across msgctxt (like msgmerge)."""
    old = Catalog(locale="fr")
    old.add("Take 10 mg daily.", "Prendre 10 mg par jour.")
    old.add("Store in a cool, dry place.", "Conserver au frais.", context="storage")
    template = Catalog()
    template.add("Take 100 mg daily.")
    template.add("Store in a cool, dry place.", context="transport")
    old.update(template)
    assert old.get("Take 100 mg daily.").string == "Prendre 10 mg par jour."
    assert old.get("Store in a cool, dry place.", context="transport").fuzzy

    ours = catalogs.merge(
        catalog_of(
            entry("Take 10 mg daily.", "Prendre 10 mg par jour."),
            entry("Store in a cool, dry place.", "Conserver au frais.", msgctxt="storage"),
        ),
        template_from(
            entry("Take 100 mg daily."),
            entry("Store in a cool, dry place.", msgctxt="transport"),
        ),
    )
    assert [state(e) for e in ours.entries if not e.obsolete] == ["untranslated", "untranslated"]


def test_a_changed_string_with_many_new_words_still_finds_its_old_translation() -> None:
    # Regression: words no old string has took the few "rare word" places, so a paragraph
    # with eight or more new words never found the paragraph it was edited from.
    before = (
        "Scalp psoriasis is a chronic autoimmune condition that affects millions of people "
        "worldwide and can cause significant discomfort in severe cases."
    )
    after = (
        "Scalp psoriasis is a chronic autoimmune condition that affects millions of people "
        "worldwide and can cause significant discomfort, embarrassment, itching, flaking, "
        "soreness, tightness, dryness and hair loss in severe cases."
    )
    merged = catalogs.merge(catalog_of(entry(before, "traduction")), template_from(entry(after)))
    assert state(merged.entries[0]) == "fuzzy"


def test_between_equally_good_candidates_the_first_in_the_catalog_wins() -> None:
    # Two old strings as close as each other to the new one: the choice must not depend on
    # hash order (PYTHONHASHSEED), or `update` would not be reproducible.
    old = catalog_of(
        entry("Wash your hands before use of the cream.", "premier"),
        entry("Wash your hands after use of the cream.", "second"),
    )
    new = template_from(entry("Wash your hands for use of the cream."))
    for _ in range(3):
        assert catalogs.merge(old, new).entries[0].msgstr == "premier"


# --- checks and counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgstr", "fuzzy", "problem"),
    [
        ("Dosage", "Posologie", False, None),
        ("Dosage", "Posologie\n", False, "end"),
        ("Line\n", "Ligne", False, "end"),
        ("\nLead", "Tête", False, "begin"),
        ("Dosage", "Posologie\n", True, None),  # fuzzy never reaches the .mo
        ("Dosage", "", False, None),  # untranslated neither
    ],
)
def test_a_translation_must_keep_the_newlines_at_both_ends_as_msgfmt_checks(
    msgid: str, msgstr: str, fuzzy: bool, problem: str | None
) -> None:
    po = catalog_of(entry(msgid, msgstr, fuzzy=fuzzy))
    po.entries[0].line = 7
    if problem is None:
        catalogs.check_translations(po, path="fr.po")
        return
    with pytest.raises(CatalogError, match=rf"do not both {problem} with a newline") as info:
        catalogs.check_translations(po, path="fr.po")
    assert str(info.value).startswith("fr.po:7: error: ")


def test_stats_count_fuzzy_apart_from_translated_and_obsolete_apart_from_total() -> None:
    po = catalog_of(
        entry("Translated.", "Traduit."),
        entry("Fuzzy.", "Flou.", fuzzy=True),
        entry("Fuzzy but empty.", "", fuzzy=True),
        entry("Untranslated."),
        entry("Caveat done.", "Fait.", caveat_id="a"),
        entry("Caveat fuzzy.", "Flou.", caveat_id="b", fuzzy=True),
        entry("Gone.", "Parti.", obsolete=True),
    )
    result = catalogs.stats(po)
    assert result == catalogs.Stats(
        total=6,
        translated=2,
        fuzzy=2,
        untranslated=2,
        obsolete=1,
        caveats=2,
        caveats_translated=1,
    )
    assert result.percent == pytest.approx(100 * 2 / 6)


def test_an_empty_catalog_is_complete() -> None:
    assert catalogs.stats(catalog_of()).percent == 100.0


def test_a_template_built_here_reads_back_identically() -> None:
    template = template_of(
        "# Title\n\n<!-- caveat: c -->\nCaveat text.\n\n<!-- l10n: context x -->\nText.\n"
    )
    text = format_po(template)
    again = parse_po(text.encode(), path="doc.pot")
    assert format_po(again) == text
    assert catalogs.same_template(again, template)
    assert text.count("#, fuzzy") == 1  # the template's header, as xgettext marks it
