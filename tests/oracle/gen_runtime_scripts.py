"""Run the real-world style scripts of tests/fixtures/runtime/scripts/ under
real Keras 3 and store what each prints, for tests/runtime/test_scripts_oracle.py.

    /work/oracle-venv/bin/python tests/oracle/gen_runtime_scripts.py [NAME...]

Notebooks (*.ipynb) run cell by cell through NOTEBOOK_HARNESS, which prints
what `shapecheck run NOTEBOOK` prints for them: an ``In [n]:`` header per
code cell, its output, and ``Out[n]: repr`` for a last expression's value
(IPython-only lines, %magics and !shell escapes, are skipped as Jupyter's
kernel would run them elsewhere).

Each script runs in its own process (fresh name counters), from its own folder,
with KERAS_BACKEND=tensorflow, no GPU and TF logging off; its stdout is written
to <name>.keras.txt beside it.  The scripts fix their weights from NumPy seeds
and train with shuffle=False, so the numbers do not depend on Keras's random
initializers.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "scripts"
ORACLE = Path(__file__).resolve().parent

# A script importing a Keras 2 module path (keras.layers.core...) runs with the same
# aliases the model oracle installs (keras_run.install_keras2_aliases); other scripts
# run as plain `python script.py`, so nothing is imported before their own first line.
KERAS2_PATH = re.compile(r"keras\.layers\.(core|embeddings|convolutional|pooling|recurrent|merge|normalization|"
                         r"wrappers|advanced_activations|noise)\b")
KERAS2_HARNESS = r"""
import runpy, sys
sys.path.insert(0, sys.argv[1])
from keras_run import install_keras2_aliases
install_keras2_aliases()
sys.path.pop(0)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


NOTEBOOK_HARNESS = r"""
import ast, json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
ns = {"__name__": "__main__"}
count = 0
for cell in nb["cells"]:
    if cell["cell_type"] != "code":
        continue
    src = "".join(cell["source"])
    if not src.strip():
        continue
    count += 1
    print(f"In [{count}]:")
    src = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.split("\n"))
    tree = ast.parse(src)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not src.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<cell>", "exec"), ns)
    if last is not None:
        value = eval(compile(last, "<cell>", "eval"), ns)
        if value is not None:
            print(f"Out[{count}]: {value!r}")
"""


def main(argv):
    names = set(argv)
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               PYTHONHASHSEED="0", COLUMNS="120")
    failed = 0
    for script in sorted([*SCRIPTS.glob("*.py"), *SCRIPTS.glob("*.ipynb")]):
        if names and script.stem not in names:
            continue
        command = [sys.executable, script.name]
        if script.suffix == ".ipynb":
            command = [sys.executable, "-c", NOTEBOOK_HARNESS, script.name]
        elif KERAS2_PATH.search(script.read_text(encoding="utf-8")):
            command = [sys.executable, "-c", KERAS2_HARNESS, str(ORACLE), script.name]
        proc = subprocess.run(command, cwd=SCRIPTS, env=env, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode != 0:
            failed += 1
            print(f"FAIL {script.name}: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        script.with_suffix(".keras.txt").write_text(proc.stdout)
        print(f"ok   {script.name}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
