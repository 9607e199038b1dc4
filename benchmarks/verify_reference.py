"""Calibrate the verifier's thresholds on healthy reference models and deliberately broken ones.

Needs timm and transformers, which are not test dependencies (timm imports torchvision, and
PyPI's torchvision does not import beside the CPU torch 2.13 build). Reproduce with a separate venv:

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.14.1 torchvision==0.29.1 timm transformers numpy
    PYTHONPATH=. /tmp/refvenv/bin/python benchmarks/verify_reference.py --json /tmp/reference.json

Prints one line per model (findings at warning+ and the numbers the thresholds are set against)
and, at the end, the extremes over all healthy models; docs/verifier.md records a run.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch
from torch import nn

from initlint.verify import verify_model

warnings.filterwarnings("ignore")


# ------------------------------------------------------------------------- reference builders
def timm_model(name: str) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        import timm

        return timm.create_model(name, pretrained=False)
    return build


class T5Wrapper(nn.Module):
    """T5 needs decoder ids; feed the same ids to both sides so one input drives the whole model."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor) -> Any:
        return self.model(input_ids=ids, decoder_input_ids=ids)


def hf_model(kind: str) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        import transformers as tf

        if kind == "bert-base":
            return tf.BertForMaskedLM(tf.BertConfig())
        if kind == "gpt2":
            return tf.GPT2LMHeadModel(tf.GPT2Config())
        if kind == "llama-small":
            return tf.LlamaForCausalLM(tf.LlamaConfig(hidden_size=512, intermediate_size=1376,
                                                      num_hidden_layers=8, num_attention_heads=8,
                                                      num_key_value_heads=8, vocab_size=32000))
        if kind == "t5-small":
            return T5Wrapper(tf.T5ForConditionalGeneration(tf.T5Config(d_model=512, d_ff=2048, num_layers=6,
                                                                     num_heads=8, d_kv=64)))
        raise KeyError(kind)
    return build


