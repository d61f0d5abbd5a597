"""How the supervisor board and the KPI screen look on the seeded demo desk."""

from tests.screens.conftest import settle


async def _settled(pilot):
    await settle(pilot.app, pilot)


def test_board(app_for, snap_compare):
    assert snap_compare(app_for("morozov"), terminal_size=(160, 45), run_before=_settled)


def test_board_narrow(app_for, snap_compare):
    assert snap_compare(app_for("morozov"), terminal_size=(120, 40), run_before=_settled)


def test_reports(app_for, snap_compare):
    async def open_reports(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("K")
        await settle(pilot.app, pilot)

    assert snap_compare(app_for("morozov"), terminal_size=(140, 40), run_before=open_reports)
