"""The Данные page's parts: uploaded files on disk, their preview and editable mapping, the load
with a progress bar, its result, the upload journal and the coverage of each table.

Uploads always go into the clinic's own store (`paths.default_db_path()`), never the demo's.
A load runs in a child process (`data.load_in_child`, `clinic_bi/app/load_worker.py`), so the other
sessions' pages keep answering while it runs; a removal or a saved profile holds the process
lock through `data.write_connection`. Both drop every cached figure when they land and refuse a
user whose role does not allow them. An owner sees the journal and the coverage only: no
uploader, no mapping editor, no "remove".

Staged uploads (issue 10, items 3 and 8). An uploaded file is written to disk once, for the
preview and the load, into ONE private folder per session (`clinic_bi_upload_*` in the system
temp folder, 0700; files 0600), as `<session folder>/<fresh uuid4>/<name>`:

- nothing of the path comes from the client's `file_id` (a crafted one once wrote outside the
  session folder), and the resolved path is checked to lie inside the session folder;
- `<name>` is the file's own name made safe (`disk_name`: no folder part, no control
  characters, no leading dot, at most MAX_NAME_BYTES bytes — a 300-character name raised
  ENAMETOOLONG). The file itself keeps that name rather than a bare uuid because the loader
  records `path.name` in the upload journal and quotes it in its messages: the journal must
  say "services_march.csv", not a uuid. The full original name is kept in `Staged.name` for
  the page (shortened in titles by `short_name`);
- a staged file is deleted when its load ends (loaded or not), and when it disappears from the
  uploader's list (the user removed it), with its cached previews;
- the whole session folder is deleted when the session ends: it is a session-scoped
  `st.cache_resource` whose `on_release` removes it (Streamlit calls it when the browser
  disconnects; a reconnecting session finds its files gone and writes them again from the
  uploader, which still holds them). A server killed outright never calls it: once per
  process, the Данные page removes this user's `clinic_bi_upload_*` folders untouched for
  STALE_AFTER_SECONDS (`remove_stale_uploads`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import access, data, state, view
from clinic_bi.app.downloads import to_csv_bytes, to_xlsx_bytes
from clinic_bi.app.i18n import field_label, t, table_label
from clinic_bi.app.safe import md
from clinic_bi.ingest import loader, readers
from clinic_bi.ingest.loader import LoadResult, Preview
from clinic_bi.ingest.mapping import TABLE_SPECS, Profile, missing_groups
from clinic_bi.paths import open_private
from clinic_bi.present import charts

SUFFIXES = sorted(s.lstrip(".") for s in loader.SUPPORTED_SUFFIXES)
UPLOAD_PREFIX = "clinic_bi_upload_"
STALE_AFTER_SECONDS = 12 * 3600
MAX_NAME_BYTES = 150  # of a staged file's name on disk (ext4 and most others allow 255)
TITLE_CHARS = 80  # of a file name in an expander title or the progress text

_LOG = logging.getLogger(__name__)


@dataclass
class Staged:
    """One uploaded file as the page holds it between reruns: `file_id` is the uploader's (a
    key of the session's dict only, never part of a path), `uid` the fresh uuid of its folder
    on disk (and of its widgets' keys), `name` the name the user's file had."""

    file_id: str
    name: str
    path: Path
    detected: Preview
    uid: str = ""


# -- where staged files live -------------------------------------------------------------------


def _release_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@st.cache_resource(scope="session", on_release=_release_folder, show_spinner=False)
def _session_folder() -> Path:
    """This session's private folder for staged uploads (0700: `mkdtemp`). Removed with
    everything in it when the session ends (see the module doc)."""
    return Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))


def session_folder() -> Path:
    """The session's folder, made again if something removed it meanwhile."""
    folder = _session_folder()
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def remove_stale_uploads(
    temp_dir: Path | None = None, max_age: float = STALE_AFTER_SECONDS, now: float | None = None
) -> list[Path]:
    """Delete the `clinic_bi_upload_*` folders in `temp_dir` (the system temp folder) that this
    user owns and nothing touched for `max_age` seconds: left by a server that was killed, or
    by versions that never deleted uploads. A live session's folder is touched by every staged
    file and every load. Folders that cannot be deleted are logged and left; returns those
    deleted."""
    temp_dir = Path(temp_dir or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed: list[Path] = []
    try:
        entries = list(temp_dir.glob(UPLOAD_PREFIX + "*"))
    except OSError:
        return removed
    for entry in entries:
        try:
            info = entry.lstat()
            if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
                continue  # a symlink, a file, or another user's: not ours to delete
            if now - info.st_mtime < max_age:
                continue
            shutil.rmtree(entry)
            removed.append(entry)
        except OSError as exc:
            _LOG.warning("could not delete the stale upload folder %s: %s", entry, exc)
    return removed


@st.cache_resource(show_spinner=False)
def _stale_uploads_removed() -> int:
    """Once per server process (the first Данные page drawn)."""
    return len(remove_stale_uploads())


_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")


def disk_name(client_name: str) -> str:
    """A name for an uploaded file on disk, from the name the browser sent: its last part only
    (no folders, not "." or ".."), control characters and separators replaced, no leading dot
    or space, at most MAX_NAME_BYTES bytes in UTF-8 with the suffix kept (the reader looks at
    it). Never empty."""
    name = re.split(r"[/\\]", str(client_name))[-1]
    name = "".join(ch if ch.isprintable() else "_" for ch in _UNSAFE.sub("_", name))
    name = name.strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = "." + suffix if suffix else ""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    stem = stem.strip(" .") or "upload"
    return stem + suffix


def _files_word(n: int, lang: str) -> str:
    """"файл" in the form its number takes: 1 файл, 2 файла, 5 файлов; 1 file, 2 files."""
    if lang == "ru":
        return fmt.plural_ru(n, "файл", "файла", "файлов")
    return "file" if n == 1 else "files"


def short_name(name: str, limit: int = TITLE_CHARS) -> str:
    """A long file name shortened for a title: its start, "…", its end (the suffix shows)."""
    if len(name) <= limit:
        return name
    tail = min(20, limit // 3)
    return name[: limit - tail - 1] + "…" + name[-tail:]


def _write_staged(folder: Path, uid: str, upload: Any) -> Path:
    """Write an upload's bytes to `<folder>/<uid>/<disk_name>`, 0600, checking first that the
    resolved path lies inside `folder`."""
    target = folder / uid / disk_name(upload.name)
    inside = folder.resolve()
    if target.resolve().parent.parent != inside or not target.resolve().is_relative_to(inside):
        raise ValueError(f"staged path outside the session folder: {target!r}")
    target.parent.mkdir(mode=0o700, exist_ok=True)
    with open_private(target) as out:
        out.write(upload.getvalue())
    return target


def _drop_staged(file_id: str) -> None:
    """Delete one staged file (and its folder), its record and its cached previews."""
    staged: dict[str, Staged] = st.session_state.setdefault("staged", {})
    item = staged.pop(file_id, None)
    previews: dict = st.session_state.setdefault("previews", {})
    for key in [k for k in previews if k[0] == file_id]:
        del previews[key]
    if item is not None:
        shutil.rmtree(item.path.parent, ignore_errors=True)


def forget_dropped(files: list[Any]) -> None:
    """Delete what was staged for files no longer in the uploader's list."""
    current = {f.file_id for f in files}
    for file_id in [k for k in st.session_state.get("staged", {}) if k not in current]:
        _drop_staged(file_id)


def stage(files: list[Any], clinic_db: Path, lang: str) -> list[Staged]:
    """Write each uploaded file to disk once and preview it once (kept in the session). A file
    that cannot be written (a full disk) is said so and left out."""
    staged: dict[str, Staged] = st.session_state.setdefault("staged", {})
    folder = session_folder()
    out = []
    remembered = None
    for f in files:
        item = staged.get(f.file_id)
        if item is not None and item.path.exists():
            out.append(item)
            continue
        if item is None and remembered is None:  # before writing: StoreBusy leaves nothing
            with data.read_connection(clinic_db) as con:
                remembered = loader.saved_profiles(con) if con is not None else []
        uid = item.uid if item is not None else uuid.uuid4().hex
        try:
            path = _write_staged(folder, uid, f)
        except (OSError, ValueError) as exc:
            _LOG.warning("could not stage an upload: %s", exc)
            st.error(t("stage_failed", lang, name=md(short_name(str(f.name)))))
            continue
        if item is not None:  # the session's folder went (a reconnect): written again
            item.path = path
            out.append(item)
            continue
        staged[f.file_id] = Staged(f.file_id, str(f.name), path,
                                   loader.preview(path, remembered), uid)  # fmt: skip
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
        st.error(t("preview_error", lang, error=md(detected.error)))
        return None
    tables = list(TABLE_SPECS)
    default_table = detected.mapping.table if detected.mapping else tables[0]
    kind = st.selectbox(
        t("detected_kind", lang), tables, index=tables.index(default_table),
        format_func=lambda x: table_label(x, lang), key=f"kind_{item.uid}",
    )  # fmt: skip
    st.caption(f"{t('file_format', lang)}: {md(detected.fmt)} · {fmt.number(detected.rows, lang)} "
               f"{t('rows_in_file', lang)}")  # fmt: skip
    if detected.error and detected.mapping is None:
        st.warning(md(detected.error))
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
        editor, key=f"map_{item.uid}_{kind}", hide_index=True, width="stretch",
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
    missing = [" / ".join(field_label(c, lang) for c in group)
               for group in missing_groups(kind, set(columns.values()))]
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
                               key=f"profile_name_{item.uid}")  # fmt: skip
    if button_col.button(t("save_profile", lang), key=f"save_{item.uid}",
                         disabled=bool(missing)):  # fmt: skip
        saved = Profile(name.strip() or item.name, kind, columns, values=values,
                        date_format=date_format, complete=True)  # fmt: skip
        try:
            with data.write_connection(clinic_db, "edit_mappings") as con:
                loader.save_profile(con, saved)
            st.success(t("profile_saved", lang, name=md(saved.name)))
        except data.StoreBusy:
            st.warning(t("store_busy", lang))
    return profile if changed else None


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
            _drop_staged(item.file_id)
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
            st.error(md(r.error))  # the loader's and our messages are plain text
        for note in r.notes:
            st.warning(md(note))
        if r.rejected_rows is not None and len(r.rejected_rows):
            st.markdown(t("rejected_download", lang, name=md(r.file)))
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
    _stale_uploads_removed()  # once per process: uploads a killed server left behind
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
        label = t("load_button", lang, n=len(items), files=_files_word(len(items), lang))
        if items and st.button(label, type="primary", key="load_button",
                               icon=":material/upload:"):  # fmt: skip
            load_files(chosen, clinic_db, lang)
            st.session_state["flt"]["src"] = "clinic"
            st.session_state["uploader_round"] = counter + 1
            st.rerun()
    show_results(lang)
