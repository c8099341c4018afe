"""Every figure once: its kind, its digits, its names in Russian and English, what it means in one
line, and whether up is good. The app (ui/), the text report, the charts and the downloads all
read it, so a figure looks and is called the same everywhere.

    show("revenue", 32_900_000)          -> '32,9 млн ₽'
    show("return_rate", 0.4743, "en")    -> '47.4%'
    show("avg_rating", 4.66)             -> '4,7'
    change_text("ratio", 0.021, None)    -> '+2,1 п.п.'   (a ratio moves in percentage points)
    change_text("money", 10.0, 0.1234)   -> '+12,3 %'     (anything else in per cent)

Kinds are those of metrics.HEADLINE_FIGURES: money (fmt.money: whole roubles, millions with one
decimal), ratio (a fraction shown as a percentage with `digits` decimals), count (a whole number;
`digits` are used only when a value has a fraction: a quantity of 2,5), number (a plain number
with `digits` decimals and an optional unit). The definitions say in plain words what
docs/METRICS.md defines exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from clinic_bi import fmt, periods

KINDS = ("money", "ratio", "count", "number")


@dataclass(frozen=True)
class Figure:
    name: str
    kind: str
    digits: int
    ru: str
    en: str
    ru_short: str
    en_short: str
    definition_ru: str
    definition_en: str
    up_is_good: bool | None  # None: neither (spend, a price)
    unit_ru: str = ""
    unit_en: str = ""

    def label(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en

    def short(self, lang: str) -> str:
        return self.ru_short if lang == "ru" else self.en_short

    def definition(self, lang: str) -> str:
        return self.definition_ru if lang == "ru" else self.definition_en


def _f(name: str, kind: str, digits: int, ru: tuple[str, str], en: tuple[str, str],
       definition: tuple[str, str], up_is_good: bool | None,
       unit: tuple[str, str] = ("", "")) -> Figure:  # fmt: skip
    """ru and en are (full name, short name); a short name of "" is the full one."""
    return Figure(name, kind, digits, ru[0], en[0], ru[1] or ru[0], en[1] or en[0],
                  definition[0], definition[1], up_is_good, unit[0], unit[1])  # fmt: skip


FIGURES: tuple[Figure, ...] = (
    # -- revenue and activity -------------------------------------------------------------------
    _f("revenue", "money", 0, ("Выручка", ""), ("Revenue", ""), (
        "Сумма всех оказанных услуг за период; возвраты и исправления вычитаются.",
        "The sum of all services rendered in the period; refunds and corrections count against it.",
    ), True),
    _f("visits", "count", 0, ("Визиты", ""), ("Visits", ""), (
        "Сколько визитов было за период (один визит — один приход пациента к врачу в день).",
        "How many visits the period had (one visit: a patient seeing a doctor on one day).",
    ), True),
    _f("patients", "count", 0, ("Пациенты", ""), ("Patients", ""), (
        "Сколько разных пациентов пришли за период.",
        "How many different patients came in the period.",
    ), True),
    _f("avg_check", "money", 0, ("Средний чек", "Ср. чек"), ("Average check", "Avg check"), (
        "Выручка, делённая на число визитов: сколько пациент тратит за один визит.",
        "Revenue divided by visits: what a patient spends per visit.",
    ), True),
    _f("revenue_per_patient", "money", 0, ("Выручка на пациента", "На пациента"),
       ("Revenue per patient", "Per patient"), (
        "Выручка, делённая на число пациентов периода.",
        "Revenue divided by the patients of the period.",
    ), True),
    _f("visits_per_patient", "number", 2, ("Визитов на пациента", ""), ("Visits per patient", ""), (
        "Визиты, делённые на пациентов: как часто пациент приходит за период.",
        "Visits divided by patients: how often a patient comes in the period.",
    ), True),
    _f("share", "ratio", 1, ("Доля выручки", "Доля"), ("Revenue share", "Share"), (
        "Доля строки в выручке всей таблицы за период.",
        "The row's part of the whole table's revenue in the period.",
    ), None),
    _f("amount", "money", 0, ("Сумма", ""), ("Amount", ""), (
        "Сумма строки выгрузки.",
        "The amount of a line of the export.",
    ), None),
    # -- first and returning visits -------------------------------------------------------------
    _f("new_patients", "count", 0, ("Новые пациенты", "Новые"), ("New patients", "New"), (
        "Пациенты, чей самый первый визит в клинику пришёлся на период.",
        "Patients whose very first visit to the clinic fell in the period.",
    ), True),
    _f("first_visits", "count", 0, ("Первичные визиты", ""), ("First visits", ""), (
        "Визиты в день первого прихода пациента в клинику.",
        "Visits on the day of a patient's first visit to the clinic.",
    ), True),
    _f("returning_visits", "count", 0, ("Повторные визиты", ""), ("Returning visits", ""), (
        "Визиты пациентов, которые уже бывали в клинике раньше.",
        "Visits of patients who had been to the clinic before.",
    ), True),
    _f("returning_share", "ratio", 1, ("Доля повторных", ""), ("Returning share", ""), (
        "Повторные визиты, делённые на все визиты периода.",
        "Returning visits divided by all visits of the period.",
    ), True),
    # -- return rate ----------------------------------------------------------------------------
    _f("return_rate", "ratio", 1, ("Возвращаемость", "Возврат"), ("Return rate", "Return"), (
        "Доля новых пациентов, пришедших снова в пределах окна возврата после первого визита.",
        "The share of new patients who came again within the return window of their first visit.",
    ), True),
    _f("return_cohort", "count", 0, ("Когорта возврата", ""), ("Return cohort", ""), (
        "Новые пациенты периода, у которых окно возврата уже закончилось: по ним считают возврат.",
        "New patients of the period whose return window has passed: the return rate counts them.",
    ), None),
    _f("returned", "count", 0, ("Вернулись", ""), ("Returned", ""), (
        "Сколько пациентов когорты возврата пришли снова в пределах окна.",
        "How many of the return cohort came again within the window.",
    ), True),
    _f("not_yet_observable", "count", 0, ("Рано судить о возврате", ""), ("Too early to tell", ""), (
        "Новые пациенты, пришедшие слишком недавно: их окно возврата ещё не закончилось.",
        "New patients seen too recently: their return window is not over yet.",
    ), None),
    _f("retention", "ratio", 1, ("Вернулись в этом месяце", ""), ("Came back that month", ""), (
        "Доля когорты (месяц первого визита), пришедшая снова в этот месяц.",
        "The share of a cohort (month of the first visit) that came again in that month.",
    ), True),
    _f("cohort_patients", "count", 0, ("Пациентов в когорте", ""), ("Patients in the cohort", ""), (
        "Сколько пациентов пришли впервые в месяц когорты.",
        "How many patients first came in the cohort's month.",
    ), None),
    # -- LTV ------------------------------------------------------------------------------------
    _f("ltv", "money", 0, ("LTV", ""), ("LTV", ""), (
        "Сколько в среднем принёс новый пациент периода с первого визита по сей день. Растёт с "
        "возрастом когорты, поэтому периоды сравнивают по LTV при равном сроке.",
        "What a new patient of the period has brought on average, from the first visit to date. "
        "It grows with the cohort's age, so periods are compared by LTV at equal age.",
    ), True),
    _f("ltv_at_age", "money", 0, ("LTV при равном сроке", "LTV за срок"),
       ("LTV at equal age", "LTV at age"), (
        "Сколько в среднем принёс новый пациент за одинаковый срок после первого визита (365, 180 "
        "или 90 дней — самый долгий, что есть у пациентов периода): так периоды сравнимы.",
        "What a new patient brought on average within the same time after the first visit (365, "
        "180 or 90 days: the longest the period's patients have had), so periods compare.",
    ), True),
    # A doctor's and a department's own return rate and LTV (the Врачи and Направления tables,
    # METRICS.md "Return rate", "LTV"): their patients are those first seen *by them*, not the
    # clinic's new patients, so the figures have names of their own.
    _f("return_rate_doctor", "ratio", 1, ("Возвращаемость к врачу", "Возврат к врачу"),
       ("Return rate to the doctor", "Return to doctor"), (
        "Доля пациентов, впервые пришедших к врачу за период, кто снова пришёл к нему же в "
        "пределах окна возврата. Пациенты — впервые у этого врача, а не только новые для клиники.",
        "The share of patients first seen by the doctor in the period who came back to the same "
        "doctor within the return window. Patients new to the doctor, not only to the clinic.",
    ), True),
    _f("ltv_doctor", "money", 0, ("LTV у врача", ""), ("LTV with the doctor", ""), (
        "Сколько в среднем принёс врачу пациент, впервые пришедший к нему за период: его "
        "выручка у этого врача по сей день.",
        "What a patient first seen by the doctor in the period has brought the doctor on "
        "average: their revenue with that doctor to date.",
    ), True),
    _f("return_rate_department", "ratio", 1, ("Возвращаемость в направление", "Возврат в напр."),
       ("Return rate to the department", "Return to dept"), (
        "Доля пациентов, впервые пришедших в направление за период, кто снова пришёл в него же в "
        "пределах окна возврата.",
        "The share of patients first seen in the department in the period who came back to it "
        "within the return window.",
    ), True),
    _f("ltv_department", "money", 0, ("LTV в направлении", ""), ("LTV in the department", ""), (
        "Сколько в среднем принёс направлению пациент, впервые пришедший в него за период: его "
        "выручка в этом направлении по сей день.",
        "What a patient first seen in the department in the period has brought it on average: "
        "their revenue there to date.",
    ), True),
    _f("clinic_share", "ratio", 1, ("Доля в выручке клиники", "Доля клиники"),
       ("Share of the clinic's revenue", "Clinic share"), (
        "Выручка строки, делённая на выручку всей клиники за период (с фильтром по филиалу, без "
        "фильтров по врачам и направлениям).",
        "The row's revenue divided by the whole clinic's in the period (the branch filter "
        "applies, the doctor and department filters do not).",
    ), None),
    _f("ltv_12m", "money", 0, ("LTV 12 мес.", ""), ("LTV 12 mo", ""), (
        "Сколько в среднем принёс новый пациент за первые 12 месяцев (кто пришёл год назад и раньше).",
        "What a new patient brought in their first 12 months (those first seen a year ago or more).",
    ), True),
    _f("ltv_cohort", "count", 0, ("Когорта LTV", ""), ("LTV cohort", ""), (
        "Новые пациенты периода, по которым считают LTV.",
        "The new patients of the period that LTV is computed over.",
    ), None),
    # -- services -------------------------------------------------------------------------------
    _f("quantity", "count", 2, ("Количество", ""), ("Quantity", ""), (
        "Сколько раз оказана услуга (строка без количества — один раз).",
        "How many times a service was rendered (a line without a quantity counts once).",
    ), True),
    _f("avg_price", "money", 0, ("Средняя цена", "Ср. цена"), ("Average price", "Avg price"), (
        "Выручка услуги, делённая на её количество.",
        "A service's revenue divided by its quantity.",
    ), None),
    _f("revenue_per_hour", "money", 0, ("Выручка в час", "В час"), ("Revenue per hour", "Per hour"), (
        "Выручка услуги на час времени врача по длительности услуги.",
        "A service's revenue per hour of the doctor's time, by the service's duration.",
    ), True),
    _f("cumulative_share", "ratio", 1, ("Накопленная доля", ""), ("Cumulative share", ""), (
        "Доля выручки этой и всех более доходных услуг (ABC-анализ).",
        "The revenue share of this service and all that earn more (ABC analysis).",
    ), None),
    _f("patients_share", "ratio", 1, ("Доля пациентов", ""), ("Share of patients", ""), (
        "Доля строки в пациентах всей таблицы за период.",
        "The row's part of the whole table's patients in the period.",
    ), None),
    _f("revenue_share", "ratio", 1, ("Доля выручки", ""), ("Share of revenue", ""), (
        "Доля строки в выручке всей таблицы за период.",
        "The row's part of the whole table's revenue in the period.",
    ), None),
    # -- funnel ---------------------------------------------------------------------------------
    _f("leads", "count", 0, ("Заявки", ""), ("Leads", ""), (
        "Заявки (лиды CRM), созданные за период.",
        "Leads (CRM deals) created in the period.",
    ), True),
    _f("booked", "count", 0, ("Записались", ""), ("Booked", ""), (
        "Заявки, по которым пациент записался на приём в пределах окна воронки.",
        "Leads whose patient booked an appointment within the funnel window.",
    ), True),
    _f("visited", "count", 0, ("Пришли", ""), ("Visited", ""), (
        "Заявки, по которым пациент пришёл на приём в пределах окна воронки.",
        "Leads whose patient came to an appointment within the funnel window.",
    ), True),
    _f("contracted", "count", 0, ("Договор", ""), ("Contract", ""), (
        "Заявки, по которым подписан договор в пределах окна воронки.",
        "Leads that led to a signed contract within the funnel window.",
    ), True),
    _f("booking_rate", "ratio", 1, ("Конверсия в запись", "→ запись"), ("Booking rate", "→ booked"), (
        "Записавшиеся, делённые на заявки.",
        "Booked leads divided by all leads.",
    ), True),
    _f("show_rate", "ratio", 1, ("Доходимость", ""), ("Show rate", ""), (
        "Пришедшие, делённые на записавшихся.",
        "Leads that came divided by leads that booked.",
    ), True),
    _f("contract_rate", "ratio", 1, ("Конверсия в договор", "→ договор"),
       ("Contract rate", "→ contract"), (
        "Заключившие договор, делённые на пришедших.",
        "Leads with a contract divided by leads that came.",
    ), True),
    _f("overall_rate", "ratio", 1, ("Заявка → договор", ""), ("Lead → contract", ""), (
        "Заключившие договор, делённые на все заявки: воронка целиком.",
        "Leads with a contract divided by all leads: the whole funnel.",
    ), True),
    # -- appointments ---------------------------------------------------------------------------
    _f("attended", "count", 0, ("Пришли", ""), ("Attended", ""), (
        "Записи на приём за период, на которые пациент пришёл.",
        "Appointments of the period the patient came to.",
    ), True),
    _f("no_show", "count", 0, ("Не пришли", ""), ("No-shows", ""), (
        "Записи на приём за период, на которые пациент не пришёл и не отменил.",
        "Appointments of the period the patient neither came to nor cancelled.",
    ), False),
    _f("cancelled", "count", 0, ("Отменены", ""), ("Cancelled", ""), (
        "Отменённые записи на приём за период.",
        "Appointments of the period that were cancelled.",
    ), False),
    _f("planned", "count", 0, ("Запланированы", ""), ("Planned", ""), (
        "Записи на приём, которые ещё впереди.",
        "Appointments still to come.",
    ), None),
    _f("show_up_rate", "ratio", 1, ("Явка", ""), ("Show-up rate", ""), (
        "Пришедшие, делённые на пришедших и не пришедших (отмены не в счёт).",
        "Attended divided by attended plus no-shows (cancellations left out).",
    ), True),
    _f("no_show_rate", "ratio", 1, ("Доля неявок", ""), ("No-show rate", ""), (
        "Не пришедшие, делённые на пришедших и не пришедших.",
        "No-shows divided by attended plus no-shows.",
    ), False),
    # -- marketing ------------------------------------------------------------------------------
    _f("spend", "money", 0, ("Расходы", ""), ("Spend", ""), (
        "Расходы на рекламу канала за период.",
        "The channel's advertising spend in the period.",
    ), None),
    _f("cac", "money", 0, ("CAC", ""), ("CAC", ""), (
        "Расходы канала, делённые на новых пациентов, пришедших через него; без расходов — «—».",
        "The channel's spend divided by the new patients it brought; none without spend.",
    ), False),
    _f("cpl", "money", 0, ("CPL", ""), ("CPL", ""), (
        "Расходы канала, делённые на его заявки.",
        "The channel's spend divided by its leads.",
    ), False),
    _f("romi", "ratio", 1, ("ROMI", ""), ("ROMI", ""), (
        "Выручка новых пациентов канала минус расходы, делённая на расходы.",
        "The revenue of the channel's new patients less the spend, divided by the spend.",
    ), True),
    _f("new_patient_revenue", "money", 0, ("Выручка новых пациентов", "Выручка новых"),
       ("New patients' revenue", "New pts' revenue"), (
        "Всё, что принесли новые пациенты канала за период, с первого визита по сей день.",
        "All that the channel's new patients of the period have brought, from the first visit "
        "to date.",
    ), True),
    _f("ltv_12m_cohorts", "money", 0, ("LTV 12 мес. (когорты)", "LTV 12 мес."),
       ("LTV 12 mo (cohorts)", "LTV 12 mo"), (
        "Сколько в среднем принёс за первые 12 месяцев новый пациент канала из последних "
        "двенадцати месяцев, у чьих пациентов уже есть год истории (месяцы названы под таблицей).",
        "What a new patient of the channel brought in their first 12 months, over the newest "
        "twelve months whose patients all have a year of history (named under the table).",
    ), True),
    _f("ltv_to_cac_cohorts", "number", 1, ("LTV / CAC (когорты)", "LTV / CAC"),
       ("LTV / CAC (cohorts)", "LTV / CAC"), (
        "LTV 12 мес. этих когорт, делённый на CAC тех же месяцев: во сколько раз пациент "
        "окупает своё привлечение.",
        "The 12-month LTV of those cohorts divided by the CAC of the same months: how many times "
        "a patient repays the cost of acquiring them.",
    ), True),
    # -- quality of service ---------------------------------------------------------------------
    _f("reviews", "count", 0, ("Отзывы", ""), ("Reviews", ""), (
        "Сколько отзывов оставлено за период.",
        "How many reviews were left in the period.",
    ), None),
    _f("avg_rating", "number", 1, ("Средняя оценка", "Оценка"), ("Average rating", "Rating"), (
        "Средняя оценка отзывов за период.",
        "The mean rating of the period's reviews.",
    ), True),
    _f("negative_share", "ratio", 1, ("Доля негативных", "Негатив"),
       ("Negative share", "Negative"), (
        "Доля отзывов с оценкой 3 и ниже из 5 (6 и ниже из 10).",
        "The share of reviews rated 3 or less of 5 (6 or less of 10).",
    ), False),
    _f("timed_appointments", "count", 0, ("Приёмы с известным ожиданием", "С ожиданием"),
       ("Appointments with a known wait", "With a wait"), (
        "Приёмы, у которых известно фактическое начало: по ним считают ожидание.",
        "Attended appointments with a known actual start: the waiting time counts them.",
    ), None),
    _f("avg_wait_min", "number", 1, ("Ожидание", ""), ("Waiting time", ""), (
        "Сколько минут в среднем пациент ждёт приёма сверх назначенного времени.",
        "How many minutes past the appointment time a patient waits on average.",
    ), False, ("мин", "min")),
)  # fmt: skip

BY_NAME: dict[str, Figure] = {f.name: f for f in FIGURES}


def get(name: str) -> Figure | None:
    return BY_NAME.get(name)


def kind(name: str) -> str | None:
    figure = BY_NAME.get(name)
    return None if figure is None else figure.kind


def names_of(kind_: str) -> frozenset[str]:
    return frozenset(f.name for f in FIGURES if f.kind == kind_)


def _whole(value: Any) -> bool:
    try:
        return float(value).is_integer()
    except (TypeError, ValueError):
        return False


def show(name: str, value: Any, lang: str = "ru", *, nbsp: bool = False) -> str:
    """A figure's value as text in `lang`, by its kind and digits (fmt.py does the writing). A
    name that is not a figure is shown as a whole number."""
    figure = BY_NAME.get(name)
    if figure is None:
        return fmt.number(value, lang, nbsp=nbsp)
    if figure.kind == "money":
        return fmt.money(value, lang, nbsp=nbsp)
    if figure.kind == "ratio":
        return fmt.percent(value, lang, figure.digits, nbsp=nbsp)
    if figure.kind == "count":
        return fmt.number(value, lang, 0 if _whole(value) else figure.digits, nbsp=nbsp)
    text = fmt.number(value, lang, figure.digits, nbsp=nbsp)
    unit = figure.unit_ru if lang == "ru" else figure.unit_en
    if unit and text != fmt.DASH:
        text += f"{fmt.NBSP if nbsp else ' '}{unit}"
    return text


POINTS = {"ru": "п.п.", "en": "pp"}


def change_text(
    kind_: str, change: Any, change_rel: Any, lang: str = "ru", *, signed: bool = True
) -> str | None:
    """A change between two periods: in percentage points for a ratio (+2,1 п.п.: `change` is a
    difference of fractions), in per cent of the other value for anything else (+12,3 %:
    `change_rel`). None when there is nothing to compare with. `signed` writes a plus before a
    rise and takes the sign from the unrounded value (a KPI card: st.metric colours a delta by
    its ASCII sign); unsigned is fmt.py's own text (the text report)."""
    value = change if kind_ == "ratio" else change_rel
    if fmt.is_missing(value):
        return None
    shown = abs(value) if signed else value
    if kind_ == "ratio":
        text = f"{fmt.number(shown * 100, lang, 1)} {POINTS[lang]}"
    else:
        text = fmt.percent(shown, lang)
    if not signed:
        return text
    return ("+" if value >= 0 else "-") + text


