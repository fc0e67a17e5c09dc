"""Computed claims follow the data: the data-dependent chapters run on two data folders whose p
differ widely (the book's own run, on the real UltraFeedback sample shipped with the library,
c-bar about 0.62, and one on a hub-layout HelpSteer fixture with p near 0.55, c-bar about 0.1).
Their generated statements must change with the data and agree with values recomputed here
from the figure CSVs and the library."""

from __future__ import annotations

import html as html_module
import os
import re
from pathlib import Path

import jupytext
import nbclient
import nbformat
import numpy as np
import pandas as pd
import pytest

from annotator_incentives import data as ai_data
from annotator_incentives import report
from annotator_incentives.findings import assessing, incentives
from hub_layout import write_hub_dataset
from suite import REPO_ROOT
from tolerances import WELL

pytestmark = pytest.mark.slow  # reads the book build

CHAPTERS = ("data", "expert_monitoring", "self_consistency")
LABELS = {k: s.label for k, s in ai_data.DATASETS.items()} | {k: s.label for k, s in ai_data.SAMPLES.items()}
N_REF, LEVEL = 100, 0.2  # as in the chapters
READER_CLEAN = re.compile(r"(/work/|/tmp/|/home/|Traceback|[A-Z][A-Za-z]*Error\b|\bmodel\.md\b)")


def markdown_outputs(notebook) -> str:
    """A chapter's generated statements: its Markdown outputs, joined."""
    return "\n\n".join("".join(output["data"]["text/markdown"])
                        for cell in notebook.cells if cell.cell_type == "code"
                        for output in cell.get("outputs", []) if "text/markdown" in output.get("data", {}))


def run(data_dir: Path, figure_dir: Path, chapters: tuple[str, ...] = CHAPTERS) -> dict[str, str]:
    """Execute the chapters with this data folder; return each chapter's generated statements."""
    saved = {k: os.environ.get(k) for k in ("ANNOTATOR_DATA_DIR", "ANNOTATOR_FIGURE_DIR")}
    os.environ["ANNOTATOR_DATA_DIR"], os.environ["ANNOTATOR_FIGURE_DIR"] = str(data_dir), str(figure_dir)
    try:
        outputs = {}
        for chapter in chapters:
            notebook = jupytext.read(REPO_ROOT / "chapters" / f"{chapter}.md")
            nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                                    resources={"metadata": {"path": str(REPO_ROOT / "chapters")}}).execute()
            outputs[chapter] = markdown_outputs(notebook)
        return outputs
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def helpsteer_fixture(root: Path, seed: int, margin: tuple[float, float], pairs: int = 4000) -> Path:
    """A test fixture in the hub's layout: HelpSteer pairs whose chosen score exceeds the rejected one
    by a uniform ``margin``, so that p = sigma(difference) sits just above 1/2."""
    rng = np.random.default_rng(seed)
    rejected = rng.uniform(0, 4, pairs)
    write_hub_dataset(root / "hub-copy", "RLHFlow/Helpsteer-preference-standard", rejected + rng.uniform(*margin, pairs),
                      rejected)
    return root / "hub-copy"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, reader_run, built_book) -> dict[str, tuple[Path, Path, dict[str, str]]]:
    """The book's own run (the real data shipped with the library) and one more on the fixture."""
    out, result = built_book
    assert result.returncode == 0
    book = {chapter: markdown_outputs(nbformat.read(reader_run.work / f"{chapter}.ipynb", as_version=4))
            for chapter in CHAPTERS}
    root = tmp_path_factory.mktemp("claims")
    fixture = helpsteer_fixture(root, seed=7, margin=(0.15, 0.25))  # p = sigma(difference) near 0.55: c-bar near 0.1
    return {"real": (ai_data.packaged_data_dir(), out / "figures", book),
            "fixture": (fixture, root / "figures", run(fixture, root / "figures"))}


def test_statements_change_with_the_data(runs):
    for chapter in CHAPTERS:
        real, fixture = runs["real"][2][chapter], runs["fixture"][2][chapter]
        assert "On this build's data" in real and "On this build's data" in fixture, chapter
        assert real != fixture, chapter
    assert "below the expert lower bound at every n for δ ∈ {0, 0.1, 0.2, 0.3}" in runs["fixture"][2]["self_consistency"]


def test_no_paths_or_exception_names_in_reader_text(runs):
    for name, (folder, figures, outputs) in runs.items():
        for chapter, text in outputs.items():
            assert str(folder) not in text and str(figures) not in text, (name, chapter)
            assert not READER_CLEAN.search(text), (name, chapter, READER_CLEAN.search(text))


