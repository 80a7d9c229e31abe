"""Plural forms: the rule a new catalog gets, and the rule a catalog declares.

A catalog's own ``Plural-Forms`` header is the truth for that catalog everywhere (compile, pages,
statistics), as GNU gettext treats it: its ``msgstr[N]`` were written for it. A new catalog gets
its rule from :data:`GETTEXT_PLURAL_FORMS`, the rules GNU gettext's ``msginit`` writes, so the
same ``locpipe init`` gives the same bytes whatever Babel is installed (Babel 2.19 moved to CLDR
42, which gives French, Spanish, Italian and Portuguese a third form for exact millions that a
translator would misread). Only a language missing from the table takes Babel's (CLDR's) rule.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale
from babel.messages.plurals import get_plural

from locpipe.errors import CatalogError
from locpipe.locales import language_of
from locpipe.model import PoFile

#: Languages whose nouns do not inflect for number (one form), and those whose only distinction
#: is one / other, by GNU gettext's table.
_UNINFLECTED = "ja vi ko zh th id ms lo km my"
_ONE_OTHER = (
    "en de nl sv da no nb nn fo es pt it ca gl eu bg el fi et he eo hu tr af sq az ka "
    "kk mn ta te ml kn mr gu pa ne si is sw ur bn"
)
_ONE_FORM = "nplurals=1; plural=0;"
_NOT_ONE = "nplurals=2; plural=(n != 1);"
_MORE_THAN_ONE = "nplurals=2; plural=(n > 1);"
_EAST_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)

#: Language (or language_TERRITORY) → the Plural-Forms header a new catalog gets: GNU gettext's
#: own table (gettext-tools/src/plural-table.c), and for Arabic the six-form rule that
#: translation platforms share (CLDR's categories in gettext's order).
GETTEXT_PLURAL_FORMS: dict[str, str] = {
    **dict.fromkeys(_UNINFLECTED.split(" "), _ONE_FORM),
    **dict.fromkeys(_ONE_OTHER.split(" "), _NOT_ONE),
    **dict.fromkeys(("fr", "pt_BR", "hi", "fa", "am", "ln", "oc"), _MORE_THAN_ONE),
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr", "bs"), _EAST_SLAVIC),
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "lt": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
    ),
}

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)
#: The counts a rule is tried on: every value up to 1,100, and the large ones that CLDR's
#: "many" categories single out.
_SAMPLES = (*range(1101), 10_000, 100_000, 1_000_000, 2_000_000, 10**9)


@dataclass(frozen=True, slots=True)
class PluralForms:
    """A gettext plural rule: how many forms, and which one a count takes."""

    count: int
    expression: str

    @property
    def header(self) -> str:
        """The rule as a ``Plural-Forms`` header value."""
        return f"nplurals={self.count}; plural={self.expression};"

    def index(self) -> Callable[[int], int]:
        """The function from a count to its form."""
        return _compiled(self.expression)


@functools.cache
def _compiled(expression: str) -> Callable[[int], int]:
    return gettext.c2py(expression)


@functools.lru_cache(maxsize=256)
def parse_plural_forms(header: str) -> PluralForms | None:
    """The rule a ``Plural-Forms`` value states, or None if it is not a valid one: the
    expression must be C (as gettext reads it) and give every count a form below ``nplurals``.

    Cached: every catalog of a locale states the same rule, and checking it evaluates the
    expression on a thousand counts."""
    match = _HEADER.match(header)
    if match is None:
        return None
    count, expression = int(match.group(1)), match.group(2).strip()
    if not 1 <= count <= 100:
        return None
    try:
        index = _compiled(expression)
        if any(not 0 <= index(n) < count for n in _SAMPLES):
            return None
    except (ValueError, SyntaxError, RecursionError, TypeError, ZeroDivisionError):
        return None
    return PluralForms(count, expression)


@functools.lru_cache(maxsize=256)
def default_plural_forms(locale: str) -> PluralForms:
    """The rule a new catalog for ``locale`` gets (see :data:`GETTEXT_PLURAL_FORMS`)."""
    language = language_of(locale)
    header = GETTEXT_PLURAL_FORMS.get(language) or GETTEXT_PLURAL_FORMS.get(language.split("_")[0])
    if header is None:
        plural = get_plural(language)
        return PluralForms(plural.num_plurals, plural.plural_expr)
    found = parse_plural_forms(header)
    assert found is not None, header  # the table is tested rule by rule
    return found


@functools.lru_cache(maxsize=256)
def accepted_plural_counts(locale: str) -> frozenset[int]:
    """The ``nplurals`` values a catalog for ``locale`` may declare.

    The table's count and Babel's; and where CLDR gives the language a "many" category for
    exact millions only (French, Spanish, Italian, Portuguese, Catalan since CLDR 42), the count
    with it and without it: GNU gettext and older Babel write two forms there, newer Babel
    three, and both are correct catalogs in the hands of translators.
    """
    language = language_of(locale)
    counts = {default_plural_forms(locale).count, get_plural(language).num_plurals}
    categories = Locale.parse(language).plural_form.rules
    if "mod 1000000" in categories.get("many", ""):
        with_many = len(categories) + 1  # CLDR never lists "other": it is what is left
        counts |= {with_many, with_many - 1}
    return frozenset(counts)


def catalog_plural_forms(catalog: PoFile, locale: str, *, path: str) -> PluralForms:
    """The rule ``catalog`` declares (checked), or, with no ``Plural-Forms``, the default.

    :raises CatalogError: the header is not a valid rule, or its count contradicts the locale.
    """
    declared = dict(catalog.header_fields()).get("Plural-Forms")
    if declared is None:
        return default_plural_forms(locale)
    line = catalog.header.line or 1
    rule = parse_plural_forms(declared)
    if rule is None:
        raise CatalogError(
            f"Plural-Forms header {declared!r} is not a valid rule "
            "(nplurals=N; plural=EXPRESSION; every count must get a form below N)",
            path=path,
            line=line,
        )
    accepted = accepted_plural_counts(locale)
    if rule.count not in accepted:
        expected = " or ".join(f"nplurals={count}" for count in sorted(accepted))
        raise CatalogError(
            f"Plural-Forms header {declared!r} contradicts locale {locale} (expected {expected})",
            path=path,
            line=line,
        )
    return rule
