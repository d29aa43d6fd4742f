"""`shapecheck check`: discovery, configuration, suppressions, formats, exit codes.

These run the real pipeline with a stand-in interpreter (see conftest) so that
the command's own behaviour is tested independently of the analyzer."""
import json
import os
import subprocess
import sys

import pytest

from shapecheck.cli import main

pytestmark = pytest.mark.usefixtures("fake_analyzer")


def write(tmp_path, rel, text):
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def check(capsys, *argv):
    code = main(["check", "-j", "1", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_format_has_location_source_caret_and_hint(tmp_path, capsys):
    f = write(tmp_path, "m.py", "a = 1\nx = merge(a)  # emit: SC102\n")
    code, out, _ = check(capsys, str(f))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{f}:2:1: SC102 fake SC102 fault"
    assert lines[2] == " 2 | x = merge(a)  # emit: SC102"
    assert lines[3] == "   | ^^^^^^^^^^^^^^ error"
    assert lines[4] == "  = hint: fake hint"
    assert lines[-1] == "Found 1 error in 1 file."


def test_clean_file_exit_0(tmp_path, capsys):
    f = write(tmp_path, "ok.py", "a = 1\n")
    code, out, _ = check(capsys, str(f))
    assert code == 0 and out == "All checks passed (1 file checked).\n"


def test_warnings_exit_0_unless_strict(tmp_path, capsys):
    f = write(tmp_path, "w.py", "x = 1  # emit: SC507\n")
    assert check(capsys, str(f))[0] == 0
    assert check(capsys, "--strict", str(f))[0] == 1


def test_bad_inputs_exit_2_with_clear_messages(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hi")
    binary = tmp_path / "bin.py"
    binary.write_bytes(b"\x00\x01\x02abc")
    syntax = write(tmp_path, "syn.py", "def f(:\n    pass\n")
    good = write(tmp_path, "good.py", "a = 1\n")
    code, out, err = check(capsys, str(tmp_path / "missing.py"), str(empty), str(binary), str(syntax), str(good))
    assert code == 2
    assert f"{tmp_path / 'missing.py'}: no such file or directory" in err
    assert f"{empty}: no Python files or notebooks to check in this directory" in err
    assert f"{binary}: binary file, not Python source" in err
    assert f"{syntax}:" in err and "Syntax error" in err and "Traceback" not in err
    assert "SC001" in out  # the syntax error is also a diagnostic in the report


def test_directory_walk_honours_gitignore_and_config_exclude(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".gitignore", "build/\n*_gen.py\n!keep_gen.py\n")
    write(tmp_path, "pyproject.toml", '[tool.shapecheck]\nexclude = ["legacy/**", "/top_only.py"]\n')
    for rel in ("src/a.py", "build/b.py", "src/x_gen.py", "src/keep_gen.py", "legacy/deep/c.py", "top_only.py",
                "src/top_only.py", "nb/n.ipynb"):
        write(tmp_path, rel, "a = 1  # emit: SC102\n" if rel.endswith(".py") else json.dumps(
            {"cells": [{"cell_type": "code", "source": ["a = 1  # emit: SC102\n"]}], "nbformat": 4}))
    code, out, _ = check(capsys, "--format", "json", str(tmp_path))
    paths = sorted(os.path.relpath(f["path"], tmp_path) for f in json.loads(out)["files"])
    assert paths == ["nb/n.ipynb", "src/a.py", "src/keep_gen.py", "src/top_only.py"]


def test_notebook_diagnostics_point_at_cells(tmp_path, capsys):
    nb = {"cells": [{"cell_type": "markdown", "source": "# title"},
                    {"cell_type": "code", "source": ["%matplotlib inline\n", "a = 1\n"]},
                    {"cell_type": "code", "source": ["b = 2\n", "c = 3  # emit: SC102\n"]}],
          "nbformat": 4, "nbformat_minor": 5, "metadata": {}}
    f = write(tmp_path, "n.ipynb", json.dumps(nb))
    code, out, _ = check(capsys, "--format", "json", str(f))
    (d,) = json.loads(out)["files"][0]["diagnostics"]
    assert (d["cell"], d["line"], d["col"]) == (3, 2, 1)


def test_config_select_ignore_and_severity(tmp_path, capsys):
    write(tmp_path, "pyproject.toml", '[tool.shapecheck]\nignore = ["SC5"]\nselect = ["SC1", "SC507"]\n'
                                      '[tool.shapecheck.severity]\nSC507 = "error"\nSC102 = "warning"\n')
    f = write(tmp_path, "m.py", "a = 1  # emit: SC102\nb = 1  # emit: SC507\nc = 1  # emit: SC501\nd = 1  # emit: SC201\n")
    code, out, _ = check(capsys, "--format", "json", str(f))
    diags = [(d["code"], d["severity"]) for d in json.loads(out)["files"][0]["diagnostics"]]
    assert diags == [("SC102", "warning"), ("SC507", "error")]
    assert code == 1
    code, out, _ = check(capsys, "--format", "json", "--select", "SC2", str(f))
    assert [d["code"] for d in json.loads(out)["files"][0]["diagnostics"]] == ["SC201"]


def test_bad_config_is_exit_2(tmp_path, capsys):
    write(tmp_path, "pyproject.toml", '[tool.shapecheck]\nselect = ["XX1"]\n')
    f = write(tmp_path, "m.py", "a = 1\n")
    code, _, err = check(capsys, str(f))
    assert code == 2 and "matches no shapecheck code" in err
    write(tmp_path, "pyproject.toml", '[tool.shapecheck]\nselekt = ["SC1"]\n')
    code, _, err = check(capsys, str(f))
    assert code == 2 and "unknown setting 'selekt'" in err
    code, _, err = check(capsys, "--select", "SC9", str(f))
    assert code == 2


def test_suppressions_and_unused_ignores(tmp_path, capsys):
    f = write(tmp_path, "m.py", "\n".join([
        "a = 1  # emit: SC102  # shapecheck: ignore[SC102]",
        "b = 1  # emit: SC102  # shapecheck: ignore",
        "c = 1  # emit: SC102  # shapecheck: ignore[SC103]",
        "d = 1  # shapecheck: ignore[SC999]",
        "e = '# shapecheck: ignore'  # emit: SC102",
    ]) + "\n")
    code, out, _ = check(capsys, "--format", "json", str(f))
    assert [(d["line"], d["code"]) for d in json.loads(out)["files"][0]["diagnostics"]] == [(3, "SC102"), (5, "SC102")]
    code, out, _ = check(capsys, "--format", "json", "--warn-unused-ignores", str(f))
    got = [(d["line"], d["code"]) for d in json.loads(out)["files"][0]["diagnostics"]]
    assert got == [(3, "SC102"), (3, "SC005"), (4, "SC005"), (5, "SC102")]
    msgs = [d["message"] for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC005"]
    assert "SC999 is not a shapecheck code" in msgs[1]


def test_json_format_is_the_summary_schema(tmp_path, capsys):
    f = write(tmp_path, "m.py", "x = 1  # emit: SC102\n")
    _, out, _ = check(capsys, "--format", "json", str(f))
    data = json.loads(out)
    assert data["version"] == 1
    (entry,) = data["files"]
    assert set(entry) == {"path", "models", "diagnostics"}
    assert entry["diagnostics"][0] == {"line": 1, "col": 1, "end_line": 1, "end_col": 8, "severity": "error",
                                       "code": "SC102", "message": "fake SC102 fault", "hint": "fake hint"}


def test_github_format(tmp_path, capsys):
    f = write(tmp_path, "a,b.py", "x = 1  # emit: SC102\ny = 2  # emit: SC507\nz = 3  # emit: SC003\n")
    _, out, _ = check(capsys, "--format", "github", str(f))
    lines = out.splitlines()
    p = str(f).replace(",", "%2C")
    assert lines[0] == (f"::error file={p},line=1,col=1,endLine=1,endColumn=8,title=SC102 merge-shapes::"
                        "fake SC102 fault%0A%0Ahint: fake hint")
    assert lines[1].startswith("::warning ") and lines[2].startswith("::notice ")


def test_sarif_validates_against_official_schema(tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    here = os.path.dirname(__file__)
    with open(os.path.join(here, "data", "sarif-schema-2.1.0.json")) as fh:
        schema = json.load(fh)
    f = write(tmp_path, "m.py", "x = 1  # emit: SC102\ny = 2  # emit: SC507\nz = 3  # emit: SC003\n")
    _, out, _ = check(capsys, "--format", "sarif", str(f))
    log = json.loads(out)
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    run = log["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    r0 = run["results"][0]
    assert run["tool"]["driver"]["rules"][r0["ruleIndex"]]["id"] == "SC102"
    assert r0["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1,
                                                                 "endColumn": 8}
    # the schema really is checked: a broken log fails it
    del r0["message"]
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log))


def test_statistics(tmp_path, capsys):
    f = write(tmp_path, "m.py", "a = 1  # emit: SC102\nb = 1  # emit: SC102\nc = 1  # emit: SC507\n")
    _, out, _ = check(capsys, "--statistics", str(f))
    assert out.splitlines()[:2] == ["2  SC102  error    merge-shapes", "1  SC507  warning  linear-dense-stack"]
    assert out.splitlines()[-1] == "Found 2 errors, 1 warning in 1 file."


def test_parallel_matches_serial(tmp_path, capsys):
    for i in range(24):
        write(tmp_path, f"d/f{i:02d}.py", "a = 1\n" + ("b = 2  # emit: SC102\n" if i % 3 == 0 else ""))
    code_s, out_s, _ = check(capsys, "--format", "json", str(tmp_path / "d"))
    code_p = main(["check", "-j", "2", "--format", "json", str(tmp_path / "d")])
    out_p = capsys.readouterr().out
    assert code_s == code_p == 1
    assert out_s == out_p
    assert sum(len(f["diagnostics"]) for f in json.loads(out_p)["files"]) == 8


def test_output_file(tmp_path, capsys):
    f = write(tmp_path, "m.py", "a = 1  # emit: SC102\n")
    code, out, _ = check(capsys, "--format", "json", "-o", str(tmp_path / "r.json"), str(f))
    assert out == "" and json.loads((tmp_path / "r.json").read_text())["files"][0]["diagnostics"]


def test_internal_failure_is_sc000_and_exit_2(tmp_path, capsys, monkeypatch, fake_analyzer):
    def boom(module, source, report, options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(fake_analyzer, "interpret", boom)
    f = write(tmp_path, "m.py", "a = 1\n")
    code, out, err = check(capsys, str(f))
    assert code == 2 and "SC000" in out and "ZeroDivisionError" in err and "Traceback" not in err


def test_usage_error_is_exit_2():
    r = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--format", "xml"], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert r.returncode == 2 and "invalid choice" in r.stderr
