"""What the libraries that model code builds on do to initial values: one table, versioned.

Rules ask here instead of carrying their own copy of torch's behaviour. Every entry states the
version it was checked against; the torch entries were checked by running them under torch 2.13.0
(see `tests/test_library.py`, which runs the same checks when torch is installed).

- torch.nn layers: which argument turns a layer's bias (or a norm's affine parameters) off, its
  default, where the channel counts and `groups` go, which classes hold no parameters at all;
- `weight_norm` / `spectral_norm`, old (hook) and new (parametrizations) APIs: what happens to an
  in-place init of the wrapped tensor after wrapping;
- what makes identical clones (`copy.deepcopy`, `_get_clones`, `nn.TransformerEncoder`);
- transformers v5: what `PreTrainedModel._init_weights` initializes, by class and by class name,
  and which init helpers skip tensors loaded from a checkpoint (`_is_hf_initialized`);
- timm's init helpers; PEFT/LoRA conventions (pairs, the rank as a documented std);
- PyTorch Geometric's init helpers (`torch_geometric.nn.inits`): which argument they fill, and
  the `torch.nn.init` function that draws the same values.

Linting never imports torch: this module is data and small lookups only.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Optional

TORCH_CHECKED = "2.13.0"
TRANSFORMERS_CHECKED = "5.24.0"
TIMM_CHECKED = "1.0.31"
TORCH_GEOMETRIC_CHECKED = "2.8.1"

# Modules that re-export torch.nn.init's functions with the same names and semantics.
KNOWN_INIT_MODULE_EQUIVALENTS: tuple[str, ...] = ("transformers.initialization",)

# -- torch.nn layers -----------------------------------------------------------------------------
# Layer class (last name) → (keyword, position, default) of the argument that decides whether the
# layer has a bias (for norms: affine weight and bias). torch 2.13.0 signatures.
BIAS_ARGUMENT: dict[str, tuple[str, Optional[int], bool]] = {}
for _name in ("Linear", "LazyLinear"):
    BIAS_ARGUMENT[_name] = ("bias", 2 if _name == "Linear" else 1, True)
BIAS_ARGUMENT["Bilinear"] = ("bias", 3, True)
for _dims in ("1d", "2d", "3d"):
    BIAS_ARGUMENT[f"Conv{_dims}"] = ("bias", 7, True)
    BIAS_ARGUMENT[f"ConvTranspose{_dims}"] = ("bias", 7, True)
    BIAS_ARGUMENT[f"LazyConv{_dims}"] = ("bias", 6, True)
    BIAS_ARGUMENT[f"LazyConvTranspose{_dims}"] = ("bias", 6, True)
    BIAS_ARGUMENT[f"BatchNorm{_dims}"] = ("affine", 3, True)
    BIAS_ARGUMENT[f"LazyBatchNorm{_dims}"] = ("affine", 2, True)
    BIAS_ARGUMENT[f"InstanceNorm{_dims}"] = ("affine", 3, False)  # no weight/bias by default
    # unlike InstanceNorm, the lazy variant defaults to affine=True (torch 2.13.0)
    BIAS_ARGUMENT[f"LazyInstanceNorm{_dims}"] = ("affine", 2, True)
BIAS_ARGUMENT["SyncBatchNorm"] = ("affine", 3, True)
BIAS_ARGUMENT["GroupNorm"] = ("affine", 3, True)
BIAS_ARGUMENT["LocalResponseNorm"] = ("", None, False)
for _name in ("LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"):
    BIAS_ARGUMENT[_name] = ("bias", None, True)
# `nn.LayerNorm(shape, eps, elementwise_affine=True, bias=True)`: either flag removes the bias.
LAYER_NORM_FLAGS: tuple[tuple[str, int], ...] = (("elementwise_affine", 2), ("bias", 3))

# Layers that never have a `.bias` (RMSNorm has a weight only; embeddings and PReLU a weight).
BIASLESS_BY_DESIGN = frozenset({"RMSNorm", "Embedding", "EmbeddingBag", "PReLU"})

# Where torch's embeddings take `padding_idx` positionally (torch 2.13.0 signatures): the row
# that `__init__` zeroes and whose gradient is never updated. A layer built without it has no
# padding row, so a random init of its table redraws nothing that should stay zero.
PADDING_ARGUMENT: dict[str, tuple[str, int]] = {
    "Embedding": ("padding_idx", 2),
    "EmbeddingBag": ("padding_idx", 9),
}

# `torch.nn.Embedding` (torch 2.13.0 `reset_parameters`): the table starts N(0, 1), the padding
# row zeroed. Right as an input (each token's vector has norm sqrt(d), what the first layer norm
# expects), but a head that shares it (`head.weight = emb.weight`) gives logits of std
# sqrt(d) * std(x). Arguments that replace the table (`_weight`) or renormalize the rows forward
# reads (`max_norm`), with their positions in `Embedding(num_embeddings, embedding_dim,
# padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight, _freeze, ...)`.
EMBEDDING_LAYERS = frozenset({"torch.nn.Embedding", "torch.nn.modules.sparse.Embedding"})
EMBEDDING_DEFAULT_STD = 1.0
EMBEDDING_KEEPS_TABLE: tuple[tuple[str, int], ...] = (("max_norm", 3), ("_weight", 7))

# torch.nn layers whose parameters start at a constant (torch 2.13.0 `reset_parameters`): the
# affine weight of a norm is ones and its bias zeros. An init that writes these same constants
# changes nothing, so missing it loses nothing. Linear/Conv start random (Kaiming-uniform).
DEFAULT_CONSTANTS: dict[str, dict[str, float]] = {}
for _dims in ("1d", "2d", "3d"):
    for _name in (f"BatchNorm{_dims}", f"InstanceNorm{_dims}", f"LazyBatchNorm{_dims}",
                  f"LazyInstanceNorm{_dims}"):
        DEFAULT_CONSTANTS[_name] = {"weight": 1.0, "bias": 0.0}
for _name in ("SyncBatchNorm", "GroupNorm", "LayerNorm"):
    DEFAULT_CONSTANTS[_name] = {"weight": 1.0, "bias": 0.0}
DEFAULT_CONSTANTS["RMSNorm"] = {"weight": 1.0}


def default_constant(layer: str, tensor: str) -> Optional[float]:
    """The constant torch's own init gives `tensor` of the torch.nn class `layer`; None when
    it is random or not known."""
    return DEFAULT_CONSTANTS.get(layer.rsplit(".", 1)[-1], {}).get(tensor)


# Recurrent layers: the state at step t depends only on steps <= t, so reading each sequence's
# output at its own last position (`len - 1`) never sees right-padding that comes after it.
RECURRENT_LAYERS = frozenset({"torch.nn.GRU", "torch.nn.LSTM", "torch.nn.RNN"})

# Layers whose `.weight` is an activation's learnable slope, not a weight matrix: one value per
# channel (or one in all), with no units to keep apart, and a constant is torch's own default
# (PReLU: 0.25, torch 2.13.0), so a constant init there is not a symmetry bug.
ACTIVATION_PARAMETER_LAYERS = frozenset({"PReLU"})

# Frameworks that call a model's `init_weights()` by convention, so the method runs although no
# project code calls it: transformers' `PreTrainedModel.post_init` (5.24.0) and OpenMMLab's
# `BaseModule` (mmengine 0.10.7: the runner calls `model.init_weights()`, which recurses into
# children that define it; mmcv 1.x's `BaseModule` likewise). Elsewhere `init_weights` is an
# ordinary method: it runs only where something calls it.
INIT_WEIGHTS_BASES = frozenset({"PreTrainedModel", "BaseModule", "BaseModel"})
INIT_WEIGHTS_FRAMEWORKS = ("mmengine.", "mmcv.", "transformers.")


def calls_init_weights(base: str) -> bool:
    """Does the framework of this (qualified or bare) base class call `init_weights()` itself?"""
    return base.rsplit(".", 1)[-1] in INIT_WEIGHTS_BASES or base.startswith(INIT_WEIGHTS_FRAMEWORKS)


# torch's lazy modules: `LazyModuleMixin.__init__` registers a forward pre-hook that calls
# The class every torch module derives from, as its import resolves (both spellings).
MODULE_BASES = frozenset({"torch.nn.Module", "torch.nn.modules.module.Module"})

# `self.initialize_parameters(*args)` on the first forward (then `materialize`s and removes
# itself), so a subclass's `initialize_parameters` runs although no project code calls it
# (torch 2.13.0, torch/nn/modules/lazy.py). The `nn.Lazy*` layers derive from the mixin.
LAZY_INIT_HOOK = "initialize_parameters"
LAZY_MODULE_BASES = frozenset(
    {"LazyModuleMixin", *(name for name in BIAS_ARGUMENT if name.startswith("Lazy"))}
)


def framework_calls(base: str, method: str) -> bool:
    """Does the library of this (qualified or bare) base class call `method` on the module by
    name (`init_weights` under transformers/OpenMMLab, `initialize_parameters` under torch's
    `LazyModuleMixin`)?"""
    if method == "init_weights":
        return calls_init_weights(base)
    if method == LAZY_INIT_HOOK:
        return base.rsplit(".", 1)[-1] in LAZY_MODULE_BASES
    return False


def is_test_module(module: str) -> bool:
    """A module of a test suite (`tests.x`, `pkg.tests.test_y`, `test_z`, `x_test`, `conftest`):
    the models it builds are fixtures checked by tests, not models anyone trains."""
    parts = module.split(".")
    return any(p in ("tests", "test", "conftest") or p.startswith("test_") or p.endswith("_test") for p in parts)


def is_test_name(name: str) -> bool:
    """pytest and unittest collect functions and methods named `test*` (`test_init_state`,
    `testReinitializes`) and run them with fixtures for arguments: what they build or initialize
    is a test's, not code a model runs."""
    return name.startswith("test")


