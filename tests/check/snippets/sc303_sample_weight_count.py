# expect: SC303
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(32, 1), sample_weight=np.ones((30,)), epochs=1, verbose=0)
