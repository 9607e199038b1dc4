"""Issue 7's root causes on a small project (tests/fixtures/semantics_project) linted through the
CLI, and the shared analysis behind them (guards, value kinds, branches, declared shapes, LoRA
pairs) on single snippets.

The fixture holds: a helper in one module that initializes all four tensors a layer in another
module hands it (root cause 2); a helper that only ever receives a conv built with a bias, while
another module builds a bias-free conv (1); a guard spelled with the project's `exists` helper,
imported from another module (3); an init method nothing calls, next to one that `train.py`
calls (7, issue 8 item 5); a `torch.empty` parameter in one branch and a layer in the other
(issue 8 item 7)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import libcst as cst

from initlint.analysis import classes, guards, values
from initlint.analysis import constant_designs as designs
from initlint.analysis.context import FileContext
from initlint.analysis.imports import ImportMap
from initlint.analysis.walk import children, iter_nodes
from initlint.diagnostics import Severity
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import all_rules

FIXTURE = Path(__file__).parent / "fixtures" / "semantics_project"
RULES = "INI001,INI002,INI004"


def _findings(run, root: Path) -> set[tuple[str, int, str, str]]:
    result = run(str(root), "--output-format", "json", "--select", RULES)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return {
        (Path(d["filename"]).relative_to(root.resolve()).as_posix(), d["location"]["row"], d["code"], d["severity"])
        for d in rows
    }


def test_project_findings_are_exactly_the_real_bugs(run) -> None:
    assert _findings(run, FIXTURE) == {
        # Gate.weight: only `init_parameters` fills it, and nothing in the project calls it
        ("net/layers.py", 36, "INI001", "error"),
        ("net/layers.py", 38, "INI004", "warning"),
        # Switch: the nn.Linear of the other branch does not initialize this branch's tensor
        ("net/layers.py", 57, "INI001", "error"),
        # init_linear is applied to Classifier, whose fc is built with bias=<setting>
        ("net/utils.py", 32, "INI002", "warning"),
    }


def test_one_file_linted_alone_still_sees_the_project(run) -> None:
    """pre-commit passes only the changed files: the index is the project's, not the command
    line's, so the helper in net/utils.py is still judged by its callers in net/layers.py."""
    result = run(str(FIXTURE / "net" / "utils.py"), "--output-format", "json", "--select", RULES)
    rows = json.loads(result.stdout)
    assert [(d["location"]["row"], d["code"]) for d in rows] == [(32, "INI002")]


def test_without_the_project_unknown_facts_say_less() -> None:
    """Without the index, `init_conv`'s callers are unknown: the bias-free conv the file does
    not even build is no evidence, so the unguarded bias is at most a lead (info)."""
    rules = tuple(r for r in all_rules() if r.code in RULES.split(","))
    source = (FIXTURE / "net" / "utils.py").read_bytes()
    alone = lint_bytes(source, "utils.py", LintOptions(rules=rules))
    assert all(d.severity is Severity.INFO for d in alone.diagnostics if d.location.row != 32)


# -- shared analysis -----------------------------------------------------------------------------
def _context(code: str) -> FileContext:
    source = textwrap.dedent(code)
    module = cst.parse_module(source)
    return FileContext.build("example.py", source, module, ImportMap.from_module(module))


def _find(node: cst.CSTNode, kind: type, predicate=lambda n: True):
    return next(n for n in iter_nodes(node) if isinstance(n, kind) and predicate(n))


def _stack_to(context: FileContext, target: cst.CSTNode) -> None:
    """Set the context's ancestor stack as the engine's traversal would, down to `target`."""
    path: list[cst.CSTNode] = []

    def search(node: cst.CSTNode) -> bool:
        path.append(node)
        if node is target:
            return True
        if any(search(child) for child in children(node)):
            return True
        path.pop()
        return False

    assert search(context.module)
    context.stack[:] = path


def test_none_guards_in_every_spelling() -> None:
    context = _context(
        """
        import torch.nn as nn

        def exists(x):
            return x is not None

        def init(m):
            if exists(m.bias):
                nn.init.zeros_(m.bias)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
            try:
                nn.init.zeros_(m.bias)
            except AttributeError:
                pass
            if m.bias:
                nn.init.zeros_(m.bias)
            nn.init.zeros_(m.bias)
        """
    )
    calls = [n for n in iter_nodes(context.module)
             if isinstance(n, cst.Call) and context.code_for(n) == "nn.init.zeros_(m.bias)"]
    kinds = []
    for call in calls:
        _stack_to(context, call)
        found = guards.none_guard(context, call, "m", "bias")
        kinds.append(found.kind if found is not None else None)
    assert kinds == [guards.GuardKind.GUARDED] * 3 + [guards.GuardKind.TRUTHY, None]