# Calls that fill a module's tensors from a checkpoint when they receive the module (as receiver
# or as first argument): torch's `Module.load_state_dict` (2.13.0), mmengine/mmcv's
# `load_checkpoint(model, path)` and `load_state_dict(module, state_dict)`, and the project
# spellings `load_weights`/`load_pretrained`. A leading underscore is the same call kept private
# (`self._load_state_dict(sd)`, `_load_checkpoint(model, f)`).
CHECKPOINT_LOADS = frozenset(
    {"load_state_dict", "load_checkpoint", "load_weights", "load_pretrained"}
)
# transformers' converters and the ports that copy them (pytorch-pretrained-BigGAN):
# `load_tf_weights_in_<model>(model, config, path)` writes every parameter it maps from a
# TensorFlow (or TF2, Flax) checkpoint into the model it receives first.
_CONVERTER_LOAD = re.compile(r"^load_(?:tf2?|flax)_weights_in_\w+$")


def is_checkpoint_load(name: Optional[str]) -> bool:
    """Is a call of this (last) name a checkpoint load into the module it receives?"""
    if name is None:
        return False
    name = name.lstrip("_")
    return name in CHECKPOINT_LOADS or _CONVERTER_LOAD.match(name) is not None


# torch.nn classes that hold no parameters (creating them late loses nothing).
PARAMETERLESS = re.compile(
    r"^(?:ReLU6?|LeakyReLU|R?ReLU|C?ELU|SELU|GELU|SiLU|Mish|Sigmoid|LogSigmoid|Tanh|Hardtanh"
    r"|Hardswish|Hardsigmoid|Hardshrink|Softshrink|Tanhshrink|Softmax2?d?|Softmin|LogSoftmax"
    r"|Softplus|Softsign|Threshold|GLU|Identity|Flatten|Unflatten|\w*Dropout\w*|\w*Pool\w*"
    r"|Upsample\w*|PixelShuffle|PixelUnshuffle|ChannelShuffle|\w*Pad\w*|Fold|Unfold"
    r"|CosineSimilarity|PairwiseDistance|\w*Loss|Parameter|ParameterList|ParameterDict"
    r"|UninitializedParameter|UninitializedBuffer|Buffer)$"
)
CONTAINERS = frozenset({"Sequential", "ModuleList", "ModuleDict"})


