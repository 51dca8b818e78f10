from pathlib import Path

import pytest
import torch

from dlfp.data.idx import MNIST_FILES, DataUnavailableError, _from_folder, _md5

# The MNIST test split the repository ships as the offline default (data/, DESIGN.md §6).
MIRROR = Path(__file__).resolve().parents[3] / "data"


def test_shipped_test_split_is_the_official_one():
    raw = MIRROR / "mnist" / "MNIST" / "raw"
    assert {p.name for p in raw.iterdir()} == {name for name, _ in MNIST_FILES["test"]}
    for name, md5 in MNIST_FILES["test"]:
        assert _md5(raw / name) == md5, name


def test_corrupt_mirror_is_refused(tmp_path):
    raw = tmp_path / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (raw / name).write_bytes(b"not mnist")
    with pytest.raises(DataUnavailableError, match="corrupt"):
        _from_folder(tmp_path / "mnist", "test")


def _extract_test_split(root):
    """The shipped gzip files of the test split, extracted as torchvision extracts them."""
    import gzip

    raw = root / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, _ in MNIST_FILES["test"]:
        (raw / name.removesuffix(".gz")).write_bytes(
            gzip.decompress((MIRROR / "mnist" / "MNIST" / "raw" / name).read_bytes())
        )
    return raw


def test_extracted_files_read_as_torchvision_reads_them(tmp_path):
    from torchvision.datasets.mnist import read_image_file, read_label_file

    raw = _extract_test_split(tmp_path)
    split = _from_folder(tmp_path / "mnist", "test")
    assert torch.equal(split.images, read_image_file(str(raw / "t10k-images-idx3-ubyte")))
    assert torch.equal(split.labels, read_label_file(str(raw / "t10k-labels-idx1-ubyte")).long())
    assert "torchvision files" in split.source


@pytest.mark.parametrize(
    ("which", "damage", "match"),
    [
        ("t10k-images-idx3-ubyte", lambda b: b[: len(b) // 2], r"t10k-images-idx3-ubyte is damaged"),
        ("t10k-images-idx3-ubyte", lambda b: b"garbage", r"t10k-images-idx3-ubyte is damaged \(not an IDX file"),
        ("t10k-labels-idx1-ubyte", lambda b: b[:-10], r"t10k-labels-idx1-ubyte is damaged"),
        ("t10k-labels-idx1-ubyte", lambda b: b[:8] + bytes([42]) + b[9:], r"labels must be digits 0-9, got 42"),
        ("t10k-labels-idx1-ubyte", lambda b: b"", r"t10k-labels-idx1-ubyte is damaged"),
    ],
)
def test_damaged_extracted_files_are_named(tmp_path, which, damage, match):
    raw = _extract_test_split(tmp_path)
    path = raw / which
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DataUnavailableError, match=match) as err:
        _from_folder(tmp_path / "mnist", "test")
    assert "delete it" in str(err.value)
