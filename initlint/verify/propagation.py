"""Signal propagation at initialization: one forward + backward pass with light hooks.

Weight statistics miss what depth does (Xavier on ReLU at depth 50 is g = 1.0 per layer yet the
activations shrink to ~1e-7). Three signals are needed, measured before this code existed:
bias-free ReLU nets lose activations but keep balanced gradients; default-init deep nets keep
activations alive through biases but lose input sensitivity and gradients. So we measure all three.

Cost: a hook computes one ``vector_norm`` of its output and keeps the 0-d tensor; nothing is copied
and nothing syncs until one ``stack`` at the end.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
from torch import nn

from . import layers as L
from . import thresholds as T
from .findings import Finding

TRAIN = "train"  # BatchNorm uses batch statistics, dropout and stochastic depth are off
EVAL = "eval"


def norm_of(t: torch.Tensor) -> torch.Tensor:
    """L2 norm accumulated in at least fp32 (fp16/bf16 overflow) and in fp64 for fp64 tensors
    (``vector_norm`` refuses to accumulate a float64 tensor in float32)."""
    return torch.linalg.vector_norm(t.detach(), dtype=torch.float64 if t.dtype == torch.float64 else torch.float32)


def first_tensor(value: Any) -> Optional[torch.Tensor]:
    """The main tensor of a module output: a tensor, the first of a tuple, a dict's logits."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("logits"), torch.Tensor):
            return value["logits"]
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            found = first_tensor(item)
            if found is not None:
                return found
    return None


def make_input(model: nn.Module, shape: Sequence[int], device: torch.device,
               dtype: torch.dtype) -> torch.Tensor:
    """Random input of the given shape: token ids when the model starts with an embedding (or, for
    Hugging Face models, when its ``main_input_name`` is ``input_ids``)."""
    if getattr(model, "main_input_name", None) == "input_ids" and hasattr(model, "get_input_embeddings"):
        emb = model.get_input_embeddings()
        if isinstance(emb, (nn.Embedding, nn.EmbeddingBag)):
            return torch.randint(0, emb.num_embeddings, tuple(shape), device=device)
    for module in model.modules():
        if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
            return torch.randint(0, module.num_embeddings, tuple(shape), device=device)
        if any(True for _ in module.parameters(recurse=False)):
            break
    return torch.randn(tuple(shape), device=device, dtype=dtype)


def repeated_blocks(model: nn.Module) -> List[str]:
    """Innermost indexed modules (h.3, layer1.0, blocks.2.1, a Sequential's 4) that have siblings
    of their own class: the units that repeat along depth. Empty when nothing repeats."""
    modules = dict(model.named_modules())
    names = []
    for n, m in modules.items():
        if not n or not n.split(".")[-1].isdigit():
            continue
        parent = modules.get(n.rpartition(".")[0])
        if parent is None:
            continue
        # Repeated means siblings of the same class: a ConvNeXt stem (conv, norm) is not a block.
        if sum(1 for c in parent.children() if type(c) is type(m)) >= 2:
            names.append(n)
    inner = []
    for n in names:
        if not any(other.startswith(n + ".") for other in names):
            inner.append(n)
    return inner


class _Recorder:
    """Forward hooks that record the output norm of each call, in call order."""

    def __init__(self, profile_units: Set[str]) -> None:
        self.calls: List[Tuple[str, torch.Tensor, int]] = []
        # Gradient w.r.t. each profile unit's output, by forward call (filled during backward).
        self.grad_calls: List[Tuple[str, int]] = []
        self.grad_norms: Dict[int, torch.Tensor] = {}
        self.profile_units = profile_units
        self.enabled = True

    def hook(self, name: str):
        def _fn(module: nn.Module, args: Any, output: Any) -> None:
            if not self.enabled:
                return
            out = first_tensor(output)
            if out is None or not out.is_floating_point() or out.numel() == 0:
                return
            norm = norm_of(out)
            self.calls.append((name, norm, out.numel()))
            if name in self.profile_units and out.requires_grad:
                slot = len(self.grad_calls)
                self.grad_calls.append((name, out.numel()))
                out.register_hook(self._grad_hook(slot))
        return _fn

    def _grad_hook(self, slot: int):
        def _fn(grad: torch.Tensor) -> None:
            self.grad_norms[slot] = norm_of(grad)
        return _fn

    def output_gradients(self) -> List[Tuple[str, float]]:
        """RMS of dL/d(output) per profile-unit call, in forward order (one sync)."""
        slots = [i for i in range(len(self.grad_calls)) if i in self.grad_norms]
        if not slots:
            return []
        values = torch.stack([self.grad_norms[i] for i in slots]).cpu().tolist()
        return [(self.grad_calls[i][0], _rms(v, self.grad_calls[i][1])) for i, v in zip(slots, values)]


