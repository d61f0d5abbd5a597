"""The knowledge base in the application: Ctrl+K from anywhere, search as you type, the
article rendered (its text never read as markup), writing, editing, deleting; from a
ticket, its suggestions in the pane, `K` to open one for the ticket and put it into the
reply, `A` to draft an article from a resolved ticket; the palette finds articles."""

from __future__ import annotations

import time

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, TextArea

from helpdesk_tui.screens.article_editor import ArticleEditorScreen
from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.dialogs import ConfirmScreen
from helpdesk_tui.screens.knowledge import KnowledgeScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.services import agents, drafts, knowledge, ticket_actions
from helpdesk_tui.services.knowledge import ArticleInput
from helpdesk_tui.widgets.article_view import ArticleMarkdown
from helpdesk_tui.widgets.ticket_pane import TicketPane
from tests.screens.conftest import settle
from tests.screens.helpers import new_ticket, paste, ready, screen_text, type_text


async def open_kb(app, pilot) -> KnowledgeScreen:
    await ready(app, pilot)
    await pilot.press("ctrl+k")
    await settle(app, pilot)
    assert isinstance(app.screen, KnowledgeScreen)
    return app.screen


async def search(app, pilot, words: str) -> list[str]:
    await type_text(pilot, words)
    await pilot.pause(0.2)  # typing settles before the search starts
    await settle(app, pilot)
    await pilot.pause(0.15)  # the highlighted article is read once the cursor stops
    await settle(app, pilot)
    return [h.slug for h in app.screen.hits]


def shown_body(app) -> str:
    return app.screen.query_one(ArticleMarkdown).source


async def test_ctrl_k_searches_as_you_type_and_shows_the_best_article(app_for):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kb(app, pilot)
        assert len(screen.hits) == 18  # browsing: every article a dispatcher may see
        slugs = await search(app, pilot, "ленту")
        assert slugs[0] == "receipt-printer-paper-roll-ru"
        assert screen.article is not None and screen.article.slug == slugs[0]
        assert shown_body(app).startswith("# Чековый принтер: замена чековой ленты")
        assert "match “ленту”" in screen_text(app)
        await pilot.press("down")  # to the list, and on to the next article
        await pilot.press("j")
        await pilot.pause(0.15)
        await settle(app, pilot)
        assert screen.article.slug == slugs[1]
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, KnowledgeScreen)


async def test_a_dispatcher_does_not_find_line_3s_internal_article(app_for):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kb(app, pilot)
        assert await search(app, pilot, "RMA") == ["escalation-rules"]
    app = app_for("vasiliev")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kb(app, pilot)
        assert "vendor-atol-rma" in await search(app, pilot, "RMA")


async def test_markup_in_an_article_is_shown_as_written_and_does_nothing(app_for, demo_store):
    body = "# Sneaky\n\nPress [@click=app.quit]here[/] or [b]this[/b] \x1b[2J now."
    knowledge.save(demo_store, agents.resolve(demo_store, "admin"), ArticleInput("Sneaky", body))
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kb(app, pilot)
        assert await search(app, pilot, "sneaky") == ["sneaky"]
        text = screen_text(app)
        assert "Press [@click=app.quit]here[/] or [b]this[/b] ␛[2J now." in text
        await pilot.click("#kb-article", offset=(8, 4))
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, KnowledgeScreen)


async def test_writing_an_article_stores_it_and_a_bad_one_says_why(app_for, demo_store):
    app = app_for("petrov")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_kb(app, pilot)
        await pilot.press("tab")  # from the search box to the list: letters are keys there
        await pilot.press("w")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, ArticleEditorScreen)
        await type_text(pilot, "Kiosk reboot")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is editor
        assert "the article is empty" in screen_text(app)
        editor.query_one(TextArea).focus()
        await paste(app, pilot, "# Kiosk reboot\n\nHold **power** for ten seconds.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        assert app.screen.article.title == "Kiosk reboot"
        assert "ten seconds" in shown_body(app)
    found = knowledge.search(demo_store, agents.resolve(demo_store, "ivanova"), "kiosk")
    assert [h.title for h in found.hits] == ["Kiosk reboot"]


async def test_editing_keeps_the_text_when_somebody_saved_first(app_for, demo_store):
    admin = agents.resolve(demo_store, "admin")
    app = app_for("petrov")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_kb(app, pilot)
        assert (await search(app, pilot, "wifi"))[0] == "office-wifi"
        await pilot.press("tab", "e")
        await settle(app, pilot)
        assert isinstance(app.screen, ArticleEditorScreen)
        area = app.screen.query_one(TextArea)
        area.focus()
        await paste(app, pilot, "Petrov's addition. ")
        meanwhile = ArticleInput("Office Wi-Fi", "Admin's version.")
        knowledge.save(demo_store, admin, meanwhile, slug="office-wifi")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ArticleEditorScreen)
        assert "changed by somebody else" in screen_text(app)
        assert "Petrov's addition." in area.text
    assert knowledge.get(demo_store, admin, "office-wifi").body == "Admin's version."


