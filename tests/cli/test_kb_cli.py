"""`helpdesk kb search|show`: the knowledge base for scripts and people, as the agent `--as`
names (who sees what their groups may see); `data load` keeps what was edited."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main


@pytest.fixture
def cli(sqlite_store, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(["--db", sqlite_store.url, *args])
        out, err = capsys.readouterr()
        return exited.value.code, out, err

    return run


def test_search_ranks_and_prints_json_for_programs(cli):
    code, out, err = cli("kb", "search", "чековую ленту", "--json", "--as", "ivanova")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["hits"][0]["slug"] == "receipt-printer-paper-roll-ru"
    assert data["total"] == len(data["hits"])
    code, out, _ = cli("kb", "search", "RMA", "--as", "ivanova")
    assert code == 0 and "vendor-atol-rma" not in out  # line 3's, not shown to line 1
    code, out, _ = cli("kb", "search", "RMA", "--as", "vasiliev")
    assert "vendor-atol-rma" in out


def test_show_prints_the_markdown_as_text_and_refuses_in_one_line(cli):
    code, out, _ = cli("kb", "show", "office-wifi", "--as", "ivanova")
    assert code == 0 and "# Office Wi-Fi" in out
    code, out, err = cli("kb", "show", "vendor-atol-rma", "--as", "ivanova")
    assert code == 2 and out == ""
    assert err == "helpdesk: no article 'vendor-atol-rma'\n"


def test_data_load_reports_what_it_kept(cli, sqlite_store):
    from helpdesk_tui.services import agents, templates
    from helpdesk_tui.services.templates import TemplateInput

    admin = agents.resolve(sqlite_store, "admin")
    row = templates.get(sqlite_store, admin, "ack-en")
    mine = TemplateInput(row.code, row.name, "Ours {{ticket.key}}", row.language, row.kind)
    templates.save(sqlite_store, admin, mine, new=False)
    code, out, _ = cli("data", "load", "--json")
    assert code == 0
    kept = {r["kind"]: r["kept"] for r in json.loads(out)}
    assert kept["template"] == 1 and kept["article"] == 0
    assert templates.get(sqlite_store, admin, "ack-en").body == "Ours {{ticket.key}}"
