"""Where `send` finds its mail server: environment variables first, then the `[smtp]` section of
Streamlit's secrets, never the command line (a password in a crontab line or in `ps` is a
password anyone on the machine reads).

    CLINIC_BI_SMTP_HOST      host = "smtp.yandex.ru"                 required
    CLINIC_BI_SMTP_PORT      port = 465                              465 for ssl, 25 for none, else 587
    CLINIC_BI_SMTP_USER      user = "clinic@yandex.ru"               no login without it
    CLINIC_BI_SMTP_PASSWORD  password = "…"                          required with a user
    CLINIC_BI_SMTP_FROM      from = "Клиника <clinic@yandex.ru>"     default: the user, if an address
    CLINIC_BI_SMTP_SECURITY  security = "ssl" | "starttls" | "none"  default: ssl for port 465,
                                                                     starttls otherwise

`none` (no encryption) is accepted only for a server on this computer (a local relay); for any
other host it is refused, not quietly downgraded.

The secrets files are Streamlit's own, read here with tomllib so the command needs no Streamlit:
`~/.streamlit/secrets.toml`, then `.streamlit/secrets.toml` of the project and of the current
folder, a later file's key winning (Streamlit's order: global, then the app's).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from clinic_bi.delivery.errors import DeliveryError
from clinic_bi.paths import PROJECT_DIR

SECURITY: tuple[str, ...] = ("ssl", "starttls", "none")
DEFAULT_PORTS: dict[str, int] = {"ssl": 465, "starttls": 587, "none": 25}
# key in [smtp] -> environment variable
VARIABLES: dict[str, str] = {
    "host": "CLINIC_BI_SMTP_HOST",
    "port": "CLINIC_BI_SMTP_PORT",
    "user": "CLINIC_BI_SMTP_USER",
    "password": "CLINIC_BI_SMTP_PASSWORD",
    "from": "CLINIC_BI_SMTP_FROM",
    "security": "CLINIC_BI_SMTP_SECURITY",
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # one of SECURITY
    sender: str  # the From header as given: 'clinic@x.ru' or 'Клиника <clinic@x.ru>'
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def sender_address(self) -> str:
        """The envelope sender: the bare address of `sender`."""
        return parseaddr(self.sender)[1]


def secrets_files() -> list[Path]:
    """Streamlit's secrets files, in the order their keys apply (a later one wins)."""
    found: list[Path] = []
    for path in (Path.home() / ".streamlit" / "secrets.toml",
                 PROJECT_DIR / ".streamlit" / "secrets.toml",
                 Path.cwd() / ".streamlit" / "secrets.toml"):  # fmt: skip
        if path.resolve() not in [p.resolve() for p in found]:
            found.append(path)
    return found


def _secrets_section(files: Sequence[Path]) -> dict[str, Any]:
    """The [smtp] keys of the secrets files that exist, later files winning."""
    merged: dict[str, Any] = {}
    for path in files:
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise DeliveryError("bad_secrets", path=path, reason=exc) from exc
        section = data.get("smtp")
        if section is None:
            continue
        if not isinstance(section, dict):
            raise DeliveryError("bad_secrets_section", path=path)
        merged.update(section)
    return merged


def is_local(host: str) -> bool:
    """A host on this computer: 'localhost' or a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip().rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def is_address(value: str) -> bool:
    """A bare e-mail address of ASCII letters: name@domain (no display name, no spaces)."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    return (bool(at) and bool(local) and bool(domain) and value.isascii()
            and parseaddr(value)[1] == value and not any(c.isspace() for c in value)
            and "@" not in domain)  # fmt: skip


def smtp_settings(
    environ: Mapping[str, str] | None = None, files: Sequence[Path] | None = None
) -> SmtpSettings:
    """The settings from `environ` (os.environ) over the secrets `files` (secrets_files());
    DeliveryError naming the variable when one is missing or wrong."""
    environ = os.environ if environ is None else environ
    section = _secrets_section(secrets_files() if files is None else files)

    def get(key: str) -> str | None:
        value = environ.get(VARIABLES[key])
        if value is None or not value.strip():
            raw = section.get(key)
            value = None if raw is None else str(raw)
        if value is None or not value.strip():
            return None
        return value if key == "password" else value.strip()

    def missing(key: str) -> DeliveryError:
        return DeliveryError("missing_setting", name=VARIABLES[key], key=key)

    host = get("host")
    if host is None:
        raise missing("host")
    security = get("security")
    if security is not None:
        security = security.lower()
        if security not in SECURITY:
            raise DeliveryError("bad_security", name=VARIABLES["security"], value=security)
    port_text = get("port")
    if port_text is None:
        port = DEFAULT_PORTS[security or "starttls"]
    else:
        try:
            port = int(port_text)
        except ValueError:
            port = 0
        if not 1 <= port <= 65535:
            raise DeliveryError("bad_port", name=VARIABLES["port"], value=port_text)
    if security is None:
        security = "ssl" if port == 465 else "starttls"
    if security == "none" and not is_local(host):
        raise DeliveryError("none_not_local", name=VARIABLES["security"], host=host)
    user = get("user")
    password = get("password")
    if user is not None and password is None:
        raise missing("password")
    sender = get("from")
    if sender is None:
        if user is None:
            raise missing("from")
        if not is_address(user):
            raise DeliveryError("missing_from", name=VARIABLES["from"], key="from", user=user)
        sender = user
    if not is_address(parseaddr(sender)[1]):
        raise DeliveryError("bad_sender", name=VARIABLES["from"], value=sender)
    return SmtpSettings(host=host, port=port, security=security, sender=sender, user=user,
                        password=password)  # fmt: skip
