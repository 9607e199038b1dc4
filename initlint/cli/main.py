"""`initlint [check] PATHS`, `initlint rule CODE`, `initlint rules`, `initlint verify ...`,
`initlint server`.

Only click and the standard library are imported at module level: `initlint --version` must stay
fast, and nothing here may pull in torch.
"""

from __future__ import annotations

import sys
from typing import Optional

import click

from initlint import __version__

_FORMATS = ("full", "concise", "json", "github", "sarif")
_SEVERITIES = ("error", "warning", "info")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--select INI1,INI201 --select zero` → ("INI1", "INI201", "zero")."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


class _DefaultToCheck(click.Group):
    """`initlint src/` means `initlint check src/`, so the common case needs no subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        passthrough = {"--help", "-h", "--version"}
        if not args or (args[0] not in self.commands and args[0] not in passthrough):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_DefaultToCheck,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="initlint", message="%(prog)s %(version)s")
def cli() -> None:
    """Find bad weight initialization in PyTorch code before training starts.

    \b
    initlint src/                 lint (same as `initlint check src/`)
    initlint src/ --fix           apply safe fixes
    initlint rule INI101          explain a rule
    initlint verify pkg.mod:Net   build a model and measure its parameters (needs torch)
    """


@cli.command("check")
# No readability check here: an unreadable path is one error line and the run goes on, as
# for an unreadable file found in a folder (click would abort the whole run with exit 2).
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that change numerics.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the fixes that were applied.")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of diagnostics.")
@click.option("--select", multiple=True, help="Rules to enable: codes, prefixes (INI1) or names.")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules to disable: codes, prefixes or names.")
@click.option("--exclude", multiple=True, help="Glob patterns to exclude (replaces the defaults).")
@click.option("--extend-exclude", multiple=True, help="Glob patterns to exclude on top of the defaults.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to paths given explicitly too.")
@click.option("--no-respect-gitignore", is_flag=True, help="Lint files that .gitignore ignores.")
@click.option(
    "--output-format", type=click.Choice(_FORMATS), default=None, help="How to print diagnostics."
)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write output here.")
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default=None,
              help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when any fix was applied.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, readable=False),
              help="A pyproject.toml ([tool.initlint]) or initlint TOML file.")
@click.option("--stdin-filename", help="The name of the file read from stdin (path `-`).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Where to keep the cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics, but nothing else.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; the exit code tells.")
def check(**options: object) -> None:
    """Lint PATHS (files or directories; default `.`; `-` reads stdin)."""
    from initlint.cli.check import run_check

    sys.exit(run_check(options))


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain a rule, by code (INI101) or name (constant-weight-init)."""
    from initlint.rules.docs import render_rule
    from initlint.rules.registry import rule_by_code_or_name

    rule = rule_by_code_or_name(code)
    if rule is None:
        click.echo(f"initlint: error: unknown rule {code!r}; `initlint rules` lists them", err=True)
        sys.exit(2)
    click.echo(render_rule(rule))


@cli.command("rules")
@click.option("--output-format", type=click.Choice(("table", "json")), default="table")
def rules_command(output_format: str) -> None:
    """List every rule with its code, name, severity and fix availability."""
    from initlint.rules.docs import rules_json, rules_table

    click.echo(rules_table() if output_format == "table" else rules_json())


@cli.command("server")
def server_command() -> None:
    """Run the language server on stdin/stdout (LSP) for editors; needs `initlint[server]`."""
    from initlint.server import PYGLS_MISSING

    try:
        from initlint.server.lsp import serve
    except ImportError:
        click.echo(f"initlint: error: {PYGLS_MISSING}", err=True)
        sys.exit(2)
    serve()


def _register_verify() -> None:
    try:
        from initlint.verify.cli import verify_command
    except ImportError:  # pragma: no cover - only while the verifier is not installed
        return
    cli.add_command(verify_command, "verify")


_register_verify()


def main(argv: Optional[list[str]] = None) -> None:
    cli.main(args=argv, prog_name="initlint")
