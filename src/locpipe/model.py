"""The records that flow between locpipe's stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Flavor = Literal["gfm", "commonmark"]
"""The Markdown a project is written in: CommonMark, or GitHub's (tables, strikethrough)."""
FLAVORS: tuple[Flavor, ...] = ("gfm", "commonmark")


@dataclass(frozen=True, slots=True)
class Message:
    """One translatable unit of a Markdown document."""

    msgid: str
    """The unit's inline Markdown; soft breaks are single spaces, hard breaks are ``\\n``."""
    msgctxt: str | None = None
    """Set by an ``<!-- l10n: context TEXT -->`` directive, else None."""
    line: int = 0
    """1-based line of the unit's first line in the source."""
    comments: tuple[str, ...] = ()
    """Extracted comments for translators: the kind of block first, then notes."""
    flags: tuple[str, ...] = ()
    """gettext flags for the entry."""
    caveat: str | None = None
    """The id of the required safety caveat this unit belongs to, or None."""
    path: str = "<string>"
    """The source document's path, as given to ``extract``."""

    @property
    def location(self) -> str:
        """``path:line``, as a ``#:`` reference and in error messages."""
        return f"{self.path}:{self.line}"


@dataclass(slots=True)
class PoEntry:
    """One message of a catalog, with its comments; ``msgid == ""`` is the header."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        """True if the entry carries the ``fuzzy`` flag."""
        return "fuzzy" in self.flags

    def msgstrs(self) -> list[str]:
        """Its translation: the msgstr, or each plural form's, in order."""
        return [self.msgstr] if self.msgid_plural is None else list(self.msgstr_plural.values())

    def translated(self) -> bool:
        """polib's definition: live, not fuzzy, and every msgstr non-empty."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgstr:
            return True
        if self.msgstr_plural:
            return all(self.msgstr_plural.values())
        return False


@dataclass(slots=True)
class PoFile:
    """A whole catalog: the header entry and the other entries in file order."""

    header: PoEntry
    entries: list[PoEntry]

    def header_fields(self) -> list[tuple[str, str]]:
        """The ``Key: value`` lines of the header's msgstr, in order."""
        return header_fields(self.header.msgstr)

    def set_header_field(self, key: str, value: str) -> None:
        """Replace the first ``key:`` line of the header in place, or append one."""
        lines = self.header.msgstr.split("\n")
        for index, text in enumerate(lines):
            name, sep, _ = text.partition(":")
            if sep and name.strip() == key:
                lines[index] = f"{key}: {value}"
                self.header.msgstr = "\n".join(lines)
                return
        text = self.header.msgstr
        if text and not text.endswith("\n"):
            text += "\n"
        self.header.msgstr = f"{text}{key}: {value}\n"

    @property
    def charset(self) -> str:
        """The header's ``charset=``; UTF-8 if absent or the template's ``CHARSET``."""
        return declared_charset(self.header.msgstr) or "UTF-8"


_CHARSET_RE = re.compile(r"charset=([^ \t\n]*)")


def declared_charset(header_msgstr: str) -> str | None:
    # GNU looks for "charset=" anywhere in the header and stops at blanks.
    match = _CHARSET_RE.search(header_msgstr)
    if match is None or match.group(1) in ("", "CHARSET"):
        return None
    return match.group(1)


def header_fields(header: str) -> list[tuple[str, str]]:
    """The ``Key: value`` lines of a header entry's msgstr, in order."""
    fields = []
    for text in header.split("\n"):
        key, sep, value = text.partition(":")
        if sep and key.strip():
            fields.append((key.strip(), value.strip()))
    return fields
