"""A small ResNet-style network whose residual block is built in a helper function."""
import keras
from keras import layers


def residual_block(x, filters, kernel_size=3):
    shortcut = x
    y = layers.Conv2D(filters, kernel_size, padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, kernel_size, padding="same")(y)
    y = layers.BatchNormalization()(y)
    y = layers.add([shortcut, y])
    return layers.Activation("relu")(y)


def build_resnet(input_shape=(32, 32, 3), num_classes=10, blocks=2):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    for _ in range(blocks):
        x = residual_block(x, 32)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="small_resnet")


model = build_resnet()
