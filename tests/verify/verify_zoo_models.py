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
