"""Record full-profile page times for the execution appendix.

Merges the reports of ``tools/run_pages.py run`` (one per machine) into
``code/src/dlfp/book/full_profile_times.json``, which ships with ``dlfp`` and
which ``book/appendix/execution.md`` renders::

    python tools/record_full_profile.py --run gpu REPORT.json "NVIDIA H200, torch 2.11.0" \\
        --run cpu REPORT.json "2 CPU cores (AMD EPYC), torch 2.14.1" --commit abc1234

A page that a run did not reach (it ran out of time) is recorded as not run,
with the reason given by ``--not-run PAGE REASON``.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "code" / "src" / "dlfp" / "book" / "full_profile_times.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", nargs=3, action="append", metavar=("KIND", "REPORT", "MACHINE"), default=[])
    parser.add_argument("--not-run", nargs=2, action="append", metavar=("PAGE", "REASON"), default=[])
    parser.add_argument("--commit", required=True)
    args = parser.parse_args(argv)
    record = {"recorded": date.today().isoformat(), "commit": args.commit, "machines": {}, "pages": {}}
    for kind, report, machine in args.run:
        data = json.loads(Path(report).read_text())
        if data.get("profile") != "full":
            raise SystemExit(f"{report}: profile must be 'full', got {data.get('profile')!r}")
        record["machines"][kind] = {"machine": machine, "jobs": data["jobs"], "wall_seconds": data["wall_seconds"]}
        for page, result in data["pages"].items():
            entry = {"seconds": result["seconds"], "ok": result["ok"]}
            if not result["ok"]:
                entry["error"] = result["error"].strip().splitlines()[-1][:300]
            record["pages"].setdefault(page, {})[kind] = entry
    for page, reason in args.not_run:
        record["pages"].setdefault(page, {})["not_run"] = reason
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"{RECORD.relative_to(ROOT)}: {len(record['pages'])} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
