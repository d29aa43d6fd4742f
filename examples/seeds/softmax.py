"""Softmax as an Activation layer on four logits."""
import numpy as np
from keras.layers import Input, Activation
from keras.models import Model

nb_classes = 4
inputs = Input(shape=(nb_classes,), dtype='float32')
softmax = Activation('softmax')(inputs)
model = Model(inputs=inputs, outputs=softmax)
model.compile(optimizer='sgd', loss='mse')

logits = np.array([[8.0, 2.0, 9.0, 3.0]])
probs = model.predict(logits)

for i, prob in enumerate(probs[0]):
    print('Probability for label %d: %f' % (i, prob))
print('Predicted label:', np.argmax(probs))
