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

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from locpipe import signing
from locpipe.catalog import key_of
from locpipe.config import REVIEWS_OFF, Config
from locpipe.errors import ConfigError
from locpipe.fsio import decode_utf8, read_bytes, write_atomic
from locpipe.gate import CaveatSite, Finding, caveat_sites
from locpipe.locales import PSEUDO_LOCALES
from locpipe.pofile import PoEntry, PoFile
from locpipe.reviewfile import (
    REVIEWER,
    Binding,
    Review,
    ReviewError,
    ReviewFile,
    canonical_bytes,
    english_digest,
    normalized_text,
    parse_reviews,
    translation_digest,
    with_record,
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


# --- the project: reading files, running ssh-keygen ----------------------------------------------

AutomaticCheck = Callable[[str, str, CaveatSite, PoFile, str], list[Finding]]
"""(locale, document, caveat site, catalog, catalog path) → the gate's findings for that
caveat (the document's link reference definitions are read with its translations' links)."""


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
    from locpipe.config import REGISTRY_NAME
    from locpipe.project import parse_source
    from locpipe.registry import load_registry

    path = config.source / REGISTRY_NAME
    registry = load_registry(path, shown_as=config.relative(path))

    def check(
        locale: str, document: str, site: CaveatSite, catalog: PoFile, catalog_path: str
    ) -> list[Finding]:
        # The document's link reference definitions: its translations' links are read with them.
        definitions = parse_source(config, document).env.get("references")
        findings = gate.check_catalog(
            locale, [site], catalog, catalog_path, registry, definitions=definitions
        )
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
    failures = []
    if catalog is not None:
        failures = check(locale, document, site, catalog, catalog_path)
    if failures:
        raise ReviewError(
            f"the translation of {caveat!r} fails the automatic checks; fix it before review:\n"
            + "\n".join(f"  {failure}" for failure in failures),
            path=failures[0].path,
            line=failures[0].line,
        )
    if not REVIEWER.fullmatch(reviewer):
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
