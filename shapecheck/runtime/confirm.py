"""Compare what a run observed with what the analyzer predicted.

Pure data in, pure data out: ``compare(file_report, observer, script_path)``
returns a Confirmation the run command prints as text or JSON.  A model built
at run time is matched with the predicted model constructed on the same line
(in order, when one line builds several); a fit/predict call with the event
of the same method on the same line.  A dimension the analyzer left symbolic
or unknown is not a disagreement; a different number is.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional


def _norm_shape(shape):
    if shape is None:
        return None
    return tuple(d if (d is None or (isinstance(d, int) and not isinstance(d, bool))) else "?" for d in shape)


def shapes_agree(predicted, observed) -> Optional[bool]:
    """True/False, or None when the prediction says nothing checkable."""
    p = _norm_shape(predicted)
    if p is None:
        return None
    o = tuple(observed)
    if len(p) != len(o):
        return False
    verdict = True
    for pd, od in zip(p, o):
        if pd == "?":
            verdict = verdict if verdict is not None else None
            continue
        if pd != od:
            return False
    return verdict


def fmt_shape(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(fmt_shape(s) for s in shape) + "]"
    dims = ["None" if d is None else str(d) for d in shape]
    return f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(dims) + ")"


@dataclass
class LayerRow:
    name: str
    class_name: str
    predicted_shape: Any
    observed_shape: Any
    predicted_params: Optional[int]
    observed_params: int
    ok: Optional[bool]  # None: nothing predicted to check
    line: int = 0


@dataclass
class ModelRow:
    name: str
    line: int
    kind: str
    predicted: bool
    layers: list = field(default_factory=list)
    ok: Optional[bool] = None
    note: str = ""


@dataclass
class DataRow:
    method: str
    line: int
    arg: str
    predicted: Any
    observed: Any
    ok: Optional[bool]


@dataclass
class Confirmation:
    models: list = field(default_factory=list)
    data: list = field(default_factory=list)

    @property
    def disagreements(self) -> list[str]:
        out = []
        for m in self.models:
            if m.ok is False and m.note:
                out.append(f"line {m.line}: model '{m.name}': {m.note}")
            for row in m.layers:
                if row.ok is False:
                    out.append(
                        f"line {row.line or m.line}: layer '{row.name}' ({row.class_name}): predicted "
                        f"{fmt_shape(row.predicted_shape)} / {_p(row.predicted_params)} params, observed "
                        f"{fmt_shape(row.observed_shape)} / {row.observed_params} params"
                    )
        for d in self.data:
            if d.ok is False:
                out.append(f"line {d.line}: {d.method}({d.arg}=...): predicted data shape {fmt_shape(d.predicted)}, "
                           f"actual {fmt_shape(d.observed)}")
        return out

    def to_json(self) -> dict:
        return {
            "models": [
                {"name": m.name, "line": m.line, "kind": m.kind, "predicted": m.predicted, "ok": m.ok, "note": m.note,
                 "layers": [{"name": r.name, "class": r.class_name, "line": r.line,
                             "predicted_shape": _json_shape(r.predicted_shape),
                             "observed_shape": _json_shape(r.observed_shape),
                             "predicted_params": r.predicted_params, "observed_params": r.observed_params,
                             "ok": r.ok} for r in m.layers]}
                for m in self.models
            ],
            "data": [{"method": d.method, "line": d.line, "arg": d.arg, "predicted": _json_shape(d.predicted),
                      "observed": _json_shape(d.observed), "ok": d.ok} for d in self.data],
            "disagreements": self.disagreements,
        }


def _p(n):
    return "?" if n is None else str(n)


def _json_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, list):
        return [_json_shape(s) for s in shape]
    return [d if (d is None or isinstance(d, int)) else str(d) for d in shape]


def _observed_layers(model):
    rows = []
    for layer in model.layers:
        nodes = layer._inbound_nodes
        # The node of this model's graph: the last call made while building it.
        shape = None
        if nodes:
            outs = nodes[-1].outputs
            shape = outs[0].shape if len(outs) == 1 else [t.shape for t in outs]
        params = sum(v.value.size for v in layer._all_vars()) if layer.built else 0
        from .engine.summary import _type_name

        rows.append((layer.name, _type_name(layer), shape, int(params)))  # Model(inputs, outputs) is a Functional
    return rows


def _layer_ok(pred_shape, obs_shape, pred_params, obs_params) -> Optional[bool]:
    verdicts = []
    if isinstance(obs_shape, list):
        if isinstance(pred_shape, list) and len(pred_shape) == len(obs_shape):
            verdicts.extend(shapes_agree(p, o) for p, o in zip(pred_shape, obs_shape))
        elif pred_shape is not None:
            verdicts.append(False)
    elif obs_shape is not None:
        if isinstance(pred_shape, list):
            verdicts.append(False)
        else:
            verdicts.append(shapes_agree(pred_shape, obs_shape))
    if pred_params is not None:
        verdicts.append(pred_params == obs_params)
    if any(v is False for v in verdicts):
        return False
    if verdicts and all(v is True for v in verdicts):
        return True
    return None


def compare(report, observer, script_path: str) -> Confirmation:
    conf = Confirmation()
    script = os.path.abspath(script_path)
    by_line: dict[int, list] = {}
    for m in report.models:
        by_line.setdefault(m.line, []).append(m)
    used: dict[int, int] = {}
    model_ids = {}
    for built in observer.models:
        model = built.model
        if os.path.abspath(built.path) != script or not model.built:
            continue
        kind = "sequential" if type(model).__name__ == "Sequential" else (
            "functional" if model._graph is not None else "subclassed")
        candidates = by_line.get(built.line, [])
        k = used.get(built.line, 0)
        pred = candidates[k] if k < len(candidates) else None
        used[built.line] = k + 1
        row = ModelRow(model.name, built.line, kind, pred is not None)
        model_ids[id(model)] = pred
        observed = _observed_layers(model)
        if pred is None:
            row.note = "not predicted by the analyzer"
            row.layers = [LayerRow(n, c, None, s, None, p, None) for n, c, s, p in observed]
            conf.models.append(row)
            continue
        predicted = list(pred.layers)
        by_name = {l.name: l for l in predicted}
        if len(by_name) == len(predicted) and all(n in by_name for n, _, _, _ in observed):
            # Same names: pair by name (robust to any difference in listing order).
            predicted = [by_name[n] for n, _, _, _ in observed] + [
                l for l in predicted if l.name not in {n for n, _, _, _ in observed}]
        if len(predicted) != len(observed):
            row.ok = False
            row.note = f"the analyzer predicted {len(predicted)} layers, the run built {len(observed)}"
        for i, (n, c, s, p) in enumerate(observed):
            pl = predicted[i] if i < len(predicted) else None
            if pl is None:
                row.layers.append(LayerRow(n, c, None, s, None, p, False))
                continue
            ok = _layer_ok(pl.output_shape, s, pl.params, p)
            if pl.class_name != c and c not in ("Lambda",):
                ok = False
            row.layers.append(LayerRow(n, c, pl.output_shape, s, pl.params, p, ok, pl.line))
        if row.ok is None:
            verdicts = [r.ok for r in row.layers]
            row.ok = False if False in verdicts else (True if verdicts and all(v is True for v in verdicts) else None)
        conf.models.append(row)
    # Data shapes at fit / predict / evaluate.
    events_by_key: dict = {}
    for ev in report.events:
        events_by_key.setdefault((ev.method, ev.line), []).append(ev)
    for ev in observer.events:
        if os.path.abspath(ev.path) != script:
            continue
        preds = events_by_key.get((ev.method, ev.line), [])
        pred = preds[0] if preds else None
        for arg, shapes in (("x", ev.x_shapes), ("y", ev.y_shapes)):
            if not shapes:
                continue
            observed = shapes[0] if len(shapes) == 1 else list(shapes)
            info = pred.args.get(arg) if pred is not None else None
            p_shape = _arg_shape(info)
            if p_shape is None:
                ok = None
            elif isinstance(observed, list):
                ok = None
            else:
                # data arrive whole (a dataset's batches joined): a dimension the analyzer
                # left None (a dataset's batch axis) is not a prediction to check
                ok = shapes_agree(tuple("?" if d is None else d for d in p_shape), observed)
            conf.data.append(DataRow(ev.method, ev.line, arg, p_shape, observed, ok))
    return conf


def _arg_shape(info):
    if info is None:
        return None
    if info.kind in ("array", "tensor") and info.shape is not None:
        return tuple(info.shape)
    return None


def render_text(conf: Confirmation) -> str:
    lines = ["", "shapecheck run: analyzer predictions vs this run"]
    for m in conf.models:
        status = {True: "agrees", False: "DISAGREES", None: "unconfirmed"}[m.ok]
        lines.append(f"  model '{m.name}' (line {m.line}, {m.kind}): {status}" + (f" - {m.note}" if m.note else ""))
        w = max([len(f"{r.name} ({r.class_name})") for r in m.layers] + [12])
        for r in m.layers:
            mark = {True: "ok", False: "MISMATCH", None: "-"}[r.ok]
            lines.append(
                f"    {f'{r.name} ({r.class_name})':<{w}}  predicted {fmt_shape(r.predicted_shape):<16} "
                f"{_p(r.predicted_params):>9}   observed {fmt_shape(r.observed_shape):<16} {r.observed_params:>9}  {mark}"
            )
    for d in conf.data:
        mark = {True: "ok", False: "MISMATCH", None: "-"}[d.ok]
        lines.append(f"  line {d.line}: {d.method} {d.arg}: predicted {fmt_shape(d.predicted)}, actual "
                     f"{fmt_shape(d.observed)}  {mark}")
    bad = conf.disagreements
    if bad:
        lines.append(f"  {len(bad)} disagreement(s): the analyzer is wrong here")
        lines.extend(f"    {b}" for b in bad)
    else:
        lines.append("  no disagreement")
    return "\n".join(lines) + "\n"
