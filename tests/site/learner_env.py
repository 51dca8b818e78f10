"""A learner's environment, made from the book's own without installing anything.

A learner has ``dlfp``, what ``dlfp`` declares it needs, and a Jupyter kernel;
nothing of the book's tooling (myst-nb, Jupyter Book, pytest). Installing that
afresh means a second copy of torch (several GB downloaded where no local
wheel is at hand), so instead :func:`make_learner_venv` builds an empty venv
and links into its ``site-packages`` exactly the installed distributions that
``dlfp``'s and ``ipykernel``'s requirements reach, taken from the running
environment, then installs ``dlfp`` from ``code/`` as a wheel (not editable).
``pip check`` inside it proves the linked set satisfies every requirement, so a
dependency ``dlfp`` uses but does not declare is missing there, as it would be
for a learner.
"""

from __future__ import annotations

import importlib.metadata as metadata
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import defaultdict
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def requirement_closure(roots: list[str]) -> set[str]:
    """The canonical names of the installed distributions ``roots`` need, themselves included,
    following each distribution's requirements whose markers hold here (extras: only those asked for)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        name, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for text in metadata.requires(name) or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras | {""}):
                todo.append(needed)
    return {name for name, _ in seen}


def _owners(site: Path) -> dict[Path, set[str]]:
    """Every path under ``site`` that some distribution installed, with the distributions
    owning it or anything below it."""
    owners: dict[Path, set[str]] = defaultdict(set)
    for dist in metadata.distributions(path=[str(site)]):
        name = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or []:
            if file.parts[0] == "..":  # scripts and data outside site-packages
                continue
            for depth in range(1, len(file.parts) + 1):
                owners[Path(*file.parts[:depth])].add(name)
    return owners


def _link(source_site: Path, target_site: Path, wanted: set[str]) -> None:
    """Symlink into ``target_site`` what the ``wanted`` distributions installed in
    ``source_site``: a whole folder where only wanted distributions own it, else
    folder by folder, so nothing of another distribution comes along."""
    owners = _owners(source_site)

    def place(relative: Path) -> None:
        owned = owners[relative]
        if not owned & wanted:
            return
        if owned <= wanted or not (source_site / relative).is_dir():
            (target_site / relative).symlink_to(source_site / relative)
            return
        (target_site / relative).mkdir()
        for child in sorted((source_site / relative).iterdir()):
            place(relative / child.name)

    for top in sorted({path.parts[0] for path in owners}):
        place(Path(top))


def make_learner_venv(venv: Path, project: Path, kernel: str = "ipykernel") -> Path:
    """A fresh venv at ``venv`` holding ``dlfp`` (built from ``project``), its declared
    dependencies and ``kernel``, linked from this environment; returns its python."""
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target_site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    source_site = Path(sysconfig.get_path("purelib"))
    needed = requirement_closure([*metadata.requires("dlfp"), kernel, "pip"]) - {"dlfp"}
    _link(source_site, target_site, needed)
    quiet = ("-q", "--disable-pip-version-check")
    with tempfile.TemporaryDirectory(prefix="dlfp-wheel-") as scratch:
        # built from a copy (setuptools leaves build/ behind, whose stale files a later wheel
        # would ship) by this environment's setuptools, so nothing is fetched from an index
        source = Path(scratch) / "code"
        shutil.copytree(project, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        build = ["wheel", *quiet, "--no-deps", "--no-build-isolation", "-w", scratch, str(source)]
        subprocess.run([sys.executable, "-m", "pip", *build], check=True)
        (wheel,) = Path(scratch).glob("dlfp-*.whl")
        install = ["install", *quiet, "--no-deps", "--no-index", str(wheel)]
        subprocess.run([str(python), "-m", "pip", *install], check=True)
    subprocess.run([str(python), "-m", "pip", "check", "--disable-pip-version-check"], check=True)
    return python
