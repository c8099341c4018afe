"""Words below the app: how the columns that are not figures are named (a doctor, a month), the
tables' names, names of values that come from the data, and the phrases of the charts and of the
text report, in Russian and English.

The figures themselves (revenue, return rate …) are named in clinic_bi/present/figures.py; `label()` and
`show()` here cover both, so clinic_bi/present/charts/ and clinic_bi/present/report.py need nothing of the app
(clinic_bi/app/i18n.py builds its words on these).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clinic_bi import fmt, periods
from clinic_bi.present import (
    figures,
    words_calls,
    words_changes,
    words_forecast,
    words_margins,
    words_plan,
    words_report_file,
)
from clinic_bi.tables import TABLE_SPECS

# -- columns that are not figures: names of rows, months, the coverage table -------------------

COLUMNS: dict[str, tuple[str, str]] = {
    "main_department": ("Основное направление", "Main department"),
    "doctor": ("Врач", "Doctor"),
    "department": ("Направление", "Department"),
    "branch": ("Филиал", "Branch"),
    "service": ("Услуга", "Service"),
    "abc": ("ABC", "ABC"),
    "month": ("Месяц", "Month"),
    "channel": ("Канал", "Channel"),
    "operator": ("Оператор", "Operator"),
    "weekday": ("День недели", "Weekday"),
    "cohort_month": ("Когорта (месяц первого визита)", "Cohort (month of first visit)"),
    "month_offset": ("Месяцев после первого визита", "Months after the first visit"),
    "rows": ("Строк", "Rows"),
    "table": ("Таблица", "Table"),
    "kind_of_visit": ("Вид визита", "Kind of visit"),
}

# A short table header where the full name would widen the column (figures have their own).
SHORT_COLUMNS: dict[str, tuple[str, str]] = {
    "main_department": ("Направление", "Department"),
}

# -- table names (the kinds of export) ---------------------------------------------------------

# Declared with the tables (clinic_bi/tables.py).
TABLES: dict[str, tuple[str, str]] = {name: spec.title for name, spec in TABLE_SPECS.items()}


# -- values that come from the data but have a name in the app ----------------------------------

VALUES: dict[str, tuple[str, str]] = {
    "unknown": ("не указан", "not given"),
    "other": ("прочие", "others"),
    "first": ("первичные", "first"),
    "returning": ("повторные", "returning"),
    "none": ("без указания", "not given"),
}


# -- phrases of the charts (clinic_bi/present/charts/) and of the text report (clinic_bi/present/report.py) ----

PHRASES: dict[str, tuple[str, str]] = {
    "trend_title": ("Выручка по месяцам", "Revenue by month"),
    "scatter_title": ("Загрузка и средний чек", "Load and average check"),
    "scatter_unnamed": (
        "Размер точки — выручка. Ещё {n:врач|врача|врачей} без подписи: имя — при наведении "
        "на точку.",
        "Point size is revenue. {n:doctor|doctors} more without a label: hover a point for the "
        "name.",
    ),
    "q_busy_low": ("плотная запись, низкий чек", "busy schedule, low check"),
    "q_free_high": ("свободная запись, высокий чек", "free schedule, high check"),
    "q_busy_high": ("плотная запись, высокий чек", "busy schedule, high check"),
    "q_free_low": ("свободная запись, низкий чек", "free schedule, low check"),
    "load_axis": ("Визиты за период (загрузка)", "Visits in the period (load)"),
    "traffic_vs_money": ("Кто приводит пациентов, а кто приносит деньги", "Who brings patients, who brings money"),
    "pareto_title": ("ABC-анализ: накопленная доля выручки", "ABC / Pareto: cumulative revenue share"),
    "pareto_x": ("Услуги по убыванию выручки", "Services, largest revenue first"),
    "quantity_log": ("Количество (лог. шкала)", "Quantity (log scale)"),
    "per_hour_log": ("Выручка в час (лог. шкала)", "Revenue per hour (log scale)"),
    "cohort_short": ("Когорта", "Cohort"),
    "hour_title": ("Объём и выручка в час", "Volume and revenue per hour"),
    "hour_caption": (
        "Внизу справа — услуги, которые занимают время врача и приносят мало.",
        "Bottom right: services that take the doctor's time and bring little.",
    ),
    "first_vs_returning": ("Первичные и повторные визиты", "First and returning visits"),
    "heatmap_title": ("Когорты: доля вернувшихся по месяцам", "Cohorts: share coming back each month"),
    "ltv_curves_title": ("LTV когорт: накопленная выручка на пациента", "Cohort LTV: cumulative revenue per patient"),
    "funnel_steps_title": ("Заявка → запись → визит → договор", "Lead → booking → visit → contract"),
    "step": ("Шаг", "Step"),
    "count": ("Количество", "Count"),
    # what a bar chart leaves out, written under its title (never a "прочие" bar)
    # the count after a colon: no verb to agree with it ("ещё 1 не показаны")
    "others_sum": ("Не вошли в график: ещё {n}, вместе {value}.", "{n} more not shown: {value} together."),
    "others_hidden": ("Не вошли в график: ещё {n}.", "{n} more not shown."),
    "vs_clinic_axis": ("Разница с клиникой", "Difference from the clinic"),
    "heat_by_column": (
        "Цвет сравнивает значения внутри столбца: у каждого шага свой масштаб.",
        "Colour compares the values within a column: each step has its own scale.",
    ),
    "ltv_newest": ("Показаны последние когорты: {n}.", "Shown: the newest cohorts, {n}."),
    "hour_named": (
        "Внизу справа — услуги, которые занимают время врача и приносят мало. Больше всего "
        "часов из них заняли (номера на графике):",
        "Bottom right: services that take the doctor's time and bring little. Of them, these "
        "took the most hours (numbered on the chart):",
    ),
    "rated_value": ("{value} ({n})", "{value} ({n})"),
    "reviews_in_brackets": ("В скобках — число отзывов.", "In brackets: the number of reviews."),
    "few_reviews": (
        "Серым — меньше {m:отзыва|отзывов|отзывов}: в рейтинге не участвуют.",
        "Grey: fewer than {m:review|reviews}, not ranked.",
    ),
    "wait_spread": (
        "Клиника — {clinic} (линия нуля); у врачей от {low} до {high}.",
        "The clinic: {clinic} (the zero line); doctors from {low} to {high}.",
    ),
    "spend_vs_new": ("Расходы и новые пациенты по месяцам", "Spend and new patients by month"),
    "coverage": ("Покрытие: какие месяцы есть в данных", "Coverage: which months the data hold"),
    "coverage_missing": ("пропуск", "missing"),
    "coverage_present": ("есть", "present"),
    # the text report (python -m clinic_bi report)
    "report_title": ("Отчёт клиники за {start} — {end}", "Clinic report {start} — {end}"),
    "report_data_end": ("данные по {day}", "data up to {day}"),
    "report_no_data": ("нет данных", "no data"),
    "report_filters": ("Фильтры", "Filters"),
    "report_windows": (
        "окно возврата {h} дн., окно воронки {w} дн.",
        "return window {h:day|days}, funnel window {w:day|days}",
    ),
    "report_doctor_filter": ("врач", "doctor"),
    "report_department_filter": ("направление", "department"),
    "report_branch_filter": ("филиал", "branch"),
    "report_summary": ("Сводка", "Summary"),
    "report_doctors": ("Врачи", "Doctors"),
    "report_departments": ("Направления", "Departments"),
    "report_services": ("Услуги", "Services"),
    "report_monthly": ("По месяцам", "By month"),
    "report_funnel": ("Воронка: заявка → запись → визит → договор", "Funnel: lead → booking → visit → contract"),
    "report_by_channel": ("По каналам", "By channel"),
    "report_by_operator": ("По операторам", "By operator"),
    "report_marketing": ("Маркетинг", "Marketing"),
    "report_appointments": ("Записи на приём", "Appointments"),
    "report_quality": ("Качество сервиса", "Quality of service"),
    "report_comparison": ("Сравнение", "Comparison"),
    "report_forecast": ("Прогноз", "Forecast"),
    "report_plan": ("План", "Plan"),
    "report_changes": ("Что изменилось", "What changed"),
    "report_call_lists": ("Кого позвать", "Whom to call"),
    "report_margins": ("Рентабельность", "Margins"),
    "report_empty": ("нет строк за период", "no rows in the period"),
    "report_previous": ("пред. период", "previous"),
    "report_year_earlier": ("год назад", "year ago"),
    "report_change": ("изм.", "chg."),
    "report_current": ("период", "period"),
    "report_metric": ("показатель", "figure"),
    "report_definitions": ("Что значат показатели", "What the figures mean"),
    "report_gaps": ("нет данных за {months}: изменение не считается",
                       "no data for {months}: no change is computed"),
    "report_ltv_age": ("LTV при равном сроке: за {days:день|дня|дней} после первого визита; LTV на сегодня "
                       "не сравнивается (растёт с возрастом когорты)",
                       "LTV at equal age: within {days:day|days} of the first visit; LTV to date is "
                       "not compared (it grows with the cohort's age)"),
}


# The looking-ahead pages keep their phrases in a module each (words_forecast …); one key, one
# phrase: a key two modules share is an error at import, not a silent override. Their column
# names join COLUMNS the same way (words_changes keeps its generic ones — change, status — to
# its own tables).
for _feature in (words_forecast, words_plan, words_changes, words_calls, words_margins,
                 words_report_file):
    _shared = PHRASES.keys() & _feature.PHRASES.keys()
    if _shared:
        raise KeyError(f"{_feature.__name__}: phrases already defined: {sorted(_shared)}")
    PHRASES.update(_feature.PHRASES)
for _feature in (words_forecast, words_plan, words_calls, words_margins):
    _shared = (COLUMNS.keys() | {f.name for f in figures.FIGURES}) & _feature.COLUMNS.keys()
    if _shared:
        raise KeyError(f"{_feature.__name__}: columns already defined: {sorted(_shared)}")
    COLUMNS.update(_feature.COLUMNS)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ru" else pair[1]


def label(column: str, lang: str) -> str:
    """A column's full name: a figure's (figures.py) or a column's of COLUMNS; else the column."""
    figure = figures.get(column)
    if figure is not None:
        return figure.label(lang)
    pair = COLUMNS.get(column)
    return column if pair is None else _pick(pair, lang)


def short_label(column: str, lang: str) -> str:
    """A table header: the short form where there is one, else label()."""
    figure = figures.get(column)
    if figure is not None:
        return figure.short(lang)
    pair = SHORT_COLUMNS.get(column)
    return label(column, lang) if pair is None else _pick(pair, lang)


def show(column: str, value: Any, lang: str) -> str:
    """A value of a column as text: a figure by figures.show, anything else as a whole number."""
    return figures.show(column, value, lang)


def table_label(table: str, lang: str) -> str:
    pair = TABLES.get(table)
    return table if pair is None else _pick(pair, lang)


def value(key: str, lang: str) -> str:
    return _pick(VALUES[key], lang)


def t(key: str, lang: str, **kwargs: Any) -> str:
    text = _pick(PHRASES[key], lang)
    return fmt.phrase(text, lang, **kwargs) if kwargs else text


def call_lists_month(as_of: date | str, lang: str) -> str:
    """The month the call lists are for, as their titles name it ('дек 2026'): the one after
    the data's last day (`as_of`: a date, or a report section's ISO text)."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of[:10])
    return fmt.month(periods.next_month(day), lang)
