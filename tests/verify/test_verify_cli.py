"""The `verify` click command: exit codes, JSON shape, errors that do not stop other models."""

import builtins
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint.verify.cli import TORCH_MISSING, verify_command

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def models(tmp_path):
    path = tmp_path / "cli_models.py"
    path.write_text(textwrap.dedent("""
        import torch
        from torch import nn

        class Good(nn.Module):
            def __init__(self, width=16):
                super().__init__()
                self.a = nn.Linear(width, width)
                self.b = nn.Linear(width, 4)
            def forward(self, x):
                return self.b(torch.relu(self.a(x)))

        class Warned(Good):
            def __init__(self):
                super().__init__()
                nn.init.zeros_(self.a.weight)

        class Errored(Good):
            def __init__(self):
                super().__init__()
                self.raw = nn.Parameter(torch.empty(3, 3))

        class NeedsArgs(nn.Module):
            def __init__(self, n):
                super().__init__()
    """))
    return path


def invoke(*args):
    return CliRunner().invoke(verify_command, [str(a) for a in args], catch_exceptions=False)


def test_ok_model_exits_0(models):
    result = invoke(f"{models}:Good", "--kwargs", '{"width": 8}', "--input-shape", "16,8")
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "input sensitivity" in result.output


def test_fail_on_controls_exit_code(models):
    assert invoke(f"{models}:Warned").exit_code == 1
    assert invoke(f"{models}:Warned", "--fail-on", "error").exit_code == 0
    assert invoke(f"{models}:Errored", "--fail-on", "error").exit_code == 1
    assert invoke(f"{models}:Good", "--fail-on", "info").exit_code == 0


def test_json_shape(models):
    result = invoke(f"{models}:Warned", f"{models}:Good", "--format", "json", "--input-shape", "4,16")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert set(doc) == {"version", "fail_on", "ok", "models"} and doc["ok"] is False
    warned, good = doc["models"]
    assert set(warned) == {"target", "ok", "findings", "parameters", "propagation", "skipped", "error", "info"}
    assert warned["ok"] is False and good["ok"] is True
    # the zeroed head is a weight finding, and with an input its consequence shows too
    assert {f["code"] for f in warned["findings"]} == {"INV010", "INV036"}
    finding = next(f for f in warned["findings"] if f["code"] == "INV010")
    assert finding["name"] == "zero-weight-matrix"
    assert finding["severity"] == "warning" and finding["target"] == "a.weight"
    assert good["propagation"]["mode"] == "train" and good["parameters"][0]["name"] == "a.weight"


def test_load_errors_exit_2_and_others_still_run(models):
    result = invoke("no_such_pkg_abc:Net", f"{models}:Good", "--format", "json")
    assert result.exit_code == 2
    bad, good = json.loads(result.output)["models"]
    assert "ModuleNotFoundError" in bad["error"] and good["ok"] is True and good["error"] is None


def test_directory_discovery_lists_skipped(models):
    result = invoke(models.parent, "--format", "json")
    doc = json.loads(result.output)
    by_name = {m["target"].split(":")[-1]: m for m in doc["models"]}
    assert by_name["NeedsArgs"]["skipped"] == "constructor needs arguments: n"
    assert by_name["Good"]["ok"] and not by_name["Errored"]["ok"]
    assert result.exit_code == 1


@pytest.mark.parametrize("args,message", [
    (["--kwargs", "{bad json"], "not valid JSON"),
    (["--kwargs", "[1, 2]"], "must be a JSON object"),
    (["--input-shape", "4,x"], "comma-separated integers"),
    (["--device", "gpu0"], "unknown device 'gpu0'"),
    (["--dtype", "int8"], "unknown floating dtype"),
    (["--stream", "--input-shape", "4,16"], "--input-shape needs the whole model"),
])
def test_usage_errors_exit_2(models, args, message):
    result = CliRunner().invoke(verify_command, [f"{models}:Good", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_cuda_unavailable_is_one_clear_line(models):
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    result = CliRunner().invoke(verify_command, [f"{models}:Good", "--device", "cuda"])
    assert result.exit_code == 2
    assert result.output.strip() == "error: device 'cuda' requested but CUDA is not available on this machine"


def test_forward_failure_is_reported_per_model(models):
    result = invoke(f"{models}:Good", "--input-shape", "4,3")  # wrong feature size
    assert result.exit_code == 2
    assert "forward/backward pass failed: RuntimeError" in result.output


def test_max_params_refuses_before_building(models):
    result = invoke(f"{models}:Good", "--max-params", "100", "--format", "json")
    assert result.exit_code == 2
    (model,) = json.loads(result.output)["models"]
    assert "exceed --max-params 100" in model["error"] and "--stream" in model["error"]


def test_stream_flag_runs_weight_checks(models):
    result = invoke(f"{models}:Errored", "--stream", "--block-params", "100", "--format", "json")
    (model,) = json.loads(result.output)["models"]
    codes = {f["code"] for f in model["findings"]}
    assert codes == {"INV002", "INV090"} and model["info"]["stream"] is True
    assert result.exit_code == 1


def test_missing_torch_prints_one_line(models, monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    result = CliRunner().invoke(verify_command, [f"{models}:Good"])
    assert result.exit_code == 2
    assert result.output.strip() == TORCH_MISSING


def test_cli_module_import_does_not_import_torch():
    code = "import sys, initlint.verify.cli, initlint.verify; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_python_dash_m_entry_point(models):
    proc = subprocess.run([sys.executable, "-m", "initlint.verify", f"{models}:Warned", "--fail-on", "error"],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stderr
    assert "INV010" in proc.stdout


def test_plot_writes_png(models, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "profile.png"
    result = invoke(f"{models}:Good", "--input-shape", "8,16", "--plot", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_indicator_for_big_models(models, monkeypatch):
    import initlint.verify.cli as cli_module

    monkeypatch.setattr(cli_module, "_PROGRESS_MIN_PARAMS", 100)
    result = CliRunner().invoke(verify_command, [f"{models}:Good", "--progress"])
    assert "100.0% of 340 parameters" in result.output
    quiet = CliRunner().invoke(verify_command, [f"{models}:Good", "--no-progress"])
    assert "parameters\n" not in quiet.output.split("==")[0] and "% of" not in quiet.output


def test_text_report_is_worst_first_with_layer_kind_summary():
    import verify_zoo_models as Z
    from initlint.verify import verify_model

    factory, shape, _ = Z.BROKEN_PROPAGATION["std-1-depth20"]
    text = verify_model(factory, input_shape=shape).summary()
    rows = [line for line in text.splitlines() if line.startswith(("error ", "warning ", "info "))]
    assert rows[0].startswith("error") and "INV033" in rows[0]
    more = [r for r in rows if "INV012" in r and " more " in r]
    assert len(more) == 1 and len([r for r in rows if "INV012" in r]) == 4, text  # 3 shown, rest summed
    assert "Linear (matrix)" in text and "median gain_in" in text
    assert "BatchNorm in train mode" in text
