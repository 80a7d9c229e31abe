"""Meaning checks for caveats (C030–C042): a translation must say what the English says.

Each rule is a pure function ``(locale, msgid, msgstr, spec) → failure message or None``; the first
line of its docstring is its code and title. The text is read once per (locale, msgstr) into a
:class:`Reading`: invisible characters dropped, struck-through text (``~~…~~``) removed as the
deletion it shows, the bold label (``**Label:**``) kept apart from the body, the words split
into clauses, and every word marked with the negations whose scope covers it (per-language
tables in :mod:`locpipe.lexicon`). A caveat's claims and their polarity come from the registry.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import html
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from locpipe.lexicon import (
    MARKS,
    WORD,
    Lexicon,
    Phrasing,
    as_latin,
    fold,
    lemma,
    lemmas,
    lexicon,
)
from locpipe.locales import base_language, is_pseudo
from locpipe.registry import CaveatSpec, Claim
from locpipe.render import plain_text

if TYPE_CHECKING:
    from locpipe.langmodel import Model

MeaningRule = Callable[[str, str, str, CaveatSpec | None], str | None]
"""(locale, msgid, msgstr, the caveat's registry entry) → failure message, or None."""

_SCOPE = {True: 10, False: 12}
"""How far a negation reaches, in words (spaced scripts) or characters (Chinese)."""
_LOOSE_GAP = {True: 3, False: 6}
"""Between the words of a claim's phrasing: up to this many other words (characters)."""
_GAP = {True: 3, False: 8}
"""Where a lexicon phrasing has "…"."""
_CLAUSE_MARKS = frozenset('.;:!?,()[]—–"«»“”„،؛؟。，；：！？（）「」、।॥׃') - {"、"}
_STRUCK = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.DOTALL)
_LABEL = re.compile(r"^\s*(\*\*|__)(?P<label>(?:(?!\1).)+?)\1\s*(?P<colon>[:：]?)", re.DOTALL)
_WORD = WORD
_TOKEN = re.compile(f"((?:[^\\W_]|[{MARKS}])+)|[^\\w\\s{MARKS}]")  # a word (group 1), or a mark
_HEBREW_CLITICS = (
    "וכש",
    "וה",
    "וב",
    "ול",
    "ומ",
    "וש",
    "שה",
    "מה",
    "כש",
    "לכ",
    "ו",
    "ה",
    "ב",
    "ל",
    "מ",
    "ש",
    "כ",
)
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_CLITICS = {"ar": _ARABIC_CLITICS, "he": _HEBREW_CLITICS}


class Unit(NamedTuple):
    """A word (in Chinese: a character) of a text, folded (a tuple: a text has dozens, made
    anew for every text judged)."""

    text: str
    lemma: str
    clause: int
    forms: tuple[str, ...]
    """The forms it matches as: itself, and in Arabic also without its clitic prefixes."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One text as the meaning checks read it (see the module docstring)."""

    language: str
    units: tuple[Unit, ...]
    negated_by: tuple[frozenset[int], ...]
    """Per unit: where the negations whose scope covers it start."""
    label_units: tuple[Unit, ...]
    plain: str
    """The visible text of label and body, folded, struck-through text removed."""
    every_unit: tuple[Unit, ...]
    """The units of body and label: one tuple, so that the phrase search's findings in it are
    kept for every rule that looks (see :func:`_text`)."""


# --- reading a text ------------------------------------------------------------------------------


def visible(msgstr: str) -> str:
    """The text a reader is shown, struck-through text (a deletion) removed."""
    return plain_text(_STRUCK.sub(" ", msgstr))


def split_label(msgstr: str) -> tuple[str, str]:
    """(bold label, body) of a caveat such as ``**Label:** text``; the label may be empty."""
    match = _LABEL.match(msgstr)
    if match is None or not (match["label"].rstrip().endswith((":", "：")) or match["colon"]):
        return "", msgstr
    return match.group(0), msgstr[match.end() :]


