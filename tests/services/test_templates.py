"""Writing templates on both stores: who may, what is refused, conflicts, the sample a
preview is filled from, and `data load` keeping what was edited in the application."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpdesk_tui.domain.errors import Conflict, Invalid, NotAllowed, NotFound
from helpdesk_tui.services import templates
from helpdesk_tui.services.setup import load_data, reference_dir
from helpdesk_tui.services.templates import TemplateInput
from tests.services._helpers import new_ticket

NEW = TemplateInput(
    code="scanner-cable-en",
    name="Scanner: reseat the cable",
    body="Hello {{contact.name}},\n\nplease reseat the scanner cable ({{ticket.key}}).",
    services=("barcode-scanner",),
    lines=("L1", "L2"),
)


@pytest.fixture
def agents(actor_of):
    return actor_of


def test_a_supervisor_writes_a_template_that_agents_then_pick(store, agents):
    saved = templates.save(store, agents("sokolova"), NEW, new=True)
    assert saved.edited and saved.updated_at is not None
    listed = {t.code: t for t in templates.list_all(store, agents("ivanova"))}
    assert listed["scanner-cable-en"].body == NEW.body
    key = new_ticket(store, agents("ivanova"), service="barcode-scanner", subject="Scanner").key
    picked = templates.for_ticket(store, agents("ivanova"), key, ("reply",))
    [ours] = [c for c in picked if c.code == "scanner-cable-en"]
    assert ours.body.endswith(f"({key}).") and "{{" not in ours.body


def test_dispatchers_and_engineers_do_not_write_templates(store, agents):
    for login in ("ivanova", "petrov"):
        with pytest.raises(NotAllowed):
            templates.save(store, agents(login), NEW, new=True)
    with pytest.raises(NotFound):
        templates.get(store, agents("ivanova"), "scanner-cable-en")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"body": "Hi {{contact.nmae}}"},
            r"unknown placeholder \{\{contact.nmae\}\} \(did you mean",
        ),
        ({"subject": "[{{ticket.kye}}]"}, "subject, line 1: unknown placeholder"),
        ({"body": "Hi {{contact.name"}, "is not closed"),
        ({"code": "Bad Code"}, "bad code"),
        ({"name": " "}, "the name is empty"),
        ({"kind": "memo"}, "unknown kind"),
        ({"language": "de"}, "unknown language"),
        ({"services": ("nope",)}, "unknown service 'nope'"),
        ({"lines": ("L9",)}, "unknown line 'L9'"),
        ({"body": ""}, "the body is empty"),
    ],
)
def test_bad_templates_are_refused_in_one_line(store, agents, change, message):
    with pytest.raises(Invalid, match=message):
        templates.save(store, agents("admin"), replace(NEW, **change), new=True)


def test_a_code_is_taken_once_and_an_edit_names_an_existing_one(store, agents):
    admin = agents("admin")
    with pytest.raises(Invalid, match="exists already"):
        templates.save(store, admin, TemplateInput("ack-en", "x", "y"), new=True)
    with pytest.raises(NotFound):
        templates.save(store, admin, NEW, new=False)


def test_an_edit_over_a_newer_version_is_refused(store, agents):
    admin = agents("admin")
    seen = templates.save(store, admin, NEW, new=True).updated_at
    templates.save(store, agents("sokolova"), replace(NEW, name="Theirs"), new=False)
    with pytest.raises(Conflict):
        templates.save(store, admin, replace(NEW, name="Mine"), new=False, expected_updated_at=seen)
    assert templates.get(store, admin, NEW.code).name == "Theirs"


def test_data_load_keeps_a_template_edited_in_the_app_until_told_otherwise(store, agents):
    admin = agents("admin")
    shipped = templates.get(store, admin, "ack-en")
    assert not shipped.edited
    mine = TemplateInput(
        shipped.code, shipped.name, "Ours: {{ticket.key}}", shipped.language, shipped.kind
    )
    templates.save(store, admin, replace(mine, subject=shipped.subject), new=False)
    report = load_data(store, reference_dir())
    rules = report.created["desk setting"]  # the test stores start without the rules
    assert report.kept["template"] == 1 and report.changes == rules
    assert templates.get(store, admin, "ack-en").body == "Ours: {{ticket.key}}"
    load_data(store, reference_dir(), overwrite_edited=True)
    back = templates.get(store, admin, "ack-en")
    assert back.body == shipped.body and not back.edited


def test_the_preview_sample_is_a_ticket_of_the_templates_service(store, agents):
    ivanova = agents("ivanova")
    empty = templates.sample(store, ivanova, ("barcode-scanner",))
    assert empty.key is None and empty.values["ticket.key"] == "HD-1042"
    assert empty.values["agent.name"] == ivanova.name
    key = new_ticket(store, ivanova, service="barcode-scanner", subject="Scanner dead").key
    new_ticket(store, ivanova, subject="Printer")  # newer, another service
    got = templates.sample(store, ivanova, ("barcode-scanner",), "ru")
    assert got.key == key and got.values["ticket.subject"] == "Scanner dead"
    assert templates.sample(store, ivanova).key != key  # any service: the newest
