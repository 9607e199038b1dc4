"""The lint command's flow: settings → files → engine → fixes → output → exit code."""

from __future__ import annotations

import difflib
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

import click

from initlint.config import ConfigError, Settings, find_config_file, load_settings
from initlint.diagnostics import FileError, FileResult, FixSafety, Severity
from initlint.engine.cache import CACHE_DIR_NAME, ResultCache
from initlint.engine import project
from initlint.engine.discovery import discover, relative_posix
from initlint.engine.options import LintOptions, ProjectOptions
from initlint.engine.notebook import cell_lines
from initlint.engine.runner import FileTask, lint_unfixed, run, write_fixed
from initlint.engine.source import SourceError, decode_source, read_source_bytes
from initlint.output import RunReport, render
from initlint.output.report import RuleInfo
from initlint.rules.registry import UnknownSelector

if TYPE_CHECKING:
    from initlint.rules.base import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_ROWS = re.compile(r"\r\n|\r|\n")


def _error(message: str) -> None:
    click.echo(f"initlint: error: {message}", err=True)


def _settings(options: dict[str, Any]) -> Settings:
    from initlint.cli.main import _split

    config_path = options["config_path"]
    config_file = Path(config_path) if config_path else find_config_file(Path.cwd())
    settings = load_settings(config_file)
    overrides: dict[str, Any] = {}
    if options["select"]:
        overrides["select"] = _split(options["select"])
    if options["extend_select"]:
        overrides["extend_select"] = settings.extend_select + _split(options["extend_select"])
    if options["ignore"]:
        overrides["ignore"] = settings.ignore + _split(options["ignore"])
    if options["exclude"]:
        overrides["exclude"] = _split(options["exclude"])
    if options["extend_exclude"]:
        overrides["extend_exclude"] = settings.extend_exclude + _split(options["extend_exclude"])
    if options["no_respect_gitignore"]:
        overrides["respect_gitignore"] = False
    if options["fail_on"]:
        overrides["fail_on"] = Severity(options["fail_on"])
    if options["cache_dir"]:
        overrides["cache_dir"] = Path(options["cache_dir"])
    return settings.with_overrides(**overrides)


def _relative(path: Path, cwd: Optional[Path] = None) -> str:
    relative = relative_posix(path, cwd or Path.cwd())
    return str(path) if relative is None else relative


def _rules(options: Union[LintOptions, ProjectOptions]) -> tuple[type[Rule], ...]:
    return options.base.rules if isinstance(options, ProjectOptions) else options.rules


def _rule_info(rule: type[Rule]) -> RuleInfo:
    from initlint.rules.docs import render_rule, rule_url

    return RuleInfo(
        rule.code, rule.name, rule.summary, rule.severity, rule.fix_safety is not None,
        render_rule(rule), rule_url(rule.code),
    )