@functools.lru_cache(maxsize=1024)
def read(locale: str, msgstr: str) -> Reading:
    """``msgstr`` read for the meaning checks (cached: every rule reads the same text)."""
    language = base_language(locale)
    lex = lexicon(language)
    label, body = split_label(_STRUCK.sub(" ", msgstr))
    units = _units(fold(plain_text(body)), lex)
    label_units = _units(fold(plain_text(label)), lex) if label else ()
    return Reading(
        language,
        units,
        _negations(units, lex),
        label_units,
        fold(visible(msgstr)),
        units + label_units,
    )


def _units(text: str, lex: Lexicon) -> tuple[Unit, ...]:
    units: list[Unit] = []
    clause = 0
    if lex.spaced:
        language, scope_ends = lex.language, lex.scope_ends
        table = lemmas(language)
        clitics = language in _CLITICS
        for token in _TOKEN.finditer(text):
            word = token.group()
            if word in _CLAUSE_MARKS or word in scope_ends:
                clause += 1
            elif token.lastindex:  # a word, not a mark
                forms = (word, *_without_clitics(word, language)) if clitics else (word,)
                units.append(Unit(word, table.get(word, word), clause, forms))
        return tuple(units)
    i = 0
    ends = sorted(lex.scope_ends, key=len, reverse=True)
    while i < len(text):
        char = text[i]
        end = next((e for e in ends if text.startswith(e, i)), None)
        if char in _CLAUSE_MARKS or end is not None:
            clause += 1
            i += len(end) if end else 1
            continue
        if not char.isspace():
            units.append(Unit(char, char, clause, (char,)))
        i += 1
    return tuple(units)


def _without_clitics(word: str, language: str) -> list[str]:
    """An Arabic or Hebrew word without the prefixes written onto it (and, so, with, for, like,
    the; Hebrew also from, that)."""
    return [
        word[len(p) :]
        for p in _CLITICS.get(language, ())
        if word.startswith(p) and len(word) - len(p) >= 2
    ]


def _word_at(units: tuple[Unit, ...], i: int, forms: tuple[str, ...], language: str) -> int | None:
    """Where the word ``forms`` (alternatives) found at unit ``i`` ends, or None."""
    if lexicon(language).spaced:
        unit = units[i]
        exact, lemmas, prefixes = _matcher(forms, language)
        if unit.lemma in lemmas or any(f in exact for f in unit.forms):
            return i + 1
        if prefixes and any(f.startswith(prefixes) for f in unit.forms):
            return i + 1
        return None
    clause = units[i].clause
    for form in forms:
        end = i + len(form)
        if end <= len(units) and all(
            units[i + k].text == char and units[i + k].clause == clause
            for k, char in enumerate(form)
        ):
            return end
    return None


@functools.lru_cache(maxsize=8192)
def _matcher(
    forms: tuple[str, ...], language: str
) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """A word's alternatives as (exact forms, their lemmas, prefixes of ``word*`` forms)."""
    plain = [form for form in forms if not form.endswith("*")]
    return (
        frozenset(plain),
        frozenset(lemma(language, form) for form in plain),
        tuple(form[:-1] for form in forms if form.endswith("*")),
    )


def _match_from(
    units: tuple[Unit, ...], start: int, phrasing: Phrasing, language: str, loose: bool
) -> int | None:
    """Where ``phrasing`` found from unit ``start`` ends, or None."""
    spaced = lexicon(language).spaced
    end = _word_at(units, start, phrasing.words[0], language)
    clause = units[start].clause
    for forms, gap in zip(phrasing.words[1:], phrasing.gaps, strict=True):
        if end is None:
            return None
        reach = _LOOSE_GAP[spaced] if loose else (_GAP[spaced] if gap else 0)
        following = None
        for at in range(end, min(end + reach + 1, len(units))):
            if units[at].clause != clause:
                break
            following = _word_at(units, at, forms, language)
            if following is not None:
                break
        end = following
    return end


