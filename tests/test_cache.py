"""The cache: same answers, invalidated by content, settings and version; never required."""

from __future__ import annotations

from pathlib import Path

from conftest import CLEAN, RISKY

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


WRAPPER = (
    "import torch\n\ndef zeros_(tensor):\n    return torch.nn.init.zeros_(tensor)\n\n"
    "def init_everything(m):\n    if type(m) == torch.nn.Linear:\n        zeros_(m.weight)\n"
    # a Linear subclass reaches it: the exact test skips it (a warning)
    "\nclass Tied(torch.nn.Linear):\n    pass\n\nclass Net(torch.nn.Module):\n"
    "    def __init__(self):\n        super().__init__()\n        self.fc = Tied(2, 2)\n"
    "        self.apply(init_everything)\n"
)


def test_identical_bytes_at_another_path_get_their_own_results(run, write) -> None:
    """Results depend on the path and package (here: `mylib.initializers` is a declared init
    module, whose own code is not user init code). The key ignored both, so the second file was
    served the first file's results: a missed finding, or a false one in the other order."""
    # (no pyproject.toml or .git: no project index, whose facts are keyed by path already)
    write("initlint.toml", 'init-modules = ["mylib.initializers"]\n')
    for package in ("mylib", "other"):
        write(f"{package}/__init__.py", "")
        write(f"{package}/initializers.py", WRAPPER)

    def lint(path: str):
        return run(path, "--config", "initlint.toml", "--output-format", "concise", cache=True)

    quiet = lint("mylib/initializers.py")
    assert quiet.exit_code == 0, quiet.stdout
    flagged = lint("other/initializers.py")
    assert flagged.stdout.startswith("other/initializers.py:7:8: INI201"), flagged.stdout
    # and the other order, from a warm cache of the flagged file
    assert lint("mylib/initializers.py").exit_code == 0
    assert lint("other/initializers.py").exit_code == 1


def test_same_content_in_another_package_is_keyed_apart() -> None:
    from initlint.engine.cache import cache_key

    base = cache_key(b"x = 1\n", "salt", path="/p/a/m.py", package="a")
    assert base == cache_key(b"x = 1\n", "salt", path="/p/a/m.py", package="a")
    assert base != cache_key(b"x = 1\n", "salt", path="/p/b/m.py", package="a")
    assert base != cache_key(b"x = 1\n", "salt", path="/p/a/m.py", package="b")
    assert base != cache_key(b"x = 1\n", "salt", path="/p/a/m.py", package="a", extra=("index:1",))
    # inputs are length-delimited: moving bytes between two inputs changes the key
    assert cache_key(b"1", "ab", path="c", package="") != cache_key(b"1", "a", path="bc", package="")


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / CACHE_DIR_NAME).rglob("*.json"))


def test_cache_entries_with_wrong_types_are_misses(run, write, tmp_path: Path) -> None:
    """A string `row` in an entry used to reach the output as a TypeError."""
    import json

    write("model.py", RISKY)
    expected = _concise(run).stdout
    (entry,) = _entries(tmp_path)
    good = json.loads(entry.read_text())
    broken_variants = []
    for mutate in (
        lambda d: d["diagnostics"][0]["location"].update(row="5"),
        lambda d: d["diagnostics"][0]["location"].update(column=True),
        lambda d: d["diagnostics"][0].update(severity="fatal"),
        lambda d: d["diagnostics"][0].update(code=201),
        lambda d: d["diagnostics"][0]["fix"]["edits"][0].update(content=None),
        lambda d: d["diagnostics"][0]["fix"].update(safety="maybe"),
        lambda d: d["diagnostics"][0].update(noqa_row="5"),
        lambda d: d["diagnostics"][0].pop("end_location"),
        lambda d: d.update(diagnostics={"0": 1}),
        lambda d: d["diagnostics"].append("row"),
    ):
        variant = json.loads(json.dumps(good))
        mutate(variant)
        broken_variants.append(json.dumps(variant))
    broken_variants += ["[]", "null", "[" * 100_000 + "]" * 100_000]  # the last: RecursionError
    for text in broken_variants:
        entry.write_text(text)
        again = _concise(run)
        assert again.stdout == expected and again.stderr == "", text[:80]


def test_code_fingerprint_follows_content_not_size_and_mtime(tmp_path: Path) -> None:
    """An edit that keeps a file's size and mtime (a checkout, a copy with preserved times)
    must still invalidate results."""
    import os

    from initlint.engine.cache import fingerprint_of

    source = tmp_path / "rule.py"
    source.write_text("LIMIT = 1\n")
    stat = source.stat()
    before = fingerprint_of(tmp_path)
    source.write_text("LIMIT = 2\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fingerprint_of(tmp_path) != before


# -- the stat fast path (engine/cache.py `Manifest`, `status_unchanged`) -----------------------
def _settled(monkeypatch) -> None:
    """Files written by a test are milliseconds old when linted, which the fast path treats as
    racy (they could change again within the file system's timestamp granularity) and hashes.
    Tests of the fast path itself take every change as settled at once."""
    from initlint.engine import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)


