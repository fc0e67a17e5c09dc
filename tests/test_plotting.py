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
