"""The project index: summaries (stdlib ast), cross-file facts, reachability, the cache, and the
engine hook that lets a rule ask `context.project` while linting one file."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from initlint.analysis.project import DEFAULT, UNKNOWN_REACH, Answer, ProjectIndex, may_pass, summarize
from initlint.analysis.project.summary import LENIENT_LOAD, NOT_LITERAL, RowIndex
from initlint.analysis.project.view import ProjectView
from initlint.engine import project
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.base import Rule
from initlint.rules.registry import all_rules

FIXTURE = Path(__file__).parent / "fixtures" / "index_project"


@pytest.fixture(scope="module")
def index() -> ProjectIndex:
    return project.build_index(FIXTURE, project.project_files(FIXTURE, [], True))


# -- summaries ---------------------------------------------------------------------------------
def test_modules_and_relative_imports_resolve(index: ProjectIndex) -> None:
    assert sorted(index.by_module) == ["pkg", "pkg.base", "pkg.extra", "pkg.helpers", "pkg.models", "pkg.norms", "train"]
    models = index.by_module["pkg.models"].import_map()
    assert models["Base"] == "pkg.base.Base"
    assert models["helpers"] == "pkg.helpers"
    # re-exported through pkg/__init__.py
    assert index.resolve("pkg.ScaledNorm") == "pkg.norms.ScaledNorm"


def test_bases_resolve_across_files(index: ProjectIndex) -> None:
    order, complete = index.mro("pkg.models.Net")
    assert order[:3] == ["pkg.models.Net", "pkg.base.Base", "torch.nn.Module"]
    assert complete
    assert index.is_subclass("pkg.models.Net", "pkg.base.Base") is Answer.YES
    assert index.is_subclass("pkg.norms.ScaledNorm", "pkg.base.Base") is Answer.NO


def test_unparseable_file_gets_an_empty_summary() -> None:
    summary = summarize("def broken(:\n", "m", None, "m.py")
    assert summary.error and summary.classes == () and not summary.has_init_code


# -- helpers -----------------------------------------------------------------------------------
def test_helper_initializes_every_argument(index: ProjectIndex) -> None:
    inits = index.initialized_params("pkg.helpers.init_parts")
    assert set(inits) == {"r", "i", "j", "k"}
    assert {item.how for items in inits.values() for item in items} == {
        ".data=", "torch.nn.init.normal_", "normal_",
    }
    assert "scale" not in inits


def test_helper_hand_offs_are_followed(index: ProjectIndex) -> None:
    inits = index.initialized_params("pkg.helpers.init_via")
    paths = {item.path for item in inits["module"]}
    assert paths == {("weight",), ("bias",)}


def test_guard_aliases() -> None:
    summary = summarize(
        textwrap.dedent(
            """
            def exists(x):
                return x is not None
            def default(val, d):
                return val if exists(val) else d
            present = lambda v: v is not None
            def not_a_guard(x):
                return x is None
            """
        ),
        "m", None, "m.py",
    )
    assert dict(summary.guard_aliases) == {"exists": "not_none", "default": "default", "present": "not_none"}


def test_unguarded_row_indexes() -> None:
    """Parameters that index a zeroed row with no None/sign/truth check anywhere in the function
    (INI105's cross-file fact): position among the declared positional parameters, None default."""
    summary = summarize(
        textwrap.dedent(
            """
            import torch.nn as nn

            def a(emb, padding_idx=None):
                nn.init.normal_(emb.weight)
                emb.weight.data[padding_idx].zero_()
            def b(emb, pad):
                if pad is not None:
                    nn.init.zeros_(emb.weight[pad])
            def c(emb, *, pad=None):
                emb.weight[pad] = 0
            def d(emb, p):
                if emb is not None and p:
                    emb.weight[p].fill_(0)
            def e(emb, p, q):
                nn.init.constant_(emb.weight[p], 0)
                nn.init.constant_(emb.weight[q], 1.0)
                assert p >= 0
            def f(emb, p):
                nn.init.constant_(emb.weight[p], 0.0)
                emb.weight[p].fill_(1)
            class E:
                def m(self, emb, p):
                    emb.weight[p].fill_(0)
            """
        ),
        "m", None, "m.py",
    )
    rows = {f.qualname: f.row_indexes for f in summary.functions}
    assert rows["a"] == (RowIndex("padding_idx", 1, True),)
    assert rows["b"] == () and rows["d"] == () and rows["e"] == ()  # checked
    assert rows["c"] == (RowIndex("pad", None, True),)  # keyword-only
    assert rows["f"] == (RowIndex("p", 1, False),)  # required: only a call passing None is wrong
    assert rows["E.m"] == (RowIndex("p", 2, False),)  # `self` counts among the positions


def test_call_target_of_a_call_written_in_a_file() -> None:
    """`ProjectView.call_target`: the project function a call written in the linted file runs."""
    root = Path(__file__).parent / "fixtures" / "crossfile_checks"
    index = project.build_index(root, project.project_files(root, [], True))
    view = ProjectView(index, index.by_module["train"])
    assert view.call_target("tagger_embedding", "init_utils.init_embedding") == "pkg.init_utils.init_embedding"
    assert view.call_target(None, "Seq2Seq") == "train.Seq2Seq.__init__"
    assert view.call_target("tagger_embedding", "nn.Embedding") is None
    models = ProjectView(index, index.by_module["pkg.models"])
    assert models.call_target("Encoder.__init__", "init_embedding") == "pkg.init_utils.init_embedding"


def test_literal_flows_across_files(index: ProjectIndex) -> None:
    values, complete = index.literals_for("pkg.helpers.init_layer", "gain")
    assert None in values and DEFAULT in values and complete
    assert may_pass(values, complete, None) is Answer.YES
    assert may_pass(values, complete, 2.0) is Answer.NO


# -- reachability ------------------------------------------------------------------------------
def test_apply_in_base_reaches_subclass_layers(index: ProjectIndex) -> None:
    reach = index.reaching("pkg.base.Base._init_weights")
    assert reach.complete
    classes = {use.cls for use in reach.layers}
    assert {"torch.nn.Linear", "torch.nn.Conv2d", "pkg.norms.ScaledNorm", "torch.nn.InstanceNorm2d"} <= classes
    assert reach.may_have_flag("bias", False) is Answer.YES
    linear_only = reach.narrow(index, ["torch.nn.Linear"])
    assert {u.cls for u in linear_only.layers} == {"torch.nn.Linear"}
    assert linear_only.may_have_flag("bias", False) is Answer.NO


def test_apply_on_a_local_model_in_another_file(index: ProjectIndex) -> None:
    reach = index.reaching("train.weights_init")
    assert reach.complete and "torch.nn.Conv2d" in {u.cls for u in reach.layers}


def test_helper_call_site_with_self_attribute(index: ProjectIndex) -> None:
    reach = index.reaching("pkg.helpers.init_norm")
    assert [u.cls for u in reach.layers] == ["torch.nn.InstanceNorm2d"]
    assert reach.may_have_flag("affine", False) is Answer.YES


def test_nothing_known_is_unknown_not_empty_evidence(index: ProjectIndex) -> None:
    reach = index.reaching("pkg.helpers.unused_helper")
    assert reach is UNKNOWN_REACH
    assert reach.may_have_flag("bias", False) is Answer.UNKNOWN
    with pytest.raises(TypeError):
        bool(Answer.UNKNOWN)


def _one_file_index(code: str) -> ProjectIndex:
    summary = summarize(textwrap.dedent(code), "m", None, "m.py")
    return ProjectIndex({"m.py": summary})


_ORDERED = """
    import torch.nn as nn
    from torch.nn.utils import weight_norm

    class Head(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.hidden = nn.Linear(d, d)
            self.apply(self._init)
            self.norm = nn.LayerNorm(d)
            self.last = weight_norm(nn.Linear(d, 2, bias=False))

        def _init(self, m):
            pass

        def extend(self):
            self.extra = nn.Conv1d(2, 2, 1)
"""


def test_apply_in_init_reaches_only_layers_built_before_it() -> None:
    index = _one_file_index(_ORDERED)
    reach = index.reaching("m.Head._init")
    lines = {u.line for u in reach.layers}
    assert 8 in lines  # self.hidden, built before the apply
    assert 10 not in lines and 11 not in lines  # the norm and the wrapped layer come after
    assert 17 in lines  # built in another method: when it runs is not known, kept
    assert reach.closed
    assert reach.includes_build("m", [11]) is Answer.NO
    assert reach.includes_build("m", [8]) is Answer.YES
    # the whole class still holds every layer
    assert {8, 10, 11, 17} <= {u.line for u in index.layers_of("m.Head").layers}


_SUB_LAYERS = """
    import torch.nn as nn

    def init_layer(layer):
        nn.init.zeros_(layer.bias)

    def make_gate():
        return nn.Conv2d(4, 1, 1)

    class Cell(nn.Module):
        def __init__(self):
            super().__init__()
            self.mix = nn.Conv2d(4, 4, 3, bias=False)
            self.gate = nn.Conv2d(4, 1, 1)

    class Wide(Cell):
        def __init__(self):
            super().__init__()
            self.gate = nn.Conv2d(4, 1, 1, bias=False)

    class Other(nn.Module):
        def __init__(self):
            super().__init__()
            self.gate = make_gate()

    class Plain(nn.Module):
        def __init__(self):
            super().__init__()
            self.proj = nn.Linear(4, 4, bias=False)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = Cell()
            for m in self.modules():
                if isinstance(m, {tested}):
                    init_layer(m.gate)
"""


@pytest.mark.parametrize(
    ("tested", "lines", "known"),
    [
        ("Cell", {14, 19}, True),  # a subclass's gate arrives too
        ("Wide", {14, 19}, True),  # Wide's own gate and the one its base builds first
        ("Plain) or isinstance(m, Cell", {14, 19}, True),  # Plain has no `gate`: brings nothing
        ("Other", set(), False),  # `make_gate()`: no build records what it is
        ("nn.Conv2d", set(), False),  # not a project class
    ],
)
def test_a_sub_layer_passed_under_an_isinstance_test(tested: str, lines: set, known: bool) -> None:
    index = _one_file_index(_SUB_LAYERS.format(tested=tested))
    reach = index.reaching("m.init_layer")
    assert {use.line for use in reach.layers} == lines
    assert reach.complete is known and reach.closed is known


def test_a_sub_layer_of_an_attribute_is_the_one_its_class_builds() -> None:
    index = _one_file_index(_SUB_LAYERS.format(tested="Cell").replace(
        "init_layer(m.gate)", "pass\n            init_layer(self.cell.gate)"))
    reach = index.reaching("m.init_layer")
    assert {use.line for use in reach.layers} == {14}  # `Cell`'s gate, not its subclass's
    assert reach.closed


def test_apply_after_construction_reaches_every_layer() -> None:
    index = _one_file_index(_ORDERED.replace("            self.apply(self._init)\n", "") + """
    def build():
        model = Head(4)
        model.apply(model._init)
        return model
""")
    reach = index.reaching("m.Head._init")
    assert reach.includes_build("m", [10]) is not Answer.NO


def test_apply_of_a_submodule_method_is_an_unknown_source() -> None:
    index = _one_file_index(_ORDERED + """
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = Head(4)
            self.apply(self.head._init)
""")
    reach = index.reaching("m.Head._init")
    assert not reach.closed and not reach.complete
    assert reach.includes_build("m", [11]) is Answer.UNKNOWN


# -- methods, values, forward --------------------------------------------------------------------
def test_uncalled_method_is_known_unused(index: ProjectIndex) -> None:
    assert index.is_method_used("pkg.models.Net", "init_parameters") is Answer.NO
    assert index.is_method_used("pkg.base.Base", "_init_weights") is Answer.YES


def test_value_kinds() -> None:
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            def init(model, kernel_size: int, scale=0.5):
                w = torch.empty(3, 3)
                for name, m in model.named_modules():
                    pass
            """
        ),
        "m", None, "m.py",
    )
    function = summary.functions[0]
    assert function.kind_of("kernel_size") == "int"
    assert function.kind_of("scale") == "float"
    assert function.kind_of("w") == "tensor"
    assert function.kind_of("m") == "module"
    assert function.kind_of("model") is None


def test_forward_uses(index: ProjectIndex) -> None:
    assert index.forward_uses("pkg.norms.ScaledNorm", "weight") == {"one_plus"}
    assert index.forward_uses("pkg.norms.ScaledNorm", "gate") == {"sigmoid"}


def test_forward_uses_follow_locals_and_offsets() -> None:
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            class Conv(nn.Module):
                def forward(self, x):
                    kernel = self.basis @ self.weight
                    kernel = kernel / self.size ** 1.5
                    x += self.pos[: x.shape[1]]
                    y = x + self.bias
                    g = self.gain
                    g *= 2
                    return 1 + self.shift, self.plain @ x
            """
        ),
        "m", None, "m.py",
    )
    uses = {key: {use for attr, use in summary.functions[0].self_uses if attr == key}
            for key in ("weight", "pos", "bias", "gain", "shift", "plain")}
    assert "scaled" in uses["weight"]  # divided through the local `kernel`
    assert "added" in uses["pos"] and "added" in uses["bias"]
    assert "scaled" not in uses["gain"]  # `g *= 2`: a literal is not a runtime factor
    assert uses["shift"] == {"one_plus"} and uses["plain"] == {"used", "matmul"}


