"""Compile every CUDA kernel of the runtime to PTX without a GPU.

The simulator tests (tests/runtime/test_cuda_sim.py) interpret the kernels as
Python, so numba's CUDA typing and NVVM never see them there.  This script
runs those tests under the simulator once, recording each kernel launch's
argument types, then compiles every (kernel, types) pair with
``numba.cuda.compile_ptx`` for sm_90 in a normal interpreter, and reports
failures and any float64 arithmetic in the PTX.

Needs libNVVM and NVRTC (no driver, no GPU): e.g.
    pip install --target /tmp/cudatk nvidia-nvvm nvidia-cuda-nvrtc
    LD_LIBRARY_PATH=/tmp/cudatk/nvidia/cu13/lib PYTHONPATH=/tmp/cudatk python tools/cuda_ptx_check.py
Exit status 0 when every kernel compiles.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COLLECT = r'''
import pickle, sys
import numba
from numba.cuda.simulator.kernel import FakeCUDAKernel
sigs = {}
launch = FakeCUDAKernel.__getitem__
class Recorder:
    def __init__(self, kernel, config):
        self.kernel, self.config = kernel, config
    def __call__(self, *args):
        key = (self.kernel.fn.__module__, self.kernel.fn.__qualname__)
        sigs.setdefault(key, set()).add(tuple(numba.typeof(a) for a in args))
        return launch(self.kernel, self.config)(*args)
FakeCUDAKernel.__getitem__ = lambda self, config: Recorder(self, config)
import pytest
rc = pytest.main(["-q", "-x", "-p", "no:cacheprovider", "tests/runtime/test_cuda_sim.py"])
pickle.dump({k: sorted(v, key=str) for k, v in sigs.items()}, open(sys.argv[1], "wb"))
sys.exit(rc)
'''


def compile_all(path: str, cc=(9, 0)) -> int:
    import importlib

    from numba import cuda
    import numba.cuda.dispatcher as dispatcher

    class _Device:  # device functions ask the current device for its compute capability
        compute_capability = cc

    dispatcher.get_current_device = lambda: _Device()
    sigs = pickle.load(open(path, "rb"))
    failures = 0
    for (module, name), variants in sorted(sigs.items()):
        fn = getattr(importlib.import_module(module), name)
        for sig in variants:
            try:
                ptx, _ = cuda.compile_ptx(fn.py_func, sig, cc=cc)
            except Exception as err:  # report every kernel, not just the first
                failures += 1
                print(f"FAIL {module}.{name}{tuple(str(t) for t in sig)}: {type(err).__name__}: {err}")
                continue
            f64 = sum(1 for line in ptx.splitlines() if ".f64" in line and "cvt." not in line)
            print(f"ok   {module.rsplit('.', 1)[-1]}.{name}" + (f"  ({f64} float64 instructions)" if f64 else ""))
    print(f"{sum(len(v) for v in sigs.values()) - failures} compiled, {failures} failed (sm_{cc[0]}{cc[1]})")
    return 1 if failures else 0


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sigs.pkl")
        env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-c", COLLECT, path], cwd=ROOT, env=env)
        if proc.returncode != 0:
            print("the simulator tests failed; fix them first", file=sys.stderr)
            return proc.returncode
        env.pop("NUMBA_ENABLE_CUDASIM")
        return subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                               f"from tools.cuda_ptx_check import compile_all; sys.exit(compile_all({path!r}))"],
                              cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
