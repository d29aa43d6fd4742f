"""Model factories as real code writes them: settings from argparse, SimpleNamespace
and dataclasses.replace, builder classes (inherited attributes, classmethods,
staticmethods), registering decorators, models wrapped by TimeDistributed, and the
Stack-Overflow faults found while measuring them. The Keras 3.15.1 numbers each
case stands for come from the oracle runs of tests/fixtures/models/fac_*.py and
tests/fixtures/faults/{,valid/}so4_*.py (named beside each test); Dense
parameters are in*out + out, LSTM 4*(in+units+1)*units."""
from shapecheck.analyzer.api import analyze
from shapecheck.checking import check_source

HEAD = "import numpy as np\nimport keras\nfrom keras import layers\n"


def models(body: str):
    report = analyze(HEAD + body, "t.py")
    return {m.name: m for m in report.models}, report


def diags(body: str):
    report = check_source(HEAD + body, "t.py")
    off = HEAD.count("\n")
    return [(d.line - off, d.code, d.severity, d.message) for d in report.diagnostics if d.code not in ("SC002", "SC003")]


def errors(body: str):
    return [(line, code) for line, code, sev, _ in diags(body) if sev == "error"]


MLP = """
def build(n_in, hidden, n_out):
    inp = keras.Input((n_in,))
    return keras.Model(inp, layers.Dense(n_out)(layers.Dense(hidden, activation="relu")(inp)))
"""


# -- argparse: what a run without options gets --------------------------------------
def test_argparse_defaults_are_the_values_of_a_run_without_options():
    # fac_argparse_mlp: parse_args() with type=/dest=/nargs=/store_true defaults
    ms, _ = models("import argparse\n" + MLP + """
p = argparse.ArgumentParser()
p.add_argument("--n-in", type=int, default=42)
p.add_argument("--hidden", dest="width", type=int, default="64")
p.add_argument("--wide", action="store_true")
a = p.parse_args()
model = build(a.n_in, a.width * (2 if a.wide else 1), 7)
""")
    m = ms["model"]
    assert m.inputs == [(None, 42)]
    assert [l.params for l in m.layers] == [0, 42 * 64 + 64, 64 * 7 + 7]


def test_argparse_options_a_run_must_give_stay_unknown():
    ms, _ = models("import argparse\n" + MLP + """
p = argparse.ArgumentParser()
p.add_argument("n_in", type=int)
p.add_argument("--hidden", type=int, required=True)
a = p.parse_args()
model = build(a.n_in, a.hidden, 2)
given = p.parse_args(["--hidden", "8"])
""")
    m = ms["model"]
    assert str(m.inputs[0][1]) == "n_in"
    assert m.total_params is None


# -- settings objects ---------------------------------------------------------------
def test_simplenamespace_attributes_and_later_assignment():
    # fac_simplenamespace_hparams
    ms, _ = models("from types import SimpleNamespace\n" + MLP + """
hp = SimpleNamespace(n_in=20, hidden=40)
hp.hidden = 10
model = build(hp.n_in, hp.hidden, 3)
""")
    assert [l.params for l in ms["model"].layers] == [0, 20 * 10 + 10, 10 * 3 + 3]


def test_dataclasses_replace_keeps_the_other_fields():
    # fac_frozen_dataclass_resnet: replace(base, stage_filters=..., num_classes=2)
    ms, _ = models("from dataclasses import dataclass, replace\n" + MLP + """
@dataclass(frozen=True)
class Cfg:
    n_in: int = 12
    hidden: int = 32
    n_out: int = 5

base = Cfg()
model = build(base.n_in, base.hidden, base.n_out)
wide = build(*(lambda c: (c.n_in, c.hidden, c.n_out))(replace(base, hidden=64)))
""")
    assert ms["model"].total_params == 12 * 32 + 32 + 32 * 5 + 5
    assert ms["wide"].total_params == 12 * 64 + 64 + 64 * 5 + 5


