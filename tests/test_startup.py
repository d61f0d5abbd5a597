"""The cycle collector's schedule in the `helpdesk` process (helpdesk_tui/startup.py).

Each check that changes the collector runs in its own interpreter: the test process keeps
Python's defaults."""

import gc
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from helpdesk_tui import startup

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()


def test_the_collector_is_off_until_the_start_is_over_then_runs_full_when_idle():
    out = _run(
        """
        import gc
        from helpdesk_tui import startup
        startup.settled()  # before `begin`: nothing
        print(gc.isenabled(), gc.get_freeze_count() == 0, gc.get_threshold()[2])
        startup.begin()
        from textual import constants
        print(gc.isenabled(), constants.MAX_FPS)
        startup.settled()
        print(gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[2])
        print(startup.when_idle(10.0))  # nothing made since: not worth it
        for _ in range(200_000):
            a = []
            a.append(a)  # cycles, for the young collections to count
        print(gc.get_count()[2] >= startup.IDLE_WORTH, startup.when_idle(0.1))
        print(startup.when_idle(startup.IDLE_S), gc.get_count()[2])
        """
    )
    assert (
        out
        == " ".join(
            [
                "True True 10",  # before `begin`: as Python left it
                f"False {startup.FPS}",  # off while the process starts; Textual's frames
                f"True True {startup.FULL_EVERY}",  # on again, the start frozen, full ones rarer
                "False",  # idle, but nothing to collect
                "True False",  # worth it, but a key was pressed 0.1 s ago
                "True 0",  # idle: collected
            ]
        ).split()
    )


def test_a_process_that_did_not_begin_keeps_its_collector():
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    startup.settled()
    assert not startup.when_idle(60.0)
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before


APP = """
import asyncio, gc
from helpdesk_tui import startup
startup.begin()
from helpdesk_tui.app import make_app
from helpdesk_tui.screens.workspace import WorkspaceScreen
from helpdesk_tui.services.agents import resolve
from helpdesk_tui.store.db import open_store

store = open_store("sqlite:///{path}")
app = make_app(store, resolve(store, "petrov"), None, sla_tick=False)

async def started(pilot):  # until the start is over (the collector on again), 4 s at most
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(app.screen, WorkspaceScreen) and gc.isenabled():
            return
"""


def _with_app(sqlite_template, tmp_path, body: str) -> list[str]:
    """`body` run in a `helpdesk` process's start: the collector off, then the application
    (`app`, petrov's) built on a copy of the reference store."""
    path = tmp_path / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    return _run(APP.format(path=path) + textwrap.dedent(body))


def test_the_first_painted_queue_ends_the_start(sqlite_template, tmp_path):
    out = _with_app(
        sqlite_template,
        tmp_path,
        """
        async def main():
            async with app.run_test() as pilot:
                await started(pilot)
                print(isinstance(app.screen, WorkspaceScreen), gc.isenabled())
                print(gc.get_freeze_count() > 0)

        asyncio.run(main())
        """,
    )
    assert out == ["True", "True", "True"]


def test_the_helpdesk_command_begins_the_start_before_the_command_line():
    out = _run(
        """
        import gc, os, sys
        import helpdesk_tui.cli as cli
        cli.main = lambda: print(gc.isenabled(), os.environ["TEXTUAL_FPS"])
        from helpdesk_tui import entry
        entry.main()
        """
    )
    assert out == ["False", startup.FPS]


def test_a_command_gets_the_collector_as_python_has_it():
    """`helpdesk serve`, `helpdesk ticket …`: no freeze, Python's thresholds (a server's
    asyncio transports must be collected while its loop runs, not at exit)."""
    out = _run(
        """
        import gc
        from helpdesk_tui import startup
        before = gc.get_threshold()
        startup.begin()
        startup.as_usual()
        startup.settled()  # nothing more: the start was not the application's
        print(gc.isenabled(), gc.get_threshold() == before, gc.get_freeze_count())
        print(startup.when_idle(60.0))
        """
    )
    assert out == ["True", "True", "0", "False"]


def test_closing_the_application_collects_while_its_loop_runs(sqlite_template, tmp_path):
    out = _with_app(
        sqlite_template,
        tmp_path,
        """
        collected = []
        original = startup.at_exit

        def at_exit():
            collected.append(asyncio.get_running_loop().is_running())
            original()

        startup.at_exit = at_exit

        async def main():
            async with app.run_test() as pilot:
                await started(pilot)

        asyncio.run(main())
        print(collected)
        """,
    )
    assert out == ["[True]"]


def test_an_application_on_sqlite_never_loads_what_only_postgresql_needs(sqlite_template, tmp_path):
    """SQLAlchemy's PostgreSQL dialect (and with it the modules of its five drivers) took
    30–40 ms of every start on SQLite, loaded to check a partial index's `postgresql_where`
    in the models; psycopg is PostgreSQL's alone."""
    out = _with_app(
        sqlite_template,
        tmp_path,
        """
        import sys

        async def main():
            async with app.run_test() as pilot:
                await started(pilot)
                await pilot.press("slash")  # a search: a query of another kind
                await pilot.press("r", "enter")
                await pilot.pause(0.3)

        asyncio.run(main())
        print(sorted(m for m in sys.modules if "postgresql" in m or "psycopg" in m) or "none")
        """,
    )
    assert out == ["none"]


def test_the_models_pydantic_schemas_are_not_built_at_a_start(sqlite_template, tmp_path):
    """The tables' rows are SQLAlchemy's, never validated by pydantic: their 33 schemas
    (15–20 ms of every start) are built only if asked for, and then work."""
    out = _with_app(
        sqlite_template,
        tmp_path,
        """
        from helpdesk_tui.store import models as m

        async def main():
            async with app.run_test() as pilot:
                await started(pilot)

        asyncio.run(main())
        tables = [c for c in vars(m).values() if isinstance(c, type) and issubclass(c, m.Table)]
        built = [c.__name__ for c in tables if c.__pydantic_complete__ and c is not m.Table]
        print(len(tables) > 30, built or "none")
        line = m.Line.model_validate({"code": "L9", "level": 9, "name": "Nine"})
        print(m.Line.__pydantic_complete__, line.code, line.active)
        """,
    )
    assert out == ["True", "none", "True", "L9", "True"]


def test_the_first_screen_loads_no_module_of_what_waits_for_a_key(sqlite_template, tmp_path):
    """The reply composer, the vendor-case form, the knowledge base, macros, bulk actions
    and mass incidents load with their first use: at every start they were 40 ms of
    imports (their dataclasses alone ~1 ms each), for screens no first frame shows."""
    out = _with_app(
        sqlite_template,
        tmp_path,
        """
        import sys

        at_start = set()
        settled = startup.settled

        def seen_then_settled():  # the modules loaded when the first queue has painted
            at_start.update(sys.modules)
            settled()

        startup.settled = seen_then_settled

        async def main():
            async with app.run_test() as pilot:
                await started(pilot)

        asyncio.run(main())
        later = [
            "helpdesk_tui.screens.compose",
            "helpdesk_tui.screens.vendor_case",
            "helpdesk_tui.screens.batch_run",
            "helpdesk_tui.services.knowledge",
            "helpdesk_tui.services.templates",
            "helpdesk_tui.services.macros",
            "helpdesk_tui.services.marked",
            "helpdesk_tui.services.bulk",
            "helpdesk_tui.services.batch",
        ]
        print(bool(at_start), [m for m in later if m in at_start] or "none")
        """,
    )
    assert out == ["True", "none"]
