"""What a load says to the user, in both languages (issue 12, item 12): the reasons a line was
rejected or loaded with a warning, the file's notes and how the file was read.

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
from clinic_bi.tables import field_label


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
    if lang == "ru":
        return f"в {fmt.number(n, 'ru')} {fmt.plural_ru(n, 'строке', 'строках', 'строках')}"
    return f"in {fmt.number(n, 'en')} {'line' if n == 1 else 'lines'}"


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


def _lines(n: int, lang: str) -> str:
    """"3 строки" / "3 lines"."""
    if lang == "ru":
        return f"{fmt.number(n, 'ru')} {fmt.plural_ru(n, 'строка', 'строки', 'строк')}"
    return f"{fmt.number(n, 'en')} {'line' if n == 1 else 'lines'}"


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
