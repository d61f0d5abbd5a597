"""`helpdesk ticket …` for scripts: every action through `main([...])` on a SQLite store,
people's tables on stdout, `--json` for programs with ISO 8601 instants and offsets."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.services import ticket_actions
from helpdesk_tui.services.agents import resolve
from tests.services._helpers import events_of, new_ticket, outbox, ticket_row

INSTANTS = (
    "created_at",
    "updated_at",
    "response_due",
    "resolution_due",
    "first_response_at",
    "resolved_at",
    "closed_at",
)


@pytest.fixture
def cli(sqlite_store, capsys):
    """`cli("ticket", "list")` → (exit code, stdout, stderr) against the test store."""

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


@pytest.fixture
def ok(cli):
    """Like `cli`, asserting success; returns stdout."""

    def run(*args: str) -> str:
        code, out, err = cli(*args)
        assert (code, err) == (0, ""), err
        return out

    return run


def register(ok, *extra: str) -> dict:
    out = ok(
        "ticket",
        "new",
        "--as",
        "ivanova",
        "--subject",
        "Receipt printer jams",
        "--service",
        "receipt-printer",
        "--contact",
        "s.kravchenko@produkty24.example",
        "--json",
        *extra,
    )
    return json.loads(out)


def is_iso_with_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() is not None


# ------------------------------------------------------------------------ registering


def test_new_prints_the_key_the_route_and_the_deadline(ok):
    out = ok(
        "ticket",
        "new",
        "--as",
        "ivanova",
        "-s",
        "Printer dead",
        "--service",
        "receipt-printer",
        "--contact",
        "+7 495 720-14-01",
    )
    assert out.startswith("HD-1001 registered: P4, L2/l2-hardware, offered to lebedev; resolve by ")


def test_new_as_json_has_every_field_a_program_needs(ok):
    data = register(ok, "--impact", "high", "--urgency", "2", "--tag", "vip")
    for field in (
        "key",
        "status",
        "priority",
        "line",
        "group",
        "assignee",
        "created_at",
        "response_due",
        "resolution_due",
        "first_response_at",
        "resolved_at",
        "closed_at",
    ):
        assert field in data, field
    assert (data["key"], data["status"], data["priority"]) == ("HD-1001", "assigned", "P2")
    assert (data["line"], data["group"], data["assignee"]) == ("L2", "l2-hardware", "lebedev")
    assert data["tags"] == ["vip"]
    assert data["warnings"] == []
    for field in INSTANTS:
        if data[field] is not None:
            assert is_iso_with_offset(data[field]), field
    assert data["first_response_at"] is None and data["resolved_at"] is None


def test_a_call_solved_on_the_phone_is_registered_resolved(ok, sqlite_store):
    data = register(ok, "--resolve", "Reloaded the paper")
    assert data["status"] == "resolved" and data["fcr"] is True
    assert is_iso_with_offset(data["resolved_at"])
    assert [o.kind for o in outbox(sqlite_store, data["key"])] == ["resolved"]


def test_a_new_caller_is_added_from_the_command_line(ok, sqlite_store):
    data = register(
        ok,
        "--contact",
        "",
        "--customer",
        "produkty24",
        "--new-contact",
        "Пётр Новиков",
        "--phone",
        "8 903 111-22-33",
        "--site",
        "shop-002",
    )
    assert data["contact_name"] == "Пётр Новиков"


def test_a_backfilled_call_keeps_its_time(ok):
    when = (datetime.now().astimezone() - timedelta(days=3)).replace(microsecond=0)
    data = register(ok, "--created-at", when.isoformat())
    assert datetime.fromisoformat(data["created_at"]) == when


def test_a_long_description_can_come_from_stdin(ok, sqlite_store, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Line one\nLine two\n"))
    data = register(ok, "--description", "-")
    assert ticket_row(sqlite_store, data["key"]).description == "Line one\nLine two"


# ------------------------------------------------------------------------ reading


def test_list_shows_open_tickets_nearest_deadline_first(ok, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    slow = new_ticket(sqlite_store, ivanova, impact=3, urgency=3, now=datetime.now().astimezone())
    fast = new_ticket(sqlite_store, ivanova, impact=1, urgency=1, now=datetime.now().astimezone())
    assert ok("ticket", "list", "--keys").split() == [fast.key, slow.key]
    rows = json.loads(ok("ticket", "list", "--json"))
    assert [r["key"] for r in rows] == [fast.key, slow.key]


def test_the_list_table_shows_whole_keys_in_an_80_column_terminal(ok, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    key = new_ticket(sqlite_store, ivanova, now=datetime.now().astimezone()).key
    assert key in ok("ticket", "list")


def test_list_filters_by_assignee_group_and_status(ok, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    printer = new_ticket(sqlite_store, ivanova).key
    queued = new_ticket(sqlite_store, ivanova, service="erp", category="license").key
    assert ok("ticket", "list", "--keys", "--assignee", "none").split() == [queued]
    assert ok("ticket", "list", "--keys", "--assignee", "lebedev").split() == [printer]
    assert ok("ticket", "list", "--keys", "--group", "l3-experts").split() == [queued]
    assert ok("ticket", "list", "--keys", "--status", "resolved").split() == []
    csv_out = ok("ticket", "list", "--csv")
    assert csv_out.splitlines()[0].startswith("key,priority,status")


def test_show_as_json_carries_the_timeline(ok, sqlite_store):
    key = register(ok)["key"]
    ok("ticket", "note", key, "Spare printer on the way", "--as", "lebedev")
    data = json.loads(ok("ticket", "show", key.lower(), "--json"))
    assert data["key"] == key
    assert [e["kind"] for e in data["events"]] == ["created", "note"]
    assert all(is_iso_with_offset(e["at"]) for e in data["events"])
    assert data["events"][1]["public"] is False


def test_show_prints_the_fields_and_the_timeline_as_text(ok):
    key = register(ok)["key"]
    out = ok("ticket", "show", key)
    assert "Receipt printer jams" in out and "l2-hardware" in out and "timeline" in out


# ------------------------------------------------------------------------ changing


def test_the_whole_lifecycle_from_the_command_line(ok, sqlite_store):
    key = register(ok, "--impact", "2", "--urgency", "2")["key"]

    def step(*args: str) -> dict:
        return json.loads(ok("ticket", *args, "--json"))

    assert step("assign", key, "none", "--as", "ivanova")["assignee"] is None
    assert step("take", key, "--as", "volkov") | {"event": 0} == {
        "key": key,
        "version": 3,
        "status": "assigned",
        "assignee": "volkov",
        "event": 0,
    }
    assert step("assign", key, "novikova", "--as", "volkov")["assignee"] == "novikova"
    assert step("status", key, "in_progress", "--as", "novikova")["status"] == "in_progress"
    step("reply", key, "Which cash desk?", "--as", "novikova")
    step("note", key, "Probably the cutter", "--as", "novikova")
    waiting = step("status", key, "waiting", "--reason", "info: the model", "--as", "novikova")
    assert waiting["status"] == "waiting_customer"
    assert step("status", key, "in-progress", "--as", "novikova")["status"] == "in_progress"
    step("escalate", key, "L3", "--note", "Cutter replaced, still jams", "--as", "novikova")
    assert step("take", key, "--as", "vasiliev")["assignee"] == "vasiliev"
    assert step("resolve", key, "Firmware updated", "--as", "vasiliev")["status"] == "resolved"
    assert step("confirm", key, "--rating", "5", "--as", "ivanova")["status"] == "closed"
    assert step("reopen", key, "It jams again", "--as", "sokolova")["status"] == "reopened"
    step("resolve", key, "Printer replaced", "--as", "vasiliev")
    assert step("close", key, "--as", "vasiliev")["status"] == "closed"

    row = ticket_row(sqlite_store, key)
    assert (row.reopen_count, row.escalation_count, row.satisfaction) == (1, 1, 5)
    kinds = [e.kind for e in events_of(sqlite_store, key)]
    assert kinds == [
        "created",
        "assigned",
        "taken",
        "assigned",
        "status",
        "reply",
        "note",
        "status",
        "status",
        "escalated",
        "taken",
        "resolved",
        "confirmed",
        "reopened",
        "resolved",
        "closed",
    ]
    mail = [o.kind for o in outbox(sqlite_store, key)]
    assert mail.count("reply") == 1  # the note was not mailed
    assert mail.count("closed") == 2


def test_actions_print_one_line_for_people(ok):
    key = register(ok)["key"]
    assert ok("ticket", "note", key, "hello", "--as", "lebedev") == f"note added to {key}\n"
    assert ok("ticket", "cancel", key, "--note", "Duplicate", "--as", "ivanova") == (
        f"{key} is cancelled\n"
    )


def test_link_a_duplicate_and_a_child(ok, sqlite_store):
    first, second, third = (register(ok)["key"] for _ in range(3))
    assert ok("ticket", "link", second, first, "--kind", "duplicate", "--as", "ivanova") == (
        f"{second} linked to {first} (duplicate)\n"
    )
    ok("ticket", "link", third, first, "--kind", "child", "--as", "ivanova")
    data = json.loads(ok("ticket", "show", first, "--json"))
    assert sorted((link["kind"], link["key"]) for link in data["links"]) == [
        ("duplicated by", second),
        ("parent of", third),
    ]
    assert json.loads(ok("ticket", "show", third, "--json"))["parent"] == first


def test_priority_and_time_from_the_command_line(ok, sqlite_store):
    key = register(ok)["key"]
    ok("ticket", "priority", key, "--impact", "1", "--urgency", "high", "--as", "sokolova")
    ok("ticket", "time", key, "25", "--as", "lebedev")
    data = json.loads(ok("ticket", "show", key, "--json"))
    assert (data["priority"], data["time_spent_s"]) == ("P1", 25 * 60)


def test_a_reply_body_can_come_from_stdin(ok, sqlite_store, monkeypatch):
    key = register(ok)["key"]
    monkeypatch.setattr("sys.stdin", io.StringIO("Dear customer,\n\nwe are on it.\n"))
    ok("ticket", "reply", key, "-", "--as", "lebedev")
    assert outbox(sqlite_store, key, "reply")[0].body == "Dear customer,\n\nwe are on it."


def test_the_sla_tick_closes_resolved_tickets_nobody_answered(ok, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    long_ago = datetime.now().astimezone() - timedelta(days=30)
    key = new_ticket(sqlite_store, ivanova, now=long_ago).key
    ticket_actions.resolve(sqlite_store, ivanova, key, "Done", now=long_ago)
    out = json.loads(ok("sla", "tick", "--json"))
    assert out["closed"] == 1
    assert ticket_row(sqlite_store, key).status == "closed"
    assert json.loads(ok("sla", "tick", "--json")) == {
        "at_risk": 0,
        "breached": 0,
        "closed": 0,
        "rules": 0,
        "vendor_late": 0,
    }


def test_the_sla_tick_reports_overdue_tickets_once(ok, sqlite_store):
    ivanova = resolve(sqlite_store, "ivanova")
    long_ago = datetime.now().astimezone() - timedelta(days=30)
    new_ticket(sqlite_store, ivanova, now=long_ago)
    # response, resolution and update: each at risk, then breached
    assert ok("sla", "tick") == "at risk: 3, breached: 3, closed: 0\n"
    assert ok("sla", "tick") == "at risk: 0, breached: 0, closed: 0\n"


def test_waiting_for_the_customer_needs_a_reason_and_records_its_pause(cli, ok, sqlite_store):
    key = register(ok)["key"]
    ok("ticket", "status", key, "in_progress", "--as", "volkov")
    code, _out, err = cli("ticket", "status", key, "waiting_customer", "--as", "volkov")
    assert code == 2 and "--reason" in err and "info" in err and "Traceback" not in err
    assert ticket_row(sqlite_store, key).status == "in_progress"
    ok(
        "ticket",
        "status",
        key,
        "waiting_customer",
        "--reason",
        "access: site closed",
        "--as",
        "volkov",
    )
    ok("ticket", "status", key, "in_progress", "--as", "volkov")
    shown = json.loads(ok("ticket", "show", key, "--json"))
    [pause] = shown["pauses"]
    assert pause["reason"] == "access"
    assert pause["reason_text"] == "Waiting for access or a visit window: site closed"
    assert pause["ended_at"] is not None and pause["wall_s"] is not None


def test_plan_moves_an_open_ticket_to_another_sla_plan(ok, cli, sqlite_store):
    key = register(ok)["key"]
    before = ticket_row(sqlite_store, key)
    code, _out, err = cli("ticket", "plan", key, "gold", "--as", "lebedev")
    assert code == 2 and len(err.strip().splitlines()) == 1  # engineers may not
    code, _out, err = cli("ticket", "plan", key, "platinum", "--as", "morozov")
    assert code == 2 and "no SLA plan 'platinum'" in err
    assert ticket_row(sqlite_store, key).version == before.version
    out = ok("ticket", "plan", key, "gold", "--note", "Gold contract", "--as", "morozov", "--json")
    assert json.loads(out)["key"] == key
    after = ticket_row(sqlite_store, key)
    assert after.resolution_target_s != before.resolution_target_s
    shown = json.loads(ok("ticket", "show", key, "--json"))
    assert shown["sla_plan"] == "gold"
    code, _out, err = cli("ticket", "plan", key, "gold", "--as", "morozov")
    assert code == 2 and "already" in err


def test_the_csv_list_carries_no_spreadsheet_formula(ok, sqlite_store):
    """A subject a spreadsheet would run is written with a leading apostrophe; a subject
    that is a number is left alone."""
    ivanova = resolve(sqlite_store, "ivanova")
    now = datetime.now().astimezone()
    formula = new_ticket(sqlite_store, ivanova, subject='=HYPERLINK("http://x.example")', now=now)
    number = new_ticket(sqlite_store, ivanova, subject="-0.25", now=now)
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(ok("ticket", "list", "--csv")))}
    assert rows[formula.key]["subject"] == '\'=HYPERLINK("http://x.example")'
    assert rows[number.key]["subject"] == "-0.25"
