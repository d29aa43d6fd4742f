"""Regularization layers beyond Dropout: SpatialDropout, GaussianNoise, GaussianDropout,
AlphaDropout, ActivityRegularization.  (Dropout itself lives in core/.)"""
from . import activity_regularization, alpha_dropout, gaussian_dropout, gaussian_noise, spatial_dropout  # noqa: F401
