"""The abstract values the interpreter computes with.

Every Python expression of the checked program evaluates to one of these.
Anything the interpreter cannot follow becomes ``Unknown`` — never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import libcst as cst

from ..layers.base import LayerSpec, Weight
from ..layers.shape import Shape, Sym
from .positions import Range


class Value:
    __slots__ = ()


@dataclass(eq=False)
class Unknown(Value):
    """A value the analyzer cannot know.  ``name`` names it for symbolic dims."""

    name: str = "?"

    def as_dim(self) -> Sym:
        return Sym(self.name)


@dataclass(eq=False)
class Const(Value):
    value: Any  # int, float, str, bool, None, bytes, complex


@dataclass(eq=False)
class TupleV(Value):
    items: list
    # "array" / "tensor" when this is the .shape of one whose rank is known:
    # indexing past its end is Python's IndexError, not an unknown value.
    shape_of: Optional[str] = None


@dataclass(eq=False)
class ListV(Value):
    items: list
    # inexact: grown by code the analyzer followed only partly (a loop of
    # unknown length run once, an undecidable branch, an unknown key), so
    # ``items`` is a sample, not the contents: its length is unknown.
    inexact: bool = False


@dataclass(eq=False)
class DictV(Value):
    keys: list  # python keys (constants) in insertion order
    values: list
    inexact: bool = False  # (as ListV.inexact)

    def get(self, key):
        try:
            return self.values[self.keys.index(key)]  # C-speed scan: loops may index big dicts
        except ValueError:
            return None


@dataclass(eq=False)
class RangeV(Value):
    start: int
    stop: int
    step: int

    def items(self) -> list:
        return [Const(i) for i in range(self.start, self.stop, self.step)]

    def __len__(self) -> int:
        return len(range(self.start, self.stop, self.step))


@dataclass(eq=False)
class ModuleV(Value):
    """A module of a library we know: path is canonical ("keras.layers", "numpy").
    ``via_tf`` marks tf.keras / tensorflow.keras, whose backend module still
    carries the Keras 2 functions (K.sum...) that Keras 3's keras.backend lacks."""

    path: str
    via_tf: bool = False


@dataclass(eq=False)
class ExternalV(Value):
    """Something from a library we do not model (pandas, sklearn, ...)."""

    path: str