def test_data_statements_match_the_histograms(runs):
    for name, (folder, figures, outputs) in runs.items():
        histograms = pd.read_csv(figures / "fig1_top_p_histograms.csv")
        for dataset, block in histograms.groupby("dataset"):
            d = ai_data.load_preference_data(dataset, folder)
            assert block.mean_p.iloc[0] == pytest.approx(d.p.mean(), abs=WELL)
            spread = assessing.p_spread(d.p)
            assert spread.c_bar == pytest.approx(d.c_bar, abs=WELL)
            expected = f"{LABELS[dataset]}: mean folded p = {report.number(spread.mean_p)}, c̄ = {report.number(spread.c_bar)}"
            assert expected in outputs["data"], (name, dataset)
    fixture_c_bar = ai_data.load_preference_data("helpsteer", runs["fixture"][0]).c_bar
    assert fixture_c_bar < 0.2


def test_expert_statements_match_the_bound_figure(runs):
    """The first n at which the bound falls below the level, read by the library from the figure's own data."""
    for name, (_folder, figures, outputs) in runs.items():
        curves = pd.read_csv(figures / "fig1_bottom_expert_bound.csv")
        for dataset, block in curves.groupby("dataset"):
            reached = assessing.first_below(block, LEVEL)
            expected = (f"{LABELS[dataset]}: the lower bound first falls below {LEVEL} at "
                        + "; ".join(f"η₀ = {eta0:g}: {report.first_at(n, block.n)}" for eta0, n in reached.items()) + ".")
            assert expected in outputs["expert_monitoring"], (name, expected)


def test_self_consistency_statements_match_figure_2_and_the_table(runs):
    """The chapter's sentences are the library's findings on the figure's own data, in the book's number policy."""
    for name, (folder, figures, outputs) in runs.items():
        text = outputs["self_consistency"]
        frame = pd.read_csv(figures / "fig2_self_consistency.csv")
        for (dataset, eta0), block in frame.groupby(["dataset", "eta0"]):
            bound = block[block.kind == "expert lower bound"]
            sc = block[block.kind == "self-consistency exact"].drop(columns="lower_bound", errors="ignore")
            found = assessing.compare_with_bound(sc, bound, N_REF)
            expected = (f"{LABELS[dataset]}, η₀ = {eta0:g}, η₁ = 1: over the plotted {int(sc.n.min())} ≤ n ≤ {int(sc.n.max())}, "
                        f"self-consistency is below the expert lower bound {report.where(found.below, found.grid)}.")
            assert expected in text, (name, expected)
            bound_text = report.number(found.bound_at_ref, floor=0.001)
            assert f"at n = {N_REF} the bound is {bound_text} and the error sums are" in text, name

            # sample sizes at error sum 0.1, eta0 = 0.8, eta1 = 0.95: sentence and table agree with the library
            counts = assessing.checks_needed(ai_data.load_preference_data(dataset, folder).p, (0.0, 0.05, 0.1))
            n_bound, n_agree = (report.count(n, beyond=assessing.N_MAX) for n in (counts.bound, counts.agreement))
            at_least = "at least " if counts.bound is not None else ""  # out of reach reads "more than N_MAX"
            assert f"any expert test needs {at_least}{n_bound} checks, the agreement test {n_agree}" in text, name
            assert f"| ≥ {n_bound} |" in text and f"| {n_agree} (≈" in text, name
            for delta, n_sc in counts.self_consistency.items():
                assert f"{report.count(n_sc)} at δ = {delta:g}" in text, (name, delta)


# --- the number policy, on every built page's prose --------------------------------------------

# What is not prose: tables, code (inputs, printed outputs, inline code), math, and the page's frame.
NOT_PROSE = re.compile(
    r"<(table|pre|code|script|style|nav|header|footer|math|mjx-container)\b.*?</\1>"
    r"|<(div|span) class=\"math[^\"]*\".*?</\2>"
    r"|\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$",
    re.S,
)
ZEROS = re.compile(r"(?<![\d.,])[−-]?0\.00+(?![\d.]?\d)")  # "0.000", "0.0000": a zero written with decimals
DECIMAL = re.compile(r"(?<![\w.,/−-])[−-]?\d[\d,]*\.\d+(?![\d.]*\d|/)")  # 12.3456, not 1.26.4 nor a DOI's 10.2307/
EXPONENT = re.compile(r"(?<![\w.])\d(?:\.\d+)?e[−+-]?\d+\b")  # 1.0e-12: prose writes 1.0 × 10⁻¹²
ARXIV = re.compile(r"\b\d{4}\.\d{4,5}(?:v\d)?\b")
NO_COMPUTED_PROSE = {"chapters/api.html", "genindex.html", "search.html", "py-modindex.html"}  # docstrings and indexes


def article_prose(page_html: str) -> str:
    """The prose of a built page: its article without tables, code, math and the page frame."""
    match = re.search(r"<article\b.*?</article>", page_html, re.S)
    text = NOT_PROSE.sub(" ", match[0] if match else page_html)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", text))


