"""Real-world style Keras scripts (masks, subclassed models, custom layers,
losses and metrics, callbacks, tf.data, GradientTape loops, train_step
overrides, save/load) run unchanged under `shapecheck run` and print what real
Keras 3 printed for them (tests/oracle/gen_runtime_scripts.py): the same text,
numbers equal to within printing precision."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from shapecheck.cli import main

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "scripts"
# scripts and notebooks (a notebook's text holds its In [n]: / Out[n]: lines, as `shapecheck run` prints them)
CASES = sorted(p for p in [*SCRIPTS.glob("*.py"), *SCRIPTS.glob("*.ipynb")] if p.with_suffix(".keras.txt").exists())
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def _compare(ours: str, theirs: str, rel=1e-4):
    """Line by line: the words equal, the numbers within one unit of their last
    printed decimal (a value rounded the other way) or a relative 1e-4."""
    a, b = ours.splitlines(), theirs.splitlines()
    assert len(a) == len(b), f"{len(a)} lines printed, Keras printed {len(b)}:\n{ours}\n--- keras ---\n{theirs}"
    for la, lb in zip(a, b):
        assert NUMBER.sub("#", la) == NUMBER.sub("#", lb), f"\nours:  {la}\nkeras: {lb}"
        for x, y in zip(NUMBER.findall(la), NUMBER.findall(lb)):
            fx, fy = float(x), float(y)
            unit = 10.0 ** -max(_decimals(x), _decimals(y))
            assert abs(fx - fy) <= 1.01 * unit + rel * abs(fy), f"{x} != {y}\nours:  {la}\nkeras: {lb}"


def test_every_script_has_its_keras_output():
    assert len(CASES) >= 80
    assert any(p.suffix == ".ipynb" for p in CASES)


# Scripts whose output still differs from Keras's, and why (strict: one that comes
# to match fails the run until its entry leaves this table).
GAPS = {
}


@pytest.mark.parametrize("script", [pytest.param(p, marks=pytest.mark.xfail(reason=GAPS[p.stem], strict=True))
                                    if p.stem in GAPS else p for p in CASES], ids=[p.stem for p in CASES])
def test_script_prints_what_keras_prints(script, capsys, monkeypatch):
    monkeypatch.chdir(script.parent)
    code = main(["run", "--no-confirm", str(script)])
    out, err = capsys.readouterr()
    assert code == 0, err
    _compare(out, script.with_suffix(".keras.txt").read_text())


def test_compare_catches_a_changed_number():
    with pytest.raises(AssertionError):
        _compare("loss [0.69402, 0.6931]", "loss [0.69402, 0.6951]")
    with pytest.raises(AssertionError):
        _compare("keys ['a']", "keys ['b']")
    with pytest.raises(AssertionError):
        _compare("2 0.98655 0.5", "2 0.98555 0.5")
    _compare("loss [0.2089]", "loss [0.209]")


# Keras 3.15's summary tables measured at each terminal width (top border's
# segments, padding included): COLUMNS=N python -c "model.summary()".
KERAS_WIDTHS = {
    50: ([19, 14, 9], [12, 11, 7, 11]), 60: ([24, 17, 11], [15, 14, 8, 14]), 70: ([28, 21, 13], [18, 16, 10, 17]),
    76: ([31, 23, 14], [20, 18, 11, 18]), 80: ([33, 24, 15], [21, 19, 12, 19]), 84: ([35, 26, 15], [23, 19, 13, 20]),
    88: ([36, 28, 16], [24, 21, 13, 21]), 92: ([38, 29, 17], [25, 22, 14, 22]), 100: ([38, 29, 17], [27, 24, 16, 24]),
    108: ([38, 29, 17], [30, 26, 16, 27]), 112: ([38, 29, 17], [31, 27, 17, 28]), 120: ([38, 29, 17], [31, 27, 17, 28]),
}


@pytest.mark.parametrize("columns", sorted(KERAS_WIDTHS))
def test_summary_table_width_follows_the_terminal_like_keras(columns):
    from shapecheck.runtime.engine.summary import column_widths

    chain, graph = KERAS_WIDTHS[columns]
    assert column_widths(False, columns) == chain
    assert column_widths(True, columns) == graph


def test_summary_uses_80_columns_when_not_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): __import__("os").terminal_size(fallback))
    from shapecheck.runtime.engine.layer import layer_class
    from shapecheck.runtime.engine.model import Sequential
    from shapecheck.runtime.engine.layer import Input

    m = Sequential([Input((4,)), layer_class("Dense")(3)])
    m.summary()
    top = [l for l in capsys.readouterr().out.splitlines() if l.startswith("┏")][0]
    assert [len(p) for p in top[1:-1].split("┳")] == [33, 24, 15]
