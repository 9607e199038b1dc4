"""The library table (initlint.analysis.library) against what torch actually does.

The torch checks run the behaviour the table records (torch 2.13.0 when it was written), so a
torch release that changes it fails here instead of silently making a rule wrong.
"""

from __future__ import annotations

import copy
import warnings

import pytest

from initlint.analysis import library
from initlint.analysis.library import (
    HOOK_SPECTRAL_NORM,
    HOOK_WEIGHT_NORM,
    PARAM_SPECTRAL_NORM,
    PARAM_WEIGHT_NORM,
    AfterWrap,
    init_after_wrap_is_lost,
    lora_partner,
    outputs_per_group_is_one,
    wrapper_api,
)


def test_wrapper_lookup_and_effects() -> None:
    assert wrapper_api("torch.nn.utils.spectral_norm.spectral_norm") == HOOK_SPECTRAL_NORM
    assert wrapper_api("torch.nn.utils.rnn.pad_sequence") is None
    assert init_after_wrap_is_lost(frozenset({HOOK_WEIGHT_NORM})) is True
    assert init_after_wrap_is_lost(frozenset({HOOK_SPECTRAL_NORM})) is False
    assert init_after_wrap_is_lost(frozenset({HOOK_SPECTRAL_NORM, PARAM_SPECTRAL_NORM})) is None


def test_lora_partner() -> None:
    assert lora_partner("lora_A") == "lora_b"
    assert lora_partner("lora_up_q") == "lora_down_q"
    assert lora_partner("lora_array") is None
    assert lora_partner("fc1") is None


def test_outputs_per_group() -> None:
    assert outputs_per_group_is_one(1, None)
    assert outputs_per_group_is_one(64, 64)
    assert not outputs_per_group_is_one(64, 1)
    assert not outputs_per_group_is_one(None, None)


def test_hf_init_touches_by_name() -> None:
    assert library.hf_init_touches("GemmaRMSNorm")
    assert library.hf_init_touches("torch.nn.Linear")
    assert not library.hf_init_touches("MyGate")


def test_framework_calls_by_base() -> None:
    assert library.framework_calls("torch.nn.modules.lazy.LazyModuleMixin", "initialize_parameters")
    assert library.framework_calls("torch.nn.LazyConv2d", "initialize_parameters")
    assert library.framework_calls("transformers.PreTrainedModel", "init_weights")
    # the lazy hook is `initialize_parameters` only; an ordinary torch base calls neither
    assert not library.framework_calls("torch.nn.modules.lazy.LazyModuleMixin", "init_parameters")
    assert not library.framework_calls("torch.nn.Module", "initialize_parameters")
    assert not library.framework_calls("torch.nn.Linear", "init_weights")


# -- the same facts, measured ---------------------------------------------------------------------
try:
    import torch
    from torch import nn
except ImportError:  # pragma: no cover - the measured checks need torch
    torch = None  # type: ignore[assignment]

needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")


def _constant_after_forward(wrap) -> bool:
    """Wrap a Linear, fill its `.weight` in place with 0.5, run one forward: is the weight the
    model computes with still constant (the init kept, up to the normalization)?"""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = wrap(nn.Linear(4, 4))
        nn.init.constant_(layer.weight, 0.5)
        layer(torch.ones(1, 4))
    weight = layer.weight.detach()
    return bool(torch.allclose(weight, weight.flatten()[0].expand_as(weight)))


_APIS = {
    HOOK_WEIGHT_NORM: "weight_norm",
    HOOK_SPECTRAL_NORM: "spectral_norm",
    PARAM_WEIGHT_NORM: "parametrizations.weight_norm",
    PARAM_SPECTRAL_NORM: "parametrizations.spectral_norm",
}


