"""The owner's report as a file (issue 16): the report object of `build_report` — with the
comparison, the looking-ahead sections and the sentences in one language — rendered as a PDF
(report_pdf) or an XLSX workbook (report_xlsx). The CLI's `report --format pdf|xlsx`, `send` and
Обзор's «Отчёт собственнику» downloads all come through `render_file`, so the three hand out the
same file for the same filters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clinic_bi.metrics import Engine, Filters

FORMATS: tuple[str, ...] = ("pdf", "xlsx")
MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def owner_report(source: Engine | Path | str, filters: Filters, lang: str,
                 fixed_costs: str = "none") -> dict[str, Any]:
    """The report object the files are written from: CLI.md's keys, the comparison and the
    looking-ahead sections, the sentences of `changes` in `lang`, the fixed costs as chosen
    ("none": unallocated, "hours": by chair hours)."""
    from clinic_bi.present.report import build_report

    return build_report(source, filters, comparison=True, ahead=True, lang=lang,
                        fixed_costs=fixed_costs)


def render(report: dict[str, Any], filters: Filters, kind: str, lang: str) -> bytes:
    """The bytes of one file of an already built report object."""
    if kind == "pdf":
        from clinic_bi.present import report_pdf

        return report_pdf.render(report, filters, lang)
    if kind == "xlsx":
        from clinic_bi.present import report_xlsx

        return report_xlsx.render(report, filters, lang)
    raise ValueError(f"not a report file format: {kind!r}")


def render_file(source: Engine | Path | str, filters: Filters, kind: str, lang: str,
                fixed_costs: str = "none") -> bytes:
    """Build the report of `filters` and render it as `kind` ('pdf' or 'xlsx')."""
    return render(owner_report(source, filters, lang, fixed_costs), filters, kind, lang)


def file_name(filters: Filters, kind: str, lang: str) -> str:
    """The file's name: «Отчёт 2026-11-01 — 2026-11-30.pdf» / «Report … .pdf»."""
    word = "Отчёт" if lang == "ru" else "Report"
    return f"{word} {filters.date_from:%Y-%m-%d} — {filters.date_to:%Y-%m-%d}.{kind}"
