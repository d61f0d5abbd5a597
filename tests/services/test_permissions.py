"""Every action of the permission table, by every role, through the real service, on both
stores: allowed exactly where the table says, refused everywhere else — and a refusal
writes one `refusal` row and changes nothing else in the store.

The cast: the dispatcher ivanova, the engineer volkov (l2-hardware, the test ticket's
group), the engineer petrov (l2-software: the ticket is outside his groups), the
supervisor sokolova (line 1: supervisors reach every ticket), the admin. The ticket is a
receipt-printer call registered by ivanova, routed to l2-hardware and held by lebedev.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update

from helpdesk_tui.domain import permissions
from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.domain.permissions import Access
from helpdesk_tui.services import (
    agents,
    auth,
    board,
    cards,
    customer_csv,
    drafts,
    escalation,
    knowledge,
    macros,
    marked,
    mass_incident,
    plan_change,
    refusals,
    reports,
    setup,
    templates,
    ticket_views,
)
from helpdesk_tui.services import ticket_actions as act
from helpdesk_tui.services.agents import Actor
from helpdesk_tui.store import models as m
from helpdesk_tui.store.db import Store
from tests.services._helpers import FRI_10, new_ticket
from tests.services.snapshot import everything_but_refusals, refusal_count

CAST = (
    ("dispatcher", "ivanova", False),
    ("engineer", "volkov", False),
    ("engineer outside the ticket's groups", "petrov", True),
    ("supervisor", "sokolova", False),
    ("admin", "admin", False),
)


class Desk:
    """The store and its agents, resolved once (as a running application holds them)."""

    def __init__(self, store: Store):
        self.store = store
        self._actors: dict[str, Actor] = {}

    def __call__(self, login: str) -> Actor:
        if login not in self._actors:
            self._actors[login] = agents.resolve(self.store, login)
        return self._actors[login]

    def ticket(self) -> str:
        """A fresh receipt-printer ticket in l2-hardware, held by lebedev."""
        done = new_ticket(self.store, self("ivanova"), now=FRI_10)
        if done.assignee != "lebedev":
            act.assign(self.store, self("admin"), done.key, "lebedev", now=FRI_10)
        return done.key

    def resolved(self) -> str:
        key = self.ticket()
        act.resolve(self.store, self("lebedev"), key, "Replaced the paper roll.", now=FRI_10)
        return key


@dataclass(frozen=True)
class Case:
    """How to take one action: `prepare` sets the stage (as other agents) and returns what
    `do` needs; `do` takes the action as the actor under test."""

    prepare: Callable[[Desk], Any]
    do: Callable[[Store, Actor, Any], Any]
    on_ticket: bool = True  # a GROUP cell refuses the engineer outside the ticket's groups
    on_other_agent: bool = False  # a SELF cell refuses acting on somebody else


def _queued(d: Desk) -> str:
    key = d.ticket()
    act.assign(d.store, d("admin"), key, None, now=FRI_10)
    return key


def _closed(d: Desk) -> str:
    key = d.resolved()
    act.confirm(d.store, d("admin"), key, now=FRI_10)
    return key


def _two(d: Desk) -> tuple[str, str]:
    return d.ticket(), d.ticket()


def _child(d: Desk) -> str:
    parent, child = _two(d)
    mass_incident.attach(d.store, d("admin"), parent, [child])
    return child


def _article(d: Desk) -> str:
    article = knowledge.ArticleInput("Receipt printer jams", "Open the lid, pull the roll out.")
    return knowledge.save(d.store, d("admin"), article).slug


def _none(d: Desk) -> None:
    return None


_codes = itertools.count(1)


CASES: dict[str, Case] = {
    "ticket.register": Case(_none, lambda s, a, _: new_ticket(s, a, now=FRI_10), on_ticket=False),
    "ticket.take": Case(_queued, lambda s, a, k: act.take(s, a, k, now=FRI_10)),
    "ticket.assign": Case(Desk.ticket, lambda s, a, k: act.assign(s, a, k, "novikova")),
    "ticket.reassign": Case(
        Desk.ticket, lambda s, a, k: act.reassign_to_agent(s, a, k, "novikova")
    ),
    "ticket.escalate": Case(
        Desk.ticket,
        lambda s, a, k: escalation.escalate(
            s, a, k, "l3-experts", "Cleaned the head and changed the roll: still jams."
        ),
    ),
    "ticket.supervisor": Case(
        Desk.ticket, lambda s, a, k: escalation.tell_supervisor(s, a, k, "Third call today")
    ),
    "ticket.reply": Case(Desk.ticket, lambda s, a, k: act.reply(s, a, k, "We are on it.")),
    "ticket.note": Case(Desk.ticket, lambda s, a, k: act.note(s, a, k, "Asked the vendor.")),
    "ticket.status": Case(Desk.ticket, lambda s, a, k: act.set_status(s, a, k, "in_progress")),
    "ticket.resolve": Case(Desk.ticket, lambda s, a, k: act.resolve(s, a, k, "New roll.")),
    "ticket.confirm": Case(Desk.resolved, lambda s, a, k: act.confirm(s, a, k)),
    "ticket.rate": Case(_closed, lambda s, a, k: act.rate(s, a, k, 5)),
    "ticket.close": Case(Desk.resolved, lambda s, a, k: act.close(s, a, k)),
    "ticket.reopen": Case(Desk.resolved, lambda s, a, k: act.reopen(s, a, k, "Jams again.")),
    "ticket.cancel": Case(Desk.ticket, lambda s, a, k: act.cancel(s, a, k, "A duplicate.")),
    "ticket.priority": Case(Desk.ticket, lambda s, a, k: act.change_priority(s, a, k, 1, 1)),
    "ticket.plan": Case(Desk.ticket, lambda s, a, k: plan_change.change_plan(s, a, k, "gold")),
    "ticket.time": Case(Desk.ticket, lambda s, a, k: act.log_time(s, a, k, 15)),
    "ticket.read": Case(Desk.ticket, lambda s, a, k: ticket_views.read(s, a, k)),
    "ticket.link": Case(_two, lambda s, a, kk: act.link(s, a, kk[0], kk[1], "related")),
    "ticket.bulk": Case(
        _none,
        lambda s, a, _: marked.apply(
            s, a, ["HD-999999"], marked.Change("priority", impact=1, urgency=1)
        ),
        on_ticket=False,  # the gate; each marked ticket is then checked on its own
    ),
    "ticket.make_parent": Case(_two, lambda s, a, kk: mass_incident.attach(s, a, kk[0], [kk[1]])),
    "ticket.exclude_child": Case(_child, lambda s, a, k: mass_incident.set_excluded(s, a, k, True)),
    "draft.save": Case(Desk.ticket, lambda s, a, k: drafts.save(s, a, "reply", k, "Half a")),
    "agent.shift": Case(
        _none,
        lambda s, a, _: agents.set_on_shift(s, a, "novikova", False),
        on_ticket=False,
        on_other_agent=True,
    ),
    "agent.password": Case(
        _none,
        lambda s, a, _: auth.set_password(s, a, "novikova", "correct horse battery"),
        on_ticket=False,
        on_other_agent=True,
    ),
    "agent.activate": Case(
        _none,
        lambda s, a, _: agents.set_active(s, a, "novikova", False),
        on_ticket=False,
        on_other_agent=True,
    ),
    "card.view": Case(
        _none, lambda s, a, _: cards.customer_card(s, a, "produkty24"), on_ticket=False
    ),
    "customer.import": Case(
        _none,
        lambda s, a, _: customer_csv.import_csv(
            s, a, "customers", b"code,name\nperm-test,Permission Test\n"
        ),
        on_ticket=False,
    ),
    "customer.export": Case(
        _none,
        lambda s, a, _: customer_csv.export_csv(s, a, "customers", io.StringIO()),
        on_ticket=False,
    ),
    "board.view": Case(_none, lambda s, a, _: board.board(s, actor=a), on_ticket=False),
    "report.view": Case(
        _none, lambda s, a, _: reports.report(s, "group", actor=a), on_ticket=False
    ),
    "audit.view": Case(_none, lambda s, a, _: refusals.list_refusals(s, a), on_ticket=False),
    "kb.write": Case(
        _none,
        lambda s, a, _: knowledge.save(
            s, a, knowledge.ArticleInput("Printer", "Check the paper first.")
        ),
        on_ticket=False,
    ),
    "kb.delete": Case(_article, lambda s, a, slug: knowledge.delete(s, a, slug), on_ticket=False),
    "template.write": Case(
        lambda d: f"test-thanks-{next(_codes)}",
        lambda s, a, code: templates.save(
            s, a, templates.TemplateInput(code, "Thanks", "Thank you, {{contact.name}}."), new=True
        ),
        on_ticket=False,
    ),
    "macro.edit": Case(
        lambda d: f"test-macro-{next(_codes)}",
        lambda s, a, code: macros.save(
            s, a, macros.MacroInput(code, "Take it", "take = true"), new=True
        ),
        on_ticket=False,
    ),
    "desk.load_data": Case(
        _none,
        lambda s, a, _: setup.load_data(s, setup.reference_dir(), actor=a),
        on_ticket=False,
    ),
    "desk.upgrade": Case(_none, lambda s, a, _: setup.upgrade(s, actor=a), on_ticket=False),
}


def expected_allowed(action: str, role: str, outside: bool) -> bool:
    """What the table says for the cast member."""
    case = CASES[action]
    cell = permissions.access(role, action)
    if cell == Access.NO:
        return False
    if cell == Access.GROUP and outside and case.on_ticket:
        return False
    return not (cell == Access.SELF and case.on_other_agent)


def test_every_action_of_the_table_has_a_case():
    assert set(CASES) == set(permissions.TABLE)


def _outcome(store: Store, case: Case, actor: Actor, staged: Any) -> tuple[bool, str]:
    try:
        case.do(store, actor, staged)
    except NotAllowed as exc:
        return False, str(exc)
    return True, ""


@pytest.mark.parametrize("action", list(CASES))
def test_each_role_may_do_exactly_what_the_table_says(store, action):
    case = CASES[action]
    d = Desk(store)
    wrong: list[str] = []
    for who, login, outside in CAST:
        role = d(login).role
        want = expected_allowed(action, role, outside)
        staged = case.prepare(d)
        before = None if want else everything_but_refusals(store)
        refused_before = refusal_count(store)
        allowed, why = _outcome(store, case, d(login), staged)
        if allowed != want:
            wrong.append(f"{who} {login}: {'allowed' if allowed else 'refused: ' + why}")
            continue
        if not allowed:
            assert refusal_count(store) == refused_before + 1, (who, action)
            assert everything_but_refusals(store) == before, f"{who}: a refusal changed things"
            (last,) = refusals.recent(store, limit=1)
            assert (last.login, last.role, last.action) == (login, role, action)
            assert last.reason == why
        else:
            assert refusal_count(store) == refused_before, (who, action)
    assert not wrong, f"{action}: not as the table says: {wrong}"


@pytest.mark.parametrize("action", list(CASES))
def test_an_inactive_agent_can_do_nothing(store, action):
    """The admin may do everything — until deactivated: then nothing, from the very next
    action (the actor was resolved before, as an open application holds it)."""
    case = CASES[action]
    d = Desk(store)
    admin = d("admin")
    staged = case.prepare(d)
    with store.write() as s:
        s.execute(update(m.Agent).where(m.Agent.login == "admin").values(active=False))
    before, refused_before = everything_but_refusals(store), refusal_count(store)
    with pytest.raises(NotAllowed, match="agent admin is inactive and can do nothing"):
        case.do(store, admin, staged)
    assert refusal_count(store) == refused_before + 1
    assert everything_but_refusals(store) == before


def test_self_cells_let_agents_act_on_themselves(store):
    d = Desk(store)
    volkov = d("volkov")
    agents.set_on_shift(store, volkov, "volkov", False)
    auth.set_password(store, volkov, "volkov", "my own long password")
    assert refusal_count(store) == 0
    with pytest.raises(NotAllowed, match="the current password is wrong"):
        auth.set_password(store, volkov, "volkov", "another long password", current="guess")
    auth.set_password(
        store, volkov, "volkov", "another long password", current="my own long password"
    )
    assert refusal_count(store) == 1


def test_an_engineer_acts_on_a_ticket_they_hold_outside_their_groups(store):
    """Escalated away from petrov's group yet still his (as the board can leave it): his."""
    d = Desk(store)
    key = d.ticket()
    with store.write() as s:
        petrov_id = s.exec(m.Agent.__table__.select().where(m.Agent.login == "petrov")).one().id
        s.execute(update(m.Ticket).where(m.Ticket.key == key).values(assignee_id=petrov_id))
    act.note(store, d("petrov"), key, "Looked at it remotely.")
    with pytest.raises(NotAllowed, match="which smirnov is not in"):
        act.note(store, d("smirnov"), key, "Me too.")  # l2-software, not holding it


def test_a_role_changed_meanwhile_counts_from_the_next_action(store):
    """The role in force is the stored one, not the one the application started with."""
    d = Desk(store)
    sokolova = d("sokolova")
    board.board(store, actor=sokolova)
    with store.write() as s:
        s.execute(update(m.Agent).where(m.Agent.login == "sokolova").values(role="dispatcher"))
    with pytest.raises(NotAllowed, match="a dispatcher may not open the supervisor board"):
        board.board(store, actor=sokolova)
