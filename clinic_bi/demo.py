"""Demo exports: a seeded, realistic dental clinic over three years, written as the files a clinic
really has (IDENT and Medesk service reports, a Bitrix24 lead export, the schedule, contracts, ad
spend, reviews, the patient list), with the quirks of each format (DATA.md, "What real exports
look like").

The story the demo tells, and that `tests/test_demo.py` checks at the default size:
- Детская стоматология brings about three times the patients of Ортопедия, and Ортопедия about
  60 % more revenue (~3000 patients / ~20 mln ₽ against ~1000 / ~33 mln ₽ over three years).
- In Терапия, Иванова А. С. keeps her patients for years (most come back within 180 days, again
  and again), while Петров Д. В. sees many new patients who mostly never come back to him.
- Paid channels differ widely in cost per new patient (ПроДокторов ~1.5k ₽, VK Реклама ~9k ₽).
- About 5 % of patients were first seen before the window (their early history is not exported).
- CRM statuses lag behind reality for some leads; some leads never book, some book and never come.
- The Medesk file repeats the last 7 days of the IDENT export before it (same lines, same visit
  numbers), as next month's export does, so that a load must de-duplicate.

Everything is drawn from one `numpy.random.Generator` in a fixed order, so the same arguments give
the same files (byte for byte for the CSVs; XLSX files carry the time they were written).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

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
_DUTY = next(i for i, d in enumerate(DOCTORS) if d.name == DUTY_DOCTOR)


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
_LINE_COLUMNS = (
    "visit_date", "card", "patient", "doctor", "department", "code", "service", "quantity",
    "price", "discount", "amount", "paid", "branch", "minutes", "visit_id",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Window
# ---------------------------------------------------------------------------------------------


def default_end(today: dt.date | None = None) -> dt.date:
    """The last day of the previous calendar month."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28) + dt.timedelta(days=1)


def window(end: dt.date) -> tuple[dt.date, list[tuple[dt.date, dt.date]]]:
    """The window's first day and its three 12-month slices (first day, last day)."""
    after = end + dt.timedelta(days=1)
    starts = [_years_before(after, YEARS - k) for k in range(YEARS)] + [after]
    slices = [(starts[k], starts[k + 1] - dt.timedelta(days=1)) for k in range(YEARS)]
    return starts[0], slices


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoData:
    """The simulated clinic, one DataFrame per export (the writers only format them)."""

    patients: pd.DataFrame
    lines: pd.DataFrame
    appointments: pd.DataFrame
    leads: pd.DataFrame
    contracts: pd.DataFrame
    spend: pd.DataFrame
    reviews: pd.DataFrame


def _pick(rng: np.random.Generator, options: tuple | np.ndarray, size: int, p=None) -> np.ndarray:
    options = np.asarray(options, dtype=object)
    return options[rng.choice(len(options), size=size, p=p)]


def _days(start: dt.date, offsets: np.ndarray) -> np.ndarray:
    return np.datetime64(start, "D") + offsets.astype("timedelta64[D]")


def _no_sunday(days: np.ndarray) -> np.ndarray:
    """Move Sundays to Monday (the clinic works six days a week)."""
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    return days + (weekday == 6).astype("timedelta64[D]")


def _female_surname(male: np.ndarray) -> np.ndarray:
    s = pd.Series(male, dtype=str)
    return np.where(
        s.str.endswith("ский"),
        s.str.slice(0, -2) + "ая",
        np.where(s.str.contains(r"(?:ов|ев|ёв|ин|ын)$", regex=True), s + "а", s),
    ).astype(object)


def _names(rng: np.random.Generator, female: np.ndarray) -> tuple[np.ndarray, ...]:
    """Family surname (masculine form), then surname, first name and patronymic in the person's
    own gender."""
    n = len(female)
    family = _pick(rng, SURNAMES, n)
    surname = np.where(female, _female_surname(family), family)
    first = np.where(female, _pick(rng, FEMALE_NAMES, n), _pick(rng, MALE_NAMES, n))
    pat = rng.integers(0, len(PATRONYMICS), n)
    patronymic = np.array(PATRONYMICS, dtype=object)[pat, female.astype(int)]
    return family, surname, first, patronymic


def _exactly(rng: np.random.Generator, eligible: np.ndarray, share: float) -> np.ndarray:
    """A random subset of `eligible` of exactly round(share × its size): the story's proportions
    hold at every seed instead of drifting with binomial noise."""
    idx = np.flatnonzero(eligible)
    out = np.zeros(len(eligible), dtype=bool)
    out[rng.choice(idx, size=round(share * len(idx)), replace=False)] = True
    return out


def _unique_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct ten-digit mobile numbers 9XXXXXXXXX (as integers)."""
    out = np.unique(rng.integers(9_000_000_000, 9_999_999_999, size=n + n // 10 + 16))
    while len(out) < n:  # practically never
        out = np.unique(np.concatenate([out, rng.integers(9_000_000_000, 9_999_999_999, n)]))
    return rng.permutation(out)[:n]


def _cumsum_by_group(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each group (groups are consecutive runs)."""
    total = np.cumsum(values)
    starts = np.cumsum(counts) - counts
    return total - np.repeat(total[starts] - values[starts], counts)


