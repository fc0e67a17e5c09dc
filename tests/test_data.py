"""The data layer: registry, loaders in the hub layout, the p pipeline, calibration, bad input."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from annotator_incentives import data as D
from annotator_incentives.data import loading, packaged
from hub_layout import write_hub_dataset

HELPSTEER = "RLHFlow/Helpsteer-preference-standard"
ULTRA = "RLHFlow/UltraFeedback-preference-standard"
SKYWORK = "BigCatc/Skywork-Reward-Preference-80K-v0.2-ordinal"


def scores(n: int, seed: int = 0, ties: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    chosen = rng.uniform(1, 5, n)
    rejected = chosen - rng.uniform(0.1, 3, n)
    rejected[:ties] = chosen[:ties]
    return chosen, rejected


# --- registry -----------------------------------------------------------------------------

def test_registry_matches_the_paper():
    assert set(D.DATASETS) == {"pku", "helpsteer", "ultra", "skywork"}
    assert {k for k, s in D.DATASETS.items() if s.calibrated} == {"pku", "skywork"}
    assert D.DATASETS["ultra"].hub_id == ULTRA and D.DATASETS["ultra"].paper_pairs == 340_025
    assert D.DATASETS["helpsteer"].paper_pairs == 37_131
    for sample in D.SAMPLES.values():
        assert "sample" in sample.key and "sample" in sample.label
        assert sample.stands_for in D.DATASETS


def test_unknown_dataset_is_named():
    with pytest.raises(D.DatasetUnavailableError, match="unknown dataset 'imdb'"):
        D.load_preference_data("imdb")


# --- loading in the hub layout --------------------------------------------------------------

@pytest.mark.parametrize("hub_id,name,order,shards", [
    (HELPSTEER, "helpsteer", ("chosen", "rejected", "chosen_score", "rejected_score"), 1),
    (ULTRA, "ultra", ("rejected", "chosen", "chosen_score", "rejected_score"), 3),
    (SKYWORK, "skywork", ("chosen", "rejected", "chosen_score", "rejected_score"), 1),
])
def test_local_copy_in_hub_layout_loads_through_datasets(hub_root, hub_id, name, order, shards):
    chosen, rejected = scores(90, ties=4)
    write_hub_dataset(hub_root, hub_id, chosen, rejected, column_order=order, shards=shards)
    loaded = D.load_scores(name, data_dir=hub_root)
    np.testing.assert_array_equal(loaded.chosen, chosen)
    np.testing.assert_array_equal(loaded.rejected, rejected)
    assert "local copy" in loaded.source and hub_id in loaded.source
    data = D.load_preference_data(name, data_dir=hub_root)
    assert data.n_ties_dropped == 4 and data.n_pairs == 86 and data.n_eval == 43
    assert (data.calibration is not None) == (name == "skywork")


def test_environment_variable_points_to_local_copy(hub_root, monkeypatch):
    write_hub_dataset(hub_root, HELPSTEER, *scores(40))
    monkeypatch.setenv(D.DATA_DIR_ENV, str(hub_root))
    assert D.load_preference_data("helpsteer").n_pairs == 40


def test_missing_score_column_is_named(hub_root):
    write_hub_dataset(hub_root, HELPSTEER, *scores(10), column_order=("chosen", "rejected", "chosen_score"))
    with pytest.raises(D.DataError, match="missing column.*rejected_score"):
        D.load_scores("helpsteer", data_dir=hub_root)


def test_a_shard_datasets_cannot_read_is_named(hub_root, monkeypatch):
    """A shard whose footer reads but whose rows do not: the copy is named, not datasets' traceback."""
    import datasets

    write_hub_dataset(hub_root, HELPSTEER, *scores(10), shards=2)

    def refuse(*args, **kwargs):
        raise datasets.exceptions.DatasetGenerationError("could not generate the dataset") from ValueError("bad page")

    monkeypatch.setattr(loading, "_load_with_datasets", refuse)
    with pytest.raises(D.UnreadableDataError, match="dataset helpsteer: its local copy cannot be read: .*holds a shard that"):
        D.load_preference_data("helpsteer", data_dir=hub_root)


