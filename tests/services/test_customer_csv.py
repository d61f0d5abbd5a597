"""CSV import and export of customers, contacts and assets: upsert by natural key, a dry
run that writes nothing, row-numbered errors that stop the import unless told to skip,
hostile cells made inert, and export → import changing nothing. Both stores."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from helpdesk_tui.domain.csv_rows import parse
from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.services.customer_csv import BadRows, export_csv, import_csv
from helpdesk_tui.store import models as m
from tests.services.snapshot import everything_but_refusals


def exported(store, actor, kind: str) -> bytes:
    out = io.StringIO()
    export_csv(store, actor, kind, out)
    return out.getvalue().encode()


def customer(store, code: str) -> m.Customer | None:
    with store.read() as s:
        return s.exec(select(m.Customer).where(m.Customer.code == code)).first()


@pytest.mark.parametrize("kind", ["customers", "contacts", "assets"])
def test_export_then_import_changes_nothing(store, actor_of, kind):
    admin = actor_of("admin")
    data = exported(store, admin, kind)
    before = everything_but_refusals(store)
    report = import_csv(store, admin, kind, data)
    assert report.count("created") == report.count("updated") == 0
    assert report.count("unchanged") == data.count(b"\n") - 1 > 0
    assert report.bad == ()
    assert everything_but_refusals(store) == before


def test_import_creates_and_updates_by_natural_key(store, actor_of):
    admin = actor_of("admin")
    data = (
        "code,name,segment,plan,service\n"
        "bakery,Пекарня «Хлеб»,retail,gold,pos\n"
        "northwind,Northwind Trading,office,bronze,workstation\n"
    ).encode()
    dry = import_csv(store, admin, "customers", data, dry_run=True)
    assert [(o.row, o.action, o.fields) for o in dry.outcomes] == [
        (2, "created", ()),
        (3, "updated", ("name",)),
    ]
    assert customer(store, "bakery") is None  # a dry run writes nothing
    done = import_csv(store, admin, "customers", data)
    assert (done.count("created"), done.count("updated"), done.written) == (1, 1, True)
    assert customer(store, "bakery").name == "Пекарня «Хлеб»"
    assert customer(store, "northwind").name == "Northwind Trading"
    contacts = (
        "customer,name,email,phone,site\n"
        "bakery,Анна Петрова,A.Petrova@bakery.example,+7 900 100-20-30,\n"
        "bakery,Иван Сидоров,,8 (900) 100-20-31,\n"
    ).encode()
    assert import_csv(store, admin, "contacts", contacts).count("created") == 2
    again = contacts.replace("Анна Петрова".encode(), "Анна Петрова-Смирнова".encode())
    report = import_csv(store, admin, "contacts", again)
    assert [(o.action, o.fields) for o in report.outcomes] == [
        ("updated", ("name",)),
        ("unchanged", ()),
    ]
    with store.read() as s:
        anna = s.exec(select(m.Contact).where(m.Contact.email == "a.petrova@bakery.example")).one()
    assert anna.phone_digits == "79001002030" and "смирнова" in anna.search_text
    assets = (
        b"tag,customer,name,model,serial,warranty_end\nBK-1,bakery,Oven,Rational,R-1,2027-03-31\n"
    )
    import_csv(store, admin, "assets", assets)
    with store.read() as s:
        oven = s.exec(select(m.Asset).where(m.Asset.tag == "BK-1")).one()
    assert (oven.model, oven.warranty_end) == ("Rational", date(2027, 3, 31))


BAD = (
    "code,name,plan\n"
    "good,Good Co,silver\n"
    "bad1,Bad Co,platinum\n"
    "\n"
    "bad2\x00,Nul Co,\n"
    ",No Code,\n"
    "good,Twice,\n"
)


def test_bad_rows_stop_the_import_and_each_says_its_row(store, actor_of):
    admin = actor_of("admin")
    before = everything_but_refusals(store)
    with pytest.raises(BadRows, match="4 bad rows: nothing written") as exc:
        import_csv(store, admin, "customers", BAD.encode())
    assert [b.line() for b in exc.value.report.bad] == [
        "row 3: plan: unknown SLA plan 'platinum'",
        "row 5: code: a NUL character",
        "row 6: code is empty",
        "row 7: the same code 'good' as row 2",
    ]
    assert everything_but_refusals(store) == before
    skipped = import_csv(store, admin, "customers", BAD.encode(), skip_bad=True)
    assert (skipped.count("created"), len(skipped.bad)) == (1, 4)
    assert customer(store, "good").name == "Good Co"


def test_invalid_utf8_is_a_row_numbered_error(store, actor_of):
    data = b"code,name\nok,Fine\nlatin,Caf\xe9\n"
    report = import_csv(store, actor_of("admin"), "customers", data, dry_run=True)
    assert [b.line() for b in report.bad] == ["row 3: name: not valid UTF-8 text"]


def test_a_file_that_is_not_a_table_of_that_kind_is_refused(store, actor_of):
    admin = actor_of("admin")
    with pytest.raises(Invalid, match="row 1: unknown column 'colour'"):
        import_csv(store, admin, "assets", b"tag,colour\nX,red\n")
    with pytest.raises(Invalid, match="needs the column 'tag'"):
        import_csv(store, admin, "assets", b"name\nX\n")
    with pytest.raises(Invalid, match="empty"):
        import_csv(store, admin, "contacts", b"")


def test_only_supervisors_and_admins_import_and_export(store, actor_of):
    with pytest.raises(NotAllowed):
        import_csv(store, actor_of("ivanova"), "customers", b"code,name\nx,X\n")
    with pytest.raises(NotAllowed):
        export_csv(store, actor_of("volkov"), "contacts", io.StringIO())


hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
) | st.sampled_from(
    [
        "\x1b[2J\x1b[31mred",
        "\x1b]8;;http://evil\x07link\x1b]8;;\x07",
        "[@click=app.quit]x[/]",
        '=HYPERLINK("http://x")',
        "\x9b31m",
        "a\rb\nc\td",
        "\u202eevil",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile)
def test_hostile_cells_are_stored_inert_and_export_back_unchanged(store, actor_of, name):
    admin = actor_of("admin")
    out = io.StringIO()
    csv.writer(out).writerows([["code", "name"], ["hostile", name]])
    data = out.getvalue().encode()
    parsed = parse("customers", data)
    try:
        report = import_csv(store, admin, "customers", data, skip_bad=True)
    except Invalid:
        return  # e.g. a name of only spaces: refused with a reason, fine
    row = customer(store, "hostile")
    if report.bad or not parsed.rows or not parsed.rows[0].values["name"]:
        return
    stored = row.name
    assert "\x1b" not in stored and "\x00" not in stored and "\x9b" not in stored
    assert not any(ord(ch) < 0x20 for ch in stored)
    again = exported(store, admin, "customers")
    assert import_csv(store, admin, "customers", again).count("updated") == 0