def _rank_in_group(keys: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """0, 1, 2 … within each group of identical keys, in random order."""
    frame = keys.assign(_r=rng.random(len(keys)))
    order = frame.sort_values([*keys.columns, "_r"], kind="stable").index
    ranks = frame.loc[order].groupby(list(keys.columns), sort=False).cumcount()
    return ranks.reindex(keys.index).to_numpy()


def simulate(patients: int = 6000, seed: int = 42, end: dt.date | None = None) -> DemoData:
    """The clinic's three years as DataFrames (no files written; `write_demo` formats them).

    Patients arrive over the window (5 % are old patients with earlier history); each comes to
    one or more departments, each department course (episode) is kept by one doctor and is a run
    of visits whose count and spacing are that doctor's habit; each visit bills a few lines of
    the department's price list. Leads, bookings, contracts, spend and reviews follow from them.
    """
    if patients < 1:
        raise ValueError("patients must be at least 1")
    end = end or default_end()
    start, _ = window(end)
    rng = np.random.default_rng(seed)
    n = patients
    span = (end - start).days + 1
    d_start = np.datetime64(start, "D")
    d_end = np.datetime64(end, "D")

    # --- Patients -----------------------------------------------------------------------------
    is_child = _exactly(rng, np.ones(n, dtype=bool), 0.5)
    female = rng.random(n) < np.where(is_child, 0.5, 0.6)
    pre = rng.random(n) < 0.05  # first seen before the window
    offs = np.arange(span)
    workdays = offs[(offs + (start.weekday())) % 7 != 6]
    growth = 1.0 + 0.5 * workdays / span  # the clinic grows: more new patients later on
    arrival_off = rng.choice(workdays, size=n, p=growth / growth.sum())
    early = workdays[workdays < min(span, 240)]
    arrival_off = np.where(pre, rng.choice(early, size=n), arrival_off)
    arrival = _days(start, arrival_off)
    first_before = d_start - rng.integers(60, 3000, n).astype("timedelta64[D]")
    age = np.where(
        is_child,
        rng.integers(2, 18, n),
        np.clip(np.round(rng.normal(41, 14, n)), 18, 84).astype(int),
    )
    age = np.where(pre & is_child, np.maximum(age, 6), age)  # old enough to have a history
    birth = arrival - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    # first seen at two years old at the earliest
    first_before = np.maximum(first_before, birth + np.timedelta64(2 * 365 + 1, "D"))
    home = np.where(rng.random(n) < 0.6, BRANCHES[0], BRANCHES[1])
    channel = np.where(
        pre,
        _pick(rng, CHANNELS, n, OLD_CHANNEL_P),
        _pick(rng, CHANNELS, n, NEW_CHANNEL_P),
    )
    family, surname, first_name, patronymic = _names(rng, female)
    phone10 = _unique_phones(rng, n + 3 * n)  # patients first, then lead-only people
    pat_phone = phone10[:n]
    other_phones = phone10[n:]

    # --- Departments a patient comes to; episodes = (patient, department) --------------------
    adult = ~is_child
    member = np.zeros((n, 6), dtype=bool)
    member[:, TER] = _exactly(rng, adult, 0.72)
    member[:, ORT] = _exactly(rng, adult, 0.41)
    member[:, KID] = is_child
    member[:, SUR] = _exactly(rng, adult, 0.28)
    member[:, HYG] = _exactly(rng, adult, 0.45)
    member[:, ODN] = _exactly(rng, adult, 0.04) | _exactly(rng, is_child & (age >= 7), 0.12)
    member[adult & ~member.any(axis=1), TER] = True
    priority = (KID, TER, HYG, SUR, ORT, ODN)
    entry = np.full(n, -1)
    for dep in reversed(priority):
        entry = np.where(member[:, dep], dep, entry)
    ep_pat, ep_dep = np.nonzero(member)
    ne = len(ep_pat)
    lo = np.array([0, 14, 0, 7, 7, 0])[ep_dep]
    hi = np.array([60, 400, 60, 300, 365, 180])[ep_dep]
    delay = rng.integers(lo, hi + 1)
    delay = np.where((ep_dep == HYG) & (rng.random(ne) < 0.3), 0, delay)
    delay = np.where(ep_dep == entry[ep_pat], 0, delay)
    ep_start = _no_sunday(arrival[ep_pat] + delay.astype("timedelta64[D]"))
    keep = ep_start <= d_end
    ep_pat, ep_dep, ep_start = ep_pat[keep], ep_dep[keep], ep_start[keep]
    ne = len(ep_pat)

    # Doctor: by department weight, among those working in the patient's branch.
    ep_doc = np.zeros(ne, dtype=int)
    ep_home = home[ep_pat]
    for dep in range(6):
        for branch in BRANCHES:
            idx = [i for i, d in enumerate(DOCTORS) if d.department == dep]
            w = np.array([DOCTORS[i].weight * (DOCTORS[i].branch in (None, branch)) for i in idx])
            mask = (ep_dep == dep) & (ep_home == branch)
            ep_doc[mask] = np.array(idx)[rng.choice(len(idx), size=mask.sum(), p=w / w.sum())]

    p_single = np.array([d.p_single for d in DOCTORS])[ep_doc]
    extra = np.array([d.extra for d in DOCTORS])[ep_doc]
    k = np.where(rng.random(ne) < p_single, 1, 2 + rng.poisson(extra))
    k = np.where(pre[ep_pat], np.maximum(k, 2), k)  # long-standing patients keep coming

    # --- Visits -------------------------------------------------------------------------------
    v_ep = np.repeat(np.arange(ne), k)
    nv = len(v_ep)
    v_pos = np.arange(nv) - np.repeat(np.cumsum(k) - k, k)
    doc_v = ep_doc[v_ep]
    p_short = np.array([d.p_short for d in DOCTORS])[doc_v]
    rec_lo = np.array([d.recall[0] for d in DOCTORS])[doc_v]
    rec_hi = np.array([d.recall[1] for d in DOCTORS])[doc_v]
    gap = np.where(
        rng.random(nv) < p_short, rng.integers(5, 22, nv), rng.integers(rec_lo, rec_hi + 1)
    )
    gap = np.where(v_pos == 0, 0, gap)
    v_date = _no_sunday(ep_start[v_ep] + _cumsum_by_group(gap, k).astype("timedelta64[D]"))
    planned = (v_date > d_end) & (v_date <= d_end + np.timedelta64(30, "D"))
    # visits after `end` that are already booked become planned appointments
    pl_ep, pl_date = v_ep[planned], v_date[planned]
    keep = v_date <= d_end
    v_ep, v_pos, v_date, doc_v = v_ep[keep], v_pos[keep], v_date[keep], doc_v[keep]
    nv = len(v_ep)
    v_pat = ep_pat[v_ep]
    v_dep = ep_dep[v_ep]
    doc_branch = np.array([d.branch or "" for d in DOCTORS], dtype=object)
    v_branch = np.where(doc_branch[doc_v] == "", home[v_pat], doc_branch[doc_v])

    # Times: each doctor's patients of a day an hour apart from a random first slot.
    slot_rank = _rank_in_group(pd.DataFrame({"doc": doc_v, "day": v_date}), rng)
    base = (doc_v * 7 + v_date.astype(np.int64) * 3) % 10  # the doctor's first slot that day
    v_minute = 9 * 60 + ((base + 2 * slot_rank) % 24) * 30
    v_time = v_date.astype("datetime64[m]") + v_minute.astype("timedelta64[m]")
    order = np.lexsort((doc_v, v_time))
    v_id = np.empty(nv, dtype=np.int64)
    v_id[order] = 100_001 + np.arange(nv)

    # --- Service lines ------------------------------------------------------------------------
    extra_lines = np.minimum(rng.poisson(np.array(EXTRA_LINES)[v_dep]), 3)
    n_lines = 1 + extra_lines
    l_v = np.repeat(np.arange(nv), n_lines)
    nl = len(l_v)
    l_pos = np.arange(nl) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    l_dep = v_dep[l_v]
    svc = np.full(nl, -1)
    consult_of = np.full(6, -1)
    for i, s in enumerate(SERVICES):
        if s.role == "consult":
            consult_of[s.department] = i
    is_consult = (l_pos == 0) & (v_pos[l_v] == 0) & ~pre[v_pat[l_v]] & (consult_of[l_dep] >= 0)
    is_main = (l_pos == 0) & (v_pos[l_v] == 1) & (l_dep == ODN)
    for dep in range(6):
        idx = np.array([i for i, s in enumerate(SERVICES) if s.department == dep])
        w = np.array([SERVICES[i].weight for i in idx])
        m = (l_dep == dep) & ~is_consult & ~is_main
        svc[m] = idx[rng.choice(len(idx), size=m.sum(), p=w / w.sum())]
    svc[is_consult] = consult_of[l_dep[is_consult]]
    main_idx = np.array([i for i, s in enumerate(SERVICES) if s.code in MAIN_WEIGHTS])
    main_w = np.array([MAIN_WEIGHTS[SERVICES[i].code] for i in main_idx])
    svc[is_main] = main_idx[rng.choice(len(main_idx), size=is_main.sum(), p=main_w)]

    l_date = v_date[l_v]
    years_in = ((l_date - d_start).astype(np.int64) // 365).astype(float)
    base_price = np.array([s.price for s in SERVICES], dtype=float)[svc]
    price = np.round(base_price * (1 + PRICE_RISE) ** years_in / 50) * 50
    multi = np.array([s.multi for s in SERVICES])[svc]
    qty = 1 + (multi & (rng.random(nl) < 0.15)).astype(int)
    pct = np.where(rng.random(nl) < 0.12, rng.choice([5, 10, 15, 20], nl), 0)
    discount = np.round(price * qty * pct / 100, 2)
    amount = price * qty - discount
    r = rng.random(nl)
    paid = np.where(r < 0.03, 0.0, np.where(r < 0.06, np.round(amount / 2, -2), amount))

    lines = pd.DataFrame(
        {
            "visit_date": l_date,
            "card": 0,  # filled below, once card numbers are known
            "pat": v_pat[l_v],
            "doc": doc_v[l_v],
            "department": np.array(DEPARTMENTS, dtype=object)[l_dep],
            "svc": svc,
            "quantity": qty,
            "price": price,
            "discount": discount,
            "amount": amount,
            "paid": paid,
            "branch": v_branch[l_v],
            "visit_id": v_id[l_v],
            "ep": v_ep[l_v],
            "pos": l_pos,
        }
    )
    # A handful of refunds: a line billed back within the same visit.
    n_refunds = max(1, n // 400)
    refundable = np.flatnonzero(~is_consult & (price >= 2000))
    src = rng.choice(refundable, size=min(n_refunds, len(refundable)), replace=False)
    refunds = lines.iloc[src].copy()
    refunds["quantity"] = -refunds["quantity"]
    for col in ("discount", "amount", "paid"):
        refunds[col] = 0.0 - refunds[col]  # 0.0 - x, not -x: no "-0,00" in the files
    refunds["pos"] = refunds["pos"] + 10
    lines = pd.concat([lines, refunds], ignore_index=True)
    lines = lines.sort_values(["visit_date", "visit_id", "pos"], kind="stable", ignore_index=True)

    # --- Card numbers (issued in order of registration) and the patient list -----------------
    first_visit = pd.Series(v_date).groupby(v_pat).min().reindex(range(n)).to_numpy()
    first_time = pd.Series(v_time).groupby(v_pat).min().reindex(range(n)).to_numpy()

    # Leads of patients: most who came through a paid or web channel left a request first.
    p_lead = np.where(channel == "Рекомендация", 0.2, 0.88)
    has_lead = ~pre & (rng.random(n) < p_lead)
    lead_lag = rng.integers(0, 8, n).astype("timedelta64[D]")
    lead_clock = rng.integers(8 * 60, 23 * 60, n).astype("timedelta64[m]")
    lead_at = first_visit.astype("datetime64[m]") - lead_lag + lead_clock
    too_late = lead_at > first_time - np.timedelta64(60, "m")
    lead_at = np.where(too_late, lead_at - np.timedelta64(1, "D"), lead_at)
    booked_at = lead_at + rng.integers(5, 240, n).astype("timedelta64[m]")
    booked_at = np.minimum(booked_at, first_time - np.timedelta64(30, "m"))

    registered = np.where(
        pre,
        first_before,
        np.where(
            has_lead,
            booked_at.astype("datetime64[D]"),
            first_visit - rng.integers(0, 4, n).astype("timedelta64[D]"),
        ),
    ).astype("datetime64[D]")
    reg_order = np.lexsort((rng.random(n), registered))
    card = np.empty(n, dtype=np.int64)
    card[reg_order] = 10_000 + np.cumsum(1 + (rng.random(n) < 0.03))
    full_name = (
        pd.Series(surname, dtype=str) + " " + pd.Series(first_name, dtype=str) + " "
        + pd.Series(patronymic, dtype=str)
    ).to_numpy(dtype=object)  # fmt: skip
    listed_channel = np.where(rng.random(n) < 0.08, "", channel)
    patients_df = pd.DataFrame(
        {
            "card": card,
            "name": full_name,
            "phone10": pat_phone,
            "birth": birth.astype("datetime64[D]"),
            "gender": np.where(female, "Ж", "М"),
            "first_before": np.where(pre, first_before, np.datetime64("NaT")),
            "channel": listed_channel,
            "registered": registered,
        }
    )
    lines["card"] = card[lines["pat"].to_numpy()]
    lines["patient"] = full_name[lines["pat"].to_numpy()]
    doc_names = np.array([d.name for d in DOCTORS], dtype=object)
    lines["doctor"] = doc_names[lines["doc"].to_numpy()]
    lines["code"] = np.array([s.code for s in SERVICES], dtype=object)[lines["svc"].to_numpy()]
    lines["service"] = np.array([s.name for s in SERVICES], dtype=object)[lines["svc"].to_numpy()]
    lines["minutes"] = np.array([s.minutes for s in SERVICES])[lines["svc"].to_numpy()]

    # --- Contracts: treatment plans of the expensive departments ---------------------------
    ep_total = lines.groupby("ep")["amount"].sum().reindex(range(ne), fill_value=0.0).to_numpy()
    first_ep_visit = pd.Series(v_date).groupby(v_ep).min().reindex(range(ne)).to_numpy()
    c_ep = np.flatnonzero(
        np.isin(ep_dep, [ORT, ODN, SUR]) & (ep_total >= 50_000) & (rng.random(ne) < 0.85)
    )
    contracts = _contracts(
        rng,
        date=first_ep_visit[c_ep].astype("datetime64[D]"),
        pat=ep_pat[c_ep],
        card=card[ep_pat[c_ep]],
        patient=full_name[ep_pat[c_ep]],
        doctor=doc_names[ep_doc[c_ep]],
        department=np.array(DEPARTMENTS, dtype=object)[ep_dep[c_ep]],
        plan_total=ep_total[c_ep],
    )

    # --- Appointments -------------------------------------------------------------------------
    is_first_visit = v_date == first_visit[v_pat]
    lead_booked = has_lead[v_pat] & is_first_visit & (v_time == first_time[v_pat])
    created = (
        v_date.astype("datetime64[m]")
        - rng.integers(1, 21, nv).astype("timedelta64[D]")
        + rng.integers(9 * 60, 21 * 60, nv).astype("timedelta64[m]")
    )
    created = np.where(lead_booked, booked_at[v_pat], created)
    late = np.clip(np.round(rng.normal(6, 6, nv)), -10, 45).astype(int)
    attended = pd.DataFrame(
        {
            "at": v_time,
            "pat": v_pat,
            "doc": doc_v,
            "branch": v_branch,
            "status": "Пришёл",
            "created": created,
            "started": v_time + late.astype("timedelta64[m]"),
            "name": full_name[v_pat],
        }
    )
    # Lead-only people: requests that never became patients.
    n_lead_pat = int(has_lead.sum())
    n_other = round(n_lead_pat * 0.85)
    o_at = np.datetime64(start, "m") + rng.integers(0, span * 1440, n_other).astype(
        "timedelta64[m]"
    )
    o_status = _pick(
        rng,
        (
            "Записан на приём", "Отказ", "Некачественный лид", "Не дозвонились", "Дубль",
            "В работе", "Не обработан", "Перезвонить",
        ),
        n_other,
        (0.18, 0.28, 0.15, 0.2, 0.05, 0.06, 0.04, 0.04),
    )  # fmt: skip
    o_female = rng.random(n_other) < 0.65
    _, o_surname, o_first, _ = _names(rng, o_female)
    o_phone = other_phones[:n_other]
    o_booked = np.flatnonzero(o_status == "Записан на приём")
    nb = len(o_booked)
    ob_at = o_at[o_booked].astype("datetime64[D]") + rng.integers(1, 8, nb).astype("timedelta64[D]")
    ob_at = _no_sunday(ob_at).astype("datetime64[m]") + (
        9 * 60 + 30 * rng.integers(0, 22, nb)
    ).astype("timedelta64[m]")
    entry_docs = np.array([i for i, d in enumerate(DOCTORS) if d.department in (TER, KID, SUR)])
    ob_doc = entry_docs[rng.integers(0, len(entry_docs), nb)]
    ob_branch = np.where(doc_branch[ob_doc] == "", _pick(rng, BRANCHES, nb), doc_branch[ob_doc])
    lead_appts = pd.DataFrame(
        {
            "at": ob_at,
            "pat": -1,
            "doc": ob_doc,
            "branch": ob_branch,
            "status": np.where(
                ob_at > d_end.astype("datetime64[m]") + np.timedelta64(1440, "m"),
                "Запланирован",
                np.where(rng.random(nb) < 0.7, "Не пришёл", "Отменён"),
            ),
            "created": o_at[o_booked] + rng.integers(5, 120, nb).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": (
                pd.Series(o_surname[o_booked], dtype=str) + " "
                + pd.Series(o_first[o_booked], dtype=str)
            ).to_numpy(dtype=object),
        }
    )  # fmt: skip
    # Patients' missed and cancelled bookings (they came later), about 8 % and 6 % of all.
    total = nv / 0.86
    n_miss = max(0, round(0.08 * total) - int((lead_appts["status"] == "Не пришёл").sum()))
    n_cancel = max(0, round(0.06 * total) - int((lead_appts["status"] == "Отменён").sum()))
    rebooked = np.flatnonzero(~lead_booked)  # a first visit booked from a lead was not missed
    src = rng.choice(rebooked, size=min(len(rebooked), n_miss + n_cancel), replace=False)
    ms = len(src)
    m_day = _no_sunday(v_date[src] - rng.integers(2, 15, ms).astype("timedelta64[D]"))
    m_at = m_day.astype("datetime64[m]") + (9 * 60 + 30 * rng.integers(0, 22, ms)).astype(
        "timedelta64[m]"
    )
    missed = pd.DataFrame(
        {
            "at": m_at,
            "pat": v_pat[src],
            "doc": doc_v[src],
            "branch": v_branch[src],
            "status": np.where(np.arange(ms) < n_miss, "Не пришёл", "Отменён"),
            "created": m_at
            - rng.integers(1, 15, ms).astype("timedelta64[D]")
            - rng.integers(0, 600, ms).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": full_name[v_pat[src]],
        }
    )
    missed = missed[missed["at"] >= np.datetime64(start, "m")]
    # Already booked visits after the window's end.
    pl_pat, pl_doc = ep_pat[pl_ep], ep_doc[pl_ep]
    npl = len(pl_ep)
    pl_at = pl_date.astype("datetime64[m]") + (9 * 60 + 30 * rng.integers(0, 22, npl)).astype(
        "timedelta64[m]"
    )
    planned_df = pd.DataFrame(
        {
            "at": pl_at,
            "pat": pl_pat,
            "doc": pl_doc,
            "branch": np.where(doc_branch[pl_doc] == "", home[pl_pat], doc_branch[pl_doc]),
            "status": "Запланирован",
            "created": d_end.astype("datetime64[m]")
            - rng.integers(0, 20 * 1440, npl).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": full_name[pl_pat],
        }
    )
    appts = pd.concat([attended, lead_appts, missed, planned_df], ignore_index=True)
    appts = appts.sort_values(["created", "at"], kind="stable", ignore_index=True)
    appts["id"] = 500_001 + np.arange(len(appts))
    appts["card"] = np.where(appts["pat"] >= 0, card[appts["pat"].clip(lower=0)], -1)
    appts["doctor"] = doc_names[appts["doc"].to_numpy()]
    appts["department"] = np.array(DEPARTMENTS, dtype=object)[
        np.array([d.department for d in DOCTORS])[appts["doc"].to_numpy()]
    ]
    appts = appts.sort_values(["at", "id"], kind="stable", ignore_index=True)

    # --- Leads --------------------------------------------------------------------------------
    lp = np.flatnonzero(has_lead)
    contract_day = contracts.groupby("pat")["date"].min()
    c_first = contract_day.reindex(lp).to_numpy()
    lead_day = lead_at[lp].astype("datetime64[D]")
    contracted = ~np.isnat(c_first) & (c_first <= lead_day + np.timedelta64(90, "D"))
    r = rng.random(len(lp))
    p_status = np.where(
        contracted,
        np.where(r < 0.85, "Договор заключён", "Пришёл на приём"),
        np.where(r < 0.80, "Пришёл на приём", np.where(r < 0.94, "Записан на приём", "В работе")),
    )
    # A child's request comes from a parent: mother's or father's name, the family surname.
    nlp = len(lp)
    parent_female = rng.random(nlp) < 0.75
    p_first = np.where(
        is_child[lp],
        np.where(parent_female, _pick(rng, FEMALE_NAMES, nlp), _pick(rng, MALE_NAMES, nlp)),
        first_name[lp],
    )
    p_surname = np.where(
        is_child[lp],
        np.where(parent_female, _female_surname(family[lp]), family[lp]),
        surname[lp],
    )
    n_all = len(lp) + n_other
    leads = pd.DataFrame(
        {
            "created": np.concatenate([lead_at[lp], o_at]),
            "status": np.concatenate([p_status, o_status]),
            "first": np.concatenate([p_first, o_first]),
            "surname": np.concatenate([p_surname, o_surname]),
            "phone10": np.concatenate([pat_phone[lp], o_phone]),
            "channel": np.concatenate(
                [channel[lp], _pick(rng, CHANNELS, n_other, LEAD_ONLY_CHANNEL_P)]
            ),
            "operator": np.concatenate(
                [
                    _pick(rng, OPERATORS, len(lp), (0.38, 0.30, 0.22, 0.10)),
                    _pick(rng, OPERATORS, n_other, (0.25, 0.25, 0.20, 0.30)),
                ]
            ),
        }
    )
    leads["title"] = [
        titles[i % len(titles)]
        for titles, i in zip(
            leads["channel"].map(LEAD_TITLES), rng.integers(0, 6, n_all), strict=True
        )
    ]
    leads["amount"] = np.where(
        rng.random(n_all) < 0.4,
        rng.choice([3000, 5000, 10000, 15000, 30000, 60000, 150000], n_all),
        np.nan,
    )
    leads["surname"] = np.where(rng.random(n_all) < 0.15, "", leads["surname"])
    leads["email"] = _emails(rng, leads["first"].to_numpy(), leads["surname"].to_numpy())
    leads["phone_style"] = rng.choice(3, n_all, p=(0.7, 0.2, 0.1))
    leads["created"] = leads["created"].astype("datetime64[s]") + rng.integers(0, 60, n_all).astype(
        "timedelta64[s]"
    )
    leads = leads.sort_values("created", kind="stable", ignore_index=True)
    leads["id"] = 4_500 + np.cumsum(1 + (rng.random(n_all) < 0.05))

    spend = _spend(rng, arrival[~pre], channel[~pre], start, end, n)
    reviews = _reviews(rng, doc_v, v_date, d_end, n)

    return DemoData(patients_df, lines, appts, leads, contracts, spend, reviews)


def _contracts(rng: np.random.Generator, plan_total: np.ndarray, **columns) -> pd.DataFrame:
    """A signed plan per expensive course: its amount a little above what the course billed in
    the window (50k–400k ₽), often with a prepayment; numbered per year (`Д-2025/0042`)."""
    nc = len(plan_total)
    amount = np.clip(np.round(plan_total * rng.uniform(1.0, 1.2, nc), -3), 50_000, 400_000)
    prepaid = np.where(
        rng.random(nc) < 0.6, np.round(amount * rng.choice([0.2, 0.3, 0.5], nc), -3), np.nan
    )
    contracts = pd.DataFrame({**columns, "amount": amount, "prepaid": prepaid})
    contracts = contracts.sort_values(["date", "card"], kind="stable", ignore_index=True)
    year = contracts["date"].dt.year
    seq = contracts.groupby(year).cumcount() + 1
    contracts["number"] = "Д-" + year.astype(str) + "/" + seq.astype(str).str.zfill(4)
    return contracts


def _spend(
    rng: np.random.Generator,
    arrival: np.ndarray,
    channel: np.ndarray,
    start: dt.date,
    end: dt.date,
    n: int,
) -> pd.DataFrame:
    """Monthly spend per paid channel: its cost per new patient × the month's new patients
    (with noise); Сайт (SEO) is a fixed agency fee. Рекомендация costs nothing."""
    new_counts = pd.crosstab(pd.Series(arrival).dt.to_period("M"), channel)
    months = pd.period_range(start, end, freq="M")
    rows = []
    for ch in CHANNELS[:5]:
        counts = new_counts.get(ch, pd.Series(0, index=new_counts.index))
        counts = counts.reindex(months, fill_value=0).to_numpy()
        noise = rng.uniform(0.85, 1.15, len(months))
        if ch in COST_PER_NEW:
            value = COST_PER_NEW[ch] * counts * noise
        else:
            value = SEO_FEE * noise * max(0.05, n / 6000)
        rows.append(pd.DataFrame({"month": months, "channel": ch, "amount": np.round(value, -2)}))
    spend = pd.concat(rows, ignore_index=True).sort_values(["month", "channel"], kind="stable")
    return spend[spend["amount"] > 0].reset_index(drop=True)


def _reviews(
    rng: np.random.Generator, doc_v: np.ndarray, v_date: np.ndarray, d_end: np.datetime64, n: int
) -> pd.DataFrame:
    """One review per ten patients, left within a week of a visit; mostly 4–5 stars, except for
    the duty doctor, who also collects more of them."""
    nv = len(doc_v)
    nr = min(nv, max(1, n // 10))
    visit_w = np.where(doc_v == _DUTY, 1.6, 1.0)
    rv = rng.choice(nv, size=nr, replace=False, p=visit_w / visit_w.sum())
    r_doc = doc_v[rv]
    r_date = np.minimum(v_date[rv] + rng.integers(0, 8, nr).astype("timedelta64[D]"), d_end)
    good = (0.04, 0.03, 0.07, 0.18, 0.68)
    poor = (0.14, 0.09, 0.15, 0.22, 0.40)
    rating = np.where(r_doc == _DUTY, rng.choice(5, nr, p=poor) + 1, rng.choice(5, nr, p=good) + 1)
    text_idx = rng.integers(0, 100, nr)
    text = np.array(
        [REVIEW_TEXTS[s][i % len(REVIEW_TEXTS[s])] for s, i in zip(rating, text_idx, strict=True)],
        dtype=object,
    )
    text = np.where(rng.random(nr) < 0.15, "", text)  # a rating with no words
    return pd.DataFrame(
        {
            "date": r_date.astype("datetime64[D]"),
            "doctor": np.array([d.name for d in DOCTORS], dtype=object)[r_doc],
            "rating": rating,
            "source": _pick(rng, REVIEW_SOURCES, nr, (0.5, 0.25, 0.25)),
            "text": text,
        }
    ).sort_values(["date", "doctor"], kind="stable", ignore_index=True)


_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


def _translit(word: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in word.lower())


def _emails(rng: np.random.Generator, first: np.ndarray, surname: np.ndarray) -> np.ndarray:
    """About a third of leads leave an e-mail (transliterated name, digits, a common domain)."""
    n = len(first)
    domains = _pick(rng, ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"), n)
    digits = rng.integers(1, 99, n)
    has = rng.random(n) < 0.35
    cache: dict[str, str] = {}
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(has):
        a = cache.setdefault(first[i], _translit(first[i]))
        b = cache.setdefault(surname[i], _translit(surname[i])) if surname[i] else ""
        out[i] = f"{a}.{b}{digits[i]}@{domains[i]}" if b else f"{a}{digits[i]}@{domains[i]}"
    return out


# ---------------------------------------------------------------------------------------------
# Writers: one per export, each reproducing its format's quirks
# ---------------------------------------------------------------------------------------------


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    return pd.Series(pd.to_datetime(values)).dt.strftime(fmt).fillna("")


def _money(values: pd.Series | np.ndarray, thousands: str, suffix: str = "") -> list[str]:
    """`12 345,00` with the given thousands separator; empty where the value is missing."""
    return [
        "" if np.isnan(v) else f"{v:,.2f}".replace(",", thousands).replace(".", ",") + suffix
        for v in np.asarray(values, dtype=float)
    ]


def _csv(frame: pd.DataFrame, path: Path, *, sep: str, encoding: str, newline: str) -> Path:
    frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator=newline)
    return path


def write_patients(data: DemoData, path: Path) -> Path:
    p = data.patients.sort_values("card", ignore_index=True)
    frame = pd.DataFrame(
        {
            "№ карты": p["card"],
            "ФИО": p["name"],
            "Телефон": "8" + p["phone10"].astype(str),
            "Дата рождения": _dates(p["birth"], "%d.%m.%Y"),
            "Пол": p["gender"],
            "Дата первого визита": _dates(p["first_before"], "%d.%m.%Y"),
            "Откуда узнал": p["channel"],
            "Дата регистрации": _dates(p["registered"], "%d.%m.%Y"),
        }
    )
    return _csv(frame, path, sep=";", encoding="utf-8-sig", newline="\r\n")


def write_ident(lines: pd.DataFrame, path: Path, first: dt.date, last: dt.date) -> Path:
    """IDENT "Оказанные услуги": title rows, a blank row, the header, real date cells, Итого."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Оказанные услуги")
    for letter, width in zip("ABCDEFGHIJKLMNO", (12, 9, 34, 18, 22, 10, 40), strict=False):
        ws.column_dimensions[letter].width = width
    ws.append(["Отчёт «Оказанные услуги»"])
    ws.append([f"Период: {first:%d.%m.%Y} – {last:%d.%m.%Y}"])
    ws.append([CLINIC])
    ws.append([])
    ws.append(list(SERVICE_HEADERS_IDENT))
    columns = [lines[c].tolist() for c in _LINE_COLUMNS[1:]]
    for day, *rest in zip(lines["visit_date"].dt.date.tolist(), *columns, strict=True):
        cell = WriteOnlyCell(ws, value=day)
        cell.number_format = "DD.MM.YYYY"
        ws.append([cell, *rest])
    total: list = ["Итого"] + [None] * (len(SERVICE_HEADERS_IDENT) - 1)
    for col in ("quantity", "discount", "amount", "paid"):
        total[_LINE_COLUMNS.index(col)] = round(float(lines[col].sum()), 2)
    ws.append(total)
    wb.save(path)
    return path


def write_medesk(lines: pd.DataFrame, path: Path) -> Path:
    """Medesk CSV as Excel saves it: cp1251, `;`, decimal comma, NBSP between thousands."""
    frame = pd.DataFrame(
        {
            "Дата оказания": _dates(lines["visit_date"], "%d.%m.%Y"),
            "Номер карты": lines["card"],
            "ФИО пациента": lines["patient"],
            "Специалист": lines["doctor"],
            "Направление": lines["department"],
            "Артикул": lines["code"],
            "Наименование услуги": lines["service"],
            "Количество": lines["quantity"],
            "Стоимость": _money(lines["price"], NBSP),
            "Сумма скидки": _money(lines["discount"], NBSP),
            "Сумма со скидкой": _money(lines["amount"], NBSP),
            "Поступило": _money(lines["paid"], NBSP),
            "Филиал": lines["branch"],
            "Длительность, мин": lines["minutes"],
            "Номер визита": lines["visit_id"],
        }
    )
    return _csv(frame, path, sep=";", encoding="cp1251", newline="\r\n")


def _phone_styles(phone10: pd.Series, style: pd.Series) -> pd.Series:
    p = phone10.astype(str)
    a, b, c, d = p.str.slice(0, 3), p.str.slice(3, 6), p.str.slice(6, 8), p.str.slice(8, 10)
    dashed = b + "-" + c + "-" + d
    return pd.Series(
        np.select(
            [style == 0, style == 1],
            ["+7 (" + a + ") " + dashed, "+7" + p],
            "8 " + a + " " + dashed,
        ),
        index=phone10.index,
        dtype=str,
    )


def write_bitrix(data: DemoData, path: Path) -> Path:
    """Bitrix24 CSV: UTF-8 with BOM, every field quoted, `;` after every field, CRLF."""
    ld = data.leads
    amount = ld["amount"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    frame = pd.DataFrame(
        {
            "ID": ld["id"].astype(str),
            "Название лида": ld["title"],
            "Статус": ld["status"],
            "Имя": ld["first"],
            "Фамилия": ld["surname"],
            "Телефон": _phone_styles(ld["phone10"], ld["phone_style"]),
            "E-mail": ld["email"],
            "Источник": ld["channel"],
            "Ответственный": ld["operator"],
            "Дата создания": _dates(ld["created"], "%d.%m.%Y %H:%M:%S"),
            "Возможная сумма": amount,
        }
    ).astype(str)
    quoted = '"' + frame.apply(lambda col: col.str.replace('"', '""', regex=False)) + '";'
    header = "".join(f'"{h}";' for h in frame.columns)
    body = quoted.sum(axis=1).tolist()
    path.write_bytes(("\ufeff" + "\r\n".join([header, *body]) + "\r\n").encode("utf-8"))
    return path


def write_schedule(data: DemoData, path: Path) -> Path:
    ap = data.appointments
    frame = pd.DataFrame(
        {
            "ID записи": ap["id"],
            "Дата и время приёма": _dates(ap["at"], "%d.%m.%Y %H:%M"),
            "№ карты": ap["card"].map(lambda v: "" if v < 0 else str(v)),
            "Пациент": ap["name"],
            "Врач": ap["doctor"],
            "Отделение": ap["department"],
            "Статус": ap["status"],
            "Дата записи": _dates(ap["created"], "%d.%m.%Y %H:%M"),
            "Пациент принят в": _dates(ap["started"], "%d.%m.%Y %H:%M"),
            "Филиал": ap["branch"],
        }
    )
    return _csv(frame, path, sep="\t", encoding="utf-8", newline="\n")


def write_contracts(data: DemoData, path: Path) -> Path:
    c = data.contracts
    frame = pd.DataFrame(
        {
            "Номер договора": c["number"],
            "Дата договора": _dates(c["date"], "%d.%m.%Y"),
            "№ карты": c["card"],
            "Пациент": c["patient"],
            "Врач": c["doctor"],
            "Отделение": c["department"],
            "Сумма договора": _money(c["amount"], " ", " руб."),
            "Предоплата": _money(c["prepaid"], " ", " руб."),
        }
    )
    return _csv(frame, path, sep=";", encoding="cp1251", newline="\r\n")


def write_spend(data: DemoData, path: Path) -> Path:
    s = data.spend
    wb = Workbook()
    ws = wb.active
    ws.title = "Расходы"
    ws.append(["Месяц", "Канал", "Расход, ₽"])
    for month, channel, amount in zip(s["month"], s["channel"], s["amount"], strict=True):
        ws.append([f"{MONTHS[month.month - 1]} {month.year}", channel, float(amount)])
    ws.append(["Итого", None, float(s["amount"].sum())])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 14
    wb.save(path)
    return path


def write_reviews(data: DemoData, path: Path) -> Path:
    r = data.reviews
    frame = pd.DataFrame(
        {
            "Дата": _dates(r["date"], "%Y-%m-%d"),
            "Врач": r["doctor"],
            "Оценка": r["rating"],
            "Площадка": r["source"],
            "Отзыв": r["text"],
        }
    )
    frame.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    return path


def write_demo(
    out_dir: Path, patients: int = 6000, seed: int = 42, end: dt.date | None = None
) -> list[Path]:
    """Write the demo exports into `out_dir` (created if needed) and return their paths.

    Three years ending on `end` (default: the last day of the previous month); `patients` scales
    everything else. The same arguments give the same data.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    end = end or default_end()
    _, slices = window(end)
    data = simulate(patients=patients, seed=seed, end=end)
    lines = data.lines
    day = lines["visit_date"]
    paths = [write_patients(data, out_dir / "patients.csv")]
    for first, last in slices[:-1]:
        part = lines[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]
        paths.append(write_ident(part, out_dir / f"ident_services_{first.year}.xlsx", first, last))
    first, last = slices[-1]
    overlap_from = pd.Timestamp(first - dt.timedelta(days=OVERLAP_DAYS))
    part = lines[(day >= overlap_from) & (day <= pd.Timestamp(last))]
    paths.append(write_medesk(part, out_dir / f"medesk_services_{first.year}.csv"))
    paths.append(write_bitrix(data, out_dir / "bitrix_leads.csv"))
    paths.append(write_schedule(data, out_dir / "schedule.csv"))
    paths.append(write_contracts(data, out_dir / "contracts.csv"))
    paths.append(write_spend(data, out_dir / "marketing_spend.xlsx"))
    paths.append(write_reviews(data, out_dir / "reviews.csv"))
    return paths
