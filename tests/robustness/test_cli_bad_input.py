"""Bad input on the command line: clear one-line messages and exit status 2, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .lspclient import server_env
from .support import MODEL


def shapecheck(*args, cwd):
    out = subprocess.run([sys.executable, "-m", "shapecheck", *map(str, args)], capture_output=True, text=True,
                         env=server_env(), cwd=cwd, timeout=120)
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    return out


@pytest.fixture
def files(tmp_path):
    (tmp_path / "syntax.py").write_text("import numpy as np\nx = np.zeros((3, 4)\ny = 2\n")
    (tmp_path / "binary.py").write_bytes(b"\x7fELF\x00\x01\x02\xff\xfe")
    (tmp_path / "latin.py").write_bytes(b'x = "caf\xe9"\n')
    (tmp_path / "declared.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + MODEL.encode() + b'label = "caf\xe9"\n')
    (tmp_path / "broken.ipynb").write_text("{not json")
    (tmp_path / "nested.py").write_text("x = " + "(" * 5000 + ")" * 5000 + "\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "notes.txt").write_text("x = 1\n")
    return tmp_path


def test_syntax_error_is_one_diagnostic_with_position(files):
    out = shapecheck("check", "--format", "json", "syntax.py", cwd=files)
    assert out.returncode == 2
    [f] = json.loads(out.stdout)["files"]
    assert [(d["code"], d["line"], d["col"], d["message"]) for d in f["diagnostics"]] == [
        ("SC001", 2, 13, "Syntax error: '(' was never closed")]
    text = shapecheck("check", "syntax.py", cwd=files)
    assert text.returncode == 2 and "syntax.py:2:13: SC001 Syntax error: '(' was never closed" in text.stdout
    summary = shapecheck("summary", "syntax.py", cwd=files)
    assert summary.returncode == 2
    assert summary.stdout.strip() == "syntax.py:2:13: SC001 Syntax error: '(' was never closed"


def test_nesting_python_refuses_is_a_syntax_error(files):
    out = shapecheck("check", "--format", "json", "nested.py", cwd=files)
    assert out.returncode == 2
    [f] = json.loads(out.stdout)["files"]
    assert [(d["code"], d["line"], d["message"]) for d in f["diagnostics"]] == [
        ("SC001", 1, "Syntax error: too many nested parentheses")]


UNREADABLE = [
    ("missing.py", "shapecheck: missing.py: no such file or directory"),
    ("empty", "shapecheck: empty: no Python files or notebooks"),
    ("texts", "shapecheck: texts: no Python files or notebooks"),
    ("binary.py", "shapecheck: binary.py: binary file, not Python source"),
    ("latin.py", "shapecheck: latin.py: not UTF-8 text (byte 8) and no coding declaration: cannot analyze"),
]


@pytest.mark.parametrize("command", ["check", "summary"])
def test_unreadable_input_is_exit_2_with_one_line_each(files, command):
    out = shapecheck(command, *[target for target, _ in UNREADABLE], cwd=files)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == len(UNREADABLE), out.stderr
    for line, (_, message) in zip(lines, UNREADABLE):
        assert line.startswith(message), line


def test_declared_encoding_is_read(files):
    # PEP 263: Python runs a latin-1 file that says so; so we analyze it.
    out = shapecheck("summary", "--format", "json", "declared.py", cwd=files)
    assert out.returncode == 0, out.stderr
    [f] = json.loads(out.stdout)["files"]
    assert [(m["name"], m["total_params"]) for m in f["models"]] == [("model", 36)]


def test_broken_notebook(files):
    out = shapecheck("check", "broken.ipynb", cwd=files)
    assert out.returncode == 2
    assert "broken.ipynb:1:1: SC004 not a valid notebook: invalid JSON at line 1, column 2" in out.stdout


def test_one_bad_file_does_not_stop_the_others(files):
    (files / "good.py").write_text(MODEL)
    out = shapecheck("summary", "--format", "json", "missing.py", "binary.py", "good.py", cwd=files)
    assert out.returncode == 2
    assert [json.loads(out.stdout)["files"][0]["models"][0]["total_params"]] == [36]
    assert len(out.stderr.strip().splitlines()) == 2


WRONG_ARGS = [
    (["check", "--bogus"], "unrecognized arguments: --bogus"),
    (["frob"], "invalid choice: 'frob'"),
    (["summary"], "the following arguments are required: FILE"),
    (["check", "--format", "xml", "x.py"], "invalid choice: 'xml'"),
    (["check", "--jobs", "many", "x.py"], "invalid int value: 'many'"),
    (["check", "--jobs", "-1", "x.py"], "--jobs must be 0 or more"),
    (["check", "--select", "ZZZ", "x.py"], "matches no shapecheck code"),
    (["explain", "SC999"], "unknown code 'SC999'"),
    ([], "usage: shapecheck"),
]


@pytest.mark.parametrize("args, words", WRONG_ARGS, ids=[" ".join(a) or "none" for a, _ in WRONG_ARGS])
def test_wrong_arguments(tmp_path, monkeypatch, capsys, args, words):
    # In-process (the same main() the console script calls): a subprocess each costs seconds here.
    from shapecheck.cli import main

    monkeypatch.chdir(tmp_path)
    try:
        status = main(args)
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert words in err and "Traceback" not in err


def test_wrong_arguments_through_the_real_entry_point(tmp_path):
    out = shapecheck("check", "--format", "xml", "x.py", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.splitlines()[-1].startswith("shapecheck: error: argument --format: invalid choice: 'xml'")
