"""A deterministic Markdown corpus for the benchmarks: documentation and health-article text.

Pure standard library, no network: the same ``(size, seed)`` always gives the same text, on every
machine and Python version (only :class:`random.Random` methods whose output is stable across
versions are used: ``random``, ``randint``/``randrange``, ``choice``, ``sample``, ``getrandbits``
and ``lognormvariate``).

The documents mix every construct the engine handles: YAML front matter, ATX and setext headings,
paragraphs with soft and hard line breaks, emphasis, strong, code spans, links (inline, reference,
autolinks), images, inline HTML, entities and escapes, strikethrough, nested bullet and ordered
lists with multi-paragraph items, nested block quotes holding lists, GFM tables (escaped pipes,
inline markup in cells, short rows, rows without outer pipes), fenced and indented code blocks,
HTML blocks, link reference definitions, thematic breaks, and locpipe's directives
(``<!-- caveat: ID -->`` with ids unique in the document, ``<!-- l10n: note ... -->``,
``<!-- l10n: context ... -->`` and ``<!-- l10n: skip -->``).

Run ``python benchmarks/corpus.py`` to check a corpus: every document must go through
``locpipe.extract`` without error, and the report lists which constructs it covers.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

KB = 1024
MB = 1024 * KB
MIN_DOC_BYTES = KB
MAX_DOC_BYTES = MB

Block = list[str]
"""A block's source lines, without line ends or container prefixes; "" is a blank line."""

# Spaces inside constructs that must not be broken by line wrapping (titles, attributes, code
# spans) are written as _NBSP while a paragraph is built, and become plain spaces at the end.
_NBSP = "\x00"
# Containers (list levels and block quotes) nest at most this deep.
_MAX_NESTING = 5

# --- vocabulary ----------------------------------------------------------------------------------
# No word is a lone "-", "+", "*", ">", "#", "=" or "|", and no number is followed by "." or ")":
# wrapped onto the start of a line, such a word would open a block instead of continuing the text.

