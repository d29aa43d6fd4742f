"""Recurrent layers and their wrappers: SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed."""
from . import bidirectional, gru, lstm, simple_rnn, time_distributed  # noqa: F401
