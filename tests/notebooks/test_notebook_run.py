"""`shapecheck run NOTEBOOK.ipynb`: cells in order on the runtime, outputs per
cell, predictions confirmed per cell, `--write` round trip."""
import copy
import json
import shutil
from pathlib import Path

import pytest

from shapecheck.cli import main

DATA = Path(__file__).resolve().parent / "data"
SEEDS = DATA / "seeds"


def run(capsys, *argv):
    code = main(["run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def jupyter_text(doc) -> str:
    """How Jupyter (nbformat.writes) lays a notebook out."""
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def notebook(cells):
    out = []
    for i, (kind, src) in enumerate(cells):
        cell = {"cell_type": kind, "id": f"cell-{i}", "metadata": {"tags": [f"t{i}"]},
                "source": src.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {"cells": out, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}, "custom": {"b": 1, "a": [1, 2]}},
            "nbformat": 4, "nbformat_minor": 5}


SMALL = notebook([
    ("markdown", "# A small model\n\nRun top to bottom."),
    ("code", "import numpy as np\nimport keras\nfrom keras import layers"),
    ("code", "model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation='relu')])\nmodel.count_params()"),
    ("raw", "raw text stays"),
    ("code", ""),
    ("code", "x = np.ones((5, 3))\ny = model.predict(x, verbose=0)\nprint('shape', y.shape)\ny.shape;"),
    ("code", "import sys\nprint('to stderr', file=sys.stderr)\nprint('back on stdout')\n(32*10)+10"),
])


def test_cells_run_in_order_with_headers_and_last_values(tmp_path, capsys):
    f = tmp_path / "small.ipynb"
    f.write_text(jupyter_text(SMALL))
    code, out, err = run(capsys, str(f))
    assert code == 0, err
    body = out.split("\nshapecheck run: analyzer predictions vs this run\n")[0].splitlines()
    assert body == ["In [1]:", "In [2]:", "Out[2]: 8", "In [3]:", "shape (5, 2)", "In [4]:", "back on stdout",
                    "Out[4]: 330"]
    assert "to stderr" in err
    assert "model 'sequential' (cell 3, line 1, sequential): agrees" in out
    assert "cell 6, line 2: predict x: predicted (5, 3), actual (5, 3)  ok" in out
    assert f.read_text() == jupyter_text(SMALL)  # without --write the file is not touched


def test_write_round_trip_changes_only_outputs(tmp_path, capsys):
    nbformat = pytest.importorskip("nbformat")
    f = tmp_path / "small.ipynb"
    f.write_text(jupyter_text(SMALL))
    code, _, err = run(capsys, "--write", str(f))
    assert code == 0, err
    text = f.read_text()
    doc = json.loads(text)
    nbformat.validate(nbformat.from_dict(copy.deepcopy(doc)), version=4)
    cells = doc["cells"]
    assert [(c.get("execution_count"), c["cell_type"]) for c in cells] == [
        (None, "markdown"), (1, "code"), (2, "code"), (None, "raw"), (None, "code"), (3, "code"), (4, "code")]
    assert cells[2]["outputs"] == [{"data": {"text/plain": ["8"]}, "execution_count": 2, "metadata": {},
                                    "output_type": "execute_result"}]
    assert cells[5]["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["shape (5, 2)\n"]}]
    assert cells[6]["outputs"] == [
        {"name": "stderr", "output_type": "stream", "text": ["to stderr\n"]},
        {"name": "stdout", "output_type": "stream", "text": ["back on stdout\n"]},
        {"data": {"text/plain": ["330"]}, "execution_count": 4, "metadata": {}, "output_type": "execute_result"},
    ]
    # Outside outputs and execution counts nothing changed, to the byte (Jupyter's own layout).
    expected = copy.deepcopy(SMALL)
    for c, new in zip(expected["cells"], cells):
        if c["cell_type"] == "code":
            c["execution_count"], c["outputs"] = new["execution_count"], new["outputs"]
    assert text == jupyter_text(expected)
    # Running again gives the same file.
    assert run(capsys, "--write", str(f))[0] == 0
    assert f.read_text() == text


def test_write_keeps_key_order_and_indent_of_the_file(tmp_path, capsys):
    doc = {"nbformat_minor": 4, "nbformat": 4, "metadata": {"z": 1, "a": 2},
           "cells": [{"source": "print('hi')", "outputs": [{"name": "stdout", "output_type": "stream",
                                                             "text": "old\n"}],
                      "metadata": {}, "execution_count": 7, "cell_type": "code"}]}
    f = tmp_path / "odd.ipynb"
    f.write_text(json.dumps(doc, indent=2))  # no trailing newline, keys unsorted
    assert run(capsys, "--write", "--report", "none", str(f))[0] == 0
    doc["cells"][0]["execution_count"] = 1
    doc["cells"][0]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["hi\n"]}]
    assert f.read_text() == json.dumps(doc, indent=2)


