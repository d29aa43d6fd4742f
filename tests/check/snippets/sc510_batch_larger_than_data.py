# expect: SC510
import numpy as np
import keras
from keras import layers

x = np.random.rand(50, 4)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(50, 1), batch_size=128, epochs=1, verbose=0)
