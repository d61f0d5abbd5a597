"""`python -m helpdesk_tui` runs the command line."""

from helpdesk_tui.entry import main

main()
