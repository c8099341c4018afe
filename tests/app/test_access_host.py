"""Without users, "this computer" also means the name the browser used (Host) and the page that
opened the WebSocket (Origin) — issue 10, item 4.

A plain TCP forwarder (ssh -L, socat) or a proxy that sends no X-Forwarded-For connects from
127.0.0.1, so the peer alone would let anyone it forwards in; a page on another site that
rebinds its name to 127.0.0.1 connects from 127.0.0.1 too. Both carry a Host that is not
localhost. tests/app/test_browser_host_and_markdown.py does the same against a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.app.access import (
    Origin,
    is_local_host,
    is_local_origin,
    is_local_web_origin,
    origin_from_handshake,
)
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR

APP = str(PROJECT_DIR / "streamlit_app.py")
REFUSED = "Доступ только с этого компьютера"


# -- the pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost:8501", True),
        ("127.0.0.1:8501", True),
        ("[::1]:8501", True),
        ("LOCALHOST", True),
        ("localhost", True),
        ("LocalHost:80", True),
        ("127.0.0.5:8501", True),  # all of 127.0.0.0/8 is this computer
        (" localhost:8501 ", True),
        ("evil.example:8501", False),
        ("127.0.0.1.nip.io", False),  # a public name that resolves to 127.0.0.1
        ("127.0.0.1.nip.io:8501", False),
        ("localhost.evil.com", False),
        ("localhost.evil.com:8501", False),
        ("localhost.", False),  # the dotted form: refused (nobody types it)
        ("rebind.test:8501", False),
        ("192.168.1.20:8501", False),
        ("0.0.0.0:8501", False),
        ("::1", False),  # an IPv6 address without brackets is not a valid Host
        ("[127.0.0.1]:8501", False),  # brackets are for IPv6 only
        ("[::1", False),
        ("[]:8501", False),
        ("localhost:port", False),
        ("localhost:8501:1", False),
        ("localhost:1234567", False),
        ("user@localhost", False),
        ("localhost/path", False),
        ("", False),
        (None, False),  # no Host header at all
    ],
)
def test_the_host_must_name_this_computer(host: str | None, local: bool) -> None:
    assert is_local_host(host) is local


@pytest.mark.parametrize(
    ("origin", "local"),
    [
        (None, True),  # no Origin header: not a browser page (browsers always send one)
        ("http://localhost:8501", True),
        ("http://127.0.0.1:8501", True),
        ("http://[::1]:8501", True),
        ("HTTP://LOCALHOST:8501", True),
        ("https://localhost", True),
        ("http://localhost:3000", True),  # another program of this computer
        ("http://evil.example", False),
        ("http://evil.example:8501", False),
        ("http://rebind.test:8501", False),
        ("http://127.0.0.1.nip.io:8501", False),
        ("http://localhost.evil.com", False),
        ("null", False),  # a sandboxed frame or a local file
        ("", False),
        ("file://", False),
        ("ws://localhost:8501", False),
        ("http://localhost:8501/page", False),  # an Origin has no path
        ("localhost:8501", False),
    ],
)
def test_the_page_that_opens_the_socket_must_be_of_this_computer(
    origin: str | None, local: bool
) -> None:
    assert is_local_web_origin(origin) is local


def test_all_four_checks_must_pass() -> None:
    here = dict(host="localhost:8501", web_origin="http://localhost:8501")
    assert is_local_origin(Origin("127.0.0.1", **here))
    assert is_local_origin(Origin("::1", host="[::1]:8501", web_origin="http://[::1]:8501"))
    assert not is_local_origin(Origin("192.168.1.20", **here))  # the peer
    assert not is_local_origin(Origin("127.0.0.1", ("203.0.113.9",), **here))  # a proxy's header
    # a forwarder that passes the name it was reached by, or a rebound name
    assert not is_local_origin(Origin("127.0.0.1", host="clinic.example.com",
                                      web_origin="https://clinic.example.com"))  # fmt: skip
    assert not is_local_origin(Origin("127.0.0.1", host="rebind.test:8501"))
    assert not is_local_origin(Origin("127.0.0.1", host=None))  # no Host: refused
    # another site's page opening a socket to http://localhost:8501
    assert not is_local_origin(Origin("127.0.0.1", host="localhost:8501",
                                      web_origin="http://evil.example"))  # fmt: skip
    assert not is_local_origin(Origin("127.0.0.1", host="localhost:8501", web_origin="null"))


def test_the_handshake_headers_are_read() -> None:
    origin = origin_from_handshake("127.0.0.1", [
        ("host", "localhost:8501"), ("Origin", "http://localhost:8501"),
        ("cookie", "a=b"), ("X-Forwarded-For", "203.0.113.9"),
    ])  # fmt: skip
    assert origin == Origin("127.0.0.1", ("203.0.113.9",), "localhost:8501",
                            "http://localhost:8501")  # fmt: skip
    missing = origin_from_handshake("127.0.0.1", [("cookie", "a=b")])
    assert missing.host is None and missing.web_origin is None
    assert not is_local_origin(missing)
    # two Host headers (a smuggling attempt) name no host; two Origins, no origin
    twice = origin_from_handshake("127.0.0.1", [("host", "localhost"), ("Host", "evil.example"),
                                                ("origin", "http://localhost"),
                                                ("origin", "http://evil.example")])  # fmt: skip
    assert twice.host == "" and twice.web_origin == ""
    assert not is_local_origin(twice)


# -- the refusal page ----------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         tmp_path_factory: pytest.TempPathFactory) -> Path:  # fmt: skip
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    results = loader.ingest_paths(tmp_path / "clinic.duckdb",
                                  [SAMPLE_DATA_DIR / "medesk_services_2025.csv"])  # fmt: skip
    assert all(r.ok for r in results)
    return tmp_path


def _browser(monkeypatch: pytest.MonkeyPatch, origin: Origin) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: origin)


def test_another_name_gets_the_refusal_with_the_address_to_use(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _browser(monkeypatch, Origin("127.0.0.1", host="rebind.test:8501",
                                 web_origin="http://rebind.test:8501"))  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == REFUSED
    text = at.error[0].value
    assert "http://localhost:8501" in text  # AppTest's server.port is the default
    assert "Через прокси, туннель или под другим именем" in text
    assert "secrets.toml" in text and "hash-password" in text
    assert "[auth.users.anna]" in at.code[0].value
    assert not at.metric and not at.sidebar.get("page_link")
    at.switch_page("pages/1_doctors.py").run()
    assert at.title[0].value == REFUSED and not at.dataframe


def test_the_refusal_in_english(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _browser(monkeypatch, Origin("127.0.0.1", host="clinic.example.com"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value == "Open to this computer only"
    assert "answers only at http://localhost:8501" in at.error[0].value
    assert "Through a proxy, a tunnel or under another name" in at.error[0].value


def test_a_page_of_another_site_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _browser(monkeypatch, Origin("127.0.0.1", host="localhost:8501",
                                 web_origin="http://evil.example"))  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == REFUSED and not at.metric


def test_localhost_in_any_spelling_opens_the_app(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for host, page in (("LOCALHOST:8501", "http://localhost:8501"),
                       ("[::1]:8501", "http://[::1]:8501")):  # fmt: skip
        _browser(monkeypatch, Origin("127.0.0.1", host=host, web_origin=page))
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert at.title[0].value == "Обзор" and at.metric, host


def test_users_configured_are_not_bound_to_localhost(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With users, the name does not matter: a proxy under its own name gets the login form."""
    _browser(monkeypatch, Origin("127.0.0.1", host="clinic.example.com",
                                 web_origin="https://clinic.example.com"))  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"auth": {"users": {"anna": {
        "role": "manager", "password_hash": "pbkdf2_sha256$1000$c2FsdA==$aGFzaA=="}}}}
    at.run()
    assert at.title[0].value == "Вход в Clinic BI"