@dataclass(frozen=True)
class ChannelArguments:
    """Where a layer constructor takes its input/output sizes and `groups` (positions, keywords)."""

    inputs: tuple[int, str]
    outputs: tuple[int, str]
    groups: Optional[tuple[int, str]] = None


CHANNEL_ARGUMENTS: dict[str, ChannelArguments] = {
    "Linear": ChannelArguments((0, "in_features"), (1, "out_features")),
}
for _dims in ("1d", "2d", "3d"):
    # Conv: (in, out, kernel_size, stride, padding, dilation, groups, bias)
    # ConvTranspose: (in, out, kernel_size, stride, padding, output_padding, groups, bias)
    for _prefix in ("Conv", "ConvTranspose"):
        CHANNEL_ARGUMENTS[f"{_prefix}{_dims}"] = ChannelArguments(
            (0, "in_channels"), (1, "out_channels"), (6, "groups")
        )


def outputs_per_group_is_one(outputs: Optional[int], groups: Optional[int]) -> bool:
    """A layer whose every group has one output unit (`Conv1d(1, 1, k)`, a depthwise conv with
    `groups == out_channels`) has no two units that could stay symmetric: a constant kernel there
    is a fixed filter (box blur, moving average, nearest-neighbour upsampling), not a bug."""
    if outputs is None:
        return False
    return outputs == 1 or (groups is not None and groups == outputs)


# -- weight_norm / spectral_norm -----------------------------------------------------------------
HOOK_WEIGHT_NORM = "torch.nn.utils.weight_norm"
HOOK_SPECTRAL_NORM = "torch.nn.utils.spectral_norm"
PARAM_WEIGHT_NORM = "torch.nn.utils.parametrizations.weight_norm"
PARAM_SPECTRAL_NORM = "torch.nn.utils.parametrizations.spectral_norm"
PARAM_ORTHOGONAL = "torch.nn.utils.parametrizations.orthogonal"
PARAM_GENERIC = "torch.nn.utils.parametrize.register_parametrization"


class AfterWrap(str, enum.Enum):
    """What an in-place init of the wrapped tensor (`nn.init.x_(m.weight)`, `m.weight.data.x_()`)
    does once the module is wrapped."""

    # `m.weight` is a plain tensor recomputed from other parameters: the init is lost.
    LOST = "lost"
    # `m.weight` stays an alias of the trained parameter until the first forward: an in-place init
    # before the first forward writes into that parameter and is kept (assigning
    # `m.weight.data = w` rebinds the alias and is lost).
    KEPT_BEFORE_FIRST_FORWARD = "kept-before-first-forward"


@dataclass(frozen=True)
class Wrapper:
    api: str
    short: str  # how messages spell it
    after_wrap: AfterWrap
    trained: str  # the tensors that hold the trained values, as messages name them


