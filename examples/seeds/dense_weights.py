"""A single Dense layer with weights given in the constructor (Keras 2 style)."""
import numpy as np
from keras.layers import Input, Dense
from keras.models import Model

W = np.array([
    [1, 2, 3, 4, 5],
    [1, 2, 3, 4, 5]])
b = np.array([0, 0, 0, 0, 0])
weights_and_bias = (W, b)

inputs = Input(shape=(2,))
outputs = Dense(5, activation='linear', weights=weights_and_bias)(inputs)
model = Model(inputs=inputs, outputs=outputs)
model.compile(optimizer='sgd', loss='mse')

print('Input shape', model.input.shape)
print('Output shape', model.output.shape)

x = np.array([1, 2])
print('Output:', model.predict(np.expand_dims(x, 0)))

np_result = np.dot(x, W) + b
print('Numpy result:', np_result)
