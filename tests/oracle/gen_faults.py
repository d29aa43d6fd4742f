"""Run the fault corpus under real Keras 3 and record what it does.

Usage (from the repository root; needs the oracle venv with Keras 3 + TensorFlow):

    /work/oracle-venv/bin/python tests/oracle/gen_faults.py [--jobs N] [--force] [NAME ...]

Three fixture sets, each with an ``oracle.json`` written beside its programs:

- ``tests/fixtures/faults/*.py``: programs that must raise. We record the
  exception type, the first line and the full text of its message, and the
  line of the statement in the fixture where it was raised (the innermost
  traceback frame inside the fixture file) with that statement's line span.
- ``tests/fixtures/faults/valid/*.py``: traps that look wrong but Keras 3
  accepts. They must run to the end without an exception.
- ``tests/fixtures/silent/*.py``: design faults Keras 3 runs silently. They
  must run without an exception; each names its code and line in a header
  ``# expect: SC5xx line N``. We keep the tail of their stdout, which is where
  a fixture prints the values that prove the fault (e.g. the late-bound
  Lambda copies all returning the same row).

Each program runs in its own subprocess (a fresh Keras: layer name counters,
the global policy and the backend session never leak between programs), with
the working directory set to a scratch folder so nothing is written into the
repository. Records carry the sha256 of the program text; a program whose text
did not change is not run again unless ``--force`` is given. The test suite
(tests/test_fixture_faults.py) checks the hashes, so an edited fixture without
a fresh oracle run fails there.

A fixture may also be a Jupyter notebook (``*.ipynb``): its code cells are
joined top to bottom into one program (the way a Run All sees them, and the
way ``shapecheck check`` analyzes a notebook) and that program runs; the
recorded lines are lines of the joined program, and ``cell``/``cell_line``
say where the raising line sits in the notebook. Its headers (``# category:``)
sit in the first cell, markdown or code.

A fault program that does not raise, or a valid/silent program that does,
is reported and makes this script exit 1: move it to the other set.
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAULTS = ROOT / "tests" / "fixtures" / "faults"
VALID = FAULTS / "valid"
SILENT = ROOT / "tests" / "fixtures" / "silent"
SETS = {"faults": FAULTS, "valid": VALID, "silent": SILENT}
ORACLE_FILE = "oracle.json"
PER_PROGRAM_TIMEOUT_S = 240
STDOUT_TAIL_CHARS = 2000
MARKER = "@@SHAPECHECK-ORACLE@@"

# Runs inside the oracle interpreter, one program per process. It prints one
# marker line with a JSON result; everything else on stdout is the program's.
RUNNER = r'''
import io, json, os, runpy, sys, traceback, contextlib
path = os.path.abspath(sys.argv[1])
marker = sys.argv[2]
sys.argv = [path]  # the program's own command line: no options (argparse sees its defaults)
captured = io.StringIO()
result = {"raised": False}
try:
    with contextlib.redirect_stdout(captured):
        runpy.run_path(path, run_name="__main__")
except BaseException as exc:  # SystemExit too: a program must not exit on its own
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    message = str(exc)
    lines = [l for l in message.splitlines() if l.strip()]
    result = {
        "raised": True,
        "exception": type(exc).__name__,
        "exception_module": type(exc).__module__,
        "first_line": lines[0].strip() if lines else "",
        "message": message,
        "line": line,
        "traceback_tail": "".join(traceback.format_exception(exc)[-3:])[-1500:],
    }
import keras
result["keras_version"] = keras.__version__
result["backend"] = keras.backend.backend()
result["stdout"] = captured.getvalue()
sys.__stdout__.write("\n" + marker + json.dumps(result) + "\n")
sys.__stdout__.flush()
'''

# Keras/TF print colour codes into some messages; keep the JSON readable.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXPECT = re.compile(r"#\s*expect:\s*(SC\d{3})\s+line\s+(\d+)")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def statement_span(source: str, line: int) -> tuple[int, int]:
    """The line span of the innermost statement that holds `line`."""
    best = (line, line)
    best_size = None
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt):
            continue
        start, end = node.lineno, node.end_lineno or node.lineno
        if start <= line <= end and (best_size is None or end - start <= best_size):
            # A compound statement (def/for/with) holds its body; prefer the
            # smallest span so the record names the failing simple statement.
            best, best_size = (start, end), end - start
    return best


def reason_of(message: str) -> str:
    """The line of a Keras message that says what is wrong.

    Errors raised inside a layer's call come wrapped: "Exception encountered
    when calling X.call()." then a blank line, then the cause.
    """
    lines = [l.strip() for l in message.splitlines() if l.strip()]
    if len(lines) > 1 and lines[0].startswith("Exception encountered when calling"):
        return lines[1]
    if len(lines) > 1 and lines[0].startswith("Graph execution error"):
        # TensorFlow runtime errors: the cause is the last line before the
        # "[[{{node ...}}]]" trailer, after the stack of Python frames.
        causes = [l for l in lines[1:] if not l.startswith(("[[", "File ", "Detected at node"))]
        if causes:
            return causes[-1]
    return lines[0] if lines else ""


def header_value(source: str, key: str) -> str | None:
    for text in source.splitlines()[:8]:
        m = re.match(rf"#\s*{key}:\s*(.+)", text.strip())
        if m:
            return m.group(1).strip()
    return None


PROGRAM_SUFFIXES = (".py", ".ipynb")


def programs_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in PROGRAM_SUFFIXES and p.is_file())


def notebook_cells(text: str) -> list[tuple[str, str]]:
    """(cell_type, source) of each cell, source as one string."""
    nb = json.loads(text)
    out = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        out.append((cell.get("cell_type", ""), "".join(src) if isinstance(src, list) else src))
    return out


def joined_program(text: str) -> tuple[str, list[tuple[int, int]]]:
    """A notebook's code cells as one program, and (cell, line in cell) for each
    of its lines; cells are numbered from 1 over all cells, as shapecheck does."""
    lines, where = [], []
    for index, (kind, src) in enumerate(notebook_cells(text), start=1):
        if kind != "code":
            continue
        for k, line in enumerate(src.split("\n"), start=1):
            lines.append(line)
            where.append((index, k))
    return "\n".join(lines) + "\n", where


def program_text(path: Path, source: str) -> str:
    return joined_program(source)[0] if path.suffix == ".ipynb" else source


def header_source(path: Path, source: str) -> str:
    if path.suffix == ".ipynb":
        cells = notebook_cells(source)
        return "\n".join("# " + l if kind == "markdown" and not l.startswith("#") else l
                         for kind, src in cells[:1] for l in src.split("\n"))
    return source


def run_program(path: Path, python: str) -> dict:
    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="3",
        CUDA_VISIBLE_DEVICES="",
        KERAS_BACKEND="tensorflow",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        TF_NUM_INTRAOP_THREADS="1",
        TF_NUM_INTEROP_THREADS="1",
        PYTHONHASHSEED="0",
    )
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="faults-oracle-") as scratch:
        if path.suffix == ".ipynb":
            # Run the joined code cells; tracebacks then name the joined file.
            program = Path(scratch) / (path.stem + "_cells.py")
            program.write_text(program_text(path, path.read_text()))
            path = program
        proc = subprocess.run(
            [python, "-c", RUNNER, str(path), MARKER],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=PER_PROGRAM_TIMEOUT_S,
        )
    seconds = round(time.monotonic() - started, 2)
    found = [l for l in proc.stdout.splitlines() if l.startswith(MARKER)]
    if not found:
        return {"oracle_error": f"no result (rc={proc.returncode}): {proc.stderr[-1500:]}", "seconds": seconds}
    result = json.loads(found[-1][len(MARKER):])
    result["seconds"] = seconds
    return result


def make_record(kind: str, path: Path, source: str, raw: dict) -> dict:
    rec: dict = {"sha256": sha256(source), "seconds": raw.get("seconds")}
    if "oracle_error" in raw:
        rec["oracle_error"] = raw["oracle_error"]
        return rec
    rec["keras_version"] = raw["keras_version"]
    rec["backend"] = raw["backend"]
    rec["raised"] = raw["raised"]
    if raw["raised"]:
        message = ANSI.sub("", raw["message"])
        rec.update(
            exception=raw["exception"],
            exception_module=raw["exception_module"],
            first_line=ANSI.sub("", raw["first_line"]),
            reason=reason_of(message),
            message=message,
            line=raw["line"],
            traceback_tail=ANSI.sub("", raw["traceback_tail"]),
        )
        if raw["line"] is not None:
            start, end = statement_span(program_text(path, source), raw["line"])
            rec["statement_start"], rec["statement_end"] = start, end
            if path.suffix == ".ipynb":
                where = joined_program(source)[1]
                rec["cell"], rec["cell_line"] = where[raw["line"] - 1]
    category = header_value(header_source(path, source), "category")
    if category:
        rec["category"] = category
    if kind == "silent":
        m = EXPECT.search(header_source(path, source))
        if m:
            rec["expect_code"], rec["expect_line"] = m.group(1), int(m.group(2))
    if kind != "faults":
        rec["stdout_tail"] = ANSI.sub("", raw["stdout"])[-STDOUT_TAIL_CHARS:]
    return rec


def problems_with(kind: str, name: str, rec: dict) -> list[str]:
    if "oracle_error" in rec:
        return [f"{kind}/{name}: the oracle could not run it: {rec['oracle_error']}"]
    out = []
    if kind == "faults":
        if not rec["raised"]:
            out.append(f"faults/{name}: Keras 3 runs it without an exception: move it to valid/ (or silent/)")
        elif rec.get("line") is None:
            out.append(f"faults/{name}: raised {rec['exception']} outside the fixture's own lines")
    else:
        if rec["raised"]:
            out.append(f"{kind}/{name}: Keras 3 raises {rec['exception']}: {rec['first_line']} (line {rec.get('line')})")
        if "category" not in rec and kind == "valid":
            out.append(f"valid/{name}: missing '# category:' header")
    if kind == "faults" and "category" not in rec:
        out.append(f"faults/{name}: missing '# category:' header")
    if kind == "silent" and "expect_code" not in rec:
        out.append(f"silent/{name}: missing '# expect: SC5xx line N' header")
    return out


def load_oracle(folder: Path) -> dict:
    file = folder / ORACLE_FILE
    if file.exists():
        return json.loads(file.read_text())
    return {"fixtures": {}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="fixture file names (e.g. conv2d_on_rank3.py) to run; default all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="run programs whose text did not change")
    parser.add_argument("--python", default=sys.executable, help="the interpreter with real Keras 3")
    parser.add_argument("--rederive", action="store_true",
                        help="recompute the fields derived from stored results (reason, statement span, headers) "
                             "without running Keras; for programs whose text did not change")
    args = parser.parse_args(argv)

    todo = []  # (kind, path, source)
    oracles = {}
    for kind, folder in SETS.items():
        oracle = load_oracle(folder)
        present = {p.name for p in programs_in(folder)}
        # Forget records of programs that were deleted or moved to another set.
        oracle["fixtures"] = {n: r for n, r in oracle["fixtures"].items() if n in present}
        oracles[kind] = oracle
        for path in programs_in(folder):
            source = path.read_text()
            old = oracle["fixtures"].get(path.name)
            if args.names and path.name not in args.names:
                continue
            if not args.force and not args.names and old and old.get("sha256") == sha256(source) and "oracle_error" not in old:
                continue
            todo.append((kind, path, source))

    if args.rederive:
        for kind, folder in SETS.items():
            for name, rec in oracles[kind]["fixtures"].items():
                source = (folder / name).read_text()
                if rec.get("sha256") != sha256(source) or "oracle_error" in rec:
                    continue
                raw = dict(rec, stdout=rec.get("stdout_tail", ""))
                if rec["raised"]:
                    raw["first_line"] = rec["first_line"]
                new = make_record(kind, folder / name, source, raw)
                rec.update(new)
        todo = []

    started = time.monotonic()
    print(f"running {len(todo)} program(s) with {args.python} ({args.jobs} at a time)", flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_program, path, args.python): (kind, path, source) for kind, path, source in todo}
        for fut in concurrent.futures.as_completed(futures):
            kind, path, source = futures[fut]
            try:
                raw = fut.result()
            except subprocess.TimeoutExpired:
                raw = {"oracle_error": f"timed out after {PER_PROGRAM_TIMEOUT_S}s", "seconds": PER_PROGRAM_TIMEOUT_S}
            rec = make_record(kind, path, source, raw)
            oracles[kind]["fixtures"][path.name] = rec
            what = (f"{rec['exception']} line {rec.get('line')}: {rec['first_line'][:110]}"
                    if rec.get("raised") else rec.get("oracle_error", "ran without exception")[:120])
            print(f"  {kind}/{path.name} [{rec['seconds']}s] {what}", flush=True)
    elapsed = round(time.monotonic() - started, 1)

    problems = []
    for kind, folder in SETS.items():
        oracle = oracles[kind]
        oracle["fixtures"] = dict(sorted(oracle["fixtures"].items()))
        for name, rec in oracle["fixtures"].items():
            problems += problems_with(kind, name, rec)
        total = round(sum(r.get("seconds") or 0 for r in oracle["fixtures"].values()), 1)
        oracle["total_program_seconds"] = total
        oracle["generated_by"] = "tests/oracle/gen_faults.py"
        (folder / ORACLE_FILE).write_text(json.dumps(dict(sorted(oracle.items())), indent=1, ensure_ascii=False) + "\n")
        print(f"{kind}: {len(oracle['fixtures'])} program(s), {total}s of program time in total")
    print(f"this run: {len(todo)} program(s) in {elapsed}s wall")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
