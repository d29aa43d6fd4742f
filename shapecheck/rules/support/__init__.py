"""Facts and helpers the rule checks share (Keras 3 name lists, loss kinds, model walking)."""
