"""``gbt-audit selfeval import FILE.xlsx [--org ORG_ID] [--out AUDIT.yaml]``: a filled 自评表
(ours of any release, or a body's filled table) brought back, as an audit file or as a new audit
round in the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.acting import acting, add_as_option
from cli.catalogue_commands import _catalogue, read_bounded
from criteria import Catalogue, CatalogueError, default_catalogue
from criteria.workbook import import_workbook
from criteria.workbook_problems import WorkbookError
from dossier.selfeval_import import FilledTable, audit_file_text, read_filled_table
from store.acting import acting_as
from texts import t

REFUSED = 1


def add_selfeval_commands(commands: Any) -> None:
    selfeval = commands.add_parser("selfeval", help="bring back a filled 自评表 (.xlsx)")
    actions = selfeval.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = actions.add_parser(
        "import", help="a filled 自评表 as an audit file (--out) or a new audit round"
    )
    imp.add_argument("table", type=Path, metavar="FILE.xlsx")
    imp.add_argument("--org", type=int, metavar="ORG_ID", help="organisation to import into")
    imp.add_argument("--out", type=Path, metavar="AUDIT.yaml", help="write an audit file instead")
    imp.add_argument(
        "--catalogue",
        type=Path,
        metavar="CATALOGUE",
        help="catalogue (.yaml or .xlsx) the table follows (default: the one the table names "
        "when the store has it, else the bundled one)",
    )
    add_as_option(imp)
    imp.add_argument("--lang", choices=["zh", "en"], default="zh")
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    store = None
    if args.out is None:
        from cli.store_commands import _store

        store = _store()
        if store is None:
            return REFUSED
    catalogue = _pick_catalogue(args, store)
    if catalogue is None:
        return REFUSED
    try:
        data = read_bounded(args.table)
        table = read_filled_table(data, args.table.name, catalogue)
    except OSError as exc:
        print(f"{args.table}: {exc.strerror}", file=sys.stderr)
        return REFUSED
    except WorkbookError as exc:
        print(t("selfeval.cli.refused", args.lang, count=len(exc.problems)), file=sys.stderr)
        print("\n".join(exc.lines(args.lang)), file=sys.stderr)
        return REFUSED
    _notices(table, args.table.name, args.lang)
    if args.out is not None:
        return _write(args, table, catalogue)
    return _into_store(args, store, table, catalogue)


def _pick_catalogue(args: argparse.Namespace, store: Any) -> Catalogue | None:
    if args.catalogue is not None:
        catalogue = _catalogue(args.catalogue)
        if catalogue is None or store is None:
            return catalogue
        try:  # kept in the store verbatim, so the new round can be scored later
            if args.catalogue.suffix.lower() == ".xlsx":
                text = import_workbook(read_bounded(args.catalogue), args.catalogue.name).text
            else:
                text = args.catalogue.read_text(encoding="utf-8")
            return store.register_catalogue(text, args.catalogue.name)
        except (OSError, WorkbookError, CatalogueError) as exc:
            print(f"{args.catalogue}: {exc}", file=sys.stderr)
            return None
    if store is not None:  # the catalogue the table was exported from, when the store has it
        try:
            exported = read_filled_table(
                read_bounded(args.table), args.table.name, default_catalogue()
            ).catalogue_hash
        except (OSError, WorkbookError):
            exported = ""
        for known in store.catalogues():
            if exported and known.content_hash == exported:
                return known
    return default_catalogue()


def _notices(table: FilledTable, name: str, lang: str) -> None:
    if table.notices:
        print(t("selfeval.cli.notices", lang))
        for notice in table.notices[:50]:
            print(f"{name}: {notice.describe(lang)}")
        if len(table.notices) > 50:
            print(t("workbook.more_problems", lang, count=len(table.notices) - 50))


def _write(args: argparse.Namespace, table: FilledTable, catalogue: Catalogue) -> int:
    try:
        args.out.write_text(audit_file_text(table, catalogue, args.table.name), encoding="utf-8")
    except OSError as exc:
        print(f"{args.out}: {exc.strerror}", file=sys.stderr)
        return REFUSED
    print(
        t(
            "selfeval.cli.written",
            args.lang,
            out=args.out,
            items=len(table.items),
            sheet=table.sheet,
            columns=table.columns.describe(),
        )
    )
    return 0


def _into_store(
    args: argparse.Namespace, store: Any, table: FilledTable, catalogue: Catalogue
) -> int:
    from domain.errors import StoreError
    from store.selfeval_import import import_filled_table

    account = acting(args, store)
    if account is None:
        return REFUSED
    try:
        with acting_as(account.id, account.login):
            imported = import_filled_table(
                store,
                table,
                catalogue,
                source=args.table.name,
                organisation_id=args.org,
                actor=account.display_name,
            )
    except StoreError as exc:
        print(t("selfeval.cli.not_imported", args.lang, reason=exc), file=sys.stderr)
        return REFUSED
    result = store.round_result(imported.audit.id)
    print(
        t(
            "selfeval.cli.imported",
            args.lang,
            org=imported.organisation.id,
            name=imported.organisation.profile.name,
            audit=imported.audit.id,
            round=imported.audit.round_no,
            items=imported.items_saved,
            score=result["score_display"],
        )
    )
    return 0
