"""One exception tree for locpipe: every error knows the file and line it is about."""

from __future__ import annotations


def located(path: str | None, line: int | None, message: str, severity: str = "error") -> str:
    """The one shape of every message locpipe shows: ``path:line: error: message`` (the parts
    that are known). Gate findings use it too, their message starting with their code."""
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


class SourceError(LocpipeError):
    """A source document is malformed (e.g. a bad directive)."""


class CatalogError(LocpipeError):
    """A ``.po``/``.pot`` file cannot be read, or a catalog operation is impossible."""


class ConfigError(LocpipeError):
    """The ``[tool.locpipe]`` configuration or a command-line argument is invalid."""
