"""The demo clinic's declarative data: departments, doctors and their habits, the price list,
channels, names, review texts and the column headers of the exports."""

from __future__ import annotations

from dataclasses import dataclass

YEARS = 3
OVERLAP_DAYS = 7
CLINIC = "Стоматологическая клиника «Улыбка»"
BRANCHES = ("Центр", "Север")
NBSP = "\u00a0"

# Department order is the index used throughout the simulation.
DEPARTMENTS = (
    "Терапия",
    "Ортопедия",
    "Детская стоматология",
    "Хирургия",
    "Гигиена",
    "Ортодонтия",
)
TER, ORT, KID, SUR, HYG, ODN = range(6)  # indexes into DEPARTMENTS


@dataclass(frozen=True)
class Doctor:
    """A doctor and how their patients behave.

    An episode (a patient's course with this doctor) is a single visit with probability
    `p_single`, else 2 + Poisson(`extra`) visits; each gap between visits continues the course
    (5–21 days) with probability `p_short`, else is a recall of `recall` days.
    """

    name: str
    department: int
    weight: float
    branch: str | None  # None: works in both branches
    p_single: float
    extra: float
    p_short: float
    recall: tuple[int, int]


DOCTORS = (
    # Терапия: Иванова keeps patients for years; Петров is the duty doctor nobody comes back to.
    Doctor("Иванова А. С.", TER, 0.30, "Центр", 0.06, 5.5, 0.35, (60, 170)),
    Doctor("Петров Д. В.", TER, 0.50, None, 0.86, 0.3, 0.3, (150, 420)),
    Doctor("Кузнецова Е. Н.", TER, 0.20, "Север", 0.35, 1.8, 0.5, (90, 330)),
    Doctor("Соколов М. А.", ORT, 0.55, "Центр", 0.45, 0.8, 0.85, (30, 200)),
    Doctor("Волкова Т. И.", ORT, 0.45, None, 0.45, 0.8, 0.85, (30, 200)),
    Doctor("Морозова Н. В.", KID, 0.45, "Центр", 0.35, 1.1, 0.40, (90, 240)),
    Doctor("Лебедева О. Ю.", KID, 0.35, "Север", 0.35, 1.1, 0.40, (90, 240)),
    Doctor("Новикова И. А.", KID, 0.20, None, 0.35, 1.1, 0.40, (90, 240)),
    Doctor("Козлов А. П.", SUR, 0.55, None, 0.55, 0.8, 0.55, (60, 180)),
    Doctor("Зайцев С. Г.", SUR, 0.45, "Центр", 0.55, 0.8, 0.55, (60, 180)),
    Doctor("Павлова Ю. Р.", HYG, 0.55, "Центр", 0.40, 1.2, 0.10, (150, 240)),
    Doctor("Семёнова К. Д.", HYG, 0.45, "Север", 0.40, 1.2, 0.10, (150, 240)),
    Doctor("Голубева Е. В.", ODN, 0.55, "Центр", 0.35, 5.0, 0.10, (25, 45)),
    Doctor("Виноградов П. Н.", ODN, 0.45, "Север", 0.35, 5.0, 0.10, (25, 45)),
)


DUTY_DOCTOR = "Петров Д. В."  # meets most new patients; few ever come back to him
DUTY = next(i for i, d in enumerate(DOCTORS) if d.name == DUTY_DOCTOR)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    department: int
    price: int  # at the start of the window; the price list rises each year
    minutes: int
    weight: float  # how often it is chosen among its department's lines (0: never at random)
    role: str = ""  # "consult": first line of a first visit; "main": orthodontic appliance
    multi: bool = False  # may be billed with quantity 2 (two teeth, two X-rays)


