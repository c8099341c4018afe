"""The first-run screen: an empty store offers two ways forward — upload, or open the demo."""

from __future__ import annotations

import streamlit as st

from clinic_bi.app import state
from clinic_bi.app.demo_store import build_demo_store


def open_demo() -> None:
    st.session_state["flt"]["src"] = "demo"
    for name in state.NAME_FILTERS:
        st.session_state["flt"][name] = []


def welcome(page: state.Page) -> None:
    if page.is_demo:  # a link to the demo on a machine that has not built it yet
        with st.spinner(page.t("building_demo")):
            build_demo_store(page.db)
        st.rerun()
    st.title(page.t("welcome_title"))
    st.markdown(page.t("welcome_text"))
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"#### :material/upload_file: {page.t('welcome_upload_title')}")
        st.markdown(page.t("welcome_upload_text"))
        if st.button(page.t("welcome_upload_button"), type="primary", key="welcome_upload"):
            st.switch_page(state.PAGE_SCRIPTS["data"])
    with right.container(border=True):
        st.markdown(f"#### :material/science: {page.t('welcome_demo_title')}")
        st.markdown(page.t("welcome_demo_text"))
        if st.button(page.t("welcome_demo_button"), key="welcome_demo"):
            open_demo()
            with st.spinner(page.t("building_demo")):
                build_demo_store(state.store_path("demo"))
            st.rerun()
