"""Device arrays, launch shapes and the device copies of variables.

Everything the CUDA kernels exchange is a float32 (or int) device array;
``dev(x)`` uploads a host array once and leaves device arrays alone.
A Variable keeps its host array; while the CUDA target uses it, a ``Mirror``
holds the device copy.  Kernels and optimizers work on the mirror, and reading
``Variable.value`` on the host copies a changed mirror back first (and drops
it, since the caller may then write the host array).
"""
from __future__ import annotations

import os
import sys
import weakref

import numpy as np
from numba import cuda

F32 = np.float32
# numba's CUDA simulator runs every thread as a Python thread (~0.1 ms each):
# under it the blocks shrink (same code paths, fewer idle threads) so that the
# tests stay quick.  Block sizes are powers of two either way.
SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
THREADS = 32 if SIMULATED else 256  # threads per block for element-wise kernels
MAX_BLOCKS = 8 if SIMULATED else 1024  # grid-stride loops cover the rest


def _serialize_simulated_shared_arrays() -> None:
    """The simulator hands every thread of a block the same "shared" array,
    keyed by the calling line, but its look-up-then-insert is not locked: two
    threads can each create their own array and then never see each other's
    writes (wrong sums, seen as rare flaky results).  Same keying, locked."""
    import threading

    from numba.cuda.simulator import kernelapi
    from numba.np import numpy_support

    original = kernelapi.FakeCUDAShared.array
    lock = threading.Lock()

    def array(self, shape, dtype, alignment=None):
        if alignment is not None or shape == 0:
            return original(self, shape, dtype, alignment)
        caller = sys._getframe(1)
        key = (caller.f_code.co_filename, caller.f_lineno)
        with lock:
            res = self._allocations.get(key)
            if res is None:
                if not isinstance(dtype, np.dtype) and not isinstance(dtype, type):
                    dtype = numpy_support.as_dtype(dtype)
                res = self._allocations[key] = np.empty(shape, dtype)
        return res

    kernelapi.FakeCUDAShared.array = array


if SIMULATED:
    # Simulated threads meet at every syncthreads(); with CPython's default 5 ms
    # GIL switch interval each barrier costs milliseconds, at 1 us it costs ~15x
    # less (and makes the simulator's unlocked shared-array set-up race, hence
    # the lock).
    sys.setswitchinterval(1e-6)
    _serialize_simulated_shared_arrays()


def is_device(a) -> bool:
    # Real device arrays and the simulator's stand-ins both carry this flag.
    return bool(getattr(a, "__cuda_ndarray__", False))


class Like:
    """Shape facts of a device array as plain tuples, for the host-side target
    checks the CPU losses run (the simulator's shapes refuse negative indices)."""

    def __init__(self, a):
        self.shape = tuple(a.shape)
        self.ndim = len(self.shape)
        self.size = int(np.prod(self.shape, dtype=np.int64))


def dev(a, dtype=np.float32):
    """A C-contiguous device array: uploads host data, passes device arrays."""
    if is_device(a):
        return a
    return cuda.to_device(np.ascontiguousarray(a, dtype=dtype))


def host(a) -> np.ndarray:
    return a.copy_to_host() if is_device(a) else np.asarray(a)


def empty(shape, dtype=np.float32):
    return cuda.device_array(shape, dtype=dtype)


@cuda.jit
def _fill(x, v):
    for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        x[i] = v


def full(shape, value, dtype=np.float32):
    """A device array filled on the device (no host buffer crosses the bus)."""
    a = cuda.device_array(shape, dtype=dtype)
    if a.size:
        _fill[grid(a.size)](flat(a), dtype(value))
    return a


def zeros(shape, dtype=np.float32):
    return full(shape, 0, dtype)


def flat(a):
    """The 1-D view of a contiguous device array."""
    return a.reshape(a.size) if a.ndim != 1 else a


def grid(n: int, threads: int = THREADS) -> tuple[int, int]:
    threads = min(threads, max(32, (n + 31) // 32 * 32))
    blocks = max(1, min(MAX_BLOCKS, (n + threads - 1) // threads))
    return blocks, threads


def reshape(a, shape):
    """Reshape with one -1 allowed (device arrays want every size spelled out)."""
    shape = tuple(int(s) for s in shape)
    if -1 in shape:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        shape = tuple(a.size // max(known, 1) if s == -1 else s for s in shape)
    if tuple(a.shape) == shape:
        return a
    return a.reshape(*shape)


class Mirror:
    """The device copy of a Variable's value."""

    __slots__ = ("array", "dirty", "__weakref__")

    def __init__(self, array):
        self.array = array
        self.dirty = False  # True once a kernel or optimizer wrote it

    def sync_to(self, host_array: np.ndarray) -> None:
        if self.dirty:
            if host_array.flags.c_contiguous:
                self.array.copy_to_host(host_array)
            else:  # e.g. an orthogonal initializer's transposed result
                host_array[...] = self.array.copy_to_host()


_BY_ARRAY: "weakref.WeakValueDictionary[int, Mirror]" = weakref.WeakValueDictionary()


def device_value(var):
    """The device array of a Variable, uploading its host value when needed."""
    m = getattr(var, "_mirror", None)
    if m is None:
        m = Mirror(cuda.to_device(np.ascontiguousarray(var._host)))
        var._mirror = m
        _BY_ARRAY[id(m.array)] = m
    return m.array


def mark_array_written(array) -> None:
    """A kernel wrote a variable's device array in place (moving statistics)."""
    m = _BY_ARRAY.get(id(array))
    if m is not None and m.array is array:
        m.dirty = True


def mark_written(var) -> None:
    m = getattr(var, "_mirror", None)
    if m is not None:
        m.dirty = True


def layer_params(variables: dict) -> dict:
    """name -> device array for a layer's variables (the engine's hook)."""
    return {name: device_value(v) for name, v in variables.items()}