def test_folder_without_hub_files_is_explained(hub_root):
    (hub_root / HELPSTEER).mkdir(parents=True)
    with pytest.raises(D.DataError, match=r"no hub files: expected data/train-\*\.parquet"):
        D.load_scores("helpsteer", data_dir=hub_root)


def test_data_dir_that_is_not_a_directory(tmp_path):
    with pytest.raises(D.DatasetUnavailableError, match="not a directory"):
        D.load_scores("helpsteer", data_dir=tmp_path / "nowhere")


def test_hub_without_network_fails_fast_and_says_how_to_provide(hub_root, monkeypatch):
    hub_root.mkdir()
    monkeypatch.setattr(loading, "_hub_reachable", lambda timeout=3.0: False)
    start = time.monotonic()
    with pytest.raises(D.DatasetUnavailableError) as info:
        D.load_scores("helpsteer", data_dir=hub_root)
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert HELPSTEER in message and "looked in" in message and D.DATA_DIR_ENV in message


@pytest.mark.online
def test_real_hub_probe_returns_quickly():
    start = time.monotonic()
    D._hub_reachable(timeout=2.0)
    assert time.monotonic() - start < 5


def test_pku_needs_reward_model_scores(hub_root):
    hub_root.mkdir()
    with pytest.raises(D.DatasetUnavailableError, match="beaver-7b-v2.0-reward"):
        D.load_scores("pku", data_dir=hub_root)
    chosen, rejected = scores(64)
    pd.DataFrame({"chosen_score": chosen, "rejected_score": rejected}).to_parquet(hub_root / D.DATASETS["pku"].scores_file)
    data = D.load_preference_data("pku", data_dir=hub_root)
    assert data.calibration is not None and data.n_pairs == 64


def test_null_scores_are_rejected(hub_root):
    chosen, rejected = scores(10)
    chosen = [None] * 10
    write_hub_dataset(hub_root, HELPSTEER, chosen, rejected)
    with pytest.raises(D.DataError, match="NaN"):
        D.load_preference_data("helpsteer", data_dir=hub_root)


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("chosen,rejected,message", [
    ([], [], "empty"),
    ([1.0, np.nan], [0.0, 0.0], "NaN"),
    ([1.0, 2.0], [0.0, np.inf], "infinite"),
    ([1.0, 2.0], [1.0, 2.0], "every pair is a tie"),
    ([1.0, 2.0], [1.0], "equal length"),
])
def test_bad_scores_raise(chosen, rejected, message):
    with pytest.raises(D.DataError, match=message):
        D.clean_scores(np.array(chosen, dtype=float), np.array(rejected, dtype=float))


def test_non_numeric_scores_are_named(tmp_path):
    folder = tmp_path / "ultrafeedback-sample"
    folder.mkdir()
    pd.DataFrame({"score_chosen": ["9", "high"], "score_rejected": [1, 2]}).to_csv(
        folder / D.SAMPLES["ultrafeedback-sample"].file
    )
    with pytest.raises(D.DataError, match="non-numeric.*'high'"):
        D.load_sample_scores("ultrafeedback-sample", data_dir=tmp_path)


def test_misnamed_sample_columns(tmp_path):
    folder = tmp_path / "ultrafeedback-sample"
    folder.mkdir()
    pd.DataFrame({"chosen": [9], "rejected": [1]}).to_csv(folder / D.SAMPLES["ultrafeedback-sample"].file)
    with pytest.raises(D.DataError, match="missing column.*score_chosen"):
        D.load_sample_scores("ultrafeedback-sample", data_dir=tmp_path)


def test_missing_sample_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(packaged, "PACKAGED_DATA_DIR", tmp_path / "no-packaged-data")
    with pytest.raises(D.PackagedDataError, match="installed without its data.*reinstall"):
        D.load_sample_scores("ultrafeedback-sample", data_dir=tmp_path)
    with pytest.raises(D.PackagedDataError):  # never an empty list of datasets for a chapter to draw
        D.available_preference_data(data_dir=tmp_path)


# --- the pipeline -------------------------------------------------------------------------

def make_scores(chosen, rejected, calibrated=False) -> D.Scores:
    return D.Scores("t", "Test", np.asarray(chosen), np.asarray(rejected), "test", False, calibrated)


