"""Прогноз's data access (cached per store and data version) and its layout blocks: this month
from the schedule, the forecast chart, its accuracy sentence and its table.

The fitting is done on demand for the scope and figure the owner picks (one scope at a time:
14 doctors × 3 figures are never fitted at once) and cached with st.cache_data.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import data, downloads, view
from clinic_bi.metrics import Filters
from clinic_bi.metrics import forecast as fc
from clinic_bi.present import charts, forecast_text
from clinic_bi.present.words import label, t
from clinic_bi.present.words_forecast import COLUMNS


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _forecast(path: str, version: int, f: Filters, figure: str, horizon: int) -> fc.Forecast:
    with data.engine_for(Path(path)) as engine:
        return fc.forecast(engine, f, figure, horizon)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _projection(path: str, version: int, f: Filters) -> fc.Projection | None:
    with data.engine_for(Path(path)) as engine:
        return fc.schedule_projection(engine, f)


@st.cache_data(max_entries=16, ttl=data.TTL, show_spinner=False)
def _forecastable(path: str, version: int, f: Filters) -> dict[str, tuple[str, ...]]:
    with data.engine_for(Path(path)) as engine:
        return fc.forecastable(engine, f)


def scope_filters(f: Filters, scope: str) -> Filters:
    """The page's filters for one scope: the clinic, a department or a doctor (the branch of the
    sidebar kept); the dates do not matter to the forecast."""
    kind, _, name = scope.partition(":")
    base = replace(f, doctor=None, department=None)
    if kind == "doctor":
        return replace(base, doctor=name)
    if kind == "department":
        return replace(base, department=name)
    return base


def scopes(info: data.StoreInfo, f: Filters) -> list[str]:
    found = _forecastable(str(info.path), info.version, scope_filters(f, "clinic"))
    return (["clinic"] + [f"department:{n}" for n in found["department"]]
            + [f"doctor:{n}" for n in found["doctor"]])  # fmt: skip


def preselected(options: list[str], f: Filters) -> int:
    """The sidebar's single doctor (else its single department) picks the scope."""
    for kind in ("doctor", "department"):
        chosen = getattr(f, kind)
        if isinstance(chosen, tuple) and len(chosen) == 1:
            chosen = chosen[0]
        if isinstance(chosen, str) and f"{kind}:{chosen}" in options:
            return options.index(f"{kind}:{chosen}")
    return 0


def scope_name(scope: str, lang: str) -> str:
    kind, _, name = scope.partition(":")
    if kind == "clinic":
        return t("fc_scope_clinic", lang)
    return t(f"fc_scope_{kind}", lang, name=name)


def forecast_of(info: data.StoreInfo, f: Filters, figure: str, horizon: int) -> fc.Forecast:
    return _forecast(str(info.path), info.version, f, figure, horizon)


def projection_of(info: data.StoreInfo, f: Filters) -> fc.Projection | None:
    return _projection(str(info.path), info.version, f)


def col(name: str, lang: str) -> str:
    pair = COLUMNS.get(name)
    return label(name, lang) if pair is None else pair[0 if lang == "ru" else 1]


