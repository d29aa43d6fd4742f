"""Data against a model, as Keras 3 checks it at fit/evaluate/predict.

Shared by SC301-SC305: each function yields ``(at, message, hint)`` problems
for one (x, y) pair, so that SC304 can run the same checks on
``validation_data``.  Facts (Keras 3.15.1):

* inputs: ``Functional._adjust_input_rank`` squeezes a trailing size-1 axis of
  the data or adds one where the Input ends in 1; any other rank difference
  raises ``Invalid input shape``; then every known Input dim must match;
* a Sequential model with no input shape takes any data (it is built from it),
  and a Sequential model given a list of arrays uses them without complaint;
* a functional model with n inputs refuses a different number of arrays;
* labels: see ``losses.py``.
"""
from __future__ import annotations

from typing import Iterator, Optional

from ...layers.shape import is_known
from .context import array_shape, data_items, fmt, losses_per_output, output_layers, outputs_of
from .replay import ReplayUnknown, replay_sequential
from .losses import SAME_SHAPE_LOSSES, SPARSE_LOSSES, ELEMENTWISE_LOSSES, broadcast_conflict, shapes_conflict, squeeze_or_expand

Problem = tuple  # (at, message, hint)


def adjust_input_rank(data: tuple, ref: tuple) -> Optional[tuple]:
    """The data shape after Keras's rank adjustment, or None when Keras refuses."""
    if len(data) == len(ref):
        return data
    if len(data) == len(ref) + 1 and data[-1] == 1:
        return data[:-1]
    if len(data) == len(ref) - 1 and ref[-1] == 1:
        return data + (1,)
    return None


_ORIGINS = {
    "generator": " (what the generator yields per step)",
    "pydataset": " (what the dataset's __getitem__ returns per step)",
}


def _where(arg) -> str:
    # An ArgInfo's place is the argument itself, already the diagnostic's place;
    # data a generator or PyDataset makes is named for where it comes from.
    return _ORIGINS.get(getattr(arg, "origin", None) or "", "")


def input_count_problem(model, x) -> Optional[Problem]:
    """SC305: a functional model with n inputs fed another number of arrays."""
    if x is None or model.kind != "functional":
        return None
    n = len(model.inputs or [])
    if n < 2:
        return None
    if x.kind in ("array", "tensor"):
        got = 1
    elif x.kind in ("list", "tuple") and isinstance(x.items, list):
        got = len(x.items)
    else:
        return None
    if got == n:
        return None
    shapes = ", ".join(fmt(s) for s in model.inputs)
    return (x, f"{model.name} has {n} inputs {shapes} but is fed {got} array{'s' if got != 1 else ''}: Keras 3 raises "
               f"`Layer \"{model.keras_name or model.name}\" expects {n} input(s) ... but it received {got} input tensors`",
            f"pass a list of {n} arrays, one per Input, in the order of Model(inputs=...)")


