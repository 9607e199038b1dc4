"""Regression tests for defects found when the verifier was tried on widely used models (issue 9)."""

import json

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import verify_zoo_models as Z
from initlint.verify import loading, stream, verify_model
from initlint.verify.cli import verify_command
from initlint.verify.findings import Finding
from initlint.verify.report import ModelReport


def test_float64_with_input_shape_runs_propagation():
    """vector_norm(..., dtype=float32) refused float64 tensors: every float64 run failed."""
    report = verify_model(lambda: Z.TinyResNet(zero_init_last=False), input_shape=(4, 3, 8, 8), dtype="float64")
    assert report.info["dtype"] == "float64"
    assert report.propagation is not None and report.propagation["gradient_ratio"] is not None
    assert report.codes("warning") == []


def test_float64_from_the_cli(tmp_path):
    result = CliRunner().invoke(verify_command, ["torch.nn:Linear", "--kwargs", '{"in_features": 8, "out_features": 8}',
                                                 "--dtype", "float64", "--input-shape", "4,8", "--format", "json"])
    assert result.exit_code == 0, result.output
    (model,) = json.loads(result.output)["models"]
    assert model["error"] is None and model["propagation"]["output_rms"] > 0


def test_memory_check_counts_the_fp32_build_not_the_target_dtype(monkeypatch):
    """A model is built in fp32 and cast afterwards: bfloat16 must not halve the estimate."""
    monkeypatch.setattr(loading, "available_memory_bytes", lambda device: 3 * 1000 * 4)
    loading.check_fits("m", 3000, torch.device("cpu"), torch.float32, 0)  # 12,000 bytes: fits exactly
    with pytest.raises(loading.LoadError, match="need"):
        loading.check_fits("m", 4000, torch.device("cpu"), torch.bfloat16, 0)  # 16,000 fp32 bytes at build
    with pytest.raises(loading.LoadError, match="need"):
        loading.check_fits("m", 2000, torch.device("cpu"), torch.float64, 0)  # 16,000 bytes after the cast


class TiedPaddedLM(nn.Module):
    """HF order: every module initialized by one entry point, the head tied afterwards. Replaying the
    head's Linear init on the shared tensor used to re-draw the embedding's zeroed padding row."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(64, 16, padding_idx=1)
        self.mix = nn.Linear(16, 16)
        self.head = nn.Linear(16, 64, bias=False)
        self.init_weights()
        self.head.weight = self.emb.weight

    def init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, std=0.02)
            if isinstance(module, nn.Embedding):
                module.weight.data[module.padding_idx].zero_()

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.head(self.mix(self.emb(idx)))


def test_stream_keeps_the_padding_row_of_a_tied_embedding():
    assert "INV016" not in verify_model(TiedPaddedLM).codes()
    report = stream.verify_streamed(loading.Target("TiedPaddedLM", TiedPaddedLM), block_params=100)
    assert "INV016" not in report.codes(), report.summary()
    row = next(r for r in report.parameters if r["name"] == "emb.weight")
    assert row["aliases"] == ["head.weight"] and row["std"] == pytest.approx(0.02, rel=0.1)


@pytest.mark.parametrize("args,message", [
    (["--stream", "--block-params", "0"], "--block-params"),
    (["--stream", "--block-params", "-5"], "--block-params"),
    (["--max-params", "-1"], "--max-params"),
])
def test_block_and_max_params_are_validated(args, message):
    result = CliRunner().invoke(verify_command, ["torch.nn:Linear", "--kwargs", '{"in_features": 4, "out_features": 4}',
                                                 *args])
    assert result.exit_code == 2
    assert message in result.output and "Invalid value" in result.output


def test_findings_sort_naturally_by_layer_index():
    targets = ["layers.10.w", "layers.2.w", "layers.1.w", "layers.0.w", "head"]
    report = ModelReport(target="m", findings=[Finding.make("INV012", t, "x") for t in targets])
    assert [f.target for f in report.findings] == ["head", "layers.0.w", "layers.1.w", "layers.2.w", "layers.10.w"]
