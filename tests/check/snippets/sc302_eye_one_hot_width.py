# expect: SC302
import numpy as np
import keras
from keras import layers

x = np.random.rand(12, 6)
labels = np.random.randint(0, 5, size=(12,))
y = np.eye(5)[labels]
model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=1, verbose=0)
