"""The book's number policy (annotator_incentives.report)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from annotator_incentives import report


@pytest.mark.parametrize(
    ("x", "kwargs", "text"),
    [
        (0.61834, {}, "0.618"),
        (0.0234567, {}, "0.0235"),
        (12.3456, {}, "12.3"),
        (1234.5, {}, "1,234"),
        (0.99962, {}, "1.00"),  # rounding up a decade keeps three figures
        (-0.4417, {}, "−0.442"),
        (0.0004, {"floor": 0.001}, "< 0.001"),
        (-0.0004, {"floor": 0.001}, "> −0.001"),
        (0.0012, {"floor": 0.001}, "0.00120"),
        (1.0e-13, {}, "0"),
        (-1.0e-12 / 2, {}, "0"),
        (0.123456, {"digits": 2}, "0.12"),
        (7.3e-8, {"digits": 2}, "7.3 × 10⁻⁸"),
        (-0.0000786, {}, "−7.86 × 10⁻⁵"),
        (9.996e-6, {}, "1.00 × 10⁻⁵"),  # rounding up a decade
        (3e-13, {"floor": 1e-12}, "< 10⁻¹²"),
        (0.00012254, {"digits": 4}, "1.225 × 10⁻⁴"),  # never more than six decimals
        (0.000123, {}, "0.000123"),
    ],
)
def test_number_policy(x, kwargs, text):
    assert report.number(x, **kwargs) == text


def test_number_never_prints_zeros_or_exponents():
    for x in np.geomspace(1e-11, 1e6, 400):
        for sign in (1, -1):
            text = report.number(sign * x, floor=1e-3)
            assert "e" not in text and not re.fullmatch(r"[−-]?0\.0+", text), text
            assert len(re.sub(r"\D", "", text.split("×")[0])) <= 8, text  # no long runs of zeros


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_number_refuses_non_finite(bad):
    with pytest.raises(ValueError, match="finite"):
        report.number(bad)


def test_parameters_counts_and_sets():
    assert report.value(0.10) == "0.1" and report.value(1.0) == "1" and report.value(-0.5) == "−0.5"
    assert report.count(1_234_567) == "1,234,567"
    assert report.count(None) == "out of reach"
    assert report.count(None, beyond=10**7) == "more than 10,000,000"
    assert report.values("δ", [0.05]) == "δ = 0.05"
    assert report.values("η₀", [0.8, 0.9]) == "η₀ ∈ {0.8, 0.9}"
    with pytest.raises(ValueError):
        report.values("δ", [])
    assert report.subset("δ", [0.1], [0.0, 0.1]) == "δ = 0.1"
    assert report.subset("δ", [], [0.0], of="") == "no δ"


def test_ranges_runs_and_single_points():
    assert report.ranges([10, 20, 30, 50, 70, 80], step=10) == "n = 10–30 and 50 and 70–80"
    assert report.ranges(np.array([490]), step=10) == "n = 490"
    assert report.ranges([3, 1, 2], step=1, symbol="k") == "k = 1–3"
    with pytest.raises(ValueError):
        report.ranges([], step=10)


def test_series_split_where_and_bullets():
    assert report.series([]) == "" and report.series(["a"]) == "a" and report.series(["a", "b"]) == "a and b"
    assert report.split("δ", {"x": [], "y": []}) == ""
    assert report.split("δ", {"x": [0.1], "y": [0.2, 0.3]}) == "x for δ = 0.1 and y for δ ∈ {0.2, 0.3}"
    grid = np.arange(10, 60, 10)
    none = np.array([], dtype=int)
    text = report.where({0.0: grid, 0.1: np.array([10, 20, 40]), 0.2: none, 0.3: none}, grid)
    assert text == "at every n for δ = 0; for δ = 0.1 only at n = 10–20 and 40; at no n for δ ∈ {0.2, 0.3}"
    assert report.bullets("Lead:", ["a", "b"]) == "Lead:\n\n- a\n- b"


def test_at_most():
    assert report.at_most(0.0213, digits=2) == "at most 0.021"
    assert report.at_most(0.0004, floor=0.001) == "less than 0.001"
    assert report.at_most(4e-13, floor=1e-12) == "less than 10⁻¹²"


@pytest.mark.parametrize(("se", "text"), [
    (0.00314, "0.003"), (0.0123, "0.012"), (0.27, "0.27"), (0.96, "1.0"), (0.096, "0.10"), (3.4, "3"),
    (250.0, "250"), (0.0196, "0.020"), (253.0, "250"), (2.4e-6, "2.4 × 10⁻⁶"),
])
def test_standard_errors_have_one_or_two_figures(se, text):
    assert report.standard_error(se) == text


def test_estimates_round_to_their_standard_error():
    assert report.estimate(-0.44217, 0.00314) == "−0.442 ± 0.003"
    assert report.estimate(0.5, 0.0123) == "0.500 ± 0.012"
    assert report.estimate(1234.5, 27) == "1,234 ± 27" or report.estimate(1234.5, 27) == "1,235 ± 27"
    with pytest.raises(ValueError, match="positive"):
        report.standard_error(0.0)


def test_percent_and_negligible_quantities():
    assert report.percent(1.2e-05) == "0.0012 %" and report.percent(0.5) == "50 %"
    assert report.percent(1e-9) == "below 10⁻⁴ %"
    assert report.negligible(0.0) == "zero to machine precision"
    assert report.negligible(-5e-13) == "zero to machine precision"
    assert report.negligible(5e-8, floor=1e-6) == "below 10⁻⁶"
    assert report.negligible(2e-3, floor=1e-6) == "0.00200"


def test_between_says_one_number_when_the_ends_agree():
    assert report.between(0.3011, 0.3024) == "0.301 to 0.302"
    assert report.between(0.30201, 0.30203) == "0.302"
    assert report.between(1e-13, 2e-13, floor=1e-12) == "< 10⁻¹²"


def test_order_of_magnitude_of_tiny_exact_quantities():
    assert report.order(3.2e-26) == "10⁻²⁶" and report.order(1.0) == "10⁰" and report.order(250.0) == "10²"
    with pytest.raises(ValueError, match="positive"):
        report.order(0.0)
