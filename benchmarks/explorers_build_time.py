"""Benchmark: the build time and page size the two interactive explorers add to the book.

Run with ``.venv/bin/python benchmarks/explorers_build_time.py`` (after ``make setup``).
It runs the code cells of each explorer's section exactly as the chapter has them (the section
``sec-contract-explorer`` of ``chapters/principal_agent.md`` and ``sec-assessment-explorer`` of
``chapters/self_consistency.md``, from the section's label to the end of the chapter), on the
datasets this checkout has, and prints for each:

1. the wall-clock seconds of the section's code (the grid's exact solves, two worker processes
   for the contract explorer, and the chart's specification);
2. the CPU seconds of this process and of the worker processes (what the section costs on
   2 cores when nothing else runs: about half of it, in wall-clock seconds);
3. the size of the explorer's Vega-Lite specification, data included (``explorers.spec_bytes``;
   the budget is ``explorers.BUDGET_BYTES`` per page).

The chapter's own timing (the sentence under the contract explorer) measures the same code
inside the book's build. The static PNG the book renders of each explorer (``vl-convert``) is
timed as well, since the build makes it too. On a busy machine the wall-clock seconds grow with
the load; the CPU seconds hardly do.
"""

from __future__ import annotations

import re
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {"contract explorer": ("chapters/principal_agent.md", "sec-contract-explorer"),
            "assessment explorer": ("chapters/self_consistency.md", "sec-assessment-explorer")}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def section_code(chapter: str, label: str) -> list[str]:
    """The code cells of a chapter from the section ``label`` on, as the chapter has them."""
    import jupytext

    text = (ROOT / chapter).read_text()
    start = text.index(f"({label})=")
    notebook = jupytext.reads("---\n" + text.split("---\n", 2)[1] + "---\n" + text[start:], fmt="myst")
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def main() -> None:
    from annotator_incentives import explorers

    shared: dict = {"__name__": "explorers_benchmark"}
    exec("from IPython.display import Markdown\nfrom annotator_incentives import report, utility", shared)
    shared["display"] = lambda *args: None  # the chapter's sentences are not shown here
    for name, (chapter, label) in SECTIONS.items():
        if name == "assessment explorer":  # its first cell uses the chapter's `available`, made earlier there
            exec("from annotator_incentives import data as ai_data\navailable = ai_data.available_preference_data()",
                 shared)
        cells = section_code(chapter, label)
        cpu, wall = _cpu(), time.perf_counter()
        for source in cells:
            exec(re.sub(r"^chart$", "None", source, flags=re.M), shared)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        chart = shared["chart"]
        size = explorers.spec_bytes(chart)
        import vl_convert

        png_cpu, png = _cpu(), time.perf_counter()
        vl_convert.vegalite_to_png(chart.spec(), scale=1.0)
        png, png_cpu = time.perf_counter() - png, _cpu() - png_cpu
        print(f"{name}: {wall:.1f} s wall-clock, {cpu:.1f} s CPU (this process and its workers); "
              f"specification {size / 1e6:.2f} MB (budget {explorers.BUDGET_BYTES / 1e6:.0f} MB); "
              f"static PNG {png:.1f} s wall-clock, {png_cpu:.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()
