"""The Данные page's upload path (issue 10, items 3, 6, 8 and the uploader's half of 10).

- a staged upload is deleted when its load ends, when it is dropped from the uploader and when
  the session ends; folders left for more than 12 hours are deleted at start, fresh ones kept;
- a crafted file_id writes nothing outside the session's folder, a 300-character file name
  loads, and no exception reaches the page; no traceback is configured to reach a browser;
- an upload is loaded in a child process: the role is checked before it starts, and a child
  that is killed mid-load leaves the store as it was and says so in Russian;
- the uploader's limit is the loader's, in the loader's unit (decimal MB).

Every staged file goes to the system temp folder; here that is a folder of the test's own
(`tempfile.tempdir`), so "nothing left" is a look at the whole folder, not at the page's records.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime import caching
from streamlit.testing.v1 import AppTest

from clinic_bi import store
from clinic_bi.app import access
from clinic_bi.app.access import User
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from tests.hooks import MARKER, pause_in_transaction

APP = str(PROJECT_DIR / "streamlit_app.py")
PATIENTS = SAMPLE_DATA_DIR / "patients.csv"
REVIEWS = SAMPLE_DATA_DIR / "reviews.csv"
APPTEST_SESSION = "test session id"  # the one session id every AppTest runs under


@pytest.fixture(autouse=True)
def on_this_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The system temp folder, for this test only; the AppTest session starts afresh."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    caching.clear_session_resource_cache(APPTEST_SESSION)
    yield folder
    caching.clear_session_resource_cache(APPTEST_SESSION)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CLINIC_BI_HOME", str(home))
    monkeypatch.setenv("CLINIC_BI_DB", str(home / "clinic.duckdb"))
    return home


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def row_counts(db: Path) -> dict[str, int]:
    con = store.connect(db, read_only=True)
    try:
        return store.row_counts(con)
    finally:
        con.close()


# -- item 3: nothing stays in the temp folder -------------------------------------------------


def test_a_staged_file_is_deleted_when_its_load_ends(home: Path, temp: Path) -> None:
    at = data_page()
    at.get("file_uploader")[0].upload(PATIENTS.name, PATIENTS.read_bytes(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    staged = files_in(temp)
    assert len(staged) == 1 and staged[0].read_bytes() == PATIENTS.read_bytes()
    assert (staged[0].stat().st_mode & 0o777) == 0o600
    session_folder = staged[0].parent.parent
    assert (session_folder.stat().st_mode & 0o777) == 0o700

    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe[0].value.iloc[0]["Итог"] == "загружен"
    assert files_in(temp) == [], "the uploaded file is still on disk after its load"
    assert row_counts(home / "clinic.duckdb")["patients"] > 0


def test_a_file_removed_from_the_uploader_is_deleted(home: Path, temp: Path) -> None:
    at = data_page()
    uploader = at.get("file_uploader")[0]
    uploader.upload(PATIENTS.name, PATIENTS.read_bytes(), "text/csv")
    uploader.upload(REVIEWS.name, REVIEWS.read_bytes(), "text/csv").run()
    assert sorted(p.name for p in files_in(temp)) == ["patients.csv", "reviews.csv"]

    # the user takes reviews.csv out of the list: only patients.csv stays in the uploader
    at.get("file_uploader")[0].set_value([(PATIENTS.name, PATIENTS.read_bytes(), "text/csv")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.read_bytes() for p in files_in(temp)] == [PATIENTS.read_bytes()]

    at.get("file_uploader")[0].clear().run()  # and then the last one
    assert not at.exception, [e.value for e in at.exception]
    assert files_in(temp) == []


def test_the_session_folder_goes_when_the_session_ends(home: Path, temp: Path) -> None:
    at = data_page()
    at.get("file_uploader")[0].upload(PATIENTS.name, PATIENTS.read_bytes(), "text/csv").run()
    assert len(files_in(temp)) == 1
    caching.clear_session_resource_cache(APPTEST_SESSION)  # what a disconnect does
    assert list(temp.iterdir()) == []
    # a session that reconnects still has the file in its uploader: it is written again
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.read_bytes() for p in files_in(temp)] == [PATIENTS.read_bytes()]
    at.button(key="load_button").click().run()
    assert at.dataframe[0].value.iloc[0]["Итог"] == "загружен"


def _folder(parent: Path, name: str, age_hours: float) -> Path:
    folder = parent / name
    (folder / "a1b2").mkdir(parents=True)
    (folder / "a1b2" / "patients.csv").write_bytes(b"x")
    then = time.time() - age_hours * 3600
    os.utime(folder, (then, then))
    return folder


def test_stale_upload_folders_are_deleted_at_start(home: Path, temp: Path) -> None:
    from clinic_bi.app import staging

    old = _folder(temp, "clinic_bi_upload_old1", age_hours=13)
    fresh = _folder(temp, "clinic_bi_upload_fresh", age_hours=1)
    other = _folder(temp, "someone_else_old", age_hours=48)
    staging.stale_uploads_removed.clear()  # a process that has not cleaned up yet
    data_page()
    assert not old.exists()
    assert fresh.exists() and other.exists()


def test_a_folder_that_cannot_be_deleted_does_not_stop_the_page(
    home: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_bi.app import staging

    stuck = _folder(temp, "clinic_bi_upload_stuck", age_hours=30)
    old = _folder(temp, "clinic_bi_upload_old2", age_hours=30)
    real_rmtree = staging.shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if Path(path) == stuck:
            raise PermissionError(13, "Permission denied", str(path))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(staging.shutil, "rmtree", rmtree)
    staging.stale_uploads_removed.clear()
    at = data_page()
    assert not at.exception
    assert stuck.exists() and not old.exists()


# -- item 8: names from the client ------------------------------------------------------------


def test_a_crafted_file_id_writes_nothing_outside_the_session_folder(
    home: Path, temp: Path, tmp_path: Path
) -> None:
    at = data_page()
    uploader = at.get("file_uploader")[0]
    # what a hand-made request can send: the file_id is the client's, and so is the name
    uploader._files = [
        ("../../evil", "reviews.csv", REVIEWS.read_bytes(), "text/csv"),
        ("..", "../evil2/patients.csv", PATIENTS.read_bytes(), "text/csv"),
    ]
    uploader.run()
    assert not at.exception, [e.value for e in at.exception]
    outside = [p for p in tmp_path.rglob("*") if "evil" in str(p.relative_to(tmp_path))]
    assert outside == [], outside
    staged = files_in(temp)
    assert len(staged) == 2, staged
    session_folders = {p.relative_to(temp).parts[0] for p in staged}
    assert len(session_folders) == 1, session_folders
    assert next(iter(session_folders)).startswith("clinic_bi_upload_")
    assert all(len(p.relative_to(temp).parts) == 3 for p in staged), staged  # folder/uuid/name


def test_a_300_character_file_name_loads(home: Path, temp: Path) -> None:
    long_name = "Пациенты клиники " + "я" * 280 + ".csv"  # 301 characters, 596 bytes in UTF-8
    assert len(long_name) == 301
    at = data_page()
    at.get("file_uploader")[0].upload(long_name, PATIENTS.read_bytes(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    staged = files_in(temp)
    assert len(staged) == 1 and len(staged[0].name.encode()) <= 255
    titles = [e.label for e in at.expander]
    assert any(t.startswith("Пациенты клиники яяя") for t in titles), titles

    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.dataframe[0].value
    assert list(result["Файл"]) == [long_name]
    assert list(result["Итог"]) == ["загружен"]
    assert files_in(temp) == []


def test_no_traceback_reaches_a_browser() -> None:
    from streamlit import config

    settings = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    value = settings["client"]["showErrorDetails"]
    assert value == "none"
    assert value in {o.value for o in config.ShowErrorDetailsConfigOptions}


# -- item 6: the load in a child process -------------------------------------------------------


def test_the_role_is_checked_before_any_child_starts(
    home: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_bi.app import data

    started = []
    monkeypatch.setattr(data.subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.setattr(access, "current_user", lambda: User("oleg", "owner"))
    with pytest.raises(access.ActionRefused):
        data.load_in_child(home / "clinic.duckdb", PATIENTS, None, temp)
    assert started == []


def _kill_the_child_in_its_transaction(temp: Path, done: threading.Event) -> None:
    """Find the load_worker child (by its request file under `temp`) once its stderr says it
    is inside the load transaction, and SIGKILL it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not done.is_set():
        for log in temp.rglob("stderr.txt"):
            if MARKER not in log.read_text(errors="replace"):
                continue
            request = str(log.parent / "request.json")
            for proc in Path("/proc").iterdir():
                try:
                    cmdline = (proc / "cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if request.encode() in cmdline and b"clinic_bi.app.load_worker" in cmdline:
                    os.kill(int(proc.name), signal.SIGKILL)
                    return
        time.sleep(0.1)


def test_a_killed_load_says_so_and_leaves_the_store_as_it_was(
    home: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = home / "clinic.duckdb"
    before = loader.ingest_paths(db, [REVIEWS])
    assert all(r.ok for r in before)
    counts = row_counts(db)
    for name, value in pause_in_transaction(30).items():  # inherited by the child
        monkeypatch.setenv(name, value)
    at = data_page()
    at.get("file_uploader")[0].upload(PATIENTS.name, PATIENTS.read_bytes(), "text/csv").run()
    done = threading.Event()
    killer = threading.Thread(target=_kill_the_child_in_its_transaction, args=(temp, done))
    killer.start()
    started = time.monotonic()
    try:
        at.button(key="load_button").click().run()
    finally:
        done.set()
        killer.join()
    assert time.monotonic() - started < 25, "the load was not killed: it ran its whole pause"
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    plain = errors[0].replace("\\", "")  # the page escapes markdown in messages
    assert "patients.csv" in plain and "прервалась" in plain, plain
    assert "хранилище не изменилось" in plain, plain
    assert "Traceback" not in plain and "/" not in plain
    assert at.dataframe[0].value.iloc[0]["Итог"] == "не загружен"
    assert row_counts(db) == counts
    assert files_in(temp) == []


# -- item 10: one limit, one unit --------------------------------------------------------------


def _limit_text(at: AppTest) -> str:
    css = " ".join(h.value for h in at.get("html"))
    found = re.search(r'content:"(до [^"]*МБ[^"]*)"', css)
    assert found, css
    return found.group(1)


@pytest.mark.parametrize(("setting", "mb"), [(None, 200), ("150", 150), ("20", 20)])
def test_the_uploader_checks_the_loaders_limit(
    home: Path, temp: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, mb: int
) -> None:
    if setting is None:
        monkeypatch.delenv("CLINIC_BI_MAX_UPLOAD_MB", raising=False)
    else:
        monkeypatch.setenv("CLINIC_BI_MAX_UPLOAD_MB", setting)
    at = data_page()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == mb
    assert _limit_text(at).startswith(f"до {mb} МБ на файл")


def test_a_limit_above_the_servers_is_capped_at_the_servers(
    home: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's upload route refuses more than server.maxUploadSize MiB (200 in
    config.toml: 209,715,200 bytes = 209.7 MB) whatever the widget allows; the page never
    promises more than the server takes."""
    monkeypatch.setenv("CLINIC_BI_MAX_UPLOAD_MB", "500")
    at = data_page()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 209
    assert _limit_text(at).startswith("до 209 МБ на файл")


def test_the_load_button_counts_files_in_russian_and_english():
    from clinic_bi.app.i18n import t

    assert [t("load_button", "ru", n=n) for n in (1, 2, 5, 11, 21, 22)] == [
        f"Загрузить {w}" for w in
        ("1 файл", "2 файла", "5 файлов", "11 файлов", "21 файл", "22 файла")]
    assert [t("load_button", "en", n=n) for n in (1, 2)] == ["Load 1 file", "Load 2 files"]
