"""Passwords: who may log in to a shared store, and how their passwords are kept.

**Hashing.** scrypt (`hashlib.scrypt`, memory-hard, in the standard library) with a random
16-byte salt, stored as a PHC string that carries its own parameters:
`$scrypt$ln=16,r=8,p=2$<salt>$<hash>` (base64 without padding; N = 2^ln). The cost is
OWASP's (N=2^16, r=8, p=2: 64 MiB, about half a second here) and lives in `PARAMS`: when
it is raised, each password is re-hashed with the new cost at its next successful login.
Hashes are compared with `hmac.compare_digest` (constant time), and a login that names
nobody still pays for one hash, so timing tells nothing.

**When a password is required.** A store is *shared* — and every agent must give their
password — once any agent in it has a password, on PostgreSQL and SQLite alike: set the
first admin's password and from then on the store asks everybody. A store with no
passwords (a private SQLite file, a fresh team database being set up) asks nobody:
whoever can open it is its owner. The decision is the store's, never a client's setting,
so no config file can turn it off.

**The first password** of a shared store: while no active admin has a password, an
admin's password may be set without logging in (`helpdesk agent passwd admin`): whoever
holds the database's credentials sets up the desk. From then on, agents set their own
(giving the current one) and admins set anybody's.

What this guards: who an agent is and what their role lets them do through helpdesk.
What it does not: somebody holding the database's own credentials can change the
database directly; give agents their own database login where that matters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, update
from sqlmodel import select

from helpdesk_tui.domain.errors import Invalid, NotAllowed, NotFound
from helpdesk_tui.domain.permissions import LOGIN
from helpdesk_tui.domain.vocab import Role
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.services.agents import Actor, actor_from_row, log_change
from helpdesk_tui.services.refusals import guarded, record
from helpdesk_tui.services.ticket_core import utcnow
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store

MIN_LENGTH = 8
MAX_LENGTH = 1024
SALT_BYTES = 16
HASH_BYTES = 32
WRONG = N_("wrong login or password")  # translated where raised


@dataclass(frozen=True)
class Params:
    """scrypt's cost: N = 2**ln (memory and time), r (block size), p (parallel lanes)."""

    ln: int = 16
    r: int = 8
    p: int = 2

    @property
    def text(self) -> str:
        return f"ln={self.ln},r={self.r},p={self.p}"

    @property
    def maxmem(self) -> int:
        return 2 * 128 * self.r * ((1 << self.ln) + self.p) + (1 << 20)


PARAMS = Params()
"""The cost new hashes get. Raise it and old hashes are upgraded at the next login."""

_PHC = re.compile(
    r"^\$scrypt\$ln=(?P<ln>\d{1,2}),r=(?P<r>\d{1,3}),p=(?P<p>\d{1,3})"
    r"\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<hash>[A-Za-z0-9+/]+)$"
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, params: Params) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=1 << params.ln,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=HASH_BYTES,
    )


def hash_password(password: str, params: Params | None = None) -> str:
    """A new PHC string for `password` with a fresh salt."""
    params = params or PARAMS
    salt = os.urandom(SALT_BYTES)
    return f"$scrypt${params.text}${_b64(salt)}${_b64(_scrypt(password, salt, params))}"


def parse(encoded: str) -> tuple[Params, bytes, bytes]:
    match = _PHC.match(encoded or "")
    if match is None:
        raise ValueError("not a helpdesk scrypt hash")
    params = Params(int(match["ln"]), int(match["r"]), int(match["p"]))
    if not (1 <= params.ln <= 24 and 1 <= params.r <= 64 and 1 <= params.p <= 64):
        raise ValueError("scrypt parameters out of range")
    return params, _unb64(match["salt"]), _unb64(match["hash"])


def verify(password: str, encoded: str) -> bool:
    """Whether `password` matches `encoded`, compared in constant time."""
    try:
        params, salt, expected = parse(encoded)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, params), expected)


def needs_rehash(encoded: str, params: Params | None = None) -> bool:
    """Whether `encoded` was made with other parameters than those in force."""
    try:
        return parse(encoded)[0] != (params or PARAMS)
    except ValueError:
        return True


def _waste_a_hash(password: str) -> None:
    """Spend exactly what a real check costs (one scrypt at the cost in force, one
    comparison), so a missing agent or password is not told by time."""
    hmac.compare_digest(_scrypt(password, bytes(SALT_BYTES), PARAMS), bytes(HASH_BYTES))


