"""The ``{results-at-a-glance}`` directive: for every figure of the paper and every claim of its
abstract (``paper_items.toml``), what the paper states, what this build computes, and whether
they agree, with links to the figures that show it.

Filled in once every chapter has run, like the claims map (:mod:`.claims_map`, whose links and
data status it reuses): the numbers are read from the figure data the chapters saved in
:func:`.repository.figure_dir` by :func:`annotator_incentives.findings.glance.readings`, the
library's tested reading of them. Each item is a card (a heading line, then "The paper", "This
build", "Verdict", "Shown in"), which reads as well on a phone as on a wide screen.
"""

from __future__ import annotations

import json

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .claims_map import _with_math, explorer_links, item_links, links_paragraph, paper_items, status
from .repository import figure_dir


class results_at_a_glance(nodes.General, nodes.Element):
    """Placeholder, replaced once every chapter has run."""


class GlanceDirective(SphinxDirective):
    def run(self):
        return [results_at_a_glance("")]


def figure_tables() -> dict:
    """The figure data of this build (figures drawn, by file name) as DataFrames."""
    import pandas as pd

    folder = figure_dir()
    tables = {}
    for record in sorted(folder.glob("*.json")):
        meta = json.loads(record.read_text())
        table = record.with_suffix(".csv")
        if isinstance(meta, dict) and meta.get("drawn", True) and table.is_file():
            tables[record.stem] = pd.read_csv(table)
    return tables


def _field(term: str, body: nodes.Node) -> nodes.definition_list_item:
    item = nodes.definition_list_item()
    item += nodes.term("", term)
    definition = nodes.definition()
    definition += body
    item += definition
    return item


def fill_glance(app, doctree, docname):
    found = list(doctree.findall(results_at_a_glance))
    if not found:
        return
    from annotator_incentives.findings import glance

    tables = figure_tables()
    results = glance.readings(tables)
    by_item = item_links(app, docname)
    explore = explorer_links(app, docname)
    counts = {v: sum(r.verdict == v for r in results.values()) for v in glance.VERDICTS}
    summary = nodes.paragraph(classes=["glance-summary"])
    summary += nodes.Text(f"On this build, of the paper's {len(results)} figures and claims: {counts[glance.AGREES]} agree, "
                          f"{counts[glance.DIFFERS]} differ, {counts[glance.UNCHECKED]} are not checkable on this build.")
    out = [summary]
    for item in paper_items():
        key = item["key"]
        r = results[key]
        links, records = by_item[key]
        card = nodes.container(classes=["glance-item", "glance-" + r.verdict.split()[0]], ids=[f"glance-{key}"])
        heading = _with_math(item["text"])
        heading["classes"].append("glance-heading")
        heading += nodes.Text(" — ")
        heading += nodes.strong("", r.verdict)
        card += heading
        fields = nodes.definition_list(classes=["glance-fields"])
        fields += _field(f"The paper ({item['where']})", _with_math(item["paper"]))
        fields += _field("This build", _with_math(r.computed[0].upper() + r.computed[1:]))
        fields += _field("Verdict", _with_math(f"{r.verdict}: {r.why}."))
        where = links_paragraph(links, item.get("not_rebuilt", "not rebuilt on this build"), explore[key])
        if records:
            where += nodes.Text(". Data: " + status(records))
        fields += _field("Shown in", where)
        card += fields
        out.append(card)
    for node in found:
        node.replace_self(out)
