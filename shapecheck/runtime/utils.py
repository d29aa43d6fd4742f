"""``keras.utils``: to_categorical, set_random_seed, normalize."""
from __future__ import annotations

import numpy as np

from .random import set_random_seed  # noqa: F401


def to_categorical(x, num_classes=None):
    """One-hot rows, Keras's shape rule: a trailing axis of 1 is replaced.  Float64, as
    Keras 3 makes them from NumPy input (training reads them as float32)."""
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(np.max(x)) + 1
    out = np.zeros((x.shape[0], num_classes), dtype="float64")
    out[np.arange(x.shape[0]), x] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return x / norm


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    lengths = [len(s) for s in sequences]
    maxlen = maxlen or (max(lengths) if lengths else 0)
    out = np.full((len(sequences), maxlen), value, dtype=dtype)
    for i, s in enumerate(sequences):
        s = list(s)
        if not s:
            continue
        s = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        if padding == "post":
            out[i, : len(s)] = s
        else:
            out[i, -len(s):] = s
    return out


class PyDataset:
    """``keras.utils.PyDataset`` (and Keras 2's ``Sequence``): batches by index.
    fit reads every batch once and batches the result the same way."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    @property
    def num_batches(self):
        return len(self)


Sequence = PyDataset


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """``keras.utils.timeseries_dataset_from_array``: windows of ``sequence_length``
    steps (every ``sampling_rate``-th row), one every ``sequence_stride`` rows; the
    target of window i is ``targets[i]``."""
    import numpy as np

    from .data import Dataset

    data = np.asarray(data)
    if data.dtype == np.float64:
        data = data.astype(np.float32)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    span = (sequence_length - 1) * sampling_rate
    starts = np.arange(start, end - span, sequence_stride)
    if targets is not None:
        starts = starts[starts - start < len(targets)]
    if shuffle:
        starts = np.random.default_rng(seed).permutation(starts)
    windows = np.stack([data[s:s + span + 1:sampling_rate] for s in starts]) if len(starts) else \
        np.zeros((0, sequence_length) + data.shape[1:], data.dtype)
    if targets is None:
        ds = Dataset.from_tensor_slices(windows)
    else:
        t = np.asarray(targets)
        ds = Dataset.from_tensor_slices((windows, t[starts - start]))
    return ds.batch(batch_size) if batch_size is not None else ds
