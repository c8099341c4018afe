"""Прогноз: this month from the schedule, and the monthly forecast with its bands and accuracy."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import forecast_view as fv
from clinic_bi.app import state, view
from clinic_bi.metrics import forecast as fc
from clinic_bi.present.words import label

page = state.setup("forecast")
lang = page.lang
st.title(page.t("fc_title"))
page.require("services")
state.period_caption(page)
if page.filters is None or page.info is None or page.info.data_end is None:
    st.info(page.t("empty_period"))
    st.stop()
st.caption(page.t("fc_dates_ignored"))

options = fv.scopes(page.info, page.filters)
chosen = fv.preselected(options, page.filters)
left, middle, right = st.columns([2, 1, 1])
scope = left.selectbox(
    page.t("fc_scope"), options, index=chosen, format_func=lambda s: fv.scope_name(s, lang),
    help=page.t("fc_scope_help"), key=f"fc_scope_{options[chosen]}",
)  # fmt: skip
figure = middle.selectbox(page.t("fc_figure"), fc.FIGURES, format_func=lambda k: label(k, lang),
                          key="fc_figure")  # fmt: skip
horizon = right.slider(page.t("fc_horizon"), 1, fc.HORIZON_MAX, fc.HORIZON_MAX, key="fc_horizon")
f = fv.scope_filters(page.filters, scope)

projection = fv.projection_of(page.info, f)
fv.projection_block(projection, lang)
st.divider()

with st.spinner(page.t("fc_fitting")):
    result = fv.forecast_of(page.info, f, figure, horizon)
view.section(page.t("fc_forecast_title", figure=label(figure, lang), n=horizon))
if result.model is None:
    st.info(fv.no_forecast_text(result, lang), icon=":material/info:")
    if len(result.history):
        fv.chart(result, projection, lang)
    st.stop()
if result.gaps:
    st.warning(page.t("fc_gaps", gaps=", ".join(fmt.month(g, lang) for g in result.gaps)))
fv.chart(result, projection, lang)
for line in fv.accuracy_text(result, lang):
    st.caption(line)
view.section(page.t("fc_table_title"))
fv.forecast_table(result, lang)
st.caption(page.t("fc_in_progress", month=fmt.month(result.forecast["month"].iloc[0], lang)))
