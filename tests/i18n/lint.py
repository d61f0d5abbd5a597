"""An AST lint: user-visible string literals in the typical call sites that are not wrapped
in a translation function.

Checked, in the converted modules: `Binding(…)` descriptions and tooltips; `notify(…)`;
`Static`, `Label`, `Checkbox`, `Button` texts; `Input(placeholder=…)`; typer's `help=`;
`add_column(…)` headers; `say(…)`; `print_table(…, title=…)`; the messages of errors raised
to users (`Invalid`, `NotAllowed`, `NotFound`, `Conflict`, `TryLater`, `BadParameter`,
`HelpdeskError`, `StoreError`, `QueryError`) and of `….error(message)`, which the
reference loader and the query parser raise; the dialogs', the picker's and the editors'
titles; a picker `Choice`'s label and detail; `Select(prompt=…)`; `self.title`/`self.sub_title`; and
the column names of `print_table`/`print_csv` tables, which need a label in
`cli/common.COLUMN_LABELS`.

A text is *bare* when it holds a letter and is a literal, an f-string, or a sum or `%` of
them, outside `_`, `N_`, `n_`, `ngettext`, `pgettext`, `npgettext`, `NP_`. A `Text(…)` or
`Content(…)` is looked into. Names, attributes and other calls pass (they are data, or
were translated where they were made).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TRANSLATORS = {"_", "N_", "n_", "ngettext", "pgettext", "npgettext", "NP_"}
WRAPPERS = {"Text", "Content"}
TEXT_WIDGETS = {"Static", "Label", "Checkbox", "Button"}
ERRORS = {
    "Invalid",
    "NotAllowed",
    "NotFound",
    "Conflict",
    "TryLater",
    "BadParameter",
    "HelpdeskError",
    "StoreError",
    "QueryError",
}
FIRST_ARG = {
    "notify",
    "say",
    "add_column",
    "PickerScreen",
    "ConfirmScreen",
    "InputScreen",
    "ComposeScreen",
    "VendorCaseScreen",
    "error",  # the reference loader's and the query parser's `….error(message, …)`
}
HEADER_NAMES = {"headers", "heads"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: bare text in {self.where}: {self.text!r}"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def bare(node: ast.expr | None) -> str | None:
    """The bare user-visible text in `node`, if there is one."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if any(c.isalpha() for c in node.value) else None
    if isinstance(node, ast.JoinedStr):
        literal = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return ast.unparse(node) if any(c.isalpha() for c in literal) else None
    if isinstance(node, ast.BinOp):
        return bare(node.left) or bare(node.right)
    if isinstance(node, ast.IfExp):
        return bare(node.body) or bare(node.orelse)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in TRANSLATORS:
            return None
        if name in WRAPPERS and node.args:
            return bare(node.args[0])
        if name == "format" and isinstance(node.func, ast.Attribute):
            return bare(node.func.value)
    return None


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _call_findings(call: ast.Call) -> Iterator[tuple[str, ast.expr | None]]:
    name = _name(call.func)
    if name == "Binding":
        yield (
            "Binding description",
            call.args[2] if len(call.args) > 2 else _kw(call, "description"),
        )
        yield "Binding tooltip", _kw(call, "tooltip")
    if name in FIRST_ARG or name in TEXT_WIDGETS or name in ERRORS:
        yield f"{name}(…)", call.args[0] if call.args else None
    if name in TEXT_WIDGETS or name in ("notify",):
        yield f"{name}(message=…)", _kw(call, "message")
    if name == "Choice":  # the picker's option: Choice(id, label, detail, preview)
        yield "Choice label", call.args[1] if len(call.args) > 1 else _kw(call, "label")
        yield "Choice detail", call.args[2] if len(call.args) > 2 else _kw(call, "detail")
    for keyword in ("help", "placeholder", "title", "hint", "short_help", "epilog", "prompt"):
        if keyword in ("title",) and name not in ("print_table", "notify"):
            continue
        yield f"{name}({keyword}=…)", _kw(call, keyword)
    if name in ("print_table", "print_csv") and call.args:
        yield from _headers(call.args[0])


def _headers(node: ast.expr) -> Iterator[tuple[str, ast.expr | None]]:
    from helpdesk_tui.cli.common import COLUMN_LABELS

    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            if (
                isinstance(element, ast.Constant)
                and isinstance(element.value, str)
                and element.value not in COLUMN_LABELS
            ):
                yield "a column without a label (cli/common.COLUMN_LABELS)", element


def check_source(source: str, path: Path) -> list[Finding]:
    found: list[Finding] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for where, arg in _call_findings(node):
                if arg is not None and (text := _column_or_bare(where, arg)):
                    found.append(Finding(path, arg.lineno, where, text))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            continue  # the error's call is checked as a call
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in ("title", "sub_title")
                    and (text := bare(node.value))
                ):
                    found.append(Finding(path, node.lineno, f"self.{target.attr} =", text))
                if isinstance(target, ast.Name) and target.id in HEADER_NAMES:
                    for where, arg in _headers(node.value):
                        found.append(Finding(path, arg.lineno, where, arg.value))
    return found


def _column_or_bare(where: str, arg: ast.expr) -> str | None:
    if where.startswith("a column"):
        return arg.value  # type: ignore[attr-defined]
    return bare(arg)


def check_file(path: Path) -> list[Finding]:
    return check_source(path.read_text(encoding="utf-8"), path)
