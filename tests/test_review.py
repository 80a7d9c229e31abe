"""Human review records: each binds one caveat's exact English and translation, in one document
and one locale, and a signed one also binds who reviewed it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from locpipe import review as rv
from locpipe import signing
from locpipe.cli import main
from locpipe.config import Config, load_config
from locpipe.errors import ConfigError, LocpipeError
from locpipe.pofile import encode_po, parse_po

FIXTURE = Path(__file__).parent / "fixtures" / "review"
REVIEWER = "Ana Pérez <ana@example.org>"
DATE = dt.date(2026, 12, 6)
ARTICLE_CAVEATS = (
    "experimental-stage",
    "multiple-sessions",
    "availability-regulatory",
    "conclusion-experimental",
    "consult-professional",
)
ALL = [("article", caveat) for caveat in ARTICLE_CAVEATS] + [("faq", "faq-consult")]


@pytest.fixture
def ssh_keygen_installed() -> None:
    """Signing is checked with the real OpenSSH: a machine without it fails these tests (CI
    installs openssh-client), it never skips them."""
    if shutil.which("ssh-keygen") is None:
        pytest.fail("OpenSSH's ssh-keygen is required for this test but is not installed")


needs_ssh_keygen = pytest.mark.usefixtures("ssh_keygen_installed")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with two documents (six caveats) translated into es and fr, not reviewed."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def config_of(root: Path, **settings: str) -> Config:
    if settings:
        pyproject = root / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text() + "".join(f"{k} = {v}\n" for k, v in settings.items())
        )
    return load_config(root)


def record(config: Config, locale: str, document: str, caveat: str, **options) -> rv.Review:
    options.setdefault("reviewer", REVIEWER)
    options.setdefault("back_translation", f"My reading of {caveat} in {locale}.")
    options.setdefault("date", DATE)
    options.setdefault("check", rv.gate_check(config))
    return rv.record_review(config, locale, document, caveat, **options)


def review_all(config: Config, **options) -> None:
    for locale in ("es", "fr"):
        for document, caveat in ALL:
            record(config, locale, document, caveat, **options)


def found(config: Config) -> list[tuple[str, str, str]]:
    """(code, locale, caveat) of every review finding."""
    return [(f.code, f.locale, f.caveat) for f in rv.check_project_reviews(config).findings]


def findings_for(config: Config, locale: str, caveat: str) -> list:
    return [
        f
        for f in rv.check_project_reviews(config).findings
        if (f.locale, f.caveat) == (locale, caveat)
    ]


def edit_entry(root: Path, locale: str, document: str, caveat: str, change) -> int:
    """Apply ``change`` to the caveat's catalog entry as a translator's tool would; its line."""
    path = root / "locales" / locale / "LC_MESSAGES" / f"{document}.po"
    po = parse_po(path.read_bytes(), path=str(path))
    (entry,) = [e for e in po.entries if f"caveat: {caveat}" in e.extracted_comments]
    change(entry)
    path.write_bytes(encode_po(po))
    return parse_po(path.read_bytes(), path=str(path)).entries[po.entries.index(entry)].line


def reviews_file(root: Path, locale: str, document: str = "article") -> Path:
    return root / "locales" / locale / "reviews" / f"{document}.toml"


# --- the binding ---------------------------------------------------------------------------------


def test_a_project_whose_every_caveat_is_reviewed_passes(root):
    config = config_of(root)
    review_all(config)
    assert found(config) == []


def test_every_unreviewed_caveat_fails_with_review_missing_at_its_catalog_entry(root):
    config = config_of(root)
    report = rv.check_project_reviews(config)
    assert sorted(found(config)) == sorted(
        ("C020", locale, caveat) for locale in ("es", "fr") for _, caveat in ALL
    )
    first = next(f for f in report.findings if f.caveat == "faq-consult" and f.locale == "es")
    entry_line = edit_entry(root, "es", "faq", "faq-consult", lambda entry: None)
    assert (first.path, first.line) == ("locales/es/LC_MESSAGES/faq.po", entry_line)
    assert "review missing" in first.message


ONE_CHARACTER = {
    "appended": lambda text: text + ".",
    "replaced": lambda text: text[:-1] + ("!" if text[-1] != "!" else "?"),
    "deleted": lambda text: text[1:],
    "no-break space": lambda text: text.replace(" ", "\u00a0", 1),
}


@pytest.mark.parametrize("change", ONE_CHARACTER.values(), ids=ONE_CHARACTER.keys())
@pytest.mark.parametrize(("document", "caveat"), ALL)
def test_a_one_character_change_to_a_reviewed_translation_voids_the_review(
    root, document, caveat, change
):
    config = config_of(root)
    review_all(config)

    def edit(entry):
        entry.msgstr = change(entry.msgstr)

    line = edit_entry(root, "fr", document, caveat, edit)
    (finding,) = rv.check_project_reviews(config).findings
    assert (finding.code, finding.locale, finding.caveat) == ("C021", "fr", caveat)
    assert (finding.path, finding.line) == (f"locales/fr/LC_MESSAGES/{document}.po", line)
    assert f"translation changed since reviewed by {REVIEWER} on 2026-12-06" in finding.message


ENGLISH_EDITS = {
    "experimental-stage": (
        "is still in the experimental phase",
        "is still in an experimental phase",
    ),
    "multiple-sessions": ("may require multiple", "may need multiple"),
    "availability-regulatory": ("depending on the region", "depending on the country"),
    "conclusion-experimental": (
        "While still in the experimental",
        "While still in an experimental",
    ),
    "consult-professional": ("should consult with a", "should consult a"),
    "faq-consult": ("Ask your doctor", "Ask a doctor"),
}


@pytest.mark.parametrize(("document", "caveat"), ALL)
def test_an_english_change_voids_the_review_in_every_locale(root, document, caveat, monkeypatch):
    config = config_of(root)
    review_all(config)
    source = root / "source" / f"{document}.md"
    old, new = ENGLISH_EDITS[caveat]
    assert source.read_text().count(old) == 1
    source.write_text(source.read_text().replace(old, new))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert main(["-C", str(root), "update", "-q"]) == 0
    for locale in ("es", "fr"):  # a translator accepts the old translation for the new English
        edit_entry(root, locale, document, caveat, lambda entry: entry.flags.remove("fuzzy"))
    assert sorted(found(config)) == [("C022", "es", caveat), ("C022", "fr", caveat)]
    assert all(
        "English changed since review" in f.message
        for f in rv.check_project_reviews(config).findings
    )


def copy_record(root: Path, config: Config, frm: tuple, to: tuple) -> None:
    """Copy the record of (locale, document, caveat) ``frm`` over the one at ``to``, unchanged."""
    record_ = rv.load_reviews(config, *frm[:2]).reviews[frm[2]]
    target = reviews_file(root, to[0], to[1])
    text = target.read_text() if target.exists() else ""
    moved = dataclasses.replace(record_, caveat=to[2])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(rv.with_record(text, moved, path=str(target)))


REPLAYS = {
    "to another caveat": (
        ("es", "article", "experimental-stage"),
        ("es", "article", "multiple-sessions"),
    ),
    "to another locale": (
        ("es", "article", "experimental-stage"),
        ("fr", "article", "experimental-stage"),
    ),
    "to another document": (
        ("es", "article", "consult-professional"),
        ("es", "faq", "faq-consult"),
    ),
    "to another document's caveat id": (
        ("es", "article", "consult-professional"),
        ("es", "faq", "consult-professional"),
    ),
}


@pytest.mark.parametrize(("frm", "to"), REPLAYS.values(), ids=REPLAYS.keys())
def test_a_review_copied_elsewhere_is_void_and_says_where_it_was_made(root, frm, to):
    config = config_of(root)
    review_all(config)
    copy_record(root, config, frm, to)
    findings = [f for f in rv.check_project_reviews(config).findings if f.code == "C023"]
    (finding,) = findings
    assert (finding.locale, finding.caveat) == (to[0], to[2])
    assert finding.path == f"locales/{to[0]}/reviews/{to[1]}.toml"
    assert f"made for caveat {frm[2]!r} of {frm[1]} in {frm[0]}" in finding.message
    table = rv.load_reviews(config, to[0], to[1]).reviews[to[2]]
    assert finding.line == table.line


def test_reviews_never_apply_to_strings_outside_caveats(root):
    config = config_of(root)
    review_all(config)

    path = root / "locales" / "es" / "LC_MESSAGES" / "faq.po"
    po = parse_po(path.read_bytes(), path=str(path))
    next(e for e in po.entries if e.msgid == "Questions").msgstr = "Preguntas frecuentes"
    path.write_bytes(encode_po(po))
    assert found(config) == []


def test_require_review_false_turns_the_rules_off_and_says_so(root):
    config = config_of(root, **{"require-review": "false"})
    report = rv.check_project_reviews(config)
    assert report.findings == []
    assert report.notice == rv.REVIEWS_OFF
    assert "require-review = false" in report.notice


def test_the_shipped_project_carries_a_valid_review_for_every_caveat():
    config = load_config(Path(__file__).parent.parent)
    report = rv.check_project_reviews(config)
    assert report.findings == []
    assert report.notice is None
    for locale in ("es", "fr", "de", "pt_BR", "zh_Hans", "ar"):
        assert set(rv.load_reviews(config, locale, "article").reviews) == set(ARTICLE_CAVEATS)


# --- malformed records ---------------------------------------------------------------------------

MALFORMED = {
    "no reviewer": ("reviewer", "reviewers = 'Ana <ana@example.org>'", "unknown field 'reviewers'"),
    "reviewer without e-mail": ("reviewer", 'reviewer = "Ana"', "Name <email>"),
    "date as text": ("date", 'date = "6 Dec"', "must be a date"),
    "short digest": ("english-sha256", 'english-sha256 = "ab12"', "64 lower-case hex"),
    "digest as a number": ("translation-sha256", "translation-sha256 = 1", "must be a string"),
    "no digest": ("translation-sha256", "", "has no 'translation-sha256'"),
}


@pytest.mark.parametrize(("key", "line", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_record_is_reported_at_its_line(root, key, line, message):
    config = config_of(root)
    record(config, "es", "faq", "faq-consult")
    path = reviews_file(root, "es", "faq")
    lines = path.read_text().splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith(f"{key} = "))
    lines[at] = line
    path.write_text("\n".join(lines) + "\n")
    (finding,) = findings_for(config, "es", "faq-consult")
    assert (finding.code, finding.caveat) == ("C024", "faq-consult")
    assert finding.path == "locales/es/reviews/faq.toml"
    assert message in finding.message
    header = lines.index("[faq-consult]") + 1
    assert finding.line in (header, at + 1)


def test_a_review_file_that_is_not_toml_is_an_error_with_its_line(root):
    config = config_of(root)
    path = reviews_file(root, "es")
    path.parent.mkdir(parents=True)
    path.write_text("# reviews\n\n[experimental-stage\nreviewer = 1\n")
    with pytest.raises(ConfigError) as raised:
        rv.check_project_reviews(config)
    assert str(raised.value).startswith("locales/es/reviews/article.toml:3: error: ")


def test_a_record_for_a_caveat_the_document_no_longer_has_is_reported(root):
    config = config_of(root)
    review_all(config)
    source = root / "source" / "faq.md"
    source.write_text(source.read_text().replace("<!-- caveat: faq-consult -->\n", ""))
    assert found(config) == [("C025", "es", "faq-consult"), ("C025", "fr", "faq-consult")]


# --- recording -----------------------------------------------------------------------------------


def test_a_recorded_review_reads_back_as_written(root):
    config = config_of(root)
    written = record(config, "es", "article", "multiple-sessions", notes="Natural.\r\n")
    (read,) = rv.load_reviews(config, "es", "article").reviews.values()
    assert dataclasses.replace(read, line=0, signature_line=0) == written
    assert written.notes == "Natural.\n"


TEXTS = {
    "quotes": 'He said "yes" and \'no\' and """three""".',
    "literal delimiter": "It ends ''' here.",
    "backslashes": r"C:\path\n is not a newline",
    "control character": "bell\x07 and tab\t",
    "right to left": "‏المرحلة التجريبية‏ then English",
    "many lines": "line one\n\n- item\n- item\n",
}


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_any_text_survives_the_review_file(text):
    review = rv.Review("c", REVIEWER, DATE, rv.normalized_text(text), text, "0" * 64, "1" * 64)
    parsed = rv.parse_reviews(rv.with_record("", review, path="r.toml"), path="r.toml")
    assert parsed.reviews["c"].back_translation == rv.normalized_text(text)
    assert parsed.reviews["c"].notes == text


def test_recording_keeps_every_other_record_byte_for_byte(root):
    config = config_of(root)
    for caveat in ARTICLE_CAVEATS:
        record(config, "fr", "article", caveat)
    path = reviews_file(root, "fr")
    before = path.read_text()
    record(config, "fr", "article", "availability-regulatory", back_translation="A new reading.")
    after = path.read_text()
    old = tomllib.loads(before)
    new = tomllib.loads(after)
    assert new["availability-regulatory"]["back-translation"] == "A new reading.\n"
    assert {k: v for k, v in new.items() if k != "availability-regulatory"} == {
        k: v for k, v in old.items() if k != "availability-regulatory"
    }
    start = before.index("[availability-regulatory]")
    end = before.index("[conclusion-experimental]")
    assert after.startswith(before[:start])
    assert after.endswith(before[end:])


def make_fuzzy(entry):
    entry.flags.append("fuzzy")


def drop_the_doctor(entry):
    entry.msgstr = entry.msgstr.replace("médecin", "spécialiste")


def untranslate(entry):
    entry.msgstr = ""


REFUSALS = {
    "fuzzy": (make_fuzzy, "is fuzzy"),
    "fails the automatic checks": (drop_the_doctor, "C007"),
    "untranslated": (untranslate, "no translation"),
}


@pytest.mark.parametrize(("change", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_recording_refuses_a_translation_that_is_not_ready_and_touches_nothing(
    root, change, message
):
    config = config_of(root)
    record(config, "fr", "faq", "faq-consult")
    path = reviews_file(root, "fr", "faq")
    before = path.read_bytes()
    edit_entry(root, "fr", "faq", "faq-consult", change)
    with pytest.raises(rv.ReviewError, match=message) as raised:
        record(config, "fr", "faq", "faq-consult", back_translation="Another reading.")
    assert str(raised.value).startswith("locales/fr/LC_MESSAGES/faq.po")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["faq.toml"]


def test_recording_reads_a_reference_link_with_the_documents_definitions(root):
    """The automatic checks a review must pass read ``[text][label]`` as the page does: a link
    to one of the document's definitions that the English does not link to is refused."""
    faq = root / "source" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n[shop]: https://shop.example/\n")
    config = config_of(root)

    def link_to_the_shop(entry):
        entry.msgstr += " [Voir ici][shop]."

    edit_entry(root, "fr", "faq", "faq-consult", link_to_the_shop)
    with pytest.raises(rv.ReviewError, match="C015") as raised:
        record(config, "fr", "faq", "faq-consult")
    assert "link 'https://shop.example/'" in str(raised.value)