# Checked under torch 2.13.0 (tests/test_library.py):
# - hook weight_norm: deletes `weight`, registers `weight_g`/`weight_v`, sets `weight` to the
#   computed g * v / ||v|| (a new tensor); the pre-forward hook recomputes it. In-place init lost.
# - hook spectral_norm: registers `weight_orig` and sets `weight = weight_orig.data` (same storage)
#   until the first forward recomputes it as weight_orig / sigma. In-place init before that is kept.
# - parametrizations (weight_norm, spectral_norm, orthogonal, register_parametrization): `weight`
#   is a property computed on every access; an in-place init writes a temporary. Lost.
WRAPPERS: dict[str, Wrapper] = {
    HOOK_WEIGHT_NORM: Wrapper(HOOK_WEIGHT_NORM, "torch.nn.utils.weight_norm", AfterWrap.LOST,
                              "weight_g`/`weight_v"),
    HOOK_SPECTRAL_NORM: Wrapper(HOOK_SPECTRAL_NORM, "torch.nn.utils.spectral_norm",
                                AfterWrap.KEPT_BEFORE_FIRST_FORWARD, "weight_orig"),
    PARAM_WEIGHT_NORM: Wrapper(PARAM_WEIGHT_NORM, "torch.nn.utils.parametrizations.weight_norm",
                               AfterWrap.LOST, "parametrizations.weight.original0`/`original1"),
    PARAM_SPECTRAL_NORM: Wrapper(PARAM_SPECTRAL_NORM,
                                 "torch.nn.utils.parametrizations.spectral_norm", AfterWrap.LOST,
                                 "parametrizations.weight.original"),
    PARAM_ORTHOGONAL: Wrapper(PARAM_ORTHOGONAL, "torch.nn.utils.parametrizations.orthogonal",
                              AfterWrap.LOST, "parametrizations.weight.original"),
    PARAM_GENERIC: Wrapper(PARAM_GENERIC, "parametrize.register_parametrization", AfterWrap.LOST,
                           "parametrizations.weight.original"),
}
# Other import paths of the same functions.
WRAPPER_ALIASES: dict[str, str] = {
    "torch.nn.utils.weight_norm.weight_norm": HOOK_WEIGHT_NORM,
    "torch.nn.utils.spectral_norm.spectral_norm": HOOK_SPECTRAL_NORM,
}
WRAPPER_REMOVERS = frozenset(
    {
        "torch.nn.utils.remove_weight_norm", "torch.nn.utils.weight_norm.remove_weight_norm",
        "torch.nn.utils.remove_spectral_norm", "torch.nn.utils.spectral_norm.remove_spectral_norm",
        "torch.nn.utils.parametrize.remove_parametrizations",
    }
)


def wrapper_api(qualified: Optional[str]) -> Optional[str]:
    """The canonical API name of a weight/spectral-norm or parametrization function, or None."""
    if qualified is None:
        return None
    if qualified in WRAPPERS:
        return qualified
    return WRAPPER_ALIASES.get(qualified)


def init_after_wrap_is_lost(apis: frozenset[str]) -> Optional[bool]:
    """True when an in-place init after any of `apis` is lost, False when it is kept whichever of
    them runs (old spectral_norm, before the first forward), None when it depends on which."""
    effects = {WRAPPERS[api].after_wrap for api in apis}
    if effects == {AfterWrap.LOST}:
        return True
    if effects == {AfterWrap.KEPT_BEFORE_FIRST_FORWARD}:
        return False
    return None


# -- clones ----------------------------------------------------------------------------------------
# Calls that copy one module's values into every copy (checked under torch 2.13.0: the layers of
# nn.TransformerEncoder/Decoder(layer, n) start equal; nn.Transformer re-draws them in
# `_reset_parameters`, so it is not listed).
CLONE_FUNCTIONS = frozenset({"copy.deepcopy"})
# Project helpers conventionally named for `ModuleList([copy.deepcopy(m) for _ in range(n)])`
# (torch's own `torch.nn.modules.transformer._get_clones`, the Annotated Transformer's `clones`).
CLONE_HELPER_NAMES = frozenset({"_get_clones", "get_clones", "clones", "_clones", "clone_layers"})
# Library classes that clone their layer argument n times: qualified name → argument position.
CLONING_CONTAINERS: dict[str, int] = {
    "torch.nn.TransformerEncoder": 0,
    "torch.nn.TransformerDecoder": 0,
    "torch.nn.modules.transformer.TransformerEncoder": 0,
    "torch.nn.modules.transformer.TransformerDecoder": 0,
}
# Where those classes take the number of copies (keyword, position; torch 2.13.0 signatures):
# with one copy there is no stack of identical layers.
CLONE_COUNT_ARGUMENT: dict[str, tuple[str, int]] = {
    "TransformerEncoder": ("num_layers", 1),
    "TransformerDecoder": ("num_layers", 1),
}


