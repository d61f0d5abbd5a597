"""The benchmark harness (issue 8): `python tests/bench/run.py --help`."""
