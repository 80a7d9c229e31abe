"""Every built page in a real browser (Debian's Chromium, headless, driven by Playwright).

Run by ``nox -s browser`` after ``locpipe pseudo`` and ``locpipe build``; not part of
``nox -s tests``. At phone widths (320 and 390 px) every page, every locale and the
pseudo-locale included, must not scroll sideways, must pass axe-core with no serious or critical
violation, must name every caveat callout, and must show no English interface string that its
locale's ``ui.po`` translates. Screenshots of every page at 390 and 1280 px go to
``build/screenshots/``: look at them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from locpipe.locales import is_pseudo

BUILD = Path(os.environ.get("LOCPIPE_BUILD", "build")).resolve()
PROJECT = Path(os.environ.get("LOCPIPE_PROJECT", ".")).resolve()
SCREENSHOTS = BUILD / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RTL = {"ar", "he", "fa", "ur"}
PHONES = {"phone-320": 320, "phone-390": 390}
SCREENSHOT_WIDTHS = {"phone": 390, "desktop": 1280}
AXE_BLOCKING = {"serious", "critical"}


def _pages() -> list[str]:
    if not BUILD.is_dir():
        return []
    return sorted(
        p.relative_to(BUILD).as_posix()
        for p in BUILD.rglob("*.html")
        if "screenshots" not in p.parts and not any(part.startswith(".") for part in p.parts)
    )


def _locale_of(path: str) -> str | None:
    return path.split("/")[0] if "/" in path else None


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


@pytest.fixture(scope="session")
def axe():  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


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


@functools.cache
def _translated_ui_strings(locale: str) -> list[str]:
    """The English ui strings that ``locale``'s ui.po translates (its fixed pieces: the text
    between placeholders), which must never show on a page in that locale."""
    from locpipe.pofile import parse_po

    path = PROJECT / "locales" / locale / "LC_MESSAGES" / "ui.po"
    if not path.is_file():
        return []
    catalog = parse_po(path.read_bytes(), path=str(path))
    found = []
    for entry in catalog.entries:
        if entry.obsolete or not entry.translated() or "fuzzy" in entry.flags:
            continue
        english = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        translations = (
            [entry.msgstr] if entry.msgid_plural is None else list(entry.msgstr_plural.values())
        )
        for text in english:
            for piece in re.split(r"%\([^)]*\)s", text):
                piece = piece.strip(" :")
                # Short pieces ("of") are words any text may hold: only whole phrases count.
                if len(piece) >= 8 and not any(piece in t for t in translations):
                    found.append(piece)
    return found


def test_there_are_pages_to_check():
    assert "index.html" in _pages(), f"no build in {BUILD}: run `locpipe build` first"
    assert "status.html" in _pages(), "the build wrote no status page"
    assert any(p.startswith("en/") for p in _pages())


@pytest.mark.parametrize("width_name", PHONES)
@pytest.mark.parametrize("path", _pages())
def test_page_on_a_phone(browser, server, axe, path, width_name):
    width = PHONES[width_name]
    page, problems = _open(browser, f"{server}/{path}", width)
    locale = _locale_of(path)
    html = page.locator("html")
    if locale:
        assert html.get_attribute("lang") == locale.replace("_", "-")
        assert html.get_attribute("dir") == ("rtl" if locale.split("_")[0] in RTL else "ltr")
    # No sideways scrolling: nothing is wider than the screen.
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && (r.right > width + 1 || r.left < -1);
            }).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                + ': ' + (e.textContent || '').trim().slice(0, 40));
            return [document.documentElement.scrollWidth, width, wide.slice(0, 5)];
        }"""
    )
    assert overflow[0] <= overflow[1], f"{path} scrolls sideways at {width}px: {overflow}"
    # Every caveat is a visible, named callout: a real box, shown, with its label.
    callouts = page.locator("[data-caveat]")
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
        assert callout.get_attribute("role") == "note"
        expect(callout).to_have_accessible_name(re.compile(r"\S"))
        label = page.locator(f"#{callout.get_attribute('aria-labelledby')}")
        assert label.is_visible() and label.inner_text().strip(), f"caveat {index}: no label"
        assert label.locator("svg[aria-hidden=true]").count() == 1, f"caveat {index}: no icon"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"caveat {index} overflows"
    # axe-core: no serious or critical violation.
    results = axe.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in AXE_BLOCKING
    ]
    assert blocking == [], f"{path} at {width}px"
    # No English interface string that this locale's ui.po translates.
    if locale:
        shown = page.evaluate(
            """() => document.body.innerText + '\\n' + [...document.querySelectorAll(
                '[aria-label],[title],[alt]')].map(e => e.getAttribute('aria-label')
                || e.getAttribute('title') || e.getAttribute('alt')).join('\\n')
                + '\\n' + document.title"""
        )
        english = [s for s in _translated_ui_strings(locale) if s in shown]
        assert english == [], f"{path}: untranslated interface strings"
    page.close()
    assert problems == []


@pytest.mark.parametrize("width_name", SCREENSHOT_WIDTHS)
@pytest.mark.parametrize("path", _pages())
def test_screenshot_and_links(browser, server, path, width_name):
    width = SCREENSHOT_WIDTHS[width_name]
    page, problems = _open(browser, f"{server}/{path}", width)
    # Every switcher and landing link leads to a page in the language it announces.
    links = page.locator("nav.languages a, .editions a, .locales a")
    targets = [
        (links.nth(i).get_attribute("href"), links.nth(i).get_attribute("hreflang"))
        for i in range(links.count())
    ]
    if width_name == "desktop":
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


def test_landing_page_names_the_article_in_each_language(browser, server):
    page, problems = _open(browser, f"{server}/index.html", 390)
    entries = page.locator(".editions > li")
    published = sorted(
        p.split("/")[0] for p in _pages() if "/" in p and not is_pseudo(p.split("/")[0])
    )
    assert entries.count() == len(set(published))
    body = page.inner_text("body").lower()
    for word in ("translated", "caveat", "checked", "not published", "strings"):
        assert word not in body, f"the landing page speaks of {word!r}"
    for index in range(entries.count()):
        entry = entries.nth(index)
        lang = entry.get_attribute("lang")
        assert lang and entry.get_attribute("dir") in ("ltr", "rtl")
        link = entry.locator("a").first
        assert link.get_attribute("hreflang") == lang
        title = link.inner_text().strip()
        target, _ = _open(browser, f"{server}/{link.get_attribute('href')}", 390)
        assert target.locator("h1").first.inner_text().strip() == title
        target.close()
    page.close()
    assert problems == []


def test_status_page_holds_what_the_translators_need(browser, server):
    page, problems = _open(browser, f"{server}/status.html", 1280)
    rows = page.locator(".locales > li")
    assert rows.count() >= 2
    assert page.locator("progress[aria-labelledby]").count() == rows.count()
    page.close()
    assert problems == []
