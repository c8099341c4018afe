"""What pages draw with: KPI cards, tables with their downloads, charts.

Tables show values formatted by fmt.py (a pandas Styler, so a column still sorts by its number)
under column names of the chosen language; the downloads carry the same columns as numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import i18n
from clinic_bi.app.downloads import download_buttons
from clinic_bi.app.i18n import label, show, t, value
from clinic_bi.metrics import Comparison
from clinic_bi.present import figures as registry

# The KPI cards of Обзор, in order (names of Engine.comparison's metrics).
KPIS: tuple[str, ...] = (
    "revenue", "visits", "patients", "new_patients", "avg_check", "return_rate", "ltv",
)  # fmt: skip

TEXT_COLUMNS = {"doctor", "department", "branch", "service", "channel", "operator",
                "main_department", "abc", "file_name", "kind", "profile"}  # fmt: skip


def change_text(kind: str, change: Any, change_rel: Any, lang: str) -> str | None:
    """A change as a card shows it: relative for money and counts (+12,3 %), in percentage
    points for a ratio (+2,1 п.п.), always with an ASCII sign (st.metric colours a delta by it).
    None when there is nothing to compare with. The rule is figures.change_text's."""
    return registry.change_text(kind, change, change_rel, lang)


def kpi_value(name: str, kind: str, current: Any, lang: str) -> str:
    """A card's value: the figure as figures.show writes it (`kind` is the comparison's, the
    same as the registry's: tests/present/test_figures.py)."""
    return registry.show(name, current, lang)


def kpi_cards(comparison: Comparison, lang: str, names: Sequence[str] = KPIS) -> None:
    table = comparison.table.set_index("metric")
    prev, year = comparison.previous, comparison.year_earlier
    per_row = 4
    for start in range(0, len(names), per_row):
        columns = st.columns(per_row)
        for column, name in zip(columns, names[start : start + per_row], strict=False):
            row = table.loc[name]
            kind = str(row["kind"])
            delta = change_text(kind, row["change"], row["change_rel"], lang)
            year_delta = change_text(kind, row["change_year"], row["change_year_rel"], lang)
            help_text = t(
                "kpi_help", lang,
                prev=f"{fmt.day(prev.date_from, lang)} — {fmt.day(prev.date_to, lang)}",
                prev_value=kpi_value(name, kind, row["previous"], lang),
                year=f"{fmt.day(year.date_from, lang)} — {fmt.day(year.date_to, lang)}",
                year_value=kpi_value(name, kind, row["year_earlier"], lang),
            )  # fmt: skip
            with column.container(border=True):
                st.metric(
                    label(name, lang), kpi_value(name, kind, row["current"], lang),
                    delta=delta, help=help_text,
                    delta_description=t("vs_previous", lang) if delta else None,
                )  # fmt: skip
                if year_delta:
                    color = "green" if not year_delta.startswith("-") else "red"
                    arrow = "▲" if color == "green" else "▼"
                    st.markdown(
                        f":{color}[{arrow} {year_delta}] "
                        f"<span style='color:#777;font-size:0.85em'>{t('vs_year', lang)}</span>",
                        unsafe_allow_html=True,
                    )
                else:
                    st.markdown(
                        f"<span style='color:#999;font-size:0.85em'>— {t('vs_year', lang)}"
                        "</span>",
                        unsafe_allow_html=True,
                    )


def _formatter(column: str, lang: str):
    figure = registry.get(column)
    if figure is not None and (figure.kind != "count" or figure.digits):
        return lambda v: show(column, v, lang)
    if column in TEXT_COLUMNS:
        return lambda v: value("none", lang) if v is None or pd.isna(v) else str(v)
    return lambda v: (
        fmt.number(v, lang)
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        else str(v)
    )


def table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lang: str,
    name: str,
    key: str,
    height: int | str = "auto",
) -> None:
    """A table with the chosen columns, named and formatted in `lang`, and its downloads."""
    shown = frame.loc[:, list(columns)].reset_index(drop=True)
    for column in columns:
        if column in TEXT_COLUMNS and shown[column].dtype != object:
            shown[column] = shown[column].astype(object)
        if column == "channel":
            shown[column] = shown[column].replace({"unknown": value("unknown", lang)})
    names = {c: label(c, lang) for c in columns}
    shown = shown.rename(columns=names)
    styler = shown.style.format({names[c]: _formatter(c, lang) for c in columns}, na_rep="—")
    if height == "auto":
        height = min(38 + 35 * max(len(shown), 1), 640)
    st.dataframe(styler, hide_index=True, width="stretch", height=height, placeholder="—",
                 column_config=column_config(columns, lang))  # fmt: skip
    download_buttons(frame, columns, lang, name, key)


def column_config(columns: Sequence[str], lang: str) -> dict[str, Any]:
    """Short headers where the full name would widen a column past its numbers (the full name
    becomes the header's tooltip), and the first column (the name of the row) pinned, so a
    wide table scrolls under it."""
    config: dict[str, Any] = {}
    for i, column in enumerate(columns):
        full, short = label(column, lang), i18n.short_label(column, lang)
        pinned = i == 0 and column in TEXT_COLUMNS
        if short == full and not pinned:
            continue
        config[full] = st.column_config.Column(
            short, help=full if short != full else None, pinned=pinned or None
        )
    return config


def chart(figure: alt.TopLevelMixin) -> None:
    """Draw a chart of clinic_bi/present/charts/. Its spec is handed over as a dict without Altair's
    JSON-schema validation (tests/present/test_charts.py validates every chart function instead): on a
    page of five charts that is ~70 ms of a filter change's 1.5 s."""
    st.vega_lite_chart(figure.to_dict(validate=False), width="stretch")


def section(title: str) -> None:
    st.markdown(f"#### {title}")


def vs_clinic_cards(figures: Sequence[tuple[str, Any, Any]], lang: str) -> None:
    """A doctor's (or a department's) figures, each against the clinic's where one applies:
    (name, own value, clinic value or None)."""
    per_row = 4
    for start in range(0, len(figures), per_row):
        columns = st.columns(per_row)
        for column, (name, own, clinic) in zip(columns, figures[start : start + per_row],
                                               strict=False):  # fmt: skip
            delta = None
            kind = registry.kind(name) or "count"
            if clinic is not None and own is not None and not pd.isna(own) and not pd.isna(clinic):
                change = float(own) - float(clinic)
                delta = change_text(kind, change, change / abs(clinic) if clinic else None, lang)
            with column.container(border=True):
                st.metric(
                    label(name, lang), show(name, own, lang), delta=delta,
                    delta_description=t("clinic_level", lang, value=show(name, clinic, lang))
                    if clinic is not None else None,
                )  # fmt: skip
