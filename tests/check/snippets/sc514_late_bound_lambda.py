# expect: SC514
import numpy as np
import keras
from keras import layers

inputs = keras.Input(shape=(4, 4))
rows = [layers.Lambda(lambda t: t[:, i, :])(inputs) for i in range(4)]
model = keras.Model(inputs, layers.Concatenate()(rows))
model.predict(np.random.rand(2, 4, 4), verbose=0)
