import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlfp.train import loop
from dlfp.train.fit import fit
from dlfp.train.loop import accuracy, evaluate, train_one_epoch
from tests.unit.bad_input import NAN, line_loader, sgd


def line_data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, generator=g)
    return TensorDataset(x, 3 * x - 1 + 0.01 * torch.randn(n, 1, generator=g))


def test_train_one_epoch_equals_the_hand_written_loop():
    data = line_data()
    torch.manual_seed(0)
    ours = nn.Linear(1, 1)
    reference = nn.Linear(1, 1)
    reference.load_state_dict(ours.state_dict())
    opt_ours = torch.optim.SGD(ours.parameters(), lr=0.1)
    opt_ref = torch.optim.SGD(reference.parameters(), lr=0.1)
    mean_loss = train_one_epoch(ours, DataLoader(data, batch_size=8), nn.MSELoss(), opt_ours)
    losses = []
    for x, y in DataLoader(data, batch_size=8):
        opt_ref.zero_grad()
        loss = nn.functional.mse_loss(reference(x), y)
        loss.backward()
        opt_ref.step()
        losses.append(loss.item())
    for p, q in zip(ours.parameters(), reference.parameters()):
        torch.testing.assert_close(p, q)
    assert mean_loss == pytest.approx(sum(losses) / len(losses))


def test_accumulation_equals_the_large_batch():
    data = line_data(n=16)
    torch.manual_seed(0)
    small = nn.Linear(1, 1)
    large = nn.Linear(1, 1)
    large.load_state_dict(small.state_dict())
    train_one_epoch(
        small,
        DataLoader(data, batch_size=4),
        nn.MSELoss(),
        torch.optim.SGD(small.parameters(), lr=0.1),
        accumulation_steps=4,
    )
    train_one_epoch(large, DataLoader(data, batch_size=16), nn.MSELoss(), torch.optim.SGD(large.parameters(), lr=0.1))
    for p, q in zip(small.parameters(), large.parameters()):
        torch.testing.assert_close(p, q)


def test_evaluate_is_a_sample_mean_and_restores_mode():
    data = line_data(n=10)
    model = nn.Sequential(nn.Linear(1, 1), nn.Dropout(0.5))
    model.train()
    result = evaluate(model, DataLoader(data, batch_size=4), nn.MSELoss())  # batches 4, 4, 2
    model.eval()
    x, y = data.tensors
    expected = nn.functional.mse_loss(model(x), y).item()
    assert result["loss"] == pytest.approx(expected)
    model.train()
    evaluate(model, DataLoader(data, batch_size=4), nn.MSELoss())
    assert model.training


def test_step_bound():
    model = nn.Linear(1, 1)
    loader = DataLoader(line_data(), batch_size=8)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    seen = []
    train_one_epoch(model, loader, lambda out, y: seen.append(1) or nn.functional.mse_loss(out, y), opt, max_steps=3)
    assert len(seen) == 3


def test_train_validates_and_detects_divergence():
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        train_one_epoch(lambda x: x, [], nn.MSELoss(), opt)
    with pytest.raises(ValueError, match="accumulation_steps"):
        train_one_epoch(model, [], nn.MSELoss(), opt, accumulation_steps=0)
    bad = [(torch.ones(2, 1), torch.tensor([[float("inf")], [0.0]]))]
    with pytest.raises(FloatingPointError, match="loss became inf"):
        train_one_epoch(model, bad, nn.MSELoss(), opt)


def test_accuracy():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1])).item() == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="targets must have shape"):
        accuracy(logits, torch.tensor([0, 1]))


def test_evaluate_step_bound():
    loader = DataLoader(line_data(n=64), batch_size=8)
    model = nn.Linear(1, 1)
    seen = []
    result = evaluate(model, loader, lambda out, y: seen.append(1) or nn.functional.mse_loss(out, y), max_steps=2)
    first_two = torch.cat([model(x) - y for x, y in list(loader)[:2]])
    assert len(seen) == 2 and result["loss"] == pytest.approx(float(first_two.pow(2).mean()))


def test_nan_batches_are_refused_with_their_index():
    model = nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    good = (torch.ones(2, 1), torch.zeros(2, 1))
    bad = (torch.tensor([[1.0], [float("nan")]]), torch.zeros(2, 1))
    with pytest.raises(ValueError, match=r"batch 1 inputs must not contain NaN, got 1 NaN entry"):
        train_one_epoch(model, [good, bad], nn.MSELoss(), opt)
    with pytest.raises(ValueError, match=r"batch 0 targets must not contain NaN"):
        evaluate(model, [(torch.ones(2, 1), torch.full((2, 1), float("nan")))], nn.MSELoss())
    with pytest.raises(TypeError, match=r"each batch must be a pair \(inputs, targets\)"):
        train_one_epoch(model, [torch.ones(2, 1)], nn.MSELoss(), opt)


# ------------------------------------------------------------ degenerate inputs: refused before the first step


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


def _unchanged(model, before):
    return all(torch.equal(p, q) for p, q in zip(model.parameters(), before))