def test_known_dims_from_the_surrounding_tests() -> None:
    context = _context(
        """
        import torch.nn as nn

        def init(model, blocks):
            for p in model.parameters():
                if p.dim() == 1:
                    nn.init.ones_(p)
                else:
                    nn.init.ones_(p)
            for block in blocks:
                w = block.norm.weight
                if w is None or w.ndim != 1:
                    continue
                nn.init.ones_(w)
            for block in blocks:
                w = block.proj.weight
                if w.ndim != 1 and w.numel() > 4:
                    continue
                nn.init.ones_(w)
            for q in model.parameters():
                if len(q.shape) >= 2:
                    return
                nn.init.ones_(q.data)
            nn.init.ones_(model.weight)
        """
    )
    calls = [n for n in iter_nodes(context.module)
             if isinstance(n, cst.Call) and context.code_for(n).startswith("nn.init.ones_(")]
    found = []
    for call in calls:
        _stack_to(context, call)
        found.append(guards.known_dims(context, call, call.args[0].value))
    high = frozenset(range(9)) - {1}
    assert found == [frozenset({1}), high, frozenset({1}), None, frozenset({0, 1}), None]


def test_value_kinds() -> None:
    context = _context(
        """
        import torch
        import torch.nn as nn

        def init_weights(m, size: int = 3):
            pass

        model.apply(init_weights)
        """
    )
    assert values.class_kind(cst.parse_expression("int"), context) is values.ValueKind.VALUE
    assert values.class_kind(cst.parse_expression("torch.Tensor"), context) is values.ValueKind.VALUE
    assert values.class_kind(cst.parse_expression("nn.Linear"), context) is values.ValueKind.MODULE
    assert values.class_kind(cst.parse_expression("Mixer"), context) is values.ValueKind.UNKNOWN
    function = _find(context.module, cst.FunctionDef)
    _stack_to(context, function.body)
    assert values.name_kind("m", context) is values.ValueKind.MODULE
    assert values.name_kind("size", context) is values.ValueKind.VALUE


def test_exclusive_branches_and_declared_dims() -> None:
    context = _context(
        """
        import torch
        import torch.nn as nn

        class Switch(nn.Module):
            def __init__(self, d, linear):
                super().__init__()
                if linear:
                    self.proj = nn.Linear(d, d)
                else:
                    self.proj = nn.Parameter(torch.empty(d, d))
                self.gain = nn.Parameter(torch.ones(d))
                self.table = nn.Parameter(torch.zeros((d, 4)))
        """
    )
    klass = _find(context.module, cst.ClassDef)
    init = _find(klass, cst.FunctionDef)
    assigns = [n for n in iter_nodes(init) if isinstance(n, cst.Assign)]
    assert classes.exclusive_branches(context, init, assigns[0], assigns[1])
    assert not classes.exclusive_branches(context, init, assigns[1], assigns[2])
    assert classes.declared_dims(context, klass, "proj") is None  # first assignment: a layer
    assert classes.declared_dims(context, klass, "gain") == 1
    assert classes.declared_dims(context, klass, "table") == 2


def test_lora_partner_at_zero() -> None:
    context = _context(
        """
        import torch
        import torch.nn as nn

        class Adapter(nn.Module):
            def __init__(self, d, r):
                super().__init__()
                self.lora_A = nn.Linear(d, r, bias=False)
                self.lora_B = nn.Linear(r, d, bias=False)
                nn.init.normal_(self.lora_A.weight)
                nn.init.zeros_(self.lora_B.weight)
        """
    )
    call = _find(context.module, cst.Call, lambda n: context.code_for(n).startswith("nn.init.normal_"))
    _stack_to(context, call)
    tensor = call.args[0].value
    assert classes.lora_partner_starts_at_zero(context, tensor)
    assert classes.is_lora_tensor(context, tensor)


