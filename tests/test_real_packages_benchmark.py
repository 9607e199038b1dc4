"""benchmarks/real_packages.py: the 2026-12-01 tuning/held-out split, archives, verdict tables.

The split must stay what SPLIT_RULE gives (a package moved by hand would leak held-out code into
tuning), sdists as well as wheels must unpack to the package roots the benchmark lints, and the
per-rule true/idiom/false tables in docs/precision.md must be recomputable from a findings JSON
and a verdict TSV.
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


# Each later evaluation: how many packages each half holds (None: at least ten in all).
_HALF_SIZES = {2: None, 3: 9, 4: 10, 5: 10, 6: 10, 7: 10, 8: 10, 9: 10, 10: 10, 11: 10, 12: 6,
               13: 8, 14: 10, 15: 10, 16: 10, 17: 10, 18: 10, 19: 10,
               20: 10, 21: 10, 22: 10, 23: 10}


@pytest.mark.parametrize("number", sorted(_HALF_SIZES))
def test_later_evaluations_are_split_by_the_same_rule_and_new(bench, number: int) -> None:
    """Evaluation N is split by SPLIT_RULE (groups tuningN/heldoutN), its packages were in no
    earlier evaluation (names compared case-insensitively: En-transformer, PaLM-pytorch), and
    every one is among the packages the runner knows."""
    evaluation = getattr(bench, f"EVALUATION{number}")
    assert {p.name: p.group for p in evaluation} == bench.split_by_rule(evaluation, suffix=str(number))
    earlier = bench.ORIGINAL + bench.EVALUATION
    for before in range(2, number):
        earlier += getattr(bench, f"EVALUATION{before}")
    assert not {p.name.lower() for p in earlier} & {p.name.lower() for p in evaluation}
    groups = collections.Counter(p.group for p in evaluation)
    size = _HALF_SIZES[number]
    if size is None:
        assert set(groups) == {f"tuning{number}", f"heldout{number}"} and len(evaluation) >= 10
    else:
        assert groups == {f"tuning{number}": size, f"heldout{number}": size}
    assert all(p in bench.PACKAGES for p in evaluation)


def test_later_evaluations_keep_the_ten_domains(bench) -> None:
    """The tenth and eleventh take two packages from each domain of the one before; the
    twelfth (chosen by code shapes) only domains already used; the thirteenth two from each of
    eight of those ten; the fourteenth to twenty-third (chosen by domain and amount of model code)
    two from each of all ten."""
    for number in (10, 11):
        evaluation = getattr(bench, f"EVALUATION{number}")
        previous = getattr(bench, f"EVALUATION{number - 1}")
        assert collections.Counter(p.domain for p in evaluation) == {
            d: 2 for d in {p.domain for p in previous}}
    assert {p.domain for p in bench.EVALUATION12} <= {p.domain for p in bench.EVALUATION10}
    thirteenth = collections.Counter(p.domain for p in bench.EVALUATION13)
    assert set(thirteenth.values()) == {2} and len(thirteenth) == 8
    assert set(thirteenth) <= {p.domain for p in bench.EVALUATION10}
    for number in (14, 15, 16, 17, 18, 19, 20, 21, 22, 23):
        assert collections.Counter(p.domain for p in getattr(bench, f"EVALUATION{number}")) == {
            d: 2 for d in {p.domain for p in bench.EVALUATION10}}


def test_single_module_distributions_are_found_as_files(bench, tmp_path) -> None:
    (tmp_path / "tabm.py").write_text("import torch\n")
    package = bench.Package("tabm", "0.0.3", ("tabm.py",))
    roots = bench._find_roots(package, tmp_path)
    assert roots == [tmp_path / "tabm.py"]
    assert bench.count_python_files(roots) == 1


def test_archives_are_found_whatever_the_case_of_the_wheel_name(bench, tmp_path) -> None:
    wheel = tmp_path / "OpenNMT_py-3.5.1-py3-none-any.whl"
    wheel.write_bytes(b"")
    package = bench.Package("opennmt-py", "3.5.1", ("onmt",))
    assert bench._archive_for(package, tmp_path) == wheel


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


def _finding(package: str, file: str, row: int, code: str, severity: str) -> dict:
    return {"package": package, "file": file, "code": code, "severity": severity,
            "location": {"row": row, "column": 5}, "message": "m"}


FINDINGS = [
    _finding("a==1", "a/x.py", 10, "INI001", "error"),
    _finding("a==1", "a/x.py", 20, "INI001", "error"),
    _finding("b==2", "b/y.py", 3, "INI002", "warning"),
    _finding("b==2", "b/y.py", 4, "INI101", "info"),
    _finding("b==2", "b/y.py", 9, "INI002", "error"),
]


def _fill(template: str, verdicts: list[tuple[str, str, str]]) -> str:
    lines = template.splitlines()
    out = [lines[0]]
    for line, (verdict, cause, reason) in zip(lines[1:], verdicts):
        cells = line.split("\t")
        cells[4:7] = [verdict, cause, reason]
        out.append("\t".join(cells))
    return "\n".join(out) + "\n"


def test_template_lists_warnings_and_errors_sorted(bench) -> None:
    lines = bench.verdict_template(FINDINGS, "warning").splitlines()
    assert lines[0].split("\t") == list(bench.VERDICT_COLUMNS)
    assert [line.split("\t")[:4] for line in lines[1:]] == [
        ["a==1", "a/x.py:10:5", "INI001", "error"],
        ["a==1", "a/x.py:20:5", "INI001", "error"],
        ["b==2", "b/y.py:3:5", "INI002", "warning"],
        ["b==2", "b/y.py:9:5", "INI002", "error"],
    ]
    assert len(bench.verdict_template(FINDINGS, "info").splitlines()) == 6


def test_tally_counts_rates_and_lists_false_and_unreviewed(bench, tmp_path: Path) -> None:
    template = bench.verdict_template(FINDINGS, "warning")
    filled = _fill(template, [("true", "", "real"), ("false", "R2", "helper inits it"),
                              ("idiom", "R3", "guarded")])  # the 4th row stays unreviewed
    path = tmp_path / "v.tsv"
    path.write_text("\n".join(line for line in filled.splitlines() if not line.endswith("\t\t\t"))
                    + "\n# a comment line\n", encoding="utf-8")
    table = bench.tally(FINDINGS, bench.read_verdicts(path), "warning")
    assert "| INI001 | error | 2 | 1 | 0 | 1 | 50% |" in table
    assert "| INI002 | warning | 1 | 0 | 1 | 0 | 0% |" in table
    assert "| **all** | error | 2 | 1 | 0 | 1 | 50% |" in table
    assert "- false [R2]: INI001 a==1 a/x.py:20:5 — helper inits it" in table
    assert "- idiom [R3]: INI002 b==2 b/y.py:3:5 — guarded" in table
    assert "| a==1 | 2 | 1 | 0 | 1 | 0 | no |" in table
    assert "| b==2 | 2 | 0 | 1 | 0 | 1 | no |" in table  # an unreviewed finding may be true
    assert "1 finding(s) have no verdict" in table and "- INI002 b==2 b/y.py:9:5" in table
    # a verdict for a finding that is gone is reported, not silently counted
    later = [f for f in FINDINGS if f["location"]["row"] not in (10, 9)]
    again = bench.tally(later, bench.read_verdicts(path), "warning")
    assert "1 verdict(s) match no finding" in again
    assert "| a==1 | 1 | 0 | 0 | 1 | 0 | yes |" in again and "| b==2 | 1 | 0 | 1 | 0 | 0 | yes |" in again


def test_bad_verdict_names_its_line(bench, tmp_path: Path) -> None:
    path = tmp_path / "v.tsv"
    path.write_text("\t".join(bench.VERDICT_COLUMNS) + "\n"
                    + "a==1\ta/x.py:10:5\tINI001\terror\tmaybe\t\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"v.tsv:2: verdict 'maybe'"):
        bench.read_verdicts(path)


def test_committed_tuning_verdicts_are_well_formed(bench) -> None:
    path = SCRIPT.parent / "verdicts" / "tuning-2026-12-01.tsv"
    rows = bench.read_verdicts(path)
    tuning = {p.spec for p in bench.EVALUATION if p.group == "tuning"}
    assert rows and {package for package, _, _ in rows} <= tuning


def test_every_committed_verdict_file_reads_and_names_known_packages(bench) -> None:
    """The verdict files docs/precision.md cites are read by `--tally` as they are committed: a
    header first, comments and rows after, every row naming a package of the benchmark."""
    known = {p.spec for p in bench.PACKAGES}
    for path in sorted((SCRIPT.parent / "verdicts").glob("*.tsv")):
        rows = bench.read_verdicts(path)
        assert rows, path.name
        assert {package for package, _, _ in rows} <= known, path.name
