"""Every word the app shows, in Russian (the default) and English.

`t("key", lang)` for a phrase, `label(column, lang)` for a column's name (table headers, axis
titles, tooltips), `show(column, value, lang)` to format a value the way fmt.py does (money as
`32,9 млн ₽`, ratios as percentages). The figures' names, kinds and digits are clinic_bi/present/figures.py's,
the columns, tables and chart phrases the layer below the app shares are clinic_bi/present/words.py's;
this module adds the words of the app alone. A key missing in one language is a test failure
(tests/present/test_charts.py), never an English word on a Russian page.

(Over 400 lines on purpose: it is a declarative table of phrases.)
"""

from __future__ import annotations

from typing import Any

from clinic_bi import fmt
from clinic_bi.present import figures, words
from clinic_bi.present.words import TABLES, VALUES, show, table_label, value
from clinic_bi.tables import FIELD_LABELS, TABLE_SPECS, field_label

__all__ = ["FIELDS", "LANGS", "TABLES", "VALUES", "field_label", "label", "short_label", "show", "t", "table_label", "value"]

LANGS = ("ru", "en")

# -- columns of the app's own tables (the upload journal, the coverage list) -------------------

UI_COLUMNS: dict[str, tuple[str, str]] = {
    "batch_id": ("№", "#"),
    "loaded_at": ("Загружено", "Loaded at"),
    "file_name": ("Файл", "File"),
    "kind": ("Что внутри", "Kind"),
    "rows_loaded": ("Загружено строк", "Rows loaded"),
    "rows_new": ("Новых", "New"),
    "rows_replaced": ("Заменено", "Replaced"),
    "rows_rejected": ("Отклонено", "Rejected"),
    "rows_skipped": ("Пропущено (итоги)", "Skipped (totals)"),
    "period_from": ("Период с", "Period from"),
    "period_to": ("по", "to"),
    "period": ("Период данных", "Data period"),
    "profile": ("Профиль", "Profile"),
    "rows_read": ("Строк в файле", "Rows in file"),
    "error": ("Ошибка", "Error"),
    "status": ("Итог", "Result"),
    "months": ("Месяцев", "Months"),
    "gaps": ("Пропущенные месяцы", "Missing months"),
    "missing_months": ("Пропущено месяцев", "Months missing"),
    "first_month": ("Первый месяц", "First month"),
    "last_month": ("Последний месяц", "Last month"),
    "reconciled": ("Сверка с итогом файла", "Against the file's total"),
}


# Table headers that would make a column wider than its numbers: the short form heads the
# column, the full name is its tooltip and the name in downloads.
UI_SHORT_COLUMNS: dict[str, tuple[str, str]] = {
    "rows_skipped": ("Пропущено", "Skipped"),
    "rows_loaded": ("Строк", "Rows"),
    "rows_read": ("В файле", "In file"),
    "reconciled": ("Сверка", "Check"),
}


# Every column's (full, short) name the app knows, for a look-up or a test: the figures', the
# shared columns' and the app's own.
LABELS: dict[str, tuple[str, str]] = {
    **{f.name: (f.ru, f.en) for f in figures.FIGURES}, **words.COLUMNS, **UI_COLUMNS,
}
SHORT_LABELS: dict[str, tuple[str, str]] = {
    **{f.name: (f.ru_short, f.en_short) for f in figures.FIGURES
       if (f.ru_short, f.en_short) != (f.ru, f.en)},
    **words.SHORT_COLUMNS, **UI_SHORT_COLUMNS,
}  # fmt: skip


def label(column: str, lang: str) -> str:
    pair = UI_COLUMNS.get(column)
    return words.label(column, lang) if pair is None else pair[0 if lang == "ru" else 1]


def short_label(column: str, lang: str) -> str:
    """A table header: the short form where there is one, else label()."""
    pair = UI_SHORT_COLUMNS.get(column)
    if pair is not None:
        return pair[0 if lang == "ru" else 1]
    return words.short_label(column, lang) if column not in UI_COLUMNS else label(column, lang)


