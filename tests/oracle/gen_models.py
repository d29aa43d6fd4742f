"""Generate the expected JSON of every fixture model with real Keras 3.

    /work/oracle-venv/bin/python tests/oracle/gen_models.py            # everything
    /work/oracle-venv/bin/python tests/oracle/gen_models.py conv2d_basic lstm_text
    /work/oracle-venv/bin/python tests/oracle/gen_models.py --check    # compare, write nothing

Each program runs in its own process (fresh Keras name counters, no state
shared between fixtures) under ``keras_run.py``. Writes, next to each program:
``<name>.json`` (the models, schema of ``shapecheck summary --format json``
without diagnostics) and ``<name>.summary.txt`` (Keras's own ``model.summary()``
text for each model, in the same order). The programs under examples/
(seeds included) go to tests/fixtures/examples/. Exit status 1 if a fixture fails under Keras (or,
with --check, differs from the committed files).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from fixture_json import dumps_report  # noqa: E402
from keras_run import QUIET_ENV  # noqa: E402  (keras_run imports Keras lazily)

MODELS_DIR = ROOT / "tests" / "fixtures" / "models"
EXAMPLES_DIR = ROOT / "tests" / "fixtures" / "examples"
EXAMPLES_SRC = ROOT / "examples"
DEFAULT_PYTHON = os.environ.get("SHAPECHECK_ORACLE_PYTHON", "/work/oracle-venv/bin/python")


def jobs(names: set, models: bool, examples: bool) -> list:
    """(program, output directory, run with the Keras 2 shims)."""
    out = []
    if models:
        programs = sorted(list(MODELS_DIR.glob("*.py")) + list(MODELS_DIR.glob("*.ipynb")))
        out += [(p, MODELS_DIR, False) for p in programs]
    if examples:
        programs = sorted(EXAMPLES_SRC.rglob("*.py"))
        stems = [p.stem for p in programs]
        assert len(set(stems)) == len(stems), "two examples share a file name; their expected files would collide"
        out += [(p, EXAMPLES_DIR, True) for p in programs]
    if names:
        out = [j for j in out if j[0].stem in names]
    return out


def _notebook_script(program: Path, tmp: str) -> tuple:
    """A notebook runs as its code cells joined into one script (magics
    blanked, as shapecheck reads it); the line map takes lines back to cells."""
    sys.path.insert(0, str(ROOT))
    from shapecheck.notebook import join_code_cells, load_notebook

    joined = join_code_cells(load_notebook(program.read_text(encoding="utf-8")))
    script = Path(tmp) / (program.stem + ".py")
    script.write_text(joined.text, encoding="utf-8")
    return script, joined.line_map


def _to_cells(result: dict, line_map: list) -> dict:
    """Joined-script lines -> (cell, line in cell), the way `shapecheck
    summary` reports a notebook's models and layers."""
    def remap(obj):
        line = obj.get("line")
        if isinstance(line, int) and 1 <= line <= len(line_map):
            obj["cell"], obj["line"] = line_map[line - 1]

    for model in result["models"]:
        remap(model)
        for layer in model["layers"]:
            remap(layer)
    return result


def run_one(python: str, program: Path, keras2_shims: bool, timeout: float) -> tuple:
    env = dict(os.environ, **QUIET_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        line_map = None
        script = program
        if program.suffix == ".ipynb":
            script, line_map = _notebook_script(program, tmp)
        cmd = [python, str(HERE / "keras_run.py"), str(script), str(out)]
        if keras2_shims:
            cmd.append("--keras2-shims")
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:.0f} s", time.monotonic() - start
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
            return None, tail, elapsed
        result = json.loads(out.read_text())
        return (_to_cells(result, line_map) if line_map is not None else result), "", elapsed


def expected_texts(program: Path, result: dict) -> tuple:
    rel = program.relative_to(ROOT).as_posix()
    json_text = dumps_report([{"path": rel, "models": result["models"]}])
    summary = "".join(result["summaries"])
    return json_text, summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="fixture names (file stems) to regenerate; default all")
    ap.add_argument("--python", default=DEFAULT_PYTHON, help="interpreter with Keras 3 + TensorFlow")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    ap.add_argument("--models-only", action="store_true")
    ap.add_argument("--examples-only", action="store_true")
    args = ap.parse_args(argv)

    todo = jobs(set(args.names), not args.examples_only, not args.models_only)
    if not todo:
        print("no fixtures matched", file=sys.stderr)
        return 2
    EXAMPLES_DIR.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    def work(job):
        program, _, keras2_shims = job
        return run_one(args.python, program, keras2_shims, args.timeout)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(work, todo))

    status = 0
    n_models = 0
    times = []
    for (program, out_dir, _), (result, err, elapsed) in zip(todo, results):
        rel = program.relative_to(ROOT).as_posix()
        times.append(elapsed)
        if result is None:
            # A seed example Keras 3 cannot run (e.g. it relies on an undefined
            # name) has no expected JSON; a fixture that fails is a bug.
            print(f"FAIL {rel} ({elapsed:.1f} s)\n  " + err.replace("\n", "\n  "))
            if out_dir == MODELS_DIR:
                status = 1
            continue
        n_models += len(result["models"])
        json_text, summary = expected_texts(program, result)
        json_path = out_dir / f"{program.stem}.json"
        summary_path = out_dir / f"{program.stem}.summary.txt"
        if args.check:
            same = json_path.exists() and json_path.read_text() == json_text
            same = same and summary_path.exists() and summary_path.read_text() == summary
            print(f"{'ok  ' if same else 'DIFF'} {rel}")
            status |= 0 if same else 1
        else:
            json_path.write_text(json_text)
            summary_path.write_text(summary)
            print(f"wrote {json_path.relative_to(ROOT)} ({len(result['models'])} models, {elapsed:.1f} s)")
    total = time.monotonic() - start
    print(f"{len(todo)} programs, {n_models} models, {total:.1f} s wall "
          f"(per program: median {sorted(times)[len(times) // 2]:.1f} s, max {max(times):.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