class TorchDefaults(nn.Module):
    """PyTorch-default layers of every family the verifier knows, nothing re-initialized."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 32, 3, padding=1)
        self.bn = nn.BatchNorm2d(32)
        self.dw = nn.Conv2d(32, 32, 3, padding=1, groups=32)
        self.up = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.gn = nn.GroupNorm(4, 16)
        self.fc = nn.Linear(16, 64)
        self.ln = nn.LayerNorm(64)
        self.lstm = nn.LSTM(64, 64, batch_first=True)
        self.gru = nn.GRU(64, 64, batch_first=True)
        self.attn = nn.MultiheadAttention(64, 4, batch_first=True)
        self.bil = nn.Bilinear(64, 64, 32)
        self.head = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.bn(self.conv(x)))
        h = torch.relu(self.gn(self.up(self.dw(h))))
        seq = self.ln(self.fc(h.flatten(2).transpose(1, 2)))
        seq, _ = self.lstm(seq)
        seq, _ = self.gru(seq)
        seq = seq + self.attn(seq, seq, seq, need_weights=False)[0]
        pooled = seq.mean(1)
        return self.head(torch.relu(self.bil(pooled, pooled)))


IMAGE = (2, 3, 224, 224)
TOKENS = (2, 64)
HEALTHY: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...]]] = {
    "torch-defaults": (TorchDefaults, (4, 3, 4, 4)),
    "resnet18": (timm_model("resnet18"), IMAGE),
    "resnet50": (timm_model("resnet50"), IMAGE),
    "vit_small_patch16_224": (timm_model("vit_small_patch16_224"), IMAGE),
    "vit_base_patch16_224": (timm_model("vit_base_patch16_224"), IMAGE),
    "convnext_tiny": (timm_model("convnext_tiny"), IMAGE),
    "efficientnet_b0": (timm_model("efficientnet_b0"), IMAGE),
    "mobilenetv3_large_100": (timm_model("mobilenetv3_large_100"), IMAGE),
    "bert-base": (hf_model("bert-base"), TOKENS),
    "gpt2": (hf_model("gpt2"), TOKENS),
    "llama-small": (hf_model("llama-small"), TOKENS),
    "t5-small": (hf_model("t5-small"), TOKENS),
}


# ------------------------------------------------------------------------- broken variants
def broken(base: Callable[[], nn.Module], edit: Callable[[nn.Module], None]) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        model = base()
        with torch.no_grad():
            edit(model)
        return model
    return build


def _gpt2_normal_embedding(m: nn.Module) -> None:
    m.transformer.wte.weight.normal_(0.0, 1.0)  # tied to lm_head


def _resnet_uniform_convs(m: nn.Module) -> None:
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            mod.weight.uniform_(0.0, 1.0)


def _vit_zero_final_norm(m: nn.Module) -> None:
    m.norm.weight.zero_()


def _bert_std1(m: nn.Module) -> None:
    for mod in m.modules():
        if isinstance(mod, nn.Linear):
            mod.weight.normal_(0.0, 1.0)


def _llama_seed_reset(m: nn.Module) -> None:
    for layer in m.model.layers:
        torch.manual_seed(0)
        layer.mlp.up_proj.weight.normal_(0.0, 0.02)


def _resnet_bn_uniform(m: nn.Module) -> None:
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.weight.uniform_(0.0, 1.0)  # PyTorch < 1.2's BatchNorm default


BROKEN: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...], str]] = {
    "gpt2 + N(0,1) tied embedding": (broken(hf_model("gpt2"), _gpt2_normal_embedding), TOKENS, "INV039"),
    "resnet18 + U(0,1) convs": (broken(timm_model("resnet18"), _resnet_uniform_convs), IMAGE, "INV005"),
    "resnet18 + U(0,1) BatchNorm weights": (broken(timm_model("resnet18"), _resnet_bn_uniform), IMAGE, "INV015"),
    "vit_small + zeroed final norm": (broken(timm_model("vit_small_patch16_224"), _vit_zero_final_norm), IMAGE,
                                      "INV015"),
    "bert-base + std=1 Linear": (broken(hf_model("bert-base"), _bert_std1), TOKENS, "INV012"),
    "llama-small + seed reset per layer": (broken(hf_model("llama-small"), _llama_seed_reset), TOKENS, "INV006"),
}


# ------------------------------------------------------------------------- measurement
def extremes(report: Any) -> Dict[str, Optional[float]]:
    """The per-parameter numbers thresholds are set against, over all weight matrices."""
    lo_gain: List[float] = []
    hi_gain: List[float] = []
    mean_ratio: List[float] = []
    mean_z: List[float] = []
    zero_frac: List[float] = []
    emb_std: List[float] = []
    for row in report.parameters:
        if row["role"] == "matrix" and row["gain_in"] and row["gain_out"]:
            lo_gain.append(min(row["gain_in"], row["gain_out"]))
            hi_gain.append(max(row["gain_in"], row["gain_out"]))
        if row["role"] in ("matrix", "embedding") and row["std"]:
            ratio = abs(row["mean"]) / row["std"]
            mean_ratio.append(ratio)
            mean_z.append(ratio * math.sqrt(row["numel"]))
            zero_frac.append(row["zero_fraction"] or 0.0)
        if row["role"] in ("embedding", "token") and row["std"] is not None:
            emb_std.append(row["std"])
    return {
        "max_min_gain": max(lo_gain, default=None),
        "min_max_gain": min(hi_gain, default=None),
        "max_mean_ratio": max(mean_ratio, default=None),
        "max_mean_z": max(mean_z, default=None),
        "max_zero_fraction": max(zero_frac, default=None),
        "embedding_std_range": [min(emb_std), max(emb_std)] if emb_std else None,
    }


def run(name: str, factory: Callable[[], nn.Module], shape: Tuple[int, ...]) -> Dict[str, Any]:
    start = time.perf_counter()
    report = verify_model(factory, input_shape=shape, name=name)
    total = time.perf_counter() - start
    prop = report.propagation or {}
    row = {
        "model": name,
        "parameters": report.info.get("parameters"),
        "tensors": report.info.get("tensors"),
        "warning+": report.codes("warning"),
        "info": report.codes("info"),
        "activation_ratio": prop.get("activation_ratio"),
        "gradient_ratio": prop.get("gradient_ratio"),
        "sensitivity": prop.get("sensitivity"),
        "output_rms": prop.get("output_rms"),
        "seconds": round(total, 2),
        **extremes(report),
    }
    if row["warning+"]:
        row["messages"] = [f"{f.code} {f.target}: {f.message}" for f in report.findings if f.rank >= 1][:6]
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="model names to run")
    parser.add_argument("--json", help="write all rows here")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for group, table in (("healthy", HEALTHY), ("broken", BROKEN)):
        for name, spec in table.items():
            if args.only and name not in args.only:
                continue
            factory, shape = spec[0], spec[1]
            try:
                row = run(name, factory, shape)
            except Exception as exc:  # a reference that cannot build here is reported, not fatal
                row = {"model": name, "error": f"{type(exc).__name__}: {exc}"[:300]}
            row["group"] = group
            if group == "broken":
                row["expected"] = spec[2]
                row["caught"] = spec[2] in row.get("warning+", [])
            rows.append(row)
            print(json.dumps(row), flush=True)
    healthy = [r for r in rows if r["group"] == "healthy" and "error" not in r]
    if healthy:
        def agg(key: str, fn: Callable[..., float]) -> Optional[float]:
            values = [r[key] for r in healthy if r.get(key) is not None]
            return fn(values) if values else None
        summary = {
            "healthy_models": len(healthy),
            "healthy_with_warning+": [r["model"] for r in healthy if r["warning+"]],
            "max of min(g_in,g_out)": agg("max_min_gain", max),
            "min of max(g_in,g_out)": agg("min_max_gain", min),
            "max |mean|/std": agg("max_mean_ratio", max),
            "max |mean|*sqrt(n)/std": agg("max_mean_z", max),
            "max zero fraction": agg("max_zero_fraction", max),
            "activation ratio range": [agg("activation_ratio", min), agg("activation_ratio", max)],
            "gradient ratio range": [agg("gradient_ratio", min), agg("gradient_ratio", max)],
            "min sensitivity": agg("sensitivity", min),
            "max output rms": agg("output_rms", max),
            "broken caught": [r["model"] for r in rows if r.get("caught")],
            "broken missed": [r["model"] for r in rows if r["group"] == "broken" and not r.get("caught")],
        }
        print(json.dumps(summary, indent=1))
        rows.append({"summary": summary})
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
