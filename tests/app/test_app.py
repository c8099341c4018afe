"""The web app under Streamlit's AppTest: every page on a loaded store and on an empty one, and
the figures on screen equal the metric API's for the same filters (formatted by fmt.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pyarrow import ipc
from streamlit.testing.v1 import AppTest

from clinic_bi import fmt, store
from clinic_bi.app import access
from clinic_bi.app.i18n import table_label
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from tests.app.clinic_home import run_app

APP = str(PROJECT_DIR / "streamlit_app.py")
PAGES = [
    "pages/1_doctors.py", "pages/2_departments.py", "pages/3_services.py",
    "pages/4_retention.py", "pages/5_funnel.py", "pages/6_marketing.py", "pages/7_quality.py",
    "pages/8_data.py",
]  # fmt: skip
TIMEOUT = 60


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample exports (300 patients, 2023–2025) loaded once."""
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    results = loader.ingest_paths(db, [SAMPLE_DATA_DIR])
    assert all(r.ok for r in results), [r.error for r in results]
    return db


@pytest.fixture(autouse=True)
def on_this_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest has no browser connection (its peer is unknown, which the app refuses when no
    users are configured): these tests play a browser on this computer. tests/app/test_app_auth.py
    plays the others."""
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An app home whose clinic store does not exist yet."""
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    return tmp_path


@pytest.fixture
def loaded_home(home: Path, sample_store: Path) -> Path:
    """An app home whose clinic store holds the sample exports."""
    shutil.copy(sample_store, home / "clinic.duckdb")
    shutil.copy(str(sample_store) + ".salt", str(home / "clinic.duckdb") + ".salt")
    return home


@pytest.fixture
def engine(loaded_home: Path) -> Iterator[Engine]:
    with Engine(loaded_home / "clinic.duckdb") as e:
        yield e


run = run_app  # Обзор with URL parameters, then a page; no exception on the way


def charts(at: AppTest) -> list[dict]:
    """Each chart's Vega-Lite spec, with `_rows`: the row count of each of its datasets (sent
    beside the spec as Arrow)."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        spec["_rows"] = [ipc.open_stream(d.data.data).read_all().num_rows
                         for d in element.proto.datasets]  # fmt: skip
        out.append(spec)
    return out


def chart_data(at: AppTest, title: str) -> list[pd.DataFrame]:
    """The datasets of the chart titled `title`, as DataFrames."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if spec.get("title", {}).get("text") == title:
            return [ipc.open_stream(d.data.data).read_all().to_pandas()
                    for d in element.proto.datasets]  # fmt: skip
    raise AssertionError(f"no chart titled {title!r}")


