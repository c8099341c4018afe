"""The phrases of the owner's report as a file — the PDF (clinic_bi/present/report_pdf.py) and the
XLSX workbook — in Russian and English (merged into clinic_bi/present/words.py PHRASES; keys start
with `rf_`). Figures keep their names in clinic_bi/present/figures.py and the sections their
titles in words.py (`report_*`); only the words around them live here. The XLSX keys follow the
`# --- xlsx` marker at the end (append only)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # --- pdf
    "rf_kicker": ("Отчёт собственнику", "Owner's report"),
    # a section whose export is not loaded (the pages' "needs_data", for a section of the file)
    "rf_needs": (
        "Для этого раздела нужны данные «{table}». Загрузите {export} на странице «Данные».",
        "This section needs “{table}”. Upload {export} on the Data page.",
    ),
    "rf_needs_reviews": (
        "Отзывов нет: для оценок загрузите {export} на странице «Данные».",
        "No reviews: for the ratings, upload {export} on the Data page.",
    ),
    # the headline cards: what a figure is compared with, or why it is not
    "rf_compared": ("{period} {value} · {change}", "{period} {value} · {change}"),
    "rf_compared_none": ("{period} {value}", "{period} {value}"),
    "rf_card_gap": ("{period}: нет данных за {months}", "{period}: no data for {months}"),
    "rf_card_length": ("{period}: другая длина, не сравнивается",
                       "{period}: another length, not compared"),
    "rf_ltv_not_compared": ("не сравнивается: растёт с возрастом когорты",
                            "not compared: it grows with the cohort's age"),
    "rf_ltv_too_young": (
        "не сравнивается: у новых пациентов периода ещё нет 90 дней после первого визита",
        "not compared: the period's new patients have not had 90 days since their first visit",
    ),
    "rf_partial": (
        "Данные по {data_end}: изменения сравнивают {now} с {prev} и с {year} — те же дни.",
        "Data up to {data_end}: the changes compare {now} with {prev} and with {year}, the "
        "same days.",
    ),
    "rf_partial_one": (
        "Данные по {data_end}: изменения сравнивают {now} с теми же днями год назад ({year}).",
        "Data up to {data_end}: the changes compare {now} with the same days a year earlier "
        "({year}).",
    ),
    # charts of Обзор (the page's titles)
    "rf_by_department": ("Выручка по направлениям", "Revenue by department"),
    "rf_top_doctors": ("Врачи с наибольшей выручкой", "Top doctors by revenue"),
    # the rows a ranked table leaves out
    "rf_more_doctors": ("и ещё {n:врач|врача|врачей}, вместе {value}",
                        "and {n:doctor|doctors} more, {value} together"),
    "rf_more_services": ("и ещё {n:услуга|услуги|услуг}, вместе {value}",
                         "and {n:service|services} more, {value} together"),
    "rf_more_services_plain": ("и ещё {n:услуга|услуги|услуг}", "and {n:service|services} more"),
    "rf_more_rows": ("и ещё {n:строка|строки|строк}", "and {n:row|rows} more"),
    # the forecast's months, one table for the three figures
    "rf_forecast_months": ("Прогноз по месяцам", "Forecast by month"),
    # whom to call
    "rf_call_list": ("Список", "List"),
}

# --- xlsx
# The workbook's own words (clinic_bi/present/report_xlsx.py); keys start with `rf_xlsx_`.
_XLSX: dict[str, tuple[str, str]] = {
    "rf_xlsx_subject": ("Отчёт клиники", "Clinic report"),
    "rf_xlsx_comments": (
        "Создано clinic_bi. Числа — числа: деньги в рублях, доли — дроби с форматом процентов.",
        "Made by clinic_bi. Numbers are numbers: money in roubles, ratios as fractions shown as "
        "percentages.",
    ),
    "rf_xlsx_period": ("Период", "Period"),
    "rf_xlsx_data_end": ("Данные по", "Data up to"),
    "rf_xlsx_compared": ("Сравнивается", "Compared"),
    "rf_xlsx_definition": ("Что значит", "What it means"),
    "rf_xlsx_missing_title": ("Не загружены выгрузки", "Exports not loaded"),
    "rf_xlsx_missing_one": (
        "нет листа {sheets} — загрузите {export}",
        "sheet left out: {sheets}; upload {export}",
    ),
    "rf_xlsx_missing_many": (
        "нет листов {sheets} — загрузите {export}",
        "sheets left out: {sheets}; upload {export}",
    ),
    "rf_xlsx_missing_part": (
        "лист {sheets} неполный — загрузите {export}",
        "sheet {sheets} is incomplete; upload {export}",
    ),
    "rf_xlsx_ahead": ("не сравнивается: данные только по {day}",
                      "not compared: the data end on {day}"),
    "rf_xlsx_unequal": (
        "не сравнивается: периоды разной длины ({n:день|дня|дней} и {m:день|дня|дней})",
        "not compared: the periods differ in length ({n:day|days} and {m:day|days})",
    ),
    "rf_xlsx_sheet_funnel": ("Воронка", "Funnel"),
    "rf_xlsx_sheet_quality": ("Качество", "Quality"),
    "rf_xlsx_calls_app": (
        "Сами пациенты (номера карт, врачи, даты) — на странице «Кого позвать» приложения.",
        "The patients themselves (card numbers, doctors, dates) are on the app's Whom to call "
        "page.",
    ),
}
if PHRASES.keys() & _XLSX.keys():
    raise KeyError(f"rf_xlsx phrases already defined: {sorted(PHRASES.keys() & _XLSX.keys())}")
PHRASES.update(_XLSX)
