"""Why model performance cannot reveal effort: a small reward model trained on simulated labels.

The paper's abstract names a second challenge besides heterogeneity: the relationship between
annotation quality and the performance of a model trained on the annotations is unclear, so the
annotator's effort cannot be inferred from the model. This module makes that concrete on real
preference pairs with their texts (MT-Bench turn 1 and PandaLM's test set):

1. an annotator with effort eta relabels each training pair as the paper's model says
   (:func:`simulate_labels`): committed with probability eta, otherwise a fair coin;
2. a Bradley-Terry reward model, ``P(y1 > y2) = sigma(w . (phi(y1) - phi(y2)))``, is fitted on
   those labels (:func:`pair_features`, :func:`fit_reward_model`);
3. its accuracy on held-out pairs is scored against the real human votes
   (:func:`heldout_accuracy`), with questions never shared by the training and test sets
   (:func:`item_split`).

:func:`evaluation_pairs_needed` then counts how many evaluation pairs a test on downstream
accuracy needs to tell two efforts apart, computed exactly like the monitors of
:mod:`~annotator_incentives.monitoring`.

A *pairs frame* has one row per item: ``item``, ``group`` (the question; items of one group
are never split), ``prompt``, ``response_1``, ``response_2`` and the human vote counts
``votes_1`` (response 1 preferred), ``votes_2`` and ``ties``. Every function checks the
columns it uses (present, a non-empty frame, votes whole numbers >= 0, texts strings) and its
numbers, and raises :class:`~annotator_incentives.data.DataError` naming what is wrong.
"""

from __future__ import annotations

import ast
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, GroupShuffleSplit

from . import monitoring, validation
from .annotators import _frame, _labels, _locate, _texts, load_mt_bench, load_pandalm
from .binomial import clopper_pearson
from .data.errors import DataError, _reading

__all__ = [
    "MT_BENCH_TEXT_FILE",
    "STRUCTURE_FEATURES",
    "load_mt_bench_texts",
    "pandalm_pairs",
    "usable_pairs",
    "vote_table",
    "human_agreement",
    "simulate_labels",
    "item_split",
    "FeatureConfig",
    "pair_features",
    "LENGTH_ONLY",
    "fit_reward_model",
    "choose_C",
    "Accuracy",
    "heldout_accuracy",
    "accuracy_curve",
    "evaluation_pairs_needed",
    "EffortComparison",
    "compare_efforts",
    "hard_examples",
]

MT_BENCH_TEXT_FILE = Path("mt-bench-human-judgments") / "human_gpt_comparison.zip"
PAIR_COLUMNS = ["item", "group", "prompt", "response_1", "response_2", "votes_1", "votes_2", "ties"]
STRUCTURE_FEATURES = ("log_chars", "log_words", "log_lines", "list_share", "code_blocks", "digit_share", "prompt_overlap")
VOTES = ("votes_1", "votes_2", "ties")
TEXTS = ("prompt", "response_1", "response_2")


def _pairs(frame, columns) -> pd.DataFrame:
    """A pairs frame with ``columns`` (:func:`~annotator_incentives.annotators._frame`): items and
    groups named (no missing value, one kind), votes whole numbers >= 0 (returned as int64, so
    that small integer types cannot overflow), texts strings."""
    frame = _frame("pairs frame", frame, columns)
    validation.keys("pairs frame", frame, [c for c in ("item", "group") if c in columns], DataError)
    votes = {column: validation.counts(f"pairs frame: {column}", frame[column].to_numpy(), DataError)
             for column in columns if column in VOTES}
    _texts("pairs frame", frame, [c for c in columns if c in TEXTS])
    return frame.assign(**votes) if votes else frame


def _features(name: str, features) -> sparse.csr_matrix | np.ndarray:
    """A design matrix (:func:`pair_features`, or a 2-D array of finite numbers), else a DataError."""
    if sparse.issparse(features):
        values = features.data
    elif isinstance(features, np.ndarray):
        values = features
    else:
        raise DataError(f"{name} must be a matrix (pair_features' result); got {type(features).__name__}")
    if features.ndim != 2 or values.dtype.kind not in "iuf" or not np.isfinite(values).all():
        raise DataError(f"{name} must be a two-dimensional matrix of finite numbers; got shape {features.shape}, "
                        f"values of type {values.dtype}")
    return features


