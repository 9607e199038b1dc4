"""Small models for the verifier's tests: a healthy zoo that must pass and a broken zoo in which
each model carries one known initialization bug. All build in milliseconds on CPU."""

from __future__ import annotations

import math
from typing import Callable, Dict, Tuple

import torch
from torch import nn


# --------------------------------------------------------------------------- building blocks
def mlp(depth: int, width: int = 64, *, bias: bool = True, act: Callable[[], nn.Module] = nn.ReLU,
        init: Callable[[nn.Linear], None] = lambda layer: None, d_in: int = 32, d_out: int = 10) -> nn.Sequential:
    layers = []
    for i in range(depth):
        lin = nn.Linear(d_in if i == 0 else width, width, bias=bias)
        init(lin)
        layers += [lin, act()]
    layers.append(nn.Linear(width, d_out, bias=bias))
    return nn.Sequential(*layers)


def kaiming_relu(layer: nn.Linear) -> None:
    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


class Bottleneck(nn.Module):
    """ResNet bottleneck with zero-init-last BatchNorm (the timm/torchvision idiom)."""

    def __init__(self, ch: int, zero_init_last: bool = True) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch // 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(ch // 2)
        self.conv2 = nn.Conv2d(ch // 2, ch // 2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(ch // 2)
        self.conv3 = nn.Conv2d(ch // 2, ch, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(ch)
        self.act = nn.ReLU(inplace=True)
        for conv in (self.conv1, self.conv2, self.conv3):
            nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
        if zero_init_last:
            nn.init.zeros_(self.bn3.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.bn1(self.conv1(x)))
        h = self.act(self.bn2(self.conv2(h)))
        return self.act(x + self.bn3(self.conv3(h)))


class TinyResNet(nn.Module):
    def __init__(self, depth: int = 4, ch: int = 16, zero_init_last: bool = True) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, ch, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(ch)
        self.blocks = nn.Sequential(*[Bottleneck(ch, zero_init_last) for _ in range(depth)])
        self.head = nn.Linear(ch, 10)
        nn.init.kaiming_normal_(self.stem.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.bn(self.stem(x)))
        h = self.blocks(h)
        return self.head(h.mean(dim=(2, 3)))


class Conv1D(nn.Module):
    """Hugging Face GPT-2 style: a Linear whose weight is stored (in, out)."""

    def __init__(self, nf: int, nx: int) -> None:
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight).reshape(*x.shape[:-1], self.nf)


class GPTBlock(nn.Module):
    def __init__(self, d: int, n_layer: int) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, 4, batch_first=True)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = Conv1D(4 * d, d)
        self.c_proj = Conv1D(d, 4 * d)
        nn.init.normal_(self.c_proj.weight, std=0.02 / math.sqrt(2 * n_layer))
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.c_proj(self.act(self.c_fc(self.ln_2(x))))