_HEALTH_SUBJECTS = (
    "Regular exercise",
    "A balanced diet",
    "Topical corticosteroids",
    "Most patients",
    "Your doctor",
    "The treatment plan",
    "Stem cell therapy",
    "Phototherapy",
    "A daily skincare routine",
    "Clinical trials",
    "Vitamin D supplements",
    "Stress management",
    "Low-dose aspirin",
    "The nurse practitioner",
    "Children under twelve",
    "People with kidney disease",
    "Moisturisers",
    "Routine blood tests",
    "Physiotherapy",
    "Antihistamines",
    "UC-MSC therapy",
    "A short course of antibiotics",
)
_DOCS_SUBJECTS = (
    "The build command",
    "Each translator",
    "The configuration file",
    "The extractor",
    "A catalog update",
    "The release checklist",
    "Every localized page",
    "The reviewer",
    "The command-line tool",
    "A pull request",
    "The CI pipeline",
    "The glossary",
    "The fuzzy matcher",
    "Machine translation",
)
_VERBS = (
    "can reduce",
    "may improve",
    "helps to manage",
    "is associated with",
    "does not replace",
    "often lowers",
    "should be checked against",
    "can worsen",
    "is recommended for",
    "may interact with",
    "protects",
    "supports",
    "updates",
    "validates",
    "keeps track of",
    "rarely affects",
    "is not a substitute for",
    "depends on",
)
_HEALTH_OBJECTS = (
    "the risk of flare-ups",
    "blood pressure",
    "inflammation in the joints",
    "symptoms such as itching and redness",
    "the patient’s quality of life",
    "doses above 4 000 µg a day",
    "storage temperatures below 8 °C",
    "naïve T-cells",
    "the skin’s natural barrier",
    "long-term remission",
    "the immune response",
    "sleep quality and mood",
    "iron absorption",
    "the healing of damaged tissue",
    "the effect of other medicines",
    "≥ 30 minutes of moderate activity",
    "early signs of infection",
)
_DOCS_OBJECTS = (
    "the translation catalog",
    "every message in the document",
    "the fuzzy entries",
    "the locale directory",
    "obsolete strings",
    "the rendered HTML",
    "line numbers in the references",
    "the source’s line endings",
    "plural forms",
    "the caveat gate",
)
_QUALIFIERS = (
    "",
    "",
    "in most adults",
    "within two to four weeks",
    "when combined with medication",
    "according to recent studies",
    "for people over sixty-five",
    "during the first months of treatment",
    "in severe cases",
    "without any extra configuration",
    "before each release",
    "on every build",
    "in the long term",
    "at the clinic or at home",
)
_CONNECTORS = (
    "However,",
    "In addition,",
    "For example,",
    "As a rule,",
    "In most cases,",
    "According to the latest guidance,",
    "Before you start,",
    "If symptoms persist,",
    "In practice,",
    "Surprisingly,",
)
_ENDINGS = (".", ".", ".", ".", ".", "!", "?", "…")
_HEALTH_TITLES = (
    "What are UC-MSCs?",
    "How the therapy works",
    "Side effects and risks",
    "Dosage and administration",
    "When to see a doctor",
    "Living with psoriasis",
    "Diet and lifestyle",
    "Frequently asked questions",
    "Who should avoid this treatment",
    "Advantages of stem cell therapy",
    "Limitations and considerations",
    "Storage and handling",
    "Children and pregnancy",
)
_DOCS_TITLES = (
    "Installation",
    "Configuring the pipeline",
    "Updating the catalogs",
    "Writing caveats",
    "Reviewing translations",
    "Troubleshooting",
    "Command reference",
    "Release checklist",
    "Working with translators",
    "Known limitations",
)
_CAVEAT_SLUGS = (
    "not-medical-advice",
    "experimental-stage",
    "pregnancy-risk",
    "drug-interaction",
    "dosage-limit",
    "allergy-warning",
    "children-dosage",
    "consult-professional",
    "data-loss",
    "backup-first",
)
_CAVEAT_LEADS = (
    "Not medical advice:",
    "Experimental stage:",
    "Pregnancy:",
    "Interactions:",
    "Maximum dose:",
    "Allergies:",
    "Children:",
    "Consult a professional:",
    "Data loss:",
    "Back up first:",
)
_NOTES = (
    "Safety caveat. Keep both facts at full strength.",
    "Keep the dose and the unit exactly as written.",
    "Do not soften the warning; it is reviewed by a clinician.",
    "Brand name: do not translate “locpipe”.",
    "The button label must match the translated UI.",
    "Formal register, as in the rest of the article.",
)
_CONTEXTS = ("page title", "button label", "menu entry", "table heading", "alt text")
_SOURCES = (
    ("WHO", "https://www.who.int/news-room/fact-sheets/detail/psoriasis", "WHO fact sheet"),
    ("nice-ng", "https://www.nice.org.uk/guidance/cg153", "NICE guideline CG153"),
    ("cochrane-2023", "https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858", None),
    ("NHS", "https://www.nhs.uk/conditions/psoriasis/", "Psoriasis — NHS"),
    ("gettext manual", "https://www.gnu.org/software/gettext/manual/gettext.html", None),
    ("babel", "https://babel.pocoo.org/en/latest/", "Babel documentation"),
    ("commonmark", "https://spec.commonmark.org/0.31.2/", "CommonMark Spec"),
    ("gfm", "https://github.github.com/gfm/", "GitHub Flavored Markdown Spec"),
    ("bad-guidelines", "https://www.bad.org.uk/guidelines-and-standards/", "BAD guidelines"),
    ("ema", "https://www.ema.europa.eu/en/medicines", "European Medicines Agency"),
    ("locpipe docs", "https://locpipe.example.org/docs/", "locpipe documentation"),
    ("style guide", "https://locpipe.example.org/docs/style guide.html", "Style guide"),
    ("trial-nct0412", "https://clinicaltrials.gov/study/NCT04120000", "Phase II trial"),
    ("mdn-html", "https://developer.mozilla.org/en-US/docs/Web/HTML", "MDN: HTML"),
)
_EMAILS = ("info@example.org", "clinic@example.com", "l10n-team@example.org")
_CODE_SPANS = (
    "locpipe build",
    "--dry-run",
    "pyproject.toml",
    "msgid",
    "locales/fr/LC_MESSAGES/site.po",
    "max_dose_mg",
    "a | b",
    "`",
    "<br>",
    "x * y",
    "[tool.locpipe]",
)
_INLINE_HTML = (
    "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
    '<abbr title="Umbilical Cord Mesenchymal Stem Cells">UC-MSC</abbr>',
    "H<sub>2</sub>O",
    "10<sup>6</sup> cells",
    '<span class="dose">5 mg</span>',
    "<em>in vitro</em>",
    "<mark>important</mark>",
)
_ENTITY_PHRASES = (
    "A &amp; E",
    "5&nbsp;mg",
    "&lt; 10 %",
    "&#8805; 18 years",
    "&copy; 2025",
    "pages&#x2014;all of them",
    "&quot;as needed&quot;",
    "caf&eacute; au lait",
)
_ESCAPES = (
    "\\*not emphasis\\*",
    "1\\. not a list",
    "\\<br\\> as text",
    "\\# not a heading",
    "a\\_b\\_c",
    "\\[not a link\\]",
)
_CELLS = (
    "Mild",
    "Moderate",
    "Severe",
    "5–10 mg",
    "Twice daily",
    "Yes \\| No",
    "`a \\| b`",
    "**High**",
    "*optional*",
    "~~weekly~~ daily",
    "&lt; 5 %",
    "Use <kbd>Tab</kbd>",
    "≥ 30 °C",
    "One<br>two",
    "![ok](icons/ok.svg)",
    "See [notes](#notes)",
    "`--locale fr`",
    "n/a",
    "2 × 250 µg",
)
_LANGUAGES = ("bash", "python", "yaml", "json", "toml", "text", "", "markdown", "console")
_CODE: dict[str, tuple[str, ...]] = {
    "bash": (
        "pip install locpipe",
        "locpipe extract source/ --out locales/site.pot",
        "locpipe update --locale fr --locale de",
        'for f in source/*.md; do wc -c "$f"; done',
        "export LC_ALL=C.UTF-8",
    ),
    "console": ("$ locpipe build", "Built 42 pages in 3 locales.", "$ echo $?", "0"),
    "python": (
        "from locpipe import extract",
        "",
        "def count(path: str) -> int:",
        '    with open(path, encoding="utf-8") as f:',
        "        return len(extract(f.read(), path=path))",
        "",
        "print(count('source/article.md'))",
    ),
    "yaml": ("title: Scalp psoriasis", "locales:", "  - fr", "  - de", "reviewed: true"),
    "json": ("{", '  "dose_mg": 5,', '  "frequency": "twice daily",', '  "notes": null', "}"),
    "toml": ("[tool.locpipe]", 'source = "source"', 'locales = ["fr", "de", "es"]'),
    "text": ("Patient ID: 0042", "Dose:       5 mg", "Next visit: in 4 weeks"),
    "": ("usage: locpipe [-h] {extract,update,build} ...",),
    "markdown": (
        "<!-- caveat: example-only -->",
        "**Pregnancy:** do not use this cream while pregnant.",
        "",
        "```bash",
        "locpipe build",
        "```",
    ),
}
_PEOPLE = ("Dr Ana Müller", "J. Okafor, RN", "Li Wei", "María José García", "Tom O’Brien")


