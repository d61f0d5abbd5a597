"""User keys (`[user_keys]` in the config file): what the keys name must exist, and the
commands they run.

A command runs with `subprocess` from an argument list (`shell=False`, always): the
program as written in the config file, each argument filled separately from the ticket
(`domain/commands.py`), standard input closed, a timeout, and its output captured for a
notification. It blocks, so the screens run it in a worker.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import select

from helpdesk_tui.config import UserKey
from helpdesk_tui.domain import commands
from helpdesk_tui.domain.errors import HelpdeskError, Invalid, NotFound
from helpdesk_tui.domain.text import visible
from helpdesk_tui.i18n import _
from helpdesk_tui.services import views
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.services.catalog import catalog
from helpdesk_tui.services.notify import placeholder_values
from helpdesk_tui.services.ticket_core import normalize_key
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

OUTPUT_LIMIT = 600  # characters of output shown


def check_targets(
    store: Store, actor: Actor, keys: Sequence[UserKey], config_path: object = ""
) -> None:
    """Every macro and view the keys name exists for `actor`; else `Invalid` naming the
    config file and key."""
    from helpdesk_tui.services import macros  # not at every start (screens/user_keys.py)

    for key in keys:
        try:
            if key.kind == "macro":
                macros.find(store, key.target)
            elif key.kind == "view":
                views.find(store, actor, key.target)
        except NotFound as exc:
            where = f"{config_path} {key.where}" if config_path else key.where
            raise Invalid(f"{where}: {exc}") from None


def view_tab(store: Store, actor: Actor, name: str) -> str:
    """The queue tab id of the view `name` (`view:12`)."""
    return f"view:{views.find(store, actor, name).id}"


def values_for(store: Store, actor: Actor, key: str) -> dict[str, str]:
    """The ticket's fields as a command's placeholders take them."""
    key = normalize_key(key)
    with store.read() as s:
        t = s.exec(select(m.Ticket).where(m.Ticket.key == key)).first()
        if t is None:
            raise NotFound(_("no ticket {key}").format(key=key))
        cat = catalog(store, s)
        values = placeholder_values(s, cat, t, agent_name=actor.name)
        customer = s.get(m.Customer, t.customer_id) if t.customer_id else None
        site = s.get(m.Site, t.site_id) if t.site_id else None
        asset = s.get(m.Asset, t.asset_id) if t.asset_id else None
        assignee = s.get(m.Agent, t.assignee_id) if t.assignee_id else None
        service = cat.services.get(t.service_id)
        values.update(
            {
                "ticket.group": cat.groups[t.group_id].code if t.group_id in cat.groups else "",
                "ticket.line": cat.lines[t.line_id].code if t.line_id in cat.lines else "",
                "ticket.assignee": assignee.login if assignee else "",
                "service.code": service.code if service else "",
                "customer.code": customer.code if customer else "",
                "site.code": site.code if site else "",
                "asset.tag": asset.tag if asset else "",
            }
        )
    return {name: values.get(name, "") for name in commands.FIELDS}


@dataclass(frozen=True)
class CommandRun:
    argv: tuple[str, ...]
    exit_code: int | None  # None: it did not finish in time
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def summary(self) -> str:
        name = self.argv[0]
        if self.exit_code is None:
            head = _("{name}: stopped after the timeout").format(name=name)
        elif self.exit_code == 0:
            head = _("{name}: done").format(name=name)
        else:
            head = _("{name}: exit status {code}").format(name=name, code=self.exit_code)
        return f"{head}\n{self.output}" if self.output else head


def run_command(
    store: Store, actor: Actor, key: str, argv: Sequence[str], *, timeout: float = 10.0
) -> CommandRun:
    """Run the command `argv` for ticket `key` (see the module's docstring)."""
    filled = commands.fill(argv, values_for(store, actor, key))
    try:
        done = subprocess.run(  # an argument list, never a shell
            filled,
            shell=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return CommandRun(tuple(filled), None, _shown(exc.stdout, exc.stderr))
    except OSError as exc:
        raise UserCommandError(
            _("cannot run {program}: {error}").format(program=filled[0], error=exc.strerror or exc)
        ) from None
    return CommandRun(tuple(filled), done.returncode, _shown(done.stdout, done.stderr))


class UserCommandError(HelpdeskError):
    """The program of a user key cannot be started (not found, not executable)."""


def _shown(stdout: bytes | None, stderr: bytes | None) -> str:
    text = "\n".join(
        part.decode("utf-8", "replace").strip() for part in (stdout, stderr) if part
    ).strip()
    if len(text) > OUTPUT_LIMIT:
        text = text[: OUTPUT_LIMIT - 1] + "…"
    return visible(text)
