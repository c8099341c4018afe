"""Recognising a file: which canonical table it holds and which column is which.

This is the one place that decides how a header is recognised. Headers are normalised (case,
`ё`, punctuation, units) and looked up in the synonym lists below; a header that is not an exact
synonym may still match by containing one as whole words (the longest such synonym wins).
The canonical tables and their columns are declared in clinic_bi/tables.py;
`queries/ingest/<table>.sql` parses them.

(Over 400 lines on purpose: most of it is the synonym lists, a declarative table.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from clinic_bi.ingest.messages import Text, Worded
from clinic_bi.paths import PACKAGE_DIR
from clinic_bi.tables import TABLE_SPECS


class MappingError(Worded, Exception):
    """The file's kind or a required column could not be decided; the message (a Text:
    clinic_bi/ingest/messages.py, "refusals") says what was found and what is needed."""


# --- header synonyms ---------------------------------------------------------------------------
# Per canonical column; a table-scoped entry ("leads.lead_id") wins over the shared one.
# Listed in DATA.md's spelling; normalised at import time.

_SHARED: dict[str, list[str]] = {
    "visit_date": ["Дата", "Дата приёма", "Дата визита", "Дата оказания", "Дата услуги",
                   "Дата оказания услуги", "date", "visit date", "service date", "ProcDate"],
    "patient_id": ["№ карты", "Номер карты", "Код пациента", "ID пациента", "Пациент (№ карты)",
                   "Номер медкарты", "№ медкарты", "Номер амбулаторной карты", "Карта",
                   "Карта пациента", "patient id", "patient_id", "PatNum", "PatientId",
                   "card number"],
    "doctor": ["Врач", "Доктор", "Специалист", "Исполнитель", "Врач, оказавший услугу",
               "Сотрудник", "Лечащий врач", "ФИО врача", "doctor", "provider", "dentist"],
    "department": ["Отделение", "Направление", "Специальность", "Подразделение", "Профиль",
                   "department", "specialty"],
    "service": ["Услуга", "Наименование услуги", "Номенклатура", "Наименование", "service",
                "procedure", "descript", "service name"],
    "service_code": ["Код услуги", "Артикул", "Код", "code", "procCode", "service code"],
    "quantity": ["Кол-во", "Количество", "Кол во", "qty", "quantity", "UnitQty"],
    "price": ["Цена", "Стоимость", "Цена за ед.", "Цена за единицу", "Стоимость услуги",
              "price", "fee", "unit price"],
    "discount": ["Скидка", "Сумма скидки", "discount"],
    "amount": ["Сумма", "Итого", "К оплате", "Сумма со скидкой", "Сумма к оплате",
               "Сумма итого", "amount", "total", "OPPORTUNITY"],
    # the whole payment first, then its parts by how it was paid (summed: SUMMED below). A bare
    # "Карта" stays the patient's card number; "Оплата Карта" (two header rows) is a part.
    "paid": ["Оплачено", "Сумма оплаты", "Поступило", "Оплата", "paid",
             "Наличные", "Наличными", "Нал", "Безнал", "Безналичные", "Безналичными",
             "Безналичный расчёт", "Оплата наличные", "Оплата наличными", "Оплата безнал",
             "Оплата безналичные", "Оплата безналичными", "Оплата картой", "Картой", "По карте",
             "cash"],
    "visit_id": ["Номер визита", "ID визита", "Визит", "№ приёма", "№ визита", "Номер приёма",
                 "visit id", "AptNum"],
    "branch": ["Филиал", "Клиника", "branch", "clinic", "location"],
    "duration_min": ["Длительность", "Продолжительность", "Длительность, мин",
                     "Время выполнения", "duration", "duration min"],
    "created_at": ["Дата создания", "Дата записи", "Создан", "Создано", "Дата обращения",
                   "Дата заявки", "created", "created at", "DATE_CREATE"],
    "channel": ["Источник", "Канал", "Рекламная система", "Откуда узнал", "Откуда узнали",
                "Источник обращения", "Рекламный канал", "source", "channel", "utm_source",
                "UTM_SOURCE", "SOURCE_NAME", "SOURCE_ID"],
    "operator": ["Ответственный", "Оператор", "Администратор", "ASSIGNED_BY_NAME", "operator",
                 "assigned"],
    "stage": ["Стадия сделки", "Статус", "Стадия", "Статус лида", "STAGE_NAME", "STATUS_ID",
              "STATUS_NAME", "STAGE_ID", "stage", "status"],
    "status": ["Статус", "Статус записи", "Статус приёма", "Состояние", "status",
               "AptStatus"],
    "phone": ["Телефон", "Мобильный", "Мобильный телефон", "Контактный телефон", "Тел.",
              "Рабочий телефон", "Домашний телефон", "Другой телефон", "phone", "PHONE",
              "mobile"],
    "scheduled_at": ["Дата и время приёма", "Время приёма", "Назначено на", "Дата приёма",
                     "Дата и время", "Начало приёма", "appointment time", "AptDateTime",
                     "scheduled"],
    "started_at": ["Начало приёма (факт)", "Фактическое начало", "Пациент принят в",
                   "Время начала (факт)", "started", "check-in", "checkin"],
    "wait_min": ["Время ожидания", "Ожидание, мин", "Ожидание", "wait", "wait min"],
    "signed_at": ["Дата подписания", "Дата договора", "Дата заключения", "signed",
                  "signed at"],
    "prepaid": ["Предоплата", "Аванс", "Внесено", "prepaid", "prepayment"],
    "rating": ["Оценка", "Рейтинг", "Балл", "Оценка пациента", "rating", "score", "stars"],
    "source": ["Площадка", "Источник", "Сайт", "source", "platform"],
    "text": ["Отзыв", "Текст", "Текст отзыва", "Комментарий", "text", "review", "comment"],
    "first_visit_date": ["Дата первого визита", "Первый визит", "Дата первичного приёма",
                         "Первичный приём", "first visit", "first visit date"],
    "birth_date": ["Дата рождения", "ДР", "birth date", "birthdate", "birthday", "BirthDate"],
    "gender": ["Пол", "gender", "sex"],
    "month": ["Месяц", "Период", "month", "period"],
    "lead_id": ["ID лида", "Номер лида", "ID сделки", "Лид", "lead id", "LEAD_ID"],
    "contract_id": ["Номер договора", "№ договора", "Договор", "ID договора", "contract id",
                    "contract"],
    "appointment_id": ["ID записи", "Номер записи", "№ записи", "ID приёма", "appointment id",
                       "AptNum"],
    "_name": ["Пациент", "ФИО", "ФИО пациента", "Клиент", "Контакт", "Имя пациента",
              "name", "full name", "CONTACT_NAME", "patient name", "Фамилия Имя Отчество"],
    "_first_name": ["Имя", "first name", "NAME"],
    "_last_name": ["Фамилия", "last name", "LAST_NAME"],
    "_middle_name": ["Отчество", "middle name", "SECOND_NAME"],
    "_email": ["E-mail", "Email", "Эл. почта", "Электронная почта", "Почта", "EMAIL"],
    "_title": ["Название лида", "Название сделки", "Название", "TITLE"],
    "_currency": ["Валюта", "currency", "CURRENCY_ID"],
    "_pipeline": ["Воронка", "CATEGORY_ID"],
    "_phone": ["Телефон", "Мобильный", "Мобильный телефон", "Контактный телефон",
               "Рабочий телефон", "Домашний телефон", "Другой телефон", "phone"],
    "_birth_date": ["Дата рождения", "birth date", "birthdate"],
}

# Table-scoped synonyms: where a word means something else in one kind of export.
_SCOPED: dict[str, dict[str, list[str]]] = {
    "leads": {
        "lead_id": ["ID", "ID лида", "Номер лида", "ID сделки", "Номер сделки", "lead id",
                    "LEAD_ID", "DEAL_ID"],
        "amount": ["Возможная сумма", "Сумма", "Сумма сделки", "OPPORTUNITY", "amount"],
        # A Bitrix "Направление" of a deal is a sales pipeline, not a clinic department.
        "_pipeline": ["Направление", "Воронка", "CATEGORY_ID"],
    },
    "appointments": {
        "appointment_id": ["ID записи", "Номер записи", "№ записи", "ID приёма", "ID",
                           "appointment id", "AptNum"],
        "lead_id": ["ID лида", "Номер лида", "ID сделки", "lead id"],
    },
    "contracts": {
        "contract_id": ["Номер договора", "№ договора", "Договор", "ID договора", "ID",
                        "Номер", "contract id", "contract"],
        "amount": ["Сумма договора", "Сумма", "Стоимость", "Сумма плана", "amount", "total"],
        "signed_at": ["Дата подписания", "Дата договора", "Дата заключения", "Дата", "signed",
                      "signed at"],
    },
    "marketing_spend": {
        "amount": ["Расход", "Расходы", "Затраты", "Бюджет", "Стоимость", "Сумма", "Потрачено",
                   "spend", "cost", "amount"],
        "channel": ["Канал", "Источник", "Рекламный канал", "Рекламная система", "Площадка",
                    "channel", "source", "utm_source"],
        "date": ["Дата", "date", "day"],
    },
    "reviews": {
        "date": ["Дата", "Дата отзыва", "date", "created"],
    },
    "goals": {
        "month": ["Месяц", "Период", "month", "period"],
        "figure": ["Показатель", "Метрика", "Что", "figure", "metric", "kpi"],
        "scope": ["Уровень", "Область", "Кому", "Тип цели", "scope", "level"],
        "scope_name": ["Имя", "Название", "Направление или врач", "Врач или направление",
                       "Кто", "scope name", "scope_name", "name"],
        "value": ["Цель", "План", "Значение", "Целевое значение", "goal", "target", "value",
                  "plan"],
    },
    # Costs (DATA.md "service_costs", "pay_rules", "fixed_costs"): a price list with a cost
    # column, the doctors' pay rules, the fixed costs per month.
    "service_costs": {
        "cost": ["Себестоимость", "Материалы", "Стоимость материалов", "Себестоимость материалов",
                 "Расходные материалы", "Материалы и лаборатория", "Затраты на материалы",
                 "Себестоимость услуги", "Себестоимость за единицу", "cost", "materials",
                 "unit cost", "material cost", "materials cost"],
        "valid_from": ["Действует с", "Дата начала", "Начало действия", "С даты", "Дата",
                       "valid from", "valid_from", "from", "since", "start date"],
        "_price": ["Цена", "Стоимость", "Цена за ед.", "Цена за единицу", "Стоимость услуги",
                   "Цена услуги", "price", "fee", "unit price"],
    },
    "pay_rules": {
        "basis": ["Схема оплаты", "Система оплаты", "Схема", "Вид оплаты", "Способ расчёта",
                  "Тип ставки", "Основа", "От чего", "basis", "pay basis", "scheme", "pay type"],
        "rate": ["Процент", "Ставка", "Процент врача", "Размер", "Размер ставки", "Ставка, %",
                 "rate", "percent", "pay rate"],
        "valid_from": ["Действует с", "Дата начала", "Начало действия", "С даты", "Дата",
                       "valid from", "valid_from", "from", "since", "start date"],
        "role": ["Роль", "Должность", "role", "position"],
    },
    "fixed_costs": {
        "item": ["Статья", "Статья расходов", "Статья затрат", "Вид расходов", "Вид расхода",
                 "Вид затрат", "Наименование", "Категория", "item", "expense", "category"],
        "amount": ["Сумма", "Сумма в месяц", "Затраты", "Расходы", "Стоимость", "amount", "sum",
                   "cost", "total"],
    },
    "patients": {
        "created_at": ["Дата регистрации", "Дата создания", "Дата заведения карты", "Создан",
                       "created", "registered"],
        "channel": ["Откуда узнал", "Откуда узнали", "Источник", "Канал", "Рекламный канал",
                    "channel", "source"],
    },
    "services": {
        "_name": ["Пациент", "ФИО", "ФИО пациента", "Клиент", "Имя пациента", "patient name",
                  "name"],
    },
}

# Money columns an export may split by how the money came in (cash, card, transfer: the parts
# of one payment, which add up to it by definition); each part maps to the column and the parts
# are summed (parse._stage, DATA.md "A column split in parts"). A header is a part when it names
# a way of paying. Not amount, price or discount: a service's price is not split by how it was
# paid, a second amount column is a total ("Итого") or a subtotal that would count twice, and
# "Скидка, %" and "Скидка, руб." read as the same header (units are dropped).
SUMMED = frozenset({"paid", "prepaid"})
# Columns a contact may have several of (Bitrix24: «Рабочий телефон», «Мобильный телефон» …):
# every one maps to the column and their cells are joined, to be split again into phones
# (queries/ingest/_macros.sql: phone_parts). DATA.md "Loading rules" (leads link by any phone).
JOINED = frozenset({"phone", "_phone"})
_PAYMENT_WAY = re.compile(r"\b(нал|наличн\w*|безнал\w*|карта|картой|карте|эквайринг\w*|сбп|"
                          r"перевод\w*|cash|card)\b")


def is_part(header: str) -> bool:
    """A normalised header naming a way of paying ("оплата наличные", "безнал", "картой")."""
    return bool(_PAYMENT_WAY.search(header))


# Synonyms that mean "patient id" or "patient name" depending on the values (DATA.md lists
# "Пациент" under both). Decided per file by looking at the values.
_AMBIGUOUS_PATIENT = {"пациент", "клиент", "patient"}

_UNIT_TOKENS = {"руб", "р", "rub", "rur", "₽", "коп", "мин", "min", "шт", "%", "ед"}
_NORMALISE_RE = re.compile(r"[^\w№%₽]+", re.UNICODE)


def normalise_header(text: object) -> str:
    """`  Сумма, руб. ` → `сумма`; `Дата приёма` → `дата приема`; `№ карты` → `номер карты`."""
    s = str(text or "").lower().replace("ё", "е").replace("\u00a0", " ")
    s = s.replace("№", " номер ").replace("#", " номер ").replace("_", " ")
    tokens = [t for t in _NORMALISE_RE.sub(" ", s).split() if t]
    while len(tokens) > 1 and tokens[-1] in _UNIT_TOKENS:
        tokens.pop()
    return " ".join(tokens)


def _compile(words: list[str]) -> list[str]:
    seen: list[str] = []
    for w in words:
        n = normalise_header(w)
        if n and n not in seen:
            seen.append(n)
    return seen


def _table_synonyms(table: str) -> dict[str, list[str]]:
    spec = TABLE_SPECS[table]
    out: dict[str, list[str]] = {}
    for col in spec.columns:
        # stage for leads, status for appointments share the word "Статус"
        words = _SCOPED.get(table, {}).get(col.name) or _SHARED.get(col.name, [])
        out[col.name] = _compile(words)
    return out


SYNONYMS: dict[str, dict[str, list[str]]] = {t: _table_synonyms(t) for t in TABLE_SPECS}
ALL_SYNONYMS: frozenset[str] = frozenset(
    w for table in SYNONYMS.values() for words in table.values() for w in words
)


def shown_headers(headers: list[str], limit: int = 40) -> dict[str, object]:
    """The file's headers as a refusal lists them (its arguments `found` and `more`): each cut
    to 60 characters, at most `limit` of them (a wrong delimiter can make one header of a whole
    line, or thousands of them), and how many more there are."""
    shown = [str(h).strip() for h in headers if str(h).strip()]
    cut = [h if len(h) <= 60 else h[:57] + "…" for h in shown[:limit]]
    return {"found": cut, "more": max(0, len(shown) - limit)}


def header_score(cells: list[object]) -> int:
    """How many cells of a row look like known headers: used to find the header row."""
    score = 0
    for c in cells:
        n = normalise_header(c)
        if n and (n in ALL_SYNONYMS or n.replace(" ", "") in ALL_SYNONYMS):
            score += 1
    return score


def _match(header: str, synonyms: dict[str, list[str]]) -> tuple[str | None, int]:
    """The canonical column a normalised header maps to, and how strong the match is:
    3 = exact synonym (earlier in the list is stronger), 1 = contains a synonym as words."""
    best: tuple[str | None, int] = (None, 0)
    best_rank = 10**6
    for col, words in synonyms.items():
        if header in words:
            rank = words.index(header)
            if best[1] < 3 or rank < best_rank:
                best, best_rank = (col, 3), rank
    if best[0]:
        return best
    padded = f" {header} "
    longest = 0
    for col, words in synonyms.items():
        for w in words:
            if len(w) > longest and f" {w} " in padded and len(w) >= 4:
                best, longest = (col, 1), len(w)
    return best


# --- the result of recognising a file ----------------------------------------------------------


@dataclass
class Mapping:
    table: str
    columns: dict[int, str]  # raw column position → canonical column
    headers: list[str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str | None = None
    profile: str | None = None
    ignored: list[str] = field(default_factory=list)

    def header_map(self) -> dict[str, str]:
        return {self.headers[i]: c for i, c in sorted(self.columns.items())}

    def sources(self) -> dict[str, list[int]]:
        """Each canonical column's raw columns, left to right: all of them for a column of
        SUMMED (its parts) or JOINED (a contact's phones), else the leftmost (a header given
        twice: the first is used)."""
        out: dict[str, list[int]] = {}
        for pos, canonical in sorted(self.columns.items()):
            if canonical not in out or canonical in SUMMED or canonical in JOINED:
                out.setdefault(canonical, []).append(pos)
        return out

    def canonical(self) -> set[str]:
        return set(self.columns.values())


def _looks_like_names(values: list[str]) -> bool:
    """Patient names have letters and a space ("Иванов Иван"); card numbers do not."""
    vals = [v.strip() for v in values if v and v.strip()]
    if not vals:
        return False
    wordy = sum(1 for v in vals if re.search(r"[^\W\d_]{2,}\s+[^\W\d_]", v))
    return wordy * 2 > len(vals)


def map_columns(table: str, headers: list[str], sample: list[list[str]]) -> Mapping:
    """Map every header of a file onto the table's canonical columns (the best match wins each
    canonical column; the rest are listed as ignored)."""
    synonyms = SYNONYMS[table]
    candidates: dict[str, list[tuple[int, int, int]]] = {}
    parts: set[int] = set()
    for pos, h in enumerate(headers):
        n = normalise_header(h)
        if not n:
            continue
        if is_part(n):
            parts.add(pos)
        if n in _AMBIGUOUS_PATIENT and "patient_id" in synonyms:
            col_values = [row[pos] if pos < len(row) else "" for row in sample]
            col = "_name" if _looks_like_names(col_values) else "patient_id"
            candidates.setdefault(col, []).append((2, 0, -pos))
            continue
        col, strength = _match(n, synonyms)
        if col is None:
            continue
        rank = synonyms[col].index(n) if n in synonyms[col] else 99
        candidates.setdefault(col, []).append((strength, -rank, -pos))
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for col, cands in candidates.items():
        cands.sort(reverse=True)
        for pos in _chosen(col, [-c[2] for c in cands], parts):
            columns.setdefault(pos, col)
    for pos, h in enumerate(headers):
        if pos not in columns and str(h or "").strip():
            ignored.append(str(h))
    return Mapping(table=table, columns=columns, headers=[str(h or "") for h in headers],
                   ignored=ignored)


def _chosen(col: str, positions: list[int], parts: set[int]) -> list[int]:
    """The columns a canonical column takes among its candidates (strongest first): the
    strongest (between equals, the leftmost); for a column of SUMMED with no whole one
    ("Оплачено") but parts ("Наличные", "Безнал"), every part. A whole one next to parts is
    their total: the parts are left out, never added to it."""
    if col in JOINED:
        return sorted(positions)
    if col not in SUMMED:
        return positions[:1]
    wholes = [p for p in positions if p not in parts]
    return wholes[:1] if wholes else sorted(positions)


def missing_groups(table: str, have: set[str]) -> list[tuple[str, ...]]:
    """The required columns of `table` that `have` lacks, each as a group of alternatives: a
    required column alone, or a one-of group none of which is there (amount or price). The one
    rule of "what a file must have"; the loader's message and the upload page's warning read it."""
    spec = TABLE_SPECS[table]
    missing: list[tuple[str, ...]] = [(c,) for c in spec.required if c not in have]
    missing += [tuple(group) for group in spec.one_of if not have.intersection(group)]
    return missing


def missing_required(mapping: Mapping) -> list[str]:
    """missing_groups of a mapping, each group as text ("amount или price")."""
    return [" или ".join(g) for g in missing_groups(mapping.table, mapping.canonical())]


def _needed(table: str, missing: list[tuple[str, ...]]) -> list[list[list]]:
    """What a table lacks, for a refusal: each group of alternatives as [column, its first
    three synonyms] pairs."""
    return [[[name, (_SCOPED.get(table, {}).get(name) or _SHARED.get(name, []))[:3]]
             for name in names] for names in missing]


def detect(headers: list[str], sample: list[list[str]], file_name: str = "") -> Mapping:
    """Decide the table a file holds from its headers (file name only breaks ties)."""
    mappings = [map_columns(t, headers, sample) for t in TABLE_SPECS]
    lname = file_name.lower()

    def score(m: Mapping) -> tuple[int, int, int]:
        complete = 0 if missing_required(m) else 1
        real = sum(1 for c in m.canonical() if not c.startswith("_"))
        hint = int(any(h in lname for h in TABLE_SPECS[m.table].file_hints))
        return complete, real, hint

    ranked = sorted(mappings, key=score, reverse=True)
    best = ranked[0]
    # A file that fits one kind well but lacks a required column must not fall back to a kind it
    # fits poorly (a services report without its doctor column is not a patient list).
    closest = max(mappings, key=lambda m: score(m)[1])
    if score(closest)[1] >= score(best)[1] + 2:
        ranked.remove(closest)
        ranked.insert(0, closest)
        best = closest
    if missing_required(best):
        candidates = [[m.table, _needed(m.table, missing_groups(m.table, m.canonical()))]
                      for m in ranked[:2]]
        raise MappingError(Text("refusal_unknown_kind", **shown_headers(headers),
                                candidates=candidates))
    runner = ranked[1]
    if score(runner) == score(best):
        raise MappingError(Text("refusal_ambiguous_kind", first=best.table, second=runner.table))
    return best


# --- profiles ----------------------------------------------------------------------------------

BUILTIN_PROFILES_DIR = PACKAGE_DIR / "ingest" / "profiles"


@dataclass(frozen=True)
class Profile:
    name: str
    table: str
    columns: dict[str, str]  # export header → canonical column
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str | None = None
    skip_rows: int | None = None
    # True when the columns are the whole mapping (edited by hand in the app): headers it leaves
    # out are not guessed from synonyms.
    complete: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> Profile:
        table = d.get("table")
        if table not in TABLE_SPECS:
            raise MappingError(Text("refusal_profile_table", name=str(d.get("name", "?")),
                                    table=repr(table), allowed=list(TABLE_SPECS)))
        columns = dict(d.get("columns") or {})
        known = {c.name for c in TABLE_SPECS[table].columns}
        known |= {"phone", "_name", "name", "email", "_email", "drop", "status", "stage"}
        bad = [v for v in columns.values() if v not in known]
        if bad:
            raise MappingError(Text("refusal_profile_columns", name=str(d.get("name", "?")),
                                    bad=str(bad), table=table))
        return cls(
            name=str(d.get("name") or "без имени"),
            table=table,
            columns=columns,
            values={k: dict(v) for k, v in (d.get("values") or {}).items()},
            date_format=d.get("date_format"),
            skip_rows=d.get("skip_rows"),
            complete=bool(d.get("complete", False)),
        )

    @classmethod
    def load(cls, path: Path | str) -> Profile:
        path = Path(path)
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise MappingError(Text("refusal_profile_unreadable", path=str(path),
                                    detail=str(exc))) from exc

    def to_dict(self) -> dict:
        d: dict = {"name": self.name, "table": self.table, "columns": self.columns}
        if self.values:
            d["values"] = self.values
        if self.date_format:
            d["date_format"] = self.date_format
        if self.skip_rows is not None:
            d["skip_rows"] = self.skip_rows
        if self.complete:
            d["complete"] = True
        return d

    def matches(self, headers: list[str]) -> bool:
        present = {normalise_header(h) for h in headers}
        return bool(self.columns) and all(normalise_header(h) in present for h in self.columns)

    def apply(self, headers: list[str], sample: list[list[str]] | None = None) -> Mapping:
        """The profile's columns, plus whatever else the file has that the synonyms recognise
        (a profile saved for last month's export still picks up a column added since)."""
        by_norm = {normalise_header(h): i for i, h in enumerate(headers)}
        columns: dict[int, str] = {}
        for header, canonical in self.columns.items():
            pos = by_norm.get(normalise_header(header))
            if pos is None:
                raise MappingError(Text("refusal_profile_column_absent", name=self.name,
                                        header=header, **shown_headers(headers)))
            columns[pos] = {"name": "_name", "email": "_email", "drop": "_email"}.get(
                canonical, canonical
            )
            if self.table in ("services", "appointments") and canonical == "phone":
                columns[pos] = "_phone"
        if not self.complete:
            guessed = map_columns(self.table, headers, sample or [])
            taken = set(columns.values())  # by the profile: a guess adds all parts or none
            for pos, canonical in guessed.columns.items():
                if pos not in columns and canonical not in taken:
                    columns[pos] = canonical
        # a column given to two headers takes the first, unless its parts are summed (SUMMED)
        used = {p for positions in Mapping(self.table, columns, []).sources().values()
                for p in positions}
        columns = {p: c for p, c in columns.items() if p in used}
        ignored = [str(h) for i, h in enumerate(headers) if i not in columns and str(h).strip()]
        return Mapping(
            table=self.table,
            columns=columns,
            headers=[str(h or "") for h in headers],
            values=self.values,
            date_format=self.date_format,
            profile=self.name,
            ignored=ignored,
        )

    @classmethod
    def from_mapping(cls, name: str, mapping: Mapping) -> Profile:
        return cls(
            name=name,
            table=mapping.table,
            columns=mapping.header_map(),
            values=mapping.values,
            date_format=mapping.date_format,
        )


def builtin_profiles() -> list[Profile]:
    return [Profile.load(p) for p in sorted(BUILTIN_PROFILES_DIR.glob("*.json"))]
