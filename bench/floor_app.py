"""The floor of issue 17's speed targets: the plainest Streamlit page over the same store.

    CLINIC_BI_DB=store.duckdb streamlit run bench/floor_app.py

It imports pandas, duckdb and altair (what the app imports), and draws six Altair charts from
plain aggregate DuckDB queries on the `services` table, filtered by a period chosen in the sidebar
(a selectbox: a change reruns the page, the floor's "filter change"). Nothing is cached but the
connection, so every rerun asks DuckDB again, as a first attempt at a dashboard would.
bench/bench_speed.py times the app against it: server start → drawn, and its rerun.

FLOOR_SLEEP=<seconds> sleeps at the end of every run (after the charts are sent): the check that
bench_speed.py really waits for the end of a run (a run of ≥ that many seconds must measure so).
"""

from __future__ import annotations

import os
import time

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

st.set_page_config(page_title="Floor · Clinic BI bench", layout="wide")


@st.cache_resource
def connection(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


con = connection(os.environ["CLINIC_BI_DB"]).cursor()

# The period choices: the whole data, each year, each quarter of the last year, each month of it
# (many, so that a benchmark can change the filter to a value never asked before, over and over).
PERIODS: dict[str, tuple[str, str]] = {"Весь период": ("1900-01-01", "2999-12-31")}
for year in (2025, 2024, 2023):
    PERIODS[f"{year} год"] = (f"{year}-01-01", f"{year}-12-31")
for q in range(4, 0, -1):
    PERIODS[f"2025 Q{q}"] = (f"2025-{3 * q - 2:02d}-01", str(pd.Timestamp(2025, 3 * q, 1)
                                                              + pd.offsets.MonthEnd(0))[:10])
for m in range(12, 0, -1):
    PERIODS[f"2025-{m:02d}"] = (f"2025-{m:02d}-01",
                                str(pd.Timestamp(2025, m, 1) + pd.offsets.MonthEnd(0))[:10])

choice = st.sidebar.selectbox("Период", list(PERIODS))
date_from, date_to = PERIODS[choice]
params = [date_from, date_to]
WHERE = "where visit_date between cast(? as date) and cast(? as date)"


def frame(sql: str) -> pd.DataFrame:
    return con.execute(sql.format(where=WHERE), params).df()


st.title("Обзор (floor)")
st.caption(f"Период: {choice}, {date_from} … {date_to}")

monthly = frame("""select date_trunc('month', visit_date) as month, sum(amount) as revenue,
    count(distinct patient_id) as patients from services {where} group by 1 order by 1""")
departments = frame("""select department, sum(amount) as revenue from services {where}
    group by 1 order by 2 desc""")
doctors = frame("""select doctor, sum(amount) as revenue, count(*) as lines from services {where}
    group by 1 order by 2 desc limit 20""")
branches = frame("""select branch, sum(amount) as revenue from services {where}
    group by 1 order by 2 desc""")
services = frame("""select service, sum(amount) as revenue from services {where}
    group by 1 order by 2 desc limit 15""")

st.altair_chart(alt.Chart(monthly).mark_line(point=True).encode(
    x="month:T", y="revenue:Q", tooltip=["month:T", "revenue:Q"]), width="stretch")
left, right = st.columns(2)
left.altair_chart(alt.Chart(departments).mark_bar().encode(
    x="revenue:Q", y=alt.Y("department:N", sort="-x")), width="stretch")
right.altair_chart(alt.Chart(doctors).mark_bar().encode(
    x="revenue:Q", y=alt.Y("doctor:N", sort="-x"), tooltip=["doctor", "revenue", "lines"]),
    width="stretch")
left.altair_chart(alt.Chart(branches).mark_arc().encode(
    theta="revenue:Q", color="branch:N"), width="stretch")
right.altair_chart(alt.Chart(services).mark_bar().encode(
    x="revenue:Q", y=alt.Y("service:N", sort="-x")), width="stretch")
st.altair_chart(alt.Chart(monthly).mark_bar().encode(x="month:T", y="patients:Q")
                .properties(title="Пациенты по месяцам"), width="stretch")

sleep = float(os.environ.get("FLOOR_SLEEP", "0"))
if sleep:
    time.sleep(sleep)
