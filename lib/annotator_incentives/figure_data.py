"""Figure data that agree across machines: the precision every figure's CSV and JSON is written
at, the tolerances two builds' figure data are compared with, and the command that compares them.

numpy computes exp, log and power along different SIMD paths on different CPUs (AVX2, AVX-512,
ARM), which round differently in the last bit. A well-conditioned quantity (a utility, a gap, a
probability, an error sum, a KL divergence) then moves by about 1e-16 relatively; an optimal
effort at a flat maximum, and whatever is computed from it (a contract's wages, its bonus, the
agent's utility along its curve), by about 1e-8, because the objective moves only by the square
of a step in effort.

Every CSV and JSON a figure or table writes (:mod:`annotator_incentives.plotting`) therefore
holds numbers at :data:`SIGNIFICANT_DIGITS` = 10 significant digits: far more than a plot or a
reader can use, and seven orders of magnitude coarser than the last-bit jitter, so that two
builds on different CPUs write byte-identical files wherever a quantity is well conditioned. A
figure names the columns that are not (``ill_conditioned=`` of ``save_figure`` and
``save_table``); its record lists them as ``ill_conditioned_columns``.

Two builds are compared column by column (:func:`compare_folders`, or on the command line
``python -m annotator_incentives.figure_data compare OTHER``; ``make compare OTHER=...``):

- a well-conditioned column within :data:`WELL_CONDITIONED` (relative 1e-9, absolute 1e-12):
  the policy's 1e-9, made relative because figure data span many orders of magnitude (gaps down
  to 1e-30) and ten significant digits show no more. One unit in the tenth significant digit is
  at most 1e-9 of the value, so the rare value whose jitter happens to straddle a rounding
  boundary (and is then written one unit apart) still passes; the absolute part admits rounding
  noise around zero (a utility that should be 0 written as 1.4e-16 on one CPU and 0 on another);
- a named ill-conditioned column within :data:`ILL_CONDITIONED` (absolute 2e-6, relative
  beyond one), the tests' tolerance policy for what follows from an optimised effort: no solver
  locates a maximum that is flat to rounding better than about sqrt(eps) = 1.5e-8, the searches
  of ``contracts.optimise`` stop within 8e-8 of it (bounded Brent's last bracket; the zoom's
  cells at ``FLAT`` = 16 eps), so two builds' efforts lie within 2e-7 of each other, and
  parameters, wages and the expected wage computed from the effort move up to ten times as
  much. (The effort itself is held to that same 2e-6 here: one class for both keeps the records
  simple, and the efforts measured between CPUs differ by 5e-8 at most.)
- text, integer and boolean columns exactly; the records (JSON) as data, numbers in them within
  :data:`WELL_CONDITIONED`.

The book offers its figure data with a manifest, ``SHA256SUMS`` (:func:`write_manifest`, the
format of ``sha256sum``), so that a reader can check a download before comparing with it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SIGNIFICANT_DIGITS",
    "FLOAT_FORMAT",
    "MANIFEST",
    "Tolerance",
    "WELL_CONDITIONED",
    "ILL_CONDITIONED",
    "FigureDataError",
    "CONTRACT_EFFORT_COLUMNS",
    "ill_conditioned_columns",
    "write_csv",
    "rounded",
    "write_manifest",
    "check_manifest",
    "ColumnDifference",
    "FileComparison",
    "compare_folders",
    "main",
]

SIGNIFICANT_DIGITS = 10
FLOAT_FORMAT = f"%.{SIGNIFICANT_DIGITS}g"
MANIFEST = "SHA256SUMS"
DATA_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class Tolerance:
    """Two numbers a and b agree when ``|a - b| <= atol + rtol * max(|a|, |b|)``.

    Examples
    --------
    >>> WELL_CONDITIONED.allowed(1.0, 1.0 + 1e-10)
    True
    >>> WELL_CONDITIONED.allowed(0.5, 0.5 + 1e-8)
    False
    """

    rtol: float
    atol: float

    def bound(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The largest difference allowed between ``a`` and ``b``, elementwise."""
        return self.atol + self.rtol * np.maximum(np.abs(a), np.abs(b))

    def allowed(self, a: float, b: float) -> bool:
        """Whether the numbers ``a`` and ``b`` agree."""
        return abs(a - b) <= self.atol + self.rtol * max(abs(a), abs(b))

    def __str__(self) -> str:
        return f"{self.atol:g} + {self.rtol:g}·|x|"


