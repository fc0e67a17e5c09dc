"""One figure style for the book, and saving every figure with the data it plots.

Nothing here computes a model: chapters get numbers from the library and pictures from here.
Each saved figure is written as ``<name>.png``, ``<name>.svg`` and ``<name>.csv`` (the plotted
data in long form) to the figure folder: ``$ANNOTATOR_FIGURE_DIR``, else ``figures/`` in the
current working directory (a notebook's own folder; the book's build sets
``$ANNOTATOR_FIGURE_DIR`` to its ``_build/figures``).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .data import PreferenceData, reliability_curve

__all__ = ["FIGURE_DIR_ENV", "figure_dir", "use_book_style", "save_figure", "register", "panel_grid", "provenance_footer", "histogram_of_p", "calibration_figure", "calibration_data", "markdown_table", "line_panel", "gap_panel", "DATASET_COLORS"]

FIGURE_DIR_ENV = "ANNOTATOR_FIGURE_DIR"
FOOTER_GID = "provenance-footer"  # marks the footer text of provenance_footer

DATASET_COLORS = {
    "pku": "#4C72B0",
    "helpsteer": "#DD8452",
    "ultra": "#55A868",
    "ultrafeedback-sample": "#55A868",
    "skywork": "#C44E52",
}


def use_book_style() -> None:
    """Seaborn's whitegrid with sizes that read well in the HTML book; SVG output made stable."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    matplotlib.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "svg.hashsalt": "annotator-incentives",  # identical SVG bytes on every build
            "axes.titlesize": "medium",
        }
    )


def figure_dir() -> Path:
    """Where figures are written: ``$ANNOTATOR_FIGURE_DIR``, else ``./figures`` (created)."""
    folder = Path(os.environ.get(FIGURE_DIR_ENV) or Path.cwd() / "figures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def register(label: str, rebuilds: Sequence[str] = (), datasets: Sequence[PreferenceData] = (),
             missing: Sequence[str] = (), data_note: str | None = None, files: str | None = None) -> None:
    """Record what a figure or table of the book rebuilds (keys of the paper's figures and
    claims) and from which data, for the claims map the build generates."""
    if data_note is None:
        data_note = "; ".join(d.provenance() for d in datasets) if datasets else "computed from the model (no data)"
    kinds = sorted({"named sample" if d.is_sample else "full dataset" for d in datasets}) or (["model"] if not missing else [])
    record = {"label": label, "rebuilds": list(rebuilds), "data": data_note, "kinds": kinds,
              "datasets": [d.label for d in datasets], "missing": list(missing), "files": files}
    folder = figure_dir() / "manifest"
    folder.mkdir(exist_ok=True)
    (folder / f"{label}.json").write_text(json.dumps(record, indent=1))


def save_figure(fig: plt.Figure, name: str, data: pd.DataFrame | Sequence[pd.DataFrame], *, label: str | None = None,
                rebuilds: Sequence[str] = (), datasets: Sequence[PreferenceData] = (), missing: Sequence[str] = (),
                data_note: str | None = None) -> None:
    """Write ``name``.png, .svg (no timestamp) and .csv (the plotted data) to :func:`figure_dir`,
    and, given the figure's ``label``, register what it rebuilds (:func:`register`). A
    ``data_note`` is also written under the figure."""
    if data_note is not None:
        provenance_footer(fig, notes=[data_note])
    if not any(text.get_gid() == FOOTER_GID for text in fig.texts):
        fig.tight_layout()  # a footer has laid the figure out already (a second pass would cover it)
    if not isinstance(data, pd.DataFrame):
        data = pd.concat(list(data), ignore_index=True)
    folder = figure_dir()
    png = folder / f"{name}.png"
    fig.savefig(png, metadata={"Software": None})
    fig.savefig(folder / f"{name}.svg", metadata={"Date": None, "Creator": None})
    data.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g")
    if label is not None:
        register(label, rebuilds, datasets, missing, data_note, files=name)


def panel_grid(n_panels: int, ncols: int = 4, width: float = 3.4, height: float = 2.9, **kwargs) -> tuple[plt.Figure, np.ndarray]:
    """A row-major grid with exactly ``n_panels`` axes (extra cells are removed, never left blank)."""
    if n_panels < 1:
        raise ValueError("a figure needs at least one panel")
    ncols = min(ncols, n_panels)
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kwargs)
    flat = axes.ravel()
    for ax in flat[n_panels:]:
        ax.remove()
    return fig, flat[:n_panels]


def provenance_footer(fig: plt.Figure, datasets: Sequence[PreferenceData] = (), notes: Sequence[str] = ()) -> None:
    """State under the figure which data it was built from: each dataset (name, rows, source)
    and each free-form note (data that is not a preference dataset)."""
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    to_figure = fig.transFigure.inverted()
    bottom = min(ax.get_tightbbox(renderer).transformed(to_figure).y0 for ax in fig.axes)
    width_chars = int(fig.get_figwidth() * 72 / 7 * 1.6)  # about 1.6 characters per 7 pt
    texts = [d.provenance() for d in datasets] + list(notes)
    lines = [textwrap.fill("Data: " + text, width_chars, subsequent_indent="    ") for text in texts]
    fig.text(0.01, bottom - 0.02, "\n".join(lines), ha="left", va="top", fontsize=7, color="0.3", gid=FOOTER_GID)


