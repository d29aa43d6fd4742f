"""Models: functional graphs, Sequential stacks and subclassed models.

A functional model keeps its nodes in topological order and runs them layer
by layer; Sequential builds the same kind of graph from its list of layers
(at ``add`` time when the input shape is known, else at the first call); a
subclassed model runs the user's ``call``.  Training lives in training.py.
"""
from __future__ import annotations

import numpy as np

from . import observe
from .context import STATE, unique_name
from .layer import InputLayer, Layer, _merge_dims, _no_tape, _on_device, _to_array
from .tensor import KerasTensor, flatten, format_shape
from .training import Trainer


class Graph:
    """Nodes between some input tensors and some output tensors."""

    def __init__(self, inputs: list[KerasTensor], outputs: list[KerasTensor]):
        self.inputs = inputs
        self.outputs = outputs
        input_ids = {id(t) for t in inputs}
        for t in inputs:
            if t.node is None or not isinstance(t.node.layer, InputLayer):
                raise ValueError(
                    "All `inputs` values must be KerasTensors created by `keras.Input()`. Received: "
                    f"inputs={t!r}"
                )
        # Keras's map_graph: visit from the outputs (recording the order in which
        # layers are first met), give every node a depth (outputs 0, parents
        # deeper), then list layers by decreasing depth, ties in visit order.
        finished, in_progress, order, op_index = set(), set(), [], {}

        def visit(tensor):
            node = tensor.node
            if node is None or id(node) in finished:
                return
            op_index.setdefault(id(node.layer), len(op_index))
            in_progress.add(id(node))
            if id(tensor) not in input_ids and not isinstance(node.layer, InputLayer):
                for t in node.inputs:
                    if id(t) not in input_ids and (t.node is None or isinstance(t.node.layer, InputLayer)):
                        raise ValueError(
                            f'Graph disconnected: cannot find parent for tensor {t!r} at layer "{node.layer.name}". '
                            "It is not one of the model's inputs."
                        )
                    visit(t)
            finished.add(id(node))
            in_progress.discard(id(node))
            order.append(node)

        for t in outputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"All `outputs` values must be KerasTensors. Received: outputs={t!r}")
            visit(t)
        node_depth, op_depth, layers_by_id = {}, {}, {}
        for node in reversed(order):
            depth = max(node_depth.setdefault(id(node), 0), op_depth.get(id(node.layer), 0))
            op_depth[id(node.layer)] = depth
            node_depth[id(node)] = depth
            layers_by_id[id(node.layer)] = node.layer
            if isinstance(node.layer, InputLayer):
                continue
            for t in node.inputs:
                if t.node is not None:
                    node_depth[id(t.node)] = max(depth + 1, node_depth.get(id(t.node), 0))
        for t in inputs:  # inputs no output depends on still belong to the model
            if id(t.node.layer) not in op_depth:
                op_depth[id(t.node.layer)] = 0
                op_index[id(t.node.layer)] = -1
                layers_by_id[id(t.node.layer)] = t.node.layer
        self.layers = [layers_by_id[k] for k in sorted(op_depth, key=lambda k: (-op_depth[k], op_index[k]))]
        self.nodes_by_depth: dict[int, list] = {}  # Keras's _nodes_by_depth (summary's chain test)
        for node in order:
            self.nodes_by_depth.setdefault(node_depth.get(id(node), 0), []).append(node)
        # Run nodes deepest first: a valid order, the one Keras uses.
        compute = [n for n in order if not isinstance(n.layer, InputLayer)]
        position = {id(n): i for i, n in enumerate(order)}
        self.nodes = sorted(compute, key=lambda n: (-node_depth[id(n)], position[id(n)]))

    def run(self, arrays: list) -> list:
        values = {id(t): a for t, a in zip(self.inputs, arrays)}
        for node in self.nodes:
            # (a node lists the Keras mask it was given after its inputs; the run's masks
            # come from engine/masking.py, so those are not passed again)
            ins = node.inputs[:len(node.inputs) - node.n_mask_inputs] if node.n_mask_inputs else node.inputs
            args = [values[id(t)] for t in ins]
            structure = getattr(node, "input_structure", None)
            if type(structure).__name__ == "Positional":  # layer(x0, x): the tensors as positional arguments
                out = node.layer(*args, **node.call_kwargs)
                outs = out if isinstance(out, (list, tuple)) else [out]
                for t, a in zip(node.outputs, outs):
                    values[id(t)] = a
                continue
            if isinstance(structure, (list, tuple)):
                x = list(args)
            elif isinstance(structure, dict):
                x = dict(zip(structure.keys(), args))
            else:
                x = args[0]
            out = node.layer(x, **node.call_kwargs)
            outs = out if isinstance(out, (list, tuple)) else [out]
            for t, a in zip(node.outputs, outs):
                values[id(t)] = a
        return [values[id(t)] for t in self.outputs]


