"""The Данные page's "folder with exports" section (issue 16, part 3): the folder a MIS or CRM
saves its nightly report into, "check the folder now", and the command that schedules the same
check (cron, Windows Task Scheduler). The watching itself is `clinic_bi/ingest/watch.py`
(`python -m clinic_bi watch`); nothing is scheduled inside the Streamlit process.

The folder is saved in the clinic's store (meta 'watch_folder'), so `watch` without a folder
uses it. Saving it and checking it are a manager's (`access`: "upload"); an owner sees the
folder, the command and what failed. A check runs one pass in a child process
(`python -m clinic_bi.ingest.watch`), as an upload runs `load_worker`: a load must not hold this
process's store lock (clinic_bi/app/data.py).
"""

from __future__ import annotations

import logging
import os
import pickle
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import access, data, state, view
from clinic_bi.app.i18n import t, table_label
from clinic_bi.app.safe import md
from clinic_bi.ingest import watch
from clinic_bi.ingest.messages import localized
from clinic_bi.paths import PROJECT_DIR

_LOG = logging.getLogger(__name__)

# How long the check's child waits for another process's hold on the store before it says
# "busy" (a load from the command line may take minutes; the page should not).
CHILD_LOCK_WAIT_SECONDS = 10

WORDS: dict[str, tuple[str, str]] = {
    "watch_title": ("Папка с выгрузками", "Folder with exports"),
    "watch_intro": (
        "Если МИС или CRM каждую ночь сохраняет отчёт в папку, укажите её: новые и изменённые "
        "файлы из неё загружаются по тем же правилам, что и здесь (распознавание, сохранённые "
        "профили, журнал, повторная загрузка не удваивает строки). Файлы в папке не меняются и "
        "не перемещаются; вложенные папки просматриваются на один уровень.",
        "If your MIS or CRM saves a report into a folder every night, name the folder: its new "
        "and changed files are loaded by the same rules as here (recognition, saved profiles, "
        "the journal, a file loaded again does not double its rows). The files are never "
        "changed or moved; subfolders are looked into one level deep.",
    ),
    "watch_folder_label": (
        "Папка на компьютере, где работает приложение (полный путь)",
        "Folder on the computer the app runs on (full path)",
    ),
    "watch_folder_placeholder": ("например, /home/clinic/exports или D:\\Выгрузки",
                                 "for example, /home/clinic/exports or D:\\Exports"),
    "watch_save": ("Сохранить папку", "Save the folder"),
    "watch_saved": ("Папка сохранена: {folder}", "Folder saved: {folder}"),
    "watch_cleared": ("Папка больше не указана.", "No folder is set any more."),
    "watch_current": ("Папка: {folder}", "Folder: {folder}"),
    "watch_none": ("Папка не указана.", "No folder is set."),
    "watch_check": ("Проверить папку сейчас", "Check the folder now"),
    "watch_schedule": (
        "Чтобы папка проверялась сама, запускайте эту команду по расписанию:",
        "To have the folder checked by itself, run this command on a schedule:",
    ),
    "watch_cron": (
        "cron (Linux, macOS), каждые 30 минут — строка для `crontab -e`:",
        "cron (Linux, macOS), every 30 minutes — a line for `crontab -e`:",
    ),
    "watch_task_scheduler": (
        "Планировщик заданий Windows: «Создать задачу» → «Действия» → программа, аргументы и "
        "рабочая папка — как ниже; «Триггеры» — например, ежедневно, повторять каждые 30 минут.",
        "Windows Task Scheduler: «Create Task» → «Actions» → the program, arguments and start-in "
        "folder below; «Triggers» — for example, daily, repeating every 30 minutes.",
    ),
    "watch_program": ("Программа: {program}", "Program: {program}"),
    "watch_arguments": ("Аргументы: {arguments}", "Arguments: {arguments}"),
    "watch_start_in": ("Рабочая папка: {folder}", "Start in: {folder}"),
    "watch_status_loaded": ("загружен", "loaded"),
    "watch_status_same_file": ("уже загружен (№ {batch}), пропущен",
                               "already loaded (#{batch}), skipped"),
    "watch_status_failed": ("не загружен", "not loaded"),
    "watch_status_needs_profile": ("нужен профиль", "needs a profile"),
    "watch_status_pending": ("ещё записывается", "still being written"),
    "watch_summary": (
        "Проверено: загружено {loaded}, пропущено {same}, не загружено {failed}, ещё "
        "записываются {pending}; проверенных раньше и не изменившихся — {unchanged}.",
        "Checked: loaded {loaded}, skipped {same}, not loaded {failed}, still being written "
        "{pending}; checked before and unchanged: {unchanged}.",
    ),
    "watch_nothing_new": (
        "Новых или изменённых файлов нет (проверенных раньше и не изменившихся — {unchanged}).",
        "No new or changed files (checked before and unchanged: {unchanged}).",
    ),
    "watch_pending_note": (
        "{name}: файл ещё записывается — он загрузится при следующей проверке.",
        "{name}: the file is still being written — the next check loads it.",
    ),
    "watch_retry_note": (
        "Файл загрузится снова, когда изменится (например, когда его выгрузят заново).",
        "The file will be tried again when it changes (when it is exported again, say).",
    ),
    "watch_needs_profile_hint": (
        "Что сделать: загрузите этот файл вручную выше, выберите, что в нём и какой столбец "
        "чем является, и сохраните профиль — следующие такие выгрузки загрузятся сами.",
        "What to do: upload this file by hand above, choose what it holds and which column is "
        "which, and save the profile — the next such exports load by themselves.",
    ),
    "watch_waiting": (
        "{n:файл ждёт|файла ждут|файлов ждут} исправления",
        "{n:file waits|files wait} for a fix",
    ),
    "watch_failed_at": ("{name} (проверен {at}): {message}", "{name} (checked {at}): {message}"),
    "watch_busy": (
        "Хранилище занято другим процессом (идёт загрузка). Повторите, когда она закончится.",
        "The store is held by another process (a load is running). Try again when it is done.",
    ),
    "watch_check_failed": (
        "Проверка не удалась (подробности — в журнале сервера). Хранилище не изменилось.",
        "The check failed (details in the server log). The store is unchanged.",
    ),
    "watch_folder_not_set": ("Укажите папку.", "Enter a folder."),
    "watch_folder_missing": (
        "Папки {folder} нет на компьютере, где работает приложение. Проверьте путь.",
        "There is no folder {folder} on the computer the app runs on. Check the path.",
    ),
    "watch_folder_not_dir": ("{folder} — файл, а не папка.", "{folder} is a file, not a folder."),
    "watch_folder_outside_root": (
        "Папка {folder} вне разрешённой: администратор разрешил папки внутри {root} "
        "(переменная окружения CLINIC_BI_WATCH_ROOT).",
        "The folder {folder} is outside the allowed one: the administrator allowed folders "
        "inside {root} (the CLINIC_BI_WATCH_ROOT environment variable).",
    ),
    "watch_folder_remote": (
        "Папку с выгрузками можно указать только на компьютере, где работает приложение, или "
        "внутри папки, которую администратор разрешил переменной окружения "
        "CLINIC_BI_WATCH_ROOT: иначе через страницу можно было бы загрузить и прочитать любой "
        "файл сервера.",
        "The folder with exports can be set only on the computer the app runs on, or inside a "
        "folder the administrator allowed with the CLINIC_BI_WATCH_ROOT environment variable: "
        "otherwise the page could load and read any file of the server.",
    ),
    "watch_folder_relative": (
        "Укажите полный путь от корня диска (например, /home/clinic/exports или D:\\Выгрузки).",
        "Enter the full path from the root (for example, /home/clinic/exports or D:\\Exports).",
    ),
}


