"""Who may do what: one table of actions × roles, the only place it is written down.

Every service that acts calls one check with the action's name before it does anything
(`services.refusals.guarded`), and the README's "Who may do what" is generated from
`markdown_table()` (a test keeps the two equal). A cell says how far a role reaches:

- `ANY`: on every ticket (or agent);
- `GROUP`: on the tickets of the agent's own groups and on tickets they hold;
- `SELF`: only for themselves (their own shift, their own password);
- `NO`: never.

Status changes keep their own table, `workflow.TRANSITIONS`: `ticket.status` only lets a
role into the workflow, which then says which moves it may make. The rows that *are*
transitions — resolve, confirm, close, reopen, cancel — are computed from that table, so
the two can never disagree.

Besides the agent roles, three actors change tickets: the *customer* (by mail), the
*system* (the SLA timer) and a *rule* (`data/rules.toml`, written by whoever may load the
desk's data). They have no role row; `Rule.others` names what they may do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from helpdesk_tui.domain.errors import NotAllowed
from helpdesk_tui.domain.vocab import Role, role_subject
from helpdesk_tui.domain.workflow import (
    CUSTOMER,
    RULE,
    SYSTEM,
    TRANSITIONS,
    Status,
    check_transition,
)
from helpdesk_tui.i18n import N_, _


class Access(StrEnum):
    ANY = "any"
    GROUP = "group"
    SELF = "self"
    NO = "no"


ROLES: tuple[Role, ...] = (Role.DISPATCHER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
OTHERS: tuple[str, ...] = (CUSTOMER, SYSTEM, RULE)

LOGIN = "login"
"""Not an action of the table: the name a failed login is audited under."""


@dataclass(frozen=True)
class Rule:
    action: str
    title: str  # "Take a ticket from a queue": the README's words, and the refusal's
    access: Mapping[str, Access]  # per agent role
    others: frozenset[str] = frozenset()  # customer / system, when they may too
    note: str = ""
    area: str = "Tickets"
    moves: tuple[tuple[Status | None, Status], ...] = ()  # a workflow move: its cells come
    # from TRANSITIONS, and a refusal on a ticket is the workflow's own (`check_transition`)

    def of(self, role: str) -> Access:
        return self.access.get(role, Access.NO)


def _cells(d: Access, e: Access, s: Access, a: Access) -> dict[str, Access]:
    return dict(zip(ROLES, (d, e, s, a), strict=True))


Y, G, ME, N = Access.ANY, Access.GROUP, Access.SELF, Access.NO
ALL_GROUP = _cells(Y, G, Y, Y)  # what every agent may do; engineers on their groups' tickets
BOSSES = _cells(N, N, Y, Y)


def _by_workflow(*moves: tuple[Status | None, Status]) -> tuple[dict[str, Access], frozenset]:
    """The cells of an action that is a move of the workflow (`None`: from any status).

    A role may take the action when the workflow lets it make at least one of the moves;
    engineers only on their groups' tickets, like every ticket action."""
    allowed: set[str] = set()
    for (src, dst), roles in TRANSITIONS.items():
        if any(dst == d and src == (s if s is not None else src) for s, d in moves):
            allowed |= roles
    cells = {
        role: (N if role not in allowed else G if role == Role.ENGINEER else Y) for role in ROLES
    }
    return cells, frozenset(allowed & set(OTHERS))


def _workflow_rule(action: str, title: str, *moves, note: str = "", **kw) -> Rule:
    cells, others = _by_workflow(*moves)
    return Rule(action, title, cells, kw.pop("others", others), note, moves=moves, **kw)


def _closed_reopeners() -> str:
    roles = sorted(TRANSITIONS.get((Status.CLOSED, Status.REOPENED), ()))
    return f"a closed ticket: {' and '.join(roles)} only (workflow)"


