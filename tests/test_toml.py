"""Reading TOML (``fsio.parse_toml``): rtoml's speed, tomli's answers.

rtoml reads first and its answer is taken only where it accepts the text, so the two must agree
on every text both accept; tomli decides the rest. Each property is held both ways: with rtoml
(as installed) and without it (as on an interpreter rtoml has no wheel for).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from locpipe import fsio
from locpipe.config import load_config
from locpipe.errors import ConfigError
from locpipe.registry import load_registry
from tests.conftest import ROOT


@pytest.fixture(params=["rtoml first", "tomli alone"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Which reader ``parse_toml`` tries first, for the test."""
    if request.param == "tomli alone":
        monkeypatch.setattr(fsio, "_fast_toml_reader", lambda: None)
    else:
        assert fsio._fast_toml_reader() is not None, "rtoml is a dependency on CPython"
    yield request.param


#: The ``reader`` fixture picks the reader once per test: the same for every input, as meant.
_ONE_READER = [HealthCheck.function_scoped_fixture]


def comparable(value: object) -> object:
    """``value`` with what may differ and still mean the same set aside: the class of a UTC
    offset (rtoml has its own), NaN (never equal to itself), and the type of every leaf."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return ("datetime", value.utcoffset(), value.replace(tzinfo=None))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def tomli_reads(text: str) -> tuple[str, Any]:
    """What tomli makes of ``text``: ("tables", them), or ("error", its line)."""
    try:
        return "tables", comparable(tomli.loads(text))
    except tomli.TOMLDecodeError as error:
        return "error", error.lineno
    except RecursionError:
        return "error", None


def parse_toml_reads(text: str) -> tuple[str, Any]:
    try:
        tables = fsio.parse_toml(text, shown_as="x.toml", error=ConfigError, what="x")
    except ConfigError as error:
        return "error", error.line
    return "tables", comparable(tables)


# Pieces of TOML and of what is not: brackets, quotes of every kind, escapes, numbers, dates,
# control characters, a byte-order mark, and each way a line may end.
_PIECES = [
    *("[", "]", "[[", "]]", "{", "}", "=", " = ", ",", ".", "#", " ", "\t"),
    *('"', "'", '"""', "'''", '"a"', "'a'", "a", "b", "é", "a.b", "-", "_", "+", ":"),
    *("\\", "\\n", "\\t", "\\u00e9", "\\U0001F600", "\\x41", "\\e", "\\\n", "  \\\n  "),
    *("0", "1", "01", "1.5", "-0", "+1", "1e5", "1e", "1_000", "1__0", "0x", "0o", "0b", "0x_1"),
    *("inf", "nan", "true", "false", "T", "Z", "e", "E"),
    *("1979-05-27", "07:32:00", "07:32", "1979-05-27T07:32:00Z", "1979-05-27 07:32:00"),
    *("1979-05-27T07:32:00.999999+07:00", "1979-05-27t07:32:00z", "2000-02-30", "24:00:00"),
    *("\n", "\r\n", "\r", "\x00", "\x7f", "\x1f", "\ufeff", "\u2028", "\U0001f600"),
    *("a = 1\n", "[a]\n", "[a.b]\n", "[[a]]\n", "x = [\n", "1,\n", "]\n", "x = {", "}\n"),
]
_STARTS = ["", "a = ", "[t]\nk = ", "k = [", "x.y = ", "\ufeff", "k = '''", 'k = """']


@settings(max_examples=1500, deadline=None, suppress_health_check=_ONE_READER)
@given(st.sampled_from(_STARTS), st.lists(st.sampled_from(_PIECES), max_size=14))
@example("\ufeff", [])  # rtoml takes a byte-order mark; tomli does not
@example("\ufeff", ["a = 1\n"])
@example('k = """', ["a", "\r\n", "b", '"""'])  # tomli reads CRLF in it as LF; rtoml keeps CR
@example("", ["\r", "\r\n"])  # a lone CR, then CRLF: replacing CRLF must not make a CRLF
@example("", ["x = {", "a = 1", ",", "}\n"])  # trailing comma (TOML 1.1): tomli only
@example("a = ", ["[" * 100 + "]" * 100])  # deeper than rtoml goes; not than tomli
@example("a = ", ["[" * 401 + "]" * 401])  # deeper than tomli goes
def test_parse_toml_reads_every_text_as_tomli_does(
    reader: str, start: str, pieces: list[str]
) -> None:
    text = start + "".join(pieces)
    assert parse_toml_reads(text) == tomli_reads(text)


# TOML that is valid by construction, laid out in the ways a hand or a tool writes it.
_KEYS = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_COMMENTS = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)


def _basic(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _literal(text: str) -> str | None:
    if "'" in text or any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in text):
        return None
    return "'" + text + "'"


def _multiline_basic(text: str) -> str:
    # Newlines stay raw (a line break inside the string); everything else as in _basic.
    return '"""' + _basic(text)[1:-1].replace("\\u000A", "\n") + '"""'