def wt(key: str, lang: str, **kwargs: Any) -> str:
    ru, en = WORDS[key]
    text = ru if lang == "ru" else en
    return fmt.phrase(text, lang, **kwargs) if kwargs else text


# -- the command to schedule -----------------------------------------------------------------------


def watch_arguments(folder: Path, db: Path) -> list[str]:
    """`-m clinic_bi watch FOLDER --once`, and `--db STORE` unless the store is where the command
    looks with no environment at all (~/.clinic_bi/clinic.duckdb): cron and the Task Scheduler
    do not pass on $CLINIC_BI_DB or $CLINIC_BI_HOME."""
    args = ["-m", "clinic_bi", "watch", str(folder), "--once"]
    if Path(db) != Path.home() / ".clinic_bi" / "clinic.duckdb":
        args += ["--db", str(db)]
    return args


def schedule_command(folder: Path, db: Path, windows: bool | None = None) -> str:
    """The whole command line for a shell: `cd PROJECT && PYTHON -m clinic_bi watch … --once`
    (POSIX quoting; on Windows, the quoting of its command line)."""
    windows = os.name == "nt" if windows is None else windows
    words = [sys.executable, *watch_arguments(folder, db)]
    if windows:
        return f"cd /d {subprocess.list2cmdline([str(PROJECT_DIR)])} && " + \
            subprocess.list2cmdline(words)
    return f"cd {shlex.quote(str(PROJECT_DIR))} && " + " ".join(shlex.quote(w) for w in words)


