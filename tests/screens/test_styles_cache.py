"""A removed widget's painted lines go with it: Textual's colour memo kept the last 1,024
widgets' style caches (and their lines) alive (Textual issue #6665), and a removed widget (a
reference cycle) kept its lines until a full collection; helpdesk mends both. A service
call's result is not kept by its worker (another cycle) once it is delivered."""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.color import Color

from helpdesk_tui.screens.picker import PickerScreen
from helpdesk_tui.widgets import styles_cache
from helpdesk_tui.widgets.styles_cache import _textual_get_inner_outer
from tests.screens.conftest import settle

COLOURS = (Color(10, 20, 30), Color(200, 40, 60, 0.5))


def test_the_colour_memo_keeps_no_widget_alive():
    cache = StylesCache()
    ref = weakref.ref(cache)
    textuals = _textual_get_inner_outer(cache, *COLOURS)
    del cache
    gc.collect()
    assert ref() is not None  # Textual's memo holds it: when this fails, drop the mend
    _textual_get_inner_outer.cache_clear()
    assert ref() is None

    styles_cache.mend()
    cache = StylesCache()
    ref = weakref.ref(cache)
    assert cache.get_inner_outer(*COLOURS) == textuals
    assert StylesCache().get_inner_outer(*COLOURS) is cache.get_inner_outer(*COLOURS)
    del cache
    assert ref() is None  # freed at once, no collection needed


async def painted_picker(app, pilot) -> list[weakref.ref]:
    """Open the filter picker; the style caches of its widgets, painted."""
    await settle(app, pilot)
    await pilot.press("f")
    await settle(app, pilot)
    picker = app.screen
    assert isinstance(picker, PickerScreen)
    caches = [weakref.ref(w._styles_cache) for w in picker.walk_children(with_self=True)]
    assert len(caches) > 5 and any(len(c()._cache) for c in caches)
    return caches


async def test_a_closed_picker_leaves_none_of_its_lines_behind(app_for):
    app = app_for("petrov")  # an engineer: the workspace, whose `f` picks a filter
    async with app.run_test(size=(120, 30)) as pilot:
        assert StylesCache.get_inner_outer is styles_cache._get_inner_outer
        caches = await painted_picker(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, PickerScreen)
        gc.collect()
        assert [c for c in caches if c() is not None] == []


async def test_a_closed_pickers_lines_go_at_once_not_with_a_full_collection(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        caches = await painted_picker(app, pilot)
        gc.disable()  # what is left to the collector stays, so it shows
        try:
            await pilot.press("escape")
            await settle(app, pilot)
            assert not isinstance(app.screen, PickerScreen)
            kept = [len(c()._cache) for c in caches if c() is not None]
            assert kept and sum(kept) == 0  # the widgets await the collector; their lines don't
        finally:
            gc.enable()


class Result:
    """A service call's result, traceable."""


async def test_a_calls_result_is_freed_once_delivered(app_for):
    app = app_for("petrov")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        delivered: list[weakref.ref] = []
        gc.disable()
        try:
            app.screen.call(Result, done=lambda result: delivered.append(weakref.ref(result)))
            await settle(app, pilot)
            assert len(delivered) == 1
            assert delivered[0]() is None  # not held by the finished worker
        finally:
            gc.enable()
