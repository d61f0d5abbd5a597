"""Generated stores for the benchmark, built once and reused, keyed by N and backend.

SQLite: `tests/bench/.stores/sqlite-<N>.sqlite3` (git-ignored). PostgreSQL: a database per
N, `helpdesk_bench_<N>`, on the server of `HELPDESK_BENCH_PG` (default: the local test
server). Each store is built by the real command, `helpdesk --db URL demo --tickets N
--no-open`, timed, and that time is kept beside the store in `<key>.json` so a run that
reuses the store still reports how long it took to build.

The harness writes into a store (registrations, notes for the change feed) only tickets it
creates itself, and deletes them again at the end (`Marks`), so a store stays the same
desk from run to run; only the key counter moves on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = Path(__file__).resolve().parent / ".stores"
PG_SERVER = os.environ.get("HELPDESK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class BenchStore:
    backend: str  # sqlite | postgres
    tickets: int
    url: str
    key: str
    meta_path: Path
    meta: dict

    @property
    def generated_s(self) -> float | None:
        return self.meta.get("generated_s")


def helpdesk_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("helpdesk")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "helpdesk_tui"]


def pg_admin_url() -> str:
    return PG_SERVER


def pg_url(tickets: int) -> str:
    url = make_url(PG_SERVER).set(database=f"helpdesk_bench_{tickets}")
    return url.render_as_string(hide_password=False)


def _pg_database_exists(name: str) -> bool:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).scalar()
            )
    finally:
        engine.dispose()


def _pg_recreate(name: str) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def ticket_count(url: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM ticket")).scalar()
    except Exception:
        return None
    finally:
        engine.dispose()


def ensure(
    backend: str,
    tickets: int,
    directory: Path = DEFAULT_DIR,
    *,
    rebuild: bool = False,
    log=print,
) -> BenchStore:
    """The store of `tickets` generated tickets on `backend`, built if missing."""
    directory.mkdir(parents=True, exist_ok=True)
    key = f"{backend}-{tickets}"
    meta_path = directory / f"{key}.json"
    if backend == "sqlite":
        path = directory / f"{key}.sqlite3"
        url = f"sqlite:///{path.resolve()}"
        exists = path.exists()
    elif backend == "postgres":
        url = pg_url(tickets)
        exists = _pg_database_exists(f"helpdesk_bench_{tickets}")
    else:
        raise ValueError(f"unknown store {backend!r}")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    have = ticket_count(url) if exists and not rebuild else None
    if have is not None and have >= tickets and meta.get("complete"):
        log(f"reusing {key}: {have:,} tickets (generated in {meta.get('generated_s', 0):.0f} s)")
        # a store built by an older checkout: bring its schema up to this one's
        upgraded = subprocess.run(
            [*helpdesk_cmd(), "--db", url, "db", "upgrade"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if upgraded.returncode != 0:
            raise RuntimeError(f"upgrading {key} failed: {upgraded.stdout}{upgraded.stderr}")
        if "already" not in upgraded.stdout:
            log(f"  {upgraded.stdout.strip()}")
        return BenchStore(backend, tickets, url, key, meta_path, meta)
    log(f"building {key}: helpdesk demo --tickets {tickets:,} --no-open …")
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        _pg_recreate(f"helpdesk_bench_{tickets}")
    cmd = [*helpdesk_cmd(), "--db", url, "demo", "--tickets", str(tickets), "--no-open"]
    env = dict(os.environ, COLUMNS="100")
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"building {key} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    meta = {
        "complete": True,
        "tickets": tickets,
        "generated_s": round(elapsed, 1),
        "command": f"helpdesk --db URL demo --tickets {tickets} --no-open",
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu_count": os.cpu_count(),
    }
    counts = table_counts(url)
    meta.update(counts)
    meta_path.write_text(json.dumps(meta, indent=2))
    log(f"built {key} in {elapsed:.1f} s: {counts}")
    return BenchStore(backend, tickets, url, key, meta_path, meta)


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                f"{t}_rows": conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("ticket", "ticket_event", "contact")
            }
    finally:
        engine.dispose()


def size_mb(bench: BenchStore) -> float | None:
    if bench.backend == "sqlite":
        path = Path(make_url(bench.url).database)
        return (
            sum(
                Path(str(path) + s).stat().st_size
                for s in ("", "-wal")
                if Path(str(path) + s).exists()
            )
            / 2**20
        )
    engine = create_engine(bench.url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 2**20
            )
    finally:
        engine.dispose()


@dataclass
class Marks:
    """The highest ids before the run: everything above them is the harness's own."""

    ticket: int
    event: int
    outbox: int
    link: int

    @classmethod
    def take(cls, url: str) -> Marks:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:

                def top(table: str) -> int:
                    return conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()

                return cls(top("ticket"), top("ticket_event"), top("outbox"), top("ticket_link"))
        finally:
            engine.dispose()

    def undo(self, url: str) -> dict[str, int]:
        """Delete what the run added (its tickets with their events, mail and links) and, on
        PostgreSQL, vacuum what it left dead."""
        engine = create_engine(url)
        removed = {}
        try:
            with engine.begin() as conn:
                for table, cond in (
                    (
                        "ticket_link",
                        f"id > {self.link} OR ticket_id > {self.ticket} "
                        f"OR other_id > {self.ticket}",
                    ),
                    ("outbox", f"id > {self.outbox}"),
                    ("draft", f"ticket_id > {self.ticket}"),
                    ("ticket_pause", f"ticket_id > {self.ticket}"),
                    ("ticket_event", f"id > {self.event}"),
                    ("ticket", f"id > {self.ticket}"),
                ):
                    removed[table] = conn.execute(
                        text(f"DELETE FROM {table} WHERE {cond}")
                    ).rowcount
            if engine.dialect.name == "postgresql" and any(removed.values()):
                # the store as it was built, whether or not the server's autovacuum runs (off
                # on some test machines): a run leaves ~6,000 dead tickets, their events and
                # their entries in every index, and in the search copy, for the next run's
                # queue reads and searches to step over
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    tables = [*removed, "ticket_subject_search"]
                    conn.execute(text(f"VACUUM (ANALYZE) {', '.join(tables)}"))
        finally:
            engine.dispose()
        return removed