def stateful_batch_problem(model, method, x, batch_size) -> Optional[Problem]:
    """SC301: batches of another size than the fixed batch of a stateful model.

    A stateful RNN keeps one state row per batch row, so Keras 3 builds it for
    the batch dimension of ``batch_shape`` and every batch must have exactly
    that many samples (fit/evaluate/predict use batch_size=32 by default; the
    *_on_batch methods take the whole array as one batch)."""
    if x is None or not model.inputs or model.inputs[0] is None or not tuple(model.inputs[0]):
        return None
    stateful = [l for l in model.layers if isinstance(l.config, dict) and l.config.get("stateful") is True]
    if not stateful:
        return None
    fixed = tuple(model.inputs[0])[0]
    items = data_items(x) if x.kind in ("list", "tuple") else [x]
    shape = array_shape(items[0]) if items else None
    if not is_known(fixed) or not shape or not is_known(shape[0]):
        return None
    n = shape[0]
    if method.endswith("_on_batch"):
        size, where = n, f"{method}() takes all {n} samples as one batch"
    else:
        if batch_size is None:
            k = 32
        elif batch_size.kind == "const" and isinstance(batch_size.value, int) and batch_size.value > 0:
            k = batch_size.value
        else:
            return None
        sizes = [min(k, n)] + ([n % k] if n > k and n % k else [])
        wrong = [b for b in sizes if b != fixed]
        if not wrong:
            return None
        size = wrong[0]
        said = f"batch_size={k}" if batch_size is not None else "the default batch_size=32"
        where = (f"{method}() with {said} hands it batches of {size}" if size == min(k, n)
                 else f"{method}() with {said} ends with a batch of {size} ({n} samples)")
    if size == fixed:
        return None
    layer = stateful[0]
    return (batch_size if batch_size is not None and batch_size.line else x,
            f"{layer.name} ({layer.class_name}, stateful=True) is built for batches of exactly {fixed} "
            f"(batch_shape {fmt(tuple(model.inputs[0]))}), but {where}: Keras 3 fails in the layer's call "
            f"(its state has {fixed} rows)",
            f"use batch_size={fixed} with a sample count that is a multiple of {fixed}")


def input_names_problem(model, x) -> Optional[Problem]:
    """SC305: a dict of arrays for a functional model that lacks an Input's name.

    Keras 3 looks the data up by Input name; a key it does not know is
    ignored, a missing name raises. Only Inputs named with ``name=`` in the
    code are compared (automatic names depend on what ran before)."""
    if x is None or x.kind != "dict" or not isinstance(x.items, dict) or model.kind != "functional":
        return None
    if not x.items or not all(isinstance(k, str) for k in x.items):
        return None
    names = []
    for layer in model.layers:
        if layer.class_name != "InputLayer":
            continue
        given = layer.config.get("name") if isinstance(layer.config, dict) else None
        if not isinstance(given, str) or given != layer.name:
            return None
        names.append(layer.name)
    if len(names) != len(model.inputs or []) or not names:
        return None
    missing = [n for n in names if n not in x.items]
    if not missing:
        return None
    keys = list(x.items)
    return (x, f"{model.name}'s Inputs are named {names} but the data dict has keys {keys}: Keras 3 raises "
               f"`Missing data for input \"{missing[0]}\". You passed a data dictionary with keys {keys}`",
            f"key the dict by the Input names ({', '.join(repr(n) for n in names)}) or pass a list in the order of Model(inputs=...)")


def input_shape_problems(model, x) -> Iterator[Problem]:
    """SC301: each array against the Input it feeds."""
    if x is None or not model.built or not model.inputs:
        return
    if model.kind == "sequential":
        if x.kind in ("list", "tuple"):
            # Keras 3 flattens the list and pairs it with the model's one
            # input: the first array is the one the layers get.
            items = data_items(x)
            if not items or items[0].kind not in ("array", "tensor"):
                return
            x = items[0]
        if x.kind not in ("array", "tensor"):
            return
        pairs = [(x, model.inputs[0])]
    else:
        items = data_items(x)
        if items is None or x.kind == "dict":
            return
        if len(items) != len(model.inputs):
            return  # SC305's business
        pairs = list(zip(items, model.inputs))
    for i, (arg, ref) in enumerate(pairs):
        shape = array_shape(arg)
        if shape is None or ref is None:
            continue
        ref = tuple(ref)
        which = f"input {i} " if len(pairs) > 1 else "input "
        adjusted = adjust_input_rank(shape, ref)
        if getattr(arg, "origin", None) == "unbatched dataset" and (adjusted is None or len(shape) < len(ref)):
            yield (arg, f"The tf.data dataset has no .batch(): each step hands {model.name} one sample of shape "
                        f"{fmt(shape)}, where its {which}is {fmt(ref)}; Keras 3 raises `Invalid input shape ... "
                        f"Expected shape {fmt(ref)}, but input has incompatible shape {fmt(shape)}`",
                   "batch the dataset before fit/predict: ds = ds.batch(32)")
            continue
        if adjusted is None:
            yield (arg, f"Data of shape {fmt(shape)}{_where(arg)} does not fit {model.name}'s {which}{fmt(ref)}: "
                        f"Keras 3 raises `Invalid input shape ... Expected shape {fmt(ref)}, but input has incompatible shape`",
                   _rank_hint(shape, ref, getattr(arg, "origin", None)))
            continue
        for axis in range(1, len(ref)):
            want, got = ref[axis], adjusted[axis]
            if is_known(want) and is_known(got) and want != got:
                message = (f"Data of shape {fmt(shape)}{_where(arg)} does not fit {model.name}'s {which}{fmt(ref)}: "
                           f"axis {axis} is {got}, the model expects {want}")
                hint = f"reshape the data to {fmt((shape[0],) + ref[1:])} or change the Input shape"
                if model.kind == "sequential":
                    # Keras 3 does not compare a Sequential model's declared
                    # dims: the layers decide (see replay.py).
                    try:
                        failure = replay_sequential(model, adjusted)
                    except ReplayUnknown:
                        failure = ("?", "", None)
                    if failure is None:
                        break
                    layer, why, _ = failure
                    if why:
                        message += f"; Keras 3 lets it into the Sequential model, then {why}"
                yield (arg, message, hint)
                break


