"""One file's facts for the project index, read with stdlib `ast` (about 10x cheaper than libcst).

A `FileSummary` is plain, picklable data: what the file defines (classes with their bases, methods,
functions), what its functions initialize (which parameters, how), the calls that may run project
code with the literal arguments they pass, the `.apply(...)` sites, the layers each class builds,
`copy.deepcopy`/`_get_clones` sites, module loops, the guard aliases (`exists`, `default`) and how
methods use `self.<attr>` (forward facts). Names are resolved through the file's own imports to
qualified names (`torch.nn.Linear`, `pkg.layers.RMSNorm`); what cannot be resolved keeps its
written spelling and is marked as such, never guessed.

Speed: one hand-written traversal over the tree (`ast.walk` and `ast.iter_child_nodes` cost
several times the parse), and records are NamedTuples (small and fast to pickle).
"""

from __future__ import annotations

import ast
import builtins
import re
import unicodedata
import warnings
from typing import Iterator, NamedTuple, Optional, Union

from initlint.analysis.library import (
    EMPTY_CREATORS,
    LEGACY_TENSOR_TYPES,
    LIBRARY_INIT_HELPERS,
    PADDING_ARGUMENT,
    PARAMETER_CLASSES,
    SIZE_NAME,
    TIMM_NAMED_APPLY,
    WRAPPER_ALIASES,
    WRAPPERS,
    AfterWrap,
    is_checkpoint_load,
)

# The class of a `LayerBuild` chosen at run time by name (`eval(...)(...)`, `globals()[n](...)`).
DYNAMIC_CLASS = "<by name>"
# Literal values a call site can pass; anything else is not recorded as a literal.
Literal = Union[None, bool, int, float, str, tuple]
NOT_LITERAL = "<expr>"
# A pseudo-flag of layer builds inside a loop or comprehension (the layer may exist many times).
REPEATED_BUILD = "<repeated>"

# The word of `FunctionSummary.submodule_inits` for a loop that initializes every parameter of
# two or more dimensions (`if p.dim() > 1:`): no parameter name contains it.
EVERY_MATRIX = "#dim>1"
# Marks a checkpoint load written with `strict=False` in `FunctionSummary.loaded_builds` and
# `.self_loads`: it leaves any tensor the checkpoint lacks as it was.
LENIENT_LOAD = "#strict=False"
SUMMARY_VERSION = 58  # bump when the shape or meaning of a summary changes (invalidates caches)

INIT_MODULES = ("torch.nn.init.", "transformers.initialization.")
# A callable parameter whose name says it initializes what it is given (`init_fn_`, `init_method`,
# `output_layer_init_method`, `weight_init`, `initializer`): `init_fn_(module.w1)` draws
# `module.w1` (Megatron and llm-foundry hand `partial(nn.init.normal_, std=...)` this way). A
# plain `fn` or `callback` says nothing and is not one.
_INIT_CALLABLE_NAME = re.compile(r"(?:^|_)(?:init|initiali[sz]er)(?:_(?:fn|func|function|method))?_?$", re.IGNORECASE)
# In-place tensor methods that overwrite values: initialization when applied to a parameter.
INPLACE_INIT_METHODS = frozenset(
    {
        "zero_", "fill_", "normal_", "uniform_", "copy_", "bernoulli_", "random_", "exponential_",
        "geometric_", "cauchy_", "log_normal_", "fill_diagonal_", "trunc_normal_", "orthogonal_",
        "kaiming_normal_", "kaiming_uniform_", "xavier_normal_", "xavier_uniform_", "constant_",
        "ones_", "zeros_", "eye_", "dirac_",
    }
)
MODULE_ITERATORS = frozenset({"modules", "named_modules", "children", "named_children"})
TENSOR_ITERATORS = frozenset({"parameters", "named_parameters", "buffers", "named_buffers"})
CLONE_FUNCTIONS = frozenset({"copy.deepcopy", "deepcopy"})
_CLONE_NAME = re.compile(r"(?:^|_)(?:get_)?clones?$|^_?clone_modules?$", re.IGNORECASE)
# A class's name: capitalised, or one lowercase letter before capitals (`sLSTMCell`, `mLSTMBlock`,
# `iTransformer`: xLSTM-style names); `toTensor`, `isNone` are calls of functions.
_CLASS_NAME = re.compile(r"^_?[a-z]?[A-Z]")
# Top-level modules whose calls never run project code (not worth recording as call sites).
_EXTERNAL = frozenset(
    {"torch", "math", "numpy", "np", "typing", "collections", "functools", "itertools", "os",
     "sys", "re", "warnings", "logging", "copy", "dataclasses", "einops", "json", "inspect",
     "builtins", "abc", "enum", "operator", "contextlib", "pathlib", "time", "random", "string"}
)
# Flags whose literal value decides which parameters a layer has.
LAYER_FLAGS = frozenset(
    {"bias", "affine", "elementwise_affine", "padding_idx", "track_running_stats", "add_bias_kv",
     "bias_attr", "use_bias", "learnable", "scale", "weight", "elementwise_scale", "bias_init"}
)
_TENSOR_FACTORIES = frozenset(
    {"empty", "zeros", "ones", "randn", "rand", "full", "tensor", "Tensor", "FloatTensor", "arange",
     "eye", "empty_like", "zeros_like", "ones_like", "randn_like", "rand_like", "linspace"}
)
_ANNOTATION_KINDS = {
    "int": "int", "float": "float", "bool": "bool", "str": "str", "Tensor": "tensor",
    "Parameter": "tensor", "Module": "module",
}
_ACTIVATIONS = {
    "softmax": "softmax", "log_softmax": "softmax", "sigmoid": "sigmoid", "exp": "exp",
    "softplus": "softplus", "tanh": "tanh", "normalize": "normalized",
}
# Wrappers after which an in-place init of `weight` is lost (the library table: not the old
# `spectral_norm` hook, which keeps an init made before the first forward).
_LOSING_WRAPPERS = frozenset(
    name for name, wrapper in {**WRAPPERS, **{alias: WRAPPERS[api] for alias, api in WRAPPER_ALIASES.items()}}.items()
    if wrapper.after_wrap is AfterWrap.LOST
)
# Calls that orthonormalize a matrix (QR, Gram-Schmidt, polar): only its directions are used.
_ORTHONORMALIZING = re.compile(r"(?:^|_)qr$|gram_schmidt|orthonormali[sz]e|orthogonali[sz]e", re.I)
# What L2-normalizes a tensor: torch's `F.normalize`, and the `l2norm` helper of lucidrains-style
# code (`def l2norm(t): return F.normalize(t, dim=-1)`).
_NORMALIZERS = frozenset({"normalize", "l2norm", "l2_norm", "l2normalize"})
# Matrix products, as functions or tensor methods (`F.linear(x, w)` too): an operand is summed
# over a fan-in.
_MATMULS = frozenset({"matmul", "mm", "bmm", "linear"})
# The functional embedding: its second argument (`weight`) is a table read by index.
_EMBEDDING_LOOKUPS = frozenset({"torch.nn.functional.embedding", "torch.embedding"})
# dtype and device conversions that keep a one-hot matrix one-hot: `one_hot(i, n).float()`
_CONVERSIONS = frozenset({"float", "double", "half", "to", "type", "bfloat16"})

# torch's functional convolutions: the weight argument is a kernel, not a stack of matrices.
_CONVOLUTIONS = frozenset(
    {"conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}
)
# torch functions that join tensors along a dimension (a parameter joined is extra tokens/rows).
_JOINS = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack"})
_VIEWS = frozenset(
    {"view", "reshape", "unsqueeze", "to", "type_as", "float", "expand", "expand_as", "t",
     "transpose", "permute", "contiguous", "squeeze", "half", "bfloat16", "abs"}
)


def _is_one_hot(node: ast.AST) -> bool:
    """`one_hot(i, n)`, `F.one_hot(i, n).float()`: a matrix with a single 1 per row."""
    while type(node) is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None
        if name == "one_hot":
            return True
        if name not in _CONVERSIONS or type(func) is not ast.Attribute:
            return False
        node = func.value
    return False


# ------------------------------------------------------------------------------------------- data
# Inits whose defaults are N(0, 1) / U(0, 1): given only the tensor, they draw at unit scale.
_UNIT_DRAWS = frozenset({"normal_", "uniform_", "normal", "uniform"})


class ParamInit(NamedTuple):
    """`param[.path]` is initialized inside a function, by `how`: a qualified init function
    (`torch.nn.init.normal_`), an in-place method (`normal_`), `.data=`, `param:<name>` for a
    callable parameter that initializes what it is given (`init_fn_(module.w1)`), or
    `call:<callee>#<slot>` when the parameter is handed on to another function that may
    initialize it. `sliced`: the init is given a slice of it (`xavier_uniform_(self.w[i])`),
    not the whole tensor (which matters to fan-based inits)."""

    param: str
    path: tuple[str, ...]
    how: str
    line: int
    sliced: bool = False


class ArgFact(NamedTuple):
    """What one argument of a call site is."""

    kind: str  # "literal" | "param" | "self_attr" | "self" | "constructed" | "name" | "module_loop" | "instance_attr" | "other"
    value: Literal = None  # the literal / param name / attr / class / local name / isinstance classes
    path: tuple[str, ...] = ()
    # a loop variable passed under `if isinstance(m, A):` (`or isinstance(m, B)`): only A (B)
    # arrive (qualified classes)
    narrowed: tuple[str, ...] = ()


class CallSite(NamedTuple):
    """A call that may run project code: `callee` as written (dotted, `self.x`, `super().x`),
    `target` its import-resolved qualified name when the head is imported or defined here."""

    callee: str
    target: Optional[str]
    positional: tuple[ArgFact, ...]
    keywords: tuple[tuple[str, ArgFact], ...]
    line: int
    has_star: bool = False

    def argument(self, position: Optional[int], keyword: str) -> Optional[ArgFact]:
        for name, fact in self.keywords:
            if name == keyword:
                return fact
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None


class ApplySite(NamedTuple):
    """`<receiver>.apply(<fn>)`: `receiver_class` when the receiver is `self` (the class) or a
    local built from a known class; `function` the callable (`self._init` → `_init`, is_method)."""

    receiver: str
    receiver_class: Optional[str]
    function: str
    is_method: bool
    line: int
    # the classes of every module the receiver holds, when the same function built it from
    # known constructions (`self.mlp = nn.Sequential(*layers)` with `layers` a list of
    # `nn.Linear(...)`/`nn.ReLU()`; a loop variable over such a list): `apply` visits those
    # (class, literal layer flags as in `LayerBuild.flags`, `REPEATED_BUILD` for a build in a
    # loop or comprehension)
    holds: tuple[tuple[str, tuple[tuple[str, Literal], ...]], ...] = ()


class LayerBuild(NamedTuple):
    """A class constructed in a class's body or methods: `cls` qualified when `resolved`, `attr`
    the `self.<attr>` it is assigned to, `flags` its literal layer flags (`bias=False`)."""

    cls: str
    resolved: bool
    attr: Optional[str]
    flags: tuple[tuple[str, Literal], ...]
    line: int
    from_parameter: bool = False  # `norm_layer(dim)` with norm_layer an argument: class unknown
    # its first two arguments (in/out features or channels) as written: "1", "self.context_length";
    # "" for anything that is neither a number nor a dotted name
    args: tuple[str, ...] = ()
    # layer flags passed straight from a parameter of the building function:
    # `nn.Linear(i, o, bias=bias)` in `__init__(self, i, o, bias=True)` →
    # (("bias", "bias", 2, True),): keyword, parameter, the parameter's position among the
    # constructor's positional arguments (self not counted; None: keyword-only or not the
    # class's `__init__`) and its literal default (NOT_LITERAL when none or not `__init__`)
    param_flags: tuple[tuple[str, str, Optional[int], Literal], ...] = ()
    # how this construction passes its arguments: how many positional ones (-1 when a `*args`
    # or `**kwargs` splat hides which), and the keywords it names
    positional_count: int = -1
    keywords: tuple[str, ...] = ()
    # built only under `if <param> == <literal>` (`elif`, `in (...)`) on a parameter of the
    # function that builds it (the innermost such test): (that function's qualname, the
    # parameter, the literals that take the branch); () when no such test encloses it
    branch: tuple = ()
    # the string and bool literals this construction passes, by keyword or by position:
    # `MLP(d, 1, norm="batch")` -> (("norm", "batch"),); what decides a branch of its class
    passed: tuple[tuple[Union[str, int], Literal], ...] = ()
    # the call this construction is the first argument of, import-resolved when possible:
    # `weight_norm(nn.Linear(...))` -> "torch.nn.utils.weight_norm"; "" when none
    wrapped_by: str = ""


class CloneSite(NamedTuple):
    """`copy.deepcopy(x)` / `_get_clones(x, n)`: the clones share x's initial values."""

    function: str
    source: str
    attr: Optional[str]
    line: int


class ModuleLoop(NamedTuple):
    """`for m in <receiver>.modules()`: `receiver_class` when the receiver is `self`."""

    target: str
    receiver: str
    receiver_class: Optional[str]
    line: int


class RowIndex(NamedTuple):
    """A parameter used, with no None check anywhere in the function, as the row index of a
    zeroing write (`w[padding_idx].zero_()`, `w.data[i] = 0`, `nn.init.zeros_(w[i])`): a call
    that passes None zeroes the whole table (`w[None]` is all of `w`)."""

    param: str
    position: Optional[int]  # among the declared positional parameters (self included); None: keyword-only
    default_none: bool


class PadTest(NamedTuple):
    """`ids == 0`, `ids != pad`, `ids.gt(0)`, `ids.data.eq(self.padding_idx)`: a local or
    parameter compared with 0 or a padding index, the usual way a model masks padded ids."""

    name: str
    line: int
    text: str


class FunctionSummary(NamedTuple):
    name: str
    qualname: str  # "f", "Class.method", "Class.method.inner"
    class_name: Optional[str]  # the class this is a method of (or is nested in)
    params: tuple[str, ...]
    line: int
    initializes: tuple[ParamInit, ...] = ()
    calls: tuple[CallSite, ...] = ()
    applies: tuple[ApplySite, ...] = ()
    value_kinds: tuple[tuple[str, str], ...] = ()  # name → "module" | "int" | "tensor" | ...
    self_uses: tuple[tuple[str, str], ...] = ()  # (attr, use): forward facts
    isinstance_checks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, classes)
    decorators: tuple[str, ...] = ()
    module_loops: tuple[ModuleLoop, ...] = ()
    row_indexes: tuple[RowIndex, ...] = ()
    # lines of `for p in self.parameters()` / `self.named_parameters()` loops that initialize
    # every parameter they visit (no filter): the module's whole tree, sub-modules included
    blanket_inits: tuple[int, ...] = ()
    # (line of an init of a parameter, the classes of the `isinstance` test guarding it)
    init_guards: tuple[tuple[int, tuple[str, ...]], ...] = ()
    # (line, sub-module attribute, name words) of loops over `self.<attr>.parameters()` /
    # `named_parameters()` that initialize the parameters they visit: every parameter below
    # `self.<attr>` whose name (relative to it) contains one of the words (`""`: all of them;
    # `if "weight" in name:` gives ("weight",); `EVERY_MATRIX`: those of two or more dimensions,
    # `if p.dim() > 1:`)
    submodule_inits: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    # forward facts about padded ids: (attr, name) of `self.<attr>(<name>)` calls (the ids fed to
    # a sub-module), the padding tests, `gather...(x, <len> - 1)` reads at each sequence's last
    # position (line, text), and lines reading the batch's last step `x[:, -1]`
    fed: tuple[tuple[str, str], ...] = ()
    pad_tests: tuple[PadTest, ...] = ()
    len_gathers: tuple[tuple[int, str], ...] = ()
    last_steps: tuple[int, ...] = ()
    # lines of inits that draw N(0, 1) or U(0, 1) themselves (`normal_(w)`, `w.uniform_()`: the
    # tensor and nothing else): a re-draw at unit scale fixes no unit-scale parameter
    unit_draws: tuple[int, ...] = ()
    # required parameters named as masks (`input_mask`, `mask`, `attention_mask` with no default
    # and no Optional/None annotation) that the body reads: no call runs it without a mask
    required_masks: tuple[str, ...] = ()
    # checkpoint loads into the instance on the function's main path (not under an `if`, a loop
    # or an `except`): (line, call as written), `self.load_state_dict(sd)`, `load_checkpoint(self, f)`
    self_loads: tuple[tuple[int, str], ...] = ()
    # `x = Cls(...)` (also `self.x = ...`) followed on the same path by a checkpoint load into `x`
    # (`x.load_state_dict(sd)`, `load_checkpoint(x, f)`): (first line, last line of the
    # assignment, line of the load, the load call as written)
    loaded_builds: tuple[tuple[int, int, int, str], ...] = ()
    # lines of `for p in self.parameters()` loops that initialize every parameter of two or more
    # dimensions (`if p.dim() > 1: nn.init.xavier_uniform_(p)`): every weight matrix below
    matrix_inits: tuple[int, ...] = ()
    # lines of `for name, p in self.named_parameters()` loops that hand each parameter to other
    # code (`self._init_param(name, p)`, `init_fn(p)`) without initializing it themselves: the
    # module's own parameters may be initialized there
    param_handoffs: tuple[int, ...] = ()
    # inits of the modules a loop over a parameter's `modules()` visits (`for m in
    # model.modules(): if isinstance(m, Foo): nn.init.normal_(m.w)`): (the parameter looped
    # over, the path written below each module, line, the classes of the `isinstance` test)
    module_loop_inits: tuple[tuple[str, tuple[str, ...], int, tuple[str, ...]], ...] = ()
    # a layer factory that returns its layer wrapped (`return weight_norm(nn.Conv1d(*a, **k))`,
    # or `conv = nn.Conv1d(...)`, `parametrizations.weight_norm(conv)`, `return conv`): (the
    # layer class, the wrapping function), both qualified where imported; () otherwise
    returns_wrapped: tuple[str, str] | tuple[()] = ()
    # lines of `model = model_class(**config)` (a class received as a parameter, built) that a
    # checkpoint load into `model` follows somewhere in the function, on any path: a generic
    # loader, which builds whatever class it is given to fill it from a checkpoint
    loaded_parameter_builds: tuple[int, ...] = ()
    # mask parameters a call may leave out (`attention_mask=None`, `Optional[Tensor]`) that the
    # body reads: the model masks padded positions whenever a caller passes one
    optional_masks: tuple[str, ...] = ()
    # loops over the parameters of one of its own arguments (`def initialize_weights(model):
    # for name, p in model.named_parameters(): if "weight" in name: ...`) that initialize what
    # they visit: (argument, line, name words as in `submodule_inits`); a caller that hands it
    # `self.<sub>` after building the sub-module has those parameters overwritten
    param_loop_inits: tuple[tuple[str, int, tuple[str, ...]], ...] = ()
    # calls that are a whole top-level statement of the body (`self.init_weights()`, as
    # written): they run on every call of the function, not under a test or in a loop
    top_calls: tuple[str, ...] = ()

    def kind_of(self, name: str) -> Optional[str]:
        for key, kind in self.value_kinds:
            if key == name:
                return kind
        return None

    @property
    def is_method(self) -> bool:
        """Bound method of a class (its first parameter is the instance)."""
        return (
            self.class_name is not None
            and self.qualname == f"{self.class_name}.{self.name}"
            and "staticmethod" not in self.decorators
            and bool(self.params)
        )


