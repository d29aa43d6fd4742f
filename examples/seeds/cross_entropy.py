"""Sparse categorical cross entropy computed with backend variables."""
import numpy as np
import keras
from keras import backend as K
from keras.losses import sparse_categorical_crossentropy

nb_classes = 5
y_true = K.variable(value=np.array([1]), dtype='float32')
y_pred = K.variable(value=np.array([[0.01, 0.01, 0.96, 0.01, 0.01]]), dtype='float32')
loss_fn = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)

loss = K.eval(loss_fn)
print('cross entropy loss:', loss[0])