# -- layers inside torch layers ----------------------------------------------------------------
# torch.nn layers built with their defaults hold sub-modules of these classes (checked under torch
# 2.13.0 by tests/test_library.py): `apply(fn)` visits them too, so an exact-type test in `fn`
# (`type(m) == nn.Linear`) skips MultiheadAttention's `out_proj`, a Linear subclass.
TORCH_INNER_LAYERS: dict[str, tuple[str, ...]] = {
    "MultiheadAttention": ("NonDynamicallyQuantizableLinear",),
    "TransformerEncoderLayer": ("Dropout", "LayerNorm", "Linear", "MultiheadAttention", "NonDynamicallyQuantizableLinear"),
    "TransformerDecoderLayer": ("Dropout", "LayerNorm", "Linear", "MultiheadAttention", "NonDynamicallyQuantizableLinear"),
    "Transformer": ("Dropout", "LayerNorm", "Linear", "ModuleList", "MultiheadAttention",
                    "NonDynamicallyQuantizableLinear", "TransformerDecoder", "TransformerDecoderLayer",
                    "TransformerEncoder", "TransformerEncoderLayer"),
}
# Public torch.nn layer classes an init function may look for, and whether their `.weight` is a
# parameter: True (always), "affine" (None unless built with affine/elementwise_affine), False
# (no `.weight` at all: recurrent layers keep `weight_ih_l0`..., attention keeps `in_proj_weight`).
TORCH_WEIGHT: dict[str, object] = {
    "Linear": True, "Bilinear": True,
    "Conv1d": True, "Conv2d": True, "Conv3d": True,
    "ConvTranspose1d": True, "ConvTranspose2d": True, "ConvTranspose3d": True,
    "BatchNorm1d": "affine", "BatchNorm2d": "affine", "BatchNorm3d": "affine",
    "SyncBatchNorm": "affine",
    "InstanceNorm1d": "affine", "InstanceNorm2d": "affine", "InstanceNorm3d": "affine",
    "LayerNorm": "affine", "GroupNorm": "affine", "RMSNorm": "affine",
    "LocalResponseNorm": False, "CrossMapLRN2d": False,
    "Embedding": True, "EmbeddingBag": True, "PReLU": True,
    "RNN": False, "LSTM": False, "GRU": False, "RNNCell": False, "LSTMCell": False,
    "GRUCell": False, "RNNBase": False, "RNNCellBase": False,
    "MultiheadAttention": False,
    "Transformer": False, "TransformerEncoder": False, "TransformerDecoder": False,
    "TransformerEncoderLayer": False, "TransformerDecoderLayer": False,
}
# torch.nn containers: what they hold is whatever they were given.
TORCH_CONTAINERS = frozenset({"Sequential", "ModuleList", "ModuleDict", "TransformerEncoder", "TransformerDecoder"})

# torch.nn modules that have no `.weight` tensor and no `.bias` tensor (torch 2.13.0, checked
# by tests/test_library.py). Reading `.weight` raises AttributeError (`Module.__getattr__`), so
# init code that touches it crashes model construction. Recurrent layers keep
# `weight_ih_l0`/`bias_hh_l0`..., cells `weight_ih`/`bias_ih`, and their `.bias` is the
# constructor's bool flag (`nn.init.zeros_(lstm.bias)` raises "'bool' object has no attribute
# 'zero_'"); attention keeps `in_proj_weight` and `out_proj.weight`; containers, activations,
# dropout, pooling, padding, reshaping and upsampling modules hold no parameters. Not listed:
# losses (`CrossEntropyLoss(weight=...)` keeps a `weight` buffer, None by default) and norms
# built without affine parameters (their `weight` is None: INI007's case).
NO_WEIGHT_OR_BIAS = frozenset(
    {"RNN", "LSTM", "GRU", "RNNBase", "RNNCell", "LSTMCell", "GRUCell", "RNNCellBase",
     "MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder",
     "TransformerEncoderLayer", "TransformerDecoderLayer", "LocalResponseNorm", "CrossMapLRN2d",
     "Sequential", "ModuleList", "ModuleDict"}
)
BIAS_IS_A_FLAG = frozenset({"RNN", "LSTM", "GRU", "RNNBase", "RNNCell", "LSTMCell", "GRUCell", "RNNCellBase"})


def lacks_weight_and_bias(layer: str) -> bool:
    """Modules of this torch.nn class (last name) have no `.weight` and no `.bias` tensor
    (`.bias` is absent, or a bool flag: `BIAS_IS_A_FLAG`)."""
    last = layer.rsplit(".", 1)[-1]
    if last in NO_WEIGHT_OR_BIAS:
        return True
    return bool(PARAMETERLESS.match(last)) and not re.search(r"Loss$|Parameter|Buffer", last)


