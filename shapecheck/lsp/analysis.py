"""One analysis of one document version, run in a worker thread.

Uses the full check pipeline (analysis, rules, suppressions) when
``shapecheck.checking`` is present, else the analyzer alone.  Never raises:
an internal failure is kept as text so the server can log it and carry on.
"""
from __future__ import annotations

import importlib.util
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..analyzer.report import FileReport
from .conversions import split_lines
from .settings import ProjectConfig, Settings, code_filter


@dataclass
class Analysis:
    uri: str
    version: int
    generation: int  # bumped when settings change, so a re-run of the same version is new
    source: str
    report: FileReport
    elapsed_ms: float
    failure: Optional[str] = None  # traceback text when the analyzer itself failed
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = split_lines(self.source)

    @property
    def good(self) -> bool:
        """Parsed and analyzed: its sites and models can be shown."""
        return self.failure is None and not self.report.syntax_error


_pipeline: Optional[Callable] = None


def _load_pipeline() -> Callable:
    """check_source(source, path, config) when the check pipeline exists, else analyze."""
    global _pipeline
    if _pipeline is None:
        if importlib.util.find_spec("shapecheck.checking") is not None:
            from ..checking import check_source

            _pipeline = lambda source, path, config: check_source(source, path, config)  # noqa: E731
        else:
            from ..analyzer import analyze

            _pipeline = lambda source, path, config: analyze(source, path)  # noqa: E731
    return _pipeline


def warm_up() -> None:
    """Import the analyzer ahead of the first document (runs in the worker)."""
    _load_pipeline()


def run_analysis(
    uri: str, version: int, generation: int, source: str, path: str, settings: Settings, project: ProjectConfig
) -> Analysis:
    start = time.perf_counter()
    failure = None
    try:
        report = _load_pipeline()(source, path, project.table)
    except Exception:  # the analyzer is young: a bug in it must not take the server down
        report = FileReport(path=path)
        failure = traceback.format_exc()
    keep = code_filter(settings, project.table)
    report.diagnostics = [d for d in report.diagnostics if keep(d.code)]
    elapsed = (time.perf_counter() - start) * 1000
    return Analysis(uri, version, generation, source, report, elapsed, failure)
