"""What every subcommand shares: settings, the store, the actor, and output.

Output for people is a table; `--json` and `--csv` are for programs. Untrusted text
(subjects, names) goes into tables as `Text`, never as markup.
"""

from __future__ import annotations

import csv
import getpass
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from helpdesk_tui.config import Settings, load_settings
from helpdesk_tui.domain.csv_formulas import defuse_row
from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.domain.permissions import LOGIN
from helpdesk_tui.i18n import NP_, _, format_datetime, pgettext
from helpdesk_tui.services import auth, refusals, setup
from helpdesk_tui.services.agents import Actor, resolve
from helpdesk_tui.store.db import Store

# In a terminal, its width; piped to another program or a file, not cut to 80 columns.
console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, highlight=False, soft_wrap=False)


@dataclass
class Context:
    """Built once per invocation by the top-level callback; stores open lazily."""

    db: str | None = None
    login: str | None = None
    lang: str | None = None
    _settings: Settings | None = None
    _stores: dict[str, Store] = field(default_factory=dict)
    _actors: dict[str, Actor] = field(default_factory=dict)
    _passwords: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(db=self.db, login=self.login, lang=self.lang)
        return self._settings

    def store(self, *, migrate: bool = True) -> Store:
        """The store in force, checked to be on the current schema."""
        url = self.settings.db_url
        if url not in self._stores:
            self._stores[url] = setup.open_checked(self.settings, migrate=migrate)
        return self._stores[url]

    def actor(self, login: str | None = None, *, store: Store | None = None) -> Actor:
        """The acting agent: `--as`, else HELPDESK_AS, else the config file's `login`.

        On a shared store (`auth.password_required`) they log in first: the password from
        HELPDESK_PASSWORD (for scripts), else asked on the terminal without echo; no
        terminal and no variable, a wrong password, an agent without one: refused in one
        line, and audited. Once per login and command."""
        name = login or self.settings.login.value
        if name and name in self._actors:
            return self._actors[name]
        store = store or self.store()
        if not name or not auth.password_required(store):
            actor = resolve(store, name)
        else:
            password = self.password_of(store, name)
            actor = auth.login(store, name, password)
        self._actors[actor.login] = actor
        return actor

    def password_of(self, store: Store, login: str) -> str:
        """The login password: HELPDESK_PASSWORD, else a no-echo prompt on a terminal."""
        if login in self._passwords:
            return self._passwords[login]
        password = os.environ.get("HELPDESK_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                reason = _(
                    "this store needs {login}'s password: run in a terminal, "
                    "or set HELPDESK_PASSWORD"
                ).format(login=login)
                refusals.record(
                    store,
                    agent_id=None,
                    login=login,
                    role="",
                    action=LOGIN,
                    reason="no password given",
                )
                raise NotAllowed(reason)
            password = ask_secret(_("Password for {login}: ").format(login=login))
        self._passwords[login] = password
        return password

    def given_password(self, login: str) -> str | None:
        """The password `login` logged in with in this command, if they did."""
        return self._passwords.get(login)

    def require(
        self, action: str, login: str | None = None, *, store: Store | None = None
    ) -> Actor:
        """The acting agent, checked for `action` of the permission table (audited)."""
        store = store or self.store()
        actor = self.actor(login, store=store)
        refusals.require(store, actor, action)
        return actor

    def admin_for(self, action: str, store: Store) -> Actor | None:
        """Setting the desk up (`desk.upgrade`, `desk.load_data`): on a shared store, the
        agent logged in, checked for `action` (audited); on a private one nobody — whoever
        opens it owns it."""
        if not auth.password_required(store):
            return None
        return self.require(action, store=store)

    def logged_in(self, login: str | None = None) -> None:
        """On a shared store, log the agent in before a command reads anything."""
        store = self.store()
        if auth.password_required(store):
            self.actor(login, store=store)

    def close(self) -> None:
        for store in self._stores.values():
            store.dispose()


def ask_secret(prompt: str) -> str:
    """A password typed on the terminal, without echo (Ctrl+D: none given)."""
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise Invalid(_("no password given")) from None


def ctx_obj(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    if obj is None:
        obj = ctx.find_root().obj = Context()
    return obj


def text(value: Any) -> Text:
    """A table cell: always literal text."""
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, datetime):
        return Text(format_datetime(value.astimezone()))
    if isinstance(value, bool):
        return Text(_("yes") if value else _("no"))
    return Text(str(value))


FLEXIBLE = ("subject", "name", "value", "text", "changes", "KPI")

