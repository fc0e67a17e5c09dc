"""What annotation teams already measure: chance-corrected agreement and the standard aggregators.

Beside the paper's monitors, which test *one* annotator's effort with a known error budget and
number of checks, practitioners judge a *pool* of annotators by chance-corrected agreement and
estimate each worker's reliability without a gold label. This module computes those numbers
with the packages that define them, on crowd-kit's long format (one row per vote, columns
``task``, ``worker``, ``label``):

- Krippendorff's α, nominal (the ``krippendorff`` package), with a seeded bootstrap interval over tasks;
- Fleiss' κ (``statsmodels``) on the tasks with a common number of votes, with the same bootstrap;
- Cohen's κ for every pair of workers (``statsmodels``), with its large-sample interval;
- each worker's reliability from crowd-kit's Dawid–Skene, one-coin Dawid–Skene, GLAD and MACE;
- Kendall's τ between the rankings of the workers by two methods (``scipy.stats``).

Ties. The book's loaders (``annotators.load_mt_bench``,
``annotators.load_pandalm``) give a tie as a missing label; :func:`votes`
turns it into the third label ``"tie"`` (``ties="label"``, the default) or drops the vote
(``ties="drop"``), as asked: the caller always says which.

Duplicates. A worker who labelled a task twice makes every statistic ambiguous (which vote
counts?): :func:`check_votes` refuses such input and names the first duplicated (task, worker)
pair; :func:`votes` keeps the first vote of a judge on an item, as the book's agreement counts do.

Every function checks its input and raises :class:`AgreementError` (a
:class:`~annotator_incentives.data.DataError`) naming the problem.
"""

from __future__ import annotations

import itertools
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import report as fmt
from . import validation
from .data.errors import DataError

__all__ = [
    "AgreementError",
    "TIE",
    "METHODS",
    "votes",
    "check_votes",
    "votes_from_file",
    "Interval",
    "interval_text",
    "kappa_range",
    "krippendorff_alpha",
    "fleiss_kappa",
    "cohen_kappas",
    "shared_tasks",
    "worker_reliability",
    "rank_agreement",
    "team_report",
    "format_team_report",
]

TIE = "tie"  #: the third label a tie becomes (``ties="label"``)
FIRST, SECOND = "first", "second"  #: the labels of a decisive vote: the pair's first or second response wins
#: The aggregators, by short name (the command's ``--method``) and full name.
METHODS = {"ds": "Dawid–Skene", "one-coin": "one-coin Dawid–Skene", "glad": "GLAD", "mace": "MACE"}
#: what each method's reliability is: a probability of the right label, or GLAD's ability on its own scale
RELIABILITY = {
    "ds": "accuracy: the probability of the right label, averaged over the fitted class prior",
    "one-coin": "skill: the probability of the right label",
    "glad": "ability alpha (log-odds scale; higher is better, 0 is guessing)",
    "mace": "competence: the posterior probability that the worker is not spamming",
}


class AgreementError(DataError):
    """Votes that cannot be used as they are: missing columns or values, one worker, one label,
    labels outside the declared set, a (task, worker) pair voted twice; or a bad setting. It is
    a :class:`~annotator_incentives.data.DataError`.

    Examples
    --------
    An unknown way to treat ties:

    >>> try:
    ...     votes(pd.DataFrame({"item": [1, 1], "judge": ["a", "b"], "label": [1.0, 0.0]}), ties="keep")
    ... except DataError as error:
    ...     print(type(error).__name__, "-", error)
    AgreementError - ties must be 'label' (a third label) or 'drop'; got 'keep'
    """


def votes(labels: pd.DataFrame, ties: str = "label") -> pd.DataFrame:
    """The book's label frame (``item``, ``judge``, ``label`` 1, 0 or NaN for a tie) in crowd-kit's
    long format: ``task`` (text), ``worker``, ``label`` ``"first"``, ``"second"`` or, with
    ``ties="label"``, ``"tie"``; with ``ties="drop"`` a tie is left out. A judge's second vote on
    an item is dropped (the first counts).

    Parameters
    ----------
    labels : DataFrame
        As ``annotators.load_mt_bench`` or ``load_pandalm`` give it.
    ties : {"label", "drop"}
        A tie as a third label, or dropped.

    Returns
    -------
    DataFrame
        Columns ``task``, ``worker``, ``label``, one row per (task, worker).

    Raises
    ------
    AgreementError
        An unknown ``ties``; a frame that is not a label frame (see ``annotators``).

    Examples
    --------
    >>> frame = pd.DataFrame({"item": [1, 1, 2], "judge": ["a", "b", "a"], "label": [1.0, float("nan"), 0.0]})
    >>> votes(frame).label.tolist(), votes(frame, ties="drop").label.tolist()
    (['first', 'tie', 'second'], ['first', 'second'])
    """
    from .annotators import _labels

    if ties not in ("label", "drop"):
        raise AgreementError(f"ties must be 'label' (a third label) or 'drop'; got {ties!r}")
    try:
        frame = _labels(labels).drop_duplicates(["item", "judge"])
    except DataError as error:
        raise AgreementError(str(error)) from None
    if ties == "drop":
        frame = frame.dropna(subset=["label"])
    label = np.where(frame.label.isna(), TIE, np.where(frame.label == 1, FIRST, SECOND))
    return pd.DataFrame({"task": frame.item.astype(str).to_numpy(), "worker": frame.judge.to_numpy(), "label": label})


