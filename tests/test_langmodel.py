"""The language model behind C036: read from its cache without numpy, it must rank languages as
py3langid itself does; the cache is shared, pruned, and never more than lost time when broken."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import LanguageIdentifier  # type: ignore[import-untyped]

from locpipe import langmodel, meaning
from locpipe.pofile import parse_po

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def py3langid_itself():
    """py3langid's own identifier of its shipped model: what locpipe's reading must agree with."""
    return LanguageIdentifier.from_model_file(langmodel.model_file(), norm_probs=False)


def _caveat_texts() -> list[str]:
    """Every string of the shipped catalogs, and runs of their words picked at random."""
    texts = [
        text
        for path in sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))
        for entry in parse_po(path.read_bytes(), path=str(path)).entries
        for text in (entry.msgid, entry.msgstr)
        if text
    ]
    words = " ".join(texts).split()
    pick = random.Random(23)
    runs = [" ".join(pick.choices(words, k=pick.randint(1, 12))) for _ in range(400)]
    return [*texts, *runs, "", "1234 5678", "!!! ???", "ÄÖÜ", "CAPITALS ONLY TEXT HERE"]


#: Every set of candidates C036 asks about, a label with two columns (sr), one the model lacks.
_CANDIDATES = [*meaning.CONFUSABLE.values(), ("sr", "en"), ("en", "xx"), ("xx",)]


def _first_of(ranking: list[tuple[str, float]], candidates: tuple[str, ...]) -> str | None:
    return next((language for language, _ in ranking if language in candidates), None)


def test_the_candidates_ranking_is_py3langids_own(py3langid_itself):
    """:func:`langmodel.most_likely` scores only the candidates' columns, in plain Python: it
    must answer as the first candidate in py3langid's ranking of every language does (numpy's
    float32 arithmetic), ties and merged labels included, and so must all languages at once."""
    model = meaning._model()
    everything = tuple(sorted(model.labels))
    differ = []
    for text in _caveat_texts():
        ranking = py3langid_itself.rank(text)
        for candidates in [*_CANDIDATES, everything]:
            expected = _first_of(ranking, candidates)
            found = langmodel.most_likely(model, text, candidates)
            if found != expected:
                differ.append((text[:40], candidates, expected, found))
    assert differ == []


def test_features_are_counted_as_py3langid_counts_them(py3langid_itself):
    from py3langid.langid import visit_counts  # type: ignore[import-untyped]

    model = meaning._model()
    for text in _caveat_texts()[::7]:
        expected = visit_counts(
            py3langid_itself.tk_nextmove,
            py3langid_itself._rowbase,
            py3langid_itself.tk_output,
            py3langid_itself._encode(text),
        )
        assert langmodel.feature_counts(model, text) == (expected or {})


def _tiny_models(classes: list[str], weights: list[float]):
    """A model whose one feature is every byte, weighted per column: locpipe's, py3langid's."""
    ptc = np.array([weights], dtype=np.float16)
    pc = np.zeros(len(classes), dtype=np.float32)
    ours = langmodel.model_of(ptc, pc.tolist(), classes, np.zeros(256, np.uint16), [0], [0])
    theirs = LanguageIdentifier(ptc, pc, classes, [0] * 256, [0], norm_probs=False, tk_row=[0])
    return ours, theirs


@pytest.mark.parametrize(
    ("classes", "weights", "candidates"),
    [
        (["a", "b", "c"], [-1.0, -2.0, -2.0], ("b", "c")),  # a tie: the label listed first
        (["a", "b", "c"], [-1.0, -2.0, -2.0], ("c", "b")),
        (["a", "b", "a"], [-3.0, -2.0, -1.0], ("a", "b")),  # a label's best column counts
        (["a", "b", "a"], [-1.0, -2.0, -3.0], ("b", "a")),
        (["a", "b", "a"], [-2.0, -2.0, -3.0], ("b", "a")),  # merged, then tied
    ],
)
@pytest.mark.parametrize("text", ["some text", "", "ab"])
def test_the_candidates_ranking_breaks_ties_as_py3langid(classes, weights, candidates, text):
    ours, theirs = _tiny_models(classes, weights)
    assert langmodel.most_likely(ours, text, candidates) == _first_of(theirs.rank(text), candidates)


def test_the_candidates_columns_are_kept_per_model():
    """Two models with the same candidates each score with their own columns."""
    first, _ = _tiny_models(["a", "b"], [-1.0, -2.0])
    second, _ = _tiny_models(["b", "a"], [-1.0, -2.0])
    assert langmodel.most_likely(first, "text", ("a", "b")) == "a"
    assert langmodel.most_likely(second, "text", ("a", "b")) == "b"
    assert langmodel.most_likely(first, "text", ("a", "b")) == "a"


def _answers(model) -> list[str | None]:
    """The model's answers on the shipped caveats, for every set of candidates."""
    return [
        langmodel.most_likely(model, text, candidates)
        for text in _caveat_texts()[:200]
        for candidates in [*_CANDIDATES, tuple(sorted(model.labels))]
    ]