class TinyGPT(nn.Module):
    """Pre-LN transformer, GPT-2 init (std 0.02, depth-scaled projections), tied output head."""

    def __init__(self, vocab: int = 128, d: int = 32, n_layer: int = 4, ctx: int = 16) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(ctx, d)
        self.h = nn.ModuleList([GPTBlock(d, n_layer) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight
        for emb in (self.wte, self.wpe):
            nn.init.normal_(emb.weight, std=0.02)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(idx.shape[1], device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class Decoder(nn.Module):
    """ConvTranspose upsampling with grouped and depthwise convs: fans are not torch's guess."""

    def __init__(self) -> None:
        super().__init__()
        self.up1 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pw = nn.Conv2d(16, 8, 1)
        self.up2 = nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1, groups=2)
        self.out = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.up1(x))
        x = torch.relu(self.pw(self.dw(x)))
        return self.out(torch.relu(self.up2(x)))


class Recurrent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(50, 16, padding_idx=0)
        self.lstm = nn.LSTM(16, 32, batch_first=True)
        self.gru = nn.GRU(32, 32, batch_first=True)
        self.bil = nn.Bilinear(32, 32, 8)
        self.norm = nn.GroupNorm(2, 8)
        self.rms = nn.RMSNorm(8)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(self.emb(idx))
        h, _ = self.gru(h)
        last = h[:, -1]
        return self.rms(self.norm(self.bil(last, last)))


class DiracConv(nn.Module):
    """Identity-initialized convolution (dirac_), a deliberate idiom reported as info."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        nn.init.dirac_(self.conv.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


HEALTHY: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...]]] = {
    "default-mlp-shallow": (lambda: mlp(2), (64, 32)),
    "kaiming-relu-mlp-depth20": (lambda: mlp(20, 128, bias=False, init=kaiming_relu), (64, 32)),
    "tiny-resnet-zero-init-last": (lambda: TinyResNet(), (8, 3, 16, 16)),
    "tiny-resnet-plain": (lambda: TinyResNet(zero_init_last=False), (8, 3, 16, 16)),
    "tiny-gpt-tied": (lambda: TinyGPT(), (4, 16)),
    "decoder-convtranspose": (lambda: Decoder(), (4, 32, 4, 4)),
    "recurrent-bilinear-norms": (lambda: Recurrent(), (8, 12)),
}


# --------------------------------------------------------------------------- broken: weights
class Uninitialized(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Linear(32, 32)
        self.scale = nn.Parameter(torch.empty(32, 32))  # never written

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x) @ self.scale


def _with(init: Callable[[nn.Sequential], None], depth: int = 2) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        model = mlp(depth)
        with torch.no_grad():
            init(model)
        return model
    return build


def _partly_nan(m: nn.Sequential) -> None:
    m[0].weight[:3] = float("nan")


class TwinLayers(nn.Module):
    """Per-layer seed reset: two layers with identical random weights."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(64, 64)
        self.b = nn.Linear(64, 64)
        for layer in (self.a, self.b):
            torch.manual_seed(1234)
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(torch.relu(self.a(x)))


class NormedEmbedding(nn.Module):
    def __init__(self, emb_init: Callable[[nn.Embedding], None] = lambda e: None,
                 norm_init: Callable[[nn.LayerNorm], None] = lambda n: None, padding_idx=None) -> None:
        super().__init__()
        self.emb = nn.Embedding(100, 32, padding_idx=padding_idx)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 10)
        with torch.no_grad():
            emb_init(self.emb)
            norm_init(self.norm)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.emb(idx)))


def _zero_head(m: nn.Sequential) -> None:
    nn.init.zeros_(m[-1].weight)


def _mostly_zero(m: nn.Sequential) -> None:
    w = m[2].weight
    w[:, : w.shape[1] // 2] = 0.0


BROKEN_WEIGHTS: Dict[str, Tuple[Callable[[], nn.Module], Tuple[str, ...]]] = {
    "uninitialized-empty": (Uninitialized, ("INV002",)),
    "partly-nan": (_with(_partly_nan), ("INV001",)),
    "garbage-1e30": (_with(lambda m: m[2].weight.mul_(1e30)), ("INV003",)),
    "constant-half": (_with(lambda m: nn.init.constant_(m[2].weight, 0.5)), ("INV004",)),
    "uniform-0-1": (_with(lambda m: nn.init.uniform_(m[2].weight, 0.0, 1.0)), ("INV005",)),
    "seed-reset-per-layer": (TwinLayers, ("INV006",)),
    "zero-head": (_with(_zero_head), ("INV010",)),
    "half-zeroed": (_with(_mostly_zero), ("INV011",)),
    "std-1": (_with(lambda m: nn.init.normal_(m[2].weight, std=1.0)), ("INV012",)),
    "std-1e-4": (_with(lambda m: nn.init.normal_(m[2].weight, std=1e-4)), ("INV013",)),
    "embedding-uniform-10": (lambda: NormedEmbedding(emb_init=lambda e: nn.init.uniform_(e.weight, -10, 10)),
                             ("INV014",)),
    "norm-weight-uniform": (lambda: NormedEmbedding(norm_init=lambda n: nn.init.uniform_(n.weight)),
                            ("INV015",)),
    "padding-row-overwritten": (lambda: NormedEmbedding(emb_init=lambda e: nn.init.normal_(e.weight, std=0.02),
                                                        padding_idx=0), ("INV016",)),
    "zero-final-norm": (lambda: NormedEmbedding(norm_init=lambda n: nn.init.zeros_(n.weight)), ("INV015",)),
}


# --------------------------------------------------------------------------- broken: propagation
class TiedNormalHead(nn.Module):
    """Default N(0,1) nn.Embedding tied to the output head: logits ~sqrt(d) too large."""

    def __init__(self, vocab: int = 256, d: int = 256) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.mix = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(torch.relu(self.mix(self.emb(idx)))))


