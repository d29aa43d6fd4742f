"""The 784 -> 32 -> 10 -> 1 sigmoid stack: 25,461 parameters."""
import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.optimizers import SGD

model = Sequential()
model.add(Dense(32, input_dim=784, activation='sigmoid'))
model.add(Dense(10, activation='sigmoid'))
model.add(Dense(1, activation='sigmoid'))
model.summary()

customized_optimizer = SGD(learning_rate=0.001)
model.compile(loss='binary_crossentropy', optimizer='sgd', metrics=['accuracy'])
model.compile(loss='binary_crossentropy', optimizer=customized_optimizer, metrics=['accuracy'])
