"""Reference data: loads into any store, idempotently, and bad files say where."""

import re
import shutil

import pytest
from sqlalchemy import func
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.services.setup import load_data, reference_dir
from helpdesk_tui.store import models as m


def test_loading_twice_changes_nothing_the_second_time(store):
    load_data(store, reference_dir())  # the test stores start without the rules: back
    report = load_data(store, reference_dir())
    assert report.changes == 0
    assert sum(report.unchanged.values()) > 400


def test_the_demo_world_is_as_big_as_promised(store):
    with store.read() as s:
        count = lambda model: s.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        assert count(m.Line) >= 4
        assert count(m.Service) >= 12
        assert count(m.SlaPlan) == 3
        assert count(m.Calendar) >= 2
        assert count(m.Template) >= 20
        assert count(m.Article) >= 15
        assert count(m.Contact) >= 40
        assert count(m.Agent) >= 12
        assert count(m.PriorityCell) == 9
        languages = set(s.exec(select(m.Template.language)).all())
        assert {"ru", "en"} <= languages


def test_an_edited_file_updates_by_key(store, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(reference_dir(), data)
    services = data / "services.toml"
    services.write_text(
        services.read_text(encoding="utf-8").replace(
            'name = "Receipt printer"', 'name = "Receipt printer (fiscal)"', 1
        ),
        encoding="utf-8",
    )
    report = load_data(store, data)
    assert report.updated["service"] == 1
    assert report.created["service"] == 0
    with store.read() as s:
        row = s.exec(select(m.Service).where(m.Service.code == "receipt-printer")).one()
        assert row.name == "Receipt printer (fiscal)"


def _broken(tmp_path, name, old, new):
    data = tmp_path / "data"
    shutil.copytree(reference_dir(), data)
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def test_a_toml_syntax_error_names_the_file_and_line(store, tmp_path):
    data = _broken(tmp_path, "sla.toml", "[[plan]]", "[[plan]\n")
    with pytest.raises(Invalid) as err:
        load_data(store, data)
    message = str(err.value)
    assert re.search(r"sla\.toml:\d+:\d+: not valid TOML: ", message), message
    assert "\n" not in message


def test_an_unknown_reference_names_the_record_and_changes_nothing(store, tmp_path):
    data = _broken(tmp_path, "services.toml", 'group = "l2-hardware"', 'group = "l2-hw"')
    with store.read() as s:
        before = s.exec(select(func.count()).select_from(m.Service)).one()
    with pytest.raises(Invalid) as err:
        load_data(store, data)
    assert "services.toml:" in str(err.value)
    assert "unknown group 'l2-hw'" in str(err.value)
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(m.Service)).one() == before


def test_an_unknown_placeholder_in_a_template_is_refused(store, tmp_path):
    data = _broken(tmp_path, "templates.toml", "Hello {{contact.name}}", "Hello {{contact.nmae}}")
    with pytest.raises(Invalid, match=r"unknown placeholder \{\{contact.nmae\}\}"):
        load_data(store, data)
