"""The catalogs hold every text the code marks, in Russian, and nothing else; the compiled
`.mo` files are the `.po` files compiled; the converted modules mark every text a user
sees (the lint); every help text of the command line is in the catalogs.

When this fails after a change: extract, update, translate, compile (the README, "Languages").
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from helpdesk_tui import i18n
from tests.i18n.converted import converted_files
from tests.i18n.lint import check_file, check_source

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "N_": None,
    "n_": (1, 2),
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "NP_": ((1, "c"), 2),
}


def _po(lang: str):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str], str]:
    """(context, msgid) → where, of every text marked in the package (Babel, babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found[(context, msgid)] = filename
    return found


def _ids(catalog) -> dict[tuple[str | None, str], object]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_catalogs_hold_exactly_what_the_code_marks(extracted, lang):
    ids = _ids(_po(lang))
    missing = sorted(f"{where}: {key[1]!r}" for key, where in extracted.items() if key not in ids)
    stale = sorted(repr(key[1]) for key, m in ids.items() if key not in extracted)
    assert not missing, "not in the catalog (extract and update):\n" + "\n".join(missing)
    assert not stale, "in the catalog, no longer in the code (update):\n" + "\n".join(stale)


def test_every_text_has_a_russian_translation(extracted):
    untranslated = [
        repr(key[1])
        for key, m in _ids(_po("ru")).items()
        if not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy
    ]
    assert not untranslated, "no Russian (or fuzzy):\n" + "\n".join(untranslated)


def test_placeholders_survive_translation():
    """A translation names the same {placeholders} as its English text."""
    import string

    def names(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    wrong = []
    for m in _po("ru"):
        if not m.id:
            continue
        english = m.id if isinstance(m.id, tuple) else (m.id,)
        russian = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = names(english[-1]) | names(english[0])
        wrong += [repr(m.id) for r in russian if names(r) - wanted or (wanted - names(r) - {"n"})]
    assert not wrong


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_compiled_catalogs_are_the_po_files(lang):
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    with path.open("rb") as fh:
        shipped = gettext.GNUTranslations(fh)
    # the header names the Babel that wrote it, which moves on without the messages changing
    assert _messages(shipped) == _messages(fresh), "run `pybabel compile` (see the README)"


def _messages(translations: gettext.GNUTranslations) -> dict:
    return {k: v for k, v in translations._catalog.items() if k != ""}


def test_a_missing_mo_is_compiled_from_the_po(monkeypatch, tmp_path):
    messages = tmp_path / "ru" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    source = i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    (messages / f"{i18n.DOMAIN}.po").write_bytes(source.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.catalog("ru").gettext("Back") == "Назад"


def test_the_converted_modules_show_no_bare_text():
    findings = [str(f) for path in converted_files() for f in check_file(path)]
    assert not findings, "wrap these in _() (or N_() where made at import):\n" + "\n".join(findings)


@pytest.mark.parametrize(
    "source",
    [
        'Binding("q", "quit", "Quit")',
        'Binding("q", "quit", N_("Quit"), tooltip="Leave")',
        'self.notify("Saved.")',
        'self.notify(f"Saved {path}")',
        'Static("This screen")',
        'Static(Text("Colours"))',
        'Label("About the services")',
        'Input(placeholder="filter…")',
        'typer.Option(None, "--as", help="Act as this agent login.")',
        'typer.Typer(help="Tickets.")',
        'table.add_column("KPI")',
        'say(f"{n} records changed")',
        'raise Invalid("no password given")',
        'raise typer.BadParameter("say on or off")',
        'ConfirmScreen("Close without saving?")',
        'print_table(("key", "mystery column"), rows)',
        'self.title = "Templates"',
        'self.sub_title = "read only" if x else ""',
        'Choice("all", "Show everything")',
        'Choice(code, name, f"used {n}×")',
        'Select([], prompt="pick the organisation")',
        'ComposeScreen(f"Reply on {key}", ticket=key, kind="reply")',
    ],
)
def test_the_lint_finds_bare_text(source):
    assert check_source(source, Path("example.py"))


@pytest.mark.parametrize(
    "source",
    [
        'Binding("q", "quit", N_("Quit"), id="app.quit", tooltip=N_("Leave"))',
        'self.notify(_("Saved {path}").format(path=p))',
        "Static(Text(subject))",
        'Static("", id="kb-meta")',
        'Static(" · ")',
        "say(result.message)",
        'say(n_("{n} record", "{n} records", n).format(n=n))',
        'raise Invalid(_("no password given"))',
        'print_table(("key", "subject"), rows)',
        'self.title = _("KPIs")',
        'Choice("-", _("— no asset"))',
        "Choice(c.code, c.name, c.detail)",
        'Select([], prompt="—")',
    ],
)
def test_the_lint_lets_translated_text_and_data_pass(source):
    assert not check_source(source, Path("example.py"))


def _helps(command, path="helpdesk"):
    for attr in ("help",):
        if getattr(command, attr, None):
            yield path, command.help
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            yield f"{path} {param.opts[0] if param.opts else param.name}", param.help
    for name, sub in getattr(command, "commands", {}).items():
        yield from _helps(sub, f"{path} {name}")


def test_every_help_of_the_command_line_is_in_russian():
    from helpdesk_tui.cli import app

    russian = {m.id: m.string for m in _po("ru") if m.id and not isinstance(m.id, tuple)}
    helps = list(_helps(typer.main.get_command(app)))
    assert len(helps) > 100
    missing = [f"{where}: {text!r}" for where, text in helps if not russian.get(text)]
    assert not missing, "help without a Russian translation:\n" + "\n".join(missing)
