"""Routing: the first matching rule picks the group, and within a group the ticket is
offered to the least-loaded on-shift agent with the skill — or to nobody."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.routing import Call, Candidate, Rule, matches, pick_agent, route
from helpdesk_tui.services.setup import reference_dir


def shipped_rules() -> list[Rule]:
    data = tomllib.loads((reference_dir() / "routing.toml").read_text(encoding="utf-8"))
    return [Rule(**rule) for rule in data["rule"]]


RULES = shipped_rules()


# ------------------------------------------------------------------------------ the rules


def test_a_rule_with_no_fields_but_the_group_matches_every_call():
    assert matches(Rule(group="any"), Call(service="pos", category="x", segment="retail"))


def test_every_given_field_of_a_rule_must_match():
    rule = Rule(group="g", service="erp", category="exchange", segment="retail")
    assert matches(rule, Call(service="erp", category="exchange", segment="retail", site="s"))
    assert not matches(rule, Call(service="erp", category="exchange", segment="office"))
    assert not matches(rule, Call(service="erp", category="exchange"))  # segment unknown


def test_the_first_matching_rule_wins_over_later_ones():
    rules = [Rule(group="first", service="pos"), Rule(group="second", service="pos")]
    assert route(rules, Call(service="pos"), "default") == "first"


def test_without_a_matching_rule_the_service_default_group_takes_the_ticket():
    assert route([Rule(group="x", service="erp")], Call(service="pos"), "l2-software") == (
        "l2-software"
    )
    assert route([], Call(service="pos"), "l2-software") == "l2-software"


@pytest.mark.parametrize(
    ("call", "default", "group"),
    [
        # fiscal registration is done by experts for everybody, retail or not
        (Call("fiscal-drive", "registration", "retail"), "l3-experts", "l3-experts"),
        # the rest of fiscal for shops goes to the hardware engineers
        (Call("fiscal-drive", "replace", "retail"), "l3-experts", "l2-hardware"),
        (Call("fiscal-drive", None, "office"), "l3-experts", "l3-experts"),
        (Call("erp", "license", "office"), "l2-software", "l3-experts"),
        (Call("erp", "exchange", "retail"), "l3-experts", "l3-experts"),
        (Call("erp", "exchange", "office"), "l2-software", "l2-software"),
        (Call("server", "hardware"), "l2-network", "l2-hardware"),
        (Call("server", "backup"), "l2-network", "l3-experts"),
        (Call("access", "password-reset"), "l2-software", "dispatch"),
        (Call("network", None, "retail", "shop-005"), "l2-network", "vendor-isp"),
        (Call("network", None, "retail", "office"), "l2-network", "l3-experts"),
        (Call("network", None, "retail", "shop-001"), "l2-network", "l2-network"),
        (Call("question", language="en"), "dispatch", "dispatch"),
        (Call("pos", "freeze", "retail", "shop-005", "ru"), "l2-software", "l2-software"),
    ],
)
def test_the_shipped_rules_send_calls_where_the_comments_say(call, default, group):
    assert route(RULES, call, default) == group


# ------------------------------------------------------------------------------ the offer


def cand(login: str, load: int = 0, *, skills=("printers",), on_shift: bool = True) -> Candidate:
    return Candidate(login, frozenset(skills), on_shift, load)


def test_the_least_loaded_agent_with_the_skill_is_offered_the_ticket():
    agents = [cand("volkov", 3), cand("lebedev", 1), cand("novikova", 2)]
    assert pick_agent(agents, "printers") == "lebedev"


def test_equal_load_goes_to_the_first_login_alphabetically():
    assert pick_agent([cand("volkov"), cand("novikova"), cand("lebedev")], "printers") == (
        "lebedev"
    )


def test_an_agent_off_shift_is_never_offered_a_ticket_however_idle():
    agents = [cand("orlov", 0, on_shift=False), cand("kozlov", 5)]
    assert pick_agent(agents, "printers") == "kozlov"


def test_an_agent_without_the_skill_is_passed_over():
    agents = [cand("idle", 0, skills=("network",)), cand("busy", 9)]
    assert pick_agent(agents, "printers") == "busy"


def test_a_service_without_a_skill_can_go_to_anyone_on_shift():
    assert pick_agent([cand("b", 1, skills=()), cand("a", 2, skills=())], "") == "b"
    assert pick_agent([cand("b", 1, skills=())], None) == "b"


def test_nobody_qualifies_so_the_ticket_stays_in_the_queue():
    assert pick_agent([], "printers") is None
    assert pick_agent([cand("orlov", on_shift=False)], "printers") is None
    assert pick_agent([cand("x", skills=("network",))], "printers") is None


candidates = st.lists(
    st.builds(
        Candidate,
        login=st.text("abcdefgh", min_size=1, max_size=4),
        skills=st.frozensets(st.sampled_from(["pos", "printers", "network"]), max_size=3),
        on_shift=st.booleans(),
        load=st.integers(0, 20),
    ),
    max_size=8,
)


@given(candidates, st.sampled_from(["pos", "printers", ""]))
def test_the_offered_agent_is_eligible_and_nobody_eligible_has_less_work(agents, skill):
    chosen = pick_agent(agents, skill)
    eligible = [a for a in agents if a.on_shift and (not skill or skill in a.skills)]
    if not eligible:
        assert chosen is None
        return
    picked = [a for a in eligible if a.login == chosen]
    assert picked, "the offered agent must be eligible"
    assert min(a.load for a in picked) == min(a.load for a in eligible)
