"""Issue 8's cross-file checks, run on a small project (tests/fixtures/crossfile_checks) through the
CLI: the helper in one module and its callers in another, a norm class in one module and the init
that sets it to one in another, a LayerNorm base in one module and its offset subclass in another,
an InstanceNorm2d built in one module reaching an init helper in another, clones re-drawn by an
apply in a third module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from initlint.diagnostics import Severity
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import all_rules

FIXTURE = Path(__file__).parent / "fixtures" / "crossfile_checks"
NEW_CHECKS = "INI003,INI007,INI105,INI107,INI108"


def _findings(run, root: Path, *extra: str) -> set[tuple[str, int, str, str]]:
    result = run(str(root), "--output-format", "json", "--select", NEW_CHECKS, *extra)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return {
        (Path(d["filename"]).relative_to(root.resolve()).as_posix(), d["location"]["row"], d["code"], d["severity"])
        for d in rows
    }


def test_project_findings_are_exactly_the_cross_file_bugs(run) -> None:
    assert _findings(run, FIXTURE) == {
        # InstanceNorm2d (affine=False by default) is built in pkg/models.py and applied to
        # init_weights: both statements that touch its weight/bias crash
        ("pkg/init_utils.py", 14, "INI007", "error"),
        ("pkg/init_utils.py", 15, "INI007", "error"),
        # OffsetRMSNorm (pkg/norms.py) computes `x * (1 + weight)`; init_utils sets it to one
        ("pkg/init_utils.py", 17, "INI107", "error"),
        # init_embedding's unguarded `weight[padding_idx]` (a warning on the helper) gets None
        # from pkg/models.py and train.py: an error at each of those calls, in the caller's file
        ("pkg/init_utils.py", 23, "INI105", "warning"),
        ("pkg/models.py", 32, "INI105", "error"),
        ("pkg/models.py", 33, "INI105", "error"),
        ("train.py", 17, "INI105", "error"),
        # init_params filters on names; the model it gets holds norms defined in another module
        ("pkg/init_utils.py", 33, "INI003", "error"),
        # Stack clones and nothing in the project re-draws it (Encoder re-applies an init in its
        # own __init__, Decoder is applied by train.py)
        ("pkg/models.py", 57, "INI108", "info"),
        # ShiftedLayerNorm's LayerNorm base is in pkg/base_norms.py: torch starts its weight at 1
        ("pkg/norms.py", 21, "INI107", "error"),
    }


def test_call_sites_are_named_in_the_helper_warning(run) -> None:
    result = run(str(FIXTURE), "--output-format", "json", "--select", "INI105")
    (finding,) = [d for d in json.loads(result.stdout) if d["filename"].endswith("init_utils.py")]
    assert finding["severity"] == "warning"
    assert "`pkg.models` line 32, `pkg.models` line 33" in finding["message"]
    assert "line 34" not in finding["message"]  # padding_idx=0 is a real row


def test_none_for_an_unguarded_row_index_is_an_error_at_each_call(run) -> None:
    """The helper's unguarded row index is a fact of the project index; each call that passes
    None (or leaves the None default) is reported where it is written. None given to the guarded
    helper, and an int given to the unguarded one, are fine."""
    result = run(str(FIXTURE), "--output-format", "json", "--select", "INI105")
    rows = json.loads(result.stdout)
    calls = {
        (Path(d["filename"]).relative_to(FIXTURE.resolve()).as_posix(), d["location"]["row"], d["message"])
        for d in rows
        if d["severity"] == "error"
    }
    assert {(f, r) for f, r, _ in calls} == {("pkg/models.py", 32), ("pkg/models.py", 33), ("train.py", 17)}
    for _, row, message in calls:
        assert "`init_embedding` (in `pkg.init_utils`)" in message
        assert ("leaves at its default `None`" if row == 33 else "passes `None` for `padding_idx`") in message
    # Tagger (pkg/models.py lines 67-70): the guarded helper with None, the unguarded one with 1 / pad
    assert not any(f == "pkg/models.py" and r > 60 for f, r, _ in calls)


def test_without_the_project_the_cross_file_facts_are_unknown() -> None:
    """Each file linted alone: the facts from the other modules are missing, so the errors above
    either vanish or stay at the helper-only warning (unknown never becomes evidence)."""
    rules = tuple(r for r in all_rules() if r.code in NEW_CHECKS.split(","))
    options = LintOptions(rules=rules)
    source = (FIXTURE / "pkg" / "init_utils.py").read_bytes()
    alone = lint_bytes(source, "init_utils.py", options)
    found = {(d.location.row, d.code, d.severity) for d in alone.diagnostics}
    assert found == {
        (23, "INI105", Severity.WARNING),  # a None default, no caller known
        (27, "INI108", Severity.INFO),  # the helper's own deepcopy, no caller known
        (33, "INI003", Severity.INFO),  # no norm known to reach it: say less
    }


def test_guard_fix_covers_every_statement_touching_the_missing_tensors(run, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(FIXTURE, project)
    run(str(project), "--select", "INI007", "--fix")
    fixed = (project / "pkg" / "init_utils.py").read_text()
    assert (
        "    elif isinstance(m, nn.InstanceNorm2d):\n"
        "        if m.weight is not None:\n"
        "            nn.init.ones_(m.weight)\n"
        "        if m.bias is not None:\n"
        "            nn.init.zeros_(m.bias)\n"
    ) in fixed
    assert {f for f in _findings(run, project) if f[2] == "INI007"} == set()


def test_base_class_init_reached_through_super_in_another_file(run, tmp_path: Path) -> None:
    """INI001 follows `super().init_weights()` into a base class in another module (mmdet's
    GroundingDINO → DINO shape); an override that drops the super() call loses that init."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'det'\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "base.py").write_text(
        "import torch\nimport torch.nn as nn\nfrom mmengine.model import BaseModule\n\n\n"
        "class Detector(BaseModule):\n"
        "    def __init__(self):\n        super().__init__()\n        self._init_layers()\n\n"
        "    def _init_layers(self):\n        self.level_embed = nn.Parameter(torch.Tensor(4, 8))\n\n"
        "    def init_weights(self):\n        super().init_weights()\n        nn.init.normal_(self.level_embed)\n"
    )
    (pkg / "child.py").write_text(
        "import torch\nimport torch.nn as nn\nfrom pkg.base import Detector\n\n\n"
        "class Grounded(Detector):\n"
        "    def __init__(self, *args, **kwargs):\n        self.text_dim = 8\n        super().__init__(*args, **kwargs)\n\n"
        "    def _init_layers(self):\n        self.level_embed = nn.Parameter(torch.Tensor(4, 8))\n\n"
        "    def init_weights(self):\n        super().init_weights()\n\n\n"
        "class Replaced(Detector):\n"
        "    def __init__(self, *args, **kwargs):\n        self.text_dim = 8\n        super().__init__(*args, **kwargs)\n\n"
        "    def _init_layers(self):\n        self.level_embed = nn.Parameter(torch.Tensor(4, 8))\n\n"
        "    def init_weights(self):\n        pass\n"
    )
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI001", "--no-cache")
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    found = {(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows}
    assert found == {("child.py", 24, "error")}


_CELLS = '''import torch
import torch.nn as nn


class Cell(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w_in = nn.Parameter(torch.Tensor(3 * d, d))


class LooseCell(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w_in = nn.Parameter(torch.Tensor(3 * d, d))


class Cross(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.head = nn.Linear(d, 1)
        nn.init.normal_(self.head.weight)


class Sampler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.scope = nn.Conv2d(c, c, 1, bias=False)
        nn.init.constant_(self.scope.weight, 0.5)
'''

_INITS = '''import torch.nn as nn


def xavier_init(module):
    if isinstance(module, nn.Embedding):
        nn.init.xavier_normal_(module.weight)
    elif isinstance(module, nn.Linear):
        nn.init.xavier_normal_(module.weight)


def embedding_init(module):
    if isinstance(module, nn.Embedding):
        nn.init.xavier_normal_(module.weight)
'''

_MODELS = '''import math

import torch.nn as nn

from pkg.cells import Cell, Cross, LooseCell, Sampler
from pkg.inits import {cross_init}


class Recommender(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.cell = Cell(d)
        self.loose = LooseCell(d)
        self._reset_parameters(d)

    def _reset_parameters(self, d):
{reset}


class Model(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.cross = Cross(d)
        self.apply({cross_init})


class Upscaler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.up = Sampler(c)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Conv2d):
            nn.init.trunc_normal_(m.weight, std=0.02)
'''

_BLANKET = "        for weight in self.parameters():\n            weight.data.uniform_(-1 / math.sqrt(d), 1 / math.sqrt(d))"


def _owner_project(root: Path, reset: str = _BLANKET, cross_init: str = "xavier_init") -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'rec'\n")
    pkg = root / "pkg"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cells.py").write_text(_CELLS)
    (pkg / "inits.py").write_text(_INITS)
    (pkg / "models.py").write_text(_MODELS.format(reset=reset, cross_init=cross_init))
    (root / "train.py").write_text("from pkg.cells import LooseCell\n\n\ndef probe(d):\n    return LooseCell(d)\n")


def _owner_findings(run, root: Path, cache: bool = False) -> set[tuple[str, int, str, str]]:
    result = run(str(root), "--output-format", "json", "--select", "INI001,INI101,INI102", cache=cache)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return {(Path(d["filename"]).name, d["location"]["row"], d["code"], d["severity"]) for d in rows}


def test_owner_inits_in_another_file_count_for_the_sub_module(run, tmp_path: Path) -> None:
    """The owners of a sub-module (classes in another file that build it) overwrite its
    parameters after building it: a loop over all their parameters (Cell), an `apply` whose
    function re-draws every nn.Linear / Conv2d weight (Cross, Sampler). LooseCell is also built
    by a plain function in train.py, where nothing initializes it: a warning naming it."""
    _owner_project(tmp_path)
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI001")
    (loose,) = json.loads(result.stdout)
    assert "`probe` (line 5 of train) builds `LooseCell`" in loose["message"]
    assert "Recommender._reset_parameters" in loose["message"]
    assert _owner_findings(run, tmp_path) == {("cells.py", 14, "INI001", "warning")}


def test_owner_inits_that_miss_the_sub_module_leave_the_findings(run, tmp_path: Path) -> None:
    """The same project with a loop that skips 2-D parameters and an apply that handles only
    embeddings: Cell's tensor is garbage (error), Cross's N(0, 1) draw survives (warning)."""
    filtered = "        for weight in self.parameters():\n            if weight.dim() == 1:\n                weight.data.uniform_(-0.1, 0.1)"
    _owner_project(tmp_path, reset=filtered, cross_init="embedding_init")
    assert _owner_findings(run, tmp_path) == {
        ("cells.py", 8, "INI001", "error"),
        ("cells.py", 14, "INI001", "error"),
        ("cells.py", 21, "INI102", "warning"),
    }


def test_editing_the_owner_file_updates_the_cached_sub_module_results(run, tmp_path: Path) -> None:
    """The sub-module's results depend on the file that builds it (an importer): a cached run
    after the owner's loop is removed reports the garbage tensor."""
    _owner_project(tmp_path)
    assert ("cells.py", 8, "INI001", "error") not in _owner_findings(run, tmp_path, cache=True)
    models = tmp_path / "pkg" / "models.py"
    models.write_text(models.read_text().replace(_BLANKET, "        pass"))
    assert ("cells.py", 8, "INI001", "error") in _owner_findings(run, tmp_path, cache=True)


_EXPERTS = '''import torch
import torch.nn as nn


class Experts(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.w_up = nn.Parameter(torch.rand(n * d, d))
        self.w_down = nn.Parameter(torch.rand(n * d, d))
'''

_EXPERT_INITS = '''from functools import partial

import torch.nn as nn

from pkg.experts import Experts


def experts_init(module, init_fn_):
    if isinstance(module, Experts):
        init_fn_(module.w_up)
        init_fn_(module.w_down)


def generic_init(module, init_fn_):
    experts_init(module, init_fn_)


INIT_FNS = {"normal": partial(generic_init, init_fn_=partial(nn.init.normal_, std=0.02))}
'''

_EXPERT_MODEL = '''import torch.nn as nn

from pkg.experts import Experts
from pkg.expert_inits import INIT_FNS


class MoE(nn.Module):
    def __init__(self, n, d, init="normal"):
        super().__init__()
        self.experts = Experts(n, d)
        self.apply({apply})
'''


def _write_package(root: Path, name: str, modules: dict[str, str]) -> None:
    """A project at `root` named `name` whose package `pkg` holds `modules` (file name → code)."""
    (root / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    pkg = root / "pkg"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    for filename, code in modules.items():
        (pkg / filename).write_text(code)


def _experts_project(root: Path, apply: str) -> None:
    _write_package(root, "moe", {
        "experts.py": _EXPERTS, "expert_inits.py": _EXPERT_INITS, "model.py": _EXPERT_MODEL.format(apply=apply),
    })


def test_a_redraw_in_another_file_through_a_registry_is_info(run, tmp_path: Path) -> None:
    """`init_fn_(module.w_up)` under `isinstance(module, Experts)` in another file re-draws the
    U(0, 1) weights, but the model reaches it through a registry lookup the index cannot follow:
    info naming the function, not an error."""
    _experts_project(tmp_path, 'INIT_FNS[init]')
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI102")
    rows = json.loads(result.stdout)
    assert {(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows} == {
        ("experts.py", 8, "info"), ("experts.py", 9, "info"),
    }
    assert all("`pkg.expert_inits.experts_init` (line 10 of pkg.expert_inits)" in d["message"] or
               "(line 11 of pkg.expert_inits)" in d["message"] for d in rows)


def test_a_redraw_the_index_sees_run_at_construction_is_quiet(run, tmp_path: Path) -> None:
    """The same init applied by the only class that builds Experts (through a helper that hands
    the module on): nothing to report."""
    _experts_project(tmp_path, "generic_init")
    model = tmp_path / "pkg" / "model.py"
    model.write_text(model.read_text().replace("from pkg.expert_inits import INIT_FNS",
                                               "from pkg.expert_inits import generic_init"))
    assert run(str(tmp_path), "--output-format", "json", "--select", "INI102").stdout.strip() in ("", "[]")


def test_a_redraw_of_another_class_leaves_the_error(run, tmp_path: Path) -> None:
    """The registry's init tests for nn.Linear, not Experts: nothing re-draws the U(0, 1)
    weights, an error each."""
    _experts_project(tmp_path, "INIT_FNS[init]")
    inits = tmp_path / "pkg" / "expert_inits.py"
    inits.write_text(inits.read_text().replace("isinstance(module, Experts)", "isinstance(module, nn.Linear)"))
    rows = json.loads(run(str(tmp_path), "--output-format", "json", "--select", "INI102").stdout)
    assert {(d["location"]["row"], d["severity"]) for d in rows} == {(8, "error"), (9, "error")}


_TYPE_INIT = '''import torch.nn as nn


def init_weights(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
'''

_TYPE_MODEL = '''import torch.nn as nn

from pkg.inits import init_weights
{extra_import}

class Tower(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers.append(nn.Linear(a, b))
            layers.append(nn.ReLU())
        layers.append({last})
        self.net = nn.Sequential(*layers)
        self.net.apply(init_weights)
'''


def _type_findings(run, root: Path, last: str, extra_import: str = "") -> set[tuple[str, int, str]]:
    _write_package(root, "tower", {
        "inits.py": _TYPE_INIT,
        "layers.py": "import torch.nn as nn\n\n\nclass TiedLinear(nn.Linear):\n    pass\n",
        "model.py": _TYPE_MODEL.format(last=last, extra_import=extra_import),
    })
    rows = json.loads(run(str(root), "--output-format", "json", "--select", "INI201").stdout)
    return {(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows}


def test_exact_type_test_is_info_when_no_subclass_reaches_it(run, tmp_path: Path) -> None:
    """The init (inits.py) is applied only in model.py, to a Sequential built there from
    nn.Linear/nn.ReLU: nothing that arrives subclasses nn.Linear, so the test skips nothing."""
    assert _type_findings(run, tmp_path, "nn.Linear(sizes[-1], 1)") == {("inits.py", 5, "info")}


def test_exact_type_test_warns_when_a_project_subclass_reaches_it(run, tmp_path: Path) -> None:
    """The same tower ending in a Linear subclass defined in a third file: it is skipped, and
    the warning names it and where it is defined."""
    assert _type_findings(run, tmp_path, "TiedLinear(sizes[-1], 1)", "from pkg.layers import TiedLinear\n") == {
        ("inits.py", 5, "warning")
    }
    (finding,) = json.loads(run(str(tmp_path), "--output-format", "json", "--select", "INI201").stdout)
    assert "`TiedLinear(nn.Linear)` defined in pkg/layers.py:4 reaches here and is skipped" in finding["message"]


_NAME_INIT = '''import torch.nn as nn


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight, 0.0, 0.02)
'''

_NAME_BLOCKS = '''import torch.nn as nn


class ConvBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(x))


class Shortcut(nn.Conv2d):
    pass
'''

_NAME_MODEL = '''import torch.nn as nn

from pkg.blocks import ConvBlock, Shortcut
from pkg.inits import weights_init


class Generator(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = {body}
        self.out = nn.ConvTranspose2d(c, 3, 4, 2, 1)
        self.apply(weights_init)
'''


def _name_findings(run, root: Path, body: str) -> list[dict]:
    _write_package(root, "gen", {
        "inits.py": _NAME_INIT, "blocks.py": _NAME_BLOCKS, "model.py": _NAME_MODEL.format(body=body),
    })
    return json.loads(run(str(root), "--output-format", "json", "--select", "INI202").stdout)


def test_class_name_test_is_info_when_every_arrival_is_sorted_right(run, tmp_path: Path) -> None:
    """The DCGAN name test in inits.py reaches only torch convolutions built in model.py."""
    (finding,) = _name_findings(run, tmp_path, "nn.Conv2d(c, c, 3, padding=1)")
    assert (Path(finding["filename"]).name, finding["location"]["row"], finding["severity"]) == ("inits.py", 6, "info")


def test_class_name_test_warns_on_a_weightless_wrapper_from_another_module(run, tmp_path: Path) -> None:
    """A wrapper defined in blocks.py, named like a conv, with no `.weight` of its own, is built
    in model.py and reaches the init in inits.py: `m.weight` raises on it."""
    (finding,) = _name_findings(run, tmp_path, "ConvBlock(c)")
    assert (Path(finding["filename"]).name, finding["location"]["row"], finding["severity"]) == ("inits.py", 6, "warning")
    assert "`ConvBlock` built in pkg/model.py:10 reaches here and has no `.weight`" in finding["message"]


def test_class_name_test_warns_on_a_subclass_named_otherwise(run, tmp_path: Path) -> None:
    """A Conv2d subclass defined in blocks.py whose name lacks "Conv" is skipped."""
    (finding,) = _name_findings(run, tmp_path, "Shortcut(c, c, 1)")
    assert finding["severity"] == "warning"
    assert "`Shortcut(Conv2d)` built in pkg/model.py:10 reaches here and is skipped" in finding["message"]


_MIXERS = '''import torch.nn as nn


class TimeMixer(nn.Module):
    def __init__(self, width, heads=4, depth=1):
        super().__init__()
        block = nn.TransformerEncoderLayer(width, heads, batch_first=True)
        self.mixer = nn.TransformerEncoder(block, num_layers=depth)
'''

_IMPUTER = '''import torch.nn as nn

from pkg.mixers import TimeMixer


class Imputer(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.time = TimeMixer(width)
        self.space = TimeMixer(width, 2, {depth})
'''


def _stack_findings(run, root: Path, depth: str, cache: bool = False) -> set[tuple[str, int, str, str]]:
    (root / "pyproject.toml").write_text("[project]\nname = 'imp'\n")
    pkg = root / "pkg"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "mixers.py").write_text(_MIXERS)
    (pkg / "models.py").write_text(_IMPUTER.format(depth=depth))
    result = run(str(root), "--output-format", "json", "--select", "INI108", cache=cache)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return {(Path(d["filename"]).name, d["location"]["row"], d["code"], d["severity"]) for d in rows}


def test_one_layer_encoder_at_every_call_site_in_another_file_is_no_stack(run, tmp_path: Path) -> None:
    """`nn.TransformerEncoder(block, num_layers=depth)` in pkg/mixers.py: every construction of
    TimeMixer (pkg/models.py) leaves `depth` at its default 1 or passes 1, so there is one layer
    and no stack of identical copies; one call asking for 3 brings the finding back, also in a
    cached run after only models.py changed."""
    assert _stack_findings(run, tmp_path, "1", cache=True) == set()
    assert _stack_findings(run, tmp_path, "3", cache=True) == {("mixers.py", 8, "INI108", "info")}
    assert _stack_findings(run, tmp_path, "depth=1") == set()
    assert _stack_findings(run, tmp_path, "width // 8") == {("mixers.py", 8, "INI108", "info")}


_MLP = '''import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, d_in, d_out, hidden=32, in_norm="none", out_norm="none"):
        super().__init__()
        self.lin1 = nn.Linear(d_in, hidden)
        self.lin2 = nn.Linear(hidden, d_out)
        self.in_norm = self._norm(in_norm, d_in)
        self.out_norm = self._norm(out_norm, d_out)

    @staticmethod
    def _norm(kind, dim):
        if kind == "batch":
            return nn.BatchNorm1d(dim)
        elif kind == "layer":
            return nn.LayerNorm(dim)
        return nn.Identity()
'''

_GATES = '''import torch
import torch.nn as nn


class Gates(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.u = nn.Parameter(torch.Tensor(d))
        self.w = nn.Parameter(torch.Tensor(d, d))
'''

_POLICIES = '''import torch.nn as nn

from pkg.gates import Gates
from pkg.mlp import MLP


class Plain(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.agg = MLP(d, 1, hidden=16)
        self.reset()

    def reset(self):
        for p in self.parameters():
            p.data.uniform_(-0.1, 0.1)


class Scaled(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.agg = MLP(d, 1, out_norm="layer")
        self.reset()

    def reset(self):
        for p in self.parameters():
            p.data.uniform_(-0.1, 0.1)


class Gated(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.gates = Gates(d)
        self.head = nn.Linear(d, d)
        self.reset()

    def reset(self):
        for p in self.parameters():
            p.data.uniform_(-0.1, 0.1)
'''


def test_blanket_init_follows_norm_branches_and_empty_vectors_across_files(run, tmp_path: Path) -> None:
    """INI003 on `self.parameters()` loops whose modules are built in other files: a norm that
    `MLP._norm` builds only for `kind == "batch"`/`"layer"` reaches the loop only through a
    construction that asks for it (`out_norm="layer"`: a warning citing the LayerNorm; defaults:
    info); a 1-D `torch.Tensor(d)` parameter of another file's class that only the loop fills
    takes the guard fix away and is named."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mlp.py").write_text(_MLP)
    (pkg / "gates.py").write_text(_GATES)
    (pkg / "policies.py").write_text(_POLICIES)
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI003", "--no-cache")
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    found = {(Path(d["filename"]).name, d["location"]["row"], d["severity"], d["fix"] is not None): d["message"] for d in rows}
    assert set(found) == {
        ("policies.py", 15, "info", True),
        ("policies.py", 26, "warning", True),
        ("policies.py", 38, "info", False),
    }
    assert "`LayerNorm` (`pkg.mlp` line 17)" in found[("policies.py", 26, "warning", True)]
    assert "BatchNorm1d" not in found[("policies.py", 15, "info", True)]
    assert "LayerNorm" not in found[("policies.py", 15, "info", True)]
    assert "`Gates.u` (1-D, from uninitialized memory)" in found[("policies.py", 38, "info", False)]


_PASSING_BASE = '''import torch.nn as nn


class MessagePassing(nn.Module):
    def __init__(self, gain=1.414):
        super().__init__()
        self.gain = gain

    def reset_parameters(self):
        nn.init.xavier_uniform_(self.weight, gain=self.gain)
'''

_FILTER_LAYERS = '''import torch
import torch.nn as nn

from pkg.base import MessagePassing


class FilterConv(MessagePassing):
    def __init__(self, d_in, d_out, n_filters):
        super().__init__()
        self.weight = nn.Parameter(torch.Tensor(n_filters, d_in, d_out))
        self.reset_parameters()

    def forward(self, x):
        return torch.matmul(x, self.weight).sum(0)


class OwnFilters(MessagePassing):
    def __init__(self, d_in, d_out, n_filters):
        super().__init__()
        self.weight = nn.Parameter(torch.Tensor(n_filters, d_in, d_out))
        self.reset_parameters()

    def reset_parameters(self):
        for w in self.weight:
            nn.init.xavier_uniform_(w)

    def forward(self, x):
        return torch.matmul(x, self.weight).sum(0)


class PlainConv(MessagePassing):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.weight = nn.Parameter(torch.Tensor(d_in, d_out))
        self.reset_parameters()
'''


def test_a_base_class_init_in_another_file_reaches_the_subclass_stack(run, tmp_path: Path) -> None:
    """INI110 through the project index: `MessagePassing.reset_parameters` (pkg/base.py) draws
    `self.weight` with Xavier; `FilterConv` (pkg/layers.py) makes it `(filters, in, out)` and
    multiplies it as a stack: a warning at the subclass's Parameter naming the base's method.
    Quiet for a subclass that overrides the method matrix by matrix and for a 2-D weight."""
    _write_package(tmp_path, "filters", {"base.py": _PASSING_BASE, "layers.py": _FILTER_LAYERS})
    rows = json.loads(run(str(tmp_path), "--output-format", "json", "--select", "INI110", "--no-cache").stdout)
    assert [(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows] == [
        ("layers.py", 10, "warning"),
    ]
    assert "(in `MessagePassing.reset_parameters`, `pkg.base` line 10, which runs for this class)" in rows[0]["message"]
    # the same subclass with the base's draw made per matrix: nothing to report
    base = tmp_path / "pkg" / "base.py"
    base.write_text(base.read_text().replace(
        "nn.init.xavier_uniform_(self.weight, gain=self.gain)",
        "for w in self.weight:\n            nn.init.xavier_uniform_(w, gain=self.gain)",
    ))
    rows = json.loads(run(str(tmp_path), "--output-format", "json", "--select", "INI110", "--no-cache").stdout or "[]")
    assert rows == []


def _factory_project(root: Path, factory_body: str) -> None:
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'factory'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "layers.py").write_text(
        "import torch.nn as nn\nfrom torch.nn.utils import parametrizations\n\n\n"
        f"def NormedConv1d(*args, **kwargs):\n{factory_body}"
    )
    (root / "pkg" / "encoder.py").write_text(
        "import torch.nn as nn\n"
        "from pkg.layers import NormedConv1d\n"
        "\n\n"
        "def init_weights(m):\n"
        "    if isinstance(m, nn.Conv1d):\n"
        "        nn.init.trunc_normal_(m.weight, std=0.02)\n"
        "\n\n"
        "class Encoder(nn.Module):\n"
        "    def __init__(self, width=32):\n"
        "        super().__init__()\n"
        "        layers = [NormedConv1d(1, width, 7, padding=3), nn.ELU()]\n"
        "        layers += [NormedConv1d(width, width, 3, padding=1)]\n"
        "        self.net = nn.Sequential(*layers)\n"
        "        self.apply(init_weights)\n"
    )


def test_init_lost_on_layers_from_a_wrapping_factory_in_another_module(run, tmp_path: Path) -> None:
    """xcodec2's shape: `WNConv1d` in one module builds a Conv1d and registers weight norm on
    it in place; the encoder in another module builds its convs with it and applies an init
    that dispatches on `nn.Conv1d`: the init is lost on every one of them."""
    _factory_project(tmp_path, (
        "    conv = nn.Conv1d(*args, **kwargs)\n"
        "    parametrizations.weight_norm(conv, name='weight', dim=0)\n"
        "    return conv\n"
    ))
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI005")
    rows = json.loads(result.stdout)
    assert [(Path(d["filename"]).name, d["location"]["row"], d["severity"]) for d in rows] == [
        ("encoder.py", 7, "warning")
    ]
    assert "`Encoder.__init__`" in rows[0]["message"]


def test_a_factory_that_does_not_wrap_is_no_evidence(run, tmp_path: Path) -> None:
    """The same project with a factory that returns the plain conv: nothing is lost."""
    _factory_project(tmp_path, "    return nn.Conv1d(*args, **kwargs)\n")
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI005")
    assert result.stdout.strip() in ("", "[]")


def _blanket_xavier_project(root: Path, base_body: str) -> None:
    (root / "fb").mkdir()
    (root / "fb" / "__init__.py").write_text("")
    (root / "fb" / "base.py").write_text(
        "import torch\nfrom torch import nn\n\n\nclass Filterbank(nn.Module):\n"
        "    def __init__(self, n_filters, kernel_size):\n        super().__init__()\n" + base_body
    )
    (root / "fb" / "free.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom fb.base import Filterbank\n\n\n"
        "class FreeFB(Filterbank):\n"
        "    def __init__(self, n_filters, kernel_size):\n"
        "        super().__init__(n_filters, kernel_size)\n"
        "        self._filters = nn.Parameter(torch.ones(n_filters, 1, kernel_size))\n"
        "        for p in self.parameters():\n"
        "            nn.init.xavier_normal_(p)\n"
    )


def test_blanket_xavier_over_own_kernels_with_a_base_in_another_file(run, tmp_path: Path) -> None:
    """asteroid-filterbanks: the only parameter is the class's own 3-D kernel and the base
    class (another module) keeps sizes: nothing 1-D reaches `xavier_normal_`. A base that
    holds a 1-D gain makes the same loop raise."""
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    _blanket_xavier_project(
        quiet, "        self.n_filters = n_filters\n        self.stride = max(1, kernel_size // 2)\n"
    )
    assert _findings(run, quiet) == set()
    loud = tmp_path / "loud"
    loud.mkdir()
    _blanket_xavier_project(loud, "        self.gain = nn.Parameter(torch.ones(n_filters))\n")
    assert _findings(run, loud) == {("fb/free.py", 12, "INI003", "error")}


_VISION = '''import torch
from torch import nn


class Embeddings(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.cls_token = nn.Parameter(torch.empty(d))


class VisionModel(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.embeddings = Embeddings(d)


def build_vision_model(cfg):
    if cfg.kind == "clip":
        return VisionModel(cfg.d)
    raise NotImplementedError(cfg.kind)
'''

_ENGINE = '''from torch import nn

from eng.vision import build_vision_model


class Llava(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.vision_tower = build_vision_model(cfg)

    def load_weights(self, weights):
        params = dict(self.named_parameters())
        for name, tensor in weights:
            params[name].data.copy_(tensor)
'''


def test_placeholders_built_through_a_factory_of_a_loaded_engine_model(run, tmp_path: Path) -> None:
    """lmdeploy: a vision tower built by a factory function in another module, called from the
    `__init__` of a model that defines the vLLM-style `load_weights` and is built by the engine:
    every construction is filled, so the placeholder is info. A second caller of the factory
    that loads nothing makes it an error again."""
    (tmp_path / "eng").mkdir()
    (tmp_path / "eng" / "__init__.py").write_text("")
    (tmp_path / "eng" / "vision.py").write_text(_VISION)
    (tmp_path / "eng" / "llava.py").write_text(_ENGINE)

    def ini001() -> list[tuple[str, str]]:
        result = run(str(tmp_path), "--output-format", "json", "--select", "INI001", "--no-cache")
        return [(d["severity"], d["message"]) for d in json.loads(result.stdout)]

    [(severity, message)] = ini001()
    assert severity == "info" and "`eng.llava.Llava.load_weights`" in message
    (tmp_path / "eng" / "demo.py").write_text(
        "from eng.vision import build_vision_model\n\n\ndef demo(cfg):\n    return build_vision_model(cfg)\n"
    )
    [(severity, message)] = ini001()
    assert severity == "error"


_HIFIGAN_COMMONS = '''def init_weights(m, mean=0.0, std=0.01):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        m.weight.data.normal_(mean, std)


def init_linear(m):
    if isinstance(m, nn.Linear):
        m.weight.data.normal_(0.0, 0.02)
'''

_HIFIGAN_BLOCKS = '''from torch import nn
from torch.nn import Conv1d
from torch.nn.utils import weight_norm

from voc.commons import init_linear, init_weights


class ResBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.convs = nn.ModuleList([
            weight_norm(Conv1d(channels, channels, 3, padding=1)),
            weight_norm(Conv1d(channels, channels, 3, padding=1)),
        ])
        self.convs.apply(init_weights)
        self.post = weight_norm(Conv1d(channels, 1, 7, padding=3))
        self.post.apply(init_linear)


class Plain(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.convs = nn.ModuleList([Conv1d(channels, channels, 3, padding=1)])
        self.convs.apply(init_weights)
        self.post = weight_norm(Conv1d(channels, channels, 3, padding=1))
'''


def test_an_imported_init_function_applied_after_weight_norm(run, tmp_path: Path) -> None:
    """so-vits-svc-fork (a heldout19 miss): HiFi-GAN's `commons.init_weights`, imported into
    the module that builds `nn.ModuleList([weight_norm(Conv1d(...)), ...])` and then applies it
    to that list: the N(0, 0.01) draw lands in the `weight` the hook recomputes from `weight_g`
    and `weight_v` before every forward. Not reported for layers applied before wrapping, nor
    for an init whose `isinstance` test takes other layers."""
    (tmp_path / "voc").mkdir()
    (tmp_path / "voc" / "__init__.py").write_text("")
    (tmp_path / "voc" / "commons.py").write_text("from torch import nn\n\n\n" + _HIFIGAN_COMMONS)
    (tmp_path / "voc" / "blocks.py").write_text(_HIFIGAN_BLOCKS)
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI005", "--no-cache")
    found = [(Path(d["filename"]).name, d["location"]["row"], d["severity"], d["message"])
             for d in json.loads(result.stdout)]
    assert [(name, row, severity) for name, row, severity, _ in found] == [("blocks.py", 15, "warning")]
    assert "`init_weights` (voc.commons, line 7) writes `.weight`" in found[0][3]


_TS3L_INIT = '''import torch.nn.init as init


def initialize_weights(model, initialization="kaiming_uniform"):
    for name, param in model.named_parameters():
        if "weight" in name:
            if initialization == "kaiming_uniform":
                init.kaiming_uniform_(param)
            else:
                init.normal_(param, std=0.01)
        elif "bias" in name:
            init.constant_(param, 0.0)
'''

_TS3L_MODELS = '''import torch
from torch import nn


class Tokenizer(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.weight = nn.Parameter(torch.Tensor(n + 1, d))
        self.bias = nn.Parameter(torch.Tensor(n, d))


class Model(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.tok = Tokenizer(n, d)
'''


def test_placeholders_filled_by_a_helper_loop_the_owner_hands_them_to(run, tmp_path: Path) -> None:
    """ts3l (tuning20x): `initialize_weights(self.model)`, a helper in another module whose loop
    over the model's `named_parameters()` fills every name with `weight` and zeroes every name
    with `bias`. An owner that builds the model by name and hands it over covers the
    `torch.Tensor` placeholders below it (quiet); one that builds it from a class it is given
    may hold any class: `info` naming the helper."""
    (tmp_path / "ts").mkdir()
    (tmp_path / "ts" / "__init__.py").write_text("")
    (tmp_path / "ts" / "init.py").write_text(_TS3L_INIT)
    (tmp_path / "ts" / "models.py").write_text(_TS3L_MODELS)
    wrapper = ("from torch import nn\n\nfrom ts.init import initialize_weights\nfrom ts.models import Model\n\n\n"
               "class Wrapper(nn.Module):\n    def __init__(self, n, d):\n        super().__init__()\n"
               "        self.model = {build}\n        initialize_weights(self.model)\n")

    def ini001() -> list[tuple[str, str]]:
        result = run(str(tmp_path), "--output-format", "json", "--select", "INI001", "--no-cache")
        return [(d["severity"], d["message"]) for d in json.loads(result.stdout)]

    (tmp_path / "ts" / "wrap.py").write_text(wrapper.format(build="Model(n, d)"))
    assert ini001() == []
    (tmp_path / "ts" / "wrap.py").write_text(
        wrapper.format(build="model_class(n, d)").replace("self, n, d)", "self, model_class, n, d)"))
    found = ini001()
    assert [severity for severity, _ in found] == ["info", "info"]
    assert "hands `self.model` to `ts.init.initialize_weights`" in found[0][1]
    (tmp_path / "ts" / "wrap.py").write_text("")
    assert [severity for severity, _ in ini001()] == ["error", "error"]


_LOADED_LINEAR = '''import torch
from torch import nn


def set_weight_attrs(param, attrs):
    for key, value in attrs.items():
        setattr(param, key, value)


class {name}(nn.Module):
    def __init__(self, n, m):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(m, n))
        set_weight_attrs(self.weight, {{"weight_loader": self.weight_loader}})

    def weight_loader(self, param, loaded):
        param.data.copy_(loaded)
'''

_UNTRACED_CONV = '''import torch
from torch import nn


class Conv2dLayer(nn.Module):
    def __init__(self, c_in, c_out, k):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(c_out, c_in, k, k))
'''


def test_an_untraced_placeholder_in_an_engine_that_attaches_weight_loaders(run, tmp_path: Path) -> None:
    """vLLM (heldout19): a conv layer allocated with `torch.empty` whose loading the index could
    not trace through the vision towers that build it, in a project where three or more modules
    attach a `weight_loader` to their parameters: the engine's convention makes it info. With
    only two such modules the project is not taken for an engine and it stays an error."""
    (tmp_path / "eng").mkdir()
    (tmp_path / "eng" / "__init__.py").write_text("")
    (tmp_path / "eng" / "conv.py").write_text(_UNTRACED_CONV)
    for name in ("ColumnLinear", "RowLinear"):
        (tmp_path / "eng" / f"{name.lower()}.py").write_text(_LOADED_LINEAR.format(name=name))

    def conv_findings() -> list[tuple[str, str]]:
        result = run(str(tmp_path), "--output-format", "json", "--select", "INI001", "--no-cache")
        return [(d["severity"], d["message"]) for d in json.loads(result.stdout)
                if d["filename"].endswith("conv.py")]

    [(severity, _)] = conv_findings()
    assert severity == "error"
    (tmp_path / "eng" / "embedding.py").write_text(_LOADED_LINEAR.format(name="VocabEmbedding"))
    [(severity, message)] = conv_findings()
    assert severity == "info"
    assert "3 modules of this project attach a `weight_loader`" in message


def test_constructor_init_under_a_projects_own_pretrained_base(run, tmp_path: Path) -> None:
    """super-image: a child module zero-inits a conv in `__init__`; the model holding it derives
    from the project's own `PreTrainedModel(nn.Module)` (another module), whose `from_pretrained`
    builds the model with `cls(config)`: transformers' post_init and meta device never run, so
    the init is not lost (info naming the loader, not the warning)."""
    (tmp_path / "sr").mkdir()
    (tmp_path / "sr" / "__init__.py").write_text("")
    (tmp_path / "sr" / "modeling_utils.py").write_text(
        "import torch\nimport torch.nn as nn\n\n\nclass PreTrainedModel(nn.Module):\n"
        "    def __init__(self, config):\n        super().__init__()\n        self.config = config\n\n"
        "    @classmethod\n    def from_pretrained(cls, config, path):\n        model = cls(config)\n"
        "        model.load_state_dict(torch.load(path))\n        return model\n"
    )
    (tmp_path / "sr" / "modeling_rnan.py").write_text(
        "import torch.nn as nn\n\nfrom .modeling_utils import PreTrainedModel\n\n\n"
        "class NonLocal(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n"
        "        self.W = nn.Conv2d(c, c, 1)\n        nn.init.constant_(self.W.weight, 0)\n\n\n"
        "class RnanModel(PreTrainedModel):\n    def __init__(self, config):\n"
        "        super().__init__(config)\n        self.block = NonLocal(16)\n"
    )
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI303", "--no-cache")
    [finding] = json.loads(result.stdout)
    assert finding["severity"] == "info"
    assert "this project loads with its own `PreTrainedModel.from_pretrained`" in finding["message"]
