"""What the book's chapters compute, count and compare, as data.

One module per part of the book, above the modules whose quantities it reads (a chapter's
figure is drawn from those modules; what its sentences say about the figure is computed here,
so that the chapter and the tests call the same tested functions):

- :mod:`~annotator_incentives.findings.assessing` -- the data and the two monitoring chapters
  (expert-based and self-consistency monitoring);
- :mod:`~annotator_incentives.findings.incentives` -- the utility-gap and binary-contract
  chapters (what the gap figures show, counted; the paper's grid method beside the exact solver;
  the bell curves, rates and thresholds of binary contracts);
- :mod:`~annotator_incentives.findings.beyond` -- the real-annotator chapter (interval widths,
  rank agreement, the crowd-kit cross-check);
- :mod:`~annotator_incentives.findings.downstream` -- the downstream chapter (the pairs with texts
  at hand, the hard pairs shown verbatim, what accuracy and the monitors say about effort);
- :mod:`~annotator_incentives.findings.principal_agent` -- the principal–agent chapter (the
  profiles against the assumptions, monitoring and contracts as complements, who gains, the
  annotator's utility curve);
- :mod:`~annotator_incentives.findings.planning` -- the planning chapter (the report of
  ``annotator-plan`` read for its case, the loss against the number of checks);
- :mod:`~annotator_incentives.findings.glance` -- the page "Results at a glance": each of the
  paper's figures and claims read from this build's figure data with the functions above, and a
  verdict (agrees, differs, not checkable on this build).

Why a package of its own rather than functions in ``monitoring`` or ``contracts``: those modules
compute the model's quantities; what a chapter *says about* them (which curve is below which,
in how many of the comparisons, with which cases left out) is a reading of several of them at
once, and it sits on the floor above them, like ``planning`` and ``welfare``.

Every function returns a dataclass or a DataFrame; :mod:`annotator_incentives.report` writes
their numbers into sentences. A case without an answer (a target no number of checks up to the
search's limit reaches, a restricted problem without a feasible contract) is a value of its own
(``None``, or a count of the comparisons left out), never ``nan``, and never counted for or
against a comparison.
"""
