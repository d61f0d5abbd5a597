"""Routing: which group gets a new ticket, and which agent of it is offered the ticket."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A routing rule; a field left `None` matches anything."""

    group: str
    service: str | None = None
    category: str | None = None
    segment: str | None = None
    site: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Call:
    """What routing looks at in a new ticket."""

    service: str
    category: str | None = None
    segment: str | None = None
    site: str | None = None
    language: str | None = None


def matches(rule: Rule, call: Call) -> bool:
    return all(
        want is None or want == have
        for want, have in (
            (rule.service, call.service),
            (rule.category, call.category),
            (rule.segment, call.segment),
            (rule.site, call.site),
            (rule.language, call.language),
        )
    )


def route(rules: Sequence[Rule], call: Call, default_group: str) -> str:
    """The group of the first rule that matches, else the service's default group."""
    for rule in rules:
        if matches(rule, call):
            return rule.group
    return default_group


@dataclass(frozen=True)
class Candidate:
    login: str
    skills: frozenset[str]
    on_shift: bool
    load: int  # open tickets the agent holds


def pick_agent(candidates: Iterable[Candidate], skill: str | None) -> str | None:
    """The least-loaded on-shift agent with the skill; ties go to the first login.

    `None` when nobody qualifies: the ticket then waits in the group's queue.
    """
    eligible = [c for c in candidates if c.on_shift and (not skill or skill in c.skills)]
    if not eligible:
        return None
    return min(eligible, key=lambda c: (c.load, c.login)).login