class ClassSummary(NamedTuple):
    name: str
    qualname: str
    line: int
    bases: tuple[str, ...]  # qualified when resolvable, else as written
    methods: tuple[str, ...]
    layers: tuple[LayerBuild, ...] = ()
    clones: tuple[CloneSite, ...] = ()
    # Sub-module attributes named by an `override=dict(name=...)` of the class's own OpenMMLab
    # `init_cfg` (see `init_cfg_overrides`): mmengine initializes their weight and bias.
    init_cfg_overrides: tuple[str, ...] = ()
    # Attributes its methods assign on `self` (`self.weight = ...`) or register by a literal name
    # (`self.register_parameter("weight", ...)`); "*" when one is set by a computed name.
    attrs: tuple[str, ...] = ()
    # its own `__init__`'s parameters: (name, position among the positional ones with self not
    # counted or None for keyword-only, literal default or NOT_LITERAL); empty without `__init__`
    init_params: tuple[tuple[str, Optional[int], Literal], ...] = ()
    # how that `__init__` calls `super().__init__(...)`: (positional count, -1 behind a splat;
    # (base keyword, own parameter passed as it or "", the literal passed otherwise)); None when
    # it makes no such call at the top of its body
    super_init: Optional[tuple[int, tuple[tuple[str, str, Literal], ...]]] = None
    # parameters its methods create 1-D from uninitialized memory
    # (`self.v = nn.Parameter(torch.Tensor(dim))`, `torch.empty(n)`) and no method of the class
    # initializes (`self.v.data.uniform_()`, `nn.init.zeros_(self.v)`): garbage until some
    # other code (an owner's loop over `parameters()`) fills them
    empty_vectors: tuple[str, ...] = ()
    # parameters its methods create with three or more sizes that are not a literal 1
    # (`nn.Parameter(torch.empty(experts, d_in, d_out))`): (attr, the sizes as written, line);
    # a fan-based init of the whole tensor reads all but two of them as a kernel
    stacks: tuple[tuple[str, str, int], ...] = ()
    # attributes a method stores straight from one of its arguments (`self.model = model`): a
    # module handed in, whose contents the class does not decide
    stored_arguments: tuple[str, ...] = ()
    # every attribute its methods set on `self` holds a plain value (a number, a name, arithmetic,
    # `math.*`, `len(...)`) and none registers anything: a class that holds no parameter or
    # module of its own (a base class that keeps sizes and options)
    holds_only_values: bool = False


class FileSummary(NamedTuple):
    module: str
    version: int
    imports: tuple[tuple[str, str], ...]  # local name → qualified
    classes: tuple[ClassSummary, ...]
    functions: tuple[FunctionSummary, ...]  # every def, nested ones included (by qualname)
    module_calls: tuple[CallSite, ...]  # calls at module level
    module_applies: tuple[ApplySite, ...]
    guard_aliases: tuple[tuple[str, str], ...]  # "exists" → "not_none", "default" → "default"
    referenced_names: frozenset[str]  # Name loads, attribute names and identifier strings
    has_init_code: bool
    error: Optional[str] = None
    # monkey patches: `modeling_x.XExperts = MyExperts` (in any scope), an attribute of an
    # imported name set to a class: (the class, qualified; the attribute set, qualified; line).
    # Library code that looks the name up at run time (`isinstance(m, XExperts)` in its
    # `_init_weights`) then builds and handles the project's class.
    patches: tuple[tuple[str, str, int], ...] = ()
    # `FunctionSummary.loaded_builds` of the module's own statements (a script's or an
    # `if __name__ == "__main__":` block's `model = Model(cfg)` then a load into it)
    module_loaded_builds: tuple[tuple[int, int, int, str], ...] = ()
    # `nn.Sequential(nn.Linear(...), nn.ReLU(), ...)`: (line, layer class as qualified, the
    # qualified class of the element right after it) for consecutive constructions
    sequence_pairs: tuple[tuple[int, str, str], ...] = ()

    def import_map(self) -> dict[str, str]:
        return dict(self.imports)


def empty_summary(module: str, error: Optional[str] = None) -> FileSummary:
    return FileSummary(module, SUMMARY_VERSION, (), (), (), (), (), (), frozenset(), False, error)


# ------------------------------------------------------------------------------------ helpers
def resolve_relative(package: Optional[str], level: int, module: Optional[str]) -> Optional[str]:
    """`from ..x import y` in package `package` (level 2, module "x") → the module it names."""
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) if base else None


def module_name(package: Optional[str], filename: str) -> str:
    """Dotted module name of a file from its package (`pkg.sub`) and file name."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".pyi", ".py"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem == "__init__":
        return package or ""
    return f"{package}.{stem}" if package else stem


def _is_super_init(node: ast.AST) -> bool:
    """`super().__init__(...)`."""
    func = node.func if type(node) is ast.Call else None  # type: ignore[attr-defined]
    return (type(func) is ast.Attribute and func.attr == "__init__"  # type: ignore[attr-defined]
            and type(func.value) is ast.Call and type(func.value.func) is ast.Name  # type: ignore[attr-defined]
            and func.value.func.id == "super")  # type: ignore[attr-defined]


def init_cfg_overrides(klass: ast.ClassDef) -> tuple[str, ...]:
    """The `name`s of `override` entries in the class's own OpenMMLab `init_cfg`: the default of
    `__init__`'s `init_cfg` parameter, `self.init_cfg = ...` / `+=`, and `init_cfg=` passed to
    `super().__init__`. Not an `init_cfg` handed to a sub-module's constructor: that one is the
    sub-module's own, and runs only if the sub-module's `init_weights` does."""
    sources: list[ast.AST] = []
    for statement in klass.body:
        if type(statement) is ast.FunctionDef and statement.name == "__init__":
            arguments = statement.args
            positional = arguments.posonlyargs + arguments.args
            for arg, default in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults):
                if arg.arg == "init_cfg":
                    sources.append(default)
            for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
                if arg.arg == "init_cfg" and default is not None:
                    sources.append(default)
    for node in ast.walk(klass):
        if type(node) in (ast.Assign, ast.AugAssign):
            targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore[attr-defined]
            if any(dotted(t) == "self.init_cfg" for t in targets):
                sources.append(node.value)  # type: ignore[attr-defined]
        elif _is_super_init(node):
            sources.extend(k.value for k in node.keywords if k.arg == "init_cfg")  # type: ignore[attr-defined]
    names: list[str] = []
    for source in sources:
        for node in ast.walk(source):
            entries: list[ast.AST] = []
            if type(node) is ast.Call and dotted(node.func) == "dict":  # type: ignore[attr-defined]
                entries = [k.value for k in node.keywords if k.arg == "override"]  # type: ignore[attr-defined]
            elif type(node) is ast.Dict:
                entries = [v for k, v in zip(node.keys, node.values) if literal(k) == "override"]  # type: ignore[attr-defined]
            for entry in entries:
                for item in ast.walk(entry):
                    if type(item) is ast.Call and dotted(item.func) == "dict":  # type: ignore[attr-defined]
                        value = next((literal(k.value) for k in item.keywords if k.arg == "name"), None)  # type: ignore[attr-defined]
                    elif type(item) is ast.Dict:
                        value = next((literal(v) for k, v in zip(item.keys, item.values) if literal(k) == "name"), None)  # type: ignore[attr-defined]
                    else:
                        continue
                    if isinstance(value, str) and value not in names:
                        names.append(value)
    return tuple(names)


def dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` → "a.b.c"; `super().f` → "super().f"; None for anything else."""
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is ast.Name:
        parts.append(node.id)  # type: ignore[attr-defined]
        return ".".join(reversed(parts))
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "super":  # type: ignore[attr-defined]
        parts.append("super()")
        return ".".join(reversed(parts))
    return None


def _positional_padding(node: ast.Call, cls: str, flags: tuple) -> tuple[tuple[str, Literal], ...]:
    """`nn.Embedding(n, d, 0)`: torch's embeddings take `padding_idx` positionally too (the
    library table says where). A project class named like an embedding with as many positional
    arguments may take it there as well: recorded as not literal (a padding row may exist)."""
    if any(key == "padding_idx" for key, _ in flags) or any(type(a) is ast.Starred for a in node.args):
        return ()
    short = cls.rsplit(".", 1)[-1]
    if short in PADDING_ARGUMENT:
        keyword, position = PADDING_ARGUMENT[short]
        if cls.startswith("torch.") and len(node.args) > position:
            return ((keyword, literal(node.args[position])),)
        if cls.startswith("torch."):
            return ()
    if short.endswith("Embedding") and len(node.args) > PADDING_ARGUMENT["Embedding"][1]:
        return (("padding_idx", NOT_LITERAL),)
    return ()


def literal(node: ast.AST) -> Literal:
    if type(node) is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if value is ... or isinstance(value, (bytes, complex)):
            return NOT_LITERAL
        return value
    if type(node) is ast.UnaryOp and type(node.op) is ast.USub:  # type: ignore[attr-defined]
        inner = literal(node.operand)  # type: ignore[attr-defined]
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
    if type(node) is ast.Tuple:
        items = tuple(literal(e) for e in node.elts)  # type: ignore[attr-defined]
        if NOT_LITERAL not in items:
            return items
    return NOT_LITERAL


def root_and_path(node: ast.AST) -> tuple[Optional[str], tuple[str, ...]]:
    """`m.weight.data` → ("m", ("weight", "data")); subscripts and `.detach()` are looked through."""
    path: list[str] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            path.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Subscript:
            node = node.value  # type: ignore[attr-defined]
        elif (
            kind is ast.Call
            and type(node.func) is ast.Attribute  # type: ignore[attr-defined]
            and node.func.attr in ("detach", "t")  # type: ignore[attr-defined]
            and not node.args  # type: ignore[attr-defined]
        ):
            node = node.func.value  # type: ignore[attr-defined]
        else:
            break
    if type(node) is ast.Name:
        return node.id, tuple(reversed(path))  # type: ignore[attr-defined]
    return None, ()


def _is_sliced(node: ast.AST) -> bool:
    """`self.w[i]`, `w[0].data`: an init given part of a tensor (`root_and_path` looks
    through the subscript)."""
    while type(node) in (ast.Attribute, ast.Subscript, ast.Call):
        if type(node) is ast.Subscript:
            return True
        node = node.func.value if type(node) is ast.Call and type(node.func) is ast.Attribute else (  # type: ignore[attr-defined]
            node.value if type(node) is not ast.Call else None  # type: ignore[attr-defined]
        )
    return False


# A complex tensor's halves, written in place as views of it (`p.real.normal_(0, std);
# p.imag.normal_(0, std)`: timesead's Fourier weights, tuning23); only as the last step, where
# no sub-module can be named so.
_COMPLEX_HALVES = ("real", "imag")


def _rows_by_computed_index(index: ast.AST) -> bool:
    """`[ids]`, `[ids, :]`, `[batch.ids, ...]`: whole rows picked by a computed index (a name,
    attribute or call), not a literal position or a slice."""
    rest: list[ast.AST] = []
    if type(index) is ast.Tuple:
        if not index.elts:  # type: ignore[attr-defined]
            return False
        index, rest = index.elts[0], list(index.elts[1:])  # type: ignore[attr-defined]
    whole = all(
        (type(r) is ast.Slice and r.lower is None and r.upper is None and r.step is None)  # type: ignore[attr-defined]
        or (type(r) is ast.Constant and r.value is Ellipsis)  # type: ignore[attr-defined]
        for r in rest
    )
    return whole and type(index) in (ast.Name, ast.Attribute, ast.Call)


def _strip_data(path: tuple[str, ...]) -> tuple[str, ...]:
    if "data" in path:
        return path[: path.index("data")]
    return path[:-1] if path[-1:] and path[-1] in _COMPLEX_HALVES else path


def _annotation_kind(node: Optional[ast.expr]) -> Optional[str]:
    if node is None:
        return None
    written = dotted(node)
    if written is None and type(node) is ast.Constant and isinstance(node.value, str):  # type: ignore[attr-defined]
        written = node.value  # type: ignore[attr-defined]
    if written is None:
        return None
    return _ANNOTATION_KINDS.get(written.rsplit(".", 1)[-1])


def _is_one(node: ast.AST) -> bool:
    return (
        type(node) is ast.Constant
        and node.value in (1, 1.0)  # type: ignore[attr-defined]
        and not isinstance(node.value, bool)  # type: ignore[attr-defined]
    )


# ------------------------------------------------------------------------------------ summariser
def _looked_up_by_name(func: ast.AST) -> bool:
    """`eval(<not a literal>)` or `globals()[<not a literal>]`: a callable found by name at run
    time among the module's globals."""
    if type(func) is ast.Call:
        return dotted(func.func) == "eval" and len(func.args) == 1 and type(func.args[0]) is not ast.Constant  # type: ignore[attr-defined]
    if type(func) is ast.Subscript:
        inner = func.value  # type: ignore[attr-defined]
        return type(inner) is ast.Call and dotted(inner.func) == "globals" and type(func.slice) is not ast.Constant  # type: ignore[attr-defined]
    return False


def _whole(node: ast.AST, name: str) -> bool:
    """`name` or `name.data` (not a row `name[i]`)."""
    if type(node) is ast.Attribute and node.attr == "data":  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    return type(node) is ast.Name and node.id == name  # type: ignore[attr-defined]


def _writes(node: ast.AST, name: str) -> bool:
    """Does this statement overwrite all values of tensor `name` (`name.data.uniform_(...)`,
    `nn.init.x_(name)`, `name.data = ...`)?"""
    if type(node) is ast.Expr:
        call = node.value  # type: ignore[attr-defined]
        if type(call) is not ast.Call:
            return False
        func = call.func  # type: ignore[attr-defined]
        if type(func) is ast.Attribute and func.attr in INPLACE_INIT_METHODS and _whole(func.value, name):  # type: ignore[attr-defined]
            return True
        written = dotted(func) or ""
        return bool(call.args) and written.rsplit(".", 1)[-1] in INPLACE_INIT_METHODS \
            and _whole(call.args[0], name)  # type: ignore[attr-defined]
    if type(node) is ast.Assign:
        return any(
            type(t) is ast.Attribute and t.attr == "data" and _whole(t, name) for t in node.targets  # type: ignore[attr-defined]
        )
    return False


def _initializes_every_time(body: list[ast.stmt], name: str) -> bool:
    """Does every pass through this loop body overwrite `name`? A statement at its top level
    (or inside `with`) does, an `if` only when both branches do; `continue` before it skips."""
    for statement in body:
        kind = type(statement)
        if kind is ast.Continue or kind is ast.Break or kind is ast.Return:
            return False
        if _writes(statement, name):
            return True
        if kind is ast.With and _initializes_every_time(statement.body, name):  # type: ignore[attr-defined]
            return True
        if kind is ast.If:
            if statement.orelse and _initializes_every_time(statement.body, name) \
                    and _initializes_every_time(statement.orelse, name):  # type: ignore[attr-defined]
                return True
            if any(type(s) in (ast.Continue, ast.Break, ast.Return) for s in ast.walk(statement)):
                return False  # `if "bias" in n: continue`: a filter
    return False


# Calls that take a tensor and cannot initialize it.
_NOT_HANDOFFS = frozenset({"print", "len", "isinstance", "id", "str", "repr", "hash", "type", "getattr",
                           "hasattr", "setattr", "warnings.warn", "list", "tuple", "append"})


def _hands_on(body: list[ast.stmt], name: str) -> bool:
    """Does the loop body pass the tensor `name` itself to a call (`self._init_param(n, p)`,
    `init_fn(p)`) that is not a logger, a builtin or a container method?"""
    for statement in body:
        for node in ast.walk(statement):
            if type(node) is not ast.Call:
                continue
            written = dotted(node.func) or ""  # type: ignore[attr-defined]
            last = written.rsplit(".", 1)[-1]
            if written in _NOT_HANDOFFS or last in _NOT_HANDOFFS or written.split(".", 1)[0] in ("logger", "log", "logging"):
                continue
            if last.endswith("_"):
                continue  # an init function (`nn.init.zeros_(p)`): read as the init it is
            arguments = [*node.args, *(k.value for k in node.keywords)]  # type: ignore[attr-defined]
            if any(type(a) is ast.Name and a.id == name for a in arguments):  # type: ignore[attr-defined]
                return True
    return False


def _initializes_matrices(body: list[ast.stmt], name: str) -> bool:
    """A loop body `if p.dim() > 1: <init p>` (also `>= 2`, `p.ndim`, `len(p.shape)`): every
    tensor of two or more dimensions it visits is overwritten."""
    if len(body) != 1 or type(body[0]) is not ast.If:
        return False
    test = body[0].test  # type: ignore[attr-defined]
    if not (type(test) is ast.Compare and len(test.ops) == 1 and type(test.comparators[0]) is ast.Constant):
        return False
    bound = test.comparators[0].value
    if type(bound) is not int or not _is_dims_of(test.left, name):
        return False
    low = bound + 1 if type(test.ops[0]) is ast.Gt else bound if type(test.ops[0]) is ast.GtE else None
    return low is not None and low <= 2 and _initializes_every_time(body[0].body, name)  # type: ignore[attr-defined]


def _is_dims_of(expr: ast.expr, name: str) -> bool:
    """`p.dim()`, `p.ndim`, `p.ndimension()`, `len(p.shape)`, `len(p.size())` for `p` = name
    (or `p.data`)."""
    def is_tensor(node: ast.expr) -> bool:
        if type(node) is ast.Attribute and node.attr == "data":  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        return type(node) is ast.Name and node.id == name  # type: ignore[attr-defined]

    if type(expr) is ast.Call and not expr.args:  # type: ignore[attr-defined]
        func = expr.func  # type: ignore[attr-defined]
        return type(func) is ast.Attribute and func.attr in ("dim", "ndimension") and is_tensor(func.value)
    if type(expr) is ast.Attribute:
        return expr.attr == "ndim" and is_tensor(expr.value)  # type: ignore[attr-defined]
    if type(expr) is ast.Call and type(expr.func) is ast.Name and expr.func.id == "len" and len(expr.args) == 1:  # type: ignore[attr-defined]
        inner = expr.args[0]  # type: ignore[attr-defined]
        if type(inner) is ast.Call and not inner.args:
            inner = inner.func  # `p.size()`
            return type(inner) is ast.Attribute and inner.attr == "size" and is_tensor(inner.value)
        return type(inner) is ast.Attribute and inner.attr == "shape" and is_tensor(inner.value)
    return False


