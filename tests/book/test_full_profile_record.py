"""The full-profile record the execution appendix renders covers every page whose profiles differ."""

from __future__ import annotations

import json
import re

from toc import ROOT, has_code, read_notebook, toc_pages

RECORD = ROOT / "code" / "src" / "dlfp" / "book" / "full_profile_times.json"
PROFILE_DEPENDENT = re.compile(r"\bpick\(|\bcurrent_profile\(")


def profile_dependent_pages() -> set[str]:
    pages = set()
    for page in toc_pages():
        nb = read_notebook(page)
        if has_code(nb) and any(PROFILE_DEPENDENT.search(c.source) for c in nb.cells if c.cell_type == "code"):
            pages.add(str(page.relative_to(ROOT)))
    return pages


def test_every_profile_dependent_page_has_a_full_profile_time_or_a_reason():
    record = json.loads(RECORD.read_text())
    dependent = profile_dependent_pages() - {"book/appendix/execution.md"}  # it only prints the profile
    missing = sorted(dependent - set(record["pages"]))
    assert not missing, f"no full-profile time or reason recorded for {missing} (tools/record_full_profile.py)"
    for page, runs in record["pages"].items():
        assert any(kind in runs for kind in record["machines"]) or runs.get("not_run"), page
    assert all(m["machine"] and m["jobs"] >= 1 for m in record["machines"].values())
