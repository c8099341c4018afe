"""`python -m clinic_bi send` against a real SMTP server (aiosmtpd) on 127.0.0.1: what arrives,
what is logged, when nothing is sent, and every refusal in the user's words.

The store: two doctors, October and November 2026, data up to 30.11.2026; "today" is
5 December 2026, so the period is November 2026.

    October:  05.10 P1 Белов 20 000, 12.10 P2 Орлова 15 000          = 35 000 ₽, 2 visits
    November: 03.11 P1 Белов 12 500, 17.11 P3 Орлова 30 000,
              30.11 P2 Белов 7 250                                   = 49 750 ₽, 3 visits, 3 patients

The comparison's previous period of a complete November is the 30 days before it (2–31
October): 35 000 ₽, so revenue moved by 14 750 / 35 000 = +42,1 %, visits 3 / 2 = +50,0 %.
"""

from __future__ import annotations

import email
import importlib
import importlib.util
import io
import json
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from clinic_bi import fmt, store
from clinic_bi.cli import main
from clinic_bi.delivery import log, send, settings
from clinic_bi.delivery.errors import DeliveryError
from clinic_bi.delivery.settings import smtp_settings
from clinic_bi.metrics import Engine, Filters, changes
from clinic_bi.present import changes_text, report_files
from tests.metrics_fixtures import line, make_store

pytestmark = pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")

TODAY = date(2026, 12, 5)
NOVEMBER = Filters(date(2026, 11, 1), date(2026, 11, 30))
SENDER = "clinic@clinic.test"
OWNER, PARTNER = "owner@clinic.test", "partner@clinic.test"
REVENUE = 12_500 + 30_000 + 7_250  # November, by hand: 49 750

ROWS = [
    line("2026-10-05", "P1", "Белов", 20000, department="Терапия"),
    line("2026-10-12", "P2", "Орлова", 15000, department="Хирургия"),
    line("2026-11-03", "P1", "Белов", 12500, department="Терапия"),
    line("2026-11-17", "P3", "Орлова", 30000, department="Хирургия"),
    line("2026-11-30", "P2", "Белов", 7250, department="Терапия"),
]


# -- a real SMTP server ------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler keeping every accepted message; `refuse` names recipients it answers
    550."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:  # fmt: skip
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self, index: int = -1) -> EmailMessage:
        return email.message_from_bytes(self.messages[index][2], policy=policy.default)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int | None = None, refuse: tuple[str, ...] = (),
                 password: str | None = None) -> None:  # fmt: skip
        self.inbox = Inbox(refuse)
        self.port = port or free_port()
        kwargs: dict[str, Any] = {}
        if password is not None:
            def check(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:  # fmt: skip
                ok = isinstance(data, LoginPassword) and data.password == password.encode()
                return AuthResult(success=ok, handled=False)

            kwargs = {"authenticator": check, "auth_require_tls": False}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def server(mail_env: None) -> Iterator[Server]:
    with Server() as s:
        yield s


@pytest.fixture
def mail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real secrets file, no SMTP variable of the machine; the fixed "today"."""
    for name in settings.VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(settings, "secrets_files", lambda: [])
    monkeypatch.setattr(send, "_today", lambda: TODAY)
    monkeypatch.setenv("CLINIC_BI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CLINIC_BI_SMTP_SECURITY", "none")
    monkeypatch.setenv("CLINIC_BI_SMTP_FROM", SENDER)


def point_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("CLINIC_BI_SMTP_PORT", str(port))


@pytest.fixture
def fake_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed file bytes in place of the PDF and XLSX renderers (being written elsewhere)."""
    monkeypatch.setattr(report_files, "render", lambda report, f, kind, lang: fake_bytes(kind, lang))


def fake_bytes(kind: str, lang: str) -> bytes:
    return f"{kind} report {lang} ".encode() + bytes(range(256))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path, services=ROWS)


def run(db: Path, *more: str, to: tuple[str, ...] = (OWNER,)) -> int:
    argv = ["send", "--db", str(db)]
    for address in to:
        argv += ["--to", address]
    return main([*argv, *more])