@needs_torch
@pytest.mark.parametrize("api", sorted(_APIS))
def test_after_wrap_matches_torch(api: str) -> None:
    wrap = nn.utils
    for part in _APIS[api].split("."):
        wrap = getattr(wrap, part)
    kept = _constant_after_forward(wrap)
    expected = library.WRAPPERS[api].after_wrap
    assert kept == (expected is AfterWrap.KEPT_BEFORE_FIRST_FORWARD)


@needs_torch
def test_old_spectral_norm_data_assignment_is_lost() -> None:
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = nn.utils.spectral_norm(nn.Linear(4, 4))
    layer.weight.data = torch.full((4, 4), 0.5)
    layer(torch.ones(1, 4))
    assert not bool((layer.weight_orig == 0.5).all())


@needs_torch
def test_clones_are_identical() -> None:
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, enable_nested_tensor=False)
    assert "torch.nn.TransformerEncoder" in library.CLONING_CONTAINERS
    assert torch.equal(encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight)
    prototype = nn.Linear(4, 4)
    stack = nn.ModuleList([copy.deepcopy(prototype) for _ in range(2)])
    assert "copy.deepcopy" in library.CLONE_FUNCTIONS
    assert torch.equal(stack[0].weight, stack[1].weight)
    transformer = nn.Transformer(8, 2, 2, 2, 16)  # re-drawn by _reset_parameters: not listed
    assert "torch.nn.Transformer" not in library.CLONING_CONTAINERS
    assert not torch.equal(
        transformer.encoder.layers[0].linear1.weight, transformer.encoder.layers[1].linear1.weight
    )


@needs_torch
@pytest.mark.parametrize("name", sorted(library.BIAS_ARGUMENT))
def test_bias_argument_matches_signature(name: str) -> None:
    import inspect

    keyword, position, default = library.BIAS_ARGUMENT[name]
    if not keyword:
        return
    init = getattr(nn, name).__init__
    if name in ("LSTM", "GRU", "RNN"):
        init = nn.RNNBase.__init__  # (*args, **kwargs) forwarded to RNNBase
    parameters = [p for p in inspect.signature(init).parameters.values() if p.name != "self"]
    names = [p.name for p in parameters]
    assert keyword in names
    if position is not None:
        assert names.index(keyword) == position
        assert parameters[position].default is default


@needs_torch
@pytest.mark.parametrize("name", sorted(library.CHANNEL_ARGUMENTS))
def test_channel_arguments_match_signature(name: str) -> None:
    import inspect

    spec = library.CHANNEL_ARGUMENTS[name]
    names = [p for p in inspect.signature(getattr(nn, name).__init__).parameters if p != "self"]
    for found in (spec.inputs, spec.outputs, spec.groups):
        if found is not None:
            position, keyword = found
            assert names.index(keyword) == position


@needs_torch
@pytest.mark.parametrize("name", sorted(library.ACTIVATION_PARAMETER_LAYERS))
def test_activation_parameter_is_a_constant_slope(name: str) -> None:
    layer = getattr(nn, name)(3)
    assert layer.weight.dim() == 1  # one slope per channel: no weight matrix
    assert bool((layer.weight == layer.weight[0]).all())  # torch's own default is a constant


