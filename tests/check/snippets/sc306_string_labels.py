# expect: SC306
import numpy as np
import keras
from keras import layers

x = np.random.rand(6, 4).astype("float32")
y = np.array(["cat", "dog", "bird", "cat", "dog", "bird"])
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=1, verbose=0)
