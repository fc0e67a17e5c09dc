"""The registry: the paper's four preference datasets, the real samples, and the packaged folders.

:data:`DATASETS` holds the paper's four datasets, :data:`SAMPLES` the
real samples that exercise their pipeline, each named as a sample wherever it is used, and
:data:`PACKAGED_FOLDERS` the folders of real data shipped with the package (what each holds, its
licence and attribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .errors import DatasetUnavailableError

__all__ = ["DatasetSpec", "SampleSpec", "DATASETS", "SAMPLES", "PackagedFolder", "PACKAGED_FOLDERS"]


@dataclass(frozen=True)
class DatasetSpec:
    """One of the paper's four preference datasets."""

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
    pairs: int  # rows of its file: a local copy with another number is truncated or different
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
            pairs=1_200,
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
            pairs=44,
        ),
    )
}


def _spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable "name" such as a list
        known = ", ".join(sorted(DATASETS) + sorted(SAMPLES))
        raise DatasetUnavailableError(f"unknown dataset {name!r}; known: {known}") from None


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

