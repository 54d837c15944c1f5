"""The 自评表's subtotals, totals and scores are live Excel formulas: LibreOffice (headless, the
real spreadsheet engine) recalculates the file, and every figure equals the app's for the
examples/ audits, shown by the app's rule (reached values truncated, shortfalls rounded up).
User text stays text, even when it starts with "="."""

import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from dossier_fixtures import dossier_data
from openpyxl import load_workbook

from criteria import DEFAULT_CATALOGUE, load_catalogue
from domain.records import BonusRecord, DeductionRecord, ItemRecord
from dossier import write_xlsx
from dossier.view import build_view
from scoring import read_audit_file
from scoring.display import percent, points, score, shortfall

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (Debian libreoffice-calc; ./dev.sh test installs it)"
)


def example_data(path: Path):
    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    audit = read_audit_file(path, catalogue).audit
    items = {
        item_id: ItemRecord(
            audit_id=7,
            item_id=item_id,
            status=a.status,
            samples_checked=a.samples_checked,
            samples_conforming=a.samples_conforming,
            justification=a.justification or "",
            finding=a.finding or "",
        )
        for item_id, a in audit.assessments.items()
    }
    deductions = tuple(
        DeductionRecord(id=n, audit_id=7, reason=d.reason, category=d.category, item_id=d.item_id)
        for n, d in enumerate(audit.deductions, start=1)
    )
    bonuses = tuple(
        BonusRecord(id=n, audit_id=7, reason=b.reason) for n, b in enumerate(audit.bonuses, 1)
    )
    return dossier_data(
        catalogue=catalogue,
        items=items,
        deductions=deductions,
        bonuses=bonuses,
        prerequisites=dict(audit.prerequisites),
    )


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every example's 自评表, recalculated by LibreOffice in one run (slow to start)."""
    folder = tmp_path_factory.mktemp("formulas")
    datas = {}
    for path in EXAMPLES:
        data = example_data(path)
        if path.stem == "appliance-retailer":  # user text that looks like a formula stays text
            first = next(iter(data.items))
            data = replace(
                data,
                items={**data.items, first: replace(data.items[first], finding="=1+1")},
            )
        write_xlsx(data, folder / f"{path.stem}.xlsx")
        datas[path.stem] = data
    out = folder / "out"
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "xlsx", "--outdir", str(out), *sorted(folder.glob("*.xlsx"))],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {
        name: (data, load_workbook(out / f"{name}.xlsx", data_only=True)["自评表"])
        for name, data in datas.items()
    }


def number(value) -> str:
    return f"{Decimal(str(value)):.2f}" if value is not None else "—"


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_recalculated_figures_equal_the_apps(recalculated, name):
    data, sheet = recalculated[name]
    result, view = data.result, build_view(data)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    items = {row[4]: row for row in rows if row[4]}
    for item_result in result.items:
        row = items[item_result.item_id]
        assert number(row[8]) == points(item_result.applicable_points), item_result.item_id
        assert number(row[9]) == points(item_result.earned), item_result.item_id
    labels = {row[5]: row for row in rows if row[5] and not row[4]}
    for first in view.groups:
        for group, word in [*((s, "小计") for s in first.children), (first, "合计")]:
            row = labels[f"{word} {group.id} {group.rollup.title_zh}"]
            assert number(row[8]) == points(group.rollup.applicable), group.id
            assert number(row[9]) == points(group.rollup.earned), group.id
            if group.rollup.percent is None:
                assert row[7] == "—"
            else:
                assert f"{number(row[7])}%" == percent(group.rollup.percent), group.id
    figures = {label: row[9] for label, row in labels.items()}
    assert number(figures["涉及项分值"]) == points(result.applicable_points)
    assert number(figures["实得分"]) == points(result.earned_points)
    assert number(figures["基础得分（实得分 ÷ 涉及项分值 × 100）"]) == score(result.base_score)
    assert number(figures["最终得分"]) == score(result.score)
    if result.next_tier is not None:
        gap = figures[f"距{result.next_tier.title.zh}还差（分，进位）"]
        assert number(gap) == shortfall(result.points_to_next_tier)


def test_user_text_starting_with_equals_stays_text(recalculated):
    data, sheet = recalculated["appliance-retailer"]
    first = next(iter(data.items))
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[4] == first)
    assert row[10] == "=1+1"


def test_a_reached_value_is_truncated_in_the_formula_too(tmp_path):
    """94.997 must never read 95.00: the shown cell is TRUNC of the exact one, format 0.00."""
    data, _ = example_data(EXAMPLES[0]), None
    write_xlsx(data, tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx")["自评表"]
    shown = [c for row in sheet.iter_rows(min_row=2) for c in row if c.data_type == "f"]
    reached = [c for c in shown if c.column in (7, 9, 10) and "ROUNDUP" not in c.value]
    assert reached and all(c.value.startswith("=TRUNC(ROUND(") for c in reached)
    assert {c.number_format for c in reached} == {"0.00"}