def _rank_hint(shape, ref, origin=None) -> str:
    if origin in _ORIGINS and len(shape) == len(ref) - 1:
        return ("Keras takes each yielded element as a whole batch: yield batches of samples "
                f"(x[i:i + batch_size]), shape {fmt((None,) + tuple(ref[1:]))}")
    batch = tuple(shape[:1]) or (None,)  # a 0-d array (np.zeros(())) has no batch axis
    if len(shape) < len(ref):
        return f"add {len(ref) - len(shape)} axis/axes to the data (np.expand_dims / reshape) to get {fmt(batch + tuple(ref[1:]))}"
    return f"reshape the data to {fmt(batch + tuple(ref[1:]))}"


def sample_count_problem(x, y, sample_weight=None) -> Optional[Problem]:
    """SC303: arrays in x, y (and sample_weight) with different first dimensions."""
    counted = []
    for name, arg in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for item in data_items(arg) or []:
            shape = array_shape(item)
            if shape and is_known(shape[0]):
                counted.append((name, item, shape[0]))
    if len(counted) < 2:
        return None
    first = counted[0]
    for name, item, n in counted[1:]:
        if n != first[2]:
            return (item, f"{name} has {n} samples but {first[0]} has {first[2]}: "
                          f"Keras 3 raises `Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.`",
                    "give x, y and sample_weight the same first dimension")
    return None


def missing_labels_problem(method: str, x, y) -> Optional[Problem]:
    """SC302: fit/evaluate on plain arrays with no labels at all."""
    if y is not None or x is None or x.kind not in ("array", "tensor", "list", "tuple"):
        return None  # a dataset or generator brings its own labels
    if x.kind in ("list", "tuple") and not all(i.kind in ("array", "tensor") for i in (x.items or [])):
        return None
    return (x, f"{method}() gets data but no labels (y): with a compiled loss Keras 3 raises "
               "`None values not supported`", f"pass the labels: {method}(x, y, ...)")


def broadcast_labels(model, compile_event, y) -> Iterator[Problem]:
    """SC516: labels an element-wise loss silently broadcasts against the output."""
    if y is None or compile_event is None or len(outputs_of(model)) != 1 or y.kind not in ("array", "tensor"):
        return
    loss = losses_per_output(model, compile_event)[0]
    yshape, out_shape = array_shape(y), outputs_of(model)[0]
    if loss is None or loss.name not in ELEMENTWISE_LOSSES or yshape is None or out_shape is None:
        return
    out_shape = tuple(out_shape)
    y2, p2 = _unbatched(*squeeze_or_expand(yshape, out_shape))
    if broadcast_conflict(y2, p2) is not None:
        return  # SC302's business: Keras fails
    if len(y2) != len(p2):
        return
    for a, b in zip(y2[1:], p2[1:]):
        if is_known(a) and is_known(b) and a != b:
            yield (y, f"Labels of shape {fmt(yshape)} and the output {fmt(out_shape)} differ, and {loss.name} "
                      f"broadcasts them: every one of the {max(a, b)} values on that axis is compared with every "
                      f"prediction, so the loss is not the one intended and Keras says nothing",
                   f"give the labels the output's shape {fmt(out_shape)}, or the output layer {a} units")
            return


