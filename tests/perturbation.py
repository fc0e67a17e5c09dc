"""What a different CPU does to the last bits, on any machine: a golden comparison's inputs
moved by a few units in the last place (the tolerance policy in tests/tolerances.py).

numpy's SIMD code paths for exp, log and power may differ in the last bit between CPUs; a
test whose answers stay within their tolerance when its inputs move by 4 and 16 ulps (relative
4 * 2**-52 and 16 * 2**-52, both signs) does not depend on which path computed them.

A utility profile is moved through its numeric parameters, the same way for every profile:
G(w) -> a G(r w) (for CARA G = s (1 - exp(-rate w)) that is the scale s and the rate), E ->
e E, mu -> m mu, and U_0, w_lo, w_hi themselves (U_0 = 0 stays 0); the signs alternate between G, E and mu, so
that they do not move together in one direction (a and r move alike: opposite, their moves of G
would nearly cancel where G is close to linear).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from annotator_incentives.utility import UtilityProfile

ULP = 2.0**-52
SHIFTS = (4, -4, 16, -16)  # relative moves of the inputs, in units of 2**-52


def moved(x: float, shift: int, sign: int = 1) -> float:
    """x moved relatively by ``sign * shift`` units of 2**-52 (one rounding)."""
    return float(x * (1.0 + sign * shift * ULP))


def moved_profile(profile: UtilityProfile, shift: int) -> UtilityProfile:
    """The profile with each numeric parameter moved relatively by ``shift`` ulps: a = r =
    1 + shift, e = 1 - shift, m = 1 + shift (in ulps); U_0, w_lo and w_hi by +shift. G_inv, dG,
    dE and dmu follow by the chain rule; a numerical inverse of G (a profile given without
    G_inv) is rebuilt for the moved G."""
    a, r, e, m = (1.0 + s * shift * ULP for s in (1, 1, -1, 1))
    G, G_inv, dG, E, dE, mu, dmu = (profile.G, profile.G_inv, profile.dG, profile.E, profile.dE, profile.mu, profile.dmu)
    numeric_inverse = getattr(G_inv, "__self__", None) is profile
    return dataclasses.replace(
        profile,
        name=f"{profile.name} moved by {shift} ulps",
        G=lambda w: a * G(r * np.asarray(w, dtype=float)),
        G_inv=None if numeric_inverse else (lambda u: G_inv(np.asarray(u, dtype=float) / a) / r),
        dG=lambda w: a * r * dG(r * np.asarray(w, dtype=float)),
        E=lambda x: e * E(x),
        dE=lambda x: e * dE(x),
        mu=lambda x: m * mu(x),
        dmu=lambda x: m * dmu(x),
        U0=moved(profile.U0, shift),
        w_lo=moved(profile.w_lo, shift),
        w_hi=moved(profile.w_hi, shift),
        cara=None if profile.cara is None else (profile.cara[0] * r, profile.cara[1] * a),
    )
