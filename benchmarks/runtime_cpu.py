"""Runtime speed on the CPU: issue 5's three workloads, fit and predict
samples/s, side by side with the peers that are installed, and the first
epoch's time in a fresh process with a warm and a cold numba cache.  Prints JSON.
Fit is the fastest epoch after the first, predict the fastest of max(2, epochs)
passes over the predict set, for every framework alike.

    python benchmarks/runtime_cpu.py [--quick] [--workloads mlp,convnet,lstm] [--no-peers]

Peers (optional, benchmark-only): Keras 3 on JAX, Keras 3 on TensorFlow and
PyTorch (torch==2.13.0 on the CPU), each from the first peer interpreter that
imports it.  Peer interpreters: every --peer-python, $SHAPECHECK_PEER_PYTHON
(os.pathsep-separated), then /work/jax-venv and /work/oracle-venv when they
exist (`pip install keras jax` / `tensorflow-cpu==2.21.0 torch==2.13.0`).
Each measurement runs in its own process with one BLAS thread per core.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (samples for fit, samples for predict, batch size)
SIZES = {"mlp": (60000, 60000, 128), "convnet": (6000, 10000, 128), "lstm": (6400, 6400, 64)}
QUICK = {"mlp": (12800, 12800, 128), "convnet": (1280, 2560, 128), "lstm": (1280, 1280, 64)}


# -- the workload, written once in Keras API terms: runs under our shim or real Keras ---
WORKLOAD = r'''
import json, sys, time
import numpy as np
name, n_fit, n_pred, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
import keras
from keras import layers
rng = np.random.default_rng(0)
if name == "mlp":
    model = keras.Sequential([keras.Input((784,)), layers.Dense(512, activation="relu"),
                              layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    x = rng.random((n_fit, 784), dtype=np.float32); y = rng.integers(0, 10, n_fit)
    xp = rng.random((n_pred, 784), dtype=np.float32)
elif name == "convnet":
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Conv2D(64, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dropout(0.5),
                              layers.Dense(10, activation="softmax")])
    x = rng.random((n_fit, 28, 28, 1), dtype=np.float32); y = rng.integers(0, 10, n_fit)
    xp = rng.random((n_pred, 28, 28, 1), dtype=np.float32)
else:
    model = keras.Sequential([keras.Input((80,), dtype="int32"), layers.Embedding(10000, 64), layers.LSTM(64),
                              layers.Dense(1, activation="sigmoid")])
    x = rng.integers(0, 10000, (n_fit, 80)).astype("int32"); y = rng.integers(0, 2, (n_fit, 1)).astype("float32")
    xp = rng.integers(0, 10000, (n_pred, 80)).astype("int32")
loss = "binary_crossentropy" if name == "lstm" else "sparse_categorical_crossentropy"
model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
times, cpu = [], []
for e in range(epochs):
    t, c = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
model.predict(xp[:batch * 2], batch_size=batch, verbose=0)
tp = cp = float("inf")
for _ in range(max(2, epochs)):  # the fastest of a few passes, as for the epochs (one pass is one noisy moment)
    t, c = time.perf_counter(), time.process_time()
    model.predict(xp, batch_size=batch, verbose=0)
    tp, cp = min(tp, time.perf_counter() - t), min(cp, time.process_time() - c)
print("RESULT " + json.dumps({"epoch_times": times, "epoch_cpu": cpu, "predict_time": tp, "predict_cpu": cp}))
'''

OURS = r'''
import runpy, sys
sys.path.insert(0, {root!r})
from shapecheck.runtime.shim import installed
from shapecheck.runtime.fpmode import flushed
with installed(), flushed():  # as `shapecheck run` executes a script
    exec(compile({workload!r}, "<workload>", "exec"), {{"__name__": "__main__"}})
'''

TORCH = r'''
import json, sys, time
import numpy as np, torch
from torch import nn
torch.set_num_threads({threads})
name, n_fit, n_pred, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
g = np.random.default_rng(0)
if name == "mlp":
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    x = torch.tensor(g.random((n_fit, 784), dtype=np.float32)); y = torch.tensor(g.integers(0, 10, n_fit))
    xp = torch.tensor(g.random((n_pred, 784), dtype=np.float32)); lossf = nn.CrossEntropyLoss()
elif name == "convnet":
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
    x = torch.tensor(g.random((n_fit, 1, 28, 28), dtype=np.float32)); y = torch.tensor(g.integers(0, 10, n_fit))
    xp = torch.tensor(g.random((n_pred, 1, 28, 28), dtype=np.float32)); lossf = nn.CrossEntropyLoss()
else:
    class M(nn.Module):
        def __init__(self):
            super().__init__(); self.e = nn.Embedding(10000, 64); self.l = nn.LSTM(64, 64, batch_first=True)
            self.d = nn.Linear(64, 1)
        def forward(self, t):
            o, (h, c) = self.l(self.e(t)); return self.d(h[-1])
    model = M(); x = torch.tensor(g.integers(0, 10000, (n_fit, 80))); y = torch.tensor(g.integers(0, 2, (n_fit, 1)).astype(np.float32))
    xp = torch.tensor(g.integers(0, 10000, (n_pred, 80))); lossf = nn.BCEWithLogitsLoss()
opt = torch.optim.Adam(model.parameters(), 1e-3)
times, cpu = [], []
for e in range(epochs):
    t, c = time.perf_counter(), time.process_time(); model.train(); perm = torch.randperm(n_fit)
    for i in range(0, n_fit, batch):
        idx = perm[i:i + batch]; opt.zero_grad(); l = lossf(model(x[idx]), y[idx]); l.backward(); opt.step()
    times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
model.eval()
tp = cp = float("inf")
with torch.no_grad():
    for _ in range(max(2, epochs)):  # the fastest of a few passes, as for the Keras runs
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, n_pred, batch): model(xp[i:i + batch])
        tp, cp = min(tp, time.perf_counter() - t), min(cp, time.process_time() - c)
print("RESULT " + json.dumps({{"epoch_times": times, "epoch_cpu": cpu, "predict_time": tp, "predict_cpu": cp}}))
'''


BLAS_THREADS = [1]


def _avx512() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return "avx512f" in f.read(200000)
    except OSError:
        return False


def _env(extra=None, ours=False):
    env = dict(os.environ)
    if ours:
        # What `shapecheck run` does: one BLAS thread unless told otherwise.
        env["OPENBLAS_NUM_THREADS"] = str(BLAS_THREADS[0])
    if ours and _avx512():
        # As `shapecheck run` does: OpenBLAS's AVX-512 kernels (it picks AVX2 otherwise).
        env.setdefault("OPENBLAS_CORETYPE", "SkylakeX")
    threads = str(os.cpu_count() or 1)
    env.setdefault("OPENBLAS_NUM_THREADS", threads)
    env.setdefault("OMP_NUM_THREADS", threads)
    env.setdefault("NUMBA_NUM_THREADS", threads)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["CUDA_VISIBLE_DEVICES"] = ""
    env.update(extra or {})
    return env


def _run(python, code, args, env, timeout=1800):
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-c", code, *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=timeout)
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out = json.loads(line[7:])
            out["process_wall_s"] = wall
            return out
    return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-3:]}


def _summarise(res, n_fit, n_pred):
    if "error" in res:
        return res
    times, cpu = res["epoch_times"], res["epoch_cpu"]
    steady = min(times[1:]) if len(times) > 1 else times[0]
    steady_cpu = min(cpu[1:]) if len(cpu) > 1 else cpu[0]
    # CPU seconds as well as wall seconds: on a shared machine wall time mostly
    # measures the neighbours; samples per CPU-second measures the work.
    return {"fit_samples_per_s": round(n_fit / steady), "predict_samples_per_s": round(n_pred / res["predict_time"]),
            "fit_samples_per_cpu_s": round(n_fit / max(steady_cpu, 1e-9)),
            "predict_samples_per_cpu_s": round(n_pred / max(res["predict_cpu"], 1e-9)),
            "first_epoch_s": round(times[0], 3), "first_epoch_cpu_s": round(cpu[0], 3),
            "steady_epoch_s": round(steady, 3)}


def _load():
    """The 1-minute load average (other jobs on the machine skew every figure)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def peer_pythons(args):
    cands = list(args or [])
    cands += [c for c in os.environ.get("SHAPECHECK_PEER_PYTHON", "").split(os.pathsep) if c]
    cands += ["/work/jax-venv/bin/python", "/work/oracle-venv/bin/python"]
    out = []
    for cand in cands:
        if cand and Path(cand).exists() and cand not in out:
            out.append(cand)
    return out


