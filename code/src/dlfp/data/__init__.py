"""Data: one data root, offline-safe image datasets, generated scientific data.

Taught in: Part I, chapter 6 (DataLoader); Part II, module 4 (the data pipeline).
"""

from dlfp.data.images import DataUnavailableError, MNISTData, MNISTSplit, load_mnist, mnist_datasets
from dlfp.data.root import data_root, data_roots

__all__ = [
    "DataUnavailableError",
    "MNISTData",
    "MNISTSplit",
    "data_root",
    "data_roots",
    "load_mnist",
    "mnist_datasets",
]