def _set_mode(model: nn.Module, mode: str) -> Dict[nn.Module, bool]:
    previous = {m: m.training for m in model.modules()}
    model.eval()
    if mode == TRAIN:
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.train()
    return previous


def _snapshot_buffers(model: nn.Module) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    """Train-mode BatchNorm updates running stats; keep copies (small) to put them back."""
    saved = []
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            for b in m.buffers(recurse=False):
                saved.append((b, b.detach().clone()))
    return saved


def _rms(norm: float, numel: int) -> float:
    return norm / math.sqrt(numel) if numel else 0.0


Example = Union[torch.Tensor, Tuple[Any, ...], Dict[str, Any]]


def _call(model: nn.Module, example: Example) -> Any:
    """A tensor is the single argument, a tuple the positional arguments, a dict the keywords."""
    if isinstance(example, dict):
        return model(**example)
    if isinstance(example, tuple):
        return model(*example)
    return model(example)


def _example_device(example: Example) -> torch.device:
    found = first_tensor(example)
    return found.device if found is not None else torch.device("cpu")


def measure(model: nn.Module, example: Example, *, mode: str = TRAIN, seed: int = 0,
            explained_modules: Optional[Set[str]] = None,
            zero_head: Optional[str] = None,
            params_nonfinite: bool = False) -> Tuple[List[Finding], Dict[str, Any]]:
    """Run forward/backward on ``example`` and judge propagation; the model is left as found."""
    explained_modules = explained_modules or set()
    # A zero-init head (INV019) makes the logits exactly zero by design: input sensitivity and
    # "output all zero" are then judged on the features the head receives.
    head_inputs: List[torch.Tensor] = []
    blocks = repeated_blocks(model)
    block_set = set(blocks)
    leaves = dict(L.iter_leaf_modules(model))
    weighted = {n for n, m in leaves.items() if any(True for _ in m.parameters(recurse=False))}
    recorder = _Recorder(block_set if blocks else weighted)
    handles = []
    for name, module in model.named_modules():
        if name in block_set or name in leaves:
            handles.append(module.register_forward_hook(recorder.hook(name or "<root>")))
    if zero_head is not None:
        def _capture(module: nn.Module, args: Any, output: Any) -> None:
            found = first_tensor(args)
            if found is not None:
                head_inputs.append(found.detach())
        handles.append(model.get_submodule(zero_head).register_forward_hook(_capture))
    previous_modes = _set_mode(model, mode)
    saved_buffers = _snapshot_buffers(model)
    params = [p for p in model.parameters()]
    saved_grads = [p.grad for p in params]
    for p in params:
        p.grad = None
    try:
        device = _example_device(example)
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed + 7919)  # not the seed that drew `example`: an independent input
            second = make_like(example)
            output = first_tensor(_call(model, example))
            if output is None:
                raise ValueError("the model's forward returned no tensor to measure")
            recorder.enabled = False
            grad_ok = output.requires_grad
            if grad_ok:
                output.backward(torch.randn_like(output))
            with torch.no_grad():
                other = first_tensor(_call(model, second))
        grads = _param_grads(model)
        features = head_inputs[:2] if len(head_inputs) >= 2 else None
        findings, profile = _judge(model, recorder, blocks, leaves, output.detach(), other,
                                   grads, grad_ok, mode, explained_modules, features,
                                   params_nonfinite, exclude={zero_head} if zero_head else set())
    finally:
        for h in handles:
            h.remove()
        for m, was in previous_modes.items():
            m.training = was
        with torch.no_grad():
            for buf, copy in saved_buffers:
                buf.copy_(copy)
        for p, g in zip(params, saved_grads):
            p.grad = g
    return findings, profile