def test_forward_uses_record_matrix_products() -> None:
    """A factor of `@`, `torch.matmul`/`mm`/`bmm` (functions or methods) or `F.linear`'s weight
    is a matrix summed over a fan-in, whatever its name; element-wise factors and a module's
    own `linear` method are not."""
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            import torch.nn.functional as F
            from torch import nn
            class Attend(nn.Module):
                def forward(self, h, last):
                    q = torch.sigmoid(last @ self.a_1.T + torch.matmul(h, self.a_2)) @ self.v
                    r = self.b.mm(h) + torch.bmm(h, self.c.transpose(1, 2)) + F.linear(h, self.d)
                    return q * self.gain + self.head.linear(r)
            """
        ),
        "m", None, "m.py",
    )
    matmul = {attr for attr, use in summary.functions[0].self_uses if use == "matmul"}
    assert matmul == {"a_1", "a_2", "v", "b", "c", "d"}


def test_forward_uses_record_convolutions_and_einops_patterns() -> None:
    """`F.conv1d(x, self.k)` makes `k` a kernel; einops' `einsum(..., pattern)` (pattern last)
    is read like torch's; a local slice `w = self.stack[i]` used as `x @ w.T` is the stack's."""
    summary = summarize(
        textwrap.dedent(
            """
            import torch.nn.functional as F
            from einops import einsum
            from torch import nn
            class Mixed(nn.Module):
                def forward(self, x, i):
                    y = F.conv1d(x, self.k) + einsum(x, self.heads, "b h i, h i o -> b h o")
                    w = self.stack[i]
                    return einsum(y, self.gain, "b d, d -> b d") + x @ w.T
            """
        ),
        "m", None, "m.py",
    )
    uses = {key: {use for attr, use in summary.functions[0].self_uses if attr == key}
            for key in ("k", "heads", "gain", "stack")}
    assert "conv" in uses["k"]
    assert uses["heads"] == {"contracted"} and uses["gain"] == {"elementwise"}
    assert "matmul" in uses["stack"]


def test_padding_facts_of_forward() -> None:
    """Padding tests on ids (not on masks, attributes or other values), ids fed to sub-modules,
    reads at each sequence's last step and at the batch's last step."""
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            class Ranker(nn.Module):
                def forward(self, ids, lens, labels, pad):
                    a = ids == 0
                    b = torch.ne(ids, self.padding_idx)
                    c = ids.data.gt(0)
                    d = 0 < labels
                    e = pad != ids
                    f = self.mask == 0
                    g = ids.gt(1)
                    h = ids > pad
                    i = labels == 3
                    x = self.table(ids)
                    y = self.gather_last(x, lens - 1)
                    z = self.gather_last(x, ids - 1)
                    return x[:, -1], y[:, 0]
            """
        ),
        "m", None, "m.py",
    )
    forward = summary.functions[0]
    assert [(t.name, t.line, t.text) for t in forward.pad_tests] == [
        ("ids", 6, "ids == 0"),
        ("ids", 7, "torch.ne(ids, self.padding_idx)"),
        ("ids", 8, "ids.data.gt(0)"),
        ("labels", 9, "0 < labels"),
        ("ids", 10, "pad != ids"),
    ]
    assert ("table", "ids") in forward.fed
    assert forward.len_gathers == ((16, "self.gather_last(x, lens - 1)"),)
    assert forward.last_steps == (18,)


def test_required_masks_and_a_mask_column_read() -> None:
    """Mask parameters every call must pass and the body reads; the last column of a mask is
    not a read of the batch's last step."""
    summary = summarize(
        textwrap.dedent(
            """
            from typing import Optional
            from torch import nn
            class Encoder(nn.Module):
                def forward(self, ids, input_mask, unused_mask, *, key_mask):
                    lengths = input_mask.cumsum(-1)[:, -1]
                    return self.table(ids) * key_mask[..., None], lengths
                def optional(self, ids, attention_mask=None, pad_mask: Optional[int] = None):
                    return self.table(ids), attention_mask, pad_mask
                def annotated(self, ids, seq_mask: "Tensor | None"):
                    return self.table(ids) * seq_mask
            """
        ),
        "m", None, "m.py",
    )
    forward, optional, annotated = summary.functions
    assert forward.required_masks == ("input_mask", "key_mask")  # `unused_mask` is never read
    assert optional.required_masks == () and annotated.required_masks == ()
    assert forward.last_steps == ()


