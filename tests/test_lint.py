"""The code is formatted and lint-free (ruff, configured in ruff.toml), as pre-commit would leave it,
and the prose and code are spelled right (codespell, configured in .codespellrc)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ["code", "tests", "tools", "book/_ext"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is not installed: make install (it is pinned in requirements.txt)")
    return subprocess.run([exe, *args, *TARGETS], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_lint():
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, "run `ruff format code tests tools book/_ext`:\n" + result.stdout + result.stderr


SPELLED = ["book", "code", "tests", "tools", "README.md", "CONTRIBUTING.md", "Makefile", ".ci", ".github"]


def test_spelling():
    exe = shutil.which("codespell", path=str(Path(sys.executable).parent)) or shutil.which("codespell")
    if exe is None:
        pytest.fail("codespell is not installed: make install (it is pinned in requirements.txt)")
    result = subprocess.run([exe, *SPELLED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, "misspellings (a true false positive goes into .codespellrc):\n" + result.stdout


def test_text_files_have_no_trailing_whitespace_and_end_with_a_newline():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    problems = []
    for name in tracked:
        path = ROOT / name
        if (
            path.suffix not in {".py", ".md", ".yml", ".yaml", ".toml", ".txt", ".cfg", ".ini", ".bib"}
            or not path.is_file()
        ):
            continue
        text = path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):
            problems.append(f"{name}: no newline at the end")
        for number, line in enumerate(text.splitlines(), 1):
            if line != line.rstrip() and not (path.suffix == ".md" and line.endswith("  ") and line.strip()):
                problems.append(f"{name}:{number}: trailing whitespace")
    assert not problems, "\n".join(problems[:50])