# Column names (also the CSV headers and JSON keys, which stay as they are) as people read
# them in tables: `pgettext("column", …)` of these.
COLUMN_LABELS = {
    name: name
    for name in (
        NP_("column", "KPI"),
        NP_("column", "action"),
        NP_("column", "active"),
        NP_("column", "agent"),
        NP_("column", "all"),
        NP_("column", "assignee"),
        NP_("column", "at"),
        NP_("column", "by"),
        NP_("column", "case"),
        NP_("column", "categories"),
        NP_("column", "changes"),
        NP_("column", "closed"),
        NP_("column", "code"),
        NP_("column", "contract"),
        NP_("column", "contract to"),
        NP_("column", "created"),
        NP_("column", "customer"),
        NP_("column", "excerpt"),
        NP_("column", "field"),
        NP_("column", "from"),
        NP_("column", "group"),
        NP_("column", "groups"),
        NP_("column", "id"),
        NP_("column", "if"),
        NP_("column", "kept"),
        NP_("column", "key"),
        NP_("column", "kind"),
        NP_("column", "lang"),
        NP_("column", "late"),
        NP_("column", "link"),
        NP_("column", "load"),
        NP_("column", "login"),
        NP_("column", "model"),
        NP_("column", "name"),
        NP_("column", "on_shift"),
        NP_("column", "owner"),
        NP_("column", "plan"),
        NP_("column", "pri"),
        NP_("column", "priority"),
        NP_("column", "promised"),
        NP_("column", "query"),
        NP_("column", "reason"),
        NP_("column", "resolution_due"),
        NP_("column", "role"),
        NP_("column", "serial"),
        NP_("column", "service"),
        NP_("column", "services"),
        NP_("column", "setting"),
        NP_("column", "shared with"),
        NP_("column", "site"),
        NP_("column", "skill"),
        NP_("column", "skills"),
        NP_("column", "slug"),
        NP_("column", "source"),
        NP_("column", "sort"),
        NP_("column", "state"),
        NP_("column", "status"),
        NP_("column", "steps"),
        NP_("column", "subject"),
        NP_("column", "subject / error"),
        NP_("column", "tag"),
        NP_("column", "text"),
        NP_("column", "then"),
        NP_("column", "ticket"),
        NP_("column", "to"),
        NP_("column", "tries"),
        NP_("column", "unchanged"),
        NP_("column", "updated"),
        NP_("column", "used"),
        NP_("column", "value"),
        NP_("column", "warranty to"),
        NP_("column", "what"),
        NP_("column", "when"),
        NP_("column", "who"),
    )
}


def column_label(name: str) -> str:
    """A column's header for people, in the language in force (others: as given)."""
    return pgettext("column", name) if name in COLUMN_LABELS else name


def print_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str = "",
    *,
    optional: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
) -> None:
    """A table for people: short columns keep their width, the text column (subject,
    name…) takes what is left and is shortened with …; when the terminal is too narrow,
    the `optional` columns are left out, in the order given. `labels`: translated headers
    of this table's own for columns whose usual label would read wrong here."""
    cells = [[text(v) for v in row] for row in rows]
    heads = [(labels or {}).get(h) or column_label(h) for h in headers]
    flexible = next((i for i, h in enumerate(headers) if h in FLEXIBLE), None)
    natural = [
        max([Text(heads[i]).cell_len, *(c[i].cell_len for c in cells)]) for i in range(len(headers))
    ]
    shown = list(range(len(headers)))
    for name in optional:
        need = sum(min(natural[i], 24) + 3 for i in shown if i != flexible) + 23
        if need <= console.width or name not in headers:
            continue
        shown.remove(headers.index(name))
    widths = {i: min(natural[i], 24) for i in shown if i != flexible}
    table = Table(title=title or None, show_edge=False, header_style="bold")
    for i in shown:
        if i == flexible:  # exactly what is left: Rich would otherwise cut the last columns
            left = console.width - sum(w + 3 for w in widths.values()) - 2
            table.add_column(
                heads[i],
                no_wrap=True,
                overflow="ellipsis",
                width=max(12, min(natural[i], left)),
            )
        else:
            table.add_column(heads[i], no_wrap=True, overflow="ellipsis", width=widths[i])
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    console.print(table)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
    sys.stdout.write("\n")


def print_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(  # text that a spreadsheet would run as a formula gets a leading '
            defuse_row(_json_default(v) if isinstance(v, datetime) else v for v in row)
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def say(message: str, *, err: bool = False) -> None:
    """A line of confirmation for people (stdout; `err`: stderr), as literal text."""
    (err_console if err else console).print(Text(message), soft_wrap=True)


def read_text_arg(value: str | None) -> str | None:
    """`-` reads the text from standard input (for long bodies and pipes)."""
    if value == "-":  # bytes that are not UTF-8 become U+FFFD, not a crash
        raw = getattr(sys.stdin, "buffer", None)  # None: a text stream given in its place
        return raw.read().decode("utf-8", "replace") if raw is not None else sys.stdin.read()
    return value
