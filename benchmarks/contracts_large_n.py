"""Time and peak memory of the contract solvers at the README's stated limits, in one run.

1. ``annotator-plan --dataset ultrafeedback-sample --profile <name> --n 100000`` for every
   built-in profile (each in a fresh process: the command as a user runs it, imports included);
2. binary and linear contracts with n = 1,000,000 checks in the library (figure3, CARA with
   closed forms, and risk_averse_poly, whose G is not CARA: the numerical routes), each in a
   fresh process.

Peak memory is the process's maximum resident set size. Run::

    .venv/bin/python benchmarks/contracts_large_n.py
"""

from __future__ import annotations

import json
import subprocess
import sys

from annotator_incentives.utility import PROFILES

CLI = """
import json, resource, time
t = time.perf_counter()
from annotator_incentives import cli
code = cli.main(["--dataset", "ultrafeedback-sample", "--profile", {name!r}, "--n", "100000", "--json"])
print(json.dumps({{"seconds": time.perf_counter() - t, "code": code,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

LIBRARY = """
import json, resource, time
from annotator_incentives import contracts, utility
profile = utility.profile({name!r})
t = time.perf_counter()
solution = contracts.solve({kind!r}, {n}, 0.9, profile)
print(json.dumps({{"seconds": time.perf_counter() - t, "value": solution.principal_utility, "eta": solution.eta,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print("annotator-plan --dataset ultrafeedback-sample --profile NAME --n 100000 (whole command, fresh process)")
    slowest = ("", 0.0)
    for name in PROFILES:
        r = run(CLI.format(name=name))
        print(f"  {name:>18}: {r['seconds']:6.1f} s, peak {r['peak_mb']:6.0f} MB, exit {r['code']}")
        slowest = max(slowest, (name, r["seconds"]), key=lambda t: t[1])
    print(f"  slowest: {slowest[0]} ({slowest[1]:.1f} s)")
    print("library, n = 1,000,000, c = 0.9 (one solve per fresh process)")
    for name in ("figure3", "risk_averse_poly"):
        for kind in ("binary", "linear"):
            r = run(LIBRARY.format(name=name, kind=kind, n=1_000_000))
            print(f"  {name:>18} {kind:>6}: {r['seconds']:6.1f} s, peak {r['peak_mb']:6.0f} MB "
                  f"(effort {r['eta']:.4f}, value {r['value']:.6f})")


if __name__ == "__main__":
    main()
