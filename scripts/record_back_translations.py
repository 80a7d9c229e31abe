"""Record the shipped caveat reviews from an independent back-translation file.

Usage: python scripts/record_back_translations.py BACK-TRANSLATIONS.md [PROJECT]

The file has one ``### <locale> · <caveat>`` section per caveat, each with the exact
``Reviewed translation:`` (a block quote), the ``Back-translation and review [N]:`` text and the
reviewer's ``Flags:``. A section whose reviewed translation is not, byte for byte, the catalog's
current translation is not recorded: it is listed, and the script exits 1. Everything else is
written with :func:`locpipe.review.record_review`, exactly as ``locpipe review`` writes it.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from locpipe.config import load_config
from locpipe.project import read_catalog
from locpipe.review import gate_check, project_sites, record_review, translated

DOCUMENT = "article"
REVIEWER = "Independent reviewer <reviewer@locpipe.invalid>"
_SECTION = re.compile(r"^### (\S+) · (\S+)\s*$")
_ITEM = re.compile(r"^Back-translation and review \[(\d+)\]:\s*$")


@dataclass(frozen=True)
class Section:
    locale: str
    caveat: str
    item: str
    translation: str
    back_translation: str
    flags: str


def sections(text: str) -> list[Section]:
    """Every ``### locale · caveat`` section; a section ends at the next heading or rule."""
    found = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        heading = _SECTION.match(lines[index])
        index += 1
        if not heading:
            continue
        body = []
        while index < len(lines) and not lines[index].startswith(("#", "---")):
            body.append(lines[index])
            index += 1
        found.append(_section(heading.group(1), heading.group(2), body))
    return found


def _section(locale: str, caveat: str, body: list[str]) -> Section:
    quote = [line for line in body if line.startswith(">")]
    translation = "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in quote)
    start = next(i for i, line in enumerate(body) if _ITEM.match(line))
    flags_at = body.index("Flags:")
    return Section(
        locale=locale,
        caveat=caveat,
        item=_ITEM.match(body[start]).group(1),
        translation=translation,
        back_translation="\n".join(body[start + 1 : flags_at]).strip(),
        flags="\n".join(body[flags_at + 1 :]).strip(),
    )


def main(argv: list[str]) -> int:
    source = Path(argv[1])
    config = load_config(Path(argv[2]) if len(argv) > 2 else Path("."))
    sites = {site.id: site for site in project_sites(config)[DOCUMENT]}
    check = gate_check(config)
    refused = []
    for section in sections(source.read_text(encoding="utf-8")):
        catalog = read_catalog(config, section.locale, DOCUMENT)
        current = translated(sites[section.caveat], catalog)
        if current is None or "\n\n".join(current.msgstrs) != section.translation:
            refused.append(section)
            continue
        notes = (
            f"Flags raised by the back-translator ({source.name}, their item [{section.item}]; "
            "the items and groups cited are in their numbering):\n" + section.flags
        )
        record_review(
            config,
            section.locale,
            DOCUMENT,
            section.caveat,
            reviewer=REVIEWER,
            back_translation=section.back_translation,
            notes=notes,
            date=dt.date(2026, 12, 6),
            check=check,
        )
        print(f"recorded {section.locale} {section.caveat}")
    for section in refused:
        print(
            f"NOT recorded {section.locale} {section.caveat}: the reviewed translation is not "
            "the catalog's current msgstr",
            file=sys.stderr,
        )
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
