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
    """One of the paper's four preference datasets, a table of ``registry.toml``; :data:`DATASETS`
    holds them by key.

    Attributes
    ----------
    key, label : str
        The dataset's key in :data:`DATASETS` and its name in tables and figures.
    hub_id : str
        Its Hugging Face hub id, where the paper's file lives.
    paper_pairs : int
        The pairs of the paper's file.
    calibrated : bool
        Whether the pipeline calibrates its p by histogram binning (PKU and Skywork).
    score_note : str
        Where its scores come from, in a few words.
    licence : str
        The licence of the hub file.
    prose_name : str
        The dataset as a sentence names it ("PKU-SafeRLHF").
    scores_file : str or None
        For PKU: the file of the data folder with the scores the hub file lacks, made by a reward
        model; None when the hub file has its scores.
    scorer : str or None
        The reward model that makes the scores of ``scores_file``, else None.

    Examples
    --------
    >>> helpsteer = DATASETS["helpsteer"]
    >>> helpsteer.paper_pairs, helpsteer.calibrated, helpsteer.scores_file
    (37131, False, None)
    """

    key: str
    label: str
    hub_id: str
    paper_pairs: int
    calibrated: bool
    score_note: str
    licence: str
    prose_name: str
    scores_file: str | None = None
    scorer: str | None = None


@dataclass(frozen=True)
class SampleSpec:
    """A real sample in the shared data folder, a table of ``registry.toml``; named as a sample
    wherever it is used. :data:`SAMPLES` holds them by key.

    Attributes
    ----------
    key, label : str
        The sample's key in :data:`SAMPLES` and its name in tables and figures.
    folder, file : str
        Its folder in the data folder and the CSV file there.
    chosen_column, rejected_column : str
        The columns of that file with the chosen and the rejected response's scores.
    stands_for : str
        The key of the paper's dataset whose pipeline it exercises.
    caveat : str
        What a reader should know about it as a stand-in.
    shown_in_figures : bool
        Whether it is large enough to stand in for its dataset in figures (labelled as a sample).
    pairs : int
        The rows of its file: a local copy with another number is truncated or different.
    origin : str
        Where the rows come from, as a reader would look it up ("" when not given).

    Examples
    --------
    >>> sample = SAMPLES["helpsteer2-sample"]
    >>> sample.pairs, sample.stands_for, sample.shown_in_figures
    (44, 'helpsteer', False)
    """

    key: str
    label: str
    folder: str
    file: str
    chosen_column: str
    rejected_column: str
    stands_for: str
    caveat: str
    shown_in_figures: bool
    pairs: int
    origin: str = ""


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
    """A folder of real data shipped with the package, a table of ``registry.toml``; it holds a
    SOURCE.md with the details. :data:`PACKAGED_FOLDERS` holds them by folder name.

    Attributes
    ----------
    what : str
        What the folder holds, with its counts.
    licence : str
        The licence of its data.
    attribution : str
        Whom to credit, with the paper to cite.
    prose_name : str
        The folder's data as a sentence names it ("the MT-Bench human judgments").

    Examples
    --------
    >>> pandalm = PACKAGED_FOLDERS["pandalm-testset"]
    >>> pandalm.licence, pandalm.what.split()[0]
    ('Apache-2.0', '999')
    """

    what: str
    licence: str
    attribution: str
    prose_name: str


#: folder -> what it is, licence, attribution, name in prose
PACKAGED_FOLDERS: dict[str, PackagedFolder] = {
    folder: PackagedFolder(**fields) for folder, fields in _RECORDS["packaged"].items()}
