"""Sentiment classification: Embedding -> LSTM -> Dense on padded token ids."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

max_features = 10000
maxlen = 80

x_train = np.random.randint(max_features, size=(512, maxlen))
y_train = np.random.randint(2, size=(512,))

model = keras.Sequential()
model.add(keras.Input(shape=(maxlen,), dtype="int32"))
model.add(layers.Embedding(max_features, 64))
model.add(layers.LSTM(64, dropout=0.2))
model.add(layers.Dense(1, activation="sigmoid"))

model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2)
