"""Write an example certification body's scoring table (评分细则) as .xlsx.

MADE UP: "示例认证中心" does not exist and these points are no body's. The table shows the layout
bodies commonly use — a title banner, clause-numbered rows (5.1.2.1), first- and second-level
indicators as rows of their own with their points, a 合计 row — and differs from the bundled
catalogue the way a real body's table would: other points in some items, one item worded
differently, one item replaced by another. Run:

    .venv/bin/python examples/make_body_table.py /tmp/示例认证中心-评分细则.xlsx
    .venv/bin/gbt-audit catalogue import /tmp/示例认证中心-评分细则.xlsx --out /tmp/body.yaml

Other layouts bodies use, each with the bundled catalogue's items, points, scoring modes and
excludable items (so an import can be checked against it), written with ``--layout``:

- ``merged``: a 填表说明 sheet first; on the table's sheet a title row, 一级指标 merged down
  column A ("售后服务体系（40分）"), 序号 without the clause, 评价项目 (the second-level
  indicator, merged down), 评价内容, 分值 written "3分", 评分方法 in words ("按抽样比例扣分"),
  删减 ticked √ or left blank, and a 合计 row merged across A–D with 合计 in column A;
- ``thousand``: a 1000-point table (every point ×10) with clause-prefixed numbers, points in
  full-width digits, 可/否 in a 可否删减 column, Y/N nowhere else, and a "总 计" row.
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


MERGED_HEADER = ("一级指标", "序号", "评价项目", "评价内容", "分值", "评分方法", "是否可删减")
SAMPLED_WORDS = "按抽样比例扣分：抽查不符合的比例乘以分值"
BINARY_WORDS = "未做到不得分"
THOUSAND_HEADER = ("条款号", "评价要求", "标准分值", "扣分方式", "可否删减")


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))


def write_merged(path: Path) -> Path:
    catalogue = default_catalogue()
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["填表说明：本表为示例认证中心（虚构）评分细则，评分方法列为文字说明。"])
    sheet = book.create_sheet("评分细则")
    sheet.append([BANNER])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(MERGED_HEADER))
    sheet.append(list(MERGED_HEADER))
    for first in catalogue.first_levels:
        first_total = sum(i.points for s in first.children for i in s.items)
        first_start = sheet.max_row + 1
        for second in first.children:
            second_start = sheet.max_row + 1
            for item in second.items:
                sheet.append(
                    [
                        f"{first.title.zh}（{_num(first_total)}分）",
                        item.id,
                        second.title.zh,
                        item.title.zh,
                        f"{_num(item.points)}分",
                        SAMPLED_WORDS if item.scoring == "sampled" else BINARY_WORDS,
                        "√" if item.excludable else None,
                    ]
                )
            sheet.merge_cells(
                start_row=second_start, start_column=3, end_row=sheet.max_row, end_column=3
            )
        sheet.merge_cells(
            start_row=first_start, start_column=1, end_row=sheet.max_row, end_column=1
        )
    sheet.append(["合计", None, None, None, "100分", None, None])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4)
    return _save(book, path)


def write_thousand(path: Path) -> Path:
    catalogue = default_catalogue()
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    sheet.append(["示例认证中心（虚构）售后服务评价细则（满分 1000 分）"])
    sheet.append(list(THOUSAND_HEADER))
    for first in catalogue.first_levels:
        first_total = sum(i.points for s in first.children for i in s.items) * 10
        sheet.append([f"{CLAUSE}.{first.id}", first.title.zh, _fullwidth(str(_num(first_total)))])
        for second in first.children:
            sheet.append([f"{CLAUSE}.{second.id}", second.title.zh, None])
            for item in second.items:
                sheet.append(
                    [
                        f"{CLAUSE}.{item.id}",
                        item.title.zh,
                        _fullwidth(str(_num(item.points * 10))),
                        "抽样" if item.scoring == "sampled" else "符合性",
                        "可" if item.excludable else "否",
                    ]
                )
    sheet.append([None, "总 计", 1000])
    return _save(book, path)


def _save(book: Workbook, path: Path) -> Path:
    book.properties.creator = "示例认证中心（虚构）"
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


LAYOUTS = {"rows": "write_table", "merged": "write_merged", "thousand": "write_thousand"}


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
    arguments = [a for a in sys.argv[1:] if not a.startswith("--layout")]
    layout = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--layout=")), "rows")
    target = Path(arguments[0] if arguments else "示例认证中心-评分细则.xlsx")
    print(globals()[LAYOUTS[layout]](target))
