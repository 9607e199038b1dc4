"""The LSP side of `initlint server` (pygls): diagnostics on open, change (debounced) and save;
code actions for each fix, for "disable for this line" (`# noqa: CODE`) and fix-all.

Positions: initlint counts columns in code points, LSP in UTF-16 code units (the default
encoding every client supports); `_character` converts on the line's text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer

from initlint import __version__
from initlint.diagnostics import Diagnostic, Edit, FixSafety, Location, Severity
from initlint.engine.notebook import is_notebook
from initlint.rules.docs import rule_url
from initlint.server.documents import Linted, Workspace, fix_edits, fix_title, noqa_edit

DEFAULT_DEBOUNCE_S = 0.3
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
FIX_ALL_KIND = "source.fixAll.initlint"


def _character(line: str, column: int) -> int:
    return len(line[: column - 1].encode("utf-16-le")) // 2


def _position(lines: list[str], location: Location) -> lsp.Position:
    line = lines[location.row - 1] if 0 < location.row <= len(lines) else ""
    return lsp.Position(line=location.row - 1, character=_character(line, location.column))


def _range(lines: list[str], start: Location, end: Location) -> lsp.Range:
    return lsp.Range(start=_position(lines, start), end=_position(lines, end))


def _text_edit(lines: list[str], edit: Edit) -> lsp.TextEdit:
    return lsp.TextEdit(range=_range(lines, edit.location, edit.end_location), new_text=edit.content)


class InitlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("initlint", __version__)
        self.workspace_state = Workspace()
        self.debounce_s = DEFAULT_DEBOUNCE_S
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.linted: dict[str, Linted] = {}

    # -- linting ---------------------------------------------------------------------------

    def lint_and_publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        path = uris.to_fs_path(uri)
        if path is None or is_notebook(path):
            return  # notebooks: the CLI reports cells; LSP notebook documents are not supported
        document = self.workspace.get_text_document(uri)
        linted = self.workspace_state.lint(Path(path), document.source)
        for message in self.workspace_state.config_errors:
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=message))
        self.workspace_state.config_errors.clear()
        for error in linted.errors:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=error))
        self.linted[uri] = linted
        lines = linted.text.splitlines()
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri,
                version=document.version,
                diagnostics=[self.to_lsp(d, lines) for d in linted.diagnostics],
            )
        )

    def schedule(self, uri: str) -> None:
        """Lint after `debounce_s` without further changes: typing does not lint every key."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce_s, self.lint_and_publish, uri)

    @staticmethod
    def to_lsp(d: Diagnostic, lines: list[str]) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=_range(lines, d.location, d.end_location),
            message=d.message,
            severity=_SEVERITY[d.severity],
            code=d.code,
            code_description=lsp.CodeDescription(href=rule_url(d.code)),
            source="initlint",
            data={"name": d.name, "fix": None if d.fix is None else d.fix.safety.value},
        )

    # -- code actions ----------------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        linted = self.linted.get(uri)
        document = self.workspace.get_text_document(uri)
        if linted is None or linted.text != document.source:
            self.lint_and_publish(uri)
            linted = self.linted.get(uri)
        if linted is None:
            return []
        lines = linted.text.splitlines()
        wanted = params.context.only
        first = params.range.start.line + 1
        last = params.range.end.line + 1
        actions: list[lsp.CodeAction] = []
        for d in linted.diagnostics:
            if d.end_location.row < first or d.location.row > last:
                continue
            diagnostic = self.to_lsp(d, lines)
            fix = fix_edits(d, linted.text)
            if fix is not None and _wants(wanted, lsp.CodeActionKind.QuickFix):
                actions.append(self._action(fix_title(d), uri, [_text_edit(lines, e) for e in fix], diagnostic,
                                            preferred=d.fix is not None and d.fix.safety is FixSafety.SAFE))
            noqa = noqa_edit(d, linted.text)
            if noqa is not None and _wants(wanted, lsp.CodeActionKind.QuickFix):
                actions.append(self._action(f"Disable {d.code} for this line", uri,
                                            [_text_edit(lines, noqa)], diagnostic, preferred=False))
        path = uris.to_fs_path(uri)
        if path is not None and _wants(wanted, lsp.CodeActionKind.SourceFixAll):
            for unsafe, title in ((False, "initlint: fix all safe problems"),
                                  (True, "initlint: fix all problems (including unsafe fixes)")):
                fixed = self.workspace_state.fix_all(Path(path), linted.text, unsafe)
                if fixed is None:
                    continue
                whole = lsp.Range(start=lsp.Position(line=0, character=0),
                                  end=lsp.Position(line=len(linted.text.splitlines(keepends=True)), character=0))
                actions.append(lsp.CodeAction(
                    title=title, kind=FIX_ALL_KIND,
                    edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=whole, new_text=fixed)]}),
                ))
                if not unsafe and fixed == self.workspace_state.fix_all(Path(path), linted.text, True):
                    break  # no unsafe fix adds anything: one action is enough
        return actions

    @staticmethod
    def _action(title: str, uri: str, edits: list[lsp.TextEdit], diagnostic: lsp.Diagnostic,
                preferred: bool) -> lsp.CodeAction:
        return lsp.CodeAction(
            title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            edit=lsp.WorkspaceEdit(changes={uri: edits}), is_preferred=preferred or None,
        )


def _wants(only: Optional[list[str]], kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def build_server() -> InitlintServer:
    server = InitlintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: InitlintServer, params: lsp.InitializeParams) -> None:
        """`initializationOptions: {"debounce": seconds}` tunes the wait after typing."""
        options: Any = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce"), (int, float)):
            ls.debounce_s = max(0.0, float(options["debounce"]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InitlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InitlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: InitlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        path = uris.to_fs_path(params.text_document.uri)
        if path is not None:
            ls.workspace_state.refresh(Path(path))
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InitlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    def code_action(ls: InitlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

    return server


def serve() -> None:
    build_server().start_io()
