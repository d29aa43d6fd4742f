"""Run `shapecheck summary` and `shapecheck check` over a corpus of Keras programs nobody here wrote.

    python benchmarks/corpus_sweep.py DIR [--timeout 60] [--out sweep.json] [--jobs 1]

Each file gets its own process (CPU-time limited) that runs summary as text, summary as
JSON and check as JSON, so a crash or a hang in one file cannot hide the others. Printed (and written to --out): per file the
exit codes, tracebacks, timeouts, models found, layers whose output shape holds an
unknown dimension, and every error-severity diagnostic; then the totals. The corpus is
correct published code, so an error diagnostic there is most likely a false positive.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _limit_cpu(seconds: float):
    # CPU time, not wall time, is what is limited: on a shared machine a paused or starved
    # process must not count as a timeout.
    def apply() -> None:
        os.nice(19)
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 5))
    return apply


def _one_file(path: str) -> None:
    """In the child: the three commands in one process (the import is paid once); each
    command's exit code, output and any traceback as one JSON line on the real stdout."""
    import contextlib
    import io
    import traceback

    from shapecheck.cli import main as cli_main

    results = {}
    for key, argv in (("summary_text", ["summary", path]),
                      ("summary_json", ["summary", "--format", "json", path]),
                      ("check", ["check", "--format", "json", path])):
        out, err = io.StringIO(), io.StringIO()
        start = time.process_time()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = cli_main(argv)
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 2
        except Exception:
            rc = "traceback"
            err.write(traceback.format_exc())
        results[key] = {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue(),
                        "cpu_seconds": round(time.process_time() - start, 2)}
        sys.__stdout__.write(json.dumps({key: results[key]}) + "\n")
        sys.__stdout__.flush()


def _unknown(shape) -> bool:
    """True when a shape (or list of shapes) holds a dimension the analyzer could not know."""
    if shape is None:
        return True
    if isinstance(shape, list) and shape and isinstance(shape[0], list):
        return any(_unknown(s) for s in shape)
    return any(isinstance(d, str) for d in shape)


def sweep_file(path: Path, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    try:
        done = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True,
                              timeout=timeout * 50, env=env, cwd=REPO, preexec_fn=_limit_cpu(timeout))
        lines, killed = done.stdout, done.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
    except subprocess.TimeoutExpired as exc:
        lines, killed = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), True
    got = {}
    for line in lines.splitlines():
        try:
            got.update(json.loads(line))
        except json.JSONDecodeError:
            pass
    row: dict = {"path": str(path)}
    for key in ("summary_text", "summary_json", "check"):
        r = got.get(key)
        if r is None:  # the child died (time limit) before this command finished
            row[key] = {"rc": None, "traceback": False, "timeout": killed}
            continue
        tb = r["rc"] == "traceback" or "Traceback" in r["stderr"]
        row[key] = {"rc": r["rc"], "cpu_seconds": r["cpu_seconds"], "traceback": tb,
                    "stderr_tail": r["stderr"][-1500:] if tb else ""}
    models = []
    out = got.get("summary_json", {}).get("stdout", "")
    if out.strip():
        try:
            for f in json.loads(out).get("files", []):
                for m in f.get("models", []):
                    layers = m.get("layers", [])
                    models.append({"name": m.get("name"), "line": m.get("line"), "kind": m.get("kind"),
                                   "layers": len(layers),
                                   "unknown_layers": sum(_unknown(l.get("output_shape")) for l in layers),
                                   "total_params": m.get("total_params")})
        except json.JSONDecodeError:
            row["summary_json"]["bad_json"] = True
    row["models"] = models
    errors, warnings = [], 0
    out = got.get("check", {}).get("stdout", "")
    if out.strip():
        try:
            for f in json.loads(out).get("files", []):
                for d in f.get("diagnostics", []):
                    if d.get("severity") == "error":
                        errors.append({"line": d.get("line"), "code": d.get("code"),
                                       "message": d.get("message", "")[:300]})
                    else:
                        warnings += 1
        except json.JSONDecodeError:
            row["check"]["bad_json"] = True
    row["errors"] = errors
    row["warnings"] = warnings
    return row


def totals(rows: list[dict]) -> dict:
    runs = [r[k] for r in rows for k in ("summary_text", "summary_json", "check")]
    return {
        "files": len(rows),
        "files_with_traceback": sum(any(r[k]["traceback"] for k in ("summary_text", "summary_json", "check"))
                                    for r in rows),
        "timeouts": sum(bool(run.get("timeout")) for run in runs),
        "files_with_models": sum(bool(r["models"]) for r in rows),
        "models": sum(len(r["models"]) for r in rows),
        "layers": sum(m["layers"] for r in rows for m in r["models"]),
        "unknown_layers": sum(m["unknown_layers"] for r in rows for m in r["models"]),
        "models_with_unknown_total": sum(m["total_params"] is None for r in rows for m in r["models"]),
        "error_diagnostics": sum(len(r["errors"]) for r in rows),
        "files_with_errors": sum(bool(r["errors"]) for r in rows),
        "warnings": sum(r["warnings"] for r in rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0, help="CPU seconds per command")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        _one_file(str(args.root))
        return 0
    files = sorted(p for p in args.root.rglob("*") if p.suffix in (".py", ".ipynb"))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda p: sweep_file(p, args.timeout), files))
    result = {"totals": totals(rows), "files": rows}
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result["totals"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