def check_policy(password: str, login: str = "") -> str:
    if len(password) < MIN_LENGTH:
        raise Invalid(
            _("a password has at least {MIN_LENGTH} characters").format(MIN_LENGTH=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            _("a password has at most {MAX_LENGTH} characters").format(MAX_LENGTH=MAX_LENGTH)
        )
    if login and password.strip().casefold() == login.casefold():
        raise Invalid(_("a password is not the login"))
    if any(ch in password for ch in "\r\n\x00"):
        raise Invalid(_("a password is one line"))
    return password


# -- whether a store asks ---------------------------------------------------------------------


def _has_agents_table(store: Store) -> bool:
    return inspect(store.engine).has_table("agent")


def password_required(store: Store) -> bool:
    """Once any agent has a password (see the module's doc)."""
    if not _has_agents_table(store):
        return False
    with store.read() as s:
        one = s.exec(select(m.Agent.id).where(m.Agent.password_hash.is_not(None)).limit(1))
        return one.first() is not None


def first_password_for(store: Store, login: str) -> bool:
    """Whether `login`'s password would be the desk's first admin password (set without
    logging in): no active admin has one yet, and `login` is an active admin."""
    if not _has_agents_table(store):
        return False
    with store.read() as s:
        agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
        ok = agent is not None and agent.role == Role.ADMIN and agent.active
        return ok and _first_admin_pending(s)


def _first_admin_pending(s) -> bool:
    return (
        s.exec(
            select(m.Agent.id).where(
                m.Agent.role == Role.ADMIN, m.Agent.active, m.Agent.password_hash.is_not(None)
            )
        ).first()
        is None
    )


# -- logging in -------------------------------------------------------------------------------


def login(store: Store, login: str, password: str, *, now: datetime | None = None) -> Actor:
    """The agent `login` after checking their password; every failure is audited."""
    if not login:
        raise Invalid(_("who is acting? give --as LOGIN (or set `login` in the config file)"))
    with store.read() as s:
        agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
        stored = agent.password_hash if agent is not None else None
    if agent is None:
        _waste_a_hash(password)
        _refuse_login(store, None, login, "", "no such agent")
        raise NotAllowed(_(WRONG))  # the same words as a wrong password: logins are not told
    if stored is None:
        _waste_a_hash(password)
        reason = _(
            "{login} has no password yet: an admin sets one with `helpdesk agent passwd {login}`"
        ).format(login=login)
        _refuse_login(store, agent, login, agent.role, reason)
        raise NotAllowed(reason)
    if not verify(password, stored):
        _refuse_login(store, agent, login, agent.role, "wrong password")
        raise NotAllowed(_(WRONG))
    if not agent.active:  # told only to somebody who knows the password
        reason = _("agent {login} is inactive and can do nothing").format(login=login)
        _refuse_login(store, agent, login, agent.role, reason)
        raise NotAllowed(reason)
    values: dict = {"last_seen_at": now or utcnow()}
    if needs_rehash(stored):
        values["password_hash"] = hash_password(password)
    with store.write() as s:
        # only if nobody changed the password meanwhile
        s.execute(
            update(m.Agent)
            .where(m.Agent.id == agent.id, m.Agent.password_hash == stored)
            .values(**values)
        )
        return actor_from_row(s, agent)


def _refuse_login(store: Store, agent: m.Agent | None, login: str, role: str, reason: str) -> None:
    record(
        store,
        agent_id=agent.id if agent is not None else None,
        login=login,
        role=role,
        action=LOGIN,
        reason=reason,
    )


# -- setting passwords ------------------------------------------------------------------------


@guarded("agent.password")
def set_password(
    store: Store,
    actor: Actor,
    login: str,
    password: str,
    *,
    current: str | None = None,
) -> None:
    """Set `login`'s password: one's own (giving the current one, if there is one), or
    anybody's as an admin. The first password set makes the store ask everybody."""
    check_policy(password, login)
    with store.write() as s:
        agent = _agent(s, login)
        own = agent.id == actor.id and agent.password_hash is not None
        if own and (current is None or not verify(current, agent.password_hash)):
            raise NotAllowed(_("the current password is wrong"))
        _set_hash(s, actor, agent, hash_password(password))


def set_first_password(store: Store, login: str, password: str) -> None:
    """The desk's first admin password, set by whoever holds the store's credentials;
    refused (and audited) once any active admin has one."""
    check_policy(password, login)
    problem = None
    with store.write() as s:
        agent = _agent(s, login)
        if not _first_admin_pending(s):
            problem = _("an admin already has a password: log in as an admin to set others")
        elif agent.role != Role.ADMIN or not agent.active:
            problem = _("{login} is not an active admin: the first password is an admin's").format(
                login=login
            )
        else:
            _set_hash(s, None, agent, hash_password(password))
    if problem is not None:
        record(store, agent_id=None, login=login, role="", action="agent.password", reason=problem)
        raise NotAllowed(problem)


def _agent(s, login: str) -> m.Agent:
    agent = s.exec(select(m.Agent).where(m.Agent.login == login)).first()
    if agent is None:
        raise NotFound(
            _("no agent with login {login!r}: see `helpdesk agent list`").format(login=login)
        )
    return agent


def _set_hash(s, actor: Actor | None, agent: m.Agent, encoded: str) -> None:
    s.execute(update(m.Agent).where(m.Agent.id == agent.id).values(password_hash=encoded))
    first = "the desk's first admin password, set without logging in"
    log_change(s, actor, agent, "password", "set" if actor is not None else first)
