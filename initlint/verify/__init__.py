"""Runtime verifier: build a model and measure whether its initialization is sound.

Importing this package does not import torch (the CLI registers ``initlint verify`` without it);
``verify_model`` and the report classes load torch on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["verify_model", "ModelReport", "RunReport", "Finding"]


def __getattr__(name: str) -> Any:
    if name == "verify_model":
        from .api import verify_model

        return verify_model
    if name in ("ModelReport", "RunReport"):
        from . import report

        return getattr(report, name)
    if name == "Finding":
        from .findings import Finding

        return Finding
    raise AttributeError(f"module 'initlint.verify' has no attribute {name!r}")