# -- torch layers without sub-modules -------------------------------------------------------------
# torch.nn layers that hold parameters and no child module (torch 2.13.0): `conv.proj.bias` on
# one of them raises AttributeError (generativerl's DiT1D initializes `x_embedder.proj` of a
# plain `nn.Conv1d`, copied from a DiT whose embedder is a PatchEmbed).
LEAF_LAYER = re.compile(
    r"^(?:Linear|Bilinear|LazyLinear|(?:Lazy)?Conv(?:Transpose)?[123]d|Embedding(?:Bag)?"
    r"|BatchNorm[123]d|LayerNorm|GroupNorm|InstanceNorm[123]d|RMSNorm|LocalResponseNorm|PReLU"
    r"|LSTM|GRU|RNN|LSTMCell|GRUCell|RNNCell)$"
)


# -- what torch layers run while they are built ----------------------------------------------------
# torch.nn layers whose `__init__` ends by calling an init method on `self` (checked under torch
# 2.13.0 with a subclass overriding it): the subclass's override runs then, before the rest of
# the subclass's own `__init__` (a `NoisyLinear(nn.Linear)` whose `reset_parameters` reads
# `self.sigma`, created after `super().__init__()`, raises AttributeError). LocalResponseNorm
# calls none.
TORCH_INIT_CALLS: dict[str, str] = {
    **{name: "reset_parameters" for name in (
        "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
        "ConvTranspose3d", "Embedding", "EmbeddingBag", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
        "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LayerNorm",
        "GroupNorm", "RMSNorm", "PReLU", "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell",
    )},
    "MultiheadAttention": "_reset_parameters",
}


# -- torch layers' own init methods ----------------------------------------------------------------
# Non-public init methods of torch layers that a subclass may call on itself after skipping the
# layer's `__init__` (`super(nn.MultiheadAttention, self).__init__()`, then its own tensors, then
# `self._reset_parameters()`: audyn's rotary attention), with the attributes they initialize when
# present (torch 2.13.0: MultiheadAttention._reset_parameters draws in_proj_weight or q/k/v_proj_weight
# with xavier_uniform_, zeroes in_proj_bias and out_proj.bias, xavier_normal_ on bias_k/bias_v).
TORCH_OWN_INITIALIZERS: dict[str, tuple[str, frozenset[str]]] = {
    "torch.nn.MultiheadAttention": ("_reset_parameters", frozenset(
        {"in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias",
         "bias_k", "bias_v"})),
    "torch.nn.modules.activation.MultiheadAttention": ("_reset_parameters", frozenset(
        {"in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias",
         "bias_k", "bias_v"})),
}


# -- transformers v5 ---------------------------------------------------------------------------
# `PreTrainedModel._init_weights(module)` (transformers 5.24.0, modeling_utils.py): torch layer
# classes it initializes by isinstance, and class-name fragments it matches for norms.
HF_INIT_BY_CLASS: dict[str, str] = {
    **{name: "normal_(weight, std=initializer_range); zeros_(bias) if present"
       for name in ("Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d")},
    "LSTM": "xavier_uniform_ on weights, zeros on biases",
    "Embedding": "normal_(weight, std=initializer_range); padding row zeroed unless loaded",
    "MultiheadAttention": "torch's own _reset_parameters()",
    **{name: "ones_(weight), zeros_(bias) when present (getattr(..., None) guards)"
       for name in ("GroupNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d")},
}
# Norm classes are matched by name, whatever the model calls them (`GemmaRMSNorm`, `FooLayerNorm`):
# their weight is set to ONE, which is wrong for `1 + weight` norms that must start at zero.
HF_NORM_NAME_FRAGMENTS = ("LayerNorm", "RMSNorm")
# `transformers.initialization` helpers: each skips a tensor whose `_is_hf_initialized` flag is set
# (loaded from a checkpoint). Raw tensor math (`p.mul_()`, `p /= x`, `.data = ...`, `copy_`
# through torch) has no such guard and runs again on every load.
HF_LOAD_GUARD_FLAG = "_is_hf_initialized"
HF_GUARDED_HELPERS = frozenset(
    {
        "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
        "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
        "trunc_normal_", "orthogonal_", "sparse_", "copy_", "lecun_normal_",
        "default_flax_embed_init_",
    }
)


def hf_init_touches(class_name: str) -> bool:
    """Whether transformers v5's default `_init_weights` re-initializes a module of this class."""
    last = class_name.rsplit(".", 1)[-1]
    return last in HF_INIT_BY_CLASS or any(f in last for f in HF_NORM_NAME_FRAGMENTS)


# -- timm ------------------------------------------------------------------------------------------
# timm 1.0.31 (`timm.layers.weight_init`, `timm.models._manipulate`): helpers that draw the whole
# tensor they are given, and the apply-style walker.
TIMM_INIT_HELPERS = frozenset(
    {"trunc_normal_", "trunc_normal_tf_", "variance_scaling_", "lecun_normal_",
     "init_weight_vit", "init_weight_jax"}
)
TIMM_NAMED_APPLY = "named_apply"  # named_apply(fn, module): calls fn(module=m, name=n) per module

