"""Рентабельность's data access (cached per store, data version and filters) and its layout
blocks: the KPI row with the unknown share, the operating margin, the tables with downloads.

The figures are clinic_bi.metrics.margins' as they are; money is shown via fmt.money, ratios via
fmt.percent, and an unknown value as "—", never 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import data, downloads
from clinic_bi.metrics import Filters
from clinic_bi.metrics import margins as mg
from clinic_bi.present.words import label, t, value
from clinic_bi.present.words_margins import DECIMALS, MONEY, RATIOS


@st.cache_data(max_entries=16, ttl=data.TTL, show_spinner=False)
def _cost_rows(path: str, version: int) -> dict[str, int]:
    with data.engine_for(Path(path)) as engine:
        return mg.cost_rows(engine)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _summary(path: str, version: int, f: Filters) -> dict[str, Any]:
    with data.engine_for(Path(path)) as engine:
        return mg.margin_summary(engine, f)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _breakdown(path: str, version: int, f: Filters, by: str) -> pd.DataFrame:
    with data.engine_for(Path(path)) as engine:
        return mg.margin_breakdown(engine, f, by)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _review(path: str, version: int, f: Filters) -> pd.DataFrame:
    with data.engine_for(Path(path)) as engine:
        return mg.price_review(engine, f)


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _operating(path: str, version: int, f: Filters, allocate: str) -> dict[str, Any]:
    with data.engine_for(Path(path)) as engine:
        return mg.operating_margin(engine, f, allocate)


def cost_rows(info: data.StoreInfo) -> dict[str, int]:
    return _cost_rows(str(info.path), info.version)


def summary(info: data.StoreInfo, f: Filters) -> dict[str, Any]:
    return _summary(str(info.path), info.version, f)


def breakdown(info: data.StoreInfo, f: Filters, by: str) -> pd.DataFrame:
    return _breakdown(str(info.path), info.version, f, by)


def review(info: data.StoreInfo, f: Filters) -> pd.DataFrame:
    return _review(str(info.path), info.version, f)


def operating(info: data.StoreInfo, f: Filters, allocate: str) -> dict[str, Any]:
    return _operating(str(info.path), info.version, f, allocate)


def show(column: str, value: Any, lang: str) -> str:
    """One value as the page shows it: "—" for unknown, never 0."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return fmt.DASH
    if column in MONEY:
        return fmt.money(value, lang)
    if column in RATIOS:
        return fmt.percent(value, lang)
    if column in DECIMALS:
        return fmt.number(value, lang, 1)
    if isinstance(value, str):
        return value
    return fmt.number(value, lang)


# -- blocks --------------------------------------------------------------------------------------


def unknown_text(s: dict[str, Any], lang: str) -> str:
    if not s["unknown_lines"]:
        return t("mrg_all_known", lang)
    return t("mrg_unknown", lang, share=fmt.percent(s["unknown_revenue_share"], lang, 0),
             revenue=fmt.money(s["unknown_revenue"], lang), lines=int(s["unknown_lines"]),
             no_cost=fmt.number(s["no_cost_lines"], lang),
             no_rule=fmt.number(s["no_rule_lines"], lang),
             no_duration=fmt.number(s["no_duration_lines"], lang))  # fmt: skip


def kpi_row(s: dict[str, Any], lang: str) -> None:
    cards = st.columns(4)
    cards[0].metric(t("mrg_margin", lang), show("margin", s["margin"], lang),
                    help=t("mrg_margin_help", lang))  # fmt: skip
    cards[1].metric(t("mrg_margin_share", lang), show("margin_share", s["margin_share"], lang),
                    help=t("mrg_margin_share_help", lang))  # fmt: skip
    cards[2].metric(t("mrg_margin_per_hour", lang),
                    show("margin_per_hour", s["margin_per_hour"], lang),
                    help=t("mrg_margin_per_hour_help", lang))  # fmt: skip
    cards[3].metric(t("mrg_unknown_share", lang),
                    show("unknown_revenue_share", s["unknown_revenue_share"], lang))  # fmt: skip
    text = unknown_text(s, lang)
    st.caption(text[0].upper() + text[1:])


def operating_block(o: dict[str, Any], lang: str) -> None:
    cards = st.columns(3)
    cards[0].metric(t("mrg_gross", lang), show("margin", o["gross_margin"], lang))
    cards[1].metric(t("mrg_fixed", lang), show("fixed_costs", o["fixed_costs"], lang))
    cards[2].metric(t("mrg_operating", lang),
                    show("operating_margin", o["operating_margin"], lang))  # fmt: skip
    used = "mrg_used_hours" if o["allocate"] == "hours" else "mrg_used_none"
    st.caption(t(used, lang, amount=fmt.money(o["unallocated"], lang)))
    frame = pd.DataFrame(o["departments"])
    if len(frame):
        columns = ["department", "margin", "fixed_costs", "operating_margin"]
        if o["allocate"] == "hours":
            columns.append("hours_share")
        table(frame, columns, lang, f"operating_{o['allocate']}", "mrg_operating")


def table(frame: pd.DataFrame, columns: list[str], lang: str, name: str, key: str,
          height: int | str = "auto") -> None:  # fmt: skip
    """The columns named and formatted in `lang` ("—" for unknown), and the two downloads
    (money to the kopeck, the numbers as numbers)."""
    shown = frame.loc[:, columns].reset_index(drop=True).astype(object)
    for column in ("department", "doctor", "service"):
        if column in shown:
            shown[column] = shown[column].where(shown[column].notna(), value("none", lang))
    names = {c: label(c, lang) for c in columns}
    text = pd.DataFrame({names[c]: [show(c, v, lang) for v in shown[c]] for c in columns})
    if height == "auto":
        height = min(38 + 35 * max(len(text), 1), 640)
    st.dataframe(text, hide_index=True, width="stretch", height=height)
    download = frame.loc[:, columns].copy()
    for column in columns:
        if column in MONEY:
            download[column] = pd.to_numeric(download[column], errors="coerce").round(2)
    downloads.download_buttons(download, columns, lang, name, key)