def check_votes(frame: pd.DataFrame, labels=None, task: str = "task", worker: str = "worker",
                label: str = "label") -> pd.DataFrame:
    """Votes checked and put in crowd-kit's long format, every value as text.

    Parameters
    ----------
    frame : DataFrame
        One row per vote, with the columns named by ``task``, ``worker`` and ``label``.
    labels : sequence of str, optional
        The declared set of labels; a vote outside it is an error. Default: whatever occurs.
    task, worker, label : str
        The names of the three columns in ``frame``.

    Returns
    -------
    DataFrame
        Columns ``task``, ``worker``, ``label`` (text), in the order of ``frame``.

    Raises
    ------
    AgreementError
        Not a DataFrame, a column missing, a missing value, a (task, worker) pair voted twice
        (refused: say which vote counts by removing the other), fewer than two workers or two
        labels, a label outside ``labels``.

    Examples
    --------
    >>> check_votes(pd.DataFrame({"t": [1, 1], "w": ["a", "b"], "y": ["x", "z"]}), task="t", worker="w", label="y").task.tolist()
    ['1', '1']
    >>> try:
    ...     check_votes(pd.DataFrame({"task": [1, 1], "worker": ["a", "a"], "label": ["x", "z"]}))  # doctest: +ELLIPSIS
    ... except AgreementError as error:
    ...     print(error)
    votes: 1 (task, worker) pair(s) voted more than once, ...
    """
    names = {"task": task, "worker": worker, "label": label}
    for role, name in names.items():
        validation.instance(f"the {role} column's name", name, str, AgreementError)
    if len(set(names.values())) < 3:
        raise AgreementError(f"the task, worker and label columns must be three different columns; got {task!r}, {worker!r}, "
                             f"{label!r}")
    frame = validation.table("votes", frame, list(names.values()), AgreementError)
    out = pd.DataFrame({role: frame[name].to_numpy() for role, name in names.items()})
    for role in names:
        missing = out[role].isna().to_numpy()
        if missing.any():
            raise AgreementError(f"votes: column {names[role]} has {int(missing.sum())} missing value(s), the first in row "
                                 f"{int(np.flatnonzero(missing)[0]) + 1}")
        out[role] = out[role].map(_text)
    twice = out.duplicated(["task", "worker"], keep=False).to_numpy()
    if twice.any():
        first = np.flatnonzero(twice)[0]
        t, w = out.task.iloc[first], out.worker.iloc[first]
        rows = np.flatnonzero((out.task == t).to_numpy() & (out.worker == w).to_numpy()) + 1
        pairs = int(out[twice].drop_duplicates(["task", "worker"]).shape[0])
        raise AgreementError(f"votes: {pairs} (task, worker) pair(s) voted more than once, the first task {t!r}, worker {w!r} "
                             f"(rows {' and '.join(map(str, rows[:2]))}); keep one vote per pair")
    if labels is not None:
        declared = [_text(x) for x in labels]
        outside = ~out.label.isin(declared).to_numpy()
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            raise AgreementError(f"votes: label {out.label.iloc[row]!r} in row {row + 1} is not one of the declared labels "
                                 f"{', '.join(map(repr, declared))} ({int(outside.sum())} such vote(s))")
    if out.worker.nunique() < 2:
        raise AgreementError(f"votes: agreement needs at least two workers; every vote is by {out.worker.iloc[0]!r}")
    if out.label.nunique() < 2:
        raise AgreementError(f"votes: every vote is {out.label.iloc[0]!r}: with one label, agreement beyond chance is undefined")
    return out


