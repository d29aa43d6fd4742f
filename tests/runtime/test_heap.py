"""kernels/_heap.py: a freed batch-sized array's pages serve the next one
(no page fault per 4 KB on first write)."""
from __future__ import annotations

import os
import platform
import resource

import numpy as np
import pytest

from shapecheck.runtime.kernels import _heap


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
@pytest.mark.skipif(bool(os.environ.get("MALLOC_MMAP_THRESHOLD_") or os.environ.get("MALLOC_TRIM_THRESHOLD_")),
                    reason="the user's own malloc thresholds are kept")
def test_freed_batch_buffers_are_reused_without_page_faults():
    assert _heap.keep_freed_buffers()  # the kernels package already called it: same answer
    n = 128 * 26 * 26 * 32  # the convnet's first conv output, 11 MB of float32

    def step():  # a conv output, its pooled copy and argmax, then a gradient as big as the first
        a = np.ones(n, np.float32)
        b, c = np.ones(n // 4, np.float32), np.ones(n // 4, np.int32)
        del a
        d = np.zeros(n, np.float32)
        d[:] = 1
        del b, c, d

    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    # With glibc's defaults this pattern faulted ~1,350 times (measured).
    assert faults < 200, faults


def test_aligned_arrays_copy_and_align():
    from shapecheck.runtime.kernels._heap import ALIGN, aligned_array, aligned_full_like
    src = np.arange(1000, dtype=np.float32).reshape(20, 50)[:, 1:]  # strided, any alignment
    out = aligned_array(src)
    assert out.ctypes.data % ALIGN == 0 and out.flags.c_contiguous and out.dtype == np.float32
    np.testing.assert_array_equal(out, src)
    out[0, 0] = -1  # a copy, not a view of the source
    assert src[0, 0] == 1
    slot = aligned_full_like(src, 0.1)
    assert slot.ctypes.data % ALIGN == 0 and slot.shape == src.shape and np.all(slot == np.float32(0.1))


def test_weights_and_optimizer_slots_are_aligned():
    """What the element-wise update streams every step starts on a 64-byte
    boundary (a misaligned Adam update ran 1.4x slower)."""
    from shapecheck.runtime.shim import installed
    from shapecheck.runtime.kernels._heap import ALIGN
    with installed():
        import keras
        model = keras.Sequential([keras.Input((40,)), keras.layers.Dense(64), keras.layers.Dense(8)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((8, 40), np.float32), np.zeros((8, 8), np.float32), verbose=0)
    kernels = [v.value for v in model.trainable_weights if v.value.size >= 256]
    assert len(kernels) == 2 and all(k.ctypes.data % ALIGN == 0 for k in kernels)
    slots = [s for sl in model.optimizer._slots.values() for s in sl if s is not None and s.size >= 256]
    assert len(slots) == 4 and all(s.ctypes.data % ALIGN == 0 for s in slots)