class ZeroFinalNorm(TinyGPT):
    def __init__(self) -> None:
        super().__init__()
        nn.init.zeros_(self.ln_f.weight)


def _normal(std: float) -> Callable[[nn.Linear], None]:
    def init(layer: nn.Linear) -> None:
        nn.init.normal_(layer.weight, std=std)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    return init


def _xavier(layer: nn.Linear) -> None:
    nn.init.xavier_normal_(layer.weight)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


BROKEN_PROPAGATION: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...], Tuple[str, ...]]] = {
    "xavier-on-relu-depth50": (lambda: mlp(50, 128, bias=False, init=_xavier), (64, 32), ("INV032",)),
    "std-0.01-depth50": (lambda: mlp(50, 128, bias=False, init=_normal(0.01)), (64, 32), ("INV032",)),
    "std-1-depth20": (lambda: mlp(20, 128, bias=False, init=_normal(1.0)), (64, 32), ("INV012", "INV033")),
    "pytorch-default-depth50": (lambda: mlp(50, 128), (64, 32), ("INV034", "INV036")),
    "zero-final-norm": (ZeroFinalNorm, (4, 16), ("INV015", "INV038")),
    "tied-normal-embedding-head": (TiedNormalHead, (8, 16), ("INV039",)),
}


# --------------------------------------------------------------------------- idioms of widely used models
# Torch-only twins of what transformers/timm/torchvision models do (the reference run in
# benchmarks/verify_reference.py measures the real ones). Each must pass a default run; the info
# codes it reports are listed in IDIOM_INFO.
class GemmaRMSNorm(nn.Module):
    """Gemma-style: stores w, computes with (1 + w); healthy init stores zeros."""

    def __init__(self, dim: int, stored: float = 0.0) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.full((dim,), stored))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        return x * (1.0 + self.weight)


class GemmaBlock(nn.Module):
    def __init__(self, d: int, stored: float) -> None:
        super().__init__()
        self.norm = GemmaRMSNorm(d, stored)
        self.up = nn.Linear(d, 2 * d, bias=False)
        self.down = nn.Linear(2 * d, d, bias=False)
        for lin in (self.up, self.down):
            nn.init.normal_(lin.weight, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.down(torch.nn.functional.gelu(self.up(self.norm(x))))


class TinyGemma(nn.Module):
    def __init__(self, stored: float = 0.0, vocab: int = 128, d: int = 32, n_layer: int = 4) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        nn.init.normal_(self.embed_tokens.weight, std=0.02)
        self.layers = nn.ModuleList([GemmaBlock(d, stored) for _ in range(n_layer)])
        self.norm = GemmaRMSNorm(d, stored)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        nn.init.normal_(self.lm_head.weight, std=0.02)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.embed_tokens(idx) * math.sqrt(self.embed_tokens.embedding_dim)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.norm(x))


