"""The registry: the paper's four preference datasets, the real samples, and the packaged folders.

:data:`DATASETS` holds the paper's four datasets, :data:`SAMPLES` the
real samples that exercise their pipeline, each named as a sample wherever it is used, and
:data:`PACKAGED_FOLDERS` the folders of real data shipped with the package (what each holds, its
licence and attribution). The records themselves are data, one TOML table each in
``registry.toml`` beside this module; this module gives them their types.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from .errors import DatasetUnavailableError

__all__ = ["DatasetSpec", "SampleSpec", "DATASETS", "SAMPLES", "PackagedFolder", "PACKAGED_FOLDERS"]


@dataclass(frozen=True)
class DatasetSpec:
    """One of the paper's four preference datasets."""

    key: str
    label: str
    hub_id: str
    paper_pairs: int
    calibrated: bool
    score_note: str
    licence: str
    prose_name: str  # as a sentence names it ("PKU-SafeRLHF")
    scores_file: str | None = None  # for PKU: scores the hub file lacks, made by a reward model
    scorer: str | None = None  # the reward model that makes them


@dataclass(frozen=True)
class SampleSpec:
    """A real sample in the shared data folder; named as a sample wherever it is used."""

    key: str
    label: str
    folder: str
    file: str
    chosen_column: str
    rejected_column: str
    stands_for: str  # key of the paper dataset whose pipeline it exercises
    caveat: str
    shown_in_figures: bool  # large enough to stand in for its dataset, labelled as a sample
    pairs: int  # rows of its file: a local copy with another number is truncated or different
    origin: str = ""  # where the rows come from, as a reader would look it up


REGISTRY_FILE = "registry.toml"  #: the records, as data beside this module (shipped with the package)


def _records() -> dict[str, Any]:
    """The tables of :data:`REGISTRY_FILE`: ``datasets``, ``samples`` and ``packaged``, by key."""
    return tomllib.loads(resources.files("annotator_incentives.data").joinpath(REGISTRY_FILE).read_text(encoding="utf-8"))


_RECORDS = _records()
DATASETS: dict[str, DatasetSpec] = {key: DatasetSpec(key=key, **fields) for key, fields in _RECORDS["datasets"].items()}
SAMPLES: dict[str, SampleSpec] = {key: SampleSpec(key=key, **fields) for key, fields in _RECORDS["samples"].items()}


def _spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable "name" such as a list
        known = ", ".join(sorted(DATASETS) + sorted(SAMPLES))
        raise DatasetUnavailableError(f"unknown dataset {name!r}; known: {known}") from None


class PackagedFolder(NamedTuple):
    """A folder of real data shipped with the package; it holds a SOURCE.md with the details."""

    what: str
    licence: str
    attribution: str
    prose_name: str  # as a sentence names it ("the MT-Bench human judgments")


#: folder -> what it is, licence, attribution, name in prose
PACKAGED_FOLDERS: dict[str, PackagedFolder] = {
    folder: PackagedFolder(**fields) for folder, fields in _RECORDS["packaged"].items()}
