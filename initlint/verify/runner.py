"""Run the verifier over CLI targets: one model at a time, each failure contained to its model."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from . import api, loading, propagation, stream
from .loading import LoadError
from .report import ModelReport, RunReport


def parse_device_dtype(device: str, dtype: Optional[str]) -> Tuple[torch.device, Optional[torch.dtype]]:
    return loading.parse_device(device), loading.parse_dtype(dtype)


def expand_targets(specs: Sequence[str], kwargs: Dict[str, Any], config: Optional[Dict[str, Any]] = None
                   ) -> Tuple[List[loading.Target], List[ModelReport]]:
    """Targets to build, plus reports for what could not even be found (errors, skipped classes)."""
    targets: List[loading.Target] = []
    notes: List[ModelReport] = []
    for spec in specs:
        path = Path(spec)
        if ":" not in spec and (path.is_dir() or path.suffix == ".py"):
            if not path.exists():
                notes.append(ModelReport(target=spec, error=f"{spec}: no such file or directory"))
                continue
            found = loading.discover(path)
            targets.extend(found.targets)
            notes.extend(ModelReport(target=label, skipped=reason) for label, reason in found.skipped)
            notes.extend(ModelReport(target=label, error=err) for label, err in found.errors)
            if not found.targets and not found.skipped and not found.errors:
                notes.append(ModelReport(target=spec, skipped="no nn.Module subclasses found"))
            continue
        try:
            targets.append(loading.resolve(spec, kwargs, config))
        except LoadError as exc:
            notes.append(ModelReport(target=spec, error=str(exc)))
    return targets, notes


def verify_target(target: loading.Target, *, shape: Optional[Tuple[int, ...]], mode: str,
                  device: torch.device, dtype: Optional[torch.dtype], seed: int, fail_on: str,
                  max_params: int, stream_blocks: bool, block_params: int,
                  progress: Optional[Callable[[int, int], None]] = None, reinit: Optional[bool] = None,
                  init_method: Optional[str] = None) -> ModelReport:
    if stream_blocks:
        return stream.verify_streamed(target, seed=seed, device=device, dtype=dtype,
                                      block_params=block_params, fail_on=fail_on, progress=progress)
    n_params = loading.count_parameters_on_meta(target, seed=seed)
    if n_params is not None:
        loading.check_fits(target.label, n_params, device, dtype, max_params)
    start = time.perf_counter()
    model = loading.build(target, seed=seed, device=device, dtype=dtype)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    build_s = time.perf_counter() - start
    if n_params is None:
        actual = sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())
        loading.check_fits(target.label, actual, device, dtype, max_params)
    example = None
    if shape is not None:
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed)
            example = propagation.make_input(model, shape, device, dtype or torch.get_default_dtype())
    try:
        return api.verify_built(model, target=target.label, nan_filled=True, example=example, mode=mode,
                                seed=seed, fail_on=fail_on, progress=progress,
                                info={"build_s": round(build_s, 4), "mode": mode if shape else None},
                                reinit=reinit, init_method=init_method)
    except (RuntimeError, ValueError, TypeError, IndexError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        stage = "forward/backward pass" if example is not None else "verification"
        raise LoadError(f"{target.label}: {stage} failed: {type(exc).__name__}: {first}") from None


def run_targets(specs: Sequence[str], *, kwargs: Dict[str, Any], shape: Optional[Tuple[int, ...]],
                config: Optional[Dict[str, Any]] = None, reinit: Optional[bool] = None,
                init_method: Optional[str] = None,
                mode: str, device: torch.device, dtype: Optional[torch.dtype], seed: int, fail_on: str,
                max_params: int, stream: bool, block_params: int,
                progress_factory: Callable[[str], Any],
                on_model: Optional[Callable[[ModelReport], None]] = None) -> RunReport:
    targets, notes = expand_targets(specs, kwargs, config)
    reports: List[ModelReport] = []
    for note in notes:
        note.fail_on = fail_on
        reports.append(note)
        if on_model:
            on_model(note)
    for target in targets:
        bar = progress_factory(target.label)
        try:
            report = verify_target(target, shape=shape, mode=mode, device=device, dtype=dtype, seed=seed,
                                   fail_on=fail_on, max_params=max_params, stream_blocks=stream,
                                   block_params=block_params, progress=bar, reinit=reinit,
                                   init_method=init_method)
        except LoadError as exc:
            report = ModelReport(target=target.label, error=str(exc), fail_on=fail_on)
        finally:
            bar.close()
        reports.append(report)
        if on_model:
            on_model(report)
        gc.collect()
        if device.type == "cuda":
            torch.cuda.empty_cache()
    return RunReport(reports, fail_on=fail_on)
