"""The pages listed in _toc.yml, read exactly as the book build reads them (used by the
build's shard planning, the tests and tools/run_pages.py)."""

from __future__ import annotations

from pathlib import Path

from exec_cache import read_notebook  # the build's reader: same notebook, same cache hash (book/_ext)
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[2]  # the repository

__all__ = ["ROOT", "has_code", "read_notebook", "toc_pages"]


def toc_pages(root: Path = ROOT) -> list[Path]:
    """Every page of the table of contents, in reading order."""
    site_map = parse_toc_yaml(root / "_toc.yml")
    return [root / f"{doc.removesuffix('.md')}.md" for doc in site_map]  # the suffix is optional in _toc.yml


def has_code(nb) -> bool:
    return any(cell.cell_type == "code" for cell in nb.cells)
