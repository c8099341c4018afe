"""Услуги: revenue per service, ABC / Pareto, volume vs revenue per hour, the price table."""

import streamlit as st

from clinic_bi.app import state, view
from clinic_bi.present import charts

PRICE_COLUMNS = [
    "service", "abc", "quantity", "avg_price", "revenue", "share", "patients", "revenue_per_hour",
]  # fmt: skip

page = state.setup("services")
lang = page.lang
st.title(page.t("services_title"))
page.require("services")
state.period_caption(page)

services = page.metric("services")
if services.empty:
    st.info(page.t("empty_period"))
    st.stop()

view.chart(charts.bars, services, "service", "revenue", lang, page.t("top_services_title"),
                       extra=["quantity", "share"], sums=["revenue", "quantity", "share"],
                       n=15)  # fmt: skip
left, right = st.columns(2, gap="large")
with left:
    view.chart(charts.pareto, services, lang)
    counts = services["abc"].value_counts()
    st.caption(page.t("abc_counts", a=int(counts.get("A", 0)), b=int(counts.get("B", 0)),
                      c=int(counts.get("C", 0))))  # fmt: skip
with right:
    if services["revenue_per_hour"].notna().any():
        view.chart(charts.volume_vs_hour, services, lang)
    else:
        st.info(page.t("no_duration"))

view.section(page.t("price_table"))
query = st.text_input(page.t("search"), key="service_search", placeholder="…")
shown = services
if query.strip():
    shown = services[services["service"].str.contains(query.strip(), case=False, regex=False)]
view.table(shown, PRICE_COLUMNS, lang, "services", "price_table", height=420)
