"""Notebooks: code cells analyzed in order, positions per cell."""
import json
import subprocess
import sys
from pathlib import Path

from shapecheck.notebook import analyze_notebook, join_code_cells, load_notebook

ROOT = Path(__file__).resolve().parents[2]


def make_nb(cells, nbformat=4):
    out = []
    for kind, src in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": src.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5})


def test_seed_notebook_models_and_cells():
    text = (ROOT / "examples/notebooks/sequential_api.ipynb").read_text()
    report = analyze_notebook(text, "sequential_api.ipynb")
    (m,) = report.models
    assert m.total_params == 25461
    assert (m.cell, m.line) == (3, 1)  # `model = Sequential()` is line 1 of cell 3
    assert [(l.cell, l.line) for l in m.layers] == [(3, 4), (3, 5), (3, 6)]
    assert not [d for d in report.diagnostics if d.severity == "error"]
    js = m.to_json()
    assert js["cell"] == 3 and js["layers"][0]["cell"] == 3


def test_magics_and_shell_lines_are_skipped_without_noise():
    text = (ROOT / "examples/notebooks/keras_overview.ipynb").read_text()
    report = analyze_notebook(text, "keras_overview.ipynb")
    (m,) = report.models
    assert m.total_params == 6464 + 650
    assert report.diagnostics == []
    fit = [e for e in report.events if e.method == "fit"][0]
    assert fit.cell == 7 and fit.args["y"].shape == (1000, 10)


def test_model_from_cell_2_known_in_cell_4():
    text = make_nb([
        ("code", "import keras\nfrom keras import layers"),
        ("code", "model = keras.Sequential([layers.Dense(4, input_shape=(3,))])"),
        ("markdown", "text"),
        ("code", "model.add(layers.Dense(2))\nmodel.add(layers.Conv2D(8, 3))"),
    ])
    report = analyze_notebook(text, "t.ipynb")
    (m,) = report.models
    assert [l.output_shape for l in m.layers[:2]] == [(None, 4), (None, 2)]
    (err,) = [d for d in report.diagnostics if d.severity == "error"]
    assert (err.cell, err.line, err.code) == (4, 2, "SC101")
    assert err.to_json()["cell"] == 4


def test_markdown_only_notebook_has_no_models_and_no_diagnostics():
    report = analyze_notebook(make_nb([("markdown", "# Title\n\nJust prose.")]), "md.ipynb")
    assert report.models == [] and report.diagnostics == []


def test_invalid_json_and_old_format_give_one_clear_diagnostic():
    bad = analyze_notebook("{not json", "bad.ipynb")
    (d,) = bad.diagnostics
    assert d.code == "SC004" and "invalid JSON" in d.message
    old = analyze_notebook(json.dumps({"cells": [], "nbformat": 3}), "old.ipynb")
    (d,) = old.diagnostics
    assert "nbformat 3" in d.message


def test_syntax_error_in_one_cell_keeps_the_others():
    text = make_nb([
        ("code", "import keras\nm = keras.Sequential([keras.layers.Dense(3, input_shape=(2,))])"),
        ("code", "def broken(:\n    pass"),
        ("code", "m.add(keras.layers.Dense(1))"),
    ])
    report = analyze_notebook(text, "t.ipynb")
    (syntax,) = [d for d in report.diagnostics if d.code == "SC001"]
    assert (syntax.cell, syntax.line) == (2, 1)
    assert report.models[0].total_params == 9 + 4


def test_join_keeps_line_numbers_for_magics():
    nb = load_notebook(make_nb([("code", "%%time\nx = 1"), ("code", "!ls\ny = 2"), ("code", "%%bash\nls -l")]))
    joined = join_code_cells(nb)
    # %%time runs its body as Python; %%bash's body is not Python
    assert joined.text.splitlines() == ["", "x = 1", "", "y = 2", "", ""]
    assert joined.line_map == [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]


def test_summary_cli_on_notebook_json_has_cells():
    out = subprocess.run(
        [sys.executable, "-m", "shapecheck", "summary", "--format", "json", "examples/notebooks/sequential_api.ipynb"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    model = json.loads(out)["files"][0]["models"][0]
    assert model["cell"] == 3 and model["total_params"] == 25461


def test_ipython_help_lines_are_not_syntax_errors():
    nb = load_notebook(make_nb([("code", "?model.fit\nmodel.fit??\n??keras\nlen?\nx = 1  # a question?")]))
    assert join_code_cells(nb).text.splitlines() == ["", "", "", "", "x = 1  # a question?"]


def test_summary_text_names_the_cell_of_a_syntax_error(tmp_path):
    path = tmp_path / "t.ipynb"
    path.write_text(make_nb([
        ("code", "import keras\nm = keras.Sequential([keras.layers.Dense(3, input_shape=(2,))])"),
        ("code", "x = 1\ndef broken(:\n    pass"),
    ]))
    out = subprocess.run([sys.executable, "-m", "shapecheck", "summary", str(path)], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 2
    assert f"{path}:cell 2:2:12: SC001 Syntax error" in out.stdout
    assert "Total params: 9" in out.stdout


def test_time_magics_keep_their_statement_at_its_columns():
    text = make_nb([
        ("code", "import numpy as np\nimport keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])"),
        ("code", "x = np.zeros((4, 5))\n%time y = m.predict(x)\nfor i in range(2):\n    !echo hi\n    %timeit -n 3 m(x)"),
    ])
    nb = load_notebook(text)
    lines = join_code_cells(nb).text.splitlines()
    assert lines[4] == "0;    y = m.predict(x)" and lines[6] == "    pass" and lines[7] == "    0;           m(x)"
    report = analyze_notebook(text, "t.ipynb")
    # the timed statements are analyzed where the cell has them: the predict's data event,
    # and the model called on data of the wrong width, underlined at `m(x)` in the cell's own columns
    assert [(e.method, e.cell, e.line) for e in report.events if e.method == "predict"] == [("predict", 2, 2)]
    errors = [(d.cell, d.line, d.col, d.end_col, d.code) for d in report.diagnostics if d.severity == "error"]
    assert errors == [(2, 5, 18, 22, "SC101")]