def run_check(options: dict[str, Any]) -> int:
    try:
        run_options = ProjectOptions.from_settings(
            _settings(options),
            # --diff computes the fixes it shows; --unsafe-fixes alone only shows them as available.
            fix=bool(options["fix"] or options["diff"]),
            unsafe_fixes=bool(options["unsafe_fixes"]),
        )
    except (ConfigError, UnknownSelector) as exc:
        _error(str(exc))
        return EXIT_USAGE
    settings = run_options.settings
    paths = list(options["paths"]) or ["."]
    if "-" in paths:
        if len(paths) > 1:
            _error("`-` (stdin) cannot be combined with other paths")
            return EXIT_USAGE
        return _check_stdin(options, settings, run_options.base)

    discovery = discover(
        paths,
        root=settings.root,
        exclude=settings.all_excludes,
        respect_gitignore=settings.respect_gitignore,
        force_exclude=bool(options["force_exclude"]),
    )
    cache = None
    if not options["no_cache"]:
        cache = ResultCache(settings.cache_dir or settings.root / CACHE_DIR_NAME)
    tasks = []
    relative: dict[str, str] = {}
    cwd = Path.cwd()
    for path in discovery.files:
        absolute = path if path.is_absolute() else cwd / path  # = path.absolute(), once
        text = str(absolute)  # the string, once (`relative_posix` works on strings)
        display = _relative(path, cwd)
        relative[display] = run_options.relative(text) or display
        if run_options.fix:  # a fixing run lints what has fixes: options now
            file_options, salt = run_options.for_file(relative[display])
            tasks.append(FileTask(absolute, display, file_options, salt))
        else:  # options (and the rules) only for files the cache cannot answer
            tasks.append(FileTask(absolute, display, None, run_options.salt_for(relative[display])))
    index, index_root = project.prepare(
        paths, exclude=settings.all_excludes, respect_gitignore=settings.respect_gitignore,
        cache_dir=None if cache is None else cache.ensure(),
        # the same walk, when the one linted path is the project root (force-exclude aside)
        discovered=None if options["force_exclude"] else (settings.root.absolute(), discovery.files),
    )
    project.activate(index, index_root)
    try:
        results = run(tasks, cache, options_for=lambda task: run_options.for_file(relative[task.display])[0])
        write_errors = [] if options["diff"] else _write_fixes(results, tasks)
    finally:
        project.activate(None)
    return _finish(options, settings, run_options, results, discovery.errors + write_errors,
                   discovery.missing, paths={t.display: t.path for t in tasks})


def _write_fixes(results: list[FileResult], tasks: list[FileTask]) -> list[FileError]:
    """Write every fixed file. One that cannot be written is one error line, and its diagnostics
    are those of the file as it stands (not the fixed text that was never written)."""
    by_display = {task.display: task for task in tasks}
    errors = []
    for result in results:
        if result.fixed_source is None:
            continue
        task = by_display[result.path]
        try:
            write_fixed(task.path, result.fixed_source)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            errors.append(FileError(result.path, f"cannot write fixes: {reason}; file left unchanged"))
            assert result.original_source is not None
            unfixed = lint_unfixed(task, result.original_source)
            # shown as they stand, and not as fixable: --fix just failed to write them
            result.diagnostics = [replace(d, fix=None) for d in unfixed.diagnostics]
            result.errors = unfixed.errors
            result.fixed, result.fixed_source = [], None
    return errors


def _check_stdin(options: dict[str, Any], settings: Settings, lint_options: LintOptions) -> int:
    display = options["stdin_filename"] or "-"
    from initlint.engine.linter import lint_bytes

    data = sys.stdin.buffer.read()
    result = lint_bytes(data, display, lint_options)
    if options["fix"] and not options["diff"]:
        # Like ruff: the (possibly fixed) source goes to stdout, diagnostics to stderr.
        sys.stdout.buffer.write(result.fixed_source if result.fixed_source is not None else data)
        sys.stdout.flush()
        # the diagnostics are the fixed text's, and so must be the snippets shown with them
        shown = result.fixed_source if result.fixed_source is not None else data
        return _finish(options, settings, lint_options, [result], [], [], stdin=shown, to_stderr=True)
    return _finish(options, settings, lint_options, [result], [], [], stdin=data)


def _source_lines_reader(paths: dict[str, Path], stdin: Optional[bytes]):
    def read(display: str, cell: Optional[int] = None) -> Optional[list[str]]:
        try:
            data = stdin if stdin is not None else read_source_bytes(paths[display])
            if cell is not None:
                return cell_lines(data, cell)
            # rows break at \n, \r\n and \r only, as diagnostics count them (not at \f)
            rows = _ROWS.split(decode_source(data).text)
            return rows[:-1] if rows and rows[-1] == "" else rows
        except (KeyError, OSError, SourceError):
            return None

    return read


def _diff(result: FileResult) -> str:
    assert result.fixed_source is not None and result.original_source is not None
    try:
        before = decode_source(result.original_source).text
        after = decode_source(result.fixed_source).text
    except SourceError:
        return ""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{result.path}",
            tofile=f"b/{result.path}",
        )
    )


