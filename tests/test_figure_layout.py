"""Legend-row layout: panels two to a row, one legend underneath, readable at page width."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from annotator_incentives import figure_layout as L  # noqa: E402
from annotator_incentives import plotting  # noqa: E402


@pytest.mark.parametrize("panels,rows", [(1, 1), (2, 1), (3, 2), (4, 2)])
def test_panels_and_legend_row(panels, rows):
    plotting.use_book_style()
    fig, axes, legend_ax = L.panels_with_legend_row(panels)
    assert len(axes) == panels and not legend_ax.axison
    for i, ax in enumerate(axes):
        ax.plot([0, 1], [0, i], label=f"line {i}")
        ax.plot([0, 1], [1, i], label="shared")
    legend = L.legend_below(legend_ax, list(axes))
    assert [t.get_text() for t in legend.get_texts()] == [f"line {i}" for i in range(panels)][:1] + \
        (["shared"] + [f"line {i}" for i in range(1, panels)])
    fig.tight_layout()
    plotting.check_readable(fig, "layout-test")  # at most 7.2 in wide, text at least 8 pt
    plt.close(fig)


def test_refuses_three_columns():
    with pytest.raises(ValueError):
        L.panels_with_legend_row(3, ncols=3)
