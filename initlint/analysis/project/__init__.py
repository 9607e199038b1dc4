"""The semantic model's project layer: per-file summaries (stdlib `ast`), the project index that
answers cross-file questions, and the per-file view rules reach as `context.project`.

See notes in docs/architecture.md ("The project index"). Building, caching and sharing the index
with worker processes is the engine's job (`initlint.engine.project`).
"""

from __future__ import annotations

import hashlib
from typing import Optional

from initlint.analysis.project.index import (
    DEFAULT,
    UNKNOWN_REACH,
    Answer,
    LayerUse,
    OwnerInit,
    ProjectIndex,
    Reach,
)
from initlint.analysis.project.summary import (
    FileSummary,
    FunctionSummary,
    ParamInit,
    module_name,
    summarize,
)
from initlint.analysis.project.view import ProjectView, may_pass

__all__ = [
    "Answer", "DEFAULT", "FileSummary", "FunctionSummary", "LayerUse", "OwnerInit", "ParamInit", "ProjectIndex",
    "ProjectView", "Reach", "UNKNOWN_REACH", "content_digest", "may_pass", "module_name",
    "project_view", "summarize",
]


def content_digest(text: str) -> str:
    """The key summaries are cached and matched by (of the decoded text)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def project_view(path: str, text: str, package: Optional[str], index: Optional[ProjectIndex]) -> ProjectView:
    """The view for the file being linted: its summary from the index when the index holds this
    exact text, else summarised now (and, with an index, the index sees this text instead)."""
    module = module_name(package, path)
    digest = content_digest(text)
    if index is not None:
        known = index.file_with_digest(module, digest)
        if known is not None:
            return ProjectView(index, index.files[known])
    summary = summarize(text, module, package, path)
    if index is None:
        return ProjectView(ProjectIndex({path: summary}, digests={path: digest}), summary)
    existing = index.path_of_module(module) or path
    return ProjectView(index.with_file(existing, summary, digest), summary)
