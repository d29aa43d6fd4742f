"""The numba runtime: executes Keras-style models without TensorFlow.

It stands alone (never imports the analyzer); it shares only the layer
catalog (`shapecheck.layers`) for configs, output shapes and weight shapes.
"""