@dataclass(eq=False)
class ApiRef(Value):
    """A class or function of a library we model, by canonical path
    ("keras.layers.Dense", "keras.Sequential", "numpy.zeros", "keras.ops.sum")."""

    path: str

    @property
    def leaf(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclass(eq=False)
class FuncV(Value):
    """A function defined in the checked program (def or lambda)."""

    node: Any  # cst.FunctionDef | cst.Lambda
    scope: Any  # the Scope it closes over
    name: str
    is_lambda: bool = False
    # For lambdas made inside a loop/comprehension: the loop variables it reads
    # that will have changed by the time it runs (late binding).
    late_bound: tuple = ()
    self_value: Optional["Value"] = None  # bound method receiver
    called: bool = False


@dataclass(eq=False)
class ClassV(Value):
    """A class defined in the checked program."""

    node: cst.ClassDef
    scope: Any
    name: str
    bases: list  # evaluated base values
    methods: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    model_base: bool = False  # subclasses keras.Model
    layer_base: bool = False  # subclasses keras.layers.Layer
    builtin: Optional[str] = None  # subclasses a built-in layer (layers.Dense): its catalog name
    # @dataclass / NamedTuple: the generated __init__'s fields, in order, as
    # (name, default expression or None, the default is a default_factory)
    fields: Optional[list] = None


@dataclass(eq=False)
class InstanceV(Value):
    """An instance of a user class that is not a model (plain Python object)."""

    cls: ClassV
    attrs: dict = field(default_factory=dict)


@dataclass(eq=False)
class LayerV(Value):
    """A layer instance: a catalog spec plus its bound config."""

    spec: Optional[LayerSpec]
    class_name: str
    cfg: dict
    base: dict
    name: str
    site: Optional[Range]
    keras2: dict = field(default_factory=dict)
    weights: Optional[list] = None  # list[Weight] once built
    built_inputs: Optional[list] = None  # input shapes it was built for
    calls: list = field(default_factory=list)  # Node objects
    model: Optional["ModelV"] = None  # when this "layer" is a model used as a layer
    func: Optional[FuncV] = None  # Lambda's function
    input_tensor: Optional["TensorV"] = None  # InputLayer's tensor
    unknown_reason: str = ""  # for layers we don't have a spec for
    user_class: Optional[ClassV] = None  # custom Layer subclass
    is_operation: bool = False  # a keras.ops node (x + y, ops.mean): in the graph, not in model.layers

    @property
    def param_count(self) -> Optional[int]:
        if self.model is not None:
            return self.model.total_params()
        return weights_total(self.weights) if self.weights is not None else None

    @property
    def trainable_count(self) -> Optional[int]:
        if self.model is not None:
            return self.model.trainable_params()
        if self.weights is None:
            return None
        if self.base.get("trainable") is False:
            return 0 if self.param_count is not None else None
        return weights_total([w for w in self.weights if w.trainable])


    @property
    def weight_bytes(self) -> tuple:
        """(all, trainable) bytes of this layer's weights, by dtype; None if unknown."""
        if self.model is not None:
            return self.model.weight_bytes()
        if self.weights is None or any(w.nbytes is None for w in self.weights):
            return (None, None)
        frozen = self.base.get("trainable") is False
        total = sum(w.nbytes for w in self.weights)
        return (total, 0 if frozen else sum(w.nbytes for w in self.weights if w.trainable))


@dataclass(eq=False)
class Node:
    """One application of a layer: which tensors went in, which came out."""

    layer: LayerV
    inputs: list  # TensorV
    outputs: list  # TensorV
    site: Optional[Range]
    index: int = 0  # position in layer.calls


@dataclass(eq=False)
class TensorV(Value):
    """A symbolic Keras tensor."""

    shape: Shape  # tuple of dims, or None (unknown rank)
    dtype: str = "float32"
    node: Optional[Node] = None  # producing node; None for detached tensors
    index: int = 0  # which output of the node
    site: Optional[Range] = None


@dataclass(eq=False)
class ArrayV(Value):
    """A NumPy array (data): shape known or partially known, dtype, value range."""

    shape: Shape
    dtype: str = "float64"
    min_value: Optional[float] = None
    max_value: Optional[float] = None
    site: Optional[Range] = None
    # The distinct values, when the code spells them out (np.array([0, 5, 9])
    # and what np.repeat/np.tile/np.concatenate make of it): len(np.unique(y)).
    values: Optional[frozenset] = None


@dataclass(eq=False)
class DatasetV(Value):
    """A tf.data.Dataset: the structure of one element (arrays, tuples, dicts
    of ArrayV) as the model gets it per step.  ``batched`` is False until
    .batch() adds the batch axis: fit() on an unbatched dataset hands the model
    single samples (tf.data.Dataset.from_tensor_slices((x, y)) without .batch)."""

    element: Value
    batched: bool = False
    # What made it: "generator" (a Python generator function's first yield),
    # "pydataset" (a keras.utils.PyDataset/Sequence's __getitem__(0)), or None
    # for tf.data. Only tf.data datasets have the .batch()/.map() methods.
    source: Optional[str] = None


@dataclass(eq=False)
class ObjectV(Value):
    """An instance of a library class we know by name (optimizer, loss, callback,
    metric, initializer): its constructor arguments are kept for rules."""

    path: str
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    site: Optional[Range] = None

    @property
    def leaf(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclass(eq=False)
class ModelV(Value):
    kind: str  # "sequential" | "functional" | "subclassed"
    site: Optional[Range]
    keras_name: str
    layers: list = field(default_factory=list)  # LayerV in model.layers order (sequential: no InputLayer)
    inputs: list = field(default_factory=list)  # TensorV
    outputs: list = field(default_factory=list)  # TensorV
    built: bool = False
    input_shape: Shape = None  # sequential: batch input shape once known
    var_names: list = field(default_factory=list)
    context: str = ""
    user_class: Optional[ClassV] = None
    self_attrs: dict = field(default_factory=dict)  # subclassed: attributes set on self
    compiled: Any = None  # the compile CallEvent in force
    as_layer: Optional[LayerV] = None  # the LayerV view when used inside another model
    cell: Optional[int] = None
    broken: bool = False  # a fault stopped the build
    output_names: list = field(default_factory=list)
    input_names: list = field(default_factory=list)
    escaped: bool = False  # passed to code we can't follow: it may be compiled there
    frozen: bool = False  # model.trainable = False
    app: Any = None  # keras.applications facts (applications.AppModel)

    def unique_layers(self) -> list:
        seen = set()
        out = []
        for layer in self.layers:
            if id(layer) not in seen:
                seen.add(id(layer))
                out.append(layer)
        return out

    def total_params(self) -> Optional[int]:
        if self.app is not None:
            return self.app.total
        return self._sum_layers(lambda layer: layer.param_count)

    def trainable_params(self) -> Optional[int]:
        if self.frozen:
            return 0 if self.total_params() is not None else None
        if self.app is not None:
            return self.app.trainable
        return self._sum_layers(lambda layer: layer.trainable_count)

    def weight_bytes(self) -> tuple:
        if self.app is not None:
            t, tr = self.total_params(), self.trainable_params()
            return (None if t is None else 4 * t, None if tr is None else 4 * tr)
        if getattr(self, "_counting", False):
            return (None, None)  # a model inside itself
        self._counting = True
        try:
            total = trainable = 0
            for layer in self.unique_layers():
                b, tb = layer.weight_bytes
                if b is None:
                    if layer.spec is not None and layer.spec.class_name == "InputLayer":
                        continue
                    return (None, None)
                total += b
                trainable += 0 if self.frozen else tb
            return (total, trainable)
        finally:
            self._counting = False

    def _sum_layers(self, count) -> Optional[int]:
        """Sum a per-layer count over the unique layers; unknown if any is
        (an InputLayer counts nothing)."""
        if getattr(self, "_counting", False):
            return None  # a model inside itself (model.add(model)): no finite count
        self._counting = True
        try:
            total = 0
            for layer in self.unique_layers():
                c = count(layer)
                if c is None:
                    if layer.spec is not None and layer.spec.class_name == "InputLayer":
                        continue
                    return None
                total += c
            return total
        finally:
            self._counting = False


@dataclass(eq=False)
class PartialV(Value):
    """functools.partial(func, *args, **kwargs): calling it calls func with these first."""

    func: Value
    args: list
    kwargs: dict


@dataclass(eq=False)
class BoundMethod(Value):
    obj: Value
    name: str


@dataclass(eq=False)
class ArgParserV(Value):
    """An argparse.ArgumentParser: its options' values when the run names none."""

    options: dict = field(default_factory=dict)  # dest -> Value
    opaque: bool = False  # an option we could not read: the namespace is unknown


@dataclass(eq=False)
class SuperV(Value):
    instance: Value
    cls: Optional[ClassV]


def const_value(v: Value, default=None):
    return v.value if isinstance(v, Const) else default


def is_int(v: Value) -> bool:
    return isinstance(v, Const) and isinstance(v.value, int) and not isinstance(v.value, bool)


def weights_total(weights: list[Weight]) -> Optional[int]:
    total = 0
    for w in weights:
        c = w.count
        if c is None:
            return None
        total += c
    return total