def histogram_of_p(ax: plt.Axes, data: PreferenceData, bins: int = 15, color: str | None = None) -> pd.DataFrame:
    """Figure 1 (top): density (%) of folded p over [1/2, 1] in ``bins`` bins, dashed line at the mean."""
    p = data.p
    weights = np.full(p.size, 100.0 / p.size)
    counts, edges, _ = ax.hist(p, bins=bins, range=(0.5, 1.0), weights=weights, color=color or DATASET_COLORS.get(data.name, "0.5"), edgecolor="white")
    mean = float(p.mean())
    ax.axvline(mean, ls="--", color="k", lw=1.2, label=f"mean = {mean:.3f}")
    ax.set_xlabel("preference probability $p$ (folded)")
    ax.set_ylabel("share of pairs (%)")
    ax.set_title(f"{data.label} (n = {data.n_eval:,})")
    ax.legend(loc="upper left", fontsize="small")
    return pd.DataFrame({"dataset": data.name, "bin_left": edges[:-1], "bin_right": edges[1:], "percent": counts, "mean_p": mean})


def markdown_table(rows: Sequence[Mapping[str, object]]) -> str:
    """A small Markdown table for notebook output (pandas' to_markdown needs an extra package)."""
    if not rows:
        return ""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def calibration_data(datasets: Sequence[PreferenceData], n_bins: int = 15) -> pd.DataFrame:
    """Reliability curves before and after calibration, evaluation half (Figure 6, top)."""
    frames = []
    for d in datasets:
        for stage, p in (("before", d.p_position1), ("after", d.p_calibrated)):
            curve = reliability_curve(p, d.labels, n_bins=n_bins)
            frames.append(curve.assign(dataset=d.name, stage=stage))
    return pd.concat(frames, ignore_index=True)


def calibration_figure(datasets: Sequence[PreferenceData], n_bins: int = 15) -> tuple[plt.Figure, np.ndarray]:
    """Figure 6: per dataset, a reliability diagram (top) and histograms of predicted p (bottom)."""
    curves = calibration_data(datasets, n_bins)
    fig, axes = plt.subplots(2, len(datasets), figsize=(3.6 * len(datasets), 6.2), squeeze=False)
    for j, d in enumerate(datasets):
        top, bottom = axes[0, j], axes[1, j]
        top.plot([0, 1], [0, 1], color="0.5", ls=":", label="$x = y$")
        for stage, marker in (("before", "o"), ("after", "s")):
            c = curves[(curves.dataset == d.name) & (curves.stage == stage)]
            top.plot(c.mean_predicted, c.empirical, marker=marker, ms=4, label=f"{stage} calibration")
            p = d.p_position1 if stage == "before" else d.p_calibrated
            bottom.hist(p, bins=n_bins, range=(0, 1), alpha=0.6, label=stage)
        top.set(title=f"{d.label} (n = {d.n_eval:,})", xlabel="predicted $p$", ylabel="empirical share")
        bottom.set(xlabel="predicted $p$", ylabel="pairs")
        top.legend(fontsize="small")
        bottom.legend(fontsize="small")
    fig.tight_layout()
    return fig, axes


def line_panel(ax: plt.Axes, frame: pd.DataFrame, y: str, by: str, label: str, x: str = "n", **style) -> None:
    """One line per value of ``by`` (labelled ``label.format(value)``), in the frame's order."""
    for value, block in frame.groupby(by, sort=False):
        ax.plot(block[x], block[y], label=label.format(value), **style)


MONITOR_MARKERS = {"self-consistency": "o", "expert": "s"}
PROBLEM_COLORS = {"unrestricted": "#1f4e9c", "restricted": "#c0392b"}
KIND_LINES = {"linear": "-", "binary": "--", "general": ":"}


def gap_panel(ax: plt.Axes, table: pd.DataFrame, value: str = "normalised_gap") -> None:
    """The paper's Figure 3 encoding: colour = problem (blue C_n, red C~_n), marker = monitor
    (circle self-consistency, square expert), line = contract (solid linear, dashed binary)."""
    for (monitor, kind, problem), block in table.groupby(["monitor", "kind", "problem"], sort=False):
        block = block.sort_values("n")
        value_name = "$C_n$" if problem == "unrestricted" else r"$\tilde C_n$"
        label = f"{value_name}, {kind}, {monitor}"
        ax.plot(block["n"], block[value], ls=KIND_LINES.get(kind, "-"), marker=MONITOR_MARKERS.get(monitor.split(" ")[0], "^"),
                ms=3.5, lw=1.2, color=PROBLEM_COLORS.get(problem, "0.3"), label=label)
    ax.set_xlabel("inspected samples $n$")
