"""Кого позвать (pages/12_calls.py) in AppTest: the page draws, the numbers on screen are the
API's (clinic_bi.metrics.calls), the doctor filter narrows the lists, and the settings saved by a
manager change the lists while an owner sees them read-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_bi import fmt, store
from clinic_bi.app import access
from clinic_bi.app.auth import User
from clinic_bi.metrics import Engine, calls
from clinic_bi.store import call_settings
from clinic_bi.store.call_settings import CallSettings
from tests.app.clinic_home import run_app
from tests.metrics_fixtures import line, make_store

PAGE = "pages/12_calls.py"



@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store where A (therapy, 2025-06-01) and B (hygiene with Ахметова, 2026-04-01) lapsed,
    C missed an appointment on 2026-11-02, and D has a plan of 50000 not started."""
    db = make_store(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
            line("2025-06-01", "A", "Белов", 12000, department="Терапия"),
            line("2026-04-01", "B", "Ахметова", 5000, department="Гигиена"),
            line("2026-06-01", "C", "Белов", 3000, department="Терапия"),
            line("2026-03-01", "D", "Белов", 0, department="Ортопедия"),
        ],
        appointments=[{"appointment_id": "1", "patient_id": "C", "doctor": "Белов",
                       "department": "Терапия", "scheduled_at": "2026-11-02 10:00",
                       "status": "no_show"}],  # fmt: skip
        contracts=[{"contract_id": "K1", "signed_at": "2026-03-01", "amount": 50000,
                    "patient_id": "D", "department": "Ортопедия"}],  # fmt: skip
    )
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(db))
    return db


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_the_page_shows_the_apis_lists_and_summary(clinic: Path) -> None:
    with Engine(clinic) as engine:
        lists = calls.call_lists(engine)
        summary = calls.summary(engine)
    # by hand: A lapsed (therapy 12 months), B lapsed (hygiene 6), C missed, D plan
    assert {n: sorted(f["patient_id"]) for n, f in lists.items()} == {
        "lapsed": ["A", "B"], "missed": ["C"], "plans": ["D"], "recall": []}
    at = run_app(page=PAGE)
    assert at.title[0].value == "Кого позвать"
    text = _texts(at)
    assert fmt.phrase("{n:пациент ждёт|пациента ждут|пациентов ждут} звонка на", "ru",
                      n=summary.patients) in text  # fmt: skip
    assert fmt.money(summary.value, "ru") in text
    assert "30.11.2026" in text  # as of data_end
    tabs = [tab.label for tab in at.tabs]
    assert tabs[0] == f"Давно не были · 2 · {fmt.money(lists['lapsed']['value'].sum(), 'ru')}"
    assert tabs[2].startswith("Планы лечения · 1 · 50")
    shown = at.dataframe[0].value
    assert list(shown["Карта"]) == list(lists["lapsed"]["patient_id"])


def test_the_doctor_filter_narrows_the_lists(clinic: Path) -> None:
    at = run_app({"doctor": "Ахметова"}, page=PAGE)
    tabs = [tab.label for tab in at.tabs]
    assert tabs[0].startswith("Давно не были · 1 ·")  # only B's last visit is Ахметова's
    assert list(at.dataframe[0].value["Карта"]) == ["B"]


def test_a_manager_saves_the_settings_and_the_lists_follow(clinic: Path) -> None:
    at = run_app({"lang": "en"}, page=PAGE)
    assert at.tabs[0].label.startswith("Lapsed · 2 ·")
    at.number_input(key="call_default").set_value(24)  # a department with no word: none here
    at.number_input(key="call_rebook").set_value(30)  # the no-show 28 days ago is too recent
    at.button(key="call_save").click().run()
    assert not at.exception
    with store.connect(clinic, read_only=True) as con:
        saved = call_settings.read(con)
    assert saved.rebook_days == 30 and saved.default_months == 24
    assert at.tabs[1].label.startswith("Missed, not rebooked · 0 ·")


def test_an_owner_sees_the_settings_read_only(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "current_user", lambda: User("owner", "owner"))
    at = run_app(page=PAGE)
    assert not [b for b in at.button if b.key == "call_save"]
    assert at.number_input(key="call_missed").disabled
    with pytest.raises(access.ActionRefused):
        from clinic_bi.app import calls_view

        calls_view.save_settings(clinic, CallSettings(missed_days=90))


def test_the_downloads_are_safe_and_keep_numbers(tmp_path: Path) -> None:
    import io

    from openpyxl import load_workbook

    from clinic_bi.app import calls_view, downloads

    # a card number and a contract number that Excel would run as formulas
    engine = Engine(make_store(
        tmp_path,
        services=[line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
                  line("2026-03-01", "=1+2", "Белов", 0, department="Ортопедия")],
        contracts=[{"contract_id": "@SUM(A1)", "signed_at": "2026-03-01", "amount": 50000,
                    "patient_id": "=1+2", "department": "Ортопедия"}],
    ))  # fmt: skip
    frame = calls.call_list(engine, "plans", settings=CallSettings())
    shown = calls_view.shown_frame("plans", frame, "ru")
    assert list(shown.columns[:3]) == ["Карта", "Остаток, ₽", "Что ждёт"]
    book = load_workbook(io.BytesIO(downloads.to_xlsx_bytes(shown, "calls_plans")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "'=1+2" and rows[1][3] == "'@SUM(A1)"  # text, not formulas
    assert rows[1][1] == 50000  # the amount left stays a number
    csv_text = downloads.to_csv_bytes(shown, "ru").decode("utf-8-sig")
    assert "'=1+2" in csv_text and "\n=1+2" not in csv_text


def test_the_overview_line(clinic: Path) -> None:
    from clinic_bi.app import calls_view, data

    info = data.store_info(clinic)
    with Engine(clinic) as engine:
        summary = calls.summary(engine)
    assert summary.patients == 4  # A, B, C, D (worked out in the fixture's doc)
    assert calls_view.overview_text(info, None, "ru") == (
        f"4 пациента ждут звонка на {fmt.money(summary.value, 'ru')}"
    )


def test_a_long_list_shows_its_most_valuable_head_and_downloads_whole(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big clinic's list holds thousands: the page draws the most valuable SHOWN_ROWS (here 1,
    of A and B lapsed), says so, and the files still hold every patient."""
    import io

    from openpyxl import load_workbook

    from clinic_bi.app import calls_view
    from tests.app.test_app_downloads import capture_deferred

    built = capture_deferred(monkeypatch)  # the callables behind the download buttons
    monkeypatch.setattr(calls_view, "SHOWN_ROWS", 1)
    with Engine(clinic) as engine:
        lapsed = calls.call_lists(engine)["lapsed"]
    assert len(lapsed) == 2
    at = run_app(page=PAGE)
    assert list(at.dataframe[0].value["Карта"]) == [lapsed["patient_id"].iloc[0]]  # the dearest
    assert "Показаны 1 самых ценных из 2" in _texts(at)
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("calls_lapsed_xlsx"))
    book = load_workbook(io.BytesIO(built[button.proto.deferred_file_id]()))
    cards = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert cards == list(lapsed["patient_id"])
