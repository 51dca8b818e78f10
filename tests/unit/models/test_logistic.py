import pytest
import torch
import torch.nn.functional as F

from dlfp.data.synthetic import two_blobs
from dlfp.models import logistic
from dlfp.models.logistic import binary_cross_entropy, logistic_gradients, sigmoid, train_logistic_regression
from tests.unit.bad_input import F64, NAN, logistic_model


def blobs(seed=0, n=100):
    x, y = two_blobs(n, seed=seed)
    return x, y.float()[:, None]


def test_sigmoid_matches_torch():
    z = torch.linspace(-20, 20, 81)
    torch.testing.assert_close(sigmoid(z), torch.sigmoid(z))


def test_bce_matches_torch():
    g = torch.Generator().manual_seed(0)
    p = torch.rand(50, 1, generator=g) * 0.98 + 0.01
    y = (torch.rand(50, 1, generator=g) > 0.5).float()
    torch.testing.assert_close(binary_cross_entropy(p, y), F.binary_cross_entropy(p, y))


def test_bce_is_finite_for_saturated_probabilities():
    p = sigmoid(torch.tensor([[30.0]]))
    assert p.item() == 1.0
    assert torch.isfinite(binary_cross_entropy(p, torch.zeros(1, 1)))


def test_hand_gradient_matches_autograd():
    X, y = blobs()
    X, y = X.double(), y.double()
    W = torch.randn(2, 1, dtype=torch.float64, requires_grad=True)
    b = torch.randn(1, dtype=torch.float64, requires_grad=True)
    binary_cross_entropy(sigmoid(X @ W + b), y).backward()
    gW, gb = logistic_gradients(X, y, W, b)
    torch.testing.assert_close(gW, W.grad)
    torch.testing.assert_close(gb, b.grad)


@pytest.mark.parametrize("hand", [False, True])
def test_training_separates_held_out_blobs(hand):
    X, y = blobs(seed=0)
    Xt, yt = blobs(seed=1, n=500)
    model = train_logistic_regression(
        X, y, lr=0.5, steps=100, hand_gradient=hand, generator=torch.Generator().manual_seed(0)
    )
    assert model.losses[-1] < model.losses[0] / 5
    assert model.accuracy(Xt, yt) > 0.95
    assert model.W.is_leaf and model.W.requires_grad and model.W.grad is None


def test_hand_and_autograd_training_agree():
    X, y = blobs()
    a = train_logistic_regression(X, y, steps=20, generator=torch.Generator().manual_seed(0))
    b = train_logistic_regression(X, y, steps=20, hand_gradient=True, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(a.W, b.W)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: sigmoid(torch.arange(3)), TypeError, "floating-point"),
        (lambda: binary_cross_entropy(torch.rand(4, 1), torch.ones(4)), ValueError, "same shape"),
        (lambda: train_logistic_regression(torch.randn(4, 2), torch.ones(4)), ValueError, r"\(N, 1\)"),
        (lambda: train_logistic_regression(torch.randn(4, 2), torch.ones(4, 1), lr=0), ValueError, "lr"),
        (
            lambda: logistic_gradients(torch.randn(4, 2), torch.ones(4, 1), torch.zeros(3, 1), torch.zeros(1)),
            ValueError,
            "W must",
        ),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_training_takes_steps_updates_and_refuses_other_labels():
    X, y = blobs()
    model = train_logistic_regression(X, y, steps=7)
    assert len(model.losses) == 7
    with pytest.raises(ValueError, match="y must hold labels 0 or 1"):
        train_logistic_regression(X, 2 * y)


@pytest.mark.parametrize(
    ("p", "y", "error", "match"),
    [
        (torch.rand(3), torch.ones(3, dtype=torch.float64), TypeError, r"p and y must have the same dtype"),
        (
            torch.rand(3),
            torch.ones(3, device="meta"),
            ValueError,
            r"p and y must be on the same device, got p on cpu, y on meta",
        ),
        (torch.rand(0), torch.ones(0), ValueError, r"p must hold at least one probability"),
    ],
)
def test_binary_cross_entropy_refuses_mixed_and_empty_inputs(p, y, error, match):
    with pytest.raises(error, match=match):
        binary_cross_entropy(p, y)


# Each public object of dlfp.models.logistic, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.logistic.sigmoid": [
        (lambda: logistic.sigmoid(torch.arange(3)), TypeError, r"z must be a floating-point tensor"),
    ],
    "dlfp.models.logistic.binary_cross_entropy": [
        (
            lambda: logistic.binary_cross_entropy(torch.rand(3), torch.ones(3, dtype=F64)),
            TypeError,
            r"p and y must have the same dtype",
        ),
        (
            lambda: logistic.binary_cross_entropy(torch.rand(4, 1), torch.ones(4)),
            ValueError,
            r"p and y must have the same shape, got \(4, 1\) and \(4,\)",
        ),
        (
            lambda: logistic.binary_cross_entropy(torch.full((2, 1), NAN), torch.ones(2, 1)),
            ValueError,
            r"p must be finite",
        ),
    ],
    "dlfp.models.logistic.logistic_gradients": [
        (
            lambda: logistic.logistic_gradients(torch.randn(4, 2), torch.ones(4, 1), torch.zeros(3, 1), torch.zeros(1)),
            ValueError,
            r"W must have shape \(2, 1\)",
        ),
    ],
    "dlfp.models.logistic.LogisticRegression": [
        (
            lambda: logistic_model().predict_proba(torch.randn(4, 3)),
            ValueError,
            r"X must have shape \(N, 2\), got \(4, 3\)",
        ),
        (
            lambda: logistic_model().accuracy(torch.randn(4, 2), torch.ones(4)),
            ValueError,
            r"y must have shape \(4, 1\)",
        ),
    ],
    "dlfp.models.logistic.train_logistic_regression": [
        (
            lambda: logistic.train_logistic_regression(torch.randn(4, 2), torch.ones(4)),
            ValueError,
            r"y must have shape \(4, 1\) = \(N, 1\) to match the logits",
        ),
        (
            lambda: logistic.train_logistic_regression(torch.full((4, 2), NAN), torch.ones(4, 1)),
            ValueError,
            r"X must be finite",
        ),
        (
            lambda: logistic.train_logistic_regression(torch.randn(4, 2), torch.ones(4, 1), lr=0),
            ValueError,
            r"lr must be positive",
        ),
    ],
}
