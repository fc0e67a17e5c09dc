"""The whole book as one PDF: the single-page HTML build (``jupyter-book build . --builder
singlehtml``, from the same executed chapters as the HTML book) printed by headless Chromium.

``python -m book.pdf SITE OUT`` (``make pdf``) opens ``SITE/index.html`` (the single-page build,
from its files) in Chromium through playwright, waits until MathJax has typeset every
formula and every image has loaded, puts a table of contents (every chapter's title) at the
front, and prints to ``OUT`` (A4, with page numbers). Nothing is fetched from the network:
MathJax is served by the book itself (``sphinx-mathjax-offline``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
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
  const text = h => h.textContent.replace(/#$/, '').trim();
  const article = document.querySelector('article.bd-article') || document.body;
  // the single page holds every chapter after a marker <span id="document-chapters/...">
  const chapters = [];
  const first = article.querySelector('section');
  if (first) chapters.push(first);
  for (const mark of article.querySelectorAll('span[id^="document-"]')) {
    const section = mark.nextElementSibling;
    if (section && section.tagName === 'SECTION' && section !== first) {
      section.classList.add('pdf-chapter');
      chapters.push(section);
    }
  }
  const nav = document.createElement('nav');
  nav.className = 'pdf-contents';
  nav.innerHTML = '<h2>Contents</h2>';
  const list = document.createElement('ol');
  const titles = [];
  for (const section of chapters) {
    const h = section.querySelector('h1, h2');
    if (!h) continue;
    titles.push(text(h));
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = '#' + section.id;
    link.textContent = text(h);
    item.appendChild(link);
    list.appendChild(item);
  }
  nav.appendChild(list);
  if (first) { first.querySelector('h1, h2').after(nav); }
  // print the text alone: no header, sidebars, search or navigation
  const main = document.createElement('main');
  main.className = 'pdf-book';
  main.appendChild(article);
  document.body.replaceChildren(main);
  const unset = Array.from(article.querySelectorAll('.math')).filter(m => !m.querySelector('mjx-container')).length;
  return {titles, unset};
}"""


def chromium_executable() -> str:
    """Debian's Chromium (``.ci/run`` installs it), or say how to get one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("make pdf needs Chromium: install the Debian package 'chromium'")
    return found


def _root_page(site: Path) -> Path:
    """The single page: ``index.html``, or the page it redirects to (jupyter-book writes a
    redirect to the root chapter). Sphinx writes that page's links to ``_static`` and
    ``_images`` as if it sat at the top of the site: a copy there, ``book.html``, is printed."""
    import re

    index = site / "index.html"
    if not index.is_file():
        raise SystemExit(f"no single-page build in {site}: run jupyter-book build . --builder singlehtml first")
    refresh = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index.read_text(), flags=re.I)
    if not refresh:
        return index
    single = site / "book.html"
    shutil.copyfile(site / refresh.group(1), single)
    return single


def print_book(site: Path, out: Path, executable: str | None = None) -> list[str]:
    """Print the single-page book in ``site`` (its ``index.html``) to ``out``; returns the chapter
    titles put in the contents."""
    from playwright.sync_api import sync_playwright

    root = _root_page(site)
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable or chromium_executable(),
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())  # offline: the book's own files only
            page.goto(root.resolve().as_uri(), wait_until="networkidle", timeout=300_000)
            seen = page.evaluate(PREPARE)
            if seen["unset"]:
                raise SystemExit(f"MathJax left {seen['unset']} formulas untypeset: no PDF written")
            page.emulate_media(media="print")
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                     '<span class="pageNumber"></span></div>',
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    return seen["titles"]


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
