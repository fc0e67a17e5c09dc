"""The paper's preference datasets, the real samples at hand, and the preference probability p.

Pipeline (paper, data.md "Preprocessing"), implemented by :func:`preference_probabilities`:

1. drop ties (equal scores; the paper's source data has none) and count them;
2. shuffle with seed 42 and split into two halves: the first half ("evaluation half") is used
   for every figure, the second half fits the calibration;
3. ``p = sigmoid(s_chosen - s_rejected)``;
4. put each pair in random order with a fair coin: the label is 1 when the chosen response
   lands in position 1, and p becomes the probability that position 1 is preferred;
5. PKU and Skywork only: histogram-binning calibration with 30 equal-count bins, fitted on the
   second half against those labels, applied to the evaluation half;
6. fold p to ``max(p, 1 - p)``.

Where the files come from, in order: a local copy of the hub files (``data_dir`` argument or the
``ANNOTATOR_DATA_DIR`` environment variable; a folder ``<data_dir>/<hub id>/`` laid out as on
the hub), then the Hugging Face hub through ``datasets`` (with its cache). Without network the
hub attempt fails within seconds with :class:`DatasetUnavailableError`.

The real samples and the real annotator data (``SAMPLES``, ``PACKAGED_FOLDERS``) travel with the
package (``annotator_incentives/_data``, each folder with its SOURCE.md): a data folder chosen by
``data_dir`` or ``$ANNOTATOR_DATA_DIR`` is looked at first, the packaged copy after it. The
packaged files are checked against their sha256 (``_data/SHA256SUMS``) before use; a mismatch
raises :class:`PackagedDataError`. A local copy that cannot be parsed (empty, truncated, not
UTF-8, not the format its name says) raises :class:`UnreadableDataError` naming the file.
"""

from __future__ import annotations

import hashlib
import os
import socket
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.special import expit

from . import validation
from .validation import AnnotatorInputError

__all__ = [
    "DATA_DIR_ENV",
    "DATASETS",
    "SAMPLES",
    "DatasetSpec",
    "Scores",
    "SampleSpec",
    "PreferenceData",
    "DataError",
    "DatasetUnavailableError",
    "PackagedDataError",
    "UnreadableDataError",
    "PACKAGED_DATA_DIR",
    "PACKAGED_FOLDERS",
    "PackagedFolder",
    "packaged_data_dir",
    "packaged_data_markdown",
    "verify_packaged_data",
    "locate",
    "load_scores",
    "load_sample_scores",
    "clean_scores",
    "preference_probabilities",
    "fit_histogram_binning",
    "load_preference_data",
    "available_preference_data",
    "helpsteer_pairs_from_attributes",
    "SEED",
    "N_CALIBRATION_BINS",
    "reliability_curve",
]

DATA_DIR_ENV = "ANNOTATOR_DATA_DIR"
SEED = 42
N_CALIBRATION_BINS = 30
SCORE_COLUMNS = ("chosen_score", "rejected_score")
HUB_HOST = "huggingface.co"


class DataError(AnnotatorInputError):
    """Input data that cannot be used as it is (missing columns, bad values, empty)."""


class DatasetUnavailableError(LookupError):
    """A dataset that could not be found locally, in the hub cache, or on the hub."""


class PackagedDataError(DataError):
    """The data shipped with the package is not what was shipped (a file changed or is gone)."""


class UnreadableDataError(DataError):
    """A local data file that cannot be parsed: empty, truncated, not UTF-8, not the format its name says."""


_KINDS = {".parquet": "Parquet", ".csv": "CSV", ".json": "JSON", ".jsonl": "JSON lines", ".zip": "zip"}


def _first_line(failure: BaseException) -> str:
    return (str(failure).strip().splitlines() or [type(failure).__name__])[0]


def _unreadable(what: str, path: Path, reason: str) -> UnreadableDataError:
    return UnreadableDataError(f"{what}: its local copy cannot be read: {path} {reason}; replace it with a fresh copy")


def _reason(path: Path, failure: BaseException) -> str:
    """What is wrong with a file a parser refused, in a few words."""
    if isinstance(failure, UnicodeDecodeError):
        return f"is not UTF-8 text (byte {failure.start} cannot be decoded; a binary file?)"
    if isinstance(failure, OSError) and failure.strerror:
        return f"cannot be opened ({failure.strerror})"
    return f"is not a readable {_KINDS.get(path.suffix.lower(), 'data')} file ({_first_line(failure)})"


