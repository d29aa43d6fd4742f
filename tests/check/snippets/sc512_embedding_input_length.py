# expect: SC512
import numpy as np
import keras
from keras import layers

tokens = np.random.randint(0, 100, size=(4, 20))
model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Embedding(100, 8, input_length=10),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.predict(tokens, verbose=0)
