"""A file checked against its own totals (issue 12, item 11; DATA.md "Loading rules").

An MIS report ends with «Итого» (and often has subtotals per doctor or department): the sum of
the lines loaded is compared with it, and the result says either that they agree or by how
much they differ and what makes the difference (the rejected lines, as far as their amounts
can be read). It is kept in the journal (batches.file_total …) and shown in the CLI and on the
Данные page; `sentence` words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb

from clinic_bi import fmt
from clinic_bi.paths import read_query

# The tables whose lines carry money a file totals (leads' amount is a budget, not a sum).
RECONCILED = ("services", "contracts", "marketing_spend")


@dataclass(frozen=True)
class Reconciliation:
    file_total: Decimal  # the file's own total
    total_source: str  # 'total' (its grand total) or 'subtotals' (their sum: no grand total)
    loaded_total: Decimal  # the lines loaded
    rejected_total: Decimal  # the rejected lines whose amount reads
    rejected_counted: int
    rejected_unread: int  # rejected lines whose amount does not read (or that were not split)

    @property
    def difference(self) -> Decimal:
        return self.file_total - self.loaded_total

    @property
    def agrees(self) -> bool:
        return self.difference == 0

    @property
    def explained(self) -> bool:
        """The rejected lines make exactly the difference."""
        return not self.agrees and self.rejected_unread == 0 and self.rejected_total == self.difference


def reconcile(con: duckdb.DuckDBPyConnection, table: str) -> Reconciliation | None:
    """The file in `parsed` against its totals; None for a table that is not reconciled or a
    file with no total row that has an amount."""
    if table not in RECONCILED:
        return None
    result = con.execute(read_query("ingest", "reconcile.sql"))
    row = dict(zip([d[0] for d in result.description], result.fetchall()[0], strict=True))
    if row["file_total"] is None:
        return None
    return Reconciliation(**row)


def sentence(
    file_total: Decimal, total_source: str, loaded_total: Decimal, rejected_total: Decimal,
    rejected_unread: int, lang: str = "ru",
) -> str:
    """The reconciliation in words, from the journal's figures."""
    what = {("ru", "total"): "итог файла", ("ru", "subtotals"): "сумма промежуточных итогов",
            ("en", "total"): "the file's total",
            ("en", "subtotals"): "the sum of its subtotals"}[(lang, total_source)]
    loaded = exact_amount(loaded_total, lang)
    if loaded_total == file_total:
        return (f"Сумма строк {loaded} = {what}." if lang == "ru"
                else f"The lines add up to {loaded} = {what}.")
    diff = exact_amount(file_total - loaded_total, lang)
    head = (f"Сумма загруженных строк {loaded}, {what} {exact_amount(file_total, lang)}: разница {diff}"
            if lang == "ru" else
            f"The lines loaded add up to {loaded}, {what} is {exact_amount(file_total, lang)}: "
            f"{diff} apart")
    if rejected_unread == 0 and rejected_total == file_total - loaded_total:
        return head + (" — это отклонённые строки." if lang == "ru"
                       else ", which is the rejected lines.")
    if lang == "ru":
        tail = f"; отклонённые строки дают {exact_amount(rejected_total, 'ru')}"
        if rejected_unread:
            tail += f", у {rejected_unread} {fmt.plural_ru(rejected_unread, 'строки', 'строк', 'строк')} сумма не читается"
        return head + tail + ". Проверьте файл."
    tail = f"; the rejected lines make {exact_amount(rejected_total, 'en')}"
    if rejected_unread:
        tail += f", and {rejected_unread} rejected {'line has' if rejected_unread == 1 else 'lines have'} no readable amount"
    return head + tail + ". Check the file."


def exact_amount(value: Decimal, lang: str) -> str:
    """Exact, not rounded to millions: a reconciliation is about the last kopeck."""
    digits = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    return f"{fmt.number(value, lang, digits=digits)} ₽"
