"""The paper's preference datasets, the real samples at hand, and the preference probability p.

Modules, bottom up, each importing only those before it:

- :mod:`.errors` -- the named errors, and reading a local file so that a parser's failure is one;
- :mod:`.registry` -- the paper's four datasets, the real samples, the packaged folders;
- :mod:`.packaged` -- the real data shipped with the package, its sha256 check, :func:`locate`;
- :mod:`.pipeline` -- the paper's pipeline from scores to p (steps 1-6), histogram binning and
  the reliability curve;
- :mod:`.loading` -- scores from a local copy of the hub files, the hub, or a real sample;
- :mod:`.availability` -- a dataset's p, what a build can show, and notes for readers.

Everything a caller uses is re-exported here: ``from annotator_incentives.data import X``.
"""

from __future__ import annotations

from .availability import DATA_PAGE as DATA_PAGE
from .availability import Availability, available_preference_data, load_preference_data, reader_note
from .errors import DamagedCopyError, DataError, DatasetUnavailableError, PackagedDataError, UnreadableDataError
from .loading import HUB_HOST as HUB_HOST
from .loading import SCORE_COLUMNS as SCORE_COLUMNS
from .loading import _hub_reachable as _hub_reachable
from .loading import helpsteer_pairs_from_attributes, load_sample_scores, load_scores
from .packaged import (
    DATA_DIR_ENV,
    PACKAGED_DATA_DIR,
    locate,
    packaged_data_dir,
    packaged_data_markdown,
    verify_local_copy,
    verify_packaged_data,
)
from .packaged import PACKAGED_MANIFEST as PACKAGED_MANIFEST
from .pipeline import (
    N_CALIBRATION_BINS,
    SEED,
    Calibration,
    PreferenceData,
    Scores,
    clean_scores,
    fit_histogram_binning,
    preference_probabilities,
    reliability_curve,
)
from .registry import DATASETS, PACKAGED_FOLDERS, SAMPLES, DatasetSpec, PackagedFolder, SampleSpec

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
