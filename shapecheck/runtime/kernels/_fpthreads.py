"""Worker threads compute in the calling thread's floating-point mode.

``fpmode.flushed()`` sets flush-to-zero / denormals-are-zero (MXCSR) on the
thread that runs the model; numba's worker threads keep the default, so a
split loop would compute subnormals (~100x slower per operation) where the
serial one flushes them -- and give different numbers.  A saturated LSTM
makes them: sigmoid(-87) = 1.6e-38, and its derivative times anything below
one is subnormal.  A ``prange`` body calls ``enter(mode)`` with the caller's
``current()`` and ``leave(saved)`` at its end.  x86-64 only; elsewhere these
do nothing.
"""
from __future__ import annotations

import platform

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

X86 = platform.machine().lower() in ("x86_64", "amd64")


def _mxcsr_call(builder, name, ptr):
    fnty = ir.FunctionType(ir.VoidType(), [ir.PointerType(ir.IntType(8))])
    fn = builder.module.declare_intrinsic(name, fnty=fnty)
    builder.call(fn, [builder.bitcast(ptr, ir.PointerType(ir.IntType(8)))])


@intrinsic
def _read_mxcsr(typingctx):
    def codegen(context, builder, signature, args):
        ptr = builder.alloca(ir.IntType(32))
        _mxcsr_call(builder, "llvm.x86.sse.stmxcsr", ptr)
        return builder.load(ptr)

    return types.uint32(), codegen


@intrinsic
def _write_mxcsr(typingctx, value):
    def codegen(context, builder, signature, args):
        ptr = builder.alloca(ir.IntType(32))
        builder.store(args[0], ptr)
        _mxcsr_call(builder, "llvm.x86.sse.ldmxcsr", ptr)
        return context.get_dummy_value()

    return types.void(types.uint32), codegen


if X86:
    @njit(cache=True, nogil=True)
    def current():
        """This thread's mode (pass it to the workers)."""
        return np.int64(_read_mxcsr())

    @njit(cache=True, nogil=True)
    def enter(mode):
        """Take ``mode``; returns the thread's previous one for leave()."""
        prev = np.int64(_read_mxcsr())
        _write_mxcsr(np.uint32(mode))
        return prev

    @njit(cache=True, nogil=True)
    def leave(prev):
        _write_mxcsr(np.uint32(prev))
else:
    @njit(cache=True, nogil=True)
    def current():
        return np.int64(0)

    @njit(cache=True, nogil=True)
    def enter(mode):
        return np.int64(0)

    @njit(cache=True, nogil=True)
    def leave(prev):
        return None
