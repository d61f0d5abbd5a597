"""Cards from the keyboard: C on a ticket, the palette, Enter through contacts, assets and
history; the registration form and the ticket pane saying why the default plan applies;
the vendor's case asked when escalating to line 4."""

from __future__ import annotations

import io
from datetime import date, timedelta

from rich.console import Console
from sqlmodel import select
from textual.widgets import DataTable, Static

from helpdesk_tui.screens.compose import ComposeScreen
from helpdesk_tui.screens.customer_card import CardScreen
from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.screens.register import RegisteredScreen, RegisterScreen
from helpdesk_tui.screens.ticket import TicketScreen
from helpdesk_tui.screens.vendor_card import VendorCardScreen
from helpdesk_tui.screens.vendor_case import VendorCaseScreen
from helpdesk_tui.services import agents, escalation
from helpdesk_tui.services.vendor_cases import VendorTerms
from helpdesk_tui.store import models as m
from helpdesk_tui.widgets.ticket_pane import TicketPane
from tests.screens.conftest import NOW, settle
from tests.screens.helpers import find, new_ticket, paste, screen_text, ticket, type_text
from tests.screens.test_palette_help import _palette


def expire_produkty24(store) -> None:
    with store.write() as s:
        contract = s.exec(select(m.Contract).where(m.Contract.code == "P24-2024")).one()
        contract.valid_to = date(2026, 1, 31)
        s.add(contract)


def pane_text(app) -> str:
    """What the ticket pane shows, at a width where nothing wraps."""
    pane = app.screen.query_one(TicketPane)
    console = Console(width=300, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        for static in pane.query(Static):
            console.print(static.content)
    return capture.get()


async def test_the_form_and_the_ticket_say_the_default_plan_applies(app_for, demo_store):
    expire_produkty24(demo_store)
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, RegisterScreen)
        await type_text(pilot, "кравч")
        await pilot.press("enter")
        await settle(app, pilot)
        warning = (
            "ООО «Продукты 24»: contract P24-2024 expired on 2026-01-31: "
            "the default plan silver applies"
        )
        assert form.preview is not None and form.preview.warnings == (warning,)
        box = form.query_one("#preview", Static)
        assert box.has_class("-warn")
        shown = " ".join(str(box.render()).split())
        assert "(default plan)" in shown and "contract P24-2024 expired" in shown
        form.query_one("#subject").focus()
        await type_text(pilot, "Касса 2 не печатает")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RegisteredScreen)
        key = app.screen.result.key
        app.open_ticket(key)
        await settle(app, pilot)
        text = pane_text(app)
        assert "⚠ default plan: contract P24-2024 expired on 2026-01-31" in text


async def test_c_opens_the_customer_card_and_enter_goes_through_it(app_for, demo_store):
    key = new_ticket(demo_store, "Касса 7 не включается")
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await find(app, pilot, key)
        await pilot.press("C")
        await settle(app, pilot)
        assert isinstance(app.screen, PickerScreen)  # customer or contact
        await paste(app, pilot, "Customer")
        await pilot.press("enter")
        await settle(app, pilot)
        card = app.screen
        assert isinstance(card, CardScreen) and card.kind == "customer"
        text = screen_text(app)
        assert "ООО «Продукты 24»" in text and "P24-2024" in text and "silver" in text
        history = card.query_one("#history", DataTable)
        assert card.ticket_keys[0] == key  # newest first
        assert history.row_count == len(card.ticket_keys) <= 30
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")  # Contacts
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        contact = app.screen
        assert isinstance(contact, CardScreen) and contact.kind == "contact"
        assert contact.card.customer == "produkty24"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")  # Assets
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        asset = app.screen
        assert isinstance(asset, CardScreen) and asset.kind == "asset"
        assert asset.card.tag == card.asset_tags[0]
        assert "warranty to" in screen_text(app)


async def test_the_history_pages_in_as_the_cursor_goes_down(app_for, demo_store):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_card("customer", "produkty24")
        await settle(app, pilot)
        card = app.screen
        total = card.card.record.total
        assert total > 30 and len(card.ticket_keys) == 30
        for _ in range(3):
            await pilot.press("G")
            await settle(app, pilot)
        assert 30 < len(card.ticket_keys) <= total
        assert len(set(card.ticket_keys)) == len(card.ticket_keys)  # no page twice


async def test_the_palette_finds_a_customers_card(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        palette = await _palette(app, pilot, "техмар")
        first = str(palette.query_one("CommandList").get_option_at_index(0).prompt)
        assert "Customer card: ООО «ТехМаркет»" in first
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CardScreen) and app.screen.card.code == "techmart"
        assert "EXPIRED" in screen_text(app)  # TM-2023


