"""Calibrate the verifier's thresholds on healthy reference models and deliberately broken ones.

Needs transformers, which is not a test dependency. Reproduce with a separate venv:

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 transformers
    PYTHONPATH=. /tmp/refvenv/bin/python benchmarks/verify_reference.py --json /tmp/reference.json

timm imports torchvision at import time and PyPI's torchvision wheels do not import beside the CPU
torch 2.13 build, so the timm models run only with ``--timm`` where both install. Each model gets
its own row: exit code (0 ok, 1 warning or error, 2 build/run failure), findings, seconds.

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
class T5Wrapper(nn.Module):
    """T5 needs decoder ids; feed the same ids to both sides so one input drives the whole model."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor) -> Any:
        return self.model(input_ids=ids, decoder_input_ids=ids)


# Small configs: widths 64-128, 2-4 layers, vocabulary 1000, images 64x64. Every family keeps its own
# init code (the numbers judged are per layer, so depth and width matter little).
TEXT = dict(vocab_size=1000, hidden_size=64, num_hidden_layers=4, num_attention_heads=4, intermediate_size=128,
            max_position_embeddings=128, pad_token_id=0)
DECODER = dict(TEXT, num_key_value_heads=2)
VISION = dict(image_size=64, patch_size=8, num_channels=3, hidden_size=64, num_hidden_layers=4,
              num_attention_heads=4, intermediate_size=128, num_labels=10)
