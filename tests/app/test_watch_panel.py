"""The Данные page's "folder with exports" section (clinic_bi/app/watch_panel.py): a manager saves
the folder, checks it now and sees what loaded; an owner sees the folder but cannot change it;
the command to schedule quotes any folder; every word in both languages."""

from __future__ import annotations

import re
import shlex
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi import store
from clinic_bi.app import watch_panel
from clinic_bi.app.auth import hash_password
from clinic_bi.ingest import watch
from clinic_bi.paths import PROJECT_DIR
from tests.app.clinic_home import clinic_home

APP = str(PROJECT_DIR / "streamlit_app.py")
SERVICES = ("Дата;№ карты;Врач;Услуга;Сумма\n"
            "01.03.2025;1;Иванова;Приём;1 500\n"
            "02.03.2025;2;Петров;Пломба;3 000\n")


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLINIC_BI_WATCH_SETTLE", "0.1")  # the check's child reads it
    return clinic_home(tmp_path, monkeypatch, {})


def data_page(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in_data_page(name: str, role: str) -> AppTest:
    """The Данные page for a user signed in with `role` (password «p»)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": {"users": {name: {"role": role,
                                            "password_hash": hash_password("p", 1000)}}}}
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input("p")
    at.button[0].click().run()
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    """Markdown as the page shows it: escapes and word joiners taken out."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def test_a_manager_saves_the_folder_checks_it_and_sees_what_loaded(
    clinic: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "выгрузки МИС"
    folder.mkdir()
    (folder / "услуги.csv").write_text(SERVICES, encoding="utf-8")
    (folder / "непонятно.csv").write_text("Колонка;Другая\n1;2\n", encoding="utf-8")
    at = data_page(AppTest.from_file(APP, default_timeout=60))
    assert "watch_check" not in [b.key for b in at.button]  # no folder yet
    at.text_input(key="watch_folder_input").set_value(str(folder))
    at.button(key="watch_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [plain(s.value) for s in at.success] == [f"Папка сохранена: {folder}"]
    codes = [c.value for c in at.code]
    assert any(f"-m clinic_bi watch {shlex.quote(str(folder))} --once" in c for c in codes), codes
    con = store.connect(clinic, read_only=True)
    try:
        assert watch.saved_folder(con) == folder
    finally:
        con.close()

    at.button(key="watch_check").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = next(d.value for d in at.dataframe if "Итог" in d.value.columns)
    assert result[["Файл", "Что внутри", "Итог"]].to_dict("records") == [
        {"Файл": "услуги.csv", "Что внутри": "Оказанные услуги", "Итог": "загружен"},
        {"Файл": "непонятно.csv", "Что внутри": "—", "Итог": "нужен профиль"},
    ], result
    loaded = result[result["Файл"] == "услуги.csv"].iloc[0]
    assert (loaded["Итог"], int(loaded["Новых"])) == ("загружен", 2)
    warnings = [plain(w.value) for w in at.warning]
    assert any("Не удалось понять, что за выгрузка" in w and "сохраните профиль" in w
               for w in warnings), warnings  # fmt: skip
    journal = next(d.value for d in at.dataframe if "Период данных" in d.value.columns)
    assert journal["Файл"].tolist() == ["услуги.csv"]  # the journal above shows the load

    at.button(key="watch_check").click().run()  # again: nothing new, the failure not repeated
    assert not at.exception
    assert any("Новых или изменённых файлов нет" in i.value for i in at.info)
    waiting = [e.label for e in at.expander if "исправления" in e.label]
    assert waiting == ["1 файл ждёт исправления"], waiting


def test_the_section_in_english(clinic: Path, tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    data_page(at)
    at.text_input(key="watch_folder_input").set_value("exports")
    at.button(key="watch_save").click().run()
    assert [e.value for e in at.error] == [watch_panel.WORDS["watch_folder_relative"][1]]


def test_an_owner_sees_the_folder_but_cannot_change_or_check_it(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    con = store.connect(clinic)
    try:
        watch.save_folder(con, folder)
    finally:
        con.close()
    at = signed_in_data_page("oleg", "owner")
    keys = {w.key for w in (*at.button, *at.text_input)}
    assert not keys & {"watch_folder_input", "watch_save", "watch_check"}, keys
    assert f"Папка: {folder}" in [plain(c.value) for c in at.caption]
    with pytest.raises(PermissionError):  # the write path refuses too, whatever is sent
        monkeypatch.setattr(watch_panel.access, "current_user",
                            lambda: watch_panel.access.User("oleg", "owner"))
        watch_panel.check_in_child(folder, clinic)


def test_the_command_to_schedule_quotes_any_folder(tmp_path: Path) -> None:
    folder = Path("/srv/МИС выгрузки/it's $HOME")
    db = tmp_path / "clinic.duckdb"
    words = shlex.split(watch_panel.schedule_command(folder, db, windows=False))
    assert words[words.index("&&") + 1:] == [
        words[words.index("&&") + 1], "-m", "clinic_bi", "watch", str(folder), "--once",
        "--db", str(db)]
    assert words[:2] == ["cd", str(PROJECT_DIR)]
    windows = watch_panel.schedule_command(Path(r"D:\Выгрузки МИС"), db, windows=True)
    assert r'watch "D:\Выгрузки МИС" --once' in windows and windows.startswith("cd /d ")
    default = Path.home() / ".clinic_bi" / "clinic.duckdb"
    assert "--db" not in watch_panel.watch_arguments(folder, default)


def test_every_word_is_in_both_languages_with_the_same_fields() -> None:
    def fields(text: str) -> set[str]:
        return {name.split(":")[0] for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, (ru, en) in watch_panel.WORDS.items():
        assert ru and en, key
        assert fields(ru) == fields(en), key
        assert not re.search("[а-яё]", en, re.I), key


# -- which folders the page may watch -----------------------------------------------------------


def test_the_folder_must_lie_inside_the_allowed_root_links_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "exports"
    (root / "МИС").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    monkeypatch.delenv(watch_panel.ROOT_ENV, raising=False)
    assert watch_panel.folder_refusal(outside, local=True) is None  # this computer: any folder
    assert watch_panel.folder_refusal(root, local=False)[0] == "watch_folder_remote"
    monkeypatch.setenv(watch_panel.ROOT_ENV, str(root))
    for remote in (False, True):
        assert watch_panel.folder_refusal(root / "МИС", local=remote) is None
        assert watch_panel.folder_refusal(outside, local=remote)[0] == "watch_folder_outside_root"
        assert watch_panel.folder_refusal(root / "link", local=remote)[0] == (
            "watch_folder_outside_root")
        assert watch_panel.folder_refusal(root / "МИС" / ".." / "..", local=remote)[0] == (
            "watch_folder_outside_root")


def test_a_manager_away_from_the_server_cannot_point_the_watcher_at_its_files(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manager who signs in from another computer: without CLINIC_BI_WATCH_ROOT the page
    refuses any folder; nothing is saved, and a folder saved earlier is not checked either."""
    secret = tmp_path / "server files"
    secret.mkdir()
    (secret / "passwords.csv").write_text("Дата;Сумма\n01.03.2025;1\n", encoding="utf-8")
    monkeypatch.delenv(watch_panel.ROOT_ENV, raising=False)
    monkeypatch.setattr(watch_panel.access, "request_origin",
                        lambda: watch_panel.access.Origin("203.0.113.7", host="clinic.example"))
    at = signed_in_data_page("masha", "manager")
    at.text_input(key="watch_folder_input").set_value(str(secret))
    at.button(key="watch_save").click().run()
    assert [e.value for e in at.error if "CLINIC_BI_WATCH_ROOT" in e.value]
    con = store.connect(clinic, read_only=True)
    try:
        assert watch.saved_folder(con) is None
    finally:
        con.close()
    con = store.connect(clinic)
    try:
        watch.save_folder(con, secret)  # saved before the rule (or from this computer)
    finally:
        con.close()
    at.run()
    at.button(key="watch_check").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if "CLINIC_BI_WATCH_ROOT" in e.value]
    con = store.connect(clinic, read_only=True)
    try:
        assert con.execute("select count(*) from batches").fetchone() == (0,)
    finally:
        con.close()