def _structure_like(structure, flat: list):
    """Rebuild a list/dict/single structure from a flat list."""
    it = iter(flat)

    def rebuild(s):
        if isinstance(s, (list, tuple)):
            return [rebuild(x) for x in s]
        if isinstance(s, dict):
            values = {k: rebuild(s[k]) for k in sorted(s)}  # flattened in key order
            return {k: values[k] for k in s}
        return next(it)

    return rebuild(structure)


class Model(Trainer, Layer):
    """``keras.Model``: functional when given inputs and outputs, else subclassed."""

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        kwargs.pop("dtype", None)
        Trainer.__init__(self)
        self._graph = None
        if inputs is not None and outputs is not None:
            if name is None:
                from ...layers import to_snake_case

                # Model(inputs, outputs) is a Functional; a subclass called that way is named after its class
                name = unique_name("functional" if type(self) is Model else to_snake_case(type(self).__name__))
            Layer.__init__(self, name=name, trainable=trainable)
            self._init_functional(inputs, outputs)
            observe.model_built(self)
        else:
            if kwargs:
                raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
            default = None
            if type(self) is not Model and not isinstance(self, Sequential):
                from ...layers import to_snake_case

                default = unique_name(to_snake_case(type(self).__name__))
            Layer.__init__(self, name=name or default or unique_name("functional"), trainable=trainable)
            if not isinstance(self, Sequential):
                observe.model_built(self)

    def __setattr__(self, key, value):
        object.__setattr__(self, key, value)

    def _default_name(self):
        return "functional"

    def _init_functional(self, inputs, outputs):
        self._input_structure = inputs
        self._output_structure = outputs
        flat_in = flatten(inputs)
        flat_out = flatten(outputs)
        self._graph = Graph(flat_in, flat_out)
        self.built = True
        self._output_names = [t.node.layer.name if t.node is not None else t.name for t in flat_out]

    @property
    def output_names(self):
        """Keras 3's Functional.output_names: the names of the layers making the outputs."""
        return list(self._out_names())

    # -- structure ---------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        if self._graph is not None:
            # Keras's model.layers leaves out the graph's operations (x + y, ops.mean);
            # summary() lists them (Graph.layers)
            return [l for l in self._graph.layers if not getattr(l, "is_operation", False)]
        return self._sublayers()

    def get_layer(self, name=None, index=None):
        if index is not None:
            if index >= len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}.")

    def _sublayers(self):
        if self._graph is not None:
            return [l for l in self._graph.layers if not isinstance(l, InputLayer)]
        return super()._sublayers()

    @property
    def inputs(self):
        if self._graph is None:
            raise AttributeError(f"The model {self.name} has not been built and thus has no defined inputs.")
        return list(self._graph.inputs)

    @property
    def outputs(self):
        if self._graph is None:
            raise AttributeError(f"The model {self.name} has not been built and thus has no defined outputs.")
        return list(self._graph.outputs)

    @property
    def input(self):
        if self._graph is None:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined input.")
        ins = self._graph.inputs
        return ins[0] if len(ins) == 1 and not isinstance(self._input_structure, (list, dict)) else (
            self._input_structure if not isinstance(self._input_structure, dict) else list(ins))

    @property
    def output(self):
        if self._graph is None:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no defined output.")
        outs = self._graph.outputs
        return outs[0] if len(outs) == 1 and not isinstance(self._output_structure, (list, dict)) else list(outs)

    @property
    def input_shape(self):
        ins = self._graph.inputs
        return ins[0].shape if len(ins) == 1 else [t.shape for t in ins]

    @property
    def output_shape(self):
        outs = self._graph.outputs
        return outs[0].shape if len(outs) == 1 else [t.shape for t in outs]

    # -- calls ---------------------------------------------------------------
    def _symbolic_outputs(self, inputs, flat, call_kwargs):
        if self._graph is not None:
            got = [t.shape for t in flat]
            self._check_input_shapes(got)
            outs = self._graph.outputs
            self._returns_list = len(outs) > 1 or isinstance(self._output_structure, (list, dict))
            return [t.shape for t in outs], [t.dtype for t in outs]
        return super()._symbolic_outputs(inputs, flat, call_kwargs)

    def _maybe_build(self, shapes):
        if self._graph is not None:
            return
        if not self.built:
            self.build(shapes[0] if len(shapes) == 1 else shapes)

    def build(self, input_shape=None):
        if self._graph is not None or self.built:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        if type(self).call is Model.call or type(self).build is Model.build:
            # Keras 3: a subclassed Model has Layer's default build(), which only marks it
            # built -- its layers stay unbuilt (no weights) until the first real call.
            self.built = True
            return
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        probe = [np.zeros(tuple(1 if d is None else d for d in s), np.float32) for s in shapes]
        self.built = True
        from .layer import _no_tape

        with _no_tape():
            self.call(probe[0] if len(probe) == 1 else probe)

    def _eager_call(self, inputs, call_kwargs, training):
        if self._graph is None:
            return Layer._eager_call(self, inputs, call_kwargs, training)
        from .context import STATE

        flat = [x if _on_device(x) else _to_array(x)
                for x in (flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs])]
        prev = STATE.training
        if training is not None:
            STATE.training = bool(training)
        try:
            outs = self._graph.run(self._cast_inputs(flat))
        finally:
            STATE.training = prev
        self._note_eager_shapes(outs)
        if len(outs) == 1 and not isinstance(self._output_structure, (list, dict)):
            return outs[0]
        return _structure_like(self._output_structure, outs) if isinstance(self._output_structure, (list, dict)) else outs

    def compute_output_shape(self, input_shape):
        """Keras runs a functional or Sequential model's graph on these shapes: we read them
        off the graph (the batch axis as asked), or, for shapes other than the graph's,
        run the model in inference mode on zeros, twice where an axis is None (sizes 2
        and 3): an output axis whose size follows that choice is None.  A subclassed
        model has no rule, as in Keras."""
        if self._graph is None and not isinstance(self, Sequential):
            return Layer.compute_output_shape(self, input_shape)
        many = isinstance(input_shape, (list, tuple)) and bool(input_shape) and \
            all(isinstance(s, (list, tuple)) for s in input_shape)
        shapes = [tuple(s) for s in input_shape] if many else [tuple(input_shape)]
        graph = self._graph
        if graph is not None and len(shapes) == len(graph.inputs) and all(
                len(s) == len(t.shape) and all(a is None or b is None or a == b for a, b in zip(s[1:], t.shape[1:]))
                for s, t in zip(shapes, graph.inputs)):
            outs = [(shapes[0][0],) + tuple(t.shape[1:]) for t in graph.outputs]
        else:
            runs = []
            for fill in (2, 3):
                arrays = [np.zeros(tuple(fill if d is None else d for d in s), np.float32) for s in shapes]
                with _no_tape():
                    got = self(arrays if many else arrays[0], training=False)
                runs.append([tuple(np.shape(o)) for o in flatten(got)])
            outs = [tuple(None if a != b else a for a, b in zip(r2, r3)) if len(r2) == len(r3) else r2
                    for r2, r3 in zip(*runs)]
        return outs[0] if len(outs) == 1 else outs

    def call(self, inputs, training=None, mask=None):
        if self._graph is not None:
            return self._eager_call(inputs, {}, training)
        raise NotImplementedError(f"Model {type(self).__name__} has no call() method")

    def _cast_inputs(self, arrays):
        out = []
        for t, a in zip(self._graph.inputs, arrays):
            if t.dtype == "string" or a.dtype.kind in "USO":
                out.append(a)  # text for TextVectorization / StringLookup
                continue
            want = np.dtype(t.dtype) if t.dtype in ("int32", "int64", "float32", "float64", "bool", "uint8") else None
            if want is not None and want.kind in "iu":
                out.append(a if a.dtype == want else a.astype(want))
            else:
                out.append(a if a.dtype == np.float32 else a.astype(np.float32))
        return out

    def _check_input_shapes(self, shapes, arrays_batch=False):
        """Compare data (or tensor) shapes with the model's Input shapes."""
        ins = self._graph.inputs
        if len(shapes) != len(ins):
            raise ValueError(
                f'Layer "{self.name}" expects {len(ins)} input(s), but it received {len(shapes)} input tensors.'
            )
        for i, (t, s) in enumerate(zip(ins, shapes)):
            want = t.shape
            ok = len(want) == len(s) and all(w is None or g is None or w == g for w, g in zip(want[1:], s[1:]))
            if not ok:
                consumer = self._first_consumer(t)
                raise ValueError(
                    f'Input {i} of layer "{consumer}" is incompatible with the layer: expected shape='
                    f"{format_shape(want)}, found shape={format_shape(tuple(s))}"
                )

    def _first_consumer(self, tensor):
        for node in self._graph.nodes:
            if any(t is tensor for t in node.inputs):
                return node.layer.name
        return self.name

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "_rnn_states"):
                layer.reset_states()

    # -- summary and parameters --------------------------------------------------
    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                "You tried to call `count_params` on this model, but the model isn't built. "
                "You can build it manually via: `model.build(batch_input_shape)`."
            )
        return int(sum(v.value.size for v in self._all_vars()))

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        from .summary import render

        text = render(self)
        (print_fn or print)(text)

    # -- weights on disk -----------------------------------------------------------------
    def save_weights(self, filepath, overwrite=True):
        from .saving import save_weights

        save_weights(self, filepath)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        from .saving import load_weights

        load_weights(self, filepath)

    def save(self, filepath, overwrite=True, **kwargs):
        from .saving import save_model

        save_model(self, filepath, overwrite)

    def get_config(self):
        from . import config as _config

        if isinstance(self, Sequential):
            return _config.sequential_config(self)
        if self._graph is not None and type(self) is Model:
            return _config.functional_config(self)
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import config as _config

        if issubclass(cls, Sequential):
            return _config.sequential_from_config(cls, config, custom_objects)
        if "layers" in config and "input_layers" in config:
            return _config.functional_from_config(cls, config, custom_objects)
        return cls(**config)