SERVICES = (
    Service("ТЕР01", "Консультация терапевта", TER, 1000, 20, 0, "consult"),
    Service("ТЕР02", "Рентген прицельный", TER, 500, 10, 3, multi=True),
    Service("ТЕР03", "Анестезия инфильтрационная", TER, 600, 10, 3, multi=True),
    Service("ТЕР04", "Лечение кариеса", TER, 5000, 60, 4),
    Service("ТЕР05", "Пломба светоотверждаемая", TER, 4200, 40, 4, multi=True),
    Service("ТЕР06", "Лечение пульпита (1 канал)", TER, 8000, 90, 1.5),
    Service("ТЕР07", "Лечение периодонтита", TER, 10500, 90, 0.8),
    Service("ТЕР08", "Эндодонтическое лечение под микроскопом", TER, 15000, 120, 0.5),
    Service("ТЕР09", "Художественная реставрация", TER, 8500, 90, 0.7),
    Service("ТЕР10", "Временная пломба", TER, 800, 15, 1),
    Service("ОРТ01", "Консультация ортопеда", ORT, 1500, 30, 0, "consult"),
    Service("ОРТ02", "Снятие слепков", ORT, 2500, 30, 2),
    Service("ОРТ03", "Коронка металлокерамическая", ORT, 18000, 60, 3, multi=True),
    Service("ОРТ04", "Коронка цирконий", ORT, 32000, 60, 2.2, multi=True),
    Service("ОРТ05", "Вкладка культевая", ORT, 7500, 40, 1.5),
    Service("ОРТ06", "Винир керамический", ORT, 38000, 90, 0.5, multi=True),
    Service("ОРТ07", "Съёмный протез", ORT, 45000, 60, 0.5),
    Service("ОРТ08", "Коронка на имплант", ORT, 42000, 60, 0.9),
    Service("ОРТ09", "Временная коронка", ORT, 4000, 30, 1.5, multi=True),
    Service("ДЕТ01", "Консультация детского стоматолога", KID, 1000, 30, 0, "consult"),
    Service("ДЕТ02", "Лечение кариеса молочного зуба", KID, 3800, 40, 4),
    Service("ДЕТ03", "Лечение пульпита молочного зуба", KID, 5800, 60, 1.5),
    Service("ДЕТ04", "Герметизация фиссур", KID, 2000, 20, 3, multi=True),
    Service("ДЕТ05", "Удаление молочного зуба", KID, 2200, 20, 1.5),
    Service("ДЕТ06", "Фторирование зубов", KID, 1500, 20, 2),
    Service("ДЕТ07", "Профгигиена детская", KID, 2800, 40, 2),
    Service("ДЕТ08", "Адаптационный приём", KID, 800, 30, 1),
    Service("ХИР01", "Консультация хирурга", SUR, 1200, 20, 0, "consult"),
    Service("ХИР02", "Удаление зуба", SUR, 3500, 30, 4, multi=True),
    Service("ХИР03", "Удаление зуба сложное", SUR, 7000, 60, 2),
    Service("ХИР04", "Удаление зуба мудрости", SUR, 9500, 60, 1.5),
    Service("ХИР05", "Имплантация (имплант Osstem)", SUR, 55000, 90, 1.2, multi=True),
    Service("ХИР06", "Синус-лифтинг", SUR, 45000, 90, 0.3),
    Service("ХИР07", "Костная пластика", SUR, 35000, 90, 0.3),
    Service("ХИР08", "КТ челюсти", SUR, 3500, 15, 1.5),
    Service("ГИГ01", "Профгигиена (ультразвук + Air Flow)", HYG, 6000, 60, 6),
    Service("ГИГ02", "Отбеливание Zoom", HYG, 25000, 90, 0.4),
    Service("ГИГ03", "Реминерализующая терапия", HYG, 2000, 20, 1.5),
    Service("ГИГ04", "Обучение гигиене полости рта", HYG, 700, 15, 1),
    Service("ОДН01", "Консультация ортодонта", ODN, 1500, 30, 0, "consult"),
    Service("ОДН02", "ТРГ и расчёт", ODN, 3500, 30, 1),
    Service("ОДН03", "Брекеты металлические (1 челюсть)", ODN, 65000, 120, 0, "main"),
    Service("ОДН04", "Брекеты керамические (1 челюсть)", ODN, 95000, 120, 0, "main"),
    Service("ОДН05", "Коррекция брекет-системы", ODN, 4500, 30, 6),
    Service("ОДН06", "Элайнеры (этап лечения)", ODN, 180000, 40, 0, "main"),
    Service("ОДН07", "Ретейнер", ODN, 12000, 30, 0.4),
    Service("ОДН08", "Пластинка ортодонтическая", ODN, 18000, 30, 0, "main"),
)
# Orthodontic appliance fitted on the second visit: metal, ceramic, aligners, a plate.
MAIN_WEIGHTS = {"ОДН03": 0.45, "ОДН04": 0.25, "ОДН06": 0.08, "ОДН08": 0.22}
PRICE_RISE = 0.07  # per year of the window
# Extra lines per visit (Poisson mean) by department.
EXTRA_LINES = (0.8, 0.23, 0.35, 0.3, 0.3, 0.05)

