"""Opening the application builds the root command only; a subcommand builds them all."""

import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk_tui.cli import opens_app

ROOT = Path(__file__).resolve().parents[2]
COMMAND_MODULES = ("ticket", "admin", "mail", "report", "serve", "customers", "kb", "macros")


@pytest.mark.parametrize(
    "args",
    [[], ["--db", "x.sqlite3"], ["--as", "anna", "--lang", "ru"], ["--db=x", "--lang=en"]],
)
def test_root_options_only_open_the_application(args):
    assert opens_app(args)


@pytest.mark.parametrize(
    "args",
    [["ticket", "list"], ["--help"], ["-h"], ["--db"], ["--as", "anna", "report"], ["--bogus"]],
)
def test_anything_else_is_the_whole_command_line(args):
    assert not opens_app(args)


def _modules_after(args: list[str]) -> set[str]:
    """Which command modules `helpdesk ARGS` imported, the application replaced by a stub."""
    code = (
        "import sys\n"
        "import helpdesk_tui.cli.run as run\n"
        "run.run_app = lambda c: print(' '.join(sorted(sys.modules)))\n"
        "from helpdesk_tui.cli import main\n"
        f"main({args!r})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return {m.removeprefix("helpdesk_tui.cli.") for m in done.stdout.split()}


def test_opening_the_application_imports_no_command_module(tmp_path):
    loaded = _modules_after(["--db", str(tmp_path / "s.sqlite3")])
    assert not loaded & set(COMMAND_MODULES)
    assert "helpdesk_tui.services.mail_in" not in loaded


def test_the_whole_command_line_still_answers_help():
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_tui", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"HELPDESK_LANG": "en", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    for command in ("ticket", "report", "serve", "intake", "customer"):
        assert f" {command} " in done.stdout
