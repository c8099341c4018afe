"""How figures are shown: money, ratios, counts and dates, the Russian way and the English way.

Shared by the text report and the web pages, so "32,9 млн ₽" reads the same everywhere.
Values are only rounded here, at display time (METRICS.md: rounding happens only when a value
is shown). None, NaN and infinities are shown as a dash: a ratio without a denominator.

    money(32_912_000)        -> '32,9 млн ₽'        money(32_912_000, "en") -> '32.9M ₽'
    money(58_900)            -> '58 900 ₽'          money(58_900, "en")     -> '58,900 ₽'
    percent(0.4743)          -> '47,4 %'            percent(0.4743, "en")   -> '47.4%'

Groups of thousands are separated by a plain space by default; `nbsp=True` gives a no-break
space (U+00A0) for HTML, where "58 900 ₽" must not wrap.

A count before its noun is written in one place, with the noun in the form its number takes:

    count_ru(22, "врач", "врача", "врачей") -> '22 врача'   count_en(1, "file", "files") -> '1 file'
    phrase("Ещё {n:врач|врача|врачей}", "ru", n=21) -> 'Ещё 21 врач'  (the word tables' phrases)
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "—"
NBSP = "\u00a0"

_MONTHS_RU = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def is_missing(value: Any) -> bool:
    """No value to show: None, NaN or infinite (shown as a dash)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _round(value: Any, digits: int) -> Decimal:
    """Half away from zero, on the decimal text of the value (58.85 -> 58.9, never 58.8)."""
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, digits: int, lang: str, nbsp: bool) -> str:
    text = f"{abs(value):,.{digits}f}"
    if lang == "ru":
        space = NBSP if nbsp else " "
        text = text.replace(",", space).replace(".", ",")
    return ("-" if value < 0 else "") + text


def _check_lang(lang: str) -> str:
    if lang not in ("ru", "en"):
        raise ValueError(f"lang must be 'ru' or 'en', not {lang!r}")
    return lang


def number(value: Any, lang: str = "ru", digits: int = 0, nbsp: bool = False) -> str:
    """A plain number: number(1234) -> '1 234'; number(4.25, digits=1) -> '4,3'."""
    _check_lang(lang)
    if is_missing(value):
        return DASH
    return _grouped(_round(value, digits), digits, lang, nbsp)


def money(
    value: Any,
    lang: str = "ru",
    currency: str = "₽",
    compact: bool = True,
    nbsp: bool = False,
) -> str:
    """Whole roubles below a million; from a million on (when compact) millions or billions
    with one decimal: '58 900 ₽', '32,9 млн ₽', '1,2 млрд ₽' / '58,900 ₽', '32.9M ₽'."""
    _check_lang(lang)
    if is_missing(value):
        return DASH
    space = NBSP if nbsp else " "
    amount = Decimal(str(value))
    if compact:
        for scale, ru_word, en_word in ((9, "млрд", "B"), (6, "млн", "M")):
            scaled = _round(amount.scaleb(-scale), 1)
            if abs(scaled) >= 1 and (scale == 9 or abs(scaled) < 1000):
                text = _grouped(scaled, 1, lang, nbsp)
                if lang == "ru":
                    return f"{text}{space}{ru_word}{space}{currency}"
                return f"{text}{en_word}{space}{currency}"
    return f"{_grouped(_round(amount, 0), 0, lang, nbsp)}{space}{currency}"


def percent(value: Any, lang: str = "ru", digits: int = 1, nbsp: bool = False) -> str:
    """A ratio given as a fraction: percent(0.4743) -> '47,4 %' (ru), '47.4%' (en)."""
    _check_lang(lang)
    if is_missing(value):
        return DASH
    text = _grouped(_round(Decimal(str(value)) * 100, digits), digits, lang, nbsp)
    if lang == "ru":
        return f"{text}{NBSP if nbsp else ' '}%"
    return f"{text}%"


