"""The calls page (Кого позвать): cached lists, their tables and the settings editor.

Data: `clinic_bi.metrics.calls` (METRICS.md "Call lists"), cached per (store, data version,
names chosen, settings); the settings are read from and written to the store through
clinic_bi/store/call_settings.py (a write is a manager's: data.write_connection checks the role).
`overview_summary` gives Обзор its line ("42 пациента ждут звонка на 1,8 млн ₽").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt, store
from clinic_bi.app import access, data
from clinic_bi.app.downloads import download_buttons
from clinic_bi.app.i18n import t
from clinic_bi.metrics import Filters, calls
from clinic_bi.present.words import call_lists_month
from clinic_bi.present.words_calls import COLUMNS
from clinic_bi.store import call_settings
from clinic_bi.store.call_settings import CallSettings, CallSettingsError

NO_CARD_PREFIX = "h:"  # a patient key derived from the name (queries/ingest/_macros.sql)

# The columns each list shows, in order (names of COLUMNS or words.COLUMNS).
# The card, the value and what is pending first: on a phone they are what fits on the screen.
SHOWN: dict[str, tuple[str, ...]] = {
    "lapsed": ("card", "call_value", "pending", "doctor", "department", "branch",
               "last_visit_date"),
    "missed": ("card", "call_value", "pending", "missed_at", "doctor", "department", "branch",
               "last_visit_date"),
    "plans": ("card", "amount_left", "pending", "contract_id", "doctor", "department", "branch",
              "last_visit_date"),
    "recall": ("card", "call_value", "pending", "doctor", "department", "branch",
               "last_hygiene_date"),
}  # fmt: skip
MONEY = ("call_value", "amount_left")
DATES = ("last_visit_date", "last_hygiene_date")
NAMES = {"doctor": ("Врач", "Doctor"), "department": ("Направление", "Department"),
         "branch": ("Филиал", "Branch")}  # fmt: skip


# A list can hold thousands of patients (a big clinic's lapsed ones): the page draws the most
# valuable SHOWN_ROWS, the downloads every one. Drawing them all sent megabytes a rerun.
SHOWN_ROWS = 300


def _label(column: str, lang: str) -> str:
    pair = COLUMNS.get(column) or NAMES.get(column)
    return column if pair is None else pair[0 if lang == "ru" else 1]


# -- data -----------------------------------------------------------------------------------------


def read_settings(path: Any) -> tuple[CallSettings, bool]:
    """The store's call settings and whether they could be read (False: defaults, the store is
    busy with a load in another process). Read once per state of the store file: Обзор asks on
    every run, and opening the store costs ~40 ms; any write (settings are not data, so
    data_version does not move) changes the file's or its WAL's size or time."""
    found = _read_settings(str(path), store.file_stamp(Path(path)))
    if not found[1]:
        _read_settings.clear()  # busy: ask again next time rather than keep the defaults
    return found


@st.cache_data(max_entries=16, ttl=data.TTL, show_spinner=False)
def _read_settings(path: str, file_state: tuple) -> tuple[CallSettings, bool]:
    try:
        with data.read_connection(Path(path)) as con:
            return (CallSettings() if con is None else call_settings.read(con)), True
    except data.StoreBusy:
        return CallSettings(), False


def save_settings(path: Any, settings: CallSettings) -> None:
    """Write the settings (a manager's action: data.write_connection refuses an owner)."""
    with data.write_connection(path, "edit_mappings") as con:
        call_settings.save(con, settings)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _lists(path: str, version: int, doctor: Any, department: Any, branch: Any,
           settings_json: str) -> dict[str, pd.DataFrame]:  # fmt: skip
    settings = CallSettings.from_json(settings_json)
    f = Filters(date.min, date.max, doctor=doctor, department=department, branch=branch)
    with data.engine_for(Path(path)) as engine:
        return calls.call_lists(engine, f, settings)


def lists(info: data.StoreInfo, f: Filters | None, settings: CallSettings) -> dict[str, Any]:
    """The four lists (calls.call_lists) for the names chosen in f (its period is not used)."""
    f = f or Filters(date.min, date.max)
    return _lists(str(info.path), info.version, f.doctor, f.department, f.branch,
                  settings.to_json())  # fmt: skip


@st.cache_data(max_entries=16, ttl=data.TTL, show_spinner=False)
def _months(path: str, version: int, settings_json: str) -> pd.DataFrame:
    with data.engine_for(Path(path)) as engine:
        return calls.department_months(engine, CallSettings.from_json(settings_json))


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _summary(path: str, version: int, doctor: Any, department: Any, branch: Any,
             settings_json: str) -> calls.CallSummary:  # fmt: skip
    # its own small cache: Обзор redraws on every filter change; the clinic's lists are read
    # once per data version and narrowed to the names here (calls.narrowed), not queried again
    every = _lists(path, version, None, None, None, settings_json)
    f = Filters(date.min, date.max, doctor=doctor, department=department, branch=branch)
    return calls.summary_of(calls.narrowed(every, f))


def overview_summary(info: data.StoreInfo, f: Filters | None) -> calls.CallSummary | None:
    """Обзор's line: calls.summary for the names chosen in f, with the store's settings; None
    for a store without visits."""
    if info.data_end is None:
        return None
    settings, _ = read_settings(info.path)
    f = f or Filters(date.min, date.max)
    return _summary(str(info.path), info.version, f.doctor, f.department, f.branch,
                    settings.to_json())  # fmt: skip


def overview_text(info: data.StoreInfo, f: Filters | None, lang: str) -> str | None:
    """The Обзор line as text ("42 пациента ждут звонка на 1,8 млн ₽"), or None."""
    found = overview_summary(info, f)
    if found is None:
        return None
    if not found.patients:
        return t("call_summary_none", lang)
    return t("call_summary", lang, n=found.patients, value=fmt.money(found.value, lang))


# -- tables ---------------------------------------------------------------------------------------


def list_title(name: str, frame: pd.DataFrame, data_end: date, lang: str) -> str:
    """A tab's title: the list's name, its rows and their total value."""
    totals = calls.totals(frame)
    title = t(f"call_list_{name}", lang, month=call_lists_month(data_end, lang))
    return t("call_tab", lang, name=title, n=fmt.number(totals.rows, lang),
             value=fmt.money(totals.value, lang))  # fmt: skip


def _day(value: Any, lang: str) -> str:
    return fmt.day(pd.Timestamp(value).date(), lang) if not pd.isna(value) else fmt.DASH


def _pending(name: str, row: pd.Series, lang: str) -> str:
    if name == "lapsed":
        return t("call_pending_lapsed", lang, months=int(row["months_since"]),
                 n=int(row["lapse_months"]))  # fmt: skip
    if name == "missed":
        key = "call_pending_cancelled" if row["status"] == "cancelled" else "call_pending_no_show"
        text = t(key, lang, day=_day(row["missed_date"], lang))
        return text
    if name == "plans":
        if row["plan_state"] == "not_started":
            return t("call_pending_not_started", lang, day=_day(row["signed_date"], lang))
        return t("call_pending_not_finished", lang, paid=fmt.money(row["paid"], lang),
                 amount=fmt.money(row["amount"], lang))  # fmt: skip
    return t("call_pending_recall", lang, day=_day(row["due_date"], lang))


def shown_frame(name: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list as the page shows and downloads it: the card number (or "no card"), the pending
    text, the value in roubles (kopecks), dates as dates; the SHOWN columns, named in lang."""
    out = pd.DataFrame(index=frame.index)
    out["card"] = [
        t("call_no_card", lang) if str(p).startswith(NO_CARD_PREFIX) else str(p)
        for p in frame["patient_id"]
    ]
    for column in ("doctor", "department", "branch", "contract_id"):
        if column in frame:
            out[column] = frame[column].astype(object).where(frame[column].notna(), None)
    for column in DATES:
        if column in frame:
            out[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    if "missed_at" in frame:
        out["missed_at"] = [pd.Timestamp(v).to_pydatetime() for v in frame["missed_at"]]
    out["pending"] = [_pending(name, row, lang) for _, row in frame.iterrows()]
    money = "amount_left" if name == "plans" else "call_value"
    out[money] = pd.to_numeric(frame["value"], errors="coerce").round(2)
    columns = list(SHOWN[name])
    return out[columns].rename(columns={c: _label(c, lang) for c in columns})


def list_table(name: str, frame: pd.DataFrame, lang: str, key: str) -> None:
    """One list: its table (formatted; sorts by the numbers) and its XLSX/CSV downloads (safe
    cells: clinic_bi/present/exports.py)."""
    if frame.empty:
        st.info(t("call_empty", lang), icon=":material/check_circle:")
        return
    # the list is ordered by value: the page shows its head, the files hold every patient
    shown = shown_frame(name, frame.head(SHOWN_ROWS), lang)
    if len(frame) > SHOWN_ROWS:
        st.caption(t("call_shown_head", lang, shown=SHOWN_ROWS, n=fmt.number(len(frame), lang)))
    formats: dict[str, Any] = {}
    for column in SHOWN[name]:
        header = _label(column, lang)
        if column in MONEY:
            formats[header] = lambda v: fmt.money(v, lang, compact=False)
        elif column in DATES:
            formats[header] = lambda v: fmt.day(v, lang) if v is not None else fmt.DASH
        elif column == "missed_at":
            formats[header] = lambda v: (f"{fmt.day(v.date(), lang)} {v:%H:%M}"
                                         if not pd.isna(v) else fmt.DASH)  # fmt: skip
    styler = shown.style.format(formats, na_rep=fmt.DASH)
    height = min(38 + 35 * max(len(shown), 1), 560)
    first = _label("card", lang)
    st.dataframe(styler, hide_index=True, width="stretch", height=height, placeholder=fmt.DASH,
                 column_config={first: st.column_config.Column(first, pinned=True)})
    download_buttons(lambda: shown_frame(name, frame, lang), list(shown.columns), lang,
                     f"calls_{name}", key)


# -- settings -------------------------------------------------------------------------------------


def settings_editor(page: Any, settings: CallSettings) -> None:
    """The settings expander: read-only for an owner; a manager edits and saves them."""
    lang = page.lang
    editable = access.can("edit_mappings")
    months = _months(str(page.info.path), page.info.version, settings.to_json())
    with st.expander(t("call_settings", lang), expanded=False):
        if not editable:
            st.caption(t("call_settings_readonly", lang))
        st.caption(t("call_settings_months", lang))
        dept, interval = t("call_settings_department", lang), t("call_settings_interval", lang)
        table = pd.DataFrame({dept: months["department"], interval: months["months"]})
        low, high = call_settings.LIMITS["months"]
        edited = st.data_editor(
            table, key="call_months", hide_index=True, disabled=not editable or [dept],
            column_config={interval: st.column_config.NumberColumn(
                interval, min_value=low, max_value=high, step=1, required=True)},
        )  # fmt: skip
        cols = st.columns(5)
        default = cols[0].number_input(
            t("call_settings_default", lang), *call_settings.LIMITS["months"],
            value=settings.default_months, step=1, disabled=not editable, key="call_default")
        missed = cols[1].number_input(
            t("call_settings_missed_days", lang), *call_settings.LIMITS["missed_days"],
            value=settings.missed_days, step=1, disabled=not editable, key="call_missed")
        rebook = cols[2].number_input(
            t("call_settings_rebook_days", lang), *call_settings.LIMITS["rebook_days"],
            value=settings.rebook_days, step=1, disabled=not editable, key="call_rebook")
        idle = cols[3].number_input(
            t("call_settings_plan_days", lang), *call_settings.LIMITS["plan_idle_days"],
            value=settings.plan_idle_days, step=1, disabled=not editable, key="call_idle")
        within = cols[4].number_input(
            t("call_settings_within", lang), *call_settings.LIMITS["lapsed_within_months"],
            value=settings.lapsed_within_months, step=1, disabled=not editable,
            key="call_within")  # fmt: skip
        if not editable:
            return
        if st.button(t("call_settings_save", lang), key="call_save", type="primary"):
            chosen = _changed_months(settings, months, list(edited[interval]))
            new = CallSettings(
                months_by_department=tuple(sorted(chosen.items())), default_months=int(default),
                missed_days=int(missed), rebook_days=int(rebook), plan_idle_days=int(idle),
                lapsed_within_months=int(within),
            )  # fmt: skip
            try:
                save_settings(page.info.path, new)
            except CallSettingsError as exc:
                st.error(t("call_settings_invalid", lang, error=str(exc)))
            except data.StoreBusy:
                st.error(t("call_settings_busy", lang))
            else:
                st.toast(t("call_settings_saved", lang))
                st.rerun()


def _changed_months(
    settings: CallSettings, months: pd.DataFrame, edited: Sequence[Any]
) -> dict[str, int]:
    """The clinic's own intervals after an edit: the ones it had, plus every department whose
    value now differs from what it would get by default (so the defaults stay defaults)."""
    own = dict(settings.months_by_department)
    bare = CallSettings(default_months=settings.default_months)
    for department, value in zip(months["department"], edited, strict=True):
        if value is None or pd.isna(value):
            continue
        value = int(value)
        if department in own or value != bare.months_for(department):
            own[department] = value
    return own
