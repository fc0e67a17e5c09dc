"""What a reader sees: no trace of the build machine in any page, and every page fits the
book's text column (tables scroll, figures are shown with text of at least 8 pt)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from book.alt_text import looks_like_file_name
from book_pages import image_alts
from book_sources import VERSION, book_cells, notebook_files
from serving import served
from suite import REPO_ROOT

# What a reader must never see: this checkout or other machine paths, Python exceptions, and
# files that are not part of the book (the project's internal notes).
WORKPLACE = {
    "a machine path": re.compile(r"(?<![\w.:/~-])/(?:tmp|home|root|work|usr|opt|var|srv|mnt)/[\w.-]"),
    "the checkout's path": re.compile(re.escape(str(REPO_ROOT))),
    "an exception name": re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|Traceback \(most recent call"),
    "an internal file": re.compile(
        r"\b(?:model|figures|data|architecture|jupyter-book)\.md\b|\.\./shared|\bshared/(?:paper|data|notes)\b"
    ),
}


def visible_text(page: Path) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


# The API reference names the errors each function raises (its Raises sections, and examples that
# show one), and the general index lists them as its entries: a reference must name them, so only
# the other rules apply to these two pages.
NAMES_ERRORS = {"chapters/api.html": {"an exception name"}, "genindex.html": {"an exception name"}}


def workplace_traces(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    return [(what, text[max(0, m.start() - 50):m.end() + 50].replace("\n", " "))
            for what, pattern in WORKPLACE.items() if what not in allowed for m in pattern.finditer(text)]


@pytest.mark.parametrize("text,found", [
    ("no score file at /home/ann/data/pku.parquet", "a machine path"),
    ("the hub (unreachable) and its cache (ConnectionError)", "an exception name"),
    ("as restated in model.md, section 4", "an internal file"),
    (f"figures in {REPO_ROOT}/_build", "the checkout's path"),
    ("the error sum falls below 0.1 at n = 30 (Proposition 1); see ../data.html", None),
])
def test_the_scan_finds_what_a_reader_must_not_see(text, found):
    seen = {what for what, _ in workplace_traces(text)}
    assert (found in seen) if found else not seen


def test_the_api_reference_may_name_errors_but_not_paths():
    allowed = NAMES_ERRORS["chapters/api.html"]
    assert not workplace_traces("Raises ProfileError: an unknown name", allowed)
    assert {what for what, _ in workplace_traces("read from /home/ann/team.toml", allowed)} == {"a machine path"}


@pytest.mark.slow
def test_no_page_shows_the_build_machine(built_book):
    out, result = built_book
    assert result.returncode == 0
    site = out / "_build" / "html"
    traces = [(name, *trace) for page in sorted(site.rglob("*.html"))
              for name in [page.relative_to(site).as_posix()]
              for trace in workplace_traces(visible_text(page), NAMES_ERRORS.get(name, set()))]
    assert (site / "chapters" / "api.html").is_file()  # the exemption names a page that exists
    assert not traces, traces[:10]


MEASURE = """() => {
  const article = document.querySelector('article.bd-article');
  const edge = article.getBoundingClientRect().right;
  const scrolls = el => { for (let a = el.parentElement; a && a !== article; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const cut = [];
  for (const el of article.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > edge + 1 && !scrolls(el)) cut.push(el.tagName + ' ' + (el.id || el.className));
  }
  const figures = Array.from(article.querySelectorAll('figure')).filter(f => f.id && f.querySelector('img')).map(f => {
    const img = f.querySelector('img');
    return {id: f.id, rendered: img.getBoundingClientRect().width, natural: img.naturalWidth,
            column: f.parentElement.getBoundingClientRect().width};
  });
  const alts = Array.from(article.querySelectorAll('img')).map(i => i.getAttribute('alt') || '');
  return {cut: cut.slice(0, 5), figures, alts, page: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


FILE_NAME = re.compile(r"\.(?:png|svg|jpe?g|gif)\b|[0-9a-f]{32}", re.I)


@pytest.mark.slow
def test_every_page_fits_the_text_column(built_book, chromium):
    """No element runs past the text column (wide tables scroll inside it), every figure is
    shown no wider than the column with its smallest text at 8 pt or more, as rendered, and
    every image has a description for screen readers (not its file name)."""
    playwright, executable = chromium
    out, result = built_book
    assert result.returncode == 0
    site = out / "_build" / "html"
    layouts = {}  # a figure's label (its id on the page) -> the layout its provenance record gives
    for cell in book_cells():
        for name in cell["files"]:
            record = out / "figures" / f"{name}.json"
            if record.is_file():
                layouts[cell["label"]] = json.loads(record.read_text()).get("layout") or {}
    problems = []
    with served(site) as base, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name in sorted(p.name for p in (site / "chapters").glob("*.html")):
            page.goto(f"{base}/chapters/{name}", wait_until="networkidle")
            seen = page.evaluate(MEASURE)
            unread = [alt for alt in seen["alts"] if not alt.strip() or FILE_NAME.search(alt)]
            if unread:  # a screen reader would read out a file name, or nothing
                problems.append((name, "images without a description", unread[:3]))
            if seen["cut"] or seen["page"] > seen["viewport"]:
                problems.append((name, "runs past the column", seen["cut"]))
            for figure in seen["figures"]:
                if figure["rendered"] > figure["column"] + 1:
                    problems.append((name, figure["id"], "wider than the column"))
                layout = layouts.get(figure["id"])
                if not layout:
                    continue
                shown_pt = layout["min_font_pt"] * figure["rendered"] / figure["natural"] * layout["dpi"] / 96
                if shown_pt < 8 - 0.05:
                    problems.append((name, figure["id"], f"smallest text shown at {shown_pt:.1f} pt"))
        browser.close()
    assert not problems, problems


@pytest.mark.slow
def test_real_book_images_have_descriptive_alt_texts(built_book):
    out, result = built_book
    assert result.returncode == 0, result.stdout[-3000:]
    html = out / "_build" / "html"
    images = 0
    for page in sorted((html / "chapters").glob("*.html")):
        for src, alt in image_alts(page.read_text()):
            images += 1
            assert alt and not looks_like_file_name(alt) and Path(src).name not in alt, (page.name, src, alt)
            assert "\\" not in alt and not alt.endswith("Fig."), (page.name, alt)  # no LaTeX, a whole sentence
    assert images >= 20
    for doc in notebook_files(root=False):  # every chapter with code but the introduction
        name = Path(doc).name
        page = (html / "chapters" / f"{name}.html").read_text()
        assert "Run this chapter" in page and f"../downloads/notebooks/{name}.ipynb" in page, name
    intro = (html / "chapters" / "intro.html").read_text()
    assert "annotator_incentives_book" in intro and VERSION in intro


# What overflows its box on a page, at the window's width: tables whose columns do not all show
# (scrollWidth beyond clientWidth), boxes (admonitions, the run box, the claims map, the cards of
# the results at a glance, figures) cut at their edge, and the page itself scrolling sideways.
OVERFLOW = """(phone) => {
  const article = document.querySelector('article.bd-article');
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName + (el.id ? '#' + el.id : '') + '.' + String(el.className || '').split(' ')[0];
  const found = [];
  const boxes = 'figure, .admonition, .glance-item, table.claims-map';
  for (const el of article.querySelectorAll(phone ? boxes : boxes + ', table')) {
    const box = el.getBoundingClientRect();
    const over = el.scrollWidth - el.clientWidth;
    if (over > 1 || box.right > width + 1) found.push(name(el) + ' by ' + over + ' px');
  }
  if (document.documentElement.scrollWidth > width + 1) found.push('the page scrolls sideways');
  return found.slice(0, 6);
}"""


@pytest.mark.slow
def test_tables_and_boxes_fit_at_desktop_and_phone_widths(built_book, chromium):
    """At 1280 px every table shows all its columns (at most about eight) and no box is cut; at
    390 px (a phone) no box is cut and the page does not scroll sideways; a wide table may scroll
    inside the text column there, except the claims map, which fits."""
    playwright, executable = chromium
    out, result = built_book
    assert result.returncode == 0
    site = out / "_build" / "html"
    problems = []
    with served(site) as base, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name in sorted(p.name for p in (site / "chapters").glob("*.html")):
                page.goto(f"{base}/chapters/{name}", wait_until="networkidle")
                seen = page.evaluate(OVERFLOW, width < 600)
                if seen:
                    problems.append((width, name, seen))
            page.close()
        browser.close()
    assert not problems, problems
# The interactive explorers (chapters principal_agent and self_consistency): opened from disk with
# no network, every control moves the chart and the numbers, and the numbers are the library's.
EXPLORER_PAGES = {"principal_agent.html": ("profile", "monitor", "kind", "problem", "n"),
                  "self_consistency.html": ("eta0", "eta1", "sc", "ex", "target", "n")}
EXPLORER_TEXT = """() => Array.from(document.querySelectorAll('.book-explorer svg text'))
  .map(e => e.textContent).filter(t => t.includes(': '))"""
EXPLORER_MARKS = "() => Array.from(document.querySelectorAll('.book-explorer svg')).map(s => s.innerHTML).join('')"


def _explorer_site(built_book, chromium) -> tuple:
    """Playwright, Chromium and the built HTML, once the build has succeeded."""
    playwright, executable = chromium
    out, result = built_book
    assert result.returncode == 0
    return playwright, executable, out / "_build" / "html"


def _explorer_page(pw, executable, site: Path, name: str):
    browser = pw.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(("file:", "data:")) else None)
    page.goto((site / "chapters" / name).as_uri(), wait_until="load")
    page.wait_for_selector(".book-explorer[data-ready=true] svg", timeout=60_000)
    return browser, page, outside


def _numbers(page) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in page.evaluate(EXPLORER_TEXT))


def _choose(page, control: str, index: int) -> None:
    page.select_option(f".book-explorer select[name={control}]", index=index)
    page.wait_for_timeout(150)


@pytest.mark.slow
def test_explorers_work_offline_and_every_control_moves_them(built_book, chromium):
    from annotator_incentives.explorers import BUDGET_BYTES

    playwright, executable, site = _explorer_site(built_book, chromium)
    with playwright.sync_playwright() as pw:
        for name, controls in EXPLORER_PAGES.items():
            browser, page, outside = _explorer_page(pw, executable, site, name)
            specs = page.evaluate("() => Array.from(document.querySelectorAll('script[id$=-spec]'))"
                                  ".map(s => new TextEncoder().encode(s.textContent).length)")
            assert len(specs) == 1 and sum(specs) <= BUDGET_BYTES, (name, specs)
            labels = page.evaluate("() => Array.from(document.querySelectorAll('.book-explorer select')).map(s => s.name + '|' + "
                                   "(s.closest('label') ? s.closest('label').textContent.trim() : ''))")
            assert [entry.split("|")[0] for entry in labels] == list(controls), labels
            assert all(entry.split("|")[1] for entry in labels), labels  # every control is labelled
            for control in controls:  # each from the first setting (a solved one)
                before, marks = _numbers(page), page.evaluate(EXPLORER_MARKS)
                count = page.evaluate(f"() => document.querySelector('.book-explorer select[name={control}]').options.length")
                current = page.evaluate(f"() => document.querySelector('.book-explorer select[name={control}]').selectedIndex")
                _choose(page, control, (current + 1) % count)
                assert page.evaluate(EXPLORER_MARKS) != marks, (name, control, "the chart did not change")
                assert _numbers(page) != before, (name, control, "the numbers did not change")
                _choose(page, control, current)
            # the keyboard moves a control too
            before = _numbers(page)
            page.focus(f".book-explorer select[name={controls[0]}]")
            page.keyboard.press("ArrowDown" if page.evaluate(
                f"() => document.querySelector('.book-explorer select[name={controls[0]}]').selectedIndex") == 0 else "ArrowUp")
            page.wait_for_timeout(150)
            assert _numbers(page) != before, (name, "the keyboard did not move it")
            assert not outside, (name, outside[:5])
            browser.close()


def _signal(label: str, datasets) -> tuple[float, object]:
    """A monitor's c (and its pairs' p for an expert) from the words of its option."""
    match = re.search(r"δ = ([0-9.]+)", label)
    if match:
        return 1 - float(match[1]), None
    for d in datasets:
        if d.label in label:
            return d.c_bar, d.p
    c = float(re.search(r"c̄ = ([0-9.]+)", label)[1])
    return c, [(1 + c) / 2]


def _options(page, control: str) -> list[tuple[str, str]]:
    return page.evaluate(f"() => Array.from(document.querySelector('.book-explorer select[name={control}]').options)"
                         ".map(o => [o.value, o.text])")


@pytest.mark.slow
def test_explorer_numbers_are_the_librarys_own_solves(built_book, chromium):
    import numpy as np

    from annotator_incentives import contracts, monitoring, report, utility
    from annotator_incentives import data as ai_data
    from annotator_incentives.explorers import DIGITS

    playwright, executable, site = _explorer_site(built_book, chromium)
    datasets = list(ai_data.available_preference_data().loaded.values())
    rng = np.random.default_rng(25)
    with playwright.sync_playwright() as pw:
        browser, page, _ = _explorer_page(pw, executable, site, "principal_agent.html")
        options = {c: _options(page, c) for c in EXPLORER_PAGES["principal_agent.html"]}
        checked = 0
        for _ in range(80):
            if checked == 5:
                break
            pick = {c: int(rng.integers(len(o))) for c, o in options.items()}
            value = {c: options[c][i][0] for c, i in pick.items()}
            for control, index in pick.items():
                _choose(page, control, index)
            shown = _numbers(page)
            assert "not solved" not in shown.values(), (value, shown)  # the book solves every setting of its grid
            c, _ = _signal(options["monitor"][pick["monitor"]][1], datasets)
            profile = utility.profile(value["profile"])
            solution = contracts.solve(value["kind"], int(value["n"]), c, profile, value["problem"])
            assert shown["first-best utility C"] == report.number(contracts.first_best(profile).value, DIGITS)
            if not solution.feasible:
                assert shown["second-best utility"] == "no contract", (value, shown)
            else:
                assert shown["second-best utility"] == report.number(solution.principal_utility, DIGITS), (value, shown)
                assert shown["induced effort η"] == report.number(solution.eta, DIGITS), (value, shown)
                assert shown["expected wage"] == report.number(solution.expected_wage, DIGITS), (value, shown)
                assert shown["gap C − Cₙ"] == report.number(solution.gap, DIGITS, floor=1e-12), (value, shown)
            checked += 1
        assert checked == 5, "fewer than five random settings of the contract explorer are solved"
        browser.close()

        browser, page, _ = _explorer_page(pw, executable, site, "self_consistency.html")
        options = {c: _options(page, c) for c in EXPLORER_PAGES["self_consistency.html"]}
        for _ in range(5):
            pick = {c: int(rng.integers(len(o))) for c, o in options.items()}
            for control, index in pick.items():
                _choose(page, control, index)
            shown = _numbers(page)
            e0, e1, t, n = (float(options[c][pick[c]][0]) for c in ("eta0", "eta1", "target", "n"))
            delta = float(re.search(r"δ = ([0-9.]+)", options["sc"][pick["sc"]][1])[1])
            _, p = _signal(options["ex"][pick["ex"]][1], datasets)
            q0, q1 = (float(monitoring.self_consistency_monitor(delta).q(e)) for e in (e0, e1))
            kl = monitoring.expert_kl_divergence(p, e0, e1)
            assert shown["error sum at n, self-consistency"] == report.number(
                float(monitoring.error_sum(int(n), q0, q1)), DIGITS, floor=1e-12), (pick, shown)
            assert shown["lower bound at n, any expert test"] == report.number(
                float(monitoring.error_sum_lower_bound(int(n), kl)), DIGITS, floor=1e-12), (pick, shown)
            assert shown["checks needed, self-consistency"] == report.count(monitoring.samples_needed(t, q0, q1))
            assert shown["checks needed, any expert test"] == "≥ " + report.count(
                monitoring.samples_needed_lower_bound(t, kl))
        browser.close()


# Every text of an explorer inside its box, at the book's two widths: the box does not scroll
# sideways, and no label, title or number line runs past the box or past its own chart.
EXPLORER_FIT = """() => {
  const found = [];
  for (const box of document.querySelectorAll('.book-explorer')) {
    const edge = box.getBoundingClientRect();
    if (box.scrollWidth > box.clientWidth + 1) found.push('the box scrolls by ' + (box.scrollWidth - box.clientWidth) + ' px');
    for (const text of box.querySelectorAll('svg text, label, select')) {
      const r = text.getBoundingClientRect();
      const svg = text.closest('svg');
      const right = Math.min(edge.right, svg ? svg.getBoundingClientRect().right : edge.right);
      if (r.width && (r.right > right + 1 || r.left < edge.left - 1)) found.push((text.textContent || '').slice(0, 60));
    }
  }
  return found.slice(0, 8);
}"""


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_every_text_of_the_explorers_fits_its_box(built_book, chromium, width):
    playwright, executable, site = _explorer_site(built_book, chromium)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name in EXPLORER_PAGES:
            page.goto((site / "chapters" / name).as_uri(), wait_until="load")
            page.wait_for_selector(".book-explorer[data-ready=true] svg", timeout=60_000)
            # the longest texts: a setting whose numbers are words ("no contract", "not by n = ...")
            for control in EXPLORER_PAGES[name]:
                _choose(page, control, len(_options(page, control)) - 1)
            assert not page.evaluate(EXPLORER_FIT), (width, name, page.evaluate(EXPLORER_FIT))
        browser.close()


@pytest.mark.slow
def test_the_contract_explorer_offers_the_grid_the_issue_asks_for(built_book, chromium):
    """Self-consistency with δ from 0 to 0.2, experts with c̄ from 0.02 to 0.9 and each dataset's
    c̄ under its name, every registered profile, the three classes, both problems and n from 1 to
    10,000 on a log grid."""
    from annotator_incentives import data as ai_data
    from annotator_incentives import utility

    playwright, executable, site = _explorer_site(built_book, chromium)
    with playwright.sync_playwright() as pw:
        browser, page, _ = _explorer_page(pw, executable, site, "principal_agent.html")
        options = {c: _options(page, c) for c in EXPLORER_PAGES["principal_agent.html"]}
        browser.close()
    deltas = [float(m[1]) for _, text in options["monitor"] if (m := re.search(r"δ = ([0-9.]+)", text))]
    c_bars = [float(m[1]) for _, text in options["monitor"] if (m := re.search(r"c̄ = ([0-9.]+)$", text))]
    assert min(deltas) == 0 and max(deltas) == 0.2 and len(deltas) >= 5, deltas
    assert min(c_bars) == 0.02 and max(c_bars) == 0.9 and len(c_bars) >= 5, c_bars
    for d in ai_data.available_preference_data().loaded.values():
        assert any(d.label in text and f"{d.c_bar:.3f}" in text for _, text in options["monitor"]), d.label
    assert [value for value, _ in options["profile"]] == list(utility.PROFILES)
    assert {value for value, _ in options["kind"]} == {"binary", "linear", "general"}
    assert {value for value, _ in options["problem"]} == {"restricted", "unrestricted"}
    ns = [int(value) for value, _ in options["n"]]
    assert ns[0] == 1 and ns[-1] == 10_000 and len(ns) >= 8
    assert max(b / a for a, b in zip(ns, ns[1:], strict=False)) <= 10  # a log grid: no decade skipped
