"""End to end: each snippet in snippets/ through analyze + rules, against what
real Keras 3 did with the same program (snippets/keras_results.json, written
by tests/oracle/gen_check_snippets.py).

* the codes reported are exactly the ones the snippet's `# expect:` line names;
* a snippet with an error code is one Keras refuses, and an error is reported
  on the line Keras raised from;
* a snippet with only warnings (or nothing) is one Keras runs.
"""
import json
from pathlib import Path

import pytest

from shapecheck.checking import check_source
from shapecheck.rules import RULES

HERE = Path(__file__).parent / "snippets"
KERAS = json.loads((HERE / "keras_results.json").read_text())["snippets"]
SNIPPETS = sorted(HERE.glob("*.py"))
# Where the device decides: TensorFlow on CPU raises for an out-of-range
# embedding index, on GPU it returns zeros; shapecheck warns.
DEVICE_DEPENDENT = {"sc511_embedding_index_range"}
QUIET = {"SC002", "SC003"}  # where the analysis stopped following a value: not findings


def expected_codes(path: Path) -> set:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect:"), path
    return {c for c in first[len("# expect:"):].split() if c.startswith("SC")}


def test_every_rule_code_from_sc2_to_sc5_has_a_snippet():
    covered = set().union(*(expected_codes(p) for p in SNIPPETS))
    wanted = {c for c in RULES if c[2] in "235" or c in ("SC122", "SC123")}
    wanted -= {"SC005"}
    assert wanted <= covered, sorted(wanted - covered)


def test_keras_record_covers_every_snippet():
    assert {p.stem for p in SNIPPETS} == set(KERAS)


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.stem)
def test_snippet(path):
    report = check_source(path.read_text(), str(path))
    found = {d.code for d in report.diagnostics} - QUIET
    expect = expected_codes(path)
    assert found == expect, [(d.line, d.code, d.message) for d in report.diagnostics]
    keras = KERAS[path.stem]
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if path.stem in DEVICE_DEPENDENT:
        assert not errors
        return
    if errors:
        assert keras["raised"], f"Keras ran {path.stem} without error"
        assert keras["line"] in {d.line for d in errors}, (keras, [(d.line, d.code) for d in errors])
    else:
        assert not keras["raised"], f"Keras raised {keras.get('exception')}: {keras.get('message')}"
