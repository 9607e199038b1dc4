"""Per-parameter judgements: what each tensor's statistics say about how it was initialized."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from . import layers as L
from . import thresholds as T
from .findings import Finding
from .stats import TensorStats


def _g(x: Optional[float]) -> Optional[float]:
    return None if x is None or not math.isfinite(x) else float(f"{x:.6g}")


def parameter_row(info: L.ParamInfo, st: TensorStats) -> Dict[str, Any]:
    """The per-parameter record shown in tables and JSON."""
    g_in = st.std * math.sqrt(info.fan_in) if info.fan_in and st.finite else None
    g_out = st.std * math.sqrt(info.fan_out) if info.fan_out and st.finite else None
    return {
        "name": info.name,
        "layer_kind": info.layer_kind,
        "role": info.role,
        "shape": list(info.param.shape),
        "dtype": str(info.param.dtype).replace("torch.", ""),
        "numel": st.numel,
        "mean": _g(st.mean),
        "std": _g(st.std),
        "fan_in": info.fan_in,
        "fan_out": info.fan_out,
        "gain_in": _g(g_in),
        "gain_out": _g(g_out),
        "zero_fraction": _g(st.zero_fraction),
        "finite": st.finite,
        "aliases": list(info.aliases),
    }


def _zero_is_residual_idiom(info: L.ParamInfo, first_in_block: Dict[str, str]) -> bool:
    """Zero init is an idiom (zero-init-last, Fixup, SkipInit) when it sits inside a repeated block
    and is not the block's first weighted layer; a zeroed entry layer or head has no such excuse."""
    block = L.repeated_block_of(info.module_name)
    if block is None or block == info.module_name:
        return False
    return first_in_block.get(block) != info.module_name


def _is_identity_pattern(p: torch.Tensor, st: TensorStats) -> bool:
    """eye_/dirac_: at most one non-zero per output row, all equal (cheap: only run when mostly zero)."""
    if p.dim() < 2 or st.min is None:
        return False
    flat = p.detach().reshape(p.shape[0], -1)
    nz = flat != 0
    per_row = nz.sum(dim=1)
    if int(per_row.max()) > 1:
        return False
    values = flat[nz]
    return values.numel() > 0 and bool((values == values[0]).all())


def _magnitude_findings(info: L.ParamInfo, st: TensorStats, nan_filled: bool) -> List[Finding]:
    kind = info.layer_kind
    if st.all_nan:
        why = ("the model was built with NaN-filled uninitialized memory, so no init code wrote it"
               if nan_filled else "every value is NaN")
        return [Finding.make("INV002", info.name, f"all {st.numel} values are NaN: {why}",
                             layer_kind=kind, numel=st.numel)]
    if not st.finite:
        return [Finding.make("INV001", info.name,
                             f"{st.nonfinite_count} of {st.numel} values are NaN/inf "
                             f"({st.nan_count} NaN)", layer_kind=kind,
                             nonfinite=st.nonfinite_count, nan=st.nan_count, numel=st.numel)]
    if st.max_abs is not None and st.max_abs > T.GARBAGE_ABS:
        return [Finding.make("INV003", info.name,
                             f"max |x| = {st.max_abs:.3g} (> {T.GARBAGE_ABS:g}): uninitialized memory or a "
                             f"broken init", layer_kind=kind, max_abs=_g(st.max_abs), std=_g(st.std))]
    return []


def check_parameter(info: L.ParamInfo, st: TensorStats, first_in_block: Dict[str, str],
                    nan_filled: bool) -> List[Finding]:
    """All per-parameter findings for one unique parameter."""
    out = _magnitude_findings(info, st, nan_filled)
    if out:
        return out
    kind = info.layer_kind
    name = info.name
    role = info.role
    if role in (L.MATRIX, L.EMBEDDING):
        if st.all_zero:
            if _zero_is_residual_idiom(info, first_in_block):
                return [Finding.make("INV018", name, "all zeros inside a repeated block (zero-init of "
                                     "a residual branch); fine if the block adds a skip connection",
                                     layer_kind=kind)]
            return [Finding.make("INV010", name, f"all {st.numel} values are zero: every unit computes the "
                                 "same thing and gradients through it vanish", layer_kind=kind)]
        if st.constant:
            return [Finding.make("INV004", name, f"every value equals {st.min:.6g}: all units are "
                                 "identical and can never differentiate", layer_kind=kind,
                                 value=_g(st.min))]
        if st.zero_fraction >= T.MOSTLY_ZERO_FRACTION:
            if role == L.MATRIX and _is_identity_pattern(info.param, st):
                return [Finding.make("INV017", name, "identity pattern (eye_/dirac_ init)",
                                     layer_kind=kind, zero_fraction=_g(st.zero_fraction))]
            out.append(Finding.make("INV011", name, f"{st.zero_fraction:.1%} of values are exactly zero "
                                    f"(healthy models: <= 0.1%)", layer_kind=kind,
                                    zero_fraction=_g(st.zero_fraction),
                                    exact=st.zero_fraction_exact))
        if st.std > 0:
            ratio = abs(st.mean) / st.std
            z = ratio * math.sqrt(st.numel)
            if ratio > T.MEAN_RATIO_ERROR and z > T.MEAN_Z_MIN:
                out.append(Finding.make("INV005", name, f"|mean|/std = {ratio:.3g} (healthy <= 0.11): "
                                        "weights are shifted, e.g. uniform_(0, 1) instead of a "
                                        "zero-centred init", layer_kind=kind, mean=_g(st.mean),
                                        std=_g(st.std), mean_over_std=_g(ratio)))
    if role == L.MATRIX and st.std > 0 and info.fan_in and info.fan_out:
        g_in = st.std * math.sqrt(info.fan_in)
        g_out = st.std * math.sqrt(info.fan_out)
        lo, hi = min(g_in, g_out), max(g_in, g_out)
        numbers = dict(std=_g(st.std), fan_in=info.fan_in, fan_out=info.fan_out,
                       gain_in=_g(g_in), gain_out=_g(g_out))
        if lo > T.GAIN_HIGH:
            out.append(Finding.make("INV012", name, f"gain std*sqrt(fan) = {g_in:.3g} (fan_in "
                                    f"{info.fan_in}) / {g_out:.3g} (fan_out {info.fan_out}); "
                                    f"Kaiming/Xavier/LeCun give ~0.6-1.5, std~{1 / math.sqrt(info.fan_in):.3g} "
                                    "for this fan", layer_kind=kind, **numbers))
        elif hi < T.GAIN_LOW:
            out.append(Finding.make("INV013", name, f"gain std*sqrt(fan) = {g_in:.3g} / {g_out:.3g}: "
                                    f"far below every standard init (healthy >= 0.11)",
                                    layer_kind=kind, **numbers))
    elif role in (L.EMBEDDING, L.TOKEN) and st.std > T.EMBEDDING_STD_HIGH:
        out.append(Finding.make("INV014", name, f"std {st.std:.3g}; healthy embeddings span 1e-6 to 1.0",
                                layer_kind=kind, std=_g(st.std)))
    if role == L.EMBEDDING:
        out.extend(_padding_row(info))
    if role == L.NORM_WEIGHT:
        out.extend(_norm_weight(info, st, first_in_block))
    return out


