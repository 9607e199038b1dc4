"""Find, import and build the models to verify: seeded, deterministic, with NaN-filled memory.

Uninitialized memory is not detectable from values (``torch.empty`` returned zeros, N(0,1)-like
reused memory or 1e32 garbage, run to run), so models are built under torch's deterministic mode,
which fills every ``empty`` with NaN: an all-NaN parameter afterwards was never written by any init.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import torch
from torch import nn
from torch.overrides import TorchFunctionMode


class LoadError(Exception):
    """A one-line, user-facing reason a model could not be loaded or built."""


@dataclass
class Target:
    """One model to build: where it came from and how to construct it."""

    label: str
    factory: Callable[..., Any]
    kwargs: Dict[str, Any] = field(default_factory=dict)


@dataclass
class Discovery:
    targets: List[Target]
    skipped: List[Tuple[str, str]]  # (label, reason)
    errors: List[Tuple[str, str]]  # (label, one-line error)


def _set_deterministic(mode: bool, *, warn_only: bool) -> None:
    """The eager-mode switch behind ``torch.use_deterministic_algorithms``. The public function also
    imports ``torch._inductor.config`` to set its flag for compiled code, which took 3.5-7 s on
    first use here and is irrelevant to building a model eagerly; leaving it alone also leaves the
    user's inductor setting untouched."""
    setter = getattr(torch._C, "_set_deterministic_algorithms", None)
    if setter is None:
        torch.use_deterministic_algorithms(mode, warn_only=warn_only)
    else:
        setter(mode, warn_only=warn_only)


@contextlib.contextmanager
def nan_filled_memory() -> Iterator[None]:
    """Deterministic mode with NaN-filled uninitialized memory; the user's settings come back after."""
    was_enabled = torch.are_deterministic_algorithms_enabled()
    was_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    det = getattr(torch.utils, "deterministic", None)
    was_fill = getattr(det, "fill_uninitialized_memory", None) if det is not None else None
    _set_deterministic(True, warn_only=True)
    if det is not None:
        det.fill_uninitialized_memory = True
    try:
        yield
    finally:
        _set_deterministic(was_enabled, warn_only=was_warn_only)
        if det is not None and was_fill is not None:
            det.fill_uninitialized_memory = was_fill


