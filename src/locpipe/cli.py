"""The ``locpipe`` command line. Only this module prints or exits.

Exit status: 0 success; 1 a caveat check failed (``check``, ``build``); 2 usage, configuration
or parse errors.
"""

from __future__ import annotations

import argparse
import atexit
import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from locpipe.errors import ConfigError, LocpipeError, located, quoted
from locpipe.locales import PSEUDO_LOCALE
from locpipe.version import __version__

# Not `typing.TYPE_CHECKING`: importing typing is a tenth of `locpipe --version`'s start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from locpipe import build, project
    from locpipe.catalog import Stats
    from locpipe.config import Config

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
#: Commands that write catalogs or build/: they serialize on the project lock.
_WRITING_COMMANDS = frozenset(
    {"extract", "init", "pseudo", "update", "compile", "build", "assemble"}
)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _say_waiting() -> None:
    print("waiting for another locpipe run in this project to finish...", file=sys.stderr)


def run() -> NoReturn:
    """The ``locpipe`` command: :func:`main`, then the process ends with its status."""
    exit_now(main())


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` without freeing its objects one by one.

    A build holds some 150 MB of small objects when it is done; the interpreter's teardown
    frees each of them, a few percent of a build's CPU time for memory the system takes back
    at once. What an exit must still do is done first: the exit handlers run (temporary
    folders, worker pools) and stdout and stderr are flushed. Where that is not all (another
    thread still running, a stream that cannot be flushed, such as a closed pipe), the process
    ends the usual way, which reports it as it always has.
    """
    if threading.active_count() == 1:
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        else:
            os._exit(status)
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    # SIGTERM (CI cancelling a job) unwinds like Ctrl-C, so every temporary file is removed
    # and no catalog or build/ is left half-written.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, usage errors: argparse has printed
        return int(exit_.code or 0)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    # What a command needs is imported once it is known: `--version` and `--help` load none of it.
    from locpipe.config import load_config
    from locpipe.fsio import project_lock

    try:
        config = load_config(Path(args.project))
        if args.command in _WRITING_COMMANDS:
            with project_lock(config.root, on_wait=_say_waiting):
                return int(args.run(args, config))
        return int(args.run(args, config))
    except LocpipeError as error:
        print(error, file=sys.stderr)
        return EXIT_ERROR
    except (OSError, UnicodeError) as error:
        # A safety net: the stages raise LocpipeError; anything else still gets one line.
        filename = getattr(error, "filename", None)
        where = f"{quoted(str(filename))}: " if filename else ""
        print(f"{where}error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; no file was left half-written", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="locpipe",
        description="Localize Markdown through gettext catalogs; never publish a lost caveat.",
    )
    parser.add_argument("--version", action="version", version=f"locpipe {__version__}")
    parser.add_argument(
        "-C", "--project", default=".", metavar="DIR", help="project folder (default: current)"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str, run: Callable[[argparse.Namespace, Config], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run, command=name)
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("-v", "--verbose", action="store_true", help="print every file")
        return sub

    command("extract", _extract, "write the templates (locales/<doc>.pot) from the sources")
    init = command("init", _init, "create the catalogs of a new locale")
    init.add_argument("locale", help="locale code, e.g. fr, pt-BR, zh-Hans")
    pseudo = command("pseudo", _pseudo, "write a pseudo-translation, for testing layouts")
    pseudo.add_argument(
        "locale", nargs="?", default=PSEUDO_LOCALE, help=f"pseudo-locale (default {PSEUDO_LOCALE})"
    )
    update = command("update", _update, "merge the current sources into every catalog")
    _locale_option(update)
    update.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a template or catalog is out of date (for CI)",
    )
    compile_ = command("compile", _compile, "write .mo files; refuse catalogs with errors")
    _locale_option(compile_)
    stats = command("stats", _stats, "translation progress per locale and document")
    _locale_option(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")
    check = command("check", _check, "check every required caveat in every locale")
    _locale_option(check)
    check.add_argument("--format", choices=("text", "json", "junit", "github"), default="text")
    build = command("build", _build, "build the localized pages into build/ (gate first)")
    serve = command("serve", _serve, "serve build/ on 127.0.0.1 and print each page's address")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    command(
        "assemble",
        _assemble,
        "make one site of the per-locale builds collected in build/ (switchers, index)",
    )
    _locale_option(build)
    build.add_argument("--jobs", type=int, default=None, help="parallel workers")
    review = command(
        "review",
        _review,
        "list the caveats that need a human review in a locale, or record one",
    )
    review.add_argument("--locale", required=True, metavar="L", help="the locale reviewed")
    review.add_argument("document", nargs="?", help="the document of the caveat to record")
    review.add_argument("caveat", nargs="?", help="the caveat id to record a review for")
    review.add_argument("--reviewer", metavar="'NAME <EMAIL>'", help="who reviewed it")
    review.add_argument(
        "--back-translation",
        metavar="FILE",
        help="the reviewer's English reading of the translation ('-': standard input)",
    )
    review.add_argument("--notes", metavar="TEXT", help="wording flags, doubts (optional)")
    review.add_argument("--sign-with", metavar="KEYFILE", help="SSH key to sign the review with")
    review.add_argument("--date", metavar="YYYY-MM-DD", help="date of the review (default: today)")
    return parser


def _locale_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--locale",
        action="append",
        dest="locales",
        metavar="L",
        help="only this locale (repeatable)",
    )


def _locales(args: argparse.Namespace) -> list[str] | None:
    from locpipe.config import normalize_locale

    if not args.locales:
        return None
    return [normalize_locale(code) for code in args.locales]


def _report(args: argparse.Namespace, outcomes: list[project.Outcome]) -> None:
    if args.quiet:
        return
    for outcome in outcomes:
        if args.verbose or outcome.action != "unchanged":
            print(f"{outcome.path}: {outcome.action}", file=sys.stderr)
    unchanged = sum(outcome.action == "unchanged" for outcome in outcomes)
    if unchanged and not args.verbose:
        print(f"{unchanged} file(s) unchanged", file=sys.stderr)


def _extract(args: argparse.Namespace, config: Config) -> int:
    from locpipe import project

    _report(args, project.extract_templates(config))
    return EXIT_OK


def _init(args: argparse.Namespace, config: Config) -> int:
    from locpipe import project
    from locpipe.config import normalize_locale

    outcomes = project.init_locale(config, args.locale)
    _report(args, outcomes)
    if not args.quiet:
        locale = normalize_locale(args.locale)
        catalogs = config.relative(config.locales / locale / "LC_MESSAGES")
        registry = config.relative(config.source / "caveats.toml")
        _say(
            f"next: translate {catalogs}/*.po (Poedit, Weblate, Lokalize or an editor); "
            f"add {locale}'s required terms to every caveat in {registry} "
            f"([<caveat>.terms] {locale} = [...]); then `locpipe check --locale {locale}`"
        )
    return EXIT_OK


def _pseudo(args: argparse.Namespace, config: Config) -> int:
    from locpipe import project

    _report(args, project.pseudo_locale(config, args.locale))
    return EXIT_OK


def _update(args: argparse.Namespace, config: Config) -> int:
    from locpipe import project

    if args.check:
        outcomes = project.update_catalogs(config, _locales(args), check=True)
        stale = [outcome for outcome in outcomes if outcome.action != "unchanged"]
        for outcome in stale:
            _say(f"{outcome.path}: out of date: run `locpipe update`")
        if not args.quiet and not stale:
            _say(f"{len(outcomes)} file(s) up to date")
        return EXIT_FAILED if stale else EXIT_OK
    _report(args, project.update_catalogs(config, _locales(args)))
    return EXIT_OK


def _compile(args: argparse.Namespace, config: Config) -> int:
    from locpipe import project

    _report(args, project.compile_catalogs(config, _locales(args)))
    return EXIT_OK


def _stats(args: argparse.Namespace, config: Config) -> int:
    import json

    from locpipe import project
    from locpipe.catalog import Stats

    rows = project.catalog_stats(config, _locales(args))
    good = [(locale, document, s) for locale, document, s in rows if isinstance(s, Stats)]
    broken = [(locale, document, s) for locale, document, s in rows if not isinstance(s, Stats)]
    for _, _, error in broken:
        _say(str(error))  # the other catalogs are still counted
    below = _below_minimum(config, good)
    if args.format == "json":
        listed: list[dict[str, object]] = [
            {
                "locale": locale,
                "document": document,
                "total": s.total,
                "translated": s.translated,
                "fuzzy": s.fuzzy,
                "untranslated": s.untranslated,
                "obsolete": s.obsolete,
                "percent": _floor(s.percent, 1),
                "caveats": s.caveats,
                "caveats_translated": s.caveats_translated,
                "publishable": locale not in below,
            }
            for locale, document, s in good
        ]
        listed += [
            {"locale": locale, "document": document, "error": str(error)}
            for locale, document, error in broken
        ]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return EXIT_ERROR if broken else EXIT_OK
    header = (
        "locale",
        "document",
        "total",
        "translated",
        "fuzzy",
        "untranslated",
        "obsolete",
        "%",
        "caveats",
    )
    table = [header] + [
        (
            locale,
            document,
            str(s.total),
            str(s.translated),
            str(s.fuzzy),
            str(s.untranslated),
            str(s.obsolete),
            f"{_floor(s.percent, 0):.0f}",
            f"{s.caveats_translated}/{s.caveats}",
        )
        for locale, document, s in good
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    for locale, percent in below.items():
        minimum = 100 * (config.min_translated or 0)
        print(
            f"{locale}: {_floor(percent, 0):.0f}% translated, below min-translated "
            f"{minimum:g}%: not published"
        )
    return EXIT_ERROR if broken else EXIT_OK


def _below_minimum(config: Config, rows: Sequence[tuple[str, str, Stats]]) -> dict[str, float]:
    """locale → its share translated (percent), for the locales below ``min-translated``."""
    if config.min_translated is None:
        return {}
    translated: dict[str, int] = {}
    total: dict[str, int] = {}
    for locale, _, s in rows:
        translated[locale] = translated.get(locale, 0) + s.translated
        total[locale] = total.get(locale, 0) + s.total
    shares = {
        locale: 100 * translated[locale] / count if count else 100.0
        for locale, count in total.items()
    }
    return {
        locale: share for locale, share in shares.items() if share < 100 * config.min_translated
    }


def _serve(args: argparse.Namespace, config: Config) -> int:
    from locpipe.serve import page_urls, preview_server

    server = preview_server(config.build, shown_as=config.relative(config.build), port=args.port)
    with server:
        for url in page_urls(server, config.build):
            print(url)
        _say("serving build/ on this machine only; Ctrl-C stops")
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            return EXIT_OK
    return EXIT_OK


def _floor(percent: float, digits: int) -> float:
    """Round down: 199 of 200 translated must never read as 100%."""
    scale = 10**digits
    return float(math.floor(percent * scale) / scale)


def _check(args: argparse.Namespace, config: Config) -> int:
    from locpipe import build, reports

    try:
        report = build.check_project(config, _locales(args))
    except LocpipeError as error:
        print(reports.format_error(error, args.format), end="")  # CI keeps a report saying why
        raise
    for notice in report.notices:
        _say(f"notice: {notice}")
    print(reports.format_report(report, args.format), end="")
    return EXIT_OK if report.passed else EXIT_FAILED


def _build(args: argparse.Namespace, config: Config) -> int:
    # What changed is found before the engine is imported: a build with nothing to do answers
    # in the time it takes to hash its inputs.
    from locpipe.manifest import changes

    locales = _locales(args)
    changed = changes(config, locales)
    if changed.none:
        return _up_to_date(args, config.notices(), config.relative(config.build))
    from locpipe import build

    progress = not args.quiet and (args.verbose or sys.stderr.isatty())
    result = build.build_site(
        config, locales, jobs=args.jobs, progress=_say if progress else None, changes=changed
    )
    return _built(args, result)


def _assemble(args: argparse.Namespace, config: Config) -> int:
    from locpipe import build

    progress = not args.quiet and (args.verbose or sys.stderr.isatty())
    return _built(
        args, build.build_site(config, None, progress=_say if progress else None, assemble=True)
    )


def _built(args: argparse.Namespace, result: build.BuildResult) -> int:
    """What a build did, on stderr; its exit status."""
    from locpipe import gate

    if result.up_to_date:
        return _up_to_date(args, result.notices, result.build)
    for notice in result.notices:
        _say(f"notice: {notice}")
    for locale, findings in result.failed.items():
        for finding in findings:
            _say(str(finding))
        caveats = ", ".join(gate.failing_checks(findings))
        first = findings[0]
        _say(
            located(first.path, first.line, f"{locale} not published: caveat(s) failing: {caveats}")
        )
    if not args.quiet:
        withheld = f"; not published: {', '.join(result.failed)}" if result.failed else ""
        _say(
            f"built {len(result.built)} locale(s) into {result.build}/: "
            f"{', '.join(result.built) or 'none'} ({result.rendered} page(s) rendered, "
            f"the rest unchanged){withheld}; {len(result.published)} published"
        )
    return EXIT_OK if result.passed else EXIT_FAILED


def _up_to_date(args: argparse.Namespace, notices: list[str], shown: str) -> int:
    for notice in notices:
        _say(f"notice: {notice}")
    if not args.quiet:
        _say(f"{shown}/ is up to date: nothing changed")
    return EXIT_OK


def _review(args: argparse.Namespace, config: Config) -> int:
    import datetime as dt

    from locpipe import review
    from locpipe.config import normalize_locale
    from locpipe.fsio import project_lock

    locale = normalize_locale(args.locale)
    if args.document is None:
        pending = review.pending_reviews(config, locale)
        for item in pending:
            print(f"{item.location}: {item.document} {item.caveat}: {item.why}")
            print(f"  English:     {item.english}")
            print(f"  translation: {item.translation or '(none)'}")
        print(f"{locale}: {len(pending)} caveat(s) need review")
        return EXIT_OK
    if args.caveat is None or args.reviewer is None or args.back_translation is None:
        raise ConfigError(
            "recording a review needs DOCUMENT CAVEAT --reviewer 'Name <email>' "
            "--back-translation FILE|-"
        )
    if args.back_translation == "-":
        text = sys.stdin.read()
    else:
        text = Path(args.back_translation).read_text(encoding="utf-8")
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError as error:
        raise ConfigError(f"--date {args.date!r} is not a date such as 2026-12-06") from error
    with project_lock(config.root, on_wait=_say_waiting):
        recorded = review.record_review(
            config,
            locale,
            args.document,
            args.caveat,
            reviewer=args.reviewer,
            back_translation=text,
            notes=args.notes,
            date=date,
            signing_key=Path(args.sign_with) if args.sign_with else None,
            check=review.gate_check(config),
        )
    if not args.quiet:
        signed = "signed" if recorded.signature else "unsigned"
        shown = config.relative(config.reviews_path(locale, args.document))
        _say(f"{shown}: recorded the {signed} review of {args.caveat} by {args.reviewer}")
    return EXIT_OK


def _say(line: str) -> None:
    print(line, file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    run()
