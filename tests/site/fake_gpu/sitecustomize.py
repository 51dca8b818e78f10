"""Make a CPU-only kernel believe a CUDA GPU is present (tests/site/test_downloads.py).

Put on ``PYTHONPATH`` of a kernel that also has ``DLFP_DEVICE=cpu``: every
``if torch.cuda.is_available():`` branch of a page then runs, as on a GPU
learner's machine, while ``dlfp.pick_device()`` still answers ``cpu``. A page
that places a tensor on ``cuda`` by itself, instead of on the device
``pick_device`` chose, fails here with torch's own "no CUDA" error. The
queries a GPU branch makes without touching a device are answered as one
GPU would answer them.
"""

import torch

torch.cuda.is_available = lambda: True
torch.cuda.device_count = lambda: 1
torch.cuda.get_device_name = lambda device=None: "fake GPU (tests/site/fake_gpu)"
torch.cuda.get_rng_state_all = lambda: []
torch.cuda.set_rng_state_all = lambda states: None