async def test_a_supervisor_deletes_after_saying_yes(app_for, demo_store):
    app = app_for("morozov")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert await search(app, pilot, "wifi") == ["office-wifi"]
        await pilot.press("tab", "D")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert knowledge.search(demo_store, agents.resolve(demo_store, "admin"), "wifi").total
        await pilot.press("D", "y")
        await settle(app, pilot)
        assert knowledge.search(demo_store, agents.resolve(demo_store, "admin"), "wifi").total == 0


async def test_a_dispatcher_has_no_delete_key(app_for, demo_store):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kb(app, pilot)
        await search(app, pilot, "wifi")
        await pilot.press("tab", "D")
        await settle(app, pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        assert "Delete" not in screen_text(app).splitlines()[-1]
    assert knowledge.get(demo_store, agents.resolve(demo_store, "admin"), "office-wifi")


async def _ticket_screen(app, pilot, key: str) -> TicketScreen:
    await ready(app, pilot)
    app.open_ticket(key)
    await settle(app, pilot)
    assert isinstance(app.screen, TicketScreen)
    return app.screen


async def test_the_ticket_opens_on_its_newest_events_whatever_loads_above_them(
    app_for, demo_store, monkeypatch
):
    """The suggested articles arrive after the timeline (here a quarter of a second after)
    and go above it: the screen still opens on the newest events, and once the agent
    scrolls, a reload leaves them where they scrolled to."""
    for_ticket = knowledge.for_ticket

    def slow_for_ticket(*args, **kwargs):
        time.sleep(0.25)
        return for_ticket(*args, **kwargs)

    monkeypatch.setattr(knowledge, "for_ticket", slow_for_ticket)
    key = new_ticket(
        demo_store, "Чековый принтер: закончилась лента", service="receipt-printer", assignee=None
    )
    ivanova = agents.resolve(demo_store, "ivanova")
    for n in range(30):
        ticket_actions.note(demo_store, ivanova, key, f"Проверка номер {n}")
    app = app_for("ivanova")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _ticket_screen(app, pilot, key)
        pane = screen.query_one(TicketPane)
        assert "замена чековой ленты" in str(pane.query_one("#pane-articles").content)
        assert pane.max_scroll_y > 0 and pane.scroll_y == pane.max_scroll_y
        assert "Проверка номер 29" in screen_text(app)
        await pilot.press("g")
        await settle(app, pilot)
        screen.load()
        await settle(app, pilot)
        assert pane.scroll_y == 0


async def test_the_ticket_suggests_articles_and_k_puts_one_into_the_reply(app_for, demo_store):
    key = new_ticket(
        demo_store, "Чековый принтер: закончилась лента", service="receipt-printer", assignee=None
    )
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _ticket_screen(app, pilot, key)
        pane = screen.query_one(TicketPane)
        suggested = "Чековый принтер: замена чековой ленты"
        assert suggested in str(pane.query_one("#pane-articles").content)
        await pilot.press("K")
        await settle(app, pilot)
        kb = app.screen
        assert isinstance(kb, KnowledgeScreen) and kb.ticket == key
        assert kb.hits[0].title == suggested
        await pilot.press("tab", "enter")  # opened for the ticket: linked and counted
        await settle(app, pilot)
        view = knowledge.get(demo_store, agents.resolve(demo_store, "admin"), kb.hits[0].slug)
        assert [t.key for t in view.tickets] == [key]
        used = view.use_count
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.text.startswith(suggested)
        assert "Статья базы знаний" in app.screen.text
    assert (
        knowledge.get(demo_store, agents.resolve(demo_store, "admin"), view.slug).use_count == used
    )
    draft = drafts.load(demo_store, agents.resolve(demo_store, "ivanova"), "reply", key)
    assert draft is not None and draft.body.startswith(suggested)


async def test_a_resolved_ticket_is_written_up_with_one_key(app_for, demo_store):
    key = new_ticket(demo_store, "Касса не видит сканер маркировки")
    petrov = agents.resolve(demo_store, "petrov")
    app = app_for("petrov")
    async with app.run_test(size=(140, 40)) as pilot:
        await _ticket_screen(app, pilot, key)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)  # not resolved: nothing to write up yet
        ticket_actions.resolve(demo_store, petrov, key, "Включили в настройках сканера DataMatrix.")
        await pilot.press("A")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, ArticleEditorScreen)
        assert editor.query_one("#ed-title", Input).value == "Касса не видит сканер маркировки"
        assert "## Решение\n\nВключили в настройках сканера DataMatrix." in editor.data().body
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen)
        pane = app.screen.query_one(TicketPane)
        assert "✓ Касса не видит сканер маркировки" in str(pane.query_one("#pane-articles").content)
    draft = knowledge.draft_from_ticket(demo_store, petrov, key)
    assert len(draft.existing) == 1


async def test_the_palette_opens_the_knowledge_base_and_finds_articles(app_for):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "wi-fi")
        await pilot.pause(0.4)
        await settle(app, pilot)
        prompts = [str(o.prompt) for o in app.screen.query_one("CommandList", OptionList).options]
        assert any(p.startswith("Article: Office Wi-Fi") for p in prompts), prompts
        index = next(i for i, p in enumerate(prompts) if p.startswith("Article: Office Wi-Fi"))
        app.screen.query_one("CommandList", OptionList).highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause(0.1)
        await settle(app, pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        assert app.screen.article is not None and app.screen.article.slug == "office-wifi"
