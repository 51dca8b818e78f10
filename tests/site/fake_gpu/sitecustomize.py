"""Make the book's code believe a CUDA GPU is present in a CPU-only kernel (tests/site/test_downloads.py).

Put on ``PYTHONPATH`` of a kernel that also has ``DLFP_DEVICE=cpu``: every
``if torch.cuda.is_available():`` branch of a page or of ``dlfp`` then runs,
as on a GPU learner's machine, while ``dlfp.pick_device()`` still answers
``cpu``. A page that places a tensor on ``cuda`` by itself, instead of on the
device ``pick_device`` chose, fails here with torch's own "no NVIDIA driver"
error. Only callers outside torch are told a GPU is there: torch's own
internals (an optimiser's graph-capture check, say) keep the truth, or they
would try to start CUDA for CPU work. The queries a GPU branch makes without
placing anything (the GPU's name, its random-generator states) are answered
as one idle GPU would answer them.
"""

import os
import sys

import torch

_TORCH = os.path.dirname(torch.__file__)
_real_is_available, _real_device_count = torch.cuda.is_available, torch.cuda.device_count


def _caller_is_torch() -> bool:
    return sys._getframe(2).f_code.co_filename.startswith(_TORCH)


def is_available() -> bool:
    return _real_is_available() if _caller_is_torch() else True


def device_count() -> int:
    return _real_device_count() if _caller_is_torch() else 1


torch.cuda.is_available = is_available
torch.cuda.device_count = device_count
torch.cuda.get_device_name = lambda device=None: "fake GPU (tests/site/fake_gpu)"
torch.cuda.get_rng_state_all = lambda: [torch.zeros(16, dtype=torch.uint8)]
torch.cuda.set_rng_state_all = lambda states: None
