"""Clinic BI web app — Обзор (the home page), or the welcome screen on an empty store.

Run: streamlit run streamlit_app.py. The other pages are pages/*.py (folder discovery; the
navigation is drawn by clinic_bi/app/state.py). Every figure comes from clinic_bi.metrics.
"""

from __future__ import annotations

import streamlit as st

from clinic_bi.app import calls_view, changes_view, data, report_download, state, view
from clinic_bi.present import charts

page = state.setup("overview")
lang = page.lang

if page.info is None or page.info.is_empty:
    from clinic_bi.app.welcome import welcome  # the loader and the demo: only on an empty store

    welcome(page)
    st.stop()

st.title(page.t("overview_title"))
state.period_caption(page)
page.require("services")

comparison = data.kpi_comparison(page.info, page.filters)
if not comparison.table.set_index("metric").loc["visits", "current"]:
    st.info(page.t("empty_period"))
    st.stop()

view.kpi_cards(comparison, lang)
view.comparison_caption(comparison, lang)
if page.filters.doctor or page.filters.department:
    # the cards are the clinic's figures narrowed to the choice, not the doctors' own (Врачи)
    st.caption(page.t("overview_narrowed_note"))

# what moved, and whom to call (Что изменилось, Кого позвать: the three sentences and the count)
view.section(page.t("overview_changes_title"))
changes_view.draw_sentences(changes_view.top_sentences(page), page, "overview_changes", shown=None)
calls_line = calls_view.overview_text(page.info, page.filters, lang)
if calls_line is not None:
    st.page_link(state.PAGE_SCRIPTS["calls"], label=calls_line, icon=":material/call:")

view.chart(charts.revenue_trend, page.metric("monthly"), lang)

left, right = st.columns(2, gap="large")
with left:
    departments = page.metric("departments")
    view.chart(charts.bars, departments, "department", "revenue", lang,
               page.t("by_department_title"), extra=["share", "patients"],
               sums=["revenue", "share"])  # fmt: skip
with right:
    doctors = page.metric("doctors")
    view.chart(charts.bars, doctors, "doctor", "revenue", lang, page.t("top_doctors_title"),
               extra=["share", "visits", "avg_check"], sums=["revenue", "share"])  # fmt: skip
view.table(doctors, ["doctor", "revenue", "share", "visits", "patients", "avg_check"], lang,
           "top_doctors", "overview_doctors", height=min(38 + 35 * len(doctors), 420))  # fmt: skip

# the same figures as files for the page's filters (the CLI's report --format pdf|xlsx, send)
view.section(page.t("owner_report_title"))
report_download.draw(page)
