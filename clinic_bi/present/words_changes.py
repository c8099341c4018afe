"""The phrases of the changes page and its report section, in Russian and English (merged into
clinic_bi/present/words.py PHRASES; keys start with the feature's prefix)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # the page
    "chg_title": ("Что изменилось", "What changed"),
    "chg_basis": ("Сравнить с", "Compare with"),
    "chg_basis_previous": ("прошлым периодом", "the previous period"),
    "chg_basis_year": ("тем же периодом год назад", "the same period a year ago"),
    "chg_compared": (
        "Сравниваются {now} и {base}.", "Compared: {now} against {base}.",
    ),
    "chg_compared_partial": (
        "Данные заканчиваются {data_end}: сравниваются {now} и те же дни раньше, {base}.",
        "The data end on {data_end}: {now} is compared with the same days before, {base}.",
    ),
    "chg_one_basis": (
        "Период — 12 месяцев: прошлый период и есть тот же период год назад.",
        "A 12-month period: the previous period is the same period a year ago.",
    ),
    "chg_sentences": ("Главное", "In short"),
    "chg_split_title": ("Выручка: визиты × средний чек", "Revenue: visits × average check"),
    "chg_by_title": ("Кто и что дало изменение", "Where the change came from"),
    "chg_tab_department": ("Направления", "Departments"),
    "chg_tab_doctor": ("Врачи", "Doctors"),
    "chg_tab_service": ("Услуги", "Services"),
    "chg_tab_channel": ("Каналы", "Channels"),
    "chg_bars_title": ("Изменение выручки: {what}", "Revenue change: {what}"),
    "chg_outside_title": ("Месяцы против прогноза", "Months against the forecast"),
    "chg_no_band": (
        "Прогнозного коридора пока нет: месяцы с прогнозом не сравниваются.",
        "No forecast band yet: the months are not checked against a forecast.",
    ),
    "chg_no_whole_month": (
        "В периоде нет целого месяца: с прогнозом сравниваются только целые месяцы.",
        "The period holds no whole month: only whole months are checked against the forecast.",
    ),
    "chg_all_inside": (
        "Последние целые месяцы периода — внутри прогнозного коридора (95 %).",
        "The last whole months of the period lie inside the forecast band (95 %).",
    ),
    "chg_outside_note_one": (
        "Целый месяц периода: факт против прогноза на месяц вперёд по месяцам до него.",
        "The period's whole month: the actual figure against the forecast one month ahead from "
        "the months before it.",
    ),
    "chg_all_inside_one": (
        "Месяц внутри прогнозного коридора (95 %).", "The month lies inside the forecast band (95 %).",
    ),
    "chg_band_wait": (
        "Сравниваем месяцы с прогнозом…", "Checking the months against the forecast…",
    ),
    "chg_outside_note": (
        "Последние {n:целый месяц|целых месяца|целых месяцев} периода: факт против прогноза на "
        "месяц вперёд по месяцам до него.",
        "The last {n:whole month|whole months} of the period: the actual figure against the "
        "forecast one month ahead from the months before it.",
    ),
    "chg_outside_figure": ("Показатель", "Figure"),
    "chg_outside_actual": ("Факт", "Actual"),
    "chg_outside_band": ("Коридор прогноза (95 %)", "Forecast band (95 %)"),
    "chg_outside_side": ("Где", "Where"),
    "chg_more_sentences": ("Ещё {n:наблюдение|наблюдения|наблюдений}",
                           "{n:more finding|more findings}"),
    "chg_every_month": ("Все проверенные месяцы", "Every month checked"),
    "chg_open": ("Открыть: {page}", "Open: {page}"),
    "chg_rule_note": (
        "Визиты × чек: эффект визитов = ΔV·(C₀+C₁)/2, эффект чека = ΔC·(V₀+V₁)/2, в сумме ровно "
        "ΔВыручки. Услуги: цена = (P₁−P₀)·Q₀, объём = (Q₁−Q₀)·P₀, совместно = остаток. Называем "
        "изменение не меньше 5 % общего, 0,5 % выручки периода сравнения и 10 000 ₽.",
        "Visits × check: visits effect = ΔV·(C₀+C₁)/2, check effect = ΔC·(V₀+V₁)/2, adding up "
        "to Δrevenue exactly. Services: price = (P₁−P₀)·Q₀, volume = (Q₁−Q₀)·P₀, joint = the "
        "rest. A change is named when it is at least 5 % of the total, 0.5 % of the basis "
        "revenue and 10,000 ₽.",
    ),
    # the waterfall's steps
    "chg_step_before": ("Было", "Before"),
    "chg_step_visits": ("Визиты", "Visits"),
    "chg_step_check": ("Средний чек", "Average check"),
    "chg_step_after": ("Стало", "Now"),
    "chg_step_price": ("Цена", "Price"),
    "chg_step_volume": ("Объём", "Volume"),
    "chg_step_mix": ("Совместно", "Joint"),
    "chg_step_new": ("Новые", "New"),
    "chg_step_lost": ("Выбывшие", "Dropped"),
    "chg_axis_from": ("Шкала начинается с {value}, не с нуля", "The axis starts at {value}, not 0"),
    "chg_waterfall_services": ("Выручка: цена, объём и состав услуг",
                               "Revenue: price, volume and the services sold"),
    # the sentences
    "chg_basis_previous_in": ("К прошлому периоду", "Against the previous period"),
    "chg_basis_year_in": ("К тому же периоду год назад", "Against the same period a year ago"),
    "chg_total_up": (
        "{basis} выручка выросла на {change}{rel}: {split}.",
        "{basis}, revenue rose by {change}{rel}: {split}.",
    ),
    "chg_total_down": (
        "{basis} выручка снизилась на {change}{rel}: {split}.",
        "{basis}, revenue fell by {change}{rel}: {split}.",
    ),
    "chg_total_flat": (
        "{basis} выручка не изменилась: {revenue}.",
        "{basis}, revenue did not change: {revenue}.",
    ),
    "chg_split": (
        "визитов {visits} ({visits_effect}), средний чек {check} ({check_effect})",
        "visits {visits} ({visits_effect}), average check {check} ({check_effect})",
    ),
    "chg_split_none": (
        "в одном из периодов визитов не было", "one of the periods had no visits",
    ),
    "chg_not_compared_gaps": (
        "Сравнение ({basis}) не показано: нет данных об услугах за {months}.",
        "The comparison ({basis}) is not shown: no services data for {months}.",
    ),
    "chg_not_compared_length": (
        "Сравнение с прошлым периодом не показано: периоды разной длины "
        "({n:день|дня|дней} и {m:день|дня|дней}).",
        "The comparison with the previous period is not shown: the periods differ in length "
        "({n:day|days} and {m:day|days}).",
    ),
    "chg_not_compared_ahead": (
        "Сравнение не показано: в периоде ещё нет данных (последний день данных — {day}).",
        "The comparison is not shown: the period holds no data yet (the data end on {day}).",
    ),
    "chg_not_compared_no_data": (
        "Сравнение не показано: ни в этом периоде, ни в периоде сравнения нет визитов.",
        "The comparison is not shown: neither period has a visit.",
    ),
    "chg_mover_department_up": (
        "Направление с наибольшим ростом выручки — {name}: {change}{rel}, из них цена {price}.",
        "The department whose revenue grew most: {name}, {change}{rel}, of which price {price}.",
    ),
    "chg_mover_department_down": (
        "Направление с наибольшим снижением выручки — {name}: {change}{rel}, из них цена "
        "{price}.",
        "The department whose revenue fell most: {name}, {change}{rel}, of which price {price}.",
    ),
    "chg_mover_doctor_up": (
        "Врач с наибольшим ростом выручки — {name}: {change}{rel}.",
        "The doctor whose revenue grew most: {name}, {change}{rel}.",
    ),
    "chg_mover_doctor_down": (
        "Врач с наибольшим снижением выручки — {name}: {change}{rel}.",
        "The doctor whose revenue fell most: {name}, {change}{rel}.",
    ),
    "chg_mover_service_up": (
        "Услуга с наибольшим ростом выручки — {name}: {change}{rel}{effects}.",
        "The service whose revenue grew most: {name}, {change}{rel}{effects}.",
    ),
    "chg_mover_service_down": (
        "Услуга с наибольшим снижением выручки — {name}: {change}{rel}{effects}.",
        "The service whose revenue fell most: {name}, {change}{rel}{effects}.",
    ),
    "chg_service_effects": (
        "объём {volume}, цена {price}", "volume {volume}, price {price}",
    ),
    "chg_mover_channel_up": (
        "Канал привлечения с наибольшим ростом выручки пациентов — {name}: {change}{rel}.",
        "The acquisition channel whose patients' revenue grew most: {name}, {change}{rel}.",
    ),
    "chg_mover_channel_down": (
        "Канал привлечения с наибольшим снижением выручки пациентов — {name}: {change}{rel}.",
        "The acquisition channel whose patients' revenue fell most: {name}, {change}{rel}.",
    ),
    "chg_new_doctor": ("Появились врачи: {names}.", "New doctors: {names}."),
    "chg_lost_doctor": (
        "Без выручки в этом периоде врачи: {names}.",
        "Doctors without revenue this period: {names}.",
    ),
    "chg_new_service": ("Новые услуги: {names}.", "New services: {names}."),
    "chg_lost_service": (
        "Не продавались в этом периоде: {names}.", "Not sold this period: {names}.",
    ),
    "chg_was": ("было {value}", "was {value}"),
    "chg_more_doctor": ("ещё {n:врач|врача|врачей}", "{n:more doctor|more doctors}"),
    "chg_more_service": ("ещё {n:услуга|услуги|услуг}", "{n:more service|more services}"),
    "chg_services_split": (
        "Услуги: объём {volume}, цена {price}, совместно {mix}, новые {new}, выбывшие {lost}.",
        "Services: volume {volume}, price {price}, joint {mix}, new {new}, dropped {lost}.",
    ),
    "chg_outside_above": (
        "{figure} за {month} — {actual}, выше прогнозного коридора ({lo} — {hi}).",
        "{figure} in {month}: {actual}, above the forecast band ({lo} — {hi}).",
    ),
    "chg_outside_below": (
        "{figure} за {month} — {actual}, ниже прогнозного коридора ({lo} — {hi}).",
        "{figure} in {month}: {actual}, below the forecast band ({lo} — {hi}).",
    ),
    # table columns (label overrides until the lead merges COLUMNS)
    "chg_none_changed": (
        "Никто не изменился настолько, чтобы называть: порог {threshold}.",
        "Nothing moved enough to be named: the threshold is {threshold}.",
    ),
}

# Column labels for the change tables (to be merged into words.COLUMNS by the lead).
COLUMNS: dict[str, tuple[str, str]] = {
    "member": ("Кто / что", "Member"),
    "revenue_0": ("Выручка, было", "Revenue before"),
    "revenue_1": ("Выручка, стало", "Revenue now"),
    "change": ("Изменение", "Change"),
    "change_rel": ("Изменение, %", "Change, %"),
    "status": ("В периодах", "In the periods"),
    "price_effect": ("Цена", "Price"),
    "volume_effect": ("Объём", "Volume"),
    "mix_effect": ("Совместно", "Joint"),
    "new_effect": ("Новые услуги", "New services"),
    "lost_effect": ("Выбывшие услуги", "Dropped services"),
    "quantity_0": ("Кол-во, было", "Quantity before"),
    "quantity_1": ("Кол-во, стало", "Quantity now"),
    "price_0": ("Цена, было", "Price before"),
    "price_1": ("Цена, стало", "Price now"),
}

# The status column's values.
STATUS: dict[str, tuple[str, str]] = {
    "both": ("в обоих", "both"),
    "new": ("новый", "new"),
    "lost": ("выбыл", "dropped"),
}
