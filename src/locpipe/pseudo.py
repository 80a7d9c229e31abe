"""Pseudo-translation for layout tests: the pseudo-locale ``en_XA``, as translate-toolkit's podebug.

Every readable letter becomes an accented look-alike (``Hello`` → ``Ĥéĺĺó``), the string grows
by about 35% (up to every other vowel doubled, then a tail of ``·`` in short runs that a line may
break between, so the expansion tests how a layout wraps, never forces it to overflow), and
``⟦ … ⟧`` marks both ends of each string. A page built from a pseudo-translated catalog shows at a glance the text
that bypassed the catalogs (plain ASCII), the strings that were cut or glued together (a missing
``⟦`` or ``⟧``), and the layouts that cannot take longer text.

Only human-readable text changes. Which characters are text is read from markdown-it-py itself,
by recording the source range each inline rule consumes, so code spans, autolinks, raw HTML,
entity references, backslash escapes, line breaks, link destinations and titles, image sources
and the labels of reference links are copied byte for byte, and digits are never touched (the
gate compares numbers). The result is checked to parse to the same inline structure as the
msgid.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from locpipe.catalog import new_catalog
from locpipe.locales import PSEUDO_LOCALE
from locpipe.model import Flavor
from locpipe.parser import make_renderer
from locpipe.plurals import default_plural_forms
from locpipe.pofile import PoEntry, PoFile

__all__ = ["PSEUDO_LOCALE", "pseudo_catalog", "pseudo_translate"]

OPEN, CLOSE = "⟦ ", " ⟧"
"""The marks around every string. The spaces inside matter: to the emphasis rules a string's
start and end count as white space, and so does a space, so ``*`` and ``_`` runs at the edges
open and close exactly as they did (with a punctuation mark next to them they might not)."""
EXPANSION = 0.35
"""How much longer a pseudo-translation is than its msgid, marks included."""
PAD = "·"
"""Fills the rest of the expansion, before ``⟧``, when the text has too few vowels to double."""
PAD_RUN = 5
"""The longest run of :data:`PAD` without a space: the tail is breakable, as real text is (one
long unbreakable run would make every phone page scroll sideways: the overflow it should find)."""

# Precomposed letters only (NFC-stable), all in Unicode category L: to Markdown's emphasis rules
# they are neither white space nor punctuation, exactly like the ASCII letters they replace.
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçďéƒĝĥíĵķĺḿñóṕʠŕšţúṽŵẋýžÁḂÇĎÉḞĜĤÍĴĶĹḾÑÓṔǪŔŠŢÚṼŴẊÝŽ",
)
_VOWELS = frozenset("aeiou")

_RECORDER = "locpipe.pseudo"
"""The ``env`` key under which the recording parser keeps its :class:`_Recorder`."""


def pseudo_translate(msgid: str, *, flavor: Flavor = "gfm") -> str:
    """The pseudo-translation of ``msgid``, an inline Markdown message.

    >>> pseudo_translate("Hello, world!")
    '⟦ Ĥéĺĺó, ŵóóŕĺď! ⟧'
    >>> pseudo_translate("See [the guide](https://example.org/guide) or run `locpipe check`.")
    '⟦ Šééé [ţĥé ĝúúíďéé](https://example.org/guide) óŕ ŕúúñ `locpipe check`. ····· ····· ···⟧'
    """
    if not msgid:
        return msgid
    spans = _readable_spans(msgid, flavor)
    result = _pseudo(msgid, spans)
    expected = _structure(msgid, flavor)
    if _structure(result, flavor) == expected:
        return result
    # A letter can still matter when a construct failed because of it: "[x](javascript:y)" is
    # no link (that scheme is refused), but its accented form is. Keep only the spans that
    # leave the structure alone.
    accepted: list[tuple[int, int]] = []
    for span in spans:
        if _structure(_pseudo(msgid, [*accepted, span]), flavor) == expected:
            accepted.append(span)
    return _pseudo(msgid, accepted)


def pseudo_catalog(
    template: PoFile, *, locale: str = PSEUDO_LOCALE, flavor: Flavor = "gfm"
) -> PoFile:
    """A catalog for ``locale`` with every entry of ``template`` pseudo-translated, plurals too.

    The header is a new catalog's (``Language``, ``Plural-Forms``), dated with the template's
    ``POT-Creation-Date`` so the same template always gives the same bytes. No entry is fuzzy;
    obsolete entries are left out. ``flavor`` is the project's Markdown flavor.
    """
    fields = dict(template.header_fields())
    created = fields.get("POT-Creation-Date") or "YEAR-MO-DA HO:MI+ZONE"
    domain = fields.get("Project-Id-Version") or "messages"
    catalog = new_catalog(template, locale, revision_date=created, domain=domain)
    count = default_plural_forms(locale).count
    catalog.entries = [
        _pseudo_entry(entry, count, flavor) for entry in template.entries if not entry.obsolete
    ]
    return catalog


def _pseudo_entry(entry: PoEntry, plurals: int, flavor: Flavor) -> PoEntry:
    filled = PoEntry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        extracted_comments=list(entry.extracted_comments),
        references=list(entry.references),
        flags=[flag for flag in entry.flags if flag != "fuzzy"],
    )
    if entry.msgid_plural is None:
        filled.msgstr = _keeping_placeholders(entry.msgid, flavor)
    else:
        singular = _keeping_placeholders(entry.msgid, flavor)
        plural = _keeping_placeholders(entry.msgid_plural, flavor)
        filled.msgstr_plural = {n: singular if n == 0 else plural for n in range(plurals)}
    return filled


# --- writing -------------------------------------------------------------------------------------


def _pseudo(msgid: str, spans: Iterable[tuple[int, int]]) -> str:
    """``msgid`` with the letters in ``spans`` accented, vowels doubled, and the marks around."""
    spans = sorted(spans)
    vowels = sum(char in _VOWELS for start, end in spans for char in msgid[start:end])
    extra = max(0, round(len(msgid) * (1 + EXPANSION)) - len(msgid) - len(OPEN) - len(CLOSE))
    doubled = min(extra, vowels // 2)  # every other vowel at most: still easy to read
    pieces = [OPEN]
    copied = 0
    seen = 0
    for start, end in spans:
        pieces.append(msgid[copied:start])
        for char in msgid[start:end]:
            accented = char.translate(_ACCENTED)
            pieces.append(accented)
            if char in _VOWELS:
                # Spread the doubled vowels evenly over the string, not all at its start.
                if (seen + 1) * doubled // vowels > seen * doubled // vowels:
                    pieces.append(accented)
                seen += 1
        copied = end
    pieces.append(msgid[copied:])
    tail = extra - doubled
    pieces.append(f" {_padding(tail)}{CLOSE.lstrip()}" if tail else CLOSE)
    return "".join(pieces)


def _padding(length: int) -> str:
    """``length`` characters of :data:`PAD` in runs of at most :data:`PAD_RUN`, a space between
    (never a space at either end)."""
    run = PAD_RUN + 1
    chars = [" " if index % run == PAD_RUN else PAD for index in range(length)]
    if chars and chars[-1] == " ":
        chars[-1] = PAD
    return "".join(chars)


# --- reading: which characters are text ----------------------------------------------------------


class _AnyReference(dict[str, Any]):
    """``env["references"]`` defining every label: parses a message as if any reference existed."""

    def get(self, label: str, default: Any = None) -> Any:
        # A definition's label has a non-blank character and at most 999 characters.
        if label.strip() and len(label) < 1000:
            return {"href": "", "title": ""}
        return default


@dataclass(slots=True)
class _Recorder:
    """What the recording parser learns about one message."""

    text: list[bool]
    """Per character of the message: consumed by the ``text`` rule (plain text)."""
    keys: list[tuple[int, int]] = field(default_factory=list)
    """Labels of shortcut and collapsed reference links: they must match a definition."""
    offsets: list[int] = field(default_factory=lambda: [0])
    """Where the source being parsed starts in the message (an image's alt text is parsed as a
    string of its own)."""


def _readable_spans(msgid: str, flavor: Flavor) -> list[tuple[int, int]]:
    """The ranges of ``msgid`` that are plain text, with and without reference definitions.

    The document a message comes from may define any label, or none: ``[foo]`` is a link or
    text, and ``[a [b] c](url)`` is a link to ``url`` or a link ``[b]`` in plain text. Only the
    characters that are text either way are text.
    """
    readable = [True] * len(msgid)
    envs: list[dict[str, Any]] = [{}, {"references": _AnyReference()}]
    for env in envs:
        recorder = _Recorder(text=[False] * len(msgid))
        env[_RECORDER] = recorder
        _recording_parser(flavor).inline.parse(msgid, _recording_parser(flavor), env, [])
        for begin, end in recorder.keys:
            recorder.text[begin:end] = [False] * (end - begin)
        readable = [a and b for a, b in zip(readable, recorder.text, strict=True)]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate([*readable, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            spans.append((start, index))
            start = None
    return spans


@functools.cache
def _recording_parser(flavor: Flavor) -> MarkdownIt:
    """A copy of :func:`~locpipe.parser.make_renderer` whose inline rules record what they read."""
    base = make_renderer(flavor)
    md = copy.copy(base)  # shares options, link helpers and validation; gets its own inline
    inline = ParserInline()
    inline.ruler.__rules__ = [
        dataclasses.replace(rule, fn=_recording(rule.name, rule.fn), alt=list(rule.alt))
        for rule in base.inline.ruler.__rules__
    ]
    inline.ruler.__cache__ = None
    inline.ruler2 = base.inline.ruler2
    inline.terminator_re = base.inline.terminator_re
    md.inline = inline
    return md


def _recording(name: str, rule: Any) -> Any:
    def recording(state: StateInline, silent: bool) -> bool:
        recorder = None if silent else state.env.get(_RECORDER)
        if recorder is None:
            return bool(rule(state, silent))
        start = state.pos
        base = recorder.offsets[-1]
        label_start, label_end = _label(name, state, start)
        if name == "image":
            # The image rule parses its alt text as a new string starting after "![".
            recorder.offsets.append(base + label_start)
        try:
            matched = rule(state, silent)
        finally:
            if name == "image":
                recorder.offsets.pop()
        if not matched:
            return False
        if name == "text":
            recorder.text[base + start : base + state.pos] = [True] * (state.pos - start)
        elif label_end >= 0 and _label_is_key(state.src[label_end + 1 : state.pos]):
            recorder.keys.append((base + label_start, base + label_end))
        return True

    return recording


def _label(name: str, state: StateInline, start: int) -> tuple[int, int]:
    """Where a link's or image's label starts and ends, as the rule will find it (-1: none)."""
    src = state.src
    if name == "link" and src.startswith("[", start):
        return start + 1, state.md.helpers.parseLinkLabel(state, start, True)
    if name == "image" and src.startswith("![", start):
        return start + 2, state.md.helpers.parseLinkLabel(state, start + 1, False)
    return start, -1


def _label_is_key(after: str) -> bool:
    """Whether a link followed by ``after`` is a shortcut or collapsed reference (``[]``)."""
    inline = after.startswith("(") and after.endswith(")")
    full = after.startswith("[") and after.endswith("]") and after != "[]"
    return not (inline or full)


# --- checking ------------------------------------------------------------------------------------


def _structure(text: str, flavor: Flavor) -> tuple[tuple[Any, ...], ...]:
    """What must not change: the inline tokens other than text, with and without references."""
    shapes = []
    for env in ({}, {"references": _AnyReference()}):
        children = make_renderer(flavor).parseInline(text, env)[0].children or []
        shape = _shape(children)
        while shape and shape[0] == "text":
            shape.pop(0)
        while shape and shape[-1] == "text":
            shape.pop()
        shapes.append(tuple(shape))
    return tuple(shapes)


def _shape(children: list[Token]) -> list[Any]:
    shape: list[Any] = []
    for token in children:
        if token.type in ("text", "text_special"):
            if not shape or shape[-1] != "text":
                shape.append("text")
            continue
        attrs = tuple(sorted((k, str(v)) for k, v in token.attrs.items() if k != "alt"))
        content = token.content if token.type in ("code_inline", "html_inline") else ""
        shape.append(
            (token.type, token.markup, attrs, content, tuple(_shape(token.children or [])))
        )
    return shape


_PLACEHOLDER = re.compile(
    r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]|%[#0 +-]*\d*[diouxXeEfFgGcrsa%]"
)


def _keeping_placeholders(text: str, flavor: Flavor) -> str:
    """``pseudo_translate`` that leaves ``%(name)s``-style placeholders exactly as they are.

    Each placeholder stands in as a private-use character, which is no letter to accent.
    """
    found = _PLACEHOLDER.findall(text)
    if not found:
        return pseudo_translate(text, flavor=flavor)
    masked = _PLACEHOLDER.sub(lambda m: chr(0xE000 + found.index(m.group())), text)
    result = pseudo_translate(masked, flavor=flavor)
    return re.sub("[\ue000-\ue0ff]", lambda m: found[ord(m.group()) - 0xE000], result)
