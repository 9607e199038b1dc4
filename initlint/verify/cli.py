"""``initlint verify``: the click command. Importing this module must not import torch, because
the main CLI imports it to register the subcommand and ``initlint --version`` must stay fast."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import click

from .findings import SEVERITIES

TORCH_MISSING = "initlint verify needs PyTorch: pip install 'initlint[verify]'"
_PROGRESS_MIN_PARAMS = 20_000_000


def _parse_shape(value: Optional[str]) -> Optional[Tuple[int, ...]]:
    if value is None:
        return None
    try:
        shape = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected comma-separated integers like 8,3,224,224") from None
    if not shape or any(d <= 0 for d in shape):
        raise click.BadParameter(f"{value!r}: expected positive sizes like 8,3,224,224")
    return shape


def _parse_kwargs(value: Optional[str]) -> Dict[str, Any]:
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON: {exc.msg} (at char {exc.pos})") from None
    if not isinstance(parsed, dict):
        raise click.BadParameter("must be a JSON object, e.g. '{\"depth\": 50}'")
    return parsed


class _Progress:
    """A one-line progress indicator on stderr for models with many parameters."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < _PROGRESS_MIN_PARAMS:
            return
        self.shown = True
        click.echo(f"\r  {self.label}: {done / total:6.1%} of {total:,} parameters", nl=False, err=True)

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)


@click.command("verify")
@click.argument("targets", nargs=-1, required=True)
@click.option("--kwargs", "kwargs_json", metavar="JSON", help="Constructor keyword arguments as a JSON object.")
@click.option("--input-shape", metavar="N,C,H,W", help="Run the signal-propagation check on a random input "
              "of this shape (token ids when the model starts with an embedding).")
@click.option("--mode", type=click.Choice(["train", "eval"]), default="train", show_default=True,
              help="train: BatchNorm uses batch statistics, dropout off; eval: running statistics.")
@click.option("--device", default="cpu", show_default=True, help="Build and measure on this device (cpu, cuda, cuda:1).")
@click.option("--dtype", default=None, help="Cast parameters to this dtype (float32, float64, float16, bfloat16).")
@click.option("--seed", type=int, default=0, show_default=True, help="RNG seed for building and inputs.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(list(reversed(SEVERITIES))), default="warning", show_default=True,
              help="Exit 1 when a finding at or above this severity exists.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write activation RMS and weight gain versus depth to this PNG (needs matplotlib).")
@click.option("--max-params", type=click.IntRange(min=0), default=2_000_000_000, show_default=True,
              help="Refuse to build larger models without --stream (0: no limit).")
@click.option("--stream", is_flag=True, help="Build on the meta device and materialize one block of "
              "parameters at a time (models larger than memory; weight checks only).")
@click.option("--block-params", type=click.IntRange(min=1), default=50_000_000, show_default=True,
              help="Parameters per materialized block with --stream.")
@click.option("--reinit/--no-reinit", default=None, help="Run the model's init entry point a second time and "
              "report parameters whose scale changes (default: on for models up to 30M parameters).")
@click.option("--init-method", metavar="NAME", default=None, help="The model method --reinit runs (default: "
              "Hugging Face init_weights, init_weights/reset_parameters, else every module's reset_parameters).")
@click.option("--config", "config_json", metavar="JSON", help="Configuration for hf:<ModelClass> targets "
              "(a JSON object passed to the model's config class).")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: when it is a terminal).")
@click.pass_context
def verify_command(ctx: click.Context, targets: Sequence[str], kwargs_json: Optional[str],
                   input_shape: Optional[str], mode: str, device: str, dtype: Optional[str], seed: int,
                   output_format: str, fail_on: str, plot_path: Optional[Path], max_params: int,
                   stream: bool, block_params: int, reinit: Optional[bool], init_method: Optional[str],
                   config_json: Optional[str], progress: Optional[bool]) -> None:
    """Build models and measure their initialization: non-finite or never-initialized parameters,
    scale, zeros, means, norm weights, duplicates, and (with --input-shape) signal propagation.

    TARGETS are module.path:Name, file.py:Name (a class or zero-argument factory), library models by
    name (hf:<ModelClass> with --config JSON, timm:<name>, torchvision:<name>; --kwargs go to the
    constructor), or files and directories in which every nn.Module constructible without arguments
    is verified.

    Exit status: 0 ok, 1 findings at or above --fail-on, 2 usage, load or build errors.
    """
    try:
        with warnings.catch_warnings():
            # torch warns at import when numpy is absent; the verifier does not use numpy.
            warnings.filterwarnings("ignore", message=".*NumPy.*")
            import torch  # noqa: F401
    except ImportError:
        click.echo(TORCH_MISSING, err=True)
        ctx.exit(2)
    shape = _parse_shape(input_shape)
    kwargs = _parse_kwargs(kwargs_json)
    config = _parse_kwargs(config_json)
    if stream and shape is not None:
        raise click.UsageError("--input-shape needs the whole model in memory; drop it with --stream")
    from . import runner

    try:
        dev, dt = runner.parse_device_dtype(device, dtype)
    except runner.LoadError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
    if plot_path is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            click.echo("--plot needs matplotlib: pip install 'initlint[plot]'", err=True)
            ctx.exit(2)
    show_progress = sys.stderr.isatty() if progress is None else progress
    run = runner.run_targets(
        targets, kwargs=kwargs, config=config, reinit=reinit, init_method=init_method,
        shape=shape, mode=mode, device=dev, dtype=dt, seed=seed,
        fail_on=fail_on, max_params=max_params, stream=stream, block_params=block_params,
        progress_factory=lambda label: _Progress(label, show_progress),
        on_model=None if output_format == "json" else lambda m: click.echo(m.summary() + "\n"))
    if output_format == "json":
        click.echo(run.to_json())
    else:
        bad = sum(1 for m in run.models if not m.ok)
        click.echo(f"{len(run.models)} model(s): {bad} failed" + (f" (fail-on {fail_on})" if bad else ""))
    if plot_path is not None:
        from .plot import write_plot

        write_plot(run, plot_path)
        if output_format != "json":
            click.echo(f"plot written to {plot_path}")
    if any(m.error is not None for m in run.models):
        ctx.exit(2)
    ctx.exit(0 if run.ok else 1)