CHANNELS = ("Яндекс.Директ", "VK Реклама", "ПроДокторов", "2ГИС", "Сайт (SEO)", "Рекомендация")
NEW_CHANNEL_P = (0.26, 0.09, 0.15, 0.11, 0.12, 0.27)
OLD_CHANNEL_P = (0.10, 0.02, 0.10, 0.10, 0.10, 0.58)
LEAD_ONLY_CHANNEL_P = (0.30, 0.22, 0.12, 0.10, 0.14, 0.12)
# Monthly spend = cost per new patient × new patients of the month (Сайт (SEO): a fixed fee).
COST_PER_NEW = {"Яндекс.Директ": 4500, "VK Реклама": 9000, "ПроДокторов": 1500, "2ГИС": 2500}
SEO_FEE = 40000
LEAD_TITLES = {
    "Яндекс.Директ": ("Заявка с сайта", "Звонок", "Обратный звонок"),
    "VK Реклама": ("Заявка из VK", "Сообщение ВКонтакте"),
    "ПроДокторов": ("Запись с ПроДокторов", "Звонок"),
    "2ГИС": ("Звонок", "Заявка из 2ГИС"),
    "Сайт (SEO)": ("Заявка с сайта", "Онлайн-запись", "Звонок"),
    "Рекомендация": ("Звонок", "Обращение в WhatsApp"),
}
OPERATORS = ("Анна Смирнова", "Мария Кузнецова", "Екатерина Орлова", "Дмитрий Ковалёв")

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip

FEMALE_NAMES = (
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Екатерина",
    "Юлия", "Анастасия", "Дарья", "Ксения", "Виктория", "Алина", "Полина", "Валентина",
    "Людмила", "Галина", "Надежда", "Вера", "Марина", "Оксана", "Евгения", "Софья", "Алиса",
    "Варвара", "Вероника", "Кристина", "Александра", "Елизавета", "Ульяна", "Милана", "Ева",
)  # fmt: skip
MALE_NAMES = (
    "Александр", "Дмитрий", "Сергей", "Андрей", "Алексей", "Максим", "Иван", "Михаил",
    "Николай", "Евгений", "Владимир", "Павел", "Артём", "Роман", "Олег", "Игорь", "Константин",
    "Виктор", "Юрий", "Денис", "Антон", "Кирилл", "Егор", "Матвей", "Тимофей", "Никита", "Илья",
    "Григорий", "Степан", "Фёдор", "Лев", "Марк", "Даниил", "Георгий",
)  # fmt: skip
PATRONYMICS = (
    ("Александрович", "Александровна"), ("Дмитриевич", "Дмитриевна"), ("Сергеевич", "Сергеевна"),
    ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"), ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"), ("Евгеньевич", "Евгеньевна"),
    ("Владимирович", "Владимировна"), ("Павлович", "Павловна"), ("Викторович", "Викторовна"),
    ("Юрьевич", "Юрьевна"), ("Олегович", "Олеговна"), ("Игоревич", "Игоревна"),
    ("Петрович", "Петровна"), ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"),
    ("Геннадьевич", "Геннадьевна"), ("Борисович", "Борисовна"), ("Романович", "Романовна"),
    ("Максимович", "Максимовна"), ("Денисович", "Денисовна"), ("Ильич", "Ильинична"),
    ("Константинович", "Константиновна"), ("Никитич", "Никитична"), ("Артёмович", "Артёмовна"),
    ("Кириллович", "Кирилловна"), ("Антонович", "Антоновна"), ("Григорьевич", "Григорьевна"),
)  # fmt: skip
SURNAMES = (
    "Смирнов", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков",
    "Морозов", "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов",
    "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев", "Тарасов",
    "Белов", "Комаров", "Орлов", "Киселёв", "Макаров", "Андреев", "Ковалёв", "Ильин", "Гусев",
    "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев", "Степанов", "Яковлев",
    "Сорокин", "Сергеев", "Романов", "Захаров", "Борисов", "Королёв", "Герасимов", "Пономарёв",
    "Григорьев", "Лазарев", "Медведев", "Ершов", "Никитин", "Соболев", "Рябов", "Поляков",
    "Цветков", "Данилов", "Жуков", "Фролов", "Журавлёв", "Николаев", "Крылов", "Максимов",
    "Сидоров", "Осипов", "Белоусов", "Федотов", "Егоров", "Матвеев", "Бобров", "Дмитриев",
    "Калинин", "Антонов", "Тимофеев", "Никифоров", "Веселов", "Филиппов", "Марков", "Миронов",
    "Казаков", "Ефимов", "Денисов", "Громов", "Фомин", "Давыдов", "Мельников", "Щербаков",
    "Карпов", "Власов", "Маслов", "Тихонов", "Гаврилов", "Котов", "Быков", "Зуев", "Панов",
    "Суворов", "Абрамов", "Воронов", "Трофимов", "Мартынов", "Чернов", "Назаров", "Потапов",
    "Жданов", "Наумов", "Ермаков", "Дроздов", "Савин", "Логинов", "Кириллов", "Прохоров",
    "Нестеров", "Филатов", "Гордеев", "Князев", "Вишневский", "Островский", "Полянский",
    "Шевченко", "Бондаренко", "Коваленко", "Ким",
)  # fmt: skip

