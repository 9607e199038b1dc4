"""Finding vocabulary of the runtime verifier (torch-free, shared by the CLI and the API).

Codes use the ``INV`` prefix so they never collide with the linter's ``INI`` rules; severities are
the linter's (``error``, ``warning``, ``info``) so CI can treat both tools' results alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class FindingKind:
    """A finding code with its stable kebab-case name and default severity."""

    code: str
    name: str
    severity: str
    summary: str


_KINDS = [
    # Per-parameter correctness (INV0xx).
    FindingKind("INV001", "non-finite-parameter", "error", "parameter holds NaN or infinity"),
    FindingKind("INV002", "uninitialized-parameter", "error",
                "parameter is all NaN after a NaN-filled build: no init code ever wrote it"),
    FindingKind("INV003", "garbage-magnitude", "error", "values far beyond any initialization scheme"),
    FindingKind("INV004", "constant-weight-matrix", "error", "weight matrix is one non-zero constant"),
    FindingKind("INV005", "nonzero-mean", "error", "weight mean is large relative to its std (U(0,1) style)"),
    FindingKind("INV006", "duplicate-parameters", "warning",
                "distinct parameters hold identical values (seed reset per layer, copy bug)"),
    FindingKind("INV007", "cloned-layers", "warning",
                "the layers of a stack hold identical values: one initialized layer was deep-copied"),
    # Scale (INV01x).
    FindingKind("INV010", "zero-weight-matrix", "warning", "weight matrix is all zeros"),
    FindingKind("INV011", "mostly-zero-matrix", "warning", "a large fraction of the weight matrix is exactly zero"),
    FindingKind("INV012", "gain-too-high", "warning", "std * sqrt(fan) far above every standard init"),
    FindingKind("INV013", "gain-too-low", "warning", "std * sqrt(fan) far below every standard init"),
    FindingKind("INV014", "extreme-embedding-std", "warning", "embedding std outside the range of healthy models"),
    FindingKind("INV015", "norm-weight-not-one", "warning",
                "a normalization's effective gain is not 1 (or its offset not 0), measured by probing it"),
    FindingKind("INV016", "padding-row-not-zero", "warning", "embedding padding_idx row is not zero"),
    FindingKind("INV017", "identity-init", "info", "weight is an identity (eye_/dirac_) pattern"),
    FindingKind("INV018", "zero-init-residual", "info",
                "zero weight inside a repeated block: zero-init-last/Fixup/SkipInit idiom"),
    FindingKind("INV019", "zero-init-head", "info", "the output layer is zero-initialized (ViT, MLP-Mixer idiom)"),
    FindingKind("INV020", "constant-gain", "info",
                "a constant gain/scale parameter: layer scale, logit scale, temperature, ReZero"),
    FindingKind("INV021", "gain-normalized-away", "info",
                "a weight's gain is off but the normalization right after it rescales the output"),
    # Signal propagation (INV03x).
    FindingKind("INV030", "non-finite-activation", "error", "forward pass produced NaN or infinity"),
    FindingKind("INV031", "non-finite-gradient", "error", "backward pass produced NaN or infinity"),
    FindingKind("INV032", "vanishing-activations", "error", "activation RMS collapses along depth"),
    FindingKind("INV033", "exploding-activations", "error", "activation RMS grows explosively along depth"),
    FindingKind("INV034", "vanishing-gradients", "error", "gradient RMS at the first layer collapses"),
    FindingKind("INV035", "exploding-gradients", "error", "gradient RMS at the first layer explodes"),
    FindingKind("INV036", "input-insensitive", "error", "the output barely depends on the input"),
    FindingKind("INV037", "dead-layer", "warning", "a layer's output is exactly zero"),
    FindingKind("INV038", "output-all-zero", "error", "the model's output is exactly zero"),
    FindingKind("INV039", "large-output-scale", "warning", "model output RMS far above healthy models' logits"),
    FindingKind("INV040", "non-idempotent-init", "warning",
                "running the model's init again changes a parameter's scale: a loaded checkpoint would be rescaled"),
    # Process notes (INV09x).
    FindingKind("INV090", "stream-init-partial", "info",
                "--stream replays init entry points only; init written inline in __init__ is not replayed"),
]

KINDS_BY_CODE: Dict[str, FindingKind] = {kind.code: kind for kind in _KINDS}
KINDS_BY_NAME: Dict[str, FindingKind] = {kind.name: kind for kind in _KINDS}


def kind(code_or_name: str) -> FindingKind:
    """Look a finding kind up by code (``INV001``) or name (``non-finite-parameter``)."""
    if code_or_name in KINDS_BY_CODE:
        return KINDS_BY_CODE[code_or_name]
    return KINDS_BY_NAME[code_or_name]


@dataclass
class Finding:
    """One thing the verifier measured that is off, with the numbers that prove it."""

    code: str
    name: str
    severity: str
    target: str  # parameter or module name, "<model>" for whole-model findings
    message: str
    measured: Dict[str, Any] = field(default_factory=dict)
    layer_kind: Optional[str] = None

    @classmethod
    def make(cls, code_or_name: str, target: str, message: str, *, severity: Optional[str] = None,
             layer_kind: Optional[str] = None, **measured: Any) -> "Finding":
        k = kind(code_or_name)
        return cls(code=k.code, name=k.name, severity=severity or k.severity, target=target,
                   message=message, measured=measured, layer_kind=layer_kind)

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "target": self.target,
            "layer_kind": self.layer_kind,
            "message": self.message,
            "measured": self.measured,
        }
