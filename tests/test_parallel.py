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


def test_a_dead_worker_costs_one_file_not_the_run(run, write, monkeypatch) -> None:
    """A worker killed while linting one file (a native crash, the OOM killer) used to end the
    run with a BrokenProcessPool traceback and no diagnostics for any file."""
    import os
    import signal

    count = runner.PARALLEL_THRESHOLD + 6
    for index in range(count):
        write(f"pkg/m{index:03d}.py", RISKY)
    write("pkg/m013_crash.py", RISKY)
    real_lint_file = runner.lint_file

    def lint_file(task, cache):
        if task.path.name == "m013_crash.py":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_lint_file(task, cache)

    monkeypatch.setattr(runner, "lint_file", lint_file)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    result = run(".", "--output-format", "concise")
    assert result.stderr.splitlines() == [
        "pkg/m013_crash.py: error: initlint crashed on this file (signal SIGKILL); please report it"
    ]
    assert result.stdout.count(": INI201 ") == count
    assert result.exit_code == 1


def test_an_exception_on_one_file_is_one_line(run, write, monkeypatch) -> None:
    write("a.py", RISKY)
    write("b.py", RISKY)
    real_lint_bytes = runner.lint_bytes

    def lint_bytes(data, path, *args):
        if path == "a.py":
            raise KeyError("boom")
        return real_lint_bytes(data, path, *args)

    monkeypatch.setattr(runner, "lint_bytes", lint_bytes)
    result = run(".", "--output-format", "concise")
    assert result.stderr.splitlines() == [
        "a.py: error: initlint failed on this file (KeyError: 'boom'); please report it"
    ]
    assert result.stdout.startswith("b.py:5:8: INI201")
