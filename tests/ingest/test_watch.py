"""`python -m clinic_bi watch` (clinic_bi/ingest/watch.py): real files appearing in a temporary
folder while the watcher runs — copied slowly, re-saved with a changed line, broken and then
fixed — loaded once each by the loader's own rules, and the user's folder left untouched."""

from __future__ import annotations

import os
import signal
import threading
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from clinic_bi import store
from clinic_bi.cli import main
from clinic_bi.ingest import watch

D = Decimal
SETTLE = 0.2
SERVICES_HEADER = "Дата;№ карты;Врач;Услуга;Сумма\n"
MARCH = SERVICES_HEADER + (
    "01.03.2025;1;Иванова;Приём;1000\n"
    "02.03.2025;2;Иванова;Пломба;2000\n"
    "03.03.2025;3;Петров;Снимок;500\n"
)
CONTRACTS = "Номер договора;Дата договора;№ карты;Врач;Сумма договора\n" + (
    "Д-1;10.03.2025;1;Иванова;90000\n"
    "Д-2;11.03.2025;2;Петров;50000\n"
    "Д-3;12.03.2025;3;Петров;10000\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "exports"
    out.mkdir()
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "home" / "clinic.duckdb"


def one_pass(folder: Path, db: Path) -> watch.PassReport:
    return watch.run_pass(folder, db, settle=SETTLE)


def query(db: Path, sql: str) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def saved_state(db: Path) -> str | None:
    rows = query(db, "select value from meta where key = 'watch_state'")
    return rows[0][0] if rows else None


def services_lines(n: int) -> str:
    """`n` services lines, every one distinct (a card of its own), amounts 100, 101, …"""
    return SERVICES_HEADER + "".join(
        f"{1 + i % 28:02d}.03.2025;{1000 + i};Иванова;Приём;{100 + i}\n" for i in range(n))


def write_later(path: Path, text: str) -> None:
    """Re-save a file as an export program does: new content, and an mtime surely new."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:  # a coarse clock: move it on by hand
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


# -- (1) a file still being written is not read half-way -----------------------------------------


def test_a_file_copied_slowly_is_loaded_once_and_whole(folder: Path, db: Path) -> None:
    """The watch loop runs in a thread (a pass every 0.05 s, settle 0.2 s) while the file is
    written in ten pieces 0.1 s apart, cut anywhere (mid-line too): the watcher sees it grow,
    waits, and loads it once, whole."""
    content = services_lines(400).encode("utf-8")
    reports: list[watch.PassReport] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def run() -> None:
        try:
            watch.watch_loop(folder, db, 0.05, SETTLE, on_report=reports.append, stop=stop)
        except BaseException as exc:  # shown by the test, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        time.sleep(0.1)
        target = folder / "услуги_март.csv"
        step = len(content) // 10 + 1
        with open(target, "wb") as out:
            for start in range(0, len(content), step):
                out.write(content[start:start + step])
                out.flush()
                time.sleep(0.1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
                o.status == watch.LOADED for r in reports for o in r.outcomes):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    outcomes = [o for r in reports for o in r.outcomes]
    loaded = [o for o in outcomes if o.status == watch.LOADED]
    assert len(loaded) == 1, outcomes
    assert loaded[0].result.rows_loaded == 400 and loaded[0].result.rows_rejected == 0
    assert any(o.status == watch.PENDING for o in outcomes), "the growing file was never seen"
    assert query(db, "select count(*), sum(rows_loaded) from batches") == [(1, 400)]
    # 100 + 101 + … + 499
    assert query(db, "select count(*), sum(amount) from services") == [(400, D(sum(range(100, 500))))]


def test_a_file_that_changes_while_it_is_read_waits_for_the_next_pass(
    folder: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy that paused longer than the settle time and goes on while the watcher reads: the
    hash after the read differs from what was read, so nothing is loaded; the next pass loads
    the whole file."""
    target = folder / "услуги.csv"
    target.write_text(services_lines(3), encoding="utf-8")
    real_hash = watch.file_sha256
    resumed = []

    def copy_goes_on(path: Path) -> str:
        if not resumed:  # the writer appends the rest right after the watcher's read
            resumed.append(path)
            with open(path, "a", encoding="utf-8") as out:
                out.write("04.03.2025;2000;Петров;Снимок;700\n")
        return real_hash(path)

    monkeypatch.setattr(watch, "file_sha256", copy_goes_on)
    report = one_pass(folder, db)
    assert [(o.name, o.status) for o in report.outcomes] == [("услуги.csv", watch.PENDING)]
    assert not db.exists() or query(db, "select count(*) from batches") == [(0,)]
    report = one_pass(folder, db)
    assert [(o.status, o.result.rows_loaded) for o in report.outcomes] == [(watch.LOADED, 4)]


# -- (2) a re-saved file with a changed line ------------------------------------------------------


def test_a_resaved_services_file_with_one_changed_line_loads_again(folder: Path, db: Path) -> None:
    """Services have no id of their own: a row is keyed by its content (DATA.md, "Loading
    rules"). The two unchanged lines replace themselves; the changed one is a new row, and the
    line as it was steps aside: the new file is a newer version of the same export
    (clinic_bi/ingest/resaved.py), so the line is not counted twice."""
    target = folder / "услуги.csv"
    target.write_text(MARCH, encoding="utf-8")
    first = one_pass(folder, db).outcomes
    assert [(o.status, o.result.rows_new, o.result.rows_replaced) for o in first] == [
        (watch.LOADED, 3, 0)]
    write_later(target, MARCH.replace(";2000\n", ";2500\n"))
    again = one_pass(folder, db).outcomes
    assert [(o.status, o.result.rows_new, o.result.rows_replaced, o.result.rows_superseded)
            for o in again] == [(watch.LOADED, 1, 2, 1)]
    assert query(db, "select rows_new, rows_replaced from batches order by batch_id") == [
        (3, 0), (1, 2)]
    assert query(db, "select amount from services where patient_id = '2'") == [(D("2500.00"),)]
    # 1000 + 2500 + 500: the file as it is now
    assert query(db, "select sum(amount) from services") == [(D("4000.00"),)]


def test_a_resaved_contracts_file_with_one_changed_line_replaces_that_row(
    folder: Path, db: Path
) -> None:
    """Contracts carry their number: every row of the new version replaces its earlier self,
    the changed one with its new amount."""
    target = folder / "договоры.csv"
    target.write_text(CONTRACTS, encoding="utf-8")
    assert one_pass(folder, db).outcomes[0].result.rows_new == 3
    write_later(target, CONTRACTS.replace(";50000\n", ";55000\n"))
    [again] = one_pass(folder, db).outcomes
    assert (again.status, again.result.rows_new, again.result.rows_replaced) == (watch.LOADED, 0, 3)
    assert query(db, "select amount from contracts where contract_id = 'Д-2'") == [(D("55000.00"),)]
    # 90 000 + 55 000 + 10 000
    assert query(db, "select count(*), sum(amount) from contracts") == [(3, D("155000.00"))]


def test_a_file_identical_to_one_in_the_journal_is_skipped_with_a_note(
    folder: Path, db: Path
) -> None:
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    one_pass(folder, db)
    (folder / "копия услуг.csv").write_bytes((folder / "услуги.csv").read_bytes())
    [copy] = one_pass(folder, db).outcomes
    assert (copy.name, copy.status, copy.batch_id) == ("копия услуг.csv", watch.SAME_FILE, 1)
    assert "уже загружен (загрузка № 1), пропущен" in watch.describe(copy)[0]
    assert one_pass(folder, db).outcomes == []  # said once
    assert query(db, "select count(*) from batches") == [(1,)]


# -- (3) a broken file: reported once, retried when fixed -------------------------------------------


def services_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    sheet.append(["01.03.2025", "1", "Иванова", "Приём", 1000])
    sheet.append(["02.03.2025", "2", "Петров", "Пломба", 2000])
    book.save(path)


def test_a_broken_file_is_reported_once_and_tried_again_when_fixed(
    folder: Path, db: Path
) -> None:
    broken = folder / "услуги.xlsx"
    broken.write_bytes(os.urandom(4096))
    [first] = one_pass(folder, db).outcomes
    assert first.status == watch.FAILED and first.message.startswith("услуги.xlsx:")
    state = saved_state(db)
    assert state is not None and '"status": "failed"' in state
    data_version = query(db, "select value from meta where key = 'data_version'")
    for _ in range(2):
        report = one_pass(folder, db)
        assert (report.outcomes, report.unchanged, report.failed) == ([], 1, False)
    assert saved_state(db) == state  # nothing more written
    assert query(db, "select value from meta where key = 'data_version'") == data_version
    assert query(db, "select count(*) from batches") == [(0,)]
    # touched, not changed (same sha256): still not tried again, its new mtime remembered
    later = broken.stat().st_mtime_ns + 5_000_000_000
    os.utime(broken, ns=(later, later))
    assert one_pass(folder, db).outcomes == []
    assert str(later) in saved_state(db)
    assert one_pass(folder, db).unchanged == 1
    # fixed: a real workbook under the same name
    services_xlsx(broken)
    [fixed] = one_pass(folder, db).outcomes
    assert (fixed.status, fixed.result.rows_loaded) == (watch.LOADED, 2)
    assert query(db, "select sum(amount) from services") == [(D("3000.00"),)]


def test_a_file_no_kind_fits_asks_for_a_profile_once(folder: Path, db: Path) -> None:
    (folder / "отчёт.csv").write_text("Колонка;Другая\n1;2\n", encoding="utf-8")
    [first] = one_pass(folder, db).outcomes
    assert first.status == watch.NEEDS_PROFILE and first.failed
    lines = watch.describe(first)
    assert "Не удалось понять, что за выгрузка" in lines[0]
    assert "откройте страницу «Данные», загрузите файл вручную и сохраните профиль" in lines[1]
    assert one_pass(folder, db).outcomes == []
    con = store.connect(db, read_only=True)
    try:
        [(name, seen)] = watch.remembered_failures(con, folder)
    finally:
        con.close()
    assert (name, seen.status) == ("отчёт.csv", watch.NEEDS_PROFILE)
    # said again in English from what the state keeps
    assert "Could not tell what kind of export this is" in seen.text().in_lang("en")


# -- (4) the user's files and folder are left as they were ------------------------------------------


def listing(root: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every file and folder under `root`, hidden ones too: (bytes, mtime_ns, mode)."""
    out = {}
    for where, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(where) / name
            info = path.stat()
            out[str(path.relative_to(root))] = (
                path.read_bytes() if path.is_file() else None, info.st_mtime_ns, info.st_mode)
    return out


def test_the_users_files_are_unchanged_and_nothing_is_created_in_the_folder(
    folder: Path, db: Path
) -> None:
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    (folder / "2025-03").mkdir()
    (folder / "2025-03" / "договоры.csv").write_text(CONTRACTS, encoding="utf-8")
    (folder / "2025-03" / "архив").mkdir()  # two levels down: not looked into
    (folder / "2025-03" / "архив" / "старые.csv").write_text(
        MARCH.replace("Иванова", "Сидорова"), encoding="utf-8")
    (folder / "битый.xlsx").write_bytes(os.urandom(2048))
    (folder / "~$услуги.xlsx").write_bytes(b"\x00owner")  # Excel's owner file
    (folder / ".~lock.услуги.csv#").write_text("user,host", encoding="utf-8")  # LibreOffice
    (folder / ".скрытый.csv").write_text(MARCH, encoding="utf-8")
    (folder / "выгрузка.csv.part").write_text(MARCH, encoding="utf-8")
    (folder / "выгрузка.crdownload").write_text(MARCH, encoding="utf-8")
    (folder / "отчёт.tmp").write_text(MARCH, encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "услуги.csv").write_text(MARCH, encoding="utf-8")
    before = listing(folder)
    first = one_pass(folder, db)
    assert sorted((o.name, o.status) for o in first.outcomes) == [
        ("2025-03/договоры.csv", watch.LOADED), ("битый.xlsx", watch.FAILED),
        ("услуги.csv", watch.LOADED)]
    for _ in range(2):
        one_pass(folder, db)
    assert listing(folder) == before
    assert query(db, "select file_name from batches order by batch_id") == [
        ("услуги.csv",), ("договоры.csv",)]
    assert query(db, "select count(*) from services where doctor = 'Сидорова'") == [(0,)]


# -- (5) the command: --once exit codes, the loop and Ctrl+C ----------------------------------------


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_BI_WATCH_SETTLE", "0.05")


def test_once_exit_codes(folder: Path, db: Path, fast: None, tmp_path: Path,
                         capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    args = ["watch", str(folder), "--once", "--db", str(db)]
    assert main(args) == 0  # nothing there yet
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "✓ услуги.csv → оказанные услуги [services]" in out
    assert "загружено 3 (новых 3, заменено уже загруженных 0), отклонено 0" in out
    (folder / "битый.xlsx").write_bytes(os.urandom(1024))
    assert main(args) == 1
    said = capsys.readouterr()
    assert "✗ битый.xlsx: не загружен." in said.out and "ОШИБКА: битый.xlsx:" in said.err
    assert main(args) == 0  # said once: not a failure of this pass
    assert capsys.readouterr() == ("", "")  # not a terminal (cron): no news, no words
    # bad arguments
    assert main(["watch", str(tmp_path / "нет такой"), "--once", "--db", str(db)]) == 2
    assert f"Папки {tmp_path / 'нет такой'} нет" in capsys.readouterr().err
    assert main(["watch", str(folder / "услуги.csv"), "--once", "--db", str(db)]) == 2
    assert "не папка, а файл" in capsys.readouterr().err
    assert main(["watch", str(folder), "--interval", "0", "--db", str(db)]) == 2
    assert "--interval" in capsys.readouterr().err
    assert query(db, "select count(*) from batches") == [(1,)]


def test_once_takes_a_relative_folder_from_the_current_one(
    folder: Path, db: Path, fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    monkeypatch.chdir(folder.parent)
    assert main(["watch", "exports", "--once", "--db", str(db)]) == 0
    assert query(db, "select count(*) from batches") == [(1,)]


def test_the_loop_loads_and_ctrl_c_ends_it_cleanly(
    folder: Path, db: Path, fast: None, capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --once: a pass every 0.05 s; Ctrl+C (SIGINT to this process), a few passes after
    the file loaded, says goodbye and exits 0."""
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    loaded = threading.Event()
    real_print = watch.print_report

    def print_and_tell(report: watch.PassReport, *args: object, **kwargs: object) -> None:
        real_print(report, *args, **kwargs)
        if any(o.status == watch.LOADED for o in report.outcomes):
            loaded.set()

    monkeypatch.setattr(watch, "print_report", print_and_tell)

    def interrupt() -> None:
        loaded.wait(60)
        time.sleep(0.3)  # a few quiet passes more
        os.kill(os.getpid(), signal.SIGINT)

    ctrl_c = threading.Thread(target=interrupt)
    ctrl_c.start()
    try:
        code = main(["watch", str(folder), "--interval", "0.05", "--db", str(db)])
    finally:
        loaded.set()
        ctrl_c.join()
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"Слежу за папкой {folder}")
    assert out.count("✓ услуги.csv") == 1
    assert out.rstrip().endswith("До свидания.")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert query(db, "select count(*) from batches") == [(1,)]


# -- (6) the folder saved on the Данные page --------------------------------------------------------


def test_the_saved_folder_round_trip_and_watch_without_dir(
    folder: Path, db: Path, fast: None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    once = ["watch", "--once", "--db", str(db)]
    assert main(once) == 2  # no store yet
    assert "Папка не указана" in capsys.readouterr().err
    con = store.connect(db)
    try:
        assert watch.saved_folder(con) is None
        assert watch.save_folder(con, f'  "{folder}" ') == folder  # as pasted from Explorer
        assert watch.saved_folder(con) == folder
        for typed, reason in (("exports", "relative"), (str(tmp_path / "нет"), "missing"),
                              ("", "not_set")):
            with pytest.raises(watch.FolderError) as refused:
                watch.check_folder(typed)
            assert refused.value.reason == reason
        with pytest.raises(watch.FolderError):
            watch.save_folder(con, "exports")
        assert watch.saved_folder(con) == folder  # a refused folder leaves the saved one
    finally:
        con.close()
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    assert main(once) == 0
    assert "✓ услуги.csv" in capsys.readouterr().out
    # the saved folder gone (a network drive not mounted): said, and exit 2
    folder.rename(tmp_path / "moved")
    assert main(once) == 2
    err = capsys.readouterr().err
    assert "сохранена на странице «Данные»" in err and f"Папки {folder} нет" in err
    con = store.connect(db)
    try:
        assert watch.save_folder(con, None) is None
        assert watch.saved_folder(con) is None
    finally:
        con.close()
    assert main(once) == 2
    assert "Папка не указана" in capsys.readouterr().err


def test_a_store_held_by_another_process_is_waited_for(
    folder: Path, db: Path, fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB is single-writer: while another process holds the store, the watcher says it
    waits (as `ingest` does) and then gives up with the store's own message (exit 2)."""
    import subprocess
    import sys

    store.connect(db).close()
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("CLINIC_BI_LOCK_WAIT", "0.5")
        said: list[str] = []
        with pytest.raises(store.StoreLocked):
            watch.run_pass(folder, db, settle=0.05, on_wait=said.append)
        assert said and "занято другим процессом" in said[0]
    finally:
        holder.kill()
        holder.wait()
    assert watch.run_pass(folder, db, settle=0.05).outcomes[0].status == watch.LOADED


def test_duckdb_interrupt_is_not_remembered_as_a_broken_file(
    folder: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C that reaches DuckDB mid-load comes back as its RuntimeError: the pass stops with
    KeyboardInterrupt and the file is not remembered, so the next run loads it."""
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")

    def interrupted_load(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(watch.loader, "ingest_file", interrupted_load)
    with pytest.raises(KeyboardInterrupt):
        watch.run_pass(folder, db, settle=0, interrupted=lambda: True)
    monkeypatch.undo()
    assert saved_state(db) is None or "услуги" not in saved_state(db)
    assert watch.run_pass(folder, db, settle=0).outcomes[0].status == watch.LOADED


def test_a_store_that_is_no_store_is_refused_with_its_message(
    folder: Path, tmp_path: Path, fast: None, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "not-a-store.duckdb"
    bad.write_bytes(b"this is not duckdb")
    (folder / "услуги.csv").write_text(MARCH, encoding="utf-8")
    assert main(["watch", str(folder), "--once", "--db", str(bad)]) == 2
    assert "не открывается как хранилище" in capsys.readouterr().err
    assert bad.read_bytes() == b"this is not duckdb"
