"""Маркетинг: spend, leads, new patients, CAC, CPL, ROMI, LTV/CAC per channel; by month."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import state, view
from clinic_bi.present import charts

CHANNEL_COLUMNS = ["channel", "spend", "leads", "new_patients", "cac", "cpl",
                   "new_patient_revenue", "romi", "ltv_12m_cohorts", "ltv_to_cac_cohorts"]  # fmt: skip

page = state.setup("marketing")
lang = page.lang
st.title(page.t("marketing_title"))
page.require("marketing_spend")
state.period_caption(page)

channels = page.metric("marketing")
if channels.empty:
    st.info(page.t("empty_section"))
    st.stop()
view.section(page.t("marketing_table"))
view.table(channels, CHANNEL_COLUMNS, lang, "marketing", "marketing")
months = page.metric("ltv_cohort_months")
st.caption(page.t("ltv_cohorts_caption", start=fmt.month(months[0], lang),
                  end=fmt.month(months[1], lang)) if months else page.t("ltv_cohorts_none"))
left, right = st.columns(2, gap="large")
with left:
    view.chart(charts.bars, channels, "channel", "cac", lang, page.t("cac_title"),
                           extra=["spend", "new_patients", "ltv_to_cac_cohorts"])  # fmt: skip
with right:
    by_month = page.metric("marketing_by_month")
    view.chart(charts.spend_vs_new, by_month[by_month["channel"].isna()], lang)  # all channels
