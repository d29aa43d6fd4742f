# expect: SC503
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, np.random.randint(0, 2, size=(32, 1)), epochs=1, verbose=0)
