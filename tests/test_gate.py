"""The word gate (`analysis/gate.py`, each rule's `may_report`): it must never keep a rule from
a file where the rule reports, and it should keep libcst away from files no rule can report in."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from initlint.analysis.gate import FileWords
from initlint.analysis.library import KNOWN_INIT_MODULE_EQUIVALENTS
from initlint.engine import linter, parsing
from initlint.engine.linter import LintOptions, _FileLinter, lint_bytes
from initlint.rules.base import Rule
from initlint.rules.registry import all_rules


def _words(code: str, package: str | None = None, modules=KNOWN_INIT_MODULE_EQUIVALENTS) -> FileWords:
    return FileWords(textwrap.dedent(code), package, modules)


def _examples() -> list:
    params = []
    for rule in all_rules():
        for kind in ("INVALID", "VALID"):
            for index, case in enumerate(getattr(rule, kind)):
                params.append(pytest.param(rule, kind, textwrap.dedent(case.code), id=f"{rule.code}-{kind}-{index}"))
    return params


@pytest.mark.parametrize(("rule", "kind", "code"), [p for p in _examples() if p.values[1] == "INVALID"])
def test_every_invalid_example_passes_its_rules_gate(rule: type[Rule], kind: str, code: str) -> None:
    """The example is where the rule reports: its gate must let it run there."""
    assert rule.may_report(_words(code)), f"{rule.code}'s gate skips its own INVALID example"
    assert rule in _FileLinter("example.py", LintOptions(rules=all_rules()), None).rules_for(code)


def _without_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    for rule in all_rules():
        monkeypatch.setattr(rule, "may_report", classmethod(lambda cls, words: True))


def _findings(code: str) -> list[tuple]:
    result = lint_bytes(code.encode(), "example.py", LintOptions(rules=all_rules()))
    return [(d.code, d.location, d.end_location, d.severity, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(("rule", "kind", "code"), _examples())
def test_the_gate_changes_no_finding_of_any_rule_on_any_example(
    rule: type[Rule], kind: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every example of every rule, linted with all rules: the same findings with the gate and
    with every rule run (an example written for one rule is a case for the others' gates too)."""
    gated = _findings(code)
    _without_gate(monkeypatch)
    assert gated == _findings(code)


_NOT_MODEL_CODE = [
    # a tokenizer: torch for tensors, classes with __init__, no init code
    """
    import torch

    class Tokenizer:
        def __init__(self, vocab):
            self.vocab = vocab
            self.size = len(vocab) + 1

        def encode(self, text):
            return torch.tensor([self.vocab[t] for t in text.split()])
    """,
    # a training step
    """
    import torch

    def train_step(model, batch, optimizer):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(batch["x"]), batch["y"])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()
    """,
    # a data pipeline whose text holds trigger strings ("bias", "normal") inside other words
    """
    import torch

    def collate(samples):
        '''Stack samples; the unbiased mean of a batch normalizes it later.'''
        return torch.stack(samples)
    """,
]


