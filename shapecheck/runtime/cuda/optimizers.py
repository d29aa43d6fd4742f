"""Optimizer steps on the GPU, in the order and float32 arithmetic of the CPU
optimizers (runtime/optimizers.py): clip, decay, then the optimizer's own
update, one element-wise kernel per variable.  The optimizer object keeps its
hyper-parameters and step count; its device slots live in ``_cuda_slots``
(index -> device arrays), next to the CPU's ``_slots``.  An optimizer kind
without a kernel here runs its CPU ``apply`` on the host values instead."""
from __future__ import annotations

import math

import numpy as np
from numba import cuda

from .. import optimizers as O
from ._common import dev, device_value, flat, full, grid, mark_written
from .ops import scale
from .reduce import total

F32 = np.float32
ONE = np.float32(1.0)


@cuda.jit
def _decay(v, wd, lr):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        v[i] -= v[i] * wd * lr


@cuda.jit
def _clip(g, c, out):
    for i in range(cuda.grid(1), g.size, cuda.gridsize(1)):
        out[i] = min(max(g[i], -c), c)


@cuda.jit
def _sgd(v, g, lr):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        v[i] -= g[i] * lr


@cuda.jit
def _sgd_momentum(v, g, m, lr, mom, nesterov):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        mi = m[i] * mom - g[i] * lr
        m[i] = mi
        if nesterov:
            v[i] += mi * mom - g[i] * lr
        else:
            v[i] += mi


@cuda.jit
def _rmsprop(v, g, vel, mom_slot, avg, lr, rho, momentum, eps, centered, sq, use_sq):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        gi = g[i]
        g2 = sq[i] if use_sq else gi * gi
        ve = rho * vel[i] + (ONE - rho) * g2
        vel[i] = ve
        if centered:
            a = rho * avg[i] + (ONE - rho) * gi
            avg[i] = a
            den = ve - a * a + eps
        else:
            den = ve + eps
        inc = lr * gi / math.sqrt(den)
        if momentum > 0:
            mo = momentum * mom_slot[i] + inc
            mom_slot[i] = mo
            v[i] -= mo
        else:
            v[i] -= inc


@cuda.jit
def _adagrad(v, g, acc, lr, eps, sq, use_sq):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        gi = g[i]
        a = acc[i] + (sq[i] if use_sq else gi * gi)
        acc[i] = a
        v[i] -= lr * gi / math.sqrt(a + eps)


@cuda.jit
def _adam(v, g, m, vel, vhat, alpha, b1, b2, eps, amsgrad, sq, use_sq):
    for i in range(cuda.grid(1), v.size, cuda.gridsize(1)):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * (ONE - b1)
        m[i] = mi
        g2 = sq[i] if use_sq else gi * gi
        ve = vel[i] + (g2 - vel[i]) * (ONE - b2)
        vel[i] = ve
        if amsgrad:
            ve = max(vhat[i], ve)
            vhat[i] = ve
        v[i] -= (mi * alpha) / (math.sqrt(ve) + eps)


_DUMMY = None


def _dummy():
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = full((1,), 0.0)
    return _DUMMY


def supported(opt) -> bool:
    return type(opt) in (O.SGD, O.RMSprop, O.Adagrad, O.Adam, O.AdamW)


def _clip_grads(opt, grads):
    if opt.clipvalue is not None:
        c = F32(opt.clipvalue)
        out = []
        for g in grads:
            if g is None:
                out.append(None)
                continue
            r = cuda.device_array(g.shape, dtype=np.float32)
            _clip[grid(g.size)](flat(g), c, flat(r))
            out.append(r)
        grads = out
    if opt.clipnorm is not None:
        c = F32(opt.clipnorm)
        out = []
        for g in grads:
            if g is None:
                out.append(None)
                continue
            norm = F32(math.sqrt(total(g, squared=True)))
            out.append(scale(g, c / max(norm, c)) if norm > 0 else g)
        grads = out
    if opt.global_clipnorm is not None:
        c = F32(opt.global_clipnorm)
        norm = F32(math.sqrt(sum(total(g, squared=True) for g in grads if g is not None)))
        if norm > c:
            grads = [None if g is None else scale(g, c / norm) for g in grads]
    return grads


def _slots(opt, i, v):
    store = opt.__dict__.setdefault("_cuda_slots", {})
    s = store.get(i)
    if s is not None:
        return s
    shape = v.shape
    if isinstance(opt, O.SGD):
        s = [full(shape, 0.0)] if opt.momentum != 0 else []
    elif isinstance(opt, O.RMSprop):
        s = [full(shape, 0.0), full(shape, 0.0) if opt.momentum > 0 else None,
             full(shape, 0.0) if opt.centered else None]
    elif isinstance(opt, O.Adagrad):
        s = [full(shape, opt.initial_accumulator_value)]
    else:  # Adam, AdamW
        s = [full(shape, 0.0), full(shape, 0.0), full(shape, 0.0) if opt.amsgrad else None]
    store[i] = s
    return s


def apply(opt, grads, variables, squares=None) -> None:
    """One optimizer step: ``grads`` are device arrays (or None), ``variables``
    the model's trainable Variables, whose device copies are updated;
    ``squares``: host arrays standing for the squared gradient of some
    variables (an Embedding's, see runtime/optimizers.py), or None."""
    if not supported(opt):
        from ._common import host

        opt.apply([None if g is None else host(g) for g in grads], [v.value for v in variables],
                  [v.path for v in variables], squares=squares)
        return
    grads = _clip_grads(opt, grads)
    lr = F32(opt.learning_rate)
    if opt.weight_decay:
        wd = F32(opt.weight_decay)
        for var in variables:
            if any(x in var.path for x in opt._exclude_names):
                continue
            v = device_value(var)
            if v.size:
                _decay[grid(v.size)](flat(v), wd, lr)
            mark_written(var)
    for i, (g, var) in enumerate(zip(grads, variables)):
        if g is None:
            continue
        v = device_value(var)
        if v.size == 0:
            continue
        slots = _slots(opt, i, v)
        blocks = grid(v.size)
        vf, gf = flat(v), flat(g)
        sq = squares[i] if squares is not None else None
        sqf = flat(dev(np.ascontiguousarray(sq, dtype=np.float32))) if sq is not None else _dummy()
        use_sq = sq is not None
        if isinstance(opt, O.SGD):
            if slots:
                _sgd_momentum[blocks](vf, gf, flat(slots[0]), lr, F32(opt.momentum), bool(opt.nesterov))
            else:
                _sgd[blocks](vf, gf, lr)
        elif isinstance(opt, O.RMSprop):
            vel, mom, avg = slots
            _rmsprop[blocks](vf, gf, flat(vel), flat(mom) if mom is not None else _dummy(),
                             flat(avg) if avg is not None else _dummy(), lr, F32(opt.rho), F32(opt.momentum),
                             F32(opt.epsilon), bool(opt.centered), sqf, use_sq)
        elif isinstance(opt, O.Adagrad):
            _adagrad[blocks](vf, gf, flat(slots[0]), lr, F32(opt.epsilon), sqf, use_sq)
        else:
            step = F32(opt.iterations + 1)
            b1, b2 = F32(opt.beta_1), F32(opt.beta_2)
            alpha = lr * np.sqrt(F32(1) - b2**step) / (F32(1) - b1**step)
            m, vel, vhat = slots
            _adam[blocks](vf, gf, flat(m), flat(vel), flat(vhat) if vhat is not None else _dummy(), F32(alpha), b1,
                          b2, F32(opt.epsilon), bool(opt.amsgrad), sqf, use_sq)
        mark_written(var)
    opt.iterations += 1
