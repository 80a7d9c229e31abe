"""The caveat-heavy workload: the repository's own article, with its registered caveats and the
catalogs of every shipped locale, copied ``copies`` times into one project.

Each copy is ``source/article-<k>.md`` with its caveat ids suffixed ``-c<k>`` (ids are unique in a
project), the registry has every caveat's table (terms, claims) once per copy under the new ids,
and each shipped locale's ``article.po`` is copied as ``article-<k>.po`` with its references and
``#. caveat:`` comments renamed alike, so every copy passes the gate exactly as the article does.
The ``ui`` catalogs come along. Review records are bound to the document and caveat id they
approved (a copy voids them), so the project sets ``require-review = false``.

``python benchmarks/heavy.py DIR [--copies 100]`` writes the project to DIR.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
ARTICLE = "article"
COPIES = 100
_SOURCE_CAVEAT = re.compile(r"(<!-- caveat: )([A-Za-z0-9_-]+)( -->)")
_PO_CAVEAT = re.compile(r"^(#\. caveat: )([A-Za-z0-9_-]+)$", re.MULTILINE)
_TABLE = re.compile(r"^\[([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_.-]+)?)\]$", re.MULTILINE)


def shipped_locales(repository: Path = REPOSITORY) -> list[str]:
    """The locales with a catalog of the article in the repository."""
    return sorted(
        path.parent.parent.name
        for path in (repository / "locales").glob(f"*/LC_MESSAGES/{ARTICLE}.po")
    )


def make_heavy_project(
    root: Path, copies: int = COPIES, repository: Path = REPOSITORY
) -> tuple[list[str], int]:
    """Write the project at ``root``; its target locales and its number of caveats."""
    locales = shipped_locales(repository)
    source = (repository / "source" / f"{ARTICLE}.md").read_text(encoding="utf-8")
    registry = (repository / "source" / "caveats.toml").read_text(encoding="utf-8")
    catalogs = {
        locale: (repository / "locales" / locale / "LC_MESSAGES" / f"{ARTICLE}.po").read_text(
            encoding="utf-8"
        )
        for locale in locales
    }
    caveats = _SOURCE_CAVEAT.findall(source)
    shutil.rmtree(root, ignore_errors=True)
    (root / "source").mkdir(parents=True)
    quoted = ", ".join(f'"{locale.replace("_", "-")}"' for locale in locales)
    (root / "pyproject.toml").write_text(
        f"[tool.locpipe]\ntarget-locales = [{quoted}]\nrequire-review = false\n", encoding="utf-8"
    )
    tables = []
    for copy in range(copies):
        name = f"{ARTICLE}-{copy:03d}"
        suffix = f"-c{copy:03d}"
        text = _SOURCE_CAVEAT.sub(rf"\g<1>\g<2>{suffix}\g<3>", source)
        (root / "source" / f"{name}.md").write_text(text, encoding="utf-8")
        tables.append(_TABLE.sub(rf"[\g<1>{suffix}\g<2>]", registry))
        for locale, catalog in catalogs.items():
            renamed = _PO_CAVEAT.sub(rf"\g<1>\g<2>{suffix}", catalog)
            renamed = renamed.replace(f"source/{ARTICLE}.md:", f"source/{name}.md:")
            folder = root / "locales" / locale / "LC_MESSAGES"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.po").write_text(renamed, encoding="utf-8")
    (root / "source" / "caveats.toml").write_text("\n".join(tables), encoding="utf-8")
    for locale in locales:
        ui = repository / "locales" / locale / "LC_MESSAGES" / "ui.po"
        if ui.is_file():
            shutil.copy2(ui, root / "locales" / locale / "LC_MESSAGES" / "ui.po")
    for template in ("ui.pot",):
        if (repository / "locales" / template).is_file():
            shutil.copy2(repository / "locales" / template, root / "locales" / template)
    return locales, len(caveats) * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--copies", type=int, default=COPIES)
    args = parser.parse_args()
    locales, caveats = make_heavy_project(args.folder, args.copies)
    print(f"{args.folder}: {args.copies} documents, {caveats} caveats, locales {locales}")


if __name__ == "__main__":
    main()
