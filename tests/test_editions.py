"""The reader's and the student's editions of a chapter (``_ext/book/editions.py``), on a small
MyST notebook: solutions folded or replaced, hidden cells collapsed, captions and references."""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from book.commonmark import References
from book.editions import SOLUTION_TAG, editions

CHAPTER = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    (chap-small)=
    # A small chapter

    As {cite:t}`liu2025` show, {numref}`fig-small` draws it.

    ```{code-cell} ipython3
    :tags: [hide-input]
    x = 1
    ```

    ```{code-cell} ipython3
    ---
    mystnb:
      figure:
        caption: A line, after {cite:p}`bt1952`.
        name: fig-small
    ---
    print(x)
    ```

    ```{exercise}
    :label: ex-small

    Double it.
    ```

    ```{solution-start} ex-small
    :class: dropdown
    ```

    Multiply by the secret factor two.

    ```{code-cell} ipython3
    secret_answer = 2 * x
    ```

    ```{solution-end}
    ```

    ```{code-cell} ipython3
    :tags: [remove-cell]
    y = x
    ```
    ''')
REFS = References(
    labels={"fig-small": {"doc": "chapters/small", "kind": "figure", "number": "7", "title": ""},
            "ex-small": {"doc": "chapters/small", "kind": "exercise", "number": "3", "title": ""}},
    docs={"chapters/small": {"title": "A small chapter", "url": None}},
    citations={"liu2025": {"authors": "Liu et al.", "year": "2025"}, "bt1952": {"authors": "Bradley and Terry", "year": "1952"}})
ENTRIES = {"liu2025": "Liu and others. How humans help. 2025.", "bt1952": "Bradley and Terry. Rank analysis. 1952."}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    path = tmp_path_factory.mktemp("chapter") / "small.md"
    path.write_text(CHAPTER)
    return editions(path, "chapters/small", REFS, ENTRIES)


def text(notebook) -> str:
    return nbformat.writes(notebook)


def test_the_readers_edition_folds_the_solution_and_keeps_every_code_cell(both):
    reader, _, exercises = both
    assert exercises
    code = [c for c in reader.cells if c.cell_type == "code"]
    assert [c.source for c in code] == ["x = 1", "print(x)", "secret_answer = 2 * x", "y = x"]
    solution = code[2]
    assert solution.metadata["tags"] == [SOLUTION_TAG] and solution.metadata["cellView"] == "form"
    assert solution.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    markdown = "\n\n".join(c.source for c in reader.cells if c.cell_type == "markdown")
    assert "> **Exercise 3.** Double it." in markdown
    assert "<details>\n<summary><b>Solution to Exercise 3</b></summary>\n\nMultiply by the secret factor two." in markdown
    assert "As Liu et al. (2025) show, Fig. 7 draws it." in markdown


def test_hidden_cells_are_collapsed_and_captions_follow_their_figure(both):
    reader, _, _ = both
    first, _, figure_caption = reader.cells[1:4]
    assert first.metadata["jupyter"] == {"source_hidden": True} and first.metadata["cellView"] == "form"
    assert figure_caption.source.startswith("**Fig. 7.** A line, after (Bradley and Terry, 1952).\n\n")
    removed = reader.cells[-2]
    assert removed.source == "y = x" and removed.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}


def test_the_chapters_references_close_it(both):
    reader, student, _ = both
    for notebook in (reader, student):
        assert notebook.cells[-1].source == ("## References\n\n- Liu and others. How humans help. 2025.\n"
                                             "- Bradley and Terry. Rank analysis. 1952.")


def test_the_students_edition_has_an_empty_cell_in_place_of_the_solution(both):
    _, student, _ = both
    assert "secret" not in text(student) and "<details>" not in text(student)
    code = [c.source for c in student.cells if c.cell_type == "code"]
    assert code == ["x = 1", "print(x)", "# Exercise 3: your solution here", "y = x"]
