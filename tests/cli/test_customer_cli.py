"""`helpdesk import|export customers|contacts|assets` on a SQLite store: CSV on stdout or
into a file, a dry run that says what would change, row-numbered errors with exit code 2
and nothing written."""

from __future__ import annotations

import csv
import json

import pytest
from sqlmodel import select

from helpdesk_tui.cli import main
from helpdesk_tui.store import models as m


@pytest.fixture
def cli(sqlite_store, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def names(store) -> dict[str, str]:
    with store.read() as s:
        return {c.code: c.name for c in s.exec(select(m.Customer))}


def test_export_to_stdout_and_to_a_file_then_import_changes_nothing(cli, tmp_path):
    code, out, err = cli("export", "customers", "--as", "morozov")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "code,name,segment,plan,language,service,active"
    assert "produkty24,ООО «Продукты 24»,retail,silver,ru,pos,true" in out.splitlines()
    target = tmp_path / "assets.csv"
    code, out, err = cli("export", "assets", "--output", str(target), "--as", "morozov")
    assert (code, out) == (0, "") and "assets written to" in err
    assert target.read_text(encoding="utf-8").startswith("tag,customer,name,")
    code, out, err = cli("import", "assets", str(target), "--as", "morozov")
    assert code == 0, err
    assert out.startswith("assets: 0 created, 0 updated, ") and out.endswith(" unchanged\n")


def test_a_dry_run_says_what_would_change_and_writes_nothing(cli, sqlite_store, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("code,name\nbakery,Bakery\nnorthwind,Northwind Ltd\n", encoding="utf-8")
    code, out, err = cli("import", "customers", str(f), "--dry-run", "--as", "admin")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "row 2: would create customer bakery",
        "row 3: would update customer northwind (name)",
        "customers: 1 would be created, 1 would be updated, 0 unchanged — dry run, nothing written",
    ]
    assert "bakery" not in names(sqlite_store)


def test_bad_rows_are_listed_and_nothing_is_written(cli, sqlite_store, tmp_path):
    f = tmp_path / "c.csv"
    f.write_bytes(b"code,name,plan\nbakery,Bakery,gold\nbad,Bad,platinum\nlatin,Caf\xe9,\n")
    code, out, err = cli("import", "customers", str(f), "--as", "admin")
    assert code == 2
    assert err.splitlines() == [
        "row 3: plan: unknown SLA plan 'platinum'",
        "row 4: name: not valid UTF-8 text",
        "helpdesk: 2 bad rows: nothing written (--skip-bad imports the others)",
    ]
    assert "bakery" not in names(sqlite_store)
    code, out, err = cli("import", "customers", str(f), "--dry-run", "--as", "admin")
    assert code == 2 and "the import would write nothing" in err
    code, out, err = cli("import", "customers", str(f), "--skip-bad", "--json", "--as", "admin")
    assert code == 0
    assert '"created": 1' in out and '"row": 3' in out
    assert names(sqlite_store)["bakery"] == "Bakery"


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "widgets", "x.csv"], "unknown kind 'widgets'"),
        (["import", "customers", "/nonexistent/c.csv"], "cannot read"),
        (["export", "printers"], "unknown kind 'printers'"),
    ],
)
def test_bad_arguments_are_one_line(cli, args, message):
    code, out, err = cli(*args, "--as", "admin")
    assert code == 2 and out == ""
    assert err.startswith("helpdesk: ") and message in err and len(err.splitlines()) == 1


def test_a_dispatcher_may_not_import(cli, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("code,name\nx,X\n", encoding="utf-8")
    code, _out, err = cli("import", "customers", str(f), "--as", "ivanova")
    assert code != 0 and "may not import customers" in err


def test_escalating_to_a_vendor_from_the_command_line(cli, sqlite_store):
    code, out, err = cli(
        "ticket", "new", "--as", "ivanova", "--service", "receipt-printer",
        "--contact", "s.kravchenko@produkty24.example", "--subject", "Printer dead", "--json",
    )  # fmt: skip
    key = json.loads(out)["key"]
    code, out, err = cli(
        "ticket", "escalate", key, "vendor-atol", "--note", "Board dead after a power surge",
        "--case", "ATOL-1", "--promised", "2099-01-31", "--vendor-contact", "АСЦ, +7 495 000",
        "--as", "morozov",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli("ticket", "show", key, "--json")
    assert json.loads(out)["status"] == "waiting_vendor"
    code, out, err = cli(
        "ticket", "escalate", key, "L3", "--note", "Back from the vendor", "--promised",
        "2099-01-31", "--as", "morozov",
    )  # fmt: skip
    assert code == 2 and "go with --case" in err


def test_the_cards_from_the_command_line(cli, sqlite_store):
    code, out, err = cli(
        "ticket", "new", "--as", "ivanova", "--service", "receipt-printer",
        "--contact", "s.kravchenko@produkty24.example", "--asset", "P24-001-POS1-PRN",
        "--subject", "Не печатает", "--json",
    )  # fmt: skip
    key = json.loads(out)["key"]
    code, out, err = cli("customer", "show", "produkty24", "--json", "--as", "ivanova")
    assert code == 0, err
    card = json.loads(out)
    assert [c["code"] for c in card["contracts"]] == ["P24-2024"]
    assert card["record"]["total"] == 1 and card["history"]["rows"][0]["key"] == key
    code, out, err = cli("asset", "show", "P24-001-POS1-PRN", "-n", "10", "--as", "ivanova")
    assert code == 0 and key in out and "Tickets: 1 open of 1" in out
    code, out, err = cli("vendor", "show", "vendor-atol", "--as", "ivanova")
    assert code == 0 and "0 cases" in out
    code, out, err = cli("vendor", "show", "l2-hardware", "--as", "ivanova")
    assert (code, err) == (2, "helpdesk: l2-hardware is not a vendor (line 4)\n")
    code, out, err = cli("customer", "show", "nobody", "--as", "ivanova")
    assert code == 2 and "unknown customer 'nobody'" in err


def test_an_export_defuses_formulas_and_importing_it_changes_nothing(cli, sqlite_store, tmp_path):
    """Names a spreadsheet would run get a leading apostrophe in the file; the import takes
    it off again, so the round trip leaves every name as it was."""
    codes = sorted(names(sqlite_store))[:3]
    given = dict(
        zip(codes, ['=HYPERLINK("http://x.example")', "'@not a formula", "-0.25"], strict=True)
    )
    with sqlite_store.write() as s:
        for customer in s.exec(select(m.Customer).where(m.Customer.code.in_(codes))):
            customer.name = given[customer.code]
            s.add(customer)
    target = tmp_path / "customers.csv"
    code, _out, err = cli("export", "customers", "--output", str(target), "--as", "morozov")
    assert code == 0, err
    exported = {r["code"]: r["name"] for r in csv.DictReader(target.open(encoding="utf-8"))}
    assert [exported[c] for c in codes] == [
        '\'=HYPERLINK("http://x.example")',
        "''@not a formula",
        "-0.25",
    ]
    code, out, err = cli("import", "customers", str(target), "--as", "admin")
    assert code == 0, err
    assert out.startswith("customers: 0 created, 0 updated, ")
    assert {c: names(sqlite_store)[c] for c in codes} == given