# -- builder classes ----------------------------------------------------------------
def test_subclass_inherits_class_attributes_and_overrides_them():
    # fac_inherited_builder
    ms, _ = models(MLP + """
class Base:
    n_in = 8
    n_out = 4
    def make(self):
        return build(self.n_in, 16, self.n_out)

class Wider(Base):
    n_out = 9

base_model = Base().make()
wide_model = Wider().make()
""")
    assert ms["base_model"].outputs == [(None, 4)]
    assert ms["wide_model"].inputs == [(None, 8)]
    assert ms["wide_model"].outputs == [(None, 9)]


def test_classmethod_gets_the_class_and_staticmethod_no_receiver():
    # fac_model_zoo_static
    ms, _ = models(MLP + """
class Zoo:
    WIDTH = 24
    @classmethod
    def small(cls, n_out=2):
        return build(6, cls.WIDTH, n_out)
    @staticmethod
    def plain(n_in, n_out=3):
        return build(n_in, 8, n_out)

a = Zoo.small()
b = Zoo().small(n_out=5)
c = Zoo.plain(10)
d = Zoo().plain(10)
""")
    assert ms["a"].total_params == 6 * 24 + 24 + 24 * 2 + 2
    assert ms["b"].total_params == 6 * 24 + 24 + 24 * 5 + 5
    assert ms["c"].total_params == ms["d"].total_params == 10 * 8 + 8 + 8 * 3 + 3


def test_type_self_name_names_the_model():
    # fac_inherited_builder: keras.Model(..., name=type(self).__name__.lower())
    _, report = models("""
class DeeperNet:
    def build(self):
        inp = keras.Input((3,))
        return keras.Model(inp, layers.Dense(1)(inp), name=type(self).__name__.lower())

model = DeeperNet().build()
""")
    assert report.models[0].keras_name == "deepernet"


# -- registries ---------------------------------------------------------------------
REGISTRY = """
MODELS = {}

def register(name):
    def wrap(fn):
        MODELS[name] = fn
        return fn
    return wrap

@register("lstm")
def lstm_model(timesteps, features, units=32):
    inp = keras.Input((timesteps, features))
    return keras.Model(inp, layers.Dense(1)(layers.LSTM(units)(inp)))

@register("dense")
def dense_model(timesteps, features, units=32):
    inp = keras.Input((timesteps * features,))
    return keras.Model(inp, layers.Dense(1)(layers.Dense(units)(inp)))
"""


def test_registering_decorator_fills_the_registry_and_only_the_picked_builder_is_summarized():
    # fac_registry_decorator: Keras builds one model, the LSTM
    ms, report = models(REGISTRY + 'model = MODELS["lstm"](30, 4, units=50)\n')
    assert len(report.models) == 1
    assert [l.params for l in ms["model"].layers] == [0, 4 * (4 + 50 + 1) * 50, 51]


def test_registered_builders_never_called_are_still_summarized_with_their_defaults():
    _, report = models(REGISTRY)
    assert len(report.models) == 2  # a library of builders: nothing picks one, each shows with its defaults


def test_decorator_registering_by_function_name():
    # faults/so4_registry_cnn_on_tabular.py: BUILDERS[fn.__name__] = fn; Keras raises in the Conv1D
    found = errors("""
BUILDERS = {}
def register(fn):
    BUILDERS[fn.__name__] = fn
    return fn

@register
def cnn(n):
    return keras.Sequential([keras.Input((n,)), layers.Conv1D(8, 3), layers.Flatten(), layers.Dense(1)])

model = BUILDERS["cnn"](12)
""")
    assert found == [(9, "SC101")]


# -- naming: Keras's rule -----------------------------------------------------------
def test_a_local_the_model_passes_through_does_not_name_it():
    # fac_ensemble_members / fac_sequential_blocks_in_functional / fac_subclass_with_backbone_attr: Keras says ''
    _, report = models(MLP + """
def make_all():
    out = []
    for w in (4, 8):
        m = build(3, w, 2)
        out.append(m)
    return out

members = make_all()
""")
    assert [m.name for m in report.models] == ["", ""]


def test_the_target_that_constructs_a_model_names_it():
    _, report = models("""
def build():
    net = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    return net
members = [build() for _ in range(2)]
""")
    assert [m.name for m in report.models] == ["net", "net"]


