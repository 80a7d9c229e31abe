"""Human review of each caveat translation, bound to the exact text it approved.

A reviewer reads a translated caveat without the English, writes down what it says in English
(the *back-translation*), and records it in ``locales/<locale>/reviews/<document>.toml``, one
table per caveat::

    [experimental-stage]
    reviewer = "Ana Pérez <ana@example.org>"
    date = 2026-12-06
    back-translation = '''
    Experimental phase: the therapy is still in the experimental phase and not widely available.
    '''
    notes = '''
    - "no está ampliamente disponible" is a slight calque; acceptable.
    '''
    english-sha256 = "…"
    translation-sha256 = "…"
    signature = '''
    -----BEGIN SSH SIGNATURE-----
    …
    -----END SSH SIGNATURE-----
    '''

The two digests bind the record to the English (msgctxt and msgid of every message of the
caveat, as the source has it now) and to the translation (every msgstr) it approved, and both
also digest the locale, the document and the caveat id, so a record moved elsewhere is void.
With ``allowed-signers`` set, the signature (``ssh-keygen -Y sign``, namespace
``locpipe-review``) covers :func:`canonical_bytes`: every field but the signature, bound the same
way. Without it, digests prove *what* was reviewed but not *who* reviewed it: anyone who can
run locpipe can write a record. The signature is what makes a review unforgeable.

Pure functions in the middle (parse, digest, judge, format, splice); reading the project,
running ssh-keygen and writing files happen in the functions at the end of the module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from locpipe import signing
from locpipe.catalog import key_of
from locpipe.config import Config
from locpipe.errors import ConfigError, LocpipeError
from locpipe.fsio import decode_utf8, read_bytes, write_atomic
from locpipe.gate import NOT_A_CAVEAT, CaveatSite, Finding, caveat_sites
from locpipe.locales import PSEUDO_LOCALES
from locpipe.model import Message
from locpipe.pofile import PoEntry, PoFile

FORMAT = "locpipe-review/1"
"""The version of what is digested and signed; a new meaning gets a new version."""


REVIEWS_OFF = (
    "review rules are off (require-review = false in [tool.locpipe]): "
    "caveats are published without a human review of their translation"
)

_FIELDS = (
    "reviewer",
    "date",
    "back-translation",
    "notes",
    "english-sha256",
    "translation-sha256",
    "signature",
)
_REQUIRED = ("reviewer", "date", "back-translation", "english-sha256", "translation-sha256")
_REVIEWER = re.compile(r"(?P<name>[^<>\r\n]*[^<>\s])\s+<(?P<email>[^<>\s@]+@[^<>\s@]+)>")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TOML_LINE = re.compile(r"at line (\d+)")


class ReviewError(LocpipeError):
    """A review cannot be recorded (the translation is not ready, a bad argument)."""


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Binding:
    """Where a review belongs: it is valid there and nowhere else."""

    locale: str
    document: str
    caveat: str

    def __str__(self) -> str:
        return f"caveat {self.caveat!r} of {self.document} in {self.locale}"


@dataclass(frozen=True, slots=True)
class Review:
    """One review record: a table of a review file."""

    caveat: str
    """The table's name: the caveat it is filed under."""
    reviewer: str
    """``Name <email>``; the e-mail address is the principal its signing key is listed under."""
    date: dt.date
    back_translation: str
    """The reviewer's English reading of the translation, made without seeing the English."""
    notes: str | None
    english_sha256: str
    translation_sha256: str
    signature: str | None = None
    line: int = 0
    """The line of the table's ``[caveat]`` header in the review file (0 when not read)."""
    signature_line: int = 0

    @property
    def email(self) -> str:
        match = _REVIEWER.fullmatch(self.reviewer)
        return match.group("email") if match else ""

    def by(self) -> str:
        """``reviewed by NAME <EMAIL> on DATE``, for messages."""
        return f"reviewed by {self.reviewer} on {self.date.isoformat()}"


