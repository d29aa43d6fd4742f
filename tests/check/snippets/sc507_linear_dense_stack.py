# expect: SC507
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 784)
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, np.random.randint(0, 10, size=(32,)), epochs=1, verbose=0)
