"""The page a template makes, as the build keeps it: where its body is (:func:`page._kept`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locpipe import page


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("", ""),
        ("abc", ""),
        ("abc", "abcd"),
        ("x" * 100 + "y", "x" * 70 + "y"),  # the probe matches early, the whole only later
        ("a" * 64 + "b" + "a" * 64 + "c", "a" * 64 + "c"),
        ("<main>" + "é" * 200 + "</main>" + "é" * 200, "é" * 200 + "</main>"),
        ("head" + "body" * 50 + "tail" + "body" * 50, "body" * 50 + "tail"),
        ("no such body here", "body!"),
    ],
)
def test_the_body_is_found_where_str_find_finds_it(text, part):
    assert page._find_whole(text, part) == text.find(part)


@settings(max_examples=300, deadline=None)
@given(st.text("ab<>", max_size=300), st.text("ab<>", max_size=120))
def test_the_body_is_found_where_str_find_finds_it_in_any_text(text, part):
    assert page._find_whole(text, part) == text.find(part)
