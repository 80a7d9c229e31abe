"""Property-based round trips on random documents with nested containers and hostile text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import extract, localize
from locpipe.parser import classify_newlines, classify_newlines_by_parsing, make_parser
from tests.markdown_html import CLOSE, OPEN, same_page, unwrapped_units
from tests.test_segment import block_shape

# Characters that mean something to Markdown, plus plain letters and some Unicode.
_INLINE_ALPHABET = list("abcdefXYZ  *_`#>-+=|:[]()!<>\\&;~.)1290\t") + ["é", "中", "ع", "\u00a0"]
_WORD = st.text(alphabet=st.sampled_from(_INLINE_ALPHABET), min_size=1, max_size=12)
_INLINE_PIECES = st.one_of(
    _WORD,
    _WORD.map(lambda w: f"*{w.strip() or 'x'}*"),
    _WORD.map(lambda w: f"**{w.strip() or 'x'}**"),
    _WORD.map(lambda w: f"`{w.strip('`') or 'x'}`"),
    _WORD.map(lambda w: f"[{w.strip('[]') or 'x'}](/u)"),
    _WORD.map(lambda w: f"~~{w.strip() or 'x'}~~"),
    st.sampled_from(["<span>", "</span>", "&amp;", "&#42;", "<https://e.org>", "![alt](/i.png)"]),
)
_BREAK = st.sampled_from([" ", " ", " ", "\n", "  \n", "\\\n"])


@st.composite
def paragraph_lines(draw) -> list[str]:
    pieces = draw(st.lists(_INLINE_PIECES, min_size=1, max_size=6))
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(_BREAK) + piece
    lines = [line.strip() or "x" for line in text.split("\n")]
    return [line if line[0].isalpha() else "w " + line for line in lines]


def _heading(text: list[str], level: int) -> list[str]:
    return ["#" * level + " " + " ".join(text)]


def _table(rows: list[list[str]]) -> list[str]:
    width = len(rows[0])
    cells = [[c.replace("|", "\\|").replace("\n", " ") or "x" for c in row] for row in rows]
    header, *body = cells
    return ["| " + " | ".join(header) + " |", "|" + "---|" * width] + [
        "| " + " | ".join(row) + " |" for row in body
    ]


_LEAF = st.one_of(
    paragraph_lines(),
    st.builds(_heading, paragraph_lines(), st.integers(1, 6)),
    st.just(["```", "code  block", "```"]),
    st.just(["<div>", "raw *html*", "</div>"]),
    st.just(["***"]),
    st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(_WORD, min_size=width, max_size=width), min_size=1, max_size=3
        ).map(_table)
    ),
)


def _quote(blocks: list[list[str]]) -> list[str]:
    lines = _join(blocks)
    return [">" if not line else "> " + line for line in lines]


def _list_item(blocks: list[list[str]], marker: str) -> list[str]:
    lines = _join(blocks)
    pad = " " * (len(marker) + 1)
    return [marker + " " + lines[0]] + [pad + line if line else "" for line in lines[1:]]


def _list(items: list[list[list[str]]], marker: str) -> list[str]:
    out: list[str] = []
    for number, item in enumerate(items, 1):
        out += _list_item(item, marker.replace("1", str(number)))
    return out


def _join(blocks: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines += block
    return lines


_BLOCK = st.recursive(
    _LEAF,
    lambda children: st.one_of(
        st.builds(_quote, st.lists(children, min_size=1, max_size=3)),
        st.builds(
            _list,
            st.lists(st.lists(children, min_size=1, max_size=2), min_size=1, max_size=3),
            st.sampled_from(["-", "+", "*", "1.", "1)"]),
        ),
    ),
    max_leaves=8,
)
DOCUMENTS = st.lists(_BLOCK, min_size=1, max_size=4).map(
    lambda blocks: "\n".join(_join(blocks)) + "\n"
)
HOSTILE = st.lists(
    st.sampled_from(list("ab #>-+*=_|:[]()!<>\\`~1.)\t\n\r") + ["<div>", "<!--", "-->", "    "]),
    max_size=30,
).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(DOCUMENTS)
def test_random_documents_round_trip(markdown):
    assert localize(markdown, lambda m: None) == markdown
    assert same_page(markdown, localize(markdown, lambda m: m.msgid), "gfm")
    # Spaces inside the markers: "⟦" and "⟧" are punctuation, and right against a "*" they change
    # which delimiters can open or close emphasis (the spec examples never hit this; random text
    # does). A space there is what the start and end of a line already are to that rule.
    wrapped = localize(markdown, lambda m: f"{OPEN} {m.msgid} {CLOSE}")
    assert same_page(markdown, wrapped, "gfm", unwrap=True)
    assert unwrapped_units(wrapped, "gfm") == []


@SETTINGS
@given(DOCUMENTS, st.data())
def test_hostile_translations_never_change_the_block_structure(markdown, data):
    translations = {}

    def translate(message):
        return translations.setdefault(message.line, data.draw(HOSTILE))

    localized = localize(markdown, translate)
    assert block_shape(localized) == block_shape(markdown)
    assert len(extract(localized)) <= len(extract(markdown))


_NEWLINE_TEXT = st.lists(
    st.one_of(_WORD, st.sampled_from(["\n", "  \n", "\\\n", "\\", "\n\n", " \t\n"])), max_size=12
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NEWLINE_TEXT)
def test_the_newline_shortcut_agrees_with_parsing(text):
    """Without code spans, raw HTML, links or images, every newline is a line break; with them,
    the parser reduced to the rules that tell newlines apart tells them as the full one does."""
    full = classify_newlines_by_parsing(text, parser=make_parser("gfm"))
    assert classify_newlines(text) == classify_newlines_by_parsing(text) == full


_HELD_PIECES = st.sampled_from(
    [*"`<>[]()\"' a\\", "\n", "  \n", "](", "][", "](u ", "<a\n", "`\n", "lab\nel", "lab el"]
)
_REFERENCES = {
    "references": {"LAB EL": {"href": "/l", "title": ""}, "A": {"href": "/a", "title": ""}}
}


@settings(max_examples=500, deadline=None)
@given(st.lists(_HELD_PIECES, max_size=16).map("".join))
def test_newlines_nothing_can_hold_are_line_breaks(text):
    """A newline is told without parsing only when no code span, raw HTML, link destination,
    title or reference label can hold it: the parser (with link references) agrees."""
    for env in ({}, _REFERENCES):
        full = classify_newlines_by_parsing(text, parser=make_parser("gfm"), env=env)
        assert classify_newlines(text, env=env) == full
