"""Findings of the downstream chapter: which real pairs with texts are at hand, the hard pairs
shown verbatim, and what a reward model's accuracy, the seeds and the book's monitors say about
telling one effort from another.

The experiment itself is :mod:`annotator_incentives.downstream`; the functions here collect and
read its results as the chapter states them. A count of pairs that no finite number reaches is
``inf`` in the figure's data and said in words (:func:`pairs_text`), never ``nan``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import annotators, downstream, monitoring
from ..data import DatasetUnavailableError

__all__ = ["LOADERS", "TextPairs", "text_pairs", "votes_text", "pairs_text", "text_block", "AccuracySpread",
           "accuracy_spread", "monitors", "pairs_needed", "DatasetReading", "dataset_reading", "dataset_sentence",
           "hard_examples_markdown", "monitors_needed_markdown"]

LOADERS = {"MT-Bench": downstream.load_mt_bench_texts, "PandaLM": downstream.pandalm_pairs}


@dataclass(frozen=True)
class TextPairs:
    """The preference pairs with texts at hand (see :func:`text_pairs`).

    Attributes
    ----------
    pairs : dict of str to DataFrame
        Every item of each available set.
    usable : dict of str to DataFrame
        The items that can train or test a reward model (:func:`~annotator_incentives.downstream.usable_pairs`).
    missing : list of str
        The sets that are not available.
    """

    pairs: dict[str, pd.DataFrame]
    usable: dict[str, pd.DataFrame]
    missing: list[str]


def text_pairs(loaders: Mapping = LOADERS) -> TextPairs:
    """Load each set of pairs with texts; a set that is not available is named, not raised."""
    pairs, missing = {}, []
    for name, load in loaders.items():
        try:
            pairs[name] = load()
        except DatasetUnavailableError:
            missing.append(name)
    return TextPairs(pairs, {name: downstream.usable_pairs(frame) for name, frame in pairs.items()}, missing)


def votes_text(frame: pd.DataFrame) -> str:
    """The decisive votes and ties of a set of items, in words.

    Examples
    --------
    >>> votes_text(pd.DataFrame({"votes_1": [2, 1000], "votes_2": [1, 0], "ties": [1, 0]}))
    '1,003 decisive votes and 1 ties'
    """
    return f"{int((frame.votes_1 + frame.votes_2).sum()):,} decisive votes and {int(frame.ties.sum()):,} ties"


def pairs_text(n: float) -> str:
    """A number of pairs or checks; an infinite one (no difference to detect) in words.

    Examples
    --------
    >>> pairs_text(12345.0), pairs_text(float("inf"))
    ('12,345', 'no finite number')
    """
    return "no finite number" if not np.isfinite(n) else f"{int(n):,}"


MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def text_block(title: str, text: str, limit: int, width: int = 88) -> str:
    """A model's text as a fenced Markdown block under an italic title: Markdown escapes shown as
    the character they stand for, clipped at a word before ``limit`` characters (the rest
    counted), lines wrapped at ``width``, and a fence longer than any run of ``~`` in the text.

    Examples
    --------
    >>> print(text_block("Answer", "a\\\\_b " + "word " * 10, limit=12))
    *Answer*
    <BLANKLINE>
    ~~~~text
    a_b word […45 more characters]
    ~~~~
    """
    text = MARKDOWN_ESCAPE.sub(r"\1", text).strip()
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0]
        text = f"{cut} […{len(text) - len(cut):,} more characters]"
    wrapped = "\n".join(textwrap.fill(line, width) if line.strip() else "" for line in text.splitlines())
    fence = "~" * max(4, max((len(run) for run in wrapped.split() if set(run) == {"~"}), default=0) + 1)
    return f"*{title}*\n\n{fence}text\n{wrapped}\n{fence}"


@dataclass(frozen=True)
class AccuracySpread:
    """Per effort, the mean, smallest and largest held-out accuracy over the seeds."""

    mean: pd.Series
    low: pd.Series
    high: pd.Series


def accuracy_spread(curve: pd.DataFrame) -> AccuracySpread:
    """Mean and range over seeds of :func:`~annotator_incentives.downstream.accuracy_curve`.

    Examples
    --------
    >>> s = accuracy_spread(pd.DataFrame({"eta": [0.5, 0.5, 1.0], "accuracy": [0.6, 0.7, 0.8]}))
    >>> round(float(s.mean[0.5]), 6), float(s.low[0.5]), float(s.high[1.0])
    (0.65, 0.6, 0.8)
    """
    by_eta = curve.groupby("eta").accuracy
    return AccuracySpread(by_eta.mean(), by_eta.min(), by_eta.max())


def monitors(usable: Mapping[str, pd.DataFrame], deltas: Sequence[float]) -> tuple[list[tuple[str, float]], dict]:
    """The book's monitors for a test between two efforts: expert agreement calibrated on each
    set's real votes (MT-Bench's authors; every PandaLM annotator as an expert for the others)
    and self-consistency at each delta.

    Returns
    -------
    list of (str, float)
        Each monitor's label and signal strength c.
    dict
        The :class:`~annotator_incentives.annotators.ExpertCalibration` of each set used.
    """
    out, calibrations = [], {}
    if "MT-Bench" in usable:
        calibrations["MT-Bench"] = annotators.expert_based_estimates(annotators.load_mt_bench())
        out.append((f"expert agreement, c̄ = {calibrations['MT-Bench'].c_bar:.2f} (MT-Bench authors)",
                    calibrations["MT-Bench"].c_bar))
    if "PandaLM" in usable:
        calibrations["PandaLM"] = annotators.expert_based_estimates(annotators.load_pandalm().assign(judge_kind="expert"),
                                                                    expert_kind="expert")
        out.append((f"expert agreement, c̄ = {calibrations['PandaLM'].c_bar:.2f} (PandaLM panel)",
                    calibrations["PandaLM"].c_bar))
    return out + [(f"self-consistency, δ = {d:g}", 1 - d) for d in deltas], calibrations


def pairs_needed(curves: Mapping[str, pd.DataFrame], monitor_list: Sequence[tuple[str, float]], eta0: float, eta1: float,
                 targets: Sequence[float], target: float) -> pd.DataFrame:
    """Pairs needed to tell ``eta0`` from ``eta1`` at each target error sum: evaluation pairs of a
    test on each set's downstream accuracy (a lower bound, labelled so, where the seeds cannot
    tell the two mean accuracies apart at ``target``) and the checks of each monitor.

    Returns one row per method and target: ``method``, ``target``, ``n`` (``inf``: no finite
    number).
    """
    rows = []
    for name, curve in curves.items():
        method = (f"downstream accuracy, {name}" if downstream.compare_efforts(curve, eta0, eta1, target).separable
                  else f"downstream, {name}: lower bound")
        for t in targets:
            comp = downstream.compare_efforts(curve, eta0, eta1, t)
            rows.append({"method": method, "target": t, "n": comp.pairs_needed if comp.separable else comp.pairs_at_least})
    for label, c in monitor_list:
        m = monitoring.Monitor(label, c)
        rows += [{"method": label, "target": t, "n": float(monitoring.samples_needed(t, float(m.q(eta0)), float(m.q(eta1))))}
                 for t in targets]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DatasetReading:
    """What one set's runs show (see :func:`dataset_reading`).

    Attributes
    ----------
    human : pandas.Series
        The run at eta = 1 (the human votes): ``accuracy``, ``low``, ``high``, ``votes``.
    length : float
        The length-only baseline's accuracy; ``edge`` the full model's lead over it.
    width : float
        The width of the 95 % interval of one test accuracy.
    agree, agree_total : int
        Pairs of human votes on the same test item that agree, and all such pairs.
    spread : AccuracySpread
        Mean and range over the seeds per effort.
    not_worse, seeds : int
        Seeds in which eta0 scored at least as well as eta1, and the seeds.
    comparison : EffortComparison
        :func:`~annotator_incentives.downstream.compare_efforts` at the target.
    """

    human: pd.Series
    length: float
    edge: float
    width: float
    agree: int
    agree_total: int
    spread: AccuracySpread
    not_worse: int
    seeds: int
    comparison: downstream.EffortComparison

    @property
    def chance_covered(self) -> bool:
        """The seeds' accuracies at eta = 0 (coin flips) cover 50 %."""
        return bool(self.spread.low[0.0] <= 0.5 <= self.spread.high[0.0])


