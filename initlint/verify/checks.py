"""Per-parameter judgements: what each tensor's statistics say about how it was initialized."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from . import layers as L
from . import probes
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
        why = ("the model was built with NaN-filled uninitialized memory, so no init code wrote it; "
               "initialize it (nn.init.* in __init__ or the model's init entry point), or create it with "
               "torch.zeros/torch.randn instead of torch.empty"
               if nan_filled else "every value is NaN")
        return [Finding.make("INV002", info.name, f"all {st.numel} values are NaN: {why}",
                             layer_kind=kind, numel=st.numel)]
    if not st.finite:
        return [Finding.make("INV001", info.name,
                             f"{st.nonfinite_count} of {st.numel} values are NaN/inf "
                             f"({st.nan_count} NaN): an init that divides by zero, takes log/sqrt of "
                             "non-positive values, or leaves part of a torch.empty tensor unwritten",
                             layer_kind=kind,
                             nonfinite=st.nonfinite_count, nan=st.nan_count, numel=st.numel)]
    if st.max_abs is not None and st.max_abs > T.GARBAGE_ABS:
        return [Finding.make("INV003", info.name,
                             f"max |x| = {st.max_abs:.3g} (> {T.GARBAGE_ABS:g}): uninitialized memory or a "
                             "broken init (a scale applied twice, a missing division); initialize it with "
                             "nn.init.* at a standard scale", layer_kind=kind, max_abs=_g(st.max_abs), std=_g(st.std))]
    return []


def _zero_matrix(info: L.ParamInfo, st: TensorStats, ctx: L.ModelContext) -> Finding:
    name, kind = info.name, info.layer_kind
    if ctx.zero_is_residual_idiom(info.module_name):
        block = ctx.block_of(info.module_name)
        return Finding.make("INV018", name, f"all zeros inside the repeated block {block!r}, not its first "
                            "layer: zero-init of a residual branch (zero-init-last, Fixup, SkipInit); the "
                            "block starts as the identity and the branch trains from there. Fine if the "
                            "block adds a skip connection", layer_kind=kind, block=block)
    if info.role == L.MATRIX and info.module_name == ctx.head:
        return Finding.make("INV019", name, "the output layer is all zeros: the ViT/MLP-Mixer zero-init head. "
                            "Its own gradient is non-zero, so it trains from the first step; the logits "
                            "start at the bias", layer_kind=kind)
    return Finding.make("INV010", name, f"all {st.numel} values are zero: every unit computes the same thing "
                        "and no gradient reaches the layers before it; initialize it (e.g. "
                        "kaiming_uniform_/xavier_uniform_) unless it is the last layer of a residual branch",
                        layer_kind=kind)


def _gain_findings(info: L.ParamInfo, st: TensorStats, ctx: L.ModelContext) -> List[Finding]:
    g_in = st.std * math.sqrt(info.fan_in)
    g_out = st.std * math.sqrt(info.fan_out)
    lo, hi = min(g_in, g_out), max(g_in, g_out)
    numbers = dict(std=_g(st.std), fan_in=info.fan_in, fan_out=info.fan_out, gain_in=_g(g_in), gain_out=_g(g_out))
    if lo > T.GAIN_HIGH:
        code = "INV012"
        msg = (f"gain std*sqrt(fan) = {g_in:.3g} (fan_in {info.fan_in}) / {g_out:.3g} (fan_out "
               f"{info.fan_out}): far above every standard init (Kaiming/Xavier/LeCun give ~0.6-1.5); use "
               f"kaiming_/xavier_ or std~{1 / math.sqrt(info.fan_in):.3g} for this fan")
    elif hi < T.GAIN_LOW:
        code = "INV013"
        msg = (f"gain std*sqrt(fan) = {g_in:.3g} / {g_out:.3g}: far below every standard init (healthy "
               f">= 0.056); use kaiming_/xavier_ or std~{1 / math.sqrt(info.fan_in):.3g} for this fan")
    else:
        return []
    norm = ctx.followed_by_norm(info.module_name)
    if norm is not None:
        return [Finding.make("INV021", info.name, f"{msg}; harmless at init because {norm!r} normalizes "
                             "right after it (e.g. torchvision's fan_out init on depthwise convs). Look at "
                             "it if that normalization is ever removed or frozen", layer_kind=info.layer_kind,
                             norm=norm, **numbers)]
    return [Finding.make(code, info.name, msg, layer_kind=info.layer_kind, **numbers)]


def _constant_gain(info: L.ParamInfo, st: TensorStats, ctx: L.ModelContext) -> List[Finding]:
    """Gains and scales are constant by design; say which idiom it is and what to look at."""
    if not st.constant or st.min is None:
        return []
    value = st.min
    attr = info.attr.lower()
    if "logit" in attr or "temperature" in attr or (st.numel == 1 and value != 0 and "scale" in attr):
        why = (f"constant {value:.6g} (exp = {math.exp(value) if abs(value) < 50 else math.inf:.4g}): a learned "
               "logit scale / temperature (CLIP initializes log(1/0.07) = 2.66; SigLIP log(10)); fine as a "
               "starting value")
    elif value == 0:
        why = ("constant 0: a zero-initialized gate/scale (ReZero, SkipInit, zero layer scale); the branch it "
               "scales starts switched off. Fine on a residual branch; on the main path it blocks the signal")
    elif 0 < abs(value) <= 0.1:
        why = (f"constant {value:.6g}: layer scale (CaiT, ConvNeXt, DINOv2 start residual branches at "
               "1e-6..0.1 so deep stacks begin close to the identity)")
    else:
        why = f"constant {value:.6g}: a per-channel gain at its starting value"
    return [Finding.make("INV020", info.name, why, layer_kind=info.layer_kind, value=_g(value),
                         shape=list(info.param.shape))]


def check_parameter(info: L.ParamInfo, st: TensorStats, ctx: L.ModelContext, nan_filled: bool) -> List[Finding]:
    """All per-parameter findings for one unique parameter, by its role (see layers.py)."""
    out = _magnitude_findings(info, st, nan_filled)
    if out:
        return out
    kind = info.layer_kind
    name = info.name
    role = info.role
    if role in (L.MATRIX, L.EMBEDDING):
        if st.all_zero:
            return [_zero_matrix(info, st, ctx)]
        if st.constant:
            return [Finding.make("INV004", name, f"every value equals {st.min:.6g}: all units are "
                                 "identical and can never differentiate; draw it from a random init "
                                 "(kaiming_uniform_, normal_(std=0.02))", layer_kind=kind, value=_g(st.min))]
        if st.zero_fraction >= T.MOSTLY_ZERO_FRACTION:
            if role == L.MATRIX and _is_identity_pattern(info.param, st):
                return [Finding.make("INV017", name, "identity pattern (eye_/dirac_ init)",
                                     layer_kind=kind, zero_fraction=_g(st.zero_fraction))]
            out.append(Finding.make("INV011", name, f"{st.zero_fraction:.1%} of values are exactly zero "
                                    f"(healthy models: <= 0.8%, a padding row): part of the tensor was zeroed or never "
                                    "drawn; initialize the whole tensor (or use nn.init.sparse_ on purpose)", layer_kind=kind, zero_fraction=_g(st.zero_fraction),
                                    exact=st.zero_fraction_exact))
        if st.std > 0:
            ratio = abs(st.mean) / st.std
            z = ratio * math.sqrt(st.numel)
            if ratio > T.MEAN_RATIO_ERROR and z > T.MEAN_Z_MIN:
                out.append(Finding.make("INV005", name, f"|mean|/std = {ratio:.3g} (healthy <= 0.16): "
                                        "weights are shifted, e.g. uniform_(0, 1) instead of a "
                                        "zero-centred init; use a zero-mean init (uniform_(-a, a), normal_)", layer_kind=kind, mean=_g(st.mean),
                                        std=_g(st.std), mean_over_std=_g(ratio)))
    if role == L.MATRIX and st.std > 0 and info.fan_in and info.fan_out:
        out.extend(_gain_findings(info, st, ctx))
    elif role in (L.EMBEDDING, L.TOKEN, L.TABLE) and st.std > T.EMBEDDING_STD_HIGH:
        out.append(Finding.make("INV014", name, f"std {st.std:.3g}; healthy embeddings and tables span 1e-6 "
                                "to 1.0: use normal_(std=0.02) or the layer's default", layer_kind=kind,
                                std=_g(st.std)))
    if role == L.EMBEDDING:
        out.extend(_padding_row(info))
    if role == L.NORM_WEIGHT:
        out.extend(_norm(info, st, ctx))
    if role == L.GAIN:
        out.extend(_constant_gain(info, st, ctx))
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
                         "positions leak into the model and the row never trains back to zero; zero it after the custom "
                         "init (weight.data[padding_idx].zero_())",
                         layer_kind=info.layer_kind, padding_idx=int(pad), nonzero=nonzero)]


def _norm(info: L.ParamInfo, st: TensorStats, ctx: L.ModelContext) -> List[Finding]:
    """Judge what the normalization computes (probes.probe_norm); the stored weight only when the
    module cannot be probed or does not normalize."""
    probe = probes.probe_norm(info.module)
    kind = info.layer_kind
    if probe is not None and probe.normalizes:
        numbers = dict(gain=_g(probe.gain), offset=_g(probe.offset), weight_mean=_g(st.mean),
                       weight_std=_g(st.std))
        if probe.gain == 0.0 and ctx.zero_is_residual_idiom(info.module_name):
            return [Finding.make("INV018", info.name, "the normalization's gain is 0 inside the repeated block "
                                 f"{ctx.block_of(info.module_name)!r}: zero-init-last residual idiom; the "
                                 "block starts as the identity", layer_kind=kind, **numbers)]
        if abs(probe.gain - 1.0) > T.NORM_GAIN_TOL:
            stored = f"stored weight mean {st.mean:.3g}, std {st.std:.3g}"
            if probe.gain == 0.0:
                why = "the layer outputs only its bias and blocks the signal; initialize the weight to ones"
            elif abs(st.mean - 1.0) <= T.NORM_WEIGHT_TOL and st.std <= T.NORM_WEIGHT_TOL:
                why = ("the weight stores ones but the forward adds one to it ((1 + w) style, as in "
                       "Gemma): store zeros for this layer")
            elif abs(st.mean) <= T.NORM_WEIGHT_TOL and st.std <= T.NORM_WEIGHT_TOL:
                why = "the forward scales the stored zeros differently than (1 + w): check its formula"
            else:
                why = "initialize the weight so the layer starts at gain 1 (ones_ for w, zeros_ for (1 + w))"
            return [Finding.make("INV015", info.name, f"probed effective gain {probe.gain:.3g} (healthy 1.0; "
                                 f"{stored}): {why}", layer_kind=kind, **numbers)]
        if probe.offset > T.NORM_OFFSET_MAX:
            return [Finding.make("INV015", info.name, f"probed offset {probe.offset:.3g} (healthy 0): the "
                                 "normalization's bias shifts every output; initialize it to zeros",
                                 layer_kind=kind, **numbers)]
        return []
    if st.all_zero:
        if ctx.zero_is_residual_idiom(info.module_name):
            return [Finding.make("INV018", info.name, "zero norm weight inside a repeated block "
                                 "(zero-init-last residual idiom)", layer_kind=kind)]
        return [Finding.make("INV015", info.name, "norm weight is all zeros outside a residual branch: "
                             "the layer outputs only its bias; initialize it to ones", layer_kind=kind,
                             mean=0.0, std=0.0)]
    if abs(st.mean - 1.0) <= T.NORM_WEIGHT_TOL and st.std <= T.NORM_WEIGHT_TOL:
        return []
    return [Finding.make("INV015", info.name, f"norm weight mean {st.mean:.3g}, std {st.std:.3g}; expected "
                         "ones (the module could not be probed, so the stored value is judged)",
                         layer_kind=kind, mean=_g(st.mean), std=_g(st.std))]


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
    pairs: List[Tuple[L.ParamInfo, List[str]]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = infos[members[0]]
        same = [infos[j].name for j in members[1:]
                if not confirm or torch.equal(first.param.detach(), infos[j].param.detach())]
        if same:
            pairs.append((first, same))
    return _cloned_or_duplicate(pairs)


def _sibling_position(names: Sequence[str]) -> Optional[Tuple[str, str]]:
    """(stack, path inside a layer) when the names differ in exactly one path segment:
    ``layers.0.linear1.weight`` and ``layers.3.linear1.weight`` give ("layers", "linear1.weight")."""
    parts = [n.split(".") for n in names]
    if len({len(p) for p in parts}) != 1:
        return None
    differing = [i for i in range(len(parts[0])) if len({p[i] for p in parts}) > 1]
    if len(differing) != 1:
        return None
    i = differing[0]
    return ".".join(parts[0][:i]), ".".join(parts[0][i + 1:])


def _cloned_or_duplicate(pairs: Sequence[Tuple[L.ParamInfo, List[str]]]) -> List[Finding]:
    """Identical tensors at the same place in several layers of one stack, for two or more of a
    layer's tensors, mean a layer was initialized once and deep-copied; anything else is a
    duplicate (seed reset per layer, one tensor copied into another)."""
    by_stack: Dict[str, List[Tuple[L.ParamInfo, List[str], str]]] = {}
    for first, same in pairs:
        where = _sibling_position([first.name, *same])
        if where is not None:
            by_stack.setdefault(where[0], []).append((first, same, where[1]))
    out: List[Finding] = []
    cloned: set = set()
    for stack, entries in by_stack.items():
        if len(entries) < 2:
            continue
        layers = sorted({n.split(".")[len(stack.split(".")) if stack else 0]
                         for first, same, _ in entries for n in [first.name, *same]})
        inner = [path for _, _, path in entries]
        out.append(Finding.make(
            "INV007", stack or "<model>",
            f"{len(layers)} layers of {stack or 'the model'!r} are identical copies ({len(entries)} tensors "
            f"each, e.g. {', '.join(inner[:4])}): one initialized layer was deep-copied "
            "(nn.TransformerEncoder/Decoder clone their layer argument; so does copy.deepcopy in a list "
            "comprehension), so every layer starts from the same point. Build each layer inside the loop, "
            "or call each copy's reset_parameters() / your init after cloning",
            layers=layers[:20], tensors=inner[:20]))
        cloned.update(first.name for first, _, _ in entries)
    for first, same in pairs:
        if first.name in cloned:
            continue
        out.append(Finding.make("INV006", first.name, f"identical values in {', '.join(same)}: "
                                "the RNG was re-seeded per layer or one tensor was copied into "
                                "another; seed once per model, or tie them on purpose if intended",
                                layer_kind=first.layer_kind, duplicates=same))
    return out


def check_all(model: nn.Module, infos: Sequence[L.ParamInfo], stats: Sequence[TensorStats],
              nan_filled: bool) -> Tuple[List[Finding], List[Dict[str, Any]]]:
    ctx = L.model_context(model, list(infos))
    findings: List[Finding] = []
    rows: List[Dict[str, Any]] = []
    for info, st in zip(infos, stats):
        findings.extend(check_parameter(info, st, ctx, nan_filled))
        rows.append(parameter_row(info, st))
    findings.extend(duplicate_findings(infos, stats))
    return findings, rows
