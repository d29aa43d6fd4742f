"""`shapecheck check [PATHS]`: diagnostics for Python files and notebooks.

Exit status: 0 no errors, 1 errors found (or warnings with --strict),
2 a file could not be checked (missing, unreadable, syntax error, internal
failure) or the command line / configuration is wrong.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Optional

from ..formats import FORMATS

# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 8


@dataclass
class FileResult:
    path: str
    diagnostics: list = field(default_factory=list)
    models: list = field(default_factory=list)  # ModelReport.to_json() dicts
    source: Optional[str] = None
    problem: Optional[str] = None  # why the file could not be checked (exit 2)


def add_arguments(parser):
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--select", metavar="CODES", help="comma-separated code prefixes to report (e.g. SC1,SC201)")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated code prefixes to leave out")
    parser.add_argument("--exclude", metavar="PATTERN", action="append", default=[],
                        help=".gitignore-style pattern of files to skip (repeatable)")
    parser.add_argument("--statistics", action="store_true", help="print counts per code instead of each diagnostic")
    parser.add_argument("--strict", action="store_true", help="warnings also make the exit status 1")
    parser.add_argument("--warn-unused-ignores", action="store_true",
                        help="report `# shapecheck: ignore` comments that suppress nothing (SC005)")
    parser.add_argument("--no-source", action="store_true", help="text format: leave out the source line and caret")
    parser.add_argument("--config", metavar="PYPROJECT", help="read [tool.shapecheck] from this file")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="worker processes (default: one per CPU; 1 = serial)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")


def check_file(path: str, config, warn_unused: bool) -> FileResult:
    """Read and check one file (runs in worker processes)."""
    from ..checking import check_source
    from ..commands.files import read_source

    src = read_source(path)
    if src.error:
        return FileResult(path, problem=src.error)
    report = check_source(src.text, path, config, warn_unused_ignores=warn_unused)
    result = FileResult(path, report.diagnostics, [m.to_json() for m in report.models], src.text)
    if report.syntax_error or any(d.code in ("SC000", "SC001", "SC004") for d in report.diagnostics):
        first = next((d for d in report.diagnostics if d.code in ("SC000", "SC001", "SC004")), None)
        cell = f"cell {first.cell}:" if first is not None and first.cell is not None else ""
        result.problem = f"{path}:{cell}{first.line}:{first.col}: {first.message}" if first else f"{path}: cannot be checked"
    return result


def _check_many(paths: list[str], config, warn_unused: bool, jobs: int) -> list[FileResult]:
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    jobs = min(jobs, max(1, len(paths) // 4))
    if jobs <= 1 or len(paths) < PARALLEL_MIN_FILES:
        return [check_file(p, config, warn_unused) for p in paths]
    import multiprocessing

    from .. import checking  # noqa: F401  (imported once here, inherited by forked workers)

    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    chunk = max(1, len(paths) // (jobs * 4))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            return list(pool.map(check_file, paths, [config] * len(paths), [warn_unused] * len(paths),
                                 chunksize=chunk))
    except (OSError, RuntimeError) as err:  # no processes available: do it here
        print(f"shapecheck: running serially ({type(err).__name__}: {err})", file=sys.stderr)
        return [check_file(p, config, warn_unused) for p in paths]


def run(args) -> int:
    from ..config import ConfigError, load_config, parse_code_list
    from ..discovery import compile_pattern, discover
    from ..formats import get_renderer

    paths = args.paths or ["."]
    try:
        config = load_config(paths, explicit=args.config)
        if args.select:
            config.select = parse_code_list(args.select, "select")
        if args.ignore:
            config.ignore = parse_code_list(args.ignore, "ignore")
    except ConfigError as err:
        print(f"shapecheck: {err}", file=sys.stderr)
        return 2
    if args.jobs < 0:
        print("shapecheck: --jobs must be 0 or more", file=sys.stderr)
        return 2
    base = config.root or os.getcwd()
    patterns = [p for p in (compile_pattern(x, base) for x in config.exclude) if p]
    patterns += [p for p in (compile_pattern(x, os.getcwd()) for x in args.exclude) if p]

    status = 0
    files = []
    for found in discover(paths, patterns):
        if found.problem:
            print(f"shapecheck: {found.problem}", file=sys.stderr)
            status = 2
        else:
            files.append(found.path)
    results = _check_many(files, config, args.warn_unused_ignores, args.jobs)
    for r in results:
        if r.problem:
            print(f"shapecheck: {r.problem}", file=sys.stderr)
            status = 2
    checked = [r for r in results if r.source is not None]

    text = get_renderer(args.format)(checked, args)
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
    except OSError as err:
        print(f"shapecheck: cannot write {args.output}: {err.strerror or err}", file=sys.stderr)
        return 2
    if status:
        return status
    failing = {"error", "warning"} if args.strict else {"error"}
    if any(d.severity in failing for r in checked for d in r.diagnostics):
        return 1
    return 0