def test_option_branch_and_a_branch_that_requires_the_weight() -> None:
    context = _context(
        """
        import torch.nn as nn

        def init(m, scheme, flag):
            if scheme == "xavier":
                nn.init.xavier_normal_(m.weight)
            elif scheme in ("he", "kaiming"):
                nn.init.kaiming_normal_(m.weight)
            if flag:
                nn.init.xavier_uniform_(m.weight)
            name = type(m).__name__
            if getattr(m, "weight", None) is not None and "Conv" in name:
                pass
            if "Conv" in name:
                pass
        """
    )
    calls = [n for n in iter_nodes(context.module) if isinstance(n, cst.Call) and "nn.init" in context.code_for(n.func)]
    branches = []
    for call in calls:
        _stack_to(context, call)
        branches.append(values.option_branch(context))
    assert branches == ['scheme == "xavier"', 'scheme in ("he", "kaiming")', None]
    tests = [n for n in iter_nodes(context.module) if isinstance(n, cst.Comparison) and context.code_for(n) == '"Conv" in name']
    required = []
    for test in tests:
        _stack_to(context, test)
        required.append(guards.branch_requires_tensor(context, "m"))
    assert required == [True, False]


def test_constant_designs_from_project_facts() -> None:
    """1→1 convolutions known from their constructors in another class, `1 / k` on Linear(k, ...)
    layers, and a zeroed weight whose bias is set right there."""
    context = _context(
        """
        import torch
        import torch.nn as nn

        class Box(nn.Conv1d):
            def reset_parameters(self):
                nn.init.constant_(self.weight, 1.0 / self.kernel_size[0])

        class Smooth(nn.Module):
            def __init__(self, k, window, n):
                super().__init__()
                self.box = Box(1, 1, k)
                self.avg = nn.Linear(window, n)
                self.head = nn.Linear(n, 6)
                self.head.weight.data.zero_()
                self.head.bias.data.copy_(torch.tensor([1.0, 0, 0, 0, 1.0, 0]))
                self.tail = nn.Linear(n, 6)
                self.tail.weight.data.zero_()
                self.window = window
                self.apply(self.init)

            def init(self, m):
                if isinstance(m, nn.Linear):
                    nn.init.constant_(m.weight, 1.0 / self.window)
        """
    )
    def call(code: str) -> cst.Call:
        found = _find(context.module, cst.Call, lambda n: context.code_for(n) == code)
        _stack_to(context, found)
        return found

    box = call("nn.init.constant_(self.weight, 1.0 / self.kernel_size[0])")
    assert "1→1-channel convolution" in (designs.fixed_kernel(context, box.args[0].value, []) or "")
    average = call("nn.init.constant_(m.weight, 1.0 / self.window)")
    # the Linear layers reaching `init` are avg (window → n), head and tail (n → 6): not all 1/window
    assert designs.moving_average(context, average.args[0].value, average.args[1].value, ["nn.Linear"]) is None
    head = call("self.head.weight.data.zero_()")
    assert "self.head.bias.data.copy_" in (designs.identity_head(context, head.func.value.value) or "")
    tail = call("self.tail.weight.data.zero_()")
    assert designs.identity_head(context, tail.func.value.value) is None


