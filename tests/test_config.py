"""`[tool.initlint]`: select, ignore, per-file-ignores, severity, excludes; CLI wins; errors exit 2."""

from __future__ import annotations

from conftest import RISKY

ZERO = (
    "import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n"
    "        super().__init__()\n        self.fc = nn.Linear(2, 2)\n"
    "        nn.init.zeros_(self.fc.weight)\n"
)


def test_ignore_from_pyproject(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nignore = ["INI201"]\n')
    write("model.py", RISKY)
    assert run("model.py").exit_code == 0


def test_cli_select_overrides_config(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nselect = ["INI1"]\n')
    write("model.py", RISKY)
    assert run("model.py").exit_code == 0
    assert run("model.py", "--select", "INI2").exit_code == 1


def test_config_found_from_a_subdirectory(run, write, tmp_path, monkeypatch) -> None:
    write("pyproject.toml", '[tool.initlint]\nignore = ["type-comparison-in-init"]\n')
    write("src/model.py", RISKY)
    monkeypatch.chdir(tmp_path / "src")
    assert run("model.py").exit_code == 0


def test_per_file_ignores(run, write) -> None:
    write("pyproject.toml", '[tool.initlint.per-file-ignores]\n"tests/*" = ["INI2"]\n')
    write("tests/test_model.py", RISKY)
    write("src/model.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert "src/model.py:5:8: INI201" in result.stdout
    assert "tests/" not in result.stdout


def test_severity_override(run, write) -> None:
    write("pyproject.toml", '[tool.initlint.severity]\nINI201 = "info"\n"constant-weight-init" = "error"\n')
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "json")
    assert '"severity": "info"' in result.stdout
    assert result.exit_code == 0  # info does not fail by default
    write("zero.py", ZERO)
    assert '"severity": "error"' in run("zero.py", "--output-format", "json").stdout


def test_fail_on_from_config(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nfail-on = "error"\n')
    write("model.py", RISKY)
    assert run("model.py").exit_code == 0


def test_explicit_config_file(run, write) -> None:
    write("initlint.toml", 'ignore = ["INI201"]\n')
    write("model.py", RISKY)
    assert run("model.py", "--config", "initlint.toml").exit_code == 0


def test_exclude_and_extend_exclude(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nextend-exclude = ["generated"]\n')
    write("generated/model.py", RISKY)
    write("build/model.py", RISKY)  # excluded by default
    write("src/model.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert [l.split(":")[0] for l in result.stdout.splitlines() if ":5:8:" in l] == ["src/model.py"]


def _one_error(result) -> str:
    lines = [l for l in result.stderr.splitlines() if l]
    assert result.exit_code == 2 and len(lines) == 1, result.stderr
    return lines[0]


def test_unknown_option(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nselcet = ["INI1"]\n')
    write("model.py", RISKY)
    assert "unknown option `selcet`" in _one_error(run("model.py"))


def test_wrong_type(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nselect = "INI1"\n')
    write("model.py", RISKY)
    assert "`select` must be a list of strings" in _one_error(run("model.py"))


def test_bad_severity_value(run, write) -> None:
    write("pyproject.toml", '[tool.initlint.severity]\nINI201 = "fatal"\n')
    write("model.py", RISKY)
    assert "unknown severity 'fatal'" in _one_error(run("model.py"))


def test_unknown_rule_in_config(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\nignore = ["INI999"]\n')
    write("model.py", RISKY)
    assert "unknown rule selector 'INI999'" in _one_error(run("model.py"))


def test_missing_explicit_config(run, write) -> None:
    write("model.py", RISKY)
    assert "config file not found" in _one_error(run("model.py", "--config", "nope.toml"))


def test_init_modules_declares_a_torch_init_equivalent(run, write) -> None:
    write("pyproject.toml", '[tool.initlint]\ninit-modules = ["mylib.initializers"]\n')
    write(
        "model.py",
        "import torch.nn as nn\nfrom mylib import initializers as I\n\n"
        "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(2, 2)\n        I.zeros_(self.fc.weight)\n",
    )
    assert "INI101" in run("model.py").stdout
    write("pyproject.toml", "[tool.initlint]\n")
    assert "INI101" not in run("model.py").stdout


def test_init_module_wrappers_own_definitions_are_not_flagged(run, write) -> None:
    wrapper = (
        "import torch\n\ndef zeros_(tensor):\n    if not getattr(tensor, '_is_hf_initialized', False):\n"
        "        return torch.nn.init.zeros_(tensor)\n    return tensor\n\n"
        "def init_everything(m):\n    if type(m) == torch.nn.Linear:\n        zeros_(m.weight)\n"
    )
    write("mylib/__init__.py", "")
    write("mylib/initializers.py", wrapper)
    write("other/__init__.py", "")
    write("other/initializers.py", wrapper)
    write("pyproject.toml", '[tool.initlint]\ninit-modules = ["mylib.initializers"]\n')
    result = run(".", "--output-format", "concise")
    assert "mylib/initializers.py" not in result.stdout
    assert "other/initializers.py:9:8: INI201" in result.stdout


def test_top_level_tool_that_is_not_a_table(run, write) -> None:
    """`tool = "x"` / `tool = 5` used to raise AttributeError with a traceback."""
    write("model.py", RISKY)
    for value in ('"x"', "5"):
        write("initlint.toml", f"tool = {value}\n")
        assert "`tool` must be a table" in _one_error(run("model.py", "--config", "initlint.toml"))
        write("pyproject.toml", f"tool = {value}\n")
        assert "`tool` must be a table" in _one_error(run("model.py", "--config", "pyproject.toml"))


def test_tool_initlint_that_is_not_a_table(run, write) -> None:
    write("model.py", RISKY)
    write("initlint.toml", '[tool]\ninitlint = "on"\n')
    assert "`tool.initlint` must be a table" in _one_error(run("model.py", "--config", "initlint.toml"))


def test_found_pyproject_with_a_non_table_tool_is_not_ours(run, write) -> None:
    """Discovery only picks a pyproject.toml that configures initlint; `tool = 5` does not."""
    write("pyproject.toml", "tool = 5\n")
    write("model.py", RISKY)
    result = run("model.py")
    assert result.exit_code == 1 and result.stderr == ""


def test_found_pyproject_that_is_not_utf8_is_an_error_not_ignored(run, write) -> None:
    """It was silently skipped (defaults applied) although `--config` on it gave a clear error."""
    write("pyproject.toml", b'[tool.initlint]\nignore = ["INI201"]\n# caf\xe9\n')
    write("model.py", RISKY)
    found = _one_error(run("model.py"))
    explicit = _one_error(run("model.py", "--config", "pyproject.toml"))
    message = "pyproject.toml: config file is not valid UTF-8 (byte 0xe9 on line 3)"
    assert found.endswith(message) and explicit.endswith(message)


def test_found_pyproject_with_invalid_toml_in_tool_initlint_is_an_error(run, write) -> None:
    write("pyproject.toml", "[tool.initlint]\nselect = [\n")
    write("model.py", RISKY)
    assert "invalid TOML" in _one_error(run("model.py"))


def test_pyproject_that_only_mentions_initlint_elsewhere_is_not_ours(run, write) -> None:
    """A dependency list naming initlint does not make the file initlint's configuration."""
    write("pyproject.toml", '[project]\nname = "x"\ndependencies = ["initlint"]\n')
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "concise")
    assert result.exit_code == 1 and result.stderr == ""
    assert "model.py:5:8: INI201" in result.stdout


def test_dotted_key_configuration_is_found(run, write) -> None:
    write("pyproject.toml", '[tool]\ninitlint.ignore = ["INI201"]\n')
    write("model.py", RISKY)
    assert run("model.py").exit_code == 0
