"""What a parameter is (matrix, embedding, norm weight, bias...) and its true fans.

torch's ``_calculate_fan_in_and_fan_out`` assumes an ``(out, in, *kernel)`` layout. That is wrong
for ConvTranspose weights ``(in, out/groups, *kernel)`` and for Hugging Face's GPT-2 style
``Conv1D`` whose weight is ``(in, out)``; grouped convolutions also divide the output fan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

import torch
from torch import nn

# Roles decide which checks apply.
MATRIX = "matrix"
EMBEDDING = "embedding"
TOKEN = "token"  # cls/pos/mask tokens: shape (1, ...), std checks like an embedding
NORM_WEIGHT = "norm-weight"
NORM_BIAS = "norm-bias"
BIAS = "bias"
VECTOR = "vector"  # other 1-D parameters (layer scale, learned temperatures...)
SCALAR = "scalar"

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


def _role(module: nn.Module, attr: str, t: torch.Tensor) -> str:
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and attr == "weight":
        return EMBEDDING
    if is_norm(module):
        return NORM_WEIGHT if attr == "weight" else NORM_BIAS if attr == "bias" else VECTOR
    if t.dim() == 0:
        return SCALAR
    if t.dim() == 1:
        return BIAS if "bias" in attr else VECTOR
    if t.shape[0] == 1 and not isinstance(module, (nn.Linear, nn.modules.conv._ConvNd)):
        return TOKEN
    if "bias" in attr:  # e.g. MultiheadAttention bias_k of shape (1, 1, E)
        return BIAS
    return MATRIX


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
            f_in, f_out = fans(module, attr, p) if role == MATRIX else (None, None)
            info = ParamInfo(name=full, param=p, module=module, module_name=module_name, attr=attr,
                             role=role, layer_kind=type(module).__name__, fan_in=f_in, fan_out=f_out)
            seen[id(p)] = info
            order.append(info)
    return order


def repeated_block_of(module_name: str) -> Optional[str]:
    """The innermost indexed-container prefix of a module path ("encoder.layer.3" for
    "encoder.layer.3.output.dense"), i.e. the block it repeats in; None outside any."""
    parts = module_name.split(".")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].isdigit():
            return ".".join(parts[: i + 1])
    return None


def first_parameterized_in_block(model: nn.Module) -> Dict[str, str]:
    """For each repeated block, the name of its first module (registration order) with weights."""
    first: Dict[str, str] = {}
    for name, module in model.named_modules():
        if not any(True for _ in module.parameters(recurse=False)):
            continue
        block = repeated_block_of(name)
        if block is not None and block != name and block not in first:
            first[block] = name
    return first


def iter_leaf_modules(model: nn.Module) -> Iterator[Tuple[str, nn.Module]]:
    for name, module in model.named_modules():
        if not any(True for _ in module.children()):
            yield name, module