@dataclass(frozen=True, slots=True)
class _Source:
    label: str
    url: str
    title: str | None


# --- the generator -------------------------------------------------------------------------------


class _Writer:
    """Builds one document, block by block, from one random stream."""

    def __init__(self, seed: int, caveat_suffix: str = "") -> None:
        rng = self.rng = Random(seed)
        self.caveat_suffix = caveat_suffix
        self.health = rng.random() < 0.6
        self.subjects = _HEALTH_SUBJECTS if self.health else _DOCS_SUBJECTS
        self.objects = _HEALTH_OBJECTS + (_DOCS_OBJECTS if not self.health else ())
        self.titles = _HEALTH_TITLES if self.health else _DOCS_TITLES
        # Per-document house style, as different authors write.
        self.width: int | None = rng.choice((None, 72, 80, 80, 100, 0))  # 0: sentence per line
        self.em = rng.choice("*_")
        self.strong = rng.choice(("**", "__"))
        self.bullet = rng.choice("-*+")
        self.sources = [_Source(*source) for source in rng.sample(_SOURCES, rng.randint(4, 10))]
        self.definition_lines = {source.label: self.definition(source) for source in self.sources}
        self.used: dict[str, _Source] = {}
        self.defined: set[str] = set()
        self.caveats = 0
        self.nesting = 0  # open containers (list levels and block quotes) around the block
        self.blocks: list[Block] = []
        self.size = 0

    # -- document -------------------------------------------------------------------------------

    def document(self, size_bytes: int) -> str:
        rng = self.rng
        if rng.random() < 0.75:
            self.emit(self.front_matter())
        self.emit(self.title())
        self.emit(self.paragraph())
        while not self.full(size_bytes):
            self.section(size_bytes)
        definitions = self.definitions(list(self.used.values()))
        if definitions:
            self.emit(definitions)
        return "\n\n".join("\n".join(block) for block in self.blocks) + "\n"

    def emit(self, block: Block) -> None:
        self.blocks.append(block)
        self.size += sum(len(line.encode()) + 1 for line in block) + 1

    def full(self, size_bytes: int) -> bool:
        # Counting the reference definitions that close the document: the text is at least
        # size_bytes long in the end. (The last block's separator is no byte of the text.)
        closing = [
            len(line.encode()) + 1
            for label in self.used
            if label.lower() not in self.defined
            for line in self.definition_lines[label]
        ]
        return self.size - 1 + (sum(closing) + 1 if closing else 0) >= size_bytes

    def section(self, size_bytes: int) -> None:
        rng = self.rng
        if rng.random() < 0.12:
            self.emit(self.thematic_break())
        self.emit(self.heading(2))
        level = 2
        for _ in range(rng.randint(2, 9)):
            if self.full(size_bytes):
                return
            kind = self.pick_block(room=size_bytes - self.size)
            if kind == "heading":
                level = min(level + 1, 6) if rng.random() < 0.6 else rng.randint(3, 6)
                self.emit(self.heading(level))
            else:
                self.emit(self.block(kind, depth=0))

    _WEIGHTS = (
        ("paragraph", 36),
        ("list", 14),
        ("deep list", 3),
        ("table", 6),
        ("fence", 5),
        ("indented code", 2),
        ("quote", 6),
        ("html", 3),
        ("caveat", 6),
        ("annotated", 3),
        ("skip", 1),
        ("heading", 8),
        ("break", 2),
        ("definitions", 1),
    )

    def pick_block(self, room: int) -> str:
        """A kind of block, by weight; near the requested size, only those that stay small."""
        if room < 1500:
            return "paragraph"
        weights = [(k, w) for k, w in self._WEIGHTS if room > 8000 or k not in self._LARGE]
        pick = self.rng.randrange(sum(weight for _, weight in weights))
        for kind, weight in weights:
            if pick < weight:
                return kind
            pick -= weight
        raise AssertionError("unreachable")

    _LARGE = frozenset({"deep list", "quote"})

    def block(self, kind: str, depth: int) -> Block:
        builders: dict[str, Callable[[], Block]] = {
            "paragraph": self.paragraph,
            "list": lambda: self.list_block(1, self.rng.choice((2, 3, 3, 4))),
            "deep list": lambda: self.list_block(1, 4, deep=True),
            "table": self.table,
            "fence": self.fence,
            "indented code": self.indented_code,
            "quote": lambda: self.quote(1),
            "html": self.html_block,
            "caveat": self.caveat_paragraph,
            "annotated": self.annotated_paragraph,
            "skip": lambda: ["<!-- l10n: skip -->", *self.paragraph((1, 2))],
            "break": self.thematic_break,
            "definitions": lambda: (
                self.definitions(self.rng.sample(self.sources, 2)) or self.paragraph((1, 2))
            ),
        }
        return builders[kind]()

    # -- leaf blocks ----------------------------------------------------------------------------

    def front_matter(self) -> Block:
        rng = self.rng
        lines = [
            "---",
            f'title: "{rng.choice(self.titles)}"',
            f"updated: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"tags: [{', '.join(rng.sample(('skin', 'immune', 'docs', 'l10n', 'faq'), 2))}]",
        ]
        if rng.random() < 0.7:
            lines.append(f"author: {rng.choice(_PEOPLE)}")
        if rng.random() < 0.4:
            lines.append(f'reviewed_by: "{rng.choice(_PEOPLE)}"')
        if rng.random() < 0.3:
            lines += ["summary: >", "  A short summary: folded,", "  over two lines."]
        return [*lines, "---"]

    def title(self) -> Block:
        rng = self.rng
        text = f"{rng.choice(self.titles).rstrip('?')}: a {rng.choice(('guide', 'primer', 'FAQ'))}"
        lines = ["<!-- l10n: context page title -->"] if rng.random() < 0.3 else []
        if rng.random() < 0.3:
            return [*lines, text, "=" * rng.choice((len(text), 3, 10))]
        return [*lines, f"# {text}"]

    def heading(self, level: int) -> Block:
        rng = self.rng
        text = rng.choice(self.titles)
        roll = rng.random()
        if roll < 0.15:
            text = f"Using `{rng.choice(('locpipe update', 'msgmerge', 'po/'))}`"
        elif roll < 0.25:
            text = f"{text} {self.em}(updated){self.em}"
        elif roll < 0.3:
            text = f"{text} &amp; [sources][{self.use_source().label}]"
        lines = ["<!-- l10n: context section heading -->"] if rng.random() < 0.05 else []
        if level <= 2 and rng.random() < 0.25:
            return [*lines, text, ("=" if level == 1 else "-") * len(text)]
        closing = " " + "#" * rng.choice((level, 2)) if rng.random() < 0.1 else ""
        return [*lines, f"{'#' * level} {text}{closing}"]

    def thematic_break(self) -> Block:
        return [self.rng.choice(("---", "***", "___", "* * *", "- - -", "_____"))]

    def paragraph(self, sentences: tuple[int, int] = (2, 6), lead: str = "") -> Block:
        rng = self.rng
        count = rng.randint(*sentences)
        segments: list[list[str]] = [[]]
        for index in range(count):
            sentence = self.sentence()
            if index == 0 and lead:
                sentence = f"{lead} {sentence}"
            segments[-1].append(sentence)
            if index < count - 1 and rng.random() < 0.07:
                segments.append([])  # a hard line break after this sentence
        lines: list[str] = []
        for number, segment in enumerate(segments):
            segment_lines = self.wrap(segment)
            if number < len(segments) - 1:
                segment_lines[-1] += rng.choice(("  ", "\\", "   "))
            lines += segment_lines
        return [line.replace(_NBSP, " ") for line in lines]

    def wrap(self, sentences: list[str]) -> list[str]:
        if self.width is None:
            return [" ".join(sentences)]
        if self.width == 0:
            return list(sentences)
        lines: list[str] = []
        line = ""
        for word in " ".join(sentences).split(" "):
            if line and len(line) + 1 + len(word) > self.width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        return lines

    def sentence(self) -> str:
        rng = self.rng
        subject = rng.choice(self.subjects)
        if rng.random() < 0.25:
            lowered = subject if subject[1:2].isupper() else subject[0].lower() + subject[1:]
            subject = f"{rng.choice(_CONNECTORS)} {lowered}"
        words = [subject, rng.choice(_VERBS), self.decorated(rng.choice(self.objects))]
        qualifier = rng.choice(_QUALIFIERS)
        if qualifier:
            words.append(qualifier)
        if rng.random() < 0.45:
            words.append(self.aside())
        return " ".join(words) + rng.choice(_ENDINGS)

    def decorated(self, text: str) -> str:
        rng = self.rng
        roll = rng.random()
        em, strong = self.em, self.strong
        if roll < 0.08:
            return f"{em}{text}{em}"
        if roll < 0.14:
            return f"{strong}{text}{strong}"
        if roll < 0.17:
            first, _, rest = text.partition(" ")
            return f"{strong}{first} {em}{rest or 'all'}{em}{strong}" if rest else text
        if roll < 0.22:
            slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
            title = f' "{rng.choice(self.titles)}"'.replace(" ", _NBSP) if roll < 0.19 else ""
            return f"[{text}](https://example.org/{slug}{title})"
        if roll < 0.25:
            return f"~~{text}~~"
        if roll < 0.29:
            return f"[{text}][{self.use_source().label}]"
        return text

    def aside(self) -> str:
        rng = self.rng
        kind = rng.randrange(11)
        if kind == 0:
            source = self.use_source()
            return f"(see [{source.label}])" if rng.random() < 0.5 else f"(see [{source.label}][])"
        if kind == 1:
            return f"— details at <{rng.choice(self.sources).url.replace(' ', '%20')}>"
        if kind == 2:
            return f"(write to <{rng.choice(_EMAILS)}>)"
        if kind == 3:
            alt = rng.choice(("a diagram of the skin", "the build flow", "dosage chart"))
            title = (
                f' "Figure {rng.randint(2, 9)}"'.replace(" ", _NBSP) if rng.random() < 0.5 else ""
            )
            return f"![{alt}](images/figure-{rng.randint(2, 40)}.png{title})"
        if kind == 4:
            return "with " + rng.choice(_INLINE_HTML).replace(" ", _NBSP)
        if kind == 5:
            return "(" + rng.choice(_ENTITY_PHRASES).replace(" ", _NBSP) + ")"
        if kind == 6:
            code = rng.choice(_CODE_SPANS)
            ticks, pad = ("``", " ") if "`" in code else ("`", "")
            return f"using {ticks}{pad}{code}{pad}{ticks}".replace(" ", _NBSP)
        if kind == 7:
            return "(" + rng.choice(_ESCAPES) + ")"
        if kind == 8:
            return f"(~~{rng.randint(2, 9)} weeks~~ {rng.randint(2, 9)} weeks)"
        if kind == 9:
            source = rng.choice(self.sources)
            return f"[on the {source.label} site](<{source.url}>)".replace(" ", _NBSP)
        return f"as {self.em}{rng.choice(self.objects)}{self.em} shows"

    def use_source(self) -> _Source:
        source = self.rng.choice(self.sources)
        self.used.setdefault(source.label, source)
        return source

    def definitions(self, sources: list[_Source]) -> Block:
        """Link reference definitions for those of ``sources`` not defined yet."""
        lines: list[str] = []
        for source in sources:
            if source.label.lower() not in self.defined:
                self.defined.add(source.label.lower())
                lines += self.definition_lines[source.label]
        return lines

    def definition(self, source: _Source) -> Block:
        rng = self.rng
        url = f"<{source.url}>" if " " in source.url or rng.random() < 0.1 else source.url
        if source.title is None:
            return [f"[{source.label}]: {url}"]
        if rng.random() < 0.15:
            return [f"[{source.label}]: {url}", f'    "{source.title}"']
        opening, closing = rng.choice((('"', '"'), ("'", "'"), ("(", ")")))
        return [f"[{source.label}]: {url} {opening}{source.title}{closing}"]

    def caveat_paragraph(self) -> Block:
        return [*self.caveat_directives(), *self.paragraph((1, 4), lead=self.caveat_lead())]

    def caveat_directives(self) -> Block:
        rng = self.rng
        self.caveats += 1
        slug = rng.choice(_CAVEAT_SLUGS)
        lines = [f"<!-- caveat: {slug}-{self.caveats}{self.caveat_suffix} -->"]
        if rng.random() < 0.6:
            lines.append(f"<!-- l10n: note {rng.choice(_NOTES)} -->")
        return lines

    def caveat_lead(self) -> str:
        return f"{self.strong}{self.rng.choice(_CAVEAT_LEADS)}{self.strong}"

    def annotated_paragraph(self) -> Block:
        rng = self.rng
        lines = []
        if rng.random() < 0.5:
            lines.append(f"<!-- l10n: context {rng.choice(_CONTEXTS)} -->")
        if not lines or rng.random() < 0.5:
            lines.append(f"<!-- l10n: note {rng.choice(_NOTES)} -->")
        return [*lines, *self.paragraph((1, 3))]

    def table(self) -> Block:
        rng = self.rng
        columns = rng.randint(2, 5)
        outer_pipes = rng.random() < 0.85
        header = [
            rng.choice(("Dose", "Frequency", "Option", "Default", "Severity", "Notes", "Age"))
            for _ in range(columns)
        ]
        if rng.random() < 0.2:
            header[-1] = f"{self.em}Notes{self.em} \\| remarks"
        aligns = [rng.choice(("---", ":---", ":---:", "---:", "-")) for _ in range(columns)]
        rows = [header, aligns]
        for _ in range(rng.randint(2, 12)):
            row = [rng.choice(_CELLS) for _ in range(columns)]
            if outer_pipes and rng.random() < 0.1:
                row[rng.randrange(columns)] = ""
            if outer_pipes and rng.random() < 0.05:
                row.pop()  # a short row: the table rule adds the missing cell
            rows.append(row)
        if rng.random() < 0.5:  # aligned columns, as a table formatter leaves them
            widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(columns)]
            rows[1] = [
                _delimiter(align, width) for align, width in zip(aligns, widths, strict=True)
            ]
            for row in (rows[0], *rows[2:]):
                row[:] = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines = [" | ".join(row) for row in rows]
        if outer_pipes:
            lines = [f"| {line} |" for line in lines]
        caption = self.paragraph((1, 1)) if rng.random() < 0.1 else []
        return [*caption, *lines]  # a caption line directly above: the table interrupts it

    def fence(self) -> Block:
        rng = self.rng
        language = rng.choice(_LANGUAGES)
        body = list(_CODE[language])
        if language != "markdown" and rng.random() < 0.5:
            body = body[: rng.randint(1, len(body))]
        marker = rng.choice(("```", "```", "~~~"))
        if language == "markdown" and marker == "```":
            marker = "````"
        info = language + (" {.numberLines}" if language and rng.random() < 0.1 else "")
        return [f"{marker}{info}", *body, marker]

    def indented_code(self) -> Block:
        intro = self.paragraph((1, 1))
        body = _CODE[self.rng.choice(("bash", "text", "yaml"))]
        return [*intro, "", *(f"    {line}" if line else "" for line in body)]

    def html_block(self) -> Block:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            return [
                '<div class="warning">',
                f"<p><strong>Warning:</strong> {rng.choice(_NOTES)}</p>",
                "</div>",
            ]
        if kind == 1:
            return [
                "<details>",
                f"<summary>{rng.choice(self.titles)}</summary>",
                "",
                *self.paragraph((1, 3)),
                "",
                "</details>",
            ]
        if kind == 2:
            return [
                "<figure>",
                f'  <img src="images/figure-{rng.randint(1, 9)}.png" alt="A chart of symptoms">',
                f"  <figcaption>Figure {rng.randint(1, 9)}: {rng.choice(self.titles)}</figcaption>",
                "</figure>",
            ]
        if kind == 3:
            return [
                f"<!-- TODO: check the figures against the {rng.randint(2020, 2025)} review -->"
            ]
        if kind == 4:
            return ["<!--", "Editorial notes, not shown:", "- confirm the dosage table", "-->"]
        return ['<p align="center">', '  <img src="logo.svg" width="120">', "</p>"]

    # -- containers -----------------------------------------------------------------------------

    def list_block(
        self, depth: int, max_depth: int, *, deep: bool = False, from_one: bool = False
    ) -> Block:
        """A list, its items holding lists down to ``max_depth`` levels (always, if ``deep``)."""
        rng = self.rng
        self.nesting += 1
        ordered = rng.random() < 0.4
        start = 1 if from_one or rng.random() < 0.7 else rng.choice((2, 3, 8, 9))
        delimiter = rng.choice(".)") if rng.random() < 0.3 else "."
        bullet = self.bullet if depth == 1 else rng.choice("-*+")
        loose = rng.random() < 0.3
        lines: list[str] = []
        count = rng.randint(2, 5 if depth == 1 else 4)
        spine = rng.randrange(count) if deep else -1  # the item that holds the next level
        for index in range(count):
            marker = f"{start + index}{delimiter}" if ordered else bullet
            nest = index == spine or rng.random() < 0.3 / depth
            body = self.list_item(depth, max_depth, nest=nest, deep=deep, loose=loose)
            if index and loose:
                lines.append("")
            lines += _item(marker, body)
        self.nesting -= 1
        return lines

    def list_item(
        self, depth: int, max_depth: int, *, nest: bool, deep: bool, loose: bool
    ) -> Block:
        rng = self.rng
        lines: list[str] = []
        roll = rng.random()
        if roll < 0.1:
            lines += self.caveat_directives()
            lines += self.paragraph((1, 2), lead=self.caveat_lead())
        else:
            if roll < 0.14:
                lines.append(f"<!-- l10n: context {rng.choice(_CONTEXTS)} -->")
            lines += self.paragraph((1, 2))
        if loose or rng.random() < 0.15:
            lines += ["", *self.paragraph((1, 3))]  # a multi-paragraph item
        extra = rng.random()
        if extra < 0.05:
            lines += ["", *self.fence()]
        elif extra < 0.08:
            lines += ["", *self.table()]
        elif extra < 0.1 and self.nesting < 3:
            lines += ["", *self.quote(1)]
        if nest and depth < max_depth and self.nesting < _MAX_NESTING:
            if loose:
                lines.append("")
            # Without a blank line, an ordered list only interrupts the paragraph from 1.
            lines += self.list_block(depth + 1, max_depth, deep=deep, from_one=not loose)
        return lines

    def quote(self, depth: int) -> Block:
        rng = self.rng
        self.nesting += 1
        room = _MAX_NESTING - self.nesting
        parts: list[tuple[str, Block]] = []
        if rng.random() < 0.2:  # a GitHub alert: plain text on its own line in CommonMark
            alert = f"[!{rng.choice(('NOTE', 'WARNING', 'TIP'))}]"
            parts.append(("paragraph", [alert, *self.paragraph((1, 3))]))
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            if roll < 0.45:
                parts.append(("paragraph", self.paragraph((1, 4))))
            elif roll < 0.55:
                parts.append(("caveat", self.caveat_paragraph()))
            elif roll < 0.8 and room > 0:
                parts.append(("list", self.list_block(1, min(3, room))))
            elif roll < 0.9 and depth < 3 and room > 0:
                parts.append(("quote", self.quote(depth + 1)))
            elif roll < 0.95:
                parts.append(("fence", self.fence()))
            else:
                parts.append(("table", self.table()))
        lines: list[str] = []
        for number, (_, block) in enumerate(parts):
            if number:
                lines.append(">")
            lines += [f"> {line}" if line else ">" for line in block]
        last_kind, last_block = parts[-1]
        self.nesting -= 1
        lazy = not self.nesting and last_kind == "paragraph" and len(last_block) > 1
        if lazy and rng.random() < 0.2:
            lines[-1] = lines[-1][2:]  # a lazy continuation line
        return lines


