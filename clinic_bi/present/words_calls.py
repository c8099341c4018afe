"""The phrases of the calls page (Кого позвать) and its report section, in Russian and English
(merged into clinic_bi/present/words.py PHRASES; keys start with the feature's prefix)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # the text report (clinic_bi/present/report_ahead.py)
    "call_report_as_of": ("на {day}", "as of {day}"),
    "call_title": ("Кого позвать", "Whom to call"),
    "call_as_of": (
        "Списки на {day} — последний день данных, а не сегодняшнюю дату: пациент, который "
        "вернулся, уйдёт из списка сам со следующей загрузкой. Период фильтра к спискам не "
        "применяется; врач, направление и филиал — применяются.",
        "Lists as of {day}, the last day of the data, not today's date: a patient who came back "
        "leaves the list by themselves with the next upload. The period filter does not apply "
        "to the lists; doctor, department and branch do.",
    ),
    "call_no_names": (
        "Имён и телефонов в программе нет: найдите пациента в МИС по номеру карты. «Без карты» "
        "— пациент записан без номера карты: ищите запись в расписании по дате, времени и врачу.",
        "The app holds no names or phones: find the patient in the MIS by the card number. "
        "“No card” means the schedule named the patient without a card number: find the "
        "appointment in the schedule by its date, time and doctor.",
    ),
    "call_summary": (
        "{n:пациент ждёт|пациента ждут|пациентов ждут} звонка на {value}",
        "{n:patient is|patients are} waiting for a call, {value} at stake",
    ),
    "call_summary_none": ("Звонить сейчас некому.", "Nobody to call right now."),
    "call_summary_help": (
        "Разные пациенты во всех четырёх списках; сумма — по каждому пациенту его наибольшая "
        "ценность в любом из списков (пациент в двух списках считается один раз).",
        "Distinct patients over the four lists; the sum takes each patient's largest value in "
        "any list (a patient in two lists counts once).",
    ),
    "call_tab": ("{name} · {n} · {value}", "{name} · {n} · {value}"),
    "call_list_lapsed": ("Давно не были", "Lapsed"),
    "call_list_missed": ("Не пришли и не записались", "Missed, not rebooked"),
    "call_list_plans": ("Планы лечения", "Treatment plans"),
    "call_list_recall": ("Гигиена, {month}", "Hygiene due, {month}"),
    "call_about_lapsed": (
        "Последний визит был раньше, чем N месяцев назад (N — по направлению последнего визита, "
        "см. настройки), но не раньше, чем {within:месяц|месяца|месяцев} назад (кто не был "
        "дольше, скорее всего, сменил клинику), и записи вперёд нет. Ценность — средняя "
        "выручка пациента за год: вся его выручка / число лет от первого визита (не меньше 1).",
        "The last visit was more than N months ago (N by the last visit's department, see the "
        "settings) but within the last {within:month|months} (a patient away longer has most "
        "likely changed clinic), and there is no appointment ahead. Value: the patient's "
        "average yearly revenue, all their revenue / the years since the first visit (at "
        "least 1).",
    ),
    "call_about_missed": (
        "Неявка или отмена за последние {m:день|дня|дней}, после которой прошло не меньше "
        "{n:дня|дней|дней}, а новой записи и визита так и нет. Ценность — средняя выручка "
        "пациента за год; у пациента без визитов — средний чек врача.",
        "A no-show or cancellation in the last {m:day|days}, at least {n:day|days} ago, with "
        "no later appointment and no visit since. Value: the patient's average yearly revenue; "
        "for a patient with no visit, the doctor's average check.",
    ),
    "call_about_plans": (
        "Договор или план лечения, по которому осталось к оплате: сумма минус выручка пациента "
        "с дня подписания (в направлении договора, если оно есть среди визитов, иначе во всех). "
        "Пациент не был {k:день|дня|дней} и не записан. Ценность — остаток.",
        "A contract or treatment plan with money left: its amount less the patient's revenue "
        "from the signing day (in the contract's department when the visits know it, else in "
        "all). The patient has not come for {k:day|days} and is not booked. Value: the amount "
        "left.",
    ),
    "call_about_recall": (
        "Последняя гигиена + интервал направления (по умолчанию 6 месяцев) приходится на "
        "{month}, и записи вперёд нет. Гигиена — направление, в названии которого есть "
        "«гигиен» или «hygien». Ценность — средняя выручка пациента за год.",
        "The last hygiene visit plus the department's interval (6 months by default) falls in "
        "{month}, and there is no appointment ahead. Hygiene: a department whose name contains "
        "“гигиен” or “hygien”. Value: the patient's average yearly revenue.",
    ),
    "call_empty": ("В этом списке сейчас никого.", "Nobody in this list right now."),
    "call_shown_head": (
        "Показаны {shown} самых ценных из {n}; весь список — в файлах Excel и CSV под таблицей.",
        "The {shown} most valuable of {n} are shown; the whole list is in the Excel and CSV "
        "files under the table."),
    "call_no_card": ("без карты", "no card"),
    "call_pending_lapsed": (
        "нет визита {months} мес. (интервал {n} мес.)",
        "no visit for {months} mo. (interval {n} mo.)",
    ),
    "call_pending_no_show": ("не пришёл {day}, не записан", "did not come on {day}, not rebooked"),
    "call_pending_cancelled": (
        "отменил {day}, не записан", "cancelled on {day}, not rebooked"
    ),
    "call_pending_not_started": (
        "план не начат (подписан {day})", "plan not started (signed {day})"
    ),
    "call_pending_not_finished": (
        "план не закончен: оплачено {paid} из {amount}",
        "plan not finished: {paid} of {amount} paid",
    ),
    "call_pending_recall": ("гигиена к {day}", "hygiene due {day}"),
    "call_value_doctor": (
        "{value} (средний чек врача)", "{value} (the doctor's average check)"
    ),
    # the settings
    "call_settings": ("Настройки списков", "List settings"),
    "call_settings_readonly": (
        "Менять настройки может менеджер; вы видите их только для чтения.",
        "A manager can change the settings; you see them read-only.",
    ),
    "call_settings_months": (
        "Через сколько месяцев без визита пациент «давно не был», по направлениям. Направление "
        "без своей строки получает значение по умолчанию.",
        "After how many months without a visit a patient is lapsed, per department. A "
        "department without its own row gets the default.",
    ),
    "call_settings_department": ("Направление", "Department"),
    "call_settings_interval": ("Месяцев", "Months"),
    "call_settings_default": ("По умолчанию, месяцев", "Default, months"),
    "call_settings_missed_days": (
        "Неявки и отмены за последние, дней", "No-shows and cancellations of the last, days"
    ),
    "call_settings_rebook_days": (
        "Дней на повторную запись", "Days to rebook before listing"
    ),
    "call_settings_plan_days": (
        "План: дней без визита", "Plans: days without a visit"
    ),
    "call_settings_within": (
        "«Давно не были»: не дольше, месяцев",
        "Lapsed: last visit within, months",
    ),
    "call_settings_save": ("Сохранить настройки", "Save the settings"),
    "call_settings_saved": ("Настройки сохранены.", "Settings saved."),
    "call_settings_invalid": ("Настройки не сохранены: {error}", "Settings not saved: {error}"),
    "call_settings_busy": (
        "Хранилище занято загрузкой; настройки не сохранены, повторите позже.",
        "The store is busy with a load; settings not saved, try again later.",
    ),
    "call_settings_busy_read": (
        "Хранилище занято загрузкой: списки посчитаны с настройками по умолчанию.",
        "The store is busy with a load: the lists use the default settings.",
    ),
    # the report
    "call_report_title": ("Кого позвать", "Whom to call"),
}

# Column names of the call lists (the lead merges them into words.COLUMNS).
COLUMNS: dict[str, tuple[str, str]] = {
    "card": ("Карта", "Card"),
    "contract_id": ("Договор", "Contract"),
    "last_visit_date": ("Последний визит", "Last visit"),
    "last_hygiene_date": ("Последняя гигиена", "Last hygiene"),
    "missed_at": ("Запись", "Appointment"),
    "pending": ("Что ждёт", "Pending"),
    "call_value": ("Ценность, ₽", "Value, ₽"),
    "amount_left": ("Остаток, ₽", "Amount left, ₽"),
}