def test_the_language_model_cache_gives_the_same_model(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path))
    fresh = langmodel.load_model()  # decompressed from py3langid, then stored
    assert len(list(tmp_path.glob("py3langid-*"))) == 1
    cached = langmodel.load_model()  # mapped from the cache
    assert _answers(fresh) == _answers(cached)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["installs", cached_name(tmp_path)]


def test_a_cached_model_is_read_and_used_without_numpy(tmp_path):
    """The point of reading the cache by hand: numpy's import alone costs 70 ms of CPU."""
    script = (
        "import sys\n"
        "from locpipe import langmodel\n"
        "model = langmodel.load_model()\n"
        "print(langmodel.most_likely(model, 'Die Therapie ist noch experimentell.', ('de', 'en')))\n"
        "print('numpy' in sys.modules)\n"
    )
    environment = {**os.environ, "LOCPIPE_CACHE": str(tmp_path)}

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script], env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run() == ["de", "True"]  # the first run decompresses with py3langid, numpy and all
    assert run() == ["de", "False"]


def cached_name(cache) -> str:
    (folder,) = cache.glob("py3langid-*")
    return folder.name


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A cache where install 0 of :func:`installs` has stored its copy (notes name installs by
    file size and time, which every test's install 0 shares)."""
    cache = tmp_path_factory.mktemp("stored") / "cache"
    with pytest.MonkeyPatch.context() as monkeypatch:
        use, decompressed, _ = _installs(cache.parent, monkeypatch)
        monkeypatch.setenv("LOCPIPE_CACHE", str(cache))
        use(0)
    assert len(decompressed) == 1
    return cache


@pytest.fixture
def installs(tmp_path, monkeypatch):
    """Two installs of py3langid's model file (same content, installed at different times), a
    cache of its own, and a count of the decompressions; ``use(n)`` loads the model of one."""
    return _installs(tmp_path, monkeypatch)


def _installs(tmp_path, monkeypatch):
    import py3langid.modelio  # type: ignore[import-untyped]

    shipped = langmodel.model_file()
    files = []
    for number in range(2):
        copy = tmp_path / f"install-{number}" / "model.npz.xz"
        copy.parent.mkdir(parents=True)
        copy.write_bytes(shipped.read_bytes())
        os.utime(copy, ns=(10**18 + number, 10**18 + number))
        files.append(copy)
    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path / "cache"))
    decompressed = []
    load_model = py3langid.modelio.load_model

    def counted(path):
        decompressed.append(path)
        return load_model(path)

    monkeypatch.setattr(py3langid.modelio, "load_model", counted)

    def use(number: int):
        monkeypatch.setattr(langmodel, "model_file", lambda: files[number])
        return langmodel.load_model()

    return use, decompressed, tmp_path / "cache"


GERMAN = "Die Therapie ist noch experimentell und nicht überall verfügbar."


def test_installs_of_the_same_model_share_one_copy(installs):
    use, decompressed, cache = installs
    first = use(0)
    second = use(1)  # another venv: its file is newer, its content the same
    assert len(decompressed) == 1
    assert len(list(cache.glob("py3langid-*"))) == 1
    assert len(list((cache / "installs").iterdir())) == 2  # each install's digest, noted
    assert langmodel.most_likely(first, GERMAN, ("de", "nl")) == "de"
    assert langmodel.most_likely(second, GERMAN, ("de", "nl")) == "de"
    use(0)
    use(1)
    assert len(decompressed) == 1


