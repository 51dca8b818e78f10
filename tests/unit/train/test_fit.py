import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from dlfp.train.fit import fit
from dlfp.train.loop import accuracy, evaluate
from tests.unit.bad_input import line_loader, sgd
from tests.unit.train.test_loop import _unchanged, _weights, line_data


def test_fit_learns_the_line_and_records_history():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    loader = DataLoader(line_data(), batch_size=16, shuffle=True)
    history = fit(model, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), 30, val_loader=loader)
    assert history.epochs == 30 and history.stopped == "completed"
    assert history.val_loss[-1] < 1e-3
    torch.testing.assert_close(model.weight.detach(), torch.tensor([[3.0]]), atol=0.02, rtol=0)


def test_early_stopping_restores_the_best_weights():
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    train = DataLoader(line_data(seed=1), batch_size=8)
    val = DataLoader(line_data(seed=2), batch_size=8)
    history = fit(
        model,
        train,
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=0.5),
        200,
        val_loader=val,
        patience=3,
    )  # lr 0.5 is large enough to oscillate, so the loss stops improving
    assert history.stopped.startswith("early stopping")
    assert evaluate(model, val, nn.MSELoss())["loss"] == pytest.approx(min(history.val_loss))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive int"),
        ({"epochs": 2, "patience": 2}, ValueError, "needs a val_loader"),
        ({"epochs": 1, "restore_best": "no"}, TypeError, r"restore_best must be a bool, got 'no'"),
        ({"epochs": True}, TypeError, r"epochs must be a positive int, got True \(bool\)"),
        ({"epochs": 1, "max_steps_per_epoch": 0}, ValueError, r"max_steps_per_epoch must be a positive int"),
        ({"epochs": 1, "clip_grad_norm": float("nan")}, ValueError, r"clip_grad_norm must be a finite number"),
        ({"epochs": 1, "accumulation_steps": 0}, ValueError, r"accumulation_steps must be a positive int"),
    ],
)
def test_fit_validates(kwargs, error, match):
    model = nn.Linear(1, 1)
    with pytest.raises(error, match=match):
        fit(model, DataLoader(line_data()), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_seeded_training_is_identical_run_to_run():
    from dlfp.book.env import seed_everything

    def run():
        seed_everything(7)
        model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 1))
        loader = DataLoader(line_data(), batch_size=8, shuffle=True)
        history = fit(model, loader, nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=1e-2), 3)
        return history.train_loss, [p.detach().clone() for p in model.parameters()]

    (loss_a, params_a), (loss_b, params_b) = run(), run()
    assert loss_a == loss_b
    for a, b in zip(params_a, params_b):
        assert torch.equal(a, b)


def test_fit_step_bound_per_epoch():
    loader = DataLoader(line_data(n=64), batch_size=8)  # 8 batches per epoch
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    seen = []
    counting = lambda out, y: seen.append(1) or nn.functional.mse_loss(out, y)  # noqa: E731
    history = fit(model, loader, counting, opt, 3, max_steps_per_epoch=2)
    assert len(seen) == 6 and history.epochs == 3 and history.stopped == "completed"


@pytest.mark.parametrize(
    ("metrics", "error", "match"),
    [
        ({"acc": 1}, TypeError, r"metrics\['acc'\] must be callable, got 1 \(int\)"),
        ([accuracy], TypeError, r"metrics must be a dict of name -> metric function, or None, got list"),
    ],
)
def test_fit_refuses_bad_metrics_before_any_training_step(metrics, error, match):
    model = nn.Linear(1, 1)
    before = _weights(model)
    loader = DataLoader(line_data(), batch_size=8)
    with pytest.raises(error, match=match):
        fit(
            model,
            loader,
            nn.MSELoss(),
            torch.optim.SGD(model.parameters(), lr=0.1),
            2,
            val_loader=loader,
            metrics=metrics,
        )
    assert _unchanged(model, before)


def test_fit_refuses_a_one_shot_iterator_for_several_epochs():
    model = nn.Linear(1, 1)
    before = _weights(model)
    batches = list(DataLoader(line_data(), batch_size=8))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"train_loader must be re-iterable.*epochs=2, got a one-shot list_iterator"):
        fit(model, iter(batches), nn.MSELoss(), opt, 2)
    with pytest.raises(TypeError, match=r"val_loader must be re-iterable.*got a one-shot generator"):
        fit(model, batches, nn.MSELoss(), opt, 3, val_loader=(b for b in batches))
    assert _unchanged(model, before)
    assert fit(model, iter(batches), nn.MSELoss(), opt, 1).epochs == 1  # one epoch needs one pass: fine
    assert fit(model, batches, nn.MSELoss(), opt, 2).epochs == 2  # a list is re-iterable


# Each public object of dlfp.train.fit, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.fit.fit": [
        (
            lambda: fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 1, metrics={"acc": 1}),
            TypeError,
            r"metrics\['acc'\] must be callable, got 1 \(int\)",
        ),
        (
            lambda: fit(nn.Linear(1, 1), iter(line_loader()), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2),
            TypeError,
            r"train_loader must be re-iterable \(a DataLoader, list or dataset\) to train for epochs=2",
        ),
        (
            lambda: fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 0),
            ValueError,
            r"epochs must be a positive int, got 0",
        ),
        (
            lambda: fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2, patience=2),
            ValueError,
            r"patience \(early stopping\) needs a val_loader",
        ),
        (
            lambda: fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2, max_steps_per_epoch=0),
            ValueError,
            r"max_steps_per_epoch must be a positive int or None, got 0",
        ),
    ],
}
