"""Кого позвать: the call lists (lapsed, missed and not rebooked, treatment plans, hygiene recall)
as of the data's last day, with their settings (METRICS.md "Call lists")."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import calls_view, state, view
from clinic_bi.metrics.calls import LISTS, summary_of
from clinic_bi.present.words import call_lists_month

page = state.setup("calls")
lang = page.lang
st.title(page.t("call_title"))
page.require("services")

data_end = page.info.data_end
st.caption(page.t("call_as_of", day=fmt.day(data_end, lang)))
settings, read_ok = calls_view.read_settings(page.info.path)
if not read_ok:
    st.warning(page.t("call_settings_busy_read"))
lists = calls_view.lists(page.info, page.filters, settings)

found = summary_of(lists)
if found.patients:
    view.section(page.t("call_summary", n=found.patients, value=fmt.money(found.value, lang)))
    st.caption(page.t("call_summary_help"))
else:
    view.section(page.t("call_summary_none"))
st.caption(page.t("call_no_names"))

tabs = st.tabs([calls_view.list_title(name, lists[name], data_end, lang) for name in LISTS])
month = call_lists_month(data_end, lang)
about = {
    "lapsed": page.t("call_about_lapsed", within=settings.lapsed_within_months),
    "missed": page.t("call_about_missed", m=settings.missed_days, n=settings.rebook_days),
    "plans": page.t("call_about_plans", k=settings.plan_idle_days),
    "recall": page.t("call_about_recall", month=month),
}
for tab, name in zip(tabs, LISTS, strict=True):
    with tab:
        st.caption(about[name])
        calls_view.list_table(name, lists[name], lang, f"calls_{name}")

st.divider()
calls_view.settings_editor(page, settings)
