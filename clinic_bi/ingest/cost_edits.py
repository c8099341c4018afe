"""The doctors' pay rules and the fixed costs as edited in the Рентабельность page's tables.

An edit is written as the file a manager would have uploaded: the changed rows as a small CSV
with the headers of DATA.md, loaded by the normal ingest (clinic_bi/ingest/loader.py) in one
transaction. So every rule of a file holds for a page edit too — the same reading of «30 %»,
the same rejections with reasons, the keys by identity (a changed rate replaces the rule it
changes), one batch of the journal per save, and removing that batch on Данные puts the earlier
rows back. A row deleted in the table is written as the row that cancels it: a pay rule as
«не действует» from the same date (DATA.md "pay_rules": the next level applies), a fixed cost
as 0 ₽ for its month and item.

The frames the page edits have plain columns: pay rules `doctor, department, role, valid_from,
basis, rate` (rate in per cent for the % bases: 30 means 30 %, rubles for hour and month), fixed
costs `item, department, branch, amount` of one month.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from clinic_bi.ingest import loader
from clinic_bi.ingest.mapping import Profile
from clinic_bi.paths import open_private

PAY_COLUMNS: tuple[str, ...] = ("doctor", "department", "role", "valid_from", "basis", "rate")
FIXED_COLUMNS: tuple[str, ...] = ("item", "department", "branch", "amount")
PAY_BASES: tuple[str, ...] = ("revenue", "after_materials", "hour", "month")
PERCENT_BASES: tuple[str, ...] = ("revenue", "after_materials")
ROLES: tuple[str, ...] = ("doctor", "assistant")

# The CSV the edit is written as: DATA.md's Russian headers and words.
_PAY_HEADERS = {"doctor": "Врач", "department": "Отделение", "role": "Роль",
                "valid_from": "Действует с", "basis": "Схема оплаты", "rate": "Ставка"}  # fmt: skip
_FIXED_HEADERS = {"month": "Месяц", "item": "Статья", "department": "Отделение",
                  "branch": "Филиал", "amount": "Сумма"}  # fmt: skip
_BASIS_WORDS = {"revenue": "% от выручки", "after_materials": "% после материалов",
                "hour": "в час", "month": "оклад", "none": "не действует"}  # fmt: skip
_ROLE_WORDS = {"doctor": "врач", "assistant": "ассистент"}
SAVED_HEADER = "Сохранено на странице"
# The journal's "file names" of the edits (the user who saved follows).
PAY_EDIT_NAME = "Рентабельность — ставки врачей, правка на странице"
FIXED_EDIT_NAME = "Рентабельность — постоянные расходы, правка на странице"


def _text(value: Any) -> str | None:
    """A cell as the ingest's clean_text keeps it: single spaces, trimmed; empty: None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _day(value: Any) -> date | str | None:
    """A date cell: a date, or the typed text «ДД.ММ.ГГГГ» (the page shows dates as text, so
    an empty one is blank, not «None»). Text that is no date stays text: the load rejects it
    with the file's own message, instead of the rule silently applying from the beginning."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None  # NaT is a date to isinstance, hence pd.isna first
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return datetime.strptime(text, "%d.%m.%Y").date()
        except ValueError:
            return text
    return pd.Timestamp(value).date()


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


# -- pay rules ------------------------------------------------------------------------------------


def stored_pay_rules(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rules the store holds, as the page edits them (withdrawn ones left out), in the order
    general → specific, then by date."""
    frame = con.execute(
        "select doctor, department, coalesce(role, 'doctor') as role, valid_from, basis, "
        "cast(rate as double) as rate from pay_rules where basis <> 'none' "
        "order by doctor nulls first, department nulls first, role, valid_from nulls first"
    ).df()
    percent = frame["basis"].isin(PERCENT_BASES)
    frame.loc[percent, "rate"] = (frame.loc[percent, "rate"] * 100).round(2)
    # datetime64 even when every rule is "from the beginning" (all null would be a float column)
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    frame["rate"] = frame["rate"].astype(float)
    return frame[list(PAY_COLUMNS)]