RULES: tuple[Rule, ...] = (
    # -- tickets ---------------------------------------------------------------------------
    Rule(
        "ticket.register",
        N_("Register a call (and solve it on first contact)"),
        _cells(Y, Y, Y, Y),
        frozenset({CUSTOMER}),
        "engineers too: callers reach them directly; the customer by mail",
    ),
    Rule(
        "ticket.read",
        N_("Read a ticket: its fields, timeline and links"),
        _cells(Y, Y, Y, Y),
        note="every agent reads every ticket: duplicates, mass incidents and what a colleague "
        "tried need the whole desk; only the agent's standing is checked",
    ),
    Rule("ticket.take", N_("Take a ticket from a queue"), ALL_GROUP),
    Rule(
        "ticket.assign",
        N_("Assign a ticket to an agent of its group, or back to the queue"),
        ALL_GROUP,
        frozenset({RULE}),
        note="engineers within the ticket's group; others also to another group of its line",
    ),
    Rule(
        "ticket.reassign",
        N_("Move a ticket to another agent's group from the board"),
        BOSSES,
    ),
    Rule(
        "ticket.escalate",
        N_("Escalate or de-escalate a ticket to another line or group"),
        ALL_GROUP,
        frozenset({RULE}),
        note="with a note of what was tried",
    ),
    Rule("ticket.supervisor", N_("Tell a supervisor about a ticket"), ALL_GROUP, frozenset({RULE})),
    Rule("ticket.reply", N_("Reply to the customer"), ALL_GROUP, note="mailed to the contact"),
    Rule(
        "ticket.note",
        N_("Add an internal note"),
        ALL_GROUP,
        frozenset({RULE}),
        note="never mailed to the customer",
    ),
    Rule(
        "ticket.status",
        N_("Change a ticket's status"),
        ALL_GROUP,
        frozenset({CUSTOMER, SYSTEM, RULE}),
        "which moves each role may make: the workflow table (`domain/workflow.py`)",
    ),
    _workflow_rule(
        "ticket.resolve", N_("Resolve a ticket"), *[(None, Status.RESOLVED)], note="workflow"
    ),
    _workflow_rule(
        "ticket.confirm",
        N_("Confirm a resolution for the customer"),
        (Status.RESOLVED, Status.CLOSED),
        others=frozenset({CUSTOMER}),
        note="closes it; workflow",
    ),
    Rule(
        "ticket.rate",
        N_("Record the customer's satisfaction rating"),
        _cells(Y, N, Y, Y),
        frozenset({CUSTOMER}),
        "engineers do not rate their own work",
    ),
    _workflow_rule(
        "ticket.close",
        N_("Close a resolved ticket without the customer's answer"),
        (Status.RESOLVED, Status.CLOSED),
        others=frozenset({SYSTEM}),
        note="the system after the configured business days; workflow",
    ),
    _workflow_rule(
        "ticket.reopen",
        N_("Reopen a ticket"),
        (Status.RESOLVED, Status.REOPENED),
        (Status.CLOSED, Status.REOPENED),
        note=_closed_reopeners(),
    ),
    _workflow_rule(
        "ticket.cancel",
        N_("Cancel a ticket (a duplicate, a mistake, a withdrawn call)"),
        *[(None, Status.CANCELLED)],
        note="workflow",
    ),
    Rule(
        "ticket.priority", N_("Change a ticket's impact and urgency"), ALL_GROUP, frozenset({RULE})
    ),
    Rule(
        "ticket.plan",
        N_("Change an open ticket's SLA plan"),
        BOSSES,
        note="the new deadlines count the business time already used, pauses excluded",
    ),
    Rule("ticket.time", N_("Log time spent on a ticket"), ALL_GROUP),
    Rule("ticket.link", N_("Link tickets (duplicate, mass incident, related)"), ALL_GROUP),
    Rule(
        "ticket.bulk",
        N_("Act on many marked tickets at once"),
        ALL_GROUP,
        note="each ticket is then checked as if changed alone, and audited alone",
    ),
    Rule(
        "ticket.make_parent",
        N_("Make a ticket a mass incident and attach others to it"),
        ALL_GROUP,
        note="resolving the parent resolves its open children",
    ),
    Rule(
        "ticket.exclude_child",
        N_("Leave a child out of (or back in) its mass incident's resolution"),
        ALL_GROUP,
    ),
    Rule(
        "draft.save",
        N_("Keep drafts of one's own text"),
        _cells(ME, ME, ME, ME),
        area="Agents",
        note="an agent's drafts are theirs alone",
    ),
    # -- agents ----------------------------------------------------------------------------
    Rule(
        "agent.shift",
        N_("Mark an agent on or off shift"),
        _cells(ME, ME, Y, Y),
        area="Agents",
    ),
    Rule(
        "agent.password",
        N_("Set an agent's password"),
        _cells(ME, ME, ME, Y),
        area="Agents",
        note="one's own needs the current one",
    ),
    Rule(
        "agent.activate",
        N_("Deactivate or reactivate an agent"),
        _cells(N, N, N, Y),
        area="Agents",
        note="an inactive agent can do nothing",
    ),
    # -- the desk --------------------------------------------------------------------------
    Rule(
        "card.view",
        N_("Read customer, contact, asset and vendor cards"),
        _cells(Y, Y, Y, Y),
        area="Customers",
        note="every ticket of the customer, newest first",
    ),
    Rule(
        "customer.import",
        N_("Import customers, contacts and assets from CSV"),
        BOSSES,
        area="Customers",
        note="a dry run changes nothing; any bad row stops it unless told to skip",
    ),
    Rule(
        "customer.export",
        N_("Export customers, contacts and assets to CSV"),
        BOSSES,
        area="Customers",
        note="contacts' phones and e-mails included",
    ),
    Rule("board.view", N_("Open the supervisor board"), BOSSES, area="Desk"),
    Rule("report.view", N_("Read the KPI reports"), BOSSES, area="Desk"),
    Rule(
        "audit.view",
        N_("Read the audit: refusals, failed logins, changes to agents"),
        BOSSES,
        area="Desk",
    ),
    Rule(
        "kb.write",
        N_("Write and edit knowledge-base articles"),
        _cells(Y, Y, Y, Y),
        area="Desk",
        note="articles of their own groups, or for everybody",
    ),
    Rule("kb.delete", N_("Delete a knowledge-base article"), BOSSES, area="Desk"),
    Rule(
        "template.write",
        N_("Write and edit reply templates"),
        BOSSES,
        area="Desk",
        note="every agent uses them; `data load` keeps the ones edited here",
    ),
    Rule(
        "macro.edit",
        N_("Write, edit and delete macros in the application"),
        BOSSES,
        area="Desk",
        note="every agent runs them; those of `data/macros.toml` are edited in the file",
    ),
    Rule(
        "desk.load_data",
        N_("Load the reference data (lines, services, SLA, agents, templates)"),
        _cells(N, N, N, Y),
        area="Desk",
        note="on a shared store; a private one's owner sets it up",
    ),
    Rule(
        "desk.upgrade",
        N_("Upgrade the store's schema"),
        _cells(N, N, N, Y),
        area="Desk",
        note="on a shared store; a private one upgrades itself",
    ),
)

