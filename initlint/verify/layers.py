"""What a parameter is (matrix, embedding, norm weight, bias...) and its true fans.

torch's ``_calculate_fan_in_and_fan_out`` assumes an ``(out, in, *kernel)`` layout. That is wrong
for ConvTranspose weights ``(in, out/groups, *kernel)`` and for Hugging Face's GPT-2 style
``Conv1D`` whose weight is ``(in, out)``; grouped convolutions also divide the output fan.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

import torch
from torch import nn

# Roles decide which checks apply (docs/verifier.md, "Parameter roles"). They come from the module
# that owns the parameter and how that module type computes with it; names only refine parameters
# of custom modules, and what cannot be placed is UNKNOWN: no numeric judgement beyond NaN/garbage.
MATRIX = "matrix"  # weight of a Linear/Conv/ConvTranspose/Bilinear/RNN/attention projection: fans known
EMBEDDING = "embedding"  # nn.Embedding tables (token rows; padding_idx)
TABLE = "table"  # other learned tables: relative position bias, codebooks, latents (zeros are fine)
TOKEN = "token"  # cls/pos/mask tokens: shape (1, ...), std checks like an embedding
NORM_WEIGHT = "norm-weight"  # judged by probing the module (effective gain), see probes.py
NORM_BIAS = "norm-bias"
BIAS = "bias"
GAIN = "gain"  # layer scale, logit scale, temperatures, ReZero/SkipInit alphas, weight_norm's g
STATE = "state"  # state-space/decay parameters: A_log, D, dt_bias, time_decay (deterministic by design)
UNKNOWN = "unknown"  # a custom parameter whose role the model does not reveal

ROLES = (MATRIX, EMBEDDING, TABLE, TOKEN, NORM_WEIGHT, NORM_BIAS, BIAS, GAIN, STATE, UNKNOWN)

# Names of parameters of custom modules (attribute names, not paths).
_STATE_NAME = re.compile(r"^(A_log|A|D|dt_bias|dt|log_dt|inv_dt|time_decay|time_first|time_faaaa|time_mix_\w+|decay|"
                         r"nu_log|theta_log|gamma_log|A_re|A_im|log_A_real|A_imag)$")
_GAIN_NAME = re.compile(r"gamma|scale|alpha|temperature|lambda|gain|skip|rezero|^ls\d*$|^g$|_g$", re.I)
_TABLE_NAME = re.compile(r"table|codebook|rel_pos|pos|embed|bias|latent|memory|prompt|register|token|quer|"
                         r"anchor|prototype|center|centroid", re.I)
_MATRIX_NAME = re.compile(r"weight|kernel|proj|^w(_|\d|$)|^W", re.I)

_NORM_TYPES: Tuple[type, ...] = (
    nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm,
)
if hasattr(nn, "RMSNorm"):
    _NORM_TYPES = _NORM_TYPES + (nn.RMSNorm,)


def is_norm(module: nn.Module) -> bool:
    """Norm layers by type, plus third-party ones (LlamaRMSNorm, T5LayerNorm) by class name."""
    if isinstance(module, _NORM_TYPES):
        return True
    name = type(module).__name__
    return name.endswith(("Norm", "Norm2d", "NormAct2d")) or "LayerNorm" in name or "RMSNorm" in name


def is_hf_conv1d(module: nn.Module) -> bool:
    """Hugging Face ``Conv1D`` (GPT-2): a Linear whose weight is stored (in, out)."""
    w = getattr(module, "weight", None)
    return (type(module).__name__ == "Conv1D" and hasattr(module, "nf") and w is not None
            and w.dim() == 2 and w.shape[1] == getattr(module, "nf"))


@dataclass
class ParamInfo:
    """A unique parameter with every (module, attribute) that owns it (tied weights)."""

    name: str
    param: nn.Parameter
    module: nn.Module
    module_name: str
    attr: str
    role: str
    layer_kind: str
    fan_in: Optional[int] = None
    fan_out: Optional[int] = None
    aliases: Tuple[str, ...] = ()


def fans(module: nn.Module, attr: str, t: torch.Tensor) -> Tuple[Optional[int], Optional[int]]:
    """(fan_in, fan_out) as the layer computes with it, not as torch's generic helper guesses."""
    shape = tuple(t.shape)
    if len(shape) < 2:
        return None, None
    if isinstance(module, nn.Bilinear) and attr == "weight":
        # y = x1^T W x2: PyTorch's own reset_parameters bounds by 1/sqrt(in1_features).
        return shape[1], shape[0]
    if is_hf_conv1d(module) and attr == "weight":
        return shape[0], shape[1]
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    if isinstance(module, nn.modules.conv._ConvTransposeNd) and attr == "weight":
        groups = module.groups
        # (in, out/groups, *k): each output sees in/groups channels * k; each input feeds out/groups * k.
        return shape[0] // groups * receptive, shape[1] * receptive
    if isinstance(module, nn.modules.conv._ConvNd) and attr == "weight":
        groups = module.groups
        return shape[1] * receptive, shape[0] // groups * receptive
    return shape[1] * receptive, shape[0] * receptive


