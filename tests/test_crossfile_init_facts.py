"""Init facts that cross files, on small projects written for these tests: a library init helper
(PyTorch Geometric's `uniform(size, value)`) called by a base class in another module."""

from __future__ import annotations

import json
from pathlib import Path


def _rows(run, root: Path, select: str = "INI001") -> set[tuple[str, int, str]]:
    result = run(str(root), "--output-format", "json", "--select", select, "--no-cache")
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return {(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows}


def _package(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in files.items():
        (pkg / name).write_text(text)


_GRAPH_BASE = '''import torch.nn as nn
from torch_geometric.nn.inits import glorot, uniform


class Readout(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.build(dim)
        self.reset_parameters()

    def build(self, dim):
        pass

    def reset_parameters(self):
        glorot(self.weight)
        uniform(self.weight.size(0), self.bias)
'''

_GRAPH_CHILD = '''import torch
import torch.nn as nn

from pkg.base import Readout


class Pooling(Readout):
    def build(self, dim):
        self.weight = nn.Parameter(torch.empty(dim, dim))
        self.bias = nn.Parameter(torch.Tensor(dim))
        self.temperature = nn.Parameter(torch.empty(1))

    def forward(self, x):
        return (x @ self.weight + self.bias) / self.temperature
'''


def test_library_helpers_in_a_base_class_of_another_file(run, tmp_path: Path) -> None:
    """The base's `reset_parameters` fills `weight` (glorot) and `bias` (uniform's second
    argument) for the subclass; `temperature` is filled by nothing."""
    _package(tmp_path, {"base.py": _GRAPH_BASE, "child.py": _GRAPH_CHILD})
    assert _rows(run, tmp_path) == {("child.py", 11, "error")}


_PROBE = '''import torch
import torch.nn as nn


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.placeholder = nn.Parameter(torch.empty(1))

    def forward(self, x):
        return x
'''


def test_a_parameter_nothing_reads_is_info_until_another_file_reads_it(run, tmp_path: Path) -> None:
    """`placeholder` is only assigned in its class: info. A function in another module that
    reads `probe.placeholder`, or a base class in another module whose `penalty` reads the
    values of every parameter, makes its garbage reach an output: error."""
    _package(tmp_path, {"probe.py": _PROBE})
    assert _rows(run, tmp_path) == {("probe.py", 8, "info")}
    (tmp_path / "pkg" / "use.py").write_text(
        "def score(probe, x):\n    return probe.placeholder * x\n"
    )
    assert _rows(run, tmp_path) == {("probe.py", 8, "error")}
    (tmp_path / "pkg" / "use.py").unlink()
    (tmp_path / "pkg" / "base.py").write_text(
        "import torch.nn as nn\n\n\nclass Regularized(nn.Module):\n"
        "    def penalty(self):\n        return sum(p.pow(2).sum() for p in self.parameters())\n"
    )
    (tmp_path / "pkg" / "probe.py").write_text(
        _PROBE.replace("import torch.nn as nn\n", "import torch.nn as nn\n\nfrom pkg.base import Regularized\n")
        .replace("class Probe(nn.Module):", "class Probe(Regularized):")
    )
    assert _rows(run, tmp_path) == {("probe.py", 10, "error")}


_GATES = '''import torch
import torch.nn as nn


class GateCell(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight_in = nn.Parameter(torch.Tensor(3 * d, d))
        self.bias_in = nn.Parameter(torch.Tensor(3 * d))
        self.gain = nn.Parameter(torch.Tensor(d))
        nn.init.zeros_(self.bias_in)

    def forward(self, x):
        return (x @ self.weight_in.t() + self.bias_in)[..., : x.shape[-1]] * self.gain


class Recurrent(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.cell = GateCell(d)

    def forward(self, x):
        return self.cell(x)
'''

_EVOLVING = '''import torch.nn as nn

from pkg.gates import *


class Evolving(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.recurrent = Recurrent(d)
        for name, tensor in self.recurrent.named_parameters():
{loop}

    def forward(self, x):
        return self.recurrent(x)
'''


def test_an_owner_of_an_owner_initializing_a_sub_module_by_parameter_name(run, tmp_path: Path) -> None:
    """`Evolving` (another file, a star import) builds `Recurrent`, which builds `GateCell`, then
    draws every parameter of `self.recurrent` whose name contains "weight": `weight_in` is
    covered, `gain` is not. A `dim() > 1` filter covers the 2-D `weight_in`, not the 1-D
    `gain`."""
    named = "            if 'weight' in name:\n                nn.init.normal_(tensor, std=0.01)"
    _package(tmp_path, {"gates.py": _GATES, "evolving.py": _EVOLVING.format(loop=named)})
    assert _rows(run, tmp_path) == {("gates.py", 10, "error")}
    shaped = "            if tensor.dim() > 1:\n                nn.init.normal_(tensor, std=0.01)"
    (tmp_path / "pkg" / "evolving.py").write_text(_EVOLVING.format(loop=shaped))
    assert _rows(run, tmp_path) == {("gates.py", 10, "error")}
    every = "            nn.init.normal_(tensor, std=0.01)"
    (tmp_path / "pkg" / "evolving.py").write_text(_EVOLVING.format(loop=every))
    assert _rows(run, tmp_path) == set()


_ABSTRACT_BASE = '''import torch
import torch.nn as nn


class Kernel(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d, d))
        self.scale = nn.Parameter(torch.empty(d))
        self.reset_parameters()

    def reset_parameters(self):
        raise NotImplementedError
'''

_CONCRETE = '''import torch.nn as nn

from pkg.kernel import Kernel


class Orthogonal(Kernel):
    def reset_parameters(self):
        nn.init.orthogonal_(self.weight)
'''


def test_a_subclass_in_another_file_that_initializes_says_less(run, tmp_path: Path) -> None:
    """The base leaves `reset_parameters` abstract; a subclass in another module fills `weight`
    (info at the base: fine while only such subclasses are built) but nothing fills `scale`."""
    _package(tmp_path, {"kernel.py": _ABSTRACT_BASE})
    assert _rows(run, tmp_path) == {("kernel.py", 8, "error"), ("kernel.py", 9, "error")}
    (tmp_path / "pkg" / "concrete.py").write_text(_CONCRETE)
    assert _rows(run, tmp_path) == {("kernel.py", 8, "info"), ("kernel.py", 9, "error")}


_LAYERS = '''import torch
import torch.nn as nn


class Mixer(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d, d))
        self.gain = nn.Parameter(torch.empty(d))


class Router(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.table = nn.Parameter(torch.empty(d, d))
'''

_INIT_HELPERS = '''import torch.nn as nn

from pkg.layers import Router


def init_routers(model):
    for module in model.modules():
        if isinstance(module, Router):
            nn.init.normal_(module.table, std=0.02)
'''

_OWNER = '''import torch.nn as nn

from pkg.helpers import init_routers
from pkg.layers import Mixer, Router


class Net(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.mixer = Mixer(d)
        self.router = Router(d)
        init_routers(self)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
'''


def test_owner_loops_that_reach_the_tensor_across_files(run, tmp_path: Path) -> None:
    """The owner's `dim() > 1` loop over its parameters covers `Mixer.weight` (a matrix) but not
    `Mixer.gain` (1-D); `Router.table` is covered by a helper in another module that the owner
    hands itself to, whose `modules()` loop writes `.table` of Routers. Without the owner's
    loop, `Mixer.weight` is uncovered again while `Router.table` stays covered."""
    _package(tmp_path, {"layers.py": _LAYERS, "helpers.py": _INIT_HELPERS, "owner.py": _OWNER})
    assert _rows(run, tmp_path) == {("layers.py", 9, "error")}
    without_loop = _OWNER.split("        for p in self.parameters():")[0]
    (tmp_path / "pkg" / "owner.py").write_text(without_loop)
    assert _rows(run, tmp_path) == {("layers.py", 8, "error"), ("layers.py", 9, "error")}
    (tmp_path / "pkg" / "owner.py").write_text(without_loop.replace("        init_routers(self)\n", ""))
    assert _rows(run, tmp_path) == {
        ("layers.py", 8, "error"), ("layers.py", 9, "error"), ("layers.py", 15, "error")
    }


_PROTOCOL = '''import torch.nn as nn


class Module(nn.Module):
    param_init = None

    def init_states(self):
        for child in self.children():
            if isinstance(child, Module):
                child.init_states()
        for name, param in self.named_parameters(recurse=False):
            self._init_param(name, param)

    def _init_param(self, name, param):
        self.param_init[name](param)
'''

_PROTOCOL_USER = '''import torch
import torch.nn as nn

from pkg.protocol import Module


class Experts(Module):
    def __init__(self, n, d):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(n, d, d))


def train(model):
    model.init_states()
'''


def test_a_base_that_hands_each_parameter_to_configured_initializers_says_less(run, tmp_path: Path) -> None:
    """A project base whose `init_states` hands each own parameter to `self._init_param` (an
    initializer chosen by configuration, torchtitan-style) may initialize `w1`: info. Without
    that loop nothing does: error."""
    _package(tmp_path, {"protocol.py": _PROTOCOL, "experts.py": _PROTOCOL_USER})
    assert _rows(run, tmp_path) == {("experts.py", 10, "info")}
    (tmp_path / "pkg" / "protocol.py").write_text(
        _PROTOCOL.replace("        for name, param in self.named_parameters(recurse=False):\n"
                          "            self._init_param(name, param)\n", "")
    )
    assert _rows(run, tmp_path) == {("experts.py", 10, "error")}


_FUSED = '''import torch
import torch.nn as nn


class FusedExperts(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.gate_up = nn.Parameter(torch.empty(config.n, 2 * config.f, config.d))
'''

_PATCHER = '''from pkg.fused import FusedExperts


def apply_kernels(experts=True):
    from transformers.models.mixtral import modeling_mixtral

    if experts:
        modeling_mixtral.MixtralExperts = FusedExperts
'''


def test_a_class_patched_into_a_library_module_in_another_file_says_less(run, tmp_path: Path) -> None:
    """`modeling_mixtral.MixtralExperts = FusedExperts` in another module (a function-level
    import, under an `if`): transformers' `_init_weights` finds the class by that name after the
    patch, so the empty tensor may be initialized there: info. A patch into a project module is
    not one (that code is in the index): error, as without any patch."""
    _package(tmp_path, {"fused.py": _FUSED, "patch.py": _PATCHER})
    assert _rows(run, tmp_path) == {("fused.py", 8, "info")}
    (tmp_path / "pkg" / "registry.py").write_text("class MixtralExperts:\n    pass\n")
    (tmp_path / "pkg" / "patch.py").write_text(
        _PATCHER.replace("from transformers.models.mixtral import modeling_mixtral", "from pkg import registry as modeling_mixtral")
    )
    assert _rows(run, tmp_path) == {("fused.py", 8, "error")}
    (tmp_path / "pkg" / "patch.py").write_text("")
    assert _rows(run, tmp_path) == {("fused.py", 8, "error")}


_HOOK_BASE = '''import torch.nn as nn


class Base(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config

    def init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=self.config.std)
'''

_HOOK_USER = '''import torch.nn as nn

from pkg.base import Base


class Encoder(Base):
    def __init__(self, config):
        super().__init__(config)
        self.proj = nn.Linear(config.d, config.d)
        self.apply(self.init_weights)
'''


def test_a_base_init_method_applied_by_a_subclass_in_another_file_is_used(run, tmp_path: Path) -> None:
    """`Base.init_weights(self, module)` is named once in its file, but a subclass in another
    module applies it (`self.apply(self.init_weights)`): it runs, so INI004 stays quiet. Without
    that subclass nothing uses it: the warning."""
    _package(tmp_path, {"base.py": _HOOK_BASE, "encoder.py": _HOOK_USER})
    assert _rows(run, tmp_path, "INI004") == set()
    (tmp_path / "pkg" / "encoder.py").write_text(_HOOK_USER.replace("        self.apply(self.init_weights)\n", ""))
    assert _rows(run, tmp_path, "INI004") == {("base.py", 9, "warning")}


_INIT_HELPERS_WITH_FACTORY = '''import torch.nn as nn


def plain_conv(cin, cout):
    return nn.Conv2d(cin, cout, 3, padding=1, bias=False)


def init_layer(layer, value, bias_value=0.0):
    nn.init.constant_(layer.weight, value)
    if hasattr(layer, "bias"):
        nn.init.constant_(layer.bias, bias_value)
'''

_CELLS = '''import torch.nn as nn

from pkg.helpers import plain_conv


class Cell(nn.Module):
    def __init__(self, width, gated=False):
        super().__init__()
        self.mix = plain_conv(width, width)
        if gated:
            self.gate = {gate}
'''

_TOWER = '''import torch.nn as nn

from pkg.cells import Cell
from pkg.helpers import init_layer


class Tower(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.cells = nn.ModuleList([Cell(width, gated=True) for _ in range(depth)])
        for m in self.modules():
            if isinstance(m, Cell):
                if hasattr(m, "gate"):
                    init_layer(m.gate, 0.0)
'''


def test_a_helper_is_judged_by_the_layers_its_callers_in_other_files_pass(run, tmp_path: Path) -> None:
    """INI002's evidence is the layers that reach the helper: its one call (in tower.py) passes
    the `gate` of a `Cell` (cells.py), so the bias-free conv the helper's own file builds is no
    evidence; a bias-free gate is; a gate the index cannot follow leaves a warning at most."""
    _package(tmp_path, {
        "helpers.py": _INIT_HELPERS_WITH_FACTORY,
        "cells.py": _CELLS.format(gate="nn.Conv2d(width, 1, 1)"),
        "tower.py": _TOWER,
    })
    assert _rows(run, tmp_path, "INI002") == set()
    (tmp_path / "pkg" / "cells.py").write_text(_CELLS.format(gate="nn.Conv2d(width, 1, 1, bias=False)"))
    assert _rows(run, tmp_path, "INI002") == {("helpers.py", 11, "error")}
    (tmp_path / "pkg" / "cells.py").write_text(_CELLS.format(gate="plain_conv(width, 1)"))
    assert _rows(run, tmp_path, "INI002") == {("helpers.py", 11, "warning")}


_LHUC = '''import torch
import torch.nn as nn


class LHUC(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n))

    def forward(self, x):
        return x * 2 * torch.sigmoid(self.weight)
'''

_DISPATCH = '''import torch.nn as nn

from . import layers


def initialize_parameters(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
    elif isinstance(module, layers.LHUC):
        nn.init.uniform_(module.weight, a=0.1)
'''


def test_an_isinstance_dispatch_in_another_file_that_is_applied(run, tmp_path: Path) -> None:
    """sockeye: `model.initialize_parameters` tests `isinstance(module, layers.LHUC)` and a
    training script applies it: the empty LHUC weight is filled wherever that runs (info, not
    an error); with nothing applying or calling the function, the error stays."""
    _package(tmp_path, {"layers.py": _LHUC, "model.py": _DISPATCH})
    assert _rows(run, tmp_path) == {("layers.py", 8, "error")}
    (tmp_path / "pkg" / "train.py").write_text(
        "from . import model\n\n\ndef train(net):\n    net.apply(model.initialize_parameters)\n"
    )
    assert _rows(run, tmp_path) == {("layers.py", 8, "info")}


def test_a_vendored_transformers_file_zeroing_its_offset_norm(run, tmp_path: Path) -> None:
    """pyiqa vendors transformers' Qwen3.5 modeling file, whose relative imports
    (`from ... import initialization as init`) resolve inside pyiqa: the `init.zeros_` of the
    `(1 + weight)` norm after `super()._init_weights(module)` still zeroes it (INI107 quiet);
    without that line the base's ones make the gain 2 (error)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    deep = tmp_path / "pkg" / "a" / "b"
    deep.mkdir(parents=True)
    for folder in (tmp_path / "pkg", tmp_path / "pkg" / "a", deep):
        (folder / "__init__.py").write_text("")
    zeroed = (
        "import torch\nfrom torch import nn\n\nfrom transformers.utils import logging\n"
        "from ... import initialization as init\nfrom ...modeling_utils import PreTrainedModel\n\n\n"
        "class FooRMSNorm(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n"
        "        self.weight = nn.Parameter(torch.zeros(dim))\n\n    def forward(self, x):\n"
        "        return x * (1 + self.weight)\n\n\nclass FooPreTrainedModel(PreTrainedModel):\n"
        "    def _init_weights(self, module):\n        super()._init_weights(module)\n"
        "        if isinstance(module, FooRMSNorm):\n            init.zeros_(module.weight)\n"
    )
    (deep / "modeling_foo.py").write_text(zeroed)
    assert _rows(run, tmp_path, "INI107") == set()
    (deep / "modeling_foo.py").write_text(zeroed.replace("init.zeros_(module.weight)", "pass"))
    assert _rows(run, tmp_path, "INI107") == {("modeling_foo.py", 19, "error")}
