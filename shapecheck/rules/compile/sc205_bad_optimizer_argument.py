"""SC205 bad-optimizer-argument: optimizer constructor arguments Keras 3 refuses."""
from .. import Rule
from ..support.context import const, diag, dotted_tail, events_of
from ..support.names import did_you_mean

_COMMON = (
    "learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
    "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "name",
)
# Keras 3.15.1 constructor signatures (inspect.signature), beyond the common ones.
SIGNATURES = {
    "Adadelta": ("rho", "epsilon"),
    "Adafactor": ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"),
    "Adagrad": ("initial_accumulator_value", "epsilon"),
    "Adam": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "Adamax": ("beta_1", "beta_2", "epsilon"),
    "AdamW": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "Ftrl": ("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
             "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"),
    "Lion": ("beta_1", "beta_2"),
    "Muon": ("adam_beta_1", "adam_beta_2", "adam_weight_decay", "epsilon", "exclude_layers", "exclude_embeddings",
             "muon_a", "muon_b", "muon_c", "adam_lr_ratio", "momentum", "ns_steps", "nesterov", "rms_rate"),
    "Nadam": ("beta_1", "beta_2", "epsilon"),
    "RMSprop": ("rho", "momentum", "epsilon", "centered"),
    "SGD": ("momentum", "nesterov"),
}
KERAS2_SPELLINGS = {"lr": "learning_rate"}


def problems(class_name: str, kwargs: dict):
    """(argument, message, hint) for each argument Keras would refuse."""
    allowed = _COMMON + SIGNATURES[class_name]
    unknown = [k for k in kwargs if k not in allowed and k != "decay"]  # Keras 3.15 still swallows decay=
    for k in unknown:
        guess = KERAS2_SPELLINGS.get(k) or did_you_mean(k, allowed)
        yield k, f"{class_name}({k}=...): Keras 3 raises `Argument(s) not recognized: {{'{k}': ...}}`", (
            f"use {guess}=" if guess else None)
    lr = const(kwargs.get("learning_rate"))
    if isinstance(lr, (int, str)) and not isinstance(lr, bool):
        yield "learning_rate", (
            f"{class_name}(learning_rate={lr!r}): Keras 3 only takes a float, a LearningRateSchedule or a callable "
            f"and raises `Argument learning_rate should be float...`"), (
            f"write learning_rate={float(lr)!r}" if isinstance(lr, int) else "pass a float")
    clips = [k for k in ("clipnorm", "clipvalue", "global_clipnorm") if const(kwargs.get(k)) is not None]
    if len(clips) > 1:
        yield clips[1], (f"{class_name}: only one of clipnorm, clipvalue and global_clipnorm can be set; got "
                         + ", ".join(clips)), f"keep only {clips[0]}="
    if class_name == "SGD":
        m = const(kwargs.get("momentum"))
        if isinstance(m, (int, float)) and not isinstance(m, bool) and (not isinstance(m, float) or not 0 <= m <= 1):
            # Keras checks isinstance(momentum, float): SGD(momentum=1) and even momentum=0 are refused
            hint = f"write momentum={float(m)!r}" if isinstance(m, int) and 0 <= m <= 1 else "use a float in [0, 1]"
            yield "momentum", f"SGD(momentum={m}): Keras 3 raises `momentum must be a float between [0, 1]`", hint
    ema = const(kwargs.get("ema_momentum"))
    if isinstance(ema, (int, float)) and not isinstance(ema, bool) and not 0 <= ema <= 1:
        yield "ema_momentum", f"{class_name}(ema_momentum={ema}): Keras 3 raises `ema_momentum must be in the range [0, 1]`", None


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        arg = ev.args.get("optimizer")
        if arg is None or arg.kind != "object" or not arg.class_name:
            continue
        cls = dotted_tail(arg.class_name)
        if cls not in SIGNATURES:
            continue
        for key, message, hint in problems(cls, arg.kwargs or {}):
            where = [(arg.kwargs or {}).get(key), arg, ev]
            fix = None
            if key in KERAS2_SPELLINGS and KERAS2_SPELLINGS[key] not in (arg.kwargs or {}):
                fix = ctx.rename_keyword_fix(where[0] or arg, key, KERAS2_SPELLINGS[key])
            yield diag(RULE, where, message, hint=hint, fix=fix)


RULE = Rule(
    code="SC205",
    name="bad-optimizer-argument",
    severity="error",
    title="An optimizer argument Keras 3 refuses",
    what="An optimizer object passed to compile() whose constructor arguments Keras 3 rejects: Keras 2's `lr=`, misspelt names, an integer `learning_rate`, more than one of clipnorm/clipvalue/global_clipnorm, SGD momentum that is not a float in [0, 1] (an int is refused too), ema_momentum outside [0, 1].",
    why="The optimizer's constructor raises `ValueError` before compile() runs: `Argument(s) not recognized: {'lr': 0.01}`, `Argument learning_rate should be float, or an instance of LearningRateSchedule` (Keras 3.15 refuses `learning_rate=1`, an int), `Only one of clipnorm, clipvalue and global_clipnorm can be set`. (Keras 3.15 still accepts and ignores `decay=`.)",
    example="model.compile(optimizer=keras.optimizers.Adam(lr=0.001), loss='mse')",
    fix="Use Keras 3's argument names and types: `keras.optimizers.Adam(learning_rate=0.001)`.",
    check=check,
)
