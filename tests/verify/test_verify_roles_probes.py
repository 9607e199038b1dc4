"""Functional norm probes, idioms reported as info, cloned layers, --reinit and library targets."""

import json
import sys
import textwrap

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import verify_zoo_models as Z
from initlint.verify import loading, probes, verify_model
from initlint.verify.cli import verify_command


class BatchNormAct2d(nn.BatchNorm2d):
    """timm-style norm + activation in one module: the probe must see the normalization only."""

    def __init__(self, c: int) -> None:
        super().__init__(c)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(super().forward(x))


class LayerNorm2d(nn.LayerNorm):
    """Channels-first LayerNorm (ConvNeXt): rejects a channels-last input."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4:
            raise ValueError("expects N, C, H, W")
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


@pytest.mark.parametrize("module,gain", [
    (nn.LayerNorm(32), 1.0),
    (nn.RMSNorm(32), 1.0),
    (nn.GroupNorm(4, 32), 1.0),
    (nn.BatchNorm2d(16), 1.0),
    (BatchNormAct2d(16), 1.0),
    (Z.GemmaRMSNorm(32, stored=0.0), 1.0),
    (Z.GemmaRMSNorm(32, stored=1.0), 2.0),
])
def test_probe_measures_effective_gain(module, gain):
    probe = probes.probe_norm(module)
    assert probe is not None and probe.normalizes
    assert probe.gain == pytest.approx(gain, abs=0.01) and probe.offset == pytest.approx(0.0, abs=1e-6)


def test_probe_finds_the_layout_and_measures_offset_and_spread():
    ln2d = LayerNorm2d(8)
    with torch.no_grad():
        ln2d.bias.fill_(0.7)
    probe = probes.probe_norm(ln2d)
    assert probe.input_shape[1] == 8 and probe.offset == pytest.approx(0.7, rel=1e-3)
    uniform = nn.LayerNorm(256)
    with torch.no_grad():
        uniform.weight.uniform_(0, 1)  # rms of U(0,1) is 1/sqrt(3)
    assert probes.probe_norm(uniform).gain == pytest.approx(0.577, abs=0.03)


def test_probe_leaves_running_statistics_alone():
    bn = nn.BatchNorm2d(4)
    probes.probe_norm(bn)
    assert torch.equal(bn.running_mean, torch.zeros(4)) and int(bn.num_batches_tracked) == 0


def test_gemma_norm_messages_name_cause_and_fix():
    report = verify_model(lambda: Z.TinyGemma(stored=1.0))
    finding = next(f for f in report.findings if f.code == "INV015")
    assert "gain 2" in finding.message and "(1 + w)" in finding.message and "store zeros" in finding.message
    assert verify_model(Z.TinyGemma).codes("info") == []


def test_dcgan_style_batchnorm_n1_002_passes():
    """BatchNorm weights N(1, 0.02) (DCGAN's init) have gain ~1.0002: not 'not ones'."""
    def build():
        model = Z.TinyResNet(zero_init_last=False)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                nn.init.normal_(m.weight, 1.0, 0.02)
        return model
    assert verify_model(build).codes("warning") == []


def test_zero_init_head_measures_sensitivity_on_the_features():
    report = verify_model(Z.zero_head_mixer, input_shape=(64, 32))
    assert report.codes("info") == ["INV019"]
    assert report.propagation["sensitivity"] > 0.1 and report.propagation["output_rms"] > 0


def test_cloned_layers_are_one_finding_with_the_fix():
    report = verify_model(Z.ClonedStack)
    (finding,) = report.findings
    assert finding.code == "INV007" and finding.target == "encoder.layers"
    assert finding.measured["layers"] == ["0", "1", "2"]
    assert "deep-copied" in finding.message and "inside the loop" in finding.message


def test_seed_reset_is_still_a_duplicate_not_a_clone():
    assert verify_model(Z.TwinLayers).codes() == ["INV006"]


def test_reinit_proves_a_non_idempotent_init_and_names_the_entry_point():
    report = verify_model(Z.RescalingInit)
    (finding,) = report.findings
    assert finding.code == "INV040" and finding.measured["entry_point"] == "init_weights()"
    assert "x0.5" in finding.message and len(finding.measured["changed"]) == 3
    assert verify_model(Z.RescalingInit, reinit=False).codes() == []


def test_reinit_of_an_idempotent_entry_point_is_quiet():
    from test_verify_stream_propagation import InitEntryGPT

    report = verify_model(InitEntryGPT, reinit=True)
    assert report.codes() == [] and report.info["reinit_entry_point"] == "init_weights()"


def test_reinit_leaves_a_prebuilt_model_alone():
    model = Z.RescalingInit()
    before = model.layers[0].weight.detach().clone()
    assert verify_model(model).codes() == []  # not built here: no reinit unless asked
    assert verify_model(model, reinit=True).codes() == ["INV040"]
    assert torch.equal(model.layers[0].weight, before)


def test_edits_after_the_entry_point_are_not_called_non_idempotent():
    """A value set after init_weights() ran changes once on a re-run, then stays: no INV040."""
    class EditedAfterInit(Z.RescalingInit):
        def init_weights(self) -> None:
            for layer in self.layers:
                nn.init.normal_(layer.weight, std=0.02)

        def __init__(self) -> None:
            super().__init__()
            nn.init.normal_(self.layers[0].weight, std=0.05)

    assert "INV040" not in verify_model(EditedAfterInit, reinit=True).codes()


def test_reinit_cli_with_a_named_method(tmp_path):
    path = tmp_path / "reinit_models.py"
    path.write_text(textwrap.dedent("""
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(32, 32)
                self.rescale()

            def rescale(self):
                self.fc.weight.data.mul_(2.0)
    """))
    runner = CliRunner()
    plain = runner.invoke(verify_command, [f"{path}:Net", "--format", "json"])
    assert plain.exit_code == 0, plain.output  # no entry point it knows
    named = runner.invoke(verify_command, [f"{path}:Net", "--init-method", "rescale", "--format", "json"])
    assert named.exit_code == 1
    (model,) = json.loads(named.output)["models"]
    assert [f["code"] for f in model["findings"]] == ["INV040"]
    off = runner.invoke(verify_command, [f"{path}:Net", "--init-method", "rescale", "--no-reinit"])
    assert off.exit_code == 0


def test_library_targets_name_the_extra_to_install(monkeypatch):
    for name in ("transformers", "timm", "torchvision"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    result = CliRunner().invoke(verify_command, ["hf:BertModel", "timm:resnet18", "torchvision:resnet18"])
    assert result.exit_code == 2
    assert "needs transformers" in result.output and "pip install 'initlint[hf]'" in result.output
    assert "pip install 'initlint[timm]'" in result.output and "pip install 'initlint[torchvision]'" in result.output


def test_hf_target_builds_from_config(tmp_path, monkeypatch):
    """A stand-in transformers module: hf:<Class> builds cls(cls.config_class(**config))."""
    (tmp_path / "transformers.py").write_text(textwrap.dedent("""
        from torch import nn

        class TinyConfig:
            def __init__(self, hidden_size=8, vocab_size=10):
                self.hidden_size, self.vocab_size = hidden_size, vocab_size

        class TinyModel(nn.Module):
            config_class = TinyConfig
            def __init__(self, config):
                super().__init__()
                self.emb = nn.Embedding(config.vocab_size, config.hidden_size)
                self.head = nn.Linear(config.hidden_size, config.vocab_size)
                nn.init.normal_(self.emb.weight, std=0.02)
            def forward(self, ids):
                return self.head(self.emb(ids))
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "transformers", raising=False)
    target = loading.resolve("hf:TinyModel", {}, {"hidden_size": 24})
    model = loading.build(target)
    assert model.emb.weight.shape == (10, 24)
    result = CliRunner().invoke(verify_command, ["hf:TinyModel", "--config", '{"hidden_size": 16}',
                                                 "--input-shape", "2,5", "--format", "json"])
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(verify_command, ["hf:NoSuchModel"])
    assert bad.exit_code == 2 and "no model class 'NoSuchModel'" in bad.output


def test_config_only_applies_to_hf_targets():
    result = CliRunner().invoke(verify_command, ["torch.nn:Linear", "--config", '{"a": 1}'])
    assert result.exit_code == 2 and "--config applies to hf:" in result.output
