"""The records that flow between locpipe's stages."""

from __future__ import annotations

from dataclasses import dataclass
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
