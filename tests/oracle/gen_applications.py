"""Record keras.applications facts from real Keras 3 (no weights downloaded).

For each application with include_top=False: parameter counts (total,
trainable, non-trainable), the model's name, and the output shape for several
input sizes; with include_top=True and the default size: the output shape and
counts.  Writes tests/fixtures/applications/applications.json.

    /work/oracle-venv/bin/python tests/oracle/gen_applications.py
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402

APPS = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "MobileNet", "MobileNetV2",
        "DenseNet121", "EfficientNetB0", "InceptionV3", "Xception"]
SIZES = [224, 160, 150, 128, 96, 75]
OUT = Path(__file__).resolve().parents[1] / "fixtures" / "applications" / "applications.json"


def counts(model):
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    frozen = sum(int(keras.ops.size(w)) for w in model.non_trainable_weights)
    return {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}


def main():
    names = sys.argv[1:] or APPS
    data = {}
    for name in names:
        cls = getattr(keras.applications, name)
        entry = {"no_top": {}, "top": None}
        for size in SIZES:
            try:
                m = cls(include_top=False, weights=None, input_shape=(size, size, 3))
            except ValueError as err:
                entry["no_top"][str(size)] = {"error": str(err).splitlines()[0]}
                continue
            entry["no_top"][str(size)] = {"output": list(m.output.shape), **counts(m), "name": m.name}
            keras.backend.clear_session()
        m = cls(include_top=True, weights=None)
        entry["top"] = {"input": list(m.input.shape), "output": list(m.output.shape), **counts(m), "name": m.name}
        keras.backend.clear_session()
        data[name] = entry
        print(name, entry["no_top"]["224"], file=sys.stderr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"keras_version": keras.__version__, "applications": data}, indent=1) + "\n")


if __name__ == "__main__":
    main()
