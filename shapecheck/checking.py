"""The rule pipeline: analyze one source text, run the post-analysis rules,
apply the configuration and the suppression comments.

``check_source`` is what `shapecheck check`, the language server and the tests
call; it never raises for bad input (a crash inside shapecheck becomes an SC000
diagnostic).
"""
from __future__ import annotations

import io
import re
import tokenize
import traceback
from dataclasses import dataclass, field
from typing import Optional

from .analyzer.report import FileReport
from .config import Config
from .diagnostics import Diagnostic
from .rules import RULES, post_rules, severity_of
from .rules.support.context import RuleContext

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SUPPRESS = re.compile(r"#\s*shapecheck:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


@dataclass
class Suppression:
    line: int
    col: int  # 1-based column of the comment
    end_col: int
    codes: Optional[list[str]]  # None: every code
    used: set = field(default_factory=set)


def find_suppressions(source: str) -> dict[int, Suppression]:
    """Line -> the `# shapecheck: ignore[...]` comment on it (comments only, not strings)."""
    out: dict[int, Suppression] = {}
    if not _SUPPRESS.search(source):
        return out  # tokenizing costs seconds on a huge file; most files have no such comment
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return out
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        m = _SUPPRESS.search(tok.string)
        if not m:
            continue
        codes = None
        if m.group("codes") is not None:
            codes = [c.strip().upper() for c in m.group("codes").split(",") if c.strip()]
        line, col = tok.start
        out[line] = Suppression(line, col + 1 + m.start(), col + 1 + m.end(), codes)
    return out


def _internal_error(where: str, err: BaseException) -> Diagnostic:
    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    at = f" ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return Diagnostic(1, 1, 1, 2, "error", "SC000",
                      f"shapecheck failed in {where}: {type(err).__name__}: {err}{at}",
                      hint="please report this file to the shapecheck maintainers")


def run_rules(report: FileReport, ctx: RuleContext, config: Optional[Config] = None) -> list[Diagnostic]:
    """Diagnostics of every enabled post-analysis rule (pure: the report is not changed)."""
    out: list[Diagnostic] = []
    for rule in post_rules():
        if config is not None and not config.enabled(rule.code):
            continue
        try:
            out.extend(rule.check(report, ctx))
        except Exception as err:  # a broken rule must not hide the others
            out.append(_internal_error(f"rule {rule.code} {rule.name}", err))
    return out


def check_source(
    source: str,
    path: str = "<string>",
    config=None,
    *,
    warn_unused_ignores: bool = False,
) -> FileReport:
    """Analyze and check one file's text; the report's diagnostics are final.

    ``config`` is a ``Config``, the raw ``[tool.shapecheck]`` table as a dict
    (what the language server reads), or None for the defaults."""
    config = as_config(config)
    if path.endswith(".ipynb"):  # notebooks: the same pipeline on the joined code cells
        from .notebook_check import check_notebook

        return check_notebook(source, path, config, warn_unused_ignores=warn_unused_ignores)
    report = analyze_safely(source, path)
    if not report.syntax_error:
        ctx = RuleContext(dict(config.options), source.splitlines())
        report.diagnostics.extend(run_rules(report, ctx, config))
    diags = _dedupe(report.diagnostics)
    kept: list[Diagnostic] = []
    for d in diags:
        if not config.enabled(d.code) and d.code not in ("SC000", "SC001"):
            continue
        d.severity = config.severity_for(d.code, d.severity if d.severity else severity_of(d.code))
        kept.append(d)
    kept = _apply_suppressions(kept, source, config, warn_unused_ignores)
    kept.sort(key=lambda d: (d.cell or 0, d.line, d.col, SEVERITY_ORDER.get(d.severity, 3), d.code))
    report.diagnostics = kept
    return report


def as_config(config) -> Config:
    if config is None:
        return Config()
    if isinstance(config, dict):
        from .config import ConfigError, config_from_table

        try:
            return config_from_table(config)
        except ConfigError:
            return Config()  # the caller reports a bad table; checking goes on with defaults
    return config


def analyze_safely(source: str, path: str) -> FileReport:
    from .analyzer import analyze
    from .analyzer.failures import as_sc000, is_internal_error

    try:
        report = analyze(source, path)
        # The analyzer keeps partial results behind an SC002 info; `check` fails the file (SC000).
        report.diagnostics = [as_sc000(d) if is_internal_error(d) else d for d in report.diagnostics]
        return report
    except RecursionError as err:
        report = FileReport(path=path)
        report.diagnostics.append(_internal_error("the analyzer (recursion too deep)", err))
        return report
    except Exception as err:
        report = FileReport(path=path)
        report.diagnostics.append(_internal_error("the analyzer", err))
        return report


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        key = (d.code, d.line, d.col, d.end_line, d.end_col, d.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    return out


def _apply_suppressions(diags, source, config, warn_unused) -> list[Diagnostic]:
    sups = find_suppressions(source)
    if not sups:
        return diags
    kept = []
    for d in diags:
        s = sups.get(d.line)
        if s is not None and d.code not in ("SC000", "SC001", "SC005") and (s.codes is None or d.code in s.codes):
            s.used.add(d.code)
            continue
        kept.append(d)
    if warn_unused and config.enabled("SC005"):
        severity = config.severity_for("SC005", severity_of("SC005"))
        for s in sups.values():
            if s.codes is None:
                if not s.used:
                    kept.append(Diagnostic(s.line, s.col, s.line, s.end_col, severity, "SC005",
                                           "Unused suppression: no diagnostic on this line to ignore",
                                           hint="remove the comment"))
                continue
            unused = [c for c in s.codes if c not in s.used]
            if unused:
                which = ", ".join(unused)
                unknown = [c for c in unused if c not in RULES]
                msg = f"Unused suppression of {which}: not reported on this line"
                if unknown:
                    msg += f" ({', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a shapecheck code)"
                kept.append(Diagnostic(s.line, s.col, s.line, s.end_col, severity, "SC005", msg,
                                       hint="remove the unused codes from the comment"))
    return kept