def _text(value: Any) -> str:
    """A key as text: whole floats without their ``.0`` (a task id read as a number)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def votes_from_file(path: str | os.PathLike[str], labels=None, task: str = "task", worker: str = "worker",
                    label: str = "label") -> pd.DataFrame:
    """Votes read from a UTF-8 CSV or a Parquet file in long format and checked (:func:`check_votes`).

    Every cell is read as text (CSV) or taken as it is (Parquet). The file itself is read as
    :func:`annotator_incentives.planning_inputs.p_from_file` reads one: a ``SHA256SUMS`` beside it is
    checked, a flipped bit in a Parquet file with page checksums is an error.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv`` (or ``.txt``) or ``.parquet`` file.
    labels, task, worker, label
        As for :func:`check_votes`.

    Returns
    -------
    DataFrame
        Columns ``task``, ``worker``, ``label``.

    Raises
    ------
    AgreementError
        An unreadable, empty or binary file; what :func:`check_votes` refuses (with the file's name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "votes.csv"
    >>> _ = file.write_text("task,worker,label\\n1,a,x\\n1,b,y\\n")
    >>> votes_from_file(file).worker.tolist()
    ['a', 'b']
    """
    from .data.packaged import verify_local_copy
    from .planning_inputs import _check_csv_header, _parquet_frame
    from .planning_inputs import _text as _file_text

    path = Path(path)
    try:
        if path.is_file():
            verify_local_copy(path, path.parent)
        if path.suffix.lower() == ".parquet":
            frame = _parquet_frame(path)
        elif path.suffix.lower() in (".csv", ".txt"):
            text = _file_text(path, AgreementError).replace("\r\n", "\n").replace("\r", "\n")
            if not text.strip():
                raise AgreementError(f"{path}: the file is empty")
            _check_csv_header(path, text)
            import io

            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
        else:
            raise AgreementError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .parquet")
        return check_votes(frame, labels, task, worker, label)
    except AgreementError as error:
        raise AgreementError(str(error) if str(error).startswith(str(path)) else f"{path}: {error}") from None
    except DataError as error:
        raise AgreementError(str(error)) from None


@dataclass(frozen=True)
class Interval:
    """A statistic with its bootstrap interval (what :func:`krippendorff_alpha` and :func:`fleiss_kappa` return).

    Attributes
    ----------
    value : float
        The statistic on the votes (nan when they do not define it).
    low, high : float or None
        The percentile interval of the resamples; None when none were drawn or fewer than half
        of them define the statistic.
    units : int
        The tasks the statistic uses, which the bootstrap resamples.
    replicates : int
        The bootstrap resamples drawn.
    level : float
        The interval's coverage.

    Examples
    --------
    Three workers who agree on each of three tasks: α = 1, and without resamples no interval.

    >>> rows = [(t, w, "x" if t % 2 else "y") for t in range(3) for w in "abc"]
    >>> alpha = krippendorff_alpha(pd.DataFrame(rows, columns=["task", "worker", "label"]), n_boot=0)
    >>> round(alpha.value, 6), alpha.low, alpha.high, alpha.units, alpha.replicates
    (1.0, None, None, 3, 0)
    """

    value: float
    low: float | None
    high: float | None
    units: int
    replicates: int
    level: float


def interval_text(interval: Interval, say_level: bool = False) -> str:
    """A statistic with its interval as a table cell or a report line says it, by the book's number
    policy (``report.number``): ``0.512 (0.481 to 0.540)``, the value
    alone when the bootstrap did not define an interval, ``undefined`` when the statistic is not.

    Parameters
    ----------
    interval : Interval
        What :func:`krippendorff_alpha` or :func:`fleiss_kappa` returns.
    say_level : bool, optional
        Name the interval's coverage: ``0.512 (95% interval 0.481 to 0.540)`` (default: not named).

    Returns
    -------
    str
        The value, then the interval in brackets when there is one.

    Examples
    --------
    >>> alpha = Interval(0.51234, 0.4811, 0.54, units=40, replicates=1000, level=0.95)
    >>> interval_text(alpha), interval_text(alpha, say_level=True)
    ('0.512 (0.481 to 0.540)', '0.512 (95% interval 0.481 to 0.540)')
    >>> interval_text(Interval(float("nan"), None, None, units=1, replicates=0, level=0.95))
    'undefined'
    """
    text = fmt.number(interval.value, missing="undefined")
    if interval.low is None or interval.high is None or text == "undefined":
        return text
    coverage = f"{interval.level:.0%} interval " if say_level else ""
    return f"{text} ({coverage}{fmt.number(interval.low)} to {fmt.number(interval.high)})"


def kappa_range(pairs: pd.DataFrame, min_shared: int = 10) -> str:
    """Cohen's κ of the pairs of workers who share ``min_shared`` tasks, as one table cell: the
    smallest and largest κ, the number of pairs, and the span of their intervals, by the book's
    number policy; a pool without such a pair says so.

    Parameters
    ----------
    pairs : DataFrame
        What :func:`cohen_kappas` returns (columns ``kappa``, ``low``, ``high``).
    min_shared : int, default 10
        The ``min_shared`` those pairs were chosen with, for the words of an empty table.

    Returns
    -------
    str
        ``"0.21 to 0.64 over 12 pairs; intervals from ..."`` or ``"no pair shares 10 tasks"``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"kappa": [0.2, 0.6], "low": [0.05, 0.41], "high": [0.35, 0.79]})
    >>> kappa_range(pairs)
    '0.200 to 0.600 over 2 pairs; intervals from 0.0500 to 0.790'
    >>> kappa_range(pairs.iloc[:0], min_shared=20)
    'no pair shares 20 tasks'
    """
    if pairs.empty:
        return f"no pair shares {fmt.count(min_shared)} tasks"
    return (f"{fmt.between(pairs.kappa.min(), pairs.kappa.max())} over {fmt.count(len(pairs))} "
            f"pair{'s' if len(pairs) > 1 else ''}; "
            f"intervals from {fmt.number(pairs.low.min())} to {fmt.number(pairs.high.max())}")


def _settings(n_boot: int, level: float, seed: int) -> tuple[int, float, int]:
    n_boot = validation.count("n_boot", n_boot, AgreementError, 0, 100_000)
    level = validation.real("level", level, AgreementError, 0.0, 1.0, low_open=True, high_open=True)
    seed = validation.count("seed", seed, AgreementError, 0)
    return n_boot, level, seed


def _value_counts(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Tasks by labels: how many votes each task got of each label (tasks with two votes or more)."""
    table = pd.crosstab(frame.task, frame.label)
    table = table[table.sum(axis=1) >= 2]
    return table.to_numpy(dtype=float), list(table.columns)


