"""Every built page in a real browser (Debian's Chromium, headless, driven by Playwright).

Run by ``nox -s browser`` after ``locpipe build``; not part of ``nox -s tests``.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

BUILD = Path(os.environ.get("LOCPIPE_BUILD", "build")).resolve()
SCREENSHOTS = BUILD / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RTL = {"ar", "he", "fa", "ur"}
WIDTHS = {"phone": 390, "desktop": 1280}


def _pages() -> list[str]:
    if not BUILD.is_dir():
        return []
    return sorted(
        p.relative_to(BUILD).as_posix()
        for p in BUILD.rglob("*.html")
        if "screenshots" not in p.parts
    )


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(BUILD))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def _open(browser: Browser, url: str, width: int) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    return page, problems


def test_there_are_pages_to_check():
    assert "index.html" in _pages(), f"no build in {BUILD}: run `locpipe build` first"
    assert any(p.startswith("en/") for p in _pages())


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("path", _pages())
def test_page_in_a_real_browser(browser, server, path, width_name):
    width = WIDTHS[width_name]
    page, problems = _open(browser, f"{server}/{path}", width)
    locale = path.split("/")[0] if "/" in path else None
    html = page.locator("html")
    if locale:
        assert html.get_attribute("lang") == locale.replace("_", "-")
        assert html.get_attribute("dir") == ("rtl" if locale.split("_")[0] in RTL else "ltr")
    # Every caveat is a visible callout: a real box, shown, inside the viewport once scrolled to.
    callouts = page.locator('[role="note"]')
    for index in range(callouts.count()):
        callout = callouts.nth(index)
        callout.scroll_into_view_if_needed()
        box = callout.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"caveat {index} has no box"
        style = callout.evaluate(
            "e => { const s = getComputedStyle(e); return [s.display, s.visibility, s.opacity] }"
        )
        assert style[0] != "none" and style[1] != "hidden" and float(style[2]) > 0, style
        assert callout.is_visible()
        assert box["y"] < page.viewport_size["height"] and box["y"] + box["height"] > 0
        assert callout.inner_text().strip(), f"caveat {index} shows no text"
    # Every switcher link leads to a page in that language.
    links = page.locator("nav.languages a, ul.languages a")
    targets = [
        (links.nth(i).get_attribute("href"), links.nth(i).get_attribute("hreflang"))
        for i in range(links.count())
    ]
    for href, hreflang in targets:
        target, target_problems = _open(browser, page.url.rsplit("/", 1)[0] + "/" + href, width)
        assert target.locator("html").get_attribute("lang") == hreflang
        problems += target_problems
        target.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.replace("/", "-").removesuffix(".html")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.close()
    assert problems == []
