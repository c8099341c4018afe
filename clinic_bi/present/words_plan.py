"""The phrases of the plan page and its report section, in Russian and English (merged into
clinic_bi/present/words.py PHRASES; keys start with the feature's prefix)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # the text report (clinic_bi/present/report_ahead.py)
    "plan_report_month": ("{month}, данные по {day}", "{month}, data up to {day}"),
    "plan_report_done": ("Сделано", "Done"),
    "plan_report_needed": ("Нужно в раб. день", "Needed per day"),
    "plan_report_projected": ("Прогноз итога", "Projected"),
    "plan_report_status": ("Статус", "Status"),
    "plan_report_no_goals": ("целей на этот месяц нет", "no goals for this month"),
    "plan_title": ("План", "Plan"),
    "plan_intro": (
        "Цели на месяц для клиники, направления или врача: выручка, визиты, новые пациенты. "
        "Каждая цель считается по своему уровню: врач и направление боковой панели здесь не "
        "действуют, период боковой панели выбирает прошлые месяцы.",
        "Monthly goals for the clinic, a department or a doctor: revenue, visits, new patients. "
        "Each goal is counted for its own scope: the sidebar's doctor and department do not "
        "apply here; the sidebar's period picks the past months.",
    ),
    "plan_month": ("Месяц", "Month"),
    "plan_month_now": ("{month} (идёт)", "{month} (in progress)"),
    # -- month to date
    "plan_mtd_title": ("{month}: сделано на {day}", "{month}: done by {day}"),
    "plan_mtd_future": (
        "{month} ещё не начался: данных за него нет, виден только план.",
        "{month} has not begun: there is no data for it yet, only the goals.",
    ),
    "plan_mtd_gap": (
        "Данные заканчиваются {day}: дни до начала месяца не загружены, сделанное не считается.",
        "The data ends on {day}: the days before this month are not loaded, so nothing done is "
        "counted.",
    ),
    "plan_no_goals": (
        "На {month} целей нет. Задайте их в таблице ниже или загрузите файл планов на странице "
        "«Данные».",
        "No goals for {month}. Set them in the table below or load a goals file on the Data page.",
    ),
    "plan_scope_clinic": ("Клиника", "Clinic"),
    "plan_scope_department": ("Направление", "Department"),
    "plan_scope_doctor": ("Врач", "Doctor"),
    "plan_figure_revenue": ("Выручка", "Revenue"),
    "plan_figure_visits": ("Визиты", "Visits"),
    "plan_figure_new_patients": ("Новые пациенты", "New patients"),
    "plan_card_title": ("{scope} · {figure}", "{scope} · {figure}"),
    "plan_done_label": ("Сделано, цель {goal}", "Done, goal {goal}"),
    "plan_share": ("{share} цели", "{share} of the goal"),
    "plan_needed": ("Нужно в рабочий день: {value}", "Needed per working day: {value}"),
    "plan_needed_none": ("Рабочих дней в месяце не осталось", "No working days left this month"),
    "plan_expected": ("По графику к {day}: {value}", "On pace by {day}: {value}"),
    "plan_projected_schedule": (
        "Прогноз на конец месяца: {value} (сделано + записи × явка; записи, которых ещё нет, "
        "не учтены)",
        "Month-end projection: {value} (done + booked × turnout; bookings not yet made are "
        "not counted)",
    ),
    "plan_projected_pace": (
        "Прогноз на конец месяца: {value} (сделано ÷ прошедшие рабочие дни × все рабочие дни)",
        "Month-end projection: {value} (done ÷ working days passed × working days in the month)",
    ),
    "plan_projected_actual": ("Месяц закончился: итог {value}", "The month is over: {value}"),
    "plan_projected_none": (
        "Прогноза нет: рабочие дни месяца ещё не начались, а расписания на них нет",
        "No projection: no working day has passed yet and there is no schedule for them",
    ),
    "plan_workdays": (
        "Рабочих дней: {total}, прошло {passed}, осталось {left} ({source})",
        "Working days: {total}, {passed} passed, {left} left ({source})",
    ),
    "plan_source_schedule": ("по расписанию", "from the schedule"),
    "plan_source_calendar": ("по календарю: пн–сб без праздников", "by the calendar: Mon–Sat "
                             "without public holidays"),
    "plan_source_mixed": ("по расписанию, дальше по календарю",
                          "from the schedule, then by the calendar"),
    "plan_status_green": ("прогноз не ниже цели", "projected at the goal or above"),
    "plan_status_amber": ("прогноз 90–100 % цели", "projected at 90–100 % of the goal"),
    "plan_status_red": ("прогноз ниже 90 % цели", "projected under 90 % of the goal"),
    "plan_status_none": ("статуса нет", "no status"),
    "plan_unknown_name": (
        "«{name}» нет в данных (нет визитов с таким именем): проверьте написание — имя должно "
        "совпадать с именем в фильтре боковой панели",
        "“{name}” is not in the data (no visits under that name): check the spelling — it must "
        "match the name in the sidebar's filter",
    ),
    "plan_status_rule": (
        "Цвет — по прогнозу на конец месяца: зелёный — прогноз не меньше цели, жёлтый — от 90 % "
        "цели, красный — меньше 90 %. Пока не прошёл первый рабочий день месяца, цвета нет: "
        "в прогнозе лишь уже сделанные записи.",
        "The colour follows the month-end projection: green — at least the goal, amber — 90 % "
        "of it or more, red — under 90 %. Until the month's first working day is over there is "
        "no colour: the projection holds only the bookings made so far.",
    ),
    # -- the editor
    "plan_edit_title": ("Цели на {month}", "Goals for {month}"),
    "plan_edit_help": (
        "Строка — одна цель. Имя — для направления или врача, как в фильтре боковой панели "
        "(у клиники имени нет). Удалённая строка или пустая цель снимают цель. Сохранение — "
        "одна запись в журнале загрузок: её можно отменить здесь или на странице «Данные».",
        "One row, one goal. The name is for a department or a doctor, as in the sidebar's "
        "filter (the clinic has none). A deleted row or an empty goal removes the goal. Saving "
        "is one entry of the upload journal: it can be undone here or on the Data page.",
    ),
    "plan_col_scope": ("Уровень", "Scope"),
    "plan_col_name": ("Направление или врач", "Department or doctor"),
    "plan_col_figure": ("Показатель", "Figure"),
    "plan_col_goal": ("Цель", "Goal"),
    "plan_save": ("Сохранить цели", "Save the goals"),
    "plan_saved": ("Сохранено: {n:цель|цели|целей} (загрузка № {batch}).",
                   "Saved: {n:goal|goals} (upload no. {batch})."),
    "plan_nothing_changed": ("Изменений нет: сохранять нечего.",
                             "Nothing changed: nothing to save."),
    "plan_error_no_name": ("У цели направления или врача должно быть имя.",
                           "A department's or a doctor's goal needs the name."),
    "plan_error_negative": ("Цель не может быть меньше нуля.", "A goal cannot be below zero."),
    "plan_error_row": ("Строка {row}: {error}", "Row {row}: {error}"),
    "plan_error_incomplete": ("заполните уровень и показатель", "fill in the scope and the figure"),
    "plan_undo": ("Отменить последнюю правку", "Undo the last change"),
    "plan_page_edit": ("План: правка на странице", "Plan: edited on the page"),
    "plan_undo_what": ("Последняя запись о целях: «{file}», {when}, {n:цель|цели|целей}.",
                       "The last goals entry: “{file}”, {when}, {n:goal|goals}."),
    "plan_undo_file": (
        "Это загрузка файла: её удаляют на странице «Данные», в журнале загрузок.",
        "That is a file upload: it is removed on the Data page, in the upload journal.",
    ),
    "plan_undone": ("Отменено: загрузка № {batch}. Цели вернулись к прежним значениям.",
                    "Undone: upload no. {batch}. The goals are back to what they were."),
    "plan_owner_reads": (
        "Цели задаёт и меняет менеджер; владелец их видит.",
        "A manager sets and changes the goals; the owner sees them.",
    ),
    "plan_upload_link": ("Загрузить файл планов (XLSX/CSV) на странице «Данные»",
                         "Load a goals file (XLSX/CSV) on the Data page"),
    "plan_demo_note": (
        "Это демо-клиника: цели, заданные здесь, хранятся в демо-хранилище. Файл планов "
        "загружается на странице «Данные» в хранилище вашей клиники.",
        "This is the demo clinic: goals set here are kept in the demo store. A goals file loads "
        "on the Data page into your clinic's store.",
    ),
    "plan_upload_help": (
        "Столбцы: месяц, уровень (клиника, направление или отделение, врач), направление или "
        "врач, показатель (выручка, визиты, новые пациенты), цель. Файл — одна загрузка журнала: "
        "более поздняя загрузка или правка заменяет цель, удаление загрузки возвращает прежнюю.",
        "Columns: month, scope (clinic, department, doctor), department or doctor, figure "
        "(revenue, visits, new patients), goal. A file is one upload of the journal: a later "
        "upload or edit replaces a goal, removing the upload brings the earlier one back.",
    ),
    # -- past months
    "plan_past_title": ("Прошлые месяцы: цель и факт", "Past months: goal and actual"),
    "plan_past_none": (
        "За выбранный период нет законченных месяцев с целями.",
        "No finished month with goals in the chosen period.",
    ),
    "plan_past_no_data": (
        "«—» в факте: месяца нет в данных (не загружен) или имя не найдено; это не ноль.",
        "“—” as the actual: the month is not in the data (not loaded) or the name is not found; "
        "it is not zero.",
    ),
    "plan_col_month": ("Месяц", "Month"),
    "plan_col_actual": ("Факт", "Actual"),
    "plan_col_share": ("% цели", "% of goal"),
    "plan_col_note": ("Примечание", "Note"),
    "plan_note_no_data": ("месяца нет в данных", "month not in the data"),
    "plan_note_unknown": ("имени нет в данных", "name not in the data"),
    # -- report
    "plan_report_title": ("План", "Plan"),
}

# Column labels of the page's tables and downloads (to merge into words.COLUMNS).
COLUMNS: dict[str, tuple[str, str]] = {
    "goal_scope": ("Уровень", "Scope"),
    "scope_name": ("Направление или врач", "Department or doctor"),
    "goal_figure": ("Показатель", "Figure"),
    "goal": ("Цель", "Goal"),
    "goal_actual": ("Факт", "Actual"),
    "goal_share": ("% цели", "% of goal"),
}
