"""The meaning checks: every harmful caveat rewrite in tests/fixtures/rewrites/ is refused by the
gate, and every faithful one passes (each run through the real catalog check)."""

from __future__ import annotations

import html
import json
import tomllib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locpipe import gate, lexicon, meaning
from locpipe.pofile import parse_po
from locpipe.registry import load_registry
from locpipe.segment import extract

ROOT = Path(__file__).parent.parent
REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
ARTICLE = "source/article.md"


def _cases():
    for path in sorted(REWRITES.glob("*.toml")):
        locale = path.stem
        for number, case in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["case"]):
            case_id = f"{locale}-{number:02d}-{case['verdict']}-{case['class']}"
            yield pytest.param(locale, case, id=case_id)


@pytest.fixture(scope="module")
def shipped():
    messages = extract((ROOT / ARTICLE).read_text(encoding="utf-8"), path=ARTICLE)
    registry = load_registry(ROOT / "source" / "caveats.toml", shown_as="source/caveats.toml")
    return gate.caveat_sites(messages), registry


def reference(locale: str) -> dict[str, str]:
    """The faithful caveat translations of a fixture for a locale with no shipped catalog."""
    fixture = tomllib.loads((REWRITES / f"{locale}.toml").read_text(encoding="utf-8"))
    return dict(fixture.get("reference", {}))


def catalog_of(locale: str):
    """The shipped catalog of ``locale``; without one, the template with the fixture's faithful
    caveat translations (the other strings untranslated)."""
    path = ROOT / "locales" / locale / "LC_MESSAGES" / "article.po"
    if path.is_file():
        return path, parse_po(path.read_bytes(), path=str(path))
    template = ROOT / "locales" / "article.pot"
    catalog = parse_po(template.read_bytes(), path=str(template))
    translations = reference(locale)
    for entry in catalog.entries:
        caveat = gate.caveat_of(entry)
        if caveat is not None:
            entry.msgstr = translations[caveat]
    return path, catalog


def check_rewrite(shipped, locale: str, case: dict | None) -> list[gate.Finding]:
    """The gate's catalog findings for the catalog of ``locale`` with one caveat rewritten."""
    sites, registry = shipped
    path, catalog = catalog_of(locale)
    for entry in catalog.entries if case else ():
        if f"caveat: {case['caveat']}" in entry.extracted_comments:
            entry.msgstr = case["msgstr"]
            entry.previous_msgid = case.get("previous-msgid")
            entry.previous_msgctxt = case.get("previous-msgctxt", entry.msgctxt)
    return gate.check_catalog(locale, sites, catalog, str(path), registry)


@pytest.mark.parametrize("locale", ["ja", "ru", "hi", "he"])
def test_the_reference_translations_of_the_new_languages_pass(shipped, locale):
    assert reference(locale), "the fixture has no [reference] translations"
    findings = check_rewrite(shipped, locale, None)
    assert not findings, "\n".join(str(f) for f in findings)


@pytest.mark.parametrize(("locale", "case"), list(_cases()))
def test_a_rewrite_is_refused_if_and_only_if_it_is_harmful(shipped, locale, case):
    findings = check_rewrite(shipped, locale, case)
    if case["verdict"] == "harmful":
        assert findings, f"not refused: {case['why']}"
    else:
        assert not findings, "\n".join(str(f) for f in findings)


def test_the_same_text_with_invisible_characters_gets_the_same_verdict():
    plain = "**Fase experimental:** La terapia ya no es experimental y está ampliamente disponible."
    hidden = plain.replace("experimental", "experi\u00admen\u200btal").replace("no", "n\u200do")
    assert meaning.read("es", plain).units == meaning.read("es", hidden).units


@pytest.mark.parametrize(
    ("msgstr", "expected"),
    [
        ("texto \u202e oculto", "U+202E"),
        ("texto &#x202E; oculto", "U+202E"),
        ("نص &rlm; مخفي", "U+200F"),
        ("texto &#8238; oculto", "U+202E"),
        ("texto &#x202e oculto", "U+202E"),  # no semicolon: still decoded
        ("a&nbsp;&lrm;b", "U+200E"),
    ],
)
def test_bidi_controls_are_refused_also_as_entities(msgstr, expected):
    assert expected in (meaning.bidi_controls("text", msgstr) or "")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", " ", "&", "#", "x", "lrm", "rlm", "LRM", ";", "&nbsp;", "8206", "200f", "20"]
            + ["&#", "&#x", "&lrm;", "&rlm;", "&#8207;", "&#x202E", "&#0008294;", "&amp;lrm;"]
            + sorted(meaning.BIDI_CONTROLS)
        )
        | st.characters(),
        max_size=12,
    ).map("".join)
)
def test_no_text_that_decodes_to_a_bidi_control_escapes_the_quick_look(text):
    """The quick look (:func:`meaning.may_hold_bidi_controls`) lets through every text in
    which decoding character references shows a bidi control."""
    if any(char in meaning.BIDI_CONTROLS for char in html.unescape(text)):
        assert meaning.may_hold_bidi_controls(text)