def custom_fans(t: torch.Tensor) -> Tuple[Optional[int], Optional[int]]:
    """Fans of a weight-named parameter of a custom module. Its layout is unknown, but the gain
    checks are symmetric in (fan_in, fan_out), so the orientation does not matter; what matters is
    which dimensions multiply. Small trailing dimensions (<= 7) are a kernel (torch's (out, in, *k)
    layout); otherwise leading dimensions are a batch of matrices (fused MoE experts (E, in, out))."""
    shape = tuple(t.shape)
    if len(shape) > 2 and max(shape[2:]) <= 7:
        receptive = math.prod(shape[2:])
        return shape[1] * receptive, shape[0] * receptive
    return shape[-1], shape[-2]


def is_weighted_layer(module: nn.Module) -> bool:
    """Layer types whose ``weight`` is a matrix the layer multiplies with (fans known)."""
    return isinstance(module, (nn.Linear, nn.Bilinear, nn.modules.conv._ConvNd)) or is_hf_conv1d(module)


def broadcast_shaped(t: torch.Tensor) -> bool:
    """At most one dimension larger than 1: (C,), (C,1,1), (1,1,C) are per-channel vectors."""
    return sum(1 for d in t.shape if d > 1) <= 1


def _role(module: nn.Module, attr: str, t: torch.Tensor) -> str:
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and attr == "weight":
        return EMBEDDING
    if is_norm(module):
        return NORM_WEIGHT if attr == "weight" else NORM_BIAS if attr == "bias" else UNKNOWN
    if is_weighted_layer(module) or isinstance(module, (nn.RNNBase, nn.MultiheadAttention)):
        if "bias" in attr:
            return BIAS
        if attr == "weight_g":  # torch.nn.utils.weight_norm's per-output-channel magnitude
            return GAIN
        return MATRIX if t.dim() >= 2 else UNKNOWN
    # A parameter of a custom module: the module type says nothing, so its name and shape decide.
    if _STATE_NAME.match(attr):
        return STATE
    if t.dim() == 0 or t.numel() == 1 or (broadcast_shaped(t) and _GAIN_NAME.search(attr)):
        return GAIN if _GAIN_NAME.search(attr) or t.numel() == 1 else UNKNOWN
    if t.dim() == 1:
        if "bias" in attr:
            return BIAS
        return GAIN if attr == "weight" or _GAIN_NAME.search(attr) else UNKNOWN
    if t.shape[0] == 1:
        return TOKEN
    if _TABLE_NAME.search(attr):
        return TABLE
    if _MATRIX_NAME.search(attr):
        return MATRIX
    return UNKNOWN


def describe_parameters(model: nn.Module) -> List[ParamInfo]:
    """Every unique parameter once, owned by the first module that registers it."""
    seen: Dict[int, ParamInfo] = {}
    order: List[ParamInfo] = []
    for module_name, module in model.named_modules(remove_duplicate=False):
        for attr, p in module.named_parameters(recurse=False):
            full = f"{module_name}.{attr}" if module_name else attr
            info = seen.get(id(p))
            if info is not None:
                if full != info.name and full not in info.aliases:
                    info.aliases = info.aliases + (full,)
                continue
            role = _role(module, attr, p)
            f_in, f_out = (None, None)
            if role == MATRIX:
                known = is_weighted_layer(module) or isinstance(module, (nn.RNNBase, nn.MultiheadAttention))
                f_in, f_out = fans(module, attr, p) if known else custom_fans(p)
            info = ParamInfo(name=full, param=p, module=module, module_name=module_name, attr=attr,
                             role=role, layer_kind=type(module).__name__, fan_in=f_in, fan_out=f_out)
            seen[id(p)] = info
            order.append(info)
    return order


