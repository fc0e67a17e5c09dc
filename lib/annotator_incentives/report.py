"""The book's number policy: how a computed number, set or range is written in a sentence.

One small module, so that every computed sentence of the book writes numbers the same way and a
sentence is one readable line of chapter code:

- a measured or computed quantity (an error sum, c-bar, a gap) gets three significant figures
  (:func:`number`), never ``0.000`` or ``1.0e-12``: below a stated floor it reads ``< 0.001``
  or ``< 10⁻¹²``; a value that is zero to machine precision reads ``0``; a magnitude below
  10⁻⁴ that is stated reads ``7.3 × 10⁻⁸``;
- a standard error gets one or two significant figures (two when they start with 1 or 2), and
  the estimate it belongs to is rounded to the same decimal (:func:`standard_error`,
  :func:`estimate`); a relative difference is a percentage with two figures (:func:`percent`);
- a quantity that is zero to the floor of its computation is said in words (:func:`negligible`:
  ``below 10⁻¹²``, ``zero to machine precision``), never ``0.000``;
- a parameter the book chose (delta, eta, a target) is written as given (:func:`value`);
- a count of checks or pairs is a whole number with thousands separators (:func:`count`);
- a set of parameters reads ``δ = 0.1`` or ``δ ∈ {0, 0.1, 0.2}`` (:func:`values`), and the
  points of a regular grid read as runs, ``n = 10–90 and 200–490`` (:func:`ranges`);
- a statement that holds for some parameters and not others is split into ``at every n for …;
  for … only at …; at no n for …`` (:func:`where`).

Everything here returns plain text with Unicode symbols (no MyST roles), so a notebook renders it
with ``IPython.display.Markdown`` in Jupyter or Colab as well as in the book; :func:`shows` hands a
chapter's key results to the box at the top of its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "markdown_table",
    "number",
    "at_most",
    "between",
    "order",
    "standard_error",
    "estimate",
    "percent",
    "negligible",
    "value",
    "count",
    "tally",
    "values",
    "subset",
    "first_at",
    "ranges",
    "series",
    "split",
    "where",
    "bullets",
    "shows",
    "cells",
]

MACHINE_ZERO = 1e-12  # below this (in absolute value) a computed quantity is zero to machine precision
SMALL = 1e-4  # below this a stated magnitude is written with a power of ten
MAX_DECIMALS = 6  # a number that would need more decimals is written with a power of ten (1.225 × 10⁻⁴)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _floor_text(floor: float) -> str:
    """A floor as text: ``0.001`` as written, a smaller power of ten as ``10⁻¹²``."""
    power = math.log10(floor)
    if floor < 1e-3 and power == round(power):
        return "10" + str(round(power)).translate(_SUPERSCRIPT)
    return f"{floor:g}"


def number(x: float | None, digits: int = 3, floor: float | None = None, missing: str | None = None) -> str:
    """A computed quantity with ``digits`` significant figures, without an exponent.

    Parameters
    ----------
    x : float
        The quantity.
    digits : int, default 3
        Significant figures.
    floor : float, optional
        The smallest magnitude worth stating; a non-zero ``|x|`` below it reads ``< floor``
        (``> -floor`` for a negative ``x``; a power of ten below 0.001 as ``10⁻¹²``).
    missing : str, optional
        The words for a quantity that does not exist (``None`` or NaN, e.g. the gap of a problem
        without a feasible contract); without them such a quantity is an error.

    Returns
    -------
    str
        ``"0"`` for zero, and without a floor for a value within 1e-12 of zero (zero to machine
        precision); otherwise the rounded value.

    Raises
    ------
    ValueError
        If ``x`` is infinite, or missing without ``missing`` words, or ``digits`` is below 1.

    Examples
    --------
    >>> number(0.61834)
    '0.618'
    >>> number(1234.5)
    '1,234'
    >>> number(0.0002, floor=0.001)
    '< 0.001'
    >>> number(7.3e-8, digits=2)
    '7.3 × 10⁻⁸'
    >>> number(0.00012254, digits=4)
    '1.225 × 10⁻⁴'
    >>> number(4e-13, floor=1e-12)
    '< 10⁻¹²'
    >>> number(float("nan"), missing="no contract")
    'no contract'
    """
    if missing is not None and (x is None or math.isnan(float(x))):
        return missing
    if x is None:
        raise ValueError("a number to report is missing")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"a number to report must be finite; got {x}")
    if digits < 1:
        raise ValueError(f"digits must be at least 1; got {digits}")
    if x == 0 or (floor is None and abs(x) < MACHINE_ZERO):
        return "0"
    if floor is not None and abs(x) < floor:
        return f"< {_floor_text(floor)}" if x > 0 else f"> −{_floor_text(floor)}"
    magnitude = math.floor(math.log10(abs(x)))
    if abs(x) < SMALL or digits - 1 - magnitude > MAX_DECIMALS:
        mantissa = round(x / 10.0**magnitude, digits - 1)
        if abs(mantissa) >= 10:
            mantissa, magnitude = mantissa / 10, magnitude + 1
        return f"{mantissa:.{digits - 1}f} × 10{str(magnitude).translate(_SUPERSCRIPT)}".replace("-", "−")
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(x, decimals)
    if rounded != 0 and math.floor(math.log10(abs(rounded))) > magnitude:  # 0.9996 -> 1.00, not 1.000
        decimals = max(0, decimals - 1)
    text = f"{rounded:,.{decimals}f}"
    return text.replace("-", "−")


def at_most(x: float, digits: int = 3, floor: float | None = None) -> str:
    """An upper bound in words: ``at most 0.021``, or ``less than 0.001`` below the floor.

    Examples
    --------
    >>> at_most(0.0213, digits=2, floor=0.001), at_most(0.0002, floor=0.001)
    ('at most 0.021', 'less than 0.001')
    """
    text = number(x, digits=digits, floor=floor)
    return "less than " + text[2:] if text.startswith("< ") else f"at most {text}"


def _se_decimals(se: float) -> int:
    """Decimals of a standard error at one or two significant figures (two for a leading 1 or 2)."""
    magnitude = math.floor(math.log10(se))
    leading = int(round(se / 10.0**magnitude, 6))
    figures = 2 if leading < 3 else 1
    return figures - 1 - magnitude  # 0.96 -> 1.0 and 0.096 -> 0.10: a round-up to a leading 1 keeps two figures


def between(lo: float, hi: float, digits: int = 3, floor: float | None = None) -> str:
    """A range of computed values: ``0.301 to 0.302``, or one number when both ends read the same.

    Examples
    --------
    >>> between(0.3011, 0.3024), between(0.30201, 0.30203)
    ('0.301 to 0.302', '0.302')
    """
    a, b = number(lo, digits=digits, floor=floor), number(hi, digits=digits, floor=floor)
    return a if a == b else f"{a} to {b}"


def order(x: float) -> str:
    """The order of magnitude of a positive quantity, ``10⁻²⁶``: for exact quantities far below
    machine precision (a binomial tail, a gap computed from one), where :func:`number` would say
    zero.

    Examples
    --------
    >>> order(3.2e-26), order(0.04)
    ('10⁻²⁶', '10⁻²')
    """
    x = float(x)
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"an order of magnitude needs a positive finite number; got {x}")
    return "10" + str(math.floor(math.log10(x))).translate(_SUPERSCRIPT)


def standard_error(se: float) -> str:
    """A standard error with one or two significant figures (two when its first figure is 1 or 2).

    Raises
    ------
    ValueError
        If ``se`` is not a positive finite number.

    Examples
    --------
    >>> standard_error(0.00314), standard_error(0.0123), standard_error(0.27)
    ('0.003', '0.012', '0.27')
    """
    se = float(se)
    if not (math.isfinite(se) and se > 0):
        raise ValueError(f"a standard error must be positive and finite; got {se}")
    if se < SMALL:
        return number(se, digits=2)
    decimals = _se_decimals(se)
    return f"{round(se, decimals):,.{max(0, decimals)}f}"


def estimate(x: float, se: float) -> str:
    """An estimate and its standard error, the estimate rounded to the standard error's last decimal.

    Examples
    --------
    >>> estimate(-0.44217, 0.00314)
    '−0.442 ± 0.003'
    >>> estimate(12.3456, 0.27)
    '12.35 ± 0.27'
    """
    se = float(se)
    text = standard_error(se)
    if se < SMALL:
        return f"{number(x)} ± {text}"
    decimals = _se_decimals(se)
    return f"{round(float(x), decimals):,.{max(0, decimals)}f}".replace("-", "−") + f" ± {text}"


def percent(x: float, digits: int = 2, floor: float = 1e-6) -> str:
    """A share or relative difference as a percentage with ``digits`` significant figures;
    below ``floor`` (as a fraction) it reads ``below 10⁻⁴ %``.

    Examples
    --------
    >>> percent(1.2e-05), percent(0.123), percent(4e-9)
    ('0.0012 %', '12 %', 'below 10⁻⁴ %')
    """
    x = float(x)
    if x != 0 and abs(x) < floor:
        return f"below {_floor_text(floor * 100)} %"
    return f"{number(100 * x, digits=digits)} %"


def negligible(x: float, floor: float = MACHINE_ZERO) -> str:
    """A quantity expected to vanish, in words: ``zero to machine precision`` (exactly zero or
    within 1e-12 of it at the default floor), ``below <floor>`` under a larger stated floor, or
    the number itself (three significant figures) when it is above the floor.

    Examples
    --------
    >>> negligible(3e-14), negligible(2e-9, floor=1e-6), negligible(0.0213)
    ('zero to machine precision', 'below 10⁻⁶', '0.0213')
    """
    x = float(x)
    if abs(x) < floor:
        return "zero to machine precision" if floor <= MACHINE_ZERO else f"below {_floor_text(floor)}"
    return number(x)


def value(x: float) -> str:
    """A parameter the book chose, written as given (shortest form).

    Examples
    --------
    >>> value(0.10)
    '0.1'
    >>> value(1.0)
    '1'
    """
    return f"{float(x):g}".replace("-", "−")


def count(n: int | None, beyond: int | None = None) -> str:
    """A whole number of checks, pairs or cases, with thousands separators.

    ``None`` stands for a count that a search up to ``beyond`` did not reach: it reads
    ``more than <beyond>`` (``out of reach`` without ``beyond``).

    Examples
    --------
    >>> count(12345)
    '12,345'
    >>> count(None, beyond=10**7)
    'more than 10,000,000'
    """
    if n is None:
        return "out of reach" if beyond is None else f"more than {int(beyond):,}"
    return f"{int(n):,}"


def tally(holds: int, total: int, left_out: int = 0, noun: str = "",
          why: str = "without a feasible contract on one side") -> str:
    """How many of the comparisons a statement holds in; the comparisons that could not be made
    are said, not counted.

    Examples
    --------
    >>> tally(84, 84)
    'all 84'
    >>> tally(0, 12, noun="curves")
    'none of the 12 curves'
    >>> tally(5, 8, left_out=2, noun="comparisons")
    '5 of the 8 comparisons (2 more, without a feasible contract on one side, are not counted)'
    """
    text = f"all {total:,}" if holds == total else f"none of the {total:,}" if holds == 0 else f"{holds:,} of the {total:,}"
    text += f" {noun}" if noun else ""
    return text + (f" ({left_out:,} more, {why}, {'is' if left_out == 1 else 'are'} not counted)" if left_out else "")


def values(symbol: str, xs: Iterable[float]) -> str:
    """A set of parameter values: ``δ = 0.1`` for one, ``δ ∈ {0, 0.1}`` for several.

    Raises
    ------
    ValueError
        If ``xs`` is empty (an empty set is said in words by the caller).

    Examples
    --------
    >>> values("δ", [0.1])
    'δ = 0.1'
    >>> values("δ", [0.0, 0.1, 0.2])
    'δ ∈ {0, 0.1, 0.2}'
    """
    xs = list(xs)
    if not xs:
        raise ValueError(f"no values of {symbol} to report")
    if len(xs) == 1:
        return f"{symbol} = {value(xs[0])}"
    return f"{symbol} ∈ {{" + ", ".join(value(x) for x in xs) + "}"


def subset(symbol: str, chosen: Sequence[float], among: Sequence[float], of: str = "of the figure") -> str:
    """Which of the parameter values considered: all, none, or the set itself.

    Examples
    --------
    >>> subset("δ", [0.0, 0.1], [0.0, 0.1, 0.2])
    'δ ∈ {0, 0.1}'
    >>> subset("δ", [0.0, 0.1], [0.0, 0.1])
    'every δ of the figure'
    >>> subset("δ", [], [0.0, 0.1])
    'no δ of the figure'
    """
    if not chosen:
        return f"no {symbol} {of}".rstrip()
    if len(chosen) == len(among):
        return f"every {symbol} {of}".rstrip()
    return values(symbol, chosen)


def first_at(n: int | None, grid: Sequence[int] | np.ndarray, symbol: str = "n") -> str:
    """The first grid point at which something happens: ``n = 50``, ``the first n plotted (10)``,
    or ``no n up to 490`` (``None``: it happens at no point of the grid).

    Examples
    --------
    >>> first_at(50, [10, 20, 50]), first_at(10, [10, 20, 50]), first_at(None, [10, 20, 50])
    ('n = 50', 'the first n plotted (10)', 'no n up to 50')
    """
    if n is None:
        return f"no {symbol} up to {int(max(grid)):,}"
    return f"the first {symbol} plotted ({int(n):,})" if n == min(grid) else f"{symbol} = {int(n):,}"


def ranges(points: Iterable[int], step: int, symbol: str = "n") -> str:
    """Points of a regular grid (spacing ``step``) as runs of consecutive points.

    Examples
    --------
    >>> ranges([10, 20, 30, 200, 210], step=10)
    'n = 10–30 and 200–210'
    >>> ranges([50], step=10)
    'n = 50'
    """
    ns = sorted(int(n) for n in points)
    if not ns:
        raise ValueError(f"no values of {symbol} to report")
    runs, start = [], ns[0]
    for a, b in zip(ns, [*ns[1:], None], strict=True):
        if b is None or b - a != step:
            runs.append(f"{start}" if start == a else f"{start}–{a}")
            if b is not None:
                start = b
    return f"{symbol} = " + " and ".join(runs)


def series(items: Sequence[str], conjunction: str = "and") -> str:
    """Items as a sentence list: ``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> series(["a", "b", "c"])
    'a, b and c'
    """
    items = list(items)
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def split(symbol: str, parts: Mapping[str, Sequence[float]]) -> str:
    """Statements that hold for different parameter values, the empty ones left out.

    Examples
    --------
    >>> split("δ", {"fewer": [0.0, 0.05], "as many or more": [0.1], "out of reach": []})
    'fewer for δ ∈ {0, 0.05} and as many or more for δ = 0.1'
    """
    return " and ".join(f"{text} for {values(symbol, xs)}" for text, xs in parts.items() if len(xs))


def where(holds: Mapping[float, Sequence[int] | np.ndarray], grid: Sequence[int] | np.ndarray, symbol: str = "δ") -> str:
    """Where a statement holds, per parameter: ``at every n for …; for … only at …; at no n for …``.

    Parameters
    ----------
    holds : mapping of float to sequence of int
        For each parameter value, the grid points at which the statement holds.
    grid : sequence of int
        The whole (regular) grid.
    symbol : str, default "δ"
        The parameter's symbol.

    Examples
    --------
    >>> where({0.0: [10, 20, 30], 0.1: [10, 20], 0.2: []}, grid=[10, 20, 30])
    'at every n for δ = 0; for δ = 0.1 only at n = 10–20; at no n for δ = 0.2'
    """
    grid = sorted(int(n) for n in grid)
    step = grid[1] - grid[0] if len(grid) > 1 else 1
    always = [x for x, ns in holds.items() if len(ns) == len(grid)]
    never = [x for x, ns in holds.items() if len(ns) == 0]
    parts = [f"at every n for {values(symbol, always)}"] if always else []
    parts += [f"for {values(symbol, [x])} only at {ranges(ns, step)}" for x, ns in holds.items() if 0 < len(ns) < len(grid)]
    parts += [f"at no n for {values(symbol, never)}"] if never else []
    return "; ".join(parts)


def bullets(lead: str, lines: Iterable[str]) -> str:
    """A lead sentence and a Markdown bullet list.

    Examples
    --------
    >>> print(bullets("On this build's data:", ["one", "two"]))
    On this build's data:
    <BLANKLINE>
    - one
    - two
    """
    return lead + "\n\n" + "\n".join(f"- {line}" for line in lines)


class _Myst:
    """Markdown for myst-nb's glue as the chapter wrote it: not an ``IPython.display.Markdown``,
    which a downloaded notebook's display hook rewrites as CommonMark with its own numbering."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown


