"""The pages listed in _toc.yml, read exactly as the book build reads them."""

from __future__ import annotations

from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[2]


def toc_pages(root: Path = ROOT) -> list[Path]:
    """Every page of the table of contents, in reading order."""
    site_map = parse_toc_yaml(root / "_toc.yml")
    return [root / f"{doc.removesuffix('.md')}.md" for doc in site_map]  # the suffix is optional in _toc.yml


def read_notebook(page: Path):
    """The notebook myst-nb builds from ``page`` (same reader, so same cache hash)."""
    return read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)


def has_code(nb) -> bool:
    return any(cell.cell_type == "code" for cell in nb.cells)
