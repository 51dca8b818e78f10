"""Datasets of density fields labelled by Ω_m, stored or generated on the fly.

* :class:`FieldDataset` — fields generated once, in batched FFTs, and kept in memory;
* :class:`GenerativeFieldDataset` — a fresh field made inside ``__getitem__``,
  reproducibly seeded by ``(seed, epoch, index)``;
* :class:`RandomDihedral` — a random symmetry of the square lattice (augmentation);
* :func:`create_dataloaders` — the training and validation loaders of chapter 7.

Every item is ``(field, target)`` with ``field`` of shape :math:`(1, N, N)`
(one channel, as ``nn.Conv2d`` expects) and ``target`` :math:`(1,)`, both ``float32``.

Taught in: :ref:`ch-dataloader-channel` (§6.3, datasets in dlfp), :ref:`ch-cosmonet` (§7.2), :ref:`ch-pg-exercises`.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, Dataset

from dlfp._checks import check_callable, check_int, check_seed, check_tensor, describe
from dlfp.data.fields import generate_fields


def _check_range(param_range) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in param_range)
    except (TypeError, ValueError) as err:
        raise ValueError(f"param_range must be two numbers (low, high), got {param_range!r}") from err
    if not 0 < low < high < float("inf"):
        raise ValueError(f"param_range must satisfy 0 < low < high, got {param_range!r}")
    return low, high


class RandomDihedral:
    """Apply one of the 8 symmetries of the square (4 rotations by 90°, each with or without a flip).

    These map the periodic grid onto itself and :math:`|\\mathbf{k}|` onto
    :math:`|\\mathbf{k}|`, so for a statistically isotropic field they change
    no statistic at all. Uses PyTorch's global generator (seeded per
    DataLoader worker).

    Shape:
        - Input: :math:`(..., N, N)`
        - Output: same

    Taught in: :ref:`ch-pg-exercises` (exercise 4, data augmentation).
    """

    def __call__(self, field: torch.Tensor) -> torch.Tensor:
        if not isinstance(field, torch.Tensor) or field.ndim < 2 or field.shape[-1] != field.shape[-2]:
            got = f"shape {tuple(field.shape)}" if isinstance(field, torch.Tensor) else describe(field)
            raise ValueError(f"field must be a tensor of shape (..., N, N), got {got}")
        k, flip = torch.randint(0, 4, ()).item(), torch.randint(0, 2, ()).item()
        field = torch.rot90(field, k, dims=(-2, -1))
        return torch.flip(field, dims=(-1,)) if flip else field


class FieldDataset(Dataset):
    """Fields and their :math:`\\Omega_m`, held in memory.

    Args:
        fields, targets: the fields and their :math:`\\Omega_m`, stored as ``float32``.
        transform: an optional callable applied to a field as it is read (e.g. :class:`RandomDihedral`).

    Shape:
        - fields: :math:`(M, 1, N, N)` (or :math:`(M, N, N)`, given a channel)
        - targets: :math:`(M,)` or :math:`(M, 1)`
        - item: ``(field (1, N, N), target (1,))``

    Torch twin: ``torch.utils.data.TensorDataset(fields, targets)``, plus a transform.

    Taught in: :ref:`ch-dataloader-channel` (§6.3, datasets in dlfp), :ref:`ch-pg-exercises`.
    """

    def __init__(self, fields: torch.Tensor, targets: torch.Tensor, transform=None):
        if not isinstance(fields, torch.Tensor) or not isinstance(targets, torch.Tensor):
            raise TypeError(f"fields and targets must be torch.Tensors, got {describe(fields)} and {describe(targets)}")
        check_tensor("fields", fields, finite=True)
        check_tensor("targets", targets, finite=True)
        if fields.ndim == 3:
            fields = fields.unsqueeze(1)
        if fields.ndim != 4 or fields.shape[1] != 1:
            raise ValueError(f"fields must have shape (M, 1, N, N) or (M, N, N), got {tuple(fields.shape)}")
        targets = targets.reshape(-1, 1)
        if len(targets) != len(fields):
            raise ValueError(f"targets must have one value per field ({len(fields)}), got {len(targets)}")
        if transform is not None:
            check_callable("transform", transform)
        self.fields, self.targets, self.transform = fields.float(), targets.float(), transform

    @classmethod
    def generate(
        cls, num_samples: int, size: int = 64, param_range=(0.1, 0.5), seed: int = 0, transform=None, chunk: int = 1000
    ) -> FieldDataset:
        """Draw :math:`\\Omega_m \\sim U(\\text{param\\_range})` and one field each, ``chunk`` fields per FFT.

        Args:
            num_samples: fields :math:`M` to make.
            size: cells :math:`N` per side.
            param_range: ``(low, high)`` of :math:`\\Omega_m`, with ``0 < low < high``.
            seed: seeds the draws of :math:`\\Omega_m` and of the fields.
            transform: as in :class:`FieldDataset`.
            chunk: fields per batched FFT (bounds the memory it needs).
        """
        check_int("num_samples", num_samples, minimum=1)
        check_int("chunk", chunk, minimum=1)
        check_seed("seed", seed)
        low, high = _check_range(param_range)
        g = torch.Generator().manual_seed(seed)
        omega = low + (high - low) * torch.rand(num_samples, generator=g, dtype=torch.float64)
        fields = torch.cat(
            [generate_fields(omega[i : i + chunk], size=size, seed=g) for i in range(0, num_samples, chunk)]
        )
        return cls(fields, omega, transform)

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, idx):
        field = self.fields[idx]
        return (self.transform(field) if self.transform else field), self.targets[idx]


class GenerativeFieldDataset(Dataset):
    """A new field for every request: :math:`\\Omega_m \\sim U(\\text{param\\_range})`, then :func:`generate_fields`.

    Item ``i`` in epoch ``e`` is seeded by ``(seed, e, i)``, so results do
    not depend on the number of workers and each epoch (after
    :meth:`set_epoch`) sees new samples.

    Shape:
        - item: ``(field (1, N, N), target (1,))``, ``float32``

    Taught in: :ref:`ch-dataloader-channel` (§6.3, datasets in dlfp).
    """

    def __init__(self, num_samples: int, param_range=(0.1, 0.5), size: int = 64, seed: int = 0, transform=None):
        check_int("num_samples", num_samples, minimum=1)
        check_int("size", size, minimum=2)
        check_seed("seed", seed)
        if transform is not None:
            check_callable("transform", transform)
        self.param_min, self.param_max = _check_range(param_range)
        self.num_samples, self.size, self.seed, self.transform = num_samples, size, seed, transform
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch whose samples the dataset returns."""
        self.epoch = check_int("epoch", epoch, minimum=0)

    def __len__(self) -> int:
        return self.num_samples

    def __getitem__(self, idx):
        if not 0 <= idx < self.num_samples:
            raise IndexError(f"index {idx} out of range for {self.num_samples} samples")
        g = torch.Generator().manual_seed(hash((self.seed, self.epoch, int(idx))) % 2**63)
        param = self.param_min + (self.param_max - self.param_min) * torch.rand((), generator=g, dtype=torch.float64)
        field = generate_fields(param.reshape(1), size=self.size, seed=g)  # (1, N, N)
        field = self.transform(field) if self.transform else field
        return field, param.float().reshape(1)


