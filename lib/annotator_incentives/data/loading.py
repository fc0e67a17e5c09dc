"""The scores of a paper dataset or of a real sample: from a local copy, the hub, or the packaged data.

Where the files come from, in order: a local copy of the hub files (``data_dir`` argument or the
``ANNOTATOR_DATA_DIR`` environment variable; a folder ``<data_dir>/<hub id>/`` laid out as on
the hub), then the Hugging Face hub through ``datasets`` (with its cache). Without network the
hub attempt fails within seconds with :class:`DatasetUnavailableError`. A real sample is the
chosen data folder's copy, else the packaged one (:func:`~annotator_incentives.data.packaged.locate`).

A local copy that cannot be parsed (empty, truncated, not UTF-8, not the format its name says)
raises :class:`UnreadableDataError` naming the file.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from .. import validation
from . import packaged
from .errors import DamagedCopyError, DataError, DatasetUnavailableError, _first_line, _reading, _unreadable
from .packaged import DATA_DIR_ENV, _chosen_data_dir, locate
from .pipeline import Scores
from .registry import DATASETS, SAMPLES, DatasetSpec, _spec

__all__ = ["SCORE_COLUMNS", "HUB_HOST", "load_scores", "load_sample_scores", "helpsteer_pairs_from_attributes"]

SCORE_COLUMNS = ("chosen_score", "rejected_score")
HUB_HOST = "huggingface.co"


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


def _hub_files(name: str, folder: Path, root: Path) -> list[Path]:
    """The shards of a local copy in the hub layout, each with the score columns (read from its
    footer, so that a corrupt shard or a missing column is named before ``datasets`` reads them),
    each checked against a ``SHA256SUMS`` beside it (:func:`~.packaged.verify_local_copy`), its
    page checksums (when the file has them) and its numeric scores finite: a damaged shard is
    named, never read silently."""
    import pyarrow.parquet as pq

    files = sorted((folder / "data").glob("train-*.parquet"))
    if not files:
        raise DataError(
            f"{folder} has no hub files: expected data/train-*.parquet (the hub layout, "
            "e.g. data/train-00000-of-00001.parquet)"
        )
    for file in files:
        packaged.verify_local_copy(file, root)
        with _reading(f"dataset {name}", file):
            columns = list(pq.read_schema(file).names)
            missing = [c for c in SCORE_COLUMNS if c not in columns]
            if missing:
                raise DataError(f"{file}: missing column(s) {', '.join(missing)}; found {', '.join(columns)}")
            scores = _read_parquet(file, list(SCORE_COLUMNS))
        for column in SCORE_COLUMNS:
            _finite(scores[column], f"{file}: column {column}")
    return files


def _read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file, its page checksums verified when it has them (a flipped bit then fails to
    decode instead of giving a wrong number)."""
    return pd.read_parquet(path, columns=columns, page_checksum_verification=True)


