"""The canonical tables of DATA.md, declared once.

Each table's columns (their names, how their text is read, whether the export must have them),
its alternatives, its name in both languages and the export that brings it, the column that
dates a row, the column that keys a row, and which columns the store holds for every row.
Everything else is derived from here: the mapping's required fields (clinic_bi/ingest/mapping.py),
the loader's keys and period (clinic_bi/ingest/loader.py), the store's list of tables
(clinic_bi/store), the tables' names on pages and in the report (clinic_bi/present/words.py) and the
"upload this" notice (clinic_bi/app/i18n.py). tests/test_tables.py proves that
`queries/store/schema.sql`'s NOT NULL columns and each `queries/ingest/<table>.sql`'s required
checks say the same as this file.
"""

from __future__ import annotations

from dataclasses import dataclass

# Column.kind: how the raw text is read (see queries/ingest/_macros.sql)
#   text, id, date, ts, money, num, month, rating, stage, status, gender, phone,
#   name (used only to derive a key, never stored), drop (read and thrown away: e-mails, titles)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False  # the export must have it, and a row without it is rejected


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    # Alternatives: any one of these groups satisfies the requirement (services: amount or price;
    # marketing_spend: date or month).
    one_of: tuple[tuple[str, ...], ...] = ()
    # Words in a file name that hint at this table (used only to break ties).
    file_hints: tuple[str, ...] = ()
    label_ru: str = ""  # the table in a Russian sentence ("… не хватает для «оказанные услуги»")
    title: tuple[str, str] = ("", "")  # the table's name on a page or in the report: ru, en
    export: tuple[str, str] = ("", "")  # the export that brings it ("upload …"): ru, en
    main_date: str = ""  # the column that dates a row: a file's period, coverage
    # The export's own number that keys a row; None: a row is keyed by a hash of its values.
    id_column: str | None = None
    # Not required of the export, but filled for every row the parse accepts, from an
    # alternative (services.amount from price × quantity, patient_id from the name); a row
    # where it cannot be filled is rejected, as for a required column.
    filled: tuple[str, ...] = ()
    # Store columns that always hold a value and need no check: a default (services.quantity
    # is 1 where the export has none) or a column the parse derives (reviews.rating_scale).
    computed: tuple[str, ...] = ()
    # Required words that may be ones no list knows yet: such a row loads with the column null
    # and the export's word kept, until the clinic maps it (appointments.status).
    mapped_later: tuple[str, ...] = ()
    # Tables keyed by content: the columns that tell one export from another covering the same
    # days (a branch's file from another branch's). A newer version of an export replaces an
    # earlier one only within the values of these it holds (clinic_bi/ingest/resaved.py).
    resave_scope: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def checked(self) -> list[str]:
        """The columns whose empty or unreadable value rejects a row."""
        return [*self.required, *self.filled]

    @property
    def not_null(self) -> list[str]:
        """The store's columns that hold a value in every row (schema.sql's NOT NULL)."""
        return [c for c in (*self.checked, *self.computed) if c not in self.mapped_later]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_PERSONAL = (
    Column("_name", "name"),
    Column("_first_name", "name"),
    Column("_last_name", "name"),
    Column("_middle_name", "name"),
    Column("_email", "drop"),
)

