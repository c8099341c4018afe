"""Данные: upload exports (several at once), check and edit how they were read, load them; the
upload journal with "remove this upload"; which months each table holds."""

import streamlit as st

from clinic_bi.app import state
from clinic_bi.app.upload import page_body

page = state.setup("data")
st.title(page.t("data_title"))
page_body(page)
