# expect: SC508
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dropout(1.0),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(32, 1), epochs=1, verbose=0)
