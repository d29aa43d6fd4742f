"""What the editor shows from an analysis: inlay hints, hovers, code lenses, symbols.

Everything here is a pure function of an `Analysis` seen through the text the
editor has now (`View`): when the file no longer parses, the last good
analysis is used and its lines are mapped onto the current text, so a hint
stays on its layer while the user types elsewhere, and disappears from lines
that changed.
"""
from __future__ import annotations

import difflib
import re
from typing import Optional, Sequence

from lsprotocol import types

from ..analyzer.report import LayerReport, ModelReport, Site
from ..analyzer.summary import format_size
from ..layers.shape import format_shape, is_known
from .analysis import Analysis
from .conversions import Positions, contains

SUMMARY_COMMAND = "shapecheck.showSummary"


def line_map(old: Sequence[str], new: Sequence[str]) -> Optional[dict[int, int]]:
    """1-based old line -> new line for lines unchanged between the two texts; None means identical."""
    if old == new:
        return None
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for i in range(size):
            mapping[a + i + 1] = b + i + 1
    return mapping


class View:
    """An analysis as it lands on the document's current text."""

    def __init__(self, analysis: Analysis, current_lines: Sequence[str], encoding: str) -> None:
        self.analysis = analysis
        self.report = analysis.report
        self.lines = current_lines
        self.positions = Positions(current_lines, encoding)
        self._map = line_map(analysis.lines, list(current_lines))

    def line(self, old_line: int) -> Optional[int]:
        if self._map is None:
            return old_line
        return self._map.get(old_line)

    def span(self, line: int, col: int, end_line: int, end_col: int) -> Optional[tuple[int, int, int, int]]:
        """A (1-based line, 0-based col) span moved onto the current text; None if its lines changed."""
        l0, l1 = self.line(line), self.line(end_line)
        if l0 is None or l1 is None or l1 - l0 != end_line - line:
            return None
        return l0, col, l1, end_col

    def range(self, span: tuple[int, int, int, int]) -> types.Range:
        return self.positions.range(*span)


# -- numbers -------------------------------------------------------------------
def count_text(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


def _weight_shape(w):
    return w.shape if hasattr(w, "shape") else w[1]


def params_formula(weights) -> Optional[str]:
    """``784×32 + 32 = 25,120`` from a layer's weight shapes."""
    if not weights:
        return None
    terms, total = [], 0
    for w in weights:
        shape = _weight_shape(w)
        if shape is None:
            return None
        terms.append("×".join(str(d) for d in shape) if len(shape) else "1")
        if total is not None and all(is_known(d) for d in shape):
            n = 1
            for d in shape:
                n *= d
            total += n
        else:
            total = None
    text = " + ".join(terms)
    return f"{text} = {count_text(total)}" if total is not None else text


def shape_text(shape) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)


# -- inlay hints ---------------------------------------------------------------
def _plain_sites(report) -> list[Site]:
    # Notebook cells are placed by the notebook layer; a plain file has cell None.
    return [s for s in report.sites if s.cell is None]


def hint_label(site: Site) -> str:
    label = site.label.strip()
    return label if label.startswith("→") else f"→ {label}"


def inlay_hints(view: View, requested: types.Range) -> list[types.InlayHint]:
    first, last = requested.start.line + 1, requested.end.line + 1
    hints = []
    for site in _plain_sites(view.report):
        span = view.span(site.line, site.col, site.end_line, site.end_col)
        if span is None or not (first <= span[2] <= last):
            continue
        hints.append(
            types.InlayHint(
                position=view.positions.position(span[2], span[3]),
                label=hint_label(site),
                kind=types.InlayHintKind.Type,
                padding_left=True,
                tooltip=types.MarkupContent(types.MarkupKind.Markdown, site.detail) if site.detail else None,
            )
        )
    return hints


# -- hover ---------------------------------------------------------------------
SUPPRESSION = re.compile(r"#\s*shapecheck:\s*ignore\[([^\]]*)\]")


def suppression_at(line_text: str, col: int) -> Optional[list[str]]:
    """Codes of a ``# shapecheck: ignore[...]`` comment under `col`; the one under the cursor first."""
    for m in SUPPRESSION.finditer(line_text):
        if m.start() <= col <= m.end():
            codes = [c.strip() for c in m.group(1).split(",") if c.strip()]
            pos = m.start(1)
            for code in m.group(1).split(","):
                if pos <= col <= pos + len(code) and code.strip():
                    codes.remove(code.strip())
                    codes.insert(0, code.strip())
                pos += len(code) + 1
            return codes
    return None


def rule_markdown(code: str) -> str:
    from ..rules import RULES

    rule = RULES.get(code)
    if rule is None:
        return f"**{code}**: not a shapecheck diagnostic code"
    parts = [f"**{rule.code}** `{rule.name}` ({rule.severity})", "", rule.title]
    for heading, text in (("What it finds", rule.what), ("Why", rule.why), ("Example", rule.example), ("Fix", rule.fix)):
        if text:
            body = f"```python\n{text.strip()}\n```" if heading == "Example" else text.strip()
            parts += ["", f"*{heading}*", "", body]
    return "\n".join(parts)


def _innermost(view: View, items, line: int, col: int):
    best, best_size = None, None
    for item in items:
        span = view.span(item.line, item.col, item.end_line or item.line, item.end_col or item.col)
        if span is None or not contains(span, line, col):
            continue
        size = (span[2] - span[0], span[3] - span[1] if span[2] == span[0] else span[3])
        if best is None or size < best_size:
            best, best_size = (item, span), size
    return best


