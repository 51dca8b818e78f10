"""Importing dlfp does no I/O and touches no network (DESIGN.md §3)."""

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    # Heavy dependencies first: their own imports read files, which is not ours to police.
    import matplotlib, numpy, scipy, torch, torchvision  # noqa: F401

    events = []

    def hook(event, args):
        if event in ("open", "socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system"):
            events.append((event, str(args[0]) if args else ""))

    import os, site, sysconfig
    import dlfp
    package_dir = dlfp.__path__[0]
    # Loading installed code and its metadata is the interpreter's business, not I/O of ours.
    installed = tuple(
        os.path.realpath(p) for p in
        {sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], *site.getsitepackages()}
    )
    sys.addaudithook(hook)
    names = [m.name for m in pkgutil.walk_packages(dlfp.__path__, "dlfp.")]
    for name in names:
        importlib.import_module(name)
    foreign = [
        (e, a) for e, a in events
        if not (e == "open" and (a.startswith(package_dir) or os.path.realpath(a).startswith(installed)))
    ]
    print(len(names), foreign)
    """
)


def test_importing_every_dlfp_module_does_no_io():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    count, foreign = out.stdout.strip().split(" ", 1)
    assert int(count) >= 5  # the walk really found the modules
    assert foreign == "[]", f"I/O at import time: {foreign}"
