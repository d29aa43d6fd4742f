"""`shapecheck check` throughput in files per second, cold and warm.

* cold: a fresh `python -m shapecheck check DIR` process per run (interpreter
  start, imports, worker processes, output), as a user or pre-commit sees it;
* warm: the same check repeated in one process after a first run, imports
  loaded and the analyzer's parse cache filled, as the language server sees it
  (``warm_serial_uncached``: imports loaded, every file parsed again).

Measured on examples/ and on a generated directory of 200 model files (about
60 lines each, a mix of CNN, text, functional and faulty programs). Prints JSON.

    python benchmarks/check_speed.py [--repeat N] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEMPLATES = [
    '''import numpy as np
import keras
from keras import layers

N_CLASSES = {k}


def build(input_shape=(28, 28, 1)):
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(N_CLASSES, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


model = build()
x = np.random.rand(64, 28, 28, 1)
y = keras.utils.to_categorical(np.random.randint(0, N_CLASSES, size=(64,)), num_classes=N_CLASSES)
model.fit(x, y, batch_size=16, epochs=1)
''',
    '''import numpy as np
import keras
from keras import layers

VOCAB, MAXLEN = {v}, 40
inputs = keras.Input(shape=(MAXLEN,), dtype="int32")
h = layers.Embedding(VOCAB, 32)(inputs)
h = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(h)
h = layers.GlobalMaxPooling1D()(h)
h = layers.Dense(16)(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
tokens = np.random.randint(0, VOCAB + 5, size=(128, MAXLEN))
labels = np.random.randint(0, 2, size=(128, 1))
model.fit(tokens, labels, batch_size=256, epochs=2)
''',
    '''import numpy as np
import keras
from keras import layers

a = keras.Input(shape=({k},))
b = keras.Input(shape=(8,))
h = layers.Concatenate()([layers.Dense(16, activation="relu")(a), layers.Dense(16, activation="relu")(b)])
score = layers.Dense(1, name="score")(h)
kind = layers.Dense(4, activation="softmax", name="kind")(h)
model = keras.Model([a, b], [score, kind])
model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"])
xa, xb = np.random.rand(32, {k}), np.random.rand(32, 8)
model.fit([xa, xb], [np.random.rand(32, 1), np.random.randint(0, 4, size=(32,))], epochs=1)
model.predict(xa)
''',
]


def generate(directory: Path, n: int = 200) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = TEMPLATES[i % len(TEMPLATES)].format(k=3 + i % 7, v=100 + i)
        (directory / f"model_{i:03d}.py").write_text(text)


def count_files(path: Path) -> int:
    from shapecheck.discovery import discover

    return sum(1 for f in discover([str(path)], []) if not f.problem)


def cold(path: Path, repeat: int, jobs: int) -> list[float]:
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--format", "json", "-j", str(jobs), str(path)],
                           capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        if r.returncode not in (0, 1):
            raise SystemExit(f"check failed on {path}: {r.stderr.strip()[-400:]}")
    return times


def warm(path: Path, repeat: int, jobs: int, *, cached: bool = True) -> list[float]:
    from shapecheck.analyzer.source import clear_cache
    from shapecheck.commands.check import _check_many
    from shapecheck.config import Config
    from shapecheck.discovery import discover

    files = [f.path for f in discover([str(path)], []) if not f.problem]
    config = Config()
    _check_many(files, config, False, jobs)  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        if not cached:
            clear_cache()
        t0 = time.perf_counter()
        _check_many(files, config, False, jobs)
        times.append(time.perf_counter() - t0)
    return times


def summarize(n_files: int, times: list[float]) -> dict:
    med = statistics.median(times)
    return {"seconds_median": round(med, 3), "seconds_min": round(min(times), 3),
            "files_per_second": round(n_files / med, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per CPU)")
    args = ap.parse_args()
    out = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "jobs": args.jobs or os.cpu_count(),
           "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "generated"
        generate(generated)
        for name, path in (("examples", ROOT / "examples"), ("generated_200", generated)):
            n = count_files(path)
            entry = {"files": n, "cold": summarize(n, cold(path, args.repeat, args.jobs))}
            # in-process, serial and parallel
            entry["warm_serial"] = summarize(n, warm(path, args.repeat, 1))
            # imports loaded but every file parsed again (the analyzer's parse cache emptied)
            entry["warm_serial_uncached"] = summarize(n, warm(path, args.repeat, 1, cached=False))
            entry["warm_parallel"] = summarize(n, warm(path, args.repeat, args.jobs))
            out["sets"][name] = entry
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
