"""The gate's report in the formats CI reads: text (``path:line: error: ...`` lines and a
verdict per locale), JSON, JUnit XML, and GitHub Actions workflow commands."""

from __future__ import annotations

import html
import json

from locpipe.errors import LocpipeError
from locpipe.gate import (
    NOT_A_CAVEAT,
    UNTRUSTED_CODES,
    UNTRUSTED_MARKUP,
    Finding,
    Report,
    untrusted_findings,
)

FORMATS = ("text", "json", "junit", "github")


def format_report(report: Report, style: str) -> str:
    if style == "json":
        return (
            json.dumps(
                {
                    "passed": report.passed,
                    "locales": {
                        locale: {
                            "passed": locale not in report.failing_locales(),
                            "caveats": caveats,
                            UNTRUSTED_MARKUP: {
                                "passed": not untrusted_findings(report.findings, locale)
                            },
                        }
                        for locale, caveats in report.checked.items()
                    },
                    "findings": [
                        {
                            "code": f.code,
                            "locale": f.locale,
                            "caveat": f.caveat,
                            "check": UNTRUSTED_MARKUP if f.code in UNTRUSTED_CODES else "caveat",
                            "path": f.path,
                            "line": f.line,
                            "message": f.message,
                        }
                        for f in report.findings
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    if style == "junit":
        return _junit(report)
    if style == "github":
        return "".join(
            f"::error file={_github_property(f.path)},line={f.line},"
            f"title={_github_property(f'{f.code} {f.locale} {f.caveat}')}::"
            f"{_github_escape(f.message)}\n"
            for f in report.findings
        )
    lines = [str(finding) for finding in report.findings]
    for locale, caveats in report.checked.items():
        failed = sorted(
            {f.caveat for f in report.findings if f.locale == locale and f.caveat != NOT_A_CAVEAT}
        )
        entries = len({(f.path, f.line) for f in untrusted_findings(report.findings, locale)})
        problems = []
        if failed:
            problems.append(f"{len(failed)} of {len(caveats)} caveat(s): {', '.join(failed)}")
        if entries:
            problems.append(f"untrusted markup in {entries} translation(s)")
        if problems:
            lines.append(f"{locale}: FAILED: " + "; ".join(problems))
        else:
            lines.append(f"{locale}: ok: all {len(caveats)} caveat(s) pass")
    if not report.checked:
        lines.append("no target locales to check")
    return "".join(line + "\n" for line in lines)


def format_error(error: LocpipeError, style: str) -> str:
    """The report of a run that stopped on ``error`` (exit 2: a broken catalog, source, registry
    or configuration), in ``style``, so that CI keeps a report that says why. Text reports
    nothing on stdout: the error line is on stderr."""
    if style == "json":
        found = {"path": error.path, "line": error.line, "message": error.message}
        return json.dumps({"passed": False, "error": found}, indent=2, ensure_ascii=False) + "\n"
    if style == "junit":
        message = _xml_attribute(error.message)
        body = html.escape(str(error), quote=False)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<testsuites tests="1" failures="0" errors="1">\n'
            '  <testsuite name="locpipe caveats" tests="1" failures="0" errors="1">\n'
            '    <testcase classname="locpipe" name="the gate could run">\n'
            f'      <error message={message} type="error">{body}</error>\n'
            "    </testcase>\n  </testsuite>\n</testsuites>\n"
        )
    if style == "github":
        properties = [] if error.path is None else [f"file={_github_property(error.path)}"]
        properties += [] if error.line is None else [f"line={error.line}"]
        where = " " + ",".join(properties) if properties else ""
        return f"::error{where}::{_github_escape(error.message)}\n"
    return ""


def _xml_attribute(text: str) -> str:
    """``text`` as an XML attribute value, quotes included. Imported here: xml.sax.saxutils
    imports urllib.request (http.client, ssl, email), 12 ms that only a JUnit report needs."""
    from xml.sax.saxutils import quoteattr

    return quoteattr(text)


def _github_property(text: str) -> str:
    """``text`` as a workflow command property value (its own escapes, and a comma's)."""
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _junit(report: Report) -> str:
    """One test case per (locale, caveat), and one per locale whose translations carry
    untrusted markup: a caveat entry with untrusted markup fails both."""
    cases = []
    failures = 0

    def case(classname: str, name: str, found: list[Finding]) -> None:
        nonlocal failures
        name = _xml_attribute(name)
        if not found:
            cases.append(f'    <testcase classname="{classname}" name={name}/>\n')
            return
        failures += 1
        body = html.escape("\n".join(str(f) for f in found), quote=False)
        message = _xml_attribute(found[0].message)
        cases.append(
            f'    <testcase classname="{classname}" name={name}>\n'
            f'      <failure message={message} type="{found[0].code}">{body}</failure>\n'
            "    </testcase>\n"
        )

    for locale, caveats in report.checked.items():
        for caveat in caveats:
            found = [f for f in report.findings if f.locale == locale and f.caveat == caveat]
            case(f"locpipe.caveats.{locale}", f"{locale} {caveat}", found)
        # One more case per locale: no translation smuggles in markup (C012-C015).
        case(
            f"locpipe.untrusted.{locale}",
            f"{locale} {UNTRUSTED_MARKUP}",
            untrusted_findings(report.findings, locale),
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites tests="{len(cases)}" failures="{failures}">\n'
        f'  <testsuite name="locpipe caveats" tests="{len(cases)}" failures="{failures}">\n'
        + "".join(cases)
        + "  </testsuite>\n</testsuites>\n"
    )
