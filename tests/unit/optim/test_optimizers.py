import pytest
import torch
from torch import nn

from dlfp.optim import optimizers
from tests.unit.bad_input import nn_params


def make_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))


CASES = [
    (optimizers.SGD, torch.optim.SGD, dict(lr=0.05)),
    (optimizers.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    (optimizers.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.1)),
    (optimizers.Adam, torch.optim.Adam, dict(lr=0.01)),
    (optimizers.Adam, torch.optim.Adam, dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.99))),
    (optimizers.AdamW, torch.optim.AdamW, dict(lr=0.01)),
    (optimizers.AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.5, eps=1e-6)),
]


@pytest.mark.parametrize("ours_cls, ref_cls, kwargs", CASES)
def test_equal_to_torch_optim_step_by_step(ours_cls, ref_cls, kwargs):
    ours, ref = make_model(), make_model()
    opt_ours, opt_ref = ours_cls(ours.parameters(), **kwargs), ref_cls(ref.parameters(), **kwargs)
    g = torch.Generator().manual_seed(1)
    for _ in range(25):
        x, y = torch.randn(16, 5, generator=g), torch.randn(16, 1, generator=g)
        for model, opt in ((ours, opt_ours), (ref, opt_ref)):
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        for p, q in zip(ours.parameters(), ref.parameters()):
            torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_works_with_a_scheduler_and_a_closure():
    model = make_model()
    opt = optimizers.AdamW(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    x = torch.randn(4, 5)
    loss = opt.step(lambda: model(x).pow(2).mean())
    loss.backward()
    sched.step()
    assert opt.param_groups[0]["lr"] < 0.1


def test_sgd_on_a_quadratic_is_geometric():
    # L = w^2: w_t = (1 - 2 eta)^t w_0
    w = nn.Parameter(torch.tensor([5.0]))
    opt = optimizers.SGD([w], lr=0.1)
    for _ in range(20):
        opt.zero_grad()
        (w**2).sum().backward()
        opt.step()
    torch.testing.assert_close(w.detach(), torch.tensor([5.0 * 0.8**20]))


def test_adamw_decay_is_decoupled():
    # with zero gradient AdamW shrinks by (1 - lr wd) per step; Adam with L2 moves by ~lr (sign step)
    w1, w2 = nn.Parameter(torch.tensor([2.0])), nn.Parameter(torch.tensor([2.0]))
    a, b = optimizers.AdamW([w1], lr=0.01, weight_decay=0.1), optimizers.Adam([w2], lr=0.01, weight_decay=0.1)
    for _ in range(10):
        w1.grad, w2.grad = torch.zeros(1), torch.zeros(1)
        a.step()
        b.step()
    torch.testing.assert_close(w1.detach(), torch.tensor([2.0 * (1 - 0.001) ** 10]))
    torch.testing.assert_close(w2.detach(), torch.tensor([2.0 - 10 * 0.01]), atol=1e-3, rtol=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: optimizers.SGD(make_model().parameters(), lr=0.0), "lr must be"),
        (lambda: optimizers.SGD(make_model().parameters(), lr=0.1, momentum=1.0), "momentum must be"),
        (lambda: optimizers.Adam(make_model().parameters(), weight_decay=-1.0), "weight_decay must be"),
        (
            lambda: optimizers.Adam(make_model().parameters(), betas=(0.9, 1.0)),
            r"betas\[1\] must be in \[0, 1\), got 1\.0",
        ),
        (
            lambda: optimizers.Adam(make_model().parameters(), betas=("a", 0.9)),
            r"betas\[0\] must be a real number, got 'a'",
        ),
        (
            lambda: optimizers.Adam(make_model().parameters(), betas=(False, 0.9)),
            r"betas\[0\] must be a real number, got False",
        ),
        (lambda: optimizers.Adam(make_model().parameters(), betas=(0.9,)), r"betas must be two numbers in \[0, 1\)"),
        (lambda: optimizers.AdamW(make_model().parameters(), betas=0.9), r"betas must be a pair \(beta1, beta2\)"),
        (lambda: optimizers.AdamW(make_model().parameters(), eps=0.0), "eps must be"),
    ],
)
def test_validation(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


@pytest.mark.parametrize(
    ("ours_cls", "ref_cls", "kwargs"),
    [
        (optimizers.Adam, torch.optim.Adam, dict(lr=0.05)),
        (optimizers.Adam, torch.optim.Adam, dict(lr=0.05, weight_decay=0.1)),
        (optimizers.AdamW, torch.optim.AdamW, dict(lr=0.05, weight_decay=0.3)),
        (optimizers.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.1)),
    ],
)
def test_complex_parameters_match_torch_optim_step_by_step(ours_cls, ref_cls, kwargs):
    """torch.optim treats a complex entry as two real ones; so must we (g^2 is not |g|^2 nor g*g)."""
    g = torch.Generator().manual_seed(2)
    start = torch.randn(6, dtype=torch.complex64, generator=g)
    target = torch.randn(6, dtype=torch.complex64, generator=g)
    ours, ref = nn.Parameter(start.clone()), nn.Parameter(start.clone())
    opt_ours, opt_ref = ours_cls([ours], **kwargs), ref_cls([ref], **kwargs)
    for _ in range(10):
        for w, opt in ((ours, opt_ours), (ref, opt_ref)):
            opt.zero_grad()
            ((w - target).abs() ** 2).sum().backward()
            opt.step()
        torch.testing.assert_close(ours, ref, rtol=1e-6, atol=1e-7)
    assert not torch.allclose(ours, start)  # it moved


# Each public object of dlfp.optim.optimizers, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.optim.optimizers.SGD": [
        (lambda: optimizers.SGD(nn_params(), lr=0.0), ValueError, r"lr must be positive, got 0\.0"),
        (
            lambda: optimizers.SGD(nn_params(), lr=0.1, momentum=1.0),
            ValueError,
            r"momentum must be in \[0, 1\), got 1\.0",
        ),
    ],
    "dlfp.optim.optimizers.Adam": [
        (
            lambda: optimizers.Adam(nn_params(), betas=(0.9, 1.0)),
            ValueError,
            r"betas\[1\] must be in \[0, 1\), got 1\.0",
        ),
        (
            lambda: optimizers.Adam(nn_params(), betas=("a", 0.9)),
            TypeError,
            r"betas\[0\] must be a real number, got 'a'",
        ),
        (
            lambda: optimizers.Adam(nn_params(), betas=(False, 0.9)),
            TypeError,
            r"betas\[0\] must be a real number, got False",
        ),
        (lambda: optimizers.Adam(nn_params(), weight_decay=-1.0), ValueError, r"weight_decay must be non-negative"),
    ],
    "dlfp.optim.optimizers.AdamW": [
        (lambda: optimizers.AdamW(nn_params(), eps=0.0), ValueError, r"eps must be positive"),
    ],
}