def _name_filter(body: list[ast.stmt], tensor: str, key: Optional[str]) -> tuple[str, ...]:
    """The parameter names a loop body initializes `tensor` for: ("",) when it does on every
    pass; for `if "w" in key: init(tensor)` (an `elif "x" in key:` chain) the words tested, up to
    the first branch whose test is not such a word test or that does not initialize; () when
    none is known."""
    if _initializes_every_time(body, tensor):
        return ("",)
    if key is None or len(body) != 1 or type(body[0]) is not ast.If:
        return ()
    words: list[str] = []
    branch: ast.stmt = body[0]
    while type(branch) is ast.If:
        test = branch.test  # type: ignore[attr-defined]
        if not (type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) is ast.In  # type: ignore[attr-defined]
                and type(test.left) is ast.Constant and type(test.left.value) is str  # type: ignore[attr-defined]
                and type(test.comparators[0]) is ast.Name and test.comparators[0].id == key):  # type: ignore[attr-defined]
            break
        if not _initializes_every_time(branch.body, tensor):  # type: ignore[attr-defined]
            break
        words.append(test.left.value)  # type: ignore[attr-defined]
        orelse = branch.orelse  # type: ignore[attr-defined]
        if len(orelse) != 1:
            break
        branch = orelse[0]
    return tuple(words)


class _Scope:
    """A function (or the module, or a class body) being summarised."""

    __slots__ = (
        "qualname", "class_name", "params", "self_name", "initializes", "calls", "applies",
        "kinds", "locals_class", "self_uses", "isinstance_checks", "loops", "is_method",
        "zeroed_rows", "none_checked",
        "derived", "blanket_inits", "matrix_inits", "param_handoffs", "module_loop_inits", "guards", "init_guards", "submodule_inits",
        "param_loop_inits", "fed", "pad_tests", "len_gathers", "last_steps", "unit_draws",
        "init_callables", "held", "has_load", "param_defaults", "branches", "counters", "products",
    )

    def __init__(self, qualname: str, class_name: Optional[str], params: tuple[str, ...],
                 self_name: Optional[str], is_method: bool = False) -> None:
        self.qualname = qualname
        self.class_name = class_name
        self.params = params
        self.self_name = self_name
        self.is_method = is_method
        self.initializes: list[ParamInit] = []
        self.calls: list[CallSite] = []
        self.applies: list[ApplySite] = []
        self.kinds: dict[str, str] = {}
        self.locals_class: dict[str, str] = {}
        self.self_uses: set[tuple[str, str]] = set()
        self.counters: set[str] = set()  # targets of `for i in range(...)`: scalar indices
        # locals holding a product with a parameter (`z = einsum("bd,de->be", x, self.w) + self.b`)
        self.products: dict[str, tuple[str, ...]] = {}
        self.isinstance_checks: list[tuple[str, tuple[str, ...]]] = []
        self.loops: list[ModuleLoop] = []
        self.zeroed_rows: list[str] = []  # names indexing a zeroed row: `w[name].zero_()`
        self.none_checked: set[str] = set()  # names compared with None / 0, or tested for truth
        # Locals computed from a parameter (`w = self.emb @ self.weight`): what forward does to
        # them it does to the parameter.
        self.derived: dict[str, ast.Attribute] = {}
        self.blanket_inits: list[int] = []
        self.matrix_inits: list[int] = []
        self.param_handoffs: list[int] = []
        self.module_loop_inits: list[tuple[str, tuple[str, ...], int, tuple[str, ...]]] = []
        self.guards: list[tuple[str, tuple[str, ...]]] = []  # enclosing `if isinstance(name, C)`
        self.init_guards: list[tuple[int, tuple[str, ...]]] = []
        self.submodule_inits: list[tuple[int, str, tuple[str, ...]]] = []
        self.param_loop_inits: list[tuple[str, int, tuple[str, ...]]] = []
        self.fed: list[tuple[str, str]] = []
        self.pad_tests: list[PadTest] = []
        self.len_gathers: list[tuple[int, str]] = []
        self.last_steps: list[int] = []
        self.unit_draws: list[int] = []
        # callable parameters that initialize the tensor they are given (see `_INIT_CALLABLE_NAME`,
        # or a default that is an `nn.init` function)
        self.init_callables: set[str] = set()
        # local names and `self.<attr>` holding modules of known classes only (lists and
        # containers built here from constructions): name → qualified classes, None: not known
        self.held: dict[str, Optional[tuple[tuple[str, tuple], ...]]] = {}
        # `__init__` only: parameter → (position among the positional ones, self not counted;
        # None for keyword-only) and its literal default (NOT_LITERAL when it has none)
        self.param_defaults: dict[str, tuple[Optional[int], Literal]] = {}
        self.has_load = False  # a call named like a checkpoint load (`is_checkpoint_load`)
        # enclosing `if <param> == <literal>:` tests: (parameter, literals that take the branch)
        self.branches: list[tuple[str, tuple[Literal, ...]]] = []


