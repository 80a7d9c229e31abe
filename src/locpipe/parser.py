"""The one Markdown parser every stage shares, instrumented to report where each unit's text lies.

markdown-it-py gives block tokens a line map but no column offsets, and no positions at all for
inline tokens. Splicing translations into the source needs both, so the few rules that create
translatable text are wrapped to record, while they run, what the parser state knows:

* ``inline`` tokens of paragraphs, headings and table cells get ``meta["lines"]``: for each source
  line of the unit, ``(start, end)`` offsets of the line's text after its container markers and
  indentation (``bMarks + tShift``, ``eMarks``) -- exactly what the block rule itself read; and
  ``meta["indent"]``: how far the first line is indented past the container (``sCount -
  blkIndent``).
* ``softbreak``, ``hardbreak`` and ``html_inline`` tokens get ``meta["pos"]``: their offset in the
  inline content.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from locpipe.model import FLAVORS, Flavor

#: Block rules whose ``inline`` tokens are the translatable units.
_UNIT_BLOCK_RULES = ("paragraph", "heading", "lheading", "table")
#: Inline rules whose tokens' positions the engine needs: line breaks, and raw HTML (a newline
#: inside a tag is no line break).
_POSITIONED_INLINE_RULES = ("newline", "escape", "html_inline")
_POSITIONED_TYPES = frozenset({"softbreak", "hardbreak", "html_inline"})

BlockRule = Callable[[StateBlock, int, int, bool], bool]
InlineRule = Callable[[StateInline, bool], bool]


@functools.cache
def make_parser(flavor: Flavor = "gfm") -> MarkdownIt:
    """The instrumented parser for ``flavor``: CommonMark, or GFM (tables, strikethrough, front matter)."""
    return _instrumented(flavor)


def _instrumented(flavor: Flavor) -> MarkdownIt:
    md = _syntax(flavor)
    for name in _UNIT_BLOCK_RULES:
        if name in md.block.ruler.get_active_rules():
            _replace_rule(md.block.ruler, name, _recording_lines)
    for name in _POSITIONED_INLINE_RULES:
        _replace_rule(md.inline.ruler, name, _recording_position)
    return md


#: The inline rules that decide what a newline is: a line break, or inside raw HTML, a code span
#: or a link (its destination, title or label). Emphasis, strikethrough and entities never hold
#: one, nor change what holds one (a link's label is found by skipping tokens silently, which
#: they never do), and the post-processing only pairs delimiters.
_NEWLINE_RULES = (
    "text",
    "newline",
    "escape",
    "backticks",
    "link",
    "image",
    "autolink",
    "html_inline",
)


@functools.cache
def make_newline_parser(flavor: Flavor = "gfm") -> MarkdownIt:
    """:func:`make_parser` with only the inline rules that tell newlines apart: its children
    give the same line breaks and raw HTML, in a fraction of the time."""
    return _only_newline_rules(_instrumented(flavor))


@functools.cache
def make_markup_parser(flavor: Flavor = "gfm") -> MarkdownIt:
    """A parser that finds the links, images, code spans and raw HTML the renderer finds, with
    links of every scheme taken as links (markdown-it shows a ``javascript:`` link as text; a
    checker must see it), and no other inline rule: the same ones decide what holds a newline
    and what is markup (see :data:`_NEWLINE_RULES`)."""
    md = _only_newline_rules(_syntax(flavor))
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _only_newline_rules(md: MarkdownIt) -> MarkdownIt:
    """``md`` (a parser of its own) reduced to :data:`_NEWLINE_RULES`, without post-processing."""
    md.inline.ruler.enableOnly([n for n in _NEWLINE_RULES if n in md.inline.ruler.get_all_rules()])
    md.inline.ruler2.enableOnly([])
    return md


@functools.cache
def make_block_parser(flavor: Flavor = "gfm") -> MarkdownIt:
    """:func:`make_parser` without its inline pass: ``inline`` tokens are left without children,
    for :func:`parse_inline` to fill when (and if) they are needed."""
    md = make_parser(flavor)
    block = MarkdownIt.__new__(MarkdownIt)
    block.__dict__.update(md.__dict__)  # the same (read-only) rule chains, ...
    block.core = copy.copy(md.core)
    block.core.ruler = copy.deepcopy(md.core.ruler)  # ... but its own core chain
    block.core.ruler.disable(list(_after_block(md)))
    return block


def parse_inline(
    tokens: list[Token], env: dict[str, Any], flavor: Flavor = "gfm", md: MarkdownIt | None = None
) -> None:
    """Give these ``inline`` tokens (their children still empty) the children the full parse of
    their document gives them: the core rules that follow the block pass, run on them alone.

    ``md``: the parser to use (default: :func:`make_parser`'s). Content in which no inline rule
    can start becomes its one text token without a parse (see :data:`_INLINE_RULE_STARTS`).
    """
    md = md or make_parser(flavor)
    if _only_known_rules(md):
        parsed = []
        for token in tokens:
            if _INLINE_RULE_STARTS.search(token.content):
                parsed.append(token)
            elif token.content:
                token.children = [Token("text", "", 0, content=token.content)]
        tokens = parsed
    state = StateCore("", md, env, tokens)
    rules = dict((rule.name, rule.fn) for rule in md.core.ruler.__rules__)
    for name in _after_block(md):
        rules[name](state)


def _after_block(md: MarkdownIt) -> list[str]:
    """The enabled core rules after the block pass (for GFM: "inline", "text_join")."""
    names = [rule.name for rule in md.core.ruler.__rules__ if rule.enabled]
    return names[names.index("block") + 1 :]


@functools.cache
def make_renderer(flavor: Flavor = "gfm") -> MarkdownIt:
    """A plain parser with the same syntax as :func:`make_parser`, for rendering HTML."""
    return _syntax(flavor)


def _syntax(flavor: Flavor) -> MarkdownIt:
    if flavor not in FLAVORS:
        raise ValueError(f"unknown Markdown flavor {flavor!r}; expected one of {FLAVORS}")
    md = MarkdownIt("commonmark")
    if flavor == "gfm":
        md.enable(["table", "strikethrough"])
        md.use(front_matter_plugin)
        _replace_rule(md.block.ruler, "front_matter", _at_document_start)
    # Pure functions of a URL, called for every link of every page (a link comes back in each
    # locale): remember their answers.
    for name in ("normalizeLink", "normalizeLinkText", "validateLink"):
        setattr(md, name, functools.lru_cache(maxsize=8192)(getattr(md, name)))
    return md


def _at_document_start(rule: BlockRule) -> BlockRule:
    # The plugin checks that the *document* starts with "-" but counts the dashes from the start
    # of the current line's content, so "- x---" (a list item) at the top of a document opens
    # front matter. Front matter is only ever the document's very first characters.
    def guarded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if start_line != 0 or state.bMarks[0] + state.tShift[0] != 0 or state.level != 0:
            return False
        return rule(state, start_line, end_line, silent)

    return guarded


def _replace_rule(ruler: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    # Ruler.at() resets a rule's "alt" chains unless they are passed again; losing them would
    # stop e.g. tables from interrupting paragraphs.
    rule = ruler.__rules__[ruler.__find__(name)]
    ruler.at(name, wrap(rule.fn), {"alt": list(rule.alt)})


def _recording_lines(rule: BlockRule) -> BlockRule:
    def recording(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        first_new = len(state.tokens)
        matched = rule(state, start_line, end_line, silent)
        if matched and not silent:
            b_marks, t_shift, e_marks = state.bMarks, state.tShift, state.eMarks
            for token in state.tokens[first_new:]:
                if token.type == "inline" and token.map is not None:
                    begin, end = token.map
                    token.meta["lines"] = [
                        (b_marks[line] + t_shift[line], e_marks[line]) for line in range(begin, end)
                    ]
                    # Columns its first line is indented past its container's content: what
                    # the paragraph rule leaves at the start of its continuation lines.
                    token.meta["indent"] = state.sCount[begin] - state.blkIndent
        return matched

    return recording


def _recording_position(rule: InlineRule) -> InlineRule:
    def recording(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        count = len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent and len(state.tokens) > count:
            token = state.tokens[-1]
            if token.type in _POSITIONED_TYPES:
                token.meta["pos"] = pos
        return matched

    return recording


#: Characters without which inline Markdown has no code span (a backtick), raw HTML or autolink
#: ("<"), link or image ("["): the only markup that holds more than text, and so the only
#: places a newline can be anything but a line break.
MARKUP_STARTS = "`<["


def newlines_may_be_held(text: str) -> bool:
    """Whether some newline of ``text`` could be inside a code span, raw HTML, or a link's
    destination, title or reference label: only if such a construct's opening (a backtick,
    ``<``, ``](`` or ``][``) comes before a newline and its closing (a backtick, ``>``, ``)`` or
    ``]``) after one. If not, every newline is a line break, told from the end of its line."""
    first = text.find("\n")
    if first < 0:
        return False
    before, after = text[: text.rfind("\n")], text[first + 1 :]
    return (
        ("`" in before and "`" in after)
        or ("<" in before and ">" in after)
        or (("](" in before or "][" in before) and (")" in after or "]" in after))
    )


#: The rules that can only make text of text without these characters (the text rule stops at
#: more characters, but no other rule matches there; the core rules normalize CR and NUL).
_KNOWN_RULES = {
    "core": {"normalize", "block", "inline", "text_join"},
    "inline": {"text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link",
               "image", "autolink", "html_inline", "entity"},
    "inline2": {"balance_pairs", "strikethrough", "emphasis", "fragments_join"},
}  # fmt: skip
_INLINE_RULE_STARTS = re.compile(r"[\n\r\0\\`~*_\[!<&]")


@functools.cache
def _only_known_rules(md: MarkdownIt) -> bool:
    """Whether ``md`` runs no rule but :data:`_KNOWN_RULES` (no linkify, no typographer)."""
    chains: dict[str, Any] = {
        "core": md.core.ruler,
        "inline": md.inline.ruler,
        "inline2": md.inline.ruler2,
    }
    return all(
        set(chain.get_active_rules()) <= _KNOWN_RULES[name] for name, chain in chains.items()
    ) and not (md.options.get("linkify") or md.options.get("typographer"))


def classify_newlines(
    text: str, flavor: Flavor = "gfm", env: dict[str, Any] | None = None
) -> tuple[set[int], set[int]]:
    """Offsets of the newlines in inline Markdown ``text``: (line breaks, inside raw HTML).

    Any other newline is inside a code span, a link title or an image's description, where it
    renders as a space.
    """
    if not newlines_may_be_held(text):
        return _offsets_of_newlines(text), set()
    return classify_newlines_by_parsing(text, flavor, env=env)


def _offsets_of_newlines(text: str) -> set[int]:
    found = set()
    position = text.find("\n")
    while position >= 0:
        found.add(position)
        position = text.find("\n", position + 1)
    return found


def classify_newlines_by_parsing(
    text: str,
    flavor: Flavor = "gfm",
    parser: MarkdownIt | None = None,
    env: dict[str, Any] | None = None,
) -> tuple[set[int], set[int]]:
    """:func:`classify_newlines`, always by parsing ``text`` (what its shortcut must agree with),
    with :func:`make_newline_parser` (or ``parser``), and the link reference definitions of
    ``env`` (a newline in a reference link's label is no line break)."""
    breaks: set[int] = set()
    raw_html: set[int] = set()
    for token in (parser or make_newline_parser(flavor)).parseInline(text, env):
        for child in token.children or []:
            position = child.meta.get("pos") if child.meta else None
            if position is None:
                continue
            if child.type == "html_inline":
                end = position + len(child.content)
                raw_html.update(i for i in range(position, end) if text[i] == "\n")
            else:
                breaks.add(position + 1 if text[position] == "\\" else position)
    return breaks, raw_html
