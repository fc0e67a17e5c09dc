"""Figures: written as PNG, SVG and CSV with a provenance record (JSON), laid out so that panels
do not overlap, with the data footer kept under the axes; tables as CSV with their record."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from annotator_incentives import plotting


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_saved_panels_do_not_overlap(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(3)
    for ax in axes:
        ax.plot([0, 1e6], [0, 1e6])
        ax.set(xlabel="a long horizontal label", ylabel="a long vertical label")
    plotting.save_figure(fig, "panels", pd.DataFrame({"x": [0, 1]}), data_kind="model only")
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in axes]
    assert not any(_overlap(boxes[i], boxes[i + 1]) for i in range(len(boxes) - 1))
    assert {p.suffix for p in tmp_path.iterdir()} == {".png", ".svg", ".csv", ".json"}


def test_a_data_note_is_written_under_the_axes(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(2, ncols=2)
    for ax in axes:
        ax.set(xlabel="effort")
    plotting.save_figure(fig, "noted", pd.DataFrame({"x": [0]}), data_note="MT-Bench votes", data_kind="real annotator data")
    renderer = fig.canvas.get_renderer()
    footer = next(t for t in fig.texts if t.get_gid() == plotting.FOOTER_GID)
    assert "Data: MT-Bench votes" in footer.get_text()
    top_of_footer = footer.get_window_extent(renderer).y1
    assert all(ax.get_tightbbox(renderer).y0 >= top_of_footer for ax in axes)


def test_figures_that_a_text_column_would_shrink_below_8_pt_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="one or two panels per row"):
        plotting.panel_grid(4, ncols=4)
    fig, axes = plotting.panel_grid(2, width=5)
    with pytest.raises(ValueError, match="10.0 in wide"):
        plotting.save_figure(fig, "wide", pd.DataFrame({"x": [0]}), data_kind="model only")
    fig, axes = plotting.panel_grid(1)
    axes[0].set_title("tiny", fontsize=6)
    with pytest.raises(ValueError, match="6.0 pt"):
        plotting.save_figure(fig, "tiny", pd.DataFrame({"x": [0]}), data_kind="model only")
    assert not list(tmp_path.iterdir()), "a refused figure must not be written, nor its record"


def test_a_saved_figure_records_its_kind_of_data(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(1)
    with pytest.raises(TypeError, match="data_kind"):
        plotting.save_figure(fig, "unsaid", pd.DataFrame({"x": [0]}))
    with pytest.raises(ValueError, match="data_kind must be one of"):
        plotting.save_figure(fig, "odd", pd.DataFrame({"x": [0]}), data_kind="simulated")
    with pytest.raises(ValueError, match="must name its datasets"):
        plotting.save_figure(fig, "nodata", pd.DataFrame({"x": [0]}), data_kind="real preference data")
    assert not list(tmp_path.iterdir()), "a refused figure must not be written"
    assert plotting.save_figure(fig, "votes", pd.DataFrame({"x": [0]}), data_kind="real annotator data",
                                data_note="MT-Bench votes", missing=["pku"]) is None  # no output under a notebook cell
    record = plotting.read_record("votes")
    assert record == json.loads((tmp_path / "votes.json").read_text())
    assert record["data_kind"] == "real annotator data" and record["drawn"] and record["data"] == "MT-Bench votes"
    assert record["missing"] == ["pku"] and record["datasets"] == []
    assert record["files"] == ["votes.png", "votes.svg", "votes.csv"]
    assert record["layout"]["width_in"] <= plotting.MAX_WIDTH_IN
    assert record["layout"]["min_font_pt"] >= plotting.MIN_FONT_PT
    assert not {"label", "rebuilds"} & set(record), "the book's labels are no business of the library"
    assert not (tmp_path / "manifest").exists()


def test_a_figure_of_real_preference_data_records_its_datasets(tmp_path, monkeypatch):
    from annotator_incentives import data

    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    sample = data.preference_probabilities(data.load_sample_scores("ultrafeedback-sample"))
    fig, axes = plotting.panel_grid(1)
    frame = plotting.histogram_of_p(axes[0], sample)
    plotting.provenance_footer(fig, [sample])
    plotting.save_figure(fig, "histogram", frame, datasets=[sample], missing=["pku"], data_kind="real preference data")
    record = plotting.read_record("histogram")
    assert record["datasets"] == [sample.label] and record["kinds"] == ["named sample"]
    assert record["data"] == sample.provenance()


def test_a_figure_not_drawn_and_a_table_leave_records(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    plotting.record_not_drawn("calibration", data_kind="real preference data", missing=["pku", "skywork"],
                              reason="no reward-model-scored dataset is available")
    assert [p.name for p in tmp_path.iterdir()] == ["calibration.json"]
    record = plotting.read_record("calibration")
    assert not record["drawn"] and record["files"] == [] and record["missing"] == ["pku", "skywork"]
    assert record["data"] == "not drawn: no reward-model-scored dataset is available"
    with pytest.raises(ValueError, match="data_kind must be one of"):
        plotting.record_not_drawn("x", data_kind="none", missing=[], reason="")

    plotting.save_table(pd.DataFrame({"contract": ["linear"], "utility": [1 / 3]}), "complements", data_kind="model only")
    assert (tmp_path / "complements.csv").read_text() == "contract,utility\nlinear,0.3333333333\n"
    table = plotting.read_record("complements")
    assert table["drawn"] and table["files"] == ["complements.csv"] and table["data"] == "computed from the model (no data)"
    with pytest.raises(ValueError, match="must name its datasets"):
        plotting.save_table(pd.DataFrame({"x": [0]}), "nodata", data_kind="real preference data")
    with pytest.raises(FileNotFoundError):
        plotting.read_record("nodata")


@pytest.mark.parametrize("panels,rows", [(1, 1), (2, 1), (3, 2), (4, 2)])
def test_panels_and_legend_row(panels, rows):
    plotting.use_book_style()
    fig, axes, legend_ax = plotting.panels_with_legend_row(panels)
    assert len(axes) == panels and not legend_ax.axison
    for i, ax in enumerate(axes):
        ax.plot([0, 1], [0, i], label=f"line {i}")
        ax.plot([0, 1], [1, i], label="shared")
    legend = plotting.legend_below(legend_ax, list(axes))
    assert [t.get_text() for t in legend.get_texts()] == [f"line {i}" for i in range(panels)][:1] + \
        (["shared"] + [f"line {i}" for i in range(1, panels)])
    fig.tight_layout()
    plotting.check_readable(fig, "layout-test")  # at most MAX_WIDTH_IN wide, text at least 8 pt
    plt.close(fig)


def test_refuses_three_columns():
    with pytest.raises(ValueError):
        plotting.panels_with_legend_row(3, ncols=3)


def test_a_tall_legend_row_does_not_cover_the_panels_above(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    plotting.use_book_style()
    fig, axes, legend_ax = plotting.panels_with_legend_row(1, height=3.0, legend_height=0.3)
    for i in range(8):  # four rows of two entries: far taller than the 0.3 in asked for
        axes[0].plot([0, 1], [i, i + 1], label=f"curve number {i}")
    axes[0].set(xlabel="inspected samples $n$")
    plotting.legend_below(legend_ax, axes[0])
    plotting.save_figure(fig, "legend_row", pd.DataFrame({"x": [0]}), data_note="model only", data_kind="model only")
    renderer = fig.canvas.get_renderer()
    legend_box = legend_ax.get_legend().get_window_extent(renderer)
    assert axes[0].get_tightbbox(renderer).y0 >= legend_box.y1
    footer = next(t for t in fig.texts if t.get_gid() == plotting.FOOTER_GID)
    assert footer.get_window_extent(renderer).y1 <= legend_box.y0
    plt.close(fig)


# --- the chapters' figure helpers (issue 22: no chapter defines a function) ----------------------

def test_line_panel_colours_each_line_by_its_value():
    frame = pd.DataFrame({"n": [1, 2, 1, 2], "eta0": [0.9, 0.9, 0.8, 0.8], "y": [0.5, 0.4, 0.6, 0.5]})
    fig, ax = plt.subplots()
    plotting.line_panel(ax, frame, "y", "eta0", r"$\eta_0 = {}$", colors={0.9: "#ff0000", 0.8: "#0000ff"})
    assert [(line.get_label(), line.get_color()) for line in ax.lines] == [(r"$\eta_0 = 0.9$", "#ff0000"),
                                                                          (r"$\eta_0 = 0.8$", "#0000ff")]
    plt.close(fig)


def test_contract_legend_has_one_entry_per_encoding():
    fig, legend_ax = plt.subplots()
    legend = plotting.contract_legend(legend_ax, {"self-consistency": "o", "expert": "s"})
    assert [t.get_text() for t in legend.get_texts()] == ["unrestricted", "restricted", "binary", "linear", "general",
                                                          "self-consistency", "expert"]
    assert [h.get_marker() for h in legend.legend_handles][-2:] == ["o", "s"]
    plt.close(fig)


def test_sample_size_style_tells_the_methods_apart():
    colors = {"MT-Bench": "#1f4e9c", "PandaLM": "#c0392b"}
    assert plotting.sample_size_style("downstream, MT-Bench", colors, 0.05) == dict(lw=2, color="#1f4e9c", marker="o", ms=4)
    assert plotting.sample_size_style("downstream lower bound, PandaLM", colors, 0.05)["marker"] == "^"
    assert plotting.sample_size_style("expert, PandaLM", colors, 0.05)["ls"] == "--"
    first, other = (plotting.sample_size_style(f"self-consistency, δ = {d:g}", colors, 0.05) for d in (0.05, 0.1))
    assert (first["ls"], other["ls"], first["color"] is not None) == ("-.", ":", True)


@pytest.fixture
def sample_data():
    from annotator_incentives.data import load_preference_data

    return load_preference_data("helpsteer2-sample")


def test_gap_figure_draws_and_saves_each_dataset(tmp_path, monkeypatch, sample_data):
    from annotator_incentives import utility

    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    plotting.use_book_style()
    frame = plotting.gap_figure(utility.profile("figure3"), 0.02, [1, 11], [sample_data], "gap_test", missing=["pku"], workers=1)
    assert set(frame.dataset) == {sample_data.name} and set(frame.monitor) == {"self-consistency", "expert"}
    assert set(frame.n) == {1, 11} and (frame.c_bar == sample_data.c_bar).all()
    record = plotting.read_record("gap_test", tmp_path)
    assert record["missing"] == ["pku"]
    assert len(pd.read_csv(tmp_path / "gap_test.csv")) == len(frame)
    plt.close("all")


def test_self_consistency_figure_returns_each_panels_comparison(tmp_path, monkeypatch, sample_data):
    import numpy as np

    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    plotting.use_book_style()
    panels = plotting.self_consistency_figure([sample_data], np.arange(10, 80, 10), [0.0, 0.2], 1.0, "sc_test", n_ref=50,
                                              monte_carlo=True)
    assert [d.name for d, _ in panels] == [sample_data.name] * 2  # eta0 = 0.8 and 0.9
    kinds = set(pd.read_csv(tmp_path / "sc_test.csv").kind)
    assert kinds == {"self-consistency exact", "expert lower bound", "self-consistency Monte Carlo"}
    plt.close("all")
