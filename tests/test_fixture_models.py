"""The analyzer against real Keras 3: every fixture program's models, exactly.

Expected JSON comes from tests/oracle/gen_models.py (real Keras 3 + TensorFlow,
run once and committed), so this suite needs no TensorFlow. A fixture listed
in KNOWN_GAPS.txt next to the programs is expected to fail (strict: once it
passes, remove it from the list — `python tests/oracle/known_gaps.py` rewrites
the lists from the analyzer's current results).
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from oracle.fixture_json import dumps_models

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "tests" / "fixtures" / "models"
EXAMPLES_DIR = ROOT / "tests" / "fixtures" / "examples"


def known_gaps(directory: Path) -> set:
    path = directory / "KNOWN_GAPS.txt"
    if not path.exists():
        return set()
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def cases(directory: Path) -> list:
    gaps = known_gaps(directory)
    out = []
    for expected in sorted(directory.glob("*.json")):
        marks = [pytest.mark.xfail(strict=True, reason="listed in KNOWN_GAPS.txt")] if expected.stem in gaps else []
        out.append(pytest.param(expected, id=expected.stem, marks=marks))
    return out


def analyze_expected(expected_path: Path) -> tuple:
    """(expected file entry, the analyzer's report) for one expected-JSON file."""
    from shapecheck.analyzer.api import analyze

    expected = json.loads(expected_path.read_text())
    (entry,) = expected["files"]
    source = (ROOT / entry["path"]).read_text(encoding="utf-8")
    if entry["path"].endswith(".ipynb"):
        from shapecheck.notebook import analyze_notebook

        return entry, analyze_notebook(source, entry["path"])
    return entry, analyze(source, entry["path"])


def assert_models_match(entry: dict, report) -> None:
    actual = report.to_json()
    want, got = entry["models"], actual["models"]
    if want != got:
        diff = difflib.unified_diff(
            dumps_models(want).splitlines(), dumps_models(got).splitlines(), "keras", "shapecheck", lineterm="", n=2
        )
        pytest.fail(f"{entry['path']}: models differ from real Keras 3\n" + "\n".join(diff), pytrace=False)


@pytest.mark.parametrize("expected_path", cases(MODELS_DIR))
def test_fixture_models_match_keras(expected_path):
    entry, report = analyze_expected(expected_path)
    # SC403 flags Keras 2 module paths, which the oracle serves through shims
    # (real Keras 3 refuses the import): that error is the right answer.
    errors = [d for d in report.diagnostics if d.severity == "error" and d.code != "SC403"]
    assert not errors, f"{entry['path']}: error diagnostics on a program Keras runs: {errors}"
    assert_models_match(entry, report)


@pytest.mark.parametrize("expected_path", cases(EXAMPLES_DIR))
def test_example_models_match_keras(expected_path):
    # Seed examples may hold Keras 2 spellings Keras 3 rejects (weights=), so
    # diagnostics are the rules' business here; the models must still match.
    entry, report = analyze_expected(expected_path)
    assert_models_match(entry, report)


def _seed_sigmoid_stack_xfail():
    gaps = known_gaps(EXAMPLES_DIR)
    if "seed_numbers_sigmoid_stack" in gaps:
        return [pytest.mark.xfail(strict=True, reason="listed in KNOWN_GAPS.txt")]
    return []


@pytest.mark.parametrize("path", [pytest.param("examples/seeds/sigmoid_stack.py", marks=_seed_sigmoid_stack_xfail())])
def test_seed_numbers_sigmoid_stack(path):
    """The 784 -> 32 -> 10 -> 1 sigmoid stack: 25,120 + 330 + 11 = 25,461 params."""
    from shapecheck.analyzer.api import analyze

    report = analyze((ROOT / path).read_text(encoding="utf-8"), path)
    (model,) = report.models
    assert [l.params for l in model.layers] == [25120, 330, 11]
    assert [l.output_shape for l in model.layers] == [(None, 32), (None, 10), (None, 1)]
    assert (model.total_params, model.trainable_params, model.non_trainable_params) == (25461, 25461, 0)


def test_every_fixture_program_has_expected_files():
    """A fixture added without running the oracle would silently test nothing."""
    programs = {p.stem for p in MODELS_DIR.glob("*.py")} | {p.stem for p in MODELS_DIR.glob("*.ipynb")}
    expected = {p.stem for p in MODELS_DIR.glob("*.json")}
    summaries = {p.name.split(".")[0] for p in MODELS_DIR.glob("*.summary.txt")}
    assert programs == expected == summaries, (
        f"run tests/oracle/gen_models.py: missing JSON {sorted(programs - expected)}, "
        f"stale JSON {sorted(expected - programs)}, missing summaries {sorted(programs - summaries)}"
    )
    n_models = 0
    for path in MODELS_DIR.glob("*.json"):
        (entry,) = json.loads(path.read_text())["files"]
        assert entry["path"] in (f"tests/fixtures/models/{path.stem}.py", f"tests/fixtures/models/{path.stem}.ipynb")
        n_models += len(entry["models"])
    assert n_models >= 80, f"issue 2 asks for at least 80 fixture models; there are {n_models}"
