"""The planning tool: library function and the annotator-plan command."""

from __future__ import annotations

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
