"""Keras 3's newer image augmentations (color, blur, shear, mixing...): all keep
the input shape and hold no weights.  Only ``data_format`` is checked here;
their factor ranges differ layer to layer and a wrong one is not a shape fault.
"""
from ..base import REQUIRED, register
from .image_augmentation import _Augmentation

_V = (0, 255)

# class name -> Keras 3.15 constructor signature, in order
_SIGNATURES = {
    "AutoContrast": {"value_range": _V},
    "Equalization": {"value_range": _V, "bins": 256, "data_format": None},
    "RandomGrayscale": {"factor": 0.5, "data_format": None, "seed": None},
    "RandomHue": {"factor": REQUIRED, "value_range": _V, "data_format": None, "seed": None},
    "RandomSaturation": {"factor": REQUIRED, "value_range": _V, "data_format": None, "seed": None},
    "RandomSharpness": {"factor": REQUIRED, "value_range": _V, "data_format": None, "seed": None},
    "RandomShear": {"x_factor": 0.0, "y_factor": 0.0, "interpolation": "bilinear", "fill_mode": "reflect",
                    "fill_value": 0.0, "data_format": None, "seed": None},
    "RandomColorDegeneration": {"factor": REQUIRED, "value_range": _V, "data_format": None, "seed": None},
    "RandomColorJitter": {"value_range": _V, "brightness_factor": None, "contrast_factor": None,
                          "saturation_factor": None, "hue_factor": None, "seed": None, "data_format": None},
    "RandomInvert": {"factor": 1.0, "value_range": _V, "seed": None, "data_format": None},
    "RandomPosterization": {"factor": REQUIRED, "value_range": _V, "data_format": None, "seed": None},
    "Solarization": {"addition_factor": 0.0, "threshold_factor": 0.0, "value_range": _V, "seed": None},
    "RandomErasing": {"factor": 1.0, "scale": (0.02, 0.33), "fill_value": None, "value_range": _V, "seed": None,
                      "data_format": None},
    "RandomGaussianBlur": {"factor": 1.0, "kernel_size": 3, "sigma": 1.0, "value_range": _V, "data_format": None,
                           "seed": None},
    "RandomPerspective": {"factor": 1.0, "scale": 1.0, "interpolation": "bilinear", "fill_value": 0.0, "seed": None,
                          "data_format": None},
    "RandomElasticTransform": {"factor": 1.0, "scale": 1.0, "interpolation": "bilinear", "fill_mode": "reflect",
                               "fill_value": 0.0, "value_range": _V, "seed": None, "data_format": None},
    "MixUp": {"alpha": 0.2, "data_format": None, "seed": None},
    "CutMix": {"factor": 1.0, "seed": None, "data_format": None},
    "AugMix": {"value_range": _V, "num_chains": 3, "chain_depth": 3, "factor": 0.3, "alpha": 1.0, "all_ops": True,
               "interpolation": "bilinear", "seed": None, "data_format": None},
    "RandAugment": {"value_range": _V, "num_ops": 2, "factor": 0.5, "interpolation": "bilinear", "seed": None,
                    "data_format": None},
}

for _name, _params in _SIGNATURES.items():
    register(type(_name, (_Augmentation,), {"class_name": _name, "params": _params, "__module__": __name__}))
