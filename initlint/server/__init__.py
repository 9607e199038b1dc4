"""`initlint server`: a language server (LSP over stdio) for editors. Needs the `server` extra
(pygls); importing this package imports nothing heavy, `initlint.server.lsp` does."""

PYGLS_MISSING = "initlint server needs pygls: pip install 'initlint[server]'"
