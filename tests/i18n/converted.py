"""The modules whose every user-visible text goes through the catalogs.

The lint (`lint.py`) holds these to it; the catalog test extracts the whole package. Add a
module here when it is converted; the goal is the whole of `helpdesk_tui`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "helpdesk_tui"

CONVERTED = (
    "cli/*.py",
    "screens/base.py",
    "screens/help.py",
    "screens/reports.py",
    "screens/knowledge.py",
    "screens/article_editor.py",
    "screens/templates.py",
    "screens/template_editor.py",
    "screens/dialogs.py",
    "screens/picker.py",
    "screens/macros.py",
    "screens/finder.py",
    "screens/macro_editor.py",
    "screens/workspace.py",
    "screens/register.py",
    "screens/compose.py",
    "screens/ticket.py",
    "screens/actions.py",
    "screens/kept_drafts.py",
    "screens/handling.py",
    "widgets/*.py",
    "screens/board.py",
    "screens/marked_actions.py",
    "screens/customer_card.py",
    "screens/vendor_card.py",
    "screens/vendor_case.py",
    "screens/mass_incident_actions.py",
    "screens/batch_run.py",
    "screens/grouped_queue.py",
    "screens/user_keys.py",
    "app.py",
    "commands.py",
    "services/*.py",
    "domain/*.py",
    "config.py",
    "store/*.py",
)

# The words of the domain (statuses, channels, event kinds…) are `domain.vocab.label()`
# and friends; a stored timeline text stays in the language it was written in.


def converted_files() -> list[Path]:
    found: set[Path] = set()
    for pattern in CONVERTED:
        found.update(PACKAGE.glob(pattern))
    return sorted(found)
