"""Finite-difference check of a kernel's backward pass.

The check compares directional derivatives: for a random direction V of
each float input and each parameter, the analytic ``<grad, V>`` from
``backward`` against ``(L(x + eV) - L(x - eV)) / 2e`` where
``L = sum_k <output_k, R_k>`` for fixed random R.  One scalar per direction
keeps the check cheap (two forward passes) while any wrong gradient entry
shows up.  Kernels compute in float32, so the loss is accumulated in float64
and the step is large enough for float32 round-off to stay small.

Used by the test suite and by the CUDA port, which checks its kernels the
same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class GradCheck:
    name: str  # "input 0" or a parameter name
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        # The floor keeps float32 finite-difference noise (~1e-4) on a
        # derivative that is truly ~0 from counting as a relative error.
        return abs(self.analytic - self.numeric) / max(abs(self.analytic), abs(self.numeric), 1e-2)


def check_gradients(
    kernel,
    cfg: dict,
    params: dict,
    inputs: list,
    *,
    training: bool = True,
    seed: int = 0,
    eps: float = 1e-3,
    directions: int = 2,
    skip_params: tuple = (),
) -> list[GradCheck]:
    """Directional-derivative checks for every float input and trainable
    parameter of one kernel call.  Random layers (Dropout) see the same rng
    state on every forward call, so their masks are fixed."""
    rng = np.random.default_rng(seed)

    def run(inp, prm):
        outs, cache = kernel.forward(cfg, prm, inp, training, np.random.default_rng(seed + 1))
        return outs, cache

    outs, cache = run(inputs, params)
    weights = [rng.standard_normal(np.shape(o)) for o in outs]

    def loss(inp, prm) -> float:
        o, _ = run(inp, prm)
        return float(sum(np.sum(np.asarray(a, dtype=np.float64) * r) for a, r in zip(o, weights)))

    d_outs = [w.astype(np.float32) for w in weights]
    d_inputs, d_params = kernel.backward(cfg, params, cache, d_outs)
    results: list[GradCheck] = []

    def probe(name, grad, get_perturbed):
        base = get_perturbed(None)
        for _ in range(directions):
            v = rng.standard_normal(np.shape(base)).astype(np.float32)
            plus = loss(*get_perturbed(base + np.float32(eps) * v))
            minus = loss(*get_perturbed(base - np.float32(eps) * v))
            numeric = (plus - minus) / (2 * eps)
            analytic = float(np.sum(np.asarray(grad, dtype=np.float64) * v))
            results.append(GradCheck(name, analytic, numeric))

    for i, x in enumerate(inputs):
        if not np.issubdtype(np.asarray(x).dtype, np.floating):
            continue

        def perturbed(new, i=i):
            if new is None:
                return np.asarray(inputs[i], dtype=np.float32)
            inp = list(inputs)
            inp[i] = new
            return inp, params

        if d_inputs[i] is None:
            raise AssertionError(f"{kernel.__class__.__name__}: no gradient for float input {i}")
        probe(f"input {i}", d_inputs[i], perturbed)

    for name in params:
        if name in skip_params:
            continue

        def perturbed(new, name=name):
            if new is None:
                return np.asarray(params[name], dtype=np.float32)
            prm = dict(params)
            prm[name] = new
            return inputs, prm

        if name not in d_params:
            raise AssertionError(f"{kernel.__class__.__name__}: no gradient for parameter {name!r}")
        probe(name, d_params[name], perturbed)
    return results
