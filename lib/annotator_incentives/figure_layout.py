"""Panels with a legend row beneath them, so that no legend covers data.

A layout helper for figures whose legend has many entries (the utility-gap figures carry
eight: two problems x two contracts x two monitors): the panels sit at most two to a row, as
:func:`plotting.panel_grid` places them, and one legend spanning the full width sits in a row of
its own underneath. The result passes :func:`plotting.save_figure`'s readability checks.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .plotting import MAX_WIDTH_IN

__all__ = ["panels_with_legend_row", "legend_below"]


def panels_with_legend_row(n_panels: int, height: float = 2.9, legend_height: float = 0.8, ncols: int = 2,
                           width: float | None = None) -> tuple[plt.Figure, np.ndarray, plt.Axes]:
    """(figure, panel axes, legend axes): ``n_panels`` panels at most ``ncols`` (1 or 2) to a row
    and, beneath them, an axes without frame or ticks, the full width of the figure, for the legend.
    ``width`` is the width of one panel (default: the text column shared equally)."""
    if n_panels < 1:
        raise ValueError("a figure needs at least one panel")
    if ncols not in (1, 2):
        raise ValueError(f"a text column holds one or two panels per row, not {ncols}")
    ncols = min(ncols, n_panels)
    width = MAX_WIDTH_IN / ncols if width is None else width
    nrows = -(-n_panels // ncols)
    fig = plt.figure(figsize=(width * ncols, height * nrows + legend_height))
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[height] * nrows + [legend_height])
    axes = np.array([fig.add_subplot(grid[i // ncols, i % ncols]) for i in range(n_panels)])
    legend_ax = fig.add_subplot(grid[nrows, :])
    legend_ax.axis("off")
    return fig, axes, legend_ax


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