class Sequential(Model):
    """A stack of layers; the graph is (re)built as layers are added."""

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, name=name or unique_name("sequential"), trainable=trainable)
        self._layers: list[Layer] = []
        self._input_tensor = None
        self._last = None
        self._input_structure = None
        self._output_structure = None
        observe.model_built(self)
        for layer in layers or []:
            self.add(layer, rebuild=False)
        if layers:
            self._rebuild()

    def _default_name(self):
        return "sequential"

    def add(self, layer, rebuild=True):
        if isinstance(layer, KerasTensor):
            if layer.node is None or not isinstance(layer.node.layer, InputLayer):
                raise ValueError("Only input tensors (keras.Input) may be added to a Sequential model.")
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer} (of type {type(layer)})"
            )
        if isinstance(layer, InputLayer):
            if self._layers or self._input_tensor is not None:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use an input shape. "
                    "You cannot add a different Input layer to it."
                )
            self._input_tensor = layer.output_tensor
            self._last = self._input_tensor
            return
        if not self._layers and self._input_tensor is None and layer._input_hint is not None:
            self._input_tensor = InputLayer(batch_shape=layer._input_hint).output_tensor
            self._last = self._input_tensor
        if any(l is layer for l in self._layers):
            pass
        self._layers.append(layer)
        if rebuild and self._input_tensor is None and self._input_from_first_layer():
            self._rebuild()
        elif rebuild and self._input_tensor is not None:
            self._last = layer(self._last)
            self._set_graph()

    def _input_from_first_layer(self) -> bool:
        """Keras's _maybe_rebuild: a Sequential whose first layer is a model with one
        input builds (an InputLayer of that shape first) once a second layer is added."""
        graph = getattr(self._layers[0], "_graph", None) if self._layers else None
        if len(self._layers) < 2 or graph is None or len(graph.inputs) != 1:
            return False
        t = graph.inputs[0]
        self._input_tensor = InputLayer(batch_shape=t.shape, dtype=t.dtype).output_tensor
        return True

    def _rebuild(self):
        if self._input_tensor is None and not self._input_from_first_layer():
            return
        x = self._input_tensor
        for layer in self._layers:
            x = layer(x)
        self._last = x
        self._set_graph()

    def _set_graph(self):
        # Keras builds a Functional inside the Sequential at every (re)build,
        # which takes a "functional" name: later Model(...)s count on from it.
        if not getattr(self, "_rebuilding_on_probe", False):  # (Keras built it once)
            unique_name("functional")
        self._graph = Graph([self._input_tensor], [self._last])
        self._input_structure = self._input_tensor
        self._output_structure = self._last
        self.built = True

    def pop(self, rebuild=True):
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._graph = None
        self.built = False
        if rebuild:
            self._rebuild()
        return layer

    @property
    def layers(self):
        return list(self._layers)

    def _sublayers(self):
        return list(self._layers)

    def build(self, input_shape=None):
        if self._graph is not None:
            return
        if self._input_tensor is None:
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument.")
            self._input_tensor = InputLayer(batch_shape=tuple(input_shape)).output_tensor
        self._rebuild()
        if self._graph is None:  # no layers yet
            self.built = True

    def _maybe_build(self, shapes):
        if self._graph is None:
            self.build(shapes[0])

    def _eager_call(self, inputs, call_kwargs, training):
        if self._graph is None:
            arr = _to_array(inputs)
            self.build((None,) + arr.shape[1:])
            # built on a custom layer's probe (layer._symbolic_outputs): sizes it
            # probes twice may turn out unknown
            self._built_by_probe = bool(getattr(STATE, "probing", False))
        elif getattr(self, "_built_by_probe", False) and getattr(STATE, "probe_merge", False):
            arr = _to_array(inputs)
            before = tuple(self._input_tensor.shape)
            merged = _merge_dims(before, (None,) + arr.shape[1:])
            if merged != before:  # rebuilt on the unknown sizes, as Keras builds it on the symbolic input
                for layer in self._layers:
                    layer._inbound_nodes.clear()
                self._graph, self._input_tensor = None, None
                self._rebuilding_on_probe = True
                try:
                    self.build(merged)
                finally:
                    self._rebuilding_on_probe = False
        return Model._eager_call(self, inputs, call_kwargs, training)

    def _ensure_built_for(self, arrays):
        if self._graph is None:
            a = arrays[0]
            dtype = "int32" if a.dtype.kind in "iu" and self._layers and \
                type(self._layers[0]).__name__ == "Embedding" else "float32"
            self._input_tensor = InputLayer(batch_shape=(None,) + tuple(a.shape[1:]), dtype=dtype).output_tensor
            self._rebuild()
