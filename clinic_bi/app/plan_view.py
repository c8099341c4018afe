"""The План page's data and views: cached goals and pacing (clinic_bi/metrics/goals.py), the
month-to-date cards, the goals editor (saved as one batch: clinic_bi/store/goals.py), undoing
the last goals batch, and the past months' table."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt, periods
from clinic_bi.app import access, data
from clinic_bi.app.downloads import download_buttons
from clinic_bi.app.i18n import t
from clinic_bi.app.safe import md
from clinic_bi.ingest import loader
from clinic_bi.ingest.messages import localized, message_of
from clinic_bi.metrics import goals as mg
from clinic_bi.metrics.goals import Pace
from clinic_bi.periods import month_end
from clinic_bi.store import goals as sg

# -- cached data -------------------------------------------------------------------------------


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _month_to_date(path: str, version: int, month: date) -> list[Pace]:
    with data.engine_for(Path(path)) as engine:
        return mg.month_to_date(engine, month)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _goals(path: str, version: int, month: date) -> pd.DataFrame:
    with data.engine_for(Path(path)) as engine:
        return mg.goals(engine, month, month)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _past(path: str, version: int, date_from: date, date_to: date) -> pd.DataFrame:
    with data.engine_for(Path(path)) as engine:
        return mg.past_months(engine, date_from, date_to)


@st.cache_data(max_entries=16, ttl=data.TTL, show_spinner=False)
def _goal_months(path: str, version: int) -> list[date]:
    with data.engine_for(Path(path)) as engine:
        frame = mg.goals(engine, date(1900, 1, 1), date(2999, 12, 1))
    return sorted(set(frame["month"]))


def month_to_date(info: data.StoreInfo, month: date) -> list[Pace]:
    return _month_to_date(str(info.path), info.version, month)


def goals_of(info: data.StoreInfo, month: date) -> pd.DataFrame:
    return _goals(str(info.path), info.version, month)


def past(info: data.StoreInfo, date_from: date, date_to: date) -> pd.DataFrame:
    return _past(str(info.path), info.version, date_from, date_to)


def month_choices(info: data.StoreInfo) -> tuple[list[date], int]:
    """The months the picker offers: from twelve months before the paced month (or the first
    goal) to twelve after it (or the last goal); and the index of the paced month."""
    paced = mg.paced_month(info.data_end) or date.today().replace(day=1)
    with_goals = _goal_months(str(info.path), info.version)
    first = min([periods.months_back(paced, 12), *with_goals])
    last = max([periods.months_back(paced, -12), *with_goals])
    months = periods.months_touched(first, last)
    return months, months.index(paced)


# -- words -------------------------------------------------------------------------------------


def scope_word(scope: str, lang: str) -> str:
    return t(f"plan_scope_{scope}", lang)


def figure_word(figure: str, lang: str) -> str:
    return t(f"plan_figure_{figure}", lang)


def amount(figure: str, value: Any, lang: str) -> str:
    """A goal's or a figure's value: money for revenue, a count for visits and new patients
    (a per-day rate keeps one decimal)."""
    if value is None or pd.isna(value):
        return "—"
    if figure == "revenue":
        return fmt.money(value, lang)
    digits = 0 if float(value) == round(float(value)) else 1
    return fmt.number(value, lang, digits=digits)


def scope_title(scope: str, name: str | None, lang: str) -> str:
    """«Клиника», «Врач: Петров Д. В.» — as markdown (the name is the clinic's text)."""
    word = scope_word(scope, lang)
    return word if scope == "clinic" or not name else f"{word}: {md(name)}"


# -- the month-to-date cards --------------------------------------------------------------------

STATUS_BADGE = {"green": "green", "amber": "orange", "red": "red"}


def status_badge(status: str | None, lang: str) -> str:
    if status is None:
        return f":gray-badge[{t('plan_status_none', lang)}]"
    return f":{STATUS_BADGE[status]}-badge[{t(f'plan_status_{status}', lang)}]"


def projection_text(p: Pace, lang: str) -> str:
    if p.projected is None:
        return t("plan_projected_none", lang)
    return t(f"plan_projected_{p.projection_source}", lang, value=amount(p.figure, p.projected,
                                                                            lang))


def card(p: Pace, lang: str) -> None:
    """One goal of the month to date: done of goal, % of the goal, the status, what is needed
    per remaining working day, where the pace should be by now, the projection."""
    with st.container(border=True):
        title = t("plan_card_title", lang, scope=scope_title(p.scope, p.scope_name, lang),
                  figure=figure_word(p.figure, lang))
        st.markdown(f"**{title}**  \n{status_badge(p.status, lang)}")
        if not p.known:
            st.warning(t("plan_unknown_name", lang, name=md(p.scope_name)),
                       icon=":material/help:")
        st.metric(t("plan_done_label", lang, goal=amount(p.figure, p.goal, lang)),
                  amount(p.figure, p.done, lang))
        if p.share is not None:
            st.progress(min(max(p.share, 0.0), 1.0))
        lines = []
        if p.share is not None:
            lines.append(t("plan_share", lang, share=fmt.percent(p.share, lang)))
        over = p.projection_source == "actual"  # the month is over: its total says it all
        if p.needed_per_day is not None:
            lines.append(t("plan_needed", lang, value=amount(p.figure, p.needed_per_day, lang)))
        elif p.workdays_left == 0 and p.done is not None and not over:
            lines.append(t("plan_needed_none", lang))
        if (p.expected is not None and p.data_end is not None and p.data_end >= p.month
                and not over):
            lines.append(t("plan_expected", lang, day=fmt.day(min(p.data_end, month_end(p.month)),
                                                             lang),
                           value=amount(p.figure, p.expected, lang)))
        if not p.known:  # no figures for a name the store does not know: nothing to pace
            st.markdown("  \n".join(lines))
            return
        lines.append(projection_text(p, lang))
        lines.append(t("plan_workdays", lang, total=p.workdays_total, passed=p.workdays_passed,
                       left=p.workdays_left, source=t(f"plan_source_{p.workdays_source}", lang)))
        st.markdown("  \n".join(lines))


def cards(paces: list[Pace], lang: str, per_row: int = 3) -> None:
    for start in range(0, len(paces), per_row):
        columns = st.columns(per_row)
        for column, p in zip(columns, paces[start : start + per_row], strict=False):
            with column:
                card(p, lang)


def month_note(month: date, data_end: date | None, lang: str) -> str | None:
    """What the month to date cannot say: a month not begun, or data that stops before it."""
    if data_end is None:
        return None
    if data_end < month.replace(day=1) - pd.Timedelta(days=1):
        if month > date.today():
            return t("plan_mtd_future", lang, month=fmt.month(month, lang))
        return t("plan_mtd_gap", lang, day=fmt.day(data_end, lang))
    return None


# -- the editor ------------------------------------------------------------------------------------

EDIT_COLUMNS = ["scope", "scope_name", "figure", "goal"]


def editor_frame(goals: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The month's goals as the editor shows them: scope and figure in words."""
    frame = pd.DataFrame({
        "scope": [scope_word(s, lang) for s in goals["scope"]],
        "scope_name": [n if isinstance(n, str) else "" for n in goals["scope_name"]],
        "figure": [figure_word(f, lang) for f in goals["figure"]],
        "goal": goals["goal"].astype(float),
    })  # fmt: skip
    return frame.astype({"scope": object, "scope_name": object, "figure": object})


def _from_word(words: dict[str, str], text: Any) -> str | None:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    return words.get(str(text))


def edits_from_frames(
    before: pd.DataFrame, after: pd.DataFrame, month: date, lang: str
) -> list[sg.Goal]:
    """The goals to save from the editor: every row of `after` (scope and figure in words of
    `lang`) as a goal of `month`, and each goal of `before` (the stored goals, codes) that no
    row holds any more as a goal with no value (removed). GoalError names the row."""
    scopes = {scope_word(s, lang): s for s in sg.SCOPES}
    figures = {figure_word(f, lang): f for f in sg.FIGURES}
    out: list[sg.Goal] = []
    kept: set[str] = set()
    for number, row in enumerate(after.itertuples(index=False), start=1):
        scope, figure = _from_word(scopes, row.scope), _from_word(figures, row.figure)
        name = row.scope_name if isinstance(row.scope_name, str) else None
        value = None if row.goal is None or pd.isna(row.goal) else float(row.goal)
        if scope is None and figure is None and not name and value is None:
            continue  # an empty row the editor added
        if scope is None or figure is None:
            raise sg.GoalError(t("plan_error_row", lang, row=number,
                                 error=t("plan_error_incomplete", lang)))
        try:
            goal = sg.checked(sg.Goal(month, scope, name, figure, value))
        except sg.GoalError as exc:
            key = str(exc)
            error = t(key, lang) if key.startswith("plan_") else key
            raise sg.GoalError(t("plan_error_row", lang, row=number, error=error)) from exc
        kept.add(sg.goal_id(goal.month, goal.scope, goal.scope_name, goal.figure))
        out.append(goal)
    for row in before.itertuples(index=False):
        name = row.scope_name if isinstance(row.scope_name, str) else None
        if sg.goal_id(month, row.scope, name, row.figure) not in kept:
            out.append(sg.Goal(month, row.scope, name, row.figure, None))
    return out


def editor(info: data.StoreInfo, month: date, lang: str, can_edit: bool,
           user_name: str) -> None:
    """The month's goals in a table editor, with «save» for a manager."""
    stored = goals_of(info, month)
    shown = editor_frame(stored, lang)
    scopes = [scope_word(s, lang) for s in sg.SCOPES]
    figures = [figure_word(f, lang) for f in sg.FIGURES]
    config = {
        "scope": st.column_config.SelectboxColumn(t("plan_col_scope", lang), options=scopes,
                                                  required=True),
        "scope_name": st.column_config.TextColumn(t("plan_col_name", lang)),
        "figure": st.column_config.SelectboxColumn(t("plan_col_figure", lang), options=figures,
                                                   required=True),
        "goal": st.column_config.NumberColumn(t("plan_col_goal", lang), min_value=0.0,
                                              step=1.0, format="localized"),
    }
    edited = st.data_editor(
        shown, column_config=config, num_rows="dynamic" if can_edit else "fixed",
        disabled=not can_edit, hide_index=True, width="stretch",
        key=f"plan_editor_{month:%Y-%m}_{info.version}",
    )  # fmt: skip
    st.caption(t("plan_edit_help", lang))
    if not can_edit:
        st.info(t("plan_owner_reads", lang), icon=":material/visibility:")
        return
    if st.button(t("plan_save", lang), type="primary", key="plan_save"):
        save(info.path, stored, edited, month, lang, user_name)


def save(path: Path, stored: pd.DataFrame, edited: pd.DataFrame, month: date, lang: str,
         user_name: str) -> None:
    try:
        goals = edits_from_frames(stored, edited, month, lang)
    except sg.GoalError as exc:
        st.error(md(str(exc)))
        return
    try:
        with data.write_connection(path, "upload") as con:
            batch = sg.save_goals(con, goals, user=user_name)
            saved = 0 if batch is None else con.execute(
                "select rows_loaded from batches where batch_id = $b", {"b": batch}
            ).fetchall()[0][0]
    except data.StoreBusy:
        st.warning(t("store_busy", lang))
        return
    except access.ActionRefused:
        st.error(t("action_refused", lang))
        return
    if batch is None:
        st.session_state["plan_flash"] = ("info", t("plan_nothing_changed", lang))
    else:
        st.session_state["plan_flash"] = ("success", t("plan_saved", lang, n=int(saved),
                                                        batch=batch))
    st.rerun()


def flash() -> None:
    """The message a save or an undo left for the run after it."""
    message = st.session_state.pop("plan_flash", None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


def last_batch(path: Path) -> dict[str, Any] | None:
    """The latest goals batch of the journal (a page edit or a goals file), or None."""
    try:
        with data.read_connection(path) as con:
            if con is None:
                return None
            frame = sg.goal_batches(con)
    except data.StoreBusy:
        return None
    return None if frame.empty else frame.iloc[0].to_dict()


def batch_name(file_name: str, lang: str) -> str:
    """A goals batch as the page names it: a page edit in `lang` (the journal keeps it in
    Russian, as it keeps every file name), a file by its name."""
    if not file_name.startswith(sg.PAGE_EDIT_NAME):
        return file_name
    return t("plan_page_edit", lang) + file_name[len(sg.PAGE_EDIT_NAME):]


def undo(path: Path, lang: str, can_edit: bool) -> None:
    """«Undo the last change»: removes the latest goals batch when it is an edit of this page,
    as Данные's remove does; a goals file is removed on Данные (with its confirmation), not by
    one click here."""
    batch = last_batch(path)
    if batch is None:
        return
    when = batch["loaded_at"]
    when_text = (fmt.day(when, lang) + " " + when.strftime("%H:%M")
                 if isinstance(when, (datetime, pd.Timestamp)) else str(when))
    st.caption(t("plan_undo_what", lang, file=md(batch_name(str(batch["file_name"]), lang)),
                 when=when_text,
                 n=int(batch["rows_loaded"])))
    if not can_edit:
        return
    if not str(batch["file_name"]).startswith(sg.PAGE_EDIT_NAME):
        st.caption(t("plan_undo_file", lang))
        return
    if st.button(t("plan_undo", lang), icon=":material/undo:", key="plan_undo"):
        try:
            with data.write_connection(path, "remove") as con:
                loader.remove_batch(con, int(batch["batch_id"]))
        except data.StoreBusy:
            st.warning(t("store_busy", lang))
            return
        except access.ActionRefused:
            st.error(t("action_refused", lang))
            return
        except loader.LoadError as exc:  # removed meanwhile
            st.warning(md(localized(message_of(exc), lang)))
            return
        st.session_state["plan_flash"] = ("success", t("plan_undone", lang,
                                                        batch=int(batch["batch_id"])))
        st.rerun()


# -- past months -----------------------------------------------------------------------------------


def past_table(frame: pd.DataFrame, lang: str) -> None:
    """Goal against actual per month and scope, each value in its figure's unit; downloads
    keep the numbers."""
    shown = pd.DataFrame({
        t("plan_col_month", lang): [fmt.month(m, lang) for m in frame["month"]],
        t("plan_col_scope", lang): [scope_word(s, lang) for s in frame["scope"]],
        t("plan_col_name", lang): [n if isinstance(n, str) else "" for n in frame["scope_name"]],
        t("plan_col_figure", lang): [figure_word(f, lang) for f in frame["figure"]],
        t("plan_col_goal", lang): [amount(f, v, lang) for f, v in zip(frame["figure"],
                                                                      frame["goal"], strict=True)],
        t("plan_col_actual", lang): [amount(f, v, lang) for f, v in zip(frame["figure"],
                                                                        frame["actual"],
                                                                        strict=True)],
        t("plan_col_share", lang): [fmt.percent(v, lang) if v is not None else "—"
                                    for v in frame["share"]],
        t("plan_col_note", lang): [
            t("plan_note_unknown", lang) if not known
            else t("plan_note_no_data", lang) if not has_data else ""
            for known, has_data in zip(frame["known"], frame["has_data"], strict=True)
        ],
    })  # fmt: skip
    st.dataframe(shown, hide_index=True, width="stretch",
                 height=min(38 + 35 * max(len(shown), 1), 640))
    raw = pd.DataFrame({
        t("plan_col_month", lang): [m.isoformat() for m in frame["month"]],
        t("plan_col_scope", lang): [scope_word(s, lang) for s in frame["scope"]],
        t("plan_col_name", lang): list(frame["scope_name"]),
        t("plan_col_figure", lang): [figure_word(f, lang) for f in frame["figure"]],
        t("plan_col_goal", lang): frame["goal"].astype(float),
        t("plan_col_actual", lang): pd.to_numeric(frame["actual"], errors="coerce"),
        t("plan_col_share", lang): pd.to_numeric(frame["share"], errors="coerce"),
    })  # fmt: skip
    download_buttons(raw, list(raw.columns), lang, "plan_past_months", "plan_past")