def test_pipeline_against_a_direct_computation():
    chosen, rejected = scores(101, seed=3, ties=5)
    data = D.preference_probabilities(make_scores(chosen, rejected))
    keep = chosen != rejected
    c, r = chosen[keep], rejected[keep]
    rng = np.random.default_rng(42)
    perm = rng.permutation(96)
    coin = rng.random(96) < 0.5
    p = expit(c - r)[perm]
    p1 = np.where(coin[perm], p, 1 - p)
    np.testing.assert_allclose(data.p_position1, p1[:48])
    np.testing.assert_allclose(data.p, np.maximum(p1[:48], 1 - p1[:48]))
    np.testing.assert_array_equal(data.labels, coin[perm][:48].astype(float))
    assert data.n_ties_dropped == 5
    # folding makes p the probability of the chosen response, whatever the coin said
    np.testing.assert_allclose(data.p, p[:48])


def test_shuffle_is_the_permutation_of_datasets_shuffle():
    import datasets

    n = 57
    table = datasets.Dataset.from_dict({"i": list(range(n))}).shuffle(seed=42)
    np.testing.assert_array_equal(np.asarray(table["i"]), np.random.default_rng(42).permutation(n))


def test_pipeline_is_deterministic():
    chosen, rejected = scores(300, seed=5)
    a = D.preference_probabilities(make_scores(chosen, rejected, calibrated=True))
    b = D.preference_probabilities(make_scores(chosen, rejected, calibrated=True))
    np.testing.assert_array_equal(a.p, b.p)


def test_histogram_binning_against_a_direct_computation():
    rng = np.random.default_rng(7)
    p = rng.uniform(size=300)
    labels = (rng.uniform(size=300) < p).astype(float)
    cal = D.fit_histogram_binning(p, labels, n_bins=30)
    order = np.argsort(p)
    assert cal.bin_means.size == 30
    for j in range(30):
        members = order[10 * j: 10 * (j + 1)]  # 300 / 30: exactly 10 per bin
        assert cal.bin_means[j] == pytest.approx(labels[members].mean())
        # every training point maps to its own bin's mean
        np.testing.assert_allclose(cal(p[members]), labels[members].mean())
    assert cal(np.array([-1.0]))[0] == cal.bin_means[0] and cal(np.array([2.0]))[0] == cal.bin_means[-1]


def test_calibration_repairs_an_overconfident_reward_model():
    # People prefer response A with probability t; the reward model's logit is 4x too large.
    rng = np.random.default_rng(11)
    t = rng.uniform(0.2, 0.8, 20_000)
    model_gap = 4 * np.log(t / (1 - t))  # score(A) - score(B)
    a_chosen = rng.uniform(size=t.size) < t
    gap = np.where(a_chosen, model_gap, -model_gap)  # score(chosen) - score(rejected)
    data = D.preference_probabilities(make_scores(gap / 2, -gap / 2, calibrated=True))

    def worst_deviation(p):
        curve = D.reliability_curve(p, data.labels, n_bins=10)
        curve = curve[curve["count"] >= 200]
        return float(np.max(np.abs(curve["empirical"] - curve["mean_predicted"])))

    assert worst_deviation(data.p_position1) > 0.15
    assert worst_deviation(data.p_calibrated) < 0.05
    assert data.p.mean() < np.maximum(data.p_position1, 1 - data.p_position1).mean()


def test_calibration_needs_enough_pairs():
    with pytest.raises(D.DataError, match="at least 30"):
        D.fit_histogram_binning(np.linspace(0, 1, 10), np.ones(10))


def test_reliability_curve():
    curve = D.reliability_curve(np.array([0.05, 0.07, 0.95]), np.array([0.0, 1.0, 1.0]), n_bins=10)
    assert list(curve["bin"]) == [0, 9]
    assert curve["empirical"].tolist() == [0.5, 1.0]
    assert curve["count"].tolist() == [2, 1]


# --- the real samples ---------------------------------------------------------------------

def test_ultrafeedback_sample(real_data):
    data = D.load_preference_data("ultrafeedback-sample", data_dir=real_data)
    assert data.is_sample and "sample" in data.provenance()
    assert data.n_ties_dropped == 136 and data.n_pairs == 1_064 and data.n_eval == 532
    assert data.calibration is None
    assert data.p.min() > 0.5 and data.p.max() <= 1.0


