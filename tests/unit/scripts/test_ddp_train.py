"""dlfp.scripts.ddp_train: the script's arguments (a real two-process launch is in tests/unit/train/test_ddp.py)."""

import argparse

import torch

from dlfp.scripts import ddp_train
from tests.unit.bad_input import argparse_exit, ddp_args

# Each public object of dlfp.scripts.ddp_train, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.scripts.ddp_train.ScaleMLP": [
        (lambda: ddp_train.ScaleMLP(4, 0), ValueError, r"width must be a positive int, got 0"),
        (
            lambda: ddp_train.ScaleMLP(4, 8)(torch.zeros(5, 3)),
            ValueError,
            r"x must have shape \(N, 4\), got \(5, 3\)",
        ),
        (
            lambda: ddp_train.ScaleMLP(4, 8)(torch.zeros(5, 4, dtype=torch.int64)),
            TypeError,
            r"x must be a floating-point tensor, got dtype torch\.int64",
        ),
    ],
    "dlfp.scripts.ddp_train.tanh_gelu": [
        (lambda: ddp_train.tanh_gelu([1.0]), TypeError, r"x must be a torch\.Tensor, got list"),
        (lambda: ddp_train.tanh_gelu(torch.arange(3)), TypeError, r"x must be a floating-point tensor"),
    ],
    "dlfp.scripts.ddp_train.make_regression": [
        (lambda: ddp_train.make_regression(0), ValueError, r"n must be a positive int, got 0"),
        (
            lambda: ddp_train.make_regression(10, 1.5),
            TypeError,
            r"in_features must be a positive int, got 1\.5 \(float\)",
        ),
    ],
    "dlfp.scripts.ddp_train.parse_args": [
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--epochs", "0"))),
            SystemExit,
            r"exit 2: .*--epochs must be >= 1, got 0",
        ),
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--lr", "nan"))),
            SystemExit,
            r"exit 2: .*--lr must be > 0 and finite, got nan",
        ),
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--width", "wide"))),
            SystemExit,
            r"exit 2: .*argument --width: invalid int value: 'wide'",
        ),
    ],
    "dlfp.scripts.ddp_train.main": [
        (
            argparse_exit(lambda: ddp_train.main(ddp_args("--batch-size", "-4"))),
            SystemExit,
            r"exit 2: .*--batch-size must be >= 1, got -4",
        ),
    ],
    "dlfp.scripts.ddp_train.train_worker": [
        (
            lambda: ddp_train.train_worker({"epochs": 1}, torch.device("cpu")),
            TypeError,
            r"args must be an argparse\.Namespace \(from parse_args\), got dict",
        ),
        (
            lambda: ddp_train.train_worker(argparse.Namespace(), "cpu"),
            TypeError,
            r"device must be a torch\.device \(from device_for\), got 'cpu' \(str\)",
        ),
    ],
}
