"""`shapecheck run NOTEBOOK.ipynb`: the code cells in order, on our runtime.

Each code cell runs in one shared namespace, as a fresh kernel's "Run All"
would run them, with its output under an ``In [n]:`` header; the value of a
cell's last expression is shown as ``Out[n]:``.  IPython-only lines (magics,
shell escapes) are not run: one notice per cell says which were skipped.

Every cell is compiled under the notebook's own path with its lines placed
where they sit in the joined program (``notebook.join_code_cells``), so the
runtime's observer and the analyzer's report speak of the same line numbers;
they are turned into (cell, line) only for display.

``--write`` puts the outputs back into the notebook's code cells (execution
counts, stream outputs, execute_result, error) and changes nothing else.
"""
from __future__ import annotations

import ast
import builtins
import json
import linecache
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Optional

from .notebook import JoinedSource, NotebookError, join_code_cells, load_notebook


@dataclass
class CellRun:
    index: int  # cell index in the notebook (1-based)
    count: int  # execution count (In [n])
    outputs: list = field(default_factory=list)  # nbformat-4 output dicts
    failed: bool = False


class _CellStream:
    """Writes through to the real stream and records what a cell printed."""

    def __init__(self, real, name: str, run: CellRun):
        self.real, self.name, self.run = real, name, run

    def write(self, s):
        if not isinstance(s, str):
            s = str(s)
        if s:
            self.real.write(s)
            outs = self.run.outputs
            if outs and outs[-1].get("output_type") == "stream" and outs[-1]["name"] == self.name:
                outs[-1]["text"] += s
            else:
                outs.append({"name": self.name, "output_type": "stream", "text": s})
        return len(s)

    def flush(self):
        self.real.flush()

    def isatty(self):
        return False  # progress bars print one line per update, as in a notebook

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    @property
    def encoding(self):
        return getattr(self.real, "encoding", "utf-8")

    def fileno(self):
        raise OSError("a notebook cell's output is not a file")


def _cell_spans(joined: JoinedSource) -> dict[int, tuple[int, int]]:
    """Cell index -> (first, last) line of the joined program (1-based)."""
    spans: dict[int, tuple[int, int]] = {}
    for k, (cell, _) in enumerate(joined.line_map, start=1):
        first, _last = spans.get(cell, (k, k))
        spans[cell] = (first, k)
    return spans


def _skipped_lines(cell_source: str, python: list[str]) -> list[str]:
    raw = cell_source.split("\n")
    # (a `%time STMT` line runs STMT: notebook._python_line keeps it behind `0;`)
    return [r.strip() for r, p in zip(raw, python) if r.strip() and r != p and not p.lstrip().startswith("0;")]


def _split_last_expression(tree: ast.Module, source: str):
    """(statements, last expression or None) — Jupyter shows the last expression's value."""
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = tree.body[-1]
        return ast.Module(body=tree.body[:-1], type_ignores=[]), ast.Expression(body=last.value)
    return tree, None


