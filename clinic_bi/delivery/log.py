"""The send log: which report went to whom, kept in the store's `meta` table as one JSON list
under the key 'send_log' (as store/call_settings.py keeps its settings), so it travels with the
store's backups and needs no change of the schema.

Each entry: period_from, period_to ('YYYY-MM-DD'), recipients (sorted), formats, sent_at (local
time with its offset, ISO 8601), message_id. A report counts as sent for (period, recipients):
the same period to the same people is not sent twice (`find`); another set of recipients gets
its own letter. An entry is written only after the mail server accepted the letter (`record`).

A store without the key has an empty log; an entry this version cannot read is skipped, never
an error (the page and the command keep working).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from clinic_bi import store
from clinic_bi.store import transaction

KEY = "send_log"


@dataclass(frozen=True)
class Sent:
    period_from: date
    period_to: date
    recipients: tuple[str, ...]
    formats: tuple[str, ...]
    sent_at: datetime
    message_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "recipients": list(self.recipients),
            "formats": list(self.formats),
            "sent_at": self.sent_at.isoformat(timespec="seconds"),
            "message_id": self.message_id,
        }

    @classmethod
    def from_json(cls, raw: Any) -> Sent:
        """An entry from its JSON object; ValueError (KeyError, TypeError) when it is not one."""
        return cls(
            period_from=date.fromisoformat(raw["period_from"]),
            period_to=date.fromisoformat(raw["period_to"]),
            recipients=_strings(raw["recipients"]),
            formats=_strings(raw["formats"]),
            sent_at=datetime.fromisoformat(raw["sent_at"]),
            message_id=str(raw["message_id"]),
        )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"not a list of strings: {value!r}")
    return tuple(value)


def recipients_key(recipients: Iterable[str]) -> tuple[str, ...]:
    """The recipients as the log compares them: each once, sorted, letters in one case."""
    return tuple(sorted({r.strip().lower() for r in recipients}))


def _raw_log(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """The log's JSON items as stored ([] without the key or when it is not a JSON list)."""
    rows = con.execute("select value from meta where key = $key", {"key": KEY}).fetchall()
    if not rows:
        return []
    try:
        raw = json.loads(rows[0][0])
    except ValueError:
        return []
    return raw if isinstance(raw, list) else []


def read_log(con: duckdb.DuckDBPyConnection) -> list[Sent]:
    """The entries of the store `con` is open on, oldest first."""
    entries = []
    for item in _raw_log(con):
        try:
            entries.append(Sent.from_json(item))
        except (KeyError, TypeError, ValueError):
            continue
    return entries


def send_log(
    path: Path | str, on_wait: Callable[[str], None] | None = None
) -> list[Sent]:
    """The store's send log, oldest first ([] without a store). Opens the store read-only,
    waiting while another process writes to it (store.connect)."""
    path = Path(path)
    if not path.exists():
        return []
    con = store.connect(path, read_only=True, on_wait=on_wait)
    try:
        return read_log(con)
    finally:
        con.close()


def find(
    entries: Sequence[Sent], period_from: date, period_to: date, recipients: Iterable[str]
) -> Sent | None:
    """The latest entry of this period to these recipients, or None."""
    key = recipients_key(recipients)
    found = [e for e in entries if (e.period_from, e.period_to) == (period_from, period_to)
             and recipients_key(e.recipients) == key]  # fmt: skip
    return max(found, key=lambda e: e.sent_at) if found else None


def record(
    path: Path | str,
    entry: Sent,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float | None = None,
) -> None:
    """Append `entry` to the store's log in one transaction (the log is read inside it, so two
    writers never drop each other's entries; items this version cannot read are kept as they
    are). Waits for another process's lock like every writer
    (store.connect: `wait_seconds`, telling `on_wait`), then StoreLocked."""
    con = store.connect(path, wait_seconds=wait_seconds, on_wait=on_wait)
    try:
        with transaction(con):
            entries = [*_raw_log(con), entry.to_json()]
            text = json.dumps(entries, ensure_ascii=False)
            con.execute("delete from meta where key = $key", {"key": KEY})
            con.execute("insert into meta values ($key, $value)", {"key": KEY, "value": text})
    finally:
        con.close()
