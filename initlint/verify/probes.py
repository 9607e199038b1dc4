"""Functional probes: measure what a module computes instead of guessing from its stored tensors.

A normalization layer's stored weight does not say its gain: Gemma-style RMSNorms compute with
``(1 + w)`` and store zeros (healthy), and one that stores ones there has gain 2 (a real bug of
this kind shipped in a large library). So each normalization-like module is fed a controlled input
``x`` (zero mean, std 3) and ``-x`` on a copy of itself:

* it *normalizes* when its output does not change with the input's scale (``0.1 x`` gives the same
  output); only then are the numbers below judged, otherwise the stored weight is;
* a normalizer is odd in its normalized input, so ``(y(x) - y(-x)) / 2`` is the gain part and
  ``(y(x) + y(-x)) / 2`` the offset part; the effective gain is the RMS of the gain part (1.0 for
  a healthy LayerNorm, RMSNorm, GroupNorm or train-mode BatchNorm) and the offset the RMS of the
  offset part (0.0 when healthy).

Activations and dropout inside norm+act modules (timm's BatchNormAct2d) are replaced by identity on
the copy, so the probe sees the normalization alone. The probe runs under ``no_grad`` on a
deep copy in train mode (batch statistics): the model and its running statistics are untouched.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch
from torch import nn

from .propagation import first_tensor

_SCALE_INVARIANCE_TOL = 0.05


@dataclass
class NormProbe:
    """What a normalization module computes at init."""

    gain: float
    offset: float
    normalizes: bool
    input_shape: Tuple[int, ...]


def _width(module: nn.Module) -> Optional[int]:
    for attr in ("num_features", "num_channels", "hidden_size", "dim"):
        value = getattr(module, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    w = getattr(module, "weight", None)
    if isinstance(w, torch.Tensor) and w.dim() >= 1:
        return int(w.shape[0])
    return None


def _candidate_shapes(module: nn.Module) -> List[Tuple[int, ...]]:
    shape = getattr(module, "normalized_shape", None)
    first: List[Tuple[int, ...]] = []
    if isinstance(shape, (tuple, list)) and shape and all(isinstance(d, int) for d in shape):
        if len(shape) > 1:
            return [(8, 4, *shape)]
        first = [(8, 4, *shape)]
    c = _width(module)
    if c is None or c < 2:
        return []
    # channels last (LayerNorm/RMSNorm-like), channels first (BatchNorm/GroupNorm/LayerNorm2d).
    rest = [(8, 4, c), (8, c, 4, 4), (16, c), (8, c, 6), (8, 4, 4, c), (8, c, 2, 2, 2)]
    return first + [s for s in rest if s not in first]


def _strip_activations(module: nn.Module) -> None:
    """Replace parameter-free children (activation, dropout, drop path) with identity."""
    for name, child in list(module.named_children()):
        if not any(True for _ in child.parameters()) and not any(True for _ in child.buffers()):
            setattr(module, name, nn.Identity())
        else:
            _strip_activations(child)


def _rms(t: torch.Tensor) -> float:
    t = t.detach().double()
    return float(t.pow(2).mean().sqrt()) if t.numel() else 0.0


def probe_norm(module: nn.Module, seed: int = 0) -> Optional[NormProbe]:
    """Effective gain and offset of a normalization-like module; None when no input shape that
    the module accepts could be found (the caller then judges the stored weight)."""
    params = list(module.parameters())
    if not params or any(p.is_meta for p in params):
        return None
    p0 = params[0]
    if not all(torch.isfinite(p).all() for p in params):
        return None  # non-finite parameters are reported on their own
    try:
        probe = copy.deepcopy(module)
    except Exception:  # noqa: BLE001 - user modules may refuse to be copied
        return None
    _strip_activations(probe)
    probe.train()
    gen = torch.Generator(device="cpu").manual_seed(seed + 104729)
    dtype = p0.dtype if p0.is_floating_point() else torch.float32
    for shape in _candidate_shapes(module):
        x = (torch.randn(shape, generator=gen, dtype=torch.float32) * 3.0).to(device=p0.device, dtype=dtype)
        try:
            with torch.no_grad():
                y_pos = first_tensor(probe(x))
                y_neg = first_tensor(probe(-x))
                y_small = first_tensor(probe(0.1 * x))
        except Exception:  # noqa: BLE001 - wrong layout for this module: try the next shape
            continue
        if not all(isinstance(y, torch.Tensor) and y.shape == x.shape for y in (y_pos, y_neg, y_small)):
            continue
        out = _rms(y_pos)
        if not math.isfinite(out):
            return None
        normalizes = out > 0 and _rms(y_pos - y_small) <= _SCALE_INVARIANCE_TOL * out
        if out == 0:
            normalizes = _rms(y_small) == 0  # zero gain and zero offset: scale-invariant too
        gain = _rms((y_pos - y_neg) / 2)
        offset = _rms((y_pos + y_neg) / 2)
        return NormProbe(gain=gain, offset=offset, normalizes=normalizes, input_shape=tuple(shape))
    return None
