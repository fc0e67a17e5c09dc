"""Utility profiles of the principal-agent model (the paper's Section 3 and Assumptions 2-5) and their assumptions.

Agent (annotator): U_a = G(w) - E(eta). Principal (company): U_p = mu(eta) - w. Outside option
U_0; wages lie in [w_lo, w_hi]. A profile is checked on construction:

- Assumption 2: G increasing and strictly concave on [w_lo, w_hi] (risk aversion);
- Assumption 3: E increasing and convex on [0, 1]; mu increasing and concave on [0, 1];
- Assumption 4: E([0, 1]) + U_0 lies inside G([w_lo, w_hi]) (participation is affordable).

A violation raises :class:`ProfileError` naming the assumption and where it fails. Shapes are
judged on a grid by second differences over several spans, against rounding alone
(``ROUNDING_ULPS`` units in the last place of the function's magnitude), so that a barely
convex mu = eta^1.0000001 is found at any scale. Derivatives, the inverse of G and a CARA tag
given with a profile are checked against G, E and mu at a few points, allowing for the rounding
of the central differences and of G (:meth:`UtilityProfile.check_consistency`); a mismatch is a
:class:`ProfileError` too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import validation
from .validation import AnnotatorInputError

__all__ = ["ProfileError", "UtilityProfile", "PROFILES", "profile", "cara", "solve_increasing"]

# G, E, mu and their derivatives take a number or an array and return the same shape (a NumPy
# scalar for a number), so the result is typed Any.
Fn = Callable[[ArrayLike], Any]


class ProfileError(AnnotatorInputError):
    """A utility profile that breaks one of the model's assumptions or is inconsistent.

    Examples
    --------
    >>> G, G_inv, dG = cara()
    >>> try:
    ...     UtilityProfile("dip", G=G, E=lambda e: 0.1 * (np.asarray(e) - 0.5) ** 2, mu=lambda e: 0.5 * np.asarray(e))
    ... except ProfileError as error:
    ...     print(error)
    dip: Assumption 3 fails: E is not increasing (it falls near 0)
    """


def _derivative(f: Fn, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """f'(x) by a central difference of step h (the consistency checks' reference)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _derivative_within(f: Fn, lo: float, hi: float, h: float = 1e-6) -> Fn:
    """f' by central differences that never leave [lo, hi] (one-sided at the ends): E and mu
    are defined on [0, 1] only (eta^0.8 has no real value below 0)."""
    def derivative(x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        a, b = np.maximum(x - h, lo), np.minimum(x + h, hi)
        return (f(b) - f(a)) / (b - a)
    return derivative


CONSISTENCY_POINTS = (0.1, 0.3, 0.5, 0.7, 0.9)  # where given derivatives and inverses are checked (share of the domain)
DERIVATIVE_RTOL = 1e-4  # a given derivative must match a central difference this closely (relative) ...
DIFFERENCE_STEP = 1e-6  # ... of this step, whose own rounding error is allowed for
EPS = float(np.finfo(float).eps)
ROUNDING_ULPS = 64  # a value of G, E or mu is trusted to this many units in the last place of its magnitude
CURVATURE_STRIDES = (1, 10, 100, 1000)  # second differences over these multiples of the grid step (fine to coarse)
# A CARA G(w) = scale (1 - exp(-rate w)) is used with rate |w| at most this at both wage bounds,
# as in the paper's own profiles (figure3: rate 1, wages from -10): exp(10) = 2.2e4, so utilities
# stay within 2.2e4 scale (a contract's expected utility is off by about 8 eps exp(10) = 4e-11 of
# scale at worst, measured) and near the top wage G still tells wages apart to eps exp(10) / rate.
CARA_EXPONENT_MAX = 10.0


def solve_increasing(f: Fn, df: Fn, u, lo: float, hi: float, rtol: float = 1e-15, bisections: int = 12,
                     start=None) -> np.ndarray:
    r"""w in [lo, hi] with f(w) = u, elementwise, for f increasing on [lo, hi].

    The profiles' numerical :math:`G^{-1}` (the wage :math:`w = G^{-1}(E(\eta) + U_0)` of the
    first-best, Proposition 5, and of every contract's base wage). ``df`` is f's derivative (an
    approximate one will do); u outside f([lo, hi]) gives the nearer end. A few bisection steps
    first (Newton's method crawls on exponential-like f from a far start), then Newton's method
    kept inside a bracket that every evaluation narrows, bisecting whenever a Newton step would
    leave it (as in Numerical Recipes' rtsafe), until a step moves w by at most ``rtol``
    relatively.

    Parameters
    ----------
    f, df : callable
        The increasing function and its derivative, each taking and returning arrays.
    u : array_like
        The values to invert.
    lo, hi : float
        The interval searched, lo < hi.
    rtol : float, default 1e-15
        Relative step at which Newton's method stops.
    bisections : int, default 12
        Bisection steps before Newton's method.
    start : array_like, optional
        Where Newton's method starts, in the shape of ``u`` (a nearby solution, e.g. the
        previous step's of an outer iteration); then no bisection comes first.

    Returns
    -------
    numpy.ndarray
        The solutions, in the shape of ``u``.

    Examples
    --------
    >>> w = solve_increasing(np.exp, np.exp, [np.e, 100.0], -1.0, 2.0)  # exp(w) = e; 100 > exp(2): the end
    >>> [round(float(x), 12) for x in w]
    [1.0, 2.0]
    >>> w = solve_increasing(np.exp, np.exp, [np.e, 100.0], -1.0, 2.0, start=[0.9, 1.9])  # from nearby
    >>> [round(float(x), 12) for x in w]
    [1.0, 2.0]
    """
    u = np.asarray(u, dtype=float)
    low, high = np.full(u.shape, float(lo)), np.full(u.shape, float(hi))
    at_lo, at_hi = u <= f(low), u >= f(high)
    if start is None:
        for _ in range(bisections):
            mid = (low + high) / 2
            below = f(mid) < u
            low, high = np.where(below, mid, low), np.where(below, high, mid)
        w = (low + high) / 2
    else:
        w = np.clip(np.broadcast_to(np.asarray(start, dtype=float), u.shape), low, high)
    for _ in range(200):
        gap = f(w) - u
        low, high = np.where(gap < 0, w, low), np.where(gap > 0, w, high)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = w - gap / df(w)
        step_in = (newton >= low) & (newton <= high)
        new = np.where(step_in, newton, (low + high) / 2)
        done = np.abs(new - w) <= rtol * np.maximum(1.0, np.abs(w))
        w = new
        if np.all(done | at_lo | at_hi):
            break
    return np.where(at_hi, float(hi), np.where(at_lo, float(lo), w))


@dataclass(frozen=True)
class UtilityProfile:
    """G, E, mu with their derivatives and inverse, U_0 and the wage bounds.

    ``G_inv`` is the inverse of G; ``dG``, ``dE``, ``dmu`` are first derivatives. When a
    derivative or the inverse is not given it is computed numerically. On construction the
    given derivatives are checked against the functions and the model's Assumptions 2-4 on
    grids (:meth:`check_assumptions`), unless ``check`` is False.

    Attributes
    ----------
    name : str
        The profile's name (the registry's key).
    G, E, mu : callable
        The agent's utility of a wage, its cost of effort and the principal's value of
        effort, each taking a number or an array.
    U0 : float
        The agent's outside option.
    w_lo, w_hi : float
        The wage bounds, w_lo < w_hi.
    G_inv, dG, dE, dmu : callable
        G's inverse and the first derivatives (numerical ones when not given).
    description : str
        One line for tables.
    cara : tuple of float or None
        (rate, scale) when G = scale (1 - exp(-rate w)), which the linear solver uses in
        closed form.
    check : bool
        Whether construction checks consistency and the assumptions.

    Examples
    --------
    >>> G, G_inv, dG = cara()
    >>> mine = UtilityProfile("mine", G=G, G_inv=G_inv, dG=dG, E=lambda e: 0.1 * np.asarray(e) ** 2,
    ...                       mu=lambda e: 0.5 * np.asarray(e))
    >>> round(float(mine.wage_for_utility(mine.E(1.0))), 6)  # the wage covering E(1): -log 0.9
    0.105361
    """

    name: str
    G: Fn
    E: Fn
    mu: Fn
    U0: float = 0.0
    w_lo: float = -10.0
    w_hi: float = 10.0
    # None (the default) asks for a numerical inverse or derivative: __post_init__ fills it in, so
    # after construction these are always functions, and are typed so.
    G_inv: Fn = None  # type: ignore[assignment]
    dG: Fn = None  # type: ignore[assignment]
    dE: Fn = None  # type: ignore[assignment]
    dmu: Fn = None  # type: ignore[assignment]
    description: str = ""
    cara: tuple[float, float] | None = None  # (rate, scale) when G = scale (1 - exp(-rate w))
    check: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise ProfileError(f"a profile's name must be a string; got {type(self.name).__name__} {self.name!r}")
        for label in ("G", "E", "mu", "G_inv", "dG", "dE", "dmu"):
            f = getattr(self, label)
            if (f is not None or label in ("G", "E", "mu")) and not callable(f):
                raise ProfileError(f"{self.name}: {label} must be a function; got {type(f).__name__}")
        for label in ("U0", "w_lo", "w_hi"):
            object.__setattr__(self, label, validation.real(f"{self.name}: {label}", getattr(self, label), ProfileError))
        if not self.w_lo < self.w_hi:
            raise ProfileError(f"{self.name}: wage bounds must be finite with w_lo < w_hi; got [{self.w_lo}, {self.w_hi}]")
        if self.cara is not None:
            if not isinstance(self.cara, tuple) or len(self.cara) != 2:
                raise ProfileError(f"{self.name}: cara must be (rate, scale); got {self.cara!r}")
            object.__setattr__(
                self,
                "cara",
                tuple(
                    validation.real(f"{self.name}: cara {label}", v, ProfileError, 0.0, low_open=True)
                    for label, v in zip(("rate", "scale"), self.cara, strict=True)
                ),
            )
        # the solvers call every function on whole grids: a scalar-only one (math.exp) is named here
        wages, efforts = np.linspace(self.w_lo, self.w_hi, 5), np.linspace(0.0, 1.0, 5)
        with np.errstate(all="ignore"):  # a derivative may be infinite at an end (mu'(0) of a power)
            for label, sample in (("G", wages), ("E", efforts), ("mu", efforts), ("dG", wages), ("dE", efforts),
                                  ("dmu", efforts)):
                if getattr(self, label) is not None:
                    validation.vectorised(f"{self.name}: {label}", getattr(self, label), sample, ProfileError)
        given = {label for label in ("G_inv", "dG", "dE", "dmu", "cara") if getattr(self, label) is not None}
        if self.G_inv is None:
            object.__setattr__(self, "G_inv", self._numeric_inverse)
        for name, base, lo, hi in (("dG", self.G, self.w_lo, self.w_hi), ("dE", self.E, 0.0, 1.0), ("dmu", self.mu, 0.0, 1.0)):
            if getattr(self, name) is None:
                object.__setattr__(self, name, _derivative_within(base, lo, hi))
        if self.check:
            self.check_consistency(given)
            self.check_assumptions()

    def check_consistency(self, given=("G_inv", "dG", "dE", "dmu", "cara")) -> None:
        """Given derivatives against central differences of G, E and mu, G_inv against G and
        the CARA tag against G, at a few interior points of their domains; a mismatch raises
        :class:`ProfileError` naming the function, the point and both values."""
        shares = np.array(CONSISTENCY_POINTS)
        wages = self.w_lo + (self.w_hi - self.w_lo) * shares
        for label, f, df, x in (
            ("dG", self.G, self.dG, wages),
            ("dE", self.E, self.dE, shares),
            ("dmu", self.mu, self.dmu, shares),
        ):
            if label not in given:
                continue
            with np.errstate(all="ignore"):
                claimed, numeric = np.asarray(df(x), dtype=float), _derivative(f, x, DIFFERENCE_STEP)
                # a central difference is no better than the rounding of f over 2h: allow for it
                rounding = ROUNDING_ULPS * EPS * np.maximum(np.abs(f(x + DIFFERENCE_STEP)), np.abs(f(x - DIFFERENCE_STEP)))
            bad = ~(np.abs(claimed - numeric) <= DERIVATIVE_RTOL * np.abs(numeric) + rounding / DIFFERENCE_STEP)
            if bad.any():
                i = int(np.argmax(bad))
                raise ProfileError(f"{self.name}: {label} does not match the derivative of {label[1:]}: at {x[i]:.4g} it gives "
                                   f"{claimed[i]:.6g}, a central difference {numeric[i]:.6g}")
        if "G_inv" in given:
            with np.errstate(all="ignore"):
                utilities = np.asarray(self.G(wages), dtype=float)
                back = np.asarray(self.G_inv(utilities), dtype=float)
                # G(w) is known to a few ulps; G_inv cannot recover w better than that rounding over G'(w)
                spread = ROUNDING_ULPS * EPS * np.abs(utilities) / np.asarray(self.dG(wages), dtype=float)
            bad = ~(np.abs(back - wages) <= 1e-7 * np.maximum(1.0, np.abs(wages)) + spread)
            if bad.any():
                i = int(np.argmax(bad))
                raise ProfileError(f"{self.name}: G_inv is not the inverse of G: G_inv(G({wages[i]:.4g})) = {back[i]:.6g}")
        if self.cara is not None and "cara" in given:
            rate, scale = self.cara
            with np.errstate(all="ignore"):
                tagged, actual = scale * -np.expm1(-rate * wages), np.asarray(self.G(wages), dtype=float)
            bad = ~(np.abs(tagged - actual) <= 1e-9 * np.maximum(1.0, np.abs(actual)))
            if bad.any():
                i = int(np.argmax(bad))
                raise ProfileError(f"{self.name}: the cara tag (rate {rate:g}, scale {scale:g}) does not describe G: at w = "
                                   f"{wages[i]:.4g} it gives {tagged[i]:.6g}, G gives {actual[i]:.6g}")

    # -- derived quantities ----------------------------------------------------------------
    @property
    def u_lo(self) -> float:
        """The lowest utility a contract can give, G(w_lo)."""
        return float(self.G(np.float64(self.w_lo)))

    @property
    def u_hi(self) -> float:
        """The highest utility a contract can give, G(w_hi)."""
        return float(self.G(np.float64(self.w_hi)))

    def wage_for_utility(self, u) -> np.ndarray:
        """G^{-1}(u), the wage that gives utility u."""
        return self.G_inv(np.asarray(u, dtype=float))

    def d2G(self, w) -> np.ndarray:
        """G''(w), by a central difference of G' (accurate to about 1e-9 relatively)."""
        return _derivative(self.dG, np.asarray(w, dtype=float))

    def _numeric_inverse(self, u: np.ndarray) -> np.ndarray:
        return solve_increasing(self.G, self.dG, u, self.w_lo, self.w_hi)

    # -- assumptions -----------------------------------------------------------------------
    def check_assumptions(self, points: int = 2001) -> None:
        """The model's assumptions on a grid of ``points`` wages and efforts.

        Assumption 2 (G increasing and strictly concave on [w_lo, w_hi]), Assumption 3 (E increasing
        and convex, mu increasing and concave on [0, 1]) and Assumption 4 (E([0, 1]) + U_0 inside
        G([w_lo, w_hi])); G, E and mu must be finite everywhere. Called on construction.

        Parameters
        ----------
        points : int, default 2001
            Grid points on each domain.

        Raises
        ------
        ProfileError
            The first assumption that fails, named with where it fails.

        Examples
        --------
        >>> PROFILES["figure3"].check_assumptions() is None
        True
        """
        w = np.linspace(self.w_lo, self.w_hi, points)
        eta = np.linspace(0.0, 1.0, points)
        for label, values in (("G", self.G(w)), ("E", self.E(eta)), ("mu", self.mu(eta))):
            if not np.all(np.isfinite(values)):
                raise ProfileError(f"{self.name}: {label} is not finite everywhere on its domain")
        self._monotone("Assumption 2", "G", w, self.G(w), increasing=True, curvature=-1, strict=True)
        self._monotone("Assumption 3", "E", eta, self.E(eta), increasing=True, curvature=+1)
        self._monotone("Assumption 3", "mu", eta, self.mu(eta), increasing=True, curvature=-1)
        need_lo, need_hi = float(self.E(np.float64(0.0))) + self.U0, float(self.E(np.float64(1.0))) + self.U0
        if need_lo < self.u_lo or need_hi > self.u_hi:
            raise ProfileError(
                f"{self.name}: Assumption 4 fails: E([0, 1]) + U_0 = [{need_lo:.4g}, {need_hi:.4g}] is not inside "
                f"G([w_lo, w_hi]) = [{self.u_lo:.4g}, {self.u_hi:.4g}]; no wage in [{self.w_lo}, {self.w_hi}] "
                "satisfies participation at every effort"
            )

    def _monotone(
        self, assumption: str, label: str, x: np.ndarray, y: np.ndarray, increasing: bool, curvature: int, strict: bool = False
    ) -> None:
        """``label`` increasing and concave (``curvature`` -1) or convex (+1) on the grid ``x``
        with values ``y``, else :class:`ProfileError` naming ``assumption``; ``strict``: strictly.

        Shape is judged by second differences over several spans (``CURVATURE_STRIDES`` grid
        steps): a fine span finds a local kink, a coarse one a slight curvature everywhere (mu =
        eta^1.0000001 bends by 7e-8 of its range over [0, 1], by 2.5e-14 over one step of 2001
        points). A difference counts against the shape only beyond what rounding explains,
        ``ROUNDING_ULPS`` units in the last place of the largest |y| (a relative tolerance, so
        the check means the same at every scale of the function).

        Examples
        --------
        >>> eta = np.linspace(0.0, 1.0, 2001)
        >>> try:
        ...     PROFILES["figure3"]._monotone("Assumption 3", "mu", eta, 0.5 * eta ** 1.0000001, True, -1)
        ... except ProfileError as error:
        ...     print(error)
        figure3: Assumption 3 fails: mu is not concave (near 0.0005)
        """
        top = float(np.max(np.abs(y)))
        rounding = ROUNDING_ULPS * EPS * top
        dy = np.diff(y)
        if np.any(dy < -rounding) or not np.any(dy > 0):
            i = int(np.argmin(dy))
            raise ProfileError(f"{self.name}: {assumption} fails: {label} is not increasing (it falls near {x[i]:.4g})")
        shape = "concave" if curvature < 0 else "convex"
        for stride in (s for s in CURVATURE_STRIDES if 2 * s < len(y)):
            second = (y[2 * stride:] - 2 * y[stride:-stride] + y[:-2 * stride]) * curvature
            if np.any(second < -rounding):
                i = int(np.argmin(second))
                raise ProfileError(f"{self.name}: {assumption} fails: {label} is not {shape} (near {x[i + stride]:.4g})")
        second = np.diff(y, 2) * curvature
        if strict and not np.all(second > 0):
            i = int(np.argmin(second))
            raise ProfileError(f"{self.name}: {assumption} fails: {label} is not strictly concave (near {x[i + 1]:.4g})")


def cara(rate: float = 1.0, scale: float = 1.0) -> tuple[Fn, Fn, Fn]:
    """G(w) = scale (1 - exp(-rate w)) with its inverse and derivative (constant absolute risk aversion).

    The agent's utility of the paper's Figure 3 (rate 1, scale 1) and Figure 10 (rate 1/2,
    scale 1/2); strictly concave, as Assumption 2 asks. All three are evaluated without overflow
    warnings or errors: G by ``expm1`` (exact near w = 0), G'(w) = scale rate exp(-rate w) and G
    far below the wages a profile allows go to -inf and +inf as the exponential does; G_inv(u) is
    +inf for u at or above the ceiling ``scale`` (no wage gives it). Profiles read from TOML keep
    ``rate |w|`` within ``CARA_EXPONENT_MAX`` at both wage bounds, where nothing overflows and
    rounding is small.

    Parameters
    ----------
    rate : float, default 1.0
        Absolute risk aversion, > 0 (1 / the wage over which G bends).
    scale : float, default 1.0
        The ceiling of G, > 0 (G(w) -> scale as w -> inf).

    Returns
    -------
    tuple of callable
        (G, G_inv, dG), each taking a number or an array.

    Examples
    --------
    >>> G, G_inv, dG = cara(rate=2.0, scale=3.0)
    >>> round(float(G(np.log(2) / 2)), 12), round(float(G_inv(1.5)), 12), float(dG(0.0))
    (1.5, 0.34657359028, 6.0)
    >>> float(G(-1000.0)), float(G_inv(3.0))
    (-inf, inf)
    """
    def G(w):
        with np.errstate(over="ignore"):
            return scale * -np.expm1(-rate * np.asarray(w, dtype=float))

    def G_inv(u):
        share = np.asarray(u, dtype=float) / scale
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(share >= 1, np.inf, -np.log1p(-np.minimum(share, 1.0)) / rate)

    def dG(w):
        with np.errstate(over="ignore"):
            return scale * rate * np.exp(-rate * np.asarray(w, dtype=float))

    return G, G_inv, dG


def _power_mu(a: float, power: float = 0.8) -> tuple[Fn, Fn]:
    mu = lambda e: a * np.power(np.asarray(e, dtype=float), power)  # noqa: E731
    with np.errstate(divide="ignore"):
        dmu = lambda e: a * power * np.power(np.maximum(np.asarray(e, dtype=float), 1e-300), power - 1)  # noqa: E731
    return mu, dmu


def _quadratic_effort(a: float, b: float = 0.0) -> tuple[Fn, Fn]:
    return (lambda e: b * np.asarray(e, dtype=float) + a * np.asarray(e, dtype=float) ** 2,
            lambda e: b + 2 * a * np.asarray(e, dtype=float))


def _cubic_effort(scale: float) -> tuple[Fn, Fn]:
    E = lambda e: scale * (0.03 * np.asarray(e, float) + 0.10 * np.asarray(e, float) ** 2 + 0.12 * np.asarray(e, float) ** 3)  # noqa: E731
    dE = lambda e: scale * (0.03 + 0.20 * np.asarray(e, float) + 0.36 * np.asarray(e, float) ** 2)  # noqa: E731
    return E, dE


def _build_profiles() -> dict[str, UtilityProfile]:
    G, G_inv, dG = cara()
    E, dE = _quadratic_effort(0.18)
    mu, dmu = _power_mu(0.5)
    figure3: dict[str, Any] = dict(G=G, G_inv=G_inv, dG=dG, E=E, dE=dE, U0=0.0, w_lo=-10.0, w_hi=10.0, cara=(1.0, 1.0))
    profiles = [
        UtilityProfile(
            "figure3",
            mu=mu,
            dmu=dmu,
            description="G = 1 - exp(-w), E = 0.18 eta^2, mu = 0.5 eta^0.8, U_0 = 0 (paper, Figure 3)",
            **figure3,
        ),
        UtilityProfile(
            "figure10_mu",
            mu=_power_mu(1 / 3)[0],
            dmu=_power_mu(1 / 3)[1],
            description="as figure3 with mu = eta^0.8 / 3 (paper, Figure 10; its code used 0.3)",
            **figure3,
        ),
    ]
    G2, G2_inv, dG2 = cara(rate=0.5, scale=0.5)
    profiles.append(UtilityProfile(
        "figure10_G", G=G2, G_inv=G2_inv, dG=dG2, E=E, dE=dE, mu=mu, dmu=dmu, U0=0.0, w_lo=-10.0, w_hi=10.0, cara=(0.5, 0.5),
        description="as figure3 with G = 1/2 - exp(-w/2)/2 (paper, Figure 10)"))
    E_b, dE_b = _quadratic_effort(0.18, 0.02)
    profiles.append(UtilityProfile(
        "baseline", G=G, G_inv=G_inv, dG=dG, E=E_b, dE=dE_b, cara=(1.0, 1.0),
        mu=lambda e: 0.5 * -np.expm1(-1.2 * np.asarray(e, float)), dmu=lambda e: 0.6 * np.exp(-1.2 * np.asarray(e, float)),
        description="G = 1 - exp(-w), E = 0.02 eta + 0.18 eta^2, mu = 0.5 (1 - exp(-1.2 eta)) (authors' later work)"))
    Gr = lambda w: 0.7 * -np.expm1(-0.7 * np.asarray(w, float)) + 0.3 * -np.expm1(-2 * np.asarray(w, float))  # noqa: E731
    dGr = lambda w: 0.49 * np.exp(-0.7 * np.asarray(w, float)) + 0.6 * np.exp(-2 * np.asarray(w, float))  # noqa: E731
    E_r, dE_r = _cubic_effort(0.24)
    profiles.append(
        UtilityProfile(
            "risk_averse_poly",
            G=Gr,
            dG=dGr,
            E=E_r,
            dE=dE_r,
            mu=lambda e: 0.35 * np.log1p(1.8 * np.asarray(e, float)),
            dmu=lambda e: 0.63 / (1 + 1.8 * np.asarray(e, float)),
            w_lo=-5.0,
            w_hi=10.0,
            description="G = 0.7 (1 - exp(-0.7 w)) + 0.3 (1 - exp(-2 w)), "
            "E = 0.24 (0.03 eta + 0.10 eta^2 + 0.12 eta^3), mu = 0.35 log(1 + 1.8 eta)",
        )
    )
    E_h, dE_h = _cubic_effort(0.22)
    profiles.append(UtilityProfile(
        "high_cost_exp", G=G, G_inv=G_inv, dG=dG, E=E_h, dE=dE_h, cara=(1.0, 1.0),
        mu=lambda e: 0.20 * np.log1p(1.8 * np.asarray(e, float)), dmu=lambda e: 0.36 / (1 + 1.8 * np.asarray(e, float)),
        description="G = 1 - exp(-w), E = 0.22 (0.03 eta + 0.10 eta^2 + 0.12 eta^3), mu = 0.20 log(1 + 1.8 eta)"))
    return {p.name: p for p in profiles}


#: The named profiles of the paper's numerical work, by name (:func:`profile` gives one).
PROFILES: dict[str, UtilityProfile] = _build_profiles()


def profile(name: str) -> UtilityProfile:
    """A named utility profile of the paper's numerical work (Section 3, Assumptions 2-4 checked).

    figure3 (Figure 3), figure10_mu and figure10_G (the robustness checks of Figure 10), and the
    authors' later profiles baseline, risk_averse_poly and high_cost_exp.

    Parameters
    ----------
    name : str
        One of figure3, figure10_mu, figure10_G, baseline, risk_averse_poly, high_cost_exp.

    Returns
    -------
    UtilityProfile
        The profile (shared: profiles are frozen).

    Raises
    ------
    ProfileError
        An unknown name (the known ones are listed in the message).

    Examples
    --------
    >>> figure3 = profile("figure3")
    >>> figure3.description
    'G = 1 - exp(-w), E = 0.18 eta^2, mu = 0.5 eta^0.8, U_0 = 0 (paper, Figure 3)'
    >>> round(float(figure3.wage_for_utility(0.5)), 12)  # G^-1(1/2) = log 2
    0.69314718056
    """
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        raise ProfileError(f"unknown utility profile {name!r}; known: {', '.join(PROFILES)}") from None