def test_magics_are_skipped_with_one_notice_per_cell_and_a_failing_cell_stops_the_run(tmp_path, capsys):
    f = tmp_path / "magics.ipynb"
    shutil.copy(DATA / "magics.ipynb", f)
    code, out, err = run(capsys, "--write", str(f))
    assert code == 1
    notices = [l for l in err.splitlines() if l.startswith("shapecheck run: cell ")]
    assert notices == [
        "shapecheck run: cell 2: skipped 3 IPython lines (%matplotlib inline and 2 more)",
        "shapecheck run: cell 3: skipped 2 IPython lines (%%bash and 1 more)",
        "shapecheck run: cell 4: skipped 2 IPython lines (files = !ls and 1 more)",
    ]  # cell 5's `%time y = model.predict(x)` runs its statement, as IPython does
    assert out.startswith("In [1]:\nIn [2]:\nIn [3]:\nIn [4]:\n")
    # The Conv1D added to a 2D model fails where the analyzer said it would.
    fail = [l for l in err.splitlines() if l.startswith(f"shapecheck run: {f}:cell 5:3: ")]
    assert len(fail) == 1 and "Traceback" not in err
    assert "  the analyzer predicted here: SC101 " in err
    cells = json.loads(f.read_text())["cells"]
    *before, error = cells[4]["outputs"]
    # the timed predict ran before the failing line, and printed its progress bar
    assert [o["output_type"] for o in before] == ["stream"] and "1/1" in "".join(before[0]["text"])
    assert error["output_type"] == "error" and error["traceback"][0].startswith("Cell 5, line 3: model.add(")
    assert [c.get("execution_count") for c in cells] == [None, 1, 2, 3, 4, None]  # cell 6 not run


def test_time_and_capture_cells_run_their_body(tmp_path, capsys):
    doc = notebook([("code", "%%time\nv = 41"), ("code", "%%capture\nw = v + 1"), ("code", "w")])
    f = tmp_path / "t.ipynb"
    f.write_text(jupyter_text(doc))
    code, out, err = run(capsys, "--no-confirm", str(f))
    assert code == 0, err
    assert out.splitlines() == ["In [1]:", "In [2]:", "In [3]:", "Out[3]: 42"]
    assert "cell 1: skipped 1 IPython line (%%time)" in err


def test_cell_after_a_failure_is_not_run(tmp_path, capsys):
    doc = notebook([("code", "print('one')"), ("code", "1/0"), ("code", "print('three')")])
    for c in doc["cells"]:
        c["execution_count"], c["outputs"] = 9, [{"name": "stdout", "output_type": "stream", "text": ["old\n"]}]
    f = tmp_path / "fail.ipynb"
    f.write_text(jupyter_text(doc))
    code, out, err = run(capsys, "--write", "--no-confirm", str(f))
    assert code == 1 and "three" not in out
    assert f"shapecheck run: {f}:cell 2:1: ZeroDivisionError: division by zero" in err
    cells = json.loads(f.read_text())["cells"]
    assert cells[1]["outputs"] == [{"ename": "ZeroDivisionError", "evalue": "division by zero",
                                    "output_type": "error",
                                    "traceback": ["Cell 2, line 1: 1/0", "ZeroDivisionError: division by zero"]}]
    assert cells[2] == doc["cells"][2]  # not run: left as it was


def test_seed_mirror_prints_what_the_seed_shows(tmp_path, capsys):
    f = tmp_path / "seed000.ipynb"
    shutil.copy(SEEDS / "seed000_keras_layers_intro.ipynb", f)
    code, out, err = run(capsys, str(f))
    assert code == 0, err
    for line in ["In [1]:", "Output: [[ 3.  6.  9. 12. 15.]]", "Numpy result: [ 3  6  9 12 15]", "In [2]:",
                 "Probability for label 2: 0.729251", "Predicted label: 2", "In [3]:",
                 "cross entropy loss: 4.6051702",
                 "  model 'functional' (cell 3, line 13, functional): agrees",
                 "  model 'functional_1' (cell 5, line 8, functional): agrees",
                 "  cell 3, line 20: predict x: predicted (1, 2), actual (1, 2)  ok", "  no disagreement"]:
        assert line in out.splitlines()


def test_json_report_positions_per_cell(tmp_path, capsys):
    f = tmp_path / "small.ipynb"
    f.write_text(jupyter_text(SMALL))
    code, out, err = run(capsys, "--report", "json", str(f))
    assert code == 0
    doc = json.loads(out)
    assert "shape (5, 2)" in err  # the cells' output goes to stderr, stdout is the JSON
    (m,) = doc["models"]
    assert (m["cell"], m["line"], m["ok"]) == (3, 1, True)
    assert [(d["cell"], d["line"], d["arg"]) for d in doc["data"]] == [(6, 2, "x")]
    assert doc["cells_run"] == [2, 3, 6, 7] and doc["failure"] is None


def test_bad_notebooks_and_write_on_scripts_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{oops")
    code, _, err = run(capsys, str(bad))
    assert code == 2 and "invalid JSON" in err and "Traceback" not in err
    old = tmp_path / "old.ipynb"
    old.write_text(json.dumps({"cells": [], "nbformat": 3}))
    code, _, err = run(capsys, str(old))
    assert code == 2 and "nbformat 3" in err
    code, _, err = run(capsys, str(tmp_path / "missing.ipynb"))
    assert code == 2 and "no such file" in err
    script = tmp_path / "s.py"
    script.write_text("x = 1\n")
    code, _, err = run(capsys, "--write", str(script))
    assert code == 2 and "--write is for notebooks" in err


def test_every_notebook_in_the_repository_is_valid_nbformat_4():
    nbformat = pytest.importorskip("nbformat")
    import warnings

    root = DATA.parents[2]
    paths = sorted(DATA.rglob("*.ipynb")) + sorted((root / "examples").rglob("*.ipynb"))
    assert len(paths) >= 8
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing cell id is only a warning in nbformat 5
            nbformat.validate(nbformat.from_dict(json.loads(path.read_text())), version=4)