def dataset_reading(full: pd.DataFrame, length: pd.Series, test: pd.DataFrame, eta0: float, eta1: float,
                    target: float) -> DatasetReading:
    """Read one set's accuracy curve (``full``), its length-only baseline and its test items."""
    human = full[full.eta == 1.0].iloc[0]
    wide = full.pivot(index="seed", columns="eta", values="accuracy")
    agree, total = downstream.human_agreement(test)
    return DatasetReading(human=human, length=float(length.accuracy), edge=float(human.accuracy - length.accuracy),
                          width=float(human.high - human.low), agree=agree, agree_total=total, spread=accuracy_spread(full),
                          not_worse=int((wide[eta0] >= wide[eta1]).sum()), seeds=len(wide),
                          comparison=downstream.compare_efforts(full, eta0, eta1, target))


def dataset_sentence(name: str, d: DatasetReading, eta0: float, eta1: float, target: float) -> str:
    """One set's bullet of the chapter: what :func:`dataset_reading` shows, with the verdict of
    the downstream test of ``eta0`` against ``eta1`` at error sum ``target`` (a difference the
    seeds cannot tell from noise is said so, with the lower bound on the pairs).

    Examples
    --------
    >>> full = pd.DataFrame({"eta": [0.0, 0.0, 0.6, 0.6, 0.8, 0.8, 0.9, 0.9, 1.0], "seed": [0, 1] * 4 + [0],
    ...                      "accuracy": [0.49, 0.51, 0.6, 0.61, 0.6, 0.61, 0.6, 0.62, 0.61],
    ...                      "low": 0.55, "high": 0.67, "votes": 400})
    >>> test = pd.DataFrame({"votes_1": [1], "votes_2": [1]})
    >>> d = dataset_reading(full, pd.Series({"accuracy": 0.6}), test, 0.9, 1.0, 0.1)
    >>> text = dataset_sentence("toy", d, 0.9, 1.0, 0.1)
    >>> "no measurable difference" in text, "nan" in text
    (True, False)
    """
    comp, at, h = d.comparison, d.spread.mean, d.human
    verdict = (f"The mean accuracies differ by {comp.difference * 100:.2f} percentage points, more than twice their standard "
               f"error over the seeds (2 × {comp.standard_error * 100:.2f} points). A test on downstream accuracy needs about "
               f"$10^{{{np.round(np.log10(comp.pairs_needed)):.0f}}}$ human-labelled evaluation pairs "
               f"({pairs_text(comp.pairs_needed)}) to tell η = {eta0:g} from η = {eta1:g} with error sum {target:g}, "
               "even when both accuracies are known exactly." if comp.separable else
               f"The mean accuracies differ by {comp.difference * 100:+.2f} percentage points, less than twice their standard "
               f"error over the seeds (2 × {comp.standard_error * 100:.2f} points): with this model there is no measurable "
               f"difference between η = {eta0:g} and η = {eta1:g}, and no number of evaluation pairs can be read off these runs. "
               "Even if the true difference were as large as the seeds allow, a test on downstream accuracy would need more than "
               f"$10^{{{np.floor(np.log10(comp.pairs_at_least)):.0f}}}$ human-labelled evaluation pairs (at least "
               f"{pairs_text(comp.pairs_at_least)}) for error sum {target:g}, with both accuracies known exactly.")
    return (
        f"**{name}.** Trained on the human votes, the reward model agrees with {h.accuracy:.1%} of the {int(h.votes):,} held-out "
        f"decisive votes (95% interval {h.low:.1%} to {h.high:.1%}). The length-only baseline agrees with {d.length:.1%}, so "
        f"the n-grams and structure features change accuracy by {d.edge * 100:+.2f} percentage points, "
        + ("well inside the interval. " if abs(d.edge) < d.width / 2 else "more than half the interval's width. ")
        + "Two human judges of the same test item agree on "
        + (f"{d.agree / d.agree_total:.1%} of {d.agree_total:,} vote pairs. " if d.agree_total else "no shared item. ")
        + f"Mean accuracy over the seeds is {at[0.9]:.1%} at η = 0.9, {at[0.8]:.1%} at η = 0.8 (10% of labels flipped), "
        f"{at[0.6]:.1%} at η = 0.6 (20% flipped) and {at[0.0]:.1%} at η = 0, against {comp.acc1:.1%} at η = 1. "
        f"At η = 0 every label is a coin flip, so the model learns nothing about the votes; its seeds range from "
        f"{d.spread.low[0.0]:.1%} to {d.spread.high[0.0]:.1%}, "
        + ("which covers 50%: the departure of the mean from 50% is the noise of fitting coin flips. " if d.chance_covered
           else "which does not cover 50%. ")
        + f"At η = 0.9 the seeds range from {d.spread.low[0.9]:.1%} to {d.spread.high[0.9]:.1%}, and the η = 0.9 model scored at "
        f"least as well as the η = 1 model in {d.not_worse} of {d.seeds} seeds. The 95% interval of one test accuracy is "
        f"{d.width * 100:.2f} percentage points wide. " + verdict)


