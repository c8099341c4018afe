"""The phrases of the forecast page and its report section, in Russian and English (merged into
clinic_bi/present/words.py PHRASES; keys start with the feature's prefix)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # the text report (clinic_bi/present/report_ahead.py)
    "fc_report_projection": (
        "{month} по расписанию: сделано {done}, на остаток месяца "
        "{booked:запись|записи|записей}, итог месяца {revenue} (визитов {visits})",
        "{month} from the schedule: done {done}, {booked:appointment|appointments} booked for "
        "the rest, month-end {revenue} (visits: {visits})",
    ),
    "fc_title": ("Прогноз", "Forecast"),
    "fc_scope": ("Что прогнозировать", "Forecast for"),
    "fc_scope_clinic": ("Вся клиника", "The whole clinic"),
    "fc_scope_department": ("Направление: {name}", "Department: {name}"),
    "fc_scope_doctor": ("Врач: {name}", "Doctor: {name}"),
    "fc_scope_help": (
        "Врачи и направления, у которых не меньше 12 полных месяцев истории. Фильтр врача или "
        "направления в боковой панели выбирает их здесь сразу.",
        "Doctors and departments with at least 12 whole months of history. A doctor or "
        "department chosen in the sidebar is picked here at once.",
    ),
    "fc_figure": ("Показатель", "Figure"),
    "fc_horizon": ("Месяцев вперёд", "Months ahead"),
    "fc_dates_ignored": (
        "Прогноз строится по всей истории: период в боковой панели здесь не действует, "
        "действуют врач, направление и филиал.",
        "The forecast uses the whole history: the sidebar's period does not apply here; the "
        "doctor, department and branch do.",
    ),
    # -- this month from the schedule
    "fc_projection_title": ("{month}: прогноз по расписанию", "{month} from the schedule"),
    "fc_no_schedule": (
        "Расписание не загружено: прогноз месяца по записям недоступен.",
        "No schedule loaded: the month cannot be projected from the appointments.",
    ),
    "fc_done": ("Сделано до {day}", "Done to {day}"),
    "fc_done_none": ("Сделано", "Done"),
    "fc_booked": ("Записей на остаток месяца", "Appointments booked for the rest"),
    "fc_expected": ("Ожидается по записям", "Expected from bookings"),
    "fc_projected": ("Итог месяца по расписанию", "Month-end from the schedule"),
    "fc_projected_help": (
        "Сделано с начала месяца + записи на оставшиеся дни × доля записей, которые у этого "
        "врача доходят до визита (за последние 12 месяцев), × его выручка на визит.",
        "Done since the month began + the appointments booked for the days left × the share "
        "of this doctor's bookings that became a visit (last 12 months) × his revenue per visit.",
    ),
    "fc_projection_caption": (
        "Явка по записям {show_up} (пришли / все записи с итогом, включая отменённые), "
        "выручка на визит {per_visit} — за 365 дней до {day}.",
        "Turnout {show_up} (attended / all resolved bookings, cancelled included), revenue per "
        "visit {per_visit} — over the 365 days to {day}.",
    ),
    "fc_note_later_bookings": (
        "Учтены только записи, уже сделанные к {day}: записи, которые ещё появятся, и пациенты "
        "без записи сюда не входят, поэтому в начале месяца прогноз по расписанию ниже "
        "статистического.",
        "Only the appointments booked by {day} count: bookings still to come and walk-ins are "
        "not in it, so early in the month the schedule's figure is below the statistical one.",
    ),
    "fc_note_nothing_booked": (
        "На оставшиеся дни месяца записей нет: итог месяца = сделанное.",
        "Nothing is booked for the rest of the month: the month-end is what is done.",
    ),
    "fc_note_month_over": ("Месяц уже закончился: итог = сделанное.",
                           "The month is over: the month-end is what was done."),
    "fc_note_no_cards": (
        "В записях нет номеров карт: новых пациентов по расписанию не посчитать.",
        "The bookings carry no card numbers: new patients cannot be projected from them.",
    ),
    "fc_note_some_without_card": (
        "Часть записей без номера карты: новые пациенты среди них не учтены.",
        "Some bookings have no card number: new patients among them are not counted.",
    ),
    "fc_note_scope_rates": (
        "У врачей с историей меньше 10 записей (визитов) и у записей без врача взяты "
        "явка и выручка на визит всей выборки.",
        "Doctors with fewer than 10 appointments (visits) of history, and bookings without a "
        "doctor, take the turnout and revenue per visit of the whole selection.",
    ),
    "fc_note_no_rates": (
        "Нет истории записей или визитов, чтобы оценить остаток месяца.",
        "No history of appointments or visits to value the rest of the month with.",
    ),
    "fc_new_unknown": ("— (нет номеров карт)", "— (no card numbers)"),
    "fc_by_doctor": ("По врачам", "By doctor"),
    # -- the statistical forecast
    "fc_forecast_title": ("{figure}: прогноз на {n:месяц|месяца|месяцев}",
                          "{figure}: forecast for {n:month|months}"),
    "fc_chart_title": ("{figure} по месяцам и прогноз", "{figure} by month and forecast"),
    "fc_chart_subtitle": (
        "Сплошная линия — факт, пунктир — прогноз {model}, полосы — 80 % и 95 % интервалы; "
        "ромб — итог месяца по расписанию",
        "Solid: actual; dashed: {model} forecast; bands: 80% and 95% intervals; diamond: "
        "month-end from the schedule",
    ),
    "fc_legend_actual": ("Факт", "Actual"),
    "fc_legend_forecast": ("Прогноз", "Forecast"),
    "fc_legend_schedule": ("По расписанию", "From the schedule"),
    "fc_legend_band80": ("80 %", "80%"),
    "fc_legend_band95": ("95 %", "95%"),
    "fc_model": (
        "Модель: {model} (экспоненциальное сглаживание, выбрана по AICc из {n:полного месяца|"
        "полных месяцев|полных месяцев}).",
        "Model: {model} (exponential smoothing, chosen by AICc on {n:whole month|whole months}).",
    ),
    "fc_accuracy": (
        "За последние {n:месяц|месяца|месяцев} прогноз на месяц вперёд ошибался в среднем на "
        "{mape} (MAPE); это в {ratio} раза точнее {naive}.",
        "Over the last {n:month|months} the one-month-ahead forecast was off by {mape} on "
        "average (MAPE); that is {ratio} times as accurate as {naive}.",
    ),
    "fc_accuracy_worse": (
        "За последние {n:месяц|месяца|месяцев} прогноз на месяц вперёд ошибался в среднем на "
        "{mape} (MAPE) и не был точнее {naive} (ошибка больше в {ratio} раза): полагайтесь на "
        "него осторожно.",
        "Over the last {n:month|months} the one-month-ahead forecast was off by {mape} on "
        "average (MAPE) and was no better than {naive} (error {ratio} times as large): rely on "
        "it with care.",
    ),
    "fc_accuracy_no_mape": (
        "За последние {n:месяц|месяца|месяцев}: MAPE не посчитать (в этих месяцах факт 0); "
        "MASE {mase}.",
        "Over the last {n:month|months}: MAPE cannot be computed (the actuals are 0); MASE "
        "{mase}.",
    ),
    "fc_mase": (
        "MASE {mase}: средняя ошибка прогноза, делённая на среднюю ошибку {naive} на истории "
        "до проверки (меньше 1 — лучше наивного).",
        "MASE {mase}: the forecast's mean error over the naive one's ({naive}) on the history "
        "before the check (below 1: better than naive).",
    ),
    "fc_naive_seasonal_naive": ("сезонного наивного прогноза (как год назад)",
                                "the seasonal naive forecast (same month last year)"),
    "fc_naive_naive": ("наивного прогноза (как в прошлом месяце)",
                       "the naive forecast (same as last month)"),
    "fc_no_backtest": (
        "Точность не проверить: для проверки нужно хотя бы 6 месяцев сверх "
        "{min:месяца|месяцев|месяцев} обучения.",
        "Accuracy cannot be checked: the check needs at least 6 months beyond "
        "{min:training month|training months}.",
    ),
    "fc_reason_short": (
        "Прогноза нет: полных месяцев истории {n}, а нужно не меньше 12.",
        "No forecast: {n} whole months of history, at least 12 are needed.",
    ),
    "fc_reason_gap": (
        "Прогноза нет: в истории пропущены месяцы ({gaps}), а после последнего пропуска "
        "только {n:полный месяц|полных месяца|полных месяцев} (нужно 12). Пропуск — это "
        "отсутствующая выгрузка, а не ноль; загрузите её на странице «Данные».",
        "No forecast: months are missing from the history ({gaps}) and after the last gap "
        "there are only {n:whole month|whole months} (12 needed). A gap is a missing export, "
        "not a zero; load it on the Data page.",
    ),
    "fc_reason_no_history": ("Прогноза нет: в выборке нет визитов.",
                             "No forecast: the selection has no visits."),
    "fc_reason_fit_failed": ("Прогноза нет: модель не удалось подобрать к этим данным.",
                             "No forecast: no model could be fitted to these data."),
    "fc_reason_no_seasonal_short": (
        "Сезонность не учитывается: для неё нужно 24 полных месяца, есть {n}.",
        "No seasonality: it needs 24 whole months, there are {n}.",
    ),
    "fc_reason_seasonal_not_chosen": (
        "Сезонная модель проверена, но по AICc не лучше модели без сезонности.",
        "A seasonal model was tried; by AICc it was no better than one without seasonality.",
    ),
    "fc_gaps": (
        "Пропущенные месяцы в истории: {gaps}. Прогноз строится только по месяцам после "
        "последнего пропуска.",
        "Months missing from the history: {gaps}. The forecast uses only the months after the "
        "last gap.",
    ),
    "fc_table_title": ("Прогноз по месяцам", "Forecast by month"),
    "fc_in_progress": ("{month} — идёт; его дни не участвуют в обучении модели.",
                       "{month} is in progress; its days are not used to fit the model."),
    "fc_fitting": ("Подбираю модель…", "Fitting the model…"),
}

# Table and chart columns (the lead merges these into words.COLUMNS; forecast_view passes them as
# labels meanwhile).
COLUMNS: dict[str, tuple[str, str]] = {
    "fc_point": ("Прогноз", "Forecast"),
    "fc_lo80": ("80 %: от", "80%: from"),
    "fc_hi80": ("80 %: до", "80%: to"),
    "fc_lo95": ("95 %: от", "95%: from"),
    "fc_hi95": ("95 %: до", "95%: to"),
    "fc_booked": ("Записей", "Booked"),
    "fc_show_up": ("Явка по записям", "Turnout"),
    "fc_revenue_per_visit": ("Выручка на визит", "Revenue per visit"),
    "fc_expected_visits": ("Ожидается визитов", "Expected visits"),
    "fc_expected_revenue": ("Ожидается выручки", "Expected revenue"),
    "fc_expected_new_patients": ("Ожидается новых", "Expected new patients"),
    "fc_booked_new_patients": ("Новых в записи", "New patients booked"),
    "fc_own_rates": ("Свои ставки", "Own rates"),
}
