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
            **{"1_1_1": Status.CONFORMING, "1_2_1": Status.CONFORMING, "2_1_1": Status.CONFORMING}
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
        deductions=tuple(SpecialDeduction(f"问题{n}", "law") for n in range(6)),
    )  # 100 − 6 = 94: needs 1 point to 五星级; the only fixes are the deductions
    plan = plan_next_tier(score_audit(CATALOGUE, near), near)
    assert plan.target.id == "five_star"
    assert [f.kind for f in plan.fixes] == [FixKind.DEDUCTION]
    assert score_audit(CATALOGUE, apply(plan, near)).tier.id == "five_star"


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
    deductions=st.integers(0, 3),
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
