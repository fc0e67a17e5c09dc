"""A clean build of the whole book (warnings are errors, a failing notebook fails the build),
and every page of it opened in a real headless Chromium."""

from __future__ import annotations

import json
import re

import pytest

from book import claims_map, repository
from book_sources import book_cells
from serving import served
from suite import EXAMPLE_REPOSITORY, REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.mark.slow
def test_clean_book_build(built_book):
    out, result = built_book
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    html = out / "_build" / "html"
    assert (html / "index.html").is_file()
    data_page = (html / "chapters" / "data.html").read_text()
    assert "<img" in data_page and "Traceback" not in data_page
    # reader text holds no build-machine paths or exception names (issue #12, item 7)
    for page in (html / "chapters").glob("*.html"):
        text = page.read_text()
        for leak in (str(REPO_ROOT), str(out), "ConnectionError", "(unreachable)"):
            assert leak not in text, (page.name, leak)
    assert (out / "figures" / "fig1_top_p_histograms.png").is_file()
    # the claims map was filled in and the downloads were written
    intro = (html / "chapters" / "intro.html").read_text()
    assert "claims-map" in intro and "Figure 3: normalised utility gap" in intro
    assert (html / "downloads" / "figures" / "fig3_utility_gap.svg").is_file()
    assert (html / "downloads" / "notebooks" / "utility_gap.ipynb").is_file()
    # MathJax is served from the book itself
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "cdn.jsdelivr" not in intro


@pytest.mark.parametrize("remote,expected", [
    ("https://github.com/org/repo", "https://github.com/org/repo"),
    ("https://github.com/org/repo.git", "https://github.com/org/repo"),
    ("git@github.com:org/my.repo.git", "https://github.com/org/my.repo"),
    ("https://gitlab.com/org/repo", None),  # Binder and Colab links are built for GitHub only
    ("", None),
])
def test_the_published_repository_is_read_from_the_environment(monkeypatch, remote, expected):
    monkeypatch.setenv("BOOK_REPOSITORY_URL", remote)
    monkeypatch.setenv("BOOK_REPOSITORY_BRANCH", "main")
    monkeypatch.setattr(repository, "_git", lambda *args: "")  # no checkout's remote either
    repository.published_repository.cache_clear()
    try:
        found = repository.published_repository()
    finally:
        repository.published_repository.cache_clear()
    assert (found[0] if found else None) == expected


@pytest.mark.slow
def test_launch_buttons_open_the_chapter(built_book):
    """Binder opens the chapter's MyST file in JupyterLab; Colab opens its notebook from the
    published book, whose first cell installs the library from the repository."""
    out, result = built_book
    assert result.returncode == 0
    html = out / "_build" / "html"
    page = (html / "chapters" / "utility_gap.html").read_text()
    assert "https://mybinder.org/v2/gh/example-org/annotator-incentives/main?urlpath=lab/tree/chapters/utility_gap.md" in page
    assert ("https://colab.research.google.com/github/example-org/annotator-incentives/blob/gh-pages/"
            "downloads/notebooks/utility_gap.ipynb") in page
    notebooks = html / "downloads" / "notebooks"
    notebook = json.loads((notebooks / "utility_gap.ipynb").read_text())
    first = "".join(notebook["cells"][0]["source"])
    wheel = sorted(notebooks.glob("annotator_incentives-*.whl"))
    assert wheel, "no wheel of the library beside the notebooks"
    # from the wheel beside the notebook, else the published book's downloads, else the repository
    assert "find_spec" in first and f"WHEEL = {wheel[-1].name!r}" in first
    assert f"https://example-org.github.io/annotator-incentives/downloads/notebooks/{wheel[-1].name}" in first
    assert "git+" + EXAMPLE_REPOSITORY in first


