"""The benchmark harness of issue 8: a generated desk of N tickets, measured in one run.

    python tests/bench/run.py [--tickets N] [--store sqlite|postgres] [--json FILE]
                              [--only 1,2-3,4,…] [--quick] [--reference-tickets 10000]
                              [--stores-dir DIR] [--rebuild]

Builds the store of N tickets with `helpdesk demo --tickets N --no-open` (or reuses it:
`tests/bench/.stores/`, a PostgreSQL database per N), runs every measurement several times,
and prints a table of medians and 95th percentiles with each figure's budget and PASS/MISS,
beside the *baseline* — the stock approach (a `DataTable` filled with every open ticket
of a line through the ORM) measured in the same run on the same data — and the ratio
baseline ÷ ours. `--json` writes the same, with every raw sample. See README.md here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import stores  # noqa: E402
from tests.bench.measures import MEASUREMENTS, Bench  # noqa: E402
from tests.bench.stats import Figure, table  # noqa: E402


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def versions() -> dict:
    from importlib.metadata import version

    out = {}
    for pkg in ("textual", "sqlalchemy", "sqlmodel", "psycopg"):
        try:
            out[pkg] = version(pkg)
        except Exception:
            out[pkg] = None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="N (default 1,000,000)")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--only", default="", help="comma-separated measurement ids (1, 2-3, 4, 5, 6, 7, 8, 9, 10)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    parser.add_argument(
        "--reference-tickets",
        type=int,
        default=10_000,
        help="N of the store the memory figure is compared with (0: none)",
    )
    parser.add_argument("--stores-dir", type=Path, default=stores.DEFAULT_DIR)
    parser.add_argument("--rebuild", action="store_true", help="generate the store again")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.time()
    info = {"machine": machine(), "versions": versions()}
    log(
        f"helpdesk benchmark: N = {args.tickets:,} on {args.store}; "
        f"{info['machine']['cores']} cores, load {info['machine']['load_average_at_start']}"
    )
    bench_store = stores.ensure(
        args.store, args.tickets, args.stores_dir, rebuild=args.rebuild, log=log
    )
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    wanted = [m for m in MEASUREMENTS if not only or m[0] in only]
    reference = None
    if any(m[0] == "9" for m in wanted) and args.reference_tickets not in (0, args.tickets):
        reference = stores.ensure(args.store, args.reference_tickets, args.stores_dir, log=log)
    marks = stores.Marks.take(bench_store.url)
    bench = Bench(bench_store, reference, quick=args.quick, log=log)
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    try:
        for mid, name, fn in wanted:
            log(f"[{mid}] {name} …")
            t0 = time.perf_counter()
            try:
                figures.extend(f.judge() for f in fn(bench))
            except Exception as exc:  # one broken measurement must not hide the others
                import traceback

                errors[mid] = "".join(traceback.format_exception(exc))
                log(f"[{mid}] FAILED: {exc}")
                figures.append(Figure(mid, f"{name}: FAILED ({exc})", "ms", status="ERROR"))
            log(f"[{mid}] done in {time.perf_counter() - t0:.1f} s")
    finally:
        removed = marks.undo(bench_store.url)
        if bench._store is not None:
            bench._store.dispose()
    info["machine"]["load_average_at_end"] = os.getloadavg()
    result = {
        "tickets": args.tickets,
        "store": args.store,
        "store_rows": {k: v for k, v in bench_store.meta.items() if k.endswith("_rows")},
        "store_size_mb": round(stores.size_mb(bench_store) or 0, 1),
        "generation_s": bench_store.generated_s,
        "generation_command": bench_store.meta.get("command"),
        "run_s": round(time.time() - started, 1),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        **info,
        "figures": [f.as_json() for f in figures],
        "errors": errors,
        "cleanup": removed,
        "raw": bench.raw,
    }
    head = (
        f"N = {args.tickets:,} tickets on {args.store} "
        f"({result['store_rows'].get('ticket_event_rows', 0):,} events, "
        f"{result['store_rows'].get('contact_rows', 0):,} contacts, "
        f"{result['store_size_mb']:,.0f} MB); generated in "
        + (f"{bench_store.generated_s:,.0f} s" if bench_store.generated_s else "?")
        + f"; {info['machine']['cores']} cores ({info['machine']['cpu']}), "
        f"load {info['machine']['load_average_at_start'][0]:.1f}"
    )
    print(head)
    print()
    print(table(figures))
    print()
    print(
        json.dumps({k: v for k, v in result.items() if k != "raw"}, ensure_ascii=False, default=str)
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
