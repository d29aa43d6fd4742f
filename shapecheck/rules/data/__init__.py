"""SC3xx: data given to fit/evaluate/predict."""