TABLE_SPECS: dict[str, TableSpec] = {
    "services": TableSpec(
        "services",
        (
            Column("visit_date", "date", True),
            Column("patient_id", "id"),
            Column("doctor", "text"),  # some MIS exports have none (DATA.md)
            Column("service", "text", True),
            Column("amount", "money"),
            Column("department", "text"),
            Column("visit_id", "id"),
            Column("service_code", "id"),
            Column("quantity", "num"),
            Column("price", "money"),
            Column("discount", "money"),
            Column("paid", "money"),
            Column("branch", "text"),
            Column("duration_min", "num"),
            Column("_phone", "phone"),
            Column("_birth_date", "date"),
            *_PERSONAL,
        ),
        # no card number: a key is derived from the patient's name (with phone or birth date)
        one_of=(("amount", "price"), ("patient_id", "_name", "_last_name")),
        file_hints=("услуг", "service", "procedur", "оказан", "выручк", "ident", "medesk"),
        label_ru="оказанные услуги",
        title=("Оказанные услуги", "Services rendered"),
        export=(
            "отчёт об оказанных услугах из МИС (IDENT, Medesk, 1С:Медицина …)",
            "the services-rendered report of your medical system (IDENT, Medesk, 1C …)",
        ),
        main_date="visit_date",
        id_column=None,
        resave_scope=("branch", "department"),
        filled=("patient_id", "amount"),
        computed=("quantity",),
    ),
    "leads": TableSpec(
        "leads",
        (
            Column("lead_id", "id", True),
            Column("created_at", "ts", True),
            Column("channel", "text"),
            Column("operator", "text"),
            Column("stage", "stage"),
            Column("patient_id", "id"),
            Column("phone", "phone"),
            Column("amount", "money"),
            Column("_title", "drop"),
            Column("_currency", "drop"),
            Column("_pipeline", "drop"),
            *_PERSONAL,
        ),
        file_hints=("лид", "lead", "сделк", "deal", "bitrix", "crm", "заявк"),
        label_ru="лиды / сделки CRM",
        title=("Лиды / сделки CRM", "CRM leads / deals"),
        export=(
            "выгрузку лидов или сделок из CRM (Битрикс24 …)",
            "the leads or deals export of your CRM (Bitrix24 …)",
        ),
        main_date="created_at",
        id_column="lead_id",
    ),
    "appointments": TableSpec(
        "appointments",
        (
            Column("appointment_id", "id", True),
            Column("scheduled_at", "ts", True),
            Column("status", "status", True),
            Column("patient_id", "id"),
            Column("doctor", "text"),
            Column("department", "text"),
            Column("created_at", "ts"),
            Column("lead_id", "id"),
            Column("started_at", "ts"),
            Column("wait_min", "num"),
            Column("branch", "text"),
            Column("_phone", "phone"),
            *_PERSONAL,
        ),
        file_hints=("распис", "запис", "schedule", "appoint", "приём", "прием"),
        label_ru="расписание (записи на приём)",
        title=("Расписание (записи)", "Schedule (appointments)"),
        export=(
            "выгрузку расписания (записи на приём со статусами)",
            "the schedule export (appointments with their status)",
        ),
        main_date="scheduled_at",
        id_column="appointment_id",
        mapped_later=("status",),
    ),
    "contracts": TableSpec(
        "contracts",
        (
            Column("contract_id", "id", True),
            Column("signed_at", "date", True),
            Column("amount", "money", True),
            Column("patient_id", "id"),
            Column("lead_id", "id"),
            Column("doctor", "text"),
            Column("department", "text"),
            Column("prepaid", "money"),
            *_PERSONAL,
        ),
        file_hints=("договор", "contract", "план"),
        label_ru="договоры / планы лечения",
        title=("Договоры / планы лечения", "Contracts / treatment plans"),
        export=(
            "выгрузку договоров или планов лечения",
            "the contracts / treatment plans",
        ),
        main_date="signed_at",
        id_column="contract_id",
    ),
    "marketing_spend": TableSpec(
        "marketing_spend",
        (
            Column("amount", "money", True),
            Column("channel", "text", True),
            Column("date", "date"),
            Column("month", "month"),
        ),
        one_of=(("date", "month"),),
        file_hints=("расход", "реклам", "spend", "marketing", "маркетинг", "бюджет", "cost"),
        label_ru="расходы на рекламу",
        title=("Расходы на рекламу", "Ad spend"),
        export=(
            "таблицу расходов на рекламу по каналам и месяцам",
            "the ad spend per channel and month",
        ),
        main_date="date",
        id_column=None,
        resave_scope=("channel",),
        filled=("date",),
        computed=("is_monthly",),
    ),
    "reviews": TableSpec(
        "reviews",
        (
            Column("rating", "rating", True),
            Column("date", "date", True),
            Column("doctor", "text"),
            Column("patient_id", "id"),
            Column("source", "text"),
            Column("text", "text"),
            *_PERSONAL,
        ),
        file_hints=("отзыв", "review", "оценк", "рейтинг"),
        label_ru="отзывы",
        title=("Отзывы", "Reviews"),
        export=(
            "выгрузку отзывов с оценками",
            "the reviews export with ratings",
        ),
        main_date="date",
        id_column=None,
        resave_scope=("source",),
        computed=("rating_scale",),
    ),
    "patients": TableSpec(
        "patients",
        (
            Column("patient_id", "id"),
            Column("first_visit_date", "date"),
            Column("channel", "text"),
            Column("birth_date", "date"),
            Column("gender", "gender"),
            Column("created_at", "ts"),
            Column("phone", "phone"),
            *_PERSONAL,
        ),
        # a card number alone is no patient list: it needs something about the patient
        one_of=(("patient_id", "_name", "_last_name"),
                ("first_visit_date", "channel", "birth_date", "gender", "created_at", "phone")),
        file_hints=("пациент", "patient", "клиент", "client", "карт"),
        label_ru="список пациентов",
        title=("Список пациентов", "Patient list"),
        export=(
            "список пациентов из МИС",
            "the patient list of your medical system",
        ),
        main_date="first_visit_date",
        id_column="patient_id",
        filled=("patient_id",),
    ),
    "goals": TableSpec(
        "goals",
        (
            Column("month", "month", True),
            Column("figure", "text", True),  # revenue / visits / new_patients, or in Russian
            Column("scope", "text"),  # clinic / department / doctor; empty with no name: clinic
            Column("scope_name", "text"),  # the department's or doctor's name; none for the clinic
            Column("value", "num"),  # the goal; empty: no goal (clears an earlier one)
        ),
        file_hints=("план", "цел", "goal", "target", "plan"),
        label_ru="планы (цели по месяцам)",
        title=("Планы (цели)", "Goals"),
        export=(
            "таблицу планов: месяц, уровень (клиника, направление, врач), показатель, цель",
            "the goals table: month, scope (clinic, department, doctor), figure, goal",
        ),
        main_date="month",
        # a goal's identity: month, scope, name, figure (queries/ingest/goals.sql); a later
        # batch with the same identity replaces the value
        id_column="goal_id",
        computed=("scope", "goal_id"),
    ),
    "service_costs": TableSpec(
        "service_costs",
        (
            Column("service_code", "id"),  # the MIS code (services.service_code)
            Column("service", "text"),  # the service's name (services.service)
            Column("cost", "money", True),  # materials and lab of ONE unit of the service
            Column("valid_from", "date"),  # empty: from the beginning
            Column("department", "text"),  # a cost for that department only
            Column("_price", "drop"),  # a price list's price: read and thrown away
        ),
        one_of=(("service_code", "service"),),
        file_hints=("себестоим", "материал", "прайс", "price", "cost"),
        label_ru="себестоимость услуг",
        title=("Себестоимость услуг", "Service costs"),
        export=(
            "прайс-лист со столбцом себестоимости (материалы и лаборатория на одну услугу)",
            "the price list with a cost column (materials and lab per service)",
        ),
        main_date="valid_from",
        # a cost's identity: code, service, valid_from, department (queries/ingest/
        # service_costs.sql); a later batch with the same identity replaces the cost
        id_column="cost_id",
        computed=("cost_id",),
    ),
    "pay_rules": TableSpec(
        "pay_rules",
        (
            Column("doctor", "text"),  # empty: every doctor without a rule of their own
            Column("department", "text"),  # empty: every department
            Column("basis", "text", True),  # revenue / after_materials / hour / month, or in Russian
            Column("rate", "text", True),  # "30 %", "0,3", "30" for a % basis; rubles otherwise
            Column("valid_from", "date"),  # empty: from the beginning
            Column("role", "text"),  # doctor (default) / assistant, or in Russian
        ),
        file_hints=("оплат", "зарплат", "зп", "процент", "мотивац", "pay", "salary", "wage"),
        label_ru="схемы оплаты врачей",
        title=("Схемы оплаты врачей", "Pay rules"),
        export=(
            "таблицу оплаты врачей: врач, отделение, схема (% от выручки, % после материалов, "
            "в час, оклад), ставка",
            "the doctors' pay rules: doctor, department, basis (% of revenue, % after materials, "
            "per hour, salary), rate",
        ),
        main_date="valid_from",
        # a rule's identity: doctor, department, role, valid_from (queries/ingest/pay_rules.sql)
        id_column="rule_id",
        computed=("rule_id",),
    ),
    "fixed_costs": TableSpec(
        "fixed_costs",
        (
            Column("month", "month", True),
            Column("item", "text", True),  # "Аренда", "Администраторы" …
            Column("amount", "money", True),
            Column("department", "text"),  # empty: the whole clinic
            Column("branch", "text"),  # empty: every branch
        ),
        file_hints=("постоян", "fixed", "аренд", "накладн", "overhead", "opex"),
        label_ru="постоянные расходы",
        title=("Постоянные расходы", "Fixed costs"),
        export=(
            "таблицу постоянных расходов по месяцам: месяц, статья, сумма",
            "the fixed costs per month: month, item, amount",
        ),
        main_date="month",
        # a cost's identity: month, item, department, branch (queries/ingest/fixed_costs.sql)
        id_column="fixed_cost_id",
        computed=("fixed_cost_id",),
    ),
}


