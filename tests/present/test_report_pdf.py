"""The owner's report as a PDF (issue 16): the headline figures read as fmt writes the report's
values, a section without its export names the export, a name full of typst's markup prints as
it is, and the demo clinic fills 4–8 A4 pages in both languages.

The PDF is read back as text with pypdf; its no-break spaces (58 900 ₽ never splits) read as
spaces here, and runs of whitespace as one (a table cell may wrap a long name).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest

from clinic_bi import cli, fmt
from clinic_bi.metrics import Engine, changes
from clinic_bi.present import changes_text, report_pdf, words
from clinic_bi.present.report_files import owner_report, render
from clinic_bi.tables import TABLE_SPECS
from tests.metrics_fixtures import line, make_store, period

ODD_NAME = "Д'Артаньян #1 *тест* $x$ <a> [b] @c \\d"
MARCH = period("2026-03-01", "2026-03-31")


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace(fmt.NBSP, " "))


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def march_store(tmp_path: Path) -> Path:
    """Three visits of two patients in March 2026, services only (no leads, no schedule):
    p1 on the 2nd (two lines, one visit: 1 241 000 + 2 500), p2 on the 10th with the doctor of
    the odd name (3 000), p1 again on the 20th (3 500)."""
    return make_store(tmp_path, services=[
        line("2026-03-02", "p1", "Иванова А. С.", 1_241_000, department="Ортопедия"),
        line("2026-03-02", "p1", "Иванова А. С.", 2_500, department="Ортопедия"),
        line("2026-03-10", "p2", ODD_NAME, 3_000, department="Терапия"),
        line("2026-03-20", "p1", "Иванова А. С.", 3_500, department="Терапия"),
    ])  # fmt: skip


@pytest.fixture(scope="module")
def march(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    report = owner_report(march_store(tmp_path_factory.mktemp("march")), MARCH, "ru")
    return report, pdf_text(render(report, MARCH, "pdf", "ru"))


def test_headline_figures_read_as_fmt_writes_the_reports_values(march: tuple[dict, str]) -> None:
    report, text = march
    summary = report["summary"]
    # worked out by hand from the lines: 1 241 000 + 2 500 + 3 000 + 3 500
    assert summary["revenue"] == 1_250_000 and summary["visits"] == 3
    assert summary["patients"] == 2 and summary["new_patients"] == 2
    for shown in ("1,3 млн ₽", "3", "2", "416 667 ₽"):  # revenue, visits, patients, check
        assert f" {shown} " in text
    for key in ("revenue", "avg_check", "return_rate", "ltv"):
        assert report_pdf.figures.show(key, summary[key], "ru") in text
    assert "Данные по 20.03.2026" in text
    assert "Отчёт клиники за 01.03.2026 — 31.03.2026" in text


def test_a_month_missing_before_is_named_instead_of_a_change(march: tuple[dict, str]) -> None:
    """March against February and March 2025, neither of which the store holds: the cards say
    so (as Обзор's cards) rather than print a change."""
    report, text = march
    revenue = next(r for r in report["comparison"]["figures"] if r["metric"] == "revenue")
    assert revenue["change"] is None and revenue["gaps"] == ["2026-02"]
    assert "пред. период: нет данных за фев 2026" in text
    assert "год назад: нет данных за мар 2025" in text
    assert "+" not in text.split("Сводка", 1)[1].split("Что изменилось", 1)[0]


def test_a_store_without_leads_says_the_funnel_needs_the_leads_export(
    march: tuple[dict, str],
) -> None:
    _, text = march
    leads = TABLE_SPECS["leads"]
    funnel = text.split("Воронка: заявка → запись → визит → договор", 1)[1].split("Маркетинг")[0]
    assert f"Для этого раздела нужны данные «{leads.title[0]}»" in funnel
    assert f"Загрузите {leads.export[0]} на странице «Данные»" in funnel
    assert "0 %" not in funnel  # no zeros for a funnel that was never loaded
    spend = TABLE_SPECS["marketing_spend"]
    assert f"нужны данные «{spend.title[0]}»" in text.split("Маркетинг", 1)[1]


def test_a_name_with_typsts_markup_prints_verbatim(march: tuple[dict, str]) -> None:
    _, text = march
    assert ODD_NAME in text


def test_prose_ties_numbers_units_and_short_words() -> None:
    nb = fmt.NBSP
    assert report_pdf.prose('выросла на 12 345 ₽ (+26 %) в "Улыбке" — и всё', "ru") == (
        f"выросла на{nb}12{nb}345{nb}₽ (+26{nb}%) в{nb}«Улыбке»{nb}— и{nb}всё")
    assert report_pdf.prose('rose by 32.9M ₽ at "Smile"', "en") == f"rose by 32.9M{nb}₽ at “Smile”"


def test_without_source_sans_the_text_falls_back_to_an_embedded_face(
    march: tuple[dict, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    report, text = march
    monkeypatch.setattr(report_pdf, "_font_dir", lambda: None)
    pdf = report_pdf.render(report, MARCH, "ru")
    fonts = {str(f.get_object()["/BaseFont"]) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
             for f in page["/Resources"]["/Font"].values()}  # fmt: skip
    assert fonts and all("NewCM" in f for f in fonts), fonts
    assert ODD_NAME in pdf_text(pdf) and "1,3 млн ₽" in pdf_text(pdf)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_pdf")
    assert cli.main(["demo", str(out / "exports"), "--patients", "300", "--seed", "7",
                     "--end", "2026-11-30", "--load", "--db", str(out / "demo.duckdb")]) == 0
    return out / "demo.duckdb"  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_demo_clinic_fills_four_to_eight_pages(demo_store: Path, lang: str) -> None:
    f = period("2025-12-01", "2026-11-30")  # the last twelve months
    report = owner_report(demo_store, f, lang)
    pdf = render(report, f, "pdf", lang)
    assert 4 <= pages(pdf) <= 8
    text = pdf_text(pdf)
    revenue = fmt.money(report["summary"]["revenue"], lang)
    assert revenue in text
    for heading in (("Прогноз", "План", "Врачи", "Воронка", "Рентабельность", "Кого позвать")
                    if lang == "ru" else
                    ("Forecast", "Plan", "Doctors", "Funnel", "Margins", "Whom to call")):  # fmt: skip
        assert heading in text


def test_the_workbooks_three_sentences_are_obzors_ranked_not_the_first_three(
    demo_store: Path,
) -> None:
    """In the demo's October 2026 the rules' order puts the departments right after the total,
    while by money an acquisition channel's change comes before them: the workbook shows
    Обзор's three (changes_text's ranking), as the mail's body does."""
    october = period("2026-10-01", "2026-10-31")
    with Engine(demo_store) as engine:
        found = changes.changes(engine, october, "previous")
    ranked = [s.text for s in changes_text.top_sentences(found, "ru")]
    assert ranked != changes_text.report_lines(found, "ru")[:3]  # the demo tells them apart
    book = openpyxl.load_workbook(io.BytesIO(render(owner_report(demo_store, october, "ru"),
                                                    october, "xlsx", "ru")))  # fmt: skip
    cells = [c.value for c in book.worksheets[0]["A"]]
    at = cells.index(words.t("report_changes", "ru"))
    assert cells[at + 1:at + 4] == ranked
