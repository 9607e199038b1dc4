"""Jupyter notebooks: code cells linted as one module, cell-aware positions, byte-exact fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from initlint.engine.notebook import Notebook, NotebookError, code_cell_texts

# Written the way nbformat writes (indent=1, ensure_ascii=False), plus odd corners a fix must keep:
# non-ASCII markdown, an ANSI escape in an output, a cell id, a `source` given as one string.
NOTEBOOK = """{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "intro",
   "metadata": {},
   "source": [
    "# Modèle — été\\n",
    "notes"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "imports",
   "metadata": {"tags": ["setup"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["\\u001b[31mok\\n"]}],
   "source": [
    "%matplotlib inline\\n",
    "!pip install torch\\n",
    "import torch.nn as nn"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "init",
   "metadata": {},
   "outputs": [],
   "source": [
    "def init_weights(m):\\n",
    "    %time x = 1\\n",
    "    if type(m) == nn.Linear:\\n",
    "        nn.init.xavier_uniform_(m.weight)\\n",
    "    if type(m) == nn.Conv2d:  # noqa: INI201\\n",
    "        nn.init.xavier_uniform_(m.weight)\\n",
    "files = !ls\\n",
    "init_weights?"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "timed",
   "metadata": {},
   "outputs": [],
   "source": "%%time\\nthis is not python (\\n"
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "bias",
   "metadata": {"collapsed": false},
   "outputs": [],
   "source": "def init_bias(m):\\n    if isinstance(m, nn.Linear):\\n        nn.init.zeros_(m.bias)\\n"
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
  "language_info": {"name": "python", "version": "3.11.7"}
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
"""
# nothing in the notebook tells what `init_weights` is applied to: info
INI201 = (
    "`type(m) == nn.Linear` skips subclasses of the layer (e.g. MultiheadAttention's out_proj); "
    "no subclass is known to reach this init (not all that arrives is known), but "
    "`isinstance(m, nn.Linear)` keeps it right when one does"
)


def test_cells_are_one_module_with_ipython_syntax_masked(run, write) -> None:
    write("nb.ipynb", NOTEBOOK)
    result = run("nb.ipynb", "--output-format", "concise", "--select", "INI201")
    # Cell 3 uses `nn` imported in cell 2; the magics, the shell escapes, `?` help and the
    # `%%time` cell (not Python) are masked; the noqa'd line in cell 3 stays quiet.
    assert result.stdout.splitlines()[0] == f"nb.ipynb:cell 3:3:8: INI201 [*] {INI201}"
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""
    assert result.exit_code == 0  # an info finding fails nothing


def test_full_output_shows_the_cells_own_lines(run, write) -> None:
    write("nb.ipynb", NOTEBOOK)
    result = run("nb.ipynb", "--select", "INI201")
    assert result.stdout.splitlines()[1:6] == [
        "  |",
        "2 |     %time x = 1",
        "3 |     if type(m) == nn.Linear:",
        "  |        ^^^^^^^^^^^^^^^^^^^^ INI201 (info)",
        "4 |         nn.init.xavier_uniform_(m.weight)",
    ]


def test_json_locations_are_cell_relative(run, write) -> None:
    write("nb.ipynb", NOTEBOOK)
    result = run("nb.ipynb", "--output-format", "json", "--unsafe-fixes")
    found = {(d["code"], d["cell"], d["location"]["row"], d["location"]["column"], d["noqa_row"])
             for d in json.loads(result.stdout)}
    assert ("INI201", 3, 3, 8, 3) in found
    assert ("INI002", 5, 3, 9, 3) in found
    (edit,) = next(d for d in json.loads(result.stdout) if d["code"] == "INI201")["fix"]["edits"]
    assert (edit["location"], edit["end_location"]) == ({"row": 3, "column": 8}, {"row": 3, "column": 28})


def test_fix_writes_back_only_the_changed_source_values(run, write, tmp_path: Path) -> None:
    write("nb.ipynb", NOTEBOOK)
    result = run("nb.ipynb", "--fix", "--select", "INI201,INI002")
    assert result.exit_code == 0, result.stdout + result.stderr
    expected = NOTEBOOK.replace(
        '"    if type(m) == nn.Linear:\\n"', '"    if isinstance(m, nn.Linear):\\n"'
    ).replace(
        '"source": "def init_bias(m):\\n    if isinstance(m, nn.Linear):\\n        nn.init.zeros_(m.bias)\\n"',
        '"source": "def init_bias(m):\\n    if isinstance(m, nn.Linear):\\n'
        '        if m.bias is not None:\\n            nn.init.zeros_(m.bias)\\n"',
    )
    assert expected != NOTEBOOK
    assert (tmp_path / "nb.ipynb").read_bytes() == expected.encode("utf-8")
    again = run("nb.ipynb", "--fix", "--select", "INI201,INI002")
    assert again.exit_code == 0 and "All checks passed!" in again.stdout
    assert (tmp_path / "nb.ipynb").read_bytes() == expected.encode("utf-8")


def test_fix_adding_lines_keeps_the_list_style_and_indentation(run, write, tmp_path: Path) -> None:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": ["import torch.nn as nn\n", "def init_weights(m):\n", "    if isinstance(m, nn.Linear):\n",
                       "        nn.init.zeros_(m.bias)"]}
    original = json.dumps({"metadata": {"z": 1, "a": 2}, "nbformat": 4, "nbformat_minor": 2,
                           "cells": [cell]}, indent=3) + "\n"
    write("nb.ipynb", original)
    run("nb.ipynb", "--fix", "--select", "INI002")
    fixed = (tmp_path / "nb.ipynb").read_text()
    cell["source"][-1:] = ["        if m.bias is not None:\n", "            nn.init.zeros_(m.bias)"]
    assert fixed == json.dumps({"metadata": {"z": 1, "a": 2}, "nbformat": 4, "nbformat_minor": 2,
                                "cells": [cell]}, indent=3) + "\n"


def test_ascii_escaped_notebooks_stay_ascii_escaped() -> None:
    document = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "source": ["# é\n", "import torch.nn as nn\n"]}], "metadata": {}}
    raw = json.dumps(document, indent=1).encode()
    notebook = Notebook.parse(raw)
    rewritten = notebook.with_module(notebook.module.replace("import torch", "import  torch"))
    assert rewritten == raw.replace(b"import torch", b"import  torch")


def test_masked_syntax_moved_by_a_fix_is_refused() -> None:
    notebook = Notebook.parse(NOTEBOOK.encode())
    with pytest.raises(NotebookError):
        notebook.with_module(notebook.module.replace("# initlint: notebook cell 3\n", ""))
    with pytest.raises(NotebookError):
        notebook.with_module(notebook.module.replace("pass  # initlint: masked IPython syntax", "pass", 1))


def test_bad_notebooks_get_one_line_and_the_run_goes_on(run, write) -> None:
    write("broken.ipynb", '{"cells": [')
    write("old.ipynb", '{"worksheets": []}')
    write("syntax.ipynb", json.dumps({"cells": [
        {"cell_type": "code", "source": "import torch\n"},
        {"cell_type": "code", "source": "x = type(m) == nn.Linear\ny = (\n"}]}))
    write("nb.ipynb", NOTEBOOK)
    result = run(".", "--output-format", "concise", "--select", "INI201")
    assert result.stderr.splitlines() == [
        "broken.ipynb: error: notebook is not valid JSON: Expecting value (line 1, column 12)",
        "old.ipynb: error: not a Jupyter notebook in nbformat 4 (no `cells` list)",
        "syntax.ipynb:cell 2:2:5: error: syntax error: '(' was never closed",
    ]
    assert result.stdout.startswith("nb.ipynb:cell 3:3:8: INI201")
    assert result.exit_code == 1


def test_other_kernels_are_skipped(run, write) -> None:
    document = json.loads(NOTEBOOK)
    document["metadata"]["language_info"]["name"] = "R"
    write("r.ipynb", json.dumps(document))
    assert run("r.ipynb").stdout == "All checks passed!\n"


def test_stdin_notebook(run) -> None:
    result = run("-", "--stdin-filename", "nb.ipynb", "--output-format", "concise",
                 "--select", "INI201", input=NOTEBOOK)
    assert result.stdout.startswith("nb.ipynb:cell 3:3:8: INI201")


def test_sarif_locations_name_the_cell(run, write, sarif_validator) -> None:
    write("nb.ipynb", NOTEBOOK)
    log = json.loads(run("nb.ipynb", "--output-format", "sarif", "--select", "INI201").stdout)
    assert not list(sarif_validator.iter_errors(log))
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "nb.ipynb"
    assert location["physicalLocation"]["region"]["startLine"] == 3
    assert location["logicalLocations"] == [
        {"name": "cell 3", "fullyQualifiedName": "nb.ipynb:cell 3", "kind": "notebookCell"}
    ]
    assert result["properties"]["cell"] == 3


def test_only_ipython_syntax_is_masked() -> None:
    from initlint.engine.notebook import _mask

    cell = "x = 1  # why?\nnp.*load*?\nobj.method??\n  %time f()\nfiles = !ls\ns = '%d' % 3\ny != !z\n"
    masked, originals = _mask(cell)
    assert originals == ["np.*load*?", "obj.method??", "  %time f()", "files = !ls"]
    assert masked.splitlines()[0] == "x = 1  # why?"
    assert masked.splitlines()[5:] == ["s = '%d' % 3", "y != !z"]


def test_code_cells_round_trip() -> None:
    assert code_cell_texts(NOTEBOOK.encode())[2] == "%%time\nthis is not python (\n"


def test_cached_results_keep_the_cell(run, write, tmp_path: Path) -> None:
    write("nb.ipynb", NOTEBOOK)
    first = run("nb.ipynb", "--output-format", "concise", "--select", "INI201", cache=True)
    assert [p for p in (tmp_path / ".initlint_cache").rglob("*") if p.is_file() and p.suffix == ".json"]
    second = run("nb.ipynb", "--output-format", "concise", "--select", "INI201", cache=True)
    assert first.stdout == second.stdout
    assert second.stdout.startswith("nb.ipynb:cell 3:3:8: INI201")
