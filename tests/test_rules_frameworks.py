"""analysis/frameworks: recognising transformers-style files, and the rules built on it."""

from __future__ import annotations

import textwrap
from typing import Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.frameworks import transformers_facts, wrapper_function
from initlint.analysis.imports import ImportMap
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import rule_by_code_or_name


def _context(code: str, path: str = "example.py", package: Optional[str] = None) -> FileContext:
    source = textwrap.dedent(code)
    module = cst.parse_module(source)
    return FileContext.build(path, source, module, ImportMap.from_module(module, package))


def _lint(code: str, rule: str, *, path: str = "example.py", package: Optional[str] = None, fix: bool = False):
    options = LintOptions(rules=(rule_by_code_or_name(rule),), fix=fix)
    return lint_bytes(textwrap.dedent(code).encode(), path, options, package)


def test_model_classes_follow_bases_defined_in_the_file() -> None:
    facts = transformers_facts(
        _context(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                pass

            class AcmeModel(AcmePreTrainedModel):
                pass

            class AcmeForCausalLM(AcmeModel):
                pass

            class AcmeMLP(nn.Module):
                pass

            class AcmeConfig(PretrainedConfig):
                pass
            """
        )
    )
    assert facts.imports_transformers
    assert facts.model_classes == {"AcmePreTrainedModel", "AcmeModel", "AcmeForCausalLM"}
    assert "AcmeMLP" in facts.module_classes and "AcmeConfig" not in facts.module_classes
    assert facts.is_transformers_modeling_file


def test_a_local_class_named_like_the_base_is_judged_by_its_own_bases() -> None:
    facts = transformers_facts(
        _context(
            """
            import torch.nn as nn

            class MyPreTrainedModel(nn.Module):
                pass

            class Net(MyPreTrainedModel):
                pass
            """
        )
    )
    assert facts.model_classes == set()
    assert facts.module_classes == {"MyPreTrainedModel", "Net"}


def test_wrapper_module_is_found_absolute_relative_and_by_function() -> None:
    relative = transformers_facts(_context("import torch\nfrom ... import initialization as init\n"))
    assert relative.wrapper_module_alias == "init" and relative.imports_transformers
    absolute = transformers_facts(_context("import torch\nimport transformers.initialization as hf_init\n"))
    assert absolute.wrapper_module_alias == "hf_init"
    named = _context("import torch\nfrom transformers.initialization import normal_\nnormal_(w)\n")
    assert transformers_facts(named).wrapper_functions == {"normal_": "normal_"}
    call = named.module.body[-1].body[0].value
    assert wrapper_function(call.func, named) == "normal_"
    plain = transformers_facts(_context("import torch\nfrom torch.nn import init\n"))
    assert not plain.uses_init_wrapper and not plain.imports_transformers


def test_modeling_file_name_counts_only_with_a_transformers_import() -> None:
    code = "import torch\nfrom torch import nn\nclass Block(nn.Module):\n    pass\n"
    assert not transformers_facts(_context(code, "pkg/modeling_acme.py")).is_transformers_modeling_file
    code = "import torch\nfrom ...activations import ACT2FN\nfrom ...modeling_utils import X\n" + code[13:]
    assert transformers_facts(_context(code, "pkg/modeling_acme.py")).is_transformers_modeling_file


def test_direct_torch_init_same_result_when_the_relative_import_resolves() -> None:
    """Inside the transformers tree the package is known and `init` resolves to torch.nn.init
    through ImportMap's equivalents; the rule must still tell the wrapper from torch itself."""
    code = """
        import torch
        from torch import nn
        from ... import initialization as init

        class AcmePreTrainedModel(PreTrainedModel):
            def _init_weights(self, module):
                init.normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)
        """
    for package in (None, "transformers.models.acme"):
        result = _lint(code, "INI302", package=package)
        assert [(d.location.row, d.severity.value) for d in result.diagnostics] == [(9, "info")]


def test_init_in_constructor_ignores_helper_modules_outside_modeling_files() -> None:
    code = """
        import torch
        from torch import nn
        from transformers.activations import ACT2FN

        class Adapter(nn.Module):
            def __init__(self):
                super().__init__()
                self.up = nn.Linear(4, 4)
                nn.init.zeros_(self.up.weight)
        """
    assert _lint(code, "INI303").diagnostics == []
    flagged = _lint(code, "INI303", path="models/acme/modeling_acme.py")
    assert [d.code for d in flagged.diagnostics] == ["INI303"]


def test_parametrized_weight_tracks_loops_and_removal() -> None:
    code = """
        import torch.nn as nn
        from torch.nn.utils import weight_norm, remove_weight_norm

        def build(layers):
            for conv in layers:
                weight_norm(conv)
                nn.init.normal_(conv.weight)
            head = weight_norm(nn.Linear(4, 4))
            remove_weight_norm(head)
            nn.init.normal_(head.weight)
        """
    result = _lint(code, "INI005")
    assert [d.location.row for d in result.diagnostics] == [8]
