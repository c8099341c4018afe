"""`python -m clinic_bi send`: last month's owner's report by e-mail (issue 16), for cron, a
systemd timer or Windows Task Scheduler to run every day (README "Sending the report").

What it decides, and why:

- **The period is the calendar's.** `last_month` is the month before today's month
  (`datetime.date.today()`, the computer's clock), not the month before the last day of data as
  `report --period last_month` counts it: a run on 3 December reports on November, whatever
  the store holds.
- **Nothing is sent before the month's data are in.** While the store's last day of data
  (`Engine.facts().data_end`, the last day with a service) is before the month's last day,
  nothing is sent: the command says which day the data reach and exits 3, and the next
  scheduled run tries again. A month on whose last day the clinic saw nobody counts as
  complete only once a later day's data arrive — a day late rather than a month short.
- **Once per period and recipients.** The store's send log (delivery/log.py) keys a sent
  report by (period, sorted recipients): a second run says when it went and to whom, and exits
  0; `--force` sends again (and logs it). Other recipients get their own letter.
- **Logged only once the server has accepted the letter.** Any failure — a missing or wrong
  setting, no connection, TLS, the login, a refused recipient (then nobody gets it: mail.py) —
  prints the reason in the user's language (no traceback), logs nothing and exits 1, so the next
  run retries.
- **A busy store is waited for, as `ingest` waits.** DuckDB lets one process write: reading the
  log and the data wait for another process's lock (a load from the app), saying so on stderr
  ($CLINIC_BI_LOCK_WAIT, 120 s). Writing the log after the letter has gone waits at least
  RECORD_WAIT_SECONDS, as giving up there means the next run sends the letter a second time; if
  even that fails, exit 4 says so.
- Two runs started at the same moment are not kept apart (each may send before the other logs):
  schedule one.

Exit codes: 0 sent or already sent; 1 not sent (the reason is printed); 2 bad arguments, or the
store cannot be read; 3 the month's data are not complete yet; 4 sent, but the log could not be
written (the next run sends it again).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from clinic_bi import fmt, store
from clinic_bi.delivery import log, mail, words
from clinic_bi.delivery.errors import DeliveryError
from clinic_bi.delivery.settings import SmtpSettings, is_address, smtp_settings
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import default_db_path
from clinic_bi.periods import preset_range
from clinic_bi.present import report_files

# The periods `send --period` knows: today -> (first day, last day).
PERIODS: dict[str, Callable[[date], tuple[date, date]]] = {
    "last_month": lambda today: preset_range("last_month", today),
}
RECORD_WAIT_SECONDS = 600.0


def _today() -> date:
    """Today by the computer's clock (tests replace it)."""
    return date.today()


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_recipients(values: Iterable[str]) -> tuple[str, ...]:
    """The --to addresses (each option may hold several, comma-separated), each once in the
    order given; DeliveryError for one that is not an address."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            address = part.strip()
            if not is_address(address):
                raise DeliveryError("bad_address", value=part.strip())
            if address.lower() not in (a.lower() for a in out):
                out.append(address)
    if not out:
        raise DeliveryError("bad_address", value="")
    return tuple(out)


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf', 'pdf,xlsx' -> the formats, each once in the order given."""
    out: list[str] = []
    for part in text.split(","):
        kind = part.strip().lower()
        if kind not in report_files.FORMATS:
            raise DeliveryError("bad_format", value=part.strip(),
                                choices=", ".join(report_files.FORMATS))  # fmt: skip
        if kind not in out:
            out.append(kind)
    return tuple(out)


def run_send(
    args: argparse.Namespace,
    *,
    today: date | None = None,
    environ: Mapping[str, str] | None = None,
    secrets_files: Sequence[Path] | None = None,
) -> int:
    """`send` with parsed arguments (recipients, formats, period, lang, force, db); returns the
    exit code of the module doc. `today`, `environ` (os.environ) and `secrets_files`
    (settings.secrets_files()) are there for tests."""
    lang = getattr(args, "lang", None) or "ru"
    try:
        recipients = parse_recipients(getattr(args, "recipients", None) or [])
        formats = parse_formats(getattr(args, "formats", None) or "pdf")
    except DeliveryError as exc:
        print(f"send: {exc.text(lang)}", file=sys.stderr)
        return 2
    period = getattr(args, "period", None) or "last_month"
    period_from, period_to = PERIODS[period](today or _today())
    db = Path(args.db) if getattr(args, "db", None) else default_db_path()
    try:
        settings = smtp_settings(environ, secrets_files)
    except DeliveryError as exc:
        print(f"send: {exc.text(lang)}", file=sys.stderr)
        return 1
    try:
        return _deliver(db, settings, recipients, formats, period_from, period_to, lang,
                        force=bool(getattr(args, "force", False)))  # fmt: skip
    except store.StoreError as exc:
        print(f"send: {exc}", file=sys.stderr)
        return 2


def _deliver(
    db: Path,
    settings: SmtpSettings,
    recipients: tuple[str, ...],
    formats: tuple[str, ...],
    period_from: date,
    period_to: date,
    lang: str,
    *,
    force: bool,
) -> int:
    month = words.month_name(period_from, lang)
    if not force:
        done = log.find(log.send_log(db, on_wait=_say_waiting), period_from, period_to,
                        recipients)  # fmt: skip
        if done is not None:
            print(words.t("already_sent", lang, month=month,
                          sent_at=words.moment(done.sent_at.astimezone(), lang),
                          recipients=", ".join(done.recipients)))  # fmt: skip
            return 0
    filters = Filters(period_from, period_to)
    with Engine(db) as engine, engine.snapshot():
        data_end = engine.facts().data_end
        if data_end is None or data_end < period_to:
            key = "no_data" if data_end is None else "not_yet"
            text = words.t(key, lang, month=month, data_end=fmt.day(data_end, lang),
                           month_end=fmt.day(period_to, lang))  # fmt: skip
            print(f"send: {text}", file=sys.stderr)
            return 3
        report = report_files.owner_report(engine, filters, lang)
    sentences = (report.get("changes") or {}).get("top") or []  # Обзор's three
    attachments = [
        mail.Attachment(report_files.file_name(filters, kind, lang), kind,
                        report_files.render(report, filters, kind, lang))
        for kind in formats
    ]  # fmt: skip
    now = datetime.now().astimezone()
    message = mail.compose(report, sentences, attachments, lang, settings.sender, recipients,
                           now)  # fmt: skip
    try:
        mail.transmit(settings, message, recipients)
    except DeliveryError as exc:
        print(f"send: {exc.text(lang)}", file=sys.stderr)
        return 1
    entry = log.Sent(period_from=period_from, period_to=period_to,
                     recipients=tuple(sorted(recipients, key=str.lower)), formats=formats,
                     sent_at=now, message_id=str(message["Message-ID"]))  # fmt: skip
    shown = ", ".join(recipients)
    try:
        log.record(db, entry, on_wait=_say_waiting,
                   wait_seconds=max(store.lock_wait_seconds(), RECORD_WAIT_SECONDS))
    except store.StoreError as exc:
        text = words.t("not_logged", lang, month=month, recipients=shown, reason=exc)
        print(f"send: {text}", file=sys.stderr)
        return 4
    print(words.t("sent", lang, month=month, recipients=shown,
                  files=", ".join(a.name for a in attachments)))  # fmt: skip
    return 0
