"""Healthy models pass; each broken model yields exactly the finding that describes it."""

import pytest

import verify_zoo_models as Z
from initlint.verify import verify_model


@pytest.mark.parametrize("name", sorted(Z.HEALTHY))
def test_healthy_model_has_no_error_or_warning(name):
    factory, shape = Z.HEALTHY[name]
    report = verify_model(factory, input_shape=shape, name=name)
    assert report.codes("warning") == [], report.summary()
    assert report.ok
    assert report.propagation is not None and report.propagation["sensitivity"] is not None
    if name in Z.IDIOM_INFO:
        assert report.codes("info") == Z.IDIOM_INFO[name], report.summary()


@pytest.mark.parametrize("name", sorted(Z.BROKEN_WEIGHTS))
def test_broken_weights_yield_exactly_their_finding(name):
    factory, expected = Z.BROKEN_WEIGHTS[name]
    report = verify_model(factory, name=name)
    assert report.codes("info") == sorted(expected), report.summary()
    assert not report.ok


@pytest.mark.parametrize("name", sorted(Z.BROKEN_PROPAGATION))
def test_broken_propagation_yields_exactly_its_findings(name):
    factory, shape, expected = Z.BROKEN_PROPAGATION[name]
    report = verify_model(factory, input_shape=shape, name=name)
    assert report.codes("info") == sorted(expected), report.summary()
    assert not report.ok


def test_zero_init_last_is_reported_as_info_only():
    report = verify_model(Z.TinyResNet, input_shape=(8, 3, 16, 16))
    zero = [f for f in report.findings if f.code == "INV018"]
    assert {f.target for f in zero} == {f"blocks.{i}.bn3.weight" for i in range(4)}
    assert all(f.severity == "info" for f in zero)
    assert report.propagation["dead_layers"], "bn3 outputs are exactly zero at init"


def test_identity_init_is_info():
    report = verify_model(Z.DiracConv, input_shape=(2, 8, 6, 6))
    assert report.codes("info") == ["INV017"], report.summary()
    assert report.ok


def test_weight_checks_alone_miss_depth_problems():
    """Xavier on ReLU looks fine weight by weight; only propagation catches it."""
    factory, shape, _ = Z.BROKEN_PROPAGATION["xavier-on-relu-depth50"]
    assert verify_model(factory).codes("info") == []
    assert verify_model(factory, input_shape=shape).codes("info") == ["INV032"]


def test_findings_carry_measured_numbers():
    report = verify_model(Z.BROKEN_WEIGHTS["std-1"][0])
    (finding,) = report.findings
    assert finding.name == "gain-too-high" and finding.target == "2.weight"
    assert finding.measured["fan_in"] == 64 and finding.measured["gain_in"] == pytest.approx(8.0, rel=0.1)


# What a message must contain to tell the user what to do (one of these per warning/error).
_FIX_WORDS = ("initialize", "init ", "use ", "zero it", "store zeros", "build each", "seed once", "draw ",
              "lower ", "scale", "kaiming", "ones")


@pytest.mark.parametrize("name", sorted(Z.BROKEN_WEIGHTS) + sorted(Z.BROKEN_PROPAGATION))
def test_every_broken_finding_names_cause_and_fix(name):
    if name in Z.BROKEN_WEIGHTS:
        report = verify_model(Z.BROKEN_WEIGHTS[name][0], name=name)
    else:
        factory, shape, _ = Z.BROKEN_PROPAGATION[name]
        report = verify_model(factory, input_shape=shape, name=name)
    for f in report.findings:
        if f.rank >= 1:
            assert ":" in f.message, f.message  # the number, then the cause
            assert any(w in f.message for w in _FIX_WORDS), f"{f.code}: {f.message}"
