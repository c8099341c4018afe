"""Воронка: lead → booking → visit → contract, by channel and operator; no-shows."""

import streamlit as st

from clinic_bi.app import state, view
from clinic_bi.present import charts

FUNNEL_COLUMNS = ["leads", "booked", "visited", "contracted", "booking_rate", "show_rate",
                  "contract_rate", "overall_rate"]  # fmt: skip

page = state.setup("funnel")
lang = page.lang
st.title(page.t("funnel_title"))
page.require("leads", "appointments")
state.period_caption(page)

if page.has("leads"):
    if any(page.state[name] for name in state.NAME_FILTERS):
        st.caption(page.t("funnel_ignores_filters"))
    funnel = page.metric("funnel")
    if not funnel.total.leads:
        st.info(page.t("empty_section"))
    else:
        view.chart(charts.funnel_steps, vars(funnel.total), lang)
        left, right = st.columns(2, gap="large")
        with left:
            view.chart(charts.rates_heatmap, funnel.by_channel, "channel", lang,
                                            page.t("funnel_by_channel"))  # fmt: skip
        with right:
            view.chart(charts.rates_heatmap, funnel.by_operator, "operator", lang,
                                            page.t("funnel_by_operator"))  # fmt: skip
        view.section(page.t("funnel_by_channel"))
        view.table(funnel.by_channel, ["channel", *FUNNEL_COLUMNS], lang, "funnel_channels",
                   "funnel_channels")  # fmt: skip
        view.section(page.t("funnel_by_operator"))
        view.table(funnel.by_operator, ["operator", *FUNNEL_COLUMNS], lang, "funnel_operators",
                   "funnel_operators")  # fmt: skip
else:
    state.needs_data(page, "leads")

st.divider()
if page.has("appointments"):
    show_up = page.metric("show_up")
    if show_up.total.attended + show_up.total.no_show == 0:
        st.info(page.t("empty_section"))
    else:
        left, right = st.columns(2, gap="large")
        with left:
            view.chart(charts.no_shows, show_up.by_weekday, "weekday", lang,
                                       page.t("noshow_weekday"))  # fmt: skip
        with right:
            view.chart(charts.no_shows, show_up.by_doctor, "doctor", lang,
                                       page.t("noshow_doctor"))  # fmt: skip
        view.table(show_up.by_doctor, ["doctor", "attended", "no_show", "cancelled",
                                       "show_up_rate"], lang, "show_up", "show_up")  # fmt: skip
else:
    state.needs_data(page, "appointments")
