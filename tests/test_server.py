"""`initlint server`, driven over stdio with real LSP JSON-RPC messages, as an editor does."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
from conftest import CLEAN, RISKY

pytest.importorskip("pygls")

TIMEOUT_S = 30
BIAS = (
    "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
    "        nn.init.xavier_uniform_(m.weight)\n        nn.init.zeros_(m.bias)\n"
)


class Client:
    """A minimal LSP client: Content-Length framing, requests with ids, a queue of messages."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "initlint", "server"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.messages: "queue.Queue[dict[str, Any]]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, matches: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no matching message from the server")
            message = self.messages.get(timeout=remaining)
            if message.get("method") == "window/logMessage":
                continue
            if matches(message):
                return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        response = self.wait_for(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in response, response
        return response["result"]

    def diagnostics(self, uri: str, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        return self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri,
            timeout,
        )["params"]

    def close(self) -> int:
        self.request("shutdown", {})
        self.notify("exit", {})
        return self.process.wait(timeout=TIMEOUT_S)


@pytest.fixture
def client(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\n")
    lsp = Client(tmp_path)
    capabilities = lsp.request("initialize", {
        "processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {},
        "initializationOptions": {"debounce": 0.2},
    })["capabilities"]
    assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.initlint"]
    lsp.notify("initialized", {})
    yield lsp
    if lsp.process.poll() is None:
        lsp.process.kill()
        lsp.process.wait()


def _open(client: Client, path: Path, text: str) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    lines = text.splitlines(keepends=True)

    def offset(position: dict[str, int]) -> int:  # ASCII test texts: UTF-16 units are characters
        return sum(len(line) for line in lines[: position["line"]]) + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def _actions(client: Client, uri: str, line: int, only: Optional[list[str]] = None) -> list[dict[str, Any]]:
    context: dict[str, Any] = {"diagnostics": []}
    if only:
        context["only"] = only
    return client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri},
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
        "context": context,
    })


def test_diagnostics_on_open_change_and_save(client: Client, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "model.py", RISKY)
    (diagnostic,) = client.diagnostics(uri)["diagnostics"]
    assert diagnostic["code"] == "INI201"
    assert diagnostic["source"] == "initlint"
    assert diagnostic["severity"] == 2
    assert diagnostic["range"] == {"start": {"line": 4, "character": 7}, "end": {"line": 4, "character": 27}}
    assert diagnostic["codeDescription"]["href"].endswith("/rules/INI201.md")
    assert diagnostic["message"].startswith("`type(m) == nn.Linear` skips subclasses")

    # Three quick edits: debounced into one lint of the last text.
    for version, text in enumerate((RISKY + "\n", CLEAN + "\n", CLEAN), start=2):
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}],
        })
    published = client.diagnostics(uri)
    assert published["diagnostics"] == [] and published["version"] == 4
    with pytest.raises((AssertionError, queue.Empty)):
        client.diagnostics(uri, timeout=1.0)  # no stale publication for versions 2 and 3

    (tmp_path / "model.py").write_text(RISKY)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                             "contentChanges": [{"text": RISKY}]})
    client.diagnostics(uri)
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri)["diagnostics"]] == ["INI201"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri)["diagnostics"] == []
    assert client.close() == 0


def test_code_actions_fix_and_disable(client: Client, tmp_path: Path, run) -> None:
    uri = _open(client, tmp_path / "bias.py", BIAS)
    client.diagnostics(uri)
    actions = _actions(client, uri, 6)
    titles = [a["title"] for a in actions]
    assert titles[:2] == [
        "INI002: Wrap in `if m.bias is not None:`",
        "Disable INI002 for this line",
    ], titles
    quick_fix, disable = actions[:2]
    assert quick_fix["kind"] == "quickfix" and quick_fix["isPreferred"] is True
    assert quick_fix["diagnostics"][0]["code"] == "INI002"
    fixed = _apply(BIAS, quick_fix["edit"]["changes"][uri])
    # The editor's result is exactly what `initlint --fix` writes.
    (tmp_path / "cli.py").write_text(BIAS)
    run("cli.py", "--fix")
    assert fixed == (tmp_path / "cli.py").read_text()
    assert fixed != BIAS
    assert _apply(BIAS, disable["edit"]["changes"][uri]).splitlines()[6] == (
        "        nn.init.zeros_(m.bias)  # noqa: INI002"
    )

    # An unsafe fix is offered, marked, not preferred; the fix-all source action applies fixes.
    risky = (
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        nn.init.constant_(self.fc.weight, 0.5)  # noqa: INI9\n"
        "        self.fc = nn.Linear(4, 4)\n        self.act = nn.ReLU()\n\n"
        "    def forward(self, x):\n        return self.act(self.fc(x))\n"
    )  # the unsafe fix needs the activation on the layer's own path
    uri2 = _open(client, tmp_path / "const.py", risky)
    client.diagnostics(uri2)
    actions = _actions(client, uri2, 5)
    unsafe = next(a for a in actions if a["title"].endswith("(unsafe)"))
    assert "isPreferred" not in unsafe
    disable = next(a for a in actions if a["title"].startswith("Disable"))
    assert _apply(risky, disable["edit"]["changes"][uri2]).splitlines()[5].endswith("# noqa: INI9, INI101")
    fix_all = _actions(client, uri, 0, only=["source.fixAll"])
    assert [a["kind"] for a in fix_all] == ["source.fixAll.initlint"]
    assert _apply(BIAS, fix_all[0]["edit"]["changes"][uri]) == fixed
    assert client.close() == 0


def test_server_without_pygls_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    (blocker / "pygls").mkdir(parents=True)
    (blocker / "pygls" / "__init__.py").write_text("raise ImportError('No module named pygls')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    result = subprocess.run([sys.executable, "-m", "initlint", "server"], env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT_S)
    assert result.returncode == 2
    assert result.stderr == "initlint: error: initlint server needs pygls: pip install 'initlint[server]'\n"


def test_server_and_flake8_plugin_never_import_torch(tmp_path: Path) -> None:
    (tmp_path / "mlp_classifier.py").write_text(
        (Path(__file__).parent.parent / "examples" / "mlp_classifier.py").read_text())
    probe = (
        "import sys, initlint.server.lsp, initlint.integrations.flake8; "
        "from initlint.server.documents import Workspace; from pathlib import Path; "
        "Workspace().lint(Path('mlp_classifier.py'), open('mlp_classifier.py').read()); print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "False", result.stderr


def test_columns_become_utf16_positions() -> None:
    from initlint.diagnostics import Location
    from initlint.server.lsp import _range

    lines = ["s = '😀é'; x = type(m) == nn.Linear"]
    start = lines[0].index("type") + 1  # code points, 1-based
    end = start + len("type(m) == nn.Linear")
    span = _range(lines, Location(1, start), Location(1, end))
    assert (span.start.line, span.start.character) == (0, start - 1 + 1)  # 😀 is two UTF-16 units
    assert span.end.character - span.start.character == len("type(m) == nn.Linear")
