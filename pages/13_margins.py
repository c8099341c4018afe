"""Рентабельность: the gross margin of the period (with the share of revenue whose cost is unknown),
the operating margin after fixed costs, services on revenue against margin per hour, the doctors
by margin per hour and the price review (METRICS.md "Margins")."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import costs_editor, state, view
from clinic_bi.app import margins_view as mv
from clinic_bi.metrics.margins import PRICE_REVIEW_COLUMNS
from clinic_bi.present import charts

BY_COLUMNS = ["margin", "margin_share", "margin_per_hour", "revenue", "materials", "pay",
              "hours", "unknown_revenue_share"]  # fmt: skip

page = state.setup("margins")
lang = page.lang
st.title(page.t("mrg_title"))
page.require("services")
state.period_caption(page)
if page.filters is None or page.info is None:
    st.info(page.t("empty_period"))
    st.stop()

rows = mv.cost_rows(page.info)
if not any(rows.values()):
    st.info(page.t("mrg_no_costs"), icon=":material/savings:")
    st.page_link(state.PAGE_SCRIPTS["data"], label=page.t("go_to_data"),
                 icon=":material/upload_file:")  # fmt: skip
    costs_editor.editors(page)  # the rules and costs can be typed in instead of uploaded
    st.stop()

f = page.filters
clinic = mv.summary(page.info, f)
if not clinic["lines"]:
    st.info(page.t("empty_period"))
    st.stop()
mv.kpi_row(clinic, lang)

view.section(page.t("mrg_operating_title"))
if not rows["fixed_costs"]:
    st.info(page.t("mrg_no_fixed"))
elif f.doctor is not None:
    st.info(page.t("mrg_doctor_no_fixed"))
else:
    allocate = st.radio(page.t("mrg_allocate"), ("none", "hours"), horizontal=True,
                        format_func=lambda k: page.t(f"mrg_allocate_{k}"),
                        help=page.t("mrg_allocate_help"), key="mrg_allocate")  # fmt: skip
    mv.operating_block(mv.operating(page.info, f, allocate), lang)

services = mv.breakdown(page.info, f, "service")
st.divider()
if services["margin_per_hour"].notna().any():
    view.chart(charts.margin_scatter, services, lang)
else:
    st.info(page.t("mrg_no_hours"))
with st.expander(page.t("mrg_services_table")):
    mv.table(services, ["service", *BY_COLUMNS, "unknown_lines"], lang, "margin_services",
             "mrg_services", height=420)  # fmt: skip

doctors = mv.breakdown(page.info, f, "doctor")
if doctors["margin_per_hour"].notna().any():
    view.chart(charts.doctor_margin_bars, doctors, clinic["margin_per_hour"], lang)
view.section(page.t("mrg_doctors_table"))
mv.table(doctors, ["doctor", *BY_COLUMNS], lang, "margin_doctors", "mrg_doctors")

view.section(page.t("mrg_review_title"))
reviewed = mv.review(page.info, f)
if len(reviewed):
    st.caption(page.t("mrg_review_caption",
                      median=fmt.money(reviewed["median_margin_per_hour"].iloc[0], lang)))  # fmt: skip
    mv.table(reviewed, [c for c in PRICE_REVIEW_COLUMNS if c != "median_margin_per_hour"], lang,
             "price_review", "mrg_review")  # fmt: skip
else:
    st.info(page.t("mrg_review_none"))

with st.expander(page.t("mrg_departments_table")):
    departments = mv.breakdown(page.info, f, "department")
    mv.table(departments, ["department", *BY_COLUMNS], lang, "margin_departments",
             "mrg_departments")  # fmt: skip

st.divider()
costs_editor.editors(page)
