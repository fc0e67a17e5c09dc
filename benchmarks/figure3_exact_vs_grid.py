"""Benchmark: the exact contract solver against the paper's grid method (Figure 3).

Run with ``.venv/bin/python benchmarks/figure3_exact_vs_grid.py`` (after ``make setup``).
It prints, measured in this one run:

1. the time, CPU time and peak memory of the exact solver for all of Figure 3 (self-consistency and four
   expert monitors, n = 1, 11, ..., 201, binary and linear, restricted and unrestricted);
2. for a set of shared configurations, the time and peak memory of the paper's grid method and
   of the exact solver, their ratio, and the largest utility differences. The grid method is
   timed doing the published code's work (every one of the 51 threshold shares, repeats
   included; the book's reference skips repeats, which changes no answer), as the faster of
   two runs in one process: a process's first run also pays for fresh memory, up to several
   times the run itself on these arrays. The exact solver is timed as the fastest of 20 runs,
   each from scratch (its caches emptied);
3. for every configuration where a grid answer beats the exact one, the grid contract's
   violation of incentive compatibility (the agent's gain from deviating), which must exceed
   the exact solver's tolerance;
4. the time of the rate curves (the linear-contracts chapter's configuration: binary and linear
   contracts for n = 10 ... 10^5, general contracts up to 2 x 10^4 restricted and 2 x 10^3
   unrestricted, two monitors, 2 worker processes).

Each method runs in a fresh subprocess so that its peak resident memory can be read.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

PROFILE = "figure3"
DELTA = 0.02
# Expert monitors need a dataset's c-bar. The available real datasets supply theirs; the rest
# of the five Figure 3 monitors use fixed stand-in values, for timing only (no data is implied).
STAND_IN_C = [0.35, 0.45, 0.62, 0.75]
EXACT_REPEATS = 20  # a few milliseconds per solve: the fastest of 20 runs, against timer noise
GRID_REPEATS = 2  # the faster of two runs: the first also pays for fresh memory
SHARED = [("binary", 1), ("binary", 51), ("binary", 101), ("binary", 201), ("linear", 11), ("linear", 101), ("linear", 201)]


def _child(task: str) -> None:
    """Runs inside a subprocess; prints one JSON line."""
    import numpy as np

    from annotator_incentives import contracts, grid_reference, utility
    from annotator_incentives import data as ai_data

    profile = utility.profile(PROFILE)
    c_self = 1 - DELTA
    if task == "figure3":
        available = ai_data.available_preference_data()
        signals = {"self-consistency": c_self}
        signals |= {f"expert ({d.label})": d.c_bar for d in available.loaded.values()}
        for c in STAND_IN_C[: max(0, 5 - len(signals))]:
            signals[f"expert (stand-in c = {c})"] = c
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        table = contracts.gap_table(profile, signals, np.arange(1, 202, 10), workers=2)
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_before
        print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "solves": len(table), "monitors": list(signals),
                          "peak_mb": _peak_mb()}))
        return
    if task == "rates":
        signals = {"self-consistency": c_self, "expert (stand-in c = 0.62)": 0.62}
        ns = np.unique(np.round(np.logspace(1, 5, 13)).astype(int))
        seconds = {}
        for label, kinds, problems, top in (("binary+linear", ("binary", "linear"), ("restricted", "unrestricted"), ns.max()),
                                            ("general restricted", ("general",), ("restricted",), 20_000),
                                            ("general unrestricted", ("general",), ("unrestricted",), 2_000)):
            start = time.perf_counter()
            contracts.gap_table(profile, signals, ns[ns <= top], kinds=kinds, problems=problems, workers=2)
            seconds[label] = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
        return
    kind, n = task.split(":")
    n = int(n)
    if task.startswith("grid"):
        published = kind.startswith("grid-published-")
        kind = kind.removeprefix("grid-published-").removeprefix("grid-")
        elapsed = np.inf
        for _ in range(GRID_REPEATS):
            start = time.perf_counter()
            result = grid_reference.grid_method(kind, n, c_self, profile, skip_repeated_thresholds=not published)
            elapsed = min(elapsed, time.perf_counter() - start)
        answers = {}
        for name in ("second_best", "restricted"):
            answer = getattr(result, name)
            if answer is None:
                continue
            gain = contracts.incentive_check(
                answer.wages(n), float(answer.eta), n, c_self, profile, points=contracts.GRID_POINTS
            ).gain
            answers[name] = {"value": answer.value, "eta": float(answer.eta), "gain_from_deviating": gain,
                             "normalised_gap": result.normalised_gap(name)}
        print(json.dumps({"seconds": elapsed, "cells": result.cells, "answers": answers, "peak_mb": _peak_mb()}))
    else:
        kind = kind.removeprefix("exact-")
        elapsed = np.inf
        for _ in range(EXACT_REPEATS):  # each repeat from scratch: the solver's caches emptied first
            contracts.clear_caches()
            start = time.perf_counter()
            solutions = {p: contracts.solve(kind, n, c_self, profile, p) for p in ("unrestricted", "restricted")}
            elapsed = min(elapsed, time.perf_counter() - start)
        out = {}
        for p, s in solutions.items():
            out[p] = {"value": s.principal_utility, "eta": s.eta, "normalised_gap": s.normalised_gap,
                      "ic_violation": contracts.ic_violation(s, profile)}
        print(json.dumps({"seconds": elapsed, "answers": out, "peak_mb": _peak_mb()}))


def _repeats(n: int) -> bool:
    """Do some of the 51 threshold shares give the same event X > tau n?"""
    return len({int(tau * n + 1e-9) for tau in (j / 50 for j in range(51))}) < 51


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children (the pool's workers):
    unlike the elapsed time, it does not grow when other processes share the cores."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    """Peak resident memory of this process and, separately counted, of its largest worker."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) / 1024