# -- a model wrapped by TimeDistributed -----------------------------------------------
ENCODER = """
encoder = keras.Sequential([
    keras.Input((32, 32, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    {tail},
])
clips = keras.Input((6, {size}, {size}, 3))
x = layers.TimeDistributed(encoder)(clips)
video = keras.Model(clips, layers.LSTM(8)(x))
"""


def test_timedistributed_model_shapes_and_weights():
    # fac_timedistributed_submodel: the wrapper row shows the model's params
    ms, _ = models(ENCODER.format(tail="layers.GlobalAveragePooling2D()", size=32))
    td = ms["video"].layers[1]
    assert td.output_shape == (None, 6, 8)
    assert td.params == 3 * 3 * 3 * 8 + 8


def test_timedistributed_model_on_larger_frames_than_its_input():
    # faults/so4_timedistributed_encoder_frame_size.py: Keras raises `Input 0 with name 'input_layer' of layer
    # 'functional' is incompatible with the layer: expected shape=(None, 32, 32, 3)`
    found = diags(ENCODER.format(tail="layers.Flatten(), layers.Dense(16)", size=48))
    assert [(l, c) for l, c, s, _ in found if s == "error"] == [(9, "SC101")]
    assert "expects input shape (None, 32, 32, 3) but is called on (None, 48, 48, 3)" in found[0][3]


def test_timedistributed_global_pool_encoder_takes_any_frame_size():
    # valid/so4_timedistributed_gap_encoder_larger_frames.py: Input((None, None, 3)), frames of 48x48
    body = ENCODER.replace("keras.Input((32, 32, 3))", "keras.Input((None, None, 3))")
    assert errors(body.format(tail="layers.GlobalAveragePooling2D()", size=48)) == []


# -- Stack-Overflow faults ----------------------------------------------------------
def test_merge_layer_called_with_tensors_as_separate_arguments():
    # faults/so4_concatenate_called_with_two_args.py: TypeError: too many positional arguments
    found = diags("""
a = keras.Input((4,))
b = keras.Input((4,))
merged = layers.Concatenate()(a, b)
ok = layers.Dense(3)(a, False)
""")
    assert [(l, c) for l, c, s, _ in found if s == "error"] == [(4, "SC402")]
    assert "Concatenate.call() takes 1 (inputs), the call gives 2" in found[0][3]


def test_label_max_of_literal_labels_is_a_number():
    # faults/so4_units_from_label_max.py: Dense(int(y.max())) is one unit short for labels 0..5
    found = errors("""
y = np.array([0, 1, 2, 3, 4, 5] * 10)
X = np.random.rand(len(y), 4)
model = keras.Sequential([keras.Input((4,)), layers.Dense(int(y.max()), activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
""")
    assert [line for line, _ in found] == [6]


def test_random_label_bounds_are_not_a_maximum():
    ms, _ = models("""
y = np.random.randint(0, 5, 100)
model = keras.Sequential([keras.Input((4,)), layers.Dense(int(y.max()))])
""")
    assert ms["model"].total_params is None


def test_normalization_adapted_on_another_width_fails_when_data_flows():
    # faults/so4_normalization_adapted_other_width.py: Keras raises at fit, "Dimensions must be equal, but are 8 and 9"
    body = """
table = np.random.rand(300, 9).astype("float32")
features, target = table[:, :-1], table[:, -1]
norm = layers.Normalization()
norm.adapt({data})
inputs = keras.Input(shape=(features.shape[1],))
model = keras.Model(inputs, layers.Dense(1)(norm(inputs)))
model.compile(optimizer="adam", loss="mse")
model.fit(features, target, epochs=1, verbose=0)
"""
    assert errors(body.format(data="table")) == [(9, "SC103")]
    # valid/so4_normalization_adapted_features_only.py
    assert errors(body.format(data="features")) == []


