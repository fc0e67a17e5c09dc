"""The planning tool: library function and the annotator-plan command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import contract_brute_force as brute
from annotator_incentives import cli, monitoring, planning
from team_config import TEAM_TOML


@pytest.fixture
def p_file(tmp_path):
    path = tmp_path / "pairs.csv"
    pd.DataFrame({"p": np.linspace(0.55, 0.99, 200)}).to_csv(path, index=False)
    return path


def run(*args):
    return subprocess.run([sys.executable, "-m", "annotator_incentives", *args], capture_output=True, text=True)


def test_plan_from_a_file_with_json(p_file, tmp_path):
    profile = tmp_path / "team.toml"
    profile.write_text(TEAM_TOML)
    out = run("--file", str(p_file), "--profile-file", str(profile), "--delta", "0.05", "--n", "50", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    c_bar = float(np.mean(2 * np.linspace(0.55, 0.99, 200) - 1))
    assert result["c_bar"] == pytest.approx(c_bar)
    sc = monitoring.self_consistency_monitor(0.05)
    assert result["monitoring"]["self-consistency"]["samples_needed"] == monitoring.samples_needed(
        0.1, float(sc.q(0.8)), float(sc.q(0.95))
    )
    assert result["n"] == 50 and set(result["contracts"]["expert"]) == {"binary", "linear"}
    assert result["contracts"]["self-consistency"]["linear"]["gap_to_first_best"] >= 0


def test_plan_with_a_dataset_prints_a_report():
    out = run("--dataset", "ultrafeedback-sample", "--error", "0.1")  # the packaged sample, no setting needed
    assert out.returncode == 0, out.stderr
    assert "self-consistency needs fewer inspected samples" in out.stdout
    assert "UltraFeedback sample (named real sample)" in out.stdout


def test_help_is_for_newcomers():
    out = run("--help")
    assert out.returncode == 0 and "examples:" in out.stdout and "--profile-file" in out.stdout


def test_console_script_is_installed():
    script = __import__("shutil").which("annotator-plan") or str(
        __import__("pathlib").Path(sys.executable).with_name("annotator-plan")
    )
    out = subprocess.run([script, "--help"], capture_output=True, text=True)
    assert out.returncode == 0


@pytest.mark.parametrize("content,message", [
    ("q\n0.7\n", "needs a column p"),
    ("p\n0.7\n1.3\n", "must lie in [0, 1]"),
    ("p\n0.7\nabc\n", "non-numeric"),
    ("p\n", "no rows"),
    ("p,q\n0.7," + "x" * 200_000 + "\n", "line 2: a field longer than 131,072 characters"),  # was "unexpected ... a bug"
])
def test_bad_files(tmp_path, content, message, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert cli.main(["--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator-plan: error:") and message in err


def test_old_mac_line_ends_are_read(tmp_path, capsys):
    """Issue 21: a CSV file whose lines end in CR alone was "unexpected Error ... this is a bug"."""
    path = tmp_path / "mac.csv"
    path.write_bytes(b"p\r" + b"0.9\r" * 12)
    assert cli.main(["--file", str(path), "--n", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["c_bar"] == pytest.approx(0.8)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "pairs.xlsx"
    path.write_text("")
    with pytest.raises(planning.DataError, match="unsupported file type"):
        planning.p_from_file(path)


@pytest.mark.parametrize("args,message", [
    (["--dataset", "imdb"], "unknown dataset 'imdb'"),
    (["--dataset", "ultrafeedback-sample", "--profile", "nope"], "unknown utility profile 'nope'"),
    (["--dataset", "ultrafeedback-sample", "--eta0", "0.95", "--eta1", "0.9"], "eta0 < eta1"),
    (["--dataset", "ultrafeedback-sample", "--error", "1.5"], "target error sum"),
    (["--dataset", "ultrafeedback-sample", "--n", "0"], "at least 1"),
])
def test_bad_arguments(args, message, capsys, real_data):
    assert cli.main([*args, "--data-dir", str(real_data)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("toml,message", [
    ("[G]\nkind='cara'\n[E]\ncoefficients=[0,0.1]\n", r"missing section \[mu\]"),
    ("[G]\nkind='crra'\n[E]\ncoefficients=[0,0.1]\n[mu]\nkind='exp'\nscale=1\nrate=1\n", "kind must be 'cara'"),
    ("[G]\nkind='cara'\n[E]\ncoefficients=[0,0.1]\n[mu]\nkind='sqrt'\n", "kind must be one of"),
    ("[G]\nkind='cara'\n[E]\ncoefficients=[0,0.1]\n[mu]\nkind='exp'\nscale=1\n", "missing key 'rate'"),
    ("[G]\nkind='cara'\n[E]\ncoefficients=[0,0.1,-0.5]\n[mu]\nkind='exp'\nscale=1\nrate=1\n", "Assumption 3 fails: E is not"),
    ("not toml [", "not valid TOML"),
])
def test_bad_profile_files(tmp_path, toml, message):
    path = tmp_path / "profile.toml"
    path.write_text(toml)
    with pytest.raises(planning.ProfileError, match=message):
        planning.profile_from_toml(path)


@pytest.mark.parametrize("option", ["--profile", "--data-dir", "--profile-file"])
def test_empty_names_are_errors_not_defaults(option, p_file):
    """Issue 21: --profile '' meant baseline and --data-dir '' the current folder, silently."""
    out = run("--file", str(p_file), option, "", "--n", "5")
    assert out.returncode == 2 and f"annotator-plan: error: {option} is empty" in out.stderr
    assert cli.blank_argument(cli.parser().parse_args(["--file", str(p_file)])) is None


def test_a_reader_that_closes_the_pipe_gets_no_traceback():
    """`annotator-plan ... | head -1`: the reader closes the pipe before the report is written."""
    read, write = os.pipe()
    os.close(read)
    run = subprocess.run([sys.executable, "-m", "annotator_incentives", "--dataset", "ultrafeedback-sample", "--n", "5"],
                         stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    os.close(write)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("low,args", [(-50.0, ["--n", "20"]), (-30.0, ["--delta", "0.7", "--n", "3001"])])
def test_wide_wage_bounds_print_only_certified_contracts(tmp_path, capsys, low, args):
    """The README's profile with a wage floor of -50 printed "base -50 + bonus 50 if at least 1
    of 20" with a gap of -0.158 (the annotator 0.175 below U_0); with -30, n = 3001 and
    delta = 0.7, binary contracts short of participation by 1e-3. Every printed contract must
    now give the annotator U_0 and the company no more than the first-best (or the profile is
    refused at load time, naming the wage bounds)."""
    path = tmp_path / "team.toml"
    path.write_text(TEAM_TOML.replace("wage_bounds = [-10.0, 10.0]", f"wage_bounds = [{low}, 10.0]"))
    code = cli.main(["--dataset", "ultrafeedback-sample", "--profile-file", str(path), *args, "--json"])
    captured = capsys.readouterr()
    if code == 2:
        assert "wage_bounds" in captured.err
        return
    assert code == 0, captured.err
    result = json.loads(captured.out)
    profile = planning.profile_from_toml(path)
    checked = 0
    for name, offers in result["contracts"].items():
        c = result["monitoring"][name]["c"]
        binary = offers["binary"]
        assert binary["gap_to_first_best"] >= 0 and offers["linear"]["gap_to_first_best"] >= 0
        if binary["bonus"]:
            n, k = result["n"], binary["threshold"]
            wages = np.where(np.arange(n + 1) >= k, binary["base_wage"] + binary["bonus"], binary["base_wage"])
            agent = brute.agent_utility(wages, n, c, profile, binary["induced_effort"])[0]
            assert agent >= profile.U0 - 1e-9  # participation, recomputed by scipy's pmf
            checked += 1
    assert checked


# --- annotator-plan agree: a team's own votes ------------------------------------------------------

# Krippendorff (2011)'s nominal example in long form: 4 coders, 12 units, alpha = 0.743
KRIPPENDORFF_VOTES = "task,worker,label\n" + "\n".join(
    f"u{u},c{c},{v}" for c, row in enumerate([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]) for u, v in enumerate(row) if v is not None) + "\n"


def agree_main(argv, capsys):
    try:
        code = cli.main(["agree", *argv])
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_agree_on_a_small_known_file(tmp_path, capsys):
    votes = tmp_path / "votes.csv"
    votes.write_text(KRIPPENDORFF_VOTES)
    argv = ["--votes", str(votes), "--min-shared", "9", "--bootstrap", "200", "--method", "one-coin"]
    code, out, err = agree_main(argv, capsys)
    assert code == 0, err
    assert "Krippendorff's alpha (nominal): 0.743 (95% interval" in out and "11 tasks with two votes or more" in out
    assert "one-coin Dawid–Skene" in out and "156 repeated tasks per worker" in out
    code, out, err = agree_main(["--votes", str(votes), "--min-shared", "9", "--bootstrap", "0", "--json"], capsys)
    result = json.loads(out)
    assert result["pool"]["krippendorff_alpha"]["value"] == pytest.approx(0.743, abs=5e-4)
    assert result["pool"]["krippendorff_alpha"]["low"] is None  # no bootstrap asked for
    workers = {w["worker"]: w for w in result["workers"]}
    assert set(workers) == {"c0", "c1", "c2", "c3"} and workers["c0"]["shared_tasks"] == 9
    assert [w for w in workers if workers[w]["too_few_shared"]] == []
    sc = monitoring.self_consistency_monitor(0.05)
    assert result["self_consistency"]["checks_needed"] == monitoring.samples_needed(0.1, float(sc.q(0.8)), float(sc.q(0.95)))


def test_agree_reads_parquet_with_its_own_column_names(tmp_path, capsys):
    frame = pd.read_csv(io.StringIO(KRIPPENDORFF_VOTES)).rename(columns={"task": "unit", "worker": "coder", "label": "code"})
    path = tmp_path / "votes.parquet"
    frame.to_parquet(path)
    code, out, err = agree_main(["--votes", str(path), "--task", "unit", "--worker", "coder", "--label", "code",
                                 "--labels", "1,2,3,4,5", "--bootstrap", "0", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["pool"]["krippendorff_alpha"]["value"] == pytest.approx(0.743, abs=5e-4)


def test_agree_on_the_packaged_votes_written_out(tmp_path, capsys):
    from annotator_incentives import agreement, annotators

    path = tmp_path / "pandalm.csv"
    agreement.votes(annotators.load_pandalm()).to_csv(path, index=False)
    code, out, err = agree_main(["--votes", str(path), "--labels", "first,second,tie", "--bootstrap", "50"], capsys)
    assert code == 0, err
    assert "2,997 votes by 3 workers on 999 tasks" in out and "Fleiss' kappa" in out


AGREE_ERRORS = [  # (id, file content or None for no file, extra argv, piece of stderr)
    ("missing-column", "task,worker\n1,a\n", [], "missing column(s) label"),
    ("one-worker", "task,worker,label\n1,a,x\n2,a,y\n", [], "at least two workers"),
    ("one-label", "task,worker,label\n1,a,x\n1,b,x\n", [], "every vote is 'x'"),
    ("label-outside", "task,worker,label\n1,a,x\n1,b,z\n", ["--labels", "x,y"], "label 'z' in row 2 is not one of"),
    ("duplicate-pair", "task,worker,label\n1,a,x\n1,b,y\n1,a,y\n", [], "voted more than once, the first task '1', worker 'a'"),
    ("blank-cell", "task,worker,label\n1,a,x\n1,,y\n", [], "column worker has 1 missing value(s)"),
    ("no-task-twice", "task,worker,label\n1,a,x\n2,b,y\n", [], "no task has two votes"),
    ("empty-file", "", [], "the file is empty"),
    ("ragged-line", "task,worker,label\n1,a,x,extra\n", [], "line 2 has 4 field(s)"),
    ("wrong-suffix", None, ["--votes", "{dir}/votes.json"], "unsupported file type"),
    ("missing-file", None, ["--votes", "{dir}/nowhere.csv"], "no such file"),
    ("votes-empty", None, ["--votes", ""], "--votes is empty"),
    ("labels-one", "task,worker,label\n1,a,x\n1,b,y\n", ["--labels", "x"], "--labels must name at least two"),
    ("unknown-method", "task,worker,label\n1,a,x\n1,b,y\n", ["--method", "em"], "invalid choice: 'em'"),
    ("min-shared-one", "task,worker,label\n1,a,x\n1,b,y\n", ["--min-shared", "1"], "min_shared must be"),
    ("delta-one", "task,worker,label\n1,a,x\n1,b,y\n", ["--delta", "1"], "delta must lie in [0, 1)"),
    ("same-columns", "task,worker,label\n1,a,x\n1,b,y\n", ["--worker", "task"], "three different columns"),
]


@pytest.mark.parametrize("case", AGREE_ERRORS, ids=[c[0] for c in AGREE_ERRORS])
def test_agree_bad_input_is_one_line(case, tmp_path, capsys):
    _, content, extra, message = case
    votes = tmp_path / "votes.csv"
    if content is not None:
        votes.write_text(content)
    argv = [a.replace("{dir}", str(tmp_path)) for a in extra]
    if "--votes" not in argv:
        argv = ["--votes", str(votes), *argv]
    code, out, err = agree_main([*argv, "--bootstrap", "0"], capsys)
    assert code == 2 and message in err, err
    assert (err.startswith("annotator-plan: error:") and err.count("\n") == 1) or err.startswith("usage:")
    assert "Traceback" not in err and out == ""
