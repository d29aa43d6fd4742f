"""Concatenate, Average and Add over the rows of a 4x4 input.

The course notebook used `win_size` without defining it (an earlier cell of
the author's session held it): it is 4 here, the number of rows.  Each Lambda
reads the loop variable `i` when it runs, not when it is made, so under
Keras 3 every "row" is the last one at predict time; `shapecheck check`
explains this (SC514) and `shapecheck run` shows it.
"""
import numpy as np
from keras.layers import Input, Concatenate, Lambda, Average, Add
from keras.models import Model

win_size = 4
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
