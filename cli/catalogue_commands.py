"""``gbt-audit catalogue ...``: import a body's scoring table, export a blank 自评表, diff two
catalogues, move an audit onto another catalogue."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.acting import acting, add_as_option
from criteria import DEFAULT_CATALOGUE, Catalogue, CatalogueError, load_catalogue
from criteria.diff import CatalogueDiff, ItemChange, diff_catalogues
from criteria.workbook import ImportOptions, import_workbook
from criteria.workbook_bounds import LIMITS
from criteria.workbook_columns import ColumnSpecError, parse_column_spec
from criteria.workbook_export import export_blank
from criteria.workbook_problems import WorkbookError, WorkbookProblem
from scoring import Status, display
from store.acting import acting_as
from texts import t

if TYPE_CHECKING:
    from store.catalogue_move import MovePreview

REFUSED = 1
USAGE = 2


def add_catalogue_commands(commands: Any) -> None:
    catalogue = commands.add_parser("catalogue", help="import, export, compare catalogues")
    actions = catalogue.add_subparsers(dest="action", required=True, metavar="ACTION")

    imp = actions.add_parser("import", help="a body's scoring table (.xlsx) as a catalogue file")
    imp.add_argument("table", type=Path, metavar="TABLE.xlsx")
    imp.add_argument("--out", type=Path, required=True, metavar="FILE.yaml")
    imp.add_argument("--sheet", help="the sheet to read (default: the first with a header row)")
    imp.add_argument(
        "--columns",
        metavar="ROLE=LETTER,...",
        help="column mapping over the guessed one, e.g. number=A,title=B,points=D "
        "(roles: number title points first second scoring excludable guidance evidence ...)",
    )
    imp.add_argument(
        "--base",
        type=Path,
        default=DEFAULT_CATALOGUE,
        metavar="CATALOGUE.yaml",
        help="where tier schemes, prerequisites and special items come from (default: bundled)",
    )
    imp.add_argument("--id", dest="catalogue_id", help="catalogue id (default: from the file)")
    imp.add_argument("--title", help="catalogue title (default: the file name)")
    imp.add_argument("--version", dest="catalogue_version", help="catalogue version")
    imp.add_argument("--lang", choices=["zh", "en"], default="zh")
    imp.set_defaults(run=run_import)

    blank = actions.add_parser("export-blank", help="a blank 自评表 (.xlsx) of a catalogue")
    blank.add_argument(
        "catalogue", type=Path, nargs="?", default=DEFAULT_CATALOGUE, metavar="CATALOGUE.yaml"
    )
    blank.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    blank.set_defaults(run=run_export_blank)

    diff = actions.add_parser("diff", help="what changes from catalogue A to catalogue B")
    diff.add_argument("before", type=Path, metavar="A")
    diff.add_argument("after", type=Path, metavar="B")
    diff.add_argument("--lang", choices=["zh", "en"], default="zh")
    diff.set_defaults(run=run_diff)

    move = actions.add_parser(
        "move", help="open a new round of an audit on another catalogue (the old one is frozen)"
    )
    move.add_argument("audit_id", type=int, metavar="AUDIT_ID")
    move.add_argument("--to", type=Path, required=True, metavar="CATALOGUE.yaml")
    move.add_argument(
        "--map",
        default="",
        metavar="OLD=NEW,...",
        help="items whose number changed (OLD=NEW), or OLD= to leave one behind",
    )
    add_as_option(move)
    move.add_argument(
        "--preview",
        action="store_true",
        help="print what the move would do to every item, and change nothing",
    )
    move.add_argument("--lang", choices=["zh", "en"], default="zh")
    move.set_defaults(run=run_move)


def _catalogue(path: Path) -> Catalogue | None:
    """A catalogue file (YAML) or a scoring table (.xlsx)."""
    try:
        if path.suffix.lower() == ".xlsx":
            return import_workbook(read_bounded(path), path.name).catalogue
        return load_catalogue(path)
    except CatalogueError as exc:
        print(f"catalogue refused: {len(exc.problems)} problem(s)\n{exc}", file=sys.stderr)
    except WorkbookError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
    return None


def run_import(args: argparse.Namespace) -> int:
    try:
        columns = parse_column_spec(args.columns or "")
    except ColumnSpecError as exc:
        print(f"--columns: {exc}", file=sys.stderr)
        return USAGE
    base = _catalogue(args.base)
    if base is None:
        return REFUSED
    options = ImportOptions(
        sheet=args.sheet,
        columns=columns,
        catalogue_id=args.catalogue_id,
        title=args.title,
        version=args.catalogue_version,
    )
    try:
        data = read_bounded(args.table)
        imported = import_workbook(data, args.table.name, options, base)
    except OSError as exc:
        print(f"{args.table}: {exc.strerror}", file=sys.stderr)
        return REFUSED
    except WorkbookError as exc:
        print(t("catalogues.cli.refused", args.lang, count=len(exc.problems)), file=sys.stderr)
        print("\n".join(exc.lines(args.lang)), file=sys.stderr)
        return REFUSED
    try:
        args.out.write_text(imported.text, encoding="utf-8")
    except OSError as exc:
        print(f"{args.out}: {exc.strerror}", file=sys.stderr)
        return REFUSED
    catalogue = imported.catalogue
    print(
        t(
            "catalogues.cli.imported",
            args.lang,
            out=args.out,
            id=catalogue.id,
            items=len(catalogue.items),
            points=_points(catalogue.spec.total_points),
            sheet=imported.sheet,
            columns=imported.columns.describe(),
            hash=catalogue.content_hash,
        )
    )
    if imported.clause_prefix is not None:
        print(t("workbook.source_prefix", args.lang, prefix=imported.clause_prefix))
    if imported.skipped_rows:
        rows = ", ".join(map(str, imported.skipped_rows))
        print(t("catalogues.cli.skipped", args.lang, rows=rows))
    unsure = [
        f"{role}={imported.columns.letters()[role]} ({imported.columns.sure(role):.0%})"
        for role in imported.columns.columns
        if imported.columns.sure(role) < SURE
    ]
    if unsure:
        print(t("catalogues.cli.unsure_columns", args.lang, columns=", ".join(unsure)))
    if imported.scoring_read:
        print(t("catalogues.cli.scoring_read", args.lang, count=len(imported.scoring_read)))
        for read in imported.scoring_read:
            mode = t(f"workbook.scoring_{read.used}", args.lang)
            print(
                t(
                    "catalogues.cli.scoring_line",
                    args.lang,
                    id=read.item_id,
                    text=read.text,
                    mode=mode,
                )
            )
    return 0


SURE = 0.9  # a guessed column below this is named after the import, to be checked


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refused (WorkbookError) before reading when larger than the bound."""
    size = path.stat().st_size
    if size > LIMITS.file_bytes:
        problem = WorkbookProblem(
            "bounds_too_large", values={"size": size, "limit": LIMITS.file_bytes}
        )
        raise WorkbookError(path.name, [problem])
    return path.read_bytes()