def _value(figure: str, value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return fmt.DASH
    if figure == "revenue":
        return fmt.money(value, lang)
    return fmt.number(value, lang)


def projected_value(p: fc.Projection, figure: str) -> float | None:
    return {"revenue": p.projected_revenue, "visits": p.projected_visits,
            "new_patients": p.projected_new_patients}[figure]  # fmt: skip


# -- blocks --------------------------------------------------------------------------------------


def projection_block(p: fc.Projection | None, lang: str) -> None:
    if p is None:
        st.info(t("fc_no_schedule", lang), icon=":material/event_busy:")
        return
    view.section(t("fc_projection_title", lang, month=fmt.month(p.month, lang)))
    done_label = (t("fc_done", lang, day=fmt.day(p.data_end, lang)) if p.month <= p.data_end
                  else t("fc_done_none", lang))  # fmt: skip
    cards = st.columns(4)
    cards[0].metric(done_label, fmt.money(p.done_revenue, lang))
    cards[1].metric(t("fc_booked", lang), fmt.number(p.booked, lang))
    cards[2].metric(t("fc_expected", lang), fmt.money(p.expected_revenue_rest, lang))
    cards[3].metric(t("fc_projected", lang), fmt.money(p.projected_revenue, lang),
                    help=t("fc_projected_help", lang))  # fmt: skip
    new = (fmt.number(p.projected_new_patients, lang) if p.projected_new_patients is not None
           else t("fc_new_unknown", lang))  # fmt: skip
    rows = pd.DataFrame({
        "figure": [label(k, lang) for k in fc.FIGURES],
        "done": [fmt.money(p.done_revenue, lang), fmt.number(p.done_visits, lang),
                 fmt.number(p.done_new_patients, lang)],
        "expected": [fmt.money(p.expected_revenue_rest, lang),
                     fmt.number(p.expected_visits_rest, lang),
                     fmt.number(p.expected_new_patients_rest, lang)
                     if p.projected_new_patients is not None else fmt.DASH],
        "projected": [fmt.money(p.projected_revenue, lang),
                      fmt.number(p.projected_visits, lang), new],
    })  # fmt: skip
    st.dataframe(rows.rename(columns={
        "figure": t("fc_figure", lang), "done": done_label,
        "expected": t("fc_expected", lang), "projected": t("fc_projected", lang),
    }), hide_index=True, width="stretch")  # fmt: skip
    st.caption(t("fc_projection_caption", lang, show_up=fmt.percent(p.show_up, lang),
                 per_visit=fmt.money(p.revenue_per_visit, lang),
                 day=fmt.day(p.data_end, lang)))  # fmt: skip
    for note in p.notes:
        st.caption(t(f"fc_note_{note}", lang, day=fmt.day(p.data_end, lang)))
    if len(p.by_doctor):
        with st.expander(t("fc_by_doctor", lang)):
            doctor_table(p.by_doctor, lang)


def doctor_table(by_doctor: pd.DataFrame, lang: str) -> None:
    columns = ["doctor", "booked", "show_up", "revenue_per_visit", "expected_visits",
               "expected_revenue", "booked_new_patients", "expected_new_patients"]  # fmt: skip
    shown = by_doctor[columns].copy()
    shown["doctor"] = shown["doctor"].astype(object).where(shown["doctor"].notna(), fmt.DASH)
    formats = {
        "booked": lambda v: fmt.number(v, lang),
        "show_up": lambda v: fmt.percent(v, lang),
        "revenue_per_visit": lambda v: fmt.money(v, lang),
        "expected_visits": lambda v: fmt.number(v, lang, 1),
        "expected_revenue": lambda v: fmt.money(v, lang),
        "booked_new_patients": lambda v: fmt.number(v, lang),
        "expected_new_patients": lambda v: fmt.number(v, lang, 1),
    }
    names = {c: (label("doctor", lang) if c == "doctor" else col(f"fc_{c}", lang))
             for c in columns}  # fmt: skip
    styler = shown.rename(columns=names).style.format(
        {names[c]: fn for c, fn in formats.items()}, na_rep=fmt.DASH)  # fmt: skip
    st.dataframe(styler, hide_index=True, width="stretch",
                 height=min(38 + 35 * max(len(shown), 1), 520))  # fmt: skip


def accuracy_text(result: fc.Forecast, lang: str) -> list[str]:
    """The sentences under the chart: the model, seasonality, the backtest (forecast_text, as
    the text report words them)."""
    b = result.backtest
    checked = None if b is None else {"origins": len(b.origins), "mape": b.mape, "mase": b.mase,
                                      "ratio": b.ratio, "naive": b.naive}  # fmt: skip
    return forecast_text.accuracy_lines(result.model, result.training_months, result.reason,
                                        result.seasonal, checked, lang)  # fmt: skip


def no_forecast_text(result: fc.Forecast, lang: str) -> str:
    return forecast_text.no_forecast_line(result.reason, result.training_months,
                                          list(result.gaps), lang)  # fmt: skip


def forecast_table(result: fc.Forecast, lang: str) -> None:
    columns = ["month", "fc_point", "fc_lo80", "fc_hi80", "fc_lo95", "fc_hi95"]
    frame = result.forecast.rename(columns={c: f"fc_{c}" for c in
                                            ("point", "lo80", "hi80", "lo95", "hi95")})  # fmt: skip
    shown = pd.DataFrame({col(c, lang): (
        [fmt.month(m, lang) for m in frame["month"]] if c == "month"
        else [_value(result.figure, v, lang) for v in frame[c]]) for c in columns})  # fmt: skip
    st.dataframe(shown, hide_index=True, width="stretch")
    # the numbers, not the words: money to the kopeck, counts to a tenth (as every download)
    digits = 2 if result.figure == "revenue" else 1
    download = frame.round({c: digits for c in columns[1:]})
    downloads.download_buttons(download, columns, lang, f"forecast_{result.figure}", "fc_table")


def chart(result: fc.Forecast, projection: fc.Projection | None, lang: str) -> None:
    spot = None
    if projection is not None:
        value = projected_value(projection, result.figure)
        if value is not None:
            spot = (projection.month, value)
    view.chart(charts.forecast_chart(result.history, result.forecast, result.figure, lang,
                                     model=result.model, projection=spot))  # fmt: skip
