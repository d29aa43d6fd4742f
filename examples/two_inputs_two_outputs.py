"""A ticket classifier: title and body text in, priority and department out."""
import keras
from keras import layers

num_words = 1000
num_departments = 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")

title_features = layers.Embedding(num_words, 64)(title_input)
body_features = layers.Embedding(num_words, 64)(body_input)
title_features = layers.LSTM(128)(title_features)
body_features = layers.LSTM(32)(body_features)

x = layers.concatenate([title_features, body_features])
priority = layers.Dense(1, activation="sigmoid", name="priority")(x)
department = layers.Dense(num_departments, activation="softmax", name="department")(x)

model = keras.Model(
    inputs=[title_input, body_input],
    outputs=[priority, department],
)
model.compile(
    optimizer=keras.optimizers.RMSprop(1e-3),
    loss=["binary_crossentropy", "categorical_crossentropy"],
    loss_weights=[1.0, 0.2],
)
