"""User keys from the config file: checked at startup with the config key named, listed in
the help, and in use: a macro on the highlighted ticket, a saved view as the queue's tab,
and a command whose arguments carry ticket text literally, one argument each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.config import load_settings
from helpdesk_tui.domain.commands import fill
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.screens.user_keys import check_keys, normalize
from helpdesk_tui.services import agents, views
from helpdesk_tui.store import models as m
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import events, find, new_ticket, ready, screen_text, ticket

HOSTILE = "Касса $(rm -rf /); echo 'pwned' \"x\" `id` | tee /tmp/x && exit"


def settings_with(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(env={"HELPDESK_CONFIG": str(path)})


# -- the config file --------------------------------------------------------------------------


def test_the_three_kinds_of_user_key_are_read(tmp_path):
    s = settings_with(
        tmp_path,
        """
[user_keys]
"ctrl+y" = "macro:ask-cash-desk"
"f5" = "view:Mine"
"ctrl+g" = ["xdg-open", "https://crm.example/c/{{customer.code}}"]
"ctrl+e" = { run = ["notify-send", "{{ticket.key}}"], name = "Desktop note", timeout = 3 }
""",
    )
    kinds = [(k.key, k.kind, k.target or k.argv) for k in s.user_keys]
    assert kinds == [
        ("ctrl+y", "macro", "ask-cash-desk"),
        ("f5", "view", "Mine"),
        ("ctrl+g", "run", ("xdg-open", "https://crm.example/c/{{customer.code}}")),
        ("ctrl+e", "run", ("notify-send", "{{ticket.key}}")),
    ]
    assert s.user_keys[3].description == "Desktop note" and s.user_keys[3].timeout == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"shell:rm -rf /"', 'use "macro:CODE", "view:NAME" or a command list'),
        ('"macro:"', 'use "macro:CODE"'),
        ("[]", "a command is a list"),
        ('["{{ticket.subject}}"]', "the program .* cannot be a placeholder"),
        ('["echo", "{{ticket.nope}}"]', r"unknown placeholder \{\{ticket.nope\}\}"),
        ('{ run = ["echo"], timeout = 0 }', "'timeout' is 1 to 600 seconds"),
        ('{ run = ["echo"], macro = "x" }', "one of macro, view or run"),
        ('{ run = ["echo"], shell = true }', "unknown field 'shell'"),
    ],
)
def test_a_bad_user_key_is_one_line_naming_it(tmp_path, value, message):
    with pytest.raises(Invalid, match=message) as err:
        settings_with(tmp_path, f'[user_keys]\n"ctrl+y" = {value}\n')
    assert '[user_keys] "ctrl+y"' in str(err.value) and "\n" not in str(err.value)


def test_key_names_are_textual_s(tmp_path):
    assert normalize("Ctrl+Y") == "ctrl+y"
    assert normalize("?") == "question_mark"
    assert normalize("F5") == "f5"
    assert normalize("alt+/") == "alt+slash"
    for bad in ("ctrl+", "hyperdrive+x", "ctrl+nope", "  ", "ctrl+ctrl+x"):
        with pytest.raises(Invalid):
            normalize(bad)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[user_keys]\n"t" = "macro:ask-cash-desk"\n', "already ticket.take's"),
        ('[user_keys]\n"slash" = "macro:ask-cash-desk"\n', "already queue.search's"),
        ('[user_keys]\n"ctrl+p" = "macro:ask-cash-desk"\n', "already"),
        ('[user_keys]\n"n" = "macro:ask-cash-desk"\n', "already app.new_call's"),
        ('[user_keys]\n"ctrl+bogus" = "macro:ask-cash-desk"\n', "is not a key"),
        (
            '[user_keys]\n"ctrl+y" = "macro:ask-cash-desk"\n"Ctrl+Y" = "view:x"\n',
            r'the same key as "ctrl\+y"',
        ),
        # rebinding a built-in action onto a key takes that key
        ('[keys]\n"ticket.take" = "f6"\n[user_keys]\n"f6" = "view:x"\n', "ticket.take's"),
    ],
)
def test_a_key_clash_or_a_bad_name_is_refused_at_startup(tmp_path, config, message):
    with pytest.raises(Invalid, match=message) as err:
        check_keys(settings_with(tmp_path, config), HelpdeskApp.BINDINGS)
    assert "[user_keys]" in str(err.value)


def test_the_app_will_not_start_with_a_macro_or_view_that_does_not_exist(app_for, tmp_path):
    for value, message in (
        ('"macro:no-such"', "no macro 'no-such'"),
        ('"view:Nothing here"', "no view called 'Nothing here'"),
    ):
        s = settings_with(tmp_path, f'[user_keys]\n"ctrl+y" = {value}\n')
        with pytest.raises(Invalid, match=message) as err:
            app_for("petrov", settings=s)
        assert '[user_keys] "ctrl+y"' in str(err.value)


def test_arguments_are_filled_one_by_one_and_stripped_of_controls():
    values = {"ticket.subject": "a\nb\x1b[31m; $(x)", "ticket.key": "HD-1"}
    argv = ["prog", "{{ticket.subject}}", "--key={{ticket.key}}", "{{ticket.nope}}x"]
    assert fill(argv, values) == ["prog", "a b[31m; $(x)", "--key=HD-1", "x"]


# -- in the application -----------------------------------------------------------------------


async def test_a_user_key_runs_a_macro_on_the_highlighted_ticket(app_for, demo_store, tmp_path):
    key = new_ticket(demo_store)
    s = settings_with(tmp_path, '[user_keys]\n"ctrl+y" = "macro:ask-cash-desk"\n')
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert ticket(demo_store, key).status == "waiting_customer"
        assert [e.kind for e in events(demo_store, key)][-2:] == ["reply", "status"]


async def test_a_user_key_opens_a_saved_view(app_for, demo_store, tmp_path):
    from textual.widgets import Tabs

    from helpdesk_tui.screens.workspace import tab_dom_id

    petrov = agents.resolve(demo_store, "petrov")
    view = views.save(demo_store, petrov, "Urgent", "priority<=P2", now=NOW)
    s = settings_with(tmp_path, '[user_keys]\n"f5" = "view:urgent"\n')
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        assert app.screen.query_one(Tabs).active != tab_dom_id(f"view:{view.id}")
        await pilot.press("enter")  # into a ticket: the key brings the queue back
        await settle(app, pilot)
        await pilot.press("f5")
        await ready(app, pilot)
        assert app.screen.query_one(Tabs).active == tab_dom_id(f"view:{view.id}")
        assert app.screen.query_.tab.view.name == "Urgent"


async def test_a_user_key_runs_a_command_with_ticket_text_as_literal_arguments(
    app_for, demo_store, tmp_path
):
    key = new_ticket(demo_store, HOSTILE)
    with demo_store.write() as s:  # a subject that slipped in with a line break and ESC
        s.execute(
            update(m.Ticket)
            .where(m.Ticket.key == key)
            .values(subject=HOSTILE + "\nsecond line\x1b[2J")
        )
    out = tmp_path / "argv.json"
    script = tmp_path / "argv.py"
    script.write_text(
        "import json, sys\n"
        "open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))\n"
        "print('wrote', len(sys.argv) - 2, 'arguments')\n",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        str(script),
        str(out),
        "{{ticket.subject}}",
        "{{ticket.key}}",
        "https://crm.example/c/{{customer.code}}",
        "{{asset.tag}}",
    ]
    s = settings_with(
        tmp_path,
        f'[user_keys]\n"ctrl+g" = {{ run = {json.dumps(command)}, name = "Open in the CRM" }}\n',
    )
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        argv = json.loads(out.read_text(encoding="utf-8"))
        assert argv == [
            HOSTILE + " second line[2J",  # one argument, as typed; controls gone
            key,
            "https://crm.example/c/produkty24",
            "",  # a field the ticket does not have: an empty argument, still one
        ]
        shown = [n.message for n in app._notifications]
        assert any("wrote 4 arguments" in text for text in shown), shown


async def test_a_failing_or_slow_command_is_told_not_crashed(app_for, demo_store, tmp_path):
    key = new_ticket(demo_store)
    s = settings_with(
        tmp_path,
        "[user_keys]\n"
        f'"ctrl+g" = {{ run = {json.dumps([sys.executable, "-c", "import sys; sys.exit(3)"])} }}\n'
        f'"ctrl+e" = {{ run = {json.dumps([sys.executable, "-c", "import time; time.sleep(5)"])}, '
        "timeout = 1 }\n"
        '"f7" = ["/no/such/program"]\n',
    )
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        for press in ("ctrl+g", "ctrl+e", "f7"):
            await pilot.press(press)
            await settle(app, pilot)
        shown = " | ".join(n.message for n in app._notifications)
        assert "exit status 3" in shown
        assert "stopped after the timeout" in shown
        assert "cannot run /no/such/program" in shown


async def test_the_help_lists_the_user_keys(app_for, demo_store, tmp_path):
    s = settings_with(
        tmp_path,
        '[user_keys]\n"ctrl+y" = "macro:ask-cash-desk"\n'
        '"ctrl+g" = { run = ["xdg-open", "{{ticket.key}}"], name = "Open in the CRM" }\n',
    )
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 50)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        for _ in range(40):  # to the end of the help: "Everywhere"
            await pilot.press("j")
        text = screen_text(app)
        assert "Macro ask-cash-desk" in text
        assert "Open in the CRM" in text


async def test_on_the_ticket_screen_the_key_acts_on_the_open_ticket(app_for, demo_store, tmp_path):
    key = new_ticket(demo_store)
    out = tmp_path / "key.txt"
    command = [sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write(sys.argv[2])"]
    s = settings_with(
        tmp_path,
        f'[user_keys]\n"ctrl+g" = {json.dumps([*command, str(out), "{{ticket.key}}"])}\n',
    )
    app = app_for("petrov", settings=s)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(app, pilot)
        app.open_ticket(key)
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert out.read_text(encoding="utf-8") == key
        await pilot.press("ctrl+k")  # the knowledge base has no ticket: told, nothing run
        await settle(app, pilot)
        out.unlink()
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert not out.exists()
        assert any("no ticket selected" in str(n.message) for n in app._notifications)
