# expect: SC515
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, np.zeros((32,), dtype="int64"), epochs=1, verbose=0)
