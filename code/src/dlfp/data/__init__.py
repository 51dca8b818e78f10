"""dlfp.data — one data root, offline-safe image datasets, generated scientific data.

Read in this order; each file is one idea:

    root.py        where data is read from: DLFP_DATA, the user cache, the shipped copy
    images.py      MNIST through torchvision, with an offline path that never hangs   = torchvision.datasets.MNIST
    idx.py         MNIST's files on disk: names and MD5 sums, the IDX format, a split read and checked
    synthetic.py   small generated sets: a noisy line, sine waves, two Gaussian blobs
    windows.py     sliding windows over a time series, for forecasting
    oscillator.py  the harmonic oscillator, solved exactly
    lorenz.py      the Lorenz system: a trajectory, its Jacobian, its largest Lyapunov exponent
    forecast.py    next-step windows of a trajectory; how long a forecast stays on track
    fields.py      Gaussian random density fields with an Ω_m-dependent power spectrum
    datasets.py    density fields as a Dataset, stored or generated on the fly   = torch.utils.data.Dataset
    burgers.py     Burgers' equation: a solver, the exact Cole–Hopf solution, data
    characteristics.py   Burgers' characteristics in the inviscid limit (Lax–Oleinik)

Taught in: :ref:`ch-dataloader`
"""

from dlfp.data.idx import DataUnavailableError, MNISTSplit
from dlfp.data.images import MNISTData, load_mnist, mnist_datasets
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