def test_an_exhausted_iterator_is_named_as_such():
    model = nn.Linear(1, 1)
    it = iter(list(DataLoader(line_data(), batch_size=8)))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    train_one_epoch(model, it, nn.MSELoss(), opt)
    with pytest.raises(
        ValueError, match=r"loader must yield at least one batch, got none \(it is a one-shot list_iterator"
    ):
        train_one_epoch(model, it, nn.MSELoss(), opt)
    with pytest.raises(ValueError, match=r"loader must yield at least one sample, got none \(it is a one-shot"):
        evaluate(model, it, nn.MSELoss())
    with pytest.raises(ValueError, match=r"loader must yield at least one batch, got none$"):
        train_one_epoch(model, [], nn.MSELoss(), opt)


@pytest.mark.parametrize("which", ["train_one_epoch", "evaluate", "fit"])
def test_empty_batches_are_refused_with_their_index(which):
    model = nn.Linear(1, 1)
    before = _weights(model)
    loader = [(torch.zeros(0, 1), torch.zeros(0, 1))]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    call = {
        "train_one_epoch": lambda: train_one_epoch(model, loader, nn.MSELoss(), opt),
        "evaluate": lambda: evaluate(model, loader, nn.MSELoss()),
        "fit": lambda: fit(model, loader, nn.MSELoss(), opt, 1),
    }[which]
    with pytest.raises(ValueError, match=r"batch 0 inputs must hold at least one sample, got shape \(0, 1\)"):
        call()
    assert _unchanged(model, before)


def test_accuracy_refuses_out_of_range_labels_and_empty_input():
    logits = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
    with pytest.raises(ValueError, match=r"targets must be class indices in \[0, 1\] \(logits has 2 classes\), got 2"):
        accuracy(logits, torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"targets must be class indices in \[0, 1\].*got -1"):
        accuracy(logits, torch.tensor([-1, 0]))
    with pytest.raises(ValueError, match=r"logits must hold at least one row and one class, got shape \(0, 2\)"):
        accuracy(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match=r"got shape \(3, 0\)"):
        accuracy(torch.zeros(3, 0), torch.zeros(3, dtype=torch.long))
    assert accuracy(logits, torch.tensor([1, 0])).item() == 1.0


def test_telling_a_one_shot_loader_draws_nothing_from_the_global_generator():
    # starting a DataLoader iterator draws a seed: a check that did so changed fit's shuffles (ch. 7's twin)
    from torch.utils.data import DataLoader, TensorDataset

    from dlfp.train.loop import _is_one_shot

    loader = DataLoader(TensorDataset(torch.zeros(4, 1)), batch_size=2, shuffle=True)
    state = torch.random.get_rng_state()
    assert not _is_one_shot(loader) and _is_one_shot(iter(loader)) is True
    assert not torch.equal(torch.random.get_rng_state(), state)  # iter(loader) above did draw
    state = torch.random.get_rng_state()
    assert not _is_one_shot(loader) and not _is_one_shot([1, 2])
    assert torch.equal(torch.random.get_rng_state(), state)  # asking drew nothing


# Each public object of dlfp.train.loop, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.loop.accuracy": [
        (lambda: loop.accuracy(torch.randn(3, 2), [0, 1, 1]), TypeError, r"targets must be a torch\.Tensor, got list"),
        (
            lambda: loop.accuracy(torch.randn(3, 2), torch.tensor([0, 1])),
            ValueError,
            r"targets must have shape \(3,\)",
        ),
        (
            lambda: loop.accuracy(torch.randn(2, 2), torch.tensor([0, 5])),
            ValueError,
            r"targets must be class indices in \[0, 1\] \(logits has 2 classes\), got 5",
        ),
        (
            lambda: loop.accuracy(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one row",
        ),
    ],
    "dlfp.train.loop.train_one_epoch": [
        (
            lambda: loop.train_one_epoch(
                nn.Linear(1, 1), [(torch.zeros(0, 1), torch.zeros(0, 1))], nn.MSELoss(), sgd(nn.Linear(1, 1))
            ),
            ValueError,
            r"batch 0 inputs must hold at least one sample, got shape \(0, 1\)",
        ),
        (
            lambda: loop.train_one_epoch(nn.Linear(1, 1), [], nn.MSELoss(), sgd(nn.Linear(1, 1)), accumulation_steps=0),
            ValueError,
            r"accumulation_steps must be a positive int, got 0",
        ),
        (
            lambda: loop.train_one_epoch(nn.Linear(1, 1), line_loader(), nn.MSELoss(), "adam"),
            TypeError,
            r"optimizer must be a torch\.optim\.Optimizer",
        ),
        (
            lambda: loop.train_one_epoch(
                nn.Linear(1, 1), [(torch.full((2, 1), NAN), torch.zeros(2, 1))], nn.MSELoss(), sgd(nn.Linear(1, 1))
            ),
            ValueError,
            r"batch 0 inputs must not contain NaN",
        ),
    ],
    "dlfp.train.loop.evaluate": [
        (
            lambda: loop.evaluate(nn.Linear(1, 1), 3, nn.MSELoss()),
            TypeError,
            r"loader must be iterable \(e\.g\. a DataLoader\)",
        ),
        (
            lambda: loop.evaluate(nn.Linear(1, 1), line_loader(), nn.MSELoss(), max_steps=0),
            ValueError,
            r"max_steps must be a positive int or None",
        ),
    ],
}
