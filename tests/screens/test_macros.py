"""The macros screen: Ctrl+N (or the palette) lists every macro with its steps; a
supervisor writes one — a wrong step is flagged on the line while typing and refused on
saving — and an agent then runs it on a ticket with `m`. The data file's macros are read
here, not edited; agents read and run."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.macro_editor import MacroEditorScreen
from helpdesk_tui.screens.macros import MacrosScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.services import agents, macros
from tests.screens.conftest import settle
from tests.screens.helpers import events, find, new_ticket, paste, screen_text, ticket, type_text


async def open_macros(app, pilot) -> MacrosScreen:
    await pilot.pause()
    await settle(app, pilot)
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    assert isinstance(app.screen, MacrosScreen)
    return app.screen


def check_line(editor) -> str:
    return str(editor.query_one("#me-check", Static).content)


async def test_a_supervisor_writes_a_macro_and_an_engineer_runs_it_with_m(app_for, demo_store):
    app = app_for("morozov")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_macros(app, pilot)
        assert screen.current is not None and screen.current.code == "printer-paper"
        await pilot.press("tab", "w")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, MacroEditorScreen)
        await paste(app, pilot, "start-and-note")
        editor.query_one("#me-name", Input).focus()
        await paste(app, pilot, "Start work and say so")
        editor.query_one("#me-name-ru", Input).focus()
        await paste(app, pilot, "Начать работу и отметить")
        area = editor.query_one("#me-steps", TextArea)
        area.focus()
        await paste(app, pilot, 'status = "in_progress"\nnote = "Started on {{ticket.key}}"\n')
        await type_text(pilot, "dance")
        assert "line 3, step 3: not a step" in check_line(editor)
        await type_text(pilot, " = 1")
        assert "line 3, step 3: unknown action 'dance'" in check_line(editor)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is editor  # refused, in one line, nothing saved
        assert "unknown action 'dance'" in str(editor.query_one("#me-error", Static).content)
        assert all(m.code != "start-and-note" for m in macros.list_macros(demo_store))
        for _ in "dance = 1":
            await pilot.press("backspace")
        assert check_line(editor) == ("✓ It will: status in_progress → note")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.current is not None and screen.current.code == "start-and-note"
        assert "made here, last saved by morozov" in screen_text(app)
    saved = macros.find(demo_store, "start-and-note")
    assert saved.origin == "app" and saved.name_ru == "Начать работу и отметить"
    [entry] = macros.log(demo_store, agents.resolve(demo_store, "admin"))
    assert (entry.by, entry.action) == ("morozov", "created")

    key = new_ticket(demo_store)  # assigned to petrov
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await find(app, pilot, key)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)
        await paste(app, pilot, "Start work")
        await pilot.press("enter")
        await settle(app, pilot)
        assert ticket(demo_store, key).status == "in_progress"
        [note] = events(demo_store, key, "note")
        assert note.body == f"Started on {key}"


async def test_the_files_macros_are_read_only_and_ones_made_here_can_be_deleted(
    app_for, demo_store
):
    admin = agents.resolve(demo_store, "admin")
    macros.save(
        demo_store, admin, macros.MacroInput("tmp-one", "A temporary one", "take = true"), new=True
    )
    app = app_for("admin")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_macros(app, pilot)
        await pilot.press("tab", "enter")  # the first: printer-paper, from the file
        await settle(app, pilot)
        assert app.screen is screen
        assert any("edit it in the file" in str(n.message) for n in app._notifications)
        await pilot.press("shift+tab")
        await type_text(pilot, "temporary")
        await settle(app, pilot)
        assert screen.current is not None and screen.current.code == "tmp-one"
        await pilot.press("tab", "d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen
    assert all(m.code != "tmp-one" for m in macros.list_macros(demo_store))


async def test_an_engineer_reads_macros_but_does_not_write_them(app_for, demo_store):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_macros(app, pilot)
        assert "read only" in screen_text(app)
        await pilot.press("tab", "w")
        await settle(app, pilot)
        assert app.screen is screen


async def test_the_palette_opens_the_macros(app_for):
    from textual.command import CommandPalette

    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "macros: list")
        await pilot.pause(0.3)  # the palette searches in the background
        await settle(app, pilot)
        first = app.screen.query_one("CommandList").get_option_at_index(0).prompt
        assert "Macros: list, write and edit macros" in str(first)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MacrosScreen)
