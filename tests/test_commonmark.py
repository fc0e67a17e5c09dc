"""The converter of the downloaded notebooks (``_ext/book/commonmark.py``): MyST Markdown in,
CommonMark out, on small inputs. The whole book's notebooks are checked in test_downloads.py."""

from __future__ import annotations

import textwrap

import pytest

from book.commonmark import References, convert, convert_output, install_display_hook, myst_leftovers

DOC = "chapters/here"
REFS = References(
    labels={
        "thm-main": {"doc": DOC, "kind": "theorem", "number": "2", "title": "Main result"},
        "lem-tail": {"doc": "chapters/other", "kind": "lemma", "number": "1", "title": "Tails"},
        "fig-gap": {"doc": "chapters/other", "kind": "figure", "number": "3", "title": "The gap."},
        "fig-here": {"doc": DOC, "kind": "figure", "number": "1", "title": "Here."},
        "tab-sum": {"doc": DOC, "kind": "table", "number": "4", "title": ""},
        "sec-solver": {"doc": "chapters/other", "kind": "section", "number": None, "title": "How the solver works"},
        "ex-one": {"doc": DOC, "kind": "exercise", "number": "1", "title": ""},
    },
    docs={DOC: {"title": "This chapter", "url": None}, "chapters/other": {"title": "The other chapter", "url": None}},
    citations={"liu2025": {"authors": "Liu et al.", "year": "2025"}, "bt1952": {"authors": "Bradley and Terry", "year": "1952"}},
)
PUBLISHED = References(**(REFS.as_dict() | {
    "docs": {DOC: {"title": "This chapter", "url": "https://o.github.io/r/chapters/here.html"},
             "chapters/other": {"title": "The other chapter", "url": "https://o.github.io/r/chapters/other.html"}},
    "glossary_doc": "chapters/other"}))


def md(text: str, refs: References = REFS) -> str:
    return convert(textwrap.dedent(text), refs, DOC).text


def test_labels_comments_and_block_breaks_go():
    out = md("""\
        (chap-here)=
        # Title
        % a comment
        Text.
        +++
        More.
        """)
    assert out.startswith("# Title") and "(chap-here)=" not in out and "comment" not in out and "+++" not in out


def test_a_theorem_is_a_numbered_blockquote_with_a_bold_title():
    out = md("""\
        ```{prf:theorem} Main result
        :label: thm-main

        Under the assumptions, $x = 1$.
        ```
        """)
    assert out == "> **Theorem 2 (Main result).** Under the assumptions, $x = 1$."


def test_a_proof_a_box_without_title_and_one_that_starts_with_math():
    out = md("""\
        ````{prf:proof}
        $$
        a = b
        $$

        Hence the claim.
        ````
        """)
    assert out.startswith("> **Proof.**\n>\n> $$\n> a = b\n> $$\n>\n> Hence the claim.")
    assert md(":::{prf:assumption}\n:nonumber:\nA thing.\n:::").startswith("> **Assumption.** A thing.")


def test_references_resolve_to_the_books_numbers_and_titles():
    out = md("See {prf:ref}`thm-main`, {prf:ref}`lem-tail`, {numref}`fig-here`, {numref}`fig-gap`, "
             "{numref}`Figure %s <fig-gap>`, {prf:ref}`2 <thm-main>`, {ref}`sec-solver`, {ref}`ex-one`, "
             "{numref}`tab-sum` and {doc}`other`.")
    assert out == ("See Theorem 2, Lemma 1 in *The other chapter*, Fig. 1, Fig. 3 in *The other chapter*, Figure 3, 2, "
                   "How the solver works, Exercise 1, Table 4 and the chapter *The other chapter*.")


def test_references_link_to_the_published_pages():
    out = md("{prf:ref}`lem-tail` and {doc}`the other <other>` and {term}`Effort <effort level>`.", PUBLISHED)
    assert out == ("[Lemma 1 in *The other chapter*](https://o.github.io/r/chapters/other.html#lem-tail) and "
                   "[the other](https://o.github.io/r/chapters/other.html) and "
                   "[Effort](https://o.github.io/r/chapters/other.html#term-effort-level).")


def test_citations_are_author_year_and_collected():
    converted = convert("As {cite:t}`liu2025` show, pairs {cite:p}`bt1952,liu2025` and {cite}`unknown`.", REFS, DOC)
    assert converted.text == "As Liu et al. (2025) show, pairs (Bradley and Terry, 1952; Liu et al., 2025) and (unknown)."
    assert converted.cited == ["liu2025", "bt1952", "unknown"]


def test_code_math_and_ordinary_fences_are_kept_as_they_are():
    source = "Write `{numref}` or ``{ref}`x` ``; $a_{b}$ and $$c$$.\n\n```python\n# {numref}`fig-here`\n```"
    assert md(source) == source


