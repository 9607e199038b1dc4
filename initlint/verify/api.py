"""The Python API: ``verify_model(model_or_factory, input=...)`` for use in a test suite."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
from torch import nn

from . import checks, layers, loading, propagation
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


def findings_context(findings: Sequence[Finding]) -> Tuple[Set[str], Set[str]]:
    """Modules whose zero/constant weights already explain a dead output, and the repeated blocks
    where a zero-init idiom lives (their zero outputs are expected)."""
    explained: Set[str] = set()
    idiom_blocks: Set[str] = set()
    for f in findings:
        if f.code in ("INV004", "INV010", "INV015", "INV018"):
            module = f.target.rsplit(".", 1)[0] if "." in f.target else ""
            explained.add(module)
            if f.code == "INV018":
                block = layers.repeated_block_of(module)
                if block:
                    idiom_blocks.add(block)
    return explained, idiom_blocks


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
                 progress: Optional[Progress] = None, info: Optional[Dict[str, Any]] = None) -> ModelReport:
    """Weight checks, then (with an example input) propagation, on a model already in memory."""
    start = time.perf_counter()
    infos = layers.describe_parameters(model)
    stats = stats_in_batches([i.param for i in infos], progress)
    findings, rows = checks.check_all(model, infos, stats, nan_filled)
    prop = None
    if example is not None:
        explained, idiom_blocks = findings_context(findings)
        prop_findings, prop = propagation.measure(model, example, mode=mode, seed=seed,
                                                  explained_modules=explained, idiom_blocks=idiom_blocks,
                                                  params_nonfinite=any(f.code in ("INV001", "INV002")
                                                                       for f in findings))
        findings.extend(prop_findings)
    meta = dict(info or {})
    first = next(iter(model.parameters()), None)
    meta.update(parameters=sum(i.param.numel() for i in infos), tensors=len(infos),
                nan_filled=nan_filled, verify_s=round(time.perf_counter() - start, 4),
                device=str(first.device) if first is not None else None,
                dtype=str(first.dtype).replace("torch.", "") if first is not None else None)
    return ModelReport(target=target, findings=findings, parameters=rows, propagation=prop,
                       info=meta, fail_on=fail_on)


def verify_model(model: Union[nn.Module, Callable[[], nn.Module]], input: Optional[propagation.Example] = None, *,
                 input_shape: Optional[Sequence[int]] = None, mode: str = propagation.TRAIN,
                 seed: int = 0, fail_on: str = DEFAULT_FAIL_ON, device: Optional[str] = None,
                 dtype: Optional[str] = None, name: Optional[str] = None) -> ModelReport:
    """Verify a model's initialization; ``assert report.ok, report.summary()`` in a test.

    Pass a built ``nn.Module`` to check it as it is, or a class / zero-argument factory to have it
    built here under NaN-filled memory, which proves that no parameter was left uninitialized.
    ``input`` (or ``input_shape``) enables the signal-propagation checks: a tensor, a tuple of
    positional arguments, or a dict of keyword arguments (e.g. ``input_ids`` and ``attention_mask``).
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
                        seed=seed, fail_on=fail_on)
