"""The course's Sequential recipe with concrete numbers: compile with RMSprop, fit with validation."""
import numpy as np
from keras import models
from keras import layers
from keras import optimizers

x_train = np.random.random((2000, 30))
y_train = np.random.randint(2, size=(2000, 1))
x_val = np.random.random((500, 30))
y_val = np.random.randint(2, size=(500, 1))

model = models.Sequential()
model.add(layers.Dense(10, activation='relu', input_shape=(30,)))
model.add(layers.Dense(4, activation='relu'))
model.add(layers.Dense(1, activation='sigmoid'))

model.compile(optimizer=optimizers.RMSprop(learning_rate=0.001),
              loss='binary_crossentropy',
              metrics=['accuracy'])

history = model.fit(x_train, y_train, epochs=20, batch_size=512, validation_data=(x_val, y_val))
print(sorted(history.history))
y_hat = model.predict(x_val)
print(model.evaluate(x_val, y_val))
