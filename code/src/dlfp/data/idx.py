"""MNIST's files on disk: the official names and MD5 sums, the IDX format, a split read back and checked.

A split is read from torchvision's folder ``<root>/MNIST/raw``, either as the
extracted IDX files torchvision writes or as the official gzip files verified
by MD5; a damaged or corrupt file is reported by name.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

# The files and MD5 sums torchvision checks (torchvision.datasets.MNIST.resources).
MNIST_FILES = {
    "train": (
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    ),
    "test": (
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ),
}
MNIST_SIZES = {"train": 60_000, "test": 10_000}


class DataUnavailableError(RuntimeError):
    """A dataset is neither on disk nor downloadable from here."""


@dataclass(frozen=True)
class MNISTSplit:
    """One MNIST split held in memory.

    Attributes:
        images: ``uint8`` tensor of shape ``(N, 28, 28)``, values 0–255.
        labels: ``int64`` tensor of shape ``(N,)``, values 0–9.
        split: ``"train"`` or ``"test"``.
        source: where the data came from, for the page to print.
    """

    images: torch.Tensor
    labels: torch.Tensor
    split: str
    source: str

    def __len__(self) -> int:
        return len(self.labels)


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_idx(data: bytes, expected_ndim: int) -> np.ndarray:
    """Parse an IDX file of unsigned bytes (the MNIST container format)."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("not an IDX file of unsigned bytes")
    ndim = data[3]
    if ndim != expected_ndim:
        raise ValueError(f"expected an IDX file with {expected_ndim} dimensions, got {ndim}")
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4).astype(int)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _from_gzip_mirror(raw: Path, split: str) -> MNISTSplit | None:
    (img_name, img_md5), (lbl_name, lbl_md5) = MNIST_FILES[split]
    img_path, lbl_path = raw / img_name, raw / lbl_name
    if not (img_path.is_file() and lbl_path.is_file()):
        return None
    for path, md5 in ((img_path, img_md5), (lbl_path, lbl_md5)):
        if _md5(path) != md5:
            raise DataUnavailableError(f"{path} is corrupt: its MD5 is not {md5}")
    images = _read_idx(gzip.decompress(img_path.read_bytes()), 3)
    labels = _read_idx(gzip.decompress(lbl_path.read_bytes()), 1)
    return _as_split(images, labels, split, f"gzip mirror {raw}")


def _as_split(images: np.ndarray, labels: np.ndarray, split: str, source: str) -> MNISTSplit:
    """Parsed IDX arrays as an :class:`MNISTSplit` (``uint8`` images, ``int64`` labels)."""
    return MNISTSplit(torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64)), split, source)


def _from_extracted(raw: Path, split: str) -> MNISTSplit | None:
    """The split from the extracted IDX files torchvision writes, checked; ``None`` if they are not all there.

    A damaged file (truncated, overwritten, of another split) is reported by
    name rather than as whatever error the parser happens to hit first.
    """
    paths = [raw / name.removesuffix(".gz") for name, _ in MNIST_FILES[split]]
    if not all(p.is_file() for p in paths):
        return None
    img_path, lbl_path = paths
    advice = "delete it (or the whole folder) and rerun to download or copy a fresh one"
    try:
        images = _read_idx(img_path.read_bytes(), 3)
        if images.shape[1:] != (28, 28):
            raise ValueError(f"images must be 28 x 28, got {images.shape[1:]}")
    except ValueError as err:
        raise DataUnavailableError(f"{img_path} is damaged ({err}): {advice}") from None
    try:
        labels = _read_idx(lbl_path.read_bytes(), 1)
        if len(labels) != len(images):
            raise ValueError(f"it holds {len(labels):,} labels for {len(images):,} images in {img_path.name}")
        if len(labels) and labels.max() > 9:
            raise ValueError(f"labels must be digits 0-9, got {int(labels.max())}")
    except ValueError as err:
        raise DataUnavailableError(f"{lbl_path} is damaged ({err}): {advice}") from None
    return _as_split(images, labels, split, f"torchvision files in {raw}")


def _from_folder(root: Path, split: str) -> MNISTSplit | None:
    """A split found in ``root`` (torchvision's root for MNIST), or ``None``."""
    raw = root / "MNIST" / "raw"
    found = _from_extracted(raw, split)  # 1. a complete torchvision download
    if found is not None:
        return found
    return _from_gzip_mirror(raw, split)  # 2. the official gzip files (a mirror, the shipped copy)
