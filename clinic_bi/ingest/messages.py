"""What a load says to the user, in both languages (issue 12, item 12): the reasons a line was
rejected or loaded with a warning, the file's notes, how the file was read, and the refusals of
a file not loaded at all (the messages of ReadError, LoadError, MappingError and ChoiceError).

A message is a `Text`: its key, its arguments, and its Russian sentence — the app's default
language, the CLI's and the journal's — which it *is* (Text is a str), so everything that shows or
compares Russian text keeps working, while a page in English asks `in_lang("en")`. The loader
pickles results across a process (clinic_bi/app/load_worker.py): a Text pickles as its key and
arguments.

A reason born in SQL (queries/ingest/_macros.sql) travels as a code, `what;key=value;…`, through
the temp table `issues` and into the store's `rejects.reason`; `reason()` words it. The codes:

    empty                                   a required cell is empty
    unreadable;what=W[;hint=H][;then=T]     a filled cell that does not read as W
    future;today=YYYY-MM-DD                 a date after the day of the load
    birth_future | negative_qty             a birth date in the future; quantity < 0 < amount
    month_mismatch;day=YYYY-MM-DD           a month column that disagrees with the day
    same_id;row=K                           an id an earlier line K already has
    read;kind=K;mb=M[;lines=A–B]            a line the CSV reader could not split (csv_lines.py)
    read_unclosed;start=A;end=B             a quote open to the end of the file (csv_lines.py)

`what` names the kind of value (_WHAT), `hint` what the cell shows (_HINTS: Excel's exponent, a
dash, a dash before digits) and `then` what became of the line (_THEN). A date-shaped cell that
names no day of the calendar (31.02.2024) is said to be "no such date", not unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from clinic_bi import fmt
from clinic_bi.tables import TABLE_SPECS, field_label


class Text(str):
    """A message: its Russian sentence, with its key and arguments to say it in English."""

    key: str
    args: dict

    def __new__(cls, key: str, **args: object) -> Text:
        self = super().__new__(cls, _render(key, args, "ru"))
        self.key, self.args = key, args
        return self

    def in_lang(self, lang: str) -> str:
        return _render(self.key, self.args, lang)

    def __reduce__(self):  # pickled as key and arguments, not as the str it is
        return _text, (self.key, self.args)


def _text(key: str, args: dict) -> Text:
    return Text(key, **args)


def localized(message: str, lang: str) -> str:
    """A message in `lang`: a Text in that language, any other text as it is."""
    return message.in_lang(lang) if isinstance(message, Text) else message


def _render(key: str, args: dict, lang: str) -> str:
    if key not in _MESSAGES:  # a key no entry words (a new note's): said as it is, not lost
        return " ".join([key, *(f"{k}={v}" for k, v in args.items())])
    ru, en = _MESSAGES[key]
    template = ru if lang == "ru" else en
    return template(args, lang) if callable(template) else template.format(**args)


# --- reasons: a line rejected or loaded with a warning ------------------------------------------

# what a cell should have held, in a sentence ("не читается как дата" / "is not a date")
_WHAT = {
    "date": ("дата", "a date"),
    "datetime": ("дата и время", "a date and time"),
    "month": ("месяц", "a month"),
    "date_or_month": ("дата или месяц", "a date or a month"),
    "money": ("сумма", "an amount"),
    "quantity": ("количество", "a quantity"),
    "minutes": ("число минут", "a number of minutes"),
    "phone": ("телефон (нужно не меньше 10 цифр)", "a phone number (10 digits at least)"),
    "card": ("номер карты пациента", "a patient's card number"),
    "lead_no": ("номер лида", "a lead number"),
    "appointment_no": ("номер записи", "an appointment number"),
    "contract_no": ("номер договора", "a contract number"),
    "rating": ("оценка от 0 до 10", "a rating from 0 to 10"),
    "gender": ("пол (М/Ж)", "a gender (M/F)"),
    "status": ("статус", "a status"),
    "service": ("услуга", "a service"),
    "channel": ("канал", "a channel"),
    "goal_figure": ("показатель: выручка, визиты или новые пациенты",
                    "a figure: revenue, visits or new patients"),
    "goal_scope": ("уровень: клиника, направление (отделение) или врач",
                   "a scope: clinic, department or doctor"),
    "goal_value": ("число (цель)", "a number (the goal)"),
    "pay_basis": ("схема оплаты: % от выручки, % после материалов, в час или оклад",
                  "a pay basis: % of revenue, % after materials, per hour or salary"),
    "pay_rate": ("ставка: процент (30 %, 0,3) или сумма в рублях",
                 "a rate: a percentage (30 %, 0.3) or an amount in rubles"),
    "pay_role": ("роль: врач или ассистент", "a role: doctor or assistant"),
}

_HINTS = {
    "excel": (": Excel записал номер как число с округлением, разные номера могли стать одним "
              "(выгрузите столбец как текст и загрузите файл заново)",
              ": Excel wrote the number rounded, as a figure with an exponent, so different "
              "numbers may have become one (export the column as text and load the file again)"),
    "dash": (": прочерк не говорит, сколько (впишите число, 0 — если ничего)",
             ": a dash does not say how much (enter a number, 0 for none)"),
    "endash": (": тире перед числом — не минус (для возврата впишите «-»)",
               ": a dash before a number is not a minus (for a refund, type «-»)"),
}

_THEN = {
    "left_empty": ("оставлено пустым", "left empty"),
    "taken_as_1": ("принято за 1", "taken as 1"),
    "no_amount_price": ("сумма строки не указана, посчитать её не из чего",
                        "the line has no amount, and nothing to compute it from"),
    "no_amount_quantity": ("сумма строки не указана, без количества её не посчитать",
                           "the line has no amount, and it cannot be computed without the quantity"),
    "no_amount_discount": ("сумма строки не указана, без скидки её не посчитать",
                           "the line has no amount, and it cannot be computed without the discount"),
    "no_card_phone": ("номера карты нет, пациент опознан по ФИО без телефона",
                      "there is no card number: the patient is known by name, without the phone"),
    "no_card_birth": ("номера карты нет, пациент опознан по ФИО без даты рождения",
                      "there is no card number: the patient is known by name, without the birth date"),
}

_DATE_KINDS = ("date", "datetime", "date_or_month")
_DATE_SHAPE = re.compile(r"^\s*(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[\sT].*)?$")


def no_such_date(value: str | None) -> bool:
    """A cell shaped as a date in figures (31.02.2024, 2024-13-01) whose day, month and year,
    in any of the orders a file may use, are no day of the calendar."""
    m = _DATE_SHAPE.match(value or "")
    if not m:
        return False
    a, b, c = (int(x) for x in m.groups())
    if len(m.group(1)) == 4:
        orders = [(a, b, c)]  # year first: ISO
    elif len(m.group(3)) in (2, 4):
        year = c if len(m.group(3)) == 4 else 2000 + c
        orders = [(year, b, a), (year, a, b)]  # day first, or month first
    else:
        return False
    for y, mo, d in orders:
        try:
            date(y, mo, d)
        except ValueError:
            continue
        return False
    return True


def _unreadable(args: dict, lang: str) -> str:
    i = 0 if lang == "ru" else 1
    what, value = args.get("what", ""), args.get("value")
    if what in _DATE_KINDS and no_such_date(value):
        text = "такой даты нет" if lang == "ru" else "there is no such date"
    else:
        noun = _WHAT[what][i] if what in _WHAT else what
        text = ("не читается как " if lang == "ru" else "is not ") + noun
    if args.get("hint") in _HINTS:
        text += _HINTS[args["hint"]][i]
    if args.get("then") in _THEN:
        text += "; " + _THEN[args["then"]][i]
    return text


def _day(args: dict, name: str, lang: str) -> str:
    return fmt.day(date.fromisoformat(args[name]), lang)


def _read_line(args: dict, lang: str) -> str:
    i = 0 if lang == "ru" else 1
    pair = _READ_KINDS.get(args.get("kind", ""), _READ_KINDS[""])
    text = pair[i].format(mb=args.get("mb", ""))
    if args.get("lines"):
        text += (" (строки {})" if lang == "ru" else " (lines {})").format(args["lines"])
    return text


_READ_KINDS = {
    "TOO MANY COLUMNS": ("в строке больше полей, чем столбцов в заголовке: лишний разделитель "
                         "или кавычка; строка не загружена",
                         "the line has more fields than the header has columns: a stray "
                         "delimiter or quote; the line was not loaded"),
    "MISSING COLUMNS": ("в строке меньше полей, чем столбцов в заголовке; строка не загружена",
                        "the line has fewer fields than the header has columns; the line was "
                        "not loaded"),
    "UNQUOTED VALUE": ("незакрытая или лишняя кавычка: проверьте строку в исходной системе",
                       "a quote left open or one too many: check the line in the system it "
                       "came from"),
    "INVALID ENCODING": ("повреждённые символы (файл не в одной кодировке): пересохраните "
                         "выгрузку в UTF-8 или Windows-1251",
                         "damaged characters (the file mixes encodings): save the export again "
                         "in UTF-8 or Windows-1251"),
    "LINE SIZE OVER MAXIMUM": ("строка длиннее допустимого ({mb} МБ): обычно так бывает, когда "
                               "в ней не закрыта кавычка",
                               "the line is longer than allowed ({mb} MB): usually a quote in "
                               "it is left open"),
    "": ("строка не разбирается на поля; строка не загружена",
         "the line does not split into fields; the line was not loaded"),
}


def reason(code: str, value: str | None = None) -> Text:
    """A reason code of the `issues` table (see the module's docstring) as a Text; the cell's
    value tells an impossible date from an unreadable one."""
    key, *pairs = code.split(";")
    args: dict[str, object] = dict(p.split("=", 1) for p in pairs)
    if key == "unreadable":
        args["value"] = value
    return Text("reason_" + key, **args)


def sentence(column: str | None, value: str | None, why: str, lang: str) -> str:
    """One issue as a sentence that stands alone (the download, the CLI): «Дата визита
    «31.02.2024»: такой даты нет»."""
    if column is None:
        return why
    head = field_label(column, lang)
    if value is not None:
        head += f" «{value}»"
    return f"{head}: {why}"


def _reasons(args: dict, lang: str) -> str:
    """A rejected line's reasons, each a sentence that names its column ("reasons": the
    rejected rows' download)."""
    return "; ".join(sentence(column, value, reason(code, value).in_lang(lang), lang)
                     for column, value, code in args["items"])


# --- notes: cells of the loaded lines read by a rule (queries/ingest/notes.sql) -------------------

def in_lines(n: int, lang: str) -> str:
    """"в 3 строках" / "in 3 lines"."""
    return ("в " if lang == "ru" else "in ") + fmt.count(
        n, lang, ("строке", "строках", "строках"), ("line", "lines"))


def _counted(ru: str, en: str) -> tuple[Callable, Callable]:
    return (lambda a, lang: ru.format(rows=in_lines(int(a["n"]), lang)),
            lambda a, lang: en.format(rows=in_lines(int(a["n"]), lang)))


# A note's key is its `_notes` key in queries/ingest/<table>.sql, prefixed "note_".
_NOTES = {
    "amount_calc": ("Сумма не указана {rows}: посчитана как цена × количество − скидка.",
                    "No amount {rows}: computed as price × quantity − discount."),
    "dash_disc": ("Прочерк вместо скидки {rows}: прочитан как 0.",
                  "A dash for the discount {rows}: read as 0."),
    "dash_paid": ("Прочерк вместо оплаты {rows}: прочитан как 0.",
                  "A dash for the payment {rows}: read as 0."),
    "dash_prepaid": ("Прочерк вместо предоплаты {rows}: прочитан как 0.",
                     "A dash for the prepayment {rows}: read as 0."),
    "dash_price": ("Прочерк вместо цены {rows}: цена оставлена пустой.",
                   "A dash for the price {rows}: the price is left empty."),
    "dash_amount": ("Прочерк вместо суммы {rows}: сумма оставлена пустой.",
                    "A dash for the amount {rows}: the amount is left empty."),
    "dash_dur": ("Прочерк вместо длительности {rows}: длительность оставлена пустой.",
                 "A dash for the duration {rows}: the duration is left empty."),
    "dash_wait": ("Прочерк вместо ожидания {rows}: ожидание оставлено пустым.",
                  "A dash for the waiting time {rows}: it is left empty."),
    "card_name": ("Номер карты не указан {rows}: пациент опознан по ФИО (и телефону или дате "
                  "рождения, если они есть в файле).",
                  "No card number {rows}: the patient is known by name (with the phone or the "
                  "birth date, where the file has them)."),
}
NOTE_ORDER = tuple(_NOTES)


_FORMATS_EN = {"HTML-таблица (.xls Битрикс24)": "HTML table (Bitrix24's .xls)"}


def _format(args: dict, lang: str) -> str:
    """How the file was read: "CSV, windows-1251, разделитель ;, заголовок в строке 1"."""
    kind = str(args["fmt"])
    parts = [kind if lang == "ru" else _FORMATS_EN.get(kind, kind)]
    if args.get("encoding"):
        parts.append(str(args["encoding"]))
    if args.get("delimiter"):
        d = str(args["delimiter"])
        if lang == "ru":
            parts.append("разделитель " + ("табуляция" if d == "\t" else d))
        else:
            parts.append("delimiter " + ("tab" if d == "\t" else d))
    first, rows = int(args["header_line"]), int(args.get("header_rows", 1))
    if rows > 1:
        last = first + rows - 1
        parts.append(f"заголовок в строках {first}–{last}" if lang == "ru"
                     else f"header in lines {first}–{last}")
    else:
        parts.append(f"заголовок в строке {first}" if lang == "ru" else f"header in line {first}")
    return ", ".join(parts)


def _words(args: dict, lang: str) -> str:
    return ", ".join(f"«{w}» ({fmt.number(n, lang)})" for w, n in args["words"])


def _lines_gen(n: int) -> str:
    """"нет 1 строки / 3 строк" (genitive after «нет»)."""
    return fmt.count(n, "ru", ("строки", "строк", "строк"), ("line", "lines"))


def _lines(n: int, lang: str) -> str:
    """"3 строки" / "3 lines"."""
    return fmt.count(n, lang, ("строка", "строки", "строк"), ("line", "lines"))


_GROUP_KINDS = {"doctor": ("врачи", "doctors"), "department": ("отделения", "departments"),
                "branch": ("филиалы", "branches")}


def _groups(a: dict, lang: str) -> str:
    """A grouped report's header rows (clinic_bi/ingest/groups.py)."""
    i = 0 if lang == "ru" else 1
    what = (" и " if lang == "ru" else " and ").join(_GROUP_KINDS[k][i] for k in a["kinds"])
    rows, example = _lines(int(a["rows"]), lang), a["example"]
    if lang == "ru":
        own = ("пустым ячейкам столбца строк под ними (заполненная ячейка остаётся как есть)"
               if a["own_column"] else "строкам под ними")
        return (f"Отчёт с группировкой: {what} взяты из строк-заголовков групп ({rows}, например "
                f"«{example}») и проставлены {own}. Заголовки групп пропущены, как строки «Итого».")
    own = ("the empty cells of the lines below them (a filled cell stays as it is)"
           if a["own_column"] else "the lines below them")
    return (f"A grouped report: the {what} come from the group header rows ({rows}, for example "
            f"«{example}») and are given to {own}. The group headers are skipped, as total rows are.")


_MESSAGES: dict[str, tuple[str | Callable, str | Callable]] = {
    "reason_empty": ("пустое значение (обязательное поле)",
                     "empty, and the line cannot load without it"),
    "reason_unreadable": (_unreadable, _unreadable),
    "reason_future": (
        lambda a, lang: f"дата в будущем (позже {_day(a, 'today', lang)}): проверьте год и "
                        "порядок дня и месяца",
        lambda a, lang: f"a date in the future (after {_day(a, 'today', lang)}): check the year "
                        "and the order of day and month"),
    "reason_birth_future": (
        "дата рождения в будущем: проверьте год (двузначный год 00–68 читается как 2000–2068); "
        "оставлено пустым",
        "a birth date in the future: check the year (a two-digit year 00–68 reads as 2000–2068); "
        "left empty"),
    "reason_negative_qty": (
        "отрицательное количество при положительной сумме: строка загружена как есть, проверьте "
        "её в МИС",
        "a negative quantity with a positive amount: the line is loaded as it is, check it in "
        "the MIS"),
    "reason_month_mismatch": (
        lambda a, lang: f"месяц не совпадает с датой {_day(a, 'day', lang)}: использована дата",
        lambda a, lang: f"the month disagrees with the date {_day(a, 'day', lang)}: the date is "
                        "used"),
    "reason_goal_no_scope": (
        "не указан уровень цели (клиника, направление, врач), а имя указано",
        "the goal's scope (clinic, department, doctor) is missing, but a name is given"),
    "reason_goal_no_name": ("цель направления или врача без имени",
                            "a department's or doctor's goal without the name"),
    "reason_goal_negative": ("цель меньше нуля", "a goal below zero"),
    "reason_cost_no_service": ("нет ни кода, ни названия услуги",
                               "neither the service's code nor its name"),
    "reason_cost_negative": ("себестоимость меньше нуля", "a cost below zero"),
    "reason_pay_rate_negative": ("ставка меньше нуля", "a rate below zero"),
    "reason_pay_rate_over_100": ("процент больше 100 %", "a percentage above 100 %"),
    "reason_pay_rate_ambiguous": (
        "«1» без знака % может значить и 100 %, и 1 %: напишите «100 %» или «1 %»",
        "«1» without a % sign may mean 100 % or 1 %: write «100 %» or «1 %»"),
    "reason_fixed_cost_negative": ("сумма расхода меньше нуля", "a cost below zero"),
    "reason_same_id": ("тот же номер, что в строке {row}: загружена строка {row}",
                       "the same number as line {row}: line {row} is loaded"),
    "reason_read": (_read_line, _read_line),
    "reasons": (lambda a, lang: _reasons(a, lang), lambda a, lang: _reasons(a, lang)),
    "reason_read_unclosed": (
        lambda a, lang: "кавычка открыта и не закрыта до конца файла: "
                        + (f"строки {a['start']}–{a['end']} читаются как одно значение и не "
                           "загружены" if a["end"] != a["start"] else "строка не загружена")
                        + ". Закройте кавычку (или уберите лишнюю) и загрузите файл снова",
        lambda a, lang: "a quote opens and is not closed before the end of the file: "
                        + (f"lines {a['start']}–{a['end']} read as one value and are not "
                           "loaded" if a["end"] != a["start"] else "the line is not loaded")
                        + ". Close the quote (or remove the stray one) and load the file again"),
    **{"note_" + k: _counted(ru, en) for k, (ru, en) in _NOTES.items()},
    "note_unmapped_stages": (
        lambda a, lang: f"Стадии CRM без соответствия: {_words(a, lang)}. Строки загружены; в "
                        "воронке эти лиды считаются только по записям и визитам, пока вы не "
                        "укажете, что значит каждая стадия, на странице «Данные» (раздел «Слова "
                        "выгрузок»).",
        lambda a, lang: f"CRM stages with no meaning yet: {_words(a, lang)}. The lines are "
                        "loaded; the funnel counts these leads by their bookings and visits "
                        "only, until you say what each stage means on the Data page (section "
                        "«Export words»)."),
    "note_unmapped_statuses": (
        lambda a, lang: f"Статусы записей без соответствия: {_words(a, lang)}. Строки "
                        "загружены, но в явку не входят, пока вы не укажете, что значит каждый "
                        "статус, на странице «Данные» (раздел «Слова выгрузок»).",
        lambda a, lang: f"Appointment statuses with no meaning yet: {_words(a, lang)}. The "
                        "lines are loaded but not counted in attendance until you say what each "
                        "status means on the Data page (section «Export words»)."),
    "note_header_twice": (
        lambda a, lang: f"Столбец «{a['header']}» встречается в заголовке дважды (№ {a['first']} "
                        f"и № {a['second']}): "
                        + (f"использован столбец № {a['used']}" if a.get("used") else "не использован")
                        + ". Проверьте выгрузку.",
        lambda a, lang: f"The column «{a['header']}» appears twice in the header (no. {a['first']} "
                        f"and no. {a['second']}): "
                        + (f"column no. {a['used']} is used" if a.get("used") else "neither is used")
                        + ". Check the export."),
    "note_same_file": (
        lambda a, lang: f"Этот файл уже загружен {a['loaded_at']:%d.%m.%Y %H:%M} (загрузка "
                        f"№ {a['batch']}) с тем же сопоставлением столбцов: пропущен, ничего не "
                        "изменилось.",
        lambda a, lang: f"This file was already loaded on {a['loaded_at']:%Y-%m-%d %H:%M} (upload "
                        f"no. {a['batch']}) with the same column mapping: skipped, nothing "
                        "changed."),
    "note_superseded": (
        lambda a, lang: f"Файл — новая версия выгрузки «{a['file']}» (загрузка № {a['batch']}): "
                        f"за {fmt.day(a['date_from'], lang)} – {fmt.day(a['date_to'], lang)} в нём "
                        f"нет {_lines_gen(int(a['rows']))} из неё. Они больше не считаются; "
                        "удалите эту загрузку, и они вернутся.",
        lambda a, lang: f"The file is a newer version of the export «{a['file']}» (upload no. "
                        f"{a['batch']}): for {fmt.day(a['date_from'], lang)} – "
                        f"{fmt.day(a['date_to'], lang)} it no longer has {_lines(int(a['rows']), lang)} "
                        "of it. They are not counted any more; remove this upload to bring them "
                        "back."),
    "format": (_format, _format),
    "note_groups": (_groups, _groups),
    "note_groups_by_name": (
        lambda a, lang: f"Строки, где в единственной ячейке только ФИО ({_lines(int(a['rows']), lang)}), "
                        "приняты за заголовки групп по врачу: в файле нет столбца врача. Если это "
                        "не врачи, добавьте в выгрузку столбец «Врач» или подпись «Врач: …».",
        lambda a, lang: f"Rows whose one cell holds only a person's name ({_lines(int(a['rows']), lang)}) "
                        "are taken for group headers by doctor: the file has no doctor column. If "
                        "they are not doctors, add a «Врач» column to the export or label them "
                        "«Врач: …»."),
    "note_groups_refused": (
        lambda a, lang: f"Строки, где в единственной ячейке только ФИО ({_lines(int(a['rows']), lang)}, "
                        f"например «{a['example']}»), не приняты за врачей: под каждой — услуги "
                        "одного пациента (похоже на группы по пациентам), и они отклонены. Если это "
                        "врачи, выгрузите отчёт с подписью «Врач: …» или со столбцом «Врач».",
        lambda a, lang: f"Rows whose one cell holds only a person's name ({_lines(int(a['rows']), lang)}, "
                        f"for example «{a['example']}») are not taken for doctors: below each are "
                        "one patient's services (they look like groups by patient), and they are "
                        "rejected. If they are doctors, export the report with «Врач: …» labels or "
                        "a «Врач» column."),
}


# --- refusals: a file not loaded at all ---------------------------------------------------------
# The messages of ReadError (sheets.py, readers.py, csv_lines.py), LoadError (loader.py,
# journal.py) and MappingError (mapping.py): each names the file (`file`), says what is wrong and
# what to do. A reader's refusal crosses the sheets worker's JSON (sheets.py), so the arguments
# are JSON's own: str, int, float, bool, None and lists of them (a tuple comes back a list).

class Worded:
    """An exception whose message is a Text: str(exc) is that Text, not a plain copy of its
    Russian, so a caller that passes str(exc) on (clinic_bi/app/load_worker.py) keeps its
    English."""

    def __str__(self) -> str:
        if len(self.args) == 1 and isinstance(self.args[0], Text):
            return self.args[0]
        return super().__str__()


def message_of(exc: BaseException) -> str:
    """An exception's message: its Text when it has one, else its text."""
    arg = exc.args[0] if len(exc.args) == 1 else None
    return arg if isinstance(arg, Text) else str(exc)


def _count(n: int, lang: str, forms: tuple[tuple[str, str, str], tuple[str, str]]) -> str:
    """"501 столбец" / "501 columns": a number and its noun, by the forms (ru: one, few, many;
    en: one, many)."""
    return fmt.count(n, lang, *forms)


_COLUMNS = (("столбец", "столбца", "столбцов"), ("column", "columns"))
_LINES_TO_SKIP = (("строку", "строки", "строк"), ("line", "lines"))
_ROWS_TO_SKIP = (("строку", "строки", "строк"), ("row", "rows"))


def headers_found(shown: list[str], more: int, lang: str) -> str:
    """A file's headers as a refusal lists them (mapping.shown_headers cuts them): «Дата»,
    «Сумма» и ещё 3 / «Дата», «Сумма» and 3 more."""
    text = ", ".join(f"«{h}»" for h in shown)
    if more:
        text += (f" и ещё {more}" if lang == "ru" else f" and {fmt.number(more, 'en')} more")
    return text


def _table(table: str, lang: str) -> str:
    """A table in a refusal: its Russian label, its English title."""
    spec = TABLE_SPECS.get(table)
    if spec is None:
        return table
    return spec.label_ru if lang == "ru" else spec.title[1]


def _or(names: list[str], lang: str) -> str:
    return (" или " if lang == "ru" else " or ").join(names)


_OS_REASONS = {
    "not_found": ("файл не найден (его переместили или удалили?)",
                  "the file is not there (was it moved or deleted?)"),
    "no_access": ("нет прав на чтение файла", "there is no permission to read the file"),
    "is_dir": ("это папка, а не файл", "this is a folder, not a file"),
    "long_name": ("слишком длинное имя файла", "the file's name is too long"),
    "no_space": ("на диске нет места для временных файлов",
                 "the disk has no room for temporary files"),
    "too_many_open": ("открыто слишком много файлов", "too many files are open"),
    "": ("файл не читается с диска", "the file cannot be read from the disk"),
}

_RESAVE = ("Откройте его в Excel и сохраните как XLSX (или CSV в UTF-8), затем загрузите снова.",
           "Open it in Excel and save it as XLSX (or as CSV in UTF-8), then load it again.")

# what DuckDB's CSV reader found (csv_lines.csv_error): (what, what to do) in ru, en; None: resave
_CSV_FAILURES: dict[str, tuple[tuple[str, str | None], tuple[str, str | None]]] = {
    "memory": (("файлу не хватило памяти при чтении",
                "Разделите выгрузку по месяцам и загрузите части по очереди."),
               ("there was not enough memory to read the file",
                "Split the export by month and load the parts one after another.")),
    "no_space": (("на диске нет места для временных файлов",
                  "Освободите место на диске и загрузите файл снова."),
                 ("the disk has no room for temporary files",
                  "Free some space on the disk and load the file again.")),
    "gone": (("файл не читается с диска (его переместили или удалили во время чтения?)",
              "Загрузите файл ещё раз."),
             ("the file cannot be read from the disk (was it moved or deleted while it was "
              "read?)", "Load the file again.")),
    "quoted_newlines": (("в файле есть значения с переводом строки внутри кавычек "
                         "(многострочные тексты), и строки с разным числом полей", None),
                        ("the file has values with line breaks inside quotes (texts of several "
                         "lines) and lines with different numbers of fields", None)),
    "line_size": (("в файле есть строка длиннее {mb} МБ", None),
                  ("the file has a line longer than {mb} MB", None)),
    "encodings": (("в файле смешаны кодировки", None), ("the file mixes encodings", None)),
    "other": (("файл не разбирается как таблица с одним разделителем", None),
              ("the file does not split into a table with one delimiter", None)),
}


def _csv_failure(a: dict, lang: str) -> str:
    i = 0 if lang == "ru" else 1
    what, fix = _CSV_FAILURES.get(a["kind"], _CSV_FAILURES["other"])[i]
    what = what.format(mb=a.get("mb", ""))
    if lang == "ru":
        return f"{a['file']}: {what}. Файл не загружен. {fix or _RESAVE[0]}"
    return f"{a['file']}: {what}. The file was not loaded. {fix or _RESAVE[1]}"


def _too_large(a: dict, lang: str) -> str:
    size = fmt.number(a["mb"], lang, 1)
    if lang == "ru":
        return (f"{a['file']}: файл весит {size} МБ, больше предела {a['limit_mb']:.0f} МБ. "
                "Выгрузите отчёт по месяцам или поднимите предел (переменная "
                "CLINIC_BI_MAX_UPLOAD_MB).")
    return (f"{a['file']}: the file is {size} MB, over the limit of {a['limit_mb']:.0f} MB. "
            "Export the report month by month, or raise the limit (the variable "
            "CLINIC_BI_MAX_UPLOAD_MB).")


def _no_header(a: dict, lang: str) -> str:
    """No header row in a CSV: none among its first lines, or a profile skips past them all."""
    skip = a.get("skip")
    if lang == "ru":
        where = (f"профиль велит пропустить {_count(skip, 'ru', _LINES_TO_SKIP)}, а в начале "
                 "файла их меньше" if skip is not None
                 else "в начале файла нет строки с названиями столбцов")
        return (f"{a['file']}: не найдена строка заголовка: {where}. Выгрузите отчёт с "
                "заголовками столбцов (или выберите другой профиль).")
    where = (f"the profile says to skip {_count(skip, 'en', _LINES_TO_SKIP)}, "
             "but the file has fewer" if skip is not None
             else "none of the first lines of the file names the columns")
    return (f"{a['file']}: no header row found: {where}. Export the report with its column "
            "headers (or choose another profile).")


def _skip_past_table(a: dict, lang: str) -> str:
    """A profile skips more rows than a sheet or an HTML table has."""
    skip = a["skip"]
    if lang == "ru":
        return (f"{a['file']}: не найдена строка заголовка: профиль велит пропустить "
                f"{_count(skip, 'ru', _ROWS_TO_SKIP)}, а в таблице их "
                "меньше. Выберите другой профиль.")
    return (f"{a['file']}: no header row found: the profile says to skip "
            f"{_count(skip, 'en', _ROWS_TO_SKIP)}, but the table has fewer. "
            "Choose another profile.")


def _too_wide(a: dict, lang: str) -> str:
    width = int(a["width"])
    if lang == "ru":  # the figure as the reader counted it, without a space: "3000 столбцов"
        columns = fmt.plural_ru(width, "столбец", "столбца", "столбцов")
        return (f"{a['file']}: в таблице {width} {columns} — это не похоже на выгрузку (обычно "
                "их 10–30). Проверьте, что файл сохранён как таблица с одним разделителем.")
    return (f"{a['file']}: the table has {fmt.number(width, 'en')} columns, which does not look "
            "like an export (exports have 10–30). Check that the file is saved as a table with "
            "one delimiter.")


def _far_cell(a: dict, lang: str) -> str:
    """A sheet with a cell far beyond its table (sheets._check_extent)."""
    width, height = int(a["width"]), int(a["height"])
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    if width > int(a["max_columns"]):
        if lang == "ru":
            limit = (f"{_count(width, 'ru', _COLUMNS)} при "
                     f"пределе {n(a['max_columns'])}")
        else:
            limit = (f"{_count(width, 'en', _COLUMNS)}, over the "
                     f"limit of {n(a['max_columns'])}")
    elif lang == "ru":
        cells = fmt.plural_ru(width * height, "ячейка", "ячейки", "ячеек")
        limit = (f"{n(width)} × {n(height)} = {n(width * height)} {cells} при пределе "
                 f"{n(a['max_cells'])}")
    else:
        limit = (f"{n(width)} × {n(height)} = {n(width * height)} cells, over the limit of "
                 f"{n(a['max_cells'])}")
    if lang == "ru":
        return (f"{a['file']}: на листе «{a['sheet']}» заполнена ячейка {a['ref']} — далеко за "
                f"пределами таблицы (лист занимает {limit}). Файл не прочитан. Удалите в Excel "
                "лишние ячейки справа и снизу от таблицы (или скопируйте таблицу на новый лист) "
                "и сохраните файл заново.")
    return (f"{a['file']}: on the sheet «{a['sheet']}» the cell {a['ref']} is filled, far outside "
            f"the table (the sheet spans {limit}). The file was not read. In Excel, delete the "
            "stray cells to the right of and below the table (or copy the table to a new sheet) "
            "and save the file again.")


def _zip_archive(a: dict, lang: str) -> str:
    inside = ", ".join(a["inside"]) + (" …" if a.get("more") else "")
    if lang == "ru":
        return (f"{a['file']}: это ZIP-архив, а не книга Excel"
                + (f" (внутри: {inside})" if a["inside"] else "")
                + ". Распакуйте архив и загрузите файлы из него.")
    return (f"{a['file']}: this is a ZIP archive, not an Excel workbook"
            + (f" (inside: {inside})" if a["inside"] else "")
            + ". Unpack the archive and load the files from it.")


def _zip_bomb(a: dict, lang: str) -> str:
    size, limit = fmt.number(a["gb"], lang, 1), fmt.number(a["limit_gb"], lang, 1)
    if lang == "ru":
        return (f"{a['file']}: внутри книги Excel {size} ГБ данных (предел {limit} ГБ) — файл не "
                "открыт. Если это настоящая выгрузка, разделите её по месяцам (или поднимите "
                "предел: CLINIC_BI_MAX_UNZIPPED_MB).")
    return (f"{a['file']}: the Excel workbook holds {size} GB of data inside (the limit is {limit} "
            "GB), so the file was not opened. If it is a real export, split it by month (or "
            "raise the limit: CLINIC_BI_MAX_UNZIPPED_MB).")


def _out_of_memory(a: dict, lang: str) -> str:
    gb = fmt.number(a["gb"], lang, 1)
    if lang == "ru":
        return (f"{a['file']}: файлу не хватило {gb} ГБ памяти при чтении — так бывает, когда в "
                "книге заполнены ячейки далеко за таблицей или файл повреждён. Файл не прочитан, "
                "хранилище не изменилось. Скопируйте таблицу на новый лист и сохраните заново "
                "(или выгрузите отчёт в CSV).")
    return (f"{a['file']}: {gb} GB of memory was not enough to read the file; this happens when "
            "a workbook has cells filled far outside its table, or when the file is damaged. The "
            "file was not read and the store has not changed. Copy the table to a new sheet and "
            "save the file again (or export the report as CSV).")


def _write_failed(a: dict, lang: str) -> str:
    if lang == "ru":
        return (f"{a['file']}: файл не загружен, хранилище не изменилось: "
                + ("на диске кончилось место. Освободите место и загрузите файл снова."
                   if a["disk_full"] else
                   "при записи строк произошёл сбой. Загрузите файл ещё раз; если повторится, "
                   "сохраните отчёт заново как XLSX или CSV в UTF-8."))
    return (f"{a['file']}: the file was not loaded and the store has not changed: "
            + ("the disk is full. Free some space and load the file again." if a["disk_full"] else
               "writing its lines failed. Load the file again; if it happens again, save the "
               "report again as XLSX or as CSV in UTF-8."))


def _missing_columns(a: dict, lang: str) -> str:
    """A file mapped to a table (by a profile or by hand) without a column the table requires."""
    missing = ", ".join(_or(group, lang) for group in a["missing"])
    found = headers_found(a["found"], a["more"], lang)
    if lang == "ru":
        return (f"{a['file']}: в файле нет обязательных столбцов для «{a['table']}»: {missing}. "
                f"Найдены: {found}.")
    return (f"{a['file']}: the file lacks columns that «{_table(a['table'], 'en')}» "
            f"({a['table']}) requires: {missing}. Found: {found or 'none'}. Add them to the "
            "export, or choose which of its columns they are, and load the file again.")


def _all_lines_dropped(a: dict, lang: str) -> str:
    """Every data line of a CSV was dropped by the reader: which, and why (the first one's)."""
    lines = ", ".join(str(n) for n in a["lines"]) + ("…" if a["more"] else "")
    why = reason(a["reason"]).in_lang(lang)
    if lang == "ru":
        return (f"{a['file']}: ни одна строка данных не прочитана — строки {lines} отброшены: "
                f"{why}.")
    several = len(a["lines"]) > 1 or a["more"]
    dropped = f"lines {lines} were" if several else f"line {lines} was"
    return (f"{a['file']}: not one data line could be read; {dropped} dropped: {why}. Correct "
            "the file and load it again.")


def _unknown_kind(a: dict, lang: str) -> str:
    """mapping.detect: no table has all its required columns in the file. `candidates`: the
    closest tables, each with what it lacks: groups of alternatives, each [column, examples]."""
    found = headers_found(a["found"], a["more"], lang)
    parts = []
    for table, need in a["candidates"]:
        if lang == "ru":
            what = "; ".join(_or([f"{name} ({', '.join(words)})" for name, words in group], lang)
                             for group in need)
            parts.append(f"Для «{_table(table, 'ru')}» ({table}) не хватает: {what}.")
        else:
            what = "; ".join(_or([f"{name} ({', '.join(f'«{w}»' for w in words)})"
                                  for name, words in group], lang) for group in need)
            parts.append(f"For «{_table(table, 'en')}» ({table}) it lacks: {what}.")
    if lang == "ru":
        return " ".join([f"Не удалось понять, что за выгрузка. Найдены столбцы: "
                         f"{found or 'ни одного'}.", *parts,
                         "Переименуйте столбец или укажите профиль сопоставления (--profile)."])
    return " ".join([f"Could not tell what kind of export this is. Columns found: "
                     f"{found or 'none'}.", *parts,
                     "Rename the column, or choose a mapping profile (--profile)."])


_REFUSALS: dict[str, tuple[str | Callable, str | Callable]] = {
    "refusal_too_large": (_too_large, _too_large),
    "refusal_os": (
        lambda a, lang: f"{a['file']}: {_OS_REASONS.get(a['why'], _OS_REASONS[''])[0]}. "
                        "Проверьте файл и загрузите его ещё раз.",
        lambda a, lang: f"{a['file']}: {_OS_REASONS.get(a['why'], _OS_REASONS[''])[1]}. "
                        "Check the file and load it again."),
    "refusal_unreadable": (
        "{file}: файл не удалось прочитать. Файл не загружен. Сохраните отчёт заново как XLSX "
        "или CSV в UTF-8 и загрузите снова.",
        "{file}: the file could not be read and was not loaded. Save the report again as XLSX "
        "or as CSV in UTF-8 and load it again."),
    "refusal_empty": ("{file}: файл пуст. Выгрузите отчёт заново.",
                      "{file}: the file is empty. Export the report again."),
    "refusal_binary": (
        "{file}: это не текстовый файл (внутри двоичные данные). Сохраните отчёт как CSV или "
        "XLSX.",
        "{file}: this is not a text file (it holds binary data). Save the report as CSV or "
        "XLSX."),
    "refusal_no_header": (_no_header, _no_header),
    "refusal_skip_past_table": (_skip_past_table, _skip_past_table),
    "refusal_sheet_unprepared": (
        "{file}: таблицу из файла не удалось подготовить к загрузке. Сохраните отчёт заново как "
        "XLSX или CSV.",
        "{file}: the table in the file could not be made ready to load. Save the report again "
        "as XLSX or CSV."),
    "refusal_csv": (_csv_failure, _csv_failure),
    "refusal_too_wide": (_too_wide, _too_wide),
    "refusal_far_cell": (_far_cell, _far_cell),
    "refusal_excel_damaged": (
        "{file}: файл Excel повреждён или обрезан. Выгрузите отчёт заново или откройте его в "
        "Excel и сохраните как XLSX.",
        "{file}: the Excel file is damaged or cut short. Export the report again, or open it in "
        "Excel and save it as XLSX."),
    "refusal_zip_archive": (_zip_archive, _zip_archive),
    "refusal_zip_bomb": (_zip_bomb, _zip_bomb),
    "refusal_excel_unreadable": (
        "{file}: файл Excel повреждён или не читается. Откройте его в Excel и сохраните заново "
        "как XLSX.",
        "{file}: the Excel file is damaged or cannot be read. Open it in Excel and save it again "
        "as XLSX."),
    "refusal_sheet_unreadable": (
        "{file}: лист «{sheet}» не читается. Откройте файл в Excel и сохраните заново как XLSX.",
        "{file}: the sheet «{sheet}» cannot be read. Open the file in Excel and save it again as "
        "XLSX."),
    "refusal_html_unreadable": (
        "{file}: HTML-таблица не читается. Выгрузите отчёт заново (или в формате CSV).",
        "{file}: the HTML table cannot be read. Export the report again (or as CSV)."),
    "refusal_no_table": ("{file}: в файле нет таблицы. Выгрузите отчёт заново.",
                         "{file}: there is no table in the file. Export the report again."),
    "refusal_table_empty": ("{file}: таблица пуста. Выгрузите отчёт заново.",
                            "{file}: the table is empty. Export the report again."),
    "refusal_read_timeout": (
        "{file}: файл читается дольше {seconds:.0f} с и прерван. Разделите выгрузку по месяцам "
        "или сохраните её как CSV.",
        "{file}: reading the file took longer than {seconds:.0f} s and was stopped. Split the "
        "export by month or save it as CSV."),
    "refusal_reader_not_started": (
        "{file}: не удалось запустить чтение файла. Повторите загрузку.",
        "{file}: reading the file could not be started. Try the upload again."),
    "refusal_reader_failed": (
        "{file}: файл не удалось прочитать (сбой при чтении книги). Файл не прочитан, хранилище "
        "не изменилось. Откройте его в Excel, сохраните заново как XLSX (или выгрузите отчёт в "
        "CSV) и загрузите снова.",
        "{file}: the file could not be read (the workbook reader failed). The file was not read "
        "and the store has not changed. Open it in Excel, save it again as XLSX (or export the "
        "report as CSV) and load it again."),
    "refusal_out_of_memory": (_out_of_memory, _out_of_memory),
    "refusal_write_failed": (_write_failed, _write_failed),
    # a MappingError's message about the file named `file` (its own names no file)
    "refusal_in_file": (lambda a, lang: f"{a['file']}: {localized(a['message'], lang)}",
                        lambda a, lang: f"{a['file']}: {localized(a['message'], lang)}"),
    "refusal_missing_columns": (_missing_columns, _missing_columns),
    "refusal_all_lines_dropped": (_all_lines_dropped, _all_lines_dropped),
    "refusal_no_data": (
        "{file}: после заголовка нет ни одной строки данных.",
        "{file}: there are no data lines below the header. Check the report's period and "
        "filters and export it again."),
    "refusal_no_batch": (
        "Загрузки с номером {batch} нет. Список: python -m clinic_bi batches.",
        "There is no upload number {batch}. To list the uploads: python -m clinic_bi batches."),
    # mapping.py: the kind of a file, and a profile
    "refusal_unknown_kind": (_unknown_kind, _unknown_kind),
    "refusal_ambiguous_kind": (
        lambda a, lang: f"Выгрузка подходит и под «{_table(a['first'], 'ru')}», и под "
                        f"«{_table(a['second'], 'ru')}». Укажите профиль (--profile) или назовите "
                        "файл по его содержимому (например, «услуги.csv», «лиды.csv»).",
        lambda a, lang: f"The export fits both «{_table(a['first'], 'en')}» and "
                        f"«{_table(a['second'], 'en')}». Choose a profile (--profile) or name the "
                        "file after what it holds (for example, «services.csv», «leads.csv»)."),
    "refusal_profile_table": (
        lambda a, lang: f"Профиль «{a['name']}»: неизвестная таблица {a['table']}; допустимы: "
                        f"{', '.join(a['allowed'])}.",
        lambda a, lang: f"Profile «{a['name']}»: unknown table {a['table']}; the tables are "
                        f"{', '.join(a['allowed'])}."),
    "refusal_profile_columns": (
        "Профиль «{name}»: столбцы {bad} не относятся к таблице {table}.",
        "Profile «{name}»: the columns {bad} are not columns of the table {table}."),
    "refusal_profile_unreadable": (
        "Профиль {path}: не удалось прочитать ({detail}).",
        "The profile {path} could not be read ({detail})."),
    "refusal_profile_column_absent": (
        lambda a, lang: f"Профиль «{a['name']}» ждёт столбец «{a['header']}», а в файле его нет. "
                        f"Найдены: {headers_found(a['found'], a['more'], lang)}. Выберите другой "
                        "профиль или обновите этот.",
        lambda a, lang: f"The profile «{a['name']}» expects a column «{a['header']}», but the file "
                        "has no such column. Found: "
                        f"{headers_found(a['found'], a['more'], lang) or 'none'}. Choose another "
                        "profile or update this one."),
}


# --- refusals: a word choice not saved (clinic_bi/ingest/word_choices.py) ---------------------

_CHOICES: dict[str, tuple[str | Callable, str | Callable]] = {
    "choice_field": (
        lambda a, lang: f"Поле «{a['field']}» не сопоставляется: допустимы "
                        f"{', '.join(a['allowed'])}.",
        lambda a, lang: f"The field «{a['field']}» has no mapping: the fields are "
                        f"{', '.join(a['allowed'])}."),
    "choice_empty_word": ("Пустое слово сопоставлять не с чем.",
                          "An empty word cannot be mapped."),
    "choice_not_a_value": (
        lambda a, lang: f"«{a['canonical']}» — не значение поля {a['field']}: допустимы "
                        f"{', '.join(a['allowed'])}.",
        lambda a, lang: f"«{a['canonical']}» is not a value of the field {a['field']}: the values "
                        f"are {', '.join(a['allowed'])}."),
    "choice_no_channel": ("Укажите канал, с которым объединить.",
                          "Choose the channel to merge it with."),
}

_MESSAGES.update(_REFUSALS)
_MESSAGES.update(_CHOICES)
