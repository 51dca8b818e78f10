import pytest
import torch
from torch.utils.data import DataLoader

from dlfp.data import datasets
from dlfp.data.datasets import FieldDataset, GenerativeFieldDataset, RandomDihedral, create_dataloaders
from dlfp.data.fields import measure_power_spectrum
from tests.unit.bad_input import NAN


def test_field_dataset_items_and_targets():
    ds = FieldDataset.generate(50, size=16, param_range=(0.2, 0.4), seed=1, chunk=16)
    assert len(ds) == 50
    x, y = ds[3]
    assert x.shape == (1, 16, 16) and y.shape == (1,) and x.dtype == y.dtype == torch.float32
    assert 0.2 <= ds.targets.min() and ds.targets.max() <= 0.4
    again = FieldDataset.generate(50, size=16, param_range=(0.2, 0.4), seed=1, chunk=50)
    torch.testing.assert_close(again.fields, ds.fields)  # chunking does not change the data


def test_variance_increases_with_omega():
    ds = FieldDataset.generate(400, size=16, seed=0)
    var = ds.fields.var(dim=(1, 2, 3))
    corr = torch.corrcoef(torch.stack([var, ds.targets[:, 0]]))[0, 1]
    assert corr > 0.8


def test_generative_dataset_is_reproducible_and_fresh_per_epoch():
    ds = GenerativeFieldDataset(10, size=16, seed=2)
    a, pa = ds[4]
    b, pb = ds[4]
    assert torch.equal(a, b) and torch.equal(pa, pb) and a.shape == (1, 16, 16)
    ds.set_epoch(1)
    c, pc = ds[4]
    assert not torch.equal(a, c)
    serial = torch.cat([x for x, _ in DataLoader(ds, batch_size=5)])
    parallel = torch.cat([x for x, _ in DataLoader(ds, batch_size=5, num_workers=2)])
    torch.testing.assert_close(serial, parallel)  # workers do not change the samples
    with pytest.raises(IndexError):
        ds[10]


def test_random_dihedral_is_a_lattice_symmetry():
    torch.manual_seed(0)
    f = torch.randn(1, 8, 8)
    seen = set()
    for _ in range(200):
        g = RandomDihedral()(f)
        seen.add(tuple(g.flatten().tolist()))
        torch.testing.assert_close(g.flatten().sort()[0], f.flatten().sort()[0])  # a permutation of the pixels
        torch.testing.assert_close(measure_power_spectrum(g[0])[1], measure_power_spectrum(f[0])[1])
    assert len(seen) == 8  # the eight elements of the dihedral group D4


def test_create_dataloaders():
    train, val = create_dataloaders(64, 32, batch_size=16, size=16, seed=0)
    x, y = next(iter(train))
    assert x.shape == (16, 1, 16, 16) and y.shape == (16, 1)
    assert len(val.dataset) == 32
    v1 = torch.cat([y for _, y in val])
    v2 = torch.cat([y for _, y in val])
    assert torch.equal(v1, v2)  # the validation set is fixed
    t1 = torch.cat([y for _, y in train])
    t2 = torch.cat([y for _, y in train])
    assert not torch.equal(t1, t2) and torch.equal(t1.sort(0)[0], t2.sort(0)[0])  # reshuffled
    fly, _ = create_dataloaders(8, 8, batch_size=4, size=16, on_the_fly=True, augment=True)
    assert isinstance(fly.dataset, GenerativeFieldDataset) and isinstance(fly.dataset.transform, RandomDihedral)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: FieldDataset(torch.zeros(4, 2, 8, 8), torch.zeros(4)), "fields must have shape"),
        (lambda: FieldDataset(torch.zeros(4, 8, 8), torch.zeros(3)), "one value per field"),
        (lambda: FieldDataset([1], torch.zeros(1)), "must be torch.Tensors"),
        (lambda: FieldDataset(torch.zeros(4, 8, 8), torch.zeros(4), transform=3), "transform must be callable"),
        (lambda: FieldDataset.generate(0), "num_samples must be a positive int"),
        (lambda: GenerativeFieldDataset(5, param_range=(0.5, 0.1)), "0 < low < high"),
        (lambda: create_dataloaders(8, 8, batch_size=0), "batch_size must be"),
        (lambda: create_dataloaders(8, 8, num_workers=-1), "num_workers must be"),
        (lambda: RandomDihedral()(torch.zeros(3, 4)), "field must be a tensor"),
    ],
)
def test_validation(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# Each public object of dlfp.data.datasets, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.datasets.RandomDihedral": [
        (
            lambda: datasets.RandomDihedral()(torch.zeros(3, 4)),
            ValueError,
            r"field must be a tensor of shape \(\.\.\., N, N\), got shape \(3, 4\)",
        ),
    ],
    "dlfp.data.datasets.FieldDataset": [
        (
            lambda: datasets.FieldDataset(torch.zeros(4, 2, 8, 8), torch.zeros(4)),
            ValueError,
            r"fields must have shape \(M, 1, N, N\)",
        ),
        (
            lambda: datasets.FieldDataset(torch.zeros(4, 8, 8), torch.full((4,), NAN)),
            ValueError,
            r"targets must be finite",
        ),
    ],
    "dlfp.data.datasets.GenerativeFieldDataset": [
        (lambda: datasets.GenerativeFieldDataset(5, size=1), ValueError, r"size must be an int >= 2, got 1"),
        (
            lambda: datasets.GenerativeFieldDataset(5, param_range=(0.5, 0.1)),
            ValueError,
            r"param_range must satisfy 0 < low < high",
        ),
    ],
    "dlfp.data.datasets.create_dataloaders": [
        (lambda: datasets.create_dataloaders(8, 8, batch_size=0), ValueError, r"batch_size must be a positive int"),
        (lambda: datasets.create_dataloaders(0, 8), ValueError, r"train_samples must be a positive int"),
    ],
}
