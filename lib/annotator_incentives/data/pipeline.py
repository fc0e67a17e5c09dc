"""The paper's pipeline from scores to the preference probability p, and its calibration.

The paper's preprocessing pipeline, implemented by :func:`preference_probabilities`:

1. drop ties (equal scores; the paper's source data has none) and count them;
2. shuffle with seed 42 and split into two halves: the first half ("evaluation half") is used
   for every figure, the second half fits the calibration;
3. ``p = sigmoid(s_chosen - s_rejected)``;
4. put each pair in random order with a fair coin: the label is 1 when the chosen response
   lands in position 1, and p becomes the probability that position 1 is preferred;
5. PKU and Skywork only: histogram-binning calibration with 30 equal-count bins, fitted on the
   second half against those labels, applied to the evaluation half;
6. fold p to ``max(p, 1 - p)``.

:func:`fit_histogram_binning` is step 5's calibration, :func:`reliability_curve` the reliability
diagram that shows it. This module knows nothing of files: :class:`Scores` comes from
:mod:`~annotator_incentives.data.loading` or from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit

from .. import validation
from .errors import DataError

__all__ = [
    "SEED",
    "N_CALIBRATION_BINS",
    "Scores",
    "clean_scores",
    "Calibration",
    "fit_histogram_binning",
    "PreferenceData",
    "preference_probabilities",
    "reliability_curve",
]

SEED = 42  #: the seed of the pipeline's shuffle and coin flips, the paper's 42
N_CALIBRATION_BINS = 30  #: the bins of the histogram-binning calibration, the paper's 30


@dataclass(frozen=True)
class Scores:
    """Raw scores of one dataset and where they came from: the input of
    :func:`preference_probabilities`.

    Attributes
    ----------
    name, label : str
        The dataset's key and its name in tables and figures.
    chosen, rejected : numpy.ndarray
        The reward-model score of the chosen and of the rejected response of each pair.
    source : str
        Where the scores came from, as figures cite it.
    is_sample : bool
        Whether they are a named real sample rather than a full dataset.
    calibrated : bool
        Whether the pipeline calibrates them by histogram binning (PKU and Skywork).
    caveat : str
        What a reader should know about a sample ("" when nothing).

    Examples
    --------
    Three pairs written by hand, one of them a tie (which the pipeline drops):

    >>> toy = Scores("toy", "Toy pairs", np.array([2.0, 1.0, 0.5]), np.array([1.0, 1.0, 1.5]), "written here", False, False)
    >>> (toy.chosen - toy.rejected).tolist(), clean_scores(toy.chosen, toy.rejected)[2]
    ([1.0, 0.0, -1.0], 1)
    """

    name: str
    label: str
    chosen: np.ndarray
    rejected: np.ndarray
    source: str
    is_sample: bool
    calibrated: bool
    caveat: str = ""


def clean_scores(chosen: np.ndarray, rejected: np.ndarray, where: str = "scores") -> tuple[np.ndarray, np.ndarray, int]:
    """Validate two score columns and drop ties (step 1 of the paper's pipeline).

    Parameters
    ----------
    chosen, rejected : array_like
        The scores of the chosen and the rejected response of each pair, equally long.
    where : str, optional
        What the scores are, as error messages name them.

    Returns
    -------
    tuple
        The chosen and rejected scores without ties (arrays), and the number of ties dropped.

    Raises
    ------
    DataError
        When the scores are not numbers, not 1-D of equal length, empty, NaN or infinite, or
        every pair is a tie.

    Examples
    --------
    >>> chosen, rejected, ties = clean_scores([3.0, 2.0, 5.0], [1.0, 2.0, 4.0])
    >>> chosen.tolist(), rejected.tolist(), ties
    ([3.0, 5.0], [1.0, 4.0], 1)
    """
    chosen, rejected = (_score_array(f"{where}: {label} scores", values)
                        for label, values in (("chosen", chosen), ("rejected", rejected)))
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


def _score_array(name: str, values) -> np.ndarray:
    """Scores as floats: numbers (NaN allowed here, named by the caller), not text or booleans."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        kind = "booleans" if array.dtype.kind == "b" else f"values of type {array.dtype}"
        raise DataError(f"{name} must be numbers; got {kind}")
    return array.astype(float)


@dataclass(frozen=True)
class Calibration:
    """Histogram binning: value ``bin_means[j]`` for p in ``(upper[j-1], upper[j]]``, as
    :func:`fit_histogram_binning` fits it; call it on predictions.

    Attributes
    ----------
    upper : numpy.ndarray
        The upper edge of each bin, increasing; the last is +inf.
    bin_means : numpy.ndarray
        The mean label of each bin's training pairs, the value it maps to.

    Examples
    --------
    Two bins split at 0.5: a prediction at the edge belongs to the lower bin.

    >>> two_bins = Calibration(upper=np.array([0.5, np.inf]), bin_means=np.array([0.25, 0.75]))
    >>> two_bins([0.3, 0.5, 0.9]).tolist()
    [0.25, 0.25, 0.75]
    """

    upper: np.ndarray  # upper edge of each bin; the last is +inf
    bin_means: np.ndarray

    def __call__(self, p: np.ndarray) -> np.ndarray:
        """The calibrated value of each p (finite numbers; below the first bin maps to it, above the last to it)."""
        return self.bin_means[np.searchsorted(self.upper, validation.reals("p", p, DataError), side="left")]


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
    """Equal-count histogram binning (Zadrozny & Elkan 2001): each bin maps to its mean label
    (step 5 of the paper's pipeline, for PKU and Skywork).

    The sorted predictions are cut into ``n_bins`` consecutive groups of (nearly) equal size;
    a prediction is assigned to the first bin whose largest training prediction is >= it.

    Parameters
    ----------
    p : array_like
        Predicted probabilities in [0, 1], one-dimensional.
    labels : array_like
        0/1 labels, as long as ``p``.
    n_bins : int, optional
        The number of bins (default ``N_CALIBRATION_BINS``, the paper's 30), at most len(p).

    Returns
    -------
    Calibration
        The calibration map: call it on predictions.

    Raises
    ------
    DataError
        When p or the labels are not as described, or there are fewer pairs than bins.

    Examples
    --------
    >>> calibration = fit_histogram_binning([0.1, 0.2, 0.8, 0.9], [0, 1, 1, 1], n_bins=2)
    >>> calibration([0.15, 0.85])
    array([0.5, 1. ])
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
    """Preference probabilities of one dataset, with provenance (what, how many, from where), as
    :func:`preference_probabilities` returns them; ``p`` is the folded p of the evaluation half
    that figures use, ``c_bar`` its expert signal strength E|2p - 1|.

    Attributes
    ----------
    name, label, source : str
        The dataset's key, its name in tables and figures, and where its scores came from.
    is_sample : bool
        Whether the data is a named real sample rather than a full dataset.
    caveat : str
        What a reader should know about a sample ("" when nothing).
    n_pairs, n_ties_dropped : int
        The pairs after dropping ties, and the ties dropped.
    p_position1 : numpy.ndarray
        The evaluation half's probability that position 1 is preferred, before calibration.
    labels : numpy.ndarray
        The evaluation half's labels: 1 when the chosen response is in position 1.
    p_calibrated : numpy.ndarray or None
        ``p_position1`` after histogram binning (PKU and Skywork), else None.
    calibration : Calibration or None
        The calibration fitted on the other half, else None.
    calibration_half : tuple of numpy.ndarray
        The other half's p and labels, which the calibration is fitted on.

    Examples
    --------
    Four pairs whose chosen response scores ln 3 above the rejected one: each p is
    sigmoid(ln 3) = 3/4 in either order, so c-bar = 2(3/4) - 1 = 1/2.

    >>> even = Scores("even", "Even pairs", np.full(4, np.log(3.0)), np.zeros(4), "written here", False, False)
    >>> data = preference_probabilities(even)
    >>> data.p.round(6).tolist(), round(data.c_bar, 6)
    ([0.75, 0.75], 0.5)
    >>> data.provenance()
    'Even pairs (full dataset): evaluation half 2 of 4 pairs; source: written here'
    """

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
        """The expert signal strength when the expert always prefers the higher-scored response,
        c-bar = E|2p - 1| on the evaluation half."""
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
    """Run the paper's pipeline (module docstring, steps 1-6) on one dataset's scores.

    Parameters
    ----------
    scores : Scores
        One dataset's chosen and rejected scores.
    seed : int, optional
        The shuffle's seed, a whole number >= 0 (default ``SEED``, the paper's 42).
    calibrate : bool, optional
        Whether to calibrate by histogram binning (default: as the dataset's ``calibrated``).

    Returns
    -------
    PreferenceData
        p of the evaluation half (folded, ``.p``), its labels, the calibration and provenance.

    Raises
    ------
    DataError
        When ``scores`` is not a :class:`Scores`, the seed is not a whole number >= 0, fewer
        than 2 pairs remain after dropping ties, or the scores are not usable (:func:`clean_scores`).

    Examples
    --------
    >>> scores = Scores("toy", "toy", np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4), "written here", False, False)
    >>> data = preference_probabilities(scores)
    >>> data.n_pairs, data.n_eval
    (4, 2)
    >>> bool(np.isin(data.p, expit([1.0, 2.0, 3.0, 4.0])).all())  # sigmoid(s_chosen - s_rejected), folded
    True
    """
    validation.instance("scores", scores, Scores, DataError)
    seed = validation.count("seed", seed, DataError, 0)
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


def reliability_curve(p: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Reliability diagram (Figure 6, top): mean predicted p and empirical label rate per bin.

    Equal-width bins on [0, 1]; empty bins are left out. A calibrated predictor lies on x = y.

    Parameters
    ----------
    p, labels : array_like
        As for :func:`fit_histogram_binning`: predictions in [0, 1] and their 0/1 labels.
    n_bins : int, optional
        The number of equal-width bins (default 10).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: bin, mean_predicted, empirical, count.

    Raises
    ------
    DataError
        When p or the labels are not as described, or ``n_bins`` is not a whole number >= 1.

    Examples
    --------
    >>> reliability_curve([0.05, 0.15, 0.95], [0, 1, 1])[["bin", "empirical", "count"]].values.tolist()
    [[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [9.0, 1.0, 1.0]]
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
