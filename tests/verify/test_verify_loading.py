"""Loading targets, discovery, NaN-filled builds that restore the user's settings, determinism."""

import textwrap

import pytest
import torch
from torch import nn

from initlint.verify import loading
from initlint.verify.loading import LoadError


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "mymodels.py"
    path.write_text(textwrap.dedent("""
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self, width=8):
                super().__init__()
                self.fc = nn.Linear(width, width)
                self.raw = nn.Parameter(torch.empty(width))

            def forward(self, x):
                return self.fc(x) * self.raw

        class NeedsArgs(nn.Module):
            def __init__(self, n_classes):
                super().__init__()

        class Crashes(nn.Module):
            def __init__(self):
                super().__init__()
                raise RuntimeError("boom\\nsecond line")

        def make():
            return Net(4)

        def not_a_model():
            return 3
    """))
    return path


def test_nan_filled_memory_restores_user_settings():
    det = torch.utils.deterministic
    before = (torch.are_deterministic_algorithms_enabled(),
              torch.is_deterministic_algorithms_warn_only_enabled(), det.fill_uninitialized_memory)
    torch.use_deterministic_algorithms(True, warn_only=False)
    det.fill_uninitialized_memory = False
    try:
        with loading.nan_filled_memory():
            assert torch.are_deterministic_algorithms_enabled()
            assert torch.empty(100).isnan().all()
        assert torch.are_deterministic_algorithms_enabled()
        assert not torch.is_deterministic_algorithms_warn_only_enabled()
        assert det.fill_uninitialized_memory is False
    finally:
        torch.use_deterministic_algorithms(before[0], warn_only=before[1])
        det.fill_uninitialized_memory = before[2]


def test_build_proves_uninitialized_parameter(model_file):
    target = loading.resolve(f"{model_file}:Net", {"width": 6})
    model = loading.build(target)
    assert model.raw.isnan().all()
    assert not model.fc.weight.isnan().any()
    assert model.fc.weight.shape == (6, 6)


def test_build_is_seeded_and_leaves_global_rng_alone(model_file):
    target = loading.resolve(f"{model_file}:make")
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    a = loading.build(target, seed=5)
    b = loading.build(target, seed=5)
    assert torch.equal(a.fc.weight, b.fc.weight)
    assert torch.equal(torch.rand(1), expected_next)
    assert not torch.equal(loading.build(target, seed=6).fc.weight, a.fc.weight)


def test_build_under_device_context_places_parameters(model_file):
    model = loading.build(loading.resolve(f"{model_file}:Net"), device=torch.device("meta"), nan_fill=False)
    assert model.fc.weight.is_meta
    cpu = loading.build(loading.resolve(f"{model_file}:Net"), device=loading.parse_device("cpu"),
                        dtype=torch.float64)
    assert cpu.fc.weight.dtype == torch.float64


def test_module_path_target():
    target = loading.resolve("torch.nn:Linear", {"in_features": 3, "out_features": 2})
    assert isinstance(loading.build(target), nn.Linear)


@pytest.mark.parametrize("spec,message", [
    ("no_colon", "expected module.path:Name"),
    ("surely_missing_module_xyz:Net", "import failed: ModuleNotFoundError"),
    ("torch.nn:NoSuchLayer", "has no attribute 'NoSuchLayer'"),
    ("missing/file.py:Net", "no such file"),
])
def test_resolve_errors_are_one_line(spec, message):
    with pytest.raises(LoadError) as info:
        loading.resolve(spec)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_constructor_errors_are_one_line(model_file):
    with pytest.raises(LoadError, match="constructor failed: RuntimeError: boom$"):
        loading.build(loading.resolve(f"{model_file}:Crashes"))
    with pytest.raises(LoadError, match="not a torch.nn.Module"):
        loading.build(loading.resolve(f"{model_file}:not_a_model"))


def test_device_and_dtype_errors():
    with pytest.raises(LoadError, match="unknown device 'gpu0'"):
        loading.parse_device("gpu0")
    with pytest.raises(LoadError, match="unknown floating dtype"):
        loading.parse_dtype("int8")
    if not torch.cuda.is_available():
        with pytest.raises(LoadError, match="CUDA is not available"):
            loading.parse_device("cuda")


def test_discovery_lists_skipped_with_reasons(model_file):
    found = loading.discover(model_file.parent)
    assert [t.label.split(":")[1] for t in found.targets] == ["Crashes", "Net"]
    assert found.skipped == [(f"{model_file}:NeedsArgs", "constructor needs arguments: n_classes")]
    assert found.errors == []


def test_discovery_reports_broken_files_and_goes_on(tmp_path, model_file):
    (tmp_path / "broken.py").write_text("import does_not_exist_anywhere\n")
    found = loading.discover(tmp_path)
    assert len(found.errors) == 1 and "ModuleNotFoundError" in found.errors[0][1]
    assert any(t.label.endswith(":Net") for t in found.targets)


def test_max_params_refusal():
    with pytest.raises(LoadError, match="exceed --max-params 1,000"):
        loading.check_fits("m", 5000, torch.device("cpu"), None, 1000)
    with pytest.raises(LoadError, match="GiB is available"):
        loading.check_fits("m", 10**13, torch.device("cpu"), None, 0)
    target = loading.resolve("torch.nn:Linear", {"in_features": 100, "out_features": 100})
    assert loading.count_parameters_on_meta(target) == 10100


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_build_lands_on_gpu(model_file):
    model = loading.build(loading.resolve(f"{model_file}:Net"), device=loading.parse_device("cuda"))
    assert model.fc.weight.is_cuda and model.raw.isnan().all()


def test_same_file_name_in_two_folders_loads_both(tmp_path):
    for folder, width in (("a", 3), ("b", 5)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "samename.py").write_text(
            "from torch import nn\n"
            f"class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            f"        self.fc = nn.Linear({width}, {width})\n")
    a = loading.build(loading.resolve(f"{tmp_path / 'a' / 'samename.py'}:M"))
    b = loading.build(loading.resolve(f"{tmp_path / 'b' / 'samename.py'}:M"))
    assert (a.fc.in_features, b.fc.in_features) == (3, 5)


def test_discovery_skips_setup_and_hidden_folders(tmp_path, model_file):
    (tmp_path / "setup.py").write_text("raise SystemExit('setup.py must not be imported')\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.py").write_text("raise RuntimeError('hidden folder imported')\n")
    found = loading.discover(tmp_path)
    assert found.errors == [] and any(t.label.endswith(":Net") for t in found.targets)


def test_file_in_a_namespace_folder_imports_with_its_package(tmp_path):
    """`nspkgdemo/models/slstm/` has no `__init__.py` but sits in a package: its file imports as
    `nspkgdemo.models.slstm.cell`, so its relative import of `..base` works."""
    package = tmp_path / "nspkgdemo"
    (package / "models" / "slstm").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models" / "__init__.py").write_text("")
    (package / "models" / "base.py").write_text("WIDTH = 7\n")
    (package / "models" / "slstm" / "cell.py").write_text(
        "from torch import nn\nfrom ..base import WIDTH\n"
        "class sCell(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(WIDTH, WIDTH)\n")
    assert loading._package_root(package / "models" / "slstm" / "cell.py") == (
        tmp_path.resolve(), "nspkgdemo.models.slstm.cell")
    model = loading.build(loading.resolve(f"{package / 'models' / 'slstm' / 'cell.py'}:sCell"))
    assert model.fc.in_features == 7
