"""The teacher's kit: the "Run this chapter" box, figure alt texts, the book's citation, and
the exercises of every chapter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
import yaml
from docutils import nodes

from book import alt_text, citation, repository, run_box
from book_pages import image_alts
from book_sources import VERSION, notebook_files, source
from suite import REPO_ROOT


def notebook_chapters() -> list:
    """The chapters with code after the introduction (the toc's root, which declares no data)."""
    return [source(doc) for doc in notebook_files(root=False)]


# --- declarations and exercises of the real chapters -------------------------------------------

@pytest.mark.parametrize("chapter", notebook_chapters(), ids=lambda p: p.stem)
def test_every_chapter_declares_its_data(chapter):
    header = repository.front_matter(chapter)
    assert "data" in header, (f"{chapter.name}: add `data: [...]` (keys of annotator_incentives.data.DATASETS and "
                              "PACKAGED_FOLDERS, [] for model only) to its front matter")
    assert isinstance(header["data"], list)
    assert set(header["data"]) <= set(run_box.data_sources()), header["data"]
    run_box.data_sentence(header["data"])  # no unknown key


@pytest.mark.parametrize("chapter", [p for p in notebook_chapters() if p.stem != "intro"], ids=lambda p: p.stem)
def test_every_chapter_has_two_exercises_with_hidden_solutions(chapter):
    text = chapter.read_text()
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)", text)
    assert len(labels) >= 2, f"{chapter.name}: {labels}"
    for label in labels:
        assert re.search(r"```\{solution-start\} " + re.escape(label) + r"\n:class: dropdown", text), label
    assert text.count("{solution-start}") == text.count("{solution-end}")


# --- the functions, on docutils nodes ----------------------------------------------------------

def test_data_sentence_says_what_ships():
    model = nodes.paragraph("", "", *run_box.data_sentence([])).astext()
    assert "model" in model
    shipped = nodes.paragraph("", "", *run_box.data_sentence(["mt-bench-human-judgments"])).astext()
    assert "shipped with the library" in shipped and "not shipped" not in shipped
    mixed = nodes.paragraph("", "", *run_box.data_sentence(["pku", "ultrafeedback-sample"])).astext()
    assert "not shipped" in mixed and "PKU-SafeRLHF" in mixed and "UltraFeedback sample" in mixed
    with pytest.raises(ValueError, match="unknown"):
        run_box.data_sentence(["no-such-data"])
    with pytest.raises(ValueError, match="unknown"):
        run_box.data_sentence(["ultrafeedback"])  # the library's key is "ultra"


def test_data_sources_are_the_librarys_registry():
    from annotator_incentives import data as D

    sources = run_box.data_sources()
    assert set(sources) == set(D.DATASETS) | set(D.PACKAGED_FOLDERS)
    assert all(sources[k][1] for k in D.PACKAGED_FOLDERS) and not any(sources[k][1] for k in D.DATASETS)
    hub = nodes.paragraph("", "", *run_box.data_sentence(["pku", "helpsteer", "ultra", "skywork"])).astext()
    assert "PKU-SafeRLHF, HelpSteer, UltraFeedback and Skywork when available" in hub


def test_run_box_links_the_notebook_and_the_wheel():
    box = run_box.run_box("chapters/planning", {"data": ["ultrafeedback-sample"]}, "9.8.7")
    refs = [r["refuri"] for r in box.findall(nodes.reference)]
    assert "../downloads/notebooks/planning.ipynb" in refs
    text = box.astext()
    assert text.startswith("Run this chapter")
    assert "annotator_incentives-9.8.7-py3-none-any.whl" in text and "pip install -e ." in text
    assert "pip install annotator-incentives\n" not in text  # not on PyPI


def test_alt_text_comes_from_the_caption():
    figure = nodes.figure()
    figure += nodes.image(uri="abc123.png", alt="abc123.png")
    figure += nodes.caption(text="Histograms of the folded preference probability on the evaluation half. More words.")
    plain = nodes.figure()
    plain += nodes.image(uri="x.png", alt="A hand-written description of the plot")
    plain += nodes.caption(text="Something else entirely, long enough to be a sentence.")
    document = nodes.document(None, None)
    document += [figure, plain]
    alt_text.figure_alt_texts(None, document, "page")
    assert figure[0]["alt"] == "Figure: Histograms of the folded preference probability on the evaluation half."
    assert plain[0]["alt"] == "A hand-written description of the plot"
    assert alt_text.looks_like_file_name("_build/jupyter_execute/abc.png")
    assert alt_text.looks_like_file_name("3f9e0c.png")
    assert not alt_text.looks_like_file_name("Figure: a plot of p.")


