"""The examples in the library's docstrings run, each module's as one test: the values they
show are the documentation's promises (issue 22, item 3)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import annotator_incentives

# `python -m annotator_incentives` runs the planner when imported: it has no examples
MODULES = sorted(info.name for info in pkgutil.walk_packages(annotator_incentives.__path__, "annotator_incentives.")
                 if not info.name.endswith(".__main__"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_every_module_is_found():
    assert {"annotator_incentives.monitoring", "annotator_incentives.contracts.certify",
            "annotator_incentives.findings.incentives"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


# modules whose every public function has numpydoc sections and an example (issue 22, item 3)
DOCUMENTED = ("monitoring", "utility", "welfare", "rates", "planning", "planning_inputs")


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_functions_have_parameters_and_examples(name):
    module = importlib.import_module(f"annotator_incentives.{name}")
    functions = {attr: getattr(module, attr) for attr in module.__all__}
    own = {attr: f for attr, f in functions.items() if inspect.isfunction(f) and f.__module__ == module.__name__}
    assert own
    missing = [(attr, section) for attr, f in own.items() for section in ("Parameters", "Returns", "Examples")
               if not re.search(rf"^\s*{section}\n\s*-{{{len(section)}}}\n", f.__doc__ or "", re.M)]
    assert not missing, missing