def make_like(example: Example) -> Example:
    """An independent input from the same distribution, to measure input sensitivity. In tuples and
    dicts, float tensors and token ids are redrawn; masks (bool, or ids of only 0/1) and non-tensors
    are kept."""
    if isinstance(example, dict):
        return {k: make_like(v) for k, v in example.items()}
    if isinstance(example, tuple):
        return tuple(make_like(v) for v in example)
    if not isinstance(example, torch.Tensor) or example.dtype == torch.bool or example.numel() == 0:
        return example
    if example.is_floating_point():
        return torch.randn_like(example) * example.std() + example.mean()
    hi = int(example.max()) + 1
    if hi <= 2 and int(example.min()) >= 0:
        return example  # an attention mask, not token ids
    return torch.randint_like(example, 0, hi)


def _param_grads(model: nn.Module) -> Dict[str, Tuple[float, int]]:
    """Sum of squared weight-matrix gradients and element count per module (one sync).

    Only matrices (dim >= 2) count: norm and bias gradients are sums over batch and positions and
    would dominate. Embeddings are left out (sparse rows); a tied output head counts under its own
    module. Matrices whose gradient is exactly zero are left out too: zero-init-last blocks have
    all-zero branch gradients at init by design (ResNet-50: 48 of 54 matrices), and they revive
    after one step; non-finite gradients are kept so they can be reported."""
    owners: List[str] = []
    sq: List[torch.Tensor] = []
    counts: List[int] = []
    seen: Set[int] = set()
    for name, module in model.named_modules():
        if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
            continue  # sparse by nature: only the rows of the sampled tokens get gradient
        for p in module.parameters(recurse=False):
            if id(p) in seen or p.grad is None or p.dim() < 2:
                continue
            seen.add(id(p))
            owners.append(name)
            sq.append(norm_of(p.grad).double() ** 2)
            counts.append(p.numel())
    result: Dict[str, Tuple[float, int]] = {}
    if sq:
        for name, value, n in zip(owners, torch.stack(sq).cpu().tolist(), counts):
            if value == 0.0:
                continue
            s, c = result.get(name, (0.0, 0))
            result[name] = (s + value, c + n)
    return result


def _block_of(module_name: str, blocks: Sequence[str]) -> Optional[str]:
    for b in blocks:
        if module_name == b or module_name.startswith(b + "."):
            return b
    return None


