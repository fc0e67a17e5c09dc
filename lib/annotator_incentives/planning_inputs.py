"""The planner's inputs from files: preference probabilities (or scores) and a utility profile.

:func:`p_from_file` reads a CSV or Parquet file of preference probabilities p, or of the
scores of the chosen and rejected responses; :func:`profile_from_toml` reads a utility profile
(G, E, mu, the outside option and the wage bounds) from a small TOML file. Every way a file can
be wrong is a named error (:class:`~annotator_incentives.data.DataError`,
:class:`~annotator_incentives.utility.ProfileError`) that says where. Both are importable from
:mod:`annotator_incentives.planning` too, which uses them.
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import validation
from .data import DataError, Scores, preference_probabilities
from .data.errors import _first_line
from .data.packaged import verify_local_copy
from .utility import CARA_EXPONENT_MAX, EPS, ROUNDING_ULPS, Fn, ProfileError, UtilityProfile, cara
from .validation import AnnotatorInputError

__all__ = ["p_from_file", "profile_from_toml"]


# --- reading a file ---------------------------------------------------------------------------

def _read_error(path: Path, error: OSError) -> DataError:
    """The named error for a file the system refuses to read (permission, I/O)."""
    reason = "permission denied" if isinstance(error, PermissionError) else (error.strerror or str(error))
    return DataError(f"cannot read {path}: {reason}")


def _text(path: Path, error: type[AnnotatorInputError]) -> str:
    """The file's text (UTF-8), or the named error: missing, a directory, unreadable, binary."""
    if path.is_dir():
        raise error(f"{path} is a directory, not a file")
    if not path.exists():
        raise error(f"no such file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as failure:
        raise error(str(_read_error(path, failure))) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise error(f"{path} is not a UTF-8 text file (byte {failure.start} cannot be decoded; a binary file?)") from None


# --- a table of p or scores -------------------------------------------------------------------

_INPUT_COLUMNS = ("p", "chosen_score", "rejected_score")  # the columns a table of p or scores is read for

def _check_csv_header(path: Path, text: str) -> list[str]:
    """Every non-blank line has as many fields as the header, and no column name appears twice
    (linear in the size of the file); a line the csv module cannot split, such as a field longer
    than its limit of 131,072 characters, is named with its line."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        for row in reader:
            if row and len(row) != len(header):
                raise DataError(f"{path}: line {reader.line_num} has {len(row)} field(s), the header {len(header)}")
    except csv.Error as failure:
        limit = csv.field_size_limit()
        reason = (f"a field longer than {limit:,} characters" if "field limit" in str(failure)
                  else f"not a readable CSV file ({failure})")
        raise DataError(f"{path}: line {reader.line_num}: {reason}") from None
    twice = sorted(name for name, times in Counter(header).items() if times > 1)
    if twice:
        raise DataError(f"{path}: column name(s) {', '.join(map(repr, twice))} appear more than once in the header")
    return header


def _csv_frame(path: Path) -> pd.DataFrame:
    """The columns of a CSV file that hold p or scores, as a table of strings (blank lines kept,
    so that they can be named); other columns are not parsed, so that a wide file reads in
    linear time. Lines may end in LF, CR LF or CR alone (old Mac files)."""
    text = _text(path, DataError)
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = _check_csv_header(path, text)
    if "p" not in header and not {"chosen_score", "rejected_score"} <= set(header):
        raise _no_input_columns(path, header)
    wanted = [name for name in header if name in _INPUT_COLUMNS]
    try:
        return pd.read_csv(io.StringIO(text), skip_blank_lines=False, dtype=str, keep_default_na=False, usecols=wanted)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as failure:
        raise DataError(f"{path}: not a readable CSV file ({_first_line(failure)})") from None


def _parquet_frame(path: Path) -> pd.DataFrame:
    """A Parquet file as a table, with no column name twice."""
    import pyarrow

    if path.is_dir():
        raise DataError(f"{path} is a directory, not a file")
    try:
        frame = pd.read_parquet(path, page_checksum_verification=True)  # a flipped bit fails, when the file has checksums
    except OSError as failure:
        if isinstance(failure, (PermissionError, FileNotFoundError)):
            raise _read_error(path, failure) from None
        raise DataError(f"{path}: not a readable Parquet file ({_first_line(failure)})") from None
    except (ValueError, pyarrow.ArrowException) as failure:
        raise DataError(f"{path}: not a readable Parquet file ({_first_line(failure)})") from None
    twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if twice:
        raise DataError(f"{path}: column name(s) {', '.join(map(repr, twice))} appear more than once")
    return frame


def _frame(path: Path) -> tuple[pd.DataFrame, int]:
    """The file's table, read by its suffix, with the line (CSV: 2) or row (Parquet: 1) number of
    its first record; a file without records is an error. A file listed in a ``SHA256SUMS`` beside
    it is checked against it first."""
    if path.is_file():
        verify_local_copy(path, path.parent)
    if path.suffix.lower() == ".parquet":
        frame, first_line = _parquet_frame(path), 1
    elif path.suffix.lower() in (".csv", ".txt"):
        frame, first_line = _csv_frame(path), 2
    else:
        raise DataError(f"{path}: unsupported file type {path.suffix!r}; use .csv or .parquet")
    if frame.empty:
        raise DataError(f"{path}: the file has no rows")
    return frame, first_line


def _holds_true_false(values: pd.Series) -> bool:
    """Whether a column holds booleans, or the words true/false (any case)."""
    return bool(
        values.dtype == bool
        or values.map(lambda v: isinstance(v, (bool, np.bool_)) or str(v).strip().lower() in ("true", "false")).any()
    )


def _first_at(mask: pd.Series, first_line: int) -> str:
    """Where the first marked value is: 'line N' of a CSV file (first_line 2) or 'row N' of Parquet."""
    line = int(np.flatnonzero(mask.to_numpy())[0]) + first_line
    return f"{'line' if first_line == 2 else 'row'} {line}"


def _numeric_column(frame: pd.DataFrame, column: str, where: str, first_line: int) -> np.ndarray:
    """A column as floats; booleans, blanks and text are named errors with their line (CSV) or row."""
    values = frame[column]
    if _holds_true_false(values):
        raise DataError(f"{where}: column {column} holds True/False values, not numbers")
    blank = values.isna() | values.map(lambda v: isinstance(v, str) and not v.strip())
    if blank.any():
        raise DataError(f"{where}: column {column} has {int(blank.sum())} blank value(s) or line(s), the first at "
                        f"{_first_at(blank, first_line)}")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna()
    if bad.any():
        raise DataError(f"{where}: column {column} has {int(bad.sum())} non-numeric value(s), e.g. {values[bad].iloc[0]!r} "
                        f"at {_first_at(bad, first_line)}")
    return numbers.to_numpy(float)


def _p_column(frame: pd.DataFrame, path: Path, first_line: int) -> tuple[np.ndarray, str]:
    """The column p, each value in [0, 1], folded to p >= 1/2, and its description."""
    values = _numeric_column(frame, "p", str(path), first_line)
    outside = (values < 0) | (values > 1) | ~np.isfinite(values)
    if outside.any():
        raise DataError(f"{path}: column p must lie in [0, 1]; found {values[outside][0]}")
    return np.maximum(values, 1 - values), f"{len(values):,} preference probabilities from {path}"


def _p_from_scores(frame: pd.DataFrame, path: Path, first_line: int) -> tuple[np.ndarray, str]:
    """p = sigmoid(chosen_score - rejected_score) on the evaluation half of the pairs, folded,
    ties dropped (as in the book's data chapter), and its description."""
    chosen, rejected = (_numeric_column(frame, c, str(path), first_line) for c in ("chosen_score", "rejected_score"))
    data = preference_probabilities(Scores("file", path.name, chosen, rejected, str(path), False, False))
    return data.p, f"{data.n_eval:,} pairs (evaluation half of {data.n_pairs:,}) scored in {path}"


def p_from_file(path: str | os.PathLike[str]) -> tuple[np.ndarray, str]:
    r"""Preference probabilities from a CSV (UTF-8) or Parquet file: the planner's data input.

    The file holds a column ``p`` in [0, 1], or the columns ``chosen_score`` and
    ``rejected_score`` (then p = sigmoid of their difference, as in the book's data chapter,
    folded, ties dropped), not both. The p feed the expert monitor's signal strength
    :math:`\bar c` (Proposition 2).

    Parameters
    ----------
    path : str or os.PathLike
        The file (.csv, .txt or .parquet).

    Returns
    -------
    tuple
        p folded to >= 1/2 (a numpy array), and a description of where they come from.

    Raises
    ------
    DataError
        Blank lines, True/False values, text, NaN, duplicated column names, missing columns, and
        unreadable, empty or missing files (each named with where).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pairs.csv"
    >>> _ = path.write_text("p\n0.9\n0.2\n0.5\n")
    >>> p, description = p_from_file(path)
    >>> p.tolist(), description.startswith("3 preference probabilities from")  # 0.2 folds to 0.8
    ([0.9, 0.8, 0.5], True)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise DataError(f"a data file must be given by its path; got {type(path).__name__}")
    path = Path(path)
    frame, first_line = _frame(path)
    scored = {"chosen_score", "rejected_score"} <= set(frame.columns)
    if "p" in frame.columns and scored:
        raise DataError(f"{path}: has both a column p and the columns chosen_score, rejected_score; keep one of them")
    if "p" in frame.columns:
        return _p_column(frame, path, first_line)
    if scored:
        return _p_from_scores(frame, path, first_line)
    raise _no_input_columns(path, list(frame.columns))


def _no_input_columns(path: Path, columns: list) -> DataError:
    """The error for a table without p or scores, naming (the first 20 of) its columns."""
    found = ", ".join(map(str, columns[:20])) + (f", ... ({len(columns):,} columns)" if len(columns) > 20 else "")
    return DataError(f"{path}: needs a column p, or the columns chosen_score and rejected_score; found {found}")


# --- a utility profile ------------------------------------------------------------------------

def _power(a: dict[str, float]) -> tuple[Fn, Fn]:
    """mu(eta) = scale eta^power and its derivative (finite at eta = 0)."""
    scale, power = a["scale"], a["power"]
    mu = lambda e: scale * np.power(np.asarray(e, float), power)  # noqa: E731
    dmu = lambda e: scale * power * np.power(np.maximum(np.asarray(e, float), 1e-300), power - 1)  # noqa: E731
    return mu, dmu


def _exp(a: dict[str, float]) -> tuple[Fn, Fn]:
    """mu(eta) = scale (1 - exp(-rate eta)) and its derivative."""
    scale, rate = a["scale"], a["rate"]
    mu = lambda e: scale * -np.expm1(-rate * np.asarray(e, float))  # noqa: E731
    dmu = lambda e: scale * rate * np.exp(-rate * np.asarray(e, float))  # noqa: E731
    return mu, dmu


def _log(a: dict[str, float]) -> tuple[Fn, Fn]:
    """mu(eta) = scale log(1 + rate eta) and its derivative."""
    scale, rate = a["scale"], a["rate"]
    mu = lambda e: scale * np.log1p(rate * np.asarray(e, float))  # noqa: E731
    dmu = lambda e: scale * rate / (1 + rate * np.asarray(e, float))  # noqa: E731
    return mu, dmu


_MU: dict[str, tuple[tuple[str, ...], Callable[[dict[str, float]], tuple[Fn, Fn]]]] = {  # kind: (its keys, (mu, dmu) from them)
    "power": (("scale", "power"), _power),
    "exp": (("scale", "rate"), _exp),
    "log": (("scale", "rate"), _log),
}
_TOP_KEYS = ("name", "U0", "wage_bounds", "G", "E", "mu")
_G_KEYS = ("kind", "rate", "scale")


def _known(where: str, table: dict, keys: tuple[str, ...]) -> None:
    """Every key of the table is one of ``keys``; else an error naming the first stranger."""
    unknown = [key for key in table if key not in keys]
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(keys)}")


@dataclass(frozen=True)
class _ProfileFile:
    """A parsed profile file: its path (for the messages) and its top-level table."""

    path: Path
    config: dict[str, Any]

    def table(self, name: str) -> dict[str, Any]:
        """The section [name]; missing (or not a table) is an error."""
        if not isinstance(self.config.get(name), dict):
            raise ProfileError(f"{self.path}: missing section [{name}]")
        return self.config[name]

    def section(self, name: str, keys: tuple[str, ...]) -> dict[str, Any]:
        """The section [name], each of its keys one of ``keys``."""
        table = self.table(name)
        _known(f"{self.path} [{name}]", table, keys)
        return table

    def number(self, where: str, table: dict, key: str, default: float | None = None, positive: bool = False) -> float:
        """The finite number at ``key`` (> 0 if ``positive``; ``default`` when absent, if any)."""
        if key not in table and default is None:
            raise ProfileError(f"{self.path}: missing key {key!r} in {where}")
        return validation.real(f"{self.path}: {where} {key}", table.get(key, default), ProfileError,
                               0.0 if positive else -np.inf, low_open=positive)


def _read_profile_file(path: Path) -> _ProfileFile:
    """The file parsed as TOML, its top-level keys known ones."""
    text = _text(path, ProfileError)
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML ({error})") from None
    _known(str(path), config, _TOP_KEYS)
    return _ProfileFile(path, config)


# What a profile file may hold, beyond the model's assumptions: scales and rates where the
# solvers' absolute tolerances (1e-12 in utility and in wages) are negligible, wage bounds where
# the CARA G neither overflows nor flattens out (utility.CARA_EXPONENT_MAX), and curves whose
# rounding stays far below what they span. The README's planning section states them.
UNIT_RANGE = (1e-6, 1e6)  # [G] rate and scale
COST_SPAN_MIN = 1e-6  # E(1) - E(0) at least this times max(1, [G] scale): the solvers' tie of 1e-12 and wages resolve it
CANCELLATION_MAX = 1e6  # sum |coefficients| at most this many times E(1) - E(0) (else rounding swamps E)
MU_SPAN_RANGE = (1e-6, 1e4)  # mu(1) - mu(0), in wages of 1/[G] rate (the wage bounds are at most 24 of them apart)
MU_BEND_MAX = 1e3  # [mu] rate (exp, log) at most this; [mu] power at least 1 / this


def _in_units(file: _ProfileFile, where: str, value: float, why: str) -> None:
    """``value`` (found at ``where`` of the file) lies in ``UNIT_RANGE``, else an error naming it."""
    low, high = UNIT_RANGE
    if not low <= value <= high:
        raise ProfileError(f"{file.path}: {where} = {value:g} is outside [{low:g}, {high:g}], {why}")


def _wage_utility(file: _ProfileFile) -> tuple[tuple[Fn, Fn, Fn], tuple[float, float]]:
    """[G]: the annotator's utility of a wage, G(w) = scale (1 - exp(-rate w)) (CARA; Assumption 2
    asks it increasing and strictly concave), with its inverse and derivative; and (rate, scale),
    each in ``UNIT_RANGE``."""
    g = file.section("G", _G_KEYS)
    if g.get("kind", "cara") != "cara":
        raise ProfileError(f"{file.path}: [G] kind must be 'cara' (G(w) = scale (1 - exp(-rate w))); got {g.get('kind')!r}")
    rate, scale = file.number("[G]", g, "rate", 1.0, True), file.number("[G]", g, "scale", 1.0, True)
    _in_units(file, "[G] rate", rate, "where 1/rate, the wage over which G bends, is a wage the solvers resolve")
    _in_units(file, "[G] scale", scale, "where utilities are numbers the solvers resolve; express them in other units")
    return cara(rate, scale), (rate, scale)


def _polynomial_minimum(polynomial: np.polynomial.Polynomial) -> tuple[float, float]:
    """The smallest value of ``polynomial`` on [0, 1] and where it is taken.

    The minimum lies at an end or at a real stationary point; the real part of every complex
    stationary point in [0, 1] is tried too (a double root comes out of ``roots`` with a small
    imaginary part), and a grid of 1,001 points besides: each extra point can only confirm it.

    Examples
    --------
    >>> _polynomial_minimum(np.polynomial.Polynomial([0.0, -1.0, 1.0]))  # eta^2 - eta, lowest at 1/2
    (-0.25, 0.5)
    """
    roots = np.real(polynomial.deriv().roots()).astype(float)
    stationary = roots[(roots > 0) & (roots < 1)]
    where = np.concatenate([np.linspace(0.0, 1.0, 1001), stationary])
    values = polynomial(where)
    i = int(np.argmin(values))
    return float(values[i]), float(where[i])


def _effort_cost(file: _ProfileFile, scale: float) -> tuple[Fn, Fn]:
    """[E]: the annotator's cost of effort, the polynomial E(eta) = sum_i c_i eta^i, and its
    derivative. Checked on [0, 1] exactly (by its stationary points): increasing and convex
    (Assumption 3); its span E(1) - E(0) at least ``COST_SPAN_MIN`` max(1, [G] ``scale``) and at least
    1 / ``CANCELLATION_MAX`` of sum |c_i| (else E's rounding, eps sum |c_i|, is not small against its span)."""
    raw = file.section("E", ("coefficients",)).get("coefficients")
    if not isinstance(raw, list) or not raw:
        raise ProfileError(
            f"{file.path}: [E] coefficients must be a non-empty list of numbers (E(eta) = sum_i c_i eta^i); got {raw!r}"
        )
    coefficients = [validation.real(f"{file.path}: [E] coefficients[{i}]", v, ProfileError) for i, v in enumerate(raw)]
    polynomial = np.polynomial.Polynomial(coefficients)
    derivative = polynomial.deriv()
    size = float(np.sum(np.abs(coefficients)))
    rounding = ROUNDING_ULPS * EPS * size * len(coefficients)
    where = f"{file.path}: [E] coefficients = {coefficients}"
    for label, shape, f in (("E'", "increasing", derivative), ("E''", "convex", derivative.deriv())):
        lowest, at = _polynomial_minimum(f)
        if lowest < -rounding:
            raise ProfileError(f"{where}: Assumption 3 fails: E is not {shape}: {label}({at:.4g}) = {lowest:.6g} < 0")
    span = float(polynomial(1.0) - polynomial(0.0))
    if span <= 0:
        raise ProfileError(f"{where}: Assumption 3 fails: E is not increasing (E(1) = E(0))")
    if span < COST_SPAN_MIN * max(1.0, scale):
        raise ProfileError(f"{where}: effort costs E(1) - E(0) = {span:.4g} are below {COST_SPAN_MIN:g} times the larger of 1 "
                           f"and [G] scale = {scale:g}: the solvers' tolerance of 1e-12 in utility, and the wages that pay "
                           "for effort, would not be small against them; express utilities in units near 1")
    if size > CANCELLATION_MAX * span:
        raise ProfileError(f"{where}: the coefficients' sizes add up to {size:.4g}, more than {CANCELLATION_MAX:g} times "
                           f"E(1) - E(0) = {span:.4g}, so rounding in E(eta) would swamp the costs of effort")
    return lambda e: polynomial(np.asarray(e, float)), lambda e: derivative(np.asarray(e, float))


def _value_of_effort(file: _ProfileFile, rate_G: float) -> tuple[Fn, Fn]:
    """[mu]: the company's value of the annotator's effort, mu(eta) of a known kind, and its
    derivative. Concave by its kind (Assumption 3; a power above 1 is not); its rate at most
    ``MU_BEND_MAX`` (power at least 1 / it: mu must not rise almost entirely within the solvers'
    effort resolution near 0); its span mu(1) - mu(0) within ``MU_SPAN_RANGE`` wages of 1 /
    [G] rate (``rate_G``), where the principal's value and the wages are comparable numbers."""
    kind = file.table("mu").get("kind")  # the keys are checked below, once the kind is known
    if not isinstance(kind, str) or kind not in _MU:
        raise ProfileError(f"{file.path}: [mu] kind must be one of {', '.join(_MU)}; got {kind!r}")
    keys, build = _MU[kind]
    m = file.section("mu", ("kind", *keys))
    values = {key: file.number("[mu]", m, key, positive=True) for key in keys}
    bend_key = "power" if kind == "power" else "rate"
    bend = values[bend_key]
    if kind == "power" and bend > 1:
        raise ProfileError(f"{file.path}: [mu] power = {bend!r}: Assumption 3 fails: mu is not concave "
                           "(scale eta^power is concave only for a power of at most 1)")
    if (bend < 1 / MU_BEND_MAX) if kind == "power" else (bend > MU_BEND_MAX):
        limit = f"at least {1 / MU_BEND_MAX:g}" if kind == "power" else f"at most {MU_BEND_MAX:g}"
        raise ProfileError(f"{file.path}: [mu] {bend_key} = {bend:g} must be {limit}: mu would gain almost all its value "
                           "at efforts too close to 0 for the solvers to resolve")
    mu, dmu = build(values)
    span, (low, high) = float(mu(1.0) - mu(0.0)) * rate_G, MU_SPAN_RANGE
    if not low <= span <= high:
        raise ProfileError(f"{file.path}: [mu] scale = {values['scale']:g} gives mu(1) - mu(0) = {span / rate_G:.4g}, "
                           f"{span:.4g} wages of 1/[G] rate; it must lie within [{low:g}, {high:g}] of them: beyond, "
                           "effort is worth so much more than any wage the bounds allow that contracts sit at the wage "
                           "bounds, where the solvers lose precision; below, so little that nothing is worth paying")
    return mu, dmu


def _wage_bounds(file: _ProfileFile, rate: float) -> tuple[float, float]:
    """wage_bounds = [low, high] (default [-10, 10]), low < high, each with rate |w| at most
    ``CARA_EXPONENT_MAX`` for the [G] ``rate`` (beyond, G overflows or is flat to rounding)."""
    bounds = file.config.get("wage_bounds", [-10.0, 10.0])
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise ProfileError(f"{file.path}: wage_bounds must be [low, high]; got {bounds!r}")
    low, high = (validation.real(f"{file.path}: wage_bounds[{i}]", v, ProfileError) for i, v in enumerate(bounds))
    if not low < high:
        raise ProfileError(f"{file.path}: wage_bounds = [{low:g}, {high:g}] must have low < high (w_lo < w_hi)")
    reach = CARA_EXPONENT_MAX / rate
    for i, w, why in ((0, low, f"G({low:g}) would be about -exp({-rate * low:.4g}) times [G] scale, and sums of such "
                                "utilities lose the precision that contracts need"),
                      (1, high, f"G falls short of its ceiling [G] scale by a share of only exp({-rate * high:.4g}) there, "
                                "so the annotator's utility no longer tells such wages apart")):
        if abs(w) > reach:
            raise ProfileError(f"{file.path}: wage_bounds[{i}] = {w:g} is outside [-{reach:.4g}, {reach:.4g}] for [G] rate = "
                               f"{rate:g} (rate x |wage| at most {CARA_EXPONENT_MAX:g}): {why}")
    return low, high


def _affordable(file: _ProfileFile, G: Fn, E: Fn, U0: float, bounds: tuple[float, float]) -> None:
    """Assumption 4 in the file's terms: U0 + E(eta) for eta in [0, 1] lies within the utilities
    G(wage) of the wages in wage_bounds."""
    need, reach = (U0 + float(E(0.0)), U0 + float(E(1.0))), (float(G(bounds[0])), float(G(bounds[1])))
    if need[0] < reach[0] or need[1] > reach[1]:
        raise ProfileError(
            f"{file.path}: Assumption 4 fails: U0 + E(eta) spans [{need[0]:.4g}, {need[1]:.4g}] over efforts in [0, 1], but "
            f"wages within wage_bounds = [{bounds[0]:g}, {bounds[1]:g}] give utilities G from {reach[0]:.4g} to {reach[1]:.4g}; "
            "widen wage_bounds or change U0"
        )


def _name(file: _ProfileFile) -> str:
    """The profile's name (default: the file's name without its suffix)."""
    name = file.config.get("name", file.path.stem)
    if not isinstance(name, str):
        raise ProfileError(f"{file.path}: name must be a string; got {name!r}")
    return name


def profile_from_toml(path: str | os.PathLike[str]) -> UtilityProfile:
    r"""A utility profile from a TOML file (UTF-8), for example::

        name = "my-team"
        U0 = 0.0
        wage_bounds = [-10.0, 10.0]
        [G]                      # G(w) = scale (1 - exp(-rate w))
        kind = "cara"
        rate = 1.0
        scale = 1.0
        [E]                      # E(eta) = sum_i coefficients[i] eta^i
        coefficients = [0.0, 0.02, 0.18]
        [mu]                     # power: scale eta^power; exp: scale (1 - exp(-rate eta)); log: scale log(1 + rate eta)
        kind = "exp"
        scale = 0.5
        rate = 1.2

    Every key must be one of these (a misspelt key is an error naming it and the known ones);
    numbers must be finite (not true/false, not text); rates, scales and the power are positive.
    The model's assumptions are checked; a violation names the assumption. So that every
    solve is sound in double precision, the file must also keep (each violation names the key,
    its value and the limit):

    - [G] rate and scale within ``UNIT_RANGE`` (1e-6 to 1e6), where the solvers' absolute
      tolerances (1e-12 in utility and in wages) are negligible;
    - both wage bounds within ``rate |wage| <= utility.CARA_EXPONENT_MAX`` (10, as the paper's
      profiles): beyond, G(w_lo) exceeds e^10 = 2.2e4 scale (a contract's expected utility
      loses about ``8 eps |G(w_lo)|`` to rounding) or G near w_hi is too flat to tell wages apart;
    - E increasing and convex on [0, 1] (exactly, by its stationary points), E(1) - E(0) at
      least ``COST_SPAN_MIN`` (1e-6) times max(1, [G] scale), so that the solvers' tie of 1e-12
      in utility is small against it, and at least 1 / ``CANCELLATION_MAX`` (1e-6) of the sum of
      the coefficients' sizes;
    - [mu] power at most 1 (concave) and at least 1 / ``MU_BEND_MAX`` (0.001), [mu] rate at most
      ``MU_BEND_MAX`` (1,000), and mu(1) - mu(0) within ``MU_SPAN_RANGE`` (1e-6 to 1e4) wages of
      1 / [G] rate (the wage bounds are at most 24 of them apart).

    The profile is the principal-agent model's (G, E, mu, U_0 and the wage bounds; the paper's
    Section 3), for the planner's contracts.

    Parameters
    ----------
    path : str or os.PathLike
        The TOML file.

    Returns
    -------
    UtilityProfile
        Named by ``name`` (default: the file's stem), with a CARA tag (rate, scale).

    Raises
    ------
    ProfileError
        A missing, unreadable or non-UTF-8 file, invalid TOML, an unknown or misspelt key, a
        number that is not finite or out of its range, or a profile that breaks Assumptions 2-4.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> text = 'U0 = 0.0\n[G]\nrate = 1.0\nscale = 1.0\n[E]\ncoefficients = [0.0, 0.02, 0.18]\n[mu]\nkind = "power"\n'
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "team.toml"
    >>> _ = path.write_text(text + 'scale = 0.5\npower = 0.8\n')
    >>> profile = profile_from_toml(path)
    >>> profile.name, profile.w_lo, float(profile.mu(1.0))
    ('team', -10.0, 0.5)
    >>> _ = path.write_text(text.replace("U0 = 0.0", "wage_bounds = [-50.0, 10.0]") + 'scale = 0.5\npower = 0.8\n')
    >>> try:
    ...     profile_from_toml(path)  # doctest: +ELLIPSIS
    ... except ProfileError as error:
    ...     print("refused:", error)
    refused: ...team.toml: wage_bounds[0] = -50 is outside [-10, 10] for [G] rate = 1 ...
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ProfileError(f"a profile file must be given by its path; got {type(path).__name__}")
    file = _read_profile_file(Path(path))
    (G, G_inv, dG), (rate, scale) = _wage_utility(file)
    E, dE = _effort_cost(file, scale)
    mu, dmu = _value_of_effort(file, rate)
    w_lo, w_hi = _wage_bounds(file, rate)
    name = _name(file)
    U0 = file.number("the top level", file.config, "U0", 0.0)
    _affordable(file, G, E, U0, (w_lo, w_hi))
    return UtilityProfile(name, G=G, G_inv=G_inv, dG=dG, E=E, dE=dE, mu=mu, dmu=dmu, U0=U0, w_lo=w_lo, w_hi=w_hi,
                          cara=(rate, scale), description=f"from {file.path}")
