"""The meaning checks: every harmful caveat rewrite in tests/fixtures/rewrites/ is refused by the
gate, and every faithful one passes (each run through the real catalog check)."""

from __future__ import annotations

import html
import json
import os
import random
import shutil
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


def test_the_language_model_cache_gives_the_same_model(tmp_path, monkeypatch):
    from locpipe import langmodel

    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path))
    fresh = langmodel.load_identifier()  # decompressed from py3langid, then stored
    assert len(list(tmp_path.glob("py3langid-*"))) == 1
    cached = langmodel.load_identifier()  # mapped from the cache
    for text in (
        "La terapia sigue siendo experimental y su disponibilidad es limitada.",
        "Die Therapie ist noch experimentell und nicht überall verfügbar.",
        "该疗法仍处于实验阶段，尚未广泛应用。",
        "العلاج لا يزال تجريبيًا وغير متاح على نطاق واسع.",
    ):
        assert fresh.rank(text) == cached.rank(text)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["installs", cached_name(tmp_path)]


def cached_name(cache) -> str:
    (folder,) = cache.glob("py3langid-*")
    return folder.name


@pytest.fixture
def installs(tmp_path, monkeypatch):
    """Two installs of py3langid's model file (same content, installed at different times), a
    cache of its own, and a count of the decompressions; ``use(n)`` points py3langid at one."""
    import py3langid.langid
    import py3langid.modelio

    from locpipe import langmodel

    shipped = Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE
    folders = []
    for number in range(2):
        folder = tmp_path / f"install-{number}"
        copy = folder / py3langid.langid.MODEL_FILE
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(shipped.read_bytes())
        os.utime(copy, ns=(10**18 + number, 10**18 + number))
        folders.append(folder)
    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path / "cache"))
    decompressed = []
    load_model = py3langid.modelio.load_model

    def counted(path):
        decompressed.append(path)
        return load_model(path)

    monkeypatch.setattr(py3langid.modelio, "load_model", counted)

    def use(number: int):
        monkeypatch.setattr(py3langid.langid, "MODEL_DIR", folders[number])
        return langmodel.load_identifier()

    return use, decompressed, tmp_path / "cache"


def test_installs_of_the_same_model_share_one_copy(installs):
    use, decompressed, cache = installs
    first = use(0)
    second = use(1)  # another venv: its file is newer, its content the same
    assert len(decompressed) == 1
    assert len(list(cache.glob("py3langid-*"))) == 1
    assert len(list((cache / "installs").iterdir())) == 2  # each install's digest, noted
    text = "Die Therapie ist noch experimentell und nicht überall verfügbar."
    assert first.rank(text) == second.rank(text)
    use(0)
    use(1)
    assert len(decompressed) == 1


def test_a_note_of_a_removed_copy_or_a_garbled_one_only_costs_time(installs):
    use, decompressed, cache = installs
    use(0)
    shutil.rmtree(cache / cached_name(cache))  # pruned by another version's run
    assert use(0).rank("Die Therapie ist noch experimentell.")[0][0] == "de"
    assert len(decompressed) == 2
    (note,) = (cache / "installs").iterdir()
    note.write_bytes(b"../../etc\xff")
    assert use(0).rank("Die Therapie ist noch experimentell.")[0][0] == "de"
    assert len(decompressed) == 2  # found again by its digest
    assert note.read_text() == cached_name(cache) + "\n"


def test_only_the_newest_notes_of_installs_are_kept(installs):
    use, _, cache = installs
    notes = cache / "installs"
    notes.mkdir(parents=True)
    for number in range(40):  # notes of installs gone since, oldest first
        (notes / f"py3langid-0.4.0-1-{number}").write_text("x\n")
        os.utime(notes / f"py3langid-0.4.0-1-{number}", ns=(number, number))
    (notes / ".tmp-left-by-a-killed-run").write_text("")
    os.utime(notes / ".tmp-left-by-a-killed-run", ns=(0, 0))
    use(0)
    left = sorted(path.name for path in notes.iterdir())
    assert len(left) == 32  # this install's note and the 31 newest others
    assert "py3langid-0.4.0-1-39" in left and "py3langid-0.4.0-1-8" not in left
    assert not [name for name in left if name.startswith(".tmp-")]


