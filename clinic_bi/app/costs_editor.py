"""Рентабельность's two small tables: the doctors' pay rules and one month's fixed costs, edited
in the page and saved as one upload of the journal each (clinic_bi/store/cost_edits.py: the edit
goes through the same ingest as a file, so its rows are read, rejected and undone the same way).
A manager edits; an owner sees the tables read-only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt, periods
from clinic_bi.app import access, data, upload
from clinic_bi.app.i18n import t
from clinic_bi.app.safe import md
from clinic_bi.ingest import cost_edits as ce
from clinic_bi.ingest.loader import LoadError
from clinic_bi.ingest.messages import localized, message_of
from clinic_bi.store.salt import load_or_create_salt

FLASH = "costs_flash"


def _read(path: Any, read: Any) -> pd.DataFrame | None:
    try:
        with data.read_connection(path) as con:
            return None if con is None else read(con)
    except data.StoreBusy:
        return None


def _months(path: Any, data_end: date | None) -> tuple[list[date], int]:
    """The months to pick — those holding fixed costs, the data's last month and the next one,
    newest first — and the index of the one shown first: the data's last month."""
    held = _read(path, lambda con: con.execute(
        "select distinct month from fixed_costs order by month").df())
    months = {pd.Timestamp(m).date() for m in (held["month"] if held is not None else [])}
    if data_end is not None:
        first = data_end.replace(day=1)
        months |= {first, periods.next_month(first)}
    ordered = sorted(months, reverse=True)
    shown = data_end.replace(day=1) if data_end is not None else None
    return ordered, ordered.index(shown) if shown in ordered else 0


def _save(page: Any, table: str, rows: list[dict[str, str]]) -> None:
    lang = page.lang
    if not rows:
        st.session_state[FLASH] = ("info", t("mrg_edit_nothing", lang), None)
        st.rerun()
    try:
        with data.write_connection(page.db, "upload") as con:
            result = ce.save_edit(con, table, rows, load_or_create_salt(page.db),
                                  user=page.user.name)  # fmt: skip
    except data.StoreBusy:
        st.warning(t("store_busy", lang))
        return
    except access.ActionRefused:
        st.error(t("action_refused", lang))
        return
    except LoadError as exc:
        st.error(md(localized(message_of(exc), lang)))
        return
    assert result is not None
    kind = "success" if not result.rows_rejected else "warning"
    text = t("mrg_edit_saved", lang, n=result.rows_loaded, batch=result.batch_id or 0,
             rejected=result.rows_rejected)  # fmt: skip
    st.session_state[FLASH] = (kind, text, result)
    st.rerun()


def _flash(lang: str) -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text, result = message
        getattr(st, kind)(text)
        if result is not None:
            upload._first_issues(result, lang, 9000)


def _pay_table(page: Any, can_edit: bool) -> None:
    lang = page.lang
    stored = _read(page.db, ce.stored_pay_rules)
    if stored is None:
        stored = pd.DataFrame(columns=list(ce.PAY_COLUMNS))
    bases = {b: t(f"mrg_basis_{b}", lang) for b in ce.PAY_BASES}
    roles = {r: t(f"mrg_role_{r}", lang) for r in ce.ROLES}
    # Empty cells blank, not «None»: text columns hold "", the date is shown as its text.
    shown = stored.assign(
        basis=stored["basis"].map(bases), role=stored["role"].map(roles),
        doctor=stored["doctor"].fillna("").astype("string"),
        department=stored["department"].fillna("").astype("string"),
        valid_from=pd.Series([f"{d:%d.%m.%Y}" if pd.notna(d) else "" for d in stored["valid_from"]],
                             index=stored.index, dtype="string"),
    )  # fmt: skip
    config = {
        "doctor": st.column_config.TextColumn(t("mrg_col_doctor", lang)),
        "department": st.column_config.TextColumn(t("mrg_col_department", lang)),
        "role": st.column_config.SelectboxColumn(t("mrg_col_role", lang),
                                                 options=list(roles.values()), default=roles["doctor"]),
        "valid_from": st.column_config.TextColumn(t("mrg_col_valid_from", lang),
                                                  help=t("mrg_col_valid_from_help", lang)),
        "basis": st.column_config.SelectboxColumn(t("mrg_col_basis", lang),
                                                  options=list(bases.values()), required=True),
        "rate": st.column_config.NumberColumn(t("mrg_col_rate", lang), min_value=0.0,
                                              format="plain"),
    }  # fmt: skip
    edited = st.data_editor(
        shown, column_config=config, num_rows="dynamic" if can_edit else "fixed",
        disabled=not can_edit, hide_index=True, width="stretch", key=f"pay_editor_{page.info.version}",
    )  # fmt: skip
    st.caption(t("mrg_edit_pay_help", lang))
    if can_edit and st.button(t("mrg_edit_save_pay", lang), type="primary", key="pay_save"):
        wrong = ce.unreadable_dates(edited)
        if wrong:
            st.error(t("mrg_edit_bad_dates", lang,
                       cells="; ".join(f"{n}: «{md(text)}»" for n, text in wrong)))
            return
        back = {v: k for k, v in bases.items()}
        after = edited.assign(basis=edited["basis"].map(back),
                              role=edited["role"].map({v: k for k, v in roles.items()}))
        _save(page, "pay_rules", ce.pay_rules_edit(stored, after))


def _fixed_table(page: Any, can_edit: bool) -> None:
    lang = page.lang
    months, first = _months(page.db, page.info.data_end)
    if not months:
        return
    month = st.selectbox(t("mrg_edit_month", lang), months, index=first,
                         format_func=lambda m: fmt.month(m, lang), key="fixed_month")  # fmt: skip
    stored = _read(page.db, lambda con: ce.stored_fixed_costs(con, month))
    if stored is None:
        stored = pd.DataFrame(columns=list(ce.FIXED_COLUMNS))
    stored = stored.assign(department=stored["department"].fillna("").astype("string"),
                           branch=stored["branch"].fillna("").astype("string"))  # not «None»
    config = {
        "item": st.column_config.TextColumn(t("mrg_col_item", lang), required=True),
        "department": st.column_config.TextColumn(t("mrg_col_department", lang)),
        "branch": st.column_config.TextColumn(t("mrg_col_branch", lang)),
        "amount": st.column_config.NumberColumn(t("mrg_col_amount", lang), min_value=0.0,
                                                format="plain"),
    }  # fmt: skip
    edited = st.data_editor(
        stored, column_config=config, num_rows="dynamic" if can_edit else "fixed",
        disabled=not can_edit, hide_index=True, width="stretch",
        key=f"fixed_editor_{month:%Y-%m}_{page.info.version}",
    )  # fmt: skip
    st.caption(t("mrg_edit_fixed_help", lang))
    if can_edit and st.button(t("mrg_edit_save_fixed", lang), type="primary", key="fixed_save"):
        _save(page, "fixed_costs", ce.fixed_costs_edit(stored, edited, month))


def editors(page: Any) -> None:
    """The two tables in an expander (open after a save, so its message is seen)."""
    lang = page.lang
    can_edit = page.user.can("upload")
    opened = FLASH in st.session_state
    with st.expander(t("mrg_edit_title", lang), icon=":material/edit:", expanded=opened):
        _flash(lang)
        if not can_edit:
            st.info(t("mrg_edit_owner_reads", lang), icon=":material/visibility:")
        pay, fixed = st.tabs([t("mrg_edit_pay_tab", lang), t("mrg_edit_fixed_tab", lang)])
        with pay:
            _pay_table(page, can_edit)
        with fixed:
            _fixed_table(page, can_edit)
