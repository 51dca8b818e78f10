"""dlfp — the tested code of *Deep Learning from First Principles*.

Importing the package does no I/O and changes no global state; the
functions a page calls first are re-exported here::

    import dlfp
    device = dlfp.pick_device()
    print(dlfp.banner(device))
"""

from dlfp.env import banner, pick_device, seed_everything
from dlfp.profile import current_profile, pick

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "banner",
    "current_profile",
    "pick",
    "pick_device",
    "seed_everything",
]