def test_recording_never_truncates_the_file_when_the_write_fails(root, monkeypatch):
    config = config_of(root)
    record(config, "es", "article", "experimental-stage")
    path = reviews_file(root, "es")
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("locpipe.fsio.os.replace", disk_full)
    with pytest.raises(LocpipeError, match="No space left on device"):
        record(config, "es", "article", "multiple-sessions")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["article.toml"]


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("reviewer", "Ana", "Name <email>"),
        ("back_translation", " \n ", "empty"),
    ],
)
def test_recording_refuses_a_bad_argument(root, argument, value, message):
    config = config_of(root)
    with pytest.raises(rv.ReviewError, match=message):
        record(config, "es", "article", "experimental-stage", **{argument: value})
    assert not reviews_file(root, "es").exists()


def test_recording_refuses_an_unknown_caveat_and_names_the_known_ones(root):
    config = config_of(root)
    with pytest.raises(rv.ReviewError, match=r"has no caveat 'nope'.*faq-consult"):
        record(config, "es", "faq", "nope")


# --- listing what needs review -------------------------------------------------------------------


def test_the_list_says_why_each_caveat_needs_review(root):
    config = config_of(root)
    record(config, "es", "article", "experimental-stage")
    record(config, "es", "article", "multiple-sessions")
    edit_entry(
        root, "es", "article", "multiple-sessions", lambda e: setattr(e, "msgstr", e.msgstr + " ")
    )
    edit_entry(root, "es", "article", "consult-professional", make_fuzzy)
    pending = {item.caveat: item for item in rv.pending_reviews(config, "es")}
    assert set(pending) == {
        "multiple-sessions",
        "availability-regulatory",
        "conclusion-experimental",
        "consult-professional",
        "faq-consult",
    }
    assert pending["multiple-sessions"].code == "C021"
    assert pending["multiple-sessions"].why.startswith("translation changed since reviewed by")
    assert pending["availability-regulatory"].code == "C020"
    assert pending["availability-regulatory"].english.startswith("**Availability:**")
    assert pending["availability-regulatory"].translation.startswith("**Disponibilidad:**")
    assert pending["consult-professional"].code is None
    assert "fuzzy" in pending["consult-professional"].why