@dataclass(frozen=True, slots=True)
class Malformed:
    """A table (or top-level key) of a review file that is not a valid review record."""

    caveat: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ReviewFile:
    """The review records of one document in one locale."""

    path: str
    reviews: dict[str, Review] = field(default_factory=dict)
    malformed: tuple[Malformed, ...] = ()


def parse_reviews(text: str, *, path: str) -> ReviewFile:
    """The records in a review file's ``text``.

    :raises ConfigError: ``path:line`` when ``text`` is not TOML at all (exit 2, like any other
        broken configuration); a record that is TOML but not a valid review is a
        :class:`Malformed` entry instead, which the gate reports as C024.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        raise ConfigError(
            f"cannot read review file: {error}",
            path=path,
            line=int(found.group(1)) if found else None,
        ) from error
    layout = _layout(text.splitlines())
    reviews: dict[str, Review] = {}
    malformed: list[Malformed] = []
    for name, table in data.items():
        line = layout.tables.get(name, (layout.keys.get(("", name), 0), 0))[0] + 1
        if not isinstance(table, dict):
            malformed.append(
                Malformed(NOT_A_CAVEAT, line, f"{name!r} is not a [caveat-id] table of a review")
            )
            continue
        signature = layout.keys.get((name, "signature"))
        try:
            reviews[name] = _review(name, table, line, line if signature is None else signature + 1)
        except ValueError as problem:
            message, key = problem.args
            index = layout.keys.get((name, key))
            malformed.append(Malformed(name, line if index is None else index + 1, message))
    return ReviewFile(path, reviews, tuple(malformed))


def _review(name: str, table: dict[str, Any], line: int, signature_line: int) -> Review:
    """The record in ``table``; ValueError(message, key) says what is wrong with it."""
    unknown = [key for key in table if key not in _FIELDS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in review [{name}]", unknown[0])
    for key in _REQUIRED:
        if key not in table:
            raise ValueError(f"review [{name}] has no {key!r}", "")
    for key in ("reviewer", "back-translation", "notes", "signature", *_digests()):
        if key in table and not isinstance(table[key], str):
            raise ValueError(f"{key!r} of review [{name}] must be a string", key)
    if not _REVIEWER.fullmatch(table["reviewer"]):
        raise ValueError(
            f"reviewer of [{name}] must read 'Name <email>', not {table['reviewer']!r}", "reviewer"
        )
    date = table["date"]
    if isinstance(date, str):
        with contextlib.suppress(ValueError):  # a quoted date is still a date
            date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ValueError(f"date of [{name}] must be a date such as 2026-12-06", "date")
    if not table["back-translation"].strip():
        raise ValueError(f"back-translation of [{name}] is empty", "back-translation")
    for key in _digests():
        if not _SHA256.fullmatch(table[key]):
            raise ValueError(f"{key} of [{name}] must be 64 lower-case hex digits", key)
    return Review(
        caveat=name,
        reviewer=table["reviewer"],
        date=date,
        back_translation=table["back-translation"],
        notes=table.get("notes"),
        english_sha256=table["english-sha256"],
        translation_sha256=table["translation-sha256"],
        signature=table.get("signature"),
        line=line,
        signature_line=signature_line,
    )


def _digests() -> tuple[str, str]:
    return ("english-sha256", "translation-sha256")


# --- what is digested and signed -----------------------------------------------------------------


def _canonical(value: object) -> bytes:
    """Deterministic bytes for ``value``: JSON, keys sorted, no blanks, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _bound(binding: Binding, **fields: object) -> dict[str, object]:
    return {
        "format": FORMAT,
        "locale": binding.locale,
        "document": binding.document,
        "caveat": binding.caveat,
        **fields,
    }