def _run(task: str) -> tuple[dict, float]:
    """Run one task in a fresh subprocess; returns its JSON and its peak memory in MB (the
    process plus its largest worker: an upper bound per process, summed)."""
    out = subprocess.run([sys.executable, __file__, "--child", task], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONWARNINGS="ignore"))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result, result["peak_mb"]


def main() -> None:
    print(f"Exact solver vs the paper's grid method; profile {PROFILE}, self-consistency delta = {DELTA}\n")
    figure3, mem = _run("figure3")
    print(f"1. All of Figure 3 with the exact solver: {figure3['solves']} solves in {figure3['seconds']:.2f} s "
          f"on 2 worker processes; peak memory {mem:.0f} MB (main process + largest worker; the second worker is alike) "
          f"(target: <= 1 s, issue 22; < 1 GB)")
    print(f"   CPU time {figure3['cpu_seconds']:.2f} s (main process + both workers; on 2 otherwise idle cores the "
          f"elapsed time is about half of it plus the workers' start)")
    print(f"   monitors: {', '.join(figure3['monitors'])}\n")

    print("2. Shared configurations (grid: one call solves first-best, second-best and restricted, doing the")
    print("   published code's work; 'skip s' is the book's reference, which skips repeated thresholds;")
    print("   exact: restricted + unrestricted):")
    header = (f"{'config':>12} {'grid s':>8} {'skip s':>8} {'exact ms':>8} {'ratio':>7} {'grid MB':>8} {'exact MB':>8} "
              f"{'max |dU|':>9} {'exact IC gain':>13}")
    print(header)
    worst_exact_ic = 0.0
    beaten = []
    ratios = []
    for kind, n in SHARED:
        grid, grid_mb = _run(f"grid-published-{kind}:{n}")
        skipping = _run(f"grid-{kind}:{n}")[0] if kind == "binary" and _repeats(n) else grid
        exact, exact_mb = _run(f"exact-{kind}:{n}")
        ratio = grid["seconds"] / exact["seconds"]
        ratios.append(ratio)
        diffs = []
        for name, problem in (("second_best", "unrestricted"), ("restricted", "restricted")):
            if name in grid["answers"] and exact["answers"][problem]["value"] is not None:
                g, e = grid["answers"][name], exact["answers"][problem]
                diffs.append(abs(g["value"] - e["value"]))
                if g["value"] > e["value"] or g["normalised_gap"] < e["normalised_gap"]:
                    beaten.append((kind, n, problem, g, e))
        ic = max(a["ic_violation"] for a in exact["answers"].values())
        worst_exact_ic = max(worst_exact_ic, ic)
        print(
            f"{kind + ' ' + str(n):>12} {grid['seconds']:8.2f} {skipping['seconds']:8.2f} "
            f"{1e3 * exact['seconds']:8.2f} {ratio:7.0f} "
            f"{grid_mb:8.0f} {exact_mb:8.0f} "
            f"{max(diffs):9.2e} {ic:13.1e}"
        )
    for kind in ("binary", "linear"):
        these = [r for (k, _), r in zip(SHARED, ratios, strict=True) if k == kind]
        verdict = "met" if min(these) >= 1000 else "NOT met"
        print(
            f"\n   speed ratio grid/exact, {kind}: min {min(these):.0f}x, max {max(these):.0f}x (target >= 1000x: {verdict})",
            end="",
        )
    print("\n   (linear: no threshold axis, so the grid is 51 times smaller than a binary one, and the exact solver's"
          "\n   time, about a millisecond, is mostly the fixed cost of numpy calls on small arrays)")
    print(f"   largest gain from deviating under an exact solution: {worst_exact_ic:.1e} (tie rule: 1e-12 x max(1, |U|))")
    cells = 101 * 51 * 200 * 400
    print(f"   the published code holds {cells:,} values per array for one binary configuration "
          f"({cells * 8 / 2**30:.1f} GiB per float64 array); this re-implementation loops over tau instead\n")

    print("3. Where the grid's answer looks better than the exact one (larger value or smaller normalised gap):")
    if not beaten:
        print("   none")
    for kind, n, problem, g, e in beaten:
        verdict = "violates IC" if g["gain_from_deviating"] > 1e-9 else "does NOT violate IC beyond 1e-9"
        print(
            f"   {kind} n={n} {problem}: grid value {g['value']:.6f} (gap {g['normalised_gap']:.2e}) vs exact {e['value']:.6f} "
            f"(gap {e['normalised_gap']:.2e}); the grid contract {verdict}: "
            f"the agent gains {g['gain_from_deviating']:.2e} by deviating "
            f"from eta = {g['eta']:.2f}"
        )

    rates, mem = _run("rates")
    print("\n4. The rate curves (linear-contracts chapter; two monitors, 2 worker processes):")
    for label, seconds in rates["seconds"].items():
        print(f"   {label}: {seconds:.2f} s")
    print(f"   peak memory {mem:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