def _multiline(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _where(joined: JoinedSource, line: int) -> tuple[Optional[int], int]:
    if 1 <= line <= len(joined.line_map):
        return joined.line_map[line - 1]
    return None, line


def _error_output(exc: BaseException, filename: str, joined: JoinedSource) -> tuple[dict, Optional[tuple]]:
    """An nbformat error output, and (cell, line) of the innermost notebook frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    site = None
    tb_lines = []
    for fr in frames:
        if fr.filename == filename:
            cell, line = _where(joined, fr.lineno)
            site = (cell, line)
            tb_lines.append(f"Cell {cell}, line {line}: {fr.line or ''}".rstrip())
    if isinstance(exc, SyntaxError) and exc.filename == filename and exc.lineno:
        site = _where(joined, exc.lineno)
        tb_lines.append(f"Cell {site[0]}, line {site[1]}: {(exc.text or '').strip()}".rstrip())
    tb_lines.append(f"{type(exc).__name__}: {exc}")
    out = {"ename": type(exc).__name__, "evalue": str(exc), "output_type": "error", "traceback": tb_lines}
    return out, site


def execute_cells(nb, path: str, joined: JoinedSource, out_stream, err_stream) -> tuple[list[CellRun], Optional[tuple]]:
    """Run the code cells in order; stop at the first failing cell (as Run All does).

    Returns the runs and, when a cell failed, (exception name, message, cell, line)."""
    filename = os.path.abspath(path)
    text_lines = joined.text.split("\n")
    # Tracebacks and warnings read source lines through linecache: give them the program, not the JSON.
    linecache.cache[filename] = (len(joined.text), None, [l + "\n" for l in text_lines], filename)
    spans = _cell_spans(joined)
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": filename}
    runs: list[CellRun] = []
    count = 0
    for cell in nb.code_cells():
        if not cell.source.strip():
            continue  # Jupyter gives an empty cell no execution count
        count += 1
        run = CellRun(cell.index, count)
        runs.append(run)
        first, last = spans[cell.index]
        python = text_lines[first - 1:last]
        out_stream.write(f"In [{count}]:\n")
        skipped = _skipped_lines(cell.source, python)
        if skipped:
            shown = skipped[0] if len(skipped[0]) <= 40 else skipped[0][:37] + "..."
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            err_stream.write(f"shapecheck run: cell {cell.index}: skipped {len(skipped)} IPython "
                             f"line{'s' if len(skipped) != 1 else ''} ({shown}{more})\n")
        source = "\n" * (first - 1) + "\n".join(python) + "\n"
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout = _CellStream(out_stream, "stdout", run)
        sys.stderr = _CellStream(err_stream, "stderr", run)
        try:
            tree = ast.parse(source, filename)
            body, last_expr = _split_last_expression(tree, source)
            exec(compile(body, filename, "exec"), namespace)
            if last_expr is not None:
                value = eval(compile(last_expr, filename, "eval"), namespace)
                if value is not None:
                    text = repr(value)
                    run.outputs.append({"data": {"text/plain": text}, "execution_count": count, "metadata": {},
                                        "output_type": "execute_result"})
                    out_stream.write(f"Out[{count}]: {text}\n")
        except KeyboardInterrupt:
            raise
        except SystemExit as exc:  # sys.exit() in a cell ends the run, as it ends a script
            run.failed = exc.code not in (None, 0)
            return runs, None if not run.failed else ("SystemExit", str(exc.code), cell.index, 0)
        except BaseException as exc:
            out, site = _error_output(exc, filename, joined)
            run.outputs.append(out)
            run.failed = True
            cell_at, line_at = site if site else (cell.index, 0)
            return runs, (type(exc).__name__, str(exc), cell_at, line_at)
        finally:
            sys.stdout, sys.stderr = stdout, stderr
            out_stream.flush()
    return runs, None


def write_outputs(text: str, nb_data: dict, runs: list[CellRun]) -> str:
    """The notebook's JSON with the runs' outputs stored; everything else as it was."""
    cells = nb_data["cells"]
    for run in runs:
        raw = cells[run.index - 1]
        raw["execution_count"] = run.count
        outs = []
        for o in run.outputs:
            o = dict(o)
            if o["output_type"] == "stream":
                o["text"] = _multiline(o["text"])
            elif o["output_type"] == "execute_result":
                o["data"] = {"text/plain": _multiline(o["data"]["text/plain"])}
            outs.append(o)
        raw["outputs"] = outs
    indent = _indent_of(text)
    body = json.dumps(nb_data, indent=indent, ensure_ascii=False)
    return body + ("\n" if text.endswith("\n") else "")


def _indent_of(text: str) -> int:
    """The indentation the file was written with (Jupyter writes 1)."""
    lines = text.split("\n", 2)
    if len(lines) > 1 and lines[0].strip() == "{":
        n = len(lines[1]) - len(lines[1].lstrip(" "))
        if n > 0:
            return n
    return 1


# -- confirmation, with positions per cell ------------------------------------
def unmap_report(report, joined: JoinedSource):
    """Positions of a notebook report back to lines of the joined program."""
    inverse = {pos: k for k, pos in enumerate(joined.line_map, start=1)}

    def back(cell, line):
        return inverse.get((cell, line), line)

    for m in report.models:
        m.line = back(m.cell, m.line)
        for layer in m.layers:
            layer.line = back(layer.cell, layer.line)
    for ev in getattr(report, "events", []):
        ev.line = back(ev.cell, ev.line)
    return report


def _loc(joined: JoinedSource, line: int) -> str:
    cell, l = _where(joined, line)
    return f"cell {cell}, line {l}" if cell is not None else f"line {line}"


def render_confirmation(conf, joined: JoinedSource) -> str:
    from .runtime.confirm import fmt_shape

    def p(n):
        return "?" if n is None else str(n)

    lines = ["", "shapecheck run: analyzer predictions vs this run"]
    for m in conf.models:
        status = {True: "agrees", False: "DISAGREES", None: "unconfirmed"}[m.ok]
        lines.append(f"  model '{m.name}' ({_loc(joined, m.line)}, {m.kind}): {status}" + (f" - {m.note}" if m.note else ""))
        w = max([len(f"{r.name} ({r.class_name})") for r in m.layers] + [12])
        for r in m.layers:
            mark = {True: "ok", False: "MISMATCH", None: "-"}[r.ok]
            lines.append(f"    {f'{r.name} ({r.class_name})':<{w}}  predicted {fmt_shape(r.predicted_shape):<16} "
                         f"{p(r.predicted_params):>9}   observed {fmt_shape(r.observed_shape):<16} "
                         f"{r.observed_params:>9}  {mark}")
    for d in conf.data:
        mark = {True: "ok", False: "MISMATCH", None: "-"}[d.ok]
        lines.append(f"  {_loc(joined, d.line)}: {d.method} {d.arg}: predicted {fmt_shape(d.predicted)}, actual "
                     f"{fmt_shape(d.observed)}  {mark}")
    bad = disagreements(conf, joined)
    if bad:
        lines.append(f"  {len(bad)} disagreement(s): the analyzer is wrong here")
        lines.extend(f"    {b}" for b in bad)
    else:
        lines.append("  no disagreement")
    return "\n".join(lines) + "\n"


def disagreements(conf, joined: JoinedSource) -> list[str]:
    from .runtime.confirm import fmt_shape

    out = []
    for m in conf.models:
        if m.ok is False and m.note:
            out.append(f"{_loc(joined, m.line)}: model '{m.name}': {m.note}")
        for r in m.layers:
            if r.ok is False:
                out.append(f"{_loc(joined, r.line or m.line)}: layer '{r.name}' ({r.class_name}): predicted "
                           f"{fmt_shape(r.predicted_shape)} / {'?' if r.predicted_params is None else r.predicted_params}"
                           f" params, observed {fmt_shape(r.observed_shape)} / {r.observed_params} params")
    for d in conf.data:
        if d.ok is False:
            out.append(f"{_loc(joined, d.line)}: {d.method}({d.arg}=...): predicted data shape "
                       f"{fmt_shape(d.predicted)}, actual {fmt_shape(d.observed)}")
    return out


def confirmation_json(conf, joined: JoinedSource) -> dict:
    doc = conf.to_json()
    for m in doc["models"]:
        m["cell"], m["line"] = _where(joined, m["line"])
        for layer in m["layers"]:
            if layer["line"]:
                layer["cell"], layer["line"] = _where(joined, layer["line"])
    for d in doc["data"]:
        d["cell"], d["line"] = _where(joined, d["line"])
    doc["disagreements"] = disagreements(conf, joined)
    return doc


# -- the command ---------------------------------------------------------------
def run_notebook(args) -> int:
    from .commands.files import read_source
    from .commands.run import _pick_device, _prefer_avx512_blas

    path = args.script
    if not os.path.isfile(path):
        print(f"shapecheck run: {path}: no such file", file=sys.stderr)
        return 2
    device, problem = _pick_device(args.device)
    if problem:
        print(f"shapecheck run: {problem}", file=sys.stderr)
        return 2
    src = read_source(path)
    if src.error:
        print(f"shapecheck run: {src.error}", file=sys.stderr)
        return 2
    try:
        nb = load_notebook(src.text)
    except NotebookError as err:
        print(f"shapecheck run: {path}: {err}", file=sys.stderr)
        return 2
    joined = join_code_cells(nb)
    _prefer_avx512_blas()
    report = None
    if not args.no_confirm:
        # The check pipeline, as for scripts: a run-time fault is shown next to its prediction.
        from .checking import check_source

        report = unmap_report(check_source(src.text, path), joined)

    from .runtime.engine import clear_session, observe
    from .runtime.shim import installed

    clear_session()
    obs = observe.start()
    out_stream = sys.stderr if args.report == "json" else sys.stdout  # json: stdout carries the report only
    saved_argv, saved_path, saved_cwd = sys.argv[:], sys.path[:], os.getcwd()
    abs_path = os.path.abspath(path)
    folder = os.path.dirname(abs_path)
    sys.argv = [path] + list(args.script_args)
    sys.path.insert(0, folder)
    try:
        os.chdir(folder)  # a notebook's relative paths start at its folder, as in Jupyter
        with installed():
            # the absolute path, taken before the chdir above: the observer and compare() must agree
            runs, failure = execute_cells(nb, abs_path, joined, out_stream, sys.stderr)
    finally:
        os.chdir(saved_cwd)
        sys.argv, sys.path = saved_argv, saved_path
        observe.stop()
        linecache.cache.pop(abs_path, None)
    status = 1 if failure is not None else 0

    def report_failure():
        if failure is None or failure[0] == "SystemExit":
            return
        sys.stdout.flush()
        name, message, cell, line = failure
        at = f"cell {cell}:{line}" if line else f"cell {cell}"
        print(f"shapecheck run: {path}:{at}: {name}: {message}", file=sys.stderr)
        if report is not None and line:
            # diagnostics keep their cell positions (unmap_report moves models and events only)
            predicted = [d for d in report.diagnostics if (d.cell, d.line) == (cell, line)]
            for d in predicted:
                print(f"  the analyzer predicted here: {d.code} {d.message}", file=sys.stderr)
            if not predicted:
                print("  the analyzer predicted nothing wrong on this line", file=sys.stderr)

    if args.write:
        try:
            new_text = write_outputs(src.text, nb.data, runs)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(new_text)
        except OSError as err:
            print(f"shapecheck run: cannot write {path}: {err.strerror or err}", file=sys.stderr)
            return 2

    if report is None or args.report == "none":
        report_failure()
        return status
    from .runtime.confirm import compare

    conf = compare(report, obs, path)
    if args.report == "json":
        doc = confirmation_json(conf, joined)
        doc.update({"notebook": path, "device": getattr(device, "name", device),
                    "device_label": getattr(device, "label", str(device)), "exit_status": status,
                    "cells_run": [r.index for r in runs],
                    "failure": None if failure is None else {"type": failure[0], "message": failure[1],
                                                            "cell": failure[2], "line": failure[3]}})
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_confirmation(conf, joined))
    report_failure()
    if conf.disagreements and status == 0:
        status = 1
    return status