def minutes(value: Any, lang: str = "ru", nbsp: bool = False) -> str:
    """minutes(8.33) -> '8,3 мин' / '8.3 min'."""
    if is_missing(value):
        return DASH
    space = NBSP if nbsp else " "
    return f"{number(value, lang, 1, nbsp)}{space}{'мин' if lang == 'ru' else 'min'}"


def day(value: date | datetime | str | None, lang: str = "ru") -> str:
    """A calendar day: '20.12.2025' (ru), '2025-12-20' (en)."""
    _check_lang(lang)
    if value is None:
        return DASH
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if lang == "ru" else value.isoformat()


def month(value: date | datetime | str | None, lang: str = "ru") -> str:
    """A calendar month: 'янв 2025' (ru), 'Jan 2025' (en); accepts '2025-01' too."""
    _check_lang(lang)
    if value is None:
        return DASH
    if isinstance(value, str):
        value = date.fromisoformat(value[:7] + "-01")
    names = _MONTHS_RU if lang == "ru" else _MONTHS_EN
    return f"{names[value.month - 1]} {value.year}"


def weekday(iso_weekday: int, lang: str = "ru") -> str:
    """ISO weekday number (1 = Monday) as a short name: 'пн' / 'Mon'."""
    _check_lang(lang)
    names = _WEEKDAYS_RU if lang == "ru" else _WEEKDAYS_EN
    return names[int(iso_weekday) - 1]


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for n: 1 столбец, 2 столбца, 5 столбцов, 11 столбцов, 21 столбец."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# -- a count before its noun: the one way every layer writes "22 врача" / "22 doctors" ----------


def count_ru(n: int, one: str, few: str, many: str, nbsp: bool = False) -> str:
    """A whole number with its noun: count_ru(22, "врач", "врача", "врачей") -> '22 врача',
    count_ru(8924, "строка", "строки", "строк") -> '8 924 строки'. The forms are those after
    1, 2 and 5 in the case the sentence needs ("ещё 1 врач" / "данные 1 врача")."""
    space = NBSP if nbsp else " "
    if is_missing(n):
        return f"{DASH}{space}{many}"
    return f"{number(n, 'ru', nbsp=nbsp)}{space}{plural_ru(n, one, few, many)}"


def count_en(n: int, one: str, many: str, nbsp: bool = False) -> str:
    """count_en(1, "file", "files") -> '1 file'; count_en(1234, ...) -> '1,234 files'."""
    space = NBSP if nbsp else " "
    if is_missing(n):
        return f"{DASH}{space}{many}"
    return f"{number(n, 'en', nbsp=nbsp)}{space}{one if abs(int(n)) == 1 else many}"


def count(n: int, lang: str, ru: Sequence[str], en: Sequence[str], nbsp: bool = False) -> str:
    """count(9, lang, ("файл", "файла", "файлов"), ("file", "files")) -> '9 файлов' / '9 files'."""
    if _check_lang(lang) == "ru":
        return count_ru(n, *ru, nbsp=nbsp)
    return count_en(n, *en, nbsp=nbsp)


class _Phrase(string.Formatter):
    """str.format, plus a count field: "{n:врач|врача|врачей}" (three Russian forms) or
    "{n:doctor|doctors}" (two English ones) is written by count_ru / count_en."""

    def __init__(self, lang: str) -> None:
        self.lang = _check_lang(lang)

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        forms = format_spec.split("|")
        if len(forms) != (3 if self.lang == "ru" else 2):
            raise ValueError(f"a {self.lang} count needs {3 if self.lang == 'ru' else 2} "
                             f"forms, not {format_spec!r}")
        if self.lang == "ru":
            return count_ru(value, *forms)
        return count_en(value, *forms)


def phrase(text: str, lang: str, **kwargs: Any) -> str:
    """A phrase of the word tables filled in: str.format, where a field with forms is a count,
    "Ещё {n:врач|врача|врачей} без подписи" -> 'Ещё 21 врач без подписи' (Russian: the forms
    after 1, 2 and 5) and "{n:doctor|doctors} more" -> '1 doctor more' (English: 1, other)."""
    return _Phrase(lang).format(text, **kwargs)