def _finish(
    options: dict[str, Any],
    settings: Settings,
    lint_options: Union[LintOptions, ProjectOptions],
    results: list[FileResult],
    walk_errors: list[FileError],
    missing: list[FileError],
    *,
    paths: Optional[dict[str, Path]] = None,
    stdin: Optional[bytes] = None,
    to_stderr: bool = False,
) -> int:
    results.sort(key=lambda r: r.path)
    errors = walk_errors + [e for r in results for e in r.errors]
    diff_mode = bool(options["diff"])
    would_fix = [r for r in results if r.fixed_source is not None]
    if diff_mode:
        for result in would_fix:
            text = _diff(result)
            if text:
                click.echo(text, nl=False)
    diagnostics = [d for r in results for d in r.diagnostics]
    fixed = [] if diff_mode else [d for r in results for d in r.fixed]
    hidden = 0
    if not lint_options.unsafe_fixes:
        hidden = sum(1 for d in diagnostics if d.fix is not None and d.fix.safety is FixSafety.UNSAFE)
    report = RunReport(
        diagnostics=diagnostics,
        errors=errors,
        fixed=fixed,
        # rule metadata is for SARIF only (and importing the rules is a third of a cached run)
        rules=[_rule_info(r) for r in _rules(lint_options)] if options["output_format"] == "sarif" else [],
        root=settings.root,
        hidden_unsafe_fixes=hidden,
        fix_mode=lint_options.fix,
        source_lines=_source_lines_reader(paths or {}, stdin),
    )
    fmt = options["output_format"] or "full"
    for error in missing + errors:
        if not options["silent"]:
            click.echo(error.render(), err=True)
    if not options["silent"] and not diff_mode:
        text = _render(fmt, report, options)
        if options["output_file"]:
            Path(options["output_file"]).write_text(text, encoding="utf-8")
        elif text:
            click.echo(text, nl=False, err=to_stderr)
    if options["show_fixes"] and fixed and not options["silent"]:
        click.echo(_fix_summary(fixed), err=to_stderr)
    return _exit_code(options, settings, diagnostics, errors, missing, fixed, would_fix, diff_mode)


def _render(fmt: str, report: RunReport, options: dict[str, Any]) -> str:
    if options["statistics"]:
        return _statistics(report)
    text = render(fmt, report)
    if options["quiet"] and fmt in ("full", "concise"):
        from initlint.output import text as text_format

        summary = text_format.summary(report)
        lines = text.rstrip("\n").split("\n")
        text = "\n".join(lines[: len(lines) - len(summary)])
        text = text + "\n" if text.strip() else ""
    return text


def _statistics(report: RunReport) -> str:
    counts = Counter((d.code, d.name, d.fix is not None) for d in report.diagnostics)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    lines = [
        f"{count:>{width}}\t{code}\t{'[*] ' if fixable else ''}{name}"
        for (code, name, fixable), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return "\n".join(lines) + "\n"


def _fix_summary(fixed: list) -> str:
    by_file: dict[str, Counter] = {}
    for d in fixed:
        by_file.setdefault(d.path, Counter())[(d.code, d.name)] += 1
    lines = [f"Fixed {len(fixed)} diagnostic{'s' if len(fixed) != 1 else ''}:"]
    for path in sorted(by_file):
        lines.append(f"- {path}:")
        for (code, name), count in sorted(by_file[path].items()):
            lines.append(f"    {count} × {code} ({name})")
    return "\n".join(lines)


def _exit_code(options, settings, diagnostics, errors, missing, fixed, would_fix, diff_mode) -> int:
    if missing:
        return EXIT_USAGE
    if diff_mode:
        return EXIT_FINDINGS if would_fix or errors else EXIT_OK
    failing = any(d.severity.rank >= settings.fail_on.rank for d in diagnostics)
    code = EXIT_OK
    if (failing or errors) and not options["exit_zero"]:
        code = EXIT_FINDINGS
    if options["exit_non_zero_on_fix"] and fixed:
        code = EXIT_FINDINGS
    return code
