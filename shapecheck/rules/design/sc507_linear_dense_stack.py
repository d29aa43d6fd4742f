"""SC507 linear-dense-stack: Dense layers stacked with no non-linearity between."""
from .. import Rule
from ..support.context import PASS_THROUGH, consumers, diag, layer_activation


def _next_real(model, layer, depth=0):
    """The layers fed by ``layer``, looking through Dropout & co."""
    out = []
    for c in consumers(model, layer):
        if c.class_name in PASS_THROUGH and c.class_name not in ("Flatten", "Reshape", "Permute", "RepeatVector") and depth < 8:
            out.extend(_next_real(model, c, depth + 1))
        else:
            out.append(c)
    return out


def check(report, ctx):
    seen = set()
    for model in report.models:
        for layer in model.layers:
            if layer.class_name != "Dense" or layer_activation(layer) != "linear":
                continue
            nxt = _next_real(model, layer)
            if not nxt or any(n.class_name != "Dense" for n in nxt):
                continue
            key = (layer.line, layer.col)
            if key in seen:
                continue
            seen.add(key)
            follower = nxt[0]
            yield diag(
                RULE, layer,
                f"{layer.name} has no activation and feeds {follower.name} (line {follower.line}), another Dense: "
                "two linear maps in a row are one linear map, so the extra layer adds parameters but no capacity",
                hint=f"add an activation to {layer.name} (e.g. activation='relu'), or remove one of the two layers",
            )


RULE = Rule(
    code="SC507",
    name="linear-dense-stack",
    severity="warning",
    title="Dense stack with no non-linearity between",
    what="A Dense layer with no activation (or `activation='linear'`) whose output goes straight (or through Dropout) into another Dense layer.",
    why="Dense(a) followed by Dense(b) computes W2·(W1·x + b1) + b2, which is a single affine map: the network is no more expressive than one layer, only slower to train. Keras builds it without complaint; a forgotten `activation=` is the usual cause.",
    example="model = keras.Sequential([\n    keras.Input((784,)),\n    layers.Dense(128),\n    layers.Dense(10, activation='softmax'),\n])",
    fix="Give the hidden layer an activation: `layers.Dense(128, activation='relu')`.",
    check=check,
)
