"""The benchmark harness keeps working: a tiny desk, every measurement, one quick run.

This checks the harness, not the budgets (figures at N = 2,000 on a busy CI box mean
little): the run finishes, every measurement produced figures with samples, and the store
is left as it was found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_harness_measures_a_small_desk_end_to_end(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "bench" / "run.py"),
            "--tickets",
            "2000",
            "--store",
            "sqlite",
            "--quick",
            "--reference-tickets",
            "0",
            "--stores-dir",
            str(tmp_path / "stores"),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    result = json.loads(out.read_text())
    assert result["errors"] == {}
    figures = {f["id"]: f for f in result["figures"]}
    # what must always be measured, with samples and a verdict against its budget
    for fid in (
        "1a",
        "1b",
        "1d",
        "1e",
        "2a",
        "2b",
        "2c",
        "2d",
        "3a",
        "3b",
        "4",
        "5a",
        "5b",
        "6",
        "7",
        "8a",
        "9b",
        "10a",
        "10b",
    ):
        assert fid in figures, sorted(figures)
        assert figures[fid]["p50"] is not None and figures[fid]["n"] > 0, figures[fid]
        assert figures[fid]["status"] in {"PASS", "MISS", "ref"}, figures[fid]
    # the interactions have the stock DataTable beside them
    for fid in ("1b", "2a", "3a", "5a", "6", "9b"):
        assert figures[fid]["baseline_p50"] is not None, figures[fid]
    # the printed table carries every figure with its budget
    assert "| 2a " in done.stdout and "≤ 50 ms p95" in done.stdout
    # the harness removed the tickets it registered
    assert result["cleanup"]["ticket"] > 0
    assert result["store_rows"]["ticket_rows"] == 2000
