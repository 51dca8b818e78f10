"""dlfp.train.checkpoint: atomic save, safe load, exact resume."""

import os
import random
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from torch import nn

from dlfp.train import checkpoint
from dlfp.train.checkpoint import CheckpointError, load_checkpoint, rng_state, save_checkpoint, set_rng_state
from tests.unit.bad_input import MISSING


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
    from dlfp.train.checkpoint import save_checkpoint
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


def test_later_save_removes_the_temporary_file_of_a_killed_save(tmp_path):
    path = tmp_path / "run.pt"
    proc = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    stale = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(stale) == 1
    unrelated = tmp_path / ".run.pt.mine.tmp"  # a name that is not ours: never touched
    unrelated.write_bytes(b"x")
    other_target = tmp_path / ".other.pt.dlfp-00000000-1-0000000000000000.tmp"
    other_target.write_bytes(b"x")
    save_checkpoint(path, nn.Linear(200, 200), epoch=3)
    assert not stale[0].exists()
    assert unrelated.exists() and other_target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, unrelated.name, other_target.name])


# ------------------------------------------------------------ checkpoint contents: a save loads back or fails


@pytest.mark.parametrize(
    ("value", "where", "kind"),
    [
        ({"loss": np.float64(0.5)}, r"extra\['loss'\]", r"numpy\.float64 \(convert with \.item\(\)\)"),
        ({"curve": np.zeros(3)}, r"extra\['curve'\]", r"numpy\.ndarray \(convert with torch\.from_numpy"),
        ({"log": {"epochs": [1, np.int64(2)]}}, r"extra\['log'\]\['epochs'\]\[1\]", r"numpy\.int64"),
        ({"fn": print}, r"extra\['fn'\]", r"builtin_function_or_method"),
        ({"r": range(3)}, r"extra\['r'\]", r"range"),
        ({np.str_("k"): 1}, r"extra key np\.str_\('k'\)|extra key 'k'", r"numpy\.str_"),
    ],
)
def test_save_refuses_what_would_not_load_back(tmp_path, value, where, kind):
    path = tmp_path / "c.pt"
    with pytest.raises(TypeError, match=rf"{where} must be a plain Python value.*weights_only=True.*got {kind}"):
        save_checkpoint(path, nn.Linear(2, 2), epoch=1, extra=value)
    assert list(tmp_path.iterdir()) == []  # refused before a byte was written


def test_save_refuses_a_history_and_says_how_to_convert_it(tmp_path):
    from dlfp.train.fit import History

    history = History(train_loss=[1.0, 0.5])
    with pytest.raises(TypeError, match=r"extra\['history'\].*got dlfp\.train\.fit\.History.*dataclasses\.asdict"):
        save_checkpoint(tmp_path / "c.pt", nn.Linear(2, 2), epoch=1, extra={"history": history})
    import dataclasses

    save_checkpoint(tmp_path / "c.pt", nn.Linear(2, 2), epoch=1, extra={"history": dataclasses.asdict(history)})
    assert load_checkpoint(tmp_path / "c.pt")["extra"]["history"]["train_loss"] == [1.0, 0.5]


def test_every_kind_that_save_accepts_loads_back(tmp_path):
    extra = {
        "none": None,
        "flag": True,
        "n": 2**70,
        "x": float("nan"),
        "z": 1j,
        "s": "text",
        "b": b"bytes",
        "t": torch.arange(3),
        "p": nn.Parameter(torch.ones(2)),
        "dtype": torch.float16,
        "device": torch.device("cpu"),
        "size": torch.Size([2, 3]),
        "nested": {1: [(1, 2), {3}], "od": __import__("collections").OrderedDict(a=1)},
    }
    save_checkpoint(tmp_path / "c.pt", nn.Linear(2, 2), epoch=1, extra=extra)
    back = load_checkpoint(tmp_path / "c.pt")["extra"]
    assert back["n"] == 2**70 and back["size"] == torch.Size([2, 3]) and back["nested"][1] == [(1, 2), {3}]
    assert torch.equal(back["t"], extra["t"])


