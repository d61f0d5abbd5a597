"""Ticket keys: `HD-1001`, `HD-1002`, … unique and gap-free under concurrency.

The counter row is bumped inside the transaction that creates the ticket: concurrent
creators queue on its row lock (PostgreSQL) or on the write lock (SQLite), and a rolled
back creation gives its number back.
"""

from sqlalchemy import text
from sqlmodel import Session

PREFIX = "HD"
FIRST_NUMBER = 1001


def next_number(session: Session, prefix: str = PREFIX) -> int:
    return session.execute(
        text(
            "INSERT INTO key_counter (prefix, value) VALUES (:prefix, :first) "
            "ON CONFLICT (prefix) DO UPDATE SET value = key_counter.value + 1 "
            "RETURNING value"
        ),
        {"prefix": prefix, "first": FIRST_NUMBER},
    ).scalar_one()


def reserve_numbers(session: Session, count: int, prefix: str = PREFIX) -> int:
    """Reserve `count` numbers at once (bulk generation); returns the first."""
    last = session.execute(
        text(
            "INSERT INTO key_counter (prefix, value) VALUES (:prefix, :last0) "
            "ON CONFLICT (prefix) DO UPDATE SET value = key_counter.value + :count "
            "RETURNING value"
        ),
        {"prefix": prefix, "last0": FIRST_NUMBER + count - 1, "count": count},
    ).scalar_one()
    return last - count + 1


def key_of(number: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{number}"
