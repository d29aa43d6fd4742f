"""Real-Keras oracle: generates the expected JSON the fixture tests compare with."""
