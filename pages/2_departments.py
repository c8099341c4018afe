"""Направления: who brings the patients and who brings the money; check and return rate."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import state, view
from clinic_bi.present import charts

DEPARTMENT_COLUMNS = [
    "department", "visits", "patients", "new_patients", "revenue", "clinic_share", "avg_check",
    "revenue_per_patient", "return_rate_department", "ltv_department",
]  # fmt: skip

page = state.setup("departments")
lang = page.lang
st.title(page.t("departments_title"))
page.require("services")
state.period_caption(page)

page.summary_or_stop()
# the clinic a department is compared with: the period and the branch only
clinic = page.clinic_summary()
departments = page.members("department", clinic)  # own return rate and LTV, share of the clinic

view.chart(charts.traffic_vs_money, departments, lang)
left, right = st.columns(2, gap="large")
with left:
    view.chart(charts.bars,
        departments, "department", "avg_check", lang, page.t("dept_check_title"),
        extra=["visits"], reference=clinic.avg_check,
        reference_text=page.t("clinic_level", value=fmt.money(clinic.avg_check, lang)),
    )  # fmt: skip
with right:
    view.chart(charts.bars,
        departments, "department", "return_rate_department", lang, page.t("dept_return_title"),
        extra=["return_cohort", "returned"], reference=clinic.return_rate,
        reference_text=page.t("clinic_level", value=fmt.percent(clinic.return_rate, lang)),
    )  # fmt: skip
view.section(page.t("departments_table"))
view.table(departments, DEPARTMENT_COLUMNS, lang, "departments", "departments_table")
