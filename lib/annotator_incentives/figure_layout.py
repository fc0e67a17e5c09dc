"""Panels with a legend row beneath them, so that no legend covers data.

A layout helper for figures whose legend has many entries (the utility-gap figures carry
eight: two problems x two contracts x two monitors): the panels sit at most two to a row, as
:func:`plotting.panel_grid` places them, and one legend spanning the full width sits in a row of
its own underneath. The result passes :func:`plotting.save_figure`'s readability checks.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import plotting

__all__ = ["panels_with_legend_row", "legend_below"]


def panels_with_legend_row(n_panels: int, height: float = 2.9, legend_height: float = 0.8, ncols: int = 2,
                           width: float | None = None) -> tuple[plt.Figure, np.ndarray, plt.Axes]:
    """(figure, panel axes, legend axes): ``n_panels`` panels laid out by :func:`plotting.panel_grid`
    (at most ``ncols``, 1 or 2, to a row; ``width`` per panel) and, beneath them, an axes without
    frame or ticks, the full width of the figure and ``legend_height`` inches tall, for the legend."""
    if n_panels < 1:
        raise ValueError("a figure needs at least one panel")
    columns = min(ncols, n_panels)
    rows = -(-n_panels // columns)
    # one more full row than the panels need: its cells are replaced by the legend axes
    fig, cells = plotting.panel_grid((rows + 1) * columns, ncols=columns, width=width, height=height)
    grid = cells[0].get_gridspec()
    for ax in cells[n_panels:]:
        ax.remove()
    grid.set_height_ratios([height] * rows + [legend_height])
    fig.set_figheight(height * rows + legend_height)
    legend_ax = fig.add_subplot(grid[rows, :])
    legend_ax.axis("off")
    return fig, cells[:n_panels], legend_ax


def legend_below(legend_ax: plt.Axes, source: plt.Axes | list[plt.Axes], ncol: int = 2, **kwargs):
    """Draw, in ``legend_ax``, one legend with every distinct label of the ``source`` axes."""
    sources = [source] if isinstance(source, plt.Axes) else list(source)
    handles, labels = [], []
    for ax in sources:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    options = {"loc": "center", "ncol": ncol, "frameon": False, "fontsize": "small"} | kwargs
    return legend_ax.legend(handles, labels, **options)