def _judge(model: nn.Module, recorder: _Recorder, blocks: List[str],
           leaves: Dict[str, nn.Module], output: torch.Tensor, other: Optional[torch.Tensor],
           grads: Dict[str, Tuple[float, int]], grad_ok: bool, mode: str,
           explained_modules: Set[str], features: Optional[List[torch.Tensor]],
           params_nonfinite: bool, exclude: Set[str]) -> Tuple[List[Finding], Dict[str, Any]]:
    """Turn the recorded norms into findings. Non-finite activations and gradients are not reported
    again when a non-finite parameter (already a finding) explains them."""
    calls = recorder.calls
    norms = torch.stack([c[1] for c in calls]).cpu().tolist() if calls else []
    records = [(name, norm, n) for (name, _, n), norm in zip(calls, norms)]
    findings: List[Finding] = []
    block_set = set(blocks)
    weighted = {n for n, m in leaves.items() if any(True for _ in m.parameters(recurse=False))}

    # Depth profile: repeated blocks when the model has them, else layers with weights.
    profile_names = (block_set if blocks else weighted) - exclude  # a zero-init head is zero by design
    profile = [(n, _rms(v, c)) for n, v, c in records if n in profile_names]
    if blocks and not profile:  # blocks whose forward is never called (layers["mixer"](x) on a ModuleDict)
        blocks, block_set = [], set()
        profile = [(n, _rms(v, c)) for n, v, c in records if n in weighted - exclude]
    layers = [{"name": n, "rms": _f(_rms(v, c)), "kind": type(leaves[n]).__name__ if n in leaves else "block"}
              for n, v, c in records if n in leaves]

    # Depth first: a collapse or explosion along depth explains the zeros, infinities and output
    # scale that follow from it, so those are not reported again as separate findings.
    act_ratio = None
    depth_findings: List[Finding] = []
    finite_profile = [(n, r) for n, r in profile if math.isfinite(r)]
    if len(finite_profile) >= 3 and finite_profile[0][1] > 0:
        act_ratio = finite_profile[-1][1] / finite_profile[0][1]
        depth_findings = _ratio_findings(act_ratio, "INV032", "INV033", "activation RMS last/first",
                                         T.ACT_RATIO_LOW_WARN, T.ACT_RATIO_LOW_ERROR,
                                         T.ACT_RATIO_HIGH_WARN, T.ACT_RATIO_HIGH_ERROR,
                                         finite_profile[0][0], finite_profile[-1][0], T.HEALTHY_ACT_RATIO)
    findings.extend(depth_findings)
    exploded = any(f.code == "INV033" and f.severity == "error" for f in depth_findings)
    vanished = any(f.code == "INV032" and f.severity == "error" for f in depth_findings)

    nonfinite = [n for n, v, _ in records if not math.isfinite(v)]
    if nonfinite and exploded:
        depth_findings[-1].message += f"; activations overflow to inf at {nonfinite[0]!r}"
    elif nonfinite and not params_nonfinite:
        findings.append(Finding.make("INV030", nonfinite[0], f"first non-finite activation at "
                                     f"{nonfinite[0]} ({len(nonfinite)} calls affected)",
                                     count=len(nonfinite)))
    dead = [n for n, v, _ in records if n in leaves and v == 0.0]
    if (dead and not vanished and dead[0] not in explained_modules
            and not any(e and dead[0].startswith(e + ".") for e in explained_modules)):
        findings.append(Finding.make("INV037", dead[0], f"{len(dead)} layer call(s) output exactly zero, "
                                     f"first {dead[0]}: " + ", ".join(dead[:5]), count=len(dead),
                                     layers=dead[:20]))

    logits = features is None
    if features is not None:
        output, other = features[0], features[1]
    out_rms = _rms(float(torch.linalg.vector_norm(output.float())), output.numel())
    sensitivity: Optional[float] = None
    if math.isfinite(out_rms) and out_rms == 0.0:
        if vanished:
            depth_findings[-1].message += "; the output underflows to exactly zero"
        else:
            findings.append(Finding.make("INV038", "<model>", "the output is exactly zero for a random input: a "
                                         "zeroed final norm or projection blocks the signal (see the weight "
                                         "findings); initialize norm weights to ones and the output layer randomly"))
    elif math.isfinite(out_rms):
        if other is not None and other.shape == output.shape:
            diff = _rms(float(torch.linalg.vector_norm((output - other).float())), output.numel())
            sensitivity = diff / out_rms
            if sensitivity < T.SENSITIVITY_WARN and not vanished:
                sev = "error" if sensitivity < T.SENSITIVITY_ERROR else "warning"
                findings.append(Finding.make("INV036", "<model>", f"two independent inputs give outputs "
                                             f"that differ by {sensitivity:.3g} of their RMS (healthy >= "
                                             "0.058): the signal from the input does not survive depth; use "
                                             "kaiming_/xavier_ matched to the activation instead of the "
                                             "default or a fixed small std, or add normalization",
                                             severity=sev, sensitivity=_f(sensitivity)))
        if out_rms > T.OUTPUT_RMS_WARN and not exploded and logits:
            findings.append(Finding.make("INV039", "<model>", f"output RMS {out_rms:.3g} (healthy logits "
                                         "<= 2.9): an over-scaled head, or an N(0,1) embedding tied to the "
                                         "output head (draw it with normal_(std=0.02) or scale the logits)",
                                         output_rms=_f(out_rms)))

    grad_blocks = _block_grads(grads, blocks, records)
    bad_grads = [b for b, r in grad_blocks if not math.isfinite(r)]
    if bad_grads and not params_nonfinite and not exploded:
        findings.append(Finding.make("INV031", bad_grads[0], f"non-finite gradient in {bad_grads[0]} "
                                     f"({len(bad_grads)} blocks)", count=len(bad_grads)))
    # Gradient along depth: weight-gradient RMS of the first block over the last (blocks whose
    # matrices all have zero gradient are skipped, see _param_grads). dL/d(block output) is
    # recorded too, for the profile: its first/last ratio depends on the head's shape.
    grad_ratio = None
    output_grads = recorder.output_gradients() if grad_ok else []
    finite_grads = [(b, r) for b, r in grad_blocks if math.isfinite(r)]
    if not nonfinite and len(finite_grads) >= 3 and finite_grads[-1][1] > 0:
        grad_ratio = finite_grads[0][1] / finite_grads[-1][1]
        findings.extend(_ratio_findings(grad_ratio, "INV034", "INV035", "gradient RMS first/last",
                                        T.GRAD_RATIO_LOW_WARN, T.GRAD_RATIO_LOW_ERROR,
                                        T.GRAD_RATIO_HIGH_WARN, T.GRAD_RATIO_HIGH_ERROR,
                                        finite_grads[0][0], finite_grads[-1][0], T.HEALTHY_GRAD_RATIO))
    return findings, {
        "mode": mode,
        "mode_note": ("BatchNorm in train mode (batch statistics); dropout and stochastic depth off"
                      if mode == TRAIN else "whole model in eval mode (running statistics)"),
        "profile_unit": "block" if blocks else "layer",
        "activation_rms": [{"name": n, "rms": _f(r)} for n, r in profile],
        "layers": layers,
        "gradient_rms": [{"name": b, "rms": _f(r)} for b, r in grad_blocks],
        "output_gradient_rms": [{"name": b, "rms": _f(r)} for b, r in output_grads],
        "activation_ratio": _f(act_ratio),
        "gradient_ratio": _f(grad_ratio),
        "sensitivity": _f(sensitivity),
        "output_rms": _f(out_rms),
        "gradients_measured": grad_ok,
        "dead_layers": dead[:50],
    }


