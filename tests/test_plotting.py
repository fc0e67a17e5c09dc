"""Figures: written as PNG, SVG and CSV, laid out so that panels do not overlap, with the
data footer kept under the axes."""

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
    plotting.save_figure(fig, "panels", pd.DataFrame({"x": [0, 1]}))
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in axes]
    assert not any(_overlap(boxes[i], boxes[i + 1]) for i in range(len(boxes) - 1))
    assert {p.suffix for p in tmp_path.iterdir()} == {".png", ".svg", ".csv"}


def test_a_data_note_is_written_under_the_axes(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(2, ncols=2)
    for ax in axes:
        ax.set(xlabel="effort")
    plotting.save_figure(fig, "noted", pd.DataFrame({"x": [0]}), data_note="MT-Bench votes")
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
        plotting.save_figure(fig, "wide", pd.DataFrame({"x": [0]}))
    fig, axes = plotting.panel_grid(1)
    axes[0].set_title("tiny", fontsize=6)
    with pytest.raises(ValueError, match="6.0 pt"):
        plotting.save_figure(fig, "tiny", pd.DataFrame({"x": [0]}))
    assert not list(tmp_path.glob("*.png")), "a refused figure must not be written"


def test_a_registered_figure_states_its_kind_of_data(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(1)
    with pytest.raises(ValueError, match="data_kind"):
        plotting.save_figure(fig, "unlabelled", pd.DataFrame({"x": [0]}), label="fig-x")
    with pytest.raises(ValueError, match="must name its datasets"):
        plotting.save_figure(fig, "nodata", pd.DataFrame({"x": [0]}), label="fig-x", data_kind="real preference data")
    plotting.save_figure(fig, "votes", pd.DataFrame({"x": [0]}), label="fig-votes", data_kind="real annotator data",
                         data_note="MT-Bench votes")
    record = json.loads((tmp_path / "manifest" / "fig-votes.json").read_text())
    assert record["data_kind"] == "real annotator data" and record["drawn"]
    assert record["layout"]["width_in"] <= plotting.MAX_WIDTH_IN
    assert record["layout"]["min_font_pt"] >= plotting.MIN_FONT_PT


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
    plotting.save_figure(fig, "legend_row", pd.DataFrame({"x": [0]}), data_note="model only")
    renderer = fig.canvas.get_renderer()
    legend_box = legend_ax.get_legend().get_window_extent(renderer)
    assert axes[0].get_tightbbox(renderer).y0 >= legend_box.y1
    footer = next(t for t in fig.texts if t.get_gid() == plotting.FOOTER_GID)
    assert footer.get_window_extent(renderer).y1 <= legend_box.y0
    plt.close(fig)