def create_dataloaders(
    train_samples: int,
    val_samples: int,
    batch_size: int = 32,
    num_workers: int = 0,
    size: int = 64,
    param_range=(0.1, 0.5),
    seed: int = 0,
    augment: bool = False,
    on_the_fly: bool = False,
) -> tuple[DataLoader, DataLoader]:
    """The training and validation loaders of chapter 7 (the name the source uses but never defines).

    The validation set is always generated once, from its own seed, so every
    epoch is scored on the same held-out fields. The training set is
    generated once too, or on the fly (``on_the_fly=True``); it is shuffled
    by a seeded generator, and ``augment=True`` applies :class:`RandomDihedral`.

    Shape:
        - batches: ``(fields (b, 1, size, size), targets (b, 1))``

    Taught in: :ref:`ch-cosmonet` (§7.2).
    """
    check_int("train_samples", train_samples, minimum=1)
    check_int("val_samples", val_samples, minimum=1)
    check_int("batch_size", batch_size, minimum=1)
    check_int("num_workers", num_workers, minimum=0)
    check_int("size", size, minimum=2)
    check_seed("seed", seed)
    transform = RandomDihedral() if augment else None
    if on_the_fly:
        train = GenerativeFieldDataset(train_samples, param_range, size, seed=seed, transform=transform)
    else:
        train = FieldDataset.generate(train_samples, size, param_range, seed=seed, transform=transform)
    val = FieldDataset.generate(val_samples, size, param_range, seed=seed + 1_000_003)
    train_loader = DataLoader(
        train,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
    )
    val_loader = DataLoader(val, batch_size=batch_size, shuffle=False, num_workers=num_workers)
    return train_loader, val_loader
