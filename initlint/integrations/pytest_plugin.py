"""pytest plugin: verify your models' initialization during your test run.

    pytest --initlint-verify mypkg.models:Net --initlint-verify-input-shape 8,3,32,32

adds one test per target (`initlint-verify[mypkg.models:Net]`) whose failure message is the
verifier's report. In a test, the `initlint_verify` fixture checks a model you build yourself:

    def test_init(initlint_verify):
        initlint_verify(Net(), input=torch.randn(4, 3, 32, 32))

pytest loads this module in every run of an environment where initlint is installed, so it
imports nothing but pytest and the standard library: torch is imported only when a
verification actually runs, and a missing torch fails only those tests, with one clear line.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

TORCH_MISSING = "initlint verify needs PyTorch: pip install 'initlint[verify]'"
_SEVERITIES = ("error", "warning", "info")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("initlint", "initlint: verify model initialization")
    group.addoption(
        "--initlint-verify", action="append", default=[], metavar="TARGET",
        help="Verify a model's initialization as a test: module.path:Name or file.py:Name (a class "
        "or zero-argument factory), or a file/directory (every model built without arguments). "
        "Repeatable.",
    )
    group.addoption(
        "--initlint-verify-input-shape", default=None, metavar="N,C,H,W",
        help="Also check signal propagation on a random input of this shape.",
    )
    group.addoption(
        "--initlint-verify-fail-on", default=None, choices=_SEVERITIES,
        help="Lowest finding severity that fails the test (default: warning).",
    )
    parser.addini("initlint_verify", type="linelist", default=[],
                  help="Targets verified in every run, as with --initlint-verify.")
    parser.addini("initlint_verify_fail_on", default="warning",
                  help="Lowest finding severity that fails a verification test.")


def _fail_on(config: pytest.Config) -> str:
    value = config.getoption("--initlint-verify-fail-on") or config.getini("initlint_verify_fail_on")
    if value not in _SEVERITIES:
        raise pytest.UsageError(f"initlint_verify_fail_on: expected one of {', '.join(_SEVERITIES)}")
    return str(value)


def _shape(config: pytest.Config) -> Optional[tuple[int, ...]]:
    value = config.getoption("--initlint-verify-input-shape")
    if value is None:
        return None
    try:
        shape = tuple(int(part) for part in value.split(","))
    except ValueError:
        shape = ()
    if not shape or any(size <= 0 for size in shape):
        raise pytest.UsageError(f"--initlint-verify-input-shape {value!r}: expected sizes like 8,3,32,32")
    return shape


class VerificationFailed(Exception):
    """The verifier's report, shown as the test's failure message."""


def _import_torch() -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        return
    pytest.fail(TORCH_MISSING, pytrace=False)  # outside `except`: one line, no chained traceback


class _NoProgress:
    def __call__(self, done: int, total: int) -> None:
        pass

    def close(self) -> None:
        pass


class VerifyItem(pytest.Item):
    """One `--initlint-verify` target."""

    def __init__(self, *, spec: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.add_marker("initlint_verify")

    def runtest(self) -> None:
        _import_torch()
        from initlint.verify import runner

        fail_on = _fail_on(self.config)
        run = runner.run_targets(
            [self.spec], kwargs={}, shape=_shape(self.config), mode="train",
            device=runner.loading.parse_device("cpu"), dtype=None, seed=0, fail_on=fail_on,
            max_params=2_000_000_000, stream=False, block_params=50_000_000,
            progress_factory=lambda label: _NoProgress(),
        )
        if not run.ok:
            raise VerificationFailed("\n\n".join(m.summary() for m in run.models if not m.ok))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, VerificationFailed):
            return f"initlint verify {self.spec}: initialization check failed\n\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[str, Optional[int], str]:
        return self.spec, None, f"initlint-verify[{self.spec}]"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "initlint_verify: a model initialization check added by initlint's plugin"
    )


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    specs = list(config.getini("initlint_verify")) + list(config.getoption("--initlint-verify"))
    for spec in dict.fromkeys(specs):
        items.append(VerifyItem.from_parent(session, name=f"initlint-verify[{spec}]", spec=spec))


@pytest.fixture
def initlint_verify(pytestconfig: pytest.Config) -> Callable[..., Any]:
    """Verify a model (an nn.Module, a class or a zero-argument factory); fails the test with the
    verifier's report. Keyword arguments go to `initlint.verify.verify_model` (input,
    input_shape, mode, seed, fail_on ...). Returns the report."""

    def check(model: Any, **kwargs: Any) -> Any:
        _import_torch()
        from initlint.verify import verify_model

        kwargs.setdefault("fail_on", _fail_on(pytestconfig))
        report = verify_model(model, **kwargs)
        if not report.ok:
            pytest.fail(f"initlint verify: initialization check failed\n\n{report.summary()}",
                        pytrace=False)
        return report

    return check
