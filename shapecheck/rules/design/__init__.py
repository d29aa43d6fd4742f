"""SC5xx: design faults Keras accepts silently."""
