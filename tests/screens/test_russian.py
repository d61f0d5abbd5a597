"""The converted screens in Russian, as an agent uses them: titles, the footer's keys,
notices, the editors' lists of services by their Russian names."""

from __future__ import annotations

from textual.widgets import SelectionList

from helpdesk_tui import i18n
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.knowledge import KnowledgeScreen
from helpdesk_tui.screens.template_editor import TemplateEditorScreen
from helpdesk_tui.screens.templates import TemplatesScreen
from tests.screens.conftest import settle
from tests.screens.helpers import ready, type_text


def footer_keys(app) -> dict[str, str]:
    """What the footer shows: key → description, as the screen hands them to it."""
    return {key: b.binding.description for key, b in app.screen.active_bindings.items()}


async def test_the_knowledge_base_in_russian(app_for):
    i18n.set_language("ru")
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        assert app.screen.title == "База знаний"
        assert footer_keys(app)["escape"] == "Назад"
        assert "статей, самые используемые первыми" in str(
            app.screen.query_one("#kb-status").render()
        )
        await pilot.press("tab")  # to the list: letters are keys there
        assert footer_keys(app)["w"] == "Написать"
        await pilot.press("shift+tab")
        await type_text(pilot, "zzzzqqq")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert "ничего не найдено" in str(app.screen.query_one("#kb-status").render())


async def test_the_english_footer_is_as_it_was(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert footer_keys(app)["escape"] == "Back"


async def test_the_template_editor_in_russian(app_for):
    i18n.set_language("ru")
    app = app_for("morozov")
    async with app.run_test(size=(140, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert isinstance(app.screen, TemplatesScreen)
        assert app.screen.title == "Шаблоны"
        await pilot.press("tab", "w")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditorScreen)
        assert editor.title == "Новый шаблон"
        services = editor.query_one("#te-services", SelectionList)
        labels = [str(services.get_option_at_index(i).prompt) for i in range(services.option_count)]
        assert "Чековый принтер (receipt-printer)" in labels  # name_ru
        await type_text(pilot, "x")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Закрыть без сохранения?"
        assert footer_keys(app)["y"] == "Да"