def significant_figures(token: str) -> int:
    """Significant figures of a decimal as written (``0.0120`` has 3)."""
    digits = re.sub(r"\D", "", token).lstrip("0")
    return len(digits)


def number_policy_breaches(prose: str) -> list[str]:
    """Numbers in prose that break the number policy: zeros written with decimals, decimals with
    more than four significant figures or more than six decimal places, exponent notation."""
    prose = ARXIV.sub(" ", prose)
    found = [m[0] for m in ZEROS.finditer(prose)] + [m[0] for m in EXPONENT.finditer(prose)]
    found += [m[0] for m in DECIMAL.finditer(prose) if not ZEROS.fullmatch(m[0])
              and (significant_figures(m[0]) > 4 or len(m[0].split(".")[1]) > 6)]
    return found


@pytest.mark.parametrize(("text", "breaches"), [
    ("differ from the theory's by at most 0.000.", ["0.000"]),
    ("utility 0.000000000000 to 0.000000000001; gain 1.0e-12", ["0.000000000000", "1.0e-12", "0.000000000001"]),
    ("against 0.0000 and 0.0000 at the induced efforts", ["0.0000", "0.0000"]),
    ("within 0.0012 % (relative difference 1.2e-05)", ["1.2e-05"]),
    ("slope −0.44234 ± 0.003", ["−0.44234"]),
    ("c̄ = 0.618, 1,689 votes, 12.5 %, version 1.26.4, arXiv 2502.06387, doi 10.2307/3003320, η = 0.95", []),
    ("a gap below 10⁻¹², 7.3 × 10⁻⁸ and 0", []),
])
def test_the_number_scan_finds_over_precise_prose(text, breaches):
    assert number_policy_breaches(text) == breaches


def test_the_prose_leaves_out_tables_code_and_math():
    page = ("<article><p>gap 0.000</p><table><tr><td>0.000</td></tr></table><pre>0.123456</pre>"
            "<code>0.0000</code><span class=\"math notranslate\">\\(0.000\\)</span></article>")
    assert number_policy_breaches(article_prose(page)) == ["0.000"]


@pytest.mark.slow
def test_every_page_writes_numbers_by_the_policy(built_book):
    """No built page's prose has 0.000-style zeros, exponent notation or a number with more than
    four significant figures (tables, code and math aside; the API reference quotes docstrings)."""
    out, result = built_book
    assert result.returncode == 0
    site = out / "_build" / "html"
    pages = {page.relative_to(site).as_posix(): page for page in sorted(site.rglob("*.html"))}
    assert "chapters/utility_gap.html" in pages
    breaches = {name: found for name, page in pages.items() if name not in NO_COMPUTED_PROSE and not name.startswith("_")
                for found in [number_policy_breaches(article_prose(page.read_text()))] if found}
    assert not breaches, breaches


# --- infeasible is a result: the utility-gap chapter on a weak expert signal -------------------

@pytest.fixture(scope="module")
def weak_signal(tmp_path_factory) -> tuple[Path, Path, str]:
    """The utility-gap chapter executed on a test fixture in the hub's layout: HelpSteer pairs whose
    score differences put p near 1/2 (c-bar about 0.03, weaker than the paper's PKU), so that the
    restricted problem has no feasible contract at some n."""
    root = tmp_path_factory.mktemp("weak")
    fixture = helpsteer_fixture(root, seed=11, margin=(0.05, 0.07))  # p near 0.515: c-bar near 0.03
    return fixture, root / "figures", run(fixture, root / "figures", ("utility_gap",))["utility_gap"]


@pytest.mark.slow
def test_the_utility_gap_chapter_says_infeasible_cases_and_does_not_count_them(weak_signal):
    folder, figures, text = weak_signal
    c_bar = ai_data.load_preference_data("helpsteer", folder).c_bar
    assert 0.02 < c_bar < 0.04
    assert not re.search(r"\bnan\b", text, re.I)  # no NaN anywhere in the chapter's statements or tables
    table = pd.read_csv(figures / "fig3_utility_gap.csv")
    orderings = incentives.gap_orderings(table, delta=0.02)
    assert orderings.no_contract > 0, "the fixture must have problems without a feasible contract"
    # the counts leave the infeasible comparisons out, and say how many they are
    restricted = orderings.restricted_not_below
    assert restricted.infeasible > 0
    counted = report.tally(restricted.holds, restricted.total, restricted.infeasible, noun="comparisons",
                           why="without a feasible contract on one side")
    assert f"the restricted gap is at least the unrestricted one in {counted}" in text
    assert f"{report.count(orderings.no_contract)} of the {report.count(len(table))} problems have no feasible contract" in text
    assert "| no contract |" in text or "| no contract" in text  # the summary table says it in words
    assert "PKU is not among this build's data" in text  # the paper's PKU remark, said as not checkable here
