"""The book's interactive explorers: grids of exact solves, drawn by Vega-Lite without a kernel.

Two explorers let a reader move the model's inputs and watch the answers respond, in the HTML
book (offline: the book ships Vega's JavaScript) and in a downloaded notebook (JupyterLab, VS
Code and Colab draw Vega-Lite themselves):

- :func:`contract_grid` and :func:`contract_explorer` -- the principal-agent problem (the paper's
  Section 3): for every utility profile, monitor, contract class, problem and number of checks
  n of a grid, the library's exact solve (:func:`annotator_incentives.contracts.solve`): the
  normalised gap against n, the optimal contract w(x), the annotator's expected utility against
  effort under it, and the numbers (first-best and second-best utilities, induced effort,
  expected wage, gap; "no contract" where the problem is infeasible);
- :func:`assessment_grid` and :func:`assessment_explorer` -- monitoring (Propositions 1, 2 and
  4): for every eta0, eta1, delta, expert signal and target error sum of a grid, the expert-based
  lower bound on the error sum, the self-consistency test's exact error sum, the number of
  checks each needs for the target, and the n from which self-consistency does better than any
  expert-based test.

Everything is computed in Python when the chapter runs; the page only filters and draws. The
displayed numbers are strings written here by :mod:`annotator_incentives.report` (the book's
number policy), so the page shows exactly what the library computed. The data travel as
tab-separated text inside the Vega-Lite specification (a few hundred bytes a setting), so that a
page stays within :data:`BUDGET_BYTES`.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from . import contracts, monitoring, report, utility, validation
from .contracts import ContractError
from .monitoring import MonitoringError, OutOfReachError

__all__ = [
    "BUDGET_BYTES",
    "NO_CONTRACT",
    "EFFORTS",
    "WAGE_POINTS",
    "Explorer",
    "MIME",
    "Monitor",
    "monitors",
    "NOT_SOLVED",
    "grid_sentence",
    "first_best_row",
    "general_counts",
    "contract_row",
    "contract_grid",
    "contract_explorer",
    "assessment_grid",
    "assessment_explorer",
    "spec_bytes",
]

BUDGET_BYTES = 2_000_000  # the largest specification (data included) an explorer may put on a page
EFFORTS = np.linspace(0.0, 1.0, 21)  # efforts at which the annotator's expected utility is drawn (and the induced one)
WAGE_POINTS = 21  # a general contract's wages are drawn at most at this many pass counts
DIGITS = 3  # significant figures of every displayed number
CURVE_DIGITS = 3  # significant figures of the drawn curves (a plot 220 pixels high needs no more)
C_DIGITS = 6  # significant figures of a signal strength c as the key of its solves
KINDS = ("binary", "linear", "general")
PROBLEMS = ("unrestricted", "restricted")
NO_CONTRACT = "no contract"
NOT_SOLVED = "not solved"
TINY = float(np.finfo(float).tiny)  # an error sum that underflowed to 0 is positive: shown "< 10⁻¹²"
FLOOR = 1e-6  # error sums are drawn down to this (log scale); the numbers say the value
MIME = "application/vnd.vegalite.v5+json"  # what JupyterLab, VS Code, Colab and the book's renderer draw


@dataclass(frozen=True)
class Explorer:
    """An explorer's chart, shown as a Vega-Lite specification (``application/vnd.vegalite.v5+json``)
    with its description as plain text, whatever Altair's renderer: notebooks draw it without
    a CDN, and the HTML book draws it with the Vega scripts it ships.

    Examples
    --------
    >>> import altair as alt
    >>> shown = Explorer(alt.Chart(alt.Data(values=[{"a": 1}])).mark_point(), "one point")
    >>> sorted(shown._repr_mimebundle_())
    ['application/vnd.vegalite.v5+json', 'text/plain']
    """

    chart: Any
    description: str

    def spec(self) -> dict:
        """The Vega-Lite specification, data included."""
        return self.chart.to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {MIME: self.spec(), "text/plain": self.description}


@dataclass(frozen=True)
class Monitor:
    """One monitor of an explorer: a key (the page's option value), the words shown for it and
    its signal strength c (q(eta) = (1 + c eta)/2)."""

    key: str
    label: str
    c: float
    delta: float | None = None  # self-consistency's disagreement rate; None for an expert

    @property
    def c_key(self) -> str:
        """The signal strength as the key of its solves: the solve depends on the monitor only
        through c, so monitors of equal c share them (self-consistency with delta = 0.1 and an
        expert with c-bar = 0.9)."""
        return f"{self.c:.{C_DIGITS}g}"


def monitors(deltas: Sequence[float], c_bars: Mapping[str, float]) -> list[Monitor]:
    """Self-consistency with each delta (c = 1 - delta, Proposition 4) and expert agreement
    with each named c-bar (Proposition 2), in that order.

    Parameters
    ----------
    deltas : sequence of float
        Self-disagreement rates, each in [0, 1).
    c_bars : mapping of str to float
        The words for each expert signal (e.g. a dataset's name) and its c-bar, in (0, 1].

    Returns
    -------
    list of Monitor

    Raises
    ------
    MonitoringError
        A delta outside [0, 1) or a c-bar outside (0, 1].

    Examples
    --------
    >>> [m.label for m in monitors([0.02], {"c̄ = 0.3": 0.3})]
    ['self-consistency, δ = 0.02', 'expert, c̄ = 0.3']
    """
    found = [Monitor(f"sc{i}", f"self-consistency, δ = {d:g}", monitoring.self_consistency_monitor(d).c, float(d))
             for i, d in enumerate(deltas)]
    for i, (words, c) in enumerate(c_bars.items()):
        c = validation.signal_strength(f"the expert signal {words}", c, MonitoringError)
        found.append(Monitor(f"ex{i}", f"expert, {words}", c))
    return found


def _short(x: float, digits: int = CURVE_DIGITS) -> str:
    """A drawn value at ``digits`` significant figures, as short as it goes."""
    return f"{x:.{digits}g}"


def _wage_points(kind: str, wages: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Pass counts and wages that draw w(x): a binary contract by its step at k, a linear one
    by its ends, a general one at no more than ``WAGE_POINTS`` counts, x_i = floor(i n/(m - 1) + 1/2)
    for i = 0..m-1 (:func:`general_counts`; the page computes them, only the wages travel)."""
    n = len(wages) - 1
    if kind == "binary" and k is not None:
        x = np.unique(np.clip([0, k - 1, k, n], 0, n))
    elif kind == "linear":
        x = np.array([0, n])
    else:
        x = general_counts(n)
    return x, wages[x]


def general_counts(n: int) -> np.ndarray:
    """The pass counts at which a general contract's wages are drawn: m = min(n + 1,
    :data:`WAGE_POINTS`) counts, x_i = floor(i n/(m - 1) + 1/2), from 0 to n.

    Examples
    --------
    >>> general_counts(3).tolist(), general_counts(40)[:4].tolist()
    ([0, 1, 2, 3], [0, 2, 4, 6])
    """
    m = min(n + 1, WAGE_POINTS)
    return np.floor(np.arange(m) * n / (m - 1) + 0.5).astype(int) if m > 1 else np.array([0])


def first_best_row(profile_name: str) -> dict[str, Any]:
    """A profile's first-best numbers as the contract explorer shows them: the first-best
    utility C (displayed), the first-best effort eta* and the outside option U_0 (drawn).

    Examples
    --------
    >>> first_best_row("figure3")["fb"]
    '0.303'
    """
    profile = utility.profile(profile_name)
    first = contracts.first_best(profile)
    return {"p": profile_name, "fb": report.number(first.value, DIGITS), "star": _short(first.eta), "u0": profile.U0}


def contract_row(profile_name: str, c: float, kind: str, problem: str, n: int) -> dict[str, Any]:
    """One setting of the contract explorer, solved exactly: the numbers as displayed (the
    book's number policy, :data:`DIGITS` significant figures) and the drawn curves.

    Parameters
    ----------
    profile_name : str
        A registered utility profile (:func:`annotator_incentives.utility.profile`).
    c : float
        The monitor's signal strength (:attr:`Monitor.c`).
    kind, problem : str
        Contract class ('binary', 'linear', 'general') and problem ('unrestricted', 'restricted').
    n : int
        Number of checks.

    Returns
    -------
    dict
        Keys p, c (the signal strength's key), k, r, n (the setting), g (the normalised gap,
        None without one), the displayed strings sb, eta, ew, gap, and the drawn data eta_num,
        wx, wy (the contract; wx is empty for a general contract, drawn at
        :func:`general_counts`) and uc (the annotator's utility at :data:`EFFORTS`, then at the
        induced effort).

    Examples
    --------
    >>> row = contract_row("figure3", 0.98, "linear", "unrestricted", 10)
    >>> row["c"], row["sb"] != "no contract"
    ('0.98', True)
    """
    return _row(contracts.solve(kind, n, c, utility.profile(profile_name), problem), profile_name)


def _row(solution: contracts.ContractSolution, profile_name: str) -> dict[str, Any]:
    """:func:`contract_row` of a solution."""
    kind, n, c, profile = solution.kind, solution.n, solution.c, utility.profile(profile_name)
    row: dict[str, Any] = {"p": profile_name, "c": f"{c:.{C_DIGITS}g}", "k": kind, "r": solution.problem, "n": int(n)}
    if not solution.feasible:
        return row | {"g": None, "sb": NO_CONTRACT, "eta": NO_CONTRACT, "ew": NO_CONTRACT, "gap": NO_CONTRACT,
                      "eta_num": "", "wx": "", "wy": "", "uc": ""}
    k = int(solution.params["k"]) if "k" in solution.params else None
    x, w = _wage_points(kind, solution.wages, k)
    curve = contracts.agent_utility_curve(solution.wages, n, c, profile, np.append(EFFORTS, solution.eta))
    best = contracts.first_best(profile).value
    # (C - C_n)/C unclipped (normalised_gap clips to [0, 1] as the paper's Figure 3 plots it): above 1
    # where the restricted problem leaves the company below 0
    return row | {
        "g": float(_short(max(solution.gap / best, 1e-12))) if best > 0 else None,
        "sb": report.number(solution.principal_utility, DIGITS),
        "eta": report.number(solution.eta, DIGITS),
        "ew": report.number(solution.expected_wage, DIGITS),
        "gap": report.number(solution.gap, DIGITS, floor=1e-12),
        "eta_num": _short(solution.eta, DIGITS + 1),
        "wx": "" if kind == "general" else " ".join(str(int(v)) for v in x),
        "wy": " ".join(_short(float(v)) for v in w),
        "uc": " ".join(_short(float(v)) for v in curve),
    }


def _contract_job(job: tuple) -> list[dict[str, Any]]:
    """The rows of one (profile, c, problem, n) for each of its contract classes; the general
    class reuses the binary and linear solutions (its candidates) instead of solving them again."""
    profile_name, c, kinds, problem, n = job
    profile = utility.profile(profile_name)
    solved = {kind: contracts.solve(kind, n, c, profile, problem) for kind in kinds if kind != "general"}
    if "general" in kinds:
        solved["general"] = contracts.solve_general(n, c, profile, problem, known=list(solved.values()))
    return [_row(solved[kind], profile_name) for kind in kinds]


def _cost(job: tuple) -> float:
    """A rough cost of a job, to hand the slowest out first (the general class's unrestricted
    problem, then everything at thousands of checks)."""
    _, _, kinds, problem, n = job
    return ("general" in kinds and problem == "unrestricted") + (n >= 1000) * 2.0


def contract_grid(profiles: Sequence[str], monitor_list: Sequence[Monitor], ns: Sequence[int],
                  kinds: Sequence[str] = KINDS, problems: Sequence[str] = PROBLEMS,
                  solve_if: Callable[[str, str, str, str, int], bool] | None = None, workers: int = 1) -> pd.DataFrame:
    """Every setting of the contract explorer, one row each (:func:`contract_row`). A solve
    depends on the monitor only through its signal strength c, so monitors of equal c share
    their rows (column c, :attr:`Monitor.c_key`); the general class's solve takes the binary and
    linear solutions of its setting as its candidates instead of solving them again
    (``known`` of :func:`~annotator_incentives.contracts.solve_general`).

    Parameters
    ----------
    profiles : sequence of str
        Registered utility profiles.
    monitor_list : sequence of Monitor
        The monitors (:func:`monitors`).
    ns : sequence of int
        Numbers of checks.
    kinds, problems : sequence of str
        Contract classes and problems.
    solve_if : callable, optional
        ``solve_if(profile, c_key, kind, problem, n)`` says whether to solve a setting (c_key:
        :attr:`Monitor.c_key`); the others' rows say "not solved" (:data:`NOT_SOLVED`), to keep
        a grid short (the unrestricted problems cost most: up to a second a setting at
        n = 10,000). None: every setting.
    workers : int, default 1
        Processes that share the solves.

    Returns
    -------
    pandas.DataFrame
        One row per setting, in the order profile, c (in the monitors' order), kind, problem, n.

    Raises
    ------
    ContractError
        An unknown profile, contract class or problem, or an n outside [1, 100,000].

    Examples
    --------
    >>> grid = contract_grid(["figure3"], monitors([0.02], {}), [1, 10], kinds=["linear"], problems=["restricted"])
    >>> grid[["c", "n", "sb"]].to_dict("records")
    [{'c': '0.98', 'n': 1, 'sb': '0.294'}, {'c': '0.98', 'n': 10, 'sb': '0.301'}]
    """
    for name in profiles:
        utility.profile(name)  # an unknown name is named here
    for kind in kinds:
        if kind not in KINDS:
            raise ContractError(f"unknown contract class {kind!r}; known: {', '.join(KINDS)}")
    for problem in problems:
        if problem not in PROBLEMS:
            raise ContractError(f"problem must be 'restricted' or 'unrestricted'; got {problem!r}")
    ns = [validation.checks("the number of checks n", n, ContractError) for n in ns]
    signals = dict.fromkeys(m.c_key for m in monitor_list)
    strength = {m.c_key: m.c for m in monitor_list}
    jobs: list[tuple] = []
    rows: list[dict[str, Any]] = []
    for p, key, problem, n in product(profiles, signals, problems, ns):
        solve = [kind for kind in kinds if solve_if is None or solve_if(p, key, kind, problem, n)]
        rows += [{"p": p, "c": key, "k": kind, "r": problem, "n": n, "g": None, "sb": NOT_SOLVED, "eta": NOT_SOLVED,
                  "ew": NOT_SOLVED, "gap": NOT_SOLVED, "eta_num": "", "wx": "", "wy": "", "uc": ""}
                 for kind in kinds if kind not in solve]
        if solve:
            jobs.append((p, strength[key], tuple(solve), problem, n))
    jobs.sort(key=_cost, reverse=True)
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context()) as pool:
            rows += [row for found in pool.map(_contract_job, jobs) for row in found]
    else:
        rows += [row for job in jobs for row in _contract_job(job)]
    order = {key: i for i, key in enumerate(product(profiles, signals, kinds, problems, ns))}
    rows.sort(key=lambda r: order[(r["p"], r["c"], r["k"], r["r"], r["n"])])
    return pd.DataFrame(rows)


def grid_sentence(grid: pd.DataFrame, monitor_list: Sequence[Monitor], seconds: float, size: int, workers: int = 1) -> str:
    """What a contract grid holds, how much of it is solved and what it cost, in one paragraph
    (the chapter's words under the contract explorer; numbers by :mod:`.report`).

    Parameters
    ----------
    grid : pandas.DataFrame
        :func:`contract_grid`'s table.
    monitor_list : sequence of Monitor
        The monitors the grid was made for.
    seconds : float
        Wall time of the solves and the chart.
    size : int
        The chart's specification in bytes (:func:`spec_bytes`).
    workers : int, default 1
        The processes that shared the solves (:func:`contract_grid`).

    Returns
    -------
    str
        Markdown: the grid's dimensions, the settings solved and without a feasible contract,
        the time and the size, and the largest n at which the general class's unrestricted
        problem is solved when that is below the grid's largest n.

    Examples
    --------
    >>> grid = contract_grid(["figure3"], monitors([0.02], {}), [1, 10], kinds=["binary"])
    >>> print(grid_sentence(grid, monitors([0.02], {}), 1.234, 430_000, workers=2))
    The grid: 1 profile, 1 monitor (1 signal strength), 1 contract class, 2 problems and 2
    values of $n$ from 1 to 10: 4 settings, of which 4 are solved exactly and 0 of those have no
    feasible contract. Solving them and writing the explorer took 1.2 s on this build (2
    processes); its data take 0.43 MB of the page.
    """
    solved = grid[grid.sb != NOT_SOLVED]
    ns = sorted(set(grid.n))

    processes = f" ({report.count(workers)} processes)" if workers > 1 else ""

    def counted(n: int, noun: str, plural: str | None = None) -> str:
        return f"{report.count(n)} {noun if n == 1 else plural or noun + 's'}"

    once = " (monitors of equal signal strength counted once)" if grid.c.nunique() < len(monitor_list) else ""
    text = (f"The grid: {counted(grid.p.nunique(), 'profile')}, {counted(len(monitor_list), 'monitor')} "
            f"({counted(grid.c.nunique(), 'signal strength')}), "
            f"{counted(grid.k.nunique(), 'contract class', 'contract classes')}, "
            f"{counted(grid.r.nunique(), 'problem')} and {counted(len(ns), 'value')} of $n$ from {report.count(ns[0])} to "
            f"{report.count(ns[-1])}: {counted(len(grid), 'setting')}{once}, of which {report.count(len(solved))} are "
            f"solved exactly and {report.count(int((solved.sb == NO_CONTRACT).sum()))} of those have no feasible contract. "
            f"Solving them and writing the explorer took {report.number(seconds, 2)} s on this build{processes}; its data take "
            f"{report.number(size / 1e6, 2)} MB of the page.")
    general = grid[(grid.k == "general") & (grid.r == "unrestricted")]
    if len(general):
        done = general[general.sb != NOT_SOLVED]
        if done.empty:
            text += " The general class's unrestricted problem is not solved here."
        elif done.n.max() < ns[-1]:
            largest = report.count(int(done.n.max()))
            text += f" The general class's unrestricted problem is not solved beyond $n = {largest}$ here."
    return text


def _dsv(frame: pd.DataFrame) -> str:
    """A table as text with fields separated by '|' (the page's inline data; empty cells for
    missing values; a tab would take two characters in the page's JSON)."""
    return frame.to_csv(sep="|", index=False, na_rep="", lineterminator="\n")


def spec_bytes(chart) -> int:
    """The size of a chart's Vega-Lite specification as JSON, data included (what a page carries);
    ``chart`` is an :class:`Explorer` or an Altair chart.

    Examples
    --------
    >>> import altair as alt
    >>> spec_bytes(alt.Chart(alt.Data(values=[{"a": 1}])).mark_point()) < 1000
    True
    """
    spec = chart.spec() if isinstance(chart, Explorer) else chart.to_dict()
    return len(json.dumps(spec, separators=(",", ":")).encode())


def _select(name: str, options: Sequence, labels: Sequence[str], words: str, value=None):
    import altair as alt

    return alt.param(name=name, value=options[0] if value is None else value,
                     bind=alt.binding_select(options=list(options), labels=list(labels), name=words))


def _named(name: str, numbers: Sequence[str]):
    """A reference to the table ``name`` of the chart's top-level datasets, read as '|'-separated
    text with ``numbers`` as numbers (each table travels once, however many views use it)."""
    import altair as alt

    return alt.NamedData(name=name, format=alt.DataFormat(type="dsv", delimiter="|", parse=dict.fromkeys(numbers, "number")))


def _text_lines(chart, lines: Sequence[tuple[str, str]], top: int = 14, step: int = 20) -> list:
    """Lines 'label: value' of the chosen setting, one under the other (labels short enough
    that the longest line fits its view)."""
    import altair as alt

    return [chart.transform_calculate(t=f"'{label}: ' + datum.{field}").mark_text(
        align="left", baseline="middle", fontSize=12).encode(text="t:N", y=alt.value(top + step * i), x=alt.value(0))
        for i, (label, field) in enumerate(lines)]


def contract_explorer(grid: pd.DataFrame, monitor_list: Sequence[Monitor], profile_words: Mapping[str, str] | None = None,
                      start: Mapping[str, Any] | None = None):
    """The contract explorer as one Altair chart: dropdowns for the profile, the monitor, the
    contract class, the problem and n; the normalised gap against n (the chosen class bold,
    the others faint, the chosen n marked), the optimal contract w(x), the annotator's expected
    utility against effort (induced effort solid, first-best effort dashed, U_0 dotted) and the
    numbers.

    Parameters
    ----------
    grid : pandas.DataFrame
        :func:`contract_grid`'s table.
    monitor_list : sequence of Monitor
        The monitors of the grid, for their words (a monitor's option is its key and its c).
    profile_words : mapping of str to str, optional
        Words for each profile in the dropdown (default: its name).
    start : mapping, optional
        The setting shown first: keys p, m (a monitor's key), k, r, n (default: the grid's
        first of each).

    Returns
    -------
    Explorer
        The chart (``.chart``, an ``altair.VConcatChart``) with its description.
    """
    import altair as alt

    profiles = list(dict.fromkeys(grid.p))
    options = {m.key: f"{m.key}:{m.c_key}" for m in monitor_list}
    kinds, problems, ns = list(dict.fromkeys(grid.k)), list(dict.fromkeys(grid.r)), sorted(set(grid.n))
    start = {"p": profiles[0], "m": monitor_list[0].key, "k": kinds[0], "r": problems[0], "n": ns[len(ns) // 2]} | dict(
        start or {})
    profile_words = profile_words or {}
    P = _select("profile", profiles, [profile_words.get(p, p) for p in profiles], "utility profile ", start["p"])
    M = _select("monitor", list(options.values()), [m.label for m in monitor_list], "monitor ", options[start["m"]])
    K = _select("kind", kinds, kinds, "contract class ", start["k"])
    R = _select("problem", problems, problems, "problem ", start["r"])
    N = _select("n", ns, [report.count(n) for n in ns], "checks n ", start["n"])
    data, firsts = _named("settings", ["n", "g"]), _named("profiles", ["u0"])
    same = "datum.p == profile && datum.c == slice(monitor, indexof(monitor, ':') + 1) && datum.r == problem"
    here = f"{same} && datum.k == kind && datum.n == n"
    base = alt.Chart(data)
    width = 220
    decades = [10 ** k for k in range(int(np.floor(np.log10(ns[0]))), int(np.ceil(np.log10(ns[-1]))) + 1)]
    gap = base.transform_filter(same).transform_filter("isValid(datum.g)").encode(
        # the grid's whole range of n whatever the setting has points at, labelled at its decades
        x=alt.X("n:Q", scale=alt.Scale(type="log", domain=[ns[0], ns[-1]]), title="checks n",
                axis=alt.Axis(values=decades, format=",d", labelOverlap=True)),
        y=alt.Y("g:Q", scale=alt.Scale(type="log"), title="normalised gap (C − Cₙ)/C"),
        color=alt.Color("k:N", title="contract class", scale=alt.Scale(domain=list(KINDS)),
                        legend=alt.Legend(orient="bottom")),
        opacity=alt.condition("datum.k == kind", alt.value(1.0), alt.value(0.25)),
    )
    gap_view = (gap.mark_line(point=True) + base.transform_filter(here).transform_filter("isValid(datum.g)").mark_point(
        size=220, shape="circle", filled=False, color="black").encode(x="n:Q", y="g:Q")).properties(
        width=width, height=200, title=alt.TitleParams(["gap against n", "(chosen class bold, chosen n circled)"]))
    one = base.transform_filter(here).transform_filter("datum.wy != null && datum.wy != ''")
    general_x = f"floor((datum.i - 1) * datum.n / (min(datum.n + 1, {WAGE_POINTS}) - 1) + 0.5)"
    wages = one.transform_calculate(x="datum.wx ? split(datum.wx, ' ') : []", w="split(datum.wy, ' ')").transform_flatten(
        ["w", "x"]).transform_window(i="row_number()").transform_calculate(
        x=f"datum.k == 'general' ? {general_x} : toNumber(datum.x)", w="toNumber(datum.w)").mark_line(point=True).encode(
        # whole counts only (at most n + 1 ticks; a fraction of a check gets no label), few enough
        # that 10,000's labels do not run together
        x=alt.X("x:Q", title="passed checks x", axis=alt.Axis(
            tickMinStep=1, tickCount=alt.ExprRef("min(n, 3)"), format=",d", labelOverlap=True,
            labelExpr="datum.value % 1 ? '' : datum.label")),
        y=alt.Y("w:Q", title="wage w(x)")).properties(
        width=width, height=200, title="the optimal contract")
    efforts = " ".join(_short(e) for e in EFFORTS)
    curve = one.transform_calculate(e=f"split('{efforts} ' + datum.eta_num, ' ')", u="split(datum.uc, ' ')").transform_flatten(
        ["e", "u"]).transform_calculate(e="toNumber(datum.e)", u="toNumber(datum.u)").mark_line().encode(
        x=alt.X("e:Q", title="effort η", scale=alt.Scale(domain=[0, 1])), y=alt.Y("u:Q", title="annotator's expected utility"),
        order="e:Q")
    induced = one.transform_calculate(v="toNumber(datum.eta_num)").mark_rule(color="black").encode(x="v:Q")
    profile_row = alt.Chart(firsts).transform_filter("datum.p == profile")
    star = profile_row.transform_calculate(v="toNumber(datum.star)").mark_rule(color="gray", strokeDash=[4, 3]).encode(x="v:Q")
    u0 = profile_row.mark_rule(strokeDash=[1, 2], color="gray").encode(y="u0:Q")
    utility_view = (curve + induced + star + u0).properties(
        width=width, height=200,
        title=alt.TitleParams(["annotator's utility against effort", "solid: induced η, dashed: η*, dotted: U₀"]))
    numbers = alt.layer(*_text_lines(profile_row, [("first-best utility C", "fb")]),
                        *_text_lines(base.transform_filter(here), [
                            ("second-best utility", "sb"), ("induced effort η", "eta"), ("expected wage", "ew"),
                            ("gap C − Cₙ", "gap")], top=34)).properties(width=width, height=110, title="the numbers")
    about = ("Contract explorer: choose a utility profile, a monitor, a contract class, a problem and the number of "
             "checks n; it shows the normalised utility gap against n, the optimal contract, the annotator's expected "
             "utility against effort under it, and the numbers.")
    tables = {"settings": _dsv(grid), "profiles": _dsv(pd.DataFrame([first_best_row(p) for p in profiles]))}
    chart = alt.vconcat(alt.hconcat(gap_view, wages), alt.hconcat(utility_view, numbers)).add_params(
        P, M, K, R, N).properties(description=about, datasets=tables)
    return Explorer(chart, about)


def _first_win(sc: np.ndarray, bound: np.ndarray, ns: np.ndarray) -> int | None:
    """The smallest n of the grid from which the self-consistency error sum stays below the
    expert bound at every larger n of the grid (None: not within the grid)."""
    decided = bound > 0  # where the bound underflows, double precision cannot compare the two
    if not decided.any():
        return None
    wins, ns = (sc < bound)[decided], ns[decided]
    if not wins[-1]:
        return None
    losing = np.flatnonzero(~wins)
    return int(ns[0] if losing.size == 0 else ns[losing[-1] + 1])


def assessment_grid(eta0s: Sequence[float], eta1s: Sequence[float], deltas: Sequence[float],
                    experts: Mapping[str, np.ndarray], ns: Sequence[int], targets: Sequence[float]) -> dict[str, pd.DataFrame]:
    """Every setting of the assessment explorer.

    The expert side needs the pairs' p (the lower bound of Proposition 1 uses the KL divergence
    over p): each entry of ``experts`` gives them, a dataset's own p or homogeneous pairs for a
    plain c-bar.

    Parameters
    ----------
    eta0s, eta1s : sequence of float
        Efforts of the careless and the careful annotator (every eta0 below every eta1).
    deltas : sequence of float
        Self-disagreement rates, in [0, 1).
    experts : mapping of str to array_like
        Words for each expert signal and its pairs' p.
    ns : sequence of int
        Numbers of checks of the curves.
    targets : sequence of float
        Target error sums, in (0, 1).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``curves`` (e0, e1, s: the signal's key, n, err: the drawn error sum), ``numbers`` (one
        row per e0, e1, sc (delta's key), ex (expert's key), target: the displayed strings) and
        ``keys`` (key, words).

    Raises
    ------
    MonitoringError
        An effort, delta, p or target out of range, or an eta0 not below an eta1.

    Examples
    --------
    >>> g = assessment_grid([0.8], [0.95], [0.0], {"c̄ = 0.5": [0.75]}, [10, 100], [0.1])
    >>> g["numbers"][["sc_need", "ex_need"]].to_dict("records")
    [{'sc_need': '99', 'ex_need': '≥ 471'}]
    """
    ns_arr = np.array(sorted({validation.checks("n", n, MonitoringError) for n in ns}))
    curves, numbers, keys = [], [], []
    sc_keys = {f"d{i}": float(d) for i, d in enumerate(deltas)}
    ex_keys = {f"x{i}": np.asarray(p, dtype=float) for i, p in enumerate(experts.values())}
    keys += [(k, f"δ = {d:g}") for k, d in sc_keys.items()]
    keys += [(k, words) for k, words in zip(ex_keys, experts, strict=True)]
    for e0 in eta0s:
        for e1 in eta1s:
            if not e0 < e1:
                raise MonitoringError(f"every eta0 must be below every eta1; got eta0 = {e0}, eta1 = {e1}")
            sc_err, ex_err, sc_need, ex_need = {}, {}, {}, {}
            for key, delta in sc_keys.items():
                m = monitoring.self_consistency_monitor(delta)
                q0, q1 = float(m.q(e0)), float(m.q(e1))
                sc_err[key] = monitoring.error_sum(ns_arr, q0, q1)
                for t in targets:
                    try:
                        sc_need[key, t] = report.count(monitoring.samples_needed(t, q0, q1))
                    except OutOfReachError:
                        sc_need[key, t] = "over 10 million"
            for key, p in ex_keys.items():
                kl = monitoring.expert_kl_divergence(p, e0, e1)
                ex_err[key] = monitoring.error_sum_lower_bound(ns_arr, kl)
                for t in targets:
                    try:
                        ex_need[key, t] = "≥ " + report.count(monitoring.samples_needed_lower_bound(t, kl))
                    except OutOfReachError:
                        ex_need[key, t] = "beyond any count"
            for key, err in (sc_err | ex_err).items():
                curves.append(pd.DataFrame({"e0": e0, "e1": e1, "s": key, "n": ns_arr,
                                            "err": [float(_short(max(v, FLOOR))) for v in err],
                                            "txt": [report.number(max(v, TINY), DIGITS, floor=1e-12) for v in err]}))
            for sk in sc_keys:
                for xk in ex_keys:
                    win = _first_win(sc_err[sk], ex_err[xk], ns_arr)
                    crossing = (f"from n = {report.count(win)}" if win is not None
                                else f"not by n = {report.count(int(ns_arr[-1]))}")
                    for t in targets:
                        numbers.append({"e0": e0, "e1": e1, "sc": sk, "ex": xk, "t": t, "sc_need": sc_need[sk, t],
                                        "ex_need": ex_need[xk, t], "cross": crossing, "cross_n": win})
    return {"curves": pd.concat(curves, ignore_index=True), "numbers": pd.DataFrame(numbers),
            "keys": pd.DataFrame(keys, columns=["key", "words"])}


def assessment_explorer(grid: Mapping[str, pd.DataFrame], start: Mapping[str, Any] | None = None):
    """The assessment explorer as one Altair chart: dropdowns for eta0, eta1, delta, the expert
    signal, the target error sum and n; the expert-based lower bound and the self-consistency
    error sum against n (the chosen n and the crossing marked) and the numbers.

    Parameters
    ----------
    grid : mapping
        :func:`assessment_grid`'s tables.
    start : mapping, optional
        The setting shown first: keys e0, e1, sc, ex, t, n.

    Returns
    -------
    Explorer
        The chart (``.chart``, an ``altair.VConcatChart``) with its description.
    """
    import altair as alt

    curves, numbers, keys = grid["curves"], grid["numbers"], grid["keys"]
    words = dict(zip(keys.key, keys.words, strict=True))
    e0s, e1s = sorted(set(numbers.e0)), sorted(set(numbers.e1))
    scs, exs = list(dict.fromkeys(numbers.sc)), list(dict.fromkeys(numbers.ex))
    ts, ns = sorted(set(numbers.t)), sorted(set(curves.n))
    start = {"e0": e0s[-1], "e1": e1s[-1], "sc": scs[0], "ex": exs[0], "t": ts[0], "n": ns[len(ns) // 2]} | dict(start or {})
    E0 = _select("eta0", e0s, [f"{e:g}" for e in e0s], "careless effort η₀ ", start["e0"])
    E1 = _select("eta1", e1s, [f"{e:g}" for e in e1s], "careful effort η₁ ", start["e1"])
    SC = _select("sc", scs, [words[k] for k in scs], "self-consistency ", start["sc"])
    EX = _select("ex", exs, [words[k] for k in exs], "expert signal ", start["ex"])
    T = _select("target", ts, [f"{t:g}" for t in ts], "target error sum ", start["t"])
    N = _select("n", ns, [report.count(n) for n in ns], "checks n ", start["n"])
    cdata = _named("curves", ["e0", "e1", "n", "err"])
    ndata = _named("numbers", ["e0", "e1", "t"])
    pair = "datum.e0 == eta0 && datum.e1 == eta1"
    shown = alt.Chart(cdata).transform_filter(f"{pair} && (datum.s == sc || datum.s == ex)").transform_calculate(
        monitor="datum.s == sc ? 'self-consistency (exact)' : 'expert-based (lower bound)'")
    lines = shown.mark_line(clip=True).encode(
        x=alt.X("n:Q", scale=alt.Scale(type="log"), title="checks n"),
        y=alt.Y("err:Q", scale=alt.Scale(type="log", domain=[FLOOR, 1]), title="type I + type II error sum"),
        color=alt.Color("monitor:N", title=None, legend=alt.Legend(orient="bottom")))
    at_n = alt.Chart(alt.Data(values=[{"z": 0}])).transform_calculate(n="n").mark_rule(color="black").encode(x="n:Q")
    target = alt.Chart(alt.Data(values=[{"z": 0}])).transform_calculate(t="target").mark_rule(
        color="gray", strokeDash=[4, 3]).encode(y="t:Q")
    plot = (lines + at_n + target).properties(width=330, height=230, title=alt.TitleParams(
        ["error sum against n", "solid rule: chosen n; dashed: the target"]))
    here = alt.Chart(cdata).transform_filter(f"{pair} && datum.n == n && (datum.s == sc || datum.s == ex)")
    rows = [("error sum at n, self-consistency", "sc"), ("lower bound at n, any expert test", "ex")]
    texts = [line for i, (label, key) in enumerate(rows)
             for line in _text_lines(here.transform_filter(f"datum.s == {key}"), [(label, "txt")], top=14 + 20 * i)]
    picked = alt.Chart(ndata).transform_filter(f"{pair} && datum.sc == sc && datum.ex == ex && datum.t == target")
    texts += _text_lines(picked, [("checks needed, self-consistency", "sc_need"), ("checks needed, any expert test", "ex_need"),
                                  ("self-consistency beats experts", "cross")], top=54)
    numbers_view = alt.layer(*texts).properties(width=330, height=120, title="the numbers")
    about = ("Assessment explorer: choose the careless and careful efforts, δ, the expert signal, a target error sum "
             "and the number of checks n; it shows the self-consistency test's error sum and the expert-based lower "
             "bound against n, and the numbers.")
    tables = {"curves": _dsv(curves), "numbers": _dsv(numbers.drop(columns="cross_n"))}
    return Explorer(alt.vconcat(plot, numbers_view).add_params(E0, E1, SC, EX, T, N).properties(
        description=about, datasets=tables), about)