def english_digest(binding: Binding, messages: Sequence[Message]) -> str:
    """SHA-256 of the English a review approves: ``[msgctxt, msgid]`` of each message of the
    caveat in source order, with the binding."""
    english = [[message.msgctxt, message.msgid] for message in messages]
    return hashlib.sha256(_canonical(_bound(binding, english=english))).hexdigest()


def translation_digest(binding: Binding, msgstrs: Sequence[str]) -> str:
    """SHA-256 of the translation a review approves: each message's msgstr, with the binding."""
    return hashlib.sha256(_canonical(_bound(binding, translation=list(msgstrs)))).hexdigest()


def canonical_bytes(binding: Binding, review: Review) -> bytes:
    """What a review's signature covers: every field but the signature, with the binding.

    ``{"back-translation":…,"caveat":…,"date":"YYYY-MM-DD","document":…,"english-sha256":…,
    "format":"locpipe-review/1","locale":…,"notes":…|null,"reviewer":…,"translation-sha256":…}``:
    JSON with sorted keys, no blanks, non-ASCII as UTF-8 (``json.dumps(..., ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``).
    """
    return _canonical(
        _bound(
            binding,
            reviewer=review.reviewer,
            date=review.date.isoformat(),
            **{"back-translation": review.back_translation},
            notes=review.notes,
            **{
                "english-sha256": review.english_sha256,
                "translation-sha256": review.translation_sha256,
            },
        )
    )


# --- judging the records of one document in one locale -------------------------------------------


@dataclass(frozen=True, slots=True)
class Translated:
    """A caveat's translation in one catalog: the live entries of its messages, in order."""

    entries: tuple[PoEntry, ...]

    @property
    def msgstrs(self) -> tuple[str, ...]:
        return tuple(entry.msgstr for entry in self.entries)

    @property
    def line(self) -> int:
        return self.entries[0].line

    @property
    def fuzzy(self) -> bool:
        return any(entry.fuzzy for entry in self.entries)


def translated(site: CaveatSite, catalog: PoFile | None) -> Translated | None:
    """The caveat's translation, or None if a message of it has no live entry or no msgstr
    (the catalog rules C001–C005 report those; there is nothing to review yet)."""
    live = {key_of(e): e for e in (catalog.entries if catalog else []) if not e.obsolete}
    entries = []
    for message in site.messages:
        entry = live.get(key_of(message))
        if entry is None or not entry.msgstr:
            return None
        entries.append(entry)
    return Translated(tuple(entries))


def english_index(
    locales: Iterable[str], sites_by_document: Mapping[str, Sequence[CaveatSite]]
) -> dict[str, Binding]:
    """English digest → binding, for every caveat of every document in every locale: what a
    record's ``english-sha256`` would be wherever it was made, to name where it came from."""
    index = {}
    for locale in locales:
        for document, sites in sites_by_document.items():
            for site in sites:
                binding = Binding(locale, document, site.id)
                index[english_digest(binding, site.messages)] = binding
    return index


def document_findings(
    locale: str,
    document: str,
    sites: Sequence[CaveatSite],
    catalog: PoFile | None,
    catalog_path: str,
    reviews: ReviewFile,
    known: Mapping[str, Binding],
) -> list[Finding]:
    """C020–C025 for every caveat of ``document`` in ``locale`` and every record of its review
    file (signatures are judged by :func:`signature_findings`)."""
    findings = [
        Finding("C024", locale, bad.caveat, reviews.path, bad.line, bad.message)
        for bad in reviews.malformed
    ]
    malformed = {bad.caveat for bad in reviews.malformed}
    for site in sites:
        translation = translated(site, catalog)
        if translation is None or site.id in malformed:
            continue
        binding = Binding(locale, document, site.id)
        review = reviews.reviews.get(site.id)
        if review is None:
            findings.append(
                Finding(
                    "C020",
                    locale,
                    site.id,
                    catalog_path,
                    translation.line,
                    f"review missing: {reviews.path} has no [{site.id}] record "
                    f"(a reviewer records one with `locpipe review`)",
                )
            )
            continue
        problem = binding_problem(binding, site, translation, review, known)
        if problem is not None:
            code, message = problem
            on_record = code == "C023"
            findings.append(
                Finding(
                    code,
                    locale,
                    site.id,
                    reviews.path if on_record else catalog_path,
                    review.line if on_record else translation.line,
                    message,
                )
            )
    ids = {site.id for site in sites}
    for name, review in reviews.reviews.items():
        if name in ids:
            continue
        origin = known.get(review.english_sha256)
        if origin is not None:
            message = (
                f"review record [{name}] was made for {origin}: a review is bound to one caveat"
            )
            findings.append(Finding("C023", locale, name, reviews.path, review.line, message))
        else:
            message = (
                f"review record for caveat {name!r}, which {document} does not have (remove it)"
            )
            findings.append(Finding("C025", locale, name, reviews.path, review.line, message))
    return findings


