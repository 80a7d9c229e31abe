"""Per-language word tables for the meaning checks: negations, promises, number words, lemmas.

The tables are package data (``data/lexicon.toml``). Lemmas come from simplemma's dictionaries,
cut down to the words the lexicon and the shipped registry use (``data/lemmas-<lang>.json``),
because loading a whole simplemma dictionary takes longer than the whole gate. Regenerate the
cut-down tables after changing either with ``python -m locpipe.lexicon``; a word they do not know
is matched as written.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import tomli

#: Languages whose script does not separate words: phrasings match as characters there.
UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
#: Languages the shipped lemma tables cover.
LEMMATIZED = ("es", "pt", "fr", "de", "en", "ru", "hi", "he")
GAP = "…"
"""In a phrasing: up to three other words (characters in Chinese) may stand here."""

# Characters a reader does not see, or sees over another letter: dropped before any matching, so a
# soft hyphen (a hyphenation hint) or a zero-width space changes no verdict.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0xFEFF]
    + list(range(0x0334, 0x0339))  # combining tilde, stroke and solidus overlays
    + list(range(0x20D2, 0x20D4))
    + [0x20D8, 0x20D9, 0x20DA, 0x20E5, 0x20E6, 0x20EA, 0x20EB]
    # Arabic short vowels, tanween and tatweel: optional in writing, so never part of a match.
    + list(range(0x064B, 0x0660))
    + [0x0670, 0x0640]
    # Hebrew points and cantillation, and the Devanagari nukta: as optional in matching.
    + list(range(0x0591, 0x05BE))
    + [0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7, 0x093C]
)
#: Combining marks that belong to a word (Devanagari vowel signs and viramas, Cyrillic titlo):
#: ``\w`` does not match them, so a word pattern must name them.
MARKS = "\u0300-\u036f\u0483-\u0489\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
#: A word: letters and digits, with the combining marks written on them.
WORD = re.compile(f"(?:[^\\W_]|[{MARKS}])+")
#: Letters of other scripts that look like Latin ones (Cyrillic and Greek), as those Latin letters.
LOOK_ALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝмнтвкАЕОРСУХІЈЅМНТВКΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαερτυιкνх",
    "aeopcyxijsdqwmhtbkAEOPCYXIJSMHTBKABEZHIKMNOPTYXoaeptuikvx",
)
# str.translate looks each character up in its table: 5-7x slower on a sentence than a
# character class, which the regex engine scans in C.
_INVISIBLE_CHARACTER = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")
_LOOK_ALIKE = re.compile("[" + "".join(re.escape(chr(c)) for c in LOOK_ALIKES) + "]")


def fold(text: str) -> str:
    """Text as words are compared: invisible characters and overlays dropped, NFC, case-folded."""
    return unicodedata.normalize("NFC", _INVISIBLE_CHARACTER.sub("", text)).casefold()


def as_latin(text: str) -> str:
    """``text`` with the Cyrillic and Greek letters that look like Latin ones as those."""
    return text.translate(LOOK_ALIKES) if _LOOK_ALIKE.search(text) else text


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One way to say something: words in order, each a tuple of accepted forms."""

    words: tuple[tuple[str, ...], ...]
    gaps: tuple[bool, ...]
    """Per word after the first: whether up to three other words may come before it."""
    text: str
    """As written in the table, for messages."""


