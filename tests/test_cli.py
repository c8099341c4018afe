"""The command line end to end, on the shipped sample exports (sample_data/)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from clinic_bi.cli import main
from clinic_bi.paths import SAMPLE_DATA_DIR

ROOT = Path(__file__).resolve().parents[1]


def data_rows(path: Path) -> int:
    """Rows of an export counted independently of the loader: CSV records after the header,
    or XLSX rows after the header row with a date in their first cell (no title/total rows)."""
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = list(ws.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r and r[0] in ("Дата приёма", "Месяц"))
        return sum(1 for r in rows[header + 1:] if r and r[0] not in (None, "Итого"))
    raw = path.read_bytes()
    enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else ("utf-8" if _utf8(raw) else "cp1251")
    text = raw.decode(enc)
    delim = "\t" if "\t" in text.splitlines()[0] else (";" if ";" in text.splitlines()[0] else ",")
    return sum(1 for _ in csv.reader(text.splitlines()[1:], delimiter=delim))


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_ingest_sample_folder_loads_every_file_with_no_question(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    code = main(["ingest", str(SAMPLE_DATA_DIR), "--db", str(db), "--format", "json"])
    assert code == 0
    results = {r["file"]: r for r in json.loads(capsys.readouterr().out)}
    files = sorted(p.name for p in SAMPLE_DATA_DIR.iterdir())
    assert sorted(results) == files
    for name, r in results.items():
        assert r["error"] is None, name
        assert r["rows_rejected"] == 0, (name, r["issues"][:3])
        assert r["rows_loaded"] == data_rows(SAMPLE_DATA_DIR / name), name
    kinds = {name: r["kind"] for name, r in results.items()}
    assert kinds == {
        "bitrix_leads.csv": "leads", "contracts.csv": "contracts",
        "ident_services_2023.xlsx": "services", "ident_services_2024.xlsx": "services",
        "marketing_spend.xlsx": "marketing_spend", "medesk_services_2025.csv": "services",
        "patients.csv": "patients", "reviews.csv": "reviews", "schedule.csv": "appointments",
    }
    # the Medesk file repeats the IDENT file's last week: those lines are replaced, not added
    medesk = results["medesk_services_2025.csv"]
    assert medesk["rows_replaced"] > 0
    assert medesk["rows_new"] + medesk["rows_replaced"] == medesk["rows_loaded"]


def test_a_bad_file_fails_alone_and_exits_non_zero(tmp_path, capsys):
    good = tmp_path / "reviews.csv"
    good.write_text("Дата,Врач,Оценка\n2025-01-12,A,5\n", encoding="utf-8")
    bad = tmp_path / "zzz.csv"
    bad.write_text("Колонка1;Колонка2\n1;2\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    code = main(["ingest", str(good), str(bad), "--db", str(db)])
    out = capsys.readouterr()
    assert code == 1
    assert "zzz.csv" in out.err and "Найдены столбцы: «Колонка1», «Колонка2»" in out.err
    assert main(["batches", "--db", str(db), "--format", "json"]) == 0
    journal = json.loads(capsys.readouterr().out)
    assert [b["file_name"] for b in journal] == ["reviews.csv"]


def test_remove_via_cli_and_unknown_batch(tmp_path, capsys):
    f = tmp_path / "reviews.csv"
    f.write_text("Дата,Врач,Оценка\n2025-01-12,A,5\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(f), "--db", db]) == 0
    assert main(["remove", "1", "--db", db]) == 0
    assert main(["remove", "1", "--db", db]) == 2
    assert "Загрузки с номером 1 нет" in capsys.readouterr().err


def test_rejects_written_as_csv(tmp_path):
    f = tmp_path / "svc.csv"
    f.write_text("Дата;№ карты;Врач;Услуга;Сумма\n01.02.2025;1;A;S;100\nвчера;2;A;S;50\n",
                 encoding="utf-8")
    out = tmp_path / "rej"
    assert main(["ingest", str(f), "--db", str(tmp_path / "s.duckdb"), "--rejects", str(out)]) == 0
    text = (out / "svc.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "Дата,№ карты,Врач,Услуга,Сумма,Строка файла,Причина"
    assert text[1] == "вчера,2,A,S,50,3,Дата визита «вчера»: не читается как дата"


def test_profile_option_maps_unusual_headers(tmp_path, capsys):
    f = tmp_path / "odd.csv"
    f.write_text("Когда;Кто лечил;Карта;Что делали;Деньги\n05.03.2025;A;7;S;1 200\n",
                 encoding="utf-8")
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({
        "name": "Наша МИС", "table": "services",
        "columns": {"Когда": "visit_date", "Кто лечил": "doctor", "Карта": "patient_id",
                    "Что делали": "service", "Деньги": "amount"},
    }, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(f), "--db", db, "--profile", str(profile),
                 "--save-profile", "Наша МИС"]) == 0
    assert "профиль «Наша МИС»" in capsys.readouterr().out
    # remembered: next month's file loads without --profile
    f2 = tmp_path / "odd2.csv"
    f2.write_text("Когда;Кто лечил;Карта;Что делали;Деньги\n06.03.2025;B;8;S;300\n",
                  encoding="utf-8")
    assert main(["ingest", str(f2), "--db", db, "--format", "json"]) == 0
    (r,) = json.loads(capsys.readouterr().out)
    assert (r["kind"], r["profile"], r["rows_loaded"]) == ("services", "Наша МИС", 1)
    assert main(["profiles", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "Наша МИС  [services, сохранённый]" in listing
    assert "Битрикс24: лиды  [leads, встроенный]" in listing


def test_module_entry_point_runs(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "clinic_bi", "batches", "--db",
                           str(tmp_path / "none.duckdb")], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0
    assert "ещё нет" in proc.stdout


def test_preview_reads_and_maps_without_a_store(tmp_path):
    from clinic_bi.ingest import loader

    f = tmp_path / "svc.csv"
    f.write_text("Дата;№ карты;Врач;Услуга;Сумма;Комментарий\n01.02.2025;1;A;S;100;x\n",
                 encoding="utf-8")
    p = loader.preview(f)
    assert p.error is None and p.missing == []
    assert p.mapping.table == "services"
    assert p.mapping.header_map() == {"Дата": "visit_date", "№ карты": "patient_id",
                                      "Врач": "doctor", "Услуга": "service", "Сумма": "amount"}
    assert p.mapping.ignored == ["Комментарий"]
    assert p.sample == [["01.02.2025", "1", "A", "S", "100", "x"]]
    assert list(tmp_path.iterdir()) == [f]  # nothing written


def test_a_complete_profile_guesses_nothing_else(st):
    from clinic_bi.ingest.mapping import Profile

    text = "Дата;№ карты;Врач;Услуга;Сумма;Отделение\n01.02.2025;1;A;S;100;Терапия\n"
    edited = Profile(name="вручную", table="services", complete=True, columns={
        "Дата": "visit_date", "№ карты": "patient_id", "Врач": "doctor", "Услуга": "service",
        "Сумма": "amount"})
    st.load("svc.csv", text, profile=edited)
    assert st.rows("select department from services") == [(None,)]


def test_the_full_json_report_of_a_loaded_demo_is_json(tmp_path: Path, capsys) -> None:
    """Every section of `report --format json`, the looking-ahead ones included, on a store that
    has every table (the demo's): a value JSON cannot hold fails here, not on a clinic's cron."""
    db = tmp_path / "demo.duckdb"
    assert main(["demo", str(tmp_path / "exports"), "--patients", "150", "--seed", "3",
                     "--end", "2025-12-31", "--load", "--db", str(db)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["report", "--period", "last_12m", "--db", str(db), "--format", "json",
                     "--fixed-costs", "hours"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    # last_12m counted back from the data's last day (the last service line's)
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        (last,) = con.execute("select max(visit_date) from services").fetchone()
    assert report["period"] == {"from": "2025-01-01", "to": last.isoformat()}
    for key in ("summary", "funnel", "marketing", "quality", "forecast", "plan", "changes",
                "call_lists", "margins"):
        assert report[key] is not None, key
    assert report["margins"]["operating"]["allocate"] == "hours"
