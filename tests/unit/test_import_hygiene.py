"""Importing dlfp does no I/O and touches no network (DESIGN.md §3)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    # Heavy dependencies first: their own imports read files, which is not ours to police
    # (nor are the submodules they import later, see importing_a_dependency).
    import matplotlib, numpy, scipy, torch, torchvision  # noqa: F401

    events = []
    import os, site, sysconfig
    import dlfp
    package_dir = dlfp.__path__[0]
    # Loading installed code and its metadata is the interpreter's business, not I/O of ours.
    installed = tuple(
        os.path.realpath(p) for p in
        {sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], *site.getsitepackages()}
    )
    dependencies = tuple(os.path.realpath(p) for p in site.getsitepackages())

    def importing_a_dependency(frame):
        # I/O done by a dependency's own module body while a dlfp module imports it (numpy 1.26's
        # numpy.testing runs lscpu): the innermost module-level frame on the stack is the dependency's.
        while frame is not None:
            name = os.path.realpath(frame.f_code.co_filename)
            if name.startswith(package_dir):
                return False
            if frame.f_code.co_name == "<module>" and name.startswith(dependencies):
                return True
            frame = frame.f_back
        return False

    def hook(event, args):
        if event in ("open", "socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system"):
            if not importing_a_dependency(sys._getframe(1)):
                events.append((event, str(args[0]) if args else ""))

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


def test_a_missing_dependency_is_one_line_saying_what_to_do():
    # sys.modules[name] = None makes importlib find nothing for name, as if it were not installed
    code = "import sys; sys.modules['torch'] = sys.modules['scipy'] = None; import dlfp"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: dlfp needs torch, scipy, which are not installed in this Python"), last
    # the same requirement as the first cell of every downloaded notebook (book/_ext/notebooks.py)
    from notebooks import install_source

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    requirement = f"dlfp @ git+{config['url']}@{config['branch']}#subdirectory=code"
    assert last.endswith(f"pip install '{requirement}'") and requirement in install_source(config["url"], "main")