def run_export_blank(args: argparse.Namespace) -> int:
    catalogue = _catalogue(args.catalogue)
    if catalogue is None:
        return REFUSED
    try:
        with args.out.open("wb") as stream:
            export_blank(catalogue, stream)
    except OSError as exc:
        print(f"{args.out}: {exc.strerror}", file=sys.stderr)
        return REFUSED
    print(args.out)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    before, after = _catalogue(args.before), _catalogue(args.after)
    if before is None or after is None:
        return REFUSED
    print("\n".join(diff_lines(diff_catalogues(before, after), args.lang)))
    return 0


def diff_lines(diff: CatalogueDiff, lang: str) -> list[str]:
    lines = []
    for key, changes in diff.kinds():
        lines.append(t(f"catalogues.diff.{key}", lang, count=len(changes)))
        for change in changes:
            lines.append(
                t(
                    f"catalogues.diff.{key}_line",
                    lang,
                    id=change.id,
                    before=change.before.title.get(lang) if change.before else "",
                    after=change.after.title.get(lang) if change.after else "",
                    old=_points(change.before.points) if change.before else "",
                    new=_points(change.after.points) if change.after else "",
                    **_modes(change, lang),
                )
            )
    changed = [total for total in diff.totals if total.changed]
    lines.append(t("catalogues.diff.totals", lang, count=len(changed)))
    for total in changed:
        lines.append(
            t(
                "catalogues.diff.total_line",
                lang,
                id=total.id,
                title=total.title.get(lang),
                old="—" if total.before is None else _points(total.before),
                new="—" if total.after is None else _points(total.after),
            )
        )
    return lines