def test_einsum_operands_kept_or_summed() -> None:
    from initlint.analysis.project.summary import einsum_summed

    def keeps(equation: str, operands: int) -> object:
        """Does the output keep every index of each operand (nothing of it summed)?"""
        summed = einsum_summed(equation, operands)
        return None if summed is None else [count == 0 for count in summed]

    assert keeps("btc,cf->btcf", 2) == [True, True]
    assert keeps("q c d, b n q d -> b n q c", 2) == [False, False]
    assert keeps("ij,jk", 2) == [False, False]  # implicit: j appears twice, summed
    assert keeps("...d,d->...d", 2) == [True, True]
    assert keeps("...d,d->d", 2) == [False, True]  # the broadcast dims are summed
    assert keeps("ij,jk->ik", 3) is None
    assert einsum_summed("nik,iok->no", 2) == [2, 2]  # Chebyshev taps: one map over i and k
    assert einsum_summed("ai,bij,aj->ab", 3) == [1, 2, 1]
    assert einsum_summed("bhi,hio->bho", 2) == [1, 1]  # a stack of per-head matrices
    assert einsum_summed("...d,d->d", 2) == [1, 0]
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            class Mix(nn.Module):
                def forward(self, x):
                    a = torch.einsum("bd,d->bd", x, self.gain)
                    b = torch.einsum("bi,oi->bo", x, self.proj)
                    return torch.einsum("bd,dd->bd", a, self.both) + b + self.proj.sum()
            """
        ),
        "m", None, "m.py",
    )
    uses = {key: {use for attr, use in summary.functions[0].self_uses if attr == key}
            for key in ("gain", "proj", "both")}
    assert uses == {"gain": {"elementwise"}, "proj": {"contracted", "used"}, "both": {"elementwise"}}


def test_clones_are_recorded(index: ProjectIndex) -> None:
    _, net = index.class_("pkg.models.Net")  # type: ignore[misc]
    assert [(c.function, c.source, c.attr) for c in net.clones] == [("copy.deepcopy", "self.conv", "blocks")]


def test_init_code_prefilter(index: ProjectIndex) -> None:
    assert index.by_module["pkg.helpers"].has_init_code
    assert not index.by_module["pkg.norms"].has_init_code


# -- cache and incremental refresh ----------------------------------------------------------------
def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURE, root)
    return root


def test_warm_index_resummarises_only_changed_files(tmp_path: Path, monkeypatch) -> None:
    root = _copy_project(tmp_path)
    cache = tmp_path / "cache"
    files = project.project_files(root, [], True)
    first = project.build_index(root, files, cache)
    calls: list[str] = []
    real = project._summarise
    monkeypatch.setattr(project, "_summarise", lambda job: calls.append(job[1]) or real(job))
    second = project.build_index(root, files, cache)
    assert calls == [] and second.digest() == first.digest()
    norms = root / "pkg" / "norms.py"
    norms.write_text(norms.read_text() + "\n\nclass Extra(ScaledNorm):\n    pass\n")
    os.utime(norms, ns=(1, 1))
    third = project.build_index(root, files, cache)
    assert calls == ["pkg/norms.py"]
    assert third.digest() != first.digest()
    # helpers imports nothing from norms and norms does not import helpers: unaffected
    assert third.dependency_digest("pkg/helpers.py") == first.dependency_digest("pkg/helpers.py")
    # models imports norms: its results may change
    assert third.dependency_digest("pkg/models.py") != first.dependency_digest("pkg/models.py")


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    cache = tmp_path / "cache"
    files = project.project_files(root, [], True)
    project.build_index(root, files, cache)
    for path in cache.rglob("project-index-*"):
        path.write_bytes(b"not a pickle")
    assert len(project.build_index(root, files, cache).files) == len(files)


def test_project_root_is_found_from_one_file() -> None:
    assert project.find_project_root([FIXTURE / "pkg" / "models.py"]) == FIXTURE


# -- engine hook -----------------------------------------------------------------------------------
class _ReachProbe(Rule):
    """Test-only rule: reports every init function that a bias=False layer can reach."""

    code = "INI999"
    name = "reach-probe"
    summary = "test"
    severity = Rule.severity if hasattr(Rule, "severity") else None  # type: ignore[assignment]
    triggers = ("def",)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        view = self.context.project
        qualname = view.qualname_of(self.context, node)
        assert view.current_function(self.context) == qualname
        answer = view.reaching(qualname).may_have_flag("bias", False)
        if answer is Answer.YES:
            self.report(node, f"{qualname}: a bias=False layer arrives")


def test_rules_see_the_whole_project_through_the_context() -> None:
    from initlint.diagnostics import Severity

    _ReachProbe.severity = Severity.WARNING
    path = FIXTURE / "pkg" / "base.py"
    index = project.build_index(FIXTURE, project.project_files(FIXTURE, [], True))
    options = LintOptions(rules=(_ReachProbe,))
    project.activate(index, FIXTURE)
    try:
        with_index = lint_bytes(path.read_bytes(), "pkg/base.py", options, "pkg")
    finally:
        project.activate(None)
    alone = lint_bytes(path.read_bytes(), "pkg/base.py", options, "pkg")
    # Only the project knows that Net (another file) brings a Conv2d(bias=False) to _init_weights.
    assert [d.message for d in with_index.diagnostics] == ["Base._init_weights: a bias=False layer arrives"]
    assert alone.diagnostics == []


# -- super() chains, module loops, closures (pkg/extra.py) ------------------------------------------
def test_override_with_super_chain(index: ProjectIndex) -> None:
    own = index.reaching("pkg.extra.Deep._init_weights")
    assert {"torch.nn.Embedding", "torch.nn.Linear"} <= {u.cls for u in own.layers}
    # Base's version is reached from Deep through super()._init_weights(m)
    base = index.reaching("pkg.base.Base._init_weights")
    assert "torch.nn.Embedding" in {u.cls for u in base.layers}
    embedding = next(u for u in base.layers if u.cls == "torch.nn.Embedding")
    assert embedding.flag("padding_idx", "unset") is None


def test_module_loop_reach_and_kind(index: ProjectIndex) -> None:
    reach = index.loop_reach("pkg.extra.Deep.reset_all", "m")
    assert {"torch.nn.Embedding", "torch.nn.Linear"} <= {u.cls for u in reach.layers}
    function = index.function("pkg.extra.Deep.reset_all")
    assert function is not None and function[1].kind_of("m") == "module"
    # init_layer(m) inside that loop: the helper now also receives the loop's modules
    assert "torch.nn.Embedding" in {u.cls for u in index.reaching("pkg.helpers.init_layer").layers}


def test_apply_of_a_nested_callback(index: ProjectIndex) -> None:
    reach = index.reaching("pkg.extra.Deep.closures._init")
    assert "torch.nn.Embedding" in {u.cls for u in reach.layers}
    assert index.apply_sites("pkg.extra.Deep.closures._init")


def test_cpython_check_skipped_only_for_text_the_index_parsed(tmp_path: Path, monkeypatch) -> None:
    """The linter asks CPython's parser again only when the index did not already parse exactly
    this text: an edited or broken file still gets CPython's syntax error."""
    from initlint.engine import parsing
    from initlint.engine.linter import _FileLinter

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "good.py").write_text("import torch\nx = 1\n")
    (tmp_path / "bad.py").write_text("import torch\nx = (\n")
    index = project.build_index(tmp_path, project.project_files(tmp_path, [], True))
    asked: list[str] = []
    real = parsing.cpython_syntax_error
    monkeypatch.setattr(parsing, "cpython_syntax_error", lambda text, path: asked.append(text) or real(text, path))
    monkeypatch.setattr(project, "_active", index)
    good = _FileLinter("good.py", LintOptions(rules=()), "")
    assert good.index_parsed("import torch\nx = 1\n")
    good.parse("import torch\nx = 1\n")
    assert asked == []
    assert not good.index_parsed("import torch\nx = 2\n")  # not the indexed text
    bad = _FileLinter("bad.py", LintOptions(rules=()), "")
    assert not bad.index_parsed("import torch\nx = (\n")
    with pytest.raises(parsing.ParseFailure):
        bad.parse("import torch\nx = (\n")
    assert asked == ["import torch\nx = (\n"]


def test_imported_modules_keep_the_last_import(tmp_path: Path) -> None:
    """Every project module a file imports is a dependency (the last import was once dropped, so
    editing that module left the importer's cached results in place)."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "b.py").write_text("X = 1\n")
    (tmp_path / "c.py").write_text("zz = 2\n")
    (tmp_path / "a.py").write_text("import os\nimport b\nfrom c import zz\n")  # `zz` sorts last
    index = project.build_index(tmp_path, project.project_files(tmp_path, [], True))
    assert index.imported_modules("a") == {"b", "c"}
    before = index.dependency_digest("a.py")
    (tmp_path / "c.py").write_text("zz = 2\n\ndef zz_init(m):\n    m.weight.data.zero_()\n")
    changed = project.build_index(tmp_path, project.project_files(tmp_path, [], True))
    assert changed.dependency_digest("a.py") != before


def test_an_edit_that_changes_no_fact_keeps_the_importers_digest(tmp_path: Path) -> None:
    """Importers depend on a module's facts (its summary), not its bytes: a comment or a changed
    constant re-lints that file only."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "c.py").write_text("zz = 2\n")
    (tmp_path / "a.py").write_text("from c import zz\n")
    before = project.build_index(tmp_path, project.project_files(tmp_path, [], True))
    (tmp_path / "c.py").write_text("zz = 3  # tuned\n")
    after = project.build_index(tmp_path, project.project_files(tmp_path, [], True))
    assert after.dependency_digest("a.py") == before.dependency_digest("a.py")
    assert after.digests["c.py"] != before.digests["c.py"]  # content digests still tell texts apart


def test_files_mentioning_answers_the_same_from_its_inverted_table(index: ProjectIndex) -> None:
    """Past a number of queries the index answers from an inverted table: same paths, same order."""
    words = sorted({w for names in index.names.values() for w in names.split()}) + ["absent_name"]
    scanned = {w: index.files_mentioning(w) for w in words[:10]}
    for _ in range(70):
        index.files_mentioning("absent_name")
    assert ("mentions",) in index._memo
    assert {w: index.files_mentioning(w) for w in words[:10]} == scanned
    assert index.files_mentioning("absent_name") == []


