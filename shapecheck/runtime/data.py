"""Input pipelines: ``tf.data.Dataset`` (the in-memory subset scripts use),
``keras.utils.PyDataset`` / ``Sequence``, and turning either into the arrays
``fit`` / ``evaluate`` / ``predict`` batch over.

A Dataset here is a list of elements (nested tuples/dicts of NumPy arrays)
plus the steps applied to it, run lazily on iteration.  ``fit`` gathers one
pass of batches into arrays and batches them with the dataset's own batch
size; a dataset shuffled before batching makes fit shuffle every epoch, as a
reshuffling dataset does.
"""
from __future__ import annotations

import numpy as np

AUTOTUNE = -1


def _slices(structure, n=None):
    """Per-element views of a nested structure of arrays (first axis)."""
    if isinstance(structure, dict):
        keys = list(structure)
        cols = [_slices(structure[k]) for k in keys]
        count = len(cols[0]) if cols else 0
        return [{k: c[i] for k, c in zip(keys, cols)} for i in range(count)]
    if isinstance(structure, tuple):
        cols = [_slices(s) for s in structure]
        count = len(cols[0]) if cols else 0
        return [tuple(c[i] for c in cols) for i in range(count)]
    a = np.asarray(structure)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    return [a[i] for i in range(len(a))]


def _stack(elements):
    first = elements[0]
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    if isinstance(first, tuple):
        return tuple(_stack([e[i] for e in elements]) for i in range(len(first)))
    return np.stack([np.asarray(e) for e in elements])


def _unstack(batch):
    if isinstance(batch, dict):
        keys = list(batch)
        cols = {k: _unstack(batch[k]) for k in keys}
        return [{k: cols[k][i] for k in keys} for i in range(len(cols[keys[0]]))]
    if isinstance(batch, tuple):
        cols = [_unstack(b) for b in batch]
        return [tuple(c[i] for c in cols) for i in range(len(cols[0]))]
    return list(np.asarray(batch))


class Dataset:
    """``tf.data.Dataset`` over in-memory data."""

    def __init__(self, source, steps=()):
        self._source = source  # a callable returning an iterator of elements
        self._steps = tuple(steps)

    # -- constructors ---------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        if isinstance(tensors, list):
            tensors = np.asarray(tensors)
        elements = _slices(tensors)
        return Dataset(lambda: iter(elements))

    @staticmethod
    def from_tensors(tensors, name=None):
        return Dataset(lambda: iter([tensors]))

    @staticmethod
    def range(*args, **kwargs):
        values = [np.int64(v) for v in range(*args)]
        return Dataset(lambda: iter(values))

    @staticmethod
    def zip(*datasets, name=None):
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, list)):
            datasets = tuple(datasets[0])
        return Dataset(lambda: zip(*[iter(d) for d in datasets]))

    # -- transformations ------------------------------------------------------------
    def _then(self, step):
        return Dataset(self._source, self._steps + (step,))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        def run(it):
            buf = []
            for e in it:
                buf.append(e)
                if len(buf) == batch_size:
                    yield _stack(buf)
                    buf = []
            if buf and not drop_remainder:
                yield _stack(buf)

        ds = self._then(("batch", run))
        ds._batch_size = int(batch_size)
        return ds

    def unbatch(self, name=None):
        def run(it):
            for b in it:
                yield from _unstack(b)

        return self._then(("unbatch", run))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        rng = np.random.default_rng(seed) if seed is not None else None

        def run(it):
            items = list(it)
            order = (rng or np.random).permutation(len(items))
            for i in order:
                yield items[i]

        return self._then(("shuffle", run))

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        def run(it):
            for e in it:
                yield map_func(*e) if isinstance(e, tuple) else map_func(e)

        return self._then(("map", run))

    def filter(self, predicate, name=None):
        def run(it):
            for e in it:
                if bool(np.asarray(predicate(*e) if isinstance(e, tuple) else predicate(e))):
                    yield e

        return self._then(("filter", run))

    def repeat(self, count=None, name=None):
        if count is None or count < 0:
            ds = self._then(("repeat_forever", None))
            return ds

        def run(it):
            items = list(it)
            for _ in range(count):
                yield from items

        return self._then(("repeat", run))

    def take(self, count, name=None):
        def run(it):
            for i, e in enumerate(it):
                if count >= 0 and i >= count:
                    return
                yield e

        return self._then(("take", run))

    def skip(self, count, name=None):
        def run(it):
            for i, e in enumerate(it):
                if i >= count:
                    yield e

        return self._then(("skip", run))

    def prefetch(self, buffer_size=None, name=None):
        return self

    def cache(self, filename="", name=None):
        return self

    def with_options(self, options, name=None):
        return self

    # -- reading ----------------------------------------------------------------------
    def _iter(self, once=False):
        it = self._source()
        for kind, run in self._steps:
            if kind == "repeat_forever":
                if once:
                    continue
                it = _forever(self._source, self._steps[: self._steps.index((kind, run))])
                continue
            it = run(it)
        return it

    def __iter__(self):
        return self._iter()

    def as_numpy_iterator(self):
        return iter(self)

    def cardinality(self):
        if any(k == "repeat_forever" for k, _ in self._steps):
            return np.int64(-1)
        return np.int64(sum(1 for _ in self._iter()))

    def __len__(self):
        n = int(self.cardinality())
        if n < 0:
            raise TypeError("The dataset is infinite.")
        return n

    @property
    def element_spec(self):
        return None

    def batch_size(self):
        return getattr(self, "_batch_size", None)

    def shuffled(self) -> bool:
        kinds = [k for k, _ in self._steps]
        return "shuffle" in kinds and ("batch" not in kinds or kinds.index("shuffle") < kinds.index("batch"))


