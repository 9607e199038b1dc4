"""Bytes in, text out, and back again without changing a byte we did not mean to change."""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """The file is not Python source we can read; the message is one line for the user."""


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
)


def read_source_bytes(path: Path) -> bytes:
    """The bytes of a regular file. Anything else named `*.py` (a FIFO would block the run
    forever, a device never end) raises OSError with a one-line reason, without reading."""
    return read_source_with_stat(path)[0]


def read_source_with_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """`read_source_bytes`, and the file's status taken before reading: a cache that trusts the
    status later (see engine/cache.py) never pairs it with content read before a change."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # non-blocking: opening a FIFO that has no writer returns at once
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise OSError(errno.EINVAL, f"not a regular file ({kind})", str(path))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), status
            chunks.append(chunk)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class SourceFile:
    text: str
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode_source(data: bytes) -> SourceFile:
    if b"\x00" in data:
        raise SourceError("binary file (contains NUL bytes), not Python source")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"bad encoding declaration: {exc.msg if hasattr(exc, 'msg') else exc}")
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        bad = body[exc.start : exc.start + 1].hex()
        raise SourceError(
            f"not valid {encoding} (byte 0x{bad} on line {line}); "
            "add a coding declaration or convert the file to UTF-8"
        ) from None
    return SourceFile(text=text, encoding=encoding, bom=bom)
