"""The ``annotator-plan`` command (also ``python -m annotator_incentives``)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .planning import DEFAULT_MARGIN, MAX_PLAN_CHECKS, format_plan, known_inputs, p_from_file, plan, profile_from_toml
from .validation import AnnotatorInputError

DESCRIPTION = """\
Plan the monitoring and pay of preference annotators.

Given your data (a dataset name or a file of preference probabilities or scores), it tells you
whether checking labels against an expert or asking annotators the same question twice
(self-consistency) needs fewer inspected samples to tell a careless annotator (commitment
<= eta0) from a careful one (>= eta1) with a target error, and, for n checks, the best
pass/fail bonus and the best pay-per-passed-check contract with the effort each induces.
"""

EXAMPLES = """\
examples:
  annotator-plan --dataset ultrafeedback-sample --delta 0.05 --eta0 0.8 --eta1 0.95 --error 0.1
  annotator-plan --file my_pairs.csv --profile-file team.toml --n 200 --json

A file needs a column p (preference probabilities in [0, 1]) or the columns chosen_score and
rejected_score. The real samples ship with the package; a folder given by --data-dir or
$ANNOTATOR_DATA_DIR is looked at first (and is where local copies of the paper's datasets go).
"""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="annotator-plan", description=DESCRIPTION, epilog=EXAMPLES,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="a dataset or real sample of the registry (" + known_inputs().split(";")[0] + ")")
    source.add_argument("--file", help="CSV or Parquet file with column p, or chosen_score and rejected_score")
    ap.add_argument(
        "--data-dir",
        help="folder with local copies of the datasets, looked at before the packaged samples (default: $ANNOTATOR_DATA_DIR)",
    )
    ap.add_argument(
        "--delta", type=float, default=0.05, help="how often a careful annotator disagrees with itself (default 0.05)"
    )
    ap.add_argument(
        "--eta0", type=float, default=0.8, help="commitment at or below which an annotator counts as careless (default 0.8)"
    )
    ap.add_argument(
        "--eta1", type=float, default=0.95, help="commitment at or above which an annotator counts as careful (default 0.95)"
    )
    ap.add_argument("--error", type=float, default=0.1, help="target type I + type II error of the test (default 0.1)")
    profiles = ap.add_mutually_exclusive_group()
    # no default here: argparse cannot tell "--profile baseline" from the default, and would let it pass with --profile-file
    profiles.add_argument("--profile", help="a named utility profile, default baseline (" + known_inputs().split("; ")[1] + ")")
    profiles.add_argument("--profile-file", help="a TOML file describing G, E and mu (see the book's planning chapter)")
    ap.add_argument("--n", type=int, help=f"number of checks for the contracts, at most {MAX_PLAN_CHECKS:,} "
                    "(default: what the better monitor needs)")
    ap.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                    help=f"the annotator's utility lead that the strict binary bonus buys (default {DEFAULT_MARGIN:g})")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a report")
    return ap


NAMED_ARGUMENTS = ("dataset", "file", "data_dir", "profile", "profile_file")  # each names something; empty is an error


def blank_argument(args: argparse.Namespace) -> str | None:
    """The message for the first of ``NAMED_ARGUMENTS`` given as an empty (or blank) string,
    which would otherwise mean the default profile or the current folder; None when none is.

    Examples
    --------
    >>> blank_argument(parser().parse_args(["--dataset", "pku", "--profile", ""]))
    '--profile is empty: give a profile name, or leave the option out for baseline'
    >>> blank_argument(parser().parse_args(["--dataset", "pku"])) is None
    True
    """
    meaning = {"data_dir": "a folder, or leave the option out for $ANNOTATOR_DATA_DIR",
               "profile": "a profile name, or leave the option out for baseline"}
    for name in NAMED_ARGUMENTS:
        value = getattr(args, name)
        if value is not None and not value.strip():
            option = "--" + name.replace("_", "-")
            return f"{option} is empty: give {meaning.get(name, 'a name' if name == 'dataset' else 'a file')}"
    return None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    blank = blank_argument(args)
    if blank:
        return _fail(blank)
    try:
        utility = profile_from_toml(args.profile_file) if args.profile_file else (args.profile or "baseline")
        p, source = p_from_file(args.file) if args.file else (None, None)
        result = plan(p=p, dataset=args.dataset, data_dir=args.data_dir, delta=args.delta, eta0=args.eta0,
                      eta1=args.eta1, error=args.error, utility=utility, n=args.n, source=source, margin=args.margin)
        report = json.dumps(result, indent=2, allow_nan=False) if args.json else format_plan(result)
    except KeyboardInterrupt:
        print("annotator-plan: interrupted", file=sys.stderr)
        return 130
    except AnnotatorInputError as error:  # every named error of the library (DatasetUnavailableError too)
        return _fail(str(error))
    except OSError as error:  # a file or folder that cannot be read
        return _fail(f"cannot read {error.filename or 'a file'}: {error.strerror or error}")
    except MemoryError:
        return _fail("out of memory; try a smaller --n or a smaller data file")
    except Exception as error:  # noqa: BLE001 -- never a traceback: say what failed and ask for a report
        return _fail(f"unexpected {type(error).__name__}: {error} (this is a bug; please report it with the command)")
    try:
        print(report, flush=True)
    except BrokenPipeError:  # a reader such as `head` closed the pipe: the output it wanted was given
        # point stdout at devnull so the interpreter's final flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _fail(message: str) -> int:
    """Print ``annotator-plan: error: message`` to stderr; the exit code of a bad input, 2."""
    print(f"annotator-plan: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