def _delimiter(align: str, width: int) -> str:
    left, right = align.startswith(":"), len(align) > 1 and align.endswith(":")
    return (":" if left else "") + "-" * max(width - left - right, 1) + (":" if right else "")


def _item(marker: str, body: Block) -> Block:
    indent = " " * (len(marker) + 1)
    first, *rest = body
    return [f"{marker} {first}", *(f"{indent}{line}" if line else "" for line in rest)]


# --- public API ----------------------------------------------------------------------------------


def generate_document(size_bytes: int, seed: int, *, caveat_suffix: str = "") -> str:
    """A Markdown document of at least ``size_bytes`` (UTF-8), and not much more.

    The same ``(size_bytes, seed)`` always gives the same text. Caveat ids are unique in the
    document; ``caveat_suffix`` is appended to each (``generate_corpus`` makes them unique in the
    corpus with it, as a project's caveat registry requires).
    """
    if size_bytes < 0:
        raise ValueError(f"size_bytes must be >= 0, not {size_bytes}")
    return _Writer(seed, caveat_suffix).document(size_bytes)


def generate_corpus(n_docs: int, total_bytes: int, seed: int) -> dict[str, str]:
    """``n_docs`` documents (name -> text) of about ``total_bytes`` in all.

    Sizes follow a skewed (log-normal) distribution between 1 KB and 1 MB: many small pages, a
    few large ones, scaled so that they add up to ``total_bytes``. Caveat ids are unique in the
    whole corpus (``-d<index>`` is appended to each), so the corpus can be one locpipe project.
    """
    if n_docs < 1:
        raise ValueError(f"n_docs must be >= 1, not {n_docs}")
    if not n_docs * MIN_DOC_BYTES <= total_bytes <= n_docs * MAX_DOC_BYTES:
        raise ValueError(f"{n_docs} documents of 1 KB to 1 MB cannot add up to {total_bytes} bytes")
    rng = Random(seed)
    weights = [rng.lognormvariate(0.0, 1.5) for _ in range(n_docs)]
    scale = _scale_to_total(weights, total_bytes)
    corpus: dict[str, str] = {}
    for index, weight in enumerate(weights):
        size = round(min(max(weight * scale, MIN_DOC_BYTES), MAX_DOC_BYTES))
        section = rng.choice(("health", "guides", "reference", "faq"))
        corpus[f"{section}/doc-{index:04d}.md"] = generate_document(
            size, rng.getrandbits(32), caveat_suffix=f"-d{index}"
        )
    return corpus


