"""Figure data that agree across machines: the declared precision of every figure's CSV and JSON,
the ill-conditioned columns a figure names, the SHA256SUMS manifest, and the compare command
(``python -m annotator_incentives.figure_data compare``, ``make compare``) on hand-made folders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from annotator_incentives import figure_data, plotting
from annotator_incentives.figure_data import ILL_CONDITIONED, WELL_CONDITIONED, compare_folders, main
from dispatch import NOTHING_TO_LOWER, environment, highest_tier
from suite import REPO_ROOT


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def record(ill: list[str] | None = None) -> str:
    return json.dumps({"name": "fig", "drawn": True, "layout": {"width_in": 6.8}, "significant_digits": 10,
                       "ill_conditioned_columns": ill or []}, indent=1)


def run(capsys, this: Path, other: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["compare", str(other), "--this", str(this), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def printed(out: str) -> dict[str, str]:
    """The status the command printed for each file (lines ``<name>  <status>``)."""
    return dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in out.splitlines()
                if line[:1] not in (" ", "") and re.search(r"\S\s{2,}\S", line))


def statuses(this: Path, other: Path) -> dict[str, str]:
    return {r.name: r.status for r in compare_folders(this, other)}


def test_identical_folders_agree(tmp_path, capsys):
    files = {"fig.csv": "n,eta\n1,0.9\n", "fig.json": record()}
    a, b = write(tmp_path / "a", files), write(tmp_path / "b", files)
    code, out, err = run(capsys, a, b)
    assert code == 0 and not err
    assert printed(out) == {"fig.csv": "identical", "fig.json": "identical"}
    assert "2 files: 2 identical, 0 within tolerance, 0 beyond tolerance, 0 cannot compare" in out


def test_one_unit_in_the_tenth_digit_is_within_the_well_conditioned_tolerance(tmp_path, capsys):
    """The rare value whose last-bit jitter straddles a rounding boundary is written one unit
    apart in the tenth significant digit: within tolerance, and shown as such."""
    a = write(tmp_path / "a", {"fig.csv": "n,gap\n1,0.1000000001\n2,0.9999999999\n"})
    b = write(tmp_path / "b", {"fig.csv": "n,gap\n1,0.1000000002\n2,0.9999999998\n"})
    code, out, _ = run(capsys, a, b)
    assert code == 0, out
    assert printed(out) == {"fig.csv": "within tolerance"}
    line = next(x for x in out.splitlines() if x.strip().startswith("gap"))
    assert "1e-10" in line and "well conditioned" in line
    assert "(1 other column(s) equal)" in out


def test_a_difference_beyond_the_tolerance_fails_and_is_named(tmp_path, capsys):
    a = write(tmp_path / "a", {"fig.csv": "n,gap\n1,0.1\n2,0.5\n"})
    b = write(tmp_path / "b", {"fig.csv": "n,gap\n1,0.1\n2,0.50000001\n"})
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert printed(out) == {"fig.csv": "BEYOND TOLERANCE"}
    line = next(x for x in out.splitlines() if x.strip().startswith("gap"))
    assert "1e-08" in line and "<-- beyond tolerance" in line
    assert "1 beyond tolerance" in out


def test_a_column_the_record_names_ill_conditioned_is_compared_at_the_solvers_accuracy(tmp_path):
    this = {"fig.csv": "n,eta\n1,0.9389211542\n", "fig.json": record(["eta"])}
    other = {"fig.csv": "n,eta\n1,0.9389211608\n", "fig.json": record(["eta"])}  # 6.5e-9 apart, as in issue 20
    assert statuses(write(tmp_path / "a", this), write(tmp_path / "b", other)) == {
        "fig.csv": "within tolerance", "fig.json": "identical"}
    # the same difference in a column nobody names: beyond the well-conditioned tolerance
    this["fig.json"] = other["fig.json"] = record()
    assert statuses(write(tmp_path / "c", this), write(tmp_path / "d", other))["fig.csv"] == "BEYOND TOLERANCE"
    # named in either build's record is enough; a difference beyond 2e-6 (+ 2e-6 |x|) fails even when named
    this["fig.json"] = record(["eta"])
    assert statuses(write(tmp_path / "e", this), write(tmp_path / "f", other))["fig.csv"] == "within tolerance"
    other["fig.csv"] = "n,eta\n1,0.9389311542\n"
    assert statuses(write(tmp_path / "g", this), write(tmp_path / "h", other))["fig.csv"] == "BEYOND TOLERANCE"


def test_the_tolerances_follow_conditioning():
    assert WELL_CONDITIONED.allowed(1.0, 1.0 + 9e-10) and not WELL_CONDITIONED.allowed(1.0, 1.0 + 2e-9)
    assert WELL_CONDITIONED.allowed(0.0, 5e-13) and not WELL_CONDITIONED.allowed(0.0, 5e-12)  # noise around zero
    assert ILL_CONDITIONED.allowed(0.94, 0.94 + 2e-7) and not ILL_CONDITIONED.allowed(0.94, 0.94 + 1e-5)
    assert ILL_CONDITIONED.allowed(0.5, 0.5 + 2.9e-6) and not ILL_CONDITIONED.allowed(0.5, 0.5 + 3.1e-6)
    # one unit in the tenth significant digit, anywhere in a decade, is within the well-conditioned tolerance
    for x in (1.000000001, 5.5, 9.999999999):
        assert WELL_CONDITIONED.allowed(x, x + 10.0 ** (np.floor(np.log10(x)) - 9))


def test_a_missing_figure_is_named_and_fails(tmp_path, capsys):
    a = write(tmp_path / "a", {"fig.csv": "x\n1\n", "only_here.csv": "x\n1\n"})
    b = write(tmp_path / "b", {"fig.csv": "x\n1\n", "only_there.json": record()})
    code, out, err = run(capsys, a, b)
    assert code == 1 and not err
    assert printed(out) == {"fig.csv": "identical", "only_here.csv": "cannot compare", "only_there.json": "cannot compare"}
    assert re.search(r"only_here.csv +cannot compare\n    missing in the other build\n", out)
    assert re.search(r"only_there.json +cannot compare\n    missing in this build\n", out)


def test_different_columns_or_rows_are_named(tmp_path, capsys):
    a = write(tmp_path / "a", {"cols.csv": "n,eta\n1,0.9\n", "rows.csv": "x\n1\n2\n", "order.csv": "a,b\n1,2\n"})
    b = write(tmp_path / "b", {"cols.csv": "n,gap\n1,0.9\n", "rows.csv": "x\n1\n", "order.csv": "b,a\n2,1\n"})
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert "different columns: only in this build ['eta']; only in the other ['gap']" in out
    assert "different number of rows: 2 in this build, 1 in the other" in out
    assert "different columns: in another order (['a', 'b'] and ['b', 'a'])" in out


def test_text_integers_booleans_and_nan_compare_exactly(tmp_path):
    a = write(tmp_path / "a", {"text.csv": "kind,n,ok,v\nbinary,1,True,\nlinear,2,False,0.5\n",
                               "nan.csv": "v,w\n,1\n0.5,2\n", "int.csv": "k\n10\n"})
    b = write(tmp_path / "b", {"text.csv": "kind,n,ok,v\nbinary,1,True,\nLinear,2,False,0.5\n",
                               "nan.csv": "v,w\n0.5,1\n0.5,2\n", "int.csv": "k\n11\n"})
    results = {r.name: r for r in compare_folders(a, b)}
    text = {c.column: c for c in results["text.csv"].columns}
    assert not text["kind"].ok and text["kind"].largest == 1 and text["kind"].kind == "exact"
    assert text["n"].ok and text["ok"].ok and text["v"].ok  # nan against nan is equal
    assert results["nan.csv"].status == "BEYOND TOLERANCE"  # a number against a missing value
    assert results["int.csv"].status == "BEYOND TOLERANCE"  # a threshold k is compared exactly


def test_records_compare_as_data(tmp_path):
    base = {"name": "fig", "layout": {"width_in": 6.8, "dpi": 110}, "datasets": ["MT-Bench"], "drawn": True}
    near = base | {"layout": {"width_in": 6.8 * (1 + 1e-12), "dpi": 110}}
    other_text = base | {"datasets": ["PandaLM"]}
    a = write(tmp_path / "a", {"near.json": json.dumps(base), "text.json": json.dumps(base), "keys.json": json.dumps(base)})
    b = write(tmp_path / "b", {"near.json": json.dumps(near), "text.json": json.dumps(other_text),
                               "keys.json": json.dumps(base | {"extra": 1})})
    results = {r.name: r for r in compare_folders(a, b)}
    assert results["near.json"].status == "within tolerance"
    assert results["text.json"].status == "BEYOND TOLERANCE"
    assert [c.column for c in results["text.json"].columns if not c.ok] == ["datasets[0]"]
    assert results["keys.json"].problems == ["different entries: only in the other ['extra']"]
    write(a, {"empty.json": json.dumps(base | {"layout": {}})})
    write(b, {"empty.json": json.dumps({k: v for k, v in base.items() if k != "layout"})})
    assert next(r for r in compare_folders(a, b) if r.name == "empty.json").problems == [
        "different entries: only in this build ['layout']"]


@pytest.mark.parametrize("args, message", [
    (["compare", "{tmp}/nowhere", "--this", "{tmp}/a"], "the other figure data '{tmp}/nowhere' is not a folder"),
    (["compare", "{tmp}/a", "--this", "{tmp}/nowhere"], "this build's figure data '{tmp}/nowhere' is not a folder"),
    (["compare", "{tmp}/empty", "--this", "{tmp}/a"], "holds no figure data (no .csv or .json files)"),
    (["compare", "{tmp}/a/fig.csv", "--this", "{tmp}/a"], "is not a folder (a file)"),
    (["manifest", "{tmp}/nowhere"], "the figure data '{tmp}/nowhere' is not a folder"),
])
def test_bad_folders_give_a_message_and_exit_2(tmp_path, capsys, args, message):
    write(tmp_path / "a", {"fig.csv": "x\n1\n"})
    (tmp_path / "empty").mkdir()
    code = main([a.format(tmp=tmp_path) for a in args])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    assert err.startswith("python -m annotator_incentives.figure_data: error: ")
    assert message.format(tmp=tmp_path) in err


def test_without_a_build_the_command_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_FIGURE_DIR")
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "b", {"fig.csv": "x\n1\n"})
    assert main(["compare", str(tmp_path / "b")]) == 2
    assert "this build's figure data '_build/figures' is not a folder (build the book first, make book, or give --this)" \
        in capsys.readouterr().err


def test_infinities_compare_without_warnings(tmp_path):
    a = write(tmp_path / "a", {"f.csv": "v,w\ninf,-inf\n1,2\n"})
    b = write(tmp_path / "b", {"f.csv": "v,w\ninf,inf\n1,2\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_folders(a, b)[0]
    assert {c.column: c.ok for c in result.columns} == {"v": True, "w": False}


def test_unreadable_files_are_reported_without_a_traceback(tmp_path):
    a = write(tmp_path / "a", {"bad.csv": "x\n1\n", "bad.json": "{}", "empty.csv": "x\n1\n"})
    b = write(tmp_path / "b", {"bad.csv": "x\n1\n2,3,4\n", "bad.json": "{not json", "empty.csv": ""})
    (b / "binary.csv").write_bytes(b"\xff\xfe\x00x")
    (a / "binary.csv").write_text("x\n1\n")
    result = subprocess.run([sys.executable, "-m", "annotator_incentives.figure_data", "compare", str(b), "--this", str(a)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "the other build: bad.csv is not a readable CSV file" in result.stdout
    assert "the other build: bad.json is not a readable JSON file" in result.stdout
    assert "the other build: empty.csv is not a readable CSV file" in result.stdout
    assert "the other build: binary.csv is not a readable CSV file" in result.stdout


def test_the_manifest_lists_every_data_file_and_catches_a_changed_download(tmp_path, capsys):
    a = write(tmp_path / "a", {"fig.csv": "x\n1\n", "fig.json": record(), "fig.png": "not data"})
    manifest = figure_data.write_manifest(a)
    lines = manifest.read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["fig.csv", "fig.json"]
    assert figure_data.check_manifest(a) == []
    b = write(tmp_path / "b", {"fig.csv": "x\n1\n", "fig.json": record()})
    shutil.copyfile(a / "SHA256SUMS", b / "SHA256SUMS")
    (b / "fig.csv").write_text("x\n2\n")
    (b / "new.csv").write_text("x\n2\n")
    code, out, _ = run(capsys, a, b)
    assert code == 1
    assert printed(out)["SHA256SUMS of the other build"] == "cannot compare"
    assert "fig.csv: its sha256 differs from SHA256SUMS" in out and "new.csv: not listed in SHA256SUMS" in out
    (b / "SHA256SUMS").write_text("garbage\n")
    assert figure_data.check_manifest(b)[0] == "SHA256SUMS, line 1: not '<sha256>  <file name>': 'garbage'"


def test_the_manifest_is_what_sha256sum_checks(tmp_path):
    sha256sum = shutil.which("sha256sum")
    if sha256sum is None:
        pytest.skip("sha256sum is not installed")
    folder = write(tmp_path / "a", {"fig.csv": "x\n1\n", "fig.json": record()})
    figure_data.write_manifest(folder)
    result = subprocess.run([sha256sum, "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "fig.csv: OK" in result.stdout


def test_make_compare_runs_the_command_on_this_builds_figures():
    dry = subprocess.run(["make", "-n", "compare", "OTHER=/some/where"], cwd=REPO_ROOT, capture_output=True, text=True,
                         timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "-m annotator_incentives.figure_data compare /some/where" in dry.stdout
    missing = subprocess.run(["make", "-n", "compare"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "OTHER=" in missing.stderr


# --- how figures and tables write their data -------------------------------------------------

def test_floats_are_written_at_the_declared_precision_everywhere(tmp_path):
    frame = pd.DataFrame({"x": [1 / 3, 2e-20], "mixed": [1 / 7, "text"], "n": [1, 2]})
    figure_data.write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == "x,mixed,n\n0.3333333333,0.1428571429,1\n2e-20,text,2\n"


def test_a_last_bit_change_leaves_the_written_bytes_alone_almost_everywhere(tmp_path):
    """What a different CPU does to a well-conditioned quantity (a few units in the last place)
    changes none of 10,000 values written at 10 significant digits but at a rounding boundary,
    and there only by one unit in the tenth digit, within the well-conditioned tolerance."""
    x = np.random.default_rng(0).uniform(-3, 3, 10_000) * 10.0 ** np.random.default_rng(1).integers(-8, 8, 10_000)
    moved = x * (1 + 4 * np.finfo(float).eps)
    figure_data.write_csv(pd.DataFrame({"v": x}), write(tmp_path / "a", {}) / "f.csv")
    figure_data.write_csv(pd.DataFrame({"v": moved}), write(tmp_path / "b", {}) / "f.csv")
    a, b = (pd.read_csv(tmp_path / d / "f.csv").v.to_numpy() for d in "ab")
    assert np.sum(a != b) <= 5  # expected about 10,000 x 4 eps x 1e10 / (a decade's spread) ~ 0.1-1
    assert statuses(tmp_path / "a", tmp_path / "b")["f.csv"] in ("identical", "within tolerance")


def test_figures_and_tables_record_their_precision_and_ill_conditioned_columns(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, axes = plotting.panel_grid(1)
    axes[0].plot([0, 1], [0, 1])
    data = pd.DataFrame({"n": [10, 20], "eta": [0.93, 0.94], "utility": [0.1, 0.2]})
    plotting.save_figure(fig, "effort", data, data_kind="model only", ill_conditioned=["eta"])
    plt.close(fig)
    plotting.save_table(data, "table", data_kind="model only")
    effort, table = plotting.read_record("effort"), plotting.read_record("table")
    assert effort["significant_digits"] == table["significant_digits"] == 10
    assert effort["ill_conditioned_columns"] == ["eta"] and table["ill_conditioned_columns"] == []
    assert all(len(repr(v).replace("0.", "").lstrip("-")) <= 12 for v in effort["layout"].values())


def test_an_ill_conditioned_column_must_be_a_column_of_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv(plotting.FIGURE_DIR_ENV, str(tmp_path))
    fig, _ = plotting.panel_grid(1)
    with pytest.raises(figure_data.FigureDataError, match=r"'fig': ill-conditioned column\(s\) \['effort'\] are not "
                       r"columns of its data \(n, eta\)"):
        plotting.save_figure(fig, "fig", pd.DataFrame({"n": [1], "eta": [0.9]}), data_kind="model only",
                             ill_conditioned=["effort"])
    plt.close(fig)
    assert not list(tmp_path.iterdir()), "a refused figure writes nothing"
    with pytest.raises(ValueError, match="not columns of its data"):
        plotting.save_table(pd.DataFrame({"n": [1]}), "t", data_kind="model only", ill_conditioned="eta")


def test_tables_of_solved_contracts_have_the_columns_named_ill_conditioned():
    from annotator_incentives import contracts, utility

    row = contracts.solve("binary", 11, 0.98, utility.profile("figure3"), "unrestricted").as_row()
    assert set(figure_data.CONTRACT_EFFORT_COLUMNS) <= set(row), sorted(row)


# --- two builds of the figure data: numpy's normal dispatch and a lowered one ---------------

# Fast chapters whose figure data include both well-conditioned columns and columns they name
# ill-conditioned (optimal efforts, the wages that follow them): principal_agent takes about 10 s.
FAST_CHAPTERS = ("principal_agent",)

RUN_CHAPTERS = r"""
import sys
import warnings
from pathlib import Path
import jupytext, nbclient
chapters = Path(sys.argv[1])
for name in sys.argv[2:]:
    notebook = jupytext.read(chapters / f"{name}.md")
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(chapters)}})
    client.execute()
