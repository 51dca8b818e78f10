"""dlfp.train.atomic: the file appears whole or not at all."""

import json
import os

import pytest

from dlfp.train import atomic
from dlfp.train.atomic import atomic_write


def test_writes_bytes_and_text_and_creates_the_folder(tmp_path):
    target = tmp_path / "new" / "out.json"
    assert atomic_write(target, lambda f: json.dump({"a": 1}, f), text=True) == target
    assert json.loads(target.read_text()) == {"a": 1}
    atomic_write(target, lambda f: f.write(b"\x00\x01"))
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]  # no temporary left


@pytest.mark.parametrize("stage", ["write", "verify"])
def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path, stage):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def fail(_):
        raise RuntimeError(f"{stage} failed")

    write, verify = (fail, None) if stage == "write" else ((lambda f: f.write(b"new")), fail)
    with pytest.raises(RuntimeError, match=f"{stage} failed"):
        atomic_write(target, write, verify=verify)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_verify_sees_the_complete_temporary_before_the_rename(tmp_path):
    target, seen = tmp_path / "out.bin", []

    def verify(name):
        seen.append((open(name, "rb").read(), target.exists()))

    atomic_write(target, lambda f: f.write(b"payload"), verify=verify)
    assert seen == [(b"payload", False)]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    atomic_write(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o600


# Each public object of dlfp.train.atomic, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.atomic.atomic_write": [
        (lambda: atomic.atomic_write(3, lambda f: None), TypeError, r"path must be a str or os\.PathLike"),
        (lambda: atomic.atomic_write("x.bin", b"data"), TypeError, r"write must be callable, got b'data' \(bytes\)"),
    ],
}