# -- other libraries' init helpers ---------------------------------------------------------------
@dataclass(frozen=True)
class LibraryInit:
    """A library function that fills one of its arguments in place, as its `torch.nn.init` twin
    would: `tensor` is where that argument goes (position, keyword); `arguments` maps the
    helper's other arguments onto the twin's keywords (position, keyword, twin keyword);
    `draw_as_twin` is False when the helper's values are not the twin's with those arguments
    (a bound computed from an explicit size), so rules do not judge its scale from the twin;
    `none_safe` is True when the helper does nothing when given None (no guard is needed)."""

    twin: str
    tensor: tuple[int, str]
    arguments: tuple[tuple[int, str, str], ...] = ()
    draw_as_twin: bool = True
    none_safe: bool = False


# torch_geometric 2.8.1, torch_geometric/nn/inits.py: each helper fills `value` in place through
# `value.data` when it is a tensor, and every parameter and buffer of it when it is a module.
# - uniform(size, value): U(-1/sqrt(size), 1/sqrt(size)); the fan is the explicit `size`
# - kaiming_uniform(value, fan, a): U(-b, b), b = sqrt(6 / ((1 + a^2) * fan)), explicit fan
# - glorot(value): U(-b, b), b = sqrt(6 / (size(-2) + size(-1))): xavier_uniform_ with gain 1
# - glorot_orthogonal(tensor, scale): orthogonal_, then rescaled to variance
#   scale / (size(-2) + size(-1)); a no-op on None
# - constant(value, fill_value), zeros(value), ones(tensor): constants (fill_), not draws
# - normal(value, mean, std): normal_(mean, std)
# - reset(value): calls `value.reset_parameters()` (or `reset` of each child): no tensor argument
#   is filled; see LIBRARY_RESET_HELPERS.
# Every one of them is a no-op on None (a tensor is filled, anything else only through its
# `parameters()`/`buffers()` when it has them), so `zeros(self.bias)` needs no `is not None` guard.
_PYG = "torch_geometric.nn.inits."
LIBRARY_INIT_HELPERS: dict[str, LibraryInit] = {
    _PYG + "uniform": LibraryInit("uniform_", (1, "value"), draw_as_twin=False, none_safe=True),
    _PYG + "kaiming_uniform": LibraryInit("kaiming_uniform_", (0, "value"), ((2, "a", "a"),),
                                          draw_as_twin=False, none_safe=True),
    _PYG + "glorot": LibraryInit("xavier_uniform_", (0, "value"), none_safe=True),
    _PYG + "glorot_orthogonal": LibraryInit("orthogonal_", (0, "tensor"), draw_as_twin=False,
                                            none_safe=True),
    _PYG + "constant": LibraryInit("constant_", (0, "value"), ((1, "fill_value", "val"),),
                                   none_safe=True),
    _PYG + "zeros": LibraryInit("zeros_", (0, "value"), none_safe=True),
    _PYG + "ones": LibraryInit("ones_", (0, "tensor"), none_safe=True),
    _PYG + "normal": LibraryInit("normal_", (0, "value"), ((1, "mean", "mean"), (2, "std", "std")),
                                 none_safe=True),
}
# A word every file that calls one of these helpers contains (its import): rules that judge init
# calls add it to their cheap text filter.
LIBRARY_INIT_TRIGGERS: tuple[str, ...] = ("torch_geometric",)
# Library functions that call `reset_parameters()` on the module they are given.
LIBRARY_RESET_HELPERS = frozenset({_PYG + "reset"})


def library_init(qualified: Optional[str]) -> Optional[LibraryInit]:
    """The table entry of a library init helper by its qualified name
    (`torch_geometric.nn.inits.glorot`), or None."""
    if qualified is None:
        return None
    return LIBRARY_INIT_HELPERS.get(qualified)


# mmengine 0.10.7 (mmengine/model/weight_init.py, re-exported by mmengine.model) and mmcv 1.x
# (mmcv/cnn/utils/weight_init.py, re-exported by mmcv.cnn): helpers that take a *module* and fill
# `module.weight` in place (a fresh draw, or `val` for constant_init), then `module.bias` with the
# constant `bias` (default 0) when the module has one: after the call both are freshly written.
@dataclass(frozen=True)
class LibraryModuleInit:
    """A library function that re-initializes the module given as its first argument: `weight`
    is the torch.nn.init twin of what it writes into `module.weight`; the bias gets a constant."""

    weight: str
    # the helper's arguments that the twin shares, as in LibraryInit: (position, keyword, twin keyword)
    arguments: tuple[tuple[int, str, str], ...] = ()

    def as_tensor_init(self) -> LibraryInit:
        """The helper read as its twin applied to `module` (the first argument): enough for the
        twin's arguments (`normal_init(m, 0, std)` draws with `std`), not for where it writes."""
        return LibraryInit(self.weight, (0, "module"), self.arguments)