async def test_escalating_to_a_vendor_asks_for_their_case(app_for, demo_store):
    key = new_ticket(demo_store, "Фискальный накопитель не отвечает")
    app = app_for("morozov")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_ticket(key)
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await paste(app, pilot, "vendor-atol")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VendorCaseScreen)
        await type_text(pilot, "ATOL-777")
        await pilot.press("enter")
        # the service checks the promise against the real clock, the dialog against the app's
        promise = max(date.today(), NOW.date()) + timedelta(days=7)
        await type_text(pilot, promise.isoformat())
        await pilot.press("enter")
        await type_text(pilot, "Петров, АСЦ")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ComposeScreen)
        await paste(app, pilot, "Replaced the drive cable; the drive still does not answer")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert ticket(demo_store, key).status == "waiting_vendor"
        with demo_store.read() as s:
            case = s.exec(select(m.VendorCase)).one()
        assert (case.case_number, case.contact) == ("ATOL-777", "Петров, АСЦ")
        text = pane_text(app)
        assert "waiting for vendor" in text and "case ATOL-777" in text
        shown = {f"promised by {d:%d.%m}" for d in (promise, promise + timedelta(days=1))}
        assert any(words in text for words in shown), text
        await pilot.press("C")
        await settle(app, pilot)
        await paste(app, pilot, "Vendor")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VendorCardScreen)
        assert app.screen.case_keys == [key]


async def test_a_promise_date_that_passed_is_refused_in_the_dialog(app_for, demo_store):
    key = new_ticket(demo_store, "Касса 4 не пробивает чек")
    app = app_for("morozov")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_ticket(key)
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await paste(app, pilot, "vendor-atol")
        await pilot.press("enter")
        await settle(app, pilot)
        await type_text(pilot, "ATOL-1")
        await pilot.press("enter")
        await type_text(pilot, "2026-01-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, VendorCaseScreen)
        assert "already passed" in str(app.screen.query_one("#vendor-error", Static).render())


async def test_the_board_shows_late_vendor_promises_and_v_opens_the_vendor(app_for, demo_store):
    key = new_ticket(demo_store, "Фискальный накопитель заполнен", now=NOW - timedelta(hours=3))
    escalation.escalate(
        demo_store,
        agents.resolve(demo_store, "morozov"),
        key,
        "vendor-atol",
        "Closed the shift, the drive still reports full",
        vendor=VendorTerms("ATOL-9", NOW - timedelta(hours=1), "АСЦ"),
        now=NOW - timedelta(hours=2),
    )
    app = app_for("morozov")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#vendor-promises", Static)
        assert box.display
        text = str(box.render())
        assert "Vendor promises passed: 1" in text and key in text and "ATOL-9" in text
        await pilot.press("v")
        await settle(app, pilot)
        await paste(app, pilot, "vendor-atol")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VendorCardScreen)
        assert app.screen.late_keys == [key] and app.screen.case_keys == [key]
        await pilot.press("enter")  # the case under the cursor: its ticket
        await settle(app, pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.key == key


async def test_a_card_that_cannot_be_found_says_so_and_goes_back(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        before = type(app.screen)
        app.open_card("asset", "NO-SUCH-TAG")
        await settle(app, pilot)
        assert type(app.screen) is before
        assert any("unknown asset 'NO-SUCH-TAG'" in str(n.message) for n in app._notifications)


def history_width(table: DataTable) -> int:
    return sum(column.get_render_width(table) for column in table.columns.values())


async def test_the_history_fits_the_screen_and_refits_when_it_is_resized(app_for):
    """At 120 columns every column of a customer's history is in view (who called, on what
    asset) with the subject cut to the room left; wider, the subject gets the room back, and
    the cursor stays on its row."""
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_card("customer", "techmart")
        await settle(app, pilot)
        card = app.screen
        assert isinstance(card, CardScreen)
        table = card.query_one("#history", DataTable)
        assert table.row_count > 5
        assert [str(c.label) for c in table.columns.values()][-2:] == ["Contact", "Asset"]
        assert history_width(table) <= table.size.width
        narrow = card.subject_width
        assert narrow < 44  # the old fixed width, which pushed Contact and Asset off screen
        key = card.ticket_keys[3]
        table.move_cursor(row=3)
        await pilot.resize_terminal(180, 40)
        await settle(app, pilot)
        assert card.subject_width > narrow
        assert history_width(table) <= table.size.width
        assert card.ticket_keys[table.cursor_row] == key
        subject = next(r.subject for r in card.history_rows if r.key == key)
        shown = str(table.get_row_at(3)[5])
        assert shown == subject or (shown.endswith("…") and len(shown) == card.subject_width)
        await pilot.resize_terminal(120, 40)  # and narrower again: the columns narrow too
        await settle(app, pilot)
        assert card.subject_width == narrow
        assert history_width(table) <= table.size.width


async def test_refreshing_a_card_shows_its_history_once(app_for):
    app = app_for("ivanova")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_card("customer", "techmart")
        await settle(app, pilot)
        table = app.screen.query_one("#history", DataTable)
        shown = table.row_count
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.row_count == shown == len(app.screen.ticket_keys)