# --------------------------------------------------------------------------- data


def _turn_one_texts(path: Path) -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, str]]]:
    """Answers by (question_id, model) and (prompt, category) by question_id from the zip's
    turn-1 rows. A conversation is a Python literal list of (text, role) tuples."""
    with _reading("the MT-Bench conversations", path), zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        if not names:
            raise DataError(f"{path}: no CSV inside the archive")
        with archive.open(names[0]) as handle:
            frame = pd.read_csv(handle, dtype=str)
    needed = {"question_id", "model_a", "model_b", "turn_x", "conversation_a_x", "conversation_b_x", "category"}
    if missing := needed - set(frame.columns):
        raise DataError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    turn_one = frame[frame.turn_x.astype(str) == "1"].drop_duplicates(["question_id", "model_a", "model_b"])
    answers: dict[tuple[str, str], str] = {}
    questions: dict[str, tuple[str, str]] = {}
    for row in turn_one.itertuples():
        for model, text in ((row.model_a, row.conversation_a_x), (row.model_b, row.conversation_b_x)):
            conversation = _conversation(path, text)
            if len(conversation) < 2 or conversation[0][1] != "user" or conversation[1][1] != "assistant":
                raise DataError(f"{path}: question {row.question_id}, {model}: turn 1 is not a user/assistant exchange")
            answers[(str(row.question_id), model)] = conversation[1][0]
            questions[str(row.question_id)] = (conversation[0][0], str(row.category))
    return answers, questions


def _conversation(path: Path, text) -> list:
    """A conversation of the archive: a Python literal list of (text, role) pairs."""
    try:
        conversation = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        conversation = None
    if not isinstance(conversation, list) or not all(isinstance(t, (tuple, list)) and len(t) == 2 for t in conversation):
        raise DataError(f"{path}: a conversation is not a list of (text, role) pairs: {str(text)[:60]!r}")
    return conversation


