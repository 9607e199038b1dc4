"""The cache: same answers, invalidated by content, settings and version; never required."""

from __future__ import annotations

from pathlib import Path

from conftest import RISKY

from initlint.engine.cache import CACHE_DIR_NAME


def _concise(run, *args: str):
    return run(".", "--output-format", "concise", *args, cache=True)


def test_second_run_is_served_from_cache_with_same_output(run, write, tmp_path: Path, monkeypatch) -> None:
    write("model.py", RISKY)
    first = _concise(run)
    cache = tmp_path / CACHE_DIR_NAME
    assert (cache / ".gitignore").read_text().endswith("*\n")
    assert (cache / "CACHEDIR.TAG").exists()
    import initlint.engine.runner as runner

    def fail(*args, **kwargs):
        raise AssertionError("linted again although cached")

    monkeypatch.setattr(runner, "lint_bytes", fail)
    second = _concise(run)
    assert second.stdout == first.stdout and second.exit_code == first.exit_code == 1


def test_content_change_invalidates(run, write) -> None:
    path = write("model.py", RISKY)
    assert _concise(run).exit_code == 1
    path.write_text(RISKY.replace("type(m) == nn.Linear", "isinstance(m, nn.Linear)"))
    assert _concise(run).exit_code == 0


def test_settings_change_invalidates(run, write) -> None:
    write("model.py", RISKY)
    assert _concise(run).exit_code == 1
    assert _concise(run, "--ignore", "INI201").exit_code == 0
    assert '"severity": "info"' not in run(".", "--output-format", "json", cache=True).stdout
    write("pyproject.toml", '[tool.initlint.severity]\nINI201 = "info"\n')
    assert '"severity": "info"' in run(".", "--output-format", "json", cache=True).stdout


def test_fix_works_on_cached_files(run, write) -> None:
    path = write("model.py", RISKY)
    _concise(run)
    assert run(".", "--fix", cache=True).exit_code == 0
    assert "isinstance(m, nn.Linear)" in path.read_text()


def test_no_cache_writes_nothing(run, write, tmp_path: Path) -> None:
    write("model.py", RISKY)
    run(".", "--no-cache")
    assert not (tmp_path / CACHE_DIR_NAME).exists()


def test_cache_dir_option(run, write, tmp_path: Path) -> None:
    write("model.py", RISKY)
    run(".", "--cache-dir", "elsewhere", cache=True)
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").exists()
    assert not (tmp_path / CACHE_DIR_NAME).exists()


def test_corrupt_cache_entry_is_ignored(run, write, tmp_path: Path) -> None:
    write("model.py", RISKY)
    _concise(run)
    for entry in (tmp_path / CACHE_DIR_NAME).rglob("*.json"):
        entry.write_text("{not json")
    assert "model.py:5:8: INI201" in _concise(run).stdout