TABLE: dict[str, Rule] = {rule.action: rule for rule in RULES}

SYSTEM_JOBS: tuple[tuple[str, str], ...] = (
    (
        "helpdesk intake eml|maildir",
        "mail in: new tickets, replies and confirmations, as the customer",
    ),
    ("helpdesk outbox send|list|retry", "mail out: only what the services queued"),
    ("helpdesk sla tick", "at-risk and breach events, auto-close, as the system"),
)
"""What runs as the system (cron, the mail server), with the store's credentials and no
agent login: the customer's and the system's columns above are what these may do."""


def rule(action: str) -> Rule:
    try:
        return TABLE[action]
    except KeyError:
        raise KeyError(f"no action {action!r} in the permission table") from None


def access(role: str, action: str) -> Access:
    """How far `role` reaches with `action` (`NO` for a role the table does not know)."""
    return rule(action).of(role)


def allows(actor_role: str, action: str) -> bool:
    """Whether `actor_role` (an agent role, the customer or the system) may take `action`
    at all; scope (GROUP, SELF) is the caller's to check."""
    r = rule(action)
    if actor_role in OTHERS:
        return actor_role in r.others
    return r.of(actor_role) != Access.NO


def require(
    actor_role: str, action: str, *, own: bool | None = None, status: str | None = None
) -> Access:
    """Raise `NotAllowed` unless `actor_role` may take `action`; return its reach.

    `own`: for actions on an agent, whether the agent is the actor themself (a `SELF`
    cell refuses anybody else). `status`: the ticket's, for a workflow move: the refusal
    is then the workflow's, naming the move."""
    r = rule(action)
    if not allows(actor_role, action):
        if status is not None:
            for src, dst in r.moves:
                if src is None or src == status:
                    check_transition(status, dst, actor_role)
        raise NotAllowed(
            _("{who} may not {action}").format(
                who=role_subject(actor_role), action=_lower(_(r.title))
            )
        )
    level = r.of(actor_role) if actor_role not in OTHERS else Access.ANY
    if level == Access.SELF and own is False:
        raise NotAllowed(
            _("{who} may {action} only for themselves").format(
                who=role_subject(actor_role), action=_lower(_(r.title))
            )
        )
    return level


def _lower(title: str) -> str:
    return title[:1].lower() + title[1:]


# -- the README's table ---------------------------------------------------------------------

CELL = {Access.ANY: "✓", Access.GROUP: "own groups", Access.SELF: "self", Access.NO: "—"}


def markdown_table() -> str:
    """The table as the README shows it, generated from `RULES` (English, like the README)."""
    columns = ["action", "what", *ROLES, *OTHERS, "notes"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    area = None
    for r in RULES:
        if r.area != area:
            area = r.area
            lines.append(f"| **{area}** |" + " |" * (len(columns) - 1))
        cells = [f"`{r.action}`", r.title, *(CELL[r.of(role)] for role in ROLES)]
        cells += ["✓" if other in r.others else "—" for other in OTHERS]
        cells.append(r.note)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown_system_jobs() -> str:
    return "\n".join(f"- `{command}`: {what}" for command, what in SYSTEM_JOBS)


def readme_section() -> str:
    """What the README shows between its permissions markers (a test keeps them equal):
    `python -m helpdesk_tui.domain.permissions` prints it."""
    legend = (
        "✓: on any ticket or agent; *own groups*: on the tickets of the agent's groups and "
        "those they hold; *self*: only their own; —: never. An inactive agent can do nothing."
    )
    return (
        legend
        + "\n\n"
        + markdown_table()
        + "\n\nRun by cron or the mail server as the *system* or for the *customer*, with the "
        "store's credentials and no agent login:\n\n" + markdown_system_jobs()
    )


if __name__ == "__main__":
    print(readme_section())
