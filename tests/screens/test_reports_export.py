"""The KPI screen's `e`: the CSV it saves runs no spreadsheet formula."""

from __future__ import annotations

import csv

from helpdesk_tui.screens.reports import _write_csv


def test_a_name_a_spreadsheet_would_run_is_saved_with_a_leading_apostrophe(tmp_path):
    rows = [
        {"key": "=evil", "name": "@SUM(A1:A9)", "created": 3, "mean": -0.25, "channels": {}},
        {"key": "", "name": "Total", "created": 3, "mean": None, "channels": {"email": 3}},
    ]
    path = _write_csv(tmp_path / "kpi.csv", rows)
    with path.open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["key", "name", "created", "mean", "channels"],
            ["'=evil", "'@SUM(A1:A9)", "3", "-0.25", ""],
            ["", "Total", "3", "", "email=3"],
        ]
