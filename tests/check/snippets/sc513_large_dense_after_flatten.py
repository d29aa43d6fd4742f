# expect: SC513
import numpy as np
import keras
from keras import layers

inputs = keras.Input(shape=(40, 40, 40))
h = layers.Flatten()(inputs)
outputs = layers.Dense(200, activation="relu")(h)
model = keras.Model(inputs, outputs)