# -- settings from JSON text, copied -------------------------------------------------
def test_json_literal_settings_and_deepcopy_independence():
    # fac_json_literal_config: Keras builds 16 -> 48 -> 24 -> 3 and, from the edited copy, ... -> 12 -> 1
    ms, _ = models("""import copy, json
CFG = json.loads('{"n_in": 16, "hidden": [48, 24], "n_out": 3}')
def build(cfg):
    inp = keras.Input((cfg["n_in"],))
    x = inp
    for h in cfg["hidden"]:
        x = layers.Dense(h, activation="relu")(x)
    return keras.Model(inp, layers.Dense(cfg["n_out"])(x))
model = build(CFG)
other = copy.deepcopy(CFG)
other["hidden"].append(12)
model_deeper = build(other)
again = build(CFG)
""")
    assert [l.params for l in ms["model"].layers] == [0, 16 * 48 + 48, 48 * 24 + 24, 24 * 3 + 3]
    assert [l.params for l in ms["model_deeper"].layers][-2:] == [24 * 12 + 12, 12 * 3 + 3]
    assert ms["again"].total_params == ms["model"].total_params  # the copy's edit left CFG alone


def test_json_text_not_spelled_out_stays_unknown():
    ms, _ = models("""import json
CFG = json.loads(open("cfg.json").read())
model = keras.Sequential([keras.Input((CFG["n_in"],)), layers.Dense(2)])
""")
    assert ms["model"].total_params is None


# -- Keras's summary of a subclassed model ------------------------------------------------
def test_custom_layer_called_only_inside_subclassed_call_shows_no_shape():
    # fac_subclass_blocks_loop_call: Keras prints "?" for ResidualDense, (None, 32) for the Dense beside it
    _, report = models("""
class Block(layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.fc = layers.Dense(units)
    def call(self, x):
        return x + self.fc(x)

class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.proj = layers.Dense(8)
        self.blocks = [Block(8) for _ in range(2)]
    def call(self, x):
        x = self.proj(x)
        for b in self.blocks:
            x = b(x)
        return x

model = Net()
model(keras.Input((4,)))
""")
    rows = [(l.class_name, l.output_shape, l.params) for l in report.models[0].layers]
    assert rows == [("Dense", (None, 8), 40), ("Block", None, 72), ("Block", None, 72)]


def test_timedistributed_functional_encoder_checked_when_data_flows():
    # faults/so4_timedistributed_functional_encoder_wrong_rank.py: Keras builds the model (a Functional answers
    # TimeDistributed's shape question from its graph) and raises at predict, in the encoder's Conv2D
    body = """
frame = keras.Input((16, 16, 1))
encoder = keras.Model(frame, layers.GlobalAveragePooling2D()(layers.Conv2D(4, 3)(frame)))
clips = keras.Input((5, 16, 16, {channels}))
model = keras.Model(clips, layers.TimeDistributed(encoder)(clips))
model.predict(np.zeros((2, 5, 16, 16, {channels})), verbose=0)
"""
    assert errors(body.format(channels=3)) == [(6, "SC103")]
    # valid/so4_timedistributed_functional_encoder.py
    assert errors(body.format(channels=1)) == []


def test_registry_builder_not_picked_is_not_checked_with_its_defaults():
    # valid/so4_registry_unpicked_builder_broken_defaults.py: Keras never builds the CNN
    assert errors(REGISTRY.replace("layers.LSTM(units)", "layers.Conv2D(units, 3)") + 'model = MODELS["dense"](30, 4)\n') == []


def test_module_variable_rebound_in_a_loop_names_only_the_model_it_holds_at_the_end():
    # Keras's rule (tests/oracle/README.md): the module variable holding the model after the run,
    # else the target of the statement that constructed it (here none: `return keras.Model(...)`)
    _, report = models(MLP + """
for w in (4, 8, 16):
    net = build(3, w, 2)
""")
    assert [m.name for m in report.models] == ["", "", "net"]


def test_normalization_adapted_after_the_model_is_built():
    # Keras 3.15 raises at adapt(): "The layer was built with input_shape=(None, 8), but adapt() is being
    # called with data with an incompatible shape, data.shape=(300, 9)"
    found = diags("""
table = np.random.rand(300, 9).astype("float32")
norm = layers.Normalization()
inputs = keras.Input(shape=(8,))
model = keras.Model(inputs, layers.Dense(1)(norm(inputs)))
norm.adapt(table)
model.compile(optimizer="adam", loss="mse")
""")
    assert [(l, c) for l, c, s, _ in found if s == "error"] == [(6, "SC103")]
    assert "input_shape=(None, 8)" in found[0][3] and "data.shape=(300, 9)" in found[0][3]
