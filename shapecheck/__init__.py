"""shapecheck: static shape checking for Keras model code."""

__version__ = "0.1.0"