def _bootstrap(statistic, table: np.ndarray, n_boot: int, level: float, seed: int) -> Interval:
    """``statistic`` of the task-by-label table and its percentile interval over tasks resampled with replacement."""
    value = float(statistic(table))
    rng = np.random.default_rng(seed)
    draws = np.full(n_boot, np.nan)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        for b in range(n_boot):
            draws[b] = statistic(table[rng.integers(0, len(table), len(table))])
    finite = draws[np.isfinite(draws)]
    if n_boot == 0 or finite.size < n_boot / 2:
        return Interval(value, None, None, len(table), n_boot, level)
    low, high = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return Interval(value, float(low), float(high), len(table), n_boot, level)


def krippendorff_alpha(frame: pd.DataFrame, n_boot: int = 1000, level: float = 0.95, seed: int = 0) -> Interval:
    r"""Krippendorff's α for nominal labels, with a bootstrap interval over tasks.

    .. math:: \alpha = 1 - \frac{D_o}{D_e},

    the observed disagreement among the votes on the same task over the disagreement expected by
    chance from the labels' overall frequencies (Krippendorff 2011); only tasks with two votes or
    more count. 1 is perfect agreement, 0 chance. Computed by the ``krippendorff`` package from
    the task-by-label counts; the interval resamples tasks with replacement (seeded).

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`).
    n_boot : int
        Bootstrap resamples (0: no interval).
    level : float
        The interval's coverage, in (0, 1).
    seed : int
        Seed of the resampling.

    Returns
    -------
    Interval

    Raises
    ------
    AgreementError
        Bad votes, settings, or no task with two votes.

    Examples
    --------
    Krippendorff's (2011) nominal example, 4 coders and 12 units, α = 0.743:

    >>> coders = [["a", "b", "c", "c", "b", "a", "d", "a", "b", None, None, None],
    ...           ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", None, "c"],
    ...           [None, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", None],
    ...           ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", None]]
    >>> rows = [(u, c, v) for c, row in enumerate(coders) for u, v in enumerate(row) if v]
    >>> round(krippendorff_alpha(pd.DataFrame(rows, columns=["task", "worker", "label"]), n_boot=0).value, 3)
    0.743
    """
    import krippendorff

    n_boot, level, seed = _settings(n_boot, level, seed)
    table, _ = _value_counts(check_votes(frame))
    if len(table) == 0:
        raise AgreementError("votes: no task has two votes: agreement cannot be measured")

    def alpha(counts: np.ndarray) -> float:
        return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))

    return _bootstrap(alpha, table, n_boot, level, seed)


