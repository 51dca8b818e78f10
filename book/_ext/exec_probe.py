"""Runs inside a page's kernel, before the page: notes what the page reads.

``exec_record.execute_page`` starts every kernel with this file as an
IPython ``exec_lines`` entry, so it runs once, before the first cell, in a
namespace of its own (nothing is added to the page's variables). It installs
an audit hook (:func:`sys.addaudithook`, PEP 578) that notes

* every file opened (the ``open`` event: builtins.open, io.open, os.open),
* every directory listed by the page's code (``os.listdir``/``os.scandir``;
  the import system's own listings are skipped: imports are tracked as modules),
* every import of a module of the tracked packages (``import``), so that an
  import that failed (an optional module that did not exist yet) is known,
* every program started (``subprocess.Popen``, ``os.exec``, ``os.posix_spawn``,
  ``os.spawn``, ``os.system``): what another interpreter imports is not seen.

After the page, a last cell that ``exec_record`` appends (and removes again)
prints these sets with the modules in ``sys.modules``. A hook cannot be
removed, which is fine: the kernel ends with the page.

Globals given by ``runpy.run_path(..., init_globals=...)``: ``TOPS``, the
top-level package names of ``code/src``.
"""

import os
import sys

_SPAWN_EVENTS = frozenset({"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system"})


def _install(tops):
    opened, listed, imported, spawned = set(), set(), set(), []
    getcwd, join, isabs, fspath = os.getcwd, os.path.join, os.path.isabs, os.fspath

    def absolute(path):
        try:
            path = fspath(path)
        except TypeError:
            return None  # a file descriptor
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return path if isabs(path) else join(getcwd(), path)

    def hook(event, args):
        if event == "open":
            path = absolute(args[0])
            if path is not None:
                opened.add(path)
        elif event == "import":
            if args[0].partition(".")[0] in tops:
                imported.add(args[0])
        elif event in ("os.listdir", "os.scandir"):
            caller = sys._getframe(1).f_code.co_filename
            if "importlib" not in caller:  # FileFinder fills its cache by listing folders
                path = absolute(args[0] if args[0] is not None else ".")
                if path is not None:
                    listed.add(path)
        elif event in _SPAWN_EVENTS:
            spawned.append(repr(args)[:300])

    sys.addaudithook(hook)
    sys._dlfp_exec_probe = {"opened": opened, "listed": listed, "imported": imported, "spawned": spawned}


_install(frozenset(globals().get("TOPS", ())))
