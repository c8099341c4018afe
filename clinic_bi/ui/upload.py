"""The Данные page's parts: uploaded files on disk, their preview and editable mapping, the load
with a progress bar, its result, the upload journal and the coverage of each table.

Uploads always go into the clinic's own store (`paths.default_db_path()`), never the demo's.
Every write (a load, a removal, a saved profile) holds the process lock through
`data.write_connection`, which also drops every cached figure when it lands, and refuses a
user whose role does not allow it. An owner sees the journal and the coverage only: no uploader,
no mapping editor, no "remove".
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import charts, fmt, loader
from clinic_bi.loader import LoadError, LoadResult, Preview
from clinic_bi.mapping import TABLE_SPECS, Profile
from clinic_bi.privacy import load_or_create_salt
from clinic_bi.readers import upload_limit_bytes
from clinic_bi.ui import access, data, state, view
from clinic_bi.ui.downloads import to_csv_bytes, to_xlsx_bytes
from clinic_bi.ui.i18n import field_label, t, table_label

SUFFIXES = sorted(s.lstrip(".") for s in loader.SUPPORTED_SUFFIXES)


@dataclass
class Staged:
    """One uploaded file as the page holds it between reruns."""

    file_id: str
    name: str
    path: Path
    detected: Preview


def _upload_dir() -> Path:
    if "upload_dir" not in st.session_state:
        st.session_state["upload_dir"] = tempfile.mkdtemp(prefix="clinic_bi_upload_")
    return Path(st.session_state["upload_dir"])


def stage(files: list[Any], clinic_db: Path) -> list[Staged]:
    """Write each uploaded file to disk once and preview it once (kept in the session)."""
    staged: dict[str, Staged] = st.session_state.setdefault("staged", {})
    out = []
    remembered = None
    for f in files:
        if f.file_id not in staged:
            path = _upload_dir() / f.file_id / Path(f.name).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.getvalue())
            if remembered is None:
                with data.read_connection(clinic_db) as con:
                    remembered = loader.saved_profiles(con) if con is not None else []
            staged[f.file_id] = Staged(f.file_id, f.name, path, loader.preview(path, remembered))
        out.append(staged[f.file_id])
    return out


def _preview_as(item: Staged, table: str) -> Preview:
    """The file read as `table` (the user changed the kind): synonyms of that table."""
    if item.detected.mapping is not None and item.detected.mapping.table == table:
        return item.detected
    cache: dict[tuple[str, str], Preview] = st.session_state.setdefault("previews", {})
    key = (item.file_id, table)
    if key not in cache:
        cache[key] = loader.preview(item.path, profile=Profile(f"{item.name}", table, {}))
    return cache[key]


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = str(h).strip() or f"#{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def file_panel(item: Staged, lang: str, clinic_db: Path) -> Profile | None:
    """The file's kind, its mapping (editable) and first rows. Returns the profile to load it
    with when the user changed anything, else None (the loader decides as it would alone)."""
    detected = item.detected
    if detected.error and detected.mapping is None and not detected.headers:
        st.error(t("preview_error", lang, error=detected.error))
        return None
    tables = list(TABLE_SPECS)
    default_table = detected.mapping.table if detected.mapping else tables[0]
    kind = st.selectbox(
        t("detected_kind", lang), tables, index=tables.index(default_table),
        format_func=lambda x: table_label(x, lang), key=f"kind_{item.file_id}",
    )  # fmt: skip
    st.caption(f"{t('file_format', lang)}: {detected.fmt} · {fmt.number(detected.rows, lang)} "
               f"{t('rows_in_file', lang)}")  # fmt: skip
    if detected.error and detected.mapping is None:
        st.warning(detected.error)
    preview = _preview_as(item, kind)
    headers = preview.headers or detected.headers
    mapped = preview.mapping.columns if preview.mapping else {}
    ignore = t("ignore_column", lang)
    fields = [c.name for c in TABLE_SPECS[kind].columns]
    options = [ignore, *[field_label(c, lang) for c in fields]]
    by_label = {field_label(c, lang): c for c in fields}
    sample = preview.sample or detected.sample
    examples = [
        next((str(row[i]) for row in sample if i < len(row) and str(row[i]).strip()), "")
        for i in range(len(headers))
    ]
    editor = pd.DataFrame(
        {
            "column": [str(h) for h in headers],
            "example": examples,
            "field": [field_label(mapped[i], lang) if i in mapped else ignore
                      for i in range(len(headers))],  # fmt: skip
        }
    )
    st.markdown(f"**{t('mapping', lang)}**")
    edited = st.data_editor(
        editor, key=f"map_{item.file_id}_{kind}", hide_index=True, width="stretch",
        disabled=["column", "example"], num_rows="fixed",
        column_config={
            "column": st.column_config.TextColumn(t("file_column", lang)),
            "example": st.column_config.TextColumn(t("example", lang)),
            "field": st.column_config.SelectboxColumn(
                t("canonical_column", lang), options=options, required=True
            ),
        },
    )  # fmt: skip
    columns = {
        str(h): by_label[f] for h, f in zip(edited["column"], edited["field"], strict=True)
        if f in by_label
    }
    spec = TABLE_SPECS[kind]
    have = set(columns.values())
    missing = [field_label(c, lang) for c in spec.required if c not in have]
    missing += [" / ".join(field_label(c, lang) for c in group) for group in spec.one_of
                if not have.intersection(group)]  # fmt: skip
    if missing:
        st.warning(t("missing_required", lang, cols=", ".join(missing)))
    with st.expander(t("first_rows", lang)):
        rows = [list(r) + [""] * (len(headers) - len(r)) for r in sample[:10]]
        st.dataframe(pd.DataFrame([r[: len(headers)] for r in rows], columns=_unique(headers)),
                     hide_index=True, width="stretch")  # fmt: skip
    auto = preview.mapping.header_map() if preview.mapping else {}
    changed = kind != default_table or columns != auto
    values = preview.mapping.values if preview.mapping else {}
    date_format = preview.mapping.date_format if preview.mapping else None
    profile = Profile(item.name, kind, columns, values=values, date_format=date_format,
                      complete=True)  # fmt: skip
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name = name_col.text_input(t("profile_name", lang), value=Path(item.name).stem,
                               key=f"profile_name_{item.file_id}")  # fmt: skip
    if button_col.button(t("save_profile", lang), key=f"save_{item.file_id}",
                         disabled=bool(missing)):  # fmt: skip
        saved = Profile(name.strip() or item.name, kind, columns, values=values,
                        date_format=date_format, complete=True)  # fmt: skip
        try:
            with data.write_connection(clinic_db, "edit_mappings") as con:
                loader.save_profile(con, saved)
            st.success(t("profile_saved", lang, name=saved.name))
        except data.StoreBusy:
            st.warning(t("store_busy", lang))
    return profile if changed else None


def load_files(items: list[tuple[Staged, Profile | None]], clinic_db: Path, lang: str) -> None:
    """Load each file in its own transaction under the lock, with a progress bar."""
    salt = load_or_create_salt(clinic_db)
    bar = st.progress(0.0, text="")
    results: list[LoadResult] = []
    for i, (item, profile) in enumerate(items):
        bar.progress(i / len(items), text=t("loading_file", lang, name=item.name, i=i + 1,
                                              n=len(items)))  # fmt: skip
        try:
            with data.write_connection(clinic_db, "upload") as con:
                results.append(loader.ingest_file(con, item.path, salt, profile=profile))
        except LoadError as exc:
            results.append(LoadResult(file=item.name, error=str(exc)))
        except data.StoreBusy:  # a load from the command line holds the store: not this one
            results.append(LoadResult(file=item.name, error=t("store_busy", lang)))
    bar.progress(1.0, text=t("load_done", lang))
    st.session_state["load_results"] = results


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
            st.error(r.error)
        for note in r.notes:
            st.warning(note)
        if r.rejected_rows is not None and len(r.rejected_rows):
            st.markdown(t("rejected_download", lang, name=r.file))
            stem = Path(r.file).stem + ".rejected"
            left, right, _ = st.columns([1, 1, 8])
            rows = r.rejected_rows  # the file's own cells: exports.py neutralises formulas
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
    for column in ("period_from", "period_to"):
        shown[column] = [fmt.day(v, lang) if pd.notna(v) else "—" for v in shown[column]]
    columns = ["batch_id", "loaded_at", "file_name", "kind", "rows_loaded", "rows_new",
               "rows_replaced", "rows_rejected", "rows_skipped", "period_from", "period_to"]  # fmt: skip
    view.table(shown, columns, lang, "uploads", "journal")
    if not can_remove:
        return
    ids = list(batches["batch_id"])
    names = dict(zip(batches["batch_id"], batches["file_name"], strict=True))
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    batch = pick_col.selectbox(
        t("remove_pick", lang), ids[::-1], key="remove_pick",
        format_func=lambda b: f"№ {b} · {names[b]}",
    )  # fmt: skip
    if button_col.button(t("remove_button", lang), key="remove_button", icon=":material/delete:"):
        try:
            with data.write_connection(clinic_db, "remove") as con:
                loader.remove_batch(con, int(batch))
        except data.StoreBusy:
            st.warning(t("store_busy", lang))
            return
        st.session_state["removed"] = int(batch)
        st.rerun()


def coverage(clinic_db: Path, lang: str) -> None:
    info = data.store_info(clinic_db)
    if info is None or info.is_empty:
        return
    # The patient list is a snapshot dated by first visits, not a monthly export: no gaps to find.
    cov = data.coverage(info)
    cov = cov[cov["table_name"] != "patients"]
    if cov.empty:
        return
    view.chart(charts.coverage(cov, lang))
    rows = []
    for table, part in cov.groupby("table_name", sort=False):
        held = pd.to_datetime(part["month"])
        gaps = pd.date_range(held.min(), held.max(), freq="MS").difference(held)
        rows.append(
            {
                "table": table_label(str(table), lang),
                "first_month": fmt.month(held.min(), lang),
                "last_month": fmt.month(held.max(), lang),
                "months": len(part),
                "rows": int(part["rows"].sum()),
                "gaps": ", ".join(fmt.month(g, lang) for g in gaps) or "—",
            }
        )
    frame = pd.DataFrame(rows)
    view.table(frame, ["table", "first_month", "last_month", "months", "rows", "gaps"], lang,
               "coverage", "coverage")  # fmt: skip


def _localise_uploader(lang: str) -> None:
    """Streamlit's uploader writes its button and limits in English whatever the page says;
    replace the two texts with ours (CSS only, the widget itself is untouched)."""
    # the loader's limit (CLINIC_BI_MAX_UPLOAD_MB) is the one that counts; Streamlit's own
    # server.maxUploadSize in .streamlit/config.toml is set to the same 200 MB default
    mb = round(upload_limit_bytes() / 1024 / 1024)
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
    if page.is_demo:
        st.info(t("demo_data_note", lang))
    try:
        if page.user.can("upload"):
            uploads(page, clinic_db)
        else:
            st.info(t("owner_reads_only", lang), icon=":material/visibility:")
        journal(clinic_db, lang, can_remove=page.user.can("remove"))
    except access.ActionRefused:  # the role changed in the secrets since the page was drawn
        st.error(t("action_refused", lang))
    coverage(clinic_db, lang)


def uploads(page: state.Page, clinic_db: Path) -> None:
    """The uploader, each file's panel (kind, mapping, profile) and the load button."""
    lang = page.lang
    st.caption(t("upload_into_clinic", lang))
    _localise_uploader(lang)
    counter = st.session_state.setdefault("uploader_round", 0)
    files = st.file_uploader(
        t("upload_label", lang), type=SUFFIXES, accept_multiple_files=True,
        key=f"uploads_{counter}",
    )  # fmt: skip
    if files:
        try:
            items = stage(files, clinic_db)
        except data.StoreBusy:  # the saved profiles cannot be read while another process loads
            st.warning(t("store_busy", lang))
            return
        chosen: list[tuple[Staged, Profile | None]] = []
        for item in items:
            kind = item.detected.mapping.table if item.detected.mapping else None
            title = f"{item.name} — {table_label(kind, lang) if kind else '?'}"
            with st.expander(title, expanded=len(items) <= 2):
                chosen.append((item, file_panel(item, lang, clinic_db)))
        if st.button(t("load_button", lang, n=len(items)), type="primary", key="load_button",
                     icon=":material/upload:"):  # fmt: skip
            load_files(chosen, clinic_db, lang)
            st.session_state["flt"]["src"] = "clinic"
            st.session_state["uploader_round"] = counter + 1
            st.rerun()
    show_results(lang)