# -- one check, in a child ------------------------------------------------------------------------


def check_in_child(folder: Path, clinic_db: Path) -> dict[str, Any]:
    """One pass of `watch` over `folder` into `clinic_db`, in a child process; its outcome
    (clinic_bi/ingest/watch.py, child_main). The role is checked here, before the child starts;
    every cached figure is dropped when it ends."""
    access.require("upload")
    job = Path(tempfile.mkdtemp(prefix="clinic_bi_watch_job_"))  # 0700
    target = job / "outcome.pickle"
    env = {**os.environ, "CLINIC_BI_LOCK_WAIT": str(CHILD_LOCK_WAIT_SECONDS)}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "clinic_bi.ingest.watch", str(folder), str(clinic_db),
             str(target)],
            cwd=PROJECT_DIR, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", check=False,
        )  # fmt: skip
        if proc.stderr.strip():
            _LOG.warning("watch check: %s", proc.stderr.strip()[-4000:])
        try:
            with open(target, "rb") as f:
                return pickle.load(f)  # written by watch.child_main, in our own 0700 folder
        except (OSError, EOFError, pickle.UnpicklingError):
            _LOG.warning("watch check ended with code %s and no outcome", proc.returncode)
            return {"status": "failed"}
    finally:
        shutil.rmtree(job, ignore_errors=True)
        data.clear_caches()


# -- which folders the page may watch ---------------------------------------------------------------

ROOT_ENV = "CLINIC_BI_WATCH_ROOT"


def folder_refusal(folder: Path, local: bool) -> tuple[str, dict[str, str]] | None:
    """None when the page may save and check `folder`; else the words' key and arguments.
    Whoever may upload could otherwise point the watcher at any folder of the server and read
    its files back through the rejected rows. With $CLINIC_BI_WATCH_ROOT set, only folders
    inside it (symbolic links resolved); without it, only a browser on this computer."""
    root = os.environ.get(ROOT_ENV, "").strip()
    if root:
        try:
            Path(folder).resolve().relative_to(Path(root).resolve())
        except ValueError:
            return "watch_folder_outside_root", {"folder": md(folder), "root": md(root)}
        return None
    return None if local else ("watch_folder_remote", {})


def _refused(folder: Path, lang: str) -> bool:
    """Say why the page may not use `folder`, if it may not."""
    refusal = folder_refusal(folder, access.is_local_origin(access.request_origin()))
    if refusal is not None:
        st.error(wt(refusal[0], lang, **refusal[1]))
    return refusal is not None


# -- the section ------------------------------------------------------------------------------------


def watch_panel(page: state.Page) -> None:
    """The section, at the foot of the Данные page."""
    lang = page.lang
    clinic_db = state.store_path("clinic")
    view.section(wt("watch_title", lang))
    st.caption(wt("watch_intro", lang))
    try:
        with data.read_connection(clinic_db) as con:
            folder = watch.saved_folder(con) if con is not None else None
            waiting = watch.remembered_failures(con, folder) if con is not None and folder else []
    except data.StoreBusy:
        st.caption(t("journal_busy", lang))
        return
    can_edit = page.user.can("upload")
    try:
        if can_edit:
            _folder_form(clinic_db, folder, lang)
        else:
            st.caption(wt("watch_current", lang, folder=md(folder)) if folder
                       else wt("watch_none", lang))  # fmt: skip
        if folder is None:
            return
        if can_edit and st.button(wt("watch_check", lang), key="watch_check",
                                  icon=":material/folder_open:"):  # fmt: skip
            if _refused(folder, lang):  # saved before the rule, or the root changed since
                return
            st.session_state["watch_outcome"] = check_in_child(folder, clinic_db)
            st.rerun()  # the journal and the coverage above show what was loaded
    except access.ActionRefused:
        st.error(t("action_refused", lang))
        return
    outcome = st.session_state.get("watch_outcome")
    if outcome is not None:
        _show_outcome(outcome, folder, lang)
    _waiting(waiting, lang)
    _schedule(folder, clinic_db, lang)


def _folder_form(clinic_db: Path, folder: Path | None, lang: str) -> None:
    said = st.session_state.pop("watch_said", None)
    if said:
        st.success(said)
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    typed = left.text_input(wt("watch_folder_label", lang), value=str(folder or ""),
                            key="watch_folder_input",
                            placeholder=wt("watch_folder_placeholder", lang))  # fmt: skip
    if not right.button(wt("watch_save", lang), key="watch_save", icon=":material/save:"):
        return
    if typed.strip() and _refused(Path(typed.strip()), lang):
        return
    try:
        with data.write_connection(clinic_db, "upload") as con:
            saved = watch.save_folder(con, typed)
    except watch.FolderError as exc:
        st.error(wt(f"watch_folder_{exc.reason}", lang, folder=md(exc.folder)))
        return
    except data.StoreBusy:
        st.warning(t("store_busy", lang))
        return
    st.session_state.pop("watch_outcome", None)  # a check of another folder
    st.session_state["watch_said"] = (wt("watch_saved", lang, folder=md(saved)) if saved
                                      else wt("watch_cleared", lang))  # fmt: skip
    st.rerun()


