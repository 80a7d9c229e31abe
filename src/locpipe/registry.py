"""The caveat registry, ``source/caveats.toml``: what each caveat is, and the terms it must keep.

Format::

    [experimental-stage]
    description = "The therapy is still experimental and not widely available."

    [experimental-stage.terms]
    # every entry must be present; "a|b" means either a or b (inflections, synonyms)
    fr = ["expérimental"]

    [experimental-stage.claims.widely-available]
    polarity = "negative"                      # the English denies it
    english = "widely available"
    fr = ["largement disponible", "disponible … partout"]   # must be negated
    opposite.fr = ["disponibilité limitée"]    # says "not widely available" by itself

A claim's phrasings are words in order (a few other words may stand between them), each word
matched by lemma, ``a|b`` either, ``word*`` any word that begins so (see :mod:`locpipe.lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locpipe.errors import ConfigError
from locpipe.fsio import parse_toml, read_text
from locpipe.gcpause import without_gc
from locpipe.lexicon import fold as _fold
from locpipe.locales import base_language

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Languages whose script does not separate words: terms match as substrings there.
_UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
POLARITIES = ("positive", "negative")
_HEADER = re.compile(r"^[ \t]*\[[ \t]*([^\[\]#\n]+?)[ \t]*\][ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Claim:
    """One thing a caveat says, and whether the English says it or denies it."""

    id: str
    polarity: str
    """"positive": the English says it ("still experimental"); "negative": it denies it ("not
    widely available")."""
    english: str
    phrasings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per locale: ways to name the claim; stated with the English's polarity."""
    opposite: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per locale: ways to name its opposite ("limited availability" for "widely available")."""
    line: int = 0


@dataclass(frozen=True, slots=True)
class CaveatSpec:
    """One registered caveat."""

    id: str
    description: str
    terms: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """Per locale: required terms, each a tuple of acceptable alternatives."""
    line: int = 0
    """Line of its table in caveats.toml."""
    claims: tuple[Claim, ...] = ()


def load_registry(path: Path, *, shown_as: str) -> dict[str, CaveatSpec]:
    """The registry at ``path``; a missing file is an empty registry."""
    if not path.is_file():
        return {}
    # A registry is tables of short strings: hundreds of thousands of objects that all live to
    # the end, which the cyclic collector would re-scan ever more often (it made loading 8x the
    # caveats take 9.7x the time). They hold no cycles: reference counting frees them.
    return without_gc(lambda: _registry(path, shown_as))


def _registry(path: Path, shown_as: str) -> dict[str, CaveatSpec]:
    text = read_text(path, shown_as=shown_as, error=ConfigError)
    tables = parse_toml(text, shown_as=shown_as, error=ConfigError, what="the caveat registry")
    lines = _table_lines(text)
    specs = {}
    for caveat_id, table in tables.items():
        line = lines.get(caveat_id, 1)
        if not _ID.fullmatch(caveat_id) or not isinstance(table, dict):
            raise ConfigError(
                f"[{caveat_id}] is not a caveat table with a lower-case slug id",
                path=shown_as,
                line=line,
            )
        unknown = set(table) - {"description", "terms", "claims"}
        if unknown:
            raise ConfigError(
                f"[{caveat_id}] has unknown key(s): {', '.join(sorted(unknown))}",
                path=shown_as,
                line=line,
            )
        description = table.get("description")
        if not isinstance(description, str) or not description.strip():
            raise ConfigError(f"[{caveat_id}] needs a description", path=shown_as, line=line)
        terms = {}
        for locale, entries in table.get("terms", {}).items():
            if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
                raise ConfigError(
                    f"[{caveat_id}.terms] {locale} must be a list of non-empty strings",
                    path=shown_as,
                    line=line,
                )
            terms[locale] = tuple(
                tuple(alt.strip() for alt in entry.split("|") if alt.strip()) for entry in entries
            )
        claims = tuple(
            _claim(caveat_id, claim_id, claim, lines, shown_as, line)
            for claim_id, claim in table.get("claims", {}).items()
        )
        specs[caveat_id] = CaveatSpec(caveat_id, description.strip(), terms, line, claims)
    return specs


def _claim(
    caveat_id: str,
    claim_id: str,
    table: Any,
    lines: dict[str, int],
    shown_as: str,
    caveat_line: int,
) -> Claim:
    line = lines.get(f"{caveat_id}.claims.{claim_id}", caveat_line)
    where = f"[{caveat_id}.claims.{claim_id}]"

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{where} {message}", path=shown_as, line=line)

    if not _ID.fullmatch(claim_id) or not isinstance(table, dict):
        raise fail("is not a claim table with a lower-case slug id")
    polarity = table.get("polarity")
    if polarity not in POLARITIES:
        raise fail('needs polarity = "positive" or "negative"')
    english = table.get("english", claim_id)
    opposite = table.get("opposite", {})
    if not isinstance(english, str) or not isinstance(opposite, dict):
        raise fail("english must be a string and opposite a table of locales")

    def phrasings(values: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for locale, entries in values.items():
            if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
                raise fail(f"{locale} must be a list of non-empty strings")
            found[locale] = tuple(entries)
        return found

    rest = {k: v for k, v in table.items() if k not in ("polarity", "english", "opposite")}
    return Claim(claim_id, polarity, english, phrasings(rest), phrasings(opposite), line)


def _table_lines(text: str) -> dict[str, int]:
    """The line of every ``[table]`` header in ``text``: one pass, lines counted between
    headers."""
    lines: dict[str, int] = {}
    number, counted = 1, 0
    for match in _HEADER.finditer(text):
        number += text.count("\n", counted, match.start())
        counted = match.start()
        name = ".".join(part.strip().strip('"') for part in match.group(1).split("."))
        lines.setdefault(name, number)
    return lines


def fold(text: str) -> str:
    """Text as terms are compared: invisible characters dropped, NFC-normalized, case-folded."""
    return _fold(text)


def missing_terms(text: str, required: tuple[tuple[str, ...], ...], locale: str) -> list[str]:
    """The required terms (each shown as ``a|b``) of which ``text`` contains no alternative."""
    folded = fold(text)
    whole_words = base_language(locale) not in _UNSPACED
    missing = []
    for alternatives in required:
        if not any(_contains(folded, fold(term), whole_words) for term in alternatives):
            missing.append("|".join(alternatives))
    return missing


def _contains(text: str, term: str, whole_words: bool) -> bool:
    if not whole_words:
        return term in text
    # \s+ between words: a translation may wrap or use a no-break space.
    pattern = r"\s+".join(re.escape(part) for part in term.split())
    return re.search(rf"(?<!\w){pattern}(?!\w)", text) is not None
