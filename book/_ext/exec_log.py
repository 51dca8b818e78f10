"""The ``{dlfp-exec-log}`` directive: per page, what the last build executed and why.

exec_cache.py writes ``_build/exec-log.json`` before Sphinx reads any page.
The directive leaves a placeholder that a post-transform replaces, at write
time, with a table from that file; the pages holding one are written again
in every build (``env-updated``), so the table is always the last build's.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

KEY = "dlfp_exec_log"
HEADERS = ("Page", "In this build", "Its execution shown here", "Run time (s)", "Depends on")


class ExecLogNode(nodes.General, nodes.Element):
    """Placeholder for the table."""


class ExecLogDirective(SphinxDirective):
    def run(self):
        self.env.metadata[self.env.docname][KEY] = True
        return [ExecLogNode()]


def depends_on(record: dict | None) -> str:
    """A short description of a page's dependency record."""
    if not record:
        return "-"
    if record.get("whole_package"):
        return f"the whole package ({record['whole_package']})"
    files = [f for f, digest in record.get("files", {}).items() if digest is not None]
    modules = [f for f in files if f.startswith("code/src/") and f.endswith(".py")]
    data = [f for f in files if f not in modules and f != "requirements.txt"]
    text = f"{len(modules)} modules"
    return text + (f", {len(data)} data files" if data else "")


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        row += nodes.entry("", cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell)))
    return row


def make_table(docname: str, log: dict) -> nodes.Node:
    if not log:
        return nodes.paragraph(text="No execution log: this site was built without the book's execution cache.")
    table = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(HEADERS))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in HEADERS)
    head = nodes.thead()
    head += _row(HEADERS)
    body = nodes.tbody()
    group += head
    group += body
    for page, entry in sorted(log["pages"].items()):
        target = page.removesuffix(".md")
        link = pending_xref(
            refdoc=docname, reftarget="/" + target, reftype="doc", refdomain="std", refexplicit=True, refwarn=True
        )
        link += nodes.inline(text=target)
        para = nodes.paragraph()
        para += link
        if entry.get("failed_at"):
            now = f"failed at {entry['failed_at']}"
        elif entry["executed"]:
            now = f"executed: {entry['reason']}"
        else:
            now = "from cache"
        last = entry.get("last_execution") or {}
        shown = f"{last['at']} by {last['by']}: {last['reason']}" if last else "-"
        seconds = last.get("seconds", entry.get("seconds", "-"))
        body += _row([para, now, shown, seconds, entry.get("depends_on", "-")])
    return table


class ExecLogTransform(SphinxPostTransform):
    default_priority = 8  # before references are resolved

    def run(self, **kwargs) -> None:
        path = Path(self.app.outdir).parent / "exec-log.json"
        log = json.loads(path.read_text()) if path.exists() else {}
        for node in list(self.document.findall(ExecLogNode)):
            node.replace_self(make_table(self.env.docname, log))


def _always_rewrite(app, env):
    return [d for d, meta in env.metadata.items() if meta.get(KEY)]


def setup(app):
    app.add_node(ExecLogNode)
    app.add_directive("dlfp-exec-log", ExecLogDirective)
    app.add_post_transform(ExecLogTransform)
    app.connect("env-updated", _always_rewrite)