def binding_problem(
    binding: Binding,
    site: CaveatSite,
    translation: Translated,
    review: Review,
    known: Mapping[str, Binding],
) -> tuple[str, str] | None:
    """(code, message) if ``review`` does not approve this caveat's current texts, else None."""
    if review.english_sha256 != english_digest(binding, site.messages):
        origin = known.get(review.english_sha256)
        if origin is not None and origin != binding:
            return (
                "C023",
                f"review record [{review.caveat}] was made for {origin}, not for {binding}: "
                "a review is bound to one caveat, document and locale",
            )
        return (
            "C022",
            f"English changed since review ({review.by()}): the review is void; "
            "the translation needs a new review",
        )
    if review.translation_sha256 != translation_digest(binding, translation.msgstrs):
        return (
            "C021",
            f"translation changed since {review.by()}: the review is void; "
            "the new translation needs a new review",
        )
    return None


def signature_wanted(
    locale: str,
    document: str,
    sites: Sequence[CaveatSite],
    catalog: PoFile | None,
    reviews: ReviewFile,
    known: Mapping[str, Binding],
) -> tuple[list[Finding], list[tuple[Finding, signing.Signed]]]:
    """When signatures are required: C026 for each otherwise valid record that is unsigned, and
    for each signed one, the finding to report if its signature fails, with what to verify."""
    unsigned: list[Finding] = []
    to_verify: list[tuple[Finding, signing.Signed]] = []
    for site in sites:
        translation = translated(site, catalog)
        review = reviews.reviews.get(site.id)
        if translation is None or review is None:
            continue
        binding = Binding(locale, document, site.id)
        if binding_problem(binding, site, translation, review, known) is not None:
            continue  # already void: reported by document_findings
        if review.signature is None:
            unsigned.append(
                Finding(
                    "C026",
                    locale,
                    site.id,
                    reviews.path,
                    review.line,
                    f"review is not signed ({review.by()}): allowed-signers is set, so every "
                    "review must carry its reviewer's SSH signature",
                )
            )
            continue
        where = Finding("C027", locale, site.id, reviews.path, review.signature_line, "")
        to_verify.append(
            (
                where,
                signing.Signed(canonical_bytes(binding, review), review.signature, review.email),
            )
        )
    return unsigned, to_verify


def signature_findings(
    pending: Sequence[tuple[Finding, signing.Signed]], verdicts: Sequence[signing.Checked]
) -> list[Finding]:
    """C027 or C028 for each signature ssh-keygen did not accept."""
    findings = []
    for (where, signed), checked in zip(pending, verdicts, strict=True):
        if checked.verdict is signing.Verdict.VALID:
            continue
        code = "C028" if checked.verdict is signing.Verdict.UNLISTED else "C027"
        findings.append(
            replace(
                where,
                code=code,
                message=f"review signature of {signed.principal}: {checked.reason}",
            )
        )
    return findings


# --- writing a record ----------------------------------------------------------------------------

