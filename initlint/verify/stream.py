"""``--stream``: verify models larger than memory, one block of parameters at a time.

The model is built on the meta device (no memory, no init work). Each block of parameters is then
materialized in NaN-filled memory, the layers' ``reset_parameters`` and the model's own init entry
point are re-run (every ``torch.nn.init`` function is a no-op on meta tensors, so only the live block
receives values), measured, and sent back to meta. Tied parameters are materialized once and set on
every owner, so ties survive. The FSDP-style ``to_empty()`` + ``reset_parameters()`` route is not
used: on GPT-2 it left most tensors uninitialized and untied the output head.
"""

from __future__ import annotations

import contextlib
import inspect
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import torch
from torch import nn

from . import checks, layers, loading
from . import thresholds as T
from .findings import Finding
from .report import DEFAULT_FAIL_ON, ModelReport
from .stats import TensorStats, tensor_stats_batch

_ENTRY_NAMES = ("init_weights", "initialize_weights", "_init_weights", "_initialize_weights",
                "reset_parameters", "_reset_parameters", "init_params")


def _callable_without_args(fn: Any) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def init_entry_point(model: nn.Module) -> Tuple[Optional[str], Optional[Callable[[], None]]]:
    """The model's own whole-model init, as (description, callable)."""
    if hasattr(model, "initialize_weights") and hasattr(model, "_initialize_weights"):
        # Hugging Face v5: init skips anything flagged `_is_hf_initialized`; clear the flags first.
        def hf_init() -> None:
            for m in model.modules():
                if getattr(m, "_is_hf_initialized", False):
                    m._is_hf_initialized = False
            with torch.no_grad():
                model.initialize_weights()
        return "initialize_weights() (Hugging Face, flags cleared)", hf_init
    if hasattr(model, "config") and hasattr(model, "_init_weights") and hasattr(model, "init_weights"):
        return "init_weights() (Hugging Face)", model.init_weights
    for name in _ENTRY_NAMES:
        fn = getattr(model, name, None)
        if callable(fn) and _callable_without_args(fn):
            return f"{name}()", fn
    return None, None


def plan_blocks(model: nn.Module, infos: List[layers.ParamInfo], budget: int) -> List[Tuple[str, List[int]]]:
    """Split parameters into module subtrees of at most ``budget`` elements (a single larger
    module is one block), in registration order."""
    own: Dict[str, int] = {}
    for info in infos:
        own[info.module_name] = own.get(info.module_name, 0) + info.param.numel()
    subtree: Dict[str, int] = {}
    for name, _ in model.named_modules():
        prefix = name + "." if name else ""
        subtree[name] = sum(n for m, n in own.items() if m == name or m.startswith(prefix))
    roots: Dict[str, bool] = {}  # module name -> whole subtree (True) or own params only (False)

    def visit(name: str, module: nn.Module) -> None:
        children = list(module.named_children())
        if subtree.get(name, 0) <= budget or not children:
            roots[name] = True
            return
        roots[name] = False
        for child_name, child in children:
            visit(f"{name}.{child_name}" if name else child_name, child)

    visit("", model)
    blocks: Dict[str, List[int]] = {}
    for i, info in enumerate(infos):
        parts = info.module_name.split(".") if info.module_name else []
        home = ""
        for k in range(len(parts), -1, -1):
            candidate = ".".join(parts[:k])
            if roots.get(candidate) is True or (candidate == info.module_name and candidate in roots):
                home = candidate
                break
        blocks.setdefault(home, []).append(i)
    order = {name: i for i, (name, _) in enumerate(model.named_modules())}
    return sorted(blocks.items(), key=lambda kv: order.get(kv[0], 0))


class _Owners:
    """Every (module, attribute) holding each unique parameter, so ties survive swaps."""

    def __init__(self, model: nn.Module) -> None:
        self.by_id: Dict[int, List[Tuple[nn.Module, str]]] = {}
        for module in model.modules():
            for attr, p in module.named_parameters(recurse=False):
                self.by_id.setdefault(id(p), []).append((module, attr))

    def swap(self, old: nn.Parameter, new: nn.Parameter) -> None:
        owners = self.by_id.pop(id(old))
        for module, attr in owners:
            module._parameters[attr] = new
        self.by_id[id(new)] = owners

    @contextlib.contextmanager
    def only_canonical_owner(self, params: List[nn.Parameter]) -> Iterator[None]:
        """During replay, a tied parameter is written only through its canonical owner (an
        embedding if one owns it, else the first module): an eager build ties the output head
        after both inits ran, so the embedding's values (padding row zeroed) are what the model
        holds. Replaying the head's init on the shared tensor would re-draw it after the embedding
        zeroed its padding row (BERT, RoBERTa, Gemma reported a non-zero padding row). The other
        owners get a throwaway meta tensor (writes to it are no-ops) and are re-tied afterwards."""
        tied = [(p, self.by_id[id(p)]) for p in params if len(self.by_id.get(id(p), ())) > 1]
        for p, owners in tied:
            keep = next((o for o in owners if isinstance(o[0], (nn.Embedding, nn.EmbeddingBag))), owners[0])
            for module, attr in owners:
                if (module, attr) != keep:
                    module._parameters[attr] = nn.Parameter(torch.empty(p.shape, device="meta", dtype=p.dtype),
                                                            requires_grad=p.requires_grad)
        try:
            yield
        finally:
            for p, owners in tied:
                for module, attr in owners:
                    module._parameters[attr] = p