def test_other_roles_and_directives_are_stripped_to_their_content():
    out = md("""\
        A {sub}`2` and {abbr}`MT (machine translation)` and {py:func}`~pkg.mod.solve` and {weird}`text <target>`.

        ```{mystery} A title
        :opt: 1

        Body with {numref}`fig-here`.
        ```
        """)
    assert out == "A <sub>2</sub> and MT and `solve()` and text.\n\n**A title**\n\nBody with Fig. 1."
    assert myst_leftovers(out) == []


def test_admonitions_and_dropdowns():
    assert md("```{note}\nMind this.\n```") == "> **Note.** Mind this."
    assert md(":::{admonition} Careful\n:class: dropdown\nInside.\n:::") == \
        "<details>\n<summary><b>Careful</b></summary>\n\nInside.\n\n</details>"


def test_a_table_caption_is_a_bold_line_above_the_pipe_table():
    out = convert_output(":::{table} Gaps of {numref}`fig-here` at $n$.\n:name: tab-sum\n\n| a | b |\n|---|---|\n| 1 | 2 |\n:::",
                         REFS, DOC)
    assert out == "**Table 4.** Gaps of Fig. 1 at $n$.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert md("```{list-table} Rows\n* - a\n  - b\n* - 1\n  - 2\n```") == "**Rows**\n\n| a | b |\n|---|---|\n| 1 | 2 |"


def test_nested_directives_and_equation_labels():
    out = md("""\
        ````{exercise}
        :label: ex-one

        Show it.

        ```{tip}
        Use $$x$$ (eq-x)
        ```
        ````

        $$
        y
        $$ (eq-y)
        """)
    assert out == "> **Exercise 1.** Show it.\n>\n> > **Tip.** Use $$x$$ (eq-x)\n\n$$\ny\n$$"


def test_solutions_come_back_as_their_own_parts():
    converted = convert("Before.\n\n```{solution-start} ex-one\n:class: dropdown\n```\n\nThe answer.\n\n"
                        "```{solution-end}\n```\n\nAfter.\n\n:::{solution} ex-one\nWhole.\n:::", REFS, DOC)
    assert [(p.kind, p.text, p.number) for p in converted.parts] == [
        ("text", "Before.", ""), ("solution-start", "", "1"), ("text", "The answer.", ""), ("solution-end", "", ""),
        ("text", "After.", ""), ("solution", "Whole.", "1")]


def test_myst_links_go_to_the_published_pages_and_math_stays():
    out = md("[the lemma](#lem-tail), [other](other.md#sec-solver), [gone](missing.md), [web](https://x.org), "
             "$[0, 1](1 - x)$ and [a](b)", PUBLISHED)
    assert out == ("[the lemma](https://o.github.io/r/chapters/other.html#lem-tail), "
                   "[other](https://o.github.io/r/chapters/other.html#sec-solver), gone, [web](https://x.org), "
                   "$[0, 1](1 - x)$ and [a](b)")


def test_a_definition_list_becomes_bold_terms():
    assert md("Effort\n: how careful the annotator is\n  when labelling.\n\nNext.") == \
        "**Effort**\n\nhow careful the annotator is\nwhen labelling.\n\nNext."


@pytest.mark.parametrize("text", ["(lbl)=\n# T", "```{note}\nx\n```", ":::\nx\n:::", "see {ref}`x`", ":label: x"])
def test_leftovers_are_found(text):
    assert myst_leftovers(text)


def test_the_display_hook_shows_commonmark_and_keeps_the_myst(monkeypatch):
    import IPython
    from IPython.core.formatters import DisplayFormatter
    from IPython.display import Markdown

    assert install_display_hook(REFS.as_dict(), DOC) is False  # no kernel: nothing to do

    class Shell:
        display_formatter = DisplayFormatter()

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell)
    assert install_display_hook(REFS.as_dict(), DOC) is True
    myst = "See {numref}`fig-here`."
    data, metadata = Shell.display_formatter.format(Markdown(myst))
    assert data["text/markdown"] == "See Fig. 1." and metadata["text/markdown"] == {"book_myst": myst}
    data, metadata = Shell.display_formatter.format(Markdown("Plain."))
    assert data["text/markdown"] == "Plain." and "text/markdown" not in metadata


def test_a_glued_box_says_where_its_results_appear():
    text = ":::{admonition} What this chapter shows\n:class: tip\n\n```{glue:md} chapter-shows\n:format: myst\n```\n:::\n"
    out = convert(text, REFS, "chapters/a").text
    assert "chapter-shows" not in out and "run it, and the cell that computes these results shows them there" in out
    assert not myst_leftovers(out)
