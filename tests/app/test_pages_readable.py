"""The pages of issue 13's readability items under Streamlit's AppTest, on the repository's
sample exports: what an owner sees first on Врачи (the name and the revenue), the rating rule
of Качество stated in both languages and applied, no "прочие" bar on Услуги, the month axis of
Обзор ending with the period, and the funnel's heatmap named as its table. The charts' own
rules are tests/present/test_charts_readable.py's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pyarrow import ipc
from streamlit.testing.v1 import AppTest

from clinic_bi.app import i18n
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from clinic_bi.present import charts
from tests.app.clinic_home import copied_home, run_app

APP = str(PROJECT_DIR / "streamlit_app.py")
YEAR = {"period": "custom", "from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample exports (2023–2025) loaded once."""
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    results = loader.ingest_paths(db, [SAMPLE_DATA_DIR])
    assert all(r.ok for r in results), [r.error for r in results]
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_store: Path) -> Path:
    """An app home whose clinic store holds the sample exports; the browser on this computer."""
    return copied_home(tmp_path, monkeypatch, sample_store)


@pytest.fixture
def engine(home: Path) -> Iterator[Engine]:
    with Engine(home / "clinic.duckdb") as e:
        yield e


run = run_app


def _title(spec: dict) -> str:
    text = spec.get("title", {}).get("text")
    return " ".join(text) if isinstance(text, list) else str(text)


def chart(at: AppTest, title: str) -> tuple[dict, list[pd.DataFrame]]:
    """The spec and the datasets of the chart titled `title`."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if _title(spec) == title:
            frames = [ipc.open_stream(d.data.data).read_all().to_pandas()
                      for d in element.proto.datasets]  # fmt: skip
            return spec, frames
    raise AssertionError(f"no chart titled {title!r}")


def _frame_with(frames: list[pd.DataFrame], column: str) -> pd.DataFrame:
    return next(f for f in frames if column in f.columns)


@pytest.mark.parametrize(("lang", "first"), [("ru", ["Врач", "Выручка"]),
                                             ("en", ["Doctor", "Revenue"])])  # fmt: skip
def test_the_doctors_table_starts_with_the_name_and_the_revenue(
    home: Path, lang: str, first: list[str]
) -> None:
    """On a phone the first two columns are what shows: the doctor and the revenue."""
    at = run({**YEAR, "lang": lang}, page="pages/1_doctors.py")
    assert list(at.dataframe[0].value.columns[:2]) == first


@pytest.mark.parametrize(("lang", "words"), [("ru", "10 и более отзывами"),
                                             ("en", "10 or more reviews")])  # fmt: skip
def test_quality_states_and_applies_its_rating_rule(
    home: Path, engine: Engine, lang: str, words: str
) -> None:
    at = run({**YEAR, "lang": lang}, page="pages/7_quality.py")
    assert [c for c in at.caption if words in c.value], [c.value for c in at.caption]
    by_doctor = engine.quality(Filters("2025-01-01", "2025-12-31")).by_doctor
    expected = list(charts.ranked_by_reviews(by_doctor, "avg_rating")["doctor"])
    spec, frames = chart(at, i18n.t("rating_title", lang))
    bar = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bar["encoding"]["y"]["sort"] == expected
    shown = _frame_with(frames, "bar_text").set_index("doctor")
    for doctor in expected:  # each bar gives its number of reviews
        reviews = int(by_doctor.set_index("doctor").loc[doctor, "reviews"])
        assert shown.loc[doctor, "bar_text"].endswith(f"({reviews})")
    # the waiting times against the clinic's, not bars from zero crossed by its line
    spec, _ = chart(at, i18n.t("wait_title", lang))
    assert spec["layer"][0]["encoding"]["x"]["field"] == "difference"


def test_the_top_services_chart_draws_no_others_bar(home: Path, engine: Engine) -> None:
    at = run(YEAR, page="pages/3_services.py")
    spec, frames = chart(at, "Выручка по услугам")
    services = engine.services(Filters("2025-01-01", "2025-12-31"))
    shown = _frame_with(frames, "service")
    assert "прочие" not in set(shown["service"])
    if len(services) > 16:
        assert len(shown) == 15
        assert spec["title"]["subtitle"][0].startswith(f"Не вошли в график: ещё {len(services) - 15}")


@pytest.mark.parametrize(("query", "months"), [
    ({"period": "custom", "from": "2025-01-01", "to": "2025-06-30"},
     ["янв 2025", "фев 2025", "мар 2025", "апр 2025", "май 2025", "июн 2025"]),
    ({"period": "custom", "from": "2025-03-01", "to": "2025-03-31"}, ["мар 2025"]),
])  # fmt: skip
def test_the_overview_month_axis_ends_with_the_period(
    home: Path, query: dict[str, str], months: list[str]
) -> None:
    """One band a month of the period, none after it; one month is one narrow bar."""
    at = run(query)
    spec, _ = chart(at, "Выручка по месяцам")
    x = spec["encoding"]["x"]
    assert x["type"] == "ordinal" and x["scale"]["domain"] == months
    if len(months) == 1:
        assert spec["mark"]["width"]["band"] < 0.5


def test_the_funnel_heatmap_names_its_columns_as_the_table(home: Path) -> None:
    at = run({"period": "this_year"}, page="pages/5_funnel.py")
    _, frames = chart(at, "По каналам")
    labels = list(dict.fromkeys(_frame_with(frames, "rate_label")["rate_label"]))
    rates = ["booking_rate", "show_rate", "contract_rate", "overall_rate"]
    assert labels == [i18n.short_label(r, "ru") for r in rates]
    assert "Доходимость" in labels and "→ визит" not in labels
