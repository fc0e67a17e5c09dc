"""The real data shipped with the package, checked against its sha256, and where a file of it is found.

The real samples and the real annotator data (``SAMPLES``, ``PACKAGED_FOLDERS``) travel with the
package (``annotator_incentives/_data``, each folder with its SOURCE.md): a data folder chosen by
``data_dir`` or ``$ANNOTATOR_DATA_DIR`` is looked at first, the packaged copy after it
(:func:`locate`). The packaged files are checked against their sha256 (``_data/SHA256SUMS``)
before use; a mismatch raises :class:`PackagedDataError`. A local copy in the chosen folder with
a ``SHA256SUMS`` beside it (in its folder or above) is checked the same way
(:func:`verify_local_copy`; a mismatch raises :class:`DamagedCopyError`).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from .errors import DamagedCopyError, DataError, DatasetUnavailableError, PackagedDataError
from .registry import PACKAGED_FOLDERS

__all__ = [
    "DATA_DIR_ENV",
    "PACKAGED_DATA_DIR",
    "PACKAGED_MANIFEST",
    "packaged_data_markdown",
    "verify_packaged_data",
    "verify_local_copy",
    "packaged_data_dir",
    "locate",
]

DATA_DIR_ENV = "ANNOTATOR_DATA_DIR"
# annotator_incentives/_data, one level up beside this subpackage (as pyproject's package-data names it)
PACKAGED_DATA_DIR = Path(__file__).resolve().parents[1] / "_data"
PACKAGED_MANIFEST = "SHA256SUMS"


def packaged_data_markdown() -> str:
    """A Markdown table of the real data shipped with the package: what, licence, attribution
    (for the book's data page; each folder's SOURCE.md has the full origin).

    Parameters
    ----------
    None
        It takes no arguments.

    Returns
    -------
    str
        A Markdown table, one row per packaged folder (``PACKAGED_FOLDERS``).

    Examples
    --------
    >>> packaged_data_markdown().splitlines()[0]
    '| folder | what | licence | attribution |'
    """
    rows = ["| folder | what | licence | attribution |", "|---|---|---|---|"]
    rows += [f"| `{folder}/` | {record.what} | {record.licence} | {record.attribution} |"
             for folder, record in PACKAGED_FOLDERS.items()]
    return "\n".join(rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(manifest: Path) -> tuple[dict[str, str], list[str]]:
    """The entries of a ``SHA256SUMS`` file (relative path -> sha256) and its malformed lines."""
    entries, problems = {}, []
    for line in manifest.read_text(errors="replace").splitlines():
        if not line.strip():
            continue
        if len(line.split(maxsplit=1)) != 2:
            problems.append(f"{PACKAGED_MANIFEST} has a line that is not '<sha256> <file>': {line[:60]!r}")
            continue
        expected, name = line.split(maxsplit=1)
        entries[name.strip().lstrip("*")] = expected.lower()
    return entries, problems


def verify_packaged_data(folder: str | os.PathLike[str] = PACKAGED_DATA_DIR) -> Path:
    """Check every file listed in ``folder/SHA256SUMS`` against its sha256; return the folder.

    Parameters
    ----------
    folder : str or os.PathLike, optional
        The data folder with its ``SHA256SUMS`` (default: the packaged data).

    Returns
    -------
    pathlib.Path
        The folder, checked.

    Raises
    ------
    PackagedDataError
        Naming each file that is missing or differs, or the missing manifest.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "SHA256SUMS").write_text("0" * 64 + "  gone.csv\\n")
    >>> try:
    ...     verify_packaged_data(folder)
    ... except PackagedDataError as error:
    ...     print(error)
    the data shipped ... is not as shipped: gone.csv is missing. ...
    """
    folder = Path(folder)
    manifest = folder / PACKAGED_MANIFEST
    if not manifest.is_file():
        raise PackagedDataError(
            f"the packaged data has no {PACKAGED_MANIFEST}: reinstall annotator-incentives"
        )
    entries, problems = _manifest(manifest)
    for name, expected in entries.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif _sha256(path) != expected:
            problems.append(f"{name} differs from the shipped file (sha256 {expected[:12]}...)")
    if problems:
        raise PackagedDataError(
            "the data shipped with annotator-incentives is not as shipped: " + "; ".join(problems)
            + ". Reinstall the package (or give a good copy with data_dir= or $ANNOTATOR_DATA_DIR)."
        )
    return folder


def verify_local_copy(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> Path:
    """Check a file of a local copy in the data folder ``root`` against every ``SHA256SUMS``
    that lists it, in its own folder or any folder above it up to ``root`` (as the packaged data
    has one at its top); return the path. A file that no manifest lists is not checked.

    Parameters
    ----------
    path : str or os.PathLike
        A file of the local copy.
    root : str or os.PathLike
        The data folder it lies in (the search for manifests stops there).

    Returns
    -------
    pathlib.Path
        ``path``, checked.

    Raises
    ------
    DamagedCopyError
        Naming the file and the manifest it differs from.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_text("p\\n0.7\\n")
    >>> verify_local_copy(root / "a.csv", root) == root / "a.csv"  # no SHA256SUMS: nothing to check
    True
    >>> _ = (root / "SHA256SUMS").write_text("0" * 64 + "  a.csv\\n")
    >>> try:
    ...     verify_local_copy(root / "a.csv", root)
    ... except DamagedCopyError as error:
    ...     print(str(error).startswith(f"{root / 'a.csv'} differs from its sha256"))
    True
    """
    path, root = Path(path), Path(root)
    folder = path.parent
    while True:
        manifest = folder / PACKAGED_MANIFEST
        if manifest.is_file():
            expected = _manifest(manifest)[0].get(path.relative_to(folder).as_posix())
            if expected is not None and _sha256(path) != expected:
                raise DamagedCopyError(
                    f"{path} differs from its sha256 in {manifest} ({expected[:12]}...): the local copy has "
                    "changed or is damaged; replace it with a fresh copy (or remove it to use the packaged one)"
                )
        if folder == root or folder == folder.parent or not folder.is_relative_to(root):
            return path
        folder = folder.parent


@lru_cache(maxsize=1)
def packaged_data_dir() -> Path:
    """The real data shipped with the package, checked once per process (:func:`verify_packaged_data`).

    Parameters
    ----------
    None
        (The folder is the package's own.)

    Returns
    -------
    pathlib.Path
        The packaged data folder, ``annotator_incentives/_data``, checked on the first call only (the
        answer is kept for the rest of the process).

    Raises
    ------
    PackagedDataError
        A shipped file is missing or differs from its sha256 in ``_data/SHA256SUMS``; reinstalling the package mends it.

    Examples
    --------
    >>> packaged_data_dir().name
    '_data'
    """
    return verify_packaged_data(PACKAGED_DATA_DIR)


def _chosen_data_dir(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The data folder a caller chose: the argument, else ``$ANNOTATOR_DATA_DIR``, else ``None``.
    An argument that is not a path, an empty one, or one that is not a directory is a
    :class:`DatasetUnavailableError`."""
    source = "data_dir argument" if path is not None else f"${DATA_DIR_ENV}"
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise DatasetUnavailableError(f"{source} must be a folder's path (str or pathlib.Path); got {type(path).__name__}")
    if path is not None and not str(path).strip():
        raise DatasetUnavailableError(f"{source} is empty: give a folder's path, or leave it out for the packaged data")
    chosen = path if path is not None else os.environ.get(DATA_DIR_ENV) or None
    if chosen is None:
        return None
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        raise DatasetUnavailableError(f"{source} points to {folder}, which is not a directory")
    return folder


def locate(relative: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """A file of the real data: in the chosen data folder (``data_dir``, else
    ``$ANNOTATOR_DATA_DIR``) when it is there, else the packaged copy (``None`` for a file the
    package does not ship). The packaged copy is always there: a package without it, or with a
    changed file, raises :class:`PackagedDataError` saying so, so a chapter never runs on silently
    missing real data.

    Parameters
    ----------
    relative : str or os.PathLike
        The file's path relative to the data folder, e.g. ``helpsteer2-sample/<file>.csv``.
    data_dir : str or os.PathLike, optional
        The data folder (default: ``$ANNOTATOR_DATA_DIR``).

    Returns
    -------
    pathlib.Path or None
        The file found, or None when neither the data folder nor the package has it.

    Raises
    ------
    DataError
        When ``relative`` is not a relative path.
    DatasetUnavailableError
        When ``data_dir`` is not a folder.
    DamagedCopyError
        When the copy found in the data folder differs from its sha256.
    PackagedDataError
        When the packaged copy is missing or differs from its sha256.

    Examples
    --------
    >>> locate("helpsteer2-sample/helpsteer2_first100_pairs.csv").parent.name
    'helpsteer2-sample'
    >>> locate("elsewhere/file.csv") is None
    True
    """
    if not isinstance(relative, (str, os.PathLike)) or not Path(relative).parts or Path(relative).is_absolute():
        raise DataError(f"locate needs a file's path relative to the data folder; got {relative!r}")
    chosen = _chosen_data_dir(data_dir)
    if chosen is not None and (chosen / relative).is_file():
        return verify_local_copy(chosen / relative, chosen)
    if Path(relative).parts[0] not in PACKAGED_FOLDERS:
        return None
    if not PACKAGED_DATA_DIR.is_dir():
        raise PackagedDataError(
            f"annotator-incentives was installed without its data ({PACKAGED_DATA_DIR.name}/ is missing next to "
            "the package): reinstall it from its wheel or repository, or give a folder holding the real "
            f"samples with data_dir= or ${DATA_DIR_ENV}"
        )
    packaged_data_dir()  # every shipped file is there and unchanged, or PackagedDataError says which is not
    return PACKAGED_DATA_DIR / relative