def fleiss_kappa(frame: pd.DataFrame, raters: int | None = None, n_boot: int = 1000, level: float = 0.95,
                 seed: int = 0) -> tuple[Interval, int]:
    r"""Fleiss' κ on the tasks with exactly ``raters`` votes, with a bootstrap interval over them.

    .. math:: \kappa = \frac{\bar P - \bar P_e}{1 - \bar P_e},

    :math:`\bar P` the mean share of agreeing pairs of votes on a task, :math:`\bar P_e` the sum
    of the squared label shares (Fleiss 1971; ``statsmodels``). Fleiss' κ needs the same number
    of votes on every task: tasks with another number are left out.

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`).
    raters : int, optional
        The number of votes per task to use (at least 2). Default: the most common number among
        the tasks with two votes or more (the larger on a tie).
    n_boot, level, seed
        As for :func:`krippendorff_alpha`.

    Returns
    -------
    tuple of Interval and int
        κ with its interval, and the number of votes per task used.

    Raises
    ------
    AgreementError
        Bad votes or settings, or no task with ``raters`` votes.

    Examples
    --------
    Fleiss' (1971) own example (30 patients, 6 psychiatrists, 5 diagnoses) has κ = 0.430 (the
    tests check it); a smaller one: two tasks with two votes each, one agreeing, one not, so
    :math:`\bar P = 1/2`, :math:`\bar P_e = (3/4)^2 + (1/4)^2 = 5/8` and κ = -1/3:

    >>> frame = pd.DataFrame({"task": [1, 1, 2, 2], "worker": ["a", "b", "a", "b"], "label": ["x", "x", "x", "y"]})
    >>> kappa, raters = fleiss_kappa(frame, n_boot=0)
    >>> round(kappa.value, 4), raters
    (-0.3333, 2)
    """
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

    n_boot, level, seed = _settings(n_boot, level, seed)
    table, _ = _value_counts(check_votes(frame))
    sizes = table.sum(axis=1).astype(int)
    if raters is None:
        if len(sizes) == 0:
            raise AgreementError("votes: no task has two votes: agreement cannot be measured")
        common = pd.Series(sizes).value_counts()
        raters = int(max(common.index[common == common.max()]))
    raters = validation.count("raters", raters, AgreementError, 2)
    table = table[sizes == raters]
    if len(table) == 0:
        raise AgreementError(f"votes: no task has exactly {raters} votes (Fleiss' kappa needs the same number on every task)")

    def kappa(counts: np.ndarray) -> float:
        return float(statsmodels_fleiss(counts, method="fleiss"))

    return _bootstrap(kappa, table, n_boot, level, seed), raters


