"""The whole book as one PDF: the single-page HTML build (``jupyter-book build . --builder
singlehtml``, from the same executed chapters as the HTML book) printed by headless Chromium.

``python -m book.pdf SITE OUT`` (``make pdf``) serves ``SITE`` (the single-page build) on a
loopback port, opens it in Chromium through playwright, waits until MathJax has typeset every
formula and every image has loaded, puts a table of contents (every chapter's title) at the
front, and prints to ``OUT`` (A4, with page numbers). Nothing is fetched from the network:
MathJax is served by the book itself (``sphinx-mathjax-offline``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import socketserver
import sys
import threading
from pathlib import Path


def share_html_handlers(app) -> None:
    """``builder-inited``: let the single-page builder render every node the HTML builder can.

    Sphinx looks a node's HTML handlers up by the builder's name and falls back to its format
    only when no extension registered anything for that name; sphinx-proof registers nodes for
    ``singlehtml``, so MyST-NB's (registered for ``html`` only, e.g. its hidden-input cells) would
    be missing from the single-page build."""
    handlers = app.registry.translation_handlers
    name = app.builder.name
    if name != "html" and app.builder.format == "html" and name in handlers:
        for node, pair in handlers.get("html", {}).items():
            handlers[name].setdefault(node, pair)


# Runs in the page before printing: a contents list of the chapters (the h1 of every section the
# single page holds), MathJax finished, images loaded.
PREPARE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await Promise.all(Array.from(document.images).map(i => i.complete ? null :
      new Promise(r => { i.onload = i.onerror = r; })));
  const article = document.querySelector('article.bd-article') || document.body;
  const titles = Array.from(article.querySelectorAll('section > h1'));
  const nav = document.createElement('nav');
  nav.className = 'pdf-contents';
  nav.innerHTML = '<h1>Contents</h1>';
  const list = document.createElement('ol');
  for (const h of titles) {
    const section = h.closest('section');
    if (!section.id) continue;
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = '#' + section.id;
    link.textContent = h.textContent.replace(/#$/, '').trim();
    item.appendChild(link);
    list.appendChild(item);
  }
  nav.appendChild(list);
  if (titles.length) { titles[0].closest('section').after(nav); }
  return titles.map(h => h.textContent.replace(/#$/, '').trim());
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _served(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def chromium_executable() -> str:
    """Debian's Chromium (``.ci/run`` installs it), or say how to get one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("make pdf needs Chromium: install the Debian package 'chromium'")
    return found


def print_book(site: Path, out: Path, executable: str | None = None) -> list[str]:
    """Print the single-page book in ``site`` (its ``index.html``) to ``out``; returns the chapter
    titles put in the contents."""
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").is_file():
        raise SystemExit(f"no single-page build in {site}: run jupyter-book build . --builder singlehtml first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _served(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable or chromium_executable(),
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       or route.request.url.startswith("data:") else route.abort())  # offline: the book's own files only
            page.goto(f"{base}/index.html", wait_until="networkidle", timeout=300_000)
            titles = page.evaluate(PREPARE)
            page.emulate_media(media="print")
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                     '<span class="pageNumber"></span></div>',
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    return titles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the single-page HTML build (holds index.html)")
    parser.add_argument("out", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    titles = print_book(args.site, args.out)
    print(f"{args.out}: {len(titles)} chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
