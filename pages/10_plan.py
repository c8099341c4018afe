"""План: monthly goals (entered here or loaded on Данные), the month to date against them, and
the past months' goal against the actual."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import plan_view as pv
from clinic_bi.app import state, view

page = state.setup("plan")
lang = page.lang
st.title(page.t("plan_title"))
page.require("services")
state.period_caption(page)
if page.filters is None or page.info is None or page.info.data_end is None:
    st.info(page.t("empty_period"))
    st.stop()
info = page.info
st.caption(page.t("plan_intro"))
pv.flash()

months, paced = pv.month_choices(info)
month = st.selectbox(
    page.t("plan_month"), months, index=paced, key="plan_month",
    format_func=lambda m: (page.t("plan_month_now", month=fmt.month(m, lang))
                           if m == months[paced] else fmt.month(m, lang)),
)  # fmt: skip

# -- the month to date
view.section(page.t("plan_mtd_title", month=fmt.month(month, lang),
                    day=fmt.day(info.data_end, lang)))
paces = pv.month_to_date(info, month)
note = pv.month_note(month, info.data_end, lang)
if note:
    st.info(note, icon=":material/info:")
if paces:
    pv.cards(paces, lang)
    st.caption(page.t("plan_status_rule"))
else:
    st.info(page.t("plan_no_goals", month=fmt.month(month, lang)), icon=":material/flag:")

# -- the goals of the month: edit, undo, load a file
st.divider()
view.section(page.t("plan_edit_title", month=fmt.month(month, lang)))
can_edit = page.user.can("upload")
pv.editor(info, month, lang, can_edit, page.user.name)
pv.undo(page.db, lang, can_edit and page.user.can("remove"))
if can_edit and page.is_demo:
    st.caption(page.t("plan_demo_note"))
elif can_edit:
    st.page_link("pages/8_data.py", label=page.t("plan_upload_link"), icon=":material/upload_file:")
    st.caption(page.t("plan_upload_help"))

# -- past months
st.divider()
view.section(page.t("plan_past_title"))
past = pv.past(info, page.filters.date_from.replace(day=1), page.filters.date_to)
if past.empty:
    st.info(page.t("plan_past_none"))
else:
    pv.past_table(past, lang)
    if (~past["has_data"] | ~past["known"]).any():
        st.caption(page.t("plan_past_no_data"))
