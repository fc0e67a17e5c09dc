"""A dataset's p, and what a build can show: every dataset that loads, a real sample for one
that does not, and notes for readers about what is missing.

:func:`load_preference_data` runs the pipeline on the loaded scores; :func:`available_preference_data`
tries each dataset and returns an :class:`Availability` (what loaded, a note for each dataset that
did not, and the sample shown in its place, labelled as a sample).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from .errors import DataError, DatasetUnavailableError
from .loading import load_sample_scores, load_scores
from .packaged import DATA_DIR_ENV
from .pipeline import PreferenceData, preference_probabilities
from .registry import DATASETS, SAMPLES, _spec

__all__ = ["load_preference_data", "DATA_PAGE", "reader_note", "Availability", "available_preference_data"]


def load_preference_data(name: str, data_dir: str | os.PathLike[str] | None = None) -> PreferenceData:
    """Load a paper dataset (``DATASETS``) or a real sample (``SAMPLES``) and compute its
    preference probability p by the paper's pipeline (:func:`preference_probabilities`).

    Parameters
    ----------
    name : str
        A paper dataset (a key of ``DATASETS``: pku, helpsteer, ultra, skywork) or a real
        sample (a key of ``SAMPLES``).
    data_dir : str or os.PathLike, optional
        The data folder (default: ``$ANNOTATOR_DATA_DIR``, else none; real samples fall back
        on the packaged copy).

    Returns
    -------
    PreferenceData
        p of the evaluation half, with its provenance.

    Raises
    ------
    DatasetUnavailableError
        When the dataset is found nowhere, or the name is unknown.
    DataError
        When its scores cannot be used (bad values, every pair a tie, a damaged copy).

    Examples
    --------
    >>> data = load_preference_data("helpsteer2-sample")  # shipped with the package
    >>> data.n_pairs, data.n_eval, data.is_sample
    (44, 22, True)
    """
    if name in SAMPLES:
        return preference_probabilities(load_sample_scores(name, data_dir))
    return preference_probabilities(load_scores(name, data_dir))


DATA_PAGE = "data.md"  # the book's data chapter (label chap-data), beside every other chapter


def reader_note(name: str) -> str:
    """What provides a missing dataset, calmly, for readers (no paths, no errors), to follow
    "<label>: ".

    Parameters
    ----------
    name : str
        A paper dataset, a key of ``DATASETS``.

    Returns
    -------
    str
        One Markdown sentence: the hub file, or the reward-model score file, that provides it.

    Raises
    ------
    DatasetUnavailableError
        When the name is not one of the paper's datasets.

    Examples
    --------
    >>> reader_note("pku").startswith("needs reward-model scores, which the hub file")
    True
    """
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
    """What a chapter can show: the data of each dataset that loaded, a note for each that did not,
    as :func:`available_preference_data` returns it.

    Attributes
    ----------
    loaded : dict of str to PreferenceData
        The data of each dataset (or real sample) that loaded, by its key.
    missing : dict of str to str
        A note for readers for each missing dataset: what provides it, what is shown instead.
    details : dict of str to str
        The full diagnostic for each missing dataset (where it was looked for, what failed), for
        programmers.
    stand_ins : dict of str to str
        The key of the real sample shown in place of each missing dataset that has one.

    Examples
    --------
    The packaged HelpSteer2 sample on a build that lacks PKU: the panels meant for PKU say what
    they show instead.

    >>> sample = load_preference_data("helpsteer2-sample")
    >>> shown = Availability({sample.name: sample}, {"pku": reader_note("pku")})
    >>> chosen, sentence = shown.prefer(("pku",))
    >>> [data.n_eval for data in chosen]
    [22]
    >>> print(sentence)
    The paper's panels use PKU; on this build they use HelpSteer2 sample.
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
            raise DataError(f"page must be 'data' or 'other', not {page!r}")
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

    def summary_rows(self) -> list[dict[str, str]]:
        """One row per loaded dataset for the data chapter's table: label, kind (full dataset or
        named real sample), pairs with ties dropped, evaluation half, mean folded p, c-bar, source."""
        return [{"dataset": d.label,
                 "kind": "named real sample" if d.is_sample else "full dataset",
                 "pairs (ties dropped)": f"{d.n_pairs:,} ({d.n_ties_dropped:,})",
                 "evaluation half": f"{d.n_eval:,}",
                 "mean folded p": f"{d.p.mean():.3f}",
                 "c̄": f"{d.c_bar:.3f}",
                 "source": d.source}
                for d in self.loaded.values()]

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

    Parameters
    ----------
    names : tuple of str, optional
        The datasets wanted (keys of ``DATASETS`` or ``SAMPLES``); default the paper's four.
    data_dir : str or os.PathLike, optional
        The data folder (default: ``$ANNOTATOR_DATA_DIR``).
    stand_ins : {"samples", "none"}, optional
        Whether a missing dataset's real sample is shown in its place.

    Returns
    -------
    Availability
        The data that loaded, and a note (for readers) and a diagnostic (for programmers) for
        each dataset that did not.

    Raises
    ------
    DataError
        When ``names`` is a string rather than a tuple, ``stand_ins`` is not one of the two
        choices, or a dataset's data cannot be used.

    Examples
    --------
    >>> shown = available_preference_data(("helpsteer2-sample",))
    >>> list(shown.loaded), shown.missing
    (['helpsteer2-sample'], {})
    """
    if stand_ins not in ("samples", "none"):
        raise DataError(f"stand_ins must be 'samples' or 'none', not {stand_ins!r}")
    if isinstance(names, str):
        raise DataError(f"names must be a tuple of dataset names, not the string {names!r}")
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
