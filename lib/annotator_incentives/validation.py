"""Checks of the quantities every public function takes, one checker per kind of quantity.

Each checker returns the value in its working type (float, int or a float array) or raises
the caller's named error (a subclass of :class:`AnnotatorInputError`) with the offending value
and the allowed range. Booleans, strings, None, NaN and infinities are never numbers here.

This module is the bottom floor of the package: it imports nothing of it.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "AnnotatorInputError",
    "MAX_CHECKS",
    "real",
    "probability",
    "open_probability",
    "probabilities",
    "count",
    "counts",
    "checks",
    "signal_strength",
    "reals",
    "instance",
    "table",
    "keys",
    "vectorised",
]

MAX_CHECKS = 10**6  #: largest number of checks n the contract solvers accept (memory and time grow with n)


class AnnotatorInputError(ValueError):
    """An input outside the documented domain of a function of the library. Every named error
    of the library (ProfileError, MonitoringError, DataError, PlanningError, ContractError)
    derives from it.

    Examples
    --------
    A named error is one, and so a ``ValueError``; a checker called without a named error
    raises this base itself:

    >>> from annotator_incentives.monitoring import MonitoringError
    >>> issubclass(MonitoringError, AnnotatorInputError), issubclass(AnnotatorInputError, ValueError)
    (True, True)
    >>> try:
    ...     probability("p", 1.5)
    ... except ValueError as error:
    ...     print(type(error).__name__, "-", error)
    AnnotatorInputError - p must lie in [0, 1]; got 1.5
    """


Error = type[AnnotatorInputError]


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scalar(name: str, value, error: Error) -> float:
    """A real number (Python or numpy; a 0-d or one-element array will do), as a float."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise error(f"{name} must be a real number; got {type(value).__name__} {_show(value)}")
    try:
        return float(value)
    except OverflowError:  # an int beyond the floats, such as 10**400
        raise error(f"{name} must be a finite number; got {_show(value)}") from None