# -- the canonical fields a file column can be mapped onto (the mapping editor): declared with
# the tables (clinic_bi/tables.py)

FIELDS = FIELD_LABELS


# -- the exports: which export brings each table (the "upload this" notice), declared with the
# tables (clinic_bi/tables.py)

EXPORTS: dict[str, tuple[str, str]] = {name: spec.export for name, spec in TABLE_SPECS.items()}


# -- phrases (the charts' and the text report's are clinic_bi/present/words.py's) ----------------------

PHRASES: dict[str, tuple[str, str]] = {
    **words.PHRASES,
    "app_title": ("Clinic BI", "Clinic BI"),
    "app_caption": (
        "Аналитика клиники по её собственным выгрузкам",
        "Clinic analytics from the exports you already have",
    ),
    # navigation
    "nav_overview": ("Обзор", "Overview"),
    "nav_doctors": ("Врачи", "Doctors"),
    "nav_departments": ("Направления", "Departments"),
    "nav_services": ("Услуги", "Services"),
    "nav_retention": ("Возвращаемость", "Retention"),
    "nav_funnel": ("Воронка", "Funnel"),
    "nav_marketing": ("Маркетинг", "Marketing"),
    "nav_quality": ("Качество", "Quality"),
    "overview_changes_title": ("Что изменилось", "What changed"),
    "owner_report_title": ("Отчёт собственнику", "The owner's report"),
    "owner_report_caption": (
        "Те же фильтры, что на странице: показатели против прошлого периода и года назад, что "
        "изменилось, прогноз и план, врачи и отделения, возвраты, воронка, маркетинг, качество, "
        "рентабельность (постоянные расходы не распределены). Тот же файл присылает команда "
        "send.",
        "The page's filters: the figures against the previous period and a year ago, what "
        "changed, the forecast and the plan, doctors and departments, returns, the funnel, "
        "marketing, quality, margins (fixed costs not allocated). The send command mails the "
        "same file."),
    "owner_report_prepare": ("Подготовить PDF и Excel", "Prepare the PDF and Excel files"),
    "owner_report_preparing": ("Готовлю отчёт: несколько секунд…",
                               "Preparing the report: a few seconds…"),
    "owner_report_failed": (
        "Не удалось подготовить отчёт. Попробуйте ещё раз; если не выйдет, постройте его "
        "командой python -m clinic_bi report --format pdf и пришлите её вывод разработчикам.",
        "The report could not be prepared. Try again; if it fails again, build it with "
        "python -m clinic_bi report --format pdf and send its output to the developers."),
    "owner_report_pdf": ("Скачать PDF", "Download the PDF"),
    "owner_report_xlsx": ("Скачать Excel", "Download the Excel file"),
    "nav_forecast": ("Прогноз", "Forecast"),
    "nav_plan": ("План", "Plan"),
    "nav_changes": ("Что изменилось", "What changed"),
    "nav_calls": ("Кого позвать", "Whom to call"),
    "nav_margins": ("Рентабельность", "Margins"),
    "nav_data": ("Данные", "Data"),
    # sidebar
    "filters": ("Фильтры", "Filters"),
    "period": ("Период", "Period"),
    "dates": ("Даты", "Dates"),
    "preset_this_month": ("Этот месяц", "This month"),
    "preset_last_month": ("Прошлый месяц", "Last month"),
    "preset_this_quarter": ("Этот квартал", "This quarter"),
    "preset_this_year": ("Этот год", "This year"),
    "preset_last_12m": ("Последние 12 месяцев", "Last 12 months"),
    "preset_custom": ("Свои даты", "Custom dates"),
    "doctors_filter": ("Врачи", "Doctors"),
    "departments_filter": ("Направления", "Departments"),
    "branches_filter": ("Филиалы", "Branches"),
    "all": ("все", "all"),
    "settings": ("Настройки", "Settings"),
    "return_window": ("Окно возврата, дней", "Return window, days"),
    "return_window_help": (
        "Пациент считается вернувшимся, если пришёл снова в течение этого срока после "
        "первого визита.",
        "A patient has returned when they come again within this many days of the first visit.",
    ),
    "funnel_window": ("Окно воронки, дней", "Funnel window, days"),
    "language": ("Язык", "Language"),
    "source": ("Данные", "Data"),
    "source_clinic": ("Моя клиника", "My clinic"),
    "source_demo": ("Демо-клиника", "Demo clinic"),
    "demo_banner": (
        "Вы смотрите демо-данные. Ваши выгрузки хранятся отдельно.",
        "You are looking at demo data. Your own exports are kept apart.",
    ),
    "period_caption": ("{start} — {end} · данные по {data_end}", "{start} — {end} · data to {data_end}"),
    "filtered_by": ("Фильтр: {what}", "Filter: {what}"),
    # welcome
    "welcome_title": ("Добро пожаловать в Clinic BI", "Welcome to Clinic BI"),
    "welcome_text": (
        "Здесь будет видно, сколько зарабатывает клиника, какие врачи и направления приносят "
        "выручку, возвращаются ли пациенты и окупается ли реклама — по тем выгрузкам, что у вас "
        "уже есть: отчёт МИС об услугах, лиды из CRM, расписание, расходы на рекламу.",
        "See what the clinic earns, which doctors and departments bring the revenue, whether "
        "patients come back and whether advertising pays — from the exports you already have: "
        "the medical system's services report, CRM leads, the schedule, the ad spend.",
    ),
    "welcome_upload_title": ("Загрузить свои выгрузки", "Upload your exports"),
    "welcome_upload_text": (
        "Перетащите файлы CSV или Excel: приложение само поймёт, что в них, и покажет, как "
        "прочитало столбцы.",
        "Drop CSV or Excel files: the app recognises what they hold and shows how it read the "
        "columns.",
    ),
    "welcome_upload_button": ("Перейти к загрузке", "Go to upload"),
    "welcome_demo_title": ("Открыть демо", "Open the demo"),
    "welcome_demo_text": (
        "Стоматология «Улыбка» за три года: можно посмотреть все страницы, ничего не "
        "загружая. Демо хранится отдельно и не смешивается с вашими данными.",
        "A dental clinic over three years: see every page without uploading anything. The demo "
        "has its own store and never mixes with your data.",
    ),
    "welcome_demo_button": ("Открыть демо", "Open the demo"),
    "building_demo": ("Готовлю демо-клинику (несколько секунд)…", "Building the demo clinic…"),
    # notices
    "needs_data": (
        "Для этой страницы нужны данные «{table}». Загрузите {export} на странице «Данные».",
        "This page needs “{table}”. Upload {export} on the Data page.",
    ),
    "go_to_data": ("Загрузить данные", "Upload data"),
    "empty_period": (
        "За выбранный период с этими фильтрами нет ни одного визита. Выберите другой период или "
        "снимите фильтры.",
        "No visits in the chosen period with these filters. Pick another period or clear the "
        "filters.",
    ),
    "empty_section": ("Нет данных за период.", "No data for the period."),
    "store_error": ("Не удалось прочитать хранилище: {error}", "Could not read the store: {error}"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel", "Excel"),
    "vs_previous": ("к пред. периоду", "vs previous period"),
    "vs_year": ("к прошлому году", "vs last year"),
    "kpi_was": ("{period}: {value}.", "{period}: {value}."),
    "kpi_no_data": (
        "⚠ нет данных за {months}: изменение не считается",
        "⚠ no data for {months}: no change is computed",
    ),
    "kpi_no_data_previous": (
        "⚠ нет данных за {months}: к пред. периоду не сравнивается",
        "⚠ no data for {months}: not compared with the previous period",
    ),
    "kpi_no_data_year": (
        "⚠ нет данных за {months}: с прошлым годом не сравнивается",
        "⚠ no data for {months}: not compared with last year",
    ),
    "kpi_ltv_not_compared": (
        "не сравнивается: у новых пациентов периода ещё нет 90 дней после первого визита",
        "not compared: the period's new patients have not had 90 days since their first visit",
    ),
    "kpi_ltv_age": ("LTV за {days:день|дня|дней}", "LTV in {days:day|days}"),
    "kpi_ltv_age_partial": ("LTV за {days:день|дня|дней} (новые по {day})",
                            "LTV in {days:day|days} (new by {day})"),
    "compare_partial": (
        "Данные по {data_end}: изменения сравнивают {now} с {prev} и с {year} — те же дни.",
        "Data up to {data_end}: the changes compare {now} with {prev} and with {year}, the same days.",
    ),
    "compare_partial_one": (
        "Данные по {data_end}: изменения сравнивают {now} с теми же днями год назад ({year}).",
        "Data up to {data_end}: the changes compare {now} with the same days a year earlier ({year}).",
    ),
    # overview
    "overview_title": ("Обзор", "Overview"),
    "by_department_title": ("Выручка по направлениям", "Revenue by department"),
    "top_doctors_title": ("Врачи с наибольшей выручкой", "Top doctors by revenue"),
    # doctors
    "doctors_title": ("Врачи", "Doctors"),
    "doctors_table": ("Показатели врачей", "Doctors' figures"),
    "doctor_return_title": ("Возвращаемость к врачу и по клинике", "Return rate per doctor vs the clinic"),
    "clinic_level": ("клиника: {value}", "clinic: {value}"),
    "doctor_card": ("Карточка врача", "Doctor card"),
    "pick_doctor": ("Врач", "Doctor"),
    "doctor_vs_clinic": ("Врач", "Doctor"),
    "clinic": ("Клиника", "Clinic"),
    "doctor_services": ("Услуги врача", "The doctor's services"),
    "doctor_trend": ("Выручка врача по месяцам", "The doctor's revenue by month"),
    # departments
    "departments_title": ("Направления", "Departments"),
    "dept_check_title": ("Средний чек по направлениям", "Average check per department"),
    "dept_return_title": ("Возвращаемость по направлениям", "Return rate per department"),
    "departments_table": ("Показатели направлений", "Departments' figures"),
    # services
    "services_title": ("Услуги", "Services"),
    "top_services_title": ("Выручка по услугам", "Revenue per service"),
    "no_duration": (
        "В отчёте об услугах нет длительности, поэтому выручку в час не посчитать.",
        "The services report has no durations, so revenue per hour cannot be computed.",
    ),
    "price_table": ("Прайс: услуги за период", "Price list: services of the period"),
    "search": ("Поиск услуги", "Search a service"),
    "abc_counts": ("A: {a:услуга|услуги|услуг} · B: {b} · C: {c}", "A: {a:service|services} · B: {b} · C: {c}"),
    # retention
    "retention_title": ("Возвращаемость", "Retention"),
    "return_by_doctor": ("Возвращаемость по врачам", "Return rate per doctor"),
    "return_by_department": ("Возвращаемость по направлениям", "Return rate per department"),
    "retention_note": (
        "Окно возврата — {h} дн. (меняется в «Настройках» слева). Пациенты, пришедшие впервые "
        "позже {day}, ещё не успели вернуться и в расчёт не входят.",
        "Return window: {h:day|days} (change it under Settings on the left). Patients first seen "
        "after {day} have not had the time to come back and are left out.",
    ),
    # funnel
    "funnel_title": ("Воронка", "Funnel"),
    "funnel_ignores_filters": (
        "Воронка — по всей клинике: у заявок нет врача, направления и филиала, поэтому эти "
        "фильтры действуют только на неявки ниже.",
        "The funnel is the whole clinic's: leads carry no doctor, department or branch, so "
        "those filters apply only to the no-shows below.",
    ),
    "funnel_by_channel": ("По каналам", "By channel"),
    "funnel_by_operator": ("По операторам", "By operator"),
    "noshow_weekday": ("Неявки по дням недели", "No-shows by weekday"),
    "noshow_doctor": ("Неявки по врачам", "No-shows by doctor"),
    # marketing
    "marketing_title": ("Маркетинг", "Marketing"),
    "marketing_table": ("Каналы", "Channels"),
    "overview_narrowed_note": (
        "С фильтром по врачу или направлению карточки — показатели клиники в пределах выбора: "
        "новые пациенты — новые для клиники, принятые в первый день выбранными врачами; их "
        "возвращаемость и LTV — к ним же. На странице «Врачи» у каждого врача свои пациенты — "
        "впервые пришедшие к нему («Возвращаемость к врачу», «LTV у врача»), поэтому цифры "
        "другие.",
        "With a doctor or department chosen, the cards are the clinic's figures within the "
        "choice: new patients are those new to the clinic whom the chosen doctors saw on their "
        "first day, and their return rate and LTV are to the same doctors. On the Doctors page "
        "each doctor has patients of their own, first seen by that doctor (“Return rate to the "
        "doctor”, “LTV with the doctor”), so the figures differ.",
    ),
    "new_patients_overlap": (
        "«Новые» у врача — новые пациенты клиники, принятые им в первый день. Пациента, которого в "
        "первый день приняли два врача, считают у обоих, поэтому столбец в сумме больше, чем новых "
        "пациентов у клиники ({total}).",
        "A doctor's “New” are the clinic's new patients the doctor saw on their first day. A "
        "patient seen by two doctors that day counts for both, so the column adds up to more "
        "than the clinic's new patients ({total}).",
    ),
    "ltv_cohorts_caption": (
        "CAC, CPL и ROMI — за выбранный период. LTV 12 мес. и LTV / CAC — по новым пациентам "
        "{start} — {end}: последних двенадцати месяцев, у чьих пациентов уже есть год истории, "
        "при любом периоде. Канал без расходов не имеет CAC («—»).",
        "CAC, CPL and ROMI are for the chosen period. LTV 12 mo and LTV / CAC are over the new "
        "patients of {start} — {end}, the newest twelve months whose patients all have a year "
        "of history, whatever the period. A channel with no spend has no CAC (“—”).",
    ),
    "ltv_cohorts_none": (
        "LTV 12 мес. и LTV / CAC появятся, когда у данных будет больше года истории.",
        "LTV 12 mo and LTV / CAC appear once the data hold more than a year of history.",
    ),
    "cac_title": ("Стоимость нового пациента (CAC) по каналам", "Cost per new patient (CAC) by channel"),
    # quality
    "quality_title": ("Качество", "Quality"),
    "rating_title": ("Оценки по врачам", "Ratings per doctor"),
    "negative_title": ("Доля негативных отзывов", "Share of negative reviews"),
    "wait_title": ("Ожидание приёма по врачам", "Waiting time per doctor"),
    "repeat_title": ("Повторные визиты: визитов на пациента", "Repeat visits: visits per patient"),
    "no_reviews": ("Отзывов за период нет.", "No reviews in the period."),
    "rating_rule": (
        "Порядок: врачи с {m} и более отзывами за период — по оценке (и по доле негативных); у "
        "кого отзывов меньше, стоят ниже серым: средняя из нескольких отзывов случайна — 5,0 из "
        "трёх отзывов ещё ничего не говорит. У каждого столбца — число отзывов.",
        "Order: doctors with {m} or more reviews in the period by rating (and by negative "
        "share); those with fewer come after them in grey, as the mean of a few reviews is "
        "chance: 5.0 from three reviews says little yet. Each bar gives its number of reviews.",
    ),
    "no_waits": (
        "В расписании нет фактического времени начала приёма — ожидание не посчитать.",
        "The schedule has no actual start times, so waiting time cannot be computed.",
    ),
    # data page
    "data_title": ("Данные", "Data"),
    "upload_label": (
        "Перетащите сюда выгрузки (можно несколько файлов сразу)",
        "Drop your exports here (several files at once)",
    ),
    "upload_button": ("Выбрать файлы", "Choose files"),
    "upload_limits": (
        "до {mb} МБ на файл · CSV, XLSX, XLS, HTML, ODS, TXT, TSV",
        "up to {mb} MB per file · CSV, XLSX, XLS, HTML, ODS, TXT, TSV",
    ),
    "upload_into_clinic": (
        "Файлы загружаются в хранилище вашей клиники, не в демо.",
        "Files go into your clinic's store, never into the demo.",
    ),
    "detected_kind": ("Что внутри", "Kind"),
    "file_format": ("Формат", "Format"),
    "rows_in_file": ("{n:строка|строки|строк}", "{n:row|rows}"),
    "mapping": ("Сопоставление столбцов", "Column mapping"),
    "file_column": ("Столбец файла", "File column"),
    "example": ("Пример", "Example"),
    "canonical_column": ("Поле", "Field"),
    "ignore_column": ("— не загружать —", "— skip —"),
    "first_rows": ("Первые строки файла", "First rows of the file"),
    "missing_required": ("Не хватает обязательных полей: {cols}", "Required fields missing: {cols}"),
    "profile_name": ("Название профиля", "Profile name"),
    "save_profile": ("Сохранить как профиль", "Save as profile"),
    "profile_saved": (
        "Профиль «{name}» сохранён: следующая такая выгрузка загрузится без вопросов.",
        "Profile “{name}” saved: the next export like this loads without questions.",
    ),
    "load_button": ("Загрузить {n:файл|файла|файлов}", "Load {n:file|files}"),
    "loading_file": ("Загружаю {name} ({i} из {n})…", "Loading {name} ({i} of {n})…"),
    "load_done": ("Готово.", "Done."),
    "results": ("Результат загрузки", "Load result"),
    "result_ok": ("загружен", "loaded"),
    "result_failed": ("не загружен", "not loaded"),
    "result_duplicate": ("уже загружен (№ {batch})", "already loaded (#{batch})"),
    "rejected_download": ("Отклонённые строки: {name}", "Rejected rows: {name}"),
    "journal": ("Журнал загрузок", "Upload journal"),
    "no_doctors_in_export": (
        "В выгрузке услуг нет врачей: все показатели клиники посчитаны, а по врачам — одна строка "
        "«без указания». Чтобы увидеть врачей, загрузите отчёт об услугах со столбцом «Врач».",
        "The services export names no doctors: every clinic figure is computed, and the doctors "
        "table has one row, “not given”. To see the doctors, upload a services report with a "
        "doctor column.",
    ),
    "issues_all": ("{name}: строки с замечаниями ({n})", "{name}: lines with remarks ({n})"),
    "issues_first": ("{name}: строки с замечаниями (первые {n})",
                     "{name}: lines with remarks (the first {n})"),
    "issues_more": ("; остальные — в файле отклонённых строк ниже",
                    "; the rest are in the rejected-rows download below"),
    "issue_row": ("Строка файла", "Line"),
    "issue_severity": ("Что с ней", "Outcome"),
    "issue_column": ("Поле", "Field"),
    "issue_value": ("Значение", "Value"),
    "issue_reason": ("Почему", "Why"),
    "issue_rejected": ("отклонена", "rejected"),
    "issue_warning": ("загружена с предупреждением", "loaded with a warning"),
    "words_title": ("Слова выгрузок", "The exports' words"),
    "words_unknown_stage": (
        "Стадии CRM, которых нет в списках: выберите, что значит каждая. Воронка пересчитается "
        "сразу, загружать файл заново не нужно.",
        "CRM stages no list knows: choose what each one means. The funnel is recomputed at "
        "once; there is no need to upload the file again.",
    ),
    "words_unknown_status": (
        "Статусы записей, которых нет в списках: выберите, что значит каждый. Явка пересчитается "
        "сразу, загружать файл заново не нужно.",
        "Appointment statuses no list knows: choose what each one means. Show-up is recomputed "
        "at once; there is no need to upload the file again.",
    ),
    "words_keep": ("— не знаю —", "— don’t know —"),
    "words_word": ("Слово в выгрузке", "Word in the export"),
    "words_rows": ("Строк", "Rows"),
    "words_meaning": ("Что значит", "Means"),
    "words_save": ("Сохранить значения", "Save the meanings"),
    "words_chosen": ("Сохранённые значения слов ({n})", "Saved meanings of words ({n})"),
    "words_forget_pick": ("Отменить значение слова", "Take back the meaning of"),
    "words_forget": ("Отменить", "Take back"),
    "words_channels": (
        "Каналы, как их пишут выгрузки. Написания, которые отличаются только регистром, уже "
        "объединены; пустые, «null» и «-» считаются как «не указан». Объедините каналы, "
        "которые на деле один и тот же.",
        "Channels as the exports spell them. Spellings that differ only in case are already "
        "one; empty, “null” and “-” count as “not given”. Merge channels that are really the "
        "same.",
    ),
    "words_channel": ("Канал", "Channel"),
    "words_spellings": ("Написания", "Spellings"),
    "words_merge_into": ("Считать как", "Count as"),
    "words_channel_itself": ("— сам по себе —", "— itself —"),
    "words_save_channels": ("Сохранить объединение", "Save the merges"),
    "journal_empty": ("Пока ничего не загружено.", "Nothing loaded yet."),
    "journal_busy": (
        "Сейчас идёт загрузка в другом процессе: журнал обновится, когда она закончится. "
        "Страницы с показателями работают как обычно.",
        "A load is running in another process: the journal updates when it is done. The pages "
        "with figures work as usual.",
    ),
    "store_busy": (
        "Хранилище занято: идёт загрузка в другом процессе. Повторите, когда она закончится.",
        "The store is busy: another process is loading. Try again when it is done.",
    ),
    # an upload's load, run in a child process (clinic_bi/app/upload.py, clinic_bi/app/load_worker.py)
    "load_interrupted": (
        "Загрузка файла {name} прервалась (процесс загрузки остановлен: не хватило памяти или "
        "его завершили). Файл загружается целиком или никак: если его нет в журнале загрузок "
        "ниже, хранилище не изменилось. Загрузите файл ещё раз (уже загруженный файл "
        "повторно не считается); если повторится — разделите выгрузку по месяцам.",
        "Loading {name} was interrupted (the loading process stopped: out of memory, or it was "
        "ended). A file loads whole or not at all: if it is not in the upload journal below, "
        "the store is unchanged. Load the file again (a file already loaded is not counted "
        "twice); if it happens again, split the export by month.",
    ),
    "load_store_error": (
        "Файл {name} не загружен: хранилище не открывается (подробности — в журнале сервера). "
        "Хранилище не изменилось; проверьте файл хранилища или восстановите его из резервной "
        "копии (restore).",
        "{name} was not loaded: the store does not open (details in the server log). The store "
        "is unchanged; check the store file or restore it from a backup (restore).",
    ),
    "load_failed": (
        "Файл {name} не загружен из-за внутренней ошибки (подробности — в журнале сервера); "
        "хранилище не изменилось. Попробуйте ещё раз и сообщите разработчикам, если повторится.",
        "{name} was not loaded because of an internal error (details in the server log); the "
        "store is unchanged. Try again, and tell the developers if it happens again.",
    ),
    "stage_failed": (
        "Файл {name} не сохранён для проверки: во временной папке нет места или доступа. "
        "Освободите место на диске и добавьте файл снова.",
        "{name} could not be saved for checking: the temporary folder is full or not writable. "
        "Free some disk space and add the file again.",
    ),
    "remove_pick": ("Загрузка", "Upload"),
    "remove_button": ("Удалить эту загрузку", "Remove this upload"),
    "remove_placeholder": ("Выберите загрузку, которую нужно удалить", "Choose the upload to remove"),
    "remove_question": (
        "Удалить загрузку № {batch}: файл «{name}» ({kind}), {rows:строка|строки|строк}, период "
        "{period}? Её строки уйдут из всех показателей, а строки, которые она заменила, вернутся.",
        "Remove upload #{batch}: file “{name}” ({kind}), {rows:row|rows}, period {period}? Its "
        "rows leave every figure, and the rows it replaced come back.",
    ),
    "remove_yes": ("Да, удалить", "Yes, remove"),
    "remove_no": ("Отмена", "Cancel"),
    "removed": (
        "Загрузка {batch} удалена: данные — как до неё.",
        "Upload {batch} removed: the data are as before it.",
    ),
    "coverage_gaps": ("Пропуски: {gaps}", "Gaps: {gaps}"),
    "no_gaps": ("Пропусков нет.", "No gaps."),
    "coverage_missing": (
        "{table}: нет данных за {months} ({n:месяц|месяца|месяцев}).",
        "{table}: no data for {months} ({n:month|months}).",
    ),
    "demo_data_note": (
        "Сейчас открыта демо-клиника; ниже — журнал и покрытие вашего собственного хранилища.",
        "The demo clinic is open; below are the journal and coverage of your own store.",
    ),
    "preview_error": ("Файл не прочитан: {error}", "The file could not be read: {error}"),
    "owner_reads_only": (
        "Вы вошли как владелец: здесь видны журнал загрузок и покрытие данных. Загружать и "
        "удалять выгрузки, менять сопоставление столбцов может управляющий.",
        "You are signed in as the owner: the upload journal and the coverage are shown here. "
        "Uploading and removing exports and editing column mappings is the manager's.",
    ),
    "action_refused": (
        "Это действие доступно только управляющему.",
        "Only a manager can do this.",
    ),
    # access
    "login_title": ("Вход в Clinic BI", "Sign in to Clinic BI"),
    "login_name": ("Имя", "Name"),
    "login_password": ("Пароль", "Password"),
    "login_button": ("Войти", "Sign in"),
    "login_failed": (
        "Неверное имя или пароль. Следующая попытка будет проверена через {seconds} с: после "
        "каждой ошибки ожидание удваивается.",
        "Wrong name or password. The next attempt will be checked after {seconds} s: the wait "
        "doubles with each failure.",
    ),
    "logout": ("Выйти", "Sign out"),
    "signed_in_as": ("Вы вошли: {name} · {role}", "Signed in: {name} · {role}"),
    "role_owner": ("владелец (просмотр)", "owner (read only)"),
    "role_manager": ("управляющий", "manager"),
    "no_login_note": (
        "Вход не настроен: приложение доступно только с этого компьютера.",
        "No sign-in configured: the app is open to this computer only.",
    ),
    "remote_refused_title": ("Доступ только с этого компьютера", "Open to this computer only"),
    "remote_refused_text": (
        "Вход в приложение не настроен, поэтому оно отвечает только по адресу {url} на "
        "компьютере, где запущено. Через прокси, туннель или под другим именем (не localhost) "
        "оно открывается только с настроенным входом. Чтобы пустить других, добавьте "
        "пользователей в файл .streamlit/secrets.toml рядом с приложением (роль owner — только "
        "просмотр, manager — ещё загрузка и удаление выгрузок) и перезапустите приложение. Хэш "
        "пароля даёт команда `python -m clinic_bi hash-password`.",
        "Sign-in is not configured, so the app answers only at {url} on the computer it runs "
        "on. Through a proxy, a tunnel or under another name (not localhost) it opens only with "
        "sign-in configured. To let others in, add users to .streamlit/secrets.toml next to the "
        "app (role owner: read only; manager: also uploads and removes exports) and restart the "
        "app. `python -m clinic_bi hash-password` makes a password hash.",
    ),
    "auth_config_error": (
        "Пользователи в .streamlit/secrets.toml описаны с ошибкой: {error}",
        "The users in .streamlit/secrets.toml are described wrongly: {error}",
    ),
}


def t(key: str, lang: str, **kwargs: Any) -> str:
    ru, en = PHRASES[key]
    text = ru if lang == "ru" else en
    return fmt.phrase(text, lang, **kwargs) if kwargs else text
