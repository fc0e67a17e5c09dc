"""Findings of the part "Beyond the paper": what the real-annotator chapter reads off real judges.

The estimates themselves come from :mod:`annotator_incentives.annotators`; the functions here
summarise them as the chapter's sentences state them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .. import annotators
from ..data import DatasetUnavailableError

__all__ = ["annotator_data", "Spread", "spread", "first_narrow", "strength_of", "near_certain", "DawidSkeneCheck",
           "crowdkit_check"]


def annotator_data() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """MT-Bench's turn-1 human votes and PandaLM's three-annotator labels
    (:func:`annotators.load_mt_bench`, :func:`annotators.load_pandalm`), or None when this build
    has neither (the chapter then says so instead of showing numbers).

    Examples
    --------
    >>> mt, panda = annotator_data()  # shipped with the library
    >>> mt.judge.nunique(), panda["item"].nunique()
    (65, 999)
    """
    try:
        return annotators.load_mt_bench(), annotators.load_pandalm()
    except DatasetUnavailableError:
        return None


@dataclass(frozen=True)
class Spread:
    """Smallest, median and largest of a set of values (interval widths, spans, ...)."""

    low: float
    median: float
    high: float
    count: int


def spread(values) -> Spread:
    """Smallest, median and largest value.

    Examples
    --------
    >>> spread([0.2, 0.5, 0.9])
    Spread(low=0.2, median=0.5, high=0.9, count=3)
    """
    values = pd.Series(values, dtype=float).dropna()
    if values.empty:
        raise ValueError("no values to summarise")
    return Spread(float(values.min()), float(values.median()), float(values.max()), len(values))


def first_narrow(checks: Sequence[int], lows: Sequence[float], highs: Sequence[float], width: float = 0.2) -> int | None:
    """The first number of checks at which an interval is at most ``width`` wide (None: at none).

    Examples
    --------
    >>> first_narrow([10, 100, 1000], [0.1, 0.4, 0.45], [0.9, 0.65, 0.55])
    1000
    >>> first_narrow([10], [0.0], [1.0]) is None
    True
    """
    return next((int(k) for k, lo, hi in zip(checks, lows, highs, strict=True) if hi - lo <= width), None)


def strength_of(rho: float) -> str:
    """A rank correlation in words: strongly (|ρ| ≥ 0.7), moderately (≥ 0.4) or only weakly.

    Examples
    --------
    >>> strength_of(-0.75), strength_of(0.5), strength_of(0.1)
    ('strongly', 'moderately', 'only weakly')
    """
    return "strongly" if abs(rho) >= 0.7 else "moderately" if abs(rho) >= 0.4 else "only weakly"


def near_certain(posterior: pd.Series, margin: float = 0.1) -> float:
    """Share of items whose posterior is above 1 - margin or below margin.

    Examples
    --------
    >>> near_certain(pd.Series([0.95, 0.5, 0.02, 0.3]))
    0.5
    """
    return float(((posterior > 1 - margin) | (posterior < margin)).mean())


@dataclass(frozen=True)
class DawidSkeneCheck:
    """How often the library's Dawid–Skene and crowd-kit's pick the same likely label."""

    same: float
    items: int


def crowdkit_check(labels: pd.DataFrame, posterior: pd.Series, iterations: int = 200) -> DawidSkeneCheck | None:
    """Cross-check :func:`annotator_incentives.annotators.dawid_skene` with crowd-kit's implementation.

    Returns ``None`` when crowd-kit is not installed (a dependency of the library; it may be missing where the
    library was installed without its dependencies).
    """
    try:
        from crowdkit.aggregation import DawidSkene
    except ImportError:
        return None
    decisive = labels.dropna(subset=["label"]).drop_duplicates(["item", "judge"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = DawidSkene(n_iter=iterations).fit_predict(
            pd.DataFrame({"task": decisive.item.astype(str), "worker": decisive.judge, "label": decisive.label.astype(int)}))
    same = float(((posterior.loc[theirs.index] > 0.5).astype(int).to_numpy() == theirs.to_numpy()).mean())
    return DawidSkeneCheck(same, len(theirs))


