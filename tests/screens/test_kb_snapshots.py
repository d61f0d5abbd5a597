"""How the knowledge base and the template editor look (120×40): an article found by a
Russian word form and rendered beside the ranked hits; a template with a mistyped
placeholder flagged under it while the preview is filled from a ticket.

Regenerate with `--snapshot-update` and look at every changed SVG before committing it.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update
from textual.widgets import SelectionList, TextArea

from helpdesk_tui.screens.knowledge import KnowledgeScreen
from helpdesk_tui.screens.template_editor import TemplateEditorScreen
from helpdesk_tui.store import models as m
from tests.screens.conftest import NOW, settle, still_cursors
from tests.screens.helpers import type_text


@pytest.fixture(autouse=True)
def _moscow_time(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def fixed_articles(demo_store):
    """Articles loaded from data/ carry the time of loading: pin it for the picture."""
    with demo_store.write() as s:
        s.execute(update(m.Article).values(updated_at=NOW, created_at=NOW))
    return demo_store


def test_knowledge_base(snap_compare, app_for, fixed_articles):
    app = app_for("ivanova")

    async def run_before(pilot) -> None:
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert isinstance(app.screen, KnowledgeScreen)
        await type_text(pilot, "ленту")
        await pilot.pause(0.2)
        await settle(app, pilot)
        await pilot.pause(0.15)
        await settle(app, pilot)
        assert app.screen.article.slug == "receipt-printer-paper-roll-ru"
        still_cursors(app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_template_editor_flags_a_mistyped_placeholder(snap_compare, app_for):
    app = app_for("sokolova")

    async def run_before(pilot) -> None:
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        await type_text(pilot, "printer-paper-en")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TemplateEditorScreen)
        assert app.screen.query_one("#te-services", SelectionList).selected == ["receipt-printer"]
        area = app.screen.query_one("#te-text", TextArea)
        area.focus()
        area.move_cursor((0, 0))
        await type_text(pilot, "{{contact.nmae}} ")
        await settle(app, pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
