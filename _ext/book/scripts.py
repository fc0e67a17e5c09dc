"""A workaround: sphinx-thebe's configuration script is registered twice under jupyter-book 1,
which makes browsers report "THEBE_JS_URL has already been declared"."""

from __future__ import annotations


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Keep each of a page's scripts once (an inline script is known by its text)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        if "body" in attributes:  # an inline script: its text is what counts
            key = ("inline", attributes["body"])
        else:
            key = (str(getattr(script, "filename", script)), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique
