"""Access under AppTest: with no users the app serves only this computer; with users, a login
form comes before any page, an owner reads (no uploader, no mapping editor, no "remove"), a
manager does everything, and the write path itself refuses an owner.

AppTest has no real browser connection; the browser's address is what `access.request_origin()`
returns, so the tests set it. tests/app/test_browser_auth.py does the same in a real browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access, data
from clinic_bi.app.access import Origin, forwarded_addresses, is_local_origin
from clinic_bi.app.auth import User, hash_password
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR

APP = str(PROJECT_DIR / "streamlit_app.py")
FAST = 1000  # PBKDF2 iterations for test users (the real default is 600 000)


def _secrets(**users: tuple[str, str]) -> dict:
    return {"auth": {"users": {name: {"role": role, "password_hash": hash_password(pw, FAST)}
                               for name, (role, pw) in users.items()}}}  # fmt: skip


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("auth_sample") / "sample.duckdb"
    results = loader.ingest_paths(db, [SAMPLE_DATA_DIR / "medesk_services_2025.csv"])
    assert all(r.ok for r in results), [r.error for r in results]
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_store: Path) -> Path:
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    shutil.copy(sample_store, tmp_path / "clinic.duckdb")
    shutil.copy(str(sample_store) + ".salt", str(tmp_path / "clinic.duckdb") + ".salt")
    return tmp_path


def browser_at(monkeypatch: pytest.MonkeyPatch, address: str | None, *forwarded: str) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: Origin(address, tuple(forwarded)))


def app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets = secrets
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- the decision: who counts as "this computer" ------------------------------------------------


def test_only_loopback_counts_as_this_computer() -> None:
    assert is_local_origin(Origin("127.0.0.1"))
    assert is_local_origin(Origin("::1"))
    assert is_local_origin(Origin("127.0.0.5", ("127.0.0.1",)))
    assert not is_local_origin(Origin(None))  # unknown: refused
    assert not is_local_origin(Origin("192.168.1.20"))
    assert not is_local_origin(Origin("10.0.0.7"))
    assert not is_local_origin(Origin("::ffff:192.168.1.20"))
    # a proxy on this computer forwarding someone else's request
    assert not is_local_origin(Origin("127.0.0.1", ("203.0.113.9",)))
    assert not is_local_origin(Origin("127.0.0.1", ("garbage",)))


def test_forwarding_headers_are_read() -> None:
    headers = [("X-Forwarded-For", "203.0.113.9, 127.0.0.1"), ("Host", "clinic"),
               ("Forwarded", 'for="[2001:db8::1]:4711";proto=https, for=198.51.100.2'),
               ("X-Real-IP", "192.0.2.4")]  # fmt: skip
    assert forwarded_addresses(headers) == (
        "203.0.113.9", "127.0.0.1", "2001:db8::1", "198.51.100.2", "192.0.2.4")
    assert forwarded_addresses([("Host", "x"), ("Cookie", "a=b")]) == ()


# -- no users configured ---------------------------------------------------------------------------


def test_without_users_a_remote_browser_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "192.168.1.20")
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Доступ только с этого компьютера"
    assert "secrets.toml" in at.error[0].value and "hash-password" in at.error[0].value
    assert not at.metric and not at.sidebar.get("page_link")  # nothing of the clinic shown
    at.switch_page("pages/8_data.py").run()  # a deep link to another page: the same
    assert at.title[0].value == "Доступ только с этого компьютера"
    assert not at.get("file_uploader")


def test_without_users_an_unknown_peer_is_refused(home: Path) -> None:
    """AppTest's own session has no real peer address: the app treats it as remote."""
    at = app().run()
    assert at.title[0].value == "Доступ только с этого компьютера"


def test_without_users_this_computer_gets_everything_and_a_note(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "127.0.0.1")
    at = app().run()
    assert at.title[0].value == "Обзор" and at.metric
    assert any("Вход не настроен: приложение доступно только с этого компьютера" in c.value
               for c in at.sidebar.caption)  # fmt: skip
    at.switch_page("pages/8_data.py").run()
    assert len(at.get("file_uploader")) == 1


def test_a_proxy_on_this_computer_does_not_open_the_app(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "127.0.0.1", "203.0.113.9")
    at = app().run()
    assert at.title[0].value == "Доступ только с этого компьютера"


# -- users configured --------------------------------------------------------------------------------


def test_with_users_a_login_comes_before_any_page(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser_at(monkeypatch, "192.168.1.20")  # users configured: any address may sign in
    at = app(_secrets(olga=("owner", "o-secret"))).run()
    assert at.title[0].value == "Вход в Clinic BI"
    assert not at.metric
    at.switch_page("pages/1_doctors.py").run()  # a deep link: the form too
    assert at.title[0].value == "Вход в Clinic BI" and not at.dataframe
    sign_in(at, "olga", "wrong")
    assert at.error[0].value.startswith("Неверное имя или пароль")
    assert at.title[0].value == "Вход в Clinic BI"
    sign_in(at, "nobody", "o-secret")
    assert at.error[0].value.startswith("Неверное имя или пароль")


def test_an_owner_reads_every_page_but_cannot_upload(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "192.168.1.20")
    at = sign_in(app(_secrets(oleg=("owner", "o-secret"), anna=("manager", "m"))).run(),
                 "oleg", "o-secret")  # fmt: skip
    assert at.title[0].value == "Обзор" and at.metric
    assert any("oleg · владелец (просмотр)" in c.value for c in at.sidebar.caption)
    for page in ("pages/1_doctors.py", "pages/4_retention.py"):
        at.switch_page(page).run()
        assert not at.exception and at.get("vega_lite_chart"), page
    at.switch_page("pages/8_data.py").run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert "remove_button" not in [b.key for b in at.button]
    assert "Журнал загрузок" in [m.value for m in at.markdown if "Журнал" in m.value][0]
    assert at.get("vega_lite_chart")  # the coverage
    assert any("может управляющий" in i.value for i in at.info)


def test_a_manager_gets_the_uploader_and_can_sign_out(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "192.168.1.20")
    at = sign_in(app(_secrets(oleg=("owner", "o"), masha=("manager", "m-secret"))).run(),
                 "masha", "m-secret")  # fmt: skip
    assert any("masha · управляющий" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/8_data.py").run()
    assert len(at.get("file_uploader")) == 1
    assert "remove_button" in [b.key for b in at.button]
    at.button(key="logout").click().run()
    assert at.title[0].value == "Вход в Clinic BI"


def test_a_user_removed_from_the_secrets_is_signed_out(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "192.168.1.20")
    at = sign_in(app(_secrets(vera=("manager", "v"))).run(), "vera", "v")
    assert at.title[0].value == "Обзор"
    at.secrets = _secrets(other=("manager", "x"))
    at.run()
    assert at.title[0].value == "Вход в Clinic BI"


def test_the_write_path_refuses_an_owner(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only hidden buttons: every write goes through data.write_connection, which asks
    access.require for the action first."""
    monkeypatch.setattr(access, "current_user", lambda: User("oleg", "owner"))
    for action in ("upload", "remove", "edit_mappings"):
        with pytest.raises(access.ActionRefused), data.write_connection(home / "clinic.duckdb",
                                                                         action):  # fmt: skip
            pytest.fail("an owner got a write connection")
    monkeypatch.setattr(access, "current_user", lambda: None)  # nobody signed in
    with pytest.raises(access.ActionRefused), data.write_connection(home / "clinic.duckdb",
                                                                     "upload"):  # fmt: skip
        pytest.fail("an anonymous session got a write connection")
    monkeypatch.setattr(access, "current_user", lambda: User("anna", "manager"))
    with data.write_connection(home / "clinic.duckdb", "remove") as con:
        assert con.execute("select count(*) from batches").fetchone()[0] == 1


def test_broken_user_settings_stop_the_app(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser_at(monkeypatch, "127.0.0.1")
    at = app({"auth": {"users": {"x": {"role": "admin", "password_hash": "pbkdf2_sha256$1$a$b"}}}})
    at.run()
    assert "роль 'admin' неизвестна" in at.error[0].value
    assert not at.metric