def _package_index(files: dict[str, str]) -> ProjectIndex:
    summaries = {}
    for module, code in files.items():
        path = module.replace(".", "/") + ".py"
        summaries[path] = summarize(textwrap.dedent(code), module, module.rsplit(".", 1)[0], path)
    return ProjectIndex(summaries)


_DETECTORS = {
    "pkg.base": """
        import torch
        import torch.nn as nn
        from mmengine.model import BaseModule

        class Detector(BaseModule):
            def __init__(self):
                super().__init__()
                self._init_layers()

            def _init_layers(self):
                self.level_embed = nn.Parameter(torch.Tensor(4, 8))

            def init_weights(self):
                super().init_weights()
                nn.init.normal_(self.level_embed)
    """,
    "pkg.child": """
        import torch
        import torch.nn as nn
        from pkg.base import Detector

        class Grounded(Detector):
            def _init_layers(self):
                self.level_embed = nn.Parameter(torch.Tensor(4, 8))
                self.proj = nn.Linear(8, 8)

            def init_weights(self):
                super().init_weights()
                nn.init.zeros_(self.proj.bias)

        class Replaced(Detector):
            def init_weights(self):
                nn.init.zeros_(self.proj.bias)

        class Plain(nn.Module):
            def init_weights(self):
                nn.init.zeros_(self.w)

        class Library(SomeLibraryBase):
            def init_weights(self):
                nn.init.zeros_(self.w)
    """,
}


def test_init_weights_is_a_hook_only_under_a_framework_that_calls_it() -> None:
    index = _package_index(_DETECTORS)
    assert index.is_method_used("pkg.base.Detector", "init_weights") is Answer.YES  # mmengine
    # `.init_weights` is referenced in the project (super() calls): not known to be unused
    assert index.is_method_used("pkg.child.Plain", "init_weights") is Answer.UNKNOWN
    alone = _package_index({"pkg.plain": """
        import torch.nn as nn

        class Plain(nn.Module):
            def init_weights(self):
                nn.init.zeros_(self.w)
    """})
    assert alone.is_method_used("pkg.plain.Plain", "init_weights") is Answer.NO  # nothing calls it
    assert index.is_method_used("pkg.child.Library", "init_weights") is not Answer.NO


def test_base_init_methods_that_run_for_a_subclass_across_files() -> None:
    index = _package_index(_DETECTORS)
    assert index.inherited_initializers("pkg.child.Grounded", "level_embed") == ["pkg.base.Detector.init_weights"]
    assert index.inherited_initializers("pkg.child.Replaced", "level_embed") == []  # override without super()
    assert index.inherited_initializers("pkg.child.Grounded", "proj") == []


def test_methods_of_a_class_with_an_unknown_library_base_may_run() -> None:
    index = _package_index({"pkg.serve": """
        import torch.nn as nn
        from ts.torch_handler.base_handler import BaseHandler
        from mmengine.model import BaseModule

        class Handler(BaseHandler):
            def initialize(self, context):
                self.model = build(context)

        class Block(BaseModule):
            def init_parameters(self):
                nn.init.normal_(self.w)

        class Typed(nn.Module, ABC, dict):
            def init_parameters(self):
                nn.init.normal_(self.w)
    """.replace("import torch.nn as nn", "import torch.nn as nn\n        from abc import ABC\n        from typing import Generic")})
    # torchserve calls `initialize` on its handlers: a library convention the table does not hold
    assert index.is_method_used("pkg.serve.Handler", "initialize") is Answer.UNKNOWN
    # mmengine's conventions are known: it calls `init_weights`, not `init_parameters`
    assert index.is_method_used("pkg.serve.Block", "init_parameters") is Answer.NO
    # typing/abc/builtin bases call no method by name
    assert index.is_method_used("pkg.serve.Typed", "init_parameters") is Answer.NO


def test_initialize_parameters_is_a_hook_only_under_lazy_module_bases() -> None:
    index = _package_index({
        "pkg.lazy": """
            import torch
            import torch.nn as nn
            from torch.nn.modules.lazy import LazyModuleMixin

            class Scale(LazyModuleMixin, nn.Module):
                def initialize_parameters(self, x):
                    nn.init.ones_(self.w)

            class Head(nn.LazyLinear):
                def initialize_parameters(self, x):
                    nn.init.zeros_(self.weight)

            class Deeper(Scale):
                pass
        """,
        "pkg.plain": """
            import torch.nn as nn

            class Plain(nn.Module):
                def initialize_parameters(self):
                    nn.init.ones_(self.w)
        """,
    })
    assert index.is_method_used("pkg.lazy.Scale", "initialize_parameters") is Answer.YES
    assert index.is_method_used("pkg.lazy.Head", "initialize_parameters") is Answer.YES
    assert index.is_method_used("pkg.lazy.Deeper", "initialize_parameters") is Answer.YES
    assert index.is_method_used("pkg.plain.Plain", "initialize_parameters") is Answer.NO


def test_padding_rows_of_embeddings_reaching_an_init() -> None:
    index = _package_index({"pkg.rec": """
        import torch.nn as nn
        from pkg.layers import PositionalEmbedding

        class Net(nn.Module):
            def __init__(self, n, d, pad):
                super().__init__()
                self.items = nn.Embedding(n, d, 0)
                self.users = nn.Embedding(n, d, None)
                self.tags = nn.Embedding(n, d, padding_idx=pad)
                self.positions = nn.Embedding(n, d)
                self.learned = PositionalEmbedding(n, d, pad)
    """})
    layers = {build.attr: dict(build.flags) for build in index.files["pkg/rec.py"].classes[0].layers}
    assert layers["items"] == {"padding_idx": 0}  # torch's third positional argument
    assert layers["users"] == {"padding_idx": None}
    assert layers["tags"] == {"padding_idx": NOT_LITERAL}
    assert layers["positions"] == {}  # no padding row
    assert layers["learned"] == {"padding_idx": NOT_LITERAL}  # a project embedding: may have one


def test_attribute_reach_knows_padding_passed_by_position_in_a_base() -> None:
    """`self.<attr>` of a class is a padded embedding when a base in another module builds it
    with the padding index as torch's third positional argument (INI105's named-layer case)."""
    index = _package_index({
        "pkg.base": """
            import torch.nn as nn

            class Backbone(nn.Module):
                def __init__(self, cfg):
                    super().__init__()
                    self.tokens = nn.Embedding(cfg.vocab, cfg.dim, cfg.pad_id)
                    self.plain = nn.Embedding(cfg.vocab, cfg.dim)
                    self.bag = nn.EmbeddingBag(cfg.vocab, cfg.dim, 1.0)
        """,
        "pkg.model": """
            from pkg.base import Backbone

            class Decoder(Backbone):
                pass
        """,
    })

    def padded(attr: str) -> list:
        reach = index.attribute_reach("pkg.model.Decoder", attr)
        return [use.flag("padding_idx") for use in reach.layers if use.kind == "embedding"]

    assert padded("tokens") == [NOT_LITERAL]  # a padding row may exist: not a literal None
    assert padded("plain") == [None]
    assert padded("bag") == [None]  # EmbeddingBag's third positional argument is max_norm


def test_layer_counts_know_builds_in_loops() -> None:
    index = _package_index({"pkg.heads": """
        import torch.nn as nn

        class Head(nn.Module):
            def __init__(self, d, n):
                super().__init__()
                self.fc1 = nn.Linear(d, d)
                self.fc2 = nn.Linear(d, n)

        class Tower(nn.Module):
            def __init__(self, d, depth):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Linear(d, d) for _ in range(depth)])
                self.out = nn.Linear(d, 1)

        class Looped(nn.Module):
            def __init__(self, d, depth):
                super().__init__()
                layers = []
                for _ in range(depth):
                    layers.append(nn.Conv1d(d, d, 3))
                self.body = nn.Sequential(*layers)
    """})
    assert index.layers_of("pkg.heads.Head").count(("linear", "conv")) == 2
    assert index.layers_of("pkg.heads.Tower").count(("linear", "conv")) is None  # `depth` of them
    assert index.layers_of("pkg.heads.Looped").count(("linear", "conv")) is None
    assert UNKNOWN_REACH.count(("linear",)) is None


_OPENMMLAB = {
    "pkg.norms": """
        import torch
        import torch.nn as nn

        class Rescale(nn.Module):
            def __init__(self, channels):
                super().__init__()
                self.weight = nn.Parameter(torch.Tensor(channels))
    """,
    "pkg.necks": """
        from mmengine.model import BaseModule
        from pkg.norms import Rescale

        class Neck(BaseModule):
            def __init__(self, c, init_cfg=dict(type="Normal", layer="Conv2d", override=dict(name="head"))):
                super().__init__(init_cfg)
                self.rescale = Rescale(c)
                self.init_cfg += [dict(type="Constant", val=20.0, override=dict(name="rescale"))]

        class Other(BaseModule):
            def __init__(self, c):
                super().__init__(init_cfg={"type": "Constant", "val": 1, "override": {"name": "scale"}})
                self.scale = Rescale(c, init_cfg=dict(type="Constant", override=dict(name="inner")))
    """,
}


