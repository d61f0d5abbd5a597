"""SQLite's plans of the statements a piece of code runs."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event


def plans(store, run: Callable) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT `run(session)` executes (in that session or in
    others of `store`'s engine)."""
    seen: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.read() as s:
            run(s)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    out = []
    with store.read() as s:
        conn = s.connection()
        for statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            out.append(" | ".join(r[3] for r in rows))
    return out
