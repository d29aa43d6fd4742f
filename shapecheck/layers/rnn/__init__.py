"""Recurrent layers and their wrappers: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, Bidirectional, TimeDistributed."""
from . import bidirectional, conv_lstm, gru, lstm, simple_rnn, time_distributed  # noqa: F401