def _unbatched(y2: tuple, p2: tuple) -> tuple:
    """Same-rank labels and output with axis 0 left open: it is the batch on
    both sides, and Keras slices the labels into batches, so n samples meet a
    fixed batch size (a stateful model's batch_shape) without conflict."""
    if len(y2) == len(p2) and y2:
        return (None,) + tuple(y2[1:]), (None,) + tuple(p2[1:])
    return y2, p2


def label_problems(model, compile_event, y) -> Iterator[Problem]:
    """SC302: labels against what each output's loss needs."""
    outputs = outputs_of(model)
    if y is None or compile_event is None or not outputs:
        return
    losses = losses_per_output(model, compile_event)
    n_out = len(outputs)
    if n_out == 1:
        if y.kind not in ("array", "tensor"):
            return
        items = [y]
    else:
        if y.kind in ("list", "tuple") and isinstance(y.items, list) and len(y.items) == n_out:
            items = list(y.items)
        else:
            single = _one_label_array_for_outputs(model, compile_event, y, n_out)
            if single:
                yield single
            return
    outs = output_layers(model)
    for i, (arg, out_shape, loss) in enumerate(zip(items, outputs, losses)):
        if getattr(arg, "origin", None) == "unbatched dataset":
            continue  # the inputs fail first (SC301 says why)
        yshape = array_shape(arg)
        if yshape is None or out_shape is None or loss is None or loss.name is None:
            continue
        out_shape = tuple(out_shape)
        units = out_shape[-1] if out_shape else None
        layer = outs[i] if i < len(outs) else None
        out_desc = f"{layer.name} " if layer is not None else ""
        out_desc += f"output {fmt(out_shape)}"
        yield from _label_vs_output(model, arg, yshape, out_shape, units, loss, out_desc)


def _one_label_array_for_outputs(model, compile_event, y, n_out) -> Optional[Problem]:
    """One label array for a model with several outputs, each with its own loss
    (compile(loss=[...]) or {...}): Keras 3 compares the structures and raises."""
    loss = compile_event.args.get("loss")
    if y.kind not in ("array", "tensor") or loss is None or loss.kind not in ("list", "tuple", "dict"):
        return None
    if model.kind != "functional":
        return None
    names = [l.name for l in output_layers(model) if l is not None]
    shown = f" ({', '.join(names)})" if len(names) == n_out else ""
    return (y, f"{model.name} has {n_out} outputs{shown} with a loss each, but y is one array of shape "
               f"{fmt(array_shape(y))}: Keras 3 raises `y_true and y_pred have different structures`",
            f"pass one label array per output: fit(x, [y_1, ..., y_{n_out}]) or a dict keyed by output layer names")


