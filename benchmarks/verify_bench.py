"""Cost of the verifier on real models: build time vs verify time, peak memory, and the two ratios
issue 4 sets as targets (statistics pass within 3x of one plain read of all weights; hooks adding
at most 50% to the forward/backward passes the propagation check performs).

Each model runs in its own subprocess so peak RSS is its own; timings are the fastest of several
interleaved runs (1 thread), because the machine is shared. Needs timm/transformers (see
benchmarks/verify_reference.py for the venv):

    PYTHONPATH=. /tmp/refvenv/bin/python benchmarks/verify_bench.py resnet50 vit_base gpt2
    PYTHONPATH=. /tmp/refvenv/bin/python benchmarks/verify_bench.py llama7b-stream   # ~25 GB fp32 model
    PYTHONPATH=. /tmp/refvenv/bin/python benchmarks/verify_bench.py gpt2-stream-vs-eager vit_base-stream-vs-eager
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import warnings
from typing import Any, Callable, Dict, List

import torch
from torch import nn

warnings.filterwarnings("ignore")


def _timm(name: str) -> Callable[[], nn.Module]:
    def build() -> nn.Module:
        import timm

        return timm.create_model(name, pretrained=False)
    return build


def _gpt2() -> nn.Module:
    import transformers as tf

    return tf.GPT2LMHeadModel(tf.GPT2Config())


def _llama7b() -> nn.Module:
    import transformers as tf

    return tf.LlamaForCausalLM(tf.LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                                              num_attention_heads=32, num_key_value_heads=32, vocab_size=32000))


MODELS: Dict[str, Any] = {
    "resnet50": (_timm("resnet50"), (2, 3, 224, 224)),
    "vit_base": (_timm("vit_base_patch16_224"), (2, 3, 224, 224)),
    "gpt2": (_gpt2, (2, 64)),
}


def _best(fn: Callable[[], Any], repeats: int = 3) -> float:
    """Fastest of a few runs: the machine is shared, and the minimum is the least disturbed."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _best_pair(a: Callable[[], Any], b: Callable[[], Any], repeats: int = 5) -> "tuple[float, float]":
    """Interleaved, so both sides of a ratio see the same machine load."""
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(_best(a, 1))
        tb.append(_best(b, 1))
    return min(ta), min(tb)


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def bench_one(name: str) -> Dict[str, Any]:
    from initlint.verify import loading, propagation, stream
    from initlint.verify.api import stats_in_batches
    from initlint.verify.layers import describe_parameters

    torch.set_num_threads(1)
    if name.endswith("-stream-vs-eager"):
        # --stream must reproduce an eager build's statistics tensor for tensor.
        base = name[: -len("-stream-vs-eager")]
        target = loading.Target(base, MODELS[base][0])
        start = time.perf_counter()
        streamed = stream.verify_streamed(target, block_params=20_000_000)
        stream_s = time.perf_counter() - start
        from initlint.verify import verify_model

        eager = verify_model(MODELS[base][0])
        e = {r["name"]: r for r in eager.parameters}
        diffs = [abs(r["std"] / e[r["name"]]["std"] - 1) for r in streamed.parameters
                 if r["std"] and e[r["name"]]["std"]]
        mismatched_zero = [r["name"] for r in streamed.parameters
                           if bool(r["std"]) != bool(e[r["name"]]["std"])]
        return {"model": name, "tensors": len(streamed.parameters), "blocks": streamed.info["blocks"],
                "entry_point": streamed.info["entry_point"], "max_std_rel_diff": round(max(diffs), 5),
                "zero_vs_nonzero_mismatch": mismatched_zero, "stream_s": round(stream_s, 2),
                "stream_findings": streamed.codes("info"), "eager_findings": eager.codes("info"),
                "tied_aliases": [r["aliases"] for r in streamed.parameters if r["aliases"]]}
    if name == "llama7b-stream":
        target = loading.Target(name, _llama7b)
        start = time.perf_counter()
        report = stream.verify_streamed(target, block_params=50_000_000)
        return {"model": name, "parameters": report.info["parameters"], "blocks": report.info["blocks"],
                "stream_s": round(time.perf_counter() - start, 1),
                "meta_build_s": report.info["build_meta_s"],
                "findings_warning+": report.codes("warning"),
                "peak_rss_gib": round(_peak_rss_gib(), 2)}
    factory, shape = MODELS[name]
    target = loading.Target(name, factory)
    build_s = _best(lambda: loading.build(target), repeats=2)
    meta_s = _best(lambda: loading.build(target, device=torch.device("meta"), nan_fill=False))
    model = loading.build(target)
    params = [i.param for i in describe_parameters(model)]
    read_s, stats_s = _best_pair(lambda: [p.detach().sum() for p in params],
                                 lambda: stats_in_batches(params), repeats=7)
    example = propagation.make_input(model, shape, torch.device("cpu"), torch.float32)
    other = propagation.make_like(example)

    def plain_passes() -> None:
        model.eval()
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.train()
        out = propagation.first_tensor(model(example))
        out.backward(torch.randn_like(out))
        with torch.no_grad():
            model(other)
        model.zero_grad(set_to_none=True)

    plain_s, hooked_s = _best_pair(plain_passes, lambda: propagation.measure(model, example), repeats=3)
    return {
        "model": name,
        "parameters": sum(p.numel() for p in params),
        "build_s": round(build_s, 3),
        "meta_build_s": round(meta_s, 3),
        "plain_read_s": round(read_s, 4),
        "stats_s": round(stats_s, 4),
        "stats_over_read": round(stats_s / read_s, 2),
        "passes_s": round(plain_s, 3),
        "propagation_s": round(hooked_s, 3),
        "hook_overhead": round(hooked_s / plain_s - 1, 3),
        "peak_rss_gib": round(_peak_rss_gib(), 2),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(bench_one(sys.argv[2])))
        return
    names: List[str] = sys.argv[1:] or list(MODELS)
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True)
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-500:]
        print(line, flush=True)


if __name__ == "__main__":
    main()