# --- signatures ----------------------------------------------------------------------------------


def new_key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"  # outside the project: a private key is never committed
    folder.mkdir()
    return {name: new_key(folder, name) for name in ("ana", "mallory")}


def allow(root: Path, *lines: tuple[str, Path]) -> Config:
    (root / "reviewers.allowed_signers").write_text(
        "".join(f"{principal} {key.with_suffix('.pub').read_text()}" for principal, key in lines)
    )
    return config_of(root, **{"allowed-signers": '"reviewers.allowed_signers"'})


@needs_ssh_keygen
def test_signed_reviews_verify(root, keys):
    config = allow(root, ("ana@example.org", keys["ana"]))
    review_all(config, signing_key=keys["ana"])
    assert found(config) == []
    assert "-----BEGIN SSH SIGNATURE-----" in reviews_file(root, "es").read_text()


@needs_ssh_keygen
def test_a_review_without_a_signature_fails_when_signers_are_listed(root, keys):
    config = config_of(root)
    record(config, "es", "faq", "faq-consult")
    config = allow(root, ("ana@example.org", keys["ana"]))
    codes = [(f.code, f.locale, f.caveat) for f in rv.check_project_reviews(config).findings]
    assert ("C026", "es", "faq-consult") in codes


@needs_ssh_keygen
@pytest.mark.parametrize(
    "listed",
    [pytest.param([], id="no key listed"), pytest.param(["ana"], id="only another key listed")],
)
def test_a_signature_by_an_unlisted_key_fails(root, keys, listed):
    config = config_of(root)
    record(config, "es", "faq", "faq-consult", signing_key=keys["mallory"])
    config = allow(
        root,
        *(("ana@example.org", keys[name]) for name in listed),
        ("eve@example.org", keys["ana"]),
    )
    (finding,) = findings_for(config, "es", "faq-consult")
    assert finding.code == "C028"
    assert finding.path == "locales/es/reviews/faq.toml"


