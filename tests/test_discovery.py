"""Which files get linted: recursion, suffixes, .gitignore, default excludes, --force-exclude."""

from __future__ import annotations

from pathlib import Path

from conftest import RISKY


def _linted(result) -> list[str]:
    return sorted(l.split(":")[0] for l in result.stdout.splitlines() if ":5:8: INI201" in l)


def test_recursion_and_suffixes(run, write) -> None:
    write("a/b/c/deep.py", RISKY)
    write("stubs/model.pyi", RISKY)
    write("notes.txt", RISKY)
    write("script", RISKY)
    assert _linted(run(".", "--output-format", "concise")) == ["a/b/c/deep.py", "stubs/model.pyi"]


def test_gitignore_respected_in_git_repos(run, write, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(".gitignore", "ignored/\n*_gen.py\n!keep_gen.py\n/rooted.py\n")
    write("ignored/model.py", RISKY)
    write("src/model_gen.py", RISKY)
    write("src/keep_gen.py", RISKY)
    write("rooted.py", RISKY)
    write("src/rooted.py", RISKY)
    write("src/.gitignore", "local.py\n")
    write("src/local.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert _linted(result) == ["src/keep_gen.py", "src/rooted.py"]
    everything = run(".", "--no-respect-gitignore", "--output-format", "concise")
    assert len(_linted(everything)) == 6


def test_default_excludes(run, write) -> None:
    for folder in (".venv", "venv", "build", "dist", ".git", "node_modules", "__pycache__"):
        write(f"{folder}/model.py", RISKY)
    write("src/model.py", RISKY)
    assert _linted(run(".", "--output-format", "concise")) == ["src/model.py"]


def test_exclude_replaces_defaults(run, write) -> None:
    write("build/model.py", RISKY)
    write("src/model.py", RISKY)
    assert _linted(run(".", "--exclude", "src", "--output-format", "concise")) == ["build/model.py"]


def test_explicit_files_are_linted_unless_force_exclude(run, write) -> None:
    write("build/model.py", RISKY)
    assert _linted(run("build/model.py", "--output-format", "concise")) == ["build/model.py"]
    forced = run("build/model.py", "--force-exclude", "--output-format", "concise")
    assert _linted(forced) == [] and forced.exit_code == 0


def test_force_exclude_respects_gitignore_for_explicit_files(run, write, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(".gitignore", "gen/\n")
    write("gen/model.py", RISKY)
    assert _linted(run("gen/model.py", "--force-exclude", "--output-format", "concise")) == []


def test_same_file_twice_is_linted_once(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "model.py", ".", "--output-format", "concise")
    assert _linted(result) == ["model.py"]


def test_exclude_matching_is_fnmatch_per_pattern() -> None:
    """The precompiled exclude matcher answers as fnmatch on each pattern does (ruff-like: a
    bare name matches any component, a pattern with '/' the relative path)."""
    import fnmatch

    from initlint.engine.discovery import _matches_exclude

    def reference(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
        for pattern in patterns:
            pattern = pattern.rstrip("/")
            if "/" in pattern:
                pattern = pattern[2:] if pattern.startswith("./") else pattern
                if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*"):
                    return True
            elif fnmatch.fnmatchcase(name, pattern):
                return True
        return False

    pattern_sets = [(".git", "build/", "*.pyc", "./docs/*.py", "a/b", "tests/fix[a-z]*", "x?y", "dist"), (), ("models/",)]
    names = [".git", "build", "a.pyc", "docs", "b", "fixture", "xay", "dist", "models", "ok.py"]
    paths = ["build", "src/a.pyc", "docs/x.py", "docs/sub/x.py", "a/b", "a/b/c.py", "tests/fixabc/q", "pkg/models"]
    for patterns in pattern_sets:
        for name in names:
            for relative in paths:
                assert _matches_exclude(name, relative, patterns) == reference(name, relative, patterns)
