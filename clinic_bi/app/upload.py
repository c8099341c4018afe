"""The Данные page: the uploader, each file's panel, the load with a progress bar, its result,
the upload journal and the coverage of each table.

Uploads always go into the clinic's own store (`paths.default_db_path()`), never the demo's.
A load runs in a child process (`data.load_in_child`, `clinic_bi/app/load_worker.py`), so the other
sessions' pages keep answering while it runs; a removal or a saved profile holds the process
lock through `data.write_connection`. Both drop every cached figure when they land and refuse a
user whose role does not allow them. An owner sees the journal and the coverage only: no
uploader, no mapping editor, no "remove".

The files themselves, from the upload to their deletion, are `clinic_bi/app/staging.py`; one
file's kind, mapping editor and saved profile are `clinic_bi/app/file_panel.py`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import access, data, state, view
from clinic_bi.app.downloads import to_csv_bytes, to_xlsx_bytes
from clinic_bi.app.file_panel import file_panel
from clinic_bi.app.i18n import field_label, t, table_label, value
from clinic_bi.app.safe import md
from clinic_bi.app.staging import (
    Staged,
    drop_staged,
    forget_dropped,
    session_folder,
    short_name,
    stage,
    stale_uploads_removed,
)
from clinic_bi.app.words_panel import words_section
from clinic_bi.ingest import loader, readers
from clinic_bi.ingest.loader import LoadResult
from clinic_bi.ingest.mapping import Profile
from clinic_bi.ingest.messages import localized, message_of
from clinic_bi.ingest.parse import rejected_table
from clinic_bi.ingest.reconcile import exact_amount
from clinic_bi.present import charts, figures

SUFFIXES = sorted(s.lstrip(".") for s in loader.SUPPORTED_SUFFIXES)

_LOG = logging.getLogger(__name__)


def load_files(items: list[tuple[Staged, Profile | None]], clinic_db: Path, lang: str) -> None:
    """Load each file in a child process of its own (`data.load_in_child`: its own
    transaction; the other sessions keep being served meanwhile), with a progress bar that
    moves per file. Each staged file is deleted as soon as its load ends, loaded or not."""
    bar = st.progress(0.0, text="")
    results: list[LoadResult] = []
    st.session_state["load_results"] = results  # what ended is shown even if this run stops
    for i, (item, profile) in enumerate(items):
        bar.progress(i / len(items), text=t("loading_file", lang, name=md(short_name(item.name)),
                                              i=i + 1, n=len(items)))  # fmt: skip
        try:
            outcome = data.load_in_child(clinic_db, item.path, profile, session_folder())
        finally:
            drop_staged(item.file_id)
        results.append(_result_of(outcome, item.name, lang))
    bar.progress(1.0, text=t("load_done", lang))


def _result_of(outcome: data.ChildLoad, name: str, lang: str) -> LoadResult:
    """The child's outcome as the result table shows it, named as the user's file was."""
    if outcome.status == "ok" and outcome.result is not None:
        result = outcome.result
        result.file = name  # the loader saw the file's name made safe for the disk
        return result
    if outcome.status == "load_error":
        error = outcome.message or t("load_failed", lang, name=name)
    elif outcome.status == "busy":
        error = t("store_busy", lang)
    elif outcome.status == "store_error":
        error = t("load_store_error", lang, name=name)
    elif outcome.status == "interrupted":
        error = t("load_interrupted", lang, name=name)
    else:
        error = t("load_failed", lang, name=name)
    return LoadResult(file=name, error=error)


def _status(result: LoadResult, lang: str) -> str:
    if not result.ok:
        return t("result_failed", lang)
    duplicate = getattr(result, "duplicate_of", None)  # the loader skips a file loaded before
    if duplicate is not None:
        return t("result_duplicate", lang, batch=duplicate)
    return t("result_ok", lang)


def show_results(lang: str) -> None:
    results: list[LoadResult] = st.session_state.get("load_results") or []
    if not results:
        return
    view.section(t("results", lang))
    rows = [
        {
            "file_name": r.file,
            "kind": table_label(r.kind, lang) if r.kind else "—",
            "status": _status(r, lang),
            "rows_read": r.rows_read,
            "rows_new": r.rows_new,
            "rows_replaced": r.rows_replaced,
            "rows_rejected": r.rows_rejected,
            "rows_skipped": r.rows_skipped,
        }
        for r in results
    ]
    frame = pd.DataFrame(rows)
    view.table(frame, list(frame.columns), lang, "load_result", "load_result")
    for i, r in enumerate(results):
        if r.error:
            st.error(md(localized(r.error, lang)))  # the loader's and our messages are plain text
        if r.reconciliation is not None:
            text = f"{md(r.file)}: {md(r.reconciliation_text(lang))}"
            if r.reconciliation.agrees:
                st.success(text, icon=":material/check:")
            else:
                st.warning(text, icon=":material/rule:")
        for note in r.notes:
            st.warning(md(localized(note, lang)))
        _first_issues(r, lang, i)
        if r.rejected_rows is not None and len(r.rejected_rows):
            st.markdown(t("rejected_download", lang, name=md(r.file)))
            stem = Path(r.file).stem + ".rejected"
            left, right, _ = st.columns([1, 1, 8])
            # the file's own cells (exports.py neutralises formulas), the reasons in `lang`
            rows = rejected_table(r.rejected_rows, lang)
            left.download_button(
                t("download_xlsx", lang), lambda rows=rows: to_xlsx_bytes(rows, "rejected"),
                file_name=f"{stem}.xlsx", key=f"rej_xlsx_{i}", on_click="ignore",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/download:", type="tertiary",
            )  # fmt: skip
            right.download_button(
                t("download_csv", lang), lambda rows=rows: to_csv_bytes(rows, lang),
                file_name=f"{stem}.csv", key=f"rej_csv_{i}", on_click="ignore", mime="text/csv",
                icon=":material/download:", type="tertiary",
            )  # fmt: skip


def journal(clinic_db: Path, lang: str, can_remove: bool) -> None:
    view.section(t("journal", lang))
    if "removed" in st.session_state:
        st.success(t("removed", lang, batch=st.session_state.pop("removed")))
    try:
        with data.read_connection(clinic_db) as con:
            batches = loader.list_batches(con) if con is not None else pd.DataFrame()
    except data.StoreBusy:  # another process is loading: say so rather than wait for it
        st.caption(t("journal_busy", lang))
        return
    if batches.empty:
        st.caption(t("journal_empty", lang))
        return
    shown = batches.copy()
    shown["kind"] = [table_label(k, lang) for k in shown["kind"]]
    shown["loaded_at"] = [pd.Timestamp(v).strftime("%d.%m.%Y %H:%M" if lang == "ru"
                                                   else "%Y-%m-%d %H:%M") for v in shown["loaded_at"]]  # fmt: skip
    shown["period"] = [_period(row, lang) for row in batches.itertuples(index=False)]
    shown["reconciled"] = [_reconciled(row, lang) for row in batches.itertuples(index=False)]
    # Columns that fit the page at 1440 px in both languages (tests/app/test_data_page_remove.py):
    # the period in one column; new rows are the loaded less the replaced, and the skipped total
    # lines are in the load's result (and in `python -m clinic_bi batches`).
    columns = ["batch_id", "loaded_at", "file_name", "kind", "period", "rows_loaded",
               "rows_replaced", "rows_rejected", "reconciled"]  # fmt: skip
    view.table(shown, columns, lang, "uploads", "journal")
    if not can_remove:
        return
    # Nothing is chosen at first, and a removal is asked about before it is done: the question
    # names the file, the rows it loaded and its period.
    rows = {int(r.batch_id): r for r in batches.itertuples(index=False)}
    batch = st.selectbox(
        t("remove_pick", lang), list(rows)[::-1], index=None, key="remove_pick",
        placeholder=t("remove_placeholder", lang),
        format_func=lambda b: f"№ {b} · {rows[b].file_name}",
    )  # fmt: skip
    if batch is None or st.session_state.get("remove_asked") != batch:
        st.session_state.pop("remove_asked", None)  # a question was about another upload
        st.button(t("remove_button", lang), key="remove_button", icon=":material/delete:",
                  disabled=batch is None, on_click=st.session_state.update,
                  kwargs={"remove_asked": batch})  # fmt: skip
        return
    row = rows[batch]
    st.warning(t("remove_question", lang, batch=batch, name=md(str(row.file_name)),
                 kind=table_label(str(row.kind), lang), rows=int(row.rows_loaded),
                 period=_period(row, lang) if pd.notna(row.period_from) else value("unknown", lang)),
               icon=":material/delete:")  # fmt: skip
    with st.container(horizontal=True):
        confirmed = st.button(t("remove_yes", lang), key="remove_yes", type="primary")
        if st.button(t("remove_no", lang), key="remove_no"):
            st.session_state.pop("remove_asked", None)
            st.rerun()
    if not confirmed:
        return
    try:
        with data.write_connection(clinic_db, "remove") as con:
            loader.remove_batch(con, batch)
    except data.StoreBusy:
        st.warning(t("store_busy", lang))
        return
    except loader.LoadError as exc:  # removed meanwhile (another session, the CLI): say so
        st.session_state.pop("remove_asked", None)
        st.warning(md(localized(message_of(exc), lang)))
        return
    st.session_state.pop("remove_asked", None)
    st.session_state["removed"] = batch
    st.rerun()


def _period(batch: Any, lang: str) -> str:
    """A journal row's period of data, '01.12.2024 — 31.03.2025'; '—' without dates."""
    if pd.isna(batch.period_from):
        return "—"
    return f"{fmt.day(batch.period_from, lang)} — {fmt.day(batch.period_to, lang)}"


