"""Micro-benchmark of the CPU kernels on the issue's three workloads' layers.

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/kernels_cpu.py [--repeat N]

Times forward and forward+backward of the layers that dominate each
workload, at the workloads' shapes, and prints JSON: per layer, milliseconds
per batch and samples/s; per workload, the kernels-only samples/s of a
training step (sum of its layers' forward+backward, no loss/optimizer) and of
predict (forward only).  Inputs are random; weights Keras-sized.

  mlp:     Dense 784-512-512-10 (relu, relu, softmax), batch 128
  convnet: Conv2D 32 3x3 relu, MaxPool 2, Conv2D 64 3x3 relu, MaxPool 2,
           Flatten, Dense 10 softmax on 28x28x1, batch 128
  lstm:    Embedding(10000, 64), LSTM(64), Dense(1, sigmoid), length 80, batch 64

On a shared machine compare the *_cpu_time figures (this process's CPU
seconds): wall time also counts the time other processes held the cores.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from shapecheck.layers import get_spec  # noqa: E402
from shapecheck.runtime.kernels import get_kernel  # noqa: E402


def _cfg(name, **kw):
    spec = get_spec(name)
    return spec.bind([], kw).cfg if spec else kw


def _params(name, cfg, shape, rng):
    spec = get_spec(name)
    out = {}
    for w in spec.weights(cfg, [shape]):
        out[w.name] = (rng.standard_normal(w.shape) * 0.05).astype(np.float32)
    return out


def _layer(name, shape, rng, **kw):
    cfg = _cfg(name, **kw)
    return name, cfg, _params(name, cfg, shape, rng)


def _time(fn, repeat):
    """(best wall seconds, best CPU seconds of this process).  On a shared
    machine the CPU time is the steadier figure: wall time also counts the
    time other processes held the cores."""
    fn()  # compile / warm up
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best_cpu = min(best_cpu, time.process_time() - c)
        best_wall = min(best_wall, time.perf_counter() - t)
    return best_wall, best_cpu


def run_stack(layers, x, repeat):
    """Per layer: (forward seconds, forward+backward seconds)."""
    results = []
    first = True
    for name, cfg, params in layers:
        kernel = get_kernel(name)
        inp = [x]

        def fwd(kernel=kernel, cfg=cfg, params=params, inp=inp):
            return kernel.forward(cfg, params, inp, False, None)

        def step(kernel=kernel, cfg=cfg, params=params, inp=inp, need=not first):
            outs, cache = kernel.forward(cfg, params, inp, True, np.random.default_rng(0))
            kernel.backward(cfg, params, cache, [np.ones_like(outs[0])], input_grads=need)

        tf = _time(fwd, repeat)
        tb = _time(step, repeat)
        results.append((name, tf, tb))
        x = fwd()[0][0]
        first = False
    return results


def workload(name, layers, x, repeat):
    nb = x.shape[0]
    per = run_stack(layers, x, repeat)
    out = {"batch": nb, "layers": []}
    for n, tf, tb in per:
        out["layers"].append({
            "layer": n,
            "forward_ms": round(tf[0] * 1e3, 3), "train_step_ms": round(tb[0] * 1e3, 3),
            "forward_cpu_ms": round(tf[1] * 1e3, 3), "train_step_cpu_ms": round(tb[1] * 1e3, 3),
        })
    for key, i in (("", 0), ("_cpu_time", 1)):
        fwd = sum(t[i] for _, t, _ in per)
        step = sum(t[i] for _, _, t in per)
        out[f"predict_samples_per_s{key}"] = round(nb / fwd)
        out[f"train_samples_per_s{key}"] = round(nb / step)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--only", choices=["mlp", "convnet", "lstm"], action="append")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    out = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                    "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")},
        "workloads": {},
    }
    todo = args.only or ["mlp", "convnet", "lstm"]
    if "mlp" in todo:
        x = rng.standard_normal((128, 784)).astype(np.float32)
        layers = [
            _layer("Dense", (128, 784), rng, units=512, activation="relu"),
            _layer("Dense", (128, 512), rng, units=512, activation="relu"),
            _layer("Dense", (128, 512), rng, units=10, activation="softmax"),
        ]
        out["workloads"]["mlp"] = workload("mlp", layers, x, args.repeat)
    if "convnet" in todo:
        x = rng.standard_normal((128, 28, 28, 1)).astype(np.float32)
        layers = [
            _layer("Conv2D", (128, 28, 28, 1), rng, filters=32, kernel_size=(3, 3), activation="relu"),
            _layer("MaxPooling2D", (128, 26, 26, 32), rng, pool_size=(2, 2)),
            _layer("Conv2D", (128, 13, 13, 32), rng, filters=64, kernel_size=(3, 3), activation="relu"),
            _layer("MaxPooling2D", (128, 11, 11, 64), rng, pool_size=(2, 2)),
            _layer("Flatten", (128, 5, 5, 64), rng),
            _layer("Dropout", (128, 1600), rng, rate=0.5),
            _layer("Dense", (128, 1600), rng, units=10, activation="softmax"),
        ]
        out["workloads"]["convnet"] = workload("convnet", layers, x, args.repeat)
    if "lstm" in todo:
        ids = rng.integers(0, 10000, size=(64, 80))
        layers = [
            _layer("Embedding", (64, 80), rng, input_dim=10000, output_dim=64),
            _layer("LSTM", (64, 80, 64), rng, units=64),
            _layer("Dense", (64, 64), rng, units=1, activation="sigmoid"),
        ]
        out["workloads"]["lstm"] = workload("lstm", layers, ids, max(3, args.repeat // 4))
    out["load_average"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
