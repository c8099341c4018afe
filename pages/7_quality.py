"""Качество: ratings and negative share per doctor, waiting time, repeat visits."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import state, view
from clinic_bi.app.extra import visits_per_patient
from clinic_bi.present import charts

page = state.setup("quality")
lang = page.lang
st.title(page.t("quality_title"))
page.require("reviews", "appointments", "services")
state.period_caption(page)

quality = page.metric("quality")
total = quality.total
view.vs_clinic_cards([
    ("avg_rating", total.avg_rating, None), ("reviews", total.reviews, None),
    ("negative_share", total.negative_share, None), ("avg_wait_min", total.avg_wait_min, None),
], lang)  # fmt: skip

by_doctor = quality.by_doctor
left, right = st.columns(2, gap="large")
with left:
    if total.reviews:
        # ranked only from charts.MIN_REVIEWS reviews (the caption below; METRICS.md)
        view.chart(charts.review_bars, by_doctor, "avg_rating", lang, page.t("rating_title"),
                                      extra=("negative_share",))  # fmt: skip
    elif page.has("reviews"):
        st.info(page.t("no_reviews"))
    else:
        state.needs_data(page, "reviews")
with right:
    if total.reviews:
        view.chart(charts.review_bars, by_doctor, "negative_share", lang, page.t("negative_title"),
                                      color=charts.ACCENT, reference=total.negative_share,
                                      reference_text=page.t("clinic_level", value=fmt.percent(
                                          total.negative_share, lang)))  # fmt: skip
if total.reviews:
    st.caption(page.t("rating_rule", m=charts.MIN_REVIEWS))
left, right = st.columns(2, gap="large")
with left:
    if total.avg_wait_min is not None:
        # minutes more or less than the clinic's: the doctors' waits lie close together
        view.chart(charts.wait_bars, by_doctor, total.avg_wait_min, lang, page.t("wait_title"))
    elif page.has("appointments"):
        st.info(page.t("no_waits"))
    else:
        state.needs_data(page, "appointments")
with right:
    if page.has("services"):
        summary = page.metric("summary")
        repeat = visits_per_patient(page.metric("doctors"))
        view.chart(charts.bars, repeat, "doctor", "visits_per_patient", lang,
                               page.t("repeat_title"), extra=["visits", "patients"], n=20,
                               reference=summary.visits_per_patient,
                               reference_text=page.t("clinic_level", value=fmt.number(
                                   summary.visits_per_patient, lang, 2)))  # fmt: skip
view.table(by_doctor, ["doctor", "reviews", "avg_rating", "negative_share", "timed_appointments",
                       "avg_wait_min"], lang, "quality", "quality")  # fmt: skip