CNN = dict(num_channels=3, num_labels=10)
HF: Dict[str, Tuple[str, Dict[str, Any]]] = {
    "bert": ("BertForMaskedLM", TEXT),
    "roberta": ("RobertaForMaskedLM", dict(TEXT, pad_token_id=1)),
    "xlm-roberta": ("XLMRobertaForMaskedLM", dict(TEXT, pad_token_id=1)),
    "distilbert": ("DistilBertForMaskedLM", dict(vocab_size=1000, dim=64, n_layers=4, n_heads=4, hidden_dim=128,
                                                 max_position_embeddings=128)),
    "albert": ("AlbertForMaskedLM", dict(TEXT, embedding_size=32)),
    "electra": ("ElectraForMaskedLM", dict(TEXT, embedding_size=32)),
    "deberta-v2": ("DebertaV2ForMaskedLM", dict(TEXT, relative_attention=True, position_buckets=32,
                                               pos_att_type=["p2c", "c2p"])),
    "gpt2": ("GPT2LMHeadModel", dict(vocab_size=1000, n_embd=64, n_layer=4, n_head=4, n_positions=128)),
    "gpt-neox": ("GPTNeoXForCausalLM", TEXT),
    "gptj": ("GPTJForCausalLM", dict(vocab_size=1000, n_embd=64, n_layer=4, n_head=4, rotary_dim=8, n_positions=128)),
    "codegen": ("CodeGenForCausalLM", dict(vocab_size=1000, n_embd=64, n_layer=4, n_head=4, rotary_dim=8,
                                           n_positions=128, n_ctx=128)),
    "opt": ("OPTForCausalLM", dict(TEXT, ffn_dim=128, word_embed_proj_dim=64)),
    "bloom": ("BloomForCausalLM", dict(vocab_size=1000, hidden_size=64, n_layer=4, n_head=4)),
    "falcon": ("FalconForCausalLM", dict(TEXT, num_kv_heads=4)),
    "mpt": ("MptForCausalLM", dict(vocab_size=1000, d_model=64, n_layers=4, n_heads=4, max_seq_len=128)),
    "llama": ("LlamaForCausalLM", DECODER),
    "mistral": ("MistralForCausalLM", DECODER),
    "mixtral": ("MixtralForCausalLM", dict(DECODER, num_local_experts=4, num_experts_per_tok=2)),
    "qwen2": ("Qwen2ForCausalLM", DECODER),
    "qwen3": ("Qwen3ForCausalLM", dict(DECODER, head_dim=16)),
    "gemma": ("GemmaForCausalLM", dict(DECODER, head_dim=16)),
    "gemma2": ("Gemma2ForCausalLM", dict(DECODER, head_dim=16)),
    "phi": ("PhiForCausalLM", TEXT),
    "phi3": ("Phi3ForCausalLM", DECODER),
    "olmo": ("OlmoForCausalLM", DECODER),
    "stablelm": ("StableLmForCausalLM", DECODER),
    "starcoder2": ("Starcoder2ForCausalLM", DECODER),
    "cohere": ("CohereForCausalLM", DECODER),
    "granite": ("GraniteForCausalLM", DECODER),
    "mamba": ("MambaForCausalLM", dict(vocab_size=1000, hidden_size=64, state_size=16, num_hidden_layers=4)),
    "rwkv": ("RwkvForCausalLM", dict(vocab_size=1000, hidden_size=64, num_hidden_layers=4, attention_hidden_size=64,
                                     intermediate_size=128, context_length=128, use_cache=False)),
    "bart": ("BartForConditionalGeneration", dict(vocab_size=1000, d_model=64, encoder_layers=3, decoder_layers=3,
                                                  encoder_attention_heads=4, decoder_attention_heads=4,
                                                  encoder_ffn_dim=128, decoder_ffn_dim=128,
                                                  max_position_embeddings=128, pad_token_id=1)),
    "vit": ("ViTForImageClassification", VISION),
    "deit": ("DeiTForImageClassification", VISION),
    "beit": ("BeitForImageClassification", dict(VISION, use_relative_position_bias=True, layer_scale_init_value=0.1)),
    "dinov2": ("Dinov2ForImageClassification", dict(VISION, layerscale_value=1.0)),
    "swin": ("SwinForImageClassification", dict(image_size=64, patch_size=4, embed_dim=32, depths=[2, 2],
                                               num_heads=[2, 4], window_size=4, num_labels=10)),
    "convnext": ("ConvNextForImageClassification", dict(CNN, hidden_sizes=[32, 64], depths=[2, 3], num_stages=2)),
    "convnextv2": ("ConvNextV2ForImageClassification", dict(CNN, hidden_sizes=[32, 64], depths=[2, 3], num_stages=2)),
    "resnet": ("ResNetForImageClassification", dict(CNN, embedding_size=32, hidden_sizes=[64, 128], depths=[2, 2],
                                                    layer_type="bottleneck")),
    "regnet": ("RegNetForImageClassification", dict(CNN, embedding_size=32, hidden_sizes=[32, 64], depths=[2, 2],
                                                    groups_width=16)),
    "mobilenet_v2": ("MobileNetV2ForImageClassification", dict(CNN, image_size=64, depth_multiplier=0.5)),
    "efficientnet": ("EfficientNetForImageClassification", dict(CNN, image_size=64, width_coefficient=0.25,
                                                                depth_coefficient=0.25, hidden_dim=320)),
    "poolformer": ("PoolFormerForImageClassification", dict(CNN, hidden_sizes=[32, 64, 96, 128], depths=[1, 1, 1, 1])),
    "segformer": ("SegformerForImageClassification", dict(CNN, hidden_sizes=[16, 32, 48, 64], depths=[1, 1, 1, 1],
                                                          num_attention_heads=[1, 2, 2, 4], decoder_hidden_size=64)),
    "mobilevit": ("MobileViTForImageClassification", dict(CNN, image_size=64, hidden_sizes=[48, 64, 80],
                                                          neck_hidden_sizes=[8, 16, 24, 24, 32, 40, 160])),
    "clip": ("CLIPModel", dict(text_config=dict(vocab_size=1000, hidden_size=64, num_hidden_layers=2,
                                                num_attention_heads=4, intermediate_size=128),
                               vision_config=dict(image_size=64, patch_size=8, hidden_size=64, num_hidden_layers=2,
                                                  num_attention_heads=4, intermediate_size=128),
                               projection_dim=32)),
    "siglip": ("SiglipModel", dict(text_config=dict(vocab_size=1000, hidden_size=64, num_hidden_layers=2,
                                                    num_attention_heads=4, intermediate_size=128),
                                   vision_config=dict(image_size=64, patch_size=8, hidden_size=64,
                                                      num_hidden_layers=2, num_attention_heads=4,
                                                      intermediate_size=128))),
    "t5": ("T5ForConditionalGeneration", dict(vocab_size=1000, d_model=64, d_ff=128, num_layers=3, num_heads=4,
                                              d_kv=16, num_decoder_layers=3)),
}


def hf_model(key: str) -> Callable[[], nn.Module]:
    cls_name, config = HF[key]

    def build() -> nn.Module:
        import transformers as tf

        cls = getattr(tf, cls_name)
        model = cls(cls.config_class(**config))
        return T5Wrapper(model) if key == "t5" else model
    return build


def timm_model(name: str) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        import timm

        return timm.create_model(name, pretrained=False)
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


IMAGE = (2, 3, 64, 64)
TOKENS = (2, 32)
_VISION_KEYS = {"vit", "deit", "beit", "dinov2", "swin", "convnext", "convnextv2", "resnet", "regnet", "mobilenet_v2",
                "efficientnet", "poolformer", "segformer", "mobilevit"}


