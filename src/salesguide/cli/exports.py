"""``salesguide export <companies|contacts|sales|activities> [-o FILE] [--language nl|en] [filters]``.

The same files as the lists' export on the web and ``?format=`` in the API (``queries.list_files``, written by
``reporting.files``): CSV or XLSX by the file's extension, CSV on standard output without ``-o``. The filters are
the lists' own, named the way an operator types them (a sale type, stage, owner or company by name or id). The
command runs as the operator, who sees every sale and everyone's activities. Headers, labels and numbers are in
``--language`` (default: the installation's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.domain.file_columns import EXPORTABLE
from salesguide.models import SaleStatus
from salesguide.queries import activity_list, customers, list_files, sale_list
from salesguide.reporting.files import csv_chunks, write_xlsx
from salesguide.services.clock import now_for
from salesguide.services.guide_files import find_sale_type


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class ExportCommand(BaseCommand):
    help = "Export companies, contacts, sales or activities as CSV or XLSX, with the filters of their lists."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{" + ",".join(EXPORTABLE) + "}")
        parsers = {kind: kinds.add_parser(kind, help=f"Export the {kind} list.") for kind in EXPORTABLE}
        for kind, sub in parsers.items():
            sub.add_argument(
                "-o", "--output", help="Write to this .csv or .xlsx file instead of CSV on standard output."
            )
            sub.add_argument("--language", choices=["nl", "en"], help="Headers and numbers in this language.")
            if kind != "activities":
                sub.add_argument("-q", "--search", dest="q", help="Words that must each appear in the item.")
        sales = parsers["sales"]
        sales.add_argument("--sale-type", help="A sale type's name or id.")
        sales.add_argument("--stage", help="A stage's name or id.")
        sales.add_argument("--status", choices=[status.value for status in SaleStatus])
        sales.add_argument("--owner", help="A user name or id.")
        sales.add_argument("--company", help="A company's name or id.")
        sales.add_argument(
            "--stale",
            action="store_true",
            help="Only stale sales (open, longer in the stage than expected, nothing planned).",
        )
        parsers["contacts"].add_argument("--company", help="A company's name or id.")
        activities = parsers["activities"]
        activities.add_argument("--owner", help="A user name or id.")
        activities.add_argument("--sale", help="A sale's title or id.")
        done = activities.add_mutually_exclusive_group()
        done.add_argument(
            "--completed", dest="completed", action="store_const", const=True, help="Only completed ones."
        )
        done.add_argument("--open", dest="completed", action="store_const", const=False, help="Only open ones.")
        activities.add_argument("--from", dest="starts_from", type=_day, help="Starting on or after this day (ISO).")
        activities.add_argument("--to", dest="starts_to", type=_day, help="Starting on or before this day (ISO).")
        activities.add_argument("--period", choices=[period.value for period in activity_list.Period], default="all")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options.get("output")
        suffix = Path(output).suffix.lower() if output else ".csv"
        if suffix not in (".csv", ".xlsx"):
            raise CommandError(_("Name the file .csv or .xlsx: the export writes CSV or XLSX."))
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            with domain_errors_as_command_errors():
                made = self.list_file(options["kind"], options)
            counted = _Counted(made.rows)
            if output is None:
                for chunk in self.csv(made, counted):
                    self.stdout.write(chunk.decode("utf-8").removeprefix("\ufeff"), ending="")
                return
            try:
                with Path(output).open("wb") as target:
                    if suffix == ".csv":
                        for chunk in self.csv(made, counted):
                            target.write(chunk)
                    else:
                        title = _(list_files.TITLES[made.kind])
                        language = translation.get_language() or "en"
                        write_xlsx(
                            target,
                            made.columns,
                            counted,
                            translate=_,
                            language=language,
                            title=title,
                            labels=made.labels,
                        )
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": error.strerror}
                ) from None
            self.stdout.write(
                ngettext("Exported %(count)d row to %(file)s.", "Exported %(count)d rows to %(file)s.", counted.count)
                % {"count": counted.count, "file": output}
            )

    def csv(self, made: list_files.ListFile, rows: Iterator[tuple[Any, ...]]) -> Iterator[bytes]:
        decimal_mark = str(get_format("DECIMAL_SEPARATOR"))
        return csv_chunks(made.columns, rows, translate=_, decimal_mark=decimal_mark, labels=made.labels)

    def list_file(self, kind: str, options: dict[str, Any]) -> list_files.ListFile:
        def named(what: str) -> int | None:
            reference = options.get(what)
            return None if reference is None else list_files.named_id(what, str(reference))

        if kind == "companies":
            return list_files.company_file(customers.CompanyFilters(q=options.get("q")))
        if kind == "contacts":
            return list_files.contact_file(customers.ContactFilters(q=options.get("q"), company=named("company")))
        if kind == "sales":
            sale_type = options.get("sale_type")
            filters = sale_list.SaleFilters(
                sale_type=find_sale_type(sale_type).pk if sale_type else None,
                stage=named("stage"),
                status=options.get("status"),
                owner=named("owner"),
                company=named("company"),
                q=options.get("q"),
                stale=bool(options.get("stale")),
            )
            return list_files.sale_file(filters)
        activity_filters = activity_list.ActivityFilters(
            sale=named("sale"),
            owner=named("owner"),
            completed=options.get("completed"),
            starts_from=options.get("starts_from"),
            starts_to=options.get("starts_to"),
            period=activity_list.Period(options.get("period") or "all"),
        )
        return list_files.activity_file(None, activity_filters, now=now_for(None))


class _Counted(Iterator[tuple[Any, ...]]):
    """The rows, counting them as they go by (for the line that says how many were written)."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.count = 0

    def __next__(self) -> tuple[Any, ...]:
        row = next(self.rows)
        self.count += 1
        return row