def _scale_to_total(weights: list[float], total_bytes: int) -> float:
    """The factor that makes the clamped, scaled weights add up to ``total_bytes`` (bisection)."""

    def total(scale: float) -> float:
        return sum(min(max(w * scale, MIN_DOC_BYTES), MAX_DOC_BYTES) for w in weights)

    low, high = 0.0, MAX_DOC_BYTES / min(weights)
    for _ in range(200):
        middle = (low + high) / 2
        if total(middle) < total_bytes:
            low = middle
        else:
            high = middle
    return high


_REVISIONS = (
    " This was reviewed again for the second edition.",
    " Check the latest guidance before you rely on it.",
    " The wording was clarified after feedback from readers.",
)
_REWORDINGS = ((" the ", " this "), (" can ", " could "), (" is ", " remains "), (" a ", " one "))
_CAVEAT_DIRECTIVE = re.compile(r"(<!-- caveat: [a-z0-9]+(?:-[a-z0-9]+)*)( -->)")


def edit_document(
    markdown: str, fraction: float, seed: int, *, count: int | None = None, caveats: bool = True
) -> str:
    """``markdown`` with about ``fraction`` of its paragraphs edited (or exactly ``count`` of them).

    The edits are what a new version of a page brings: a sentence added at the end of a paragraph,
    or a word changed in its first line. They never change the block structure, so each edited
    paragraph is one changed message (a fuzzy match for a catalog update). ``caveats=False``
    leaves the caveats' paragraphs alone. The same arguments always give the same text.
    """
    from locpipe.parser import make_renderer

    tokens = make_renderer("gfm").parse(markdown)
    lines = markdown.split("\n")
    candidates = []
    for index, token in enumerate(tokens):
        if token.type != "paragraph_open" or token.map is None:
            continue
        previous = tokens[index - 1] if index else None
        is_caveat = (
            previous is not None
            and previous.type == "html_block"
            and "<!-- caveat:" in previous.content
        )
        if caveats or not is_caveat:
            candidates.append(token.map)
    rng = Random(seed)
    wanted = count if count is not None else max(1, round(fraction * len(candidates)))
    for start, end in sorted(rng.sample(candidates, min(wanted, len(candidates)))):
        first, last = lines[start], lines[end - 1]
        old, new = rng.choice(_REWORDINGS)
        if rng.random() < 0.5 and old in first:
            lines[start] = first.replace(old, new, 1)
        else:
            lines[end - 1] = last.rstrip(" \\") + rng.choice(_REVISIONS)
    return "\n".join(lines)


