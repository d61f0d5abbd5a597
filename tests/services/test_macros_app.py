"""Macros made in the application: checked exactly as the data file's steps, kept apart
from them (a reload of data/ keeps them; the file's code wins), audited on every save and
delete, refused to agents the permission table does not name, and run like any other."""

from __future__ import annotations

import shutil

import pytest

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.macros import parse_typed, steps_text
from helpdesk_tui.services import macros, setup
from helpdesk_tui.services.macros import MacroInput
from helpdesk_tui.store import models as m
from tests.services._helpers import events_of, new_ticket, ticket_row
from tests.services.snapshot import everything_but_refusals

STEPS = """
# ask for the cash desk, then wait
reply = "ask-cash-desk"
{ status = "waiting_customer" }
"""


def test_a_macro_written_here_runs_like_one_from_the_file(store, actor_of):
    morozov = actor_of("morozov")
    row = macros.save(
        store,
        morozov,
        MacroInput("ask-and-wait", "Ask and wait", STEPS, "Спросить и ждать"),
        new=True,
    )
    assert row.origin == "app" and row.updated_by == "morozov"
    assert [s.describe() for s in row.macro.steps] == [
        "reply ask-cash-desk",
        "status waiting_customer",
    ]
    found = macros.find(store, "ask-and-wait")
    assert found.origin == "app" and found.name_ru == "Спросить и ждать"
    key = new_ticket(store, actor_of("ivanova")).key
    run = macros.run(store, actor_of("lebedev"), "ask-and-wait", [key])
    assert run.tickets_done == 1
    assert ticket_row(store, key).status == "waiting_customer"
    assert [e.kind for e in events_of(store, key)][-2:] == ["reply", "status"]


def test_steps_are_checked_as_the_data_files_with_the_bad_line_named(store, actor_of):
    morozov = actor_of("morozov")
    cases = [
        ('take = true\n\ndance = "now"', "line 3, step 2: unknown action 'dance'"),
        ('status = "resolved"', "line 1, step 1: resolve with"),
        ('escalate = "L3"', "line 1, step 1: escalate needs a note of what was tried"),
        ('priority = "P7"', "unknown priority 'P7'"),
        ("take = true, reply = 'x'", "line 1, step 1: one action per step"),
        ("take = yes", "line 1, step 1: not a step"),
        ('note = "Hi {{ticket.nope}}"', "unknown placeholder"),
        ("", "no steps"),
        ("take = true\n" * 21, "at most 20 steps"),
    ]
    before = everything_but_refusals(store)
    for text, message in cases:
        with pytest.raises(Invalid, match=message):
            macros.save(store, morozov, MacroInput("bad-one", "Bad", text), new=True)
    for code in ("Bad Code", "", "-x", "a" * 65):
        with pytest.raises(Invalid, match="bad code"):
            macros.save(store, morozov, MacroInput(code, "Bad", "take = true"), new=True)
    with pytest.raises(Invalid, match="the name is empty"):
        macros.save(store, morozov, MacroInput("bad-one", " ", "take = true"), new=True)
    assert everything_but_refusals(store) == before


def test_the_editor_shows_steps_as_it_reads_them():
    mac = parse_typed(
        "x", "X", 'take = true\nescalate = "L3", note = "Said \\"no\\"; tried twice"\nnote = "a"'
    )
    assert parse_typed("x", "X", steps_text(mac.steps)) == mac


def test_a_reload_of_data_keeps_them_and_the_files_code_wins(store, actor_of, tmp_path):
    admin = actor_of("admin")
    macros.save(store, admin, MacroInput("mine", "Mine", "take = true"), new=True)
    with pytest.raises(Invalid, match=r"comes from data/macros\.toml"):
        macros.save(store, admin, MacroInput("printer-paper", "Paper", "take = true"), new=True)
    setup.load_data(store, setup.reference_dir(), actor=admin)
    assert macros.find(store, "mine").origin == "app"
    # the file later gains a macro of the same code: the file's wins, ours is listed hidden
    data = tmp_path / "data"
    shutil.copytree(setup.reference_dir(), data)
    with (data / "macros.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[macro]]\ncode = "mine"\nname = "From the file"\nsteps = [{ take = true }]\n')
    setup.load_data(store, data, actor=admin)
    assert macros.find(store, "mine").name == "From the file"
    assert [m.code for m in macros.list_macros(store)].count("mine") == 1
    [hidden] = [r for r in macros.list_rows(store) if r.origin == "app"]
    assert hidden.code == "mine" and hidden.hidden
    macros.delete(store, admin, "mine")  # ours goes; the file's stays
    assert macros.find(store, "mine").origin == "data"


def test_every_save_and_delete_is_audited_and_edits_do_not_cross(store, actor_of):
    morozov, sokolova = actor_of("morozov"), actor_of("sokolova")
    first = macros.save(store, morozov, MacroInput("m1", "One", "take = true"), new=True)
    with pytest.raises(Invalid, match="exists already"):
        macros.save(store, sokolova, MacroInput("m1", "Again", "take = true"), new=True)
    second = macros.save(
        store,
        sokolova,
        MacroInput("m1", "One, better", 'take = true\nstatus = "in_progress"'),
        new=False,
        expected_updated_at=first.updated_at,
    )
    with pytest.raises(Conflict, match="changed by sokolova"):
        macros.save(
            store,
            morozov,
            MacroInput("m1", "One, mine", "take = true"),
            new=False,
            expected_updated_at=first.updated_at,  # what morozov had open
        )
    assert macros.find(store, "m1").name == "One, better"
    gone = macros.delete(store, morozov, "m1")
    assert gone.name == "One, better"
    with pytest.raises(NotFound):
        macros.find(store, "m1")
    entries = macros.log(store, actor_of("admin"))
    assert [(e.by, e.action, e.code) for e in entries] == [
        ("morozov", "deleted", "m1"),
        ("sokolova", "changed", "m1"),
        ("morozov", "created", "m1"),
    ]
    assert entries[1].before["name"] == "One" and entries[1].after["name"] == "One, better"
    assert entries[1].after["updated_at"] == second.updated_at
    with pytest.raises(NotAllowed):
        macros.log(store, actor_of("lebedev"))


def test_who_may_write_and_what_may_not_be_deleted(store, actor_of):
    admin = actor_of("admin")
    before = everything_but_refusals(store)
    for login in ("ivanova", "lebedev"):
        with pytest.raises(NotAllowed):
            macros.save(store, actor_of(login), MacroInput("x", "X", "take = true"), new=True)
    with pytest.raises(NotAllowed, match=r"comes from data/macros\.toml"):
        macros.delete(store, admin, "printer-paper")
    with pytest.raises(NotFound):
        macros.delete(store, admin, "nothing-here")
    assert everything_but_refusals(store) == before
    # a macro a rule runs stays until the rule stops running it
    macros.save(store, admin, MacroInput("for-rules", "For rules", "take = true"), new=True)
    rule = {
        "code": "uses-it",
        "name": "Runs it",
        "when": ["created"],
        "if": "",
        "after_s": 0,
        "enabled": False,
        "order": 0,
        "then": [{"action": "macro", "value": "for-rules", "note": ""}],
    }
    with store.write() as s:
        s.merge(m.DeskSetting(key="rules", value={"rules": [rule]}))
    with pytest.raises(Invalid, match="is run by the rule"):
        macros.delete(store, admin, "for-rules")
    assert macros.find(store, "for-rules").origin == "app"
