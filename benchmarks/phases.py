"""Page making and the gate of one project, timed apart in one fresh process, as a build runs
them (every cache cold, the collector paused per document, nothing written).

``python benchmarks/phases.py ROOT`` prints ``{"pages": s, "gate": s, "made": n, "judged": n}``:
the CPU seconds spent making the pages (reading each source and catalog, localizing, rendering,
the page template) and running the gate on them (the catalog rules, the meaning rules with their
language model, the page rule), the number of pages and of caveat translations the gate judged.
Loading the registry and start-up are neither.

``--new-texts``: before each document, forget every judgement of a text (see
:func:`forget_texts`), so that each document's caveats are read as text never seen before. The
caveat-heavy project is one article copied: its caveat texts come back in every copy and are
judged once per process; a project whose articles each have caveats of their own pays for every
one of them, which this measures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import time
from collections.abc import Callable
from pathlib import Path

import locpipe
from locpipe import build, gate, meaning
from locpipe.config import load_config
from locpipe.gcpause import without_gc


def phases(root: Path, *, new_texts: bool = False) -> dict[str, float]:
    config = load_config(root)
    locales = [config.source_locale, *config.locales_present()]
    plan = build.Plan(config, build._load_registry(config), locales, staging=None)
    spent = {"pages": 0.0, "gate": 0.0, "made": 0, "judged": 0}
    memos = _text_memos() if new_texts else []

    def document(name: str) -> None:
        if new_texts:
            forget_texts(memos)
        start = time.process_time()
        document = build.read_document(config, name)
        pages = [build.make_page(config, document, locale, locales) for locale in locales]
        made = time.process_time()
        for page in pages:
            build.gate_page(plan, document.sites, page)
        spent["pages"] += made - start
        spent["gate"] += time.process_time() - made
        spent["made"] += len(pages)
        targets = sum(page.locale != config.source_locale for page in pages)
        spent["judged"] += targets * sum(len(site.messages) for site in document.sites)

    for name in config.documents():
        without_gc(lambda: document(name))  # noqa: B023 (called at once)
    return spent


def _text_memos() -> list[Callable[[], None]]:
    """How to clear each memo keyed by a text: every bounded ``functools.lru_cache`` of
    locpipe's modules (the unbounded ones hold a language's tables, the parsers, the model),
    and the gate's and the meaning checks' own per-text dictionaries. A few bounded ones hold
    something else (a character's script, a catalog header's plural rule): clearing them too
    errs high, by about 2 % of the gate (benchmarks/README.md)."""
    clears: list[Callable[[], None]] = [gate._TEXT_FAILURES.clear, meaning._TEXTS.clear]
    for module in pkgutil.iter_modules(locpipe.__path__):
        namespace = importlib.import_module(f"locpipe.{module.name}")
        for function in vars(namespace).values():
            info = getattr(function, "cache_info", None)
            mine = info is not None and function.__module__ == namespace.__name__
            if mine and info().maxsize is not None:
                clears.append(function.cache_clear)
    return clears


def forget_texts(memos: list[Callable[[], None]]) -> None:
    """Forget every text judged so far (see :func:`_text_memos`)."""
    for clear in memos:
        clear()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--new-texts", action="store_true")
    arguments = parser.parse_args()
    print(json.dumps(phases(arguments.root, new_texts=arguments.new_texts)))