def url(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# -- every page, both stores ---------------------------------------------------------------------


@pytest.mark.parametrize("source", ["clinic", "demo"])
def test_every_page_runs_on_a_loaded_store_and_draws_titled_charts(
    home: Path, sample_store: Path, source: str
) -> None:
    db = home / ("demo.duckdb" if source == "demo" else "clinic.duckdb")
    shutil.copy(sample_store, db)
    at = run({"src": source} if source == "demo" else None)
    assert at.title[0].value == "Обзор"
    assert any("демо-данные" in c.value for c in at.caption) == (source == "demo")
    expected_charts = {"pages/1_doctors.py": 4, "pages/2_departments.py": 3,
                       "pages/3_services.py": 3, "pages/4_retention.py": 5,
                       "pages/5_funnel.py": 5, "pages/6_marketing.py": 2,
                       "pages/7_quality.py": 4,
                       # Данные shows the coverage of the clinic's own store, empty in demo mode
                       "pages/8_data.py": 1 if source == "clinic" else 0}  # fmt: skip
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        specs = charts(at)
        assert len(specs) == expected_charts[page], page
        for spec in specs:
            title = spec.get("title", {})
            assert title.get("text"), (page, "a chart without a title")
            assert any(spec["_rows"]), (page, "an empty chart", title)
        assert not [i.value for i in at.info if "нужны данные" in i.value], page


def test_every_page_on_an_empty_store_says_what_to_upload(home: Path) -> None:
    at = run()
    assert at.title[0].value == "Добро пожаловать в Clinic BI"
    assert [b.label for b in at.button] == ["Перейти к загрузке", "Открыть демо"]
    wanted = {
        "pages/1_doctors.py": "отчёт об оказанных услугах",
        "pages/2_departments.py": "отчёт об оказанных услугах",
        "pages/3_services.py": "отчёт об оказанных услугах",
        "pages/4_retention.py": "отчёт об оказанных услугах",
        "pages/5_funnel.py": "лидов или сделок",
        "pages/6_marketing.py": "расходов на рекламу",
        "pages/7_quality.py": "отзывов",
    }
    for page, export in wanted.items():
        at.switch_page(page).run()
        assert not at.exception, page
        notices = [i.value for i in at.info]
        assert any(export in n for n in notices), (page, notices)
        assert not at.metric and not charts(at), page  # no zeros, no empty charts
    at.switch_page("pages/8_data.py").run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 1


def test_the_welcome_screen_opens_the_demo_in_its_own_store(home: Path, sample_store: Path) -> None:
    shutil.copy(sample_store, home / "demo.duckdb")  # built before: opening it is instant
    at = run()
    at.button(key="welcome_demo").click().run()
    assert not at.exception
    assert at.title[0].value == "Обзор" and metrics(at)["Выручка"] != "—"
    assert url(at, "src") == ["demo"]
    assert not (home / "clinic.duckdb").exists()  # the clinic's store is left alone


def test_the_welcome_screen_opens_the_upload_page(home: Path) -> None:
    at = run()
    at.button(key="welcome_upload").click().run()
    assert not at.exception
    assert at.title[0].value == "Данные"


# -- the numbers on screen are the API's ----------------------------------------------------------


def test_overview_kpis_equal_the_api_for_the_same_filters(loaded_home: Path, engine: Engine) -> None:
    query = {"period": "custom", "from": "2025-01-01", "to": "2025-06-30",
             "department": ["Терапия", "Ортопедия"]}  # fmt: skip
    at = run(query)
    f = Filters("2025-01-01", "2025-06-30", department=("Терапия", "Ортопедия"))
    table = engine.comparison(f).table.set_index("metric")
    shown = metrics(at)
    expected = {
        "Выручка": fmt.money(table.loc["revenue", "current"]),
        "Визиты": fmt.number(table.loc["visits", "current"]),
        "Пациенты": fmt.number(table.loc["patients", "current"]),
        "Новые пациенты": fmt.number(table.loc["new_patients", "current"]),
        "Средний чек": fmt.money(table.loc["avg_check", "current"]),
        "Возвращаемость": fmt.percent(table.loc["return_rate", "current"]),
        # LTV compared at equal age: the store's data end leave 180 days behind H1 2025
        "LTV за 180 дней": fmt.money(table.loc["ltv_at_age", "current"]),
    }
    assert shown == expected
    # The change against the previous period, as the card shows it (+12,3 % / -0,2 п.п.)
    revenue = table.loc["revenue"]
    card = next(m for m in at.metric if m.label == "Выручка")
    sign = "+" if revenue["change_rel"] >= 0 else "-"
    assert card.proto.delta == f"{sign}{fmt.percent(abs(revenue['change_rel']))}"
    rate = table.loc["return_rate"]
    card = next(m for m in at.metric if m.label == "Возвращаемость")
    points = fmt.number(abs(rate["change"]) * 100, "ru", 1)
    assert card.proto.delta == f"{'+' if rate['change'] >= 0 else '-'}{points} п.п."


def test_doctors_table_equals_the_api(loaded_home: Path, engine: Engine) -> None:
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-12-31"},
             page="pages/1_doctors.py")  # fmt: skip
    shown = at.dataframe[0].value
    api = engine.doctors(Filters("2025-01-01", "2025-12-31"))
    columns = {"Врач": "doctor", "Визиты": "visits", "Пациенты": "patients",
               "Новые пациенты": "new_patients", "Выручка": "revenue",
               # of the clinic; with no doctor or department chosen, the table's own share
               "Доля в выручке клиники": "share",
               "Средний чек": "avg_check", "Выручка на пациента": "revenue_per_patient",
               # the doctor's own figures, named for what they count (issue 13, item 6)
               "Возвращаемость к врачу": "return_rate", "LTV у врача": "ltv",
               "Основное направление": "main_department"}  # fmt: skip
    assert list(shown.columns) == [c for c in shown.columns if c in columns]
    assert set(columns) == set(shown.columns)
    renamed = shown.rename(columns=columns)[list(columns.values())].reset_index(drop=True)
    expected = api[list(columns.values())].reset_index(drop=True)
    pd.testing.assert_frame_equal(renamed, expected, check_dtype=False)


def test_a_doctor_filter_narrows_the_kpis(loaded_home: Path, engine: Engine) -> None:
    doctors = engine.doctors(Filters("2025-01-01", "2025-12-31"))
    doctor = str(doctors["doctor"].iloc[1])
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-12-31"})
    at.multiselect(key="w_doctor").select(doctor).run()
    assert not at.exception
    summary = engine.summary(Filters("2025-01-01", "2025-12-31", doctor=doctor))
    assert metrics(at)["Выручка"] == fmt.money(summary.revenue)
    assert url(at, "doctor") == [doctor]