def test_a_warm_run_reads_no_unchanged_file(run, write, monkeypatch) -> None:
    """An unchanged file costs one `stat`: neither linting nor the project index reads it (a
    warm run of a 2,900-file project used to read and hash every file, 6.5 CPU s)."""
    from initlint.engine import project, runner

    _settled(monkeypatch)
    write("model.py", RISKY)
    write("clean.py", CLEAN)
    first = _concise(run)

    def fail(*args, **kwargs):
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr(runner, "read_source_with_stat", fail)
    monkeypatch.setattr(project, "read_source_with_stat", fail)
    monkeypatch.setattr(runner, "lint_bytes", fail)
    second = _concise(run)
    assert second.stdout == first.stdout and second.exit_code == first.exit_code == 1


def test_an_edit_that_keeps_size_and_mtime_is_linted_again(run, write, monkeypatch) -> None:
    """A checkout or a copy can give new content the old size and mtime; the inode change time
    (ctime) cannot be kept, so the file is hashed again and re-linted."""
    import os

    _settled(monkeypatch)
    path = write("model.py", RISKY)
    assert "model.py:5:8: INI201" in _concise(run).stdout
    status = path.stat()
    moved = RISKY.replace("\n\n\ndef", "\n\ndef") + "\n"  # same bytes count, the `def` a row up
    assert len(moved) == len(RISKY)
    path.write_text(moved)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    assert "model.py:4:8: INI201" in _concise(run).stdout


def test_a_file_changed_just_before_it_was_hashed_is_not_trusted_by_status() -> None:
    """git's "racily clean" case: a change within the timestamp granularity after the hash can
    keep every field of the status, so only files settled before the hash are trusted."""
    import os

    from initlint.engine import cache

    if not cache.STAT_TRUSTED:
        return
    now = 10_000_000_000_000
    fields = [0] * 10
    fields[1], fields[2], fields[6] = 7, 1, 100  # st_ino, st_dev, st_size

    def status(mtime: int, ctime: int) -> os.stat_result:
        values = list(fields)
        values[7:10] = [mtime // 10**9] * 3
        return os.stat_result(values, {"st_mtime_ns": mtime, "st_ctime_ns": ctime})

    old = status(now - 5 * 10**9, now - 5 * 10**9)
    assert cache.status_unchanged(cache.signature(old), now, old)
    racy = status(now - 10**9, now - 10**9)  # changed 1 s before the hash
    assert not cache.status_unchanged(cache.signature(racy), now, racy)
    touched = status(now - 5 * 10**9, now - 4 * 10**9)  # same mtime, another ctime
    assert not cache.status_unchanged(cache.signature(old), now, touched)


def test_editing_a_module_relints_the_files_that_depend_on_it(run, tmp_path: Path, monkeypatch) -> None:
    """With every unchanged file served by status, an edit of pkg/norms.py (no more `1 + weight`
    offset) must still re-lint pkg/init_utils.py, whose INI107 finding came from it."""
    import shutil

    _settled(monkeypatch)
    fixture = Path(__file__).parent / "fixtures" / "crossfile_checks"
    shutil.copytree(fixture, tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj")
    before = run(".", "--output-format", "concise", "--select", "INI107", cache=True).stdout
    assert "pkg/init_utils.py:17:9: INI107" in before
    norms = tmp_path / "proj" / "pkg" / "norms.py"
    norms.write_text(norms.read_text().replace("return x * (1 + self.weight)", "return x * self.weight"))
    after = run(".", "--output-format", "concise", "--select", "INI107", cache=True).stdout
    assert "pkg/init_utils.py:17" not in after
    assert "pkg/norms.py:21" in after  # the unchanged file's finding, from the cache


def test_fix_after_a_warm_run_still_fixes(run, write, monkeypatch) -> None:
    """The manifest serves results without linting; a file with fixable findings is still
    linted (and fixed) when --fix asks for it."""
    _settled(monkeypatch)
    path = write("model.py", RISKY)
    _concise(run)
    _concise(run)
    assert run(".", "--fix", cache=True).exit_code == 0
    assert path.read_text() == CLEAN


def test_the_rule_catalogue_names_the_rules_without_importing_them() -> None:
    """Salts (cache keys) and selectors come from the catalogue, read from the rule modules'
    sources; it must list exactly the rule classes."""
    from initlint.rules.registry import all_rules, catalogue, select_codes, select_rules

    assert catalogue() == tuple((rule.code, rule.name) for rule in all_rules())
    for select, ignore in ((["ALL"], []), (["INI1", "INI201"], ["INI103"]), (["unguarded-bias-init"], [])):
        assert select_codes(select, ignore) == tuple(r.code for r in select_rules(select, ignore))


def test_a_run_the_cache_answers_never_imports_libcst(tmp_path: Path) -> None:
    """Importing libcst and the rules is a third of a cached run; a run whose every file comes
    from the manifest needs neither."""
    import subprocess
    import sys

    (tmp_path / "model.py").write_text(RISKY)
    (tmp_path / "pyproject.toml").write_text("")
    script = (
        "import sys\n"
        "from initlint.engine import cache\n"
        "cache.RACY_NS = 0\n"
        "from initlint.cli.main import cli\n"
        "try:\n"
        "    cli(['check', '.', '--exit-zero', '-s'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('libcst' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], [r.stderr for r in runs]