def unreadable_dates(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """(row number from 1, the text) of every «Действует с» that is no ДД.ММ.ГГГГ date: the page
    saves nothing until they are fixed (a changed date withdraws the rule of the old one)."""
    return [(n, day) for n, day in enumerate(map(_day, frame["valid_from"]), start=1)
            if isinstance(day, str)]


def _pay_identity(row: dict[str, Any]) -> tuple[Hashable, ...]:
    return (_text(row["doctor"]), _text(row["department"]), row.get("role") or "doctor",
            _day(row["valid_from"]))  # fmt: skip


def _pay_rows(frame: pd.DataFrame) -> dict[tuple[Hashable, ...], dict[str, Any]]:
    rows: dict[tuple[Hashable, ...], dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        if all(_text(row.get(c)) is None for c in PAY_COLUMNS):
            continue  # an empty row the editor added and left
        rows[_pay_identity(row)] = row
    return rows


def pay_rules_edit(before: pd.DataFrame, after: pd.DataFrame) -> list[dict[str, str]]:
    """The CSV rows of an edit: the rules added or changed in `after`, and a «не действует» row
    for every rule of `before` whose identity (doctor, department, role, date) is gone."""
    old, new = _pay_rows(before), _pay_rows(after)
    out = []
    for key, row in new.items():
        held = old.get(key)
        same = held is not None and held["basis"] == row["basis"] and (
            _number(held["rate"]) == _number(row["rate"]))
        if not same:
            out.append(_pay_line(row, row.get("basis")))
    for key, row in old.items():
        if key not in new:
            out.append(_pay_line(row, "none"))
    return out


def _pay_line(row: dict[str, Any], basis: str | None) -> dict[str, str]:
    rate = _number(row.get("rate"))
    if basis == "none" or rate is None:
        rate_text = ""
    elif basis in PERCENT_BASES:
        rate_text = f"{rate:g} %".replace(".", ",")  # always with the sign: «1» is ambiguous
    else:
        rate_text = f"{rate:.2f}".replace(".", ",")
    day = _day(row.get("valid_from"))
    return {
        "doctor": _text(row.get("doctor")) or "",
        "department": _text(row.get("department")) or "",
        "role": _ROLE_WORDS.get(row.get("role") or "doctor", str(row.get("role"))),
        "valid_from": day if isinstance(day, str) else day.strftime("%d.%m.%Y") if day else "",
        "basis": _BASIS_WORDS.get(basis, str(basis or "")) if basis else "",
        "rate": rate_text,
    }


# -- fixed costs ----------------------------------------------------------------------------------


def stored_fixed_costs(con: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """The fixed costs of one month as the page edits them (0 ₽ rows, which cancel an item, left
    out)."""
    return con.execute(
        "select item, department, branch, cast(amount as double) as amount from fixed_costs "
        "where month = $month and amount <> 0 order by item, department nulls first, "
        "branch nulls first",
        {"month": month.replace(day=1)},
    ).df()[list(FIXED_COLUMNS)]


def _fixed_rows(frame: pd.DataFrame) -> dict[tuple[Hashable, ...], dict[str, Any]]:
    rows: dict[tuple[Hashable, ...], dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        if all(_text(row.get(c)) is None for c in FIXED_COLUMNS):
            continue
        rows[(_text(row["item"]), _text(row["department"]), _text(row["branch"]))] = row
    return rows


def fixed_costs_edit(before: pd.DataFrame, after: pd.DataFrame,
                     month: date) -> list[dict[str, str]]:
    """The CSV rows of an edit of one month: the items added or changed, and 0 ₽ for every item
    of `before` that is gone."""
    old, new = _fixed_rows(before), _fixed_rows(after)
    out = []
    for key, row in new.items():
        held = old.get(key)
        if held is None or _number(held["amount"]) != _number(row["amount"]):
            out.append(_fixed_line(row, month, _number(row["amount"])))
    for key, row in old.items():
        if key not in new:
            out.append(_fixed_line(row, month, 0.0))
    return out


def _fixed_line(row: dict[str, Any], month: date, amount: float | None) -> dict[str, str]:
    return {
        "month": month.strftime("%m.%Y"),
        "item": _text(row.get("item")) or "",
        "department": _text(row.get("department")) or "",
        "branch": _text(row.get("branch")) or "",
        "amount": "" if amount is None else f"{amount:.2f}".replace(".", ","),
    }


# -- writing --------------------------------------------------------------------------------------


def save_edit(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, str]], salt: str,
              user: str = "") -> loader.LoadResult | None:
    """Load the edit's rows into `table` ('pay_rules' or 'fixed_costs') as one upload; None when
    there is nothing to write. LoadError as for a file (nothing written)."""
    if not rows:
        return None
    headers = _PAY_HEADERS if table == "pay_rules" else _FIXED_HEADERS
    name = (PAY_EDIT_NAME if table == "pay_rules" else FIXED_EDIT_NAME) + (
        f" ({user})" if user else "")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    # the moment of the save in a column of its own, which no table reads: the same edit made
    # twice (30 % → 25 % → 30 %) is two uploads, not "this file is already loaded"
    saved = datetime.now().isoformat(timespec="microseconds")
    writer.writerow([*headers.values(), SAVED_HEADER])
    writer.writerows([[*(row[c] for c in headers), saved] for row in rows])
    profile = Profile(name=name, table=table, columns={v: k for k, v in headers.items()},
                      date_format="%d.%m.%Y", complete=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="clinic_bi_edit_") as folder:
        path = Path(folder) / f"{name.replace('/', '-')}.csv"
        with open_private(path) as fh:
            fh.write(buffer.getvalue().encode("utf-8"))
        return loader.ingest_file(con, path, salt, profile=profile)
