"""Fast per-tensor statistics: a few vectorized passes, one device sync for a whole batch.

Measured on this CPU (25M fp32 values, 1 thread): sum 7 ms, dot 9 ms, aminmax 9 ms,
count_nonzero 16 ms, var_mean 170 ms. So the common path is chunked ``sum`` + ``dot`` (fp32
partials over 1M-element chunks, accumulated in fp64: one fp32 dot over 1.3e8 values was 0.57% off)
plus a zero count on a 16k-value sample (64 windows) for larger tensors. Exact but slower reductions (aminmax,
non-finite counts, full zero counts) run only on the rare tensors whose cheap numbers ask for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

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


def _zero_count_sampled(flat: torch.Tensor) -> "tuple[torch.Tensor, int, bool]":
    """Count zeros exactly for small tensors, on a sample for large ones.

    The sample is 64 contiguous windows spread evenly over the tensor: a strided sample with a
    small stride still touches every cache line and cost as much as a full count. A sample that
    finds any zero is followed by an exact count (see ``_finish``), so only a tensor whose zeros
    all fall between the windows is under-reported.
    """
    n = flat.numel()
    if n <= T.ZERO_COUNT_EXACT_MAX:
        return n - torch.count_nonzero(flat), n, True
    rows = 64
    row_len = n // rows
    window = min(T.ZERO_COUNT_SAMPLE // rows, row_len)
    sample = flat[: rows * row_len].view(rows, row_len)[:, :window]
    return sample.numel() - torch.count_nonzero(sample), sample.numel(), False


def _small_group_numbers(flats: Sequence[torch.Tensor]) -> torch.Tensor:
    """(k, 5) fp64 [sum, sumsq, zeros, min, max] for many small tensors in ~10 vectorized ops:
    per-tensor dispatch overhead (~300 us for a dozen tiny ops) would otherwise dominate models
    with many BatchNorm/bias vectors. The concatenation copies only small tensors."""
    cat = torch.cat([f.reshape(-1) for f in flats]).double()
    lengths = torch.tensor([f.numel() for f in flats], device=cat.device)
    seg = torch.repeat_interleave(torch.arange(len(flats), device=cat.device), lengths)
    k = len(flats)
    out = torch.zeros(k, 5, dtype=torch.float64, device=cat.device)
    out[:, 0].index_add_(0, seg, cat)
    out[:, 1].index_add_(0, seg, cat * cat)
    out[:, 2].index_add_(0, seg, (cat == 0).double())
    out[:, 3] = torch.full((k,), math.inf, dtype=torch.float64, device=cat.device).scatter_reduce(
        0, seg, cat, "amin")
    out[:, 4] = torch.full((k,), -math.inf, dtype=torch.float64, device=cat.device).scatter_reduce(
        0, seg, cat, "amax")
    return out


def tensor_stats_batch(tensors: Sequence[torch.Tensor]) -> List[TensorStats]:
    """Statistics for many tensors with a single host sync for the common path."""
    flats = [_flat_float(t) for t in tensors]
    small = [i for i, f in enumerate(flats) if 0 < f.numel() <= T.SMALL_TENSOR_MAX]
    large = [i for i, f in enumerate(flats) if f.numel() > T.SMALL_TENSOR_MAX]
    rows: List[torch.Tensor] = []
    meta: Dict[int, Tuple[int, bool]] = {}
    for i in large:
        s, sq = _partials(flats[i])
        zeros, sampled, exact = _zero_count_sampled(flats[i])
        nan = torch.tensor(math.nan, dtype=torch.float64, device=s.device)
        rows.append(torch.stack([s, sq, zeros.double(), nan, nan]))
        meta[i] = (sampled, exact)
    if small:
        rows.append(_small_group_numbers([flats[i] for i in small]))
    numbers: List[List[float]] = []
    if rows:
        numbers = torch.cat([r.reshape(-1, 5) for r in rows]).cpu().tolist()
    by_index = dict(zip(large + small, numbers))
    results: List[TensorStats] = []
    for i, flat in enumerate(flats):
        if i not in by_index:
            results.append(TensorStats(numel=0, mean=0.0, std=0.0, rms=0.0, finite=True))
            continue
        s, sq, zeros, lo, hi = by_index[i]
        sampled, exact = meta.get(i, (flat.numel(), True))
        minmax = None if i in meta else (lo, hi)
        results.append(_finish(flat, s, sq, zeros, sampled, exact, minmax))
    return results


def tensor_stats(t: torch.Tensor) -> TensorStats:
    return tensor_stats_batch([t])[0]


def _finish(flat: torch.Tensor, s: float, sq: float, zeros: float, sampled: int, exact: bool,
            minmax: Optional[Tuple[float, float]] = None) -> TensorStats:
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
    if minmax is not None:
        st.min, st.max = minmax
        if st.min == st.max:
            st.std = 0.0
    elif near_constant or zeros > 0 or st.rms > T.GARBAGE_ABS / 10:
        lo, hi = torch.aminmax(flat)
        st.min, st.max = float(lo), float(hi)
        if st.min == st.max:
            st.std = 0.0
        if not exact:  # the sample found zeros (or all values are zero): count them all
            st.zero_fraction = 1.0 - int(torch.count_nonzero(flat)) / n
            st.zero_fraction_exact = True
    return st