def _has_own_params(module: nn.Module) -> bool:
    return any(True for _ in module.parameters(recurse=False))


@dataclass
class ModelContext:
    """Structure the per-parameter checks need, computed once per model from the module tree (not
    from names: ResNet's ``layer1.0`` and RegNet's ``s1.b1`` are blocks alike)."""

    modules: Dict[str, nn.Module]
    blocks: List[str]  # composite modules that repeat: >= 2 siblings of their class, >= 3 weighted modules
    first_in_block: Dict[str, str]  # block -> its first module with parameters (registration order)
    head: Optional[str]  # the last module with a weight matrix, outside every block
    next_weighted: Dict[str, str]  # module -> the next module with parameters (registration order)

    def block_of(self, module_name: str) -> Optional[str]:
        """The innermost repeated block strictly containing this module."""
        best = None
        for b in self.blocks:
            if module_name.startswith(b + ".") and (best is None or len(b) > len(best)):
                best = b
        return best

    def zero_is_residual_idiom(self, module_name: str) -> bool:
        """Zero init inside a repeated block, not at its entry: zero-init-last BN, Fixup, SkipInit,
        zero-init of a branch's last layer. A zeroed entry layer or head has no such excuse."""
        block = self.block_of(module_name)
        return block is not None and self.first_in_block.get(block) != module_name

    def followed_by_norm(self, module_name: str) -> Optional[str]:
        """The normalization applied right after this convolution, if any: the next module with
        parameters is a norm over the same channels in the same parent (torchvision's
        Conv2dNormActivation, timm's ConvNormAct, conv/bn pairs in a block). A train-mode
        BatchNorm rescales whatever gain the conv has. Linear layers are left out: a norm registered
        after a Linear usually normalizes a residual sum (post-LN), not the layer's output."""
        nxt = self.next_weighted.get(module_name)
        if nxt is None or nxt.rpartition(".")[0] != module_name.rpartition(".")[0]:
            return None
        layer, norm = self.modules[module_name], self.modules[nxt]
        if not isinstance(layer, nn.modules.conv._ConvNd) or not is_norm(norm):
            return None
        channels = getattr(layer, "out_channels", None) or getattr(layer, "out_features", None)
        width = getattr(norm, "num_features", None) or getattr(norm, "num_channels", None)
        if width is None:
            w = getattr(norm, "weight", None)
            width = w.shape[0] if isinstance(w, torch.Tensor) and w.dim() >= 1 else None
        return nxt if channels is not None and channels == width else None


def model_context(model: nn.Module, infos: Optional[List[ParamInfo]] = None) -> ModelContext:
    modules = dict(model.named_modules())
    weighted = [n for n, m in modules.items() if _has_own_params(m)]
    blocks = []
    for parent_name, parent in modules.items():
        children = list(parent.named_children())
        counts: Dict[type, int] = {}
        for _, child in children:
            counts[type(child)] = counts.get(type(child), 0) + 1
        for child_name, child in children:
            full = f"{parent_name}.{child_name}" if parent_name else child_name
            if counts[type(child)] < 2 or not any(True for _ in child.children()):
                continue
            if sum(1 for w in weighted if w == full or w.startswith(full + ".")) >= 3:
                blocks.append(full)
    first: Dict[str, str] = {}
    for b in blocks:
        first[b] = next((w for w in weighted if w.startswith(b + ".")), b)
    infos = infos if infos is not None else describe_parameters(model)
    matrices = [i.module_name for i in infos if i.role == MATRIX]
    head = matrices[-1] if matrices else None
    if head is not None and any(head.startswith(b + ".") for b in blocks):
        head = None
    nxt = {a: b for a, b in zip(weighted, weighted[1:])}
    return ModelContext(modules=modules, blocks=blocks, first_in_block=first, head=head, next_weighted=nxt)


def iter_leaf_modules(model: nn.Module) -> Iterator[Tuple[str, nn.Module]]:
    for name, module in model.named_modules():
        if not any(True for _ in module.children()):
            yield name, module