def _pair_input() -> Dict[str, torch.Tensor]:
    """Text ids and an image: CLIP/SigLIP-style dual encoders compute logits from both."""
    return {"input_ids": torch.randint(1, 1000, TOKENS), "pixel_values": torch.randn(IMAGE)}


Input = Any  # a shape tuple, or a zero-argument function returning the example input
HEALTHY: Dict[str, Tuple[Callable[[], nn.Module], Input]] = {"torch-defaults": (TorchDefaults, (4, 3, 4, 4))}
for _key in HF:
    HEALTHY[f"hf {_key}"] = (hf_model(_key), _pair_input if _key in ("clip", "siglip")
                             else IMAGE if _key in _VISION_KEYS else TOKENS)
# Library models whose own init the verifier flags, with what it found (true findings, not healthy):
# transformers 5.24's MobileViT and EfficientNet _init_weights draw BatchNorm weights from N(0, 0.02)
# (init.normal_(module.weight, std=initializer_range)), so every BatchNorm starts at gain ~0.02; in
# EfficientNet the activations underflow to exactly zero by the last block.
FLAGGED: Dict[str, Tuple[Callable[[], nn.Module], Input, str]] = {
    "hf mobilevit (BatchNorm weights N(0, 0.02))": (HEALTHY.pop("hf mobilevit")[0], IMAGE, "INV015"),
    "hf efficientnet (BatchNorm weights N(0, 0.02))": (HEALTHY.pop("hf efficientnet")[0], IMAGE, "INV015"),
}
# timm needs torchvision at import time (timm.layers imports torchvision.ops), and PyPI's torchvision
# wheels do not import beside the CPU torch 2.13 build; these run where both install (--timm).
TIMM = ["resnet18", "resnet50", "regnety_002", "vit_small_patch16_224", "convnext_atto", "efficientnet_b0",
        "mobilenetv3_small_100", "mixer_s16_224", "cait_xxs24_224", "swin_tiny_patch4_window7_224"]


# ------------------------------------------------------------------------- broken variants
def broken(base: Callable[[], nn.Module], edit: Callable[[nn.Module], None]) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        model = base()
        with torch.no_grad():
            edit(model)
        return model
    return build


def _gpt2_768() -> nn.Module:
    """GPT-2's real width: logits from an N(0,1) tied embedding scale with sqrt(width)."""
    import transformers as tf

    return tf.GPT2LMHeadModel(tf.GPT2Config(vocab_size=1000, n_embd=768, n_layer=2, n_head=12, n_positions=128))


def _gpt2_normal_embedding(m: nn.Module) -> None:
    m.transformer.wte.weight.normal_(0.0, 1.0)  # tied to lm_head


def _vit_zero_final_norm(m: nn.Module) -> None:
    m.vit.layernorm.weight.zero_()


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


def _resnet_uniform_convs(m: nn.Module) -> None:
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d):
            mod.weight.uniform_(0.0, 1.0)


def _gemma_norm_ones(m: nn.Module) -> None:
    for mod in m.modules():
        if type(mod).__name__ == "GemmaRMSNorm":
            mod.weight.fill_(1.0)  # stored ones in a (1 + w) norm: gain 2


def _mixtral_uninitialized_router(m: nn.Module) -> None:
    m.model.layers[0].mlp.gate.weight.fill_(float("nan"))


def _llama_deep_std1(m: nn.Module) -> None:
    for layer in m.model.layers:
        layer.mlp.down_proj.weight.normal_(0.0, 1.0)


class ClonedEncoder(nn.Module):
    """nn.TransformerEncoder deep-copies its layer: every layer starts identical."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(1000, 64)
        nn.init.normal_(self.emb.weight, std=0.02)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(64, 4, 128, batch_first=True), 4)
        self.head = nn.Linear(64, 1000)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.emb(ids)))


class RescalingInit(nn.Module):
    """init_weights() scales the existing projection weights instead of drawing them at a scale."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(1000, 64)
        self.blocks = nn.ModuleList([nn.Sequential(nn.LayerNorm(64), nn.Linear(64, 64)) for _ in range(4)])
        self.head = nn.Linear(64, 1000)
        self.init_weights()

    def init_weights(self) -> None:
        nn.init.normal_(self.emb.weight, std=0.02)
        for block in self.blocks:
            block[1].weight.data.mul_(1 / math.sqrt(2 * len(self.blocks)))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = self.emb(ids)
        for block in self.blocks:
            h = h + block(h)
        return self.head(h)