REVIEW_TEXTS = {
    5: (
        "Отличный врач, всё объяснил и сделал без боли.",
        "Очень довольна, спасибо! Рекомендую.",
        'Клиника "Улыбка" — лучшая, хожу сюда всей семьёй.',
        "Аккуратно, быстро, без очередей.",
        "Ребёнок не боялся, врач нашёл подход.",
        'Спасибо за "новую улыбку", результат превзошёл ожидания!',
        "Профессионал своего дела, буду ходить только сюда.",
    ),
    4: (
        "Хорошо, но пришлось подождать минут 15.",
        'В целом доволен, хотя цены "кусаются".',
        "Всё сделали качественно, администраторы могли бы быть приветливее.",
        "Лечение хорошее, парковка неудобная.",
    ),
    3: (
        "Нормально, но перепутали время записи.",
        "Сделали, но объяснили мало, пришлось переспрашивать.",
        "Средне: врач хороший, ожидание долгое.",
    ),
    2: (
        "Долго ждала, врач торопился.",
        'Пломба выпала через месяц, "гарантия" не помогла.',
    ),
    1: (
        'Навязывали лишние услуги, "план лечения" на 300 тысяч.',
        "Больно и дорого, больше не приду.",
        "Приём перенесли дважды, в итоге ушла в другую клинику.",
    ),
}
REVIEW_SOURCES = ("ПроДокторов", "2ГИС", "Яндекс Карты")

SERVICE_HEADERS_IDENT = (
    "Дата приёма", "№ карты", "Пациент", "Врач", "Отделение", "Код услуги", "Услуга", "Кол-во",
    "Цена", "Скидка", "Сумма", "Оплачено", "Филиал", "Длительность, мин", "Номер визита",
)  # fmt: skip
SERVICE_HEADERS_MEDESK = (
    "Дата оказания", "Номер карты", "ФИО пациента", "Специалист", "Направление", "Артикул",
    "Наименование услуги", "Количество", "Стоимость", "Сумма скидки", "Сумма со скидкой",
    "Поступило", "Филиал", "Длительность, мин", "Номер визита",
)  # fmt: skip
LINE_COLUMNS = (
    "visit_date", "card", "patient", "doctor", "department", "code", "service", "quantity",
    "price", "discount", "amount", "paid", "branch", "minutes", "visit_id",
)  # fmt: skip



# --- Costs (DATA.md "service_costs", "pay_rules", "fixed_costs") -------------------------------
# Materials and lab as a share of a service's price at the window's start, by department:
# orthopedics carries the dental lab (crowns, veneers, dentures), implants the implant itself,
# orthodontics the appliance; therapy fillings and canal materials; hygiene and consultations
# next to nothing.
COST_SHARE = {TER: 0.15, ORT: 0.42, KID: 0.12, SUR: 0.12, HYG: 0.08, ODN: 0.35}
COST_SHARE_BY_CODE = {
    "ХИР05": 0.45,  # the implant
    "ХИР06": 0.40,  # bone graft material
    "ХИР07": 0.40,
    "ОРТ04": 0.48,  # zirconia
    "ОРТ06": 0.50,  # ceramic veneers
    "ОРТ08": 0.45,
    "ГИГ02": 0.10,
    # The impressions: silicone, trays and the lab's models cost most of the price, and with the
    # orthopedist's 25 % of revenue on top the clinic loses money on every one of them.
    "ОРТ02": 0.84,
}
CONSULT_SHARE = 0.05
# The lab raised its prices at the start of the window's last year: these services' costs
# rise by that share from then on (a second row of the price list, with its date).
COST_RISE = {"ОРТ02": 0.20, "ОРТ03": 0.12, "ОРТ04": 0.12, "ХИР05": 0.10}


def service_cost(service: Service) -> float:
    """The materials and lab cost of one unit of `service` at the window's start, in rubles
    (rounded to 10)."""
    if service.role == "consult":
        share = CONSULT_SHARE
    else:
        share = COST_SHARE_BY_CODE.get(service.code, COST_SHARE[service.department])
    return float(round(service.price * share / 10) * 10)


# The pay rules (pay_rules.csv): most doctors 30 % of revenue after materials, the orthopedists
# 25 % of revenue, one hygienist per hour, the surgery assistants 5 %; one doctor's rate rose
# at the start of the window's last year (a second rule, with its date).
HOURLY_HYGIENIST = "Павлова Ю. Р."
HOURLY_RATE = 1800
RAISED_DOCTOR = "Иванова А. С."
# Fixed costs per month by branch at the window's start: rent, administrators, utilities
# (rent and pay rise each year; utilities are higher in the heating months).
FIXED_COSTS = {
    "Центр": {"Аренда": 450_000, "Администраторы": 240_000, "Коммунальные услуги": 55_000},
    "Север": {"Аренда": 300_000, "Администраторы": 160_000, "Коммунальные услуги": 40_000},
}
FIXED_RISE = 0.06  # per year of the window
