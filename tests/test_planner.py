"""The next-tier planner finds the cheapest set of fixes, exactly."""

from fractions import Fraction
from itertools import combinations

from catalogue_builder import ItemDef, build_catalogue
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    AuditInput,
    Fix,
    FixKind,
    ItemAssessment,
    SpecialDeduction,
    Status,
    cheapest_cover,
    plan_next_tier,
    score_audit,
)
from scoring.planner import cover_with_stats

CATALOGUE = build_catalogue(
    [
        ItemDef("1.1.1", 10),
        ItemDef("1.1.2", 20, scoring="sampled"),
        ItemDef("1.2.1", 30),
        ItemDef("2.1.1", 25),
        ItemDef("2.1.2", 15),
    ]
)


def brute_force_cost(fixes: list[Fix], need: Fraction) -> tuple[Fraction, int] | None:
    best = None
    for size in range(len(fixes) + 1):
        for subset in combinations(fixes, size):
            if sum((f.gain for f in subset), Fraction(0)) >= need:
                cost = (sum((f.effort for f in subset), Fraction(0)), size)
                best = cost if best is None else min(best, cost)
    return best


fix_lists = st.lists(
    st.builds(
        lambda n, gain, effort: Fix(FixKind.ITEM, f"1.1.{n}", "x", Fraction(gain, 4), effort),
        st.integers(1, 99),
        st.integers(1, 40),
        st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(2), Fraction(3), Fraction(5)]),
    ),
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(fixes=fix_lists, need=st.fractions(min_value=Fraction(-1), max_value=Fraction(60)))
def test_the_plan_costs_exactly_what_brute_force_finds_cheapest(fixes, need):
    chosen = cheapest_cover(fixes, need)
    optimum = brute_force_cost(fixes, need)
    if optimum is None:
        assert chosen is None
        return
    assert chosen is not None
    assert sum((f.gain for f in chosen), Fraction(0)) >= need
    assert (sum((f.effort for f in chosen), Fraction(0)), len(chosen)) == optimum


@settings(max_examples=200, deadline=None)
@given(
    fixes=st.lists(
        st.builds(
            lambda g: Fix(FixKind.ITEM, "i", "x", Fraction(g), Fraction(1)), st.integers(1, 20)
        ),
        max_size=9,
    ),
    need=st.integers(0, 60),
)
def test_without_effort_estimates_the_plan_uses_the_fewest_items(fixes, need):
    chosen = cheapest_cover(fixes, Fraction(need))
    optimum = brute_force_cost(fixes, Fraction(need))
    assert (chosen is None) == (optimum is None)
    if chosen is not None:
        assert len(chosen) == optimum[1]


def entries(**statuses: Status) -> dict[str, ItemAssessment]:
    return {
        k.replace("_", "."): ItemAssessment(k.replace("_", "."), s) for k, s in statuses.items()
    }


def apply(plan, audit: AuditInput) -> AuditInput:
    """The audit as it would be once every fix in the plan is made."""
    fixed = dict(audit.assessments)
    deductions = list(audit.deductions)
    for fix in plan.fixes:
        if fix.kind is FixKind.ITEM:
            fixed[fix.ref] = ItemAssessment(fix.ref, Status.CONFORMING)
    dropped = {
        int(f.ref.split("[")[1].rstrip("]")) for f in plan.fixes if f.kind is FixKind.DEDUCTION
    }
    deductions = [d for n, d in enumerate(deductions) if n not in dropped]
    return AuditInput(
        assessments=fixed,
        deductions=tuple(deductions),
        bonuses=audit.bonuses,
        prerequisites=audit.prerequisites,
    )


def test_the_plan_targets_the_next_tier_and_fixing_it_reaches_that_tier():
    audit = AuditInput(
        assessments=entries(
            **{
                "1_1_1": Status.CONFORMING,
                "1_1_2": Status.NOT_CONFORMING,
                "1_2_1": Status.CONFORMING,
                "2_1_1": Status.CONFORMING,
                "2_1_2": Status.NOT_CONFORMING,
            }
        )
    )  # 65 points: not passed; next tier 70 达标级
    result = score_audit(CATALOGUE, audit)
    plan = plan_next_tier(result, audit)
    assert plan.target.id == "compliant"
    assert plan.shortfall == 5
    assert [f.ref for f in plan.fixes] == ["1.1.2"]  # one item of 20 suffices; 2.1.2 (15) too
    assert score_audit(CATALOGUE, apply(plan, audit)).tier.id in {
        "compliant",
        "three_star",
        "four_star",
        "five_star",
    }


