"""The worked example of tests/example: the full report for 2025 H1 must equal
expected_2025H1.json (worked out by hand by the spec's authors and cross-checked there), both
from build_report and from `report --format json` as the CLI prints it."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import pytest
from metrics_fixtures import EXAMPLE_DIR, load_example, new_store

from clinic_bi.metrics import Engine, Filters
from clinic_bi.present import report_ahead
from clinic_bi.present.report import build_report, format_text, run_report

EXPECTED = json.loads((EXAMPLE_DIR / "expected_2025H1.json").read_text(encoding="utf-8"))
H1 = Filters("2025-01-01", "2025-06-30")


def assert_same(actual: Any, expected: Any, where: str = "report") -> None:
    """Equal structure, keys and order; floats within 1e-9 relative."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert list(actual) == list(expected), where
        for key in expected:
            assert_same(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float), f"{where}: {actual!r} is not a float"
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12), where
    else:
        assert type(actual) is type(expected) and actual == expected, (where, actual, expected)


def assert_printed_example(printed: dict[str, Any], expected: dict[str, Any]) -> None:
    """The CLI's report: the worked example's keys and values, then the looking-ahead sections
    (CLI.md: "more keys may be added"), which tests/metrics/test_report_ahead.py checks."""
    assert list(printed)[len(expected):] == list(report_ahead.KEYS)
    assert_same({key: printed[key] for key in expected}, expected)


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = new_store(tmp_path_factory.mktemp("example"))
    load_example(path)
    return path


def namespace(db: Path, **overrides: Any) -> argparse.Namespace:
    values = dict(
        date_from="2025-01-01", date_to="2025-06-30", db=str(db), doctor=None, department=None,
        branch=None, return_window=180, funnel_window=90, format="json",
    )  # fmt: skip
    values.update(overrides)
    return argparse.Namespace(**values)


def test_full_report_equals_the_worked_example(example_store: Path) -> None:
    assert_same(build_report(example_store, H1), EXPECTED)


def test_report_from_an_engine_equals_the_report_from_a_path(example_store: Path) -> None:
    with Engine(example_store) as engine:
        assert_same(build_report(engine, H1), EXPECTED)


def test_cli_json_prints_the_worked_example(
    example_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_report(namespace(example_store)) == 0
    out = capsys.readouterr().out
    assert "Яндекс.Директ" in out  # names not escaped (ensure_ascii=False)
    assert_printed_example(json.loads(out), EXPECTED)


def test_cli_text_shows_russian_money_ratios_and_dashes(
    example_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_report(namespace(example_store, format="text", doctor="Doctor A")) == 0
    out = capsys.readouterr().out
    # Doctor A alone in H1: V1 6000 + 500, V3 5400, V4 6000 = 17 900
    assert "17 900 ₽" in out
    assert "врач Doctor A" in out
    # Петя's contract rate has no denominator (no visited lead): a dash, never 0 %
    petya = next(row for row in out.splitlines() if row.strip().startswith("Петя"))
    assert petya.split()[-3:] == ["—", "0,0", "%"]  # contract_rate —, overall_rate 0,0 %


def test_format_text_of_the_example() -> None:
    text = format_text(EXPECTED)
    summary = text.split("\n\n")[1]
    assert "Выручка" in summary and "58 900 ₽" in summary  # 58900 -> '58 900 ₽'
    assert "50,0 %" in summary  # return_rate 0.5
    assert "LTV 12 мес." in summary and summary.rstrip().endswith("—")  # ltv_12m null
    assert "Заявка → договор" in text  # overall_rate, named as in the app (clinic_bi/present/figures.py)
    assert "данные по 20.12.2025" in text.splitlines()[0]
    english = format_text(EXPECTED, lang="en")
    assert "58,900 ₽" in english and "50.0%" in english


def test_cli_reports_bad_arguments_and_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_report(namespace(tmp_path / "s.duckdb", date_from="2025-07-01")) == 2
    assert "позже" in capsys.readouterr().err
    assert run_report(namespace(tmp_path / "s.duckdb", date_from="01.07.2025")) == 2
    assert run_report(namespace(tmp_path / "none.duckdb")) == 1
    assert "не найдено" in capsys.readouterr().err


def test_the_example_passes_every_model_check(example_store: Path) -> None:
    with Engine(example_store) as engine:
        checks = engine.model_checks()
    assert checks["failing_rows"].tolist() == [0] * len(checks)


def test_coverage_of_the_example(example_store: Path) -> None:
    with Engine(example_store) as engine:
        coverage = engine.coverage()
    months = {
        table: dict(zip(rows["month"].dt.strftime("%Y-%m"), rows["rows"], strict=True))
        for table, rows in coverage.groupby("table_name")
    }
    # services.csv: Jan V1 x2 + V2, Feb V4 + V5, Mar V3, Aug V6 x2, Sep V8 + V9, Dec V10
    assert months["services"] == {
        "2025-01": 3, "2025-02": 2, "2025-03": 1, "2025-08": 2, "2025-09": 2, "2025-12": 1,
    }  # fmt: skip
    assert months["leads"] == {"2025-01": 1, "2025-02": 2, "2025-03": 1, "2025-08": 1}
    assert months["marketing_spend"] == {"2025-01": 2, "2025-02": 1, "2025-07": 1}
    assert months["patients"] == {"2023-05": 1}  # only P3 has a first_visit_date
    assert months["contracts"] == {"2025-09": 1}


def test_the_example_through_real_ingestion_gives_the_worked_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end: the spec's CSVs go through `ingest` (recognition, parsing, phone hashing)
    and `report --format json` prints exactly the expected report."""
    from clinic_bi.cli import main

    db = tmp_path / "ingested.duckdb"
    assert main(["ingest", str(EXAMPLE_DIR), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "--from", "2025-01-01", "--to", "2025-06-30", "--db", str(db),
                 "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = json.loads((EXAMPLE_DIR / "expected_2025H1.json").read_text(encoding="utf-8"))
    assert_printed_example(printed, expected)


def test_summary_only_comparison_is_the_full_comparisons_summary_rows(example_store: Path) -> None:
    f = Filters(date_from="2025-07-01", date_to="2025-12-31")
    with Engine(example_store) as engine:
        full = engine.comparison(f).table.set_index("metric")
        short = engine.comparison(f, summary_only=True).table.set_index("metric")
    assert "leads" in full.index and "leads" not in short.index
    assert list(short.index) == [m for m in full.index if m in short.index]
    assert short.equals(full.loc[short.index])
    # the previous period has P's 184 days and ends 2025-06-30 (2024-12-29..2025-06-30); the
    # example's first line is on 2025-01-10, so it holds exactly 2025 H1: 58 900 (expected JSON)
    assert short.loc["revenue", "previous"] == 58900.0