def bodies(msg: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies, their lines ending in \\n (base64 keeps the canonical CRLF)."""
    return tuple(msg.get_body((kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))  # type: ignore[return-value]


# -- what arrives ------------------------------------------------------------------------------


def test_sends_last_month_once_and_force_sends_again(
    db: Path, server: Server, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    point_at(monkeypatch, server.port)
    assert run(db, "--format", "pdf,xlsx", to=(PARTNER, OWNER)) == 0
    out = capsys.readouterr().out
    assert "Отчёт за ноябрь 2026 отправлен" in out

    assert len(server.inbox.messages) == 1
    mail_from, rcpt_tos, _ = server.inbox.messages[0]
    assert mail_from == SENDER
    assert rcpt_tos == [PARTNER, OWNER]
    msg = server.inbox.parsed()
    assert msg["Subject"] == "Отчёт клиники за ноябрь 2026"
    assert msg["From"] == SENDER
    assert {a.strip() for a in msg["To"].split(",")} == {OWNER, PARTNER}

    files = [(p.get_filename(), p.get_content_type(), p.get_content())
             for p in msg.iter_attachments()]  # fmt: skip
    assert files == [
        ("Отчёт 2026-11-01 — 2026-11-30.pdf", "application/pdf", fake_bytes("pdf", "ru")),
        ("Отчёт 2026-11-01 — 2026-11-30.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         fake_bytes("xlsx", "ru")),
    ]  # fmt: skip

    text, html = bodies(msg)
    assert fmt.money(REVENUE) == "49 750 ₽"
    assert "Выручка: 49 750 ₽ (+42,1 % к прошлому периоду)" in text
    assert "Визиты: 3 (+50,0 % к прошлому периоду)" in text
    assert "Пациенты: 3 (+50,0 % к прошлому периоду)" in text
    assert "данные по 30.11.2026" in text
    assert fmt.money(REVENUE, nbsp=True) in html
    # Обзор's three sentences of "what changed", among the report's own
    with Engine(db) as engine:
        top = [s.text for s in changes_text.top_sentences(
            changes.changes(engine, NOVEMBER, "previous"), "ru")]  # fmt: skip
        report = report_files.owner_report(engine, NOVEMBER, "ru")
    assert len(top) == 3
    assert set(top) <= set(report["changes"]["sentences"]["ru"])
    assert top[0].startswith("К прошлому периоду выручка выросла на 14\u00a0750\u00a0₽")
    assert "Что изменилось\n" + "\n".join(f"• {s}" for s in top) in text

    [entry] = log.send_log(db)
    assert (entry.period_from, entry.period_to) == (date(2026, 11, 1), date(2026, 11, 30))
    assert entry.recipients == (OWNER, PARTNER)  # sorted
    assert entry.formats == ("pdf", "xlsx")
    assert entry.message_id == msg["Message-ID"]

    # again, the same recipients in another order: nothing is sent
    assert run(db, "--format", "pdf,xlsx", to=(OWNER, PARTNER)) == 0
    out = capsys.readouterr().out
    shown = entry.sent_at.astimezone().strftime("%d.%m.%Y %H:%M")
    assert out.strip() == (f"Отчёт за ноябрь 2026 уже отправлен {shown} на {OWNER}, {PARTNER}. "
                           "Отправить ещё раз: --force.")  # fmt: skip
    assert len(server.inbox.messages) == 1

    # --force sends again and logs it
    assert run(db, "--force", to=(OWNER, PARTNER)) == 0
    assert len(server.inbox.messages) == 2
    assert [e.message_id for e in log.send_log(db)] == [msg["Message-ID"],
                                                        server.inbox.parsed()["Message-ID"]]
    assert [a.get_filename() for a in server.inbox.parsed().iter_attachments()] == [
        "Отчёт 2026-11-01 — 2026-11-30.pdf"]  # the default format

    # other recipients are another letter
    assert run(db, to=(OWNER,)) == 0
    assert len(server.inbox.messages) == 3
    assert server.inbox.messages[-1][1] == [OWNER]


def test_english_letter(
    db: Path, server: Server, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    point_at(monkeypatch, server.port)
    assert run(db, "--lang", "en", "--format", "xlsx") == 0
    assert "The report for November 2026 was sent to owner@clinic.test" in capsys.readouterr().out
    msg = server.inbox.parsed()
    assert msg["Subject"] == "Clinic report for November 2026"
    text, _ = bodies(msg)
    assert fmt.money(REVENUE, "en") == "49,750 ₽"
    assert "Revenue: 49,750 ₽ (+42.1% on the previous period)" in text
    assert "Visits: 3 (+50.0% on the previous period)" in text
    assert [a.get_filename() for a in msg.iter_attachments()] == [
        "Report 2026-11-01 — 2026-11-30.xlsx"]


def _renderer_exists(kind: str) -> bool:
    name = f"clinic_bi.present.report_{kind}"
    if importlib.util.find_spec(name) is None:
        return False
    return callable(getattr(importlib.import_module(name), "render", None))


def test_real_report_file(
    db: Path, server: Server, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The renderers themselves, where they exist: the attachment is the bytes report_files
    rendered (captured: a workbook's creation time may differ between two renders)."""
    kinds = [k for k in report_files.FORMATS if _renderer_exists(k)]
    if not kinds:
        pytest.skip("neither clinic_bi/present/report_pdf.py nor report_xlsx.py renders yet")
    rendered: dict[str, bytes] = {}
    real = report_files.render

    def spy(report: dict[str, Any], f: Filters, kind: str, lang: str) -> bytes:
        rendered[kind] = real(report, f, kind, lang)
        return rendered[kind]

    monkeypatch.setattr(report_files, "render", spy)
    point_at(monkeypatch, server.port)
    assert run(db, "--format", ",".join(kinds)) == 0
    parts = {p.get_content_type(): p.get_content() for p in server.inbox.parsed().iter_attachments()}
    assert parts == {report_files.MIME[k]: rendered[k] for k in kinds}
    if "xlsx" in kinds:
        import openpyxl

        assert rendered["xlsx"][:2] == b"PK"
        openpyxl.load_workbook(io.BytesIO(rendered["xlsx"]), read_only=True).close()
    if "pdf" in kinds:
        assert rendered["pdf"].startswith(b"%PDF")


# -- when nothing is sent ----------------------------------------------------------------------


def test_data_not_reaching_the_month_end(
    tmp_path: Path, server: Server, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    point_at(monkeypatch, server.port)
    short = make_store(tmp_path, services=[r for r in ROWS if r["visit_date"] < "2026-11-30"]
                       + [line("2026-11-28", "P2", "Белов", 7250)])  # fmt: skip
    assert run(short) == 3
    assert capsys.readouterr().err.strip() == (
        "send: Данные по 28.11.2026: отчёт за ноябрь 2026 будет отправлен, когда загрузятся "
        "данные до 30.11.2026.")
    assert run(short, "--lang", "en") == 3
    assert capsys.readouterr().err.strip() == (
        "send: Data up to 2026-11-28: the report for November 2026 will be sent once data up to "
        "2026-11-30 are loaded.")
    assert server.inbox.messages == []
    assert log.send_log(short) == []


def test_a_server_that_is_down_then_up(
    db: Path, mail_env: None, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    port = free_port()
    point_at(monkeypatch, port)
    assert run(db) == 1
    err = capsys.readouterr().err
    assert f"Не удалось соединиться с почтовым сервером 127.0.0.1:{port}" in err
    assert "Traceback" not in err
    assert log.send_log(db) == []
    with Server(port) as up:
        assert run(db) == 0
        assert len(up.inbox.messages) == 1
    assert len(log.send_log(db)) == 1


def test_missing_host(
    db: Path, mail_env: None, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.delenv("CLINIC_BI_SMTP_HOST")
    assert run(db) == 1
    err = capsys.readouterr().err
    assert "CLINIC_BI_SMTP_HOST" in err and "[smtp]" in err
    assert run(db, "--lang", "en") == 1
    assert "The mail setting CLINIC_BI_SMTP_HOST is not set" in capsys.readouterr().err
    assert log.send_log(db) == []


def test_a_refused_recipient_means_nobody_gets_it(
    db: Path, mail_env: None, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with Server(refuse=("nobody@clinic.test",)) as s:
        point_at(monkeypatch, s.port)
        assert run(db, to=(OWNER, "nobody@clinic.test")) == 1
        err = capsys.readouterr().err
        assert "nobody@clinic.test (550 5.1.1 No such mailbox)" in err
        assert "не отправлено никому" in err
        assert s.inbox.messages == []
    assert log.send_log(db) == []


def test_login(
    db: Path, mail_env: None, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with Server(password="right") as s:
        point_at(monkeypatch, s.port)
        monkeypatch.setenv("CLINIC_BI_SMTP_USER", SENDER)
        monkeypatch.setenv("CLINIC_BI_SMTP_PASSWORD", "wrong")
        assert run(db) == 1
        err = capsys.readouterr().err
        assert f"не принял вход пользователя {SENDER}" in err
        assert "CLINIC_BI_SMTP_PASSWORD" in err
        assert s.inbox.messages == [] and log.send_log(db) == []
        monkeypatch.setenv("CLINIC_BI_SMTP_PASSWORD", "right")
        monkeypatch.delenv("CLINIC_BI_SMTP_FROM")  # the user is the sender
        assert run(db) == 0
        assert [m[0] for m in s.inbox.messages] == [SENDER]


def test_encryption_the_server_does_not_offer(
    db: Path, server: Server, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """The test server speaks plain SMTP: STARTTLS is refused before anything is said, and an
    SSL handshake fails; neither falls back to sending in the clear."""
    point_at(monkeypatch, server.port)
    monkeypatch.setenv("CLINIC_BI_SMTP_SECURITY", "starttls")
    assert run(db) == 1
    assert "не поддерживает STARTTLS" in capsys.readouterr().err
    monkeypatch.setenv("CLINIC_BI_SMTP_SECURITY", "ssl")
    assert run(db) == 1
    assert f"Защищённое соединение с 127.0.0.1:{server.port} не установлено" in (
        capsys.readouterr().err)
    assert server.inbox.messages == [] and log.send_log(db) == []


def test_bad_arguments(db: Path, mail_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "--format", "pdf,docx") == 2
    assert "«docx» — не формат отчёта; можно pdf, xlsx" in capsys.readouterr().err
    assert run(db, to=("owner at clinic",)) == 2
    assert "«owner at clinic» — не адрес" in capsys.readouterr().err
    assert run(db, to=("владелец@клиника.рф",)) == 2


def test_waits_for_a_busy_store(
    db: Path, server: Server, fake_files: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Another process (a load) holds the store's write lock for a moment: send waits, says so,
    then sends and logs, as ingest does."""
    point_at(monkeypatch, server.port)
    monkeypatch.setenv("CLINIC_BI_LOCK_WAIT", "60")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time, duckdb
        con = duckdb.connect(sys.argv[1])
        print("locked", flush=True)
        time.sleep(1.5)
        con.close()
    """), str(db)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert run(db) == 0
    finally:
        holder.wait(timeout=30)
    assert "занято другим процессом" in capsys.readouterr().err
    assert len(server.inbox.messages) == 1 and len(log.send_log(db)) == 1


# -- the settings ------------------------------------------------------------------------------


def test_settings_from_secrets_and_environment(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(textwrap.dedent("""
        [auth.users.owner]
        role = "owner"
        [smtp]
        host = "smtp.yandex.ru"
        port = 465
        user = "clinic@yandex.ru"
        password = "s3cret"
    """), encoding="utf-8")  # fmt: skip
    s = smtp_settings({}, [secrets])
    assert (s.host, s.port, s.security, s.user, s.password, s.sender) == (
        "smtp.yandex.ru", 465, "ssl", "clinic@yandex.ru", "s3cret", "clinic@yandex.ru")
    assert "s3cret" not in repr(s)
    # the environment wins over the file; another port means STARTTLS
    s = smtp_settings({"CLINIC_BI_SMTP_PORT": "587",
                       "CLINIC_BI_SMTP_FROM": "Клиника «Улыбка» <clinic@yandex.ru>"}, [secrets])
    assert (s.port, s.security, s.sender_address) == (587, "starttls", "clinic@yandex.ru")
    # a later file wins over an earlier one, key by key
    local = tmp_path / "local.toml"
    local.write_text('[smtp]\nhost = "127.0.0.1"\nsecurity = "none"\n', encoding="utf-8")
    s = smtp_settings({}, [secrets, local])
    assert (s.host, s.port, s.security) == ("127.0.0.1", 465, "none")
    # defaults without a port
    assert smtp_settings({"CLINIC_BI_SMTP_HOST": "mail.clinic.ru",
                          "CLINIC_BI_SMTP_FROM": SENDER}, []).port == 587  # fmt: skip


@pytest.mark.parametrize(("environ", "words"), [
    ({}, ["CLINIC_BI_SMTP_HOST"]),
    ({"CLINIC_BI_SMTP_HOST": "smtp.yandex.ru", "CLINIC_BI_SMTP_SECURITY": "none",
      "CLINIC_BI_SMTP_FROM": SENDER}, ["только для почтового сервера на этом компьютере",
                                       "smtp.yandex.ru"]),
    ({"CLINIC_BI_SMTP_HOST": "h", "CLINIC_BI_SMTP_PORT": "smtp", "CLINIC_BI_SMTP_FROM": SENDER},
     ["CLINIC_BI_SMTP_PORT", "«smtp»"]),
    ({"CLINIC_BI_SMTP_HOST": "h", "CLINIC_BI_SMTP_SECURITY": "tls", "CLINIC_BI_SMTP_FROM": SENDER},
     ["CLINIC_BI_SMTP_SECURITY", "ssl, starttls или none"]),
    ({"CLINIC_BI_SMTP_HOST": "h", "CLINIC_BI_SMTP_USER": "clinic"}, ["CLINIC_BI_SMTP_PASSWORD"]),
    ({"CLINIC_BI_SMTP_HOST": "h", "CLINIC_BI_SMTP_USER": "clinic",
      "CLINIC_BI_SMTP_PASSWORD": "p"}, ["CLINIC_BI_SMTP_FROM", "clinic"]),
    ({"CLINIC_BI_SMTP_HOST": "h"}, ["CLINIC_BI_SMTP_FROM"]),
])  # fmt: skip
def test_settings_refused(environ: dict[str, str], words: list[str]) -> None:
    with pytest.raises(DeliveryError) as caught:
        smtp_settings(environ, [])
    for word in words:
        assert word in caught.value.text("ru")
    assert caught.value.text("en") != caught.value.text("ru")


def test_none_is_for_this_computer_only() -> None:
    for host in ("localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"):
        assert settings.is_local(host), host
    for host in ("smtp.yandex.ru", "10.0.0.5", "localhost.example.com"):
        assert not settings.is_local(host), host


def test_unreadable_secrets_file(tmp_path: Path) -> None:
    bad = tmp_path / "secrets.toml"
    bad.write_text("[smtp\nhost = ", encoding="utf-8")
    with pytest.raises(DeliveryError) as caught:
        smtp_settings({"CLINIC_BI_SMTP_HOST": "h"}, [bad])
    assert str(bad) in caught.value.text("ru")


# -- the log reader ----------------------------------------------------------------------------


def test_send_log_reader(tmp_path: Path, db: Path) -> None:
    assert log.send_log(tmp_path / "none.duckdb") == []
    assert log.send_log(db) == []
    first = log.Sent(date(2026, 10, 1), date(2026, 10, 31), (OWNER,), ("pdf",),
                     datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=3))), "<a@x>")
    log.record(db, first)
    # an entry this version cannot read is skipped by the reader and kept by the writer
    con = store.connect(db)
    try:
        raw = json.loads(con.execute("select value from meta where key = 'send_log'").fetchone()[0])
        raw = [{"odd": 1}, {**raw[0], "recipients": "owner"}, *raw]
        con.execute("update meta set value = $v where key = 'send_log'", {"v": json.dumps(raw)})
    finally:
        con.close()
    second = log.Sent(date(2026, 11, 1), date(2026, 11, 30), (OWNER, PARTNER), ("pdf", "xlsx"),
                      datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "<b@x>")
    log.record(db, second)
    assert log.send_log(db) == [first, second]
    con = store.connect(db, read_only=True)
    try:
        kept = json.loads(con.execute("select value from meta where key = 'send_log'").fetchone()[0])
        assert kept[:2] == [{"odd": 1}, {**first.to_json(), "recipients": "owner"}]
        assert len(kept) == 4
    finally:
        con.close()
    assert log.find([first, second], date(2026, 11, 1), date(2026, 11, 30),
                    ["Partner@Clinic.test", OWNER]) == second  # fmt: skip
    assert log.find([first, second], date(2026, 11, 1), date(2026, 11, 30), [OWNER]) is None
