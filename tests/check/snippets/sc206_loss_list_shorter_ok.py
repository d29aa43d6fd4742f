# expect: (nothing)
import numpy as np
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
h = layers.Dense(16, activation="relu")(inputs)
price = layers.Dense(1, name="price")(h)
category = layers.Dense(3, activation="softmax", name="category")(h)
model = keras.Model(inputs, [price, category])
model.compile(optimizer="adam", loss=["mse"])
y_cat = keras.utils.to_categorical(np.arange(8) % 3, num_classes=3)
model.fit(np.random.rand(8, 6), [np.random.rand(8, 1), y_cat], epochs=1, verbose=0)
