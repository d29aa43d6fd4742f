"""Analysis time per file (median and p95) for files of 50, 300 and 2,000 lines.

Target (issue 2): p95 <= 50 ms at 300 lines on the 2-core CI machine, so the
language server can re-analyze on every keystroke.  Prints JSON.

    python benchmarks/analyze_speed.py [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shapecheck.analyzer import analyze  # noqa: E402
from shapecheck.analyzer.source import clear_cache  # noqa: E402

BLOCKS = [
    '''def build_cnn_{i}(input_shape=(28, 28, 1), n_classes=10):
    model = keras.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=input_shape))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Flatten())
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(n_classes, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


cnn_{i} = build_cnn_{i}()
''',
    '''inputs_{i} = keras.Input(shape=(MAXLEN,), dtype="int32")
x_{i} = layers.Embedding(VOCAB, 64)(inputs_{i})
x_{i} = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x_{i})
x_{i} = layers.GlobalMaxPooling1D()(x_{i})
x_{i} = layers.Dense(32, activation="relu")(x_{i})
outputs_{i} = layers.Dense(1, activation="sigmoid")(x_{i})
text_model_{i} = keras.Model(inputs_{i}, outputs_{i})
text_model_{i}.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
x_train_{i} = np.random.randint(VOCAB, size=(256, MAXLEN))
y_train_{i} = np.random.randint(2, size=(256, 1))
text_model_{i}.fit(x_train_{i}, y_train_{i}, epochs=2, batch_size=32)

''',
    '''def residual_block_{i}(x, filters=64):
    shortcut = x
    y = layers.Conv2D(filters, 3, padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(layers.add([shortcut, y]))


img_{i} = keras.Input(shape=(32, 32, 64))
res_{i} = keras.Model(img_{i}, residual_block_{i}(residual_block_{i}(img_{i})))

''',
]

HEADER = '''"""Generated benchmark input."""
import numpy as np
import keras
from keras import layers

VOCAB = 10000
MAXLEN = 80

'''


def make_file(n_lines: int) -> str:
    parts = [HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < n_lines:
        parts.append(BLOCKS[i % len(BLOCKS)].format(i=i))
        i += 1
    text = "".join(parts)
    return "\n".join(text.splitlines()[:n_lines]) + "\n"


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2), "runs": len(times)}


def measure(source: str, repeat: int) -> dict:
    """Cold: nothing cached (a first open).  Edit: one line in the middle of
    the file changes between runs, as while typing in an editor."""
    analyze(source, "warmup.py")
    cold = []
    for _ in range(repeat):
        clear_cache()
        t0 = time.perf_counter()
        analyze(source, "bench.py")
        cold.append((time.perf_counter() - t0) * 1000)
    lines = source.splitlines()
    mid = len(lines) // 2
    while mid < len(lines) and "Dense(" not in lines[mid]:
        mid += 1
    analyze(source, "bench.py")
    edit = []
    for k in range(repeat):
        edited = list(lines)
        if mid < len(lines):
            edited[mid] = edited[mid].replace("Dense(", f"Dense({k + 1} + ", 1)
        text = "\n".join(edited) + "\n"
        t0 = time.perf_counter()
        analyze(text, "bench.py")
        edit.append((time.perf_counter() - t0) * 1000)
    return {"cold": _stats(cold), "edit": _stats(edit)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=40)
    args = ap.parse_args()
    out = {"benchmark": "analyze_speed", "target": "p95 <= 50 ms at 300 lines", "files": {}}
    for n in (50, 300, 2000):
        src = make_file(n)
        rep = analyze(src, "check.py")
        res = measure(src, args.repeat if n <= 300 else max(5, args.repeat // 4))
        res["lines"] = n
        res["models"] = len(rep.models)
        out["files"][str(n)] = res
    out["meets_target_cold"] = out["files"]["300"]["cold"]["p95_ms"] <= 50.0
    out["meets_target_edit"] = out["files"]["300"]["edit"]["p95_ms"] <= 50.0
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