@pytest.mark.parametrize("tex, said", [
    (r"(\mathcal C - \mathcal C_n)/\mathcal C", "(C - C_n)/C"),
    (r"\hat\eta = (2A - 1)/\bar c", "η\u0302 = (2A - 1)/c\u0304"),
    (r"b\,\partial_\eta \mathbb P(X \ge k)", "b ∂_η P(X ≥ k)"),
    (r"\eta_1 \in \{0.98, 0.96\}", "η_1 ∈ {0.98, 0.96}"),
    (r"\Theta(1/\sqrt{n \log n})", "Θ(1/√(n log n))"),
    (r"1/\sqrt{n\log n}", "1/√(n log n)"),
    (r"\mathcal I_{\rm sc}(\eta)", "I_sc(η)"),
    (r"n = 1, 11, \ldots, 201", "n = 1, 11, …, 201"),
    (r"\tilde\mu(\eta) = \tfrac13\eta^{4/5}", "μ\u0303(η) = 1/3 η^4/5"),
    (r"\frac{1 + c\eta}{2}", "(1 + cη)/2"),
])
def test_caption_math_is_read_out_as_text(tex, said):
    assert alt_text.plain_math(tex) == said


def test_alt_text_of_a_caption_with_math_and_an_abbreviation():
    caption = nodes.caption("", "", nodes.Text("As Fig. 4, with "), nodes.math(r"\eta_1 = 0.95", r"\eta_1 = 0.95"),
                            nodes.Text(" (the paper's Figure 8). Second sentence."))
    assert (
        alt_text.caption_alt(alt_text.caption_text(caption))
        == "Figure: As Fig. 4, with η_1 = 0.95 (the paper's Figure 8)."
    )


def test_book_citation_comes_from_citation_cff():
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == VERSION, "CITATION.cff's version must be the library's (pyproject.toml)"
    assert cff["title"] == yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["title"]
    entry = citation.cff_bibtex()
    assert entry.startswith("@software{") and entry.rstrip().endswith("}")
    assert f"version = {{{VERSION}}}" in entry
    assert f"year    = {{{str(cff['date-released'])[:4]}}}" in entry
    assert "{" + cff["title"] + "}" in entry and "liu2025humans" in entry


def test_book_citation_of_people_with_a_url(tmp_path):
    cff = tmp_path / "CITATION.cff"
    cff.write_text(textwrap.dedent("""\
        cff-version: 1.2.0
        title: "A book"
        authors:
          - family-names: Doe
            given-names: Jane
          - family-names: Roe
            given-names: Richard
        version: 1.2.3
        date-released: 2025-03-04
        repository-code: https://github.com/example/book
        """))
    entry = citation.cff_bibtex(cff)
    assert "author  = {Doe, Jane and Roe, Richard}" in entry
    assert "month   = {mar}" in entry and "url     = {https://github.com/example/book}" in entry


# --- a one-page book built with the extension --------------------------------------------------

PAGE = """\
---
data: [ultrafeedback-sample, pku]
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(chap-data)=
# A chapter

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: |
      A straight line from zero to one. Drawn for the test.
    name: fig-line
---
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(2, 2))
_ = ax.plot([0, 1])
```
"""

CONF = """\
extensions = ["myst_nb", "book"]
root_doc = "index"
nb_execution_mode = "force"
nb_execution_raise_on_error = True
exclude_patterns = ["_build"]
"""


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    src = tmp_path_factory.mktemp("tiny")
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Index\n\n```{book-citation}\n```\n\n```{toctree}\nchapters/page\n```\n")
    (src / "chapters").mkdir()
    (src / "chapters" / "page.md").write_text(PAGE)
    out = src / "_build" / "html"
    # Sphinx imports the extension from _ext (as jupyter-book's local_extensions does for the book)
    env = dict(os.environ, ANNOTATOR_FIGURE_DIR=str(src / "figures"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT / "_ext"), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "-q", str(src), str(out)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.mark.slow  # 6 s: builds a small Sphinx book with the extension
def test_tiny_book_has_the_run_box_and_alt_texts(tiny_book):
    page = (tiny_book / "chapters" / "page.html").read_text()
    assert "Run this chapter" in page
    assert 'href="../downloads/notebooks/page.ipynb"' in page
    assert (tiny_book / "downloads" / "notebooks" / "page.ipynb").is_file()
    assert f"annotator_incentives-{VERSION}-py3-none-any.whl" in page
    assert "not shipped" in page and 'href="#chap-data"' in page
    assert page.index("Run this chapter") < page.index("A straight line")
    alts = image_alts(page)
    assert alts and all(alt == "Figure: A straight line from zero to one." for _, alt in alts), alts
    index = (tiny_book / "index.html").read_text()
    assert "annotator_incentives_book" in index and "Run this chapter" not in index
