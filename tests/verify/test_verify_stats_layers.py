"""Fast statistics agree with exact fp64 reductions; fans follow each layer's real layout."""

import math

import pytest
import torch
from torch import nn

import verify_zoo_models as Z
from initlint.verify import layers as L
from initlint.verify import thresholds as T
from initlint.verify.stats import tensor_stats, tensor_stats_batch


@pytest.mark.parametrize("shape,dtype", [((7,), torch.float32), ((300, 200), torch.float32),
                                         ((2_300_000,), torch.float32), ((64, 64), torch.float16),
                                         ((128, 32, 3, 3), torch.bfloat16), ((50, 40), torch.float64)])
def test_stats_match_fp64_reference(shape, dtype):
    g = torch.Generator().manual_seed(0)
    t = (torch.randn(shape, generator=g) * 0.37 + 0.05).to(dtype)
    st = tensor_stats(t)
    ref = t.double().reshape(-1)
    assert st.numel == ref.numel()
    assert st.mean == pytest.approx(float(ref.mean()), rel=1e-5, abs=1e-7)
    assert st.std == pytest.approx(float(ref.std(unbiased=False)), rel=1e-5)
    assert st.finite


def test_multi_chunk_tensor_uses_fp64_accumulation():
    n = T.CHUNK_ELEMENTS * 3 + 17
    t = torch.randn(n, generator=torch.Generator().manual_seed(1)) * 0.02 + 0.002
    st = tensor_stats(t)
    ref = t.double()
    assert st.mean == pytest.approx(float(ref.mean()), rel=1e-6)
    assert st.std == pytest.approx(float(ref.std(unbiased=False)), rel=2e-5)  # measured 4e-6


def test_batch_equals_single():
    tensors = [torch.randn(10, 10), torch.zeros(5), torch.ones(3, 3) * 2, torch.empty(0)]
    batch = tensor_stats_batch(tensors)
    for t, st in zip(tensors, batch):
        single = tensor_stats(t)
        assert (st.mean, st.std, st.zero_fraction) == (single.mean, single.std, single.zero_fraction)


def test_nonfinite_counted_exactly():
    t = torch.randn(1000)
    t[:10] = float("nan")
    t[10:13] = float("inf")
    st = tensor_stats(t)
    assert not st.finite and st.nan_count == 10 and st.nonfinite_count == 13 and not st.all_nan
    assert math.isfinite(st.std) and st.max is not None and st.max < 10


def test_huge_finite_values_are_not_called_nonfinite():
    st = tensor_stats(torch.randn(100, 100) * 1e25)
    assert st.finite and st.max_abs > 1e25


def test_constant_zero_and_sampled_zero_fraction():
    assert tensor_stats(torch.zeros(10, 10)).all_zero
    c = tensor_stats(torch.full((64, 64), 0.5))
    assert c.constant and c.std == 0.0 and not c.all_zero
    big = torch.randn(T.ZERO_COUNT_EXACT_MAX * 4 + 1000)
    assert not tensor_stats(big).zero_fraction_exact  # no zeros in the sample: sampled only
    big[: big.numel() // 4] = 0.0
    st = tensor_stats(big)  # the sample sees zeros, so they are counted exactly
    assert st.zero_fraction_exact and st.zero_fraction == 0.25


def _info(model, name):
    return {i.name: i for i in L.describe_parameters(model)}[name]


def test_fans_of_transposed_grouped_and_hf_layers():
    assert L.fans(nn.Linear(20, 30), "weight", torch.empty(30, 20)) == (20, 30)
    conv = nn.Conv2d(16, 32, 3, groups=4)
    assert L.fans(conv, "weight", conv.weight) == (4 * 9, 8 * 9)
    tconv = nn.ConvTranspose2d(32, 16, 4, groups=2)  # weight (32, 8, 4, 4)
    assert L.fans(tconv, "weight", tconv.weight) == (16 * 16, 8 * 16)
    hf = Z.Conv1D(nf=48, nx=12)  # weight (12, 48): in=12, out=48
    assert L.fans(hf, "weight", hf.weight) == (12, 48)
    bil = nn.Bilinear(10, 20, 5)
    assert L.fans(bil, "weight", bil.weight) == (10, 5)


def test_pytorch_default_gain_is_0577_for_true_fan_in():
    tconv = nn.ConvTranspose2d(64, 64, 3)
    st = tensor_stats(tconv.weight)
    f_in, _ = L.fans(tconv, "weight", tconv.weight)
    assert st.std * math.sqrt(f_in) == pytest.approx(1 / math.sqrt(3), rel=0.05)


def test_roles_and_tied_parameters_reported_once():
    model = Z.TinyGPT()
    infos = L.describe_parameters(model)
    names = [i.name for i in infos]
    assert "lm_head.weight" not in names
    wte = _info(model, "wte.weight")
    assert wte.role == L.EMBEDDING and wte.aliases == ("lm_head.weight",)
    assert _info(model, "ln_f.weight").role == L.NORM_WEIGHT
    assert _info(model, "h.0.attn.in_proj_bias").role == L.BIAS
    assert _info(model, "h.0.c_fc.weight").role == L.MATRIX


def test_model_context_finds_blocks_by_structure_not_names():
    ctx = L.model_context(Z.TinyResNet())
    assert ctx.block_of("blocks.0.bn3") == "blocks.0" and ctx.first_in_block["blocks.0"] == "blocks.0.conv1"
    assert ctx.zero_is_residual_idiom("blocks.2.bn3") and not ctx.zero_is_residual_idiom("blocks.2.conv1")
    assert ctx.block_of("head") is None and ctx.head == "head"
    named = L.model_context(Z.NamedBlocksResNet())
    assert named.block_of("stage.b3.bn3") == "stage.b3" and named.zero_is_residual_idiom("stage.b3.bn3")
    assert not named.zero_is_residual_idiom("stem_bn")


def test_conv_followed_by_batchnorm_in_the_same_parent():
    ctx = L.model_context(Z.DepthwiseBN())
    assert ctx.followed_by_norm("dw") == "dw_bn" and ctx.followed_by_norm("expand") == "expand_bn"
    gpt = L.model_context(Z.TinyGPT())  # Linear then the next block's LayerNorm: a residual sum, not its output
    assert gpt.followed_by_norm("h.0.c_proj") is None


@pytest.mark.parametrize("factory,name,role", [
    (Z.TinyMamba, "layers.0.mixer.A_log", L.STATE),
    (Z.TinyMamba, "layers.0.mixer.D", L.STATE),
    (Z.TinyMamba, "layers.0.mixer.dt_bias", L.STATE),
    (Z.LayerScaleContrastive, "blocks.0.layer_scale", L.GAIN),
    (Z.LayerScaleContrastive, "logit_scale", L.GAIN),
    (Z.LayerScaleContrastive, "text", L.UNKNOWN),
    (Z.RelPosTransformer, "blocks.0.rel_pos.relative_position_bias_table", L.TABLE),
    (Z.TinyGemma, "layers.0.norm.weight", L.NORM_WEIGHT),
    (Z.TinyGPT, "h.0.attn.in_proj_weight", L.MATRIX),
])
def test_parameter_roles_come_from_the_module(factory, name, role):
    assert _info(factory(), name).role == role


def test_custom_batched_matrices_use_their_last_two_dimensions():
    experts = torch.empty(8, 64, 256)  # fused MoE experts (E, in, out)
    assert L.custom_fans(experts) == (256, 64)
    kernel = torch.empty(32, 16, 3, 3)
    assert L.custom_fans(kernel) == (16 * 9, 32 * 9)
