"""Recurrent layers and wrappers: SimpleRNN, LSTM, GRU, their cells, RNN, ConvLSTM1D/2D/3D, Bidirectional, TimeDistributed."""
from . import bidirectional, cells, conv_lstm, gru, lstm, rnn, simple_rnn, time_distributed  # noqa: F401