def find(
    units: tuple[Unit, ...], phrasing: Phrasing, language: str, *, loose: bool = False
) -> list[tuple[int, int]]:
    """Every (start, end) of ``phrasing`` in ``units``, its words in order within one clause.

    ``loose``: a few other words may stand between any two of its words (a claim's phrasing);
    otherwise only where the phrasing has "…".
    """
    text = _text(units)
    key = (id(phrasing), language, loose)
    known = text.found.get(key)
    if known is not None and known[0] is phrasing:
        return list(known[1])
    found = []
    for start in _starts(text, phrasing.words[0], language):
        end = _match_from(units, start, phrasing, language, loose)
        if end is not None:
            found.append((start, end))
    text.found[key] = (phrasing, tuple(found))
    return found


def _starts(text: _Text, forms: tuple[str, ...], language: str) -> list[int]:
    """Where a phrasing whose first word is ``forms`` may start: the units that match one of its
    forms as written, as a lemma or as a ``word*`` prefix (looked up in the text's index, not
    scanned for), in text order."""
    if not lexicon(language).spaced:
        firsts = {form[0] for form in forms if form}
        if firsts.isdisjoint(text.texts):
            return []
        return [i for i, unit in enumerate(text.units) if unit.text in firsts]
    exact, lemmas, prefixes = _matcher(forms, language)
    found: list[int] = []
    for form in exact:
        found += text.by_form.get(form, ())
    for word in lemmas:
        found += text.by_lemma.get(word, ())
    for prefix in prefixes:
        for form in text.starting_with(prefix):
            found += text.by_form[form]
    return sorted(set(found)) if found else found


class _Text:
    """What the phrase search knows of one text's units: where each of their texts, forms and
    lemmas stands (every rule looks for dozens of phrasings in the same text, most of them
    absent: one look in these says where they may start), the forms in order (a ``word*``
    prefix is a range of them), and what it found there already (three rules ask about the
    same claims: the polarities each claim is stated in are kept too)."""

    __slots__ = (
        "by_form",
        "by_lemma",
        "firsts",
        "found",
        "sorted_forms",
        "stated",
        "texts",
        "units",
    )

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self.units = units
        self.texts = frozenset(unit.text for unit in units)
        self.by_form: dict[str, list[int]] = {}
        self.by_lemma: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            for form in unit.forms:
                self.by_form.setdefault(form, []).append(i)
            self.by_lemma.setdefault(unit.lemma, []).append(i)
        self.sorted_forms = sorted(self.by_form)
        self.found: dict[tuple[int, str, bool], tuple[Phrasing, tuple[tuple[int, int], ...]]] = {}
        self.firsts: dict[tuple[str, str], frozenset[tuple[str, ...]]] = {}
        self.stated: dict[tuple[int, str, bool], tuple[Claim, tuple[str, ...]]] = {}

    def starting_with(self, prefix: str) -> list[str]:
        """The text's forms that begin with ``prefix``."""
        forms = self.sorted_forms
        at = bisect.bisect_left(forms, prefix)
        end = at
        while end < len(forms) and forms[end].startswith(prefix):
            end += 1
        return forms[at:end]


_Family = Literal["numbers", "promotional", "negation", "negation-clause", "not-negation"]


@functools.cache
def _first_word_index(
    language: str, family: _Family
) -> tuple[
    dict[str, frozenset[tuple[str, ...]]],
    dict[str, frozenset[tuple[str, ...]]],
    frozenset[tuple[str, ...]],
]:
    """The first words of a family of a lexicon's phrasings (number words, promotional
    phrasings, negations), indexed by what :func:`_starts` looks for: (exact form or, unspaced,
    first character → first words; lemma → first words; the first words with a ``word*``
    prefix, which every text may hold)."""
    phrasings = _family(language, family)
    lex = lexicon(language)
    by_form: dict[str, set[tuple[str, ...]]] = {}
    by_lemma: dict[str, set[tuple[str, ...]]] = {}
    always: set[tuple[str, ...]] = set()
    for phrasing in phrasings:
        first = phrasing.words[0]
        if not lex.spaced:
            for form in first:
                if form:
                    by_form.setdefault(form[0], set()).add(first)
            continue
        exact, lemmas, prefixes = _matcher(first, language)
        if prefixes:
            always.add(first)
        for form in exact:
            by_form.setdefault(form, set()).add(first)
        for word in lemmas:
            by_lemma.setdefault(word, set()).add(first)
    return (
        {key: frozenset(value) for key, value in by_form.items()},
        {key: frozenset(value) for key, value in by_lemma.items()},
        frozenset(always),
    )