def _block_grads(grads: Dict[str, Tuple[float, int]], blocks: List[str],
                 records: List[Tuple[str, float, int]]) -> List[Tuple[str, float]]:
    """Gradient RMS per block (or per weighted layer without blocks), in forward call order."""
    order: List[str] = []
    sums: Dict[str, Tuple[float, int]] = {}
    call_rank = {}
    for i, (n, _, _) in enumerate(records):
        call_rank.setdefault(n, i)
    for module_name, (s, c) in grads.items():
        unit = _block_of(module_name, blocks) if blocks else module_name
        if unit is None:
            continue
        if unit not in sums:
            order.append(unit)
            sums[unit] = (0.0, 0)
        a, b = sums[unit]
        sums[unit] = (a + s, b + c)
    order.sort(key=lambda u: call_rank.get(u, len(records)))
    return [(u, math.sqrt(sums[u][0] / sums[u][1]) if sums[u][1] else 0.0) for u in order
            if u in call_rank]


# Cause and fix for each depth finding, appended to the measured ratio.
_ADVICE = {
    "INV032": ("the init scale is too small for this depth and nonlinearity: use the activation's gain "
               "(kaiming_ for ReLU, not xavier_ or a fixed small std), or normalization/residual connections"),
    "INV033": ("the weights are too large for this depth: use kaiming_/xavier_ or std ~ 1/sqrt(fan_in), and "
               "scale residual branches (e.g. std / sqrt(2 * n_layers) on their output projections)"),
    "INV034": ("early layers get almost no gradient: the init shrinks the backward signal along depth; use "
               "kaiming_ for ReLU-family activations, zero biases, or normalization/residual connections"),
    "INV035": ("early layers get far larger gradients than late ones: weights too large along depth; lower "
               "the init std (kaiming_/xavier_) or scale residual branches"),
}


def _ratio_findings(ratio: float, low_code: str, high_code: str, what: str, low_warn: float,
                    low_error: float, high_warn: float, high_error: float, first: str,
                    last: str, healthy: str) -> List[Finding]:
    where = f"{what} ({first!r} -> {last!r})"
    if ratio < low_warn:
        sev = "error" if ratio < low_error else "warning"
        return [Finding.make(low_code, "<model>", f"{where} = {ratio:.3g} (healthy {healthy}): {_ADVICE[low_code]}",
                             severity=sev, ratio=_f(ratio), first=first, last=last)]
    if ratio > high_warn:
        sev = "error" if ratio > high_error else "warning"
        return [Finding.make(high_code, "<model>", f"{where} = {ratio:.3g} (healthy {healthy}): "
                             f"{_ADVICE[high_code]}",
                             severity=sev, ratio=_f(ratio), first=first, last=last)]
    return []


def _f(x: Optional[float]) -> Optional[float]:
    if x is None:
        return None
    if not math.isfinite(x):
        return None
    return float(f"{x:.6g}")
