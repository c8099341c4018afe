"""The figure registry (clinic_bi/present/figures.py): every figure the app, the report and the charts
show has one entry, its kind agrees with the engine's, and it is written as worked out by hand."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_bi.app import data, i18n, view
from clinic_bi.metrics import HEADLINE_FIGURES
from clinic_bi.present import figures, report, words

ROOT = Path(__file__).resolve().parents[2]

# Columns of the report that are names of rows or dates, not figures.
NOT_FIGURES = {"service", "abc", "month", "data_end", "channel", "operator"}


def test_every_figure_has_one_entry_with_both_languages() -> None:
    assert len(figures.BY_NAME) == len(figures.FIGURES)
    for f in figures.FIGURES:
        assert f.kind in figures.KINDS, f.name
        assert f.digits >= 0, f.name
        for text in (f.ru, f.en, f.ru_short, f.en_short, f.definition_ru, f.definition_en):
            assert text.strip() and "\n" not in text, f.name
        assert f.up_is_good in (True, False, None), f.name
        assert f.name not in words.COLUMNS and f.name not in i18n.UI_COLUMNS, f.name


def test_headline_figures_kpis_and_report_keys_are_all_registered() -> None:
    for name, kind in HEADLINE_FIGURES:
        assert figures.kind(name) == kind, name
    engine_kinds = dict(HEADLINE_FIGURES)
    for name in data.KPI_FIGURES:
        assert figures.kind(name) == engine_kinds[name], name
    for name in view.KPIS:
        assert figures.get(name) is not None, name
    keys = {*report.SUMMARY_KEYS, *report.BREAKDOWN_KEYS, *report.SERVICE_KEYS,
            *report.MONTHLY_KEYS, *report.FUNNEL_KEYS, *report.MARKETING_KEYS,
            *report.APPOINTMENT_KEYS, *report.QUALITY_KEYS}  # fmt: skip
    for key in keys - NOT_FIGURES:
        assert figures.get(key) is not None, key
    for key in NOT_FIGURES - {"data_end"}:
        assert words.label(key, "ru") != key, key


@pytest.mark.parametrize(
    ("name", "value", "lang", "text"),
    [
        ("revenue", 32_900_000, "ru", "32,9 млн ₽"),
        ("revenue", 32_900_000, "en", "32.9M ₽"),
        ("avg_check", 8_691.4, "ru", "8 691 ₽"),
        ("return_rate", 0.4743, "ru", "47,4 %"),
        ("return_rate", 0.4743, "en", "47.4%"),
        ("return_rate", None, "ru", "—"),
        ("visits", 1234, "ru", "1 234"),
        ("avg_rating", 4.66, "ru", "4,7"),  # one decimal, as a 5-point rating is read
        ("avg_rating", 4.65, "en", "4.7"),  # half away from zero, on the decimal text
        ("quantity", 12.0, "ru", "12"),  # whole quantities without decimals
        ("quantity", 2.25, "ru", "2,25"),  # a quarter of a unit stays exact
        ("visits_per_patient", 2.356, "ru", "2,36"),
        ("avg_wait_min", 6.66, "ru", "6,7 мин"),
        ("avg_wait_min", 6.66, "en", "6.7 min"),
        ("avg_wait_min", None, "ru", "—"),
        ("ltv_to_cac_cohorts", 3.04, "ru", "3,0"),
        ("not_a_figure", 12.6, "ru", "13"),
    ],
)
def test_values_are_written_as_worked_out_by_hand(name, value, lang, text) -> None:
    assert figures.show(name, value, lang) == text


def test_the_app_and_the_report_write_a_figure_alike() -> None:
    for name, value in (("avg_rating", 4.66), ("quantity", 1.5), ("avg_wait_min", 8.33),
                        ("share", 0.163), ("spend", 58_900)):  # fmt: skip
        assert i18n.show(name, value, "ru") == report._show(name, value, "ru")


def test_changes_in_per_cent_or_percentage_points() -> None:
    assert figures.change_text("ratio", 0.021, None, "ru") == "+2,1 п.п."
    assert figures.change_text("ratio", -0.0215, None, "en") == "-2.2 pp"
    assert figures.change_text("money", 1_000.0, 0.1234, "ru") == "+12,3 %"
    assert figures.change_text("count", -3.0, -0.05, "en") == "-5.0%"
    assert figures.change_text("money", 1.0, None, "ru") is None  # the other figure was 0
    assert figures.change_text("ratio", float("nan"), None, "ru") is None
    # the text report: fmt.py's sign, no plus
    assert figures.change_text("ratio", 0.021, None, "ru", signed=False) == "2,1 п.п."
    assert figures.change_text("number", 0.2, 0.0513, "ru", signed=False) == "5,1 %"
    assert report._change(None, None, "ratio", "ru") == "—"
    assert view.change_text("ratio", 0.021, None, "ru") == "+2,1 п.п."


def test_names_come_from_the_registry() -> None:
    assert i18n.label("return_rate", "ru") == "Возвращаемость"
    assert i18n.short_label("return_rate", "en") == "Return"
    assert i18n.label("doctor", "en") == "Doctor" and i18n.label("rows_new", "ru") == "Новых"
    assert i18n.short_label("rows_loaded", "ru") == "Строк"
    assert words.label("overall_rate", "ru") == figures.get("overall_rate").ru


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("module", ["charts", "figures", "words", "report"])
def test_the_layer_below_the_app_imports_nothing_of_it(module: str) -> None:
    package = ROOT / "clinic_bi" / "present" / module  # charts is a package, the others modules
    paths = sorted(package.glob("*.py")) if package.is_dir() else [package.with_suffix(".py")]
    imported = set().union(*(_imports(path) for path in paths))
    assert not any(n.startswith("clinic_bi.app") or n == "streamlit" for n in imported), imported


def test_importing_the_charts_loads_no_ui_module() -> None:
    code = ("import sys, clinic_bi.present.charts; "
            "assert not any(m.startswith('clinic_bi.app') for m in sys.modules), "
            "sorted(m for m in sys.modules if m.startswith('clinic_bi.app'))")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