def test_init_cfg_overrides_are_the_class_own() -> None:
    index = _package_index(_OPENMMLAB)
    summary = index.summary_of_module("pkg.necks")
    overrides = {cls.name: cls.init_cfg_overrides for cls in summary.classes}
    # `inner` is the init_cfg handed to the sub-module's constructor, not Other's own
    assert overrides == {"Neck": ("head", "rescale"), "Other": ("scale",)}
    assert index.init_cfg_owners("pkg.norms.Rescale") == ["pkg.necks.Neck.rescale", "pkg.necks.Other.scale"]
    uncovered = dict(_OPENMMLAB)
    uncovered["pkg.heads"] = """
        import torch.nn as nn
        from pkg.norms import Rescale

        class Head(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.rescale = Rescale(c)
    """
    assert _package_index(uncovered).init_cfg_owners("pkg.norms.Rescale") == []


def test_init_cfg_overrides_are_looked_for_only_where_the_identifier_can_be() -> None:
    """The summariser skips the `init_cfg` walk for text without the word; NFKC turns a
    full-width `ｉnit_cfg` into `init_cfg`, so non-ASCII text is judged by its NFKC form
    (and walked when that names it), not skipped on its raw characters."""
    import ast

    from initlint.analysis.project.summary import may_name_init_cfg, summarize_tree

    written = textwrap.dedent(_OPENMMLAB["pkg.necks"])
    full_width = textwrap.dedent("""
        from mmengine.model import BaseModule

        class Neck(BaseModule):
            def __init__(self, c, \uff49nit_cfg=dict(type="Normal", override=dict(name="head"))):
                super().__init__()
    """)
    assert "init_cfg" not in full_width
    for text, names in ((written, ("head", "rescale")), (full_width, ("head",))):
        walked = summarize_tree(ast.parse(text), "pkg.necks", "pkg", True)
        assert summarize(text, "pkg.necks", "pkg") == walked
        assert walked.classes[0].init_cfg_overrides == names
    plain = textwrap.dedent(_OPENMMLAB["pkg.norms"])
    assert summarize(plain, "pkg.norms", "pkg") == summarize_tree(ast.parse(plain), "pkg.norms", "pkg", True)
    assert may_name_init_cfg(full_width) and may_name_init_cfg(written)
    accented = "# caf\u00e9, \uff11\u00b2\n" + plain  # not ASCII, and no NFKC form of the word
    assert not may_name_init_cfg(accented) and not may_name_init_cfg(plain)
    assert summarize(accented, "pkg.norms", "pkg") == summarize_tree(ast.parse(accented), "pkg.norms", "pkg", True)


def test_held_by_follows_class_body_constructions_up_to_a_model() -> None:
    index = _one_file_index(
        """
        import torch.nn as nn
        from transformers import PreTrainedModel

        class Mixer(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.proj = nn.Linear(d, d)

        class Block(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.mixer = Mixer(d)

        class AcmePreTrainedModel(PreTrainedModel):
            pass

        class AcmeModel(AcmePreTrainedModel):
            def __init__(self, config):
                super().__init__(config)
                self.blocks = nn.ModuleList([Block(config.d) for _ in range(2)])

        class Table(nn.Module):
            def __init__(self, n, d):
                super().__init__()
                self.emb = nn.Embedding(n, d)

        class Holder(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = Table(4, 4)

        def build_table():
            return Table(4, 4)
        """
    )
    assert index.held_by("m.Mixer", "PreTrainedModel") is Answer.YES  # Mixer → Block → AcmeModel
    # built by a plain module and a plain function only: not known, never "no"
    assert index.held_by("m.Table", "PreTrainedModel") is Answer.UNKNOWN


def test_closed_reach_needs_every_argument_followed() -> None:
    index = _one_file_index(
        """
        import torch.nn as nn

        class Up(nn.Module):
            def __init__(self, d):
                super().__init__()
                conv = nn.Conv2d(d, d, 1)
                self.attn = Attn(d)
                self.init_(conv)
                self.init_(self.attn.qkv)

            def init_(self, conv):
                nn.init.zeros_(conv.bias)

        class Down(nn.Module):
            def __init__(self, d):
                super().__init__()
                conv = nn.Conv2d(d, d, 1)
                self.init_(conv)

            def init_(self, conv):
                nn.init.zeros_(conv.bias)
        """
    )
    assert index.reaching("m.Down.init_").closed  # the one call passes a layer built right there
    assert not index.reaching("m.Up.init_").closed  # `self.attn.qkv`: a sub-module's attribute


