"""Assessing and incentivizing human preference annotators.

A companion library to Liu, Wang, Ma and Li, "How Humans Help LLMs: Assessing and
Incentivizing Human Preference Annotators" (arXiv 2502.06387). Modules follow the paper:

- :mod:`annotator_incentives.data` -- the preference datasets and the probability p;
- :mod:`annotator_incentives.plotting` -- one figure style, figures saved with their data.
"""

__version__ = "0.1.0"