def _modes(change: ItemChange, lang: str) -> dict[str, str]:
    """How the item is scored and whether it may be excluded, before and after."""
    values = {}
    for side, item in (("before", change.before), ("after", change.after)):
        if item is None:
            values[f"{side}_scoring"] = values[f"{side}_excludable"] = ""
            continue
        values[f"{side}_scoring"] = t(f"workbook.scoring_{item.scoring}", lang)
        values[f"{side}_excludable"] = t(
            "catalogues.excludable" if item.excludable else "catalogues.not_excludable", lang
        )
    return values


def _points(value: Decimal) -> str:
    return display.points(Fraction(value))


def run_move(args: argparse.Namespace) -> int:
    from cli.store_commands import _store
    from domain.errors import Refused
    from store import StoreError
    from store.catalogue_move import MappingError, parse_mapping

    try:
        mapping = parse_mapping(args.map)
    except MappingError as exc:
        print(f"--map: {exc}", file=sys.stderr)
        return USAGE
    store = _store()
    if store is None:
        return REFUSED
    account = None if args.preview else acting(args, store)
    if account is None and not args.preview:
        return REFUSED
    try:
        target = store.register_catalogue(args.to.read_text(encoding="utf-8"), str(args.to))
        audit = store.audit(args.audit_id)
        preview = store.preview_catalogue_move(args.audit_id, target.content_hash, mapping)
        for line in _move_lines(preview, args.lang):
            print(line)
        if args.preview:
            return 0
        assert account is not None
        with acting_as(account.id, account.login):
            moved = store.move_to_catalogue(
                args.audit_id,
                target.content_hash,
                mapping=mapping,
                expected_version=audit.version,
                actor=account.display_name,
                expected_preview=preview,
            )
    except CatalogueError as exc:
        print(f"catalogue refused:\n{exc}", file=sys.stderr)
        return REFUSED
    except Refused as exc:  # in the reader's language, as every coded refusal
        print(
            t("catalogues.cli.move_refused", args.lang, reason=exc.text(args.lang)), file=sys.stderr
        )
        return REFUSED
    except (StoreError, OSError) as exc:
        print(f"move refused, nothing was changed: {exc}", file=sys.stderr)
        return REFUSED
    result = store.round_result(moved.id)
    print(
        t(
            "catalogues.cli.moved",
            args.lang,
            audit=moved.id,
            round=moved.round_no,
            catalogue=target.id,
            score=result["score_display"],
        )
    )
    return 0


def _move_lines(preview: MovePreview, lang: str) -> list[str]:
    """The move's exact preview: one line per item, then the counts."""
    from store.catalogue_move import Fate

    def status(value: Status | None) -> str:
        return "—" if value is None else t(f"status.{value.value}", lang)

    lines = []
    for m in preview.items:
        lines.append(
            t(
                "catalogues.cli.move_line",
                lang,
                fate=t(f"catalogues.fate.{m.fate.value}", lang),
                source=m.source_id or "—",
                target=m.target_id or "—",
                before=status(m.status_before),
                after=status(m.status_after),
            )
            + (f" [{m.samples[1]}/{m.samples[0]}]" if m.samples else "")
            + (f" — {t(f'catalogues.reset.{m.reason.value}', lang)}" if m.reason else "")
        )
    lines.append(
        t(
            "catalogues.move_summary",
            lang,
            kept=preview.count(Fate.KEPT),
            mapped=preview.count(Fate.MAPPED),
            reset=preview.count(Fate.RESET),
            left=preview.count(Fate.LEFT_BEHIND),
            open=preview.count(Fate.START_OPEN),
            unassessed=len(preview.starting_unassessed),
        )
    )
    return lines