def real(name: str, value, error: Error = AnnotatorInputError, low: float = -np.inf, high: float = np.inf,
         low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number in the interval from ``low`` to ``high`` (ends open or closed).

    Parameters
    ----------
    name : str
        What the value is, as the error message names it.
    value : int or float
        The number to check (a one-element numpy array will do; booleans, strings, None, NaN and
        infinities are refused).
    error : type, optional
        The named error to raise (a subclass of :class:`AnnotatorInputError`).
    low, high : float, optional
        The interval's ends (default: the whole real line).
    low_open, high_open : bool, optional
        Whether an end is excluded.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    float
        The value as a float.

    Raises
    ------
    AnnotatorInputError
        (``error``) When the value is not a finite real number in the interval.

    Examples
    --------
    >>> real("wage", 2, low=0.0)
    2.0
    >>> try:
    ...     real("c", 1.5, low=0.0, high=1.0)
    ... except AnnotatorInputError as error:
    ...     print(error)
    c must lie in [0, 1]; got 1.5
    """
    x = _scalar(name, value, error)
    if not np.isfinite(x) or x < low or x > high or (low_open and x == low) or (high_open and x == high):
        if np.isfinite(low) and np.isfinite(high):
            where = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            raise error(f"{name} must lie in {where}; got {_show(value)}")
        if np.isfinite(low) or np.isfinite(high):
            where = f"{'>' if low_open else '>='} {low:g}" if np.isfinite(low) else f"{'<' if high_open else '<='} {high:g}"
            raise error(f"{name} must be a finite number {where}; got {_show(value)}")
        raise error(f"{name} must be a finite number; got {_show(value)}")
    return x


def probability(name: str, value, error: Error = AnnotatorInputError) -> float:
    """A probability in [0, 1].

    Parameters
    ----------
    value : int or float
        A chance, such as an annotator's accuracy.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    float
        ``value`` as a float in [0, 1].

    Raises
    ------
    AnnotatorInputError
        (``error``) When the value is not a number in [0, 1].

    Examples
    --------
    >>> probability("p", 1)
    1.0
    """
    return real(name, value, error, 0.0, 1.0)


def open_probability(name: str, value, error: Error = AnnotatorInputError) -> float:
    """A probability in (0, 1), such as a target error sum or a confidence level.

    Parameters
    ----------
    value : float
        A level or target strictly between the certainties.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    float
        ``value`` as a float in (0, 1).

    Raises
    ------
    AnnotatorInputError
        (``error``) When the value is not a number strictly between 0 and 1.

    Examples
    --------
    >>> open_probability("level", 0.95)
    0.95
    >>> try:
    ...     open_probability("level", 1.0)
    ... except AnnotatorInputError as error:
    ...     print(error)
    level must lie in (0, 1); got 1.0
    """
    return real(name, value, error, 0.0, 1.0, low_open=True, high_open=True)


def signal_strength(name: str, value, error: Error = AnnotatorInputError) -> float:
    """A monitor's signal strength c in (0, 1]: one check is passed with probability (1 + c eta)/2
    (Propositions 2 and 4).

    Parameters
    ----------
    value : float
        The signal strength c.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    float
        c as a float.

    Raises
    ------
    AnnotatorInputError
        (``error``) When c is not a number in (0, 1] (c = 0 carries no signal).

    Examples
    --------
    >>> signal_strength("c", 0.4)
    0.4
    """
    return real(name, value, error, 0.0, 1.0, low_open=True)


def _array(name: str, value, error: Error) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise error(f"{name} must be numbers; got {type(value).__name__} {_show(value)}")
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise error(f"{name} must be numbers; got {'booleans' if array.dtype.kind == 'b' else f'values of type {array.dtype}'}")
    if array.size == 0:
        raise error(f"{name} is empty")
    return array


def probabilities(name: str, value, error: Error = AnnotatorInputError, low: float = 0.0, high: float = 1.0,
                  open_ends: bool = False) -> np.ndarray:
    """An array (or number) of values in [low, high] (default: probabilities; ``open_ends``:
    in (low, high)), as floats.

    Parameters
    ----------
    value : float or array_like
        The numbers to check (not empty; no booleans or text).
    low, high : float, optional
        The interval's ends (default [0, 1]).
    open_ends : bool, optional
        Whether both ends are excluded.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    numpy.ndarray
        The values as floats, in the shape given.

    Raises
    ------
    AnnotatorInputError
        (``error``) When a value is not finite or lies outside the interval (the first such
        value is named, with how many there are), or the input is empty or not numbers.

    Examples
    --------
    >>> probabilities("q", [0, 0.5, 1])
    array([0. , 0.5, 1. ])
    >>> try:
    ...     probabilities("q", [0.5, 2.0, 3.0])
    ... except AnnotatorInputError as error:
    ...     print(error)
    q must lie in [0, 1]; got 2.0 (2 such values)
    """
    array = _array(name, value, error).astype(float)
    bad = ~np.isfinite(array) | (array < low) | (array > high) | (open_ends & ((array == low) | (array == high)))
    if bad.any():
        ends = "()" if open_ends else "[]"
        where = f"lie in {ends[0]}{low:g}, {high:g}{ends[1]}" if np.isfinite(low) or np.isfinite(high) else "be finite numbers"
        raise error(f"{name} must {where}; got {_show(array[bad].flat[0].item())}"
                    + (f" ({int(bad.sum())} such values)" if bad.sum() > 1 else ""))
    return array


def reals(name: str, value, error: Error = AnnotatorInputError) -> np.ndarray:
    """An array (or number) of finite real numbers, as floats.

    Parameters
    ----------
    value : float or array_like
        The numbers to check (not empty; no booleans or text).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    numpy.ndarray
        The values as floats.

    Raises
    ------
    AnnotatorInputError
        (``error``) When a value is NaN or infinite, or the input is empty or not numbers.

    Examples
    --------
    >>> reals("scores", [1, -2.5])
    array([ 1. , -2.5])
    """
    return probabilities(name, value, error, -np.inf, np.inf)


def _range(minimum: int | None, maximum: int | None) -> str:
    bounds = ([] if minimum is None else [f"at least {minimum:,}"]) + ([] if maximum is None else [f"at most {maximum:,}"])
    return " and ".join(bounds)


def _whole(value, x: float) -> int:
    """A whole number as an int: a Python or numpy integer exactly, anything else by way of its float ``x``."""
    return int(value) if isinstance(value, (numbers.Integral, np.integer)) else int(x)


def counts(name: str, value, error: Error = AnnotatorInputError, minimum: int | None = 0,
           maximum: int | None = None) -> np.ndarray:
    """Whole numbers (an array or a number) from ``minimum`` to ``maximum`` (None: no bound), as int64
    (so never beyond 2**63 - 1, where int64 ends).

    Parameters
    ----------
    value : int or array_like
        Whole numbers (integral floats such as 3.0 will do).
    minimum, maximum : int or None, optional
        The bounds (default: at least 0, no upper bound).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    numpy.ndarray
        The values as int64.

    Raises
    ------
    AnnotatorInputError
        (``error``) When a value is not whole, lies outside the bounds, or the input is empty
        or not numbers.

    Examples
    --------
    >>> counts("k", [0, 2.0, 5])
    array([0, 2, 5])
    >>> try:
    ...     counts("k", [1.5])
    ... except AnnotatorInputError as error:
    ...     print(error)
    k must be whole numbers; got 1.5
    """
    top = np.iinfo(np.int64).max if maximum is None else min(maximum, np.iinfo(np.int64).max)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)) and abs(int(value)) > top:
        raise error(f"{name} must be a whole number {_range(minimum, top)}; got {_show(value)}")
    array = _array(name, value, error)
    if array.dtype.kind == "u" and array.size and array.max() > top:
        raise error(f"{name} must be a whole number {_range(minimum, top)}; got {_show(array.max().item())}")
    if array.dtype.kind == "f":
        fractional = ~(np.isfinite(array) & (array == np.round(array)))
        if fractional.any():
            raise error(f"{name} must be whole numbers; got {_show(array[fractional].flat[0].item())}")
    outside = (array < (-np.inf if minimum is None else minimum)) | (array > (np.inf if maximum is None else maximum))
    if outside.any():
        raise error(f"{name} must be a whole number {_range(minimum, maximum)}; got {_show(array[outside].flat[0].item())}")
    return array.astype(np.int64)


def count(name: str, value, error: Error = AnnotatorInputError, minimum: int = 0, maximum: int | None = None) -> int:
    """One whole number from ``minimum`` to ``maximum`` (an integral float such as 5.0 will do).

    Parameters
    ----------
    value : int or float
        The number to check.
    minimum : int, optional
        The smallest allowed value (default 0).
    maximum : int or None, optional
        The largest allowed value (None: no bound).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    int
        The value as an int.

    Raises
    ------
    AnnotatorInputError
        (``error``) When the value is not a whole number within the bounds.

    Examples
    --------
    >>> count("points", 5.0, minimum=2)
    5
    >>> try:
    ...     count("points", 1, minimum=2)
    ... except AnnotatorInputError as error:
    ...     print(error)
    points must be a whole number at least 2; got 1
    """
    x = _scalar(name, value, error)
    if not np.isfinite(x) or x != round(x):
        raise error(f"{name} must be a whole number; got {_show(value)}")
    if x < minimum or (maximum is not None and x > maximum):
        raise error(f"{name} must be a whole number {_range(minimum, maximum)}; got {_show(value)}")
    return _whole(value, x)


def checks(name: str, value, error: Error = AnnotatorInputError, maximum: int = MAX_CHECKS) -> int:
    """A number of checks (inspected samples) n, from 1 to ``maximum``: :func:`count` with the
    message saying what n counts.

    Parameters
    ----------
    value : int or float
        The number of checks.
    maximum : int, optional
        The largest n accepted (default ``MAX_CHECKS``).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    int
        n as an int.

    Raises
    ------
    AnnotatorInputError
        (``error``) When n is not a whole number from 1 to ``maximum``.

    Examples
    --------
    >>> checks("n", 10)
    10
    >>> try:
    ...     checks("n", 0)
    ... except AnnotatorInputError as error:
    ...     print(error)
    n must be a whole number >= 1 (at least 1 check, at most 1,000,000)...
    """
    x = _scalar(name, value, error)
    if not np.isfinite(x) or x != round(x) or not 1 <= x <= maximum:
        raise error(f"{name} must be a whole number >= 1 (at least 1 check, at most {maximum:,}); got {_show(value)}")
    return _whole(value, x)


def instance(name: str, value, kind: type, error: Error = AnnotatorInputError, hint: str = ""):
    """``value`` itself when it is a ``kind`` (e.g. a utility profile), else the named error.

    Parameters
    ----------
    value : object
        The object to check.
    kind : type
        The type it must have.
    hint : str, optional
        Words appended to the type's name in the message (how to make one).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    object
        ``value``, unchanged.

    Raises
    ------
    AnnotatorInputError
        (``error``) When ``value`` is not an instance of ``kind``.

    Examples
    --------
    >>> instance("name", "team", str)
    'team'
    >>> try:
    ...     instance("options", [1], dict)
    ... except AnnotatorInputError as error:
    ...     print(error)
    options must be a dict; got list [1]
    """
    if not isinstance(value, kind):
        raise error(f"{name} must be a {kind.__name__}{hint}; got {type(value).__name__} {_show(value)}")
    return value


def table(name: str, value, columns, error: Error = AnnotatorInputError):
    """``value`` itself when it is a non-empty pandas DataFrame whose column names are flat (not a
    MultiIndex) and unique, among them ``columns``; else the named error saying what is wrong.

    Parameters
    ----------
    value : pandas.DataFrame
        The table to check.
    columns : iterable of str
        The columns it must have (others may be present).
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    pandas.DataFrame
        ``value``, unchanged.

    Raises
    ------
    AnnotatorInputError
        (``error``) When ``value`` is not a DataFrame, has MultiIndex or repeated column names,
        lacks a column of ``columns``, or has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> table("labels", pd.DataFrame({"item": ["a"], "label": [1.0]}), ("item",)).shape
    (1, 2)
    >>> try:
    ...     table("labels", pd.DataFrame([[1, 2]], columns=["label", "label"]), ("label",))
    ... except AnnotatorInputError as error:
    ...     print(error)
    labels: column name(s) 'label' appear more than once
    """
    import pandas as pd

    instance(name, value, pd.DataFrame, error)
    if isinstance(value.columns, pd.MultiIndex):
        raise error(f"{name}: its columns must be plain names, not a MultiIndex ({value.columns.nlevels} levels); "
                    "flatten them first")
    twice = sorted({str(c) for c in value.columns[value.columns.duplicated()]})
    if twice:
        raise error(f"{name}: column name(s) {', '.join(map(repr, twice))} appear more than once")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise error(f"{name}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, value.columns)) or 'none'}")
    if value.empty:
        raise error(f"{name} is empty (no rows)")
    return value


def keys(name: str, frame, columns, error: Error = AnnotatorInputError) -> None:
    """Columns of a checked :func:`table` that name things (items, judges, groups): no missing
    value, each a hashable value, all of one kind (all text or all numbers), so that they can
    be grouped and sorted.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table checked by :func:`table`.
    columns : iterable of str
        The columns that name things.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    None
        When every column is usable.

    Raises
    ------
    AnnotatorInputError
        (``error``) When a column has a missing value (the first row is named) or mixes kinds
        of names.

    Examples
    --------
    >>> import pandas as pd
    >>> try:
    ...     keys("labels", pd.DataFrame({"judge": ["j1", None]}), ("judge",))
    ... except AnnotatorInputError as error:
    ...     print(error)
    labels: column judge has 1 missing value(s), the first in row 2
    """
    import pandas as pd

    for column in columns:
        values = frame[column]
        missing = values.isna().to_numpy()
        if missing.any():
            raise error(f"{name}: column {column} has {int(missing.sum())} missing value(s), the first in row "
                        f"{int(np.flatnonzero(missing)[0]) + 1}")
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        kinds = {"text" if isinstance(v, str) else "number" if isinstance(v, numbers.Number) else type(v).__name__
                 for v in values}
        if not kinds <= {"text", "number"} or len(kinds) > 1:
            raise error(f"{name}: column {column} must hold names of one kind (all text or all numbers); "
                        f"got {', '.join(sorted(kinds))}")


def vectorised(name: str, function, sample, error: Error = AnnotatorInputError) -> None:
    """``function`` is callable and vectorised: on the array ``sample`` it returns an array of
    numbers of the same shape (as numpy's functions do), else the named error saying what it did.
    For the functions of a utility profile (G, E, mu and their inverses and derivatives), which
    the solvers call on whole grids of wages and efforts.

    Parameters
    ----------
    function : callable
        The function to check.
    sample : array_like
        An array to call it on.
    name, error : str, type
        As for :func:`real`: what is checked, as the message names it, and the error to raise.

    Returns
    -------
    None
        When the function takes and returns arrays as the solvers need.

    Raises
    ------
    AnnotatorInputError
        (``error``) When ``function`` is not callable, raises TypeError or ValueError on the
        array, or returns another shape or values that are not numbers.

    Examples
    --------
    >>> import math
    >>> vectorised("G", lambda w: 1 - np.exp(-np.asarray(w, float)), np.linspace(0, 1, 3))
    >>> try:
    ...     vectorised("G", lambda w: 1 - math.exp(-w), np.linspace(0, 1, 3))
    ... except AnnotatorInputError as error:
    ...     print(error)
    G must take a numpy array and return one value per element ...
    """
    if not callable(function):
        raise error(f"{name} must be a function; got {type(function).__name__}")
    sample = np.asarray(sample, dtype=float)
    hint = f"{name} must take a numpy array and return one value per element (use numpy's functions, e.g. np.exp, not math.exp)"
    try:
        out = np.asarray(function(sample))
    except (TypeError, ValueError) as failure:
        raise error(f"{hint}; on an array of {sample.size} values it raised {type(failure).__name__}: {failure}") from None
    if out.shape != sample.shape or out.dtype.kind not in "iuf":
        raise error(f"{hint}; on an array of shape {sample.shape} it returned shape {out.shape}, values of type {out.dtype}")
