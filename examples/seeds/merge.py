"""Concatenate, Average and Add over the rows of a 4x4 input.

As in the course notebook, `win_size` is never defined (the notebook relied on
an earlier cell); and each Lambda reads the loop variable `i` when it runs, so
under Keras 3 every row is the last one.  `shapecheck check` reports both.
"""
import numpy as np
from keras.layers import Input, Concatenate, Lambda, Average, Add
from keras.models import Model

inputs = Input(shape=(4, 4), dtype='float32')
word_vector_rows = [Lambda(lambda x: x[:, i, :])(inputs) for i in range(win_size)]
concat_out = Concatenate()(word_vector_rows)
avg_out = Average()(word_vector_rows)
sum_out = Add()(word_vector_rows)

model = Model(inputs=inputs, outputs=[concat_out, avg_out, sum_out])
model.compile(optimizer='sgd', loss='mse')

x = np.array([
    [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        [3, 3, 3, 3],
        [4, 4, 4, 4],
    ]
], dtype=np.float32)

print(x.shape)

concat_out_val, avg_out_val, sum_out_val = model.predict(x)
print('concat_out', concat_out_val)
print('avg_out', avg_out_val)
print('sum_out', sum_out_val)