def hard_examples_markdown(hard: pd.DataFrame, notes: dict[str, str], limit: int = 420) -> str:
    """The downstream chapter's hardest items (:func:`annotator_incentives.downstream.hard_examples`)
    as Markdown: per item its question, the two models, the judges' votes, a note (``notes`` by
    item, else the two answers' lengths in words) and the question and both answers as text blocks
    clipped at ``limit`` characters (:func:`text_block`)."""
    return "\n\n".join(
        f"**Example {i}: question {r.question_id} ({r.category}), {r.model_1} against {r.model_2}.** "
        f"{r.judges} judges: {r.votes_1} for {r.model_1}, {r.votes_2} for {r.model_2}, {r.ties} tie{'s' if r.ties != 1 else ''}. "
        + notes.get(r.item, f"Both answers address the question ({len(r.response_1.split()):,} and "
                            f"{len(r.response_2.split()):,} words).") + "\n\n"
        + "\n\n".join([text_block("Question", r.prompt, limit), text_block(f"Answer 1 ({r.model_1})", r.response_1, limit),
                         text_block(f"Answer 2 ({r.model_2})", r.response_2, limit)])
        for i, r in enumerate(hard.itertuples(), 1))


def monitors_needed_markdown(at_target: pd.DataFrame, calibrations: Mapping[str, annotators.ExpertCalibration],
                             deltas: Sequence[float]) -> str:
    """The checks each monitor needs at the chapter's target (rows ``method``, ``n`` of
    :func:`pairs_needed`), and where each monitor's signal comes from: each set's c̄ from its
    :class:`~annotator_incentives.annotators.ExpertCalibration` (``calibrations`` by set, as
    :func:`monitors` returns them; a set not at hand is left out) and the two values of δ in
    ``deltas``.

    Examples
    --------
    >>> rows = pd.DataFrame({"method": ["self-consistency, δ = 0.02"], "n": [1234.0]})
    >>> print(monitors_needed_markdown(rows, {}, (0.02, 0.1)).splitlines()[0])
    For the same test and error sum, the book's monitors need these numbers of checks: self-consistency, δ = 0.02: 1,234.
    """
    where = []
    if "MT-Bench" in calibrations:
        mt = calibrations["MT-Bench"]
        where.append(f"MT-Bench's $\\bar c = {mt.c_bar:.2f}$ is `annotators.expert_based_estimates` on the MT-Bench votes: "
                     f"$2A_{{\\rm ee}} - 1$ from the authors' agreement of {mt.expert_agreement:.1%} on "
                     f"{mt.expert_pairs:,} pairs of decisive votes on shared items ({{ref}}`the real-annotators chapter "
                     "<chap-real-annotators>` explains it)")
    if "PandaLM" in calibrations:
        panda = calibrations["PandaLM"]
        where.append(f"PandaLM's $\\bar c = {panda.c_bar:.2f}$ comes from the same function with each of its three annotators "
                     f"counted as an expert for the others: they agree on {panda.expert_agreement:.1%} of "
                     f"{panda.expert_pairs:,} pairs of decisive votes on shared items (optimistic, since the set was filtered "
                     "for agreement)")
    where.append(f"δ = {deltas[0]:g} is the self-disagreement rate of the paper's Figure 3, and δ = {deltas[1]:g} a "
                 "pessimistic value for annotators who forget or change their minds often (no data here measures δ; "
                 "{ref}`the real-annotators chapter <chap-real-annotators>` bounds it on PandaLM's repeats)")
    return ("For the same test and error sum, the book's monitors need these numbers of checks: "
            + "; ".join(f"{row.method}: {pairs_text(row.n)}" for row in at_target.itertuples()) + ".\n\n"
            "Where the monitors' numbers come from. " + ". ".join(where) + ".")