@st.composite
def _strings(draw: st.DrawFn) -> str:
    text = draw(_TEXT)
    layouts = [_basic(text), _multiline_basic(text)]
    literal = _literal(text)
    if literal is not None:
        layouts.append(literal)
    return draw(st.sampled_from(layouts))


_SCALARS = st.one_of(
    _strings(),
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", "inf", "-inf", "nan", "1_000", "0x1F", "0o17", "0b101"]),
    st.dates().map(dt.date.isoformat),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(_KEYS, inner, max_size=3).map(
            lambda table: "{" + ", ".join(f"{k} = {v}" for k, v in table.items()) + "}"
        ),
    ),
    max_leaves=8,
)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = []
    for table in draw(st.lists(_KEYS, unique=True, max_size=3)):
        lines.append(f"[{table}]")
        for key, value in draw(st.dictionaries(_KEYS, _VALUES, max_size=4)).items():
            lines.append(f"{key} = {value}  # {draw(_COMMENTS)}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline


@settings(max_examples=300, deadline=None, suppress_health_check=_ONE_READER)
@given(_documents())
def test_parse_toml_reads_valid_toml_as_tomli_does(reader: str, document: str) -> None:
    read = tomli_reads(document)
    assert read[0] == "tables", read
    assert parse_toml_reads(document) == read


def test_an_error_names_the_line_tomli_names(reader: str) -> None:
    with pytest.raises(ConfigError) as raised:
        fsio.parse_toml("a = 1\n\nb = = 2\n", shown_as="x.toml", error=ConfigError, what="x")
    assert (
        str(raised.value) == "x.toml:3: error: cannot read x: Invalid value (at line 3, column 5)"
    )


@pytest.mark.parametrize("lines_before", [0, 1, 7, 100])
def test_nesting_too_deep_is_an_error_on_its_line(reader: str, lines_before: int) -> None:
    deep = "x = " + "[" * 1000 + "]" * 1000
    text = "".join(f"k{n} = {n}\n" for n in range(lines_before)) + deep + "\nlast = 1\n"
    with pytest.raises(ConfigError) as raised:
        fsio.parse_toml(text, shown_as="x.toml", error=ConfigError, what="x")
    assert raised.value.line == lines_before + 1
    assert "nested more than the allowed" in raised.value.message


def test_a_file_with_crlf_newlines_is_read_by_rtoml_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """As git checks files out on Windows: the fast reader still reads them, as tomli would."""
    rtoml_loads = fsio._fast_toml_reader()
    assert rtoml_loads is not None
    read: list[str] = []
    monkeypatch.setattr(
        fsio, "_fast_toml_reader", lambda: lambda text: rtoml_loads(read.append(text) or text)
    )
    text = 'a = """x\r\ny"""\r\n[t]\r\nb = 1\r\n'
    assert fsio.parse_toml(text, shown_as="x.toml", error=ConfigError, what="x") == tomli.loads(
        text
    )
    assert read == [text.replace("\r\n", "\n")]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_a_registry_with_other_newlines_reads_as_with_lf(tmp_path: Path, newline: str) -> None:
    """As a text editor on Windows (or an old Mac) saves it: the same caveats, on the same lines."""
    text = (ROOT / "source" / "caveats.toml").read_text(encoding="utf-8")
    lf, other = tmp_path / "lf.toml", tmp_path / "other.toml"
    lf.write_bytes(text.encode("utf-8"))
    other.write_bytes(text.replace("\n", newline).encode("utf-8"))
    registry = load_registry(other, shown_as="caveats.toml")
    assert registry == load_registry(lf, shown_as="caveats.toml")
    assert [spec.line for spec in registry.values()][:2] == [15, 78]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_a_pyproject_with_other_newlines_reads_as_with_lf(tmp_path: Path, newline: str) -> None:
    settings = ["[tool.locpipe]", 'target-locales = ["fr", "es"]', "require-review = false", ""]
    (tmp_path / "pyproject.toml").write_bytes(newline.join(settings).encode("utf-8"))
    config = load_config(tmp_path)
    assert (config.target_locales, config.require_review) == (("fr", "es"), False)


class _Panic(BaseException):
    """As pyo3 raises a panic of Rust code: a BaseException, not an Exception."""


def test_whatever_rtoml_raises_tomli_reads_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def panics(text: str) -> dict[str, Any]:
        raise _Panic("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(fsio, "_fast_toml_reader", lambda: panics)
    assert fsio.parse_toml("a = 1\n", shown_as="x.toml", error=ConfigError, what="x") == {"a": 1}
    with pytest.raises(ConfigError):
        fsio.parse_toml("a = = 1\n", shown_as="x.toml", error=ConfigError, what="x")


def test_an_interrupt_while_rtoml_reads_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(text: str) -> dict[str, Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(fsio, "_fast_toml_reader", lambda: interrupted)
    with pytest.raises(KeyboardInterrupt):
        fsio.parse_toml("a = 1\n", shown_as="x.toml", error=ConfigError, what="x")