def test_the_language_model_cache_keeps_only_the_newest_copies(tmp_path, monkeypatch):
    from locpipe import langmodel

    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path))
    (tmp_path / "py3langid-0.4.0-1-2.npz").write_bytes(b"an earlier locpipe's copy")
    (tmp_path / "py3langid-0.4.0-4586720-1796545853074297857").mkdir()  # and one of an install
    for number in range(5):  # copies of other models, oldest first
        (tmp_path / f"py3langid-0.3.{number}-{number:032x}").mkdir()
        os.utime(tmp_path / f"py3langid-0.3.{number}-{number:032x}", ns=(number, number))
    langmodel.load_identifier()
    left = sorted(path.name for path in tmp_path.glob("py3langid-*"))
    assert len(left) == 3  # the new copy and the two newest others
    assert f"py3langid-0.3.4-{4:032x}" in left and f"py3langid-0.3.3-{3:032x}" in left


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    from locpipe import langmodel

    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("LOCPIPE_CACHE", str(blocked / "cache"))
    assert langmodel.load_identifier().rank("Die Therapie ist noch experimentell.")[0][0] == "de"


def _caveat_texts() -> list[str]:
    """Every string of the shipped catalogs, and runs of their words picked at random."""
    texts = [
        text
        for path in sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))
        for entry in parse_po(path.read_bytes(), path=str(path)).entries
        for text in (entry.msgid, entry.msgstr)
        if text
    ]
    words = " ".join(texts).split()
    pick = random.Random(23)
    runs = [" ".join(pick.choices(words, k=pick.randint(1, 12))) for _ in range(400)]
    return [*texts, *runs, "", "1234 5678", "!!! ???", "ÄÖÜ", "CAPITALS ONLY TEXT HERE"]


#: Every set of candidates C036 asks about, a label with two columns (sr), one the model lacks.
_CANDIDATES = [*meaning.CONFUSABLE.values(), ("sr", "en"), ("en", "xx"), ("xx",)]


def test_the_candidates_ranking_is_py3langids_own():
    """:func:`langmodel.most_likely` scores only the candidates' columns: it must answer as the
    first candidate in py3langid's ranking of every language does, ties and merged labels
    included."""
    from locpipe import langmodel

    identifier = meaning._identifier()
    differ = []
    for text in _caveat_texts():
        ranking = [language for language, _ in identifier.rank(text)]
        for candidates in _CANDIDATES:
            expected = next((lang for lang in ranking if lang in candidates), None)
            found = langmodel.most_likely(identifier, text, candidates)
            if found != expected:
                differ.append((text[:40], candidates, expected, found))
    assert differ == []


def _tiny_identifier(classes: list[str], weights: list[float]):
    """A py3langid identifier whose one feature is every byte, weighted per column."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    return LanguageIdentifier(
        np.array([weights], dtype=np.float16),
        np.zeros(len(classes), dtype=np.float32),
        classes,
        [0] * 256,
        [0],
        norm_probs=False,
        tk_row=[0],
    )


@pytest.mark.parametrize(
    ("classes", "weights", "candidates"),
    [
        (["a", "b", "c"], [-1.0, -2.0, -2.0], ("b", "c")),  # a tie: the label listed first
        (["a", "b", "c"], [-1.0, -2.0, -2.0], ("c", "b")),
        (["a", "b", "a"], [-3.0, -2.0, -1.0], ("a", "b")),  # a label's best column counts
        (["a", "b", "a"], [-1.0, -2.0, -3.0], ("b", "a")),
        (["a", "b", "a"], [-2.0, -2.0, -3.0], ("b", "a")),  # merged, then tied
    ],
)
@pytest.mark.parametrize("text", ["some text", ""])
def test_the_candidates_ranking_breaks_ties_as_py3langid(classes, weights, candidates, text):
    from locpipe import langmodel

    identifier = _tiny_identifier(classes, weights)
    ranking = [language for language, _ in identifier.rank(text)]
    expected = next(language for language in ranking if language in candidates)
    assert langmodel.most_likely(identifier, text, candidates) == expected


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


def test_the_candidates_columns_are_kept_per_model():
    """Two models with the same candidates each score with their own columns."""
    from locpipe import langmodel

    first = _tiny_identifier(["a", "b"], [-1.0, -2.0])
    second = _tiny_identifier(["b", "a"], [-1.0, -2.0])
    assert langmodel.most_likely(first, "text", ("a", "b")) == "a"
    assert langmodel.most_likely(second, "text", ("a", "b")) == "b"
    assert langmodel.most_likely(first, "text", ("a", "b")) == "a"


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
