# expect: SC305
import numpy as np
import keras
from keras import layers

a = keras.Input(shape=(4,))
b = keras.Input(shape=(2,))
h = layers.Dense(8, activation="relu")(layers.Concatenate()([a, b]))
model = keras.Model(inputs=[a, b], outputs=layers.Dense(1)(h))
model.predict(np.random.rand(8, 4), verbose=0)