class _Summariser:
    def __init__(self, module: str, package: Optional[str], init_cfg_named: bool = True) -> None:
        self.module = module
        # False: no identifier of the file is `init_cfg`, so no class has `init_cfg` overrides
        # (their walk of every class was a third of summarising transformers' files)
        self.init_cfg_named = init_cfg_named
        self.package = package
        self.top = (package or module).split(".")[0]
        self.imports: dict[str, str] = {}
        self.classes: list[ClassSummary] = []
        self.functions: list[FunctionSummary] = []
        self.guards: dict[str, str] = {}
        self.referenced: set[str] = set()
        self.loop_depth = 0  # inside a for/while loop or a comprehension: builds may repeat
        self.local_defs: set[str] = set()
        self.constants: dict[str, Literal] = {}  # module constants (`_module_constants`)
        self.value_only: dict[str, bool] = {}  # `ClassSummary.holds_only_values`, per class being read
        self.has_init_code = False
        self.module_scope = _Scope("<module>", None, (), None)
        self.layers: dict[str, list[LayerBuild]] = {}
        self.clones: dict[str, list[CloneSite]] = {}
        self.special: set[int] = set()  # attribute nodes already recorded as a specific use
        self.assign_attr: Optional[tuple[ast.AST, Optional[str]]] = None  # (value node, self attr)
        # per class: attributes assigned as `self.<attr> = ...` so far (submodules, not methods)
        self.self_attrs: dict[str, set[str]] = {}
        self.class_methods: dict[str, frozenset[str]] = {}
        # per class: `self.<attr> = <argument>` (attr, argument, line), and the attributes the
        # class calls as `self.<attr>(...)`: an argument stored and called is a sub-module
        # handed in from outside (`self.fc1 = fc1` ... `self.fc1(y)`), its class unknown
        self.stored_arguments: dict[str, list[tuple[str, str, int]]] = {}
        # class → 1-D parameters made from uninitialized memory (`ClassSummary.empty_vectors`)
        self.empty_vectors: dict[str, list[str]] = {}
        self.stacks: dict[str, list[tuple[str, str, int]]] = {}  # `ClassSummary.stacks`
        self.called_attrs: dict[str, set[str]] = {}
        self.patches: list[tuple[str, str, int]] = []
        self.sequence_pairs: list[tuple[int, str, str]] = []
        self.divisors: set[int] = set()  # ids of `x + 1` sums that divide (`a / (x + 1)`)
        # id of a call that is the first argument of another call -> that call, qualified
        self.first_argument_of: dict[int, str] = {}

    # -- names -------------------------------------------------------------------------------
    def qualify(self, written: str) -> tuple[str, bool]:
        """Written dotted name → (qualified, resolved?)."""
        head, _, rest = written.partition(".")
        target = self.imports.get(head)
        if target is not None:
            return (f"{target}.{rest}" if rest else target), True
        if head in self.local_defs:
            return (f"{self.module}.{written}" if self.module else written), True
        return written, False

    def _may_run_project_code(self, written: str, qualified: str, resolved: bool, scope: _Scope) -> bool:
        """Worth recording as a call site: `self.x()`, `super().x()`, names imported from or
        defined in non-library modules, unresolved plain names (star imports, closures)."""
        head = written.split(".", 1)[0]
        if head == scope.self_name and scope.class_name is not None:
            # `self.dropout(x)` calls a submodule assigned in __init__, not a method
            attr = written[len(head) + 1 :]
            return attr in self.class_methods.get(scope.class_name, ()) or attr not in self.self_attrs.get(scope.class_name, ())
        if head == scope.self_name or head in ("super()", "cls"):
            return True
        if resolved:
            return qualified.split(".", 1)[0] not in _EXTERNAL
        return "." not in written and head not in _BUILTIN_NAMES

    # -- pre-scan ------------------------------------------------------------------------------
    def prescan(self, body: list[ast.stmt]) -> None:
        """Names defined at module level (also under `if`/`try`), and the guard aliases."""
        for node in body:
            kind = type(node)
            if kind is ast.ClassDef or kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                self.local_defs.add(node.name)  # type: ignore[attr-defined]
                if kind is ast.FunctionDef:
                    guard = self.guard_kind(node)  # type: ignore[arg-type]
                    if guard:
                        self.guards[node.name] = guard  # type: ignore[attr-defined]
            elif kind is ast.Assign:
                targets = node.targets  # type: ignore[attr-defined]
                if len(targets) == 1 and type(targets[0]) is ast.Name:
                    if type(node.value) is ast.Lambda:  # type: ignore[attr-defined]
                        guard = self.guard_kind(node.value)  # type: ignore[attr-defined]
                        if guard:
                            self.guards[targets[0].id] = guard
            elif kind is ast.If or kind is ast.Try:
                self.prescan(node.body)  # type: ignore[attr-defined]
                self.prescan(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    self.prescan(handler.body)

    def flag_literal(self, node: ast.AST) -> Literal:
        """A layer flag's literal value, also through a module constant (`affine=affine_par`
        with `affine_par = True` the file's only binding of the name)."""
        if type(node) is ast.Name and node.id in self.constants:  # type: ignore[attr-defined]
            return self.constants[node.id]  # type: ignore[attr-defined]
        return literal(node)

    def guard_kind(self, node: Union[ast.FunctionDef, ast.Lambda]) -> Optional[str]:
        """`def exists(x): return x is not None` → "not_none"; `default(val, d)` → "default"."""
        args = node.args.args
        if not args:
            return None
        first = args[0].arg
        if isinstance(node, ast.Lambda):
            body: Optional[ast.AST] = node.body
        else:
            statements = [
                s for s in node.body
                if not (type(s) is ast.Expr and type(s.value) is ast.Constant)  # type: ignore[attr-defined]
            ]
            body = statements[0].value if len(statements) == 1 and type(statements[0]) is ast.Return else None  # type: ignore[attr-defined]
        if body is None:
            return None
        if (
            type(body) is ast.Compare
            and type(body.left) is ast.Name and body.left.id == first  # type: ignore[attr-defined]
            and len(body.ops) == 1 and type(body.ops[0]) is ast.IsNot  # type: ignore[attr-defined]
            and literal(body.comparators[0]) is None  # type: ignore[attr-defined]
        ):
            return "not_none"
        if type(body) is ast.IfExp and len(args) >= 2:
            test = body.test  # type: ignore[attr-defined]
            tested = None
            if (
                type(test) is ast.Compare and type(test.left) is ast.Name and len(test.ops) == 1
                and type(test.ops[0]) is ast.IsNot and literal(test.comparators[0]) is None
            ):
                tested = test.left.id
            elif (
                type(test) is ast.Call and type(test.func) is ast.Name
                and self.guards.get(test.func.id) == "not_none"
                and test.args and type(test.args[0]) is ast.Name
            ):
                tested = test.args[0].id
            chosen = body.body  # type: ignore[attr-defined]
            if tested == first and type(chosen) is ast.Name and chosen.id == first:
                return "default"
        return None

    # -- the traversal --------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> None:
        self.constants = _module_constants(tree)
        self.prescan(tree.body)
        for statement in tree.body:
            self.visit(statement, self.module_scope, None)

    def visit(self, node: ast.AST, scope: _Scope, class_qual: Optional[str]) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, scope, class_qual)
        else:
            self.children(node, scope, class_qual)

    def children(self, node: ast.AST, scope: _Scope, class_qual: Optional[str]) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item, scope, class_qual)
            elif isinstance(value, ast.AST):
                self.visit(value, scope, class_qual)

    # imports
    def visit_Import(self, node: ast.Import, scope: _Scope, class_qual: Optional[str]) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                self.imports.setdefault(head, head)

    def visit_ImportFrom(self, node: ast.ImportFrom, scope: _Scope, class_qual: Optional[str]) -> None:
        base = resolve_relative(self.package, node.level, node.module) if node.level else node.module
        if base is None:
            return
        for alias in node.names:
            if alias.name != "*":
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
            else:  # `from .layers import *`: key "*<n>" (never a name), followed by the index
                self.imports[f"*{sum(1 for k in self.imports if k.startswith('*'))}"] = base

    # definitions
    def visit_ClassDef(self, node: ast.ClassDef, outer: _Scope, class_qual: Optional[str]) -> None:
        qual = node.name if outer.qualname == "<module>" else f"{outer.qualname}.{node.name}"
        bases = []
        for base in node.bases:
            written = dotted(base)
            bases.append(self.qualify(written)[0] if written else NOT_LITERAL)
            self.visit(base, outer, class_qual)
        for keyword in node.keywords:
            self.visit(keyword.value, outer, class_qual)
        for decorator in node.decorator_list:
            self.visit(decorator, outer, class_qual)
        self.layers[qual] = []
        self.clones[qual] = []
        self.self_attrs[qual] = set()
        self.stored_arguments[qual] = []
        self.empty_vectors[qual] = []
        self.stacks[qual] = []
        self.value_only[qual] = True
        self.called_attrs[qual] = set()
        self.class_methods[qual] = frozenset(
            s.name for s in node.body if type(s) is ast.FunctionDef or type(s) is ast.AsyncFunctionDef  # type: ignore[attr-defined]
        )
        body_scope = _Scope(qual, qual, (), None)
        for statement in node.body:
            self.visit(statement, body_scope, qual)
        methods = tuple(
            s.name for s in node.body if type(s) is ast.FunctionDef or type(s) is ast.AsyncFunctionDef  # type: ignore[attr-defined]
        )
        called = self.called_attrs.pop(qual)
        stored = self.stored_arguments.pop(qual)
        for attr, argument, line in stored:
            if attr in called:
                self.layers[qual].append(LayerBuild(argument, False, attr, (), line, True))
        self.classes.append(
            ClassSummary(node.name, qual, node.lineno, tuple(bases), methods,
                         tuple(self.layers.pop(qual)), tuple(self.clones.pop(qual)),
                         init_cfg_overrides(node) if self.init_cfg_named else (),
                         tuple(sorted(self.self_attrs[qual])),
                         *_constructor_facts(node),
                         empty_vectors=self._uninitialized_vectors(qual, self.empty_vectors.pop(qual)),
                         stacks=tuple(self.stacks.pop(qual)),
                         stored_arguments=tuple(sorted({attr for attr, _, _ in stored})),
                         holds_only_values=self.value_only.pop(qual))
        )

    def visit_FunctionDef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef], outer: _Scope, class_qual: Optional[str]) -> None:
        in_class_body = outer.class_name is not None and outer.qualname == outer.class_name
        qual = node.name if outer.qualname == "<module>" else f"{outer.qualname}.{node.name}"
        arguments = node.args
        declared = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
        params = tuple(a.arg for a in declared)
        if arguments.vararg:
            params += (arguments.vararg.arg,)
        if arguments.kwarg:
            params += (arguments.kwarg.arg,)
        decorators = []
        for decorator in node.decorator_list:
            self.visit(decorator, outer, class_qual)
            written = dotted(decorator.func if type(decorator) is ast.Call else decorator)  # type: ignore[attr-defined]
            decorators.append(written or NOT_LITERAL)
        is_method = in_class_body and bool(params) and "staticmethod" not in decorators
        self_name = params[0] if is_method else outer.self_name
        scope = _Scope(qual, class_qual, params, self_name, is_method)
        scope.locals_class.update(outer.locals_class)  # closures see the enclosing locals
        for arg in declared:
            kind = _annotation_kind(arg.annotation)
            if kind:
                scope.kinds[arg.arg] = kind
        positional = arguments.posonlyargs + arguments.args
        defaults = arguments.defaults
        if is_method and node.name == "__init__":
            scope.param_defaults = _constructor_defaults(arguments)
        for arg, default in zip(positional[len(positional) - len(defaults):], defaults):
            self._default_kind(scope, arg.arg, default)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            if default is not None:
                self._default_kind(scope, arg.arg, default)
        scope.init_callables.update(p for p in params if _INIT_CALLABLE_NAME.search(p))
        for arg, default in [*zip(positional[len(positional) - len(defaults):], defaults),
                             *zip(arguments.kwonlyargs, arguments.kw_defaults)]:
            if default is not None and self._is_init_function(default):
                scope.init_callables.add(arg.arg)
        if is_method:
            scope.kinds[params[0]] = "self"
        for default in defaults:
            self.visit(default, outer, class_qual)
        saved_special = self.special
        self.special = set()
        for statement in node.body:
            self.visit(statement, scope, class_qual)
        self.special = saved_special
        self.functions.append(
            FunctionSummary(
                node.name, qual, class_qual, params, node.lineno, tuple(scope.initializes),
                tuple(scope.calls), tuple(scope.applies), tuple(sorted(scope.kinds.items())),
                tuple(sorted(scope.self_uses)), tuple(scope.isinstance_checks), tuple(decorators),
                tuple(scope.loops), self._row_indexes(scope, arguments),
                tuple(scope.blanket_inits), tuple(scope.init_guards), tuple(scope.submodule_inits),
                tuple(dict.fromkeys(scope.fed)), tuple(scope.pad_tests), tuple(scope.len_gathers),
                tuple(scope.last_steps), tuple(scope.unit_draws), _required_masks(node),
                *(_checkpoint_loads(node.body, params[0] if is_method else None, self.imports)
                  if scope.has_load or _builds_empty(node.body) else ((), ())),
                matrix_inits=tuple(scope.matrix_inits),
                param_handoffs=tuple(scope.param_handoffs),
                module_loop_inits=tuple(scope.module_loop_inits),
                returns_wrapped=self._returns_wrapped(node.body),
                loaded_parameter_builds=_loaded_parameter_builds(node.body, params, self.imports, scope.has_load),
                optional_masks=_optional_masks(node),
                param_loop_inits=tuple(scope.param_loop_inits),
                top_calls=tuple(
                    written for statement in node.body
                    if type(statement) is ast.Expr and type(statement.value) is ast.Call
                    and (written := dotted(statement.value.func)) is not None  # type: ignore[attr-defined]
                ),
            )
        )

    @staticmethod
    def _row_indexes(scope: _Scope, arguments: ast.arguments) -> tuple[RowIndex, ...]:
        positional = [a.arg for a in arguments.posonlyargs + arguments.args]
        defaults: dict[str, ast.expr] = dict(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
        defaults.update((a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None)
        keyword_only = {a.arg for a in arguments.kwonlyargs}
        found: list[RowIndex] = []
        for name in dict.fromkeys(scope.zeroed_rows):
            if name in scope.none_checked or (name not in positional and name not in keyword_only):
                continue
            default = defaults.get(name)
            found.append(RowIndex(
                name,
                positional.index(name) if name in positional else None,
                default is not None and type(default) is ast.Constant and default.value is None,  # type: ignore[attr-defined]
            ))
        return tuple(found)

    @staticmethod
    def _default_kind(scope: _Scope, name: str, default: ast.expr) -> None:
        value = literal(default)
        if isinstance(value, bool):
            scope.kinds.setdefault(name, "bool")
        elif isinstance(value, int):
            scope.kinds.setdefault(name, "int")
        elif isinstance(value, float):
            scope.kinds.setdefault(name, "float")

    def _is_init_function(self, node: ast.expr) -> bool:
        """`nn.init.normal_` or `partial(nn.init.normal_, std=0.02)`: an init function value."""
        if type(node) is ast.Call and dotted(node.func) in ("partial", "functools.partial") and node.args:  # type: ignore[attr-defined]
            node = node.args[0]  # type: ignore[attr-defined]
        written = dotted(node)
        if written is None:
            return False
        qualified, resolved = self.qualify(written)
        return resolved and qualified.startswith(INIT_MODULES)

    def visit_Lambda(self, node: ast.Lambda, scope: _Scope, class_qual: Optional[str]) -> None:
        self.visit(node.body, scope, class_qual)

    # statements
    def visit_Assign(self, node: Union[ast.Assign, ast.AnnAssign, ast.AugAssign], scope: _Scope, class_qual: Optional[str]) -> None:
        targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore[union-attr]
        value = node.value
        if class_qual is not None and self.value_only.get(class_qual) and not _plain(value) and (
            scope.qualname == class_qual or any(_on_self(t, scope.self_name) for t in targets)
        ):
            self.value_only[class_qual] = False  # `self.w = nn.Parameter(...)`: holds a tensor
        if type(value) is ast.Name and type(node) is ast.Assign:
            self._note_patch(targets, value, node.lineno, scope)  # type: ignore[arg-type]
        for target in targets:
            kind = type(target)
            if kind is ast.Attribute or kind is ast.Subscript:
                if kind is ast.Subscript and type(node) is not ast.AugAssign and _is_zero(value):
                    self._zeroed_row(target, scope)
                root, path = root_and_path(target)
                if root is not None and "data" in path and type(node) is not ast.AugAssign:
                    self.has_init_code = True
                    if root in scope.params:
                        scope.initializes.append(ParamInit(root, path[: path.index("data")], ".data=", node.lineno))
                        self._note_guard(root, node.lineno, scope)
            elif kind is ast.Name and value is not None:
                if scope.is_method and scope.self_name and type(node) is not ast.AugAssign:
                    self._note_derived(target.id, value, scope)  # type: ignore[attr-defined]
                value_kind = self.value_kind(value)
                if value_kind:
                    scope.kinds[target.id] = value_kind  # type: ignore[attr-defined]
                built = self.constructed_class(value)
                if built:
                    scope.locals_class[target.id] = built  # type: ignore[attr-defined]
        if type(node) is ast.AnnAssign and type(node.target) is ast.Name:  # type: ignore[union-attr]
            kind_name = _annotation_kind(node.annotation)  # type: ignore[union-attr]
            if kind_name:
                scope.kinds[node.target.id] = kind_name  # type: ignore[union-attr]
        attr = None
        if class_qual is not None and value is not None and len(targets) == 1:
            target = targets[0]
            if type(target) is ast.Attribute and type(target.value) is ast.Name and target.value.id == scope.self_name and scope.self_name:  # type: ignore[attr-defined]
                attr = target.attr  # type: ignore[attr-defined]
                self.self_attrs[class_qual].add(attr)  # type: ignore[arg-type]
                if class_qual in self.empty_vectors and self._empty_vector(value):
                    self.empty_vectors[class_qual].append(attr)  # type: ignore[arg-type]
                shape = self._stack_shape(value) if class_qual in self.stacks else None
                if shape is not None and all(a != attr for a, _, _ in self.stacks[class_qual]):
                    self.stacks[class_qual].append((attr, shape, node.lineno))  # type: ignore[arg-type]
                if (
                    type(value) is ast.Name and value.id in scope.params and value.id != scope.self_name  # type: ignore[attr-defined]
                    and scope.kinds.get(value.id) in (None, "module")  # type: ignore[attr-defined]
                    and class_qual in self.stored_arguments
                ):
                    self.stored_arguments[class_qual].append((attr, value.id, node.lineno))  # type: ignore[arg-type, attr-defined]
            elif type(target) is ast.Name and scope.qualname == class_qual:
                attr = target.id  # type: ignore[attr-defined]
        if value is not None and len(targets) == 1:
            self._note_held(targets[0], value, scope, augmented=type(node) is ast.AugAssign)
        if type(node) is ast.AugAssign and scope.is_method and scope.self_name:
            self._forward_augassign(node, scope)  # type: ignore[arg-type]
        saved = self.assign_attr
        self.assign_attr = (value, attr) if value is not None else None
        for target in targets:
            if type(target) is not ast.Name:
                self.visit(target, scope, class_qual)
        if value is not None:
            self.visit(value, scope, class_qual)
        self.assign_attr = saved
        if value is not None and scope.is_method and type(node) is not ast.AugAssign:
            # after the value: `z = l2norm(z)` reads the `z` bound before it
            for target in targets:
                if type(target) is ast.Name:
                    products = self._product_with(value, scope)
                    if products:
                        scope.products[target.id] = products  # type: ignore[attr-defined]
                    else:
                        scope.products.pop(target.id, None)  # type: ignore[attr-defined]

    def _note_patch(self, targets: list[ast.expr], value: ast.Name, line: int, scope: _Scope) -> None:
        """`module.Name = Class` with `module` imported and `Class` a class-like name this file
        defines or imports: a monkey patch (`FileSummary.patches`)."""
        if not _CLASS_NAME.match(value.id) or value.id in scope.params:
            return
        cls, resolved = self.qualify(value.id)
        if not resolved:
            return
        for target in targets:
            if type(target) is not ast.Attribute:
                continue
            written = dotted(target.value)  # type: ignore[attr-defined]
            if written is None or written.split(".", 1)[0] not in self.imports:
                continue
            owner, _ = self.qualify(written)
            self.patches.append((cls, f"{owner}.{target.attr}", line))  # type: ignore[attr-defined]

    def visit_For(self, node: Union[ast.For, ast.AsyncFor], scope: _Scope, class_qual: Optional[str]) -> None:
        iterator = node.iter
        if type(node.target) is ast.Name:
            scope.held[node.target.id] = self.held_classes(iterator, scope)  # type: ignore[attr-defined]
            if type(iterator) is ast.Call and type(iterator.func) is ast.Name and iterator.func.id == "range":  # type: ignore[attr-defined]
                scope.counters.add(node.target.id)  # type: ignore[attr-defined]
        if type(iterator) is ast.Call and type(iterator.func) is ast.Attribute:  # type: ignore[attr-defined]
            method = iterator.func.attr  # type: ignore[attr-defined]
            target = node.target
            name = None
            if type(target) is ast.Name:
                name = target.id  # type: ignore[attr-defined]
            elif type(target) is ast.Tuple and len(target.elts) == 2 and type(target.elts[1]) is ast.Name:  # type: ignore[attr-defined]
                name = target.elts[1].id  # type: ignore[attr-defined]
                if type(target.elts[0]) is ast.Name:  # type: ignore[attr-defined]
                    scope.kinds[target.elts[0].id] = "str"  # type: ignore[attr-defined]
            if name and method in MODULE_ITERATORS:
                scope.kinds[name] = "module"
                receiver = dotted(iterator.func.value) or NOT_LITERAL  # type: ignore[attr-defined]
                receiver_class = self._receiver_class(receiver, iterator.func.value, scope)  # type: ignore[attr-defined]
                scope.loops.append(ModuleLoop(name, receiver, receiver_class, node.lineno))
            elif name and method in TENSOR_ITERATORS:
                scope.kinds[name] = "tensor"
                receiver = iterator.func.value  # type: ignore[attr-defined]
                if (method in ("parameters", "named_parameters") and scope.self_name
                        and type(receiver) is ast.Name and receiver.id == scope.self_name  # type: ignore[attr-defined]
                        and _initializes_every_time(node.body, name)):
                    scope.blanket_inits.append(node.lineno)
                elif (method in ("parameters", "named_parameters") and scope.self_name
                        and type(receiver) is ast.Name and receiver.id == scope.self_name  # type: ignore[attr-defined]
                        and _initializes_matrices(node.body, name)):
                    scope.matrix_inits.append(node.lineno)
                elif (method in ("parameters", "named_parameters") and scope.self_name
                        and type(receiver) is ast.Name and receiver.id == scope.self_name  # type: ignore[attr-defined]
                        and _hands_on(node.body, name)):
                    scope.param_handoffs.append(node.lineno)
                sub = receiver.attr if type(receiver) is ast.Attribute and type(receiver.value) is ast.Name \
                    and receiver.value.id == scope.self_name else None  # type: ignore[attr-defined]
                argument = receiver.id if type(receiver) is ast.Name and receiver.id in scope.params \
                    and receiver.id != scope.self_name else None  # type: ignore[attr-defined]
                if method in ("parameters", "named_parameters") and (sub is not None or argument is not None):
                    key = target.elts[0].id if method == "named_parameters" and type(target) is ast.Tuple \
                        and type(target.elts[0]) is ast.Name else None  # type: ignore[attr-defined]
                    words = _name_filter(node.body, name, key)
                    if not words and _initializes_matrices(node.body, name):
                        words = (EVERY_MATRIX,)
                    if words and sub is not None:
                        scope.submodule_inits.append((node.lineno, sub, words))
                    elif words and argument is not None:
                        scope.param_loop_inits.append((argument, node.lineno, words))
        if scope.is_method and scope.self_name:
            self._note_tensor_loop(iterator, _target_names(node.target), node.body, scope)  # type: ignore[arg-type]
        self.visit_Loop(node, scope, class_qual)

    def visit_Loop(self, node: ast.AST, scope: _Scope, class_qual: Optional[str]) -> None:
        """A loop or comprehension body: layers built there may be built several times."""
        if scope.is_method and scope.self_name and type(node) is not ast.While and type(node) is not ast.For:
            parts = [getattr(node, field) for field in ("elt", "key", "value") if hasattr(node, field)]
            for generator in getattr(node, "generators", ()):
                self._note_tensor_loop(generator.iter, _target_names(generator.target), [*parts, *generator.ifs], scope)
        self.loop_depth += 1
        try:
            if type(node) is ast.While:
                self.visit_Test(node, scope, class_qual)  # type: ignore[arg-type]
            else:
                self.children(node, scope, class_qual)
        finally:
            self.loop_depth -= 1

    @staticmethod
    def _note_loop_init(root: str, path: tuple[str, ...], line: int, scope: _Scope) -> None:
        """An init of `<m>.<path>` where `m` walks a parameter's `modules()`."""
        if not path:
            return
        for loop in scope.loops:
            if loop.target == root and loop.receiver in scope.params:
                classes = next((c for name, c in reversed(scope.guards) if name == root), ())
                scope.module_loop_inits.append((loop.receiver, path, line, classes))
                return

    @staticmethod
    def _note_guard(root: str, line: int, scope: _Scope) -> None:
        """Remember the `isinstance(root, ...)` test an init of `root` sits under."""
        for name, classes in reversed(scope.guards):
            if name == root:
                scope.init_guards.append((line, classes))
                return

    def visit_If(self, node: ast.If, scope: _Scope, class_qual: Optional[str]) -> None:
        """`if isinstance(m, C):` guards the inits of its body (not of its `else`);
        `if norm == "batch":` decides whether the layers of its body are built."""
        test = node.test
        guard = None
        branch = _parameter_branch(test, scope)
        if branch is not None:
            scope.branches.append(branch)
        tests = test.values if type(test) is ast.BoolOp and type(test.op) is ast.Or else [test]  # type: ignore[attr-defined]
        checked: list[tuple[str, tuple[str, ...]]] = []
        for part in tests:  # `isinstance(m, A)`, `isinstance(m, (A, B))`, `... or isinstance(m, C)`
            if type(part) is ast.Call and dotted(part.func) == "isinstance" and len(part.args) == 2 \
                    and type(part.args[0]) is ast.Name:  # type: ignore[attr-defined]
                names = part.args[1].elts if type(part.args[1]) is ast.Tuple else [part.args[1]]  # type: ignore[attr-defined]
                checked.append((part.args[0].id, tuple(  # type: ignore[attr-defined]
                    self.qualify(w)[0] if (w := dotted(n)) else NOT_LITERAL for n in names)))
        if checked and len(checked) == len(tests) and len({name for name, _ in checked}) == 1:
            guard = (checked[0][0], tuple(dict.fromkeys(c for _, classes in checked for c in classes)))
        self.visit(test, scope, class_qual)
        self.visit_Test(node, scope, class_qual, children=False)
        if guard is not None:
            scope.guards.append(guard)
        for statement in node.body:
            self.visit(statement, scope, class_qual)
        if guard is not None:
            scope.guards.pop()
        if branch is not None:
            scope.branches.pop()
        for statement in node.orelse:
            self.visit(statement, scope, class_qual)

    # expressions
    def visit_Name(self, node: ast.Name, scope: _Scope, class_qual: Optional[str]) -> None:
        if type(node.ctx) is ast.Load:
            self.referenced.add(node.id)

    def visit_Constant(self, node: ast.Constant, scope: _Scope, class_qual: Optional[str]) -> None:
        value = node.value
        if type(value) is str and len(value) < 64 and value.isidentifier():
            self.referenced.add(value)

    def visit_Return(self, node: ast.Return, scope: _Scope, class_qual: Optional[str]) -> None:
        # `return self.tokens.unsqueeze(0)`: a table handed out whole (query or class tokens
        # a consumer attends with), not a factor of any activation here
        if scope.is_method and node.value is not None:
            returned = self._self_attr(node.value, scope)
            if returned is not None:
                self._use(returned, "returned", scope)
        self.children(node, scope, class_qual)

    def visit_Attribute(self, node: ast.Attribute, scope: _Scope, class_qual: Optional[str]) -> None:
        self.referenced.add(node.attr)
        value = node.value
        if scope.is_method and type(value) is ast.Name and value.id == scope.self_name:
            if type(node.ctx) is ast.Load and id(node) not in self.special:
                scope.self_uses.add((node.attr, "used"))
            return
        self.visit(value, scope, class_qual)

    def visit_BinOp(self, node: ast.BinOp, scope: _Scope, class_qual: Optional[str]) -> None:
        if scope.is_method and scope.self_name:
            self._forward_binop(node, scope)
        self.visit(node.left, scope, class_qual)
        self.visit(node.right, scope, class_qual)

    def _self_attr(self, node: ast.AST, scope: _Scope) -> Optional[ast.Attribute]:
        """`self.w`, `self.w.T`, `self.w.view(...)`, `self.w[None]` → the `self.w` node."""
        while True:
            kind = type(node)
            if kind is ast.Subscript:
                node = node.value  # type: ignore[attr-defined]
            elif kind is ast.Call and type(node.func) is ast.Attribute and node.func.attr in _VIEWS:  # type: ignore[attr-defined]
                func = node.func  # type: ignore[attr-defined]
                if type(func.value) is ast.Name and func.value.id == "torch" and node.args:  # type: ignore[attr-defined]
                    node = node.args[0]  # type: ignore[attr-defined]  # `torch.abs(self.w)`, `torch.t(self.w)`
                else:
                    node = func.value
            elif kind is ast.Attribute and node.attr in ("T", "data") and type(node.value) in (ast.Attribute, ast.Name) \
                    and not (type(node.value) is ast.Name and node.value.id == scope.self_name):  # type: ignore[attr-defined]
                node = node.value  # type: ignore[attr-defined]  # (`self.T` is an attribute named T)
            else:
                break
        if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id == scope.self_name:  # type: ignore[attr-defined]
            return node  # type: ignore[return-value]
        if type(node) is ast.Name:
            return scope.derived.get(node.id)  # type: ignore[attr-defined]
        return None

    def _product_with(self, node: ast.AST, scope: _Scope) -> tuple[str, ...]:
        """The parameters a product is taken with: `x @ self.w`, `einsum(p, x, self.w)`,
        `F.linear(x, self.w)` (plus a bias: `... + self.b`), or a local holding one."""
        kind = type(node)
        if kind is ast.Name:
            return scope.products.get(node.id, ())  # type: ignore[attr-defined]
        operands: list[ast.AST] = []
        if kind is ast.BinOp:
            op = type(node.op)  # type: ignore[attr-defined]
            if op is ast.Add:
                return self._product_with(node.left, scope) + self._product_with(node.right, scope)  # type: ignore[attr-defined]
            if op is ast.MatMult:
                operands = [node.left, node.right]  # type: ignore[attr-defined]
        elif kind is ast.Call:
            name = (dotted(node.func) or "").rsplit(".", 1)[-1]  # type: ignore[attr-defined]
            if name == "einsum" or name in _MATMULS:
                operands = list(node.args)  # type: ignore[attr-defined]
        found = (self._self_attr(operand, scope) for operand in operands)
        return tuple(dict.fromkeys(mine.attr for mine in found if mine is not None))

    def _note_derived(self, name: str, value: ast.AST, scope: _Scope) -> None:
        source = self._self_attr(value, scope)
        if source is None and type(value) is ast.BinOp and type(value.op) in (ast.Mult, ast.MatMult, ast.Div):  # type: ignore[attr-defined]
            source = self._self_attr(value.left, scope) or self._self_attr(value.right, scope)  # type: ignore[attr-defined]
        if source is None and type(value) is ast.BinOp and type(value.op) is ast.Add and (  # type: ignore[attr-defined]
                type(value.left) is ast.Constant or type(value.right) is ast.Constant):  # type: ignore[attr-defined]
            # `w = self.weight + 1e-8`: the parameter, nudged
            source = self._self_attr(value.left, scope) or self._self_attr(value.right, scope)  # type: ignore[attr-defined]
        if source is not None:
            scope.derived[name] = source
        else:
            scope.derived.pop(name, None)

    def _forward_augassign(self, node: ast.AugAssign, scope: _Scope) -> None:
        """`w /= s` on a parameter (or a local made from one) rescales it; `x += self.pos`
        adds it to the activations."""
        op = type(node.op)
        mine = self._self_attr(node.target, scope)
        if mine is not None and (op is ast.Div or (op is ast.Mult and self._is_runtime_factor(node.value, scope))):
            scope.self_uses.add((mine.attr, "scaled"))
        added = self._self_attr(node.value, scope)
        if op is ast.Add and added is not None and mine is None:
            scope.self_uses.add((added.attr, "added"))

    def _note_self_access(self, written: str, args: list[ast.expr], scope: _Scope) -> None:
        """Reads of attributes by a name: `getattr(self, "x")` uses `x`; by a computed name
        (`getattr(self, name)`, `vars(self)`): `*` "dynamic"."""
        if written in ("getattr", "vars") and args and type(args[0]) is ast.Name \
                and args[0].id == scope.self_name:  # type: ignore[attr-defined]
            name = args[1] if written == "getattr" and len(args) > 1 else None
            if type(name) is ast.Constant and type(name.value) is str:  # type: ignore[attr-defined]
                scope.self_uses.add((name.value, "used"))  # type: ignore[attr-defined]
            else:
                scope.self_uses.add(("*", "dynamic"))

    def _note_tensor_loop(self, iterator: ast.AST, names: list[str], body: list[ast.AST], scope: _Scope) -> None:
        """A loop or comprehension over `self.parameters()` (`named_parameters`, `buffers`,
        `state_dict().values()`...) whose element is used for more than its metadata
        (`p.numel()`, `p.requires_grad = False`) reads the values of every tensor of the module:
        `*` "parameters"."""
        while type(iterator) is ast.Call and type(iterator.func) is ast.Name and iterator.args:  # type: ignore[attr-defined]
            iterator = iterator.args[0]  # type: ignore[attr-defined]  # list(...), enumerate(...)
        if type(iterator) is ast.Call and type(iterator.func) is ast.Attribute \
                and iterator.func.attr in ("values", "items"):  # type: ignore[attr-defined]
            iterator = iterator.func.value  # type: ignore[attr-defined]
        if not (type(iterator) is ast.Call and type(iterator.func) is ast.Attribute  # type: ignore[attr-defined]
                and iterator.func.attr in _SELF_TENSOR_ITERATORS  # type: ignore[attr-defined]
                and type(iterator.func.value) is ast.Name and iterator.func.value.id == scope.self_name):  # type: ignore[attr-defined]
            return
        if not names or not all(_metadata_only(part, names) for part in body):
            scope.self_uses.add(("*", "parameters"))

    def _use(self, attribute: ast.Attribute, use: str, scope: _Scope) -> None:
        scope.self_uses.add((attribute.attr, use))
        self.special.add(id(attribute))

    def _forward_binop(self, node: ast.BinOp, scope: _Scope) -> None:
        left, right = self._self_attr(node.left, scope), self._self_attr(node.right, scope)
        op = type(node.op)
        if op is ast.Div and type(node.right) is ast.BinOp and type(node.right.op) is ast.Add:  # type: ignore[attr-defined]
            # `a / (self.mu + 1)`: a step size in a denominator, not a `1 + w` gain
            self.divisors.add(id(node.right))
        if op is ast.Add and id(node) in self.divisors:
            return
        if op in (ast.Mult, ast.Div):
            # `self.lin(x) * self.n_in ** -0.5`, `self.fc(x) / math.sqrt(d)`: the layer's output
            # rescaled by a factor forward computes (NTK / equalized-learning-rate layers)
            for called, other in ((node.left, node.right), (node.right, node.left)):
                if op is ast.Div and called is node.right:
                    continue
                layer = self._self_attr(called.func, scope) if type(called) is ast.Call else None  # type: ignore[attr-defined]
                if layer is not None and self._computed_scale(other, scope, divides=op is ast.Div):
                    scope.self_uses.add((layer.attr, "scaled_output"))
        if op is ast.Add:
            if left is not None and _is_one(node.right):
                self._use(left, "one_plus", scope)
            elif right is not None and _is_one(node.left):
                self._use(right, "one_plus", scope)
            elif (left is None) != (right is None):
                # `x + self.pos`: an offset added to the activations, not a factor.
                scope.self_uses.add(((left or right).attr, "added"))  # type: ignore[union-attr]
        elif op is ast.Sub and right is not None and _is_one(node.left):
            # `g * a + (1 - g) * b`: a mixing weight whose range is [0, 1]
            self._use(right, "complement", scope)
        elif op is ast.Div and left is not None:
            inner = node.right
            same = None
            if type(inner) is ast.Call and type(inner.func) is ast.Attribute and inner.func.attr in ("norm", "sum"):  # type: ignore[attr-defined]
                same = self._self_attr(inner.func.value, scope)  # type: ignore[attr-defined]
            if same is not None and same.attr == left.attr:
                self._use(left, "normalized", scope)
            else:
                # Divided by a factor forward chooses: the stored scale is not the used one.
                scope.self_uses.add((left.attr, "scaled"))
        elif op is ast.Mult or op is ast.MatMult:
            if op is ast.Mult:
                for side in (node.left, node.right):
                    entry = self._scalar_entry(side, scope)
                    if entry is not None:
                        # `self.alpha[i] * relu(...)` in `for i in range(n)`: one scalar at a
                        # time, a coefficient rather than a gain broadcast over channels
                        scope.self_uses.add((entry, "coefficient"))
            if op is ast.MatMult:
                # `h @ self.a.T`: a factor of a matrix product, summed over a fan-in whatever
                # the attribute is called (`a_1`, `b`, `v`); `one_hot(i, n) @ self.a` a lookup
                lookup = _is_one_hot(node.left) or _is_one_hot(node.right)
                for mine in (left, right):
                    if mine is not None:
                        scope.self_uses.add((mine.attr, "lookup" if lookup else "matmul"))
            for mine, other in ((left, node.right), (right, node.left)):
                if mine is None or not self._is_runtime_factor(other, scope):
                    continue
                if op is ast.MatMult and type(other) is ast.Name:
                    continue  # `h @ self.w` with `h` computed in forward: the activations, not a scale
                scope.self_uses.add((mine.attr, "scaled"))

    def _computed_scale(self, node: ast.AST, scope: _Scope, divides: bool = False) -> bool:
        """A scale forward computes from the module's sizes: `self.n_in ** -0.5`,
        `1 / math.sqrt(d)`, or, dividing, `math.sqrt(self.d)` / `self.scale` (not the input;
        a learned gate `* self.g` is not one)."""
        kind = type(node)
        if kind is ast.BinOp:
            op = type(node.op)  # type: ignore[attr-defined]
            if op is ast.Pow:
                return self._is_runtime_factor(node.left, scope)  # type: ignore[attr-defined]
            if op is ast.Div and type(node.left) is ast.Constant:  # type: ignore[attr-defined]
                return self._computed_scale(node.right, scope, divides=True)  # type: ignore[attr-defined]
            return False
        if kind is ast.Call:
            return (dotted(node.func) or "").rsplit(".", 1)[-1] in ("sqrt", "rsqrt") and bool(node.args) \
                and self._is_runtime_factor(node.args[0], scope)  # type: ignore[attr-defined]
        return divides and self._is_runtime_factor(node, scope)

    @staticmethod
    def _scalar_entry(node: ast.AST, scope: _Scope) -> Optional[str]:
        """`self.w[i]` (i a `range` loop's variable) or `self.w[0]`: the attribute `w`."""
        if type(node) is not ast.Subscript:
            return None
        value, index = node.value, node.slice  # type: ignore[attr-defined]
        if not (type(value) is ast.Attribute and type(value.value) is ast.Name and value.value.id == scope.self_name):  # type: ignore[attr-defined]
            return None
        if (type(index) is ast.Constant and type(index.value) is int) or (  # type: ignore[attr-defined]
                type(index) is ast.Name and index.id in scope.counters):  # type: ignore[attr-defined]
            return value.attr  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _is_runtime_factor(node: ast.AST, scope: _Scope) -> bool:
        """Another value that scales the weight (`self.scaling`, a name that is not an argument);
        `x * self.w` with x the input is the ordinary use."""
        if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id == scope.self_name:  # type: ignore[attr-defined]
            return True
        return type(node) is ast.Name and node.id not in scope.params  # type: ignore[attr-defined]

    def visit_Call(self, node: ast.Call, scope: _Scope, class_qual: Optional[str]) -> None:
        written = dotted(node.func)
        func = node.func
        if class_qual is not None and written is not None and written.rsplit(".", 1)[-1] in _REGISTRATIONS:
            self.value_only[class_qual] = False  # `self.register_parameter(...)`, `setattr(self, ...)`
        if is_checkpoint_load(func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None):  # type: ignore[attr-defined]
            scope.has_load = True
        if written is not None:
            self.call(node, written, scope, class_qual)
        elif type(node.func) is ast.Attribute and (
            node.func.attr == "zero_" or (node.func.attr == "fill_" and node.args and _is_zero(node.args[0]))
        ):
            self._zeroed_row(node.func.value, scope)  # `w[i].zero_()`: no dotted name
        elif class_qual is not None and _looked_up_by_name(node.func):
            # `eval(cfg["teacher"])(cfg)`, `globals()[name](cfg)`: a class of this module chosen
            # at run time; recorded as a build whose class is unknown
            attr = self.assign_attr[1] if self.assign_attr is not None and self.assign_attr[0] is node else None
            self.layers[class_qual].append(LayerBuild(DYNAMIC_CLASS, False, attr, (), node.lineno, True))
        self.children(node, scope, class_qual)

    def _returns_wrapped(self, body: list[ast.stmt]) -> tuple[str, str] | tuple[()]:
        """`FunctionSummary.returns_wrapped`, from the function's top-level statements."""
        built: dict[str, str] = {}  # local -> the layer class it was built as
        wrapped: dict[str, tuple[str, str]] = {}  # local -> (layer, wrapper) after a wrap
        for statement in body:
            kind = type(statement)
            value = statement.value if kind in (ast.Assign, ast.Expr, ast.Return) else None  # type: ignore[attr-defined]
            if type(value) is not ast.Call:
                if kind is ast.Return and type(value) is ast.Name:
                    return wrapped.get(value.id, ())  # type: ignore[union-attr]
                continue
            written = dotted(value.func)  # type: ignore[union-attr]
            qualified = self.qualify(written)[0] if written else ""
            first = value.args[0] if value.args else None  # type: ignore[union-attr]
            if qualified in _LOSING_WRAPPERS and first is not None:
                if type(first) is ast.Call and dotted(first.func):  # type: ignore[attr-defined]
                    layer = (self.qualify(dotted(first.func))[0], qualified)  # type: ignore[arg-type, attr-defined]
                elif type(first) is ast.Name and first.id in built:  # type: ignore[attr-defined]
                    layer = (built[first.id], qualified)  # type: ignore[attr-defined]
                else:
                    continue
                if kind is ast.Return:
                    return layer
                if type(first) is ast.Name:
                    wrapped[first.id] = layer  # type: ignore[attr-defined]  # wraps in place
                if kind is ast.Assign and len(statement.targets) == 1 and type(statement.targets[0]) is ast.Name:  # type: ignore[attr-defined]
                    wrapped[statement.targets[0].id] = layer  # type: ignore[attr-defined]
            elif kind is ast.Assign and len(statement.targets) == 1 and type(statement.targets[0]) is ast.Name and written:  # type: ignore[attr-defined]
                built[statement.targets[0].id] = qualified  # type: ignore[attr-defined]
        return ()

    def _note_sequence(self, elements: list[ast.expr]) -> None:
        """Consecutive constructions in an `nn.Sequential(...)`: the first one's output feeds
        the second."""
        for layer, after in zip(elements, elements[1:]):
            if type(layer) is not ast.Call or type(after) is not ast.Call:
                continue
            first, second = dotted(layer.func), dotted(after.func)  # type: ignore[attr-defined]
            if first is None or second is None:
                continue
            self.sequence_pairs.append((layer.lineno, self.qualify(first)[0], self.qualify(second)[0]))

    _REGISTERS = frozenset({"register_parameter", "register_buffer", "register_module", "add_module"})

    def _registered_attr(self, written: str, args: list[ast.expr], self_name: str, class_qual: str) -> None:
        """`self.register_parameter("weight", p)` sets `self.weight`; `setattr(self, name, v)`
        with a computed name may set any attribute ("*")."""
        head, _, method = written.partition(".")
        if head == self_name and method in self._REGISTERS:
            first = args[0] if args else None
        elif written == "setattr" and len(args) >= 2 and type(args[0]) is ast.Name and args[0].id == self_name:  # type: ignore[attr-defined]
            first = args[1]
        else:
            return
        named = type(first) is ast.Constant and type(first.value) is str  # type: ignore[attr-defined]
        self.self_attrs[class_qual].add(first.value if named else "*")  # type: ignore[union-attr]

    def call(self, node: ast.Call, written: str, scope: _Scope, class_qual: Optional[str]) -> None:
        qualified, resolved = self.qualify(written)
        method = written.rsplit(".", 1)[-1]
        if qualified in ("torch.nn.Sequential", "torch.nn.modules.container.Sequential"):
            self._note_sequence(node.args)
        func = node.func
        args = node.args
        if args and type(args[0]) is ast.Call:
            self.first_argument_of[id(args[0])] = qualified
        self._sequence_reads(node, method, scope)
        if class_qual in self.called_attrs and scope.self_name and written.count(".") == 1 and written.startswith(scope.self_name + "."):
            self.called_attrs[class_qual].add(method)  # type: ignore[index]
        if class_qual in self.self_attrs and scope.self_name:
            self._registered_attr(written, args, scope.self_name, class_qual)  # type: ignore[arg-type]
        if type(func) is ast.Attribute and method in ("append", "extend", "insert"):
            holder = dotted(func.value)  # type: ignore[attr-defined]
            if holder is not None and holder in scope.held:
                added = args[-1] if args else None
                if method in ("append", "insert") and added is not None:
                    added = ast.List([added])
                self._note_held(func.value, added if added is not None else ast.Constant(None), scope, augmented=True)  # type: ignore[attr-defined]
        # `torch.reshape(self.w.permute(0, 2, 1), (a * b, c))`, `self.w.view(-1, c)`: a stack
        # of matrices made one matrix before use (its fans are the reshaped matrix's)
        if scope.is_method and method in ("reshape", "view", "flatten") and type(func) is ast.Attribute:
            on_torch = type(func.value) is ast.Name and func.value.id == "torch"  # type: ignore[attr-defined]
            operand = (args[0] if args else None) if on_torch else func.value  # type: ignore[attr-defined]
            shape = args[1:] if on_torch else args
            mine = self._self_attr(operand, scope) if operand is not None else None
            two = len(shape) == 2 or (len(shape) == 1 and type(shape[0]) in (ast.Tuple, ast.List)
                                      and len(shape[0].elts) == 2)  # type: ignore[attr-defined]
            if mine is not None and (method == "flatten" or two):
                scope.self_uses.add((mine.attr, "flattened"))
        # `F.normalize(x @ self.w)`, `l2norm(einsum(..., self.w))`: the product's scale is removed
        if scope.is_method and method in _NORMALIZERS and args:
            for product in self._product_with(args[0], scope):
                scope.self_uses.add((product, "normalized_product"))
        # StyleGAN2's `modulated_conv2d(x, weight=self.weight, styles=...)` demodulates the
        # weight (divides each output filter by its norm) unless told `demodulate=False`
        if scope.is_method and method == "modulated_conv2d":
            weight = next((k.value for k in node.keywords if k.arg == "weight"), args[1] if len(args) > 1 else None)
            off = any(k.arg == "demodulate" and type(k.value) is ast.Constant and k.value.value is False  # type: ignore[attr-defined]
                      for k in node.keywords)
            mine = self._self_attr(weight, scope) if weight is not None and not off else None
            if mine is not None:
                self._use(mine, "normalized", scope)
        # `torch.linalg.qr(self.w)`, `custom_qr(w)`: orthonormalized, its scale is not used
        if scope.is_method and _ORTHONORMALIZING.search(method) and args:
            operand = args[0]
            if type(operand) is ast.BinOp and type(operand.op) is ast.Add and type(operand.right) is ast.Constant:  # type: ignore[attr-defined]
                operand = operand.left  # type: ignore[attr-defined]  # `qr(self.w + 1e-8)`
            mine = self._self_attr(operand, scope)
            if mine is not None:
                self._use(mine, "normalized", scope)
        # forward facts: `self.w.softmax()`, `torch.sigmoid(self.w)`
        if scope.is_method and method in _ACTIVATIONS:
            mine = None
            if type(func) is ast.Attribute:
                mine = self._self_attr(func.value, scope)  # type: ignore[attr-defined]
            if mine is None and args:
                mine = self._self_attr(args[0], scope)
            if mine is not None:
                self._use(mine, _ACTIVATIONS[method], scope)
        # `F.conv1d(x, self.w)`: a convolution kernel (its fans include the kernel size)
        if scope.is_method and method in _CONVOLUTIONS:
            for operand in args[:2]:
                mine = self._self_attr(operand, scope)
                if mine is not None:
                    scope.self_uses.add((mine.attr, "conv"))
        # `torch.matmul(h, self.a)`, `h.mm(self.a)`, `F.linear(x, self.w)`: a matrix product
        if scope.is_method and method in _MATMULS and resolved and not qualified.startswith("torch."):
            # `linear(x, self.weight)` with `linear` this project's own function (unit scaling,
            # muP, an equalized learning rate): what it does to the weight is not known here
            for operand in args:
                mine = self._self_attr(operand, scope)
                if mine is not None:
                    scope.self_uses.add((mine.attr, "handed"))
        elif (scope.is_method and resolved and "." not in written and method not in _ACTIVATIONS
              and method not in _CONVOLUTIONS and method not in _MATMULS
              and qualified.split(".", 1)[0] not in _EXTERNAL):
            # `positive_activate(self.mode, self.weight)`: the project's own function turns the
            # parameter into what forward uses (a softmax, a sign flip): its scale is its business
            for operand in args:
                mine = self._self_attr(operand, scope)
                if mine is not None:
                    scope.self_uses.add((mine.attr, "transformed"))
        if scope.is_method and method in _MATMULS and not (resolved and not qualified.startswith("torch.")):
            operands = list(args[:2])
            if type(func) is ast.Attribute and method != "linear":
                operands.append(func.value)  # type: ignore[attr-defined]  # `self.a.mm(h)`
            lookup = any(_is_one_hot(operand) for operand in operands)
            for operand in operands:
                mine = self._self_attr(operand, scope)
                if mine is not None:
                    # `F.linear(one_hot(i, n).float(), self.w)` selects one column per row: a
                    # table lookup (no sum over a fan-in), as an embedding
                    scope.self_uses.add((mine.attr, "lookup" if lookup else "matmul"))
        # `torch.sum(x.unsqueeze(1) * self.kernel, dim=-1)`, `(h * self.att).sum(-1)`: a sum over
        # an axis of a broadcast product contracts the parameter over that axis (PNN's kernel,
        # MIND's capsule weight, GAT's attention vector), as an einsum that sums one index
        if scope.is_method and method == "sum":
            summed = args[0] if written.startswith("torch.") and args else (
                func.value if type(func) is ast.Attribute and not written.startswith("torch.") else None)  # type: ignore[attr-defined]
            by_axis = len(args) > (1 if written.startswith("torch.") else 0) or any(k.arg == "dim" for k in node.keywords)
            if by_axis and type(summed) is ast.BinOp and type(summed.op) is ast.Mult:  # type: ignore[attr-defined]
                for factor in (summed.left, summed.right):  # type: ignore[attr-defined]
                    mine = self._self_attr(factor, scope)
                    if mine is not None:
                        self._use(mine, "contracted", scope)
        # `F.embedding(ids, self.w)`: rows picked by index, a table lookup (no sum over a fan-in)
        if scope.is_method and method == "embedding" and qualified in _EMBEDDING_LOOKUPS:
            table = next((k.value for k in node.keywords if k.arg == "weight"), args[1] if len(args) > 1 else None)
            mine = self._self_attr(table, scope) if table is not None else None
            if mine is not None:
                self._use(mine, "lookup", scope)
        # `einsum("btc,cf->btcf", x, self.w)`: every index of `w` kept, none summed (an
        # element-wise factor), or one summed over (a contraction, as a matmul)
        # (einops writes the pattern last: `einsum(w, x, "out inp, ... inp -> ... out")`)
        ordered = _einsum_arguments(args) if scope.is_method and method == "einsum" else None
        if ordered is not None:
            operands = list(ordered[1:])
            if len(operands) == 1 and type(operands[0]) in (ast.List, ast.Tuple):
                operands = list(operands[0].elts)  # type: ignore[attr-defined]
            summed = einsum_summed(ordered[0].value, len(operands))  # type: ignore[attr-defined]
            for operand, count in zip(operands, summed or ()):
                mine = self._self_attr(operand, scope)
                if mine is not None:
                    self._use(mine, "elementwise" if count == 0 else "contracted", scope)
                    if count >= 2:
                        # summed over two or more of its indices at once: one linear map
                        # whose fan-in is their product (a kernel), not a stack of matrices
                        self._use(mine, "kernel", scope)
        # `torch.cat([self.cls_token.expand(b, -1, -1), x], dim=1)`: extra tokens beside the
        # activations, not a factor of them
        if scope.is_method and method in _JOINS and args and type(args[0]) in (ast.List, ast.Tuple) and qualified.startswith("torch."):
            for element in args[0].elts:  # type: ignore[attr-defined]
                joined = self._self_attr(element, scope)
                if joined is not None:
                    self._use(joined, "concatenated", scope)
        if scope.is_method and scope.self_name:
            self._note_self_access(written, args, scope)
        if written == "isinstance" and len(args) == 2 and type(args[0]) is ast.Name:
            names = args[1].elts if type(args[1]) is ast.Tuple else [args[1]]  # type: ignore[attr-defined]
            classes = tuple(self.qualify(w)[0] if (w := dotted(n)) else NOT_LITERAL for n in names)
            scope.isinstance_checks.append((args[0].id, classes))  # type: ignore[attr-defined]
            return
        # layers and clones built by a class
        if class_qual is not None:
            self.construction(node, written, qualified, resolved, method, scope, class_qual)
        # init calls on parameters
        helper = LIBRARY_INIT_HELPERS.get(qualified) if resolved else None
        if helper is not None:  # PyG's `glorot(w)`, `uniform(size, w)`: the table says which argument
            self.has_init_code = True
            position, keyword = helper.tensor
            tensor = next((k.value for k in node.keywords if k.arg == keyword), None)
            if tensor is None and position < len(args) and not any(type(a) is ast.Starred for a in args[: position + 1]):
                tensor = args[position]
            if tensor is not None:
                root, path = root_and_path(tensor)
                if root is not None and root in scope.params:
                    scope.initializes.append(ParamInit(root, _strip_data(path), qualified, node.lineno))
                    self._note_guard(root, node.lineno, scope)
            return
        if resolved and qualified.startswith(INIT_MODULES):
            self.has_init_code = True
            if args and (method in _ZEROING_INITS or (method in ("constant_", "constant") and len(args) > 1 and _is_zero(args[1]))):
                self._zeroed_row(args[0], scope)
            if args:
                root, path = root_and_path(args[0])
                if root is not None and root in scope.params:
                    scope.initializes.append(
                        ParamInit(root, _strip_data(path), qualified, node.lineno, _is_sliced(args[0]))
                    )
                    self._note_guard(root, node.lineno, scope)
                    if method in _UNIT_DRAWS and len(args) == 1 and not node.keywords:
                        scope.unit_draws.append(node.lineno)
                elif root is not None and scope.loops:
                    self._note_loop_init(root, _strip_data(path), node.lineno, scope)
            return
        if type(func) is ast.Attribute and method in INPLACE_INIT_METHODS:
            root, path = root_and_path(func.value)  # type: ignore[attr-defined]
            if root is not None:
                self.has_init_code = True
                if root in scope.params:
                    scope.initializes.append(ParamInit(root, _strip_data(path), method, node.lineno))
                    self._note_guard(root, node.lineno, scope)
                    if method in _UNIT_DRAWS and not args and not node.keywords:
                        scope.unit_draws.append(node.lineno)
                elif scope.loops:
                    self._note_loop_init(root, _strip_data(path), node.lineno, scope)
            return
        if type(func) is ast.Name and written in scope.init_callables and args:
            # `init_fn_(module.w1)`: a callable parameter that initializes what it is given
            root, path = root_and_path(args[0])
            if root is not None and root != written and root in scope.params:
                self.has_init_code = True
                scope.initializes.append(ParamInit(root, _strip_data(path), f"param:{written}", node.lineno))
                self._note_guard(root, node.lineno, scope)
                return
        if method == "apply" and type(func) is ast.Attribute and len(args) == 1:
            self.has_init_code = True
            self.apply_site(node, scope)
            return
        if method == TIMM_NAMED_APPLY and len(args) >= 2:
            # timm's `named_apply(fn, module)`: `module.apply(fn)` with each submodule's name
            self.has_init_code = True
            self.apply_site(node, scope, receiver_node=args[1], target=args[0])
            return
        if not self._may_run_project_code(written, qualified, resolved, scope):
            return
        positional = tuple(self.argument_fact(a, scope) for a in args if type(a) is not ast.Starred)
        keywords = tuple((k.arg, self.argument_fact(k.value, scope)) for k in node.keywords if k.arg)
        has_star = any(type(a) is ast.Starred for a in args) or any(k.arg is None for k in node.keywords)
        scope.calls.append(CallSite(written, qualified if resolved else None, positional, keywords, node.lineno, has_star))
        # parameters handed on to another callable may be initialized there
        # (`helper(m.weight.data[i])` hands on `m.weight`, a slice of it, under the same
        # `isinstance` test as a direct init would be)
        given = [a for a in args if type(a) is not ast.Starred]
        for index, fact in enumerate(positional):
            if fact.kind == "param":
                sliced = type(given[index]) is ast.Subscript
                scope.initializes.append(ParamInit(str(fact.value), _strip_data(fact.path), f"call:{written}#{index}",
                                                   node.lineno, sliced))
                self._note_guard(str(fact.value), node.lineno, scope)
        for name, fact in keywords:
            if fact.kind == "param":
                scope.initializes.append(ParamInit(str(fact.value), _strip_data(fact.path), f"call:{written}#{name}", node.lineno))
                self._note_guard(str(fact.value), node.lineno, scope)

    @staticmethod
    def _pad_test(node: ast.AST, ids: ast.AST, value: ast.AST, scope: _Scope, zero_only: bool = False) -> bool:
        """Record `node` when it compares the local `ids` (or `ids.data`) with 0 or, unless
        `zero_only` (`ids > 0`), with a padding index (`pad`, `self.padding_idx`)."""
        while type(ids) is ast.Attribute and ids.attr == "data":  # type: ignore[attr-defined]
            ids = ids.value  # type: ignore[attr-defined]
        if type(ids) is not ast.Name or ids.id == scope.self_name or scope.qualname == "<module>":  # type: ignore[attr-defined]
            return False
        is_zero = type(value) is ast.Constant and type(value.value) is int and value.value == 0  # type: ignore[attr-defined]
        if not is_zero:
            written = dotted(value)
            if zero_only or written is None or not _PAD_VALUE.match(written.rsplit(".", 1)[-1]):
                return False
        scope.pad_tests.append(PadTest(ids.id, node.lineno, ast.unparse(node)))  # type: ignore[attr-defined]
        return True

    def _sequence_reads(self, node: ast.Call, method: str, scope: _Scope) -> None:
        """Forward facts about sequences of ids: `self.<attr>(ids)` feeds ids to a sub-module,
        `ids.gt(0)` / `torch.ne(ids, pad)` tests them for padding, `gather(x, lengths - 1)`
        reads each sequence at its own last position."""
        func, args = node.func, node.args
        if (
            scope.is_method and args and type(args[0]) is ast.Name and type(func) is ast.Attribute
            and type(func.value) is ast.Name and func.value.id == scope.self_name  # type: ignore[attr-defined]
        ):
            scope.fed.append((func.attr, args[0].id))  # type: ignore[attr-defined]
        if method in _PAD_TEST_METHODS and type(func) is ast.Attribute:
            zero_only = method == "gt"
            if len(args) == 1 and not (type(func.value) is ast.Name and func.value.id in _EXTERNAL):  # type: ignore[attr-defined]
                self._pad_test(node, func.value, args[0], scope, zero_only)  # type: ignore[attr-defined]
            elif len(args) == 2 and dotted(func.value) == "torch":  # type: ignore[attr-defined]
                self._pad_test(node, args[0], args[1], scope, zero_only)
        if "gather" in method:
            for arg in [*args, *(k.value for k in node.keywords)]:
                if type(arg) is ast.BinOp and type(arg.op) is ast.Sub and _is_one(arg.right):  # type: ignore[attr-defined]
                    length = dotted(arg.left)  # type: ignore[attr-defined]
                    if length is not None and "len" in length.rsplit(".", 1)[-1].lower():
                        scope.len_gathers.append((node.lineno, ast.unparse(node)))
                        break

    def visit_Subscript(self, node: ast.Subscript, scope: _Scope, class_qual: Optional[str]) -> None:
        """`x[:, -1]`: the batch's last step, padding for the shorter sequences of a right-padded batch."""
        index = node.slice
        if type(index) is ast.Tuple and len(index.elts) >= 2:  # type: ignore[attr-defined]
            first, second = index.elts[0], index.elts[1]  # type: ignore[attr-defined]
            if (
                type(first) is ast.Slice and first.lower is None and first.upper is None  # type: ignore[attr-defined]
                and type(second) is ast.UnaryOp and type(second.op) is ast.USub and _is_one(second.operand)  # type: ignore[attr-defined]
                and not _reads_a_mask(node.value)
            ):
                # (the last column of a mask, `cumsum_mask[:, -1]`, is a count, not an output)
                scope.last_steps.append(node.lineno)
        if scope.is_method and type(node.ctx) is ast.Load and _rows_by_computed_index(index):  # type: ignore[attr-defined]
            value = node.value
            if type(value) is ast.Attribute and type(value.value) is ast.Name and value.value.id == scope.self_name:  # type: ignore[attr-defined]
                # `self.table[ids, :]`: rows picked by a computed index, as from an embedding
                scope.self_uses.add((value.attr, "rows"))  # type: ignore[attr-defined]
        self.children(node, scope, class_qual)

    @staticmethod
    def _zeroed_row(subject: ast.AST, scope: _Scope) -> None:
        """`w[i]` / `w.data[i]` / `w[i].data` being zeroed: remember `i`."""
        while type(subject) is ast.Attribute and subject.attr == "data":  # type: ignore[attr-defined]
            subject = subject.value  # type: ignore[attr-defined]
        if type(subject) is ast.Subscript and type(subject.slice) is ast.Name:  # type: ignore[attr-defined]
            scope.zeroed_rows.append(subject.slice.id)  # type: ignore[attr-defined]

    def visit_Compare(self, node: ast.Compare, scope: _Scope, class_qual: Optional[str]) -> None:
        """`i is not None`, `i is None`, `i >= 0`, `i < 0`: the function checks `i`.
        `ids == 0`, `ids != pad`, `ids > 0`: a padding test on `ids`."""
        if len(node.ops) == 1:
            op, left, right = type(node.ops[0]), node.left, node.comparators[0]
            if op is ast.Eq or op is ast.NotEq:
                self._pad_test(node, left, right, scope) or self._pad_test(node, right, left, scope)
            elif op is ast.Gt:
                self._pad_test(node, left, right, scope, zero_only=True)
            elif op is ast.Lt:
                self._pad_test(node, right, left, scope, zero_only=True)
        operands = [node.left, *node.comparators]
        if any(_is_none_or_zero(o) for o in operands):
            for operand in operands:
                if type(operand) is ast.Name:
                    scope.none_checked.add(operand.id)  # type: ignore[attr-defined]
        self.children(node, scope, class_qual)

    def visit_Test(self, node: Union[ast.If, ast.IfExp, ast.While, ast.Assert], scope: _Scope, class_qual: Optional[str],
                   children: bool = True) -> None:
        """`if i:` / `if not i:` / `assert i`: a truth test on `i` is a check too."""
        tests = node.test.values if type(node.test) is ast.BoolOp else [node.test]  # type: ignore[attr-defined]
        for test in tests:
            if type(test) is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
                test = test.operand  # type: ignore[attr-defined]
            if type(test) is ast.Name:
                scope.none_checked.add(test.id)  # type: ignore[attr-defined]
        if children:
            self.children(node, scope, class_qual)

    def construction(self, node: ast.Call, written: str, qualified: str, resolved: bool, method: str,
                     scope: _Scope, class_qual: str) -> None:
        attr = None
        if self.assign_attr is not None and self.assign_attr[0] is node:
            attr = self.assign_attr[1]
        elif self.assign_attr is not None:
            attr = None
        container_attr = self.assign_attr[1] if self.assign_attr is not None else None
        if qualified in CLONE_FUNCTIONS or _CLONE_NAME.search(method):
            source = dotted(node.args[0]) if node.args else None
            self.clones[class_qual].append(CloneSite(qualified, source or NOT_LITERAL, container_attr, node.lineno))
            return
        head = written.split(".", 1)[0]
        from_parameter = head in scope.params and head != scope.self_name and "." not in written
        if not from_parameter and not _CLASS_NAME.match(method):
            return
        flags = tuple((k.arg, self.flag_literal(k.value)) for k in node.keywords if k.arg in LAYER_FLAGS)
        flags += _positional_padding(node, qualified, flags)
        param_flags = tuple(
            (k.arg, k.value.id, *scope.param_defaults.get(k.value.id, (None, NOT_LITERAL)))  # type: ignore[attr-defined]
            for k in node.keywords
            if k.arg in LAYER_FLAGS and type(k.value) is ast.Name and k.value.id in scope.params  # type: ignore[attr-defined]
        )
        splat = any(type(a) is ast.Starred for a in node.args) or any(k.arg is None for k in node.keywords)
        if self.loop_depth:
            flags += ((REPEATED_BUILD, True),)
        passed: list[tuple[Union[str, int], Literal]] = [
            (k.arg, k.value.value) for k in node.keywords  # type: ignore[attr-defined]
            if k.arg and type(k.value) is ast.Constant and type(k.value.value) in (str, bool)  # type: ignore[attr-defined]
        ]
        passed += [
            (i, a.value) for i, a in enumerate(node.args)  # type: ignore[attr-defined]
            if type(a) is ast.Constant and type(a.value) in (str, bool)  # type: ignore[attr-defined]
        ]
        self.layers[class_qual].append(
            LayerBuild(qualified, resolved, attr, flags, node.lineno, from_parameter, _size_arguments(node), param_flags,  # type: ignore[arg-type]
                       -1 if splat else len(node.args), tuple(k.arg for k in node.keywords if k.arg),
                       (scope.qualname, *scope.branches[-1]) if scope.branches else (), tuple(passed),
                       self.first_argument_of.pop(id(node), ""))
        )

    def apply_site(
        self,
        node: ast.Call,
        scope: _Scope,
        receiver_node: Optional[ast.expr] = None,
        target: Optional[ast.expr] = None,
    ) -> None:
        if receiver_node is None:
            func = node.func
            assert type(func) is ast.Attribute
            receiver_node = func.value  # type: ignore[attr-defined]
        receiver = dotted(receiver_node) or NOT_LITERAL
        receiver_class = self._receiver_class(receiver, receiver_node, scope)
        target = node.args[0] if target is None else target
        if type(target) is ast.Call:  # partial(fn, ...)
            callee = dotted(target.func) or ""  # type: ignore[attr-defined]
            if callee.rsplit(".", 1)[-1] == "partial" and target.args:  # type: ignore[attr-defined]
                target = target.args[0]  # type: ignore[attr-defined]
        written = dotted(target)
        if written is None:
            if type(target) is not ast.Lambda:
                return
            written = "<lambda>"
        is_method = bool(scope.self_name) and written.startswith(f"{scope.self_name}.")
        name = written[len(scope.self_name) + 1 :] if is_method else written  # type: ignore[arg-type]
        holds = scope.held.get(receiver) or ()
        scope.applies.append(ApplySite(receiver, receiver_class, name, is_method, node.lineno, holds))

    def _receiver_class(self, receiver: str, node: ast.AST, scope: _Scope) -> Optional[str]:
        if receiver == scope.self_name and scope.self_name:
            return scope.class_name
        if receiver in scope.locals_class:
            return scope.locals_class[receiver]
        if type(node) is ast.Call:
            return self.constructed_class(node)  # type: ignore[arg-type]
        return None

    def value_kind(self, value: ast.expr) -> Optional[str]:
        if type(value) is ast.Constant:
            return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(value.value))  # type: ignore[attr-defined]
        if type(value) is ast.Call:
            written = dotted(value.func)  # type: ignore[attr-defined]
            if written is None:
                return None
            if written in ("int", "len"):
                return "int"
            qualified, resolved = self.qualify(written)
            if not resolved or not qualified.startswith("torch."):
                return None
            last = qualified.rsplit(".", 1)[-1]
            if last in _TENSOR_FACTORIES or last == "Parameter":
                return "tensor"
            if qualified.startswith("torch.nn.") and _CLASS_NAME.match(last) and not qualified.startswith("torch.nn.init"):
                return "module"
        return None

    _CONTAINERS = frozenset({"torch.nn.Sequential", "torch.nn.ModuleList"})

    def held_classes(self, value: ast.AST, scope: _Scope, repeated: bool = False) -> Optional[tuple[tuple[str, tuple], ...]]:
        """The classes of the modules `value` holds when it is built here from constructions
        only: `[nn.Linear(a, b), nn.ReLU()]`, `[] if c else [nn.Dropout(p)]`, a comprehension
        of one construction, `nn.Sequential(*layers)` of such a list (the container's own
        class left out: it holds no parameters), a tracked name. None when anything is not
        known."""
        kind = type(value)
        if kind is ast.Name:
            return scope.held.get(value.id)  # type: ignore[attr-defined]
        if kind is ast.Attribute:
            return scope.held.get(dotted(value) or "")
        if kind in (ast.List, ast.Tuple):
            found: list[tuple[str, tuple]] = []
            for element in value.elts:  # type: ignore[attr-defined]
                inner = self.held_classes(element.value if type(element) is ast.Starred else element, scope, repeated)  # type: ignore[attr-defined]
                if inner is None:
                    return None
                found.extend(inner)
            return tuple(dict.fromkeys(found))
        if kind is ast.IfExp:
            body = self.held_classes(value.body, scope, repeated)  # type: ignore[attr-defined]
            orelse = self.held_classes(value.orelse, scope, repeated)  # type: ignore[attr-defined]
            return None if body is None or orelse is None else tuple(dict.fromkeys(body + orelse))
        if kind is ast.BinOp and type(value.op) is ast.Add:  # type: ignore[attr-defined]
            return self.held_classes(ast.List([value.left, value.right]), scope, repeated)  # type: ignore[attr-defined]
        if kind is ast.ListComp:
            return self.held_classes(value.elt, scope, True)  # type: ignore[attr-defined]
        if kind is ast.Call:
            built = self.constructed_class(value)  # type: ignore[arg-type]
            if built is None:
                return None
            if built in self._CONTAINERS:
                return self.held_classes(ast.List(list(value.args)), scope, repeated) if not value.keywords else None  # type: ignore[attr-defined]
            flags = tuple((k.arg, self.flag_literal(k.value)) for k in value.keywords if k.arg in LAYER_FLAGS)  # type: ignore[attr-defined]
            flags += _positional_padding(value, built, flags)  # type: ignore[arg-type]
            if repeated or self.loop_depth:
                flags += ((REPEATED_BUILD, True),)
            return ((built, flags),)
        return None

    def _note_held(self, target: ast.AST, value: ast.AST, scope: _Scope, augmented: bool = False) -> None:
        """Track what a local list or `self.<attr>` holds (see `held_classes`)."""
        name = dotted(target)
        if name is None or (type(target) is ast.Attribute and not name.startswith(f"{scope.self_name}.")):
            return
        if type(target) is not ast.Name and not scope.self_name:
            return
        held = self.held_classes(value, scope)
        if augmented:
            before = scope.held.get(name)
            held = None if before is None or held is None else tuple(dict.fromkeys(before + held))
        scope.held[name] = held

    def _parameter_payload(self, value: ast.expr) -> Optional[ast.expr]:
        """`nn.Parameter(<payload>, ...)` → the payload; None for anything else."""
        if type(value) is not ast.Call or not value.args:  # type: ignore[attr-defined]
            return None
        written = dotted(value.func)  # type: ignore[attr-defined]
        if written is None or self.qualify(written)[0] not in PARAMETER_CLASSES:
            return None
        return value.args[0]  # type: ignore[attr-defined]

    _VECTOR_CREATORS = frozenset({"torch.empty"}) | LEGACY_TENSOR_TYPES

    def _empty_vector(self, value: ast.expr) -> bool:
        """`nn.Parameter(torch.Tensor(dim))`, `nn.Parameter(torch.empty(n))`: a 1-D parameter of
        uninitialized memory (an argument that reads as a size, not data: `torch.Tensor(values)`)."""
        inner = self._parameter_payload(value)
        if type(inner) is not ast.Call or len(inner.args) != 1:  # type: ignore[attr-defined]
            return False
        creator = dotted(inner.func)  # type: ignore[attr-defined]
        if creator is None or self.qualify(creator)[0] not in self._VECTOR_CREATORS:
            return False
        size = inner.args[0]  # type: ignore[attr-defined]
        if type(size) in (ast.Tuple, ast.List) and len(size.elts) == 1:  # type: ignore[attr-defined]
            size = size.elts[0]  # type: ignore[attr-defined]
        return _reads_as_size(size)

    _STACK_CREATORS = frozenset(
        {"torch.empty", "torch.zeros", "torch.ones", "torch.randn", "torch.rand"}
    ) | LEGACY_TENSOR_TYPES

    def _stack_shape(self, value: ast.expr) -> Optional[str]:
        """`nn.Parameter(torch.empty(e, i, o))`, `nn.Parameter(torch.zeros((e, i, o)))`: the
        sizes as written when three or more of them are not a literal 1 (`(1, heads, d)` is a
        broadcast vector, not a stack); None otherwise."""
        inner = self._parameter_payload(value)
        while type(inner) is ast.Call and type(inner.func) is ast.Attribute and type(inner.func.value) is ast.Call:  # type: ignore[attr-defined]
            inner = inner.func.value  # type: ignore[attr-defined]  (`torch.empty(e, i, o).uniform_()`)
        if type(inner) is not ast.Call:
            return None
        creator = dotted(inner.func)  # type: ignore[attr-defined]
        qualified = self.qualify(creator)[0] if creator is not None else None
        if qualified not in self._STACK_CREATORS:
            return None
        sizes = list(inner.args)  # type: ignore[attr-defined]
        if len(sizes) == 1 and type(sizes[0]) in (ast.Tuple, ast.List) and qualified not in LEGACY_TENSOR_TYPES:
            sizes = list(sizes[0].elts)  # type: ignore[attr-defined]  (`torch.Tensor([...])` is data)
        if any(type(s) in (ast.Starred, ast.Tuple, ast.List) for s in sizes):
            return None
        if sum(not (type(s) is ast.Constant and s.value == 1) for s in sizes) < 3:  # type: ignore[attr-defined]
            return None
        return ", ".join(ast.unparse(s) for s in sizes)

    def _uninitialized_vectors(self, class_qual: str, attrs: list[str]) -> tuple[str, ...]:
        """Of `attrs`, those no method of the class initializes by name."""
        done = {
            init.path[0]
            for function in self.functions
            if function.class_name == class_qual and function.params
            for init in function.initializes
            if init.param == function.params[0] and init.path
        }
        return tuple(dict.fromkeys(a for a in attrs if a not in done))

    def constructed_class(self, value: ast.expr) -> Optional[str]:
        if type(value) is ast.Call:
            written = dotted(value.func)  # type: ignore[attr-defined]
            if written and _CLASS_NAME.match(written.rsplit(".", 1)[-1]):
                qualified, resolved = self.qualify(written)
                return qualified if resolved else None
        return None

    def argument_fact(self, node: ast.expr, scope: _Scope) -> ArgFact:
        value = literal(node)
        if value != NOT_LITERAL or (type(node) is ast.Constant and node.value is None):  # type: ignore[attr-defined]
            return ArgFact("literal", value)
        if type(node) is ast.Name and node.id == scope.self_name:  # type: ignore[attr-defined]
            return ArgFact("self", scope.class_name)
        root, path = root_and_path(node)
        if root is not None:
            if root == scope.self_name and path:
                return ArgFact("self_attr", path[0], path[1:])
            if root in scope.params:
                return ArgFact("param", root, path)
            classes = next((c for name, c in reversed(scope.guards) if name == root), ())
            if path and classes and NOT_LITERAL not in classes:
                # `if isinstance(m, Block): helper(m.proj)`: the `proj` of a Block
                return ArgFact("instance_attr", classes, path)
            if not path:
                for loop in scope.loops:
                    if loop.target == root:
                        narrowed = classes if NOT_LITERAL not in classes else ()
                        return ArgFact("module_loop", loop.receiver_class, (loop.receiver,), narrowed)
                if root in scope.locals_class:
                    if type(node) is ast.Subscript:
                        return ArgFact("other")  # `downsample[1]`: an element, not the container
                    return ArgFact("constructed", scope.locals_class[root])
                return ArgFact("name", root)
        built = self.constructed_class(node)
        if built:
            return ArgFact("constructed", built)
        return ArgFact("other")


_BUILTIN_NAMES = frozenset(dir(builtins))
# The value a padding test compares ids with, besides 0: `pad`, `self.padding_idx`, `pad_token_id`.
_PAD_VALUE = re.compile(r"^(?:pad|pad_idx|pad_id|pad_index|padding_idx|padding_index|pad_token_id|pad_token)$")
_PAD_TEST_METHODS = frozenset({"eq", "ne", "gt"})
# A parameter that carries a sequence or attention mask: `mask`, `input_mask`, `attn_mask`,
# `mask_padding`, `padding_masks`.
_MASK_PARAM = re.compile(r"(?:^|_)masks?(?:$|_)")


def _reads_a_mask(node: ast.AST) -> bool:
    """`mask`, `cumsum_mask`, `input_mask.cumsum(-1)`, `self.key_mask.long()`: a value read from
    something named as a mask (through method calls on it)."""
    while type(node) is ast.Call and type(node.func) is ast.Attribute:  # type: ignore[attr-defined]
        node = node.func.value  # type: ignore[attr-defined]
    return bool(_MASK_PARAM.search((dotted(node) or "").rsplit(".", 1)[-1]))


def _einsum_arguments(args: list[ast.expr]) -> Optional[list[ast.expr]]:
    """`einsum`'s arguments with the pattern first: torch's (`einsum("ij,jk", a, b)`) as they
    are, einops' (`einsum(a, b, "i j, j k -> i k")`) with its last argument moved first."""
    def is_pattern(node: ast.expr) -> bool:
        return type(node) is ast.Constant and isinstance(node.value, str)  # type: ignore[attr-defined]

    if len(args) < 2:
        return None
    if is_pattern(args[0]):
        return args
    if is_pattern(args[-1]):
        return [args[-1], *args[:-1]]
    return None


def einsum_summed(equation: str, operands: int) -> Optional[list[int]]:
    """For each operand of `einsum(equation, ...)`: how many of its indices the output sums
    over (the broadcast `...` counts as one); 0 when it keeps them all (an element-wise factor:
    `"btc,cf->btcf"` → [0, 0]). `"nik,iok->no"` → [2, 2]: the weight `iok` is one linear map
    over `i` and `k` together (a kernel), not a stack of `k` matrices. Implicit output (no
    `->`): the indices seen once, and the broadcast `...`. None when the equation does not
    parse or names another operand count."""
    text = equation.replace(" ", "")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != operands or not all(t.replace("...", "").isalpha() or not t for t in terms):
        return None
    if arrow:
        kept = set(output.replace("...", ""))
        ellipsis_kept = "..." in output
    else:
        counts: dict[str, int] = {}
        for term in terms:
            for letter in term.replace("...", ""):
                counts[letter] = counts.get(letter, 0) + 1
        kept = {letter for letter, count in counts.items() if count == 1}
        ellipsis_kept = True
    return [
        len(set(term.replace("...", "")) - kept) + ("..." in term and not ellipsis_kept)
        for term in terms
    ]


def _optional_annotation(annotation: Optional[ast.expr]) -> bool:
    """`Optional[T]`, `T | None`, `Union[T, None]` (or a string spelling one): None may come."""
    if annotation is None:
        return False
    text = annotation.value if type(annotation) is ast.Constant else ast.unparse(annotation)  # type: ignore[attr-defined]
    return isinstance(text, str) and ("Optional" in text or "None" in text)


def _required_masks(node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> tuple[str, ...]:
    """The function's mask parameters that every call must pass (no default, not annotated as
    possibly None) and that its body reads (see `FunctionSummary.required_masks`)."""
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    required = [a for a in positional[: len(positional) - len(arguments.defaults)]]
    required += [a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is None]
    names = {
        a.arg for a in required if _MASK_PARAM.search(a.arg) and not _optional_annotation(a.annotation)
    }
    read = _read_in_body(node, names)
    return tuple(a.arg for a in required if a.arg in read)


def _read_in_body(node: Union[ast.FunctionDef, ast.AsyncFunctionDef], names: set[str]) -> set[str]:
    """Those of `names` the function's body reads."""
    if not names:
        return set()
    return {
        n.id for statement in node.body for n in ast.walk(statement)
        if type(n) is ast.Name and n.id in names and type(n.ctx) is ast.Load  # type: ignore[attr-defined]
    }


def _module_constants(tree: ast.Module) -> dict[str, Literal]:
    """Module-level `NAME = <literal>` (a bool, None or an int: what a layer flag takes) whose
    assignment is the file's only binding of the name (no other assignment, parameter, loop
    target, import or definition in any scope)."""
    candidates: dict[str, Literal] = {}
    for statement in tree.body:
        if type(statement) is ast.Assign and len(statement.targets) == 1 and type(statement.targets[0]) is ast.Name:  # type: ignore[attr-defined]
            value = literal(statement.value)  # type: ignore[attr-defined]
            if value is None or type(value) in (bool, int):
                candidates[statement.targets[0].id] = value  # type: ignore[attr-defined]
    if not candidates:
        return {}
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Name and type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
            counts[node.id] = counts.get(node.id, 0) + 1  # type: ignore[attr-defined]
        elif kind is ast.arg:
            counts[node.arg] = counts.get(node.arg, 0) + 1  # type: ignore[attr-defined]
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            counts[node.name] = counts.get(node.name, 0) + 1  # type: ignore[attr-defined]
        elif kind in (ast.Global, ast.Nonlocal):
            for name in node.names:  # type: ignore[attr-defined]
                counts[name] = counts.get(name, 0) + 2
        elif kind is ast.alias:
            name = (node.asname or node.name).split(".")[0]  # type: ignore[attr-defined]
            counts[name] = counts.get(name, 0) + 1
    return {name: value for name, value in candidates.items() if counts.get(name) == 1}


def _optional_masks(node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> tuple[str, ...]:
    """The function's mask parameters a call may leave out (a default, or an annotation that
    admits None) and that its body reads (see `FunctionSummary.optional_masks`)."""
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    optional = set(positional[len(positional) - len(arguments.defaults):]) if arguments.defaults else set()
    optional |= {a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None}
    optional |= {a for a in positional + arguments.kwonlyargs if _optional_annotation(a.annotation)}
    read = _read_in_body(node, {a.arg for a in optional if _MASK_PARAM.search(a.arg)})
    return tuple(a.arg for a in positional + arguments.kwonlyargs if a.arg in read)


# A step of a statement's path through its function: (id of the compound statement, the branch,
# whether every run of the function that reaches the statement passes through it: `with` and
# `try` bodies do; `if`/`else`, loops, `except` and `match` cases may be skipped).
_Step = tuple[int, str, bool]


def _paths(body: list[ast.stmt], path: tuple[_Step, ...] = ()) -> Iterator[tuple[ast.stmt, tuple[_Step, ...]]]:
    """Every simple statement of a function body (nested definitions left out) with its path."""
    for statement in body:
        kind = type(statement)
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            continue
        branches: list[tuple[str, list[ast.stmt], bool]] = []
        if kind is ast.If or kind in (ast.For, ast.AsyncFor, ast.While):
            branches = [("body", statement.body, False), ("else", statement.orelse, False)]  # type: ignore[attr-defined]
        elif kind in (ast.With, ast.AsyncWith):
            branches = [("body", statement.body, True)]  # type: ignore[attr-defined]
        elif kind.__name__ in ("Try", "TryStar"):
            branches = [("body", statement.body, True), ("else", statement.orelse, False),  # type: ignore[attr-defined]
                        ("finally", statement.finalbody, True)]  # type: ignore[attr-defined]
            branches += [(f"except{i}", h.body, False) for i, h in enumerate(statement.handlers)]  # type: ignore[attr-defined]
        elif kind.__name__ == "Match":
            branches = [(f"case{i}", c.body, False) for i, c in enumerate(statement.cases)]  # type: ignore[attr-defined]
        else:
            yield statement, path
            continue
        for name, inner, always in branches:
            yield from _paths(inner, (*path, (id(statement), name, always)))


def _load_receivers(call: ast.Call, imports: dict[str, str]) -> tuple[str, ...]:
    """The objects a checkpoint-load call fills, as written: `m.load_state_dict(sd)` → ("m",);
    `load_checkpoint(m, f)`, `runner.load_checkpoint(m, f)` (a module's function: its head is
    imported) → ("m",). Nothing for other calls. (`strict=False` loads, which may leave tensors
    the checkpoint lacks as they were, are told apart by `_load_written`.)"""
    func = call.func
    name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None  # type: ignore[attr-defined]
    if not is_checkpoint_load(name):
        return ()
    if type(func) is ast.Attribute:
        receiver = dotted(func.value)  # type: ignore[attr-defined]
        if receiver is not None and receiver.split(".", 1)[0] not in imports:
            return (receiver,)
    first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("model", "module")), None)
    written = dotted(first) if first is not None and type(first) is not ast.Starred else None
    return (written,) if written is not None else ()


def _load_written(call: ast.Call) -> str:
    """The load as written (`m.load_state_dict`), with `LENIENT_LOAD` after it for a
    `strict=False` load: it fills only the tensors the checkpoint holds."""
    written = dotted(call.func) or "load"
    if any(k.arg == "strict" and type(k.value) is ast.Constant and k.value.value is False for k in call.keywords):  # type: ignore[attr-defined]
        written += LENIENT_LOAD
    return written


def _loaded_parameter_builds(
    body: list[ast.stmt], params: tuple[str, ...], imports: dict[str, str], has_load: bool
) -> tuple[int, ...]:
    """`FunctionSummary.loaded_parameter_builds`: `m = cls(...)` with `cls` a parameter, then a
    checkpoint load into `m` later in the function (under any test)."""
    builds: list[tuple[int, str]] = []
    loads: list[tuple[int, str]] = []
    for node in (n for statement in body for n in ast.walk(statement)) if has_load else ():
        if type(node) is ast.Assign and len(node.targets) == 1 and type(node.targets[0]) is ast.Name:  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if type(value) is ast.Call and type(value.func) is ast.Name and value.func.id in params \
                    and value.func.id not in ("self", "cls"):  # type: ignore[attr-defined]
                builds.append((node.lineno, node.targets[0].id))  # type: ignore[attr-defined]
        elif type(node) is ast.Call:
            loads.extend((node.lineno, receiver) for receiver in _load_receivers(node, imports))  # type: ignore[arg-type]
    loaded = [line for line, name in builds if any(at > line and receiver == name for at, receiver in loads)]
    # `with torch.device("meta"): model = model_cls(**cfg)` (or `init_empty_weights()`): built
    # without storage, to be filled from a checkpoint whatever loads it
    for block in _empty_init_blocks(body):  # (top-level: where loaders put the empty build)
        for inner in (n for statement in block.body for n in ast.walk(statement)):
            if type(inner) is ast.Assign and type(inner.value) is ast.Call and type(inner.value.func) is ast.Name \
                    and inner.value.func.id in params and inner.value.func.id not in ("self", "cls"):  # type: ignore[attr-defined]
                loaded.append(inner.lineno)
    return tuple(sorted(set(loaded)))


# Contexts that build modules without storage (a checkpoint must fill them): torch's meta device,
# accelerate's `init_empty_weights`, and the `skip_init`-style helpers of model zoos.
_EMPTY_INIT_CONTEXTS = frozenset({"init_empty_weights", "skip_model_initialization", "no_init_weights"})


def _empty_init_blocks(body: list[ast.stmt]) -> list[ast.With]:
    """The top-level `with torch.device("meta"):` / `with init_empty_weights():` blocks."""
    return [node for node in body if type(node) is ast.With
            and any(_empty_init_context(item.context_expr) for item in node.items)]  # type: ignore[attr-defined]


def _builds_empty(body: list[ast.stmt]) -> bool:
    return bool(_empty_init_blocks(body))


def _empty_init_context(expr: ast.expr) -> bool:
    if type(expr) is not ast.Call:
        return False
    name = (dotted(expr.func) or "").rsplit(".", 1)[-1]  # type: ignore[attr-defined]
    if name in _EMPTY_INIT_CONTEXTS:
        return True
    first = expr.args[0] if expr.args else None  # type: ignore[attr-defined]
    return name in ("device", "init_on_device") and type(first) is ast.Constant and first.value == "meta"  # type: ignore[attr-defined]


def _checkpoint_loads(body: list[ast.stmt], self_name: Optional[str], imports: dict[str, str]
                      ) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, int, int, str], ...]]:
    """`FunctionSummary.self_loads` and `.loaded_builds` of a function body (only run for
    functions that call something named like a load). A load is on the path of an assignment
    when every `if`/loop/`except` around the load is also around the assignment, and it comes
    after it."""
    statements = list(_paths(body))
    branching = {id(n) for statement in body for n in ast.walk(statement) if type(n) is ast.If and n.orelse}
    loads: list[tuple[ast.stmt, tuple[_Step, ...], str, str]] = []
    for statement, path in statements:
        for node in ast.walk(statement):
            if type(node) is ast.Call:
                for receiver in _load_receivers(node, imports):  # type: ignore[arg-type]
                    loads.append((statement, path, receiver, _load_written(node)))  # type: ignore[arg-type]
    self_loads = tuple(
        (statement.lineno, written) for statement, path, receiver, written in loads
        if receiver == self_name and all(always for _, _, always in path)
    )
    loaded: list[tuple[int, int, int, str]] = []
    # `with init_empty_weights(): model = Model(cfg)`: built without storage, to be filled
    for block in _empty_init_blocks(body):
        for inner in block.body:
            if type(inner) is ast.Assign and type(inner.value) is ast.Call:  # type: ignore[attr-defined]
                end = inner.end_lineno or inner.lineno
                loaded.append((inner.lineno, end, block.lineno, "built empty under `" + (
                    dotted(block.items[0].context_expr.func) or "an empty-init context") + "()`"))  # type: ignore[attr-defined]
    for statement, path in statements:
        kind = type(statement)
        if kind is ast.Assign and len(statement.targets) == 1:  # type: ignore[attr-defined]
            target = statement.targets[0]  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign:
            target = statement.target  # type: ignore[attr-defined]
        else:
            continue
        if type(statement.value) is not ast.Call:  # type: ignore[attr-defined]
            continue
        name = dotted(target)
        end = statement.end_lineno or statement.lineno
        steps = set(path)
        # `if a: m.load_state_dict(x) else: m.load_state_dict(y)`: an if whose two branches
        # each load it fills it too (branch -> the load there, per `if`)
        split: dict[int, dict[str, tuple[int, str]]] = {}
        for load, load_path, receiver, written in loads:
            if receiver != name or load.lineno <= end:
                continue
            extra = [step for step in load_path if not step[2] and step not in steps]
            if not extra:
                loaded.append((statement.lineno, end, load.lineno, written))
                break
            if len(extra) == 1 and extra[0][0] in branching:
                split.setdefault(extra[0][0], {}).setdefault(extra[0][1], (load.lineno, written))
        else:
            both = next((b for b in split.values() if set(b) == {"body", "else"}), None)
            if both is not None:
                # the `strict=False` one names the pair when there is one (it may leave tensors)
                at, written = max(both.values(), key=lambda load: LENIENT_LOAD in load[1])
                loaded.append((statement.lineno, end, at, written))
    return self_loads, tuple(loaded)