class ExtraState(nn.Module):
    """A module whose state dict holds an arbitrary object (``get_extra_state``)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)

    def get_extra_state(self):
        return np.float32(1.0)

    def set_extra_state(self, state):
        pass


def test_save_refuses_a_model_state_that_would_not_load_back(tmp_path):
    with pytest.raises(TypeError, match=r"model\['_extra_state'\] must be a plain Python value.*numpy\.float32"):
        save_checkpoint(tmp_path / "c.pt", ExtraState(), epoch=0)
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_is_read_back_before_the_rename(tmp_path, monkeypatch):
    """The last line of defence: a payload the walk missed is caught by reading the temporary file back."""
    import dlfp.train.checkpoint as ck

    path = save_checkpoint(tmp_path / "c.pt", nn.Linear(2, 2), epoch=1)
    before = path.read_bytes()
    monkeypatch.setattr(ck, "_check_loadable", lambda value, where: None)
    with pytest.raises(
        TypeError, match=r"would not load back with torch\.load\(weights_only=True\), so it was not saved"
    ):
        save_checkpoint(path, nn.Linear(2, 2), epoch=2, extra={"loss": np.float64(0.5)})
    assert path.read_bytes() == before  # the previous checkpoint is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]  # and no temporary file is left


# ------------------------------------------------------------ permissions


def test_save_keeps_the_mode_of_the_file_it_replaces_and_respects_the_umask(tmp_path):
    path = tmp_path / "c.pt"
    old = os.umask(0o022)
    try:
        save_checkpoint(path, nn.Linear(2, 2), epoch=1)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.chmod(path, 0o640)
        save_checkpoint(path, nn.Linear(2, 2), epoch=2)
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        os.umask(0o077)
        fresh = save_checkpoint(tmp_path / "d.pt", nn.Linear(2, 2), epoch=1)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# ------------------------------------------------------------ model/state mismatch: nothing is touched


def test_load_into_another_architecture_names_keys_and_shapes_and_leaves_the_model_unchanged(tmp_path):
    path = save_checkpoint(tmp_path / "c.pt", nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2)), epoch=1)
    other = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3), nn.Linear(3, 1))
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(CheckpointError, match=r"does not fit model \(Sequential\), which is left unchanged") as err:
        load_checkpoint(path, other)
    message = str(err.value)
    assert "missing from the checkpoint: '2.weight', '2.bias'" in message
    assert "1.weight: checkpoint (2, 8), model (3, 8)" in message
    for k, v in other.state_dict().items():
        assert torch.equal(v, before[k]), k  # layer 0 matched but was not loaded: no half-loaded model
    with pytest.raises(CheckpointError, match=r"not in the model: '1\.weight', '1\.bias'"):
        load_checkpoint(path, nn.Sequential(nn.Linear(4, 8)))


def test_load_into_another_optimizer_leaves_model_optimizer_and_rng_unchanged(tmp_path):
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(3, 4)).sum().backward()
    opt.step()
    path = save_checkpoint(tmp_path / "c.pt", model, epoch=1, optimizer=opt)
    target = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    split = torch.optim.Adam([{"params": target[0].parameters()}, {"params": target[1].parameters()}])
    before = [p.clone() for p in target.parameters()]
    torch.manual_seed(5)
    expected_draw = torch.rand(1)
    torch.manual_seed(5)
    with pytest.raises(CheckpointError, match=r"does not fit optimizer \(Adam\).*hold \[4\] parameters.*\[2, 2\]"):
        load_checkpoint(path, target, optimizer=split)
    assert all(torch.equal(a, b) for a, b in zip(target.parameters(), before))
    assert split.state_dict()["state"] == {}
    assert torch.equal(torch.rand(1), expected_draw)  # the generators were not restored either


def test_missing_generator_is_reported_before_anything_is_loaded(tmp_path):
    model = nn.Linear(2, 2)
    path = save_checkpoint(tmp_path / "c.pt", model, epoch=1, generators={"loader": torch.Generator()})
    target = nn.Linear(2, 2)
    before = target.weight.clone()
    with pytest.raises(CheckpointError, match=r"generator states \['loader'\]"):
        load_checkpoint(path, target)
    assert torch.equal(target.weight, before)


# ------------------------------------------------------------ damaged and foreign contents


def _rewrite(path, change):
    ckpt = torch.load(path, weights_only=True)
    change(ckpt)
    torch.save(ckpt, path)
    return path


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (lambda c: c.update(version=99), r"format version 99, but this dlfp reads version 1"),
        (lambda c: c.update(version="1"), r"format version '1'"),
        (lambda c: c.update(epoch=-2), r"entry 'epoch' must be a non-negative int, got -2"),
        (lambda c: c.update(model=[1, 2]), r"entry 'model' must be a state dict \(a dict\), got list"),
        (lambda c: c.update(model={"w": 1}), r"entry 'model' must map names to tensors, got 'w' \(str\) -> 1"),
        (lambda c: c.update(optimizer=3), r"entry 'optimizer' must be a dict or None, got 3"),
        (lambda c: c.update(optimizer={"state": {}}), r"entry 'optimizer' must have 'state'.*'param_groups'"),
        (lambda c: c.update(extra=[1]), r"entry 'extra' must be a dict or None"),
        (lambda c: c["rng"]["numpy"].pop("keys"), r"rng\['numpy'\] lacks the entry 'keys'"),
        (lambda c: c["rng"].pop("torch"), r"rng must be an rng state"),
        (lambda c: c["rng"]["python"].update(internal=5), r"rng\['python'\]\['internal'\] must be a list, got 5"),
        (lambda c: c["rng"].update(python=None), r"rng\['python'\] must be a dict, got None"),
        (lambda c: c["rng"].update(torch=torch.zeros(3)), r"rng\['torch'\] must be a uint8 tensor"),
        (lambda c: c["rng"].update(cuda=None), r"rng\['cuda'\] must be a list of tensors"),
        (lambda c: c["rng"].update(generators={"g": 1}), r"rng\['generators'\] must be a dict of tensors"),
        (lambda c: c.pop("rng"), r"lacks the entries \['rng'\]"),
    ],
)
def test_malformed_entries_give_a_checkpoint_error_and_change_nothing(tmp_path, change, pattern):
    model = nn.Linear(2, 2)
    path = _rewrite(save_checkpoint(tmp_path / "c.pt", model, epoch=1), change)
    target = nn.Linear(2, 2)
    before = target.weight.clone()
    state = random.getstate()
    with pytest.raises(CheckpointError, match=pattern):
        load_checkpoint(path, target)
    assert torch.equal(target.weight, before) and random.getstate() == state


def test_set_rng_state_checks_the_whole_state_before_changing_a_generator():
    state = rng_state()
    del state["numpy"]["keys"]
    random.seed(3)
    expected = random.getstate()
    with pytest.raises(CheckpointError, match=r"state\['numpy'\] lacks the entry 'keys'"):
        set_rng_state(state)
    assert random.getstate() == expected  # Python's generator was not restored half-way


# ------------------------------------------------------------ map_location


def test_bad_map_location_is_reported_as_such_not_as_a_damaged_file(tmp_path):
    path = save_checkpoint(tmp_path / "c.pt", nn.Linear(2, 2), epoch=1)
    with pytest.raises(
        ValueError, match=r"map_location must be a device such as 'cpu' or 'cuda:0'.*got 'bogus'"
    ) as err:
        load_checkpoint(path, map_location="bogus")
    assert not isinstance(err.value, CheckpointError)
    with pytest.raises(TypeError, match=r"map_location must be a device.*got 3 \(int\)"):
        load_checkpoint(path, map_location=3)
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    with pytest.raises(ValueError, match=rf"map_location must be a device this machine has, got cuda:{count}"):
        load_checkpoint(path, map_location=f"cuda:{count}")  # one index past the last GPU (or no GPU at all)
    # the forms torch.load takes still work
    assert load_checkpoint(path, map_location=torch.device("cpu"))["epoch"] == 1
    assert load_checkpoint(path, map_location={"cpu": "cpu"})["epoch"] == 1
    assert load_checkpoint(path, map_location=lambda storage, loc: storage)["epoch"] == 1


# ------------------------------------------------------------ kill at random points, resume, same final parameters

RUN = textwrap.dedent(
    '''
    """A small training run that checkpoints every epoch, resumes from its checkpoint, and can be killed.

    kill_step: SIGKILL in the middle of that global step (gradients computed, update not applied).
    kill_save: SIGKILL in the middle of writing the checkpoint of that epoch (half its bytes written).
    """
    import io, os, signal, sys
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from dlfp.train.checkpoint import load_checkpoint, save_checkpoint

    EPOCHS, BATCHES = 6, 4


    def die():
        os.kill(os.getpid(), signal.SIGKILL)


    def main(workdir, kill_step=-1, kill_save=-1):
        torch.set_num_threads(1)
        path = os.path.join(workdir, "run.pt")
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(1)
        x = torch.randn(8 * BATCHES, 4, generator=torch.Generator().manual_seed(2))
        data = TensorDataset(x, (x.sum(1) > 0).long())
        loader = DataLoader(data, batch_size=8, shuffle=True, generator=g)
        model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        start = 0
        if os.path.exists(path):
            start = load_checkpoint(path, model, optimizer=opt, scheduler=sched, generators={"loader": g})["epoch"]
        step = start * BATCHES
        for epoch in range(start, EPOCHS):
            model.train()
            for xb, yb in loader:
                loss = nn.functional.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                if step == kill_step:
                    die()
                opt.step()
                step += 1
            sched.step()
            if epoch + 1 == kill_save:
                real_save = torch.save

                def dying_save(obj, f, *args, **kwargs):
                    buffer = io.BytesIO()
                    real_save(obj, buffer, *args, **kwargs)
                    f.write(buffer.getvalue()[: buffer.tell() // 2])
                    f.flush()
                    die()

                torch.save = dying_save
            save_checkpoint(path, model, epoch=epoch + 1, optimizer=opt, scheduler=sched,
                            generators={"loader": g}, extra={"step": step})
        return {k: v.clone() for k, v in model.state_dict().items()}


    if __name__ == "__main__":
        final = main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
        torch.save(final, os.path.join(sys.argv[1], "final.pt"))
    '''
)


def _kill_schedule(rng, epochs=6, batches=4):
    """Four kills at random points, alternating mid-step and mid-save.

    Each lies past the checkpoint the run resumes from, and (where the run is
    long enough) past at least one more save, so that every resume starts
    from a newer checkpoint than the last. Returns ``(kind, point, epochs in
    the checkpoint after the kill)``.
    """
    schedule, done = [], 0
    for kind in ("step", "save", "step", "save"):
        if kind == "step":
            point = rng.randrange(min(done + 1, epochs - 1) * batches, epochs * batches)
            done = point // batches
        else:
            point = rng.randrange(min(done + 2, epochs), epochs + 1)
            done = point - 1
        schedule.append((kind, point, done))
    return schedule


def test_runs_killed_at_random_points_resume_to_the_same_final_parameters(tmp_path):
    import runpy

    script = tmp_path / "run.py"
    script.write_text(RUN)
    saved_rng, threads = rng_state(), torch.get_num_threads()
    reference_dir = tmp_path / "reference"
    reference_dir.mkdir()
    try:  # the uninterrupted run, in this process
        reference = runpy.run_path(str(script))["main"](str(reference_dir))
    finally:
        set_rng_state(saved_rng)
        torch.set_num_threads(threads)

    work = tmp_path / "killed"
    work.mkdir()
    checkpoint = work / "run.pt"
    schedule = _kill_schedule(random.Random(18))
    log = []
    for kind, point, epoch_on_disk in schedule:
        args = (point, -1) if kind == "step" else (-1, point)
        proc = subprocess.run(
            [sys.executable, str(script), str(work), *map(str, args)], capture_output=True, timeout=120
        )
        assert proc.returncode == -9, (kind, point, proc.stderr.decode()[-2000:])
        temporaries = [p for p in work.iterdir() if p.name.endswith(".tmp")]
        if kind == "save":
            assert len(temporaries) == 1  # the half-written file of the killed save
        if epoch_on_disk:
            assert load_checkpoint(checkpoint, restore_rng=False)["epoch"] == epoch_on_disk
        else:
            assert not checkpoint.exists()  # killed before the first checkpoint: the next run starts afresh
        log.append((kind, point, epoch_on_disk))
    proc = subprocess.run([sys.executable, str(script), str(work), "-1", "-1"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]  # later saves removed the stale one
    resumed = torch.load(work / "final.pt", weights_only=True)
    assert resumed.keys() == reference.keys()
    for key in reference:
        assert torch.equal(resumed[key], reference[key]), (key, log)
    assert len(log) == 4 and {k for k, _, _ in log} == {"step", "save"}


class PlainExtraState(nn.Module):
    """A module whose extra state is plain Python (loadable with weights_only=True)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.calls = 0

    def get_extra_state(self):
        return {"calls": self.calls}

    def set_extra_state(self, state):
        self.calls = state["calls"]