def _label_vs_output(model, arg, yshape, out_shape, units, loss, out_desc) -> Iterator[Problem]:
    name = loss.name
    where = _where(arg)
    if name in SAME_SHAPE_LOSSES:
        y2, p2 = squeeze_or_expand(yshape, out_shape)
        if len(y2) != len(p2):
            hint = (_integer_label_hint(name, units) if name == "categorical_crossentropy" and len(yshape) < len(out_shape)
                    else f"labels must have the output's shape, {fmt(out_shape)}")
            yield (arg, f"Labels of shape {fmt(yshape)}{where} do not fit {name} on {out_desc}: Keras 3 raises "
                        f"`Arguments target and output must have the same rank (ndim)`", hint)
            return
        axis = shapes_conflict(y2[1:], p2[1:])
        if axis is not None:
            ax = axis + 1
            if ax == len(p2) - 1 and name == "categorical_crossentropy":
                if y2[-1] == 1:
                    msg = (f"Labels of shape {fmt(yshape)}{where} are one integer per sample, but categorical_crossentropy "
                           f"needs one-hot labels as wide as {out_desc} ({units} units)")
                    hint = _integer_label_hint(name, units)
                else:
                    nc = arg.kwargs.get("num_classes") if arg.kwargs else None
                    origin = (f" from to_categorical(num_classes={nc.value})" if nc is not None and nc.kind == "const"
                              else "")
                    msg = f"One-hot labels of width {y2[-1]}{origin} do not fit {out_desc} with {units} units"
                    hint = f"use to_categorical(y, num_classes={units}) or give the output layer {y2[-1]} units"
            else:
                msg = f"Labels of shape {fmt(yshape)}{where} do not fit {name} on {out_desc}"
                hint = f"labels must have the shape of the output, {fmt(out_shape)}"
            yield (arg, msg + ": Keras 3 raises `Arguments target and output must have the same shape`", hint)
        return
    if name in SPARSE_LOSSES:
        y2, p2 = squeeze_or_expand(yshape, out_shape)
        if len(y2) == len(p2) and y2 and y2[-1] == 1:
            y2 = y2[:-1]
        if len(y2) != len(p2) - 1:
            if len(yshape) == len(out_shape) and is_known(yshape[-1]) and yshape[-1] > 1:
                msg = (f"Labels of shape {fmt(yshape)}{where} look one-hot, but sparse_categorical_crossentropy "
                       f"takes integer class ids")
                hint = "use loss='categorical_crossentropy' for one-hot labels, or pass y.argmax(-1)"
            else:
                msg = f"Labels of shape {fmt(yshape)}{where} do not fit sparse_categorical_crossentropy on {out_desc}"
                hint = f"labels must have shape {fmt(out_shape[:-1])}"
            yield (arg, msg + ": Keras 3 raises `Argument output must have rank (ndim) target.ndim - 1`", hint)
            return
        axis = shapes_conflict(y2[1:], p2[1:-1])
        if axis is not None:
            yield (arg, f"Labels of shape {fmt(yshape)}{where} do not fit sparse_categorical_crossentropy on {out_desc}",
                   f"labels must have shape {fmt(out_shape[:-1])}")
            return
        hi, lo = arg.max_value, arg.min_value
        if is_known(units) and hi is not None and hi >= units:
            yield (arg, f"Label value {_num(hi)}{where} is outside [0, {units}) for {out_desc}: sparse_categorical_crossentropy "
                        f"fails (`Received a label value of {_num(hi)} which is outside the valid range of [0, {units})` on CPU)",
                   f"give the output layer {int(hi) + 1} units, or renumber the classes from 0")
        elif lo is not None and lo < 0:
            yield (arg, f"Label value {_num(lo)}{where} is negative: sparse_categorical_crossentropy needs class ids in [0, {units})",
                   "renumber the classes from 0")
        return
    if name in ELEMENTWISE_LOSSES:
        y2, p2 = _unbatched(*squeeze_or_expand(yshape, out_shape))
        bad = broadcast_conflict(y2, p2)
        if bad is not None:
            yield (arg, f"Labels of shape {fmt(yshape)}{where} do not broadcast against {out_desc} for {name}: "
                        f"sizes {bad[0]} and {bad[1]} (Keras 3 fails at the first training step)",
                   f"labels should have the shape of the output, {fmt(out_shape)}")


def _integer_label_hint(name: str, units) -> str:
    return (f"for integer labels use loss='sparse_categorical_crossentropy', or one-hot encode them with "
            f"keras.utils.to_categorical(y, num_classes={units})")


def _num(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