_ZEROING_INITS = frozenset({"zeros_", "zeros"})


def _is_zero(node: Optional[ast.AST]) -> bool:
    return node is not None and type(node) is ast.Constant and node.value in (0, 0.0) and type(node.value) is not bool  # type: ignore[attr-defined]


_SIZE_KEYWORDS = (("in_channels", "in_features"), ("out_channels", "out_features"))


def _constructor_defaults(arguments: ast.arguments) -> dict[str, tuple[Optional[int], Literal]]:
    """An `__init__`'s parameters: position among the positional ones (self not counted) and
    the literal default, so that a construction that leaves one out is known to take it."""
    positional = arguments.posonlyargs + arguments.args
    defaults: dict[str, Literal] = {
        a.arg: literal(d) for a, d in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults)
    }
    defaults.update((a.arg, literal(d)) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None)
    found: dict[str, tuple[Optional[int], Literal]] = {
        a.arg: (i - 1, defaults.get(a.arg, NOT_LITERAL)) for i, a in enumerate(positional) if i > 0
    }
    found.update((a.arg, (None, defaults.get(a.arg, NOT_LITERAL))) for a in arguments.kwonlyargs)
    return found


def _reads_as_size(node: ast.expr) -> bool:
    """`64`, `dim`, `self.embed_dim`, `2 * hidden`: a size, not data (a true quotient never is)."""
    kind = type(node)
    if kind is ast.Constant:
        return type(node.value) is int  # type: ignore[attr-defined]
    if kind is ast.Name:
        return bool(SIZE_NAME.search(node.id))  # type: ignore[attr-defined]
    if kind is ast.Attribute:
        return bool(SIZE_NAME.search(node.attr))  # type: ignore[attr-defined]
    if kind is ast.BinOp and type(node.op) is not ast.Div:  # type: ignore[attr-defined]
        return _reads_as_size(node.left) or _reads_as_size(node.right)  # type: ignore[attr-defined]
    return False


