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


# -- sites and the layers they show ---------------------------------------------
Span = tuple[int, int, int, int]  # 1-based lines, 0-based code-point columns


def report_span(item) -> Optional[Span]:
    """A model's or layer's range; the report stores 1-based columns (end exclusive).
    None for one the analyzer could not place (a layer made inside a library
    model it does not read)."""
    if item.line is None:
        return None
    end_line = item.end_line or item.line
    end_col = item.end_col if item.end_line else item.col
    return item.line, max(0, item.col - 1), end_line, max(0, end_col - 1)


def _within(inner: Span, outer: Span) -> bool:
    return (inner[0], inner[1]) >= (outer[0], outer[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])


def layer_label(layer: LayerReport) -> str:
    return f"→ {shape_text(layer.output_shape)} · {count_text(layer.params)} params"


class Anchor:
    """A site, the layer it reports (when one matches) and where the editor shows it."""

    __slots__ = ("site", "span", "model", "layer")

    def __init__(self, site: Site, span: Span, model=None, layer=None):
        self.site, self.span, self.model, self.layer = site, span, model, layer


def anchors(report) -> list[Anchor]:
    """Sites of a plain file (notebook cells are placed elsewhere), each matched to its layer.

    A layer site is matched to the layer inside its range with the same shape
    and params.  ``Sequential([Dense(32), Dense(10)])`` gives every layer a site
    with the range of the whole list; those are moved onto their own layer, so
    each hint lands after its layer instead of all piling up after the list.
    """
    sites = [s for s in report.sites if s.cell is None]
    layers = [(m, l, report_span(l)) for m in report.models for l in m.layers if l.cell is None and l.line is not None]
    shared: dict[Span, int] = {}
    for site in sites:
        if site.kind == "layer":
            key = (site.line, site.col, site.end_line, site.end_col)
            shared[key] = shared.get(key, 0) + 1
    used: set[int] = set()
    out = []
    for site in sites:
        span = (site.line, site.col, site.end_line, site.end_col)
        model = layer = None
        if site.kind == "layer":
            label = site.label.strip()
            for m, l, lspan in layers:
                if id(l) not in used and _within(lspan, span) and layer_label(l) == label:
                    model, layer = m, l
                    used.add(id(l))
                    if shared[span] > 1:
                        span = lspan
                    break
        out.append(Anchor(site, span, model, layer))
    return out


# -- inlay hints ---------------------------------------------------------------


def hint_label(site: Site) -> str:
    label = site.label.strip()
    return label if label.startswith("→") else f"→ {label}"


def inlay_hints(view: View, requested: types.Range) -> list[types.InlayHint]:
    first, last = requested.start.line + 1, requested.end.line + 1
    hints = []
    for anchor in anchors(view.report):
        site = anchor.site
        span = view.span(*anchor.span)
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
    """The item with the smallest span around (line, col); items are (span, payload) pairs."""
    best, best_key = None, None
    for span0, payload in items:
        span = view.span(*span0)
        if span is None or not contains(span, line, col):
            continue
        key = (span[2] - span[0], span[3] - span[1] if span[2] == span[0] else span[3])
        if best is None or key < best_key:
            best, best_key = (payload, span), key
    return best


def layer_markdown(layer: LayerReport, model: Optional[ModelReport] = None, formula: str = "") -> str:
    parts = [f"**{layer.name}** ({layer.class_name}) → `{shape_text(layer.output_shape)}`"]
    if layer.input_shapes:
        parts.append("input: " + ", ".join(f"`{shape_text(s)}`" for s in layer.input_shapes))
    formula = params_formula(layer.weights) or formula
    if layer.params is not None:
        parts.append(f"params: {formula}" if formula else f"params: {count_text(layer.params)}")
    if layer.trainable_params is not None and layer.params is not None and layer.trainable_params != layer.params:
        parts.append(f"trainable: {count_text(layer.trainable_params)}")
    if model is not None:
        parts.append(f"in model `{display_name(model)}`")
    return "  \n".join(parts)


def display_name(model: ModelReport) -> str:
    """What the editor shows for a model: the variable Keras names it after, else
    its Keras name (a model made in `return keras.Model(...)` has no variable);
    LSP symbols must not be nameless."""
    return model.name or model.keras_name or model.kind


def model_markdown(model: ModelReport) -> str:
    parts = [f"**{display_name(model)}**: {model.kind} model, {len(model.layers)} layers"]
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


_FORMULA = re.compile(r"^[\d×+ ]+= [\d,]+$")

_KIND_TITLES = {"tensor": "tensor", "array": "NumPy array", "model": "model", "layer": "layer"}


