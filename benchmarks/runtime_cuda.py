"""Runtime speed on a GPU: issue 5's three workloads (plus the MLP at batch
1024, issue 6's target) on our CUDA target, our CPU target and PyTorch on the
same GPU.  Prints JSON.

    python benchmarks/runtime_cuda.py [--quick] [--workloads mlp,mlp1024,convnet,lstm] [--epochs 2]

Without a usable GPU (no device, or numba-cuda missing) it says so on stderr,
prints {"gpu": false, "reason": ...} and exits with status 1; nothing is
measured.  PyTorch is a benchmark-only peer: measured when `import torch`
works in this interpreter (or --peer-python) and sees the GPU.  Each
measurement runs in its own process; samples/s come from the fastest epoch
after the first (the first pays numba's compilation, reported apart).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.runtime_cpu import OURS, WORKLOAD, _summarise  # noqa: E402  (one workload definition)

# name -> (workload, samples for fit, samples for predict, batch size)
SIZES = {"mlp": ("mlp", 60000, 60000, 128), "mlp1024": ("mlp", 61440, 61440, 1024),
         "convnet": ("convnet", 6000, 10000, 128), "lstm": ("lstm", 6400, 6400, 64)}
QUICK = {"mlp": ("mlp", 12800, 12800, 128), "mlp1024": ("mlp", 16384, 16384, 1024),
         "convnet": ("convnet", 1280, 2560, 128), "lstm": ("lstm", 1280, 1280, 64)}

TORCH_CUDA = r'''
import json, sys, time
import numpy as np, torch
from torch import nn
name, n_fit, n_pred, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dev = torch.device("cuda")
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
model = model.to(dev)
# Host data moves per batch, as ours does (the fair comparison for a fit() API).
opt = torch.optim.Adam(model.parameters(), 1e-3)
times = []
for e in range(epochs):
    torch.cuda.synchronize(); t = time.perf_counter(); model.train(); perm = torch.randperm(n_fit)
    for i in range(0, n_fit, batch):
        idx = perm[i:i + batch]; opt.zero_grad(); l = lossf(model(x[idx].to(dev)), y[idx].to(dev)); l.backward(); opt.step()
        l.item()  # Keras reports the loss per batch; so do we
    torch.cuda.synchronize(); times.append(time.perf_counter() - t)
model.eval()
with torch.no_grad():
    torch.cuda.synchronize(); t = time.perf_counter()
    for i in range(0, n_pred, batch): model(xp[i:i + batch].to(dev)).cpu()
    tp = time.perf_counter() - t
print("RESULT " + json.dumps({"epoch_times": times, "predict_time": tp, "device": torch.cuda.get_device_name(0)}))
'''

PROBE = r'''
import json
from shapecheck.runtime import device
problem = device.cuda_problem()
print("RESULT " + json.dumps({"problem": problem, "label": None if problem else device.resolve("cuda")[0].label}))
'''


def _env(extra=None):
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)  # a benchmark on the simulator would measure Python threads
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    threads = str(os.cpu_count() or 1)
    env.setdefault("OPENBLAS_NUM_THREADS", threads)
    env.setdefault("NUMBA_NUM_THREADS", threads)
    env.update(extra or {})
    return env


def _run(python, code, args, env, timeout=1800):
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([python, "-c", code, *map(str, args)], capture_output=True, text=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": [f"timed out after {timeout} s"]}
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out = json.loads(line[7:])
            out["process_wall_s"] = wall
            return out
    return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-3:]}


def _torch_sees_gpu(python) -> bool:
    code = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"
    return subprocess.run([python, "-c", code], capture_output=True).returncode == 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sample counts")
    p.add_argument("--workloads", default="mlp,mlp1024,convnet,lstm")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--no-cpu", action="store_true", help="skip our CPU target (slow on the big workloads)")
    p.add_argument("--peer-python", default=sys.executable, help="interpreter with torch (CUDA build)")
    args = p.parse_args(argv)
    probe = _run(sys.executable, PROBE, [], _env())
    problem = probe.get("problem") if "error" not in probe else "; ".join(probe["error"])
    if problem:
        print(f"benchmarks/runtime_cuda.py: no GPU to measure on: {problem}", file=sys.stderr)
        print(json.dumps({"gpu": False, "reason": problem}, indent=1))
        return 1
    sizes = QUICK if args.quick else SIZES
    ours = OURS.format(root=str(ROOT), workload=WORKLOAD)
    torch_ok = _torch_sees_gpu(args.peer_python)
    out = {"gpu": True, "device": probe["label"], "peers": ["torch-cuda"] if torch_ok else [], "workloads": {}}
    for key in args.workloads.split(","):
        name, n_fit, n_pred, batch = sizes[key]
        wl = {"workload": name, "samples_fit": n_fit, "samples_predict": n_pred, "batch_size": batch}
        targets = [("shapecheck_cuda", "cuda")] + ([] if args.no_cpu else [("shapecheck_cpu", "cpu")])
        for label, dev in targets:
            env = _env({"SHAPECHECK_DEVICE": dev})
            _run(sys.executable, ours, [name, batch * 4, batch * 2, batch, 1], env)  # fills numba's cache
            wl[label] = _summarise(_run(sys.executable, ours, [name, n_fit, n_pred, batch, args.epochs], env),
                                   n_fit, n_pred)
        if torch_ok:
            wl["torch_cuda"] = _summarise(_run(args.peer_python, TORCH_CUDA, [name, n_fit, n_pred, batch, args.epochs],
                                               _env()), n_fit, n_pred)
            ours_fit = wl["shapecheck_cuda"].get("fit_samples_per_s")
            peer_fit = wl["torch_cuda"].get("fit_samples_per_s")
            if ours_fit and peer_fit:
                wl["fit_vs_torch_cuda"] = round(ours_fit / peer_fit, 3)
        out["workloads"][key] = wl
        print(f"{key}: {json.dumps(wl)}", file=sys.stderr)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