def test_forward_uses_record_tokens_joined_by_cat() -> None:
    summary = summarize(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            class Tokens(nn.Module):
                def forward(self, x):
                    cls = self.cls_token.expand(x.shape[0], -1, -1)
                    return torch.cat([cls, self.registers, x], dim=1), torch.cat(self.parts)
            """
        ),
        "m", None, "m.py",
    )
    uses = {key: {use for attr, use in summary.functions[0].self_uses if attr == key}
            for key in ("cls_token", "registers", "parts")}
    assert "concatenated" in uses["cls_token"] and "concatenated" in uses["registers"]
    assert "concatenated" not in uses["parts"]  # a tensor list held by the module, not one token

def test_callers_pass_keyword() -> None:
    index = _package_index({"pkg.init": """
        def helper(module, **kwargs):
            pass

        def lonely(module, **kwargs):
            pass

        def build(a, b, extra):
            helper(a, nonlinearity="linear")
            helper(b, a=0.2, nonlinearity="leaky_relu")
    """, "pkg.other": """
        from pkg.init import helper

        def more(c, options):
            helper(c, **options)
    """})
    assert index.callers_pass_keyword("pkg.init.helper", ("a", "nonlinearity")) is Answer.UNKNOWN  # **options
    assert index.callers_pass_keyword("pkg.init.lonely", ("a",)) is Answer.UNKNOWN  # no caller
    alone = _package_index({"pkg.init": """
        def helper(module, **kwargs):
            pass

        def build(a, b):
            helper(a, nonlinearity="linear")
            helper(b, scale=0.1)
    """})
    assert alone.callers_pass_keyword("pkg.init.helper", ("a", "nonlinearity")) is Answer.NO
    assert alone.callers_pass_keyword("pkg.init.helper", ("nonlinearity", "scale")) is Answer.YES
def test_an_edit_that_keeps_size_and_mtime_reaches_the_index(tmp_path: Path, monkeypatch) -> None:
    """The index trusted size and mtime alone, so new content written with both kept (a
    checkout, `cp -p`) kept the old facts. The inode change time and the content digest decide."""
    from initlint.engine import cache as result_cache

    monkeypatch.setattr(result_cache, "RACY_NS", 0)  # the file counts as settled once written
    (tmp_path / "pyproject.toml").write_text("")
    helper = tmp_path / "helpers.py"
    helper.write_text("def init_a(m):\n    m.weight.data.zero_()\n")
    files = project.project_files(tmp_path, [], True)
    first = project.build_index(tmp_path, files, tmp_path / "cache")
    assert [f.name for f in first.by_module["helpers"].functions] == ["init_a"]
    status = helper.stat()
    helper.write_text("def init_b(m):\n    m.weight.data.zero_()\n")
    os.utime(helper, ns=(status.st_atime_ns, status.st_mtime_ns))
    second = project.build_index(tmp_path, files, tmp_path / "cache")
    assert [f.name for f in second.by_module["helpers"].functions] == ["init_b"]
    assert second.dependency_digest("helpers.py") != first.dependency_digest("helpers.py")


def test_dependency_digests_are_reused_only_for_the_same_facts(tmp_path: Path, monkeypatch) -> None:
    """A warm run takes every file's dependency digest from the index cache instead of building
    the import graph; they are stored for one `digest()` of the index and recomputed for another."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "c.py").write_text("zz = 2\n")
    (tmp_path / "a.py").write_text("from c import zz\n")
    files = project.project_files(tmp_path, [], True)
    first = project.build_index(tmp_path, files, tmp_path / "cache")
    expected = first.dependency_digests()
    monkeypatch.setattr(ProjectIndex, "_graph", lambda self: (_ for _ in ()).throw(AssertionError("graph built")))
    again = project.build_index(tmp_path, files, tmp_path / "cache")
    assert again.dependency_digests() == expected
    monkeypatch.undo()
    (tmp_path / "c.py").write_text("zz = 2\n\ndef zz_init(m):\n    m.weight.data.zero_()\n")
    changed = project.build_index(tmp_path, files, tmp_path / "cache")
    assert changed.dependency_digest("a.py") != expected["a.py"]


def test_blanket_loops_and_init_guards_are_summarised() -> None:
    """Only a loop over the module's own parameters that overwrites every one it visits is a
    blanket init; an init under `isinstance(m, C)` remembers C."""
    summary = summarize(textwrap.dedent("""
        import torch.nn as nn

        class Net(nn.Module):
            def every(self):
                for name, p in self.named_parameters():
                    with torch.no_grad():
                        p.normal_(0, 0.02)

            def filtered(self):
                for p in self.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)

            def skipping(self):
                for name, p in self.named_parameters():
                    if "bias" in name:
                        continue
                    p.data.zero_()

            def rows(self):
                for p in self.parameters():
                    p[0].zero_()

        def init(m):
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.zeros_(m.weight)
            elif isinstance(m, nn.Embedding):
                m.weight.data.normal_()
    """), "m", None, "m.py")
    functions = {f.qualname: f for f in summary.functions}
    assert functions["Net.every"].blanket_inits == (6,)
    assert [functions[n].blanket_inits for n in ("Net.filtered", "Net.skipping", "Net.rows")] == [(), (), ()]
    assert functions["init"].init_guards == (
        (27, ("torch.nn.Linear", "torch.nn.Conv2d")), (29, ("torch.nn.Embedding",)),
    )


def test_owner_init_follows_owners_and_their_order() -> None:
    """An owner covers a sub-module when its construction overwrites the parameter after
    building it; an init that runs before the build, or a construction in a plain function,
    does not."""
    index = _one_file_index("""
        import torch
        import torch.nn as nn

        class Cell(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.w = nn.Parameter(torch.empty(d))

        class Early(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.apply(self._init)
                self.cell = Cell(d)

            def _init(self, m):
                if isinstance(m, Cell):
                    nn.init.ones_(m.w)

        class Late(Early):
            def __init__(self, d):
                super().__init__(d)
                self.reset()

            def reset(self):
                for p in self.parameters():
                    p.data.zero_()

        def build(d):
            return Cell(d)
    """)
    answer = index.owner_init("m.Cell", "w")
    assert answer.covered == ()
    assert answer.uncovered == ("`m.Early` (line 14 of m)", "`build` (line 30 of m)")
    assert not answer.all_covered
    # Late builds no Cell itself (its base does, in `super().__init__`, before the loop runs)
    assert index.construction_methods("m.Late") == frozenset({"m.Late.__init__", "m.Early.__init__", "m.Late.reset"})


def test_checkpoint_loads_on_the_path_of_a_construction() -> None:
    """A load into the object built is on its path when no `if`, loop or `except` around the
    load leaves the construction out; `with`/`try` bodies are on every path; `strict=False`
    may leave tensors the checkpoint lacks, so it is marked (`LENIENT_LOAD`); loads into `self` count only on
    the method's main path."""
    summary = summarize(textwrap.dedent('''
        import torch
        from mmengine.runner import load_checkpoint

        def build(path, pretrained):
            with open(path, "rb") as f:
                state = torch.load(f)
            net = Net(state["dims"]).to("cpu")
            try:
                net.load_state_dict(state["model"])
            except RuntimeError:
                pass
            maybe = Net(1)
            if pretrained:
                maybe.load_state_dict(state)
            loose = Net(2)
            loose.load_state_dict(state, strict=False)
            if pretrained:
                inner = Net(3)
                load_checkpoint(inner, path)
            else:
                other = Net(4)
                inner.load_state_dict(state)
            return net

        class Net:
            def __init__(self, cfg, state):
                self.body = Body(cfg)
                self.experts = self._load_state_dict(state)
                if cfg.extra:
                    self.load_state_dict(state)
    '''), "pkg.m", "pkg")
    functions = {f.qualname: f for f in summary.functions}
    assert functions["build"].loaded_builds == (
        (8, 8, 10, "net.load_state_dict"), (16, 16, 17, "loose.load_state_dict" + LENIENT_LOAD),
        (19, 19, 20, "load_checkpoint"),
    )
    assert functions["build"].self_loads == ()
    assert functions["Net.__init__"].self_loads == ((29, "self._load_state_dict"),)
    assert functions["Net.__init__"].loaded_builds == ()


def test_checkpoint_fill_follows_owners_to_the_loads() -> None:
    """A class is filled from a checkpoint when every construction is: an owner built only by a
    function that loads into it, an owner whose `__init__` loads its state dict after the
    build; one construction without a load (or none known) leaves it not filled."""
    index = _one_file_index("""
        import torch
        import torch.nn as nn

        class Table(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.rows = nn.Parameter(torch.empty(n, 4))

        class Model(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.table = Table(n)

        def load(path):
            model = Model(8)
            model.load_state_dict(torch.load(path))
            return model

        class Frozen(nn.Module):
            def __init__(self, state):
                super().__init__()
                self.table = Table(8)
                self.load_state_dict(state)

        class Early(nn.Module):
            def __init__(self, state):
                super().__init__()
                self.load_state_dict(state)
                self.cell = Cell(4)

        class Cell(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.w = nn.Parameter(torch.empty(n))
                self.load_state_dict(torch.load("cell.pt"))

        def train(n):
            return Model(n)
    """)
    table = index.checkpoint_fill("m.Table")
    # `train` builds Model without a load: Model is not always filled, so neither is its table
    assert table.loads == ("`self.load_state_dict(...)` in `Frozen.__init__` (line 24 of m)",)
    assert table.unloaded == ("`m.Model` (line 13 of m)",)
    assert not table.always
    model = index.checkpoint_fill("m.Model")
    assert model.loads == ("`model.load_state_dict(...)` (line 17 of m) after `load` builds `Model`",)
    assert model.unloaded == ("`train` (line 39 of m)",)
    # Early loads before it builds the cell: no fill; the cell's own `__init__` loads after line 35
    assert index.checkpoint_fill("m.Cell").unloaded == ("`m.Early` (line 30 of m)",)
    assert index.checkpoint_fill("m.Cell", 35).always
    assert not index.checkpoint_fill("m.Cell", 37).always
    assert index.checkpoint_fill("m.Frozen") == index.checkpoint_fill("m.Missing")  # nothing known
    assert not index.checkpoint_fill("m.Frozen").loads


def test_callable_parameters_named_or_defaulted_as_initializers_initialize_their_argument() -> None:
    """`init_fn_(module.w1)` and `init(m.weight)` with `init=nn.init.zeros_` draw the tensor they
    are given; a callable named `fn` says nothing; `init_method(self.w)` on a non-parameter
    root is not a parameter's init."""
    summary = summarize(textwrap.dedent('''
        import torch.nn as nn
        from functools import partial

        def a(module, init_fn_):
            if isinstance(module, Foo):
                init_fn_(module.w1)

        def b(m, init=partial(nn.init.normal_, std=0.02)):
            init(m.weight.data)

        def c(m, fn):
            fn(m.weight)

        def d(m, output_layer_init_method):
            w = m.weight
            output_layer_init_method(w)
    '''), "pkg.inits", "pkg")
    functions = {f.name: f for f in summary.functions}
    assert [(i.param, i.path, i.how) for i in functions["a"].initializes] == [("module", ("w1",), "param:init_fn_")]
    assert functions["a"].init_guards == ((7, ("Foo",)),)
    assert [(i.param, i.path, i.how) for i in functions["b"].initializes] == [("m", ("weight",), "param:init")]
    assert [i.how for i in functions["c"].initializes] == ["call:fn#0"]
    assert functions["d"].initializes == ()


def test_which_classes_have_a_weight() -> None:
    """`has_weight`: a torch layer base, or a project class that sets or registers `weight`, has
    one; a wrapper whose bases are all known and set none has none; a library base, a norm's
    flags or an attribute set by a computed name leave it unknown."""
    index = _package_index({
        "pkg.base": """
            import torch
            import torch.nn as nn

            class Scaled(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(d))
        """,
        "pkg.blocks": """
            import torch
            import torch.nn as nn
            from pkg.base import Scaled
            from mylib import Layer

            class ConvBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3)

            class ScaledConv(Scaled):
                pass

            class Registered(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.register_parameter("weight", nn.Parameter(torch.ones(d)))

            class Dynamic(nn.Module):
                def __init__(self, names):
                    super().__init__()
                    for name in names:
                        setattr(self, name, nn.Parameter(torch.ones(1)))

            class Forwarding(nn.Module):
                def __getattr__(self, name):
                    return getattr(self.inner, name)

            class Tied(nn.Linear):
                pass

            class Norm(nn.BatchNorm2d):
                pass

            class External(Layer):
                pass
        """,
    })
    assert index.has_weight("pkg.blocks.ConvBlock") is Answer.NO
    assert index.has_weight("pkg.blocks.ScaledConv") is Answer.YES  # from its base in another file
    assert index.has_weight("pkg.blocks.Registered") is Answer.YES
    assert index.has_weight("pkg.blocks.Tied") is Answer.YES
    assert index.has_weight("pkg.blocks.Dynamic") is Answer.UNKNOWN
    assert index.has_weight("pkg.blocks.Forwarding") is Answer.UNKNOWN
    assert index.has_weight("pkg.blocks.Norm") is Answer.UNKNOWN  # affine=False has none
    assert index.has_weight("pkg.blocks.External") is Answer.UNKNOWN


def test_arriving_subclasses_include_layers_torch_builds_inside() -> None:
    """`ProjectView.arriving_subclasses`: project subclasses of a compared class that reach an
    init function (across files), and MultiheadAttention's out_proj; the class itself is not."""
    index = _package_index({
        "pkg.layers": """
            import torch.nn as nn

            class TiedLinear(nn.Linear):
                pass
        """,
        "pkg.model": """
            import torch.nn as nn
            from pkg.layers import TiedLinear

            def init(m):
                nn.init.zeros_(m.weight)

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.tied = TiedLinear(d, d)
                    self.attn = nn.MultiheadAttention(d, 2)
                    self.apply(init)
        """,
    })
    view = ProjectView(index, index.by_module["pkg.model"])
    reach = view.reaching("init")
    found = {(use.short_name, subclass) for use, subclass, _ in view.arriving_subclasses(reach, ["torch.nn.Linear"])}
    assert found == {
        ("TiedLinear", "pkg.layers.TiedLinear"),
        ("MultiheadAttention", "torch.nn.NonDynamicallyQuantizableLinear"),
    }
    assert view.arriving_subclasses(reach, ["torch.nn.Conv2d"]) == []
    (tied,) = [use for use in reach.layers if use.short_name == "TiedLinear"]
    assert view.where(tied) == "built in pkg/model.py:12"  # the code starts with a blank line


_DEFAULTED_WRAPPER = """
    import torch.nn as nn

    class ConvNorm(nn.Module):
        def __init__(self, c_in, c_out, affine: bool = True, bias=False, *, scale_bias=True):
            super().__init__()
            self.conv = nn.Conv2d(c_in, c_out, 3, bias=bias)
            self.norm = nn.BatchNorm2d(c_out, affine=affine)
            self.out = nn.Linear(c_out, c_out, bias=scale_bias)

    class Plain(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = ConvNorm(3, 8)

    class Named(nn.Module):
        def __init__(self, flag):
            super().__init__()
            self.block = ConvNorm(3, 8, flag, scale_bias=flag)

    class Splat(nn.Module):
        def __init__(self, **kwargs):
            super().__init__()
            self.block = ConvNorm(3, 8, **kwargs)

    class Sub(ConvNorm):
        def __init__(self, c, affine=False):
            super().__init__(c, c, affine)

    class HoldsSub(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Sub(8)

    class PassesOn(ConvNorm):
        def __init__(self, c, eps=1e-5, affine: bool = True):
            super().__init__(c_in=c, c_out=c, affine=affine)

    class PassesOnOff(ConvNorm):
        def __init__(self, c, affine=False):
            super().__init__(c_in=c, c_out=c, affine=affine, scale_bias=False)

    class HoldsPassesOn(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = PassesOn(8)
            self.b = PassesOn(8, 1e-3, False)
            self.c = PassesOnOff(8)
"""


def _flags_of(index: ProjectIndex, model: str, short: str) -> list:
    return [dict(u.flags) for u in index.layers_of(model).layers if u.cls.endswith(short)]


def test_a_construction_that_leaves_a_flag_out_takes_the_constructors_true_default() -> None:
    index = _one_file_index(_DEFAULTED_WRAPPER)
    assert _flags_of(index, "m.Plain", "BatchNorm2d") == [{"affine": True}]
    assert _flags_of(index, "m.Plain", "Linear") == [{"bias": True}]  # keyword-only default
    # a default of False is not applied (the flag stays unknown), nor is anything passed by a name
    # or a position, or hidden by a splat
    assert _flags_of(index, "m.Plain", "Conv2d")[0]["bias"] is NOT_LITERAL
    assert _flags_of(index, "m.Named", "BatchNorm2d")[0]["affine"] is NOT_LITERAL
    assert _flags_of(index, "m.Named", "Linear")[0]["bias"] is NOT_LITERAL
    assert _flags_of(index, "m.Splat", "BatchNorm2d")[0]["affine"] is NOT_LITERAL
    # a subclass with its own constructor: the base's positions and defaults do not apply...
    assert _flags_of(index, "m.HoldsSub", "BatchNorm2d")[0]["affine"] is NOT_LITERAL
    # ...but what its `super().__init__(...)` hands on does: its own parameter by keyword (with
    # the subclass's position and default), a literal, or nothing (the base's True default)
    affine = [f["affine"] for f in _flags_of(index, "m.HoldsPassesOn", "BatchNorm2d")]
    # PassesOn(8): True; PassesOn(8, 1e-3, False) passes it by position and PassesOnOff's own
    # default is False: both unknown
    assert sorted(map(repr, affine)) == sorted(map(repr, [True, NOT_LITERAL]))
    # the base's `scale_bias=True` when the subclass leaves it out, the literal when it passes one
    assert sorted(f["bias"] for f in _flags_of(index, "m.HoldsPassesOn", "Linear")) == [False, True]

def test_direct_subclasses_read_only_files_with_a_base_of_that_name(tmp_path: Path) -> None:
    """`base:` marks in the names string: the files that mention a class but do not derive
    from it (a call, an annotation, a string) are not unpickled, and the answer is the one a
    scan of every file that mentions the name gives."""
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "base.py").write_text("import torch.nn as nn\n\nclass Base(nn.Module):\n    pass\n")
    (root / "pkg" / "child.py").write_text(
        "from pkg.base import Base\n\nclass Child(Base):\n    pass\n\nclass Grand(Child):\n    pass\n"
    )
    (root / "pkg" / "user.py").write_text(
        "from pkg.base import Base\n\ndef build() -> Base:\n    return Base()\n\nclass Other:\n    kind = 'Base'\n"
    )
    (root / "pkg" / "alias.py").write_text(
        "import pkg.base as b\n\nclass Aliased(b.Base):\n    pass\n"
    )
    files = project.project_files(root, [], True)
    project.build_index(root, files, tmp_path / "cache")
    index = project.build_index(root, files, tmp_path / "cache")  # summaries still pickled
    assert " base:Base " in index.names["pkg/child.py"] and " base:Child " in index.names["pkg/child.py"]
    assert index.direct_subclasses("pkg.base.Base") == ["pkg.alias.Aliased", "pkg.child.Child"]
    assert isinstance(index.files._raw["pkg/user.py"], bytes)  # type: ignore[attr-defined]
    assert index.subclasses("pkg.base.Base") == ["pkg.base.Base", "pkg.child.Child", "pkg.child.Grand", "pkg.alias.Aliased"]
    # the scan the marks replace, over every class of the project
    for path in index.files:
        for cls in index.files[path].classes:
            qualified = index.qualify_local(index.files[path], cls.qualname)
            short = qualified.rsplit(".", 1)[-1]
            scanned = [
                index.qualify_local(index.files[p], c.qualname)
                for p in index.files_mentioning(short)
                for c in index.files[p].classes
                if any(b.rsplit(".", 1)[-1] == short and (index.resolve(b) or b) == qualified for b in c.bases)
            ]
            assert index.direct_subclasses(qualified) == scanned


