"""`shapecheck summary` text against the tables real Keras 3 printed.

Each fixture program's `<name>.summary.txt` holds what `model.summary()`
printed under Keras 3.15 (tests/oracle/gen_models.py); our rendering of the
statically found models must be the same text.
"""
from pathlib import Path

import pytest

from shapecheck.analyzer import analyze
from shapecheck.analyzer.summary import render_model

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "models").glob("*.summary.txt"))
# Tables we do not render like Keras yet (xfail strict; tests/oracle/known_gaps.py rewrites the list).
_GAPS_FILE = ROOT / "tests" / "fixtures" / "models" / "KNOWN_SUMMARY_GAPS.txt"
_GAPS = {l.split("#", 1)[0].strip() for l in _GAPS_FILE.read_text().splitlines()} - {""} if _GAPS_FILE.exists() else set()
_CASES = [
    pytest.param(p, id=p.name.split(".")[0],
                 marks=[pytest.mark.xfail(strict=True, reason="KNOWN_SUMMARY_GAPS.txt")] if p.name.split(".")[0] in _GAPS else [])
    for p in FIXTURES
]


def _keras_tables(text: str) -> list[str]:
    tables = []
    for chunk in text.split('Model: "')[1:]:
        body = 'Model: "' + chunk
        lines = body.splitlines()
        end = max(i for i, l in enumerate(lines) if l.startswith(" Non-trainable params:"))
        if end + 1 < len(lines) and lines[end + 1].startswith(" Optimizer params:"):
            end += 1  # a fit built the optimizer: Keras counts its variables too
        tables.append("\n".join(lines[: end + 1]) + "\n")
    return tables


@pytest.mark.parametrize("summary_path", _CASES)
def test_summary_text_matches_keras(summary_path):
    source_path = summary_path.with_name(summary_path.name.split(".")[0] + ".py")
    if source_path.exists():
        report = analyze(source_path.read_text(), str(source_path))
    else:  # a notebook fixture: its code cells in order
        from shapecheck.notebook import analyze_notebook

        source_path = source_path.with_suffix(".ipynb")
        report = analyze_notebook(source_path.read_text(), str(source_path))
    keras_tables = _keras_tables(summary_path.read_text())
    # Several models may share a name (two instances of one subclass): match them in order.
    ours: dict = {}
    for m in report.models:
        text = render_model(m)
        ours.setdefault(text.splitlines()[0], []).append(text)
    assert keras_tables, "fixture holds no summary"
    for table in keras_tables:
        title = table.splitlines()[0]
        assert ours.get(title), f"no (further) model named {title} found; we have {list(ours)}"
        assert ours[title].pop(0) == table
