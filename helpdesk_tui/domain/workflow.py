"""The status workflow: one explicit table of transitions and who may make each.

new → assigned → in progress ⇄ waiting for customer / waiting for vendor → resolved →
closed; resolved → reopened (counted); any open status → cancelled. Besides the agent
roles, three actors change tickets: the *customer* (a reply or a confirmation by mail),
the *system* (the SLA tick closing resolved tickets nobody answered) and a *rule*
(`data/rules.toml`), which routes (assigns, hands back, escalates) but never works a ticket.
"""

from enum import StrEnum

from helpdesk_tui.domain.errors import Invalid, NotAllowed
from helpdesk_tui.domain.vocab import Role, role_subject, status_label
from helpdesk_tui.i18n import _


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    WAITING_VENDOR = "waiting_vendor"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    CANCELLED = "cancelled"


CUSTOMER = "customer"
SYSTEM = "system"
RULE = "rule"

OPEN = frozenset(
    {
        Status.NEW,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.WAITING_VENDOR,
        Status.REOPENED,
    }
)
"""Statuses of a ticket somebody still has to work on (queues, load, SLA)."""

DONE = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})
PAUSED = frozenset({Status.WAITING_CUSTOMER})
"""Statuses that stop the SLA clocks. Waiting for a vendor does not: our promise to the
customer keeps counting while the vendor works."""

_AGENTS = frozenset(Role)
_WORKERS = frozenset({Role.DISPATCHER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN})
_LEADS = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
_BOSSES = frozenset({Role.SUPERVISOR, Role.ADMIN})
_ROUTERS = _AGENTS | {RULE}

S = Status
TRANSITIONS: dict[tuple[Status, Status], frozenset[str]] = {
    # taking or assigning
    (S.NEW, S.ASSIGNED): _ROUTERS,
    (S.REOPENED, S.ASSIGNED): _ROUTERS,
    # handed back to the queue (assigned to nobody, or escalated to another group)
    (S.ASSIGNED, S.NEW): _ROUTERS,
    (S.IN_PROGRESS, S.NEW): _ROUTERS,
    (S.REOPENED, S.NEW): _ROUTERS,
    (S.IN_PROGRESS, S.ASSIGNED): _ROUTERS,  # escalated to a group that offers it to somebody
    # starting work
    (S.NEW, S.IN_PROGRESS): _WORKERS,
    (S.ASSIGNED, S.IN_PROGRESS): _WORKERS,
    (S.REOPENED, S.IN_PROGRESS): _WORKERS,
    # waiting, and back
    **{
        (src, dst): _WORKERS
        for src in (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED)
        for dst in (S.WAITING_CUSTOMER, S.WAITING_VENDOR)
    },
    (S.WAITING_CUSTOMER, S.WAITING_VENDOR): _WORKERS,
    (S.WAITING_VENDOR, S.WAITING_CUSTOMER): _WORKERS,
    (S.WAITING_CUSTOMER, S.IN_PROGRESS): _WORKERS | {CUSTOMER, SYSTEM},
    (S.WAITING_VENDOR, S.IN_PROGRESS): _WORKERS | {SYSTEM},
    # resolving (on first contact too)
    **{
        (src, S.RESOLVED): _WORKERS
        for src in (
            S.NEW,
            S.ASSIGNED,
            S.IN_PROGRESS,
            S.REOPENED,
            S.WAITING_CUSTOMER,
            S.WAITING_VENDOR,
        )
    },
    # after resolution: the customer confirms (or an agent for them), or nobody answers
    (S.RESOLVED, S.CLOSED): _WORKERS | {CUSTOMER, SYSTEM},
    (S.RESOLVED, S.REOPENED): _WORKERS | {CUSTOMER},
    # cancelling: duplicates, mistakes, withdrawn calls
    **{(src, S.CANCELLED): _LEADS for src in OPEN},
    # reopening a closed ticket is a supervisor's decision
    (S.CLOSED, S.REOPENED): _BOSSES,
}
del S


def check_transition(src: str, dst: str, actor_role: str) -> None:
    """Raise `NotAllowed` unless `actor_role` may move a ticket from `src` to `dst`."""
    src_s, dst_s = _known(src), _known(dst)
    roles = TRANSITIONS.get((src_s, dst_s))
    if roles is None:
        raise NotAllowed(
            _("a ticket cannot go from {status} to {new}").format(
                status=status_label(src_s), new=status_label(dst_s)
            )
        )
    if actor_role not in roles:
        raise NotAllowed(
            _("{who} may not move a ticket from {status} to {new}").format(
                who=role_subject(actor_role), status=status_label(src_s), new=status_label(dst_s)
            )
        )


def _known(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise Invalid(
            _("unknown status {value!r}: use one of {Status}").format(
                value=str(value), Status=", ".join(Status)
            )
        ) from None


def allowed_targets(src: str, actor_role: str) -> list[Status]:
    """The statuses `actor_role` may move a ticket in `src` to, in workflow order."""
    return [dst for dst in Status if actor_role in TRANSITIONS.get((Status(src), dst), ())]


def parse_status(text: str) -> Status:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"open": None, "waiting": "waiting_customer", "progress": "in_progress"}
    value = aliases.get(value, value) or ""
    try:
        return Status(value)
    except ValueError:
        raise Invalid(
            _("unknown status {text!r}: use one of {Status}").format(
                text=text, Status=", ".join(Status)
            )
        ) from None
