"""What each Keras 3 loss needs from the labels and the output (checked with
real Keras 3.15.1; see docs/rules.md SC302, SC5xx).

Before computing, every loss wrapper calls ``squeeze_or_expand_to_same_rank``:
when the ranks differ by one and the longer shape ends in 1, that axis is
squeezed (or the rank-1 side expanded).  Then:

* ``categorical_crossentropy``, ``binary_crossentropy`` and
  ``binary_focal_crossentropy`` require labels and output of the same shape
  (``Arguments target and output must have the same shape``);
* ``sparse_categorical_crossentropy`` requires labels of rank ``output - 1``
  (a trailing size-1 axis is squeezed) and label values in ``[0, units)``;
* every other loss is element-wise and only needs shapes that broadcast
  (``mse`` on a (None, 1) output with (n, 3) labels runs, silently).
"""
from __future__ import annotations

from typing import Optional

from ...layers.shape import is_known

PROBABILITY_LOSSES = frozenset({
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
})
SAME_SHAPE_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy"})
SPARSE_LOSSES = frozenset({"sparse_categorical_crossentropy"})
REGRESSION_LOSSES = frozenset({
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "poisson", "cosine_similarity",
})
ELEMENTWISE_LOSSES = REGRESSION_LOSSES | {
    "kl_divergence", "hinge", "squared_hinge", "categorical_hinge", "categorical_focal_crossentropy",
}


def squeeze_or_expand(y: tuple, p: tuple) -> tuple[tuple, tuple]:
    """Keras's ``squeeze_or_expand_to_same_rank(y_true, y_pred)`` over shapes."""
    if len(y) == len(p):
        return y, p
    if len(y) == len(p) + 1 and y[-1] == 1:
        return (y, p + (1,)) if len(p) == 1 else (y[:-1], p)
    if len(p) == len(y) + 1 and p[-1] == 1:
        return (y + (1,), p) if len(y) == 1 else (y, p[:-1])
    return y, p


def broadcast_conflict(a: tuple, b: tuple) -> Optional[tuple[int, int]]:
    """The first pair of known sizes (from the right) that do not broadcast."""
    for da, db in zip(reversed(a), reversed(b)):
        if is_known(da) and is_known(db) and da != db and da != 1 and db != 1:
            return da, db
    return None


def shapes_conflict(a: tuple, b: tuple) -> Optional[int]:
    """Index of the first axis where two same-rank shapes have different known sizes."""
    for i, (da, db) in enumerate(zip(a, b)):
        if is_known(da) and is_known(db) and da != db:
            return i
    return None
