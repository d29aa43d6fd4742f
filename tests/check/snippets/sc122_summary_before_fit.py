# expect: SC122
import numpy as np
import keras
from keras import layers

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(1),
])
model.summary()
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(32, 4), np.random.rand(32, 1), epochs=1, verbose=0)