@needs_ssh_keygen
def test_a_signature_by_a_key_listed_for_someone_else_fails(root, keys):
    config = allow(root, ("ana@example.org", keys["ana"]), ("mallory@example.org", keys["mallory"]))
    signed = rv.Review("c", REVIEWER, DATE, "x\n", None, "0" * 64, "1" * 64)
    data = rv.canonical_bytes(rv.Binding("es", "faq", "c"), signed)
    signature = signing.sign(data, keys["mallory"])
    (checked,) = signing.verify_all(
        [signing.Signed(data, signature, "ana@example.org")], config.allowed_signers, shown_as="x"
    )
    assert checked.verdict is signing.Verdict.UNLISTED
    assert "listed for mallory@example.org, not for ana@example.org" in checked.reason


EDITS = {
    "back-translation": ("My reading of", "Someone's reading of"),
    "notes": ("notes = '''\n", "notes = '''\nAdded later.\n"),
    "reviewer": ("Ana Pérez", "Ana Perez"),
    "date": ("date = 2026-12-06", "date = 2026-12-07"),
}


@needs_ssh_keygen
@pytest.mark.parametrize(("old", "new"), EDITS.values(), ids=EDITS.keys())
def test_a_record_edited_after_signing_fails(root, keys, old, new):
    config = allow(root, ("ana@example.org", keys["ana"]))
    record(config, "es", "faq", "faq-consult", signing_key=keys["ana"], notes="Fine.")
    path = reviews_file(root, "es", "faq")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    (finding,) = findings_for(config, "es", "faq-consult")
    assert finding.code == "C027"
    assert "edited after signing" in finding.message


