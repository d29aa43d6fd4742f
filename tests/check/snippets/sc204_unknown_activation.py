# expect: SC204
import numpy as np
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="Relu"),
    layers.Dense(3, activation="softmax"),
])
