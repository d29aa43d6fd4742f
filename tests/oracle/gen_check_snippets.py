"""Run the rule snippets of tests/check/snippets/ under real Keras 3 and record
what Keras does with each: whether it raises, the exception, its first line and
the snippet line it was raised from.  The check tests compare every rule with
this record (an error code must come with a Keras exception, a program Keras
runs must get no error).

    /work/oracle-venv/bin/python tests/oracle/gen_check_snippets.py

Writes tests/check/snippets/keras_results.json.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

SNIPPETS = Path(__file__).resolve().parents[1] / "check" / "snippets"


def run_one(path: Path) -> dict:
    source = path.read_text()
    code = compile(source, str(path), "exec")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, {"__name__": "__main__", "__file__": str(path)})
        except Exception as err:  # what Keras raises is the record
            frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)]
            first = " ".join(str(err).split())[:300]
            return {"raised": True, "exception": type(err).__name__, "message": first,
                    "line": frames[-1].lineno if frames else None}
    user = sorted({" ".join(str(w.message).split())[:160] for w in caught if issubclass(w.category, UserWarning)})
    return {"raised": False, "warnings": user}


def main() -> int:
    import keras

    results = {"keras": keras.__version__, "snippets": {}}
    for path in sorted(SNIPPETS.glob("*.py")):
        keras.utils.clear_session()
        results["snippets"][path.stem] = run_one(path)
        r = results["snippets"][path.stem]
        print(f"{path.stem:45s} {'raises ' + r['exception'] if r['raised'] else 'runs'}", file=sys.stderr)
    out = SNIPPETS / "keras_results.json"
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