def _first_issues(result: LoadResult, lang: str, i: int) -> None:
    """The first rejected and warned lines of a file on screen (line, column, value, reason),
    not only in the download. A line the reader could not split has no column and shows no
    value: its text may hold a patient's name and phone (it is in the user's own download)."""
    if not result.issues:
        return
    shown = pd.DataFrame({
        "row": [x.row for x in result.issues],
        "severity": [t("issue_rejected" if x.severity == "rejected" else "issue_warning", lang)
                     for x in result.issues],
        "column": [field_label(x.column, lang) if x.column else "—" for x in result.issues],
        "value": [x.value if x.column and x.value is not None else "—" for x in result.issues],
        "reason": [localized(x.reason, lang) for x in result.issues],
    })  # fmt: skip
    more = result.rows_rejected + result.warnings > len(result.issues)
    title = t("issues_first" if more else "issues_all", lang, name=md(result.file),
              n=len(result.issues))
    with st.expander(title + (t("issues_more", lang) if more else ""),
                     expanded=result.rows_rejected > 0):
        st.dataframe(shown.rename(columns={c: t(f"issue_{c}", lang) for c in shown.columns}),
                     hide_index=True, width="stretch", key=f"issues_{i}")


def _reconciled(batch: Any, lang: str) -> str:
    """A journal row's reconciliation in a few characters: "=" when the lines add up to the
    file's total, "≠ 34 500 ₽" (the difference) when not, "—" without a total."""
    if pd.isna(batch.file_total):
        return "—"
    difference = batch.file_total - batch.loaded_total
    if difference == 0:
        return "="
    return f"≠ {exact_amount(difference, lang)}"