def test_plain_extra_state_round_trips(tmp_path):
    model = PlainExtraState()
    model.calls = 7
    path = save_checkpoint(tmp_path / "c.pt", model, epoch=1)
    target = PlainExtraState()
    load_checkpoint(path, target)
    assert target.calls == 7 and torch.equal(target.lin.weight, model.lin.weight)


# Each public object of dlfp.train.checkpoint, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.checkpoint.rng_state": [
        (
            lambda: checkpoint.rng_state({"x": 1}),
            TypeError,
            r"generators must be a dict mapping names to torch\.Generator",
        ),
    ],
    "dlfp.train.checkpoint.set_rng_state": [
        (
            lambda: checkpoint.set_rng_state({"python": None}),
            checkpoint.CheckpointError,
            r"state must be an rng state, a dict with keys 'python', 'numpy', 'torch'",
        ),
    ],
    "dlfp.train.checkpoint.save_checkpoint": [
        (lambda: checkpoint.save_checkpoint(MISSING, "model", epoch=0), TypeError, r"model must be an nn\.Module"),
        (
            lambda: checkpoint.save_checkpoint(MISSING, nn.Linear(1, 1), epoch=-1),
            ValueError,
            r"epoch must be a non-negative int, got -1",
        ),
        (
            lambda: checkpoint.save_checkpoint(MISSING, nn.Linear(1, 1), epoch=1, extra={"loss": np.float64(0.5)}),
            TypeError,
            r"extra\['loss'\] must be a plain Python value.*got numpy\.float64",
        ),
    ],
    "dlfp.train.checkpoint.load_checkpoint": [
        (
            lambda: checkpoint.load_checkpoint(MISSING, map_location="bogus"),
            ValueError,
            r"map_location must be a device such as 'cpu' or 'cuda:0'.*got 'bogus' \(str\)",
        ),
        (lambda: checkpoint.load_checkpoint(MISSING), FileNotFoundError, r"path must be an existing checkpoint file"),
        (
            lambda: checkpoint.load_checkpoint(MISSING, optimizer=nn.Linear(1, 1)),
            TypeError,
            r"optimizer must be a torch\.optim\.Optimizer or None",
        ),
    ],
}