def test_layer_builds_record_their_size_arguments() -> None:
    from initlint.analysis.project import summarize

    summary = summarize(
        textwrap.dedent(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, window, n):
                    super().__init__()
                    self.a = nn.Conv2d(1, 1, 3)
                    self.b = nn.Linear(self.window, n * 2)
                    self.c = nn.Conv1d(in_channels=4, out_channels=n, kernel_size=3)
                    self.d = nn.ReLU()
            """
        ),
        "m", None, "m.py",
    )
    assert [(b.attr, b.args) for b in summary.classes[0].layers] == [
        ("a", ("1", "1")), ("b", ("self.window", "")), ("c", ("4", "n")), ("d", ()),
    ]


def test_what_an_init_would_change_on_a_layer_and_conditional_rebuilds() -> None:
    from initlint.analysis.layers import dispatch_matches

    context = _context(
        """
        import torch.nn as nn

        class Head(nn.Module):
            def __init__(self, d, wide):
                super().__init__()
                self.a = nn.Linear(d, d)
                for mod in self.modules():
                    if isinstance(mod, nn.Linear):
                        mod.bias.data.zero_()
                    elif isinstance(mod, nn.GroupNorm):
                        nn.init.constant_(mod.weight, 1)
                        nn.init.zeros_(mod.bias)
                    elif isinstance(mod, nn.Conv1d):
                        nn.init.dirac_(mod.weight)
                    else:
                        reset_all(mod)
                self.b = nn.Conv2d(d, d, 1)
                if wide:
                    self.b = nn.Linear(d, 2 * d)
        """
    )
    klass = _find(context.module, cst.ClassDef)
    init = _find(klass, cst.FunctionDef)
    loop = _find(init, cst.For)
    change = classes.init_change
    assert change(context, loop, "Linear", True) is classes.InitChange.BIAS
    assert change(context, loop, "GroupNorm", True) is classes.InitChange.NOTHING
    assert change(context, loop, "Conv1d", True) is classes.InitChange.MORE  # its weight
    # a class no branch names reaches the `else`, whose helper we cannot read: an unknown
    assert change(context, loop, "Bilinear", True) is classes.InitChange.MORE
    # a norm of the project's own: torch's defaults are no evidence for it
    assert change(context, loop, "MyGroupNorm", False) is classes.InitChange.MORE
    assert dispatch_matches("Conv1d", ["torch.nn.Conv2d"], True) is False
    assert dispatch_matches("MyConv", ["torch.nn.Conv2d"], False) is True
    assigns = [n for n in iter_nodes(init) if isinstance(n, cst.Assign)]
    site = _find(loop.iter, cst.Call)
    rebuilt = classes.only_when(context, init, site, assigns[-1])
    assert rebuilt is not None and context.code_for(rebuilt.test) == "wide"
    assert classes.only_when(context, init, site, assigns[-2]) is None


def test_an_init_that_hands_the_module_on_is_not_read() -> None:
    """`init_layer(m)` or `m.reset_parameters()` beside a bias zeroing: what they do is unknown,
    so the init would change more than the bias."""
    context = _context(
        """
        import torch.nn as nn

        def prepare(mod):
            if isinstance(mod, nn.Linear):
                mod.bias.data.zero_()
                scaled_draw(mod, 0.5)
            elif isinstance(mod, nn.Conv2d):
                mod.reset_parameters()
                nn.init.zeros_(mod.bias)
            elif isinstance(mod, nn.Embedding) and hasattr(mod, "weight"):
                nn.init.zeros_(mod.bias)
        """
    )
    function = _find(context.module, cst.FunctionDef)
    assert classes.init_change(context, function, "Linear", True) is classes.InitChange.MORE
    assert classes.init_change(context, function, "Conv2d", True) is classes.InitChange.MORE
    assert classes.init_change(context, function, "Embedding", True) is classes.InitChange.BIAS



def test_assigned_to_pairs_tuple_elements() -> None:
    """`self.a, self.b = p, q`: each value is bound to its own target (INI102 reads `q` as
    `self.b`); chained and starred assignments have no element-wise pairing."""

    def bound(code: str, element: int) -> object:
        assign = cst.parse_statement(code).body[0]
        value = assign.value.elements[element].value if element >= 0 else assign.value
        target = values.assigned_to(assign, value)
        return None if target is None else cst.Module([]).code_for_node(target)

    assert bound("self.a, self.b = p(), q()", 0) == "self.a"
    assert bound("self.a, self.b = p(), q()", 1) == "self.b"
    assert bound("self.w = p()", -1) == "self.w"
    assert bound("self.a, self.b = p(), *q", 0) is None
    assert bound("x = y = p()", -1) is None
    assert bound("self.a, self.b = pair", -1) == "self.a, self.b"  # the whole tuple: not a parameter


def test_declared_sizes_as_written() -> None:
    """The sizes a parameter is created with (INI110 reads 3-D stacks from them)."""
    source = textwrap.dedent(
        """
        import torch
        import torch.nn as nn
        class M(nn.Module):
            def __init__(self, n, d, values):
                super().__init__()
                self.stack = nn.Parameter(torch.empty((n, d, d)))
                self.flat = nn.Parameter(torch.randn(n, d).uniform_())
                self.opaque = nn.Parameter(torch.Tensor(values))
        """
    )
    module = cst.parse_module(source)
    context = FileContext.build("m.py", source, module, ImportMap.from_module(module))
    klass = next(s for s in module.body if isinstance(s, cst.ClassDef))
    code = lambda sizes: [module.code_for_node(s) for s in sizes] if sizes is not None else None  # noqa: E731
    assert code(classes.declared_sizes(context, klass, "stack")) == ["n", "d", "d"]
    assert code(classes.declared_sizes(context, klass, "flat")) == ["n", "d"]
    assert classes.declared_sizes(context, klass, "opaque") is None
    assert classes.declared_dims(context, klass, "stack") == 3
