"""Vega-Lite outputs (the book's interactive explorers) drawn in the page by the Vega JavaScript
the book ships in ``_static/vendor`` (no CDN: the HTML works offline, opened from disk).

A chapter cell that shows an Altair chart leaves a Vega-Lite specification in its output
(``application/vnd.vegalite.v5+json``), which JupyterLab, VS Code and Colab draw themselves.
In the HTML book :class:`VegaLitePlugin`, a MyST-NB mime renderer, turns that output into a
container with the specification, a static PNG of the chart's first setting (for readers
without JavaScript; rendered offline by ``vl-convert``) and a call of ``vegaEmbed``; the page
gets the three vendored scripts (only the pages with an explorer: :func:`keep_vendor_off_other_pages`
takes them out of the list jupyter-book gives every page). Other builders show the PNG.
"""

from __future__ import annotations

import hashlib
import json

from docutils import nodes

MIME = "application/vnd.vegalite.v5+json"
VENDOR = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")
FALLBACK = ("The interactive explorer needs JavaScript; shown here is its first setting. The numbers and the "
            "text above it describe what it shows.")


# Charts and controls that fit the page: a chart wider than its box is drawn again with its rows of
# views stacked into one column (a phone), and scaled down if it is still too wide; a control is
# never wider than the box. The controls come first, so that on a phone they sit above the views
# they move rather than below all four. Each explorer's numbers are text lines within their view.
STYLE = (".book-explorer .vega-embed { max-width: 100%; display: flex; flex-direction: column; } "
         ".book-explorer .vega-bindings { order: -1; margin-bottom: 0.5em; } "
         ".book-explorer svg { max-width: 100%; height: auto; } "
         ".book-explorer .vega-bind label { display: flex; flex-wrap: wrap; align-items: center; gap: 0 0.4em; } "
         ".book-explorer select { max-width: 100%; } .book-explorer .vega-bind { margin: 0.2em 0; }")
EMBED = """function (element) {
  var box = document.getElementById(element);
  if (!window.vegaEmbed) return;
  var spec = JSON.parse(document.getElementById(element + '-spec').textContent);
  var options = {renderer: 'svg', actions: false};
  var chart = document.createElement('div'); box.innerHTML = ''; box.appendChild(chart);
  var ready = function () { box.setAttribute('data-ready', 'true'); };
  var rows = (spec.vconcat || []).some(function (view) { return view.hconcat; });
  vegaEmbed(chart, spec, options).then(function (result) {
    var svg = chart.querySelector('svg');
    if (!rows || !svg || Number(svg.getAttribute('width')) <= box.clientWidth) return ready();
    result.finalize(); chart.innerHTML = '';
    var column = Object.assign({}, spec, {vconcat: spec.vconcat.reduce(function (all, view) {
      return all.concat(view.hconcat ? view.hconcat.map(function (inner) {
        return view.data && !inner.data ? Object.assign({data: view.data}, inner) : inner; }) : [view]); }, [])});
    return vegaEmbed(chart, column, options).then(ready);
  });
}"""


def _png(spec: dict) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=1.0)


class VegaLitePlugin:
    """MyST-NB mime renderer for Vega-Lite 5 outputs: preferred in HTML, not chosen elsewhere
    (there the output's other representations are used, or the PNG this plugin writes)."""

    mime_priority_overrides = [("html", MIME, 1), ("latex", MIME, 1), ("singlehtml", MIME, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != MIME or inline:
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        text = json.dumps(spec, separators=(",", ":"), sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        uri = renderer.write_file([f"explorer-{key}.png"], _png(spec), overwrite=False, exists_ok=True)
        description = spec.get("description") or "An interactive chart."
        image = nodes.image(uri=uri, alt=f"{description} (static picture of its first setting)",
                            classes=["book-explorer-fallback"])
        builder = getattr(getattr(renderer.renderer, "sphinx_env", None), "app", None)
        if builder is not None and builder.builder.format != "html":
            return [image]
        for name in VENDOR:
            renderer.add_js_file(name.split("/")[-1], name, {})
        element = f"book-explorer-{key}"
        safe = text.replace("</", "<\\/")  # the specification cannot end its script element
        opening = (f'<style>{STYLE}</style>'  # outside the box, whose content the chart replaces
                   f'<div class="book-explorer" id="{element}" role="group" aria-label="{_attribute(description)}"'
                   ' style="overflow-x: auto; max-width: 100%">'
                   f'<p class="book-explorer-note">{FALLBACK}</p>')
        closing = (f'</div><script type="application/json" id="{element}-spec">{safe}</script>'
                   f"<script>({EMBED})('{element}');</script>")
        return [nodes.raw("", opening, format="html"), image, nodes.raw("", closing, format="html")]


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def register_plugin(app) -> None:
    """Add :class:`VegaLitePlugin` to the mime renderers MyST-NB loads from entry points (its
    list is computed once and cached, so appending to it registers the plugin)."""
    from myst_nb.core import render

    plugins = render.load_mime_renders()
    if VegaLitePlugin not in plugins:
        plugins.append(VegaLitePlugin)


def keep_vendor_off_other_pages(app, config) -> None:
    """jupyter-book puts every ``.js`` file under ``_static`` on every page; the vendored Vega
    scripts go only on the pages with an explorer (:meth:`VegaLitePlugin.handle_mime` adds them)."""
    config.html_js_files = [entry for entry in config.html_js_files
                            if not str(entry[0] if isinstance(entry, tuple) else entry).startswith("vendor/")]
