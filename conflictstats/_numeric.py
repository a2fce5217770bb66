"""The one numerics layer shared by the statistical modules.

Broadcasting of named arguments (an :class:`~conflictstats._validation.InputError` that names
each argument and its shape when they do not fit together), the ``x <= n`` check, the normal
quantile of a confidence level, the normal p-value for each ``alternative=``, and a vectorised
bracketed root finder. Statistical modules call these rather than writing their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from ._validation import InputError

__all__ = [
    "ALTERNATIVES",
    "broadcast",
    "check_le",
    "z_quantile",
    "normal_pvalue",
    "solve",
    "bisect",
]

#: The ``alternative=`` choices of every test.
ALTERNATIVES = ("two-sided", "larger", "smaller")


def broadcast(**arrays: Any) -> tuple[np.ndarray, ...]:
    """Broadcast named arrays to one shape, in the order given.

    Raises
    ------
    InputError
        When the shapes do not broadcast; the message names every argument with its shape.
    """
    values = [np.asarray(v) for v in arrays.values()]
    try:
        return tuple(np.broadcast_arrays(*values))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in zip(arrays, values))
        raise InputError(
            f"{', '.join(arrays)} do not broadcast together: shapes {shapes}"
        ) from None


def check_le(x: np.ndarray, n: np.ndarray, xname: str, nname: str) -> None:
    """Refuse any element with ``x > n`` (successes above trials, a part above its whole)."""
    x, n = np.broadcast_arrays(np.asarray(x), np.asarray(n))
    bad = x > n
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise InputError(
            f"{xname} must not exceed {nname}, got {xname}={x[i]:g} > {nname}={n[i]:g}"
            + (f" at index {tuple(int(k) for k in i)}" if x.ndim else "")
        )


def z_quantile(confidence: float, *, one_sided: bool = False) -> float:
    """Standard normal quantile for a two-sided (default) or one-sided interval.

    ``z_quantile(0.95)`` is 1.959964; ``z_quantile(0.95, one_sided=True)`` is 1.644854.
    """
    a = 1.0 - confidence
    return float(special.ndtri(1.0 - (a if one_sided else a / 2)))


def normal_pvalue(z: Any, alternative: str = "two-sided") -> np.ndarray:
    """p-value of a standard normal statistic: ``"larger"`` is the upper tail."""
    z = np.asarray(z, dtype=float)
    if alternative == "larger":
        return special.ndtr(-z)
    if alternative == "smaller":
        return special.ndtr(z)
    return np.minimum(1.0, 2 * special.ndtr(-np.abs(z)))


def solve(f, lo, hi, args: tuple = (), *, xatol: float = 1e-14, xrtol: float = 1e-13):
    """Vectorised bracketed root of ``f`` between ``lo`` and ``hi``, element by element.

    Chandrupatla's method as in ``scipy.optimize.elementwise.find_root``: each element keeps
    its own bracket and leaves the computation once it has converged. ``f(lo)`` and ``f(hi)``
    must differ in sign for every element.
    """
    from scipy.optimize.elementwise import find_root

    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    res = find_root(f, (lo, hi), args=args, tolerances={"xatol": xatol, "xrtol": xrtol})
    return np.asarray(res.x, dtype=float)


def bisect(f, lo, hi, iters: int = 100) -> np.ndarray:
    """Vectorised bisection for the sign change of ``f`` between ``lo`` and ``hi``.

    For functions that are not separable by element (closures over whole arrays, sums over a
    grid per element), which :func:`solve` cannot call on a subset. ``f`` must be monotone on
    each bracket; an element whose bracket holds no sign change ends at ``hi``. Returns the
    midpoint of the final bracket (``iters`` halvings).
    """
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    lo, hi = lo.copy(), hi.copy()
    sign_lo = np.sign(f(lo))
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        same = np.sign(f(mid)) == sign_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)