def test_effort_estimates_change_which_items_are_cheapest():
    base = entries(
        **{"1_1_1": Status.CONFORMING, "1_2_1": Status.CONFORMING, "2_1_1": Status.CONFORMING}
    )
    base["1.1.2"] = ItemAssessment("1.1.2", Status.NOT_CONFORMING, effort=Fraction(5))
    base["2.1.2"] = ItemAssessment("2.1.2", Status.NOT_CONFORMING, effort=Fraction(2))
    audit = AuditInput(assessments=base)
    plan = plan_next_tier(score_audit(CATALOGUE, audit), audit)
    assert [f.ref for f in plan.fixes] == ["2.1.2"]
    assert plan.total_effort == 2


def test_rectifying_a_special_deduction_is_a_fix_worth_one_point():
    audit = AuditInput(
        assessments=entries(
            **{
                "1_1_1": Status.CONFORMING,
                "1_1_2": Status.CONFORMING,
                "1_2_1": Status.CONFORMING,
                "2_1_1": Status.CONFORMING,
                "2_1_2": Status.NOT_CONFORMING,
            }
        ),
        deductions=(SpecialDeduction("未按规定公示三包政策", "law"),),
    )  # 85 − 1 = 84: 三星级, next 四星级 at 90, needs 6: 2.1.2 (15) alone is one fix
    result = score_audit(CATALOGUE, audit)
    assert result.score == 84
    plan = plan_next_tier(result, audit)
    assert [f.ref for f in plan.fixes] == ["2.1.2"]

    near = AuditInput(
        assessments={i.id: ItemAssessment(i.id, Status.CONFORMING) for i in CATALOGUE.items},
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(4)),
    )  # 100 − 4 = 96 with 4 deductions: 五星级 already
    assert score_audit(CATALOGUE, near).tier.id == "five_star"


def test_with_five_deductions_the_plan_starts_by_rectifying_enough_of_them():
    audit = AuditInput(
        assessments={i.id: ItemAssessment(i.id, Status.CONFORMING) for i in CATALOGUE.items},
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(6)),
    )  # 100 − 6 = 94, but 6 deductions fail: no tier until 2 of them are rectified
    result = score_audit(CATALOGUE, audit)
    assert result.tier is None
    plan = plan_next_tier(result, audit)
    assert plan.target.id == "compliant"  # any tier is the next step
    assert plan.deductions_required == 2
    assert [f.ref for f in plan.fixes] == ["special_deductions[0]", "special_deductions[1]"]
    assert score_audit(CATALOGUE, apply(plan, audit)).tier.id == "five_star"  # 4 left: 96


def test_a_failing_score_with_five_deductions_needs_both_points_and_rectifications():
    audit = AuditInput(
        assessments=entries(
            **{
                "1_1_1": Status.CONFORMING,
                "1_1_2": Status.NOT_CONFORMING,
                "1_2_1": Status.CONFORMING,
                "2_1_1": Status.CONFORMING,
                "2_1_2": Status.CONFORMING,
            }
        ),
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(5)),
    )  # 80 − 5 = 75 with 5 deductions: fails; one rectified (76, 4 left) is 达标级
    result = score_audit(CATALOGUE, audit)
    assert result.verdict.fail_reasons == ("too_many_deductions",)
    plan = plan_next_tier(result, audit)
    assert plan.deductions_required == 1
    assert [f.kind for f in plan.fixes] == [FixKind.DEDUCTION]
    assert score_audit(CATALOGUE, apply(plan, audit)).tier.id == "compliant"


def test_open_items_are_never_proposed_as_fixes():
    audit = AuditInput(
        assessments=entries(**{"1_1_1": Status.CONFORMING, "1_2_1": Status.CONFORMING})
    )  # 40 of 100; the other three items are not assessed
    result = score_audit(CATALOGUE, audit)
    plan = plan_next_tier(result, audit)
    assert plan.fixes == () and not plan.reachable
    assert set(result.open_items) == {"1.1.2", "2.1.1", "2.1.2"}


