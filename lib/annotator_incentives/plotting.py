"""One figure style, and saving every figure or table with the data it shows and where that came from.

Nothing here computes a model: chapters get numbers from the library and pictures from here (a
chapter's figure helper, such as :func:`gap_figure`, asks the library's modules for its numbers).
:func:`save_figure` writes ``<name>.png``, ``<name>.svg``, ``<name>.csv`` (the plotted data in
long form) and ``<name>.json``, its provenance record: the kind of data (one of
:data:`DATA_KINDS`), the datasets and what was missing, and the figure's layout.
:func:`save_table` writes a table's ``<name>.csv`` and ``<name>.json``;
:func:`record_not_drawn` writes only the record of a figure that could not be drawn. Everything
goes to the figure folder: ``$ANNOTATOR_FIGURE_DIR``, else ``figures/`` in the current working
directory (a notebook's own folder). A figure meant for a text column is at most
:data:`MAX_WIDTH_IN` wide with no text smaller than :data:`MIN_FONT_PT`, so that it reads at the
size a page shows it; :func:`save_figure` refuses one that is not.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import figure_data
from .data import PreferenceData, reliability_curve
from .report import markdown_table  # noqa: F401  (the chapters' tables: plotting.markdown_table)

__all__ = [
    "FIGURE_DIR_ENV",
    "figure_dir",
    "use_book_style",
    "save_figure",
    "save_table",
    "record_not_drawn",
    "read_record",
    "panel_grid",
    "provenance_footer",
    "histogram_of_p",
    "calibration_figure",
    "calibration_data",
    "markdown_table",
    "line_panel",
    "gap_panel",
    "DATASET_COLORS",
    "MAX_WIDTH_IN",
    "MIN_FONT_PT",
    "DATA_KINDS",
    "check_readable",
    "smallest_font",
    "panels_with_legend_row",
    "legend_below",
]

FIGURE_DIR_ENV = "ANNOTATOR_FIGURE_DIR"
FOOTER_GID = "provenance-footer"  # marks the footer text of provenance_footer
MAX_WIDTH_IN = 6.8  # the book's text column (672 CSS px) shows a figure this wide at 1:1 or larger
MIN_FONT_PT = 8.0
DataKind = Literal["real preference data", "real annotator data", "model only"]
DATA_KINDS: tuple[str, ...] = ("real preference data", "real annotator data", "model only")

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


def _check_kind(name: str, data_kind: str, datasets: Sequence[PreferenceData] | None = None) -> None:
    """A known kind of data; real preference data (when ``datasets`` are given) names them."""
    if data_kind not in DATA_KINDS:
        raise ValueError(f"{name!r}: data_kind must be one of {', '.join(map(repr, DATA_KINDS))}, not {data_kind!r}")
    if datasets is not None and data_kind == "real preference data" and not datasets:
        raise ValueError(f"{name!r}: real preference data must name its datasets")


def _write_record(name: str, *, data_kind: DataKind, datasets: Sequence[PreferenceData], missing: Sequence[str],
                  data_note: str | None, drawn: bool, files: Sequence[str],
                  layout: Mapping[str, float] | None = None, ill_conditioned: Sequence[str] = ()) -> None:
    """Write ``name``.json, the provenance record of a figure or table, to :func:`figure_dir`: with
    the precision of its data and the columns it names ill-conditioned (:mod:`.figure_data`)."""
    if data_note is None:
        data_note = "; ".join(d.provenance() for d in datasets) if datasets else "computed from the model (no data)"
    record = {
        "name": name, "drawn": drawn, "data_kind": data_kind, "data": data_note,
        "datasets": [d.label for d in datasets],
        "kinds": sorted({"named sample" if d.is_sample else "full dataset" for d in datasets}),
        "missing": list(missing), "files": list(files), "layout": dict(layout or {}),
        "significant_digits": figure_data.SIGNIFICANT_DIGITS, "ill_conditioned_columns": list(ill_conditioned),
    }
    (figure_dir() / f"{name}.json").write_text(json.dumps(figure_data.rounded(record), indent=1))


def read_record(name: str, folder: Path | None = None) -> dict[str, Any]:
    """The provenance record ``name``.json in ``folder`` (default :func:`figure_dir`).

    Raises
    ------
    FileNotFoundError
        When no figure or table of that name was saved there.
    """
    return json.loads(((folder or figure_dir()) / f"{name}.json").read_text())


def record_not_drawn(name: str, *, data_kind: DataKind, missing: Sequence[str], reason: str) -> None:
    """Record that figure ``name`` could not be drawn: writes only ``name``.json, with drawn false.

    Parameters
    ----------
    name : str
        The figure's file name, without suffix.
    data_kind : str
        The kind of data the figure would show, one of :data:`DATA_KINDS`.
    missing : sequence of str
        The datasets (keys or names) it needs and did not find.
    reason : str
        Why it was not drawn, for a reader.
    """
    _check_kind(name, data_kind)
    _write_record(name, data_kind=data_kind, datasets=(), missing=missing, data_note=f"not drawn: {reason}",
                  drawn=False, files=())


def save_table(frame: pd.DataFrame, name: str, *, data_kind: DataKind, datasets: Sequence[PreferenceData] = (),
               missing: Sequence[str] = (), data_note: str | None = None, ill_conditioned: Sequence[str] = ()) -> None:
    """Write a table as ``name``.csv, with its provenance record ``name``.json, to :func:`figure_dir`.

    Parameters
    ----------
    frame : DataFrame
        The table as shown.
    name : str
        File name, without suffix.
    data_kind : str
        One of :data:`DATA_KINDS`; real preference data must name its ``datasets``.
    datasets : sequence of PreferenceData
        The preference datasets it was computed from.
    missing : sequence of str
        Datasets it would have used and did not find.
    data_note : str, optional
        Where the data came from (default: the datasets' provenance, or "computed from the model").
    ill_conditioned : sequence of str
        Columns that a last-bit change of the numerics moves far more than rounding (an optimal
        effort at a flat maximum, parameters computed from it): compared between builds at the
        solver's accuracy (:data:`.figure_data.ILL_CONDITIONED`), not to the last written digit.

    Examples
    --------
    >>> save_table(pd.DataFrame({"n": [10], "eta": [0.93]}), "example_table", data_kind="model only",
    ...            ill_conditioned=["eta"])  # doctest: +SKIP
    """
    _check_kind(name, data_kind, datasets)
    ill = figure_data.ill_conditioned_columns(name, frame, ill_conditioned)
    figure_data.write_csv(frame, figure_dir() / f"{name}.csv")
    _write_record(name, data_kind=data_kind, datasets=datasets, missing=missing, data_note=data_note,
                  drawn=True, files=[f"{name}.csv"], ill_conditioned=ill)


def smallest_font(fig: plt.Figure) -> float:
    """The smallest font size (pt) of any visible text in the figure, legends and ticks included."""
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip() and t.get_window_extent().width > 0]
    return float(min(sizes, default=MIN_FONT_PT))


def check_readable(fig: plt.Figure, name: str) -> dict[str, float]:
    """Refuse a figure that a text column would shrink below :data:`MIN_FONT_PT`: wider than
    :data:`MAX_WIDTH_IN`, or with smaller text. Returns the width and smallest font."""
    width = float(fig.get_figwidth())
    if width > MAX_WIDTH_IN + 1e-9:
        raise ValueError(f"figure {name!r} is {width:.1f} in wide; a text column shows at most {MAX_WIDTH_IN} in "
                         "(at most two panels per row)")
    smallest = smallest_font(fig)
    if smallest < MIN_FONT_PT - 1e-9:
        raise ValueError(f"figure {name!r} has text of {smallest:.1f} pt; at least {MIN_FONT_PT:g} pt is readable")
    return {"width_in": width, "min_font_pt": smallest, "dpi": float(fig.dpi)}


def save_figure(fig: plt.Figure, name: str, data: pd.DataFrame | Sequence[pd.DataFrame], *, data_kind: DataKind,
                datasets: Sequence[PreferenceData] = (), missing: Sequence[str] = (),
                data_note: str | None = None, ill_conditioned: Sequence[str] = ()) -> None:
    """Write ``name``.png, .svg (no timestamp), .csv (the plotted data, floats at
    :data:`.figure_data.SIGNIFICANT_DIGITS` significant digits) and .json (provenance: kind of
    data, datasets, missing, files, layout, precision and ill-conditioned columns;
    :func:`read_record` reads it back).

    Parameters
    ----------
    fig : Figure
        The figure, at most :data:`MAX_WIDTH_IN` wide, no text under :data:`MIN_FONT_PT`.
    name : str
        File name in :func:`figure_dir`, without suffix.
    data : DataFrame or sequence of DataFrame
        The plotted data (several frames are stacked).
    data_kind : str
        One of :data:`DATA_KINDS`; real preference data must name its ``datasets``.
    datasets : sequence of PreferenceData
        The preference datasets drawn.
    missing : sequence of str
        Datasets the figure would have drawn and did not find.
    data_note : str, optional
        Where the data came from; also written under the figure. Default: the datasets'
        provenance, or "computed from the model".
    ill_conditioned : sequence of str
        Columns of ``data`` that a last-bit change of the numerics moves far more than rounding
        (an optimal effort at a flat maximum, contract parameters computed from it, curves drawn
        with those parameters): compared between builds at the solver's accuracy
        (:data:`.figure_data.ILL_CONDITIONED`), not to the last written digit.

    Raises
    ------
    ValueError
        For an unknown ``data_kind``, real preference data without datasets, a figure too
        wide or with text too small to read, or an ill-conditioned column ``data`` lacks.

    Examples
    --------
    >>> fig, axes = panel_grid(1)  # doctest: +SKIP
    >>> save_figure(fig, "effort", pd.DataFrame({"n": [10, 20], "eta": [0.93, 0.94]}),
    ...             data_kind="model only", ill_conditioned=["eta"])  # doctest: +SKIP
    """
    _check_kind(name, data_kind, datasets)
    if data_note is not None:
        provenance_footer(fig, notes=[data_note])
    if not any(text.get_gid() == FOOTER_GID for text in fig.texts):
        settle_layout(fig)  # a footer has laid the figure out already (a second pass would cover it)
    layout = check_readable(fig, name)
    if not isinstance(data, pd.DataFrame):
        data = pd.concat(list(data), ignore_index=True)
    ill = figure_data.ill_conditioned_columns(name, data, ill_conditioned)
    folder = figure_dir()
    fig.savefig(folder / f"{name}.png", metadata={"Software": None})
    fig.savefig(folder / f"{name}.svg", metadata={"Date": None, "Creator": None})
    figure_data.write_csv(data, folder / f"{name}.csv")
    _write_record(name, data_kind=data_kind, datasets=datasets, missing=missing, data_note=data_note, drawn=True,
                  files=[f"{name}{suffix}" for suffix in (".png", ".svg", ".csv")], layout=layout, ill_conditioned=ill)


def _renderer(fig: plt.Figure) -> Any:
    """The renderer of a figure drawn by a raster canvas (Agg, as pyplot and notebooks give)."""
    get = getattr(fig.canvas, "get_renderer", None)
    if get is None:
        raise ValueError("this figure's canvas cannot measure text; draw it with matplotlib's Agg backend")
    return get()


def settle_layout(fig: plt.Figure) -> None:
    """``tight_layout`` twice: one pass measures labels at the old positions, so a figure whose
    rows changed height (a legend row) needs a second pass to stop overlapping."""
    fig.tight_layout()
    fig.tight_layout()


def panel_grid(n_panels: int, ncols: int = 2, width: float | None = None, height: float = 2.9,
               **kwargs) -> tuple[plt.Figure, np.ndarray]:
    """A row-major grid with exactly ``n_panels`` axes (extra cells are removed, never left blank),
    at most two per row so that each stays readable in a text column. ``width`` is the width of
    one panel in inches (default: the column shared equally)."""
    if n_panels < 1:
        raise ValueError("a figure needs at least one panel")
    if ncols not in (1, 2):
        raise ValueError(f"a text column holds one or two panels per row, not {ncols}")
    ncols = min(ncols, n_panels)
    width = MAX_WIDTH_IN / ncols if width is None else width
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kwargs)
    flat = axes.ravel()
    for ax in flat[n_panels:]:
        ax.remove()
    return fig, flat[:n_panels]


def provenance_footer(fig: plt.Figure, datasets: Sequence[PreferenceData] = (), notes: Sequence[str] = ()) -> None:
    """State under the figure which data it was built from: each dataset (name, rows, source)
    and each free-form note (data that is not a preference dataset)."""
    settle_layout(fig)
    renderer = _renderer(fig)
    to_figure = fig.transFigure.inverted()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    bottom = min(box.transformed(to_figure).y0 for box in boxes if box is not None)
    width_chars = int(fig.get_figwidth() * 72 / MIN_FONT_PT * 1.6)  # about 1.6 characters per font size
    texts = [d.provenance() for d in datasets] + list(notes)
    lines = [textwrap.fill("Data: " + text, width_chars, subsequent_indent="    ") for text in texts]
    fig.text(0.01, bottom - 0.02, "\n".join(lines), ha="left", va="top", fontsize=MIN_FONT_PT, color="0.3", gid=FOOTER_GID)


def histogram_of_p(ax: plt.Axes, data: PreferenceData, bins: int = 15, color: str | None = None) -> pd.DataFrame:
    """Figure 1 (top): density (%) of folded p over [1/2, 1] in ``bins`` bins, dashed line at the mean."""
    p = data.p
    weights = np.full(p.size, 100.0 / p.size)
    counts, edges, _ = ax.hist(
        p, bins=bins, range=(0.5, 1.0), weights=weights, color=color or DATASET_COLORS.get(data.name, "0.5"), edgecolor="white"
    )
    mean = float(p.mean())
    ax.axvline(mean, ls="--", color="k", lw=1.2, label=f"mean = {mean:.3f}")
    ax.set_xlabel("preference probability $p$ (folded)")
    ax.set_ylabel("share of pairs (%)")
    ax.set_title(f"{data.label} (n = {data.n_eval:,})")
    # Headroom above the tallest bar, legend in the corner away from the mean line: nothing covers data.
    ax.set_ylim(0, max(float(np.max(counts)), 1e-9) * 1.4)
    ax.legend(loc="upper left" if mean > 0.75 else "upper right", fontsize="small")
    return pd.DataFrame({"dataset": data.name, "bin_left": edges[:-1], "bin_right": edges[1:], "percent": counts, "mean_p": mean})


def calibration_data(datasets: Sequence[PreferenceData], n_bins: int = 15) -> pd.DataFrame:
    """Reliability curves before and after calibration, evaluation half (Figure 6, top)."""
    frames = []
    for d in datasets:
        for stage, p in (("before", d.p_position1), ("after", d.p_calibrated)):
            if p is None:
                raise ValueError(f"{d.label} has no calibrated p: calibration figures need a calibrated dataset")
            curve = reliability_curve(p, d.labels, n_bins=n_bins)
            frames.append(curve.assign(dataset=d.name, stage=stage))
    return pd.concat(frames, ignore_index=True)


def calibration_figure(datasets: Sequence[PreferenceData], n_bins: int = 15) -> tuple[plt.Figure, np.ndarray]:
    """Figure 6: per dataset, a reliability diagram (top) and histograms of predicted p (bottom)."""
    curves = calibration_data(datasets, n_bins)
    fig, axes = plt.subplots(2, len(datasets), figsize=(min(3.6 * len(datasets), MAX_WIDTH_IN), 6.2), squeeze=False)
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
    # One legend for both rows, above the figure: none over the data.
    handles, labels = axes[0, 0].get_legend_handles_labels()
    bars, bar_labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles + bars, labels + [f"histogram {label}" for label in bar_labels], loc="lower center",
               bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize="small", frameon=False)
    fig.tight_layout()
    return fig, axes


def line_panel(ax: plt.Axes, frame: pd.DataFrame, y: str, by: str, label: str, x: str = "n",
               colors: Mapping[Any, str] | None = None, **style) -> None:
    """One line per value of ``by`` (labelled ``label.format(value)``, a number in its shortest form:
    ``δ = 0``, not ``δ = 0.0``; coloured ``colors[value]`` when ``colors`` is given), in the frame's order."""
    for value, block in frame.groupby(by, sort=False):
        shown = f"{value:g}" if isinstance(value, (float, np.floating)) else value
        colour: dict[str, Any] = {} if colors is None else {"color": colors[value]}
        ax.plot(block[x], block[y], label=label.format(shown), **colour, **style)


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


# Panels with a legend row beneath them, so that no legend with many entries covers data.
def panels_with_legend_row(n_panels: int, height: float = 2.9, legend_height: float = 0.8, ncols: int = 2,
                           width: float | None = None) -> tuple[plt.Figure, np.ndarray, plt.Axes]:
    """(figure, panel axes, legend axes): ``n_panels`` panels laid out by :func:`panel_grid`
    (at most ``ncols``, 1 or 2, to a row; ``width`` per panel) and, beneath them, an axes without
    frame or ticks, the full width of the figure and ``legend_height`` inches tall, for the legend."""
    if n_panels < 1:
        raise ValueError("a figure needs at least one panel")
    columns = min(ncols, n_panels)
    rows = -(-n_panels // columns)
    # one more full row than the panels need: its cells are replaced by the legend axes
    fig, cells = panel_grid((rows + 1) * columns, ncols=columns, width=width, height=height)
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
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    # hung from the top of its row, which grows to hold it: a legend taller than its row would
    # otherwise spill upwards over the tick labels of the panels above
    options: dict[str, Any] = {"loc": "upper center", "bbox_to_anchor": (0.5, 1.0), "ncol": ncol, "frameon": False,
                               "fontsize": "small"} | kwargs
    legend = legend_ax.legend(handles, labels, **options)
    fig = legend_ax.get_figure(root=True)
    spec = legend_ax.get_subplotspec()
    if not isinstance(fig, plt.Figure) or spec is None:
        raise ValueError("legend_below needs the legend axes of panels_with_legend_row")
    needed = legend.get_window_extent(_renderer(fig)).height / fig.dpi + 0.1
    grid = spec.get_gridspec()
    ratios = [float(r) for r in np.atleast_1d(grid.get_height_ratios() or [1.0] * grid.nrows)]
    if needed > ratios[-1]:
        fig.set_figheight(fig.get_figheight() + needed - ratios[-1])
        ratios[-1] = needed
        grid.set_height_ratios(ratios)
    return legend


def contract_legend(legend_ax: plt.Axes, markers: Mapping[str, str]):
    """One legend entry per encoding of the rates figure: colour = problem, line = contract class,
    marker = monitor (``markers`` maps each monitor to its marker)."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=PROBLEM_COLORS[p], label=p) for p in ("unrestricted", "restricted")]
    handles += [Line2D([], [], color="0.3", ls=KIND_LINES[k], label=k) for k in ("binary", "linear", "general")]
    handles += [Line2D([], [], color="0.3", ls="", marker=marker, label=monitor) for monitor, marker in markers.items()]
    return legend_ax.legend(handles=handles, loc="center", ncol=3, frameon=False, fontsize="small")


def sample_size_style(method: str, colors: Mapping[str, str], first_delta: float) -> dict[str, Any]:
    """The line style of one method in the downstream chapter's sample-size panel: a downstream
    test thick in its dataset's colour (``colors``; triangles for its lower bound, else circles),
    an expert test dashed with open squares, self-consistency dash-dotted green for
    δ = ``first_delta`` and dotted purple for the other δ."""
    color = next((c for name, c in colors.items() if name in method), None)
    if method.startswith("downstream"):
        return dict(lw=2, color=color, marker="^" if "lower bound" in method else "o", ms=4)
    if method.startswith("expert"):
        return dict(lw=1.2, ls="--", color=color, marker="s", ms=3.5, mfc="white")
    first = method.endswith(f"δ = {first_delta:g}")
    return dict(lw=1.2, ls="-." if first else ":", color="#2e8b57" if first else "#7b4fa0", marker="D" if first else "x", ms=3.5)


def gap_figure(profile, delta: float, ns, datasets: Sequence[PreferenceData], name: str, missing: Sequence[str] = (),
               workers: int = 2) -> pd.DataFrame:
    """The paper's Figure 3 (and its Figure 10 variants): one panel per dataset, the normalised
    utility gap against n (:func:`annotator_incentives.contracts.gap_table`) for self-consistency
    (c = 1 - ``delta``) and expert monitoring (the dataset's c-bar), drawn by :func:`gap_panel` and
    saved as ``name``; returns the plotted data (with columns dataset and c_bar)."""
    from . import contracts

    fig, axes, legend_ax = panels_with_legend_row(max(len(datasets), 1), height=3.0, legend_height=0.85)
    frames = []
    for ax, d in zip(axes, datasets, strict=False):  # one panel even without data
        table = contracts.gap_table(profile, {"self-consistency": 1 - delta, "expert": d.c_bar}, ns, workers=workers)
        gap_panel(ax, table)
        ax.set(title=f"{d.label}: c̄ = {d.c_bar:.3f}, δ = {delta:g}", ylabel=r"$(\mathcal{C} - \mathcal{C}_n)/\mathcal{C}$",
               yscale="log")
        frames.append(table.assign(dataset=d.name, c_bar=d.c_bar))
    legend_below(legend_ax, axes[0])
    provenance_footer(fig, datasets)
    save_figure(fig, name, frames, datasets=datasets, missing=list(missing), data_kind="real preference data",
                ill_conditioned=figure_data.CONTRACT_EFFORT_COLUMNS)
    return pd.concat(frames)


def self_consistency_figure(datasets: Sequence[PreferenceData], ns, deltas: Sequence[float], eta1: float, name: str, *,
                            n_ref: int, missing: Sequence[str] = (),
                            monte_carlo: bool = False) -> list[tuple[PreferenceData, Any]]:
    """The paper's Figure 2 (Figure 8 for eta1 = 0.95): for each dataset and eta0 in {0.8, 0.9},
    the exact error sum of the self-consistency test for each δ
    (:func:`annotator_incentives.monitoring.self_consistency_curves`) against the expert lower bound
    (:func:`annotator_incentives.monitoring.expert_bound_curves`); with ``monte_carlo``, seeded
    simulated dots (10^4 trials per hypothesis) on the first panel. Saved as ``name``; returns each
    panel's dataset and its comparison with the bound at ``n_ref``
    (:func:`annotator_incentives.findings.assessing.compare_with_bound`)."""
    from . import monitoring
    from .findings import assessing

    cells = [(d, eta0) for d in datasets for eta0 in (0.8, 0.9)]
    fig, axes = panel_grid(len(cells))
    frames, panels = [], []
    for i, (ax, (d, eta0)) in enumerate(zip(axes, cells, strict=False)):
        curves = monitoring.self_consistency_curves(ns, deltas, eta0, eta1)
        bound = monitoring.expert_bound_curves(d.p, ns, [eta0], eta1)
        line_panel(ax, curves, "error_sum", "delta", r"$\delta = {}$")
        ax.plot(bound.n, bound.lower_bound, "k--", label="expert lower bound")
        frames += [curves.assign(dataset=d.name, kind="self-consistency exact"),
                   bound.assign(dataset=d.name, kind="expert lower bound")]
        panels.append((d, assessing.compare_with_bound(curves, bound, n_ref)))
        if monte_carlo and i == 0:
            simulated = monitoring.monte_carlo_error_sum_curves(ns[::6], deltas, eta0, eta1, trials=10_000, seed=2025)
            line_panel(ax, simulated, "error_sum", "delta", "_", ls="none", marker="o", ms=4, color="0.2")
            ax.plot([], [], ls="none", marker="o", ms=4, color="0.2", label="Monte Carlo")
            frames.append(simulated.assign(dataset=d.name, kind="self-consistency Monte Carlo"))
        ax.set(title=rf"{d.label}" + "\n" + rf"$\eta_0 = {eta0}$, $\eta_1 = {eta1}$", xlabel="tested annotations $n$",
               ylabel="error sum", ylim=(0, 1))
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize="small",
               frameon=False)
    provenance_footer(fig, datasets)
    save_figure(fig, name, frames, datasets=datasets, missing=list(missing), data_kind="real preference data")
    return panels