@needs_ssh_keygen
def test_recording_refuses_to_write_a_review_that_would_not_verify(root, keys):
    config = allow(root, ("ana@example.org", keys["ana"]))
    with pytest.raises(rv.ReviewError, match="must be signed"):
        record(config, "es", "faq", "faq-consult")
    with pytest.raises(rv.ReviewError, match="would not be accepted"):
        record(config, "es", "faq", "faq-consult", signing_key=keys["mallory"])
    assert not reviews_file(root, "es", "faq").exists()


def test_a_missing_ssh_keygen_is_a_clear_error_when_signatures_are_required(root, monkeypatch):
    config = config_of(root)
    (root / "signers").write_text("")
    config = config_of(root, **{"allowed-signers": '"signers"'})
    review = rv.Review("faq-consult", REVIEWER, DATE, "x\n", None, "0" * 64, "1" * 64, "sig")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="ssh-keygen"):
        signing.verify_all(
            [signing.Signed(b"x", review.signature, review.email)],
            config.allowed_signers,
            shown_as="signers",
        )


def test_no_ssh_keygen_runs_when_signatures_are_not_required(root, monkeypatch):
    config = config_of(root)
    review_all(config)

    def forbidden(*args, **kwargs):
        raise AssertionError("ssh-keygen ran")

    monkeypatch.setattr(subprocess, "run", forbidden)
    assert found(config) == []


