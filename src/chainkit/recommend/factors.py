"""Factor value functions of the recommendation score (each maps to [0, 1]).

Kept apart from the index so the formulas documented in DESIGN.md §4 are easy to find
and test; unknown attributes always score 0 ("unknown earns no points").
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_DISTANCE_BAND", "csr_sum", "distance_value", "growth_value",
           "local_supply_value", "percentile"]

MAX_DISTANCE_BAND = 3


def growth_value(growth: np.ndarray) -> np.ndarray:
    """Growth factor in [0, 1]: −20 % → 0, +40 % → 1, linear between; unknown → 0."""
    g = np.nan_to_num(np.asarray(growth, dtype=np.float64), nan=-1.0)
    return np.clip((g + 0.2) / 0.6, 0.0, 1.0)


def local_supply_value(count: np.ndarray) -> np.ndarray:
    """Existing-supply factor in [0, 1]: n masters supplied → n / (n + 1) (1 → ½, 3 → ¾);
    diminishing, because the first tie to a local master is the strongest signal."""
    n = np.maximum(np.asarray(count, dtype=np.float64), 0.0)
    return n / (n + 1.0)


def distance_value(band: np.ndarray) -> np.ndarray:
    """Distance factor in [0, 1]: band 0 → 1 … band 3 → 0; unknown (−1) → 0."""
    b = np.asarray(band, dtype=np.float64)
    return np.where(b < 0, 0.0, 1.0 - np.clip(b, 0, MAX_DISTANCE_BAND) / MAX_DISTANCE_BAND)


def percentile(values: np.ndarray) -> np.ndarray:
    """Percentile rank in (0, 1] of each known value among known values; unknown → 0.
    A rank, not the raw amount, so one giant firm does not flatten everyone else."""
    out = np.zeros(len(values))
    known = ~np.isnan(values)
    n = int(known.sum())
    if n:
        v = values[known]
        # Average rank for ties: equal revenue, equal scale value.
        order = np.sort(v)
        lo = np.searchsorted(order, v, side="left")
        hi = np.searchsorted(order, v, side="right")
        out[known] = (lo + hi + 1) / 2.0 / n
    return out


def csr_sum(values: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Row sums of a CSR vector (rows may be empty)."""
    csum = np.concatenate(([0.0], np.cumsum(values)))
    return csum[ptr[1:]] - csum[ptr[:-1]]
