"""Model.get_config() / from_config() in Keras 3's layout: a Sequential lists its
layers' configs; a functional model lists each layer with the tensors its calls
took ("inbound_nodes": [[layer name, node index, tensor index], ...] per call)
and names its input and output tensors the same way.  from_config() makes new
layers from those configs (fresh weights) and replays the calls.
"""
from __future__ import annotations


def layer_entry(layer) -> dict:
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None if type(layer).__module__.startswith(("keras", "shapecheck"))
            else type(layer).__name__}


def _node_key(tensor) -> list:
    layer = tensor.node.layer
    index = next((i for i, n in enumerate(layer._inbound_nodes) if n is tensor.node), 0)
    return [layer.name, index, tensor.index]


def functional_config(model) -> dict:
    graph = model._graph
    in_graph = {id(n) for n in graph.nodes}
    layers = []
    for layer in graph.layers:
        entry = layer_entry(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [[_node_key(t) for t in node.inputs] for node in layer._inbound_nodes
                                  if id(node) in in_graph]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": [_node_key(t) for t in graph.inputs],
            "output_layers": [_node_key(t) for t in graph.outputs]}


def sequential_config(model) -> dict:
    layers = []
    if model._input_tensor is not None:
        layers.append(layer_entry(model._input_tensor.node.layer))
    layers.extend(layer_entry(l) for l in model._layers)
    return {"name": model.name, "trainable": model.trainable, "layers": layers}


def _layer_class(entry, custom_objects):
    from .layer import Layer, layer_class

    name = entry["class_name"]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    cls = layer_class(name)
    if cls is not None:
        return cls
    # A user's layer class defined in the script: found among Layer's subclasses by name.
    stack = list(Layer.__subclasses__())
    while stack:
        c = stack.pop()
        if c.__name__ == name:
            return c
        stack.extend(c.__subclasses__())
    raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                     "and that this object is included in the scope.")


def make_layer(entry, custom_objects=None):
    from .layer import InputLayer

    cls = _layer_class(entry, custom_objects)
    cfg = dict(entry["config"])
    if cls is InputLayer:
        return InputLayer(batch_shape=cfg.get("batch_shape"), dtype=cfg.get("dtype"), name=cfg.get("name"))
    from_config = getattr(cls, "from_config", None)
    return from_config(cfg) if from_config is not None else cls(**cfg)


def functional_from_config(cls, config, custom_objects=None):
    from .layer import InputLayer

    tensors = {}  # (layer name, node index, tensor index) -> KerasTensor
    made = {}
    pending = []
    for entry in config["layers"]:
        layer = make_layer(entry, custom_objects)
        made[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            tensors[(entry["name"], 0, 0)] = layer.output_tensor
        else:
            pending.extend((layer, entry["name"], k, node) for k, node in enumerate(entry["inbound_nodes"]))
    # The layers come in the graph's order, so each call finds its inputs made
    # (a shared layer's later calls wait for theirs).
    while pending:
        progressed = False
        for item in list(pending):
            layer, name, k, node = item
            keys = [tuple(x) for x in node]
            if not all(key in tensors for key in keys):
                continue
            args = [tensors[key] for key in keys]
            out = layer(args[0] if len(args) == 1 else args)
            for j, t in enumerate(out if isinstance(out, (list, tuple)) else [out]):
                tensors[(name, k, j)] = t
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ValueError("from_config: the layers' inbound nodes do not connect to the inputs")
    inputs = [tensors[tuple(x)] for x in config["input_layers"]]
    outputs = [tensors[tuple(x)] for x in config["output_layers"]]
    return cls(inputs=inputs[0] if len(inputs) == 1 else inputs, outputs=outputs[0] if len(outputs) == 1 else outputs,
               name=config.get("name"))


def sequential_from_config(cls, config, custom_objects=None):
    model = cls(name=config.get("name"))
    for entry in config["layers"]:
        layer = make_layer(entry, custom_objects)
        model.add(layer.output_tensor if entry["class_name"] == "InputLayer" else layer)
    return model
