"""Review records: the file format of ``locales/<locale>/reviews/<document>.toml``, what in
it is digested and signed, and how a record is written into a file without touching the others.

Pure functions: parse, digest, format, splice. What a record means for the gate, and reading
and writing the project's files, are :mod:`locpipe.review`'s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from locpipe.errors import ConfigError, LocpipeError
from locpipe.fsio import parse_toml
from locpipe.gate import NOT_A_CAVEAT
from locpipe.model import Message

FORMAT = "locpipe-review/1"
"""The version of what is digested and signed; a new meaning gets a new version."""


_FIELDS = (
    "reviewer",
    "date",
    "back-translation",
    "notes",
    "english-sha256",
    "translation-sha256",
    "signature",
)
_REQUIRED = ("reviewer", "date", "back-translation", "english-sha256", "translation-sha256")
REVIEWER = re.compile(r"(?P<name>[^<>\r\n]*[^<>\s])\s+<(?P<email>[^<>\s@]+@[^<>\s@]+)>")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ReviewError(LocpipeError):
    """A review cannot be recorded (the translation is not ready, a bad argument)."""


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Binding:
    """Where a review belongs: it is valid there and nowhere else."""

    locale: str
    document: str
    caveat: str

    def __str__(self) -> str:
        return f"caveat {self.caveat!r} of {self.document} in {self.locale}"


@dataclass(frozen=True, slots=True)
class Review:
    """One review record: a table of a review file."""

    caveat: str
    """The table's name: the caveat it is filed under."""
    reviewer: str
    """``Name <email>``; the e-mail address is the principal its signing key is listed under."""
    date: dt.date
    back_translation: str
    """The reviewer's English reading of the translation, made without seeing the English."""
    notes: str | None
    english_sha256: str
    translation_sha256: str
    signature: str | None = None
    line: int = 0
    """The line of the table's ``[caveat]`` header in the review file (0 when not read)."""
    signature_line: int = 0

    @property
    def email(self) -> str:
        match = REVIEWER.fullmatch(self.reviewer)
        return match.group("email") if match else ""

    def by(self) -> str:
        """``reviewed by NAME <EMAIL> on DATE``, for messages."""
        return f"reviewed by {self.reviewer} on {self.date.isoformat()}"


@dataclass(frozen=True, slots=True)
class Malformed:
    """A table (or top-level key) of a review file that is not a valid review record."""

    caveat: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ReviewFile:
    """The review records of one document in one locale."""

    path: str
    reviews: dict[str, Review] = field(default_factory=dict)
    malformed: tuple[Malformed, ...] = ()


def parse_reviews(text: str, *, path: str) -> ReviewFile:
    """The records in a review file's ``text``.

    :raises ConfigError: ``path:line`` when ``text`` is not TOML at all (exit 2, like any other
        broken configuration); a record that is TOML but not a valid review is a
        :class:`Malformed` entry instead, which the gate reports as C024.
    """
    data = _tables(text, path)
    layout = _layout(text.splitlines())
    reviews: dict[str, Review] = {}
    malformed: list[Malformed] = []
    for name, table in data.items():
        line = layout.tables.get(name, (layout.keys.get(("", name), 0), 0))[0] + 1
        if not isinstance(table, dict):
            malformed.append(
                Malformed(NOT_A_CAVEAT, line, f"{name!r} is not a [caveat-id] table of a review")
            )
            continue
        signature = layout.keys.get((name, "signature"))
        try:
            reviews[name] = _review(name, table, line, line if signature is None else signature + 1)
        except ValueError as problem:
            message, key = problem.args
            index = layout.keys.get((name, key))
            malformed.append(Malformed(name, line if index is None else index + 1, message))
    return ReviewFile(path, reviews, tuple(malformed))


def _tables(text: str, path: str) -> dict[str, Any]:
    return parse_toml(text, shown_as=path, error=ConfigError, what="review file")


