"""The paper's preference datasets, the real samples at hand, and the preference probability p.

Modules, bottom up, each importing only those before it:

- ``errors`` -- the named errors, and reading a local file so that a parser's failure is one;
- ``registry`` -- the paper's four datasets, the real samples, the packaged folders;
- ``packaged`` -- the real data shipped with the package, its sha256 check, :func:`locate`;
- ``pipeline`` -- the paper's pipeline from scores to p (steps 1-6), histogram binning and
  the reliability curve;
- ``loading`` -- scores from a local copy of the hub files, the hub, or a real sample;
- ``availability`` -- a dataset's p, what a build can show, and notes for readers.

Everything a caller uses is re-exported here: ``from annotator_incentives.data import X``.
"""

from __future__ import annotations

from . import packaged, pipeline, registry
from .availability import DATA_PAGE as DATA_PAGE
from .availability import Availability, available_preference_data, load_preference_data, reader_note
from .errors import DamagedCopyError, DataError, DatasetUnavailableError, PackagedDataError, UnreadableDataError
from .loading import HUB_HOST as HUB_HOST
from .loading import SCORE_COLUMNS as SCORE_COLUMNS
from .loading import _hub_reachable as _hub_reachable
from .loading import helpsteer_pairs_from_attributes, load_sample_scores, load_scores
from .packaged import PACKAGED_MANIFEST as PACKAGED_MANIFEST
from .packaged import (
    locate,
    packaged_data_dir,
    packaged_data_markdown,
    verify_local_copy,
    verify_packaged_data,
)
from .pipeline import (
    Calibration,
    PreferenceData,
    Scores,
    clean_scores,
    fit_histogram_binning,
    preference_probabilities,
    reliability_curve,
)
from .registry import DatasetSpec, PackagedFolder, SampleSpec

DATA_DIR_ENV = packaged.DATA_DIR_ENV  #: the environment variable that names the data folder
PACKAGED_DATA_DIR = packaged.PACKAGED_DATA_DIR  #: the real data shipped with the package (``annotator_incentives/_data``)
DATASETS = registry.DATASETS  #: the paper's four datasets by key (pku, helpsteer, ultra, skywork), a DatasetSpec each
SAMPLES = registry.SAMPLES  #: the real samples shipped with the package by key, a SampleSpec each
#: the packaged folders by name, each with what it holds, its licence and attribution
PACKAGED_FOLDERS = registry.PACKAGED_FOLDERS
SEED = pipeline.SEED  #: the seed of the pipeline's shuffle and coin flips, the paper's 42
N_CALIBRATION_BINS = pipeline.N_CALIBRATION_BINS  #: the bins of the histogram-binning calibration, the paper's 30

__all__ = [
    "DATA_DIR_ENV",
    "DATASETS",
    "SAMPLES",
    "DatasetSpec",
    "Scores",
    "SampleSpec",
    "PreferenceData",
    "Calibration",
    "DataError",
    "DatasetUnavailableError",
    "PackagedDataError",
    "UnreadableDataError",
    "DamagedCopyError",
    "PACKAGED_DATA_DIR",
    "PACKAGED_FOLDERS",
    "PackagedFolder",
    "packaged_data_dir",
    "packaged_data_markdown",
    "verify_packaged_data",
    "verify_local_copy",
    "locate",
    "load_scores",
    "load_sample_scores",
    "clean_scores",
    "preference_probabilities",
    "fit_histogram_binning",
    "load_preference_data",
    "available_preference_data",
    "Availability",
    "reader_note",
    "helpsteer_pairs_from_attributes",
    "SEED",
    "N_CALIBRATION_BINS",
    "reliability_curve",
]
