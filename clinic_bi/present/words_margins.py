"""The phrases of the Рентабельность page and its report section, in Russian and English (merged
into clinic_bi/present/words.py PHRASES; keys start with the feature's prefix `mrg_`), and the
names of its columns (merged into COLUMNS)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    # -- the pay rules and fixed costs tables (clinic_bi/app/costs_editor.py)
    "mrg_edit_title": ("Ставки врачей и постоянные расходы", "Doctors' pay and fixed costs"),
    "mrg_edit_pay_tab": ("Ставки врачей", "Doctors' pay"),
    "mrg_edit_fixed_tab": ("Постоянные расходы", "Fixed costs"),
    "mrg_edit_month": ("Месяц", "Month"),
    "mrg_col_doctor": ("Врач (пусто — все)", "Doctor (empty: everyone)"),
    "mrg_col_department": ("Направление (пусто — все)", "Department (empty: all)"),
    "mrg_col_branch": ("Филиал (пусто — все)", "Branch (empty: all)"),
    "mrg_col_role": ("Роль", "Role"),
    "mrg_col_valid_from": ("Действует с", "Valid from"),
    "mrg_edit_bad_dates": (
        "Не сохранено: «Действует с» не читается как дата в строках {cells}. Введите дату как "
        "ДД.ММ.ГГГГ (например, 01.03.2026) или оставьте пустым — «с начала истории».",
        "Not saved: «Valid from» is not a date in rows {cells}. Enter the date as DD.MM.YYYY "
        "(for example, 01.03.2026) or leave it empty: «from the beginning of the history»."),
    "mrg_col_valid_from_help": ("ДД.ММ.ГГГГ; пусто — с начала истории",
                                "DD.MM.YYYY; empty: from the beginning of the history"),
    "mrg_col_basis": ("Схема оплаты", "Pay basis"),
    "mrg_col_rate": ("Ставка: % или ₽", "Rate: % or ₽"),
    "mrg_col_item": ("Статья", "Item"),
    "mrg_col_amount": ("Сумма, ₽", "Amount, ₽"),
    "mrg_basis_revenue": ("% от выручки", "% of revenue"),
    "mrg_basis_after_materials": ("% после материалов", "% after materials"),
    "mrg_basis_hour": ("₽ в час", "₽ per hour"),
    "mrg_basis_month": ("оклад в месяц", "monthly salary"),
    "mrg_role_doctor": ("врач", "doctor"),
    "mrg_role_assistant": ("ассистент", "assistant"),
    "mrg_edit_pay_help": (
        "Строка — одно правило. Для схем «%» ставка в процентах (30 — это 30 %), для «в час» и "
        "«оклад» — в рублях. Правило врача важнее правила направления, оно — важнее общего; "
        "из правил одного уровня действует последнее по дате. Удалённая строка снимает "
        "правило с её даты («не действует»). Сохранение — одна запись в журнале загрузок: "
        "её можно отменить на странице «Данные».",
        "One row, one rule. For the % bases the rate is in per cent (30 is 30 %), for «per "
        "hour» and «salary» in rubles. A doctor's rule comes before a department's, which comes "
        "before the general one; within a level the latest date applies. A deleted row "
        "withdraws the rule from its date. Saving is one entry of the upload journal: it can be "
        "undone on the Data page.",
    ),
    "mrg_edit_fixed_help": (
        "Расходы месяца по статьям. Пустое направление — расход всей клиники (распределяется "
        "по часам, если выбрано выше). Удалённая строка записывается как 0 ₽. Сохранение — "
        "одна запись в журнале загрузок.",
        "The month's costs by item. An empty department is a cost of the whole clinic (spread "
        "by hours when chosen above). A deleted row is written as 0 ₽. Saving is one entry of "
        "the upload journal.",
    ),
    "mrg_edit_save_pay": ("Сохранить ставки", "Save the pay rules"),
    "mrg_edit_save_fixed": ("Сохранить расходы", "Save the costs"),
    "mrg_edit_saved": (
        "Сохранено: {n:строка|строки|строк} (загрузка № {batch}); отклонено: {rejected}.",
        "Saved: {n:row|rows} (upload no. {batch}); rejected: {rejected}.",
    ),
    "mrg_edit_nothing": ("Изменений нет: сохранять нечего.", "Nothing changed: nothing to save."),
    "mrg_edit_owner_reads": (
        "Ставки и расходы меняет менеджер; владелец их видит.",
        "A manager changes the rates and costs; the owner sees them.",
    ),
    "mrg_title": ("Рентабельность", "Margins"),
    "mrg_no_costs": (
        "Себестоимость не загружена: чтобы посчитать маржу, загрузите на странице «Данные» "
        "три файла — себестоимость услуг (материалы), правила оплаты врачей и постоянные "
        "расходы.",
        "No costs loaded: to compute margins, upload three files on the Data page — the "
        "service costs (materials), the doctors' pay rules and the fixed costs.",
    ),
    "mrg_margin": ("Маржа", "Margin"),
    "mrg_margin_help": (
        "Выручка строк с известной себестоимостью − материалы − оплата врача и ассистента.",
        "Revenue of the lines with a known cost − materials − the doctor's and assistant's pay.",
    ),
    "mrg_margin_share": ("Доля маржи", "Margin share"),
    "mrg_margin_share_help": (
        "Маржа, делённая на выручку строк с известной себестоимостью.",
        "The margin divided by the revenue of the lines with a known cost.",
    ),
    "mrg_margin_per_hour": ("Маржа в час", "Margin per hour"),
    "mrg_margin_per_hour_help": (
        "Маржа строк с длительностью на час времени врача.",
        "The margin of the lines with a duration per hour of the doctor's time.",
    ),
    "mrg_unknown_share": ("Без себестоимости", "Without a cost"),
    "mrg_unknown": (
        "нет себестоимости для {share} выручки ({revenue}, {lines:строка|строки|строк}): "
        "нет цены материалов — {no_cost}, нет правила оплаты — {no_rule}, нет длительности "
        "при почасовой оплате — {no_duration}. Эти строки не входят в маржу (не считаются "
        "нулевыми).",
        "no cost for {share} of the revenue ({revenue}, {lines:line|lines}): no materials "
        "cost — {no_cost}, no pay rule — {no_rule}, no duration under hourly pay — "
        "{no_duration}. These lines are left out of the margin (not counted as zero cost).",
    ),
    "mrg_all_known": (
        "Себестоимость известна для всей выручки периода.",
        "The cost is known for all of the period's revenue.",
    ),
    "mrg_operating_title": ("Операционная маржа", "Operating margin"),
    "mrg_allocate": ("Постоянные расходы клиники", "The clinic's fixed costs"),
    "mrg_allocate_none": ("не распределять", "leave unallocated"),
    "mrg_allocate_hours": ("по часам", "by chair hours"),
    "mrg_allocate_help": (
        "Общие расходы клиники (без направления): оставить отдельной строкой или разнести по "
        "направлениям пропорционально часам их услуг за период.",
        "The clinic's shared costs (no department): keep them apart or spread them over the "
        "departments by the hours of their services in the period.",
    ),
    "mrg_used_none": (
        "Общие расходы клиники ({amount}) не распределены: операционная маржа клиники их "
        "учитывает, направлений — нет.",
        "The clinic's shared costs ({amount}) are not allocated: the clinic's operating margin "
        "counts them, the departments' do not.",
    ),
    "mrg_used_hours": (
        "Общие расходы клиники ({amount}) распределены по направлениям пропорционально часам "
        "их услуг.",
        "The clinic's shared costs ({amount}) are allocated to the departments by the hours of "
        "their services.",
    ),
    "mrg_no_fixed": (
        "Постоянные расходы не загружены: операционная маржа не считается.",
        "No fixed costs loaded: the operating margin is not computed.",
    ),
    "mrg_doctor_no_fixed": (
        "У врача нет своих постоянных расходов: операционная маржа при фильтре врача не "
        "считается.",
        "A doctor has no fixed costs of their own: no operating margin with a doctor filter.",
    ),
    "mrg_gross": ("Валовая маржа", "Gross margin"),
    "mrg_fixed": ("Постоянные расходы", "Fixed costs"),
    "mrg_operating": ("Операционная маржа", "Operating margin"),
    "mrg_scatter_title": ("Услуги: выручка и маржа в час", "Services: revenue and margin per hour"),
    "mrg_scatter_sub": (
        "Пунктир — медианы услуг клиники: {x} выручки и {y} маржи в час. Размер точки — "
        "выручка.",
        "The dashed lines are the clinic's medians over services: {x} of revenue and {y} of "
        "margin per hour. Point size is revenue.",
    ),
    "mrg_x_log": ("Выручка в час (лог. шкала)", "Revenue per hour (log scale)"),
    "mrg_y_log": ("Маржа в час (лог. шкала)", "Margin per hour (log scale)"),
    "mrg_q_low_low": ("много времени, мало денег", "much time, little money"),
    "mrg_q_high_high": ("звёзды", "stars"),
    "mrg_q_high_low": ("дорого, но мало маржи", "pricey, thin margin"),
    "mrg_q_low_high": ("дёшево, но выгодно", "cheap but profitable"),
    "mrg_no_hours": (
        "Нет услуг с длительностью и известной себестоимостью: маржа в час не считается.",
        "No services with a duration and a known cost: no margin per hour.",
    ),
    "mrg_doctors_title": ("Врачи по марже в час", "Doctors by margin per hour"),
    "mrg_doctors_sub": (
        "Пунктир — маржа в час клиники: {value}.", "The dashed line is the clinic's: {value}.",
    ),
    "mrg_doctors_table": ("Маржа по врачам", "Margin by doctor"),
    "mrg_departments_table": ("Маржа по направлениям", "Margin by department"),
    "mrg_services_table": ("Маржа по услугам", "Margin by service"),
    "mrg_review_title": ("Пересмотр цен", "Price review"),
    "mrg_review_caption": (
        "Услуги с маржой в час ниже медианы клиники ({median}) и цена, которая довела бы их "
        "до медианы при тех же затратах.",
        "Services whose margin per hour is below the clinic's median ({median}), and the price "
        "that would bring them to it, their costs unchanged.",
    ),
    "mrg_review_none": (
        "Нет услуг с маржой в час ниже медианы.",
        "No services with a margin per hour below the median.",
    ),
    # the text report (clinic_bi/present/report_ahead.py)
    "mrg_report_clinic": (
        "Маржа {margin} ({share} выручки с известной себестоимостью), в час {per_hour}",
        "Margin {margin} ({share} of the revenue with a known cost), per hour {per_hour}",
    ),
    "mrg_report_operating": (
        "Операционная маржа {operating}: постоянные расходы {fixed} ({allocate})",
        "Operating margin {operating}: fixed costs {fixed} ({allocate})",
    ),
    "mrg_report_review": (
        "Пересмотр цен: {n:услуга|услуги|услуг} ниже медианы маржи в час ({median})",
        "Price review: {n:service|services} below the median margin per hour ({median})",
    ),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "lines": ("Строк", "Lines"),
    "known_revenue": ("Выручка с известной себестоимостью", "Revenue with a known cost"),
    "materials": ("Материалы", "Materials"),
    "pay": ("Оплата врача", "Pay"),
    "margin": ("Маржа", "Margin"),
    "margin_share": ("Доля маржи", "Margin share"),
    "hours": ("Часов", "Hours"),
    "margin_per_hour": ("Маржа в час", "Margin per hour"),
    "margin_per_chair_hour": ("Маржа на час кресла", "Margin per chair hour"),
    "unknown_lines": ("Строк без себестоимости", "Lines without a cost"),
    "unknown_revenue": ("Выручка без себестоимости", "Revenue without a cost"),
    "unknown_revenue_share": ("Доля без себестоимости", "Share without a cost"),
    "no_cost_lines": ("Нет цены материалов", "No materials cost"),
    "no_rule_lines": ("Нет правила оплаты", "No pay rule"),
    "no_duration_lines": ("Нет длительности", "No duration"),
    "hours_per_unit": ("Часов на услугу", "Hours per service"),
    "median_margin_per_hour": ("Медиана маржи в час", "Median margin per hour"),
    "price_needed": ("Цена до медианы", "Price to the median"),
    "fixed_costs": ("Постоянные расходы", "Fixed costs"),
    "operating_margin": ("Операционная маржа", "Operating margin"),
    "hours_share": ("Доля часов", "Share of hours"),
}

# How each column is shown (margins_view): money via fmt.money, ratios via fmt.percent.
MONEY = frozenset({"revenue", "known_revenue", "materials", "pay", "margin", "margin_per_hour",
                   "margin_per_chair_hour", "revenue_per_hour", "unknown_revenue", "avg_price",
                   "median_margin_per_hour", "price_needed", "fixed_costs",
                   "operating_margin"})  # fmt: skip
RATIOS = frozenset({"margin_share", "unknown_revenue_share", "hours_share"})
DECIMALS = frozenset({"hours", "hours_per_unit"})