@contextmanager
def _reading(what: str, path: Path) -> Iterator[None]:
    """A parser's failure on ``path`` (a local copy of ``what``) as :class:`UnreadableDataError`;
    the library's own named errors pass through. An empty file is refused before any parser sees it."""
    import pyarrow

    if path.is_file() and path.stat().st_size == 0:
        raise _unreadable(what, path, "is empty")
    try:
        yield
    except AnnotatorInputError:
        raise
    except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile, pyarrow.ArrowException) as failure:
        raise _unreadable(what, path, _reason(path, failure)) from None


PACKAGED_DATA_DIR = Path(__file__).resolve().with_name("_data")
PACKAGED_MANIFEST = "SHA256SUMS"


class PackagedFolder(NamedTuple):
    """A folder of real data shipped with the package; it holds a SOURCE.md with the details."""

    what: str
    licence: str
    attribution: str
    prose_name: str  # as a sentence names it ("the MT-Bench human judgments")


# folder -> what it is, licence, attribution, name in prose
PACKAGED_FOLDERS: dict[str, PackagedFolder] = {
    "ultrafeedback-sample": PackagedFolder(
        "1,200 real pairs of trl-lib/ultrafeedback_binarized with GPT-4 scores (1-10)",
        "MIT", "UltraFeedback (OpenBMB; Cui et al. 2023)", "the UltraFeedback sample (1,200 real pairs)"),
    "helpsteer2-sample": PackagedFolder(
        "the first 100 responses of nvidia/HelpSteer2 with their five attributes; 44 within-prompt pairs",
        "CC-BY-4.0", "HelpSteer2 (NVIDIA; Wang et al. 2024)", "the HelpSteer2 sample (44 real pairs)"),
    "mt-bench-human-judgments": PackagedFolder(
        "1,689 MT-Bench turn-1 votes by 65 identified judges",
        "CC-BY-4.0", "MT-Bench human judgments (LMSYS; Zheng et al. 2023)", "the MT-Bench human judgments"),
    "pandalm-testset": PackagedFolder(
        "999 items labelled by the same three annotators",
        "Apache-2.0", "PandaLM test set (Wang et al. 2023)", "PandaLM's test set"),
}