def anchor_markdown(report, anchor: Anchor) -> str:
    site = anchor.site
    detail = site.detail.strip()
    if anchor.layer is not None:
        formula = detail if _FORMULA.match(detail) else ""
        body = layer_markdown(anchor.layer, anchor.model, formula)
        if detail and not formula:
            body += "\n\n" + detail
        if site.origin:
            body += "  \n" + site.origin  # where the input shape came from
        return body
    if site.kind == "model":
        for model in report.models:
            placed = report_span(model)
            if (placed is not None and _within(placed, anchor.span)) or (model.line == site.line):
                body = model_markdown(model)
                return body + ("\n\n" + detail if detail else "")
    label = site.label.strip().lstrip("→").strip()
    body = f"**{_KIND_TITLES.get(site.kind, site.kind)}** `{label}`"
    if detail:
        body += "  \nparams: " + detail if _FORMULA.match(detail) else "\n\n" + detail
    return body


def hover(view: Optional[View], line: int, col: int, line_text: str) -> Optional[types.Hover]:
    codes = suppression_at(line_text, col)
    if codes:
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(rule_markdown(c) for c in codes)))
    if view is None:
        return None
    by_name = _hover_by_name(view, line, col, line_text)
    if by_name is not None:
        return by_name
    found = _innermost(view, [(a.span, a) for a in anchors(view.report)], line, col)
    if found is not None:
        anchor, span = found
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, anchor_markdown(view.report, anchor)), view.range(span))
    # No site here: a model's own name or constructor, or a layer the analyzer placed but did not annotate.
    items = [(report_span(m), ("model", m, None)) for m in view.report.models if m.cell is None and m.line is not None]
    items += [(report_span(l), ("layer", l, m)) for m in view.report.models for l in m.layers
              if l.cell is None and l.line is not None]
    found = _innermost(view, items, line, col)
    if found is not None:
        (kind, item, model), span = found
        text = model_markdown(item) if kind == "model" else layer_markdown(item, model)
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), view.range(span))
    return None


def _hover_by_name(view: View, line: int, col: int, line_text: str) -> Optional[types.Hover]:
    """A model's name anywhere (`model.fit(...)`): its summary; a variable assigned a tensor,
    layer output or array by a plain `name = ...` above: that shape."""
    word = _word_at(line_text, col)
    if word is not None:
        name, start, end = word
        models = [m for m in view.report.models if m.name == name and m.cell is None]
        if models:
            return types.Hover(
                types.MarkupContent(types.MarkupKind.Markdown, model_markdown(models[-1])),
                view.positions.range(line, start, line, end),
            )
        assigned = _last_assignment(view, name, line, start)
        if assigned is not None:
            anchor, at_line = assigned
            label = anchor.site.label.strip().lstrip("→").strip()
            kind = _KIND_TITLES.get(anchor.site.kind, anchor.site.kind)
            text = f"**{name}**: {kind} `{label}` (assigned line {at_line})"
            return types.Hover(
                types.MarkupContent(types.MarkupKind.Markdown, text), view.positions.range(line, start, line, end)
            )
    return None


_ASSIGN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*")


def _last_assignment(view: View, name: str, line: int, col: int):
    """The site assigned to `name` by a plain `name = ...` statement nearest above `line`
    (a tensor or array variable used further down); None if there is none.  On the
    assignment's own line only its target counts: in `x = Dense(3)(x)` the right-hand `x`
    is the earlier value."""
    best = None
    for anchor in anchors(view.report):
        site = anchor.site
        if site.kind not in ("tensor", "array", "layer"):
            continue
        text = view.analysis.lines[site.line - 1] if site.line <= len(view.analysis.lines) else ""
        m = _ASSIGN.match(text)
        # the site must be the whole right-hand side: `h = layers.Dense(32)(inp)`
        if not m or m.group(1) != name or m.end() != site.col:
            continue
        at = view.line(site.line)
        if at is None or at > line or (at == line and col != m.start(1)):
            continue
        if best is None or at > best[1]:
            best = (anchor, at)
    return best


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _word_at(text: str, col: int) -> Optional[tuple[str, int, int]]:
    for m in _IDENT.finditer(text):
        if m.start() <= col <= m.end():
            return m.group(0), m.start(), m.end()
    return None


# -- code lenses and symbols ---------------------------------------------------
def lens_title(model: ModelReport) -> str:
    if not model.built or model.total_params is None:
        return f"{model.name}: not built (no input shape known)"
    return f"Total params: {model.total_params:,} ({format_size(model.total_params)})"


def code_lenses(view: View, uri: str, command: str) -> list[types.CodeLens]:
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
                command=types.Command(title=lens_title(model), command=command, arguments=[uri, index, model.name]),
            )
        )
    return lenses


def document_symbols(view: View) -> list[types.DocumentSymbol]:
    symbols = []
    for model in view.report.models:
        if model.cell is not None or model.line is None:
            continue
        head = view.span(*report_span(model))
        if head is None:
            continue
        children = []
        end = head
        for layer in model.layers:
            if layer.cell is not None or layer.line is None:  # added in another cell, or not placed
                continue
            span = view.span(*report_span(layer))
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
                name=display_name(model),
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
