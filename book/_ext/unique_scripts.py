"""Include each script once per page.

sphinx-thebe 0.3.1 registers its inline configuration script
(``const THEBE_JS_URL = ...``) in a way that reaches the page twice; the
second copy throws "Identifier 'THEBE_JS_URL' has already been declared" on
every page. This keeps the first of any identical script entries.
"""

from __future__ import annotations


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {}) or {}
        filename = getattr(script, "filename", script) or None  # None and "" both mean inline
        key = (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    if "script_files" in context:
        context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
