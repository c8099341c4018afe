"""Clinic BI web app. This first version shows what the store holds; the dashboards arrive with
the UI issue. Run: streamlit run streamlit_app.py"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from clinic_bi import loader, store
from clinic_bi.mapping import TABLE_SPECS
from clinic_bi.paths import default_db_path, demo_db_path

st.set_page_config(page_title="Clinic BI", page_icon="🦷", layout="wide")


def store_summary(db: Path) -> tuple[dict[str, int], object] | None:
    if not db.exists():
        return None
    try:
        con = store.connect(db, read_only=True)
    except store.StoreError as exc:
        st.error(str(exc))
        return None
    try:
        return store.row_counts(con), loader.list_batches(con)
    finally:
        con.close()


st.title("Clinic BI")
st.caption("Аналитика клиники по её собственным выгрузкам: МИС, CRM, расписание, реклама.")

choice = st.radio("Данные", ["Клиника", "Демо"], horizontal=True)
db = default_db_path() if choice == "Клиника" else demo_db_path()
summary = store_summary(db)
if summary is None:
    st.info(
        f"Хранилище {db} пока пусто. Загрузите выгрузки командой "
        "`python -m clinic_bi ingest ПАПКА` или откройте демо: "
        "`python -m clinic_bi demo demo_exports --load`."
    )
else:
    counts, batches = summary
    cols = st.columns(len(counts))
    for col, (table, n) in zip(cols, counts.items(), strict=True):
        col.metric(TABLE_SPECS[table].label_ru, f"{n:,}".replace(",", " "))
    st.subheader("Журнал загрузок")
    st.dataframe(batches, width="stretch", hide_index=True)