def test_period_presets_count_back_from_the_last_day_of_data(
    loaded_home: Path, engine: Engine
) -> None:
    data_end = engine.facts().data_end
    assert data_end == date(2025, 12, 31)  # sample_data: demo --end 2025-12-31
    at = run({"period": "last_month"})
    expected = engine.summary(Filters("2025-11-01", "2025-11-30")).revenue
    assert metrics(at)["Выручка"] == fmt.money(expected)
    at.selectbox(key="w_preset").select("this_quarter").run()
    expected = engine.summary(Filters("2025-10-01", "2025-12-31")).revenue
    assert metrics(at)["Выручка"] == fmt.money(expected)
    assert url(at, "period") == ["this_quarter"]


def test_retention_heatmap_equals_the_engine(loaded_home: Path, engine: Engine) -> None:
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-12-31",
              "department": "Терапия"}, page="pages/4_retention.py")  # fmt: skip
    api = engine.retention_cohorts(Filters("2025-01-01", "2025-12-31", department="Терапия"))
    api = api[api["retention"].notna()]
    (shown,) = chart_data(at, "Когорты: доля вернувшихся по месяцам")
    assert len(api) and len(shown) == len(api)
    assert list(shown["cohort"]) == [fmt.month(m) for m in api["cohort_month"]]
    assert list(shown["month_offset"]) == list(api["month_offset"])
    assert list(shown["retention"]) == pytest.approx(list(api["retention"]))
    assert list(shown["retention_text"]) == [fmt.percent(r) for r in api["retention"]]


def test_spend_by_month_equals_the_engine(loaded_home: Path, engine: Engine) -> None:
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-12-31"},
             page="pages/6_marketing.py")  # fmt: skip
    api = engine.marketing_by_month(Filters("2025-01-01", "2025-12-31"))
    api = api[api["channel"].isna()]  # all channels together
    shown = chart_data(at, "Расходы и новые пациенты по месяцам")[0]
    assert len(api) == 12 and len(shown) == 12
    assert list(shown["month_text"]) == [fmt.month(m) for m in api["month"]]
    assert list(shown["spend"]) == pytest.approx(list(api["spend"]))
    assert list(shown["new_patients"]) == list(api["new_patients"])
    assert list(shown["cac_text"]) == [fmt.money(v) for v in api["cac"]]


def test_coverage_on_the_data_page_equals_the_engine(loaded_home: Path, engine: Engine) -> None:
    at = run(page="pages/8_data.py")
    api = engine.coverage()
    api = api[api["table_name"] != "patients"]  # a snapshot, not a monthly export
    (shown,) = chart_data(at, "Покрытие: какие месяцы есть в данных")
    held = shown[shown["status"] == "есть"]
    assert sorted(zip(held["table_label"], held["month_text"], held["rows"], strict=True)) == sorted(
        (table_label(t, "ru"), fmt.month(m), float(r))
        for t, m, r in zip(api["table_name"], api["month"], api["rows"], strict=True)
    )
    gaps = shown[shown["status"] == "пропуск"]
    assert gaps["rows"].isna().all()
    # every month between a table's first and last is there, held or marked as a gap
    for table, part in api.groupby("table_name"):
        span = pd.date_range(part["month"].min(), part["month"].max(), freq="MS")
        assert (shown["table_label"] == table_label(table, "ru")).sum() == len(span)


def test_the_funnel_says_it_ignores_the_doctor_filter(loaded_home: Path, engine: Engine) -> None:
    note = "Воронка — по всей клинике"
    at = run({"period": "this_year"}, page="pages/5_funnel.py")
    assert not [c for c in at.caption if note in c.value]
    funnel = metrics_of_funnel(at)
    at.multiselect(key="w_doctor").select("Иванова А. С.").run()
    assert [c for c in at.caption if note in c.value]
    assert metrics_of_funnel(at) == funnel  # the same funnel, as the note says


def metrics_of_funnel(at: AppTest) -> list:
    return chart_data(at, "Заявка → запись → визит → договор")[0]["count"].tolist()


# -- state: page switches, the URL, the language ----------------------------------------------


def test_filters_survive_a_page_switch_and_live_in_the_url(loaded_home: Path) -> None:
    at = run({"period": "this_year"})
    at.multiselect(key="w_department").select("Терапия").run()
    at.switch_page("pages/2_departments.py").run()
    assert not at.exception
    assert at.multiselect(key="w_department").value == ["Терапия"]
    assert at.selectbox(key="w_preset").value == "this_year"
    assert url(at, "department") == ["Терапия"]
    assert url(at, "period") == ["this_year"]
    at.switch_page("streamlit_app.py").run()
    assert at.multiselect(key="w_department").value == ["Терапия"]


