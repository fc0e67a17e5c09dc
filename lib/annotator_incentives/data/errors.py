"""The data's named errors, and reading a local file so that a parser's failure is one of them.

:class:`DataError` is input data that cannot be used as it is, :class:`DatasetUnavailableError`
(a DataError) a dataset found nowhere or an unknown name, :class:`DamagedCopyError` a local copy
that differs from its own SHA256SUMS or from the registry's size, :class:`PackagedDataError`
packaged data that is not as shipped, and :class:`UnreadableDataError` a local file that cannot
be parsed, named with what is wrong with it (:func:`_reading`, also used by the loaders of the
real annotators). The bottom of :mod:`annotator_incentives.data`: it imports only
:mod:`annotator_incentives.validation`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..validation import AnnotatorInputError

__all__ = ["DataError", "DatasetUnavailableError", "PackagedDataError", "UnreadableDataError", "DamagedCopyError"]


class DataError(AnnotatorInputError):
    """Input data that cannot be used as it is (missing columns, bad values, empty); the base
    of the data package's named errors, and an
    :class:`~annotator_incentives.validation.AnnotatorInputError` (so a ``ValueError``).

    Examples
    --------
    A string where a tuple of dataset names belongs (it would otherwise be read letter by letter):

    >>> from annotator_incentives.data import available_preference_data
    >>> try:
    ...     available_preference_data(names="pku")
    ... except DataError as error:
    ...     print(error)
    names must be a tuple of dataset names, not the string 'pku'
    """


class DatasetUnavailableError(DataError, LookupError):
    """A dataset that could not be found locally, in the hub cache, or on the hub; an unknown
    dataset name; a data folder that is not a folder. A :class:`DataError` (so an
    :class:`~annotator_incentives.validation.AnnotatorInputError`, a ``ValueError``) and, as it
    always was, a ``LookupError``.

    Examples
    --------
    A sample name the registry does not know; the error is also a ``LookupError``:

    >>> from annotator_incentives.data import load_sample_scores
    >>> try:
    ...     load_sample_scores("no-such-sample")
    ... except LookupError as error:
    ...     print(type(error).__name__, "-", str(error)[:38])
    DatasetUnavailableError - unknown sample 'no-such-sample'; known
    """


class PackagedDataError(DataError):
    """The data shipped with the package is not what was shipped (a file changed or is gone, or
    its ``SHA256SUMS`` manifest is missing).

    Examples
    --------
    A folder checked as the packaged data that has no manifest at all:

    >>> import tempfile
    >>> from annotator_incentives.data import verify_packaged_data
    >>> try:
    ...     verify_packaged_data(tempfile.mkdtemp())
    ... except PackagedDataError as error:
    ...     print(error)
    the packaged data has no SHA256SUMS: reinstall annotator-incentives
    """


class DamagedCopyError(DataError):
    """A local copy that is not what it should be: a file that differs from the sha256 in a
    ``SHA256SUMS`` beside it, or a copy of a real sample with another number of pairs than the
    registry's.

    Examples
    --------
    A data folder whose copy of the HelpSteer2 sample holds 1 pair where the registry says 44:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from annotator_incentives.data import load_sample_scores
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "helpsteer2-sample").mkdir()
    >>> _ = (root / "helpsteer2-sample" / "helpsteer2_first100_pairs.csv").write_text(
    ...     "score_chosen,score_rejected\\n3.4,2.8\\n")
    >>> try:
    ...     load_sample_scores("helpsteer2-sample", data_dir=root)
    ... except DamagedCopyError as error:
    ...     print("refused:", error)
    refused: ...: 1 pairs, but the HelpSteer2 sample has 44: a truncated ...
    """


class UnreadableDataError(DataError):
    """A local data file that cannot be parsed: empty, truncated, not UTF-8, not the format its
    name says; the message names the file and what is wrong with it.

    Examples
    --------
    An empty file where a data folder's copy of the HelpSteer2 sample belongs:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from annotator_incentives.data import load_sample_scores
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "helpsteer2-sample").mkdir()
    >>> (root / "helpsteer2-sample" / "helpsteer2_first100_pairs.csv").touch()
    >>> try:
    ...     load_sample_scores("helpsteer2-sample", data_dir=root)
    ... except UnreadableDataError as error:
    ...     print(error)
    dataset helpsteer2-sample: its local copy cannot be read: ...empty; ...
    """


_KINDS = {".parquet": "Parquet", ".csv": "CSV", ".json": "JSON", ".jsonl": "JSON lines", ".zip": "zip"}


def _first_line(failure: BaseException) -> str:
    return (str(failure).strip().splitlines() or [type(failure).__name__])[0]


def _unreadable(what: str, path: Path, reason: str) -> UnreadableDataError:
    return UnreadableDataError(f"{what}: its local copy cannot be read: {path} {reason}; replace it with a fresh copy")


def _reason(path: Path, failure: BaseException) -> str:
    """What is wrong with a file a parser refused, in a few words."""
    if isinstance(failure, UnicodeDecodeError):
        return f"is not UTF-8 text (byte {failure.start} cannot be decoded; a binary file?)"
    if isinstance(failure, OSError) and failure.strerror:
        return f"cannot be opened ({failure.strerror})"
    return f"is not a readable {_KINDS.get(path.suffix.lower(), 'data')} file ({_first_line(failure)})"


@contextmanager
def _reading(what: str, path: Path) -> Iterator[None]:
    """A parser's failure on ``path`` (a local copy of ``what``) as :class:`UnreadableDataError`;
    the library's own named errors pass through. An empty file is refused before any parser sees it."""
    import pyarrow

    if path.is_file() and path.stat().st_size == 0:
        raise _unreadable(what, path, "is empty")
    try:
        yield
    except AnnotatorInputError:
        raise
    except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile, pyarrow.ArrowException) as failure:
        raise _unreadable(what, path, _reason(path, failure)) from None
