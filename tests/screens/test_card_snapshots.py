"""How a customer's card looks at 120×40: the organisation, its contracts (the expired one
marked), the tabs, and the newest tickets."""

from tests.screens.conftest import settle


def test_customer_card(app_for, snap_compare):
    async def open_card(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_card("customer", "techmart")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("ivanova"), terminal_size=(120, 40), run_before=open_card)