def test_a_bookmarked_url_opens_the_same_view(loaded_home: Path) -> None:
    at = run({"period": "custom", "from": "2025-03-01", "to": "2025-05-31",
              "department": "Ортопедия", "h": "90", "lang": "en"})  # fmt: skip
    assert at.selectbox(key="w_preset").value == "custom"
    assert at.date_input(key="w_dates").value == (date(2025, 3, 1), date(2025, 5, 31))
    assert at.multiselect(key="w_department").value == ["Ортопедия"]
    assert at.number_input(key="w_h").value == 90
    assert at.title[0].value == "Overview"


def test_english_pages_name_every_figure_in_english(loaded_home: Path, engine: Engine) -> None:
    at = run({"lang": "en", "period": "this_year"})
    summary = engine.summary(Filters("2025-01-01", "2025-12-31"))
    shown = metrics(at)
    assert shown["Revenue"] == fmt.money(summary.revenue, "en")
    assert shown["Return rate"] == fmt.percent(summary.return_rate, "en")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        for spec in charts(at):
            text = str(spec)
            for word in ("Выручка", "Визиты", "Пациенты", "Врач", "Месяц"):
                assert f"'{word}'" not in text, (page, word)


# -- the Данные page ---------------------------------------------------------------------------


def test_upload_loads_into_the_clinic_store_and_can_be_removed(home: Path, tmp_path: Path) -> None:
    source = SAMPLE_DATA_DIR / "patients.csv"
    # what the loader itself makes of the file, in a store of its own
    reference = tmp_path / "reference.duckdb"
    con = store.connect(reference)
    try:
        expected = loader.ingest_file(con, source, "salt")
    finally:
        con.close()

    at = run(page="pages/8_data.py")
    at.get("file_uploader")[0].upload("patients.csv", source.read_bytes(), "text/csv").run()
    assert not at.exception
    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.dataframe[0].value
    row = result.iloc[0]
    assert row["Файл"] == "patients.csv"
    assert row["Итог"] == "загружен"
    assert row["Новых"] == expected.rows_new and row["Отклонено"] == expected.rows_rejected
    con = store.connect(home / "clinic.duckdb", read_only=True)
    try:
        assert store.row_counts(con)["patients"] == expected.rows_loaded
    finally:
        con.close()
    journal = at.dataframe[1].value
    assert list(journal["Файл"]) == ["patients.csv"]

    # nothing is chosen at first; the button asks, "Да, удалить" removes
    at.selectbox(key="remove_pick").select(int(journal["№"].iloc[0])).run()
    at.button(key="remove_button").click().run()
    at.button(key="remove_yes").click().run()
    assert not at.exception
    assert any("удалена" in s.value for s in at.success)
    con = store.connect(home / "clinic.duckdb", read_only=True)
    try:
        assert store.row_counts(con)["patients"] == 0
    finally:
        con.close()


def test_a_hand_edited_mapping_is_used_for_the_load(home: Path, tmp_path: Path) -> None:
    """Mapping a column to "skip" in the editor leaves it out of the store."""
    source = tmp_path / "отзывы.csv"
    source.write_text("Дата;Оценка;Врач;Площадка\n01.02.2025;5;Иванова А. С.;ПроДокторов\n"
                      "02.02.2025;3;Петров Д. В.;Яндекс\n", encoding="utf-8")  # fmt: skip
    at = run(page="pages/8_data.py")
    at.get("file_uploader")[0].upload(source.name, source.read_bytes(), "text/csv").run()
    assert at.selectbox(key=next(k for k in _keys(at) if k.startswith("kind_"))).value == "reviews"
    editor_key = next(k for k in _keys(at) if k.startswith("map_"))
    # the doctor column (row 2) set to "skip", as a click in the editor would
    at.session_state[editor_key] = {"edited_rows": {2: {"field": "— не загружать —"}},
                                    "added_rows": [], "deleted_rows": []}  # fmt: skip
    at.run()
    at.button(key="load_button").click().run()
    assert not at.exception
    con = store.connect(home / "clinic.duckdb", read_only=True)
    try:
        rows = con.execute("select rating, doctor, source from reviews order by date").fetchall()
    finally:
        con.close()
    assert rows == [(5, None, "ПроДокторов"), (3, None, "Яндекс")]


def _keys(at: AppTest) -> list[str]:
    return list(at.session_state._state.filtered_state)