FILE_HEADER = (
    "# Human reviews of this document's safety caveats in this locale: one table per caveat.\n"
    "# Written by `locpipe review`. Each record is bound to the exact English and translation it\n"
    "# approved (the sha256 digests): a change to either voids it. See docs/reviewing.md.\n"
)


def format_record(review: Review) -> str:
    """The TOML table of ``review``: short values on one line, texts as multi-line strings."""
    lines = [
        f"[{review.caveat}]",
        f"reviewer = {_basic(review.reviewer)}",
        f"date = {review.date.isoformat()}",
        f"back-translation = {_multiline(review.back_translation)}",
    ]
    if review.notes is not None:
        lines.append(f"notes = {_multiline(review.notes)}")
    lines += [
        f'english-sha256 = "{review.english_sha256}"',
        f'translation-sha256 = "{review.translation_sha256}"',
    ]
    if review.signature is not None:
        lines.append(f"signature = {_multiline(review.signature)}")
    return "\n".join(lines) + "\n"


def _basic(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are all TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def _multiline(text: str) -> str:
    """``text`` as a TOML multi-line string: literal (no escapes, reads as written) when it can
    be, else basic with every quote and backslash escaped."""
    if "'''" not in text and all(_literal_safe(char) for char in text):
        return f"'''\n{text}'''"
    escaped = "".join(
        "\\\\"
        if char == "\\"
        else '\\"'
        if char == '"'
        else char
        if _literal_safe(char)
        else f"\\u{ord(char):04x}"
        if ord(char) < 0x10000
        else f"\\U{ord(char):08x}"
        for char in text
    )
    return f'"""\n{escaped}"""'


def _literal_safe(char: str) -> bool:
    """Whether TOML allows ``char`` as it is inside a multi-line string (no control characters
    but tab and newline)."""
    code = ord(char)
    return char in "\t\n" or not (code < 0x20 or code == 0x7F)


def normalized_text(text: str) -> str:
    """A text as a record keeps it: line ends as ``\\n``, no blank edges, one final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text + "\n" if text else ""


@dataclass(frozen=True, slots=True)
class _Layout:
    tables: dict[str, tuple[int, int]]
    """table name → (index of its header line, index of the line after its last line)."""
    keys: dict[tuple[str, str], int]
    """(table, key) → index of the key's line."""


_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*")


def _layout(lines: Sequence[str]) -> _Layout:
    """Where each table and key of a review file is, skipping multi-line strings' contents.

    Only good enough for files this module writes and their hand edits; :func:`with_record`
    checks its result by parsing it, so a file this misreads is refused, never damaged.
    """
    tables: dict[str, tuple[int, int]] = {}
    keys: dict[tuple[str, str], int] = {}
    current = ""  # "" is the top level, before the first table
    start = 0
    closing: str | None = None  # the delimiter of the multi-line string we are inside
    ends: list[int] = []  # last line of content of the current table (not blank, not comment)
    for index, line in enumerate(lines):
        if closing is not None:
            if closing in line:
                closing = None
                ends.append(index)
            continue
        header = _HEADER.match(line)
        if header:
            if current:
                tables[current] = (start, (ends[-1] if ends else start) + 1)
            current, start, ends = header.group(1), index, []
            continue
        key = _KEY.match(line)
        if key:
            keys[(current, key.group(1))] = index
            ends.append(index)
            value = line[key.end() :]
            for delimiter in ("'''", '"""'):
                if value.startswith(delimiter) and delimiter not in value[3:]:
                    closing = delimiter
    if current:
        tables[current] = (start, (ends[-1] if ends else start) + 1)
    return _Layout(tables, keys)


def with_record(text: str, review: Review, *, path: str) -> str:
    """``text`` (a review file, maybe empty) with ``review``'s table replacing the one of the same
    caveat, or appended. Every other byte is kept.

    :raises ConfigError: if ``text`` is not TOML, or the result would change another record.
    """
    before = tomllib.loads(text) if text else {}
    if text:
        parse_reviews(text, path=path)  # a broken file is an error, never overwritten
    table = format_record(review)
    lines = text.splitlines(keepends=True)
    span = _layout([line.rstrip("\r\n") for line in lines]).tables.get(review.caveat)
    if span is not None:
        start, end = span
        updated = "".join(lines[:start]) + table + "".join(lines[end:])
    elif text.strip():
        updated = text + ("" if text.endswith("\n") else "\n") + "\n" + table
    else:
        updated = FILE_HEADER + "\n" + table
    after = tomllib.loads(updated)
    others_kept = {k: v for k, v in before.items() if k != review.caveat} == {
        k: v for k, v in after.items() if k != review.caveat
    }
    if not others_kept or after.get(review.caveat) != tomllib.loads(table)[review.caveat]:
        raise ConfigError(
            f"cannot update [{review.caveat}] without touching other records; edit the file by hand",
            path=path,
        )
    return updated


# --- the project: reading files, running ssh-keygen ----------------------------------------------

AutomaticCheck = Callable[[str, CaveatSite, PoFile, str], list[Finding]]
"""(locale, caveat site, catalog, catalog path) → the gate's findings for that caveat."""


@dataclass(slots=True)
class ReviewReport:
    """What the review rules found, and the notice to show when they are off."""

    findings: list[Finding] = field(default_factory=list)
    notice: str | None = None


def reviewed_locales(config: Config, locales: Iterable[str]) -> list[str]:
    """The locales whose caveats need reviews: not the source locale, not a pseudo-locale."""
    return [
        locale
        for locale in locales
        if locale != config.source_locale and locale not in PSEUDO_LOCALES
    ]


def load_reviews(config: Config, locale: str, document: str) -> ReviewFile:
    """The review file of ``document`` in ``locale`` (no file: no records)."""
    path = config.reviews_path(locale, document)
    shown = config.relative(path)
    if not path.exists():
        return ReviewFile(shown)
    data = read_bytes(path, shown_as=shown, error=ConfigError)
    return parse_reviews(decode_utf8(data, shown_as=shown, error=ConfigError), path=shown)


def check_reviews(
    config: Config,
    locales: Iterable[str],
    sites_by_document: Mapping[str, Sequence[CaveatSite]],
    catalog_of: Callable[[str, str], PoFile | None],
) -> ReviewReport:
    """The review rules (C020–C028) for every caveat of every document in ``locales``.

    ``catalog_of(locale, document)`` gives the parsed catalog (None when missing), so a caller
    that has parsed them already does not parse them again. ssh-keygen runs only when
    ``allowed-signers`` is set, once per signed record, side by side.
    """
    if not config.require_review:
        return ReviewReport(notice=REVIEWS_OFF)
    locales = reviewed_locales(config, locales)
    known = english_index(locales, sites_by_document)
    report = ReviewReport()
    pending: list[tuple[Finding, signing.Signed]] = []
    for locale in locales:
        for document, sites in sites_by_document.items():
            reviews = load_reviews(config, locale, document)
            if not sites and not reviews.reviews and not reviews.malformed:
                continue
            catalog = catalog_of(locale, document)
            catalog_path = config.relative(config.catalog_path(locale, document))
            report.findings += document_findings(
                locale, document, sites, catalog, catalog_path, reviews, known
            )
            if config.allowed_signers is not None:
                unsigned, to_verify = signature_wanted(
                    locale, document, sites, catalog, reviews, known
                )
                report.findings += unsigned
                pending += to_verify
    if config.allowed_signers is not None:
        verdicts = signing.verify_all(
            [signed for _, signed in pending],
            config.allowed_signers,
            shown_as=config.relative(config.allowed_signers),
        )
        report.findings += signature_findings(pending, verdicts)
    report.findings.sort(key=lambda f: (f.locale, f.path, f.line, f.code))
    return report


def project_sites(config: Config) -> dict[str, list[CaveatSite]]:
    """Every document's caveats, extracted from the source now."""
    from locpipe.project import source_messages

    return {
        document: caveat_sites(source_messages(config, document)) for document in config.documents()
    }


def project_catalogs(config: Config) -> Callable[[str, str], PoFile | None]:
    """``catalog_of`` reading each catalog from disk (None when it does not exist)."""
    from locpipe.project import read_catalog

    def catalog_of(locale: str, document: str) -> PoFile | None:
        if not config.catalog_path(locale, document).exists():
            return None
        return read_catalog(config, locale, document)

    return catalog_of


def check_project_reviews(config: Config, locales: Sequence[str] | None = None) -> ReviewReport:
    """:func:`check_reviews` on the project as it is on disk."""
    targets = list(locales) if locales is not None else config.locales_present()
    return check_reviews(config, targets, project_sites(config), project_catalogs(config))


@dataclass(frozen=True, slots=True)
class Pending:
    """A caveat that needs a reviewer's attention in one locale."""

    document: str
    caveat: str
    english: str
    """The English of the caveat (its messages' msgids, a blank line between them)."""
    translation: str | None
    """The translation (msgstrs likewise), or None when there is none yet."""
    why: str
    """Why it needs review: ``review missing``, ``translation changed …``, ``English changed …``,
    or why it cannot be reviewed yet."""
    code: str | None
    """The finding's code, or None when the translation is not ready for review."""
    location: str
    """``path:line`` of the catalog entry (or the review record)."""


def pending_reviews(config: Config, locale: str) -> list[Pending]:
    """What needs review in ``locale``, in document and source order (whether or not
    ``require-review`` is on: a reviewer may work ahead of the switch)."""
    sites_by_document = project_sites(config)
    catalog_of = project_catalogs(config)
    report = check_reviews(
        replace(config, require_review=True), [locale], sites_by_document, catalog_of
    )
    by_caveat: dict[tuple[str, str], Finding] = {}
    for finding in report.findings:
        by_caveat.setdefault((finding.path, finding.caveat), finding)
    pending = []
    for document, sites in sites_by_document.items():
        catalog = catalog_of(locale, document)
        catalog_path = config.relative(config.catalog_path(locale, document))
        reviews_path = config.relative(config.reviews_path(locale, document))
        for site in sites:
            english = "\n\n".join(message.msgid for message in site.messages)
            translation = translated(site, catalog)
            text = "\n\n".join(translation.msgstrs) if translation else None
            if translation is None or translation.fuzzy:
                why = (
                    "not ready: the translation is fuzzy"
                    if translation
                    else ("not ready: no translation yet")
                )
                where = (
                    f"{catalog_path}:{translation.line}"
                    if translation
                    else site.messages[0].location
                )
                pending.append(Pending(document, site.id, english, text, why, None, where))
                continue
            found = by_caveat.get((catalog_path, site.id)) or by_caveat.get((reviews_path, site.id))
            if found is not None:
                finding = found
                where = f"{finding.path}:{finding.line}"
                pending.append(
                    Pending(document, site.id, english, text, finding.message, finding.code, where)
                )
    return pending


def gate_check(config: Config) -> AutomaticCheck:
    """The gate's catalog rules, as :func:`record_review` wants them: the findings of one
    caveat (its entries' rules and the untrusted-markup rules on those entries)."""
    from locpipe import gate
    from locpipe.registry import REGISTRY_NAME, load_registry

    path = config.source / REGISTRY_NAME
    registry = load_registry(path, shown_as=config.relative(path))

    def check(locale: str, site: CaveatSite, catalog: PoFile, catalog_path: str) -> list[Finding]:
        findings = gate.check_catalog(locale, [site], catalog, catalog_path, registry)
        return [finding for finding in findings if finding.caveat == site.id]

    return check


def record_review(
    config: Config,
    locale: str,
    document: str,
    caveat: str,
    *,
    reviewer: str,
    back_translation: str,
    notes: str | None = None,
    date: dt.date,
    signing_key: Path | None = None,
    check: AutomaticCheck,
) -> Review:
    """Record (or replace) the review of ``caveat`` of ``document`` in ``locale``.

    Refused, leaving every file as it was, unless the translation exists, is not fuzzy and
    passes ``check``; unless ``reviewer`` reads ``Name <email>``; and, when ``allowed-signers``
    is set, unless it is signed with ``signing_key`` by a key listed for that e-mail address.
    The file is written atomically; the other records in it keep their bytes.
    """
    if document not in config.documents():
        raise ReviewError(f"no source document {document!r}", path=config.relative(config.source))
    sites = {site.id: site for site in project_sites(config)[document]}
    site = sites.get(caveat)
    if site is None:
        known = ", ".join(sites) or "none"
        raise ReviewError(
            f"{document} has no caveat {caveat!r} (its caveats: {known})",
            path=config.relative(config.source_path(document)),
        )
    catalog_path = config.relative(config.catalog_path(locale, document))
    catalog = project_catalogs(config)(locale, document)
    translation = translated(site, catalog)
    if translation is None:
        raise ReviewError(
            f"caveat {caveat!r} has no translation in this catalog yet: nothing to review",
            path=catalog_path,
        )
    if translation.fuzzy:
        raise ReviewError(
            f"the translation of {caveat!r} is fuzzy: a translator must settle it before review",
            path=catalog_path,
            line=translation.line,
        )
    failures = check(locale, site, catalog, catalog_path) if catalog is not None else []
    if failures:
        raise ReviewError(
            f"the translation of {caveat!r} fails the automatic checks; fix it before review:\n"
            + "\n".join(f"  {failure}" for failure in failures),
            path=failures[0].path,
            line=failures[0].line,
        )
    if not _REVIEWER.fullmatch(reviewer):
        raise ReviewError(f"reviewer must read 'Name <email>', not {reviewer!r}")
    text = normalized_text(back_translation)
    if not text:
        raise ReviewError("the back-translation is empty")
    binding = Binding(locale, document, caveat)
    review = Review(
        caveat=caveat,
        reviewer=reviewer,
        date=date,
        back_translation=text,
        notes=normalized_text(notes or "") or None,
        english_sha256=english_digest(binding, site.messages),
        translation_sha256=translation_digest(binding, translation.msgstrs),
    )
    review = _signed(config, binding, review, signing_key)
    path = config.reviews_path(locale, document)
    shown = config.relative(path)
    existing = (
        decode_utf8(path.read_bytes(), shown_as=shown, error=ConfigError) if path.exists() else ""
    )
    write_atomic(path, with_record(existing, review, path=shown).encode(), shown_as=shown)
    return review


def _signed(config: Config, binding: Binding, review: Review, key: Path | None) -> Review:
    """``review`` with its signature; refused if signatures are required and it has none or
    its key is not listed for the reviewer."""
    if key is None:
        if config.allowed_signers is not None:
            raise ReviewError(
                "allowed-signers is set: every review must be signed (pass a signing key)",
                path="pyproject.toml",
            )
        return review
    signature = signing.sign(canonical_bytes(binding, review), key)
    review = replace(review, signature=signature)
    if config.allowed_signers is not None:
        signed = signing.Signed(canonical_bytes(binding, review), signature, review.email)
        (checked,) = signing.verify_all(
            [signed], config.allowed_signers, shown_as=config.relative(config.allowed_signers)
        )
        if checked.verdict is not signing.Verdict.VALID:
            raise ReviewError(
                f"this signature would not be accepted: {checked.reason} "
                f"(add the public key to {config.relative(config.allowed_signers)})",
                path=str(key),
            )
    return review