def months_text(months: list[str], lang: str = "ru") -> str:
    """Months 'YYYY-MM' as runs: ['2024-12', '2025-01', '2025-02', '2025-05'] ->
    'дек 2024 — фев 2025, май 2025'."""
    runs: list[list[date]] = []
    for m in sorted(months):
        day = date.fromisoformat(m + "-01")
        if runs and periods.next_month(runs[-1][-1]) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(fmt.month(r[0], lang) if len(r) == 1
                     else f"{fmt.month(r[0], lang)} — {fmt.month(r[-1], lang)}" for r in runs)


def own_names(dimension: str) -> dict[str, str]:
    """A doctor's or a department's own return rate and LTV (their patients are those first seen
    by them, not the clinic's new patients) under the names the registry gives them:
    return_rate -> return_rate_doctor, ltv -> ltv_doctor …"""
    return {"return_rate": f"return_rate_{dimension}", "ltv": f"ltv_{dimension}"}


def amount(figure: str, value: Any, lang: str, nbsp: bool = False) -> str:
    """An amount of the forecast's and the plan's figures (revenue, visits, new patients):
    money for revenue, a plain number otherwise."""
    if figure == "revenue":
        return fmt.money(value, lang, nbsp=nbsp)
    return fmt.number(value, lang, nbsp=nbsp)
