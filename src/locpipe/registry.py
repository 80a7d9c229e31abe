"""The caveat registry, ``source/caveats.toml``: what each caveat is, and the terms it must keep.

Format::

    [experimental-stage]
    description = "The therapy is still experimental and not widely available."

    [experimental-stage.terms]
    # every entry must be present; "a|b" means either a or b (inflections, synonyms)
    fr = ["expérimental|expérimentale", "pas largement disponible|peu disponible"]
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from locpipe.errors import ConfigError

REGISTRY_NAME = "caveats.toml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Languages whose script does not separate words: terms match as substrings there.
_UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})


@dataclass(frozen=True, slots=True)
class CaveatSpec:
    """One registered caveat."""

    id: str
    description: str
    terms: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """Per locale: required terms, each a tuple of acceptable alternatives."""
    line: int = 0
    """Line of its table in caveats.toml."""


def load_registry(path: Path, *, shown_as: str) -> dict[str, CaveatSpec]:
    """The registry at ``path``; a missing file is an empty registry."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the caveat registry: {error}", path=shown_as) from error
    specs = {}
    for caveat_id, table in data.items():
        line = _line_of_table(text, caveat_id)
        if not _ID.fullmatch(caveat_id) or not isinstance(table, dict):
            raise ConfigError(
                f"[{caveat_id}] is not a caveat table with a lower-case slug id",
                path=shown_as,
                line=line,
            )
        unknown = set(table) - {"description", "terms"}
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
        specs[caveat_id] = CaveatSpec(caveat_id, description.strip(), terms, line)
    return specs


def _line_of_table(text: str, caveat_id: str) -> int:
    match = re.search(rf"^[ \t]*\[[ \t]*\"?{re.escape(caveat_id)}\"?[ \t]*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def fold(text: str) -> str:
    """Text as terms are compared: NFC-normalized and case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def missing_terms(text: str, required: tuple[tuple[str, ...], ...], locale: str) -> list[str]:
    """The required terms (each shown as ``a|b``) of which ``text`` contains no alternative."""
    folded = fold(text)
    whole_words = locale.split("_")[0] not in _UNSPACED
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
