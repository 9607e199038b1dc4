"""What a file could hold, read from its words: the sound gate that decides, before libcst parses
a file, which rules could report anything in it (see docs/performance.md, "The word gate").

Each rule's `may_report(words)` answers False only when the rule cannot report in a file with
these words. Everything here rests on two facts about how rules see code:

1. Every name a rule compares (a called name, an attribute, a def, an import) is an identifier
   of the file, and every identifier is one whole word of its text: a run of characters that
   are neither whitespace nor ASCII punctuation (`_` excepted). Identifiers are made of letters,
   digits, `_` and non-ASCII characters, and the next token after one starts with whitespace or
   ASCII punctuation (only a keyword may follow a number directly, and rules need no keyword).
2. Names are resolved only through import statements (`analysis/imports.py`; assignments are not
   followed), so the last part of any resolved name is written in the file, at the use or in
   the import that binds it (`from torch.nn.init import normal_ as n`). A name resolves into
   `torch.nn.init` or one of its equivalents only through a written path whose parts are words
   of the file, or the file's own package for relative imports: the package's parts count as
   words. So an `init_call` with function `f` (`analysis/tensors.py`) needs the word `f` and an
   init-module word (`init`, or the last part of an equivalent: `initialization`), or the word
   of a tensor method whose twin `f` is (`zero_` for `zeros_`), or the name of another
   library's helper whose twin `f` is (PyG's `glorot` for `xavier_uniform_`).

Words in strings and comments are kept (the gate only needs a superset of the identifiers).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from initlint.analysis.context import _MODULE_ITERATORS, is_init_name
from initlint.analysis.library import LIBRARY_INIT_HELPERS
from initlint.analysis.tensors import TENSOR_INIT_METHODS

# A run of characters that are neither whitespace nor ASCII punctuation other than `_`.
_WORD_CHARS = r"[^\s!-/:-@\[-^`{-~]"
_WORD = re.compile(f"{_WORD_CHARS}+")
_IS_WORD_CHAR = re.compile(_WORD_CHARS)
# `def name`: the keyword and the name may be split by spaces or a backslash continuation only.
# (Patterns here start with a literal, which `re` scans for fast; whether the match starts a
# word is checked on the character before it, see `_starts_word`.)
_DEF = re.compile(rf"def(?:\s|\\)+({_WORD_CHARS}+)")
# torch.nn.init's functions `draw_of` reads a distribution from (after `rstrip("_")`).
_DRAWS = frozenset({"normal", "trunc_normal", "uniform"})
# Other libraries' init helpers `init_call` reads as their torch.nn.init twin (PyG's `glorot`):
# (the helper's own name, which a resolved call writes, twin).
_LIBRARY = tuple((name.rsplit(".", 1)[-1], helper.twin) for name, helper in LIBRARY_INIT_HELPERS.items())


@lru_cache(maxsize=None)
def _containing(fragment: str) -> "re.Pattern[str]":
    return re.compile(rf"^.*{re.escape(fragment)}.*$", re.MULTILINE | re.IGNORECASE)


@lru_cache(maxsize=None)
def _called(name: str) -> "re.Pattern[str]":
    """`name` as a whole word followed by `(`, with whitespace, continuations and comments (inside
    brackets a comment may sit between a callee and its arguments) in between.

    A comment runs to the end of its line (the lookahead): otherwise a line of `#####` could
    be split into comments in exponentially many ways before the search gives up."""
    return re.compile(rf"{re.escape(name)}(?:\s|\\|#[^\n]*(?=\n|\Z))*\(")


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or _IS_WORD_CHAR.match(text, start - 1) is None


class FileWords:
    """The words of one file's text (plus its package's parts), with the questions rules ask."""

    __slots__ = (
        "words", "defined", "has_plus", "_text", "_init_modules", "_init_named", "_stripped",
        "_joined", "_called",
    )

    def __init__(self, text: str, package: Optional[str] = None, init_modules: Iterable[str] = ()) -> None:
        words = frozenset(_WORD.findall(text))
        if package:
            words = words.union(package.split("."))
        self.words = words
        # names after `def` (in strings and comments too: a superset of the functions defined)
        self.defined = frozenset(
            m.group(1) for m in _DEF.finditer(text) if _starts_word(text, m.start())
        ) if "def" in text else frozenset()
        self.has_plus = "+" in text
        self._text = text
        # (`initialization` always: `frameworks` takes `from . import initialization` for
        # transformers' wrapper module whatever the settings say)
        self._init_modules = frozenset(
            {"init", "initialization", *(m.rsplit(".", 1)[-1] for m in init_modules)}
        )
        self._init_named: Optional[bool] = None
        self._stripped: Optional[frozenset[str]] = None
        self._joined: Optional[str] = None
        self._called: dict[str, bool] = {}

    def containing(self, fragment: str) -> list[str]:
        """The words that contain `fragment` (any case): one regex over all words, not a Python
        loop over thousands of them."""
        if self._joined is None:
            self._joined = "\n".join(self.words)
        return _containing(fragment).findall(self._joined)

    def has(self, *names: str) -> bool:
        """One of `names` is a word of the file."""
        return not self.words.isdisjoint(names)

    def has_any(self, names: Iterable[str]) -> bool:
        return not self.words.isdisjoint(names)

    def calls(self, *names: str) -> bool:
        """One of `names` is written as a callee: `name(`, `x.name (`."""
        for name in names:
            found = self._called.get(name)
            if found is None:
                found = name in self.words and any(
                    _starts_word(self._text, m.start()) for m in _called(name).finditer(self._text)
                )
                self._called[name] = found
            if found:
                return True
        return False

    def init_module(self) -> bool:
        """A name may resolve into torch.nn.init or an equivalent module."""
        return not self.words.isdisjoint(self._init_modules)

    def init_call(self, functions: Iterable[str]) -> bool:
        """An `init_call` whose torch.nn.init function is one of `functions` may exist."""
        functions = frozenset(functions)
        methods = [method for method, twin in TENSOR_INIT_METHODS.items() if twin in functions]
        helpers = [name for name, twin in _LIBRARY if twin in functions]
        return (
            self.has_any(methods)
            or self.has_any(helpers)
            or (self.has_any(functions) and self.init_module())
        )

    def any_init_call(self) -> bool:
        """Some `init_call` (any function, an equivalent module may define any name) may exist."""
        return (
            self.has_any(TENSOR_INIT_METHODS)
            or self.has_any(name for name, _ in _LIBRARY)
            or self.init_module()
        )

    def draw_call(self) -> bool:
        """An `init_call` that `draw_of` reads a distribution from may exist (`normal_`,
        `trunc_normal_`, `uniform_`, any number of trailing underscores)."""
        methods = [method for method, twin in TENSOR_INIT_METHODS.items() if twin.rstrip("_") in _DRAWS]
        methods += [name for name, twin in _LIBRARY if twin.rstrip("_") in _DRAWS]
        if self.has_any(methods):
            return True
        if not self.init_module():
            return False
        if self._stripped is None:  # every draw name contains "normal" or "uniform"
            found = self.containing("normal") + self.containing("uniform")
            self._stripped = frozenset(word.rstrip("_") for word in found)
        return not self._stripped.isdisjoint(_DRAWS)

    def init_named_def(self) -> bool:
        """A function is defined with an init-function name (`_init_weights`, `reset_parameters`)."""
        return any(map(is_init_name, self.defined))

    def init_named_call(self) -> bool:
        """An init-named callee is called (`self.init_weights()`, `self.post_init()`)."""
        if self._init_named is None:
            # every name `is_init_name` accepts contains "init" or is `[_]reset_parameters`
            names = [word for word in self.containing("init") if is_init_name(word)]
            self._init_named = self.calls(*names, "reset_parameters", "_reset_parameters")
        return self._init_named

    def init_context(self) -> bool:
        """`FileContext.init_context()` may be non-None somewhere: a function that
        `is_init_function` accepts (init-named, or an `.apply(` target), `.apply(lambda ...)`,
        or a loop over a `.modules()` call that holds an init call."""
        return (
            self.init_named_def()
            or self.calls("apply")
            or (self.calls(*_MODULE_ITERATORS) and self.any_init_call())
        )
