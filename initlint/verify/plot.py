"""``--plot``: activation RMS and weight gain versus depth, one line per model (matplotlib extra)."""

from __future__ import annotations

from pathlib import Path

from .report import RunReport


def write_plot(run: RunReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_act, ax_gain) = plt.subplots(1, 2, figsize=(12, 4.5))
    for model in run.models:
        if model.propagation:
            values = [p["rms"] for p in model.propagation["activation_rms"] if p["rms"] is not None]
            if values:
                ax_act.plot(range(len(values)), values, marker=".", label=model.target)
        gains = [(r["gain_in"]) for r in model.parameters if r.get("role") == "matrix" and r.get("gain_in")]
        if gains:
            ax_gain.plot(range(len(gains)), gains, marker=".", label=model.target)
    ax_act.set_yscale("log")
    ax_act.set_xlabel("depth (block or weighted layer, forward order)")
    ax_act.set_ylabel("activation RMS")
    ax_act.set_title("signal propagation (needs --input-shape)")
    ax_gain.set_yscale("log")
    ax_gain.axhspan(0.5, 1.5, color="green", alpha=0.1, label="Kaiming/Xavier/default band")
    ax_gain.set_xlabel("weight matrix (registration order)")
    ax_gain.set_ylabel("gain std*sqrt(fan_in)")
    ax_gain.set_title("weight gain")
    for ax in (ax_act, ax_gain):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
