"""SC403 keras2-only: A Keras 2 spelling that Keras 3 refuses."""
from .. import Rule

RULE = Rule(
    code='SC403',
    name='keras2-only',
    severity='error',
    title='A Keras 2 spelling that Keras 3 refuses',
    what='Arguments Keras 2 took and Keras 3 removed: `weights=` on layers, `lr=` on optimizers, and others Keras 3 reports as unrecognized; Keras 2 module paths and names that are gone (`keras.layers.merge`, the Keras 2 backend functions, the lower-case optimizer aliases `from keras.optimizers import adam`, the scikit-learn wrappers `keras.wrappers.scikit_learn`, the `keras.layers.experimental.preprocessing` namespace (also through tf.keras), the Keras 2 preprocessing utilities `keras.preprocessing.image.ImageDataGenerator`, `keras.preprocessing.text.Tokenizer` and `keras.preprocessing.sequence.TimeseriesGenerator`, which only tf.keras still carries as legacy copies); and the Keras 2 file names for saving: `model.save("my_model")` (a SavedModel directory), `model.save_weights("w.h5")`, `ModelCheckpoint("w-{epoch:02d}.hdf5")` (Keras 3 writes models to `.keras`/`.h5` files and weights to `.weights.h5`).',
    why="Keras 3 raises `ValueError: Unrecognized keyword arguments passed to Dense: {'weights': ...}`; an import of a removed name or module raises `ImportError: cannot import name 'adam' from 'keras.optimizers'` / `ModuleNotFoundError: No module named 'keras.wrappers.scikit_learn'`. Code written for Keras 2 stops at that line.",
    example='layers.Dense(4, weights=[kernel, bias])',
    fix='Use the Keras 3 spelling the hint gives (build the layer, then `layer.set_weights([...])`; `keras.optimizers.Adam`; `scikeras.wrappers.KerasClassifier`; `keras.utils.image_dataset_from_directory` with augmentation layers, `layers.TextVectorization`).',
)
