# expect: SC205
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 4)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])

model.compile(optimizer=keras.optimizers.SGD(learning_rate=1), loss="categorical_crossentropy")
