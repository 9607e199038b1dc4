"""Many files go through worker processes and give exactly the serial answer."""

from __future__ import annotations

from conftest import CLEAN, RISKY

from initlint.engine import runner


def test_parallel_matches_serial(run, write, monkeypatch) -> None:
    count = runner.PARALLEL_THRESHOLD + 6
    for index in range(count):
        write(f"pkg/m{index:03d}.py", RISKY if index % 3 else CLEAN)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    parallel = run(".", "--output-format", "json")
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 10**6)
    serial = run(".", "--output-format", "json")
    assert parallel.stdout == serial.stdout
    assert parallel.stdout.count('"code": "INI201"') == len([i for i in range(count) if i % 3])


def test_parallel_fix(run, write, monkeypatch) -> None:
    paths = [write(f"pkg/m{index:03d}.py", RISKY) for index in range(runner.PARALLEL_THRESHOLD + 2)]
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    assert run(".", "--fix").exit_code == 0
    assert all(p.read_text() == CLEAN for p in paths)