def _parameter_branch(test: ast.expr, scope: _Scope) -> Optional[tuple[str, tuple[Literal, ...]]]:
    """`norm == "batch"`, `"batch" == norm`, `norm in ("batch", "sync")` with `norm` a parameter
    of the function: (parameter, the literals that make the test true). `if layer_norm:` on a
    parameter whose default is a bool: (parameter, (True,))."""
    if type(test) is ast.Name and test.id in scope.params and test.id != scope.self_name:  # type: ignore[attr-defined]
        default = scope.param_defaults.get(test.id, (None, NOT_LITERAL))[1]  # type: ignore[attr-defined]
        return (test.id, (True,)) if type(default) is bool else None  # type: ignore[attr-defined]
    if type(test) is not ast.Compare or len(test.ops) != 1:  # type: ignore[attr-defined]
        return None
    left, op, right = test.left, type(test.ops[0]), test.comparators[0]  # type: ignore[attr-defined]
    if op is ast.Eq and type(right) is ast.Name and type(left) is ast.Constant:
        left, right = right, left
    if type(left) is not ast.Name or left.id not in scope.params or left.id == scope.self_name:  # type: ignore[attr-defined]
        return None
    if op is ast.Eq:
        values = [right]
    elif op is ast.In and type(right) in (ast.Tuple, ast.List, ast.Set):
        values = right.elts  # type: ignore[attr-defined]
    else:
        return None
    literals = tuple(literal(v) for v in values)
    if not literals or any(type(v) not in (str, bool, int) for v in literals):
        return None
    return left.id, literals  # type: ignore[attr-defined]