def coverage(clinic_db: Path, lang: str) -> None:
    info = data.store_info(clinic_db)
    if info is None or info.is_empty:
        return
    # The patient list (a snapshot dated by first visits), the goals, the service costs and the
    # pay rules (each dated by the day it starts) are not monthly exports: a month without them
    # is no gap. The fixed costs are: a month without them is shown.
    cov = data.coverage(info)
    cov = cov[~cov["table_name"].isin(("patients", "goals", "service_costs", "pay_rules"))]
    if cov.empty:
        return
    view.chart(charts.coverage, cov, lang)
    rows, missing = [], []
    for table, part in cov.groupby("table_name", sort=False):
        held = pd.to_datetime(part["month"])
        gaps = pd.date_range(held.min(), held.max(), freq="MS").difference(held)
        # runs of months ("дек 2024 — ноя 2025"), as the figures' warnings write them
        months = figures.months_text([g.strftime("%Y-%m") for g in gaps], lang)
        rows.append(
            {
                "table": table_label(str(table), lang),
                "first_month": fmt.month(held.min(), lang),
                "last_month": fmt.month(held.max(), lang),
                "months": len(part),
                "rows": int(part["rows"].sum()),
                "missing_months": len(gaps),
            }
        )
        if months:
            missing.append(t("coverage_missing", lang, table=table_label(str(table), lang),
                             months=months, n=len(gaps)))  # fmt: skip
    frame = pd.DataFrame(rows)
    view.table(frame, ["table", "first_month", "last_month", "months", "missing_months", "rows"],
               lang, "coverage", "coverage")  # fmt: skip
    # Which months, in words that wrap: a list of any length in a table cell is cut.
    for text in missing:
        st.warning(text, icon=":material/event_busy:")