def parse_device(spec: str) -> torch.device:
    try:
        device = torch.device(spec)
    except (RuntimeError, ValueError) as exc:
        raise LoadError(f"unknown device {spec!r}: {str(exc).splitlines()[0]}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise LoadError(f"device {spec!r} requested but CUDA is not available on this machine")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise LoadError(f"device {spec!r} requested but only {torch.cuda.device_count()} CUDA device(s) exist")
    return device


def parse_dtype(spec: Optional[str]) -> Optional[torch.dtype]:
    if spec is None:
        return None
    value = getattr(torch, spec, None)
    if not isinstance(value, torch.dtype) or not value.is_floating_point:
        raise LoadError(f"unknown floating dtype {spec!r} (use float32, float64, float16 or bfloat16)")
    return value


def _package_root(path: Path) -> Tuple[Path, str]:
    """The sys.path entry and dotted module name under which a file imports like its package does
    (the linter's package of its folder, namespace folders inside a package included)."""
    from initlint.analysis.project.summary import module_name as dotted_module
    from initlint.engine.runner import package_of

    path = path.resolve()
    package = package_of(path.parent)
    parent = path.parent
    for _ in package.split(".") if package else ():
        parent = parent.parent
    return parent, dotted_module(package, path.name)


def import_file(path: Path) -> Any:
    root, module_name = _package_root(path)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    if not module_name:
        raise LoadError(f"{path}: cannot derive a module name")
    existing = sys.modules.get(module_name)
    existing_file = getattr(existing, "__file__", None) if existing is not None else None
    if existing is not None and (existing_file is None or Path(existing_file).resolve() != path.resolve()):
        # Another file already owns this module name (two model.py in different folders).
        return _import_by_path(path, f"_initlint_verify_{abs(hash(str(path.resolve())))}_{path.stem}")
    return _import(module_name, str(path))


def _import_by_path(path: Path, unique_name: str) -> Any:
    if unique_name in sys.modules:
        return sys.modules[unique_name]
    spec = importlib.util.spec_from_file_location(unique_name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique_name] = module
    try:
        spec.loader.exec_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # user code
        sys.modules.pop(unique_name, None)
        raise LoadError(f"{path}: import failed: {type(exc).__name__}: {_one_line(exc)}") from None
    return module


def _import(module_name: str, label: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except SystemExit as exc:
        raise LoadError(f"{label}: import called sys.exit({exc.code})") from None
    except BaseException as exc:  # user code: anything can come out of an import
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise LoadError(f"{label}: import failed: {type(exc).__name__}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else ""


LIBRARY_PREFIXES = ("hf", "timm", "torchvision")
_EXTRA = {"hf": ("transformers", "hf"), "timm": ("timm", "timm"), "torchvision": ("torchvision", "torchvision")}


def _import_library(prefix: str, spec: str) -> Any:
    package, extra = _EXTRA[prefix]
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or package
        raise LoadError(f"{spec!r} needs {package} (import failed: {missing} missing): "
                        f"pip install 'initlint[{extra}]'") from None
    except Exception as exc:  # noqa: BLE001 - a library that is installed but broken (ABI mismatch)
        raise LoadError(f"{spec!r}: {package} is installed but does not import: {_describe_error(exc)}; "
                        f"reinstall a version built for torch {torch.__version__}") from None


def library_target(spec: str, kwargs: Dict[str, Any], config: Optional[Dict[str, Any]] = None) -> Target:
    """``hf:<ModelClass>`` (built from ``config``, random init), ``timm:<name>`` and
    ``torchvision:<name>`` (``pretrained=False``/``weights=None``); ``kwargs`` go to the constructor."""
    prefix, _, name = spec.partition(":")
    if not name:
        raise LoadError(f"{spec!r}: expected {prefix}:<name>")
    lib = _import_library(prefix, spec)
    if prefix == "hf":
        cls = getattr(lib, name, None)
        config_class = getattr(cls, "config_class", None)
        if cls is None or config_class is None:
            raise LoadError(f"{spec!r}: transformers has no model class {name!r} (use a class name such as "
                            "BertForMaskedLM or LlamaForCausalLM)")
        cfg_values = dict(config or {})

        def build_hf() -> Any:
            return cls(config_class(**cfg_values), **kwargs)
        return Target(label=spec, factory=build_hf)
    if prefix == "timm":
        if name not in lib.list_models():
            raise LoadError(f"{spec!r}: timm has no model {name!r} (timm.list_models() lists them)")
        return Target(label=spec, factory=lambda: lib.create_model(name, pretrained=False, **kwargs))
    models = importlib.import_module("torchvision.models")
    if name not in models.list_models():
        raise LoadError(f"{spec!r}: torchvision has no model {name!r} (torchvision.models.list_models())")
    return Target(label=spec, factory=lambda: models.get_model(name, weights=None, **kwargs))


def resolve(spec: str, kwargs: Optional[Dict[str, Any]] = None, config: Optional[Dict[str, Any]] = None) -> Target:
    """``module.path:Name`` or ``file.py:Name`` (Name may be dotted) to a build target; library
    models by name with an ``hf:``, ``timm:`` or ``torchvision:`` prefix."""
    if spec.partition(":")[0] in LIBRARY_PREFIXES:
        return library_target(spec, dict(kwargs or {}), config)
    if config:
        raise LoadError(f"{spec!r}: --config applies to hf:<ModelClass> targets; use --kwargs for constructors")
    if ":" not in spec:
        raise LoadError(f"{spec!r}: expected module.path:Name or file.py:Name")
    where, _, attr = spec.rpartition(":")
    if not where or not attr:
        raise LoadError(f"{spec!r}: expected module.path:Name or file.py:Name")
    if where.endswith(".py") or os.sep in where or "/" in where:
        path = Path(where)
        if not path.is_file():
            raise LoadError(f"{spec!r}: no such file {where}")
        module = import_file(path)
    else:
        if str(Path.cwd()) not in sys.path:
            sys.path.insert(0, str(Path.cwd()))
        module = _import(where, spec)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise LoadError(f"{spec!r}: {getattr(obj, '__name__', where)} has no attribute {part!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise LoadError(f"{spec!r}: {attr} is neither a class nor a factory function")
    return Target(label=spec, factory=obj, kwargs=dict(kwargs or {}))


def required_arguments(cls: type) -> List[str]:
    """Constructor parameters without defaults (empty when ``cls()`` can be called)."""
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return ["<unknown signature>"]
    return [p.name for p in sig.parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def discover(path: Path) -> Discovery:
    """nn.Module subclasses defined in a file or directory tree, split into buildable and skipped."""
    # Discovery imports every file it finds; scripts that run on import would run. Skip the files
    # that are never model definitions and commonly do things at import time.
    skip_names = {"setup.py", "conftest.py", "__main__.py", "noxfile.py"}
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*.py")
        if p.name not in skip_names
        and not any(part.startswith(".") or part in ("__pycache__", "build", "dist", "node_modules")
                    for part in p.relative_to(path).parts))
    found = Discovery(targets=[], skipped=[], errors=[])
    for file in files:
        try:
            module = import_file(file)
        except LoadError as exc:
            found.errors.append((str(file), str(exc)))
            continue
        for name, obj in sorted(vars(module).items()):
            if not (inspect.isclass(obj) and issubclass(obj, nn.Module)
                    and obj.__module__ == module.__name__):
                continue
            label = f"{file}:{name}"
            if name.startswith("_"):
                found.skipped.append((label, "private class"))
            elif inspect.isabstract(obj):
                found.skipped.append((label, "abstract class"))
            elif required_arguments(obj):
                found.skipped.append((label, "constructor needs arguments: " + ", ".join(required_arguments(obj))))
            else:
                found.targets.append(Target(label=label, factory=obj))
    return found


def _describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_one_line(exc)}"


class SkipMetaInPlace(TorchFunctionMode):
    """Makes in-place ops on meta tensors free (meta builds, --stream init replay).

    They are no-ops anyway, but not free: meta ``normal_`` runs torch's Python decompositions at
    ~1.7 ms a call, and replaying a whole-model init once per block made that 80% of a streamed
    Llama run (16,760 meta ``normal_`` calls, 28 of 36 s). Skipping them changes nothing observable.
    """

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        # torch.nn.init functions dispatch here with the tensor as a keyword (tensor=...).
        target = args[0] if args else kwargs.get("tensor")
        if (getattr(func, "__name__", "") in _VALUE_WRITES and isinstance(target, torch.Tensor)
                and target.is_meta):
            return target
        return func(*args, **kwargs)


# In-place ops that only write values (never shape, strides or requires_grad), so skipping them on
# a meta tensor is unobservable; torch.nn.init functions and the tensor methods they use.
_VALUE_WRITES = frozenset("""
    normal_ uniform_ trunc_normal_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_
    orthogonal_ sparse_ dirac_ eye_ constant_ ones_ zeros_ zero_ fill_ copy_ random_ bernoulli_
    exponential_ geometric_ cauchy_ log_normal_ mul_ add_ sub_ div_ clamp_ clamp_min_ clamp_max_
    erfinv_ exp_ log_ sqrt_ neg_ abs_ pow_ sign_ tanh_ sigmoid_ addcmul_ addcdiv_ lerp_ fmod_
    remainder_ masked_fill_ index_fill_ scatter_ index_copy_ clip_
""".split())


def build(target: Target, *, seed: int = 0, device: Optional[torch.device] = None,
          dtype: Optional[torch.dtype] = None, nan_fill: bool = True) -> nn.Module:
    """Construct the model on ``device`` (built there directly, no CPU copy) with seeded RNG."""
    device = device or torch.device("cpu")
    rng_devices = [device] if device.type == "cuda" else []
    fill = nan_filled_memory() if nan_fill else contextlib.nullcontext()
    skip = SkipMetaInPlace() if device.type == "meta" else contextlib.nullcontext()
    try:
        with fill, torch.random.fork_rng(devices=rng_devices), device, skip:
            torch.manual_seed(seed)
            model = target.factory(**target.kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # user code
        raise LoadError(f"{target.label}: constructor failed: {_describe_error(exc)}") from None
    if not isinstance(model, nn.Module):
        raise LoadError(f"{target.label}: returned {type(model).__name__}, not a torch.nn.Module")
    if dtype is not None:
        model = model.to(dtype)
    return model


def count_parameters_on_meta(target: Target, seed: int = 0) -> Optional[int]:
    """Unique parameter count from a meta-device build (no memory, no init work); None if the
    constructor cannot run on meta (init code that reads values)."""
    try:
        model = build(target, seed=seed, device=torch.device("meta"), nan_fill=False)
    except LoadError:
        return None
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def available_memory_bytes(device: torch.device) -> Optional[int]:
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def bytes_per_parameter(dtype: Optional[torch.dtype]) -> int:
    return torch.empty((), dtype=dtype or torch.get_default_dtype()).element_size()


def check_fits(label: str, n_params: int, device: torch.device, dtype: Optional[torch.dtype],
               max_params: int) -> None:
    """Refuse up front instead of swapping the machine to death.

    The model is built in the default dtype (fp32) and cast afterwards, so a bfloat16 run still
    needs the fp32 size at build time; the cast replaces one tensor at a time, so the peak is the
    larger of the two sizes."""
    elem = max(bytes_per_parameter(torch.get_default_dtype()), bytes_per_parameter(dtype))
    if max_params and n_params > max_params:
        raise LoadError(f"{label}: {n_params:,} parameters exceed --max-params {max_params:,}; "
                        "use --stream to verify block by block, or raise --max-params")
    avail = available_memory_bytes(device)
    need = n_params * elem
    if avail is not None and need > avail:
        raise LoadError(f"{label}: {n_params:,} parameters need {need / 2**30:.1f} GiB but only "
                        f"{avail / 2**30:.1f} GiB is available on {device}; use --stream")
