"""Passwords: scrypt hashes that carry their cost, constant-time checks, re-hashing at
login when the cost rises, a login naming nobody costing a hash too, every failure
audited; and when a store starts asking."""

from __future__ import annotations

import hmac
import time

import pytest

from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.services import auth, refusals

PASSWORD = "correct horse battery staple"


def _hash_of(store, login: str) -> str | None:
    from sqlmodel import select

    from helpdesk_tui.store import models as m

    with store.read() as s:
        return s.exec(select(m.Agent.password_hash).where(m.Agent.login == login)).one()


# -- hashing ------------------------------------------------------------------------------


def test_a_hash_carries_its_cost_and_salt_and_checks_the_password():
    encoded = auth.hash_password(PASSWORD)
    assert encoded.startswith(f"$scrypt${auth.PARAMS.text}$")
    assert auth.verify(PASSWORD, encoded)
    assert not auth.verify(PASSWORD + "!", encoded)
    assert not auth.verify("", encoded)
    assert auth.hash_password(PASSWORD) != encoded  # a fresh salt every time


@pytest.mark.parametrize("bad", ["", "plain", "$scrypt$ln=99,r=8,p=1$c2FsdA$aGFzaA", "$2b$12$x"])
def test_anything_but_a_hash_of_ours_never_verifies(bad):
    assert not auth.verify(PASSWORD, bad)
    assert auth.needs_rehash(bad)


def test_the_default_cost_is_memory_hard():
    """OWASP's scrypt minimum: N=2^16 with r=8 — 64 MiB per check."""
    default = auth.Params()
    assert 128 * default.r * (1 << default.ln) >= 64 * 2**20


def test_hashes_are_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    encoded = auth.hash_password(PASSWORD)
    assert not auth.verify("wrong", encoded)
    assert len(calls) == 1


def test_a_login_naming_nobody_spends_a_hash_like_a_real_one(store, monkeypatch):
    """Timing does not tell whether a login exists: at a measurable cost, an unknown
    login takes as long as a wrong password."""
    monkeypatch.setattr(auth, "PARAMS", auth.Params(ln=12, r=8, p=1))  # ~10 ms a hash
    auth.set_first_password(store, "admin", PASSWORD)

    def took(login: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(NotAllowed, match="wrong login or password"):
                auth.login(store, login, "not it at all")
            best = min(best, time.perf_counter() - start)
        return best

    hashing = min(_timed(lambda: auth.hash_password("x")) for _ in range(3))
    assert took("nobody") >= 0.7 * hashing
    assert took("admin") >= 0.7 * hashing


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 8"),
        ("x" * 1025, "at most 1024"),
        ("admin", "at least 8"),
        ("Administrator", ""),
        ("two\nlines!", "one line"),
    ],
)
def test_the_password_policy(password, problem):
    if problem:
        with pytest.raises(Invalid, match=problem):
            auth.check_policy(password, "admin")
    else:
        auth.check_policy(password, "admin")
    with pytest.raises(Invalid, match="not the login"):
        auth.check_policy("ivanova1234", "ivanova1234")


# -- logging in ---------------------------------------------------------------------------


def test_a_store_asks_once_any_agent_has_a_password(store, actor_of):
    assert not auth.password_required(store)
    assert auth.first_password_for(store, "admin")
    assert not auth.first_password_for(store, "ivanova")  # the first one is an admin's
    auth.set_first_password(store, "admin", PASSWORD)
    assert auth.password_required(store)
    assert not auth.first_password_for(store, "admin")
    with pytest.raises(NotAllowed, match="an admin already has a password"):
        auth.set_first_password(store, "admin", "an attacker's password")
    (row,) = refusals.recent(store)
    assert (row.login, row.action) == ("admin", "agent.password")


def test_login_checks_the_password_and_audits_every_failure(store, actor_of):
    auth.set_first_password(store, "admin", PASSWORD)
    admin = auth.login(store, "admin", PASSWORD)
    assert (admin.login, admin.role) == ("admin", "admin")
    for login, password in (("admin", "guess guess"), ("nobody", PASSWORD)):
        with pytest.raises(NotAllowed, match=r"^wrong login or password$"):
            auth.login(store, login, password)
    with pytest.raises(NotAllowed, match="ivanova has no password yet"):
        auth.login(store, "ivanova", PASSWORD)
    rows = refusals.recent(store)
    assert [(r.login, r.action, r.reason.split(":")[0]) for r in rows] == [
        ("ivanova", "login", "ivanova has no password yet"),
        ("nobody", "login", "no such agent"),
        ("admin", "login", "wrong password"),
    ]


def test_an_inactive_agent_cannot_log_in(store, actor_of):
    from helpdesk_tui.services import agents

    admin = actor_of("admin")
    auth.set_password(store, admin, "petrov", PASSWORD)
    agents.set_active(store, admin, "petrov", False)
    with pytest.raises(NotAllowed, match="petrov is inactive"):
        auth.login(store, "petrov", PASSWORD)
    with pytest.raises(NotAllowed, match="wrong login or password"):
        auth.login(store, "petrov", "a wrong password")  # not told to a stranger
    with pytest.raises(NotAllowed, match="petrov is inactive"):
        agents.resolve(store, "petrov")  # a store without passwords: refused, and audited
    assert [r.action for r in refusals.recent(store)] == ["login"] * 3


def test_a_raised_cost_rehashes_at_the_next_login(store, monkeypatch):
    auth.set_first_password(store, "admin", PASSWORD)
    old = _hash_of(store, "admin")
    monkeypatch.setattr(auth, "PARAMS", auth.Params(ln=5, r=8, p=1))
    assert auth.needs_rehash(old)
    auth.login(store, "admin", PASSWORD)
    new = _hash_of(store, "admin")
    assert new != old and new.startswith("$scrypt$ln=5,r=8,p=1$")
    assert not auth.needs_rehash(new)
    auth.login(store, "admin", PASSWORD)
    assert _hash_of(store, "admin") == new  # nothing to do the second time


def test_passwords_are_set_by_their_owner_or_an_admin(store, actor_of):
    admin, ivanova = actor_of("admin"), actor_of("ivanova")
    auth.set_password(store, admin, "ivanova", PASSWORD)
    with pytest.raises(NotAllowed, match="only for themselves"):
        auth.set_password(store, ivanova, "petrov", "another long password")
    with pytest.raises(NotAllowed, match="current password is wrong"):
        auth.set_password(store, ivanova, "ivanova", "another long password", current="x")
    auth.set_password(store, ivanova, "ivanova", "another long password", current=PASSWORD)
    assert auth.login(store, "ivanova", "another long password").login == "ivanova"
    auth.set_password(store, admin, "ivanova", "reset by the admin")  # no current needed
    assert auth.login(store, "ivanova", "reset by the admin").login == "ivanova"
