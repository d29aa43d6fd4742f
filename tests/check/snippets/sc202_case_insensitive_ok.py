# expect: (nothing)
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])

model.compile(optimizer="Adam", loss="categorical_crossentropy")