def test_at_the_top_tier_there_is_nothing_to_plan():
    audit = AuditInput(
        assessments={i.id: ItemAssessment(i.id, Status.CONFORMING) for i in CATALOGUE.items}
    )
    plan = plan_next_tier(score_audit(CATALOGUE, audit), audit)
    assert plan.target is None
    assert plan.fixes == ()


def test_cheapest_cover_says_none_when_everything_together_falls_short():
    fixes = [Fix(FixKind.ITEM, "1.1.1", "x", Fraction(2), Fraction(1))]
    assert cheapest_cover(fixes, Fraction(3)) is None
    assert cheapest_cover(fixes, Fraction(0)) == ()


@settings(max_examples=60, deadline=None)
@given(
    statuses=st.lists(
        st.sampled_from([Status.CONFORMING, Status.NOT_CONFORMING, Status.NOT_ASSESSED]),
        min_size=5,
        max_size=5,
    ),
    deductions=st.integers(0, 8),
)
def test_making_the_planned_fixes_always_reaches_the_target_tier(statuses, deductions):
    audit = AuditInput(
        assessments={
            i.id: ItemAssessment(i.id, s) for i, s in zip(CATALOGUE.items, statuses, strict=True)
        },
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(deductions)),
    )
    result = score_audit(CATALOGUE, audit)
    plan = plan_next_tier(result, audit)
    if plan.target is None or not plan.reachable:
        return
    after = score_audit(CATALOGUE, apply(plan, audit))
    assert after.score >= Fraction(plan.target.min_score)
    assert after.verdict.tier is not None or after.verdict.not_eligible
    assert not after.verdict.failed


def brute_force_with_deductions(fixes, need, required):
    best = None
    for size in range(len(fixes) + 1):
        for subset in combinations(fixes, size):
            rectified = sum(1 for f in subset if f.kind is FixKind.DEDUCTION)
            if rectified >= required and sum((f.gain for f in subset), Fraction(0)) >= need:
                cost = (sum((f.effort for f in subset), Fraction(0)), size)
                best = cost if best is None else min(best, cost)
    return best


@settings(max_examples=200, deadline=None)
@given(
    items=fix_lists.map(lambda fixes: fixes[:6]),
    deductions=st.lists(st.sampled_from([Fraction(1), Fraction(2)]), max_size=6),
    need=st.integers(-2, 30),
    required=st.integers(0, 4),
)
def test_the_deduction_rule_plan_is_as_cheap_as_brute_force(items, deductions, need, required):
    fixes = [
        *items,
        *(
            Fix(FixKind.DEDUCTION, f"special_deductions[{n}]", "d", Fraction(1), effort)
            for n, effort in enumerate(deductions)
        ),
    ]
    chosen = cheapest_cover(fixes, Fraction(need), min_deductions=required)
    optimum = brute_force_with_deductions(fixes, Fraction(need), required)
    if optimum is None:
        assert chosen is None
        return
    assert chosen is not None
    assert sum(1 for f in chosen if f.kind is FixKind.DEDUCTION) >= required
    assert (sum((f.effort for f in chosen), Fraction(0)), len(chosen)) == optimum


def test_identical_deductions_count_as_one_group_so_the_planner_stays_polynomial():
    # 99 identical deductions and 20 gaps: taken as subsets this is 2^119 plans; grouped, the
    # planner keeps a few thousand partial plans at most
    gaps = [
        Fix(FixKind.ITEM, f"1.1.{n}", "x", Fraction(n % 7 + 1, 4), Fraction(1)) for n in range(20)
    ]
    deductions = [
        Fix(FixKind.DEDUCTION, f"special_deductions[{n}]", "d", Fraction(1), Fraction(1))
        for n in range(99)
    ]
    chosen, kept = cover_with_stats([*gaps, *deductions], Fraction(30), min_deductions=95)
    assert chosen is not None
    assert sum(1 for f in chosen if f.kind is FixKind.DEDUCTION) >= 95
    assert kept < 20_000
