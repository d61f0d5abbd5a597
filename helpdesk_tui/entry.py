"""The `helpdesk` command's entry point: the start is prepared (helpdesk_tui/startup.py)
before the command line and everything it uses is imported."""

from helpdesk_tui import startup


def main() -> None:
    startup.begin()
    from helpdesk_tui.cli import main as cli_main

    cli_main()
