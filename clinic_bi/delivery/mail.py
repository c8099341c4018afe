"""The letter and its delivery: `compose` writes the owner's letter (plain text with an HTML
alternative, the report files attached), `transmit` hands it to the SMTP server.

The letter says what the text report and Обзор say, in their words: the three headline figures
of Обзор's first cards (revenue, visits, patients: named and written by present/figures.py),
each with its change on the previous period as the cards show it, then Обзор's three sentences
of "what changed" (changes_text.top_sentences; they are among the report's
`changes.sentences`). Everything in it is 7-bit clean (base64 text, RFC 2047 subject, RFC 2231
file names), so any server takes it.

`transmit` is all or nothing: every recipient is given to the server (RCPT) before the letter
(DATA), and if the server refuses any of them the transaction is reset and nobody gets the
letter — so a refusal never leaves the log unsure of who was sent what.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from clinic_bi import fmt
from clinic_bi.delivery import words
from clinic_bi.delivery.errors import DeliveryError
from clinic_bi.delivery.settings import SmtpSettings
from clinic_bi.present import figures
from clinic_bi.present import words as report_words
from clinic_bi.present.report_files import MIME

# The letter's figures: the first three KPI cards of Обзор (app/data.py KPI_FIGURES), the first
# three keys of the report's summary.
HEADLINE: tuple[str, ...] = ("revenue", "visits", "patients")
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Attachment:
    name: str
    kind: str  # a report_files format: 'pdf', 'xlsx'
    data: bytes


@dataclass(frozen=True)
class Letter:
    """What the letter says, before it is written as text or HTML."""

    subject: str
    intro: str
    figures: tuple[tuple[str, str, str | None], ...]  # (name, value, change)
    changes_title: str
    changes: tuple[str, ...]
    attached: str
    footer: str


def _change(report: dict[str, Any], name: str, lang: str) -> str | None:
    """The figure's change on the previous period, as the KPI cards write it ('+42,1 %',
    '+2,1 п.п.'); None where the comparison has none."""
    for row in (report.get("comparison") or {}).get("figures", []):
        if row["metric"] == name:
            change = figures.change_text(row["kind"], row["change"], row["change_rel"], lang)
            return None if change is None else words.t("figure_change", lang, change=change)
    return None


def letter(
    report: dict[str, Any],
    sentences: Sequence[str],
    attachments: Sequence[Attachment],
    lang: str,
    *,
    nbsp: bool = False,
) -> Letter:
    """The letter of a report object (report_files.owner_report) of one calendar month."""
    period = report["period"]
    start = datetime.fromisoformat(period["from"]).date()
    month = words.month_name(start, lang)
    summary = report.get("summary") or {}
    shown = []
    for name in HEADLINE:
        figure = figures.get(name)
        assert figure is not None
        value = figures.show(name, summary.get(name), lang, nbsp=nbsp)
        shown.append((figure.label(lang), value, _change(report, name, lang)))
    data_end = summary.get("data_end")
    return Letter(
        subject=words.t("subject", lang, month=month),
        intro=words.t("intro", lang, month=month, start=fmt.day(period["from"], lang),
                      end=fmt.day(period["to"], lang), data_end=fmt.day(data_end, lang)),
        figures=tuple(shown),
        changes_title=report_words.t("report_changes", lang),
        changes=tuple(sentences),
        attached=words.t("attached", lang, files=", ".join(a.name for a in attachments)),
        footer=words.t("footer", lang),
    )  # fmt: skip


def plain_text(letter_: Letter) -> str:
    out = [letter_.intro, ""]
    for name, value, change in letter_.figures:
        line = f"{name}: {value}"
        out.append(line + (f" ({change})" if change else ""))
    if letter_.changes:
        out += ["", letter_.changes_title]
        out += [f"• {s}" for s in letter_.changes]
    out += ["", letter_.attached, "", "-- ", letter_.footer]
    return "\n".join(out) + "\n"


def html_text(letter_: Letter) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(name)}</td><td style=\"text-align:right;padding-left:1.5em\"><b>{e(value)}"
        f"</b></td><td style=\"padding-left:1em;color:#555\">{e(change or '')}</td></tr>"
        for name, value, change in letter_.figures
    )
    out = [f"<p>{e(letter_.intro)}</p>", f"<table>{rows}</table>"]
    if letter_.changes:
        items = "".join(f"<li>{e(s)}</li>" for s in letter_.changes)
        out.append(f"<p><b>{e(letter_.changes_title)}</b></p><ul>{items}</ul>")
    out.append(f"<p>{e(letter_.attached)}</p>")
    out.append(f"<p style=\"color:#777;font-size:smaller\">{e(letter_.footer)}</p>")
    return ("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">" + "".join(out)
            + "</body></html>\n")  # fmt: skip


def compose(
    report: dict[str, Any],
    sentences: Sequence[str],
    attachments: Sequence[Attachment],
    lang: str,
    sender: str,
    recipients: Sequence[str],
    now: datetime,
) -> EmailMessage:
    """The whole message: headers (its Message-ID under the sender's domain), the text and HTML
    bodies, the report files with their MIME types (report_files.MIME)."""
    text = letter(report, sentences, attachments, lang)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = text.subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid("clinic-bi", domain=domain)
    msg.set_content(plain_text(text), charset="utf-8", cte="base64")
    msg.add_alternative(html_text(letter(report, sentences, attachments, lang, nbsp=True)),
                        subtype="html", charset="utf-8", cte="base64")  # fmt: skip
    for a in attachments:
        maintype, subtype = MIME[a.kind].split("/")
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.name)
    return msg


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"{exc.smtp_code} {text}".strip()
    return str(exc) or type(exc).__name__


def _response(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def transmit(settings: SmtpSettings, msg: EmailMessage, recipients: Sequence[str]) -> None:
    """Deliver `msg` to every one of `recipients` or to none: DeliveryError (in the user's words,
    naming the server) when the connection, the encryption, the login, the sender, any recipient
    or the letter is refused. Returns once the server has accepted the letter."""
    host, port = settings.host, settings.port
    where = {"host": host, "port": port}
    context = ssl.create_default_context()
    try:
        if settings.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS,
                                                  context=context)  # fmt: skip
        else:
            smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    except ssl.SSLError as exc:
        raise DeliveryError("tls_failed", **where, reason=_reason(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError("connect_failed", **where, reason=_reason(exc)) from exc
    try:
        _conversation(smtp, settings, msg, recipients)
    except ssl.SSLError as exc:
        raise DeliveryError("tls_failed", **where, reason=_reason(exc)) from exc
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise DeliveryError("connection_lost", **where, reason=_reason(exc)) from exc
    except smtplib.SMTPException as exc:
        raise DeliveryError("message_refused", host=host, reason=_reason(exc)) from exc
    finally:
        try:
            smtp.quit()  # the letter is the server's once DATA was accepted: QUIT may fail
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _conversation(
    smtp: smtplib.SMTP, settings: SmtpSettings, msg: EmailMessage, recipients: Sequence[str]
) -> None:
    host = settings.host
    smtp.ehlo_or_helo_if_needed()
    if settings.security == "starttls":
        if not smtp.has_extn("starttls"):
            raise DeliveryError("starttls_unsupported", host=host, port=settings.port)
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
    if settings.user is not None:
        if not smtp.has_extn("auth"):
            raise DeliveryError("auth_unsupported", host=host, user=settings.user)
        try:
            smtp.login(settings.user, settings.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError("auth_failed", host=host, user=settings.user,
                                reason=_reason(exc)) from exc  # fmt: skip
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError("auth_unsupported", host=host, user=settings.user) from exc
        except smtplib.SMTPException as exc:  # no method both sides know
            raise DeliveryError("auth_failed", host=host, user=settings.user,
                                reason=_reason(exc)) from exc  # fmt: skip
    code, reply = smtp.mail(settings.sender_address)
    if code != 250:
        smtp.rset()
        raise DeliveryError("sender_refused", host=host, sender=settings.sender_address,
                            reason=_response(code, reply))  # fmt: skip
    refused = []
    for address in recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused.append(f"{address} ({_response(code, reply)})")
    if refused:
        smtp.rset()
        raise DeliveryError("recipients_refused", host=host, refused="; ".join(refused))
    smtp.data(msg.as_bytes())  # SMTPDataError unless the server accepted it