def _family(language: str, family: _Family) -> tuple[Phrasing, ...]:
    lex = lexicon(language)
    if family == "numbers":
        return tuple(_phrasing(word) for word in lex.numbers)
    if family == "promotional":
        return tuple(p for concept in lex.promotional.values() for p in concept)
    return {
        "negation": lex.negation,
        "negation-clause": lex.negation_clause,
        "not-negation": lex.not_negation,
    }[family]


def _possible_firsts(
    units: tuple[Unit, ...], language: str, family: _Family
) -> frozenset[tuple[str, ...]]:
    """The first words of ``family``'s phrasings that may start somewhere in ``units``: a
    phrasing whose first word is not among them is not there (one pass over the text's words
    instead of one search per phrasing)."""
    text = _text(units)
    known = text.firsts.get((language, family))
    if known is not None:
        return known
    by_form, by_lemma, always = _first_word_index(language, family)
    found: set[tuple[str, ...]] = set(always)
    spaced = lexicon(language).spaced
    for key in text.by_form if spaced else text.texts:
        hit = by_form.get(key)
        if hit:
            found |= hit
    if spaced:
        for key in text.by_lemma:
            hit = by_lemma.get(key)
            if hit:
                found |= hit
    result = text.firsts[(language, family)] = frozenset(found)
    return result


_TEXTS: dict[int, _Text] = {}
"""id(units) → its :class:`_Text`, which keeps the tuple (so the id is not reused meanwhile)."""


def _text(units: tuple[Unit, ...]) -> _Text:
    found = _TEXTS.get(id(units))
    if found is not None and found.units is units:
        return found
    if len(_TEXTS) >= 512:
        _TEXTS.clear()
    found = _TEXTS[id(units)] = _Text(units)
    return found


def _longest_from(units: tuple[Unit, ...], language: str, family: _Family) -> dict[int, int]:
    """Unit index → where the longest of the lexicon's ``family`` phrasings that starts there
    ends (looked for only where the text has their first word: most are in no given text)."""
    longest: dict[int, int] = {}
    possible = _possible_firsts(units, language, family)
    for phrasing in _family(language, family):
        if phrasing.words[0] not in possible:
            continue
        for start, end in find(units, phrasing, language):
            if end > longest.get(start, -1):
                longest[start] = end
    return longest


def _negations(units: tuple[Unit, ...], lex: Lexicon) -> tuple[frozenset[int], ...]:
    """Per unit, the starts of the negations whose scope covers it (see lexicon.toml)."""
    covered: dict[int, set[int]] = {}  # unit → the negations covering it (few units have any)
    not_negation = _longest_from(units, lex.language, "not-negation")
    negation_clause = _longest_from(units, lex.language, "negation-clause")
    negation = _longest_from(units, lex.language, "negation")
    i = 0
    while i < len(units):
        end = not_negation.get(i)
        if end is not None:
            i = end
            continue
        end = negation_clause.get(i)
        if end is not None:
            for k, unit in enumerate(units):
                if unit.clause == units[i].clause and not i <= k < end:
                    covered.setdefault(k, set()).add(i)
            i = end
            continue
        end = negation.get(i)
        if end is not None:
            for k in range(end, min(end + _SCOPE[lex.spaced], len(units))):
                if units[k].clause != units[i].clause:
                    break
                covered.setdefault(k, set()).add(i)
            i = end
            continue
        i += 1
    return tuple(frozenset(covered[k]) if k in covered else _NOT_COVERED for k in range(len(units)))


_NOT_COVERED: frozenset[int] = frozenset()


def negated(reading: Reading, start: int, end: int) -> bool:
    """Whether a negation outside ``[start, end)`` covers a unit of it."""
    return any(not start <= n < end for k in range(start, end) for n in reading.negated_by[k])


# --- claims and terms ----------------------------------------------------------------------------


