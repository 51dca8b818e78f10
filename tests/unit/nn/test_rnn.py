import pytest
import torch
from torch import nn

from dlfp.models.recurrent import LSTMForecaster
from dlfp.nn import rnn
from dlfp.nn.rnn import MyLSTMCell, MyRNNCell


def test_my_rnn_cell_matches_nn_rnncell_over_a_sequence():
    torch.manual_seed(0)
    ref = nn.RNNCell(5, 8)
    mine = MyRNNCell(5, 8).load_from_torch(ref)
    seq = torch.randn(10, 1, 5)
    h_ref = h_mine = torch.zeros(1, 8)
    for x in seq:
        h_ref, h_mine = ref(x, h_ref), mine(x, h_mine)
        torch.testing.assert_close(h_mine, h_ref, atol=1e-6, rtol=0)


def test_my_lstm_cell_matches_nn_lstmcell():
    torch.manual_seed(1)
    ref = nn.LSTMCell(3, 7)
    mine = MyLSTMCell(3, 7).load_from_torch(ref)
    assert mine.linear.weight.shape == (28, 10)
    state_ref = state_mine = (torch.randn(4, 7), torch.randn(4, 7))
    for _ in range(6):
        x = torch.randn(4, 3)
        state_ref, state_mine = ref(x, state_ref), mine(x, state_mine)
        for a, b in zip(state_mine, state_ref):
            torch.testing.assert_close(a, b, atol=1e-6, rtol=0)


def test_my_lstm_cell_default_state_is_zero():
    torch.manual_seed(2)
    ref = nn.LSTMCell(3, 4)
    mine = MyLSTMCell(3, 4).load_from_torch(ref)
    x = torch.randn(5, 3)
    for a, b in zip(mine(x), ref(x)):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: MyRNNCell(5, 8)(torch.randn(2, 4)), ValueError, r"x must have shape \(N, 5\)"),
        (lambda: MyRNNCell(0, 8), ValueError, "input_size"),
        (lambda: MyRNNCell(5, 8).load_from_torch(nn.RNNCell(5, 9)), ValueError, "sizes"),
        (lambda: MyLSTMCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 4)), TypeError, "tuple"),
        (lambda: MyLSTMCell(3, 4)(torch.ones(2, 3, dtype=torch.long)), TypeError, "floating"),
        (lambda: MyLSTMCell(3, 4).load_from_torch(nn.RNNCell(3, 4)), TypeError, "LSTMCell"),
        (lambda: LSTMForecaster()(torch.randn(3, 50)), ValueError, r"\(batch, time, 1\)"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("bias", [True, False])
def test_cells_load_from_torch_with_and_without_bias(bias):
    torch.manual_seed(0)
    x, h = torch.randn(3, 2), torch.randn(3, 4)
    rnn_ref, lstm_ref = nn.RNNCell(2, 4, bias=bias), nn.LSTMCell(2, 4, bias=bias)
    torch.testing.assert_close(MyRNNCell(2, 4).load_from_torch(rnn_ref)(x, h), rnn_ref(x, h))
    c = torch.randn(3, 4)
    for ours, ref in zip(MyLSTMCell(2, 4).load_from_torch(lstm_ref)(x, (h, c)), lstm_ref(x, (h, c))):
        torch.testing.assert_close(ours, ref)


def test_a_relu_rnn_cell_is_not_copied_into_a_tanh_cell():
    with pytest.raises(ValueError, match=r"cell must use nonlinearity='tanh' as this cell does, got 'relu'"):
        MyRNNCell(2, 4).load_from_torch(nn.RNNCell(2, 4, nonlinearity="relu"))


# Each public object of dlfp.nn.rnn, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.rnn.MyRNNCell": [
        (
            lambda: rnn.MyRNNCell(2, 4).load_from_torch(nn.RNNCell(2, 4, nonlinearity="relu")),
            ValueError,
            r"cell must use nonlinearity='tanh'",
        ),
        (lambda: rnn.MyRNNCell(0, 8), ValueError, r"input_size must be a positive int, got 0"),
        (lambda: rnn.MyRNNCell(5, 8)(torch.randn(2, 4)), ValueError, r"x must have shape \(N, 5\), got \(2, 4\)"),
        (
            lambda: rnn.MyRNNCell(5, 8)(torch.randn(2, 5), torch.randn(3, 8)),
            ValueError,
            r"h_prev must have shape \(N, 8\) with N = 2 \(from x\), got \(3, 8\)",
        ),
    ],
    "dlfp.nn.rnn.MyLSTMCell": [
        (lambda: rnn.MyLSTMCell(3, 0), ValueError, r"hidden_size must be a positive int, got 0"),
        (
            lambda: rnn.MyLSTMCell(3, 4)(torch.ones(2, 3, dtype=torch.long)),
            TypeError,
            r"x must be a floating-point tensor",
        ),
        (
            lambda: rnn.MyLSTMCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 4)),
            TypeError,
            r"state must be a tuple \(h, c\)",
        ),
    ],
}