@pytest.mark.slow
def test_every_page_in_headless_chromium(built_book, chromium):
    playwright, executable = chromium
    out, result = built_book
    assert result.returncode == 0
    html = out / "_build" / "html"
    with served(html) as base:
        pages = sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html"))
        problems = []
        ARTIFACTS.mkdir(exist_ok=True)
        with playwright.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            failed, external = [], set()
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("request", lambda r: external.add(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
            for name in ["index.html", *pages]:
                errors.clear()
                failed.clear()
                page.goto(f"{base}/{name}", wait_until="networkidle")
                if page.query_selector("span.math, div.math"):  # Sphinx marks math for MathJax
                    page.wait_for_selector("mjx-container", timeout=15_000)
                broken = page.evaluate(
                    "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
                )
                local_failures = [u for u in failed if u.startswith(base)]
                if errors or broken or local_failures:
                    problems.append((name, errors[:3], broken[:3], local_failures[:3]))
                if name == "chapters/intro.html":
                    page.screenshot(path=str(ARTIFACTS / "intro.png"), full_page=False)
                if name == "chapters/utility_gap.html":
                    figure = page.query_selector("#fig-utility-gap")
                    (figure or page).screenshot(path=str(ARTIFACTS / "utility_gap_figure.png"))
                    assert page.query_selector("mjx-container") is not None, "math did not render"
            browser.close()
    assert not problems, problems
    assert not external, f"the book fetched assets from the network: {sorted(external)[:5]}"


def test_the_claims_map_states_the_data_each_figure_declared():
    figure = {"data_kind": "real preference data", "datasets": ["UltraFeedback sample"], "drawn": True,
              "missing": ["pku", "helpsteer"], "data": "..."}
    votes = {"data_kind": "real annotator data", "datasets": [], "drawn": True, "missing": [], "data": "MT-Bench votes"}
    absent = {"data_kind": "real preference data", "datasets": [], "drawn": False, "missing": ["pku", "skywork"], "data": ""}
    assert claims_map.status([figure]) == ("real preference data (UltraFeedback sample); "
                                             "the paper used HelpSteer, PKU, not available on this build")
    assert claims_map.status([votes]) == "real annotator data (MT-Bench votes)"
    assert claims_map.status([absent]) == "not drawn: it needs PKU, Skywork, not available on this build"


def test_the_chapters_tie_their_figures_to_items_of_the_paper():
    """Every ``book:`` cell of a chapter names files and rebuilds only items of the claims map,
    under a label defined in its chapter; every paper item is rebuilt by some cell."""
    import re

    cells = book_cells()
    keys = {key for key, _ in claims_map.PAPER_ITEMS}
    files = [name for cell in cells for name in cell["files"]]
    assert cells and len(files) == len(set(files)), "two cells save under one name"
    for cell in cells:
        assert set(cell["rebuilds"]) <= keys, (cell["label"], set(cell["rebuilds"]) - keys)
        assert set(cell["explores"]) <= keys, (cell["label"], set(cell["explores"]) - keys)
        text = cell["source"].read_text()
        label = re.escape(cell["label"])
        defined = re.search(rf"^\s*name: {label}$|^\({label}\)=$|:name: {label}\b", text, re.M)
        assert defined, f"{cell['label']} is not a label of {cell['source'].name}"
    rebuilt = {key for cell in cells for key in cell["rebuilds"]}
    assert keys - set(claims_map.NOT_REBUILT) <= rebuilt, keys - rebuilt


def test_a_book_cell_needs_a_label_and_files(tmp_path):
    header = "---\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
    chapter = tmp_path / "chapter.md"
    chapter.write_text(header + "```{code-cell} ipython3\n---\nbook:\n  rebuilds: [fig3]\n  files: [gap]\n---\nx = 1\n```\n")
    with pytest.raises(ValueError, match="needs files .* and a label"):
        claims_map.book_cells([chapter])
    chapter.write_text(header + "```{code-cell} ipython3\n---\nbook:\n  label: tab-x\n  file: [gap]\n---\nx = 1\n```\n")
    with pytest.raises(ValueError, match="takes explores, files, label, rebuilds"):
        claims_map.book_cells([chapter])
    chapter.write_text(header + "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    name: fig-gap\nbook:\n"
                       "  rebuilds: [fig3]\n  files: [gap]\n---\nx = 1\n```\n")
    found = claims_map.book_cells([chapter])
    assert [(c["label"], c["rebuilds"], c["files"]) for c in found] == [("fig-gap", ["fig3"], ["gap"])]
    # an explorer's cell names the items it explores instead of files
    chapter.write_text(header + "```{code-cell} ipython3\n---\nbook:\n  label: sec-x\n  explores: [fig3]\n---\nx = 1\n```\n")
    assert [(c["label"], c["files"], c["explores"]) for c in claims_map.book_cells([chapter])] == [("sec-x", [], ["fig3"])]


GLOSSARY = REPO_ROOT / "chapters" / "glossary.md"
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<([^>]+)>|([^`]+))`")


def glossary_entries() -> list[set[str]]:
    """The glossary's entries, each the set of its names (lower case), read from its directive."""
    body = GLOSSARY.read_text().split("```{glossary}", 1)[1].split("```", 1)[0]
    entries, names = [], set()
    for line in body.splitlines():
        if line.strip() and not line.startswith(" "):
            names.add(line.strip().lower())
        elif names:
            entries.append(names)
            names = set()
    return entries


def test_every_glossary_entry_is_linked_from_a_chapter():
    """Every entry of the glossary is linked ({term}) from at least one chapter, and every
    {term} of a chapter names an entry (the -n build fails on a dangling one too)."""
    entries = glossary_entries()
    assert len(entries) >= 25 and all(entries)
    known = set().union(*entries)
    linked, unknown = set(), []
    for path in sorted((REPO_ROOT / "chapters").glob("*.md")):
        if path == GLOSSARY:
            continue
        for match in TERM_ROLE.finditer(path.read_text()):
            name = (match.group(1) or match.group(2)).strip().lower()
            (linked.add(name) if name in known else unknown.append((path.name, name)))
    assert not unknown, unknown
    assert not [sorted(e) for e in entries if not e & linked], [sorted(e) for e in entries if not e & linked]


def test_every_paper_item_has_a_reading_at_a_glance():
    from annotator_incentives.findings.glance import READERS

    assert list(READERS) == [key for key, _ in claims_map.PAPER_ITEMS]
    assert all(item.get("where") and item.get("paper") for item in claims_map.paper_items())


@pytest.mark.slow
def test_results_at_a_glance_has_a_verdict_for_every_item(built_book):
    """The page "Results at a glance" was filled in: one card per item of the paper, each with
    a verdict, the paper's statement and a link or the reason it is not rebuilt; no nan."""
    from annotator_incentives.findings.glance import VERDICTS

    out, result = built_book
    page = (out / "_build" / "html" / "chapters" / "glance.html").read_text()
    cards = re.findall(r'<div class="glance-item[^"]*" id="glance-([\w-]+)">(.*?)</dl>', page, flags=re.S)
    assert [key for key, _ in cards] == [key for key, _ in claims_map.PAPER_ITEMS]
    for key, card in cards:
        assert any(f"<strong>{v}</strong>" in card for v in VERDICTS), key
        assert "The paper (" in card and "This build" in card and "Verdict" in card, key
        assert "nan" not in re.sub(r"<[^>]+>", " ", card).split(), key
    assert "On this build, of the paper" in page


@pytest.mark.slow
def test_the_claims_map_and_the_results_link_the_explorers(built_book):
    """The claims map (introduction) and the results at a glance link each interactive explorer
    from every item its chapter cell says it explores, and every such link reaches the
    explorer's section."""
    out, result = built_book
    html = out / "_build" / "html" / "chapters"
    explored = {}
    for cell in book_cells():
        for key in cell["explores"]:
            explored.setdefault(key, set()).add(cell["label"])
    assert {"sec-contract-explorer", "sec-assessment-explorer"} <= set().union(*explored.values())
    assert "sec-assessment-explorer" in explored["claim-self-consistency"] and "sec-contract-explorer" in explored["fig3"]
    for name in ("intro.html", "glance.html"):
        page = (html / name).read_text()
        links = re.findall(r'<a class="[^"]*explorer-link[^"]*" href="([^"#]+)#([\w-]+)"', page)
        assert {anchor for _, anchor in links} == set().union(*explored.values()), (name, links)
        for target, anchor in links:
            assert f'id="{anchor}"' in (html / target).read_text(), (name, target, anchor)
    glance = (html / "glance.html").read_text()
    for key, labels in explored.items():
        card = glance.split(f'id="glance-{key}"', 1)[1].split("</dl>", 1)[0]
        assert all(f"#{label}" in card for label in labels), key


@pytest.mark.slow
def test_the_whole_book_pdf_has_every_chapter_and_figure(built_book, chromium, tmp_path):
    """`make pdf`'s route on the test's build: the single-page build from the same execution cache
    (no chapter executes again), printed by Chromium once MathJax has typeset it. The PDF holds
    every chapter's title and every numbered figure and table of the HTML book, and no raw TeX."""
    import os
    import subprocess
    import sys
    import unicodedata
    from html import unescape
    from pathlib import Path

    from pypdf import PdfReader

    from book import pdf
    from book_sources import toc_files

    playwright, executable = chromium
    out, result = built_book
    assert result.returncode == 0
    env = dict(os.environ, ANNOTATOR_FIGURE_DIR=str(out / "figures"))
    env.pop("ANNOTATOR_DATA_DIR", None)
    single = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(REPO_ROOT), "--path-output",
                             str(out), "--builder", "singlehtml", "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, env=env, timeout=2400)
    assert single.returncode == 0, single.stdout[-3000:] + single.stderr[-3000:]
    assert "Executing notebook" not in single.stdout + single.stderr  # the same executed chapters
    book = tmp_path / "book.pdf"
    titles = pdf.print_book(out / "_build" / "singlehtml", book, executable)
    text = unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in PdfReader(book).pages))  # ligatures
    flat = re.sub(r"\s+", " ", text)
    html = out / "_build" / "html"
    expected_titles = []
    for doc in toc_files():
        page = (html / f"{doc}.html").read_text()
        heading = re.search(r"<h1>(.*?)</h1>", page, flags=re.S).group(1)
        expected_titles.append(unescape(re.sub(r"<[^>]+>|#", "", heading)).strip())
    assert len(titles) >= len(expected_titles)
    missing = [t for t in expected_titles if re.sub(r"\s+", " ", t) not in flat]
    assert not missing, missing
    numbers = sorted({n for page in html.glob("chapters/*.html")
                      for n in re.findall(r'<span class="caption-number">((?:Fig\.|Table) \d+)', page.read_text())})
    absent = [n for n in numbers if not re.search(re.escape(n) + r"\b", flat)]
    assert numbers and not absent, absent
    # print_book refuses to print before MathJax has typeset every formula; a formula shows as glyphs, not TeX
    assert "\\(" not in text and "\\)" not in text
