"""Babel extraction of the command line: the marked texts (`_`, `N_`, …) and the commands'
docstrings, which typer shows as their help.

A command is a module-level function whose first parameter is `ctx: typer.Context` and
that returns nothing (`ctx_obj(ctx) -> Context` is a helper, not a command). Used by
`babel.cfg` (`pybabel extract`) and by the catalog test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from babel.messages.extract import extract_python


def command_docstrings(source: str) -> Iterator[tuple[int, str]]:
    """(line, cleaned docstring) of each command function in `source`."""
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or not node.args.args:
            continue
        first = node.args.args[0].annotation
        if not (isinstance(first, ast.Attribute) and ast.unparse(first) == "typer.Context"):
            continue
        if node.returns is not None and ast.unparse(node.returns) != "None":
            continue
        doc = ast.get_docstring(node, clean=True)
        if doc:
            yield node.body[0].lineno, doc


def extract_cli(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: Python's, plus the command docstrings."""
    data = fileobj.read()
    yield from extract_python(_Bytes(data), keywords, comment_tags, options)
    source = data.decode(options.get("encoding", "utf-8")) if isinstance(data, bytes) else data
    for lineno, doc in command_docstrings(source):
        yield lineno, "_", doc, []


class _Bytes:
    """The file again, for the Python extractor (it reads lines and seeks)."""

    def __init__(self, data: bytes) -> None:
        import io

        self._io = io.BytesIO(data if isinstance(data, bytes) else data.encode())

    def __getattr__(self, name):
        return getattr(self._io, name)
