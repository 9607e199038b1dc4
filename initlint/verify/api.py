"""The Python API: ``verify_model(model_or_factory, input=...)`` for use in a test suite."""

from __future__ import annotations

import copy
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Union

import torch
from torch import nn

from . import checks, layers, loading, propagation
from . import reinit as reinit_mod
from . import thresholds as T
from .findings import Finding
from .report import DEFAULT_FAIL_ON, ModelReport
from .stats import TensorStats, tensor_stats_batch

Progress = Callable[[int, int], None]  # (elements done, elements total)
_BATCH_ELEMENTS = 200_000_000
_BATCH_TENSORS = 256


def stats_in_batches(tensors: Sequence[torch.Tensor], progress: Optional[Progress] = None) -> List[TensorStats]:
    """Statistics with one sync per batch, so progress can be shown on big models."""
    total = sum(t.numel() for t in tensors)
    out: List[TensorStats] = []
    batch: List[torch.Tensor] = []
    size = done = 0
    for t in tensors:
        batch.append(t)
        size += t.numel()
        if size >= _BATCH_ELEMENTS or len(batch) >= _BATCH_TENSORS:
            out.extend(tensor_stats_batch(batch))
            done += size
            batch, size = [], 0
            if progress:
                progress(done, total)
    if batch:
        out.extend(tensor_stats_batch(batch))
        if progress:
            progress(total, total)
    return out


def explained_modules(findings: Sequence[Finding], infos: Sequence[layers.ParamInfo],
                      stats: Sequence[TensorStats]) -> Set[str]:
    """Modules whose exact-zero output the weight checks already explain: a zero or constant
    weight that was reported, or any all-zero parameter (zero-init heads, zero layer scale, zeroed
    relative-position tables): a dead-layer warning there would repeat what is known."""
    explained: Set[str] = set()
    for f in findings:
        if f.code in ("INV004", "INV010", "INV015", "INV018", "INV019", "INV020"):
            explained.add(f.target.rsplit(".", 1)[0] if "." in f.target else "")
    for info, st in zip(infos, stats):
        if st.all_zero:
            explained.add(info.module_name)
    return explained


def _input_for(model: nn.Module, input: Optional[propagation.Example], input_shape: Optional[Sequence[int]],
               seed: int) -> Optional[propagation.Example]:
    if input is not None:
        return input
    if input_shape is None:
        return None
    p = next(iter(model.parameters()), None)
    device = p.device if p is not None else torch.device("cpu")
    dtype = p.dtype if p is not None and p.is_floating_point() else torch.get_default_dtype()
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        return propagation.make_input(model, input_shape, device, dtype)


def verify_built(model: nn.Module, *, target: str, nan_filled: bool, example: Optional[propagation.Example],
                 mode: str = propagation.TRAIN, seed: int = 0, fail_on: str = DEFAULT_FAIL_ON,
                 progress: Optional[Progress] = None, info: Optional[Dict[str, Any]] = None,
                 reinit: Optional[bool] = None, init_method: Optional[str] = None) -> ModelReport:
    """Weight checks, then (with an example input) propagation, then the re-initialization check
    (``reinit``: None runs it on models this process built that are small enough to make it cheap),
    on a model already in memory."""
    start = time.perf_counter()
    infos = layers.describe_parameters(model)
    stats = stats_in_batches([i.param for i in infos], progress)
    findings, rows = checks.check_all(model, infos, stats, nan_filled)
    prop = None
    if example is not None:
        zero_head = next((f.target.rsplit(".", 1)[0] for f in findings if f.code == "INV019"), None)
        prop_findings, prop = propagation.measure(model, example, mode=mode, seed=seed,
                                                  explained_modules=explained_modules(findings, infos, stats),
                                                  zero_head=zero_head,
                                                  params_nonfinite=any(f.code in ("INV001", "INV002")
                                                                       for f in findings))
        findings.extend(prop_findings)
    n_params = sum(i.param.numel() for i in infos)
    explicit = bool(reinit)
    if reinit is None:
        reinit = nan_filled and (init_method is not None or n_params <= T.REINIT_DEFAULT_MAX_PARAMS)
    entry_name = None
    if reinit:
        target_model, target_infos = model, infos
        if not nan_filled:  # the caller's own module: leave it as it is
            target_model = copy.deepcopy(model)
            target_infos = layers.describe_parameters(target_model)
        entry = reinit_mod.resolve_entry(target_model, init_method, explicit=explicit)
        if entry is not None:
            entry_name = entry[0]
            try:
                findings.extend(reinit_mod.reinit_findings(target_model, target_infos, stats, entry, seed=seed))
            except Exception as exc:  # noqa: BLE001 - user init code; the other checks stand
                entry_name = f"{entry[0]} (second run failed: {type(exc).__name__}: {str(exc).strip()[:120]})"
    meta = dict(info or {})
    first = next(iter(model.parameters()), None)
    meta.update(parameters=n_params, tensors=len(infos), reinit_entry_point=entry_name,
                nan_filled=nan_filled, verify_s=round(time.perf_counter() - start, 4),
                device=str(first.device) if first is not None else None,
                dtype=str(first.dtype).replace("torch.", "") if first is not None else None)
    return ModelReport(target=target, findings=findings, parameters=rows, propagation=prop,
                       info=meta, fail_on=fail_on)


def verify_model(model: Union[nn.Module, Callable[[], nn.Module]], input: Optional[propagation.Example] = None, *,
                 input_shape: Optional[Sequence[int]] = None, mode: str = propagation.TRAIN,
                 seed: int = 0, fail_on: str = DEFAULT_FAIL_ON, device: Optional[str] = None,
                 dtype: Optional[str] = None, name: Optional[str] = None, reinit: Optional[bool] = None,
                 init_method: Optional[str] = None) -> ModelReport:
    """Verify a model's initialization; ``assert report.ok, report.summary()`` in a test.

    Pass a built ``nn.Module`` to check it as it is, or a class / zero-argument factory to have it
    built here under NaN-filled memory, which proves that no parameter was left uninitialized.
    ``input`` (or ``input_shape``) enables the signal-propagation checks: a tensor, a tuple of
    positional arguments, or a dict of keyword arguments (e.g. ``input_ids`` and ``attention_mask``).
    ``reinit`` runs the model's init entry point (or ``init_method``) a second time and reports
    parameters whose scale changes; by default it runs on models built here with at most 30M
    parameters.
    """
    if mode not in (propagation.TRAIN, propagation.EVAL):
        raise ValueError(f"mode must be 'train' or 'eval', not {mode!r}")
    if isinstance(model, nn.Module):
        built, nan_filled = model, False
        label = name or type(model).__name__
    else:
        label = name or getattr(model, "__qualname__", repr(model))
        target = loading.Target(label=label, factory=model)
        built = loading.build(target, seed=seed, device=loading.parse_device(device or "cpu"),
                              dtype=loading.parse_dtype(dtype))
        nan_filled = True
    example = _input_for(built, input, input_shape, seed)
    return verify_built(built, target=label, nan_filled=nan_filled, example=example, mode=mode,
                        seed=seed, fail_on=fail_on, reinit=reinit, init_method=init_method)
