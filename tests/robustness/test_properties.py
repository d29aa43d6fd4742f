"""Never crash, property-based: generated programs (hypothesmith) and mutated
versions of the fixture programs go through the `shapecheck check` pipeline
with zero internal errors, each within a bounded time.

SHAPECHECK_FUZZ_EXAMPLES raises the number of examples (default: a quick run).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shapecheck.checking import check_source

from .support import explain, internal_errors

EXAMPLES = int(os.environ.get("SHAPECHECK_FUZZ_EXAMPLES", "60"))
# hypothesmith spends about a second on each program it generates: fewer of those.
GENERATED = int(os.environ.get("SHAPECHECK_FUZZ_GENERATED", "8"))
FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "models").glob("*.py"))
CPU_LIMIT_S = 5.0

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it takes minutes on slow generated programs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

SETTINGS_GENERATED = settings(SETTINGS, max_examples=GENERATED)

# Snippets an edit in progress or a hostile file might hold.
SNIPPETS = [
    "while True:\n    pass",
    "def f(n):\n    return f(n + 1)\nf(0)",
    "x = x[0][1:-1:2]",
    "model = model(model)",
    "layers = None",
    "keras = 3",
    "import keras.layers as keras",
    "del model",
    "model.add(model)",
    "model.layers[0] = model",
    "for model.x in range(3): pass",
    "x: int",
    "lambda *a, **k: (yield)",
    "class Model(keras.Model):\n    def call(self, x):\n        return self(x)",
    "x = [*range(5), *x]",
    "raise SystemExit(0)",
    "async def f():\n    await model",
    "global model",
    "match model:\n    case _: pass",
    "m = keras.Sequential([keras.Input((0,)), keras.layers.Dense(-1)])",
    "m = keras.Sequential([keras.Input((None, None)), keras.layers.Reshape((-1, -1))])",
    "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(10**30)])",
]

NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
NUMBERS = st.sampled_from([0, 1, 2, 3, 7, 64, -1, -5, 10**6, 10**30, 2**63])


def _check(source: str, label: str) -> None:
    start = time.process_time()
    report = check_source(source, label)
    spent = time.process_time() - start
    errors = internal_errors(report)
    assert not errors, f"{label}: {[d.message for d in errors]}\n{explain(source, label)}\n--- source ---\n{source}"
    assert spent < CPU_LIMIT_S, f"{label}: {spent:.2f} CPU s\n{source}"


@st.composite
def mutated_fixture(draw):
    path = draw(st.sampled_from(FIXTURES))
    lines = path.read_text().splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "number", "snippet", "indent", "truncate"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "number":
            found = list(NUMBER.finditer(lines[i]))
            if found:
                m = found[draw(st.integers(0, len(found) - 1))]
                lines[i] = lines[i][: m.start()] + str(draw(NUMBERS)) + lines[i][m.end():]
        elif kind == "snippet":
            lines[i:i] = draw(st.sampled_from(SNIPPETS)).splitlines()
        elif kind == "indent":
            lines[i] = "    " + lines[i]
        else:  # an edit in progress: the line cut short
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return path.name, "\n".join(lines) + "\n"


@SETTINGS
@given(mutated_fixture())
def test_mutated_fixtures_never_crash(case):
    name, source = case
    _check(source, f"mutated-{name}")


# -- Keras-shaped programs with junk arguments ----------------------------------
def _catalog() -> list[str]:
    import shapecheck.layers  # noqa: F401  (registers every spec)
    from shapecheck.layers.base import CATALOG

    return sorted(name for name in CATALOG if name.isidentifier())


JUNK = st.one_of(
    st.sampled_from(["0", "1", "3", "-1", "10**12", "None", "True", "'same'", "'valid'", "'relu'", "'junk'",
                     "0.5", "-2.5", "float('nan')", "()", "(2, 2)", "(0, -1)", "[1, None]", "{'a': 1}",
                     "x", "inp", "model", "layers", "lambda t: t", "np.zeros((2, 3))", "...", "'channels_first'"]),
    st.tuples(st.integers(-2, 6), st.integers(-2, 6)).map(str),
)
SHAPES = st.lists(st.one_of(st.integers(-1, 12), st.none()), max_size=5).map(lambda dims: repr(tuple(dims)))


@st.composite
def keras_program(draw):
    catalog = _catalog()
    lines = ["import numpy as np", "import keras", "from keras import layers, ops",
             f"inp = keras.Input({draw(SHAPES)})", "x = inp"]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["layer", "layer", "layer", "merge", "op", "index", "input", "model", "train"]))
        if kind == "layer":
            name = draw(st.sampled_from(catalog))
            args = draw(st.lists(JUNK, max_size=3))
            kwargs = draw(st.lists(st.tuples(st.sampled_from(
                ["units", "filters", "kernel_size", "strides", "padding", "activation", "axis", "target_shape",
                 "pool_size", "rate", "return_sequences", "input_shape", "data_format", "dims", "n", "cropping",
                 "size", "layer", "num_heads", "key_dim", "bogus"]), JUNK), max_size=3, unique_by=lambda kv: kv[0]))
            call = ", ".join(args + [f"{k}={v}" for k, v in kwargs])
            lines.append(f"x = layers.{name}({call})(x)")
        elif kind == "merge":
            lines.append(f"x = layers.{draw(st.sampled_from(['concatenate', 'add', 'multiply', 'Concatenate()', 'Add()', 'Dot(axes=1)']))}([x, inp])")
        elif kind == "op":
            lines.append(draw(st.sampled_from([
                f"x = ops.reshape(x, {draw(SHAPES)})", "x = x + inp", "x = ops.transpose(x)", "x = x * 2",
                f"x = ops.expand_dims(x, {draw(JUNK)})", "x = ops.sum(x, axis=-1)", "x = ops.matmul(x, inp)"])))
        elif kind == "index":
            lines.append(f"x = x[{draw(st.sampled_from(['0', ':, 0', '..., 1:', 'None', ':, ::-1', '1:2, None']))}]")
        elif kind == "input":
            lines.append(f"inp = keras.Input({draw(SHAPES)})")
        elif kind == "model":
            lines.append(draw(st.sampled_from(["model = keras.Model(inp, x)", "model = keras.Model(inputs=[inp], outputs=[x, x])",
                                               f"model = keras.Sequential([keras.Input({draw(SHAPES)}), layers.{draw(st.sampled_from(catalog))}()])"])))
        else:
            loss = draw(st.sampled_from(["'mse'", "'sparse_categorical_crossentropy'", "None", "3"]))
            lines.append(f"model.compile(optimizer={draw(JUNK)}, loss={loss})")
            lines.append(f"model.fit(np.zeros({draw(SHAPES)}), np.zeros({draw(SHAPES)}), batch_size={draw(JUNK)}, epochs=1)")
            lines.append(f"model.predict(np.ones({draw(SHAPES)}))")
            lines.append("model.summary()")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(keras_program())
def test_keras_programs_with_junk_arguments_never_crash(source):
    _check(source, "junk_keras.py")


try:
    import hypothesmith
except ImportError:  # pragma: no cover - the test extra installs it
    hypothesmith = None


@pytest.mark.skipif(hypothesmith is None, reason="hypothesmith is not installed (pip install '.[test]')")
@SETTINGS_GENERATED
@given(st.data())
def test_generated_programs_never_crash(data):
    source = data.draw(hypothesmith.from_grammar(auto_target=False))
    _check(source, "generated.py")


@pytest.mark.skipif(hypothesmith is None, reason="hypothesmith is not installed (pip install '.[test]')")
@SETTINGS_GENERATED
@given(st.data())
def test_generated_programs_around_a_model_never_crash(data):
    # Generated code spliced into a real model program, so the Keras paths run on junk too.
    base = data.draw(st.sampled_from(FIXTURES)).read_text().splitlines()
    at = data.draw(st.integers(0, len(base)))
    junk = data.draw(hypothesmith.from_grammar(auto_target=False))
    _check("\n".join(base[:at]) + "\n" + junk + "\n" + "\n".join(base[at:]) + "\n", "spliced.py")
