"""MNIST through torchvision, with an offline path that never hangs.

Files live where torchvision puts them, ``<root>/mnist/MNIST/raw``, for the roots of :func:`dlfp.data.data_roots`
(``$DLFP_DATA``, else the user cache, then the test split the repository ships). In each root, in order, a split
(``train`` or ``test``) is looked for as

1. the extracted files torchvision itself writes (a completed download);
2. the official gzip files of that split alone, verified by MD5 — the form of
   a read-only local mirror and of the shipped copy, which hold only the test split;

and, found in none, fetched by ``torchvision.datasets.MNIST(download=True)`` into the first root, after a
connectivity probe that gives up within ``timeout`` seconds. If none works, :class:`DataUnavailableError` says
what was looked for and what to do.

Taught in: :ref:`gradiens-module-5` (exercise 5.4), :ref:`gr-challenge-autoencoder`, :ref:`ch-ptf-training` (§8.3).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch

from dlfp._checks import check_choice, check_in_range, check_int, check_path, check_positive, check_seed
from dlfp.data.idx import MNIST_FILES, DataUnavailableError, MNISTSplit, _from_folder
from dlfp.data.root import ENV_VAR, data_roots


def _resolve(host: str, port: int, timeout: float) -> list | None:
    """``socket.getaddrinfo(host, port)`` within ``timeout`` seconds, or ``None``.

    The lookup itself has no timeout (a stalled resolver can hold it for
    many seconds), so it runs in a daemon thread that is waited for at most
    ``timeout`` seconds and then abandoned.
    """
    result: dict[str, list] = {}

    def lookup() -> None:
        try:
            result["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            pass

    thread = threading.Thread(target=lookup, name="dlfp-mnist-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    return result.get("addresses")


def _reachable(url: str, timeout: float) -> bool:
    """Whether a TCP connection to ``url``'s host opens, name lookup included, within ``timeout`` seconds."""
    host = urlparse(url).hostname
    port = 443 if url.startswith("https") else 80
    deadline = time.monotonic() + timeout
    addresses = _resolve(host, port, timeout)
    for family, kind, proto, _, address in addresses or []:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(remaining)
                sock.connect(address)
                return True
        except OSError:
            continue
    return False


def load_mnist(
    split: str = "train",
    root: str | Path | None = None,
    download: bool = True,
    timeout: float = 5.0,
) -> MNISTSplit:
    """Load one MNIST split into memory.

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        root: the data root; by default every root of :func:`dlfp.data.data_roots`
            is searched (``$DLFP_DATA``, else the user cache, then the copy the
            repository ships) and a download goes to the first. Files live in
            ``root/mnist/MNIST/raw`` (``mnist`` is torchvision's root for this dataset).
        download: allow torchvision to download a missing split.
        timeout: seconds the connectivity probe (name lookup and connection
            together) waits before giving up.

    Shape:
        - images: :math:`(N, 28, 28)`, ``uint8``
        - labels: :math:`(N,)`, ``int64``

    Torch twin: ``torchvision.datasets.MNIST``'s ``data`` and ``targets`` (tests: its own file readers).

    Raises:
        DataUnavailableError: if the split is not on disk and cannot be downloaded (the message names the
            directory and the files to put there), or a file on disk is damaged (the message names it).
    """
    check_choice("split", split, MNIST_FILES)
    if root is not None:
        check_path("root", root)
    check_positive("timeout", timeout)
    roots = [Path(root)] if root is not None else data_roots()
    from torchvision.datasets import MNIST  # heavy import, only when data is needed

    for folder in (r / "mnist" for r in roots):
        found = _from_folder(folder, split)
        if found is not None:
            return found

    root = roots[0] / "mnist"  # downloads go to the first root
    raw = root / "MNIST" / "raw"
    looked = ", ".join(str(r / "mnist" / "MNIST" / "raw") for r in roots)
    wanted = ", ".join(name for name, _ in MNIST_FILES[split])
    advice = (
        f"Either go online and rerun (torchvision downloads into {raw}), or set "
        f"{ENV_VAR} to a directory whose mnist/MNIST/raw/ holds {wanted}."
    )
    if not download:
        raise DataUnavailableError(f"MNIST {split} split not found in {looked}. {advice}")
    mirror = MNIST.mirrors[0]
    if not _reachable(mirror, timeout):  # 3. download, only if the network answers
        raise DataUnavailableError(
            f"MNIST {split} split not found in {looked} and {urlparse(mirror).hostname} "
            f"is unreachable (no network?). {advice}"
        )
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(max(timeout, 30.0))
    try:
        ds = MNIST(str(root), train=split == "train", download=True)
    except Exception as err:  # torchvision raises RuntimeError or URLError
        raise DataUnavailableError(f"downloading MNIST {split} failed: {err}. {advice}") from err
    finally:
        socket.setdefaulttimeout(previous)
    return MNISTSplit(ds.data, ds.targets.long(), split, f"downloaded by torchvision to {raw}")


MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # over the 60,000 training images


@dataclass(frozen=True)
class MNISTData:
    """Normalised MNIST tensors ready for a ``DataLoader``, and where they came from.

    Attributes:
        train, test: ``TensorDataset`` of images :math:`(N, 1, 28, 28)` ``float32``
            (standardised with the training-set mean and std) and labels :math:`(N,)`.
        note: one sentence saying what was trained and evaluated on; a page prints it.
    """

    train: torch.utils.data.TensorDataset
    test: torch.utils.data.TensorDataset
    note: str


def _normalised(images: torch.Tensor) -> torch.Tensor:
    return ((images.float() / 255.0 - MNIST_MEAN) / MNIST_STD).unsqueeze(1)


def mnist_datasets(
    n_train: int | None = None,
    n_test: int | None = None,
    root: str | Path | None = None,
    seed: int = 0,
    holdout_fraction: float = 0.2,
) -> MNISTData:
    """Training and test sets of MNIST, with a disclosed offline fallback.

    Online (or with the full data on disk) the official splits are used. If only the official **test**
    split is available — as on this book's CI machine — it is permuted with ``seed`` and cut into two
    *disjoint* parts: ``1 - holdout_fraction`` of it for training and the rest for evaluation. ``note``
    says which happened, so a page never claims more than it measured nor evaluates on images it trained on.

    Args:
        n_train, n_test: optional caps on the sizes (a random subset, seeded); ``None`` keeps all.
        root: the data root, as in :func:`load_mnist`.
        seed: seeds the offline cut and the caps.
        holdout_fraction: share of the test split held out for evaluation offline, in :math:`(0, 1)`.

    Shape:
        - Output: ``train``, ``test``: images :math:`(N, 1, 28, 28)` ``float32``, labels :math:`(N,)` ``int64``

    Torch twin: ``torchvision.datasets.MNIST`` with ``ToTensor()`` and ``Normalize((0.1307,), (0.3081,))``.

    Raises:
        DataUnavailableError: as :func:`load_mnist`, when not even the test split can be had.

    Taught in: :ref:`gradiens-module-5` (exercise 5.4), :ref:`gr-challenge-autoencoder`, :ref:`ch-ptf-training` (§8.3).
    """
    check_int("n_train", n_train, minimum=1, optional=True)
    check_int("n_test", n_test, minimum=1, optional=True)
    check_seed("seed", seed)
    if root is not None:
        check_path("root", root)
    check_in_range("holdout_fraction", holdout_fraction, 0, 1, low_closed=False, high_closed=False)
    g = torch.Generator().manual_seed(seed)
    test = load_mnist("test", root=root)
    try:
        train = load_mnist("train", root=root)
        train_x, train_y, test_x, test_y = train.images, train.labels, test.images, test.labels
        note = "official MNIST split: trained on the training set, evaluated on the test set"
    except DataUnavailableError:
        order = torch.randperm(len(test), generator=g)
        cut = int(round(len(test) * (1 - holdout_fraction)))
        train_idx, test_idx = order[:cut], order[cut:]
        train_x, train_y = test.images[train_idx], test.labels[train_idx]
        test_x, test_y = test.images[test_idx], test.labels[test_idx]
        note = (
            f"offline fallback: the MNIST training split is unavailable, so the official "
            f"test split was cut into {cut:,} training and {len(test) - cut:,} held-out "
            f"evaluation images (disjoint, seed {seed})"
        )

    def cap(x, y, n):
        if n is None or n >= len(y):
            return x, y
        keep = torch.randperm(len(y), generator=g)[:n]
        return x[keep], y[keep]

    train_x, train_y = cap(train_x, train_y, n_train)
    test_x, test_y = cap(test_x, test_y, n_test)
    return MNISTData(
        torch.utils.data.TensorDataset(_normalised(train_x), train_y),
        torch.utils.data.TensorDataset(_normalised(test_x), test_y),
        note + f"; using {len(train_y):,} training and {len(test_y):,} evaluation images",
    )
