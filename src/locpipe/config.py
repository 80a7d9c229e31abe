"""The ``[tool.locpipe]`` configuration and the project layout it describes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from locpipe.errors import ConfigError
from locpipe.fsio import read_toml
from locpipe.locales import PSEUDO_ALIASES, PSEUDO_LOCALE
from locpipe.model import FLAVORS, Flavor

UI_DOMAIN = "ui"
"""The gettext domain of the page templates' own strings
(``locales/<locale>/LC_MESSAGES/ui.po``)."""
REGISTRY_NAME = "caveats.toml"
"""The caveat registry, in the source folder (read by :mod:`locpipe.registry`; named here so
that what only needs its name, such as a build's fingerprints, does not load the reader)."""
TEMPLATES = Path(__file__).parent / "templates"
"""The package's page templates; a project overrides any of them in its own ``templates/``."""
REVIEWS_OFF = (
    "review rules are off (require-review = false in [tool.locpipe]): "
    "caveats are published without a human review of their translation"
)
"""What every check and build says while ``require-review`` is false."""


def template_files(override: Path | None = None) -> list[tuple[str, Path]]:
    """(name shown in references, path) of every template, a project's overrides winning."""
    found: dict[str, Path] = {path.name: path for path in sorted(TEMPLATES.glob("*.html"))}
    if override is not None and override.is_dir():
        found.update({path.name: path for path in sorted(override.glob("*.html"))})
    return [(f"templates/{name}", path) for name, path in sorted(found.items())]


_DEFAULTS = {
    "source": "source",
    "locales": "locales",
    "build": "build",
    "source-locale": "en",
    "target-locales": None,
    "flavor": "gfm",
    "require-review": True,
    "allowed-signers": None,
    "min-translated": None,
}


@dataclass(frozen=True, slots=True)
class Config:
    """Where a project keeps its sources, catalogs and pages. Paths are absolute."""

    root: Path
    source: Path
    locales: Path
    build: Path
    source_locale: str = "en"
    target_locales: tuple[str, ...] | None = None
    """Configured target locales; None means every locale folder found under ``locales``."""
    flavor: Flavor = "gfm"
    require_review: bool = True
    """Whether every caveat needs a valid human review record (see :mod:`locpipe.review`)."""
    allowed_signers: Path | None = None
    """OpenSSH allowed_signers file; when set, every review must carry a valid SSH signature."""
    min_translated: float | None = None
    """The share of a locale's strings (0 to 1) that must be translated to publish it; None: any."""
    config_file: Path | None = field(default=None, compare=False)
    _real_paths: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Paths resolved through their symlinks, once per path for the life of this value (one
    command): a build asks for a catalog's path a few times per page."""
    _catalog_paths: dict[tuple[str, str], Path] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    """:meth:`catalog_path`'s answers, checked once each (four times per page otherwise)."""

    def notices(self) -> list[str]:
        """What every check and build of this project must tell its user (review rules off)."""
        return [] if self.require_review else [REVIEWS_OFF]

    def documents(self) -> list[str]:
        """The source documents' names (``article``, ``guide/intro``), sorted."""
        if not self.source.is_dir():
            raise ConfigError("source folder does not exist", path=self.relative(self.source))
        names = []
        # Never skip a document without a word: its pages would silently go missing. (The
        # search does not follow symlinked folders: each one is an error.)
        for path in self.source.rglob("*"):
            if path.suffix != ".md" and not path.is_symlink():
                continue
            if not self._inside(path, self.source):
                self._confined(path, self.source)  # raises, naming the file
            if path.is_symlink() and path.is_dir():
                raise ConfigError(
                    "is a symlink to a folder, which locpipe does not follow: "
                    "link each document instead",
                    path=self.relative(path),
                )
            if path.is_symlink() and not path.exists():
                raise ConfigError(
                    "is a symlink to nothing: remove it or restore the file it names",
                    path=self.relative(path),
                )
            # A FIFO or a device is a document too, so reading it says what is wrong with it.
            if path.suffix == ".md" and path.exists() and not path.is_dir():
                names.append(path.relative_to(self.source).with_suffix("").as_posix())
        return sorted(names)

    def source_path(self, document: str) -> Path:
        return self._confined(self.source / f"{document}.md", self.source)

    def template_path(self, document: str) -> Path:
        return self._confined(self.locales / f"{document}.pot", self.locales)

    def catalog_path(self, locale: str, document: str) -> Path:
        path = self._catalog_paths.get((locale, document))
        if path is None:
            path = self._confined(
                self.locales / f"{locale}/LC_MESSAGES/{document}.po", self.locales
            )
            self._catalog_paths[(locale, document)] = path
        return path

    def reviews_path(self, locale: str, document: str) -> Path:
        """The review records of ``document``'s caveats in ``locale``."""
        return self._confined(self.locales / f"{locale}/reviews/{document}.toml", self.locales)

    def _confined(self, path: Path, folder: Path) -> Path:
        """``path``, after checking that it (through any symlink) stays inside ``folder``."""
        if not self._inside(path, folder):
            raise ConfigError(
                "leads outside the project (a symlink or '..'): locpipe never reads or writes there",
                path=self.relative(path),
            )
        return path

    def _inside(self, path: Path, folder: Path) -> bool:
        """Whether ``path``, through any symlink, is inside ``folder``."""
        real, base = self._real(os.fspath(path)), self._real(os.fspath(folder))
        return real == base or real.startswith(base if base.endswith(os.sep) else base + os.sep)

    def _real(self, path: str) -> str:
        """``os.path.realpath(path)`` (what ``Path.resolve`` gives), each folder resolved once:
        a path whose last part is no symlink is its folder's real path and that name (a build
        asks for thousands of files in a few folders, and ``realpath`` looks at every part of
        every path)."""
        real = self._real_paths.get(path)
        if real is None:
            parent, name = os.path.split(path)
            if parent == path or name in ("", ".", "..") or os.path.islink(path):
                real = os.path.realpath(path)
            else:
                real = os.path.join(self._real(parent), name)
            self._real_paths[path] = real
        return real

    def locales_present(self) -> list[str]:
        """The target locales: configured, or the folders under ``locales/`` with catalogs."""
        if self.target_locales is not None:
            return list(self.target_locales)
        if not self.locales.is_dir():
            return []
        found = []
        for child in sorted(self.locales.iterdir()):
            if (child / "LC_MESSAGES").is_dir() and not child.is_symlink():
                locale = normalize_locale(child.name, path=self.relative(child))
                if locale != child.name:
                    # Catalogs are looked up under the normalized name: a folder spelled
                    # otherwise would be skipped while a new, empty one was created beside it.
                    raise ConfigError(
                        f"locale folder {child.name!r} must be named {locale!r}",
                        path=self.relative(child),
                    )
                found.append(locale)
        return found

    def relative(self, path: Path) -> str:
        """``path`` as users see it: relative to the project root where it is inside."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def load_config(root: Path) -> Config:
    """The configuration of the project at ``root`` (defaults where pyproject.toml is silent)."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    settings: dict[str, Any] = {}
    if pyproject.is_file():
        data = read_toml(pyproject, shown_as="pyproject.toml", error=ConfigError, what="TOML")
        tool = data.get("tool", {})
        settings = tool.get("locpipe", {}) if isinstance(tool, dict) else {}
        if not isinstance(settings, dict):
            raise ConfigError("[tool.locpipe] must be a table", path="pyproject.toml")
    unknown = sorted(set(settings) - set(_DEFAULTS))
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [tool.locpipe]: {', '.join(unknown)} "
            f"(known: {', '.join(_DEFAULTS)})",
            path="pyproject.toml",
        )
    merged = {**_DEFAULTS, **settings}
    folders = {}
    for key in ("source", "locales", "build"):
        value = merged[key]
        if not isinstance(value, str) or not value:
            raise ConfigError(f"[tool.locpipe] {key} must be a folder name", path="pyproject.toml")
        folder = (root / value).resolve()
        if not folder.is_relative_to(root) or folder == root:  # both resolved
            raise ConfigError(
                f"[tool.locpipe] {key} = {value!r} is outside the project", path="pyproject.toml"
            )
        folders[key] = folder
    targets = merged["target-locales"]
    if targets is not None:
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ConfigError(
                "[tool.locpipe] target-locales must be a list of locale codes",
                path="pyproject.toml",
            )
        targets = tuple(normalize_locale(t, path="pyproject.toml") for t in targets)
    flavor = merged["flavor"]
    if flavor not in FLAVORS:
        raise ConfigError(
            "[tool.locpipe] flavor must be 'gfm' or 'commonmark'", path="pyproject.toml"
        )
    if not isinstance(merged["require-review"], bool):
        raise ConfigError(
            "[tool.locpipe] require-review must be true or false", path="pyproject.toml"
        )
    minimum = merged["min-translated"]
    if minimum is not None and (
        isinstance(minimum, bool) or not isinstance(minimum, int | float) or not 0 <= minimum <= 1
    ):
        raise ConfigError(
            "[tool.locpipe] min-translated must be a number from 0 to 1 (e.g. 0.8)",
            path="pyproject.toml",
        )
    return Config(
        root=root,
        source=folders["source"],
        locales=folders["locales"],
        build=folders["build"],
        source_locale=normalize_locale(str(merged["source-locale"]), path="pyproject.toml"),
        target_locales=targets,
        flavor=flavor,
        require_review=merged["require-review"],
        allowed_signers=_allowed_signers(root, merged["allowed-signers"]),
        min_translated=None if minimum is None else float(minimum),
        config_file=pyproject if pyproject.is_file() else None,
    )


