"""A maildir from cron: every new message stored once, moved to cur/, the unstorable set
aside with its reason, overlapping runs never storing a message twice."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from helpdesk_tui.services import mail_in
from helpdesk_tui.store.db import open_store
from tests.mail._rows import mail_rows, tickets
from tests.mail.conftest import message


def maildir(root: Path, files: dict[str, bytes]) -> Path:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, raw in files.items():
        (root / "new" / name).write_bytes(raw)
    return root


def listing(root: Path, sub: str) -> list[str]:
    folder = root / sub
    return sorted(os.listdir(folder)) if folder.exists() else []


def variant(n: int) -> bytes:
    """plain.eml as the n-th distinct message."""
    return (
        message("plain")
        .replace(b"<plain-20250314100203.4711@", f"<plain-{n}@".encode())
        .replace(b"does not print", f"does not print ({n})".encode())
    )


def test_every_new_message_is_stored_and_moved_to_cur(store, mail_config, tmp_path):
    box = maildir(
        tmp_path / "Maildir",
        {
            "1710400000.M1P1.mx": message("plain"),
            "1710400001.M2P1.mx": message("html_only"),
            "1710400002.M3P1.mx:2,": message("bulk"),
            "1710400003.M4P1.mx": message("no_sender"),
        },
    )
    (box / "tmp" / "1710400004.M5P1.mx").write_bytes(b"still being delivered")
    batch = mail_in.take_in_maildir(store, box, mail_config)
    assert [(n, r.outcome) for n, r in batch.done] == [
        ("1710400000.M1P1.mx", "created"),
        ("1710400001.M2P1.mx", "created"),
        ("1710400002.M3P1.mx", "ignored"),
    ]
    assert listing(box, "new") == []
    assert listing(box, "cur") == [
        "1710400000.M1P1.mx:2,S",
        "1710400001.M2P1.mx:2,S",
        "1710400002.M3P1.mx:2,S",
    ]
    assert listing(box, "failed") == ["1710400003.M4P1.mx", "1710400003.M4P1.mx.reason"]
    reason = (box / "failed" / "1710400003.M4P1.mx.reason").read_text("utf-8")
    assert "no sender address (From)" in reason
    assert (box / "failed" / "1710400003.M4P1.mx").read_bytes() == message("no_sender")
    assert listing(box, "tmp") == ["1710400004.M5P1.mx"]  # not ours until delivered
    assert batch.set_aside == [("1710400003.M4P1.mx", "the message has no sender address (From)")]
    assert [t.key for t in tickets(store)] == ["HD-1001", "HD-1002"]


def test_a_second_run_finds_nothing_new(store, mail_config, tmp_path):
    box = maildir(tmp_path / "box", {"a": message("plain")})
    mail_in.take_in_maildir(store, box, mail_config)
    again = mail_in.take_in_maildir(store, box, mail_config)
    assert (again.done, again.set_aside) == ([], [])
    assert len(tickets(store)) == 1


def test_the_same_message_delivered_twice_is_stored_once(store, mail_config, tmp_path):
    box = maildir(tmp_path / "box", {"a": message("cp1251"), "b": message("cp1251")})
    batch = mail_in.take_in_maildir(store, box, mail_config)
    assert sorted(r.outcome for _n, r in batch.done) == ["created", "duplicate"]
    assert len(tickets(store)) == 1
    assert listing(box, "cur") == ["a:2,S", "b:2,S"]


def test_two_overlapping_runs_store_each_message_exactly_once(store, mail_config, tmp_path):
    files = {f"17104{n:05d}.M{n}.mx": variant(n) for n in range(12)}
    files |= {f"17105{n:05d}.dup.mx": variant(n) for n in range(0, 12, 3)}  # resent copies
    box = maildir(tmp_path / "box", files)
    barrier = threading.Barrier(2)
    batches: list[mail_in.Batch] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            batches.append(mail_in.take_in_maildir(store, box, mail_config))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    handled = [name for b in batches for name, _r in b.done]
    assert sorted(handled) == sorted(files)  # every file by exactly one run
    outcomes = [r.outcome for b in batches for _n, r in b.done]
    assert outcomes.count("created") == 12 and outcomes.count("duplicate") == 4
    assert len(tickets(store)) == 12 and len(mail_rows(store)) == 12
    assert sorted(t.subject for t in tickets(store)) == sorted(
        f"Receipt printer on cash desk 2 does not print ({n})" for n in range(12)
    )
    assert listing(box, "new") == []
    assert listing(box, "cur") == sorted(f"{name}:2,S" for name in files)


def test_a_claim_left_by_a_run_that_died_is_taken_in_later(store, mail_config, tmp_path):
    box = maildir(tmp_path / "box", {})
    claimed = box / "cur" / "1710400000.M1P1.mx:2,"
    claimed.write_bytes(message("plain"))  # renamed into cur/, then the run was killed
    fresh = mail_in.take_in_maildir(store, box, mail_config)
    assert fresh.done == [] and listing(box, "cur") == ["1710400000.M1P1.mx:2,"]
    time.sleep(0.05)  # (the claim's age is read from the file's times)
    later = mail_in.take_in_maildir(store, box, mail_config, stale_after_s=0)
    assert [r.outcome for _n, r in later.done] == ["created"]
    assert listing(box, "cur") == ["1710400000.M1P1.mx:2,S"]


def test_when_the_store_is_unreachable_the_messages_stay_in_new(mail_config, tmp_path):
    from tests.mail.conftest import free_port

    box = maildir(tmp_path / "box", {"a": message("plain"), "b": message("koi8r")})
    gone = open_store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    batch = mail_in.take_in_maildir(gone, box, mail_config)
    gone.dispose()
    assert batch.stopped.startswith("a: cannot reach the database")
    assert listing(box, "new") == ["a", "b"] and listing(box, "cur") == []
    assert batch.done == [] and batch.set_aside == []


def test_a_directory_that_is_not_a_maildir_is_refused(store, mail_config, tmp_path):
    from helpdesk_tui.domain.errors import Invalid

    with pytest.raises(Invalid, match="is not a maildir"):
        mail_in.take_in_maildir(store, tmp_path, mail_config)


def test_a_bug_sets_the_message_aside_and_the_run_goes_on(
    store, mail_config, tmp_path, monkeypatch
):
    real = mail_in._open

    def broken(joined, s, parsed, *args):
        if "весы" in parsed.subject:
            raise RuntimeError("something nobody foresaw")
        return real(joined, s, parsed, *args)

    monkeypatch.setattr(mail_in, "_open", broken)
    box = maildir(tmp_path / "box", {"a": message("html_only"), "b": message("plain")})
    batch = mail_in.take_in_maildir(store, box, mail_config)
    assert batch.set_aside == [("a", "internal error: RuntimeError: something nobody foresaw")]
    assert [(n, r.outcome) for n, r in batch.done] == [("b", "created")]
    assert listing(box, "failed") == ["a", "a.reason"]
    assert [t.subject for t in tickets(store)] == ["Receipt printer on cash desk 2 does not print"]


def test_a_failure_after_the_files_were_written_leaves_no_file_behind(
    store, mail_config, monkeypatch
):
    real = mail_in._save_attachments

    def then_fail(*args):
        real(*args)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mail_in, "_save_attachments", then_fail)
    with pytest.raises(OSError, match="No space left"):
        mail_in.take_in(store, message("attachments"), mail_config)
    assert tickets(store) == [] and mail_rows(store) == []
    assert [p for p in mail_config.attachments_dir.rglob("*") if p.is_file()] == []
