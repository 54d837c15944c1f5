"""What scoring costs, measured in one run against a plain loop over the same data.

    python bench/bench_scoring.py [--audits 10000] [--repeat 3] [--seed 27922]

Generates --audits realistic audits of the bundled GB/T 27922-2011 catalogue (most items
conforming, some not, sampled items with 5–30 samples, justified exclusions, items still open,
0–3 special deductions, sometimes a bonus, prerequisites met or not) and times:

- ``score_audit``: the exact score, the tier and the verdict of every audit (what the app's
  sidebar, the audit list and the portfolio read);
- the same plus every item result, roll-up and gap (what the dashboard and dossier read);
- a baseline: a plain loop over the same audits that adds up each entry's points as a float
  (no validation, no exactness, no verdict) — the least any scoring could do.

Times are the best of --repeat runs, garbage collector paused as timeit does. Run by hand;
pytest does not collect it.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from criteria import Catalogue, default_catalogue
from scoring import AuditInput, ItemAssessment, SpecialBonus, SpecialDeduction, Status, score_audit


def realistic_audit(catalogue: Catalogue, rng: random.Random) -> AuditInput:
    entries = {}
    for item in catalogue.items:
        roll = rng.random()
        if roll < 0.06:
            continue  # not assessed yet
        if item.excludable and roll < 0.12:
            entry = ItemAssessment(item.id, Status.NOT_APPLICABLE, justification="不涉及该业务")
        elif item.scoring == "sampled" and roll < 0.45:
            checked = rng.randint(5, 30)
            entry = ItemAssessment(
                item.id,
                Status.SAMPLED,
                samples_checked=checked,
                samples_conforming=rng.randint(checked // 2, checked),
            )
        elif roll < 0.2:
            entry = ItemAssessment(
                item.id, Status.NOT_CONFORMING, effort=Fraction(rng.randint(1, 5))
            )
        else:
            entry = ItemAssessment(item.id, Status.CONFORMING)
        entries[item.id] = entry
    prerequisites = {p.id: rng.random() < 0.9 for p in catalogue.spec.prerequisites}
    return AuditInput(
        assessments=entries,
        deductions=tuple(
            SpecialDeduction(f"发现 {n}", "law") for n in range(rng.choice((0, 0, 0, 1, 2, 3)))
        ),
        bonuses=(SpecialBonus("行业领先"),) if rng.random() < 0.2 else (),
        prerequisites=prerequisites,
    )


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` runs, with the cyclic garbage collector paused as timeit
    does: 10,000 audits held in memory would otherwise make every collection scan them all."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=27922)
    args = parser.parse_args()

    catalogue = default_catalogue()
    rng = random.Random(args.seed)
    audits = [realistic_audit(catalogue, rng) for _ in range(args.audits)]
    points = {item.id: float(item.points) for item in catalogue.items}

    def plain() -> None:
        for audit in audits:
            earned = applicable = 0.0
            for key, entry in audit.assessments.items():
                value = points[key]
                applicable += value
                if entry.status is Status.CONFORMING:
                    earned += value

    def scored() -> None:
        for audit in audits:
            result = score_audit(catalogue, audit)
            _ = result.verdict.tier

    def scored_in_full() -> None:
        for audit in audits:
            result = score_audit(catalogue, audit)
            _ = (result.verdict.tier, result.sections, result.gaps)

    score_audit(catalogue, audits[0])  # build the catalogue's cached shape outside the timing
    baseline = best_of(args.repeat, plain)
    verdicts = best_of(args.repeat, scored)
    full = best_of(args.repeat, scored_in_full)
    n = len(audits)
    print(f"{n} realistic audits of {catalogue.id} ({len(catalogue.items)} items)", end="")
    print(f", best of {args.repeat}")
    print(
        f"  plain loop (float sums, no checks): {baseline:7.3f} s  "
        f"{baseline / n * 1e6:7.1f} µs/audit"
    )
    print(
        f"  score_audit (exact score, tier, verdict): {verdicts:7.3f} s  "
        f"{verdicts / n * 1e6:7.1f} µs/audit  {verdicts / baseline:5.1f}× the plain loop"
    )
    print(
        f"  … and every item result, roll-up and gap: {full:7.3f} s  "
        f"{full / n * 1e6:7.1f} µs/audit  {full / baseline:5.1f}× the plain loop"
    )


if __name__ == "__main__":
    main()
