"""Assessing and incentivizing human preference annotators.

A companion library to Liu, Wang, Ma and Li, "How Humans Help LLMs: Assessing and
Incentivizing Human Preference Annotators" (arXiv 2502.06387). Modules follow the paper:

- :mod:`~annotator_incentives.data` -- the preference datasets and the probability p;
- :mod:`~annotator_incentives.monitoring` -- expert and self-consistency monitoring, exactly;
- :mod:`~annotator_incentives.utility` -- utility profiles and the model's assumptions;
- :mod:`~annotator_incentives.contracts` -- first-best and exact second-best contracts;
- :mod:`~annotator_incentives.rates` -- the binomial lemma and the rates of Theorems 1-2;
- :mod:`~annotator_incentives.grid_reference` -- the paper's grid method, as a reference;
- :mod:`~annotator_incentives.annotators` -- real annotators with identities;
- :mod:`~annotator_incentives.downstream` -- a reward model trained on simulated annotators' labels;
- :mod:`~annotator_incentives.planning` (its input files: :mod:`~annotator_incentives.planning_inputs`)
  and :mod:`~annotator_incentives.cli` -- the planning tool;
- :mod:`~annotator_incentives.plotting` -- one figure style, figures saved with their data;
- :mod:`~annotator_incentives.figure_data` -- the precision of figure data, and comparing two builds'
  (``python -m annotator_incentives.figure_data compare``);
- :mod:`~annotator_incentives.versions` -- the package versions a build was made with.
"""

from .versions import environment_versions

__version__ = "0.1.0"
__all__ = ["environment_versions"]