@pytest.mark.parametrize("code", _NOT_MODEL_CODE)
def test_files_no_rule_can_report_in_are_not_parsed(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code = textwrap.dedent(code)
    file_linter = _FileLinter("example.py", LintOptions(rules=all_rules()), None)
    assert file_linter.rules_for(code) == []

    def refuse(*args, **kwargs):
        raise AssertionError("a file no rule can report in was parsed")

    monkeypatch.setattr(parsing, "parse_module", refuse)
    assert lint_bytes(code.encode(), "example.py", LintOptions(rules=all_rules())).diagnostics == []
    _without_gate(monkeypatch)
    assert linter._FileLinter("example.py", LintOptions(rules=all_rules()), None).rules_for(code)


def test_model_code_keeps_the_rules_that_apply_and_drops_the_others() -> None:
    code = textwrap.dedent(
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                nn.init.kaiming_normal_(self.fc.weight)
        """
    )
    kept = {rule.code for rule in _FileLinter("m.py", LintOptions(rules=all_rules()), None).rules_for(code)}
    assert {"INI104", "INI106"} <= kept  # a kaiming call on a `.weight`
    # no Parameter, copy, old name, `_init_weights`; no init-named function, `apply` or loop
    assert not {"INI001", "INI004", "INI108", "INI109", "INI203", "INI302"} & kept


# -- the words --------------------------------------------------------------------------------
def test_words_are_identifiers_split_at_ascii_punctuation_and_whitespace() -> None:
    words = _words("y = nn.init.normal_(self.fc.weight, std=0.02)  # é_poids\nx=a[b]+c").words
    assert {"y", "nn", "init", "normal_", "self", "fc", "weight", "std", "0", "02", "é_poids", "x", "a", "b", "c"} <= words
    assert not any(set(word) & set(".()[]=+#,") for word in words)


def test_an_aliased_init_function_keeps_its_real_name_in_the_import() -> None:
    words = _words(
        """
        from torch.nn.init import kaiming_normal_ as kn
        kn(self.fc.weight)
        """
    )
    assert words.init_call({"kaiming_normal_"})


def test_tensor_methods_count_for_their_init_twins() -> None:
    words = _words("self.fc.weight.data.zero_()")  # no init module imported
    assert words.init_call({"zeros_"}) and not words.init_call({"ones_"})
    assert _words("w.normal_(0, 1)").draw_call()


def test_init_functions_need_an_init_module_word() -> None:
    assert not _words("def ones_(t):\n    return t\nones_(w)").init_call({"ones_"})  # a local helper
    assert _words("from transformers import initialization as I\nI.ones_(w)").init_call({"ones_"})


def test_a_configured_init_module_counts_by_its_last_part() -> None:
    code = "import mypkg.inits as I\nI.kaiming_normal_(w)"
    assert not _words(code, modules=()).init_call({"kaiming_normal_"})
    assert _words(code, modules=("mypkg.inits",)).init_call({"kaiming_normal_"})


def test_the_package_counts_for_relative_imports_inside_an_init_module() -> None:
    """`from . import normal_` in a file of the package `mypkg.inits` (itself the init module):
    no word of the text names it, the package does."""
    code = "from . import normal_\nnormal_(w)"
    assert not _words(code, modules=("mypkg.inits",)).init_module()
    assert _words(code, package="mypkg.inits", modules=("mypkg.inits",)).init_call({"normal_"})


def test_draws_with_extra_trailing_underscores_still_count() -> None:
    assert _words("from torch.nn import init\ninit.normal__(w)").draw_call()
    assert not _words("from torch.nn import init\ninit.ones_(w)").draw_call()


def test_init_named_definitions_and_calls() -> None:
    assert _words("def _init_weights(self, m): pass").init_named_def()
    assert _words("async def \\\n  reset_parameters(self): pass").init_named_def()
    assert not _words("def __init__(self, initializer_range=0.02): pass").init_named_def()
    assert _words("self.post_init()").init_named_call()
    assert _words("(self.init_weights  # again\n ())").init_named_call()
    assert not _words("x = self.initializer_range").init_named_call()
    assert _words("model.apply(fn)").init_context()
    assert not _words('"""Apply the transform."""\ndef apply_rotary(x): pass').init_context()
    assert not _words("for m in self.modules():\n    m.eval()").init_context()
    assert _words("for m in self.modules():\n    m.weight.data.zero_()").init_context()


def test_library_helpers_count_for_their_twins() -> None:
    """PyG's `glorot(w)` is an `init_call` of `xavier_uniform_` (analysis/library.py)."""
    words = _words("from torch_geometric.nn.inits import glorot, normal\nglorot(self.weight)")
    assert words.init_call({"xavier_uniform_"}) and words.any_init_call() and words.draw_call()
    assert not _words("from torch_geometric.nn.inits import reset\nreset(self.lin)").init_call({"xavier_uniform_"})


def test_a_banner_of_hashes_after_an_init_word_is_read_in_linear_time() -> None:
    """A comment runs to its line's end: `# general helper for init` over a `#####` banner once
    made the callee search split the banner into comments in 2**n ways (di-engine's gfootball
    bot hung the run). In a subprocess, so a regression fails instead of hanging the suite."""
    banner = "#" * 64
    source = (
        f"class Bot:\n    # helper for init\n    {banner}\n    def run(self):\n        pass\n"
        f"    # init\n    {banner}"
    )
    script = (
        "import sys; from initlint.analysis.gate import FileWords\n"
        f"w = FileWords({source!r})\n"
        "print(w.init_named_call(), w.calls('init'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
    assert _words("self.init_weights  # a # b\n  # c\n  ()").init_named_call()
