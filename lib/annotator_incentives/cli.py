"""The ``annotator-plan`` command (also ``python -m annotator_incentives``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

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

  annotator-plan agree --votes votes.csv --method mace --json

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
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["agree"]:
        return agree(argv[1:])
    args = parser().parse_args(argv)
    blank = blank_argument(args)
    if blank:
        return _fail(blank)
    return _run(lambda: _plan(args))


def _plan(args: argparse.Namespace) -> str:
    """The plan asked for, as the report or JSON to print."""
    utility = profile_from_toml(args.profile_file) if args.profile_file else (args.profile or "baseline")
    p, source = p_from_file(args.file) if args.file else (None, None)
    result = plan(p=p, dataset=args.dataset, data_dir=args.data_dir, delta=args.delta, eta0=args.eta0,
                  eta1=args.eta1, error=args.error, utility=utility, n=args.n, source=source, margin=args.margin)
    return json.dumps(result, indent=2, allow_nan=False) if args.json else format_plan(result)


def _run(work: Callable[[], str]) -> int:
    """Print what ``work`` returns; a bad input is one line on stderr and exit code 2, never a traceback."""
    try:
        report = work()
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


AGREE_DESCRIPTION = """\
What annotation teams already measure, for your own team's votes.

Reads votes in long format (one row per vote: task, worker, label) and reports the pool's
chance-corrected agreement (Krippendorff's alpha and Fleiss' kappa with bootstrap intervals,
Cohen's kappa for each pair of workers sharing enough tasks), each worker's reliability by a
standard aggregator (crowd-kit's Dawid-Skene, one-coin Dawid-Skene, GLAD or MACE), the workers
with too few shared tasks to judge, and the self-consistency checks (repeated tasks) the book's
monitor needs per worker to tell commitment <= eta0 from >= eta1 at the target error.
"""

AGREE_EPILOG = """\
examples:
  annotator-plan agree --votes votes.csv
  annotator-plan agree --votes votes.parquet --task item --worker rater --label answer --labels A,B,tie --method glad --json

Every label is read as text. A (task, worker) pair voted twice is refused (keep one vote per
pair); a tie is whatever label you give it (a third label) or leave out.
"""


def agree_parser() -> argparse.ArgumentParser:
    from .agreement import METHODS

    ap = argparse.ArgumentParser(prog="annotator-plan agree", description=AGREE_DESCRIPTION, epilog=AGREE_EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--votes", required=True, help="CSV or Parquet file of votes, one row per (task, worker)")
    ap.add_argument("--task", default="task", help="the column naming the task (default task)")
    ap.add_argument("--worker", default="worker", help="the column naming the worker (default worker)")
    ap.add_argument("--label", default="label", help="the column holding the label (default label)")
    ap.add_argument("--labels", help="the declared labels, comma-separated; a vote outside them is an error (default: any)")
    ap.add_argument("--method", default="ds", choices=list(METHODS),
                    help="the aggregator for each worker's reliability: " + ", ".join(f"{k} ({v})" for k, v in METHODS.items())
                    + " (default ds)")
    ap.add_argument("--min-shared", type=int, default=10,
                    help="fewest tasks shared with other workers to judge a worker or a pair by agreement (default 10)")
    ap.add_argument("--delta", type=float, default=0.05,
                    help="how often a careful annotator disagrees with itself (default 0.05)")
    ap.add_argument("--eta0", type=float, default=0.8,
                    help="commitment at or below which a worker counts as careless (default 0.8)")
    ap.add_argument("--eta1", type=float, default=0.95,
                    help="commitment at or above which a worker counts as careful (default 0.95)")
    ap.add_argument("--error", type=float, default=0.1, help="target type I + type II error of the test (default 0.1)")
    ap.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples of the intervals (default 1000; 0: none)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and of MACE (default 0)")
    ap.add_argument("--json", action="store_true", help="print machine-readable JSON instead of a report")
    return ap


def agree(argv: list[str]) -> int:
    """``annotator-plan agree``: the team report of :func:`annotator_incentives.agreement.team_report`."""
    args = agree_parser().parse_args(argv)
    for name in ("votes", "task", "worker", "label", "labels"):
        value = getattr(args, name)
        if value is not None and not value.strip():
            return _fail(f"--{name} is empty: give " + ("a file" if name == "votes" else "a column name" if name != "labels"
                                                          else "the labels, comma-separated, or leave the option out"))
    return _run(lambda: _agree(args))


def _agree(args: argparse.Namespace) -> str:
    from .agreement import format_team_report, team_report, votes_from_file

    declared = None if args.labels is None else [x.strip() for x in args.labels.split(",")]
    if declared is not None and (len(set(declared)) < 2 or not all(declared)):
        raise AnnotatorInputError(f"--labels must name at least two different, non-empty labels; got {args.labels!r}")
    frame = votes_from_file(args.votes, declared, args.task, args.worker, args.label)
    result = team_report(frame, method=args.method, min_shared=args.min_shared, delta=args.delta, eta0=args.eta0,
                         eta1=args.eta1, error=args.error, n_boot=args.bootstrap, seed=args.seed)
    return json.dumps(result, indent=2, allow_nan=False) if args.json else format_team_report(result)


def _fail(message: str) -> int:
    """Print ``annotator-plan: error: message`` to stderr; the exit code of a bad input, 2."""
    print(f"annotator-plan: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
