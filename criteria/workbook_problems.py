"""Why a scoring table was refused, and where: sheet, row and column, in words from texts/."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from texts import t

MAX_LINES = 50  # a refusal lists this many problems, then counts the rest


@dataclass(frozen=True)
class WorkbookProblem:
    """One reason a table cannot become a catalogue. ``row`` is 1-based, ``column`` a letter;
    either is None when the problem belongs to the whole sheet (or the whole row)."""

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def where(self, lang: str = "zh") -> str:
        if self.sheet is None:
            return t("workbook.at_book", lang)
        if self.row is None:
            return t("workbook.at_sheet", lang, sheet=self.sheet)
        if self.column is None:
            return t("workbook.at_row", lang, sheet=self.sheet, row=self.row)
        return t("workbook.at_cell", lang, sheet=self.sheet, row=self.row, column=self.column)

    def message(self, lang: str = "zh") -> str:
        return t(f"workbook.{self.code}", lang, **self.values)

    def describe(self, lang: str = "zh") -> str:
        return f"{self.where(lang)}: {self.message(lang)}"


class WorkbookError(ValueError):
    """A table that cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, source: str, problems: Sequence[WorkbookProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.lines("en")))

    def lines(self, lang: str = "zh", limit: int | None = None) -> list[str]:
        """One line per problem, at most ``limit`` (MAX_LINES) of them, then how many more."""
        limit = MAX_LINES if limit is None else limit
        shown = [f"{self.source}: {p.describe(lang)}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(t("workbook.more_problems", lang, count=len(self.problems) - limit))
        return shown
