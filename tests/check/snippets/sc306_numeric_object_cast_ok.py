# expect:
import numpy as np
import keras
from keras import layers

rows = np.array([[1, 2], [3, 4], [5, 6]], dtype=object)
x = rows.astype("float32")
names = np.array(["a", "b", "c"])
y = (names == "b").astype("float32")
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=1, verbose=0)
