"""Что изменилось: the period against the previous one or a year earlier, in sentences with links,
the revenue split into visits × average check, and each department's, doctor's, service's and
channel's part of the change (METRICS.md "What changed")."""

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import changes_view, state, view
from clinic_bi.metrics.changes import DIMENSIONS
from clinic_bi.present import changes_text

page = state.setup("changes")
lang = page.lang
st.title(page.t("chg_title"))
page.require("services")
state.period_caption(page)


def span(f) -> str:
    return f"{fmt.day(f.date_from, lang)} — {fmt.day(f.date_to, lang)}"


first = changes_view.changes_for(page, "previous")
if first.same_periods:
    basis = "previous"
    st.caption(page.t("chg_one_basis"))
else:
    basis = st.segmented_control(
        page.t("chg_basis"), ("previous", "year"), default="previous", key="chg_basis",
        format_func=lambda b: page.t(f"chg_basis_{b}"),
    ) or "previous"  # fmt: skip
c = first if basis == "previous" else changes_view.changes_for(page, basis)
if c.partial and c.data_end is not None:
    st.caption(page.t("chg_compared_partial", data_end=fmt.day(c.data_end, lang),
                      now=span(c.current), base=span(c.base)))  # fmt: skip
else:
    st.caption(page.t("chg_compared", now=span(c.current), base=span(c.base)))

view.section(page.t("chg_sentences"))
changes_view.draw_sentences(changes_text.sentences(c, lang), page, "chg_sentence")

if c.compared and c.split is not None:
    s, e = c.split, c.services
    left, right = st.columns(2, gap="large")
    with left:
        if s.visits_effect is not None:
            view.chart(changes_view.waterfall, [
                (page.t("chg_step_before"), s.revenue_0),
                (page.t("chg_step_visits"), s.visits_effect),
                (page.t("chg_step_check"), s.check_effect),
                (page.t("chg_step_after"), s.revenue_1),
            ], lang, page.t("chg_split_title"))  # fmt: skip
    with right:
        if e is not None:
            view.chart(changes_view.waterfall, [
                (page.t("chg_step_before"), s.revenue_0),
                (page.t("chg_step_volume"), e.volume),
                (page.t("chg_step_price"), e.price),
                (page.t("chg_step_mix"), e.mix),
                (page.t("chg_step_new"), e.new),
                (page.t("chg_step_lost"), -e.lost),
                (page.t("chg_step_after"), s.revenue_1),
            ], lang, page.t("chg_waterfall_services"))  # fmt: skip

    view.section(page.t("chg_by_title"))
    tabs = st.tabs([page.t(f"chg_tab_{d}") for d in DIMENSIONS])
    for tab, dimension in zip(tabs, DIMENSIONS, strict=True):
        with tab:
            frame = c.members[dimension]
            view.chart(changes_view.change_bars,
                frame, dimension, lang,
                page.t("chg_bars_title", what=page.t(f"chg_tab_{dimension}").lower()))
            changes_view.members_table(frame, dimension, lang, f"chg_table_{dimension}")
    st.caption(page.t("chg_rule_note"))

view.section(page.t("chg_outside_title"))
with st.spinner(page.t("chg_band_wait")):
    c = changes_view.with_band(page, c)
changes_view.draw_sentences(changes_text.outside_sentences(c, lang), page, "chg_outside",
                            shown=None)
if not c.band_available:
    st.info(page.t("chg_no_band"), icon=":material/info:")
elif c.outside.empty:
    st.caption(page.t("chg_no_whole_month"))
else:
    months = c.outside["month"].nunique()
    st.caption(page.t("chg_outside_note", n=months) if months > 1
               else page.t("chg_outside_note_one"))
    flagged = c.outside[c.outside["side"].notna()]
    if flagged.empty:
        st.caption(page.t("chg_all_inside" if months > 1 else "chg_all_inside_one"))
    else:
        st.dataframe(changes_view.outside_table(flagged, lang), hide_index=True, width="stretch")
    with st.expander(page.t("chg_every_month")):
        st.dataframe(changes_view.outside_table(c.outside, lang), hide_index=True,
                     width="stretch")
