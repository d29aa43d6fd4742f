"""Lambda layers that take a row, a column, and double the input."""
import numpy as np
from keras.layers import Input, Lambda
from keras.models import Model

inputs = Input(shape=(4, 4), dtype='float32')
first_row = Lambda(lambda x: x[:, 0, :])(inputs)
first_column = Lambda(lambda x: x[:, :, 0])(inputs)
doubled = Lambda(lambda x: x * 2.0)(inputs)

model = Model(inputs=inputs, outputs=[first_row, first_column, doubled])
model.compile(optimizer='sgd', loss='mse')

x = np.array([
    [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        [3, 3, 3, 3],
        [4, 4, 4, 4],
    ]
], dtype=np.float32)

x, y, z = model.predict(x)
print(x)
print(y)
print(z)
