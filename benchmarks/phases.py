"""Page making and the gate of one project, timed apart in one fresh process, as a build runs
them (every cache cold, the collector paused per document, nothing written).

``python benchmarks/phases.py ROOT`` prints ``{"pages": s, "gate": s, "made": n}``: the CPU
seconds spent making the pages (reading each source and catalog, localizing, rendering, the page
template) and running the gate on them (the catalog rules, the meaning rules with their language
model, the page rule), and the number of pages. Loading the registry and start-up are neither.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from locpipe import build
from locpipe.config import load_config
from locpipe.gcpause import without_gc


def phases(root: Path) -> dict[str, float]:
    config = load_config(root)
    locales = [config.source_locale, *config.locales_present()]
    plan = build.Plan(config, build._load_registry(config), locales, staging=None)
    spent = {"pages": 0.0, "gate": 0.0, "made": 0}

    def document(name: str) -> None:
        start = time.process_time()
        document = build.read_document(config, name)
        pages = [build.make_page(config, document, locale, locales) for locale in locales]
        made = time.process_time()
        for page in pages:
            build.gate_page(plan, document.sites, page)
        spent["pages"] += made - start
        spent["gate"] += time.process_time() - made
        spent["made"] += len(pages)

    for name in config.documents():
        without_gc(lambda: document(name))  # noqa: B023 (called at once)
    return spent


if __name__ == "__main__":
    print(json.dumps(phases(Path(sys.argv[1]))))