def load_mt_bench_texts(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """MT-Bench turn-1 items with their texts and the human votes, one row per item.

    Votes come from the complete turn-1 judgments (:func:`~annotator_incentives.annotators.load_mt_bench`);
    the question and the two answers from the conversations in ``human_gpt_comparison.zip``,
    which hold each (question, model) answer at least once for most models. Items whose
    answers are not in the archive are left out. Response 1 is the answer of the model first in
    alphabetical order, as in ``load_mt_bench``.

    Returns
    -------
    pandas.DataFrame
        The pairs-frame columns (``group`` is the question id) plus ``question_id``,
        ``category``, ``model_1``, ``model_2``.
    """
    votes = load_mt_bench(data_dir)
    answers, questions = _turn_one_texts(_locate(MT_BENCH_TEXT_FILE, data_dir))
    pairs = votes.drop_duplicates("item").set_index("item")[["question_id", "model_1", "model_2"]]
    frame = vote_table(votes).join(pairs.astype({"question_id": str})).reset_index(names="item")
    keep = [(q, a) in answers and (q, b) in answers and q in questions
            for q, a, b in zip(frame.question_id, frame.model_1, frame.model_2, strict=True)]
    frame = frame[keep].reset_index(drop=True)
    frame["group"] = "mt-bench:" + frame.question_id
    frame["prompt"] = [questions[q][0] for q in frame.question_id]
    frame["category"] = [questions[q][1] for q in frame.question_id]
    frame["response_1"] = [answers[(q, m)] for q, m in zip(frame.question_id, frame.model_1, strict=True)]
    frame["response_2"] = [answers[(q, m)] for q, m in zip(frame.question_id, frame.model_2, strict=True)]
    return frame[PAIR_COLUMNS + ["question_id", "category", "model_1", "model_2"]]


def pandalm_pairs(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """PandaLM's test set, one row per item with its three annotators' votes.

    The prompt is the instruction followed by its input (when there is one); ``group`` is the
    instruction alone, so an instruction asked with different inputs stays on one side of a split.
    """
    long = load_pandalm(data_dir)
    counts = vote_table(long)
    items = long.drop_duplicates("item").set_index("item")
    prompt = items.instruction.where(items.input.str.strip() == "", items.instruction + "\n\n" + items.input)
    frame = pd.DataFrame({"item": items.index, "group": "pandalm:" + items.instruction.to_numpy(), "prompt": prompt.to_numpy(),
                          "response_1": items.response1.to_numpy(), "response_2": items.response2.to_numpy()})
    return frame.join(counts, on="item")[PAIR_COLUMNS]


def vote_table(labels: pd.DataFrame) -> pd.DataFrame:
    """Per item of a long label frame (``item``, ``label`` 1/0/NaN): votes for the first response,
    for the second, and ties."""
    labels = _labels(labels, ("item", "label"))
    label = labels.label
    grouped = pd.DataFrame({"item": labels.item, "votes_1": (label == 1).astype(int), "votes_2": (label == 0).astype(int),
                            "ties": label.isna().astype(int)}).groupby("item", sort=True)
    return grouped.sum()


def usable_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Items that can train or test a reward model: at least one decisive vote, and two
    different responses (identical responses carry no preference a model could learn)."""
    frame = _pairs(frame, ("votes_1", "votes_2", "response_1", "response_2"))
    decisive = frame.votes_1 + frame.votes_2 > 0
    different = frame.response_1.str.strip() != frame.response_2.str.strip()
    return frame[decisive & different].reset_index(drop=True)


def human_agreement(frame: pd.DataFrame) -> tuple[int, int]:
    """(agreeing, total) pairs of decisive votes cast on the same item: the accuracy one human
    achieves against another, a ceiling for any model scored against human votes. Votes of any
    integer type count alike (they are read as int64, so int8 columns cannot overflow).

    Examples
    --------
    >>> import pandas as pd
    >>> human_agreement(pd.DataFrame({"votes_1": [2, 1], "votes_2": [1, 0]}))  # item 1: 1 of 3 pairs agree
    (1, 3)
    """
    frame = _pairs(frame, ("votes_1", "votes_2"))
    v1, v2 = frame.votes_1.to_numpy(), frame.votes_2.to_numpy()
    n = v1 + v2
    agree = (v1 * (v1 - 1) + v2 * (v2 - 1)) // 2
    return int(agree.sum()), int((n * (n - 1) // 2).sum())


# --------------------------------------------------------------------------- labels and split


def simulate_labels(labels, eta: float, rng: np.random.Generator) -> np.ndarray:
    """Relabel as an annotator with commitment ``eta`` (the paper's annotator model, its
    equations (2)-(3)).

    Each label is kept when the hidden ``V ~ Bern(eta)`` is 1 and replaced by a fair coin
    otherwise, so ``P(Z = 1) = eta * label + (1 - eta) / 2`` and a label flips with probability
    exactly ``(1 - eta) / 2``. Starting from a real human label plays the role of the committed
    draw ``Z ~ Bern(p)``.

    Parameters
    ----------
    labels : array_like of {0, 1}
        The committed labels.
    eta : float
        Commitment in [0, 1].
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of int
    """
    eta = validation.probability("eta", eta, DataError)
    validation.instance("rng", rng, np.random.Generator, DataError, " (numpy.random.default_rng(seed))")
    labels = np.asarray(labels)
    if labels.size and (labels.dtype.kind not in "iuf" or not np.isin(labels, (0, 1)).all()):
        raise DataError(f"labels must be 0 or 1; got {_first_other(labels)!r}")
    committed = rng.random(labels.shape) < eta
    coin = rng.integers(0, 2, size=labels.shape)
    return np.where(committed, labels, coin).astype(int)


def _first_other(labels: np.ndarray):
    """The first label that is not 0 or 1."""
    values = labels.ravel().tolist()  # Python numbers, shown without numpy's reprs
    return next((x for x in values if isinstance(x, bool) or x not in (0, 1)), values[0])


def item_split(frame: pd.DataFrame, test_share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a pairs frame into training and test items by ``group`` (question): every item of a
    question lands on the same side, so no question, and no answer to it, is seen in training
    and then tested. ``test_share`` is the share of questions held out."""
    test_share = validation.open_probability("test_share", test_share, DataError)
    seed = validation.count("seed", seed, DataError, 0, 2**32 - 1)
    frame = _pairs(frame, ("group",))
    if frame.group.nunique() < 2:
        raise DataError("a split by question needs at least two questions")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_share, random_state=seed)
    train, test = next(splitter.split(frame, groups=frame.group))
    return frame.iloc[train].reset_index(drop=True), frame.iloc[test].reset_index(drop=True)


def _decisive_votes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row index into frame, label) for every decisive vote; label 1 means response 1 won."""
    rows = np.arange(len(frame))
    v1, v2 = frame.votes_1.to_numpy(dtype=int), frame.votes_2.to_numpy(dtype=int)
    index = np.concatenate([np.repeat(rows, v1), np.repeat(rows, v2)])
    label = np.concatenate([np.ones(v1.sum(), dtype=int), np.zeros(v2.sum(), dtype=int)])
    order = np.argsort(index, kind="stable")
    return index[order], label[order]


# --------------------------------------------------------------------------- features and model


@dataclass(frozen=True)
class FeatureConfig:
    """Which features describe a response. ``ngrams=False`` gives the length-only baseline
    (log character count alone)."""

    ngrams: bool = True
    structure: bool = True
    word_features: int = 2**14
    char_features: int = 2**14

    def __post_init__(self) -> None:
        for name in ("ngrams", "structure"):
            validation.instance(name, getattr(self, name), bool, DataError)
        for name in ("word_features", "char_features"):
            object.__setattr__(self, name, validation.count(name, getattr(self, name), DataError, 1, 2**31 - 1))


LENGTH_ONLY = FeatureConfig(ngrams=False, structure=False)
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_WORD = re.compile(r"\w+")


def _structure(prompt: str, response: str) -> list[float]:
    lines = [line for line in response.splitlines() if line.strip()]
    words = _WORD.findall(response.lower())
    prompt_words = set(_WORD.findall(prompt.lower()))
    return [
        np.log1p(len(response)),
        np.log1p(len(words)),
        np.log1p(len(lines)),
        sum(bool(_LIST_LINE.match(line)) for line in lines) / max(len(lines), 1),
        np.log1p(response.count("```")),
        sum(ch.isdigit() for ch in response) / max(len(response), 1),
        len(prompt_words & set(words)) / max(len(prompt_words), 1),
    ]


def _response_features(prompts: Sequence[str], responses: Sequence[str], config: FeatureConfig) -> sparse.csr_matrix:
    blocks = []
    if config.ngrams:
        for analyzer, ngram_range, size in (("word", (1, 2), config.word_features), ("char_wb", (3, 5), config.char_features)):
            vectorizer = HashingVectorizer(
                analyzer=analyzer, ngram_range=ngram_range, n_features=size, alternate_sign=False, norm="l2"
            )
            blocks.append(vectorizer.transform(responses))
    if config.structure:
        blocks.append(sparse.csr_matrix([_structure(p, r) for p, r in zip(prompts, responses, strict=True)]))
    else:
        blocks.append(sparse.csr_matrix(np.log1p([[len(r)] for r in responses])))
    return sparse.hstack(blocks, format="csr")


def pair_features(frame: pd.DataFrame, config: FeatureConfig = FeatureConfig()) -> sparse.csr_matrix:
    """Bradley-Terry design matrix: one row per item, ``phi(response_1) - phi(response_2)``.

    ``phi`` stacks hashed word 1-2-grams and character 3-5-grams (each block L2-normalised) and
    the structure features :data:`STRUCTURE_FEATURES` (log lengths, share of list lines, code
    fences, share of digits, share of the prompt's words that the response uses). Hashing has no
    fitted state, so a row depends on its own item only: nothing about test items can reach
    the training rows.
    """
    frame = _pairs(frame, TEXTS)
    validation.instance("config", config, FeatureConfig, DataError)
    prompts = frame.prompt.tolist()
    return (_response_features(prompts, frame.response_1.tolist(), config)
            - _response_features(prompts, frame.response_2.tolist(), config)).tocsr()


def fit_reward_model(features: sparse.csr_matrix, labels, C: float = 1.0) -> LogisticRegression:
    """Bradley-Terry reward model ``P(response 1 preferred) = sigma(w . x)`` with ``x`` a row of
    :func:`pair_features`, fitted by L2-penalised logistic regression (liblinear) without an
    intercept, so that swapping the two responses swaps the prediction (no position bias). The
    dual solver suits a design with far more features than rows. ``C`` > 0; labels 0 or 1, one
    per row."""
    C = validation.real("C", C, DataError, 0.0, low_open=True)
    features = _features("features", features)
    labels = validation.counts("labels", labels, DataError, 0, 1)
    if labels.shape != (features.shape[0],):
        raise DataError(f"labels must be one per row of features ({features.shape[0]:,}); got shape {labels.shape}")
    if np.unique(labels).size < 2:
        raise DataError("a reward model needs labels of both kinds")
    return LogisticRegression(C=C, fit_intercept=False, solver="liblinear", dual=True, tol=1e-3, max_iter=1000).fit(
        features, labels
    )


def choose_C(train: pd.DataFrame, config: FeatureConfig = FeatureConfig(), grid: Sequence[float] = (0.03, 0.1, 0.3),
             folds: int = 5) -> pd.DataFrame:
    """Penalty chosen on the training items only: grouped ``folds``-fold cross-validation (folds
    split by question) on the real votes, for each ``C`` in ``grid``. Returns one row per C
    with the pooled validation accuracy; the best is the first row with the highest. Each C > 0;
    ``folds`` >= 2, at most the number of questions."""
    penalties = validation.probabilities("grid", grid, DataError, 0.0, np.inf, open_ends=True)
    folds = validation.count("folds", folds, DataError, 2)
    train = _pairs(train, ("group", "votes_1", "votes_2"))
    if folds > train.group.nunique():
        raise DataError(f"folds must be at most the number of questions ({train.group.nunique()}); got {folds}")
    x, (rows, label) = pair_features(train, config), _decisive_votes(train)
    out = []
    for C in penalties:
        correct = total = 0
        for fit_items, check_items in GroupKFold(n_splits=folds).split(train, groups=train.group):
            fit = np.isin(rows, fit_items)
            model = fit_reward_model(x[rows[fit]], label[fit], C)
            scored = heldout_accuracy(model, x[check_items], train.iloc[check_items].reset_index(drop=True))
            correct, total = correct + scored.correct, total + scored.votes
        out.append({"C": float(C), "accuracy": correct / total, "votes": total})
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Accuracy:
    """Held-out agreement of a model's preferred response with the human votes, and its exact
    (Clopper-Pearson) interval. ``items`` counts the test items, ``votes`` the decisive votes."""

    correct: int
    votes: int
    items: int
    low: float
    high: float

    def __post_init__(self) -> None:
        votes = validation.count("votes", self.votes, DataError, 1)
        validation.count("correct", self.correct, DataError, 0, votes)
        validation.count("items", self.items, DataError, 1)
        low, high = validation.probability("low", self.low, DataError), validation.probability("high", self.high, DataError)
        if low > high:
            raise DataError(f"need low <= high; got low={low}, high={high}")

    @property
    def accuracy(self) -> float:
        return self.correct / self.votes


def heldout_accuracy(model: LogisticRegression, features: sparse.csr_matrix, test: pd.DataFrame, level: float = 0.95) -> Accuracy:
    """Share of the test items' decisive human votes that prefer the response the model scores
    higher, with its Clopper-Pearson interval at ``level``. An item's votes share one
    prediction, so the interval treats the votes as independent; it is a little narrow when
    judges of one item agree more than chance. ``features`` has one row per test item; the test
    items hold at least one decisive vote."""
    level = validation.open_probability("level", level, DataError)
    validation.instance("model", model, LogisticRegression, DataError, " (fit_reward_model)")
    test = _pairs(test, ("votes_1", "votes_2"))
    features = _features("features", features)
    if features.shape[0] != len(test):
        raise DataError(f"features must have one row per test item ({len(test):,}); got {features.shape[0]:,}")
    rows, label = _decisive_votes(test)
    if not label.size:
        raise DataError("the test items hold no decisive vote: there is no accuracy to measure")
    predicted = (model.decision_function(features) > 0).astype(int)
    correct = int((predicted[rows] == label).sum())
    low, high = clopper_pearson(correct, label.size, level)
    return Accuracy(correct, int(label.size), len(test), float(low), float(high))


def accuracy_curve(train: pd.DataFrame, test: pd.DataFrame, etas: Sequence[float], seeds: Sequence[int],
                   config: FeatureConfig = FeatureConfig(), C: float = 1.0) -> pd.DataFrame:
    """Held-out accuracy of reward models trained on labels of simulated annotators.

    For each effort ``eta`` and seed, every decisive human vote on a training item is relabelled
    by :func:`simulate_labels` (seeded by ``(seed, round(1000 eta))``), a model is fitted and
    scored against the real votes on the test items. At ``eta = 1`` the labels are the human
    votes for every seed, so that model is fitted once.

    Returns
    -------
    pandas.DataFrame
        One row per (eta, seed): ``eta``, ``seed``, ``accuracy``, ``low``, ``high``, ``correct``,
        ``votes``, ``flipped`` (share of training labels the simulation changed).
    """
    efforts = validation.probabilities("etas", etas, DataError)
    seed_values = validation.counts("seeds", seeds, DataError, 0, 2**32 - 1)
    C = validation.real("C", C, DataError, 0.0, low_open=True)
    train, test = _pairs(train, ("votes_1", "votes_2")), _pairs(test, ("votes_1", "votes_2"))
    x_train, x_test = pair_features(train, config), pair_features(test, config)
    rows, human = _decisive_votes(train)
    design = x_train[rows]
    out = []
    committed = None
    for eta in efforts:
        for seed in seed_values:
            rng = np.random.default_rng([int(seed), int(round(1000 * eta))])
            labels = simulate_labels(human, eta, rng)
            if eta == 1 and committed is not None:
                scored = committed
            else:
                scored = heldout_accuracy(fit_reward_model(design, labels, C), x_test, test)
                committed = scored if eta == 1 else committed
            out.append({"eta": float(eta), "seed": int(seed), "accuracy": scored.accuracy, "low": scored.low, "high": scored.high,
                        "correct": scored.correct, "votes": scored.votes, "flipped": float(np.mean(labels != human))})
    return pd.DataFrame(out)


def evaluation_pairs_needed(acc0: float, acc1: float, error_sum: float, n_max: int = 10**8) -> float:
    """Evaluation pairs a test on downstream accuracy needs to tell a model trained at effort
    eta_0 (accuracy ``acc0``) from one trained at eta_1 > eta_0 (``acc1``) with type I + type II
    error at most ``error_sum``.

    Each evaluation pair is a Bernoulli check, passed with probability ``acc0`` or ``acc1``: the
    same binomial test as the monitors', solved exactly by
    :func:`~annotator_incentives.monitoring.samples_needed`. The accuracies are taken as known,
    which favours the downstream test. Returns ``inf`` when ``acc1 <= acc0`` (no number of
    pairs tells them apart) or more than ``n_max`` pairs would be needed. Accuracies lie in
    [0, 1], ``error_sum`` in (0, 1), ``n_max`` >= 1.
    """
    acc0, acc1 = validation.probability("acc0", acc0, DataError), validation.probability("acc1", acc1, DataError)
    error_sum = validation.open_probability("error_sum", error_sum, DataError)
    n_max = validation.count("n_max", n_max, DataError, 1)
    if acc1 <= acc0:
        return float("inf")
    try:
        return float(monitoring.samples_needed(error_sum, acc0, acc1, n_max=n_max))
    except monitoring.OutOfReachError:
        return float("inf")


@dataclass(frozen=True)
class EffortComparison:
    """Mean held-out accuracies at two efforts, how far seed noise blurs their difference, and
    what that means for a test on downstream accuracy."""

    acc0: float  # mean accuracy over seeds at eta_0
    acc1: float  # mean accuracy over seeds at eta_1
    difference: float  # acc1 - acc0
    standard_error: float  # of the difference of the means, over seeds
    separable: bool  # difference > z standard errors
    pairs_needed: float  # evaluation pairs at the measured means; inf when not separable
    pairs_at_least: float  # evaluation pairs if the true difference were |difference| + z standard errors


def compare_efforts(curve: pd.DataFrame, eta0: float, eta1: float, error_sum: float, z: float = 2.0) -> EffortComparison:
    """Compare the mean accuracies of :func:`accuracy_curve` at ``eta0`` and ``eta1``.

    The difference counts as measured only when it exceeds ``z`` standard errors of the
    difference of the means over seeds (an effort fitted once, like ``eta = 1``, contributes no
    seed variance). Otherwise ``pairs_needed`` is ``inf`` and only ``pairs_at_least`` is
    meaningful: the evaluation pairs needed even if the true difference were as large as the seeds
    allow, a lower bound on the honest answer. Efforts lie in [0, 1], ``z`` >= 0.
    """
    eta0, eta1 = validation.probability("eta0", eta0, DataError), validation.probability("eta1", eta1, DataError)
    error_sum = validation.open_probability("error_sum", error_sum, DataError)
    z = validation.real("z", z, DataError, 0.0)
    curve = _frame("accuracy curve", curve, ("eta", "accuracy"))
    validation.probabilities("accuracy curve: eta", curve.eta.to_numpy(), DataError)
    validation.probabilities("accuracy curve: accuracy", curve.accuracy.to_numpy(), DataError)
    by_eta = curve.groupby("eta").accuracy
    mean, var, count = by_eta.mean(), by_eta.var(ddof=1).fillna(0.0), by_eta.count()
    for eta in (eta0, eta1):
        if eta not in mean.index:
            raise DataError(f"the accuracy curve has no runs at eta = {eta:g}")
    acc0, acc1 = float(mean[eta0]), float(mean[eta1])
    se = float(np.sqrt(var[eta0] / count[eta0] + var[eta1] / count[eta1]))
    difference = acc1 - acc0
    separable = bool(difference > z * se)
    needed = evaluation_pairs_needed(acc0, acc1, error_sum) if separable else float("inf")
    largest = max(difference, 0.0) + z * se
    at_least = evaluation_pairs_needed(max(acc1 - largest, 0.0), acc1, error_sum) if largest > 0 else float("inf")
    return EffortComparison(acc0, acc1, difference, se, separable, needed, at_least)


# --------------------------------------------------------------------------- hard examples


def hard_examples(frame: pd.DataFrame, k: int = 3, min_judges: int = 3) -> pd.DataFrame:
    """The ``k`` items on which the human judges split most evenly, one per question.

    Rule: among items with at least ``min_judges`` votes (ties included) and at least two
    decisive ones, sort by the gap between the two sides' decisive votes (smallest first), then
    by the number of decisive votes (most first), then by item; keep the first item of each
    question until ``k`` (>= 1) are found.
    """
    k, min_judges = validation.count("k", k, DataError, 1), validation.count("min_judges", min_judges, DataError, 0)
    frame = _pairs(frame, ("item", "group", *VOTES))
    decisive = frame.votes_1 + frame.votes_2
    scored = frame.assign(judges=decisive + frame.ties, gap=(frame.votes_1 - frame.votes_2).abs(), decisive=decisive)
    pool = scored[(scored.judges >= min_judges) & (scored.decisive >= 2)]  # scored first: an empty pool stays empty
    ranked = pool.sort_values(["gap", "decisive", "item"], ascending=[True, False, True], kind="stable")
    return ranked.drop_duplicates("group").head(k).reset_index(drop=True)
