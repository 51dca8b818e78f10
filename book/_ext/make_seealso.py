"""Append to every page a 'seealso' box generated from the concordance table.

Run from the repository root after editing book/appendix/concordance.md:

    python book/_ext/make_seealso.py

Each page named in a row of the table gets (or has replaced) one box at its
end linking the pages of the other parts in the same rows. It is not a Sphinx
extension: the boxes are ordinary MyST in the page, reviewed like any edit.
"""

import re
from pathlib import Path

root = Path(".")
table = (root / "book/appendix/concordance.md").read_text()
label_file = {}
for f in root.glob("book/**/*.md"):
    for lab in re.findall(r"^\(([\w-]+)\)=$", f.read_text(), flags=re.M):
        label_file[lab] = f
links = {}
for line in table.splitlines():
    if not line.startswith("|") or line.startswith("|---") or line.startswith("| Idea"):
        continue
    cols = [c.strip() for c in line.strip("|").split("|")]
    idea, parts = cols[0], cols[1:]
    labs = [re.findall(r"\{ref\}`([\w-]+)`", p) for p in parts]
    for i, own in enumerate(labs):
        for lab in own:
            f = label_file[lab]
            for j, other in enumerate(labs):
                if j == i:
                    continue
                for o in other:
                    if label_file[o] != f:
                        links.setdefault(f, {}).setdefault(o, None)
MARK = "<!-- seealso: generated from book/appendix/concordance.md -->"
for f, labs in links.items():
    text = f.read_text()
    if MARK in text:
        text = text[: text.index(MARK)].rstrip() + "\n"
    refs = ", ".join(f"{{ref}}`{l}`" for l in labs)
    text = (
        text.rstrip()
        + f"\n\n{MARK}\n:::{{seealso}}\nThe same ideas in the other parts of the book: {refs}. Every cross-reference is in the {{ref}}`concordance <app-concordance>`.\n:::\n"
    )
    f.write_text(text)
    print(f, len(labs))