WELL_CONDITIONED = Tolerance(rtol=1e-9, atol=1e-12)
ILL_CONDITIONED = Tolerance(rtol=2e-6, atol=2e-6)


# The columns of a table of solved contracts (``contracts.gap_table``, a solution's ``as_row``)
# that follow the induced effort: ill-conditioned wherever that effort is optimised (the
# unrestricted problem). The threshold ``param_k`` is an integer, compared exactly.
CONTRACT_EFFORT_COLUMNS = ("eta", "param_w0", "param_w1", "expected_wage")


class FigureDataError(ValueError):
    """Figure data that cannot be written or compared as asked (a message for a reader)."""


def ill_conditioned_columns(name: str, frame: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """The columns of ``frame`` that a figure names ill-conditioned, checked to exist.

    Parameters
    ----------
    name : str
        The figure's name, for the message.
    frame : DataFrame
        The figure's data.
    columns : iterable of str
        Column names (an optimal effort, parameters computed from it).

    Returns
    -------
    list of str
        The names, in the frame's order.

    Raises
    ------
    FigureDataError
        When a name is not a column of ``frame``.

    Examples
    --------
    >>> ill_conditioned_columns("fig", pd.DataFrame({"n": [1], "eta": [0.9]}), ["eta"])
    ['eta']
    """
    wanted = [columns] if isinstance(columns, str) else list(columns)
    unknown = [c for c in wanted if c not in frame.columns]
    if unknown:
        raise FigureDataError(f"{name!r}: ill-conditioned column(s) {unknown} are not columns of its data "
                              f"({', '.join(map(str, frame.columns))})")
    return [str(c) for c in frame.columns if c in wanted]


def _text_of(value: Any) -> Any:
    """A float inside an object column at the declared precision; anything else as it is."""
    if isinstance(value, float | np.floating):
        return FLOAT_FORMAT % value
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV (no index) with every float at :data:`SIGNIFICANT_DIGITS`.

    Floats in columns of mixed type are written at the same precision.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_csv(pd.DataFrame({"x": [1 / 3]}), Path(folder) / "a.csv")
    ...     print((Path(folder) / "a.csv").read_text().split())
    ['x', '0.3333333333']
    """
    mixed = [c for c in frame.columns if frame[c].dtype == object]  # floats among text: a mixed column
    if mixed:
        frame = frame.assign(**{str(c): frame[c].map(_text_of) for c in mixed})
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT)


def rounded(value: Any) -> Any:
    """JSON-able data with every float at :data:`SIGNIFICANT_DIGITS` (the records' numbers).

    Examples
    --------
    >>> rounded({"width_in": 6.800000000000001, "files": ["a.csv"], "dpi": 110})
    {'width_in': 6.8, 'files': ['a.csv'], 'dpi': 110}
    """
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    if isinstance(value, float | np.floating) and math.isfinite(value):
        return float(FLOAT_FORMAT % value)
    return value


def _data_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix in DATA_SUFFIXES)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path) -> Path:
    """Write ``folder/SHA256SUMS``: the sha256 of every CSV and JSON file in ``folder``.

    The format is ``sha256sum``'s (``<hex>  <name>``), so ``sha256sum -c SHA256SUMS`` checks it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "a.csv").write_text("x\\n1\\n")
    ...     print(write_manifest(Path(folder)).read_text().split()[1])
    a.csv
    """
    folder = Path(folder)
    lines = [f"{_sha256(folder / name)}  {name}\n" for name in _data_files(folder)]
    (folder / MANIFEST).write_text("".join(lines))
    return folder / MANIFEST


def check_manifest(folder: Path) -> list[str]:
    """What is wrong with the figure data in ``folder`` against its ``SHA256SUMS`` (empty: all is
    well, or there is no manifest). Names changed files, files listed but missing, and data
    files not listed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "a.csv").write_text("x\\n1\\n")
    ...     _ = write_manifest(Path(folder))
    ...     _ = (Path(folder) / "a.csv").write_text("x\\n2\\n")
    ...     check_manifest(Path(folder))
    ['a.csv: its sha256 differs from SHA256SUMS (changed since the manifest was written)']
    """
    manifest = Path(folder) / MANIFEST
    if not manifest.is_file():
        return []
    listed: dict[str, str] = {}
    problems = []
    for number, line in enumerate(manifest.read_text(errors="replace").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not line.strip():
            continue
        if len(digest) != 64 or not name:
            problems.append(f"{MANIFEST}, line {number}: not '<sha256>  <file name>': {line[:80]!r}")
            continue
        listed[name.lstrip("*")] = digest.lower()
    for name, digest in listed.items():
        path = Path(folder) / name
        if not path.is_file():
            problems.append(f"{name}: listed in {MANIFEST} but missing")
        elif _sha256(path) != digest:
            problems.append(f"{name}: its sha256 differs from {MANIFEST} (changed since the manifest was written)")
    problems += [f"{name}: not listed in {MANIFEST}" for name in _data_files(Path(folder)) if name not in listed]
    return problems


@dataclass
class ColumnDifference:
    """The largest difference in one column (or one number of a record) between two builds."""

    column: str
    largest: float  # largest |a - b|; compared exactly, the number of differing values
    ratio: float  # largest |a - b| / allowed difference (> 1: beyond tolerance); inf for differing text
    kind: str  # "well conditioned", "ill conditioned", "exact" (text, integers, booleans)
    tolerance: Tolerance | None

    @property
    def ok(self) -> bool:
        return self.ratio <= 1.0


@dataclass
class FileComparison:
    """How one figure's file compares between this build and another."""

    name: str
    identical: bool = False
    problems: list[str] = field(default_factory=list)  # missing, unreadable, different shape or columns
    columns: list[ColumnDifference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(c.ok for c in self.columns)

    @property
    def status(self) -> str:
        if self.identical:
            return "identical"
        if self.problems:
            return "cannot compare"
        return "within tolerance" if self.ok else "BEYOND TOLERANCE"


def _read_csv(path: Path, name: str, where: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise FigureDataError(f"{where}: {name} is not a readable CSV file ({first})") from None


def _read_json(path: Path, name: str, where: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise FigureDataError(f"{where}: {name} is not a readable JSON file ({err})") from None


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _compare_column(column: str, a: pd.Series, b: pd.Series, tolerance: Tolerance, kind: str) -> ColumnDifference:
    if _numeric(a) and _numeric(b) and (pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b)):
        x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        same = (x == y) | (np.isnan(x) & np.isnan(y))
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = np.where(same, 0.0, np.abs(x - y))
            diff = np.where(np.isnan(diff), np.inf, diff)  # a number against nan, or inf against another
            ratio = np.where(same, 0.0, diff / tolerance.bound(x, y))
        return ColumnDifference(column, float(diff.max(initial=0.0)), float(np.nan_to_num(ratio, nan=np.inf).max(initial=0.0)),
                                kind, tolerance)
    differing = int((a.astype(str).to_numpy() != b.astype(str).to_numpy()).sum())
    return ColumnDifference(column, float(differing), np.inf if differing else 0.0, "exact", None)


def _only(here: list, there: list) -> str:
    """Which names only one side has ("" when both have the same), at most five of each."""
    parts = [f"only in {where} {[x for x in mine if x not in theirs][:5]}"
             for where, mine, theirs in (("this build", here, there), ("the other", there, here))
             if any(x not in theirs for x in mine)]
    return "; ".join(parts)


def _compare_csv(name: str, this: Path, other: Path, ill: Sequence[str]) -> FileComparison:
    result = FileComparison(name)
    a, b = _read_csv(this, name, "this build"), _read_csv(other, name, "the other build")
    if list(a.columns) != list(b.columns):
        result.problems.append("different columns: " + (_only(list(a.columns), list(b.columns))
                                                         or f"in another order ({list(a.columns)} and {list(b.columns)})"))
        return result
    if len(a) != len(b):
        result.problems.append(f"different number of rows: {len(a)} in this build, {len(b)} in the other")
        return result
    for column in a.columns:
        named = column in ill
        result.columns.append(_compare_column(str(column), a[column], b[column],
                                              ILL_CONDITIONED if named else WELL_CONDITIONED,
                                              "ill conditioned" if named else "well conditioned"))
    return result


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """A JSON value as {path: leaf}, so that two records compare leaf by leaf."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items()
                for k, v in _flatten(item, f"{path}.{key}" if path else str(key)).items()} or {path: {}}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{path}[{i}]").items()} or {path: []}
    return {path: value}


def _compare_json(name: str, this: Path, other: Path) -> FileComparison:
    result = FileComparison(name)
    a = _flatten(_read_json(this, name, "this build"))
    b = _flatten(_read_json(other, name, "the other build"))
    if a.keys() != b.keys():
        result.problems.append("different entries: " + _only(list(a), list(b)))
        return result
    for key in a:
        x, y = a[key], b[key]
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y))
        if numbers and (isinstance(x, float) or isinstance(y, float)):
            result.columns.append(_compare_column(key, pd.Series([float(x)]), pd.Series([float(y)]), WELL_CONDITIONED,
                                                  "well conditioned"))
        else:
            result.columns.append(ColumnDifference(key, float(x != y), np.inf if x != y else 0.0, "exact", None))
    return result


def _ill_named(folder: Path, stem: str) -> list[str]:
    """The columns a figure's record names ill-conditioned (none without a readable record)."""
    try:
        record = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return []
    named = record.get("ill_conditioned_columns", []) if isinstance(record, dict) else []
    return [str(c) for c in named] if isinstance(named, list) else []


def _figure_folder(folder: Path | str, which: str) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise FigureDataError(f"{which} {str(folder)!r} is not a folder" + ("" if not path.exists() else " (a file)"))
    if not _data_files(path):
        raise FigureDataError(f"{which} {str(folder)!r} holds no figure data (no .csv or .json files)")
    return path


def compare_folders(this: Path | str, other: Path | str) -> list[FileComparison]:
    """Compare the figure data (CSV and JSON) of two builds, file by file and column by column.

    Parameters
    ----------
    this, other : path
        Folders of figure data: a build's ``_build/figures`` (or ``$ANNOTATOR_FIGURE_DIR``), the
        book's ``downloads/figures``, a reader's ``figures/``.

    Returns
    -------
    list of FileComparison
        One per file name found in either folder, sorted: missing files, files that cannot be
        compared (different columns or rows, unreadable) as ``problems``; otherwise the largest
        difference of every column against its tolerance (``ILL_CONDITIONED`` for the columns either
        build's record names, ``WELL_CONDITIONED`` for the other numbers, exact for the rest).
        A folder's ``SHA256SUMS``, when present, is checked too: its problems come first, as an
        entry of their own.

    Raises
    ------
    FigureDataError
        When a folder does not exist or holds no figure data.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
    ...     _ = (Path(a) / "fig.csv").write_text("n,eta\\n1,0.9\\n")
    ...     _ = (Path(b) / "fig.csv").write_text("n,eta\\n1,0.9000000001\\n")
    ...     [(c.name, c.status) for c in compare_folders(a, b)]
    [('fig.csv', 'within tolerance')]
    """
    this_dir, other_dir = _figure_folder(this, "this build's figure data"), _figure_folder(other, "the other figure data")
    here, there = set(_data_files(this_dir)), set(_data_files(other_dir))
    results = [FileComparison(f"{MANIFEST} of {where}", problems=problems)
               for where, folder in (("this build", this_dir), ("the other build", other_dir))
               if (problems := check_manifest(folder))]
    for name in sorted(here | there):
        if name not in here or name not in there:
            where = "this build" if name not in here else "the other build"
            results.append(FileComparison(name, problems=[f"missing in {where}"]))
            continue
        a, b = this_dir / name, other_dir / name
        if a.read_bytes() == b.read_bytes():
            results.append(FileComparison(name, identical=True))
            continue
        stem = Path(name).stem
        try:
            if name.endswith(".csv"):
                ill = sorted(set(_ill_named(this_dir, stem)) | set(_ill_named(other_dir, stem)))
                results.append(_compare_csv(name, a, b, ill))
            else:
                results.append(_compare_json(name, a, b))
        except FigureDataError as err:
            results.append(FileComparison(name, problems=[str(err)]))
    return results


def report(results: Sequence[FileComparison], verbose: bool = False) -> str:
    """The comparison as text: per file its status, then, for a file that is not byte-identical,
    the largest difference of every column that differs against its tolerance (every column with
    ``verbose``); a closing count."""
    lines = []
    width = max((len(r.name) for r in results), default=10)
    for r in results:
        lines.append(f"{r.name:<{width}}  {r.status}")
        lines += [f"    {problem}" for problem in r.problems]
        shown = [c for c in r.columns if verbose or c.largest > 0]
        if shown:
            lines.append(f"    {'column':<28} {'largest |diff|':>14} {'/ tolerance':>11}  tolerance ({'kind'})")
        for c in shown:
            allowed = "exact" if c.tolerance is None else f"{c.tolerance} ({c.kind})"
            largest = f"{c.largest:.0f} differ" if c.tolerance is None else f"{c.largest:.3g}"
            flag = "" if c.ok else "   <-- beyond tolerance"
            lines.append(f"    {c.column[:28]:<28} {largest:>14} {c.ratio:>11.3g}  {allowed}{flag}")
        hidden = len(r.columns) - len(shown)
        if shown and hidden:
            lines.append(f"    ({hidden} other column(s) equal)")
    counts = {status: sum(r.status == status for r in results)
              for status in ("identical", "within tolerance", "BEYOND TOLERANCE", "cannot compare")}
    lines.append(f"{len(results)} files: " + ", ".join(f"{n} {status.lower()}" for status, n in counts.items()))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m annotator_incentives.figure_data",
        description="Compare two builds' figure data (CSV and JSON), or write a folder's SHA256SUMS.")
    commands = ap.add_subparsers(dest="command", required=True)
    compare = commands.add_parser(
        "compare", help="compare this build's figure data with another's",
        description="Compare this build's figure data with another's, column by column, against the "
                    f"tolerances of conditioning: {WELL_CONDITIONED} for well-conditioned numbers, "
                    f"{ILL_CONDITIONED} for the columns a figure names ill-conditioned, exactly for the rest. "
                    "Exit 0 when all agree, 1 when any differs beyond its tolerance or is missing, 2 for bad input.")
    compare.add_argument("other", help="the other folder of figure data (e.g. the book's downloads/figures)")
    compare.add_argument("--this", default=None, dest="this",
                         help="this build's figure data (default: $ANNOTATOR_FIGURE_DIR, else _build/figures)")
    compare.add_argument("--verbose", action="store_true", help="list every column, also the equal ones")
    manifest = commands.add_parser("manifest", help="write SHA256SUMS of a folder's figure data")
    manifest.add_argument("folder")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``compare OTHER [--this DIR] [--verbose]`` or ``manifest DIR``.

    Returns 0 when the builds agree, 1 when a file is missing or differs beyond its tolerance,
    2 for bad input (printed as ``error: ...``, never a traceback).

    Examples
    --------
    >>> main(["compare", "/nonexistent-folder", "--this", "/nonexistent-too"])
    2
    """
    import os

    ap = _parser()
    args = ap.parse_args(argv)
    try:
        if args.command == "manifest":
            folder = _figure_folder(args.folder, "the figure data")
            print(f"wrote {write_manifest(folder)}")
            return 0
        this = args.this or os.environ.get("ANNOTATOR_FIGURE_DIR") or "_build/figures"
        results = compare_folders(this, args.other)
    except (FigureDataError, OSError) as err:
        hint = " (build the book first, make book, or give --this)" if args.command == "compare" and not args.this \
            and not os.environ.get("ANNOTATOR_FIGURE_DIR") and "this build" in str(err) else ""
        print(f"{ap.prog}: error: {err}{hint}", file=sys.stderr)
        return 2
    print(f"comparing this build's figure data ({this}) with {args.other}")
    print(report(results, verbose=args.verbose))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