def parse_phrasing(text: str, language: str) -> Phrasing:
    """``text`` (words, ``a|b``, ``word*``, ``…``) as a :class:`Phrasing`."""
    parts = fold(text).replace(GAP, f" {GAP} ").split()
    words: list[tuple[str, ...]] = []
    gaps: list[bool] = []
    gap = False
    for part in parts:
        if part == GAP:
            gap = True
            continue
        if words:
            gaps.append(gap)
        words.append(tuple(form for form in part.split("|") if form))
        gap = False
    return Phrasing(tuple(words), tuple(gaps), text)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word tables of one language."""

    language: str
    negation: tuple[Phrasing, ...] = ()
    negation_clause: tuple[Phrasing, ...] = ()
    not_negation: tuple[Phrasing, ...] = ()
    scope_ends: frozenset[str] = frozenset()
    promotional: dict[str, tuple[Phrasing, ...]] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    """Number word (folded) → the number it says, as text ("9", or "%")."""

    @property
    def spaced(self) -> bool:
        return self.language not in UNSPACED


_DATA = files("locpipe") / "data"


@functools.cache
def _tables() -> dict[str, dict[str, Any]]:
    return tomli.loads((_DATA / "lexicon.toml").read_text(encoding="utf-8"))


@functools.cache
def lexicon(language: str) -> Lexicon:
    """The word tables of ``language`` (a base language such as ``pt``); empty if unknown."""
    table = _tables().get(language, {})

    def phrasings(key: str) -> tuple[Phrasing, ...]:
        return tuple(parse_phrasing(text, language) for text in table.get(key, ()))

    return Lexicon(
        language,
        negation=phrasings("negation"),
        negation_clause=phrasings("negation-clause"),
        not_negation=phrasings("not-negation"),
        scope_ends=frozenset(fold(word) for word in table.get("scope-ends", ())),
        promotional={
            concept: tuple(parse_phrasing(text, language) for text in texts)
            for concept, texts in table.get("promotional", {}).items()
        },
        numbers={fold(word): str(value) for word, value in table.get("numbers", {}).items()},
    )


@functools.cache
def lemmas(language: str) -> dict[str, str]:
    """Word form (folded) → its lemma, for the words the lexicon and registry use."""
    resource = _DATA / f"lemmas-{language}.json"
    if language not in LEMMATIZED or not resource.is_file():
        return {}
    found: dict[str, str] = json.loads(resource.read_text(encoding="utf-8"))
    return found


def lemma(language: str, word: str) -> str:
    """The lemma of ``word`` (folded) if the shipped table knows it, else ``word``."""
    return lemmas(language).get(word, word)


# --- regenerating the lemma tables ---------------------------------------------------------------

_WORD = re.compile(f"(?:[^\\W\\d_]|[{MARKS}])+")


def _words_used(language: str, registry_text: str) -> set[str]:
    """Every plain word (no ``*``) of the lexicon and of the registry's phrasings in ``language``."""
    table = _tables().get(language, {})
    texts = [*table.get("negation", ()), *table.get("negation-clause", ())]
    texts += [*table.get("not-negation", ())]
    for values in table.get("promotional", {}).values():
        texts += values
    registry = tomli.loads(registry_text)
    locales = {language, *(f"{language}_{region}" for region in ("BR", "PT", "MX", "ES"))}

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in locales and isinstance(value, list):
                    texts.extend(str(item) for item in value)
                else:
                    collect(value)

    collect(registry)
    words = set()
    for text in texts:
        for part in fold(text).replace("|", " ").split():
            if not part.endswith("*"):
                words.update(_WORD.findall(part))
    return words


def build_lemma_table(language: str, registry_text: str) -> dict[str, str]:
    """Every form simplemma's dictionary knows of the lemmas of the words used (see module doc)."""
    import simplemma  # only here: loading its dictionaries is slow
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory().get_dictionary(language)
    used = _words_used(language, registry_text)
    wanted = {fold(simplemma.lemmatize(word, lang=language)) for word in used}
    table = {}
    for form, lemma_ in dictionary.items():
        form_text, lemma_text = fold(str(form)), fold(str(lemma_))
        if lemma_text in wanted:
            table[form_text] = lemma_text
    for word in wanted:
        table.setdefault(word, word)
    return dict(sorted(table.items()))


def main() -> None:
    """Rewrite ``data/lemmas-<lang>.json`` for the shipped lexicon and ``source/caveats.toml``."""
    root = Path(__file__).resolve().parents[2]
    registry_text = (root / "source" / "caveats.toml").read_text(encoding="utf-8")
    data = Path(__file__).parent / "data"
    for language in LEMMATIZED:
        table = build_lemma_table(language, registry_text)
        text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        (data / f"lemmas-{language}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
