"""The tolerances of every golden or regression comparison in the tests, in one place (the
policy is the table in the README's Tests section).

A recorded answer was computed on another machine; numpy's SIMD code for exp, log and power
may differ there in the last bit, so a comparison allows what a few ulps of the inputs move the
quantity: tests/perturbation.py moves them by 4 and 16 ulps and every comparison must hold.

Well conditioned (WELL): utilities (the principal's, the agent's, first-best value and wage),
gaps, probabilities, error sums, KL divergences, values on a fixed grid, and every answer of the
restricted problem (its effort eta* is a simple root, found to machine precision). These move by
a few ulps times a modest condition number: 9.3e-12 at most in the contract answers.

Ill conditioned: the effort that maximises the principal's value (the unrestricted problem).
At a maximum V(eta) = V* - a (eta - eta*)^2 / 2, rounding of size eps |V*| hides any eta within
sqrt(2 eps |V*| / a) of eta*, so no solver locates eta* better than about sqrt(eps) = 1.5e-8.
The searches of contracts/optimise.py stop at that barrier:

- ``maximise_on_interval``, bounded Brent (scipy): its stopping rule uses tol1 = sqrt(eps) |eta|
  + xatol / 3 (xatol = 1e-10 adds 3e-11), and its last bracket is at most 4 tol1 = 6e-8 wide;
- ``zoom_maximise``: it stops when the neighbours of the best grid point are within
  FLAT = 16 eps (relatively) of it, i.e. at cells sqrt(32 eps |V*| / a) = 8.4e-8 sqrt(|V*| / a)
  wide, 7.2e-8 at the largest |V*| / a of the recorded cases (0.72, high_cost_exp, n = 1).

Each answer is thus within 8e-8 of eta*, and two answers (recorded and new) within 1.6e-7 of
each other: EFFORT. Measured: 3.7e-8 between CPUs, 4.1e-8 under moved inputs.

What is computed from that effort (the contract's parameters w0, w1, its wages, the expected
wage) moves with it: d(expected wage)/d eta = mu'(eta) at the optimum (0.54 at most), the
parameters up to 3.6 and single wages up to 7.2 times the effort's move in the recorded cases;
FROM_EFFORT allows 10 times EFFORT. The principal's utility stays WELL (the maximum is flat: it
moves by a (d eta)^2 / 2), and so does the agent's (participation binds). An integer threshold
k may flip at a tie of two thresholds: then the two contracts must have the same value (WELL)
and the wages of the other one are not compared.
"""

from annotator_incentives.figure_data import ILL_CONDITIONED

WELL = 1e-9  # absolute; the quantities compared are of order one
EFFORT = 2e-7  # absolute: an optimised effort (see above)
# absolute: parameters, wages and expected wage at an optimised effort; the same number as the
# figure-data compare command's for columns named ill conditioned (one policy)
FROM_EFFORT = ILL_CONDITIONED.atol
assert FROM_EFFORT == 10 * EFFORT
