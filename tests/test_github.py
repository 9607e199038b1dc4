"""GitHub: SARIF fingerprints, rule help and URIs for code scanning; annotations; the example workflow."""

from __future__ import annotations

import json

import yaml
from conftest import REPO, RISKY

from initlint.output.sarif import FINGERPRINT_KEY


def _sarif(run, *args: str) -> dict:
    return json.loads(run(*args, "--output-format", "sarif").stdout)


def _fingerprints(log: dict) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]]


def test_fingerprints_survive_moved_lines_and_tell_occurrences_apart(run, write, sarif_validator) -> None:
    twice = RISKY + "\n\ndef init_again(m):\n    if type(m) == nn.Linear:\n        pass\n"
    write("model.py", twice)
    before = _sarif(run, "model.py")
    assert not list(sarif_validator.iter_errors(before))
    first, second = _fingerprints(before)
    assert first != second  # same line text, second occurrence
    assert first.endswith(":1") and second.endswith(":2")
    write("model.py", "# a comment that moves every line down\n\n" + twice)
    moved = _sarif(run, "model.py")
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in moved["runs"][0]["results"]] == [7, RISKY.count("\n") + 6]
    assert _fingerprints(moved) == [first, second]
    write("model.py", twice.replace("if type(m) == nn.Linear:\n        pass", "if type(m) == nn.Conv2d:\n        pass"))
    assert _fingerprints(_sarif(run, "model.py"))[0] == first
    assert _fingerprints(_sarif(run, "model.py"))[1] != second


def test_rules_carry_help_and_help_uri(run, write) -> None:
    write("model.py", RISKY)
    rules = _sarif(run, "model.py")["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["INI201"]["helpUri"].endswith("/rules/INI201.md")
    assert (REPO / "rules" / "INI201.md").is_file()
    assert by_id["INI201"]["help"]["markdown"].startswith("# INI201 type-comparison-in-init")


def test_uris_are_relative_to_the_repository_not_the_working_directory(run, write, tmp_path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    write("pkg/sub/model.py", RISKY)
    write("pkg/pyproject.toml", "[tool.initlint]\n")
    monkeypatch.chdir(tmp_path / "pkg")
    log = _sarif(run, "sub/model.py")
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pkg/sub/model.py"
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_notebook_annotations_name_the_cell_not_a_json_line(run, write) -> None:
    from test_notebook import INI201 as NOTEBOOK_INI201, NOTEBOOK

    write("a, b: 100%.ipynb", NOTEBOOK)
    out = run("a, b: 100%.ipynb", "--output-format", "github", "--select", "INI201").stdout
    assert out.splitlines()[0] == (
        "::notice title=initlint (INI201) at cell 3%2C line 3%2C column 8,"
        f"file=a%2C b%3A 100%25.ipynb::INI201 {NOTEBOOK_INI201}"
    )


def test_example_workflow_lints_uploads_sarif_and_caches() -> None:
    workflow = yaml.safe_load((REPO / "docs" / "github-workflow.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "--output-format github" in runs and "--output-format sarif" in runs
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".initlint_cache"
    permissions = next(iter(workflow["jobs"].values()))["permissions"]
    assert permissions["security-events"] == "write"