_VALUE_CALLS = frozenset({"len", "int", "float", "bool", "str", "min", "max", "abs", "round", "tuple", "list", "dict", "isinstance"})
_REGISTRATIONS = frozenset({"register_parameter", "add_module", "register_module", "setattr", "__setattr__"})


def _on_self(target: ast.AST, self_name: Optional[str]) -> bool:
    """Does an assignment target set an attribute of the instance (`self.w`, `self.a, self.b`)?"""
    if not self_name:
        return False
    return any(
        type(part) is ast.Attribute and type(part.value) is ast.Name and part.value.id == self_name  # type: ignore[attr-defined]
        for part in ast.walk(target)
    )


def _plain(value: Optional[ast.expr]) -> bool:
    """A number, a name, arithmetic on them, `math.*` or `len(...)`: no module or parameter."""
    if value is None:
        return True
    for inner in ast.walk(value):
        if type(inner) in (ast.Lambda, ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp):
            return False
        if type(inner) is ast.Call:
            name = dotted(inner.func) or ""  # type: ignore[attr-defined]
            if not (name.startswith("math.") or name in _VALUE_CALLS):
                return False
    return True


def _constructor_facts(node: ast.ClassDef) -> tuple[tuple[tuple[str, Optional[int], Literal], ...],
                                                     Optional[tuple[int, tuple[tuple[str, str, Literal], ...]]]]:
    """`ClassSummary.init_params` and `.super_init`: what a construction of the class leaves
    to defaults, and what its constructor hands its base's (`super().__init__(c, affine=affine)`)."""
    init = next((s for s in node.body if type(s) is ast.FunctionDef and s.name == "__init__"), None)
    if init is None:
        return (), None
    defaults = _constructor_defaults(init.args)  # type: ignore[attr-defined]
    own = set(defaults)
    for statement in init.body:  # type: ignore[attr-defined]
        call = statement.value if type(statement) is ast.Expr else None  # type: ignore[attr-defined]
        if call is not None and _is_super_init(call):
            splat = any(type(a) is ast.Starred for a in call.args) or any(k.arg is None for k in call.keywords)  # type: ignore[attr-defined]
            passes = tuple(
                (k.arg, k.value.id if type(k.value) is ast.Name and k.value.id in own else "",  # type: ignore[attr-defined]
                 NOT_LITERAL if type(k.value) is ast.Name else literal(k.value))
                for k in call.keywords if k.arg  # type: ignore[attr-defined]
            )
            super_init = (-1 if splat else len(call.args), passes)  # type: ignore[attr-defined]
            return tuple((name, *found) for name, found in defaults.items()), super_init
    return tuple((name, *found) for name, found in defaults.items()), None


