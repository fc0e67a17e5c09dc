"""A chapter as the two notebooks the book offers, in CommonMark (:mod:`.commonmark`):

- the reader's edition: every cell of the chapter, its Markdown converted, each exercise's
  solution folded (its text in ``<details>``, its code cells collapsed, still run);
- the student's edition: the same without the solutions: each is replaced by an empty code cell
  with a one-line prompt, nothing of it left.

In both, cells the book hides (``remove-input``, ``hide-input``, ``remove-cell``, ...) are kept and
marked collapsed, for JupyterLab (``jupyter.source_hidden``/``outputs_hidden``) and Colab (its form
view), so the notebook still runs top to bottom; a figure's caption follows its cell; the
chapter's references close it. The code cells outside the solutions are the chapter's own, byte
for byte (the book's execution cache recognises a reader's run by them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .commonmark import Converter, References

HIDE_SOURCE = {"remove-input", "hide-input", "remove-cell", "hide-cell"}
HIDE_OUTPUT = {"remove-output", "hide-output", "remove-cell", "hide-cell"}
SOLUTION_TAG = "solution"
CITE = re.compile(r"\{\{?cite(?::\w+)?\}\}?`([^`]+)`")


def prompt(number: str) -> str:
    """The student's cell in place of a solution."""
    return f"# Exercise {number}: your solution here" if number else "# Your solution here"


def collapse(cell, source: bool = True, outputs: bool = False):
    """Mark a code cell collapsed in JupyterLab (and VS Code) and in Colab (form view)."""
    jupyter = dict(cell.metadata.get("jupyter", {}))
    if source:
        jupyter["source_hidden"] = True
        cell.metadata["cellView"] = "form"
    if outputs:
        jupyter["outputs_hidden"] = True
    if jupyter:
        cell.metadata["jupyter"] = jupyter


def _tags(cell) -> set[str]:
    return {t.replace("_", "-") for t in cell.metadata.get("tags", [])}


@dataclass
class _Edition:
    cells: list = field(default_factory=list)
    pending: list = field(default_factory=list)  # Markdown waiting to become one cell
    cited: list = field(default_factory=list)

    def markdown(self, text: str):
        if text.strip():
            self.pending.append(text.strip("\n"))

    def flush(self):
        if self.pending:
            self.cells.append(nbformat.v4.new_markdown_cell("\n\n".join(self.pending)))
            self.pending = []

    def code(self, cell):
        self.flush()
        self.cells.append(cell)

    def cite(self, keys):
        self.cited.extend(k for k in keys if k not in self.cited)


def _details(number: str, text: str, continued: bool, code_follows: bool) -> str:
    summary = f"Solution to Exercise {number}" if number else "Solution"
    note = "*Its code is in the collapsed cell below (it runs with the others).*" if code_follows else ""
    body = "\n\n".join(x for x in (text.strip("\n"), note) if x)
    return (f"<details>\n<summary><b>{summary}{', continued' if continued else ''}</b></summary>\n\n"
            f"{body}\n\n</details>")


def _figure_caption(cell, converter: Converter) -> str:
    figure = (cell.metadata.get("mystnb") or {}).get("figure") or {}
    if not figure.get("caption"):
        return ""
    found = converter.refs.labels.get((figure.get("name") or "").lower())
    number = found.get("number") if found and found["doc"] == converter.doc else None
    caption = converter.inline(str(figure["caption"]).strip())
    return f"**Fig. {number}.** {caption}" if number else caption


def references_cell(keys: list[str], entries: dict) -> str:
    listed = [f"- {entries[k]}" for k in keys if k in entries]
    return "## References\n\n" + "\n".join(listed) if listed else ""


def editions(path: Path, doc: str, references: References, entries: dict) -> tuple:
    """The reader's and the student's notebook of one chapter (without the setup cells), and
    whether the chapter has exercises (else the student's edition is not offered)."""
    import jupytext

    notebook = jupytext.read(path)
    converter = Converter(references, doc)
    reader, student = _Edition(), _Edition()
    solution: dict | None = None  # the exercise whose solution is open
    solution_text: list[str] = []
    exercises = False

    def close_text(code_follows: bool):
        """The open solution's Markdown so far, folded, in the reader's edition."""
        if solution is not None and solution_text:
            reader.markdown(_details(solution["number"], "\n\n".join(solution_text), solution["continued"], code_follows))
            solution["continued"] = True
            solution_text.clear()

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            converted = converter.convert(cell.source)
            for part in converted.parts:
                if part.kind == "text":
                    if solution is not None:
                        solution_text.append(part.text)
                        continue
                    reader.markdown(part.text)
                    student.markdown(part.text)
                elif part.kind in ("solution-start", "solution"):
                    exercises = True
                    solution = {"number": part.number, "continued": False}
                    student.code(nbformat.v4.new_code_cell(prompt(part.number)))
                    if part.text.strip():
                        solution_text.append(part.text)
                    if part.kind == "solution":
                        if not solution_text:
                            solution_text.append("")
                        close_text(False)
                        solution = None
                elif part.kind == "solution-end":
                    close_text(False)
                    solution = None
            reader.cite(converted.cited)
            student.cite([k for k in converted.cited if solution is None])
        elif cell.cell_type == "code":
            if "{cite" in cell.source:
                keys = [k.strip() for group in CITE.findall(cell.source) for k in group.split(",")]
                reader.cite(keys)
                if solution is None:
                    student.cite(keys)
            tags = _tags(cell)
            if tags & (HIDE_SOURCE | HIDE_OUTPUT):
                collapse(cell, source=bool(tags & HIDE_SOURCE), outputs=bool(tags & HIDE_OUTPUT))
            converter.cited = []
            caption = _figure_caption(cell, converter)
            reader.cite(converter.cited)
            if solution is None:
                student.cite(converter.cited)
            if solution is not None:
                close_text(True)
                if not solution["continued"]:  # a solution that starts with code
                    solution_text.append("")
                    close_text(True)
                collapse(cell, source=True, outputs=True)
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), SOLUTION_TAG]
                reader.code(cell)
                if caption:
                    solution_text.append(caption)
                continue
            reader.code(cell)
            student.code(nbformat.v4.new_code_cell(cell.source, metadata=dict(cell.metadata)))
            if caption:
                reader.markdown(caption)
                student.markdown(caption)
        else:
            reader.code(cell)
            student.code(cell)
    close_text(False)
    for edition in (reader, student):
        edition.markdown(references_cell(edition.cited, entries))
        edition.flush()
    make = lambda edition: nbformat.v4.new_notebook(cells=edition.cells, metadata=notebook.metadata)  # noqa: E731
    return make(reader), make(student), exercises
