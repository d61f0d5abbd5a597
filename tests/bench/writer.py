"""The other terminal of measurement 7: commits changes and says when each committed.

    python tests/bench/writer.py --db URL --key HD-123 --count 30 [--login ivanova]

Each change is an internal note on ticket `--key` (through the service, as the CLI or the
application would make it), spaced by a random 0.15–0.45 s so the reader's polling phase is
sampled evenly. After each commit it prints `COMMITTED <n> <time.time()>`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from helpdesk_tui.services import agents
from helpdesk_tui.services.ticket_actions import note
from helpdesk_tui.store.db import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--login", default="ivanova")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    store = open_store(args.db)
    actor = agents.resolve(store, args.login)
    rng = random.Random(args.seed)
    print("READY", flush=True)
    sys.stdin.readline()  # the reader is listening
    for n in range(args.count):
        time.sleep(rng.uniform(0.15, 0.45))
        note(store, actor, args.key, f"benchmark change {n}")
        print(f"COMMITTED {n} {time.time():.6f}", flush=True)
    store.dispose()


if __name__ == "__main__":
    main()