def _forever(source, steps):
    while True:
        it = source()
        for _, run in steps:
            it = run(it)
        yield from it


class Options:
    def __init__(self):
        self.experimental_distribute = self
        self.auto_shard_policy = None


# -- fit's view of a pipeline -------------------------------------------------------------
def is_pipeline(x) -> bool:
    return isinstance(x, Dataset) or _is_pydataset(x)


def is_batched_by_index(x) -> bool:
    return _is_pydataset(x)


def _is_pydataset(x) -> bool:
    from .utils import PyDataset

    return isinstance(x, PyDataset)


def is_generator(x) -> bool:
    """A plain Python generator / iterator of batches (Keras 2's fit_generator style)."""
    import types

    return isinstance(x, types.GeneratorType) or (hasattr(x, "__next__") and not hasattr(x, "shape"))


def take_batches(gen, n=None):
    """The next ``n`` batches of a generator (all that are left when n is None),
    each as a tuple (x,), (x, y) or (x, y, sample_weight)."""
    out = []
    while n is None or len(out) < n:
        try:
            b = next(gen)
        except StopIteration:
            break
        if not isinstance(b, tuple):
            raise ValueError("When passing a Python generator to a Keras model, the generator must return a tuple, "
                             "either (input,) or (inputs, targets) or (inputs, targets, sample_weights). "
                             f"Received: {b}")
        out.append(b)
    if not out:
        raise ValueError("The generator yielded no batches: fit/evaluate/predict need at least one.")
    return out


def join_batches(batches):
    """(x, y, sample_weight, batch_size) of a list of batch tuples."""
    size = max(_len(b) for b in batches)
    parts = list(batches)
    n_parts = len(parts[0])
    joined = [_concat([p[i] for p in parts]) for i in range(n_parts)]
    return joined[0], joined[1] if n_parts > 1 else None, joined[2] if n_parts > 2 else None, size


def materialize(x):
    """(x, y, sample_weight, batch_size, shuffle) from a Dataset or a PyDataset:
    one pass of its batches, concatenated."""
    if isinstance(x, Dataset):
        batches = list(x._iter(once=True))
        size = x.batch_size()
        shuffle = x.shuffled()
    else:
        batches = [x[i] for i in range(len(x))]
        size = None
        shuffle = bool(getattr(x, "_shuffle_hint", False))
    if not batches:
        raise ValueError("The dataset is empty: fit/evaluate/predict need at least one batch.")
    if size is None:
        first = batches[0]
        lead = first[0] if isinstance(first, tuple) else first
        while isinstance(lead, (dict, tuple, list)):
            lead = next(iter(lead.values())) if isinstance(lead, dict) else lead[0]
        size = len(lead)
        if not isinstance(x, Dataset) and not all(_len(b) == size for b in batches[:-1]):
            size = max(_len(b) for b in batches)
    parts = [b if isinstance(b, tuple) else (b,) for b in batches]
    n_parts = len(parts[0])
    joined = [_concat([p[i] for p in parts]) for i in range(n_parts)]
    xs = joined[0]
    ys = joined[1] if n_parts > 1 else None
    sw = joined[2] if n_parts > 2 else None
    return xs, ys, sw, size, shuffle


def _len(batch):
    lead = batch[0] if isinstance(batch, tuple) else batch
    while isinstance(lead, (dict, tuple, list)):
        lead = next(iter(lead.values())) if isinstance(lead, dict) else lead[0]
    return len(lead)


def _concat(items):
    first = items[0]
    if isinstance(first, dict):
        return {k: _concat([it[k] for it in items]) for k in first}
    if isinstance(first, (tuple, list)):
        return [_concat([it[i] for it in items]) for i in range(len(first))]
    return np.concatenate([np.asarray(i) for i in items], axis=0)
