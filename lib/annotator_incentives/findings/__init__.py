"""What the book's chapters compute, count and compare, as data.

One module per part of the book, above the modules whose quantities it reads (a chapter's
figure is drawn from those modules; what its sentences say about the figure is computed here,
so that the chapter and the tests call the same tested functions):

- :mod:`~annotator_incentives.findings.assessing` -- the data and the two monitoring chapters
  (expert-based and self-consistency monitoring).

Every function returns a dataclass or a DataFrame; :mod:`annotator_incentives.report` writes
their numbers into sentences. A case without an answer (a target no number of checks up to the
search's limit reaches) is a value of its own (``None`` with a reason), never ``nan``, and never
counted for or against a comparison.
"""
