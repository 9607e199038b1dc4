from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.activations import is_output_layer_name
from initlint.analysis.gate import FileWords
from initlint.analysis.scales import KnownNumber, constant_value, known_number, std_arguments
from initlint.analysis.tensors import InitCall, init_call, module_init_call
from initlint.analysis.values import option_branch, option_runs_by_default
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# torch.nn.init's inits with a `gain` argument (torch 2.13: xavier_uniform_, xavier_normal_,
# orthogonal_; the deprecated names take it too), and mmengine/mmcv's `xavier_init(m, gain=...)`.
_GAIN_INITS = frozenset(
    {"xavier_uniform_", "xavier_normal_", "orthogonal_", "xavier_uniform", "xavier_normal", "orthogonal"}
)
# A gain at or below this is 10x or more below every gain `calculate_gain` gives (0.75 for SELU
# is the smallest): a multiplier that small is a std by its size.
_SMALL_GAIN = 0.1
_STD_NAME = re.compile(r"(?:^|_)(?:std|stdv|stddev|sigma|initializer_range)(?:$|_)", re.IGNORECASE)


class StdAsGain(Rule):
    """
    ## What it does
    Flags `nn.init.xavier_uniform_` / `xavier_normal_` / `orthogonal_` (and mmengine's
    `xavier_init`) whose `gain` is a small number that reads as a standard deviation: 0.1 or
    less, written as a literal or through a name whose value the code states (a parameter's
    literal default, a single assignment in the function or module).

    Severity is what is certain. A `warning` when the gain is shown to be a std: the same
    function (or the module, for a module constant) also passes that name or number as the std
    of `normal_`/`trunc_normal_` (the pix2pix/CycleGAN `init_weights(net, init_type,
    init_gain=0.02)` recipe, where 0.02 is the std of the `normal` branch and the `xavier` branch
    reuses it as a gain), or the name says std (`std`, `sigma`, `initializer_range`); and the
    call runs by default: it is not under an option branch, or the branch's option is the
    parameter's default (`init_type="xavier"`); and the models the init function reaches are
    known in full and hold no normalization layer (a norm after a layer cancels its weights'
    scale: CUT and CycleGAN put an InstanceNorm after every hidden conv and train with this init,
    so there, or when what it reaches is not known, it is `info`). `info` when that branch runs only if a caller
    chooses another option than the default (or the default is not known), and when nothing
    shows the number is a std (a bare `gain=0.01`: a layer may be meant to start small, as
    RealNVP coupling nets or an FQF fraction proposal do). Never reported: a tensor of a layer
    named like an output layer (`head`, `policy_head`, `classifier`, `fc_out`, `final_layer`)
    with no such evidence (PPO's `orthogonal_(policy_head.weight, gain=0.01)` starts the policy
    near uniform on purpose), gains above 0.1 (`2 ** -2.5` in gated linear attention, `1 /
    math.sqrt(2)` in fairseq's attention), a gain of 0, and names whose value is not known (a
    parameter without a default, `self.config.init_xavier_std`, a name assigned twice).

    ## Why is this bad?
    `gain` multiplies Xavier's (or the orthogonal matrix's) scale: Xavier-normal draws with std
    `gain * sqrt(2 / (fan_in + fan_out))`, so `gain=0.02` on a 256x256 layer gives std 0.00125
    instead of 0.0625, 50x smaller, and every such layer shrinks the signal and its gradients by
    about that factor. The right gain is 1 for a linear layer, `nn.init.calculate_gain("relu")`
    (about 1.41) before a ReLU, 5/3 before a tanh; 0.02 is a standard deviation (BERT's, the
    pix2pix `normal` branch's), not a multiplier.

    ## Example
    ```python
    def init_weights(net, init_type="xavier", init_gain=0.02):
        def init_func(m):
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                if init_type == "normal":
                    nn.init.normal_(m.weight, 0.0, init_gain)
                elif init_type == "xavier":
                    nn.init.xavier_normal_(m.weight, gain=init_gain)
        net.apply(init_func)
    ```

    ## Use instead
    ```python
                elif init_type == "xavier":
                    nn.init.xavier_normal_(m.weight, gain=nn.init.calculate_gain("relu"))
    ```

    ## Fix safety
    No automatic fix: the right gain depends on the activation after the layer (1, `sqrt(2)`,
    5/3), and some code meant the std and wants `normal_` instead.

    ## References
    - [PyTorch: `torch.nn.init.xavier_normal_` and `calculate_gain`](https://pytorch.org/docs/stable/nn.init.html)
    - [Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward neural networks](https://proceedings.mlr.press/v9/glorot10a.html)
    """

    code = "INI111"
    name = "std-as-gain"
    summary = "A std-sized number (0.02) passed as Xavier's or orthogonal's gain, a multiplier"
    severity = Severity.WARNING
    fix_safety = None
    triggers = ("xavier", "orthogonal")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at a torch.nn.init call of one of `_GAIN_INITS` or at `xavier_init`."""
        return words.init_call(_GAIN_INITS) or words.has("xavier_init")

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context) or module_init_call(node, self.context)
        if call is None or call.function not in _GAIN_INITS or call.is_method:
            return
        gain = call.argument(0, "gain")
        known = known_number(gain, self.context)
        if gain is None or known is None or not 0 < known.value <= _SMALL_GAIN:
            return
        evidence = self._evidence(known, gain)
        if evidence is None and any(
            name is not None and is_output_layer_name(name) for name in (call.tensor.owner, call.tensor.attr)
        ):
            return
        option = option_branch(self.context)
        by_default = option_runs_by_default(self.context) if option is not None else None
        value = f"{known.value:g}"
        spelled = self.context.code_for(gain)
        what = f"gain `{spelled}`" if known.name is None else (
            f"gain `{spelled}` = {value} ({'its default' if known.default_of else 'assigned once'})"
        )
        head = f"`{self.context.code_for(node.func)}` with {what} {self._effect(call, known.value)}"
        explain = (
            "`gain` multiplies that scale (1 for a linear layer, `nn.init.calculate_gain(\"relu\")` "
            "before a ReLU, 5/3 before a tanh)"
        )
        if evidence is None:
            self.report(
                node,
                f"{head}: {explain}, so {value} reads like a std; fine if this layer is meant to "
                "start that small, otherwise pass the gain its activation needs",
                severity=Severity.INFO,
            )
            return
        message = (
            f"{head}: {explain}, and {value} reads as a std: {evidence}; pass the gain the "
            "activation needs, or use `normal_` if that std was meant"
        )
        if option is None or by_default is True:
            scale = self._normalized_after()
            if scale is None:
                self.report(node, message)
            else:
                self.report(node, f"{message} ({scale})", severity=Severity.INFO)
            return
        chosen = (
            "the default is another option" if by_default is False else "which option runs by default is not known"
        )
        self.report(node, f"{message} (this branch runs when `{option}` is chosen; {chosen})", severity=Severity.INFO)

    def _normalized_after(self) -> Optional[str]:
        """Why a too-small gain may not matter, or None when it surely does. A normalization
        layer after a layer cancels its weights' scale, so the 50x is felt only where nothing
        normalizes (CUT and CycleGAN put an InstanceNorm after every hidden conv and train with
        this init). A `warning` needs the models the init function reaches to be known in full
        and hold no norm layer; otherwise `info`."""
        view = self.context.project
        local = view.current_function(self.context)
        if local is None:
            return "whether normalization after these layers cancels the scale is not known"
        parts = local.split(".")
        for depth in range(len(parts), 0, -1):  # the function, then the ones around it (closures)
            reach = view.reaching(".".join(parts[:depth]))
            if reach.layers or reach.closed:
                break
        klass = self.context.enclosing_class()
        if not reach.layers and klass is not None:  # a method initializing its own layers
            reach = view.index.layers_of(view.class_qualname_of(self.context, klass))
        norms = sorted({u.short_name for u in reach.layers if u.kind == "norm"})
        if norms:
            return (f"the models it initializes hold normalization layers ({', '.join(norms[:3])}), "
                    "which cancel the weights' scale wherever they follow a layer")
        if not reach.complete:
            return "whether normalization after these layers cancels the scale is not known"
        return None

    def _effect(self, call: InitCall, gain: float) -> str:
        factor = 1 / gain
        times = f"{factor:.3g}" if factor < 10 else f"{round(factor):,}"
        if call.function.startswith("orthogonal"):
            return f"scales the orthogonal matrix to singular values {gain:g}, {times}x below 1"
        return f"makes the std {times}x smaller than Xavier's"

    def _evidence(self, known: KnownNumber, gain: cst.BaseExpression) -> Optional[str]:
        """Why the number is a std: the same scope passes it as the std of a normal draw, or
        its name says std. None when nothing says so."""
        scope = known.scope
        if scope is None:  # a literal: look in the outermost enclosing function
            scope = next(
                (n for n in reversed(list(self.context.ancestors())) if isinstance(n, cst.FunctionDef)), None
            )
        for draw, std in std_arguments(scope, self.context) if scope is not None else ():
            same = (
                isinstance(std, cst.Name) and std.value == known.name
                if known.name is not None
                else constant_value(std) == known.value
            )
            if same:
                return f"the same code passes `{self.context.code_for(std)}` as the std of `{self.context.code_for(draw.func)}`"
        if known.name is not None and _STD_NAME.search(known.name):
            return f"its name, `{known.name}`, says it is a std"
        return None

    VALID = [
        Valid(
            """
            import math
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, 4 * d)
                    self.fc2 = nn.Linear(4 * d, d)
                    self.gate = nn.Linear(d, d)
                    self.rnn = nn.GRU(d, d)
                    self.proj = nn.Linear(d, d)
                    nn.init.xavier_uniform_(self.fc1.weight, gain=nn.init.calculate_gain("relu"))
                    nn.init.xavier_uniform_(self.fc2.weight, gain=1.0)
                    nn.init.xavier_normal_(self.gate.weight, gain=5 / 3)
                    nn.init.orthogonal_(self.rnn.weight_hh_l0, gain=math.sqrt(2))
                    nn.init.xavier_uniform_(self.proj.weight, gain=2 ** -2.5)
            """,
            reason="real gains: calculate_gain, 1, 5/3 for tanh, sqrt(2), a deliberate 0.18",
        ),
        Valid(
            """
            import torch.nn as nn

            class ActorCritic(nn.Module):
                def __init__(self, d, n_actions):
                    super().__init__()
                    self.policy_head = nn.Linear(d, n_actions)
                    self.value_head = nn.Linear(d, 1)
                    nn.init.orthogonal_(self.policy_head.weight, gain=0.01)
                    nn.init.orthogonal_(self.value_head.weight, gain=1.0)
            """,
            reason="PPO's small policy head: an output layer meant to start small",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_layer(m, gain, std=0.02, kind="xavier"):
                if kind == "normal":
                    nn.init.normal_(m.weight, 0.0, std)
                else:
                    nn.init.xavier_uniform_(m.weight, gain=gain)

            def init_scaled(m, scale=1.0):
                nn.init.xavier_normal_(m.weight, gain=scale)

            def init_from_config(m, config):
                xavier_std = config.init_xavier_std
                nn.init.xavier_uniform_(m.weight, gain=xavier_std)
            """,
            reason="the gain is a separate argument, has a default of 1, or is read from a config",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m, gain=0.02):
                gain = nn.init.calculate_gain("relu")
                nn.init.xavier_uniform_(m.weight, gain=gain)
            """,
            reason="the parameter is rebound before use: its default is not what the init gets",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            def reset_weights(model, scheme="glorot", scale=0.02):
                def visit(layer):
                    if isinstance(layer, (nn.Linear, nn.Conv2d)):
                        if scheme == "gaussian":
                            nn.init.normal_(layer.weight, 0.0, scale)
                        elif scheme == "glorot":
                            nn.init.xavier_normal_(layer.weight, gain=scale)
                model.apply(visit)

            class MLP(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.fc2 = nn.Linear(d, d)
                    reset_weights(self)
            """,
            line=10,
            severity=Severity.WARNING,
            message_contains="gain `scale` = 0.02 (its default) makes the std 50x smaller than Xavier's",
        ),
        Invalid(
            """
            import torch.nn as nn

            def reset_weights(model, scheme="glorot", scale=0.02):
                def visit(layer):
                    if isinstance(layer, nn.Conv2d):
                        if scheme == "gaussian":
                            nn.init.normal_(layer.weight, 0.0, scale)
                        elif scheme == "glorot":
                            nn.init.xavier_normal_(layer.weight, gain=scale)
                model.apply(visit)

            class Generator(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3, padding=1)
                    self.norm = nn.InstanceNorm2d(c)
                    reset_weights(self)
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="hold normalization layers (InstanceNorm2d)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def reset_weights(model, scheme="gaussian", scale=0.02):
                def visit(layer):
                    if isinstance(layer, (nn.Linear, nn.Conv2d)):
                        if scheme == "gaussian":
                            nn.init.normal_(layer.weight, 0.0, scale)
                        elif scheme in ("ortho", "orthogonal"):
                            nn.init.orthogonal_(layer.weight, gain=scale)
                model.apply(visit)
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="singular values 0.02, 50x below 1",
        ),
        Invalid(
            """
            import torch.nn as nn

            INIT_STD = 0.01

            class Encoder(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, d)
                    self.proj = nn.Linear(d, d)
                    nn.init.normal_(self.embed.weight, std=INIT_STD)
                    nn.init.xavier_uniform_(self.proj.weight, gain=INIT_STD)
            """,
            line=12,
            severity=Severity.WARNING,
            message_contains="100x smaller",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_linear(layer, std=0.05):
                nn.init.xavier_normal_(layer.weight, gain=std)
                nn.init.zeros_(layer.bias)
            """,
            # nothing calls it here: whether a norm follows its layers is not known
            severity=Severity.INFO,
            message_contains="its name, `std`, says it is a std",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.token_mix = nn.Linear(d, d)
                    nn.init.xavier_uniform_(self.token_mix.weight, gain=0.02)
            """,
            severity=Severity.INFO,
            message_contains="reads like a std",
        ),
        Invalid(
            """
            from mmengine.model import normal_init, xavier_init
            import torch.nn as nn

            def init_generator(module, init_type="normal", init_gain=0.02):
                def init_func(m):
                    if isinstance(m, (nn.Conv2d, nn.Linear)):
                        if init_type == "normal":
                            normal_init(m, 0.0, init_gain)
                        elif init_type == "xavier":
                            xavier_init(m, gain=init_gain, distribution="normal")
                module.apply(init_func)
            """,
            line=11,
            severity=Severity.INFO,
            message_contains="the default is another option",
        ),
    ]
