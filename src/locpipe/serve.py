"""``locpipe serve``: the built pages on this machine only, to look at before deploying."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from locpipe.errors import ConfigError

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the CLI says what is served; a line per request would bury it


def preview_server(build: Path, *, shown_as: str, port: int = 8000) -> http.server.HTTPServer:
    """A server of ``build`` on 127.0.0.1 (never another interface); ``port`` 0: any free one.

    :raises ConfigError: ``build`` has no pages yet, or the port is taken.
    """
    if not (build / "index.html").is_file():
        raise ConfigError("no built site here: run `locpipe build` first", path=shown_as)
    handler = functools.partial(_QuietHandler, directory=str(build))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise ConfigError(f"cannot serve on {HOST}:{port}: {error.strerror or error}") from error


def page_urls(server: http.server.HTTPServer, build: Path) -> list[str]:
    """The address of every page the server serves, the index first."""
    base = f"http://{HOST}:{server.server_address[1]}/"
    pages = sorted(
        path.relative_to(build).as_posix()
        for path in build.rglob("*.html")
        if not any(part.startswith(".") for part in path.relative_to(build).parts)
        and path.relative_to(build).parts[0] != "screenshots"
    )
    pages.remove("index.html")
    return [base, *(base + page for page in pages)]
