"""Facts about locales that every stage agrees on: the pseudo-locale, text direction, the
language tag a page declares, and the name a locale calls itself."""

from __future__ import annotations

import functools

# Not `typing.TYPE_CHECKING`: importing typing is a tenth of `locpipe --version`'s start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from babel import Locale

PSEUDO_LOCALE = "en_XA"
"""The pseudo-locale (accented, expanded English) that tests layouts; never offered to readers."""
PSEUDO_LOCALES = frozenset({PSEUDO_LOCALE})
PSEUDO_ALIASES = frozenset({"en_xa", "qps_ploc"})
"""Lower-cased codes that name the pseudo-locale on the command line."""


def is_pseudo(locale: str) -> bool:
    return locale in PSEUDO_LOCALES


def language_of(locale: str) -> str:
    """The locale whose rules (plurals, dates) ``locale`` follows: the pseudo-locale is English."""
    return "en" if is_pseudo(locale) else locale


def base_language(locale: str) -> str:
    """The language of ``locale`` without its territory or script: ``pt_BR`` → ``pt``."""
    return locale.replace("-", "_").split("_")[0].lower()


@functools.cache
def direction(locale: str) -> str:
    """``"rtl"`` or ``"ltr"``: how ``locale``'s text runs."""
    if is_pseudo(locale):
        return "ltr"
    return "rtl" if _babel_locale(locale).character_order == "right-to-left" else "ltr"


def hreflang(locale: str) -> str:
    """The BCP 47 tag of ``locale`` (``pt_BR`` → ``pt-BR``), as pages declare it."""
    return locale.replace("_", "-")


def _babel_locale(locale: str) -> Locale:
    # Babel is imported on first use: `locpipe --version` and `--help` never need it.
    from babel import Locale

    return Locale.parse(locale)


@functools.cache
def native_name(locale: str) -> str:
    """What ``locale`` calls itself, capitalized (``Español``)."""
    if is_pseudo(locale):
        return "Pseudo-English"
    name = _babel_locale(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


@functools.cache
def english_name(locale: str) -> str:
    """``locale``'s name in English (for catalog headers)."""
    if is_pseudo(locale):
        return "Pseudo-English"
    return _babel_locale(locale).english_name or locale
