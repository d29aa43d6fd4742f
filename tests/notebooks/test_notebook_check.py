"""`shapecheck check` on notebooks: the real pipeline on the joined code cells,
every position in its cell, every output format, exit codes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from shapecheck.checking import check_source
from shapecheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SEEDS = DATA / "seeds"


def make_nb(cells, **top):
    out = []
    for i, (kind, src) in enumerate(cells):
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": src.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    doc = {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    doc.update(top)
    return json.dumps(doc, indent=1)


def check(capsys, *argv):
    code = main(["check", "-j", "1", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def where(report):
    return [(d.cell, d.line, d.col, d.code) for d in report.diagnostics]


FAULTY = make_nb([
    ("markdown", "# A model across cells"),
    ("code", "import keras\nfrom keras import layers"),
    ("code", "%matplotlib inline\nmodel = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation=\"relu\")])"),
    ("markdown", "Add a layer that cannot take a 2D input:"),
    ("code", "model.add(layers.Dense(4))\n\nmodel.add(layers.Conv2D(8, 3))"),
])


def test_rules_run_on_the_joined_program_and_diagnostics_get_cells():
    report = check_source(FAULTY, "f.ipynb")
    assert where(report) == [(5, 3, 1, "SC101")]
    (m,) = report.models
    assert (m.cell, m.line) == (3, 2)
    assert [(l.cell, l.line) for l in m.layers] == [(3, 2), (5, 1), (5, 3)]


def test_text_output_names_the_cell_and_shows_the_cells_own_line(tmp_path, capsys):
    f = tmp_path / "f.ipynb"
    f.write_text(FAULTY)
    code, out, err = check(capsys, str(f))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{f}:cell 5:3:1: SC101 ")
    assert lines[2] == " 3 | model.add(layers.Conv2D(8, 3))"
    assert lines[3] == "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error"
    assert lines[-1] == "Found 1 error in 1 file."


def test_json_github_and_sarif_carry_the_cell(tmp_path, capsys):
    f = tmp_path / "f.ipynb"
    f.write_text(FAULTY)
    _, out, _ = check(capsys, "--format", "json", str(f))
    doc = json.loads(out)["files"][0]
    (d,) = doc["diagnostics"]
    assert (d["cell"], d["line"], d["col"], d["code"]) == (5, 3, 1, "SC101")
    (m,) = doc["models"]
    assert m["cell"] == 3 and [l["cell"] for l in m["layers"]] == [3, 5, 5]

    _, out, _ = check(capsys, "--format", "github", str(f))
    (ann,) = out.splitlines()
    # the line of the .ipynb file that holds cell 5's line 3
    file_line = FAULTY.split("\n").index('    "model.add(layers.Conv2D(8, 3))"') + 1
    assert ann.startswith(f"::error file={f},line={file_line},title=SC101 ")
    assert "(cell 5%2C line 3%2C col 1)" in ann and ",col=" not in ann

    _, out, _ = check(capsys, "--format", "sarif", str(f))
    (res,) = json.loads(out)["runs"][0]["results"]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["properties"]) == (3, 1, {"cell": 5})
    assert res["properties"] == {"cell": 5} and res["message"]["text"].startswith("cell 5, line 3: ")


def test_sarif_for_notebooks_is_schema_valid(tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = ROOT / "tests/check/data/sarif-schema-2.1.0.json"
    if not schema_path.exists():
        pytest.skip("the SARIF schema is not in this checkout")
    f = tmp_path / "f.ipynb"
    f.write_text(FAULTY)
    _, out, _ = check(capsys, "--format", "sarif", str(f))
    jsonschema.validate(json.loads(out), json.loads(schema_path.read_text()))


def test_suppression_comments_work_inside_cells():
    text = make_nb([
        ("code", "import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input((8,))])"),
        ("code", "m.add(layers.Conv2D(8, 3))  # shapecheck: ignore[SC101]\nm2 = 1  # shapecheck: ignore[SC102]"),
    ])
    assert where(check_source(text, "s.ipynb")) == []
    report = check_source(text, "s.ipynb", warn_unused_ignores=True)
    assert where(report) == [(2, 2, 9, "SC005")]


def test_magics_fixture_is_checked_around_ipython_syntax():
    report = check_source((DATA / "magics.ipynb").read_text(), "magics.ipynb")
    # the `%%bash` cell 3 is not Python and is skipped; `model?` and `files = !ls` are not errors;
    # the body of the `%%time` cell 6 is Python and is checked
    assert where(report) == [(5, 3, 1, "SC101"), (6, 3, 1, "SC101")]
    # a line named inside a message is a cell's line too
    assert report.diagnostics[0].message.endswith("input (None, 4) from cell 4, line 4 (dense_1))")
    m, probe = report.models
    assert [l.params for l in m.layers[:2]] == [8 * 16 + 16, 16 * 4 + 4]
    assert (probe.name, probe.cell, probe.line) == ("probe", 6, 2)


def test_markdown_only_notebook_passes(tmp_path, capsys):
    f = tmp_path / "md.ipynb"
    f.write_text(make_nb([("markdown", "# Notes\n\nNo code here.")]))
    code, out, _ = check(capsys, str(f))
    assert (code, out) == (0, "All checks passed (1 file checked).\n")


@pytest.mark.parametrize("text, words", [
    ("{not json", "invalid JSON at line 1, column 2"),
    (json.dumps({"cells": [], "nbformat": 3, "nbformat_minor": 0}), "nbformat 3"),
    (json.dumps({"nbformat": 4}), "no list of cells"),
    ("[1, 2]", "no list of cells"),
])
def test_unreadable_notebook_is_one_sc004_and_exit_2(tmp_path, capsys, text, words):
    f = tmp_path / "bad.ipynb"
    f.write_text(text)
    code, out, err = check(capsys, "--format", "json", str(f))
    assert code == 2 and "Traceback" not in err and words in err
    (d,) = json.loads(out)["files"][0]["diagnostics"]
    assert d["code"] == "SC004" and words in d["message"] and "cell" not in d


def test_syntax_error_in_a_cell_is_exit_2_naming_the_cell(tmp_path, capsys):
    f = tmp_path / "syn.ipynb"
    f.write_text(make_nb([("code", "import keras"), ("code", "x = 1\ndef f(:\n    pass")]))
    code, out, err = check(capsys, str(f))
    assert code == 2 and f"{f}:cell 2:2:" in err and "Traceback" not in err
    assert f"{f}:cell 2:2:" in out and "SC001" in out


def test_directory_of_notebooks_and_scripts(tmp_path, capsys):
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "a.ipynb").write_text(FAULTY)
    (tmp_path / "nbs" / "b.ipynb").write_text(make_nb([("markdown", "prose")]))
    (tmp_path / "nbs" / "c.py").write_text("x = 1\n")
    (tmp_path / "nbs" / "notes.txt").write_text("not checked")
    code, out, _ = check(capsys, "--format", "json", str(tmp_path))
    files = json.loads(out)["files"]
    assert [Path(f["path"]).name for f in files] == ["a.ipynb", "b.ipynb", "c.py"]
    assert [len(f["diagnostics"]) for f in files] == [1, 0, 0]
    assert code == 1


# (cell, line, col, code) of every diagnostic on the mirror of each seed notebook
SEED_EXPECTED = {
    "seed000_keras_layers_intro": [(3, 12, 41, "SC403"), (7, 6, 10, "SC403"), (7, 7, 10, "SC403"),
                                   (7, 10, 8, "SC403")],
    "seed001_keras_overview": [],
    "seed002_keras_layers": [(3, 12, 41, "SC403"), (7, 6, 10, "SC403"), (7, 7, 10, "SC403"), (7, 10, 8, "SC403"),
                             (9, 3, 6, "SC403"), (13, 6, 28, "SC514"), (13, 6, 71, "SC401")],
    "seed003_intro_to_keras": [],
    "seed004_sequential_api": [],
}


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_mirrors(name):
    text = (SEEDS / f"{name}.ipynb").read_text()
    report = check_source(text, f"{name}.ipynb")
    assert where(report) == SEED_EXPECTED[name]
    nb = json.loads(text)
    for d in report.diagnostics:  # every position is inside its code cell's text
        cell = nb["cells"][d.cell - 1]
        assert cell["cell_type"] == "code"
        line = "".join(cell["source"]).split("\n")[d.line - 1]
        assert d.col <= len(line)


def test_seed_mirror_models():
    report = check_source((SEEDS / "seed004_sequential_api.ipynb").read_text(), "s.ipynb")
    (m,) = report.models
    assert (m.cell, m.total_params) == (7, 25461)
    assert [(l.cell, l.line, l.params) for l in m.layers] == [(7, 4, 25120), (7, 5, 330), (7, 6, 11)]
    report = check_source((SEEDS / "seed001_keras_overview.ipynb").read_text(), "s.ipynb")
    (m,) = report.models
    assert (m.cell, m.line, m.total_params) == (3, 2, 64 * 100 + 64 + 10 * 64 + 10)
    fit = [e for e in report.events if e.method == "fit"][0]
    assert (fit.cell, fit.line) == (9, 1)


def test_cli_directory_of_seed_mirrors_exit_1():
    r = subprocess.run([sys.executable, "-m", "shapecheck", "check", "-j", "1", "--statistics", str(SEEDS)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr == ""
    assert r.stdout.splitlines()[-1] == "Found 10 errors, 1 warning in 5 files."


def test_fix_edits_are_in_the_cells_lines():
    text = make_nb([
        ("code", "import keras\nfrom keras import layers"),
        ("code", "model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation='softmax')])\n\n"
                 "model.compile(optimizer='adamm', loss='categorical_crossentropy')"),
    ])
    (d,) = check_source(text, "fix.ipynb").diagnostics
    assert (d.cell, d.line, d.code) == (2, 3, "SC202")
    (edit,) = d.fix.edits
    assert (edit.line, edit.col, edit.end_line, edit.end_col, edit.text) == (3, 24, 3, 31, "'adam'")


def test_pre_commit_hook_takes_notebooks():
    yaml = pytest.importorskip("yaml")
    identify = pytest.importorskip("identify.identify")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "types" not in hook
    # pre-commit runs the hook on a file when one of its tags is in types_or
    for name in ("a.ipynb", "b.py"):
        assert identify.tags_from_filename(name) & set(hook["types_or"])
    assert not identify.tags_from_filename("c.json") & set(hook["types_or"])


NOTEBOOKS = sorted(SEEDS.glob("*.ipynb")) + [DATA / "magics.ipynb"] + sorted((ROOT / "examples/notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_position_lands_on_its_code_in_its_cell(path):
    """Models on the line that names them, layers on the line that makes them, sites on code:
    in every cell of every notebook here."""
    text = path.read_text()
    cells = json.loads(text)["cells"]

    def line_of(cell, line):
        assert cell is not None and cells[cell - 1]["cell_type"] == "code"
        return "".join(cells[cell - 1]["source"]).split("\n")[line - 1]

    report = check_source(text, path.name)
    checked = 0
    for m in report.models:
        assert f"{m.name} =" in line_of(m.cell, m.line), (m.name, m.cell, m.line)
        for layer in m.layers:
            want = "Input" if layer.class_name == "InputLayer" else layer.class_name
            assert want in line_of(layer.cell, layer.line), (layer.name, layer.cell, layer.line)
            checked += 1
    for s in report.sites:
        assert line_of(s.cell, s.line)[s.col:].strip(), (s.kind, s.cell, s.line, s.col)
        checked += 1
    for d in report.diagnostics:
        assert d.col - 1 < len(line_of(d.cell, d.line))
    assert checked or not report.models


def test_file_lines_of_cell_lines():
    from shapecheck.notebook_check import json_lines

    lines = FAULTY.split("\n")
    where = json_lines(FAULTY)
    for (cell, line), at in where.items():
        source = json.loads(FAULTY)["cells"][cell - 1]["source"][line - 1]
        assert json.loads(lines[at - 1].strip().rstrip(",")) == source
    assert sorted(c for c, _ in where) == [1, 2, 2, 3, 3, 4, 5, 5, 5]
    # a cell whose source is one string: all its lines are on the line of that string
    one = json.dumps({"cells": [{"cell_type": "code", "source": "a = 1\nb = 2"}], "nbformat": 4}, indent=1)
    assert json_lines(one) == {(1, 1): 5, (1, 2): 5}
    assert json_lines("{broken") == {}
