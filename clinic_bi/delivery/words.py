"""The words of `python -m clinic_bi send`: the letter's subject and body, what the command
prints, and the reason of every refusal, in Russian and English (key → (ru, en)).

Figures keep their names in clinic_bi/present/figures.py and the text report's words stay in
clinic_bi/present/words.py ("Что изменилось" is `report_changes` there); only the words of the
letter and of the delivery live here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clinic_bi import fmt

# A calendar month in full, as a title names it: «за ноябрь 2026» (the accusative of a month's
# name is its nominative: every month is masculine and inanimate) / "for November 2026".
# fmt.month has the short forms only ('ноя 2026'); this belongs there once a second user needs it.
MONTHS: tuple[tuple[str, str], ...] = (
    ("январь", "January"), ("февраль", "February"), ("март", "March"), ("апрель", "April"),
    ("май", "May"), ("июнь", "June"), ("июль", "July"), ("август", "August"),
    ("сентябрь", "September"), ("октябрь", "October"), ("ноябрь", "November"),
    ("декабрь", "December"),
)  # fmt: skip

_SETTINGS_HINT = (
    "переменная окружения {name} или «{key}» в разделе [smtp] файла .streamlit/secrets.toml",
    'the environment variable {name} or "{key}" in the [smtp] section of .streamlit/secrets.toml',
)
_NOTHING_SENT = (
    "Ничего не отправлено; следующий запуск попробует снова.",
    "Nothing was sent; the next run tries again.",
)

WORDS: dict[str, tuple[str, str]] = {
    # -- the letter --------------------------------------------------------------------------
    "subject": ("Отчёт клиники за {month}", "Clinic report for {month}"),
    "intro": (
        "Отчёт клиники за {month} ({start} — {end}), данные по {data_end}.",
        "Clinic report for {month} ({start} — {end}), data up to {data_end}.",
    ),
    "figure_line": ("{name}: {value}", "{name}: {value}"),
    "figure_change": ("{change} к прошлому периоду", "{change} on the previous period"),
    "attached": ("Во вложении: {files}.", "Attached: {files}."),
    "footer": (
        "Письмо отправлено программой clinic_bi (python -m clinic_bi send).",
        "Sent by clinic_bi (python -m clinic_bi send).",
    ),
    # -- what the command prints -------------------------------------------------------------
    "sent": (
        "Отчёт за {month} отправлен: {recipients} ({files}).",
        "The report for {month} was sent to {recipients} ({files}).",
    ),
    "already_sent": (
        "Отчёт за {month} уже отправлен {sent_at} на {recipients}. Отправить ещё раз: --force.",
        "The report for {month} was already sent on {sent_at} to {recipients}. To send it "
        "again: --force.",
    ),
    "not_yet": (
        "Данные по {data_end}: отчёт за {month} будет отправлен, когда загрузятся данные до "
        "{month_end}.",
        "Data up to {data_end}: the report for {month} will be sent once data up to {month_end} "
        "are loaded.",
    ),
    "no_data": (
        "В хранилище ещё нет услуг: отчёт за {month} будет отправлен, когда загрузятся данные "
        "до {month_end}.",
        "The store holds no services yet: the report for {month} will be sent once data up to "
        "{month_end} are loaded.",
    ),
    "not_logged": (
        "Отчёт за {month} отправлен на {recipients}, но отметка об отправке не записана в "
        "хранилище ({reason}): следующий запуск отправит его ещё раз.",
        "The report for {month} was sent to {recipients}, but the store did not take the note "
        "that it was ({reason}): the next run will send it again.",
    ),
    # -- refusals of the command line ---------------------------------------------------------
    "bad_format": (
        "--format: «{value}» — не формат отчёта; можно {choices} (через запятую).",
        '--format: "{value}" is not a report format; use {choices} (comma-separated).',
    ),
    "bad_address": (
        "--to: «{value}» — не адрес электронной почты (нужен вид имя@домен, латиницей; "
        "домен на кириллице — в виде xn--…).",
        '--to: "{value}" is not an e-mail address (name@domain, in Latin letters; a Cyrillic '
        "domain in its xn--… form).",
    ),
    # -- refusals of the settings -------------------------------------------------------------
    "missing_setting": (
        "Не задана настройка почты {name}: нужна " + _SETTINGS_HINT[0] + ". " + _NOTHING_SENT[0],
        "The mail setting {name} is not set: use " + _SETTINGS_HINT[1] + ". " + _NOTHING_SENT[1],
    ),
    "missing_from": (
        "Не задан адрес отправителя {name} (имя пользователя {user} — не адрес): нужна "
        + _SETTINGS_HINT[0] + ". " + _NOTHING_SENT[0],
        "The sender's address {name} is not set (the user name {user} is not an address): use "
        + _SETTINGS_HINT[1] + ". " + _NOTHING_SENT[1],
    ),
    "bad_port": (
        "{name}: «{value}» — не номер порта (целое от 1 до 65535).",
        '{name}: "{value}" is not a port number (a whole number from 1 to 65535).',
    ),
    "bad_security": (
        "{name}: «{value}» — можно ssl, starttls или none.",
        '{name}: "{value}": use ssl, starttls or none.',
    ),
    "bad_sender": (
        "{name}: «{value}» — не адрес электронной почты.",
        '{name}: "{value}" is not an e-mail address.',
    ),
    "none_not_local": (
        "{name}=none (письмо и пароль без шифрования) допустимо только для почтового сервера на "
        "этом компьютере (localhost), а сервер — {host}: укажите ssl или starttls. "
        + _NOTHING_SENT[0],
        "{name}=none (the letter and the password unencrypted) is allowed only for a mail server "
        "on this computer (localhost), and the server is {host}: use ssl or starttls. "
        + _NOTHING_SENT[1],
    ),
    "bad_secrets": (
        "Файл {path} не читается ({reason}): исправьте его или задайте настройки почты "
        "переменными окружения CLINIC_BI_SMTP_*.",
        "The file {path} cannot be read ({reason}): fix it or give the mail settings as "
        "CLINIC_BI_SMTP_* environment variables.",
    ),
    "bad_secrets_section": (
        "Файл {path}: [smtp] должен быть разделом с полями host, port, user, password, from, "
        "security.",
        "The file {path}: [smtp] must be a section with the fields host, port, user, password, "
        "from, security.",
    ),
    # -- refusals of the mail server ----------------------------------------------------------
    "connect_failed": (
        "Не удалось соединиться с почтовым сервером {host}:{port} ({reason}). " + _NOTHING_SENT[0],
        "Could not connect to the mail server {host}:{port} ({reason}). " + _NOTHING_SENT[1],
    ),
    "connection_lost": (
        "Соединение с почтовым сервером {host}:{port} прервалось ({reason}). " + _NOTHING_SENT[0],
        "The connection to the mail server {host}:{port} broke off ({reason}). "
        + _NOTHING_SENT[1],
    ),
    "tls_failed": (
        "Защищённое соединение с {host}:{port} не установлено ({reason}): проверьте "
        "CLINIC_BI_SMTP_SECURITY (ssl — обычно порт 465, starttls — 587). " + _NOTHING_SENT[0],
        "No secure connection to {host}:{port} ({reason}): check CLINIC_BI_SMTP_SECURITY (ssl is "
        "usually port 465, starttls 587). " + _NOTHING_SENT[1],
    ),
    "starttls_unsupported": (
        "Почтовый сервер {host}:{port} не поддерживает STARTTLS: укажите "
        "CLINIC_BI_SMTP_SECURITY=ssl (обычно с портом 465). " + _NOTHING_SENT[0],
        "The mail server {host}:{port} does not offer STARTTLS: set CLINIC_BI_SMTP_SECURITY=ssl "
        "(usually with port 465). " + _NOTHING_SENT[1],
    ),
    "auth_unsupported": (
        "Почтовый сервер {host} не предлагает вход (AUTH), а задан пользователь {user}: уберите "
        "CLINIC_BI_SMTP_USER или проверьте адрес и порт сервера. " + _NOTHING_SENT[0],
        "The mail server {host} offers no login (AUTH), and the user {user} is set: remove "
        "CLINIC_BI_SMTP_USER or check the server's address and port. " + _NOTHING_SENT[1],
    ),
    "auth_failed": (
        "Почтовый сервер {host} не принял вход пользователя {user} ({reason}): проверьте "
        "CLINIC_BI_SMTP_USER и CLINIC_BI_SMTP_PASSWORD. " + _NOTHING_SENT[0],
        "The mail server {host} refused the login of {user} ({reason}): check "
        "CLINIC_BI_SMTP_USER and CLINIC_BI_SMTP_PASSWORD. " + _NOTHING_SENT[1],
    ),
    "sender_refused": (
        "Почтовый сервер {host} не принял отправителя {sender} ({reason}): проверьте "
        "CLINIC_BI_SMTP_FROM. " + _NOTHING_SENT[0],
        "The mail server {host} refused the sender {sender} ({reason}): check "
        "CLINIC_BI_SMTP_FROM. " + _NOTHING_SENT[1],
    ),
    "recipients_refused": (
        "Почтовый сервер {host} не принял получателей: {refused}. Письмо не отправлено никому; "
        "следующий запуск попробует снова.",
        "The mail server {host} refused the recipients: {refused}. The letter went to nobody; "
        "the next run tries again.",
    ),
    "message_refused": (
        "Почтовый сервер {host} не принял письмо ({reason}). " + _NOTHING_SENT[0],
        "The mail server {host} refused the letter ({reason}). " + _NOTHING_SENT[1],
    ),
}


def t(key: str, lang: str, /, **kwargs: Any) -> str:
    """A phrase in `lang` ("ru" / "en"), its fields filled in by fmt.phrase."""
    ru, en = WORDS[key]
    return fmt.phrase(ru if lang == "ru" else en, lang, **kwargs)


def month_name(day: date, lang: str) -> str:
    """The month of `day` in full: 'ноябрь 2026' / 'November 2026'."""
    ru, en = MONTHS[day.month - 1]
    return f"{ru if lang == 'ru' else en} {day.year}"


def moment(value: Any, lang: str) -> str:
    """A moment to the minute: '05.12.2026 09:30' (ru), '2026-12-05 09:30' (en)."""
    return f"{fmt.day(value, lang)} {value:%H:%M}"