def stated(reading: Reading, claim: Claim, locale: str, *, label: bool = False) -> list[str]:
    """The polarity ("positive"/"negative") in which each mention of ``claim`` states it.

    A phrasing of the claim says it positively unless negated; an opposite phrasing says it
    negatively unless negated. Where two mentions overlap, the longer one counts.
    """
    units = reading.label_units if label else reading.units
    memo = _text(units).stated
    key = (id(claim), locale, label)
    known = memo.get(key)
    if known is not None and known[0] is claim:
        return list(known[1])
    mentions = []
    for phrasings, opposite in (
        (claim.phrasings.get(locale, ()), False),
        (claim.opposite.get(locale, ()), True),
    ):
        for text in phrasings:
            for start, end in find(units, _phrasing(text), reading.language, loose=True):
                is_negated = False if label else negated(reading, start, end)
                mentions.append((start, end, is_negated == opposite))
    kept = [
        m
        for m in mentions
        if not any(
            o is not m and o[0] <= m[0] and m[1] <= o[1] and o[1] - o[0] > m[1] - m[0]
            for o in mentions
        )
    ]
    polarities = ["positive" if positive else "negative" for _, _, positive in kept]
    memo[key] = (claim, tuple(polarities))
    return polarities


def term_found(units: tuple[Unit, ...], alternatives: tuple[str, ...], language: str) -> bool:
    """Whether any of ``alternatives`` (each a word or words) is in ``units``."""
    return any(find(units, _phrasing(term), language) for term in alternatives)


@functools.lru_cache(maxsize=4096)
def _phrasing(term: str) -> Phrasing:
    from locpipe.lexicon import parse_phrasing

    return parse_phrasing(term, "")


def missing_terms(
    locale: str, msgstr: str, terms: tuple[tuple[str, ...], ...], *, body_only: bool
) -> list[str]:
    """The required terms (``a|b``) that the caveat's text (or its body alone) lacks."""
    reading = read(locale, msgstr)
    units = reading.units if body_only else reading.every_unit
    return ["|".join(alts) for alts in terms if not term_found(units, alts, reading.language)]


# --- the rules -----------------------------------------------------------------------------------


