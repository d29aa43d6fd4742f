"""Flush-to-zero for the runtime's thread, as TensorFlow's CPU kernels run.

Values in float32's subnormal range (below 1.18e-38) cost ~100x per operation
on x86; a network that grows confident produces them (softmax tails, decayed
optimizer slots) and an MLP's second epoch then took twice the first.  Setting
the SSE control register's FTZ and DAZ bits makes NumPy, numba and OpenBLAS
(all on this thread) treat them as zero.  x86-64 only; elsewhere a no-op.
"""
from __future__ import annotations

import platform

import contextlib

_FTZ_DAZ = 0x8040
_fns = {}


def _build():
    if _fns:
        return _fns
    import numpy as np
    from llvmlite import ir
    from numba import njit, types
    from numba.extending import intrinsic

    def _mxcsr_call(builder, name, ptr):
        fnty = ir.FunctionType(ir.VoidType(), [ir.PointerType(ir.IntType(8))])
        fn = builder.module.declare_intrinsic(name, fnty=fnty)
        builder.call(fn, [builder.bitcast(ptr, ir.PointerType(ir.IntType(8)))])

    @intrinsic
    def get_mxcsr(typingctx):
        def codegen(context, builder, signature, args):
            ptr = builder.alloca(ir.IntType(32))
            _mxcsr_call(builder, "llvm.x86.sse.stmxcsr", ptr)
            return builder.load(ptr)

        return types.uint32(), codegen

    @intrinsic
    def set_mxcsr(typingctx, value):
        def codegen(context, builder, signature, args):
            ptr = builder.alloca(ir.IntType(32))
            builder.store(args[0], ptr)
            _mxcsr_call(builder, "llvm.x86.sse.ldmxcsr", ptr)
            return context.get_dummy_value()

        return types.void(types.uint32), codegen

    @njit
    def read():
        return get_mxcsr()

    @njit
    def write(value):
        set_mxcsr(value)

    _fns["read"], _fns["write"], _fns["u32"] = read, write, np.uint32
    return _fns


@contextlib.contextmanager
def flushed():
    """FTZ/DAZ on the calling thread for the duration (x86-64; elsewhere a
    no-op).  Restored afterwards: the flag is process state other code (test
    libraries, the user's own numerics) may rely on."""
    prev = None
    if platform.machine().lower() in ("x86_64", "amd64"):
        try:
            fns = _build()
            prev = int(fns["read"]())
            fns["write"](fns["u32"](prev | _FTZ_DAZ))
        except Exception:  # an unusual numba/llvmlite: keep IEEE behaviour
            prev = None
    try:
        yield prev is not None
    finally:
        if prev is not None:
            _fns["write"](_fns["u32"](prev))
