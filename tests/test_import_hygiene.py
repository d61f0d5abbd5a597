"""The layering contract (pyproject [tool.importlinter]) holds: screens/widgets →
services → store/domain, and no Textual below the screens."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(exe), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_screens_use_the_footer_that_does_not_leak():
    """Textual's own Footer keeps every key it ever showed (see widgets/footer.py)."""
    import re

    pattern = re.compile(r"from textual\.widgets import (\([^)]*\)|[^\n]*)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "helpdesk_tui").rglob("*.py")
        if path.name != "footer.py"
        and any(re.search(r"\bFooter\b", m) for m in pattern.findall(path.read_text()))
    ]
    assert not offenders, "use helpdesk_tui.widgets.footer.Footer in: " + ", ".join(offenders)