def _allowed_signers(root: Path, value: object) -> Path | None:
    """The allowed_signers file ``value`` names, relative to the project root, or None.

    Whether it exists is checked where it is read: a project may configure it before the
    first reviewer has added a key.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(
            "[tool.locpipe] allowed-signers must be the path of an OpenSSH allowed_signers file",
            path="pyproject.toml",
        )
    return (root / value).resolve()


def normalize_locale(code: str, *, path: str | None = None) -> str:
    """``code`` validated and normalized by Babel: ``pt-br`` → ``pt_BR``, ``zh-hans`` → ``zh_Hans``.

    :raises ConfigError: for an unknown code or one that is not a plain identifier (``../fr``).
    """
    parts = code.replace("-", "_").split("_")
    # ASCII letters and digits only: the code becomes a folder name.
    if not code or not all(part.isascii() and part.isalnum() for part in parts):
        raise ConfigError(f"invalid locale code {code!r}", path=path)
    if "_".join(parts).lower() in PSEUDO_ALIASES:
        return PSEUDO_LOCALE
    try:
        locale = Locale.parse("_".join(parts))
    except (UnknownLocaleError, ValueError) as error:
        raise ConfigError(f"unknown locale code {code!r}", path=path) from error
    if not _means(parts, locale):
        raise ConfigError(f"unknown locale code {code!r}", path=path)
    normalized = str(locale)
    if normalized.lower() != "_".join(parts).lower():
        # Babel fills in likely subtags for some codes; keep what the user asked for, normalized.
        normalized = "_".join(_case_subtag(i, part) for i, part in enumerate(parts))
    return normalized


def _means(parts: list[str], locale: Locale) -> bool:
    """Whether Babel's ``locale`` is what every subtag the user wrote asks for.

    Babel falls back instead of failing: ``und_FR`` parses as fr_FR, ``en_ZZ`` as en_US and
    ``fr_Abcd`` as fr, so an unknown subtag would pass silently and name a folder.
    """
    language = parts[0].lower()
    if language in ("und", "root"):
        return False
    aliases = get_global("language_aliases")
    if locale.language not in (language, str(aliases.get(language, "")).split("_")[0]):
        return False
    likely = str(get_global("likely_subtags").get(language, "")).split("_")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            scripts = {locale.script, *(s for s in likely[1:] if len(s) == 4)}
            if part.title() not in scripts:
                return False
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            if part.upper() != locale.territory:
                return False
        elif part.upper() != locale.variant:
            return False
    return True


def _case_subtag(index: int, part: str) -> str:
    if index == 0:
        return part.lower()
    if len(part) == 4:
        return part.title()  # script: Hans, Latn
    return part.upper()  # territory: BR, 419
