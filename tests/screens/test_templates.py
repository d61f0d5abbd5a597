"""The templates screen: Ctrl+T lists every template, typing narrows it, the one under the
cursor is shown filled from a sample ticket; a supervisor edits and writes templates, a
wrong placeholder is flagged while typing and refused on saving; a dispatcher reads."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from helpdesk_tui.screens.template_editor import TemplateEditorScreen
from helpdesk_tui.screens.templates import TemplatesScreen
from helpdesk_tui.services import agents, templates
from tests.screens.conftest import settle
from tests.screens.helpers import paste, screen_text, type_text


async def open_templates(app, pilot) -> TemplatesScreen:
    await pilot.pause()
    await settle(app, pilot)
    await pilot.press("ctrl+t")
    await settle(app, pilot)
    assert isinstance(app.screen, TemplatesScreen)
    return app.screen


async def narrow_to(app, pilot, words: str) -> TemplatesScreen:
    screen = await open_templates(app, pilot)
    await type_text(pilot, words)
    await settle(app, pilot)
    await pilot.pause(0.05)
    await settle(app, pilot)
    return screen


def preview(screen) -> str:
    return str(screen.query_one("#tpl-preview", Static).content)


async def test_typing_narrows_the_list_and_the_preview_is_filled_from_a_ticket(app_for):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await narrow_to(app, pilot, "ack-ru")
        assert screen.current.code == "ack-ru"
        shown = preview(screen)
        assert "Ваше обращение зарегистрировано под номером HD-" in shown
        assert "{{" not in shown
        assert "filled from HD-" in str(screen.query_one("#tpl-meta", Static).content)
        assert "read only" in screen_text(app)  # dispatchers use templates, not write them
        await pilot.press("tab", "e")
        await settle(app, pilot)
        assert isinstance(app.screen, TemplatesScreen)


async def test_an_unknown_placeholder_is_flagged_while_typing_and_not_saved(app_for, demo_store):
    app = app_for("sokolova")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        await type_text(pilot, "ack-en")
        await settle(app, pilot)
        await pilot.press("enter", "enter")  # to the list; Enter edits
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditorScreen)
        area = editor.query_one("#te-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await type_text(pilot, " {{contact.nmae}}")
        problems = str(editor.query_one("#te-problems", Static).content)
        assert "unknown placeholder {{contact.nmae}} (did you mean {{contact.name}}?)" in problems
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is editor
        assert "unknown placeholder" in str(editor.query_one("#te-error", Static).content)
        for _ in "{{contact.nmae}}":
            await pilot.press("backspace")
        await type_text(pilot, "{{contact.name}}")
        assert str(editor.query_one("#te-problems", Static).content) == ""
        assert "{{" not in str(editor.query_one("#te-preview", Static).content)  # all filled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TemplatesScreen)
    saved = templates.get(demo_store, agents.resolve(demo_store, "admin"), "ack-en")
    assert saved.body.endswith(" {{contact.name}}") and saved.edited


async def test_a_supervisor_writes_a_new_template(app_for, demo_store):
    app = app_for("sokolova")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_templates(app, pilot)
        await pilot.press("tab", "w")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditorScreen)
        await paste(app, pilot, "kiosk-reboot-en")
        editor.query_one("#te-name", Input).focus()
        await paste(app, pilot, "Kiosk: reboot it")
        area = editor.query_one("#te-text", TextArea)
        area.focus()
        area.text = ""
        await paste(
            app, pilot, "Dear {{contact.name}}, please hold the power button ({{ticket.key}})."
        )
        preview_text = str(editor.query_one("#te-preview", Static).content)
        assert "please hold the power button (HD-" in preview_text
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.current is not None and screen.current.code == "kiosk-reboot-en"
    row = templates.get(demo_store, agents.resolve(demo_store, "ivanova"), "kiosk-reboot-en")
    assert row.name == "Kiosk: reboot it" and row.kind == "reply" and row.edited