def layer_of_site(report, site: Site) -> Optional[tuple[ModelReport, LayerReport]]:
    for model in report.models:
        for layer in model.layers:
            if layer.line == site.line and layer.col == site.col:
                return model, layer
    for model in report.models:
        for layer in model.layers:
            if layer.end_line and contains((layer.line, layer.col, layer.end_line, layer.end_col), site.line, site.col):
                return model, layer
    return None


def model_of_site(report, site: Site) -> Optional[ModelReport]:
    for model in report.models:
        if model.line == site.line and model.col == site.col:
            return model
    for model in report.models:
        if model.end_line and contains((model.line, model.col, model.end_line, model.end_col), site.line, site.col):
            return model
    return None


def layer_markdown(layer: LayerReport, model: Optional[ModelReport] = None) -> str:
    parts = [f"**{layer.name}** ({layer.class_name}) → `{shape_text(layer.output_shape)}`"]
    if layer.input_shapes:
        parts.append("input: " + ", ".join(f"`{shape_text(s)}`" for s in layer.input_shapes))
    formula = params_formula(layer.weights)
    if layer.params is not None:
        parts.append(f"params: {formula}" if formula else f"params: {count_text(layer.params)}")
    if layer.trainable_params is not None and layer.params is not None and layer.trainable_params != layer.params:
        parts.append(f"trainable: {count_text(layer.trainable_params)}")
    if model is not None:
        parts.append(f"in model `{model.name}`")
    return "  \n".join(parts)


def model_markdown(model: ModelReport) -> str:
    parts = [f"**{model.name}**: {model.kind} model, {len(model.layers)} layers"]
    if not model.built:
        parts.append("not built: no input shape is known")
    else:
        parts.append("inputs: " + ", ".join(f"`{shape_text(s)}`" for s in model.inputs))
        parts.append("outputs: " + ", ".join(f"`{shape_text(s)}`" for s in model.outputs))
        parts.append(f"total params: {count_text(model.total_params)} ({format_size(model.total_params)})")
        if model.non_trainable_params:
            parts.append(f"non-trainable params: {count_text(model.non_trainable_params)}")
    if model.context:
        parts.append(model.context)
    return "  \n".join(parts)


def site_markdown(report, site: Site) -> str:
    body = ""
    if site.kind == "layer":
        found = layer_of_site(report, site)
        if found is not None:
            body = layer_markdown(found[1], found[0])
    elif site.kind == "model":
        model = model_of_site(report, site)
        if model is not None:
            body = model_markdown(model)
    if not body:
        body = f"**{site.kind}** `{site.label}`"
    if site.detail and site.detail.strip() not in body:
        body += "\n\n" + site.detail.strip()
    return body


def hover(view: Optional[View], line: int, col: int, line_text: str) -> Optional[types.Hover]:
    codes = suppression_at(line_text, col)
    if codes:
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(rule_markdown(c) for c in codes)))
    if view is None:
        return None
    found = _innermost(view, _plain_sites(view.report), line, col)
    if found is not None:
        site, span = found
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, site_markdown(view.report, site)), view.range(span))
    layers = [(m, l) for m in view.report.models for l in m.layers if l.cell is None]
    found = _innermost(view, [l for _m, l in layers], line, col)
    if found is not None:
        layer, span = found
        model = next(m for m, l in layers if l is layer)
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, layer_markdown(layer, model)), view.range(span))
    return None


# -- code lenses and symbols ---------------------------------------------------
def lens_title(model: ModelReport) -> str:
    if not model.built or model.total_params is None:
        return f"{model.name}: not built (no input shape known)"
    return f"Total params: {model.total_params:,} ({format_size(model.total_params)})"


def code_lenses(view: View, uri: str) -> list[types.CodeLens]:
    lenses = []
    for index, model in enumerate(view.report.models):
        if model.cell is not None:
            continue
        line = view.line(model.line)
        if line is None:
            continue
        pos = types.Position(line - 1, 0)
        lenses.append(
            types.CodeLens(
                range=types.Range(pos, pos),
                command=types.Command(lens_title(model), SUMMARY_COMMAND, [uri, index, model.name]),
            )
        )
    return lenses


def document_symbols(view: View) -> list[types.DocumentSymbol]:
    symbols = []
    for model in view.report.models:
        if model.cell is not None:
            continue
        head = view.span(model.line, model.col, model.end_line or model.line, model.end_col or model.col)
        if head is None:
            continue
        children = []
        end = head
        for layer in model.layers:
            span = view.span(layer.line, layer.col, layer.end_line or layer.line, layer.end_col or layer.col)
            if span is None:
                continue
            if (span[2], span[3]) > (end[2], end[3]):
                end = (end[0], end[1], span[2], span[3])
            children.append(
                types.DocumentSymbol(
                    name=layer.name,
                    detail=f"{layer.class_name} → {shape_text(layer.output_shape)} · {count_text(layer.params)} params",
                    kind=types.SymbolKind.Field,
                    range=view.range(span),
                    selection_range=view.range(span),
                )
            )
        full = (head[0], head[1], end[2], end[3]) if (end[2], end[3]) > (head[2], head[3]) else head
        full = (head[0], 0, full[2], full[3])  # a model's outline entry starts at its statement's line
        symbols.append(
            types.DocumentSymbol(
                name=model.name,
                detail=f"{model.kind} · {count_text(model.total_params)} params",
                kind=types.SymbolKind.Class,
                range=view.range(full),
                selection_range=view.range(head),
                children=children,
            )
        )
    return symbols


def summary_text(model: ModelReport) -> str:
    from ..analyzer.summary import render_model

    if not model.built:
        return f"{model.name}: model not built: no input shape is known\n"
    return render_model(model)
