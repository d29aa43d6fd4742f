"""SC1xx: shape and layer faults Keras raises while building a model."""
