"""Write an example certification body's scoring table (评分细则) as .xlsx.

MADE UP: "示例认证中心" does not exist and these points are no body's. The table shows the layout
bodies commonly use — a title banner, clause-numbered rows (5.1.2.1), first- and second-level
indicators as rows of their own with their points, a 合计 row — and differs from the bundled
catalogue the way a real body's table would: other points in some items, one item worded
differently, one item replaced by another. Run:

    .venv/bin/python examples/make_body_table.py /tmp/示例认证中心-评分细则.xlsx
    .venv/bin/gbt-audit catalogue import /tmp/示例认证中心-评分细则.xlsx --out /tmp/body.yaml
"""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from criteria import default_catalogue

BANNER = "示例认证中心（虚构）商品售后服务认证评分细则 —— 示例数据，并非任何真实认证机构的评分表"
HEADER = ("条款号", "评价内容", "标准分", "评分方式", "是否可删减", "评分说明", "查证材料")
CLAUSE = 5  # the standard's clause 5 评价指标: numbers read 5.1.2.1

# the made-up body's own points where they differ from the bundled catalogue (sums unchanged
# within each first-level indicator; 2.1 and 2.3 change weight)
POINTS = {
    "1.3.1": Decimal("2"),
    "1.3.3": Decimal("0.5"),
    "2.1.1": Decimal("3"),
    "2.3.3": Decimal("1"),
    "3.1.1": Decimal("3.5"),
    "3.1.4": Decimal("2"),
}
TITLES = {"1.6.2": "定期开展顾客满意度测评，测评结果用于服务改进"}
REPLACED = "3.2.5"  # dropped by the body, and its points given to a new item:
NEW_ITEM = (
    "3.2.6",
    "对投诉处理结果进行回访，回访率及满意率有统计",
    "抽查近三个月已办结投诉的回访记录。",
    "投诉回访记录\n回访满意率统计表",
)


def rows() -> list[tuple[object, ...]]:
    catalogue = default_catalogue()
    out: list[tuple[object, ...]] = [(str(CLAUSE), "评价指标", 100)]
    for first in catalogue.first_levels:
        first_total = sum(i.points for s in first.children for i in s.items)
        out.append((f"{CLAUSE}.{first.id}", first.title.zh, _num(first_total)))
        for second in first.children:
            items = []
            for item in second.items:
                if item.id == REPLACED:
                    number, title, guidance, evidence = NEW_ITEM
                    points = item.points
                else:
                    number, title = item.id, TITLES.get(item.id, item.title.zh)
                    guidance = item.guidance.zh
                    evidence = "\n".join(e.zh for e in item.evidence)
                    points = POINTS.get(item.id, item.points)
                scoring = "抽样" if item.scoring == "sampled" else "符合性"
                items.append(
                    (
                        f"{CLAUSE}.{number}",
                        title,
                        _num(points),
                        scoring,
                        "是" if item.excludable else "否",
                        guidance,
                        evidence,
                    )
                )
            total = sum(Decimal(str(row[2])) for row in items)
            out.append((f"{CLAUSE}.{second.id}", second.title.zh, _num(total)))
            out.extend(items)
    out.append(("合计", None, 100))
    return out


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def write_table(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "评分细则"
    sheet.append([BANNER])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows():
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDEFG", (10, 48, 8, 10, 10, 48, 32), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    book.properties.creator = "示例认证中心（虚构）"
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "示例认证中心-评分细则.xlsx")
    print(write_table(target))