BROKEN: Dict[str, Tuple[Callable[[], nn.Module], Input, str]] = {
    "gpt2 + N(0,1) tied embedding": (broken(_gpt2_768, _gpt2_normal_embedding), TOKENS, "INV039"),
    "resnet + U(0,1) convs": (broken(hf_model("resnet"), _resnet_uniform_convs), IMAGE, "INV005"),
    "resnet + U(0,1) BatchNorm weights": (broken(hf_model("resnet"), _resnet_bn_uniform), IMAGE, "INV015"),
    "vit + zeroed final norm": (broken(hf_model("vit"), _vit_zero_final_norm), IMAGE, "INV015"),
    "bert + std=1 Linear": (broken(hf_model("bert"), _bert_std1), TOKENS, "INV012"),
    "llama + seed reset per layer": (broken(hf_model("llama"), _llama_seed_reset), TOKENS, "INV006"),
    "gemma + ones stored in (1+w) norms": (broken(hf_model("gemma"), _gemma_norm_ones), TOKENS, "INV015"),
    "mixtral + NaN router": (broken(hf_model("mixtral"), _mixtral_uninitialized_router), TOKENS, "INV002"),
    "llama + std=1 down_proj": (broken(hf_model("llama"), _llama_deep_std1), TOKENS, "INV012"),
    "nn.TransformerEncoder clones its layer": (ClonedEncoder, TOKENS, "INV007"),
    "init_weights() rescales in place": (RescalingInit, TOKENS, "INV040"),
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


def run(name: str, factory: Callable[[], nn.Module], example: Input) -> Dict[str, Any]:
    start = time.perf_counter()
    if callable(example):
        torch.manual_seed(0)
        report = verify_model(factory, input=example(), name=name)
    else:
        report = verify_model(factory, input_shape=example, name=name)
    total = time.perf_counter() - start
    prop = report.propagation or {}
    row = {
        "model": name,
        "parameters": report.info.get("parameters"),
        "tensors": report.info.get("tensors"),
        "warning+": report.codes("warning"),
        "info": sorted(set(report.codes("info")) - set(report.codes("warning"))),
        "exit_code": 2 if report.error else 0 if report.ok else 1,
        "findings": [f"{f.severity} {f.code} {f.target}" for f in report.findings][:12],
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


def _num(x: Any) -> str:
    return "–" if x is None else f"{x:.3g}" if isinstance(x, float) else str(x)


def markdown(rows: List[Dict[str, Any]]) -> str:
    """The reference table of docs/verifier.md: one row per model."""
    out = ["| model | group | params | exit | warning+ | info | max min(g) | min max(g) | act. ratio | grad. ratio "
           "| sensitivity | output RMS | s |", "|" + "---|" * 13]
    for r in rows:
        if "model" not in r:
            continue
        if "error" in r:
            out.append(f"| {r['model']} | {r['group']} | | 2 | {r['error'][:60]} | | | | | | | | |")
            continue
        out.append("| " + " | ".join([
            r["model"], r["group"], f"{r['parameters'] / 1e6:.2f}M", str(r["exit_code"]),
            ", ".join(r["warning+"]) or "none", ", ".join(r["info"]) or "–", _num(r["max_min_gain"]),
            _num(r["min_max_gain"]), _num(r["activation_ratio"]), _num(r["gradient_ratio"]),
            _num(r["sensitivity"]), _num(r["output_rms"]), _num(r["seconds"])]) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="model names to run")
    parser.add_argument("--json", help="write all rows here")
    parser.add_argument("--markdown", help="write the reference table (docs/verifier.md) here")
    parser.add_argument("--from-json", help="only render --markdown from a previous --json run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timm", action="store_true", help="also the timm models (needs timm + torchvision)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.from_json:
        with open(args.from_json) as fh:
            previous = json.load(fh)
        with open(args.markdown or "/dev/stdout", "w") as fh:
            fh.write(markdown(previous) + "\n")
        return
    if args.timm:
        for name in TIMM:
            HEALTHY[f"timm {name}"] = (timm_model(name), (2, 3, 224, 224))
    rows = []
    for group, table in (("healthy", HEALTHY), ("broken", BROKEN), ("flagged", FLAGGED)):
        for name, spec in table.items():
            if args.only and name not in args.only:
                continue
            factory, shape = spec[0], spec[1]
            try:
                row = run(name, factory, shape)
            except Exception as exc:  # a reference that cannot build here is reported, not fatal
                row = {"model": name, "error": f"{type(exc).__name__}: {exc}"[:300]}
            row["group"] = group
            if group in ("broken", "flagged"):
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
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(markdown(rows) + "\n")


if __name__ == "__main__":
    main()