def edit_corpus(corpus: dict[str, str], fraction: float, seed: int) -> dict[str, str]:
    """Version 2 of every document of ``corpus``: :func:`edit_document` with ``fraction``."""
    return {
        name: edit_document(text, fraction, seed + number)
        for number, (name, text) in enumerate(corpus.items())
    }


def replicate(corpus: dict[str, str], copies: int) -> dict[str, str]:
    """``copies`` times the documents of ``corpus``: the same texts under new names.

    Copy ``k`` (from 2 on) of ``faq/doc-0001.md`` is ``faq/doc-0001-r<k>.md``, and ``-r<k>`` is
    appended to its caveat ids, which stay unique in the corpus. Time and memory against size
    are measured on replicas: every document is as hard as before, only their number grows.
    """
    result: dict[str, str] = {}
    for copy in range(1, copies + 1):
        for name, text in corpus.items():
            if copy == 1:
                result[name] = text
                continue
            stem = name.removesuffix(".md")
            result[f"{stem}-r{copy}.md"] = _CAVEAT_DIRECTIVE.sub(rf"\1-r{copy}\2", text)
    return result


# --- checks --------------------------------------------------------------------------------------

CONSTRUCTS = (
    "front matter",
    "atx heading",
    "setext heading",
    "soft break",
    "hard break",
    "emphasis",
    "strong",
    "code span",
    "link",
    "reference link",
    "image",
    "autolink",
    "inline html",
    "entity",
    "escape",
    "strikethrough",
    "bullet list",
    "ordered list",
    "list depth 3+",
    "multi-paragraph item",
    "nested block quote",
    "list in block quote",
    "table",
    "escaped pipe in cell",
    "fenced code",
    "indented code",
    "html block",
    "reference definition",
    "thematic break",
    "caveat directive",
    "caveat in list item",
    "note directive",
    "context directive",
)


