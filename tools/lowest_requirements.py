"""Print the requirements of the lowest supported environment (``make test-lowest``).

Every dependency of ``dlfp`` at exactly the lower bound ``code/pyproject.toml``
declares (``torch>=2.9.1`` becomes ``torch==2.9.1``), and the book's own tool
chain (jupyter-book, pytest, …) at the versions ``requirements.txt`` pins,
without ``dlfp``'s dependencies and without the editable install::

    python tools/lowest_requirements.py > _build/lowest-requirements.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)$")


def lowest_requirements(root: Path = ROOT) -> list[str]:
    declared = tomllib.loads((root / "code" / "pyproject.toml").read_text())["project"]["dependencies"]
    lowest = []
    for requirement in declared:
        match = REQUIREMENT.match(requirement.strip())
        if match is None:
            raise ValueError(f"code/pyproject.toml: dependency must be 'name>=version', got {requirement!r}")
        lowest.append(f"{match[1]}=={match[2]}")
    ours = {line.split("==")[0].lower() for line in lowest}
    tools = [
        line.strip()
        for line in (root / "requirements.txt").read_text().splitlines()
        if line[:1].isalnum() and line.split("==")[0].lower() not in ours
    ]
    return lowest + tools


if __name__ == "__main__":
    sys.stdout.write("\n".join(lowest_requirements()) + "\n")