def _padding_row(info: L.ParamInfo) -> List[Finding]:
    pad = getattr(info.module, "padding_idx", None)
    if pad is None:
        return []
    row = info.param.detach()[pad]
    nonzero = int(torch.count_nonzero(row))
    if nonzero == 0:
        return []
    return [Finding.make("INV016", info.name, f"padding row {pad} has {nonzero} non-zero values: padded "
                         "positions leak into the model and the row never trains back to zero",
                         layer_kind=info.layer_kind, padding_idx=int(pad), nonzero=nonzero)]


def _norm_weight(info: L.ParamInfo, st: TensorStats, first_in_block: Dict[str, str]) -> List[Finding]:
    if st.all_zero:
        if _zero_is_residual_idiom(info, first_in_block):
            return [Finding.make("INV018", info.name, "zero norm weight inside a repeated block "
                                 "(zero-init-last residual idiom)", layer_kind=info.layer_kind)]
        return [Finding.make("INV015", info.name, "norm weight is all zeros outside a residual branch: "
                             "the layer outputs only its bias", layer_kind=info.layer_kind,
                             mean=0.0, std=0.0)]
    if abs(st.mean - 1.0) <= T.NORM_WEIGHT_TOL and st.std <= T.NORM_WEIGHT_TOL:
        return []
    return [Finding.make("INV015", info.name, f"norm weight mean {st.mean:.3g}, std {st.std:.3g}; "
                         "expected ones", layer_kind=info.layer_kind, mean=_g(st.mean), std=_g(st.std))]


def duplicate_findings(infos: Sequence[L.ParamInfo], stats: Sequence[TensorStats], *,
                       confirm: bool = True) -> List[Finding]:
    """Distinct parameters with identical non-constant contents: a cheap key (shape, fp64 sum and
    sum of squares), then torch.equal. ``confirm=False`` (streaming: the values are gone) trusts
    the key alone."""
    groups: Dict[Tuple[Any, ...], List[int]] = {}
    for i, (info, st) in enumerate(zip(infos, stats)):
        if (info.role not in (L.MATRIX, L.EMBEDDING, L.TOKEN) or not st.finite or st.std == 0
                or st.numel < T.DUPLICATE_MIN_NUMEL):
            continue
        key = (tuple(info.param.shape), info.param.dtype, st.sum, st.sumsq)
        groups.setdefault(key, []).append(i)
    out: List[Finding] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = infos[members[0]]
        same = [infos[j].name for j in members[1:]
                if not confirm or torch.equal(first.param.detach(), infos[j].param.detach())]
        if same:
            out.append(Finding.make("INV006", first.name, f"identical values in {', '.join(same)}: "
                                    "the RNG was re-seeded per layer or one tensor was copied into "
                                    "another (tie them on purpose if intended)",
                                    layer_kind=first.layer_kind, duplicates=same))
    return out


def check_all(model: nn.Module, infos: Sequence[L.ParamInfo], stats: Sequence[TensorStats],
              nan_filled: bool) -> Tuple[List[Finding], List[Dict[str, Any]]]:
    first_in_block = L.first_parameterized_in_block(model)
    findings: List[Finding] = []
    rows: List[Dict[str, Any]] = []
    for info, st in zip(infos, stats):
        findings.extend(check_parameter(info, st, first_in_block, nan_filled))
        rows.append(parameter_row(info, st))
    findings.extend(duplicate_findings(infos, stats))
    return findings, rows