def cohen_kappas(frame: pd.DataFrame, min_shared: int = 10, level: float = 0.95) -> pd.DataFrame:
    r"""Cohen's κ for every pair of workers with at least ``min_shared`` tasks in common.

    .. math:: \kappa = \frac{p_o - p_e}{1 - p_e},

    the pair's agreement :math:`p_o` on their shared tasks against :math:`p_e`, the agreement
    expected from each worker's own label frequencies (Cohen 1960), with its large-sample
    interval :math:`\kappa \pm z\,\mathrm{se}(\kappa)` (Fleiss, Cohen and Everitt 1969),
    clipped to [-1, 1]; both from ``statsmodels`` on the pair's table of labels.

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`).
    min_shared : int
        Fewest shared tasks for a pair to be reported (at least 2).
    level : float
        The interval's coverage, in (0, 1).

    Returns
    -------
    DataFrame
        Columns ``worker_a``, ``worker_b``, ``shared``, ``kappa``, ``low``, ``high`` (NaN when κ
        is undefined: both workers gave one and the same label throughout); no rows when no pair
        shares enough tasks.

    Raises
    ------
    AgreementError
        Bad votes or settings.

    Examples
    --------
    >>> frame = pd.DataFrame({"task": [1, 1, 2, 2, 3, 3], "worker": ["a", "b"] * 3, "label": ["x", "x", "y", "y", "x", "y"]})
    >>> cohen_kappas(frame, min_shared=2)[["worker_a", "worker_b", "shared", "kappa"]].round(3).values.tolist()
    [['a', 'b', 3, 0.4]]
    """
    from scipy import stats
    from statsmodels.stats.inter_rater import cohens_kappa

    min_shared = validation.count("min_shared", min_shared, AgreementError, 2)
    level = validation.real("level", level, AgreementError, 0.0, 1.0, low_open=True, high_open=True)
    frame = check_votes(frame)
    wide = frame.pivot(index="task", columns="worker", values="label").sort_index(axis=1)
    labels = sorted(frame.label.unique())
    z = float(stats.norm.ppf((1 + level) / 2))
    present = wide.notna().to_numpy(dtype=float)
    shared = present.T @ present  # tasks each pair of workers both voted on
    rows = []
    for i, j in zip(*np.nonzero(np.triu(shared >= min_shared, k=1)), strict=True):
        a, b = wide.columns[i], wide.columns[j]
        both = wide[[a, b]].dropna()
        table = pd.crosstab(both[a], both[b]).reindex(index=labels, columns=labels, fill_value=0).to_numpy(dtype=float)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore")
            result = cohens_kappa(table, return_results=True)
        kappa, se = float(result.kappa), float(result.std_kappa)
        low, high = (max(-1.0, kappa - z * se), min(1.0, kappa + z * se)) if np.isfinite(kappa * se) else (np.nan, np.nan)
        rows.append({"worker_a": a, "worker_b": b, "shared": len(both), "kappa": kappa, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["worker_a", "worker_b", "shared", "kappa", "low", "high"])


def shared_tasks(frame: pd.DataFrame) -> pd.DataFrame:
    """Per worker: the tasks voted on, and those of them some other worker voted on too (the
    only votes agreement and the aggregators can judge the worker by).

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`).

    Returns
    -------
    DataFrame
        Columns ``worker``, ``tasks``, ``shared``, sorted by worker.

    Examples
    --------
    >>> frame = pd.DataFrame({"task": [1, 1, 2], "worker": ["a", "b", "a"], "label": ["x", "y", "x"]})
    >>> shared_tasks(frame).values.tolist()
    [['a', 2, 1], ['b', 1, 1]]
    """
    frame = check_votes(frame)
    crowded = frame.task.map(frame.task.value_counts()) >= 2
    out = pd.DataFrame({"tasks": frame.groupby("worker").size(), "shared": crowded.groupby(frame.worker).sum()})
    return out.astype(int).rename_axis("worker").reset_index()


def worker_reliability(frame: pd.DataFrame, method: str = "ds", seed: int = 0, iterations: int = 100) -> pd.DataFrame:
    """Each worker's reliability estimated without a gold label, by one of crowd-kit's aggregators.

    - ``"ds"``, Dawid–Skene (1979): a confusion matrix per worker; reliability = its accuracy
      :math:`\\sum_k \\pi_k\\, e_w(k \\mid k)` under the fitted class prior :math:`\\pi`;
    - ``"one-coin"``: one-coin Dawid–Skene, a single probability of the right label per worker;
    - ``"glad"``, GLAD (Whitehill et al. 2009): ability α per worker and difficulty per task,
      :math:`P(\\text{right}) = \\sigma(\\alpha_w \\beta_t)`; reliability = α (log-odds scale);
    - ``"mace"``, MACE (Hovy et al. 2013): reliability = the probability that the worker is not
      spamming. Variational Bayes with one restart: crowd-kit 1.4.2 starts every restart from
      the same seeded point, so further restarts repeat the first.

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`).
    method : {"ds", "one-coin", "glad", "mace"}
        The aggregator, by its short name in :data:`METHODS` (the list above says what each estimates).
    seed : int
        Seed of MACE's starting point (the other methods are deterministic).
    iterations : int
        Most EM iterations (at least 1).

    Returns
    -------
    DataFrame
        Columns ``worker``, ``tasks``, ``reliability``, sorted by worker.

    Raises
    ------
    AgreementError
        Bad votes, an unknown method or bad settings.

    Examples
    --------
    Three careful workers and one who contradicts them on every task:

    >>> rows = [(t, w, ("x" if t % 2 else "y") if w != "d" else ("y" if t % 2 else "x")) for t in range(20) for w in "abcd"]
    >>> table = worker_reliability(pd.DataFrame(rows, columns=["task", "worker", "label"]), "one-coin")
    >>> table.set_index("worker").reliability.round(2).to_dict()
    {'a': 1.0, 'b': 1.0, 'c': 1.0, 'd': 0.0}
    """
    from crowdkit.aggregation import GLAD, MACE, DawidSkene, OneCoinDawidSkene

    if method not in METHODS:
        raise AgreementError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    seed = validation.count("seed", seed, AgreementError, 0)
    iterations = validation.count("iterations", iterations, AgreementError, 1)
    frame = check_votes(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "ds":
            ds = DawidSkene(n_iter=iterations).fit(frame)
            errors, prior = ds.errors_, ds.priors_
            assert errors is not None and prior is not None  # set by fit
            reliability = pd.Series({w: float(sum(prior[k] * errors.loc[w].reindex(prior.index, fill_value=0.0).at[k, k]
                                                  for k in prior.index))
                                     for w in errors.index.get_level_values("worker").unique()})
        elif method == "one-coin":
            reliability = OneCoinDawidSkene(n_iter=iterations).fit(frame).skills_
        elif method == "glad":
            reliability = GLAD(n_iter=iterations).fit(frame).alphas_
        else:
            mace = MACE(n_restarts=1, n_iter=iterations, random_state=seed).fit(frame)
            workers = pd.factorize(frame.worker)[1]
            reliability = pd.Series(mace.spamming_[:, _MACE_KNOWING], index=workers)
    counts = frame.groupby("worker").size()
    out = pd.DataFrame({"worker": counts.index, "tasks": counts.to_numpy(),
                        "reliability": reliability.reindex(counts.index).to_numpy(dtype=float)})
    return out.reset_index(drop=True)


# crowd-kit's MACE: column 1 of spamming_ is the posterior of "not spamming" (the tests check it on a planted spammer)
_MACE_KNOWING = 1


def rank_agreement(reliabilities: dict[str, pd.Series]) -> pd.DataFrame:
    """Kendall's τ-b between every two rankings of the workers (on the workers both rank).

    Parameters
    ----------
    reliabilities : dict of str to Series
        Per method, the workers' reliability indexed by worker.

    Returns
    -------
    DataFrame
        Columns ``method_a``, ``method_b``, ``workers``, ``tau``, ``p_value``.

    Examples
    --------
    >>> r = {"one": pd.Series([1, 2, 3], index=list("abc")), "two": pd.Series([3, 2, 1], index=list("abc"))}
    >>> rank_agreement(r)[["method_a", "method_b", "tau"]].values.tolist()
    [['one', 'two', -1.0]]
    """
    from scipy import stats

    validation.instance("reliabilities", reliabilities, dict, AgreementError)
    rows = []
    for a, b in itertools.combinations(reliabilities, 2):
        both = pd.concat([reliabilities[a].rename("a"), reliabilities[b].rename("b")], axis=1, join="inner").dropna()
        result = stats.kendalltau(both.a, both.b) if len(both) >= 2 else None
        rows.append({"method_a": a, "method_b": b, "workers": len(both),
                     "tau": float(result.statistic) if result is not None else np.nan,
                     "p_value": float(result.pvalue) if result is not None else np.nan})
    return pd.DataFrame(rows, columns=["method_a", "method_b", "workers", "tau", "p_value"])


def _finite(x) -> float | None:
    """A float, or None for NaN or None (JSON has no NaN)."""
    return None if x is None or not np.isfinite(x) else float(x)


def team_report(frame: pd.DataFrame, method: str = "ds", min_shared: int = 10, delta: float = 0.05, eta0: float = 0.8,
                eta1: float = 0.95, error: float = 0.1, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """What ``annotator-plan agree`` reports on a team's votes, as plain data (JSON-ready).

    The pool: Krippendorff's α and Fleiss' κ with bootstrap intervals, Cohen's κ of every pair
    sharing ``min_shared`` tasks. Each worker: tasks, tasks shared with another worker, the
    reliability by ``method`` (:func:`worker_reliability`), whether it has fewer than
    ``min_shared`` shared tasks (too few to judge by agreement), and the self-consistency checks
    (repeated tasks) the book's monitor needs to tell commitment ``eta0`` from ``eta1`` at the
    target error sum (exact binomial test, Proposition 4 with c = 1 - ``delta``): the same number
    for every worker, since it depends on δ, η₀, η₁ and the target, not on the worker's votes; with
    the share of the worker's own tasks it amounts to.

    Parameters
    ----------
    frame : DataFrame
        Votes in long format (:func:`check_votes`); the pool's statistics and every worker's row use them all.
    method : {"ds", "one-coin", "glad", "mace"}
        The aggregator of :func:`worker_reliability` that gives each worker's reliability.
    min_shared : int
        Fewest shared tasks to judge a worker (and a pair) by agreement (at least 2).
    delta, eta0, eta1, error
        The self-consistency monitor's δ and the test's hypotheses and target error sum, checked as
        :func:`annotator_incentives.planning.plan` checks them.
    n_boot, seed
        The bootstrap's resamples and seed.

    Returns
    -------
    dict

    Raises
    ------
    AgreementError, PlanningError
        Bad votes or settings.

    Examples
    --------
    >>> rows = [(t, w, "x" if (t + (w == "c")) % 2 else "y") for t in range(12) for w in "abc"]
    >>> report = team_report(pd.DataFrame(rows, columns=["task", "worker", "label"]), n_boot=0)
    >>> report["self_consistency"]["checks_needed"], [w["worker"] for w in report["workers"]]
    (156, ['a', 'b', 'c'])
    """
    from . import monitoring
    from .planning import _hypothesis_test

    test = _hypothesis_test(delta, eta0, eta1, error)
    min_shared = validation.count("min_shared", min_shared, AgreementError, 2)
    frame = check_votes(frame)
    alpha = krippendorff_alpha(frame, n_boot=n_boot, seed=seed)
    try:
        kappa, raters = fleiss_kappa(frame, n_boot=n_boot, seed=seed)
        fleiss: dict[str, Any] | None = {**_interval(kappa), "votes_per_task": raters}
    except AgreementError:
        fleiss = None
    pairs = cohen_kappas(frame, min_shared=min_shared)
    monitor = monitoring.self_consistency_monitor(test["delta"])
    try:
        needed: int | None = monitoring.samples_needed(test["target_error_sum"], float(monitor.q(test["eta0"])),
                                                       float(monitor.q(test["eta1"])))
        reach = None
    except monitoring.OutOfReachError as out:
        needed, reach = None, str(out)
    workers = shared_tasks(frame).merge(worker_reliability(frame, method, seed=seed)[["worker", "reliability"]], on="worker")
    return {
        "data": f"{len(frame):,} votes by {frame.worker.nunique()} workers on {frame.task.nunique():,} tasks; "
                f"labels {', '.join(sorted(frame.label.unique()))}",
        "pool": {"krippendorff_alpha": _interval(alpha), "fleiss_kappa": fleiss,
                 "cohen_kappa": [{k: (_finite(v) if k in ("kappa", "low", "high") else v) for k, v in row.items()}
                                 for row in pairs.to_dict("records")]},
        "method": method, "reliability_is": RELIABILITY[method], "min_shared": min_shared,
        "test": test,
        "self_consistency": {"c": monitor.c, "checks_needed": needed, "out_of_reach": reach},
        "workers": [{"worker": r.worker, "tasks": int(r.tasks), "shared_tasks": int(r.shared),
                     "reliability": _finite(r.reliability), "too_few_shared": bool(r.shared < min_shared),
                     "checks_share_of_tasks": None if needed is None else needed / int(r.tasks)}
                    for r in workers.itertuples()],
    }


def _interval(interval: Interval) -> dict[str, Any]:
    return {"value": _finite(interval.value), "low": _finite(interval.low), "high": _finite(interval.high),
            "tasks": interval.units, "level": interval.level, "bootstrap_resamples": interval.replicates}


def format_team_report(report: dict[str, Any]) -> str:
    """:func:`team_report` as the command prints it, numbers by the book's number policy (``report``).

    Parameters
    ----------
    report : dict
        What :func:`team_report` returns (the same data ``annotator-plan agree --json`` prints).

    Returns
    -------
    str
        Lines of text: the votes; the pool's α and κ (each with its interval by :func:`interval_text`);
        each worker's tasks, shared tasks and reliability, with the share of its tasks the checks take;
        the self-consistency checks per worker, or why they are out of reach.

    Examples
    --------
    >>> rows = [(t, w, "x" if (t + (w == "c")) % 2 else "y") for t in range(12) for w in "abc"]
    >>> text = format_team_report(team_report(pd.DataFrame(rows, columns=["task", "worker", "label"]), n_boot=0))
    >>> text.splitlines()[0]
    'Votes: 36 votes by 3 workers on 12 tasks; labels x, y'
    """
    def interval(entry: dict[str, Any] | None) -> str:
        if entry is None:
            return "undefined"
        return interval_text(Interval(entry["value"], entry["low"], entry["high"], entry["tasks"],
                                      entry["bootstrap_resamples"], entry["level"]), say_level=True)

    pool, sc, t = report["pool"], report["self_consistency"], report["test"]
    fleiss = pool["fleiss_kappa"]
    lines = [f"Votes: {report['data']}", "", "The pool (chance-corrected agreement; 1 perfect, 0 chance):",
             f"  Krippendorff's alpha (nominal): {interval(pool['krippendorff_alpha'])}, "
             f"{fmt.count(pool['krippendorff_alpha']['tasks'])} tasks with two votes or more",
             "  Fleiss' kappa: " + (f"{interval(fleiss)}, {fmt.count(fleiss['tasks'])} tasks with {fleiss['votes_per_task']} "
                                    "votes each" if fleiss else "undefined (no task with two votes)")]
    pairs = pool["cohen_kappa"]
    lines.append(f"  Cohen's kappa, {fmt.count(len(pairs))} pair(s) of workers sharing at least {report['min_shared']} tasks"
                 + (":" if pairs else ""))
    lines += [f"    {p['worker_a']} - {p['worker_b']} ({p['shared']} tasks): "
              + (fmt.number(p["kappa"]) + (f" (interval {fmt.number(p['low'])} to {fmt.number(p['high'])})"
                                           if p["low"] is not None else "") if p["kappa"] is not None else "undefined")
              for p in pairs]
    needed = sc["checks_needed"]
    lines += ["", f"Each worker ({METHODS[report['method']]}; reliability = {report['reliability_is']}):"]
    width = max(len(str(w["worker"])) for w in report["workers"])
    for w in report["workers"]:
        note = " (too few shared tasks to judge)" if w["too_few_shared"] else ""
        rel = fmt.number(w["reliability"], floor=1e-3) if w["reliability"] is not None else "undefined"
        share = ("" if needed is None else f", checks {w['checks_share_of_tasks']:.0%} of its tasks"
                 if w["checks_share_of_tasks"] <= 1 else ", checks more than its tasks")
        lines.append(f"  {str(w['worker']).ljust(width)}  {w['tasks']:>6,} tasks, {w['shared_tasks']:>6,} shared, "
                     f"reliability {rel}{share}{note}")
    lines += ["", f"Self-consistency monitor (delta = {t['delta']}): telling eta <= {t['eta0']} from eta >= {t['eta1']} with "
              f"type I + type II error {t['target_error_sum']} needs "
              + (f"{needed:,} repeated tasks per worker" if needed is not None
                 else f"more than can be had ({sc['out_of_reach']})")
              + " (the same for every worker: it depends on delta, eta0, eta1 and the target, not on the votes)."]
    return "\n".join(lines)
