"""The process context of the multi-process trust tests.

Forkserver: the server imports the package and the workers' modules once, and every agent
or writer is forked from it in milliseconds. The server starts once per test run, with
the preload list it was given first, so every test names both modules."""

from __future__ import annotations

import multiprocessing as mp

PRELOAD = ["tests.trust._soak_worker", "tests.trust._crash_writer"]


def forkserver():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