def _finite(values: pd.Series, where: str) -> None:
    """Numeric scores hold no NaN or infinity (text is left to the caller, which names it)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        bad = ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            raise DataError(f"{where} has {int(bad.sum())} NaN, missing or infinite value(s), the first at row "
                            f"{int(np.flatnonzero(bad)[0]) + 1}: a damaged or incomplete copy")


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
    """Scores of one of the paper's datasets (``DATASETS``), from a local copy in the data
    folder (the hub layout, or the reward-model score file PKU needs) or from the hub (cached
    after the first download).

    Parameters
    ----------
    name : str
        A key of ``DATASETS``: pku, helpsteer, ultra or skywork.
    data_dir : str or os.PathLike, optional
        The data folder (default: ``$ANNOTATOR_DATA_DIR``); the paper's datasets are never packaged.

    Returns
    -------
    Scores
        The chosen and rejected scores, with their source.

    Raises
    ------
    DatasetUnavailableError
        When the name is unknown or the dataset is found neither in the data folder nor on the
        hub (the message says where it looked and how to provide it).
    DataError
        When the copy found lacks the score columns, holds values that are not finite numbers,
        or is damaged (:class:`DamagedCopyError`, :class:`UnreadableDataError`).

    Examples
    --------
    >>> try:
    ...     load_scores("pku")  # its scores come from a reward model, in a file of the data folder
    ... except DatasetUnavailableError as error:
    ...     print(error)
    dataset PKU (...) is not available: no score file at ...
    """
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

    files = _hub_files(name, folder, folder.parents[len(Path(DATASETS[name].hub_id).parts) - 1])
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
    packaged.verify_local_copy(path, path.parent)
    with _reading(f"dataset {spec.key}", path):
        frame = _read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    chosen, rejected = _scores_from_frame(frame, *SCORE_COLUMNS, where=str(path))
    for column, values in zip(SCORE_COLUMNS, (chosen, rejected), strict=True):
        _finite(pd.Series(values), f"{path}: column {column}")
    source = f"scores of {spec.hub_id} by the reward model, data folder: {spec.scores_file}"
    return Scores(spec.key, spec.label, chosen, rejected, source, False, spec.calibrated)


def load_sample_scores(name: str, data_dir: str | os.PathLike[str] | None = None) -> Scores:
    """Scores of a real sample (``SAMPLES``), labelled as a sample: from the chosen data folder
    when it holds one, else the copy shipped with the package.

    Parameters
    ----------
    name : str
        A key of ``SAMPLES``.
    data_dir : str or os.PathLike, optional
        The data folder (default: ``$ANNOTATOR_DATA_DIR``, else the packaged copy).

    Returns
    -------
    Scores
        The sample's chosen and rejected scores (``is_sample`` true, with its caveat).

    Raises
    ------
    DatasetUnavailableError
        When the name is not a known sample, or it is found nowhere.
    DamagedCopyError
        When a copy in the data folder has another number of pairs than the registry's.
    DataError
        When its score columns are missing or not numbers.

    Examples
    --------
    >>> scores = load_sample_scores("helpsteer2-sample")
    >>> len(scores.chosen), scores.is_sample
    (44, True)
    """
    try:
        spec = SAMPLES[name]
    except (KeyError, TypeError):  # TypeError: an unhashable "name" such as a list
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
    shipped = path.is_relative_to(packaged.PACKAGED_DATA_DIR)
    if not shipped and len(chosen) != spec.pairs:
        raise DamagedCopyError(
            f"{path}: {len(chosen):,} pairs, but the {spec.label} has {spec.pairs:,}: a truncated or different copy. "
            f"Replace it with a fresh copy of {spec.folder}/, or remove it to use the copy shipped with the library."
        )
    where = "shipped with the library" if shipped else "copy in the chosen data folder"
    return Scores(
        spec.key, spec.label, chosen, rejected, f"real sample of {spec.origin}, {where}", True,
        parent.calibrated, spec.caveat
    )


def helpsteer_pairs_from_attributes(attributes: pd.DataFrame) -> pd.DataFrame:
    """Within-prompt pairs as RLHFlow builds them: every pair whose mean score differs, higher chosen.

    ``attributes`` is a DataFrame with the columns row, prompt_group (no missing value) and
    score_mean5 (finite numbers); anything else is a :class:`DataError` saying what is wrong.

    Parameters
    ----------
    attributes : pandas.DataFrame
        HelpSteer2's rows: ``row``, ``prompt_group`` and ``score_mean5`` (the mean of its five
        attribute scores).

    Returns
    -------
    pandas.DataFrame
        One row per pair: prompt_group, row_chosen, row_rejected, score_chosen, score_rejected.

    Raises
    ------
    DataError
        When a column is missing, a row or group is missing or of mixed kinds, or a score is
        not a finite number.

    Examples
    --------
    >>> frame = pd.DataFrame({"row": [0, 1, 2], "prompt_group": [7, 7, 7], "score_mean5": [2.0, 3.0, 3.0]})
    >>> helpsteer_pairs_from_attributes(frame)[["row_chosen", "row_rejected"]].values.tolist()
    [[1, 0], [2, 0]]
    """
    attributes = validation.table("HelpSteer attributes", attributes, ("row", "prompt_group", "score_mean5"), DataError)
    validation.keys("HelpSteer attributes", attributes, ("row", "prompt_group"), DataError)
    validation.reals("HelpSteer attributes: score_mean5", attributes["score_mean5"].to_numpy(), DataError)
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
    return pd.DataFrame(rows, columns=["prompt_group", "row_chosen", "row_rejected", "score_chosen", "score_rejected"])
