"""A 100 -> 64 -> 10 softmax classifier trained on random data for 10 epochs."""
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Activation
from keras.utils import to_categorical

model = Sequential()
model.add(Dense(units=64, input_dim=100))
model.add(Activation('relu'))
model.add(Dense(units=10))
model.add(Activation('softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='sgd',
              metrics=['accuracy'])

data = np.random.random((1000, 100))
labels = np.random.randint(2, size=(1000, 1))
one_hot_labels = to_categorical(labels, num_classes=10)

history = model.fit(data, one_hot_labels, epochs=10, batch_size=32)
print(history)