# normal_init(module, mean=0, std=1, bias=0), trunc_normal_init(module, mean=0, std=1, a=-2, b=2,
# bias=0), xavier_init(module, gain=1, bias=0, distribution='normal') in both libraries.
_MODULE_INIT_ARGUMENTS: dict[str, tuple[tuple[int, str, str], ...]] = {
    "normal_init": ((1, "mean", "mean"), (2, "std", "std")),
    "trunc_normal_init": ((1, "mean", "mean"), (2, "std", "std")),
    "xavier_init": ((1, "gain", "gain"),),
}
_MODULE_INIT_TWINS = {
    "constant_init": "constant_", "xavier_init": "xavier_uniform_", "normal_init": "normal_",
    "trunc_normal_init": "trunc_normal_", "uniform_init": "uniform_",
    "kaiming_init": "kaiming_normal_", "caffe2_xavier_init": "kaiming_uniform_",
}
LIBRARY_MODULE_INIT_HELPERS: dict[str, LibraryModuleInit] = {
    prefix + name: LibraryModuleInit(twin, _MODULE_INIT_ARGUMENTS.get(name, ()))
    for prefix in ("mmengine.model.weight_init.", "mmengine.model.", "mmcv.cnn.",
                   "mmcv.cnn.utils.", "mmcv.cnn.utils.weight_init.")
    for name, twin in _MODULE_INIT_TWINS.items()
}


def library_module_init(qualified: Optional[str]) -> Optional[LibraryModuleInit]:
    """The table entry of a library helper that re-initializes a whole module's weight and bias
    (`mmengine.model.kaiming_init`), or None."""
    if qualified is None:
        return None
    return LIBRARY_MODULE_INIT_HELPERS.get(qualified)


# -- PEFT / LoRA -----------------------------------------------------------------------------------
# A LoRA adapter adds B @ A to a frozen weight; one half starts at zero (PEFT: B), so the product
# starts at zero whatever the other half's scale, and PEFT documents `init_lora_weights="gaussian"`
# as `normal_(A, std=1 / r)` with r the rank: a choice of scale, not a fan-in formula.
_LORA_PAIRS: tuple[tuple[str, str], ...] = (("lora_a", "lora_b"), ("lora_down", "lora_up"))
LORA_NAME = re.compile(r"lora|adapter", re.IGNORECASE)
LORA_RANK_NAME = re.compile(r"^(?:r|rank|lora_r|lora_rank|lora_dim|lora_alpha_r)$", re.IGNORECASE)


def lora_partner(name: str) -> Optional[str]:
    """`lora_A` → "lora_b", `lora_up_k` → "lora_down_k": the other half of a LoRA pair, lower
    case (compare with `.lower()`); None for names that are not one half of a pair."""
    lowered = name.lower()
    for first, second in _LORA_PAIRS:
        for this, other in ((first, second), (second, first)):
            match = re.search(rf"{this}(?![a-z0-9])", lowered)
            if match is not None:
                return lowered[: match.start()] + other + lowered[match.end():]
    return None


# Other low-rank pairs written as two halves of one product (`weight_a @ weight_b`, `w_down`,
# `w_up`): the same reasoning applies when one half starts at zero.
_LOW_RANK_SUFFIXES: tuple[tuple[str, str], ...] = (("_a", "_b"), ("_down", "_up"))


def low_rank_partner(name: str) -> Optional[str]:
    """`lora_partner`, or the other half of a `<prefix>_a`/`<prefix>_b` (`_down`/`_up`) pair,
    lower case; None otherwise."""
    partner = lora_partner(name)
    if partner is not None:
        return partner
    lowered = name.lower()
    for first, second in _LOW_RANK_SUFFIXES:
        for this, other in ((first, second), (second, first)):
            if lowered.endswith(this) and len(lowered) > len(this):
                return lowered[: -len(this)] + other
    return None


# -- tensor creation ------------------------------------------------------------------------
# Creators that hand back uninitialized memory (torch 2.13.0): whatever the allocator held.
EMPTY_CREATORS = frozenset({"torch.empty", "torch.empty_like", "torch.empty_strided"})
LEGACY_TENSOR_TYPES = frozenset(
    {
        f"torch.{prefix}{name}"
        for prefix in ("", "cuda.")
        for name in ("Tensor", "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor")
    }
)
PARAMETER_CLASSES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})
# Names that read as a size (`n_heads`, `self.embed_dim`, `hidden`): `torch.Tensor(d)` with such an
# argument makes a tensor of that size, `torch.Tensor(values)` one holding those values.
SIZE_NAME = re.compile(
    r"(?:^|_)(?:dim|dims|size|sizes|shape|features|feats|feat|channels|chans|ch|num|n|len|length"
    r"|hidden|units|classes|heads|out|in|width|height|depth|planes|embed|embedding|vocab|tokens"
    r"|rank|k|d|h|w|c|nf|nc|nz|ngf|ndf)(?:_|$|s$)|(?-i:^(?:n|num|d|dim)[A-Z_])|_dim$|^dim"
    # the run-together sizes of older code (`nhid`, `ntoken`, `d_model` spelled `dmodel`)
    r"|^n(?:hid|hidden|inp|input|out|output|token|tokens|in|feat|feats|layers?|heads?|filters?|"
    r"units|class|classes|channels?|emb|embed|dim|z|gf|df|f|c)$|^d(?:model|ff|k|v|head|hidden|inner|emb|embed)$",
    re.IGNORECASE,
)