def shows(key: str, markdown: str) -> None:
    """Hand a chapter's key results (Markdown) to the "What this chapter shows" box at the top of
    its page, glued under ``key`` (myst-nb's ``glue``, shown where the page names the key), and
    show them where the cell is: the book removes that cell (tag ``remove-cell``), a downloaded
    notebook shows them there (its box says so).

    Examples
    --------
    >>> shows("example-shows", "- one result")  # doctest: +SKIP
    """
    from IPython.display import Markdown, display

    display(Markdown(markdown))
    try:
        from myst_nb import glue  # type: ignore[import-untyped]
    except ImportError:  # outside the book's environment: shown in place only
        return
    glue(key, _Myst(markdown), display=False)


def cells(rows, digits: int = 3, floor: float | None = None,
          formats: Mapping[str, Callable[[object], str]] | None = None) -> list[dict[str, str]]:
    """A table's rows as text, for a Markdown table: numbers by :func:`number` with ``digits``
    and ``floor``, whole numbers by :func:`count`, booleans as ``yes`` and ``**no**``, text as
    it is; ``formats`` gives a column its own rule.

    Parameters
    ----------
    rows : pandas.DataFrame or sequence of mapping
        The table.

    Examples
    --------
    >>> cells([{"profile": "a", "η*": 0.61834, "n": 1200, "ok": False}])
    [{'profile': 'a', 'η*': '0.618', 'n': '1,200', 'ok': '**no**'}]
    >>> cells([{"x": 0.25}], formats={"x": "{:.1f}".format})
    [{'x': '0.2'}]
    """
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else [dict(r) for r in rows]
    formats = dict(formats or {})

    def cell(key: str, x: object) -> str:
        if key in formats:
            return formats[key](x)
        if isinstance(x, (bool, np.bool_)):
            return "yes" if x else "**no**"
        if isinstance(x, (int, np.integer)):
            return count(int(x))
        if isinstance(x, (float, np.floating)):
            return number(float(x), digits=digits, floor=floor)
        return str(x)

    return [{key: cell(key, x) for key, x in record.items()} for record in records]


def markdown_table(rows: Sequence[Mapping[str, object]]) -> str:
    """A small Markdown table for notebook output, a row per mapping with the first one's keys
    as the header (pandas' ``to_markdown`` needs an extra package); empty for no rows.

    Examples
    --------
    >>> print(markdown_table([{"n": 1, "gap": "0.5"}]))
    | n | gap |
    |---|---|
    | 1 | 0.5 |
    """
    if not rows:
        return ""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)