_FOLDED_AWAY = sorted(chr(code) for code in lexicon._INVISIBLE)
_LOOK_ALIKE_LETTERS = sorted(chr(code) for code in lexicon.LOOK_ALIKES)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_FOLDED_AWAY, *_LOOK_ALIKE_LETTERS, "a", "é", "e\u0301", "ß", "Σ", " "])
        | st.characters(),
        max_size=16,
    ).map("".join)
)
def test_folding_and_look_alikes_follow_their_tables(text):
    """:func:`lexicon.fold` drops exactly the characters of its table (then NFC, case-folded);
    :func:`lexicon.as_latin` maps exactly the look-alike letters of its table (both use a quick
    regex scan instead of a lookup per character)."""
    dropped = "".join(char for char in text if char not in _FOLDED_AWAY)
    assert lexicon.fold(text) == unicodedata.normalize("NFC", dropped).casefold()
    assert lexicon.as_latin(text) == "".join(
        chr(lexicon.LOOK_ALIKES.get(ord(char), ord(char))) for char in text
    )


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    for code in gate.RULES:
        assert f"| {code} |" in doc, code


@given(st.text(st.characters(codec="utf-8")), st.integers(min_value=1, max_value=40))
def test_counting_letters_stops_where_the_answer_is_known(text, count):
    assert meaning._has_letters(text, count) == (sum(char.isalpha() for char in text) >= count)


@pytest.mark.parametrize(
    ("text", "decided"),
    [
        ("Die Therapie ist neu ja", False),  # 19 letters: too short to tell
        ("Die Therapie ist neu und", True),  # 20
        ("Die Therapie ist neu ja UC-MSC", False),  # an abbreviation is no word of a language
        ("Die Therapie ist neu ja x2", False),  # nor is a word with a digit
        ("Die  Therapie\tist neu\nund", True),  # any blanks between words
    ],
)
def test_a_text_too_short_to_tell_has_no_language(text, decided):
    assert (meaning.identify(text, ("de", "en")) is not None) == decided


#: Words that share beginnings, lemmas (de: "verfügbar" is the lemma of "verfügbare") and, in
#: Arabic, clitics ("وال" + "علاج"), so that the phrase search's index has collisions to get wrong.
_SEARCH_WORDS = {
    "de": ["verfügbar", "verfügbare", "verfügbaren", "verfüg", "nicht", "noch", "experimentell",
           "experiment", "ex", "e", "therapie", "ärztin"],
    "ar": ["علاج", "والعلاج", "بالعلاج", "العلاج", "لا", "متاح", "متاحة", "تجريبي", "وتجريبي"],
}  # fmt: skip


@st.composite
def _text_and_first_word(draw):
    language = draw(st.sampled_from(sorted(_SEARCH_WORDS)))
    pool = _SEARCH_WORDS[language]
    words = draw(st.lists(st.sampled_from([*pool, ".", ","]), max_size=30))
    forms = draw(
        st.lists(
            st.sampled_from(pool).flatmap(lambda w: st.sampled_from([w, w + "*", w[:2] + "*"])),
            min_size=1,
            max_size=4,
        )
    )
    return language, " ".join(words), tuple(forms)


@given(_text_and_first_word())
def test_the_phrase_search_looks_up_where_a_scan_finds(case):
    """The units a phrasing may start at, looked up in the text's index of forms, lemmas and
    prefixes: the units a scan of every unit matches."""
    language, text, forms = case
    units = meaning._units(lexicon.fold(text), lexicon.lexicon(language))
    exact, lemmas, prefixes = meaning._matcher(forms, language)
    scanned = [
        i
        for i, unit in enumerate(units)
        if unit.lemma in lemmas
        or not exact.isdisjoint(unit.forms)
        or any(form.startswith(prefixes) for form in unit.forms)
    ]
    assert meaning._starts(meaning._text(units), forms, language) == scanned


def test_a_claim_is_stated_alike_each_time_it_is_asked(shipped):
    """Three rules ask how each claim is stated in the same text: kept from the first, the
    answer is the one a fresh reading gives."""
    _, registry = shipped
    spec = registry["experimental-stage"]
    text = "Diese Therapie ist nicht experimentell, sondern noch nicht verfügbar."
    first = [meaning.stated(meaning.read("de", text), claim, "de") for claim in spec.claims]
    again = [meaning.stated(meaning.read("de", text), claim, "de") for claim in spec.claims]
    meaning.read.cache_clear()
    meaning._TEXTS.clear()
    fresh = [meaning.stated(meaning.read("de", text), claim, "de") for claim in spec.claims]
    assert first == again == fresh
    assert [p for p in first if p] and first[0] == ["negative"]  # "nicht experimentell"


@pytest.mark.parametrize(
    ("previous", "stale"),
    [
        ((None, "Hello"), False),
        (("greeting", "Hello"), True),
        ((None, "Hi"), True),
        ((None, None), False),
    ],
)
def test_c040_compares_the_previous_msgctxt_too(previous, stale):
    assert (meaning.stale_previous(previous, (None, "Hello"), False) is not None) is stale
    assert meaning.stale_previous(previous, (None, "Hello"), True) is None


def test_the_committed_lemma_tables_are_up_to_date():
    """Changed the lexicon or the registry? Run ``python -m locpipe.lexicon`` and commit."""
    from locpipe import lexicon

    registry = (ROOT / "source" / "caveats.toml").read_text(encoding="utf-8")
    for language in lexicon.LEMMATIZED:
        committed = json.loads(
            (ROOT / "src" / "locpipe" / "data" / f"lemmas-{language}.json").read_text("utf-8")
        )
        assert committed == lexicon.build_lemma_table(language, registry), (
            f"lemmas-{language}.json is out of date: run `python -m locpipe.lexicon`"
        )