"""

PROBE = r"""
import hashlib, json, numpy as np
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
x = np.linspace(0.01, 5, 10_001)
print(json.dumps({"on": [t for t in __cpu_dispatch__ if __cpu_features__.get(t)],
                  "math": hashlib.sha256(np.concatenate([np.exp(x), np.log(x), np.power(x, 0.37)]).tobytes()).hexdigest()}))
"""


def _probe(env: dict[str, str]) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def lowered_dispatch() -> tuple[list[str], str]:
    """``(targets to switch off, what it lowers)``: the highest SIMD tier of this machine
    (tests/dispatch.py). Skips the calling test, saying why, where nothing can be lowered, numpy
    ignores the setting or exp, log and power come out the same."""
    tier = highest_tier()
    if tier is None:
        pytest.skip(NOTHING_TO_LOWER)
    name, targets = tier
    normal, probe = _probe(environment(None)), _probe(environment(targets))
    if set(targets) & set(probe["on"]):
        pytest.skip(f"numpy ignored NPY_DISABLE_CPU_FEATURES={' '.join(targets)!r} (still on: {probe['on']})")
    what = f"{name}: {' '.join(targets)} (numpy then runs {probe['on'][-1] if probe['on'] else 'its baseline'})"
    if probe["math"] == normal["math"]:
        pytest.skip(f"lowering {what} leaves exp, log and power unchanged on this machine: nothing to compare")
    return targets, what


@pytest.mark.slow
def test_figure_data_agree_under_a_lowered_dispatch(tmp_path):
    """The fast chapters' figure data, built under numpy's normal dispatch and again with its
    highest SIMD tier switched off (what another CPU computes), agree as the compare command
    sees it: byte-identical files, or differences only in the columns the figures name
    ill-conditioned (within the solver's accuracy) and one-unit differences in the tenth digit
    of a well-conditioned value at a rounding boundary (within the well-conditioned tolerance)."""
    targets, what = lowered_dispatch()
    folders = {}
    for name, switched_off in (("normal", None), ("lowered", targets)):
        folders[name] = tmp_path / name
        env = environment(switched_off) | {"ANNOTATOR_FIGURE_DIR": str(folders[name])}
        run = subprocess.run([sys.executable, "-c", RUN_CHAPTERS, str(REPO_ROOT / "chapters"), *FAST_CHAPTERS],
                             capture_output=True, text=True, env=env, timeout=900)
        assert run.returncode == 0, run.stderr[-3000:]
    command = subprocess.run([sys.executable, "-m", "annotator_incentives.figure_data", "compare", str(folders["lowered"]),
                              "--this", str(folders["normal"])], capture_output=True, text=True, timeout=300)
    print(f"lowered: {what}\n{command.stdout}")
    assert command.returncode == 0, command.stdout + command.stderr
    results = compare_folders(folders["normal"], folders["lowered"])
    assert {r.name for r in results} >= {f"{f}.csv" for f in ("complements_table", "fig9_participation_binds")}
    assert any(r.identical for r in results), "no file byte-identical under both dispatches"
    for r in results:
        for column in r.columns:
            if column.kind == "well conditioned":  # a rounding boundary at most: one unit in the tenth digit
                assert column.ratio <= 1, (r.name, column)
    # the lowered dispatch moved something the figures name ill-conditioned (else this compared nothing)
    moved = {(r.name, c.column) for r in results for c in r.columns if c.kind == "ill conditioned" and c.largest > 0}
    assert moved, "the lowered dispatch moved no ill-conditioned column: the comparison tested nothing"
