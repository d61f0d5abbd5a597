"""Knowledge-base search on 10,000 articles, on SQLite and PostgreSQL.

    python tests/bench/kb.py [--articles 10000] [--store sqlite|postgres|both] [--runs 5]

Builds a store per backend (SQLite in a temporary directory; PostgreSQL in its own schema
`helpdesk_bench_kb` on HELPDESK_BENCH_PG, default the local test server, dropped at the
end) with the reference data and N generated articles: Russian and English Markdown whose
words follow the frequencies of the shipped articles (data/knowledge.toml), a quarter of
them visible to some groups only. Then times `services.knowledge.search` — what the
screen calls on every keystroke, rows and excerpts included — for a dispatcher (the
visibility filter at work) and a supervisor, over queries an agent types: common and rare
words in both languages, every prefix of a few words as typed, several words, phrases,
`or`, exclusions; and `for_ticket` (the pane's suggestions). Prints the median and the
95th percentile per store; the budget is 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from helpdesk_tui.services import agents, knowledge  # noqa: E402
from helpdesk_tui.services.registration import NewTicket, register  # noqa: E402
from helpdesk_tui.services.setup import init_store, reference_dir  # noqa: E402
from helpdesk_tui.store import models as m  # noqa: E402
from helpdesk_tui.store.db import Store, open_store  # noqa: E402

BUDGET_MS = 50.0
PG = os.environ.get("HELPDESK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCHEMA = "helpdesk_bench_kb"
GROUPS = ["dispatch", "l2-software", "l2-hardware", "l2-network", "l3-experts"]
SERVICES = ["receipt-printer", "pos", "fiscal-drive", "network", "email", "erp", "access"]

QUERIES = [
    "printer",
    "принтер",
    "ленту",
    "чековая лента",
    "paper jam",
    "касса не печатает",
    "password",
    "пароль",
    "network",
    "сеть",
    "fiscal",
    "фискальный накопитель",
    "update",
    "обновление",
    "scanner",
    "сканер",
    '"paper jam"',
    '"чековой ленты"',
    "printer or scanner",
    "касса -принтер",
    "restart",
    "перезагрузить",
    "error",
    "ошибка",
    "outlook profile",
    "1С",
    "ОФД",
    "wifi",
    "terminal",
    "терминал сверка",
    "zzzzqqq",
]
TYPED = ["принтер не печатает", "paper jam", "пароль 1С", "shop network outage"]


def words_of_corpus() -> tuple[list[str], list[int]]:
    data = tomllib.loads((reference_dir() / "knowledge.toml").read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    for article in data["article"]:
        counts.update(w.casefold() for w in re.findall(r"[^\W\d_]{2,}", article["body"]))
    vocab = counts.most_common()
    return [w for w, _ in vocab], [c for _, c in vocab]


def generate(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    words, weights = words_of_corpus()
    now = datetime.now(UTC)

    def sentence(k: int) -> str:
        chosen = rnd.choices(words, weights, k=k)
        return " ".join(chosen).capitalize() + "."

    rows = []
    for i in range(n):
        title = sentence(rnd.randint(3, 7)).rstrip(".")
        paragraphs = [f"# {title}"]
        for _ in range(rnd.randint(3, 8)):
            if rnd.random() < 0.3:
                paragraphs.append(f"## {sentence(rnd.randint(2, 4)).rstrip('.')}")
            if rnd.random() < 0.4:
                paragraphs.append("\n".join(f"- {sentence(rnd.randint(4, 9))}" for _ in range(3)))
            else:
                paragraphs.append(" ".join(sentence(rnd.randint(6, 16)) for _ in range(3)))
        rows.append(
            {
                "slug": f"bench-{i}",
                "title": title[:300],
                "language": rnd.choice(["ru", "en"]),
                "services": rnd.sample(SERVICES, rnd.randint(0, 2)),
                "groups": rnd.sample(GROUPS, rnd.randint(1, 2)) if rnd.random() < 0.25 else [],
                "tags": rnd.sample(words[:300], 3),
                "body": "\n\n".join(paragraphs),
                "use_count": int(rnd.paretovariate(1.5)) - 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def build(url: str, n: int) -> Store:
    store = open_store(url)
    init_store(store)
    rows = generate(n)
    started = time.perf_counter()
    with store.write() as s:
        for i in range(0, len(rows), 1000):
            s.execute(insert(m.Article), rows[i : i + 1000])
    took = time.perf_counter() - started
    print(f"  {n:,} articles written and indexed in {took:.1f} s", file=sys.stderr)
    ivanova = agents.resolve(store, "ivanova")
    register(
        store,
        ivanova,
        NewTicket(
            subject="Касса 3: принтер не печатает чек",
            service="pos",
            contact="s.kravchenko@produkty24.example",
        ),
    )
    return store


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(store: Store, runs: int) -> dict[str, list[float]]:
    queries = list(QUERIES)
    for phrase in TYPED:  # as typed: every prefix from 2 characters
        queries += [phrase[:i] for i in range(2, len(phrase) + 1) if not phrase[:i].endswith(" ")]
    key = None
    with store.read() as s:
        key = s.execute(text("SELECT key FROM ticket ORDER BY id DESC LIMIT 1")).scalar_one()
    samples: dict[str, list[float]] = {}
    worst: list[tuple[float, str, str]] = []
    for login in ("ivanova", "morozov"):
        actor = agents.resolve(store, login)
        knowledge.search(store, actor, "warm up")
        for q in queries:
            t = timed(lambda q=q, actor=actor: knowledge.search(store, actor, q), runs)
            samples.setdefault("search", []).extend(t)
            worst.append((statistics.median(t), login, q))
        samples.setdefault("for_ticket", []).extend(
            timed(lambda actor=actor: knowledge.for_ticket(store, actor, key), runs * 4)
        )
    worst.sort(reverse=True)
    print(
        "  slowest queries (median ms): "
        + ", ".join(f"{q!r} as {who} {ms:.1f}" for ms, who, q in worst[:4]),
        file=sys.stderr,
    )
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    print(
        f"{'store':<10} {'what':<11} {'n':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  budget"
    )
    for backend in backends:
        print(f"{backend}:", file=sys.stderr)
        if backend == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='hd-kb-bench-')}/kb.sqlite3"
        else:
            admin = open_store(PG)
            with admin.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
            sep = "&" if "?" in PG else "?"
            url = f"{PG}{sep}options=-csearch_path%3D{SCHEMA}"
        store = build(url, args.articles)
        try:
            for what, values in measure(store, args.runs).items():
                verdict = "PASS" if p95(values) <= BUDGET_MS else "MISS"
                print(
                    f"{backend:<10} {what:<11} {len(values):>6} {statistics.median(values):>10.1f}"
                    f" {p95(values):>8.1f} {max(values):>8.1f}  {BUDGET_MS:.0f} ms {verdict}"
                )
        finally:
            store.dispose()
            if backend == "postgres":
                with admin.engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
