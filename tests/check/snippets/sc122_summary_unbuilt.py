# expect: SC122
import numpy as np
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.summary()
