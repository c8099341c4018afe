"""Status and stage words → canonical values (DATA.md defaults; a profile adds its own words).

Words are compared after `norm_word` (queries/ingest/_macros.sql): case, `ё`, punctuation and
extra spaces do not matter.
"""

from __future__ import annotations

STAGE_CANONICAL = ("new", "booked", "visited", "contracted", "lost")
STATUS_CANONICAL = ("attended", "no_show", "cancelled", "planned")

DEFAULT_VALUES: dict[str, dict[str, list[str]]] = {
    "stage": {
        "new": ["Не обработан", "Новая заявка", "Новый", "Новая", "В работе", "Обработан",
                "Перезвонить", "Обработка", "Квалификация", "Ожидает звонка",
                # Bitrix24 status and stage codes
                "NEW", "IN_PROCESS", "PROCESSED", "PREPARATION", "UC_NEW"],
        "booked": ["Записан", "Записан на приём", "Запись", "Назначен приём", "Записана",
                   "Записался", "Записалась", "Записан на консультацию", "Запись на приём",
                   "Назначена консультация", "CONVERTED", "PREPAYMENT_INVOICE",
                   # Bitrix24's own name of its CONVERTED lead status
                   "Качественный лид"],
        "visited": ["Пришёл", "Пришёл на приём", "Был на приёме", "Первичный приём проведён",
                    "Пришла", "Пришла на приём", "Была на приёме", "Визит состоялся",
                    "Консультация проведена", "EXECUTING", "FINAL_INVOICE"],
        "contracted": ["Договор", "Договор заключён", "План лечения согласован", "Оплачен",
                       "Сделка успешна", "Успешно", "Успешная", "Оплачено", "Лечение начато",
                       "WON"],
        "lost": ["Отказ", "Некачественный лид", "Сделка провалена", "Не дозвонились", "Дубль",
                 "Спам", "Отказался", "Отказалась", "Провалена", "Закрыт", "Не целевой",
                 "Нецелевой", "JUNK", "LOSE", "LOST"],
    },
    "status": {
        "attended": ["Пришёл", "Принят", "Завершён", "Визит состоялся", "Completed", "Пришла",
                     "Принята", "Завершено", "Завершен", "Состоялся", "Обслужен", "Выполнен",
                     "Приём завершён", "Был", "Была", "attended", "complete", "done"],
        "no_show": ["Не пришёл", "Неявка", "No-show", "Не пришла", "Не явился", "Не явилась",
                    "no show", "noshow", "missed", "broken"],
        "cancelled": ["Отменён", "Отмена", "Перенесён", "Отменена", "Отменено", "Перенесена",
                      "Перенос", "Отменил", "Отменила", "cancelled", "canceled", "rescheduled"],
        "planned": ["Запланирован", "Запланирована", "Ожидается", "Записан", "Записана",
                    "Подтверждён", "Подтверждена", "Подтвержден", "Назначен", "Назначена",
                    "Ожидает", "planned", "scheduled", "confirmed", "booked"],
    },
}


def value_map_rows(profile_values: dict[str, dict[str, str]] | None) -> list[tuple]:
    """(field, word, canonical, priority) rows; the profile's words outrank the defaults."""
    rows: list[tuple] = []
    for field_name, groups in DEFAULT_VALUES.items():
        for canonical, words in groups.items():
            rows.extend((field_name, w, canonical, 0) for w in words + [canonical])
    for field_name, words in (profile_values or {}).items():
        if field_name in ("status", "stage"):
            rows.extend((field_name, w, c, 1) for w, c in words.items())
    return rows