# The canonical fields a file column can be mapped onto, in both languages: the mapping editor's
# choices and the columns a load's messages name (clinic_bi/ingest/messages.py).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "visit_date": ("Дата визита", "Visit date"),
    "patient_id": ("№ карты пациента", "Patient card number"),
    "doctor": ("Врач", "Doctor"),
    "service": ("Услуга", "Service"),
    "amount": ("Сумма", "Amount"),
    "department": ("Направление / отделение", "Department"),
    "visit_id": ("№ визита", "Visit number"),
    "service_code": ("Код услуги", "Service code"),
    "quantity": ("Количество", "Quantity"),
    "price": ("Цена", "Price"),
    "discount": ("Скидка", "Discount"),
    "paid": ("Оплачено", "Paid"),
    "branch": ("Филиал", "Branch"),
    "duration_min": ("Длительность, мин", "Duration, min"),
    "lead_id": ("№ лида / сделки", "Lead / deal number"),
    "created_at": ("Дата создания", "Created at"),
    "channel": ("Канал / источник", "Channel / source"),
    "operator": ("Ответственный (оператор)", "Operator"),
    "stage": ("Стадия CRM", "CRM stage"),
    "phone": ("Телефон (хранится только хэш)", "Phone (only a hash is kept)"),
    "appointment_id": ("№ записи", "Appointment number"),
    "scheduled_at": ("Дата и время приёма", "Appointment time"),
    "status": ("Статус записи", "Appointment status"),
    "started_at": ("Фактическое начало приёма", "Actual start"),
    "wait_min": ("Ожидание, мин", "Waiting, min"),
    "contract_id": ("№ договора", "Contract number"),
    "signed_at": ("Дата подписания", "Signed on"),
    "prepaid": ("Предоплата", "Prepaid"),
    "date": ("Дата", "Date"),
    "month": ("Месяц", "Month"),
    "rating": ("Оценка", "Rating"),
    "source": ("Площадка отзыва", "Review site"),
    "text": ("Текст отзыва", "Review text"),
    "first_visit_date": ("Дата первого визита", "First visit date"),
    "birth_date": ("Дата рождения", "Birth date"),
    "gender": ("Пол", "Gender"),
    "figure": ("Показатель (выручка, визиты, новые пациенты)",
               "Figure (revenue, visits, new patients)"),
    "scope": ("Уровень (клиника, направление, врач)", "Scope (clinic, department, doctor)"),
    "scope_name": ("Направление или врач", "Department or doctor"),
    "value": ("Цель", "Goal"),
    "cost": ("Себестоимость (материалы, лаборатория) на единицу",
             "Cost (materials, lab) per unit"),
    "valid_from": ("Действует с", "Valid from"),
    "basis": ("Схема оплаты (% от выручки, % после материалов, в час, оклад)",
              "Pay basis (% of revenue, % after materials, per hour, salary)"),
    "rate": ("Ставка (процент или рубли)", "Rate (a percentage or rubles)"),
    "role": ("Роль (врач, ассистент)", "Role (doctor, assistant)"),
    "item": ("Статья расходов", "Cost item"),
    "_price": ("Цена (не хранится)", "Price (not stored)"),
    "_phone": ("Телефон пациента (только для ключа)", "Patient phone (for the key only)"),
    "_birth_date": ("Дата рождения (только для ключа)", "Birth date (for the key only)"),
    "_name": ("ФИО пациента (не хранится)", "Patient name (not stored)"),
    "_first_name": ("Имя (не хранится)", "First name (not stored)"),
    "_last_name": ("Фамилия (не хранится)", "Last name (not stored)"),
    "_middle_name": ("Отчество (не хранится)", "Middle name (not stored)"),
    "_email": ("E-mail (не хранится)", "E-mail (not stored)"),
    "_title": ("Название (не хранится)", "Title (not stored)"),
    "_currency": ("Валюта (не хранится)", "Currency (not stored)"),
    "_pipeline": ("Воронка CRM (не хранится)", "CRM pipeline (not stored)"),
}


def field_label(name: str, lang: str) -> str:
    pair = FIELD_LABELS.get(name)
    return name if pair is None else pair[0 if lang == "ru" else 1]
