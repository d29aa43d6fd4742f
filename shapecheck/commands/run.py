"""`shapecheck run SCRIPT [ARGS...]` (or a notebook, see notebook_run.py): run a Keras script on the shapecheck
runtime, then confirm the analyzer's predictions against what actually ran.

The script runs unchanged (runpy, its own sys.argv) with `keras`,
`tensorflow.keras` and the Keras 2 module paths served by our runtime.
Exit codes: the script's own failure -> 1, a disagreement with the analyzer
-> 1, usage problems -> 2, otherwise 0 (or the script's sys.exit code).
"""
from __future__ import annotations

import json
import os
import sys
import traceback


def add_arguments(parser):
    parser.add_argument("script", metavar="SCRIPT", help="the Python script to run")
    parser.add_argument("script_args", nargs="...", metavar="ARGS", help="arguments passed to the script")
    parser.add_argument("--device", choices=("cpu", "cuda", "auto"), default=None,
                        help="where to compute (default: $SHAPECHECK_DEVICE or cpu)")
    parser.add_argument("--report", choices=("text", "json", "none"), default="text",
                        help="how to print the analyzer confirmation (json: on stdout; the script's own "
                             "output then goes to stderr)")
    parser.add_argument("--no-confirm", action="store_true", help="only run the script")
    parser.add_argument("--write", action="store_true",
                        help="notebooks: store the outputs back into the notebook's code cells")


def _pick_device(requested):
    """(device, None) or (None, problem); a notice ("device auto: ...") goes to stderr."""
    from ..runtime import device

    try:
        dev, notice = device.resolve(requested)
    except device.DeviceError as err:
        return None, str(err)
    if notice:
        print(f"shapecheck run: {notice}", file=sys.stderr)
    device.use(dev)
    return dev, None


def _prefer_avx512_blas():
    """OpenBLAS picks AVX2 kernels on AVX-512 CPUs unless told, and its thread
    pool spins: on a small shared machine two BLAS threads made an epoch ten
    times slower than one (measured here at load 12).  Both must be set before
    NumPy loads, so only when nothing has loaded it yet, and never over the
    user's own setting."""
    if "numpy" in sys.modules:
        return
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if "OPENBLAS_CORETYPE" in os.environ:
        return
    try:
        with open("/proc/cpuinfo") as f:
            if "avx512f" in f.read(200000):
                os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    except OSError:
        pass


def _script_frame(tb, script):
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if os.path.abspath(frame.f_code.co_filename) == script:
            line = lineno
    return line


def run(args) -> int:
    if args.script.endswith(".ipynb"):  # notebooks: cells in order, outputs per cell (shapecheck/notebook_run.py)
        from ..notebook_run import run_notebook

        return run_notebook(args)
    if getattr(args, "write", False):
        print("shapecheck run: --write is for notebooks (.ipynb) only", file=sys.stderr)
        return 2
    script = os.path.abspath(args.script)
    if not os.path.isfile(script):
        print(f"shapecheck run: {args.script}: no such file", file=sys.stderr)
        return 2
    device, problem = _pick_device(args.device)
    if problem:
        print(f"shapecheck run: {problem}", file=sys.stderr)
        return 2
    try:
        with open(script, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError) as err:
        print(f"shapecheck run: cannot read {args.script}: {err}", file=sys.stderr)
        return 2
    _prefer_avx512_blas()
    report = None
    if not args.no_confirm:
        # The full check pipeline: models and events, plus the diagnostics the
        # rules raise, so that a run-time fault can be shown next to its prediction.
        try:
            from ..checking import check_source

            report = check_source(source, args.script)
        except ImportError:
            from ..analyzer import analyze

            report = analyze(source, args.script)

    import runpy

    from ..runtime.engine import clear_session
    from ..runtime.engine import observe
    from ..runtime.shim import installed

    clear_session()
    obs = observe.start()
    status = 0
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    saved_stdout = sys.stdout
    if args.report == "json":
        sys.stdout = sys.stderr  # stdout carries the JSON report only
    sys.argv = [args.script] + list(args.script_args)
    sys.path.insert(0, os.path.dirname(script))
    failure = None
    from ..runtime.fpmode import flushed

    try:
        # subnormals as zero while the script runs, as TensorFlow's CPU kernels do
        with installed(), flushed():
            runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the script's own failure: report it, Keras-style, with its line
        line = _script_frame(exc.__traceback__, script)
        failure = (type(exc).__name__, str(exc), line)
        status = 1
    finally:
        sys.argv, sys.path = saved_argv, saved_path
        sys.stdout.flush()
        sys.stdout = saved_stdout
        observe.stop()

    def report_failure():
        if failure is None:
            return
        sys.stdout.flush()
        name, message, line = failure
        where = f"{args.script}:{line}" if line else args.script
        print(f"shapecheck run: {where}: {name}: {message}", file=sys.stderr)
        if report is not None and line:
            predicted = [d for d in report.diagnostics if d.line == line]
            for d in predicted:
                print(f"  the analyzer predicted here: {d.code} {d.message}", file=sys.stderr)
            if not predicted:
                print("  the analyzer predicted nothing wrong on this line", file=sys.stderr)

    if report is None or args.report == "none":
        report_failure()
        return status
    from ..runtime.confirm import compare, render_text

    conf = compare(report, obs, args.script)
    if args.report == "json":
        doc = conf.to_json()
        doc.update({"script": args.script, "device": device.name, "device_label": device.label,
                    "exit_status": status,
                    "failure": None if failure is None else {"type": failure[0], "message": failure[1],
                                                            "line": failure[2]}})
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(conf))
    report_failure()
    if conf.disagreements and status == 0:
        status = 1
    return status
