"""Macros: named sequences of ticket actions, defined in data/macros.toml or in the
application (the macro editor; `helpdesk macro add`).

A macro is checked when the data is loaded or the editor saves it (unknown actions, empty
steps, bad values are errors with the file and the macro named), and run by
`services.macros` as the actions an agent would take one by one: each step its own
audited change, in order, stopping at the first that is refused.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.placeholders import problems
from helpdesk_tui.domain.priority import parse_level
from helpdesk_tui.domain.vocab import parse_priority
from helpdesk_tui.domain.workflow import Status, parse_status
from helpdesk_tui.i18n import N_, _

ACTIONS: dict[str, str] = {
    "take": "take the ticket (true)",
    "reply": "a public reply from a template (its code without the -en/-ru ending)",
    "note": "an internal note (placeholders filled from the ticket)",
    "status": "a status the workflow allows, other than resolved/closed",
    "resolve": "resolve with a resolution template (code without the language ending)",
    "priority": "P1..P4",
    "impact": "1..3",
    "urgency": "1..3",
    "assignee": "a login, me, or none",
    "group": "a group code of the ticket's line",
    "escalate": "a line or group code; needs `note` in the same step: what was tried",
}


@dataclass(frozen=True)
class Step:
    action: str
    value: str
    note: str = ""  # escalate's "what was tried"

    def describe(self) -> str:
        if self.action in ("take", "note"):
            return self.action
        return f"{self.action} {self.value}"


@dataclass(frozen=True)
class Macro:
    code: str
    name: str
    steps: tuple[Step, ...]
    name_ru: str = ""
    origin: str = "data"  # data: data/macros.toml; app: made in the application

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "name_ru": self.name_ru,
            "steps": [{"action": s.action, "value": s.value, "note": s.note} for s in self.steps],
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Macro:
        steps = tuple(Step(s["action"], s["value"], s.get("note", "")) for s in data["steps"])
        return cls(
            data["code"], data["name"], steps, data.get("name_ru", ""), data.get("origin", "data")
        )


def parse_step(data: Any, number: int) -> Step:
    """One step from data: a table with one action (`{ status = "waiting_customer" }`)."""
    where = f"step {number}"
    if not isinstance(data, Mapping):
        raise Invalid(
            _('{where}: a step is a table like {{ status = "waiting_customer" }}').format(
                where=where
            )
        )
    extra = set(data) - set(ACTIONS)
    if extra:
        raise Invalid(
            _("{where}: unknown action {extra!r} ({ACTIONS})").format(
                where=where, extra=sorted(extra)[0], ACTIONS=", ".join(ACTIONS)
            )
        )
    escalating = "escalate" in data  # its `note` is what was tried, not a step of its own
    actions = [k for k in data if not (escalating and k == "note")]
    if len(actions) != 1:
        raise Invalid(
            _("{where}: one action per step, not {actions}").format(
                where=where, actions=len(actions)
            )
        )
    action = actions[0]
    raw = data[action]
    note = data.get("note", "") if escalating else ""
    if not isinstance(note, str):
        raise Invalid(_("{where}: escalate's note is text").format(where=where))
    if action == "take":
        if raw is not True:
            raise Invalid(_("{where}: take = true").format(where=where))
        return Step("take", "")
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(
            _("{where}: {action} needs {ACTIONS}").format(
                where=where, action=action, ACTIONS=ACTIONS[action]
            )
        )
    value = raw.strip()
    if action == "priority":
        parse_priority(value)
    elif action in ("impact", "urgency"):
        parse_level(value, action)
    elif action == "status":
        status = parse_status(value)
        if status in (Status.RESOLVED, Status.CLOSED):
            raise Invalid(
                _(
                    '{where}: resolve with `resolve = "template"`; closing is the customer\'s'
                ).format(where=where)
            )
        value = status.value
    elif action == "escalate" and not note.strip():
        raise Invalid(_("{where}: escalate needs a note of what was tried").format(where=where))
    elif action == "note" and (bad := problems(value)):
        raise Invalid(f"{where}: {bad[0]}")
    return Step(action, value, note.strip())


def parse_macro(code: str, name: str, steps: Any, name_ru: str = "") -> Macro:
    if not isinstance(steps, list) or not steps:
        raise Invalid(_("macro {code!r}: `steps` is a non-empty list of actions").format(code=code))
    if len(steps) > 20:
        raise Invalid(_("macro {code!r}: at most 20 steps").format(code=code))
    try:
        parsed = tuple(parse_step(s, i) for i, s in enumerate(steps, 1))
    except Invalid as exc:
        raise Invalid(_("macro {code!r}, {exc}").format(code=code, exc=exc)) from None
    return Macro(code, name, parsed, name_ru)


# -- steps typed in the editor or on the command line ----------------------------------------

STEP_HINT = N_(
    'one step per line, as in data/macros.toml: take = true, status = "waiting_customer"'
)


def parse_step_lines(text: str) -> list[tuple[int, Any]]:
    """The steps typed one per line, as the data file writes them, braces optional
    (`take = true`, `{ escalate = "L3", note = "…" }`), each with its line number; blank
    lines and `#` comments are skipped. Only the TOML is read here: `parse_typed` checks
    the steps."""
    out: list[tuple[int, Any]] = []
    number = 0
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        number += 1
        table = line if line.startswith("{") else "{ " + line + " }"
        try:
            out.append((line_no, tomllib.loads("step = " + table)["step"]))
        except tomllib.TOMLDecodeError:
            raise Invalid(
                _("line {line}, step {number}: not a step ({hint})").format(
                    line=line_no, number=number, hint=_(STEP_HINT)
                )
            ) from None
    return out


def parse_typed(code: str, name: str, text: str, name_ru: str = "") -> Macro:
    """A macro from steps typed one per line: checked exactly as `parse_macro` checks the
    data file's, the error naming the line and the step."""
    lines = parse_step_lines(text)
    for number, (line_no, data) in enumerate(lines, 1):
        try:
            parse_step(data, number)
        except Invalid as exc:
            raise Invalid(_("line {line}, {error}").format(line=line_no, error=exc)) from None
    return parse_macro(code, name, [data for _line, data in lines], name_ru)


def step_line(step: Step) -> str:
    """One step as a line of the editor (and of the data file): `reply = "ask-cash-desk"`."""
    if step.action == "take":
        return "take = true"
    text = f"{step.action} = {json.dumps(step.value, ensure_ascii=False)}"
    if step.note:
        text += f", note = {json.dumps(step.note, ensure_ascii=False)}"
    return text


def steps_text(steps: tuple[Step, ...]) -> str:
    return "\n".join(step_line(s) for s in steps)