def test_helpsteer2_pairs_rebuild_from_attributes(real_data):
    folder = real_data / "helpsteer2-sample"
    rebuilt = D.helpsteer_pairs_from_attributes(pd.read_csv(folder / "helpsteer2_first100_attributes.csv"))
    shipped = pd.read_csv(folder / "helpsteer2_first100_pairs.csv")
    assert len(rebuilt) == len(shipped) == 44
    for column in ("prompt_group", "row_chosen", "row_rejected", "score_chosen", "score_rejected"):
        np.testing.assert_array_equal(rebuilt[column].to_numpy(), shipped[column].to_numpy())


def test_available_data_names_what_is_missing(real_data):
    availability = D.available_preference_data(data_dir=real_data)
    assert set(availability.loaded) == {"ultrafeedback-sample"}
    assert set(availability.missing) == {"pku", "helpsteer", "ultra", "skywork"}
    assert availability.stand_ins == {"ultra": "ultrafeedback-sample"}
    assert "Shown instead, under its own name: the UltraFeedback sample" in availability.missing["ultra"]
    notes = availability.notes_markdown()
    assert "PKU" in notes and "beaver" in notes and D.DATA_DIR_ENV in notes
    # the full diagnostic stays with programmers
    assert set(availability.details) == set(availability.missing)
    assert "Shown instead: the UltraFeedback sample (1,200 real pairs" in availability.details["ultra"]
    assert "looked in" in availability.diagnostics() and "looked in" in repr(availability)


def test_reader_notes_hold_no_paths_or_errors(real_data, tmp_path, monkeypatch):
    monkeypatch.setenv(D.DATA_DIR_ENV, str(tmp_path))
    availability = D.available_preference_data()
    data_page, other_page = availability.notes_markdown(page="data"), availability.notes_markdown(page="other")
    for text in (data_page, other_page):
        assert str(tmp_path) not in text and str(D.PACKAGED_DATA_DIR) not in text
        for word in ("Error", "Traceback", "unreachable", "looked in"):
            assert word not in text, word
    assert data_page.count("\n- ") == 4  # one note per missing dataset
    assert "\n" not in other_page and "(data.md)" in other_page and "PKU" in other_page
    assert D.Availability({}, {}).notes_markdown(page="other") == ""
    with pytest.raises(ValueError, match="page"):
        availability.notes_markdown(page="intro")


# --- the packaged real data ---------------------------------------------------------------

def test_packaged_data_is_found_without_any_setting(monkeypatch):
    monkeypatch.delenv(D.DATA_DIR_ENV, raising=False)
    data = D.load_preference_data("ultrafeedback-sample")
    assert "shipped with the library" in data.source and data.n_pairs == 1_064
    sample = D.SAMPLES["ultrafeedback-sample"]
    assert D.locate(f"{sample.folder}/{sample.file}") == D.PACKAGED_DATA_DIR / sample.folder / sample.file
    for folder in D.PACKAGED_FOLDERS:
        assert (D.PACKAGED_DATA_DIR / folder / "SOURCE.md").is_file(), folder


