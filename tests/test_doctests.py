"""The library's documentation: the examples in its docstrings run (each module's as one test;
the values they show are the documentation's promises), the documented modules keep their
numpydoc sections, and the book's API reference lists every public name (issue 22, item 3)."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import annotator_incentives
from suite import REPO_ROOT

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
DOCUMENTED = ("monitoring", "utility", "welfare", "rates", "planning", "planning_inputs", "contracts",
              "binomial", "validation", "data.availability", "data.errors", "data.loading", "data.packaged", "data.pipeline",
              "data.registry", "agreement",
              "contracts.agent", "contracts.binary", "contracts.binary_search", "contracts.binary_terms",
              "contracts.certify", "contracts.margin", "contracts.skeleton", "contracts.tables", "contracts.solve",
              "contracts.general", "contracts.linear", "contracts.optimise", "contracts.problem", "binomial_kernel")


def _sections(doc: str | None, *names: str) -> list[str]:
    """The numpydoc sections of ``names`` that ``doc`` does not have."""
    return [name for name in names if not re.search(rf"^\s*{name}\n\s*-{{{len(name)}}}\n", doc or "", re.M)]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_functions_have_parameters_and_examples(name):
    module = importlib.import_module(f"annotator_incentives.{name}")
    functions = {attr: getattr(module, attr) for attr in module.__all__}
    own = {attr: f for attr, f in functions.items() if inspect.isfunction(f) and f.__module__ == module.__name__}
    # a module of records and errors only (data.errors, data.registry) is checked by the class test
    assert own or any(inspect.isclass(f) and f.__module__ == module.__name__ for f in functions.values())
    missing = [(attr, section) for attr, f in own.items()
               for section in _sections(f.__doc__, "Parameters", "Returns", "Examples")]
    assert not missing, missing


@pytest.mark.parametrize("name", DOCUMENTED)
def test_public_classes_have_examples(name):
    """Each class of a documented module's ``__all__`` (records, errors) shows itself in use, and a
    record (a dataclass or named tuple) lists its fields in an Attributes section."""
    module = importlib.import_module(f"annotator_incentives.{name}")
    classes = {attr: getattr(module, attr) for attr in module.__all__}
    own = {attr: c for attr, c in classes.items() if inspect.isclass(c) and c.__module__ == module.__name__}
    missing = [(attr, section) for attr, c in own.items() for section in _sections(
        c.__doc__, "Examples", *(["Attributes"] if dataclasses.is_dataclass(c) or hasattr(c, "_fields") else []))]
    assert not missing, missing


def test_the_api_reference_lists_each_module_all():
    """chapters/api.md lists, for each module on it, every name of the module's ``__all__`` in its
    summary table and documents each (names defined in another module on the page are referred
    to there instead)."""
    page = (REPO_ROOT / "chapters" / "api.md").read_text()
    sections = re.findall(r"\.\. automodule:: (\S+)\n(.*?)(?=\.\. automodule::|\Z)", page, re.S)
    assert {"annotator_incentives.monitoring", "annotator_incentives.welfare"} <= {name for name, _ in sections}
    on_page = {name for name, _ in sections}
    for name, body in sections:
        module = importlib.import_module(name)
        table = re.search(r"\.\. autosummary::\n   :nosignatures:\n\n((?:   \S+\n)+)", body)
        assert table, name
        listed = table.group(1).split()
        documented = re.findall(r"^\.\. auto(?:function|class|data):: (\S+)", body, re.M)
        elsewhere = {attr for attr in module.__all__
                     if getattr(getattr(module, attr), "__module__", name) in on_page - {name}}
        assert listed == [attr for attr in module.__all__ if attr not in elsewhere], name
        assert documented == listed, name
        assert all(f"{getattr(module, attr).__module__}.{attr}" in body for attr in elsewhere), name