def _review(name: str, table: dict[str, Any], line: int, signature_line: int) -> Review:
    """The record in ``table``; ValueError(message, key) says what is wrong with it."""
    unknown = [key for key in table if key not in _FIELDS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in review [{name}]", unknown[0])
    for key in _REQUIRED:
        if key not in table:
            raise ValueError(f"review [{name}] has no {key!r}", "")
    for key in ("reviewer", "back-translation", "notes", "signature", *_digests()):
        if key in table and not isinstance(table[key], str):
            raise ValueError(f"{key!r} of review [{name}] must be a string", key)
    if not REVIEWER.fullmatch(table["reviewer"]):
        raise ValueError(
            f"reviewer of [{name}] must read 'Name <email>', not {table['reviewer']!r}", "reviewer"
        )
    date = table["date"]
    if isinstance(date, str):
        with contextlib.suppress(ValueError):  # a quoted date is still a date
            date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValueError(f"date of [{name}] must be a date such as 2026-12-06", "date")
    if not table["back-translation"].strip():
        raise ValueError(f"back-translation of [{name}] is empty", "back-translation")
    for key in _digests():
        if not _SHA256.fullmatch(table[key]):
            raise ValueError(f"{key} of [{name}] must be 64 lower-case hex digits", key)
    return Review(
        caveat=name,
        reviewer=table["reviewer"],
        date=date,
        back_translation=table["back-translation"],
        notes=table.get("notes"),
        english_sha256=table["english-sha256"],
        translation_sha256=table["translation-sha256"],
        signature=table.get("signature"),
        line=line,
        signature_line=signature_line,
    )


def _digests() -> tuple[str, str]:
    return ("english-sha256", "translation-sha256")


# --- what is digested and signed -----------------------------------------------------------------


def _canonical(value: object) -> bytes:
    """Deterministic bytes for ``value``: JSON, keys sorted, no blanks, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _bound(binding: Binding, **fields: object) -> dict[str, object]:
    return {
        "format": FORMAT,
        "locale": binding.locale,
        "document": binding.document,
        "caveat": binding.caveat,
        **fields,
    }


def english_digest(binding: Binding, messages: Sequence[Message]) -> str:
    """SHA-256 of the English a review approves: ``[msgctxt, msgid]`` of each message of the
    caveat in source order, with the binding."""
    english = [[message.msgctxt, message.msgid] for message in messages]
    return hashlib.sha256(_canonical(_bound(binding, english=english))).hexdigest()


def translation_digest(binding: Binding, msgstrs: Sequence[str]) -> str:
    """SHA-256 of the translation a review approves: each message's msgstr, with the binding."""
    return hashlib.sha256(_canonical(_bound(binding, translation=list(msgstrs)))).hexdigest()


def canonical_bytes(binding: Binding, review: Review) -> bytes:
    """What a review's signature covers: every field but the signature, with the binding.

    ``{"back-translation":…,"caveat":…,"date":"YYYY-MM-DD","document":…,"english-sha256":…,
    "format":"locpipe-review/1","locale":…,"notes":…|null,"reviewer":…,"translation-sha256":…}``:
    JSON with sorted keys, no blanks, non-ASCII as UTF-8 (``json.dumps(..., ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``).
    """
    return _canonical(
        _bound(
            binding,
            reviewer=review.reviewer,
            date=review.date.isoformat(),
            **{"back-translation": review.back_translation},
            notes=review.notes,
            **{
                "english-sha256": review.english_sha256,
                "translation-sha256": review.translation_sha256,
            },
        )
    )


# --- writing a record ----------------------------------------------------------------------------

FILE_HEADER = (
    "# Human reviews of this document's safety caveats in this locale: one table per caveat.\n"
    "# Written by `locpipe review`. Each record is bound to the exact English and translation it\n"
    "# approved (the sha256 digests): a change to either voids it. See docs/reviewing.md.\n"
)


def format_record(review: Review) -> str:
    """The TOML table of ``review``: short values on one line, texts as multi-line strings."""
    lines = [
        f"[{review.caveat}]",
        f"reviewer = {_basic(review.reviewer)}",
        f"date = {review.date.isoformat()}",
        f"back-translation = {_multiline(review.back_translation)}",
    ]
    if review.notes is not None:
        lines.append(f"notes = {_multiline(review.notes)}")
    lines += [
        f'english-sha256 = "{review.english_sha256}"',
        f'translation-sha256 = "{review.translation_sha256}"',
    ]
    if review.signature is not None:
        lines.append(f"signature = {_multiline(review.signature)}")
    return "\n".join(lines) + "\n"


def _basic(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are all TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def _multiline(text: str) -> str:
    """``text`` as a TOML multi-line string: literal (no escapes, reads as written) when it can
    be, else basic with every quote and backslash escaped."""
    if "'''" not in text and all(_literal_safe(char) for char in text):
        return f"'''\n{text}'''"
    escaped = "".join(
        "\\\\"
        if char == "\\"
        else '\\"'
        if char == '"'
        else char
        if _literal_safe(char)
        else f"\\u{ord(char):04x}"
        if ord(char) < 0x10000
        else f"\\U{ord(char):08x}"
        for char in text
    )
    return f'"""\n{escaped}"""'


def _literal_safe(char: str) -> bool:
    """Whether TOML allows ``char`` as it is inside a multi-line string (no control characters
    but tab and newline)."""
    code = ord(char)
    return char in "\t\n" or not (code < 0x20 or code == 0x7F)


def normalized_text(text: str) -> str:
    """A text as a record keeps it: line ends as ``\\n``, no blank edges, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text + "\n" if text else ""


@dataclass(frozen=True, slots=True)
class _Layout:
    tables: dict[str, tuple[int, int]]
    """table name → (index of its header line, index of the line after its last line)."""
    keys: dict[tuple[str, str], int]
    """(table, key) → index of the key's line."""


_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*")


def _layout(lines: Sequence[str]) -> _Layout:
    """Where each table and key of a review file is, skipping multi-line strings' contents.

    Only good enough for files this module writes and their hand edits; :func:`with_record`
    checks its result by parsing it, so a file this misreads is refused, never damaged.
    """
    tables: dict[str, tuple[int, int]] = {}
    keys: dict[tuple[str, str], int] = {}
    current = ""  # "" is the top level, before the first table
    start = 0
    closing: str | None = None  # the delimiter of the multi-line string we are inside
    ends: list[int] = []  # last line of content of the current table (not blank, not comment)
    for index, line in enumerate(lines):
        if closing is not None:
            if closing in line:
                closing = None
                ends.append(index)
            continue
        header = _HEADER.match(line)
        if header:
            if current:
                tables[current] = (start, (ends[-1] if ends else start) + 1)
            current, start, ends = header.group(1), index, []
            continue
        key = _KEY.match(line)
        if key:
            keys[(current, key.group(1))] = index
            ends.append(index)
            value = line[key.end() :]
            for delimiter in ("'''", '"""'):
                if value.startswith(delimiter) and delimiter not in value[3:]:
                    closing = delimiter
    if current:
        tables[current] = (start, (ends[-1] if ends else start) + 1)
    return _Layout(tables, keys)


def with_record(text: str, review: Review, *, path: str) -> str:
    """``text`` (a review file, maybe empty) with ``review``'s table replacing the one of the same
    caveat, or appended. Every other byte is kept.

    :raises ConfigError: if ``text`` is not TOML, or the result would change another record.
    """
    if text:
        parse_reviews(text, path=path)  # a broken file is an error, never overwritten
    before = _tables(text, path)
    table = format_record(review)
    lines = text.splitlines(keepends=True)
    span = _layout([line.rstrip("\r\n") for line in lines]).tables.get(review.caveat)
    if span is not None:
        start, end = span
        updated = "".join(lines[:start]) + table + "".join(lines[end:])
    elif text.strip():
        updated = text + ("" if text.endswith("\n") else "\n") + "\n" + table
    else:
        updated = FILE_HEADER + "\n" + table
    after = _tables(updated, path)
    others_kept = {k: v for k, v in before.items() if k != review.caveat} == {
        k: v for k, v in after.items() if k != review.caveat
    }
    if not others_kept or after.get(review.caveat) != _tables(table, path)[review.caveat]:
        raise ConfigError(
            f"cannot update [{review.caveat}] without touching other records; edit the file by hand",
            path=path,
        )
    return updated
