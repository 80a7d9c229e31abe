"""What a reader sees on a page (C010 judges caveats by it): the page as a browser builds it."""

from __future__ import annotations

import pytest

from locpipe.render import visible_text

CALLOUT = '<div class="caveat" data-caveat="k">'

CASES = {
    "plain callout": (
        f"<p>a</p>\n{CALLOUT}<p>Do not stop.</p></div>",
        "a Do not stop.",
        "Do not stop.",
    ),
    "entities decoded": (f"{CALLOUT}5 &lt; 6 &amp; 7</div>", "5 < 6 & 7", "5 < 6 & 7"),
    "comment": (f"{CALLOUT}keep <!-- gone --> this</div>", "keep this", "keep this"),
    "unclosed comment hides the rest": (f"<p>a <!-- b</p>{CALLOUT}c</div>", "a", None),
    "hidden attribute": (f"{CALLOUT}x <span hidden>y</span> z</div>", "x z", "x z"),
    "display none, any case and spacing": (
        f'{CALLOUT}x <b style="DISPLAY :  None">y</b></div>',
        "x",
        "x",
    ),
    "visibility hidden": (f'{CALLOUT}x<i style="visibility:hidden">y</i></div>', "x", "x"),
    "zero font size": (f'{CALLOUT}x<i style="font-size:0">y</i></div>', "x", "x"),
    "harmless style": (f'{CALLOUT}x <i style="color:red">y</i></div>', "x y", "x y"),
    "callout inside a hidden element": (f"<div hidden>{CALLOUT}c</div></div>p", "p", None),
    "nested hiding": (
        f'<div style="display:none"><p hidden>a</p>b</div>{CALLOUT}c</div>',
        "c",
        "c",
    ),
    "script, style, template, noscript": (
        f"<p>p</p><script>s</script><style>t</style><template>u</template><noscript>v</noscript>"
        f"{CALLOUT}c</div>",
        "pc",
        "c",
    ),
    "raw text: a tag inside <script> is text": (
        f"<script>'{CALLOUT}x</div>'</script>{CALLOUT}c</div>",
        "c",
        "c",
    ),
    "title and head": ("<head><title>T</title></head><body>b</body>", "b", None),
    # Browser tree building, which html.parser does not do:
    "text inside a table is moved before it (foster parenting)": (
        f"<table><tr><td>1</td></tr>loose</table>{CALLOUT}c</div>",
        "loose1c",
        "c",
    ),
    "an unclosed <textarea> takes the rest as its text": (
        f"<textarea>{CALLOUT}c</div>",
        f"{CALLOUT}c</div>",
        None,
    ),
    "a late <html hidden> hides the whole page": (
        f"<p>a</p>{CALLOUT}c</div><html hidden>",
        "",
        None,
    ),
    "<body hidden>": (f"<body hidden>{CALLOUT}c</div></body>", "", None),
    "hiding inside SVG and MathML": (
        f'<svg><style>s</style><g style="display:none"><text>t</text></g></svg>'
        f"<math><mi hidden>m</mi></math>{CALLOUT}c</div>",
        "c",
        "c",
    ),
    "hidden inside a template's content": (
        f"<template><p hidden>a</p><template><b hidden>b</b></template></template>{CALLOUT}c</div>",
        "c",
        "c",
    ),
    "<plaintext> takes the rest as text": (
        f"<plaintext>{CALLOUT}c</div>",
        f"{CALLOUT}c</div>",
        None,
    ),
    "deep nesting": ("<div>" * 5000 + f"{CALLOUT}deep</div>" + "</div>" * 5000, "deep", "deep"),
    "one caveat in two callouts": (
        f"{CALLOUT}first</div><p>x</p>{CALLOUT}second</div>",
        "firstxsecond",
        "firstsecond",
    ),
}


@pytest.mark.parametrize(("page", "seen", "callout"), CASES.values(), ids=CASES.keys())
def test_visible_text(page: str, seen: str, callout: str | None) -> None:
    text = visible_text(page)
    assert text.page == seen
    assert text.callouts.get("k") == callout


def _every_text(seen: str) -> set[str]:
    return {
        seen[start:end] for start in range(len(seen)) for end in range(start + 1, len(seen) + 1)
    }


@pytest.mark.parametrize(("page", "seen", "callout"), CASES.values(), ids=CASES.keys())
def test_a_text_shows_in_its_callout_and_on_the_page(
    page: str, seen: str, callout: str | None
) -> None:
    """``shows`` answers, without reading the whole page where one callout is enough, what
    looking in the callouts and then in the page answers: for every piece of either (a text
    across two callouts of one caveat is in their joined text, not on the page)."""
    for text in _every_text(seen) | _every_text(callout or "") | {"", "nowhere"}:
        expected = bool(text) and text in (callout or "") and text in seen
        assert visible_text(page).shows(text, "k") == expected, text


def test_a_text_across_two_callouts_of_a_caveat_does_not_show():
    text = visible_text(f"{CALLOUT}Do not</div><p>ever</p>{CALLOUT}stop.</div>")
    assert text.callouts["k"] == "Do notstop."
    assert not text.shows("notstop", "k")
    assert text.shows("Do not", "k") and text.shows("stop.", "k")