class MambaMixer(nn.Module):
    """State-space parameters as Mamba initializes them: A_log = log(1..N) in every row and layer,
    D = ones, dt_bias from a log-uniform dt (deterministic, identical across layers by design)."""

    def __init__(self, d: int, d_state: int = 8) -> None:
        super().__init__()
        self.in_proj = nn.Linear(d, 2 * d, bias=False)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(2 * d, 1))
        self.D = nn.Parameter(torch.ones(2 * d))
        self.dt_bias = nn.Parameter(torch.linspace(-4.0, -1.0, 2 * d))
        self.out_proj = nn.Linear(2 * d, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.in_proj(x)
        decay = torch.exp(-torch.exp(self.A_log).mean(-1) * torch.nn.functional.softplus(self.dt_bias))
        h = torch.cumsum(h * (1 - decay), dim=1) * decay + h * self.D
        return self.out_proj(torch.nn.functional.silu(h))


class TinyMamba(nn.Module):
    def __init__(self, vocab: int = 128, d: int = 32, n_layer: int = 4) -> None:
        super().__init__()
        self.embeddings = nn.Embedding(vocab, d)
        nn.init.normal_(self.embeddings.weight, std=0.02)
        self.layers = nn.ModuleList([nn.ModuleDict({"norm": nn.RMSNorm(d), "mixer": MambaMixer(d)})
                                     for _ in range(n_layer)])
        self.norm_f = nn.RMSNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.embeddings.weight

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.embeddings(idx)
        for layer in self.layers:
            x = x + layer["mixer"](layer["norm"](x))
        return self.lm_head(self.norm_f(x))


class ScaledConvBlock(nn.Module):
    """torchvision ConvNeXt: a (C, 1, 1) layer scale of 1e-6 on the residual branch."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.norm = nn.GroupNorm(1, c)
        self.pw1 = nn.Conv2d(c, 4 * c, 1)
        self.pw2 = nn.Conv2d(4 * c, c, 1)
        self.layer_scale = nn.Parameter(torch.full((c, 1, 1), 1e-6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layer_scale * self.pw2(torch.nn.functional.gelu(self.pw1(self.norm(self.dw(x)))))


class LayerScaleContrastive(nn.Module):
    """Layer-scaled conv stages plus a CLIP/SigLIP-style constant logit scale (log 10)."""

    def __init__(self, c: int = 16) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, c, 4, stride=4)
        self.blocks = nn.Sequential(*[ScaledConvBlock(c) for _ in range(3)])
        self.proj = nn.Linear(c, 16)
        self.text = nn.Parameter(torch.randn(8, 16) * 0.02)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        img = self.proj(self.blocks(self.stem(x)).mean(dim=(2, 3)))
        img = img / img.norm(dim=-1, keepdim=True)
        txt = self.text / self.text.norm(dim=-1, keepdim=True)
        return self.logit_scale.exp() * img @ txt.t()


def zero_head_mixer() -> nn.Sequential:
    """MLP-Mixer / ViT (jax init): the classifier head starts at zero."""
    model = mlp(3, 64, init=kaiming_relu)
    nn.init.zeros_(model[-1].weight)
    nn.init.zeros_(model[-1].bias)
    return model


class NamedBlocksResNet(nn.Module):
    """RegNet-style blocks registered by name (b1, b2, ...), zero-init-last BatchNorm in each."""

    def __init__(self, ch: int = 16, depth: int = 4) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, ch, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(ch)
        self.stage = nn.Module()
        for i in range(depth):
            self.stage.add_module(f"b{i + 1}", Bottleneck(ch, zero_init_last=True))
        self.head = nn.Linear(ch, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.stem_bn(self.stem(x)))
        for block in self.stage.children():
            h = block(h)
        return self.head(h.mean(dim=(2, 3)))


class RelativePositionBias(nn.Module):
    """BEiT: a (num_relative_distance, heads) table initialized to zeros; its output is zero at init."""

    def __init__(self, tokens: int, heads: int) -> None:
        super().__init__()
        self.relative_position_bias_table = nn.Parameter(torch.zeros(2 * tokens - 1, heads))
        idx = torch.arange(tokens)
        self.register_buffer("index", (idx[:, None] - idx[None, :]) + tokens - 1, persistent=False)

    def forward(self) -> torch.Tensor:
        return self.relative_position_bias_table[self.index].permute(2, 0, 1)


class BiasedAttentionBlock(nn.Module):
    def __init__(self, d: int, tokens: int, heads: int = 4) -> None:
        super().__init__()
        self.heads = heads
        self.norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.rel_pos = RelativePositionBias(tokens, heads)
        self.proj = nn.Linear(d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads) + self.rel_pos()
        return x + self.proj((attn.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))


class RelPosTransformer(nn.Module):
    def __init__(self, d: int = 32, tokens: int = 8) -> None:
        super().__init__()
        self.inp = nn.Linear(16, d)
        self.blocks = nn.ModuleList([BiasedAttentionBlock(d, tokens) for _ in range(3)])
        self.head = nn.Linear(d, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h.mean(1))


class DepthwiseBN(nn.Module):
    """torchvision MobileNet init: kaiming_normal_(mode="fan_out") on depthwise convs gives gain
    sqrt(2/C) over their true fan of 9 (0.046 at C=960, which passes); wider convs or a smaller std
    (here std 0.002, gain 0.006) fall below every standard init, harmless because BatchNorm follows."""

    def __init__(self, c: int = 256) -> None:
        super().__init__()
        self.expand = nn.Conv2d(8, c, 1, bias=False)
        self.expand_bn = nn.BatchNorm2d(c)
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)
        self.dw_bn = nn.BatchNorm2d(c)
        self.head = nn.Linear(c, 10)
        nn.init.kaiming_normal_(self.expand.weight, mode="fan_out")
        nn.init.normal_(self.dw.weight, std=0.002)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.expand_bn(self.expand(x)))
        h = torch.relu(self.dw_bn(self.dw(h)))
        return self.head(h.mean(dim=(2, 3)))


HEALTHY.update({
    "gemma-style-rmsnorm": (lambda: TinyGemma(), (4, 16)),
    "mamba-style-state-space": (lambda: TinyMamba(), (4, 16)),
    "layer-scale-and-logit-scale": (lambda: LayerScaleContrastive(), (4, 3, 32, 32)),
    "zero-init-head": (zero_head_mixer, (64, 32)),
    "named-blocks-zero-init-last": (lambda: NamedBlocksResNet(), (8, 3, 16, 16)),
    "relative-position-bias-table": (lambda: RelPosTransformer(), (4, 8, 16)),
    "bn-followed-depthwise": (lambda: DepthwiseBN(), (4, 8, 6, 6)),
})
# Info findings each idiom must report (it passes a default run: info never fails it).
IDIOM_INFO = {
    "layer-scale-and-logit-scale": ["INV020"],
    "zero-init-head": ["INV019"],
    "named-blocks-zero-init-last": ["INV018"],
    "bn-followed-depthwise": ["INV021"],
    "relative-position-bias-table": [],
    "gemma-style-rmsnorm": [],
    "mamba-style-state-space": [],
}


def _zero_middle(m: nn.Sequential) -> None:
    nn.init.zeros_(m[2].weight)


class ClonedStack(nn.Module):
    """nn.TransformerEncoder deep-copies its layer argument: all layers start identical."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4, 64, batch_first=True), 3,
                                             enable_nested_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)


class RescalingInit(nn.Module):
    """init_weights() scales the existing weights (mul_) instead of drawing them at a scale: every
    extra call (post_init, a test helper, a loaded checkpoint) rescales them again."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(3)])
        self.init_weights()

    def init_weights(self) -> None:
        for layer in self.layers:
            layer.weight.data.mul_(0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = x + layer(x)
        return x


BROKEN_WEIGHTS.pop("zero-head")
BROKEN_WEIGHTS.update({
    "zero-middle-layer": (_with(_zero_middle), ("INV010",)),
    "gemma-norm-stores-ones": (lambda: TinyGemma(stored=1.0), ("INV015",)),
    "cloned-transformer-encoder": (ClonedStack, ("INV007",)),
    "non-idempotent-init": (RescalingInit, ("INV040",)),
})
