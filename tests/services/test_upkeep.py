"""`helpdesk db upgrade` and `db current` warn when the database server does not do what
the store relies on: PostgreSQL's autovacuum (services/setup.py `upkeep_warnings`)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from helpdesk_tui.cli import main
from helpdesk_tui.services import setup


def _cli(store, capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--db", store.url, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return exited.value.code, out, err


def test_the_server_is_read_and_sqlite_has_nothing_to_warn_of(store):
    warnings = setup.upkeep_warnings(store)
    if store.is_sqlite:
        assert warnings == []
        return
    with store.read() as s:
        autovacuum = s.execute(text("SHOW autovacuum")).scalar()
    assert setup._autovacuum(store) == autovacuum
    assert bool(warnings) == (autovacuum != "on")  # this machine's server, as it is


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_a_server_without_autovacuum_is_named_after_the_schema_commands(store, capsys, monkeypatch):
    monkeypatch.setattr(setup, "_autovacuum", lambda s: "off")  # as on a server set so
    for args in (("db", "current"), ("db", "upgrade")):
        code, _out, err = _cli(store, capsys, *args)
        assert code == 0
        assert err.startswith("warning: PostgreSQL's autovacuum is off:"), err
        assert "VACUUM (ANALYZE)" in err and err.count("\n") == 1
    monkeypatch.setattr(setup, "_autovacuum", lambda s: "on")
    code, _out, err = _cli(store, capsys, "db", "current")
    assert code == 0 and err == ""
