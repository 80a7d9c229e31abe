"""Test helpers: render Markdown with markdown-it-py and compare HTML the way a browser sees it."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from locpipe.parser import Flavor, make_renderer

FIXTURES = Path(__file__).parent / "fixtures"
OPEN, CLOSE = "⟦", "⟧"

_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.DOTALL)
_BLOCK_TAG = re.compile(
    r"\s*(</?(?:p|li|ul|ol|h[1-6]|blockquote|table|thead|tbody|tr|th|td|hr|pre|div|br)\b[^>]*>)\s*"
)


def load_examples(name: str) -> list[dict]:
    """The examples of a fixture file in the CommonMark spec's JSON schema."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def render(markdown: str, flavor: Flavor) -> str:
    """HTML as the judge renders it: plain CommonMark, or the engine's GFM syntax."""
    renderer = MarkdownIt("commonmark") if flavor == "commonmark" else make_renderer("gfm")
    return renderer.render(markdown)


def browser_equivalent(html: str) -> str:
    """``html`` with white space normalized as a browser displays it.

    Outside ``<pre>``, runs of white space are one space, and none around block-level tags or a
    ``<br>`` (white space at the end or start of a line is not displayed); inside ``<pre>``,
    spaces and tabs at the end of a line or of the element are invisible, but every line break
    is shown (and copied with the text): a new line there is never the same as a space.
    """
    parts = _PRE.split(html)
    for index, part in enumerate(parts):
        if index % 2:
            parts[index] = re.sub(r"[ \t]+(?=\n|</pre>)", "", part)
        else:
            parts[index] = _BLOCK_TAG.sub(r"\1", re.sub(r"\s+", " ", part))
    return "".join(parts).strip()


def same_page(markdown_a: str, markdown_b: str, flavor: Flavor, *, unwrap: bool = False) -> bool:
    html_b = render(markdown_b, flavor)
    if unwrap:
        html_b = html_b.replace(OPEN, "").replace(CLOSE, "")
    return browser_equivalent(render(markdown_a, flavor)) == browser_equivalent(html_b)


def unwrapped_units(markdown: str, flavor: Flavor) -> list[str]:
    """Contents of paragraphs, headings and table cells that are not wrapped in ⟦ ⟧.

    Read from markdown-it-py's own tokens, not from locpipe's extraction, so a unit the engine
    failed to extract shows up here.
    """
    renderer = MarkdownIt("commonmark") if flavor == "commonmark" else make_renderer("gfm")
    tokens = renderer.parse(markdown.removeprefix("\ufeff"))  # as the engine reads it
    missing = []
    for previous, token in itertools.pairwise(tokens):
        if token.type != "inline" or not token.content.strip():
            continue
        if previous.type in ("paragraph_open", "heading_open", "th_open", "td_open"):
            content = token.content.strip()
            if not (content.startswith(OPEN) and content.endswith(CLOSE)):
                missing.append(content)
    return missing