def claim_missing(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C030 a claim of the caveat is not stated."""
    missing = []
    for claim in spec.claims if spec else ():
        if claim.phrasings.get(locale) or claim.opposite.get(locale):
            polarities = stated(read(locale, msgstr), claim, locale)
            if claim.polarity not in polarities and not set(polarities) - {claim.polarity}:
                missing.append(claim)
    if missing:
        return "claim(s) not stated: " + "; ".join(f"{c.id} ({c.english})" for c in missing)
    return None


def claim_flipped(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C031 a claim's negation was added, removed or moved."""
    flipped = []
    for claim in spec.claims if spec else ():
        polarities = stated(read(locale, msgstr), claim, locale)
        if set(polarities) - {claim.polarity}:
            flipped.append(claim)
    if flipped:
        return "claim(s) stated the other way round: " + "; ".join(
            f"{c.id} must be {c.polarity} ({c.english})" for c in flipped
        )
    return None


def promotional(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C032 an absolute or promotional claim the English lacks."""
    reading = read(locale, msgstr)
    english = read("en", msgid)
    units = reading.every_unit
    english_units = english.every_unit
    added = []
    possible = _possible_firsts(units, reading.language, "promotional")
    english_possible = _possible_firsts(english_units, "en", "promotional")
    for concept, phrasings in lexicon(reading.language).promotional.items():
        if not any(p.words[0] in possible for p in phrasings):
            continue
        if any(
            p.words[0] in english_possible and find(english_units, p, "en")
            for p in lexicon("en").promotional.get(concept, ())
        ):
            continue
        for phrasing in phrasings:
            if phrasing.words[0] not in possible:
                continue
            mentions = find(units, phrasing, reading.language)
            if any(
                start >= len(reading.units) or not negated(reading, start, end)
                for start, end in mentions
            ):
                added.append(f"{concept} ({phrasing.text!r})")
                break
    if added:
        return "absolute or promotional claim(s) not in the English: " + ", ".join(added)
    return None


_DOMAIN = re.compile(
    r"(?:https?://|www\.)[^\s()<>\[\]\"']+|(?<![\w.@])(?:[^\W_][\w-]*\.)+(?:[a-z]{2}|com|org|net|info|biz|health|"
    r"clinic|care|shop|store|online|site|xyz|app|io|med|top|club|life|world)(?![\w-])(?!\.\w)",
    re.IGNORECASE,
)


def added_domains(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C033 a URL or domain name the English lacks."""
    english = set(_DOMAIN.findall(html.unescape(as_latin(fold(msgid)))))
    text = html.unescape(as_latin(fold(msgstr)))
    added = sorted({d for d in _DOMAIN.findall(text) if d not in english and not d[-1].isdigit()})
    if added:
        return "URL(s) or domain name(s) not in the English: " + ", ".join(added)
    return None


_CJK_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿萬億]+[成割]?")
_CJK_NOT_NUMBERS = re.compile(
    r"一些|一定|一种|一起|一般|一直|一样|一致|之一|唯一|统一|进一步|一旦|一切|部分|十分|万一|千万|一系列|"
    r"一项|一名|一位|一个|一次性|一方面|同一|一种|不一|一同|一向|一度|"
    r"一部|一般|一緒|一方|一時|一層|一種|一人ひとり|万が一|統一|一定|一貫|一切"
)
_CJK_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_UNITS = {
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "萬": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
}


def _cjk_value(numeral: str) -> str:
    total, digit = 0, 0
    for char in numeral.rstrip("成割"):
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        else:
            total += (digit or 1) * _CJK_UNITS[char]
            digit = 0
    return str(total + digit)


@functools.lru_cache(maxsize=1024)
def number_words(locale: str, text: str) -> frozenset[str]:
    """The numbers ``text`` writes in words or CJK numerals (1 left out: it is an article).

    Cached: each caveat's English is asked once per target locale."""
    reading = read(locale, text)
    lex = lexicon(reading.language)
    found = set()
    units = reading.every_unit
    if lex.spaced:
        possible = _possible_firsts(units, reading.language, "numbers")
        for word, value in lex.numbers.items():
            phrasing = _phrasing(word)
            if phrasing.words[0] in possible and find(units, phrasing, reading.language):
                found.add(value)
    if reading.language in ("zh", "ja"):
        plain = _CJK_NOT_NUMBERS.sub(" ", reading.plain)
        for match in _CJK_NUMERAL.finditer(plain):
            value = _cjk_value(match.group())
            if value != "1":
                found.add(value)
            if match.group().endswith(("成", "割")) or "百分之" in plain:
                found.add("%")
    return frozenset(found)


def added_number_words(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C034 a number written in words (or CJK numerals) the English lacks."""
    english = number_words("en", msgid) | set(re.findall(r"\d+", visible(msgid)))
    english |= {"%"} if re.search(r"[%٪％]", msgid) else set()
    added = sorted(number_words(locale, msgstr) - english)
    if added:
        return "number(s) in words not in the English: " + ", ".join(added)
    return None


def label_only(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C035 a required term or claim is only in the bold label."""
    if spec is None:
        return None
    reading = read(locale, msgstr)
    only = []
    terms = spec.terms.get(locale, ())
    for alternatives in terms:
        if not term_found(reading.units, alternatives, reading.language) and term_found(
            reading.label_units, alternatives, reading.language
        ):
            only.append("|".join(alternatives))
    for claim in spec.claims:
        if not stated(reading, claim, locale) and stated(reading, claim, locale, label=True):
            only.append(claim.id)
    if only:
        return "only in the bold label, not in the text: " + ", ".join(repr(o) for o in only)
    return None


#: For each language, the others its text could be mistaken for (py3langid's codes).
CONFUSABLE = {
    "es": ("es", "pt", "ca", "gl", "it", "fr", "en", "oc"),
    "pt": ("pt", "es", "gl", "ca", "it", "fr", "en"),
    "ca": ("ca", "es", "pt", "gl", "it", "fr", "oc", "en"),
    "fr": ("fr", "en", "es", "it", "ca", "pt", "oc", "wa"),
    "it": ("it", "es", "pt", "ca", "fr", "en"),
    "de": ("de", "nl", "en", "da", "sv", "lb", "af"),
    "nl": ("nl", "de", "af", "en"),
    "zh": ("zh", "ja", "en"),
    "ar": ("ar", "fa", "ur", "en"),
    "ja": ("ja", "zh", "en"),
    "ru": ("ru", "uk", "bg", "sr", "be", "mk", "kk", "en"),
    "hi": ("hi", "mr", "ne", "ur", "sa", "en"),
    "he": ("he", "hbo", "ar", "en"),
}
#: Languages written in Cyrillic or Greek: their letters are not look-alikes of Latin ones.
_NOT_LATIN = frozenset({"ru", "uk", "bg", "sr", "be", "mk", "kk", "el"})


@functools.cache
def _model() -> Model:
    """py3langid's model, loaded once, on first use (see :mod:`locpipe.langmodel`)."""
    from locpipe.langmodel import load_model

    return load_model()


def warm(locales: Iterable[str]) -> None:
    """Load the language model now if C036 will run for any of ``locales``.

    Called by the build before it forks its workers: forked, they share the parent's copy
    (copy-on-write) instead of each decompressing its own (about half a second of CPU each).
    """
    if any(not is_pseudo(locale) for locale in locales):
        _model()


def identify(text: str, candidates: Iterable[str]) -> str | None:
    """The most likely of ``candidates`` for ``text``, or None if too short to tell."""
    words = [w for w in text.split() if not _NOT_A_WORD.search(w)]
    sample = " ".join(words)
    if not _has_letters(sample, _ENOUGH_LETTERS):
        return None
    return _most_likely(sample, tuple(candidates))


#: Words left out of a language sample: numbers, codes and abbreviations (UC-MSC, COVID-19).
_NOT_A_WORD = re.compile(r"\d|[A-Z].*[A-Z]")
#: Fewer letters than this: too short to tell a language by.
_ENOUGH_LETTERS = 20


def _has_letters(text: str, count: int) -> bool:
    """Whether ``text`` has at least ``count`` letters (looked at until that many are found)."""
    return next(itertools.islice(filter(str.isalpha, text), count - 1, None), None) is not None


@functools.lru_cache(maxsize=1024)
def _most_likely(sample: str, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` in py3langid's ranking of ``sample`` (cached per text, as
    :func:`read` is: the model's scoring is the costliest step of the meaning checks)."""
    from locpipe.langmodel import most_likely

    return most_likely(_model(), sample, candidates)


def wrong_language(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C036 the caveat does not read as the catalog's language."""
    language = base_language(locale)
    candidates = CONFUSABLE.get(language, (language, "en"))
    if language not in _model().labels:
        return None
    text = visible(msgstr)
    found = identify(text if language in _NOT_LATIN else as_latin(text), candidates)
    if found is not None and found != language:
        return f"reads as {found!r}, not as the catalog's language {language!r}"
    return None


@functools.lru_cache(maxsize=1024)
def _words_for_similarity(text: str) -> tuple[str, ...]:
    """The words C037 compares (cached: the English is compared with every locale's)."""
    return tuple(_WORD.findall(as_latin(fold(visible(text)))))


#: The share of the English's words (difflib's ratio) from which a translation is the English
#: with light edits.
_EDITED = 0.5


def english_edited(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C037 the translation is the English with light edits."""
    source, translation = _words_for_similarity(msgid), _words_for_similarity(msgstr)
    if source == translation:
        return None  # the English copied as it is: C006
    # The words the two share, counted, bound the ratio from above (difflib's quick_ratio):
    # a translation shares few, and the alignment is not worth making.
    shared = sum((Counter(source) & Counter(translation)).values())
    if 2 * shared < _EDITED * (len(source) + len(translation)):
        return None
    ratio = difflib.SequenceMatcher(None, source, translation, autojunk=False).ratio()
    if ratio >= _EDITED:
        return f"the English with light edits ({ratio:.0%} of its words, look-alike letters folded)"
    return None


_LATIN_LIKE = ("LATIN", "CYRILLIC", "GREEK")
_LATIN_LIKE_SET = frozenset(_LATIN_LIKE)


def mixed_scripts(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C039 a word mixes Latin, Cyrillic or Greek letters (a look-alike letter)."""
    mixed = []
    for word in _WORD.findall(fold(visible(msgstr))):
        if word.isascii():
            continue  # Latin letters only
        scripts = {_script(char) for char in word if char.isalpha()} & _LATIN_LIKE_SET
        if len(scripts) > 1:
            mixed.append(word)
    if mixed:
        return "word(s) mixing scripts: " + ", ".join(repr(w) for w in mixed)
    return None


@functools.lru_cache(maxsize=8192)
def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split()[0]


def struck_through(locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None) -> str | None:
    """C042 struck-through text (~~…~~) the English lacks."""
    added = [m.group(1) for m in _STRUCK.finditer(msgstr)]
    if added and not _STRUCK.search(msgid):
        return "struck-through text is deleted text: " + ", ".join(repr(a) for a in added)
    return None


#: The meaning rules run on every translated caveat entry, after the gate's ENTRY_RULES.
MEANING_RULES: tuple[tuple[str, MeaningRule], ...] = (
    ("C030", claim_missing),
    ("C031", claim_flipped),
    ("C032", promotional),
    ("C033", added_domains),
    ("C034", added_number_words),
    ("C035", label_only),
    ("C036", wrong_language),
    ("C037", english_edited),
    ("C039", mixed_scripts),
    ("C042", struck_through),
)


# --- rules on every translation, and on a catalog's caveats together ----------------------------

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def may_hold_bidi_controls(text: str) -> bool:
    """Whether ``text`` may hold a bidi control, or a character reference that may be one:
    numeric, or one of the two names HTML gives one (an ``&nbsp;`` is no reason to decode a
    text). Scans in C only."""
    if _BIDI.search(text) is not None:
        return True
    return "&" in text and ("&#" in text or "&lrm;" in text or "&rlm;" in text)


def bidi_controls(msgid: str, msgstr: str) -> str | None:
    """C038 bidi control characters (they can show a text mirrored or reordered)."""
    if not may_hold_bidi_controls(msgstr):
        return None  # nearly every translation: one scan in C instead of two in Python
    found = sorted({f"U+{ord(c):04X}" for c in html.unescape(msgstr) if c in BIDI_CONTROLS})
    source = {f"U+{ord(c):04X}" for c in html.unescape(msgid) if c in BIDI_CONTROLS}
    added = [code for code in found if code not in source]
    if added:
        return "bidi control character(s) not in the English: " + ", ".join(added)
    return None


def stale_previous(
    previous: tuple[str | None, str | None], current: tuple[str | None, str], fuzzy: bool
) -> str | None:
    """C040 stale: the entry's #| previous English differs and it is not marked fuzzy.

    ``previous`` and ``current``: (msgctxt, msgid). A ``#| msgid`` without a ``#| msgctxt``
    was written for a message without a context (GNU gettext's reading).
    """
    previous_msgid = previous[1]
    if fuzzy or previous_msgid is None or previous == current:
        return None
    which = "msgid" if previous_msgid != current[1] else "msgctxt"
    return f"stale: translated for an earlier English (#| {which} differs) but not marked fuzzy"


def length_outliers(pairs: list[tuple[str, str, str]]) -> dict[int, str]:
    """C041 the caveat is much shorter or longer than this language's other caveats.

    ``pairs``: (locale, msgid, msgstr) of one catalog's translated caveats. Each is compared
    with the median length ratio (translation to English, in letters) of the others.
    """
    ratios = [_letter_count(msgstr) / max(_letter_count(msgid), 1) for _, msgid, msgstr in pairs]
    found = {}
    for index, ratio in enumerate(ratios):
        others = ratios[:index] + ratios[index + 1 :]
        if len(others) < 3:
            continue
        usual = statistics.median(others)
        if ratio < 0.55 * usual:
            found[index] = f"truncated: {ratio / usual:.0%} of this language's usual length"
        elif ratio > 1.6 * usual:
            found[index] = f"padded: {ratio / usual:.0%} of this language's usual length"
    return found


@functools.lru_cache(maxsize=4096)
def _letter_count(text: str) -> int:
    return sum(char.isalnum() for char in fold(visible(text)))