def _has(python, module, env=None):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True,
                          env=None if env is None else {**os.environ, **env}).returncode == 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sample counts")
    p.add_argument("--workloads", default="mlp,convnet,lstm")
    p.add_argument("--epochs", type=int, default=2, help="epochs per run (the fastest after the first is reported)")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--peer-python", action="append", default=[], help="a peer interpreter (repeatable)")
    p.add_argument("--blas-threads", type=int, default=1, help="OpenBLAS threads for the shapecheck runs")
    args = p.parse_args(argv)
    BLAS_THREADS[0] = args.blas_threads
    sizes = QUICK if args.quick else SIZES
    ours_code = OURS.format(root=str(ROOT), workload=WORKLOAD)
    out = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": _load()}, "workloads": {}}
    peers = {}
    if not args.no_peers:
        for py in peer_pythons(args.peer_python):
            for backend in ("jax", "tensorflow"):
                # keras imports only with its backend installed: ask it under each one
                if f"keras-{backend}" not in peers and _has(py, "keras", {"KERAS_BACKEND": backend}):
                    peers[f"keras-{backend}"] = (py, WORKLOAD, {"KERAS_BACKEND": backend})
            if "torch" not in peers and _has(py, "torch"):
                peers["torch"] = (py, TORCH.format(threads=os.cpu_count() or 1), {})
    out["peers"] = sorted(peers)
    for name in args.workloads.split(","):
        n_fit, n_pred, batch = sizes[name]
        wl = {"samples_fit": n_fit, "samples_predict": n_pred, "batch_size": batch}
        # Warm cache: a run that fills the cache first, then the measured run.
        _run(sys.executable, ours_code, [name, batch * 4, batch * 2, batch, 1], _env(ours=True))
        res = _run(sys.executable, ours_code, [name, n_fit, n_pred, batch, args.epochs], _env(ours=True))
        wl["shapecheck"] = _summarise(res, n_fit, n_pred)
        if "error" not in res:
            wl["shapecheck"]["first_epoch_warm_cache_s"] = wl["shapecheck"].pop("first_epoch_s")
            wl["shapecheck"]["first_epoch_warm_cache_cpu_s"] = wl["shapecheck"].pop("first_epoch_cpu_s")
        with tempfile.TemporaryDirectory() as cold:
            cres = _run(sys.executable, ours_code, [name, n_fit, batch * 2, batch, 1], _env({"NUMBA_CACHE_DIR": cold}, ours=True))
        if "error" not in cres and "error" not in wl["shapecheck"]:
            wl["shapecheck"]["first_epoch_cold_cache_s"] = round(cres["epoch_times"][0], 3)
            wl["shapecheck"]["first_epoch_cold_cache_cpu_s"] = round(cres["epoch_cpu"][0], 3)
        for peer, (py, code, extra) in peers.items():
            pres = _run(py, code, [name, n_fit, n_pred, batch, args.epochs], _env(extra))
            wl[peer] = _summarise(pres, n_fit, n_pred)
        ok = [v for k, v in wl.items() if k in peers and isinstance(v, dict) and "fit_samples_per_s" in v]
        if ok and "fit_samples_per_s" in wl["shapecheck"]:
            best_fit = max(v["fit_samples_per_s"] for v in ok)
            best_pred = max(v["predict_samples_per_s"] for v in ok)
            best_fit_cpu = max(v["fit_samples_per_cpu_s"] for v in ok)
            best_pred_cpu = max(v["predict_samples_per_cpu_s"] for v in ok)
            ours = wl["shapecheck"]
            wl["ratio_vs_fastest_peer"] = {
                "fit": round(ours["fit_samples_per_s"] / best_fit, 2),
                "predict": round(ours["predict_samples_per_s"] / best_pred, 2),
                "fit_per_cpu_s": round(ours["fit_samples_per_cpu_s"] / best_fit_cpu, 2),
                "predict_per_cpu_s": round(ours["predict_samples_per_cpu_s"] / best_pred_cpu, 2)}
        out["workloads"][name] = wl
        print(json.dumps({name: wl}), file=sys.stderr)
    out["machine"]["load_average_at_end"] = _load()
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
