"""Ask real Keras 3 what each spatial layer does with a config and an input shape.

Run with the oracle venv (TensorFlow + Keras 3.15), from the repository root:

    /work/oracle-venv/bin/python tests/oracle/gen_layer_cases.py

It writes tests/fixtures/layers/spatial.json: for every case the output shape,
the weights (name, shape, trainable) and parameter counts Keras reports, or
the exception Keras raises.  A case may name the diagnostic code we expect
(``fault=``); the script refuses to write the file when Keras's behaviour and
the case list disagree (a fault expected where Keras builds, or the reverse),
so every fault case in the fixture is one Keras really raises.

The test suite (tests/layers/test_spatial_specs.py) replays the JSON against
our specs without TensorFlow.
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
warnings.filterwarnings("ignore")

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "spatial.json"

CASES: list[dict] = []


def case(layer: str, shape: tuple, fault: str | None = None, **kwargs) -> None:
    """One (layer, config, input shape) question; ``shape`` includes the batch axis."""
    CASES.append({"layer": layer, "kwargs": kwargs, "input_shape": list(shape), "fault": fault})


N = None

# -- convolutional -------------------------------------------------------------
case("Conv1D", (N, 100, 8), filters=16, kernel_size=3)
case("Conv1D", (N, 100, 8), filters=16, kernel_size=5, strides=2)
case("Conv1D", (N, 100, 8), filters=16, kernel_size=5, strides=3, padding="same")
case("Conv1D", (N, 100, 8), filters=16, kernel_size=4, padding="causal")
case("Conv1D", (N, 101, 8), filters=16, kernel_size=4, strides=2, padding="causal")
case("Conv1D", (N, 100, 8), filters=16, kernel_size=3, dilation_rate=4)
case("Conv1D", (N, 100, 8), filters=16, kernel_size=3, groups=4)
case("Conv1D", (N, 8, 100), filters=16, kernel_size=3, data_format="channels_first")
case("Conv1D", (N, N, 8), filters=16, kernel_size=3)
case("Conv1D", (N, 100, 8), filters=16, kernel_size=3, use_bias=False)
case("Convolution1D", (N, 50, 4), filters=2, kernel_size=(7,))
case("Conv1D", (N, 5, 8), "SC105", filters=16, kernel_size=7)
case("Conv1D", (N, 9, 8), "SC105", filters=16, kernel_size=3, dilation_rate=5)
case("Conv1D", (N, 100, 8), "SC103", filters=12, kernel_size=3, groups=3)
case("Conv1D", (N, 100, 8), "SC108", filters=15, kernel_size=3, groups=2)
case("Conv1D", (N, 100, 8), "SC108", filters=0, kernel_size=3)
case("Conv1D", (N, 100), "SC101", filters=4, kernel_size=3)
case("Conv1D", (N, 100, 8), "SC108", filters=4, kernel_size=3, strides=2, dilation_rate=2)
case("Conv1D", (N, 100, 8), "SC108", filters=4, kernel_size=0)
case("Conv1D", (N, 100, 8), "SC108", filters=4, kernel_size=3, padding="full")
case("Conv2D", (N, 28, 28, 1), filters=32, kernel_size=3)
case("Conv2D", (N, 28, 28, 1), filters=32, kernel_size=(3, 3), activation="relu")
case("Conv2D", (N, 28, 28, 3), filters=64, kernel_size=(5, 3), strides=(2, 1))
case("Conv2D", (N, 28, 28, 3), filters=64, kernel_size=3, strides=2, padding="same")
case("Conv2D", (N, 27, 27, 3), filters=8, kernel_size=3, strides=2, padding="same")
case("Conv2D", (N, 32, 32, 3), filters=8, kernel_size=3, padding="SAME")
case("Conv2D", (N, 32, 32, 6), filters=12, kernel_size=3, groups=3)
case("Conv2D", (N, 3, 32, 32), filters=8, kernel_size=3, data_format="channels_first")
case("Conv2D", (N, 3, 32, 32), filters=8, kernel_size=3, strides=2, padding="same", data_format="channels_first")
case("Conv2D", (N, 32, 32, 3), filters=8, kernel_size=3, dilation_rate=(2, 3))
case("Conv2D", (N, N, N, 3), filters=8, kernel_size=3)
case("Conv2D", (N, N, 20, 3), filters=8, kernel_size=3, strides=2)
case("Conv2D", (N, 224, 224, 3), filters=64, kernel_size=7, strides=2, padding="same", use_bias=False)
case("Conv2D", (N, 8, 8, 3), filters=4, kernel_size=3, lora_rank=2)
case("Convolution2D", (N, 28, 28, 1), filters=6, kernel_size=5)
case("Conv2D", (N, 2, 2, 3), "SC105", filters=4, kernel_size=3)
case("Conv2D", (N, 28, 3, 1), "SC105", filters=4, kernel_size=(3, 5))
case("Conv2D", (N, 28, 28), "SC101", filters=4, kernel_size=3)
case("Conv2D", (N, 9, 9, 9, 3), "SC101", filters=4, kernel_size=3)
case("Conv2D", (N, 28, 28, N), "SC106", filters=4, kernel_size=3)
case("Conv2D", (N, 28, 28, 3), "SC103", filters=4, kernel_size=3, groups=2)
case("Conv2D", (N, 28, 28, 3), "SC108", filters=4, kernel_size=3, padding="causal")
case("Conv2D", (N, 28, 28, 3), "SC108", filters=4, kernel_size=(3, 3, 3))
case("Conv2D", (N, 28, 28, 3), "SC108", filters=4, kernel_size=3, strides=(2, 0))
case("Conv2D", (N, 28, 28, 3), "SC108", filters=4, kernel_size=3, data_format="channels_middle")
case("Conv2D", (N, 28, 28, 3), "SC108", filters=-1, kernel_size=3)
case("Conv2D", (N, 28, 28, 3), "SC108", filters=4, kernel_size=3, groups=0)
case("Conv3D", (N, 16, 16, 16, 1), filters=8, kernel_size=3)
case("Conv3D", (N, 16, 16, 16, 1), filters=8, kernel_size=(3, 2, 1), strides=(1, 2, 2), padding="same")
case("Conv3D", (N, 2, 9, 9, 9), filters=4, kernel_size=3, data_format="channels_first")
case("Conv3D", (N, 10, N, 10, 2), filters=4, kernel_size=3)
case("Convolution3D", (N, 10, 10, 10, 2), filters=4, kernel_size=3, dilation_rate=2)
case("Conv3D", (N, 10, 10, 2, 2), "SC105", filters=4, kernel_size=3)
case("Conv3D", (N, 10, 10, 2), "SC101", filters=4, kernel_size=3)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=3)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=3, strides=2)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=2, strides=3)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=3, strides=2, padding="same")
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=3, strides=2, output_padding=1)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=4, strides=2, padding="same", output_padding=1)
case("Conv1DTranspose", (N, 10, 4), filters=8, kernel_size=3, dilation_rate=2)
case("Conv1DTranspose", (N, N, 4), filters=8, kernel_size=3, strides=2)
case("Convolution1DTranspose", (N, 4, 10), filters=8, kernel_size=3, data_format="channels_first")
case("Conv1DTranspose", (N, 10, 4), "SC108", filters=8, kernel_size=3, strides=2, output_padding=2)
case("Conv1DTranspose", (N, 10, 4), "SC108", filters=8, kernel_size=3, padding="causal")
case("Conv2DTranspose", (N, 7, 7, 64), filters=32, kernel_size=3, strides=2, padding="same")
case("Conv2DTranspose", (N, 7, 7, 64), filters=32, kernel_size=(4, 4), strides=(2, 2), padding="same")
case("Conv2DTranspose", (N, 7, 7, 64), filters=32, kernel_size=3, strides=2)
case("Conv2DTranspose", (N, 7, 7, 64), filters=1, kernel_size=5, strides=(1, 2), output_padding=(0, 1))
case("Conv2DTranspose", (N, 7, 7, 64), filters=1, kernel_size=3, padding="same")
case("Conv2DTranspose", (N, 64, 7, 7), filters=16, kernel_size=3, strides=2, data_format="channels_first")
case("Conv2DTranspose", (N, 7, 7, 8), filters=4, kernel_size=3, strides=2, use_bias=False)
case("Conv2DTranspose", (N, N, 7, 8), filters=4, kernel_size=3, strides=2, padding="same")
case("Convolution2DTranspose", (N, 7, 7, 8), filters=4, kernel_size=2, strides=2)
case("Conv2DTranspose", (N, 7, 7), "SC101", filters=4, kernel_size=3)
case("Conv2DTranspose", (N, 7, 7, N), "SC106", filters=4, kernel_size=3)
case("Conv2DTranspose", (N, 7, 7, 7, 8), "SC101", filters=4, kernel_size=3)
case("Conv2DTranspose", (N, 7, 7, 8), "SC108", filters=4, kernel_size=3, strides=2, dilation_rate=2)
case("Conv3DTranspose", (N, 4, 4, 4, 8), filters=4, kernel_size=3, strides=2, padding="same")
case("Conv3DTranspose", (N, 4, 4, 4, 8), filters=4, kernel_size=(2, 3, 4), strides=(2, 1, 3))
case("Conv3DTranspose", (N, 8, 4, 4, 4), filters=2, kernel_size=3, data_format="channels_first", output_padding=(0, 0, 0))
case("SeparableConv1D", (N, 50, 8), filters=16, kernel_size=3)
case("SeparableConv1D", (N, 50, 8), filters=16, kernel_size=5, strides=2, padding="same", depth_multiplier=2)
case("SeparableConvolution1D", (N, 8, 50), filters=4, kernel_size=3, data_format="channels_first")
case("SeparableConv1D", (N, 50, 8), "SC108", filters=4, kernel_size=3, padding="causal")
case("SeparableConv1D", (N, 2, 8), "SC105", filters=4, kernel_size=3)
case("SeparableConv2D", (N, 32, 32, 3), filters=16, kernel_size=3)
case("SeparableConv2D", (N, 32, 32, 3), filters=16, kernel_size=3, depth_multiplier=4, use_bias=False)
case("SeparableConv2D", (N, 32, 32, 3), filters=16, kernel_size=(3, 5), strides=2, padding="same")
case("SeparableConv2D", (N, 32, 32, 3), filters=16, kernel_size=3, dilation_rate=2)
case("SeparableConvolution2D", (N, 3, 32, 32), filters=8, kernel_size=3, data_format="channels_first")
case("SeparableConv2D", (N, 32, 32, 3), "SC108", filters=16, kernel_size=3, depth_multiplier=0)
case("SeparableConv2D", (N, 32, 32, 3), "SC108", filters=0, kernel_size=3)
case("SeparableConv2D", (N, 32, 32), "SC101", filters=16, kernel_size=3)
case("SeparableConv2D", (N, 32, 32, N), "SC106", filters=16, kernel_size=3)
case("DepthwiseConv2D", (N, 32, 32, 3), kernel_size=3)
case("DepthwiseConv2D", (N, 32, 32, 3), kernel_size=3, depth_multiplier=2, padding="same")
case("DepthwiseConv2D", (N, 32, 32, 8), kernel_size=(3, 5), strides=2, use_bias=False)
case("DepthwiseConv2D", (N, 3, 32, 32), kernel_size=3, depth_multiplier=3, data_format="channels_first")
case("DepthwiseConv2D", (N, 32, 32, 3), kernel_size=3, dilation_rate=2)
case("DepthwiseConv2D", (N, N, 32, 3), kernel_size=3, strides=2)
case("DepthwiseConv2D", (N, 2, 32, 3), "SC105", kernel_size=3)
case("DepthwiseConv2D", (N, 32, 32, 3), "SC108", kernel_size=3, depth_multiplier=0)
case("DepthwiseConv2D", (N, 32, 32, N), "SC106", kernel_size=3)
case("DepthwiseConv2D", (N, 32, 3), "SC101", kernel_size=3)
case("DepthwiseConv1D", (N, 40, 6), kernel_size=5, depth_multiplier=2)
case("DepthwiseConv1D", (N, 40, 6), kernel_size=5, strides=2, padding="same")


# -- pooling -------------------------------------------------------------------
case("MaxPooling1D", (N, 100, 8))
case("MaxPooling1D", (N, 101, 8), pool_size=3)
case("MaxPooling1D", (N, 101, 8), pool_size=3, strides=1)
case("MaxPooling1D", (N, 101, 8), pool_size=4, strides=2, padding="same")
case("MaxPool1D", (N, 8, 101), pool_size=2, data_format="channels_first")
case("MaxPooling1D", (N, N, 8), pool_size=2)
case("MaxPooling1D", (N, 1, 8), "SC105", pool_size=2)
case("MaxPooling1D", (N, 100), "SC101")
case("MaxPooling2D", (N, 28, 28, 32))
case("MaxPooling2D", (N, 27, 27, 32), pool_size=(2, 2))
case("MaxPooling2D", (N, 27, 27, 32), pool_size=3, strides=2)
case("MaxPooling2D", (N, 27, 27, 32), pool_size=(2, 3), strides=(1, 2), padding="same")
case("MaxPool2D", (N, 32, 28, 28), data_format="channels_first")
case("MaxPooling2D", (N, 5, N, 3), pool_size=2)
case("MaxPooling2D", (N, 28, 28, 3), pool_size=2, strides=3)
case("MaxPooling2D", (N, 1, 28, 3), "SC105", pool_size=2)
case("MaxPooling2D", (N, 28, 28, 3), "SC108", pool_size=2, padding="SAME")
case("MaxPooling2D", (N, 28, 28, 3), "SC108", pool_size=0)
case("MaxPooling2D", (N, 28, 28, 3), "SC108", pool_size=(2, 2, 2))
case("MaxPooling2D", (N, 28, 28, 3), "SC108", pool_size=2, strides=0)
case("MaxPooling2D", (N, 28, 28, 3, 1), "SC101")
case("MaxPooling2D", (N, 28, 3), "SC101")
case("MaxPooling3D", (N, 16, 16, 16, 4))
case("MaxPooling3D", (N, 15, 16, 17, 4), pool_size=(3, 2, 2), padding="same")
case("MaxPool3D", (N, 4, 16, 16, 16), pool_size=2, strides=(1, 2, 3), data_format="channels_first")
case("MaxPooling3D", (N, 16, 16, 1, 4), "SC105")
case("AveragePooling1D", (N, 100, 8), pool_size=4)
case("AvgPool1D", (N, 100, 8), pool_size=3, strides=2, padding="same")
case("AveragePooling2D", (N, 28, 28, 6), pool_size=2)
case("AveragePooling2D", (N, 28, 28, 6), pool_size=(2, 2), strides=1)
case("AvgPool2D", (N, 6, 28, 28), pool_size=2, data_format="channels_first")
case("AveragePooling2D", (N, 3, 3, 6), "SC105", pool_size=4)
case("AveragePooling3D", (N, 8, 8, 8, 2), pool_size=2)
case("AvgPool3D", (N, 8, 8, 8, 2), pool_size=(2, 4, 8), padding="same")
case("AveragePooling3D", (N, 8, 8, 8), "SC101", pool_size=2)
case("GlobalAveragePooling1D", (N, 100, 8))
case("GlobalAveragePooling1D", (N, 100, 8), keepdims=True)
case("GlobalAvgPool1D", (N, 8, 100), data_format="channels_first")
case("GlobalAveragePooling1D", (N, 100), "SC101")
case("GlobalAveragePooling2D", (N, 7, 7, 512))
case("GlobalAveragePooling2D", (N, 7, 7, 512), keepdims=True)
case("GlobalAvgPool2D", (N, 512, 7, 7), data_format="channels_first", keepdims=True)
case("GlobalAveragePooling2D", (N, N, N, 16))
case("GlobalAveragePooling2D", (N, 7, 512), "SC101")
case("GlobalAveragePooling3D", (N, 4, 4, 4, 8))
case("GlobalAvgPool3D", (N, 8, 4, 4, 4), data_format="channels_first")
case("GlobalMaxPooling1D", (N, 100, 8))
case("GlobalMaxPool1D", (N, 100, 8), keepdims=True)
case("GlobalMaxPooling2D", (N, 7, 7, 64))
case("GlobalMaxPool2D", (N, 64, 7, 7), data_format="channels_first")
case("GlobalMaxPooling2D", (N, 7, 7, 7, 64), "SC101")
case("GlobalMaxPooling3D", (N, 4, 4, 4, 8), keepdims=True)
case("GlobalMaxPool3D", (N, 4, 4, 4, 8))

# -- reshaping -----------------------------------------------------------------
case("Reshape", (N, 784), target_shape=(28, 28, 1))
case("Reshape", (N, 28, 28), target_shape=(-1,))
case("Reshape", (N, 12, 10), target_shape=(4, -1, 5))
case("Reshape", (N, 6), target_shape=(3, 2))
case("Reshape", (N, N, 6), target_shape=(-1, 3))
case("Reshape", (N, N, 6), target_shape=(5, 4))
case("Reshape", (N, 4, 4), target_shape=(2, 2, 2, 2))
case("Reshape", (N, 9, 3), "SC104", target_shape=(5, -1))
case("Reshape", (N, 9, 3), "SC104", target_shape=(5, 4))
case("Reshape", (N, 784), "SC104", target_shape=(28, 27))
case("Reshape", (N, 10), "SC108", target_shape=(-1, -1))
case("Reshape", (N, 10), "SC108", target_shape=(-2, 5))
case("Permute", (N, 10, 64), dims=(2, 1))
case("Permute", (N, 2, 3, 4), dims=(3, 1, 2))
case("Permute", (N, N, 3, 4), dims=[2, 3, 1])
case("Permute", (N, 10, 64), "SC108", dims=(1, 3))
case("Permute", (N, 10, 64), "SC108", dims=(0, 1))
case("Permute", (N, 10, 64, 3), "SC101", dims=(2, 1))
case("RepeatVector", (N, 32), n=3)
case("RepeatVector", (N, N), n=5)
case("RepeatVector", (N, 10, 32), "SC101", n=3)
case("RepeatVector", (N, 32), "SC108", n=0)
case("RepeatVector", (N, 32), "SC108", n=2.0)
case("UpSampling1D", (N, 10, 4))
case("UpSampling1D", (N, 10, 4), size=3)
case("UpSampling1D", (N, N, 4), size=3)
case("UpSampling1D", (N, 10, 4), "SC108", size=(2,))
case("UpSampling1D", (N, 10, 4), "SC108", size=0)
case("UpSampling1D", (N, 10, 4, 1), "SC101")
case("UpSampling2D", (N, 7, 7, 16))
case("UpSampling2D", (N, 7, 7, 16), size=(3, 2))
case("UpSampling2D", (N, 16, 7, 5), size=2, data_format="channels_first")
case("UpSampling2D", (N, 7, 7, 16), size=2, interpolation="bilinear")
case("UpSampling2D", (N, N, 7, 16), size=2)
case("UpSampling2D", (N, 7, 16), "SC101")
case("UpSampling2D", (N, 7, 7, 16), "SC108", size=(2, 0))
case("UpSampling3D", (N, 4, 4, 4, 2))
case("UpSampling3D", (N, 2, 4, 5, 6), size=(1, 2, 3), data_format="channels_first")
case("ZeroPadding1D", (N, 10, 4))
case("ZeroPadding1D", (N, 10, 4), padding=(2, 3))
case("ZeroPadding1D", (N, 4, 10), padding=2, data_format="channels_first")
case("ZeroPadding1D", (N, N, 4), padding=2)
case("ZeroPadding1D", (N, 10, 4), "SC108", padding=(1, 2, 3))
case("ZeroPadding1D", (N, 10, 4), "SC108", padding=-1)
case("ZeroPadding2D", (N, 28, 28, 3))
case("ZeroPadding2D", (N, 28, 28, 3), padding=2)
case("ZeroPadding2D", (N, 28, 28, 3), padding=(1, 2))
case("ZeroPadding2D", (N, 28, 28, 3), padding=((1, 2), (3, 4)))
case("ZeroPadding2D", (N, 3, 28, 28), padding=((0, 1), (0, 1)), data_format="channels_first")
case("ZeroPadding2D", (N, N, 28, 3), padding=3)
case("ZeroPadding2D", (N, 28, 28, 3), "SC108", padding=(1, 2, 3))
case("ZeroPadding2D", (N, 28, 28, 3), "SC108", padding=((1, 2), (3, -4)))
case("ZeroPadding2D", (N, 28, 3), "SC101", padding=1)
case("ZeroPadding3D", (N, 8, 8, 8, 1))
case("ZeroPadding3D", (N, 8, 8, 8, 1), padding=(1, 2, 3))
case("ZeroPadding3D", (N, 1, 8, 8, 8), padding=((1, 2), (3, 4), (0, 2)), data_format="channels_first")
case("ZeroPadding3D", (N, 8, 8, 8, 1), "SC108", padding=(1, 2))
case("Cropping1D", (N, 10, 4))
case("Cropping1D", (N, 10, 4), cropping=(2, 5))
case("Cropping1D", (N, 10, 4), cropping=3)
case("Cropping1D", (N, N, 4), cropping=(1, 2))
case("Cropping1D", (N, 5, 7), "SC105", cropping=(2, 3))
case("Cropping1D", (N, 5, 7), "SC105", cropping=(3, 3))
case("Cropping1D", (N, 5, 7), "SC108", cropping=(1,))
case("Cropping1D", (N, 5), "SC101", cropping=1)
case("Cropping2D", (N, 28, 28, 3))
case("Cropping2D", (N, 28, 28, 3), cropping=2)
case("Cropping2D", (N, 28, 28, 3), cropping=(2, 4))
case("Cropping2D", (N, 28, 28, 3), cropping=((1, 2), (3, 4)))
case("Cropping2D", (N, 3, 7, 9), cropping=((1, 2), (3, 4)), data_format="channels_first")
case("Cropping2D", (N, 7, N, 5), cropping=((1, 2), (3, 4)))
case("Cropping2D", (N, 8, 9, 5), "SC105", cropping=((4, 5), (0, 0)))
case("Cropping2D", (N, 5, 8, 9), "SC105", cropping=((0, 0), (5, 4)), data_format="channels_first")
case("Cropping2D", (N, 28, 28, 3), "SC108", cropping=-1)
case("Cropping2D", (N, 28, 28, 3), "SC108", cropping=((1, 2), (3, -4)))
case("Cropping2D", (N, 28, 28, 3), "SC108", cropping=(1, 2, 3))
case("Cropping3D", (N, 8, 8, 8, 1))
case("Cropping3D", (N, 8, 8, 8, 1), cropping=(1, 2, 3))
case("Cropping3D", (N, 2, 8, 9, 10), cropping=((0, 1), (2, 3), (4, 5)), data_format="channels_first")
case("Cropping3D", (N, 8, 8, 2, 1), "SC105", cropping=1)
case("Flatten", (N, 7, 7, 64))
case("Flatten", (N, 64, 7, 3), data_format="channels_first")
case("Flatten", (N, N, 8))

# -- normalization -------------------------------------------------------------
case("BatchNormalization", (N, 64))
case("BatchNormalization", (N, 28, 28, 32))
case("BatchNormalization", (N, 32, 28, 28), axis=1)
case("BatchNormalization", (N, 10, 8), axis=-2)
case("BatchNormalization", (N, 10, 8), center=False)
case("BatchNormalization", (N, 10, 8), scale=False, center=False)
case("BatchNormalization", (N, 10, 8), renorm=True)
case("BatchNormalization", (N, N, 8))
case("BatchNormalization", (N, 8, 3), "SC101", axis=3)
case("BatchNormalization", (N, 8, N), "SC106")
case("BatchNormalization", (N, 8, 3), "SC108", axis=[1, 2])
case("LayerNormalization", (N, 64))
case("LayerNormalization", (N, 10, 64))
case("LayerNormalization", (N, 10, 64), axis=[1, 2])
case("LayerNormalization", (N, 10, 6, 4), axis=(-1, -3))
case("LayerNormalization", (N, 10, 64), axis=1, center=False)
case("LayerNormalization", (N, 10, 64), scale=False)
case("LayerNormalization", (N, 10, 64), rms_scaling=True)
case("LayerNormalization", (N, N, 64))
case("LayerNormalization", (N, 10, N), "SC106")
case("LayerNormalization", (N, 10, 64), "SC101", axis=3)
case("LayerNormalization", (N, 10, 64), "SC108", axis="last")
case("GroupNormalization", (N, 10, 64))
case("GroupNormalization", (N, 10, 64), groups=4)
case("GroupNormalization", (N, 10, 64), groups=-1, center=False)
case("GroupNormalization", (N, 16, 8, 8), groups=4, axis=1)
case("GroupNormalization", (N, 10, 8), "SC103", groups=16)
case("GroupNormalization", (N, 10, 12), "SC103", groups=8)
case("GroupNormalization", (N, 10, N), "SC106", groups=2)
case("GroupNormalization", (N, 10, 64), "SC108", groups=0)
case("UnitNormalization", (N, 10, 64))
case("UnitNormalization", (N, 10, 64), axis=[1, 2])
case("UnitNormalization", (N, 10, 64), "SC101", axis=3)
case("RMSNormalization", (N, 10, 64))
case("RMSNormalization", (N, 10, 64), axis=[1, 2])

# -- regularization ------------------------------------------------------------
case("SpatialDropout1D", (N, 10, 64), rate=0.2)
case("SpatialDropout1D", (N, 64), "SC101", rate=0.2)
case("SpatialDropout1D", (N, 10, 64), "SC108", rate=1.5)
case("SpatialDropout1D", (N, 10, 64), "SC402", rate=0.2, input_shape=(10, 64))
case("SpatialDropout2D", (N, 28, 28, 3), rate=0.3)
case("SpatialDropout2D", (N, 3, 28, 28), rate=0.3, data_format="channels_first")
case("SpatialDropout2D", (N, 28, 3), "SC101", rate=0.3)
case("SpatialDropout3D", (N, 8, 8, 8, 3), rate=0.3)
case("SpatialDropout3D", (N, 8, 8, 3), "SC101", rate=0.3)
case("GaussianNoise", (N, 10), stddev=0.1)
case("GaussianNoise", (N, 10, 4, 2), stddev=1.0)
case("GaussianNoise", (N, 10), "SC108", stddev=2.0)
case("GaussianDropout", (N, 10), rate=0.5)
case("GaussianDropout", (N, 10), "SC108", rate=-0.1)
case("AlphaDropout", (N, 10), rate=0.1)
case("AlphaDropout", (N, 10), "SC108", rate=1.1)
case("ActivityRegularization", (N, 10), l1=0.01)
case("ActivityRegularization", (N, 10, 3), l2=0.1)

# -- activations and preprocessing ---------------------------------------------
case("ReLU", (N, 10))
case("ReLU", (N, 10, 3), max_value=6.0)
case("ReLU", (N, 10), negative_slope=0.1, threshold=0.5)
case("ReLU", (N, 10), "SC108", max_value=-1.0)
case("ReLU", (N, 10), "SC108", negative_slope=-0.1)
case("ReLU", (N, 10), "SC108", threshold=None)
case("LeakyReLU", (N, 10))
case("LeakyReLU", (N, 10), negative_slope=0.2)
case("LeakyReLU", (N, 10), alpha=0.1)
case("LeakyReLU", (N, 10), "SC108", negative_slope=-0.2)
case("LeakyReLU", (N, 10), "SC108", alpha=-0.2)
case("PReLU", (N, 10))
case("PReLU", (N, 28, 28, 3))
case("PReLU", (N, 28, 28, 3), shared_axes=[1, 2])
case("PReLU", (N, 28, 28, 3), shared_axes=3)
case("PReLU", (N, N, 3), shared_axes=1)
case("PReLU", (N, N, 3), "SC106")
case("ELU", (N, 10))
case("ELU", (N, 10, 2), alpha=0.5)
case("Softmax", (N, 10))
case("Softmax", (N, 4, 10), axis=1)
case("Rescaling", (N, 28, 28, 3), scale=1.0 / 255)
case("Rescaling", (N, 28, 28, 3), scale=1.0 / 127.5, offset=-1)

# -- running Keras -------------------------------------------------------------
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _core_message(exc: BaseException) -> str:
    """Keras wraps call-time errors in 'Exception encountered when calling ...'; keep the inner text."""
    text = _ANSI.sub("", str(exc))
    m = re.search(r"Exception encountered when calling [^\n]*\n\n(.*?)\n\nArguments received", text, re.S)
    return (m.group(1) if m else text).strip()


def run_case(keras, c: dict) -> dict:
    kwargs = json.loads(json.dumps(c["kwargs"]))  # the same lists the test will pass
    out = {k: c[k] for k in ("layer", "kwargs", "input_shape")}
    cls = getattr(keras.layers, c["layer"])
    stage = "init"
    try:
        layer = cls(**kwargs)
        stage = "call"
        y = layer(keras.Input(batch_shape=tuple(c["input_shape"])))
    except Exception as exc:  # noqa: BLE001 - any exception is Keras's answer
        out["error"] = {"stage": stage, "type": type(exc).__name__, "message": _core_message(exc)}
        out["fault"] = c["fault"]
        return out
    out["output_shape"] = list(y.shape)
    out["weights"] = [[w.name, list(w.shape), bool(w.trainable)] for w in layer.weights]
    out["params"] = int(layer.count_params())
    out["trainable_params"] = int(sum(math.prod(w.shape) for w in layer.trainable_weights))
    return out


def main() -> int:
    import keras

    results, problems = [], []
    for c in CASES:
        r = run_case(keras, c)
        if "error" in r and not c["fault"]:
            problems.append(f"Keras raised but no fault code given: {c} -> {r['error']}")
        if "error" not in r and c["fault"]:
            problems.append(f"fault {c['fault']} expected but Keras built it: {c} -> {r['output_shape']}")
        results.append(r)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line: small diffs when cases are added.
    body = ",\n".join("  " + json.dumps(r) for r in results)
    OUT.write_text(f'{{"keras_version": {json.dumps(keras.__version__)},\n "cases": [\n{body}\n]}}\n')
    faults = sum("error" in r for r in results)
    print(f"wrote {OUT} with {len(results)} cases ({faults} faults)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
