"""Which plan a call gets from its customer's contracts, and the reason when the default
plan applies."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from helpdesk_tui.domain.contracts import Terms, choose_plan, state_on

GOLD, BRONZE, SILVER = 1, 2, 3
DAY = date(2026, 11, 23)
ALL = Terms("ALL", "", SILVER, (), date(2024, 1, 1), date(2027, 12, 31))
SHOPS = Terms("SHOPS", "", GOLD, ("pos", "receipt-printer"), date(2024, 1, 1), None)
OLD = Terms("OLD", "", BRONZE, ("workstation",), date(2023, 1, 1), date(2025, 12, 31))
NEXT = Terms("NEXT", "", GOLD, ("erp",), date(2027, 1, 1), None)


def test_a_contract_naming_the_service_beats_one_covering_everything():
    choice = choose_plan([ALL, SHOPS], "pos", DAY)
    assert (choice.plan_id, choice.contract, choice.reason) == (GOLD, "SHOPS", None)
    assert choose_plan([ALL, SHOPS], "email", DAY).plan_id == SILVER


def test_the_end_day_is_still_covered_and_the_day_after_is_not():
    assert choose_plan([OLD], "workstation", date(2025, 12, 31)).plan_id == BRONZE
    after = choose_plan([OLD], "workstation", date(2026, 1, 1))
    assert (after.plan_id, after.reason) == (None, "contract OLD expired on 2025-12-31")


def test_the_reasons_the_default_applies():
    assert choose_plan([SHOPS], "email", DAY).reason == "email is not covered by contract SHOPS"
    assert choose_plan([NEXT], "erp", DAY).reason == "contract NEXT starts on 2027-01-01"
    assert choose_plan([], "pos", DAY).reason == "has no contract"


def test_a_customer_without_contract_rows_keeps_the_plan_named_on_it():
    assert choose_plan([], "pos", DAY, fallback_plan_id=BRONZE).plan_id == BRONZE
    # once it has contracts, they decide, not the old plan on the customer
    assert choose_plan([OLD], "workstation", DAY, fallback_plan_id=BRONZE).plan_id is None


def test_how_a_card_shows_a_contract():
    assert [state_on(t, DAY) for t in (ALL, OLD, NEXT)] == ["valid", "expired", "future"]


terms = st.builds(
    Terms,
    st.sampled_from(["A", "B", "C"]),
    st.just(""),
    st.integers(1, 3),
    st.lists(st.sampled_from(["pos", "erp", "email"]), max_size=2).map(tuple),
    st.dates(date(2024, 1, 1), date(2027, 1, 1)),
    st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2028, 1, 1))),
)


@given(st.lists(terms, max_size=4), st.sampled_from(["pos", "erp", "email"]), st.dates())
def test_a_plan_is_given_exactly_when_a_valid_contract_covers_the_call(contracts, service, day):
    choice = choose_plan(contracts, service, day)
    covered = [c for c in contracts if c.valid_on(day) and c.covers(service)]
    assert (choice.plan_id is not None) == bool(covered)
    assert (choice.reason is None) == bool(covered)
    if covered:
        assert choice.plan_id in {c.plan_id for c in covered}