def _status(outcome: watch.FileOutcome, lang: str) -> str:
    if outcome.status == watch.SAME_FILE:
        return wt("watch_status_same_file", lang, batch=outcome.batch_id)
    return wt(f"watch_status_{outcome.status}", lang)


def _show_outcome(outcome: dict[str, Any], folder: Path, lang: str) -> None:
    status = outcome.get("status")
    if status == "busy":
        st.warning(wt("watch_busy", lang))
        return
    if status == "folder":
        st.error(wt(f"watch_folder_{outcome['reason']}", lang, folder=md(folder)))
        return
    if status != "ok":
        st.error(wt("watch_check_failed", lang))
        return
    report: watch.PassReport = outcome["report"]
    if not report.outcomes:
        st.info(wt("watch_nothing_new", lang, unchanged=report.unchanged))
        return
    st.caption(wt("watch_summary", lang, loaded=report.count(watch.LOADED),
                  same=report.count(watch.SAME_FILE),
                  failed=report.count(watch.FAILED, watch.NEEDS_PROFILE),
                  pending=report.count(watch.PENDING), unchanged=report.unchanged))  # fmt: skip
    rows = []
    for o in report.outcomes:
        r = o.result
        rows.append({
            "file_name": o.name,
            "kind": table_label(r.kind, lang) if r is not None and r.kind else "—",
            "status": _status(o, lang),
            "rows_read": r.rows_read if r is not None else None,
            "rows_new": r.rows_new if r is not None else None,
            "rows_replaced": r.rows_replaced if r is not None else None,
            "rows_rejected": r.rows_rejected if r is not None else None,
        })  # fmt: skip
    frame = pd.DataFrame(rows)
    view.table(frame, list(frame.columns), lang, "watch_result", "watch_result")
    for o in report.outcomes:
        if o.status == watch.PENDING:
            st.info(wt("watch_pending_note", lang, name=md(o.name)))
        elif o.status == watch.NEEDS_PROFILE:
            st.warning(md(localized(o.message or "", lang)) + "  \n"
                       + wt("watch_needs_profile_hint", lang))  # fmt: skip
        elif o.status == watch.FAILED:
            st.error(md(localized(o.message or "", lang)) + "  \n" + wt("watch_retry_note", lang))
        elif o.result is not None:
            if o.result.reconciliation is not None:
                text = f"{md(o.name)}: {md(o.result.reconciliation_text(lang))}"
                (st.success if o.result.reconciliation.agrees else st.warning)(text)
            for note in o.result.notes:
                st.warning(md(localized(note, lang)))


def _waiting(waiting: list[tuple[str, watch.Seen]], lang: str) -> None:
    """The files that failed in an earlier check (or a scheduled one) and wait for a change."""
    if not waiting:
        return
    with st.expander(wt("watch_waiting", lang, n=len(waiting))):
        for name, seen in waiting:
            message = seen.text() or ""
            at = seen.at.replace("T", " ")[:16]
            line = wt("watch_failed_at", lang, name=md(name), at=md(at),
                      message=md(localized(message, lang)))  # fmt: skip
            if seen.status == watch.NEEDS_PROFILE:
                line += "  \n" + wt("watch_needs_profile_hint", lang)
            st.markdown(line)


def _schedule(folder: Path, clinic_db: Path, lang: str) -> None:
    st.caption(wt("watch_schedule", lang))
    st.code(schedule_command(folder, clinic_db), language="bash", wrap_lines=True)
    if os.name == "nt":
        st.caption(wt("watch_task_scheduler", lang))
        st.code("\n".join([
            wt("watch_program", lang, program=sys.executable),
            wt("watch_arguments", lang,
               arguments=subprocess.list2cmdline(watch_arguments(folder, clinic_db))),
            wt("watch_start_in", lang, folder=str(PROJECT_DIR)),
        ]), language=None, wrap_lines=True)  # fmt: skip
    else:
        st.caption(wt("watch_cron", lang))
        st.code("*/30 * * * * " + schedule_command(folder, clinic_db), language="bash",
                wrap_lines=True)  # fmt: skip