def test_a_note_of_a_removed_copy_or_a_garbled_one_only_costs_time(installs):
    use, decompressed, cache = installs
    use(0)
    shutil.rmtree(cache / cached_name(cache))  # pruned by another version's run
    assert langmodel.most_likely(use(0), GERMAN, ("de", "nl")) == "de"
    assert len(decompressed) == 2
    (note,) = (cache / "installs").iterdir()
    note.write_bytes(b"../../etc\xff")
    assert langmodel.most_likely(use(0), GERMAN, ("de", "nl")) == "de"
    assert len(decompressed) == 2  # found again by its digest
    assert note.read_text() == cached_name(cache) + "\n"


def test_a_note_naming_a_folder_elsewhere_is_not_followed(installs, tmp_path):
    """A copy found broken is removed and written again: a note must never name a folder
    outside the cache, or that folder would be the one removed."""
    use, decompressed, cache = installs
    use(0)
    outside = tmp_path / f"py3langid-x-{0:032x}"
    (outside / "keep").mkdir(parents=True)
    (note,) = (cache / "installs").iterdir()
    note.write_text(f"py3langid-/../../py3langid-x-{0:032x}\n")
    use(0)
    assert (outside / "keep").is_dir()
    assert len(decompressed) == 1


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("ptc", lambda data: data[: len(data) // 2]),  # cut short: a disk filled while copying
        ("output", lambda data: data + b"\0" * 4),  # longer than its shape
        ("nextmove", lambda data: b"\x93NUMPX" + data[6:]),  # not a .npy file
        ("pc", lambda data: data.replace(b"'<f4'", b"'>f4'")),  # another byte order
        ("row", lambda data: data.replace(b"False", b"True ")),  # Fortran order
        ("classes", lambda data: data.replace(b"'<U", b"'<X")),  # an unknown type
        ("pc", lambda data: data.replace(b"'<f4'", b"'<u4'")),  # the wrong type for its role
        ("pc", lambda data: data.replace(b"'shape': (", b"'shape': (!")),  # not a literal
        ("ptc", lambda data: data.replace(b"'descr'", b"'descX'")),  # no type at all
    ],
)
def test_a_damaged_copy_is_replaced(installs, stored, name, damage):
    use, decompressed, cache = installs
    shutil.copytree(stored, cache)
    damaged = cache / cached_name(cache) / f"{name}.npy"
    damaged.write_bytes(damage(damaged.read_bytes()))
    assert langmodel.most_likely(use(0), GERMAN, ("de", "nl")) == "de"
    assert len(decompressed) == 1
    assert langmodel.most_likely(use(0), GERMAN, ("de", "nl")) == "de"
    assert len(decompressed) == 1  # the copy written again is read from then on


def test_only_the_newest_notes_of_installs_are_kept(installs):
    use, _, cache = installs
    notes = cache / "installs"
    notes.mkdir(parents=True)
    for number in range(40):  # notes of installs gone since, oldest first
        (notes / f"py3langid-0.4.0-1-{number}").write_text("x\n")
        os.utime(notes / f"py3langid-0.4.0-1-{number}", ns=(number, number))
    (notes / ".tmp-left-by-a-killed-run").write_text("")
    os.utime(notes / ".tmp-left-by-a-killed-run", ns=(0, 0))
    use(0)
    left = sorted(path.name for path in notes.iterdir())
    assert len(left) == 32  # this install's note and the 31 newest others
    assert "py3langid-0.4.0-1-39" in left and "py3langid-0.4.0-1-8" not in left
    assert not [name for name in left if name.startswith(".tmp-")]


def test_the_language_model_cache_keeps_only_the_newest_copies(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCPIPE_CACHE", str(tmp_path))
    (tmp_path / "py3langid-0.4.0-1-2.npz").write_bytes(b"an earlier locpipe's copy")
    (tmp_path / "py3langid-0.4.0-4586720-1796545853074297857").mkdir()  # and one of an install
    for number in range(5):  # copies of other models, oldest first
        (tmp_path / f"py3langid-0.3.{number}-{number:032x}").mkdir()
        os.utime(tmp_path / f"py3langid-0.3.{number}-{number:032x}", ns=(number, number))
    langmodel.load_model()
    left = sorted(path.name for path in tmp_path.glob("py3langid-*"))
    assert len(left) == 3  # the new copy and the two newest others
    assert f"py3langid-0.3.4-{4:032x}" in left and f"py3langid-0.3.3-{3:032x}" in left


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("LOCPIPE_CACHE", str(blocked / "cache"))
    model = langmodel.load_model()
    assert langmodel.most_likely(model, GERMAN, ("de", "nl")) == "de"
    assert _answers(model) == _answers(meaning._model())