def upload_limit_mb() -> int:
    """The one size limit the page states and the uploader checks, in decimal MB: the loader's
    (`readers.upload_limit_mb()`, $CLINIC_BI_MAX_UPLOAD_MB, default 200), passed to the widget
    as `max_upload_size` (whole MB, at least 1), so the browser refuses exactly what the loader
    would. Streamlit's browser check takes a MB as 1000² on Linux and macOS (1024² on Windows:
    a little more passes, and the loader refuses it with the same number in its message).

    The server side is a separate check. Streamlit 1.67's upload route
    (web/server/starlette/starlette_routes.py, `_upload_put`) refuses a body over
    `server.maxUploadSize` × 1024² bytes (HTTP 413) and ignores the widget's max_upload_size.
    With config.toml's 200 that is 209.7 decimal MB: above the loader's default 200 MB, so it
    never refuses first. But raising CLINIC_BI_MAX_UPLOAD_MB alone (to 500, say) would let the
    browser send 500 MB that the server then refuses at 209.7 MB, with no word on the page.
    So the limit shown is also capped by the server's, and a warning in the log says which
    setting to raise (server.maxUploadSize, or $STREAMLIT_SERVER_MAX_UPLOAD_SIZE)."""
    loader_mb = readers.upload_limit_mb()
    server_mb = int(st.get_option("server.maxUploadSize")) * 1024 * 1024 // readers.MB
    if loader_mb > server_mb:
        _LOG.warning("CLINIC_BI_MAX_UPLOAD_MB=%s is above Streamlit's server.maxUploadSize "
                     "(%s MB): uploads stop at %s MB; raise server.maxUploadSize to at least %s",
                     loader_mb, server_mb, server_mb, int(loader_mb * readers.MB / 1024 / 1024) + 1)  # fmt: skip
    return max(1, int(min(loader_mb, server_mb)))


def _localise_uploader(lang: str, mb: int) -> None:
    """Streamlit's uploader writes its button and limits in English whatever the page says;
    replace the two texts with ours (CSS only, the widget itself is untouched). `mb` is the
    limit the widget checks (`upload_limit_mb`)."""
    button, limits = t("upload_button", lang), t("upload_limits", lang, mb=mb)
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
        "{font-size:0}"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] '
        f'p::after{{content:"{button}";font-size:0.9rem}}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span{font-size:0}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span::after'
        f'{{content:"{limits}";font-size:0.8rem}}'
        "</style>"
    )


def page_body(page: state.Page) -> None:
    lang = page.lang
    clinic_db = state.store_path("clinic")
    stale_uploads_removed()  # once per process: uploads a killed server left behind
    if page.is_demo:
        st.info(t("demo_data_note", lang))
    try:
        if page.user.can("upload"):
            uploads(page, clinic_db)
        else:
            st.info(t("owner_reads_only", lang), icon=":material/visibility:")
        journal(clinic_db, lang, can_remove=page.user.can("remove"))
        words_section(clinic_db, lang, can_edit=page.user.can("edit_mappings"))
    except access.ActionRefused:  # the role changed in the secrets since the page was drawn
        st.error(t("action_refused", lang))
    coverage(clinic_db, lang)


def uploads(page: state.Page, clinic_db: Path) -> None:
    """The uploader, each file's panel (kind, mapping, profile) and the load button."""
    lang = page.lang
    st.caption(t("upload_into_clinic", lang))
    limit_mb = upload_limit_mb()
    _localise_uploader(lang, limit_mb)
    counter = st.session_state.setdefault("uploader_round", 0)
    files = st.file_uploader(
        t("upload_label", lang), type=SUFFIXES, accept_multiple_files=True,
        key=f"uploads_{counter}", max_upload_size=limit_mb,
    )  # fmt: skip
    forget_dropped(files or [])  # removed from the list (or loaded): gone from the disk too
    if files:
        try:
            items = stage(files, clinic_db, lang)
        except data.StoreBusy:  # the saved profiles cannot be read while another process loads
            st.warning(t("store_busy", lang))
            return
        chosen: list[tuple[Staged, Profile | None]] = []
        for item in items:
            kind = item.detected.mapping.table if item.detected.mapping else None
            title = f"{md(short_name(item.name))} — {table_label(kind, lang) if kind else '?'}"
            with st.expander(title, expanded=len(items) <= 2):
                chosen.append((item, file_panel(item, lang, clinic_db)))
        label = t("load_button", lang, n=len(items))
        if items and st.button(label, type="primary", key="load_button",
                               icon=":material/upload:"):  # fmt: skip
            load_files(chosen, clinic_db, lang)
            st.session_state["flt"]["src"] = "clinic"
            st.session_state["uploader_round"] = counter + 1
            st.rerun()
    show_results(lang)