def constructs(markdown: str) -> set[str]:
    """Which of :data:`CONSTRUCTS` ``markdown`` contains, as the engine's own syntax parses it."""
    from locpipe.parser import make_renderer

    env: dict[str, object] = {}
    tokens = make_renderer("gfm").parse(markdown, env)
    found: set[str] = set()
    if env.get("references"):
        found.add("reference definition")
    open_lists = open_quotes = 0
    items: list[list[int]] = []  # [level, paragraphs] of each open list item
    simple = {
        "front_matter": "front matter",
        "softbreak": "soft break",
        "hardbreak": "hard break",
        "em_open": "emphasis",
        "strong_open": "strong",
        "code_inline": "code span",
        "image": "image",
        "html_inline": "inline html",
        "s_open": "strikethrough",
        "bullet_list_open": "bullet list",
        "ordered_list_open": "ordered list",
        "table_open": "table",
        "fence": "fenced code",
        "code_block": "indented code",
        "html_block": "html block",
        "hr": "thematic break",
    }
    previous = None
    for token in tokens:
        if token.type in simple:
            found.add(simple[token.type])
        if token.type == "heading_open":
            found.add("atx heading" if token.markup.startswith("#") else "setext heading")
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            open_lists += 1
            if open_lists >= 3:
                found.add("list depth 3+")
            if open_quotes:
                found.add("list in block quote")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            open_lists -= 1
        elif token.type == "blockquote_open":
            open_quotes += 1
            if open_quotes >= 2:
                found.add("nested block quote")
        elif token.type == "blockquote_close":
            open_quotes -= 1
        elif token.type == "html_block":
            if "<!-- caveat:" in token.content:
                found.add("caveat directive")
                if previous is not None and previous.type == "list_item_open":
                    found.add("caveat in list item")
            if "<!-- l10n: note" in token.content:
                found.add("note directive")
            if "<!-- l10n: context" in token.content:
                found.add("context directive")
        elif token.type == "list_item_open":
            items.append([token.level, 0])
        elif token.type == "list_item_close":
            if items.pop()[1] >= 2:
                found.add("multi-paragraph item")
        elif token.type == "paragraph_open" and items and token.level == items[-1][0] + 1:
            items[-1][1] += 1
        for child in token.children or []:
            if child.type in simple:
                found.add(simple[child.type])
            if child.type == "link_open":
                markup = child.markup
                found.add("autolink" if markup in ("autolink", "linkify") else "link")
        previous = token
    if re.search(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);", markdown):
        found.add("entity")
    if re.search(r"\\[*_#<\[.]", markdown):
        found.add("escape")
    if re.search(r"^\|.*\\\|", markdown, re.MULTILINE):
        found.add("escaped pipe in cell")
    if re.search(r"\]\[[^\]]*\]", markdown):
        found.add("reference link")
    return found


def check(corpus: dict[str, str]) -> tuple[int, set[str]]:
    """Extract every document (errors propagate); the message count and the constructs covered."""
    from locpipe import extract

    messages = 0
    covered: set[str] = set()
    for name, text in corpus.items():
        messages += len(extract(text, path=name))
        covered |= constructs(text)
    return messages, covered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="number of documents (default 40)")
    parser.add_argument("--total-mb", type=float, default=4.0, help="corpus size (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--write", type=Path, help="also write the documents under this directory")
    args = parser.parse_args(argv)
    corpus = generate_corpus(args.docs, int(args.total_mb * MB), args.seed)
    sizes = sorted(len(text.encode()) for text in corpus.values())
    messages, covered = check(corpus)
    print(
        f"{len(corpus)} documents, {sum(sizes):,} bytes (smallest {sizes[0]:,}, "
        f"median {sizes[len(sizes) // 2]:,}, largest {sizes[-1]:,}), {messages:,} messages: "
        "all extracted without error"
    )
    missing = [name for name in CONSTRUCTS if name not in covered]
    print("constructs missing:", ", ".join(missing) if missing else "none")
    if args.write:
        for name, text in corpus.items():
            path = args.write / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"written under {args.write}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
