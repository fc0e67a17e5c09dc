"""The bad-input corpus: every public entry point against hostile-but-honest input.

Each case asserts either a specific named error (its class and a piece of its message) or a
specific correct answer. Tables: command-line arguments, data files, profile files, library
calls, corrupt local copies of the datasets (through the planner and the command) and corrupt
local copies read by the library's loaders themselves;
:func:`test_the_command_never_prints_a_traceback` runs every command-line case again through
``python -m annotator_incentives`` in one subprocess, and
:func:`test_every_public_function_of_the_swept_modules_meets_a_bad_input` checks that every
public function of annotators, downstream and welfare has a case.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from annotator_incentives import (
    annotators,
    binomial,
    cli,
    contracts,
    downstream,
    grid_reference,
    monitoring,
    planning,
    rates,
    utility,
    validation,
    welfare,
)
from annotator_incentives import data as ai_data
from annotator_incentives.binomial import BinomialError
from annotator_incentives.contracts import ContractError
from annotator_incentives.data import DataError, UnreadableDataError
from annotator_incentives.monitoring import MonitoringError, OutOfReachError
from annotator_incentives.planning import PlanningError
from annotator_incentives.utility import ProfileError, UtilityProfile
from annotator_incentives.validation import AnnotatorInputError
from annotator_incentives.welfare import WelfareError
from hub_layout import write_hub_dataset
from team_config import TEAM_TOML

GOOD_P = np.linspace(0.55, 0.99, 200)
PROFILE = TEAM_TOML


def toml(**changes: str) -> str:
    """The good profile with lines replaced (key = new line; a value None drops the line)."""
    lines = []
    for line in PROFILE.strip().splitlines():
        key = line.split("=")[0].strip()
        lines.append(changes.pop(key) if key in changes else line)
    lines += [v for v in changes.values()]
    return "\n".join(x for x in lines if x is not None) + "\n"


PAPER_POWER_MU = PROFILE.replace(
    'kind = "exp"\nscale = 0.5\nrate = 1.2', 'kind = "power"\nscale = 0.5\npower = 0.8'
)  # mu = 0.5 eta^0.8
assert 'kind = "power"' in PAPER_POWER_MU


# --- files the cases refer to ----------------------------------------------------------------

def _parquet(frame: pd.DataFrame) -> bytes:
    import io

    sink = io.BytesIO()
    frame.to_parquet(sink)
    return sink.getvalue()


GOOD_PARQUET = _parquet(pd.DataFrame({"p": GOOD_P}))
FILES: dict[str, bytes | str | None] = {  # name: content (None: a directory)
    "good.csv": "p\n" + "\n".join(f"{x:.4f}" for x in GOOD_P) + "\n",
    "half.csv": "p\n" + "0.5\n" * 50,
    "barely.csv": "p\n" + f"{0.5 + 1e-16!r}\n" * 50,
    "good.toml": PROFILE,
    "paper_mu.toml": PAPER_POWER_MU,
    "folder": None,
}


def write_files(root: Path, extra: dict[str, bytes | str | None] = {}) -> None:  # noqa: B006 (read only)
    for name, content in {**FILES, **extra}.items():
        path = root / name
        if content is None:
            path.mkdir(exist_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def expand(args: list[str], root: Path) -> list[str]:
    return [a.replace("{dir}", str(root)) for a in args]


# --- 1. command-line arguments (with a good file unless the case says otherwise) ---------------

F = ["--file", "{dir}/good.csv"]
CLI_ERRORS = [  # (id, argv, exit code, piece of stderr)
    ("delta-nan", [*F, "--delta", "nan"], 2, "delta must lie in [0, 1)"),
    ("delta-one", [*F, "--delta", "1"], 2, "delta must lie in [0, 1)"),
    ("delta-negative", [*F, "--delta", "-0.1"], 2, "delta must lie in [0, 1)"),
    ("delta-inf", [*F, "--delta", "inf"], 2, "delta must lie in [0, 1)"),
    ("delta-text", [*F, "--delta", "abc"], 2, "invalid float value"),
    ("eta0-nan", [*F, "--eta0", "nan"], 2, "eta0 must lie in [0, 1]"),
    ("eta0-negative", [*F, "--eta0", "-0.1"], 2, "eta0 must lie in [0, 1]"),
    ("eta1-above-one", [*F, "--eta1", "1.5"], 2, "eta1 must lie in [0, 1]"),
    ("eta1-inf", [*F, "--eta1", "inf"], 2, "eta1 must lie in [0, 1]"),
    ("eta-equal", [*F, "--eta0", "0.9", "--eta1", "0.9"], 2, "eta0 < eta1"),
    ("eta-reversed", [*F, "--eta0", "0.95", "--eta1", "0.9"], 2, "eta0 < eta1"),
    ("error-zero", [*F, "--error", "0"], 2, "target error sum must lie in (0, 1)"),
    ("error-one", [*F, "--error", "1"], 2, "target error sum must lie in (0, 1)"),
    ("error-nan", [*F, "--error", "nan"], 2, "target error sum must lie in (0, 1)"),
    ("error-negative", [*F, "--error", "-0.1"], 2, "target error sum must lie in (0, 1)"),
    ("error-above-one", [*F, "--error", "1.5"], 2, "target error sum must lie in (0, 1)"),
    ("error-text", [*F, "--error", "ten percent"], 2, "invalid float value"),
    ("n-zero", [*F, "--n", "0"], 2, "at least 1"),
    ("n-negative", [*F, "--n", "-5"], 2, "at least 1"),
    ("n-above-limit", [*F, "--n", "100001"], 2, "at most 100,000"),
    ("n-ten-million", [*F, "--n", "10000000"], 2, "at most 100,000"),
    ("n-fraction", [*F, "--n", "1.5"], 2, "invalid int value"),
    ("n-exponent", [*F, "--n", "1e5"], 2, "invalid int value"),
    ("margin-zero", [*F, "--margin", "0", "--n", "5"], 2, "strict margin must be a finite number > 0"),
    ("margin-negative", [*F, "--margin", "-1", "--n", "5"], 2, "strict margin must be a finite number > 0"),
    ("margin-nan", [*F, "--margin", "nan", "--n", "5"], 2, "strict margin must be a finite number > 0"),
    ("unknown-profile", [*F, "--profile", "nope"], 2, "unknown utility profile 'nope'"),
    ("unknown-dataset", ["--dataset", "imdb"], 2, "unknown dataset 'imdb'"),
    ("no-source", ["--delta", "0.1"], 2, "one of the arguments --dataset --file is required"),
    ("two-sources", [*F, "--dataset", "pku"], 2, "not allowed with argument"),
    ("two-profiles", [*F, "--profile", "baseline", "--profile-file", "{dir}/good.toml"], 2, "not allowed with argument"),
    ("missing-file", ["--file", "{dir}/missing.csv"], 2, "no such file"),
    ("directory-as-file", ["--file", "{dir}/folder.csv"], 2, "is a directory"),
    ("missing-profile", [*F, "--profile-file", "{dir}/missing.toml"], 2, "no such file"),
    ("directory-as-profile", [*F, "--profile-file", "{dir}/folder"], 2, "is a directory"),
    ("data-dir-missing", ["--dataset", "ultrafeedback-sample", "--data-dir", "{dir}/nowhere"], 2, "not a directory"),
    ("both-monitors-out-of-reach-without-n", [*F, "--eta0", "0.9", "--eta1", "0.9001"], 2, "neither monitor reaches"),
    ("no-signal-and-delta-out-of-reach", ["--file", "{dir}/half.csv", "--delta", "0.999"], 2, "neither monitor reaches"),
    ("recommended-n-beyond-limit", [*F, "--eta0", "0.9", "--eta1", "0.905", "--error", "0.01"], 2, "give --n (at most 100,000)"),
    # issue 21: empty names are not defaults, and hypotheses that rounding cannot tell apart are said so
    ("profile-empty", [*F, "--profile", ""], 2, "--profile is empty: give a profile name"),
    ("profile-blank", [*F, "--profile", "  "], 2, "--profile is empty"),
    ("data-dir-empty", ["--dataset", "ultrafeedback-sample", "--data-dir", ""], 2, "--data-dir is empty: give a folder"),
    ("profile-file-empty", [*F, "--profile-file", ""], 2, "--profile-file is empty: give a file"),
    ("file-empty", ["--file", ""], 2, "--file is empty: give a file"),
    ("dataset-empty", ["--dataset", ""], 2, "--dataset is empty: give a name"),
    ("eta1-1e-300", [*F, "--eta0", "0", "--eta1", "1e-300"], 2, "the same probability, 0.5, to double precision"),
    ("p-half-plus-1e-16", ["--file", "{dir}/barely.csv", "--delta", "0.999"], 2, "the signal is too weak, or eta1 too close"),
]
FILES["folder.csv"] = None


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_files(tmp_path)
    return tmp_path


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("case", CLI_ERRORS, ids=[c[0] for c in CLI_ERRORS])
def test_command_line_errors(case, root, capsys):
    _, argv, code, message = case
    got, _, err = run_main(expand(argv, root), capsys)
    assert got == code and message in err, err
    assert err.startswith("usage:") or err.startswith("annotator-plan: error:")
    assert "Traceback" not in err


CLI_ANSWERS = [  # (id, argv): plans that must succeed, checked by test_command_line_answers
    ("delta-0.999-with-n", [*F, "--delta", "0.999", "--n", "5", "--json"]),
    # a data folder without the sample: the copy shipped with the library is used
    ("sample-from-the-package", ["--dataset", "ultrafeedback-sample", "--data-dir", "{dir}/folder", "--n", "5", "--json"]),
    ("close-hypotheses-with-n", [*F, "--eta0", "0.9", "--eta1", "0.9001", "--n", "5", "--json"]),
    ("p-near-half-with-n", ["--file", "{dir}/half.csv", "--n", "5", "--json"]),
    ("tiny-error-target", [*F, "--error", "1e-17", "--n", "5", "--json"]),
    ("paper-mu-power-0.8", [*F, "--profile-file", "{dir}/paper_mu.toml", "--n", "5", "--json"]),
    ("huge-margin", [*F, "--margin", "1000", "--n", "20", "--json"]),
    ("report-text", [*F, "--n", "5"]),
    ("eta1-1e-300-with-n", [*F, "--eta0", "0", "--eta1", "1e-300", "--n", "5", "--json"]),
]


@pytest.mark.parametrize("case", CLI_ANSWERS, ids=[c[0] for c in CLI_ANSWERS])
def test_command_line_answers(case, root, capsys):
    name, argv = case
    code, out, err = run_main(expand(argv, root), capsys)
    assert code == 0, err
    if name == "report-text":
        assert "% of first-best" in out and "strict" in out
        return
    result = json.loads(out)  # strict JSON: no NaN
    m, n = result["monitoring"], result["n"]
    assert n == 5 or name == "huge-margin"
    if name == "delta-0.999-with-n":  # item 7: one monitor out of reach, contracts still given
        assert m["self-consistency"]["samples_needed"] is None and "n_max" in m["self-consistency"]["out_of_reach"]
        assert result["recommended_monitor"] == "expert" and set(result["contracts"]) == {"expert", "self-consistency"}
    elif name == "close-hypotheses-with-n":
        assert result["recommended_monitor"] is None and all(v["samples_needed"] is None for v in m.values())
        assert result["contracts"]["self-consistency"]["linear"]["induced_effort"] > 0
    elif name == "p-near-half-with-n":
        assert m["expert"]["samples_needed"] is None and "no signal" in m["expert"]["out_of_reach"]
        assert set(result["contracts"]) == {"self-consistency"}
    elif name == "tiny-error-target":
        sc = monitoring.self_consistency_monitor(0.05)
        q0, q1 = float(sc.q(0.8)), float(sc.q(0.95))
        needed = m["self-consistency"]["samples_needed"]
        assert monitoring.error_sum(needed, q0, q1) <= 1e-17 < monitoring.error_sum(needed - 1, q0, q1)
        assert m["expert"]["any_expert_test_needs_at_least"] >= 1
    elif name == "paper-mu-power-0.8":  # item 1
        assert 0 < result["profile"]["first_best"]["effort"] < 1
    elif name == "huge-margin":
        strict = result["contracts"]["self-consistency"]["binary"]["strict"]
        assert strict["reachable"] is False and strict["extra_bonus"] is None


def test_the_command_never_prints_a_traceback(root):
    """Every command-line case again, through ``python -m annotator_incentives`` (one process)."""
    cases = [expand(argv, root) for _, argv, _, _ in CLI_ERRORS] + [expand(argv, root) for _, argv in CLI_ANSWERS]
    driver = (
        "import contextlib, io, json, runpy, sys, traceback\n"
        "out = []\n"
        "for argv in json.loads(sys.argv[1]):\n"
        "    sys.argv = ['annotator-plan', *argv]\n"
        "    err, code = io.StringIO(), 0\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            runpy.run_module('annotator_incentives', run_name='__main__')\n"
        "        except SystemExit as stop:\n"
        "            code = stop.code\n"
        "        except BaseException:\n"
        "            err.write(traceback.format_exc()); code = -1\n"
        "    out.append([code, err.getvalue()])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", driver, json.dumps(cases)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    results = json.loads(done.stdout)
    expected = [code for _, _, code, _ in CLI_ERRORS] + [0] * len(CLI_ANSWERS)
    for argv, (code, err), want in zip(cases, results, expected, strict=True):
        assert "Traceback" not in err and code == want, (argv, err)


# --- 2. data files -------------------------------------------------------------------------------

def _dup_parquet() -> bytes:
    import io

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_arrays([pa.array(GOOD_P), pa.array(GOOD_P)], names=["p", "p"]), sink)
    return sink.getvalue()


def _bit_flipped(frame: pd.DataFrame, old: float, new: float) -> bytes:
    """A Parquet file written with page checksums (pyarrow's write_page_checksum), then one stored
    value changed in place, as a flipped bit would: the file still decodes, to a wrong number,
    unless its checksums are verified. ``old`` must be neither the smallest nor the largest value
    of its column (those are stored in the statistics too)."""
    import io
    import struct

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, write_page_checksum=True,
                   compression="none", use_dictionary=False)
    raw = bytearray(sink.getvalue())
    at = raw.find(struct.pack("<d", old))
    assert at > 0, "the value to change is stored plainly"
    raw[at:at + 8] = struct.pack("<d", new)
    return bytes(raw)


FLIPPED_P = _bit_flipped(pd.DataFrame({"p": np.r_[0.640, GOOD_P]}), 0.640, 0.0001)
SCORES = "chosen_score,rejected_score\n" + "".join(f"{2 + i % 7},{1 + i % 3}\n" for i in range(40))
DATA_ERRORS = [  # (id, file name, content, piece of the message)
    ("empty", "a.csv", "", "the file is empty"),
    ("whitespace-only", "a.csv", " \n\n", "the file is empty"),
    ("header-only", "a.csv", "p\n", "no rows"),
    ("binary-csv", "a.csv", bytes(range(256)), "not a UTF-8 text file"),
    ("latin-1-csv", "a.csv", "p\n0.7\ncaf\xe9\n".encode("latin-1"), "not a UTF-8 text file"),
    ("random-bytes-parquet", "a.parquet", bytes(range(256)) * 4, "not a readable Parquet file"),
    ("truncated-parquet", "a.parquet", GOOD_PARQUET[: len(GOOD_PARQUET) // 2], "not a readable Parquet file"),
    ("csv-named-parquet", "a.parquet", "p\n0.7\n", "not a readable Parquet file"),
    ("empty-parquet-file", "a.parquet", b"", "not a readable Parquet file"),
    ("directory-parquet", "a.parquet", None, "is a directory"),
    ("xlsx", "a.xlsx", "p\n0.7\n", "unsupported file type"),
    ("no-extension", "pairs", "p\n0.7\n", "unsupported file type"),
    ("wrong-column", "a.csv", "q\n0.7\n", "needs a column p"),
    ("one-score-column", "a.csv", "chosen_score\n1\n", "needs a column p"),
    ("semicolons", "a.csv", "p;q\n0.7;0.2\n", "needs a column p"),
    ("p-above-one", "a.csv", "p\n0.7\n1.3\n", "must lie in [0, 1]"),
    ("p-negative", "a.csv", "p\n0.7\n-0.2\n", "must lie in [0, 1]"),
    ("p-inf", "a.csv", "p\n0.7\ninf\n", "must lie in [0, 1]"),
    ("p-nan", "a.csv", "p\n0.7\nnan\n", "non-numeric"),
    ("p-text", "a.csv", "p\n0.7\nabc\n", "non-numeric"),
    ("p-true-false", "a.csv", "p\nTrue\nFalse\n" * 1, "True/False"),
    ("p-mixed-bool", "a.csv", "p\n0.7\ntrue\n", "True/False"),
    ("blank-line-middle", "a.csv", "p\n0.7\n\n0.8\n", "blank value(s) or line(s), the first at line 3"),
    ("blank-line-end", "a.csv", "p\n0.7\n0.8\n\n", "the first at line 4"),
    ("blank-cell", "a.csv", "p,q\n0.7,1\n,2\n", "blank value(s)"),
    ("ragged-row", "a.csv", "p\n0.7,0.8\n0.6\n", "line 2 has 2 field(s)"),
    ("unclosed-quote", "a.csv", 'p\n"0.7\n0.8\n', "p"),
    ("p-and-scores", "a.csv", "p,chosen_score,rejected_score\n0.7,2,1\n", "has both a column p"),
    ("duplicate-column", "a.csv", "p,p\n0.7,0.8\n", "'p' appear more than once"),
    ("duplicate-column-parquet", "a.parquet", _dup_parquet(), "not a readable Parquet file"),
    ("scores-text", "a.csv", "chosen_score,rejected_score\n2,1\nhigh,1\n", "non-numeric"),
    ("scores-blank", "a.csv", "chosen_score,rejected_score\n2,1\n,1\n", "blank"),
    ("scores-bool", "a.csv", "chosen_score,rejected_score\nTrue,False\n", "True/False"),
    ("scores-all-ties", "a.csv", "chosen_score,rejected_score\n" + "1,1\n" * 20, "every pair is a tie"),
    ("scores-one-pair", "a.csv", "chosen_score,rejected_score\n2,1\n", "at least 2 pairs"),
    ("bool-parquet", "a.parquet", _parquet(pd.DataFrame({"p": [True, False] * 10})), "True/False"),
    ("text-parquet", "a.parquet", _parquet(pd.DataFrame({"p": ["0.7", "x"] * 10})), "non-numeric"),
    # issue 21: the csv module's limit, and a bit flipped in a Parquet file with page checksums
    ("field-over-the-csv-limit", "a.csv", "p,q\n0.7," + "x" * 131_073 + "\n0.8,1\n",
     "line 2: a field longer than 131,072 characters"),
    ("bit-flipped-parquet", "a.parquet", FLIPPED_P, "not a readable Parquet file (could not verify page integrity"),
]


@pytest.mark.parametrize("case", DATA_ERRORS, ids=[c[0] for c in DATA_ERRORS])
def test_data_files(case, tmp_path, capsys):
    _, name, content, message = case
    write_files(tmp_path, {name: content})
    with pytest.raises(DataError) as raised:
        planning.p_from_file(tmp_path / name)
    assert message in str(raised.value)
    code, _, err = run_main(["--file", str(tmp_path / name), "--n", "5"], capsys)  # and the command says the same
    assert code == 2 and err.startswith("annotator-plan: error:") and message in err


PLAN_SIZE_ERRORS = [  # too few pairs for a plan (item 8)
    ("single-p", "a.csv", "p\n0.7\n"),
    ("nine-p", "a.csv", "p\n" + "0.7\n" * 9),
    ("five-p-parquet", "a.parquet", _parquet(pd.DataFrame({"p": [0.7] * 5}))),
    ("few-scored-pairs", "a.csv", "chosen_score,rejected_score\n" + "2,1\n" * 12),
]


@pytest.mark.parametrize("case", PLAN_SIZE_ERRORS, ids=[c[0] for c in PLAN_SIZE_ERRORS])
def test_too_few_pairs_for_a_plan(case, tmp_path, capsys):
    _, name, content = case
    write_files(tmp_path, {name: content})
    code, _, err = run_main(["--file", str(tmp_path / name), "--n", "5"], capsys)
    assert code == 2 and "a plan needs at least 10 preference probabilities" in err


def test_a_wide_header_is_read_in_linear_time(tmp_path, capsys):
    """Issue 21: 100,001 columns took 94 s (the duplicate check was quadratic); the columns that
    are not p or scores are not parsed either."""
    import time

    header = ",".join(["p", *(f"c{i}" for i in range(100_000))])
    (tmp_path / "wide.csv").write_text(header + "\n" + ("0.8," + ",".join(["1"] * 100_000) + "\n") * 12)
    (tmp_path / "twice.csv").write_text(",".join(["p", *(["c"] * 100_000)]) + "\n0.8" + ",1" * 100_000 + "\n")
    start = time.perf_counter()
    p, _ = planning.p_from_file(tmp_path / "wide.csv")
    with pytest.raises(DataError, match="'c' appear more than once"):
        planning.p_from_file(tmp_path / "twice.csv")
    assert time.perf_counter() - start < 15 and p.size == 12
    (tmp_path / "none.csv").write_text(",".join(f"c{i}" for i in range(100)) + "\n" + ",".join(["1"] * 100) + "\n")
    with pytest.raises(DataError, match=r"needs a column p.*c19, \.\.\. \(100 columns\)"):
        planning.p_from_file(tmp_path / "none.csv")


def test_unreadable_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "a.csv"
    path.write_text("p\n0.7\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(DataError, match="permission denied"):
        planning.p_from_file(path)
    with pytest.raises(ProfileError, match="permission denied"):
        planning.profile_from_toml(path)
    code, _, err = run_main(["--file", str(path)], capsys)
    assert code == 2 and "permission denied" in err


DATA_ANSWERS = [  # (id, name, content, expected c-bar)
    ("utf8-bom", "a.csv", "\ufeffp\n" + "0.8\n" * 12, 0.6),
    ("p-below-half-folds", "a.csv", "p\n" + "0.2\n" * 12, 0.6),
    ("p-zero-and-one", "a.csv", "p\n" + "0\n1\n" * 6, 1.0),
    ("windows-newlines", "a.csv", "p\r\n" + "0.9\r\n" * 12, 0.8),
    ("cr-only-newlines", "a.csv", "p\r" + "0.9\r" * 12, 0.8),  # issue 21: was "unexpected Error ... a bug"
    ("cr-only-scores", "a.csv", "chosen_score,rejected_score\r" + "2,1\r" * 30, 2 * float(np.mean(1 / (1 + np.exp(-1.0)))) - 1),
    ("parquet", "a.parquet", GOOD_PARQUET, float(np.mean(2 * GOOD_P - 1))),
]


@pytest.mark.parametrize("case", DATA_ANSWERS, ids=[c[0] for c in DATA_ANSWERS])
def test_data_files_read_correctly(case, tmp_path):
    _, name, content, c_bar = case
    write_files(tmp_path, {name: content})
    p, _ = planning.p_from_file(tmp_path / name)
    assert float(np.mean(2 * p - 1)) == pytest.approx(c_bar)


# --- 3. profile files ----------------------------------------------------------------------------

PROFILE_ERRORS = [  # (id, content, piece of the message)
    ("empty", "", "missing section [G]"),
    ("binary", bytes(range(256)), "not a UTF-8 text file"),
    ("not-toml", "not toml [", "not valid TOML"),
    ("typo-top-key", toml(wage_bounds="wage_bound = [-1.0, 1.0]"), "unknown key 'wage_bound'; known keys: name, U0, wage_bounds"),
    ("typo-U0", toml(U0="u0 = 0.1"), "unknown key 'u0'"),
    ("typo-G-key", PROFILE.replace("rate = 1.0\nscale", "rte = 1.0\nscale"), "unknown key 'rte'; known keys: kind, rate, scale"),
    ("typo-E-key", PROFILE.replace("coefficients", "coefficient"), "unknown key 'coefficient'"),
    ("typo-mu-key", PROFILE.replace("rate = 1.2", "rat = 1.2"), "unknown key 'rat'"),
    ("power-with-rate", PAPER_POWER_MU.replace("power = 0.8", "power = 0.8\nrate = 1.0"), "unknown key 'rate'"),
    ("extra-section", PROFILE + "[bounds]\nlow = 1\n", "unknown key 'bounds'"),
    ("rate-true", PROFILE.replace("rate = 1.0", "rate = true"), "must be a real number; got bool"),
    ("scale-text", PROFILE.replace("scale = 1.0", 'scale = "1"'), "must be a real number; got str"),
    ("U0-text", toml(U0='U0 = "zero"'), "U0 must be a real number"),
    ("U0-nan", toml(U0="U0 = nan"), "U0 must be a finite number"),
    ("U0-inf", toml(U0="U0 = inf"), "U0 must be a finite number"),
    ("U0-bool", toml(U0="U0 = false"), "U0 must be a real number; got bool"),
    ("coefficients-empty", toml(coefficients="coefficients = []"), "non-empty list"),
    ("coefficients-text", toml(coefficients='coefficients = "0.1"'), "non-empty list"),
    ("coefficients-bool", toml(coefficients="coefficients = [0.0, true]"), "coefficients[1] must be a real number"),
    ("coefficients-nan", toml(coefficients="coefficients = [0.0, nan]"), "coefficients[1] must be a finite number"),
    ("coefficients-nested", toml(coefficients="coefficients = [[0.1]]"), "must be a real number; got list"),
    ("bounds-one", toml(wage_bounds="wage_bounds = [1.0]"), "wage_bounds must be [low, high]"),
    ("bounds-text", toml(wage_bounds='wage_bounds = "wide"'), "wage_bounds must be [low, high]"),
    ("bounds-reversed", toml(wage_bounds="wage_bounds = [5.0, -5.0]"), "w_lo < w_hi"),
    ("bounds-inf", toml(wage_bounds="wage_bounds = [-10.0, inf]"), "wage_bounds[1] must be a finite number"),
    ("name-number", toml(name="name = 3"), "name must be a string"),
    ("G-crra", PROFILE.replace('kind = "cara"', 'kind = "crra"'), "kind must be 'cara'"),
    ("G-rate-zero", PROFILE.replace("rate = 1.0", "rate = 0.0"), "rate must be a finite number > 0"),
    ("G-rate-negative", PROFILE.replace("rate = 1.0", "rate = -1.0"), "rate must be a finite number > 0"),
    ("G-not-a-table", PROFILE.replace('[G]\nkind = "cara"\nrate = 1.0\nscale = 1.0\n', 'G = 1\n'), "missing section [G]"),
    ("mu-sqrt", PROFILE.replace('kind = "exp"', 'kind = "sqrt"'), "kind must be one of power, exp, log"),
    ("mu-no-kind", PROFILE.replace('kind = "exp"\n', ""), "kind must be one of"),
    ("mu-missing-rate", PROFILE.replace("rate = 1.2\n", ""), "missing key 'rate'"),
    ("mu-missing", PROFILE.split("[mu]")[0], "missing section [mu]"),
    ("mu-power-convex", PAPER_POWER_MU.replace("power = 0.8", "power = 1.5"), "Assumption 3 fails: mu is not concave"),
    ("mu-power-negative", PAPER_POWER_MU.replace("power = 0.8", "power = -0.5"), "power must be a finite number > 0"),
    ("E-not-convex", toml(coefficients="coefficients = [0.0, 0.1, -0.5]"), "Assumption 3 fails: E is not"),
    ("E-decreasing", toml(coefficients="coefficients = [0.0, -0.1]"), "Assumption 3 fails: E is not increasing"),
    ("unaffordable", toml(wage_bounds="wage_bounds = [-0.01, 0.01]"), "Assumption 4 fails"),
    # issue 21: profiles that overflowed, flattened G to rounding or were checked too loosely, named in the file's terms
    ("bounds-very-negative", toml(wage_bounds="wage_bounds = [-50.0, 10.0]"),
     "wage_bounds[0] = -50 is outside [-10, 10] for [G] rate = 1"),
    ("bounds-minus-30", toml(wage_bounds="wage_bounds = [-30.0, 10.0]"), "wage_bounds[0] = -30 is outside [-10, 10]"),
    ("bounds-up-to-1e6", toml(wage_bounds="wage_bounds = [-10.0, 1e6]"), "wage_bounds[1] = 1e+06 is outside [-10, 10]"),
    ("G-rate-50", PROFILE.replace("rate = 1.0", "rate = 50.0"),
     "wage_bounds[0] = -10 is outside [-0.2, 0.2] for [G] rate = 50"),
    ("G-rate-huge", PROFILE.replace("rate = 1.0", "rate = 1e7"), "[G] rate = 1e+07 is outside [1e-06, 1e+06]"),
    ("G-scale-1e12", PROFILE.replace("scale = 1.0", "scale = 1e12"), "[G] scale = 1e+12 is outside [1e-06, 1e+06]"),
    ("G-scale-1e300", PROFILE.replace("scale = 1.0", "scale = 1e300"), "[G] scale = 1e+300 is outside [1e-06, 1e+06]"),
    ("G-scale-tiny", PROFILE.replace("scale = 1.0", "scale = 1e-9"), "[G] scale = 1e-09 is outside [1e-06, 1e+06]"),
    ("mu-scale-1e6", PROFILE.replace("scale = 0.5", "scale = 5e6"), "[mu] scale = 5e+06 gives mu(1) - mu(0)"),
    ("mu-scale-tiny", PROFILE.replace("scale = 0.5", "scale = 1e-9"), "must lie within [1e-06, 10000] of them"),
    ("mu-scale-1e5", PROFILE.replace("scale = 0.5", "scale = 1e5"), "contracts sit at the wage bounds"),
    ("mu-power-1e-9", PAPER_POWER_MU.replace("power = 0.8", "power = 1e-9"), "[mu] power = 1e-09 must be at least 0.001"),
    ("mu-power-barely-convex", PAPER_POWER_MU.replace("power = 0.8", "power = 1.0000001"),
     "[mu] power = 1.0000001: Assumption 3 fails: mu is not concave"),
    ("mu-rate-huge", PROFILE.replace("rate = 1.2", "rate = 1e4"), "[mu] rate = 10000 must be at most 1000"),
    ("E-costs-below-resolution", toml(coefficients="coefficients = [0.0, 0.0, 1e-9]"), "effort costs E(1) - E(0) = 1e-09"),
    ("utilities-too-small-for-the-tie",
     toml(coefficients="coefficients = [0.0, 2e-8, 1.8e-7]").replace("scale = 1.0", "scale = 1e-6"),
     "effort costs E(1) - E(0) = 2e-07 are below 1e-06 times the larger of 1 and [G] scale"),
    ("E-constant-swamps-costs", toml(coefficients="coefficients = [1e9, 1e-4, 0.18]"), "more than 1e+06 times E(1) - E(0)"),
    ("E-concave-inside", toml(coefficients="coefficients = [0.0, 0.3, 0.1, -0.1]"), "E is not convex: E''(1) = -0.4 < 0"),
]


@pytest.mark.parametrize("case", PROFILE_ERRORS, ids=[c[0] for c in PROFILE_ERRORS])
def test_profile_files(case, tmp_path, capsys):
    _, content, message = case
    write_files(tmp_path, {"p.toml": content})
    with pytest.raises(ProfileError) as raised:
        planning.profile_from_toml(tmp_path / "p.toml")
    assert message in str(raised.value)
    code, _, err = run_main([*expand(F, tmp_path), "--profile-file", str(tmp_path / "p.toml"), "--n", "5"], capsys)
    assert code == 2 and err.startswith("annotator-plan: error:") and message in err


def test_profile_directory_and_missing(tmp_path):
    with pytest.raises(ProfileError, match="is a directory"):
        planning.profile_from_toml(tmp_path)
    with pytest.raises(ProfileError, match="no such file"):
        planning.profile_from_toml(tmp_path / "missing.toml")
    with pytest.raises(ProfileError, match="given by its path"):
        planning.profile_from_toml(3)


def test_paper_mu_power_profile_solves(tmp_path):
    """Item 1: mu = 0.5 eta^0.8 from a file, first-best effort below 1: no NaN near eta = 0, and
    the first-best effort meets its first-order condition mu'(eta) = E'(eta) / G'(w*)."""
    write_files(tmp_path)
    prof = planning.profile_from_toml(tmp_path / "paper_mu.toml")
    fb = contracts.first_best(prof)
    assert 0 < fb.eta < 1
    assert float(prof.dmu(fb.eta)) == pytest.approx(float(prof.dE(fb.eta)) / float(prof.dG(fb.wage)), rel=1e-9)


PROFILE_EDGES = [  # (id, profile text): at the edges of the accepted bounds (issue 21); each must load and plan
    ("bounds-at-rate-times-wage-10", toml(wage_bounds="wage_bounds = [-10.0, 10.0]")),
    ("G-rate-2-bounds-5", toml(wage_bounds="wage_bounds = [-5.0, 5.0]").replace("rate = 1.0", "rate = 2.0")),
    ("G-rate-1e3-narrow", toml(wage_bounds="wage_bounds = [-0.01, 0.01]").replace("rate = 1.0", "rate = 1000.0")
     .replace("scale = 0.5", "scale = 0.0005")),
    ("G-rate-1e-3-wide", toml(wage_bounds="wage_bounds = [-1e4, 1e4]", coefficients="coefficients = [0.0, 2e-5, 1.8e-4]")
     .replace("rate = 1.0", "rate = 0.001").replace("scale = 0.5", "scale = 500.0")),
    ("G-scale-1e6", toml(coefficients="coefficients = [0.0, 2e4, 1.8e5]").replace("scale = 1.0", "scale = 1e6")),
    ("G-scale-1e-5-costs-1e-6", toml(coefficients="coefficients = [0.0, 1e-7, 1e-6]").replace("scale = 1.0", "scale = 1e-5")
     .replace("scale = 0.5", "scale = 1e-4")),
    ("mu-span-1e4", PROFILE.replace("scale = 0.5", "scale = 1.4e4")),
    ("mu-span-1e-6", PROFILE.replace("scale = 0.5", "scale = 1.5e-6")),
    ("mu-power-0.001", PAPER_POWER_MU.replace("power = 0.8", "power = 0.001")),
    ("mu-power-1", PAPER_POWER_MU.replace("power = 0.8", "power = 1.0")),
    ("mu-exp-rate-1e3", PROFILE.replace("rate = 1.2", "rate = 1000.0")),
    ("U0-negative-1000", toml(U0="U0 = -1000.0")),
]


@pytest.mark.parametrize("case", PROFILE_EDGES, ids=[c[0] for c in PROFILE_EDGES])
def test_profiles_at_the_edges_of_the_bounds_plan(case, tmp_path):
    """Within the documented bounds a profile loads and plans (the returned contracts are
    certified by the solvers); a gap below the first-best is never negative beyond rounding."""
    _, text = case
    write_files(tmp_path, {"p.toml": text})
    result = planning.plan(p=GOOD_P, utility=planning.profile_from_toml(tmp_path / "p.toml"), n=5)
    gaps = [o["gap_to_first_best"] for offers in result["contracts"].values() for o in offers.values()]
    assert all(math.isfinite(g) and g >= -1e-9 * max(1.0, abs(result["profile"]["first_best"]["principal_utility"]))
               for g in gaps), gaps


FIRST_BEST_NOT_POSITIVE = [  # (id, profile text): first-best utility 0 or below (item 3 and item 6)
    ("first-best-zero", toml(coefficients="coefficients = [0.0, 0.5]").replace("scale = 0.5", "scale = 0.001")),
    ("first-best-negative", toml(U0="U0 = 0.3")),
]


@pytest.mark.parametrize("case", FIRST_BEST_NOT_POSITIVE, ids=[c[0] for c in FIRST_BEST_NOT_POSITIVE])
def test_first_best_not_positive_reports_absolute_gaps(case, tmp_path, capsys):
    _, text = case
    write_files(tmp_path, {"p.toml": text})
    fb = contracts.first_best(planning.profile_from_toml(tmp_path / "p.toml"))
    assert fb.value <= 1e-15
    code, out, err = run_main([*expand(F, tmp_path), "--profile-file", str(tmp_path / "p.toml"), "--n", "5", "--json"], capsys)
    assert code == 0, err
    offers = json.loads(out)["contracts"]
    assert all(o["relative_gap"] is None and math.isfinite(o["gap_to_first_best"]) for m in offers.values() for o in m.values())
    code, out, _ = run_main([*expand(F, tmp_path), "--profile-file", str(tmp_path / "p.toml"), "--n", "5"], capsys)
    assert code == 0 and "no relative gap" in out and "0.00%" not in out


def test_relative_gap_is_the_gap_over_a_positive_first_best():
    result = planning.plan(p=GOOD_P, n=5)
    fb = result["profile"]["first_best"]["principal_utility"]
    for offers in result["contracts"].values():
        for o in offers.values():
            assert o["relative_gap"] == pytest.approx(o["gap_to_first_best"] / fb)


# --- 4. library calls ------------------------------------------------------------------------------

B, FIG3, RAP = utility.profile("baseline"), utility.profile("figure3"), utility.profile("risk_averse_poly")
G, G_INV, DG = utility.cara()
_E, _DE = (lambda e: 0.18 * np.asarray(e, float) ** 2), (lambda e: 0.36 * np.asarray(e, float))
_MU, _DMU = (lambda e: 0.5 * -np.expm1(-1.2 * np.asarray(e, float))), (lambda e: 0.6 * np.exp(-1.2 * np.asarray(e, float)))


def make_profile(**changes):
    parts = dict(name="p", G=G, G_inv=G_INV, dG=DG, E=_E, dE=_DE, mu=_MU, dmu=_DMU, cara=(1.0, 1.0)) | changes
    return UtilityProfile(**parts)


def linear_solution():
    return contracts.solve("linear", 5, 0.9, B)


LABELS = pd.DataFrame({"item": ["a", "a", "b", "b"], "judge": ["j1", "j2", "j1", "j2"],
                       "judge_kind": ["author", "expert", "author", "expert"], "label": [1.0, 1.0, 0.0, np.nan]})
PAIRS = pd.DataFrame({"item": ["a", "b", "c"], "group": ["g1", "g2", "g3"], "prompt": ["p", "q", "r"],
                      "response_1": ["a long answer", "x", "one more long answer"], "response_2": ["y", "a long reply", "z"],
                      "votes_1": [2, 0, 1], "votes_2": [1, 1, 0], "ties": [0, 1, 0]})
CURVE = pd.DataFrame({"eta": [0.9, 0.9, 1.0, 1.0], "seed": [0, 1, 0, 1], "accuracy": [0.6, 0.62, 0.7, 0.7]})


def doubled(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The frame with ``column`` a second time (two columns of one name)."""
    return pd.concat([frame, frame[[column]]], axis=1)


def layered(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with two-level (MultiIndex) column names."""
    return frame.set_axis(pd.MultiIndex.from_tuples([(c, "x") for c in frame.columns]), axis=1)


PANDALM_LIKE = LABELS.assign(instruction="i", input="", response1="r1", response2="r2")
ATTRIBUTES = pd.DataFrame({"row": [0, 1, 2], "prompt_group": [0, 0, 0], "score_mean5": [2.0, 3.0, 3.0]})


def CALIBRATION():  # noqa: N802
    return ai_data.fit_histogram_binning(np.linspace(0.0, 1.0, 40), [0, 1] * 20, n_bins=4)


def RNG() -> np.random.Generator:  # noqa: N802 (read as a constant in the tables)
    return np.random.default_rng(0)


def FEATURES():  # noqa: N802
    return downstream.pair_features(PAIRS, downstream.LENGTH_ONLY)


def MODEL():  # noqa: N802
    return downstream.fit_reward_model(FEATURES(), [1, 0, 1])


LIBRARY_ERRORS = [  # (id, call, error class, piece of the message)
    # data: calibration and reliability of predicted p
    ("reliability-p-above-one", lambda: ai_data.reliability_curve([0.2, 1.5], [0, 1]), ai_data.DataError,
     "p must lie in [0, 1]; got 1.5"),
    ("reliability-label-two", lambda: ai_data.reliability_curve([0.2, 0.5], [0, 2]), ai_data.DataError,
     "labels must lie in [0, 1]; got 2"),
    ("reliability-label-half", lambda: ai_data.reliability_curve([0.2, 0.5], [0, 0.5]), ai_data.DataError,
     "labels must be 0 or 1; got 0.5"),
    ("reliability-lengths", lambda: ai_data.reliability_curve([0.2, 0.5], [0]), ai_data.DataError, "equally long"),
    ("reliability-empty", lambda: ai_data.reliability_curve([], []), ai_data.DataError, "p is empty"),
    ("reliability-bins-zero", lambda: ai_data.reliability_curve([0.2], [1], n_bins=0), ai_data.DataError,
     "n_bins must be a whole number at least 1"),
    ("binning-p-nan", lambda: ai_data.fit_histogram_binning([np.nan] * 40, [1] * 40), ai_data.DataError,
     "p must lie in [0, 1]; got nan"),
    ("binning-labels-text", lambda: ai_data.fit_histogram_binning([0.5] * 40, ["1"] * 40), ai_data.DataError,
     "labels must be numbers"),
    ("binning-bins-fraction", lambda: ai_data.fit_histogram_binning([0.5] * 40, [1] * 40, n_bins=2.5), ai_data.DataError,
     "n_bins must be a whole number"),
    # binomial
    ("pass-probability-c-7", lambda: binomial.pass_probability(-3, 7), BinomialError, "c must lie in [-1, 1]"),
    ("pass-probability-eta-negative", lambda: binomial.pass_probability(-3, 0.5), BinomialError, "eta must lie in [0, 1]"),
    ("pass-probability-eta-nan", lambda: binomial.pass_probability(np.array([0.5, np.nan]), 0.5), BinomialError, "eta must lie"),
    ("pass-probability-eta-bool", lambda: binomial.pass_probability(True, 0.5), BinomialError, "booleans"),
    ("pass-probability-eta-text", lambda: binomial.pass_probability("0.5", 0.5), BinomialError, "must be numbers"),
    ("pass-probability-c-text", lambda: binomial.pass_probability(0.5, "1"), BinomialError, "real number; got str"),
    ("log-pmf-x-above-n", lambda: binomial.log_pmf(6, 5, 0.5), BinomialError,
     "x must be a whole number at least 0 and at most 5"),
    ("pmf-x-fraction", lambda: binomial.pmf(1.5, 5, 0.5), BinomialError, "x must be whole numbers; got 1.5"),
    ("pmf-q-above-one", lambda: binomial.pmf(1, 5, 1.2), BinomialError, "q must lie in [0, 1]; got 1.2"),
    ("pmf-n-negative", lambda: binomial.pmf(0, -1, 0.5), BinomialError, "n must be a whole number at least 0; got -1"),
    ("pmf-matrix-q-nan", lambda: binomial.pmf_matrix(5, [0.5, np.nan]), BinomialError, "qs must lie in [0, 1]; got nan"),
    ("pmf-all-n-fraction", lambda: binomial.pmf_all(2.5, 0.5), BinomialError, "n must be a whole number; got 2.5"),
    ("pmf-all-q-list", lambda: binomial.pmf_all(5, [0.5, 0.6]), BinomialError, "q must be a real number; got list"),
    ("tail-k-fraction", lambda: binomial.tail(1.5, 5, 0.5), BinomialError, "k must be whole numbers; got 1.5"),
    ("tail-q-negative", lambda: binomial.tail(1, 5, -0.1), BinomialError, "q must lie in [0, 1]; got -0.1"),
    ("tail-n-bool", lambda: binomial.tail(1, True, 0.5), BinomialError, "n must be a real number; got bool"),
    ("tail-n-huge-int", lambda: binomial.tail(1, 10**400, 0.5), BinomialError, "n must be a finite number"),
    ("below-n-text", lambda: binomial.below(1, "5", 0.5), BinomialError, "n must be a real number; got str"),
    ("below-k-text", lambda: binomial.below(["1"], 5, 0.5), BinomialError, "k must be numbers"),
    ("tails-all-negative", lambda: binomial.tails_all(np.array([0.5, -0.1, 0.6])), BinomialError, "pmf_rows must lie in [0, 1]"),
    ("tail-slope-n-zero", lambda: binomial.tail_slope(1, 0, 0.5), BinomialError, "n must be a whole number at least 1; got 0"),
    ("tail-slope-scale-nan", lambda: binomial.tail_slope(1, 5, 0.5, np.nan), BinomialError, "scale must be a finite number"),
    ("tail-eta-slope-c", lambda: binomial.tail_eta_slope(1, 5, 1.5, 0.5), BinomialError, "c must lie in [-1, 1]; got 1.5"),
    ("tail-curvature-q-one", lambda: binomial.tail_curvature(2, 5, 1.0), BinomialError, "q must lie in (0, 1); got 1.0"),
    ("rates-tail-curvature-q-zero", lambda: rates.tail_curvature(2, 5, 0.0), BinomialError, "q must lie in (0, 1)"),
    ("score-x-negative", lambda: binomial.score(-1, 5, 0.5, 0.5), BinomialError, "x must be a whole number at least 0"),
    ("score-c-text", lambda: binomial.score(1, 5, "0.5", 0.5), BinomialError, "c must be a real number; got str"),
    ("window-q", lambda: binomial.window(100, 1.5), BinomialError, "q must lie in [0, 1]; got 1.5"),
    ("window-pmf-n-negative", lambda: binomial.window_pmf(-5, 0.5), BinomialError, "n must be a whole number at least 0"),
    ("expect-values-length", lambda: binomial.expect(np.zeros(3), 5, 0.5), BinomialError,
     "one number for each outcome x = 0..n (6)"),
    ("expect-values-nan", lambda: binomial.expect(np.full(6, np.nan), 5, 0.5), BinomialError, "values must be finite numbers"),
    ("expect-qs-above-one", lambda: binomial.expect(np.zeros(6), 5, [0.5, 2.0]), BinomialError, "qs must lie in [0, 1]; got 2.0"),
    ("pmf-grid-points-one", lambda: binomial.pmf_grid(5, 0.5, 1), BinomialError, "points must be a whole number at least 2"),
    ("pmf-grid-c-inf", lambda: binomial.pmf_grid(5, np.inf, 11), BinomialError, "c must lie in [-1, 1]"),
    ("clopper-pearson-too-many", lambda: binomial.clopper_pearson(5, 3), BinomialError,
     "successes must be at most trials; got 5 of 3"),
    ("clopper-pearson-negative", lambda: binomial.clopper_pearson(-1, 3), BinomialError,
     "successes must be a whole number at least 0"),
    ("clopper-pearson-fraction", lambda: binomial.clopper_pearson(1.5, 3), BinomialError, "successes must be whole numbers"),
    ("clopper-pearson-nan-trials", lambda: binomial.clopper_pearson(1, np.nan), BinomialError, "trials must be whole numbers"),
    ("clopper-pearson-level-one", lambda: binomial.clopper_pearson(1, 3, 1.0), BinomialError, "level must lie in (0, 1)"),
    ("clopper-pearson-shapes", lambda: binomial.clopper_pearson([1, 2], [3, 4, 5]), BinomialError, "must have one shape"),
    # monitoring: tests and bounds
    ("error-sum-n-zero", lambda: monitoring.error_sum(0, 0.6, 0.7), MonitoringError, "at least 1"),
    ("error-sum-n-fraction", lambda: monitoring.error_sum(1.5, 0.6, 0.7), MonitoringError, "whole numbers"),
    ("error-sum-n-bool", lambda: monitoring.error_sum(True, 0.6, 0.7), MonitoringError, "booleans"),
    ("error-sum-q-equal", lambda: monitoring.error_sum(10, 0.6, 0.6), MonitoringError, "q0 < q1"),
    ("error-sum-q-reversed", lambda: monitoring.error_sum(10, 0.7, 0.6), MonitoringError, "q0 < q1"),
    ("error-sum-q-negative", lambda: monitoring.error_sum(10, -0.1, 0.6), MonitoringError, "q0 must lie in [0, 1]"),
    ("error-sum-q-nan", lambda: monitoring.error_sum(10, np.nan, 0.6), MonitoringError, "q0 must lie in [0, 1]"),
    ("lr-threshold-q-text", lambda: monitoring.lr_threshold(10, "0.5", 0.6), MonitoringError, "real number; got str"),
    ("threshold-errors-k-negative", lambda: monitoring.threshold_test_errors(10, -1, 0.5, 0.6), MonitoringError, "at least 0"),
    ("le-cam-negative-kl", lambda: monitoring.le_cam_bound(1, -10),
     MonitoringError, "KL divergence D must be a finite number >= 0"),
    ("le-cam-nan-kl", lambda: monitoring.le_cam_bound(1, np.nan), MonitoringError, "KL divergence"),
    ("error-sum-bound-negative-kl", lambda: monitoring.error_sum_lower_bound(5, -0.1), MonitoringError, "KL divergence"),
    ("lower-bound-target-zero", lambda: monitoring.samples_needed_lower_bound(0, 0.1),
     MonitoringError, "target error sum must lie in (0, 1)"),
    ("lower-bound-target-one", lambda: monitoring.samples_needed_lower_bound(1, 0.1), MonitoringError, "(0, 1)"),
    ("lower-bound-tiny-kl", lambda: monitoring.samples_needed_lower_bound(0.1, 1e-320), OutOfReachError, "too small"),
    ("lower-bound-nan-kl", lambda: monitoring.samples_needed_lower_bound(0.1, np.nan), MonitoringError, "KL divergence"),
    ("lower-bound-zero-kl", lambda: monitoring.samples_needed_lower_bound(0.1, 0.0), MonitoringError, "cannot be told apart"),
    ("ump-alpha-above-one", lambda: monitoring.ump_threshold(10, 0.5, 1.5), MonitoringError, "alpha must lie in [0, 1]"),
    ("ump-n-zero", lambda: monitoring.ump_threshold(0, 0.5, 0.05), MonitoringError, "at least 1"),
    ("estimate-fractional-passes", lambda: monitoring.estimate_eta(2.5, 3, 0.9),
     MonitoringError, "passes must be a whole number"),
    ("estimate-2.5-of-1", lambda: monitoring.estimate_eta(2.5, 1, 0.9), MonitoringError, "passes must be a whole number"),
    ("estimate-too-many-passes", lambda: monitoring.estimate_eta(4, 3, 0.9), MonitoringError, "at most 3"),
    ("estimate-negative-passes", lambda: monitoring.estimate_eta(-1, 3, 0.9), MonitoringError, "at least 0"),
    ("estimate-c-zero", lambda: monitoring.estimate_eta(2, 3, 0.0), MonitoringError, "c must lie in (0, 1]"),
    ("estimate-c-text", lambda: monitoring.estimate_eta(2, 3, "0.9"), MonitoringError, "real number"),
    ("estimate-level-one", lambda: monitoring.estimate_eta(2, 3, 0.9, level=1.0), MonitoringError, "level must lie in (0, 1)"),
    ("asymptotic-target-one",
     lambda: monitoring.samples_needed_asymptotic(1, monitoring.self_consistency_monitor(0.05), 0.8, 0.9),
     MonitoringError, "(0, 1)"),
    ("asymptotic-target-zero",
     lambda: monitoring.samples_needed_asymptotic(0, monitoring.self_consistency_monitor(0.05), 0.8, 0.9),
     MonitoringError, "(0, 1)"),
    ("asymptotic-not-a-monitor", lambda: monitoring.samples_needed_asymptotic(0.1, 0.95, 0.8, 0.9),
     MonitoringError, "must be a Monitor"),
    ("samples-needed-equal-q", lambda: monitoring.samples_needed(0.1, 0.5, 0.5), OutOfReachError, "the same probability, 0.5,"),
    ("samples-needed-target-nan", lambda: monitoring.samples_needed(np.nan, 0.5, 0.6), MonitoringError, "(0, 1)"),
    ("samples-needed-n-max-zero", lambda: monitoring.samples_needed(0.1, 0.6, 0.7, n_max=0), MonitoringError, "n_max"),
    ("samples-needed-out-of-reach", lambda: monitoring.samples_needed(0.001, 0.5, 0.5001, n_max=1000),
     OutOfReachError, "n_max=1,000"),
    ("self-consistency-delta-one", lambda: monitoring.self_consistency_monitor(1.0), MonitoringError, "below 1"),
    ("self-consistency-delta-nan", lambda: monitoring.self_consistency_monitor(np.nan),
     MonitoringError, "delta must lie in [0, 1]"),
    ("self-consistency-delta-bool", lambda: monitoring.self_consistency_monitor(True), MonitoringError, "real number; got bool"),
    ("monitor-c-zero", lambda: monitoring.Monitor("m", 0.0), MonitoringError, "(0, 1]"),
    ("monitor-c-text", lambda: monitoring.Monitor("m", "0.5"), MonitoringError, "real number"),
    ("monitor-c-nan", lambda: monitoring.Monitor("m", np.nan), MonitoringError, "(0, 1]"),
    ("expert-empty", lambda: monitoring.expert_monitor([]), MonitoringError, "p is empty"),
    ("expert-bools", lambda: monitoring.expert_monitor([True, False]), MonitoringError, "booleans"),
    ("expert-strings", lambda: monitoring.expert_monitor(["0.7"]), MonitoringError, "must be numbers"),
    ("expert-all-half", lambda: monitoring.expert_monitor([0.5] * 10), MonitoringError, "(0, 1]"),
    ("fisher-c-zero", lambda: monitoring.fisher_information(0.5, 0.0), MonitoringError, "(0, 1]"),
    ("fisher-eta-above-one", lambda: monitoring.fisher_information(1.5, 0.5), MonitoringError, "eta must lie in [0, 1]"),
    ("needs-fewer-delta", lambda: monitoring.self_consistency_needs_fewer(2, 0.5), MonitoringError, "delta must lie in [0, 1]"),
    ("monte-carlo-trials-zero",
     lambda: monitoring.monte_carlo_error_sum(10, 0.6, 0.7, 0, np.random.default_rng(0)), MonitoringError,
     "trials"),
    # contracts
    ("solve-n-nan", lambda: contracts.solve("binary", float("nan"), 0.5, B), ContractError, "n must be a whole number"),
    ("solve-n-zero", lambda: contracts.solve("binary", 0, 0.5, B), ContractError, "n must be a whole number >= 1"),
    ("solve-n-fraction", lambda: contracts.solve("binary", 2.5, 0.5, B), ContractError, "n must be a whole number"),
    ("solve-n-bool", lambda: contracts.solve("binary", True, 0.5, B), ContractError, "real number; got bool"),
    ("solve-n-text", lambda: contracts.solve("binary", "10", 0.5, B), ContractError, "real number; got str"),
    ("solve-n-above-limit", lambda: contracts.solve("binary", 10**7, 0.5, B), ContractError, "at most 1,000,000"),
    ("solve-c-text", lambda: contracts.solve("binary", 5, "0.5", B), ContractError, "c must be a real number; got str"),
    ("solve-c-zero", lambda: contracts.solve("binary", 5, 0.0, B), ContractError, "c must lie in (0, 1]"),
    ("solve-c-above-one", lambda: contracts.solve("linear", 5, 1.5, B), ContractError, "c must lie in (0, 1]"),
    ("solve-c-nan", lambda: contracts.solve("general", 5, np.nan, B), ContractError, "c must lie in (0, 1]"),
    ("solve-profile-string", lambda: contracts.solve("binary", 5, 0.5, "baseline"), ContractError, "utility.profile(name)"),
    ("solve-profile-none", lambda: contracts.solve("binary", 5, 0.5, None), ContractError, "profile must be a UtilityProfile"),
    ("solve-kind-unknown", lambda: contracts.solve("quadratic", 5, 0.5, B), ContractError, "unknown contract class"),
    ("solve-kind-list", lambda: contracts.solve(["binary"], 5, 0.5, B), ContractError, "unknown contract class"),
    ("solve-problem-unknown", lambda: contracts.solve("binary", 5, 0.5, B, "partial"),
     ContractError, "restricted' or 'unrestricted"),
    ("solve-problem-none", lambda: contracts.solve("binary", 5, 0.5, B, None), ContractError, "restricted' or 'unrestricted"),
    ("first-best-string", lambda: contracts.first_best("baseline"), ContractError, "profile must be a UtilityProfile"),
    ("ic-violation-not-a-solution", lambda: contracts.ic_violation("x", B), ContractError, "ContractSolution"),
    ("incentive-check-eta", lambda: contracts.incentive_check(np.zeros(6), 1.5, 5, 0.5, B),
     ContractError, "eta must lie in [0, 1]"),
    ("incentive-check-nan-wages", lambda: contracts.incentive_check(np.full(6, np.nan), 0.5, 5, 0.5, B), ContractError, "finite"),
    ("best-response-wage-count", lambda: contracts.best_response(np.zeros(3), 10, 0.5, B), ContractError, "needs 11 wages"),
    ("utility-curve-eta", lambda: contracts.agent_utility_curve(np.zeros(6), 5, 0.5, B, [2.0]), ContractError, "eta must lie"),
    ("no-incentive-n", lambda: contracts.no_incentive(-1, 0.5, B), ContractError, "n must be a whole number"),
    ("strict-bonus-linear", lambda: contracts.strict_bonus(linear_solution(), B), ContractError, "binary contract"),
    ("strict-bonus-margin-zero", lambda: contracts.strict_bonus(contracts.solve("binary", 5, 0.9, B), B, 0.0),
     ContractError, "> 0"),
    ("gap-table-profile-string", lambda: contracts.gap_table("baseline", {"m": 0.5}, [5]),
     ContractError, "profile must be a UtilityProfile"),
    ("complements-profile-none", lambda: contracts.complements_table(None, 5, 0.5),
     ContractError, "profile must be a UtilityProfile"),
    # rates and the grid reference
    ("tail-integral-p", lambda: rates.tail_integral_form(1, 5, 1.5), ContractError, "p must lie in [0, 1]"),
    ("tail-integral-n", lambda: rates.tail_integral_form(1, 0, 0.5), ContractError, "n must be a whole number"),
    ("bell-peak-share", lambda: rates.bell_peak(10, 0.0), ContractError, "share must lie in (0, 1)"),
    ("discrete-action-order", lambda: rates.discrete_action_gap(5, 0.5, B, low=0.9, high=0.5), ContractError, "low < high"),
    ("discrete-action-c", lambda: rates.discrete_action_gap(5, 2.0, B), ContractError, "c must lie in (0, 1]"),
    ("grid-method-n", lambda: grid_reference.grid_method("binary", 0, 0.5, B), ContractError, "n must be a whole number"),
    ("grid-method-kind", lambda: grid_reference.grid_method("general", 5, 0.5, B), ContractError, "binary and linear"),
    ("grid-method-profile", lambda: grid_reference.grid_method("linear", 5, 0.5, "figure3"), ContractError, "UtilityProfile"),
    # utility profiles (item 5: inconsistent functions)
    ("profile-wrong-dE", lambda: make_profile(dE=lambda e: 0.18 * np.asarray(e, float)),
     ProfileError, "dE does not match the derivative of E"),
    ("profile-wrong-dG", lambda: make_profile(dG=lambda w: np.exp(-2 * np.asarray(w, float))), ProfileError, "dG does not match"),
    ("profile-wrong-dmu", lambda: make_profile(dmu=lambda e: 0.5 + 0 * np.asarray(e, float)), ProfileError, "dmu does not match"),
    ("profile-wrong-G-inv", lambda: make_profile(G_inv=lambda u: np.asarray(u, float)),
     ProfileError, "G_inv is not the inverse of G"),
    ("profile-wrong-cara", lambda: make_profile(cara=(2.0, 1.0)),
     ProfileError, "the cara tag (rate 2, scale 1) does not describe G"),
    ("profile-cara-zero", lambda: make_profile(cara=(0.0, 1.0)), ProfileError, "cara rate must be a finite number > 0"),
    ("profile-cara-short", lambda: make_profile(cara=(1.0,)), ProfileError, "cara must be (rate, scale)"),
    ("profile-U0-nan", lambda: make_profile(U0=np.nan), ProfileError, "U0 must be a finite number"),
    ("profile-U0-bool", lambda: make_profile(U0=True), ProfileError, "U0 must be a real number; got bool"),
    ("profile-U0-text", lambda: make_profile(U0="0"), ProfileError, "U0 must be a real number; got str"),
    ("profile-w-lo-nan", lambda: make_profile(w_lo=np.nan), ProfileError, "w_lo must be a finite number"),
    ("profile-bounds-reversed", lambda: make_profile(w_lo=5.0, w_hi=-5.0), ProfileError, "w_lo < w_hi"),
    ("profile-G-not-callable", lambda: make_profile(G=3.0), ProfileError, "G must be a function"),
    ("profile-name-not-string", lambda: make_profile(name=None), ProfileError, "name must be a string"),
    ("profile-unknown-name", lambda: utility.profile("nope"), ProfileError, "unknown utility profile 'nope'"),
    ("profile-unhashable-name", lambda: utility.profile(["baseline"]), ProfileError, "unknown utility profile"),
    # planning
    ("plan-no-source", lambda: planning.plan(), PlanningError, "give either"),
    ("plan-both-sources", lambda: planning.plan(p=GOOD_P, dataset="pku"), PlanningError, "give either"),
    ("plan-one-pair", lambda: planning.plan(p=[0.7], n=5), PlanningError, "at least 10"),
    ("plan-bool-p", lambda: planning.plan(p=[True] * 20, n=5), PlanningError, "booleans"),
    ("plan-nan-p", lambda: planning.plan(p=[0.7] * 19 + [np.nan], n=5), PlanningError, "must lie in [0, 1]"),
    ("plan-n-bool", lambda: planning.plan(p=GOOD_P, n=True), PlanningError, "must be a real number; got bool"),
    ("plan-delta-bool", lambda: planning.plan(p=GOOD_P, delta=False), PlanningError, "delta must be a real number; got bool"),
    ("plan-utility-number", lambda: planning.plan(p=GOOD_P, utility=3), PlanningError, "utility must be a UtilityProfile"),
    ("plan-dataset-number", lambda: planning.plan(dataset=3), PlanningError, "dataset must be a name"),
    ("p-from-file-number", lambda: planning.p_from_file(3), DataError, "given by its path"),
    # real annotators: label frames (item, judge, label 1/0/NaN)
    ("tie-rates-empty", lambda: annotators.tie_rates(LABELS.iloc[:0]), DataError, "labels is empty"),
    ("tie-rates-not-a-frame", lambda: annotators.tie_rates([1, 0]), DataError, "labels must be a DataFrame; got list"),
    ("tie-rates-label-two", lambda: annotators.tie_rates(LABELS.assign(label=[1.0, 2.0, 0.0, np.nan])),
     DataError, "column label must hold 1, 0 or NaN (a tie); got 2.0"),
    ("agreement-no-judge-column", lambda: annotators.pairwise_agreement(LABELS.drop(columns="judge")),
     DataError, "labels: missing column(s) judge"),
    ("agreement-min-shared-zero", lambda: annotators.pairwise_agreement(LABELS, min_shared=0),
     DataError, "min_shared must be a whole number at least 1; got 0"),
    ("agreement-label-text", lambda: annotators.pairwise_agreement(LABELS.assign(label=["1", "0", "1", "0"])),
     DataError, "column label must hold 1, 0 or NaN (a tie); got values of type"),
    ("agreement-label-bool", lambda: annotators.pairwise_agreement(LABELS.assign(label=[True, False, True, False])),
     DataError, "got values of type bool"),
    ("expert-estimates-no-kind", lambda: annotators.expert_based_estimates(LABELS.drop(columns="judge_kind")),
     DataError, "missing column(s) judge_kind"),
    ("expert-estimates-kind-number", lambda: annotators.expert_based_estimates(LABELS, 3),
     DataError, "expert_kind must be a str"),
    ("dawid-skene-iterations-zero", lambda: annotators.dawid_skene(LABELS, iterations=0),
     DataError, "iterations must be a whole number at least 1"),
    ("dawid-skene-tol-negative", lambda: annotators.dawid_skene(LABELS, tol=-1e-3), DataError, "tol must be a finite number > 0"),
    ("dawid-skene-label-negative", lambda: annotators.dawid_skene(LABELS.assign(label=[1.0, -1.0, 0.0, 1.0])),
     DataError, "got -1.0"),
    ("pandalm-repeats-no-texts", lambda: annotators.pandalm_repeats(LABELS),
     DataError, "missing column(s) instruction, input, response1, response2"),
    ("annotators-clopper-pearson", lambda: annotators.clopper_pearson(4, 3), BinomialError, "successes must be at most trials"),
    # the downstream experiment: pairs frames (votes whole numbers >= 0, texts strings)
    ("vote-table-no-label", lambda: downstream.vote_table(LABELS.drop(columns="label")), DataError, "missing column(s) label"),
    ("vote-table-label-half", lambda: downstream.vote_table(LABELS.assign(label=0.5)), DataError, "got 0.5"),
    ("usable-pairs-negative-votes", lambda: downstream.usable_pairs(PAIRS.assign(votes_1=[-1, 0, 1])),
     DataError, "pairs frame: votes_1 must be a whole number at least 0; got -1"),
    ("usable-pairs-empty", lambda: downstream.usable_pairs(PAIRS.iloc[:0]), DataError, "pairs frame is empty"),
    ("usable-pairs-missing-response", lambda: downstream.usable_pairs(PAIRS.assign(response_1=[None, "a", "b"])),
     DataError, "column response_1 must hold texts"),
    ("human-agreement-fraction", lambda: downstream.human_agreement(PAIRS.assign(votes_2=[1.5, 1, 0])),
     DataError, "pairs frame: votes_2 must be whole numbers; got 1.5"),
    ("human-agreement-no-votes", lambda: downstream.human_agreement(PAIRS.drop(columns="votes_2")),
     DataError, "missing column(s) votes_2"),
    ("simulate-labels-rng-seed", lambda: downstream.simulate_labels([0, 1], 0.5, 0), DataError, "rng must be a Generator"),
    ("simulate-labels-nan", lambda: downstream.simulate_labels([0, np.nan], 0.5, RNG()),
     DataError, "labels must be 0 or 1; got nan"),
    ("simulate-labels-bool", lambda: downstream.simulate_labels([True, False], 0.5, RNG()), DataError, "got True"),
    ("simulate-labels-eta-nan", lambda: downstream.simulate_labels([0, 1], np.nan, RNG()), DataError, "eta must lie in [0, 1]"),
    ("item-split-seed-negative", lambda: downstream.item_split(PAIRS, 0.3, -1),
     DataError, "seed must be a whole number at least 0"),
    ("item-split-share-one", lambda: downstream.item_split(PAIRS, 1.0, 0), DataError, "test_share must lie in (0, 1)"),
    ("item-split-no-group", lambda: downstream.item_split(PAIRS.drop(columns="group"), 0.3, 0),
     DataError, "missing column(s) group"),
    ("feature-config-zero", lambda: downstream.FeatureConfig(word_features=0),
     DataError, "word_features must be a whole number at least 1"),
    ("feature-config-ngrams-text", lambda: downstream.FeatureConfig(ngrams="yes"), DataError, "ngrams must be a bool"),
    ("pair-features-no-prompt", lambda: downstream.pair_features(PAIRS.drop(columns="prompt")),
     DataError, "missing column(s) prompt"),
    ("pair-features-config-name", lambda: downstream.pair_features(PAIRS, "length"), DataError, "config must be a FeatureConfig"),
    ("fit-reward-C-zero", lambda: downstream.fit_reward_model(FEATURES(), [1, 0, 1], C=0.0),
     DataError, "C must be a finite number > 0"),
    ("fit-reward-label-two", lambda: downstream.fit_reward_model(FEATURES(), [1, 0, 2]),
     DataError, "labels must be a whole number at least 0 and at most 1; got 2"),
    ("fit-reward-label-count", lambda: downstream.fit_reward_model(FEATURES(), [1, 0]),
     DataError, "labels must be one per row of features (3); got shape (2,)"),
    ("choose-C-negative", lambda: downstream.choose_C(PAIRS, grid=(0.1, -1.0)), DataError, "grid must lie in (0, inf); got -1.0"),
    ("choose-C-folds-one", lambda: downstream.choose_C(PAIRS, folds=1), DataError, "folds must be a whole number at least 2"),
    ("choose-C-folds-above-questions", lambda: downstream.choose_C(PAIRS, folds=5),
     DataError, "folds must be at most the number of questions (3)"),
    ("heldout-level-one", lambda: downstream.heldout_accuracy(MODEL(), FEATURES(), PAIRS, level=1.0),
     DataError, "level must lie in (0, 1)"),
    ("heldout-no-decisive-vote", lambda: downstream.heldout_accuracy(MODEL(), FEATURES(), PAIRS.assign(votes_1=0, votes_2=0)),
     DataError, "no decisive vote"),
    ("heldout-feature-rows", lambda: downstream.heldout_accuracy(MODEL(), FEATURES()[:2], PAIRS),
     DataError, "features must have one row per test item (3); got 2"),
    ("heldout-model-none", lambda: downstream.heldout_accuracy(None, FEATURES(), PAIRS),
     DataError, "model must be a LogisticRegression"),
    ("accuracy-record-too-many", lambda: downstream.Accuracy(5, 3, 3, 0.1, 0.9),
     DataError, "correct must be a whole number at least 0 and at most 3; got 5"),
    ("accuracy-record-no-votes", lambda: downstream.Accuracy(0, 0, 1, 0.0, 1.0),
     DataError, "votes must be a whole number at least 1"),
    ("accuracy-curve-eta", lambda: downstream.accuracy_curve(PAIRS, PAIRS, [1.5], [0]),
     DataError, "etas must lie in [0, 1]; got 1.5"),
    ("accuracy-curve-no-etas", lambda: downstream.accuracy_curve(PAIRS, PAIRS, [], [0]), DataError, "etas is empty"),
    ("accuracy-curve-seed", lambda: downstream.accuracy_curve(PAIRS, PAIRS, [1.0], [-2]),
     DataError, "seeds must be a whole number at least 0"),
    ("pairs-needed-acc-above-one", lambda: downstream.evaluation_pairs_needed(1.5, 0.7, 0.1),  # was inf
     DataError, "acc0 must lie in [0, 1]; got 1.5"),
    ("pairs-needed-acc-nan", lambda: downstream.evaluation_pairs_needed(0.6, np.nan, 0.1), DataError, "acc1 must lie in [0, 1]"),
    ("pairs-needed-error-zero", lambda: downstream.evaluation_pairs_needed(0.6, 0.7, 0.0),  # was inf
     DataError, "error_sum must lie in (0, 1)"),
    ("pairs-needed-n-max-zero", lambda: downstream.evaluation_pairs_needed(0.6, 0.7, 0.1, n_max=0),
     DataError, "n_max must be a whole number at least 1"),
    ("compare-efforts-z-negative", lambda: downstream.compare_efforts(CURVE, 0.9, 1.0, 0.1, z=-1),
     DataError, "z must be a finite number >= 0"),
    ("compare-efforts-no-eta-column", lambda: downstream.compare_efforts(CURVE.drop(columns="eta"), 0.9, 1.0, 0.1),
     DataError, "accuracy curve: missing column(s) eta"),
    ("compare-efforts-accuracy-nan", lambda: downstream.compare_efforts(CURVE.assign(accuracy=np.nan), 0.9, 1.0, 0.1),
     DataError, "accuracy curve: accuracy must lie in [0, 1]"),
    ("compare-efforts-eta-above-one", lambda: downstream.compare_efforts(CURVE, 0.9, 1.1, 0.1),
     DataError, "eta1 must lie in [0, 1]"),
    ("compare-efforts-no-runs", lambda: downstream.compare_efforts(CURVE, 0.5, 1.0, 0.1), DataError, "no runs at eta = 0.5"),
    ("hard-examples-k-zero", lambda: downstream.hard_examples(PAIRS, k=0), DataError, "k must be a whole number at least 1"),
    ("hard-examples-negative-ties", lambda: downstream.hard_examples(PAIRS.assign(ties=[0, -2, 0])),
     DataError, "pairs frame: ties must be a whole number at least 0"),
    # welfare
    ("clean-number-nan", lambda: welfare.clean_number(np.nan, 3), WelfareError, "x must be a finite number; got nan"),
    ("clean-number-digits-negative", lambda: welfare.clean_number(1.0, -1),
     WelfareError, "digits must be a whole number at least 0"),
    ("format-number-digits-fraction", lambda: welfare.format_number(1.0, 2.5),
     WelfareError, "digits must be a whole number; got 2.5"),
    ("format-number-text", lambda: welfare.format_number("1.0", 2), WelfareError, "x must be a real number; got str"),
    ("outside-option-nan", lambda: welfare.with_outside_option(FIG3, np.nan), WelfareError, "U0 must be a finite number"),
    ("outside-option-text", lambda: welfare.with_outside_option(FIG3, "0.1"), WelfareError, "U0 must be a real number; got str"),
    ("outside-option-name", lambda: welfare.with_outside_option("figure3", 0.1),
     WelfareError, "profile must be a UtilityProfile"),
    ("outside-option-unaffordable", lambda: welfare.with_outside_option(FIG3, 100.0), ProfileError, "Assumption 4 fails"),
    ("no-monitoring-name", lambda: welfare.no_monitoring("figure3"), ContractError, "profile must be a UtilityProfile"),
    ("gains-table-n-zero", lambda: welfare.gains_table(FIG3, 0, 0.9), ContractError, "n must be a whole number >= 1"),
    ("gains-table-c-nan-no-kinds", lambda: welfare.gains_table(FIG3, 5, np.nan, kinds=()), ContractError, "c must lie in (0, 1]"),
    ("gains-table-kind", lambda: welfare.gains_table(FIG3, 5, 0.9, kinds=("quadratic",)),
     ContractError, "unknown contract class"),
    ("premium-share-above-one", lambda: welfare.utility_premium_for_share("linear", 5, 0.9, FIG3, 1.5),
     WelfareError, "share must lie in [0, 1]; got 1.5"),
    ("premium-share-nan", lambda: welfare.utility_premium_for_share("linear", 5, 0.9, FIG3, np.nan),
     WelfareError, "share must lie"),
    ("premium-xtol-zero", lambda: welfare.utility_premium_for_share("linear", 5, 0.9, FIG3, 0.5, xtol=0.0),
     WelfareError, "xtol must be a finite number > 0"),
    ("surplus-split-share-negative", lambda: welfare.surplus_split("linear", 5, 0.9, FIG3, shares=(0.0, -0.1)),
     WelfareError, "shares must lie in [0, 1]; got -0.1"),
    ("surplus-split-no-shares", lambda: welfare.surplus_split("linear", 5, 0.9, FIG3, shares=()),
     WelfareError, "shares is empty"),
    ("surplus-split-n-text", lambda: welfare.surplus_split("linear", "5", 0.9, FIG3),
     ContractError, "n must be a real number; got str"),
    # issue 21: unknown datasets and bad data folders are input errors (DatasetUnavailableError is a DataError)
    ("plan-unknown-dataset", lambda: planning.plan(dataset="nope"), ai_data.DatasetUnavailableError,
     "unknown dataset 'nope'"),
    ("load-data-dir-a-file", lambda: ai_data.load_preference_data("ultrafeedback-sample", __file__),
     ai_data.DatasetUnavailableError, "which is not a directory"),
    ("load-data-dir-empty", lambda: ai_data.load_sample_scores("ultrafeedback-sample", ""),
     ai_data.DatasetUnavailableError, "data_dir argument is empty"),
    ("load-data-dir-number", lambda: annotators.load_mt_bench(3), ai_data.DatasetUnavailableError,
     "data_dir argument must be a folder's path"),
    ("load-sample-unhashable-name", lambda: ai_data.load_sample_scores(["x"]), ai_data.DatasetUnavailableError,
     "unknown sample ['x']"),
    ("reader-note-unknown", lambda: ai_data.reader_note("nope"), ai_data.DatasetUnavailableError, "unknown dataset"),
    ("locate-empty-path", lambda: ai_data.locate(""), DataError, "a file's path relative to the data folder"),
    ("available-stand-ins-unknown", lambda: ai_data.available_preference_data(("ultra",), stand_ins="all"),
     DataError, "stand_ins must be 'samples' or 'none'"),
    ("available-names-a-string", lambda: ai_data.available_preference_data("ultra"), DataError, "not the string 'ultra'"),
    ("notes-page-unknown", lambda: ai_data.Availability({}, {"pku": "x"}).notes_markdown(page="intro"),
     DataError, "page must be 'data' or 'other'"),
    # issue 21: odd frames (missing names, duplicate or layered columns, other kinds)
    ("agreement-nan-judge", lambda: annotators.pairwise_agreement(LABELS.assign(judge=["j1", np.nan, "j1", "j2"])),
     DataError, "labels: column judge has 1 missing value(s), the first in row 2"),
    ("dawid-skene-nan-item", lambda: annotators.dawid_skene(LABELS.assign(item=["a", np.nan, "b", "b"])),
     DataError, "labels: column item has 1 missing value(s)"),
    ("tie-rates-label-twice", lambda: annotators.tie_rates(doubled(LABELS, "label")),
     DataError, "labels: column name(s) 'label' appear more than once"),
    ("expert-estimates-judge-twice", lambda: annotators.expert_based_estimates(doubled(LABELS, "judge")),
     DataError, "'judge' appear more than once"),
    ("agreement-item-twice", lambda: annotators.pairwise_agreement(doubled(LABELS, "item")), DataError, "'item' appear"),
    ("vote-table-multiindex", lambda: downstream.vote_table(layered(LABELS)), DataError, "not a MultiIndex"),
    ("dawid-skene-judges-of-two-kinds", lambda: annotators.dawid_skene(LABELS.assign(judge=["j1", 2, "j1", 2])),
     DataError, "column judge must hold names of one kind (all text or all numbers); got number, text"),
    ("agreement-list-items", lambda: annotators.pairwise_agreement(LABELS.assign(item=[["a"], ["a"], ["b"], ["b"]])),
     DataError, "column item must hold names of one kind (all text or all numbers); got list"),
    ("pandalm-repeats-nan-input", lambda: annotators.pandalm_repeats(PANDALM_LIKE.assign(input=np.nan)),
     DataError, "column input must hold texts"),
    ("pandalm-repeats-label-twice", lambda: annotators.pandalm_repeats(doubled(PANDALM_LIKE, "label")),
     DataError, "'label' appear more than once"),
    ("item-split-nan-group", lambda: downstream.item_split(PAIRS.assign(group=["g1", np.nan, "g3"]), 0.3, 0),
     DataError, "pairs frame: column group has 1 missing value(s), the first in row 2"),
    ("usable-pairs-votes-twice", lambda: downstream.usable_pairs(doubled(PAIRS, "votes_1")),
     DataError, "pairs frame: column name(s) 'votes_1' appear more than once"),
    ("pair-features-multiindex", lambda: downstream.pair_features(layered(PAIRS)), DataError, "not a MultiIndex"),
    ("choose-C-group-twice", lambda: downstream.choose_C(doubled(PAIRS, "group"), folds=2), DataError, "'group' appear"),
    ("hard-examples-votes-twice", lambda: downstream.hard_examples(doubled(PAIRS, "votes_2")), DataError, "'votes_2' appear"),
    ("accuracy-curve-multiindex", lambda: downstream.accuracy_curve(layered(PAIRS), PAIRS, [1.0], [0]),
     DataError, "not a MultiIndex"),
    ("human-agreement-nullable-votes", lambda: downstream.human_agreement(PAIRS.assign(votes_1=pd.array([1, None, 1],
                                                                                                         dtype="Int64"))),
     DataError, "pairs frame: votes_1 must be whole numbers; got nan"),
    ("compare-efforts-accuracy-twice", lambda: downstream.compare_efforts(doubled(CURVE, "accuracy"), 0.9, 1.0, 0.1),
     DataError, "accuracy curve: column name(s) 'accuracy' appear more than once"),
    ("compare-efforts-eta-nan", lambda: downstream.compare_efforts(CURVE.assign(eta=[0.9, np.nan, 1.0, 1.0]), 0.9, 1.0, 0.1),
     DataError, "accuracy curve: eta must lie in [0, 1]; got nan"),
    ("fit-reward-features-list", lambda: downstream.fit_reward_model([[1.0], [2.0]], [1, 0]),
     DataError, "features must be a matrix (pair_features' result); got list"),
    ("fit-reward-features-nan", lambda: downstream.fit_reward_model(np.array([[np.nan], [1.0]]), [1, 0]),
     DataError, "features must be a two-dimensional matrix of finite numbers"),
    ("heldout-features-list", lambda: downstream.heldout_accuracy(MODEL(), [[1.0], [2.0], [3.0]], PAIRS),
     DataError, "features must be a matrix"),
    ("helpsteer-pairs-not-a-frame", lambda: ai_data.helpsteer_pairs_from_attributes([1]),
     DataError, "HelpSteer attributes must be a DataFrame; got list"),
    ("helpsteer-pairs-nan-score", lambda: ai_data.helpsteer_pairs_from_attributes(ATTRIBUTES.assign(score_mean5=[np.nan, 2, 3])),
     DataError, "score_mean5 must be finite numbers; got nan"),
    ("helpsteer-pairs-row-twice", lambda: ai_data.helpsteer_pairs_from_attributes(doubled(ATTRIBUTES, "row")),
     DataError, "'row' appear more than once"),
    ("calibration-nan", lambda: CALIBRATION()(np.nan), DataError, "p must be finite numbers; got nan"),
    ("clean-scores-text", lambda: ai_data.clean_scores(["a"], ["b"]), DataError, "scores: chosen scores must be numbers"),
    ("clean-scores-bool", lambda: ai_data.clean_scores([True, False], [False, True]), DataError, "got booleans"),
    ("preference-probabilities-not-scores", lambda: ai_data.preference_probabilities("x"),
     DataError, "scores must be a Scores"),
    ("preference-probabilities-seed-negative",
     lambda: ai_data.preference_probabilities(ai_data.Scores("s", "s", np.arange(10.0), np.zeros(10), "", False, False), -1),
     DataError, "seed must be a whole number at least 0; got -1"),
    ("sc-curves-no-deltas", lambda: monitoring.self_consistency_curves([5], [], 0.8, 0.9), MonitoringError, "deltas is empty"),
    ("expert-bound-curves-no-eta0s", lambda: monitoring.expert_bound_curves([0.7], [5], [], 0.9),
     MonitoringError, "eta0s is empty"),
    ("fisher-ratio-no-c-bars", lambda: monitoring.fisher_ratio_table([0.1], {}, 0.5), MonitoringError, "c_bars is empty"),
    ("mc-curves-seed-negative", lambda: monitoring.monte_carlo_error_sum_curves([5], [0.1], 0.8, 0.9, 10, -1),
     MonitoringError, "seed must be a whole number at least 0; got -1"),
    ("mc-rng-none", lambda: monitoring.monte_carlo_error_sum(5, 0.5, 0.6, 10, None), MonitoringError, "rng must be a Generator"),
    ("mc-n-beyond-int64", lambda: monitoring.monte_carlo_error_sum(2**63, 0.5, 0.6, 10, RNG()),
     MonitoringError, "at most 9,223,372,036,854,775,807"),
    ("label-probability-shapes", lambda: monitoring.label_probability([0.5, 0.6], [0.5, 0.6, 0.7]),
     MonitoringError, "eta and p must have one shape (or broadcast together); got eta (2,), p (3,)"),
    ("agreement-probability-shapes", lambda: monitoring.agreement_probability([0.5, 0.6], [0.5, 0.6, 0.7]),
     MonitoringError, "must have one shape"),
    ("fit-loglog-too-few", lambda: rates.fit_loglog([1, 2], [1, 2]), ContractError, "needs at least 3 positive gaps"),
    ("fit-loglog-text", lambda: rates.fit_loglog("abc", [1, 2, 3]), ContractError, "n must be numbers"),
    ("fit-loglog-lengths", lambda: rates.fit_loglog([1, 2, 3], [1, 2]), ContractError, "n and gap must be equally long"),
    ("fit-loglog-n-zero", lambda: rates.fit_loglog([0, 1, 2, 3], [1, 2, 3, 4]), ContractError, "n must lie in (0, inf); got 0"),
    ("fit-loglog-one-n", lambda: rates.fit_loglog([2, 2, 2], [1, 2, 3]), ContractError, "two different n"),
    ("local-slopes-points-zero", lambda: rates.local_slopes([1, 2, 3], [1, 2, 3], points=0),
     ContractError, "points must be a whole number at least 2"),
    ("local-slopes-points-fraction", lambda: rates.local_slopes([1, 2, 3], [1, 2, 3], points=2.5),
     ContractError, "points must be a whole number"),
    ("local-slopes-lengths", lambda: rates.local_slopes([1, 2, 3], [1, 2], points=2), ContractError, "equally long"),
    ("fit-against-reference-lengths", lambda: rates.fit_against_reference([1, 2, 3], [1, 2, 3], [1, 2]),
     ContractError, "n and reference must be equally long"),
    ("gap-table-rates-no-ns", lambda: rates.gap_table_rates(B, {"m": 0.5}, []), ContractError, "ns is empty"),
    ("gap-table-rates-no-signals", lambda: rates.gap_table_rates(B, {}, [5]), ContractError, "signals is empty"),
    ("tail-n-beyond-scipy", lambda: binomial.tail(2**30, 2**31, 0.5), BinomialError,  # was nan
     "n must be a whole number at least 0 and at most 2,147,483,647"),
    ("below-n-beyond-scipy", lambda: binomial.below(2**30, 2**31, 0.5), BinomialError, "at most 2,147,483,647"),
    ("pmf-shapes", lambda: binomial.pmf([0, 1], 1, [0.5, 0.6, 0.7]), BinomialError, "x and q must have one shape"),
    ("score-shapes", lambda: binomial.score([0, 1], 1, 0.5, [0.5, 0.6, 0.7]), BinomialError, "x and q must have one shape"),
    ("tail-shapes", lambda: binomial.tail([1, 2], 5, [0.5, 0.6, 0.7]), BinomialError, "k and q must have one shape"),
    ("pmf-all-too-large", lambda: binomial.pmf_all(10**10, 0.5), BinomialError, "more than the 100,000,000"),
    ("pmf-matrix-too-large", lambda: binomial.pmf_matrix(10**10, [0.5]), BinomialError, "the pmf matrix would hold"),
    ("pmf-grid-points-too-many", lambda: binomial.pmf_grid(5, 0.5, 10**12), BinomialError, "at most 100,000,000"),
    ("error-sum-n-beyond-int64", lambda: monitoring.error_sum(2**63, 0.6, 0.7),  # was a wrapped negative k
     MonitoringError, "n (inspected samples) must be a whole number at least 1 and at most 9,223,372,036,854,775,807"),
    ("validation-counts-uint64-beyond-int64", lambda: validation.counts("n", np.array([2**63], dtype=np.uint64)),
     AnnotatorInputError, "at most 9,223,372,036,854,775,807; got 9223372036854775808"),
    ("validation-vectorised-math-exp", lambda: validation.vectorised("G", lambda w: 1 - math.exp(-w), np.linspace(0, 1, 3)),
     AnnotatorInputError, "G must take a numpy array and return one value per element"),
    ("best-response-no-points", lambda: contracts.best_response(np.zeros(3), 2, 0.5, utility.profile("figure3"), points=0),
     ContractError, "points must be a whole number at least 3"),
    ("profile-g-math-exp", lambda: UtilityProfile("scalar", G=lambda w: 1 - math.exp(-w), E=lambda e: 0.1 * np.asarray(e) ** 2,
                                                  mu=lambda e: np.sqrt(e)),
     ProfileError, "scalar: G must take a numpy array and return one value per element"),
    # validation helpers themselves
    ("validation-count-inf", lambda: validation.count("k", np.inf), AnnotatorInputError, "k must be a whole number"),
    ("validation-probabilities-object", lambda: validation.probabilities("p", [0.5, None]),
     AnnotatorInputError, "must be numbers"),
    ("validation-real-complex", lambda: validation.real("x", 1j), AnnotatorInputError, "real number; got complex"),
]


@pytest.mark.parametrize("case", LIBRARY_ERRORS, ids=[c[0] for c in LIBRARY_ERRORS])
def test_library_errors(case):
    _, call, error, message = case
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
    assert isinstance(raised.value, AnnotatorInputError) and isinstance(raised.value, ValueError)


def _negative_first_best_solution():
    prof = make_profile(U0=0.3)
    return contracts.solve("linear", 5, 0.9, prof), prof


LIBRARY_ANSWERS = [  # (id, call, check of the answer)
    ("error-sum-q0-zero", lambda: monitoring.error_sum(10, 0.0, 0.5), lambda v: v == pytest.approx(0.5**10, rel=1e-12)),
    ("lr-threshold-q0-zero", lambda: monitoring.lr_threshold(10, 0.0, 0.5), lambda v: int(v) == 1),
    ("lr-threshold-q1-one", lambda: monitoring.lr_threshold(10, 0.5, 1.0), lambda v: int(v) == 10),
    ("error-sum-separable", lambda: monitoring.error_sum(3, 0.0, 1.0), lambda v: v == 0.0),
    ("lower-bound-tiny-target", lambda: monitoring.samples_needed_lower_bound(1e-17, 0.1),
     lambda v: v == math.ceil(-math.log(1e-17 * (2 - 1e-17)) / 0.1)),
    ("lower-bound-infinite-kl", lambda: monitoring.samples_needed_lower_bound(0.1, np.inf), lambda v: v == 1),
    ("le-cam-infinite-kl", lambda: monitoring.le_cam_bound(1, np.inf), lambda v: float(v) == 0.0),
    ("ump-billion", lambda: monitoring.ump_threshold(10**9, 0.5, 0.05),
     lambda k: binomial.tail(k, 10**9, 0.5) <= 0.05 < binomial.tail(k - 1, 10**9, 0.5)),
    ("ump-alpha-zero", lambda: monitoring.ump_threshold(10, 0.5, 0.0), lambda k: k == 11),
    ("estimate-integral-float", lambda: monitoring.estimate_eta(3.0, 4, 1.0), lambda e: e.eta_hat == 0.5 and e.passes == 3),
    ("pass-probability-edges", lambda: binomial.pass_probability(np.array([0.0, 1.0]), 1.0), lambda q: list(q) == [0.5, 1.0]),
    ("score-at-q-one", lambda: binomial.score(np.arange(4), 3, 1.0, 1.0), lambda s: s[-1] == 1.5 and np.all(s[:-1] == -np.inf)),
    ("score-at-q-zero", lambda: binomial.score(np.arange(4), 3, 1.0, 0.0), lambda s: s[0] == -1.5 and np.all(s[1:] == np.inf)),
    ("tail-k-above-n", lambda: binomial.tail(7, 5, 0.5), lambda v: v == 0.0),
    ("tail-k-negative", lambda: binomial.tail(-3, 5, 0.5), lambda v: v == 1.0),
    ("below-k-above-n", lambda: binomial.below(np.array([6, 9]), 5, 0.5), lambda v: list(v) == [1.0, 1.0]),
    ("log-pmf-integral-float-n", lambda: binomial.log_pmf(2, 4.0, 0.5), lambda v: v == pytest.approx(np.log(6 / 16), rel=1e-14)),
    ("tail-curvature-n-one", lambda: binomial.tail_curvature(1, 1, 0.3), lambda v: v == 0.0),  # P(X >= 1) = q is linear
    ("clopper-pearson-empty", lambda: binomial.clopper_pearson([], []), lambda lh: lh[0].size == 0 and lh[1].size == 0),
    ("clopper-pearson-no-trials", lambda: binomial.clopper_pearson(0, 0), lambda lh: np.isnan(lh[0]) and np.isnan(lh[1])),
    ("clopper-pearson-empty-object-series",  # an empty agreement table's columns
     lambda: annotators.clopper_pearson(pd.Series([], dtype=object), pd.Series([], dtype=object)), lambda lh: lh[0].size == 0),
    ("agreement-no-pair-shares-enough", lambda: annotators.pairwise_agreement(LABELS, min_shared=10),
     lambda t: t.empty and list(t.columns) == ["judge_a", "judge_b", "shared", "agree", "rate", "low", "high"]),
    ("tie-rates-all-ties", lambda: annotators.tie_rates(LABELS.assign(label=np.nan)), lambda t: (t.tie_share == 1.0).all()),
    ("simulate-labels-empty", lambda: downstream.simulate_labels([], 0.5, RNG()), lambda z: z.size == 0),
    ("pairs-needed-equal-accuracies", lambda: downstream.evaluation_pairs_needed(0.7, 0.7, 0.1), lambda v: v == math.inf),
    ("pairs-needed-beyond-n-max", lambda: downstream.evaluation_pairs_needed(0.5, 0.5001, 0.001, n_max=1000),
     lambda v: v == math.inf),
    ("hard-examples-none-qualify", lambda: downstream.hard_examples(PAIRS, min_judges=100), lambda t: t.empty),
    ("format-number-tiny-negative", lambda: welfare.format_number(-1e-9, 3), lambda text: text == "0.000"),
    ("format-number-numpy-digits", lambda: welfare.format_number(np.float64(1.23456), np.int64(2)), lambda text: text == "1.23"),
    ("premium-share-zero", lambda: welfare.utility_premium_for_share("linear", 5, 0.9, FIG3, 0.0), lambda v: v == 0.0),
    # issue 21: answers that were wrong or plain exceptions
    ("pandalm-repeats-no-repeats", lambda: annotators.pandalm_repeats(annotators.load_pandalm().head(3)),  # was KeyError
     lambda t: t.empty and list(t.columns) == ["judge", "kind", "repeats", "consistent", "low", "high"]),
    ("human-agreement-int8-votes", lambda: downstream.human_agreement(  # overflowed silently
        PAIRS.assign(votes_1=np.array([100, 0, 1], dtype="int8"), votes_2=np.array([100, 1, 0], dtype="int8"))),
     lambda v: v == (9900, 19900)),
    ("vote-table-nullable-labels", lambda: downstream.vote_table(LABELS.assign(label=pd.array([1, 1, 0, None], dtype="Int64"))),
     lambda t: t.loc["a"].tolist() == [2, 0, 0] and t.loc["b"].tolist() == [0, 1, 1]),
    ("agreement-int8-labels", lambda: annotators.pairwise_agreement(LABELS.assign(label=np.array([1, 1, 0, 0], dtype="int8"))),
     lambda t: t.shared.tolist() == [2] and t.agree.tolist() == [2]),
    ("tail-integral-k-zero", lambda: rates.tail_integral_form(0, 5, 0.3), lambda v: v == 1.0),  # was 0
    ("tail-integral-k-one", lambda: rates.tail_integral_form(1, 5, 0.3), lambda v: v == pytest.approx(1 - 0.7**5, rel=1e-10)),
    ("error-sum-at-two-to-the-31", lambda: monitoring.error_sum(2**31, 0.6, 0.6001),  # was nan
     lambda v: float(v) == pytest.approx(2.2479e-06, rel=1e-4)),
    ("samples-needed-beyond-two-to-the-31", lambda: monitoring.samples_needed(1e-6, 0.6, 0.6001, n_max=10**12),
     lambda n: n > 2**31 and monitoring.error_sum(n, 0.6, 0.6001) <= 1e-6 < monitoring.error_sum(n - 1, 0.6, 0.6001)),
    ("dataset-unavailable-is-still-a-lookup-error", lambda: ai_data.DatasetUnavailableError,
     lambda cls: issubclass(cls, LookupError) and issubclass(cls, DataError) and issubclass(cls, AnnotatorInputError)),
    ("helpsteer-pairs-none-differ", lambda: ai_data.helpsteer_pairs_from_attributes(ATTRIBUTES.assign(score_mean5=2.0)),
     lambda t: t.empty and "row_chosen" in t.columns),
    ("sc-curves-one-delta-as-a-number", lambda: monitoring.self_consistency_curves([5], 0.1, 0.8, 0.9), lambda t: len(t) == 1),
    ("fit-loglog-gap-nan-left-out", lambda: rates.fit_loglog([1, 10, 100, 1000], [1.0, 0.1, 0.01, np.nan]),
     lambda fit: fit.slope == pytest.approx(-1.0)),
    ("solve-n-integral-float", lambda: contracts.solve("linear", 5.0, 0.9, B), lambda s: s.n == 5 and s.feasible),
    ("solve-numpy-scalars", lambda: contracts.solve("linear", np.int64(5), np.float32(0.5), B),
     lambda s: s.n == 5 and s.c == 0.5),
    # item 4: q = 1 is a certain outcome, not a division by zero; the first-best is reached
    ("general-restricted-c-one", lambda: contracts.solve("general", 3, 1.0, RAP, "restricted"),
     lambda s: s.feasible and abs(s.gap) < 1e-12 and contracts.ic_violation(s, RAP) == 0.0),
    ("normalised-gap-undefined", lambda: _negative_first_best_solution(),
     lambda sp: sp[0].first_best.value < 0 and math.isnan(sp[0].normalised_gap) and math.isfinite(sp[0].gap)),
    ("profile-consistent-functions", lambda: make_profile(), lambda p: p.name == "p"),
    ("profile-numeric-derivatives-stay-in-domain",
     lambda: make_profile(mu=lambda e: 0.5 * np.power(np.asarray(e, float), 0.8), dmu=None, dE=None),
     lambda p: np.isfinite(p.dE(0.0)) and np.isfinite(p.dmu(0.0)) and 0 < contracts.first_best(p).eta < 1),
]


@pytest.mark.parametrize("case", LIBRARY_ANSWERS, ids=[c[0] for c in LIBRARY_ANSWERS])
def test_library_answers(case):
    _, call, check = case
    assert check(call())


def test_wrong_cara_tag_would_have_given_a_contract_that_is_not_incentive_compatible():
    """Item 5: the solvers trust a cara tag; a wrong one is now refused at construction."""
    with pytest.raises(ProfileError, match="cara tag"):
        UtilityProfile("wrong", G=B.G, G_inv=B.G_inv, dG=B.dG, E=B.E, dE=B.dE, mu=B.mu, dmu=B.dmu, cara=(1.5, 1.0))


def test_strict_bonus_breaks_the_tie():
    """The optimal binary contract ties the recommended effort with shirking; the strict bonus
    makes following better by the margin, at a stated cost."""
    solution = contracts.solve("binary", 20000, 0.95, B)
    strict = contracts.strict_bonus(solution, B, 1e-3)
    assert strict.reachable and strict.extra_bonus > 0 and strict.lead == pytest.approx(1e-3, rel=1e-4)
    assert strict.induced_effort >= solution.eta - 1e-9 and 0 < strict.cost < 2 * strict.extra_bonus
    wages = np.where(
        np.arange(solution.n + 1) >= solution.params["k"], solution.params["w0"] + strict.bonus, solution.params["w0"]
    )
    check = contracts.incentive_check(wages, strict.induced_effort, solution.n, solution.c, B)
    assert check.compatible


def test_corpus_size():
    sizes = [CLI_ERRORS, CLI_ANSWERS, DATA_ERRORS, PLAN_SIZE_ERRORS, DATA_ANSWERS, PROFILE_ERRORS, PROFILE_EDGES,
             FIRST_BEST_NOT_POSITIVE,
             LOCAL_COPIES, LIBRARY_ERRORS, LIBRARY_ANSWERS, LOADER_ERRORS]
    assert sum(map(len, sizes)) >= 150


# --- 5. local copies of the datasets under ANNOTATOR_DATA_DIR --------------------------------------

ULTRA = "RLHFlow/UltraFeedback-preference-standard/data/train-00000-of-00001.parquet"
SAMPLE = "ultrafeedback-sample/trl-lib_ultrafeedback_binarized_subset1200_scores.csv"
PKU = "pku-beaver-7b-v2.0-reward-scores.parquet"
SCORED = _parquet(pd.DataFrame({"chosen_score": np.arange(40.0) + 2, "rejected_score": np.arange(40.0)}))
HELPSTEER2 = "helpsteer2-sample/helpsteer2_first100_pairs.csv"
REAL_HELPSTEER2 = (ai_data.PACKAGED_DATA_DIR / HELPSTEER2).read_text(encoding="utf-8")
REAL_ULTRA = (ai_data.PACKAGED_DATA_DIR / SAMPLE).read_text(encoding="utf-8")
ULTRA_SHA = next(line.split()[0] for line in (ai_data.PACKAGED_DATA_DIR / "SHA256SUMS").read_text().splitlines()
                 if line.endswith(SAMPLE))
# the real sample with the first pair's rejected score changed to 1.0, next to a SHA256SUMS holding the real file's sha256
_LINES = REAL_ULTRA.split("\n")
CHANGED_ULTRA = "\n".join([_LINES[0], _LINES[1].rsplit(",", 1)[0] + ",1.0", *_LINES[2:]])
assert CHANGED_ULTRA != REAL_ULTRA
LOCAL_COPIES = [  # (id, dataset, {path in the folder: content}, piece of the message)
    ("hub-random-bytes", "ultra", {ULTRA: bytes(range(256))}, "its local copy cannot be read"),
    ("hub-truncated", "ultra", {ULTRA: SCORED[: len(SCORED) // 2]}, "its local copy cannot be read"),
    ("hub-empty-file", "ultra", {ULTRA: b""}, "its local copy cannot be read"),
    ("hub-missing-columns", "ultra", {ULTRA: _parquet(pd.DataFrame({"score": [1.0, 2.0]}))}, "missing column(s)"),
    ("hub-no-files", "ultra", {"RLHFlow/UltraFeedback-preference-standard/README.md": "x"}, "has no hub files"),
    ("sample-binary", "ultrafeedback-sample",
     {SAMPLE: b"score_chosen,score_rejected\n\x00\xff\xfe,1\n"}, "its local copy cannot be read"),
    ("sample-empty", "ultrafeedback-sample", {SAMPLE: ""}, "its local copy cannot be read"),
    ("sample-text-scores", "ultrafeedback-sample", {SAMPLE: "score_chosen,score_rejected\n2,1\nhigh,1\n"}, "non-numeric"),
    ("sample-wrong-columns", "ultrafeedback-sample", {SAMPLE: "a,b\n2,1\n"}, "missing column(s)"),
    ("pku-junk", "pku", {PKU: b"junk"}, "its local copy cannot be read"),
    ("pku-missing-columns", "pku", {PKU: _parquet(pd.DataFrame({"score": [1.0]}))}, "missing column(s)"),
    # issue 21: damaged local copies were used silently
    ("helpsteer2-truncated", "helpsteer2-sample", {HELPSTEER2: "".join(REAL_HELPSTEER2.splitlines(keepends=True)[:22])},
     "21 pairs, but the HelpSteer2 sample has 44: a truncated or different copy"),
    ("sample-changed-next-to-its-SHA256SUMS", "ultrafeedback-sample",
     {SAMPLE: CHANGED_ULTRA, "ultrafeedback-sample/SHA256SUMS": f"{ULTRA_SHA}  {Path(SAMPLE).name}\n"},
     f"{Path('ultrafeedback-sample', 'SHA256SUMS')} ({ULTRA_SHA[:12]}...): the local copy has changed"),
    ("hub-shard-changed-next-to-SHA256SUMS", "ultra",
     {ULTRA: SCORED, "RLHFlow/UltraFeedback-preference-standard/SHA256SUMS": "0" * 64 + "  data/train-00000-of-00001.parquet\n"},
     "train-00000-of-00001.parquet differs from its sha256"),
    ("hub-shard-nan-scores", "ultra", {ULTRA: _parquet(pd.DataFrame({"chosen_score": [2.0, np.nan] * 10,
                                                                   "rejected_score": [1.0, 0.0] * 10}))},
     "column chosen_score has 10 NaN, missing or infinite value(s), the first at row 2"),
    ("pku-bit-flipped", "pku", {PKU: _bit_flipped(pd.DataFrame({"chosen_score": np.r_[0.5, 0.640, np.arange(40.0) + 2],
                                                               "rejected_score": np.arange(42.0) - 1}), 0.640, 0.0001)},
     "could not verify page integrity"),
    ("pku-infinite-score", "pku", {PKU: _parquet(pd.DataFrame({"chosen_score": np.r_[np.inf, np.arange(40.0) + 2],
                                                              "rejected_score": np.arange(41.0)}))},
     "pku-beaver-7b-v2.0-reward-scores.parquet: column chosen_score has 1 NaN, missing or infinite value(s)"),
]


@pytest.mark.parametrize("case", LOCAL_COPIES, ids=[c[0] for c in LOCAL_COPIES])
def test_corrupt_local_copies(case, tmp_path, monkeypatch, capsys):
    _, dataset, files, message = case
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write_files(tmp_path, {name: content})
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError) as raised:
        planning.plan(dataset=dataset, n=5)
    assert message in str(raised.value)
    code, _, err = run_main(["--dataset", dataset, "--n", "5"], capsys)
    assert code == 2 and err.startswith("annotator-plan: error:") and message in err and "Traceback" not in err


def test_data_dir_is_a_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "f").write_text("x")
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "f"))
    code, _, err = run_main(["--dataset", "ultrafeedback-sample", "--n", "5"], capsys)
    assert code == 2 and "not a directory" in err


# --- 6. corrupt local copies, read by the library's loaders themselves (no CLI around them) --------

ULTRA_ID = "RLHFlow/UltraFeedback-preference-standard"
SHARD_2 = "train-00001-of-00002.parquet"


def hub_copy(second: bytes | None = None, text: bool = False, **columns) -> Callable[[Path], None]:
    """A writer of a two-shard copy of UltraFeedback in the hub layout (scores as text: ``text``, one of
    them "high"), its second shard replaced by ``second``."""
    chosen, rejected = list(np.arange(40.0) + 2), list(np.arange(40.0))
    if text:
        chosen, rejected = ["high"] + [str(x) for x in chosen[1:]], [str(x) for x in rejected]

    def write(root: Path) -> None:
        folder = write_hub_dataset(root, ULTRA_ID, chosen, rejected, shards=2, **columns)
        if second is not None:
            (folder / "data" / SHARD_2).write_bytes(second)

    return write


def shard_without(column: str) -> bytes:
    """A good shard of the copy, without one column."""
    table = pa.table({"chosen_score": pa.array([2.0, 3.0]), "rejected_score": pa.array([1.0, 1.0])}).drop_columns([column])
    return _parquet(table.to_pandas())


def files(**contents: bytes | str) -> Callable[[Path], None]:
    """A writer of files at paths relative to the data folder ("__" stands for "/")."""

    def write(root: Path) -> None:
        for name, content in contents.items():
            path = root / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return write


MT_FILE = "mt-bench-human-judgments__human_judgments.jsonl"
MT_ZIP = "mt-bench-human-judgments__human_gpt_comparison.zip"
PANDALM = "pandalm-testset__testset-v1.json"


def vote(**changes) -> str:
    """One MT-Bench judgment as a JSON line."""
    return json.dumps({"question_id": 81, "judge": "author_0", "model_a": "a", "model_b": "b", "winner": "tie"} | changes) + "\n"


def item(drop: str | None = None, **changes) -> str:
    """A PandaLM test set of one item."""
    record = {"idx": 0, "instruction": "i", "input": "", "response1": "r1", "response2": "r2",
              "annotator1": 1, "annotator2": 2, "annotator3": 0} | changes
    return json.dumps([{k: v for k, v in record.items() if k != drop}])


def zipped(name: str, text: str) -> bytes:
    """A zip archive holding one file."""
    import io
    import zipfile

    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        archive.writestr(name, text)
    return sink.getvalue()


def conversations(first: str) -> str:
    """The archive's CSV: one turn-1 row whose first conversation is ``first``."""
    good = repr([("q", "user"), ("an answer", "assistant")])
    row = {"question_id": "81", "model_a": "a", "model_b": "b", "turn_x": "1", "conversation_a_x": first,
           "conversation_b_x": good, "category": "writing"}
    return pd.DataFrame([row]).to_csv(index=False)


GOOD_SHARD = _parquet(pd.DataFrame({"chosen_score": [2.0, 3.0], "rejected_score": [1.0, 1.0]}))
SAMPLE_FILE = "ultrafeedback-sample__trl-lib_ultrafeedback_binarized_subset1200_scores.csv"
LOADER_ERRORS = [  # (id, writer of the data folder, call on the folder, error class, piece of the message)
    ("hub-shard-truncated", hub_copy(GOOD_SHARD[: len(GOOD_SHARD) // 2]), lambda d: ai_data.load_preference_data("ultra", d),
     UnreadableDataError, f"{SHARD_2} is not a readable Parquet file"),
    ("hub-shard-garbage", hub_copy(bytes(range(256)) * 3), lambda d: ai_data.load_scores("ultra", d),
     UnreadableDataError, f"{SHARD_2} is not a readable Parquet file"),
    ("hub-shard-empty", hub_copy(b""), lambda d: ai_data.load_preference_data("ultra", d),
     UnreadableDataError, "dataset ultra: its local copy cannot be read: "),
    ("hub-shard-empty-named", hub_copy(b""), lambda d: ai_data.load_preference_data("ultra", d),
     UnreadableDataError, f"{Path(ULTRA_ID, 'data', SHARD_2)} is empty"),
    ("hub-shard-is-csv", hub_copy(b"chosen_score,rejected_score\n2,1\n"), lambda d: ai_data.load_preference_data("ultra", d),
     UnreadableDataError, "is not a readable Parquet file"),
    ("hub-shard-lacks-a-column", hub_copy(shard_without("rejected_score")), lambda d: ai_data.load_preference_data("ultra", d),
     DataError, f"{SHARD_2}: missing column(s) rejected_score"),
    ("hub-scores-as-text", hub_copy(text=True, score_type=pa.string()), lambda d: ai_data.load_preference_data("ultra", d),
     DataError, "non-numeric"),
    ("pku-truncated", files(**{"pku-beaver-7b-v2.0-reward-scores.parquet": GOOD_SHARD[:40]}),
     lambda d: ai_data.load_preference_data("pku", d), UnreadableDataError, "is not a readable Parquet file"),
    ("pku-empty", files(**{"pku-beaver-7b-v2.0-reward-scores.parquet": b""}),
     lambda d: ai_data.load_scores("pku", d), UnreadableDataError, "pku-beaver-7b-v2.0-reward-scores.parquet is empty"),
    ("sample-latin-1", files(**{SAMPLE_FILE: "score_chosen,score_rejected\n2,caf\xe9\n".encode("latin-1")}),
     lambda d: ai_data.load_sample_scores("ultrafeedback-sample", d), UnreadableDataError, "is not UTF-8 text (byte"),
    ("sample-ragged", files(**{SAMPLE_FILE: "score_chosen,score_rejected\n2,1\n3,1,4,5\n"}),
     lambda d: ai_data.load_preference_data("ultrafeedback-sample", d), UnreadableDataError, "is not a readable CSV file"),
    ("sample-empty", files(**{SAMPLE_FILE: ""}), lambda d: ai_data.load_sample_scores("ultrafeedback-sample", d),
     UnreadableDataError, "trl-lib_ultrafeedback_binarized_subset1200_scores.csv is empty"),
    # real annotators and the downstream experiment
    ("mt-bench-not-json", files(**{MT_FILE: "question_id: 81\n"}), annotators.load_mt_bench,
     UnreadableDataError, "the MT-Bench human judgments: its local copy cannot be read"),
    ("mt-bench-binary", files(**{MT_FILE: bytes(range(256))}), annotators.load_mt_bench,
     UnreadableDataError, "human_judgments.jsonl"),
    ("mt-bench-empty", files(**{MT_FILE: ""}), annotators.load_mt_bench, UnreadableDataError, "human_judgments.jsonl is empty"),
    ("mt-bench-unknown-winner", files(**{MT_FILE: vote(winner="model_c")}), annotators.load_mt_bench,
     DataError, "winner must be one of model_a, model_b, tie; got 'model_c' on line 1"),
    ("mt-bench-blank-judge", files(**{MT_FILE: vote(judge=None)}), annotators.load_mt_bench,
     DataError, "blank values in question_id, judge, model_a, model_b, winner"),
    ("pandalm-not-json", files(**{PANDALM: "[{"}), annotators.load_pandalm, UnreadableDataError, "is not a readable JSON file"),
    ("pandalm-latin-1", files(**{PANDALM: '[{"instruction": "caf\xe9"}]'.encode("latin-1")}), annotators.load_pandalm,
     UnreadableDataError, "testset-v1.json is not UTF-8 text"),
    ("pandalm-not-a-list", files(**{PANDALM: '{"idx": 1}'}), annotators.load_pandalm,
     DataError, "expected a non-empty JSON list"),
    ("pandalm-vote-three", files(**{PANDALM: item(annotator2=3)}), annotators.load_pandalm,
     DataError, "item 0: annotator2 must be 0 (tie), 1 or 2; got 3"),
    ("pandalm-vote-bool", files(**{PANDALM: item(annotator1=True)}), downstream.pandalm_pairs,
     DataError, "annotator1 must be 0 (tie), 1 or 2; got True"),
    ("pandalm-missing-key", files(**{PANDALM: item(drop="response2")}), annotators.load_pandalm,
     DataError, "item 0 lacks response2"),
    ("mt-bench-changed-next-to-its-SHA256SUMS",  # issue 21: local copies are checked against their own SHA256SUMS
     files(**{MT_FILE: vote(), "mt-bench-human-judgments__SHA256SUMS": "0" * 64 + "  human_judgments.jsonl\n"}),
     annotators.load_mt_bench, ai_data.DamagedCopyError, "human_judgments.jsonl differs from its sha256"),
    ("pandalm-changed-next-to-a-top-SHA256SUMS",
     files(**{PANDALM: item(), "SHA256SUMS": "0" * 64 + "  pandalm-testset/testset-v1.json\n"}),
     annotators.load_pandalm, ai_data.DamagedCopyError, "testset-v1.json differs from its sha256"),
    ("mt-bench-zip-empty", files(**{MT_ZIP: b""}), downstream.load_mt_bench_texts,
     UnreadableDataError, "comparison.zip is empty"),
    ("mt-bench-zip-garbage", files(**{MT_ZIP: b"junk"}), downstream.load_mt_bench_texts,
     UnreadableDataError, "human_gpt_comparison.zip is not a readable zip file (File is not a zip file)"),
    ("mt-bench-zip-no-csv", files(**{MT_ZIP: zipped("notes.txt", "x")}), downstream.load_mt_bench_texts,
     DataError, "no CSV inside the archive"),
    ("mt-bench-zip-missing-columns", files(**{MT_ZIP: zipped("a.csv", "question_id,model_a\n81,x\n")}),
     downstream.load_mt_bench_texts, DataError, "missing column(s) category, conversation_a_x"),
    ("mt-bench-zip-bad-conversation", files(**{MT_ZIP: zipped("a.csv", conversations("[('hi', 'user'),")) }),
     downstream.load_mt_bench_texts, DataError, "a conversation is not a list of (text, role) pairs"),
]


@pytest.mark.parametrize("case", LOADER_ERRORS, ids=[c[0] for c in LOADER_ERRORS])
def test_loaders_name_corrupt_local_copies(case, hub_root):
    _, write, call, error, message = case
    hub_root.mkdir(parents=True, exist_ok=True)
    write(hub_root)
    with pytest.raises(error) as raised:
        call(hub_root)
    assert message in str(raised.value), str(raised.value)
    assert isinstance(raised.value, AnnotatorInputError)


RESULT_RECORDS = {"ExpertCalibration", "EffortComparison"}  # what the functions return, not what they take


def test_every_public_function_of_the_swept_modules_meets_a_bad_input():
    """annotators, downstream and welfare: each public function (and each class taking numbers)
    appears in at least one case that asserts a named error."""
    called = set()
    for call in [c[1] for c in LIBRARY_ERRORS] + [c[2] for c in LOADER_ERRORS]:
        called |= {call.__name__, *call.__code__.co_names}
    for module in (annotators, downstream, welfare):
        public = [name for name in module.__all__ if callable(getattr(module, name)) and name not in RESULT_RECORDS
                  and not (isinstance(getattr(module, name), type) and issubclass(getattr(module, name), Exception))]
        assert not set(public) - called, f"{module.__name__}: no bad-input case for {sorted(set(public) - called)}"