def _size_arguments(node: ast.Call) -> tuple[str, ...]:
    """The first two arguments of a layer construction (positional, or torch's keywords for
    them) as written: a number or a dotted name, "" otherwise."""
    if any(type(a) is ast.Starred for a in node.args[:2]):
        return ()
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    written: list[str] = []
    for position, names in enumerate(_SIZE_KEYWORDS):
        value = node.args[position] if position < len(node.args) else next(
            (keywords[n] for n in names if n in keywords), None
        )
        if value is None:
            break
        number = literal(value)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            written.append(repr(number))
        else:
            written.append(dotted(value) or "")
    return tuple(written)


def _is_none_or_zero(node: ast.AST) -> bool:
    return type(node) is ast.Constant and (node.value is None or _is_zero(node))  # type: ignore[attr-defined]

_HANDLERS = {
    ast.Import: _Summariser.visit_Import,
    ast.ImportFrom: _Summariser.visit_ImportFrom,
    ast.ClassDef: _Summariser.visit_ClassDef,
    ast.FunctionDef: _Summariser.visit_FunctionDef,
    ast.AsyncFunctionDef: _Summariser.visit_FunctionDef,
    ast.Lambda: _Summariser.visit_Lambda,
    ast.Assign: _Summariser.visit_Assign,
    ast.AnnAssign: _Summariser.visit_Assign,
    ast.AugAssign: _Summariser.visit_Assign,
    ast.For: _Summariser.visit_For,
    ast.AsyncFor: _Summariser.visit_For,
    ast.Name: _Summariser.visit_Name,
    ast.Constant: _Summariser.visit_Constant,
    ast.Attribute: _Summariser.visit_Attribute,
    ast.Return: _Summariser.visit_Return,
    ast.BinOp: _Summariser.visit_BinOp,
    ast.Call: _Summariser.visit_Call,
    ast.Compare: _Summariser.visit_Compare,
    ast.Subscript: _Summariser.visit_Subscript,
    ast.If: _Summariser.visit_If,
    ast.IfExp: _Summariser.visit_Test,
    ast.While: _Summariser.visit_Loop,
    ast.ListComp: _Summariser.visit_Loop,
    ast.SetComp: _Summariser.visit_Loop,
    ast.DictComp: _Summariser.visit_Loop,
    ast.GeneratorExp: _Summariser.visit_Loop,
    ast.Assert: _Summariser.visit_Test,
}


_SELF_TENSOR_ITERATORS = frozenset({*TENSOR_ITERATORS, "state_dict"})
# What a loop over a module's tensors may look at without reading their values.
_METADATA = frozenset(
    {"numel", "nelement", "element_size", "requires_grad", "requires_grad_", "device", "dtype",
     "shape", "size", "dim", "ndim", "ndimension", "is_leaf", "grad", "data_ptr", "is_cuda"}
)


def _target_names(target: ast.AST) -> list[str]:
    if type(target) is ast.Name:
        return [target.id]  # type: ignore[attr-defined]
    if type(target) in (ast.Tuple, ast.List):
        return [name for element in target.elts for name in _target_names(element)]  # type: ignore[attr-defined]
    return []


def _metadata_only(node: ast.AST, names: list[str]) -> bool:
    """Every use of `names` under `node` looks only at a tensor's metadata (`p.numel()`,
    `p.requires_grad = False`, `p.shape`), or is a string (`name` of `named_parameters`)."""
    allowed: set[int] = set()
    for child in ast.walk(node):
        if type(child) is ast.Attribute and child.attr in _METADATA and type(child.value) is ast.Name:  # type: ignore[attr-defined]
            allowed.add(id(child.value))  # type: ignore[attr-defined]
        elif type(child) is ast.Compare and type(child.ops[0]) in (ast.In, ast.NotIn):  # type: ignore[attr-defined]
            allowed.update(id(c) for c in child.comparators)  # type: ignore[attr-defined]  # `"w" in name`
            allowed.add(id(child.left))  # type: ignore[attr-defined]
        elif type(child) is ast.Call and type(child.func) is ast.Attribute \
                and child.func.attr in ("startswith", "endswith") and type(child.func.value) is ast.Name:  # type: ignore[attr-defined]
            allowed.add(id(child.func.value))  # type: ignore[attr-defined]
    return all(
        id(child) in allowed
        for child in ast.walk(node)
        if type(child) is ast.Name and child.id in names  # type: ignore[attr-defined]
    )


def summarize(text: str, module: str, package: Optional[str], filename: str = "") -> FileSummary:
    """Summarise one file's source. A file that does not parse gets an empty summary with `error`
    (linting reports the syntax error; the index just knows nothing about the file)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=filename or "<file>")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        return empty_summary(module, str(exc))
    return summarize_tree(tree, module, package, may_name_init_cfg(text))


def may_name_init_cfg(text: str) -> bool:
    """False only when no identifier of `text` can be `init_cfg`. CPython reads identifiers
    through NFKC, so other characters may spell it; the NFKC form of the whole text holds every
    identifier's NFKC form (an identifier is bounded by characters that cannot compose with
    it), so the word's absence there proves it. Half of transformers' files are not ASCII
    (docstrings, comments), and `init_cfg_overrides` walked every class of each of them: a
    fifth of summarising the project."""
    if "init_cfg" in text:
        return True
    return not text.isascii() and "init_cfg" in unicodedata.normalize("NFKC", text)


def summarize_tree(tree: ast.Module, module: str, package: Optional[str], init_cfg_named: bool = True) -> FileSummary:
    """`init_cfg_named` False: the file has no identifier `init_cfg` (see `summarize`)."""
    summariser = _Summariser(module, package, init_cfg_named)
    try:
        summariser.run(tree)
    except RecursionError as exc:
        return empty_summary(module, f"too deeply nested: {exc}")
    has_init = summariser.has_init_code or any(_is_init_like_name(f.name) for f in summariser.functions)
    scope = summariser.module_scope
    return FileSummary(
        module=module,
        version=SUMMARY_VERSION,
        imports=tuple(sorted(summariser.imports.items())),
        classes=tuple(summariser.classes),
        functions=tuple(summariser.functions),
        module_calls=tuple(scope.calls),
        module_applies=tuple(scope.applies),
        guard_aliases=tuple(sorted(summariser.guards.items())),
        referenced_names=frozenset(summariser.referenced),
        has_init_code=has_init,
        patches=tuple(summariser.patches),
        sequence_pairs=tuple(summariser.sequence_pairs),
        module_loaded_builds=(_checkpoint_loads(tree.body, None, summariser.imports)[1]
                              if scope.has_load else ()),
    )


def _is_init_like_name(name: str) -> bool:
    from initlint.analysis.context import is_init_name

    return is_init_name(name)
