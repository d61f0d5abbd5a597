"""How the registration form looks: empty, filled, and suggesting a mass incident."""

from sqlmodel import select

from helpdesk_tui.services import agents
from helpdesk_tui.services.registration import NewTicket, register
from helpdesk_tui.store import models as m
from tests.screens.conftest import NOW, settle

CALLER = "s.kravchenko@produkty24.example"


async def _open_form(pilot):
    await settle(pilot.app, pilot)
    await pilot.press("n")
    await settle(pilot.app, pilot)


def test_register_form_empty(app_for, snap_compare):
    assert snap_compare(app_for("ivanova"), terminal_size=(120, 40), run_before=_open_form)


def test_register_form_filled(app_for, snap_compare):
    async def fill(pilot):
        await _open_form(pilot)
        await pilot.press(*"кравч", "enter")
        await settle(pilot.app, pilot)
        await pilot.press(*"Касса 2 не печатает чек")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("ivanova"), terminal_size=(120, 40), run_before=fill)


def test_register_form_suggests_a_mass_incident(app_for, demo_store, snap_compare):
    kuznetsova = agents.resolve(demo_store, "kuznetsova")
    with demo_store.read() as s:
        me = s.exec(select(m.Contact).where(m.Contact.email == CALLER)).one()
        colleague = s.exec(
            select(m.Contact).where(m.Contact.site_id == me.site_id, m.Contact.id != me.id)
        ).first()
    register(
        demo_store,
        kuznetsova,
        NewTicket(
            subject="Нет интернета во всём магазине", service="network", contact_id=colleague.id
        ),
        now=NOW,
    )

    async def fill(pilot):
        await _open_form(pilot)
        await pilot.press(*"кравч", "enter")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("ivanova"), terminal_size=(120, 40), run_before=fill)


def test_register_form_narrow(app_for, snap_compare):
    async def fill(pilot):
        await _open_form(pilot)
        await pilot.press(*"кравч", "enter")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("ivanova"), terminal_size=(80, 24), run_before=fill)