def test_a_chosen_data_folder_comes_first(real_data, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "mine"
    shutil.copytree(real_data / "ultrafeedback-sample", copy / "ultrafeedback-sample")
    monkeypatch.setenv(D.DATA_DIR_ENV, str(copy))
    assert D.load_sample_scores("ultrafeedback-sample").source.endswith("copy in the chosen data folder")
    # a folder without the sample falls back to the packaged copy
    assert "shipped with the library" in D.load_sample_scores("ultrafeedback-sample", data_dir=tmp_path).source


def test_a_local_copy_is_checked_against_its_own_SHA256SUMS(real_data, tmp_path):  # noqa: N802
    """Issue 21: a good copy beside its SHA256SUMS loads; the same copy changed is named, whether
    the manifest sits in its folder or at the top of the data folder, as the packaged one does."""
    import shutil

    sample = D.SAMPLES["ultrafeedback-sample"]
    shutil.copytree(real_data / sample.folder, tmp_path / sample.folder)
    expected = packaged._sha256(real_data / sample.folder / sample.file)
    (tmp_path / sample.folder / "SHA256SUMS").write_text(f"{expected}  {sample.file}\n")
    assert D.load_sample_scores(sample.key, tmp_path).source.endswith("copy in the chosen data folder")
    target = tmp_path / sample.folder / sample.file
    target.write_bytes(target.read_bytes().replace(b",9.0,8.0\n", b",9.0,1.0\n", 1))
    with pytest.raises(D.DamagedCopyError, match=f"{sample.file} differs from its sha256"):
        D.load_sample_scores(sample.key, tmp_path)
    (tmp_path / sample.folder / "SHA256SUMS").unlink()
    (tmp_path / "SHA256SUMS").write_text(f"{expected}  {sample.folder}/{sample.file}\n")
    with pytest.raises(D.DamagedCopyError, match=f"differs from its sha256 in {tmp_path / 'SHA256SUMS'}"):
        D.load_preference_data(sample.key, tmp_path)
    (tmp_path / "SHA256SUMS").unlink()  # no manifest: the copy has the registry's 1,200 pairs, so it is used
    assert D.load_sample_scores(sample.key, tmp_path).chosen.size == sample.pairs


def test_a_truncated_sample_copy_is_named(real_data, tmp_path):
    """Issue 21: 21 of the HelpSteer2 sample's 44 pairs, without a SHA256SUMS: the registry's count names it."""
    sample = D.SAMPLES["helpsteer2-sample"]
    (tmp_path / sample.folder).mkdir()
    lines = (real_data / sample.folder / sample.file).read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / sample.folder / sample.file).write_text("".join(lines[:22]), encoding="utf-8")
    with pytest.raises(D.DamagedCopyError, match="21 pairs, but the HelpSteer2 sample has 44"):
        D.load_preference_data(sample.key, tmp_path)
    assert D.load_sample_scores(sample.key).chosen.size == sample.pairs == 44  # the packaged copy


def test_a_changed_packaged_file_is_named(real_data, tmp_path):
    import shutil

    copy = tmp_path / "_data"
    shutil.copytree(real_data, copy)
    assert D.verify_packaged_data(copy) == copy
    target = copy / "pandalm-testset" / "testset-v1.json"
    target.write_bytes(target.read_bytes()[:-1] + b" ")
    (copy / "helpsteer2-sample" / "helpsteer2_first100_pairs.csv").unlink()
    with pytest.raises(D.PackagedDataError, match="helpsteer2_first100_pairs.csv is missing.*testset-v1.json differs"):
        D.verify_packaged_data(copy)
    (copy / "SHA256SUMS").unlink()
    with pytest.raises(D.PackagedDataError, match="SHA256SUMS"):
        D.verify_packaged_data(copy)


def test_packaged_copies_are_byte_identical_to_the_shared_originals(real_data):
    from suite import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("no ../shared/data beside the checkout to compare with (the packaged copy is checked by sha256)")
    for folder in D.PACKAGED_FOLDERS:
        originals = sorted(p.name for p in (SHARED_DATA / folder).iterdir())
        assert sorted(p.name for p in (real_data / folder).iterdir()) == originals, folder
        for name in originals:
            assert (real_data / folder / name).read_bytes() == (SHARED_DATA / folder / name).read_bytes(), name


def test_every_packaged_dataset_is_attributed(real_data):
    from suite import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text()
    table = D.packaged_data_markdown()
    for folder, record in D.PACKAGED_FOLDERS.items():
        assert f"`{folder}/`" in readme and f"`{folder}/`" in table, folder
        source = (real_data / folder / "SOURCE.md").read_text().lower().replace("-", " ")
        assert record.licence.lower().replace("-", " ") in source, folder


def test_summary_rows_one_per_loaded_dataset(real_data):
    shown = D.available_preference_data(("helpsteer2-sample",))
    [row] = shown.summary_rows()
    d = shown.loaded["helpsteer2-sample"]
    assert row["kind"] == "named real sample" and row["pairs (ties dropped)"] == f"{d.n_pairs:,} ({d.n_ties_dropped:,})"
    assert row["c̄"] == f"{d.c_bar:.3f}" and row["source"] == d.source
    assert D.Availability({}, {}).summary_rows() == []
