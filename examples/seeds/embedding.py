"""An Embedding lookup table over a vocabulary of three tokens."""
import numpy as np
from keras.layers import Input, Dense
from keras.layers.embeddings import Embedding
from keras.models import Model

max_sequence = 5
embedding_dims = 10
vocab_size = 3

inputs = Input(shape=(max_sequence,), dtype='int32')
outputs = Embedding(vocab_size, embedding_dims, input_length=max_sequence)(inputs)

model = Model([inputs], [outputs])
model.compile(optimizer='sgd', loss='mse')

print(model.predict(np.array([[0, 1, 1, 1, 2]])).shape)
