"""How work is shared between the cores: the one BLAS (scipy's OpenBLAS,
which ``_sgemm`` calls) stays at one thread, and kernels split their work
over numba's own threads instead, when it pays and the cores are free.

OpenBLAS's own threading was tried as an opt-in and removed: after a
threaded product its worker spins waiting for more work, and on a 2-core
machine whose other core is busy that spinning took the core from the next
small products (an LSTM training step 10x slower).  ``OPENBLAS_NUM_THREADS``
is 1 unless the user set it.
"""
from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


# -- numba threads: work split by hand (kernels/_linalg.py p*, optimizers) -----
# Threading layer: OpenMP first.  Measured on the idle 2-core machine, a split
# Dense forward runs 1.62x faster under OpenMP but only 1.2x under numba's
# workqueue (whose sleeping workers take ~100 us to wake), and a split Adam
# update 2.0x faster against 0.6x (slower than serial).  OpenMP's workers spin
# while they wait, which on a busy machine is ruinous (a split product took
# 15 ms against 1.2 ms serial with two other jobs on the cores) -- so a split
# is only made while another core is idle (_cores_free), and only from the
# main thread.  A user's NUMBA_THREADING_LAYER(_PRIORITY) is respected.
if "NUMBA_THREADING_LAYER" not in os.environ and "NUMBA_THREADING_LAYER_PRIORITY" not in os.environ:
    from numba.core import config as _numba_config

    _numba_config.THREADING_LAYER_PRIORITY = ["omp", "workqueue", "tbb"]

# How long an OpenMP worker spins for the next region before it sleeps.
# libgomp's default (300k spins, ~0.3 ms here) kept the worker on the second
# core while the recurrent loops' and convolutions' Python share threads
# wanted it: an Embedding-LSTM training step took 16-18 ms instead of 13-14
# (its Adam update is an OpenMP region).  10k-30k spins cost the MLP's
# back-to-back Dense regions nothing measurable; 1k cost them 15%.  Set
# before libgomp starts (numba loads it at the first parallel kernel); a
# user's GOMP_SPINCOUNT / OMP_WAIT_POLICY is respected.
if "GOMP_SPINCOUNT" not in os.environ and "OMP_WAIT_POLICY" not in os.environ:
    os.environ["GOMP_SPINCOUNT"] = "20000"

SPLIT_MIN_MACS = 2_000_000  # below this, waking a second thread costs more than it saves
# A lone product (a Dense layer) splits only from here: after an OpenMP region
# the worker spins for a while, and between two conv layers (whose shares run
# on Python threads, kernels/_shares.py) that spinning took the second core
# from them -- the convnet's 2M-MAC Dense cost its predict 40%.
SPLIT_MIN_MACS_SINGLE = 8_000_000
SPLIT_MIN_ELEMENTS = 1 << 17  # element-wise passes (optimizer updates) worth splitting

_threads = None


def _configured_threads() -> int:
    """SHAPECHECK_THREADS, else every core numba may use."""
    import numba
    try:
        n = int(os.environ.get("SHAPECHECK_THREADS", "0"))
    except ValueError:
        n = 0
    top = numba.config.NUMBA_NUM_THREADS
    return max(1, min(top, n if n > 0 else top))


def compute_threads() -> int:
    global _threads
    if _threads is None:
        _threads = _configured_threads()
        import numba
        numba.set_num_threads(_threads)
    return _threads


def _cpu_sample():
    """(wall s, busy CPU s of the whole machine, CPU s of this process)."""
    wall, mine = time.monotonic(), time.process_time()
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:9]]
        busy = (sum(ticks) - ticks[3] - ticks[4]) / _HZ
    except (OSError, ValueError, IndexError):
        busy = None
    return wall, busy, mine


_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_last = [None, True]  # last sample, last verdict


def _cores_free() -> bool:
    """Whether the other processes leave at least one core and a half idle
    besides this one, judged from the CPU time they used since the last look
    (at most twice a second).  The load average would count this process's
    own split threads and lag a minute behind."""
    prev = _last[0]
    if prev is not None and time.monotonic() - prev[0] < 0.5:
        return _last[1]  # (reading /proc/stat on every product cost ~30 us)
    now = _cpu_sample()
    if prev is None or prev[1] is None or now[1] is None:
        if prev is None:
            _last[0] = now
            try:
                _last[1] = os.getloadavg()[0] < (os.cpu_count() or 1) - 0.5
            except OSError:
                _last[1] = True
        return _last[1]
    dt = now[0] - prev[0]
    if dt < 0.5:
        return _last[1]
    others = max(0.0, (now[1] - prev[1]) - (now[2] - prev[2])) / dt
    _last[0] = now
    _last[1] = (os.cpu_count() or 1) - others >= 1.5
    return _last[1]


def _may_split() -> bool:
    # Only the main thread launches parallel regions: two threads launching at
    # once would oversubscribe the cores (and numba's workqueue layer, the
    # fallback, aborts the process then); serial kernels are thread-safe.
    return compute_threads() > 1 and threading.current_thread() is threading.main_thread() and _cores_free()


def split_pays(macs: int, single: bool = False) -> bool:
    """Whether work of ``macs`` multiply-adds should be split over threads
    (``single``: one product, not a loop of them)."""
    return macs >= (SPLIT_MIN_MACS_SINGLE if single else SPLIT_MIN_MACS) and _may_split()


def split_elements_pays(n: int) -> bool:
    return n >= SPLIT_MIN_ELEMENTS and _may_split()

