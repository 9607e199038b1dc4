"""Fast per-tensor statistics: a few vectorized passes, one device sync for a whole batch.

Measured on this CPU (25M fp32 values, 1 thread): sum 7 ms, dot 9 ms, aminmax 9 ms,
count_nonzero 16 ms, var_mean 170 ms. So the common path is chunked ``sum`` + ``dot`` (fp32
partials over 1M-element chunks, accumulated in fp64: one fp32 dot over 1.3e8 values was 0.57% off)
plus a zero count on a strided sample for large tensors. Exact but slower reductions (aminmax,
non-finite counts, full zero counts) run only on the rare tensors whose cheap numbers ask for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence

import torch

from . import thresholds as T


@dataclass
class TensorStats:
    """Summary numbers of one tensor; ``std`` is the population std around the mean."""

    numel: int
    mean: float
    std: float
    rms: float
    finite: bool
    nonfinite_count: int = 0
    nan_count: int = 0
    zero_fraction: float = 0.0
    zero_fraction_exact: bool = True
    min: Optional[float] = None
    max: Optional[float] = None
    sum: float = 0.0
    sumsq: float = 0.0

    @property
    def all_nan(self) -> bool:
        return self.numel > 0 and self.nan_count == self.numel

    @property
    def all_zero(self) -> bool:
        return self.finite and self.sumsq == 0.0 and self.zero_fraction == 1.0

    @property
    def constant(self) -> bool:
        return self.min is not None and self.min == self.max

    @property
    def max_abs(self) -> Optional[float]:
        if self.min is None or self.max is None:
            return None
        return max(abs(self.min), abs(self.max))


def _flat_float(t: torch.Tensor) -> torch.Tensor:
    flat = t.detach().reshape(-1)
    return flat if flat.dtype in (torch.float32, torch.float64) else flat.float()


def _partials(flat: torch.Tensor) -> "tuple[torch.Tensor, torch.Tensor]":
    """fp64 sum and sum of squares from fp32 per-chunk partials; no device sync."""
    if flat.numel() <= T.CHUNK_ELEMENTS:
        chunks: Sequence[torch.Tensor] = (flat,)
    else:
        chunks = flat.split(T.CHUNK_ELEMENTS)
    sums = torch.stack([c.sum() for c in chunks]).double().sum()
    sqs = torch.stack([torch.dot(c, c) for c in chunks]).double().sum()
    return sums, sqs


def _zero_count_sampled(flat: torch.Tensor, last_dim: int) -> "tuple[torch.Tensor, int, bool]":
    """Count zeros exactly for small tensors, on a strided sample for large ones.

    The stride is chosen coprime with the last dimension so the sample walks across columns
    instead of repeatedly hitting the same one.
    """
    n = flat.numel()
    if n <= T.ZERO_COUNT_EXACT_MAX:
        return n - torch.count_nonzero(flat), n, True
    stride = max(1, n // T.ZERO_COUNT_SAMPLE)
    while last_dim > 1 and math.gcd(stride, last_dim) != 1:
        stride += 1
    sample = flat[::stride]
    return sample.numel() - torch.count_nonzero(sample), sample.numel(), False


def tensor_stats_batch(tensors: Sequence[torch.Tensor]) -> List[TensorStats]:
    """Statistics for many tensors with a single host sync for the common path."""
    flats = [_flat_float(t) for t in tensors]
    pending = []
    for t, flat in zip(tensors, flats):
        if flat.numel() == 0:
            pending.append(None)
            continue
        s, sq = _partials(flat)
        zeros, sampled, exact = _zero_count_sampled(flat, t.shape[-1] if t.dim() else 1)
        pending.append((s, sq, zeros.double(), sampled, exact))
    live = [p for p in pending if p is not None]
    if live:
        numbers = torch.stack([torch.stack([p[0], p[1], p[2]]) for p in live]).cpu().tolist()
    else:
        numbers = []
    results: List[TensorStats] = []
    it = iter(numbers)
    for flat, p in zip(flats, pending):
        if p is None:
            results.append(TensorStats(numel=0, mean=0.0, std=0.0, rms=0.0, finite=True))
            continue
        s, sq, zeros = next(it)
        results.append(_finish(flat, s, sq, zeros, p[3], p[4]))
    return results


def tensor_stats(t: torch.Tensor) -> TensorStats:
    return tensor_stats_batch([t])[0]


def _finish(flat: torch.Tensor, s: float, sq: float, zeros: float, sampled: int,
            exact: bool) -> TensorStats:
    n = flat.numel()
    finite = math.isfinite(s) and math.isfinite(sq)
    if not finite and bool(torch.isfinite(flat).all()):
        # Finite values whose fp32 squares overflow (|x| > ~1e19): redo the sums in fp64.
        wide = flat.double()
        s, sq = float(wide.sum()), float(torch.dot(wide, wide))
        finite = math.isfinite(s) and math.isfinite(sq)
    if not finite:
        # Rare path: count exactly what is broken, and summarize only the finite part.
        nan_count = int(torch.isnan(flat).sum())
        nonfinite = int((~torch.isfinite(flat)).sum())
        good = flat[torch.isfinite(flat)]
        st = TensorStats(numel=n, mean=float("nan"), std=float("nan"), rms=float("nan"),
                         finite=False, nonfinite_count=nonfinite, nan_count=nan_count)
        if good.numel():
            g = good.double()
            st.mean = float(g.mean())
            st.std = float(g.std(unbiased=False)) if g.numel() > 1 else 0.0
            lo, hi = torch.aminmax(good)
            st.min, st.max = float(lo), float(hi)
        return st
    mean = s / n
    var = max(sq / n - mean * mean, 0.0)
    std = math.sqrt(var)
    st = TensorStats(numel=n, mean=mean, std=std, rms=math.sqrt(sq / n), finite=True,
                     zero_fraction=zeros / sampled, zero_fraction_exact=exact, sum=s, sumsq=sq)
    # min/max cost one more read; we need them for constant and magnitude decisions only when the
    # cheap numbers cannot settle it: (near-)constant tensors, tensors with zeros, or big values.
    near_constant = std <= 1e-3 * abs(mean) or sq == 0.0
    if near_constant or zeros > 0 or st.rms > T.GARBAGE_ABS / 10 or n <= 4096:
        lo, hi = torch.aminmax(flat)
        st.min, st.max = float(lo), float(hi)
        if st.min == st.max:
            st.std = 0.0
        if sq == 0.0 and not exact:
            st.zero_fraction = 1.0 - int(torch.count_nonzero(flat)) / n
            st.zero_fraction_exact = True
    return st
