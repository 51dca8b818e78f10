"""dlfp.checkpoint: atomic save, safe load, exact resume."""

import random
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from torch import nn

from dlfp.checkpoint import (
    CheckpointError,
    load_checkpoint,
    rng_state,
    save_checkpoint,
    set_rng_state,
)


def make_run(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return model, opt, sched


def data():
    g = torch.Generator().manual_seed(123)
    x = torch.randn(64, 4, generator=g)
    return x, (x[:, 0] > 0).long()


def train_epoch(model, opt, sched, x, y):
    """Draws from every generator: torch (shuffle, dropout), NumPy (noise), Python (choice)."""
    model.train()
    losses = []
    order = torch.randperm(len(x))
    scale = random.choice([0.5, 1.0, 2.0])
    for idx in order.split(16):
        noise = torch.from_numpy(np.random.normal(0, 0.01, size=(len(idx), 4)).astype(np.float32))
        loss = nn.functional.cross_entropy(model(x[idx] + scale * noise), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    sched.step()
    return losses


def test_resume_reproduces_uninterrupted_run_bitwise(tmp_path):
    x, y = data()
    k, total = 3, 6
    random.seed(1), np.random.seed(1)
    model, opt, sched = make_run()
    full = [train_epoch(model, opt, sched, x, y) for _ in range(total)]

    random.seed(1), np.random.seed(1)
    model2, opt2, sched2 = make_run()
    first = [train_epoch(model2, opt2, sched2, x, y) for _ in range(k)]
    save_checkpoint(tmp_path / "c.pt", model2, epoch=k, optimizer=opt2, scheduler=sched2)
    # scramble every generator and build a differently initialised run
    random.seed(99), np.random.seed(99)
    model3, opt3, sched3 = make_run(seed=7)
    ckpt = load_checkpoint(tmp_path / "c.pt", model3, optimizer=opt3, scheduler=sched3)
    rest = [train_epoch(model3, opt3, sched3, x, y) for _ in range(ckpt["epoch"], total)]

    assert first + rest == full  # every batch loss, bit for bit
    for a, b in zip(model.state_dict().values(), model3.state_dict().values()):
        assert torch.equal(a, b)
    assert sched3.get_last_lr() == sched.get_last_lr()


def test_without_rng_restore_the_run_diverges(tmp_path):
    x, y = data()
    model, opt, sched = make_run()
    train_epoch(model, opt, sched, x, y)
    save_checkpoint(tmp_path / "c.pt", model, epoch=1, optimizer=opt, scheduler=sched)
    state = rng_state()
    a = train_epoch(model, opt, sched, x, y)
    set_rng_state(state)
    load_checkpoint(tmp_path / "c.pt", model, optimizer=opt, scheduler=sched, restore_rng=False)
    torch.manual_seed(5)
    b = train_epoch(model, opt, sched, x, y)
    assert a != b


def test_rng_state_roundtrip_and_named_generators():
    g = torch.Generator().manual_seed(3)
    state = rng_state({"loader": g})
    before = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    set_rng_state(state, {"loader": g})
    after = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    assert before == after
    with pytest.raises(CheckpointError, match="loader"):
        set_rng_state(state)
    with pytest.raises(TypeError, match="generators"):
        rng_state({"x": 1})


def test_truncated_file_gives_clear_error(tmp_path):
    model, opt, _ = make_run()
    path = save_checkpoint(tmp_path / "c.pt", model, epoch=0, optimizer=opt)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CheckpointError, match="truncated or not a PyTorch checkpoint"):
        load_checkpoint(path, model)


def test_foreign_files_give_clear_errors(tmp_path):
    text = tmp_path / "notes.pt"
    text.write_text("hello, I am not a checkpoint\n")
    with pytest.raises(CheckpointError, match="not"):
        load_checkpoint(text)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.ones(2)}, other)
    with pytest.raises(CheckpointError, match="not a dlfp-checkpoint"):
        load_checkpoint(other)
    bare = tmp_path / "bare.pt"
    torch.save(torch.ones(3), bare)
    with pytest.raises(CheckpointError, match="not a dlfp-checkpoint"):
        load_checkpoint(bare)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.pt")


class Evil:
    def __reduce__(self):
        return (print, ("arbitrary code ran",))


def test_unsafe_pickle_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": "dlfp-checkpoint", "payload": Evil()}, path)
    with pytest.raises(CheckpointError, match="weights_only"):
        load_checkpoint(path)


def test_missing_optimizer_state_is_reported(tmp_path):
    model, opt, _ = make_run()
    path = save_checkpoint(tmp_path / "c.pt", model, epoch=2)
    with pytest.raises(CheckpointError, match="no optimizer state"):
        load_checkpoint(path, model, optimizer=opt)


def test_bad_inputs(tmp_path):
    model, opt, _ = make_run()
    with pytest.raises(TypeError, match="model"):
        save_checkpoint(tmp_path / "c.pt", "model", epoch=0)
    with pytest.raises(TypeError, match="optimizer"):
        save_checkpoint(tmp_path / "c.pt", model, epoch=0, optimizer=model)
    with pytest.raises(ValueError, match="epoch"):
        save_checkpoint(tmp_path / "c.pt", model, epoch=-1)
    with pytest.raises(CheckpointError, match="rng state"):
        set_rng_state({"python": None})


KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys, torch
    from torch import nn
    from dlfp.checkpoint import save_checkpoint
    path = sys.argv[1]
    model = nn.Linear(200, 200)
    save_checkpoint(path, model, epoch=1)          # the good, previous checkpoint
    real_save = torch.save
    def dying_save(obj, f, *a, **k):
        f.write(b"PK\\x03\\x04 half a checkpoint")  # a partial zip header ...
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)         # ... and the power goes out
    torch.save = dying_save
    with torch.no_grad():
        model.weight.zero_()
    save_checkpoint(path, model, epoch=2)
    """
)


def test_process_killed_mid_save_leaves_previous_checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    proc = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers, "the killed save should have left its partial temporary file"
    model = nn.Linear(200, 200)
    ckpt = load_checkpoint(path, model)
    assert ckpt["epoch"] == 1
    assert model.weight.abs().sum() > 0  # the old weights, not the zeroed ones
    with pytest.raises(CheckpointError):
        load_checkpoint(leftovers[0])
