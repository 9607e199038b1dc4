"""``--reinit``: run the model's own init entry point a second time and see whether scales move.

Hugging Face calls ``_init_weights`` again from ``post_init``/``from_pretrained`` on modules it
considers uninitialized, timm and user code call ``init_weights()``/``reset_parameters()`` after
construction. An init that is not idempotent (``weight.mul_(0.5)`` on the existing values, a
residual scaling applied on top of whatever is there) rescales the model each time it runs, and a
loaded checkpoint with it. Re-drawing values is fine; what proves the bug is a change of *scale*:
a std outside sampling noise, or a constant that changed value.
"""

from __future__ import annotations

import math
from typing import Callable, List, Optional, Sequence, Tuple

import torch
from torch import nn

from . import layers as L
from . import thresholds as T
from .findings import Finding
from .stats import TensorStats, tensor_stats_batch

Entry = Tuple[str, Callable[[], None]]


def resolve_entry(model: nn.Module, method: Optional[str] = None, *, explicit: bool = False) -> Optional[Entry]:
    """The user-named method, else the model's own whole-model init (Hugging Face ``init_weights``
    with its "initialized" flags cleared, ``init_weights()``, ``reset_parameters()``...).

    Only when asked explicitly and the model has no such entry: the ``reset_parameters()`` of its
    custom (non-torch) modules. torch's own layers are left out: re-running ``nn.Linear``'s default
    would undo the model's inline init and look like a rescale that no real code path performs."""
    from .stream import _callable_without_args, _post_order, init_entry_point

    if method:
        fn = getattr(model, method, None)
        if not callable(fn):
            raise ValueError(f"--init-method {method!r}: {type(model).__name__} has no such method")
        return f"{method}()", fn
    name, fn = init_entry_point(model)
    if fn is not None and name is not None:
        return name, fn
    if not explicit:
        return None
    resets = []
    for module in _post_order(model):
        if type(module).__module__.startswith("torch."):
            continue
        reset = getattr(module, "reset_parameters", None)
        if callable(reset) and _callable_without_args(reset):
            resets.append(reset)
    if not resets:
        return None

    def run_all() -> None:
        for reset in resets:
            reset()
    return "reset_parameters() of the model's custom modules", run_all


def _changed(before: TensorStats, after: TensorStats) -> Optional[str]:
    if not (before.finite and after.finite):
        return None
    if before.std == 0 or after.std == 0:
        # A constant that is rescaled (layer scale x0.5) counts; zero <-> drawn values mean the
        # entry point is not the whole init (inline code in __init__ also runs), not a rescale.
        if (before.std == 0 and after.std == 0 and before.min and after.min and before.min != after.min
                and not math.isclose(before.min, after.min, rel_tol=1e-6)):
            return f"constant {before.min:.6g} became {after.min:.6g}"
        return None
    # Two independent draws of n values differ in std by ~1/sqrt(2n) relative; allow 6 sigma.
    noise = 6.0 / math.sqrt(2.0 * max(before.numel, 1))
    ratio = after.std / before.std
    if abs(math.log(ratio)) > max(math.log(T.REINIT_STD_RATIO), noise):
        return f"std {before.std:.4g} became {after.std:.4g} (x{ratio:.3g})"
    return None


def reinit_findings(model: nn.Module, infos: Sequence[L.ParamInfo], before: Sequence[TensorStats],
                    entry: Entry, seed: int = 0) -> List[Finding]:
    """Run ``entry`` twice on the model (mutating it) and report parameters whose scale changes
    on *both* runs. One change alone is not proof: values edited after the entry point ran (inline
    code in ``__init__``, a test that breaks a model on purpose) are replaced once and then stay."""
    name, fn = entry
    p = next(iter(model.parameters()), None)
    devices = [p.device] if p is not None and p.device.type == "cuda" else []
    runs = [list(before)]
    with torch.random.fork_rng(devices=devices):
        for k in (1, 2):
            torch.manual_seed(seed + k)
            with torch.no_grad():
                fn()
            runs.append(tensor_stats_batch([i.param for i in infos]))
    changed = [(info, why) for info, b, a, c in zip(infos, *runs)
               for why in [_changed(b, a)] if why and _changed(a, c)]
    if not changed:
        return []
    first, why = changed[0]
    others = [i.name for i, _ in changed[1:]]
    more = f"; also {len(others)} more: {', '.join(others[:5])}{', ...' if len(others) > 5 else ''}" if others else ""
    return [Finding.make("INV040", first.name, f"running {name} again changes its scale on every run: {why}{more}. "
                         "The init rescales whatever values are there (e.g. mul_ on the existing weight), so "
                         "every extra call, and a post_init/from_pretrained pass over a loaded checkpoint, "
                         "rescales it again: draw the values in one step (normal_(std=...)) instead",
                         layer_kind=first.layer_kind, entry_point=name, changed=[i.name for i, _ in changed][:50])]