@needs_torch
def test_lazy_modules_call_initialize_parameters_on_first_forward() -> None:
    from torch.nn.modules.lazy import LazyModuleMixin
    from torch.nn.parameter import UninitializedParameter

    class LazyScale(LazyModuleMixin, nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = UninitializedParameter()

        def initialize_parameters(self, x: torch.Tensor) -> None:
            if self.has_uninitialized_params():
                with torch.no_grad():
                    self.scale.materialize(x.shape[-1:])
                    self.scale.fill_(3.0)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.scale

    module = LazyScale()
    module(torch.ones(2, 4))  # nothing calls initialize_parameters but torch's pre-hook
    assert torch.equal(module.scale.detach(), torch.full((4,), 3.0))
    assert library.framework_calls("LazyModuleMixin", library.LAZY_INIT_HOOK)
    lazy_layers = {name for name in dir(nn) if name.startswith("Lazy")}
    assert lazy_layers <= library.LAZY_MODULE_BASES
    assert all(issubclass(getattr(nn, name), LazyModuleMixin) for name in lazy_layers)


@needs_torch
@pytest.mark.parametrize("name", sorted(library.PADDING_ARGUMENT))
def test_padding_argument_matches_signature(name: str) -> None:
    import inspect

    keyword, position = library.PADDING_ARGUMENT[name]
    parameters = list(inspect.signature(getattr(nn, name).__init__).parameters)[1:]  # after self
    assert parameters[position] == keyword
    assert inspect.signature(getattr(nn, name).__init__).parameters[keyword].default is None
    # built without it, the table has no padding row (nothing is kept at zero)
    assert getattr(nn, name)(4, 2).padding_idx is None


def test_library_init_helpers_name_the_tensor_argument() -> None:
    uniform = library.library_init("torch_geometric.nn.inits.uniform")
    assert uniform is not None and uniform.tensor == (1, "value") and not uniform.draw_as_twin
    zeros = library.library_init("torch_geometric.nn.inits.zeros")
    assert zeros is not None and zeros.twin == "zeros_"  # a constant, not a draw
    assert library.library_init("torch_geometric.nn.inits.reset") is None  # fills no argument
    assert library.library_init("torch.nn.init.zeros_") is None


@pytest.mark.parametrize("name", sorted(library.TORCH_INNER_LAYERS))
def test_inner_layers_match_torch(name: str) -> None:
    """The sub-module classes a torch layer builds with its defaults (what `apply` visits)."""
    import torch.nn as nn

    arguments = {"MultiheadAttention": (8, 2), "Transformer": (8, 2, 1, 1, 16)}.get(name, (8, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = getattr(nn, name)(*arguments)
    inside = {type(m).__name__ for m in module.modules()} - {name}
    assert inside == set(library.TORCH_INNER_LAYERS[name])


@needs_torch
@pytest.mark.parametrize("name", sorted(library.DEFAULT_CONSTANTS))
def test_default_constants_match_torch(name: str) -> None:
    """The constants torch's own init gives a norm's affine parameters (what an init that writes
    the same values changes: nothing)."""
    arguments = {"GroupNorm": (2, 4), "LayerNorm": (4,), "RMSNorm": (4,)}.get(name, (4,))
    keywords = {"affine": True} if name.startswith("InstanceNorm") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = getattr(nn, name)(*arguments, **keywords)
        if name.startswith("Lazy"):
            layer(torch.ones(2, 4, 3, 3, 3)[(slice(None), slice(None)) + (0,) * (3 - int(name[-2]))])
    for tensor, value in library.DEFAULT_CONSTANTS[name].items():
        assert bool((getattr(layer, tensor) == value).all()), (name, tensor)
    assert library.default_constant(f"torch.nn.{name}", "weight") == 1.0
    assert library.default_constant("torch.nn.Linear", "bias") is None


@needs_torch
@pytest.mark.parametrize("name", sorted(library.CLONE_COUNT_ARGUMENT))
def test_clone_count_argument_matches_signature(name: str) -> None:
    import inspect

    keyword, position = library.CLONE_COUNT_ARGUMENT[name]
    names = [p for p in inspect.signature(getattr(nn, name).__init__).parameters if p != "self"]
    assert names.index(keyword) == position
    layer = (nn.TransformerEncoderLayer if name == "TransformerEncoder" else nn.TransformerDecoderLayer)(8, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(getattr(nn, name)(layer, 1).layers) == 1  # one copy: no identical stack


@needs_torch
def test_embedding_default_table_and_arguments_match_torch() -> None:
    """`nn.Embedding`'s table starts N(0, 1) (the std the tied-head rule multiplies by sqrt(d)),
    `torch.nn.Embedding` is the class the names resolve to, and the arguments that replace or
    renormalize the table sit where the table says."""
    import inspect

    torch.manual_seed(0)
    table = nn.Embedding(4096, 64).weight
    assert abs(float(table.std()) - library.EMBEDDING_DEFAULT_STD) < 0.01
    assert abs(float(table.mean())) < 0.01
    parameters = list(inspect.signature(nn.Embedding.__init__).parameters)[1:]  # after self
    for keyword, position in library.EMBEDDING_KEEPS_TABLE:
        assert parameters[position] == keyword
    assert {f"{c.__module__}.{c.__name__}" for c in (nn.Embedding,)} <= library.EMBEDDING_LAYERS
    assert "torch.nn.Embedding" in library.EMBEDDING_LAYERS


# Constructor arguments for the classes `lacks_weight_and_bias` names that need some.
_NO_TENSOR_ARGUMENTS: dict[str, tuple] = {
    "RNN": (4, 4), "LSTM": (4, 4), "GRU": (4, 4), "RNNBase": ("LSTM", 4, 4),
    "RNNCell": (4, 4), "LSTMCell": (4, 4), "GRUCell": (4, 4), "RNNCellBase": (4, 4, True, 4),
    "MultiheadAttention": (8, 2), "Transformer": (8, 2, 1, 1, 16),
    "TransformerEncoderLayer": (8, 2, 16), "TransformerDecoderLayer": (8, 2, 16),
    "LocalResponseNorm": (2,), "CrossMapLRN2d": (3,), "Threshold": (0.1, 0.0),
    "ChannelShuffle": (2,), "Unflatten": (1, (2, 2)), "Fold": ((4, 4), 2), "Unfold": (2,),
    "PixelShuffle": (2,), "PixelUnshuffle": (2,), "Softmax": (1,), "Softmin": (1,),
    "LogSoftmax": (1,), "Upsample": (None, 2),
}


@needs_torch
def test_no_weight_or_bias_matches_torch() -> None:
    """Every torch.nn module class `lacks_weight_and_bias` names has no `.weight` (reading it
    raises AttributeError) and no `.bias` tensor (INI008 reports init code that touches them)."""
    import inspect

    import torch.nn as nn

    names = [
        n for n in dir(nn)
        if inspect.isclass(getattr(nn, n)) and issubclass(getattr(nn, n), nn.Module)
        and library.lacks_weight_and_bias(n)
    ]
    assert {"LSTM", "GRU", "Flatten", "Sequential", "MultiheadAttention", "Identity", "ReLU"} <= set(names)
    for name in names:
        cls = getattr(nn, name)
        if name in ("TransformerEncoder", "TransformerDecoder"):
            inner = (nn.TransformerEncoderLayer if name == "TransformerEncoder" else nn.TransformerDecoderLayer)(8, 2, 16)
            arguments: tuple = (inner, 1)
        elif name.startswith(("AdaptiveAvgPool", "AdaptiveMaxPool", "MaxPool", "AvgPool")):
            arguments = (2,)
        elif name.startswith("LPPool"):
            arguments = (2, 2)
        elif name.startswith("FractionalMaxPool"):
            arguments = (2,)
        elif "Pad" in name:
            arguments = (1, 0.0) if name.startswith("ConstantPad") else (1,)
        else:
            arguments = _NO_TENSOR_ARGUMENTS.get(name, ())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = cls(*arguments, output_ratio=0.5) if name.startswith("FractionalMaxPool") else cls(*arguments)
        with pytest.raises(AttributeError):
            module.weight
        if name in library.BIAS_IS_A_FLAG:
            assert module.bias is True  # the constructor's flag, not a tensor
        else:
            with pytest.raises(AttributeError):
                module.bias
    # what stays out: a loss keeps a `weight` buffer, a norm without affine keeps `weight = None`
    assert not library.lacks_weight_and_bias("CrossEntropyLoss")
    assert nn.CrossEntropyLoss().weight is None
    assert not library.lacks_weight_and_bias("InstanceNorm2d")
    assert not library.lacks_weight_and_bias("Linear")