def _materialize(p: nn.Parameter, device: torch.device, dtype: Optional[torch.dtype]) -> nn.Parameter:
    data = torch.empty(p.shape, device=device, dtype=dtype or p.dtype)
    return nn.Parameter(data, requires_grad=p.requires_grad)


def verify_streamed(target: loading.Target, *, seed: int = 0, device: Optional[torch.device] = None,
                    dtype: Optional[torch.dtype] = None, block_params: int = T.STREAM_BLOCK_PARAMS,
                    fail_on: str = DEFAULT_FAIL_ON,
                    progress: Optional[Callable[[int, int], None]] = None) -> ModelReport:
    """Weight checks on a model built on meta, one materialized block at a time."""
    device = device or torch.device("cpu")
    start = time.perf_counter()
    model = loading.build(target, seed=seed, device=torch.device("meta"), nan_fill=False)
    built_s = time.perf_counter() - start
    infos = layers.describe_parameters(model)
    owners = _Owners(model)
    entry_name, entry = init_entry_point(model)
    ctx = layers.model_context(model, infos)
    blocks = plan_blocks(model, infos, block_params)
    total = sum(i.param.numel() for i in infos)
    findings: List[Finding] = []
    rows: List[Dict[str, Any]] = [{} for _ in infos]
    all_stats: List[Optional[TensorStats]] = [None] * len(infos)
    done = 0
    rng_devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=rng_devices):
        torch.manual_seed(seed)
        for block_name, members in blocks:
            with loading.nan_filled_memory():
                for i in members:
                    live = _materialize(infos[i].param, device, dtype)
                    owners.swap(infos[i].param, live)
                    infos[i].param = live
                with owners.only_canonical_owner([infos[i].param for i in members]):
                    _replay_init(model, block_name, entry)
            block_stats = tensor_stats_batch([infos[i].param for i in members])
            for i, st in zip(members, block_stats):
                found = checks.check_parameter(infos[i], st, ctx, nan_filled=True)
                findings.extend(_explain_unwritten(f, hf_style=bool(entry_name and "Hugging Face" in entry_name))
                                for f in found)
                rows[i] = checks.parameter_row(infos[i], st)
                all_stats[i] = st
            for i in members:
                meta = nn.Parameter(torch.empty(infos[i].param.shape, device="meta",
                                                dtype=infos[i].param.dtype),
                                    requires_grad=infos[i].param.requires_grad)
                owners.swap(infos[i].param, meta)
                infos[i].param = meta
            done += sum(infos[i].param.numel() for i in members)
            if progress:
                progress(done, total)
    findings.extend(checks.duplicate_findings(infos, [s for s in all_stats if s is not None],
                                              confirm=False))
    note = (f"init replayed per block: each layer's reset_parameters(), then the model's "
            f"{entry_name}" if entry_name else
            "the model has no whole-model init entry point: only each layer's reset_parameters() was "
            "replayed")
    findings.append(Finding.make("INV090", "<model>", note + "; init code written inline in __init__ "
                                 "is not replayed: if it matters, verify a reduced-depth config without "
                                 "--stream (init statistics are per layer)", entry_point=entry_name))
    info = dict(parameters=total, tensors=len(infos), nan_filled=True, stream=True,
                blocks=len(blocks), entry_point=entry_name, device=str(device),
                dtype=str(dtype).replace("torch.", "") if dtype else None,
                build_meta_s=round(built_s, 4), verify_s=round(time.perf_counter() - start, 4))
    return ModelReport(target=target.label, findings=findings, parameters=rows, info=info,
                       fail_on=fail_on)


def _explain_unwritten(finding: Finding, hf_style: bool) -> Finding:
    """All-NaN under --stream means no replayed init wrote the tensor. For Hugging Face models that
    is the real bug (they are built on meta and initialized only by _init_weights); elsewhere the
    value may come from inline code in __init__ (torch.zeros(...)), which streaming cannot replay."""
    if finding.code != "INV002":
        return finding
    if hf_style:
        finding.message = ("all NaN after replaying _init_weights: the model's init does not cover this "
                           "parameter, so it holds garbage whenever the model is built on meta")
    else:
        finding.severity = "warning"
        finding.message = ("all NaN after replaying reset_parameters() and the model's init entry point; "
                           "if its value is set inline in __init__ (torch.zeros(...)), verify without "
                           "--stream to be sure")
    return finding


def _replay_init(model: nn.Module, block_name: str, entry: Optional[Callable[[], None]]) -> None:
    """Re-run the layers' own reset_parameters inside the block, then the whole-model entry point."""
    root = model.get_submodule(block_name) if block_name else model
    with torch.no_grad(), loading.SkipMetaInPlace():
        for module in _post_order(root):  # children first, as their constructors ran first
            if module is model:
                continue
            # nn.MultiheadAttention only has the private _reset_parameters.
            reset = getattr(module, "reset_parameters", None) or getattr(module, "_reset_parameters", None)
            if callable(reset) and _callable_without_args(reset):
                reset()
        if entry is not None:
            entry()


def _post_order(module: nn.Module) -> List[nn.Module]:
    out: List[nn.Module] = []
    for child in module.children():
        out.extend(_post_order(child))
    out.append(module)
    return out