def test_linting_the_project_root_from_elsewhere_walks_the_tree_once(tmp_path: Path, monkeypatch) -> None:
    """The linted directory is the project root but the settings' root is the working directory
    (no config there): the walk that found the files to lint is the index's, unless an exclude
    pattern is a path (relative to the settings' root, so the two walks may differ)."""
    root = _copy_project(tmp_path)
    files = project.project_files(root, [], True)
    monkeypatch.setattr(project, "project_files", lambda *a: pytest.fail("walked the tree again"))
    index, found = project.prepare([str(root)], exclude=(".git", "build"), respect_gitignore=True,
                                   cache_dir=None, discovered=(tmp_path, files))
    assert found == root and index is not None and len(index.files) == len(files)
    walked: list[Path] = []
    monkeypatch.setattr(project, "project_files", lambda r, *a: walked.append(r) or files)
    project.prepare([str(root)], exclude=("pkg/extra.py",), respect_gitignore=True, cache_dir=None,
                    discovered=(tmp_path, files))
    assert walked == [root]


# -- namespace subpackages (PEP 420 directories without `__init__.py`) ------------------------------
def _namespace_project(root: Path) -> Path:
    """A regular package `pkg.models` holding the namespace directories `ns/` and `ns/deep/` (no
    `__init__.py`), a top-level `tests/` without one, a non-identifier data folder, and a nested
    project (its own pyproject.toml) inside a namespace directory."""
    files = {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/models/__init__.py": "",
        "pkg/models/base.py": """
            import torch.nn as nn

            class Base(nn.Module):
                pass
        """,
        "pkg/models/ns/cell.py": """
            import torch
            import torch.nn as nn
            from ..base import Base

            class Cell(Base):
                def __init__(self, n):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(n))
        """,
        "pkg/models/ns/deep/block.py": """
            import torch.nn as nn
            from ..cell import Cell

            class sBlock(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.cell = Cell(n)
        """,
        "pkg/models/pretrained.py": """
            import torch

            class Pretrained:
                @classmethod
                def from_pretrained(cls, path):
                    model = cls(4)
                    model.load_state_dict(torch.load(path))
                    return model
        """,
        "pkg/models/net.py": """
            import torch.nn as nn
            from .ns.deep.block import sBlock
            from pkg.models.ns.cell import Cell
            from .pretrained import Pretrained

            class Net(nn.Module, Pretrained):
                def __init__(self, n):
                    super().__init__()
                    self.blocks = nn.ModuleList([sBlock(n) for _ in range(2)])
        """,
        "tests/test_net.py": "from pkg.models.net import Net\n",
        "pkg/models/my-data/thing.py": "X = 1\n",
        "pkg/models/ns/vendored/pyproject.toml": "",
        "pkg/models/ns/vendored/tool.py": "Y = 1\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_namespace_directories_inside_a_package_are_packages(tmp_path: Path) -> None:
    from initlint.engine.runner import package_of

    root = _namespace_project(tmp_path)
    assert package_of(root / "pkg" / "models" / "ns" / "deep") == "pkg.models.ns.deep"
    assert package_of(root / "pkg" / "models" / "ns") == "pkg.models.ns"
    # no regular package above: a script folder keeps bare names; so does an unimportable folder,
    # and a nested project's root (where its own imports start)
    assert package_of(root / "tests") == ""
    assert package_of(root / "pkg" / "models" / "my-data") == ""
    assert package_of(root / "pkg" / "models" / "ns" / "vendored") == ""
    index = project.build_index(root, project.project_files(root, [], True))
    assert sorted(index.by_module) == [
        "pkg", "pkg.models", "pkg.models.base", "pkg.models.net", "pkg.models.ns.cell",
        "pkg.models.ns.deep.block", "pkg.models.pretrained", "test_net", "thing", "tool",
    ]


def test_imports_bases_and_owners_cross_namespace_directories(tmp_path: Path) -> None:
    """Relative and absolute imports into and out of `ns/` resolve, so the base class two folders
    up is found and the cell's only owner chain (sBlock → Net, built by `cls(4)` in a base's
    classmethod followed by a strict load) is followed to the checkpoint load (tirex-ts shape:
    `sLSTMCell` is a class though its name starts lowercase)."""
    root = _namespace_project(tmp_path)
    index = project.build_index(root, project.project_files(root, [], True))
    net = index.by_module["pkg.models.net"].import_map()
    assert net["sBlock"] == "pkg.models.ns.deep.block.sBlock"
    assert net["Cell"] == "pkg.models.ns.cell.Cell"
    assert index.by_module["pkg.models.ns.deep.block"].import_map()["Cell"] == "pkg.models.ns.cell.Cell"
    order, complete = index.mro("pkg.models.ns.cell.Cell")
    assert order == ["pkg.models.ns.cell.Cell", "pkg.models.base.Base", "torch.nn.Module"] and complete
    assert index.is_subclass("pkg.models.net.Net", "pkg.models.pretrained.Pretrained") is Answer.YES
    load = "`model.load_state_dict(...)` (line 8 of pkg.models.pretrained) after `Pretrained.from_pretrained` builds `Net`"
    for built in ("pkg.models.ns.cell.Cell", "pkg.models.ns.deep.block.sBlock", "pkg.models.net.Net"):
        fill = index.checkpoint_fill(built)
        assert fill.always and fill.loads == (load,), (built, fill)


def test_xlstm_style_class_names_are_constructions() -> None:
    """`sLSTMCell(...)` (one lowercase letter before capitals) builds a layer; `toTensor(...)` and
    `build_cell(...)` are function calls."""
    summary = summarize(textwrap.dedent("""
        import torch.nn as nn
        from .cell import sLSTMCell, toTensor, build_cell

        class Layer(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.cell = sLSTMCell(n)
                self.x = toTensor(n)
                self.y = build_cell(n)
    """), "pkg.layer", "pkg", "pkg/layer.py")
    (layer,) = summary.classes
    assert [(b.cls, b.attr) for b in layer.layers] == [("pkg.cell.sLSTMCell", "cell")]


def test_summary_records_matrix_loops_and_module_loop_inits() -> None:
    """`if p.dim() > 1:` loops over `self.parameters()` are matrix inits (not blanket ones); an
    init of `m.<attr>` in a loop over a parameter's `modules()` is kept with its guard."""
    source = textwrap.dedent(
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                for p in self.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
                for q in self.parameters():
                    if len(q.shape) >= 2:
                        q.data.normal_(0, 0.02)
                for r in self.parameters():
                    if r.dim() > 2:
                        nn.init.xavier_uniform_(r)

        def init_model(model):
            for m in model.modules():
                if isinstance(m, nn.Linear):
                    m.weight.data.normal_(0, 0.02)
                nn.init.zeros_(m.bias)
        """
    )
    functions = {f.qualname: f for f in summarize(source, "pkg.net", "pkg").functions}
    init = functions["Net.__init__"]
    assert init.blanket_inits == ()
    assert init.matrix_inits == (7, 10)  # `r.dim() > 2` admits 3-D tensors only: not a matrix init
    assert functions["init_model"].module_loop_inits == (
        ("model", ("weight",), 20, ("torch.nn.Linear",)),
        ("model", ("bias",), 21, ()),
    )


def test_a_re_export_of_a_compiled_module_resolves_to_nothing(tmp_path: Path) -> None:
    """`from .fast_dot import fast_dot` in `utils/__init__.py`, where `fast_dot` is a compiled
    extension (no .py file): each hop once rewrote the name to a longer one
    (`utils.fast_dot.fast_dot.fast_dot...`) and the run never ended (cornac 3.0.1). In a
    subprocess, so a regression fails instead of hanging the suite."""
    (tmp_path / "pyproject.toml").write_text("")
    utils = tmp_path / "pkg" / "utils"
    utils.mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (utils / "__init__.py").write_text("from .fast_dot import fast_dot\n")
    (tmp_path / "pkg" / "model.py").write_text(textwrap.dedent(
        """
        import torch
        from torch import nn
        from .utils import fast_dot

        class Scorer(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.w = nn.Parameter(torch.empty(d, d))
                fast_dot(self.w)
        """
    ))
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from initlint.engine import project
        root = Path({str(tmp_path)!r})
        index = project.build_index(root, project.project_files(root, [], True))
        print(index.resolve("pkg.utils.fast_dot"), index.resolve("pkg.model.fast_dot"))
        """
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["None", "None"], done.stderr
    lint = subprocess.run(
        [sys.executable, "-m", "initlint", "check", str(tmp_path), "--no-cache", "--exit-zero"],
        capture_output=True, text=True, timeout=60,
    )
    assert lint.returncode == 0, lint.stderr


def test_star_import_of_a_missing_module_resolves_to_nothing(tmp_path: Path) -> None:
    """`from .ops import *` where `ops` is no module of the project (a compiled extension, a
    file left out): every name looked up through it grew by `.ops` at each hop
    (`pkg.ops.ops.ops...Decoder`), and deep chains of such packages hit the recursion limit
    (zetascale: linting a 61-line file reported "nested too deeply")."""
    root = tmp_path / "proj"
    (root / "pkg" / "nn").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "pkg" / "__init__.py").write_text("from .ops import *\nfrom .nn import *\n")
    (root / "pkg" / "nn" / "__init__.py").write_text("from .ops import *\nfrom pkg import *\n")
    model = "import torch.nn as nn\nfrom pkg import Decoder\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.dec = Decoder()\n"
    (root / "pkg" / "model.py").write_text(model)
    index = project.build_index(root, project.project_files(root, [], True), None)
    assert index.resolve("pkg.Decoder") is None
    assert index.resolve("pkg.nn.Decoder") is None
    project.activate(index, root)
    try:
        options = LintOptions(rules=tuple(all_rules()))
        result = lint_bytes(model.encode(), str(root / "pkg" / "model.py"), options, "pkg")
    finally:
        project.activate(None)
    assert not result.errors, result.errors


def test_constructions_in_tests_do_not_decide_a_checkpoint_fill(tmp_path: Path) -> None:
    """A model zoo's loader fills every class it is given; the test suite builds the block
    directly with random values, which says nothing about how users get it; and a fill found
    through several owners does not depend on which class was asked first."""
    root = tmp_path / "proj"
    (root / "zoo" / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'zoo'\n")
    for init in ("zoo/__init__.py", "zoo/tests/__init__.py"):
        (root / init).write_text("")
    (root / "zoo" / "blocks.py").write_text(
        "import torch\nimport torch.nn as nn\n\n\n"
        "class Block(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
        "        self.table = nn.Parameter(torch.empty(6, d))\n\n\n"
        "class Stage(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
        "        self.block = Block(d)\n\n\n"
        "class Net(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
        "        self.stage = Stage(d)\n"
    )
    (root / "zoo" / "loader.py").write_text(
        "import torch\n\n\ndef load(model_cls, path, **config):\n"
        "    model = model_cls(**config)\n    model.load_state_dict(torch.load(path))\n    return model\n"
    )
    (root / "zoo" / "tests" / "test_blocks.py").write_text(
        "from zoo.blocks import Block, Stage\n\n\ndef test_block_shapes():\n    Block(8)\n    Stage(8)\n"
    )
    index = project.build_index(root, project.project_files(root, [], True), None)
    assert index.generic_loaders() == ("`load` (line 5 of zoo.loader)",)
    assert index.checkpoint_fill("zoo.blocks.Net").followed
    assert index.checkpoint_fill("zoo.blocks.Block").followed
    fresh = project.build_index(root, project.project_files(root, [], True), None)
    assert fresh.checkpoint_fill("zoo.blocks.Block").followed  # asked first this time


def test_absolute_imports_of_a_bare_root_package_resolve(tmp_path: Path) -> None:
    """A package directory linted on its own (an unpacked wheel's `invokeai/`, no
    `__init__.py`): its modules are named from below it (`backend.layers`), while its code
    imports them absolutely (`from invokeai.backend.layers import Table`)."""
    root = tmp_path / "zoo"
    (root / "backend").mkdir(parents=True)
    (root / "backend" / "__init__.py").write_text("")
    (root / "backend" / "layers.py").write_text(
        "import torch\nimport torch.nn as nn\n\n\nclass Table(nn.Module):\n"
        "    def __init__(self, n):\n        super().__init__()\n        self.t = nn.Parameter(torch.empty(n))\n"
    )
    (root / "backend" / "loader.py").write_text(
        "import accelerate\n\n\ndef load(path):\n    from zoo.backend.layers import Table\n\n"
        "    with accelerate.init_empty_weights():\n        model = Table(4)\n    return model\n"
    )
    index, found = project.prepare([str(root)], exclude=[], respect_gitignore=False, cache_dir=None)
    assert index is not None and str(found) == str(root)
    assert index.resolve("zoo.backend.layers.Table") == "backend.layers.Table"
    assert index.checkpoint_fill("backend.layers.Table").followed
