"""Данные: upload exports (several at once), check and edit how they were read, load them; the
upload journal with "remove this upload"; which months each table holds; the folder of exports
that load themselves (`python -m clinic_bi watch`)."""

import streamlit as st

from clinic_bi.app import state
from clinic_bi.app.upload import page_body
from clinic_bi.app.watch_panel import watch_panel

page = state.setup("data")
st.title(page.t("data_title"))
page_body(page)
watch_panel(page)
