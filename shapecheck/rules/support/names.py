"""Keras 3.15's own name tables for compile() and activation= strings.

Taken from real Keras 3.15.1 (``keras.src.losses.ALL_OBJECTS_DICT`` and its
siblings) and checked against what ``compile``/``fit`` accept:

* losses are looked up by exact key: ``"mse"``, ``"MSE"`` and ``"MeanSquaredError"``
  work, ``"Mse"`` fails at the first fit (``Could not interpret loss identifier``);
* optimizers are looked up lower-cased: ``"Adam"`` and ``"ADAM"`` both work;
  ``"optimizer"``/``"lossscaleoptimizer"`` are in the table but fail to build;
* metrics are looked up by exact key, except ``"accuracy"``/``"acc"`` in any
  case, which compile() special-cases; ``"crossentropy"``/``"ce"`` (Keras 2)
  fail;
* activations are looked up by exact key (``"Relu"`` fails when the layer is
  created).
"""
from __future__ import annotations

import difflib
from typing import Optional

# canonical loss function -> every string Keras 3 accepts for it
LOSS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "binary_crossentropy": ("binary_crossentropy", "BinaryCrossentropy", "bce", "BCE"),
    "binary_focal_crossentropy": ("binary_focal_crossentropy", "BinaryFocalCrossentropy"),
    "categorical_crossentropy": ("categorical_crossentropy", "CategoricalCrossentropy"),
    "categorical_focal_crossentropy": ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"),
    "sparse_categorical_crossentropy": ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    "mean_squared_error": ("mean_squared_error", "MeanSquaredError", "mse", "MSE"),
    "mean_absolute_error": ("mean_absolute_error", "MeanAbsoluteError", "mae", "MAE"),
    "mean_absolute_percentage_error": ("mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape", "MAPE"),
    "mean_squared_logarithmic_error": ("mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle", "MSLE"),
    "kl_divergence": ("kl_divergence", "KLDivergence", "kld", "KLD"),
    "huber": ("huber", "Huber"),
    "log_cosh": ("log_cosh", "LogCosh"),
    "poisson": ("poisson", "Poisson"),
    "cosine_similarity": ("cosine_similarity", "CosineSimilarity"),
    "hinge": ("hinge", "Hinge"),
    "squared_hinge": ("squared_hinge", "SquaredHinge"),
    "categorical_hinge": ("categorical_hinge", "CategoricalHinge"),
    "ctc": ("ctc", "CTC"),
    "dice": ("dice", "Dice"),
    "tversky": ("tversky", "Tversky"),
    "circle": ("circle", "Circle"),
}
_LOSS_BY_SPELLING = {s: canon for canon, spellings in LOSS_SPELLINGS.items() for s in spellings}

# keras.optimizers.get lower-cases the string; these build with no arguments.
OPTIMIZERS = (
    "adadelta", "adafactor", "adagrad", "adam", "adamax", "adamw", "ftrl", "lion",
    "muon", "nadam", "rmsprop", "schedulefreeadamw", "sgd",
)
OPTIMIZER_CLASSES = {
    "Adadelta", "Adafactor", "Adagrad", "Adam", "Adamax", "AdamW", "Ftrl", "Lion",
    "Muon", "Nadam", "RMSprop", "SGD",
}

# keras.metrics.get keys that build with no arguments.
METRICS = (
    "AUC", "Accuracy", "BCE", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU", "CategoricalAccuracy",
    "CategoricalCrossentropy", "CategoricalHinge", "ConcordanceCorrelation", "CosineSimilarity", "F1Score",
    "FBetaScore", "FalseNegatives", "FalsePositives", "Hinge", "KLDivergence", "LogCoshError", "MAE", "MAPE",
    "MSE", "MSLE", "Mean", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "PearsonCorrelation", "Poisson", "Precision", "R2Score", "Recall",
    "RootMeanSquaredError", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SquaredHinge", "Sum", "TopKCategoricalAccuracy", "TrueNegatives",
    "TruePositives", "auc", "bce", "binary_accuracy", "binary_crossentropy", "binary_io_u",
    "categorical_accuracy", "categorical_crossentropy", "categorical_hinge", "concordance_correlation",
    "cosine_similarity", "f1_score", "f_beta_score", "false_negatives", "false_positives", "hinge",
    "kl_divergence", "log_cosh_error", "mae", "mape", "mean", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle",
    "pearson_correlation", "poisson", "precision", "r2_score", "recall", "root_mean_squared_error",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy",
    "squared_hinge", "sum", "top_k_categorical_accuracy", "true_negatives", "true_positives",
    # metrics whose constructors need arguments: known names, so not "unknown"
    "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "PrecisionAtRecall", "RecallAtPrecision",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity", "io_u", "mean_io_u", "one_hot_io_u",
    "one_hot_mean_io_u", "precision_at_recall", "recall_at_precision", "sensitivity_at_specificity",
    "specificity_at_sensitivity",
)
_METRIC_SET = frozenset(METRICS)

ACTIVATIONS = (
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
)
_ACTIVATION_SET = frozenset(ACTIVATIONS)


def canonical_loss(name: str) -> Optional[str]:
    """The loss function a string or class name stands for, or None."""
    return _LOSS_BY_SPELLING.get(name)


def is_known_optimizer(name: str) -> bool:
    return name.lower() in OPTIMIZERS


def is_accuracy_alias(name: str) -> bool:
    return name.lower() in ("accuracy", "acc")


def is_known_metric(name: str) -> bool:
    return is_accuracy_alias(name) or name in _METRIC_SET


def is_known_activation(name: str) -> bool:
    return name in _ACTIVATION_SET


def did_you_mean(word: str, options, *, fold_case: bool = False) -> Optional[str]:
    """The closest spelling Keras would accept, or None."""
    opts = list(options)
    if fold_case:
        for o in opts:
            if o.lower() == word.lower():
                return o
    lowered = {o.lower(): o for o in opts}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, opts, n=1, cutoff=0.6)
    if not close:
        close_l = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close_l]
    return close[0] if close else None


def loss_spellings() -> list[str]:
    return sorted(_LOSS_BY_SPELLING)
