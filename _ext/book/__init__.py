"""The Sphinx extension of this book (``_config.yml``: ``sphinx: local_extensions: book: _ext``),
one module per job:

- :mod:`.claims_map` — the ``{claims-map}`` directive: the paper's figures and claims
  (``paper_items.toml``) against the book's figures that rebuild them, with their data status;
- :mod:`.glance` — the ``{results-at-a-glance}`` directive: for each of those items, what the paper
  states, what this build computes and whether they agree (``annotator_incentives.findings.glance``);
- :mod:`.downloads` — at the end of a build, ``downloads/``: the figures with ``SHA256SUMS``, every
  chapter as a notebook whose first code cell (the template ``setup_cell.py``) installs the library
  from the wheel built beside it, with ``constraints.txt``, in two editions (the reader's, and
  the student's without solutions in ``student/``);
- :mod:`.editions` — a chapter as those two notebooks: solutions folded or replaced, hidden cells
  collapsed, captions and the chapter's references;
- :mod:`.commonmark` — MyST Markdown (cells and the code's Markdown outputs) to CommonMark, what
  Jupyter, JupyterLab, VS Code and Colab render;
- :mod:`.crossrefs` — what the book's references resolve to (numbers, titles, pages, citations),
  from the sources as Sphinx numbers them, corrected by the build's own numbering;
- :mod:`.launch` — Binder and Colab buttons, when the book is built from a GitHub repository;
- :mod:`.run_box` — the "Run this chapter" box at the top of every chapter;
- :mod:`.alt_text` — an alt text from the caption for every figure image;
- :mod:`.citation` — the ``{book-citation}`` directive (BibTeX from CITATION.cff);
- :mod:`.scripts` — a workaround: each page's scripts once (jupyter-book 1 adds thebe's twice);
- :mod:`.favicon` — ``favicon.ico`` at the root of the HTML;
- :mod:`.pdf` — the whole book as one PDF (``make pdf``): the single-page build printed by Chromium.
- :mod:`.explorers` — the interactive explorers' Vega-Lite outputs, drawn by the vendored Vega
  scripts (``_static/vendor``) on the pages that have one.

:mod:`.repository` holds what they share: the repository's root, the GitHub repository the book
is published from, a chapter's front matter, the library's version, the figures' folder.
"""

from __future__ import annotations

from . import alt_text, citation, claims_map, downloads, explorers, favicon, glance, launch, pdf, repository, run_box, scripts


def setup(app):
    app.connect("config-inited", launch.launch_settings)
    app.connect("config-inited", repository.set_figure_dir)
    app.connect("builder-inited", pdf.share_html_handlers)
    app.connect("config-inited", explorers.keep_vendor_off_other_pages)
    explorers.register_plugin(app)
    app.connect("html-page-context", launch.colab_button, priority=502)  # after the theme's launch buttons (501)
    app.connect("html-page-context", scripts.dedupe_scripts)
    app.add_node(claims_map.claims_map)
    app.add_directive("claims-map", claims_map.ClaimsMapDirective)
    app.connect("doctree-resolved", claims_map.fill_claims_map)
    app.add_node(glance.results_at_a_glance)
    app.add_directive("results-at-a-glance", glance.GlanceDirective)
    app.connect("doctree-resolved", glance.fill_glance)
    app.connect("env-get-outdated", claims_map.always_refresh)
    app.connect("build-finished", favicon.copy_favicon)
    app.connect("build-finished", downloads.write_downloads)
    app.connect("doctree-read", run_box.insert_run_box)
    app.connect("doctree-resolved", alt_text.figure_alt_texts)
    app.add_directive("book-citation", citation.BookCitationDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "0.1"}
