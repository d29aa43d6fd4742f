"""InputLayer: the placeholder ``keras.Input`` creates; no weights."""
from ..base import LayerSpec, register


@register
class InputLayer(LayerSpec):
    class_name = "InputLayer"
    family = "core"
    params = {
        "shape": None,
        "batch_size": None,
        "dtype": None,
        "sparse": None,
        "batch_shape": None,
        "input_tensor": None,
        "optional": False,
        "name": None,
    }
    # Keras 3's InputLayer still takes the Keras 2 spelling.
    accepts_keras2 = frozenset({"batch_input_shape"})

    def output_shape(self, cfg, inputs):
        # The analyzer builds the shape from shape/batch_size/batch_shape itself;
        # an InputLayer is never called on tensors.
        return inputs[0] if inputs else None
