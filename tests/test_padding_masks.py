"""INI105 form 1 across files (tests/fixtures/padding_masks): a padded embedding redrawn at random
is only `info` when the model holding it masks padded positions itself, with the mask helper in a
base class of another module; models that leave masking to the caller, or read the batch's last
step, keep the warning; so does a forward (inherited from another module) whose mask may be None,
while one that every call must give a mask beside the ids is evidence."""

from __future__ import annotations

import json
from pathlib import Path

from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import all_rules

FIXTURE = Path(__file__).parent / "fixtures" / "padding_masks"


def _findings(run) -> dict[int, dict]:
    result = run(str(FIXTURE), "--output-format", "json", "--select", "INI105")
    rows = json.loads(result.stdout)
    assert all(Path(d["filename"]).name == "models.py" for d in rows), rows
    return {d["location"]["row"]: d for d in rows}


def test_models_that_mask_padding_themselves_are_info(run) -> None:
    found = _findings(run)
    assert {row: d["severity"] for row, d in found.items()} == {
        19: "info",  # MaskedTagger: key_padding_mask(tokens) in pkg/base.py tests tokens.eq(pad_id)
        38: "info",  # LastStepScorer: a GRU read at clicks_len - 1
        56: "info",  # BagOfWords: a caller-supplied attention_mask its forward applies
        76: "warning",  # LastTokenClassifier: masks keys but reads x[:, -1]
        94: "info",  # ProteinEncoder: its forward, in pkg/base.py, requires the mask beside the ids
        107: "info",  # LooseEncoder: the same forward, its mask optional
    }
    assert "(`tokens.eq(self.pad_id)` at pkg.base:10, in `self.key_padding_mask(tokens)`)" in found[19]["message"]
    assert "`self.gather_positions(states, clicks_len - 1)` at pkg.models:42" in found[38]["message"]
    assert "after a recurrent layer" in found[38]["message"]
    assert "masks padded positions" not in found[76]["message"]
    assert "a mask the model applies whenever a caller passes one" in found[56]["message"]
    assert (
        "(`forward(..., sequence_mask)` at pkg.base:21, a mask every call must pass beside the ids "
        "it feeds to `self.table`)" in found[94]["message"]
    )


def test_without_the_base_class_the_mask_helper_is_not_evidence() -> None:
    """Linted alone (no project index), `self.key_padding_mask` cannot be followed: the warning stays."""
    rules = tuple(r for r in all_rules() if r.code == "INI105")
    text = (FIXTURE / "pkg" / "models.py").read_bytes()
    result = lint_bytes(text, "models.py", LintOptions(rules=rules))
    severities = {d.location.row: d.severity.value for d in result.diagnostics}
    assert severities[19] == "warning"
    assert severities[38] == "info"  # the GRU and its read at clicks_len - 1 are in this file
