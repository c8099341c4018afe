"""Возвращаемость: first vs returning visits, return rate per doctor and department, cohort
retention and cohort LTV. The return window is a setting in the sidebar."""

from datetime import timedelta

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import state, view
from clinic_bi.present import charts

page = state.setup("retention")
lang = page.lang
st.title(page.t("retention_title"))
page.require("services")
state.period_caption(page)

f = page.filters
summary = page.summary_or_stop()
st.caption(page.t("retention_note", h=f.return_window,
                  day=fmt.day(page.info.data_end - timedelta(days=f.return_window), lang)))

view.chart(charts.first_vs_returning, page.metric("monthly"), lang)
clinic = page.t("clinic_level", value=fmt.percent(summary.return_rate, lang))
left, right = st.columns(2, gap="large")
with left:
    view.chart(charts.bars, page.metric("doctors"), "doctor", "return_rate", lang,
                           page.t("return_by_doctor"), extra=["return_cohort", "returned"], n=20,
                           reference=summary.return_rate, reference_text=clinic)  # fmt: skip
with right:
    view.chart(charts.bars, page.metric("departments"), "department", "return_rate", lang,
                           page.t("return_by_department"), extra=["return_cohort", "returned"],
                           reference=summary.return_rate, reference_text=clinic)  # fmt: skip

cohorts = page.metric("retention_cohorts")
if cohorts["retention"].notna().any():
    view.chart(charts.retention_heatmap, cohorts, lang)
ltv = page.metric("ltv_cohorts")
if ltv["revenue_per_patient"].notna().any():
    view.chart(charts.ltv_curves, ltv, lang)
