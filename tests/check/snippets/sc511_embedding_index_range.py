# expect: SC511
import numpy as np
import keras
from keras import layers

tokens = np.random.randint(0, 1000, size=(4, 10))
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Embedding(500, 8),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.predict(tokens, verbose=0)
