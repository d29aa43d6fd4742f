"""The large-corpus sweep: `shapecheck check`'s per-file pipeline over every .py
file of numpy, libcst, pygls, numba and the standard library.

A file fails the sweep when an exception escapes the pipeline or the report
carries an internal error (SC000, or the analyzer's SC002 "internal error").
`python -m tests.robustness.corpus [N]` runs the sweep (all files, or a sample
of N) and prints the failures with tracebacks and the slowest files.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import sysconfig
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("numpy", "libcst", "pygls", "numba")
DEFAULT_SAMPLE = 1500


def corpus_roots() -> dict[str, Path]:
    roots = {}
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            roots[name] = Path(list(spec.submodule_search_locations)[0])
    roots["stdlib"] = Path(sysconfig.get_paths()["stdlib"])
    return roots


def corpus_files() -> list[tuple[str, Path]]:
    """(label, path) for every .py file, sorted; the stdlib without its site-packages."""
    out = []
    for label, root in corpus_roots().items():
        for dirpath, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
            for f in sorted(files):
                if f.endswith(".py"):
                    path = Path(dirpath) / f
                    out.append((f"{label}/{path.relative_to(root)}", path))
    return out


def sample(files: list, n: int) -> list:
    """A deterministic sample: the n files whose names hash lowest (same on every machine)."""
    if n >= len(files):
        return list(files)
    return sorted(files, key=lambda lp: hashlib.sha1(lp[0].encode()).hexdigest())[:n]


@dataclass
class Failure:
    label: str
    what: str  # the diagnostic or the exception
    trace: str = ""


@dataclass
class SweepResult:
    files: int = 0
    lines: int = 0
    unreadable: int = 0
    syntax_errors: int = 0
    stopped: int = 0  # files where a bound stopped the analysis (SC002, not internal)
    models: int = 0
    cpu_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)


def sweep(files: list[tuple[str, Path]], progress=None) -> SweepResult:
    from shapecheck.analyzer.failures import is_internal_error
    from shapecheck.commands.check import check_file
    from shapecheck.commands.files import read_source
    from shapecheck.config import Config

    from .support import explain

    config = Config()
    result = SweepResult()
    times = []
    for label, path in files:
        result.files += 1
        t0 = time.process_time()
        try:
            got = check_file(str(path), config, False)
        except BaseException as err:  # noqa: BLE001 - exactly what the sweep looks for
            if isinstance(err, KeyboardInterrupt):
                raise
            result.failures.append(Failure(label, f"{type(err).__name__}: {err}", traceback.format_exc()))
            continue
        finally:
            spent = time.process_time() - t0
            result.cpu_s += spent
            times.append((spent, label))
            if progress is not None:
                progress(f"{result.files} {spent:.3f} {label}")
        if got.source is None and got.problem:
            result.unreadable += 1
            continue
        result.lines += got.source.count("\n")
        result.models += len(got.models)
        if any(d.code == "SC001" for d in got.diagnostics):
            result.syntax_errors += 1
        if any(d.code == "SC002" and not is_internal_error(d) for d in got.diagnostics):
            result.stopped += 1
        for d in got.diagnostics:
            if is_internal_error(d):
                text = read_source(str(path)).text or ""
                result.failures.append(Failure(label, f"{d.code} line {d.line}: {d.message}", explain(text, str(path))))
    result.slowest = sorted(times, reverse=True)[:10]
    return result


def _sweep_part(files):
    return sweep(files)


def sweep_parallel(files: list[tuple[str, Path]], jobs: int = 2) -> SweepResult:
    """The sweep on `jobs` processes (the machine has 2 cores); results merged.
    They come from a fork server, not from this process: a test run that used
    the runtime before has OpenMP's threads here, and a child forked from a
    threaded process can hang on a lock one of them held."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "fork"
    if jobs <= 1 or len(files) < 50 or method not in methods:
        return sweep(files)
    parts = [files[i::jobs * 4] for i in range(jobs * 4)]  # interleaved: big files spread out
    with multiprocessing.get_context(method).Pool(jobs) as pool:
        results = pool.map(_sweep_part, parts)
    total = SweepResult()
    for r in results:
        for name in ("files", "lines", "unreadable", "syntax_errors", "stopped", "models", "cpu_s"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.failures.extend(r.failures)
        total.slowest.extend(r.slowest)
    total.slowest = sorted(total.slowest, reverse=True)[:10]
    return total


def describe(result: SweepResult) -> str:
    lines = [
        f"{result.files} files, {result.lines:,} lines, {result.cpu_s:.1f} CPU s "
        f"({1000 * result.cpu_s / max(1, result.files):.0f} ms/file); {result.models} models; "
        f"{result.syntax_errors} syntax errors, {result.unreadable} unreadable, {result.stopped} stopped at a bound; "
        f"{len(result.failures)} internal errors",
        "slowest: " + ", ".join(f"{label} {s:.2f}s" for s, label in result.slowest[:5]),
    ]
    for f in result.failures:
        lines.append(f"--- {f.label}: {f.what}\n{f.trace}")
    return "\n".join(lines)


if __name__ == "__main__":
    files = corpus_files()
    if len(sys.argv) > 1:
        files = sample(files, int(sys.argv[1]))
    log = os.environ.get("SWEEP_LOG")
    out = open(log, "w", buffering=1) if log else None
    print(describe(sweep(files, (lambda line: print(line, file=out)) if out else None)))
