"""Врачи: the doctors' figures, load against average check, return rate, a doctor's card."""

from dataclasses import replace

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import state, view
from clinic_bi.present import charts

DOCTOR_COLUMNS = [
    "doctor", "main_department", "visits", "patients", "new_patients", "revenue", "share",
    "avg_check", "revenue_per_patient", "return_rate", "ltv",
]  # fmt: skip

page = state.setup("doctors")
lang = page.lang
st.title(page.t("doctors_title"))
page.require("services")
state.period_caption(page)

summary = page.summary_or_stop()
doctors = page.metric("doctors")

view.section(page.t("doctors_table"))
view.table(doctors, DOCTOR_COLUMNS, lang, "doctors", "doctors_table")
names = [d for d in doctors["doctor"].dropna()]
if not names:  # a services export with no doctor column (DATA.md "services")
    st.info(page.t("no_doctors_in_export"), icon=":material/info:")
    st.stop()

left, right = st.columns(2, gap="large")
with left:
    view.chart(charts.load_vs_check(doctors, summary.avg_check, lang))
with right:
    view.chart(charts.bars(
        doctors, "doctor", "return_rate", lang, page.t("doctor_return_title"),
        extra=["return_cohort", "returned"], n=20,
        reference=summary.return_rate,
        reference_text=page.t("clinic_level", value=fmt.percent(summary.return_rate, lang)),
    ))  # fmt: skip

st.divider()
view.section(page.t("doctor_card"))
chosen = page.state["doctor"]
default = names.index(chosen[0]) if chosen and chosen[0] in names else 0
doctor = st.selectbox(page.t("pick_doctor"), names, index=default, key="doctor_card")
row = doctors[doctors["doctor"] == doctor].iloc[0]
card = [
    ("revenue", row["revenue"], None), ("share", row["share"], None),
    ("visits", row["visits"], None), ("new_patients", row["new_patients"], None),
    ("avg_check", row["avg_check"], summary.avg_check),
    ("revenue_per_patient", row["revenue_per_patient"], summary.revenue_per_patient),
    ("return_rate", row["return_rate"], summary.return_rate),
    ("ltv", row["ltv"], summary.ltv),
]  # fmt: skip
view.vs_clinic_cards(card, lang)

f_doctor = replace(page.filters, doctor=doctor)
left, right = st.columns(2, gap="large")
with left:
    services = page.metric("services", f=f_doctor)
    view.chart(charts.bars(services, "service", "revenue", lang, page.t("doctor_services"),
                           extra=["quantity", "share"], sums=["revenue", "quantity", "share"]))
with right:
    view.chart(charts.monthly_line(page.metric("monthly", f=f_doctor), "revenue", lang,
                                   page.t("doctor_trend")))  # fmt: skip
view.table(services, ["service", "quantity", "revenue", "share", "avg_price", "patients"], lang,
           "doctor_services", "doctor_services", height=300)  # fmt: skip
