"""One exception tree for locpipe: every error knows the file and line it is about."""

from __future__ import annotations

import functools

# Not `typing.TYPE_CHECKING`: importing typing is a tenth of `locpipe --version`'s start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def quoted(name: str) -> str:
    r"""``name`` (a path, a folder, anything a user named) as a message shows it: as it is when
    every character of it prints, else as a Python string literal, so that a newline, a
    control character or a bidi override in a name never splits or garbles the message's line.

    ``quoted("locales/fr")`` is ``locales/fr``; ``quoted("locales/fr\nerror: forged")`` is
    ``'locales/fr\nerror: forged'``.
    """
    return name if name.isprintable() else repr(name)


def located(path: str | None, line: int | None, message: str, severity: str = "error") -> str:
    """The one shape of every message locpipe shows: ``path:line: error: message`` (the parts
    that are known, ``path`` :func:`quoted`). Gate findings use it too, their message starting
    with their code."""
    if path is not None:
        path = quoted(path)
    where = "" if path is None else f"{path}: " if line is None else f"{path}:{line}: "
    return f"{where}{severity}: {message}"


class LocpipeError(Exception):
    """Base of every error locpipe raises on purpose.

    ``str(error)`` is the one line a user sees: ``path:line: error: message``.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return located(self.path, self.line, self.message)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Raised in a forked worker, it comes back pickled: keep its path and line (the default
        # would call ``cls(message)`` and lose them).
        return functools.partial(type(self), path=self.path, line=self.line), (self.message,)


class SourceError(LocpipeError):
    """A source document is malformed (e.g. a bad directive)."""


class CatalogError(LocpipeError):
    """A ``.po``/``.pot`` file cannot be read, or a catalog operation is impossible."""


class ConfigError(LocpipeError):
    """The ``[tool.locpipe]`` configuration or a command-line argument is invalid."""
