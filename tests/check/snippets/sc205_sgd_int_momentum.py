# expect: SC205
import numpy as np
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
sgd = keras.optimizers.SGD(learning_rate=0.1, momentum=0)
model.compile(optimizer=sgd, loss="mse")
