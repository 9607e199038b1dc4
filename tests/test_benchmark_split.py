"""The 2026-12-01 tuning/held-out split in benchmarks/real_packages.py, and its archive handling.

The split must stay what SPLIT_RULE gives (a package moved by hand would leak held-out code into
tuning), and sdists as well as wheels must unpack to the package roots the benchmark lints.
"""

from __future__ import annotations

import collections
import importlib.util
import io
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "real_packages.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("real_packages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_packages"] = module
    spec.loader.exec_module(module)
    return module


def test_recorded_groups_are_what_the_rule_gives(bench) -> None:
    assert {p.name: p.group for p in bench.EVALUATION} == bench.split_by_rule(bench.EVALUATION)


def test_split_is_balanced_by_domain(bench) -> None:
    groups = collections.Counter(p.group for p in bench.EVALUATION)
    assert set(groups) == {"tuning", "heldout"}
    assert abs(groups["tuning"] - groups["heldout"]) <= 1
    by_domain: dict[str, set[str]] = collections.defaultdict(set)
    for p in bench.EVALUATION:
        by_domain[p.domain].add(p.group)
    sizes = collections.Counter(p.domain for p in bench.EVALUATION)
    for domain, size in sizes.items():
        if size >= 2:
            assert by_domain[domain] == {"tuning", "heldout"}, domain


def test_evaluation_packages_are_new_and_pinned(bench) -> None:
    original = {p.name for p in bench.ORIGINAL}
    assert len(bench.EVALUATION) >= 12
    assert all(p.group == "original" for p in bench.ORIGINAL)
    names = [p.name for p in bench.PACKAGES]
    assert len(names) == len(set(names))
    for p in bench.EVALUATION:
        assert p.name not in original and p.domain and p.version[0].isdigit()


def test_split_rule_alternates_in_domain_then_name_order(bench) -> None:
    P = bench.Package
    made = (P("b", "1", ("b",), domain="x"), P("a", "1", ("a",), domain="x"),
            P("c", "1", ("c",), domain="w"))
    assert bench.split_by_rule(made) == {"c": "tuning", "a": "heldout", "b": "tuning"}


def _tar_gz(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def test_sdist_unpacks_to_its_package_root(bench, tmp_path: Path) -> None:
    package = bench.Package("some-models", "0.1", ("some_models",), group="tuning", domain="x")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    _tar_gz(downloads / "some_models-0.1.tar.gz",
            {"some_models-0.1/setup.py": b"", "some_models-0.1/some_models/net.py": b"x = 1\n"})
    roots = bench._find_roots(package, bench.fetch(package, tmp_path, quiet=True))
    assert [r.relative_to(tmp_path).as_posix() for r in roots] == [
        "src/some-models-0.1/some_models-0.1/some_models"]
    assert bench.count_python_files(roots) == 1


def test_wheel_unpacks_to_its_package_root(bench, tmp_path: Path) -> None:
    package = bench.Package("some-models", "0.1", ("some_models",), group="tuning", domain="x")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with zipfile.ZipFile(downloads / "some_models-0.1-py3-none-any.whl", "w") as zf:
        zf.writestr("some_models/net.py", "x = 1\n")
        zf.writestr("some_models-0.1.dist-info/METADATA", "")
    roots = bench._find_roots(package, bench.fetch(package, tmp_path, quiet=True))
    assert [r.relative_to(tmp_path).as_posix() for r in roots] == ["src/some-models-0.1/some_models"]


def test_group_option_selects_only_that_group(bench, tmp_path: Path, monkeypatch, capsys) -> None:
    seen: list[str] = []

    def fake_fetch(package, cache, quiet=False):
        seen.append(package.name)
        return tmp_path

    monkeypatch.setattr(bench, "fetch", fake_fetch)
    monkeypatch.setattr(bench, "_find_roots", lambda package, unpacked: [tmp_path])
    monkeypatch.setattr(bench, "run_initlint",
                        lambda package, roots, select: bench.PackageRun(package, 0, 0.0, []))
    for group in ("tuning", "heldout", "original"):
        seen.clear()
        assert bench.main(["--cache-dir", str(tmp_path), "--group", group, "--quiet"]) == 0
        assert seen == [p.name for p in bench.PACKAGES if p.group == group]
    seen.clear()
    bench.main(["--cache-dir", str(tmp_path), "--quiet"])  # default: the original five only
    assert seen == [p.name for p in bench.ORIGINAL]
    capsys.readouterr()
