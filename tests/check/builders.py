"""Hand-built reports for unit tests of the rule functions: the shapes a real
Keras 3 model has (Dense: (None, units), params = in*units + units)."""
from __future__ import annotations

from shapecheck.analyzer.report import ArgInfo, CallEvent, FileReport, LayerReport, ModelReport


def dense(units, activation=None, name=None, line=0, **extra):
    return ("Dense", dict(units=units, activation=activation, use_bias=True, **extra), name, line)


def layer(cls, name=None, line=0, **cfg):
    return (cls, cfg, name, line)


def sequential(input_shape, specs, name="model", line=1):
    """A built Sequential model from (class, config, name, line) specs."""
    shape = (None,) + tuple(input_shape)
    layers = []
    total = 0
    counters = {}
    for i, (cls, cfg, lname, lline) in enumerate(specs):
        base = {"Dense": "dense", "Dropout": "dropout", "Flatten": "flatten", "Activation": "activation",
                "Embedding": "embedding", "Softmax": "softmax"}.get(cls, cls.lower())
        k = counters.get(base, 0)
        counters[base] = k + 1
        lname = lname or (base if k == 0 else f"{base}_{k}")
        params = 0
        ins = [shape]
        if cls == "Dense":
            params = shape[-1] * cfg["units"] + cfg["units"]
            shape = shape[:-1] + (cfg["units"],)
        elif cls == "Flatten":
            n = 1
            for d in shape[1:]:
                n *= d
            shape = (None, n)
        elif cls == "Embedding":
            params = cfg["input_dim"] * cfg["output_dim"]
            shape = shape + (cfg["output_dim"],)
        act = cfg.get("activation") if isinstance(cfg.get("activation"), str) else None
        layers.append(LayerReport(lname, cls, lline or line + 1 + i, 4, shape, params, params,
                                  config=dict(cfg), input_shapes=ins, activation=act))
        total += params
    return ModelReport(name, line, 8, "sequential", True, [(None,) + tuple(input_shape)], [shape], layers,
                       total, total, 0, keras_name="sequential")


def const(value, line=0, col=0):
    return ArgInfo("const", line=line, col=col, end_line=line, end_col=col + len(repr(value)), value=value)


def array(shape, line=0, col=0, min_value=None, max_value=None, dtype="float64"):
    return ArgInfo("array", line=line, col=col, end_line=line, end_col=col + 1, shape=tuple(shape), dtype=dtype,
                   min_value=min_value, max_value=max_value)


def obj(class_name, line=0, col=0, **kwargs):
    return ArgInfo("object", line=line, col=col, end_line=line, end_col=col + 1, class_name=class_name,
                   kwargs={k: (v if isinstance(v, ArgInfo) else const(v, line)) for k, v in kwargs.items()})


def seq(kind, items, line=0):
    return ArgInfo(kind, line=line, items=list(items))


def event(method, model, line, compiled=None, **args):
    return CallEvent(method, model, line, 0, line, 10, args=dict(args), compiled=compiled)


def report(models, events=(), path="t.py"):
    return FileReport(path, models=list(models), events=list(events))