@pytest.mark.parametrize(
    "field",
    ["reviewer", "date", "back_translation", "notes", "english_sha256", "translation_sha256"],
)
def test_the_signed_bytes_cover_every_field_but_the_signature(field):
    review = rv.Review("c", REVIEWER, DATE, "x\n", "n\n", "0" * 64, "1" * 64, "sig")
    changed = {
        "reviewer": "Eve <eve@example.org>",
        "date": dt.date(2027, 1, 1),
        "back_translation": "y\n",
        "notes": None,
        "english_sha256": "2" * 64,
        "translation_sha256": "3" * 64,
    }[field]
    binding = rv.Binding("es", "article", "c")
    assert rv.canonical_bytes(binding, review) != rv.canonical_bytes(
        binding, dataclasses.replace(review, **{field: changed})
    )
    assert rv.canonical_bytes(binding, review) == rv.canonical_bytes(
        binding, dataclasses.replace(review, signature="other", line=9)
    )


@pytest.mark.parametrize(
    "other",
    [
        rv.Binding("fr", "article", "c"),
        rv.Binding("es", "faq", "c"),
        rv.Binding("es", "article", "d"),
    ],
)
def test_the_signed_bytes_and_digests_bind_locale_document_and_caveat(other):
    review = rv.Review("c", REVIEWER, DATE, "x\n", None, "0" * 64, "1" * 64)
    binding = rv.Binding("es", "article", "c")
    assert rv.canonical_bytes(binding, review) != rv.canonical_bytes(other, review)
    assert rv.translation_digest(binding, ["t"]) != rv.translation_digest(other, ["t"])


# --- the gate and the command line ---------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
def test_check_and_build_refuse_a_translation_changed_since_review(root, command, capsys):
    config = config_of(root)
    review_all(config)
    assert main(["-C", str(root), command, "-q"]) == 0

    def edit(entry):
        entry.msgstr += " "

    edit_entry(root, "fr", "faq", "faq-consult", edit)
    capsys.readouterr()
    assert main(["-C", str(root), command, "-q"]) == 1
    captured = capsys.readouterr()
    assert " C021 fr faq-consult: translation changed since reviewed by" in (
        captured.out + captured.err
    )


@pytest.mark.parametrize("command", ["check", "build"])
def test_check_and_build_say_when_review_rules_are_off(root, command, capsys):
    config_of(root, **{"require-review": "false"})
    assert main(["-C", str(root), command]) == 0
    assert f"notice: {rv.REVIEWS_OFF}" in capsys.readouterr().err


def test_the_review_command_lists_then_records(root, capsys, monkeypatch):
    assert main(["-C", str(root), "review", "--locale", "es"]) == 0
    assert "es: 6 caveat(s) need review" in capsys.readouterr().out
    reading = root.parent / "reading.txt"
    reading.write_text("Ask your doctor before any new treatment.\n")
    arguments = ["review", "--locale", "es", "faq", "faq-consult", "--reviewer", REVIEWER]
    assert main(["-C", str(root), *arguments, "--back-translation", str(reading)]) == 0
    assert main(["-C", str(root), "review", "--locale", "es"]) == 0
    assert "es: 5 caveat(s) need review" in capsys.readouterr().out