def packaged_data_markdown() -> str:
    """A Markdown table of the real data shipped with the package: what, licence, attribution
    (for the book's data page; each folder's SOURCE.md has the full origin)."""
    rows = ["| folder | what | licence | attribution |", "|---|---|---|---|"]
    rows += [f"| `{folder}/` | {record.what} | {record.licence} | {record.attribution} |"
             for folder, record in PACKAGED_FOLDERS.items()]
    return "\n".join(rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_packaged_data(folder: str | os.PathLike[str] = PACKAGED_DATA_DIR) -> Path:
    """Check every file listed in ``folder/SHA256SUMS`` against its sha256; return the folder.

    Raises :class:`PackagedDataError` naming each file that is missing or differs.
    """
    folder = Path(folder)
    manifest = folder / PACKAGED_MANIFEST
    if not manifest.is_file():
        raise PackagedDataError(
            f"the packaged data has no {PACKAGED_MANIFEST}: reinstall annotator-incentives"
        )
    problems = []
    for line in manifest.read_text(errors="replace").splitlines():
        if not line.strip():
            continue
        if len(line.split(maxsplit=1)) != 2:
            problems.append(f"{PACKAGED_MANIFEST} has a line that is not '<sha256> <file>': {line[:60]!r}")
            continue
        expected, name = line.split(maxsplit=1)
        path = folder / name.strip().lstrip("*")
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif _sha256(path) != expected:
            problems.append(f"{name} differs from the shipped file (sha256 {expected[:12]}...)")
    if problems:
        raise PackagedDataError(
            "the data shipped with annotator-incentives is not as shipped: " + "; ".join(problems)
            + ". Reinstall the package (or give a good copy with data_dir= or $ANNOTATOR_DATA_DIR)."
        )
    return folder


@lru_cache(maxsize=1)
def packaged_data_dir() -> Path:
    """The real data shipped with the package, checked once per process (:func:`verify_packaged_data`)."""
    return verify_packaged_data(PACKAGED_DATA_DIR)


def locate(relative: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """A file of the real data: in the chosen data folder (``data_dir``, else
    ``$ANNOTATOR_DATA_DIR``) when it is there, else the packaged copy (``None`` for a file the
    package does not ship). The packaged copy is always there: a package without it, or with a
    changed file, raises :class:`PackagedDataError` saying so, so a chapter never runs on silently
    missing real data."""
    chosen = _chosen_data_dir(data_dir)
    if chosen is not None and (chosen / relative).is_file():
        return chosen / relative
    if Path(relative).parts[0] not in PACKAGED_FOLDERS:
        return None
    if not PACKAGED_DATA_DIR.is_dir():
        raise PackagedDataError(
            f"annotator-incentives was installed without its data ({PACKAGED_DATA_DIR.name}/ is missing next to "
            "the package): reinstall it from its wheel or repository, or give a folder holding the real "
            f"samples with data_dir= or ${DATA_DIR_ENV}"
        )
    packaged_data_dir()  # every shipped file is there and unchanged, or PackagedDataError says which is not
    return PACKAGED_DATA_DIR / relative


@dataclass(frozen=True)
class DatasetSpec:
    """One of the paper's four preference datasets (data.md, "The four datasets")."""

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
    origin: str = ""  # where the rows come from, as a reader would look it up


DATASETS: dict[str, DatasetSpec] = {
    spec.key: spec
    for spec in (
        DatasetSpec(
            key="pku",
            label="PKU",
            hub_id="RLHFlow/PKU-SafeRLHF-30K-standard",
            paper_pairs=26_874,
            calibrated=True,
            score_note=(
                "the hub file has empty scores: each response must be scored with the reward "
                "model PKU-Alignment/beaver-7b-v2.0-reward (a 7B model, a GPU in practice)"
            ),
            licence="CC-BY-NC-4.0",
            prose_name="PKU-SafeRLHF",
            scores_file="pku-beaver-7b-v2.0-reward-scores.parquet",
            scorer="PKU-Alignment/beaver-7b-v2.0-reward",
        ),
        DatasetSpec(
            key="helpsteer",
            label="HelpSteer",
            hub_id="RLHFlow/Helpsteer-preference-standard",
            paper_pairs=37_131,
            calibrated=False,
            score_note="mean of the five 0-4 HelpSteer attributes",
            licence="CC-BY-4.0",
            prose_name="HelpSteer",
        ),
        DatasetSpec(
            key="ultra",
            label="UltraFeedback",
            hub_id="RLHFlow/UltraFeedback-preference-standard",
            paper_pairs=340_025,
            calibrated=False,
            score_note="GPT-4 fine-grained ratings (1-5 scale per the dataset card)",
            licence="MIT",
            prose_name="UltraFeedback",
        ),
        DatasetSpec(
            key="skywork",
            label="Skywork",
            hub_id="BigCatc/Skywork-Reward-Preference-80K-v0.2-ordinal",
            paper_pairs=77_016,
            calibrated=True,
            score_note="logits of the reward model Skywork-Reward-Gemma-2-27B-v0.2, in the data",
            licence="see Skywork/Skywork-Reward-Preference-80K-v0.2",
            prose_name="Skywork",
        ),
    )
}

SAMPLES: dict[str, SampleSpec] = {
    spec.key: spec
    for spec in (
        SampleSpec(
            key="ultrafeedback-sample",
            label="UltraFeedback sample",
            folder="ultrafeedback-sample",
            file="trl-lib_ultrafeedback_binarized_subset1200_scores.csv",
            chosen_column="score_chosen",
            rejected_column="score_rejected",
            stands_for="ultra",
            origin="trl-lib/ultrafeedback_binarized (Hugging Face hub)",
            caveat=(
                "1,200 real pairs of trl-lib/ultrafeedback_binarized with GPT-4 scores on a "
                "1-10 scale (the paper's file: 340,025 pairs, 1-5 scale), so its p lies further "
                "from 1/2 than the paper's would"
            ),
            shown_in_figures=True,
        ),
        SampleSpec(
            key="helpsteer2-sample",
            label="HelpSteer2 sample",
            folder="helpsteer2-sample",
            file="helpsteer2_first100_pairs.csv",
            chosen_column="score_chosen",
            rejected_column="score_rejected",
            stands_for="helpsteer",
            origin="nvidia/HelpSteer2 (Hugging Face hub)",
            caveat=(
                "44 within-prompt pairs from the first 100 responses of nvidia/HelpSteer2 (not "
                "the paper's HelpSteer): a schema and pipeline check, far too small for figures"
            ),
            shown_in_figures=False,
        ),
    )
}


def _chosen_data_dir(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The data folder a caller chose: the argument, else ``$ANNOTATOR_DATA_DIR``, else ``None``."""
    chosen = path if path is not None else os.environ.get(DATA_DIR_ENV) or None
    if chosen is None:
        return None
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        source = "data_dir argument" if path is not None else f"${DATA_DIR_ENV}"
        raise DatasetUnavailableError(f"{source} points to {folder}, which is not a directory")
    return folder


def _spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS) + sorted(SAMPLES))
        raise DatasetUnavailableError(f"unknown dataset {name!r}; known: {known}") from None


def _offline_requested() -> bool:
    """The Hugging Face switches for working offline (``HF_HUB_OFFLINE``, ``HF_DATASETS_OFFLINE``)."""
    return any(os.environ.get(name, "").upper() in {"1", "ON", "YES", "TRUE"}
               for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))


def _hub_reachable(timeout: float = 3.0) -> bool:
    endpoint = os.environ.get("HF_ENDPOINT", f"https://{HUB_HOST}")
    host = endpoint.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


@contextmanager
def _hub_offline() -> Iterator[None]:
    """Make ``datasets`` use only its cache: no retries against a hub we know is unreachable."""
    import datasets.config
    import huggingface_hub.constants

    saved = datasets.config.HF_HUB_OFFLINE, huggingface_hub.constants.HF_HUB_OFFLINE
    datasets.config.HF_HUB_OFFLINE = huggingface_hub.constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        datasets.config.HF_HUB_OFFLINE, huggingface_hub.constants.HF_HUB_OFFLINE = saved


def _hub_files(name: str, folder: Path) -> list[Path]:
    """The shards of a local copy in the hub layout, each with the score columns (read from its
    footer, so that a corrupt shard or a missing column is named before ``datasets`` reads them)."""
    import pyarrow.parquet as pq

    files = sorted((folder / "data").glob("train-*.parquet"))
    if not files:
        raise DataError(
            f"{folder} has no hub files: expected data/train-*.parquet (the hub layout, "
            "e.g. data/train-00000-of-00001.parquet)"
        )
    for file in files:
        with _reading(f"dataset {name}", file):
            columns = list(pq.read_schema(file).names)
        missing = [c for c in SCORE_COLUMNS if c not in columns]
        if missing:
            raise DataError(f"{file}: missing column(s) {', '.join(missing)}; found {', '.join(columns)}")
    return files


def _how_to_provide(spec: DatasetSpec) -> str:
    local = f"${DATA_DIR_ENV}/{spec.hub_id}/data/train-*.parquet"
    if spec.scores_file:
        return (
            f"{spec.label} needs reward-model scores ({spec.score_note}); write them as "
            f"${DATA_DIR_ENV}/{spec.scores_file} with columns chosen_score, rejected_score, "
            f"one row per pair of {spec.hub_id} (train split, hub order)"
        )
    return (
        f"run with network access to the Hugging Face hub (datasets.load_dataset("
        f"'{spec.hub_id}') caches it), or put a copy of the hub files at {local}"
    )


@dataclass(frozen=True)
class Scores:
    """Raw scores of one dataset and where they came from."""

    name: str
    label: str
    chosen: np.ndarray
    rejected: np.ndarray
    source: str
    is_sample: bool
    calibrated: bool
    caveat: str = ""


def _scores_from_frame(frame: pd.DataFrame, chosen: str, rejected: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    missing = [c for c in (chosen, rejected) if c not in frame.columns]
    if missing:
        raise DataError(
            f"{where}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}"
        )
    out = []
    for column in (chosen, rejected):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            first = frame[column][bad].iloc[0]
            raise DataError(f"{where}: column {column} has non-numeric values (e.g. {first!r})")
        out.append(values.to_numpy(dtype=float))
    return out[0], out[1]


def load_scores(name: str, data_dir: str | os.PathLike[str] | None = None) -> Scores:
    """Scores of one of the paper's datasets (``DATASETS``), from a local copy or the hub."""
    spec = _spec(name)
    folder = _chosen_data_dir(data_dir)  # the paper's datasets are never packaged
    if spec.scores_file:
        return _load_scores_file(spec, folder)
    if folder is not None and (folder / spec.hub_id).is_dir():
        frame = _load_local_copy(name, folder / spec.hub_id)
        source = f"local copy of {spec.hub_id} in the data folder"
    else:
        frame = _load_from_hub(spec, folder)
        source = f"Hugging Face hub: {spec.hub_id}"
    chosen, rejected = _scores_from_frame(frame, *SCORE_COLUMNS, where=source)
    return Scores(name, spec.label, chosen, rejected, source, False, spec.calibrated)


def _load_with_datasets(path: str, data_files: list[str] | None = None) -> pd.DataFrame:
    """Only the score columns: the message columns of a full dataset would take gigabytes."""
    import datasets

    return datasets.load_dataset(path, data_files=data_files, split="train", columns=list(SCORE_COLUMNS)).to_pandas()


def _load_local_copy(name: str, folder: Path) -> pd.DataFrame:
    """The score columns of a local copy in the hub layout; a shard ``datasets`` cannot read is named."""
    import datasets

    files = _hub_files(name, folder)
    try:
        return _load_with_datasets("parquet", data_files=[str(f) for f in files])
    except datasets.exceptions.DatasetGenerationError as error:
        cause = _first_line(error.__cause__ or error)
        raise _unreadable(f"dataset {name}", folder, f"holds a shard that datasets cannot read ({cause})") from None


def _load_from_hub(spec: DatasetSpec, folder: Path | None) -> pd.DataFrame:
    looked = [f"{folder / spec.hub_id} (local copy)" if folder else f"${DATA_DIR_ENV} (not set)"]
    offline = _offline_requested()
    online = not offline and _hub_reachable()
    looked.append(f"the hub ({'offline by request' if offline else 'reachable' if online else 'unreachable'}) and its cache")
    import datasets

    try:
        if online:
            return _load_with_datasets(spec.hub_id)
        with _hub_offline():
            return _load_with_datasets(spec.hub_id)
    except (ConnectionError, FileNotFoundError, OSError) as error:
        raise DatasetUnavailableError(
            f"dataset {spec.label} ({spec.hub_id}) is not available: looked in "
            f"{'; '.join(looked)} ({type(error).__name__}). To provide it: {_how_to_provide(spec)}."
        ) from None
    except datasets.exceptions.DatasetGenerationError as error:
        raise DataError(f"{spec.hub_id}: could not read {', '.join(SCORE_COLUMNS)} ({error.__cause__})") from error


def _load_scores_file(spec: DatasetSpec, folder: Path | None) -> Scores:
    assert spec.scores_file is not None, "called only for a dataset whose scores come in a separate file"
    path = folder / spec.scores_file if folder else None
    if path is None or not path.is_file():
        where = str(path) if path else f"${DATA_DIR_ENV} (not set)"
        raise DatasetUnavailableError(
            f"dataset {spec.label} ({spec.hub_id}) is not available: no score file at {where}. "
            f"To provide it: {_how_to_provide(spec)}."
        )
    with _reading(f"dataset {spec.key}", path):
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    chosen, rejected = _scores_from_frame(frame, *SCORE_COLUMNS, where=str(path))
    source = f"scores of {spec.hub_id} by the reward model, data folder: {spec.scores_file}"
    return Scores(spec.key, spec.label, chosen, rejected, source, False, spec.calibrated)


def load_sample_scores(name: str, data_dir: str | os.PathLike[str] | None = None) -> Scores:
    """Scores of a real sample in the shared data folder (``SAMPLES``), labelled as a sample."""
    try:
        spec = SAMPLES[name]
    except KeyError:
        known = ", ".join(sorted(SAMPLES))
        raise DatasetUnavailableError(f"unknown sample {name!r}; known samples: {known}") from None
    relative = Path(spec.folder) / spec.file
    path = locate(relative, data_dir)
    if path is None:
        chosen_dir = _chosen_data_dir(data_dir)
        raise DatasetUnavailableError(
            f"sample {spec.label} is not available: not in "
            f"{chosen_dir / relative if chosen_dir else f'${DATA_DIR_ENV} (not set)'} nor in the packaged data. "
            f"Reinstall annotator-incentives (it ships {spec.folder}/), or give a folder holding "
            f"{spec.folder}/ with data_dir= or ${DATA_DIR_ENV}."
        )
    with _reading(f"dataset {spec.key}", path):
        frame = pd.read_csv(path)
    chosen, rejected = _scores_from_frame(frame, spec.chosen_column, spec.rejected_column, str(path))
    parent = DATASETS[spec.stands_for]
    where = "shipped with the library" if path.is_relative_to(PACKAGED_DATA_DIR) else "copy in the chosen data folder"
    return Scores(
        spec.key, spec.label, chosen, rejected, f"real sample of {spec.origin}, {where}", True,
        parent.calibrated, spec.caveat
    )


def clean_scores(chosen: np.ndarray, rejected: np.ndarray, where: str = "scores") -> tuple[np.ndarray, np.ndarray, int]:
    """Validate two score columns and drop ties; returns (chosen, rejected, number of ties dropped)."""
    chosen = np.asarray(chosen, dtype=float)
    rejected = np.asarray(rejected, dtype=float)
    if chosen.shape != rejected.shape or chosen.ndim != 1:
        raise DataError(f"{where}: chosen and rejected scores must be 1-D arrays of equal length")
    if chosen.size == 0:
        raise DataError(f"{where}: no pairs (the data is empty)")
    for label, values in (("chosen", chosen), ("rejected", rejected)):
        bad = ~np.isfinite(values)
        if bad.any():
            raise DataError(
                f"{where}: {int(bad.sum())} {label} score(s) are NaN or infinite "
                f"(first at row {int(np.flatnonzero(bad)[0])})"
            )
    keep = chosen != rejected
    if not keep.any():
        raise DataError(f"{where}: every pair is a tie; no preference is left")
    return chosen[keep], rejected[keep], int((~keep).sum())


@dataclass(frozen=True)
class Calibration:
    """Histogram binning: value ``bin_means[j]`` for p in ``(upper[j-1], upper[j]]``."""

    upper: np.ndarray  # upper edge of each bin; the last is +inf
    bin_means: np.ndarray

    def __call__(self, p: np.ndarray) -> np.ndarray:
        return self.bin_means[np.searchsorted(self.upper, np.asarray(p, dtype=float), side="left")]


def _predictions_and_labels(p, labels) -> tuple[np.ndarray, np.ndarray]:
    """Predicted probabilities in [0, 1] and 0/1 labels of the same length (one-dimensional)."""
    p = validation.probabilities("p", p, DataError)
    labels = validation.probabilities("labels", labels, DataError)
    if p.ndim != 1 or p.shape != labels.shape:
        raise DataError(f"p and labels must be one-dimensional and equally long; got shapes {p.shape} and {labels.shape}")
    if not np.isin(labels, (0.0, 1.0)).all():
        raise DataError(f"labels must be 0 or 1; got {labels[~np.isin(labels, (0.0, 1.0))][0]:g}")
    return p, labels


def fit_histogram_binning(p: np.ndarray, labels: np.ndarray, n_bins: int = N_CALIBRATION_BINS) -> Calibration:
    """Equal-count histogram binning (Zadrozny & Elkan 2001): each bin maps to its mean label.

    The sorted predictions are cut into ``n_bins`` consecutive groups of (nearly) equal size;
    a prediction is assigned to the first bin whose largest training prediction is >= it.
    """
    p, labels = _predictions_and_labels(p, labels)
    n_bins = validation.count("n_bins", n_bins, DataError, minimum=1)
    if p.size < n_bins:
        raise DataError(f"calibration needs at least {n_bins} pairs, got {p.size}")
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, n_bins)
    upper = np.array([p[g[-1]] for g in groups])
    upper[-1] = np.inf
    means = np.array([labels[g].mean() for g in groups])
    return Calibration(upper=upper, bin_means=means)


@dataclass(frozen=True)
class PreferenceData:
    """Preference probabilities of one dataset, with provenance (what, how many, from where)."""

    name: str
    label: str
    source: str
    is_sample: bool
    caveat: str
    n_pairs: int  # after dropping ties
    n_ties_dropped: int
    p_position1: np.ndarray  # evaluation half, P(position 1 preferred), before calibration
    labels: np.ndarray  # evaluation half, 1 when the chosen response is in position 1
    p_calibrated: np.ndarray | None  # evaluation half after histogram binning (PKU, Skywork)
    calibration: Calibration | None
    calibration_half: tuple[np.ndarray, np.ndarray] = field(repr=False, default=(np.empty(0), np.empty(0)))

    @property
    def p(self) -> np.ndarray:
        """Folded preference probability max(p, 1-p) of the evaluation half (what figures use)."""
        raw = self.p_calibrated if self.p_calibrated is not None else self.p_position1
        return np.maximum(raw, 1.0 - raw)

    @property
    def n_eval(self) -> int:
        return int(self.p_position1.size)

    @property
    def c_bar(self) -> float:
        """E|2p - 1| on the evaluation half: the expert signal strength when p_e = 1 (model.md 2.1)."""
        return float(np.mean(2.0 * self.p - 1.0))

    def provenance(self) -> str:
        kind = "named real sample" if self.is_sample else "full dataset"
        ties = f", {self.n_ties_dropped:,} ties dropped" if self.n_ties_dropped else ""
        cal = ", calibrated by 30-bin histogram binning" if self.calibration is not None else ""
        return (
            f"{self.label} ({kind}): evaluation half {self.n_eval:,} of {self.n_pairs:,} pairs"
            f"{ties}{cal}; source: {self.source}"
        )


def preference_probabilities(scores: Scores, seed: int = SEED, calibrate: bool | None = None) -> PreferenceData:
    """Run the paper's pipeline (module docstring, steps 1-6) on one dataset's scores."""
    chosen, rejected, ties = clean_scores(scores.chosen, scores.rejected, where=scores.label)
    n = chosen.size
    if n < 2:
        raise DataError(f"{scores.label}: need at least 2 pairs after dropping ties, got {n}")
    rng = np.random.default_rng(seed)
    # The same permutation as datasets.Dataset.shuffle(seed=seed) (checked in the tests).
    order = rng.permutation(n)
    chosen_first = rng.random(n) < 0.5
    p_chosen = expit(chosen - rejected)[order]
    p_position1 = np.where(chosen_first[order], p_chosen, 1.0 - p_chosen)
    labels = chosen_first[order].astype(float)
    half = n // 2
    evaluation, fitting = slice(0, half), slice(half, n)
    calibrate = scores.calibrated if calibrate is None else calibrate
    calibration = fit_histogram_binning(p_position1[fitting], labels[fitting]) if calibrate else None
    return PreferenceData(
        name=scores.name,
        label=scores.label,
        source=scores.source,
        is_sample=scores.is_sample,
        caveat=scores.caveat,
        n_pairs=n,
        n_ties_dropped=ties,
        p_position1=p_position1[evaluation],
        labels=labels[evaluation],
        p_calibrated=calibration(p_position1[evaluation]) if calibration else None,
        calibration=calibration,
        calibration_half=(p_position1[fitting], labels[fitting]),
    )


def load_preference_data(name: str, data_dir: str | os.PathLike[str] | None = None) -> PreferenceData:
    """Load a paper dataset (``DATASETS``) or a real sample (``SAMPLES``) and compute its p."""
    if name in SAMPLES:
        return preference_probabilities(load_sample_scores(name, data_dir))
    return preference_probabilities(load_scores(name, data_dir))


DATA_PAGE = "data.md"  # the book's data chapter (label chap-data), beside every other chapter


def reader_note(name: str) -> str:
    """What provides a missing dataset, calmly, for readers (no paths, no errors), to follow
    "<label>: "."""
    spec = _spec(name)
    hub = f"[{spec.hub_id}](https://huggingface.co/datasets/{spec.hub_id})"
    if spec.scores_file:
        return (
            f"needs reward-model scores, which the hub file {hub} does not carry: each pair scored with "
            f"the reward model {spec.scorer} (a 7B model; a GPU in practice), given as "
            f"`{spec.scores_file}` in the data folder (`${DATA_DIR_ENV}`)."
        )
    return (
        f"loaded from {hub} on the Hugging Face hub when the build has network access (and cached "
        f"after the first download), or from a copy of the hub files in the data folder (`${DATA_DIR_ENV}`)."
    )


@dataclass(frozen=True)
class Availability:
    """What a chapter can show: the data of each dataset that loaded, a note for each that did not.

    ``missing`` maps each missing dataset to a note for readers (what provides it; what is shown
    instead), ``details`` to the full diagnostic (where it was looked for, what failed) for
    programmers, ``stand_ins`` to the key of the real sample shown in its place.
    """

    loaded: dict[str, PreferenceData]
    missing: dict[str, str]
    details: dict[str, str] = field(default_factory=dict)
    stand_ins: dict[str, str] = field(default_factory=dict)

    def prefer(self, keys: tuple[str, ...]) -> tuple[list[PreferenceData], str]:
        """The datasets among ``keys`` that loaded, else every loaded one, and a sentence saying which."""
        chosen = [self.loaded[k] for k in keys if k in self.loaded]
        wanted = " and ".join(DATASETS[k].label for k in keys)
        if len(chosen) == len(keys):
            return chosen, f"As in the paper, the panels use {wanted}."
        chosen = chosen or list(self.loaded.values())
        shown = " and ".join(d.label for d in chosen) or "no dataset"
        return chosen, f"The paper's panels use {wanted}; on this build they use {shown}."

    def notes_markdown(self, page: Literal["data", "other"] = "data") -> str:
        """Markdown for readers about the datasets missing on this build ("" when none is).

        ``page="data"`` (the data chapter only): one note per missing dataset, what provides it.
        ``page="other"`` (every other chapter): one short line naming them, linking to the data chapter.
        """
        if not self.missing:
            return ""
        stand_ins = {s.stands_for: s for s in SAMPLES.values() if s.key in self.loaded}
        if page == "other":
            names = ", ".join(_label(k) for k in self.missing)
            return (f"*Not available on this build: {names}; the [data chapter]({DATA_PAGE}) says what "
                    "provides each. The figures show the data that is available.*")
        if page != "data":
            raise ValueError(f"page must be 'data' or 'other', not {page!r}")
        lines = ["**Datasets not available on this build.** No figure panel is drawn for these:", ""]
        for key in self.missing:
            spec = DATASETS.get(key)
            if spec is None:
                lines.append(f"- **{key}**: not available.")
                continue
            if spec.scores_file:
                how = (f"its hub file `{spec.hub_id}` has empty scores, so it is provided by a file "
                       f"`{spec.scores_file}` in the data folder with the reward-model scores "
                       f"({spec.score_note.split(': ', 1)[-1]})")
            else:
                how = (f"provided by network access to the Hugging Face hub (`{spec.hub_id}`, cached on first "
                       "use) or by a copy of the hub files in the data folder")
            note = f"- **{spec.label}** (the paper's {spec.paper_pairs:,} pairs): {how}."
            if key in stand_ins:
                sample = stand_ins[key]
                note += f" Shown instead, and labelled as such: the {sample.label} ({sample.caveat})."
            lines.append(note)
        lines += ["", f"The data folder is the one named by the environment variable `{DATA_DIR_ENV}`."]
        return "\n".join(lines)

    def diagnostics(self) -> str:
        """The full reason for each missing dataset (paths, what failed): for programmers, not readers."""
        return "\n".join(f"{_label(k)}: {why}" for k, why in self.details.items())


def _label(name: str) -> str:
    return DATASETS[name].label if name in DATASETS else SAMPLES[name].label if name in SAMPLES else name


def available_preference_data(
    names: tuple[str, ...] = ("pku", "helpsteer", "ultra", "skywork"),
    data_dir: str | os.PathLike[str] | None = None,
    stand_ins: Literal["samples", "none"] = "samples",
) -> Availability:
    """Load every dataset that can be had; for a missing one, its real sample if one exists.

    A sample never replaces a dataset silently: its label says "sample" and the missing
    dataset still gets a note.
    """
    loaded: dict[str, PreferenceData] = {}
    missing: dict[str, str] = {}
    details: dict[str, str] = {}
    shown_instead: dict[str, str] = {}
    for name in names:
        try:
            loaded[name] = load_preference_data(name, data_dir)
            continue
        except DatasetUnavailableError as error:
            missing[name], details[name] = reader_note(name), str(error)
        if stand_ins == "samples":
            for sample in SAMPLES.values():
                if sample.stands_for == name and sample.shown_in_figures:
                    try:
                        loaded[sample.key] = load_preference_data(sample.key, data_dir)
                        shown_instead[name] = sample.key
                        missing[name] += f" Shown instead, under its own name: the {sample.label}."
                        details[name] += f" Shown instead: the {sample.label} ({sample.caveat})."
                    except DatasetUnavailableError as error:
                        details[name] += f" Its sample is missing too: {error}"
    return Availability(loaded, missing, details, shown_instead)


def helpsteer_pairs_from_attributes(attributes: pd.DataFrame) -> pd.DataFrame:
    """Within-prompt pairs as RLHFlow builds them: every pair whose mean score differs, higher chosen."""
    needed = ["row", "prompt_group", "score_mean5"]
    missing = [c for c in needed if c not in attributes.columns]
    if missing:
        raise DataError(f"HelpSteer attributes: missing column(s) {', '.join(missing)}")
    rows = []
    for group, block in attributes.groupby("prompt_group", sort=True):
        records = block.sort_values("row").to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1 :]:
                if a["score_mean5"] == b["score_mean5"]:
                    continue
                hi, lo = (a, b) if a["score_mean5"] > b["score_mean5"] else (b, a)
                rows.append(
                    {
                        "prompt_group": group,
                        "row_chosen": hi["row"],
                        "row_rejected": lo["row"],
                        "score_chosen": hi["score_mean5"],
                        "score_rejected": lo["score_mean5"],
                    }
                )
    return pd.DataFrame(rows)


def reliability_curve(p: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Reliability diagram (Figure 6, top): mean predicted p and empirical label rate per bin.

    Equal-width bins on [0, 1]; empty bins are left out. A calibrated predictor lies on x = y.
    """
    p, labels = _predictions_and_labels(p, labels)
    n_bins = validation.count("n_bins", n_bins, DataError, minimum=1)
    index = np.clip((p * n_bins).astype(int), 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    sum_p = np.bincount(index, weights=p, minlength=n_bins)
    sum_y = np.bincount(index, weights=labels, minlength=n_bins)
    used = counts > 0
    return pd.DataFrame(
        {
            "bin": np.flatnonzero(used),
            "mean_predicted": sum_p[used] / counts[used],
            "empirical": sum_y[used] / counts[used],
            "count": counts[used],
        }
    )
