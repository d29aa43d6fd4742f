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
    """check_source (analysis, rules, config, suppressions) when the check pipeline
    exists, else the analyzer alone; both take (source, path, project)."""
    global _pipeline
    if _pipeline is None:
        if importlib.util.find_spec("shapecheck.checking") is not None:
            from ..checking import check_source

            def pipeline(source: str, path: str, project: ProjectConfig) -> FileReport:
                return check_source(source, path, project_config(project))

            _pipeline = pipeline
        else:
            from ..analyzer import analyze

            _pipeline = lambda source, path, project: analyze(source, path)  # noqa: E731
    return _pipeline


def project_config(project: ProjectConfig):
    """The check pipeline's Config for a ``[tool.shapecheck]`` table (defaults when it is invalid:
    the server has already logged why)."""
    from ..config import Config, ConfigError, config_from_table

    if not project.table:
        return Config()
    try:
        return config_from_table(project.table, project.path or "pyproject.toml")
    except ConfigError:
        return Config()


def project_problem(project: ProjectConfig) -> Optional[str]:
    """Why a ``[tool.shapecheck]`` table cannot be used, or None."""
    if project.error:
        return project.error
    if not project.table or importlib.util.find_spec("shapecheck.config") is None:
        return None
    from ..config import ConfigError, config_from_table

    try:
        config_from_table(project.table, project.path or "pyproject.toml")
    except ConfigError as err:
        return str(err)
    return None


def warm_up() -> None:
    """Import the analyzer ahead of the first document (runs in the worker)."""
    _load_pipeline()


def run_analysis(
    uri: str, version: int, generation: int, source: str, path: str, settings: Settings, project: ProjectConfig
) -> Analysis:
    start = time.perf_counter()
    failure = None
    try:
        report = _load_pipeline()(source, path, project)
    except Exception:  # a bug in shapecheck must not take the server down
        report = FileReport(path=path)
        failure = traceback.format_exc()
    keep = code_filter(settings)
    report.diagnostics = [d for d in report.diagnostics if keep(d.code)]
    elapsed = (time.perf_counter() - start) * 1000
    return Analysis(uri, version, generation, source, report, elapsed, failure)
